/*
 * test_ctl.c: the control-connection reader (ftp/ctl.c) against hostile
 * input: over-long lines, NUL bytes, bare CR and LF, Telnet IAC
 * sequences, pipelined commands, and input split at every byte.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftp/ctl.h"
#include "unit.h"

static struct ctl	c;
static int		peer = -1;

static void
setup(void)
{
	int sv[2];

	if (peer != -1)
		close(peer), close(c.fd);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	ctl_init(&c, sv[0]);
	peer = sv[1];
}

/* Feed bytes and return the next result; *out gets the line. */
static enum ctl_res
feed(const void *p, size_t n, char *out, size_t outsize)
{
	struct str line;
	enum ctl_res r;

	if (n > 0)
		CHECK(ctl_preload(&c, p, n) == 0);
	r = ctl_next(&c, &line);
	out[0] = '\0';
	if (r == CTL_LINE)
		CHECK(str_copy(line, out, outsize) == 0);
	return r;
}

/* What the server wrote back to the client (Telnet answers, replies). */
static size_t
drain(uint8_t *out, size_t size)
{
	ssize_t n = recv(peer, out, size, MSG_DONTWAIT);

	return n < 0 ? 0 : (size_t)n;
}

UNIT_TEST(simple_lines)
{
	char l[600];

	setup();
	CHECK_INT(feed("USER ftp\r\n", 10, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "USER ftp");
	CHECK_INT(feed("NOOP\n", 5, l, sizeof(l)), CTL_LINE);	/* bare LF */
	CHECK_STR(l, "NOOP");
	CHECK_INT(feed("PWD", 3, l, sizeof(l)), CTL_NONE);	/* no end yet */
	CHECK_INT(feed("\r\n", 2, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "PWD");
}

UNIT_TEST(pipelined)
{
	char l[600];

	setup();
	CHECK_INT(feed("USER a\r\nPASS b\r\nQUIT\r\n", 22, l, sizeof(l)),
	    CTL_LINE);
	CHECK_STR(l, "USER a");
	CHECK_INT(feed(NULL, 0, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "PASS b");
	/* What is left unread is exactly the rest, for the hand-over. */
	CHECK_INT(buf_len(&c.in), 6);
	CHECK_INT(feed(NULL, 0, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "QUIT");
	CHECK_INT(feed(NULL, 0, l, sizeof(l)), CTL_NONE);
}

UNIT_TEST(too_long_dropped_whole)
{
	char l[600], big[CTL_LINE_MAX + 100];

	setup();
	/* 510 bytes + CRLF fit; 511 do not. */
	memset(big, 'A', 510);
	memcpy(big + 510, "\r\n", 2);
	CHECK_INT(feed(big, 512, l, sizeof(l)), CTL_LINE);
	CHECK_INT(strlen(l), 510);

	memset(big, 'A', sizeof(big));
	/* The tail looks like a command: it must not run. */
	memcpy(big + CTL_LINE_MAX - 2, "QUIT", 4);
	big[sizeof(big) - 2] = '\r';
	big[sizeof(big) - 1] = '\n';
	CHECK_INT(feed(big, sizeof(big), l, sizeof(l)), CTL_TOOLONG);
	CHECK_INT(feed("NOOP\r\n", 6, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "NOOP");
}

UNIT_TEST(huge_line_bounded)
{
	char l[600], chunk[1000];
	int i;

	setup();
	/* 1 MB without a newline: memory stays bounded, no line appears. */
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 1000; i++)
		CHECK_INT(feed(chunk, sizeof(chunk), l, sizeof(l)), CTL_NONE);
	CHECK(buf_len(&c.in) == 0);
	CHECK_INT(feed("\n", 1, l, sizeof(l)), CTL_TOOLONG);
}

UNIT_TEST(nul_and_bare_cr_cut_the_command)
{
	char l[600];

	setup();
	CHECK_INT(feed("RETR a\0/etc/passwd\r\n", 20, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "RETR a");
	CHECK_INT(feed("USER x\rPASS y\r\n", 15, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "USER x");
	CHECK_INT(feed("\r\n", 2, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "");
}

UNIT_TEST(telnet)
{
	static const uint8_t in[] = {
		255, 251, 24,		/* IAC WILL TTYPE -> IAC DONT TTYPE */
		255, 253, 1,		/* IAC DO ECHO -> IAC WONT ECHO */
		255, 244, 255, 242,	/* IAC IP, IAC DM: dropped */
		'A', 'B', 255, 255, 'O', 'R', '\r', '\n'
	};
	uint8_t back[16];
	char l[600];

	setup();
	CHECK_INT(feed(in, sizeof(in), l, sizeof(l)), CTL_LINE);
	CHECK_INT(strlen(l), 5);
	CHECK((uint8_t)l[2] == 255);	/* IAC IAC is one data byte */
	CHECK_INT(drain(back, sizeof(back)), 6);
	CHECK(back[0] == 255 && back[1] == 254 && back[2] == 24);
	CHECK(back[3] == 255 && back[4] == 252 && back[5] == 1);
}

UNIT_TEST(byte_at_a_time)
{
	static const char in[] = "US\xff\xff" "ER a\r\nNO\xff\xfb\x01OP\r\n";
	char l[600];
	size_t i;
	int lines = 0;
	uint8_t back[16];

	setup();
	for (i = 0; i < sizeof(in) - 1; i++)
		if (feed(in + i, 1, l, sizeof(l)) == CTL_LINE)
			lines++;
	CHECK_INT(lines, 2);
	CHECK_STR(l, "NOOP");
	CHECK_INT(drain(back, sizeof(back)), 3);
}

UNIT_TEST(reply_injection)
{
	uint8_t back[256];
	size_t n;

	setup();
	CHECK(ctl_reply(&c, 550, "%s: No such file.",
	    "x\r\n227 Entering Passive Mode (1,2,3,4,5,6)") == 0);
	n = drain(back, sizeof(back) - 1);
	back[n] = '\0';
	/* One line only: the CR LF inside the name became spaces. */
	CHECK(n > 2 && back[n - 2] == '\r' && back[n - 1] == '\n');
	CHECK(memchr(back, '\n', n - 1) == NULL);
	CHECK(strncmp((char *)back, "550 x  227", 10) == 0);
}

UNIT_TEST(read_from_socket)
{
	char l[600];

	setup();
	CHECK(write(peer, "SYST\r\n", 6) == 6);
	CHECK(ctl_fill(&c) == 6);
	CHECK_INT(feed(NULL, 0, l, sizeof(l)), CTL_LINE);
	CHECK_STR(l, "SYST");
	close(peer);
	peer = -1;
	CHECK(ctl_fill(&c) == 0);
	CHECK(c.eof);
}

int
main(void)
{
	UNIT_RUN(simple_lines);
	UNIT_RUN(pipelined);
	UNIT_RUN(too_long_dropped_whole);
	UNIT_RUN(huge_line_bounded);
	UNIT_RUN(nul_and_bare_cr_cut_the_command);
	UNIT_RUN(telnet);
	UNIT_RUN(byte_at_a_time);
	UNIT_RUN(reply_injection);
	UNIT_RUN(read_from_socket);
	return UNIT_END();
}
