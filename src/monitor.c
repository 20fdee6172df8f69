/*
 * monitor.c: the privileged side.  One monitor serves every session of a
 * standalone daemon (it lives in the listener process) or the single
 * session of an inetd invocation.  It never reads client bytes and never
 * blocks: each session talks to it over its own SOCK_SEQPACKET channel
 * with the fixed messages of ipc/mon_proto.h, and all slow or risky work
 * (NSS, PAM, crypt) runs in a forked login worker.
 *
 * A session's states and the requests each permits:
 *   PREAUTH     LOG, LOGIN, TLS      (from the pre-login process)
 *   LOGIN_WAIT  LOG; RESULT from the login worker
 *   SESSION     LOG, DATA_SOCKET     (from the session process)
 * A message of another type, a wrong size, or an unterminated string ends
 * that session: its process is killed, nobody else is affected.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "ev.h"
#include "ftp/ftp.h"
#include "ipc/msg.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "spawner.h"
#include "str.h"

#define MON_MAX_FAILURES	6	/* the 6th failed PASS ends the session */

struct mon_ids	mon_ids;

enum sess_state { S_PREAUTH, S_LOGIN_WAIT, S_SESSION };

struct mon_sess {
	struct mon_sess		*next, *prev;
	enum sess_state		 state;
	pid_t			 pid;		/* pre-login or session */
	pid_t			 worker;	/* login worker, LOGIN_WAIT */
	int			 chan;		/* to pid */
	int			 wchan;		/* to worker */
	struct ev_io		 io, wio;
	struct ev_timer		 delay;
	int			 failures;
	int			 logged_in;
	int			 hashing;	/* holds a digest slot */
	int			 checking;	/* worker: USER check only */
	struct mon_conn		 conn;		/* given to children */
	pid_t			 relay;		/* FTPS: the TLS relay, or 0 */
	int			 plain;		/* FTPS: session's end, or -1 */
	struct mon_tls		*tls;		/* FTPS: the handoff, or NULL */
	int			 in_slot;	/* its worker checks a password */
	struct mon_login	*queued;	/* LOGIN waiting for a slot */
	int			 queued_ctl;
	struct mon_sess		*qnext;
	char			 user[MON_USER_MAX];
	char			 class_name[64];
	struct mon_login_fail	 pending_fail;
};

static struct mon_sess	*sessions;
static unsigned		 nsessions;
static unsigned		 nhashing;	/* digests running, all sessions */
/*
 * Password checks running (login_max), and the LOGINs waiting for one, in
 * order of arrival.
 */
static unsigned		 nchecking;
static struct mon_sess	*lq_head, *lq_tail;
static struct ev_loop	*mon_loop;

static void	sess_end(struct mon_sess *, const char *why);
static void	mon_sess_msg(struct ev_loop *, struct ev_io *, unsigned);
static int	own_ctl(const struct mon_sess *, int);
static void	rein(struct mon_sess *, const struct mon_rein *, int);
static void	tls_started(struct mon_sess *, const struct mon_tls *);
static void	start_login(struct mon_sess *, struct mon_login *, int);
static void	slot_release(struct mon_sess *);
static void	unqueue(struct mon_sess *);

unsigned
mon_session_count(void)
{
	return nsessions;
}

static void
sess_unlink(struct mon_sess *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	nsessions--;
}

static void
wtmp_line(const struct mon_sess *s, char *line, size_t size)
{
	(void)cstr_printf(line, size, "ftpd%ld", (long)s->pid);
}

