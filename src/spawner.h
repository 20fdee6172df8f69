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

struct ev_loop;

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
 * Listener: fork the spawner and watch its answers in l (again after
 * SIGHUP, so that the new one has the reloaded configuration; the old one
 * exits once its children have).  0, or -1 (logged): the monitor then
 * forks by itself.
 */
int	 spawner_start(struct ev_loop *l);

/*
 * Monitor: start the role req describes on the control connection ctl
 * (always consumed); *chan gets the monitor's end of the child's channel.
 * Returns the pid, or 0 when the spawner forks it (mon_spawned() gets the
 * pid later; a failed fork shows as EOF on *chan), or -1 with errno.
 * Without a spawner (inetd) the monitor forks the child itself.
 */
pid_t	 spawn_child(struct spawn_req *req, int ctl, int *chan, void *who);

/* who's pid for kind (SPAWN_*), from the spawner's answer (monitor.c). */
void	 mon_spawned(void *who, int kind, pid_t pid);

/* who is gone: drop its pending answers of kind (0: all); kill: SIGKILL
 * the children they name. */
void	 spawn_forget(void *who, int kind, int kill);

/* Wait (bounded) for who's pending answers; NULL: for all of them. */
void	 spawn_settle(void *who);

#endif
