/*
 * path: a client's path argument to the name the kernel is given.
 * "~" and "~user" (only the session's own user: other users' homes do
 * not exist inside a jail and are never looked up) and glob patterns
 * with a single match are expanded; everything else passes unchanged.
 * The jail itself is a real chroot, so nothing here is a security
 * boundary: it only has to be bounded and predictable.
 */
#ifndef FTPD_PATH_H
#define FTPD_PATH_H

#include <stddef.h>

#include "str.h"

/* 0, or -1 after replying 550 (ambiguous, no match, bad pattern). */
int	 path_expand(struct str arg, char *dst, size_t dstsize);

struct glob_result;
/*
 * For LIST/NLST/STAT: expand a pattern into every match (at most max).
 * Returns the count (>= 1), 0 if arg has no pattern (use it as is), or
 * -1 with *why set to a reply text.
 */
int	 path_glob(const char *arg, size_t max, struct glob_result *,
	    const char **why);

#endif
