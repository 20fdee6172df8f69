/*
 * ascii: TYPE A conversion (RFC 959 NVT-ASCII line ends), pure functions.
 *
 * Sending: every LF not already preceded by CR becomes CRLF ("adds CR
 * only before a bare LF", as BSD ftpd).  Receiving: a CR immediately
 * followed by LF is dropped; bare LFs are counted (the 226 warning);
 * a CR not followed by LF is kept.  Both directions work on chunks: the
 * state carries a CR seen at the end of one chunk into the next.
 * Start with a zeroed struct ascii_state for each transfer.
 */
#ifndef FTPD_ASCII_H
#define FTPD_ASCII_H

#include <stddef.h>
#include <stdint.h>

struct ascii_state {
	int		 last_cr;	/* previous input byte was CR */
	uint64_t	 bare_lf;	/* receive: LF without CR before it */
};

/*
 * Convert in[inlen] into out[outcap].  *consumed gets how many input
 * bytes were used (may be less than inlen when out fills up); returns
 * the number of bytes written.  outcap >= 2 always makes progress.
 */
size_t	 ascii_to_net(struct ascii_state *, const uint8_t *in, size_t inlen,
	    uint8_t *out, size_t outcap, size_t *consumed);
size_t	 ascii_from_net(struct ascii_state *, const uint8_t *in, size_t inlen,
	    uint8_t *out, size_t outcap, size_t *consumed);
/*
 * At end of input on receive: ascii_from_net holds a CR that ends a
 * chunk until it sees the next byte (it may start a CRLF), so call this
 * once after the last chunk to write that CR.  Returns 0 or 1 bytes
 * (0 if none is held, or if outcap is 0: then call again with room).
 */
size_t	 ascii_from_net_end(struct ascii_state *, uint8_t *out,
	    size_t outcap);

/*
 * Size of a file's contents after ascii_to_net, given the bytes: n + the
 * number of LFs not preceded by CR.  For SIZE and REST in TYPE A.
 */
uint64_t	 ascii_net_size(struct ascii_state *, const uint8_t *in,
		    size_t inlen);

#endif
