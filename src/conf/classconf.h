/*
 * classconf: the ftpd.conf(5) settings that apply to one login, in the
 * compact form a session keeps.  The listener loads /etc/ftpd.conf at
 * start-up (a bad line stops it) and on SIGHUP (a bad line keeps the old
 * configuration); every child inherits it.  A class setting that the file
 * leaves at its default gives way to the command-line flag (-t, -T, -u,
 * -R), so a missing ftpd.conf changes nothing.
 */
#ifndef FTPD_CLASSCONF_H
#define FTPD_CLASSCONF_H

#include <sys/socket.h>
#include <sys/types.h>
#include <stdint.h>

#include "conf/ftpdconf.h"

/*
 * Numbers first, then the strings, the ones most often set first: a
 * session keeps this for its life, and only the pages written become
 * its own (classconf_get writes no empty string).
 */
struct class_settings {
	char			 name[FTPDCONF_CLASS_MAX];
	enum ftpdconf_type	 type;
	int			 timeout, maxtimeout;
	mode_t			 umask;
	int			 modify, upload;	/* -1: BSD rules */
	int			 passive;
	int			 checkportcmd;
	unsigned		 portmin, portmax;	/* 0: -X pasv_ports */
	int			 have_advertise;
	int64_t			 maxfilesize;		/* -1: none */
	int			 sanenames;
	int			 hidesymlinks;		/* LIST as ls -L */
	int			 sendbufsize, recvbufsize;	/* 0: system */
	int			 sendlowat;
	int			 readsize, writesize;	/* 0: defaults */
	int			 private_;		/* STAT hides the class */
	int64_t			 rateget, rateput;	/* bytes/s, 0: none */
	int			 limit;			/* -1: none */
	int			 tls;		/* enum ftpdconf_tls */
	int			 tlsreuse;	/* data must resume the control's */
	int			 denyquick;	/* ftpusers applies at USER */
	int			 motd_set;	/* the file names it for the class */
	struct sockaddr_storage	 advertise;		/* PASV address */
	char			 motd[FTPDCONF_PATH_MAX];	/* "": none */
	char			 display[FTPDCONF_PATH_MAX];	/* on CWD */
	char			 notify[FTPDCONF_PATH_MAX];	/* glob, on CWD */
	char			 limitfile[FTPDCONF_PATH_MAX];
	char			 chroot[FTPDCONF_PATH_MAX];	/* format */
	char			 homedir[FTPDCONF_PATH_MAX];	/* format */
};

/* Load confdir/ftpd.conf; -1 with "file:line: message" in err. */
int	 classconf_load(char *err, size_t errsize);
/* Resolve a login's class (resolves advertise names: call before chroot). */
void	 classconf_get(const char *classname, enum ftpdconf_type deftype,
	    struct class_settings *out);
/*
 * The TLS policy (enum ftpdconf_tls) that USER applies before the class
 * is known: the guest class's for an anonymous name, else the strictest
 * of the other classes.
 */
int	 classconf_tls_before_login(int anonymous);
/* Does any class set denyquick?  Then USER asks the monitor first. */
int	 classconf_any_denyquick(void);
/* Is an uploaded name acceptable under sanenames? */
int	 classconf_sane_name(const char *path);

#endif
