/*
 * test_tls.c: unit tests for tls/tls (the FTPS TLS layer).
 *
 * Certificates come from tests/tls/make-certs.sh, run into a temporary
 * directory.  Each test runs an OpenSSL client and a tls_conn server in
 * this one process over a non-blocking socketpair (loopback TCP for
 * kernel TLS), stepping both sides in turn, so a handshake is a loop
 * and not two threads.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls/tls.h"
#include "unit.h"

#define STEPS_MAX	400	/* handshake loop bound (x 25 ms at worst) */
#define BULK_LEN	(1024 * 1024)

static const char reuse_text[] =
    "data connection did not resume the control connection's TLS session";

static char	certdir[PATH_MAX];
static char	ca_pem[PATH_MAX], ca_key[PATH_MAX];
static char	chain_pem[PATH_MAX], server_pem[PATH_MAX], server_key[PATH_MAX];
static int	certs_ok;

/* What the test client does. */
struct copts {
	int			 maxv;		/* highest version, 0: any */
	int			 minv;		/* lowest version, 0: default */
	int			 no_ticket;	/* TLS 1.2: session ID only */
	const char		*sni;
	const unsigned char	*alpn;		/* wire format */
	unsigned int		 alpnlen;
	SSL_SESSION		*sess;		/* to resume */
	int			 tcp;		/* loopback TCP, not AF_UNIX */
};

/* One connection under test: our server end and the client end. */
struct pair {
	int		 sfd, cfd;
	struct tls_conn	*s;
	SSL		*c;
	enum tls_res	 sres;		/* server handshake result */
	int		 cok;		/* client handshake succeeded */
	unsigned long	 cerr;		/* client's first OpenSSL error */
};

static int
nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A connected loopback TCP pair; kTLS works on TCP only. */
static int
tcp_pair(int fds[2])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, c = -1, s = -1;

	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1 ||
	    (c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (s = accept(l, NULL, NULL)) == -1) {
		if (c != -1)
			(void)close(c);
		(void)close(l);
		return -1;
	}
	(void)close(l);
	fds[0] = s;
	fds[1] = c;
	return 0;
}

static SSL *
client_new(const struct copts *o, int fd)
{
	SSL_CTX *ctx;
	SSL *c = NULL;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	if (o->minv != 0) {
		/* Old versions need the lowest security level in 3.0. */
		SSL_CTX_set_security_level(ctx, 0);
		if (SSL_CTX_set_min_proto_version(ctx, o->minv) != 1)
			goto out;
	}
	if (o->maxv != 0 &&
	    SSL_CTX_set_max_proto_version(ctx, o->maxv) != 1)
		goto out;
	if (o->no_ticket)
		(void)SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_load_verify_locations(ctx, ca_pem, NULL) != 1)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (o->alpn != NULL &&
	    SSL_CTX_set_alpn_protos(ctx, o->alpn, o->alpnlen) != 0)
		goto out;
	if ((c = SSL_new(ctx)) == NULL)
		goto out;
	if (SSL_set_fd(c, fd) != 1 || SSL_set1_host(c, "localhost") != 1 ||
	    (o->sni != NULL && SSL_set_tlsext_host_name(c, o->sni) != 1) ||
	    (o->sess != NULL && SSL_set_session(c, o->sess) != 1)) {
		SSL_free(c);
		c = NULL;
		goto out;
	}
	SSL_set_connect_state(c);
out:
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	return c;
}

/* Wait a little for either end to have something to read: 0 if none. */
static int
settle(const struct pair *p)
{
	struct pollfd pfd[2];
	int n;

	pfd[0].fd = p->sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = p->cfd;
	pfd[1].events = POLLIN;
	if ((n = poll(pfd, 2, 25)) == -1 && errno != EINTR)
		perror("poll");
	return n;
}

static int
pair_open(struct pair *p, struct tls_server *srv,
    const struct tls_parent *parent, unsigned flags, const struct copts *o)
{
	int fds[2];

	memset(p, 0, sizeof(*p));
	p->sfd = p->cfd = -1;
	if (o->tcp) {
		if (tcp_pair(fds) == -1)
			return -1;
	} else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    fds) == -1)
		return -1;
	p->sfd = fds[0];
	p->cfd = fds[1];
	if (nonblock(p->sfd) == -1 || nonblock(p->cfd) == -1)
		return -1;
	if ((p->s = tls_conn_new(srv, p->sfd, parent, flags)) == NULL)
		return -1;
	if ((p->c = client_new(o, p->cfd)) == NULL)
		return -1;
	return 0;
}

/*
 * Close as FTP clients do after a transfer: close_notify both ways
 * when the handshake worked.  An SSL freed without it marks its
 * session not resumable, which is OpenSSL's rule, not the server's.
 */
static void
pair_close(struct pair *p)
{
	if (p->s != NULL && p->c != NULL && p->cok && p->sres == TLS_DONE) {
		if (SSL_shutdown(p->c) < 0)
			ERR_clear_error();
		/* After a truncation there is nothing left to send. */
		(void)tls_shutdown(p->s);
	}
	tls_conn_free(p->s);
	SSL_free(p->c);
	if (p->sfd != -1)
		(void)close(p->sfd);
	if (p->cfd != -1)
		(void)close(p->cfd);
	memset(p, 0, sizeof(*p));
	p->sfd = p->cfd = -1;
	ERR_clear_error();
}

