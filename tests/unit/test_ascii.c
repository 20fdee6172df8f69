/*
 * test_ascii.c: unit tests for TYPE A line-end conversion.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/ascii.h"
#include "unit.h"

#define BIG	8192

/* Convert all of in[inlen] in one call with ample room; return length. */
static size_t
to_net_all(const char *in, size_t inlen, uint8_t *out, size_t outcap)
{
	struct ascii_state st;
	size_t used, n;

	memset(&st, 0, sizeof(st));
	n = ascii_to_net(&st, (const uint8_t *)in, inlen, out, outcap, &used);
	return used == inlen ? n : (size_t)-1;
}

static size_t
from_net_all(const char *in, size_t inlen, uint8_t *out, size_t outcap,
    uint64_t *bare)
{
	struct ascii_state st;
	size_t used, n;

	memset(&st, 0, sizeof(st));
	n = ascii_from_net(&st, (const uint8_t *)in, inlen, out, outcap,
	    &used);
	if (used != inlen)
		return (size_t)-1;
	n += ascii_from_net_end(&st, out + n, outcap - n);
	*bare = st.bare_lf;
	return n;
}

static int
same(const uint8_t *got, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(got, want, n) == 0;
}

/*
 * Reference models, written the obvious way over a whole input: what
 * any chunking must reproduce.
 */
static size_t
ref_to_net(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	return o;
}

static size_t
ref_from_net(const uint8_t *in, size_t n, uint8_t *out, uint64_t *bare)
{
	size_t i, o = 0;

	*bare = 0;
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			(*bare)++;
		out[o++] = in[i];
	}
	return o;
}

/* Deterministic generator, so a failure repeats. */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Random bytes, rich in CR and LF. */
static void
fill(uint8_t *p, size_t n, uint32_t *seed)
{
	static const uint8_t pick[] = { '\r', '\n', 'a', 0xff, 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t r = rnd(seed);

		p[i] = (r & 1) ? pick[(r >> 1) % sizeof(pick)] :
		    (uint8_t)(r >> 4);
	}
}

UNIT_TEST(test_to_net_basic)
{
	uint8_t out[64];
	size_t n;

	n = to_net_all("a\nb\n", 4, out, sizeof(out));
	CHECK(same(out, n, "a\r\nb\r\n"));
	n = to_net_all("\n\n", 2, out, sizeof(out));
	CHECK(same(out, n, "\r\n\r\n"));
	n = to_net_all("", 0, out, sizeof(out));
	CHECK_INT(n, 0);
	n = to_net_all("no line end", 11, out, sizeof(out));
	CHECK(same(out, n, "no line end"));
	/* A bare CR is left alone. */
	n = to_net_all("a\rb\r", 4, out, sizeof(out));
	CHECK(same(out, n, "a\rb\r"));
	n = to_net_all("\r\r\n", 3, out, sizeof(out));
	CHECK(same(out, n, "\r\r\n"));
	n = to_net_all("\n\r", 2, out, sizeof(out));
	CHECK(same(out, n, "\r\n\r"));
	/* Telnet IAC and NUL are data. */
	n = to_net_all("\xff\n\0", 3, out, sizeof(out));
	CHECK_INT(n, 4);
	CHECK(memcmp(out, "\xff\r\n\0", 4) == 0);
}

UNIT_TEST(test_to_net_crlf_not_doubled)
{
	struct ascii_state st;
	uint8_t out[64];
	size_t n, used;

	n = to_net_all("a\r\nb\r\n", 6, out, sizeof(out));
	CHECK(same(out, n, "a\r\nb\r\n"));
	n = to_net_all("\r\n\n\r\n", 5, out, sizeof(out));
	CHECK(same(out, n, "\r\n\r\n\r\n"));

	/* The CR ends one chunk, the LF starts the next. */
	memset(&st, 0, sizeof(st));
	n = ascii_to_net(&st, (const uint8_t *)"a\r", 2, out, sizeof(out),
	    &used);
	CHECK_INT(used, 2);
	CHECK(same(out, n, "a\r"));
	CHECK_INT(st.last_cr, 1);
	n = ascii_to_net(&st, (const uint8_t *)"\nb", 2, out, sizeof(out),
	    &used);
	CHECK_INT(used, 2);
	CHECK(same(out, n, "\nb"));
	CHECK_INT(st.last_cr, 0);

	/* And the other way: a chunk ending in data, then a bare LF. */
	n = ascii_to_net(&st, (const uint8_t *)"\n", 1, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "\r\n"));
}

