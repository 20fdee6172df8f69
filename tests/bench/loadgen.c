/*
 * loadgen.c: the FTP load generator of `make bench` (tests/bench/run.sh).
 *
 * One process, one epoll loop per thread (-j N), many concurrent FTP
 * clients, each a small state machine over its control connection and, for
 * transfers, one passive data connection.  It prints one machine-readable
 * line of key=value pairs per run, prefixed with "loadgen".
 *
 * Modes (-m):
 *   login    connect, 220, USER, PASS, 230, QUIT, 221, EOF; again.
 *   retr     log in once, then loop PASV + RETR <-f path> (small files).
 *   list     log in once, then loop PASV + LIST <-f path>.
 *   big      log in, TYPE I, RETR <-f path> -n times (large file; the
 *            client discards the data without copying: see -r).
 *   stor     log in, TYPE I, STOR <-o name> -n times, sending the local
 *            file -F with sendfile(2).
 *   hold     open -c logged-in sessions (at most -i logging in at once per
 *            thread), report how many succeeded and the ramp time, then
 *            hold them for -d seconds (or until SIGTERM/SIGINT/SIGUSR1).
 *            With -k PID it also snapshots the server's process tree and
 *            /proc/meminfo before and after the ramp.
 *   ceiling  one loopback TCP stream fed by sendfile(2) of -F, received
 *            like `big` receives: the most a single RETR can reach.
 *   crypt    crypt(3) of -w against -u's shadow hash in -j threads for -d
 *            seconds: the cost of the password check alone.
 *   pam      pam_start, pam_authenticate, pam_acct_mgmt, pam_end for -u/-w
 *            with PAM service -S, in -j threads for -d seconds: the most
 *            logins per second any server using that PAM stack can do.
 *   sink     open -c loopback TCP connection pairs inside this process and
 *            report the kernel memory (SUnreclaim+KernelStack+PageTables)
 *            each pair costs: the baseline to subtract from `hold`.
 *   tree     print the process-tree snapshot of -k PID and exit.
 *   reaper   `loadgen -m reaper -- daemon args...`: run the daemon as the
 *            child of a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so
 *            that session processes orphaned by their parent are reaped
 *            here and their CPU time stays in the measured tree (cutime).
 *            SIGTERM/SIGINT/SIGHUP are passed on to the daemon.
 *
 * -e (explicit FTPS, OpenSSL): after the 220 the client sends AUTH TLS and
 * does the handshake before USER; the transfer modes (retr, list, big)
 * then send PBSZ 0 and PROT P, and every data connection is TLS too,
 * resuming the control connection's session (fetched after PROT P, three
 * replies after the handshake, so that TLS 1.3 tickets have arrived; -N
 * starts a new session instead, which ftpd and vsftpd refuse).  -A CA
 * verifies the server's certificate for the -h address, -Y sets the TLS
 * 1.3 ciphersuites offered, -V 1.2 caps the version.  TLS runs inside the
 * same non-blocking epoll state machines: the handshakes are states of
 * their own, reads go through SSL_read_ex until it wants more.  The data
 * of `big` are read with SSL_read_ex into a 1 MiB buffer, with read-ahead
 * (one recv(2) for many records), then dropped: the decryption and one
 * copy cost the client CPU that recv(MSG_TRUNC) does not (cli_cpu_s).
 * STOR over TLS is not implemented.
 *
 * -k PID adds the server's tree CPU time (utime+stime of every live
 * process of the tree plus cutime+cstime, which holds the reaped ones)
 * over the measured window to the result line.
 *
 * All loops are bounded: -d (duration), -n (operations per client), -t
 * (per-step timeout) and -T (hard wall-clock limit of the whole run).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <crypt.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <shadow.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

enum mode { M_LOGIN, M_RETR, M_LIST, M_BIG, M_STOR, M_HOLD, M_CEIL,
	M_CRYPT, M_SINK, M_TREE, M_REAPER, M_PAM };
static const char *const mode_names[] = { "login", "retr", "list", "big",
	"stor", "hold", "ceiling", "crypt", "sink", "tree", "reaper", "pam" };

enum rmethod { R_TRUNC, R_SPLICE, R_READ };
static const char *const rmethod_names[] = { "trunc", "splice", "read" };

/* Error kinds, counted per thread. */
enum err { E_CONNECT, E_TIMEOUT, E_EOF, E_REPLY, E_DATA, E_SHORT, E_TLS,
	E_MAX };
static const char *const err_names[] = { "err_connect", "err_timeout",
	"err_eof", "err_reply", "err_data", "err_short", "err_tls" };

struct opts {
	enum mode mode;
	const char *host;
	int port;
	const char *user, *pass;
	int clients, threads, inflight;
	double duration, timeout, hardlimit;
	long count;
	const char *path;	/* remote path for RETR/LIST */
	const char *oname;	/* remote name for STOR */
	const char *file;	/* local file for STOR / ceiling */
	long long expect;	/* expected RETR size, -1 = any */
	enum rmethod rmethod;
	pid_t srvpid;
	const char *label;
	struct sockaddr_in addr;
	int tls;		/* -e: explicit FTPS */
	const char *cafile;	/* -A: verify the server against it */
	int noresume;		/* -N: data connections start new sessions */
	const char *suites;	/* -Y: TLS 1.3 ciphersuites offered */
	int tls12;		/* -V 1.2: TLS 1.2 only */
	const char *certfile;	/* -C: ceiling -e: the sender's chain */
	const char *keyfile;	/* -K: ceiling -e: the sender's key */
	const char *service;	/* -S: pam: the PAM service */
};
static struct opts O = {
	.mode = M_LOGIN, .host = "127.0.0.1", .port = 21, .user = "anonymous",
	.pass = "bench@example.org", .clients = 1, .threads = 1,
	.inflight = 64, .duration = 0, .timeout = 10, .hardlimit = 0,
	.count = 0, .path = NULL, .oname = "bench-upload.bin", .file = NULL,
	.expect = -1, .rmethod = R_TRUNC, .srvpid = 0, .label = "",
	.service = "login",
};

static SSL_CTX *g_ctx;		/* -e: the client context, shared */
static volatile sig_atomic_t g_sig;
static atomic_int g_stop;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void
on_signal(int sig)
{
	g_sig = sig;
}

/* ------------------------------------------------------------ /proc */

struct snap {
	long procs, threads;
	long long pss_kb, rss_kb;
	long long ticks;	/* utime+stime+cutime+cstime of the tree */
	long long kern_kb;	/* SUnreclaim + KernelStack + PageTables */
	long long slab_kb, sunrec_kb, kstack_kb, ptables_kb;
	long long tw_kb;	/* TIME_WAIT sockets' slab (tw_sock_TCP*) */
};

static long long
meminfo_kern(struct snap *s)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long long v;

	s->slab_kb = s->sunrec_kb = s->kstack_kb = s->ptables_kb = 0;
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Slab: %lld", &v) == 1)
			s->slab_kb = v;
		else if (sscanf(line, "SUnreclaim: %lld", &v) == 1)
			s->sunrec_kb = v;
		else if (sscanf(line, "KernelStack: %lld", &v) == 1)
			s->kstack_kb = v;
		else if (sscanf(line, "PageTables: %lld", &v) == 1)
			s->ptables_kb = v;
	}
	fclose(f);
	/* Reclaimable slab (dentries, inodes) is left out: it moves with
	 * every /proc read and file-system walk, this one's included. */
	s->kern_kb = s->sunrec_kb + s->kstack_kb + s->ptables_kb;
	/* TIME_WAIT sockets of earlier workloads expire while sessions are
	 * held; their slab is reported so that it can be taken out. */
	s->tw_kb = 0;
	f = fopen("/proc/slabinfo", "r");
	if (f != NULL) {
		long long num, size;

		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "tw_sock_TCP", 11) == 0 &&
			    sscanf(line, "%*s %*d %lld %lld", &num, &size) == 2)
				s->tw_kb += num * size / 1024;
		fclose(f);
	}
	return s->kern_kb;
}

struct pent {
	pid_t pid, ppid;
	long threads;
	long long ticks;
	char in;
};

static int
cmp_ppid(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;

	return x->ppid < y->ppid ? -1 : x->ppid > y->ppid;
}

/* Snapshot the process tree rooted at root: process and thread counts,
 * CPU ticks, and (want_mem) PSS/RSS summed from smaps_rollup. */
