/*
 * dataconn.c: data connections.  Passive: a socket on the control
 * connection's local address, on a random port of the configured range
 * (RFC 2577: unpredictable), accepting only the control connection's
 * peer.  Active: PORT must name the client itself and a port >= 1024
 * (no FTP bounce), and the connection leaves from port control-1, bound
 * by the monitor when that port is privileged.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "log/log.h"
#include "monitor.h"
#include "session.h"

static struct ev_io	dc_io;
static struct ev_timer	dc_timer;
static int		dc_sock = -1;	/* active connect in progress */

/* The IPv4 or IPv6 address bytes of ss (v4-mapped counts as IPv4). */
static int
addr_bytes(const struct sockaddr_storage *ss, const uint8_t **p, size_t *n)
{
	if (ss->ss_family == AF_INET) {
		*p = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
		*n = 4;
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			*p = (const uint8_t *)a + 12;
			*n = 4;
		} else {
			*p = (const uint8_t *)a;
			*n = 16;
		}
		return 0;
	}
	return -1;
}

static int
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const uint8_t *pa, *pb;
	size_t na, nb;

	if (addr_bytes(a, &pa, &na) == -1 || addr_bytes(b, &pb, &nb) == -1)
		return 0;
	return na == nb && memcmp(pa, pb, na) == 0;
}

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static uint16_t
get_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

void
dc_close(void)
{
	if (sess.loop != NULL) {
		ev_io_stop(sess.loop, &dc_io);
		ev_timer_stop(sess.loop, &dc_timer);
	}
	if (sess.pasv_fd != -1)
		close(sess.pasv_fd);
	sess.pasv_fd = -1;
	if (dc_sock != -1)
		close(dc_sock);
	dc_sock = -1;
	sess.dmode = DC_NONE;
}

int
dc_pasv(struct sockaddr_storage *bound, socklen_t *len)
{
	struct sockaddr_storage ss = sess.ctl_local;
	unsigned span = opts.pasv_max - opts.pasv_min + 1, i, start;
	int fd;

	dc_close();
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1)
		return -1;
	/* Start at a random port and walk the range once. */
	start = arc4random_uniform(span);
	for (i = 0; i < span; i++) {
		set_port(&ss, (uint16_t)(opts.pasv_min + (start + i) % span));
		if (bind(fd, (struct sockaddr *)&ss, sess.ctl_locallen) == 0)
			break;
		if (errno != EADDRINUSE) {
			close(fd);
			return -1;
		}
	}
	if (i == span) {
		close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	if (listen(fd, 1) == -1) {
		close(fd);
		return -1;
	}
	sess.pasv_fd = fd;
	sess.dmode = DC_PASV;
	*bound = ss;
	*len = sess.ctl_locallen;
	return 0;
}

int
dc_port_parse(struct str arg, struct sockaddr_storage *out, socklen_t *outlen)
{
	uint64_t v[6];
	struct str rest = arg, f;
	uint8_t a[4];
	uint16_t port;
	int i;

	for (i = 0; i < 6; i++) {
		if (!str_split(rest, ',', &f, &rest) && i != 5)
			return -1;
		if (str_to_u64(str_trim(f), 255, &v[i]) == -1)
			return -1;
	}
	if (!str_empty(rest))
		return -1;
	for (i = 0; i < 4; i++)
		a[i] = (uint8_t)v[i];
	port = (uint16_t)(v[4] << 8 | v[5]);

	memset(out, 0, sizeof(*out));
	if (sess.ctl_peer.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a, 4);
		sin->sin_port = htons(port);
		*outlen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		/* PORT on an IPv6 control connection: v4-mapped only. */
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr.s6_addr[10] = 0xff;
		sin6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&sin6->sin6_addr.s6_addr[12], a, 4);
		sin6->sin6_port = htons(port);
		*outlen = sizeof(*sin6);
	}
	if (opts.no_port_check)
		return 0;
	if (port < 1024 || !same_host(out, &sess.ctl_peer))
		return -2;
	return 0;
}

static void
dc_timeout(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	dc_close();
	(void)ctl_reply(&sess.ctl, 425, "Can't open data connection: timed "
	    "out.");
	xfer_cleanup();
	session_xfer_done();
}

static void
pasv_accept(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd;

	(void)l;
	(void)io;
	(void)ev;
	fd = accept4(sess.pasv_fd, (struct sockaddr *)&ss, &sl,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1)
		return;		/* EAGAIN, or the peer went away */
	if (!same_host(&ss, &sess.ctl_peer)) {
		/* Someone else grabbed the port: refuse, keep waiting. */
		log_msg(LOG_WARNING, "passive data connection from a foreign "
		    "address refused (control peer %s)", sess.ip);
		close(fd);
		return;
	}
	ev_io_stop(sess.loop, &dc_io);
	ev_timer_stop(sess.loop, &dc_timer);
	close(sess.pasv_fd);
	sess.pasv_fd = -1;
	sess.dmode = DC_NONE;
	xfer_connected(fd);
}

static void
port_connected(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	int err = 0, fd = dc_sock;
	socklen_t el = sizeof(err);

	(void)l;
	(void)io;
	(void)ev;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1)
		err = errno;
	ev_io_stop(sess.loop, &dc_io);
	ev_timer_stop(sess.loop, &dc_timer);
	dc_sock = -1;
	sess.dmode = DC_NONE;
	if (err != 0) {
		close(fd);
		(void)ctl_reply(&sess.ctl, 425, "Can't build data connection: "
		    "%s.", strerror(err));
		xfer_cleanup();
		session_xfer_done();
		return;
	}
	xfer_connected(fd);
}

/* A socket bound to the control address, port control-1. */
static int
active_socket(void)
{
	struct sockaddr_storage ss = sess.ctl_local;
	uint16_t port = (uint16_t)(get_port(&ss) - 1);
	int fd, one = 1;

	if (port < 1024) {
		if (mon_data_socket(&fd) == -1)
			return -1;
		return fd;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	set_port(&ss, port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, sess.ctl_locallen) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
dc_open(void)
{
	int64_t ms = (int64_t)opts.data_timeout * 1000;
	int fd;

	if (sess.dmode == DC_PASV) {
		if (ev_io_start(sess.loop, &dc_io, sess.pasv_fd, EV_READ,
		    pasv_accept, NULL) == -1)
			goto fail;
		ev_timer_start(sess.loop, &dc_timer, ms, dc_timeout, NULL);
		return 0;
	}
	if ((fd = active_socket()) == -1) {
		(void)ctl_reply(&sess.ctl, 425, "Can't create data socket: %s.",
		    strerror(errno));
		dc_close();
		return -1;
	}
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 ||
	    (connect(fd, (struct sockaddr *)&sess.port_addr,
	    sess.port_addrlen) == -1 && errno != EINPROGRESS)) {
		(void)ctl_reply(&sess.ctl, 425, "Can't build data connection: "
		    "%s.", strerror(errno));
		close(fd);
		dc_close();
		return -1;
	}
	dc_sock = fd;
	if (ev_io_start(sess.loop, &dc_io, fd, EV_WRITE, port_connected,
	    NULL) == -1)
		goto fail;
	ev_timer_start(sess.loop, &dc_timer, ms, dc_timeout, NULL);
	return 0;
fail:
	(void)ctl_reply(&sess.ctl, 425, "Can't open data connection.");
	dc_close();
	return -1;
}
