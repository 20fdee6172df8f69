/*
 * test_mlsx.c: unit tests for the RFC 3659 fact lines (src/fs/mlsx.c):
 * exact MLST/MLSD entries for files, directories, cdir/pdir, symlinks
 * and special files; perm for owner, group, other, root, guests,
 * read-only sessions and sticky directories; names with spaces, ';',
 * CR and LF; OPTS MLST and the FEAT line.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
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
#include "fs/mlsx.h"

#define T_MOD		((time_t)1701142080)	/* 2023-11-28 03:28:00 UTC */
#define T_MOD_TEXT	"20231128032800"

static struct idmap	*ids;

static struct stat
mkst(mode_t mode, uid_t uid, gid_t gid, off_t size)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_size = size;
	st.st_dev = (dev_t)0x803;
	st.st_ino = (ino_t)0x1234ab;
	st.st_mtime = T_MOD;
	return st;
}

static struct mlsx_user
user(uid_t uid, gid_t gid)
{
	struct mlsx_user u;

	memset(&u, 0, sizeof(u));
	u.uid = uid;
	u.gid = gid;
	return u;
}

/* One entry as a C string (static), or "ERR<code>" / "DIRTY". */
static const char *
fmt(unsigned mask, const char *name, const struct stat *st,
    enum mlsx_kind kind, const struct stat *parent,
    const struct mlsx_user *who, const struct idmap *m)
{
	static char out[2048];
	BUF_DECLARE(b, 2000);
	int r;

	r = mlsx_format(&b, mask, name, st, kind, parent, who, m);
	if (r != 0) {
		if (buf_len(&b) != 0)
			return "DIRTY";
		(void)snprintf(out, sizeof(out), "ERR%d", r);
		return out;
	}
	if (buf_cstr(&b, out, sizeof(out)) == -1)
		return "CSTR";
	return out;
}

/* Just the perm letters for an entry (mask = perm only). */
static const char *
perm(const struct stat *st, enum mlsx_kind kind, const struct stat *parent,
    const struct mlsx_user *who)
{
	static char out[64];
	const char *s = fmt(MLSX_F_PERM, "x", st, kind, parent, who, NULL);
	size_t n;

	/* "perm=LETTERS; x" */
	if (strncmp(s, "perm=", 5) != 0)
		return s;
	n = strcspn(s + 5, ";");
	if (n >= sizeof(out))
		return "LONG";
	memcpy(out, s + 5, n);
	out[n] = '\0';
	return out;
}

static const char *
opts(const char *list, unsigned *mask)
{
	static char out[256];
	BUF_DECLARE(b, 255);

	if (mlsx_parse_opts(str_cstr(list), mask, &b) == -1)
		return "ERR";
	if (buf_cstr(&b, out, sizeof(out)) == -1)
		return "CSTR";
	return out;
}

/* ---- whole lines ---- */

UNIT_TEST(test_file_line)
{
	struct stat st = mkst(S_IFREG | 0644, 1000, 100, 1234);
	struct stat dir = mkst(S_IFDIR | 0755, 1000, 100, 4096);
	struct mlsx_user joe = user(1000, 100);

	CHECK_STR(fmt(MLSX_F_ALL, "notes.txt", &st, MLSX_ENTRY, &dir, &joe,
	    ids),
	    "type=file;size=1234;modify=" T_MOD_TEXT ";perm=adfrw;"
	    "unique=803U1234ab;UNIX.mode=0644;UNIX.uid=1000;UNIX.gid=100;"
	    "UNIX.owner=joe;UNIX.group=users; notes.txt");
	/* The default set is all of them. */
	CHECK_STR(fmt(MLSX_F_DEFAULT, "notes.txt", &st, MLSX_ENTRY, &dir,
	    &joe, ids),
	    fmt(MLSX_F_ALL, "notes.txt", &st, MLSX_ENTRY, &dir, &joe, ids));
	/* Numbers without a map. */
	CHECK_STR(fmt(MLSX_F_ALL, "notes.txt", &st, MLSX_ENTRY, &dir, &joe,
	    NULL),
	    "type=file;size=1234;modify=" T_MOD_TEXT ";perm=adfrw;"
	    "unique=803U1234ab;UNIX.mode=0644;UNIX.uid=1000;UNIX.gid=100;"
	    "UNIX.owner=1000;UNIX.group=100; notes.txt");
	/* Without a user, no perm. */
	CHECK_STR(fmt(MLSX_F_ALL, "n", &st, MLSX_ENTRY, &dir, NULL, NULL),
	    "type=file;size=1234;modify=" T_MOD_TEXT ";"
	    "unique=803U1234ab;UNIX.mode=0644;UNIX.uid=1000;UNIX.gid=100;"
	    "UNIX.owner=1000;UNIX.group=100; n");
}

