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
	return msg_send_fds(sock, type, body, len, &fd, fd >= 0 ? 1 : 0);
}

int
msg_send_fds(int sock, uint32_t type, const void *body, size_t len,
    const int *fds, size_t nfd)
{
	struct mon_hdr h;
	struct iovec iov[2];
	struct msghdr m;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
	} cm;
	ssize_t n;

	if (nfd > MSG_FDS_MAX) {
		errno = EINVAL;
		return -1;
	}
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
	if (nfd > 0) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfd);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfd);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfd);
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
	size_t nfd;

	return msg_recv_fds(sock, type, body, bodysize, len, fd, 1, &nfd);
}

int
msg_recv_fds(int sock, uint32_t *type, void *body, size_t bodysize,
    size_t *len, int *fds, size_t maxfd, size_t *nfd)
{
	struct mon_hdr h;
	struct iovec iov[2];
	struct msghdr m;
	struct cmsghdr *c;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX * 2)];
	} cm;
	ssize_t n;
	size_t k;

	*nfd = 0;
	for (k = 0; k < maxfd; k++)
		fds[k] = -1;
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
	/* Keep the first maxfd descriptors of the first set; close others. */
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		size_t i, got_n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		got_n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < got_n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (c == CMSG_FIRSTHDR(&m) && i < maxfd)
				fds[(*nfd)++] = got;
			else
				close(got);
		}
	}
	if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    (size_t)n < sizeof(h) || h.len != (size_t)n - sizeof(h)) {
		for (k = 0; k < *nfd; k++)
			close(fds[k]);
		*nfd = 0;
		for (k = 0; k < maxfd; k++)
			fds[k] = -1;
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
