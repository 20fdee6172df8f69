/*
 * test_ftplist.c: unit tests for the ftpusers/ftpchroot parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/ftplist.h"
#include "unit.h"

/* Group callback: the user is in "staff" and "wheel" only. */
struct groups {
	int	 calls;
	char	 last[FTPLIST_LINE_MAX + 1];
	int	 answer;	/* for names other than staff/wheel */
};

static int
in_group(const char *group, void *arg)
{
	struct groups *g = arg;

	g->calls++;
	if (strlen(group) < sizeof(g->last))
		strcpy(g->last, group);
	if (strcmp(group, "staff") == 0 || strcmp(group, "wheel") == 0)
		return 1;
	return g->answer;
}

/* Match user against text[len]; 1 if a line applied. */
static int
match_n(const char *text, size_t len, const char *user,
    struct ftplist_match *m)
{
	struct groups g;
	struct ftplist_query q;

	memset(&g, 0, sizeof(g));
	q.user = user;
	q.in_group = in_group;
	q.arg = &g;
	if (ftplist_match(text, len, &q, m) != 0)
		return -1;
	return m->matched;
}

static int
match(const char *text, const char *user, struct ftplist_match *m)
{
	return match_n(text, strlen(text), user, m);
}

UNIT_TEST(test_simple)
{
	struct ftplist_match m;

	CHECK_INT(match("root\ntoor\njoe\n", "joe", &m), 1);
	CHECK_INT(m.line, 3);
	CHECK_INT(m.allow, 0);
	CHECK_STR(m.dir, "");
	CHECK_STR(m.class_name, "");
	CHECK_INT(match("root\ntoor\njoe\n", "bob", &m), 0);
	CHECK_INT(m.line, 0);
	CHECK_INT(match("root\n", "root", &m), 1);
	CHECK_INT(m.line, 1);
}

UNIT_TEST(test_empty_input)
{
	struct ftplist_match m;
	struct ftplist_query q = { "joe", NULL, NULL };

	CHECK_INT(match("", "joe", &m), 0);
	CHECK_INT(ftplist_match(NULL, 0, &q, &m), 0);
	CHECK_INT(m.matched, 0);
	CHECK_INT(ftplist_match(NULL, 5, &q, &m), 0);
	CHECK_INT(m.matched, 0);
	CHECK_INT(match("\n\n\n", "joe", &m), 0);
	/* An empty user name matches no name line. */
	CHECK_INT(match("joe\n\n", "", &m), 0);
}

UNIT_TEST(test_null_args)
{
	struct ftplist_match m;
	struct ftplist_query q = { NULL, NULL, NULL };

	m.matched = 7;
	CHECK_INT(ftplist_match("@\n", 2, &q, &m), -1);
	CHECK_INT(m.matched, 0);
	CHECK_INT(ftplist_match("@\n", 2, NULL, &m), -1);
	CHECK_INT(m.matched, 0);
	q.user = "joe";
	CHECK_INT(ftplist_match("@\n", 2, &q, NULL), -1);
}

UNIT_TEST(test_prefix_no_match)
{
	struct ftplist_match m;

	/* Whole-field compare: no prefix matches in either direction. */
	CHECK_INT(match("joeuser\n", "joe", &m), 0);
	CHECK_INT(match("joe\n", "joeuser", &m), 0);
	CHECK_INT(match("jo\n", "joe", &m), 0);
	CHECK_INT(match("joe\n", "jo", &m), 0);
	CHECK_INT(match("Joe\n", "joe", &m), 0);
	CHECK_INT(match("joe\n", "JOE", &m), 0);
	CHECK_INT(match("joeuser\njoe\n", "joe", &m), 1);
	CHECK_INT(m.line, 2);
	/* A field ends at a blank, so "joe deny" names joe. */
	CHECK_INT(match("joe deny\n", "joe deny", &m), 0);
	CHECK_INT(match("joe deny\n", "joe", &m), 1);
}

