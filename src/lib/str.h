/*
 * str: read-only views ("slices") of text, and bounded C-string helpers.
 *
 * A struct str never owns memory and is never assumed NUL-terminated;
 * every function here takes explicit lengths, so parsing client input
 * needs no pointer arithmetic outside this file.
 */
#ifndef FTPD_STR_H
#define FTPD_STR_H

#include <stddef.h>
#include <stdint.h>

struct str {
	const char	*p;
	size_t		 len;
};

#define STR_NULL	((struct str){ NULL, 0 })

struct str	 str_from(const char *p, size_t len);
struct str	 str_cstr(const char *);		/* view of a C string */

int	 str_empty(struct str);
int	 str_eq(struct str, const char *);		/* exact */
int	 str_eq_ci(struct str, const char *);		/* ASCII case-folded */
int	 str_prefix_ci(struct str, const char *);

/* Result of a search: found or not, and where. */
struct str_pos {
	int	 found;
	size_t	 at;
};
struct str_pos	 str_find(struct str, char c);

/* Split at the first c: head gets what precedes, tail what follows. */
int	 str_split(struct str s, char c, struct str *head, struct str *tail);
/* Trim ASCII spaces and tabs on both ends. */
struct str	 str_trim(struct str);
/* The first n bytes / everything after the first n bytes (clamped). */
struct str	 str_head(struct str, size_t n);
struct str	 str_skip(struct str, size_t n);

/*
 * Parse an unsigned decimal number that fills the whole slice, no sign,
 * no spaces, at most max.  0 on success, -1 otherwise.
 */
int	 str_to_u64(struct str, uint64_t max, uint64_t *out);
/* The same in octal. */
int	 str_to_octal(struct str, uint64_t max, uint64_t *out);

/*
 * Copy into dst[dstsize] as a C string.  -1 (and dst = "") if it does
 * not fit or contains a NUL byte.
 */
int	 str_copy(struct str, char *dst, size_t dstsize);

/* Bounded C-string copy and concatenation: -1 if truncated. */
int	 cstr_copy(char *dst, size_t dstsize, const char *src);
int	 cstr_cat(char *dst, size_t dstsize, const char *src);
/* snprintf that reports truncation as -1. */
int	 cstr_printf(char *dst, size_t dstsize, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
