/*
 * ftpdconf.c: the ftpd.conf(5) parser, loader and class resolver.
 *
 * The class a user belongs to is only known at login, so the file is
 * not folded into settings while it is read.  Instead every line is
 * checked and kept as a typed entry; resolving a class replays the
 * entries that apply to it in file order over that class's defaults.
 * Replaying is linear in the number of entries and needs no allocation.
 *
 * Checks that depend on several lines (timeout <= maxtimeout, the
 * number of conversions) are made once at the end of the parse, by
 * resolving every class the file names plus one class it does not name
 * (which stands for every other class: only "all" lines reach those).
 * The type of a class only changes defaults, never those checks, so a
 * file that parses resolves without error for every name and type.
 *
 * The file is administrator input, but a broken or hostile one must
 * still not crash the daemon: everything is read through struct str and
 * struct buf with hard caps on line length, words, entries and classes.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "str.h"
#include "conf/ftpdconf.h"
#include "file.h"

/* Class indexes below 0 in an entry or a replay. */
#define CLS_ALL		(-1)	/* "all": every class */
#define CLS_NONE	(-2)	/* "none": no class */
#define CLS_UNKNOWN	(-3)	/* a name the file never mentions */
#define CLS_NOTPL	(-4)	/* no template in force */

#define CACHE_MAX	64	/* ftpdconf_class entries */
#define SHOW_MAX	40	/* bytes of a word quoted in a message */

enum dir {
	D_ADVERTISE, D_CHECKPORTCMD, D_CHROOT, D_CLASSTYPE, D_CONVERSION,
	D_DENYQUICK, D_DISPLAY, D_HIDESYMLINKS, D_HOMEDIR, D_LIMIT,
	D_MAXFILESIZE, D_MAXTIMEOUT, D_MMAPSIZE, D_MODIFY, D_MOTD, D_NOTIFY,
	D_PASSIVE, D_PORTRANGE, D_PRIVATE, D_RATEGET, D_RATEPUT, D_READSIZE,
	D_RECVBUFSIZE, D_SANENAMES, D_SENDBUFSIZE, D_SENDLOWAT, D_TEMPLATE,
	D_TIMEOUT, D_TLS, D_TLSREUSE, D_UMASK, D_UPLOAD, D_WRITESIZE
};

/* How a directive's arguments are read. */
enum kind {
	K_FLAG,		/* [off|on|none] */
	K_NUM,		/* [number|none], within min..max */
	K_UMASK,	/* [octal|none] */
	K_STR,		/* [file|none] */
	K_FMT,		/* [format|none]: %c %d %u %% */
	K_HOST,		/* [host|none] */
	K_CLASSTYPE,	/* GUEST|CHROOT|REAL|none */
	K_CONV,		/* none | suffix | suffix types disable command... */
	K_LIMIT,	/* [count [file]] | none */
	K_PORTRANGE,	/* [min max] | none */
	K_TEMPLATE,	/* [refclass|none] */
	K_TLSMODE	/* off|allow|login|data|none */
};

struct dirinfo {
	const char	*name;
	enum dir	 d;
	enum kind	 k;
	int64_t		 min, max;	/* K_NUM, K_LIMIT, K_PORTRANGE */
};

static const struct dirinfo dirtab[] = {
	{ "advertise",	  D_ADVERTISE,	  K_HOST, 0, 0 },
	{ "advertize",	  D_ADVERTISE,	  K_HOST, 0, 0 },
	{ "checkportcmd", D_CHECKPORTCMD, K_FLAG, 0, 0 },
	{ "chroot",	  D_CHROOT,	  K_FMT, 0, 0 },
	{ "classtype",	  D_CLASSTYPE,	  K_CLASSTYPE, 0, 0 },
	{ "conversion",	  D_CONVERSION,	  K_CONV, 0, 0 },
	{ "denyquick",	  D_DENYQUICK,	  K_FLAG, 0, 0 },
	{ "display",	  D_DISPLAY,	  K_STR, 0, 0 },
	{ "hidesymlinks", D_HIDESYMLINKS, K_FLAG, 0, 0 },
	{ "homedir",	  D_HOMEDIR,	  K_FMT, 0, 0 },
	{ "limit",	  D_LIMIT,	  K_LIMIT, -1, FTPDCONF_LIMIT_MAX },
	{ "maxfilesize",  D_MAXFILESIZE,  K_NUM, -1, INT64_MAX },
	{ "maxtimeout",	  D_MAXTIMEOUT,	  K_NUM, FTPDCONF_TIMEOUT_MIN,
	    FTPDCONF_TIMEOUT_MAX },
	{ "mmapsize",	  D_MMAPSIZE,	  K_NUM, 0, FTPDCONF_MMAP_MAX },
	{ "modify",	  D_MODIFY,	  K_FLAG, 0, 0 },
	{ "motd",	  D_MOTD,	  K_STR, 0, 0 },
	{ "notify",	  D_NOTIFY,	  K_STR, 0, 0 },
	{ "passive",	  D_PASSIVE,	  K_FLAG, 0, 0 },
	{ "portrange",	  D_PORTRANGE,	  K_PORTRANGE, FTPDCONF_PORT_MIN,
	    FTPDCONF_PORT_MAX },
	{ "private",	  D_PRIVATE,	  K_FLAG, 0, 0 },
	{ "rateget",	  D_RATEGET,	  K_NUM, 0, INT64_MAX },
	{ "rateput",	  D_RATEPUT,	  K_NUM, 0, INT64_MAX },
	{ "readsize",	  D_READSIZE,	  K_NUM, 0, FTPDCONF_BUFSIZE_MAX },
	{ "recvbufsize",  D_RECVBUFSIZE,  K_NUM, 0, FTPDCONF_BUFSIZE_MAX },
	{ "sanenames",	  D_SANENAMES,	  K_FLAG, 0, 0 },
	{ "sendbufsize",  D_SENDBUFSIZE,  K_NUM, 0, FTPDCONF_BUFSIZE_MAX },
	{ "sendlowat",	  D_SENDLOWAT,	  K_NUM, 0, FTPDCONF_BUFSIZE_MAX },
	{ "template",	  D_TEMPLATE,	  K_TEMPLATE, 0, 0 },
	{ "timeout",	  D_TIMEOUT,	  K_NUM, FTPDCONF_TIMEOUT_MIN,
	    FTPDCONF_TIMEOUT_MAX },
	{ "tls",	  D_TLS,	  K_TLSMODE, 0, 0 },
	{ "tlsreuse",	  D_TLSREUSE,	  K_FLAG, 0, 0 },
	{ "umask",	  D_UMASK,	  K_UMASK, 0, 0777 },
	{ "upload",	  D_UPLOAD,	  K_FLAG, 0, 0 },
	{ "writesize",	  D_WRITESIZE,	  K_NUM, 0, FTPDCONF_BUFSIZE_MAX },
};
#define NDIRS	(sizeof(dirtab) / sizeof(dirtab[0]))

