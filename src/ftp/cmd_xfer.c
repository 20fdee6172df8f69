/*
 * cmd_xfer.c: session commands about transfers: TYPE MODE STRU REST ALLO
 * PASV PORT RETR STOR APPE LIST NLST ABOR.  They check and open what the
 * transfer needs, then hand over to data/dataconn.c and data/xfer.c.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "ftp/addr.h"
#include "ftp/cmds.h"
#include "ftp/ftp.h"
#include "ftp/path.h"
#include "session.h"

void
cmd_type(struct str arg)
{
	struct str t, rest;

	(void)str_split(str_trim(arg), ' ', &t, &rest);
	rest = str_trim(rest);
	if (str_eq_ci(t, "A")) {
		if (!str_empty(rest) && !str_eq_ci(rest, "N")) {
			(void)ctl_reply(&sess.ctl, 504, "Form must be N.");
			return;
		}
		sess.type_ascii = 1;
		(void)ctl_reply(&sess.ctl, 200, "Type set to A.");
	} else if (str_eq_ci(t, "I") && str_empty(rest)) {
		sess.type_ascii = 0;
		(void)ctl_reply(&sess.ctl, 200, "Type set to I.");
	} else if (str_eq_ci(t, "L")) {
		if (!str_eq(rest, "8")) {
			(void)ctl_reply(&sess.ctl, 504, "Byte size must be 8.");
			return;
		}
		sess.type_ascii = 0;
		(void)ctl_reply(&sess.ctl, 200, "Type set to L (byte size 8).");
	} else if (str_eq_ci(t, "E")) {
		(void)ctl_reply(&sess.ctl, 504, "Type E not implemented.");
	} else {
		(void)ctl_reply(&sess.ctl, 501, "Unknown TYPE.");
	}
}

void
cmd_mode(struct str arg)
{
	if (str_eq_ci(str_trim(arg), "S"))
		(void)ctl_reply(&sess.ctl, 200, "MODE S accepted.");
	else
		(void)ctl_reply(&sess.ctl, 502, "Unimplemented MODE type.");
}

void
cmd_stru(struct str arg)
{
	if (str_eq_ci(str_trim(arg), "F"))
		(void)ctl_reply(&sess.ctl, 200, "STRU F accepted.");
	else
		(void)ctl_reply(&sess.ctl, 504, "Unimplemented STRU type.");
}

void
cmd_allo(struct str arg)
{
	(void)arg;
	(void)ctl_reply(&sess.ctl, 202, "ALLO command ignored.");
}

void
cmd_rest(struct str arg)
{
	uint64_t n;

	if (str_to_u64(str_trim(arg), INT64_MAX, &n) == -1) {
		(void)ctl_reply(&sess.ctl, 501, "REST requires a byte offset "
		    "(a non-negative number).");
		return;
	}
	(void)ctl_reply(&sess.ctl, 350, "Restarting at %llu. Send STORE or "
	    "RETRIEVE to initiate transfer.", (unsigned long long)n);
	sess.restart = (off_t)n;
	sess.restart_set = 1;
}

/* After EPSV ALL only EPSV may set up a data connection (RFC 2428). */
static int
refused_after_epsv_all(const char *cmd)
{
	if (!sess.epsv_all)
		return 0;
	(void)ctl_reply(&sess.ctl, 501, "No %s allowed after EPSV ALL.", cmd);
	return 1;
}

typedef int	fmt_fn(struct buf *, const struct sockaddr_storage *);

static void
passive(int code, fmt_fn *fmt)
{
	BUF_DECLARE(b, 256);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int r;

	if (!sess.cls->passive) {
		(void)ctl_reply(&sess.ctl, 502, "Passive mode is disabled.");
		return;
	}
	if (dc_pasv(&ss, &len) == -1) {
		(void)ctl_reply(&sess.ctl, 425, "Can't open passive "
		    "connection: %s.", strerror(errno));
		return;
	}
	/* ftpd.conf advertise: the address a client behind NAT must use. */
	if (sess.cls->have_advertise && fmt != addr_fmt_epsv) {
		uint16_t port = addr_port(&ss);

		ss = sess.cls->advertise;
		(void)addr_set_port(&ss, port);
	}
	if ((r = fmt(&b, &ss)) != 0) {
		dc_close();
		if (r == ADDR_AF)
			(void)ctl_reply(&sess.ctl, 425, "Can't open passive "
			    "connection: use EPSV on IPv6.");
		else
			(void)ctl_reply(&sess.ctl, 425, "Can't open passive "
			    "connection.");
		return;
	}
	(void)ctl_reply(&sess.ctl, code, "%.*s", (int)buf_len(&b),
	    (const char *)buf_data(&b));
}

