/*
 * str.c: text slices and bounded C-string helpers.  See str.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "str.h"

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

struct str
str_from(const char *p, size_t len)
{
	struct str s = { p, len };

	if (p == NULL)
		s.len = 0;
	return s;
}

struct str
str_cstr(const char *p)
{
	return str_from(p, p == NULL ? 0 : strlen(p));
}

int
str_empty(struct str s)
{
	return s.len == 0;
}

int
str_eq(struct str s, const char *c)
{
	size_t n = strlen(c);

	return s.len == n && (n == 0 || memcmp(s.p, c, n) == 0);
}

int
str_eq_ci(struct str s, const char *c)
{
	size_t i, n = strlen(c);

	if (s.len != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s.p[i]) != lower((unsigned char)c[i]))
			return 0;
	return 1;
}

int
str_prefix_ci(struct str s, const char *c)
{
	size_t n = strlen(c);

	return s.len >= n && str_eq_ci(str_head(s, n), c);
}

struct str_pos
str_find(struct str s, char c)
{
	struct str_pos r = { 0, 0 };
	const char *p;

	if (s.len == 0)
		return r;
	p = memchr(s.p, c, s.len);
	if (p != NULL) {
		r.found = 1;
		r.at = (size_t)(p - s.p);
	}
	return r;
}

int
str_split(struct str s, char c, struct str *head, struct str *tail)
{
	struct str_pos pos = str_find(s, c);

	if (!pos.found) {
		*head = s;
		*tail = str_from(NULL, 0);
		return 0;
	}
	*head = str_head(s, pos.at);
	*tail = str_skip(s, pos.at + 1);
	return 1;
}

struct str
str_head(struct str s, size_t n)
{
	if (n < s.len)
		s.len = n;
	return s;
}

struct str
str_skip(struct str s, size_t n)
{
	if (n >= s.len)
		return str_from(s.p == NULL ? NULL : s.p + s.len, 0);
	return str_from(s.p + n, s.len - n);
}

struct str
str_trim(struct str s)
{
	size_t a = 0, b = s.len;

	if (s.len == 0)
		return s;
	while (a < b && (s.p[a] == ' ' || s.p[a] == '\t'))
		a++;
	while (b > a && (s.p[b - 1] == ' ' || s.p[b - 1] == '\t'))
		b--;
	return str_from(s.p + a, b - a);
}

static int
parse_base(struct str s, unsigned base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0)
		return -1;
	for (i = 0; i < s.len; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		d = (unsigned)(s.p[i] - '0');
		if (d >= base)
			return -1;
		/* v * base + d <= max, without overflowing on the way. */
		if (d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int
str_to_u64(struct str s, uint64_t max, uint64_t *out)
{
	return parse_base(s, 10, max, out);
}

int
str_to_octal(struct str s, uint64_t max, uint64_t *out)
{
	return parse_base(s, 8, max, out);
}

int
str_copy(struct str s, char *dst, size_t dstsize)
{
	if (dstsize == 0)
		return -1;
	if (s.len >= dstsize || (s.len > 0 && memchr(s.p, '\0', s.len))) {
		dst[0] = '\0';
		return -1;
	}
	if (s.len > 0)
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

int
cstr_copy(char *dst, size_t dstsize, const char *src)
{
	size_t n = strlen(src);

	if (dstsize == 0)
		return -1;
	if (n >= dstsize) {
		memcpy(dst, src, dstsize - 1);
		dst[dstsize - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int
cstr_cat(char *dst, size_t dstsize, const char *src)
{
	size_t have = strnlen(dst, dstsize);

	if (have == dstsize)
		return -1;
	return cstr_copy(dst + have, dstsize - have, src);
}

int
cstr_printf(char *dst, size_t dstsize, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (dstsize == 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(dst, dstsize, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= dstsize) ? -1 : 0;
}