/* Step both handshakes until each has finished or failed. */
static void
handshake(struct pair *p)
{
	int i, r, e, cfail = 0;

	p->sres = TLS_WANT_READ;
	p->cok = 0;
	p->cerr = 0;
	for (i = 0; i < STEPS_MAX; i++) {
		if (p->sres == TLS_WANT_READ || p->sres == TLS_WANT_WRITE)
			p->sres = tls_accept_step(p->s);
		if (!p->cok && !cfail) {
			ERR_clear_error();
			if ((r = SSL_do_handshake(p->c)) == 1)
				p->cok = 1;
			else {
				e = SSL_get_error(p->c, r);
				if (e != SSL_ERROR_WANT_READ &&
				    e != SSL_ERROR_WANT_WRITE) {
					cfail = 1;
					p->cerr = ERR_peek_error();
				}
			}
		}
		if ((p->sres == TLS_DONE || p->sres == TLS_ERROR) &&
		    (p->cok || cfail))
			break;
		(void)settle(p);
	}
	ERR_clear_error();
}

/*
 * Let the client read: this is where it takes in TLS 1.3 tickets and
 * close_notify.  Returns the SSL_get_error() code of the last read
 * (SSL_ERROR_NONE if it got n bytes into buf).
 */
static int
client_read(struct pair *p, void *buf, size_t len, size_t *n)
{
	int i, e = SSL_ERROR_WANT_READ;

	*n = 0;
	for (i = 0; i < 8; i++) {
		ERR_clear_error();
		if (SSL_read_ex(p->c, buf, len, n) == 1)
			return SSL_ERROR_NONE;
		e = SSL_get_error(p->c, 0);
		if (e != SSL_ERROR_WANT_READ || settle(p) == 0)
			break;		/* done, or nothing more is coming */
	}
	ERR_clear_error();
	return e;
}

/* Server reads until it has data or a final result. */
static enum tls_res
server_read(struct pair *p, void *buf, size_t len, size_t *n)
{
	enum tls_res r = TLS_WANT_READ;
	int i;

	for (i = 0; i < 40; i++) {
		r = tls_read(p->s, buf, len, n);
		if (r != TLS_WANT_READ && r != TLS_WANT_WRITE)
			break;
		(void)settle(p);
	}
	return r;
}

/* A complete, verified handshake: both ends agree it worked. */
static int
connect_ok(struct pair *p, struct tls_server *srv,
    const struct tls_parent *parent, unsigned flags, const struct copts *o)
{
	if (pair_open(p, srv, parent, flags, o) == -1)
		return 0;
	handshake(p);
	if (p->sres != TLS_DONE || !p->cok) {
		fprintf(stderr, "handshake failed: server %d (%s), client "
		    "%s\n", (int)p->sres, tls_reason(p->s), p->cerr != 0 ?
		    ERR_reason_error_string(p->cerr) : "ok");
		return 0;
	}
	return 1;
}

/* The client's session after it has read what the server sent. */
static SSL_SESSION *
client_session(struct pair *p)
{
	char b[16];
	size_t n;

	(void)client_read(p, b, sizeof(b), &n);
	return SSL_get1_session(p->c);
}

static struct tls_server *
server_new(const char *sni)
{
	struct tls_config conf;
	struct tls_server *srv;
	char err[256];

	memset(&conf, 0, sizeof(conf));
	conf.cert_file = chain_pem;
	conf.key_file = server_key;
	conf.sni_host = sni;
	if ((srv = tls_server_new(&conf, err, sizeof(err))) == NULL)
		fprintf(stderr, "tls_server_new: %s\n", err);
	return srv;
}

static int
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

static int
run_script(const char *script, const char *dir)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", script, dir, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* tests/unit/test_tls.c -> tests/tls/make-certs.sh, wherever built. */
static int
script_path(char *dst, size_t size)
{
	static const char self[] = "unit/test_tls.c";
	const char *env = getenv("FTPD_MAKE_CERTS"), *file = __FILE__;
	size_t flen = strlen(file), slen = sizeof(self) - 1;
	int n;

	if (env != NULL && env[0] != '\0')
		n = snprintf(dst, size, "%s", env);
	else if (flen >= slen && strcmp(file + flen - slen, self) == 0)
		n = snprintf(dst, size, "%.*stls/make-certs.sh",
		    (int)(flen - slen), file);
	else
		n = snprintf(dst, size, "tests/tls/make-certs.sh");
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int
path_in(char *dst, const char *name)
{
	int n = snprintf(dst, PATH_MAX, "%s/%s", certdir, name);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

static int
certs_setup(void)
{
	char script[PATH_MAX];

	if (script_path(script, sizeof(script)) == -1)
		return -1;
	if (snprintf(certdir, sizeof(certdir), "%s/ftpd-tls.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp") < 0 ||
	    mkdtemp(certdir) == NULL) {
		perror("mkdtemp");
		certdir[0] = '\0';
		return -1;
	}
	if (run_script(script, certdir) == -1) {
		fprintf(stderr, "%s %s failed\n", script, certdir);
		return -1;
	}
	if (path_in(ca_pem, "ca.pem") == -1 ||
	    path_in(ca_key, "ca.key") == -1 ||
	    path_in(chain_pem, "chain.pem") == -1 ||
	    path_in(server_pem, "server.pem") == -1 ||
	    path_in(server_key, "server.key") == -1)
		return -1;
	return 0;
}

static void
certs_cleanup(void)
{
	const char *files[] = { ca_pem, ca_key, chain_pem, server_pem,
	    server_key };
	size_t i;

	if (certdir[0] == '\0')
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i][0] != '\0' && unlink(files[i]) == -1 &&
		    errno != ENOENT)
			perror(files[i]);
	if (rmdir(certdir) == -1)
		perror(certdir);
}

UNIT_TEST(test_certs)
{
	CHECK(certs_ok);
}

