/*
 * ls.c: the built-in listing behind LIST, NLST and STAT.
 *
 * One directory at a time is read with readdir + fstatat (never following
 * symlinks) into a reusable arena, sorted, and printed through a 16 KiB
 * output buffer that is handed to the sink whenever it fills.  -R walks
 * the tree with an explicit stack (no C recursion: a deep tree must not
 * exhaust the session's stack) and bounds the walk three ways: depth,
 * total entries, and a set of visited (dev, ino) pairs.  Subdirectories
 * are opened with openat(parent, name, O_NOFOLLOW) and checked against
 * the (dev, ino) that fstatat reported, so a directory swapped for a
 * symlink between the two calls is skipped rather than followed.
 *
 * Names are file system data the user controls: CR and LF in them would
 * let a file name forge reply or listing lines (bsd-ftpd.md §6), so NLST
 * drops such names and LIST prints every control byte as '?'.
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/sysmacros.h>	/* major(), minor() */
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "str.h"
#include "auth/idmap.h"
#include "fs/ls.h"

#define OUT_CHUNK	16384	/* bytes handed to the sink at once */
/* A name (a d_name, or the client's path) plus a link target, with room. */
#define LS_LINE		(2 * PATH_MAX + 256)
/*
 * "Recent" dates show the time of day, older ones the year, as ls does:
 * within half an average Gregorian year back, and at most an hour ahead
 * (clock skew between the server and the machine that wrote the file).
 */
#define RECENT_SECS	15778476.0
#define FUTURE_SECS	3600.0

/* One directory entry: the stat fields a listing needs, not all of them. */
struct ent {
	const char	*name;	/* into dlist.names, set once reading ends */
	uint64_t	 key;	/* its first 8 bytes, big-endian: sorts fast */
	size_t		 off;	/* name offset in the arena while reading */
	size_t		 len;
	mode_t		 mode;
	nlink_t		 nlink;
	uid_t		 uid;
	gid_t		 gid;
	off_t		 size;
	dev_t		 rdev;
	dev_t		 dev;
	ino_t		 ino;
	blkcnt_t	 blocks;
	struct timespec	 mtim;
	int		 nostat;	/* fstatat failed: name only */
};

/* The entries of the directory being listed; reused for every directory. */
struct dlist {
	struct ent	*ents;
	size_t		 n, cap;
	char		*names;	/* NUL-terminated names, back to back */
	size_t		 nlen, ncap;
};

/* Directories already listed, by (dev, ino): open addressing. */
struct seen_slot {
	dev_t	 dev;
	ino_t	 ino;
	int	 used;
};
struct seen {
	struct seen_slot	*v;
	size_t			 cap, n;	/* cap is a power of two */
};

/* Subdirectories still to list (-R), with their names in a byte stack. */
struct pend {
	size_t	 off, len;
	int	 depth;
	dev_t	 dev;
	ino_t	 ino;
};
struct pstack {
	struct pend	*v;
	size_t		 n, cap;
	char		*names;
	size_t		 nlen, ncap;
};

struct ls_ctx {
	const struct ls_opts	*o;
	const struct idmap	*idm;
	time_t			 now;
	ls_sink_fn		*sink;
	void			*arg;
	struct buf		 out;
	uint8_t			 outmem[OUT_CHUNK];
	char			 line[LS_LINE];
	size_t			 total;		/* entries so far (-R cap) */
	struct dlist		 dl;
	struct seen		 seen;
	struct pstack		 ps;
	/* The directory open at each depth of the current -R path. */
	DIR			*dirs[LS_MAX_DEPTH + 1];
	char			 path[PATH_MAX];
	size_t			 plen[LS_MAX_DEPTH + 1];
};

static const struct ls_opts	 default_opts;

/*
 * Make room for need elements of elsize bytes, doubling.  Returns the
 * (maybe moved) array, or NULL with p untouched and errno ENOMEM.
 */
