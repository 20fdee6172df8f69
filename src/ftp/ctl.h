/*
 * ctl: the control connection.  Reads bytes, applies the Telnet rules
 * (RFC 854: refuse every option, IAC IAC is a data byte, other commands
 * are dropped), cuts command lines at 512 bytes (an over-long line is
 * dropped whole and never runs), and writes replies, never letting a CR
 * or LF from a file name start a new reply line.
 */
#ifndef FTPD_CTL_H
#define FTPD_CTL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

#define CTL_LINE_MAX	512	/* bytes of a command, CRLF included */
#define CTL_IN_MAX	4096	/* raw bytes read ahead */

enum ctl_res {
	CTL_NONE = 0,		/* no complete line buffered */
	CTL_LINE,		/* *line is the next command (no CRLF) */
	CTL_TOOLONG		/* a line over CTL_LINE_MAX was dropped */
};

/*
 * Another transport under the control connection (TLS): read returns
 * bytes, 0 at EOF, or -1 with errno (EAGAIN: nothing yet); write sends
 * all or fails; pending says bytes are held that poll cannot see.
 */
struct ctl_io {
	ssize_t	(*read)(void *arg, void *p, size_t len);
	int	(*write)(void *arg, const void *p, size_t len);
	int	(*pending)(void *arg);
};

struct ctl {
	int		 fd;
	const struct ctl_io *io;	/* NULL: the socket itself */
	void		*io_arg;
	int		 eof;
	struct buf	 in;
	size_t		 line_len;
	int		 line_cut;	/* a CR or NUL ended the command early */
	int		 too_long;
	int		 tstate;	/* Telnet parser state */
	/* The line, then the start of in_mem: the bytes an idle session uses. */
	char		 line[CTL_LINE_MAX + 1];
	uint8_t		 in_mem[CTL_IN_MAX];
};

void	 ctl_init(struct ctl *, int fd);
/* Read what is available: >0 bytes read, 0 EOF, -1 error/EAGAIN. */
int	 ctl_fill(struct ctl *);
/* Take the next command line out of what was read. */
enum ctl_res	 ctl_next(struct ctl *, struct str *line);
/* Read and write through io from now on (after AUTH TLS). */
void	 ctl_set_io(struct ctl *, const struct ctl_io *, void *arg);
/* Are bytes held by the transport that polling fd will not show? */
int	 ctl_pending(const struct ctl *);
/* Pre-load bytes (handed over from the pre-login process). */
int	 ctl_preload(struct ctl *, const void *, size_t);

/* "code text" and "code-text" lines. */
int	 ctl_reply(struct ctl *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 ctl_lreply(struct ctl *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Send a file's lines as "code-line" replies (welcome, motd). */
int	 ctl_reply_file(struct ctl *, int code, const char *path);
int	 ctl_write(struct ctl *, const void *, size_t);

#endif
