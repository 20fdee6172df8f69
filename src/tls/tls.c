/*
 * tls.c: FTPS's TLS layer over OpenSSL 3 (see tls.h for the contract).
 *
 * Session tickets (SSL_OP_NO_TICKET is NOT set).  The control handshake
 * runs in one process and data handshakes in another, so the server
 * side of a resumption must work without shared memory.  Stateless
 * tickets do that: a ticket is the session encrypted under the
 * SSL_CTX's ticket keys, and any process holding those keys resumes it.
 * SSL_OP_NO_TICKET would instead make TLS 1.3 "tickets" stateful (a
 * cache entry per ticket, in the process that issued it) and would
 * need every such entry handed over.  Keys shared by every child of the
 * listener would let one compromised session decrypt every other
 * client's tickets, so each control connection draws its own keys
 * after fork (tls_server_new_ticket_keys) and hands them, with its
 * session, to its own session process only (tls_handoff_export).
 * TLS 1.2 clients that resume by session ID instead find the control
 * session in the importing process's cache, put there by the import.
 *
 * Which session did a data connection resume?  Not a session ID
 * question: a TLS 1.3 resumption gets a new session ID, and a TLS 1.2
 * ticket session has an empty ID on the server, the resumed one taking
 * whatever ID the client sent.  Nor, in TLS 1.3, a master key one: a
 * TLS 1.3 session's "master key" is the PSK of one ticket, derived from
 * the resumption master secret and that ticket's nonce, and OpenSSL
 * overwrites it with each ticket it issues, so neither the control
 * session's current value nor a resumed connection's (which has issued
 * fresh tickets by the end of its handshake) is a stable fingerprint;
 * and tickets issued on data connections, which clients that use a
 * ticket only once (recent curl, rustls) need, descend from the data
 * connection's secret.  In TLS 1.2 the master secret does survive every
 * resumption.  What every session of the control connection's lineage
 * shares is its session ID context, copied by OpenSSL into each session
 * and ticket made on a connection that carries it.  So:
 *   - a control connection gets a fresh random 32-byte context;
 *   - its data connections carry the same context, and OpenSSL resumes
 *     only sessions bearing it (for TLS 1.3 tickets too, in
 *     ssl_get_prev_session()); anything else becomes a full handshake;
 *   - with TLS_F_REQUIRE_REUSE a certificate callback, which OpenSSL
 *     calls only for full handshakes, aborts those: nobody completes a
 *     full handshake under the context, so every session bearing it was
 *     obtained by proving the control connection's secrets (by
 *     induction over resumptions), and no attacker gets a ticket;
 *   - after the handshake tls_reuse_check() requires "resumed" and the
 *     context again (not trusting one OpenSSL code path alone), and for
 *     TLS 1.2 a master key fingerprint (SHA-256) equal to the control
 *     session's.
 * Per-connection ticket keys make other connections' tickets
 * undecryptable in the first place; the checks above hold without them.
 *
 * No read-ahead: OpenSSL never reads past the record it needs, so no
 * byte meant for another owner of the socket is swallowed.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "buf.h"
#include "str.h"
#include "tls/tls.h"

#define TLS_DEFAULT_TIMEOUT	86400	/* seconds a session stays resumable */
#define TLS_HOST_MAX		256
#define HANDOFF_MAGIC		"FTPDTLS1"
#define HANDOFF_MAGIC_LEN	8
#define HANDOFF_HDR_LEN		(HANDOFF_MAGIC_LEN + 2 + TLS_SIDCTX_LEN + \
				    TLS_TICKET_KEYS_LEN + 2)

struct tls_server {
	SSL_CTX	*ctx;
	int	 refs;		/* creator + one per connection */
	char	 sni_host[TLS_HOST_MAX]; /* "" if not checked */
};

struct tls_conn {
	SSL			*ssl;
	struct tls_server	*srv;
	unsigned		 flags;
	int			 data;	/* bound to a parent */
	int			 done;		/* handshake complete */
	int			 failed;	/* fatal error seen */
	uint8_t			 sid_ctx[TLS_SIDCTX_LEN];
	char			 cbwhy[TLS_REASON_MAX]; /* from a callback */
	char			 reason[TLS_REASON_MAX];
};

struct tls_parent {
	uint8_t	 sid_ctx[TLS_SIDCTX_LEN];
	int	 version;
	int	 have_fp;	/* TLS 1.2: the master key matters */
	uint8_t	 fp[SHA256_DIGEST_LENGTH];
	size_t	 derlen;	/* TLS 1.2: the session, to recache */
	uint8_t	 der[TLS_SESSION_MAX];
};