static void *
grow(void *p, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *np;

	if (need <= *cap && p != NULL)
		return p;
	ncap = *cap > 0 ? *cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elsize) {
			errno = ENOMEM;
			return NULL;
		}
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elsize) {
		errno = ENOMEM;
		return NULL;
	}
	if ((np = realloc(p, ncap * elsize)) == NULL)
		return NULL;
	*cap = ncap;
	return np;
}

static int
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
has_crlf(struct str s)
{
	return str_find(s, '\r').found || str_find(s, '\n').found;
}

/* Append s with control bytes shown as '?' (no line can be forged). */
static int
add_escaped(struct buf *b, struct str s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (buf_addc(b, is_ctl(c) ? '?' : c) == -1)
			return -1;
	}
	return 0;
}

static int
is_dots(struct str s)
{
	return str_eq(s, ".") || str_eq(s, "..");
}

/* The -F suffix, or 0 for none. */
static char
classify_char(mode_t m)
{
	if (S_ISDIR(m))
		return '/';
	if (S_ISLNK(m))
		return '@';
	if (S_ISSOCK(m))
		return '=';
	if (S_ISFIFO(m))
		return '|';
	if (S_ISREG(m) && (m & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return '*';
	return 0;
}

static char
type_char(mode_t m)
{
	if (S_ISREG(m))
		return '-';
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISSOCK(m))
		return 's';
	return '?';
}

/* An execute slot: x/-, or the special bit as lower case (x set) or upper. */
static char
exec_char(mode_t m, mode_t xbit, mode_t special, char letter)
{
	if (m & special)
		return (m & xbit) ? letter : (char)(letter - 'a' + 'A');
	return (m & xbit) ? 'x' : '-';
}

static void
mode_string(mode_t m, char s[11])
{
	s[0] = type_char(m);
	s[1] = (m & S_IRUSR) ? 'r' : '-';
	s[2] = (m & S_IWUSR) ? 'w' : '-';
	s[3] = exec_char(m, S_IXUSR, S_ISUID, 's');
	s[4] = (m & S_IRGRP) ? 'r' : '-';
	s[5] = (m & S_IWGRP) ? 'w' : '-';
	s[6] = exec_char(m, S_IXGRP, S_ISGID, 's');
	s[7] = (m & S_IROTH) ? 'r' : '-';
	s[8] = (m & S_IWOTH) ? 'w' : '-';
	s[9] = exec_char(m, S_IXOTH, S_ISVTX, 't');
	s[10] = '\0';
}

/* An owner or group column: the name (escaped) or the number, 8 wide. */
static int
add_id(struct buf *b, const char *name, uintmax_t id)
{
	size_t start = buf_len(b), w;

	if (name == NULL) {
		(void)buf_add_uint(b, id, -8, 0);
		return buf_addc(b, ' ');
	}
	if (add_escaped(b, str_cstr(name)) == -1)
		return -1;
	for (w = buf_len(b) - start; w < 8; w++)
		if (buf_addc(b, ' ') == -1)
			return -1;
	return buf_addc(b, ' ');
}

/*
 * The date column, always in UTC: the session runs chrooted where no
 * zoneinfo exists, and a listing must not depend on what the jail holds.
 * Month names are spelled here, not taken from the locale, because FTP
 * clients parse them as English.
 */
static int
add_date(struct buf *b, time_t t, time_t now)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	double age;

	if (gmtime_r(&t, &tm) == NULL) {
		/* Out of range for struct tm: show the epoch, not garbage. */
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		tm.tm_year = 70;
		t = 0;
	}
	if (tm.tm_mon < 0 || tm.tm_mon > 11)
		tm.tm_mon = 0;
	/* difftime: no overflow whatever the two values are. */
	age = difftime(now, t);
	(void)buf_add(b, months[tm.tm_mon], 3);
	(void)buf_addc(b, ' ');
	(void)buf_add_uint(b, (uintmax_t)tm.tm_mday, 2, 0);
	(void)buf_addc(b, ' ');
	if (age < RECENT_SECS && age >= -FUTURE_SECS) {
		(void)buf_add_uint(b, (uintmax_t)tm.tm_hour, 2, 1);
		(void)buf_addc(b, ':');
		(void)buf_add_uint(b, (uintmax_t)tm.tm_min, 2, 1);
	} else if ((long)tm.tm_year + 1900 >= 0)
		(void)buf_add_uint(b, (uintmax_t)tm.tm_year + 1900, 5, 0);
	else
		(void)buf_printf(b, "%5ld", (long)tm.tm_year + 1900);
	return buf_addc(b, ' ');
}