UNIT_TEST(test_dir_lines)
{
	struct stat d = mkst(S_IFDIR | 0755, 1000, 100, 4096);
	struct stat up = mkst(S_IFDIR | 0755, 0, 0, 4096);
	struct mlsx_user joe = user(1000, 100);

	/* No size for directories. */
	CHECK_STR(fmt(MLSX_F_ALL, "src", &d, MLSX_ENTRY, &d, &joe, ids),
	    "type=dir;modify=" T_MOD_TEXT ";perm=cdeflmp;unique=803U1234ab;"
	    "UNIX.mode=0755;UNIX.uid=1000;UNIX.gid=100;UNIX.owner=joe;"
	    "UNIX.group=users; src");
	CHECK_STR(fmt(MLSX_F_ALL, ".", &d, MLSX_CDIR, &up, &joe, ids),
	    "type=cdir;modify=" T_MOD_TEXT ";perm=celmp;unique=803U1234ab;"
	    "UNIX.mode=0755;UNIX.uid=1000;UNIX.gid=100;UNIX.owner=joe;"
	    "UNIX.group=users; .");
	CHECK_STR(fmt(MLSX_F_ALL, "..", &up, MLSX_PDIR, NULL, &joe, ids),
	    "type=pdir;modify=" T_MOD_TEXT ";perm=el;unique=803U1234ab;"
	    "UNIX.mode=0755;UNIX.uid=0;UNIX.gid=0;UNIX.owner=root;"
	    "UNIX.group=root; ..");
	/* MLST names the directory by its path. */
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_PERM, "/home/joe", &d, MLSX_CDIR,
	    NULL, &joe, ids), "type=cdir;perm=celmp; /home/joe");
}

UNIT_TEST(test_symlink_and_special)
{
	struct stat d = mkst(S_IFDIR | 0755, 1000, 100, 4096);
	struct stat st = mkst(S_IFLNK | 0777, 1000, 100, 11);
	struct mlsx_user joe = user(1000, 100), bob = user(1001, 100);

	/* lstat data: the link itself, no size (it is the target length). */
	CHECK_STR(fmt(MLSX_F_ALL, "link", &st, MLSX_ENTRY, &d, &joe, NULL),
	    "type=OS.unix=symlink;modify=" T_MOD_TEXT ";perm=df;"
	    "unique=803U1234ab;UNIX.mode=0777;UNIX.uid=1000;UNIX.gid=100;"
	    "UNIX.owner=1000;UNIX.group=100; link");
	CHECK_STR(perm(&st, MLSX_ENTRY, &d, &bob), "");
	st.st_mode = S_IFIFO | 0644;
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_SIZE | MLSX_F_PERM, "p", &st,
	    MLSX_ENTRY, &d, &joe, NULL), "type=OS.unix=fifo;perm=df; p");
	st.st_mode = S_IFSOCK | 0755;
	CHECK_STR(fmt(MLSX_F_TYPE, "s", &st, MLSX_ENTRY, &d, &joe, NULL),
	    "type=OS.unix=socket; s");
	st.st_mode = S_IFCHR | 0666;
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_SIZE, "null", &st, MLSX_ENTRY, &d,
	    &joe, NULL), "type=OS.unix=chr; null");
	st.st_mode = S_IFBLK | 0660;
	CHECK_STR(fmt(MLSX_F_TYPE, "sda", &st, MLSX_ENTRY, &d, &joe, NULL),
	    "type=OS.unix=blk; sda");
}

