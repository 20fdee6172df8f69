/*
 * digest.c: SHA-256, SHA-1 and MD5 through libcrypto's EVP interface,
 * CRC32 by table, and sliced file digests.  See digest.h.
 *
 * libcrypto reads its configuration file on first use unless told not
 * to; inside a chroot that path could name a file the user wrote, which
 * may load a module.  So the configuration is loaded once, before
 * chroot, by digest_global_init(); if that was never called, the first
 * use inside the session disables configuration loading instead.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "str.h"
#include "data/digest.h"

/* The largest value of off_t, whatever its width. */
#define DIGEST_OFF_MAX	((uint64_t)(((uint64_t)1 << \
	(sizeof(off_t) * CHAR_BIT - 1)) - 1))

static const struct {
	const char	*name;
	size_t		 hexlen;
} algs[DIGEST_NALG] = {
	{ "SHA-256",	64 },
	{ "SHA-1",	40 },
	{ "MD5",	32 },
	{ "CRC32",	8 },
};

static int	 lib_ready;		/* libcrypto initialized */
static int	 probed;
static int	 avail[DIGEST_NALG];
static uint32_t	 crc_table[256];
static int	 crc_ready;

static int
alg_ok(enum digest_alg alg)
{
	return (int)alg >= 0 && alg < DIGEST_NALG;
}

/* Initialize libcrypto, loading its configuration only if asked to. */
static int
lib_init(int load_config)
{
	uint64_t flags;

	if (lib_ready)
		return 0;
#if defined(OPENSSL_INIT_LOAD_CONFIG) && defined(OPENSSL_INIT_NO_LOAD_CONFIG)
	flags = load_config ? OPENSSL_INIT_LOAD_CONFIG :
	    OPENSSL_INIT_NO_LOAD_CONFIG;
#else
	flags = 0;
	(void)load_config;
#endif
	/* Marked ready either way: the choice is made once per process. */
	lib_ready = 1;
	return OPENSSL_init_crypto(flags, NULL) == 1 ? 0 : -1;
}

static const EVP_MD *
evp_md(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_SHA256:
		return EVP_sha256();
	case DIGEST_SHA1:
		return EVP_sha1();
	case DIGEST_MD5:
		return EVP_md5();
	default:
		return NULL;
	}
}

/* Build the table of the reflected polynomial 0xEDB88320 (IEEE 802.3). */
static void
crc_init(void)
{
	uint32_t c;
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = 1;
}

