/*
 * test_str.c: unit tests for lib/str (slices and bounded C strings).
 */
#include <stdint.h>
#include <string.h>

#include "str.h"
#include "unit.h"

/* The slice holds exactly the C string want. */
static int
same(struct str s, const char *want)
{
	size_t n = strlen(want);

	return s.len == n && (n == 0 || memcmp(s.p, want, n) == 0);
}

UNIT_TEST(test_from)
{
	struct str s;

	s = str_from("abc", 2);
	CHECK(same(s, "ab"));
	s = str_from(NULL, 5);
	CHECK(s.p == NULL);
	CHECK_INT(s.len, 0);
	CHECK(str_empty(s));
	s = str_cstr("hello");
	CHECK(same(s, "hello"));
	s = str_cstr(NULL);
	CHECK(s.p == NULL);
	CHECK_INT(s.len, 0);
	CHECK(str_empty(STR_NULL));
	CHECK(str_empty(str_cstr("")));
	CHECK(!str_empty(str_cstr("x")));
}

UNIT_TEST(test_eq)
{
	CHECK(str_eq(str_cstr("user"), "user"));
	CHECK(!str_eq(str_cstr("user"), "use"));
	CHECK(!str_eq(str_cstr("use"), "user"));
	CHECK(!str_eq(str_cstr("User"), "user"));
	CHECK(str_eq(str_cstr(""), ""));
	CHECK(str_eq(STR_NULL, ""));
	CHECK(!str_eq(STR_NULL, "a"));
	/* A NUL inside the slice is data, not an end. */
	CHECK(!str_eq(str_from("a\0b", 3), "a"));
	CHECK(!str_eq(str_from("a\0", 2), "a"));
	CHECK(str_eq(str_from("ab", 1), "a"));
}

UNIT_TEST(test_eq_ci)
{
	CHECK(str_eq_ci(str_cstr("USER"), "user"));
	CHECK(str_eq_ci(str_cstr("uSeR"), "UsEr"));
	CHECK(!str_eq_ci(str_cstr("USER"), "users"));
	CHECK(!str_eq_ci(str_cstr("USERS"), "user"));
	CHECK(str_eq_ci(STR_NULL, ""));
	/* Only ASCII folds: 0xc4 and 0xe4 stay different. */
	CHECK(!str_eq_ci(str_cstr("\xc4"), "\xe4"));
	CHECK(str_eq_ci(str_cstr("\xff"), "\xff"));
	/* '@' and '`' sit next to 'A' and 'a' but are not letters. */
	CHECK(!str_eq_ci(str_cstr("@"), "`"));
	CHECK(!str_eq_ci(str_cstr("["), "{"));
}

UNIT_TEST(test_prefix_ci)
{
	CHECK(str_prefix_ci(str_cstr("RETR file"), "retr"));
	CHECK(str_prefix_ci(str_cstr("retr"), "RETR"));
	CHECK(!str_prefix_ci(str_cstr("RET"), "retr"));
	CHECK(str_prefix_ci(str_cstr("abc"), ""));
	CHECK(str_prefix_ci(STR_NULL, ""));
	CHECK(!str_prefix_ci(STR_NULL, "a"));
	CHECK(!str_prefix_ci(str_from("re\0r", 4), "retr"));
}

UNIT_TEST(test_find)
{
	struct str_pos p;

	p = str_find(str_cstr("a:b:c"), ':');
	CHECK_INT(p.found, 1);
	CHECK_INT(p.at, 1);
	p = str_find(str_cstr(":"), ':');
	CHECK_INT(p.found, 1);
	CHECK_INT(p.at, 0);
	p = str_find(str_cstr("abc"), ':');
	CHECK_INT(p.found, 0);
	p = str_find(str_cstr(""), ':');
	CHECK_INT(p.found, 0);
	p = str_find(STR_NULL, ':');
	CHECK_INT(p.found, 0);
	p = str_find(str_from("ab\0c", 4), '\0');
	CHECK_INT(p.found, 1);
	CHECK_INT(p.at, 2);
	/* The search stops at the slice end, not at the string end. */
	p = str_find(str_from("abc:", 3), ':');
	CHECK_INT(p.found, 0);
	p = str_find(str_cstr("a\xff"), (char)0xff);
	CHECK_INT(p.found, 1);
	CHECK_INT(p.at, 1);
}

