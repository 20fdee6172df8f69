/*
 * preauth.c: the pre-login process.  Forked by the monitor for each
 * connection, it reads the banner files while still root, then drops to
 * the unprivileged user inside the empty chroot, and only then reads a
 * byte from the client.  It knows USER, PASS, QUIT, NOOP, HELP, FEAT,
 * HOST and CLNT; PASS goes to the monitor, which decides.
 *
 * FTPS: AUTH TLS (or an implicit FTPS port) makes this process do the
 * TLS handshake, here, unprivileged and jailed.  After a login it stays
 * as the relay (relay.c) between that TLS connection and the session.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf/classconf.h"
#include "conf/opts.h"
#include "conf/vhost.h"
#include "ev.h"
#include "ftp/addr.h"
#include "ftp/ctl.h"
#include "ftp/ftp.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "str.h"
#include "tls/ftps.h"

#define PREAUTH_MAX_ERRORS	10	/* bad commands before we hang up */
#define HANDSHAKE_MAX_MS	60000	/* for a TLS handshake, at most */

static struct {
	struct ctl	 ctl;
	struct ev_loop	*loop;
	struct ev_io	 io;
	struct ev_timer	 idle;
	char		 user[MON_USER_MAX];
	char		 host[MON_HOST_MAX];
	int		 have_user;
	int		 sent_user;
	int		 errors;
	char		 ip[64];
	const struct mon_conn *conn;
	int		 tls_on;	/* TLS here, or relayed (after REIN) */
	struct tls_conn	*tls;		/* the TLS connection we hold */
	int		 relay_fd;	/* our end of the pair to the session */
	unsigned	 prot;		/* MON_PROT_* */
} pa;

static void __attribute__((noreturn))
pa_exit(int status)
{
	explicit_bzero(&pa.ctl, sizeof(pa.ctl));
	tls_conn_free(pa.tls);
	_exit(status);
}

/*
 * The control handshake, then the TLS state to the monitor, which
 * answers with our end of the plaintext pair the session will use.
 */
