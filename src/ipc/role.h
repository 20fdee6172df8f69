/*
 * role: privilege transitions (see role.c).  Resolve ids while still
 * root and outside any chroot; enter a role exactly once per process.
 */
#ifndef FTPD_ROLE_H
#define FTPD_ROLE_H

#include <stdio.h>
#include <sys/types.h>

struct role_id {
	uid_t	uid;
	gid_t	gid;
};

int	 role_lookup(const char *user, struct role_id *);
/* Create if missing; refuse unless root-owned and not writable by others. */
int	 role_check_empty_dir(const char *dir, char *err, size_t errsize);
/* Never return on failure. */
void	 role_enter_preauth(const struct role_id *, const char *empty_dir);
/*
 * user NULL: a guest, whose only group is its primary one.
 * root NULL: no chroot.  start: the directory to chdir to afterwards;
 * failing it inside a chroot ends the process, outside it falls back to /
 * and returns 1 (the caller tells the user); 0 otherwise.
 */
int	 role_enter_user(const char *user, const struct role_id *,
	    const char *root, const char *start);

#endif
