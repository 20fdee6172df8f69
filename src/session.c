/*
 * session.c: the logged-in session.  Runs with the user's ids (chrooted
 * for guests and ftpchroot users), owns the control connection, and
 * dispatches commands through the table in ftp/cmdtab.c.  One event loop:
 * the control connection, the data connection of a running transfer, the
 * idle and data timers, and SIGTERM.
 */
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/idmap.h"
#include "conf/opts.h"
#include "ev.h"
#include "ftp/ctl.h"
#include "ftp/ftp.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "session.h"
#include "str.h"

struct sess	sess;

static void	ctl_readable(struct ev_loop *, struct ev_io *, unsigned);

void
session_exit(int status)
{
	xfer_cleanup();
	dc_close();
	_exit(status);
}

void
session_rein(const void *pending, size_t len, int reply)
{
	xfer_cleanup();
	dc_close();
	if (mon_rein(pending, len, reply) == -1) {
		(void)ctl_reply(&sess.ctl, 421, "Service not available, "
		    "closing control connection.");
		session_exit(1);
	}
	/* The monitor owns the connection now; leave without a word. */
	_exit(0);
}

int
session_guest_modify(void)
{
	return sess.cls->modify == 1 || (sess.cls->modify == -1 &&
	    opts.guest_modify);
}

void
session_reply_errno(int code, const char *name, int err)
{
	(void)ctl_reply(&sess.ctl, code, "%s: %s.", name, strerror(err));
}

void
session_log_op(const char *op, const char *a, const char *b, int64_t bytes)
{
	char cwd[PATH_MAX], extra[64] = "";

	if (opts.logging < 2)
		return;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		(void)cstr_copy(cwd, sizeof(cwd), "?");
	if (bytes >= 0)
		(void)cstr_printf(extra, sizeof(extra), " = %lld bytes",
		    (long long)bytes);
	log_msg(LOG_INFO, "%s %s%s%s%s (wd: %s%s)", op, a, b ? " " : "",
	    b ? b : "", extra, cwd, sess.chrooted ? "; chrooted" : "");
}

static void
idle_timeout(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	(void)ctl_reply(&sess.ctl, 421,
	    "Timeout (%d seconds): closing control connection.",
	    sess.idle_timeout);
	if (opts.logging)
		log_msg(LOG_INFO, "User %s timed out after %d seconds",
		    sess.user, sess.idle_timeout);
	session_exit(0);
}

static void
term(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	(void)ctl_reply(&sess.ctl, 421, "Service not available, closing "
	    "control connection.");
	session_exit(0);
}

static void
dispatch(struct str line)
{
	const struct cmd *c;
	struct str verb, arg;
	int had_rest = sess.restart_set, had_rnfr = sess.rnfr_set;

	(void)str_split(line, ' ', &verb, &arg);
	if (log_debug_enabled) {
		if (str_eq_ci(verb, "PASS"))
			log_debug("command: PASS ???");
		else
			log_debug("command: %.*s", (int)line.len, line.p);
	}
	if ((c = cmd_lookup(verb)) == NULL) {
		(void)ctl_reply(&sess.ctl, 500, "'%.*s': command not "
		    "understood.", (int)(verb.len > 64 ? 64 : verb.len),
		    verb.p);
		goto out;
	}
	if ((c->flags & CMD_ARG) && str_empty(arg)) {
		(void)ctl_reply(&sess.ctl, 501, "Syntax error in parameters "
		    "or arguments.");
		goto out;
	}
	if ((c->flags & CMD_NOARG) && !str_empty(arg)) {
		(void)ctl_reply(&sess.ctl, 501, "%s takes no argument.",
		    c->verb);
		goto out;
	}
	/*
	 * -r refuses every change; ftpd.conf "upload off" too, and
	 * "modify off" every change but storing files.
	 */
	if ((c->flags & CMD_WRITE) && (opts.read_only || sess.cls->upload == 0 ||
	    (sess.cls->modify == 0 && !(c->flags & CMD_UPLOAD)))) {
		(void)ctl_reply(&sess.ctl, 550, "Permission denied.");
		goto out;
	}
	c->fn(arg);
out:
	/* REST and RNFR last exactly until the next command. */
	if (had_rest)
		sess.restart_set = 0, sess.restart = 0;
	if (had_rnfr)
		sess.rnfr_set = 0;
}

/* Run buffered commands until one starts a transfer or none is left. */
static void
run_commands(void)
{
	struct str line;
	enum ctl_res r;

	while (sess.x.kind == XF_NONE &&
	    (r = ctl_next(&sess.ctl, &line)) != CTL_NONE) {
		ev_timer_start(sess.loop, &sess.idle,
		    (int64_t)sess.idle_timeout * 1000, idle_timeout, NULL);
		if (r == CTL_TOOLONG) {
			(void)ctl_reply(&sess.ctl, 500, "Command too long.");
			continue;
		}
		dispatch(line);
	}
	/* A running transfer has its own data timer, not the idle one. */
	if (sess.x.kind != XF_NONE)
		ev_timer_stop(sess.loop, &sess.idle);
	if (sess.ctl.eof && sess.x.kind == XF_NONE) {
		if (opts.logging)
			log_msg(LOG_INFO, "%s closed the connection", sess.ip);
		session_exit(0);
	}
}

void
session_xfer_done(void)
{
	ev_timer_start(sess.loop, &sess.idle,
	    (int64_t)sess.idle_timeout * 1000, idle_timeout, NULL);
	run_commands();
}

/*
 * During a transfer, only ABOR is looked for (see xfer.c); other lines
 * wait in the buffer, which stops being read when full.
 */
