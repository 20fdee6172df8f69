/*
 * tls: the TLS building block of FTPS (RFC 4217), over OpenSSL 3.
 *
 * A struct tls_server is a configured SSL_CTX: created from the
 * certificate chain and key files while the caller is still privileged,
 * it is plain memory afterwards, so a process that forks keeps using it
 * with no file access.  A struct tls_conn is one TLS connection over a
 * caller-owned, non-blocking socket; every call that may block reports
 * TLS_WANT_READ or TLS_WANT_WRITE instead, for an event loop.
 *
 * Policy, fixed here so that no caller can weaken it: TLS 1.2 minimum
 * (or the system's minimum, if stricter), TLS 1.3 preferred, the
 * system's default cipher policy, no compression, no renegotiation,
 * ALPN "ftp" or no ALPN at all (ALPACA, CVE-2021-3618), an optional SNI
 * host check, and an EOF without close_notify reported as truncation.
 *
 * Data connections must resume the control connection's session: the
 * control connection's identity (a random per-connection session ID
 * context, its session and its ticket keys) is exported as a bounded
 * blob, imported by the process that serves data connections, and
 * checked after each data handshake.  See tls.c for why this, and not a
 * session ID or master key comparison alone, is right for TLS 1.3.
 */
#ifndef FTPD_TLS_H
#define FTPD_TLS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define TLS_REASON_MAX		256	/* tls_reason() text with its NUL */
#define TLS_SESSION_MAX		2048	/* DER-encoded SSL_SESSION */
#define TLS_SIDCTX_LEN		32	/* per control connection */
#define TLS_TICKET_KEYS_LEN	80	/* name 16, HMAC 32, AES 32 */
/* tls_handoff_export() output: fits one monitor message (MSG_MAX). */
#define TLS_HANDOFF_MAX		(8 + 2 + TLS_SIDCTX_LEN + \
				    TLS_TICKET_KEYS_LEN + 2 + TLS_SESSION_MAX)

enum tls_res {
	TLS_DONE = 0,		/* handshake complete, bytes moved, sent */
	TLS_WANT_READ,		/* call again when the socket is readable */
	TLS_WANT_WRITE,		/* call again when the socket is writable */
	TLS_CLOSED,		/* the peer sent close_notify: clean end */
	TLS_TRUNCATED,		/* EOF or reset, no close_notify: data may be cut */
	TLS_ERROR		/* fatal; tls_reason() says why */
};

struct tls_config {
	const char	*cert_file;	/* PEM: leaf, then intermediates */
	const char	*key_file;	/* PEM private key */
	const char	*sni_host;	/* NULL or "": any or no SNI */
	long		 session_timeout; /* seconds; 0: 86400 */
};

/* tls_conn_new() flags */
#define TLS_F_KTLS		0x01	/* try kernel TLS (data connections) */
#define TLS_F_REQUIRE_REUSE	0x02	/* data only: no full handshake */
#define TLS_F_NO_TICKET		0x04	/* data only: issue no ticket */

struct tls_server;
struct tls_conn;
struct tls_parent;

/*
 * Server context.  tls_server_new() reads both files now; err gets a
 * line for the log on failure.  Reload on SIGHUP by creating a new one
 * and freeing the old: connections hold a reference, so the old context
 * lives until its last connection is freed.
 */
struct tls_server	*tls_server_new(const struct tls_config *, char *err,
			    size_t errsize);
void			 tls_server_free(struct tls_server *);
/*
 * The same policy with a throwaway self-signed certificate and key made
 * here: for a process that only resumes sessions (data connections with
 * TLS_F_REQUIRE_REUSE) and so need not hold the real private key.
 */
struct tls_server	*tls_server_new_ephemeral(const struct tls_config *,
			    char *err, size_t errsize);
/*
 * Give this process's context fresh random session ticket keys.  Call
 * once per control connection, after fork and before its handshake, so
 * that a ticket (and the secrets it carries) is only good for the
 * processes of that one connection.  0, or -1 on failure.
 */
int			 tls_server_new_ticket_keys(struct tls_server *);

