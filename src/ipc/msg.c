/*
 * msg.c: framing for the monitor channel.  SOCK_SEQPACKET keeps message
 * boundaries, so a packet is exactly one message and there is no partial
 * read state to get wrong.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc/mon_proto.h"
#include "ipc/msg.h"

int
msg_socketpair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

int
msg_send(int sock, uint32_t type, const void *body, size_t len, int fd)
{
	struct mon_hdr h;
	struct iovec iov[2];
	struct msghdr m;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	ssize_t n;

	if (len > MSG_MAX - sizeof(h)) {
		errno = EMSGSIZE;
		return -1;
	}
	h.type = type;
	h.len = (uint32_t)len;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)body;
	iov[1].iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.buf;
		m.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != sizeof(h) + len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
msg_recv(int sock, uint32_t *type, void *body, size_t bodysize, size_t *len,
    int *fd)
{
	struct mon_hdr h;
	struct iovec iov[2];
	struct msghdr m;
	struct cmsghdr *c;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	ssize_t n;

	*fd = -1;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = body;
	iov[1].iov_len = bodysize;
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	m.msg_control = cm.buf;
	m.msg_controllen = sizeof(cm.buf);
	do {
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0)
		return 0;
	/* Close every descriptor received; keep one only if well-formed. */
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		size_t i, nfd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd == -1 && i == 0)
				*fd = got;
			else
				close(got);
		}
	}
	if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    (size_t)n < sizeof(h) || h.len != (size_t)n - sizeof(h)) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		errno = EBADMSG;
		return -1;
	}
	*type = h.type;
	*len = h.len;
	return 1;
}

int
msg_str_ok(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}
