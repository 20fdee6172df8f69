/*
 * idmap.c: uid/gid -> name tables for listings inside a chroot.
 *
 * The login worker fills the tables from passwd(5) and group(5) images
 * before the session chroots; afterwards listings look names up here
 * and never call into NSS.  Each table is an array kept sorted by id,
 * so a lookup is a binary search and needs no allocation.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/idmap.h"
#include "file.h"
#include "str.h"

/* Larger files are refused rather than read in part. */
#define IDMAP_FILE_MAX	(16 * 1024 * 1024)
/*
 * Entries are collected up to twice the cap before duplicates are
 * folded, so a file full of repeated ids costs a bounded number of
 * sorts.
 */
#define IDMAP_WORK_MAX	(2 * (size_t)IDMAP_MAX)
/* Ids are 32 bits on every system we build on; -1 means "no id". */
#define IDMAP_ID_MAX	((uint64_t)UINT32_MAX - 1)

#define PASSWD_FIELDS	7	/* name:pw:uid:gid:gecos:dir:shell */
#define GROUP_FIELDS	4	/* name:pw:gid:members */
#define FIELDS_MAX	7

struct idmap_ent {
	uint64_t	 seq;		/* order seen: the first id wins */
	uint32_t	 id;
	char		 name[IDMAP_NAME_MAX + 1];
};

struct idmap_table {
	struct idmap_ent *ent;
	size_t		 n;
	size_t		 cap;
	uint64_t	 seq;
};

struct idmap {
	struct idmap_table users;
	struct idmap_table groups;
};

struct idmap *
idmap_new(void)
{
	return calloc(1, sizeof(struct idmap));
}

void
idmap_free(struct idmap *m)
{
	if (m == NULL)
		return;
	free(m->users.ent);
	free(m->groups.ent);
	free(m);
}