static void
sess_end(struct mon_sess *s, const char *why)
{
	/* Children whose pids are still on their way die when they come. */
	spawn_forget(s, 0, why != NULL);
	unqueue(s);
	if (why != NULL) {
		log_msg(LOG_WARNING, "session %ld from %s ended: %s",
		    (long)s->pid, s->conn.ip, why);
		if (s->pid > 0)
			(void)kill(s->pid, SIGKILL);
		if (s->worker > 0)
			(void)kill(s->worker, SIGKILL);
		if (s->relay > 0)
			(void)kill(s->relay, SIGKILL);
	}
	/* The relay sees EOF once the session and we have let go. */
	if (s->plain != -1)
		close(s->plain);
	if (s->tls != NULL) {
		explicit_bzero(s->tls, sizeof(*s->tls));
		free(s->tls);
	}
	if (s->logged_in && !opts.no_wtmp) {
		char line[32];

		wtmp_line(s, line, sizeof(line));
		plat_wtmp_logout(line);
	}
	ev_timer_stop(mon_loop, &s->delay);
	if (s->hashing)
		nhashing--;
	if (s->chan != -1) {
		ev_io_stop(mon_loop, &s->io);
		close(s->chan);
	}
	if (s->wchan != -1) {
		ev_io_stop(mon_loop, &s->wio);
		close(s->wchan);
	}
	sess_unlink(s);
	slot_release(s);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void
sess_send(struct mon_sess *s, int chan, uint32_t type, const void *body,
    size_t len, int fd)
{
	/* A child that does not read its channel has broken the protocol. */
	if (msg_send(chan, type, body, len, fd) == -1)
		sess_end(s, "monitor channel write failed");
}

/* Logged-in sessions of a class (ftpd.conf "limit"). */
static unsigned
class_count(const char *name)
{
	struct mon_sess *s;
	unsigned n = 0;

	for (s = sessions; s != NULL; s = s->next)
		if (s->state == S_SESSION && strcmp(s->class_name, name) == 0)
			n++;
	return n;
}

static void
fail_now(struct ev_loop *l, struct ev_timer *t)
{
	struct mon_sess *s = t->arg;
	int fatal = s->pending_fail.fatal;

	(void)l;
	s->state = S_PREAUTH;
	if (msg_send(s->chan, MON_ANS_LOGIN_FAIL, &s->pending_fail,
	    sizeof(s->pending_fail), -1) == -1 || fatal)
		sess_end(s, NULL);
}

static void
login_failed(struct mon_sess *s, const struct mon_result *r)
{
	struct mon_login_fail *f = &s->pending_fail;

	memset(f, 0, sizeof(*f));
	s->failures++;
	if (r != NULL && r->text[0] != '\0')
		(void)cstr_copy(f->text, sizeof(f->text), r->text);
	else
		(void)cstr_copy(f->text, sizeof(f->text),
		    "530 Login incorrect.");
	if (s->failures >= MON_MAX_FAILURES) {
		log_msg(LOG_NOTICE, "repeated login failures from %s",
		    s->conn.ip);
		f->fatal = 1;
		(void)cstr_copy(f->text, sizeof(f->text), "421 Too many "
		    "failed login attempts; closing connection.");
	}
	/* The n-th failure is answered after n delays. */
	ev_timer_start(mon_loop, &s->delay,
	    (int64_t)s->failures * opts.login_delay_ms, fail_now, s);
}

/* The login worker's part is over (failed, refused or dead). */
static void
drop_worker(struct mon_sess *s)
{
	spawn_forget(s, SPAWN_LOGIN, 0);
	ev_io_stop(mon_loop, &s->wio);
	close(s->wchan);
	s->wchan = -1;
	s->worker = 0;
	s->checking = 0;
	slot_release(s);
}

/*
 * login_max: a LOGIN that will check a password (not anonymous, not the
 * denyquick check) runs when a slot is free, else waits its turn.
 */
static int
needs_slot(const struct mon_login *req)
{
	return opts.login_max > 0 && !req->check &&
	    !ftp_is_anonymous(req->user);
}

static void
unqueue(struct mon_sess *s)
{
	struct mon_sess **pp, *prev = NULL;

	if (s->queued == NULL)
		return;
	for (pp = &lq_head; *pp != NULL; prev = *pp, pp = &(*pp)->qnext)
		if (*pp == s) {
			*pp = s->qnext;
			if (lq_tail == s)
				lq_tail = prev;
			break;
		}
	s->qnext = NULL;
	explicit_bzero(s->queued, sizeof(*s->queued));
	free(s->queued);
	s->queued = NULL;
	if (s->queued_ctl != -1)
		close(s->queued_ctl);
	s->queued_ctl = -1;
}

static void
slot_release(struct mon_sess *s)
{
	struct mon_sess *q;
	struct mon_login *req;
	int ctl;

	if (!s->in_slot)
		return;
	s->in_slot = 0;
	nchecking--;
	/* The next in line; one that cannot start frees the slot again. */
	if ((q = lq_head) == NULL)
		return;
	lq_head = q->qnext;
	if (lq_head == NULL)
		lq_tail = NULL;
	q->qnext = NULL;
	req = q->queued;
	ctl = q->queued_ctl;
	q->queued = NULL;
	q->queued_ctl = -1;
	start_login(q, req, ctl);
	explicit_bzero(req, sizeof(*req));
	free(req);
}

/* Wait for a slot: keep the request (password included) until then. */
static void
enqueue(struct mon_sess *s, const struct mon_login *req, int ctl)
{
	if ((s->queued = malloc(sizeof(*s->queued))) == NULL) {
		if (ctl != -1)
			close(ctl);
		sess_end(s, "out of memory");
		return;
	}
	memcpy(s->queued, req, sizeof(*req));
	s->queued_ctl = ctl;
	s->state = S_LOGIN_WAIT;
	s->qnext = NULL;
	if (lq_tail != NULL)
		lq_tail->qnext = s;
	else
		lq_head = s;
	lq_tail = s;
}

static void
worker_msg(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct mon_sess *s = io->arg;
	union {
		struct mon_result	res;
		struct mon_log		log;
	} m;
	uint32_t type;
	size_t len;
	int r, fd;

	(void)l;
	(void)ev;
	r = msg_recv(s->wchan, &type, &m, sizeof(m), &len, &fd);
	if (r == -1 && errno == EAGAIN)
		return;
	if (fd != -1)
		close(fd);
	if (r <= 0) {
		/* The worker died without an answer: a failed attempt. */
		drop_worker(s);
		login_failed(s, NULL);
		return;
	}
	if (s->worker == 0)
		spawn_settle(s);	/* its pid, for the log and below */
	if (type == MON_REQ_LOG && len == sizeof(m.log) &&
	    msg_str_ok(m.log.text, sizeof(m.log.text))) {
		log_emit(m.log.prio, s->worker, m.log.text);
		return;
	}
	if (type != MON_REQ_RESULT || len != sizeof(m.res) ||
	    !msg_str_ok(m.res.user, sizeof(m.res.user)) ||
	    !msg_str_ok(m.res.text, sizeof(m.res.text)) ||
	    !msg_str_ok(m.res.class_name, sizeof(m.res.class_name))) {
		sess_end(s, "malformed message from login worker");
		return;
	}
	if (m.res.kind == MON_RESULT_CHECKED && s->checking) {
		struct mon_empty ok = { 0 };

		/* denyquick: USER passed ftpusers; now the password. */
		drop_worker(s);
		s->state = S_PREAUTH;
		sess_send(s, s->chan, MON_ANS_USER_OK, &ok, sizeof(ok), -1);
		return;
	}
	if (m.res.kind != MON_RESULT_OK || s->checking) {
		drop_worker(s);
		login_failed(s, &m.res);
		return;
	}
	/* ftpd.conf "limit": the class may be full. */
	{
		struct mon_errno ack = { 0 };

		if (m.res.limit >= 0 &&
		    class_count(m.res.class_name) >= (unsigned)m.res.limit)
			ack.err = EUSERS;
		if (msg_send(s->wchan, MON_ANS_RESULT, &ack, sizeof(ack),
		    -1) == -1 || ack.err != 0) {
			struct mon_result full;

			memset(&full, 0, sizeof(full));
			/* The class's limit file (530- lines) goes first. */
			(void)cstr_printf(full.text, sizeof(full.text), "%s530 Too "
			    "many users in class %s; try again later.",
			    m.res.text, m.res.class_name);
			log_msg(LOG_NOTICE, "login of %s from %s refused: class "
			    "%s is full", m.res.user, s->conn.ip,
			    m.res.class_name);
			if (s->worker > 0)
				(void)kill(s->worker, SIGKILL);
			drop_worker(s);
			login_failed(s, &full);
			return;
		}
	}
	/*
	 * Success: the worker is now the session; the pre-login ends, or
	 * on FTPS goes on as the TLS relay.
	 */
	if (s->tls != NULL && s->relay == 0)
		s->relay = s->pid;
	if (s->tls != NULL)
		s->conn.tls = 1;
	{
		struct mon_empty ok = { 0 };

		(void)msg_send(s->chan, MON_ANS_LOGIN_OK, &ok, sizeof(ok), -1);
	}
	(void)cstr_copy(s->class_name, sizeof(s->class_name),
	    m.res.class_name);
	ev_io_stop(mon_loop, &s->io);
	close(s->chan);
	ev_io_stop(mon_loop, &s->wio);
	s->chan = s->wchan;
	s->wchan = -1;
	s->pid = s->worker;
	s->worker = 0;
	s->state = S_SESSION;
	slot_release(s);
	s->logged_in = 1;
	(void)cstr_copy(s->user, sizeof(s->user), m.res.user);
	if (ev_io_start(mon_loop, &s->io, s->chan, EV_READ, mon_sess_msg,
	    s) == -1)
		sess_end(s, "event loop");
}

/*
 * The spawn request being built, for s, zeroed but for kind and the
 * connection: static (7 KiB), as the monitor builds one at a time.
 */
static struct spawn_req *
spawn_req_for(const struct mon_sess *s, enum spawn_kind kind)
{
	static struct spawn_req sr;

	memset(&sr, 0, sizeof(sr));
	sr.kind = kind;
	sr.conn = s->conn;
	return &sr;
}

static void
start_login(struct mon_sess *s, struct mon_login *req, int ctl)
{
	/* Static: 7 KiB, and the monitor handles one request at a time. */
	struct spawn_req *sr;
	int chan;
	pid_t pid;

	/* FTPS: the pre-login holding the TLS socket sends none. */
	if (ctl == -1 && s->plain != -1 && s->relay == 0 && !req->check)
		ctl = fcntl(s->plain, F_DUPFD_CLOEXEC, 0);
	/* A USER check needs no connection: the worker never writes to it. */
	if (req->check)
		ctl = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (ctl == -1 || (!req->check && !own_ctl(s, ctl))) {
		if (ctl != -1)
			close(ctl);
		sess_end(s, "LOGIN with a foreign descriptor");
		return;
	}
	if (needs_slot(req)) {
		s->in_slot = 1;
		nchecking++;
	}
	sr = spawn_req_for(s, SPAWN_LOGIN);
	if (s->tls != NULL) {
		sr->conn.tls = 1;
		sr->tls = *s->tls;
	}
	sr->u.login = *req;
	pid = spawn_child(sr, ctl, &chan, s);
	explicit_bzero(sr, sizeof(*sr));
	if (pid == -1) {
		log_msg(LOG_ERR, "fork: %s", strerror(errno));
		slot_release(s);
		login_failed(s, NULL);
		return;
	}
	s->worker = pid;
	s->wchan = chan;
	s->state = S_LOGIN_WAIT;
	s->checking = req->check != 0;
	if (ev_io_start(mon_loop, &s->wio, s->wchan, EV_READ, worker_msg,
	    s) == -1)
		sess_end(s, "event loop");
}

static void
answer_data_socket(struct mon_sess *s)
{
	struct mon_errno ans = { 0 };
	struct sockaddr_storage ss;
	int fd = -1, one = 1;

	/* Address and port come from our own records, never the client. */
	memcpy(&ss, &s->conn.local, sizeof(ss));
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_port = htons((uint16_t)(ntohs(sin->sin_port) - 1));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_port = htons((uint16_t)(ntohs(sin6->sin6_port) - 1));
	} else {
		ans.err = EAFNOSUPPORT;
		goto out;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, s->conn.locallen) == -1) {
		ans.err = errno;
		if (fd != -1)
			close(fd);
		fd = -1;
	}
