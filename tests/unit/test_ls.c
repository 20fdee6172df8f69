/*
 * test_ls: the built-in listing (src/fs/ls.c) against a real temporary
 * tree: long-format lines, sort orders, dot-file rules, -d, -F, -R with
 * its loop and depth protection, CR/LF names, errors, the sink stopping,
 * and a 10,000-entry directory.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/sysmacros.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "buf.h"
#include "str.h"
#include "auth/idmap.h"
#include "fs/ls.h"

#define T_RECENT	((time_t)1701142080)	/* 2023-11-28 03:28:00 UTC */
#define T_OLD		((time_t)1574911680)	/* 2019-11-28 03:28:00 UTC */
#define T_NOW		(T_RECENT + 10 * 86400)
#define EVIL		"a\r\n227 x"

static char base[64];

/* ---- helpers ---- */

struct coll {
	char	*p;
	size_t	 len, cap;
	size_t	 calls, maxchunk;
	size_t	 fail_at;	/* fail the nth call (1-based); 0: never */
};

static int
coll_sink(void *arg, const void *data, size_t len)
{
	struct coll *c = arg;
	char *np;

	c->calls++;
	if (c->fail_at != 0 && c->calls >= c->fail_at)
		return -1;
	if (len > c->maxchunk)
		c->maxchunk = len;
	if (c->len + len + 1 > c->cap) {
		size_t ncap = (c->len + len + 1) * 2;

		if ((np = realloc(c->p, ncap)) == NULL)
			return -1;
		c->p = np;
		c->cap = ncap;
	}
	memcpy(c->p + c->len, data, len);
	c->len += len;
	c->p[c->len] = '\0';
	return 0;
}

static void
coll_free(struct coll *c)
{
	free(c->p);
	memset(c, 0, sizeof(*c));
}