UNIT_TEST(test_comments)
{
	struct ftplist_match m;

	CHECK_INT(match("#joe\njoe\n", "joe", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match("# joe\n", "joe", &m), 0);
	CHECK_INT(match("#\n#\n", "#", &m), 0);
	/* '#' elsewhere than column 1 does not start a comment. */
	CHECK_INT(match(" #joe\n", "#joe", &m), 1);
	CHECK_INT(match(" #joe\n", "joe", &m), 0);
	CHECK_INT(match("\t#\n", "#", &m), 1);
	CHECK_INT(match("joe#\n", "joe#", &m), 1);
	/* A '#' field after the name is only field 2. */
	CHECK_INT(match("joe # comment\n", "joe", &m), 1);
	CHECK_STR(m.dir, "#");
	/* A comment line with a CRLF end. */
	CHECK_INT(match("#joe\r\n", "joe", &m), 0);
}

UNIT_TEST(test_blank_lines)
{
	struct ftplist_match m;

	CHECK_INT(match("\n\n   \n\t\n \t \njoe\n", "joe", &m), 1);
	CHECK_INT(m.line, 6);
	CHECK_INT(match("\r\n\r\njoe\r\n", "joe", &m), 1);
	CHECK_INT(m.line, 3);
	/* Leading blanks before the name are allowed. */
	CHECK_INT(match("   joe\n", "joe", &m), 1);
	CHECK_INT(match("\t\tjoe\tallow\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
}

UNIT_TEST(test_groups)
{
	struct ftplist_match m;
	struct groups g;
	struct ftplist_query q;
	const char *t;

	memset(&g, 0, sizeof(g));
	q.user = "joe";
	q.in_group = in_group;
	q.arg = &g;

	t = "@users\n@staff /srv/staff\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 1);
	CHECK_INT(m.line, 2);
	CHECK_STR(m.dir, "/srv/staff");
	CHECK_INT(g.calls, 2);
	CHECK_STR(g.last, "staff");

	/* Not a member of any listed group. */
	g.calls = 0;
	t = "@users\n@ftp\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 0);
	CHECK_INT(g.calls, 2);

	/* "@" + a name is never compared as a user name. */
	q.user = "@users";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 0);
	q.user = "joe";

	/* The callback is not asked about lines after the match. */
	g.calls = 0;
	t = "joe\n@staff\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.line, 1);
	CHECK_INT(g.calls, 0);

	/* A callback that is unsure (-1) errs on the restrictive side. */
	g.answer = -1;
	t = "@unknown\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 1);
	g.answer = 0;

	/* The group name reaches the callback whole, CR removed. */
	t = "@wheel\r\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 1);
	CHECK_STR(g.last, "wheel");
	t = "@@staff\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 0);
	CHECK_STR(g.last, "@staff");
}

UNIT_TEST(test_groups_no_callback)
{
	struct ftplist_match m;
	struct ftplist_query q = { "joe", NULL, NULL };
	const char *t = "@staff\n@wheel\njoe deny\n";

	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 1);
	CHECK_INT(m.line, 3);
	/* A bare "@" needs no callback. */
	t = "@staff\n@ allow\n";
	CHECK_INT(ftplist_match(t, strlen(t), &q, &m), 0);
	CHECK_INT(m.matched, 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(m.allow, 1);
}

UNIT_TEST(test_bare_at)
{
	struct ftplist_match m;

	CHECK_INT(match("@\n", "anyone", &m), 1);
	CHECK_INT(match("@ /var/jail\n", "x", &m), 1);
	CHECK_STR(m.dir, "/var/jail");
	CHECK_INT(match("root\n@\n", "joe", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match("  @  \n", "joe", &m), 1);
	CHECK_INT(match("@\r", "joe", &m), 1);
	CHECK_INT(match("#@\n", "joe", &m), 0);
}

UNIT_TEST(test_first_match_wins)
{
	struct ftplist_match m;

	CHECK_INT(match("joe deny\njoe allow\n", "joe", &m), 1);
	CHECK_INT(m.line, 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe allow\njoe deny\n", "joe", &m), 1);
	CHECK_INT(m.line, 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("@staff allow\njoe deny\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("@ deny\njoe allow\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe /one\n@ /two\njoe /three\n", "joe", &m), 1);
	CHECK_STR(m.dir, "/one");
	CHECK_INT(match("ann /one\n@ /two\njoe /three\n", "joe", &m), 1);
	CHECK_STR(m.dir, "/two");
}

UNIT_TEST(test_chroot_dir)
{
	struct ftplist_match m;

	CHECK_INT(match("joe /var/ftp/./joe\n", "joe", &m), 1);
	CHECK_STR(m.dir, "/var/ftp/./joe");
	CHECK_INT(match("joe\n", "joe", &m), 1);
	CHECK_STR(m.dir, "");
	CHECK_INT(match("joe\t \t/srv/j  extra fields\n", "joe", &m), 1);
	CHECK_STR(m.dir, "/srv/j");
	CHECK_INT(match("joe rel/dir\n", "joe", &m), 1);
	CHECK_STR(m.dir, "rel/dir");
	CHECK_INT(match("joe /d\r\n", "joe", &m), 1);
	CHECK_STR(m.dir, "/d");
	CHECK_INT(match("joe /d   \n", "joe", &m), 1);
	CHECK_STR(m.dir, "/d");
}

UNIT_TEST(test_ftpusers_fields)
{
	struct ftplist_match m;

	CHECK_INT(match("joe allow\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("joe yes\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("joe ALLOW\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("joe Yes\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(match("joe deny\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe no\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	/* Unknown words deny; so do near misses. */
	CHECK_INT(match("joe maybe\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe allowed\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match("joe ye\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	/* Field 3 is the class. */
	CHECK_INT(match("joe allow staffclass\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_STR(m.class_name, "staffclass");
	CHECK_INT(match("joe\tdeny\tguest\tmore\n", "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_STR(m.class_name, "guest");
	CHECK_INT(match("joe allow c\r\n", "joe", &m), 1);
	CHECK_STR(m.class_name, "c");
	CHECK_INT(m.allow, 1);
}

UNIT_TEST(test_class_too_long)
{
	struct ftplist_match m;
	char line[256];
	char cls[FTPLIST_CLASS_MAX + 1];

	/* FTPLIST_CLASS_MAX - 1 bytes fit. */
	memset(cls, 'c', sizeof(cls));
	cls[FTPLIST_CLASS_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "joe allow %s\n", cls);
	CHECK_INT(match(line, "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_INT(strlen(m.class_name), FTPLIST_CLASS_MAX - 1);
	/* One more: not truncated, and the line denies. */
	cls[FTPLIST_CLASS_MAX - 1] = 'c';
	cls[FTPLIST_CLASS_MAX] = '\0';
	snprintf(line, sizeof(line), "joe allow %s\n", cls);
	CHECK_INT(match(line, "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_STR(m.class_name, "");
}

UNIT_TEST(test_cr)
{
	struct ftplist_match m;

	CHECK_INT(match("joe allow\r\nann\r\n", "joe", &m), 1);
	CHECK_INT(m.allow, 1);
	CHECK_STR(m.dir, "allow");
	CHECK_INT(match("joe allow\r\nann\r\n", "ann", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match("ann\r", "ann", &m), 1);
	/* Only one CR, only at the end, is a line-end artefact. */
	CHECK_INT(match("ann\r\r\n", "ann", &m), 0);
	CHECK_INT(match("an\rn\n", "ann", &m), 0);
	CHECK_INT(match("an\rn\n", "an\rn", &m), 1);
	/* A CR alone is not a line break. */
	CHECK_INT(match("root\rjoe\n", "joe", &m), 0);
	CHECK_INT(match("\r", "joe", &m), 0);
}

UNIT_TEST(test_last_line_no_newline)
{
	struct ftplist_match m;

	CHECK_INT(match("a\nb", "b", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match("a\njoe /dir", "joe", &m), 1);
	CHECK_STR(m.dir, "/dir");
	CHECK_INT(match("joe", "joe", &m), 1);
	CHECK_INT(m.line, 1);
	/* The length given is the end, not a NUL. */
	CHECK_INT(match_n("joe allow", 3, "joe", &m), 1);
	CHECK_INT(m.allow, 0);
	CHECK_INT(match_n("joexyz", 3, "joe", &m), 1);
	CHECK_INT(match_n("joe", 2, "joe", &m), 0);
}

/* Build "name" + blanks/x to exactly n bytes, then tail, in a new string. */
static char *
long_line(const char *name, size_t n, const char *tail)
{
	size_t nl = strlen(name), tl = strlen(tail);
	char *s;

	if (n < nl + 1 || (s = malloc(n + tl + 1)) == NULL)
		return NULL;
	memcpy(s, name, nl);
	s[nl] = ' ';
	memset(s + nl + 1, 'x', n - nl - 1);
	memcpy(s + n, tail, tl + 1);
	return s;
}

UNIT_TEST(test_long_lines)
{
	struct ftplist_match m;
	char *s;

	/* Exactly FTPLIST_LINE_MAX bytes: still a line. */
	s = long_line("joe", FTPLIST_LINE_MAX, "\nann\n");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 1);
		CHECK_INT(m.line, 1);
		CHECK_INT(strlen(m.dir), FTPLIST_LINE_MAX - 4);
		free(s);
	}
	/* The same with a CR before the newline. */
	s = long_line("joe", FTPLIST_LINE_MAX, "\r\nann\n");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 1);
		free(s);
	}
	/* One byte more: skipped whole; the next line still parses. */
	s = long_line("joe", FTPLIST_LINE_MAX + 1, "\nann\n");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 0);
		CHECK_INT(match(s, "ann", &m), 1);
		CHECK_INT(m.line, 2);
		free(s);
	}
	/* Far longer, still skipped whole, and at the end of the file. */
	s = long_line("joe", 100000, "");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 0);
		free(s);
	}
	/* Text past the limit is not taken as a line of its own. */
	s = long_line("ann", FTPLIST_LINE_MAX, " joe allow\njoe deny\n");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 1);
		CHECK_INT(m.line, 2);
		CHECK_INT(m.allow, 0);
		free(s);
	}
	s = long_line("xx", 2 * FTPLIST_LINE_MAX, "\tjoe\n");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(match(s, "joe", &m), 0);
		free(s);
	}
}

UNIT_TEST(test_nul_bytes)
{
	struct ftplist_match m;

	/* A line holding a NUL is skipped; the others still count. */
	CHECK_INT(match_n("joe\0\nann\n", 9, "joe", &m), 0);
	CHECK_INT(match_n("joe\0\nann\n", 9, "ann", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match_n("jo\0e\n", 5, "jo", &m), 0);
	CHECK_INT(match_n("joe allow\0\n", 11, "joe", &m), 0);
	CHECK_INT(match_n("joe /d\0ir\njoe /x\n", 17, "joe", &m), 1);
	CHECK_STR(m.dir, "/x");
	CHECK_INT(m.line, 2);
	CHECK_INT(match_n("\0", 1, "joe", &m), 0);
	CHECK_INT(match_n("\0\n@\n", 4, "joe", &m), 1);
	CHECK_INT(m.line, 2);
}

UNIT_TEST(test_iac_and_junk)
{
	struct ftplist_match m;
	static const char t[] =
	    "\xff\xfb\x01joe\n"
	    "\xffjoe\n"
	    "joe\xff\n"
	    "\xff\xff\xff\xff\n"
	    "\x80\x81\xfe \xff\n"
	    "\x01\x02\x03\x7f\n"
	    "joe \xff\xf4\n";

	CHECK_INT(match_n(t, sizeof(t) - 1, "joe", &m), 1);
	CHECK_INT(m.line, 7);
	CHECK_INT((unsigned char)m.dir[0], 0xff);
	CHECK_INT((unsigned char)m.dir[1], 0xf4);
	CHECK_INT(m.dir[2], 0);
	/* High bytes in names are compared as bytes. */
	CHECK_INT(match_n(t, sizeof(t) - 1, "\xffjoe", &m), 1);
	CHECK_INT(m.line, 2);
	CHECK_INT(match_n(t, sizeof(t) - 1, "\xff\xff\xff\xff", &m), 1);
	CHECK_INT(m.line, 4);
	CHECK_INT(match_n(t, sizeof(t) - 1, "ann", &m), 0);
}

/* Deterministic generator, so a failure repeats. */
static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

UNIT_TEST(test_random_junk)
{
	static const char alpha[] = "joe@# \t\r\n\0\xff/.ax";
	struct ftplist_match m;
	char text[3000];
	uint32_t seed = 1;
	size_t i, len;
	int round, r;

	/* Nothing breaks, and results obey the struct bounds. */
	for (round = 0; round < 2000; round++) {
		len = rnd(&seed) % sizeof(text);
		for (i = 0; i < len; i++) {
			if (rnd(&seed) % 4 == 0)
				text[i] = (char)(rnd(&seed) & 0xff);
			else
				text[i] = alpha[rnd(&seed) %
				    (sizeof(alpha) - 1)];
		}
		r = match_n(text, len, "joe", &m);
		CHECK(r == 0 || r == 1);
		if (r == 1) {
			CHECK(m.line >= 1);
			CHECK(strlen(m.dir) < sizeof(m.dir));
			CHECK(strlen(m.class_name) < sizeof(m.class_name));
			CHECK(m.allow == 0 || m.allow == 1);
		} else
			CHECK_INT(m.line, 0);
	}
}

UNIT_TEST(test_split_dotslash)
{
	char root[64], start[64];

	CHECK_INT(ftplist_split_dotslash("/var/ftp/./joe", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/var/ftp");
	CHECK_STR(start, "/joe");

	CHECK_INT(ftplist_split_dotslash("/var/spool/ftp/./joe/pub", root,
	    sizeof(root), start, sizeof(start)), 0);
	CHECK_STR(root, "/var/spool/ftp");
	CHECK_STR(start, "/joe/pub");

	/* No "/./": the whole is the root, start at "/". */
	CHECK_INT(ftplist_split_dotslash("/var/ftp", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/var/ftp");
	CHECK_STR(start, "/");
	CHECK_INT(ftplist_split_dotslash("/var/ftp/.", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/var/ftp/.");
	CHECK_STR(start, "/");
	CHECK_INT(ftplist_split_dotslash("/a/../b/.x/c", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/a/../b/.x/c");
	CHECK_STR(start, "/");
	CHECK_INT(ftplist_split_dotslash("", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "");
	CHECK_STR(start, "/");

	/* Trailing "/./": start is "/". */
	CHECK_INT(ftplist_split_dotslash("/var/ftp/./", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/var/ftp");
	CHECK_STR(start, "/");

	/* Only the first "/./" splits. */
	CHECK_INT(ftplist_split_dotslash("/a/./b/./c", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/a");
	CHECK_STR(start, "/b/./c");

	/* A leading "/./" roots at "/". */
	CHECK_INT(ftplist_split_dotslash("/./joe", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/");
	CHECK_STR(start, "/joe");
	CHECK_INT(ftplist_split_dotslash("/./", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/");
	CHECK_STR(start, "/");

	/* Doubled slashes next to the marker. */
	CHECK_INT(ftplist_split_dotslash("/a//./b", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/a/");
	CHECK_STR(start, "/b");
	CHECK_INT(ftplist_split_dotslash("/a/.//./b", root, sizeof(root),
	    start, sizeof(start)), 0);
	CHECK_STR(root, "/a");
	CHECK_STR(start, "//./b");
}

UNIT_TEST(test_split_dotslash_too_long)
{
	char root[16], start[16];

	/* "/var/ftp" needs 9 bytes, "/joe" 5. */
	CHECK_INT(ftplist_split_dotslash("/var/ftp/./joe", root, 9,
	    start, 5), 0);
	CHECK_STR(root, "/var/ftp");
	CHECK_STR(start, "/joe");
	strcpy(start, "junk");
	CHECK_INT(ftplist_split_dotslash("/var/ftp/./joe", root, 8,
	    start, sizeof(start)), -1);
	CHECK_STR(root, "");
	CHECK_STR(start, "");
	strcpy(root, "junk");
	CHECK_INT(ftplist_split_dotslash("/var/ftp/./joe", root, sizeof(root),
	    start, 4), -1);
	CHECK_STR(root, "");
	CHECK_STR(start, "");
	/* Without "/./" start is "/", which needs 2 bytes. */
	CHECK_INT(ftplist_split_dotslash("/x", root, sizeof(root),
	    start, 1), -1);
	CHECK_STR(root, "");
	CHECK_INT(ftplist_split_dotslash("/a/very/long/directory/name", root,
	    sizeof(root), start, sizeof(start)), -1);
	CHECK_STR(root, "");
	CHECK_STR(start, "");
	/* Size 0: nothing is written. */
	root[0] = 'q';
	CHECK_INT(ftplist_split_dotslash("/x", root, 0, start,
	    sizeof(start)), -1);
	CHECK_INT(root[0], 'q');
	CHECK_INT(ftplist_split_dotslash(NULL, root, sizeof(root), start,
	    sizeof(start)), -1);
}

int
main(void)
{
	UNIT_RUN(test_simple);
	UNIT_RUN(test_empty_input);
	UNIT_RUN(test_null_args);
	UNIT_RUN(test_prefix_no_match);
	UNIT_RUN(test_comments);
	UNIT_RUN(test_blank_lines);
	UNIT_RUN(test_groups);
	UNIT_RUN(test_groups_no_callback);
	UNIT_RUN(test_bare_at);
	UNIT_RUN(test_first_match_wins);
	UNIT_RUN(test_chroot_dir);
	UNIT_RUN(test_ftpusers_fields);
	UNIT_RUN(test_class_too_long);
	UNIT_RUN(test_cr);
	UNIT_RUN(test_last_line_no_newline);
	UNIT_RUN(test_long_lines);
	UNIT_RUN(test_nul_bytes);
	UNIT_RUN(test_iac_and_junk);
	UNIT_RUN(test_random_junk);
	UNIT_RUN(test_split_dotslash);
	UNIT_RUN(test_split_dotslash_too_long);
	return UNIT_END();
}
