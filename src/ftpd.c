/*
 * ftpd.c: main.  Reads the flags, checks what must be true before any
 * connection is served (root, the unprivileged user, the empty jail),
 * and becomes the listener (-D, -F) or the monitor of one inetd session.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/classconf.h"
#include "conf/opts.h"
#include "data/digest.h"
#include "ipc/role.h"
#include "listener.h"
#include "log/log.h"
#include "monitor.h"
#include "platform/platform.h"
#include "str.h"
#include "tls/ftps.h"

/* inetd hands us the socket as 0, 1 and 2: stderr must not write to it. */
static void
quiet_stderr(void)
{
	struct stat s0, s2;
	int fd;

	if (fstat(0, &s0) == -1 || fstat(2, &s2) == -1 ||
	    (s0.st_dev == s2.st_dev && s0.st_ino == s2.st_ino)) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			(void)dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
}

int
main(int argc, char **argv)
{
	char err[512];
	size_t i;

	plat_proctitle_init(argc, argv);
	(void)signal(SIGPIPE, SIG_IGN);
	opts_defaults(&opts);
	if (opts_parse(&opts, argc, argv, err, sizeof(err)) == -1) {
		log_open("ftpd", opts.syslog_socket, 0);
		log_msg(LOG_ERR, "%s", err);
		if (opts.mode != MODE_INETD)
			fprintf(stderr, "ftpd: %s\n", err);
		return 2;
	}
	if (opts.mode == MODE_INETD)
		quiet_stderr();
	log_open("ftpd", opts.syslog_socket, opts.mode == MODE_FOREGROUND);
	log_debug_enabled = opts.debug;
	for (i = 0; opts.unknown_flags[i] != '\0'; i++)
		log_msg(LOG_WARNING, "unknown flag -%c ignored",
		    opts.unknown_flags[i]);

	/* Before any fork or chroot: OpenSSL reads its config from here. */
	(void)digest_global_init();
	if (geteuid() != 0) {
		log_msg(LOG_ERR, "must be started as root");
		if (opts.mode != MODE_INETD)
			fprintf(stderr, "ftpd: must be started as root\n");
		return 1;
	}
	if (role_lookup(opts.nopriv_user, &mon_ids.nopriv) == -1 ||
	    mon_ids.nopriv.uid == 0) {
		(void)cstr_printf(err, sizeof(err), "unprivileged user %s "
		    "does not exist (or is root): set -X nopriv_user=",
		    opts.nopriv_user);
		goto fail;
	}
	if (role_check_empty_dir(opts.empty_dir, err, sizeof(err)) == -1)
		goto fail;
	/* A malformed ftpd.conf stops the server, naming file and line. */
	if (classconf_load(err, sizeof(err)) == -1)
		goto fail;
	/* FTPS: the key is read here, as root, and never again by a child. */
	if (ftps_init(err, sizeof(err)) == -1)
		goto fail;

	if (opts.mode == MODE_INETD)
		return inetd_main();
	return listener_main();
fail:
	log_msg(LOG_ERR, "%s", err);
	if (opts.mode != MODE_INETD)
		fprintf(stderr, "ftpd: %s\n", err);
	return 1;
}
