/*
 * test_ftpdconf: the ftpd.conf(5) parser (src/conf/ftpdconf.c): the
 * defaults of each class type, every directive, "all" and "none",
 * templates, classtype, last-match-wins, number suffixes, every error
 * with its line number, the lexer (comments, escapes, continuations,
 * CRLF), hostile input (NUL bytes, a backslash at EOF, a 1 MB line),
 * the loader, the cache, the print round trip and the format expander.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "buf.h"
#include "str.h"
#include "conf/ftpdconf.h"

static char errbuf[512];

/* ---- helpers ---- */

static struct ftpdconf *
parse(const char *text)
{
	return ftpdconf_parse(text, strlen(text), "test.conf", errbuf,
	    sizeof(errbuf));
}

/* The error message for text, or "OK" if it parses. */
static const char *
err_of(const char *text)
{
	struct ftpdconf *cf = parse(text);

	if (cf != NULL) {
		ftpdconf_free(cf);
		return "OK";
	}
	return errbuf;
}

/* Does text fail with a message starting "test.conf:<line>: <msg>"? */
static int
fails_at(const char *text, int line, const char *msg)
{
	char want[256];
	const char *got = err_of(text);

	(void)cstr_printf(want, sizeof(want), "test.conf:%d: %s", line, msg);
	if (strncmp(got, want, strlen(want)) == 0)
		return 1;
	fprintf(stderr, "  text: \"%.60s\"\n  got:  \"%s\"\n"
	    "  want: \"%s...\"\n", text, got, want);
	return 0;
}

/* Resolve name in a freshly parsed text; 0 on success. */
static int
resolve(const char *text, const char *name, enum ftpdconf_type t,
    struct ftpdconf_class *out)
{
	struct ftpdconf *cf = parse(text);
	int r;