int
ls_format_long(char *out, size_t outsize, const char *name,
    const struct stat *st, const char *linktarget, const struct idmap *idm,
    const struct ls_opts *o, time_t now)
{
	struct buf b;
	char mode[11], suffix;
	const char *uname = NULL, *gname = NULL;

	if (outsize == 0)
		return -1;
	if (o == NULL)
		o = &default_opts;
	/* Keep the last byte for the NUL. */
	buf_init(&b, out, outsize - 1);

	mode_string(st->st_mode, mode);
	if (idm != NULL && !o->numeric) {
		uname = idmap_user(idm, st->st_uid);
		gname = idmap_group(idm, st->st_gid);
	}
	/* Hand-formatted: printf was a fifth of a big listing's CPU. */
	buf_add(&b, mode, 10);
	buf_addc(&b, ' ');
	buf_add_uint(&b, (uintmax_t)st->st_nlink, 4, 0);
	buf_addc(&b, ' ');
	add_id(&b, uname, (uintmax_t)st->st_uid);
	if (!o->no_group)
		add_id(&b, gname, (uintmax_t)st->st_gid);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		buf_printf(&b, "%3ju, %3ju ", (uintmax_t)major(st->st_rdev),
		    (uintmax_t)minor(st->st_rdev));
	else if (st->st_size >= 0) {
		buf_add_uint(&b, (uintmax_t)st->st_size, 8, 0);
		buf_addc(&b, ' ');
	} else
		buf_printf(&b, "%8jd ", (intmax_t)st->st_size);
	add_date(&b, st->st_mtim.tv_sec, now);
	add_escaped(&b, str_cstr(name));
	if (o->classify && (suffix = classify_char(st->st_mode)) != 0)
		buf_addc(&b, (uint8_t)suffix);
	if (linktarget != NULL && S_ISLNK(st->st_mode)) {
		buf_adds(&b, " -> ");
		add_escaped(&b, str_cstr(linktarget));
	}
	buf_adds(&b, "\r\n");

	/* The overflow flag is sticky: one check covers every append. */
	if (buf_overflowed(&b) || buf_len(&b) > INT_MAX) {
		out[0] = '\0';
		return -1;
	}
	out[buf_len(&b)] = '\0';
	return (int)buf_len(&b);
}

/* ---- output ---- */

static int
out_flush(struct ls_ctx *c)
{
	if (buf_len(&c->out) == 0)
		return 0;
	if (c->sink(c->arg, buf_data(&c->out), buf_len(&c->out)) != 0)
		return -2;
	buf_reset(&c->out);
	return 0;
}

/* Queue one line; hand the buffer over first if the line does not fit. */
static int
out_add(struct ls_ctx *c, const void *p, size_t len)
{
	if (len > buf_room(&c->out) && out_flush(c) != 0)
		return -2;
	/* A line longer than a chunk (none is: LS_LINE) would be dropped. */
	(void)buf_add(&c->out, p, len);
	return 0;
}

/* Finish a line built in a scratch buf and queue it (dropped if cut). */
static int
out_buf(struct ls_ctx *c, const struct buf *lb)
{
	if (buf_overflowed(lb))
		return 0;
	return out_add(c, buf_data(lb), buf_len(lb));
}

/* ---- one entry ---- */

/*
 * Print one entry: name is both what is shown and, relative to dfd, where
 * readlinkat finds a symlink's target.  st NULL: fstatat failed, so only
 * the short formats can show it.
 */
