/*
 * test_addr.c: unit tests for the data-connection address syntax
 * (src/ftp/addr.c): PORT, LPRT, EPRT and EPSV arguments with every kind
 * of syntax error and their boundary values, the PASV/LPSV/EPSV reply
 * texts, and the v4-mapped helpers.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "buf.h"
#include "str.h"
#include "ftp/addr.h"

typedef int	parse_fn(struct str, struct sockaddr_storage *, socklen_t *);

/* "host port" of ss, or "?" (a static buffer: one use per statement). */
static const char *
show(const struct sockaddr_storage *ss)
{
	static char out[80];
	char host[64];

	if (addr_ntop(ss, host, sizeof(host)) == -1)
		return "?";
	(void)snprintf(out, sizeof(out), "%s%s %u",
	    ss->ss_family == AF_INET6 ? "6:" : "4:", host,
	    (unsigned)addr_port(ss));
	return out;
}

/*
 * Parse text with fn; on success return show() of the result after
 * checking the length matches the family, else "ERR<code>".  The output
 * must be untouched on failure.
 */
static const char *
run(parse_fn *fn, const char *text)
{
	static char err[16];
	struct sockaddr_storage ss, canary;
	socklen_t len = 12345;
	int r;

	memset(&ss, 0xa5, sizeof(ss));
	canary = ss;
	r = fn(str_cstr(text), &ss, &len);
	if (r != ADDR_OK) {
		if (memcmp(&ss, &canary, sizeof(ss)) != 0 || len != 12345)
			return "CLOBBERED";
		(void)snprintf(err, sizeof(err), "ERR%d", r);
		return err;
	}
	if (ss.ss_family == AF_INET && len != sizeof(struct sockaddr_in))
		return "BADLEN";
	if (ss.ss_family == AF_INET6 && len != sizeof(struct sockaddr_in6))
		return "BADLEN";
	return show(&ss);
}

static struct sockaddr_storage
mk(const char *host, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	}
	return ss;
}

static struct sockaddr_storage
mk_unix(void)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	return ss;
}

/* Format with fn into a 256-byte buffer; the text, or "ERR<code>". */
static const char *
fmt(int (*fn)(struct buf *, const struct sockaddr_storage *),
    struct sockaddr_storage ss)
{
	static char out[256];
	BUF_DECLARE(b, 255);
	int r;

	r = fn(&b, &ss);
	if (r != 0) {
		if (buf_len(&b) != 0)
			return "DIRTY";
		(void)snprintf(out, sizeof(out), "ERR%d", r);
		return out;
	}
	if (buf_cstr(&b, out, sizeof(out)) == -1)
		return "CSTR";
	return out;
}

/* ---- PORT ---- */

UNIT_TEST(test_port_ok)
{
	CHECK_STR(run(addr_parse_port, "127,0,0,1,4,1"), "4:127.0.0.1 1025");
	CHECK_STR(run(addr_parse_port, "192,168,1,20,195,80"),
	    "4:192.168.1.20 50000");
	/* Boundaries: every field 0 and 255, ports 1 and 65535. */
	CHECK_STR(run(addr_parse_port, "0,0,0,0,0,1"), "4:0.0.0.0 1");
	CHECK_STR(run(addr_parse_port, "255,255,255,255,255,255"),
	    "4:255.255.255.255 65535");
	CHECK_STR(run(addr_parse_port, "1,2,3,4,1,0"), "4:1.2.3.4 256");
	/* Decimal even with a leading zero (inet_aton would say octal). */
	CHECK_STR(run(addr_parse_port, "010,0,0,01,000,021"),
	    "4:10.0.0.1 21");
	/* Blanks around numbers and around the argument are tolerated. */
	CHECK_STR(run(addr_parse_port, " 10, 0 ,0,1 ,4,\t1 "),
	    "4:10.0.0.1 1025");
}

