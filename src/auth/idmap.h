/*
 * idmap: uid/gid -> name tables, read from passwd(5)/group(5) format
 * files before any chroot, so that listings show owner names without any
 * NSS lookup inside a user's jail (FreeBSD-SA-11:07).
 *
 * The parsers take file images in memory (unit-tested and fuzzed); a
 * malformed line is skipped: wrong number of ':' fields (passwd 7,
 * group 4), an id that is not decimal (passwd: uid and gid) or is
 * 4294967295, a name that is empty, longer than IDMAP_NAME_MAX, starts
 * with '+' or '-' (NIS compat) or holds a space or control byte, a NUL
 * byte anywhere; '#' in column 1 is a comment.
 * Lookups are binary searches over arrays sorted by id; the first entry
 * for a duplicated id wins.  Past IDMAP_MAX distinct ids the later ones
 * are dropped.
 */
#ifndef FTPD_IDMAP_H
#define FTPD_IDMAP_H

#include <stddef.h>
#include <sys/types.h>

#define IDMAP_NAME_MAX	32	/* longer names are skipped */
#define IDMAP_MAX	65536	/* entries per table, at most */

struct idmap;

struct idmap	*idmap_new(void);
void		 idmap_free(struct idmap *);

/* Add the entries of a passwd or group file image.  0, or -1 on ENOMEM. */
int	 idmap_add_passwd(struct idmap *, const char *text, size_t len);
int	 idmap_add_group(struct idmap *, const char *text, size_t len);
/*
 * Read and add whole files; a missing file (or a NULL path) adds
 * nothing and returns 0.  -1 with errno if a file could not be read, is
 * not a regular file (EINVAL) or is larger than 16 MiB (EFBIG); the
 * other file is still loaded.
 */
int	 idmap_load_files(struct idmap *, const char *passwd_path,
	    const char *group_path);

/*
 * NULL when unknown: the caller prints the number.  The name stays
 * valid until the next idmap_add_* / idmap_load_files / idmap_free.
 */
const char	*idmap_user(const struct idmap *, uid_t);
const char	*idmap_group(const struct idmap *, gid_t);

#endif