static const char reuse_reason[] =
    "data connection did not resume the control connection's TLS session";

static void	set_reason(struct tls_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	recache(struct tls_server *, const struct tls_parent *);

/* A log line may be cut short; it still says what happened. */
static void
set_reason(struct tls_conn *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	if (n < 0)
		c->reason[0] = '\0';
}

/*
 * The text of the oldest queued OpenSSL error: the first one pushed is
 * the cause, later ones are the layers that passed it up.
 */
static void
openssl_reason(char *dst, size_t size)
{
	unsigned long e;
	const char *r;

	e = ERR_peek_error();
	if (e == 0) {
		(void)cstr_copy(dst, size, "unknown error");
		return;
	}
	if (ERR_SYSTEM_ERROR(e)) {
		(void)cstr_copy(dst, size, strerror(ERR_GET_REASON(e)));
		return;
	}
	if ((r = ERR_reason_error_string(e)) != NULL)
		(void)cstr_copy(dst, size, r);
	else
		ERR_error_string_n(e, dst, size);
}

/* Client-chosen bytes in a log line: printable ASCII only, bounded. */
static void
add_printable(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf_addc(b, p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' ?
		    p[i] : '?') == -1)
			return;		/* full: the rest is cut off */
}

/* Keep the callback's reason for tls_reason(): ours beat OpenSSL's. */
static void
set_cbwhy(struct tls_conn *c, struct buf *b)
{
	if (buf_cstr(b, c->cbwhy, sizeof(c->cbwhy)) == -1)
		(void)cstr_copy(c->cbwhy, sizeof(c->cbwhy),
		    "handshake refused");
}

/*
 * ALPN (RFC 7301).  Called only when the client sent the extension:
 * "ftp" is selected; a list without it is refused with the fatal
 * no_application_protocol alert, so that a TLS connection meant for
 * another service (HTTPS, IMAPS...) and redirected here by an attacker
 * dies in the handshake (ALPACA, CVE-2021-3618).  No ALPN at all is
 * accepted: most FTP clients send none.
 */
