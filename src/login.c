/*
 * login.c: the login worker.  Forked by the monitor for one PASS, as
 * root, with the user name and password as bounded fields.  It decides
 * (ftpusers, shells, PAM or crypt, ftpchroot), reads what the session
 * will need from outside the jail, reports to the monitor, and on success
 * drops to the user for good and becomes the session process.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/idmap.h"
#include "conf/classconf.h"
#include "conf/opts.h"
#include "conf/vhost.h"
#include "ftp/ftp.h"
#include "ipc/msg.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "session.h"
#include "buf.h"
#include "str.h"
#include "tls/ftps.h"

/*
 * This process's state in one place: a login writes all of it, and the
 * session it becomes keeps every page written, so it should be few.
 */
static struct {
	const struct mon_conn	*conn;		/* from the monitor */
	const struct vhost	*vh;	/* ftphosts entry of this address */
	struct tls_parent	*tls_parent;	/* FTPS: data connections */
	char			 ip[64];
	/* The ftpusers class field of an "allow" line, for ftpd.conf. */
	char			 user_class[FTPLIST_CLASS_MAX];
	struct mon_result	 res;
	struct class_settings	 cls;		/* this login's class */
} lg;

static void __attribute__((noreturn))
finish(enum mon_result_kind kind, const char *reply)
{
	lg.res.kind = kind;
	(void)cstr_copy(lg.res.text, sizeof(lg.res.text), reply);
	(void)msg_send(FD_MON, MON_REQ_RESULT, &lg.res, sizeof(lg.res), -1);
	_exit(0);
}

static void __attribute__((noreturn))
failed(const char *user)
{
	log_msg(LOG_AUTHPRIV | LOG_NOTICE, "FTP LOGIN FAILED FROM %s, %s",
	    lg.ip, user);
	log_msg(LOG_FTP | LOG_NOTICE, "FTP LOGIN FAILED FROM %s", lg.ip);
	finish(MON_RESULT_FAIL, "530 Login incorrect.");
}

static void __attribute__((noreturn))
refused(const char *user, const char *why)
{
	/* The first line keeps BSD's exact format for log watchers. */
	log_msg(LOG_FTP | LOG_NOTICE, "FTP LOGIN REFUSED FROM %s, %s", lg.ip,
	    user);
	log_msg(LOG_FTP | LOG_INFO, "login of %s refused: %s", user, why);
	finish(MON_RESULT_REFUSED, "530 Login incorrect.");
}

/*
 * ftpd.conf "tls" for the class now known (USER already applied the
 * policy it could guess), and the control connection's TLS session for
 * the data connections, imported while outside the jail.
 */
static void
check_tls(const char *user, const struct class_settings *cls)
{
	char err[256];

	if (ftps_server != NULL && !lg.conn->tls &&
	    cls->tls >= FTPDCONF_TLS_LOGIN) {
		log_msg(LOG_FTP | LOG_NOTICE, "login of %s from %s refused: "
		    "class %s requires TLS", user, lg.ip, cls->name);
		finish(MON_RESULT_REFUSED, "530 TLS required: send AUTH TLS "
		    "before USER.");
	}
	if (lg.conn->tls && cls->tls == FTPDCONF_TLS_OFF) {
		log_msg(LOG_FTP | LOG_NOTICE, "login of %s from %s refused: "
		    "TLS is off for class %s", user, lg.ip, cls->name);
		finish(MON_RESULT_REFUSED, "530 TLS is not allowed for this "
		    "account.");
	}
	if (!lg.conn->tls || ftps_server == NULL || lg.conn->tls_state == NULL)
		return;
	/*
	 * Data connections that must resume never need the real key: the
	 * session (the user's ids) gets a context without it.
	 */
	if (cls->tlsreuse && ftps_drop_key(err, sizeof(err)) == -1)
		log_msg(LOG_WARNING, "session of %s keeps the TLS key: %s",
		    user, err);
	lg.tls_parent = tls_handoff_import(ftps_server, lg.conn->tls_state,
	    lg.conn->tls_len, err, sizeof(err));
	if (lg.tls_parent == NULL) {
		log_msg(LOG_ERR, "login of %s from %s: TLS state: %s", user,
		    lg.ip, err);
		finish(MON_RESULT_ERROR, "421 Service not available.");
	}
}


