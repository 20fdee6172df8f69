/*
 * ftpdconf: the NetBSD ftpd.conf(5) file, per-class session settings.
 *
 * The command-line settings live in conf/opts.h; this file is the other
 * half: what a logged-in user of a given class may do.  The parser is a
 * pure function over a file image (unit-tested and fuzzed); the loader
 * reads the file; a lookup gives the flat, typed settings of one class.
 *
 * Syntax.  One directive per line: "directive class [args...]".
 *   - '#' starts a comment that runs to the end of the physical line;
 *   - '\' followed by any character makes that character literal (a
 *     space, '#', '\'...); '\' followed by a newline (or CR LF) joins
 *     the next physical line to this one; a '\' that is the last byte of
 *     the file is an error;
 *   - words are separated by spaces, tabs and CRs;
 *   - a NUL byte or any other control byte, a logical line with more
 *     than FTPDCONF_LINE_MAX bytes of words or more than FTPDCONF_WORDS
 *     words is an error;
 *   - directive names, class names, "all", "none", "off", "on" and the
 *     class types compare case-insensitively.
 *
 * Classes.  "all" names every class; a line for class "none" is checked
 * but never applies.  A class's lines are replayed in file order, so the
 * last line that applies wins.  "template class ref" makes later lines
 * that name ref apply to class too (one template at a time; no ref or
 * "none" ends it).  The type of a class is the last "classtype" that
 * applies; without one it is GUEST, CHROOT or REAL for the built-in
 * class names guest, chroot and real, and the caller's default type for
 * any other name.
 *
 * Arguments.  On/off directives: no argument or "on" turns them on,
 * "off" or "none" off.  Every other directive: no argument or the single
 * argument "none" resets it to its default, except motd, which it turns
 * off (as NetBSD does).  For display and notify off is the default; for
 * advertise, chroot and homedir "" leaves the choice to the daemon.
 * Numbers are decimal with an optional suffix b (512), k, m, g, t
 * (powers of 1024) or w (4), and may be products: "2x1k" is 2048.
 * Overflow is an error.  "-1" is accepted only by limit and
 * maxfilesize.  umask is octal, at most 0777.  "limit class count
 * [file]"; "portrange class min max".  "conversion class suffix types
 * disable command...": types is f, d or f,d; disable a file name ("."
 * for none); command an absolute path, its words joined by one space
 * (a word may not hold a blank); it is stored for an execv-style
 * runner and never meant for a shell.  "conversion class suffix"
 * drops that suffix.
 *
 * Line numbers: a lexical error (NUL, control byte, line too long,
 * backslash at EOF) names the physical line where it is; any other
 * error names the line where its logical line starts.
 *
 * Checks (each is an error with "file:line: message"; the first error
 * fails the whole parse): an unknown directive, a missing class, a bad
 * class name, a wrong argument count, a bad number, a value out of range
 * (ranges below), a bad classtype, a bad "%" escape in chroot/homedir, a
 * string too long for its field, and, after the whole file is read,
 * timeout > maxtimeout or more than FTPDCONF_CONV_MAX conversions for
 * any class (reported at the line that caused it).
 *
 * Deliberate differences from NetBSD: defaults are picked by class type
 * as well as by name (a class of type GUEST gets modify off and umask
 * 0707 like the class "guest"); unknown directives, stray flag words
 * ("checkportcmd all maybe") and bad values are errors instead of being
 * logged and skipped; `conversion class none` drops every conversion.
 */
#ifndef FTPD_FTPDCONF_H
#define FTPD_FTPDCONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define FTPDCONF_CLASS_MAX	64	/* class name with its NUL */
#define FTPDCONF_PATH_MAX	1024	/* file names and formats, with NUL */
#define FTPDCONF_HOST_MAX	256	/* advertise */
#define FTPDCONF_SUFFIX_MAX	32	/* conversion suffix */
#define FTPDCONF_TYPES_MAX	8	/* conversion types: "f", "d", "f,d" */
#define FTPDCONF_CMD_MAX	512	/* conversion command */
#define FTPDCONF_CONV_MAX	16	/* conversions per class */
#define FTPDCONF_LINE_MAX	4096	/* bytes of words in a logical line */
#define FTPDCONF_WORDS		64	/* words in a logical line */
#define FTPDCONF_ENTRIES_MAX	65536	/* directive lines in a file */
#define FTPDCONF_CLASSES_MAX	256	/* distinct class names in a file */
#define FTPDCONF_FILE_MAX	(4 * 1024 * 1024)	/* ftpdconf_load */