UNIT_TEST(test_to_net_small_out)
{
	struct ascii_state st;
	uint8_t out[2], all[64];
	const uint8_t *in = (const uint8_t *)"\n\nx\r\n\n";
	size_t inlen = 6, pos = 0, len = 0, n, used;
	int rounds = 0;

	/* Two bytes of room always move forward, even on a bare LF. */
	memset(&st, 0, sizeof(st));
	while (pos < inlen && rounds++ < 100) {
		n = ascii_to_net(&st, in + pos, inlen - pos, out,
		    sizeof(out), &used);
		CHECK(used > 0);
		CHECK(n > 0 && n <= sizeof(out));
		memcpy(all + len, out, n);
		len += n;
		pos += used;
	}
	CHECK_INT(pos, inlen);
	CHECK(same(all, len, "\r\n\r\nx\r\n\r\n"));

	/* The room ends before a bare LF: the LF waits whole. */
	memset(&st, 0, sizeof(st));
	n = ascii_to_net(&st, (const uint8_t *)"abc\nd", 5, all, 4, &used);
	CHECK_INT(used, 3);
	CHECK(same(all, n, "abc"));
	n = ascii_to_net(&st, (const uint8_t *)"\nd", 2, all, 4, &used);
	CHECK_INT(used, 2);
	CHECK(same(all, n, "\r\nd"));

	/* One byte of room: data moves, a bare LF cannot. */
	memset(&st, 0, sizeof(st));
	n = ascii_to_net(&st, (const uint8_t *)"ab", 2, out, 1, &used);
	CHECK_INT(n, 1);
	CHECK_INT(used, 1);
	n = ascii_to_net(&st, (const uint8_t *)"\n", 1, out, 1, &used);
	CHECK_INT(n, 0);
	CHECK_INT(used, 0);
	/* No room at all. */
	n = ascii_to_net(&st, (const uint8_t *)"ab", 2, out, 0, &used);
	CHECK_INT(n, 0);
	CHECK_INT(used, 0);
	/* consumed may be NULL. */
	n = ascii_to_net(&st, (const uint8_t *)"ab", 2, all, 4, NULL);
	CHECK_INT(n, 2);
}

UNIT_TEST(test_from_net_basic)
{
	uint8_t out[64];
	uint64_t bare;
	size_t n;

	n = from_net_all("a\r\nb\r\n", 6, out, sizeof(out), &bare);
	CHECK(same(out, n, "a\nb\n"));
	CHECK(bare == 0);
	n = from_net_all("a\nb\n", 4, out, sizeof(out), &bare);
	CHECK(same(out, n, "a\nb\n"));
	CHECK(bare == 2);
	n = from_net_all("a\r\nb\n\n", 6, out, sizeof(out), &bare);
	CHECK(same(out, n, "a\nb\n\n"));
	CHECK(bare == 2);
	/* A CR not followed by LF is kept. */
	n = from_net_all("a\rb", 3, out, sizeof(out), &bare);
	CHECK(same(out, n, "a\rb"));
	n = from_net_all("\r\r\n", 3, out, sizeof(out), &bare);
	CHECK(same(out, n, "\r\n"));
	CHECK(bare == 0);
	n = from_net_all("\r\r\r", 3, out, sizeof(out), &bare);
	CHECK(same(out, n, "\r\r\r"));
	n = from_net_all("\n\r", 2, out, sizeof(out), &bare);
	CHECK(same(out, n, "\n\r"));
	CHECK(bare == 1);
	n = from_net_all("", 0, out, sizeof(out), &bare);
	CHECK_INT(n, 0);
	n = from_net_all("\r\0\xff", 3, out, sizeof(out), &bare);
	CHECK_INT(n, 3);
	CHECK(memcmp(out, "\r\0\xff", 3) == 0);
}

