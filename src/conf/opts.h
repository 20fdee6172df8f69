/*
 * opts: the daemon's settings, from the command line.
 *
 * One struct, one default per field (opts_defaults), filled by
 * opts_parse() from the BSD flags and the -X key=value settings.  Every
 * process role gets a copy by fork; none of it is secret.
 */
#ifndef FTPD_OPTS_H
#define FTPD_OPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OPTS_PATH	256
#define OPTS_NAME	64

enum opts_mode {
	MODE_INETD = 0,		/* control connection on fd 0 */
	MODE_DAEMON,		/* -D: detach, listen, fork per connection */
	MODE_FOREGROUND		/* -F: like -D but stay attached */
};

struct opts {
	enum opts_mode	 mode;
	int		 family4, family6;	/* -4 / -6 (both or neither: both) */
	char		 listen_addr[OPTS_NAME];	/* -a */
	char		 port[OPTS_NAME];		/* -P, default "21" */
	char		 pidfile[OPTS_PATH];		/* -p */
	char		 hostname[OPTS_NAME];		/* -H, else gethostname */

	int		 anon_only;		/* -A */
	int		 debug;			/* -d, -v */
	int		 no_epsv;		/* -E */
	int		 hide_host;		/* -h */
	int		 logging;		/* -l count */
	int		 guest_no_mkdir;	/* -M */
	int		 guest_modify;		/* -m */
	int		 guest_no_retr;		/* -O */
	int		 no_retr;		/* -o */
	int		 no_port_check;		/* -R */
	int		 read_only;		/* -r */
	int		 stats;			/* -S */
	int		 no_wtmp;		/* -W */
	int		 utf8;			/* -8 */
	int		 idle_timeout;		/* -t, seconds */
	int		 max_timeout;		/* -T, seconds */
	mode_t		 umask;			/* -u */

	/* -c confdir: where ftpusers, ftpchroot, ftpwelcome, ... live. */
	char		 confdir[OPTS_PATH];

	/* -X key=value settings; see ftpd(8) and opts.c's table. */
	char		 nopriv_user[OPTS_NAME];
	char		 empty_dir[OPTS_PATH];
	char		 anon_user[OPTS_NAME];
	char		 anon_root[OPTS_PATH];
	char		 motd[OPTS_PATH];
	char		 nologin[OPTS_PATH];
	char		 shells[OPTS_PATH];
	char		 passwd_file[OPTS_PATH];
	char		 group_file[OPTS_PATH];
	char		 syslog_socket[OPTS_PATH];
	char		 pam_service[OPTS_NAME];
	int		 use_pam;
	unsigned	 pasv_min, pasv_max;
	unsigned	 login_delay_ms;
	unsigned	 data_timeout;		/* seconds */
	unsigned	 max_sessions;
	unsigned	 hash_max;		/* digests at once, all sessions */
	unsigned	 login_max;		/* password checks at once, 0: any */

	/* FTPS (RFC 4217): on when tls_cert is set. */
	char		 tls_cert[OPTS_PATH];	/* PEM chain, leaf first */
	char		 tls_key[OPTS_PATH];	/* "": the tls_cert file */
	char		 tls_sni[OPTS_NAME];	/* "": any or no SNI */
	int		 tls_implicit;		/* implicit FTPS listener/conn */
	char		 tls_implicit_port[OPTS_NAME];	/* default "990" */

	char		 unknown_flags[16];	/* logged once logging is up */
};

extern struct opts	opts;

void	 opts_defaults(struct opts *);
/* Parse argv; unknown flags are logged and ignored.  -1 on a bad value. */
int	 opts_parse(struct opts *, int argc, char **argv, char *err,
	    size_t errsize);
/* Apply one "key=value" (-X).  -1 with a message on error. */
int	 opts_set(struct opts *, const char *kv, char *err, size_t errsize);
/* confdir/name into dst. */
int	 opts_confpath(const struct opts *, const char *name, char *dst,
	    size_t dstsize);

#endif