UNIT_TEST(test_port_bad)
{
	static const char *bad[] = {
		"", " ", ",", ",,,,,",
		"1,2,3,4,5",			/* five numbers */
		"1,2,3,4,5,6,7",		/* seven */
		"1,2,3,4,5,6,",			/* trailing comma */
		",1,2,3,4,5,6",			/* leading comma */
		"1,2,,3,4,5",			/* empty field */
		"1,2,3,4,5, ",			/* blank last field */
		"256,0,0,1,4,1",		/* BSD would wrap; we refuse */
		"1,2,3,4,256,1",
		"1,2,3,4,1,256",
		"1,2,3,4,1,1000",
		"99999999999999999999999,0,0,1,4,1",
		"-1,2,3,4,5,6", "+1,2,3,4,5,6",
		"1,2,3,4,5,-6",
		"0x1,2,3,4,5,6",
		"1.2.3.4,5,6",
		"1 2,3,4,5,6,7",		/* blank inside a number */
		"1;2;3;4;5;6",
		"a,b,c,d,e,f",
		"1,2,3,4,0,0",			/* port 0 */
		"1,2,3,4,5,6x",
		"(1,2,3,4,5,6)",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *r = run(addr_parse_port, bad[i]);

		if (strcmp(r, "ERR-1") != 0) {
			fprintf(stderr, "PORT \"%s\" -> %s\n", bad[i], r);
			CHECK(0);
		}
	}
}

UNIT_TEST(test_port_nul)
{
	struct sockaddr_storage ss;
	socklen_t len;
	static const char t[] = "1,2,3,4,5,6\0" "7";

	/* A NUL inside the slice is just a bad byte. */
	CHECK_INT(addr_parse_port(str_from(t, sizeof(t) - 1), &ss, &len),
	    ADDR_BAD);
	CHECK_INT(addr_parse_port(str_from("1,2\0,3,4,5,6", 12), &ss, &len),
	    ADDR_BAD);
	/* Only the slice counts, not what follows it. */
	CHECK_INT(addr_parse_port(str_from("1,2,3,4,5,6,7", 11), &ss, &len),
	    ADDR_OK);
	CHECK_STR(show(&ss), "4:1.2.3.4 1286");
}

/* ---- EPRT ---- */

UNIT_TEST(test_eprt_ok)
{
	/* The examples of RFC 2428. */
	CHECK_STR(run(addr_parse_eprt, "|1|132.235.1.2|6275|"),
	    "4:132.235.1.2 6275");
	CHECK_STR(run(addr_parse_eprt, "|2|1080::8:800:200C:417A|5282|"),
	    "6:1080::8:800:200c:417a 5282");
	/* Port boundaries. */
	CHECK_STR(run(addr_parse_eprt, "|1|10.0.0.1|1|"), "4:10.0.0.1 1");
	CHECK_STR(run(addr_parse_eprt, "|1|10.0.0.1|65535|"),
	    "4:10.0.0.1 65535");
	CHECK_STR(run(addr_parse_eprt, "|1|10.0.0.1|00021|"), "4:10.0.0.1 21");
	/* Blanks around the whole argument. */
	CHECK_STR(run(addr_parse_eprt, "  |1|10.0.0.1|21|\t"), "4:10.0.0.1 21");
	CHECK_STR(run(addr_parse_eprt, "|2|::1|2121|"), "6:::1 2121");
	CHECK_STR(run(addr_parse_eprt, "|2|::|21|"), "6::: 21");
	CHECK_STR(run(addr_parse_eprt, "|01|10.0.0.1|21|"), "4:10.0.0.1 21");
}

UNIT_TEST(test_eprt_delimiters)
{
	/* Any byte 33..126 may delimit, as long as it is the same one. */
	CHECK_STR(run(addr_parse_eprt, "!1!10.0.0.1!21!"), "4:10.0.0.1 21");
	CHECK_STR(run(addr_parse_eprt, "#2#::1#21#"), "6:::1 21");
	CHECK_STR(run(addr_parse_eprt, "~1~10.0.0.1~21~"), "4:10.0.0.1 21");
	CHECK_STR(run(addr_parse_eprt, "$2$fe80::1$21$"), "6:fe80::1 21");
	/* '%' as the delimiter: fine, there is no scope in the field. */
	CHECK_STR(run(addr_parse_eprt, "%2%fe80::1%21%"), "6:fe80::1 21");
	/* ':' delimits IPv4 well but splits an IPv6 address. */
	CHECK_STR(run(addr_parse_eprt, ":1:10.0.0.1:21:"), "4:10.0.0.1 21");
	CHECK_STR(run(addr_parse_eprt, ":2:::1:21:"), "ERR-1");
	/* '.' splits an IPv4 address, a digit the af. */
	CHECK_STR(run(addr_parse_eprt, ".1.10.0.0.1.21."), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "1110.0.0.11211"), "ERR-1");
	/* Out of 33..126: space (trimmed away), DEL, 8-bit, control. */
	CHECK_STR(run(addr_parse_eprt, " 1 10.0.0.1 21 "), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "\x7f" "1\x7f" "10.0.0.1\x7f" "21\x7f"),
	    "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "\xc3" "1\xc3" "10.0.0.1\xc3" "21\xc3"),
	    "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "\x01" "1\x01" "10.0.0.1\x01" "21\x01"),
	    "ERR-1");
	/* Mixed delimiters. */
	CHECK_STR(run(addr_parse_eprt, "|1!10.0.0.1|21|"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "|1|10.0.0.1!21!"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "!1!10.0.0.1!21|"), "ERR-1");
}