/* Real files: what lstat and stat give for a symlink. */
UNIT_TEST(test_real_symlink)
{
	char dir[] = "/tmp/test_mlsx.XXXXXX", f[64], l[64];
	struct stat st, pst;
	struct mlsx_user me = user(getuid(), getgid());
	int fd;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	CHECK_INT(cstr_printf(f, sizeof(f), "%s/file", dir), 0);
	CHECK_INT(cstr_printf(l, sizeof(l), "%s/link", dir), 0);
	fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0640);
	CHECK(fd != -1);
	if (fd != -1) {
		CHECK_INT(write(fd, "hello", 5), 5);
		CHECK_INT(close(fd), 0);
	}
	CHECK_INT(symlink("file", l), 0);
	CHECK_INT(chmod(dir, 0700), 0);
	CHECK_INT(stat(dir, &pst), 0);
	CHECK_INT(lstat(l, &st), 0);
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_SIZE | MLSX_F_PERM, "link", &st,
	    MLSX_ENTRY, &pst, &me, NULL), "type=OS.unix=symlink;perm=df; link");
	CHECK_INT(stat(l, &st), 0);
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_SIZE | MLSX_F_PERM |
	    MLSX_F_UNIX_MODE, "link", &st, MLSX_ENTRY, &pst, &me, NULL),
	    "type=file;size=5;perm=adfrw;UNIX.mode=0640; link");
	CHECK_STR(fmt(MLSX_F_TYPE | MLSX_F_PERM | MLSX_F_UNIX_MODE, "d", &pst,
	    MLSX_CDIR, NULL, &me, NULL), "type=cdir;perm=celmp;UNIX.mode=0700; d");
	(void)unlink(l);
	(void)unlink(f);
	(void)rmdir(dir);
}

/* ---- names ---- */

UNIT_TEST(test_names)
{
	struct stat st = mkst(S_IFREG | 0644, 1000, 100, 1);
	BUF_DECLARE(b, 200);

	CHECK_STR(fmt(MLSX_F_TYPE, "a b;c=d; e ", &st, MLSX_ENTRY, NULL, NULL,
	    NULL), "type=file; a b;c=d; e ");
	CHECK_STR(fmt(MLSX_F_TYPE, " lead", &st, MLSX_ENTRY, NULL, NULL,
	    NULL), "type=file;  lead");
	CHECK_STR(fmt(MLSX_F_TYPE, "caf\xc3\xa9 \xe2\x82\xac", &st, MLSX_ENTRY,
	    NULL, NULL, NULL), "type=file; caf\xc3\xa9 \xe2\x82\xac");
	/* Non-UTF-8 bytes and tabs pass through untouched. */
	CHECK_STR(fmt(MLSX_F_TYPE, "\xff\xfe\tx", &st, MLSX_ENTRY, NULL, NULL,
	    NULL), "type=file; \xff\xfe\tx");
	/* No facts: still the space before the name. */
	CHECK_STR(fmt(0, "plain", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    " plain");
	/* CR or LF anywhere, or no name at all: refused, buffer untouched. */
	CHECK_INT(buf_adds(&b, "keep"), 0);
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "a\r\n227 x", &st, MLSX_ENTRY,
	    NULL, NULL, NULL), MLSX_BADNAME);
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "a\rb", &st, MLSX_ENTRY, NULL,
	    NULL, NULL), MLSX_BADNAME);
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "a\nb", &st, MLSX_ENTRY, NULL,
	    NULL, NULL), MLSX_BADNAME);
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "\n", &st, MLSX_ENTRY, NULL,
	    NULL, NULL), MLSX_BADNAME);
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "end\r", &st, MLSX_ENTRY, NULL,
	    NULL, NULL), MLSX_BADNAME);
	CHECK_INT(mlsx_format(&b, 0, "", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    MLSX_BADNAME);
	CHECK_INT(buf_len(&b), 4);
	CHECK(!buf_overflowed(&b));
}

