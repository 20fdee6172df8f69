/*
 * cmd_fs.c: session commands that work on names and directories: PWD
 * CWD CDUP, MKD RMD DELE RNFR RNTO, SIZE MDTM MFMT AVBL.  Paths go straight to the kernel: the jail
 * is a real chroot, so there is no path rewriting to get wrong.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf/opts.h"
#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "fs/glob.h"
#include "ftp/path.h"
#include "session.h"

/* A path argument as a C string; replies 501/550 itself on failure. */
static int
arg_path(struct str arg, char *dst, size_t size)
{
	return path_expand(arg, dst, size);
}

/* Quote a directory name for 257 replies: '"' doubles (RFC 959). */
static void
reply_257(const char *dir, const char *what)
{
	BUF_DECLARE(b, PATH_MAX * 2 + 64);
	size_t i;

	(void)buf_addc(&b, '"');
	for (i = 0; dir[i] != '\0'; i++) {
		if (dir[i] == '"')
			(void)buf_addc(&b, '"');
		(void)buf_addc(&b, (uint8_t)dir[i]);
	}
	(void)buf_addc(&b, '"');
	if (buf_overflowed(&b)) {
		(void)ctl_reply(&sess.ctl, 550, "Name too long.");
		return;
	}
	(void)ctl_reply(&sess.ctl, 257, "%.*s %s", (int)buf_len(&b),
	    (const char *)buf_data(&b), what);
}

void
cmd_pwd(struct str arg)
{
	char cwd[PATH_MAX];

	(void)arg;
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		session_reply_errno(550, "Current directory", errno);
		return;
	}
	reply_257(cwd, "is current directory.");
}

/*
 * ftpd.conf "display" (a file shown the first time a directory is
 * entered) and "notify" (files matching a pattern pointed out), as
 * 250- lines before the CWD reply.
 */
