/*
 * ascii.c: TYPE A line-end conversion for data transfers.
 *
 * The data code feeds file or socket chunks of any size through these
 * functions; all state that must survive a chunk boundary lives in
 * struct ascii_state, so the result never depends on how the stream
 * was cut.
 */
#include "data/ascii.h"

size_t
ascii_to_net(struct ascii_state *st, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t outcap, size_t *consumed)
{
	size_t i, o = 0;
	uint8_t c;

	for (i = 0; i < inlen; i++) {
		c = in[i];
		if (c == '\n' && !st->last_cr) {
			if (outcap - o < 2)
				break;
			out[o++] = '\r';
			out[o++] = '\n';
		} else {
			if (outcap - o < 1)
				break;
			out[o++] = c;
		}
		st->last_cr = c == '\r';
	}
	if (consumed != NULL)
		*consumed = i;
	return o;
}

/*
 * A CR is held back (st->last_cr) until the next byte shows whether it
 * starts a CRLF; ascii_from_net_end() releases it at end of input.
 */
size_t
ascii_from_net(struct ascii_state *st, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t outcap, size_t *consumed)
{
	size_t i, o = 0;
	uint8_t c;

	for (i = 0; i < inlen; i++) {
		c = in[i];
		if (st->last_cr) {
			if (c == '\n') {
				if (outcap - o < 1)
					break;
				out[o++] = '\n';
				st->last_cr = 0;
				continue;
			}
			/* Not a line end: the held CR is data. */
			if (outcap - o < 1)
				break;
			out[o++] = '\r';
			st->last_cr = 0;
		}
		if (c == '\r') {
			st->last_cr = 1;
			continue;
		}
		if (outcap - o < 1)
			break;
		if (c == '\n')
			st->bare_lf++;
		out[o++] = c;
	}
	if (consumed != NULL)
		*consumed = i;
	return o;
}

size_t
ascii_from_net_end(struct ascii_state *st, uint8_t *out, size_t outcap)
{
	if (!st->last_cr || outcap < 1)
		return 0;
	out[0] = '\r';
	st->last_cr = 0;
	return 1;
}

uint64_t
ascii_net_size(struct ascii_state *st, const uint8_t *in, size_t inlen)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < inlen; i++) {
		if (in[i] == '\n' && !st->last_cr)
			n++;
		st->last_cr = in[i] == '\r';
		n++;
	}
	return n;
}
