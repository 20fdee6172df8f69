/*
 * ctl.c: control-connection input and replies.  See ctl.h.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ftp/ctl.h"

#define IAC	255
#define DONT	254
#define DO	253
#define WONT	252
#define WILL	251

enum { TS_DATA, TS_IAC, TS_OPT_WILL, TS_OPT_DO };

void
ctl_init(struct ctl *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	buf_init(&c->in, c->in_mem, sizeof(c->in_mem));
}

void
ctl_set_io(struct ctl *c, const struct ctl_io *io, void *arg)
{
	c->io = io;
	c->io_arg = arg;
}

int
ctl_pending(const struct ctl *c)
{
	return c->io != NULL && c->io->pending(c->io_arg);
}

int
ctl_fill(struct ctl *c)
{
	ssize_t n;

	if (buf_room(&c->in) == 0) {
		errno = EAGAIN;
		return -1;
	}
	do {
		if (c->io != NULL)
			n = c->io->read(c->io_arg, buf_tail(&c->in),
			    buf_room(&c->in));
		else
			n = recv(c->fd, buf_tail(&c->in), buf_room(&c->in),
			    MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (n < 0)
		return -1;
	(void)buf_commit(&c->in, (size_t)n);
	return (int)n;
}

int
ctl_preload(struct ctl *c, const void *p, size_t n)
{
	return buf_add(&c->in, p, n);
}

static void
telnet_refuse(struct ctl *c, uint8_t verb, uint8_t opt)
{
	uint8_t r[3] = { IAC, verb, opt };

	(void)ctl_write(c, r, sizeof(r));
}

/* Add one command byte; CR or NUL end the command (the rest is ignored). */
static void
line_add(struct ctl *c, uint8_t ch)
{
	if (c->too_long || c->line_cut)
		return;
	if (ch == '\r' || ch == '\0') {
		c->line_cut = 1;
		return;
	}
	/* Room for the command plus the CRLF the client sent. */
	if (c->line_len + 2 >= CTL_LINE_MAX) {
		c->too_long = 1;
		return;
	}
	c->line[c->line_len++] = (char)ch;
}

enum ctl_res
ctl_next(struct ctl *c, struct str *line)
{
	const uint8_t *p = buf_data(&c->in);
	size_t i, n = buf_len(&c->in);
	enum ctl_res r = CTL_NONE;

	for (i = 0; i < n && r == CTL_NONE; i++) {
		uint8_t ch = p[i];

		switch (c->tstate) {
		case TS_IAC:
			c->tstate = TS_DATA;
			if (ch == WILL || ch == WONT)
				c->tstate = TS_OPT_WILL;
			else if (ch == DO || ch == DONT)
				c->tstate = TS_OPT_DO;
			else if (ch == IAC)
				line_add(c, IAC);
			/* IP, DM (Synch), AYT...: dropped */
			continue;
		case TS_OPT_WILL:
			telnet_refuse(c, DONT, ch);
			c->tstate = TS_DATA;
			continue;
		case TS_OPT_DO:
			telnet_refuse(c, WONT, ch);
			c->tstate = TS_DATA;
			continue;
		default:
			break;
		}
		if (ch == IAC) {
			c->tstate = TS_IAC;
			continue;
		}
		if (ch != '\n') {
			line_add(c, ch);
			continue;
		}
		/* End of line. */
		if (c->too_long) {
			r = CTL_TOOLONG;
		} else {
			c->line[c->line_len] = '\0';
			*line = str_from(c->line, c->line_len);
			r = CTL_LINE;
		}
		c->line_len = 0;
		c->line_cut = 0;
		c->too_long = 0;
	}
	buf_consume(&c->in, i);
	return r;
}

int
ctl_write(struct ctl *c, const void *p, size_t n)
{
	const uint8_t *b = p;

	if (c->io != NULL)
		return c->io->write(c->io_arg, p, n);
	while (n > 0) {
		ssize_t w = send(c->fd, b, n, MSG_NOSIGNAL);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
reply_v(struct ctl *c, int code, char sep, const char *fmt, va_list ap)
{
	char text[1024];
	BUF_DECLARE(b, sizeof(text) + 16);
	size_t i;
	int n;

	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0)
		return -1;
	/* A file name must never start a reply line of its own. */
	for (i = 0; text[i] != '\0'; i++)
		if (text[i] == '\r' || text[i] == '\n')
			text[i] = ' ';
	(void)buf_printf(&b, "%03d%c%s\r\n", code, sep, text);
	if (buf_overflowed(&b))
		return -1;
	return ctl_write(c, buf_data(&b), buf_len(&b));
}

int
ctl_reply(struct ctl *c, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = reply_v(c, code, ' ', fmt, ap);
	va_end(ap);
	return r;
}

int
ctl_lreply(struct ctl *c, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = reply_v(c, code, '-', fmt, ap);
	va_end(ap);
	return r;
}

int
ctl_reply_file(struct ctl *c, int code, const char *path)
{
	char line[512];
	FILE *f;
	int lines = 0;

	if ((f = fopen(path, "re")) == NULL)
		return -1;
	/* Bounded: a huge file shows its first 200 lines. */
	while (lines < 200 && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		(void)ctl_lreply(c, code, " %s", line);
		lines++;
	}
	fclose(f);
	return 0;
}
