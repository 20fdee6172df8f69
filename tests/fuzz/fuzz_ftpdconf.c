/* fuzz-srcs: src/conf/ftpdconf.c src/lib/file.c src/lib/buf.c src/lib/str.c */
/*
 * fuzz_ftpdconf.c: libFuzzer target for the ftpd.conf(5) parser.
 *
 * The input is a whole file image.  A failed parse must leave a
 * one-line message starting with the file name.  A successful one must
 * resolve every class (built-in names and others, each default type)
 * into settings inside their documented ranges, with every string
 * terminated inside its field and free of control bytes; and printing a
 * class, parsing the printout and resolving the class again must give
 * the same settings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "conf/ftpdconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *names[] = {
	"guest", "chroot", "real", "staff", "GUEST", "x", "c0", "",
};

static void
check_string(const char *s, size_t size)
{
	size_t i, n = strnlen(s, size);

	if (n == size)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			abort();
}

static void
check_class(const struct ftpdconf_class *c)
{
	size_t i;

	if (c->type != FTPDCONF_GUEST && c->type != FTPDCONF_CHROOT &&
	    c->type != FTPDCONF_REAL)
		abort();
	check_string(c->name, sizeof(c->name));
	check_string(c->advertise, sizeof(c->advertise));
	check_string(c->chroot, sizeof(c->chroot));
	check_string(c->display, sizeof(c->display));
	check_string(c->homedir, sizeof(c->homedir));
	check_string(c->limitfile, sizeof(c->limitfile));
	check_string(c->motd, sizeof(c->motd));
	check_string(c->notify, sizeof(c->notify));
	if (c->nconversions > FTPDCONF_CONV_MAX)
		abort();
	for (i = 0; i < c->nconversions; i++) {
		const struct ftpdconf_conversion *cv = &c->conversions[i];

		check_string(cv->suffix, sizeof(cv->suffix));
		check_string(cv->types, sizeof(cv->types));
		check_string(cv->disable, sizeof(cv->disable));
		check_string(cv->command, sizeof(cv->command));
		if (cv->command[0] != '/' || cv->suffix[0] == '\0')
			abort();
	}
	if (c->timeout < FTPDCONF_TIMEOUT_MIN ||
	    c->timeout > c->maxtimeout ||
	    c->maxtimeout > FTPDCONF_TIMEOUT_MAX)
		abort();
	if (c->limit < -1 || c->limit > FTPDCONF_LIMIT_MAX ||
	    c->maxfilesize < -1 || c->rateget < 0 || c->rateput < 0)
		abort();
	if (c->mmapsize < 0 || c->mmapsize > FTPDCONF_MMAP_MAX ||
	    c->readsize < 0 || c->readsize > FTPDCONF_BUFSIZE_MAX ||
	    c->writesize < 0 || c->writesize > FTPDCONF_BUFSIZE_MAX ||
	    c->sendbufsize < 0 || c->sendbufsize > FTPDCONF_BUFSIZE_MAX ||
	    c->recvbufsize < 0 || c->recvbufsize > FTPDCONF_BUFSIZE_MAX ||
	    c->sendlowat < 0 || c->sendlowat > FTPDCONF_BUFSIZE_MAX)
		abort();
	if (!((c->portmin == 0 && c->portmax == 0) ||
	    (c->portmin >= FTPDCONF_PORT_MIN && c->portmin <= c->portmax &&
	    c->portmax <= FTPDCONF_PORT_MAX)))
		abort();
	if (c->umask > 0777)
		abort();
	if ((c->checkportcmd | c->denyquick | c->hidesymlinks | c->modify |
	    c->passive | c->private_ | c->sanenames | c->upload) & ~1)
		abort();
}

static int
same(const struct ftpdconf_class *a, const struct ftpdconf_class *b)
{
	size_t i;

	if (strcmp(a->name, b->name) || a->type != b->type ||
	    strcmp(a->advertise, b->advertise) ||
	    strcmp(a->chroot, b->chroot) ||
	    strcmp(a->display, b->display) || strcmp(a->homedir, b->homedir) ||
	    strcmp(a->limitfile, b->limitfile) || strcmp(a->motd, b->motd) ||
	    strcmp(a->notify, b->notify) ||
	    a->nconversions != b->nconversions ||
	    a->checkportcmd != b->checkportcmd ||
	    a->denyquick != b->denyquick ||
	    a->hidesymlinks != b->hidesymlinks || a->limit != b->limit ||
	    a->maxfilesize != b->maxfilesize ||
	    a->maxtimeout != b->maxtimeout || a->mmapsize != b->mmapsize ||
	    a->modify != b->modify || a->passive != b->passive ||
	    a->portmin != b->portmin || a->portmax != b->portmax ||
	    a->private_ != b->private_ || a->rateget != b->rateget ||
	    a->rateput != b->rateput || a->readsize != b->readsize ||
	    a->recvbufsize != b->recvbufsize || a->sanenames != b->sanenames ||
	    a->sendbufsize != b->sendbufsize || a->sendlowat != b->sendlowat ||
	    a->timeout != b->timeout || a->umask != b->umask ||
	    a->upload != b->upload || a->writesize != b->writesize)
		return 0;
	for (i = 0; i < a->nconversions; i++)
		if (strcmp(a->conversions[i].suffix,
		    b->conversions[i].suffix) ||
		    strcmp(a->conversions[i].types, b->conversions[i].types) ||
		    strcmp(a->conversions[i].disable,
		    b->conversions[i].disable) ||
		    strcmp(a->conversions[i].command,
		    b->conversions[i].command))
			return 0;
	return 1;
}

static void
round_trip(const struct ftpdconf_class *c, enum ftpdconf_type t)
{
	static char mem[FTPDCONF_PRINT_MAX];
	static struct ftpdconf_class again;
	struct ftpdconf *cf;
	struct buf b;
	char err[256];

	buf_init(&b, mem, sizeof(mem));
	if (ftpdconf_print(c, &b) != 0)
		abort();
	cf = ftpdconf_parse((const char *)buf_data(&b), buf_len(&b), "p",
	    err, sizeof(err));
	if (cf == NULL)
		abort();
	if (ftpdconf_resolve(cf, c->name, t, &again) != 0 ||
	    !same(c, &again))
		abort();
	ftpdconf_free(cf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ftpdconf_class c;
	const struct ftpdconf_class *cached;
	struct ftpdconf *cf;
	char err[512];
	size_t i;
	int t;

	cf = ftpdconf_parse((const char *)data, size, "f.conf", err,
	    sizeof(err));
	if (cf == NULL) {
		check_string(err, sizeof(err));
		if (strncmp(err, "f.conf:", 7) != 0)
			abort();
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (t = FTPDCONF_GUEST; t <= FTPDCONF_REAL; t++) {
			if (ftpdconf_resolve(cf, names[i],
			    (enum ftpdconf_type)t, &c) != 0)
				abort();
			check_class(&c);
			cached = ftpdconf_class(cf, names[i],
			    (enum ftpdconf_type)t);
			if (cached == NULL || !same(cached, &c))
				abort();
			/* "" cannot be printed as a class word. */
			if (names[i][0] != '\0')
				round_trip(&c, (enum ftpdconf_type)t);
		}
	}
	ftpdconf_free(cf);
	return 0;
}