/*
 * Connections.  parent NULL: a control connection (gets a fresh random
 * session ID context).  parent set: a data connection bound to that
 * control connection.  fd stays the caller's; tls_conn_free() does not
 * close it and sends nothing.
 */
struct tls_conn	*tls_conn_new(struct tls_server *, int fd,
		    const struct tls_parent *, unsigned flags);
void		 tls_conn_free(struct tls_conn *);
/* The socket the connection runs over. */
int		 tls_fd(const struct tls_conn *);
/* Why the last call returned TLS_ERROR or TLS_TRUNCATED; "" if none. */
const char	*tls_reason(const struct tls_conn *);

/* Drive the server handshake: TLS_DONE, TLS_WANT_*, or TLS_ERROR. */
enum tls_res	 tls_accept_step(struct tls_conn *);
/*
 * Read up to len bytes: TLS_DONE with *nread > 0, TLS_WANT_*,
 * TLS_CLOSED, TLS_TRUNCATED or TLS_ERROR.  A read may want a write
 * (TLS 1.3 key update).  Bytes may be buffered inside after a read:
 * check tls_pending() before waiting for the socket again.
 */
enum tls_res	 tls_read(struct tls_conn *, void *, size_t len,
		    size_t *nread);
/*
 * Write up to len bytes: TLS_DONE with *nwritten > 0 (possibly fewer
 * than len), TLS_WANT_*, or TLS_ERROR.  After TLS_WANT_*, call again
 * with at least the same bytes (the buffer may move).
 */
enum tls_res	 tls_write(struct tls_conn *, const void *, size_t len,
		    size_t *nwritten);
/* Decrypted or undecoded bytes are held inside: read before polling. */
int		 tls_pending(const struct tls_conn *);
/*
 * Send close_notify: TLS_DONE once it is written (call tls_read() until
 * TLS_CLOSED to wait for the peer's), TLS_WANT_WRITE, or TLS_ERROR.
 */
enum tls_res	 tls_shutdown(struct tls_conn *);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384 ALPN=ftp resumed" for the log. */
int		 tls_describe(const struct tls_conn *, char *, size_t);

/*
 * The control session, handed from the process that did the control
 * handshake to the one that serves data connections.  Export after the
 * control handshake; the blob holds secrets (the session's master
 * secret and this connection's ticket keys): send it only to that
 * session's own process and wipe it after use.  Import installs the
 * ticket keys and the session into srv (which must then serve only
 * this connection) and returns the parent for tls_conn_new() and
 * tls_reuse_check().
 */
int			 tls_handoff_export(const struct tls_conn *ctl,
			    uint8_t *out, size_t outsize, size_t *outlen);
struct tls_parent	*tls_handoff_import(struct tls_server *,
			    const uint8_t *in, size_t len, char *err,
			    size_t errsize);
void			 tls_parent_free(struct tls_parent *);
/*
 * After a data connection's handshake: NULL if it resumed the control
 * connection's session, else the text for the 522 reply; tls_reason()
 * then has the detail for the log line.
 */
const char		*tls_reuse_check(struct tls_conn *data,
			    const struct tls_parent *);

/* SSL_SESSION <-> DER in a bounded buffer.  0 / -1; NULL on bad input. */
int		 tls_session_serialize(const SSL_SESSION *, uint8_t *out,
		    size_t outsize, size_t *outlen);
SSL_SESSION	*tls_session_deserialize(const uint8_t *in, size_t len);

/*
 * Kernel TLS.  tls_ktls_probe() asks the kernel for its "tls" TCP upper
 * layer (root may thereby load the module); 1 available, 0 not, with
 * the reason in why.  A connection created with TLS_F_KTLS has OpenSSL
 * hand its keys to the kernel during the handshake where it can;
 * tls_ktls() tells, after the handshake, which directions are offloaded.
 * tls_sendfile() sends file bytes with SSL_sendfile() and needs kTLS for
 * sending; without it, it fails with a reason and the caller falls back
 * to tls_write().
 */
int		 tls_ktls_probe(char *why, size_t whysize);
void		 tls_ktls(const struct tls_conn *, int *tx, int *rx);
enum tls_res	 tls_sendfile(struct tls_conn *, int filefd, off_t offset,
		    size_t len, size_t *nsent);

#endif
