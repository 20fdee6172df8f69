/*
 * xfer.c: moving bytes once the data connection is up.  RETR in binary
 * uses sendfile on a non-blocking socket, so each call returns when the
 * socket buffer is full and the loop can notice an ABOR on the control
 * connection in between; ASCII and STOR go through a staging buffer that
 * exists only while a transfer runs (an idle session holds none).
 *
 * PROT P (FTPS): after the 150 reply the data connection does its TLS
 * handshake (this process is the TLS server in both modes), which by
 * default must resume the control connection's session; then every byte
 * goes through data_send()/data_recv(), and the end is a close_notify
 * each way.  An upload that ends without the client's close_notify may
 * be cut short by an attacker and is reported as truncated (451).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/opts.h"
#include "data/ascii.h"
#include "fs/glob.h"
#include "fs/ls.h"
#include "ftp/path.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "session.h"
#include "tls/ftps.h"

#define XFER_BUF	(256 * 1024)
#define SENDFILE_CHUNK	(16 * 1024 * 1024)
#define SPLICE_CHUNK	(1024 * 1024)	/* the pipe's size */

/*
 * Commands that arrived during a transfer, run once it ends; ABOR and
 * STAT are answered at once even behind them.
 */
static uint8_t		deferred_mem[CTL_IN_MAX];
static struct ev_timer	rate_timer;	/* rateget/rateput pauses */
static int		splice_broken;	/* the file system refused splice */
static struct buf	deferred = { deferred_mem, 0, sizeof(deferred_mem), 0 };

/* Put held commands back in front of the unread input. */
static void
requeue_deferred(void)
{
	uint8_t tmp[CTL_IN_MAX * 2];
	size_t dl = buf_len(&deferred), n = buf_len(&sess.ctl.in);

	if (dl == 0)
		return;
	memcpy(tmp, buf_data(&deferred), dl);
	memcpy(tmp + dl, buf_data(&sess.ctl.in), n);
	buf_reset(&sess.ctl.in);
	/* Both fit: what is held came out of ctl.in, which has the cap. */
	if (buf_add(&sess.ctl.in, tmp, dl + n > CTL_IN_MAX ? CTL_IN_MAX :
	    dl + n) == -1)
		buf_reset(&sess.ctl.in);
	buf_reset(&deferred);
}

void
xfer_cleanup(void)
{
	struct xfer *x = &sess.x;

	if (sess.loop != NULL) {
		ev_io_stop(sess.loop, &x->io);
		ev_timer_stop(sess.loop, &x->timer);
	}
	if (x->kind == XF_HASH)
		hash_cleanup();
	if (sess.loop != NULL)
		ev_timer_stop(sess.loop, &rate_timer);
	if (x->file != -1)
		close(x->file);
	if (x->tls != NULL) {
		tls_conn_free(x->tls);
		x->tls = NULL;
	}
	if (x->sock != -1)
		close(x->sock);
	free(x->buf);
	x->buf = NULL;
	x->buf_len = x->buf_off = x->buf_cap = 0;
	x->file = x->sock = -1;
	x->kind = XF_NONE;
	x->connected = 0;
	x->truncated = x->closing = 0;
	if (x->use_splice) {
		close(x->pipe[0]);
		close(x->pipe[1]);
		x->use_splice = 0;
	}
}

/*
 * -S: one line per guest download, BSD's format:
 * "Mmm dd hh:mm:ss yyyy!ident!host!/path!bytes!seconds".
 */
static void
stats_record(const struct xfer *x)
{
	char path[PATH_MAX], line[PATH_MAX + 256], when[32];
	time_t now = time(NULL);
	int64_t secs = (ev_now_ms() - x->started) / 1000;
	int n;

	if (sess.statfd == -1 || !sess.guest)
		return;
	if (realpath(x->name, path) == NULL)
		(void)cstr_copy(path, sizeof(path), x->name);
	if (ctime_r(&now, when) == NULL)
		return;
	n = snprintf(line, sizeof(line), "%.20s!%s!%s!%s!%llu!%lld\n",
	    when + 4, sess.ident, sess.ip, path,
	    (unsigned long long)x->bytes, (long long)(secs < 1 ? 1 : secs));
	if (n > 0 && (size_t)n < sizeof(line))
		(void)!write(sess.statfd, line, (size_t)n);
}