UNIT_TEST(test_nospace)
{
	struct stat st = mkst(S_IFREG | 0644, 1000, 100, 1234);
	const char *want = "type=file;size=1234; name";
	size_t n = strlen(want), cap;

	/* Every too-small buffer fails cleanly; the exact size fits. */
	for (cap = 0; cap <= n; cap++) {
		uint8_t mem[64];
		struct buf b;

		buf_init(&b, mem, cap);
		if (cap < n) {
			CHECK_INT(mlsx_format(&b, MLSX_F_TYPE | MLSX_F_SIZE,
			    "name", &st, MLSX_ENTRY, NULL, NULL, NULL),
			    MLSX_NOSPACE);
			CHECK_INT(buf_len(&b), 0);
		} else {
			CHECK_INT(mlsx_format(&b, MLSX_F_TYPE | MLSX_F_SIZE,
			    "name", &st, MLSX_ENTRY, NULL, NULL, NULL), 0);
			CHECK_INT(buf_len(&b), n);
			CHECK(memcmp(buf_data(&b), want, n) == 0);
		}
	}
}

/* The longest facts part stays under MLSX_FACTS_MAX. */
UNIT_TEST(test_facts_max)
{
	struct stat st = mkst(S_IFREG | 07777, (uid_t)-2, (gid_t)-2,
	    (off_t)INT64_MAX);
	struct mlsx_user u = user(1, 1);
	char name[MLSX_FACTS_MAX + 8];
	static char out[MLSX_FACTS_MAX + 2];
	struct buf b;

	st.st_dev = (dev_t)-1;
	st.st_ino = (ino_t)-1;
	st.st_mtime = (time_t)253402300799LL;
	buf_init(&b, out, sizeof(out));
	CHECK_INT(mlsx_format(&b, MLSX_F_ALL, "x", &st, MLSX_ENTRY, &st, &u,
	    NULL), 0);
	CHECK(buf_len(&b) < MLSX_FACTS_MAX);
	/* MLSX_FACTS_MAX + 1 + strlen(name) is always enough. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	{
		size_t cap = MLSX_FACTS_MAX + 1 + strlen(name);
		char *mem = malloc(cap);

		CHECK(mem != NULL);
		if (mem != NULL) {
			buf_init(&b, mem, cap);
			CHECK_INT(mlsx_format(&b, MLSX_F_ALL, name, &st,
			    MLSX_CDIR, &st, &u, NULL), 0);
			free(mem);
		}
	}
}

/* ---- single facts ---- */

UNIT_TEST(test_modify)
{
	struct stat st = mkst(S_IFREG | 0644, 1, 1, 0);

	st.st_mtime = 0;
	CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "modify=19700101000000; f");
	st.st_mtime = (time_t)-1;
	CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "modify=19691231235959; f");
	st.st_mtime = (time_t)951782400;	/* leap day 2000 */
	CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "modify=20000229000000; f");
	if (sizeof(time_t) > 4) {
		st.st_mtime = (time_t)4294967296LL;	/* past 2106 */
		CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL,
		    NULL), "modify=21060207062816; f");
		st.st_mtime = (time_t)253402300799LL;
		CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL,
		    NULL), "modify=99991231235959; f");
		/* Year 10000 and later, or before year 0: left out. */
		st.st_mtime = (time_t)253402300800LL;
		CHECK_STR(fmt(MLSX_F_MODIFY | MLSX_F_TYPE, "f", &st,
		    MLSX_ENTRY, NULL, NULL, NULL), "type=file; f");
		st.st_mtime = (time_t)-62167219201LL;	/* -0001-12-31 */
		CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL,
		    NULL), " f");
		st.st_mtime = (time_t)-62167219200LL;	/* 0000-01-01 */
		CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL,
		    NULL), "modify=00000101000000; f");
		st.st_mtime = (time_t)INT64_MAX;	/* gmtime fails */
		CHECK_STR(fmt(MLSX_F_MODIFY, "f", &st, MLSX_ENTRY, NULL, NULL,
		    NULL), " f");
	}
}

