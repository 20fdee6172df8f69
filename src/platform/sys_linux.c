/*
 * sys_linux.c: platform.h on Linux (prctl, sendfile(2), process titles
 * written over argv).
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/sendfile.h>

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <malloc.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "platform/platform.h"

int
plat_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int
plat_set_nodump(void)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

ssize_t
plat_sendfile(int out_sock, int in_fd, off_t *off, size_t count)
{
	ssize_t n;

	do {
		n = sendfile(out_sock, in_fd, off, count);
	} while (n == -1 && errno == EINTR);
	return n;
}

int
plat_splice_open(int pipefd[2])
{
	if (pipe2(pipefd, O_CLOEXEC) == -1)
		return -1;
	/* A larger pipe moves more per call; the default is 64 KiB. */
	(void)fcntl(pipefd[0], F_SETPIPE_SZ, 1024 * 1024);
	return 0;
}

ssize_t
plat_splice_in(int sock, int file, int pipefd[2], size_t len, int *ferr)
{
	ssize_t n, m;
	size_t moved = 0;

	*ferr = 0;
	n = splice(sock, NULL, pipefd[1], NULL, len,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n <= 0)
		return n;
	/* Empty the pipe into the file before anything else happens. */
	while (moved < (size_t)n) {
		m = splice(pipefd[0], NULL, file, NULL, (size_t)n - moved,
		    SPLICE_F_MOVE);
		if (m == -1 && errno == EINTR)
			continue;
		if (m <= 0) {
			*ferr = m == 0 ? EIO : errno;
			return -1;
		}
		moved += (size_t)m;
	}
	return n;
}

void
plat_cork(int sock, int on)
{
	(void)setsockopt(sock, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

/*
 * /proc/PID/cmdline (what ps shows) is the memory of the argv strings,
 * so a title is written over them, and over the environment strings that
 * follow them, which are moved to the heap first.  argv[] and environ
 * then point at copies: getopt and getenv keep working.
 */
static struct {
	char	*base;		/* the original argv[0] */
	size_t	 size;		/* bytes from there that may be rewritten */
	char	 prog[32];
} pt;

void
plat_proctitle_init(int argc, char **argv)
{
	extern char **environ;
	char *base, *end, **env;
	const char *slash;
	size_t i, n;

	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return;
	base = argv[0];
	slash = strrchr(base, '/');
	(void)snprintf(pt.prog, sizeof(pt.prog), "%s",
	    slash != NULL ? slash + 1 : base);
	end = base + strlen(base) + 1;
	for (i = 1; i < (size_t)argc && argv[i] != NULL; i++)
		if (argv[i] == end)
			end = argv[i] + strlen(argv[i]) + 1;
	for (n = 0; environ[n] != NULL; n++)
		;
	for (i = 0; i < n; i++)
		if (environ[i] == end)
			end = environ[i] + strlen(environ[i]) + 1;
	/* Copies first; on any failure titles are simply not shown. */
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		return;
	for (i = 0; i < n; i++)
		if ((env[i] = strdup(environ[i])) == NULL)
			return;
	for (i = 0; i < (size_t)argc && argv[i] != NULL; i++)
		if ((argv[i] = strdup(argv[i])) == NULL)
			return;
	environ = env;
	pt.base = base;
	pt.size = (size_t)(end - base);
}

void
plat_proctitle(const char *fmt, ...)
{
	char title[256];
	size_t len;
	int n;
	va_list ap;

	if (pt.base == NULL || pt.size < 2)
		return;
	n = snprintf(title, sizeof(title), "%s: ", pt.prog);
	if (n < 0 || (size_t)n >= sizeof(title))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(title + n, sizeof(title) - (size_t)n, fmt, ap);
	va_end(ap);
	len = strlen(title);
	if (len > pt.size - 1)
		len = pt.size - 1;
	memcpy(pt.base, title, len);
	memset(pt.base + len, '\0', pt.size - len);
}

void
plat_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	/* Root may raise the hard limit too; settle for the old one else. */
	rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_max < 65536) {
		struct rlimit want = { 65536, 65536 };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static struct {
	uintptr_t	start, end;		/* whole pages */
} trim_region;

void
plat_trim_later(void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	trim_region.start = ((uintptr_t)p + page - 1) & ~(page - 1);
	trim_region.end = ((uintptr_t)p + len) & ~(page - 1);
}

void
plat_trim_memory(void)
{
	volatile char here;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), top;

	(void)malloc_trim(0);
	if (trim_region.end > trim_region.start)
		(void)madvise((void *)trim_region.start,
		    trim_region.end - trim_region.start, MADV_DONTNEED);
	trim_region.start = trim_region.end = 0;
	/*
	 * Below our frame (and a page of margin) nothing is live.  One call
	 * for 1 MiB: the stack's lowest pages, then the kernel's guard gap
	 * below the stack (never mapped, so ENOMEM is expected and harmless).
	 */
	top = ((uintptr_t)&here & ~(page - 1)) - 2 * page;
	(void)madvise((void *)(top - 256 * page), 256 * page, MADV_DONTNEED);
}

void
plat_closefrom(int lowfd)
{
	DIR *d;
	struct dirent *de;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
#endif
	/* Older kernels: walk /proc/self/fd (we are not chrooted yet). */
	if ((d = opendir("/proc/self/fd")) == NULL) {
		int fd;

		for (fd = lowfd; fd < 65536; fd++)
			(void)close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (fd >= lowfd && fd != dirfd(d))
			(void)close(fd);
	}
	closedir(d);
}

static void
wtmp_write(const char *line, const char *user, const char *host, int type)
{
	struct utmp ut;
	struct timeval tv;

	memset(&ut, 0, sizeof(ut));
	ut.ut_type = type;
	ut.ut_pid = getpid();
	strncpy(ut.ut_line, line, sizeof(ut.ut_line));
	strncpy(ut.ut_id, line + (strlen(line) > 4 ? strlen(line) - 4 : 0),
	    sizeof(ut.ut_id));
	if (user != NULL)
		strncpy(ut.ut_user, user, sizeof(ut.ut_user));
	if (host != NULL)
		strncpy(ut.ut_host, host, sizeof(ut.ut_host));
	gettimeofday(&tv, NULL);
	ut.ut_tv.tv_sec = (int32_t)tv.tv_sec;
	ut.ut_tv.tv_usec = (int32_t)tv.tv_usec;
	updwtmp(_PATH_WTMP, &ut);
}

void
plat_wtmp_login(const char *line, const char *user, const char *host)
{
	wtmp_write(line, user, host, USER_PROCESS);
}

void
plat_wtmp_logout(const char *line)
{
	wtmp_write(line, NULL, NULL, DEAD_PROCESS);
}
