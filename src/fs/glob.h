/*
 * glob: bounded pathname globbing for NLST, LIST, STAT and pathname
 * arguments, written for ftpd instead of using the libc glob(3), whose
 * BSD versions had overflows (CVE-2001-0247), unbounded brace and match
 * counts (CVE-2010-2632, CVE-2011-0418) and exponential-time matching
 * of a*a*a*...b (bsd-ftpd.md §6).
 *
 * Pattern syntax (matching is byte-wise and case-sensitive):
 *   *        any run of bytes, ? any one byte;
 *   [...]    a set: ranges a-z (by byte value; z-a matches nothing),
 *            [!...] or [^...] negated, ']' first is literal, '-' first
 *            or last is literal, \x escapes, [:alpha:] and the other
 *            POSIX classes (ASCII only); a '[' with no closing ']' is a
 *            literal '[';
 *   \x       the byte x, literally; a '\' that ends the pattern is an
 *            error; "\/" is a plain '/';
 *   {a,b}    alternatives, only with GLOB_F_BRACE (else literal): at
 *            most GLOB_BRACE_MAX patterns after expansion, at most
 *            4 x GLOB_BRACE_MAX group expansions, braces nested at most
 *            GLOB_BRACE_DEPTH deep, or the whole pattern is refused
 *            (GLOB_E_BRACE), never silently cut.  "{}" and a '{' with
 *            no matching '}' are literal; "{a}" is "a"; ',' and braces
 *            inside a [set] or escaped are literal.
 *   ~ ~user  at the very start, only with GLOB_F_TILDE: replaced by the
 *            directory the caller's callback gives (so it can be backed
 *            by data read before chroot); an unknown user or no callback
 *            is GLOB_E_USER.  Tilde comes before braces: "{~a,~b}" is
 *            not expanded.  The directory is taken literally.
 * Path rules: the pattern is split at every '/' (brackets included)
 * and each part matches one path component; *, ? and sets never match
 * '/'; a name that starts with '.' matches only a part that starts with
 * a literal '.'.  While expanding, wildcards never produce "." or ".."
 * (a literal "." or ".." part still works: "*\/../x").
 *
 * Costs: glob_match is O(pattern x name) (one backtrack point per path
 * component: the classic greedy star).  Expansion walks directories
 * with opendir/readdir depth-first on an explicit stack, with caps on
 * results, result bytes, directories opened and entries read; hitting
 * one refuses the whole expansion.  Nothing recurses.
 */
#ifndef FTPD_GLOB_H
#define FTPD_GLOB_H

#include <stddef.h>

#define GLOB_PATTERN_MAX	4096	/* bytes, after tilde expansion */
#define GLOB_PATH_MAX		4096	/* longer result paths are skipped */
#define GLOB_BRACE_MAX		64	/* patterns after brace expansion */
#define GLOB_BRACE_DEPTH	2	/* {a,{b,c}} is fine, one more is not */
#define GLOB_MAGIC_PARTS	32	/* wildcard path components */

/* Defaults for the caps (a 0 in glob_opts picks these). */
#define GLOB_MAX_RESULTS	1000		/* NLST passes 16384 */
#define GLOB_MAX_BYTES		(1024 * 1024)	/* sum of strlen + 1 */
#define GLOB_MAX_DIRS		2048		/* opendir calls */
#define GLOB_MAX_ENTRIES	(256 * 1024)	/* readdir entries */

/* glob_opts.flags */
#define GLOB_F_NOCHECK	0x01	/* no match: return the pattern itself */
#define GLOB_F_BRACE	0x02	/* expand {a,b} */
#define GLOB_F_TILDE	0x04	/* expand ~ and ~user */
#define GLOB_F_MARK	0x08	/* append '/' to directories */

/* glob_expand errors (all negative). */
#define GLOB_E_NOMATCH	(-1)	/* nothing matched (and no NOCHECK) */
#define GLOB_E_TOOMANY	(-2)	/* more results or bytes than allowed */
#define GLOB_E_DIRS	(-3)	/* too many directories or entries read */
#define GLOB_E_PATTERN	(-4)	/* bad or over-long pattern */
#define GLOB_E_BRACE	(-5)	/* brace expansion over its caps */
#define GLOB_E_USER	(-6)	/* ~user unknown, or no callback */
#define GLOB_E_NOMEM	(-7)	/* out of memory */

/*
 * Home directory of user ("" for plain "~": the session's own home)
 * into dir[dirsize] as a C string.  0 if found, -1 if unknown (or it
 * does not fit).
 */
typedef int	glob_home_fn(const char *user, char *dir, size_t dirsize,
		    void *arg);

struct glob_opts {
	int		 flags;		/* GLOB_F_* */
	size_t		 max_results;	/* 0: GLOB_MAX_RESULTS */
	size_t		 max_bytes;	/* 0: GLOB_MAX_BYTES */
	size_t		 max_dirs;	/* 0: GLOB_MAX_DIRS */
	size_t		 max_entries;	/* 0: GLOB_MAX_ENTRIES */
	glob_home_fn	*home;		/* for GLOB_F_TILDE */
	void		*home_arg;
};

struct glob_result {
	size_t	  count;
	char	**paths;	/* count strings sorted by strcmp, then NULL */
	/*
	 * Set when NOCHECK added at least one path: for each brace
	 * alternative that matched nothing, the (tilde-expanded)
	 * alternative with its backslash escapes removed, i.e. the name
	 * to open or create literally.  With braces such a path may sit
	 * beside real matches (as with BSD GLOB_NOCHECK).
	 */
	int	  nocheck;
};

/*
 * Expand pattern (relative to the cwd, or absolute).  Fills *res and
 * returns the number of paths (at least 1), or a GLOB_E_* error with
 * *res empty (GLOB_E_PATTERN also for more than GLOB_MAGIC_PARTS
 * wildcard components or an empty pattern).  Unreadable directories
 * and names that vanish are skipped, as glob(3) without GLOB_ERR.
 * opts may be NULL (no flags, default caps).  Results are sorted,
 * without duplicates; a result holding CR or LF is dropped (also under
 * NOCHECK); paths are built as "dir/name" from the pattern's own
 * spelling ("./x" stays "./x", "a//b" becomes "a/b").  Under NOCHECK
 * an alternative that matched nothing contributes its literal form
 * (see nocheck above).
 */
int	 glob_expand(const char *pattern, const struct glob_opts *opts,
	    struct glob_result *res);

/* Free what glob_expand stored; *res becomes empty.  NULL is fine. */
void	 glob_free(struct glob_result *res);

/*
 * 1 if pattern holds an unescaped *, ?, a '[' with a closing ']', or a
 * '{...}' group with a ',' in it (braces count whatever the flags); 0
 * otherwise (also for NULL).  A leading '~' is not magic.
 */
int	 glob_has_magic(const char *pattern);

/*
 * Match a whole name (which may hold '/') against pattern by the rules
 * above; braces and tilde are not expanded here.  1 match, 0 no match,
 * -1 bad pattern (a trailing '\', longer than GLOB_PATTERN_MAX), NULL
 * argument or out of memory (it allocates O(pattern length)).
 */
int	 glob_match(const char *pattern, const char *name);

#endif
