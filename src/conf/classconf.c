/*
 * classconf.c: ftpd.conf for the daemon.  See classconf.h.
 */
#include <netdb.h>
#include <string.h>

#include "conf/classconf.h"
#include "conf/opts.h"
#include "log/log.h"
#include "str.h"

static struct ftpdconf	*conf;		/* the file, or NULL: defaults */
static struct ftpdconf	*defaults;	/* an empty file, for comparison */

/*
 * What USER needs before the class is known, worked out once per load
 * (the pre-login process asks at every USER).  Before the password the
 * class of a real user is unknown: a name that is not anonymous gets
 * the strictest TLS policy of every class that is not of type guest,
 * so no password is asked for in clear when any class a real user
 * might land in wants TLS.  The login checks the exact class again.
 */
static struct {
	int	denyquick;	/* some class sets denyquick */
	int	tls_guest;	/* the guest class's tls */
	int	tls_real;	/* the strictest tls of the other classes */
} summary = { 0, FTPDCONF_TLS_ALLOW, FTPDCONF_TLS_ALLOW };

static void
summarize(const struct ftpdconf *cf)
{
	static const char *builtin[] = { "guest", "chroot", "real" };
	struct ftpdconf_class c;
	const char *name;
	size_t i;

	summary.denyquick = 0;
	summary.tls_guest = FTPDCONF_TLS_ALLOW;
	summary.tls_real = FTPDCONF_TLS_OFF;
	for (i = 0; i < 3 + ftpdconf_nclasses(cf); i++) {
		name = i < 3 ? builtin[i] : ftpdconf_class_name(cf, i - 3);
		if (name == NULL || ftpdconf_resolve(cf, name, i == 0 ?
		    FTPDCONF_GUEST : FTPDCONF_REAL, &c) == -1)
			continue;
		if (c.denyquick)
			summary.denyquick = 1;
		if (i == 0)
			summary.tls_guest = c.tls;
		else if (c.type != FTPDCONF_GUEST && c.tls > summary.tls_real)
			summary.tls_real = c.tls;
	}
}

int
classconf_load(char *err, size_t errsize)
{
	char path[OPTS_PATH + 16];
	struct ftpdconf *c;

	if (opts_confpath(&opts, "ftpd.conf", path, sizeof(path)) == -1) {
		(void)cstr_printf(err, errsize, "ftpd.conf: path too long");
		return -1;
	}
	if ((c = ftpdconf_load(path, err, errsize)) == NULL)
		return -1;
	if (defaults == NULL &&
	    (defaults = ftpdconf_parse("", 0, "defaults", err, errsize)) == NULL)
		return -1;
	ftpdconf_free(conf);
	conf = c;
	summarize(conf);
	return 0;
}

/*
 * Copy a string, writing nothing when it and the old value are both
 * empty: an untouched page of a kept struct stays shared.
 */
static void
set_str(char *dst, size_t size, const char *src)
{
	if (src[0] != '\0' || dst[0] != '\0')
		(void)cstr_copy(dst, size, src);
}

static void
resolve_advertise(const char *host, struct class_settings *out)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;	/* PASV replies carry IPv4 only */
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0) {
		log_msg(LOG_WARNING, "ftpd.conf advertise %s: cannot resolve",
		    host);
		return;
	}
	if (res->ai_addrlen <= sizeof(out->advertise)) {
		memcpy(&out->advertise, res->ai_addr, res->ai_addrlen);
		out->have_advertise = 1;
	}
	freeaddrinfo(res);
}

void
classconf_get(const char *classname, enum ftpdconf_type deftype,
    struct class_settings *out)
{
	struct ftpdconf_class c, d;

	/* No memset: see set_str().  Every field is assigned below. */
	(void)cstr_copy(out->name, sizeof(out->name), classname);
	out->have_advertise = 0;
	if (ftpdconf_resolve(defaults, classname, deftype, &d) == -1 ||
	    ftpdconf_resolve(conf != NULL ? conf : defaults, classname,
	    deftype, &c) == -1) {
		/* Unusable name: the defaults of its type, and the flags. */
		static const char *builtin[] = { "guest", "chroot", "real" };
		const char *name = builtin[deftype == FTPDCONF_GUEST ? 0 :
		    deftype == FTPDCONF_CHROOT ? 1 : 2];

		if (ftpdconf_resolve(defaults, name, deftype, &d) == -1)
			fatal("ftpd.conf: cannot resolve the %s class", name);
		c = d;
	}
	out->type = c.type;
	/* What the file changes wins; what it leaves alone, the flags. */
	out->timeout = c.timeout != d.timeout ? c.timeout : opts.idle_timeout;
	out->maxtimeout = c.maxtimeout != d.maxtimeout ? c.maxtimeout :
	    opts.max_timeout;
	if (out->timeout > out->maxtimeout)
		out->maxtimeout = out->timeout;
	out->umask = c.umask != d.umask ? c.umask : opts.umask;
	out->modify = c.modify != d.modify ? c.modify : -1;
	out->upload = c.upload != d.upload ? c.upload : -1;
	out->passive = c.passive;
	out->checkportcmd = c.checkportcmd != d.checkportcmd ?
	    c.checkportcmd : !opts.no_port_check;
	out->portmin = (unsigned)c.portmin;
	out->portmax = (unsigned)c.portmax;
	out->maxfilesize = c.maxfilesize;
	out->sanenames = c.sanenames;
	out->hidesymlinks = c.hidesymlinks;
	out->sendbufsize = c.sendbufsize;
	out->recvbufsize = c.recvbufsize;
	out->sendlowat = c.sendlowat;
	out->readsize = c.readsize;
	out->writesize = c.writesize;
	out->private_ = c.private_;
	set_str(out->limitfile, sizeof(out->limitfile), c.limitfile);
	out->rateget = c.rateget;
	out->rateput = c.rateput;
	set_str(out->display, sizeof(out->display), c.display);
	set_str(out->notify, sizeof(out->notify), c.notify);
	out->limit = c.limit;
	out->tls = c.tls;
	out->tlsreuse = c.tlsreuse;
	out->denyquick = c.denyquick;
	out->motd_set = strcmp(c.motd, d.motd) != 0;
	if (out->motd_set) {
		/* A relative motd is in the configuration directory. */
		if (c.motd[0] == '\0' || c.motd[0] == '/')
			(void)cstr_copy(out->motd, sizeof(out->motd), c.motd);
		else
			(void)cstr_printf(out->motd, sizeof(out->motd),
			    "%s/%s", opts.confdir, c.motd);
	} else
		(void)cstr_copy(out->motd, sizeof(out->motd), opts.motd);
	set_str(out->chroot, sizeof(out->chroot), c.chroot);
	set_str(out->homedir, sizeof(out->homedir), c.homedir);
	if (c.advertise[0] != '\0')
		resolve_advertise(c.advertise, out);
}

int
classconf_sane_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base != NULL ? base + 1 : path;
	if (base[0] == '\0' || base[0] == '.')
		return 0;
	for (i = 0; base[i] != '\0'; i++) {
		char ch = base[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' ||
		    ch == ',' || ch == '.' || ch == '_'))
			return 0;
	}
	return 1;
}

int
classconf_any_denyquick(void)
{
	return summary.denyquick;
}

int
classconf_tls_before_login(int anonymous)
{
	return anonymous ? summary.tls_guest : summary.tls_real;
}
