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
 * work: it receives a struct spawn_req, the control connection and the
 * child's end of a channel pair the monitor made, forks, answers with the
 * child's pid (in order; the monitor does not wait for it), and reaps its
 * children.  When its channel closes
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

/* How long the monitor waits for an answer it needs now. */
#define SPAWN_ANSWER_MS	10000
/* Requests in flight; more wait for the oldest answer first. */
#define SPAWN_INFLIGHT	256

/*
 * Monitor side.  Requests are answered in order, so the ones in flight
 * are a FIFO of who asked (NULL once that session has ended).
 */
static struct {
	int		 chan;		/* -1: no spawner, fork here */
	pid_t		 pid;
	struct ev_loop	*loop;
	struct ev_io	 io;
	struct {
		void	*who;
		int	 kind;
		int	 kill;		/* the session ended badly */
	}		 fifo[SPAWN_INFLIGHT];
	unsigned	 head, n;
} mon = { .chan = -1 };

/*
 * The child: arrange the descriptors and become the role.  trim: the size
 * of the page-aligned block req starts, to give back once it is spent
 * (0: req shares its pages).
 */
static void __attribute__((noreturn))
become(struct spawn_req *req, int ctl, int chan, size_t trim)
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
	if (trim > 0)
		plat_trim_later(req, trim);
	if (req->kind == SPAWN_LOGIN)
		login_main(&req->u.login, &req->conn);
	preauth_main(req->rein ? &req->u.rein : NULL, &req->conn);
}

/* Fork the role on ctl with chan as its monitor channel. */
static pid_t
fork_role(struct spawn_req *req, int ctl, int chan, size_t trim)
{
	pid_t pid;

	if ((pid = fork()) == 0)
		become(req, ctl, chan, trim);
	return pid;
}

/* ------------------------------------------------------------ spawner */

/*
 * Everything the spawner writes between forks, in pages of its own: a
 * child keeps a private copy of each page the spawner writes after the
 * fork, so the session gives all of them back once it has started
 * (plat_trim_later).  The request is in use by the child until then.
 */
struct sp_state {
	struct spawn_req r;		/* the request being served */
	struct ev_loop	*loop;
	struct ev_io	 io;
	int		 chan;
	unsigned	 children;
	int		 closed;	/* no more requests: wait, then exit */
};
static union {
	struct sp_state	 st;
	uint8_t		 pages[(sizeof(struct sp_state) + 4095) &
			    ~(size_t)4095];
} sp_mem __attribute__((aligned(4096)));
static struct sp_state *const sp = &sp_mem.st;

