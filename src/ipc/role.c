/*
 * role.c: the only place where a process changes its privileges.
 *
 * role_enter_preauth(): root -> nopriv user, no groups, chrooted into the
 * empty directory.  role_enter_user(): root -> the logged-in user, with
 * real, effective and saved ids all the user's.  Both verify the result
 * with getres[ug]id and end the process on any failure: a half-dropped
 * process must never serve a client (CVE-2020-7468).
 */
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "ipc/role.h"
#include "log/log.h"
#include "platform/platform.h"

int
role_lookup(const char *user, struct role_id *id)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	return 0;
}

int
role_check_empty_dir(const char *dir, char *err, size_t errsize)
{
	struct stat st;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errsize, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		snprintf(err, errsize, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errsize, "%s must be a directory owned by root "
		    "and writable by nobody else", dir);
		return -1;
	}
	return 0;
}

static void
drop_to(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setresgid(gid, gid, gid) == -1)
		fatal("setresgid(%u): %s", (unsigned)gid, strerror(errno));
	if (setresuid(uid, uid, uid) == -1)
		fatal("setresuid(%u): %s", (unsigned)uid, strerror(errno));
	if (getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid ||
	    sg != gid)
		fatal("group ids did not change");
	if (getresuid(&ru, &eu, &su) == -1 || ru != uid || eu != uid ||
	    su != uid)
		fatal("user ids did not change");
	/* Root must be gone for good. */
	if (uid != 0 && setuid(0) != -1)
		fatal("could regain root after dropping privileges");
	if (plat_no_new_privs() == -1)
		fatal("no_new_privs: %s", strerror(errno));
}

void
role_enter_preauth(const struct role_id *id, const char *empty_dir)
{
	if (chroot(empty_dir) == -1 || chdir("/") == -1)
		fatal("chroot %s: %s", empty_dir, strerror(errno));
	if (setgroups(0, NULL) == -1)
		fatal("setgroups: %s", strerror(errno));
	drop_to(id->uid, id->gid);
	(void)plat_set_nodump();
}

int
role_enter_user(const char *user, const struct role_id *id,
    const char *root, const char *start)
{
	int fell_back = 0;

	/*
	 * initgroups may use NSS: it runs here, before the chroot.  A guest
	 * (user NULL) gets its primary group only.
	 */
	if (user == NULL) {
		if (setgroups(1, &id->gid) == -1)
			fatal("setgroups: %s", strerror(errno));
	} else if (initgroups(user, id->gid) == -1)
		fatal("initgroups %s: %s", user, strerror(errno));
	if (root != NULL) {
		if (chroot(root) == -1)
			fatal("chroot %s: %s", root, strerror(errno));
		if (chdir("/") == -1)
			fatal("chdir / in %s: %s", root, strerror(errno));
	}
	drop_to(id->uid, id->gid);
	/* chdir as the user, so permissions and NFS homes apply. */
	if (start != NULL && chdir(start) == -1) {
		if (root != NULL)
			fatal("chdir %s in %s: %s", start, root,
			    strerror(errno));
		if (chdir("/") == -1)
			fatal("chdir /: %s", strerror(errno));
		fell_back = 1;
	}
	(void)plat_set_nodump();
	return fell_back;
}