static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	struct tls_conn *c = SSL_get_app_data(ssl);
	BUF_DECLARE(b, TLS_REASON_MAX - 1);
	unsigned int i, n;

	(void)arg;
	for (i = 0; i < inlen; i += 1 + n) {
		n = in[i];
		if (n == 0 || n > inlen - i - 1)
			break;		/* OpenSSL has checked; be safe */
		if (n == 3 && memcmp(in + i + 1, "ftp", 3) == 0) {
			*out = in + i + 1;
			*outlen = 3;
			return SSL_TLSEXT_ERR_OK;
		}
	}
	if (c != NULL) {
		(void)buf_adds(&b, "client's ALPN list does not offer "
		    "\"ftp\" (offered:");
		for (i = 0; i < inlen; i += 1 + n) {
			n = in[i];
			if (n == 0 || n > inlen - i - 1)
				break;
			(void)buf_adds(&b, " \"");
			add_printable(&b, in + i + 1, n);
			(void)buf_adds(&b, "\"");
		}
		(void)buf_adds(&b, "); cross-protocol defence (ALPACA)");
		set_cbwhy(c, &b);
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/*
 * SNI (RFC 6066): with a configured host name, a client that names
 * another host is refused with unrecognized_name; one that names none
 * is served (FTP clients by IP address send none).  ASCII case-folded.
 */
static int
sni_check(SSL *ssl, int *alert, void *arg)
{
	struct tls_conn *c = SSL_get_app_data(ssl);
	const char *name;
	BUF_DECLARE(b, TLS_REASON_MAX - 1);

	(void)arg;
	if (c == NULL || c->srv->sni_host[0] == '\0')
		return SSL_TLSEXT_ERR_OK;
	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name == NULL || str_eq_ci(str_cstr(name), c->srv->sni_host))
		return SSL_TLSEXT_ERR_OK;
	(void)buf_adds(&b, "client asked for host \"");
	add_printable(&b, (const unsigned char *)name, strlen(name));
	(void)buf_printf(&b, "\", this server is \"%s\"", c->srv->sni_host);
	set_cbwhy(c, &b);
	*alert = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/*
 * Set on data connections that must resume: OpenSSL asks for the
 * certificate only when it is about to do a full handshake, so saying
 * no here refuses exactly the handshakes that did not resume, before
 * any session or ticket exists for the peer to keep.
 */
static int
refuse_full_handshake(SSL *ssl, void *arg)
{
	struct tls_conn *c = arg;

	(void)ssl;
	(void)cstr_printf(c->cbwhy, sizeof(c->cbwhy), "%s (the client "
	    "started a new session)", reuse_reason);
	return 0;
}

/*
 * A server context with every policy setting of this module and no
 * certificate yet; *ctxp is its SSL_CTX.  NULL with err on failure.
 */
static struct tls_server *
server_base(const struct tls_config *conf, char *err, size_t errsize,
    SSL_CTX **ctxp)
{
	struct tls_server *srv;
	SSL_CTX *ctx;
	char why[TLS_REASON_MAX];
	long timeout;
	int minv;

	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1) {
		(void)cstr_copy(err, errsize, "cannot initialize OpenSSL");
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		(void)cstr_copy(err, errsize, "out of memory");
		return NULL;
	}
	if (conf->sni_host != NULL && cstr_copy(srv->sni_host,
	    sizeof(srv->sni_host), conf->sni_host) == -1) {
		(void)cstr_copy(err, errsize, "SNI host name too long");
		free(srv);
		return NULL;
	}
	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		openssl_reason(why, sizeof(why));
		(void)cstr_printf(err, errsize, "SSL_CTX_new: %s", why);
		free(srv);
		return NULL;
	}
	srv->ctx = ctx;
	srv->refs = 1;

	/* TLS 1.2 at least; a stricter system policy stands. */
	minv = SSL_CTX_get_min_proto_version(ctx);
	if ((minv == 0 || minv < TLS1_2_VERSION) &&
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		goto fail_ssl;
	/*
	 * No compression (CRIME), no renegotiation (a TLS 1.2 client could
	 * use it to make us do handshakes forever); server preference so
	 * that AES-GCM, which kTLS and AES-NI handle, wins over the
	 * client's order within the system's policy.  No cipher list is
	 * set: the system's default policy applies.
	 */
	(void)SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/*
	 * A system configuration could set these: truncation must stay
	 * visible, and stateless tickets are how a session crosses
	 * processes (see the top of this file).
	 */
	(void)SSL_CTX_clear_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_TICKET);
	/*
	 * Partial writes and moving buffers suit an event loop; released
	 * buffers keep an idle control connection's memory small.
	 */
	(void)SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	(void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	/*
	 * An FTP session may last hours and a data connection must resume
	 * the control session all along.  A long life costs little: the
	 * ticket keys live only in the processes of one connection.
	 */
	timeout = conf->session_timeout > 0 ? conf->session_timeout :
	    TLS_DEFAULT_TIMEOUT;
	(void)SSL_CTX_set_timeout(ctx, timeout);
	if (SSL_CTX_set_num_tickets(ctx, 2) != 1)
		goto fail_ssl;
	/* Each connection sets its own context; this is a fallback. */
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"ftpd",
	    4) != 1)
		goto fail_ssl;
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	if (SSL_CTX_set_tlsext_servername_callback(ctx, sni_check) != 1)
		goto fail_ssl;
	*ctxp = ctx;
	return srv;

fail_ssl:
	openssl_reason(why, sizeof(why));
	(void)cstr_printf(err, errsize, "TLS context setup: %s", why);
	ERR_clear_error();
	SSL_CTX_free(ctx);
	free(srv);
	return NULL;
}

struct tls_server *
tls_server_new(const struct tls_config *conf, char *err, size_t errsize)
{
	struct tls_server *srv;
	SSL_CTX *ctx;
	char why[TLS_REASON_MAX];

	if (conf == NULL || conf->cert_file == NULL ||
	    conf->key_file == NULL) {
		(void)cstr_copy(err, errsize, "no certificate or key file");
		return NULL;
	}
	if ((srv = server_base(conf, err, errsize, &ctx)) == NULL)
		return NULL;

	if (SSL_CTX_use_certificate_chain_file(ctx, conf->cert_file) != 1) {
		openssl_reason(why, sizeof(why));
		(void)cstr_printf(err, errsize, "cannot load certificate "
		    "chain %s: %s", conf->cert_file, why);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, conf->key_file,
	    SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    X509_R_KEY_VALUES_MISMATCH)
			(void)cstr_printf(err, errsize, "private key %s does "
			    "not match certificate %s", conf->key_file,
			    conf->cert_file);
		else {
			openssl_reason(why, sizeof(why));
			(void)cstr_printf(err, errsize, "cannot load private "
			    "key %s: %s", conf->key_file, why);
		}
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		openssl_reason(why, sizeof(why));
		(void)cstr_printf(err, errsize, "private key %s does not "
		    "match certificate %s: %s", conf->key_file,
		    conf->cert_file, why);
		goto fail;
	}
	ERR_clear_error();
	return srv;

fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	free(srv);
	return NULL;
}

