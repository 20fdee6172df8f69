/*
 * msg: one typed message per SOCK_SEQPACKET packet, with an optional
 * descriptor (SCM_RIGHTS).  See mon_proto.h for the types.
 */
#ifndef FTPD_MSG_H
#define FTPD_MSG_H

#include <stddef.h>
#include <stdint.h>

#define MSG_MAX		8192	/* largest packet, header included */

int	 msg_socketpair(int fds[2]);

#define MSG_FDS_MAX	2	/* descriptors in one message */

/* Send type + body (+ fd if fd >= 0).  0, or -1 with errno. */
int	 msg_send(int sock, uint32_t type, const void *body, size_t len, int fd);
int	 msg_send_fds(int sock, uint32_t type, const void *body, size_t len,
	    const int *fds, size_t nfd);

/*
 * Receive one message into body[bodysize].  *type and *len describe it;
 * *fd gets a received descriptor or -1.  Returns 1 on a message, 0 on
 * EOF, -1 on error (errno; EAGAIN when non-blocking and nothing waits;
 * EBADMSG for a truncated or malformed packet).
 */
int	 msg_recv(int sock, uint32_t *type, void *body, size_t bodysize,
	    size_t *len, int *fd);
/* The same with up to maxfd descriptors: fds[0..*nfd), the rest -1. */
int	 msg_recv_fds(int sock, uint32_t *type, void *body, size_t bodysize,
	    size_t *len, int *fds, size_t maxfd, size_t *nfd);

/* Is this NUL-terminated within n bytes? */
int	 msg_str_ok(const char *s, size_t n);

#endif