out:
	sess_send(s, s->chan, MON_ANS_DATA_SOCKET, &ans, sizeof(ans), fd);
	if (fd != -1)
		close(fd);
}

static void
mon_sess_msg(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	struct mon_sess *s = io->arg;
	static union {
		struct mon_login	login;
		struct mon_log		log;
		struct mon_empty	empty;
		struct mon_rein		rein;
		struct mon_tls		tls;
	} m;
	uint32_t type;
	size_t len;
	int r, fd;

	(void)l;
	(void)ev;
	r = msg_recv(s->chan, &type, &m, sizeof(m), &len, &fd);
	if (r == -1 && errno == EAGAIN)
		return;
	if (r <= 0) {
		/* EOF: the process is gone.  Normal end of a session. */
		if (s->state == S_LOGIN_WAIT) {
			/* pre-login died while its login runs: drop both */
			sess_end(s, "pre-login process exited during login");
			return;
		}
		sess_end(s, r == 0 ? NULL : "monitor channel error");
		return;
	}
	switch (type) {
	case MON_REQ_LOG:
		if (fd != -1 || len != sizeof(m.log) ||
		    !msg_str_ok(m.log.text, sizeof(m.log.text)))
			break;
		if (s->pid == 0)
			spawn_settle(s);
		log_emit(m.log.prio, s->pid, m.log.text);
		return;
	case MON_REQ_LOGIN:
		if (s->state != S_PREAUTH || ev_timer_armed(&s->delay) ||
		    len != sizeof(m.login) || (m.login.check ? fd != -1 :
		    fd == -1 && s->plain == -1) ||
		    !msg_str_ok(m.login.user, sizeof(m.login.user)) ||
		    !msg_str_ok(m.login.pass, sizeof(m.login.pass)) ||
		    !msg_str_ok(m.login.host, sizeof(m.login.host)) ||
		    m.login.pending_len > sizeof(m.login.pending))
			break;
		(void)cstr_copy(s->user, sizeof(s->user), m.login.user);
		if (needs_slot(&m.login) && nchecking >= opts.login_max)
			enqueue(s, &m.login, fd);
		else
			start_login(s, &m.login, fd);
		explicit_bzero(&m, sizeof(m));
		return;
	case MON_REQ_TLS:
		if (s->state != S_PREAUTH || fd != -1 || len != sizeof(m.tls) ||
		    s->tls != NULL || m.tls.len > sizeof(m.tls.state) ||
		    opts.tls_cert[0] == '\0')
			break;
		tls_started(s, &m.tls);
		explicit_bzero(&m, sizeof(m));
		return;
	case MON_REQ_REIN:
		if (s->state != S_SESSION || fd == -1 || len != sizeof(m.rein) ||
		    m.rein.pending_len > sizeof(m.rein.pending))
			break;
		rein(s, &m.rein, fd);
		return;
	case MON_REQ_HASH_BEGIN:
		if (s->state != S_SESSION || fd != -1 || len != sizeof(m.empty) ||
		    s->hashing)
			break;
		{
			struct mon_errno ans = { 0 };

			/* One digest per core at a time, over all sessions. */
			if (nhashing >= opts.hash_max)
				ans.err = EBUSY;
			else {
				s->hashing = 1;
				nhashing++;
			}
			sess_send(s, s->chan, MON_ANS_HASH_BEGIN, &ans,
			    sizeof(ans), -1);
		}
		return;
	case MON_REQ_HASH_END:
		if (s->state != S_SESSION || fd != -1 || len != sizeof(m.empty) ||
		    !s->hashing)
			break;
		s->hashing = 0;
		nhashing--;
		return;
	case MON_REQ_DATA_SOCKET:
		if (s->state != S_SESSION || fd != -1 || len != sizeof(m.empty))
			break;
		answer_data_socket(s);
		return;
	default:
		break;
	}
	explicit_bzero(&m, sizeof(m));
	if (fd != -1)
		close(fd);
	sess_end(s, "unexpected or malformed monitor request");
}