/* crc is the running value, pre- and post-inverted by the callers. */
static uint32_t
crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[in[i] >> 4];
		out[2 * i + 1] = hexd[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* Run each algorithm once on nothing: what works now works later. */
static void
probe(void)
{
	struct digest_ctx c;
	char hex[DIGEST_HEX_MAX];
	int i;

	probed = 1;
	for (i = 0; i < DIGEST_NALG; i++) {
		avail[i] = 1;	/* let digest_init try */
		avail[i] = digest_init(&c, (enum digest_alg)i) == 0 &&
		    digest_final(&c, hex, sizeof(hex)) == 0;
	}
}

int
digest_global_init(void)
{
	int r = lib_init(1);

	if (!crc_ready)
		crc_init();
	probe();
	return r;
}

int
digest_available(enum digest_alg alg)
{
	if (!alg_ok(alg))
		return 0;
	if (!probed)
		probe();
	return avail[alg];
}

const char *
digest_name(enum digest_alg alg)
{
	return alg_ok(alg) ? algs[alg].name : NULL;
}

size_t
digest_hex_len(enum digest_alg alg)
{
	return alg_ok(alg) ? algs[alg].hexlen : 0;
}

int
digest_name_parse(struct str s, enum digest_alg *out)
{
	int i;

	s = str_trim(s);
	for (i = 0; i < DIGEST_NALG; i++)
		if (str_eq_ci(s, algs[i].name)) {
			if (!digest_available((enum digest_alg)i))
				return -1;
			*out = (enum digest_alg)i;
			return 0;
		}
	return -1;
}

int
digest_feat(struct buf *b, enum digest_alg selected)
{
	size_t start = buf_len(b);
	int i, first = 1;

	if (buf_adds(b, "HASH ") == -1)
		goto full;
	for (i = 0; i < DIGEST_NALG; i++) {
		if (!digest_available((enum digest_alg)i))
			continue;
		if (buf_printf(b, "%s%s%s", first ? "" : ";", algs[i].name,
		    i == (int)selected ? "*" : "") == -1)
			goto full;
		first = 0;
	}
	return 0;
full:
	buf_truncate(b, start);
	return -1;
}

int
digest_init(struct digest_ctx *c, enum digest_alg alg)
{
	EVP_MD_CTX *md;
	const EVP_MD *type;

	memset(c, 0, sizeof(*c));
	if (!alg_ok(alg) || (probed && !avail[alg]))
		return -1;
	c->alg = alg;
	if (alg == DIGEST_CRC32) {
		if (!crc_ready)
			crc_init();
		c->priv_crc = 0xffffffffu;
		c->priv_live = 1;
		return 0;
	}
	(void)lib_init(0);
	if ((type = evp_md(alg)) == NULL || (md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(md, type, NULL) != 1) {
		EVP_MD_CTX_free(md);
		return -1;
	}
	c->priv_md = md;
	c->priv_live = 1;
	return 0;
}

int
digest_update(struct digest_ctx *c, const void *p, size_t n)
{
	if (!c->priv_live)
		return -1;
	if (n == 0)
		return 0;
	if (c->alg == DIGEST_CRC32) {
		c->priv_crc = crc_update(c->priv_crc, p, n);
		return 0;
	}
	return EVP_DigestUpdate(c->priv_md, p, n) == 1 ? 0 : -1;
}

int
digest_final(struct digest_ctx *c, char *hex, size_t hexsize)
{
	uint8_t out[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int r = 0;

	if (hexsize > 0)
		hex[0] = '\0';
	if (!c->priv_live)
		return -1;
	if (hexsize <= algs[c->alg].hexlen) {
		digest_abort(c);
		return -1;
	}
	if (c->alg == DIGEST_CRC32) {
		uint32_t v = c->priv_crc ^ 0xffffffffu;

		out[0] = (uint8_t)(v >> 24);
		out[1] = (uint8_t)(v >> 16);
		out[2] = (uint8_t)(v >> 8);
		out[3] = (uint8_t)v;
		n = 4;
	} else if (EVP_DigestFinal_ex(c->priv_md, out, &n) != 1 ||
	    (size_t)n * 2 != algs[c->alg].hexlen)
		r = -1;
	if (r == 0)
		hex_encode(out, n, hex);
	digest_abort(c);
	return r;
}

void
digest_abort(struct digest_ctx *c)
{
	if (c->priv_md != NULL)
		EVP_MD_CTX_free(c->priv_md);
	c->priv_md = NULL;
	c->priv_live = 0;
}

int
digest_job_start(struct digest_job *j, int fd, uint64_t start, uint64_t end,
    enum digest_alg alg)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (start > end || !alg_ok(alg)) {
		errno = EINVAL;
		return -1;
	}
	if (!digest_available(alg)) {
		errno = ENOSYS;
		return -1;
	}
	if ((j->priv_blk = malloc(DIGEST_BLOCK)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (digest_init(&j->ctx, alg) == -1) {
		free(j->priv_blk);
		j->priv_blk = NULL;
		errno = ENOMEM;
		return -1;
	}
	j->fd = fd;
	j->start = start;
	j->pos = start;
	j->end = end;
	j->priv_live = 1;
	return 0;
}

/* End a job, keeping errno for the caller. */
static enum digest_step
job_fail(struct digest_job *j, int err)
{
	digest_job_abort(j);
	errno = err;
	return DIGEST_ERROR;
}

enum digest_step
digest_job_step(struct digest_job *j, uint64_t budget, char *hex,
    size_t hexsize)
{
	uint64_t done = 0, want;
	ssize_t n;

	if (!j->priv_live) {
		errno = EINVAL;
		return DIGEST_ERROR;
	}
	if (budget == 0)
		budget = DIGEST_BLOCK;
	while (j->pos < j->end && done < budget) {
		/* No file reaches past off_t: that is end of file. */
		if (j->pos > DIGEST_OFF_MAX) {
			j->end = j->pos;
			break;
		}
		want = j->end - j->pos;
		if (want > DIGEST_BLOCK)
			want = DIGEST_BLOCK;
		if (want > budget - done)
			want = budget - done;
		n = pread(j->fd, j->priv_blk, (size_t)want, (off_t)j->pos);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return job_fail(j, errno);
		}
		if (n == 0) {
			j->end = j->pos;	/* end of file came first */
			break;
		}
		if (digest_update(&j->ctx, j->priv_blk, (size_t)n) == -1)
			return job_fail(j, EIO);
		j->pos += (uint64_t)n;
		done += (uint64_t)n;
	}
	if (j->pos < j->end)
		return DIGEST_MORE;
	free(j->priv_blk);
	j->priv_blk = NULL;
	j->priv_live = 0;
	if (digest_final(&j->ctx, hex, hexsize) == -1) {
		errno = hexsize <= digest_hex_len(j->ctx.alg) ? ERANGE : EIO;
		return DIGEST_ERROR;
	}
	return DIGEST_DONE;
}

void
digest_job_abort(struct digest_job *j)
{
	free(j->priv_blk);
	j->priv_blk = NULL;
	digest_abort(&j->ctx);
	j->priv_live = 0;
}

int
digest_fd_range(int fd, uint64_t start, uint64_t end, enum digest_alg alg,
    char *hex, size_t hexsize)
{
	struct digest_job j;
	enum digest_step r;

	if (hexsize > 0)
		hex[0] = '\0';
	if (digest_job_start(&j, fd, start, end, alg) == -1)
		return -1;
	while ((r = digest_job_step(&j, UINT64_MAX, hex, hexsize)) ==
	    DIGEST_MORE)
		;
	return r == DIGEST_DONE ? 0 : -1;
}