UNIT_TEST(test_eprt_af)
{
	/* Unknown families: 522, even if the rest is odd. */
	CHECK_STR(run(addr_parse_eprt, "|3|10.0.0.1|21|"), "ERR-2");
	CHECK_STR(run(addr_parse_eprt, "|0|10.0.0.1|21|"), "ERR-2");
	CHECK_STR(run(addr_parse_eprt, "|6|::1|21|"), "ERR-2");
	CHECK_STR(run(addr_parse_eprt, "|3|junk|0|"), "ERR-2");
	CHECK_STR(run(addr_parse_eprt, "|65536|10.0.0.1|21|"), "ERR-2");
	CHECK_STR(run(addr_parse_eprt,
	    "|99999999999999999999999999|10.0.0.1|21|"), "ERR-2");
	/* A family that is not a number is a syntax error. */
	CHECK_STR(run(addr_parse_eprt, "||10.0.0.1|21|"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "|x|10.0.0.1|21|"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "|-1|10.0.0.1|21|"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "| 1|10.0.0.1|21|"), "ERR-1");
	CHECK_STR(run(addr_parse_eprt, "|1 |10.0.0.1|21|"), "ERR-1");
	/* But the structure is checked first. */
	CHECK_STR(run(addr_parse_eprt, "|3|10.0.0.1|21"), "ERR-1");
}

UNIT_TEST(test_eprt_bad)
{
	static const char *bad[] = {
		"", "|", "||", "|||", "||||", "|||||",
		"|1|10.0.0.1|21",		/* no closing delimiter */
		"|1|10.0.0.1|",			/* no port */
		"|1|10.0.0.1|21||",		/* one too many */
		"|1|10.0.0.1|21|x",		/* trailing text */
		"|1|10.0.0.1|21| x",
		"x|1|10.0.0.1|21|",
		"|1||21|",			/* empty address */
		"|1|10.0.0.1||",		/* empty port */
		"|1|10.0.0.1|0|",		/* port 0 */
		"|1|10.0.0.1|65536|",
		"|1|10.0.0.1|99999999999999999999|",
		"|1|10.0.0.1|-21|",
		"|1|10.0.0.1|+21|",
		"|1|10.0.0.1|0x15|",
		"|1|10.0.0.1| 21|",
		"|1|10.0.0.1|21 |",
		"|1| 10.0.0.1|21|",
		"|1|10.0.0.1 |21|",
		"|1|10.0.0|21|",
		"|1|10.0.0.1.5|21|",
		"|1|256.0.0.1|21|",
		"|1|10.0.0.01|21|",		/* inet_pton: no leading 0 */
		"|1|::1|21|",			/* af 1, IPv6 text */
		"|1|::ffff:10.0.0.1|21|",
		"|1|localhost|21|",
		"|2|10.0.0.1|21|",		/* af 2, IPv4 text */
		"|2|fe80::1%eth0|21|",		/* scope ids refused */
		"|2|fe80::1%1|21|",
		"|2|::1%|21|",
		"|2|[::1]|21|",
		"|2|1:2:3:4:5:6:7:8:9|21|",
		"|2|12345::1|21|",
		"|2|:::|21|",
		"|2|0000:0000:0000:0000:0000:0000:0000:0000:0|21|",
		/* Longer than any address text. */
		"|2|0000:0000:0000:0000:0000:ffff:255.255.255.255:0|21|",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *r = run(addr_parse_eprt, bad[i]);

		if (strcmp(r, "ERR-1") != 0) {
			fprintf(stderr, "EPRT \"%s\" -> %s\n", bad[i], r);
			CHECK(0);
		}
	}
}

