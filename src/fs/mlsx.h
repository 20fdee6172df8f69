/*
 * mlsx: RFC 3659 facts for MLST and MLSD, as pure functions.
 *
 * A fact set is a bit mask (MLSX_F_*).  mlsx_format() writes one entry,
 *	fact=value;fact=value; name
 * with no CRLF: MLSD adds CRLF to each entry, MLST frames the single
 * entry as " <entry>" between its "250-" and "250 " lines.
 *
 * Facts, always in this order and spelling:
 *	type		file, dir, cdir, pdir; for what is neither a regular
 *			file nor a directory OS.unix=symlink, OS.unix=fifo,
 *			OS.unix=socket, OS.unix=chr, OS.unix=blk.  The
 *			type is that of the stat given: lstat data (MLSD
 *			entries) show a symlink as OS.unix=symlink, stat
 *			data show the target's type.  No readlink: the
 *			target name is not shown (it could hold ';' or CR).
 *	size		regular files only, decimal bytes
 *	modify		st_mtime as YYYYMMDDHHMMSS, UTC (left out for a
 *			time outside the years 0000..9999)
 *	perm		what this user may do, see below
 *	unique		st_dev and st_ino in hex, "<dev>U<ino>"
 *	UNIX.mode	permission bits in octal with a leading 0: 0644,
 *			04755
 *	UNIX.uid, UNIX.gid	decimal ids
 *	UNIX.owner, UNIX.group	names from the idmap; the decimal id when
 *			there is no map, no entry, or the name holds a
 *			byte that cannot appear in a fact value
 *
 * perm (RFC 3659 section 7.5.5) is computed from the mode bits, the
 * owner and group and this user's uid and groups (ACLs are not
 * consulted); uid 0 may read and write anything.  Letters, in this order:
 *	regular file	a (APPE: file writable), d (DELE) and f (RNFR):
 *			parent directory writable and searchable, and with
 *			a sticky parent the user owns the file or the
 *			parent; r (RETR: readable), w (STOR: writable)
 *	directory	c (STOR into it: writable and searchable), d, f
 *			(as for files), e (CWD: searchable), l (LIST,
 *			NLST, MLSD: readable and searchable), m (MKD:
 *			writable and searchable), p (delete entries:
 *			writable and searchable)
 *	anything else	d and f only
 * read_only removes a c d f m p w; guest without guest_modify (BSD ftpd:
 * guests never overwrite, append, delete or rename) removes a d f p w
 * and keeps c (new files) and m; no_mkdir removes m; no_retr removes r.
 * d and f need the parent's stat: without it they are never given.
 */
#ifndef FTPD_MLSX_H
#define FTPD_MLSX_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>

#include "buf.h"
#include "str.h"

struct idmap;

#define MLSX_F_TYPE		0x001u
#define MLSX_F_SIZE		0x002u
#define MLSX_F_MODIFY		0x004u
#define MLSX_F_PERM		0x008u
#define MLSX_F_UNIQUE		0x010u
#define MLSX_F_UNIX_MODE	0x020u
#define MLSX_F_UNIX_UID		0x040u
#define MLSX_F_UNIX_GID		0x080u
#define MLSX_F_UNIX_OWNER	0x100u
#define MLSX_F_UNIX_GROUP	0x200u
#define MLSX_F_ALL		0x3ffu
/* A session starts with every fact selected. */
#define MLSX_F_DEFAULT		MLSX_F_ALL

/*
 * More than the longest facts part of an entry (all facts, long owner
 * names): an entry never needs more than MLSX_FACTS_MAX + 1 +
 * strlen(name) bytes.
 */
#define MLSX_FACTS_MAX		512

/* Results of mlsx_format(). */
#define MLSX_BADNAME	(-1)	/* empty, or holds CR or LF: skip the entry */
#define MLSX_NOSPACE	(-2)	/* did not fit in the buffer */

enum mlsx_kind {
	MLSX_ENTRY = 0,	/* type from st_mode: file, dir, OS.unix=... */
	MLSX_CDIR,	/* the directory being listed (MLSD "."): type=cdir */
	MLSX_PDIR	/* its parent (MLSD ".."): type=pdir */
};

/* Who asks: perm describes what this user may do. */
struct mlsx_user {
	uid_t		 uid;
	gid_t		 gid;
	const gid_t	*groups;	/* supplementary groups, may be NULL */
	size_t		 ngroups;
	int		 guest;		/* anonymous session */
	int		 guest_modify;	/* -m: guests may modify files too */
	int		 no_mkdir;	/* MKD refused (-M for guests) */
	int		 no_retr;	/* RETR refused (-o, or -O for guests) */
	int		 read_only;	/* -r: nothing may be modified */
};

/*
 * OPTS MLST: list is what follows "MLST" ("size;modify;"), any case;
 * unknown facts and empty items are ignored, blanks around items too; an
 * empty list selects no facts.  On success *mask is set and the reply
 * text (without code 200) is appended to reply: "MLST OPTS size;modify;"
 * in the canonical order and spelling, "MLST OPTS" for none.  0, or -1
 * (nothing changed) if the reply did not fit.
 */
int	 mlsx_parse_opts(struct str list, unsigned *mask, struct buf *reply);

/*
 * The FEAT line (without the leading space): every supported fact with
 * '*' after the selected ones, "MLST type*;size*;...;UNIX.group*;".
 * 0, or -1 (buffer unchanged) if it did not fit.
 */
int	 mlsx_feat(struct buf *, unsigned mask);

/*
 * Append one entry for name (see the top of this file).  parent is the
 * stat of the directory holding the object (for the d and f letters),
 * or NULL if unknown; who NULL leaves perm out; ids NULL gives numeric
 * owner and group.  0, MLSX_BADNAME or MLSX_NOSPACE; the buffer is
 * unchanged unless 0 is returned.
 */
int	 mlsx_format(struct buf *, unsigned mask, const char *name,
	    const struct stat *st, enum mlsx_kind kind,
	    const struct stat *parent, const struct mlsx_user *who,
	    const struct idmap *ids);

#endif