static void
finish(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void	tls_closing(struct ev_loop *, struct ev_io *, unsigned);
static void	arm(void);

static void
finish(int code, const char *fmt, ...)
{
	struct xfer *x = &sess.x;
	char msg[512];
	va_list ap;
	const char *op = x->kind == XF_RETR ? "get" :
	    x->kind == XF_STOR ? (x->append ? "append" : "put") : NULL;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * A complete TLS transfer ends with our close_notify, so that the
	 * client can tell the end from a cut; 226 only once it is out.
	 */
	if (x->tls != NULL && code == 226 && !x->closing) {
		x->closing = 1;
		(void)cstr_copy(x->final_msg, sizeof(x->final_msg), msg);
		ev_io_stop(sess.loop, &x->io);
		if (ev_io_start(sess.loop, &x->io, x->sock, EV_WRITE,
		    tls_closing, NULL) == 0) {
			arm();
			tls_closing(sess.loop, &x->io, EV_WRITE);
			return;
		}
	}
	if (op != NULL)
		session_log_op(op, x->name, NULL, (int64_t)x->bytes);
	if (x->kind == XF_RETR && code == 226 && x->bytes > 0)
		stats_record(x);
	xfer_cleanup();
	(void)ctl_reply(&sess.ctl, code, "%s", msg);
	requeue_deferred();
	session_resume_ctl();
	session_xfer_done();
}

void
xfer_finish_reply(int code, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	finish(code, "%s", msg);
}

static void
tls_closing(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct xfer *x = &sess.x;
	enum tls_res r;

	(void)l;
	(void)io;
	(void)ev;
	r = tls_shutdown(x->tls);
	if (r == TLS_WANT_WRITE || r == TLS_WANT_READ) {
		(void)ev_io_set(sess.loop, &x->io,
		    r == TLS_WANT_WRITE ? EV_WRITE : EV_READ);
		return;
	}
	if (r == TLS_ERROR)
		log_debug("data connection close_notify: %s",
		    tls_reason(x->tls));
	finish(226, "%s", x->final_msg);
}

static void
stalled(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	log_msg(LOG_NOTICE, "data connection stalled for %u seconds (%s)",
	    opts.data_timeout, sess.ip);
	finish(426, "Data connection timed out.");
}

static void
arm(void)
{
	ev_timer_start(sess.loop, &sess.x.timer,
	    (int64_t)opts.data_timeout * 1000, stalled, NULL);
}

/*
 * ftpd.conf rateget/rateput: how many bytes may move now (-1: no limit).
 * When none may, the transfer pauses on a timer until some may again.
 */
static void
rate_resume(struct ev_loop *l, struct ev_timer *t)
{
	(void)t;
	if (sess.x.kind != XF_NONE && sess.x.sock != -1) {
		(void)ev_io_start(l, &sess.x.io, sess.x.sock,
		    sess.x.kind == XF_RETR ? EV_WRITE : EV_READ,
		    sess.x.io.cb, NULL);
		/* TLS may hold bytes the socket will not announce again. */
		if (sess.x.tls != NULL && tls_pending(sess.x.tls))
			sess.x.io.cb(l, &sess.x.io, EV_READ);
	}
}

static int64_t
rate_allow(void)
{
	struct xfer *x = &sess.x;
	int64_t rate = x->kind == XF_RETR ? sess.cls->rateget :
	    sess.cls->rateput, allowed;

	if (rate <= 0)
		return -1;
	/* A tenth of a second of burst, then the steady rate. */
	allowed = rate * (ev_now_ms() - x->started) / 1000 + rate / 10 -
	    (int64_t)x->bytes;
	if (allowed > 0)
		return allowed;
	ev_io_stop(sess.loop, &x->io);
	ev_timer_start(sess.loop, &rate_timer,
	    1 + (-allowed + rate / 100) * 1000 / rate, rate_resume, NULL);
	return 0;
}

static int
write_errno_code(int err)
{
	return (err == EDQUOT || err == EFBIG) ? 552 : 452;
}

/*
 * The data connection's bytes, in clear or through TLS.  Like send and
 * recv: bytes moved, 0 at the end (recv), or -1 with errno; EAGAIN
 * means wait for the event in x->want (TLS may need to read in order
 * to write).  A TLS upload that ends without close_notify sets
 * x->truncated and returns 0.
 */
static ssize_t
data_send(const void *p, size_t n)
{
	struct xfer *x = &sess.x;
	size_t w;

	x->want = EV_WRITE;
	if (x->tls == NULL)
		return send(x->sock, p, n, MSG_NOSIGNAL);
	switch (tls_write(x->tls, p, n, &w)) {
	case TLS_DONE:
		return (ssize_t)w;
	case TLS_WANT_READ:
		x->want = EV_READ;
		/* FALLTHROUGH */
	case TLS_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	default:
		log_msg(LOG_NOTICE, "data connection (%s): %s", sess.ip,
		    tls_reason(x->tls));
		errno = ECONNRESET;
		return -1;
	}
}

static ssize_t
data_recv(void *p, size_t n)
{
	struct xfer *x = &sess.x;
	size_t got;

	x->want = EV_READ;
	if (x->tls == NULL)
		return recv(x->sock, p, n, 0);
	switch (tls_read(x->tls, p, n, &got)) {
	case TLS_DONE:
		return (ssize_t)got;
	case TLS_WANT_WRITE:
		x->want = EV_WRITE;
		/* FALLTHROUGH */
	case TLS_WANT_READ:
		errno = EAGAIN;
		return -1;
	case TLS_CLOSED:
		return 0;
	case TLS_TRUNCATED:
		log_msg(LOG_NOTICE, "upload of %s from %s: %s", x->name,
		    sess.ip, tls_reason(x->tls));
		x->truncated = 1;
		return 0;
	default:
		log_msg(LOG_NOTICE, "data connection (%s): %s", sess.ip,
		    tls_reason(x->tls));
		errno = ECONNRESET;
		return -1;
	}
}

/* Wait for what the last data_send/data_recv asked for. */
static void
data_wait(void)
{
	struct xfer *x = &sess.x;

	if (x->io.events != x->want)
		(void)ev_io_set(sess.loop, &x->io, x->want);
}

/* Send what is staged; 1 when all sent, 0 when the socket is full. */
static int
flush_staged(void)
{
	struct xfer *x = &sess.x;

	while (x->buf_off < x->buf_len) {
		ssize_t n = data_send(x->buf + x->buf_off,
		    x->buf_len - x->buf_off);

		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				data_wait();
				return 0;
			}
			return -1;
		}
		x->buf_off += (size_t)n;
		x->bytes += (uint64_t)n;
	}
	x->buf_off = x->buf_len = 0;
	return 1;
}