UNIT_TEST(test_split)
{
	struct str h, t;

	CHECK_INT(str_split(str_cstr("USER joe"), ' ', &h, &t), 1);
	CHECK(same(h, "USER"));
	CHECK(same(t, "joe"));
	/* Only the first separator splits. */
	CHECK_INT(str_split(str_cstr("a b c"), ' ', &h, &t), 1);
	CHECK(same(h, "a"));
	CHECK(same(t, "b c"));
	/* Separator first: empty head. */
	CHECK_INT(str_split(str_cstr(" x"), ' ', &h, &t), 1);
	CHECK(same(h, ""));
	CHECK(same(t, "x"));
	/* Separator last: empty tail. */
	CHECK_INT(str_split(str_cstr("x "), ' ', &h, &t), 1);
	CHECK(same(h, "x"));
	CHECK(same(t, ""));
	/* The separator alone. */
	CHECK_INT(str_split(str_cstr(" "), ' ', &h, &t), 1);
	CHECK(same(h, ""));
	CHECK(same(t, ""));
	/* Not found: head is everything, tail empty. */
	CHECK_INT(str_split(str_cstr("NOOP"), ' ', &h, &t), 0);
	CHECK(same(h, "NOOP"));
	CHECK_INT(t.len, 0);
	CHECK_INT(str_split(str_cstr(""), ' ', &h, &t), 0);
	CHECK_INT(h.len, 0);
	CHECK_INT(t.len, 0);
	CHECK_INT(str_split(STR_NULL, ' ', &h, &t), 0);
	CHECK_INT(h.len, 0);
	CHECK_INT(t.len, 0);
	/* Splitting the tail in place walks a list. */
	t = str_cstr("a:b:");
	CHECK_INT(str_split(t, ':', &h, &t), 1);
	CHECK(same(h, "a"));
	CHECK_INT(str_split(t, ':', &h, &t), 1);
	CHECK(same(h, "b"));
	CHECK(same(t, ""));
	CHECK_INT(str_split(t, ':', &h, &t), 0);
	CHECK(same(h, ""));
	/* NUL is an ordinary separator byte. */
	CHECK_INT(str_split(str_from("a\0b", 3), '\0', &h, &t), 1);
	CHECK(same(h, "a"));
	CHECK(same(t, "b"));
}

UNIT_TEST(test_trim)
{
	CHECK(same(str_trim(str_cstr("  a b\t ")), "a b"));
	CHECK(same(str_trim(str_cstr("\t\tx")), "x"));
	CHECK(same(str_trim(str_cstr("x  ")), "x"));
	CHECK(same(str_trim(str_cstr("x")), "x"));
	CHECK_INT(str_trim(str_cstr("   \t ")).len, 0);
	CHECK_INT(str_trim(str_cstr(" ")).len, 0);
	CHECK_INT(str_trim(str_cstr("")).len, 0);
	CHECK_INT(str_trim(STR_NULL).len, 0);
	/* Only space and tab: CR, LF, NUL and VT stay. */
	CHECK(same(str_trim(str_cstr("\rx\n")), "\rx\n"));
	CHECK(same(str_trim(str_cstr("\vx")), "\vx"));
	CHECK_INT(str_trim(str_from(" \0 ", 3)).len, 1);
	/* Trimming stays inside the slice. */
	CHECK(same(str_trim(str_from(" ab ", 2)), "a"));
}

UNIT_TEST(test_head_skip)
{
	struct str s = str_cstr("abcdef");

	CHECK(same(str_head(s, 0), ""));
	CHECK(same(str_head(s, 3), "abc"));
	CHECK(same(str_head(s, 6), "abcdef"));
	CHECK(same(str_head(s, 7), "abcdef"));
	CHECK(same(str_head(s, SIZE_MAX), "abcdef"));
	CHECK(same(str_skip(s, 0), "abcdef"));
	CHECK(same(str_skip(s, 2), "cdef"));
	CHECK(same(str_skip(s, 6), ""));
	CHECK(same(str_skip(s, 7), ""));
	CHECK(same(str_skip(s, SIZE_MAX), ""));
	CHECK_INT(str_head(STR_NULL, 3).len, 0);
	CHECK_INT(str_skip(STR_NULL, 3).len, 0);
	CHECK_INT(str_skip(STR_NULL, 0).len, 0);
	CHECK_INT(str_head(str_cstr(""), 1).len, 0);
	CHECK_INT(str_skip(str_cstr(""), 1).len, 0);
}

UNIT_TEST(test_u64)
{
	uint64_t v;

	CHECK_INT(str_to_u64(str_cstr("0"), UINT64_MAX, &v), 0);
	CHECK(v == 0);
	CHECK_INT(str_to_u64(str_cstr("12345"), UINT64_MAX, &v), 0);
	CHECK(v == 12345);
	CHECK_INT(str_to_u64(str_cstr("007"), UINT64_MAX, &v), 0);
	CHECK(v == 7);
	CHECK_INT(str_to_u64(str_cstr("0000000000000000000000000001"),
	    UINT64_MAX, &v), 0);
	CHECK(v == 1);
	/* Stops at the slice end. */
	CHECK_INT(str_to_u64(str_from("12x", 2), UINT64_MAX, &v), 0);
	CHECK(v == 12);
}