UNIT_TEST(test_size_mode_unique)
{
	struct stat st = mkst(S_IFREG | 04755, 1, 1, 0);

	CHECK_STR(fmt(MLSX_F_SIZE | MLSX_F_UNIX_MODE, "f", &st, MLSX_ENTRY,
	    NULL, NULL, NULL), "size=0;UNIX.mode=04755; f");
	st.st_size = (off_t)5000000000LL;	/* beyond 4 GiB */
	st.st_mode = S_IFREG;
	CHECK_STR(fmt(MLSX_F_SIZE | MLSX_F_UNIX_MODE, "f", &st, MLSX_ENTRY,
	    NULL, NULL, NULL), "size=5000000000;UNIX.mode=0000; f");
	st.st_mode = S_IFDIR | 01777;
	CHECK_STR(fmt(MLSX_F_SIZE | MLSX_F_UNIX_MODE, "tmp", &st, MLSX_ENTRY,
	    NULL, NULL, NULL), "UNIX.mode=01777; tmp");
	st.st_mode = S_IFREG | 02644;
	CHECK_STR(fmt(MLSX_F_UNIX_MODE, "f", &st, MLSX_ENTRY, NULL, NULL,
	    NULL), "UNIX.mode=02644; f");
	/* cdir/pdir never carry a size even if the stat is a file's. */
	st.st_mode = S_IFREG | 0644;
	CHECK_STR(fmt(MLSX_F_SIZE | MLSX_F_TYPE, ".", &st, MLSX_CDIR, NULL,
	    NULL, NULL), "type=cdir; .");
	st.st_dev = (dev_t)0;
	st.st_ino = (ino_t)1;
	CHECK_STR(fmt(MLSX_F_UNIQUE, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "unique=0U1; f");
	st.st_dev = (dev_t)0xfd01;
	st.st_ino = (ino_t)0xfedcba9876ULL;
	CHECK_STR(fmt(MLSX_F_UNIQUE, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "unique=fd01Ufedcba9876; f");
}

UNIT_TEST(test_owner_names)
{
	struct stat st = mkst(S_IFREG | 0644, 1000, 100, 0);
	unsigned m = MLSX_F_UNIX_OWNER | MLSX_F_UNIX_GROUP |
	    MLSX_F_UNIX_UID | MLSX_F_UNIX_GID;

	/* The map really holds the awkward names, so they are tested. */
	CHECK(idmap_user(ids, 2001) != NULL);
	CHECK(idmap_group(ids, 2002) != NULL);
	CHECK(idmap_user(ids, 2003) != NULL);

	CHECK_STR(fmt(m, "f", &st, MLSX_ENTRY, NULL, NULL, ids),
	    "UNIX.uid=1000;UNIX.gid=100;UNIX.owner=joe;UNIX.group=users; f");
	/* Unknown ids: numbers. */
	st.st_uid = 4242;
	st.st_gid = 4242;
	CHECK_STR(fmt(m, "f", &st, MLSX_ENTRY, NULL, NULL, ids),
	    "UNIX.uid=4242;UNIX.gid=4242;UNIX.owner=4242;UNIX.group=4242; f");
	/* Names that would break the fact syntax: numbers. */
	st.st_uid = 2001;	/* "semi;colon" */
	st.st_gid = 2002;	/* "eq=ual" */
	CHECK_STR(fmt(m, "f", &st, MLSX_ENTRY, NULL, NULL, ids),
	    "UNIX.uid=2001;UNIX.gid=2002;UNIX.owner=2001;UNIX.group=2002; f");
	st.st_uid = 2003;	/* 8-bit name */
	CHECK_STR(fmt(MLSX_F_UNIX_OWNER, "f", &st, MLSX_ENTRY, NULL, NULL, ids),
	    "UNIX.owner=2003; f");
	st.st_uid = 4294967294U;
	CHECK_STR(fmt(MLSX_F_UNIX_OWNER | MLSX_F_UNIX_UID, "f", &st,
	    MLSX_ENTRY, NULL, NULL, ids),
	    "UNIX.uid=4294967294;UNIX.owner=4294967294; f");
}

/* ---- perm ---- */

UNIT_TEST(test_perm_classes)
{
	struct stat f = mkst(S_IFREG | 0640, 1000, 100, 0);
	struct stat d = mkst(S_IFDIR | 0750, 1000, 100, 0);
	struct stat p = mkst(S_IFDIR | 0755, 1000, 100, 0);
	struct mlsx_user owner = user(1000, 100), grp = user(1001, 100);
	struct mlsx_user other = user(1002, 200), sup = user(1003, 300);
	static const gid_t sgroups[] = { 50, 100, 60 };

	sup.groups = sgroups;
	sup.ngroups = 3;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &owner), "adfrw");
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &grp), "r");
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &sup), "r");
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &other), "");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &owner), "cdeflmp");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &grp), "el");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &sup), "el");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &other), "");
	/* A group-writable parent lets group members delete and rename. */
	p.st_mode = S_IFDIR | 0775;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &sup), "dfr");
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &other), "");
	/* Writable but not searchable parent: no d, f. */
	p.st_mode = S_IFDIR | 0766;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &sup), "r");
	/* Other bits. */
	f.st_mode = S_IFREG | 0606;
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &other), "arw");
	/* The owner class decides even when others may do more. */
	f.st_mode = S_IFREG | 0077;
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &owner), "");
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &grp), "arw");
	f.st_mode = S_IFREG | 0707;
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &grp), "");
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &other), "arw");
	/* Write-only file: no r; read-only: no a, w. */
	f.st_mode = S_IFREG | 0200;
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &owner), "aw");
	f.st_mode = S_IFREG | 0400;
	CHECK_STR(perm(&f, MLSX_ENTRY, NULL, &owner), "r");
	/* Directory bits one by one. */
	d.st_mode = S_IFDIR | 0100;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &owner), "e");
	d.st_mode = S_IFDIR | 0400;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &owner), "");
	d.st_mode = S_IFDIR | 0500;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &owner), "el");
	d.st_mode = S_IFDIR | 0300;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &owner), "cemp");
	d.st_mode = S_IFDIR | 0200;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &owner), "");
	/* The user's primary gid counts as a group. */
	d.st_mode = S_IFDIR | 0070;
	CHECK_STR(perm(&d, MLSX_ENTRY, NULL, &grp), "celmp");
}

