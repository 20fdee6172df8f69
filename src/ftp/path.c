/*
 * path.c: tilde and wildcard expansion of path arguments (see path.h),
 * over fs/glob.c's bounded matcher.
 */
#include <string.h>

#include "fs/glob.h"
#include "ftp/path.h"
#include "session.h"

/* ~ and ~me are the session's home; no other user is looked up. */
static int
home_of(const char *user, char *dir, size_t dirsize, void *arg)
{
	(void)arg;
	if (user[0] != '\0' && strcmp(user, sess.user) != 0)
		return -1;
	return cstr_copy(dir, dirsize, sess.home);
}

static const char *
glob_error(int r)
{
	switch (r) {
	case GLOB_E_NOMATCH:
		return "No files found.";
	case GLOB_E_USER:
		return "Unknown user name after ~.";
	case GLOB_E_TOOMANY:
	case GLOB_E_DIRS:
	case GLOB_E_BRACE:
		return "Wildcard expansion too large.";
	default:
		return "Wildcard expansion error.";
	}
}

static int
needs_glob(const char *s)
{
	return s[0] == '~' || glob_has_magic(s);
}

int
path_glob(const char *arg, size_t max, struct glob_result *res,
    const char **why)
{
	struct glob_opts go;
	int r;

	if (!needs_glob(arg))
		return 0;
	memset(&go, 0, sizeof(go));
	go.flags = GLOB_F_TILDE | GLOB_F_BRACE;
	go.max_results = max;
	go.home = home_of;
	if ((r = glob_expand(arg, &go, res)) < 0) {
		*why = glob_error(r);
		return -1;
	}
	return (int)res->count;
}

int
path_expand(struct str arg, char *dst, size_t dstsize)
{
	struct glob_result res;
	struct glob_opts go;
	int r;

	if (str_copy(arg, dst, dstsize) == -1) {
		(void)ctl_reply(&sess.ctl, 550, "File name too long.");
		return -1;
	}
	if (!needs_glob(dst))
		return 0;
	memset(&go, 0, sizeof(go));
	/* NOCHECK: a pattern matching nothing is a name to create (STOR). */
	go.flags = GLOB_F_TILDE | GLOB_F_BRACE | GLOB_F_NOCHECK;
	go.max_results = 2;
	go.home = home_of;
	if ((r = glob_expand(dst, &go, &res)) < 0) {
		(void)ctl_reply(&sess.ctl, 550, "%s", r == GLOB_E_TOOMANY ?
		    "Wildcard is ambiguous." : glob_error(r));
		return -1;
	}
	if (res.count != 1) {
		glob_free(&res);
		(void)ctl_reply(&sess.ctl, 550, "Wildcard is ambiguous.");
		return -1;
	}
	r = cstr_copy(dst, dstsize, res.paths[0]);
	glob_free(&res);
	if (r == -1) {
		(void)ctl_reply(&sess.ctl, 550, "File name too long.");
		return -1;
	}
	return 0;
}
