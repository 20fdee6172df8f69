/*
 * log.c: syslog records (RFC 3164 datagrams) written by the monitor, and
 * relayed from jailed processes.  See log.h.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "str.h"

int	log_debug_enabled;

static int		 log_fd = -1;
static int		 log_stderr;
static char		 log_ident[32] = "ftpd";
static char		 log_path[108] = "/dev/log";
static log_relay_fn	*log_relay;

/*
 * Lines waiting for a full syslog socket: records of a 2-byte length and
 * the bytes, oldest first.  Allocated the first time a line must wait:
 * most processes never queue, and a 1 MiB array in .bss would widen every
 * process's mapping over one more page-table page.
 */
#define LOG_QUEUE_BYTES	(1024 * 1024)
static uint8_t		*log_queue;
static size_t		 log_queue_len;		/* bytes in use */
static unsigned long	 log_dropped;

static int	log_send(const uint8_t *, size_t);
static void	log_enqueue(const uint8_t *, size_t);

static void
log_connect(void)
{
	struct sockaddr_un sun;

	if (log_fd != -1)
		close(log_fd);
	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_fd == -1)
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (cstr_copy(sun.sun_path, sizeof(sun.sun_path), log_path) == -1 ||
	    connect(log_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		/* No syslogd (yet): keep the socket, try again per line. */
		return;
	}
	/* Never block the monitor on a slow syslogd: drop lines instead. */
	(void)fcntl(log_fd, F_SETFL, O_NONBLOCK);
}

void
log_open(const char *ident, const char *sockpath, int to_stderr)
{
	if (ident != NULL)
		(void)cstr_copy(log_ident, sizeof(log_ident), ident);
	if (sockpath != NULL && sockpath[0] != '\0')
		(void)cstr_copy(log_path, sizeof(log_path), sockpath);
	log_stderr = to_stderr;
	/* Timestamps are local time: load the zone before any chroot. */
	tzset();
	log_connect();
}

void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
	log_stderr = 0;
}

void
log_reopen(void)
{
	log_connect();
}

void
log_set_relay(log_relay_fn *fn)
{
	log_relay = fn;
}

void
log_sanitize(char *dst, size_t dstsize, const char *src, size_t len)
{
	size_t i, o = 0;

	if (dstsize == 0)
		return;
	for (i = 0; i < len && o + 1 < dstsize; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[o] = '\0';
}

void
log_emit(int prio, pid_t pid, const char *text)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	BUF_DECLARE(b, LOG_LINE_MAX + 128);
	struct tm tm;
	time_t now;
	size_t hdr;

	if ((prio & LOG_FACMASK) == 0)
		prio |= LOG_FTP;
	now = time(NULL);
	localtime_r(&now, &tm);
	(void)buf_printf(&b, "<%d>%s %2d %02d:%02d:%02d ", prio,
	    mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	hdr = buf_len(&b);
	(void)buf_printf(&b, "%s[%ld]: ", log_ident, (long)pid);
	(void)buf_printf(&b, "%.*s", LOG_LINE_MAX, text);

	if (log_stderr) {
		(void)!write(STDERR_FILENO, buf_data(&b) + hdr, buf_len(&b) - hdr);
		(void)!write(STDERR_FILENO, "\n", 1);
	}
	if (log_fd == -1)
		return;
	/* Keep the order: while lines wait, new ones queue behind them. */
	if (log_queue_len > 0 || log_send(buf_data(&b), buf_len(&b)) == 1)
		log_enqueue(buf_data(&b), buf_len(&b));
}

/* 0 sent or dropped for good, 1 the socket is full (try later). */
static int
log_send(const uint8_t *p, size_t n)
{
	if (send(log_fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) != -1)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 1;
	if (errno == ENOTCONN || errno == ECONNREFUSED ||
	    errno == EDESTADDRREQ) {
		/* syslogd restarted: reconnect once and retry. */
		log_connect();
		if (log_fd != -1)
			(void)send(log_fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	return 0;
}

/*
 * A burst (say -d during a mirror) can outrun syslogd's queue.  Lines
 * wait here, bounded, and the monitor's loop flushes them; only when
 * even this is full is a line lost, and the loss is counted.
 */
static void
log_enqueue(const uint8_t *p, size_t n)
{
	if (log_queue == NULL)
		log_queue = malloc(LOG_QUEUE_BYTES);
	if (log_queue == NULL || n > 0xffff ||
	    LOG_QUEUE_BYTES - log_queue_len < n + 2) {
		log_dropped++;
		return;
	}
	log_queue[log_queue_len] = (uint8_t)(n >> 8);
	log_queue[log_queue_len + 1] = (uint8_t)n;
	memcpy(log_queue + log_queue_len + 2, p, n);
	log_queue_len += n + 2;
}

int
log_flush(void)
{
	size_t off = 0;

	while (off < log_queue_len && log_fd != -1) {
		size_t n = (size_t)log_queue[off] << 8 | log_queue[off + 1];

		if (log_send(log_queue + off + 2, n) == 1)
			break;
		off += n + 2;
	}
	if (off > 0) {
		memmove(log_queue, log_queue + off, log_queue_len - off);
		log_queue_len -= off;
	}
	if (log_queue_len == 0 && log_dropped > 0) {
		char line[64];
		unsigned long n = log_dropped;

		log_dropped = 0;
		(void)cstr_printf(line, sizeof(line), "%lu log lines were "
		    "lost: syslogd did not keep up", n);
		log_emit(LOG_WARNING, getpid(), line);
	}
	return log_queue_len > 0;
}

static void
log_vmsg(int prio, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], clean[LOG_LINE_MAX];
	int n;

	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n < 0)
		return;
	log_sanitize(clean, sizeof(clean), raw,
	    (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1);
	if (log_relay != NULL)
		log_relay(prio, clean);
	else
		log_emit(prio, getpid(), clean);
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;
	int save = errno;

	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
	errno = save;
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;
	int save = errno;

	if (!log_debug_enabled)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, fmt, ap);
	va_end(ap);
	errno = save;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