UNIT_TEST(test_server_config)
{
	struct tls_config conf;
	struct tls_server *srv;
	char err[512], longname[400];

	memset(&conf, 0, sizeof(conf));
	conf.cert_file = "/nonexistent/chain.pem";
	conf.key_file = server_key;
	CHECK(tls_server_new(&conf, err, sizeof(err)) == NULL);
	CHECK(has(err, "/nonexistent/chain.pem"));
	CHECK(has(err, "No such file"));

	/* A key that is not the certificate's. */
	conf.cert_file = server_pem;
	conf.key_file = ca_key;
	CHECK(tls_server_new(&conf, err, sizeof(err)) == NULL);
	CHECK(has(err, "does not match"));

	/* A key file that holds no key. */
	conf.key_file = ca_pem;
	CHECK(tls_server_new(&conf, err, sizeof(err)) == NULL);
	CHECK(has(err, "cannot load private key"));

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	conf.key_file = server_key;
	conf.sni_host = longname;
	CHECK(tls_server_new(&conf, err, sizeof(err)) == NULL);

	conf.sni_host = NULL;
	conf.cert_file = chain_pem;
	srv = tls_server_new(&conf, err, sizeof(err));
	CHECK(srv != NULL);
	if (srv != NULL)
		CHECK_INT(tls_server_new_ticket_keys(srv), 0);
	tls_server_free(srv);
}

static void
check_version(int maxv, int want, const char *name)
{
	struct tls_server *srv = server_new(NULL);
	struct copts o;
	struct pair p;
	char desc[128];

	memset(&o, 0, sizeof(o));
	o.maxv = maxv;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	CHECK_INT(SSL_version(p.c), want);
	CHECK_INT(tls_describe(p.s, desc, sizeof(desc)), 0);
	CHECK(has(desc, name));
	CHECK(has(desc, "ALPN=none"));
	CHECK(!has(desc, "resumed"));
	CHECK(SSL_get_current_compression(p.c) == NULL);
	pair_close(&p);
	tls_server_free(srv);
}

UNIT_TEST(test_handshake_tls13)
{
	check_version(0, TLS1_3_VERSION, "TLSv1.3");
}

UNIT_TEST(test_handshake_tls12)
{
	check_version(TLS1_2_VERSION, TLS1_2_VERSION, "TLSv1.2");
}

UNIT_TEST(test_old_version_refused)
{
	struct tls_server *srv = server_new(NULL);
	struct copts o;
	struct pair p;

	memset(&o, 0, sizeof(o));
	o.minv = TLS1_VERSION;
	o.maxv = TLS1_1_VERSION;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK_INT(pair_open(&p, srv, NULL, 0, &o), 0);
	handshake(&p);
	CHECK_INT(p.sres, TLS_ERROR);
	CHECK(!p.cok);
	CHECK(has(tls_reason(p.s), "TLS handshake failed"));
	CHECK(has(tls_reason(p.s), "protocol"));
	pair_close(&p);
	tls_server_free(srv);
}

/* A TLS 1.2 client asking to renegotiate gets nowhere. */
UNIT_TEST(test_no_renegotiation)
{
	struct tls_server *srv = server_new(NULL);
	struct copts o;
	struct pair p;
	char buf[16];
	size_t n;
	enum tls_res r = TLS_WANT_READ;
	int i, cr = 0, e = SSL_ERROR_NONE;

	memset(&o, 0, sizeof(o));
	o.maxv = TLS1_2_VERSION;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	CHECK_INT(SSL_renegotiate(p.c), 1);
	for (i = 0; i < 40; i++) {
		ERR_clear_error();
		if ((cr = SSL_do_handshake(p.c)) == 1)
			break;
		e = SSL_get_error(p.c, cr);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			break;
		r = tls_read(p.s, buf, sizeof(buf), &n);
		if (r != TLS_WANT_READ && r != TLS_WANT_WRITE)
			break;
		(void)settle(&p);
	}
	/* We answer no_renegotiation; the client gives up. */
	CHECK(cr != 1);
	CHECK_INT(e, SSL_ERROR_SSL);
	CHECK(r == TLS_WANT_READ || r == TLS_ERROR);
	pair_close(&p);
	tls_server_free(srv);
}

/* Offer an ALPN list; want_ok: the handshake works and picks "ftp". */
static void
check_alpn(int maxv, const char *list, size_t len, int want_ok)
{
	struct tls_server *srv = server_new(NULL);
	const unsigned char *sel;
	unsigned int sellen;
	struct copts o;
	struct pair p;

	memset(&o, 0, sizeof(o));
	o.maxv = maxv;
	o.alpn = (const unsigned char *)list;
	o.alpnlen = (unsigned int)len;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK_INT(pair_open(&p, srv, NULL, 0, &o), 0);
	handshake(&p);
	if (want_ok) {
		CHECK_INT(p.sres, TLS_DONE);
		CHECK(p.cok);
		SSL_get0_alpn_selected(p.c, &sel, &sellen);
		if (list != NULL) {
			CHECK_INT(sellen, 3);
			CHECK(sellen == 3 && memcmp(sel, "ftp", 3) == 0);
		} else
			CHECK_INT(sellen, 0);
	} else {
		CHECK_INT(p.sres, TLS_ERROR);
		CHECK(!p.cok);
		CHECK_INT(ERR_GET_REASON(p.cerr),
		    SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL);
		CHECK(has(tls_reason(p.s), "ALPN"));
		CHECK(has(tls_reason(p.s), "\"http/1.1\""));
	}
	pair_close(&p);
	tls_server_free(srv);
}

UNIT_TEST(test_alpn)
{
	static const char ftp[] = "\003ftp";
	static const char http[] = "\010http/1.1";
	static const char both[] = "\002h2\003ftp";
	static const char near[] = "\010http/1.1\004ftps\003FTP";
	int v, versions[] = { 0, TLS1_2_VERSION };

	for (v = 0; v < 2; v++) {
		check_alpn(versions[v], ftp, sizeof(ftp) - 1, 1);
		check_alpn(versions[v], http, sizeof(http) - 1, 0);
		check_alpn(versions[v], both, sizeof(both) - 1, 1);
		check_alpn(versions[v], NULL, 0, 1);
		/* Only the exact name counts. */
		check_alpn(versions[v], near, sizeof(near) - 1, 0);
	}
}

