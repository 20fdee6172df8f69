/* fuzz-srcs: src/ftp/addr.c src/lib/buf.c src/lib/str.c */
/*
 * fuzz_addr.c: the PORT, LPRT, EPRT and EPSV argument parsers.
 *
 * The whole input goes to every parser.  A failure must leave the output
 * untouched and return a known code; a success must give a complete
 * address with a non-zero port, whose reply text (PASV, LPSV) or
 * canonical EPRT form parses back to the same address.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "str.h"
#include "ftp/addr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

typedef int	parse_fn(struct str, struct sockaddr_storage *, socklen_t *);

/* Run one parser; abort on a broken contract.  1 if it succeeded. */
static int
parse_checked(parse_fn *fn, struct str s, struct sockaddr_storage *ss,
    socklen_t *len, int may_af)
{
	struct sockaddr_storage canary;
	socklen_t l0 = 7;
	int r;

	memset(ss, 0x5a, sizeof(*ss));
	canary = *ss;
	*len = l0;
	r = fn(s, ss, len);
	if (r != ADDR_OK) {
		if ((r != ADDR_BAD && !(may_af && r == ADDR_AF)) ||
		    memcmp(ss, &canary, sizeof(*ss)) != 0 || *len != l0)
			abort();
		return 0;
	}
	if (ss->ss_family == AF_INET) {
		if (*len != sizeof(struct sockaddr_in))
			abort();
	} else if (ss->ss_family == AF_INET6) {
		if (*len != sizeof(struct sockaddr_in6) ||
		    ((struct sockaddr_in6 *)ss)->sin6_scope_id != 0)
			abort();
	} else
		abort();
	if (addr_port(ss) == 0 || addr_net_prt(ss) == 0)
		abort();
	return 1;
}

/* The text between the parentheses of a reply. */
static struct str
inner(const struct buf *b)
{
	struct str s = str_from((const char *)buf_data(b), buf_len(b)), head;

	if (!str_split(s, '(', &head, &s) || !str_split(s, ')', &s, &head))
		abort();
	return s;
}

static void
same_or_die(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (!addr_same_host(a, b) || !addr_same_host(b, a) ||
	    addr_port(a) != addr_port(b))
		abort();
}

static void
check_port(struct str s)
{
	struct sockaddr_storage ss, back;
	socklen_t len, blen;
	BUF_DECLARE(b, 128);

	if (!parse_checked(addr_parse_port, s, &ss, &len, 0))
		return;
	if (ss.ss_family != AF_INET || addr_fmt_pasv(&b, &ss) != 0)
		abort();
	if (!parse_checked(addr_parse_port, inner(&b), &back, &blen, 0) ||
	    memcmp(&ss, &back, sizeof(ss)) != 0)
		abort();
}

static void
check_lprt(struct str s)
{
	struct sockaddr_storage ss, back, norm;
	socklen_t len, blen;
	BUF_DECLARE(b, 256);

	if (!parse_checked(addr_parse_lprt, s, &ss, &len, 1))
		return;
	if (addr_fmt_lpsv(&b, &ss) != 0 ||
	    !parse_checked(addr_parse_lprt, inner(&b), &back, &blen, 0))
		abort();
	same_or_die(&ss, &back);
	/* LPSV shows v4-mapped as 4,4: it comes back normalized. */
	norm = ss;
	(void)addr_normalize(&norm, &len);
	if (memcmp(&norm, &back, sizeof(norm)) != 0)
		abort();
}

static void
check_eprt(struct str s)
{
	struct sockaddr_storage ss, back, fit;
	const void *a;
	char host[64], text[128];
	socklen_t len, blen;
	int af;
	BUF_DECLARE(b, 128);

	if (!parse_checked(addr_parse_eprt, s, &ss, &len, 1))
		return;
	if (ss.ss_family == AF_INET) {
		af = 1;
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	} else {
		af = 2;
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	}
	if (inet_ntop(af == 1 ? AF_INET : AF_INET6, a, host,
	    sizeof(host)) == NULL ||
	    snprintf(text, sizeof(text), "|%d|%s|%u|", af, host,
	    (unsigned)addr_port(&ss)) >= (int)sizeof(text))
		abort();
	if (!parse_checked(addr_parse_eprt, str_cstr(text), &back, &blen, 0) ||
	    memcmp(&ss, &back, sizeof(ss)) != 0)
		abort();
	if (addr_fmt_epsv(&b, &ss) != 0)
		abort();
	/* Fitting to either family keeps the host, or refuses. */
	fit = ss;
	if (addr_fit(&fit, &len, &back) != 0)
		abort();
	same_or_die(&ss, &fit);
	fit = ss;
	back = ss;
	back.ss_family = AF_INET;
	if (addr_fit(&fit, &len, &back) == 0) {
		if (fit.ss_family != AF_INET || len != sizeof(struct sockaddr_in))
			abort();
		same_or_die(&ss, &fit);
	} else if (addr_net_prt(&ss) != 2)
		abort();
}

/* HOST literals: ADDR_OK with port 0 and no scope, or untouched output. */
static void
check_host(struct str s)
{
	struct sockaddr_storage ss, canary;
	socklen_t len = 7;

	memset(&ss, 0x5a, sizeof(ss));
	canary = ss;
	if (addr_parse_host(s, &ss, &len) != ADDR_OK) {
		if (memcmp(&ss, &canary, sizeof(ss)) != 0 || len != 7)
			abort();
		return;
	}
	if (addr_port(&ss) != 0 || addr_net_prt(&ss) == 0 ||
	    (ss.ss_family == AF_INET6 &&
	    ((struct sockaddr_in6 *)&ss)->sin6_scope_id != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str s = str_from((const char *)data, size);
	enum addr_epsv e;
	int r;

	check_port(s);
	check_lprt(s);
	check_eprt(s);
	check_host(s);
	e = (enum addr_epsv)99;
	r = addr_parse_epsv(s, &e);
	if ((r == ADDR_OK && e != ADDR_EPSV_ANY && e != ADDR_EPSV_INET &&
	    e != ADDR_EPSV_INET6 && e != ADDR_EPSV_ALL) ||
	    (r != ADDR_OK && (e != (enum addr_epsv)99 ||
	    (r != ADDR_BAD && r != ADDR_AF))))
		abort();
	return 0;
}
