/*
 * test_digest.c: unit tests for the digests behind HASH, XMD5, XSHA1,
 * XSHA256 and XCRC (src/data/digest.c): known vectors for every
 * algorithm, the CRC32 check value, incremental updates, names and the
 * FEAT line, and file ranges over a 1 MiB pattern file, whole and in
 * slices, with their errors.  Expected values of the pattern file were
 * computed with an independent implementation (Python hashlib and zlib).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "buf.h"
#include "str.h"
#include "data/digest.h"

#define PAT_SIZE	1048576		/* byte i is i % 251 */

static char	 pat_path[64];

/* The four digests of one input, in enum order. */
struct vec {
	const char	*sha256, *sha1, *md5, *crc32;
};

static const char *
want(const struct vec *v, enum digest_alg a)
{
	switch (a) {
	case DIGEST_SHA256:
		return v->sha256;
	case DIGEST_SHA1:
		return v->sha1;
	case DIGEST_MD5:
		return v->md5;
	default:
		return v->crc32;
	}
}

/* Digest of a memory block in one update, as a static string. */
static const char *
mem_digest(enum digest_alg a, const void *p, size_t n)
{
	static char hex[DIGEST_HEX_MAX];
	struct digest_ctx c;

	if (digest_init(&c, a) == -1)
		return "INIT";
	if (digest_update(&c, p, n) == -1) {
		digest_abort(&c);
		return "UPDATE";
	}
	if (digest_final(&c, hex, sizeof(hex)) == -1)
		return "FINAL";
	return hex;
}

static const char *
file_digest(enum digest_alg a, uint64_t start, uint64_t end)
{
	static char hex[DIGEST_HEX_MAX];
	int fd;

	if ((fd = open(pat_path, O_RDONLY | O_CLOEXEC)) == -1)
		return "OPEN";
	if (digest_fd_range(fd, start, end, a, hex, sizeof(hex)) == -1) {
		(void)close(fd);
		return "ERR";
	}
	(void)close(fd);
	return hex;
}

static int
make_pattern(void)
{
	static uint8_t blk[4096];
	size_t i, off;
	int fd;

	if (cstr_printf(pat_path, sizeof(pat_path),
	    "/tmp/test_digest.XXXXXX") == -1 ||
	    (fd = mkstemp(pat_path)) == -1)
		return -1;
	for (off = 0; off < PAT_SIZE; off += sizeof(blk)) {
		for (i = 0; i < sizeof(blk); i++)
			blk[i] = (uint8_t)((off + i) % 251);
		if (write(fd, blk, sizeof(blk)) != (ssize_t)sizeof(blk)) {
			(void)close(fd);
			return -1;
		}
	}
	return close(fd);
}

/* ---- names, FEAT ---- */

