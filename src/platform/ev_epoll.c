/*
 * ev_epoll.c: the lib/ev.h event loop on Linux (epoll + signalfd).
 *
 * Signals are blocked with sigprocmask and read from one signalfd, so no
 * handler ever runs.  Timers are a short unsorted list scanned per
 * iteration: a process has a handful of them (idle, data, login delay).
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ev.h"

#define EV_MAX_SIGNALS	8
#define EV_BATCH	64

struct ev_sig {
	int		 signo;
	ev_signal_cb	*cb;
	void		*arg;
};

struct ev_loop {
	int		 epfd;
	int		 sigfd;
	sigset_t	 sigmask;
	struct ev_sig	 sigs[EV_MAX_SIGNALS];
	int		 nsigs;
	struct ev_timer	*timers;
	int		 stop;
	/* io removed during a batch must not be dispatched afterwards */
	struct ev_io	*batch[EV_BATCH];
	int		 nbatch;
};

static sigset_t ev_blocked;	/* what we blocked, for ev_signals_reset */

int64_t
ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ev_loop *
ev_new(void)
{
	struct ev_loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	return l;
}

void
ev_free(struct ev_loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	if (l->sigfd != -1)
		close(l->sigfd);
	free(l);
}

static uint32_t
to_epoll(unsigned events)
{
	uint32_t e = 0;

	if (events & EV_READ)
		e |= EPOLLIN | EPOLLRDHUP;
	if (events & EV_WRITE)
		e |= EPOLLOUT;
	return e;
}

int
ev_io_start(struct ev_loop *l, struct ev_io *io, int fd, unsigned events,
    ev_io_cb *cb, void *arg)
{
	struct epoll_event ee;

	io->fd = fd;
	io->events = events;
	io->cb = cb;
	io->arg = arg;
	memset(&ee, 0, sizeof(ee));
	ee.events = to_epoll(events);
	ee.data.ptr = io;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) == -1)
		return -1;
	io->priv_added = 1;
	return 0;
}

int
ev_io_set(struct ev_loop *l, struct ev_io *io, unsigned events)
{
	struct epoll_event ee;

	if (!io->priv_added)
		return -1;
	if (io->events == events)
		return 0;
	io->events = events;
	memset(&ee, 0, sizeof(ee));
	ee.events = to_epoll(events);
	ee.data.ptr = io;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ee);
}

void
ev_io_stop(struct ev_loop *l, struct ev_io *io)
{
	int i;

	if (!io->priv_added)
		return;
	/* The fd may already be closed; EPOLL_CTL_DEL failing is harmless. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->priv_added = 0;
	for (i = 0; i < l->nbatch; i++)
		if (l->batch[i] == io)
			l->batch[i] = NULL;
}

void
ev_timer_start(struct ev_loop *l, struct ev_timer *t, int64_t ms,
    ev_timer_cb *cb, void *arg)
{
	ev_timer_stop(l, t);
	t->priv_deadline = ev_now_ms() + (ms < 0 ? 0 : ms);
	if (t->priv_deadline == 0)
		t->priv_deadline = 1;
	t->cb = cb;
	t->arg = arg;
	t->priv_next = l->timers;
	l->timers = t;
}

void
ev_timer_stop(struct ev_loop *l, struct ev_timer *t)
{
	struct ev_timer **pp;

	if (t->priv_deadline == 0)
		return;
	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->priv_next) {
		if (*pp == t) {
			*pp = t->priv_next;
			break;
		}
	}
	t->priv_deadline = 0;
	t->priv_next = NULL;
}

int
ev_timer_armed(const struct ev_timer *t)
{
	return t->priv_deadline != 0;
}

int
ev_signal(struct ev_loop *l, int signo, ev_signal_cb *cb, void *arg)
{
	int fd;

	if (l->nsigs == EV_MAX_SIGNALS)
		return -1;
	sigaddset(&l->sigmask, signo);
	sigaddset(&ev_blocked, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) == -1)
		return -1;
	fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	if (l->sigfd == -1) {
		struct epoll_event ee;

		memset(&ee, 0, sizeof(ee));
		ee.events = EPOLLIN;
		ee.data.ptr = NULL;	/* NULL marks the signalfd */
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) == -1) {
			close(fd);
			return -1;
		}
		l->sigfd = fd;
	}
	l->sigs[l->nsigs].signo = signo;
	l->sigs[l->nsigs].cb = cb;
	l->sigs[l->nsigs].arg = arg;
	l->nsigs++;
	return 0;
}

void
ev_signals_reset(void)
{
	sigprocmask(SIG_UNBLOCK, &ev_blocked, NULL);
	sigemptyset(&ev_blocked);
}

static void
dispatch_signals(struct ev_loop *l)
{
	struct signalfd_siginfo si;
	int i;

	for (;;) {
		ssize_t n = read(l->sigfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si))
			return;
		for (i = 0; i < l->nsigs; i++)
			if (l->sigs[i].signo == (int)si.ssi_signo)
				l->sigs[i].cb(l, (int)si.ssi_signo,
				    l->sigs[i].arg);
	}
}

static int
next_timeout(struct ev_loop *l, int max_ms)
{
	struct ev_timer *t;
	int64_t now, best = -1;

	if (l->timers == NULL)
		return max_ms;
	now = ev_now_ms();
	for (t = l->timers; t != NULL; t = t->priv_next) {
		int64_t d = t->priv_deadline - now;

		if (d < 0)
			d = 0;
		if (best == -1 || d < best)
			best = d;
	}
	if (max_ms >= 0 && max_ms < best)
		return max_ms;
	return best > 86400000 ? 86400000 : (int)best;
}

static void
run_timers(struct ev_loop *l)
{
	struct ev_timer *t;
	int64_t now = ev_now_ms();

	/* Restart the scan after each callback: it may change the list. */
again:
	for (t = l->timers; t != NULL; t = t->priv_next) {
		if (t->priv_deadline <= now) {
			ev_timer_stop(l, t);
			t->cb(l, t);
			goto again;
		}
	}
}

int
ev_run_once(struct ev_loop *l, int max_ms)
{
	struct epoll_event evs[EV_BATCH];
	int i, n;

	n = epoll_wait(l->epfd, evs, EV_BATCH, next_timeout(l, max_ms));
	if (n == -1) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	l->nbatch = n;
	for (i = 0; i < n; i++)
		l->batch[i] = evs[i].data.ptr;
	for (i = 0; i < n; i++) {
		struct ev_io *io;
		unsigned what = 0;

		if (evs[i].data.ptr == NULL) {
			dispatch_signals(l);
			continue;
		}
		if ((io = l->batch[i]) == NULL)
			continue;	/* stopped by an earlier callback */
		if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLPRI))
			what |= EV_READ;
		if (evs[i].events & EPOLLOUT)
			what |= EV_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			what |= EV_ERROR | (io->events & (EV_READ | EV_WRITE));
		io->cb(l, io, what);
	}
	l->nbatch = 0;
	run_timers(l);
	return 0;
}

int
ev_run(struct ev_loop *l)
{
	l->stop = 0;
	while (!l->stop)
		if (ev_run_once(l, -1) == -1)
			return -1;
	return 0;
}

void
ev_break(struct ev_loop *l)
{
	l->stop = 1;
}
