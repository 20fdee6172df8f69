/*
 * test_idmap.c: unit tests for the uid/gid -> name tables.
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
#include "unit.h"

#define FILE_CAP	(16 * 1024 * 1024)

static int
add_pw(struct idmap *m, const char *text)
{
	return idmap_add_passwd(m, text, strlen(text));
}

static int
add_gr(struct idmap *m, const char *text)
{
	return idmap_add_group(m, text, strlen(text));
}

/* The user name for uid, or "(null)", for CHECK_STR. */
static const char *
user(const struct idmap *m, uid_t uid)
{
	const char *s = idmap_user(m, uid);

	return s == NULL ? "(null)" : s;
}

static const char *
group(const struct idmap *m, gid_t gid)
{
	const char *s = idmap_group(m, gid);

	return s == NULL ? "(null)" : s;
}

UNIT_TEST(test_new_free)
{
	struct idmap *m = idmap_new();

	CHECK(m != NULL);
	CHECK(idmap_user(m, 0) == NULL);
	CHECK(idmap_group(m, 0) == NULL);
	idmap_free(m);
	idmap_free(NULL);
	CHECK(idmap_user(NULL, 0) == NULL);
	CHECK(idmap_group(NULL, 0) == NULL);
	CHECK_INT(idmap_add_passwd(NULL, "a:x:1:1:::\n", 11), -1);
	CHECK_INT(idmap_add_group(NULL, "a:x:1:\n", 7), -1);
	CHECK_INT(idmap_load_files(NULL, NULL, NULL), -1);
}

UNIT_TEST(test_passwd)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(add_pw(m,
	    "root:x:0:0:root:/root:/bin/bash\n"
	    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	    "joe:x:1000:1000:Joe User,,,:/home/joe:/bin/sh\n"
	    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
	    0);
	CHECK_STR(user(m, 0), "root");
	CHECK_STR(user(m, 1), "daemon");
	CHECK_STR(user(m, 1000), "joe");
	CHECK_STR(user(m, 65534), "nobody");
	CHECK(idmap_user(m, 2) == NULL);
	CHECK(idmap_user(m, 999) == NULL);
	CHECK(idmap_user(m, 1001) == NULL);
	CHECK(idmap_user(m, (uid_t)-1) == NULL);
	/* The passwd gid does not create group entries. */
	CHECK(idmap_group(m, 1000) == NULL);
	idmap_free(m);
}

UNIT_TEST(test_group)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(add_gr(m,
	    "wheel:x:0:root\n"
	    "staff:*:50:joe,ann\n"
	    "users:x:100:\n"), 0);
	CHECK_STR(group(m, 0), "wheel");
	CHECK_STR(group(m, 50), "staff");
	CHECK_STR(group(m, 100), "users");
	CHECK(idmap_group(m, 1) == NULL);
	CHECK(idmap_user(m, 0) == NULL);
	idmap_free(m);
}

UNIT_TEST(test_first_wins)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(add_pw(m,
	    "toor:x:0:0:::\n"
	    "root:x:0:0:::\n"
	    "b:x:7:7:::\n"
	    "a:x:7:7:::\n"
	    "c:x:7:7:::\n"), 0);
	CHECK_STR(user(m, 0), "toor");
	CHECK_STR(user(m, 7), "b");
	/* A later image cannot replace a name either. */
	CHECK_INT(add_pw(m, "zed:x:7:7:::\nnew:x:8:8:::\n"), 0);
	CHECK_STR(user(m, 7), "b");
	CHECK_STR(user(m, 8), "new");
	CHECK_INT(add_gr(m, "g2:x:3:\ng1:x:3:\n"), 0);
	CHECK_STR(group(m, 3), "g2");
	idmap_free(m);
}

