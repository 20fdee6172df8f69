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
#include "ftp/addr.h"
#include "log/log.h"
#include "monitor.h"
#include "session.h"

static struct ev_io	dc_io;
static struct ev_timer	dc_timer;
static int		dc_sock = -1;	/* active connect in progress */

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

/* A non-blocking TCP socket with SO_REUSEADDR, or -1. */
static int
pasv_socket(int family)
{
	int fd, one = 1;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	/*
	 * Ports of finished transfers sit in TIME_WAIT: without this every
	 * busy port would look taken and the range would soon run dry.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
dc_pasv(struct sockaddr_storage *bound, socklen_t *len)
{
	struct sockaddr_storage ss = sess.ctl_local;
	/* ftpd.conf portrange for the class, else -X pasv_ports. */
	unsigned lo = sess.cls->portmin ? sess.cls->portmin : opts.pasv_min;
	unsigned hi = sess.cls->portmin ? sess.cls->portmax : opts.pasv_max;
	unsigned span = hi - lo + 1, i, start;
	int fd = -1;

	dc_close();
	/* Start at a random port and walk the range once. */
	start = arc4random_uniform(span);
	for (i = 0; i < span; i++) {
		if (fd == -1 && (fd = pasv_socket(ss.ss_family)) == -1)
			return -1;
		(void)addr_set_port(&ss, (uint16_t)(lo + (start + i) % span));
		/*
		 * With SO_REUSEADDR, bind can succeed on a port that another
		 * socket still uses, and then listen fails: both mean "next".
		 */
		if (bind(fd, (struct sockaddr *)&ss, sess.ctl_locallen) == 0 &&
		    listen(fd, 1) == 0)
			break;
		if (errno != EADDRINUSE) {
			close(fd);
			return -1;
		}
		/* A bound socket cannot be bound again: start afresh. */
		close(fd);
		fd = -1;
	}
	if (i == span) {
		if (fd != -1)
			close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	sess.pasv_fd = fd;
	sess.dmode = DC_PASV;
	*bound = ss;
	*len = sess.ctl_locallen;
	return 0;
}

int
dc_port_check(struct sockaddr_storage *ss, socklen_t *len)
{
	/* Reach it from a socket of the control connection's family. */
	if (addr_fit(ss, len, &sess.ctl_local) != ADDR_OK)
		return -3;
	if (!sess.cls->checkportcmd)
		return 0;
	/* No FTP bounce: the client itself, an unprivileged port. */
	if (addr_port(ss) < 1024 || !addr_same_host(ss, &sess.ctl_peer))
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
	if (!addr_same_host(&ss, &sess.ctl_peer)) {
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
	uint16_t port = (uint16_t)(addr_port(&ss) - 1);
	int fd, one = 1;

	if (port < 1024) {
		if (mon_data_socket(&fd) == -1)
			return -1;
		return fd;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	(void)addr_set_port(&ss, port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&ss, sess.ctl_locallen) == -1) {
		/*
		 * Port control-1 is taken by something else: an unprivileged
		 * source port has no meaning to firewalls, so any will do.
		 */
		if (errno != EADDRINUSE)
			goto fail;
		(void)addr_set_port(&ss, 0);
		if (bind(fd, (struct sockaddr *)&ss, sess.ctl_locallen) == -1)
			goto fail;
	}
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
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