	if (cf == NULL) {
		fprintf(stderr, "  unexpected error: %s\n", errbuf);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	r = ftpdconf_resolve(cf, name, t, out);
	ftpdconf_free(cf);
	return r;
}

static struct ftpdconf_class rc;	/* the last class resolved */

/* Resolve "real" (REAL) of text into rc. */
static int
real(const char *text)
{
	return resolve(text, "real", FTPDCONF_REAL, &rc);
}

static int
same_class(const struct ftpdconf_class *a, const struct ftpdconf_class *b)
{
	size_t i;

	if (strcmp(a->name, b->name) || a->type != b->type ||
	    strcmp(a->advertise, b->advertise) ||
	    a->checkportcmd != b->checkportcmd ||
	    strcmp(a->chroot, b->chroot) ||
	    a->nconversions != b->nconversions ||
	    a->denyquick != b->denyquick || strcmp(a->display, b->display) ||
	    a->hidesymlinks != b->hidesymlinks ||
	    strcmp(a->homedir, b->homedir) || a->limit != b->limit ||
	    strcmp(a->limitfile, b->limitfile) ||
	    a->maxfilesize != b->maxfilesize ||
	    a->maxtimeout != b->maxtimeout || a->mmapsize != b->mmapsize ||
	    a->modify != b->modify || strcmp(a->motd, b->motd) ||
	    strcmp(a->notify, b->notify) || a->passive != b->passive ||
	    a->portmin != b->portmin || a->portmax != b->portmax ||
	    a->private_ != b->private_ || a->rateget != b->rateget ||
	    a->rateput != b->rateput || a->readsize != b->readsize ||
	    a->recvbufsize != b->recvbufsize ||
	    a->sanenames != b->sanenames ||
	    a->sendbufsize != b->sendbufsize ||
	    a->sendlowat != b->sendlowat || a->timeout != b->timeout ||
	    a->umask != b->umask || a->upload != b->upload ||
	    a->writesize != b->writesize || a->tls != b->tls ||
	    a->tlsreuse != b->tlsreuse)
		return 0;
	for (i = 0; i < a->nconversions && i < FTPDCONF_CONV_MAX; i++) {
		const struct ftpdconf_conversion *x = &a->conversions[i];
		const struct ftpdconf_conversion *y = &b->conversions[i];

		if (strcmp(x->suffix, y->suffix) ||
		    strcmp(x->types, y->types) ||
		    strcmp(x->disable, y->disable) ||
		    strcmp(x->command, y->command))
			return 0;
	}
	return 1;
}

/* Print c, parse the output, resolve c's name again: the same class? */
static int
round_trip(const struct ftpdconf_class *c, enum ftpdconf_type dflt)
{
	static char mem[FTPDCONF_PRINT_MAX];
	struct ftpdconf_class *again;
	struct ftpdconf *cf;
	struct buf b;
	int ok = 0;

	buf_init(&b, mem, sizeof(mem));
	if (ftpdconf_print(c, &b) == -1)
		return 0;
	cf = ftpdconf_parse((const char *)buf_data(&b), buf_len(&b), "print",
	    errbuf, sizeof(errbuf));
	if (cf == NULL) {
		fprintf(stderr, "  print output does not parse: %s\n", errbuf);
		return 0;
	}
	if ((again = malloc(sizeof(*again))) != NULL &&
	    ftpdconf_resolve(cf, c->name, dflt, again) == 0)
		ok = same_class(c, again);
	free(again);
	ftpdconf_free(cf);
	return ok;
}

static void
check_real_defaults(const struct ftpdconf_class *c)
{
	CHECK_INT(c->type, FTPDCONF_REAL);
	CHECK_STR(c->advertise, "");
	CHECK_INT(c->checkportcmd, 1);
	CHECK_STR(c->chroot, "");
	CHECK_INT(c->nconversions, 0);
	CHECK_INT(c->denyquick, 0);
	CHECK_STR(c->display, "");
	CHECK_INT(c->hidesymlinks, 0);
	CHECK_STR(c->homedir, "");
	CHECK_INT(c->limit, -1);
	CHECK_STR(c->limitfile, "");
	CHECK_INT(c->maxfilesize, -1);
	CHECK_INT(c->maxtimeout, 7200);
	CHECK_INT(c->mmapsize, 0);
	CHECK_INT(c->modify, 1);
	CHECK_STR(c->motd, "motd");
	CHECK_STR(c->notify, "");
	CHECK_INT(c->passive, 1);
	CHECK_INT(c->portmin, 0);
	CHECK_INT(c->portmax, 0);
	CHECK_INT(c->private_, 0);
	CHECK_INT(c->rateget, 0);
	CHECK_INT(c->rateput, 0);
	CHECK_INT(c->readsize, 0);
	CHECK_INT(c->recvbufsize, 0);
	CHECK_INT(c->sanenames, 0);
	CHECK_INT(c->sendbufsize, 0);
	CHECK_INT(c->sendlowat, 0);
	CHECK_INT(c->timeout, 900);
	CHECK_INT(c->umask, 027);
	CHECK_INT(c->upload, 1);
	CHECK_INT(c->writesize, 0);
	CHECK_INT(c->tls, FTPDCONF_TLS_ALLOW);
	CHECK_INT(c->tlsreuse, 1);
}

/* ---- defaults ---- */

UNIT_TEST(test_defaults)
{
	struct ftpdconf_class c;

	CHECK(resolve("", "real", FTPDCONF_REAL, &c) == 0);
	CHECK_STR(c.name, "real");
	check_real_defaults(&c);

	CHECK(resolve("", "chroot", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_CHROOT);
	CHECK_INT(c.modify, 1);
	CHECK_INT(c.umask, 027);

	/* guest: modify off, umask 0707; the rest as for real. */
	CHECK(resolve("", "guest", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_GUEST);
	CHECK_INT(c.modify, 0);
	CHECK_INT(c.umask, 0707);
	c.type = FTPDCONF_REAL;
	c.modify = 1;
	c.umask = 027;
	check_real_defaults(&c);

	/* A class the file never names takes the caller's type. */
	CHECK(resolve("", "staff", FTPDCONF_REAL, &c) == 0);
	check_real_defaults(&c);
	CHECK(resolve("", "staff", FTPDCONF_CHROOT, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_CHROOT);
	CHECK(resolve("", "anon2", FTPDCONF_GUEST, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_GUEST);
	CHECK_INT(c.modify, 0);		/* by type, not only by name */
	CHECK_INT(c.umask, 0707);
	/* Built-in names keep their type whatever the caller says. */
	CHECK(resolve("", "GUEST", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_GUEST);
	CHECK(resolve("", "real", FTPDCONF_GUEST, &c) == 0);
	CHECK_INT(c.type, FTPDCONF_REAL);
	CHECK_INT(c.modify, 1);

	/* Comments and blank lines only. */
	CHECK(real("# nothing\n\n   \t\n# more\n") == 0);
	check_real_defaults(&rc);
}

/* ---- every directive ---- */

UNIT_TEST(test_every_directive)
{
	static const char text[] =
	    "advertise real ftp.example.org\n"
	    "checkportcmd real off\n"
	    "chroot real /var/ftp/%u\n"
	    "classtype real CHROOT\n"
	    "conversion real .tar.gz f,d .notar /usr/bin/tar -zcf - %s\n"
	    "denyquick real\n"
	    "display real .message\n"
	    "hidesymlinks real\n"
	    "homedir real /pub\n"
	    "limit real 10 /etc/ftp.full\n"
	    "maxfilesize real 100m\n"
	    "maxtimeout real 3600\n"
	    "mmapsize real 1m\n"
	    "modify real off\n"
	    "motd real /etc/ftpmotd\n"
	    "notify real .notify*\n"
	    "passive real off\n"
	    "portrange real 50000 50100\n"
	    "private real\n"
	    "rateget real 100k\n"
	    "rateput real 50k\n"
	    "readsize real 64k\n"
	    "recvbufsize real 128k\n"
	    "sanenames real\n"
	    "sendbufsize real 256k\n"
	    "sendlowat real 8k\n"
	    "template real guest\n"
	    "timeout real 600\n"
	    "umask real 022\n"
	    "upload real off\n"
	    "writesize real 32k\n";

	CHECK(real(text) == 0);
	CHECK_STR(rc.advertise, "ftp.example.org");
	CHECK_INT(rc.checkportcmd, 0);
	CHECK_STR(rc.chroot, "/var/ftp/%u");
	CHECK_INT(rc.type, FTPDCONF_CHROOT);
	CHECK_INT(rc.nconversions, 1);
	CHECK_STR(rc.conversions[0].suffix, ".tar.gz");
	CHECK_STR(rc.conversions[0].types, "f,d");
	CHECK_STR(rc.conversions[0].disable, ".notar");
	CHECK_STR(rc.conversions[0].command, "/usr/bin/tar -zcf - %s");
	CHECK_INT(rc.denyquick, 1);
	CHECK_STR(rc.display, ".message");
	CHECK_INT(rc.hidesymlinks, 1);
	CHECK_STR(rc.homedir, "/pub");
	CHECK_INT(rc.limit, 10);
	CHECK_STR(rc.limitfile, "/etc/ftp.full");
	CHECK_INT(rc.maxfilesize, 100 * 1024 * 1024);
	CHECK_INT(rc.maxtimeout, 3600);
	CHECK_INT(rc.mmapsize, 1024 * 1024);
	CHECK_INT(rc.modify, 0);
	CHECK_STR(rc.motd, "/etc/ftpmotd");
	CHECK_STR(rc.notify, ".notify*");
	CHECK_INT(rc.passive, 0);
	CHECK_INT(rc.portmin, 50000);
	CHECK_INT(rc.portmax, 50100);
	CHECK_INT(rc.private_, 1);
	CHECK_INT(rc.rateget, 100 * 1024);
	CHECK_INT(rc.rateput, 50 * 1024);
	CHECK_INT(rc.readsize, 64 * 1024);
	CHECK_INT(rc.recvbufsize, 128 * 1024);
	CHECK_INT(rc.sanenames, 1);
	CHECK_INT(rc.sendbufsize, 256 * 1024);
	CHECK_INT(rc.sendlowat, 8 * 1024);
	CHECK_INT(rc.timeout, 600);
	CHECK_INT(rc.umask, 022);
	CHECK_INT(rc.upload, 0);
	CHECK_INT(rc.writesize, 32 * 1024);
	CHECK(round_trip(&rc, FTPDCONF_REAL));

	/* advertize is the same directive. */
	CHECK(real("advertize real 192.0.2.1\n") == 0);
	CHECK_STR(rc.advertise, "192.0.2.1");
	/* Directive names and "all"/"none"/"off" are case-insensitive. */
	CHECK(real("TimeOut ALL 100\nPASSIVE Real OFF\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK_INT(rc.passive, 0);
}

/* ---- "none", no argument, flags ---- */

UNIT_TEST(test_none_resets)
{
	static const char *flags[] = {
		"checkportcmd", "denyquick", "hidesymlinks", "modify",
		"passive", "private", "sanenames", "upload",
	};
	char text[256];
	size_t i;

	/* Every value directive goes back to its default with "none". */
	CHECK(real("advertise real h\nadvertise real none\n"
	    "chroot real /x\nchroot real none\n"
	    "display real m\ndisplay real none\n"
	    "homedir real /x\nhomedir real\n"
	    "limit real 5 f\nlimit real none\n"
	    "maxfilesize real 5\nmaxfilesize real\n"
	    "maxtimeout real 60\ntimeout real 60\n"
	    "maxtimeout real none\ntimeout real NONE\n"
	    "mmapsize real 5\nmmapsize real none\n"
	    "notify real *\nnotify real none\n"
	    "portrange real 2000 3000\nportrange real none\n"
	    "rateget real 5\nrateget real none\n"
	    "rateput real 5\nrateput real\n"
	    "readsize real 5\nreadsize real none\n"
	    "recvbufsize real 5\nrecvbufsize real none\n"
	    "sendbufsize real 5\nsendbufsize real none\n"
	    "sendlowat real 5\nsendlowat real none\n"
	    "umask real 0\numask real none\n"
	    "writesize real 5\nwritesize real none\n"
	    "conversion real .z f . /bin/z\nconversion real none\n") == 0);
	check_real_defaults(&rc);
	/* motd: no argument or none turns it off (NetBSD). */
	CHECK(real("motd real\n") == 0);
	CHECK_STR(rc.motd, "");
	CHECK(real("motd real none\n") == 0);
	CHECK_STR(rc.motd, "");
	/* umask none for a guest-type class is 0707. */
	CHECK(resolve("umask guest 0\numask guest none\n", "guest",
	    FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.umask, 0707);
	CHECK(resolve("modify guest\nmodify guest none\n", "guest",
	    FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.modify, 0);

	/* Flags: no argument or "on" is on; "off" and "none" are off. */
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct ftpdconf_class on, off, none, on2;

		(void)cstr_printf(text, sizeof(text), "%s real\n", flags[i]);
		CHECK(resolve(text, "real", FTPDCONF_REAL, &on) == 0);
		(void)cstr_printf(text, sizeof(text), "%s real off\n",
		    flags[i]);
		CHECK(resolve(text, "real", FTPDCONF_REAL, &off) == 0);
		(void)cstr_printf(text, sizeof(text), "%s real none\n",
		    flags[i]);
		CHECK(resolve(text, "real", FTPDCONF_REAL, &none) == 0);
		(void)cstr_printf(text, sizeof(text),
		    "%s real Off\n%s real ON\n", flags[i], flags[i]);
		CHECK(resolve(text, "real", FTPDCONF_REAL, &on2) == 0);
		CHECK(!same_class(&on, &off));
		CHECK(same_class(&off, &none));
		CHECK(same_class(&on, &on2));
		(void)cstr_printf(text, sizeof(text), "%s real maybe\n",
		    flags[i]);
		CHECK(fails_at(text, 1, flags[i]));
		(void)cstr_printf(text, sizeof(text), "%s real off off\n",
		    flags[i]);
		CHECK(fails_at(text, 1, flags[i]));
	}
}

/* ---- classes ---- */

UNIT_TEST(test_all_and_none_classes)
{
	struct ftpdconf_class c;

	CHECK(real("timeout all 100\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(resolve("timeout all 100\n", "guest", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.timeout, 100);
	CHECK(resolve("timeout all 100\n", "other", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.timeout, 100);
	/* A line for class none is checked but applies to nobody. */
	CHECK(real("timeout none 100\n") == 0);
	CHECK_INT(rc.timeout, 900);
	CHECK(resolve("timeout none 100\n", "none", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.timeout, 900);
	CHECK(fails_at("timeout none 10\n", 1, "timeout: value"));
	/* Lines for other classes do not apply. */
	CHECK(real("timeout guest 100\ntimeout chroot 200\n") == 0);
	CHECK_INT(rc.timeout, 900);
	/* Class names compare case-insensitively. */
	CHECK(resolve("timeout Staff 100\n", "STAFF", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.timeout, 100);
	CHECK_STR(c.name, "STAFF");
}

UNIT_TEST(test_last_match_wins)
{
	struct ftpdconf_class c;

	CHECK(real("timeout all 100\ntimeout real 200\ntimeout all 300\n")
	    == 0);
	CHECK_INT(rc.timeout, 300);
	CHECK(real("timeout all 100\ntimeout all 300\ntimeout real 200\n")
	    == 0);
	CHECK_INT(rc.timeout, 200);
	CHECK(resolve("timeout all 100\ntimeout all 300\ntimeout real 200\n",
	    "guest", FTPDCONF_REAL, &c) == 0);
	CHECK_INT(c.timeout, 300);
	CHECK(real("umask real 022\numask all 077\n") == 0);
	CHECK_INT(rc.umask, 077);
	CHECK(real("modify real off\nmodify all\n") == 0);
	CHECK_INT(rc.modify, 1);
}

UNIT_TEST(test_template)
{
	static const char text[] =
	    "template staff real\n"	/* staff follows later real lines */
	    "timeout real 600\n"
	    "umask staff 002\n"
	    "template staff none\n"
	    "timeout real 700\n"
	    "template ops real\n"
	    "maxtimeout real 5000\n"
	    "template ops\n"
	    "maxtimeout real 6000\n"
	    "template all guest\n"
	    "passive guest off\n";
	struct ftpdconf *cf = parse(text);
	const struct ftpdconf_class *c;

	CHECK(cf != NULL);
	if (cf == NULL)
		return;
	c = ftpdconf_class(cf, "staff", FTPDCONF_REAL);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(c->timeout, 600);	/* not 700: template ended */
		CHECK_INT(c->umask, 002);
		CHECK_INT(c->maxtimeout, 7200);
		CHECK_INT(c->passive, 0);	/* template all guest */
	}
	c = ftpdconf_class(cf, "real", FTPDCONF_REAL);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(c->timeout, 700);
		CHECK_INT(c->umask, 027);
		CHECK_INT(c->maxtimeout, 6000);
		CHECK_INT(c->passive, 0);
	}
	c = ftpdconf_class(cf, "ops", FTPDCONF_REAL);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(c->timeout, 900);
		CHECK_INT(c->maxtimeout, 5000);
	}
	/* Only one template at a time: the second replaces the first. */
	CHECK(resolve("template x real\ntemplate x guest\ntimeout real 100\n"
	    "timeout guest 200\n", "x", FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.timeout, 200);
	/* The template is not inherited by the type. */
	CHECK(resolve("template x guest\n", "x", FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.type, FTPDCONF_REAL);
	/* ... but a classtype line for the template applies. */
	CHECK(resolve("template x guest\nclasstype guest GUEST\n", "x",
	    FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.type, FTPDCONF_GUEST);
	CHECK_INT(rc.modify, 0);
	CHECK(fails_at("template x a b\n", 1, "template: wrong number"));
	ftpdconf_free(cf);
}

UNIT_TEST(test_tls)
{
	struct ftpdconf *cf;

	CHECK(real("tls real login\n") == 0);
	CHECK_INT(rc.tls, FTPDCONF_TLS_LOGIN);
	CHECK(real("tls all DATA\ntlsreuse all off\n") == 0);
	CHECK_INT(rc.tls, FTPDCONF_TLS_DATA);
	CHECK_INT(rc.tlsreuse, 0);
	CHECK(real("tls all off\ntls real none\n") == 0);
	CHECK_INT(rc.tls, FTPDCONF_TLS_ALLOW);
	CHECK(real("tls guest off\n") == 0);
	CHECK_INT(rc.tls, FTPDCONF_TLS_ALLOW);
	CHECK(fails_at("tls real\n", 1, "tls: "));
	CHECK(fails_at("\ntls real maybe\n", 2, "tls: expected off, allow, "
	    "login or data"));
	CHECK(fails_at("tls real login data\n", 1, "tls: "));
	CHECK(fails_at("tlsreuse real sometimes\n", 1, "tlsreuse: "));
	/* The class names a file mentions, for the pre-login check. */
	cf = parse("tls staff login\ntls all allow\nmodify none\n");
	CHECK(cf != NULL);
	if (cf != NULL) {
		CHECK_INT(ftpdconf_nclasses(cf), 1);
		CHECK_STR(ftpdconf_class_name(cf, 0), "staff");
		CHECK(ftpdconf_class_name(cf, 1) == NULL);
		ftpdconf_free(cf);
	}
}

UNIT_TEST(test_classtype)
{
	/* A class from ftpusers made a guest type gets guest defaults. */
	CHECK(resolve("classtype anon GUEST\n", "anon", FTPDCONF_REAL, &rc)
	    == 0);
	CHECK_INT(rc.type, FTPDCONF_GUEST);
	CHECK_INT(rc.modify, 0);
	CHECK_INT(rc.umask, 0707);
	/* Explicit settings after (or before) still win over defaults. */
	CHECK(resolve("modify anon\nclasstype anon guest\n", "anon",
	    FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.modify, 1);
	/* A class named guest stays guest-like even made REAL. */
	CHECK(resolve("classtype guest REAL\n", "guest", FTPDCONF_GUEST, &rc)
	    == 0);
	CHECK_INT(rc.type, FTPDCONF_REAL);
	CHECK_INT(rc.modify, 0);
	CHECK(resolve("classtype x chroot\n", "x", FTPDCONF_REAL, &rc) == 0);
	CHECK_INT(rc.type, FTPDCONF_CHROOT);
	CHECK(resolve("classtype x chroot\nclasstype x none\n", "x",
	    FTPDCONF_GUEST, &rc) == 0);
	CHECK_INT(rc.type, FTPDCONF_GUEST);
	CHECK(resolve("classtype all CHROOT\n", "real", FTPDCONF_REAL, &rc)
	    == 0);
	CHECK_INT(rc.type, FTPDCONF_CHROOT);
	CHECK(fails_at("classtype x\n", 1, "classtype: wrong number"));
	CHECK(fails_at("classtype x ROOT\n", 1, "classtype: unknown type"));
	CHECK(fails_at("classtype x GUEST REAL\n", 1,
	    "classtype: wrong number"));
	CHECK_STR(ftpdconf_type_name(FTPDCONF_GUEST), "GUEST");
	CHECK_STR(ftpdconf_type_name(FTPDCONF_CHROOT), "CHROOT");
	CHECK_STR(ftpdconf_type_name(FTPDCONF_REAL), "REAL");
	CHECK_STR(ftpdconf_type_name((enum ftpdconf_type)42), "?");
}

/* ---- numbers ---- */

UNIT_TEST(test_numbers)
{
	CHECK(real("maxfilesize real 1b\n") == 0);
	CHECK_INT(rc.maxfilesize, 512);
	CHECK(real("maxfilesize real 3k\n") == 0);
	CHECK_INT(rc.maxfilesize, 3072);
	CHECK(real("maxfilesize real 2M\n") == 0);
	CHECK_INT(rc.maxfilesize, 2 * 1024 * 1024);
	CHECK(real("maxfilesize real 5g\n") == 0);
	CHECK_INT(rc.maxfilesize, 5LL * 1024 * 1024 * 1024);
	CHECK(real("maxfilesize real 2T\n") == 0);
	CHECK_INT(rc.maxfilesize, 2LL * 1024 * 1024 * 1024 * 1024);
	CHECK(real("maxfilesize real 10w\n") == 0);
	CHECK_INT(rc.maxfilesize, 40);
	CHECK(real("maxfilesize real 2x1k\n") == 0);
	CHECK_INT(rc.maxfilesize, 2048);
	CHECK(real("maxfilesize real 2x3x4k\n") == 0);
	CHECK_INT(rc.maxfilesize, 24 * 1024);
	CHECK(real("maxfilesize real 0x10\n") == 0);	/* 0 times 10 */
	CHECK_INT(rc.maxfilesize, 0);
	CHECK(real("maxfilesize real 007\n") == 0);	/* decimal */
	CHECK_INT(rc.maxfilesize, 7);
	CHECK(real("maxfilesize real -1\n") == 0);
	CHECK_INT(rc.maxfilesize, -1);
	CHECK(real("maxfilesize real 9223372036854775807\n") == 0);
	CHECK_INT(rc.maxfilesize, INT64_MAX);
	CHECK(real("rateget real 8388607t\n") == 0);
	CHECK(fails_at("rateget real 8388608t\n", 1, "rateget: value"));
	CHECK(fails_at("maxfilesize real 9223372036854775808\n", 1,
	    "maxfilesize: value"));
	CHECK(fails_at("maxfilesize real 99999999999999999999999\n", 1,
	    "maxfilesize: value"));
	CHECK(fails_at("maxfilesize real 1024tx1024tx1024t\n", 1,
	    "maxfilesize: value"));
	CHECK(fails_at("maxfilesize real 1024tx1024tx0\n", 1,
	    "maxfilesize: value"));
	CHECK(fails_at("maxfilesize real -2\n", 1, "maxfilesize: value"));
	CHECK(fails_at("maxfilesize real -1k\n", 1, "maxfilesize: value"));
	CHECK(fails_at("rateget real -1\n", 1, "rateget: value"));
	CHECK(fails_at("maxfilesize real 2x\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real x2\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real k\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real 1kk\n", 1,
	    "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real 1q\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real +1\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real 1.5k\n", 1,
	    "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real -\n", 1, "maxfilesize: bad number"));
	CHECK(fails_at("maxfilesize real 2X3\n", 1,
	    "maxfilesize: bad number"));
	/* Ranges. */
	CHECK(real("timeout real 30\nmaxtimeout real 30\n") == 0);
	CHECK(fails_at("timeout real 29\n", 1, "timeout: value \"29\" out of "
	    "range (30..604800)"));
	CHECK(fails_at("maxtimeout real 29\n", 1, "maxtimeout: value"));
	CHECK(fails_at("maxtimeout real 604801\n", 1, "maxtimeout: value"));
	CHECK(real("readsize real 64m\n") == 0);
	CHECK(fails_at("readsize real 64mx2\n", 1, "readsize: value"));
	CHECK(fails_at("writesize real 65m\n", 1, "writesize: value"));
	CHECK(fails_at("sendbufsize real 1g\n", 1, "sendbufsize: value"));
	CHECK(fails_at("recvbufsize real 1g\n", 1, "recvbufsize: value"));
	CHECK(fails_at("sendlowat real 1g\n", 1, "sendlowat: value"));
	CHECK(real("mmapsize real 1g\n") == 0);
	CHECK(fails_at("mmapsize real 1025m\n", 1, "mmapsize: value"));
	CHECK(fails_at("limit real 1000001\n", 1, "limit: value"));
	CHECK(fails_at("limit real -2\n", 1, "limit: value"));
}

UNIT_TEST(test_umask)
{
	CHECK(real("umask real 0\n") == 0);
	CHECK_INT(rc.umask, 0);
	CHECK(real("umask real 777\n") == 0);
	CHECK_INT(rc.umask, 0777);
	CHECK(real("umask real 0022\n") == 0);
	CHECK_INT(rc.umask, 022);
	CHECK(fails_at("umask real 1000\n", 1, "umask: value"));
	CHECK(fails_at("umask real 0800\n", 1, "umask: bad octal"));
	CHECK(fails_at("umask real 9\n", 1, "umask: bad octal"));
	CHECK(fails_at("umask real 1k\n", 1, "umask: bad octal"));
	CHECK(fails_at("umask real -1\n", 1, "umask: bad octal"));
	CHECK(fails_at("umask real 0 1\n", 1, "umask: wrong number"));
}

UNIT_TEST(test_portrange)
{
	CHECK(real("portrange real 1024 65535\n") == 0);
	CHECK_INT(rc.portmin, 1024);
	CHECK_INT(rc.portmax, 65535);
	CHECK(real("portrange real 40000 40000\n") == 0);
	CHECK_INT(rc.portmin, 40000);
	CHECK(fails_at("portrange real 1023 2000\n", 1, "portrange: value"));
	CHECK(fails_at("portrange real 2000 65536\n", 1, "portrange: value"));
	CHECK(fails_at("portrange real 3000 2000\n", 1,
	    "portrange: min 3000 > max 2000"));
	CHECK(fails_at("portrange real 3000\n", 1, "portrange: wrong number"));
	CHECK(fails_at("portrange real 1 2 3\n", 1,
	    "portrange: wrong number"));
	CHECK(fails_at("portrange real none 2000\n", 1,
	    "portrange: bad number"));
	CHECK(fails_at("portrange real 64k 65k\n", 1, "portrange: value"));
	CHECK(real("portrange real 2k 3k\n") == 0);
	CHECK_INT(rc.portmin, 2048);
}

UNIT_TEST(test_strings)
{
	char text[4096];

	CHECK(real("display real .msg\\ file\n") == 0);
	CHECK_STR(rc.display, ".msg file");
	CHECK(real("motd real /etc/motd\\#1\n") == 0);
	CHECK_STR(rc.motd, "/etc/motd#1");
	CHECK(real("chroot real /home/%%/%c/%d/%u\n") == 0);
	CHECK_STR(rc.chroot, "/home/%%/%c/%d/%u");
	CHECK(fails_at("chroot real /home/%x\n", 1,
	    "chroot: unknown format \"%x\""));
	CHECK(fails_at("homedir real /home/%\n", 1,
	    "homedir: '%' at end of format"));
	/* display and motd are not formats: '%' is fine. */
	CHECK(real("display real 100%\n") == 0);
	CHECK(fails_at("display real a b\n", 1, "display: wrong number"));
	CHECK(fails_at("advertise real a b\n", 1, "advertise: wrong number"));
	/* Over-long arguments. */
	memset(text, 0, sizeof(text));
	(void)cstr_copy(text, sizeof(text), "motd real ");
	memset(text + 10, 'm', FTPDCONF_PATH_MAX - 1);
	CHECK(real(text) == 0);
	CHECK_INT(strlen(rc.motd), FTPDCONF_PATH_MAX - 1);
	text[10 + FTPDCONF_PATH_MAX - 1] = 'm';
	CHECK(fails_at(text, 1, "motd: argument too long"));
	memset(text, 0, sizeof(text));
	(void)cstr_copy(text, sizeof(text), "advertise real ");
	memset(text + 15, 'h', FTPDCONF_HOST_MAX);
	CHECK(fails_at(text, 1, "advertise: argument too long"));
}

UNIT_TEST(test_limit)
{
	CHECK(real("limit real 0\n") == 0);
	CHECK_INT(rc.limit, 0);
	CHECK_STR(rc.limitfile, "");
	CHECK(real("limit real 5 /etc/full\nlimit real 6\n") == 0);
	CHECK_INT(rc.limit, 6);
	CHECK_STR(rc.limitfile, "");	/* the later line has no file */
	CHECK(real("limit real -1 /etc/full\n") == 0);
	CHECK_INT(rc.limit, -1);
	CHECK_STR(rc.limitfile, "/etc/full");
	CHECK(real("limit real 1k\n") == 0);
	CHECK_INT(rc.limit, 1024);
	CHECK(fails_at("limit real 5 a b\n", 1, "limit: wrong number"));
	CHECK(fails_at("limit real none f\n", 1, "limit: bad number"));
	CHECK(fails_at("limit real lots\n", 1, "limit: bad number"));
}

UNIT_TEST(test_conversion)
{
	char text[8192];
	size_t i, n = 0;

	CHECK(real("conversion real .gz f /etc/nogz /bin/gzip -c %s\n"
	    "conversion real .Z d,f . /bin/compress -c %s\n"
	    "conversion real .gz f . /usr/bin/gzip -9c %s\n") == 0);
	CHECK_INT(rc.nconversions, 2);
	CHECK_STR(rc.conversions[0].suffix, ".gz");	/* replaced in place */
	CHECK_STR(rc.conversions[0].command, "/usr/bin/gzip -9c %s");
	CHECK_STR(rc.conversions[0].disable, ".");
	CHECK_STR(rc.conversions[1].suffix, ".Z");
	CHECK_STR(rc.conversions[1].types, "d,f");
	CHECK(round_trip(&rc, FTPDCONF_REAL));
	/* One argument drops that suffix; none drops them all. */
	CHECK(real("conversion real .gz f . /bin/gzip\n"
	    "conversion real .Z f . /bin/compress\n"
	    "conversion real .gz\n") == 0);
	CHECK_INT(rc.nconversions, 1);
	CHECK_STR(rc.conversions[0].suffix, ".Z");
	CHECK(real("conversion real .gz f . /bin/gzip\n"
	    "conversion real .nothere\n") == 0);
	CHECK_INT(rc.nconversions, 1);
	CHECK(real("conversion all .gz f . /bin/gzip\n"
	    "conversion real none\n") == 0);
	CHECK_INT(rc.nconversions, 0);
	/* Errors. */
	CHECK(fails_at("conversion real\n", 1, "conversion: wrong number"));
	CHECK(fails_at("conversion real .gz f\n", 1,
	    "conversion: wrong number"));
	CHECK(fails_at("conversion real .gz f .\n", 1,
	    "conversion: wrong number"));
	CHECK(fails_at("conversion real .gz x . /bin/gzip\n", 1,
	    "conversion: bad types"));
	CHECK(fails_at("conversion real .gz f, . /bin/gzip\n", 1,
	    "conversion: bad types"));
	CHECK(fails_at("conversion real .gz fd . /bin/gzip\n", 1,
	    "conversion: bad types"));
	CHECK(fails_at("conversion real .gz f . gzip -c\n", 1,
	    "conversion: command must be an absolute path"));
	CHECK(fails_at("conversion real .gz f . /bin/my\\ gzip\n", 1,
	    "conversion: blank inside a command word"));
	CHECK(fails_at("conversion real "
	    "0123456789012345678901234567890123 f . /bin/x\n", 1,
	    "conversion: suffix too long"));
	/* FTPDCONF_CONV_MAX distinct suffixes fit; one more is an error. */
	for (i = 0; i < FTPDCONF_CONV_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "conversion all .s%zu f . /bin/x\n", i);
	CHECK(real(text) == 0);
	CHECK_INT(rc.nconversions, FTPDCONF_CONV_MAX);
	(void)snprintf(text + n, sizeof(text) - n,
	    "conversion staff .more f . /bin/x\n");
	CHECK(fails_at(text, FTPDCONF_CONV_MAX + 1,
	    "conversion: more than 16 conversions for class staff"));
}

/* ---- errors and their lines ---- */

UNIT_TEST(test_errors)
{
	CHECK(fails_at("bogus real 1\n", 1, "unknown directive \"bogus\""));
	CHECK(fails_at("# c\n\ntimeout real 100\nfoo\n", 4,
	    "unknown directive \"foo\""));
	CHECK(fails_at("timeout\n", 1, "timeout: missing class"));
	CHECK(fails_at("timeout real\x7f 100\n", 1, "control character"));
	CHECK(fails_at("timeout re\\ al 100\n", 1,
	    "timeout: bad class name \"re al\""));
	CHECK(fails_at("timeout "
	    "c123456789012345678901234567890123456789012345678901234567890123"
	    " 100\n", 1, "timeout: class name too long"));
	CHECK(fails_at("timeout real 100 200\n", 1,
	    "timeout: wrong number of arguments"));
	CHECK(fails_at("timeout real abc\n", 1, "timeout: bad number \"abc\""));
	CHECK(fails_at("\n\n\ntimeout real 10\n", 4, "timeout: value"));
	/* Cross-line: reported at the line that broke it. */
	CHECK(fails_at("timeout all 8000\n", 1,
	    "timeout 8000 exceeds maxtimeout 7200 for class (other)"));
	CHECK(fails_at("timeout real 1000\n\nmaxtimeout all 600\n", 3,
	    "timeout 1000 exceeds maxtimeout 600 for class real"));
	CHECK(fails_at("maxtimeout all 600\n", 1,
	    "timeout 900 exceeds maxtimeout 600 for class (other)"));
	CHECK(fails_at("maxtimeout all 600\ntimeout all 600\n\n"
	    "timeout guest 1000\n", 4,
	    "timeout 1000 exceeds maxtimeout 600 for class guest"));
	CHECK(real("maxtimeout all 600\ntimeout all 600\n") == 0);
	CHECK(real("timeout all 8000\nmaxtimeout all 9000\n") == 0);
	/* Several classes broken: the earliest line is reported. */
	CHECK(fails_at("timeout none 8000\ntimeout staff 8000\n\n"
	    "maxtimeout real 40\n", 2,
	    "timeout 8000 exceeds maxtimeout 7200 for class staff"));
	CHECK(fails_at("maxtimeout real 40\ntimeout staff 8000\n", 1,
	    "timeout 900 exceeds maxtimeout 40 for class real"));
	/* The first error wins; later lines are not looked at. */
	CHECK(fails_at("timeout real 1\nbogus\n", 1, "timeout: value"));
	/* The file name is in the message; NULL names "ftpd.conf". */
	{
		struct ftpdconf *cf = ftpdconf_parse("x", 1, NULL, errbuf,
		    sizeof(errbuf));

		CHECK(cf == NULL);
		CHECK_STR(errbuf, "ftpd.conf:1: unknown directive \"x\"");
		cf = ftpdconf_parse("x", 1, "/etc/ftpd.conf", errbuf,
		    sizeof(errbuf));
		CHECK(cf == NULL);
		CHECK_STR(errbuf, "/etc/ftpd.conf:1: unknown directive \"x\"");
		/* A tiny or missing error buffer is fine. */
		cf = ftpdconf_parse("x", 1, NULL, errbuf, 4);
		CHECK(cf == NULL);
		CHECK_STR(errbuf, "ftp");
		CHECK(ftpdconf_parse("x", 1, NULL, NULL, 0) == NULL);
		CHECK(ftpdconf_parse(NULL, 1, NULL, NULL, 0) == NULL);
		cf = ftpdconf_parse(NULL, 0, NULL, NULL, 0);
		CHECK(cf != NULL);
		ftpdconf_free(cf);
	}
	/* An over-long word is shown cut, and control bytes as '?'. */
	CHECK(fails_at("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    " real\n", 1,
	    "unknown directive \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "...\""));
	CHECK(fails_at("timeout real \xff\xfe\n", 1,
	    "timeout: bad number \"??\""));
}

/* ---- the lexer ---- */

UNIT_TEST(test_lexer)
{
	/* Comments anywhere; an escaped '#' is text. */
	CHECK(real("timeout real 100 # idle\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(real("timeout real 100# idle\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(real("# timeout real 100\n") == 0);
	CHECK_INT(rc.timeout, 900);
	CHECK(real("display real a\\#b\n") == 0);
	CHECK_STR(rc.display, "a#b");
	CHECK(real("display real a\\\\b\n") == 0);
	CHECK_STR(rc.display, "a\\b");
	CHECK(real("display real \\a\\b\n") == 0);
	CHECK_STR(rc.display, "ab");
	/* Continuations join lines; the error line is where it started. */
	CHECK(real("timeout \\\n  real \\\n  100\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(real("timeout real 1\\\n00\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(real("timeout real 1\\\r\n00\r\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK(fails_at("timeout \\\nreal \\\n10\nbogus\n", 1,
	    "timeout: value"));
	CHECK(fails_at("timeout \\\nreal \\\n100\nbogus\n", 4,
	    "unknown directive"));
	/* A comment does not continue. */
	CHECK(real("# comment \\\ntimeout real 100\n") == 0);
	CHECK_INT(rc.timeout, 100);
	/* CRLF files, tabs, no final newline. */
	CHECK(real("timeout\treal\t100\r\nmaxtimeout real 200\r\n") == 0);
	CHECK_INT(rc.timeout, 100);
	CHECK_INT(rc.maxtimeout, 200);
	CHECK(real("timeout real 100") == 0);
	CHECK_INT(rc.timeout, 100);
	/* A backslash at the very end of the file. */
	CHECK(fails_at("timeout real 100\\", 1, "backslash at end of file"));
	CHECK(fails_at("timeout real 100\n\\", 2, "backslash at end of file"));
	CHECK(fails_at("\\", 1, "backslash at end of file"));
	/* Control bytes, even escaped. */
	CHECK(fails_at("display real a\\\tb\n", 1, "control character"));
	CHECK(fails_at("display real a\x01\n", 1, "control character 0x01"));
	CHECK(fails_at("\n\x1b[31m\n", 2, "control character"));
	/* But a control byte inside a comment is only text. */
	CHECK(real("# \x1b[31m red\n") == 0);
	/* Too many words. */
	{
		char text[512];
		size_t i, n;

		n = (size_t)snprintf(text, sizeof(text), "display real");
		for (i = 0; i < FTPDCONF_WORDS; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, " w");
		CHECK(fails_at(text, 1, "too many words"));
	}
}

UNIT_TEST(test_hostile)
{
	char *big;
	size_t n = 1024 * 1024;
	double t0;
	struct ftpdconf *cf;

	/* NUL bytes are errors, with their line, even in comments. */
	CHECK(ftpdconf_parse("timeout real 100\n\0", 18, "t", errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:2: NUL byte");
	CHECK(ftpdconf_parse("timeout real 1\0000\n", 16, "t", errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:1: NUL byte");
	CHECK(ftpdconf_parse("# x\0y\n", 6, "t", errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:1: NUL byte");
	CHECK(ftpdconf_parse("display real \\\0\n", 16, "t", errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:1: NUL byte");

	if ((big = malloc(n + 64)) == NULL) {
		CHECK(big != NULL);
		return;
	}
	t0 = clock() / (double)CLOCKS_PER_SEC;
	/* A 1 MB line: refused at FTPDCONF_LINE_MAX bytes of words. */
	memcpy(big, "display real ", 13);
	memset(big + 13, 'x', n);
	CHECK(ftpdconf_parse(big, n + 13, "t", errbuf, sizeof(errbuf)) ==
	    NULL);
	CHECK_STR(errbuf, "t:1: line too long (more than 4096 bytes)");
	/* A 1 MB run of backslash-newlines is one (empty) logical line. */
	for (size_t i = 0; i + 1 < n; i += 2) {
		big[i] = '\\';
		big[i + 1] = '\n';
	}
	memcpy(big + n, "bogus\n", 6);
	CHECK(ftpdconf_parse(big, n + 6, "t", errbuf, sizeof(errbuf)) ==
	    NULL);
	CHECK_STR(errbuf, "t:1: unknown directive \"bogus\"");
	/* A 1 MB comment and a 1 MB run of blanks are fine. */
	big[0] = '#';
	memset(big + 1, 'c', n);
	big[n] = '\n';
	cf = ftpdconf_parse(big, n + 1, "t", errbuf, sizeof(errbuf));
	CHECK(cf != NULL);
	ftpdconf_free(cf);
	memset(big, ' ', n);
	cf = ftpdconf_parse(big, n, "t", errbuf, sizeof(errbuf));
	CHECK(cf != NULL);
	ftpdconf_free(cf);
	/* 1 MB of newlines: the line number of the error is right. */
	memset(big, '\n', n);
	memcpy(big + n, "bogus", 5);
	CHECK(ftpdconf_parse(big, n + 5, "t", errbuf, sizeof(errbuf)) ==
	    NULL);
	CHECK_STR(errbuf, "t:1048577: unknown directive \"bogus\"");
	CHECK(clock() / (double)CLOCKS_PER_SEC - t0 < 5.0);
	free(big);

	/* Larger than FTPDCONF_FILE_MAX: refused before reading. */
	CHECK(ftpdconf_parse("", (size_t)FTPDCONF_FILE_MAX + 1, "t", errbuf,
	    sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t: file too large (more than 4194304 bytes)");
}

UNIT_TEST(test_caps)
{
	char *text;
	size_t i, n = 0, cap = 2 * 1024 * 1024;
	struct ftpdconf *cf;

	if ((text = malloc(cap)) == NULL) {
		CHECK(text != NULL);
		return;
	}
	/* FTPDCONF_CLASSES_MAX distinct class names, then one more. */
	for (i = 0; i < FTPDCONF_CLASSES_MAX; i++)
		n += (size_t)snprintf(text + n, cap - n, "timeout c%zu 100\n",
		    i);
	cf = ftpdconf_parse(text, n, "t", errbuf, sizeof(errbuf));
	CHECK(cf != NULL);
	if (cf != NULL) {
		CHECK(ftpdconf_resolve(cf, "c255", FTPDCONF_REAL, &rc) == 0);
		CHECK_INT(rc.timeout, 100);
		ftpdconf_free(cf);
	}
	n += (size_t)snprintf(text + n, cap - n, "timeout extra 100\n");
	CHECK(ftpdconf_parse(text, n, "t", errbuf, sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:257: too many classes (max 256)");
	/* FTPDCONF_ENTRIES_MAX directives, then one more. */
	n = 0;
	for (i = 0; i < FTPDCONF_ENTRIES_MAX; i++)
		n += (size_t)snprintf(text + n, cap - n, "passive all\n");
	cf = ftpdconf_parse(text, n, "t", errbuf, sizeof(errbuf));
	CHECK(cf != NULL);
	ftpdconf_free(cf);
	n += (size_t)snprintf(text + n, cap - n, "passive all\n");
	CHECK(ftpdconf_parse(text, n, "t", errbuf, sizeof(errbuf)) == NULL);
	CHECK_STR(errbuf, "t:65537: too many directives (max 65536)");
	free(text);
}

/* ---- API ---- */

UNIT_TEST(test_class_cache)
{
	struct ftpdconf *cf = parse("timeout staff 100\n");
	const struct ftpdconf_class *a, *b, *c;
	char name[16];
	int i;

	CHECK(cf != NULL);
	if (cf == NULL)
		return;
	a = ftpdconf_class(cf, "staff", FTPDCONF_REAL);
	b = ftpdconf_class(cf, "staff", FTPDCONF_REAL);
	c = ftpdconf_class(cf, "staff", FTPDCONF_GUEST);
	CHECK(a != NULL && a == b);
	CHECK(c != NULL && c != a);
	if (a != NULL && c != NULL) {
		CHECK_INT(a->timeout, 100);
		CHECK_INT(a->modify, 1);
		CHECK_INT(c->timeout, 100);
		CHECK_INT(c->modify, 0);
	}
	CHECK(ftpdconf_class(NULL, "x", FTPDCONF_REAL) == NULL);
	CHECK(ftpdconf_class(cf, NULL, FTPDCONF_REAL) == NULL);
	CHECK(ftpdconf_class(cf, "x", (enum ftpdconf_type)7) == NULL);
	CHECK(ftpdconf_class(cf, "c1234567890123456789012345678901234567890"
	    "12345678901234567890123", FTPDCONF_REAL) == NULL);
	/* The cache is bounded: later names get NULL, old ones stay. */
	for (i = 0; i < 70; i++) {
		(void)cstr_printf(name, sizeof(name), "n%d", i);
		c = ftpdconf_class(cf, name, FTPDCONF_REAL);
		CHECK(i < 62 ? c != NULL : c == NULL);
	}
	CHECK(ftpdconf_class(cf, "staff", FTPDCONF_REAL) == a);
	/* ftpdconf_resolve has no such limit. */
	CHECK(ftpdconf_resolve(cf, "n99", FTPDCONF_REAL, &rc) == 0);
	CHECK(ftpdconf_resolve(NULL, "x", FTPDCONF_REAL, &rc) == -1);
	CHECK(ftpdconf_resolve(cf, NULL, FTPDCONF_REAL, &rc) == -1);
	CHECK(ftpdconf_resolve(cf, "x", FTPDCONF_REAL, NULL) == -1);
	CHECK(ftpdconf_resolve(cf, "x", (enum ftpdconf_type)-1, &rc) == -1);
	ftpdconf_free(cf);
	ftpdconf_free(NULL);
}

UNIT_TEST(test_print)
{
	static char mem[FTPDCONF_PRINT_MAX];
	struct buf b;
	char small[64];
	struct buf sb;
	struct ftpdconf_class c;

	CHECK(resolve("", "guest", FTPDCONF_REAL, &c) == 0);
	buf_init(&b, mem, sizeof(mem) - 1);
	CHECK(ftpdconf_print(&c, &b) == 0);
	mem[buf_len(&b)] = '\0';
	CHECK(strstr(mem, "classtype guest GUEST\n") != NULL);
	CHECK(strstr(mem, "modify guest off\n") != NULL);
	CHECK(strstr(mem, "umask guest 707\n") != NULL);
	CHECK(strstr(mem, "timeout guest 900\n") != NULL);
	CHECK(strstr(mem, "motd guest motd\n") != NULL);
	CHECK(strstr(mem, "portrange guest none\n") != NULL);
	CHECK(strstr(mem, "checkportcmd guest\n") != NULL);
	CHECK(strstr(mem, "limit guest -1\n") != NULL);
	CHECK(round_trip(&c, FTPDCONF_REAL));
	/* Escapes survive: blanks, '#' and '\' in names. */
	CHECK(resolve("display x a\\ b\\#c\\\\d\nlimit x 3 f\\ g\n"
	    "conversion x .a\\ b f,d dis\\ able /bin/x\\#y -a %s\n"
	    "motd x none\nportrange x 2000 3000\n", "x", FTPDCONF_CHROOT,
	    &c) == 0);
	CHECK_STR(c.display, "a b#c\\d");
	CHECK(round_trip(&c, FTPDCONF_CHROOT));
	/* Overflow is reported. */
	buf_init(&sb, small, sizeof(small));
	CHECK(ftpdconf_print(&c, &sb) == -1);
	CHECK(ftpdconf_print(NULL, &sb) == -1);
	CHECK(ftpdconf_print(&c, NULL) == -1);
}

UNIT_TEST(test_format)
{
	char out[64];

	CHECK(ftpdconf_format("/home/%c/%u%%x%d", "staff", "/h/bob", "bob",
	    out, sizeof(out)) == 0);
	CHECK_STR(out, "/home/staff/bob%x/h/bob");
	CHECK(ftpdconf_format("plain", NULL, NULL, NULL, out, sizeof(out))
	    == 0);
	CHECK_STR(out, "plain");
	CHECK(ftpdconf_format("%u", NULL, NULL, NULL, out, sizeof(out)) == 0);
	CHECK_STR(out, "");
	CHECK(ftpdconf_format("%x", "c", "d", "u", out, sizeof(out)) == -1);
	CHECK_STR(out, "");
	CHECK(ftpdconf_format("a%", "c", "d", "u", out, sizeof(out)) == -1);
	CHECK(ftpdconf_format("12345", "c", "d", "u", out, 5) == -1);
	CHECK(ftpdconf_format("1234", "c", "d", "u", out, 5) == 0);
	CHECK_STR(out, "1234");
	CHECK(ftpdconf_format("%d%d%d", "c", "0123456789012345678901234",
	    "u", out, sizeof(out)) == -1);
	CHECK(ftpdconf_format(NULL, "c", "d", "u", out, sizeof(out)) == -1);
	CHECK(ftpdconf_format("x", "c", "d", "u", NULL, 0) == -1);
}

UNIT_TEST(test_load)
{
	char dir[64], path[128], err[512];
	struct ftpdconf *cf;
	FILE *f;

	(void)cstr_copy(dir, sizeof(dir), "/tmp/test_ftpdconf.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	/* A missing file means the defaults. */
	(void)cstr_printf(path, sizeof(path), "%s/ftpd.conf", dir);
	cf = ftpdconf_load(path, err, sizeof(err));
	CHECK(cf != NULL);
	if (cf != NULL) {
		CHECK(ftpdconf_resolve(cf, "real", FTPDCONF_REAL, &rc) == 0);
		check_real_defaults(&rc);
		ftpdconf_free(cf);
	}
	/* A real file. */
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("# test\ntimeout all 120\nmodify guest\n", f);
		CHECK(fclose(f) == 0);
	}
	cf = ftpdconf_load(path, err, sizeof(err));
	CHECK(cf != NULL);
	if (cf != NULL) {
		const struct ftpdconf_class *g =
		    ftpdconf_class(cf, "guest", FTPDCONF_GUEST);

		CHECK(g != NULL && g->timeout == 120 && g->modify == 1);
		ftpdconf_free(cf);
	}
	/* A bad file: path and line in the message. */
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("timeout all 5\n", f);
		CHECK(fclose(f) == 0);
	}
	CHECK(ftpdconf_load(path, err, sizeof(err)) == NULL);
	{
		char want[256];

		(void)cstr_printf(want, sizeof(want), "%s:4: timeout: value",
		    path);
		CHECK(strncmp(err, want, strlen(want)) == 0);
	}
	/* A directory is not a file. */
	CHECK(ftpdconf_load(dir, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "not a regular file") != NULL);
	/* Too large. */
	CHECK(truncate(path, (off_t)FTPDCONF_FILE_MAX + 1) == 0);
	CHECK(ftpdconf_load(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "too large") != NULL);
	CHECK(ftpdconf_load(NULL, err, sizeof(err)) == NULL);
	CHECK(unlink(path) == 0);
	CHECK(rmdir(dir) == 0);
}

int
main(void)
{
	UNIT_RUN(test_defaults);
	UNIT_RUN(test_every_directive);
	UNIT_RUN(test_none_resets);
	UNIT_RUN(test_all_and_none_classes);
	UNIT_RUN(test_last_match_wins);
	UNIT_RUN(test_template);
	UNIT_RUN(test_classtype);
	UNIT_RUN(test_tls);
	UNIT_RUN(test_numbers);
	UNIT_RUN(test_umask);
	UNIT_RUN(test_portrange);
	UNIT_RUN(test_strings);
	UNIT_RUN(test_limit);
	UNIT_RUN(test_conversion);
	UNIT_RUN(test_errors);
	UNIT_RUN(test_lexer);
	UNIT_RUN(test_hostile);
	UNIT_RUN(test_caps);
	UNIT_RUN(test_class_cache);
	UNIT_RUN(test_print);
	UNIT_RUN(test_format);
	UNIT_RUN(test_load);
	return UNIT_END();
}