UNIT_TEST(test_eprt_v4mapped)
{
	struct sockaddr_storage ss;
	socklen_t len;

	CHECK_INT(addr_parse_eprt(str_cstr("|2|::ffff:10.1.2.3|5000|"), &ss,
	    &len), ADDR_OK);
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(len, sizeof(struct sockaddr_in6));
	CHECK_INT(addr_net_prt(&ss), 1);
	CHECK_INT(addr_normalize(&ss, &len), 1);
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(len, sizeof(struct sockaddr_in));
	CHECK_STR(show(&ss), "4:10.1.2.3 5000");
	/* Also in full and upper case. */
	CHECK_STR(run(addr_parse_eprt, "|2|0:0:0:0:0:FFFF:0A01:0203|5000|"),
	    "6:10.1.2.3 5000");
	/* Scope ids never come back from the parser. */
	CHECK_INT(addr_parse_eprt(str_cstr("|2|fe80::1|21|"), &ss, &len),
	    ADDR_OK);
	CHECK_INT(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 0);
}

/* ---- LPRT ---- */

UNIT_TEST(test_host_literal)
{
	CHECK_STR(run(addr_parse_host, "192.0.2.1"), "4:192.0.2.1 0");
	CHECK_STR(run(addr_parse_host, "2001:db8::1"), "6:2001:db8::1 0");
	CHECK_STR(run(addr_parse_host, "::ffff:10.1.2.3"),
	    "6:10.1.2.3 0");
	CHECK_STR(run(addr_parse_host, "ftp.example.org"), "ERR-1");
	CHECK_STR(run(addr_parse_host, "fe80::1%eth0"), "ERR-1");
	CHECK_STR(run(addr_parse_host, "256.1.1.1"), "ERR-1");
	CHECK_STR(run(addr_parse_host, ""), "ERR-1");
	CHECK_STR(run(addr_parse_host,
	    "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb"), "ERR-1");
}

UNIT_TEST(test_lprt_ok)
{
	CHECK_STR(run(addr_parse_lprt, "4,4,127,0,0,1,2,4,1"),
	    "4:127.0.0.1 1025");
	CHECK_STR(run(addr_parse_lprt, "4,4,255,255,255,255,2,255,255"),
	    "4:255.255.255.255 65535");
	CHECK_STR(run(addr_parse_lprt, "4,4,0,0,0,0,2,0,1"), "4:0.0.0.0 1");
	CHECK_STR(run(addr_parse_lprt,
	    "6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,8,72"), "6:::1 2120");
	CHECK_STR(run(addr_parse_lprt,
	    "6,16,254,128,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21"),
	    "6:fe80::1 21");
	/* v4-mapped stays IPv6 (addr_normalize() maps it). */
	CHECK_STR(run(addr_parse_lprt,
	    "6,16,0,0,0,0,0,0,0,0,0,0,255,255,10,0,0,1,2,0,21"),
	    "6:10.0.0.1 21");
	CHECK_STR(run(addr_parse_lprt, " 4, 4, 10,0,0,1, 2, 0,21 "),
	    "4:10.0.0.1 21");
	CHECK_STR(run(addr_parse_lprt, "04,004,10,0,0,1,02,0,21"),
	    "4:10.0.0.1 21");
}

UNIT_TEST(test_lprt_af)
{
	/* Well-formed lists with another family: 521. */
	CHECK_STR(run(addr_parse_lprt, "5,4,1,2,3,4,2,0,21"), "ERR-2");
	CHECK_STR(run(addr_parse_lprt, "0,4,1,2,3,4,2,0,21"), "ERR-2");
	CHECK_STR(run(addr_parse_lprt, "99,0,0"), "ERR-2");
	CHECK_STR(run(addr_parse_lprt, "255,1,7,3,1,2,3"), "ERR-2");
	/* A broken list is a syntax error whatever the family. */
	CHECK_STR(run(addr_parse_lprt, "5,4,1,2,3,4,2,0"), "ERR-1");
	CHECK_STR(run(addr_parse_lprt, "5,4,1,2,3"), "ERR-1");
	CHECK_STR(run(addr_parse_lprt, "256,0,0"), "ERR-1");
}

