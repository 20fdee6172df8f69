/*
 * buf.c: bounded byte buffers.  See buf.h for the contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, void *mem, size_t cap)
{
	b->priv_mem = mem;
	b->priv_len = 0;
	b->priv_cap = cap;
	b->priv_overflow = 0;
}

void
buf_reset(struct buf *b)
{
	b->priv_len = 0;
	b->priv_overflow = 0;
}

size_t
buf_len(const struct buf *b)
{
	return b->priv_len;
}

size_t
buf_cap(const struct buf *b)
{
	return b->priv_cap;
}

size_t
buf_room(const struct buf *b)
{
	return b->priv_cap - b->priv_len;
}

int
buf_overflowed(const struct buf *b)
{
	return b->priv_overflow;
}

const uint8_t *
buf_data(const struct buf *b)
{
	return b->priv_mem;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n > buf_room(b)) {
		b->priv_overflow = 1;
		return -1;
	}
	if (n > 0)
		memcpy(b->priv_mem + b->priv_len, p, n);
	b->priv_len += n;
	return 0;
}

int
buf_add_uint(struct buf *b, uintmax_t v, int width, int zero)
{
	char tmp[24];
	size_t n = 0, w, pad;
	int left = width < 0;

	w = (size_t)(left ? -(width + 1) + 1 : width);
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < sizeof(tmp));
	pad = w > n ? w - n : 0;
	if (pad > buf_room(b) || n > buf_room(b) - pad) {
		b->priv_overflow = 1;
		return -1;
	}
	if (!left) {
		memset(b->priv_mem + b->priv_len, zero ? '0' : ' ', pad);
		b->priv_len += pad;
	}
	memcpy(b->priv_mem + b->priv_len, tmp + sizeof(tmp) - n, n);
	b->priv_len += n;
	if (left) {
		memset(b->priv_mem + b->priv_len, ' ', pad);
		b->priv_len += pad;
	}
	return 0;
}

int
buf_addc(struct buf *b, uint8_t c)
{
	return buf_add(b, &c, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	size_t room = buf_room(b);
	va_list ap2;
	char *tmp;
	int n;

	/* Measure first: the result must fit without vsnprintf's NUL. */
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (size_t)n > room) {
		b->priv_overflow = 1;
		return -1;
	}
	if ((size_t)n < room) {
		(void)vsnprintf((char *)b->priv_mem + b->priv_len, room, fmt, ap);
	} else {
		/* An exact fit: format aside, copy without the NUL. */
		if ((tmp = malloc((size_t)n + 1)) == NULL) {
			b->priv_overflow = 1;
			return -1;
		}
		(void)vsnprintf(tmp, (size_t)n + 1, fmt, ap);
		memcpy(b->priv_mem + b->priv_len, tmp, (size_t)n);
		free(tmp);
	}
	b->priv_len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->priv_len) {
		b->priv_len = 0;
		return;
	}
	memmove(b->priv_mem, b->priv_mem + n, b->priv_len - n);
	b->priv_len -= n;
}

void
buf_truncate(struct buf *b, size_t n)
{
	if (n < b->priv_len)
		b->priv_len = n;
}

uint8_t *
buf_tail(struct buf *b)
{
	return b->priv_mem + b->priv_len;
}

int
buf_commit(struct buf *b, size_t n)
{
	if (n > buf_room(b)) {
		b->priv_overflow = 1;
		return -1;
	}
	b->priv_len += n;
	return 0;
}

ptrdiff_t
buf_find(const struct buf *b, uint8_t c, size_t from)
{
	const uint8_t *p;

	if (from >= b->priv_len)
		return -1;
	p = memchr(b->priv_mem + from, c, b->priv_len - from);
	return p == NULL ? -1 : p - b->priv_mem;
}

int
buf_cstr(const struct buf *b, char *dst, size_t dstsize)
{
	if (dstsize == 0)
		return -1;
	if (b->priv_len >= dstsize ||
	    memchr(b->priv_mem, '\0', b->priv_len) != NULL) {
		dst[0] = '\0';
		return -1;
	}
	memcpy(dst, b->priv_mem, b->priv_len);
	dst[b->priv_len] = '\0';
	return 0;
}
