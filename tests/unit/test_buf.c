/*
 * test_buf.c: unit tests for lib/buf (bounded byte buffers).
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "unit.h"

/* The buffer holds exactly the n bytes at want. */
static int
holds(const struct buf *b, const void *want, size_t n)
{
	return buf_len(b) == n && (n == 0 || memcmp(buf_data(b), want, n) == 0);
}

UNIT_TEST(test_init)
{
	uint8_t mem[8];
	struct buf b;

	memset(&b, 0xaa, sizeof(b));
	buf_init(&b, mem, sizeof(mem));
	CHECK_INT(buf_len(&b), 0);
	CHECK_INT(buf_cap(&b), 8);
	CHECK_INT(buf_room(&b), 8);
	CHECK_INT(buf_overflowed(&b), 0);
	CHECK(buf_data(&b) == mem);
	CHECK(buf_tail(&b) == mem);
}

UNIT_TEST(test_declare)
{
	BUF_DECLARE(b, 16);

	CHECK_INT(buf_cap(&b), 16);
	CHECK_INT(buf_len(&b), 0);
	CHECK_INT(buf_overflowed(&b), 0);
	CHECK_INT(buf_adds(&b, "hello"), 0);
	CHECK(holds(&b, "hello", 5));
	CHECK_INT(buf_room(&b), 11);
}

UNIT_TEST(test_add_exact_fit)
{
	BUF_DECLARE(b, 4);

	CHECK_INT(buf_add(&b, "ab", 2), 0);
	CHECK_INT(buf_add(&b, "cd", 2), 0);
	CHECK(holds(&b, "abcd", 4));
	CHECK_INT(buf_room(&b), 0);
	CHECK_INT(buf_overflowed(&b), 0);
	/* A zero-length add into a full buffer is not an overflow. */
	CHECK_INT(buf_add(&b, "", 0), 0);
	CHECK_INT(buf_add(&b, NULL, 0), 0);
	CHECK_INT(buf_overflowed(&b), 0);
}

UNIT_TEST(test_add_overflow)
{
	BUF_DECLARE(b, 4);

	CHECK_INT(buf_add(&b, "abc", 3), 0);
	/* One byte too many: refused whole, nothing of it appended. */
	CHECK_INT(buf_add(&b, "de", 2), -1);
	CHECK(holds(&b, "abc", 3));
	CHECK_INT(buf_overflowed(&b), 1);
	/* Sticky: a later add that fits does not clear the flag. */
	CHECK_INT(buf_addc(&b, 'x'), 0);
	CHECK(holds(&b, "abcx", 4));
	CHECK_INT(buf_overflowed(&b), 1);
	CHECK_INT(buf_addc(&b, 'y'), -1);
	CHECK(holds(&b, "abcx", 4));
	CHECK_INT(buf_adds(&b, "z"), -1);
	CHECK(holds(&b, "abcx", 4));
	buf_reset(&b);
	CHECK_INT(buf_len(&b), 0);
	CHECK_INT(buf_overflowed(&b), 0);
	CHECK_INT(buf_cap(&b), 4);
}

UNIT_TEST(test_add_larger_than_cap)
{
	BUF_DECLARE(b, 4);

	CHECK_INT(buf_add(&b, "abcdefgh", 8), -1);
	CHECK_INT(buf_len(&b), 0);
	CHECK_INT(buf_overflowed(&b), 1);
	CHECK_INT(buf_add(&b, "abcdefgh", SIZE_MAX), -1);
	CHECK_INT(buf_len(&b), 0);
}

UNIT_TEST(test_zero_cap)
{
	uint8_t mem[1];
	struct buf b;
	char dst[4] = "zz";

	buf_init(&b, mem, 0);
	CHECK_INT(buf_room(&b), 0);
	CHECK_INT(buf_add(&b, NULL, 0), 0);
	CHECK_INT(buf_overflowed(&b), 0);
	CHECK_INT(buf_addc(&b, 'a'), -1);
	CHECK_INT(buf_overflowed(&b), 1);
	/* Nothing to add fits even in no room, as buf_add(NULL, 0) does. */
	CHECK_INT(buf_printf(&b, "%s", ""), 0);
	CHECK_INT(buf_find(&b, 'a', 0), -1);
	CHECK_INT(buf_cstr(&b, dst, sizeof(dst)), 0);
	CHECK_STR(dst, "");
	buf_consume(&b, 10);
	buf_truncate(&b, 10);
	CHECK_INT(buf_len(&b), 0);
}