/*
 * The pre-login process finished a control handshake.  Keep its TLS
 * state for the session's data connections, and make the plaintext
 * pair: the relay end goes back to it, the other end becomes the
 * session's control connection at login.
 */
static void
tls_started(struct mon_sess *s, const struct mon_tls *t)
{
	struct mon_errno ans = { 0 };
	int sp[2] = { -1, -1 };

	if ((s->tls = malloc(sizeof(*s->tls))) == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		ans.err = errno;
		free(s->tls);
		s->tls = NULL;
		sp[0] = sp[1] = -1;
	} else {
		memcpy(s->tls, t, sizeof(*t));
		s->plain = sp[0];
	}
	sess_send(s, s->chan, MON_ANS_TLS, &ans, sizeof(ans), sp[1]);
	if (sp[1] != -1)
		close(sp[1]);
}

/* Fork a pre-login process for s on ctl (closed here either way). */
static int
spawn_preauth(struct mon_sess *s, int ctl, const struct mon_rein *req)
{
	struct spawn_req *sr = spawn_req_for(s, SPAWN_PREAUTH);
	int chan;
	pid_t pid;

	if (req != NULL) {
		sr->rein = 1;
		sr->u.rein = *req;
	}
	pid = spawn_child(sr, ctl, &chan, s);
	/* Bytes pipelined after REIN may hold a password. */
	explicit_bzero(sr, sizeof(*sr));
	if (pid == -1) {
		log_msg(LOG_ERR, "fork: %s", strerror(errno));
		return -1;
	}
	s->pid = pid;
	s->chan = chan;
	s->state = S_PREAUTH;
	if (ev_io_start(mon_loop, &s->io, s->chan, EV_READ, mon_sess_msg,
	    s) == -1)
		return -1;
	return 0;
}

