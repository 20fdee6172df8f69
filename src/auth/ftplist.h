/*
 * ftplist: the /etc/ftpusers and /etc/ftpchroot parsers (pure functions).
 *
 * Both files share one syntax (ftpusers(5), ftpchroot(5)):
 *   - '#' in column 1 starts a comment line; blank lines are skipped;
 *   - field 1 is a user name, "@group", or a bare "@" (everybody);
 *   - fields are separated by spaces or tabs;
 *   - ftpchroot: optional field 2 is the chroot directory;
 *   - ftpusers: optional field 2 is allow|yes|deny|no (NetBSD; default
 *     deny), optional field 3 a class name (ftpd.conf(5)).
 * The first matching line wins.  Hostile input is survived: lines longer
 * than FTPLIST_LINE_MAX (not counting the newline and a CR before it)
 * are skipped whole, a line holding a NUL byte is skipped, a trailing
 * CR is dropped, the last line needs no newline.  Names compare exactly
 * (case-sensitive, whole field); leading blanks before field 1 are
 * allowed (so " #x" is the name "#x", not a comment).
 *
 * The parsers never look anything up: group membership is answered by
 * the caller's callback, so they can be unit-tested and fuzzed.
 */
#ifndef FTPD_FTPLIST_H
#define FTPD_FTPLIST_H

#include <stddef.h>

#define FTPLIST_LINE_MAX	1024
#define FTPLIST_DIR_MAX		1024
#define FTPLIST_CLASS_MAX	64

/* Is the user being checked a member of group?  1 yes, 0 no. */
typedef int	ftplist_group_fn(const char *group, void *arg);

struct ftplist_query {
	const char		*user;
	ftplist_group_fn	*in_group;	/* NULL: "@group" never matches */
	void			*arg;
};

struct ftplist_match {
	int	 matched;			/* a line applied */
	int	 allow;				/* ftpusers: 1 if allow/yes */
	char	 dir[FTPLIST_DIR_MAX];		/* ftpchroot: field 2 or "" */
	char	 class_name[FTPLIST_CLASS_MAX];	/* ftpusers: field 3 or "" */
	int	 line;				/* 1-based line that matched */
};

/*
 * Scan a whole file image text[len] for the first line matching q.
 * Returns 0 (see out->matched), never fails on content; -1 only if q,
 * q->user or out is NULL.  On a match, dir is field 2 verbatim (either
 * file) and allow is 1 only for allow|yes (any case); a class field
 * too long for class_name leaves class_name "" and forces allow = 0.
 * An in_group answer other than 0 counts as membership.
 */
int	 ftplist_match(const char *text, size_t len,
	    const struct ftplist_query *q, struct ftplist_match *out);

/*
 * Split a chroot/home directory at the first "/./": root gets the part
 * before it ("/" if that is empty), start the part after it made
 * absolute ("/" if none).  Without "/./", root = dir and start = "/".
 * -1 (root and start "") if it does not fit.
 */
int	 ftplist_split_dotslash(const char *dir, char *root, size_t rootsize,
	    char *start, size_t startsize);

#endif