static void
retr_ascii(void)
{
	struct xfer *x = &sess.x;
	/*
	 * The file is read into the upper half of the staging buffer and
	 * converted into the lower half: a quarter of it in can at most
	 * double.  (Not on the stack: an idle session would keep the pages.)
	 */
	uint8_t *in = x->buf + x->buf_cap / 2;
	size_t used, inmax = x->buf_cap / 4;

	for (;;) {
		ssize_t n;
		int r = flush_staged();

		if (r == 1 && rate_allow() == 0)
			return;

		if (r == -1) {
			finish(426, "Data connection: %s.", strerror(errno));
			return;
		}
		if (r == 0)
			return;
		n = read(x->file, in, inmax);
		if (n == -1) {
			finish(551, "Error on input file: %s.",
			    strerror(errno));
			return;
		}
		if (n == 0) {
			finish(226, "Transfer complete.");
			return;
		}
		x->buf_len = ascii_to_net(&x->as, in, (size_t)n, x->buf,
		    x->buf_cap / 2, &used);
		x->buf_off = 0;
		/* REST in ASCII counts converted bytes: drop the skipped. */
		if (x->offset > 0) {
			size_t skip = (uint64_t)x->offset < x->buf_len ?
			    (size_t)x->offset : x->buf_len;

			x->buf_off = skip;
			x->offset -= (off_t)skip;
		}
	}
}