/* Ranges, inclusive. */
#define FTPDCONF_TIMEOUT_MIN	30		/* timeout, maxtimeout */
#define FTPDCONF_TIMEOUT_MAX	604800		/* one week */
#define FTPDCONF_PORT_MIN	1024		/* portrange */
#define FTPDCONF_PORT_MAX	65535
#define FTPDCONF_LIMIT_MAX	1000000		/* limit: -1 .. this */
/* readsize, writesize, sendbufsize, recvbufsize, sendlowat: */
#define FTPDCONF_BUFSIZE_MAX	(64 * 1024 * 1024)
#define FTPDCONF_MMAP_MAX	(1024 * 1024 * 1024)	/* mmapsize */
/* rateget, rateput: 0 .. INT64_MAX; maxfilesize: -1 .. INT64_MAX. */

/* Enough for ftpdconf_print of any class. */
#define FTPDCONF_PRINT_MAX	131072

enum ftpdconf_type {
	FTPDCONF_GUEST = 0,	/* anonymous; chroot to the anonymous root */
	FTPDCONF_CHROOT,	/* ftpchroot users; chroot to their home */
	FTPDCONF_REAL		/* everyone else; no chroot */
};

/* "tls class mode": what TLS a class needs (FTPS, RFC 4217). */
enum ftpdconf_tls {
	FTPDCONF_TLS_OFF = 0,	/* no TLS for this class */
	FTPDCONF_TLS_ALLOW,	/* optional (the default) */
	FTPDCONF_TLS_LOGIN,	/* the control connection must be TLS */
	FTPDCONF_TLS_DATA	/* ... and every data connection (PROT P) */
};

struct ftpdconf_conversion {
	char	 suffix[FTPDCONF_SUFFIX_MAX];	/* e.g. ".tar.gz" */
	char	 types[FTPDCONF_TYPES_MAX];	/* "f", "d" or "f,d" */
	char	 disable[FTPDCONF_PATH_MAX];	/* a file; "." for none */
	char	 command[FTPDCONF_CMD_MAX];	/* absolute; "%s" = file */
};

/*
 * The resolved settings of one class.  Flat (no pointers), so it can be
 * copied or sent between processes.  Strings are "" when unset; the
 * comment gives each field's default.
 */
struct ftpdconf_class {
	char	 name[FTPDCONF_CLASS_MAX];	/* as asked for */
	enum ftpdconf_type type;		/* see above */

