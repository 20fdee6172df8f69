/*
 * cmd_info.c: commands that only report: NOOP SYST FEAT HELP STAT OPTS
 * CLNT.  STAT with a path lists it on the control connection, so every
 * line that starts with a digit gets a leading space (a file name must
 * never look like a reply: NetBSD-SA2002-027).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/opts.h"
#include "fs/ls.h"
#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "ftp/path.h"
#include "log/log.h"
#include "session.h"

#define STAT_MAX_LINES	10000

void
cmd_noop(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 200, "NOOP command successful.");
}

void
cmd_syst(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 215, "%s Type: L8",
	    opts.hide_host ? "UNKNOWN" : "UNIX");
}

void
cmd_feat(struct str arg)
{
	(void)arg;
	ftp_feat(&sess.ctl);
}


void
cmd_help(struct str arg)
{
	struct str first, rest;

	(void)str_split(str_trim(arg), ' ', &first, &rest);
	if (str_eq_ci(first, "SITE")) {
		cmd_site_help(rest);
		return;
	}
	ftp_help(&sess.ctl, arg);
}

void
cmd_clnt(struct str arg)
{
	char name[128];

	log_sanitize(name, sizeof(name), arg.p, arg.len);
	log_debug("client software: %s", name);
	(void)ctl_reply(&sess.ctl, 200, "Noted.");
}

void
cmd_opts(struct str arg)
{
	struct str name, value;

	(void)str_split(str_trim(arg), ' ', &name, &value);
	value = str_trim(value);
	if (str_eq_ci(name, "UTF8") || str_eq_ci(name, "UTF-8")) {
		if (str_eq_ci(value, "ON") || str_empty(value)) {
			sess.utf8 = 1;
			(void)ctl_reply(&sess.ctl, 200, "UTF8 set to on.");
			return;
		}
		if (str_eq_ci(value, "OFF")) {
			/* Names are bytes either way; nothing is converted. */
			sess.utf8 = 0;
			(void)ctl_reply(&sess.ctl, 200, "UTF8 set to off.");
			return;
		}
	}
	if (str_eq_ci(name, "MLST")) {
		cmd_opts_mlst(value);
		return;
	}
	if (str_eq_ci(name, "HASH")) {
		cmd_opts_hash(value);
		return;
	}
	(void)ctl_reply(&sess.ctl, 501, "Option not understood.");
}

/* STAT's listing sink: escape leading digits, cap the output. */
struct stat_sink {
	int	lines;
	int	at_line_start;
};

static int
stat_write(void *arg, const void *data, size_t len)
{
	struct stat_sink *ss = arg;
	const uint8_t *p = data;
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (ss->at_line_start) {
			if (++ss->lines > STAT_MAX_LINES)
				return -1;
			if (p[i] >= '0' && p[i] <= '9')
				(void)ctl_write(&sess.ctl, " ", 1);
			ss->at_line_start = 0;
		}
		if (p[i] == '\n') {
			if (ctl_write(&sess.ctl, p + start, i + 1 - start) == -1)
				return -1;
			start = i + 1;
			ss->at_line_start = 1;
		}
	}
	if (start < len && ctl_write(&sess.ctl, p + start, len - start) == -1)
		return -1;
	return 0;
}

static void
stat_path(struct str arg)
{
	struct stat_sink sink = { 0, 1 };
	struct ls_opts lo;
	struct str rest;
	struct stat st;
	char path[PATH_MAX];
	int code;

	memset(&lo, 0, sizeof(lo));
	lo.long_format = lo.almost_all = 1;
	ls_parse_flags(arg, &lo, &rest);
	if (str_empty(rest))
		(void)cstr_copy(path, sizeof(path), ".");
	else if (path_expand(rest, path, sizeof(path)) == -1)
		return;
	if (stat(path, &st) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	code = S_ISDIR(st.st_mode) ? 212 : 213;
	(void)ctl_lreply(&sess.ctl, code, "Status of %s:", path);
	if (ls_list(path, &lo, sess.ids, time(NULL), stat_write, &sink) == -1)
		(void)ctl_lreply(&sess.ctl, code, " %s: %s", path,
		    strerror(errno));
	if (!sink.at_line_start)
		(void)ctl_write(&sess.ctl, "\r\n", 2);
	(void)ctl_reply(&sess.ctl, code, "End of status.");
}

void
cmd_stat(struct str arg)
{
	if (!str_empty(str_trim(arg))) {
		stat_path(str_trim(arg));
		return;
	}
	if (opts.hide_host)
		(void)ctl_lreply(&sess.ctl, 211, "FTP server status:");
	else {
		(void)ctl_lreply(&sess.ctl, 211, "%s FTP server status:",
		    ftp_hostname());
		(void)ctl_write(&sess.ctl, "     ftpd " FTPD_VERSION "\r\n",
		    sizeof("     ftpd " FTPD_VERSION "\r\n") - 1);
	}
	{
		BUF_DECLARE(b, 512);

		(void)buf_printf(&b, "     Connected to %s\r\n", sess.ip);
		if (sess.guest)
			(void)buf_printf(&b, "     Logged in anonymously\r\n");
		else
			(void)buf_printf(&b, "     Logged in as %s\r\n",
			    sess.user);
		/* ftpd.conf "private" hides the class from STAT. */
		if (!sess.cls->private_)
			(void)buf_printf(&b, "     Class: %s, type: %s\r\n",
			    sess.cls->name, ftpdconf_type_name(sess.cls->type));
		(void)buf_printf(&b, "     TYPE: %s, FORM: Nonprint; STRUcture: "
		    "File; transfer MODE: Stream\r\n",
		    sess.type_ascii ? "ASCII" : "BINARY");
		if (sess.dmode == DC_PASV)
			(void)buf_printf(&b, "     In passive mode\r\n");
		else if (sess.dmode == DC_PORT)
			(void)buf_printf(&b, "     Data connection set by "
			    "PORT\r\n");
		else
			(void)buf_printf(&b, "     No data connection\r\n");
		(void)ctl_write(&sess.ctl, buf_data(&b), buf_len(&b));
	}
	(void)ctl_reply(&sess.ctl, 211, "End of status.");
}