static int
req_ok(const struct spawn_req *r, uint32_t type, size_t len, size_t nfd)
{
	if (type != MON_SPAWN || len != sizeof(*r) || nfd != 2 ||
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
	if (!sp->closed) {
		ev_io_stop(sp->loop, &sp->io);
		close(sp->chan);
		sp->closed = 1;
	}
	if (sp->children == 0)
		_exit(0);
}

static void
sp_request(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct spawn_req *req = &sp->r;
	struct spawn_ans ans = { 0, 0 };
	uint32_t type;
	size_t len, nfd, i;
	int r, fds[MSG_FDS_MAX];
	pid_t pid;

	(void)l;
	(void)io;
	(void)ev;
	r = msg_recv_fds(sp->chan, &type, req, sizeof(*req), &len, fds,
	    MSG_FDS_MAX, &nfd);
	if (r == -1 && errno == EAGAIN)
		return;
	if (r <= 0) {
		sp_closed();
		return;
	}
	/* fds[0]: the control connection, fds[1]: the child's channel. */
	if (!req_ok(req, type, len, nfd))
		ans.err = EINVAL;
	else if ((pid = fork_role(req, fds[0], fds[1], sizeof(sp_mem))) == -1)
		ans.err = errno;
	else {
		ans.pid = pid;
		sp->children++;
	}
	/* Closing the channel's end tells the monitor of a failure too. */
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	/* The password and TLS state now live only in the child. */
	explicit_bzero(req, sizeof(*req));
	if (msg_send(sp->chan, MON_SPAWN_ANS, &ans, sizeof(ans), -1) == -1)
		sp_closed();
}

static void
sp_child(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		if (sp->children > 0)
			sp->children--;
	if (sp->closed && sp->children == 0)
		_exit(0);
}

static void __attribute__((noreturn))
spawner_main(int chan)
{
	plat_proctitle("[spawner]");
	sp->chan = chan;
	if ((sp->loop = ev_new()) == NULL ||
	    ev_signal(sp->loop, SIGCHLD, sp_child, NULL) == -1 ||
	    ev_io_start(sp->loop, &sp->io, sp->chan, EV_READ, sp_request,
	    NULL) == -1)
		_exit(1);
	for (;;)
		if (ev_run_once(sp->loop, -1) == -1 && errno != EINTR)
			_exit(1);
}

/* ------------------------------------------------------------ monitor */

/* One answer, in order: deliver its pid to whoever asked. */
static int
take_answer(int wait_ms)
{
	struct pollfd pfd = { mon.chan, POLLIN, 0 };
	struct spawn_ans ans;
	uint32_t type;
	size_t len;
	int r, fd;

	/* The channel blocks (a send waits for a busy spawner): poll. */
	do {
		r = poll(&pfd, 1, wait_ms);
	} while (r == -1 && errno == EINTR);
	if (r == 0 && wait_ms == 0)
		return 0;
	if (r != 1)
		return -1;
	r = msg_recv(mon.chan, &type, &ans, sizeof(ans), &len, &fd);
	if (fd != -1)
		close(fd);
	if (r != 1 || type != MON_SPAWN_ANS || len != sizeof(ans) ||
	    mon.n == 0)
		return -1;
	{
		unsigned i = mon.head;

		mon.head = (mon.head + 1) % SPAWN_INFLIGHT;
		mon.n--;
		if (ans.pid <= 0)
			return 1;	/* the child's channel is at EOF */
		if (mon.fifo[i].who != NULL)
			mon_spawned(mon.fifo[i].who, mon.fifo[i].kind,
			    ans.pid);
		else if (mon.fifo[i].kill)
			(void)kill(ans.pid, SIGKILL);
	}
	return 1;
}

static void
stop_spawner(void)
{
	if (mon.chan == -1)
		return;
	if (mon.loop != NULL)
		ev_io_stop(mon.loop, &mon.io);
	close(mon.chan);
	mon.chan = -1;
	/* Requests it never answered: their children, if any, go on. */
	mon.n = 0;
}

/* The spawner died or hangs: kill it; the next request starts another. */
static void
lost_spawner(void)
{
	log_msg(LOG_ERR, "spawner %ld stopped answering; starting a new one",
	    (long)mon.pid);
	(void)kill(mon.pid, SIGKILL);
	stop_spawner();
}

static void
on_answer(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	int i, r = 0;

	(void)l;
	(void)io;
	(void)ev;
	/* Bounded: what is queued now. */
	for (i = 0; i < 64 && mon.chan != -1; i++)
		if ((r = take_answer(0)) != 1)
			break;
	if (r == -1)
		lost_spawner();
}

static int
fork_spawner(struct ev_loop *l)
{
	int ch[2], e;
	pid_t pid;

	/* The old spawner's answers first: they name live sessions. */
	spawn_settle(NULL);
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
	stop_spawner();
	mon.chan = ch[0];
	mon.pid = pid;
	mon.loop = l;
	if (ev_io_start(l, &mon.io, mon.chan, EV_READ, on_answer, NULL) == -1) {
		e = errno;
		stop_spawner();
		errno = e;
		return -1;
	}
	return 0;
}

int
spawner_start(struct ev_loop *l)
{
	if (fork_spawner(l) == -1) {
		log_msg(LOG_ERR, "spawner: %s; forking sessions from the "
		    "listener", strerror(errno));
		return -1;
	}
	return 0;
}

pid_t
spawn_child(struct spawn_req *req, int ctl, int *chan, void *who)
{
	int ch[2], fds[2], e;
	pid_t pid = -1;

	if (msg_socketpair(ch) == -1) {
		e = errno;
		close(ctl);
		errno = e;
		return -1;
	}
	if (mon.chan == -1 && mon.loop != NULL)
		(void)spawner_start(mon.loop);
	if (mon.chan != -1) {
		/* A full FIFO: wait for the oldest answer. */
		if (mon.n == SPAWN_INFLIGHT && take_answer(SPAWN_ANSWER_MS) != 1)
			lost_spawner();
	}
	if (mon.chan != -1) {
		fds[0] = ctl;
		fds[1] = ch[1];
		req->conn.tls_state = NULL;	/* a pointer means nothing there */
		if (msg_send_fds(mon.chan, MON_SPAWN, req, sizeof(*req), fds,
		    2) == 0) {
			unsigned i = (mon.head + mon.n) % SPAWN_INFLIGHT;

			mon.fifo[i].who = who;
			mon.fifo[i].kind = (int)req->kind;
			mon.fifo[i].kill = 0;
			mon.n++;
			pid = 0;	/* known when the answer comes */
		} else
			lost_spawner();
	}
	/* inetd mode, or no spawner: fork here. */
	if (pid == -1)
		pid = fork_role(req, ctl, ch[1], 0);
	e = errno;
	close(ctl);
	close(ch[1]);
	if (pid == -1) {
		close(ch[0]);
		errno = e;
		return -1;
	}
	*chan = ch[0];
	return pid;
}

void
spawn_forget(void *who, int kind, int killit)
{
	unsigned k, i;

	for (k = 0; k < mon.n; k++) {
		i = (mon.head + k) % SPAWN_INFLIGHT;
		if (mon.fifo[i].who == who &&
		    (kind == 0 || mon.fifo[i].kind == kind)) {
			mon.fifo[i].who = NULL;
			mon.fifo[i].kill = killit;
		}
	}
}

void
spawn_settle(void *who)
{
	unsigned k;

	for (;;) {
		int waiting = 0;

		for (k = 0; k < mon.n && !waiting; k++)
			waiting = who == NULL || mon.fifo[(mon.head + k) %
			    SPAWN_INFLIGHT].who == who;
		if (!waiting || mon.chan == -1)
			return;
		if (take_answer(SPAWN_ANSWER_MS) != 1) {
			lost_spawner();
			return;
		}
	}
}