/* want_ok: the handshake with this SNI works against "localhost". */
static void
check_sni(const char *sni, int want_ok)
{
	struct tls_server *srv = server_new("localhost");
	struct copts o;
	struct pair p;
	const char *r;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.sni = sni;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK_INT(pair_open(&p, srv, NULL, 0, &o), 0);
	handshake(&p);
	if (want_ok) {
		CHECK_INT(p.sres, TLS_DONE);
		CHECK(p.cok);
	} else {
		CHECK_INT(p.sres, TLS_ERROR);
		CHECK(!p.cok);
		CHECK_INT(ERR_GET_REASON(p.cerr),
		    SSL_R_TLSV1_UNRECOGNIZED_NAME);
		r = tls_reason(p.s);
		CHECK(has(r, "client asked for host"));
		CHECK(has(r, "\"localhost\""));
		/* The client's bytes reach the log line printable only. */
		for (i = 0; r[i] != '\0'; i++)
			CHECK(r[i] >= 0x20 && r[i] < 0x7f);
	}
	pair_close(&p);
	tls_server_free(srv);
}

UNIT_TEST(test_sni)
{
	check_sni("localhost", 1);
	check_sni("LocalHost", 1);
	check_sni(NULL, 1);
	check_sni("evil.example", 0);
	check_sni("localhost.evil.example", 0);
	check_sni("bad\001name", 0);
}

/* Client writes, then ends with close_notify or a bare TCP EOF. */
static void
check_eof(int maxv, int clean)
{
	struct tls_server *srv = server_new(NULL);
	struct copts o;
	struct pair p;
	char buf[64];
	size_t n = 0;
	enum tls_res r;
	int i, e;

	memset(&o, 0, sizeof(o));
	o.maxv = maxv;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	CHECK(SSL_write_ex(p.c, "hello", 5, &n) == 1 && n == 5);
	if (clean)
		CHECK(SSL_shutdown(p.c) >= 0);
	else
		CHECK_INT(shutdown(p.cfd, SHUT_WR), 0);

	r = server_read(&p, buf, sizeof(buf), &n);
	CHECK_INT(r, TLS_DONE);
	CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
	r = server_read(&p, buf, sizeof(buf), &n);
	if (clean) {
		CHECK_INT(r, TLS_CLOSED);
		CHECK_INT(n, 0);
		/* Our close_notify back; the client sees a clean end. */
		for (i = 0; i < 10 && (r = tls_shutdown(p.s)) ==
		    TLS_WANT_WRITE; i++)
			(void)settle(&p);
		CHECK_INT(r, TLS_DONE);
		e = client_read(&p, buf, sizeof(buf), &n);
		CHECK_INT(e, SSL_ERROR_ZERO_RETURN);
	} else {
		CHECK_INT(r, TLS_TRUNCATED);
		CHECK(has(tls_reason(p.s), "without close_notify"));
		/* Nothing more happens on a failed connection. */
		CHECK_INT(tls_read(p.s, buf, sizeof(buf), &n), TLS_ERROR);
		CHECK_INT(tls_shutdown(p.s), TLS_ERROR);
	}
	pair_close(&p);
	tls_server_free(srv);
}

UNIT_TEST(test_close_notify)
{
	check_eof(0, 1);
	check_eof(TLS1_2_VERSION, 1);
}

UNIT_TEST(test_truncated)
{
	check_eof(0, 0);
	check_eof(TLS1_2_VERSION, 0);
}

/* The server closes first: the client gets close_notify, then we. */
UNIT_TEST(test_server_close_notify)
{
	struct tls_server *srv = server_new(NULL);
	struct copts o;
	struct pair p;
	char buf[64];
	size_t n;
	enum tls_res r;

	memset(&o, 0, sizeof(o));
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	CHECK_INT(tls_write(p.s, "data", 4, &n), TLS_DONE);
	CHECK_INT(n, 4);
	CHECK_INT(tls_shutdown(p.s), TLS_DONE);
	CHECK_INT(client_read(&p, buf, sizeof(buf), &n), SSL_ERROR_NONE);
	CHECK(n == 4 && memcmp(buf, "data", 4) == 0);
	CHECK_INT(client_read(&p, buf, sizeof(buf), &n),
	    SSL_ERROR_ZERO_RETURN);
	CHECK_INT(SSL_shutdown(p.c), 1);
	r = server_read(&p, buf, sizeof(buf), &n);
	CHECK_INT(r, TLS_CLOSED);
	pair_close(&p);
	tls_server_free(srv);
}

/* 1 MiB each way through small socket buffers: partial writes. */
UNIT_TEST(test_bulk)
{
	struct tls_server *srv = server_new(NULL);
	unsigned char *out, *in;
	size_t sent = 0, got = 0, n, i;
	struct copts o;
	struct pair p;
	enum tls_res r;
	int e, rounds = 0;

	memset(&o, 0, sizeof(o));
	out = malloc(BULK_LEN);
	in = malloc(BULK_LEN);
	CHECK(srv != NULL && out != NULL && in != NULL);
	if (srv == NULL || out == NULL || in == NULL)
		goto done;
	for (i = 0; i < BULK_LEN; i++)
		out[i] = (unsigned char)(i * 7 + (i >> 12));
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	while ((sent < BULK_LEN || got < BULK_LEN) && rounds++ < 100000) {
		if (sent < BULK_LEN) {
			r = tls_write(p.s, out + sent, BULK_LEN - sent, &n);
			if (r == TLS_DONE)
				sent += n;
			else if (r != TLS_WANT_WRITE)
				break;
		}
		ERR_clear_error();
		if (SSL_read_ex(p.c, in + got, BULK_LEN - got, &n) == 1)
			got += n;
		else if ((e = SSL_get_error(p.c, 0)) != SSL_ERROR_WANT_READ)
			break;
	}
	CHECK_INT(sent, BULK_LEN);
	CHECK_INT(got, BULK_LEN);
	CHECK(got == BULK_LEN && memcmp(in, out, BULK_LEN) == 0);

	/* And the other way: the server drains what it holds (pending). */
	sent = got = 0;
	rounds = 0;
	while ((sent < BULK_LEN || got < BULK_LEN) && rounds++ < 100000) {
		ERR_clear_error();
		if (sent < BULK_LEN) {
			if (SSL_write_ex(p.c, out + sent, BULK_LEN - sent,
			    &n) == 1)
				sent += n;
			else if (SSL_get_error(p.c, 0) != SSL_ERROR_WANT_WRITE)
				break;
		}
		do {
			r = tls_read(p.s, in + got, 1000 < BULK_LEN - got ?
			    1000 : BULK_LEN - got, &n);
			if (r == TLS_DONE)
				got += n;
		} while (r == TLS_DONE && got < BULK_LEN && tls_pending(p.s));
		if (r != TLS_DONE && r != TLS_WANT_READ)
			break;
	}
	CHECK_INT(sent, BULK_LEN);
	CHECK_INT(got, BULK_LEN);
	CHECK(got == BULK_LEN && memcmp(in, out, BULK_LEN) == 0);
	pair_close(&p);
done:
	free(out);
	free(in);
	tls_server_free(srv);
}