/* One checked directive line. */
struct entry {
	int		 line;
	enum dir	 d;
	int		 cls;	/* class index, CLS_ALL or CLS_NONE */
	int		 reset;	/* no argument or "none": the default */
	int		 on;	/* K_FLAG */
	int64_t		 n1, n2;	/* numbers; umask; limit; portrange */
	enum ftpdconf_type type;	/* K_CLASSTYPE */
	int		 ref;	/* K_TEMPLATE: class index or CLS_ALL */
	char		*s;	/* string; limit file; suffix to remove */
	struct ftpdconf_conversion *conv;	/* K_CONV: add or replace */
};

struct cache {
	size_t			 n;
	enum ftpdconf_type	 dflt[CACHE_MAX];
	struct ftpdconf_class	*cls[CACHE_MAX];
};

struct ftpdconf {
	struct entry	*ent;
	size_t		 nent, capent;
	size_t		 ncls;
	char		 cls[FTPDCONF_CLASSES_MAX][FTPDCONF_CLASS_MAX];
	/* Written through a const ftpdconf: the cache is not the config. */
	struct cache	*cache;
};

/*
 * Replay state beside the class being built: what the parse reports as
 * an error, and the conversions in force as pointers into the entries
 * (copied into the class once, at the end, so a file full of
 * conversion lines costs no big copies).
 */
struct trace {
	int	 timeout_line, maxtimeout_line;	/* 0: the default */
	int	 conv_line;	/* first conversion that did not fit */
	size_t	 nconv;
	const struct ftpdconf_conversion *conv[FTPDCONF_CONV_MAX];
};

struct parser {
	struct ftpdconf	*cf;
	const char	*file;
	char		*err;
	size_t		 errsize;
};

static int	perr(struct parser *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality of two C strings. */
static int
eq_ci(const char *a, const char *b)
{
	return str_eq_ci(str_cstr(a), b);
}

/*
 * Quote at most SHOW_MAX bytes of a word for a message; anything that is
 * not printable ASCII becomes '?', so a message is always one clean line.
 */
static const char *
show(struct str w, char *out, size_t outsize)
{
	BUF_DECLARE(b, SHOW_MAX + 8);
	size_t i;

	for (i = 0; i < w.len && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)w.p[i];

		(void)buf_addc(&b, (c < 0x20 || c >= 0x7f) ? '?' : c);
	}
	if (w.len > SHOW_MAX)
		(void)buf_adds(&b, "...");
	/* b holds no NUL and fits: buf_cstr fails only if out is tiny. */
	if (buf_cstr(&b, out, outsize) == -1 && outsize > 0)
		out[0] = '\0';
	return out;
}

/* Report "file:line: message" (or "file: message" for line 0); -1. */
static int
perr(struct parser *ps, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	if (ps->err == NULL || ps->errsize == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		(void)cstr_copy(msg, sizeof(msg), "error");
	/* A truncated message is still the right message. */
	if (line > 0)
		(void)cstr_printf(ps->err, ps->errsize, "%s:%d: %s", ps->file,
		    line, msg);
	else
		(void)cstr_printf(ps->err, ps->errsize, "%s: %s", ps->file,
		    msg);
	return -1;
}

/* ---- numbers ---- */

/* The multiplier of a strsuftoll-style suffix letter, or 0. */
static uint64_t
suffix_mult(int c)
{
	switch (lower(c)) {
	case 'b':
		return 512;
	case 'k':
		return 1024;
	case 'm':
		return 1024ULL * 1024;
	case 'g':
		return 1024ULL * 1024 * 1024;
	case 't':
		return 1024ULL * 1024 * 1024 * 1024;
	case 'w':
		return 4;	/* sizeof(int) on every system we build on */
	default:
		return 0;
	}
}

/* One factor: digits and an optional suffix.  0, -1 syntax, -2 range. */
static int
parse_term(struct str t, uint64_t *out)
{
	uint64_t v, mult = 1;
	size_t i = 0;

	while (i < t.len && t.p[i] >= '0' && t.p[i] <= '9')
		i++;
	if (i == 0)
		return -1;
	if (i < t.len) {
		if (t.len - i != 1 || (mult = suffix_mult(t.p[i])) == 0)
			return -1;
	}
	/* Only digits here, so a failure means it was too large. */
	if (str_to_u64(str_head(t, i), INT64_MAX, &v) == -1)
		return -2;
	if (v > (uint64_t)INT64_MAX / mult)
		return -2;
	*out = v * mult;
	return 0;
}

/*
 * A number: factors joined by 'x', or "-1".  0 on success, -1 if it is
 * not a number, -2 if it is outside min..max (or overflows).
 */
static int
parse_number(struct str s, int64_t min, int64_t max, int64_t *out)
{
	struct str rest, t;
	uint64_t total = 1, f;
	int more, r, neg = 0;

	if (s.len > 0 && s.p[0] == '-') {
		neg = 1;
		s = str_skip(s, 1);
	}
	if (s.len == 0)
		return -1;
	rest = s;
	do {
		more = str_split(rest, 'x', &t, &rest);
		if ((r = parse_term(t, &f)) != 0)
			return r;
		if (f != 0 && total > (uint64_t)INT64_MAX / f)
			return -2;
		total *= f;
	} while (more);
	if (neg) {
		/* Only -1 means something ("unlimited"). */
		if (total != 1 || min > -1)
			return -2;
		*out = -1;
		return 0;
	}
	if ((int64_t)total < min || (int64_t)total > max)
		return -2;
	*out = (int64_t)total;
	return 0;
}

/* ---- the lexer ---- */

struct lexer {
	struct str	 text;
	size_t		 pos;
	int		 lineno;	/* physical line at pos, 1-based */
};

struct words {
	char		 mem[FTPDCONF_LINE_MAX];
	struct buf	 b;
	size_t		 n;
	size_t		 off[FTPDCONF_WORDS], len[FTPDCONF_WORDS];
	struct str	 w[FTPDCONF_WORDS];
};

/*
 * Read one logical line into wd.  1 if a line was read (it may hold no
 * words), 0 at the end of the text, -1 on a lexical error.  *start gets
 * the physical line the logical line began on.
 */
static int
next_line(struct parser *ps, struct lexer *lx, struct words *wd, int *start)
{
	struct str all;
	size_t i;
	int in_word = 0;

	buf_init(&wd->b, wd->mem, sizeof(wd->mem));
	wd->n = 0;
	*start = lx->lineno;
	if (lx->pos >= lx->text.len)
		return 0;
	while (lx->pos < lx->text.len) {
		unsigned char c = (unsigned char)lx->text.p[lx->pos];

		if (c == '\n') {
			lx->pos++;
			lx->lineno++;
			break;
		}
		if (c == '#') {
			/* A comment never continues: '\' in it is text. */
			while (lx->pos < lx->text.len &&
			    lx->text.p[lx->pos] != '\n') {
				if (lx->text.p[lx->pos] == '\0')
					return perr(ps, lx->lineno,
					    "NUL byte");
				lx->pos++;
			}
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			in_word = 0;
			lx->pos++;
			continue;
		}
		if (c == '\\') {
			struct str after = str_skip(lx->text, lx->pos + 1);

			if (after.len == 0)
				return perr(ps, lx->lineno,
				    "backslash at end of file");
			if (after.p[0] == '\n' ||
			    (after.len >= 2 && after.p[0] == '\r' &&
			    after.p[1] == '\n')) {
				/* Join the next line; no word break. */
				lx->pos += after.p[0] == '\n' ? 2 : 3;
				lx->lineno++;
				continue;
			}
			c = (unsigned char)after.p[0];
			lx->pos += 2;
		} else
			lx->pos++;
		if (c == '\0')
			return perr(ps, lx->lineno, "NUL byte");
		if (c < 0x20 || c == 0x7f)
			return perr(ps, lx->lineno, "control character 0x%02x",
			    c);
		if (!in_word) {
			if (wd->n == FTPDCONF_WORDS)
				return perr(ps, lx->lineno, "too many words");
			wd->off[wd->n] = buf_len(&wd->b);
			wd->len[wd->n] = 0;
			wd->n++;
			in_word = 1;
		}
		if (buf_addc(&wd->b, c) == -1)
			return perr(ps, lx->lineno,
			    "line too long (more than %d bytes)",
			    FTPDCONF_LINE_MAX);
		wd->len[wd->n - 1]++;
	}
	all = str_from((const char *)buf_data(&wd->b), buf_len(&wd->b));
	for (i = 0; i < wd->n; i++)
		wd->w[i] = str_head(str_skip(all, wd->off[i]), wd->len[i]);
	return 1;
}

/* ---- classes ---- */

static int
find_class(const struct ftpdconf *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->ncls; i++)
		if (eq_ci(cf->cls[i], name))
			return (int)i;
	return CLS_UNKNOWN;
}