/* Run ls_list into c (reset first); returns ls_list's value. */
static int
run(struct coll *c, const char *rel, const struct ls_opts *o,
    const struct idmap *idm)
{
	char path[512];
	int r;

	coll_free(c);
	c->p = calloc(1, 1);
	c->cap = c->p != NULL ? 1 : 0;
	if (rel[0] == '\0')
		cstr_printf(path, sizeof(path), "%s", base);
	else
		cstr_printf(path, sizeof(path), "%s/%s", base, rel);
	r = ls_list(path, o, idm, T_NOW, coll_sink, c);
	return r;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* Every LF is preceded by CR (no bare LF anywhere). */
static int
all_crlf(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
	return 1;
}

static size_t
count_sub(const char *s, const char *sub)
{
	size_t n = 0, sl = strlen(sub);

	while (s != NULL && (s = strstr(s, sub)) != NULL) {
		n++;
		s += sl;
	}
	return n;
}

/*
 * The whole line (CRLF included) ending in " name\r\n", copied to out;
 * a symlink line "x -> name" does not count unless name holds the arrow.
 */
static int
line_for(const char *s, const char *name, char *out, size_t outsize)
{
	char pat[300];
	const char *hit, *start, *from = s;
	size_t len;

	cstr_printf(pat, sizeof(pat), " %s\r\n", name);
	while (from != NULL && (hit = strstr(from, pat)) != NULL) {
		from = hit + 1;
		start = hit;
		while (start > s && start[-1] != '\n')
			start--;
		len = (size_t)(hit - start) + strlen(pat);
		if (len >= outsize)
			return -1;
		memcpy(out, start, len);
		out[len] = '\0';
		if (strstr(name, " -> ") == NULL && strstr(out, " -> ") != NULL)
			continue;
		return 0;
	}
	return -1;
}

static void
long_opts(struct ls_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->long_format = 1;
	o->almost_all = 1;
}

static void
nlst_opts(struct ls_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nlst = 1;
}

static int
mkfile(const char *rel, size_t size, mode_t mode, time_t mtime)
{
	char path[512], chunk[512];
	struct timespec ts[2];
	size_t n;
	int fd;

	cstr_printf(path, sizeof(path), "%s/%s", base, rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	memset(chunk, 'x', sizeof(chunk));
	while (size > 0) {
		n = size < sizeof(chunk) ? size : sizeof(chunk);
		if (write(fd, chunk, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		size -= n;
	}
	if (fchmod(fd, mode) == -1) {
		close(fd);
		return -1;
	}
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (futimens(fd, ts) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
settime(const char *rel, time_t mtime)
{
	char path[512];
	struct timespec ts[2];

	cstr_printf(path, sizeof(path), "%s/%s", base, rel);
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

static int
mkdir_rel(const char *rel)
{
	char path[512];

	cstr_printf(path, sizeof(path), "%s/%s", base, rel);
	return mkdir(path, 0755);
}

static int
symlink_rel(const char *target, const char *rel)
{
	char path[512];

	cstr_printf(path, sizeof(path), "%s/%s", base, rel);
	return symlink(target, path);
}

/*
 * The tree:
 *   alpha (1234, 0644)  beta (10, 0755)  gamma (5000, 0600)
 *   "with space"  EVIL  .hidden  fifo  link -> sub
 *   sub/ { inner, loop -> .., deeper/ }
 *   s/ { a (100), b (300), c (200) }: sort orders
 *   deep/d/d/...: 24 levels
 *   big/: 10,000 files
 */
static int
make_tree(void)
{
	char rel[512];
	int i, fd;

	cstr_copy(base, sizeof(base), "/tmp/test_ls.XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	/* Searchable by others: the EACCES test runs as nobody. */
	if (chmod(base, 0755) == -1)
		return -1;
	if (mkfile("alpha", 1234, 0644, T_RECENT) == -1 ||
	    mkfile("beta", 10, 0755, T_RECENT + 60) == -1 ||
	    mkfile("gamma", 5000, 0600, T_OLD) == -1 ||
	    mkfile("with space", 0, 0644, T_RECENT) == -1 ||
	    mkfile(EVIL, 3, 0644, T_RECENT) == -1 ||
	    mkfile(".hidden", 1, 0644, T_RECENT) == -1)
		return -1;
	cstr_printf(rel, sizeof(rel), "%s/fifo", base);
	if (mkfifo(rel, 0644) == -1 || settime("fifo", T_RECENT) == -1)
		return -1;
	if (mkdir_rel("sub") == -1 || mkdir_rel("sub/deeper") == -1 ||
	    mkfile("sub/inner", 7, 0644, T_RECENT) == -1 ||
	    symlink_rel("..", "sub/loop") == -1 ||
	    symlink_rel("sub", "link") == -1)
		return -1;
	if (mkdir_rel("s") == -1 ||
	    mkfile("s/a", 100, 0644, T_RECENT) == -1 ||
	    mkfile("s/b", 300, 0644, T_RECENT + 100) == -1 ||
	    mkfile("s/c", 200, 0644, T_RECENT - 100) == -1)
		return -1;
	if (mkdir_rel("locked") == -1)
		return -1;
	cstr_printf(rel, sizeof(rel), "%s/locked", base);
	if (chmod(rel, 0700) == -1)
		return -1;

	if (mkdir_rel("deep") == -1)
		return -1;
	cstr_copy(rel, sizeof(rel), "deep");
	for (i = 0; i < 24; i++) {
		if (cstr_cat(rel, sizeof(rel), "/d") == -1 ||
		    mkdir_rel(rel) == -1)
			return -1;
	}

	if (mkdir_rel("big") == -1)
		return -1;
	for (i = 0; i < 10000; i++) {
		cstr_printf(rel, sizeof(rel), "%s/big/f%05d", base, i);
		if ((fd = open(rel, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
			return -1;
		close(fd);
	}
	/* Last: creating entries above changed the directories' times. */
	if (settime("sub", T_RECENT) == -1 || settime("link", T_RECENT) == -1 ||
	    settime("sub/loop", T_RECENT) == -1)
		return -1;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

static void
remove_tree(void)
{
	if (base[0] != '\0')
		nftw(base, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* ---- tests ---- */

UNIT_TEST(test_parse_flags)
{
	struct ls_opts o;
	struct str rest;

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-la /pub"), &o, &rest);
	CHECK(o.long_format && o.all && !o.recursive);
	CHECK(str_eq(rest, "/pub"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("  -l -R\t dir  "), &o, &rest);
	CHECK(o.long_format && o.recursive && !o.all);
	CHECK(str_eq(rest, "dir"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-"), &o, &rest);
	CHECK(str_eq(rest, "-"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("- x"), &o, &rest);
	CHECK(str_eq(rest, "- x"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-- -R"), &o, &rest);
	CHECK(!o.recursive);
	CHECK(str_eq(rest, "-R"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-A --"), &o, &rest);
	CHECK(o.almost_all);
	CHECK(str_eq(rest, ""));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-lqz1C"), &o, &rest);
	CHECK(o.long_format && !o.all && !o.almost_all);
	CHECK(str_empty(rest));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-t -S"), &o, &rest);
	CHECK(o.sort_size && !o.sort_time);
	ls_parse_flags(str_cstr("-t"), &o, &rest);
	CHECK(o.sort_time && !o.sort_size);

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("-dFnr x y"), &o, &rest);
	CHECK(o.directory && o.classify && o.numeric && o.long_format &&
	    o.reverse);
	CHECK(str_eq(rest, "x y"));

	/* A GNU long option is skipped whole: no -r from "color". */
	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("--color=never -a x"), &o, &rest);
	CHECK(o.all && !o.reverse && !o.long_format);
	CHECK(str_eq(rest, "x"));

	/* Flags only lead: a later "-l" is part of the path. */
	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr("file -l"), &o, &rest);
	CHECK(!o.long_format);
	CHECK(str_eq(rest, "file -l"));

	memset(&o, 0, sizeof(o));
	ls_parse_flags(str_cstr(""), &o, &rest);
	CHECK(str_empty(rest));
	ls_parse_flags(STR_NULL, &o, &rest);
	CHECK(str_empty(rest));
	ls_parse_flags(str_cstr("   "), &o, &rest);
	CHECK(str_empty(rest));
}

UNIT_TEST(test_format_long)
{
	struct ls_opts o;
	struct stat st;
	struct idmap *m;
	char line[512];
	int n;

	memset(&o, 0, sizeof(o));
	o.long_format = 1;
	o.numeric = 1;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	st.st_nlink = 1;
	st.st_uid = 1000;
	st.st_gid = 100;
	st.st_size = 1234;
	st.st_mtim.tv_sec = T_RECENT;

	n = ls_format_long(line, sizeof(line), "name", &st, NULL, NULL, &o,
	    T_NOW);
	CHECK_STR(line,
	    "-rw-r--r--    1 1000     100          1234 Nov 28 03:28 name\r\n");
	CHECK_INT(n, strlen(line));

	/* Older than six months, or more than an hour ahead: the year. */
	st.st_mtim.tv_sec = T_OLD;
	ls_format_long(line, sizeof(line), "name", &st, NULL, NULL, &o, T_NOW);
	CHECK_STR(line,
	    "-rw-r--r--    1 1000     100          1234 Nov 28  2019 name\r\n");
	st.st_mtim.tv_sec = T_NOW + 7200;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strstr(line, " Dec  8  2023 n\r\n") != NULL);
	st.st_mtim.tv_sec = T_NOW + 1800;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strstr(line, " Dec  8 03:58 n\r\n") != NULL);
	st.st_mtim.tv_sec = T_NOW - 200 * 86400;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strstr(line, " May 22  2023 n\r\n") != NULL);
	st.st_mtim.tv_sec = T_RECENT;

	/* Names from the idmap; numbers for ids it does not know. */
	m = idmap_new();
	CHECK(m != NULL);
	if (m != NULL) {
		static const char pw[] =
		    "alice:x:1000:100::/home/alice:/bin/sh\n";
		static const char gr[] = "staff:x:100:\n";

		CHECK_INT(idmap_add_passwd(m, pw, sizeof(pw) - 1), 0);
		CHECK_INT(idmap_add_group(m, gr, sizeof(gr) - 1), 0);
		o.numeric = 0;
		ls_format_long(line, sizeof(line), "name", &st, NULL, m, &o,
		    T_NOW);
		CHECK_STR(line, "-rw-r--r--    1 alice    staff        1234 "
		    "Nov 28 03:28 name\r\n");
		/* -n wins over the map. */
		o.numeric = 1;
		ls_format_long(line, sizeof(line), "name", &st, NULL, m, &o,
		    T_NOW);
		CHECK(strstr(line, " 1000     100 ") != NULL);
		o.numeric = 0;
		st.st_uid = 4242;
		ls_format_long(line, sizeof(line), "name", &st, NULL, m, &o,
		    T_NOW);
		CHECK_STR(line, "-rw-r--r--    1 4242     staff        1234 "
		    "Nov 28 03:28 name\r\n");
		st.st_uid = 1000;
		/* ls -o: no group column. */
		o.no_group = 1;
		ls_format_long(line, sizeof(line), "name", &st, NULL, m, &o,
		    T_NOW);
		CHECK_STR(line, "-rw-r--r--    1 alice        1234 "
		    "Nov 28 03:28 name\r\n");
		o.no_group = 0;
		o.numeric = 1;
		idmap_free(m);
	}

	/* Special bits: lower case over x, upper case without it. */
	st.st_mode = S_IFREG | 04755;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "-rwsr-xr-x ", 11) == 0);
	st.st_mode = S_IFREG | 04644;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "-rwSr--r-- ", 11) == 0);
	st.st_mode = S_IFDIR | 02750;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "drwxr-s--- ", 11) == 0);
	st.st_mode = S_IFDIR | 02740;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "drwxr-S--- ", 11) == 0);
	st.st_mode = S_IFDIR | 01777;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "drwxrwxrwt ", 11) == 0);
	st.st_mode = S_IFDIR | 01776;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "drwxrwxrwT ", 11) == 0);
	st.st_mode = S_IFIFO | 0600;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "prw------- ", 11) == 0);
	st.st_mode = S_IFSOCK | 0777;
	ls_format_long(line, sizeof(line), "n", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "srwxrwxrwx ", 11) == 0);

	/* Devices: major, minor in the size column. */
	st.st_mode = S_IFCHR | 0666;
	st.st_rdev = makedev(1, 3);
	st.st_uid = 0;
	st.st_gid = 0;
	ls_format_long(line, sizeof(line), "null", &st, NULL, NULL, &o, T_NOW);
	CHECK_STR(line,
	    "crw-rw-rw-    1 0        0          1,   3 Nov 28 03:28 null\r\n");
	st.st_mode = S_IFBLK | 0660;
	st.st_rdev = makedev(8, 17);
	ls_format_long(line, sizeof(line), "sdb1", &st, NULL, NULL, &o, T_NOW);
	CHECK(strncmp(line, "brw-rw---- ", 11) == 0);
	CHECK(strstr(line, "   8,  17 Nov") != NULL);

	/* Symlinks show the target; -F puts the suffix before it. */
	st.st_mode = S_IFLNK | 0777;
	st.st_size = 3;
	st.st_nlink = 1;
	ls_format_long(line, sizeof(line), "ln", &st, "tgt", NULL, &o, T_NOW);
	CHECK_STR(line, "lrwxrwxrwx    1 0        0               3 "
	    "Nov 28 03:28 ln -> tgt\r\n");
	o.classify = 1;
	ls_format_long(line, sizeof(line), "ln", &st, "tgt", NULL, &o, T_NOW);
	CHECK(strstr(line, " ln@ -> tgt\r\n") != NULL);
	st.st_mode = S_IFDIR | 0755;
	ls_format_long(line, sizeof(line), "d", &st, NULL, NULL, &o, T_NOW);
	CHECK(strstr(line, " d/\r\n") != NULL);
	st.st_mode = S_IFREG | 0700;
	ls_format_long(line, sizeof(line), "x", &st, NULL, NULL, &o, T_NOW);
	CHECK(strstr(line, " x*\r\n") != NULL);
	o.classify = 0;

	/* Control bytes in name and target become '?'. */
	st.st_mode = S_IFLNK | 0777;
	ls_format_long(line, sizeof(line), EVIL, &st, "t\n200 ok", NULL, &o,
	    T_NOW);
	CHECK(strstr(line, " a??227 x -> t?200 ok\r\n") != NULL);
	CHECK(all_crlf(line, strlen(line)));
	CHECK_INT(count_lines(line), 1);
	st.st_mode = S_IFREG | 0644;
	ls_format_long(line, sizeof(line), "tab\there\x7f\x1b", &st, NULL,
	    NULL, &o, T_NOW);
	CHECK(strstr(line, " tab?here??\r\n") != NULL);
	/* Bytes >= 0x80 (UTF-8 names) pass unchanged. */
	ls_format_long(line, sizeof(line), "caf\xc3\xa9", &st, NULL, NULL, &o,
	    T_NOW);
	CHECK(strstr(line, " caf\xc3\xa9\r\n") != NULL);

	/* Too small a buffer: -1 and an empty string, never a cut line. */
	n = ls_format_long(line, 20, "name", &st, NULL, NULL, &o, T_NOW);
	CHECK_INT(n, -1);
	CHECK_STR(line, "");
	n = ls_format_long(line, 0, "name", &st, NULL, NULL, &o, T_NOW);
	CHECK_INT(n, -1);
}

UNIT_TEST(test_long_real_file)
{
	struct ls_opts o;
	struct coll c;
	char want[512], got[512], path[512];
	struct idmap *m;
	char pw[128], gr[128];
	int r;

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	o.numeric = 1;

	/* In a directory listing. */
	r = run(&c, "", &o, NULL);
	CHECK_INT(r, 0);
	cstr_printf(want, sizeof(want),
	    "-rw-r--r--    1 %-8u %-8u     1234 Nov 28 03:28 alpha\r\n",
	    (unsigned)getuid(), (unsigned)getgid());
	CHECK(line_for(c.p, "alpha", got, sizeof(got)) == 0);
	CHECK_STR(got, want);
	CHECK(line_for(c.p, "gamma", got, sizeof(got)) == 0);
	CHECK(strncmp(got, "-rw------- ", 11) == 0);
	CHECK(strstr(got, " 5000 Nov 28  2019 gamma\r\n") != NULL);
	CHECK(line_for(c.p, "link -> sub", got, sizeof(got)) == 0);
	CHECK(strncmp(got, "lrwxrwxrwx ", 11) == 0);
	CHECK(line_for(c.p, "fifo", got, sizeof(got)) == 0);
	CHECK(got[0] == 'p');
	CHECK(line_for(c.p, "sub", got, sizeof(got)) == 0);
	CHECK(got[0] == 'd');
	CHECK(line_for(c.p, "with space", got, sizeof(got)) == 0);
	CHECK(strncmp(c.p, "total ", 6) == 0);
	CHECK(all_crlf(c.p, c.len));

	/* A file argument: that one line, named as given, no total. */
	r = run(&c, "alpha", &o, NULL);
	CHECK_INT(r, 0);
	cstr_printf(path, sizeof(path), "%s/alpha", base);
	cstr_printf(want, sizeof(want),
	    "-rw-r--r--    1 %-8u %-8u     1234 Nov 28 03:28 %s\r\n",
	    (unsigned)getuid(), (unsigned)getgid(), path);
	CHECK_STR(c.p, want);

	/* Owner and group names from the real idmap. */
	m = idmap_new();
	CHECK(m != NULL);
	if (m != NULL) {
		cstr_printf(pw, sizeof(pw), "me:x:%u:%u::/:/bin/sh\n",
		    (unsigned)getuid(), (unsigned)getgid());
		cstr_printf(gr, sizeof(gr), "mygrp:x:%u:\n",
		    (unsigned)getgid());
		CHECK_INT(idmap_add_passwd(m, pw, strlen(pw)), 0);
		CHECK_INT(idmap_add_group(m, gr, strlen(gr)), 0);
		o.numeric = 0;
		r = run(&c, "alpha", &o, m);
		CHECK_INT(r, 0);
		cstr_printf(want, sizeof(want), "-rw-r--r--    1 me       mygrp"
		    "        1234 Nov 28 03:28 %s\r\n", path);
		CHECK_STR(c.p, want);
		idmap_free(m);
	}

	/* NLST of a file: its name as given. */
	nlst_opts(&o);
	r = run(&c, "alpha", &o, NULL);
	CHECK_INT(r, 0);
	cstr_printf(want, sizeof(want), "%s\r\n", path);
	CHECK_STR(c.p, want);
	coll_free(&c);
}

UNIT_TEST(test_total)
{
	struct ls_opts o;
	struct coll c;
	struct stat st;
	char path[512], want[64];
	const char *names[] = { "a", "b", "c" };
	long long blocks = 0;
	size_t i;

	for (i = 0; i < 3; i++) {
		cstr_printf(path, sizeof(path), "%s/s/%s", base, names[i]);
		CHECK(lstat(path, &st) == 0);
		blocks += (long long)st.st_blocks;
	}
	memset(&c, 0, sizeof(c));
	long_opts(&o);
	o.numeric = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	cstr_printf(want, sizeof(want), "total %lld\r\n", (blocks + 1) / 2);
	CHECK(c.p != NULL && strncmp(c.p, want, strlen(want)) == 0);
	CHECK_INT(count_lines(c.p), 4);

	/* An empty directory: the total alone. */
	CHECK_INT(run(&c, "sub/deeper", &o, NULL), 0);
	CHECK_STR(c.p, "total 0\r\n");
	coll_free(&c);
}

UNIT_TEST(test_sort)
{
	struct ls_opts o;
	struct coll c;

	memset(&c, 0, sizeof(c));
	nlst_opts(&o);
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "a\r\nb\r\nc\r\n");
	o.reverse = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "c\r\nb\r\na\r\n");
	o.reverse = 0;
	o.sort_time = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "b\r\na\r\nc\r\n");
	o.reverse = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "c\r\na\r\nb\r\n");
	o.reverse = 0;
	o.sort_time = 0;
	o.sort_size = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "b\r\nc\r\na\r\n");
	o.reverse = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK_STR(c.p, "a\r\nc\r\nb\r\n");

	/* Long format follows the same order. */
	long_opts(&o);
	o.sort_size = 1;
	CHECK_INT(run(&c, "s", &o, NULL), 0);
	CHECK(c.p != NULL && strstr(c.p, " b\r\n") < strstr(c.p, " c\r\n") &&
	    strstr(c.p, " c\r\n") < strstr(c.p, " a\r\n"));

	/* Bytewise: upper case before lower, '.' before letters. */
	nlst_opts(&o);
	o.almost_all = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK_STR(c.p, ".hidden\r\nalpha\r\nbeta\r\nbig\r\ndeep\r\nfifo\r\n"
	    "gamma\r\nlink\r\nlocked\r\ns\r\nsub\r\nwith space\r\n");
	coll_free(&c);
}