static void
retr_writable(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct xfer *x = &sess.x;
	int64_t budget;
	ssize_t n;

	(void)l;
	(void)io;
	(void)ev;
	arm();
	if ((budget = rate_allow()) == 0)
		return;
	if (x->ascii) {
		retr_ascii();
		return;
	}
	if (x->use_sendfile) {
		size_t chunk = sess.cls->writesize > 0 ?
		    (size_t)sess.cls->writesize : SENDFILE_CHUNK;

		if (budget > 0 && (uint64_t)budget < chunk)
			chunk = (size_t)budget;
		n = plat_sendfile(x->sock, x->file, &x->offset, chunk);
		if (n > 0) {
			x->bytes += (uint64_t)n;
			return;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		if (n == -1 && (errno == EINVAL || errno == ENOSYS)) {
			x->use_sendfile = 0;	/* e.g. a special file */
		} else if (n == -1) {
			finish(426, "Data connection: %s.", strerror(errno));
			return;
		} else {
			finish(226, "%s", (uint64_t)x->offset < x->size ?
			    "Transfer finished due to premature end of file." :
			    "Transfer complete.");
			return;
		}
	}
	/* Plain read/send, for files sendfile cannot handle. */
	for (;;) {
		int r = flush_staged();

		if (r == 1 && rate_allow() == 0)
			return;
		if (r == -1) {
			finish(426, "Data connection: %s.", strerror(errno));
			return;
		}
		if (r == 0)
			return;
		n = pread(x->file, x->buf, sess.cls->readsize > 0 &&
		    (size_t)sess.cls->readsize < x->buf_cap ?
		    (size_t)sess.cls->readsize : x->buf_cap, x->offset);
		if (n == -1) {
			finish(551, "Error on input file: %s.",
			    strerror(errno));
			return;
		}
		if (n == 0) {
			finish(226, "Transfer complete.");
			return;
		}
		x->offset += n;
		x->buf_len = (size_t)n;
		x->buf_off = 0;
	}
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		/* ftpd.conf writesize: the largest single write(2). */
		size_t chunk = sess.cls->writesize > 0 &&
		    (size_t)sess.cls->writesize < n ? (size_t)sess.cls->writesize : n;
		ssize_t w = write(fd, p, chunk);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
stor_readable(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct xfer *x = &sess.x;
	size_t half = x->buf_cap / 2, used, cap;
	int rounds;

	(void)l;
	(void)io;
	(void)ev;
	arm();
	/* A few reads per wakeup, then let the loop look at ABOR. */
	for (rounds = 0; rounds < 16 ||
	    (x->tls != NULL && tls_pending(x->tls)); rounds++) {
		int64_t budget = rate_allow();
		size_t want;
		ssize_t n;

		if (budget == 0)
			return;
		/* Splice has no buffer of ours to fit: a pipe's worth. */
		cap = x->use_splice ? SPLICE_CHUNK : half;
		want = sess.cls->readsize > 0 &&
		    (size_t)sess.cls->readsize < cap ?
		    (size_t)sess.cls->readsize : cap;
		if (budget > 0 && (uint64_t)budget < want)
			want = (size_t)budget;
		if (x->use_splice) {
			int ferr;

			n = plat_splice_in(x->sock, x->file, x->pipe, want,
			    &ferr);
			if (n == -1 && ferr != 0) {
				/* A file system without splice: not again. */
				if (ferr == EINVAL)
					splice_broken = 1;
				finish(write_errno_code(ferr), "Error writing to "
				    "file: %s.", strerror(ferr));
				return;
			}
			if (n > 0) {
				x->bytes += (uint64_t)n;
				continue;
			}
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				return;
			if (n == -1) {
				finish(426, "Data connection: %s.",
				    strerror(errno));
				return;
			}
			/* n == 0: the end, as below. */
		} else
			n = data_recv(x->buf, want);
		const uint8_t *out = x->buf;
		size_t outlen;

		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				data_wait();
				return;
			}
			finish(426, "Data connection: %s.", strerror(errno));
			return;
		}
		if (n == 0 && x->truncated) {
			finish(451, "Upload truncated: the data connection "
			    "ended without a TLS close_notify.");
			return;
		}
		if (n == 0) {
			uint8_t held[2];
			size_t hl = x->ascii ?
			    ascii_from_net_end(&x->as, held, sizeof(held)) : 0;

			/* A CR that ended the last chunk is written now. */
			if (hl > 0 && write_all(x->file, held, hl) == -1) {
				int e = errno;

				finish(write_errno_code(e), "Error writing to "
				    "file: %s.", strerror(e));
				return;
			}
			if (x->ascii && x->as.bare_lf > 0) {
				(void)ctl_lreply(&sess.ctl, 226, "WARNING! %llu "
				    "bare linefeeds received in ASCII mode",
				    (unsigned long long)x->as.bare_lf);
				(void)ctl_lreply(&sess.ctl, 226, "   File may "
				    "not have transferred correctly.");
			}
			if (x->unique)
				finish(226, "Transfer complete (unique file "
				    "name:%s).", x->name);
			else
				finish(226, "Transfer complete.");
			return;
		}
		x->bytes += (uint64_t)n;
		outlen = (size_t)n;
		if (x->ascii) {
			outlen = ascii_from_net(&x->as, x->buf, (size_t)n,
			    x->buf + half, half, &used);
			out = x->buf + half;
		}
		/*
		 * ftpd.conf maxfilesize: the file stops at the limit and the
		 * upload fails with 552 (an rlimit would also stop the -S log).
		 */
		if (x->room >= 0 && outlen > (uint64_t)x->room) {
			(void)write_all(x->file, out, (size_t)x->room);
			finish(552, "Error writing to file: %s.",
			    strerror(EFBIG));
			return;
		}
		if (x->room >= 0)
			x->room -= (int64_t)outlen;
		if (write_all(x->file, out, outlen) == -1) {
			int e = errno;

			finish(write_errno_code(e), "Error writing to file: %s.",
			    strerror(e));
			return;
		}
	}
}