UNIT_TEST(test_from_net_chunks)
{
	struct ascii_state st;
	uint8_t out[64];
	size_t n, used;

	/* CRLF split over two chunks: the CR is held, then dropped. */
	memset(&st, 0, sizeof(st));
	n = ascii_from_net(&st, (const uint8_t *)"a\r", 2, out, sizeof(out),
	    &used);
	CHECK_INT(used, 2);
	CHECK(same(out, n, "a"));
	CHECK_INT(st.last_cr, 1);
	n = ascii_from_net(&st, (const uint8_t *)"\nb", 2, out, sizeof(out),
	    &used);
	CHECK_INT(used, 2);
	CHECK(same(out, n, "\nb"));
	CHECK(st.bare_lf == 0);
	CHECK_INT(ascii_from_net_end(&st, out, sizeof(out)), 0);

	/* A held CR followed by data is released as data. */
	memset(&st, 0, sizeof(st));
	n = ascii_from_net(&st, (const uint8_t *)"a\r", 2, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "a"));
	n = ascii_from_net(&st, (const uint8_t *)"b", 1, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "\rb"));

	/* A CR at the very end comes out of _end(). */
	memset(&st, 0, sizeof(st));
	n = ascii_from_net(&st, (const uint8_t *)"x\r", 2, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "x"));
	CHECK_INT(ascii_from_net_end(&st, out, 0), 0);
	CHECK_INT(st.last_cr, 1);
	n = ascii_from_net_end(&st, out, sizeof(out));
	CHECK(same(out, n, "\r"));
	CHECK_INT(ascii_from_net_end(&st, out, sizeof(out)), 0);

	/* CR, CR, LF one byte per chunk. */
	memset(&st, 0, sizeof(st));
	n = ascii_from_net(&st, (const uint8_t *)"\r", 1, out, sizeof(out),
	    &used);
	CHECK_INT(n, 0);
	n = ascii_from_net(&st, (const uint8_t *)"\r", 1, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "\r"));
	n = ascii_from_net(&st, (const uint8_t *)"\n", 1, out, sizeof(out),
	    &used);
	CHECK(same(out, n, "\n"));
	CHECK(st.bare_lf == 0);
	/* An empty chunk changes nothing. */
	n = ascii_from_net(&st, NULL, 0, out, sizeof(out), &used);
	CHECK_INT(n, 0);
	CHECK_INT(used, 0);
}

UNIT_TEST(test_from_net_bare_lf)
{
	struct ascii_state st;
	uint8_t out[64];
	size_t used;

	memset(&st, 0, sizeof(st));
	(void)ascii_from_net(&st, (const uint8_t *)"x", 1, out, sizeof(out),
	    &used);
	(void)ascii_from_net(&st, (const uint8_t *)"\n", 1, out, sizeof(out),
	    &used);
	CHECK(st.bare_lf == 1);
	(void)ascii_from_net(&st, (const uint8_t *)"\r", 1, out, sizeof(out),
	    &used);
	(void)ascii_from_net(&st, (const uint8_t *)"\n\n", 2, out,
	    sizeof(out), &used);
	CHECK(st.bare_lf == 2);
	/* An LF that did not fit is not counted until it is taken. */
	(void)ascii_from_net(&st, (const uint8_t *)"\n\n", 2, out, 1, &used);
	CHECK_INT(used, 1);
	CHECK(st.bare_lf == 3);
	(void)ascii_from_net(&st, (const uint8_t *)"\n", 1, out, 0, &used);
	CHECK_INT(used, 0);
	CHECK(st.bare_lf == 3);
}

UNIT_TEST(test_from_net_small_out)
{
	struct ascii_state st;
	uint8_t out[2], all[64];
	const uint8_t *in = (const uint8_t *)"\r\rab\r\n\r";
	size_t inlen = 7, pos = 0, len = 0, n, used;
	int rounds = 0;

	/* Held CR + a byte needs two: two bytes of room always progress. */
	memset(&st, 0, sizeof(st));
	while (pos < inlen && rounds++ < 100) {
		n = ascii_from_net(&st, in + pos, inlen - pos, out,
		    sizeof(out), &used);
		CHECK(used > 0);
		memcpy(all + len, out, n);
		len += n;
		pos += used;
	}
	len += ascii_from_net_end(&st, all + len, sizeof(all) - len);
	CHECK_INT(pos, inlen);
	CHECK(same(all, len, "\r\rab\n\r"));

	/* Held CR and one byte of room: the CR goes out first. */
	memset(&st, 0, sizeof(st));
	(void)ascii_from_net(&st, (const uint8_t *)"\r", 1, out, 1, &used);
	n = ascii_from_net(&st, (const uint8_t *)"z", 1, out, 1, &used);
	CHECK(same(out, n, "\r"));
	CHECK_INT(used, 0);
	n = ascii_from_net(&st, (const uint8_t *)"z", 1, out, 1, &used);
	CHECK(same(out, n, "z"));
	CHECK_INT(used, 1);
}