/* Names equal in their first 8 bytes (the sort key), bytes above 0x7f. */
UNIT_TEST(test_sort_key)
{
	static const char *names[] = { "o/abcdefgh1", "o/abcdefgh0",
	    "o/abcdefgh", "o/abcdefg", "o/a\xc3\xa9", "o/ab", "o/B" };
	char path[1024];
	struct ls_opts o;
	struct coll c;
	size_t i;

	memset(&c, 0, sizeof(c));
	CHECK_INT(mkdir_rel("o"), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_INT(mkfile(names[i], 0, 0644, T_RECENT), 0);
	nlst_opts(&o);
	CHECK_INT(run(&c, "o", &o, NULL), 0);
	CHECK_STR(c.p, "B\r\nab\r\nabcdefg\r\nabcdefgh\r\nabcdefgh0\r\n"
	    "abcdefgh1\r\na\xc3\xa9\r\n");
	o.reverse = 1;
	CHECK_INT(run(&c, "o", &o, NULL), 0);
	CHECK_STR(c.p, "a\xc3\xa9\r\nabcdefgh1\r\nabcdefgh0\r\nabcdefgh\r\n"
	    "abcdefg\r\nab\r\nB\r\n");
	/* The shared tree must look as the other tests expect. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cstr_printf(path, sizeof(path), "%s/%s", base, names[i]);
		CHECK_INT(unlink(path), 0);
	}
	cstr_printf(path, sizeof(path), "%s/o", base);
	CHECK_INT(rmdir(path), 0);
	coll_free(&c);
}

UNIT_TEST(test_dotfiles)
{
	struct ls_opts o;
	struct coll c;

	memset(&c, 0, sizeof(c));
	nlst_opts(&o);
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, ".hidden") == NULL);
	CHECK(strncmp(c.p, "alpha\r\n", 7) == 0);

	o.almost_all = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strncmp(c.p, ".hidden\r\n", 9) == 0);
	CHECK(strstr(c.p, "\r\n.\r\n") == NULL);
	CHECK(strstr(c.p, "\r\n..\r\n") == NULL);

	o.almost_all = 0;
	o.all = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strncmp(c.p, ".\r\n..\r\n.hidden\r\nalpha\r\n", 23) == 0);

	/* -a and -A together: -a. */
	o.almost_all = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strncmp(c.p, ".\r\n..\r\n.hidden\r\n", 16) == 0);

	/* LIST default (-A) long format. */
	long_opts(&o);
	o.numeric = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, " .hidden\r\n") != NULL);
	CHECK(strstr(c.p, " .\r\n") == NULL && strstr(c.p, " ..\r\n") == NULL);
	o.all = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, " .\r\n") != NULL && strstr(c.p, " ..\r\n") != NULL);
	coll_free(&c);
}