static int
tree_snap(pid_t root, int want_mem, struct snap *s)
{
	DIR *d;
	struct dirent *de;
	struct pent *p = NULL;
	size_t n = 0, cap = 0, i;
	int found = 0;

	memset(s, 0, sizeof(*s));
	d = opendir("/proc");
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char path[300], buf[1024], *rp;
		unsigned long ut, st;
		long cut, cst, nth;
		int ppid, fd;
		ssize_t r;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		rp = strrchr(buf, ')');
		if (rp == NULL)
			continue;
		if (sscanf(rp + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		    "%lu %lu %ld %ld %*d %*d %ld", &ppid, &ut, &st, &cut, &cst,
		    &nth) != 6)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(p, cap * sizeof(*p));
			if (p == NULL)
				die("out of memory");
		}
		p[n].pid = (pid_t)atoi(de->d_name);
		p[n].ppid = ppid;
		p[n].threads = nth;
		p[n].ticks = (long long)ut + (long long)st + cut + cst;
		p[n].in = p[n].pid == root;
		found |= p[n].in;
		n++;
	}
	closedir(d);
	/* Mark descendants breadth-first over the entries sorted by ppid. */
	if (found) {
		pid_t *queue = malloc((n + 1) * sizeof(*queue));
		size_t qh = 0, qt = 0;

		if (queue == NULL)
			die("out of memory");
		qsort(p, n, sizeof(*p), cmp_ppid);
		queue[qt++] = root;
		while (qh < qt) {
			pid_t parent = queue[qh++];
			size_t lo = 0, hi = n;

			while (lo < hi) {	/* first entry with ppid >= parent */
				size_t mid = lo + (hi - lo) / 2;

				if (p[mid].ppid < parent)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < n && p[lo].ppid == parent; lo++)
				if (!p[lo].in && qt < n + 1) {
					p[lo].in = 1;
					queue[qt++] = p[lo].pid;
				}
		}
		free(queue);
	}
	for (i = 0; i < n && found; i++) {
		if (!p[i].in)
			continue;
		s->procs++;
		s->threads += p[i].threads;
		s->ticks += p[i].ticks;
		if (want_mem) {
			char path[64], line[256];
			FILE *f;
			long long v;

			snprintf(path, sizeof(path), "/proc/%d/smaps_rollup",
			    (int)p[i].pid);
			f = fopen(path, "r");
			if (f == NULL)
				continue;
			while (fgets(line, sizeof(line), f) != NULL) {
				if (sscanf(line, "Pss: %lld", &v) == 1)
					s->pss_kb += v;
				else if (sscanf(line, "Rss: %lld", &v) == 1)
					s->rss_kb += v;
			}
			fclose(f);
		}
	}
	free(p);
	meminfo_kern(s);
	return found ? 0 : -1;
}

static double
ticks_s(long long t)
{
	return (double)t / (double)sysconf(_SC_CLK_TCK);
}

static double
self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* ------------------------------------------------------------ latency */

struct lat {
	uint32_t *v;		/* microseconds */
	size_t n, cap;
};

static void
lat_add(struct lat *l, uint64_t ns)
{
	uint64_t us = ns / 1000;

	if (l->n == l->cap) {
		if (l->cap >= (size_t)64 << 20)
			return;		/* bounded: drop samples past 64M */
		l->cap = l->cap ? l->cap * 2 : 65536;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			die("out of memory");
	}
	l->v[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
lat_pct(const struct lat *l, double pct)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(pct / 100.0 * (double)(l->n - 1) + 0.5);
	return l->v[i] / 1000.0;
}

/* ------------------------------------------------------------ clients */

enum st { S_IDLE, S_WAIT, S_CONN, S_GREET, S_USER, S_PASS, S_TYPE, S_QUIT,
	S_QEOF, S_PASV, S_XFER, S_HELD, S_DONE,
	/* FTPS (-e): appended, so that the numbers above (in error
	 * strings such as 530_in_5) stay what they were */
	S_AUTH, S_TLSHS, S_PBSZ, S_PROT };

struct thr;

struct cl {
	struct thr *t;
	int idx;
	int cfd, dfd;
	unsigned gen;
	enum st st;
	int multi;		/* code of the multi-line reply in progress */
	int got1xx, got2xx, deof;
	uint64_t t0, deadline;
	uint64_t xbytes;	/* bytes of the current transfer */
	off_t soff;		/* STOR: offset in the local file */
	long ops;		/* completed operations */
	SSL *ssl;		/* -e: the control connection's TLS */
	SSL *dssl;		/* -e: the data connection's TLS */
	SSL_SESSION *sess;	/* -e: the control session, for resuming */
	int dhs_done;		/* -e: data handshake finished */
	uint32_t dev;		/* -e: the data socket's epoll events */
	size_t rlen;
	char rbuf[4096];
};

struct thr {
	int idx;
	pthread_t tid;
	int ep;
	struct cl *cl;
	int ncl;
	int next;		/* hold: next client to start */
	int inflight;
	int active;		/* clients not yet S_DONE */
	struct lat lat;
	uint64_t ops, bytes;
	uint64_t err[E_MAX];
	uint64_t codes[6];	/* error replies by first digit */
	uint64_t c425;
	char lasterr[96];
	long held, failed, dropped;
	uint64_t busy;		/* sum of completed operations' durations */
	atomic_int ramp_done;
	uint64_t ramp_end;
	char *buf;
	size_t bufsz;
	int pipefd[2];
	int devnull;
	int filefd;
	off_t filesize;
	uint64_t tls_full, tls_resumed;	/* data handshakes, by kind */
	char tls_version[16], tls_cipher[64];
};

static void
ep_add(struct cl *c, int fd, uint32_t ev, int data)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.u64 = ((uint64_t)c->idx << 1) | (uint64_t)data;
	if (epoll_ctl(c->t->ep, EPOLL_CTL_ADD, fd, &e) == -1)
		die("epoll_ctl add: %s", strerror(errno));
}

static void
ep_mod(struct cl *c, int fd, uint32_t ev, int data)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.u64 = ((uint64_t)c->idx << 1) | (uint64_t)data;
	if (epoll_ctl(c->t->ep, EPOLL_CTL_MOD, fd, &e) == -1)
		die("epoll_ctl mod: %s", strerror(errno));
}

/* Close the data connection (and free its TLS, if any). */
static void
data_close(struct cl *c)
{
	if (c->dssl != NULL) {
		SSL_free(c->dssl);
		c->dssl = NULL;
	}
	if (c->dfd >= 0)
		close(c->dfd);
	c->dfd = -1;
}

static void
close_fds(struct cl *c)
{
	data_close(c);
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->sess != NULL) {
		SSL_SESSION_free(c->sess);
		c->sess = NULL;
	}
	if (c->cfd >= 0)
		close(c->cfd);
	c->cfd = -1;
	c->gen++;
	c->rlen = 0;
	c->multi = 0;
}

static void hold_next(struct thr *t);
static void cl_start(struct cl *c);

static void
set_err(struct cl *c, enum err kind, const char *what)
{
	struct thr *t = c->t;
	size_t i;

	t->err[kind]++;
	snprintf(t->lasterr, sizeof(t->lasterr), "%s:%s", err_names[kind] + 4,
	    what);
	for (i = 0; t->lasterr[i] != '\0'; i++)
		if (!isgraph((unsigned char)t->lasterr[i]) ||
		    t->lasterr[i] == '=')
			t->lasterr[i] = '_';
}

/* The client failed: count it, close it, and retry after a short pause
 * (hold mode: count a failed session and start the next one). */
static void
cl_fail(struct cl *c, enum err kind, const char *what)
{
	struct thr *t = c->t;
	enum st was = c->st;

	close_fds(c);
	if (was == S_HELD) {
		t->dropped++;
		set_err(c, kind, what);
		c->st = S_DONE;
		t->active--;
		return;
	}
	set_err(c, kind, what);
	if (O.mode == M_HOLD) {
		t->failed++;
		t->inflight--;
		c->st = S_DONE;
		t->active--;
		hold_next(t);
		return;
	}
	if (atomic_load(&g_stop)) {
		c->st = S_DONE;
		t->active--;
		return;
	}
	c->st = S_WAIT;
	c->deadline = now_ns() + 20 * 1000000ull;
}

/* Write a command on the control connection, through TLS once it is up.
 * Commands are short and the socket's buffer empty: a write that would
 * block is a failure. */
static ssize_t
ctl_write(struct cl *c, const void *p, size_t n)
{
	size_t w = 0;

	if (c->ssl == NULL)
		return send(c->cfd, p, n, MSG_NOSIGNAL);
	if (SSL_write_ex(c->ssl, p, n, &w) != 1) {
		ERR_clear_error();
		return -1;
	}
	return (ssize_t)w;
}

static int
cl_send(struct cl *c, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	int n;
	ssize_t w;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		die("command too long");
	buf[n++] = '\r';
	buf[n++] = '\n';
	w = ctl_write(c, buf, (size_t)n);
	if (w != n) {
		cl_fail(c, c->ssl != NULL ? E_TLS : E_EOF, "send");
		return -1;
	}
	c->deadline = now_ns() + (uint64_t)(O.timeout * 1e9);
	return 0;
}