static void
cwd_messages(void)
{
	static struct { dev_t dev; ino_t ino; } seen[64];
	static size_t nseen;
	struct glob_result gr;
	struct glob_opts go;
	struct stat here, st;
	size_t i;

	if (stat(".", &here) == -1)
		return;
	if (sess.cls->display[0] != '\0') {
		for (i = 0; i < nseen; i++)
			if (seen[i].dev == here.st_dev &&
			    seen[i].ino == here.st_ino)
				break;
		if (i == nseen) {
			if (nseen < sizeof(seen) / sizeof(seen[0])) {
				seen[nseen].dev = here.st_dev;
				seen[nseen].ino = here.st_ino;
				nseen++;
			}
			(void)ctl_reply_file(&sess.ctl, 250, sess.cls->display);
		}
	}
	if (sess.cls->notify[0] == '\0')
		return;
	memset(&go, 0, sizeof(go));
	go.max_results = 16;
	if (glob_expand(sess.cls->notify, &go, &gr) < 0)
		return;
	for (i = 0; i < gr.count; i++) {
		time_t now = time(NULL);

		if (stat(gr.paths[i], &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		(void)ctl_lreply(&sess.ctl, 250, " Please read the file %s",
		    gr.paths[i]);
		(void)ctl_lreply(&sess.ctl, 250, "   it was last modified %lld "
		    "days ago", (long long)((now - st.st_mtime) / 86400));
	}
	glob_free(&gr);
}

void
cmd_cwd(struct str arg)
{
	char path[PATH_MAX];

	if (str_empty(arg))
		(void)cstr_copy(path, sizeof(path), sess.home);
	else if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	if (chdir(path) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	cwd_messages();
	(void)ctl_reply(&sess.ctl, 250, "CWD command successful.");
}

void
cmd_cdup(struct str arg)
{
	(void)arg;
	cmd_cwd(str_cstr(".."));
}

void
cmd_mkd(struct str arg)
{
	char path[PATH_MAX];

	if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	if (sess.guest && opts.guest_no_mkdir) {
		(void)ctl_reply(&sess.ctl, 550, "Operation not permitted.");
		return;
	}
	if (mkdir(path, 0777) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	session_log_op("mkdir", path, NULL, -1);
	reply_257(path, "directory created.");
}

void
cmd_rmd(struct str arg)
{
	char path[PATH_MAX];

	if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	if (sess.guest && !session_guest_modify()) {
		(void)ctl_reply(&sess.ctl, 550, "Operation not permitted.");
		return;
	}
	if (rmdir(path) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	session_log_op("rmdir", path, NULL, -1);
	(void)ctl_reply(&sess.ctl, 250, "RMD command successful.");
}

void
cmd_dele(struct str arg)
{
	char path[PATH_MAX];

	if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	/* Guests may not delete (files or directories) unless -m. */
	if (sess.guest && !session_guest_modify()) {
		(void)ctl_reply(&sess.ctl, 550, "Operation not permitted.");
		return;
	}
	if (unlink(path) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	session_log_op("delete", path, NULL, -1);
	(void)ctl_reply(&sess.ctl, 250, "DELE command successful.");
}

void
cmd_rnfr(struct str arg)
{
	struct stat st;

	if (sess.guest && !session_guest_modify()) {
		(void)ctl_reply(&sess.ctl, 550, "Operation not permitted.");
		return;
	}
	if (arg_path(arg, sess.rnfr, sizeof(sess.rnfr)) == -1)
		return;
	if (lstat(sess.rnfr, &st) == -1) {
		session_reply_errno(550, sess.rnfr, errno);
		return;
	}
	(void)ctl_reply(&sess.ctl, 350, "File exists, ready for destination "
	    "name.");
	/* Set after the reply: dispatch() clears it on the next command. */
	sess.rnfr_set = 2;
}

void
cmd_rnto(struct str arg)
{
	char to[PATH_MAX];

	if (!sess.rnfr_set) {
		(void)ctl_reply(&sess.ctl, 503, "Bad sequence of commands.");
		return;
	}
	if (arg_path(arg, to, sizeof(to)) == -1)
		return;
	if (rename(sess.rnfr, to) == -1) {
		session_reply_errno(550, to, errno);
		return;
	}
	session_log_op("rename", sess.rnfr, to, -1);
	(void)ctl_reply(&sess.ctl, 250, "RNTO command successful.");
}

/* Bytes a TYPE A transfer of a small file would send. */
static int
ascii_size(const char *path, uint64_t *out)
{
	struct ascii_state as;
	uint8_t blk[4096];
	ssize_t n;
	int fd;

	memset(&as, 0, sizeof(as));
	*out = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, blk, sizeof(blk))) > 0)
		*out += ascii_net_size(&as, blk, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

void
cmd_size(struct str arg)
{
	char path[PATH_MAX];
	struct stat st;
	uint64_t n;

	if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	if (stat(path, &st) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)ctl_reply(&sess.ctl, 550, "%s: not a plain file.", path);
		return;
	}
	if (!sess.type_ascii) {
		(void)ctl_reply(&sess.ctl, 213, "%lld", (long long)st.st_size);
		return;
	}
	/* TYPE A: exact, by reading, for files up to 10 KiB as BSD does. */
	if (st.st_size > 10240) {
		(void)ctl_reply(&sess.ctl, 550, "%s: too large for type A "
		    "SIZE.", path);
		return;
	}
	if (ascii_size(path, &n) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	(void)ctl_reply(&sess.ctl, 213, "%llu", (unsigned long long)n);
}

void
cmd_mdtm(struct str arg)
{
	char path[PATH_MAX];
	struct stat st;
	struct tm tm;

	if (arg_path(arg, path, sizeof(path)) == -1)
		return;
	if (stat(path, &st) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)ctl_reply(&sess.ctl, 550, "%s: not a plain file.", path);
		return;
	}
	if (gmtime_r(&st.st_mtime, &tm) == NULL) {
		(void)ctl_reply(&sess.ctl, 550, "%s: bad time.", path);
		return;
	}
	(void)ctl_reply(&sess.ctl, 213, "%04d%02d%02d%02d%02d%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): set the mtime. */
void
cmd_mfmt(struct str arg)
{
	struct str when, name;
	struct timespec ts[2];
	char path[PATH_MAX];
	struct tm tm, check;
	uint64_t v[6];
	time_t t;
	static const size_t w[6] = { 4, 2, 2, 2, 2, 2 };
	size_t i, off = 0;

	(void)str_split(str_trim(arg), ' ', &when, &name);
	name = str_trim(name);
	if (when.len != 14 || str_empty(name)) {
		(void)ctl_reply(&sess.ctl, 501, "Syntax: MFMT YYYYMMDDHHMMSS "
		    "path");
		return;
	}
	for (i = 0; i < 6; i++) {
		if (str_to_u64(str_head(str_skip(when, off), w[i]), 9999,
		    &v[i]) == -1) {
			(void)ctl_reply(&sess.ctl, 501, "Bad time value.");
			return;
		}
		off += w[i];
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60) {
		(void)ctl_reply(&sess.ctl, 501, "Bad time value.");
		return;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)v[0] - 1900;
	tm.tm_mon = (int)v[1] - 1;
	tm.tm_mday = (int)v[2];
	tm.tm_hour = (int)v[3];
	tm.tm_min = (int)v[4];
	tm.tm_sec = (int)v[5];
	/* timegm() moves Feb 30 into March: such a date does not exist. */
	check = tm;
	if ((t = timegm(&check)) == (time_t)-1 ||
	    check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon ||
	    check.tm_year != tm.tm_year) {
		(void)ctl_reply(&sess.ctl, 501, "Bad time value.");
		return;
	}
	if (arg_path(name, path, sizeof(path)) == -1)
		return;
	if (sess.guest && !session_guest_modify()) {
		(void)ctl_reply(&sess.ctl, 550, "Operation not permitted.");
		return;
	}
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = t;
	ts[1].tv_nsec = 0;
	if (utimensat(AT_FDCWD, path, ts, 0) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	(void)ctl_reply(&sess.ctl, 213, "Modify=%.14s; %s", when.p, path);
}

/* AVBL [dir]: bytes the user may still store there. */
void
cmd_avbl(struct str arg)
{
	char path[PATH_MAX] = ".";
	struct statvfs sv;

	if (!str_empty(str_trim(arg)) &&
	    arg_path(str_trim(arg), path, sizeof(path)) == -1)
		return;
	if (statvfs(path, &sv) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	(void)ctl_reply(&sess.ctl, 213, "%llu",
	    (unsigned long long)sv.f_bavail * (unsigned long long)sv.f_frsize);
}