/*
 * The class index of a class word, adding new names: CLS_ALL, CLS_NONE
 * or an index; -1 with a message if the name is bad or one too many.
 */
static int
class_ref(struct parser *ps, int line, struct str w, const char *what,
    int *out)
{
	char name[FTPDCONF_CLASS_MAX], sh[SHOW_MAX + 8];
	size_t i;
	int idx;

	if (str_eq_ci(w, "all")) {
		*out = CLS_ALL;
		return 0;
	}
	if (str_eq_ci(w, "none")) {
		*out = CLS_NONE;
		return 0;
	}
	/*
	 * A class name comes from a field of ftpusers and is shown in
	 * STAT and logs: no blanks (even escaped), nothing unprintable.
	 */
	for (i = 0; i < w.len; i++)
		if ((unsigned char)w.p[i] <= ' ' ||
		    (unsigned char)w.p[i] >= 0x7f)
			return perr(ps, line, "%s: bad class name \"%s\"",
			    what, show(w, sh, sizeof(sh)));
	if (str_copy(w, name, sizeof(name)) == -1)
		return perr(ps, line, "%s: class name too long \"%s\"", what,
		    show(w, sh, sizeof(sh)));
	if ((idx = find_class(ps->cf, name)) == CLS_UNKNOWN) {
		if (ps->cf->ncls == FTPDCONF_CLASSES_MAX)
			return perr(ps, line, "too many classes (max %d)",
			    FTPDCONF_CLASSES_MAX);
		(void)cstr_copy(ps->cf->cls[ps->cf->ncls], FTPDCONF_CLASS_MAX,
		    name);	/* fits: copied once already */
		idx = (int)ps->cf->ncls++;
	}
	*out = idx;
	return 0;
}

/* ---- one line ---- */

static const struct dirinfo *
find_dir(struct str w)
{
	size_t i;

	for (i = 0; i < NDIRS; i++)
		if (str_eq_ci(w, dirtab[i].name))
			return &dirtab[i];
	return NULL;
}

/* A malloc'ed copy of w, which must fit size (with its NUL). */
static int
dup_word(struct parser *ps, int line, const char *what, struct str w,
    size_t size, char **out)
{
	char sh[SHOW_MAX + 8];

	if (w.len >= size)
		return perr(ps, line, "%s: argument too long \"%s\"", what,
		    show(w, sh, sizeof(sh)));
	if ((*out = malloc(w.len + 1)) == NULL)
		return perr(ps, line, "out of memory");
	if (str_copy(w, *out, w.len + 1) == -1) {
		/* Not reached: the lexer refuses NUL bytes. */
		free(*out);
		*out = NULL;
		return perr(ps, line, "%s: bad argument", what);
	}
	return 0;
}

/* chroot and homedir formats know %c, %d, %u and %%. */
static int
check_format(struct parser *ps, int line, const char *what, struct str w)
{
	size_t i;

	for (i = 0; i < w.len; i++) {
		if (w.p[i] != '%')
			continue;
		if (i + 1 == w.len)
			return perr(ps, line, "%s: '%%' at end of format",
			    what);
		i++;
		if (w.p[i] != 'c' && w.p[i] != 'd' && w.p[i] != 'u' &&
		    w.p[i] != '%') {
			unsigned char c = (unsigned char)w.p[i];

			return perr(ps, line, "%s: unknown format \"%%%c\"",
			    what, (c < 0x20 || c >= 0x7f) ? '?' : c);
		}
	}
	return 0;
}

static int
num_arg(struct parser *ps, int line, const struct dirinfo *di, struct str w,
    int64_t min, int64_t max, int64_t *out)
{
	char sh[SHOW_MAX + 8];
	int r;

	r = parse_number(w, min, max, out);
	if (r == -1)
		return perr(ps, line, "%s: bad number \"%s\"", di->name,
		    show(w, sh, sizeof(sh)));
	if (r == -2)
		return perr(ps, line,
		    "%s: value \"%s\" out of range (%" PRId64 "..%" PRId64 ")",
		    di->name, show(w, sh, sizeof(sh)), min, max);
	return 0;
}

