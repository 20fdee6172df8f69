/*
 * spawner.c: the process that forks the standalone daemon's pre-login and
 * login processes.  The listener forks it once its configuration is
 * loaded and before any connection exists, so it holds only its channel
 * to the monitor, and nothing in it changes afterwards.  A child forked
 * from the monitor instead would inherit a descriptor table sized for the
 * monitor's one descriptor per session (the kernel never shrinks a copied
 * table) and a heap the monitor keeps rewriting; from here every session
 * gets a small table and shares its pages with every other session.
 *
 * It runs as root, reads no client bytes and does no NSS, PAM or file
 * work: it receives a struct spawn_req and a control connection from the
 * monitor, forks, answers with the child's pid and the monitor's end of
 * the child's channel, and reaps its children.  When its channel closes
 * (the listener exits, or replaces it after SIGHUP) it takes no more
 * requests and exits once its last child has.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "ipc/msg.h"
#include "log/log.h"
#include "platform/platform.h"
#include "spawner.h"

_Static_assert(sizeof(struct spawn_req) + sizeof(struct mon_hdr) <= MSG_MAX,
    "a spawn request must fit one monitor message");

/* How long the monitor waits for a fork before it gives the spawner up. */
#define SPAWN_ANSWER_MS	10000

/* Monitor side. */
static int	sp_chan = -1;
static pid_t	sp_pid;