UNIT_TEST(test_malformed)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(add_pw(m,
	    "six:x:1:1::/home\n"			/* 6 fields */
	    "eight:x:2:2:::/bin/sh:extra\n"		/* 8 fields */
	    "bsd:*:3:3:class:0:0:gecos:/home:/bin/sh\n"	/* master.passwd */
	    "alpha:x:x4:4:::\n"			/* uid not numeric */
	    "neg:x:-5:5:::\n"
	    "plus:x:+6:6:::\n"
	    "space:x: 7:7:::\n"
	    "space2:x:8 :8:::\n"
	    "empty:x::9:::\n"
	    "hex:x:0x10:10:::\n"
	    "badgid:x:11:g:::\n"			/* gid not numeric */
	    "big:x:4294967296:1:::\n"			/* > 32 bits */
	    "noid:x:4294967295:1:::\n"			/* (uid_t)-1 */
	    ":x:12:12:::\n"				/* empty name */
	    "+:::::: \n"				/* NIS compat */
	    "+nis:x:13:13:::\n"
	    "-nis:x:14:14:::\n"
	    "ctl\x01:x:15:15:::\n"
	    "del\x7f:x:16:16:::\n"
	    "#comment:x:17:17:::\n"
	    "a b:x:19:19:::\n"			/* blank in name */
	    "tab\t:x:20:20:::\n"
	    "ok:x:18:18:::\n"), 0);
	CHECK(idmap_user(m, 1) == NULL);
	CHECK(idmap_user(m, 2) == NULL);
	CHECK(idmap_user(m, 3) == NULL);
	CHECK(idmap_user(m, 4) == NULL);
	CHECK(idmap_user(m, 5) == NULL);
	CHECK(idmap_user(m, 6) == NULL);
	CHECK(idmap_user(m, 7) == NULL);
	CHECK(idmap_user(m, 8) == NULL);
	CHECK(idmap_user(m, 9) == NULL);
	CHECK(idmap_user(m, 10) == NULL);
	CHECK(idmap_user(m, 11) == NULL);
	CHECK(idmap_user(m, 0) == NULL);
	CHECK(idmap_user(m, 12) == NULL);
	CHECK(idmap_user(m, 13) == NULL);
	CHECK(idmap_user(m, 14) == NULL);
	CHECK(idmap_user(m, 15) == NULL);
	CHECK(idmap_user(m, 17) == NULL);
	CHECK(idmap_user(m, 19) == NULL);
	CHECK(idmap_user(m, 20) == NULL);
	CHECK_STR(user(m, 18), "ok");
	/* '#' after column 1 is an ordinary byte. */
	CHECK_INT(add_pw(m, "a#b:x:21:21:::\n"), 0);
	CHECK_STR(user(m, 21), "a#b");

	CHECK_INT(add_gr(m,
	    "three:x:1\n"
	    "five:x:2:a:b\n"
	    "gx:x:g3:\n"
	    ":x:4:\n"
	    "good:x:5:a,b\n"), 0);
	CHECK(idmap_group(m, 1) == NULL);
	CHECK(idmap_group(m, 2) == NULL);
	CHECK(idmap_group(m, 4) == NULL);
	CHECK_STR(group(m, 5), "good");
	idmap_free(m);
}

UNIT_TEST(test_id_range)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(add_pw(m, "max:x:4294967294:0:::\nzero:x:0000:0:::\n"),
	    0);
	CHECK_STR(user(m, (uid_t)4294967294u), "max");
	CHECK_STR(user(m, 0), "zero");
	CHECK(idmap_user(m, (uid_t)4294967295u) == NULL);
	CHECK_INT(add_gr(m, "gmax:x:4294967294:\n"), 0);
	CHECK_STR(group(m, (gid_t)4294967294u), "gmax");
	idmap_free(m);
}