struct list_sink {
	int	fd;
	int	failed;
};

static int
list_write(void *arg, const void *data, size_t len)
{
	struct list_sink *ls = arg;
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t n = data_send(p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* A blocking socket: EAGAIN is the send timeout. */
			ls->failed = errno == EAGAIN ? ETIMEDOUT : errno;
			return -1;
		}
		sess.x.bytes += (uint64_t)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * LIST/NLST of a pattern: each match in turn.  NLST shows regular files
 * only, as BSD does for globs.
 */
static int
list_matches(const struct glob_result *gr, const struct ls_opts *lo,
    struct list_sink *sink)
{
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < gr->count; i++) {
		if (lo->nlst) {
			if (stat(gr->paths[i], &st) == -1 || !S_ISREG(st.st_mode))
				continue;
			if (list_write(sink, gr->paths[i],
			    strlen(gr->paths[i])) == -1 ||
			    list_write(sink, "\r\n", 2) == -1)
				return -2;
			continue;
		}
		r = ls_list(gr->paths[i], lo, sess.ids, time(NULL), list_write,
		    sink);
		if (r == -2)
			return -2;
	}
	return 0;
}

static void
do_list(void)
{
	struct xfer *x = &sess.x;
	struct list_sink sink = { x->sock, 0 };
	struct ls_opts lo;
	struct timeval tv = { (time_t)opts.data_timeout, 0 };
	struct str rest;
	struct glob_result gr;
	const char *why;
	char path[PATH_MAX];
	int r, fl, n;

	/* Listings are written synchronously, with a send timeout. */
	fl = fcntl(x->sock, F_GETFL);
	if (fl != -1)
		(void)fcntl(x->sock, F_SETFL, fl & ~O_NONBLOCK);
	(void)setsockopt(x->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&lo, 0, sizeof(lo));
	lo.deref = sess.cls->hidesymlinks;
	if (x->nlst)
		lo.nlst = 1;
	else
		lo.long_format = lo.almost_all = 1;
	ls_parse_flags(str_cstr(x->name), &lo, &rest);
	if (str_copy(rest, path, sizeof(path)) == -1 || path[0] == '\0')
		(void)cstr_copy(path, sizeof(path), ".");
	if (x->mlsd)
		r = mlsd_list(x->name, list_write, &sink);
	else if ((n = path_glob(path, lo.nlst ? 16384 : 1000, &gr,
	    &why)) == -1) {
		finish(550, "%s", why);
		return;
	} else if (n > 0) {
		r = list_matches(&gr, &lo, &sink);
		glob_free(&gr);
	} else
		r = ls_list(path, &lo, sess.ids, time(NULL), list_write, &sink);
	if (r == -1) {
		int e = errno;

		finish(550, "%s: %s.", path, strerror(e));
		return;
	}
	if (r == -2) {
		finish(426, "Data connection: %s.", strerror(sink.failed));
		return;
	}
	finish(226, "Transfer complete.");
}