struct tls_server *
tls_server_new_ephemeral(const struct tls_config *conf, char *err,
    size_t errsize)
{
	struct tls_server *srv;
	SSL_CTX *ctx;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	char why[TLS_REASON_MAX];

	if ((srv = server_base(conf, err, errsize, &ctx)) == NULL)
		return NULL;
	/*
	 * OpenSSL will not resume a TLS 1.3 session on a context without
	 * a certificate ("no shared cipher"), so it gets one of its own;
	 * no handshake it is used for is allowed to get as far as sending
	 * it (TLS_F_REQUIRE_REUSE).
	 */
	if ((pk = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL ||
	    X509_set_version(x, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 1) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400) == NULL ||
	    X509_set_pubkey(x, pk) != 1 ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"ftpd data session", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_sign(x, pk, EVP_sha256()) == 0 ||
	    SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, pk) != 1) {
		openssl_reason(why, sizeof(why));
		(void)cstr_printf(err, errsize, "throwaway certificate: %s",
		    why);
		X509_free(x);
		EVP_PKEY_free(pk);
		ERR_clear_error();
		SSL_CTX_free(ctx);
		free(srv);
		return NULL;
	}
	X509_free(x);
	EVP_PKEY_free(pk);
	return srv;
}

void
tls_server_free(struct tls_server *srv)
{
	if (srv == NULL || --srv->refs > 0)
		return;
	SSL_CTX_free(srv->ctx);		/* clears the private key */
	OPENSSL_cleanse(srv, sizeof(*srv));
	free(srv);
}

int
tls_server_new_ticket_keys(struct tls_server *srv)
{
	uint8_t keys[TLS_TICKET_KEYS_LEN];
	long r;

	/* OpenSSL reseeds its generators in a forked child. */
	if (RAND_priv_bytes(keys, sizeof(keys)) != 1) {
		ERR_clear_error();
		return -1;
	}
	r = SSL_CTX_set_tlsext_ticket_keys(srv->ctx, keys, sizeof(keys));
	OPENSSL_cleanse(keys, sizeof(keys));
	return r == 1 ? 0 : -1;
}

struct tls_conn *
tls_conn_new(struct tls_server *srv, int fd, const struct tls_parent *parent,
    unsigned flags)
{
	struct tls_conn *c;

	if (srv == NULL || fd < 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->flags = flags;
	c->data = parent != NULL;
	ERR_clear_error();
	if ((c->ssl = SSL_new(srv->ctx)) == NULL)
		goto fail;
	/* A socket BIO: kTLS needs one, and it does not close fd. */
	if (SSL_set_fd(c->ssl, fd) != 1 || SSL_set_app_data(c->ssl, c) != 1)
		goto fail;
	SSL_set_accept_state(c->ssl);
	if (parent == NULL) {
		if (RAND_bytes(c->sid_ctx, sizeof(c->sid_ctx)) != 1)
			goto fail;
	} else
		memcpy(c->sid_ctx, parent->sid_ctx, sizeof(c->sid_ctx));
	if (SSL_set_session_id_context(c->ssl, c->sid_ctx,
	    sizeof(c->sid_ctx)) != 1)
		goto fail;
	if (parent != NULL) {
		if (recache(srv, parent) == -1)
			goto fail;
		/*
		 * One fresh ticket per data connection: enough for clients
		 * that use each ticket once, no more for those that keep
		 * using the control connection's (none with TLS_F_NO_TICKET).
		 */
		if (SSL_set_num_tickets(c->ssl,
		    (flags & TLS_F_NO_TICKET) ? 0 : 1) != 1)
			goto fail;
		if (flags & TLS_F_REQUIRE_REUSE)
			SSL_set_cert_cb(c->ssl, refuse_full_handshake, c);
	}
	/*
	 * OpenSSL 3.0 pushes keys to the kernel when it derives them,
	 * during the handshake; it cannot be asked afterwards.
	 */
	if (flags & TLS_F_KTLS)
		(void)SSL_set_options(c->ssl, SSL_OP_ENABLE_KTLS);
	c->srv = srv;
	srv->refs++;
	return c;

fail:
	ERR_clear_error();
	SSL_free(c->ssl);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
	return NULL;
}

void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	tls_server_free(c->srv);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

int
tls_fd(const struct tls_conn *c)
{
	return SSL_get_fd(c->ssl);
}

const char *
tls_reason(const struct tls_conn *c)
{
	return c->reason;
}

/*
 * After an OpenSSL call failed with SSL_get_error() code e: record why,
 * and whether it was the truncation case.  The error queue is cleared.
 */
static enum tls_res
fail_with(struct tls_conn *c, const char *what, int e, int eof_is_truncation)
{
	char why[TLS_REASON_MAX];
	int saved = errno;
	enum tls_res res = TLS_ERROR;

	switch (e) {
	case SSL_ERROR_SSL:
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			if (eof_is_truncation) {
				set_reason(c, "connection closed without "
				    "close_notify (data may be truncated)");
				res = TLS_TRUNCATED;
			} else
				set_reason(c, "%s: connection closed by the "
				    "peer", what);
		} else if (c->cbwhy[0] != '\0')
			set_reason(c, "%s", c->cbwhy);
		else {
			openssl_reason(why, sizeof(why));
			set_reason(c, "%s: %s", what, why);
		}
		break;
	case SSL_ERROR_SYSCALL:
		/* A reset is an end without close_notify, too. */
		if (saved == ECONNRESET && eof_is_truncation) {
			set_reason(c, "connection reset without close_notify "
			    "(data may be truncated)");
			res = TLS_TRUNCATED;
		} else if (saved == 0 && eof_is_truncation) {
			set_reason(c, "connection closed without close_notify "
			    "(data may be truncated)");
			res = TLS_TRUNCATED;
		} else if (saved == 0)
			set_reason(c, "%s: connection closed by the peer",
			    what);
		else
			set_reason(c, "%s: %s", what, strerror(saved));
		break;
	case SSL_ERROR_ZERO_RETURN:
		set_reason(c, "%s: the peer sent close_notify", what);
		break;
	default:
		set_reason(c, "%s: OpenSSL error code %d", what, e);
		break;
	}
	ERR_clear_error();
	c->failed = 1;
	return res;
}