/* Is the user (or, for guests, either anonymous name) denied? */
static int
denied(const char *user, gid_t gid, int guest)
{
	struct ftplist_match m;
	char path[OPTS_PATH + 16];
	const char *names[2] = { user, NULL };
	int i;

	if (opts_confpath(&opts, "ftpusers", path, sizeof(path)) == -1)
		return 1;
	if (guest) {
		names[0] = "ftp";
		names[1] = "anonymous";
	}
	for (i = 0; i < 2 && names[i] != NULL; i++) {
		if (auth_list_lookup(path, names[i], gid, guest, &m) == -1) {
			log_msg(LOG_ERR, "%s unreadable: refusing all logins",
			    path);
			return 1;
		}
		if (m.matched && !m.allow)
			return 1;
		if (m.matched && m.class_name[0] != '\0')
			(void)cstr_copy(lg.user_class, sizeof(lg.user_class),
			    m.class_name);
	}
	return 0;
}

/* Look name up in ftpchroot: 0 (m says), or -1 if it cannot be read. */
static int
ftpchroot_lookup(const char *name, gid_t gid, struct ftplist_match *m)
{
	char path[OPTS_PATH + 16];

	if (opts_confpath(&opts, "ftpchroot", path, sizeof(path)) == -1)
		return -1;
	return auth_list_lookup(path, name, gid, 0, m);
}

/*
 * ftpd.conf denyquick: the ftpusers check at USER, before a password is
 * asked for, for users of a class that wants it.  An unknown name
 * passes (PASS fails it later), so USER alone does not tell which
 * names exist.
 */
static void __attribute__((noreturn))
check_only(struct mon_login *req)
{
	struct ftplist_match m;
	struct passwd *pw = NULL;
	char t[MON_TEXT_MAX];
	int guest = ftp_is_anonymous(req->user), chrooted = 0;

	if (!guest && (pw = getpwnam(req->user)) == NULL)
		finish(MON_RESULT_CHECKED, "");
	if (!denied(req->user, pw != NULL ? pw->pw_gid : (gid_t)-1, guest))
		finish(MON_RESULT_CHECKED, "");
	if (!guest && ftpchroot_lookup(req->user, pw->pw_gid, &m) == 0 &&
	    m.matched)
		chrooted = 1;
	if (guest)
		classconf_get("guest", FTPDCONF_GUEST, &lg.cls);
	else
		classconf_get(chrooted ? "chroot" : "real", chrooted ?
		    FTPDCONF_CHROOT : FTPDCONF_REAL, &lg.cls);
	if (!lg.cls.denyquick)
		finish(MON_RESULT_CHECKED, "");
	log_msg(LOG_FTP | LOG_NOTICE, "FTP LOGIN REFUSED FROM %s, %s", lg.ip,
	    req->user);
	log_msg(LOG_FTP | LOG_INFO, "login of %s refused at USER: ftpusers "
	    "(denyquick)", req->user);
	(void)cstr_printf(t, sizeof(t), "530 User %s access denied.",
	    req->user);
	finish(MON_RESULT_REFUSED, t);
}

static void
limit_text(const char *path, char *out, size_t size)
{
	BUF_DECLARE(b, MON_TEXT_MAX);
	char line[256];
	FILE *f;
	int n = 0;

	if ((f = fopen(path, "re")) == NULL)
		return;
	while (n++ < 8 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		(void)buf_printf(&b, "530- %s\r\n", line);
	}
	fclose(f);
	if (!buf_overflowed(&b))
		(void)buf_cstr(&b, out, size);
}