static int
argcount(struct parser *ps, int line, const struct dirinfo *di)
{
	return perr(ps, line, "%s: wrong number of arguments", di->name);
}

/* conversion suffix types disable command...: fill e->conv. */
static int
parse_conversion(struct parser *ps, int line, const struct dirinfo *di,
    const struct str *a, size_t na, struct entry *e)
{
	struct ftpdconf_conversion *cv;
	struct buf cmd;
	char sh[SHOW_MAX + 8];
	size_t i, j;

	if ((cv = calloc(1, sizeof(*cv))) == NULL)
		return perr(ps, line, "out of memory");
	e->conv = cv;
	if (str_copy(a[0], cv->suffix, sizeof(cv->suffix)) == -1)
		return perr(ps, line, "%s: suffix too long", di->name);
	/* types: a comma-separated list of f (files) and d (directories). */
	for (i = 0; i < a[1].len; i++) {
		char c = a[1].p[i];
		int item = (i % 2) == 0;

		if ((item && c != 'f' && c != 'd') || (!item && c != ','))
			break;
	}
	if (i != a[1].len || a[1].len % 2 == 0 ||
	    str_copy(a[1], cv->types, sizeof(cv->types)) == -1)
		return perr(ps, line, "%s: bad types \"%s\" (f, d or f,d)",
		    di->name, show(a[1], sh, sizeof(sh)));
	if (str_copy(a[2], cv->disable, sizeof(cv->disable)) == -1)
		return perr(ps, line, "%s: disable file name too long",
		    di->name);
	/*
	 * The command is the remaining words joined by one space; it is run
	 * with execv, never by a shell, so it must be an absolute path and
	 * its words may not hold blanks (they would not survive the join).
	 */
	if (a[3].len == 0 || a[3].p[0] != '/')
		return perr(ps, line, "%s: command must be an absolute path",
		    di->name);
	buf_init(&cmd, cv->command, sizeof(cv->command) - 1);
	for (i = 3; i < na; i++) {
		for (j = 0; j < a[i].len; j++)
			if (a[i].p[j] == ' ')
				return perr(ps, line,
				    "%s: blank inside a command word",
				    di->name);
		if ((i > 3 && buf_addc(&cmd, ' ') == -1) ||
		    buf_add(&cmd, a[i].p, a[i].len) == -1)
			return perr(ps, line, "%s: command too long",
			    di->name);
	}
	/* The buffer is the field itself, one byte short: terminate it. */
	cv->command[buf_len(&cmd)] = '\0';
	return 0;
}

/* Fill e from the arguments a[na] of directive di. */
static int
parse_args(struct parser *ps, int line, const struct dirinfo *di,
    const struct str *a, size_t na, struct entry *e)
{
	char sh[SHOW_MAX + 8];
	uint64_t v;
	int none = na == 1 && str_eq_ci(a[0], "none");

	e->reset = na == 0 || none;
	switch (di->k) {
	case K_FLAG:
		if (na > 1)
			return argcount(ps, line, di);
		if (na == 0 || str_eq_ci(a[0], "on"))
			e->on = 1;
		else if (none || str_eq_ci(a[0], "off"))
			e->on = 0;
		else
			return perr(ps, line,
			    "%s: expected \"off\", got \"%s\"", di->name,
			    show(a[0], sh, sizeof(sh)));
		e->reset = 0;
		return 0;
	case K_NUM:
		if (na > 1)
			return argcount(ps, line, di);
		if (e->reset)
			return 0;
		return num_arg(ps, line, di, a[0], di->min, di->max, &e->n1);
	case K_UMASK:
		if (na > 1)
			return argcount(ps, line, di);
		if (e->reset)
			return 0;
		if (str_to_octal(a[0], UINT32_MAX, &v) == -1)
			return perr(ps, line, "%s: bad octal number \"%s\"",
			    di->name, show(a[0], sh, sizeof(sh)));
		if (v > (uint64_t)di->max)
			return perr(ps, line, "%s: value \"%s\" out of range "
			    "(0..0777)", di->name, show(a[0], sh, sizeof(sh)));
		e->n1 = (int64_t)v;
		return 0;
	case K_STR:
	case K_FMT:
	case K_HOST:
		if (na > 1)
			return argcount(ps, line, di);
		if (e->reset)
			return 0;
		if (di->k == K_FMT &&
		    check_format(ps, line, di->name, a[0]) == -1)
			return -1;
		return dup_word(ps, line, di->name, a[0],
		    di->k == K_HOST ? FTPDCONF_HOST_MAX : FTPDCONF_PATH_MAX,
		    &e->s);
	case K_CLASSTYPE:
		if (na != 1)
			return argcount(ps, line, di);
		if (none)
			return 0;
		if (str_eq_ci(a[0], "GUEST"))
			e->type = FTPDCONF_GUEST;
		else if (str_eq_ci(a[0], "CHROOT"))
			e->type = FTPDCONF_CHROOT;
		else if (str_eq_ci(a[0], "REAL"))
			e->type = FTPDCONF_REAL;
		else
			return perr(ps, line, "%s: unknown type \"%s\" "
			    "(GUEST, CHROOT or REAL)", di->name,
			    show(a[0], sh, sizeof(sh)));
		return 0;
	case K_TLSMODE:
		if (na != 1)
			return argcount(ps, line, di);
		if (none)
			return 0;
		for (v = FTPDCONF_TLS_OFF; v <= FTPDCONF_TLS_DATA; v++)
			if (str_eq_ci(a[0], ftpdconf_tls_name((int)v)))
				break;
		if (v > FTPDCONF_TLS_DATA)
			return perr(ps, line, "%s: expected off, allow, login "
			    "or data, got \"%s\"", di->name,
			    show(a[0], sh, sizeof(sh)));
		e->n1 = (int64_t)v;
		return 0;
	case K_CONV:
		if (na == 0 || na == 2 || na == 3)
			return argcount(ps, line, di);
		if (none)
			return 0;	/* drop every conversion */
		e->reset = 0;
		if (na == 1)	/* drop the one for this suffix */
			return dup_word(ps, line, di->name, a[0],
			    FTPDCONF_SUFFIX_MAX, &e->s);
		return parse_conversion(ps, line, di, a, na, e);
	case K_LIMIT:
		if (na > 2)
			return argcount(ps, line, di);
		if (e->reset)
			return 0;
		if (num_arg(ps, line, di, a[0], di->min, di->max, &e->n1) == -1)
			return -1;
		if (na == 2)
			return dup_word(ps, line, di->name, a[1],
			    FTPDCONF_PATH_MAX, &e->s);
		return 0;
	case K_PORTRANGE:
		if (e->reset)
			return 0;
		if (na != 2)
			return argcount(ps, line, di);
		if (num_arg(ps, line, di, a[0], di->min, di->max,
		    &e->n1) == -1 ||
		    num_arg(ps, line, di, a[1], di->min, di->max,
		    &e->n2) == -1)
			return -1;
		if (e->n1 > e->n2)
			return perr(ps, line,
			    "%s: min %" PRId64 " > max %" PRId64, di->name,
			    e->n1, e->n2);
		return 0;
	case K_TEMPLATE:
		if (na > 1)
			return argcount(ps, line, di);
		if (e->reset)
			return 0;
		return class_ref(ps, line, a[0], di->name, &e->ref);
	}
	return perr(ps, line, "internal error");
}