enum tls_res
tls_accept_step(struct tls_conn *c)
{
	int r, e;

	if (c->done)
		return TLS_DONE;
	if (c->failed)
		return TLS_ERROR;
	ERR_clear_error();
	errno = 0;
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		/* TLS 1.3: the session tickets are on their way too. */
		c->done = 1;
		return TLS_DONE;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return TLS_WANT_READ;
	if (e == SSL_ERROR_WANT_WRITE)
		return TLS_WANT_WRITE;
	return fail_with(c, "TLS handshake failed", e, 0);
}

enum tls_res
tls_read(struct tls_conn *c, void *p, size_t len, size_t *nread)
{
	int e;

	*nread = 0;
	if (c->failed) {
		set_reason(c, "read on a failed TLS connection");
		return TLS_ERROR;
	}
	if (len == 0)
		return TLS_DONE;
	ERR_clear_error();
	errno = 0;
	if (SSL_read_ex(c->ssl, p, len, nread) == 1)
		return TLS_DONE;
	e = SSL_get_error(c->ssl, 0);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		/* close_notify: a clean end; our own may still be sent. */
		return TLS_CLOSED;
	default:
		return fail_with(c, "TLS read failed", e, 1);
	}
}

enum tls_res
tls_write(struct tls_conn *c, const void *p, size_t len, size_t *nwritten)
{
	int e;

	*nwritten = 0;
	if (c->failed) {
		set_reason(c, "write on a failed TLS connection");
		return TLS_ERROR;
	}
	if (len == 0)
		return TLS_DONE;
	ERR_clear_error();
	errno = 0;
	if (SSL_write_ex(c->ssl, p, len, nwritten) == 1)
		return TLS_DONE;
	e = SSL_get_error(c->ssl, 0);
	if (e == SSL_ERROR_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (e == SSL_ERROR_WANT_READ)
		return TLS_WANT_READ;
	return fail_with(c, "TLS write failed", e, 0);
}

int
tls_pending(const struct tls_conn *c)
{
	return SSL_pending(c->ssl) > 0 || SSL_has_pending(c->ssl);
}

enum tls_res
tls_shutdown(struct tls_conn *c)
{
	int r, e;

	if (c->failed) {
		/* After a fatal error OpenSSL has already sent an alert. */
		set_reason(c, "no close_notify on a failed TLS connection");
		return TLS_ERROR;
	}
	ERR_clear_error();
	errno = 0;
	/* 0: ours is written, the peer's not seen yet; 1: both. */
	if ((r = SSL_shutdown(c->ssl)) >= 0)
		return TLS_DONE;
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (e == SSL_ERROR_WANT_READ)
		return TLS_WANT_READ;
	return fail_with(c, "TLS shutdown failed", e, 0);
}

int
tls_describe(const struct tls_conn *c, char *dst, size_t size)
{
	const unsigned char *alpn;
	const SSL_CIPHER *cipher;
	unsigned int alpnlen;
	int tx, rx;

	SSL_get0_alpn_selected(c->ssl, &alpn, &alpnlen);
	cipher = SSL_get_current_cipher(c->ssl);
	tls_ktls(c, &tx, &rx);
	return cstr_printf(dst, size, "%s %s ALPN=%s%s%s%s",
	    SSL_get_version(c->ssl),
	    cipher != NULL ? SSL_CIPHER_get_name(cipher) : "(none)",
	    alpnlen == 3 && memcmp(alpn, "ftp", 3) == 0 ? "ftp" : "none",
	    SSL_session_reused(c->ssl) ? " resumed" : "",
	    tx ? " kTLS-tx" : "", rx ? " kTLS-rx" : "");
}

int
tls_session_serialize(const SSL_SESSION *sess, uint8_t *out, size_t outsize,
    size_t *outlen)
{
	unsigned char *p = out;
	int n;

	*outlen = 0;
	if (sess == NULL || out == NULL)
		return -1;
	n = i2d_SSL_SESSION(sess, NULL);
	if (n <= 0 || (size_t)n > outsize || (size_t)n > TLS_SESSION_MAX) {
		ERR_clear_error();
		return -1;
	}
	if (i2d_SSL_SESSION(sess, &p) != n) {
		ERR_clear_error();
		OPENSSL_cleanse(out, outsize);
		return -1;
	}
	*outlen = (size_t)n;
	return 0;
}

SSL_SESSION *
tls_session_deserialize(const uint8_t *in, size_t len)
{
	const unsigned char *p = in;
	SSL_SESSION *sess;

	if (in == NULL || len == 0 || len > TLS_SESSION_MAX)
		return NULL;
	if ((sess = d2i_SSL_SESSION(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return NULL;
	}
	/* One encoding, nothing after it: anything else is not ours. */
	if (p != in + len) {
		SSL_SESSION_free(sess);
		return NULL;
	}
	return sess;
}

/* SHA-256 of a session's master key (TLS 1.2 lineage check). */
static int
master_fp(const SSL_SESSION *sess, uint8_t fp[SHA256_DIGEST_LENGTH])
{
	unsigned char mk[SSL_MAX_MASTER_KEY_LENGTH];
	unsigned int fplen = SHA256_DIGEST_LENGTH;
	size_t n;
	int r;

	if ((n = SSL_SESSION_get_master_key(sess, mk, sizeof(mk))) == 0)
		return -1;
	r = EVP_Digest(mk, n, fp, &fplen, EVP_sha256(), NULL);
	OPENSSL_cleanse(mk, sizeof(mk));
	if (r != 1 || fplen != SHA256_DIGEST_LENGTH) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/*
 * Put a fresh copy of the TLS 1.2 control session into srv's cache, for
 * clients that resume by session ID rather than ticket.  Done at import
 * and again before each data connection: OpenSSL drops a session from
 * the cache when a connection using it fails (an aborted transfer, an
 * upload cut without close_notify), and that must not cost the later
 * data connections of the same control connection their resumption.
 */
static int
recache(struct tls_server *srv, const struct tls_parent *p)
{
	SSL_SESSION *sess;
	int r;

	if (p->derlen == 0)
		return 0;
	if ((sess = tls_session_deserialize(p->der, p->derlen)) == NULL)
		return -1;
	/* 1 also when it replaces an entry with the same ID. */
	r = SSL_CTX_add_session(srv->ctx, sess);
	SSL_SESSION_free(sess);
	if (r != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/*
 * Blob: "FTPDTLS1", version (2 bytes, big-endian), session ID context,
 * ticket keys, DER length (2 bytes), DER session.
 */
int
tls_handoff_export(const struct tls_conn *c, uint8_t *out, size_t outsize,
    size_t *outlen)
{
	uint8_t keys[TLS_TICKET_KEYS_LEN], der[TLS_SESSION_MAX];
	SSL_SESSION *sess;
	struct buf b;
	size_t derlen;
	int version, r = -1;

	*outlen = 0;
	if (c == NULL || c->data || !c->done || c->failed)
		return -1;
	version = SSL_version(c->ssl);
	if (version != TLS1_2_VERSION && version != TLS1_3_VERSION)
		return -1;
	if ((sess = SSL_get_session(c->ssl)) == NULL)
		return -1;
	if (tls_session_serialize(sess, der, sizeof(der), &derlen) == -1)
		return -1;
	if (SSL_CTX_get_tlsext_ticket_keys(SSL_get_SSL_CTX(c->ssl), keys,
	    sizeof(keys)) != 1) {
		ERR_clear_error();
		goto done;
	}
	buf_init(&b, out, outsize);
	(void)buf_add(&b, HANDOFF_MAGIC, HANDOFF_MAGIC_LEN);
	(void)buf_addc(&b, (uint8_t)(version >> 8));
	(void)buf_addc(&b, (uint8_t)version);
	(void)buf_add(&b, c->sid_ctx, sizeof(c->sid_ctx));
	(void)buf_add(&b, keys, sizeof(keys));
	(void)buf_addc(&b, (uint8_t)(derlen >> 8));
	(void)buf_addc(&b, (uint8_t)derlen);
	(void)buf_add(&b, der, derlen);
	if (buf_overflowed(&b)) {
		OPENSSL_cleanse(out, outsize);
		goto done;
	}
	*outlen = buf_len(&b);
	r = 0;
done:
	OPENSSL_cleanse(keys, sizeof(keys));
	OPENSSL_cleanse(der, sizeof(der));
	return r;
}

struct tls_parent *
tls_handoff_import(struct tls_server *srv, const uint8_t *in, size_t len,
    char *err, size_t errsize)
{
	struct tls_parent *p = NULL;
	SSL_SESSION *sess = NULL;
	const unsigned char *ctx;
	const uint8_t *keys, *der;
	unsigned int ctxlen, idlen;
	size_t derlen;
	int version;

	if (srv == NULL || in == NULL || len < HANDOFF_HDR_LEN ||
	    memcmp(in, HANDOFF_MAGIC, HANDOFF_MAGIC_LEN) != 0) {
		(void)cstr_copy(err, errsize, "TLS handoff: not a handoff "
		    "blob");
		return NULL;
	}
	version = in[HANDOFF_MAGIC_LEN] << 8 | in[HANDOFF_MAGIC_LEN + 1];
	keys = in + HANDOFF_MAGIC_LEN + 2 + TLS_SIDCTX_LEN;
	derlen = (size_t)in[HANDOFF_HDR_LEN - 2] << 8 | in[HANDOFF_HDR_LEN - 1];
	der = in + HANDOFF_HDR_LEN;
	if ((version != TLS1_2_VERSION && version != TLS1_3_VERSION) ||
	    derlen == 0 || derlen > TLS_SESSION_MAX ||
	    len != HANDOFF_HDR_LEN + derlen) {
		(void)cstr_copy(err, errsize, "TLS handoff: bad header or "
		    "length");
		return NULL;
	}
	if ((sess = tls_session_deserialize(der, derlen)) == NULL) {
		(void)cstr_copy(err, errsize, "TLS handoff: bad session");
		return NULL;
	}
	ctx = SSL_SESSION_get0_id_context(sess, &ctxlen);
	if (SSL_SESSION_get_protocol_version(sess) != version ||
	    ctxlen != TLS_SIDCTX_LEN ||
	    CRYPTO_memcmp(ctx, in + HANDOFF_MAGIC_LEN + 2,
	    TLS_SIDCTX_LEN) != 0) {
		(void)cstr_copy(err, errsize, "TLS handoff: session does not "
		    "match its header");
		goto fail;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		(void)cstr_copy(err, errsize, "out of memory");
		goto fail;
	}
	memcpy(p->sid_ctx, in + HANDOFF_MAGIC_LEN + 2, TLS_SIDCTX_LEN);
	p->version = version;
	if (version == TLS1_2_VERSION) {
		if (master_fp(sess, p->fp) == -1) {
			(void)cstr_copy(err, errsize, "TLS handoff: session "
			    "has no master key");
			goto fail;
		}
		p->have_fp = 1;
		/* A ticket-only session has no ID to be looked up by. */
		if (SSL_SESSION_get_id(sess, &idlen) != NULL && idlen > 0) {
			memcpy(p->der, der, derlen);
			p->derlen = derlen;
		}
		if (recache(srv, p) == -1) {
			(void)cstr_copy(err, errsize, "TLS handoff: cannot "
			    "cache the session");
			goto fail;
		}
	}
	if (SSL_CTX_set_tlsext_ticket_keys(srv->ctx, (void *)(uintptr_t)keys,
	    TLS_TICKET_KEYS_LEN) != 1) {
		(void)cstr_copy(err, errsize, "TLS handoff: cannot set ticket "
		    "keys");
		goto fail;
	}
	SSL_SESSION_free(sess);
	return p;

fail:
	ERR_clear_error();
	SSL_SESSION_free(sess);
	tls_parent_free(p);
	return NULL;
}

void
tls_parent_free(struct tls_parent *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
}

static const char *
version_name(int v)
{
	switch (v) {
	case TLS1_2_VERSION:
		return "TLSv1.2";
	case TLS1_3_VERSION:
		return "TLSv1.3";
	default:
		return "another version";
	}
}

const char *
tls_reuse_check(struct tls_conn *c, const struct tls_parent *p)
{
	uint8_t fp[SHA256_DIGEST_LENGTH];
	const unsigned char *ctx;
	SSL_SESSION *sess;
	unsigned int ctxlen;

	if (p == NULL || !c->done || c->failed) {
		set_reason(c, "%s (no completed handshake)", reuse_reason);
		return reuse_reason;
	}
	if (!SSL_session_reused(c->ssl)) {
		set_reason(c, "%s (the client started a new session)",
		    reuse_reason);
		return reuse_reason;
	}
	if (SSL_version(c->ssl) != p->version) {
		set_reason(c, "%s (%s on the data connection, %s on the "
		    "control connection)", reuse_reason,
		    SSL_get_version(c->ssl), version_name(p->version));
		return reuse_reason;
	}
	if ((sess = SSL_get_session(c->ssl)) == NULL) {
		set_reason(c, "%s (no session)", reuse_reason);
		return reuse_reason;
	}
	ctx = SSL_SESSION_get0_id_context(sess, &ctxlen);
	if (ctxlen != TLS_SIDCTX_LEN ||
	    CRYPTO_memcmp(ctx, p->sid_ctx, TLS_SIDCTX_LEN) != 0) {
		set_reason(c, "%s (it resumed another connection's session)",
		    reuse_reason);
		return reuse_reason;
	}
	if (p->have_fp && (master_fp(sess, fp) == -1 ||
	    CRYPTO_memcmp(fp, p->fp, sizeof(fp)) != 0)) {
		set_reason(c, "%s (its master secret differs)", reuse_reason);
		return reuse_reason;
	}
	return NULL;
}

int
tls_ktls_probe(char *why, size_t whysize)
{
#if defined(OPENSSL_NO_KTLS)
	(void)cstr_copy(why, whysize, "OpenSSL was built without kernel TLS");
	return 0;
#elif !defined(TCP_ULP)
	(void)cstr_copy(why, whysize, "no TCP_ULP socket option here");
	return 0;
#else
	int s, r, e;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 &&
	    (s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		(void)cstr_printf(why, whysize, "socket: %s", strerror(errno));
		return 0;
	}
	/*
	 * The kernel looks the upper layer protocol up by name (loading
	 * the tls module when the caller may) before it checks the socket:
	 * an unconnected socket gets ENOTCONN if "tls" exists, ENOENT if
	 * not.
	 */
	r = setsockopt(s, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
	e = errno;
	(void)close(s);
	if (r == 0 || e == ENOTCONN) {
		(void)cstr_copy(why, whysize, "the kernel has the \"tls\" TCP "
		    "upper layer protocol");
		return 1;
	}
	if (e == ENOENT) {
		(void)cstr_copy(why, whysize, "the kernel has no \"tls\" TCP "
		    "upper layer protocol (CONFIG_TLS off, or the tls module "
		    "is not loadable)");
		return 0;
	}
	(void)cstr_printf(why, whysize, "setsockopt(TCP_ULP, \"tls\"): %s",
	    strerror(e));
	return 0;
#endif
}

void
tls_ktls(const struct tls_conn *c, int *tx, int *rx)
{
	BIO *w, *r;

	*tx = *rx = 0;
	if ((w = SSL_get_wbio(c->ssl)) != NULL)
		*tx = BIO_get_ktls_send(w) ? 1 : 0;
	if ((r = SSL_get_rbio(c->ssl)) != NULL)
		*rx = BIO_get_ktls_recv(r) ? 1 : 0;
}

enum tls_res
tls_sendfile(struct tls_conn *c, int filefd, off_t offset, size_t len,
    size_t *nsent)
{
	ossl_ssize_t n;
	int tx, rx, e;

	*nsent = 0;
	if (c->failed) {
		set_reason(c, "sendfile on a failed TLS connection");
		return TLS_ERROR;
	}
	tls_ktls(c, &tx, &rx);
	if (!tx) {
		/* Not fatal: the caller falls back to tls_write(). */
		set_reason(c, "kernel TLS is not active for sending");
		return TLS_ERROR;
	}
	if (len == 0)
		return TLS_DONE;
	ERR_clear_error();
	errno = 0;
	if ((n = SSL_sendfile(c->ssl, filefd, offset, len, 0)) >= 0) {
		*nsent = (size_t)n;
		return TLS_DONE;
	}
	e = SSL_get_error(c->ssl, (int)n);
	if (e == SSL_ERROR_WANT_WRITE)
		return TLS_WANT_WRITE;
	return fail_with(c, "TLS sendfile failed", e, 0);
}