UNIT_TEST(test_directory_flag)
{
	struct ls_opts o;
	struct coll c;
	char path[512], got[512];

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	o.numeric = 1;
	o.directory = 1;
	CHECK_INT(run(&c, "sub", &o, NULL), 0);
	cstr_printf(path, sizeof(path), "%s/sub", base);
	CHECK_INT(count_lines(c.p), 1);
	CHECK(c.p[0] == 'd');
	CHECK(line_for(c.p, path, got, sizeof(got)) == 0);
	CHECK(strstr(c.p, "total") == NULL);

	/* -d on a symlink: the link itself. */
	CHECK_INT(run(&c, "link", &o, NULL), 0);
	CHECK_INT(count_lines(c.p), 1);
	CHECK(c.p[0] == 'l');
	CHECK(strstr(c.p, "/link -> sub\r\n") != NULL);

	/* Without -d a symlink argument to a directory lists its contents. */
	o.directory = 0;
	CHECK_INT(run(&c, "link", &o, NULL), 0);
	CHECK(strncmp(c.p, "total ", 6) == 0);
	CHECK(strstr(c.p, " inner\r\n") != NULL);
	CHECK(strstr(c.p, " loop -> ..\r\n") != NULL);

	/* -d NLST: the name as given. */
	nlst_opts(&o);
	o.directory = 1;
	CHECK_INT(run(&c, "sub", &o, NULL), 0);
	cstr_printf(got, sizeof(got), "%s\r\n", path);
	CHECK_STR(c.p, got);
	coll_free(&c);
}