/*
 * The processes of one FTPS session, in one test: ctl is the pre-login
 * process's server (its own ticket keys), data the session process's,
 * which learns the control session only through the handoff blob.
 */
struct session {
	struct tls_server	*ctl, *data;
	struct tls_parent	*parent;
	struct pair		 cp;		/* the control connection */
	SSL_SESSION		*sess;		/* the client's, to resume */
};

static int
session_open(struct session *s, const struct copts *co)
{
	uint8_t blob[TLS_HANDOFF_MAX];
	size_t len;
	char err[256];

	memset(s, 0, sizeof(*s));
	s->cp.sfd = s->cp.cfd = -1;
	if ((s->ctl = server_new(NULL)) == NULL ||
	    (s->data = server_new(NULL)) == NULL)
		return -1;
	if (tls_server_new_ticket_keys(s->ctl) == -1)
		return -1;
	if (!connect_ok(&s->cp, s->ctl, NULL, 0, co))
		return -1;
	if ((s->sess = client_session(&s->cp)) == NULL ||
	    !SSL_SESSION_is_resumable(s->sess))
		return -1;
	if (tls_handoff_export(s->cp.s, blob, sizeof(blob), &len) == -1)
		return -1;
	s->parent = tls_handoff_import(s->data, blob, len, err, sizeof(err));
	OPENSSL_cleanse(blob, sizeof(blob));
	if (s->parent == NULL) {
		fprintf(stderr, "import: %s\n", err);
		return -1;
	}
	return 0;
}

static void
session_close(struct session *s)
{
	pair_close(&s->cp);
	SSL_SESSION_free(s->sess);
	tls_parent_free(s->parent);
	tls_server_free(s->ctl);
	tls_server_free(s->data);
	memset(s, 0, sizeof(*s));
	s->cp.sfd = s->cp.cfd = -1;
}

/*
 * A data connection of session s resuming sess.  Returns the check's
 * result (NULL: accepted); *hs is the server's handshake result, and
 * *next (if asked) the client's session afterwards.
 */
static const char *
data_conn(struct session *s, const struct copts *co, SSL_SESSION *sess,
    unsigned flags, enum tls_res *hs, SSL_SESSION **next, char *why,
    size_t whysize)
{
	struct copts o = *co;
	struct pair p;
	const char *r;
	char desc[128];

	o.sess = sess;
	if (next != NULL)
		*next = NULL;
	why[0] = '\0';
	if (pair_open(&p, s->data, s->parent, flags, &o) == -1) {
		*hs = TLS_ERROR;
		pair_close(&p);
		return "setup failed";
	}
	handshake(&p);
	*hs = p.sres;
	if (p.sres == TLS_DONE) {
		r = tls_reuse_check(p.s, s->parent);
		CHECK(p.cok);
		/* Both ends agree on what happened. */
		CHECK_INT(tls_describe(p.s, desc, sizeof(desc)), 0);
		CHECK_INT(has(desc, " resumed"), SSL_session_reused(p.c));
	} else
		r = reuse_text;
	(void)snprintf(why, whysize, "%s", tls_reason(p.s));
	if (next != NULL && p.sres == TLS_DONE)
		*next = client_session(&p);
	pair_close(&p);
	return r;
}

static void
check_reuse(const struct copts *co, int want_version)
{
	struct session s;
	SSL_SESSION *next = NULL, *next2 = NULL;
	enum tls_res hs;
	char why[TLS_REASON_MAX];

	CHECK_INT(session_open(&s, co), 0);
	if (s.parent == NULL)
		goto done;
	CHECK_INT(SSL_version(s.cp.c), want_version);

	/* Resuming the control session: accepted, as often as needed. */
	CHECK(data_conn(&s, co, s.sess, TLS_F_REQUIRE_REUSE, &hs, &next,
	    why, sizeof(why)) == NULL);
	CHECK_INT(hs, TLS_DONE);
	CHECK(data_conn(&s, co, s.sess, TLS_F_REQUIRE_REUSE, &hs, NULL,
	    why, sizeof(why)) == NULL);
	CHECK_INT(hs, TLS_DONE);
	/* A session handed out on a data connection is of the lineage. */
	CHECK(next != NULL);
	if (next != NULL) {
		CHECK(data_conn(&s, co, next, TLS_F_REQUIRE_REUSE, &hs,
		    &next2, why, sizeof(why)) == NULL);
		CHECK_INT(hs, TLS_DONE);
	}
	if (next2 != NULL)
		CHECK(data_conn(&s, co, next2, TLS_F_REQUIRE_REUSE, &hs, NULL,
		    why, sizeof(why)) == NULL);

	/* A fresh session: the handshake itself is refused... */
	CHECK(data_conn(&s, co, NULL, TLS_F_REQUIRE_REUSE, &hs, NULL, why,
	    sizeof(why)) != NULL);
	CHECK_INT(hs, TLS_ERROR);
	CHECK(has(why, reuse_text));
	CHECK(has(why, "new session"));
	/* ...or, when not required, completes and the check says no. */
	CHECK_STR(data_conn(&s, co, NULL, 0, &hs, NULL, why, sizeof(why)),
	    reuse_text);
	CHECK_INT(hs, TLS_DONE);
	CHECK(has(why, "new session"));
done:
	SSL_SESSION_free(next);
	SSL_SESSION_free(next2);
	session_close(&s);
}