/*
 * Tell the monitor, and wait for its word: the class may be full
 * (ftpd.conf "limit"), in which case the monitor answers the client.
 */
static void
report_ok(const struct class_settings *cls)
{
	struct mon_errno ack;
	uint32_t type;
	size_t len;
	int fd;

	lg.res.kind = MON_RESULT_OK;
	(void)cstr_copy(lg.res.class_name, sizeof(lg.res.class_name),
	    cls->name);
	lg.res.limit = cls->limit;
	lg.res.text[0] = '\0';
	/* The text to show if the class is full: "530-" lines of limitfile. */
	if (cls->limit >= 0 && cls->limitfile[0] != '\0')
		limit_text(cls->limitfile, lg.res.text, sizeof(lg.res.text));
	if (msg_send(FD_MON, MON_REQ_RESULT, &lg.res, sizeof(lg.res),
	    -1) == -1 ||
	    msg_recv(FD_MON, &type, &ack, sizeof(ack), &len, &fd) != 1 ||
	    type != MON_ANS_RESULT || len != sizeof(ack) || ack.err != 0)
		_exit(0);
}

/* Split dir at "/./" into the chroot and the start directory. */
static void
split_root(const char *dir, char *root, size_t rsize, char *start,
    size_t ssize, const char *user)
{
	if (ftplist_split_dotslash(dir, root, rsize, start, ssize) == -1)
		refused(user, "directory name too long");
}

static void __attribute__((noreturn))
login_guest(struct mon_login *req)
{
	char root[OPTS_PATH], start[OPTS_PATH], ident[64], user[OPTS_NAME];
	struct role_id id;
	struct passwd *pw;
	int fell_back;

	const char *anon = lg.vh != NULL && lg.vh->user[0] ? lg.vh->user :
	    opts.anon_user;
	struct login_info li;
	int statfd = -1;

	if ((pw = getpwnam(anon)) == NULL) {
		char t[MON_TEXT_MAX];

		(void)cstr_printf(t, sizeof(t), "530 User %s unknown.",
		    req->user);
		log_msg(LOG_NOTICE, "ANONYMOUS FTP LOGIN REFUSED FROM %s "
		    "(no account %s)", lg.ip, anon);
		finish(MON_RESULT_REFUSED, t);
	}
	id.uid = pw->pw_uid;
	id.gid = pw->pw_gid;
	(void)cstr_copy(user, sizeof(user), pw->pw_name);
	if (id.uid == 0)
		refused(req->user, "anonymous account has uid 0");
	/* A virtual host's account brings its own home; -X anon_root
	   overrides only the default host. */
	split_root(opts.anon_root[0] != '\0' &&
	    (lg.vh == NULL || !lg.vh->user[0]) ? opts.anon_root : pw->pw_dir,
	    root, sizeof(root), start, sizeof(start), req->user);
	if (denied(req->user, id.gid, 1)) {
		char t[MON_TEXT_MAX];

		(void)cstr_printf(t, sizeof(t), "530 User %s access denied.",
		    req->user);
		log_msg(LOG_NOTICE, "ANONYMOUS FTP LOGIN REFUSED FROM %s",
		    lg.ip);
		finish(MON_RESULT_REFUSED, t);
	}
	log_sanitize(ident, sizeof(ident), req->pass, strlen(req->pass));
	explicit_bzero(req->pass, sizeof(req->pass));
	if (opts.logging)
		log_msg(LOG_INFO, "ANONYMOUS FTP LOGIN FROM %s, %s", lg.ip,
		    ident);
	if (!opts.no_wtmp) {
		char line[32];

		(void)cstr_printf(line, sizeof(line), "ftpd%ld",
		    (long)getpid());
		plat_wtmp_login(line, "ftp", lg.ip);
	}
	/* -S: the statistics file must exist; it is opened before chroot. */
	if (opts.stats) {
		const char *sf = lg.vh != NULL && lg.vh->statfile[0] ?
		    lg.vh->statfile : "/var/log/ftpd";

		statfd = open(sf, O_WRONLY | O_APPEND | O_CLOEXEC);
	}
	lg.res.uid = id.uid;
	lg.res.guest = 1;
	lg.res.chrooted = 1;
	(void)cstr_copy(lg.res.user, sizeof(lg.res.user), req->user);
	classconf_get("guest", FTPDCONF_GUEST, &lg.cls);
	check_tls(req->user, &lg.cls);
	report_ok(&lg.cls);
	fell_back = role_enter_user(NULL, &id, root, start);
	memset(&li, 0, sizeof(li));
	li.res = &lg.res;
	li.pending = req->pending;
	li.pending_len = req->pending_len;
	li.fell_back = fell_back;
	li.home = start;
	li.ident = ident;
	/* Order: the class's motd, the virtual host's, the default. */
	li.motd = !lg.cls.motd_set && lg.vh != NULL && lg.vh->motd[0] ?
	    lg.vh->motd : lg.cls.motd;
	li.statfd = statfd;
	li.cls = &lg.cls;
	li.conn = lg.conn;
	li.prot = req->prot;
	li.tls_parent = lg.tls_parent;
	session_main(&li);
}