static void
ctl_readable(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	int n;

	(void)l;
	(void)io;
	(void)ev;
	n = ctl_fill(&sess.ctl);
	if (n == -1 && errno != EAGAIN) {
		session_exit(0);
	}
	if (n == -1 && buf_room(&sess.ctl.in) == 0 && sess.x.kind != XF_NONE) {
		/* Full while a transfer runs: pause reading until it ends. */
		ev_io_stop(sess.loop, &sess.ctl_io);
		return;
	}
	if (sess.x.kind != XF_NONE) {
		xfer_check_abort();
		return;
	}
	run_commands();
}

void
session_resume_ctl(void)
{
	if (!sess.ctl_io.priv_added &&
	    ev_io_start(sess.loop, &sess.ctl_io, FD_CTL, EV_READ,
	    ctl_readable, NULL) == -1)
		session_exit(1);
}

static void
welcome(int fell_back, const char *motd)
{
	if (fell_back)
		(void)ctl_lreply(&sess.ctl, 230, " No directory! Logging in "
		    "with home=/.");
	/* The motd is opened here, after the chroot, as BSD does. */
	/*
	 * FreeBSD reads ftpmotd; the handbook tells administrators to write
	 * motd (NetBSD's name).  Without an ftpmotd, motd is shown.
	 */
	if (ctl_reply_file(&sess.ctl, 230, motd) == -1 &&
	    strcmp(motd, opts.motd) == 0) {
		char alt[OPTS_PATH + 8];

		if (opts_confpath(&opts, "motd", alt, sizeof(alt)) == 0)
			(void)ctl_reply_file(&sess.ctl, 230, alt);
	}
	if (sess.guest)
		(void)ctl_reply(&sess.ctl, 230, "Guest login ok, access "
		    "restrictions apply.");
	else if (sess.chrooted)
		(void)ctl_reply(&sess.ctl, 230, "User %s logged in, access "
		    "restrictions apply.", sess.user);
	else
		(void)ctl_reply(&sess.ctl, 230, "User %s logged in.",
		    sess.user);
}

#define TRIM_DELAY_MS	200

static struct ev_timer	trim_timer;

static void
trim_later(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	plat_trim_memory();
}

void
session_main(const struct login_info *li)
{
	const struct mon_result *r = li->res;
	struct idmap *ids = li->ids;

	/*
	 * sess is still all zero (.bss the monitor never touched): set only
	 * what is not, so that an idle session dirties as few pages as it can.
	 */
	sess.x.file = sess.x.sock = -1;
	sess.pasv_fd = -1;
	sess.statfd = li->statfd;
	sess.guest = (int)r->guest;
	sess.chrooted = (int)r->chrooted;
	sess.cls = li->cls;	/* static in the login worker: not copied */
	/* RFC 959: the default representation type is ASCII, as in BSD. */
	sess.type_ascii = 1;
	sess.idle_timeout = sess.cls->timeout;
	(void)cstr_copy(sess.user, sizeof(sess.user), r->user);
	(void)cstr_copy(sess.home, sizeof(sess.home),
	    li->fell_back ? "/" : li->home);
	if (li->ident != NULL)
		(void)cstr_copy(sess.ident, sizeof(sess.ident), li->ident);
	/* From the monitor: on FTPS, FD_CTL is the pair to the relay. */
	(void)cstr_copy(sess.ip, sizeof(sess.ip), li->conn->ip);
	sess.ctl_peer = li->conn->peer;
	sess.ctl_peerlen = li->conn->peerlen;
	sess.ctl_local = li->conn->local;
	sess.ctl_locallen = li->conn->locallen;
	sess.tls_ctl = li->conn->tls;
	sess.prot = li->prot;
	sess.tls_parent = li->tls_parent;
	umask(sess.cls->umask);
	sess.umask = sess.cls->umask;

	/* Urgent data (Telnet Synch before ABOR) stays in the stream. */
	{
		int one = 1;

		(void)setsockopt(FD_CTL, SOL_SOCKET, SO_OOBINLINE, &one,
		    sizeof(one));
		/*
		 * Replies are small and come in pairs (150 then 226): Nagle
		 * would hold the second until the first is acknowledged.
		 */
		(void)setsockopt(FD_CTL, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	}
	if (sess.guest) {
		/* Names for listings from the jail's own files, if any. */
		if ((ids = idmap_new()) != NULL &&
		    idmap_load_files(ids, "/etc/passwd", "/etc/group") == -1) {
			idmap_free(ids);
			ids = NULL;
		}
	}
	sess.ids = ids;
	plat_proctitle("%s: %s", sess.ip, sess.guest ? "anonymous" :
	    sess.user);

	ctl_init(&sess.ctl, FD_CTL);
	if (li->pending_len > 0)
		(void)ctl_preload(&sess.ctl, li->pending, li->pending_len);
	welcome(li->fell_back, li->motd);

	if ((sess.loop = ev_new()) == NULL)
		_exit(1);
	if (ev_signal(sess.loop, SIGTERM, term, NULL) == -1)
		_exit(1);
	/*
	 * What the login needed (PAM, NSS) is freed: return the pages, but
	 * only once the session has lasted a moment; a client that logs in
	 * for one command should not pay for it.
	 */
	ev_timer_start(sess.loop, &trim_timer, TRIM_DELAY_MS, trim_later,
	    NULL);
	session_resume_ctl();
	ev_timer_start(sess.loop, &sess.idle, (int64_t)sess.idle_timeout * 1000,
	    idle_timeout, NULL);
	run_commands();
	(void)ev_run(sess.loop);
	session_exit(0);
}