static int
print_entry(struct ls_ctx *c, int dfd, const char *name,
    const struct stat *st)
{
	const struct ls_opts *o = c->o;
	char target[PATH_MAX], suffix;
	const char *tp = NULL;
	struct buf lb;
	ssize_t n;
	int len;

	if (o->nlst || !o->long_format) {
		buf_init(&lb, c->line, sizeof(c->line));
		if (o->nlst) {
			/* Raw: the client uses it as a path.  No CR/LF here. */
			if (has_crlf(str_cstr(name)))
				return 0;
			buf_adds(&lb, name);
		} else
			add_escaped(&lb, str_cstr(name));
		if (o->classify && st != NULL &&
		    (suffix = classify_char(st->st_mode)) != 0)
			buf_addc(&lb, (uint8_t)suffix);
		buf_adds(&lb, "\r\n");
		return out_buf(c, &lb);
	}

	if (st == NULL)
		return 0;	/* no stat, no long line */
	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(dfd, name, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			tp = target;
		}
	}
	len = ls_format_long(c->line, sizeof(c->line), name, st, tp, c->idm,
	    o, c->now);
	if (len < 0)
		return 0;
	return out_add(c, c->line, (size_t)len);
}

static void
ent_to_stat(const struct ent *e, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = e->mode;
	st->st_nlink = e->nlink;
	st->st_uid = e->uid;
	st->st_gid = e->gid;
	st->st_size = e->size;
	st->st_rdev = e->rdev;
	st->st_dev = e->dev;
	st->st_ino = e->ino;
	st->st_blocks = e->blocks;
	st->st_mtim = e->mtim;
}

/* ---- sorting ---- */

/* A name's first 8 bytes as a big-endian number, NUL-padded. */
static uint64_t
name_key(const char *name)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8; i++) {
		k <<= 8;
		if (*name != '\0')
			k |= (uint8_t)*name++;
	}
	return k;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	/* The keys order as strcmp would the first 8 bytes (NUL-padded). */
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Newest first; equal times by name. */
static int
cmp_time(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->mtim.tv_sec != y->mtim.tv_sec)
		return x->mtim.tv_sec < y->mtim.tv_sec ? 1 : -1;
	if (x->mtim.tv_nsec != y->mtim.tv_nsec)
		return x->mtim.tv_nsec < y->mtim.tv_nsec ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Largest first; equal sizes by name. */
static int
cmp_size(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* ---- visited directories ---- */

static size_t
seen_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * UINT64_C(0x9e3779b97f4a7c15);

	h ^= (uint64_t)dev * UINT64_C(0xc2b2ae3d27d4eb4f);
	return (size_t)(h ^ (h >> 29));
}

/* 1 if (dev, ino) was there already, 0 if added now, -1 on ENOMEM. */
static int
seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	struct seen_slot *nv;
	size_t i, j, ncap;

	if ((s->n + 1) * 2 > s->cap) {
		ncap = s->cap > 0 ? s->cap * 2 : 64;
		if ((nv = calloc(ncap, sizeof(*nv))) == NULL)
			return -1;
		for (i = 0; i < s->cap; i++) {
			if (!s->v[i].used)
				continue;
			j = seen_hash(s->v[i].dev, s->v[i].ino) & (ncap - 1);
			while (nv[j].used)
				j = (j + 1) & (ncap - 1);
			nv[j] = s->v[i];
		}
		free(s->v);
		s->v = nv;
		s->cap = ncap;
	}
	j = seen_hash(dev, ino) & (s->cap - 1);
	while (s->v[j].used) {
		if (s->v[j].dev == dev && s->v[j].ino == ino)
			return 1;
		j = (j + 1) & (s->cap - 1);
	}
	s->v[j].used = 1;
	s->v[j].dev = dev;
	s->v[j].ino = ino;
	s->n++;
	return 0;
}

/* ---- pending subdirectories (-R) ---- */

