/*
 * ftps.c: FTPS glue for the daemon.  See ftps.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "conf/opts.h"
#include "ev.h"
#include "log/log.h"
#include "str.h"
#include "tls/ftps.h"

struct tls_server	*ftps_server;
/*
 * The same policy with a throwaway key, made once here (key generation
 * and the first use of its algorithms cost a fresh process about a
 * millisecond): sessions that only resume switch to it.  It protects
 * nothing, it only lets OpenSSL resume, so one for all is fine.
 */
static struct tls_server	*resume_server;

/* The settings; ephemeral: with a throwaway key, not the files. */
static struct tls_server *
load(int ephemeral, char *err, size_t errsize)
{
	struct tls_config tc;

	memset(&tc, 0, sizeof(tc));
	tc.cert_file = opts.tls_cert;
	tc.key_file = opts.tls_key[0] != '\0' ? opts.tls_key : opts.tls_cert;
	tc.sni_host = opts.tls_sni;
	return ephemeral ? tls_server_new_ephemeral(&tc, err, errsize) :
	    tls_server_new(&tc, err, errsize);
}

int
ftps_init(char *err, size_t errsize)
{
	if (opts.tls_cert[0] == '\0') {
		if (opts.tls_implicit) {
			(void)cstr_copy(err, errsize, "tls_implicit needs "
			    "tls_cert (and tls_key)");
			return -1;
		}
		return 0;
	}
	if ((ftps_server = load(0, err, errsize)) == NULL ||
	    (resume_server = load(1, err, errsize)) == NULL)
		return -1;
	return 0;
}

int
ftps_drop_key(char *err, size_t errsize)
{
	if (resume_server == NULL) {
		(void)cstr_copy(err, errsize, "no throwaway context");
		return -1;
	}
	/* This process's copy of the real context, key and all, goes. */
	tls_server_free(ftps_server);
	ftps_server = resume_server;
	resume_server = NULL;
	return 0;
}

void
ftps_reload(void)
{
	struct tls_server *srv;
	char err[512];

	if (ftps_server == NULL)
		return;		/* FTPS is switched on at start-up only */
	if ((srv = load(0, err, sizeof(err))) == NULL) {
		log_msg(LOG_ERR, "SIGHUP: %s; keeping the old certificate",
		    err);
		return;
	}
	/* Connections hold references: the old context lives on in them. */
	tls_server_free(ftps_server);
	ftps_server = srv;
}

/* Wait for what the TLS call asked for, until deadline (ms clock). */
static int
wait_for(int fd, enum tls_res want, int64_t deadline)
{
	struct pollfd p;
	int64_t left;
	int r;

	p.fd = fd;
	p.events = want == TLS_WANT_WRITE ? POLLOUT : POLLIN;
	for (;;) {
		left = deadline - ev_now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* Replies are short: give a stuck client a minute per write. */
#define CTL_WRITE_MS	60000

static ssize_t
io_read(void *arg, void *p, size_t len)
{
	size_t n;

	switch (tls_read(arg, p, len, &n)) {
	case TLS_DONE:
		return (ssize_t)n;
	case TLS_WANT_READ:
	case TLS_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case TLS_CLOSED:
	case TLS_TRUNCATED:
		return 0;
	default:
		log_debug("control connection: %s", tls_reason(arg));
		errno = EIO;
		return -1;
	}
}

static int
io_write(void *arg, const void *p, size_t len)
{
	const uint8_t *b = p;
	int64_t deadline = ev_now_ms() + CTL_WRITE_MS;
	size_t n;

	while (len > 0) {
		enum tls_res r = tls_write(arg, b, len, &n);

		if (r == TLS_DONE) {
			b += n;
			len -= n;
			continue;
		}
		if ((r != TLS_WANT_READ && r != TLS_WANT_WRITE) ||
		    wait_for(tls_fd(arg), r, deadline) == -1) {
			errno = EIO;
			return -1;
		}
	}
	return 0;
}

static int
io_pending(void *arg)
{
	return tls_pending(arg);
}

const struct ctl_io	ftps_ctl_io = { io_read, io_write, io_pending };

int
ftps_handshake(struct tls_conn *c, int fd, int timeout_ms, char *why,
    size_t whysize)
{
	int64_t deadline = ev_now_ms() + timeout_ms;
	enum tls_res r;

	while ((r = tls_accept_step(c)) != TLS_DONE) {
		if (r != TLS_WANT_READ && r != TLS_WANT_WRITE) {
			(void)cstr_copy(why, whysize, tls_reason(c));
			return -1;
		}
		if (wait_for(fd, r, deadline) == -1) {
			(void)cstr_printf(why, whysize, "TLS handshake: %s",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}
