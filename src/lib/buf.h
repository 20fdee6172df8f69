/*
 * buf: a bounded byte buffer over caller-supplied memory.
 *
 * Every byte that comes from a client, and every reply that goes to one,
 * passes through a struct buf.  The capacity is fixed when the buffer is
 * set up and never grows: an operation that would overflow fails, leaves
 * the contents unchanged and sets a sticky overflow flag, so a caller may
 * build a whole reply and check once at the end.
 *
 * The struct fields are private to buf.c; other code uses the accessors.
 */
#ifndef FTPD_BUF_H
#define FTPD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*priv_mem;	/* storage, priv_cap bytes */
	size_t	 priv_len;	/* bytes in use */
	size_t	 priv_cap;	/* hard maximum */
	int	 priv_overflow;	/* an operation did not fit */
};

/* Declare a buffer with inline storage: BUF_DECLARE(b, 512); */
#define BUF_DECLARE(name, size)					\
	uint8_t name##_mem[(size)];				\
	struct buf name = { name##_mem, 0, (size), 0 }

void	 buf_init(struct buf *, void *mem, size_t cap);
void	 buf_reset(struct buf *);

size_t	 buf_len(const struct buf *);
size_t	 buf_cap(const struct buf *);
size_t	 buf_room(const struct buf *);
int	 buf_overflowed(const struct buf *);
const uint8_t	*buf_data(const struct buf *);

/* Appenders: 0 on success, -1 (and the overflow flag) if it did not fit. */
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addc(struct buf *, uint8_t);
int	 buf_adds(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * A decimal number in at least width columns: right-aligned with
 * spaces (width > 0), left-aligned (width < 0), or zero-filled
 * (zero set, right-aligned); what printf's %*ju, %-*ju and %0*ju do,
 * without printf's cost in a 10,000-line listing.
 */
int	 buf_add_uint(struct buf *, uintmax_t, int width, int zero);

/* Drop n bytes from the front (all of them if n >= len). */
void	 buf_consume(struct buf *, size_t n);
/* Keep only the first n bytes. */
void	 buf_truncate(struct buf *, size_t n);

/*
 * Writable space at the end, for read(2): buf_tail() points at buf_room()
 * free bytes, buf_commit() records that n of them were filled.
 */
uint8_t	*buf_tail(struct buf *);
int	 buf_commit(struct buf *, size_t n);

/* Index of the first byte c at or after 'from', or -1. */
ptrdiff_t buf_find(const struct buf *, uint8_t c, size_t from);

/*
 * Copy the contents out as a NUL-terminated C string into dst[dstsize].
 * Returns 0, or -1 if it does not fit or the contents hold a NUL byte
 * (dst is then set to the empty string).
 */
int	 buf_cstr(const struct buf *, char *dst, size_t dstsize);

#endif
