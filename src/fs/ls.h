/*
 * ls: the built-in directory listing for LIST, NLST and STAT (no
 * external /bin/ls is ever run).
 *
 * Output lines end in CRLF (listings always travel as ASCII).  Output goes
 * through a sink callback in chunks, so a huge directory never needs the
 * whole listing in memory; entries of one directory are read, sorted and
 * printed, with a hard cap (LS_MAX_ENTRIES) per directory.  Recursion
 * (-R) is iterative with a depth and a total cap.  Names holding CR or LF
 * are never printed raw: they are skipped (NLST) or escaped (LIST).
 */
#ifndef FTPD_LS_H
#define FTPD_LS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "str.h"

#define LS_MAX_ENTRIES	100000	/* per directory */
#define LS_MAX_TOTAL	200000	/* per listing, with -R */
#define LS_MAX_DEPTH	16	/* -R */

struct idmap;

struct ls_opts {
	int	 long_format;	/* -l (LIST default) */
	int	 all;		/* -a: include . and .. */
	int	 almost_all;	/* -A: dot files but not . and .. (LIST default) */
	int	 recursive;	/* -R */
	int	 directory;	/* -d: list directories themselves */
	int	 classify;	/* -F */
	int	 numeric;	/* -n */
	int	 sort_time;	/* -t */
	int	 sort_size;	/* -S */
	int	 reverse;	/* -r */
	int	 no_group;	/* (not used by LIST; ls -o) */
	int	 deref;		/* -L: describe what symlinks point to */
	int	 nlst;		/* NLST: names only */
};

/* Write len bytes to the data connection; 0 on success, -1 to stop. */
typedef int	ls_sink_fn(void *arg, const void *data, size_t len);

/*
 * Parse leading "-flags" words of a LIST/NLST argument ("-la", "-l -R").
 * Unknown flag letters are ignored (as BSD does); *rest gets what follows
 * (the path), trimmed.  "--" ends the flags; a lone "-" is a path; a GNU
 * "--long-option" word is skipped whole.  Flags found are set in *opts
 * (-n also sets -l; the last of -t/-S wins); the caller sets the
 * command's defaults (LIST: -lA) before, and nothing is ever cleared.
 */
void	 ls_parse_flags(struct str arg, struct ls_opts *, struct str *rest);

/*
 * List path (a file or a directory, relative to the cwd).  now is used
 * for the "recent" date format; dates are shown in UTC.  A symlink named
 * as path is followed if it leads to a directory (unless -d); symlinks
 * inside the tree never are.  Returns 0, or -1 with errno set if path
 * cannot be listed at all (ENOENT, EACCES...), or -2 if the sink stopped.
 */
int	 ls_list(const char *path, const struct ls_opts *,
	    const struct idmap *, time_t now, ls_sink_fn *, void *arg);

/*
 * Format one long line for name with st into out (CRLF ended, then NUL);
 * linktarget (may be NULL) is shown for a symlink.  Control bytes in
 * name, target and owner names are printed as '?'.  idmap NULL or -n:
 * numeric ids.  Returns the line's length, or -1 (out = "") if it does
 * not fit in outsize.
 */
int	 ls_format_long(char *out, size_t outsize, const char *name,
	    const struct stat *st, const char *linktarget,
	    const struct idmap *, const struct ls_opts *, time_t now);

#endif