static int
pend_push(struct pstack *ps, struct str name, int depth, dev_t dev,
    ino_t ino)
{
	struct pend *nv;
	char *nn;

	if ((nv = grow(ps->v, &ps->cap, ps->n + 1, sizeof(*ps->v))) == NULL)
		return -1;
	ps->v = nv;
	if (name.len > SIZE_MAX - ps->nlen - 1)
		return -1;
	if ((nn = grow(ps->names, &ps->ncap, ps->nlen + name.len + 1, 1)) ==
	    NULL)
		return -1;
	ps->names = nn;
	memcpy(nn + ps->nlen, name.p, name.len);
	nn[ps->nlen + name.len] = '\0';
	ps->v[ps->n].off = ps->nlen;
	ps->v[ps->n].len = name.len;
	ps->v[ps->n].depth = depth;
	ps->v[ps->n].dev = dev;
	ps->v[ps->n].ino = ino;
	ps->n++;
	ps->nlen += name.len + 1;
	return 0;
}

/* ---- one directory ---- */

static int
want_name(const struct ls_opts *o, struct str nm)
{
	if (nm.len > 0 && nm.p[0] == '.') {
		if (!o->all && (!o->almost_all || is_dots(nm)))
			return 0;
	}
	/* NLST output is used as paths: such a name cannot be shown. */
	if (o->nlst && has_crlf(nm))
		return 0;
	return 1;
}

/* Read the wanted entries of d into c->dl, stopping at the caps. */
static void
read_dir(struct ls_ctx *c, DIR *d)
{
	struct dlist *dl = &c->dl;
	struct dirent *de;
	struct stat st;
	struct ent *e, *ne;
	struct str nm;
	char *nn;
	size_t len;

	dl->n = 0;
	dl->nlen = 0;
	while (dl->n < LS_MAX_ENTRIES && c->total < LS_MAX_TOTAL &&
	    (de = readdir(d)) != NULL) {
		len = strnlen(de->d_name, sizeof(de->d_name));
		if (len == 0 || len == sizeof(de->d_name))
			continue;
		nm = str_from(de->d_name, len);
		if (!want_name(c->o, nm))
			continue;

		if ((ne = grow(dl->ents, &dl->cap, dl->n + 1,
		    sizeof(*dl->ents))) == NULL)
			break;	/* out of memory: list what we have */
		dl->ents = ne;
		if ((nn = grow(dl->names, &dl->ncap, dl->nlen + len + 1, 1)) ==
		    NULL)
			break;
		dl->names = nn;

		e = &dl->ents[dl->n];
		memset(e, 0, sizeof(*e));
		/* -L describes the target; a dangling link stays a link. */
		if ((!c->o->deref ||
		    fstatat(dirfd(d), de->d_name, &st, 0) == -1) &&
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)
				continue;	/* removed since readdir */
			e->nostat = 1;
		} else {
			e->mode = st.st_mode;
			e->nlink = st.st_nlink;
			e->uid = st.st_uid;
			e->gid = st.st_gid;
			e->size = st.st_size;
			e->rdev = st.st_rdev;
			e->dev = st.st_dev;
			e->ino = st.st_ino;
			e->blocks = st.st_blocks;
			e->mtim = st.st_mtim;
		}
		memcpy(nn + dl->nlen, nm.p, len);
		nn[dl->nlen + len] = '\0';
		e->off = dl->nlen;
		e->len = len;
		dl->nlen += len + 1;
		dl->n++;
		c->total++;
	}
}

/*
 * List the directory open at c->dirs[depth]: its entries, then (-R) push
 * its subdirectories so that the first one printed is listed next.
 */