UNIT_TEST(test_perm_sticky)
{
	struct stat tmp = mkst(S_IFDIR | 01777, 0, 0, 0);
	struct stat mine = mkst(S_IFREG | 0644, 1000, 100, 0);
	struct stat theirs = mkst(S_IFREG | 0666, 1001, 100, 0);
	struct mlsx_user joe = user(1000, 100), root = user(0, 0);

	CHECK_STR(perm(&mine, MLSX_ENTRY, &tmp, &joe), "adfrw");
	CHECK_STR(perm(&theirs, MLSX_ENTRY, &tmp, &joe), "arw");
	CHECK_STR(perm(&theirs, MLSX_ENTRY, &tmp, &root), "adfrw");
	/* The owner of the sticky directory may remove anything in it. */
	tmp.st_uid = 1000;
	CHECK_STR(perm(&theirs, MLSX_ENTRY, &tmp, &joe), "adfrw");
	/* Without the sticky bit, the parent's w and x are enough. */
	tmp.st_uid = 0;
	tmp.st_mode = S_IFDIR | 0777;
	CHECK_STR(perm(&theirs, MLSX_ENTRY, &tmp, &joe), "adfrw");
}

UNIT_TEST(test_perm_root)
{
	struct stat f = mkst(S_IFREG | 0000, 1000, 100, 0);
	struct stat d = mkst(S_IFDIR | 0000, 1000, 100, 0);
	struct stat p = mkst(S_IFDIR | 0000, 1000, 100, 0);
	struct mlsx_user root = user(0, 0);

	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &root), "adfrw");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &root), "cdeflmp");
	CHECK_STR(perm(&d, MLSX_CDIR, NULL, &root), "celmp");
	root.read_only = 1;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &root), "r");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &root), "el");
}