static int
cmp_id(const void *a, const void *b)
{
	const struct idmap_ent *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct idmap_ent *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/*
 * Sort by id, keep the earliest entry of each id, and enforce the cap
 * by keeping the ids that appeared first.
 */
static void
compact(struct idmap_table *t)
{
	size_t i, out;

	if (t->n == 0)
		return;
	qsort(t->ent, t->n, sizeof(t->ent[0]), cmp_id);
	out = 1;
	for (i = 1; i < t->n; i++) {
		if (t->ent[i].id == t->ent[out - 1].id)
			continue;
		if (i != out)
			t->ent[out] = t->ent[i];
		out++;
	}
	t->n = out;
	if (t->n > IDMAP_MAX) {
		qsort(t->ent, t->n, sizeof(t->ent[0]), cmp_seq);
		t->n = IDMAP_MAX;
		qsort(t->ent, t->n, sizeof(t->ent[0]), cmp_id);
	}
}

/* Make room for one more entry: 1 room, 0 table full, -1 ENOMEM. */
static int
make_room(struct idmap_table *t)
{
	struct idmap_ent *ne;
	size_t ncap;

	if (t->n < t->cap)
		return 1;
	if (t->cap < IDMAP_WORK_MAX) {
		ncap = t->cap == 0 ? 64 : t->cap * 2;
		if (ncap > IDMAP_WORK_MAX)
			ncap = IDMAP_WORK_MAX;
		ne = realloc(t->ent, ncap * sizeof(*ne));
		if (ne == NULL) {
			errno = ENOMEM;
			return -1;
		}
		t->ent = ne;
		t->cap = ncap;
		return 1;
	}
	compact(t);
	return t->n < IDMAP_MAX ? 1 : 0;
}

/* Give back what a small file did not need. */
static void
shrink(struct idmap_table *t)
{
	struct idmap_ent *ne;
	size_t ncap = t->n < 64 ? 64 : t->n;

	if (ncap >= t->cap)
		return;
	ne = realloc(t->ent, ncap * sizeof(*ne));
	if (ne == NULL)
		return;		/* the old block is still valid */
	t->ent = ne;
	t->cap = ncap;
}

/*
 * Split line into exactly want ':'-separated fields; -1 if the count
 * differs.
 */
static int
split_fields(struct str line, struct str *f, size_t want)
{
	struct str head;
	size_t n = 0;
	int more;

	for (;;) {
		more = str_split(line, ':', &head, &line);
		if (n == want)
			return -1;
		f[n++] = head;
		if (!more)
			break;
	}
	return n == want ? 0 : -1;
}

/*
 * A name is shown in listings, where clients split columns at blanks:
 * refuse spaces and control bytes, and the NIS "+"/"-" compat markers,
 * which are not names.
 */
static int
valid_name(struct str s)
{
	size_t i;

	if (s.len == 0 || s.len > IDMAP_NAME_MAX)
		return 0;
	if (str_eq(str_head(s, 1), "+") || str_eq(str_head(s, 1), "-"))
		return 0;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

static int
parse_id(struct str s, uint32_t *id)
{
	uint64_t v;

	if (str_to_u64(s, IDMAP_ID_MAX, &v) == -1)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/*
 * Parse one line into name and id; -1 if malformed.  passwd lines need
 * a numeric gid as well as a numeric uid.
 */
static int
parse_line(struct str line, int passwd, struct str *name, uint32_t *id)
{
	struct str f[FIELDS_MAX];
	uint32_t gid;

	/* BSD files start with "# $FreeBSD$"-style comment lines. */
	if (str_eq(str_head(line, 1), "#") || str_find(line, '\0').found)
		return -1;
	if (passwd) {
		if (split_fields(line, f, PASSWD_FIELDS) == -1)
			return -1;
		if (parse_id(f[2], id) == -1 || parse_id(f[3], &gid) == -1)
			return -1;
	} else {
		if (split_fields(line, f, GROUP_FIELDS) == -1)
			return -1;
		if (parse_id(f[2], id) == -1)
			return -1;
	}
	if (!valid_name(f[0]))
		return -1;
	*name = f[0];
	return 0;
}

static int
add_image(struct idmap_table *t, const char *text, size_t len, int passwd)
{
	struct str rest, line, name;
	struct idmap_ent *e;
	uint32_t id;
	int r, rv = 0;

	rest = str_from(text, len);
	while (!str_empty(rest)) {
		(void)str_split(rest, '\n', &line, &rest);
		if (line.len > 0 &&
		    str_eq(str_skip(line, line.len - 1), "\r"))
			line = str_head(line, line.len - 1);
		if (parse_line(line, passwd, &name, &id) == -1)
			continue;
		if ((r = make_room(t)) != 1) {
			rv = r;
			break;
		}
		e = &t->ent[t->n];
		memset(e, 0, sizeof(*e));
		e->seq = t->seq++;
		e->id = id;
		if (str_copy(name, e->name, sizeof(e->name)) == -1)
			continue;	/* cannot happen: length checked */
		t->n++;
	}
	/* Leave the table sorted and usable even after ENOMEM. */
	compact(t);
	shrink(t);
	return rv == -1 ? -1 : 0;
}

int
idmap_add_passwd(struct idmap *m, const char *text, size_t len)
{
	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	return add_image(&m->users, text, len, 1);
}

int
idmap_add_group(struct idmap *m, const char *text, size_t len)
{
	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	return add_image(&m->groups, text, len, 0);
}

static int
load_one(struct idmap *m, const char *path, int passwd)
{
	char *text;
	size_t len;
	int r;

	if (path == NULL)
		return 0;
	if ((r = file_read(path, IDMAP_FILE_MAX, &text, &len)) != 1)
		return r;
	r = passwd ? idmap_add_passwd(m, text, len) :
	    idmap_add_group(m, text, len);
	free(text);
	return r;
}

int
idmap_load_files(struct idmap *m, const char *passwd_path,
    const char *group_path)
{
	int rp, rg, saved = 0;

	if (m == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Try both files: a bad passwd should not cost the group names. */
	rp = load_one(m, passwd_path, 1);
	if (rp == -1)
		saved = errno;
	rg = load_one(m, group_path, 0);
	if (rp == -1) {
		errno = saved;
		return -1;
	}
	return rg == -1 ? -1 : 0;
}

static const char *
lookup(const struct idmap_table *t, uint64_t id)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->ent[mid].id < id)
			lo = mid + 1;
		else if (t->ent[mid].id > id)
			hi = mid;
		else
			return t->ent[mid].name;
	}
	return NULL;
}

const char *
idmap_user(const struct idmap *m, uid_t uid)
{
	if (m == NULL)
		return NULL;
	return lookup(&m->users, (uint64_t)uid);
}

const char *
idmap_group(const struct idmap *m, gid_t gid)
{
	if (m == NULL)
		return NULL;
	return lookup(&m->groups, (uint64_t)gid);
}
