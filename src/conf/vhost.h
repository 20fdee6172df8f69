/*
 * vhost: /etc/ftphosts virtual hosts (bsd-ftpd.md §2).  One line each:
 *   hostname [user [statfile [welcome [motd]]]]
 * "-" or a missing field means the default.  The entry whose hostname
 * resolves to the control connection's local address applies; the table
 * is resolved by the listener at start-up and on SIGHUP, never per
 * connection, and children inherit it.
 */
#ifndef FTPD_VHOST_H
#define FTPD_VHOST_H

#include <sys/socket.h>

#include "conf/opts.h"

#define VHOST_MAX	64
#define VHOST_ADDRS	8
#define VHOST_WELCOME_MAX	8192

struct vhost {
	char			 name[256];
	char			 user[OPTS_NAME];	/* anonymous account */
	char			 statfile[OPTS_PATH];
	char			 welcome[OPTS_PATH];
	char			 motd[OPTS_PATH];
	struct sockaddr_storage	 addr[VHOST_ADDRS];
	int			 naddr;
	/* The welcome text as read at load time, for HOST (the pre-login
	   process is jailed by then and cannot open it). */
	char			*welcome_text;
	size_t			 welcome_len;
};

/* Parse a file image; entries are appended to the table (no lookups). */
int	 vhost_parse(const char *text, size_t len, struct vhost *out, int max);
/* Read, parse and resolve path; a missing file means no vhosts. */
int	 vhost_load(const char *path);
const struct vhost	*vhost_by_addr(const struct sockaddr_storage *);
const struct vhost	*vhost_by_name(const char *);

#endif
