/*
 * digest: file digests for HASH (draft-bryan-ftpext-hash) and the
 * XMD5, XSHA1, XSHA256 and XCRC commands.
 *
 * SHA-256, SHA-1 and MD5 come from libcrypto's EVP interface; CRC32 is
 * the IEEE 802.3 CRC (the one of zlib, cksum -o 3 and XCRC), computed
 * here.  Digests are lowercase hex, NUL-terminated.
 *
 * A whole file may be large, so the file API works in slices: a
 * struct digest_job reads with pread(2) in DIGEST_BLOCK pieces, and
 * digest_job_step() does at most a given number of bytes, so the session
 * can do a few MiB per event-loop turn and still see ABOR and QUIT.
 *
 * digest_global_init() must run before chroot: it loads libcrypto's
 * configuration and providers from the real root, so nothing is read or
 * loaded from inside a user's jail later.
 */
#ifndef FTPD_DIGEST_H
#define FTPD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

enum digest_alg {
	DIGEST_SHA256 = 0,	/* "SHA-256", the default of HASH */
	DIGEST_SHA1,		/* "SHA-1" */
	DIGEST_MD5,		/* "MD5" */
	DIGEST_CRC32,		/* "CRC32" */
	DIGEST_NALG
};

#define DIGEST_HEX_MAX	65		/* SHA-256 in hex, and the NUL */
#define DIGEST_BLOCK	65536		/* bytes per pread */
#define DIGEST_EOF	UINT64_MAX	/* as an end: up to end of file */

/*
 * Load libcrypto's configuration and check which algorithms work (a
 * FIPS-only libcrypto has no MD5).  Call once, before chroot.  0, or -1
 * if libcrypto could not be initialized (CRC32 still works).
 */
int	 digest_global_init(void);
/* Is alg usable?  Advertise and accept only these. */
int	 digest_available(enum digest_alg);

/* "SHA-256", "SHA-1", "MD5", "CRC32"; NULL for a bad value. */
const char	*digest_name(enum digest_alg);
/* Length of the hex digest (64, 40, 32, 8), 0 for a bad value. */
size_t	 digest_hex_len(enum digest_alg);

/*
 * A HASH/OPTS HASH algorithm name, any case, blanks around it ignored.
 * 0, or -1 for an unknown name (504 for OPTS HASH / HASH) or one that
 * digest_available() refuses.
 */
int	 digest_name_parse(struct str, enum digest_alg *);

/*
 * The FEAT line (without the leading space): "HASH " and the available
 * algorithms in the order above, ';' between, '*' after the selected
 * one: "HASH SHA-256*;SHA-1;MD5;CRC32".  0, or -1 (buffer unchanged)
 * if it did not fit.
 */
int	 digest_feat(struct buf *, enum digest_alg selected);

/*
 * Incremental digests.  digest_init: 0, or -1 (no allocation left
 * behind).  digest_update: 0, or -1 (the context is still to be ended
 * with digest_final or digest_abort).  digest_final writes the hex
 * digest into hex[hexsize] and frees the context: 0, or -1 (hex = "")
 * if hexsize is too small or libcrypto failed.  digest_abort frees it
 * without a result; it is safe on a context already ended.
 */
struct digest_ctx {
	enum digest_alg	 alg;
	void		*priv_md;	/* EVP_MD_CTX, NULL for CRC32 */
	uint32_t	 priv_crc;
	int		 priv_live;	/* between init and final/abort */
};

int	 digest_init(struct digest_ctx *, enum digest_alg);
int	 digest_update(struct digest_ctx *, const void *, size_t);
int	 digest_final(struct digest_ctx *, char *hex, size_t hexsize);
void	 digest_abort(struct digest_ctx *);

/*
 * A digest of the bytes [start, end) of an open file, in slices.  The
 * file is read with pread, so its offset is not used or moved; the
 * descriptor stays the caller's (never closed here).  Reading stops at
 * end of file if that comes first, and end is then set to where it
 * stopped (the caller checks the range against the file size before,
 * to reply 501 for a range beyond it, and may check end after).  HASH
 * replies show an inclusive range, "start-(end-1)".
 */
struct digest_job {
	struct digest_ctx	 ctx;
	int			 fd;
	uint64_t		 start;
	uint64_t		 pos;	/* next offset to read */
	uint64_t		 end;	/* DIGEST_EOF: to end of file */
	uint8_t			*priv_blk;	/* DIGEST_BLOCK bytes */
	int			 priv_live;
};

enum digest_step {
	DIGEST_ERROR = -1,	/* errno set; the job is over */
	DIGEST_DONE = 0,	/* hex holds the digest; the job is over */
	DIGEST_MORE = 1		/* call again */
};

/*
 * Set up a job.  0, or -1 with errno (EINVAL: start > end or a bad alg;
 * ENOMEM; ENOSYS: alg not available).
 */
int	 digest_job_start(struct digest_job *, int fd, uint64_t start,
	    uint64_t end, enum digest_alg);
/*
 * Hash at most budget bytes (0 means one block).  EINTR is retried;
 * any other read error ends the job.  hex[hexsize] (DIGEST_HEX_MAX is
 * enough) is written only with DIGEST_DONE.  Once DONE or ERROR is
 * returned the job holds nothing; stepping it again gives ERROR.
 */
enum digest_step	 digest_job_step(struct digest_job *, uint64_t budget,
	    char *hex, size_t hexsize);
/* Stop a job early (ABOR, QUIT, end of session); safe on an ended job. */
void	 digest_job_abort(struct digest_job *);

/* All of [start, end) in one call, for small files and tests. */
int	 digest_fd_range(int fd, uint64_t start, uint64_t end,
	    enum digest_alg, char *hex, size_t hexsize);

#endif