/* ------------------------------------------------------------ TLS (-e) */

/* Why the last TLS call failed (and empty the thread's error queue). */
static const char *
tls_reason(int e, char *buf, size_t n)
{
	unsigned long code = ERR_peek_last_error();

	if (code != 0) {
		const char *r = ERR_reason_error_string(code);

		snprintf(buf, n, "%s", r != NULL ? r : "ssl_error");
	} else if (e == SSL_ERROR_SYSCALL)
		snprintf(buf, n, "%s", errno ? strerror(errno) : "eof");
	else
		snprintf(buf, n, "ssl_error_%d", e);
	ERR_clear_error();
	return buf;
}

static SSL *
tls_new(struct cl *c, int fd, int data)
{
	SSL *s = SSL_new(g_ctx);

	if (s == NULL || SSL_set_fd(s, fd) != 1)
		die("SSL_new/SSL_set_fd failed");
	SSL_set_connect_state(s);
	if (O.cafile != NULL &&
	    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), O.host) != 1)
		die("X509_VERIFY_PARAM_set1_ip_asc %s failed", O.host);
	if (data) {
		/* The control connection's session: ftpd (and vsftpd's
		 * require_ssl_reuse) refuse a data connection that does not
		 * resume it. */
		if (!O.noresume && c->sess != NULL &&
		    SSL_set_session(s, c->sess) != 1)
			die("SSL_set_session failed");
		/* Read ahead into a large buffer: one recv for many
		 * records instead of two per 16 KiB record. */
		SSL_set_read_ahead(s, 1);
		SSL_set_default_read_buffer_len(s, 256 * 1024);
	}
	return s;
}

/* The first handshake of a thread names the protocol and cipher. */
static void
tls_note(struct thr *t, SSL *s)
{
	if (t->tls_cipher[0] != '\0')
		return;
	snprintf(t->tls_version, sizeof(t->tls_version), "%s",
	    SSL_get_version(s));
	snprintf(t->tls_cipher, sizeof(t->tls_cipher), "%s",
	    SSL_get_cipher_name(s));
}

static void
ctl_handshake(struct cl *c)
{
	char why[80];
	int r, e;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		tls_note(c->t, c->ssl);
		ep_mod(c, c->cfd, EPOLLIN | EPOLLRDHUP, 0);
		c->st = S_USER;
		(void)cl_send(c, "USER %s", O.user);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		ep_mod(c, c->cfd, EPOLLIN | EPOLLRDHUP, 0);
	else if (e == SSL_ERROR_WANT_WRITE)
		ep_mod(c, c->cfd, EPOLLOUT, 0);
	else {
		char what[96];

		snprintf(what, sizeof(what), "ctl_handshake:%s",
		    tls_reason(e, why, sizeof(why)));
		cl_fail(c, E_TLS, what);
	}
}

/* 234 to AUTH TLS: the handshake starts; whatever the server sent
 * after the 234 line (it must not send anything) is dropped. */
static void
ctl_tls_start(struct cl *c)
{
	c->ssl = tls_new(c, c->cfd, 0);
	c->st = S_TLSHS;
	c->rlen = 0;
	c->multi = 0;
	c->gen++;		/* ctl_readable: stop reading the raw socket */
	c->deadline = now_ns() + (uint64_t)(O.timeout * 1e9);
	ctl_handshake(c);
}

static void
cl_start(struct cl *c)
{
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->cfd = -1;
		cl_fail(c, E_CONNECT, strerror(errno));
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->cfd = fd;
	c->dfd = -1;
	c->rlen = 0;
	c->multi = 0;
	c->t0 = now_ns();
	c->deadline = c->t0 + (uint64_t)(O.timeout * 1e9);
	if (connect(fd, (struct sockaddr *)&O.addr, sizeof(O.addr)) == -1 &&
	    errno != EINPROGRESS) {
		cl_fail(c, E_CONNECT, strerror(errno));
		return;
	}
	c->st = S_CONN;
	ep_add(c, fd, EPOLLOUT, 0);
}

static void
hold_next(struct thr *t)
{
	while (!atomic_load(&g_stop) && t->next < t->ncl &&
	    t->inflight < O.inflight) {
		struct cl *c = &t->cl[t->next++];

		t->inflight++;
		cl_start(c);
	}
	if (t->next >= t->ncl && t->inflight == 0 &&
	    !atomic_load(&t->ramp_done)) {
		t->ramp_end = now_ns();
		atomic_store(&t->ramp_done, 1);
	}
}

/* Finish a client: it has done its -n operations or the run is over.  The
 * session stays open and idle (S_DONE, no deadline) until the thread ends,
 * after the main thread's last snapshot of the server: a session process
 * that exits while /proc is read can lose its CPU time in the race between
 * reading it and reading the parent that reaps it. */
static void
cl_finish(struct cl *c)
{
	data_close(c);
	c->deadline = 0;
	c->st = S_DONE;
	c->t->active--;
}

static void
op_start(struct cl *c)
{
	if (atomic_load(&g_stop) || (O.count > 0 && c->ops >= O.count)) {
		cl_finish(c);
		return;
	}
	c->t0 = now_ns();
	c->got1xx = c->got2xx = c->deof = 0;
	c->xbytes = 0;
	c->soff = 0;
	c->st = S_PASV;
	(void)cl_send(c, "PASV");
}

static void
op_done(struct cl *c)
{
	struct thr *t = c->t;
	uint64_t now = now_ns();

	data_close(c);
	if ((O.mode == M_RETR || O.mode == M_BIG) && O.expect >= 0 &&
	    c->xbytes != (uint64_t)O.expect) {
		char what[64];

		snprintf(what, sizeof(what), "got_%" PRIu64 "_bytes",
		    c->xbytes);
		cl_fail(c, E_SHORT, what);
		return;
	}
	if (!atomic_load(&g_stop)) {
		lat_add(&t->lat, now - c->t0);
		t->ops++;
		t->bytes += c->xbytes;
		t->busy += now - c->t0;
	}
	c->ops++;
	op_start(c);
}

static void
logged_in(struct cl *c)
{
	switch (O.mode) {
	case M_LOGIN:
		c->st = S_QUIT;
		(void)cl_send(c, "QUIT");
		break;
	case M_HOLD:
		c->st = S_HELD;
		c->deadline = 0;
		c->t->held++;
		c->t->inflight--;
		lat_add(&c->t->lat, now_ns() - c->t0);
		hold_next(c->t);
		break;
	default:
		if (O.tls) {
			c->st = S_PBSZ;
			(void)cl_send(c, "PBSZ 0");
			break;
		}
		c->st = S_TYPE;
		(void)cl_send(c, "TYPE I");
		break;
	}
}

static void
open_data(struct cl *c, const char *line)
{
	const char *p = strchr(line, '(');
	unsigned h1, h2, h3, h4, p1, p2;
	struct sockaddr_in a;
	int fd;

	if (p == NULL) {
		for (p = line + 4; *p != '\0' && !isdigit((unsigned char)*p);
		    p++)
			;
	} else
		p++;
	if (sscanf(p, "%u,%u,%u,%u,%u,%u", &h1, &h2, &h3, &h4, &p1, &p2) != 6
	    || p1 > 255 || p2 > 255) {
		cl_fail(c, E_REPLY, "bad_227");
		return;
	}
	(void)h1; (void)h2; (void)h3; (void)h4;
	a = O.addr;
	a.sin_port = htons((uint16_t)(p1 * 256 + p2));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		cl_fail(c, E_DATA, strerror(errno));
		return;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		cl_fail(c, E_DATA, strerror(errno));
		return;
	}
	c->dfd = fd;
	c->st = S_XFER;
	if (O.tls) {
		/* Connected (EPOLLOUT), then the handshake; the server
		 * starts its side after the 150. */
		c->dssl = tls_new(c, fd, 1);
		c->dhs_done = 0;
		c->dev = EPOLLOUT;
		ep_add(c, fd, EPOLLOUT, 1);
		(void)cl_send(c, "%s %s", O.mode == M_LIST ? "LIST" : "RETR",
		    O.path);
		return;
	}
	if (O.mode == M_STOR) {
		ep_add(c, fd, EPOLLOUT, 1);
		(void)cl_send(c, "STOR %s", O.oname);
	} else {
		ep_add(c, fd, EPOLLIN | EPOLLRDHUP, 1);
		(void)cl_send(c, "%s %s", O.mode == M_LIST ? "LIST" : "RETR",
		    O.path);
	}
}