static void
entry_free(struct entry *e)
{
	free(e->s);
	free(e->conv);
	e->s = NULL;
	e->conv = NULL;
}

static int
add_entry(struct parser *ps, int line, const struct entry *e)
{
	struct ftpdconf *cf = ps->cf;
	struct entry *ne;
	size_t ncap;

	if (cf->nent == FTPDCONF_ENTRIES_MAX)
		return perr(ps, line, "too many directives (max %d)",
		    FTPDCONF_ENTRIES_MAX);
	if (cf->nent == cf->capent) {
		ncap = cf->capent == 0 ? 32 : cf->capent * 2;
		if (ncap > FTPDCONF_ENTRIES_MAX)
			ncap = FTPDCONF_ENTRIES_MAX;
		if ((ne = realloc(cf->ent, ncap * sizeof(*ne))) == NULL)
			return perr(ps, line, "out of memory");
		cf->ent = ne;
		cf->capent = ncap;
	}
	cf->ent[cf->nent++] = *e;
	return 0;
}

static int
handle_line(struct parser *ps, int line, const struct words *wd)
{
	const struct dirinfo *di;
	struct entry e;
	char sh[SHOW_MAX + 8];

	if (wd->n == 0)
		return 0;
	if ((di = find_dir(wd->w[0])) == NULL)
		return perr(ps, line, "unknown directive \"%s\"",
		    show(wd->w[0], sh, sizeof(sh)));
	if (wd->n < 2)
		return perr(ps, line, "%s: missing class", di->name);
	memset(&e, 0, sizeof(e));
	e.line = line;
	e.d = di->d;
	e.ref = CLS_NOTPL;
	if (class_ref(ps, line, wd->w[1], di->name, &e.cls) == -1 ||
	    parse_args(ps, line, di, &wd->w[2], wd->n - 2, &e) == -1 ||
	    add_entry(ps, line, &e) == -1) {
		entry_free(&e);
		return -1;
	}
	return 0;
}

/* ---- resolving ---- */

static int
is_guestlike(const struct ftpdconf_class *c)
{
	return c->type == FTPDCONF_GUEST || eq_ci(c->name, "guest");
}

/* Put the default of directive d into c (c->name and c->type set). */
static void
set_default(struct ftpdconf_class *c, enum dir d)
{
	switch (d) {
	case D_ADVERTISE:
		c->advertise[0] = '\0';
		break;
	case D_CHECKPORTCMD:
		c->checkportcmd = 1;
		break;
	case D_CHROOT:
		c->chroot[0] = '\0';
		break;
	case D_CLASSTYPE:	/* the replay handles the type */
	case D_TEMPLATE:
		break;
	case D_CONVERSION:
		c->nconversions = 0;
		break;
	case D_DENYQUICK:
		c->denyquick = 0;
		break;
	case D_DISPLAY:
		c->display[0] = '\0';
		break;
	case D_HIDESYMLINKS:
		c->hidesymlinks = 0;
		break;
	case D_HOMEDIR:
		c->homedir[0] = '\0';
		break;
	case D_LIMIT:
		c->limit = -1;
		c->limitfile[0] = '\0';
		break;
	case D_MAXFILESIZE:
		c->maxfilesize = -1;
		break;
	case D_MAXTIMEOUT:
		c->maxtimeout = 7200;
		break;
	case D_MMAPSIZE:
		c->mmapsize = 0;
		break;
	case D_MODIFY:
		c->modify = !is_guestlike(c);
		break;
	case D_MOTD:
		(void)cstr_copy(c->motd, sizeof(c->motd), "motd");
		break;
	case D_NOTIFY:
		c->notify[0] = '\0';
		break;
	case D_PASSIVE:
		c->passive = 1;
		break;
	case D_PORTRANGE:
		c->portmin = c->portmax = 0;
		break;
	case D_PRIVATE:
		c->private_ = 0;
		break;
	case D_RATEGET:
		c->rateget = 0;
		break;
	case D_RATEPUT:
		c->rateput = 0;
		break;
	case D_READSIZE:
		c->readsize = 0;
		break;
	case D_RECVBUFSIZE:
		c->recvbufsize = 0;
		break;
	case D_SANENAMES:
		c->sanenames = 0;
		break;
	case D_SENDBUFSIZE:
		c->sendbufsize = 0;
		break;
	case D_SENDLOWAT:
		c->sendlowat = 0;
		break;
	case D_TIMEOUT:
		c->timeout = 900;
		break;
	case D_TLS:
		c->tls = FTPDCONF_TLS_ALLOW;
		break;
	case D_TLSREUSE:
		c->tlsreuse = 1;
		break;
	case D_UMASK:
		c->umask = is_guestlike(c) ? 0707 : 027;
		break;
	case D_UPLOAD:
		c->upload = 1;
		break;
	case D_WRITESIZE:
		c->writesize = 0;
		break;
	}
}

static void
set_string(char *dst, size_t dstsize, const char *s)
{
	/* Lengths were checked against the same bounds at parse time. */
	if (cstr_copy(dst, dstsize, s) == -1)
		dst[0] = '\0';
}