static void __attribute__((noreturn))
login_real(struct mon_login *req)
{
	char name[MON_USER_MAX], home[OPTS_PATH], shell[OPTS_PATH];
	char root[OPTS_PATH], start[OPTS_PATH], dir[OPTS_PATH + 8];
	struct ftplist_match m;
	struct idmap *ids;
	struct role_id id;
	struct passwd *pw;
	enum auth_res ar;
	struct login_info li;
	char expanded[FTPDCONF_PATH_MAX];
	int chrooted, fell_back, deny;

	if ((pw = getpwnam(req->user)) == NULL) {
		auth_dummy(req->pass);
		explicit_bzero(req->pass, sizeof(req->pass));
		failed(req->user);
	}
	id.uid = pw->pw_uid;
	id.gid = pw->pw_gid;
	if (cstr_copy(name, sizeof(name), pw->pw_name) == -1 ||
	    cstr_copy(home, sizeof(home), pw->pw_dir) == -1 ||
	    cstr_copy(shell, sizeof(shell), pw->pw_shell) == -1)
		refused(req->user, "passwd entry too long");

	/* Refusals still spend a password check: no timing oracle. */
	deny = denied(name, id.gid, 0);
	if (deny || id.uid == 0 || !auth_shell_ok(opts.shells, shell)) {
		auth_dummy(req->pass);
		explicit_bzero(req->pass, sizeof(req->pass));
		refused(name, id.uid == 0 ? "uid 0" : deny ? "ftpusers" :
		    "shell");
	}
	ar = AUTH_SYSERR;
	if (opts.use_pam)
		ar = auth_pam(opts.pam_service, name, req->pass, lg.ip);
	if (ar == AUTH_SYSERR)
		ar = auth_crypt(name, req->pass);
	explicit_bzero(req->pass, sizeof(req->pass));
	if (ar != AUTH_OK)
		failed(name);

	/* ftpchroot: an unreadable file refuses the login (fail closed). */
	chrooted = 0;
	if (ftpchroot_lookup(name, id.gid, &m) == -1)
		refused(name, "ftpchroot unreadable");
	if (m.matched) {
		chrooted = 1;
		if (m.dir[0] == '\0')
			(void)cstr_copy(dir, sizeof(dir), home);
		else if (m.dir[0] == '/')
			(void)cstr_copy(dir, sizeof(dir), m.dir);
		else if (cstr_printf(dir, sizeof(dir), "%s/%s", home,
		    m.dir) == -1)
			refused(name, "ftpchroot directory too long");
		split_root(dir, root, sizeof(root), start, sizeof(start), name);
	} else {
		(void)cstr_copy(start, sizeof(start), home);
	}

	/*
	 * ftpd.conf: the class is the ftpusers class field, else the kind
	 * of login.  A class of type CHROOT (or GUEST) jails a user whom
	 * ftpchroot did not; ftpchroot always jails.  chroot and homedir
	 * formats give the directories.
	 */
	classconf_get(lg.user_class[0] ? lg.user_class : chrooted ? "chroot" :
	    "real", chrooted ? FTPDCONF_CHROOT : FTPDCONF_REAL, &lg.cls);
	if (!chrooted && lg.cls.type != FTPDCONF_REAL) {
		chrooted = 1;
		split_root(home, root, sizeof(root), start, sizeof(start), name);
	}
	if (chrooted && lg.cls.chroot[0] != '\0') {
		if (ftpdconf_format(lg.cls.chroot, lg.cls.name, home, name,
		    expanded, sizeof(expanded)) == -1)
			refused(name, "ftpd.conf chroot format");
		split_root(expanded, root, sizeof(root), start, sizeof(start),
		    name);
	}
	if (lg.cls.homedir[0] != '\0') {
		if (ftpdconf_format(lg.cls.homedir, lg.cls.name, home, name,
		    expanded, sizeof(expanded)) == -1)
			refused(name, "ftpd.conf homedir format");
		(void)cstr_copy(start, sizeof(start), expanded);
	}

	/* Owner names for listings: read now, outside any jail. */
	if ((ids = idmap_new()) == NULL ||
	    idmap_load_files(ids, opts.passwd_file, opts.group_file) == -1)
		log_msg(LOG_WARNING, "cannot load user/group names");
	if (!opts.no_wtmp) {
		char line[32];

		(void)cstr_printf(line, sizeof(line), "ftpd%ld",
		    (long)getpid());
		plat_wtmp_login(line, name, lg.ip);
	}
	if (opts.logging)
		log_msg(LOG_INFO, "FTP LOGIN FROM %s as %s", lg.ip, name);
	if (chrooted && opts.logging)
		log_msg(LOG_INFO, "session root changed to %s", root);

	lg.res.uid = id.uid;
	lg.res.guest = 0;
	lg.res.chrooted = (uint32_t)chrooted;
	(void)cstr_copy(lg.res.user, sizeof(lg.res.user), name);
	check_tls(name, &lg.cls);
	report_ok(&lg.cls);
	fell_back = role_enter_user(name, &id, chrooted ? root : NULL, start);
	memset(&li, 0, sizeof(li));
	li.res = &lg.res;
	li.pending = req->pending;
	li.pending_len = req->pending_len;
	li.fell_back = fell_back;
	li.home = chrooted ? start : home;
	li.ids = ids;
	/* Order: the class's motd, the virtual host's, the default. */
	li.motd = !lg.cls.motd_set && lg.vh != NULL && lg.vh->motd[0] ?
	    lg.vh->motd : lg.cls.motd;
	li.statfd = -1;
	li.cls = &lg.cls;
	li.conn = lg.conn;
	li.prot = req->prot;
	li.tls_parent = lg.tls_parent;
	session_main(&li);
}

void
login_main(struct mon_login *req, const struct mon_conn *c)
{
	lg.conn = c;
	log_set_relay(mon_log_relay);
	(void)cstr_copy(lg.ip, sizeof(lg.ip), c->ip);
	/* HOST (RFC 7151) names the virtual host; else the address does. */
	if (req->host[0] != '\0')
		lg.vh = vhost_by_name(req->host);
	else
		lg.vh = vhost_by_addr(&c->local);
	plat_proctitle("%s: [login]", lg.ip);
	memset(&lg.res, 0, sizeof(lg.res));
	if (req->check)
		check_only(req);
	if (ftp_is_anonymous(req->user))
		login_guest(req);
	login_real(req);
}