UNIT_TEST(test_lprt_bad)
{
	static const char *bad[] = {
		"", "4", "4,", "4,4", "4,4,",
		"4,4,1,2,3,4",			/* no pal */
		"4,4,1,2,3,4,2",		/* no port bytes */
		"4,4,1,2,3,4,2,0",		/* one port byte */
		"4,4,1,2,3,4,2,0,21,",		/* trailing comma */
		"4,4,1,2,3,4,2,0,21,5",		/* one too many */
		"4,4,1,2,3,4,2,,21",
		"4,4,1,2,3,2,0,21",		/* three host bytes */
		"4,3,1,2,3,2,0,21",		/* hal 3 */
		"4,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21",
		"6,4,1,2,3,4,2,0,21",		/* hal 4 for IPv6 */
		"6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21",	/* 15 bytes */
		"4,4,1,2,3,4,3,0,0,21",		/* pal 3 */
		"4,4,1,2,3,4,1,21",		/* pal 1 */
		"4,4,1,2,3,4,0",		/* pal 0 */
		"4,4,1,2,3,4,2,0,0",		/* port 0 */
		"4,4,256,2,3,4,2,0,21",
		"4,4,1,2,3,4,2,0,256",
		"4,4,1,2,3,4,2,0,-1",
		"4,4,1.2.3.4,2,0,21",
		"4;4;1;2;3;4;2;0;21",
		"4,4,1,2,3,4,2,0,21x",
		"x,4,1,2,3,4,2,0,21",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *r = run(addr_parse_lprt, bad[i]);

		if (strcmp(r, "ERR-1") != 0) {
			fprintf(stderr, "LPRT \"%s\" -> %s\n", bad[i], r);
			CHECK(0);
		}
	}
}

/* ---- EPSV argument ---- */