/* Start moving bytes: the data connection is up (and TLS, if any). */
static void
xfer_run(void)
{
	struct xfer *x = &sess.x;
	int r;

	if (x->kind == XF_LIST) {
		do_list();
		return;
	}
	if (x->ascii || !x->use_sendfile || x->kind == XF_STOR) {
		x->buf_cap = XFER_BUF;
		if ((x->buf = malloc(x->buf_cap)) == NULL) {
			finish(451, "Out of memory.");
			return;
		}
	}
	/*
	 * A binary upload in clear moves from socket to file by splice,
	 * one copy fewer; APPE (O_APPEND refuses splice), maxfilesize (the
	 * cut must be exact) and TLS read into the buffer.
	 */
	if (x->kind == XF_STOR && !x->ascii && x->tls == NULL && !x->append &&
	    x->room < 0 && !splice_broken && plat_splice_open(x->pipe) == 0)
		x->use_splice = 1;
	if (x->kind == XF_RETR) {
		if (x->use_sendfile)
			plat_cork(x->sock, 1);
		r = ev_io_start(sess.loop, &x->io, x->sock, EV_WRITE,
		    retr_writable, NULL);
	} else
		r = ev_io_start(sess.loop, &x->io, x->sock, EV_READ,
		    stor_readable, NULL);
	if (r == -1) {
		finish(426, "Internal error.");
		return;
	}
	arm();
	/* Decrypted bytes may already wait inside TLS. */
	if (x->tls != NULL && x->kind == XF_STOR && tls_pending(x->tls))
		stor_readable(sess.loop, &x->io, EV_READ);
}

/* PROT P: the data connection's handshake, step by step. */
static void
tls_handshake(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct xfer *x = &sess.x;
	const char *why;
	enum tls_res r;

	(void)l;
	(void)io;
	(void)ev;
	arm();
	r = tls_accept_step(x->tls);
	if (r == TLS_WANT_READ || r == TLS_WANT_WRITE) {
		(void)ev_io_set(sess.loop, &x->io,
		    r == TLS_WANT_READ ? EV_READ : EV_WRITE);
		return;
	}
	if (r == TLS_ERROR) {
		log_msg(LOG_NOTICE, "TLS data connection from %s refused: %s",
		    sess.ip, tls_reason(x->tls));
		finish(522, "%s", tls_reason(x->tls));
		return;
	}
	if (sess.cls->tlsreuse &&
	    (why = tls_reuse_check(x->tls, sess.tls_parent)) != NULL) {
		log_msg(LOG_NOTICE, "TLS data connection from %s refused: %s",
		    sess.ip, tls_reason(x->tls));
		finish(522, "%s", why);
		return;
	}
	ev_io_stop(sess.loop, &x->io);
	/* Kernel TLS (where the kernel has it) keeps sendfile for RETR. */
	if (x->use_sendfile) {
		int tx, rx;

		tls_ktls(x->tls, &tx, &rx);
		x->use_sendfile = tx;
	}
	xfer_run();
}

static void
tls_start(void)
{
	struct xfer *x = &sess.x;
	unsigned flags = TLS_F_KTLS;

	if (sess.cls->tlsreuse)
		flags |= TLS_F_REQUIRE_REUSE;
	/*
	 * A client that only sends (an upload) never reads a ticket, and
	 * closing a socket with unread bytes resets the connection, which
	 * can destroy the last of its data in flight (curl with TLS 1.3):
	 * no ticket on uploads.  Clients keep the control's tickets.
	 */
	if (x->kind == XF_STOR)
		flags |= TLS_F_NO_TICKET;
	if (ftps_server == NULL || sess.tls_parent == NULL ||
	    (x->tls = tls_conn_new(ftps_server, x->sock, sess.tls_parent,
	    flags)) == NULL) {
		finish(522, "Cannot start TLS on the data connection.");
		return;
	}
	if (ev_io_start(sess.loop, &x->io, x->sock, EV_READ, tls_handshake,
	    NULL) == -1) {
		finish(426, "Internal error.");
		return;
	}
	arm();
}

