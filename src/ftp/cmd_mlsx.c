/*
 * cmd_mlsx.c: RFC 3659 MLST (facts of one object on the control
 * connection) and MLSD (facts of a directory's entries on the data
 * connection), plus OPTS MLST.  Facts are formatted by fs/mlsx.c; perm
 * describes what this session's user may do.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "fs/mlsx.h"
#include "ftp/cmds.h"
#include "ftp/path.h"
#include "session.h"

#define MLSD_MAX_ENTRIES	200000

static unsigned	facts = MLSX_F_DEFAULT;

/*
 * Who the session is, for the perm fact.  The group list is read once:
 * it cannot change in a process that has dropped its privileges.
 */
static void
who_am_i(struct mlsx_user *u)
{
	static gid_t *groups;
	static int ngroups = -1;

	if (ngroups == -1) {
		int n = getgroups(0, NULL);

		ngroups = 0;
		if (n > 0 && (groups = calloc((size_t)n, sizeof(*groups))) !=
		    NULL && (n = getgroups(n, groups)) > 0)
			ngroups = n;
	}
	memset(u, 0, sizeof(*u));
	u->uid = getuid();
	u->gid = getgid();
	u->groups = groups;
	u->ngroups = (size_t)ngroups;
	u->guest = sess.guest;
	u->guest_modify = session_guest_modify();
	u->no_mkdir = sess.guest && opts.guest_no_mkdir;
	u->no_retr = opts.no_retr || (sess.guest && opts.guest_no_retr);
	u->read_only = opts.read_only || sess.cls->upload == 0 ||
	    sess.cls->modify == 0;
}

int
mlsx_feat_line(struct buf *b)
{
	return mlsx_feat(b, facts);
}

void
cmd_opts_mlst(struct str list)
{
	BUF_DECLARE(b, 256);

	if (mlsx_parse_opts(list, &facts, &b) == -1) {
		(void)ctl_reply(&sess.ctl, 501, "Bad MLST options.");
		return;
	}
	(void)ctl_reply(&sess.ctl, 200, "%.*s", (int)buf_len(&b),
	    (const char *)buf_data(&b));
}

void
cmd_mlst(struct str arg)
{
	BUF_DECLARE(b, MLSX_FACTS_MAX + PATH_MAX + 8);
	struct mlsx_user who;
	struct stat st, parent;
	char path[PATH_MAX], dir[PATH_MAX];
	const struct stat *pp = NULL;
	char *slash;

	if (str_empty(str_trim(arg)))
		(void)cstr_copy(path, sizeof(path), ".");
	else if (path_expand(arg, path, sizeof(path)) == -1)
		return;
	if (lstat(path, &st) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	(void)cstr_copy(dir, sizeof(dir), path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		(void)cstr_copy(dir, sizeof(dir), ".");
	if (stat(dir, &parent) == 0)
		pp = &parent;
	who_am_i(&who);
	(void)buf_addc(&b, ' ');
	if (mlsx_format(&b, facts, path, &st, MLSX_ENTRY, pp, &who,
	    sess.ids) != 0) {
		(void)ctl_reply(&sess.ctl, 550, "%s: cannot be described.",
		    path);
		return;
	}
	(void)buf_adds(&b, "\r\n");
	(void)ctl_lreply(&sess.ctl, 250, "Listing %s", path);
	(void)ctl_write(&sess.ctl, buf_data(&b), buf_len(&b));
	(void)ctl_reply(&sess.ctl, 250, "End.");
}

void
cmd_mlsd(struct str arg)
{
	struct stat st;
	char path[PATH_MAX];

	if (str_empty(str_trim(arg)))
		(void)cstr_copy(path, sizeof(path), ".");
	else if (path_expand(arg, path, sizeof(path)) == -1)
		return;
	if (stat(path, &st) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		(void)ctl_reply(&sess.ctl, 501, "%s: not a directory.", path);
		return;
	}
	sess.x.mlsd = 1;
	sess.x.nlst = 0;
	xfer_begin_list(path);
}

/*
 * Write the MLSD listing of dir through sink.  0, -1 with errno if the
 * directory cannot be read, -2 if the sink failed.
 */
int
mlsd_list(const char *dir, int (*sink)(void *, const void *, size_t),
    void *arg)
{
	BUF_DECLARE(out, 16384);
	uint8_t line_mem[MLSX_FACTS_MAX + 512];
	struct buf line;
	struct mlsx_user who;
	struct stat self, st, up;
	struct dirent *de;
	DIR *d;
	int dfd, n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	dfd = dirfd(d);
	if (fstat(dfd, &self) == -1) {
		closedir(d);
		return -1;
	}
	who_am_i(&who);
	if (fstatat(dfd, "..", &up, 0) == -1)
		up = self;
	while ((de = readdir(d)) != NULL && n++ < MLSD_MAX_ENTRIES) {
		enum mlsx_kind kind = MLSX_ENTRY;
		const struct stat *parent = &self;

		if (strcmp(de->d_name, ".") == 0) {
			kind = MLSX_CDIR;
			st = self;
			parent = &up;
		} else if (strcmp(de->d_name, "..") == 0) {
			kind = MLSX_PDIR;
			st = up;
			parent = NULL;
		} else if (fstatat(dfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		buf_init(&line, line_mem, sizeof(line_mem));
		/* Names with CR or LF are skipped, never sent. */
		if (mlsx_format(&line, facts, de->d_name, &st, kind, parent,
		    &who, sess.ids) != 0)
			continue;
		(void)buf_adds(&line, "\r\n");
		if (buf_room(&out) < buf_len(&line)) {
			if (sink(arg, buf_data(&out), buf_len(&out)) == -1) {
				closedir(d);
				return -2;
			}
			buf_reset(&out);
		}
		(void)buf_add(&out, buf_data(&line), buf_len(&line));
	}
	closedir(d);
	if (buf_len(&out) > 0 && sink(arg, buf_data(&out), buf_len(&out)) == -1)
		return -2;
	return 0;
}