/* The child: arrange the descriptors and become the role. */
static void __attribute__((noreturn))
become(struct spawn_req *req, int ctl, int chan)
{
	/* Move the two descriptors we keep above 3 first. */
	if ((ctl = fcntl(ctl, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    (chan = fcntl(chan, F_DUPFD_CLOEXEC, 10)) == -1 ||
	    dup2(ctl, FD_CTL) == -1 || dup2(ctl, 1) == -1 ||
	    dup2(chan, FD_MON) == -1)
		_exit(1);
	plat_closefrom(FD_MON + 1);
	/*
	 * Signals stay blocked: each role reads the ones it wants from its
	 * own signalfd, so a SIGTERM before that is queued, not lost.
	 */
	req->conn.tls_state = req->tls.len > 0 ? req->tls.state : NULL;
	req->conn.tls_len = req->tls.len;
	if (req->kind == SPAWN_LOGIN)
		login_main(&req->u.login, &req->conn);
	preauth_main(req->rein ? &req->u.rein : NULL, &req->conn);
}

/* Fork the role; the parent gets its pid and the channel's other end. */
static pid_t
fork_role(struct spawn_req *req, int ctl, int *chan)
{
	int ch[2], e;
	pid_t pid;

	if (msg_socketpair(ch) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		e = errno;
		close(ch[0]);
		close(ch[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(ch[0]);
		become(req, ctl, ch[1]);
	}
	close(ch[1]);
	*chan = ch[0];
	return pid;
}

/* ------------------------------------------------------------ spawner */

static struct {
	struct ev_loop	*loop;
	struct ev_io	 io;
	int		 chan;
	unsigned	 children;
	int		 closed;	/* no more requests: wait, then exit */
} sp;

static int
req_ok(const struct spawn_req *r, uint32_t type, size_t len, int ctl)
{
	if (type != MON_SPAWN || len != sizeof(*r) || ctl == -1 ||
	    r->tls.len > sizeof(r->tls.state))
		return 0;
	if (r->kind == SPAWN_LOGIN)
		return msg_str_ok(r->u.login.user, sizeof(r->u.login.user)) &&
		    msg_str_ok(r->u.login.pass, sizeof(r->u.login.pass)) &&
		    msg_str_ok(r->u.login.host, sizeof(r->u.login.host)) &&
		    r->u.login.pending_len <= sizeof(r->u.login.pending);
	return r->kind == SPAWN_PREAUTH &&
	    (!r->rein || r->u.rein.pending_len <= sizeof(r->u.rein.pending));
}

static void
sp_closed(void)
{
	if (!sp.closed) {
		ev_io_stop(sp.loop, &sp.io);
		close(sp.chan);
		sp.closed = 1;
	}
	if (sp.children == 0)
		_exit(0);
}

static void
sp_request(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	/* Static: a child keeps using its copy after the fork. */
	static struct spawn_req req;
	struct spawn_ans ans = { 0, 0 };
	uint32_t type;
	size_t len;
	int r, ctl, chan = -1;
	pid_t pid;

	(void)l;
	(void)io;
	(void)ev;
	r = msg_recv(sp.chan, &type, &req, sizeof(req), &len, &ctl);
	if (r == -1 && errno == EAGAIN)
		return;
	if (r <= 0) {
		sp_closed();
		return;
	}
	if (!req_ok(&req, type, len, ctl))
		ans.err = EINVAL;
	else if ((pid = fork_role(&req, ctl, &chan)) == -1)
		ans.err = errno;
	else {
		ans.pid = pid;
		sp.children++;
	}
	if (ctl != -1)
		close(ctl);
	/* The password and TLS state now live only in the child. */
	explicit_bzero(&req, sizeof(req));
	if (msg_send(sp.chan, MON_SPAWN_ANS, &ans, sizeof(ans), chan) == -1)
		sp_closed();
	if (chan != -1)
		close(chan);
}

static void
sp_child(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		if (sp.children > 0)
			sp.children--;
	if (sp.closed && sp.children == 0)
		_exit(0);
}

static void __attribute__((noreturn))
spawner_main(int chan)
{
	plat_proctitle("[spawner]");
	sp.chan = chan;
	if ((sp.loop = ev_new()) == NULL ||
	    ev_signal(sp.loop, SIGCHLD, sp_child, NULL) == -1 ||
	    ev_io_start(sp.loop, &sp.io, sp.chan, EV_READ, sp_request,
	    NULL) == -1)
		_exit(1);
	for (;;)
		if (ev_run_once(sp.loop, -1) == -1 && errno != EINTR)
			_exit(1);
}

/* ------------------------------------------------------------ monitor */

int
spawner_start(void)
{
	int ch[2], e;
	pid_t pid;

	if (msg_socketpair(ch) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		e = errno;
		close(ch[0]);
		close(ch[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/*
		 * The syslog socket is the listener's (and may be the
		 * descriptor FD_MON is about to be): this process never logs.
		 * Keep stdio and the channel, nothing else.
		 */
		log_close();
		if (dup2(ch[1], FD_MON) == -1)
			_exit(1);
		plat_closefrom(FD_MON + 1);
		spawner_main(FD_MON);
	}
	close(ch[1]);
	/* The old spawner, if any, sees EOF and exits after its children. */
	if (sp_chan != -1)
		close(sp_chan);
	sp_chan = ch[0];
	sp_pid = pid;
	return 0;
}

/* Ask the spawner.  -1 with errno; EPIPE: the spawner is gone or stuck. */
static pid_t
ask(struct spawn_req *req, int ctl, int *chan)
{
	struct pollfd pfd = { sp_chan, POLLIN, 0 };
	struct spawn_ans ans;
	uint32_t type;
	size_t len;
	int r, fd;

	req->conn.tls_state = NULL;	/* a pointer means nothing there */
	if (msg_send(sp_chan, MON_SPAWN, req, sizeof(*req), ctl) == -1) {
		errno = EPIPE;
		return -1;
	}
	/* The answer comes right after the fork: a bounded wait. */
	do {
		r = poll(&pfd, 1, SPAWN_ANSWER_MS);
	} while (r == -1 && errno == EINTR);
	if (r != 1 || msg_recv(sp_chan, &type, &ans, sizeof(ans), &len,
	    &fd) != 1 || type != MON_SPAWN_ANS || len != sizeof(ans) ||
	    (ans.pid > 0) != (fd != -1) || (ans.pid <= 0 && ans.err == 0)) {
		if (r == 1 && fd != -1)
			close(fd);
		errno = EPIPE;
		return -1;
	}
	if (ans.pid <= 0) {
		errno = ans.err;
		return -1;
	}
	*chan = fd;
	return ans.pid;
}

pid_t
spawn_child(struct spawn_req *req, int ctl, int *chan)
{
	pid_t pid = -1;
	int e;

	if (sp_chan != -1) {
		pid = ask(req, ctl, chan);
		if (pid == -1 && errno == EPIPE) {
			/* Replace a spawner that died or hung, once. */
			log_msg(LOG_ERR, "spawner %ld stopped answering; "
			    "starting a new one", (long)sp_pid);
			(void)kill(sp_pid, SIGKILL);
			close(sp_chan);
			sp_chan = -1;
			if (spawner_start() == 0)
				pid = ask(req, ctl, chan);
			else
				log_msg(LOG_ERR, "spawner: %s", strerror(errno));
		}
	}
	/* inetd mode, or no spawner could be started: fork here. */
	if (sp_chan == -1)
		pid = fork_role(req, ctl, chan);
	e = errno;
	close(ctl);
	errno = e;
	return pid;
}
