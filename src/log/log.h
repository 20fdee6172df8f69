/*
 * log: syslog records for every process role.
 *
 * The listener/monitor writes RFC 3164 datagrams to the syslog socket
 * itself (so it can name the pid of the session a line is about, and
 * reconnect after syslogd restarts).  Jailed processes (pre-login and
 * session) have no /dev/log: their lines travel to the monitor over the
 * monitor channel (log_set_relay).  Facility is LOG_FTP; lines carrying
 * user names of failed logins are also sent at LOG_AUTHPRIV.
 */
#ifndef FTPD_LOG_H
#define FTPD_LOG_H

#include <sys/types.h>
#include <syslog.h>

#define LOG_LINE_MAX	1024

/* Open the syslog socket (path NULL: /dev/log).  Also echo to stderr? */
void	 log_open(const char *ident, const char *sockpath, int to_stderr);
void	 log_close(void);
/* Send lines that waited for a full syslog socket; 1 if some still wait. */
int	 log_flush(void);
void	 log_reopen(void);

/*
 * In a jailed process: hand each line to fn instead of syslog.  fn gets
 * the full priority (facility|level) and the formatted text.
 */
typedef void	log_relay_fn(int prio, const char *text);
void	 log_set_relay(log_relay_fn *);

/* Write one record as coming from pid (the monitor logs for sessions). */
void	 log_emit(int prio, pid_t pid, const char *text);

void	 log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log at LOG_ERR and exit(1). */
void	 fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

extern int	log_debug_enabled;	/* -d / -v */

/*
 * Make text safe for one syslog line: control characters become '?'.
 * Writes at most dstsize-1 bytes plus NUL.
 */
void	 log_sanitize(char *dst, size_t dstsize, const char *src, size_t len);

#endif
