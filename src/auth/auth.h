/*
 * auth: password checks and account rules.  Linked into the login worker
 * only (a root process that never reads client bytes itself).
 */
#ifndef FTPD_AUTH_H
#define FTPD_AUTH_H

#include <sys/types.h>

#include "auth/ftplist.h"

enum auth_res {
	AUTH_OK = 0,
	AUTH_FAIL,	/* wrong password, locked or expired account */
	AUTH_SYSERR	/* PAM itself failed: fall back to crypt(3) */
};

/* PAM: authenticate and check the account (service, e.g. "ftpd"). */
enum auth_res	 auth_pam(const char *service, const char *user,
		    const char *pass, const char *rhost);
/* crypt(3) against the shadow (or passwd) hash; expiry checked. */
enum auth_res	 auth_crypt(const char *user, const char *pass);
/* Spend about as long as a real check, for unknown users. */
void		 auth_dummy(const char *pass);

/* Is shell listed in the shells file?  An empty shell means /bin/sh. */
int	 auth_shell_ok(const char *shells_path, const char *shell);

/*
 * Look user up in an ftpusers/ftpchroot style file.  Returns 0 with
 * m->matched set or not; 0 with nothing matched when the file does not
 * exist; -1 when it exists but cannot be read (callers fail closed).
 * member_only: "@group" matches explicit group members only (used for
 * the anonymous names, as BSD does).
 */
int	 auth_list_lookup(const char *path, const char *user, gid_t gid,
	    int member_only, struct ftplist_match *m);

#endif