void
cmd_pasv(struct str arg)
{
	(void)arg;
	if (!refused_after_epsv_all("PASV"))
		passive(227, addr_fmt_pasv);
}

void
cmd_lpsv(struct str arg)
{
	(void)arg;
	if (!refused_after_epsv_all("LPSV"))
		passive(228, addr_fmt_lpsv);
}

void
cmd_epsv(struct str arg)
{
	enum addr_epsv want;
	int mine = addr_net_prt(&sess.ctl_local), r;

	if (opts.no_epsv) {
		(void)ctl_reply(&sess.ctl, 500, "EPSV command disabled.");
		return;
	}
	if ((r = addr_parse_epsv(str_trim(arg), &want)) != ADDR_OK) {
		if (r == ADDR_AF)
			(void)ctl_reply(&sess.ctl, 522, "Network protocol not "
			    "supported, use (%d)", mine);
		else
			(void)ctl_reply(&sess.ctl, 501, "Invalid EPSV "
			    "argument.");
		return;
	}
	if (want == ADDR_EPSV_ALL) {
		sess.epsv_all = 1;
		(void)ctl_reply(&sess.ctl, 200, "EPSV ALL command successful.");
		return;
	}
	/* The data connection uses the control connection's family. */
	if (want != ADDR_EPSV_ANY && (int)want != mine) {
		(void)ctl_reply(&sess.ctl, 522, "Network protocol mismatch, "
		    "use (%d)", mine);
		return;
	}
	passive(229, addr_fmt_epsv);
}

typedef int	parse_fn(struct str, struct sockaddr_storage *, socklen_t *);

static void
active(const char *cmd, parse_fn *parse, struct str arg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int r;

	if (refused_after_epsv_all(cmd))
		return;
	r = parse(str_trim(arg), &ss, &len);
	if (r == ADDR_AF) {
		if (parse == addr_parse_lprt)
			(void)ctl_reply(&sess.ctl, 521, "Supported address "
			    "families are (4, 6)");
		else
			(void)ctl_reply(&sess.ctl, 522, "Network protocol not "
			    "supported, use (1,2)");
		return;
	}
	if (r != ADDR_OK) {
		(void)ctl_reply(&sess.ctl, 501, "Invalid %s argument.", cmd);
		return;
	}
	/* The data connection must be of the client's own family. */
	if (addr_net_prt(&ss) != addr_net_prt(&sess.ctl_peer) &&
	    sess.cls->checkportcmd) {
		(void)ctl_reply(&sess.ctl, 522, "Network protocol not "
		    "supported, use (%d)", addr_net_prt(&sess.ctl_peer));
		return;
	}
	r = dc_port_check(&ss, &len);
	if (r == -3) {
		(void)ctl_reply(&sess.ctl, 522, "Network protocol not "
		    "supported, use (%d)", addr_net_prt(&sess.ctl_local));
		return;
	}
	if (r != 0) {
		(void)ctl_reply(&sess.ctl, 500, "Illegal %s range rejected.",
		    cmd);
		return;
	}
	dc_close();
	sess.port_addr = ss;
	sess.port_addrlen = len;
	sess.dmode = DC_PORT;
	(void)ctl_reply(&sess.ctl, 200, "%s command successful.", cmd);
}

void
cmd_port(struct str arg)
{
	active("PORT", addr_parse_port, arg);
}

void
cmd_eprt(struct str arg)
{
	active("EPRT", addr_parse_eprt, arg);
}

void
cmd_lprt(struct str arg)
{
	active("LPRT", addr_parse_lprt, arg);
}

/* Common start of every transfer: a data channel must be set up. */
/* ftpd.conf "tls class data": no file byte in clear. */
static int
data_protected_enough(void)
{
	if (sess.cls->tls == FTPDCONF_TLS_DATA && !(sess.prot & MON_PROT_P)) {
		(void)ctl_reply(&sess.ctl, 522, "Data connections must be "
		    "protected: send PBSZ 0 and PROT P.");
		return 0;
	}
	return 1;
}

static int
begin(enum xfer_kind kind, const char *name, int file, int ascii)
{
	struct xfer *x = &sess.x;

	if (sess.dmode == DC_NONE || !data_protected_enough()) {
		if (file != -1)
			close(file);
		if (sess.dmode == DC_NONE)
			(void)ctl_reply(&sess.ctl, 425, "Use PORT or PASV "
			    "first.");
		return -1;
	}
	x->kind = kind;
	x->file = file;
	x->sock = -1;
	x->ascii = ascii;
	x->bytes = 0;
	x->connected = 0;
	memset(&x->as, 0, sizeof(x->as));
	(void)cstr_copy(x->name, sizeof(x->name), name);
	if (dc_open() == -1) {
		xfer_cleanup();
		return -1;
	}
	return 0;
}