/* Add, replace (same suffix, same place) or drop one conversion. */
static void
apply_conversion(const struct entry *e, struct trace *tr)
{
	const char *suffix = e->conv != NULL ? e->conv->suffix : e->s;
	size_t i;

	if (e->reset) {
		tr->nconv = 0;
		return;
	}
	for (i = 0; i < tr->nconv; i++)
		if (strcmp(tr->conv[i]->suffix, suffix) == 0)
			break;
	if (e->conv == NULL) {
		if (i == tr->nconv)
			return;
		for (; i + 1 < tr->nconv; i++)
			tr->conv[i] = tr->conv[i + 1];
		tr->nconv--;
		return;
	}
	if (i == FTPDCONF_CONV_MAX) {
		if (tr->conv_line == 0)
			tr->conv_line = e->line;
		return;
	}
	tr->conv[i] = e->conv;
	if (i == tr->nconv)
		tr->nconv++;
}

/* Apply one entry (not template or classtype) to c. */
static void
apply(struct ftpdconf_class *c, const struct entry *e, struct trace *tr)
{
	if (e->d == D_CONVERSION) {
		apply_conversion(e, tr);
		return;
	}
	if (e->d == D_TIMEOUT)
		tr->timeout_line = e->line;
	if (e->d == D_MAXTIMEOUT)
		tr->maxtimeout_line = e->line;
	if (e->reset) {
		/* "motd class" or "motd class none": no motd (NetBSD). */
		if (e->d == D_MOTD)
			c->motd[0] = '\0';
		else
			set_default(c, e->d);
		return;
	}
	switch (e->d) {
	case D_ADVERTISE:
		set_string(c->advertise, sizeof(c->advertise), e->s);
		break;
	case D_CHECKPORTCMD:
		c->checkportcmd = e->on;
		break;
	case D_CHROOT:
		set_string(c->chroot, sizeof(c->chroot), e->s);
		break;
	case D_CLASSTYPE:
	case D_TEMPLATE:
	case D_CONVERSION:
		break;
	case D_DENYQUICK:
		c->denyquick = e->on;
		break;
	case D_DISPLAY:
		set_string(c->display, sizeof(c->display), e->s);
		break;
	case D_HIDESYMLINKS:
		c->hidesymlinks = e->on;
		break;
	case D_HOMEDIR:
		set_string(c->homedir, sizeof(c->homedir), e->s);
		break;
	case D_LIMIT:
		c->limit = (int)e->n1;
		set_string(c->limitfile, sizeof(c->limitfile),
		    e->s != NULL ? e->s : "");
		break;
	case D_MAXFILESIZE:
		c->maxfilesize = e->n1;
		break;
	case D_MAXTIMEOUT:
		c->maxtimeout = (int)e->n1;
		break;
	case D_MMAPSIZE:
		c->mmapsize = (int)e->n1;
		break;
	case D_MODIFY:
		c->modify = e->on;
		break;
	case D_MOTD:
		set_string(c->motd, sizeof(c->motd), e->s);
		break;
	case D_NOTIFY:
		set_string(c->notify, sizeof(c->notify), e->s);
		break;
	case D_PASSIVE:
		c->passive = e->on;
		break;
	case D_PORTRANGE:
		c->portmin = (int)e->n1;
		c->portmax = (int)e->n2;
		break;
	case D_PRIVATE:
		c->private_ = e->on;
		break;
	case D_RATEGET:
		c->rateget = e->n1;
		break;
	case D_RATEPUT:
		c->rateput = e->n1;
		break;
	case D_READSIZE:
		c->readsize = (int)e->n1;
		break;
	case D_RECVBUFSIZE:
		c->recvbufsize = (int)e->n1;
		break;
	case D_SANENAMES:
		c->sanenames = e->on;
		break;
	case D_SENDBUFSIZE:
		c->sendbufsize = (int)e->n1;
		break;
	case D_SENDLOWAT:
		c->sendlowat = (int)e->n1;
		break;
	case D_TIMEOUT:
		c->timeout = (int)e->n1;
		break;
	case D_TLS:
		c->tls = (int)e->n1;
		break;
	case D_TLSREUSE:
		c->tlsreuse = e->on;
		break;
	case D_UMASK:
		c->umask = (mode_t)e->n1;
		break;
	case D_UPLOAD:
		c->upload = e->on;
		break;
	case D_WRITESIZE:
		c->writesize = (int)e->n1;
		break;
	}
}

/* Does entry e reach class me while template tpl is in force? */
static int
applies(const struct entry *e, int me, int tpl)
{
	if (e->cls == CLS_ALL)
		return 1;
	if (e->cls < 0)
		return 0;
	return e->cls == me || e->cls == tpl;
}

/* The template a template entry leaves in force. */
static int
next_template(const struct entry *e)
{
	return e->reset ? CLS_NOTPL : e->ref;
}

static enum ftpdconf_type
builtin_type(const char *name, enum ftpdconf_type dflt)
{
	if (eq_ci(name, "guest"))
		return FTPDCONF_GUEST;
	if (eq_ci(name, "chroot"))
		return FTPDCONF_CHROOT;
	if (eq_ci(name, "real"))
		return FTPDCONF_REAL;
	return dflt;
}

/*
 * Replay the file for name (which fits FTPDCONF_CLASS_MAX): first the
 * classtype and template lines to learn the type, which picks the
 * defaults, then every line.
 */
static void
resolve(const struct ftpdconf *cf, const char *name,
    enum ftpdconf_type dflt, struct ftpdconf_class *c, struct trace *tr)
{
	enum ftpdconf_type base = builtin_type(name, dflt), type = base;
	size_t i;
	int me = find_class(cf, name), tpl = CLS_NOTPL;
	unsigned d;

	memset(tr, 0, sizeof(*tr));
	for (i = 0; i < cf->nent; i++) {
		const struct entry *e = &cf->ent[i];

		if (!applies(e, me, tpl))
			continue;
		if (e->d == D_TEMPLATE)
			tpl = next_template(e);
		else if (e->d == D_CLASSTYPE)
			type = e->reset ? base : e->type;
	}

	memset(c, 0, sizeof(*c));
	set_string(c->name, sizeof(c->name), name);
	c->type = type;
	for (d = D_ADVERTISE; d <= D_WRITESIZE; d++)
		set_default(c, (enum dir)d);

	tpl = CLS_NOTPL;
	for (i = 0; i < cf->nent; i++) {
		const struct entry *e = &cf->ent[i];

		if (!applies(e, me, tpl))
			continue;
		if (e->d == D_TEMPLATE)
			tpl = next_template(e);
		else if (e->d != D_CLASSTYPE)
			apply(c, e, tr);
	}
	for (i = 0; i < tr->nconv; i++)
		c->conversions[i] = *tr->conv[i];
	c->nconversions = tr->nconv;
}

/*
 * Resolve every class the file names, and one it does not, and report
 * the earliest line that leaves some class inconsistent.
 */
