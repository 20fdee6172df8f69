/*
 * relay.c: the TLS relay.  After a login on a TLS control connection the
 * pre-login process does not exit: it keeps the TLS connection (whose
 * state cannot move to another process without making the client
 * handshake again) and becomes this relay, still unprivileged and in the
 * empty jail.  It moves plaintext between TLS and the session's end of a
 * socketpair and does nothing else: it parses no command and opens no
 * file.  It ends when either side does, sending close_notify when the
 * session ends first.
 *
 * Both directions are non-blocking with bounded buffers, so neither a
 * client that stops reading nor a busy session can wedge the other.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log/log.h"
#include "monitor.h"
#include "tls/tls.h"

#define RELAY_BUF	16384		/* one TLS record */
#define CLOSE_MS	5000		/* for our close_notify to leave */

struct dir {
	struct buf	 b;
	uint8_t		 mem[RELAY_BUF];
	int		 eof;		/* the reading side has ended */
};

static struct {
	struct tls_conn	*tls;
	int		 tlsfd, plain;
	struct dir	 up;		/* client -> session */
	struct dir	 down;		/* session -> client */
	enum tls_res	 rd_want, wr_want;	/* TLS_DONE: nothing */
} r;

/* The monitor stops listening to us at login: the relay keeps quiet. */
static void
no_log(int prio, const char *text)
{
	(void)prio;
	(void)text;
}

static void __attribute__((noreturn))
relay_exit(void)
{
	tls_conn_free(r.tls);
	_exit(0);
}

/* The session has ended: say close_notify, briefly, then go. */
static void __attribute__((noreturn))
close_tls(void)
{
	struct pollfd p = { r.tlsfd, POLLOUT, 0 };
	int i;

	for (i = 0; i < 10; i++) {
		enum tls_res res = tls_shutdown(r.tls);

		if (res != TLS_WANT_WRITE && res != TLS_WANT_READ)
			break;
		p.events = res == TLS_WANT_WRITE ? POLLOUT : POLLIN;
		if (poll(&p, 1, CLOSE_MS / 10) <= 0)
			break;
	}
	relay_exit();
}

/* One pass over the four operations; 1 if any moved a byte. */
static int
pump(void)
{
	int moved = 0;
	size_t n;
	ssize_t k;
	enum tls_res res;

	r.rd_want = r.wr_want = TLS_DONE;
	/* client -> relay */
	while (!r.up.eof && buf_room(&r.up.b) > 0) {
		res = tls_read(r.tls, buf_tail(&r.up.b), buf_room(&r.up.b), &n);
		if (res == TLS_DONE) {
			(void)buf_commit(&r.up.b, n);
			moved = 1;
			continue;
		}
		if (res == TLS_WANT_READ || res == TLS_WANT_WRITE)
			r.rd_want = res;
		else {
			if (res == TLS_ERROR)
				log_debug("TLS relay: %s", tls_reason(r.tls));
			r.up.eof = 1;
			moved = 1;
		}
		break;
	}
	/* relay -> session */
	while (buf_len(&r.up.b) > 0) {
		k = send(r.plain, buf_data(&r.up.b), buf_len(&r.up.b),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k > 0) {
			buf_consume(&r.up.b, (size_t)k);
			moved = 1;
			continue;
		}
		if (k == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		relay_exit();		/* the session is gone */
	}
	/* session -> relay */
	while (!r.down.eof && buf_room(&r.down.b) > 0) {
		k = recv(r.plain, buf_tail(&r.down.b), buf_room(&r.down.b),
		    MSG_DONTWAIT);
		if (k > 0) {
			(void)buf_commit(&r.down.b, (size_t)k);
			moved = 1;
			continue;
		}
		if (k == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		r.down.eof = 1;
		moved = 1;
		break;
	}
	/* relay -> client */
	while (buf_len(&r.down.b) > 0) {
		res = tls_write(r.tls, buf_data(&r.down.b), buf_len(&r.down.b),
		    &n);
		if (res == TLS_DONE) {
			buf_consume(&r.down.b, n);
			moved = 1;
			continue;
		}
		if (res == TLS_WANT_READ || res == TLS_WANT_WRITE) {
			r.wr_want = res;
			break;
		}
		log_debug("TLS relay: %s", tls_reason(r.tls));
		relay_exit();		/* the client is gone */
	}
	return moved;
}

void
relay_main(struct tls_conn *tls, int tlsfd, int plain)
{
	struct pollfd p[2];

	memset(&r, 0, sizeof(r));
	r.tls = tls;
	r.tlsfd = tlsfd;
	r.plain = plain;
	buf_init(&r.up.b, r.up.mem, sizeof(r.up.mem));
	buf_init(&r.down.b, r.down.mem, sizeof(r.down.mem));
	close(FD_MON);
	log_set_relay(no_log);
	(void)fcntl(plain, F_SETFL, fcntl(plain, F_GETFL) | O_NONBLOCK);
	for (;;) {
		while (pump())
			;
		/* The client is done and all it sent has been passed on. */
		if (r.up.eof && buf_len(&r.up.b) == 0)
			relay_exit();
		/* The session is done and all it wrote has gone out. */
		if (r.down.eof && buf_len(&r.down.b) == 0)
			close_tls();
		p[0].fd = tlsfd;
		p[0].events = 0;
		if (r.rd_want == TLS_WANT_READ || r.wr_want == TLS_WANT_READ)
			p[0].events |= POLLIN;
		if (r.rd_want == TLS_WANT_WRITE || r.wr_want == TLS_WANT_WRITE)
			p[0].events |= POLLOUT;
		p[1].fd = plain;
		p[1].events = 0;
		if (!r.down.eof && buf_room(&r.down.b) > 0)
			p[1].events |= POLLIN;
		if (buf_len(&r.up.b) > 0)
			p[1].events |= POLLOUT;
		if (poll(p, 2, -1) == -1 && errno != EINTR)
			relay_exit();
	}
}