UNIT_TEST(test_classify)
{
	struct ls_opts o;
	struct coll c;

	memset(&c, 0, sizeof(c));
	nlst_opts(&o);
	o.classify = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK_STR(c.p, "alpha\r\nbeta*\r\nbig/\r\ndeep/\r\nfifo|\r\n"
	    "gamma\r\nlink@\r\nlocked/\r\ns/\r\nsub/\r\nwith space\r\n");

	long_opts(&o);
	o.numeric = 1;
	o.classify = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, " link@ -> sub\r\n") != NULL);
	CHECK(strstr(c.p, " sub/\r\n") != NULL);
	CHECK(strstr(c.p, " beta*\r\n") != NULL);
	CHECK(strstr(c.p, " fifo|\r\n") != NULL);
	CHECK(strstr(c.p, " alpha\r\n") != NULL);
	coll_free(&c);
}

UNIT_TEST(test_recursive)
{
	struct ls_opts o;
	struct coll c;
	char h1[600], h2[600], bad[600];
	const char *p1, *p2;
	size_t i;

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	o.numeric = 1;
	o.recursive = 1;
	CHECK_INT(run(&c, "sub", &o, NULL), 0);
	cstr_printf(h1, sizeof(h1), "\r\n%s/sub/deeper:\r\ntotal 0\r\n", base);
	CHECK(strncmp(c.p, "total ", 6) == 0);
	CHECK(strstr(c.p, h1) != NULL);
	/* "loop -> .." is shown, never entered. */
	CHECK(strstr(c.p, " loop -> ..\r\n") != NULL);
	CHECK_INT(count_sub(c.p, ":\r\n"), 1);
	CHECK(all_crlf(c.p, c.len));

	/* From the top: sub and sub/deeper in order; link never entered. */
	nlst_opts(&o);
	o.recursive = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	cstr_printf(h1, sizeof(h1), "\r\n%s/sub:\r\n", base);
	cstr_printf(h2, sizeof(h2), "\r\n%s/sub/deeper:\r\n", base);
	p1 = strstr(c.p, h1);
	p2 = strstr(c.p, h2);
	CHECK(p1 != NULL && p2 != NULL && p1 < p2);
	cstr_printf(bad, sizeof(bad), "%s/link:", base);
	CHECK(strstr(c.p, bad) == NULL);
	cstr_printf(bad, sizeof(bad), "%s/sub/loop:", base);
	CHECK(strstr(c.p, bad) == NULL);
	/* big, deep (+ LS_MAX_DEPTH - 1 levels), locked, s, sub, deeper. */
	CHECK_INT(count_sub(c.p, ":\r\n"), 1 + LS_MAX_DEPTH + 1 + 1 + 2);
	/* The first directory gets no header. */
	CHECK(strncmp(c.p, "alpha\r\n", 7) == 0);

	/* Reversed: subdirectories visited in the printed order. */
	o.reverse = 1;
	CHECK_INT(run(&c, "sub", &o, NULL), 0);
	cstr_printf(h2, sizeof(h2),
	    "loop\r\ninner\r\ndeeper\r\n\r\n%s/sub/deeper:\r\n", base);
	CHECK_STR(c.p, h2);
	o.reverse = 0;

	/* Depth cap: deep/d/d/... 24 levels, LS_MAX_DEPTH below deep. */
	CHECK_INT(run(&c, "deep", &o, NULL), 0);
	CHECK_INT(count_sub(c.p, ":\r\n"), LS_MAX_DEPTH);
	cstr_printf(h1, sizeof(h1), "\r\n%s/deep", base);
	for (i = 0; i < LS_MAX_DEPTH; i++)
		cstr_cat(h1, sizeof(h1), "/d");
	cstr_copy(h2, sizeof(h2), h1);
	cstr_cat(h1, sizeof(h1), ":\r\n");
	cstr_cat(h2, sizeof(h2), "/d:\r\n");
	CHECK(strstr(c.p, h1) != NULL);
	CHECK(strstr(c.p, h2) == NULL);

	/* A symlink to a directory is listed but never followed. */
	long_opts(&o);
	o.recursive = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, " link -> sub\r\n") != NULL);
	cstr_printf(bad, sizeof(bad), "%s/link:", base);
	CHECK(strstr(c.p, bad) == NULL);
	CHECK_INT(count_sub(c.p, "/sub:\r\n"), 1);

	/* -d turns -R off. */
	o.directory = 1;
	CHECK_INT(run(&c, "sub", &o, NULL), 0);
	CHECK_INT(count_lines(c.p), 1);
	coll_free(&c);
}

