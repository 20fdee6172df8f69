/*
 * opts.c: command-line flags (BSD ftpd's getopt string plus -F, -c, -X)
 * into struct opts.  Every default lives in opts_defaults().
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "log/log.h"
#include "str.h"

struct opts	opts;

void
opts_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = MODE_INETD;
	(void)cstr_copy(o->port, sizeof(o->port), "21");
	(void)cstr_copy(o->pidfile, sizeof(o->pidfile), "/var/run/ftpd.pid");
	o->idle_timeout = 900;
	o->max_timeout = 7200;
	o->umask = 027;
	(void)cstr_copy(o->confdir, sizeof(o->confdir), "/etc");
	(void)cstr_copy(o->nopriv_user, sizeof(o->nopriv_user), "nobody");
	(void)cstr_copy(o->empty_dir, sizeof(o->empty_dir), "/var/empty");
	(void)cstr_copy(o->anon_user, sizeof(o->anon_user), "ftp");
	(void)cstr_copy(o->nologin, sizeof(o->nologin), "/var/run/nologin");
	(void)cstr_copy(o->shells, sizeof(o->shells), "/etc/shells");
	(void)cstr_copy(o->passwd_file, sizeof(o->passwd_file), "/etc/passwd");
	(void)cstr_copy(o->group_file, sizeof(o->group_file), "/etc/group");
	(void)cstr_copy(o->syslog_socket, sizeof(o->syslog_socket), "/dev/log");
	(void)cstr_copy(o->pam_service, sizeof(o->pam_service), "ftpd");
	o->use_pam = 1;
	o->pasv_min = 49152;
	o->pasv_max = 65535;
	o->login_delay_ms = 1000;
	o->data_timeout = 300;
	(void)cstr_copy(o->tls_implicit_port, sizeof(o->tls_implicit_port),
	    "990");
	/* One digest per core: HASH cannot take the whole machine. */
	o->hash_max = sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
	    (unsigned)sysconf(_SC_NPROCESSORS_ONLN) : 1;
	/*
	 * One password check per core: a yescrypt hash wants its 16 MiB in
	 * the caches, and fifty at once thrash them.
	 */
	o->login_max = o->hash_max;
}

static int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	return str_to_u64(str_cstr(s), max, out);
}