UNIT_TEST(test_names)
{
	enum digest_alg a = DIGEST_CRC32;

	CHECK_STR(digest_name(DIGEST_SHA256), "SHA-256");
	CHECK_STR(digest_name(DIGEST_SHA1), "SHA-1");
	CHECK_STR(digest_name(DIGEST_MD5), "MD5");
	CHECK_STR(digest_name(DIGEST_CRC32), "CRC32");
	CHECK(digest_name(DIGEST_NALG) == NULL);
	CHECK(digest_name((enum digest_alg)-1) == NULL);
	CHECK_INT(digest_hex_len(DIGEST_SHA256), 64);
	CHECK_INT(digest_hex_len(DIGEST_SHA1), 40);
	CHECK_INT(digest_hex_len(DIGEST_MD5), 32);
	CHECK_INT(digest_hex_len(DIGEST_CRC32), 8);
	CHECK_INT(digest_hex_len(DIGEST_NALG), 0);

	CHECK_INT(digest_name_parse(str_cstr("SHA-256"), &a), 0);
	CHECK_INT(a, DIGEST_SHA256);
	CHECK_INT(digest_name_parse(str_cstr("sha-1"), &a), 0);
	CHECK_INT(a, DIGEST_SHA1);
	CHECK_INT(digest_name_parse(str_cstr("Md5"), &a), 0);
	CHECK_INT(a, DIGEST_MD5);
	CHECK_INT(digest_name_parse(str_cstr(" crc32 "), &a), 0);
	CHECK_INT(a, DIGEST_CRC32);
	CHECK_INT(digest_name_parse(str_cstr("sHa-256"), &a), 0);
	CHECK_INT(a, DIGEST_SHA256);
	/* Only the draft's names. */
	CHECK_INT(digest_name_parse(str_cstr("SHA256"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("SHA-512"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("CRC-32"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("MD5;"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("MD"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("SHA-2566"), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr(""), &a), -1);
	CHECK_INT(digest_name_parse(STR_NULL, &a), -1);
	CHECK_INT(digest_name_parse(str_from("MD5\0", 4), &a), -1);
	CHECK_INT(digest_name_parse(str_cstr("SHA-1 MD5"), &a), -1);
	CHECK_INT(a, DIGEST_SHA256);	/* untouched by failures */
}

UNIT_TEST(test_feat)
{
	static char out[128];
	BUF_DECLARE(b, 100);
	BUF_DECLARE(small, 20);

	CHECK_INT(digest_feat(&b, DIGEST_SHA256), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "HASH SHA-256*;SHA-1;MD5;CRC32");
	buf_reset(&b);
	CHECK_INT(digest_feat(&b, DIGEST_MD5), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "HASH SHA-256;SHA-1;MD5*;CRC32");
	buf_reset(&b);
	CHECK_INT(digest_feat(&b, DIGEST_CRC32), 0);
	CHECK_INT(buf_cstr(&b, out, sizeof(out)), 0);
	CHECK_STR(out, "HASH SHA-256;SHA-1;MD5;CRC32*");
	CHECK_INT(buf_adds(&small, "ab"), 0);
	CHECK_INT(digest_feat(&small, DIGEST_SHA1), -1);
	CHECK_INT(buf_len(&small), 2);
}

/* ---- vectors ---- */

UNIT_TEST(test_vectors)
{
	static const struct {
		const char	*in;
		struct vec	 v;
	} t[] = {
		{ "", {
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		    "7852b855",
		    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		    "d41d8cd98f00b204e9800998ecf8427e", "00000000" } },
		{ "abc", {
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
		    "f20015ad",
		    "a9993e364706816aba3e25717850c26c9cd0d89d",
		    "900150983cd24fb0d6963f7d28e17f72", "352441c2" } },
		{ "123456789", {
		    "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312"
		    "448eb225",
		    "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
		    "25f9e794323b453885f5181f1b624d0b", "cbf43926" } },
		{ "The quick brown fox jumps over the lazy dog", {
		    "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf"
		    "37c9e592",
		    "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
		    "9e107d9d372bb6826bd81d3542a419d6", "414fa339" } },
	};
	size_t i;
	int a;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (a = 0; a < DIGEST_NALG; a++)
			CHECK_STR(mem_digest((enum digest_alg)a, t[i].in,
			    strlen(t[i].in)), want(&t[i].v, (enum digest_alg)a));
}

/* The CRC-32 check value of the catalogue of CRC parameters. */
UNIT_TEST(test_crc32_check)
{
	CHECK_STR(mem_digest(DIGEST_CRC32, "123456789", 9), "cbf43926");
	CHECK_STR(mem_digest(DIGEST_CRC32, "a", 1), "e8b7be43");
	CHECK_STR(mem_digest(DIGEST_CRC32, "\0\0\0\0", 4), "2144df1c");
	CHECK_STR(mem_digest(DIGEST_CRC32, "\xff\xff\xff\xff", 4), "ffffffff");
}

UNIT_TEST(test_incremental)
{
	static char a[1000000];
	char hex[DIGEST_HEX_MAX];
	struct digest_ctx c;
	size_t off, n, step = 1;

	/* FIPS 180 long vector: a million 'a', fed in growing odd pieces. */
	memset(a, 'a', sizeof(a));
	CHECK_INT(digest_init(&c, DIGEST_SHA256), 0);
	for (off = 0; off < sizeof(a); off += n) {
		n = step < sizeof(a) - off ? step : sizeof(a) - off;
		CHECK_INT(digest_update(&c, a + off, n), 0);
		step = step * 3 + 1;
	}
	CHECK_INT(digest_update(&c, NULL, 0), 0);
	CHECK_INT(digest_final(&c, hex, sizeof(hex)), 0);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");

	/* Byte by byte equals all at once, for every algorithm. */
	for (step = 0; step < DIGEST_NALG; step++) {
		const char *msg = "The quick brown fox jumps over the lazy dog";
		char one[DIGEST_HEX_MAX];

		CHECK_INT(digest_init(&c, (enum digest_alg)step), 0);
		for (off = 0; msg[off] != '\0'; off++)
			CHECK_INT(digest_update(&c, msg + off, 1), 0);
		CHECK_INT(digest_final(&c, one, sizeof(one)), 0);
		CHECK_STR(one, mem_digest((enum digest_alg)step, msg,
		    strlen(msg)));
	}
}

UNIT_TEST(test_ctx_misuse)
{
	char hex[DIGEST_HEX_MAX];
	struct digest_ctx c;
	int a;

	CHECK_INT(digest_init(&c, DIGEST_NALG), -1);
	CHECK_INT(digest_init(&c, (enum digest_alg)-1), -1);
	CHECK_INT(digest_update(&c, "x", 1), -1);
	CHECK_INT(digest_final(&c, hex, sizeof(hex)), -1);
	for (a = 0; a < DIGEST_NALG; a++) {
		size_t n = digest_hex_len((enum digest_alg)a);

		/* Room for the digest but not its NUL: refused, ended. */
		CHECK_INT(digest_init(&c, (enum digest_alg)a), 0);
		memset(hex, 'x', sizeof(hex));
		CHECK_INT(digest_final(&c, hex, n), -1);
		CHECK_STR(hex, "");
		CHECK_INT(digest_update(&c, "x", 1), -1);
		CHECK_INT(digest_final(&c, hex, sizeof(hex)), -1);
		digest_abort(&c);	/* harmless when ended */
		/* Exactly enough. */
		CHECK_INT(digest_init(&c, (enum digest_alg)a), 0);
		CHECK_INT(digest_final(&c, hex, n + 1), 0);
		CHECK_INT(strlen(hex), n);
		/* Abort a live context, twice. */
		CHECK_INT(digest_init(&c, (enum digest_alg)a), 0);
		CHECK_INT(digest_update(&c, "abc", 3), 0);
		digest_abort(&c);
		digest_abort(&c);
		CHECK_INT(digest_update(&c, "x", 1), -1);
		CHECK_INT(digest_final(&c, hex, 0), -1);
	}
}

/* ---- files ---- */

UNIT_TEST(test_file_ranges)
{
	static const struct {
		uint64_t	start, end;
		struct vec	v;
	} t[] = {
		{ 0, PAT_SIZE, {
		    "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c90"
		    "37e4f769",
		    "c2fc4cb20f1301a6b0dd211c19e69a13925dbe40",
		    "8f293a2f6c19b345152f7a49bb4c643c", "ef0e6054" } },
		{ 0, 65536, {
		    "4b640d85ab3ba30fd02c9fc9db4a8928f416322ad27022ea58a65aae"
		    "e68a4df2",
		    "fefb71740a82b94a2da3bcd2fd72fc64a7fb8666",
		    "9cc60713923528a1dd94e1c1ab0ebc9e", "7faa50d3" } },
		/* Two bytes across the first block boundary. */
		{ 65535, 65537, {
		    "eb55bbe158f7e0930600c8bc71f93e2fef7ac86c386a57269ded7c97"
		    "ace9831e",
		    "4bf6ae68d2420f6bdc84ed5366ef6c608fd98033",
		    "b47423517254fcb84dc0c11836a23e1f", "a7a92266" } },
		{ 1000, PAT_SIZE, {
		    "808b4f35311a8d07724502de6d88cfa67aff4b4b04fd9ad8adadf8ac"
		    "e696dce4",
		    "99dbf66c58c50ca2ea68307f97be17cd670e58a1",
		    "341474ef8e0924ce9d6dd7aacafd93e5", "0fd5547e" } },
		{ PAT_SIZE - 1, PAT_SIZE, {
		    "67c872d4912c71f15d2d6134ddf1d33d46f4bab2b56fe787522e7e4c"
		    "9b58657d",
		    "04f029feccd2c5c3d3ef87329eb85606bbdd2698",
		    "9da8aa9f77119c9219b103922a74e91c", "2560b8d0" } },
		{ 123457, 654321, {
		    "53125c5c98e4df8de43abbc50166c4224dd92f96341bdc02ad38dee2"
		    "237a1ab8",
		    "a8bbc70c6ff5546887ee9731cd87aaabda132f30",
		    "967642045cba93eba2cc8875ce0417e0", "b473d829" } },
		/* To end of file, and past it: the whole file. */
		{ 0, DIGEST_EOF, {
		    "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c90"
		    "37e4f769",
		    "c2fc4cb20f1301a6b0dd211c19e69a13925dbe40",
		    "8f293a2f6c19b345152f7a49bb4c643c", "ef0e6054" } },
		{ 0, PAT_SIZE + 12345, {
		    "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c90"
		    "37e4f769",
		    "c2fc4cb20f1301a6b0dd211c19e69a13925dbe40",
		    "8f293a2f6c19b345152f7a49bb4c643c", "ef0e6054" } },
		/* Empty ranges, inside and beyond the file. */
		{ 500000, 500000, {
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		    "7852b855",
		    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		    "d41d8cd98f00b204e9800998ecf8427e", "00000000" } },
		{ PAT_SIZE + 1, DIGEST_EOF, {
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		    "7852b855",
		    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		    "d41d8cd98f00b204e9800998ecf8427e", "00000000" } },
		{ UINT64_MAX - 1, DIGEST_EOF, {
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		    "7852b855",
		    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
		    "d41d8cd98f00b204e9800998ecf8427e", "00000000" } },
	};
	size_t i;
	int a;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (a = 0; a < DIGEST_NALG; a++) {
			const char *got = file_digest((enum digest_alg)a,
			    t[i].start, t[i].end);

			if (strcmp(got, want(&t[i].v, (enum digest_alg)a))) {
				fprintf(stderr, "range %zu alg %d: %s\n", i, a,
				    got);
				CHECK(0);
			}
		}
}

/* Run a job to the end with a budget; count the steps. */
static const char *
sliced(enum digest_alg a, uint64_t start, uint64_t end, uint64_t budget,
    size_t *steps, uint64_t *stopped)
{
	static char hex[DIGEST_HEX_MAX];
	struct digest_job j;
	enum digest_step r;
	int fd;

	*steps = 0;
	if ((fd = open(pat_path, O_RDONLY | O_CLOEXEC)) == -1)
		return "OPEN";
	if (digest_job_start(&j, fd, start, end, a) == -1) {
		(void)close(fd);
		return "START";
	}
	do {
		r = digest_job_step(&j, budget, hex, sizeof(hex));
		(*steps)++;
	} while (r == DIGEST_MORE && *steps < 100000);
	*stopped = j.end;
	(void)close(fd);
	return r == DIGEST_DONE ? hex : "ERR";
}

UNIT_TEST(test_job_slices)
{
	const char *full = "631b84027d6b9e52b539c4e8373622d2"
	    "3032dfadc64d60af87339c9037e4f769";
	uint64_t stopped;
	size_t steps;

	/* 1000 bytes a turn: 1048 full turns and one of 576. */
	CHECK_STR(sliced(DIGEST_SHA256, 0, PAT_SIZE, 1000, &steps, &stopped),
	    full);
	CHECK_INT(steps, 1049);
	/* Budget 0 is one block. */
	CHECK_STR(sliced(DIGEST_SHA256, 0, PAT_SIZE, 0, &steps, &stopped),
	    full);
	CHECK_INT(steps, 16);
	/* 4 MiB a turn: one step. */
	CHECK_STR(sliced(DIGEST_SHA256, 0, PAT_SIZE, 4 << 20, &steps,
	    &stopped), full);
	CHECK_INT(steps, 1);
	/* To end of file: the step that meets EOF is the last. */
	CHECK_STR(sliced(DIGEST_SHA256, 0, DIGEST_EOF, DIGEST_BLOCK, &steps,
	    &stopped), full);
	CHECK_INT(steps, 17);
	CHECK(stopped == PAT_SIZE);
	CHECK_STR(sliced(DIGEST_SHA256, 0, PAT_SIZE + 99, 1 << 20, &steps,
	    &stopped), full);
	CHECK_INT(steps, 2);
	CHECK(stopped == PAT_SIZE);
	/* An odd budget on an odd range, CRC32. */
	CHECK_STR(sliced(DIGEST_CRC32, 123457, 654321, 7777, &steps,
	    &stopped), "b473d829");
	CHECK_INT(steps, (654321 - 123457 + 7776) / 7777);
	CHECK(stopped == 654321);
	/* An empty range is done at once. */
	CHECK_STR(sliced(DIGEST_MD5, 7, 7, 1, &steps, &stopped),
	    "d41d8cd98f00b204e9800998ecf8427e");
	CHECK_INT(steps, 1);
}

UNIT_TEST(test_job_offset_untouched)
{
	char hex[DIGEST_HEX_MAX];
	int fd = open(pat_path, O_RDONLY | O_CLOEXEC);

	CHECK(fd != -1);
	if (fd == -1)
		return;
	CHECK_INT(lseek(fd, 4242, SEEK_SET), 4242);
	CHECK_INT(digest_fd_range(fd, 0, PAT_SIZE, DIGEST_MD5, hex,
	    sizeof(hex)), 0);
	CHECK_STR(hex, "8f293a2f6c19b345152f7a49bb4c643c");
	CHECK_INT(lseek(fd, 0, SEEK_CUR), 4242);
	CHECK_INT(close(fd), 0);	/* still ours, still open */
}

UNIT_TEST(test_job_errors)
{
	char hex[DIGEST_HEX_MAX];
	struct digest_job j;
	int fd, p[2];

	/* Bad ranges and algorithms. */
	errno = 0;
	CHECK_INT(digest_job_start(&j, 0, 10, 9, DIGEST_SHA1), -1);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK_INT(digest_job_start(&j, 0, 0, 9, DIGEST_NALG), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(digest_fd_range(0, 5, 4, DIGEST_SHA1, hex, sizeof(hex)),
	    -1);
	CHECK_STR(hex, "");

	/* A descriptor that cannot be read. */
	CHECK_INT(digest_job_start(&j, -1, 0, 100, DIGEST_SHA1), 0);
	errno = 0;
	CHECK_INT(digest_job_step(&j, 0, hex, sizeof(hex)), DIGEST_ERROR);
	CHECK_INT(errno, EBADF);
	/* An ended job stays ended. */
	errno = 0;
	CHECK_INT(digest_job_step(&j, 0, hex, sizeof(hex)), DIGEST_ERROR);
	CHECK_INT(errno, EINVAL);
	digest_job_abort(&j);

	/* A directory, and a pipe (no pread). */
	if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		CHECK_INT(digest_fd_range(fd, 0, DIGEST_EOF, DIGEST_CRC32, hex,
		    sizeof(hex)), -1);
		CHECK_INT(errno, EISDIR);
		(void)close(fd);
	}
	CHECK_INT(pipe(p), 0);
	CHECK_INT(write(p[1], "abc", 3), 3);
	CHECK_INT(digest_fd_range(p[0], 0, 3, DIGEST_CRC32, hex, sizeof(hex)),
	    -1);
	CHECK_INT(errno, ESPIPE);
	(void)close(p[0]);
	(void)close(p[1]);

	/* Too small a result buffer: an error at the end, nothing leaks. */
	fd = open(pat_path, O_RDONLY | O_CLOEXEC);
	CHECK(fd != -1);
	CHECK_INT(digest_job_start(&j, fd, 0, 100, DIGEST_SHA256), 0);
	errno = 0;
	CHECK_INT(digest_job_step(&j, 0, hex, 64), DIGEST_ERROR);
	CHECK_INT(errno, ERANGE);
	CHECK_STR(hex, "");

	/* Aborted half-way (ABOR): no result, nothing leaks, abort twice. */
	CHECK_INT(digest_job_start(&j, fd, 0, PAT_SIZE, DIGEST_SHA256), 0);
	CHECK_INT(digest_job_step(&j, 1000, hex, sizeof(hex)), DIGEST_MORE);
	CHECK(j.pos == 1000);
	digest_job_abort(&j);
	digest_job_abort(&j);
	CHECK_INT(digest_job_step(&j, 0, hex, sizeof(hex)), DIGEST_ERROR);
	(void)close(fd);
}

int
main(void)
{
	int a;

	if (digest_global_init() != 0)
		fprintf(stderr, "digest_global_init failed\n");
	for (a = 0; a < DIGEST_NALG; a++)
		if (!digest_available((enum digest_alg)a)) {
			fprintf(stderr, "%s not available\n",
			    digest_name((enum digest_alg)a));
			return 1;
		}
	if (make_pattern() == -1) {
		perror("pattern file");
		return 1;
	}
	UNIT_RUN(test_names);
	UNIT_RUN(test_feat);
	UNIT_RUN(test_vectors);
	UNIT_RUN(test_crc32_check);
	UNIT_RUN(test_incremental);
	UNIT_RUN(test_ctx_misuse);
	UNIT_RUN(test_file_ranges);
	UNIT_RUN(test_job_slices);
	UNIT_RUN(test_job_offset_untouched);
	UNIT_RUN(test_job_errors);
	(void)unlink(pat_path);
	return UNIT_END();
}
