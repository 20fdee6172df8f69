/*
 * listener.c: standalone mode (-D, -F).  Binds the control port on IPv4
 * and IPv6 (one socket per family, IPV6_V6ONLY, so both work by default),
 * holds the pidfile, accepts connections and hands each to the monitor,
 * which runs in this same process.  It reads no client data.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/classconf.h"
#include "conf/opts.h"
#include "conf/vhost.h"
#include "ev.h"
#include "listener.h"
#include "log/log.h"
#include "monitor.h"
#include "spawner.h"
#include "platform/platform.h"
#include "str.h"
#include "tls/ftps.h"

#define MAX_LISTEN	8

static struct {
	struct ev_loop	*loop;
	struct ev_io	 io[MAX_LISTEN];
	int		 fd[MAX_LISTEN];
	int		 implicit[MAX_LISTEN];	/* the implicit FTPS port */
	int		 nfd;
	int		 pidfd;
	int		 stopping;
} ls;

static void
on_accept(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	int i, fd, one = 1;

	(void)ev;
	/* Bounded: take what is queued now, then serve the others. */
	for (i = 0; i < 64; i++) {
		fd = accept4(io->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE)
				log_msg(LOG_ERR, "accept: %s", strerror(errno));
			return;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
		    sizeof(one));
		if (opts.max_sessions > 0 &&
		    mon_session_count() >= opts.max_sessions) {
			static const char busy[] = "421 Too many users, "
			    "try again later.\r\n";

			(void)send(fd, busy, sizeof(busy) - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		(void)mon_session_start(l, fd, *(const int *)io->arg);
	}
}

static void
on_child(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void
on_term(struct ev_loop *l, int signo, void *arg)
{
	int i;

	(void)arg;
	log_msg(LOG_INFO, "got signal %d, shutting down", signo);
	for (i = 0; i < ls.nfd; i++) {
		ev_io_stop(l, &ls.io[i]);
		close(ls.fd[i]);
	}
	ls.nfd = 0;
	mon_shutdown();
	if (opts.mode != MODE_INETD)
		(void)unlink(opts.pidfile);
	ls.stopping = 1;
	ev_break(l);
}

static void
load_vhosts(void)
{
	char path[OPTS_PATH + 16];

	if (opts_confpath(&opts, "ftphosts", path, sizeof(path)) == 0 &&
	    vhost_load(path) == -1)
		log_msg(LOG_ERR, "%s: cannot be read", path);
}

static void
on_hup(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	/* Files (ftpusers, ftpchroot, banners) are read per connection. */
	log_reopen();
	load_vhosts();
	ftps_reload();
	{
		char err[512];

		/* A bad line keeps the configuration that is running. */
		if (classconf_load(err, sizeof(err)) == -1)
			log_msg(LOG_ERR, "%s; keeping the old configuration",
			    err);
		else
			log_msg(LOG_INFO, "SIGHUP: reloaded configuration");
	}
	/* Children are forked with what the spawner inherited: renew it. */
	if (opts.mode != MODE_INETD)
		(void)spawner_start(l);
}

static int
bind_all(const char *port, int implicit, char *err, size_t errsize)
{
	struct addrinfo hints, *res, *ai;
	const char *host = opts.listen_addr[0] ? opts.listen_addr : NULL;
	int r, one = 1, lasterr = 0, first = ls.nfd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	hints.ai_family = AF_UNSPEC;
	if (opts.family4 && !opts.family6)
		hints.ai_family = AF_INET;
	else if (opts.family6 && !opts.family4)
		hints.ai_family = AF_INET6;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		(void)cstr_printf(err, errsize, "%s port %s: %s",
		    host ? host : "*", port, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL && ls.nfd < MAX_LISTEN; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);

		if (fd == -1) {
			lasterr = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (ai->ai_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			    sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
		    listen(fd, 1024) == -1) {
			char name[64];

			lasterr = errno;
			if (getnameinfo(ai->ai_addr, ai->ai_addrlen, name,
			    sizeof(name), NULL, 0, NI_NUMERICHOST) != 0)
				(void)cstr_copy(name, sizeof(name), "?");
			log_msg(LOG_WARNING, "cannot listen on %s port %s: %s",
			    name, port, strerror(lasterr));
			close(fd);
			continue;
		}
		ls.implicit[ls.nfd] = implicit;
		ls.fd[ls.nfd++] = fd;
	}
	freeaddrinfo(res);
	if (ls.nfd == first) {
		(void)cstr_printf(err, errsize, "cannot listen on port %s: %s",
		    port, strerror(lasterr));
		return -1;
	}
	return 0;
}

static int
pidfile_lock(char *err, size_t errsize)
{
	char buf[32];
	ssize_t n;

	ls.pidfd = open(opts.pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ls.pidfd == -1) {
		(void)cstr_printf(err, errsize, "%s: %s", opts.pidfile,
		    strerror(errno));
		return -1;
	}
	if (flock(ls.pidfd, LOCK_EX | LOCK_NB) == -1) {
		n = read(ls.pidfd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		(void)cstr_printf(err, errsize, "%s already running, pid %s",
		    opts.pidfile, buf[0] ? buf : "unknown");
		return -1;
	}
	return 0;
}

static void
pidfile_write(void)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(ls.pidfd, 0) == -1 ||
	    pwrite(ls.pidfd, buf, (size_t)n, 0) != n)
		log_msg(LOG_ERR, "%s: %s", opts.pidfile, strerror(errno));
}

static void
detach(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid != 0)
		_exit(0);
	(void)setsid();
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int
listener_main(void)
{
	char err[512];
	int i;

	if (chdir("/") == -1)
		fatal("chdir /: %s", strerror(errno));
	if (bind_all(opts.port, 0, err, sizeof(err)) == -1 ||
	    (opts.tls_implicit && bind_all(opts.tls_implicit_port, 1, err,
	    sizeof(err)) == -1) ||
	    pidfile_lock(err, sizeof(err)) == -1) {
		log_msg(LOG_ERR, "%s", err);
		if (opts.mode == MODE_DAEMON)
			fprintf(stderr, "ftpd: %s\n", err);
		return 1;
	}
	if (opts.mode == MODE_DAEMON)
		detach();
	pidfile_write();
	load_vhosts();
	plat_raise_nofile();
	plat_proctitle("[listener]");

	if ((ls.loop = ev_new()) == NULL)
		fatal("event loop: %s", strerror(errno));
	(void)mon_init(ls.loop);
	if (ev_signal(ls.loop, SIGCHLD, on_child, NULL) == -1 ||
	    ev_signal(ls.loop, SIGTERM, on_term, NULL) == -1 ||
	    ev_signal(ls.loop, SIGINT, on_term, NULL) == -1 ||
	    ev_signal(ls.loop, SIGHUP, on_hup, NULL) == -1)
		fatal("signals: %s", strerror(errno));
	/* After the signals are blocked: every child inherits that. */
	(void)spawner_start(ls.loop);
	for (i = 0; i < ls.nfd; i++)
		if (ev_io_start(ls.loop, &ls.io[i], ls.fd[i], EV_READ,
		    on_accept, &ls.implicit[i]) == -1)
			fatal("event loop: %s", strerror(errno));
	if (opts.tls_implicit)
		log_msg(LOG_INFO, "listening on port %s and implicit FTPS "
		    "port %s (%d sockets)", opts.port, opts.tls_implicit_port,
		    ls.nfd);
	else
		log_msg(LOG_INFO, "listening on port %s (%d socket%s)",
		    opts.port, ls.nfd, ls.nfd == 1 ? "" : "s");
	/* One loop; lines that found syslogd busy are retried every 20 ms. */
	while (!ls.stopping)
		if (ev_run_once(ls.loop, log_flush() ? 20 : -1) == -1)
			break;
	(void)log_flush();
	return 0;
}

int
inetd_main(void)
{
	struct ev_loop *l;
	int ctl, fd;

	/* Keep the connection only in the child: the monitor drops it. */
	if ((ctl = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1)
		fatal("no control connection on fd 0: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	plat_proctitle("[monitor]");
	load_vhosts();
	if ((l = ev_new()) == NULL)
		fatal("event loop: %s", strerror(errno));
	(void)mon_init(l);
	if (ev_signal(l, SIGCHLD, on_child, NULL) == -1 ||
	    ev_signal(l, SIGTERM, on_term, NULL) == -1 ||
	    ev_signal(l, SIGHUP, on_hup, NULL) == -1)
		fatal("signals: %s", strerror(errno));
	if (mon_session_start(l, ctl, opts.tls_implicit) == -1)
		return 1;
	while (mon_session_count() > 0 && !ls.stopping)
		if (ev_run_once(l, log_flush() ? 20 : -1) == -1)
			break;
	(void)log_flush();
	return 0;
}