static void
on_reply(struct cl *c, int code, const char *line)
{
	char what[48];

	if (code / 100 == 1 && c->st != S_XFER)
		return;		/* preliminary: wait for the final reply */
	snprintf(what, sizeof(what), "%d_in_%d", code, (int)c->st);
	switch (c->st) {
	case S_GREET:
		if (code != 220)
			break;
		if (O.tls) {
			c->st = S_AUTH;
			(void)cl_send(c, "AUTH TLS");
			return;
		}
		c->st = S_USER;
		(void)cl_send(c, "USER %s", O.user);
		return;
	case S_AUTH:
		if (code != 234)
			break;
		ctl_tls_start(c);
		return;
	case S_PBSZ:
		if (code != 200)
			break;
		c->st = S_PROT;
		(void)cl_send(c, "PROT P");
		return;
	case S_PROT:
		if (code != 200)
			break;
		/* TLS 1.3 tickets come after the handshake: by now (three
		 * replies later) they have been read. */
		if (c->sess != NULL)
			SSL_SESSION_free(c->sess);
		c->sess = SSL_get1_session(c->ssl);
		c->st = S_TYPE;
		(void)cl_send(c, "TYPE I");
		return;
	case S_USER:
		if (code == 230) {
			logged_in(c);
			return;
		}
		if (code != 331)
			break;
		c->st = S_PASS;
		(void)cl_send(c, "PASS %s", O.pass);
		return;
	case S_PASS:
		if (code != 230)
			break;
		logged_in(c);
		return;
	case S_TYPE:
		if (code != 200)
			break;
		op_start(c);
		return;
	case S_QUIT:
		if (code != 221)
			break;
		c->st = S_QEOF;
		return;
	case S_PASV:
		if (code != 227)
			break;
		open_data(c, line);
		return;
	case S_XFER:
		if (code / 100 == 1) {
			c->got1xx = 1;
			return;
		}
		if (code != 226 && code != 250)
			break;
		c->got2xx = 1;
		if (c->deof)
			op_done(c);
		return;
	default:
		break;
	}
	if (code == 425)
		c->t->c425++;
	if (code >= 100 && code < 600)
		c->t->codes[code / 100]++;
	cl_fail(c, E_REPLY, what);
}

/* One line from the control connection, CRLF stripped. */
static void
on_line(struct cl *c, const char *line, size_t len)
{
	int code;

	if (len < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2]))
		return;		/* text inside a multi-line reply */
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (c->multi) {
		if (code == c->multi && (len == 3 || line[3] == ' ')) {
			c->multi = 0;
			on_reply(c, code, line);
		}
		return;
	}
	if (len > 3 && line[3] == '-') {
		c->multi = code;
		return;
	}
	on_reply(c, code, line);
}

/* Read the control connection, through TLS once it is up: bytes, 0 at
 * EOF (or close_notify), -1 with errno (EAGAIN: nothing yet), or -2 when
 * TLS failed and the client has been failed already. */
static ssize_t
ctl_read(struct cl *c, void *p, size_t n)
{
	size_t got = 0;
	char why[80], what[96];
	int e;

	if (c->ssl == NULL)
		return recv(c->cfd, p, n, 0);
	ERR_clear_error();
	if (SSL_read_ex(c->ssl, p, n, &got) == 1)
		return (ssize_t)got;
	e = SSL_get_error(c->ssl, 0);
	switch (e) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:	/* no renegotiation: not expected */
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		snprintf(what, sizeof(what), "ctl_read:%s",
		    tls_reason(e, why, sizeof(why)));
		cl_fail(c, E_TLS, what);
		return -2;
	}
}

static void
ctl_readable(struct cl *c)
{
	for (;;) {
		unsigned gen = c->gen;
		size_t room = sizeof(c->rbuf) - c->rlen;
		ssize_t n;
		char *nl;

		n = ctl_read(c, c->rbuf + c->rlen, room);
		if (n == -2)
			return;
		if (n == 0) {
			if (c->st == S_QEOF) {
				struct thr *t = c->t;

				close_fds(c);
				if (!atomic_load(&g_stop)) {
					lat_add(&t->lat, now_ns() - c->t0);
					t->ops++;
				}
				c->ops++;
				if (atomic_load(&g_stop) ||
				    (O.count > 0 && c->ops >= O.count)) {
					c->st = S_DONE;
					t->active--;
				} else
					cl_start(c);
			} else
				cl_fail(c, E_EOF, "eof");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			cl_fail(c, c->st == S_CONN || c->st == S_GREET ?
			    E_CONNECT : E_EOF, strerror(errno));
			return;
		}
		c->rlen += (size_t)n;
		while ((nl = memchr(c->rbuf, '\n', c->rlen)) != NULL) {
			size_t len = (size_t)(nl - c->rbuf), used = len + 1;

			if (len > 0 && c->rbuf[len - 1] == '\r')
				len--;
			c->rbuf[len] = '\0';
			on_line(c, c->rbuf, len);
			if (c->gen != gen)
				return;		/* closed or restarted */
			memmove(c->rbuf, c->rbuf + used, c->rlen - used);
			c->rlen -= used;
		}
		if (c->rlen == sizeof(c->rbuf))
			c->rlen = 0;		/* over-long line: drop it */
	}
}

/* Read and discard what the data connection has; 1 at EOF, 0 when it
 * would block, -1 on error. */
static int
drain(struct thr *t, int fd, uint64_t *bytes, enum rmethod m)
{
	int i;

	for (i = 0; i < 256; i++) {
		ssize_t n;

		switch (m) {
		case R_TRUNC:
			n = recv(fd, t->buf, t->bufsz, MSG_TRUNC | MSG_DONTWAIT);
			break;
		case R_SPLICE:
			n = splice(fd, NULL, t->pipefd[1], NULL, t->bufsz,
			    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				ssize_t left = n;

				while (left > 0) {
					ssize_t w = splice(t->pipefd[0], NULL,
					    t->devnull, NULL, (size_t)left,
					    SPLICE_F_MOVE);
					if (w <= 0)
						return -1;
					left -= w;
				}
			}
			break;
		default:
			n = recv(fd, t->buf, t->bufsz, MSG_DONTWAIT);
			break;
		}
		if (n == 0)
			return 1;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		*bytes += (uint64_t)n;
	}
	return 0;
}

/* Read and discard what the TLS data connection has, into the thread's
 * 1 MiB buffer (SSL_read returns one record at most); like drain(). */
static int
tls_drain(struct thr *t, struct cl *c, char *why, size_t whysize)
{
	int i;

	for (i = 0; i < 256; i++) {
		size_t got = 0;
		int e;

		if (SSL_read_ex(c->dssl, t->buf, t->bufsz, &got) == 1) {
			c->xbytes += got;
			continue;
		}
		e = SSL_get_error(c->dssl, 0);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return 0;
		if (e == SSL_ERROR_ZERO_RETURN)
			return 1;
		tls_reason(e, why, whysize);
		return -1;
	}
	return 0;
}

static void
data_set_events(struct cl *c, uint32_t ev)
{
	if (c->dev != ev) {
		c->dev = ev;
		ep_mod(c, c->dfd, ev, 1);
	}
}

/* A TLS data connection: connect, handshake (resuming the control
 * session unless -N), then read to close_notify or EOF. */
static void
tls_data_event(struct cl *c, uint32_t ev)
{
	struct thr *t = c->t;
	char why[80], what[96];
	int r, e;

	ERR_clear_error();
	if (!c->dhs_done) {
		r = SSL_do_handshake(c->dssl);
		if (r != 1) {
			e = SSL_get_error(c->dssl, r);
			if (e == SSL_ERROR_WANT_READ) {
				data_set_events(c, EPOLLIN | EPOLLRDHUP);
				return;
			}
			if (e == SSL_ERROR_WANT_WRITE) {
				data_set_events(c, EPOLLOUT);
				return;
			}
			(void)ev;
			snprintf(what, sizeof(what), "data_handshake:%s",
			    tls_reason(e, why, sizeof(why)));
			cl_fail(c, E_TLS, what);
			return;
		}
		c->dhs_done = 1;
		if (SSL_session_reused(c->dssl))
			t->tls_resumed++;
		else
			t->tls_full++;
		tls_note(t, c->dssl);
		data_set_events(c, EPOLLIN | EPOLLRDHUP);
	}
	r = tls_drain(t, c, why, sizeof(why));
	if (r == 0)
		return;
	if (r < 0) {
		snprintf(what, sizeof(what), "data_read:%s", why);
		cl_fail(c, E_TLS, what);
		return;
	}
	/* close_notify (or EOF): answer it, as clients do, and close. */
	(void)SSL_shutdown(c->dssl);
	ERR_clear_error();
	data_close(c);
	c->deof = 1;
	if (c->got2xx)
		op_done(c);
}

