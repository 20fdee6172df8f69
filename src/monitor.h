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

/*
 * What the monitor knows of a connection, given to the roles it forks
 * (in memory, by fork): after AUTH TLS their FD_CTL is a socketpair to
 * the TLS relay, so the addresses cannot come from the descriptor.
 */
struct mon_conn {
	struct sockaddr_storage	 peer, local;
	socklen_t		 peerlen, locallen;
	char			 ip[64];
	int			 implicit;	/* the implicit FTPS port */
	int			 tls;		/* control runs TLS (relayed) */
	const uint8_t		*tls_state;	/* login, session: mon_tls */
	size_t			 tls_len;
};

/* monitor.c */
int	 mon_init(struct ev_loop *);
/*
 * Start serving a new control connection (takes ownership of fd);
 * implicit: it came in on the implicit FTPS port.
 */
int	 mon_session_start(struct ev_loop *, int ctl_fd, int implicit);
unsigned mon_session_count(void);
void	 mon_shutdown(void);		/* SIGTERM: end every session */

/* Roles (never return). */
struct tls_conn;
void	 preauth_main(const struct mon_rein *, const struct mon_conn *)
	    __attribute__((noreturn));
void	 login_main(struct mon_login *, const struct mon_conn *)
	    __attribute__((noreturn));
void	 relay_main(struct tls_conn *, int tlsfd, int plain)
	    __attribute__((noreturn));

/* mon_wrap.c: stubs used by jailed roles, named after the request. */
void	 mon_log_relay(int prio, const char *text);
/* ctl: the control descriptor to pass, or -1 (the monitor holds it). */
int	 mon_login(const char *user, const char *pass, const char *host,
	    const void *pending, size_t pending_len, unsigned prot, int ctl,
	    struct mon_login_fail *fail);
/*
 * ftpd.conf denyquick: may this user be asked for a password?  1 yes,
 * 0 no (fail holds the reply), -1 bad arguments.
 */
int	 mon_user_check(const char *user, const char *host,
	    struct mon_login_fail *fail);
/* Hand over the TLS state; returns the relay's end of the pair, or -1. */
int	 mon_tls(const void *state, size_t len);
int	 mon_data_socket(int *fd);
int	 mon_rein(const void *pending, size_t len, int reply);
int	 mon_hash_begin(void);		/* 0, or -1 (EBUSY: try later) */
void	 mon_hash_end(void);

#endif
