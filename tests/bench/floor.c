/*
 * floor.c: the floor of a process-per-login FTP server, for W3's reference
 * figures (tests/bench/run.sh).  It does only what a login must cost in
 * such a design and nothing an FTP server would add: no files read, no
 * configuration, no logging, no user database.
 *
 *   floor -p PORT -e EMPTY -r ROOT -n NOPRIV_UID -u USER_UID -g USER_GID -m 1|2
 *
 * -m 1: one process per connection: fork, chroot EMPTY, drop to the
 *       unprivileged uid, answer 220, 331, 230, 221.
 * -m 2: privilege separated as ftpd, vsftpd and pure-ftpd are: the root
 *       parent forks an unprivileged pre-login process (chroot EMPTY,
 *       NOPRIV_UID) that answers 220 and 331 and reports PASS on a socket
 *       pair; the parent then forks the session (chroot ROOT, USER_UID),
 *       which answers 230 and 221.  Two forks per login.
 *
 * Every connection is expected to send USER, PASS and QUIT; anything else
 * ends it.  Runs until killed.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *empty_dir, *anon_root;
static uid_t nopriv, user_uid;
static gid_t user_gid;

static void
jail(const char *dir, uid_t uid, gid_t gid)
{
	if (chroot(dir) == -1 || chdir("/") == -1 ||
	    setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		_exit(1);
}

static int
say(int fd, const char *s)
{
	size_t n = strlen(s);

	return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* Read one command line (bounded); 0, or -1 at EOF or error. */
static int
line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = recv(fd, buf + n, 1, 0);

		if (r <= 0)
			return -1;
		if (buf[n++] == '\n') {
			buf[n] = '\0';
			return 0;
		}
	}
	return -1;
}

static int
expect(int fd, const char *verb)
{
	char buf[256];

	return line(fd, buf, sizeof(buf)) == 0 &&
	    strncmp(buf, verb, strlen(verb)) == 0 ? 0 : -1;
}

static void __attribute__((noreturn))
session(int ctl, int greet)
{
	jail(anon_root, user_uid, user_gid);
	if (greet && (say(ctl, "220 ready\r\n") == -1 ||
	    expect(ctl, "USER") == -1 || say(ctl, "331 pass\r\n") == -1 ||
	    expect(ctl, "PASS") == -1))
		_exit(1);
	if (say(ctl, "230 in\r\n") == -1 || expect(ctl, "QUIT") == -1)
		_exit(1);
	(void)say(ctl, "221 bye\r\n");
	_exit(0);
}

static void __attribute__((noreturn))
prelogin(int ctl, int chan)
{
	jail(empty_dir, nopriv, (gid_t)nopriv);
	if (say(ctl, "220 ready\r\n") == -1 || expect(ctl, "USER") == -1 ||
	    say(ctl, "331 pass\r\n") == -1 || expect(ctl, "PASS") == -1 ||
	    send(chan, "L", 1, MSG_NOSIGNAL) != 1)
		_exit(1);
	_exit(0);
}

/* Per connection in mode 2: the parent's end of the pre-login's pair. */
struct conn {
	int	ctl, chan;
};

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct epoll_event ev, evs[64];
	struct sigaction sa;
	int c, lfd, ep, mode = 1, port = 0, one = 1, i, n;

	while ((c = getopt(argc, argv, "p:e:r:n:u:g:m:")) != -1) {
		switch (c) {
		case 'p': port = atoi(optarg); break;
		case 'e': empty_dir = optarg; break;
		case 'r': anon_root = optarg; break;
		case 'n': nopriv = (uid_t)atoi(optarg); break;
		case 'u': user_uid = (uid_t)atoi(optarg); break;
		case 'g': user_gid = (gid_t)atoi(optarg); break;
		case 'm': mode = atoi(optarg); break;
		default: return 2;
		}
	}
	if (port <= 0 || empty_dir == NULL || anon_root == NULL ||
	    nopriv == 0 || user_uid == 0 || (mode != 1 && mode != 2)) {
		fprintf(stderr, "usage: floor -p port -e empty -r root -n uid "
		    "-u uid -g gid -m 1|2\n");
		return 2;
	}
	/* Children are reaped by the kernel. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		return 1;
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 1;
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1024) == -1 || (ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("floor");
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		return 1;
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			struct conn *k = evs[i].data.ptr;
			int ctl, sp[2];
			char b;

			if (k == NULL) {
				if ((ctl = accept4(lfd, NULL, NULL,
				    SOCK_CLOEXEC)) == -1)
					continue;
				(void)setsockopt(ctl, IPPROTO_TCP, TCP_NODELAY,
				    &one, sizeof(one));
				if (mode == 1) {
					if (fork() == 0)
						session(ctl, 1);
					close(ctl);
					continue;
				}
				if (socketpair(AF_UNIX, SOCK_SEQPACKET |
				    SOCK_CLOEXEC, 0, sp) == -1 ||
				    (k = malloc(sizeof(*k))) == NULL) {
					close(ctl);
					continue;
				}
				if (fork() == 0) {
					close(sp[0]);
					prelogin(ctl, sp[1]);
				}
				close(sp[1]);
				k->ctl = ctl;
				k->chan = sp[0];
				ev.events = EPOLLIN;
				ev.data.ptr = k;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, k->chan,
				    &ev) == -1) {
					close(k->ctl);
					close(k->chan);
					free(k);
				}
				continue;
			}
			/* The pre-login said PASS (or died): the session. */
			if (recv(k->chan, &b, 1, 0) == 1 && fork() == 0)
				session(k->ctl, 0);
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, k->chan, NULL);
			close(k->chan);
			close(k->ctl);
			free(k);
		}
	}
}