static void
data_event(struct cl *c, uint32_t ev)
{
	struct thr *t = c->t;
	int r;

	if (c->dfd < 0 || c->st != S_XFER)
		return;
	if (c->dssl != NULL) {
		tls_data_event(c, ev);
		return;
	}
	if (O.mode == M_STOR) {
		int err = 0;
		socklen_t sl = sizeof(err);

		if ((ev & (EPOLLERR | EPOLLHUP)) != 0) {
			getsockopt(c->dfd, SOL_SOCKET, SO_ERROR, &err, &sl);
			cl_fail(c, E_DATA, err ? strerror(err) : "hup");
			return;
		}
		while (c->soff < t->filesize) {
			size_t chunk = (size_t)(t->filesize - c->soff);
			ssize_t n;

			if (chunk > (4u << 20))
				chunk = 4u << 20;
			n = sendfile(c->dfd, t->filefd, &c->soff, chunk);
			if (n < 0) {
				if (errno == EAGAIN)
					return;
				cl_fail(c, E_DATA, strerror(errno));
				return;
			}
			if (n == 0)
				break;
			c->xbytes += (uint64_t)n;
		}
		epoll_ctl(t->ep, EPOLL_CTL_DEL, c->dfd, NULL);
		close(c->dfd);
		c->dfd = -1;
		c->deof = 1;
		if (c->got2xx)
			op_done(c);
		return;
	}
	r = drain(t, c->dfd, &c->xbytes,
	    O.mode == M_BIG ? O.rmethod : R_READ);
	if (r == 0)
		return;
	if (r < 0) {
		cl_fail(c, E_DATA, strerror(errno));
		return;
	}
	close(c->dfd);
	c->dfd = -1;
	c->deof = 1;
	if (c->got2xx)
		op_done(c);
}

static void
ctl_event(struct cl *c, uint32_t ev)
{
	if (c->cfd < 0)
		return;
	if (c->st == S_DONE) {
		close_fds(c);	/* the server ended a finished session */
		return;
	}
	if (c->st == S_CONN) {
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(c->cfd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err != 0 || (ev & (EPOLLERR | EPOLLHUP)) != 0) {
			cl_fail(c, E_CONNECT, err ? strerror(err) : "hup");
			return;
		}
		c->st = S_GREET;
		ep_mod(c, c->cfd, EPOLLIN | EPOLLRDHUP, 0);
		return;
	}
	if (c->st == S_TLSHS) {
		ctl_handshake(c);
		return;
	}
	ctl_readable(c);
}

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	struct epoll_event evs[512];
	uint64_t next_scan = 0;
	int i;

	if (O.mode == M_HOLD)
		hold_next(t);
	else
		for (i = 0; i < t->ncl; i++)
			cl_start(&t->cl[i]);
	while (!atomic_load(&g_stop)) {
		int n = epoll_wait(t->ep, evs, 512, 20);
		uint64_t now;

		if (atomic_load(&g_stop))
			break;
		for (i = 0; i < n; i++) {
			struct cl *c = &t->cl[evs[i].data.u64 >> 1];

			if (evs[i].data.u64 & 1)
				data_event(c, evs[i].events);
			else
				ctl_event(c, evs[i].events);
		}
		now = now_ns();
		if (now < next_scan)
			continue;
		next_scan = now + 20 * 1000000ull;
		for (i = 0; i < t->ncl; i++) {
			struct cl *c = &t->cl[i];

			if (c->deadline == 0 || now < c->deadline)
				continue;
			if (c->st == S_WAIT)
				cl_start(c);
			else if (c->st != S_DONE && c->st != S_HELD &&
			    c->st != S_IDLE)
				cl_fail(c, E_TIMEOUT, "timeout");
		}
	}
	if (O.mode == M_HOLD) {
		/* Count sessions the server dropped while they were held. */
		for (i = 0; i < t->ncl; i++) {
			struct cl *c = &t->cl[i];
			char b[256];

			if (c->st != S_HELD || c->cfd < 0)
				continue;
			if (recv(c->cfd, b, sizeof(b), MSG_DONTWAIT) >= 0)
				t->dropped++;	/* EOF or a 421 */
		}
	}
	for (i = 0; i < t->ncl; i++) {
		if (t->cl[i].st == S_DONE && t->cl[i].cfd >= 0)
			(void)ctl_write(&t->cl[i], "QUIT\r\n", 6);
		close_fds(&t->cl[i]);
	}
	return NULL;
}

/* ------------------------------------------------------------ modes */

static void
raise_nofile(long need)
{
	struct rlimit rl, want;

	getrlimit(RLIMIT_NOFILE, &rl);
	if ((long)rl.rlim_cur >= need)
		return;
	want.rlim_cur = want.rlim_max = (rlim_t)need;
	if ((long)rl.rlim_max >= need)
		want.rlim_max = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &want) == 0)
		return;
	/* Without CAP_SYS_RESOURCE: as far as the hard limit allows. */
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if ((long)rl.rlim_cur < need)
		fprintf(stderr, "loadgen: RLIMIT_NOFILE %ld < %ld wanted\n",
		    (long)rl.rlim_cur, need);
}

static void
print_snap(const char *pfx, const struct snap *s)
{
	printf(" %sprocs=%ld %sthreads=%ld %spss_kb=%lld %srss_kb=%lld "
	    "%skern_kb=%lld %sslab_kb=%lld %ssunreclaim_kb=%lld %skstack_kb=%lld "
	    "%sptables_kb=%lld %stw_kb=%lld", pfx, s->procs, pfx, s->threads,
	    pfx, s->pss_kb, pfx, s->rss_kb, pfx, s->kern_kb, pfx, s->slab_kb,
	    pfx, s->sunrec_kb, pfx, s->kstack_kb, pfx, s->ptables_kb, pfx,
	    s->tw_kb);
}

static int
wait_or_stop(uint64_t until)
{
	while (now_ns() < until) {
		if (g_sig)
			return 1;
		usleep(20000);
	}
	return 0;
}