UNIT_TEST(test_crlf_names)
{
	struct ls_opts o;
	struct coll c;
	char want[600];

	memset(&c, 0, sizeof(c));
	nlst_opts(&o);
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, "227") == NULL);
	CHECK_INT(count_lines(c.p), 11);
	CHECK(all_crlf(c.p, c.len));

	long_opts(&o);
	o.numeric = 1;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, " a??227 x\r\n") != NULL);
	CHECK(strstr(c.p, "\n227") == NULL);
	CHECK(strstr(c.p, "\r227") == NULL);
	CHECK(all_crlf(c.p, c.len));
	/* total + 13 entries (-A). */
	CHECK_INT(count_lines(c.p), 14);

	/* Short LIST format (no -l): escaped as well. */
	o.long_format = 0;
	CHECK_INT(run(&c, "", &o, NULL), 0);
	CHECK(strstr(c.p, "\r\na??227 x\r\n") != NULL);

	/* Named directly: NLST prints nothing, LIST escapes. */
	nlst_opts(&o);
	CHECK_INT(run(&c, EVIL, &o, NULL), 0);
	CHECK_STR(c.p, "");
	long_opts(&o);
	CHECK_INT(run(&c, EVIL, &o, NULL), 0);
	CHECK(strstr(c.p, "/a??227 x\r\n") != NULL);
	CHECK_INT(count_lines(c.p), 1);

	/* A directory so named: -R escapes its header, NLST skips it. */
	CHECK(mkdir_rel("zesc") == 0);
	CHECK(mkdir_rel("zesc/x\r\n226 y") == 0);
	long_opts(&o);
	o.numeric = 1;
	o.recursive = 1;
	CHECK_INT(run(&c, "zesc", &o, NULL), 0);
	cstr_printf(want, sizeof(want), "\r\n%s/zesc/x??226 y:\r\ntotal 0\r\n",
	    base);
	CHECK(strstr(c.p, want) != NULL);
	CHECK(strstr(c.p, "\n226") == NULL);
	CHECK(all_crlf(c.p, c.len));
	nlst_opts(&o);
	o.recursive = 1;
	CHECK_INT(run(&c, "zesc", &o, NULL), 0);
	CHECK_STR(c.p, "");
	cstr_printf(want, sizeof(want), "%s/zesc/x\r\n226 y", base);
	CHECK(rmdir(want) == 0);
	cstr_printf(want, sizeof(want), "%s/zesc", base);
	CHECK(rmdir(want) == 0);
	coll_free(&c);
}