/*
 * A data connection that dies (no close_notify: an aborted transfer)
 * must not cost the next one its resumption.  OpenSSL drops the
 * session from the server's cache on a fatal error.
 */
static void
check_abort(const struct copts *co)
{
	struct session s;
	struct copts o = *co;
	struct pair p;
	enum tls_res hs;
	char buf[16], why[TLS_REASON_MAX];
	size_t n;

	p.sfd = p.cfd = -1;
	p.s = NULL;
	p.c = NULL;
	CHECK_INT(session_open(&s, co), 0);
	if (s.parent == NULL)
		goto done;
	o.sess = s.sess;
	CHECK(connect_ok(&p, s.data, s.parent, TLS_F_REQUIRE_REUSE, &o));
	CHECK(tls_reuse_check(p.s, s.parent) == NULL);
	CHECK_INT(shutdown(p.cfd, SHUT_WR), 0);
	CHECK_INT(server_read(&p, buf, sizeof(buf), &n), TLS_TRUNCATED);
	/* The client keeps its session, as FTP clients do. */
	SSL_set_shutdown(p.c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	pair_close(&p);
	CHECK(data_conn(&s, co, s.sess, TLS_F_REQUIRE_REUSE, &hs, NULL, why,
	    sizeof(why)) == NULL);
	CHECK_INT(hs, TLS_DONE);
done:
	pair_close(&p);
	session_close(&s);
}

UNIT_TEST(test_reuse_after_abort)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	check_abort(&o);
	o.maxv = TLS1_2_VERSION;
	check_abort(&o);
	o.no_ticket = 1;
	check_abort(&o);
}

UNIT_TEST(test_reuse_tls13_ticket)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	check_reuse(&o, TLS1_3_VERSION);
}

UNIT_TEST(test_reuse_tls12_session_id)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	o.maxv = TLS1_2_VERSION;
	o.no_ticket = 1;
	check_reuse(&o, TLS1_2_VERSION);
}

UNIT_TEST(test_reuse_tls12_ticket)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	o.maxv = TLS1_2_VERSION;
	check_reuse(&o, TLS1_2_VERSION);
}

/*
 * Another control connection's session, decryptable because the two
 * controls share ticket keys (as they would without per-connection
 * keys), must not pass on this session's data connection, though it
 * does on its own.
 */
static void
check_sibling(const struct copts *co)
{
	struct tls_parent *oparent = NULL;
	uint8_t blob[TLS_HANDOFF_MAX];
	struct session s;
	struct pair other, dp;
	struct copts o = *co;
	SSL_SESSION *osess = NULL;
	enum tls_res hs;
	size_t len;
	char why[TLS_REASON_MAX];

	other.sfd = other.cfd = dp.sfd = dp.cfd = -1;
	other.s = dp.s = NULL;
	other.c = dp.c = NULL;
	CHECK_INT(session_open(&s, co), 0);
	if (s.parent == NULL)
		goto done;
	CHECK(connect_ok(&other, s.ctl, NULL, 0, co));
	CHECK((osess = client_session(&other)) != NULL);
	CHECK_INT(tls_handoff_export(other.s, blob, sizeof(blob), &len), 0);
	oparent = tls_handoff_import(s.data, blob, len, why, sizeof(why));
	OPENSSL_cleanse(blob, sizeof(blob));
	CHECK(oparent != NULL);
	if (osess == NULL || oparent == NULL)
		goto done;

	/* On its own lineage the sibling's session resumes... */
	o.sess = osess;
	CHECK(connect_ok(&dp, s.data, oparent, TLS_F_REQUIRE_REUSE, &o));
	CHECK(SSL_session_reused(dp.c));
	CHECK(tls_reuse_check(dp.s, oparent) == NULL);
	/* ...and it is not this session's: the check tells them apart. */
	CHECK_STR(tls_reuse_check(dp.s, s.parent), reuse_text);
	CHECK(has(tls_reason(dp.s), "another connection's session"));
	pair_close(&dp);

	/*
	 * Bound to this session, OpenSSL itself will not resume it (the
	 * session ID context differs, for TLS 1.3 tickets too), so the
	 * handshake is a full one and is refused.
	 */
	CHECK_STR(data_conn(&s, co, osess, TLS_F_REQUIRE_REUSE, &hs, NULL,
	    why, sizeof(why)), reuse_text);
	CHECK_INT(hs, TLS_ERROR);
	CHECK(has(why, "new session"));
done:
	tls_parent_free(oparent);
	SSL_SESSION_free(osess);
	pair_close(&dp);
	pair_close(&other);
	session_close(&s);
}

UNIT_TEST(test_reuse_sibling_refused)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	check_sibling(&o);
	o.maxv = TLS1_2_VERSION;
	check_sibling(&o);
	o.no_ticket = 1;
	check_sibling(&o);
}

