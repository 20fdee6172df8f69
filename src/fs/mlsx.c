/*
 * mlsx.c: RFC 3659 MLST/MLSD fact lines and OPTS MLST.  See mlsx.h for
 * the facts, their spelling and the perm rules.
 *
 * Names are file system data the user controls: a CR or LF in one would
 * let it forge reply or listing lines, so such an entry is refused
 * whole (the caller skips it) rather than escaped, since an escaped name
 * would name a different file.  Owner and group names go into fact
 * values, where ';' or '=' would forge facts; those are shown as ids.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "str.h"
#include "auth/idmap.h"
#include "fs/mlsx.h"

/* Access bits as in the mode's rwx triplets. */
#define A_R	4u
#define A_W	2u
#define A_X	1u

static const struct {
	const char	*name;
	unsigned	 bit;
} facts[] = {
	{ "type",	MLSX_F_TYPE },
	{ "size",	MLSX_F_SIZE },
	{ "modify",	MLSX_F_MODIFY },
	{ "perm",	MLSX_F_PERM },
	{ "unique",	MLSX_F_UNIQUE },
	{ "UNIX.mode",	MLSX_F_UNIX_MODE },
	{ "UNIX.uid",	MLSX_F_UNIX_UID },
	{ "UNIX.gid",	MLSX_F_UNIX_GID },
	{ "UNIX.owner",	MLSX_F_UNIX_OWNER },
	{ "UNIX.group",	MLSX_F_UNIX_GROUP },
};
#define NFACTS	(sizeof(facts) / sizeof(facts[0]))

int
mlsx_parse_opts(struct str list, unsigned *mask, struct buf *reply)
{
	struct str rest = list, item;
	size_t i, start = buf_len(reply);
	unsigned m = 0;
	int more = 1;

	while (more) {
		more = str_split(rest, ';', &item, &rest);
		item = str_trim(item);
		for (i = 0; i < NFACTS; i++)
			if (str_eq_ci(item, facts[i].name))
				m |= facts[i].bit;
	}
	if (buf_adds(reply, "MLST OPTS") == -1 ||
	    (m != 0 && buf_addc(reply, ' ') == -1))
		goto full;
	for (i = 0; i < NFACTS; i++)
		if ((m & facts[i].bit) &&
		    buf_printf(reply, "%s;", facts[i].name) == -1)
			goto full;
	*mask = m;
	return 0;
full:
	buf_truncate(reply, start);
	return -1;
}

int
mlsx_feat(struct buf *b, unsigned mask)
{
	size_t i, start = buf_len(b);

	if (buf_adds(b, "MLST ") == -1)
		goto full;
	for (i = 0; i < NFACTS; i++)
		if (buf_printf(b, "%s%s;", facts[i].name,
		    (mask & facts[i].bit) ? "*" : "") == -1)
			goto full;
	return 0;
full:
	buf_truncate(b, start);
	return -1;
}

static int
in_groups(const struct mlsx_user *who, gid_t gid)
{
	size_t i;

	if (who->gid == gid)
		return 1;
	for (i = 0; i < who->ngroups && who->groups != NULL; i++)
		if (who->groups[i] == gid)
			return 1;
	return 0;
}

/*
 * May who have all the access in want (A_R, A_W, A_X) to st?  The one
 * class that applies decides, as in the kernel: owner, else group, else
 * other.  Root passes, except execute of a non-directory without any x.
 */
