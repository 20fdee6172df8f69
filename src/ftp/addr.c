/*
 * addr.c: data-connection address syntax (PORT, LPRT, EPRT, EPSV) and
 * the passive-mode reply texts.  See addr.h for the contracts.
 *
 * Client text is read only through struct str; the address bytes of a
 * sockaddr are reached through one helper (host_bytes) so that IPv4,
 * IPv6 and v4-mapped are told apart in a single place.  sin_len and
 * sin6_len (BSD) are left zero: bind() and connect() take the length
 * from their argument.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "str.h"
#include "ftp/addr.h"

/* The largest address text inet_pton() is given (an IPv6 address). */
#define ADDR_TEXT_MAX	46

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Point at the host bytes of ss: 4 for IPv4 and v4-mapped, 16 for IPv6. */
static int
host_bytes(const struct sockaddr_storage *ss, const uint8_t **p, size_t *n)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		*p = (const uint8_t *)&sin->sin_addr;
		*n = 4;
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
		    (const struct sockaddr_in6 *)ss;
		const uint8_t *a = sin6->sin6_addr.s6_addr;

		if (memcmp(a, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0) {
			*p = &sin6->sin6_addr.s6_addr[12];
			*n = 4;
		} else {
			*p = a;
			*n = 16;
		}
		return 0;
	}
	return -1;
}

static void
make_in(struct sockaddr_storage *out, socklen_t *outlen, const uint8_t a[4],
    uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a, 4);
	sin->sin_port = htons(port);
	*outlen = (socklen_t)sizeof(*sin);
}

static void
make_in6(struct sockaddr_storage *out, socklen_t *outlen, const uint8_t a[16],
    uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	sin6->sin6_family = AF_INET6;
	memcpy(sin6->sin6_addr.s6_addr, a, 16);
	sin6->sin6_port = htons(port);
	*outlen = (socklen_t)sizeof(*sin6);
}

/*
 * Take the next field of a comma list off *rest: a decimal 0..255 with
 * optional blanks around it.  *more says whether a comma followed, so
 * the caller can tell "...,5" from "...,5," (a trailing empty field).
 */