static void
run_clients(void)
{
	struct thr *th;
	int i, nthr = O.threads;
	uint64_t start, end, hard, ramp_end = 0;
	struct snap s0, s1, s2;
	double c0, c1;
	struct lat all = { NULL, 0, 0 };
	uint64_t ops = 0, bytes = 0, err[E_MAX] = { 0 }, codes[6] = { 0 };
	uint64_t c425 = 0, busy = 0;
	long held = 0, failed = 0, dropped = 0;
	uint64_t tls_full = 0, tls_resumed = 0;
	const char *lasterr = "", *tls_version = "-", *tls_cipher = "-";
	int have_srv = 0, filefd = -1;
	off_t filesize = 0;
	double secs;

	if (nthr > O.clients)
		nthr = O.clients;
	raise_nofile((long)O.clients *
	    (O.mode == M_HOLD || O.mode == M_LOGIN ? 1 : 2) + 64);
	if (O.mode == M_STOR) {
		struct stat st;

		filefd = open(O.file, O_RDONLY | O_CLOEXEC);
		if (filefd < 0 || fstat(filefd, &st) == -1)
			die("%s: %s", O.file, strerror(errno));
		filesize = st.st_size;
	}
	th = calloc((size_t)nthr, sizeof(*th));
	if (th == NULL)
		die("out of memory");
	for (i = 0; i < nthr; i++) {
		struct thr *t = &th[i];
		int k;

		t->idx = i;
		t->ep = epoll_create1(EPOLL_CLOEXEC);
		t->ncl = O.clients / nthr + (i < O.clients % nthr);
		t->active = t->ncl;
		t->cl = calloc((size_t)t->ncl, sizeof(*t->cl));
		t->bufsz = 1u << 20;
		t->buf = malloc(t->bufsz);
		t->filefd = filefd;
		t->filesize = filesize;
		if (t->ep < 0 || t->cl == NULL || t->buf == NULL)
			die("setup: %s", strerror(errno));
		if (O.mode == M_BIG && O.rmethod == R_SPLICE) {
			if (pipe2(t->pipefd, O_CLOEXEC) == -1)
				die("pipe: %s", strerror(errno));
			fcntl(t->pipefd[1], F_SETPIPE_SZ, (int)t->bufsz);
			t->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		}
		for (k = 0; k < t->ncl; k++) {
			t->cl[k].t = t;
			t->cl[k].idx = k;
			t->cl[k].cfd = t->cl[k].dfd = -1;
		}
	}
	have_srv = O.srvpid > 0 &&
	    tree_snap(O.srvpid, O.mode == M_HOLD, &s0) == 0;
	c0 = self_cpu_s();
	start = now_ns();
	hard = start + (uint64_t)(O.hardlimit * 1e9);
	for (i = 0; i < nthr; i++)
		if (pthread_create(&th[i].tid, NULL, thr_main, &th[i]) != 0)
			die("pthread_create");
	if (O.mode == M_HOLD) {
		/* Wait for the ramp, bounded by the hard limit. */
		for (;;) {
			int done = 1;

			for (i = 0; i < nthr; i++)
				done &= atomic_load(&th[i].ramp_done);
			if (done || g_sig || now_ns() > hard)
				break;
			usleep(10000);
		}
		for (i = 0; i < nthr; i++)
			if (th[i].ramp_end > ramp_end)
				ramp_end = th[i].ramp_end;
		if (ramp_end == 0)
			ramp_end = now_ns();
		/* Let exits and slab frees settle before measuring. */
		usleep(1000000);
		if (have_srv)
			tree_snap(O.srvpid, 1, &s1);
		/* ok: sessions logged in and still up when measured (the
		 * threads update these counters as they go: close enough). */
		for (i = 0; i < nthr; i++) {
			held += th[i].held;
			failed += th[i].failed;
			dropped += th[i].dropped;
		}
		printf("loadgen mode=hold phase=ramp label=%s clients=%d "
		    "ok=%ld logged_in=%ld dropped=%ld fail=%ld ramp_s=%.3f",
		    O.label, O.clients, held - dropped, held, dropped, failed,
		    (double)(ramp_end - start) / 1e9);
		dropped = 0;
		if (have_srv) {
			print_snap("before_", &s0);
			print_snap("after_", &s1);
		}
		printf("\n");
		fflush(stdout);
		(void)wait_or_stop(now_ns() + (uint64_t)(O.duration * 1e9));
		end = now_ns();
		if (have_srv)
			tree_snap(O.srvpid, 0, &s2);
	} else {
		uint64_t until = O.duration > 0 ?
		    start + (uint64_t)(O.duration * 1e9) : hard;

		if (until > hard)
			until = hard;
		for (;;) {
			int alive = 0;

			for (i = 0; i < nthr; i++)
				alive += th[i].active > 0;
			if (!alive || g_sig || now_ns() >= until)
				break;
			usleep(2000);
		}
		end = now_ns();
		atomic_store(&g_stop, 1);
		if (have_srv)
			tree_snap(O.srvpid, 0, &s2);
	}
	atomic_store(&g_stop, 1);
	c1 = self_cpu_s();
	for (i = 0; i < nthr; i++)
		pthread_join(th[i].tid, NULL);

	for (i = 0; i < nthr; i++) {
		struct thr *t = &th[i];
		int k;

		ops += t->ops;
		bytes += t->bytes;
		for (k = 0; k < E_MAX; k++)
			err[k] += t->err[k];
		for (k = 0; k < 6; k++)
			codes[k] += t->codes[k];
		c425 += t->c425;
		dropped += t->dropped;
		if (t->lasterr[0] != '\0')
			lasterr = t->lasterr;
		busy += t->busy;
		tls_full += t->tls_full;
		tls_resumed += t->tls_resumed;
		if (t->tls_cipher[0] != '\0') {
			tls_version = t->tls_version;
			tls_cipher = t->tls_cipher;
		}
		if (t->lat.n > 0) {
			all.v = realloc(all.v, (all.n + t->lat.n) *
			    sizeof(*all.v));
			if (all.v == NULL)
				die("out of memory");
			memcpy(all.v + all.n, t->lat.v, t->lat.n *
			    sizeof(*all.v));
			all.n += t->lat.n;
		}
	}
	if (all.n > 0)
		qsort(all.v, all.n, sizeof(*all.v), cmp_u32);
	/* Large transfers are timed by the transfers themselves (PASV to
	 * 226 and EOF; not the login, not failed attempts), per client;
	 * timed runs over the whole window. */
	if ((O.mode == M_BIG || O.mode == M_STOR) && busy > 0)
		secs = (double)busy / 1e9 / O.clients;
	else
		secs = (double)(end - start) / 1e9;
	if (O.mode == M_HOLD) {
		printf("loadgen mode=hold phase=end label=%s clients=%d ok=%ld "
		    "fail=%ld dropped=%ld held=%ld hold_s=%.3f p50_ms=%.3f "
		    "p99_ms=%.3f max_ms=%.3f", O.label, O.clients, held, failed,
		    dropped, held - dropped, secs, lat_pct(&all, 50),
		    lat_pct(&all, 99), lat_pct(&all, 100));
	} else {
		uint64_t errors = 0;
		int k;

		for (k = 0; k < E_MAX; k++)
			errors += err[k];
		printf("loadgen mode=%s label=%s clients=%d threads=%d "
		    "secs=%.3f ops=%" PRIu64 " ops_s=%.1f bytes=%" PRIu64
		    " mb_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%"
		    PRIu64, mode_names[O.mode], O.label, O.clients, nthr, secs,
		    ops, secs > 0 ? (double)ops / secs : 0, bytes,
		    secs > 0 ? (double)bytes / secs / 1e6 : 0,
		    lat_pct(&all, 50), lat_pct(&all, 99), lat_pct(&all, 100),
		    errors);
		for (k = 0; k < E_MAX; k++)
			printf(" %s=%" PRIu64, err_names[k], err[k]);
		printf(" err_4xx=%" PRIu64 " err_5xx=%" PRIu64 " err_425=%"
		    PRIu64, codes[4], codes[5], c425);
		if (O.mode == M_BIG)
			printf(" rmethod=%s", O.tls ? "ssl_read" :
			    rmethod_names[O.rmethod]);
	}
	if (O.tls)
		printf(" tls=explicit tls_version=%s tls_cipher=%s "
		    "tls_verify=%s tls_data_resumed=%" PRIu64
		    " tls_data_full=%" PRIu64, tls_version, tls_cipher,
		    O.cafile != NULL ? "ca" : "none", tls_resumed, tls_full);
	printf(" cli_cpu_s=%.3f", c1 - c0);
	if (have_srv)
		printf(" srv_cpu_s=%.3f srv_procs=%ld",
		    ticks_s(s2.ticks - s0.ticks), s2.procs);
	printf(" last_err=%s\n", lasterr[0] ? lasterr : "-");
	fflush(stdout);
	free(all.v);
}

/* The ceiling's sender: a child process that serves the file -n times
 * like a server would, non-blocking sendfile(2) and poll(2), with TCP_CORK
 * so that only full segments leave (on loopback that is worth 20-200 %;
 * ProFTPD corks its data connections too). */
static void
ceil_sender(int lfd, int filefd, off_t size, long count)
{
	long i;

	for (i = 0; i < count; i++) {
		off_t off = 0;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		int one = 1, zero = 0;

		if (fd < 0)
			_exit(1);
		(void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
		while (off < size) {
			ssize_t n = sendfile(fd, filefd, &off,
			    (size_t)(size - off));

			if (n < 0 && errno == EAGAIN) {
				struct pollfd pf = { fd, POLLOUT, 0 };

				(void)poll(&pf, 1, 30000);
			} else if (n <= 0)
				_exit(1);
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero));
		close(fd);
	}
	_exit(0);
}

/* The TLS ceiling's sender (ceiling -e): like ceil_sender, but what a
 * user-space TLS server has to do: pread(2) into a 256 KiB buffer and
 * SSL_write it (blocking), TCP_CORK on, close_notify at the end. */
static void
ceil_tls_sender(int lfd, int filefd, off_t size, long count)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	size_t bufsz = 256 * 1024;
	char *buf = malloc(bufsz);
	long i;

	if (ctx == NULL || buf == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, O.certfile) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, O.keyfile != NULL ? O.keyfile :
	    O.certfile, SSL_FILETYPE_PEM) != 1)
		_exit(3);
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	for (i = 0; i < count; i++) {
		off_t off = 0;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), one = 1;
		SSL *ssl;

		if (fd < 0)
			_exit(1);
		ssl = SSL_new(ctx);
		if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 ||
		    SSL_accept(ssl) != 1)
			_exit(1);
		/* After the handshake: corked, its last flight would wait
		 * for the 200 ms timer. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
		while (off < size) {
			ssize_t n = pread(filefd, buf, bufsz, off);
			size_t w;

			if (n <= 0 || SSL_write_ex(ssl, buf, (size_t)n, &w) != 1)
				_exit(1);
			off += n;
		}
		(void)SSL_shutdown(ssl);
		SSL_free(ssl);
		close(fd);
	}
	SSL_CTX_free(ctx);
	free(buf);
	_exit(0);
}

/* The TLS ceiling's receiver: one blocking TLS stream read like `big -e`
 * reads (SSL_read_ex into 1 MiB, read-ahead); the bytes it got. */