UNIT_TEST(test_epsv_arg)
{
	enum addr_epsv e = ADDR_EPSV_ALL;

	CHECK_INT(addr_parse_epsv(str_cstr(""), &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_ANY);
	CHECK_INT(addr_parse_epsv(STR_NULL, &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_ANY);
	CHECK_INT(addr_parse_epsv(str_cstr("1"), &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_INET);
	CHECK_INT(addr_parse_epsv(str_cstr(" 2 "), &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_INET6);
	CHECK_INT(addr_parse_epsv(str_cstr("ALL"), &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_ALL);
	e = ADDR_EPSV_ANY;
	CHECK_INT(addr_parse_epsv(str_cstr("aLl"), &e), ADDR_OK);
	CHECK_INT(e, ADDR_EPSV_ALL);
	e = ADDR_EPSV_ANY;
	CHECK_INT(addr_parse_epsv(str_cstr("3"), &e), ADDR_AF);
	CHECK_INT(addr_parse_epsv(str_cstr("0"), &e), ADDR_AF);
	CHECK_INT(addr_parse_epsv(str_cstr("99999999999999999999999"), &e),
	    ADDR_AF);
	CHECK_INT(addr_parse_epsv(str_cstr("x"), &e), ADDR_BAD);
	CHECK_INT(addr_parse_epsv(str_cstr("AL"), &e), ADDR_BAD);
	CHECK_INT(addr_parse_epsv(str_cstr("ALL 1"), &e), ADDR_BAD);
	CHECK_INT(addr_parse_epsv(str_cstr("1 2"), &e), ADDR_BAD);
	CHECK_INT(addr_parse_epsv(str_cstr("-1"), &e), ADDR_BAD);
	CHECK_INT(e, ADDR_EPSV_ANY);	/* untouched by the failures */
}

/* ---- reply texts ---- */

UNIT_TEST(test_fmt_pasv)
{
	CHECK_STR(fmt(addr_fmt_pasv, mk("127.0.0.1", 1025)),
	    "Entering Passive Mode (127,0,0,1,4,1)");
	CHECK_STR(fmt(addr_fmt_pasv, mk("255.255.255.255", 65535)),
	    "Entering Passive Mode (255,255,255,255,255,255)");
	CHECK_STR(fmt(addr_fmt_pasv, mk("0.0.0.0", 0)),
	    "Entering Passive Mode (0,0,0,0,0,0)");
	CHECK_STR(fmt(addr_fmt_pasv, mk("::ffff:10.1.2.3", 50000)),
	    "Entering Passive Mode (10,1,2,3,195,80)");
	CHECK_STR(fmt(addr_fmt_pasv, mk("::1", 50000)), "ERR-2");
	CHECK_STR(fmt(addr_fmt_pasv, mk("::fffe:10.1.2.3", 50000)), "ERR-2");
	CHECK_STR(fmt(addr_fmt_pasv, mk_unix()), "ERR-2");
}

UNIT_TEST(test_fmt_lpsv)
{
	CHECK_STR(fmt(addr_fmt_lpsv, mk("127.0.0.1", 1025)),
	    "Entering Long Passive Mode (4,4,127,0,0,1,2,4,1)");
	CHECK_STR(fmt(addr_fmt_lpsv, mk("::ffff:10.1.2.3", 50000)),
	    "Entering Long Passive Mode (4,4,10,1,2,3,2,195,80)");
	CHECK_STR(fmt(addr_fmt_lpsv, mk("::1", 21)),
	    "Entering Long Passive Mode "
	    "(6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21)");
	CHECK_STR(fmt(addr_fmt_lpsv, mk("fe80::ff:1", 65535)),
	    "Entering Long Passive Mode "
	    "(6,16,254,128,0,0,0,0,0,0,0,0,0,0,0,255,0,1,2,255,255)");
	CHECK_STR(fmt(addr_fmt_lpsv, mk_unix()), "ERR-2");
}

UNIT_TEST(test_fmt_epsv)
{
	CHECK_STR(fmt(addr_fmt_epsv, mk("127.0.0.1", 1025)),
	    "Entering Extended Passive Mode (|||1025|)");
	CHECK_STR(fmt(addr_fmt_epsv, mk("::1", 65535)),
	    "Entering Extended Passive Mode (|||65535|)");
	CHECK_STR(fmt(addr_fmt_epsv, mk("::ffff:1.2.3.4", 1)),
	    "Entering Extended Passive Mode (|||1|)");
	CHECK_STR(fmt(addr_fmt_epsv, mk_unix()), "ERR-2");
}

UNIT_TEST(test_fmt_full)
{
	struct sockaddr_storage v4 = mk("127.0.0.1", 1025);
	struct sockaddr_storage v6 = mk("fe80::ff:1", 65535);
	BUF_DECLARE(b, 60);
	size_t n;

	/* A reply that does not fit leaves what was there before. */
	CHECK_INT(buf_adds(&b, "xyz"), 0);
	CHECK_INT(addr_fmt_lpsv(&b, &v6), -1);
	CHECK_INT(buf_len(&b), 3);
	CHECK_INT(addr_fmt_pasv(&b, &v4), 0);
	n = buf_len(&b);
	CHECK_INT(addr_fmt_pasv(&b, &v4), -1);
	CHECK_INT(addr_fmt_epsv(&b, &v4), -1);
	CHECK_INT(buf_len(&b), n);
	/* An exact fit works. */
	{
		BUF_DECLARE(e, 37);

		CHECK_INT(addr_fmt_pasv(&e, &v4), 0);
		CHECK_INT(buf_len(&e), 37);
		CHECK(!buf_overflowed(&e));
	}
}

/* The PASV numbers read back by PORT give the same address. */
UNIT_TEST(test_roundtrip)
{
	static const char *hosts[] = { "10.0.0.1", "255.0.128.7",
	    "::ffff:192.168.0.1" };
	struct sockaddr_storage in, out;
	char text[256];
	struct str s, inner, rest;
	socklen_t len;
	size_t i;
	BUF_DECLARE(b, 200);

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		in = mk(hosts[i], (uint16_t)(1024 + 977 * i));
		buf_reset(&b);
		CHECK_INT(addr_fmt_pasv(&b, &in), 0);
		CHECK_INT(buf_cstr(&b, text, sizeof(text)), 0);
		s = str_cstr(text);
		(void)str_split(s, '(', &rest, &inner);
		(void)str_split(inner, ')', &inner, &rest);
		CHECK_INT(addr_parse_port(inner, &out, &len), ADDR_OK);
		(void)addr_normalize(&in, NULL);
		CHECK(addr_same_host(&in, &out));
		CHECK_INT(addr_port(&out), addr_port(&in));

		in = mk(hosts[i], (uint16_t)(1024 + 977 * i));
		buf_reset(&b);
		CHECK_INT(addr_fmt_lpsv(&b, &in), 0);
		CHECK_INT(buf_cstr(&b, text, sizeof(text)), 0);
		s = str_cstr(text);
		(void)str_split(s, '(', &rest, &inner);
		(void)str_split(inner, ')', &inner, &rest);
		CHECK_INT(addr_parse_lprt(inner, &out, &len), ADDR_OK);
		CHECK(addr_same_host(&in, &out));
		CHECK_INT(addr_port(&out), addr_port(&in));
	}
}

/* ---- helpers ---- */

UNIT_TEST(test_normalize)
{
	struct sockaddr_storage ss = mk("::ffff:1.2.3.4", 2121), before;
	socklen_t len = sizeof(struct sockaddr_in6);

	CHECK_INT(addr_normalize(&ss, &len), 1);
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(len, sizeof(struct sockaddr_in));
	CHECK_STR(show(&ss), "4:1.2.3.4 2121");
	/* Already IPv4, real IPv6, nearly-mapped, unknown: unchanged. */
	before = ss;
	CHECK_INT(addr_normalize(&ss, &len), 0);
	CHECK(memcmp(&ss, &before, sizeof(ss)) == 0);
	ss = mk("::1", 21);
	before = ss;
	CHECK_INT(addr_normalize(&ss, NULL), 0);
	CHECK(memcmp(&ss, &before, sizeof(ss)) == 0);
	ss = mk("::fffe:1.2.3.4", 21);
	CHECK_INT(addr_normalize(&ss, NULL), 0);
	ss = mk("1::ffff:1.2.3.4", 21);
	CHECK_INT(addr_normalize(&ss, NULL), 0);
	ss = mk("::1.2.3.4", 21);	/* IPv4-compatible is not mapped */
	CHECK_INT(addr_normalize(&ss, NULL), 0);
	ss = mk_unix();
	CHECK_INT(addr_normalize(&ss, NULL), 0);
	/* NULL len is fine. */
	ss = mk("::ffff:0.0.0.0", 1);
	CHECK_INT(addr_normalize(&ss, NULL), 1);
	CHECK_STR(show(&ss), "4:0.0.0.0 1");
}

UNIT_TEST(test_fit)
{
	struct sockaddr_storage ss, ref4 = mk("10.0.0.9", 21),
	    ref6 = mk("::1", 21), refm = mk("::ffff:10.0.0.9", 21);
	struct sockaddr_storage un = mk_unix();
	socklen_t len;

	ss = mk("10.0.0.1", 2000);
	len = sizeof(struct sockaddr_in);
	CHECK_INT(addr_fit(&ss, &len, &ref6), 0);
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(len, sizeof(struct sockaddr_in6));
	CHECK_STR(show(&ss), "6:10.0.0.1 2000");
	CHECK_INT(addr_fit(&ss, &len, &refm), 0);	/* mapped stays */
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(addr_fit(&ss, &len, &ref4), 0);
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(len, sizeof(struct sockaddr_in));
	CHECK_STR(show(&ss), "4:10.0.0.1 2000");
	CHECK_INT(addr_fit(&ss, &len, &ref4), 0);
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(addr_fit(&ss, NULL, &ref6), 0);
	CHECK_INT(ss.ss_family, AF_INET6);

	ss = mk("2001:db8::1", 2000);
	len = sizeof(struct sockaddr_in6);
	CHECK_INT(addr_fit(&ss, &len, &ref4), ADDR_AF);
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(addr_fit(&ss, &len, &un), ADDR_AF);
	un = mk_unix();
	CHECK_INT(addr_fit(&un, &len, &ref6), ADDR_AF);

	/* Link-local targets borrow the control connection's scope. */
	((struct sockaddr_in6 *)&ref6)->sin6_scope_id = 3;
	ss = mk("fe80::2", 2000);
	CHECK_INT(addr_fit(&ss, &len, &ref6), 0);
	CHECK_INT(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 3);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id = 7;	/* kept */
	CHECK_INT(addr_fit(&ss, &len, &ref6), 0);
	CHECK_INT(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 7);
	ss = mk("2001:db8::1", 2000);			/* global: no scope */
	CHECK_INT(addr_fit(&ss, &len, &ref6), 0);
	CHECK_INT(((struct sockaddr_in6 *)&ss)->sin6_scope_id, 0);
}

UNIT_TEST(test_same_host)
{
	struct sockaddr_storage a = mk("10.0.0.1", 21), b;

	b = mk("10.0.0.1", 2000);
	CHECK_INT(addr_same_host(&a, &b), 1);		/* ports ignored */
	b = mk("::ffff:10.0.0.1", 5);
	CHECK_INT(addr_same_host(&a, &b), 1);		/* v4-mapped */
	CHECK_INT(addr_same_host(&b, &a), 1);
	b = mk("10.0.0.2", 21);
	CHECK_INT(addr_same_host(&a, &b), 0);
	b = mk("127.0.0.2", 21);
	a = mk("127.0.0.1", 21);
	CHECK_INT(addr_same_host(&a, &b), 0);
	b = mk("::1", 21);
	CHECK_INT(addr_same_host(&a, &b), 0);		/* not the same */
	a = mk("::1", 21);
	CHECK_INT(addr_same_host(&a, &b), 1);
	b = mk("::2", 21);
	CHECK_INT(addr_same_host(&a, &b), 0);
	a = mk("::a00:1", 21);		/* IPv4-compatible 10.0.0.1 */
	b = mk("10.0.0.1", 21);
	CHECK_INT(addr_same_host(&a, &b), 0);
	a = mk("fe80::1", 21);
	b = mk("fe80::1", 21);
	((struct sockaddr_in6 *)&b)->sin6_scope_id = 2;
	CHECK_INT(addr_same_host(&a, &b), 1);		/* scope ignored */
	b = mk_unix();
	CHECK_INT(addr_same_host(&a, &b), 0);
	CHECK_INT(addr_same_host(&b, &b), 0);
}

UNIT_TEST(test_port_getset)
{
	struct sockaddr_storage ss = mk("10.0.0.1", 21);
	struct sockaddr_storage un = mk_unix();

	CHECK_INT(addr_port(&ss), 21);
	CHECK_INT(addr_set_port(&ss, 65535), 0);
	CHECK_INT(addr_port(&ss), 65535);
	CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), 65535);
	ss = mk("::1", 0);
	CHECK_INT(addr_port(&ss), 0);
	CHECK_INT(addr_set_port(&ss, 1024), 0);
	CHECK_INT(addr_port(&ss), 1024);
	CHECK_INT(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 1024);
	CHECK_INT(addr_port(&un), 0);
	CHECK_INT(addr_set_port(&un, 1), -1);

	CHECK_INT(addr_net_prt(&ss), 2);
	ss = mk("10.0.0.1", 21);
	CHECK_INT(addr_net_prt(&ss), 1);
	ss = mk("::ffff:10.0.0.1", 21);
	CHECK_INT(addr_net_prt(&ss), 1);
	CHECK_INT(addr_net_prt(&un), 0);
}

UNIT_TEST(test_ntop)
{
	struct sockaddr_storage ss = mk("::ffff:10.0.0.1", 21);
	struct sockaddr_storage un = mk_unix();
	char s[46];

	CHECK_INT(addr_ntop(&ss, s, sizeof(s)), 0);
	CHECK_STR(s, "10.0.0.1");
	ss = mk("2001:db8::ff", 21);
	CHECK_INT(addr_ntop(&ss, s, sizeof(s)), 0);
	CHECK_STR(s, "2001:db8::ff");
	ss = mk("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 21);
	CHECK_INT(addr_ntop(&ss, s, sizeof(s)), 0);
	CHECK_STR(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	CHECK_INT(addr_ntop(&ss, s, 10), -1);
	CHECK_STR(s, "");
	CHECK_INT(addr_ntop(&un, s, sizeof(s)), -1);
	CHECK_STR(s, "");
	CHECK_INT(addr_ntop(&un, s, 0), -1);
}

int
main(void)
{
	UNIT_RUN(test_port_ok);
	UNIT_RUN(test_port_bad);
	UNIT_RUN(test_port_nul);
	UNIT_RUN(test_eprt_ok);
	UNIT_RUN(test_eprt_delimiters);
	UNIT_RUN(test_eprt_af);
	UNIT_RUN(test_eprt_bad);
	UNIT_RUN(test_eprt_v4mapped);
	UNIT_RUN(test_host_literal);
	UNIT_RUN(test_lprt_ok);
	UNIT_RUN(test_lprt_af);
	UNIT_RUN(test_lprt_bad);
	UNIT_RUN(test_epsv_arg);
	UNIT_RUN(test_fmt_pasv);
	UNIT_RUN(test_fmt_lpsv);
	UNIT_RUN(test_fmt_epsv);
	UNIT_RUN(test_fmt_full);
	UNIT_RUN(test_roundtrip);
	UNIT_RUN(test_normalize);
	UNIT_RUN(test_fit);
	UNIT_RUN(test_same_host);
	UNIT_RUN(test_port_getset);
	UNIT_RUN(test_ntop);
	return UNIT_END();
}