void
xfer_connected(int sock)
{
	struct xfer *x = &sess.x;
	const char *mode = x->ascii ? "ASCII" : "BINARY";

	x->sock = sock;
	x->connected = 1;
	x->started = ev_now_ms();
	/* ftpd.conf socket sizes (SO_SNDLOWAT is not settable on Linux). */
	if (sess.cls->sendbufsize > 0)
		(void)setsockopt(sock, SOL_SOCKET, SO_SNDBUF,
		    &sess.cls->sendbufsize, sizeof(int));
	if (sess.cls->recvbufsize > 0)
		(void)setsockopt(sock, SOL_SOCKET, SO_RCVBUF,
		    &sess.cls->recvbufsize, sizeof(int));
	if (sess.cls->sendlowat > 0)
		(void)setsockopt(sock, SOL_SOCKET, SO_SNDLOWAT,
		    &sess.cls->sendlowat, sizeof(int));
	switch (x->kind) {
	case XF_RETR:
		if (x->size > 0)
			(void)ctl_reply(&sess.ctl, 150, "Opening %s mode data "
			    "connection for '%s' (%llu bytes).", mode, x->name,
			    (unsigned long long)x->size);
		else
			(void)ctl_reply(&sess.ctl, 150, "Opening %s mode data "
			    "connection for '%s'.", mode, x->name);
		/* TYPE A reads from the start and skips x->offset bytes. */
		if (x->ascii)
			;
		else if ((!x->use_sendfile || (sess.prot & MON_PROT_P)) &&
		    lseek(x->file, x->offset, SEEK_SET) == -1) {
			finish(551, "Error on input file: %s.", strerror(errno));
			return;
		}
		break;
	case XF_STOR:
		x->room = -1;
		if (sess.cls->maxfilesize >= 0) {
			struct stat st;
			off_t at = lseek(x->file, 0, SEEK_CUR);

			/* APPE writes at the end whatever the offset says. */
			if (x->append && fstat(x->file, &st) == 0)
				at = st.st_size;
			x->room = sess.cls->maxfilesize - (at > 0 ? at : 0);
			if (x->room < 0)
				x->room = 0;
		}
		(void)ctl_reply(&sess.ctl, 150, "Opening %s mode data "
		    "connection for '%s'.", mode, x->name);
		break;
	case XF_LIST:
		(void)ctl_reply(&sess.ctl, 150, "Opening ASCII mode data "
		    "connection for '/bin/ls'.");
		break;
	default:
		finish(426, "Internal error.");
		return;
	}
	if (sess.prot & MON_PROT_P)
		tls_start();
	else
		xfer_run();
}

void
xfer_abort(const char *why)
{
	(void)why;
	xfer_cleanup();
	dc_close();
	(void)ctl_reply(&sess.ctl, 426, "Transfer aborted. Data connection "
	    "closed.");
	(void)ctl_reply(&sess.ctl, 226, "Abort successful.");
	requeue_deferred();
	session_resume_ctl();
	session_xfer_done();
}

void
xfer_check_abort(void)
{
	struct str line, verb, arg;
	enum ctl_res r;

	/* Stop taking lines when no more can be held. */
	while (buf_room(&deferred) > CTL_LINE_MAX + 2 &&
	    (r = ctl_next(&sess.ctl, &line)) != CTL_NONE) {
		if (r == CTL_TOOLONG) {
			(void)ctl_reply(&sess.ctl, 500, "Command too long.");
			continue;
		}
		(void)str_split(line, ' ', &verb, &arg);
		/* -d logs these here; held commands when they run. */
		if (str_eq_ci(verb, "ABOR") || str_eq_ci(verb, "STAT"))
			log_debug("command: %.*s", (int)line.len, line.p);
		if (str_eq_ci(verb, "ABOR")) {
			xfer_abort("ABOR");
			return;
		}
		if (str_eq_ci(verb, "STAT") && str_empty(arg)) {
			if (sess.x.size > 0 && sess.x.kind == XF_RETR)
				(void)ctl_reply(&sess.ctl, 213, "Status: %llu of "
				    "%llu bytes transferred.",
				    (unsigned long long)sess.x.bytes,
				    (unsigned long long)sess.x.size);
			else
				(void)ctl_reply(&sess.ctl, 213, "Status: %llu "
				    "bytes transferred.",
				    (unsigned long long)sess.x.bytes);
			continue;
		}
		(void)buf_add(&deferred, line.p, line.len);
		(void)buf_adds(&deferred, "\r\n");
	}
	if (sess.ctl.eof) {
		/* The client hung up on the control connection. */
		xfer_cleanup();
		_exit(0);
	}
}