UNIT_TEST(test_u64_overflow)
{
	uint64_t v;

	CHECK_INT(str_to_u64(str_cstr("18446744073709551615"), UINT64_MAX,
	    &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(str_to_u64(str_cstr("18446744073709551616"), UINT64_MAX,
	    &v), -1);
	CHECK_INT(str_to_u64(str_cstr("18446744073709551620"), UINT64_MAX,
	    &v), -1);
	CHECK_INT(str_to_u64(str_cstr("18446744073709551625"), UINT64_MAX,
	    &v), -1);
	CHECK_INT(str_to_u64(str_cstr("99999999999999999999"), UINT64_MAX,
	    &v), -1);
	CHECK_INT(str_to_u64(str_cstr("184467440737095516150"), UINT64_MAX,
	    &v), -1);
	/* A value that wraps to something small must not slip through. */
	CHECK_INT(str_to_u64(str_cstr("36893488147419103232"), UINT64_MAX,
	    &v), -1);
}

UNIT_TEST(test_u64_max)
{
	uint64_t v;

	CHECK_INT(str_to_u64(str_cstr("100"), 100, &v), 0);
	CHECK(v == 100);
	CHECK_INT(str_to_u64(str_cstr("101"), 100, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("1000"), 100, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("65535"), 65535, &v), 0);
	CHECK_INT(str_to_u64(str_cstr("65536"), 65535, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("0"), 0, &v), 0);
	CHECK(v == 0);
	CHECK_INT(str_to_u64(str_cstr("1"), 0, &v), -1);
	/* One digit above a one-digit bound. */
	CHECK_INT(str_to_u64(str_cstr("5"), 5, &v), 0);
	CHECK_INT(str_to_u64(str_cstr("7"), 5, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("9"), 8, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("18446744073709551614"),
	    UINT64_MAX - 1, &v), 0);
	CHECK_INT(str_to_u64(str_cstr("18446744073709551615"),
	    UINT64_MAX - 1, &v), -1);
}

UNIT_TEST(test_u64_syntax)
{
	uint64_t v;

	CHECK_INT(str_to_u64(str_cstr(""), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(STR_NULL, UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("+1"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("-1"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr(" 1"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("1 "), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("1a"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("0x10"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_from("1\0", 2), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("\xff"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_u64(str_cstr("\xb9"), UINT64_MAX, &v), -1);
}

UNIT_TEST(test_octal)
{
	uint64_t v;

	CHECK_INT(str_to_octal(str_cstr("0"), 0777, &v), 0);
	CHECK(v == 0);
	CHECK_INT(str_to_octal(str_cstr("755"), 0777, &v), 0);
	CHECK(v == 0755);
	CHECK_INT(str_to_octal(str_cstr("0022"), 0777, &v), 0);
	CHECK(v == 022);
	CHECK_INT(str_to_octal(str_cstr("777"), 0777, &v), 0);
	CHECK(v == 0777);
	CHECK_INT(str_to_octal(str_cstr("1000"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("7777"), 07777, &v), 0);
	/* The digits 8 and 9 are not octal. */
	CHECK_INT(str_to_octal(str_cstr("8"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("9"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("18"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("79"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("8"), UINT64_MAX, &v), -1);
	CHECK_INT(str_to_octal(str_cstr(""), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("-1"), 0777, &v), -1);
	CHECK_INT(str_to_octal(str_cstr("0o7"), 0777, &v), -1);
	/* 2^64 - 1 and 2^64. */
	CHECK_INT(str_to_octal(str_cstr("1777777777777777777777"),
	    UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_INT(str_to_octal(str_cstr("2000000000000000000000"),
	    UINT64_MAX, &v), -1);
	/* A digit above a small bound. */
	CHECK_INT(str_to_octal(str_cstr("7"), 5, &v), -1);
}

UNIT_TEST(test_copy)
{
	char dst[8];

	CHECK_INT(str_copy(str_cstr("abc"), dst, sizeof(dst)), 0);
	CHECK_STR(dst, "abc");
	/* Exact fit: len + 1 == size. */
	CHECK_INT(str_copy(str_cstr("abcdefg"), dst, sizeof(dst)), 0);
	CHECK_STR(dst, "abcdefg");
	CHECK_INT(str_copy(str_cstr("abcdefgh"), dst, sizeof(dst)), -1);
	CHECK_STR(dst, "");
	CHECK_INT(str_copy(str_from("ab\0c", 4), dst, sizeof(dst)), -1);
	CHECK_STR(dst, "");
	CHECK_INT(str_copy(str_from("ab\0", 3), dst, sizeof(dst)), -1);
	CHECK_STR(dst, "");
	CHECK_INT(str_copy(str_from("ab\0", 2), dst, sizeof(dst)), 0);
	CHECK_STR(dst, "ab");
	CHECK_INT(str_copy(STR_NULL, dst, sizeof(dst)), 0);
	CHECK_STR(dst, "");
	CHECK_INT(str_copy(str_cstr(""), dst, 1), 0);
	CHECK_STR(dst, "");
	dst[0] = 'q';
	CHECK_INT(str_copy(str_cstr(""), dst, 0), -1);
	CHECK_INT(dst[0], 'q');
	/* Copies only the slice, not the rest of the string. */
	CHECK_INT(str_copy(str_from("abcdef", 2), dst, sizeof(dst)), 0);
	CHECK_STR(dst, "ab");
}

UNIT_TEST(test_cstr_copy)
{
	char dst[4];

	CHECK_INT(cstr_copy(dst, sizeof(dst), "abc"), 0);
	CHECK_STR(dst, "abc");
	CHECK_INT(cstr_copy(dst, sizeof(dst), ""), 0);
	CHECK_STR(dst, "");
	/* Truncated: -1, and dst is still terminated within its size. */
	CHECK_INT(cstr_copy(dst, sizeof(dst), "abcd"), -1);
	CHECK(memchr(dst, '\0', sizeof(dst)) != NULL);
	CHECK(strlen(dst) < sizeof(dst));
	dst[0] = 'q';
	CHECK_INT(cstr_copy(dst, 0, "a"), -1);
	CHECK_INT(dst[0], 'q');
}

UNIT_TEST(test_cstr_cat)
{
	char dst[6];

	CHECK_INT(cstr_copy(dst, sizeof(dst), "ab"), 0);
	CHECK_INT(cstr_cat(dst, sizeof(dst), "cd"), 0);
	CHECK_STR(dst, "abcd");
	CHECK_INT(cstr_cat(dst, sizeof(dst), ""), 0);
	CHECK_STR(dst, "abcd");
	/* Exact fit, then no room. */
	CHECK_INT(cstr_cat(dst, sizeof(dst), "e"), 0);
	CHECK_STR(dst, "abcde");
	CHECK_INT(cstr_cat(dst, sizeof(dst), "f"), -1);
	CHECK(strlen(dst) < sizeof(dst));
	CHECK_INT(cstr_copy(dst, sizeof(dst), "ab"), 0);
	CHECK_INT(cstr_cat(dst, sizeof(dst), "cdefgh"), -1);
	CHECK(memchr(dst, '\0', sizeof(dst)) != NULL);
	/* A dst with no NUL inside its size is refused, not overrun. */
	memset(dst, 'x', sizeof(dst));
	CHECK_INT(cstr_cat(dst, sizeof(dst), "a"), -1);
	CHECK_INT(cstr_cat(dst, 0, "a"), -1);
}

UNIT_TEST(test_cstr_printf)
{
	char dst[6];

	CHECK_INT(cstr_printf(dst, sizeof(dst), "%d", 123), 0);
	CHECK_STR(dst, "123");
	CHECK_INT(cstr_printf(dst, sizeof(dst), "%s", "abcde"), 0);
	CHECK_STR(dst, "abcde");
	CHECK_INT(cstr_printf(dst, sizeof(dst), "%s", "abcdef"), -1);
	CHECK(memchr(dst, '\0', sizeof(dst)) != NULL);
	CHECK_INT(cstr_printf(dst, sizeof(dst), "%s", ""), 0);
	CHECK_STR(dst, "");
	dst[0] = 'q';
	CHECK_INT(cstr_printf(dst, 0, "%s", "a"), -1);
	CHECK_INT(dst[0], 'q');
}

int
main(void)
{
	UNIT_RUN(test_from);
	UNIT_RUN(test_eq);
	UNIT_RUN(test_eq_ci);
	UNIT_RUN(test_prefix_ci);
	UNIT_RUN(test_find);
	UNIT_RUN(test_split);
	UNIT_RUN(test_trim);
	UNIT_RUN(test_head_skip);
	UNIT_RUN(test_u64);
	UNIT_RUN(test_u64_overflow);
	UNIT_RUN(test_u64_max);
	UNIT_RUN(test_u64_syntax);
	UNIT_RUN(test_octal);
	UNIT_RUN(test_copy);
	UNIT_RUN(test_cstr_copy);
	UNIT_RUN(test_cstr_cat);
	UNIT_RUN(test_cstr_printf);
	return UNIT_END();
}