UNIT_TEST(test_name_length)
{
	struct idmap *m = idmap_new();
	char line[128], name[IDMAP_NAME_MAX + 2];

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	memset(name, 'n', sizeof(name));
	name[IDMAP_NAME_MAX] = '\0';
	snprintf(line, sizeof(line), "%s:x:1:1:::\n", name);
	CHECK_INT(add_pw(m, line), 0);
	CHECK_INT(strlen(user(m, 1)), IDMAP_NAME_MAX);
	name[IDMAP_NAME_MAX] = 'n';
	name[IDMAP_NAME_MAX + 1] = '\0';
	snprintf(line, sizeof(line), "%s:x:2:2:::\n", name);
	CHECK_INT(add_pw(m, line), 0);
	CHECK(idmap_user(m, 2) == NULL);
	snprintf(line, sizeof(line), "%s:x:2:\n", name);
	CHECK_INT(add_gr(m, line), 0);
	CHECK(idmap_group(m, 2) == NULL);
	idmap_free(m);
}

UNIT_TEST(test_nul_and_cr)
{
	struct idmap *m = idmap_new();
	static const char pw[] =
	    "nul\0x:x:1:1:::\n"
	    "tail:x:2:2:::/bin\0sh\n"
	    "crlf:x:3:3:::/bin/sh\r\n"
	    "last:x:4:4:::";
	static const char gr[] = "g\0:x:1:\ngcr:x:2:\r\ngl:x:3:a";

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(idmap_add_passwd(m, pw, sizeof(pw) - 1), 0);
	CHECK(idmap_user(m, 1) == NULL);
	CHECK(idmap_user(m, 2) == NULL);
	CHECK_STR(user(m, 3), "crlf");
	CHECK_STR(user(m, 4), "last");
	CHECK_INT(idmap_add_group(m, gr, sizeof(gr) - 1), 0);
	CHECK(idmap_group(m, 1) == NULL);
	CHECK_STR(group(m, 2), "gcr");
	CHECK_STR(group(m, 3), "gl");
	/* Empty and NULL images add nothing. */
	CHECK_INT(idmap_add_passwd(m, NULL, 0), 0);
	CHECK_INT(idmap_add_passwd(m, "", 0), 0);
	CHECK_INT(idmap_add_passwd(m, "\n\n\n", 3), 0);
	CHECK_STR(user(m, 3), "crlf");
	idmap_free(m);
}

/* Deterministic generator, so a failure repeats. */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Append "u<id>:x:<id>:0:::\n" to a growing text. */
static int
append_user(char **text, size_t *len, size_t *cap, const char *name,
    uint32_t id)
{
	char line[96];
	int n;

	n = snprintf(line, sizeof(line), "%s:x:%u:0:::\n", name,
	    (unsigned)id);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	if (*len + (size_t)n > *cap) {
		size_t ncap = (*cap == 0 ? 4096 : *cap * 2) + (size_t)n;
		char *nt = realloc(*text, ncap);

		if (nt == NULL)
			return -1;
		*text = nt;
		*cap = ncap;
	}
	memcpy(*text + *len, line, (size_t)n);
	*len += (size_t)n;
	return 0;
}

UNIT_TEST(test_many_shuffled)
{
	struct idmap *m = idmap_new();
	char *text = NULL, name[32];
	size_t len = 0, cap = 0, i;
	uint32_t ids[2000], seed = 7, t;
	int ok = 1;

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	/* Distinct ids 3*i, in random order. */
	for (i = 0; i < 2000; i++)
		ids[i] = (uint32_t)i * 3;
	for (i = 1999; i > 0; i--) {
		size_t j = rnd(&seed) % (i + 1);

		t = ids[i];
		ids[i] = ids[j];
		ids[j] = t;
	}
	for (i = 0; i < 2000 && ok; i++) {
		snprintf(name, sizeof(name), "u%u", (unsigned)ids[i]);
		ok = append_user(&text, &len, &cap, name, ids[i]) == 0;
	}
	CHECK(ok);
	CHECK_INT(idmap_add_passwd(m, text, len), 0);
	for (i = 0; i < 6000; i++) {
		const char *got = idmap_user(m, (uid_t)i);

		if (i % 3 == 0) {
			snprintf(name, sizeof(name), "u%u", (unsigned)i);
			if (got == NULL || strcmp(got, name) != 0) {
				CHECK_STR(got, name);
				break;
			}
		} else if (got != NULL) {
			CHECK(got == NULL);
			break;
		}
	}
	free(text);
	idmap_free(m);
}