static int
list_dir(struct ls_ctx *c, int depth)
{
	const struct ls_opts *o = c->o;
	struct dlist *dl = &c->dl;
	DIR *d = c->dirs[depth];
	struct stat st;
	struct ent *e;
	struct buf lb;
	uintmax_t blocks = 0;
	size_t i, k;
	int r;

	read_dir(c, d);
	/* The arena no longer moves: point the entries at their names. */
	for (i = 0; i < dl->n; i++) {
		dl->ents[i].name = dl->names + dl->ents[i].off;
		dl->ents[i].key = name_key(dl->ents[i].name);
	}
	if (dl->n > 1)
		qsort(dl->ents, dl->n, sizeof(*dl->ents), o->sort_size ?
		    cmp_size : o->sort_time ? cmp_time : cmp_name);

	if (o->long_format && !o->nlst) {
		for (i = 0; i < dl->n; i++)
			if (!dl->ents[i].nostat && dl->ents[i].blocks > 0)
				blocks += (uintmax_t)dl->ents[i].blocks;
		buf_init(&lb, c->line, sizeof(c->line));
		/* st_blocks counts 512-byte units; ls shows KiB. */
		buf_printf(&lb, "total %ju\r\n", (blocks + 1) / 2);
		if ((r = out_buf(c, &lb)) != 0)
			return r;
	}

	for (k = 0; k < dl->n; k++) {
		e = &dl->ents[o->reverse ? dl->n - 1 - k : k];
		ent_to_stat(e, &st);
		if ((r = print_entry(c, dirfd(d), e->name,
		    e->nostat ? NULL : &st)) != 0)
			return r;
	}

	if (!o->recursive || o->directory || depth >= LS_MAX_DEPTH ||
	    c->total >= LS_MAX_TOTAL)
		return 0;
	/* Pushed in reverse print order: the stack pops them in order. */
	for (k = dl->n; k-- > 0; ) {
		e = &dl->ents[o->reverse ? dl->n - 1 - k : k];
		/* lstat data: a symlink to a directory is never a dir here. */
		if (e->nostat || !S_ISDIR(e->mode) ||
		    is_dots(str_from(e->name, e->len)))
			continue;
		/* Room for "/name" and the NUL in c->path, else skip it. */
		if (c->plen[depth] + e->len + 2 > sizeof(c->path))
			continue;
		if (pend_push(&c->ps, str_from(e->name, e->len), depth + 1,
		    e->dev, e->ino) == -1)
			break;
	}
	return 0;
}

static int
out_header(struct ls_ctx *c)
{
	struct buf lb;

	buf_init(&lb, c->line, sizeof(c->line));
	buf_adds(&lb, "\r\n");
	add_escaped(&lb, str_cstr(c->path));
	buf_adds(&lb, ":\r\n");
	return out_buf(c, &lb);
}

static void
close_from(struct ls_ctx *c, int depth)
{
	int i;

	for (i = depth; i <= LS_MAX_DEPTH; i++) {
		if (c->dirs[i] != NULL) {
			closedir(c->dirs[i]);
			c->dirs[i] = NULL;
		}
	}
}

