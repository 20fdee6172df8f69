/*
 * cmd_login.c: USER, PASS, ACCT, SMNT, REIN and QUIT after login.  A real
 * user's USER and every REIN hand the control connection back to the
 * monitor, which starts a fresh pre-login process for it: this process
 * has the user's ids and can never become anybody else.
 */
#include <string.h>
#include <unistd.h>

#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "monitor.h"
#include "session.h"

void
cmd_user(struct str arg)
{
	BUF_DECLARE(b, MON_PENDING_MAX);

	if (sess.guest) {
		(void)ctl_reply(&sess.ctl, 530, "Can't change user from guest "
		    "login.");
		return;
	}
	if (sess.chrooted) {
		(void)ctl_reply(&sess.ctl, 530, "Can't change user from chroot "
		    "user.");
		return;
	}
	/* BSD ends the login and starts over with this USER command. */
	(void)buf_printf(&b, "USER %.*s\r\n", (int)arg.len, arg.p);
	(void)buf_add(&b, buf_data(&sess.ctl.in), buf_len(&sess.ctl.in));
	if (buf_overflowed(&b)) {
		(void)ctl_reply(&sess.ctl, 500, "Command too long.");
		return;
	}
	session_rein(buf_data(&b), buf_len(&b), 0);
}

void
cmd_pass(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 503, "Already logged in.");
}

void
cmd_host(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 503, "Already logged in.");
}

void
cmd_acct(struct str arg)
{
	(void)arg;
	/* RFC 959 allows 202: no account information is needed here. */
	(void)ctl_reply(&sess.ctl, 202, "ACCT command superfluous.");
}

void
cmd_smnt(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 502, "SMNT command not implemented.");
}

void
cmd_rein(struct str arg)
{
	(void)arg;
	session_rein(buf_data(&sess.ctl.in), buf_len(&sess.ctl.in), 1);
}

void
cmd_quit(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 221, "Goodbye.");
	session_exit(0);
}