UNIT_TEST(test_cap)
{
	struct idmap *m = idmap_new();
	char *text = NULL, name[32];
	size_t len = 0, cap = 0;
	uint32_t i, top = 1000000;
	int ok = 1;

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	/*
	 * IDMAP_MAX + 100 distinct ids, descending: the cap keeps the
	 * first IDMAP_MAX in file order, not the lowest ids.
	 */
	for (i = 0; i < IDMAP_MAX + 100 && ok; i++) {
		snprintf(name, sizeof(name), "u%u", (unsigned)(top - i));
		ok = append_user(&text, &len, &cap, name, top - i) == 0;
	}
	CHECK(ok);
	CHECK_INT(idmap_add_passwd(m, text, len), 0);
	CHECK_STR(user(m, top), "u1000000");
	snprintf(name, sizeof(name), "u%u", (unsigned)(top - IDMAP_MAX + 1));
	CHECK_STR(user(m, top - IDMAP_MAX + 1), name);
	CHECK(idmap_user(m, top - IDMAP_MAX) == NULL);
	CHECK(idmap_user(m, top - IDMAP_MAX - 99) == NULL);
	/* Full: a new id is not taken, old ones stay. */
	CHECK_INT(add_pw(m, "late:x:5:5:::\n"), 0);
	CHECK(idmap_user(m, 5) == NULL);
	CHECK_STR(user(m, top), "u1000000");
	/* The group table has its own cap. */
	CHECK_INT(add_gr(m, "g:x:5:\n"), 0);
	CHECK_STR(group(m, 5), "g");
	free(text);
	idmap_free(m);
}

UNIT_TEST(test_many_duplicates)
{
	struct idmap *m = idmap_new();
	char *text = NULL;
	size_t len = 0, cap = 0;
	uint32_t i;
	int ok = 1;

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	/* Far more lines than the cap, but few distinct ids. */
	for (i = 0; i < 3 * IDMAP_MAX && ok; i++)
		ok = append_user(&text, &len, &cap, i == 0 ? "first" : "dup",
		    i % 10) == 0;
	ok = ok && append_user(&text, &len, &cap, "late", 77) == 0;
	CHECK(ok);
	CHECK_INT(idmap_add_passwd(m, text, len), 0);
	CHECK_STR(user(m, 0), "first");
	CHECK_STR(user(m, 9), "dup");
	CHECK_STR(user(m, 77), "late");
	free(text);
	idmap_free(m);
}

/* A scratch directory with helpers to write files into it. */
static char tmpdir[64];