	char	 advertise[FTPDCONF_HOST_MAX];	/* "": the local address */
	int	 checkportcmd;			/* 1 */
	/* "": the daemon's choice (GUEST: anon root, CHROOT: home). */
	char	 chroot[FTPDCONF_PATH_MAX];	/* %c %d %u %% format */
	size_t	 nconversions;			/* 0 */
	struct ftpdconf_conversion conversions[FTPDCONF_CONV_MAX];
	int	 denyquick;			/* 0 */
	char	 display[FTPDCONF_PATH_MAX];	/* "" (off) */
	int	 hidesymlinks;			/* 0 */
	/* "": pw_dir for REAL, "/" for chrooted classes. */
	char	 homedir[FTPDCONF_PATH_MAX];	/* %c %d %u %% format */
	int	 limit;				/* -1 (unlimited); 0 = none */
	char	 limitfile[FTPDCONF_PATH_MAX];	/* "" */
	int64_t	 maxfilesize;			/* -1 (unlimited) */
	int	 maxtimeout;			/* 7200 */
	int	 mmapsize;			/* 0 (use read) */
	/*
	 * CHMOD DELE MKD RMD RNFR UMASK; 1, but 0 for type GUEST or the
	 * class "guest".  upload off also disables these: check both.
	 */
	int	 modify;
	char	 motd[FTPDCONF_PATH_MAX];	/* "motd" (confdir-relative) */
	char	 notify[FTPDCONF_PATH_MAX];	/* "" (off); a glob */
	int	 passive;			/* 1 */
	int	 portmin, portmax;		/* 0, 0: unset (kernel picks) */
	int	 private_;			/* private: 0 */
	int64_t	 rateget, rateput;		/* 0 (no limit), bytes/s */
	int	 readsize;			/* 0 (daemon default) */
	int	 recvbufsize;			/* 0 (system default) */
	int	 sanenames;			/* 0 */
	int	 sendbufsize;			/* 0 (system default) */
	int	 sendlowat;			/* 0 (system default) */
	int	 timeout;			/* 900 */
	int	 tls;				/* FTPDCONF_TLS_ALLOW */
	int	 tlsreuse;	/* 1: data connections resume the control's */
	mode_t	 umask;		/* 027, but 0707 for GUEST or "guest" */
	int	 upload;		/* 1: APPE STOR STOU (+ modify) */
	int	 writesize;			/* 0 (all at once) */
};

struct ftpdconf;

/*
 * Parse a file image text[len] (NUL bytes in it are errors, not ends).
 * filename (NULL: "ftpd.conf") is used in messages only.  Returns the
 * parsed file, or NULL with "file:line: message" (or "file: message")
 * in err[errsize] (err may be NULL).  An empty image gives all defaults.
 */
struct ftpdconf	*ftpdconf_parse(const char *text, size_t len,
		    const char *filename, char *err, size_t errsize);

/*
 * Read and parse path.  A file that does not exist gives all defaults
 * (not an error); one that cannot be read, is not a regular file, is
 * larger than FTPDCONF_FILE_MAX or does not parse gives NULL and err.
 */
struct ftpdconf	*ftpdconf_load(const char *path, char *err, size_t errsize);

void		 ftpdconf_free(struct ftpdconf *);

/*
 * Resolve the settings of classname into *out.  default_type is the
 * type for a name that no classtype line and no built-in name gives a
 * type (the login decides: anonymous GUEST, ftpchroot CHROOT, else
 * REAL).  0, or -1 if an argument is NULL or the name does not fit
 * FTPDCONF_CLASS_MAX.  No allocation; safe in long-lived processes.
 */
int		 ftpdconf_resolve(const struct ftpdconf *,
		    const char *classname, enum ftpdconf_type default_type,
		    struct ftpdconf_class *out);

/* The class names the file mentions ("all" and "none" are not). */
size_t		 ftpdconf_nclasses(const struct ftpdconf *);
const char	*ftpdconf_class_name(const struct ftpdconf *, size_t);

/*
 * The same, cached inside the ftpdconf: the pointer stays valid until
 * ftpdconf_free.  NULL on bad arguments, ENOMEM, or once 64 distinct
 * (name, type) pairs are cached.
 */
const struct ftpdconf_class *ftpdconf_class(const struct ftpdconf *,
		    const char *classname, enum ftpdconf_type default_type);

/*
 * Append the effective settings of c to out as ftpd.conf lines for
 * class c->name, one per directive in alphabetical order, every
 * directive present (so parsing the output and resolving c->name gives
 * c back).  0, or -1 if out overflowed (FTPDCONF_PRINT_MAX always fits).
 */
int		 ftpdconf_print(const struct ftpdconf_class *, struct buf *out);

/* "GUEST", "CHROOT", "REAL" (or "?"). */
const char	*ftpdconf_type_name(enum ftpdconf_type);
const char	*ftpdconf_tls_name(int);	/* "off", "allow", ... */

/*
 * Expand a chroot/homedir format: %c class, %d home, %u user, %% '%'.
 * 0, or -1 (out = "") on a bad escape or if it does not fit.
 */
int		 ftpdconf_format(const char *fmt, const char *classname,
		    const char *home, const char *user, char *out,
		    size_t outsize);

#endif