/* Convert in[n] through the chunked API with random cuts and room. */
static size_t
chunked(int to_net, const uint8_t *in, size_t n, uint8_t *out,
    size_t outcap, uint32_t *seed, uint64_t *bare)
{
	struct ascii_state st;
	size_t pos = 0, len = 0, chunk, room, used, w;
	int stall = 0;

	memset(&st, 0, sizeof(st));
	while (pos < n && stall < 1000) {
		chunk = 1 + rnd(seed) % 17;
		if (chunk > n - pos)
			chunk = n - pos;
		room = 2 + rnd(seed) % 9;
		if (room > outcap - len)
			room = outcap - len;
		if (to_net)
			w = ascii_to_net(&st, in + pos, chunk, out + len, room,
			    &used);
		else
			w = ascii_from_net(&st, in + pos, chunk, out + len,
			    room, &used);
		stall = used == 0 ? stall + 1 : 0;
		pos += used;
		len += w;
	}
	if (pos < n)
		return (size_t)-1;
	if (!to_net)
		len += ascii_from_net_end(&st, out + len, outcap - len);
	*bare = st.bare_lf;
	return len;
}

UNIT_TEST(test_random_chunking)
{
	uint8_t in[600], want[1300], got[1300];
	uint64_t wbare, gbare;
	uint32_t seed = 42;
	size_t n, wn, gn;
	int round, bad = 0;

	for (round = 0; round < 3000 && !bad; round++) {
		n = rnd(&seed) % sizeof(in);
		fill(in, n, &seed);

		wn = ref_to_net(in, n, want);
		gn = chunked(1, in, n, got, sizeof(got), &seed, &gbare);
		if (gn != wn || memcmp(got, want, wn) != 0)
			bad = 1;

		wn = ref_from_net(in, n, want, &wbare);
		gn = chunked(0, in, n, got, sizeof(got), &seed, &gbare);
		if (gn != wn || memcmp(got, want, wn) != 0 || gbare != wbare)
			bad = 2;
	}
	CHECK_INT(bad, 0);
}

UNIT_TEST(test_round_trip)
{
	uint8_t in[500], net[1000], back[1000];
	uint64_t bare;
	uint32_t seed = 9;
	size_t i, n, nn, bn;
	int round, bad = 0;

	/* Without CR in the file, receive undoes send exactly. */
	for (round = 0; round < 1000 && !bad; round++) {
		n = rnd(&seed) % sizeof(in);
		fill(in, n, &seed);
		for (i = 0; i < n; i++)
			if (in[i] == '\r')
				in[i] = 'r';
		nn = to_net_all((const char *)in, n, net, sizeof(net));
		bn = from_net_all((const char *)net, nn, back, sizeof(back),
		    &bare);
		if (bn != n || memcmp(back, in, n) != 0 || bare != 0)
			bad = 1;
	}
	CHECK_INT(bad, 0);
}

UNIT_TEST(test_net_size)
{
	struct ascii_state st;
	static uint8_t in[BIG], out[2 * BIG];
	uint32_t seed = 3;
	uint64_t sz, total;
	size_t n, on, pos, chunk;
	int round, bad = 0;

	memset(&st, 0, sizeof(st));
	CHECK(ascii_net_size(&st, (const uint8_t *)"a\nb\r\n\r", 6) == 7);
	memset(&st, 0, sizeof(st));
	CHECK(ascii_net_size(&st, NULL, 0) == 0);
	/* A CR at a chunk end is remembered. */
	memset(&st, 0, sizeof(st));
	CHECK(ascii_net_size(&st, (const uint8_t *)"x\r", 2) == 2);
	CHECK(ascii_net_size(&st, (const uint8_t *)"\n", 1) == 1);
	CHECK(ascii_net_size(&st, (const uint8_t *)"\n", 1) == 2);

	for (round = 0; round < 300 && !bad; round++) {
		n = rnd(&seed) % sizeof(in);
		fill(in, n, &seed);
		on = to_net_all((const char *)in, n, out, sizeof(out));
		memset(&st, 0, sizeof(st));
		sz = ascii_net_size(&st, in, n);
		if (sz != on)
			bad = 1;
		/* The same in chunks. */
		memset(&st, 0, sizeof(st));
		total = 0;
		for (pos = 0; pos < n; pos += chunk) {
			chunk = 1 + rnd(&seed) % 100;
			if (chunk > n - pos)
				chunk = n - pos;
			total += ascii_net_size(&st, in + pos, chunk);
		}
		if (total != on)
			bad = 2;
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	UNIT_RUN(test_to_net_basic);
	UNIT_RUN(test_to_net_crlf_not_doubled);
	UNIT_RUN(test_to_net_small_out);
	UNIT_RUN(test_from_net_basic);
	UNIT_RUN(test_from_net_chunks);
	UNIT_RUN(test_from_net_bare_lf);
	UNIT_RUN(test_from_net_small_out);
	UNIT_RUN(test_random_chunking);
	UNIT_RUN(test_round_trip);
	UNIT_RUN(test_net_size);
	return UNIT_END();
}