void
cmd_retr(struct str arg)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (opts.no_retr || (sess.guest && opts.guest_no_retr)) {
		(void)ctl_reply(&sess.ctl, 500, "RETR command disabled.");
		return;
	}
	if (path_expand(arg, path, sizeof(path)) == -1)
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		session_reply_errno(550, path, errno);
		return;
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode) ||
	    (sess.guest && !S_ISREG(st.st_mode))) {
		close(fd);
		(void)ctl_reply(&sess.ctl, 550, "%s: not a plain file.", path);
		return;
	}
	sess.x.size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	sess.x.offset = 0;
	/* In TYPE A the offset counts converted bytes (xfer.c skips). */
	if (sess.restart_set)
		sess.x.offset = sess.restart;
	sess.x.use_sendfile = S_ISREG(st.st_mode) && !sess.type_ascii;
	(void)begin(XF_RETR, path, fd, sess.type_ascii);
}

/*
 * Create name, or name.1 ... name.99, each with O_EXCL (no race); the
 * name used is left in out.  -1 with errno when all are taken.
 */
static int
open_unique(const char *name, char *out, size_t outsize)
{
	int fd, i;

	for (i = 0; i < 100; i++) {
		if ((i == 0 ? cstr_copy(out, outsize, name) :
		    cstr_printf(out, outsize, "%s.%d", name, i)) == -1) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static void
store(struct str arg, int append, int unique)
{
	char path[PATH_MAX], name[PATH_MAX];
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC;

	/* Before anything is created or truncated: a 425 changes nothing. */
	if (sess.dmode == DC_NONE) {
		(void)ctl_reply(&sess.ctl, 425, "Use PORT or PASV first.");
		return;
	}
	if (!data_protected_enough())
		return;
	if (path_expand(arg, path, sizeof(path)) == -1)
		return;
	if (sess.cls->sanenames && !classconf_sane_name(path)) {
		(void)ctl_reply(&sess.ctl, 553, "%s: file name not allowed.",
		    path);
		return;
	}
	if (sess.guest && !session_guest_modify()) {
		/* Guests never overwrite, append to, or resume a file. */
		if (append) {
			(void)ctl_reply(&sess.ctl, 550, "Appending to existing "
			    "file denied.");
			return;
		}
		if (sess.restart_set) {
			(void)ctl_reply(&sess.ctl, 550, "Modifying existing "
			    "file denied.");
			return;
		}
		/* BSD: a guest's STOR is a STOU. */
		unique = 1;
	}
	if (unique) {
		if ((fd = open_unique(path, name, sizeof(name))) == -1) {
			if (errno == EEXIST)
				(void)ctl_reply(&sess.ctl, 452, "Unique file "
				    "name cannot be created.");
			else
				session_reply_errno(553, path, errno);
			return;
		}
		sess.x.unique = 1;
		sess.x.append = 0;
		(void)begin(XF_STOR, name, fd, sess.type_ascii);
		return;
	}
	if (append)
		flags |= O_APPEND;
	else if (!sess.restart_set)
		flags |= O_TRUNC;
	if ((fd = open(path, flags, 0666)) == -1) {
		session_reply_errno(553, path, errno);
		return;
	}
	if (sess.restart_set && !append &&
	    lseek(fd, sess.restart, SEEK_SET) == -1) {
		session_reply_errno(553, path, errno);
		close(fd);
		return;
	}
	sess.x.append = append;
	sess.x.unique = 0;
	(void)begin(XF_STOR, path, fd, sess.type_ascii);
}

void
cmd_stor(struct str arg)
{
	store(arg, 0, 0);
}

void
cmd_appe(struct str arg)
{
	store(arg, 1, 0);
}

void
cmd_stou(struct str arg)
{
	/* No argument: BSD uses a fixed base name. */
	store(str_empty(arg) ? str_cstr("ftpd.upload") : arg, 0, 1);
}

void
xfer_begin_list(const char *arg)
{
	/* The listing itself is produced in xfer.c once connected. */
	(void)begin(XF_LIST, arg, -1, 1);
}

static void
list(struct str arg, int nlst)
{
	char a[PATH_MAX];

	if (str_copy(arg, a, sizeof(a)) == -1) {
		(void)ctl_reply(&sess.ctl, 550, "Argument too long.");
		return;
	}
	sess.x.nlst = nlst;
	sess.x.mlsd = 0;
	xfer_begin_list(a);
}

void
cmd_list(struct str arg)
{
	list(arg, 0);
}

void
cmd_nlst(struct str arg)
{
	list(arg, 1);
}

void
cmd_abor(struct str arg)
{
	(void)arg;
	/* A transfer in progress is aborted in xfer.c; here none runs. */
	dc_close();
	(void)ctl_reply(&sess.ctl, 225, "ABOR command successful.");
}