UNIT_TEST(test_errors)
{
	struct ls_opts o;
	struct coll c;
	char path[512];
	pid_t pid;
	int status;

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	errno = 0;
	CHECK_INT(run(&c, "nope", &o, NULL), -1);
	CHECK_INT(errno, ENOENT);
	errno = 0;
	CHECK_INT(run(&c, "alpha/x", &o, NULL), -1);
	CHECK_INT(errno, ENOTDIR);
	CHECK_INT(c.len, 0);
	errno = 0;
	CHECK_INT(ls_list("", &o, NULL, T_NOW, coll_sink, &c), -1);
	CHECK_INT(errno, ENOENT);

	/* EACCES: an unreadable directory, as a user who cannot read it. */
	cstr_printf(path, sizeof(path), "%s/locked", base);
	if (geteuid() != 0) {
		CHECK(chmod(path, 0) == 0);
		errno = 0;
		CHECK_INT(run(&c, "locked", &o, NULL), -1);
		CHECK_INT(errno, EACCES);
		CHECK(chmod(path, 0700) == 0);
	} else {
		fflush(NULL);
		pid = fork();
		CHECK(pid != -1);
		if (pid == 0) {
			int r;

			if (setgid(65534) == -1 || setuid(65534) == -1)
				_exit(2);
			errno = 0;
			r = ls_list(path, &o, NULL, T_NOW, coll_sink, &c);
			if (r != -1 || errno != EACCES)
				_exit(1);
			/* Under -R: its header alone, and the walk goes on. */
			o.recursive = 1;
			if (ls_list(base, &o, NULL, T_NOW, coll_sink, &c) != 0)
				_exit(3);
			cstr_printf(path, sizeof(path),
			    "\r\n%s/locked:\r\n\r\n%s/s:\r\ntotal ",
			    base, base);
			_exit(c.p != NULL && strstr(c.p, path) != NULL ? 0 : 4);
		}
		if (pid > 0) {
			CHECK(waitpid(pid, &status, 0) == pid);
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		}
	}
	coll_free(&c);
}