UNIT_TEST(test_perm_restrictions)
{
	/* An anonymous upload area: everything world-writable. */
	struct stat f = mkst(S_IFREG | 0666, 1000, 100, 0);
	struct stat d = mkst(S_IFDIR | 0777, 1000, 100, 0);
	struct stat lnk = mkst(S_IFLNK | 0777, 1000, 100, 0);
	struct stat p = mkst(S_IFDIR | 0777, 1000, 100, 0);
	struct mlsx_user u = user(14, 50);

	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "adfrw");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "cdeflmp");
	/* Guests create files and directories but change nothing else. */
	u.guest = 1;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "r");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "celm");
	CHECK_STR(perm(&lnk, MLSX_ENTRY, &p, &u), "");
	u.no_mkdir = 1;				/* -M */
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "cel");
	u.no_mkdir = 0;
	u.guest_modify = 1;			/* -m */
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "adfrw");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "cdeflmp");
	CHECK_STR(perm(&lnk, MLSX_ENTRY, &p, &u), "df");
	u.no_retr = 1;				/* -O */
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "adfw");
	/* Read-only sessions: nothing modifying, guest or not. */
	u = user(14, 50);
	u.read_only = 1;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "r");
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "el");
	CHECK_STR(perm(&lnk, MLSX_ENTRY, &p, &u), "");
	u.guest = 1;
	u.guest_modify = 1;
	CHECK_STR(perm(&d, MLSX_ENTRY, &p, &u), "el");
	u.no_retr = 1;
	CHECK_STR(perm(&f, MLSX_ENTRY, &p, &u), "");
}

/* ---- OPTS MLST and FEAT ---- */

UNIT_TEST(test_opts)
{
	unsigned m = 12345;

	CHECK_STR(opts("size;modify;", &m), "MLST OPTS size;modify;");
	CHECK_INT(m, MLSX_F_SIZE | MLSX_F_MODIFY);
	/* Canonical order and spelling, whatever the client sent. */
	CHECK_STR(opts("modify;SIZE;", &m), "MLST OPTS size;modify;");
	CHECK_STR(opts("Type;Size;Modify;Perm;unique;", &m),
	    "MLST OPTS type;size;modify;perm;unique;");
	CHECK_STR(opts("unix.MODE;Unix.Owner;UNIX.uid;unix.gid;UNIX.GROUP;",
	    &m), "MLST OPTS UNIX.mode;UNIX.uid;UNIX.gid;UNIX.owner;UNIX.group;");
	CHECK_INT(m, MLSX_F_UNIX_MODE | MLSX_F_UNIX_UID | MLSX_F_UNIX_GID |
	    MLSX_F_UNIX_OWNER | MLSX_F_UNIX_GROUP);
	CHECK_STR(opts("type;size;modify;perm;unique;UNIX.mode;UNIX.uid;"
	    "UNIX.gid;UNIX.owner;UNIX.group;", &m),
	    "MLST OPTS type;size;modify;perm;unique;UNIX.mode;UNIX.uid;"
	    "UNIX.gid;UNIX.owner;UNIX.group;");
	CHECK_INT(m, MLSX_F_ALL);
	/* Unknown facts, repeats and empty items are ignored. */
	CHECK_STR(opts("media-type;size;charset;size;;lang;", &m),
	    "MLST OPTS size;");
	CHECK_INT(m, MLSX_F_SIZE);
	CHECK_STR(opts("UNIX.ownername;UNIX.groupname;sizes;siz;", &m),
	    "MLST OPTS");
	CHECK_INT(m, 0);
	/* No trailing ';', blanks around items. */
	CHECK_STR(opts("type", &m), "MLST OPTS type;");
	CHECK_STR(opts(" size ; modify ", &m), "MLST OPTS size;modify;");
	/* The empty list: no facts. */
	m = MLSX_F_ALL;
	CHECK_STR(opts("", &m), "MLST OPTS");
	CHECK_INT(m, 0);
	m = MLSX_F_ALL;
	CHECK_STR(opts(";;;", &m), "MLST OPTS");
	CHECK_INT(m, 0);
	/* A fact=value item or a blank inside a name is not a fact. */
	CHECK_STR(opts("size=1;mod ify;type;", &m), "MLST OPTS type;");
	CHECK_STR(opts("size\r;type\n;", &m), "MLST OPTS");
}