static int
path_in(char *dst, size_t size, const char *name)
{
	int n = snprintf(dst, size, "%s/%s", tmpdir, name);

	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int
write_file(const char *name, const char *text)
{
	char path[128];
	size_t len = strlen(text);
	int fd;

	if (path_in(path, sizeof(path), name) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* text, then zeros up to exactly size bytes. */
static int
write_sized(const char *name, const char *text, off_t size)
{
	char path[128];
	size_t len = strlen(text);
	int fd;

	if (path_in(path, sizeof(path), name) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || ftruncate(fd, size) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
remove_in(const char *name)
{
	char path[128];

	if (path_in(path, sizeof(path), name) == 0)
		(void)remove(path);
}

static const char *
p(const char *name)
{
	static char path[4][128];
	static int i;

	i = (i + 1) % 4;
	if (path_in(path[i], sizeof(path[i]), name) == -1)
		return "/nonexistent/too/long";
	return path[i];
}

UNIT_TEST(test_load_files)
{
	struct idmap *m;

	CHECK(write_file("passwd", "root:x:0:0:::\njoe:x:1000:100:::\n")
	    == 0);
	CHECK(write_file("group", "wheel:x:0:\nusers:x:100:joe\n") == 0);
	m = idmap_new();
	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(idmap_load_files(m, p("passwd"), p("group")), 0);
	CHECK_STR(user(m, 1000), "joe");
	CHECK_STR(group(m, 100), "users");
	CHECK_STR(group(m, 0), "wheel");
	idmap_free(m);
}

UNIT_TEST(test_load_missing)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK_INT(idmap_load_files(m, p("nosuch-passwd"), p("nosuch-group")),
	    0);
	CHECK(idmap_user(m, 0) == NULL);
	CHECK_INT(idmap_load_files(m, NULL, NULL), 0);
	/* A path through a regular file (ENOTDIR) is missing too. */
	CHECK(write_file("plain", "x") == 0);
	CHECK_INT(idmap_load_files(m, p("plain/passwd"), NULL), 0);
	/* One file missing, the other read. */
	CHECK(write_file("group", "wheel:x:0:\n") == 0);
	CHECK_INT(idmap_load_files(m, p("nosuch-passwd"), p("group")), 0);
	CHECK_STR(group(m, 0), "wheel");
	idmap_free(m);
}

UNIT_TEST(test_load_not_regular)
{
	struct idmap *m = idmap_new();
	char path[128];

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	/* A directory is refused, and the other file is still read. */
	CHECK(write_file("group", "wheel:x:0:\n") == 0);
	errno = 0;
	CHECK_INT(idmap_load_files(m, tmpdir, p("group")), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_STR(group(m, 0), "wheel");
	/* A FIFO with no writer must not hang the open. */
	CHECK(path_in(path, sizeof(path), "fifo") == 0);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK_INT(idmap_load_files(m, NULL, path), -1);
	CHECK_INT(idmap_load_files(m, "/dev/null", NULL), -1);
	remove_in("fifo");
	idmap_free(m);
}

UNIT_TEST(test_load_size_cap)
{
	struct idmap *m = idmap_new();

	if (m == NULL) {
		CHECK(m != NULL);
		return;
	}
	/* Exactly 16 MiB is read (the zeros form one skipped line). */
	CHECK(write_sized("big", "joe:x:7:7:::\n", FILE_CAP) == 0);
	CHECK_INT(idmap_load_files(m, p("big"), NULL), 0);
	CHECK_STR(user(m, 7), "joe");
	/* One byte more is refused whole. */
	CHECK(write_sized("big", "ann:x:8:8:::\n", FILE_CAP + 1) == 0);
	errno = 0;
	CHECK_INT(idmap_load_files(m, p("big"), NULL), -1);
	CHECK_INT(errno, EFBIG);
	CHECK(idmap_user(m, 8) == NULL);
	remove_in("big");
	idmap_free(m);
}

int
main(void)
{
	int rc;

	UNIT_RUN(test_new_free);
	UNIT_RUN(test_passwd);
	UNIT_RUN(test_group);
	UNIT_RUN(test_first_wins);
	UNIT_RUN(test_malformed);
	UNIT_RUN(test_id_range);
	UNIT_RUN(test_name_length);
	UNIT_RUN(test_nul_and_cr);
	UNIT_RUN(test_many_shuffled);
	UNIT_RUN(test_cap);
	UNIT_RUN(test_many_duplicates);

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_idmap.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	UNIT_RUN(test_load_files);
	UNIT_RUN(test_load_missing);
	UNIT_RUN(test_load_not_regular);
	UNIT_RUN(test_load_size_cap);
	remove_in("passwd");
	remove_in("group");
	remove_in("plain");
	if (rmdir(tmpdir) == -1)
		fprintf(stderr, "rmdir %s: %s\n", tmpdir, strerror(errno));

	rc = UNIT_END();
	return rc;
}