/* A ticket from a server with other ticket keys is just unknown. */
UNIT_TEST(test_reuse_foreign_keys)
{
	struct tls_server *other = server_new(NULL);
	struct session s;
	struct copts o;
	struct pair op;
	SSL_SESSION *osess = NULL;
	enum tls_res hs;
	char why[TLS_REASON_MAX];

	memset(&o, 0, sizeof(o));
	op.sfd = op.cfd = -1;
	op.s = NULL;
	op.c = NULL;
	CHECK_INT(session_open(&s, &o), 0);
	CHECK(other != NULL);
	if (s.parent == NULL || other == NULL)
		goto done;
	CHECK_INT(tls_server_new_ticket_keys(other), 0);
	CHECK(connect_ok(&op, other, NULL, 0, &o));
	CHECK((osess = client_session(&op)) != NULL);
	CHECK(data_conn(&s, &o, osess, TLS_F_REQUIRE_REUSE, &hs, NULL, why,
	    sizeof(why)) != NULL);
	CHECK_INT(hs, TLS_ERROR);
	CHECK(has(why, "new session"));
done:
	SSL_SESSION_free(osess);
	pair_close(&op);
	session_close(&s);
	tls_server_free(other);
}

/* Control and data in one process: import into the same server. */
static void
check_same_process(const struct copts *co)
{
	struct tls_server *srv = server_new(NULL);
	struct tls_parent *parent = NULL;
	uint8_t blob[TLS_HANDOFF_MAX];
	struct copts o = *co;
	struct pair cp, dp;
	SSL_SESSION *sess = NULL;
	size_t len;
	char err[256];

	cp.sfd = cp.cfd = dp.sfd = dp.cfd = -1;
	cp.s = dp.s = NULL;
	cp.c = dp.c = NULL;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	CHECK(connect_ok(&cp, srv, NULL, 0, &o));
	CHECK((sess = client_session(&cp)) != NULL);
	CHECK_INT(tls_handoff_export(cp.s, blob, sizeof(blob), &len), 0);
	parent = tls_handoff_import(srv, blob, len, err, sizeof(err));
	OPENSSL_cleanse(blob, sizeof(blob));
	CHECK(parent != NULL);
	if (parent == NULL || sess == NULL)
		goto done;
	o.sess = sess;
	CHECK(connect_ok(&dp, srv, parent, TLS_F_REQUIRE_REUSE, &o));
	CHECK(SSL_session_reused(dp.c));
	CHECK(tls_reuse_check(dp.s, parent) == NULL);
done:
	pair_close(&dp);
	pair_close(&cp);
	tls_parent_free(parent);
	SSL_SESSION_free(sess);
	tls_server_free(srv);
}

UNIT_TEST(test_reuse_same_process)
{
	struct copts o;

	memset(&o, 0, sizeof(o));
	check_same_process(&o);
	o.maxv = TLS1_2_VERSION;
	check_same_process(&o);
	o.no_ticket = 1;
	check_same_process(&o);
}

UNIT_TEST(test_session_serialize)
{
	struct tls_server *srv = server_new(NULL), *other = server_new(NULL);
	uint8_t der[TLS_SESSION_MAX], der2[TLS_SESSION_MAX + 8];
	uint8_t blob[TLS_HANDOFF_MAX + 8], bad[TLS_HANDOFF_MAX + 8];
	unsigned char mk1[SSL_MAX_MASTER_KEY_LENGTH];
	unsigned char mk2[SSL_MAX_MASTER_KEY_LENGTH];
	const unsigned char *id1, *id2;
	unsigned int idlen1, idlen2;
	SSL_SESSION *sess, *back;
	struct tls_parent *parent;
	struct copts o;
	struct pair p;
	size_t len, len2, blen, n1, n2;
	char err[256];

	memset(&o, 0, sizeof(o));
	CHECK(srv != NULL && other != NULL);
	if (srv == NULL || other == NULL)
		goto out;
	CHECK(connect_ok(&p, srv, NULL, 0, &o));
	sess = client_session(&p);	/* the client's, as a sample */
	CHECK(sess != NULL);
	CHECK_INT(tls_session_serialize(sess, der, sizeof(der), &len), 0);
	CHECK(len > 0 && len <= TLS_SESSION_MAX);
	back = tls_session_deserialize(der, len);
	CHECK(back != NULL);
	if (back != NULL && sess != NULL) {
		id1 = SSL_SESSION_get_id(sess, &idlen1);
		id2 = SSL_SESSION_get_id(back, &idlen2);
		CHECK(idlen1 == idlen2 && memcmp(id1, id2, idlen1) == 0);
		n1 = SSL_SESSION_get_master_key(sess, mk1, sizeof(mk1));
		n2 = SSL_SESSION_get_master_key(back, mk2, sizeof(mk2));
		CHECK(n1 > 0 && n1 == n2 && memcmp(mk1, mk2, n1) == 0);
		CHECK_INT(SSL_SESSION_get_protocol_version(back),
		    SSL_SESSION_get_protocol_version(sess));
		/* Same bytes again. */
		CHECK_INT(tls_session_serialize(back, der2, sizeof(der2),
		    &len2), 0);
		CHECK(len2 == len && memcmp(der, der2, len) == 0);
	}
	SSL_SESSION_free(back);
	/* Bounded: a buffer one byte short is refused. */
	CHECK_INT(tls_session_serialize(sess, der2, len - 1, &len2), -1);
	CHECK_INT(len2, 0);
	/* Cut short, trailing bytes, garbage: all refused. */
	CHECK(tls_session_deserialize(der, len - 1) == NULL);
	memcpy(der2, der, len);
	der2[len] = 0;
	CHECK(tls_session_deserialize(der2, len + 1) == NULL);
	CHECK(tls_session_deserialize((const uint8_t *)"garbage", 7) == NULL);
	CHECK(tls_session_deserialize(der, 0) == NULL);
	SSL_SESSION_free(sess);

	/* The handoff blob: bounded, strict. */
	CHECK_INT(tls_handoff_export(p.s, blob, 10, &blen), -1);
	CHECK_INT(tls_handoff_export(p.s, blob, sizeof(blob), &blen), 0);
	CHECK(blen > 0 && blen <= TLS_HANDOFF_MAX);
	parent = tls_handoff_import(other, blob, blen, err, sizeof(err));
	CHECK(parent != NULL);
	tls_parent_free(parent);
	CHECK(tls_handoff_import(other, blob, blen - 1, err,
	    sizeof(err)) == NULL);
	CHECK(has(err, "TLS handoff"));
	memcpy(bad, blob, blen);
	bad[blen] = 0;
	CHECK(tls_handoff_import(other, bad, blen + 1, err,
	    sizeof(err)) == NULL);
	memcpy(bad, blob, blen);
	bad[0] ^= 1;
	CHECK(tls_handoff_import(other, bad, blen, err, sizeof(err)) ==
	    NULL);
	memcpy(bad, blob, blen);
	bad[8 + 2] ^= 1;		/* the session ID context */
	CHECK(tls_handoff_import(other, bad, blen, err, sizeof(err)) ==
	    NULL);
	CHECK(has(err, "does not match"));
	memcpy(bad, blob, blen);
	bad[9] = 0x01;			/* version 0x0301 */
	CHECK(tls_handoff_import(other, bad, blen, err, sizeof(err)) ==
	    NULL);
	OPENSSL_cleanse(blob, sizeof(blob));
	OPENSSL_cleanse(bad, sizeof(bad));
	pair_close(&p);
out:
	tls_server_free(srv);
	tls_server_free(other);
}