/* Open the pending directory p (a child of c->dirs[p->depth - 1]). */
static DIR *
open_sub(struct ls_ctx *c, const struct pend *p, const char *name,
    int *skip)
{
	struct stat st;
	DIR *d;
	int fd;

	*skip = 0;
	fd = openat(dirfd(c->dirs[p->depth - 1]), name,
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	/* Not the directory fstatat saw (replaced meanwhile): skip it. */
	if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != p->dev || st.st_ino != p->ino) {
		close(fd);
		*skip = 1;
		return NULL;
	}
	/* Listed before (a bind mount loop, say) or no memory to know. */
	if (seen_add(&c->seen, st.st_dev, st.st_ino) != 0) {
		close(fd);
		*skip = 1;
		return NULL;
	}
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

static int
list_tree(struct ls_ctx *c, const char *path)
{
	struct pend p;
	struct stat st;
	size_t plen = strlen(path), base, nlen;
	int r, skip;
	DIR *d;

	if (plen >= sizeof(c->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(c->path, path, plen + 1);
	if ((d = opendir(path)) == NULL)
		return -1;
	c->dirs[0] = d;
	c->plen[0] = plen;
	if (fstat(dirfd(d), &st) == 0 &&
	    seen_add(&c->seen, st.st_dev, st.st_ino) == -1)
		return -1;

	r = list_dir(c, 0);
	while (r == 0 && c->ps.n > 0 && c->total < LS_MAX_TOTAL) {
		p = c->ps.v[--c->ps.n];
		/* Levels at or below p's belong to subtrees already done. */
		close_from(c, p.depth);

		/* Path of p = path of its parent + "/" + name. */
		base = c->plen[p.depth - 1];
		if (base > 0 && c->path[base - 1] != '/')
			c->path[base++] = '/';
		nlen = p.len;
		memcpy(c->path + base, c->ps.names + p.off, nlen);
		c->path[base + nlen] = '\0';
		c->plen[p.depth] = base + nlen;
		c->ps.nlen = p.off;	/* pop its name */

		d = open_sub(c, &p, c->path + base, &skip);
		if (skip)
			continue;
		c->dirs[p.depth] = d;	/* closed by close_from() */
		/* Unreadable: the header alone, as ls shows it. */
		if ((r = out_header(c)) != 0)
			break;
		if (d != NULL)
			r = list_dir(c, p.depth);
	}
	return r;
}

static int
list_one(struct ls_ctx *c, const char *path, const struct stat *st)
{
	return print_entry(c, AT_FDCWD, path, st);
}

int
ls_list(const char *path, const struct ls_opts *o, const struct idmap *idm,
    time_t now, ls_sink_fn *sink, void *arg)
{
	struct ls_ctx *c;
	struct stat st, tst;
	int isdir, r, saved;

	if (lstat(path, &st) == -1)
		return -1;
	isdir = S_ISDIR(st.st_mode);
	/*
	 * A symlink named by the client is followed to a directory (what
	 * "LIST pub" means to a user); -d shows the link itself.  Links met
	 * inside the tree are never followed.
	 */
	if (S_ISLNK(st.st_mode) && !o->directory && stat(path, &tst) == 0 &&
	    S_ISDIR(tst.st_mode))
		isdir = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->o = o;
	c->idm = idm;
	c->now = now;
	c->sink = sink;
	c->arg = arg;
	buf_init(&c->out, c->outmem, sizeof(c->outmem));

	if (isdir && !o->directory)
		r = list_tree(c, path);
	else
		r = list_one(c, path, &st);
	if (r == 0)
		r = out_flush(c);

	saved = errno;
	close_from(c, 0);
	free(c->dl.ents);
	free(c->dl.names);
	free(c->seen.v);
	free(c->ps.v);
	free(c->ps.names);
	free(c);
	errno = saved;
	return r;
}

/* ---- flags ---- */

static void
set_flag(struct ls_opts *o, char f)
{
	switch (f) {
	case 'a':
		o->all = 1;
		break;
	case 'A':
		o->almost_all = 1;
		break;
	case 'd':
		o->directory = 1;
		break;
	case 'F':
		o->classify = 1;
		break;
	case 'l':
		o->long_format = 1;
		break;
	case 'L':
		o->deref = 1;
		break;
	case 'n':
		/* As in ls: numeric ids imply the long format. */
		o->numeric = 1;
		o->long_format = 1;
		break;
	case 'R':
		o->recursive = 1;
		break;
	case 'r':
		o->reverse = 1;
		break;
	case 'S':
		/* The last of -t and -S wins, as in ls. */
		o->sort_size = 1;
		o->sort_time = 0;
		break;
	case 't':
		o->sort_time = 1;
		o->sort_size = 0;
		break;
	default:
		break;	/* unknown letters are ignored, as BSD ftpd's ls */
	}
}

void
ls_parse_flags(struct str arg, struct ls_opts *o, struct str *rest)
{
	struct str s, word;
	size_t i;

	if (arg.len == 0 || arg.p == NULL) {
		*rest = str_from(NULL, 0);
		return;
	}
	s = str_trim(arg);
	while (s.len >= 2 && s.p[0] == '-') {
		for (i = 0; i < s.len && s.p[i] != ' ' && s.p[i] != '\t'; i++)
			continue;
		word = str_head(s, i);
		if (word.len < 2)
			break;		/* a lone "-" is a path */
		s = str_trim(str_skip(s, i));
		if (str_eq(word, "--"))
			break;
		/* GNU long options ("--color=never"): not ours, ignored. */
		if (word.p[1] == '-')
			continue;
		for (i = 1; i < word.len; i++)
			set_flag(o, word.p[i]);
	}
	*rest = s;
}