static int
check_classes(struct parser *ps)
{
	struct ftpdconf_class *c;
	struct trace tr;
	char what[160];
	size_t i;
	int bad = 0, line;

	if ((c = malloc(sizeof(*c))) == NULL)
		return perr(ps, 0, "out of memory");
	what[0] = '\0';
	for (i = 0; i <= ps->cf->ncls; i++) {
		/* "" is never a class name: it stands for the others. */
		const char *name = i < ps->cf->ncls ? ps->cf->cls[i] : "";

		resolve(ps->cf, name, FTPDCONF_REAL, c, &tr);
		if (tr.conv_line != 0 && (bad == 0 || tr.conv_line < bad)) {
			bad = tr.conv_line;
			(void)cstr_printf(what, sizeof(what),
			    "conversion: more than %d conversions for class "
			    "%s", FTPDCONF_CONV_MAX, *name ? name : "(other)");
		}
		if (c->timeout > c->maxtimeout) {
			line = tr.timeout_line > tr.maxtimeout_line ?
			    tr.timeout_line : tr.maxtimeout_line;
			if (bad == 0 || line < bad) {
				bad = line;
				(void)cstr_printf(what, sizeof(what),
				    "timeout %d exceeds maxtimeout %d for "
				    "class %s", c->timeout, c->maxtimeout,
				    *name ? name : "(other)");
			}
		}
	}
	free(c);
	if (bad != 0)
		return perr(ps, bad, "%s", what);
	return 0;
}

/* ---- the public functions ---- */

void
ftpdconf_free(struct ftpdconf *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nent; i++)
		entry_free(&cf->ent[i]);
	free(cf->ent);
	if (cf->cache != NULL) {
		for (i = 0; i < cf->cache->n; i++)
			free(cf->cache->cls[i]);
		free(cf->cache);
	}
	free(cf);
}

struct ftpdconf *
ftpdconf_parse(const char *text, size_t len, const char *filename,
    char *err, size_t errsize)
{
	struct parser ps;
	struct lexer lx;
	struct words *wd = NULL;
	int r, start;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	ps.cf = NULL;
	ps.file = filename != NULL ? filename : "ftpd.conf";
	ps.err = err;
	ps.errsize = errsize;
	if (text == NULL && len > 0) {
		(void)perr(&ps, 0, "no text");
		return NULL;
	}
	if (len > FTPDCONF_FILE_MAX) {
		(void)perr(&ps, 0, "file too large (more than %d bytes)",
		    FTPDCONF_FILE_MAX);
		return NULL;
	}
	if ((ps.cf = calloc(1, sizeof(*ps.cf))) == NULL ||
	    (ps.cf->cache = calloc(1, sizeof(*ps.cf->cache))) == NULL ||
	    (wd = malloc(sizeof(*wd))) == NULL) {
		(void)perr(&ps, 0, "out of memory");
		goto fail;
	}
	lx.text = str_from(text, len);
	lx.pos = 0;
	lx.lineno = 1;
	while ((r = next_line(&ps, &lx, wd, &start)) == 1)
		if (handle_line(&ps, start, wd) == -1)
			goto fail;
	if (r == -1 || check_classes(&ps) == -1)
		goto fail;
	free(wd);
	return ps.cf;

fail:
	free(wd);
	ftpdconf_free(ps.cf);
	return NULL;
}

struct ftpdconf *
ftpdconf_load(const char *path, char *err, size_t errsize)
{
	struct ftpdconf *cf;
	char *text;
	size_t len;
	int r;

	if (err != NULL && errsize > 0)
		err[0] = '\0';
	if (path == NULL) {
		if (err != NULL)
			(void)cstr_copy(err, errsize, "ftpd.conf: no path");
		return NULL;
	}
	r = file_read(path, FTPDCONF_FILE_MAX, &text, &len);
	if (r == -1) {
		if (err != NULL)
			(void)cstr_printf(err, errsize, "%s: %s", path,
			    errno == EINVAL ? "not a regular file" :
			    strerror(errno));
		return NULL;
	}
	if (r == 0)
		return ftpdconf_parse("", 0, path, err, errsize);
	cf = ftpdconf_parse(text, len, path, err, errsize);
	free(text);
	return cf;
}

int
ftpdconf_resolve(const struct ftpdconf *cf, const char *classname,
    enum ftpdconf_type default_type, struct ftpdconf_class *out)
{
	struct trace tr;

	if (cf == NULL || classname == NULL || out == NULL ||
	    strnlen(classname, FTPDCONF_CLASS_MAX) == FTPDCONF_CLASS_MAX)
		return -1;
	if (default_type != FTPDCONF_GUEST && default_type != FTPDCONF_CHROOT &&
	    default_type != FTPDCONF_REAL)
		return -1;
	resolve(cf, classname, default_type, out, &tr);
	/* The parse refused files where this could happen; stay safe. */
	if (out->timeout > out->maxtimeout)
		out->timeout = out->maxtimeout;
	return 0;
}

size_t
ftpdconf_nclasses(const struct ftpdconf *cf)
{
	return cf != NULL ? cf->ncls : 0;
}

const char *
ftpdconf_class_name(const struct ftpdconf *cf, size_t i)
{
	return cf != NULL && i < cf->ncls ? cf->cls[i] : NULL;
}

const struct ftpdconf_class *
ftpdconf_class(const struct ftpdconf *cf, const char *classname,
    enum ftpdconf_type default_type)
{
	struct cache *ca;
	struct ftpdconf_class *c;
	size_t i;

	if (cf == NULL || classname == NULL || (ca = cf->cache) == NULL)
		return NULL;
	for (i = 0; i < ca->n; i++)
		if (ca->dflt[i] == default_type &&
		    strcmp(ca->cls[i]->name, classname) == 0)
			return ca->cls[i];
	if (ca->n == CACHE_MAX) {
		errno = ENOMEM;
		return NULL;
	}
	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	if (ftpdconf_resolve(cf, classname, default_type, c) == -1) {
		free(c);
		errno = EINVAL;
		return NULL;
	}
	ca->dflt[ca->n] = default_type;
	ca->cls[ca->n++] = c;
	return c;
}

const char *
ftpdconf_tls_name(int mode)
{
	switch (mode) {
	case FTPDCONF_TLS_OFF:
		return "off";
	case FTPDCONF_TLS_ALLOW:
		return "allow";
	case FTPDCONF_TLS_LOGIN:
		return "login";
	case FTPDCONF_TLS_DATA:
		return "data";
	}
	return "?";
}