UNIT_TEST(test_opts_full)
{
	unsigned m = 77;
	BUF_DECLARE(b, 20);

	/* "MLST OPTS size;modify;" is 22 bytes: nothing changes. */
	CHECK_INT(buf_adds(&b, "x"), 0);
	CHECK_INT(mlsx_parse_opts(str_cstr("size;modify;"), &m, &b), -1);
	CHECK_INT(m, 77);
	CHECK_INT(buf_len(&b), 1);
	buf_reset(&b);
	CHECK_INT(mlsx_parse_opts(str_cstr("size;"), &m, &b), 0);
	CHECK_INT(m, MLSX_F_SIZE);
	CHECK_INT(buf_len(&b), 15);
}

UNIT_TEST(test_feat)
{
	static char out[256];
	BUF_DECLARE(b, 255);
	BUF_DECLARE(small, 30);

	CHECK_INT(mlsx_feat(&b, MLSX_F_DEFAULT), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "MLST type*;size*;modify*;perm*;unique*;UNIX.mode*;"
	    "UNIX.uid*;UNIX.gid*;UNIX.owner*;UNIX.group*;");
	buf_reset(&b);
	CHECK_INT(mlsx_feat(&b, MLSX_F_SIZE | MLSX_F_TYPE), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "MLST type*;size*;modify;perm;unique;UNIX.mode;"
	    "UNIX.uid;UNIX.gid;UNIX.owner;UNIX.group;");
	buf_reset(&b);
	CHECK_INT(mlsx_feat(&b, 0), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "MLST type;size;modify;perm;unique;UNIX.mode;"
	    "UNIX.uid;UNIX.gid;UNIX.owner;UNIX.group;");
	CHECK_INT(mlsx_feat(&small, MLSX_F_ALL), -1);
	CHECK_INT(buf_len(&small), 0);
}

/* What OPTS selects is what FEAT stars and what entries show. */
UNIT_TEST(test_opts_feat_format)
{
	struct stat st = mkst(S_IFREG | 0644, 1000, 100, 7);
	static char out[256];
	unsigned m = 0;
	BUF_DECLARE(b, 255);

	CHECK_STR(opts("modify;type;", &m), "MLST OPTS type;modify;");
	CHECK_INT(mlsx_feat(&b, m), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "MLST type*;size;modify*;perm;unique;UNIX.mode;"
	    "UNIX.uid;UNIX.gid;UNIX.owner;UNIX.group;");
	CHECK_STR(fmt(m, "f", &st, MLSX_ENTRY, NULL, NULL, NULL),
	    "type=file;modify=" T_MOD_TEXT "; f");
}

int
main(void)
{
	static const char pw[] =
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "joe:x:1000:100:Joe:/home/joe:/bin/sh\n"
	    "semi;colon:x:2001:100::/:/bin/sh\n"
	    "caf\xc3\xa9:x:2003:100::/:/bin/sh\n";
	static const char gr[] =
	    "root:x:0:\n"
	    "users:x:100:joe\n"
	    "eq=ual:x:2002:\n";

	ids = idmap_new();
	if (ids == NULL || idmap_add_passwd(ids, pw, sizeof(pw) - 1) != 0 ||
	    idmap_add_group(ids, gr, sizeof(gr) - 1) != 0) {
		fprintf(stderr, "idmap setup failed\n");
		return 1;
	}
	UNIT_RUN(test_file_line);
	UNIT_RUN(test_dir_lines);
	UNIT_RUN(test_symlink_and_special);
	UNIT_RUN(test_real_symlink);
	UNIT_RUN(test_names);
	UNIT_RUN(test_nospace);
	UNIT_RUN(test_facts_max);
	UNIT_RUN(test_modify);
	UNIT_RUN(test_size_mode_unique);
	UNIT_RUN(test_owner_names);
	UNIT_RUN(test_perm_classes);
	UNIT_RUN(test_perm_sticky);
	UNIT_RUN(test_perm_root);
	UNIT_RUN(test_perm_restrictions);
	UNIT_RUN(test_opts);
	UNIT_RUN(test_opts_full);
	UNIT_RUN(test_feat);
	UNIT_RUN(test_opts_feat_format);
	idmap_free(ids);
	return UNIT_END();
}
