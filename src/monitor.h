/*
 * monitor.h: the privileged monitor (monitor.c) and its worker-side
 * stubs (ipc/mon_wrap.c), plus the entry points of each process role.
 */
#ifndef FTPD_MONITOR_H
#define FTPD_MONITOR_H

#include <sys/socket.h>
#include <sys/types.h>

#include "ipc/mon_proto.h"
#include "ipc/role.h"

struct ev_loop;

/* Fixed descriptor numbers inside every child role. */
#define FD_CTL		0	/* control connection (also fd 1) */
#define FD_MON		3	/* monitor channel */

/* Resolved once at start-up, as root, outside any chroot. */
struct mon_ids {
	struct role_id	 nopriv;
};
extern struct mon_ids	mon_ids;

/* monitor.c */
int	 mon_init(struct ev_loop *);
/* Start serving a new control connection (takes ownership of fd). */
int	 mon_session_start(struct ev_loop *, int ctl_fd);
unsigned mon_session_count(void);
void	 mon_shutdown(void);		/* SIGTERM: end every session */

/* Roles (never return). */
void	 preauth_main(const struct mon_rein *) __attribute__((noreturn));
void	 login_main(struct mon_login *) __attribute__((noreturn));

/* mon_wrap.c: stubs used by jailed roles, named after the request. */
void	 mon_log_relay(int prio, const char *text);
int	 mon_login(const char *user, const char *pass, const char *host,
	    const void *pending, size_t pending_len,
	    struct mon_login_fail *fail);
int	 mon_data_socket(int *fd);
int	 mon_rein(const void *pending, size_t len, int reply);
int	 mon_hash_begin(void);		/* 0, or -1 (EBUSY: try later) */
void	 mon_hash_end(void);

#endif
