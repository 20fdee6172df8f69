/*
 * ftps: FTPS (RFC 4217) for the daemon, over tls/tls.h.
 *
 * The listener builds the one TLS server context at start-up, as root,
 * from -X tls_cert and tls_key, and again on SIGHUP; every child gets
 * it by fork and never opens the files.  The rest are the small pieces
 * the process roles share: a control-connection transport (ctl_io) over
 * a TLS connection and a bounded blocking handshake for the pre-login
 * process.
 */
#ifndef FTPD_FTPS_H
#define FTPD_FTPS_H

#include <stddef.h>

#include "ftp/ctl.h"
#include "tls/tls.h"

/* NULL when FTPS is off (no tls_cert). */
extern struct tls_server	*ftps_server;

/* Read the certificate and key (root, before any fork).  0 or -1, err. */
int	 ftps_init(char *err, size_t errsize);
/* SIGHUP: a new context for new connections; on error keep the old. */
void	 ftps_reload(void);
/*
 * In a session whose data connections must resume the control session:
 * replace this process's context by one with a throwaway key, so that
 * the server's private key is not in its memory.  0, or -1 with err.
 */
int	 ftps_drop_key(char *err, size_t errsize);

/* A ctl transport over c; the socket under c must be non-blocking. */
extern const struct ctl_io	ftps_ctl_io;

/*
 * Run the server handshake on the non-blocking fd, waiting at most
 * timeout_ms in all.  0, or -1 with the reason in why.
 */
int	 ftps_handshake(struct tls_conn *, int fd, int timeout_ms,
	    char *why, size_t whysize);

#endif