UNIT_TEST(test_nul_bytes_in_data)
{
	BUF_DECLARE(b, 8);
	char dst[16];

	CHECK_INT(buf_add(&b, "a\0b", 3), 0);
	CHECK_INT(buf_addc(&b, 0), 0);
	CHECK(holds(&b, "a\0b\0", 4));
	CHECK_INT(buf_find(&b, 0, 0), 1);
	CHECK_INT(buf_find(&b, 0, 2), 3);
	/* A C string cannot carry a NUL: refused, dst made empty. */
	strcpy(dst, "junk");
	CHECK_INT(buf_cstr(&b, dst, sizeof(dst)), -1);
	CHECK_STR(dst, "");
	/* Only the NUL stands in the way: drop it and it converts. */
	buf_truncate(&b, 1);
	CHECK_INT(buf_cstr(&b, dst, sizeof(dst)), 0);
	CHECK_STR(dst, "a");
}

UNIT_TEST(test_cstr_bounds)
{
	BUF_DECLARE(b, 8);
	char dst[8];

	CHECK_INT(buf_adds(&b, "abc"), 0);
	/* Needs len + 1 bytes: 4 fits exactly, 3 does not. */
	CHECK_INT(buf_cstr(&b, dst, 4), 0);
	CHECK_STR(dst, "abc");
	strcpy(dst, "junk");
	CHECK_INT(buf_cstr(&b, dst, 3), -1);
	CHECK_STR(dst, "");
	/* dstsize 0: nothing may be written at all. */
	dst[0] = 'q';
	CHECK_INT(buf_cstr(&b, dst, 0), -1);
	CHECK_INT(dst[0], 'q');
	buf_reset(&b);
	CHECK_INT(buf_cstr(&b, dst, 1), 0);
	CHECK_STR(dst, "");
}

UNIT_TEST(test_printf)
{
	BUF_DECLARE(b, 16);

	CHECK_INT(buf_printf(&b, "%d-%s", 42, "x"), 0);
	CHECK(holds(&b, "42-x", 4));
	CHECK_INT(buf_printf(&b, "%c", 'y'), 0);
	CHECK(holds(&b, "42-xy", 5));
	CHECK_INT(buf_printf(&b, "%s", ""), 0);
	CHECK(holds(&b, "42-xy", 5));
	CHECK_INT(buf_overflowed(&b), 0);
}

/* buf_add_uint is printf's %*ju, %-*ju and %0*ju. */
UNIT_TEST(test_add_uint)
{
	static const uintmax_t vals[] = { 0, 7, 42, 999, 1000, 65535,
	    4294967296ULL, UINTMAX_MAX };
	static const int widths[] = { 0, 1, 2, 4, 5, 8, 22, -1, -8, -22 };
	char want[64];
	size_t i, j;
	int z;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (j = 0; j < sizeof(widths) / sizeof(widths[0]); j++)
			for (z = 0; z <= 1; z++) {
				BUF_DECLARE(b, 64);
				int w = widths[j];

				if (z && w < 0)
					continue;
				(void)snprintf(want, sizeof(want),
				    z ? "%0*ju" : "%*ju", w, vals[i]);
				CHECK_INT(buf_add_uint(&b, vals[i], w, z), 0);
				CHECK(holds(&b, want, strlen(want)));
			}
	{
		/* Too long: nothing written, the overflow flag set. */
		BUF_DECLARE(b, 4);

		CHECK_INT(buf_adds(&b, "ab"), 0);
		CHECK_INT(buf_add_uint(&b, 123, 0, 0), -1);
		CHECK(holds(&b, "ab", 2));
		CHECK_INT(buf_overflowed(&b), 1);
		CHECK_INT(buf_add_uint(&b, 1, 3, 0), -1);
		CHECK(holds(&b, "ab", 2));
		CHECK_INT(buf_add_uint(&b, 5, -2, 0), 0);
		CHECK(holds(&b, "ab5 ", 4));
	}
}

UNIT_TEST(test_printf_overflow)
{
	BUF_DECLARE(b, 8);

	CHECK_INT(buf_adds(&b, "abc"), 0);
	CHECK_INT(buf_printf(&b, "%s", "123456"), -1);
	CHECK(holds(&b, "abc", 3));
	CHECK_INT(buf_overflowed(&b), 1);
	/* Still usable after the failed printf. */
	CHECK_INT(buf_printf(&b, "%d", 7), 0);
	CHECK(holds(&b, "abc7", 4));
	CHECK_INT(buf_overflowed(&b), 1);
}

UNIT_TEST(test_printf_exact_fit)
{
	BUF_DECLARE(b, 8);

	/*
	 * The buffer keeps no NUL, so output that fills the room exactly
	 * fits (buf.h: -1 only "if it did not fit").
	 */
	CHECK_INT(buf_adds(&b, "abc"), 0);
	CHECK_INT(buf_printf(&b, "%s", "12345"), 0);
	CHECK(holds(&b, "abc12345", 8));
	CHECK_INT(buf_overflowed(&b), 0);
	/* One byte less room: the same output is refused. */
	buf_reset(&b);
	CHECK_INT(buf_adds(&b, "abcd"), 0);
	CHECK_INT(buf_printf(&b, "%s", "12345"), -1);
	CHECK(holds(&b, "abcd", 4));
	CHECK_INT(buf_overflowed(&b), 1);
}

