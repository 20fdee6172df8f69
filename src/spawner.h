/*
 * spawner.h: the standalone daemon's spawner process (spawner.c), which
 * forks every pre-login and login process so that none of them is a copy
 * of the monitor: the monitor's descriptor table and heap grow with the
 * number of sessions, and a fork copies both.
 */
#ifndef FTPD_SPAWNER_H
#define FTPD_SPAWNER_H

#include <sys/types.h>

#include <stdint.h>

#include "ipc/mon_proto.h"
#include "monitor.h"

enum spawn_kind {
	SPAWN_PREAUTH = 1,	/* preauth_main(rein ? &u.rein : NULL) */
	SPAWN_LOGIN		/* login_main(&u.login) */
};

/*
 * Everything a forked role needs beyond what every process inherited at
 * start-up (options, ftpd.conf, ftphosts, TLS contexts), as one message.
 */
struct spawn_req {
	uint32_t		 kind;		/* enum spawn_kind */
	uint32_t		 rein;		/* PREAUTH: u.rein applies */
	struct mon_conn		 conn;		/* tls_state: NULL here */
	struct mon_tls		 tls;		/* LOGIN on FTPS: the handoff */
	union {
		struct mon_rein	 rein;
		struct mon_login login;
	} u;
};

struct spawn_ans {
	int32_t			 pid;		/* > 0, or 0 with err */
	int32_t			 err;
};

/*
 * Listener: fork the spawner (again after SIGHUP, so that the new one
 * has the reloaded configuration; the old one exits once its children
 * have).  0, or -1 with errno: the monitor then forks by itself.
 */
int	 spawner_start(void);

/*
 * Monitor: start the role req describes on the control connection ctl
 * (always consumed).  Returns the child's pid and its channel in *chan,
 * or -1.  Without a spawner (inetd) the monitor forks the child itself.
 */
pid_t	 spawn_child(struct spawn_req *req, int ctl, int *chan);

#endif
