/*
 * session.h: the logged-in session process's state, shared by session.c
 * (the loop and dispatch), ftp/cmd_*.c (the commands), data/dataconn.c
 * (data connections) and data/xfer.c (moving bytes).
 */
#ifndef FTPD_SESSION_H
#define FTPD_SESSION_H

#include <sys/socket.h>
#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

#include "conf/classconf.h"
#include "data/ascii.h"
#include "ev.h"
#include "ftp/ctl.h"
#include "ipc/mon_proto.h"
#include "str.h"

struct idmap;
struct mon_conn;
struct tls_conn;
struct tls_parent;

enum dc_mode { DC_NONE = 0, DC_PASV, DC_PORT };

enum xfer_kind { XF_NONE = 0, XF_RETR, XF_STOR, XF_LIST, XF_HASH };

struct xfer {
	enum xfer_kind		 kind;
	int			 file;		/* file descriptor, or -1 */
	int			 sock;		/* data connection, or -1 */
	int			 ascii;
	int			 connected;
	off_t			 offset;	/* RETR: next file offset */
	uint64_t		 bytes;		/* bytes on the wire */
	uint64_t		 size;		/* RETR: file size */
	int64_t			 started;	/* ms */
	int			 use_sendfile;
	struct ascii_state	 as;
	uint8_t			*buf;		/* staging buffer */
	size_t			 buf_len, buf_off, buf_cap;
	struct ev_io		 io;
	struct ev_timer		 timer;
	int			 append;
	int			 unique;	/* STOU-style create */
	int			 nlst;		/* LIST: names only */
	int64_t			 room;		/* STOR: bytes maxfilesize allows */
	int			 mlsd;		/* LIST: MLSD facts */
	int			 use_splice;	/* STOR: socket -> pipe -> file */
	int			 pipe[2];	/* ... its pipe */
	struct tls_conn		*tls;		/* PROT P, or NULL */
	unsigned		 want;		/* EV_* the last I/O waits for */
	int			 truncated;	/* TLS upload cut short */
	int			 closing;	/* sending close_notify, then 226 */
	char			 name[PATH_MAX];
	char			 final_msg[512];
};

/*
 * The small fields first, then the control buffer, then the big arrays
 * that an idle session rarely writes: only pages written become the
 * session's own memory.
 */
struct sess {
	struct ev_loop		*loop;
	struct ev_io		 ctl_io;
	struct ev_timer		 idle;
	int			 idle_timeout;

	int			 guest;
	int			 chrooted;
	char			 user[MON_USER_MAX];
	char			 ident[64];	/* guest "password" */
	char			 ip[64];
	struct idmap		*ids;
	int			 statfd;	/* -S: guest downloads */
	const struct class_settings *cls;	/* ftpd.conf class */

	int			 type_ascii;
	mode_t			 umask;
	int			 utf8;		/* OPTS UTF8 (informational) */
	int			 epsv_all;
	off_t			 restart;	/* REST, valid for one command */
	int			 restart_set;
	int			 rnfr_set;

	struct sockaddr_storage	 ctl_peer, ctl_local;
	socklen_t		 ctl_peerlen, ctl_locallen;

	int			 tls_ctl;	/* the control connection is TLS */
	unsigned		 prot;		/* MON_PROT_* (PBSZ, PROT P) */
	struct tls_parent	*tls_parent;	/* data must resume this */

	enum dc_mode		 dmode;
	int			 pasv_fd;
	struct sockaddr_storage	 port_addr;
	socklen_t		 port_addrlen;

	struct ctl		 ctl;
	char			 home[PATH_MAX];
	struct xfer		 x;		/* kind XF_NONE when idle */
	char			 rnfr[PATH_MAX];
};

extern struct sess	sess;

/* What the login worker hands to the session it becomes. */
struct login_info {
	const struct mon_result	*res;
	const uint8_t		*pending;	/* pipelined after PASS */
	size_t			 pending_len;
	int			 fell_back;	/* home missing: at "/" */
	const char		*home;		/* CWD with no argument */
	const char		*ident;		/* guest password, or NULL */
	struct idmap		*ids;		/* names for listings */
	const char		*motd;		/* opened after chroot */
	int			 statfd;	/* -S log, or -1 */
	const struct class_settings *cls;	/* ftpd.conf class */
	const struct mon_conn	*conn;		/* addresses, TLS */
	unsigned		 prot;		/* MON_PROT_* from pre-login */
	struct tls_parent	*tls_parent;	/* FTPS control session */
};

/* session.c */
void	 session_main(const struct login_info *) __attribute__((noreturn));
void	 session_reply_errno(int code, const char *name, int err);
void	 session_exit(int status) __attribute__((noreturn));
/* May this guest change existing files (-m, or ftpd.conf modify)? */
int	 session_guest_modify(void);
/* Log out and hand the connection to a new pre-login process. */
void	 session_rein(const void *pending, size_t len, int reply)
	    __attribute__((noreturn));
/* Called when a transfer ends, to resume reading commands. */
void	 session_xfer_done(void);
/* Watch the control connection again (after it was paused). */
void	 session_resume_ctl(void);
/* Is path something the -l -l log should say relative to? */
void	 session_log_op(const char *op, const char *a, const char *b,
	    int64_t bytes);

/* ftp/cmd_fs.c and ftp/cmd_xfer.c: one handler per verb. */
typedef void	cmd_fn(struct str arg);
struct cmd {
	const char	*verb;
	cmd_fn		*fn;
	unsigned	 flags;
#define CMD_ARG		0x1	/* an argument is required */
#define CMD_NOARG	0x2	/* no argument allowed */
#define CMD_WRITE	0x4	/* modifies the file system */
#define CMD_UPLOAD	0x8	/* stores data: STOR APPE STOU */
};
const struct cmd	*cmd_lookup(struct str verb);

/* data/dataconn.c */
int	 dc_pasv(struct sockaddr_storage *bound, socklen_t *len);
/* Bounce checks on a PORT/EPRT/LPRT address: 0, -2 refused, -3 family. */
int	 dc_port_check(struct sockaddr_storage *, socklen_t *);
void	 dc_close(void);
/* Start opening the data connection for sess.x; calls xfer_connected. */
int	 dc_open(void);

/* data/xfer.c */
void	 xfer_start(void);		/* after the 150 reply */
void	 xfer_connected(int sock);
void	 xfer_abort(const char *why);
/* A control line arrived during a transfer: handle ABOR/STAT. */
void	 xfer_check_abort(void);
/* End the running job with this reply (HASH). */
void	 xfer_finish_reply(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Start LIST/NLST/MLSD of arg (sess.x.nlst / mlsd set by the caller). */
void	 xfer_begin_list(const char *arg);

/* ftp/cmd_mlsx.c, ftp/cmd_hash.c */
struct buf;
int	 mlsx_feat_line(struct buf *);
int	 hash_feat_line(struct buf *);
void	 hash_cleanup(void);
int	 mlsd_list(const char *dir,
	    int (*sink)(void *, const void *, size_t), void *arg);
void	 xfer_cleanup(void);

#endif