static int
parse_bool(const char *v, int *out)
{
	struct str s = str_cstr(v);

	if (str_eq_ci(s, "yes") || str_eq_ci(s, "on") || str_eq(s, "1") ||
	    str_eq_ci(s, "true"))
		*out = 1;
	else if (str_eq_ci(s, "no") || str_eq_ci(s, "off") || str_eq(s, "0") ||
	    str_eq_ci(s, "false"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* One row per -X key: the string fields, then the special cases. */
static const struct {
	const char	*key;
	size_t		 off;
	size_t		 size;
} string_keys[] = {
	{ "nopriv_user", offsetof(struct opts, nopriv_user), OPTS_NAME },
	{ "empty_dir", offsetof(struct opts, empty_dir), OPTS_PATH },
	{ "anon_user", offsetof(struct opts, anon_user), OPTS_NAME },
	{ "anon_root", offsetof(struct opts, anon_root), OPTS_PATH },
	{ "motd", offsetof(struct opts, motd), OPTS_PATH },
	{ "nologin", offsetof(struct opts, nologin), OPTS_PATH },
	{ "shells", offsetof(struct opts, shells), OPTS_PATH },
	{ "passwd", offsetof(struct opts, passwd_file), OPTS_PATH },
	{ "group", offsetof(struct opts, group_file), OPTS_PATH },
	{ "syslog_socket", offsetof(struct opts, syslog_socket), OPTS_PATH },
	{ "pam_service", offsetof(struct opts, pam_service), OPTS_NAME },
	{ "tls_cert", offsetof(struct opts, tls_cert), OPTS_PATH },
	{ "tls_key", offsetof(struct opts, tls_key), OPTS_PATH },
	{ "tls_sni", offsetof(struct opts, tls_sni), OPTS_NAME },
	{ "tls_implicit_port", offsetof(struct opts, tls_implicit_port),
	    OPTS_NAME },
};

int
opts_set(struct opts *o, const char *kv, char *err, size_t errsize)
{
	char key[64];
	const char *val;
	struct str k, v;
	uint64_t n, m;
	size_t i;

	if (!str_split(str_cstr(kv), '=', &k, &v) ||
	    str_copy(k, key, sizeof(key)) == -1) {
		(void)cstr_printf(err, errsize, "-X %s: expected key=value", kv);
		return -1;
	}
	val = v.p;
	for (i = 0; i < sizeof(string_keys) / sizeof(string_keys[0]); i++) {
		if (strcmp(key, string_keys[i].key) != 0)
			continue;
		if (cstr_copy((char *)o + string_keys[i].off,
		    string_keys[i].size, val) == -1) {
			(void)cstr_printf(err, errsize, "-X %s: too long", key);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "pam") == 0) {
		if (parse_bool(val, &o->use_pam) == -1)
			goto bad;
	} else if (strcmp(key, "tls_implicit") == 0) {
		if (parse_bool(val, &o->tls_implicit) == -1)
			goto bad;
	} else if (strcmp(key, "pasv_ports") == 0) {
		struct str lo, hi;

		if (!str_split(v, '-', &lo, &hi) ||
		    str_to_u64(lo, 65535, &n) == -1 ||
		    str_to_u64(hi, 65535, &m) == -1 || n < 1024 || m < n)
			goto bad;
		o->pasv_min = (unsigned)n;
		o->pasv_max = (unsigned)m;
	} else if (strcmp(key, "login_delay_ms") == 0) {
		if (parse_uint(val, 60000, &n) == -1)
			goto bad;
		o->login_delay_ms = (unsigned)n;
	} else if (strcmp(key, "data_timeout") == 0) {
		if (parse_uint(val, 86400, &n) == -1 || n < 1)
			goto bad;
		o->data_timeout = (unsigned)n;
	} else if (strcmp(key, "hash_max") == 0) {
		if (parse_uint(val, 1024, &n) == -1 || n < 1)
			goto bad;
		o->hash_max = (unsigned)n;
	} else if (strcmp(key, "login_max") == 0) {
		if (parse_uint(val, 1024, &n) == -1)
			goto bad;
		o->login_max = (unsigned)n;
	} else if (strcmp(key, "max_sessions") == 0) {
		if (parse_uint(val, 1000000, &n) == -1)
			goto bad;
		o->max_sessions = (unsigned)n;
	} else {
		(void)cstr_printf(err, errsize, "-X %s: unknown setting", key);
		return -1;
	}
	return 0;
bad:
	(void)cstr_printf(err, errsize, "-X %s: bad value '%s'", key, val);
	return -1;
}

int
opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errsize)
{
	uint64_t n;
	int ch;

	/* BSD ftpd's set, plus -B (FreeBSD), -F, -c and -X. */
	opterr = 0;
	while ((ch = getopt(argc, argv,
	    ":468a:ABc:dDEFH:hlmMoOp:P:rRSt:T:u:UvWX:")) != -1) {
		switch (ch) {
		case '4':
			o->family4 = 1;
			break;
		case '6':
			o->family6 = 1;
			break;
		case '8':
			o->utf8 = 1;
			break;
		case 'a':
			if (cstr_copy(o->listen_addr, sizeof(o->listen_addr),
			    optarg) == -1)
				goto toolong;
			break;
		case 'A':
			o->anon_only = 1;
			break;
		case 'B':
			log_msg(LOG_INFO, "-B: no blocklist daemon support; "
			    "failed logins are logged for fail2ban instead");
			break;
		case 'c':
			if (cstr_copy(o->confdir, sizeof(o->confdir), optarg) == -1)
				goto toolong;
			break;
		case 'd':
		case 'v':
			o->debug = 1;
			break;
		case 'D':
			o->mode = MODE_DAEMON;
			break;
		case 'E':
			o->no_epsv = 1;
			break;
		case 'F':
			o->mode = MODE_FOREGROUND;
			break;
		case 'H':
			if (cstr_copy(o->hostname, sizeof(o->hostname), optarg) == -1)
				goto toolong;
			break;
		case 'h':
			o->hide_host = 1;
			break;
		case 'l':
			o->logging++;
			break;
		case 'm':
			o->guest_modify = 1;
			break;
		case 'M':
			o->guest_no_mkdir = 1;
			break;
		case 'o':
			o->no_retr = 1;
			break;
		case 'O':
			o->guest_no_retr = 1;
			break;
		case 'p':
			if (cstr_copy(o->pidfile, sizeof(o->pidfile), optarg) == -1)
				goto toolong;
			break;
		case 'P':
			if (cstr_copy(o->port, sizeof(o->port), optarg) == -1)
				goto toolong;
			break;
		case 'r':
			o->read_only = 1;
			break;
		case 'R':
			o->no_port_check = 1;
			break;
		case 'S':
			o->stats = 1;
			break;
		case 't':
			if (parse_uint(optarg, 86400 * 7, &n) == -1) {
				log_msg(LOG_WARNING, "bad value for -t");
				break;
			}
			o->idle_timeout = (int)n;
			if (o->idle_timeout > o->max_timeout)
				o->max_timeout = o->idle_timeout;
			break;
		case 'T':
			if (parse_uint(optarg, 86400 * 7, &n) == -1) {
				log_msg(LOG_WARNING, "bad value for -T");
				break;
			}
			o->max_timeout = (int)n;
			if (o->idle_timeout > o->max_timeout)
				o->idle_timeout = o->max_timeout;
			break;
		case 'u':
			if (str_to_octal(str_cstr(optarg), 0777, &n) == -1) {
				log_msg(LOG_WARNING, "bad value for -u");
				break;
			}
			o->umask = (mode_t)n;
			break;
		case 'U':
			/* BSD: IP_PORTRANGE_DEFAULT; pasv_ports covers it. */
			break;
		case 'W':
			o->no_wtmp = 1;
			break;
		case 'X':
			if (opts_set(o, optarg, err, errsize) == -1)
				return -1;
			break;
		case ':':
			(void)cstr_printf(err, errsize,
			    "option -%c needs an argument", optopt);
			return -1;
		default: {
			size_t k = strlen(o->unknown_flags);

			if (k + 1 < sizeof(o->unknown_flags))
				o->unknown_flags[k] = (char)optopt;
			break;
		}
		}
	}
	if (o->motd[0] == '\0' &&
	    opts_confpath(o, "ftpmotd", o->motd, sizeof(o->motd)) == -1)
		goto toolong;
	return 0;
toolong:
	(void)cstr_printf(err, errsize, "option -%c: argument too long", ch);
	return -1;
}

int
opts_confpath(const struct opts *o, const char *name, char *dst,
    size_t dstsize)
{
	return cstr_printf(dst, dstsize, "%s/%s", o->confdir, name);
}
