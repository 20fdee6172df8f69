/*
 * cmd_tls.c: RFC 4217 commands after login.  AUTH itself belongs to the
 * pre-login process (only it can start TLS on the control connection);
 * PBSZ and PROT set how the data connections of this session run.
 */
#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "session.h"
#include "tls/ftps.h"

void
cmd_auth(struct str arg)
{
	(void)arg;
	if (ftps_server == NULL)
		(void)ctl_reply(&sess.ctl, 502, "AUTH not available: no TLS "
		    "certificate is configured.");
	else if (sess.tls_ctl)
		(void)ctl_reply(&sess.ctl, 503, "TLS is already active.");
	else
		(void)ctl_reply(&sess.ctl, 503, "AUTH must come before "
		    "login; use REIN first.");
}

void
cmd_pbsz(struct str arg)
{
	ftp_pbsz(&sess.ctl, arg, sess.tls_ctl, &sess.prot);
}

void
cmd_prot(struct str arg)
{
	ftp_prot(&sess.ctl, arg, sess.tls_ctl, sess.cls->tls, &sess.prot);
}

void
cmd_ccc(struct str arg)
{
	(void)arg;
	/* A clear control channel would make NAT helpers, not users, happy. */
	(void)ctl_reply(&sess.ctl, 502, "CCC not implemented: the control "
	    "connection stays protected.");
}
