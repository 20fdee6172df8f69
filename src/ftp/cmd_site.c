/*
 * cmd_site.c: SITE UMASK, CHMOD, IDLE, HELP (and MD5 once digests are
 * built), with BSD's replies and limits.  Guests get none of them, and
 * nothing here ever runs a program (there is no SITE EXEC).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/opts.h"
#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "ftp/path.h"
#include "session.h"

static const char *site_cmds[] = { "UMASK", "CHMOD", "IDLE", "MD5", "HELP",
    NULL };

/* BSD reads the digits as decimal, then as octal: 8 and 9 are errors. */
static int
parse_mode(struct str s, mode_t *out)
{
	uint64_t v;

	if (str_to_octal(str_trim(s), 0777, &v) == -1)
		return -1;
	*out = (mode_t)v;
	return 0;
}

static void
site_umask(struct str arg)
{
	mode_t m, old = sess.umask;

	if (str_empty(arg)) {
		(void)ctl_reply(&sess.ctl, 200, "Current UMASK is %03o.",
		    (unsigned)old);
		return;
	}
	/* "upload off" turns the modify commands off too. */
	if (sess.cls->modify == 0 || sess.cls->upload == 0) {
		(void)ctl_reply(&sess.ctl, 550, "Permission denied.");
		return;
	}
	if (parse_mode(arg, &m) == -1) {
		(void)ctl_reply(&sess.ctl, 501, "Bad UMASK value.");
		return;
	}
	umask(m);
	sess.umask = m;
	(void)ctl_reply(&sess.ctl, 200, "UMASK set to %03o (was %03o).",
	    (unsigned)m, (unsigned)old);
}

static void
site_chmod(struct str arg)
{
	struct str mode, file;
	char path[PATH_MAX];
	mode_t m;

	if (opts.read_only || sess.cls->modify == 0 || sess.cls->upload == 0) {
		(void)ctl_reply(&sess.ctl, 550, "Permission denied.");
		return;
	}
	(void)str_split(str_trim(arg), ' ', &mode, &file);
	file = str_trim(file);
	if (str_empty(file)) {
		(void)ctl_reply(&sess.ctl, 501, "Syntax: SITE CHMOD <mode> "
		    "<file>");
		return;
	}
	if (parse_mode(mode, &m) == -1) {
		(void)ctl_reply(&sess.ctl, 501, "Bad mode value.");
		return;
	}
	if (path_expand(file, path, sizeof(path)) == -1)
		return;
	if (chmod(path, m) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	session_log_op("chmod", path, NULL, -1);
	(void)ctl_reply(&sess.ctl, 200, "CHMOD command successful.");
}

static void
site_idle(struct str arg)
{
	uint64_t n;

	if (str_empty(arg)) {
		(void)ctl_reply(&sess.ctl, 200, "Current IDLE time limit is %d "
		    "seconds; max %d.", sess.idle_timeout, sess.cls->maxtimeout);
		return;
	}
	if (str_to_u64(str_trim(arg), 1000000, &n) == -1 || n < 30 ||
	    n > (uint64_t)sess.cls->maxtimeout) {
		(void)ctl_reply(&sess.ctl, 501, "Maximum IDLE time must be "
		    "between 30 and %d seconds.", sess.cls->maxtimeout);
		return;
	}
	sess.idle_timeout = (int)n;
	(void)ctl_reply(&sess.ctl, 200, "Maximum IDLE time set to %d seconds.",
	    sess.idle_timeout);
}

void
cmd_site_help(struct str arg)
{
	BUF_DECLARE(b, 256);
	int i;

	if (!str_empty(arg)) {
		for (i = 0; site_cmds[i] != NULL; i++)
			if (str_eq_ci(str_trim(arg), site_cmds[i])) {
				(void)ctl_reply(&sess.ctl, 214, "Syntax: SITE "
				    "%s", site_cmds[i]);
				return;
			}
		(void)ctl_reply(&sess.ctl, 502, "Unknown command %.*s.",
		    (int)(arg.len > 64 ? 64 : arg.len), arg.p);
		return;
	}
	(void)ctl_lreply(&sess.ctl, 214, "The following SITE commands are "
	    "recognized.");
	for (i = 0; site_cmds[i] != NULL; i++)
		(void)buf_printf(&b, "   %-8s", site_cmds[i]);
	(void)buf_adds(&b, "\r\n");
	(void)ctl_write(&sess.ctl, buf_data(&b), buf_len(&b));
	(void)ctl_reply(&sess.ctl, 214, "End.");
}

void
cmd_site(struct str arg)
{
	struct str sub, rest;

	(void)str_split(str_trim(arg), ' ', &sub, &rest);
	rest = str_trim(rest);
	/* BSD's lexer knows no SITE command at all for guests. */
	if (sess.guest) {
		(void)ctl_reply(&sess.ctl, 500, "'SITE %.*s': command not "
		    "understood.", (int)(sub.len > 64 ? 64 : sub.len), sub.p);
		return;
	}
	if (str_eq_ci(sub, "UMASK"))
		site_umask(rest);
	else if (str_eq_ci(sub, "CHMOD"))
		site_chmod(rest);
	else if (str_eq_ci(sub, "IDLE"))
		site_idle(rest);
	else if (str_eq_ci(sub, "MD5"))
		cmd_site_md5(rest);
	else if (str_eq_ci(sub, "HELP"))
		cmd_site_help(rest);
	else
		(void)ctl_reply(&sess.ctl, 500, "'SITE %.*s': command not "
		    "understood.", (int)(sub.len > 64 ? 64 : sub.len), sub.p);
}