const char *
ftpdconf_type_name(enum ftpdconf_type t)
{
	switch (t) {
	case FTPDCONF_GUEST:
		return "GUEST";
	case FTPDCONF_CHROOT:
		return "CHROOT";
	case FTPDCONF_REAL:
		return "REAL";
	}
	return "?";
}

/*
 * Append s as one word that the lexer reads back as s: blanks, '#' and
 * '\' are escaped.  keep_spaces leaves spaces bare, for the conversion
 * command whose words are joined by single spaces.
 */
static void
put_word(struct buf *b, const char *s, int keep_spaces)
{
	struct str w = str_cstr(s);
	size_t i;

	for (i = 0; i < w.len; i++) {
		char c = w.p[i];

		if ((c == ' ' && !keep_spaces) || c == '\t' || c == '#' ||
		    c == '\\')
			(void)buf_addc(b, '\\');
		(void)buf_addc(b, (uint8_t)c);
	}
}

/* "directive class " */
static void
put_head(struct buf *b, const char *dir, const struct ftpdconf_class *c)
{
	(void)buf_adds(b, dir);
	(void)buf_addc(b, ' ');
	put_word(b, c->name, 0);
}

static void
put_flag(struct buf *b, const char *dir, const struct ftpdconf_class *c,
    int on)
{
	put_head(b, dir, c);
	(void)buf_adds(b, on ? "\n" : " off\n");
}

static void
put_num(struct buf *b, const char *dir, const struct ftpdconf_class *c,
    int64_t v)
{
	put_head(b, dir, c);
	(void)buf_printf(b, " %" PRId64 "\n", v);
}

static void
put_str(struct buf *b, const char *dir, const struct ftpdconf_class *c,
    const char *s)
{
	put_head(b, dir, c);
	(void)buf_addc(b, ' ');
	if (*s == '\0')
		(void)buf_adds(b, "none");
	else
		put_word(b, s, 0);
	(void)buf_addc(b, '\n');
}

int
ftpdconf_print(const struct ftpdconf_class *c, struct buf *b)
{
	const struct ftpdconf_conversion *cv;
	size_t i;

	if (c == NULL || b == NULL)
		return -1;
	/* Appenders set the sticky overflow flag; check once at the end. */
	put_str(b, "advertise", c, c->advertise);
	put_flag(b, "checkportcmd", c, c->checkportcmd);
	put_str(b, "chroot", c, c->chroot);
	put_head(b, "classtype", c);
	(void)buf_printf(b, " %s\n", ftpdconf_type_name(c->type));
	put_str(b, "conversion", c, "");
	for (i = 0; i < c->nconversions && i < FTPDCONF_CONV_MAX; i++) {
		cv = &c->conversions[i];
		put_head(b, "conversion", c);
		(void)buf_addc(b, ' ');
		put_word(b, cv->suffix, 0);
		(void)buf_addc(b, ' ');
		put_word(b, cv->types, 0);
		(void)buf_addc(b, ' ');
		put_word(b, cv->disable, 0);
		(void)buf_addc(b, ' ');
		put_word(b, cv->command, 1);
		(void)buf_addc(b, '\n');
	}
	put_flag(b, "denyquick", c, c->denyquick);
	put_str(b, "display", c, c->display);
	put_flag(b, "hidesymlinks", c, c->hidesymlinks);
	put_str(b, "homedir", c, c->homedir);
	put_head(b, "limit", c);
	(void)buf_printf(b, " %d", c->limit);
	if (c->limitfile[0] != '\0') {
		(void)buf_addc(b, ' ');
		put_word(b, c->limitfile, 0);
	}
	(void)buf_addc(b, '\n');
	put_num(b, "maxfilesize", c, c->maxfilesize);
	put_num(b, "maxtimeout", c, c->maxtimeout);
	put_num(b, "mmapsize", c, c->mmapsize);
	put_flag(b, "modify", c, c->modify);
	put_str(b, "motd", c, c->motd);
	put_str(b, "notify", c, c->notify);
	put_flag(b, "passive", c, c->passive);
	put_head(b, "portrange", c);
	if (c->portmin == 0 && c->portmax == 0)
		(void)buf_adds(b, " none\n");
	else
		(void)buf_printf(b, " %d %d\n", c->portmin, c->portmax);
	put_flag(b, "private", c, c->private_);
	put_num(b, "rateget", c, c->rateget);
	put_num(b, "rateput", c, c->rateput);
	put_num(b, "readsize", c, c->readsize);
	put_num(b, "recvbufsize", c, c->recvbufsize);
	put_flag(b, "sanenames", c, c->sanenames);
	put_num(b, "sendbufsize", c, c->sendbufsize);
	put_num(b, "sendlowat", c, c->sendlowat);
	put_num(b, "timeout", c, c->timeout);
	put_head(b, "tls", c);
	(void)buf_printf(b, " %s\n", ftpdconf_tls_name(c->tls));
	put_flag(b, "tlsreuse", c, c->tlsreuse);
	put_head(b, "umask", c);
	(void)buf_printf(b, " %03o\n", (unsigned)c->umask);
	put_flag(b, "upload", c, c->upload);
	put_num(b, "writesize", c, c->writesize);
	return buf_overflowed(b) ? -1 : 0;
}

int
ftpdconf_format(const char *fmt, const char *classname, const char *home,
    const char *user, char *out, size_t outsize)
{
	struct buf b;
	struct str f;
	size_t i;

	if (out == NULL || outsize == 0)
		return -1;
	if (fmt == NULL) {
		out[0] = '\0';
		return -1;
	}
	f = str_cstr(fmt);
	buf_init(&b, out, outsize);
	for (i = 0; i < f.len; i++) {
		if (f.p[i] != '%') {
			(void)buf_addc(&b, (uint8_t)f.p[i]);
			continue;
		}
		if (++i == f.len) {
			i = f.len + 1;	/* '%' at the end: fail below */
			break;
		}
		switch (f.p[i]) {
		case 'c':
			(void)buf_adds(&b, classname != NULL ? classname : "");
			break;
		case 'd':
			(void)buf_adds(&b, home != NULL ? home : "");
			break;
		case 'u':
			(void)buf_adds(&b, user != NULL ? user : "");
			break;
		case '%':
			(void)buf_addc(&b, '%');
			break;
		default:
			i = f.len + 1;	/* unknown escape: fail below */
			break;
		}
	}
	/* One byte is kept for the NUL: buf_cstr copies within out. */
	if (i != f.len || buf_overflowed(&b) || buf_len(&b) >= outsize) {
		out[0] = '\0';
		return -1;
	}
	out[buf_len(&b)] = '\0';
	return 0;
}