/* The descriptor must be this session's own control connection. */
static int
own_ctl(const struct mon_sess *s, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct stat st, pst;

	/* FTPS: the session's end of the pair we made. */
	if (s->plain != -1)
		return fstat(fd, &st) == 0 && fstat(s->plain, &pst) == 0 &&
		    st.st_dev == pst.st_dev && st.st_ino == pst.st_ino;
	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    sl == s->conn.peerlen && memcmp(&ss, &s->conn.peer, sl) == 0;
}

static void
rein(struct mon_sess *s, const struct mon_rein *req, int ctl)
{
	if (!own_ctl(s, ctl)) {
		close(ctl);
		sess_end(s, "REIN with a foreign descriptor");
		return;
	}
	if (s->logged_in && !opts.no_wtmp) {
		char line[32];

		wtmp_line(s, line, sizeof(line));
		plat_wtmp_logout(line);
	}
	s->logged_in = 0;
	/* The old session exits by itself once it has sent this. */
	ev_io_stop(mon_loop, &s->io);
	close(s->chan);
	s->chan = -1;
	if (spawn_preauth(s, ctl, req) == -1)
		sess_end(s, "cannot restart the login");
}

int
mon_session_start(struct ev_loop *l, int ctl, int implicit)
{
	struct mon_sess *s;

	mon_loop = l;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		close(ctl);
		return -1;
	}
	s->chan = s->wchan = s->plain = s->queued_ctl = -1;
	s->conn.implicit = implicit;
	s->conn.peerlen = sizeof(s->conn.peer);
	s->conn.locallen = sizeof(s->conn.local);
	if (getpeername(ctl, (struct sockaddr *)&s->conn.peer,
	    &s->conn.peerlen) == -1 ||
	    getsockname(ctl, (struct sockaddr *)&s->conn.local,
	    &s->conn.locallen) == -1) {
		log_msg(LOG_ERR, "new connection: %s", strerror(errno));
		close(ctl);
		free(s);
		return -1;
	}
	ftp_peer_ip(ctl, s->conn.ip, sizeof(s->conn.ip));
	s->next = sessions;
	if (sessions != NULL)
		sessions->prev = s;
	sessions = s;
	nsessions++;
	if (spawn_preauth(s, ctl, NULL) == -1) {
		sess_end(s, NULL);
		return -1;
	}
	if (opts.logging) {
		char line[128];

		if (s->pid == 0)
			spawn_settle(s);
		(void)cstr_printf(line, sizeof(line), "connection from %s",
		    s->conn.ip);
		log_emit(LOG_INFO, s->pid, line);
	}
	return 0;
}

int
mon_init(struct ev_loop *l)
{
	mon_loop = l;
	return 0;
}

void
mon_spawned(void *who, int kind, pid_t pid)
{
	struct mon_sess *s = who;

	if (kind == SPAWN_LOGIN)
		s->worker = pid;
	else
		s->pid = pid;
}

void
mon_shutdown(void)
{
	struct mon_sess *s;

	spawn_settle(NULL);
	/* Sessions answer SIGTERM with a 421 and exit. */
	for (s = sessions; s != NULL; s = s->next) {
		if (s->pid > 0)
			(void)kill(s->pid, SIGTERM);
		if (s->worker > 0)
			(void)kill(s->worker, SIGTERM);
	}
}