UNIT_TEST(test_consume)
{
	BUF_DECLARE(b, 8);

	CHECK_INT(buf_adds(&b, "abcdef"), 0);
	buf_consume(&b, 0);
	CHECK(holds(&b, "abcdef", 6));
	buf_consume(&b, 2);
	CHECK(holds(&b, "cdef", 4));
	CHECK_INT(buf_room(&b), 4);
	buf_consume(&b, 4);
	CHECK_INT(buf_len(&b), 0);
	CHECK_INT(buf_adds(&b, "xy"), 0);
	buf_consume(&b, SIZE_MAX);
	CHECK_INT(buf_len(&b), 0);
	buf_consume(&b, 1);
	CHECK_INT(buf_len(&b), 0);
}

UNIT_TEST(test_truncate)
{
	BUF_DECLARE(b, 8);

	CHECK_INT(buf_adds(&b, "abcdef"), 0);
	buf_truncate(&b, 10);
	CHECK(holds(&b, "abcdef", 6));
	buf_truncate(&b, 6);
	CHECK(holds(&b, "abcdef", 6));
	buf_truncate(&b, 3);
	CHECK(holds(&b, "abc", 3));
	buf_truncate(&b, 0);
	CHECK_INT(buf_len(&b), 0);
}

UNIT_TEST(test_tail_commit)
{
	BUF_DECLARE(b, 8);

	CHECK_INT(buf_adds(&b, "ab"), 0);
	CHECK(buf_tail(&b) == buf_data(&b) + 2);
	memcpy(buf_tail(&b), "cdef", 4);
	CHECK_INT(buf_commit(&b, 4), 0);
	CHECK(holds(&b, "abcdef", 6));
	CHECK_INT(buf_commit(&b, 0), 0);
	/* More than the room: refused, length unchanged. */
	CHECK_INT(buf_commit(&b, 3), -1);
	CHECK_INT(buf_len(&b), 6);
	CHECK_INT(buf_overflowed(&b), 1);
	CHECK_INT(buf_commit(&b, SIZE_MAX), -1);
	CHECK_INT(buf_len(&b), 6);
	CHECK_INT(buf_commit(&b, 2), 0);
	CHECK_INT(buf_len(&b), 8);
	CHECK_INT(buf_room(&b), 0);
}

UNIT_TEST(test_find)
{
	BUF_DECLARE(b, 16);

	CHECK_INT(buf_find(&b, 'a', 0), -1);
	CHECK_INT(buf_adds(&b, "ab\r\nab\n"), 0);
	CHECK_INT(buf_find(&b, '\n', 0), 3);
	CHECK_INT(buf_find(&b, '\n', 3), 3);
	CHECK_INT(buf_find(&b, '\n', 4), 6);
	CHECK_INT(buf_find(&b, '\n', 7), -1);
	CHECK_INT(buf_find(&b, '\n', SIZE_MAX), -1);
	CHECK_INT(buf_find(&b, 'z', 0), -1);
	CHECK_INT(buf_find(&b, 'a', 0), 0);
	/* Bytes past the length are not searched. */
	buf_truncate(&b, 3);
	CHECK_INT(buf_find(&b, '\n', 0), -1);
}

UNIT_TEST(test_high_bytes)
{
	BUF_DECLARE(b, 4);
	char dst[8];

	/* Telnet IAC and other 8-bit bytes are plain data. */
	CHECK_INT(buf_addc(&b, 0xff), 0);
	CHECK_INT(buf_addc(&b, 0x80), 0);
	CHECK_INT(buf_find(&b, 0xff, 0), 0);
	CHECK_INT(buf_find(&b, 0x80, 0), 1);
	CHECK_INT(buf_cstr(&b, dst, sizeof(dst)), 0);
	CHECK_INT((unsigned char)dst[0], 0xff);
	CHECK_INT((unsigned char)dst[1], 0x80);
	CHECK_INT(dst[2], 0);
}

int
main(void)
{
	UNIT_RUN(test_init);
	UNIT_RUN(test_declare);
	UNIT_RUN(test_add_exact_fit);
	UNIT_RUN(test_add_overflow);
	UNIT_RUN(test_add_larger_than_cap);
	UNIT_RUN(test_zero_cap);
	UNIT_RUN(test_nul_bytes_in_data);
	UNIT_RUN(test_cstr_bounds);
	UNIT_RUN(test_printf);
	UNIT_RUN(test_printf_overflow);
	UNIT_RUN(test_printf_exact_fit);
	UNIT_RUN(test_consume);
	UNIT_RUN(test_truncate);
	UNIT_RUN(test_tail_commit);
	UNIT_RUN(test_find);
	UNIT_RUN(test_add_uint);
	UNIT_RUN(test_high_bytes);
	return UNIT_END();
}