static void
start_tls(void)
{
	uint8_t state[TLS_HANDOFF_MAX];
	char why[TLS_REASON_MAX], desc[160];
	size_t len;
	int fl, ms, one = 1;

	ms = opts.idle_timeout > 0 && opts.idle_timeout * 1000 <
	    HANDSHAKE_MAX_MS ? opts.idle_timeout * 1000 : HANDSHAKE_MAX_MS;
	/*
	 * This socket stays ours (as the relay's) for the whole session:
	 * no Nagle delay for the second of two small records (a ticket
	 * after the handshake, 226 after 150).
	 */
	(void)setsockopt(FD_CTL, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((fl = fcntl(FD_CTL, F_GETFL)) == -1 ||
	    fcntl(FD_CTL, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    tls_server_new_ticket_keys(ftps_server) == -1 ||
	    (pa.tls = tls_conn_new(ftps_server, FD_CTL, NULL, 0)) == NULL) {
		log_msg(LOG_ERR, "TLS with %s: cannot set up the connection",
		    pa.ip);
		pa_exit(0);
	}
	if (ftps_handshake(pa.tls, FD_CTL, ms, why, sizeof(why)) == -1) {
		log_msg(LOG_NOTICE, "TLS with %s failed: %s", pa.ip, why);
		pa_exit(0);
	}
	ctl_set_io(&pa.ctl, &ftps_ctl_io, pa.tls);
	if (tls_handoff_export(pa.tls, state, sizeof(state), &len) == -1 ||
	    (pa.relay_fd = mon_tls(state, len)) == -1) {
		explicit_bzero(state, sizeof(state));
		log_msg(LOG_ERR, "TLS with %s: cannot hand the session over",
		    pa.ip);
		pa_exit(0);
	}
	explicit_bzero(state, sizeof(state));
	pa.tls_on = 1;
	if (opts.logging && tls_describe(pa.tls, desc, sizeof(desc)) == 0)
		log_msg(LOG_INFO, "TLS from %s: %s", pa.ip, desc);
}

/* RFC 4217 AUTH: TLS (SSL and TLS-C are its old names). */
static void
do_auth(struct str arg)
{
	arg = str_trim(arg);
	if (ftps_server == NULL) {
		(void)ctl_reply(&pa.ctl, 502, "AUTH not available: no TLS "
		    "certificate is configured.");
		return;
	}
	if (pa.tls_on) {
		(void)ctl_reply(&pa.ctl, 503, "TLS is already active.");
		return;
	}
	if (!str_eq_ci(arg, "TLS") && !str_eq_ci(arg, "SSL") &&
	    !str_eq_ci(arg, "TLS-C")) {
		(void)ctl_reply(&pa.ctl, 504, "AUTH %.*s not supported; use "
		    "AUTH TLS.", (int)(arg.len > 32 ? 32 : arg.len), arg.p);
		return;
	}
	(void)ctl_reply(&pa.ctl, 234, "AUTH TLS successful.");
	/*
	 * Whatever came after the AUTH line was sent in clear and is never
	 * run (STARTTLS command injection, CVE-2011-1575).
	 */
	buf_reset(&pa.ctl.in);
	start_tls();
	/* A new security context: USER must be sent (again) under it. */
	pa.have_user = 0;
	pa.prot = 0;
}

static void
pa_idle(struct ev_loop *l, struct ev_timer *t)
{
	(void)l;
	(void)t;
	(void)ctl_reply(&pa.ctl, 421,
	    "Timeout (%d seconds): closing control connection.",
	    opts.idle_timeout);
	log_msg(LOG_INFO, "timed out before login after %d seconds (%s)",
	    opts.idle_timeout, pa.ip);
	pa_exit(0);
}

/* Cross-protocol requests (HTTP, SMTP...) end the connection at once. */
static int
foreign_protocol(struct str verb)
{
	static const char *verbs[] = { "GET", "POST", "HEAD", "PUT",
	    "CONNECT", "OPTIONS", "TRACE", "PATCH", "HELO", "EHLO", "MAIL",
	    "RCPT", "DATA", "SSH-2.0-OpenSSH", NULL };
	int i;

	for (i = 0; verbs[i] != NULL; i++)
		if (str_eq_ci(verb, verbs[i]))
			return 1;
	return str_prefix_ci(verb, "SSH-");
}

static void
bad_command(void)
{
	if (++pa.errors > PREAUTH_MAX_ERRORS) {
		(void)ctl_reply(&pa.ctl, 421, "Too many errors; closing "
		    "connection.");
		pa_exit(0);
	}
}

/* RFC 7151: HOST picks an /etc/ftphosts entry by name, before USER. */
static void
do_host(struct str arg)
{
	char name[MON_HOST_MAX];
	struct sockaddr_storage lit;
	socklen_t litlen;
	const struct vhost *vh;
	int literal;

	arg = str_trim(arg);
	if (pa.sent_user) {
		(void)ctl_reply(&pa.ctl, 503, "HOST must come before USER.");
		return;
	}
	if (str_empty(arg)) {
		(void)ctl_reply(&pa.ctl, 501, "HOST requires a host name.");
		bad_command();
		return;
	}
	/* "[::1]" literals are written with brackets (RFC 7151 3.2). */
	if (arg.len > 2 && arg.p[0] == '[' && arg.p[arg.len - 1] == ']')
		arg = str_head(str_skip(arg, 1), arg.len - 2);
	if (str_copy(arg, name, sizeof(name)) == -1) {
		(void)ctl_reply(&pa.ctl, 504, "Unknown host.");
		return;
	}
	/* An address literal names a host by one of its addresses. */
	literal = addr_parse_host(arg, &lit, &litlen) == ADDR_OK;
	if (literal) {
		vh = vhost_by_addr(&lit);
		if (vh == NULL && !addr_same_host(&lit, &pa.conn->local)) {
			(void)ctl_reply(&pa.ctl, 504, "Unknown host.");
			return;
		}
	} else
		vh = vhost_by_name(name);
	if (vh == NULL) {
		/* Our own name: the host the address selects, as without HOST. */
		if (!literal && !str_eq_ci(str_cstr(name), ftp_hostname())) {
			(void)ctl_reply(&pa.ctl, 504, "Unknown host.");
			return;
		}
		pa.host[0] = '\0';
		(void)ctl_reply(&pa.ctl, 220, "Host %s selected.", name);
		return;
	}
	(void)cstr_copy(pa.host, sizeof(pa.host), vh->name);
	if (vh->welcome_len > 0)
		ftp_reply_text(&pa.ctl, 220, vh->welcome_text, vh->welcome_len);
	(void)ctl_reply(&pa.ctl, 220, "Host %s selected.", vh->name);
}

static void
do_user(struct str arg)
{
	int policy;

	pa.sent_user = 1;
	if (str_empty(arg)) {
		(void)ctl_reply(&pa.ctl, 501, "USER requires a user name.");
		bad_command();
		return;
	}
	if (str_copy(arg, pa.user, sizeof(pa.user)) == -1) {
		(void)ctl_reply(&pa.ctl, 501, "User name too long.");
		bad_command();
		pa.have_user = 0;
		return;
	}
	/* ftpd.conf "tls": refuse before the password is sent in clear. */
	policy = classconf_tls_before_login(ftp_is_anonymous(pa.user));
	if (ftps_server != NULL && !pa.tls_on &&
	    policy >= FTPDCONF_TLS_LOGIN) {
		pa.have_user = 0;
		(void)ctl_reply(&pa.ctl, 530, "TLS required: send AUTH TLS "
		    "before USER.");
		return;
	}
	if (pa.tls_on && policy == FTPDCONF_TLS_OFF) {
		pa.have_user = 0;
		(void)ctl_reply(&pa.ctl, 530, "TLS is not allowed for this "
		    "account; log in without AUTH TLS.");
		return;
	}
	if (opts.anon_only && !ftp_is_anonymous(pa.user)) {
		pa.have_user = 0;
		(void)ctl_reply(&pa.ctl, 530, "Sorry, only anonymous ftp "
		    "allowed.");
		return;
	}
	/* ftpd.conf denyquick: ftpusers decides now, not after PASS. */
	if (classconf_any_denyquick()) {
		struct mon_login_fail fail;

		if (mon_user_check(pa.user, pa.host, &fail) == 0) {
			pa.have_user = 0;
			(void)ctl_write(&pa.ctl, fail.text, strlen(fail.text));
			(void)ctl_write(&pa.ctl, "\r\n", 2);
			if (fail.fatal)
				pa_exit(0);
			return;
		}
	}
	if (ftp_is_anonymous(pa.user)) {
		pa.have_user = 1;
		(void)ctl_reply(&pa.ctl, 331, "Guest login ok, send your "
		    "email address as password.");
		return;
	}
	pa.have_user = 1;
	(void)ctl_reply(&pa.ctl, 331, "Password required for %s.", pa.user);
}

static void
do_pass(struct str arg)
{
	struct mon_login_fail fail;
	char pass[MON_PASS_MAX];
	int r;

	if (!pa.have_user) {
		(void)ctl_reply(&pa.ctl, 503, "Login with USER first.");
		return;
	}
	if (str_copy(arg, pass, sizeof(pass)) == -1) {
		(void)ctl_reply(&pa.ctl, 501, "Password too long.");
		return;
	}
	/* Whatever the client pipelined after PASS goes to the session. */
	/* Holding the TLS connection, we keep it: the monitor has the pair. */
	r = mon_login(pa.user, pass, pa.host, buf_data(&pa.ctl.in),
	    buf_len(&pa.ctl.in), pa.prot, pa.tls != NULL ? -1 : FD_CTL, &fail);
	explicit_bzero(pass, sizeof(pass));
	if (r == 1 && pa.tls != NULL) {
		explicit_bzero(&pa.ctl, sizeof(pa.ctl));
		plat_proctitle("%s: [tls]", pa.ip);
		relay_main(pa.tls, FD_CTL, pa.relay_fd);
	}
	if (r == 1)
		pa_exit(0);	/* the session process owns the connection now */
	if (r == -1) {
		(void)ctl_reply(&pa.ctl, 530, "Login incorrect.");
		return;
	}
	pa.have_user = 0;
	(void)ctl_write(&pa.ctl, fail.text, strlen(fail.text));
	(void)ctl_write(&pa.ctl, "\r\n", 2);
	if (fail.fatal)
		pa_exit(0);
}

static void
dispatch(struct str line)
{
	struct str verb, arg;

	(void)str_split(line, ' ', &verb, &arg);
	if (log_debug_enabled) {
		if (str_eq_ci(verb, "PASS"))
			log_debug("command: PASS ???");
		else
			log_debug("command: %.*s", (int)line.len, line.p);
	}
	if (str_eq_ci(verb, "USER"))
		do_user(arg);
	else if (str_eq_ci(verb, "PASS"))
		do_pass(arg);
	else if (str_eq_ci(verb, "QUIT")) {
		(void)ctl_reply(&pa.ctl, 221, "Goodbye.");
		pa_exit(0);
	} else if (str_eq_ci(verb, "NOOP"))
		(void)ctl_reply(&pa.ctl, 200, "NOOP command successful.");
	else if (str_eq_ci(verb, "CLNT"))
		(void)ctl_reply(&pa.ctl, 200, "Noted.");
	else if (str_eq_ci(verb, "HOST"))
		do_host(arg);
	else if (str_eq_ci(verb, "AUTH"))
		do_auth(arg);
	else if (str_eq_ci(verb, "PBSZ"))
		ftp_pbsz(&pa.ctl, arg, pa.tls_on, &pa.prot);
	else if (str_eq_ci(verb, "PROT"))
		ftp_prot(&pa.ctl, arg, pa.tls_on, -1, &pa.prot);
	else if (str_eq_ci(verb, "CCC"))
		(void)ctl_reply(&pa.ctl, 502, "CCC not implemented: the "
		    "control connection stays protected.");
	else if (str_eq_ci(verb, "FEAT"))
		ftp_feat(&pa.ctl);
	else if (str_eq_ci(verb, "HELP"))
		ftp_help(&pa.ctl, arg);
	else if (foreign_protocol(verb)) {
		log_msg(LOG_NOTICE, "non-FTP request from %s, closing",
		    pa.ip);
		pa_exit(0);
	} else if (ftp_known_command(verb)) {
		(void)ctl_reply(&pa.ctl, 530, "Please login with USER and "
		    "PASS.");
		bad_command();
	} else {
		(void)ctl_reply(&pa.ctl, 500, "'%.*s': command not "
		    "understood.", (int)(verb.len > 64 ? 64 : verb.len),
		    verb.p);
		bad_command();
	}
}

static void
run_lines(struct ev_loop *l)
{
	struct str line;
	enum ctl_res r;

	while ((r = ctl_next(&pa.ctl, &line)) != CTL_NONE) {
		ev_timer_start(l, &pa.idle, (int64_t)opts.idle_timeout * 1000,
		    pa_idle, NULL);
		if (r == CTL_TOOLONG) {
			(void)ctl_reply(&pa.ctl, 500, "Command too long.");
			bad_command();
			continue;
		}
		dispatch(line);
	}
}

static void
pa_read(struct ev_loop *l, struct ev_io *io, unsigned ev)
{
	int n;

	(void)io;
	(void)ev;
	/* TLS may hold decrypted bytes the socket no longer shows. */
	do {
		n = ctl_fill(&pa.ctl);
		if (n == 0 || (n == -1 && errno != EAGAIN))
			pa_exit(0);
		run_lines(l);
	} while (n > 0 && ctl_pending(&pa.ctl));
}

static void
pa_term(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	(void)ctl_reply(&pa.ctl, 421, "Service not available, closing "
	    "control connection.");
	pa_exit(0);
}

void
preauth_main(const struct mon_rein *rein, const struct mon_conn *conn)
{
	char nologin[8192], welcome[8192];
	ssize_t nl = -1, wl = -1;
	char path[OPTS_PATH + 16];
	const struct vhost *vh;
	int fd;

	pa.conn = conn;
	pa.relay_fd = -1;
	vh = vhost_by_addr(&conn->local);

	/* Still root and outside the jail: read what the banner needs. */
	if ((fd = open(opts.nologin, O_RDONLY | O_CLOEXEC)) != -1) {
		nl = read(fd, nologin, sizeof(nologin) - 1);
		if (nl < 0)
			nl = 0;
		close(fd);
	}
	if (vh != NULL && vh->welcome[0] != '\0')
		(void)cstr_copy(path, sizeof(path), vh->welcome);
	else if (opts_confpath(&opts, "ftpwelcome", path, sizeof(path)) == -1)
		path[0] = '\0';
	if (path[0] != '\0' && (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		wl = read(fd, welcome, sizeof(welcome) - 1);
		close(fd);
	}
	(void)cstr_copy(pa.ip, sizeof(pa.ip), conn->ip);
	plat_proctitle("%s: [net]", pa.ip);

	role_enter_preauth(&mon_ids.nopriv, opts.empty_dir);
	log_set_relay(mon_log_relay);

	ctl_init(&pa.ctl, FD_CTL);
	/* After REIN on FTPS the relay still holds the TLS connection. */
	pa.tls_on = conn->tls;
	if (conn->implicit && !conn->tls) {
		if (ftps_server == NULL)
			pa_exit(0);
		start_tls();
	}
	/* Implicit FTPS: data connections are protected unless asked not. */
	if (conn->implicit)
		pa.prot = MON_PROT_PBSZ | MON_PROT_P;
	if (nl >= 0) {
		ftp_reply_text(&pa.ctl, 530, nologin, (size_t)nl);
		(void)ctl_reply(&pa.ctl, 530, "System not available.");
		pa_exit(0);
	}
	if (rein != NULL) {
		/* REIN or USER after login: continue with what was sent. */
		(void)ctl_preload(&pa.ctl, rein->pending, rein->pending_len);
		if (rein->reply)
			(void)ctl_reply(&pa.ctl, 220, "Service ready for new "
			    "user.");
	} else if (wl > 0)
		ftp_reply_text(&pa.ctl, 220, welcome, (size_t)wl);
	if (rein != NULL)
		;
	else if (opts.hide_host)
		(void)ctl_reply(&pa.ctl, 220, "FTP server ready.");
	else
		(void)ctl_reply(&pa.ctl, 220, "%s FTP server (ftpd %s) ready.",
		    vh != NULL ? vh->name : ftp_hostname(), FTPD_VERSION);

	if ((pa.loop = ev_new()) == NULL)
		fatal("event loop: %s", strerror(errno));
	if (ev_signal(pa.loop, SIGTERM, pa_term, NULL) == -1 ||
	    ev_io_start(pa.loop, &pa.io, FD_CTL, EV_READ, pa_read, NULL) == -1)
		fatal("event loop: %s", strerror(errno));
	ev_timer_start(pa.loop, &pa.idle, (int64_t)opts.idle_timeout * 1000,
	    pa_idle, NULL);
	run_lines(pa.loop);
	(void)ev_run(pa.loop);
	pa_exit(0);
}