static int
may(const struct mlsx_user *who, const struct stat *st, unsigned want)
{
	unsigned bits;

	if (who->uid == 0)
		return !(want & A_X) || S_ISDIR(st->st_mode) ||
		    (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	if (st->st_uid == who->uid)
		bits = ((unsigned)st->st_mode >> 6) & 7u;
	else if (in_groups(who, st->st_gid))
		bits = ((unsigned)st->st_mode >> 3) & 7u;
	else
		bits = (unsigned)st->st_mode & 7u;
	return (bits & want) == want;
}

/* May the entry st be removed from (or renamed in) the directory parent? */
static int
may_unlink(const struct mlsx_user *who, const struct stat *st,
    const struct stat *parent)
{
	if (parent == NULL || !may(who, parent, A_W | A_X))
		return 0;
	/* Sticky directory (/tmp): only the owner of entry or directory. */
	if ((parent->st_mode & S_ISVTX) && who->uid != 0 &&
	    who->uid != st->st_uid && who->uid != parent->st_uid)
		return 0;
	return 1;
}

/* The perm letters into out[8]. */
static void
perm_letters(char *out, const struct stat *st, int is_dir,
    const struct stat *parent, const struct mlsx_user *who)
{
	int mod = !who->read_only && !(who->guest && !who->guest_modify);
	int create = !who->read_only;
	int unl = mod && may_unlink(who, st, parent);
	size_t n = 0;

	if (is_dir) {
		int wx = may(who, st, A_W | A_X);

		if (create && wx)
			out[n++] = 'c';
		if (unl)
			out[n++] = 'd';
		if (may(who, st, A_X))
			out[n++] = 'e';
		if (unl)
			out[n++] = 'f';
		if (may(who, st, A_R | A_X))
			out[n++] = 'l';
		if (create && !who->no_mkdir && wx)
			out[n++] = 'm';
		if (mod && wx)
			out[n++] = 'p';
	} else if (S_ISREG(st->st_mode)) {
		int w = may(who, st, A_W);

		if (mod && w)
			out[n++] = 'a';
		if (unl)
			out[n++] = 'd';
		if (unl)
			out[n++] = 'f';
		if (!who->no_retr && may(who, st, A_R))
			out[n++] = 'r';
		if (mod && w)
			out[n++] = 'w';
	} else if (unl) {
		out[n++] = 'd';
		out[n++] = 'f';
	}
	out[n] = '\0';
}

static const char *
type_name(const struct stat *st, enum mlsx_kind kind)
{
	if (kind == MLSX_CDIR)
		return "cdir";
	if (kind == MLSX_PDIR)
		return "pdir";
	if (S_ISREG(st->st_mode))
		return "file";
	if (S_ISDIR(st->st_mode))
		return "dir";
	if (S_ISLNK(st->st_mode))
		return "OS.unix=symlink";
	if (S_ISFIFO(st->st_mode))
		return "OS.unix=fifo";
	if (S_ISSOCK(st->st_mode))
		return "OS.unix=socket";
	if (S_ISCHR(st->st_mode))
		return "OS.unix=chr";
	if (S_ISBLK(st->st_mode))
		return "OS.unix=blk";
	return "OS.unix=unknown";
}

/* Can name go into a fact value?  Printable ASCII, no ';' or '='. */
static int
value_safe(const char *name)
{
	struct str s = str_cstr(name);
	size_t i;

	if (s.len == 0)
		return 0;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= ' ' || c >= 0x7f || c == ';' || c == '=')
			return 0;
	}
	return 1;
}

static int
add_modify(struct buf *b, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return 0;	/* not expressible: leave the fact out */
	return buf_printf(b, "modify=%04d%02d%02d%02d%02d%02d;",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static int
add_name_fact(struct buf *b, const char *fact, const char *name,
    unsigned long long id)
{
	if (name != NULL && value_safe(name))
		return buf_printf(b, "%s=%s;", fact, name);
	return buf_printf(b, "%s=%llu;", fact, id);
}

int
mlsx_format(struct buf *b, unsigned mask, const char *name,
    const struct stat *st, enum mlsx_kind kind, const struct stat *parent,
    const struct mlsx_user *who, const struct idmap *ids)
{
	struct str n = str_cstr(name);
	size_t start = buf_len(b);
	int is_dir = kind != MLSX_ENTRY || S_ISDIR(st->st_mode);
	char perm[8];

	if (n.len == 0 || str_find(n, '\r').found || str_find(n, '\n').found)
		return MLSX_BADNAME;
	if ((mask & MLSX_F_TYPE) &&
	    buf_printf(b, "type=%s;", type_name(st, kind)) == -1)
		goto full;
	/* Size is defined for files; a directory's st_size means little. */
	if ((mask & MLSX_F_SIZE) && kind == MLSX_ENTRY &&
	    S_ISREG(st->st_mode) && st->st_size >= 0 &&
	    buf_printf(b, "size=%llu;", (unsigned long long)st->st_size) == -1)
		goto full;
	if ((mask & MLSX_F_MODIFY) && add_modify(b, st->st_mtime) == -1)
		goto full;
	if ((mask & MLSX_F_PERM) && who != NULL) {
		perm_letters(perm, st, is_dir, parent, who);
		if (buf_printf(b, "perm=%s;", perm) == -1)
			goto full;
	}
	if ((mask & MLSX_F_UNIQUE) && buf_printf(b, "unique=%llxU%llx;",
	    (unsigned long long)st->st_dev,
	    (unsigned long long)st->st_ino) == -1)
		goto full;
	if ((mask & MLSX_F_UNIX_MODE) && buf_printf(b, "UNIX.mode=0%03o;",
	    (unsigned)(st->st_mode & 07777)) == -1)
		goto full;
	if ((mask & MLSX_F_UNIX_UID) && buf_printf(b, "UNIX.uid=%llu;",
	    (unsigned long long)st->st_uid) == -1)
		goto full;
	if ((mask & MLSX_F_UNIX_GID) && buf_printf(b, "UNIX.gid=%llu;",
	    (unsigned long long)st->st_gid) == -1)
		goto full;
	if ((mask & MLSX_F_UNIX_OWNER) && add_name_fact(b, "UNIX.owner",
	    ids != NULL ? idmap_user(ids, st->st_uid) : NULL,
	    (unsigned long long)st->st_uid) == -1)
		goto full;
	if ((mask & MLSX_F_UNIX_GROUP) && add_name_fact(b, "UNIX.group",
	    ids != NULL ? idmap_group(ids, st->st_gid) : NULL,
	    (unsigned long long)st->st_gid) == -1)
		goto full;
	if (buf_addc(b, ' ') == -1 || buf_add(b, n.p, n.len) == -1)
		goto full;
	return 0;
full:
	buf_truncate(b, start);
	return MLSX_NOSPACE;
}
