/* fuzz-srcs: src/ftp/ctl.c src/lib/buf.c src/lib/str.c */
/*
 * fuzz_ctl.c: the control-connection reader.  The input is split into
 * chunks at bytes chosen by the input itself, to exercise state carried
 * across reads (Telnet sequences, partial and over-long lines).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ftp/ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl c;
	struct str line;
	enum ctl_res r;
	size_t off = 0;

	ctl_init(&c, -1);	/* Telnet answers go nowhere */
	while (off < size) {
		size_t n = 1 + data[off] % 64;

		if (n > size - off)
			n = size - off;
		if (ctl_preload(&c, data + off, n) == -1)
			break;
		off += n;
		while ((r = ctl_next(&c, &line)) != CTL_NONE) {
			if (r != CTL_LINE || line.len == 0)
				continue;
			/* A line is bounded and holds no CR, LF or NUL. */
			if (line.len >= CTL_LINE_MAX ||
			    memchr(line.p, '\r', line.len) != NULL ||
			    memchr(line.p, '\n', line.len) != NULL ||
			    memchr(line.p, '\0', line.len) != NULL)
				__builtin_trap();
		}
	}
	return 0;
}
