/*
 * cmd_hash.c: file digests.  HASH and OPTS HASH (draft-bryan-ftpext-
 * hash), the XMD5 / XSHA1 / XSHA256 / XCRC commands that FileZilla,
 * rclone and lftp send, and BSD's SITE MD5.  A digest is computed in
 * slices from the event loop (HASH_SLICE bytes per turn, HASH_RATE per
 * second at most), so ABOR and STAT stay answered and one client cannot
 * take a whole core for long.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "data/digest.h"
#include "ftp/cmds.h"
#include "ftp/path.h"
#include "monitor.h"
#include "session.h"

#define HASH_SLICE	(4 * 1024 * 1024)	/* bytes per event-loop turn */
#define HASH_PAUSE_MS	10			/* between slices: <= 400 MB/s */

enum hash_style { HS_HASH, HS_X, HS_SITE_MD5 };

static enum digest_alg	selected = DIGEST_SHA256;

static struct {
	struct digest_job	 job;
	enum hash_style		 style;
	enum digest_alg		 alg;
	uint64_t		 start, end;
	int			 fd;
	char			 name[PATH_MAX];
} h = { .fd = -1 };

int
hash_feat_line(struct buf *b)
{
	return digest_feat(b, selected);
}

void
cmd_opts_hash(struct str arg)
{
	enum digest_alg a;

	if (str_empty(arg)) {
		(void)ctl_reply(&sess.ctl, 200, "%s", digest_name(selected));
		return;
	}
	if (digest_name_parse(str_trim(arg), &a) == -1) {
		(void)ctl_reply(&sess.ctl, 501, "Unknown algorithm, current "
		    "selection not changed.");
		return;
	}
	selected = a;
	(void)ctl_reply(&sess.ctl, 200, "%s", digest_name(selected));
}

void
hash_cleanup(void)
{
	digest_job_abort(&h.job);
	if (h.fd != -1) {
		close(h.fd);
		mon_hash_end();
	}
	h.fd = -1;
}

static void
hash_step(struct ev_loop *l, struct ev_timer *t)
{
	char hex[DIGEST_HEX_MAX];
	enum digest_step r;

	(void)l;
	(void)t;
	r = digest_job_step(&h.job, HASH_SLICE, hex, sizeof(hex));
	if (r == DIGEST_MORE) {
		ev_timer_start(sess.loop, &sess.x.timer, HASH_PAUSE_MS,
		    hash_step, NULL);
		return;
	}
	if (r == DIGEST_ERROR) {
		xfer_finish_reply(550, "%s: %s.", h.name, strerror(errno));
		return;
	}
	switch (h.style) {
	case HS_HASH:
		/* The range is shown inclusive: 0-(size-1). */
		xfer_finish_reply(213, "%s %llu-%llu %s %s",
		    digest_name(h.alg), (unsigned long long)h.start,
		    (unsigned long long)(h.job.end > h.start ?
		    h.job.end - 1 : h.start), hex, h.name);
		break;
	case HS_X:
		xfer_finish_reply(250, "%s", hex);
		break;
	case HS_SITE_MD5:
		xfer_finish_reply(200, "MD5(%s) = %s", h.name, hex);
		break;
	}
}

/* Open name and start a job on [start, end); replies itself on error. */
static void
hash_start(struct str name, enum digest_alg alg, enum hash_style style,
    uint64_t start, uint64_t end)
{
	struct stat st;

	/* A digest tells about the contents: not where RETR is refused. */
	if (opts.no_retr || (sess.guest && opts.guest_no_retr)) {
		(void)ctl_reply(&sess.ctl, 500, "RETR command disabled.");
		return;
	}
	if (str_empty(str_trim(name))) {
		(void)ctl_reply(&sess.ctl, 501, "A file name is required.");
		return;
	}
	if (path_expand(str_trim(name), h.name, sizeof(h.name)) == -1)
		return;
	/* A slot from the monitor: digests over all sessions are capped. */
	if (mon_hash_begin() == -1) {
		(void)ctl_reply(&sess.ctl, 450, "Too many digests in progress; "
		    "try again later.");
		return;
	}
	if ((h.fd = open(h.name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		session_reply_errno(550, h.name, errno);
		mon_hash_end();
		return;
	}
	if (fstat(h.fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		hash_cleanup();
		(void)ctl_reply(&sess.ctl, 550, "%s: not a plain file.", h.name);
		return;
	}
	if (end == DIGEST_EOF || end > (uint64_t)st.st_size)
		end = (uint64_t)st.st_size;
	if (start > end) {
		hash_cleanup();
		(void)ctl_reply(&sess.ctl, 501, "Range beyond the end of the "
		    "file.");
		return;
	}
	if (digest_job_start(&h.job, h.fd, start, end, alg) == -1) {
		hash_cleanup();
		session_reply_errno(550, h.name, errno);
		return;
	}
	h.style = style;
	h.alg = alg;
	sess.x.bytes = 0;
	sess.x.size = end - start;
	h.start = start;
	h.end = end;
	sess.x.kind = XF_HASH;
	ev_timer_start(sess.loop, &sess.x.timer, 0, hash_step, NULL);
}

void
cmd_hash(struct str arg)
{
	hash_start(arg, selected, HS_HASH, 0, DIGEST_EOF);
}

/* Split off the last blank-separated word of s if it is a number. */
static int
last_number(struct str *s, uint64_t *v)
{
	size_t i = s->len;

	while (i > 0 && s->p[i - 1] != ' ')
		i--;
	if (i == 0 || str_to_u64(str_skip(*s, i), INT64_MAX, v) == -1)
		return 0;
	*s = str_trim(str_head(*s, i));
	return 1;
}

/* XCRC/XMD5/... "name [start [end]]": the name may hold spaces. */
static void
x_hash(struct str arg, enum digest_alg alg)
{
	struct str a = str_trim(arg);
	uint64_t s = 0, e = DIGEST_EOF, v;

	if (last_number(&a, &v)) {
		s = v;
		if (last_number(&a, &v)) {
			e = s;
			s = v;
		}
	}
	hash_start(a, alg, HS_X, s, e);
}

void
cmd_xmd5(struct str arg)
{
	x_hash(arg, DIGEST_MD5);
}

void
cmd_xsha1(struct str arg)
{
	x_hash(arg, DIGEST_SHA1);
}

void
cmd_xsha256(struct str arg)
{
	x_hash(arg, DIGEST_SHA256);
}

void
cmd_xcrc(struct str arg)
{
	x_hash(arg, DIGEST_CRC32);
}

void
cmd_site_md5(struct str arg)
{
	hash_start(arg, DIGEST_MD5, HS_SITE_MD5, 0, DIGEST_EOF);
}