static uint64_t
ceil_tls_recv(const struct sockaddr_in *sa, struct thr *t, int *errs,
    char *cipher, size_t ciphersize)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv;
	uint64_t got = 0;
	SSL *ssl;

	tv.tv_sec = (time_t)O.timeout;
	tv.tv_usec = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1)
		die("ceiling connect: %s", strerror(errno));
	ssl = SSL_new(g_ctx);
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1)
		die("SSL_new failed");
	SSL_set_read_ahead(ssl, 1);
	SSL_set_default_read_buffer_len(ssl, 256 * 1024);
	if (SSL_connect(ssl) != 1) {
		(*errs)++;
		ERR_clear_error();
	} else {
		size_t n;

		snprintf(cipher, ciphersize, "%s", SSL_get_cipher_name(ssl));
		while (SSL_read_ex(ssl, t->buf, t->bufsz, &n) == 1)
			got += n;
		if (SSL_get_error(ssl, 0) != SSL_ERROR_ZERO_RETURN)
			(*errs)++;
		ERR_clear_error();
	}
	SSL_free(ssl);
	close(fd);
	return got;
}

static void
run_ceiling(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct stat st;
	struct thr t;
	struct rusage ru;
	uint64_t total = 0, ns = 0;
	double c0, c1, send_cpu;
	long i, count = O.count > 0 ? O.count : 1;
	int errs = 0, lfd, filefd, status = 0;
	char cipher[64] = "-";
	pid_t pid;

	memset(&t, 0, sizeof(t));
	filefd = open(O.file, O_RDONLY | O_CLOEXEC);
	if (filefd < 0 || fstat(filefd, &st) == -1)
		die("%s: %s", O.file, strerror(errno));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 4) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1)
		die("ceiling listener: %s", strerror(errno));
	t.bufsz = 1u << 20;
	t.buf = malloc(t.bufsz);
	if (t.buf == NULL || pipe2(t.pipefd, O_CLOEXEC) == -1)
		die("setup: %s", strerror(errno));
	fcntl(t.pipefd[1], F_SETPIPE_SZ, (int)t.bufsz);
	t.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	c0 = self_cpu_s();
	pid = fork();
	if (pid == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (O.tls)
			ceil_tls_sender(lfd, filefd, st.st_size, count);
		ceil_sender(lfd, filefd, st.st_size, count);
	}
	close(lfd);
	for (i = 0; O.tls && i < count; i++) {
		uint64_t t0 = now_ns(), got;

		got = ceil_tls_recv(&sa, &t, &errs, cipher, sizeof(cipher));
		ns += now_ns() - t0;
		total += got;
		if (got != (uint64_t)st.st_size)
			errs++;
	}
	for (i = 0; !O.tls && i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		uint64_t t0 = now_ns(), got = 0;
		struct epoll_event e;
		int ep = epoll_create1(EPOLL_CLOEXEC);

		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			die("ceiling connect: %s", strerror(errno));
		fcntl(fd, F_SETFL, O_NONBLOCK);
		memset(&e, 0, sizeof(e));
		e.events = EPOLLIN;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
		for (;;) {
			int r = drain(&t, fd, &got, O.rmethod);

			if (r != 0) {
				errs += r < 0;
				break;
			}
			if (epoll_wait(ep, &e, 1,
			    (int)(O.timeout * 1000)) <= 0) {
				errs++;
				break;
			}
		}
		ns += now_ns() - t0;
		total += got;
		if (got != (uint64_t)st.st_size)
			errs++;
		close(ep);
		close(fd);
	}
	if (wait4(pid, &status, 0, &ru) == -1 || status != 0)
		errs++;
	send_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	c1 = self_cpu_s();
	printf("loadgen mode=ceiling label=%s rmethod=%s ops=%ld bytes=%" PRIu64
	    " secs=%.3f mb_s=%.1f send_cpu_s=%.3f cli_cpu_s=%.3f errors=%d",
	    O.label, O.tls ? "ssl_read" : rmethod_names[O.rmethod], count,
	    total, ns / 1e9, ns ? (double)total / (ns / 1e9) / 1e6 : 0,
	    send_cpu, c1 - c0, errs);
	if (O.tls)
		printf(" tls_cipher=%s", cipher);
	printf("\n");
}

/* One worker thread of -m crypt or -m pam (hash: crypt's only). */
struct worker_arg {
	const char *hash;
	uint64_t ops, bad;
};

static void *
crypt_thr(void *arg)
{
	struct worker_arg *a = arg;
	struct crypt_data *cd = calloc(1, sizeof(*cd));

	if (cd == NULL)
		die("out of memory");
	while (!atomic_load(&g_stop)) {
		const char *r = crypt_r(O.pass, a->hash, cd);

		if (r == NULL || strcmp(r, a->hash) != 0)
			a->bad++;
		a->ops++;
	}
	free(cd);
	return NULL;
}

/*
 * Run fn in -j threads, each on its own a[i] (hash set to hash), for -d
 * seconds (default 2); the sums of their ops and bad counts, and the
 * seconds it took.
 */
static double
run_workers(void *(*fn)(void *), const char *hash, uint64_t *ops,
    uint64_t *bad)
{
	struct worker_arg *a;
	pthread_t *tid;
	uint64_t start;
	int i;

	a = calloc((size_t)O.threads, sizeof(*a));
	tid = calloc((size_t)O.threads, sizeof(*tid));
	if (a == NULL || tid == NULL)
		die("out of memory");
	start = now_ns();
	for (i = 0; i < O.threads; i++) {
		a[i].hash = hash;
		if (pthread_create(&tid[i], NULL, fn, &a[i]) != 0)
			die("pthread_create");
	}
	(void)wait_or_stop(start + (uint64_t)((O.duration > 0 ? O.duration
	    : 2) * 1e9));
	atomic_store(&g_stop, 1);
	*ops = *bad = 0;
	for (i = 0; i < O.threads; i++) {
		pthread_join(tid[i], NULL);
		*ops += a[i].ops;
		*bad += a[i].bad;
	}
	free(a);
	free(tid);
	return (double)(now_ns() - start) / 1e9;
}

static void
run_crypt(void)
{
	struct spwd *sp = getspnam(O.user);
	char *hash;
	uint64_t ops, bad;
	double secs;

	if (sp == NULL)
		die("getspnam %s: no shadow entry", O.user);
	if ((hash = strdup(sp->sp_pwdp)) == NULL)
		die("out of memory");
	secs = run_workers(crypt_thr, hash, &ops, &bad);
	printf("loadgen mode=crypt label=%s threads=%d hash_id=%.*s ops=%" PRIu64
	    " secs=%.3f ops_s=%.1f ms_per_op=%.3f errors=%" PRIu64 "\n",
	    O.label, O.threads, (int)strcspn(hash + 1, "$"), hash + 1, ops, secs,
	    (double)ops / secs,
	    ops ? secs * 1000.0 * O.threads / (double)ops : 0, bad);
}

/* PAM: the one password prompt gets -w, as a server's conversation does. */
static int
pam_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct pam_response *r;
	int i;

	(void)appdata;
	if (n <= 0 || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF &&
		    (r[i].resp = strdup(O.pass)) == NULL)
			return PAM_BUF_ERR;
	*resp = r;
	return PAM_SUCCESS;
}

static void
pam_no_delay(int retval, unsigned usec, void *appdata)
{
	(void)retval;
	(void)usec;
	(void)appdata;
}

static void *
pam_thr(void *arg)
{
	struct worker_arg *a = arg;
	struct pam_conv pc = { pam_conv_fn, NULL };

	while (!atomic_load(&g_stop)) {
		pam_handle_t *ph = NULL;
		int r = pam_start(O.service, O.user, &pc, &ph);

		if (r == PAM_SUCCESS) {
			(void)pam_set_item(ph, PAM_FAIL_DELAY,
			    (const void *)pam_no_delay);
			r = pam_authenticate(ph, PAM_SILENT);
			if (r == PAM_SUCCESS)
				r = pam_acct_mgmt(ph, PAM_SILENT);
			(void)pam_end(ph, r);
		}
		if (r != PAM_SUCCESS)
			a->bad++;
		a->ops++;
	}
	return NULL;
}

static void
run_pam(void)
{
	uint64_t ops, bad;
	double secs;

	secs = run_workers(pam_thr, NULL, &ops, &bad);
	printf("loadgen mode=pam label=%s threads=%d service=%s ops=%" PRIu64
	    " secs=%.3f ops_s=%.1f ms_per_op=%.3f errors=%" PRIu64 "\n",
	    O.label, O.threads, O.service, ops, secs, (double)ops / secs,
	    ops ? secs * 1000.0 * O.threads / (double)ops : 0, bad);
}