static int
take_byte(struct str *rest, uint8_t *out, int *more)
{
	struct str f;
	uint64_t v;

	*more = str_split(*rest, ',', &f, rest);
	if (str_to_u64(str_trim(f), 255, &v) == -1)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static int
all_digits(struct str s)
{
	size_t i;

	if (s.len == 0)
		return 0;
	for (i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

int
addr_parse_port(struct str arg, struct sockaddr_storage *out,
    socklen_t *outlen)
{
	struct str rest = str_trim(arg);
	uint8_t v[6];
	uint16_t port;
	int i, more;

	for (i = 0; i < 6; i++) {
		if (take_byte(&rest, &v[i], &more) == -1)
			return ADDR_BAD;
		/* A comma after each of the first five, none after the last. */
		if (more != (i < 5))
			return ADDR_BAD;
	}
	port = (uint16_t)(v[4] << 8 | v[5]);
	if (port == 0)
		return ADDR_BAD;
	make_in(out, outlen, v, port);
	return ADDR_OK;
}

int
addr_parse_lprt(struct str arg, struct sockaddr_storage *out,
    socklen_t *outlen)
{
	struct str rest = str_trim(arg);
	uint8_t af, hal, pal, b, host[16] = { 0 }, pb[2] = { 0 };
	uint16_t port;
	unsigned i;
	int more;

	/* The whole list first: af, hal, hal bytes, pal, pal bytes. */
	if (take_byte(&rest, &af, &more) == -1 || !more ||
	    take_byte(&rest, &hal, &more) == -1 || !more)
		return ADDR_BAD;
	for (i = 0; i < hal; i++) {
		if (take_byte(&rest, &b, &more) == -1 || !more)
			return ADDR_BAD;
		if (i < sizeof(host))
			host[i] = b;
	}
	if (take_byte(&rest, &pal, &more) == -1 || more != (pal > 0))
		return ADDR_BAD;
	for (i = 0; i < pal; i++) {
		if (take_byte(&rest, &b, &more) == -1 || more != (i + 1 < pal))
			return ADDR_BAD;
		if (i < sizeof(pb))
			pb[i] = b;
	}
	if (af != 4 && af != 6)
		return ADDR_AF;
	if ((af == 4 && hal != 4) || (af == 6 && hal != 16) || pal != 2)
		return ADDR_BAD;
	port = (uint16_t)(pb[0] << 8 | pb[1]);
	if (port == 0)
		return ADDR_BAD;
	if (af == 4)
		make_in(out, outlen, host, port);
	else
		make_in6(out, outlen, host, port);
	return ADDR_OK;
}

int
addr_parse_eprt(struct str arg, struct sockaddr_storage *out,
    socklen_t *outlen)
{
	struct str s = str_trim(arg), af, host, portf, rest;
	char text[ADDR_TEXT_MAX];
	uint8_t a[16];
	uint64_t afn, port;
	char d;

	if (s.len < 1)
		return ADDR_BAD;
	d = s.p[0];
	if (d < 33 || d > 126)
		return ADDR_BAD;
	rest = str_skip(s, 1);
	/* Three more delimiters, the last one ending the argument. */
	if (!str_split(rest, d, &af, &rest) ||
	    !str_split(rest, d, &host, &rest) ||
	    !str_split(rest, d, &portf, &rest) || !str_empty(rest))
		return ADDR_BAD;
	if (!all_digits(af))
		return ADDR_BAD;
	/* Huge digit strings are an unknown family too, not a syntax error. */
	if (str_to_u64(af, 65535, &afn) == -1 || (afn != 1 && afn != 2))
		return ADDR_AF;
	if (str_to_u64(portf, 65535, &port) == -1 || port == 0)
		return ADDR_BAD;
	/* inet_pton wants a C string; a '%' scope is never accepted. */
	if (str_find(host, '%').found ||
	    str_copy(host, text, sizeof(text)) == -1)
		return ADDR_BAD;
	if (afn == 1) {
		if (inet_pton(AF_INET, text, a) != 1)
			return ADDR_BAD;
		make_in(out, outlen, a, (uint16_t)port);
	} else {
		if (inet_pton(AF_INET6, text, a) != 1)
			return ADDR_BAD;
		make_in6(out, outlen, a, (uint16_t)port);
	}
	return ADDR_OK;
}

int
addr_parse_host(struct str s, struct sockaddr_storage *out,
    socklen_t *outlen)
{
	char text[ADDR_TEXT_MAX];
	uint8_t a[16];

	if (str_find(s, '%').found || str_copy(s, text, sizeof(text)) == -1)
		return ADDR_BAD;
	if (inet_pton(AF_INET, text, a) == 1)
		make_in(out, outlen, a, 0);
	else if (inet_pton(AF_INET6, text, a) == 1)
		make_in6(out, outlen, a, 0);
	else
		return ADDR_BAD;
	return ADDR_OK;
}

int
addr_parse_epsv(struct str arg, enum addr_epsv *out)
{
	struct str s = str_trim(arg);
	uint64_t v;

	if (str_empty(s)) {
		*out = ADDR_EPSV_ANY;
		return ADDR_OK;
	}
	if (str_eq_ci(s, "ALL")) {
		*out = ADDR_EPSV_ALL;
		return ADDR_OK;
	}
	if (!all_digits(s))
		return ADDR_BAD;
	if (str_to_u64(s, 65535, &v) == -1 || (v != 1 && v != 2))
		return ADDR_AF;
	*out = v == 1 ? ADDR_EPSV_INET : ADDR_EPSV_INET6;
	return ADDR_OK;
}

int
addr_fmt_pasv(struct buf *b, const struct sockaddr_storage *ss)
{
	const uint8_t *h;
	size_t n;
	uint16_t port;

	if (host_bytes(ss, &h, &n) == -1 || n != 4)
		return ADDR_AF;
	port = addr_port(ss);
	/* One buf_printf: it either fits whole or leaves b unchanged. */
	return buf_printf(b, "Entering Passive Mode (%u,%u,%u,%u,%u,%u)",
	    h[0], h[1], h[2], h[3], (unsigned)(port >> 8),
	    (unsigned)(port & 0xff));
}

int
addr_fmt_lpsv(struct buf *b, const struct sockaddr_storage *ss)
{
	const uint8_t *h;
	size_t i, n, start = buf_len(b);
	uint16_t port;

	if (host_bytes(ss, &h, &n) == -1)
		return ADDR_AF;
	port = addr_port(ss);
	if (buf_printf(b, "Entering Long Passive Mode (%u,%u", n == 4 ? 4u : 6u,
	    (unsigned)n) == -1)
		goto full;
	for (i = 0; i < n; i++)
		if (buf_printf(b, ",%u", h[i]) == -1)
			goto full;
	if (buf_printf(b, ",2,%u,%u)", (unsigned)(port >> 8),
	    (unsigned)(port & 0xff)) == -1)
		goto full;
	return 0;
full:
	buf_truncate(b, start);
	return -1;
}

int
addr_fmt_epsv(struct buf *b, const struct sockaddr_storage *ss)
{
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return ADDR_AF;
	return buf_printf(b, "Entering Extended Passive Mode (|||%u|)",
	    (unsigned)addr_port(ss));
}

int
addr_normalize(struct sockaddr_storage *ss, socklen_t *len)
{
	const uint8_t *h;
	uint8_t a[4];
	size_t n;
	socklen_t l;
	uint16_t port;

	if (ss->ss_family != AF_INET6 || host_bytes(ss, &h, &n) == -1 ||
	    n != 4)
		return 0;
	memcpy(a, h, 4);	/* h points into *ss, which is rewritten */
	port = addr_port(ss);
	make_in(ss, &l, a, port);
	if (len != NULL)
		*len = l;
	return 1;
}

int
addr_fit(struct sockaddr_storage *ss, socklen_t *len,
    const struct sockaddr_storage *ref)
{
	struct sockaddr_in6 *sin6;
	const struct sockaddr_in6 *rsin6;
	const uint8_t *h;
	uint8_t a[16];
	size_t n;
	socklen_t l;
	uint16_t port;

	if (host_bytes(ss, &h, &n) == -1 ||
	    (ref->ss_family != AF_INET && ref->ss_family != AF_INET6))
		return ADDR_AF;
	port = addr_port(ss);
	if (ref->ss_family == AF_INET) {
		if (n != 4)
			return ADDR_AF;
		(void)addr_normalize(ss, len);
		if (len != NULL)
			*len = (socklen_t)sizeof(struct sockaddr_in);
		return 0;
	}
	if (ss->ss_family == AF_INET) {
		memcpy(a, v4mapped_prefix, 12);
		memcpy(a + 12, h, 4);
		make_in6(ss, &l, a, port);
		if (len != NULL)
			*len = l;
		return 0;
	}
	/* Both IPv6: a link-local target is on the control connection's link. */
	sin6 = (struct sockaddr_in6 *)ss;
	rsin6 = (const struct sockaddr_in6 *)ref;
	if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) && sin6->sin6_scope_id == 0)
		sin6->sin6_scope_id = rsin6->sin6_scope_id;
	if (len != NULL)
		*len = (socklen_t)sizeof(*sin6);
	return 0;
}

int
addr_same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const uint8_t *pa, *pb;
	size_t na, nb;

	if (host_bytes(a, &pa, &na) == -1 || host_bytes(b, &pb, &nb) == -1)
		return 0;
	return na == nb && memcmp(pa, pb, na) == 0;
}

int
addr_net_prt(const struct sockaddr_storage *ss)
{
	const uint8_t *h;
	size_t n;

	if (host_bytes(ss, &h, &n) == -1)
		return 0;
	return n == 4 ? 1 : 2;
}

uint16_t
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

int
addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		return -1;
	return 0;
}

int
addr_ntop(const struct sockaddr_storage *ss, char *dst, size_t dstsize)
{
	const uint8_t *h;
	size_t n;

	if (dstsize == 0)
		return -1;
	dst[0] = '\0';
	if (host_bytes(ss, &h, &n) == -1)
		return -1;
	/* socklen_t may be narrower than size_t; no text needs more. */
	if (dstsize > ADDR_TEXT_MAX)
		dstsize = ADDR_TEXT_MAX;
	if (inet_ntop(n == 4 ? AF_INET : AF_INET6, h, dst,
	    (socklen_t)dstsize) == NULL) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}