UNIT_TEST(test_sink_stop)
{
	struct ls_opts o;
	struct coll c;
	char path[512];

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	/* The very first chunk refused. */
	c.fail_at = 1;
	cstr_printf(path, sizeof(path), "%s/s", base);
	CHECK_INT(ls_list(path, &o, NULL, T_NOW, coll_sink, &c), -2);
	CHECK_INT(c.calls, 1);
	CHECK_INT(c.len, 0);

	/* A big listing stops at the refused chunk, not at the end. */
	coll_free(&c);
	c.fail_at = 2;
	cstr_printf(path, sizeof(path), "%s/big", base);
	CHECK_INT(ls_list(path, &o, NULL, T_NOW, coll_sink, &c), -2);
	CHECK_INT(c.calls, 2);
	CHECK(c.len > 0 && c.len <= 16384);

	/* Also under -R, from a subdirectory's chunk. */
	coll_free(&c);
	c.fail_at = 3;
	o.recursive = 1;
	CHECK_INT(ls_list(base, &o, NULL, T_NOW, coll_sink, &c), -2);
	CHECK_INT(c.calls, 3);
	coll_free(&c);
}

UNIT_TEST(test_big_dir)
{
	struct ls_opts o;
	struct coll c;
	struct timespec t0, t1;
	double ms;

	memset(&c, 0, sizeof(c));
	long_opts(&o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(run(&c, "big", &o, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_INT(count_lines(c.p), 10001);
	CHECK(c.calls > 1);
	CHECK(c.maxchunk <= 16384);
	CHECK(all_crlf(c.p, c.len));
	CHECK(strstr(c.p, " f00000\r\n") != NULL);
	CHECK(strstr(c.p, " f09999\r\n") != NULL);
	CHECK(strstr(c.p, " f00000\r\n") < strstr(c.p, " f09999\r\n"));
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "test_big_dir: LIST of 10000 entries in %.1f ms\n",
	    ms);

	nlst_opts(&o);
	CHECK_INT(run(&c, "big", &o, NULL), 0);
	CHECK_INT(count_lines(c.p), 10000);
	CHECK(strncmp(c.p, "f00000\r\nf00001\r\n", 16) == 0);
	coll_free(&c);
}

int
main(void)
{
	if (make_tree() == -1) {
		perror("test_ls: making the temporary tree");
		remove_tree();
		return 1;
	}
	UNIT_RUN(test_parse_flags);
	UNIT_RUN(test_format_long);
	UNIT_RUN(test_long_real_file);
	UNIT_RUN(test_total);
	UNIT_RUN(test_sort);
	UNIT_RUN(test_sort_key);
	UNIT_RUN(test_dotfiles);
	UNIT_RUN(test_directory_flag);
	UNIT_RUN(test_classify);
	UNIT_RUN(test_recursive);
	UNIT_RUN(test_crlf_names);
	UNIT_RUN(test_errors);
	UNIT_RUN(test_sink_stop);
	UNIT_RUN(test_big_dir);
	remove_tree();
	return UNIT_END();
}