static void
run_sink(void)
{
	struct snap m0, m1;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int *fds, lfd, i, n = O.clients, ep, ok = 0;

	raise_nofile((long)n * 2 + 1024);
	fds = calloc((size_t)n * 2, sizeof(int));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fds == NULL || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1
	    || listen(lfd, 4096) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1)
		die("sink setup: %s", strerror(errno));
	usleep(200000);
	meminfo_kern(&m0);
	for (i = 0; i < n; i++) {
		struct epoll_event e;

		fds[2 * i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[2 * i] < 0 || connect(fds[2 * i],
		    (struct sockaddr *)&sa, sizeof(sa)) == -1)
			break;
		fds[2 * i + 1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fds[2 * i + 1] < 0)
			break;
		/* Like a client: the socket sits in an epoll set. */
		memset(&e, 0, sizeof(e));
		e.events = EPOLLIN;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[2 * i], &e);
		ok++;
	}
	usleep(1000000);
	meminfo_kern(&m1);
	printf("loadgen mode=sink label=%s pairs=%d kern_kb_before=%lld "
	    "kern_kb_after=%lld tw_kb_before=%lld tw_kb_after=%lld "
	    "kern_kb_per_pair=%.2f\n", O.label, ok, m0.kern_kb, m1.kern_kb,
	    m0.tw_kb, m1.tw_kb, ok ? (double)(m1.kern_kb - m0.kern_kb -
	    (m1.tw_kb - m0.tw_kb)) / ok : 0);
	for (i = 0; i < 2 * ok; i++)
		close(fds[i]);
	close(lfd);
	close(ep);
	free(fds);
}

static pid_t reaper_child;

static void
reaper_forward(int sig)
{
	if (reaper_child > 0)
		kill(reaper_child, sig);
}

static int
run_reaper(char **argv)
{
	struct sigaction sa;
	int status, code = 1;
	pid_t pid;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = reaper_forward;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	reaper_child = fork();
	if (reaper_child == -1)
		die("fork: %s", strerror(errno));
	if (reaper_child == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "loadgen: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	/* Reap the daemon and every orphan, until none is left. */
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD */
		}
		if (pid == reaper_child) {
			code = WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
			reaper_child = 0;
		}
	}
	return code;
}

static void
tls_client_init(void)
{
	g_ctx = SSL_CTX_new(TLS_client_method());
	if (g_ctx == NULL)
		die("SSL_CTX_new failed");
	(void)SSL_CTX_set_min_proto_version(g_ctx, TLS1_2_VERSION);
	if (O.tls12)
		(void)SSL_CTX_set_max_proto_version(g_ctx, TLS1_2_VERSION);
	/* A server that closes without close_notify (after 221) ends the
	 * stream; not an error here. */
	(void)SSL_CTX_set_options(g_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (O.suites != NULL && SSL_CTX_set_ciphersuites(g_ctx, O.suites) != 1)
		die("-Y %s: no such TLS 1.3 ciphersuite", O.suites);
	if (O.cafile != NULL) {
		if (SSL_CTX_load_verify_locations(g_ctx, O.cafile, NULL) != 1)
			die("-A %s: cannot load it", O.cafile);
		SSL_CTX_set_verify(g_ctx, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(g_ctx, SSL_VERIFY_NONE, NULL);
}

static void
usage(void)
{
	fputs("usage: loadgen -m login|retr|list|big|stor|hold|ceiling|crypt|"
	    "pam|sink|tree\n"
	    "  [-h host] [-p port] [-u user] [-w password] [-c clients]\n"
	    "  [-j threads] [-i max-logins-in-flight-per-thread] [-d secs]\n"
	    "  [-n ops-per-client] [-t step-timeout] [-T hard-limit]\n"
	    "  [-f remote-path] [-o remote-stor-name] [-F local-file]\n"
	    "  [-s expected-size] [-r trunc|splice|read] [-k server-pid]\n"
	    "  [-l label] [-e [-A ca-file] [-N] [-Y tls13-suites] [-V 1.2]]\n"
	    "  -e: explicit FTPS: AUTH TLS before USER; for transfers PBSZ 0\n"
	    "      and PROT P, every data connection resuming the control\n"
	    "      connection's session (-N: not resuming); -A verifies the\n"
	    "      server's certificate (for the -h address) against ca-file,\n"
	    "      without it nothing is verified; -Y sets the TLS 1.3\n"
	    "      ciphersuites offered, -V 1.2 caps the version at TLS 1.2\n"
	    "  pam -S service: the PAM service (default login)\n"
	    "  ceiling -e -C chain [-K key]: the sender is a user-space TLS\n"
	    "      server (pread + SSL_write) with that certificate\n"
	    "       loadgen -m reaper -- daemon [args...]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	int ch;
	size_t i;
	struct sigaction sa;

	if (argc < 2)
		usage();
	while ((ch = getopt(argc, argv, "m:h:p:u:w:c:j:i:d:n:t:T:f:o:F:s:r:k:l:eA:NY:V:C:K:S:"))
	    != -1) {
		switch (ch) {
		case 'm':
			for (i = 0; i < sizeof(mode_names) / sizeof(*mode_names);
			    i++)
				if (strcmp(optarg, mode_names[i]) == 0)
					break;
			if (i == sizeof(mode_names) / sizeof(*mode_names))
				usage();
			O.mode = (enum mode)i;
			break;
		case 'h': O.host = optarg; break;
		case 'p': O.port = atoi(optarg); break;
		case 'u': O.user = optarg; break;
		case 'S': O.service = optarg; break;
		case 'w': O.pass = optarg; break;
		case 'c': O.clients = atoi(optarg); break;
		case 'j': O.threads = atoi(optarg); break;
		case 'i': O.inflight = atoi(optarg); break;
		case 'd': O.duration = atof(optarg); break;
		case 'n': O.count = atol(optarg); break;
		case 't': O.timeout = atof(optarg); break;
		case 'T': O.hardlimit = atof(optarg); break;
		case 'f': O.path = optarg; break;
		case 'o': O.oname = optarg; break;
		case 'F': O.file = optarg; break;
		case 's': O.expect = atoll(optarg); break;
		case 'r':
			for (i = 0; i < 3; i++)
				if (strcmp(optarg, rmethod_names[i]) == 0)
					break;
			if (i == 3)
				usage();
			O.rmethod = (enum rmethod)i;
			break;
		case 'k': O.srvpid = (pid_t)atoi(optarg); break;
		case 'l': O.label = optarg; break;
		case 'e': O.tls = 1; break;
		case 'A': O.cafile = optarg; break;
		case 'N': O.noresume = 1; break;
		case 'C': O.certfile = optarg; break;
		case 'K': O.keyfile = optarg; break;
		case 'Y': O.suites = optarg; break;
		case 'V':
			if (strcmp(optarg, "1.2") != 0)
				usage();
			O.tls12 = 1;
			break;
		default: usage();
		}
	}
	if (O.mode == M_REAPER) {
		if (optind >= argc)
			usage();
		return run_reaper(argv + optind);
	}
	if (O.clients < 1 || O.clients > 200000 || O.threads < 1 ||
	    O.threads > 64 || O.inflight < 1 || O.timeout <= 0)
		usage();
	if (O.hardlimit <= 0)
		O.hardlimit = (O.duration > 0 ? O.duration : 0) + 120;
	memset(&O.addr, 0, sizeof(O.addr));
	O.addr.sin_family = AF_INET;
	O.addr.sin_port = htons((uint16_t)O.port);
	if (inet_pton(AF_INET, O.host, &O.addr.sin_addr) != 1)
		die("bad IPv4 address %s", O.host);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Never outlive the hard limit, whatever a server does. */
	alarm((unsigned)O.hardlimit + 30);

	switch (O.mode) {
	case M_TREE: {
		struct snap s;

		if (O.srvpid <= 0 || tree_snap(O.srvpid, 1, &s) == -1)
			die("tree: no such process %d", (int)O.srvpid);
		printf("loadgen mode=tree label=%s cpu_s=%.3f", O.label,
		    ticks_s(s.ticks));
		print_snap("", &s);
		printf("\n");
		return 0;
	}
	case M_CEIL:
		if (O.file == NULL || (O.tls && O.certfile == NULL))
			usage();
		if (O.tls)
			tls_client_init();
		run_ceiling();
		return 0;
	case M_CRYPT:
		run_crypt();
		return 0;
	case M_PAM:
		run_pam();
		return 0;
	case M_SINK:
		run_sink();
		return 0;
	case M_STOR:
		if (O.file == NULL)
			usage();
		break;
	case M_RETR: case M_LIST: case M_BIG:
		if (O.path == NULL)
			usage();
		break;
	default:
		break;
	}
	if (O.mode != M_HOLD && O.duration <= 0 && O.count <= 0)
		die("give -d seconds or -n operations");
	if (O.tls) {
		if (O.mode == M_STOR)
			die("-e: STOR over TLS is not implemented");
		tls_client_init();
	}
	run_clients();
	return 0;
}
