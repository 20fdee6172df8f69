/* fuzz-srcs: src/auth/idmap.c src/lib/file.c src/lib/str.c */
/*
 * fuzz_idmap.c: libFuzzer target for the passwd/group table parsers.
 *
 * The input is read both as a passwd and as a group image.  Every name
 * a lookup returns must be a well-formed name that occurs in the input,
 * and adding the same image again must change no answer (the first
 * entry for an id wins).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/idmap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NIDS	512

static void
check_name(const char *name, const uint8_t *data, size_t size)
{
	size_t i, n;

	if (name == NULL)
		return;
	n = strlen(name);
	if (n == 0 || n > IDMAP_NAME_MAX)
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c == 0x7f || c == ':')
			abort();
	}
	if (memmem(data, size, name, n) == NULL)
		abort();
}

/* Collect ids to look up: small ones, and every digit run in data. */
static size_t
collect_ids(const uint8_t *data, size_t size, uint32_t *ids, size_t max)
{
	size_t i, n = 0;
	uint64_t v = 0;
	int in_num = 0;

	for (i = 0; i < 64 && n < max; i++)
		ids[n++] = (uint32_t)i;
	for (i = 0; i <= size && n < max; i++) {
		if (i < size && data[i] >= '0' && data[i] <= '9') {
			if (v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(data[i] - '0');
			in_num = 1;
			continue;
		}
		if (in_num && v <= UINT32_MAX)
			ids[n++] = (uint32_t)v;
		in_num = 0;
		v = 0;
	}
	return n;
}

/* Look every id up; save the answers as strings ("" for unknown). */
static void
snapshot(const struct idmap *m, const uint32_t *ids, size_t n,
    char (*u)[IDMAP_NAME_MAX + 1], char (*g)[IDMAP_NAME_MAX + 1],
    const uint8_t *data, size_t size)
{
	const char *name;
	size_t i;

	for (i = 0; i < n; i++) {
		/* Zero-filled, so whole entries can be compared. */
		memset(u[i], 0, sizeof(u[i]));
		memset(g[i], 0, sizeof(g[i]));
		name = idmap_user(m, (uid_t)ids[i]);
		check_name(name, data, size);
		strcpy(u[i], name != NULL ? name : "");
		name = idmap_group(m, (gid_t)ids[i]);
		check_name(name, data, size);
		strcpy(g[i], name != NULL ? name : "");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t ids[NIDS];
	static char u1[NIDS][IDMAP_NAME_MAX + 1], g1[NIDS][IDMAP_NAME_MAX + 1];
	static char u2[NIDS][IDMAP_NAME_MAX + 1], g2[NIDS][IDMAP_NAME_MAX + 1];
	struct idmap *m;
	size_t n;

	if ((m = idmap_new()) == NULL)
		return 0;
	n = collect_ids(data, size, ids, NIDS);
	/* -1 means ENOMEM only, which is not a finding. */
	if (idmap_add_passwd(m, (const char *)data, size) != 0 ||
	    idmap_add_group(m, (const char *)data, size) != 0)
		goto out;
	snapshot(m, ids, n, u1, g1, data, size);
	if (idmap_add_passwd(m, (const char *)data, size) != 0 ||
	    idmap_add_group(m, (const char *)data, size) != 0)
		goto out;
	snapshot(m, ids, n, u2, g2, data, size);
	if (memcmp(u1, u2, n * sizeof(u1[0])) != 0 ||
	    memcmp(g1, g2, n * sizeof(g1[0])) != 0)
		abort();
out:
	idmap_free(m);
	return 0;
}
