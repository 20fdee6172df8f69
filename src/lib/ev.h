/*
 * ev: one event loop per process, over epoll (Linux) or kqueue (BSD).
 *
 * The caller owns every struct ev_io and struct ev_timer; the loop keeps
 * pointers to them, so they must stay put until removed.  Signals are
 * delivered as events (signalfd / EVFILT_SIGNAL): no signal handler runs
 * in any process, so nothing happens asynchronously.
 */
#ifndef FTPD_EV_H
#define FTPD_EV_H

#include <stdint.h>

#define EV_READ		0x1
#define EV_WRITE	0x2
#define EV_ERROR	0x4	/* reported only: hangup or socket error */

struct ev_loop;
struct ev_io;
struct ev_timer;

typedef void	ev_io_cb(struct ev_loop *, struct ev_io *, unsigned events);
typedef void	ev_timer_cb(struct ev_loop *, struct ev_timer *);
typedef void	ev_signal_cb(struct ev_loop *, int signo, void *arg);

struct ev_io {
	int		 fd;
	unsigned	 events;	/* what is being waited for */
	ev_io_cb	*cb;
	void		*arg;
	int		 priv_added;
};

struct ev_timer {
	int64_t		 priv_deadline;	/* monotonic ms; 0 = not armed */
	ev_timer_cb	*cb;
	void		*arg;
	struct ev_timer	*priv_next;
};

struct ev_loop	*ev_new(void);
void		 ev_free(struct ev_loop *);

/* Start, change and stop watching a descriptor. */
int	 ev_io_start(struct ev_loop *, struct ev_io *, int fd, unsigned events,
	    ev_io_cb *, void *arg);
int	 ev_io_set(struct ev_loop *, struct ev_io *, unsigned events);
void	 ev_io_stop(struct ev_loop *, struct ev_io *);

/* One-shot timers; re-arming an armed timer moves it. */
void	 ev_timer_start(struct ev_loop *, struct ev_timer *, int64_t ms,
	    ev_timer_cb *, void *arg);
void	 ev_timer_stop(struct ev_loop *, struct ev_timer *);
int	 ev_timer_armed(const struct ev_timer *);

/*
 * Deliver signo as an event.  The signal is blocked (Linux) or ignored
 * (kqueue) for normal delivery; ev_signals_reset() undoes that in a child.
 */
int	 ev_signal(struct ev_loop *, int signo, ev_signal_cb *, void *arg);
void	 ev_signals_reset(void);

/* Wait up to max_ms (-1: no limit other than timers), run callbacks. */
int	 ev_run_once(struct ev_loop *, int max_ms);
/* Run until ev_break(). */
int	 ev_run(struct ev_loop *);
void	 ev_break(struct ev_loop *);

int64_t	 ev_now_ms(void);		/* CLOCK_MONOTONIC in ms */

#endif