/* kTLS: report what this machine does; fail only on wrong data. */
static void
check_ktls(int maxv)
{
	struct tls_server *srv = server_new(NULL);
	char path[PATH_MAX], why[TLS_REASON_MAX];
	unsigned char *file = NULL, *in = NULL;
	size_t len = 256 * 1024, got = 0, sent = 0, n;
	struct copts o;
	struct pair p;
	enum tls_res r;
	int fd = -1, tx, rx, i, e;

	memset(&o, 0, sizeof(o));
	o.maxv = maxv;
	o.tcp = 1;
	p.sfd = p.cfd = -1;
	p.s = NULL;
	p.c = NULL;
	CHECK(srv != NULL);
	if (srv == NULL)
		return;
	if (!connect_ok(&p, srv, NULL, TLS_F_KTLS, &o)) {
		CHECK(0);
		goto done;
	}
	tls_ktls(p.s, &tx, &rx);
	if (tls_describe(p.s, why, sizeof(why)) == -1)
		why[0] = '\0';
	printf("test_tls: kTLS on %s: tx %s, rx %s\n", why,
	    tx ? "active" : "not active", rx ? "active" : "not active");

	/* A file to send, whichever way it goes. */
	file = malloc(len);
	in = malloc(len);
	CHECK(file != NULL && in != NULL);
	if (file == NULL || in == NULL)
		goto done;
	for (n = 0; n < len; n++)
		file[n] = (unsigned char)(n * 13 + 5);
	if (snprintf(path, sizeof(path), "%s/sendfile.bin", certdir) < 0 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || write(fd, file, len) != (ssize_t)len) {
		CHECK(0);
		goto done;
	}
	for (i = 0; i < 100000 && got < len; i++) {
		if (sent < len) {
			r = tls_sendfile(p.s, fd, (off_t)sent, len - sent, &n);
			if (r == TLS_ERROR && !tx) {
				CHECK(has(tls_reason(p.s), "not active"));
				r = tls_write(p.s, file + sent, len - sent, &n);
			}
			if (r == TLS_DONE)
				sent += n;
			else if (r != TLS_WANT_WRITE) {
				CHECK(0);
				fprintf(stderr, "send: %s\n", tls_reason(p.s));
				break;
			}
		}
		ERR_clear_error();
		if (SSL_read_ex(p.c, in + got, len - got, &n) == 1)
			got += n;
		else if ((e = SSL_get_error(p.c, 0)) != SSL_ERROR_WANT_READ)
			break;
		else
			(void)settle(&p);
	}
	CHECK_INT(got, len);
	CHECK(got == len && memcmp(in, file, len) == 0);
	printf("test_tls: %zu bytes sent by %s\n", sent,
	    tx ? "SSL_sendfile (kTLS)" : "tls_write (no kTLS)");
done:
	if (fd != -1) {
		(void)close(fd);
		if (unlink(path) == -1)
			perror(path);
	}
	free(file);
	free(in);
	pair_close(&p);
	tls_server_free(srv);
}

UNIT_TEST(test_ktls)
{
	char why[TLS_REASON_MAX];
	int avail;

	avail = tls_ktls_probe(why, sizeof(why));
	printf("test_tls: kernel TLS %savailable: %s\n", avail ? "" : "not ",
	    why);
	check_ktls(TLS1_2_VERSION);
	check_ktls(0);
}

int
main(void)
{
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		perror("signal");
	certs_ok = certs_setup() == 0;
	UNIT_RUN(test_certs);
	if (certs_ok) {
		UNIT_RUN(test_server_config);
		UNIT_RUN(test_handshake_tls13);
		UNIT_RUN(test_handshake_tls12);
		UNIT_RUN(test_old_version_refused);
		UNIT_RUN(test_no_renegotiation);
		UNIT_RUN(test_alpn);
		UNIT_RUN(test_sni);
		UNIT_RUN(test_close_notify);
		UNIT_RUN(test_truncated);
		UNIT_RUN(test_server_close_notify);
		UNIT_RUN(test_bulk);
		UNIT_RUN(test_reuse_tls13_ticket);
		UNIT_RUN(test_reuse_tls12_session_id);
		UNIT_RUN(test_reuse_tls12_ticket);
		UNIT_RUN(test_reuse_sibling_refused);
		UNIT_RUN(test_reuse_after_abort);
		UNIT_RUN(test_reuse_foreign_keys);
		UNIT_RUN(test_reuse_same_process);
		UNIT_RUN(test_session_serialize);
		UNIT_RUN(test_ktls);
	}
	certs_cleanup();
	return UNIT_END();
}
