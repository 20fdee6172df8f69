/*
 * test_glob: the bounded globber (src/fs/glob.c): the pure matcher
 * (sets, escapes, '/', leading dots, linear time on a*a*...b), magic
 * detection, and expansion over a temporary tree made with mkdtemp:
 * sorting, dot files, CR/LF names, NOCHECK, braces and their caps,
 * the star-slash-dot-dot blow-up under the result and directory caps,
 * ~ and ~user through the callback, escapes and unterminated '['.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "str.h"
#include "fs/glob.h"

static char base[64];
static char oldcwd[4096];

/* ---- helpers ---- */

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
mkfile(const char *rel)
{
	char path[512];
	int fd;

	if (cstr_printf(path, sizeof(path), "%s/%s", base, rel) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	return close(fd);
}

static int
mkdir_rel(const char *rel)
{
	char path[512];

	if (cstr_printf(path, sizeof(path), "%s/%s", base, rel) == -1)
		return -1;
	return mkdir(path, 0755);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The results joined with '|', or "E<n>" for an error n. */
static const char *
joined(int r, const struct glob_result *res)
{
	static char out[65536];
	size_t i;

	out[0] = '\0';
	if (r < 0) {
		(void)cstr_printf(out, sizeof(out), "E%d", r);
		return out;
	}
	if ((size_t)r != res->count || res->paths == NULL ||
	    res->paths[res->count] != NULL)
		return "BAD-RESULT";
	for (i = 0; i < res->count; i++) {
		if (i > 0)
			(void)cstr_cat(out, sizeof(out), "|");
		(void)cstr_cat(out, sizeof(out), res->paths[i]);
	}
	return out;
}

/* Expand pat with flags (and the test's home callback); joined result. */
static int home_fn(const char *, char *, size_t, void *);

static const char *
ex(const char *pat, int flags)
{
	struct glob_opts o;
	struct glob_result res;
	const char *s;
	int r;

	memset(&o, 0, sizeof(o));
	o.flags = flags;
	o.home = home_fn;
	r = glob_expand(pat, &o, &res);
	s = joined(r, &res);
	glob_free(&res);
	return s;
}

static int
ex_opts(const char *pat, const struct glob_opts *o)
{
	struct glob_result res;
	int r;

	r = glob_expand(pat, o, &res);
	if (r < 0 && (res.count != 0 || res.paths != NULL))
		r = -100;	/* an error must leave res empty */
	glob_free(&res);
	return r;
}

/*
 * "" (plain ~) is base, "ftp" base/dir1, "odd" base/h*me, "rel" the
 * relative dir2, "empty" an empty home; anyone else is unknown.
 */
static int
home_fn(const char *user, char *dir, size_t dirsize, void *arg)
{
	(void)arg;
	if (strcmp(user, "") == 0)
		return cstr_copy(dir, dirsize, base);
	if (strcmp(user, "ftp") == 0)
		return cstr_printf(dir, dirsize, "%s/dir1", base);
	if (strcmp(user, "odd") == 0)
		return cstr_printf(dir, dirsize, "%s/h*me", base);
	if (strcmp(user, "rel") == 0)
		return cstr_copy(dir, dirsize, "dir2");
	if (strcmp(user, "empty") == 0)
		return cstr_copy(dir, dirsize, "");
	return -1;
}

/* ---- the matcher ---- */

UNIT_TEST(test_match_basic)
{
	CHECK_INT(glob_match("abc", "abc"), 1);
	CHECK_INT(glob_match("abc", "abd"), 0);
	CHECK_INT(glob_match("abc", "ab"), 0);
	CHECK_INT(glob_match("ab", "abc"), 0);
	CHECK_INT(glob_match("", ""), 1);
	CHECK_INT(glob_match("", "a"), 0);
	CHECK_INT(glob_match("*", ""), 1);
	CHECK_INT(glob_match("*", "anything"), 1);
	CHECK_INT(glob_match("a*", "a"), 1);
	CHECK_INT(glob_match("a*c", "abbbc"), 1);
	CHECK_INT(glob_match("a*c", "abbbd"), 0);
	CHECK_INT(glob_match("*c", "c"), 1);
	CHECK_INT(glob_match("**c", "abc"), 1);
	CHECK_INT(glob_match("a*b*c", "aXbYc"), 1);
	CHECK_INT(glob_match("a*b*c", "aXcYb"), 0);
	CHECK_INT(glob_match("a*bc", "abcbc"), 1);
	CHECK_INT(glob_match("*ab*ab", "xabyabab"), 1);
	CHECK_INT(glob_match("?", "a"), 1);
	CHECK_INT(glob_match("?", ""), 0);
	CHECK_INT(glob_match("??", "a"), 0);
	CHECK_INT(glob_match("a?c", "abc"), 1);
	CHECK_INT(glob_match("*.txt", "file.txt"), 1);
	CHECK_INT(glob_match("*.txt", "file.txt.gz"), 0);
	CHECK_INT(glob_match("ABC", "abc"), 0);	/* case-sensitive */
	CHECK_INT(glob_match("caf\xc3\xa9", "caf\xc3\xa9"), 1);
	CHECK_INT(glob_match("caf??", "caf\xc3\xa9"), 1);	/* bytes */
	CHECK_INT(glob_match(NULL, "a"), -1);
	CHECK_INT(glob_match("a", NULL), -1);
}

UNIT_TEST(test_match_sets)
{
	CHECK_INT(glob_match("[abc]", "b"), 1);
	CHECK_INT(glob_match("[abc]", "d"), 0);
	CHECK_INT(glob_match("[a-c]x", "bx"), 1);
	CHECK_INT(glob_match("[a-c]x", "dx"), 0);
	CHECK_INT(glob_match("[!a-c]", "d"), 1);
	CHECK_INT(glob_match("[!a-c]", "b"), 0);
	CHECK_INT(glob_match("[^a-c]", "d"), 1);
	CHECK_INT(glob_match("[^a-c]", "a"), 0);
	CHECK_INT(glob_match("[]]", "]"), 1);
	CHECK_INT(glob_match("[]a]", "a"), 1);
	CHECK_INT(glob_match("[!]]", "]"), 0);
	CHECK_INT(glob_match("[!]]", "x"), 1);
	CHECK_INT(glob_match("[-a]", "-"), 1);
	CHECK_INT(glob_match("[a-]", "-"), 1);
	CHECK_INT(glob_match("[a-]", "b"), 0);
	CHECK_INT(glob_match("[z-a]", "m"), 0);	/* reversed: empty */
	CHECK_INT(glob_match("[\\]]", "]"), 1);
	CHECK_INT(glob_match("[\\!a]", "!"), 1);
	CHECK_INT(glob_match("[a\\-z]", "-"), 1);
	CHECK_INT(glob_match("[a\\-z]", "m"), 0);
	CHECK_INT(glob_match("[[:digit:]]x", "7x"), 1);
	CHECK_INT(glob_match("[[:digit:]]x", "ax"), 0);
	CHECK_INT(glob_match("[![:alpha:]]", "1"), 1);
	CHECK_INT(glob_match("[[:alpha:][:digit:]_]", "_"), 1);
	CHECK_INT(glob_match("[[:upper:]]", "Q"), 1);
	CHECK_INT(glob_match("[[:upper:]]", "q"), 0);
	CHECK_INT(glob_match("[[:space:]]", " "), 1);
	CHECK_INT(glob_match("[[:xdigit:]]", "F"), 1);
	CHECK_INT(glob_match("[[:punct:]]", "!"), 1);
	/* An unknown class is plain characters: "[:bogus:" then "]". */
	CHECK_INT(glob_match("[[:bogus:]]", "b]"), 1);
	/* Unterminated: a literal '['. */
	CHECK_INT(glob_match("[", "["), 1);
	CHECK_INT(glob_match("[abc", "[abc"), 1);
	CHECK_INT(glob_match("[abc", "a"), 0);
	CHECK_INT(glob_match("a[", "a["), 1);
	CHECK_INT(glob_match("[!", "[!"), 1);
	CHECK_INT(glob_match("[]", "[]"), 1);
	CHECK_INT(glob_match("*[", "xx["), 1);
	/* A set never crosses '/' and never matches it. */
	CHECK_INT(glob_match("a[/]b", "a/b"), 0);
	CHECK_INT(glob_match("a[/]b", "a[/]b"), 1);
	CHECK_INT(glob_match("a[!x]b", "a/b"), 0);
	/* Sets and stars. */
	CHECK_INT(glob_match("*[0-9]", "abc7"), 1);
	CHECK_INT(glob_match("*[0-9]*[0-9]", "a1b2"), 1);
	CHECK_INT(glob_match("*[0-9]*[0-9]", "a1b"), 0);
	/* High bytes compare as unsigned. */
	CHECK_INT(glob_match("[\x80-\xff]", "\xe9"), 1);
	CHECK_INT(glob_match("[a-z]", "\xe9"), 0);
}

UNIT_TEST(test_match_slash_dot)
{
	CHECK_INT(glob_match("*", "a/b"), 0);
	CHECK_INT(glob_match("a*", "a/b"), 0);
	CHECK_INT(glob_match("a?b", "a/b"), 0);
	CHECK_INT(glob_match("*/*", "a/b"), 1);
	CHECK_INT(glob_match("*/*", "a/b/c"), 0);
	CHECK_INT(glob_match("a/*/c", "a/b/c"), 1);
	CHECK_INT(glob_match("a/*/c", "a/b/d/c"), 0);
	CHECK_INT(glob_match("a/", "a/"), 1);
	CHECK_INT(glob_match("a/", "a"), 0);
	CHECK_INT(glob_match("a//b", "a//b"), 1);
	CHECK_INT(glob_match("a//b", "a/b"), 0);
	/* Leading dots. */
	CHECK_INT(glob_match("*", ".hidden"), 0);
	CHECK_INT(glob_match("?hidden", ".hidden"), 0);
	CHECK_INT(glob_match("[.]hidden", ".hidden"), 0);
	CHECK_INT(glob_match("*.c", ".c"), 0);
	CHECK_INT(glob_match(".*", ".hidden"), 1);
	CHECK_INT(glob_match("\\.*", ".hidden"), 1);
	CHECK_INT(glob_match(".h*", ".hidden"), 1);
	CHECK_INT(glob_match("*/*", "a/.b"), 0);
	CHECK_INT(glob_match("*/.*", "a/.b"), 1);
	CHECK_INT(glob_match("*", "a.b"), 1);	/* inner dots are fine */
	CHECK_INT(glob_match("a*", "a."), 1);
}

UNIT_TEST(test_match_escapes)
{
	CHECK_INT(glob_match("a\\*b", "a*b"), 1);
	CHECK_INT(glob_match("a\\*b", "axb"), 0);
	CHECK_INT(glob_match("a\\?b", "a?b"), 1);
	CHECK_INT(glob_match("a\\?b", "axb"), 0);
	CHECK_INT(glob_match("\\[a]", "[a]"), 1);
	CHECK_INT(glob_match("\\[a]", "a"), 0);
	CHECK_INT(glob_match("a\\\\b", "a\\b"), 1);
	CHECK_INT(glob_match("\\a", "a"), 1);
	CHECK_INT(glob_match("a\\/b", "a/b"), 1);	/* "\/" is '/' */
	CHECK_INT(glob_match("*\\*", "ab*"), 1);
	CHECK_INT(glob_match("*\\*", "ab"), 0);
	/* A trailing backslash escapes nothing: a bad pattern. */
	CHECK_INT(glob_match("a\\", "a\\"), -1);
	CHECK_INT(glob_match("\\", ""), -1);
	CHECK_INT(glob_match("a\\\\", "a\\"), 1);
}

UNIT_TEST(test_match_linear)
{
	static char name[10001], pat[2048];
	size_t i, n = 0;
	double t0;

	memset(name, 'a', 10000);
	name[10000] = '\0';
	/* a*a*a*...*b: 500 stars, exponential for a backtracking matcher. */
	for (i = 0; i < 500; i++) {
		pat[n++] = 'a';
		pat[n++] = '*';
	}
	pat[n++] = 'b';
	pat[n] = '\0';
	t0 = now();
	CHECK_INT(glob_match(pat, name), 0);
	pat[n - 1] = 'a';
	CHECK_INT(glob_match(pat, name), 1);
	/* Many unterminated '[' before a star must not go quadratic. */
	for (i = 0; i < 2000; i++)
		pat[i] = '[';
	pat[2000] = '*';
	pat[2001] = 'b';
	pat[2002] = '\0';
	CHECK_INT(glob_match(pat, name), 0);
	/* Sets inside the backtracking loop. */
	n = 0;
	for (i = 0; i < 200; i++) {
		memcpy(pat + n, "[a-c]*", 6);
		n += 6;
	}
	memcpy(pat + n, "[!a]", 5);
	CHECK_INT(glob_match(pat, name), 0);
	CHECK(now() - t0 < 2.0);
	/* Patterns longer than GLOB_PATTERN_MAX are refused. */
	{
		char *big = malloc(GLOB_PATTERN_MAX + 2);

		CHECK(big != NULL);
		if (big != NULL) {
			memset(big, '*', GLOB_PATTERN_MAX + 1);
			big[GLOB_PATTERN_MAX + 1] = '\0';
			CHECK_INT(glob_match(big, "x"), -1);
			big[GLOB_PATTERN_MAX] = '\0';
			CHECK_INT(glob_match(big, "x"), 1);
			free(big);
		}
	}
}

UNIT_TEST(test_has_magic)
{
	CHECK_INT(glob_has_magic("plain.txt"), 0);
	CHECK_INT(glob_has_magic("dir/file"), 0);
	CHECK_INT(glob_has_magic("*"), 1);
	CHECK_INT(glob_has_magic("a?"), 1);
	CHECK_INT(glob_has_magic("[ab]"), 1);
	CHECK_INT(glob_has_magic("[ab"), 0);
	CHECK_INT(glob_has_magic("a\\*"), 0);
	CHECK_INT(glob_has_magic("a\\[b]"), 0);
	CHECK_INT(glob_has_magic("{a,b}"), 1);
	CHECK_INT(glob_has_magic("x{a,b}y/z"), 1);
	CHECK_INT(glob_has_magic("{a}"), 0);
	CHECK_INT(glob_has_magic("{}"), 0);
	CHECK_INT(glob_has_magic("{a,b"), 0);
	CHECK_INT(glob_has_magic("a\\{b,c}"), 0);
	CHECK_INT(glob_has_magic("~user/x"), 0);
	CHECK_INT(glob_has_magic("a\\"), 0);
	CHECK_INT(glob_has_magic(NULL), 0);
	CHECK_INT(glob_has_magic("-l"), 0);
}

/* ---- expansion ---- */

static int
make_tree(void)
{
	static const char *files[] = {
		"a.txt", "b.txt", "c.dat", ".hidden", "sp ace", "star*file",
		"cr\rname", "lf\nname", "brack[1]", "x[y", "dir1/x.c",
		"dir1/y.c", "dir1/.dot.c", "dir2/z.c", "h*me/f", "hXme/f",
		"bs\\file",
	};
	size_t i;

	(void)cstr_copy(base, sizeof(base), "/tmp/test_glob.XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	if (mkdir_rel("dir1") == -1 || mkdir_rel("dir2") == -1 ||
	    mkdir_rel("h*me") == -1 || mkdir_rel("hXme") == -1)
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (mkfile(files[i]) == -1)
			return -1;
	return 0;
}

UNIT_TEST(test_expand_basic)
{
	CHECK_STR(ex("*.txt", 0), "a.txt|b.txt");
	/* Sorted, no dot files, no CR/LF names. */
	CHECK_STR(ex("*", 0), "a.txt|b.txt|brack[1]|bs\\file|c.dat|dir1|"
	    "dir2|h*me|hXme|sp ace|star*file|x[y");
	CHECK_STR(ex(".*", 0), ".hidden");	/* not "." or ".." */
	CHECK_STR(ex("*/*.c", 0), "dir1/x.c|dir1/y.c|dir2/z.c");
	CHECK_STR(ex("dir1/.*", 0), "dir1/.dot.c");
	CHECK_STR(ex("dir?/[xz].c", 0), "dir1/x.c|dir2/z.c");
	CHECK_STR(ex("*/", 0), "dir1/|dir2/|h*me/|hXme/");
	CHECK_STR(ex("dir1/", 0), "dir1/");
	CHECK_STR(ex("a.txt/", 0), "E-1");
	CHECK_STR(ex("dir*", GLOB_F_MARK), "dir1/|dir2/");
	CHECK_STR(ex("./*.txt", 0), "./a.txt|./b.txt");
	CHECK_STR(ex("dir1//x.c", 0), "dir1/x.c");
	CHECK_STR(ex("a.txt", 0), "a.txt");	/* no magic: checked */
	CHECK_STR(ex("nosuch", 0), "E-1");
	CHECK_STR(ex("*.nosuch", 0), "E-1");
	CHECK_STR(ex("nodir/*", 0), "E-1");
	CHECK_STR(ex("a.txt/*", 0), "E-1");	/* not a directory */
	CHECK_STR(ex("dir1/../*.txt", 0), "dir1/../a.txt|dir1/../b.txt");
	CHECK_STR(ex("sp ace", 0), "sp ace");
	CHECK_STR(ex("sp*", 0), "sp ace");
}

UNIT_TEST(test_expand_absolute)
{
	char pat[256], want[512];

	(void)cstr_printf(pat, sizeof(pat), "%s/*.txt", base);
	(void)cstr_printf(want, sizeof(want), "%s/a.txt|%s/b.txt", base,
	    base);
	CHECK_STR(ex(pat, 0), want);
	(void)cstr_printf(pat, sizeof(pat), "%s/dir*/y.c", base);
	(void)cstr_printf(want, sizeof(want), "%s/dir1/y.c", base);
	CHECK_STR(ex(pat, 0), want);
	CHECK_STR(ex("/", 0), "/");
	CHECK_STR(ex("\\/", 0), "/");
	(void)cstr_printf(pat, sizeof(pat), "/%s//a.txt", base);
	(void)cstr_printf(want, sizeof(want), "%s/a.txt", base);
	CHECK_STR(ex(pat, 0), want);
}

UNIT_TEST(test_expand_escapes)
{
	/* A literal '*' in a name, by escape, and by star. */
	CHECK_STR(ex("star\\*file", 0), "star*file");
	CHECK_STR(ex("star*", 0), "star*file");
	CHECK_STR(ex("h\\*me/f", 0), "h*me/f");
	CHECK_STR(ex("h?me/f", 0), "h*me/f|hXme/f");
	CHECK_STR(ex("bs\\\\file", 0), "bs\\file");
	/* brack[1]: the set matches "brack1" only; escaped it is literal. */
	CHECK_STR(ex("brack[1]", 0), "E-1");
	CHECK_STR(ex("brack\\[1\\]", 0), "brack[1]");
	CHECK_STR(ex("brack[1]", GLOB_F_NOCHECK), "brack[1]");
	/* Unterminated '[': literal. */
	CHECK_STR(ex("x[y", 0), "x[y");
	CHECK_STR(ex("x[*", 0), "x[y");
	CHECK_STR(ex("[", 0), "E-1");
	CHECK_STR(ex("[", GLOB_F_NOCHECK), "[");
	/* Bad patterns. */
	CHECK_STR(ex("a\\", 0), "E-4");
	CHECK_STR(ex("a\\", GLOB_F_NOCHECK), "E-4");
	CHECK_STR(ex("", 0), "E-4");
	CHECK_STR(ex("", GLOB_F_NOCHECK), "E-4");
}

UNIT_TEST(test_expand_nocheck)
{
	struct glob_opts o;
	struct glob_result res;
	int r;

	memset(&o, 0, sizeof(o));
	o.flags = GLOB_F_NOCHECK;
	r = glob_expand("no\\*such*", &o, &res);
	CHECK_STR(joined(r, &res), "no*such*");
	CHECK_INT(res.nocheck, 1);
	glob_free(&res);
	r = glob_expand("a.txt", &o, &res);
	CHECK_STR(joined(r, &res), "a.txt");
	CHECK_INT(res.nocheck, 0);
	glob_free(&res);
	/* A pattern holding CR or LF is dropped even under NOCHECK. */
	CHECK_STR(ex("new\r\n227 x", GLOB_F_NOCHECK), "E-1");
	CHECK_STR(ex("*name", GLOB_F_NOCHECK), "*name");
	/* Per alternative, as BSD glob does with GLOB_NOCHECK. */
	CHECK_STR(ex("{a,q}.txt", GLOB_F_NOCHECK | GLOB_F_BRACE),
	    "a.txt|q.txt");
	CHECK_STR(ex("{p,q}.txt", GLOB_F_NOCHECK | GLOB_F_BRACE),
	    "p.txt|q.txt");
	/* glob_free is idempotent and takes NULL. */
	glob_free(&res);
	glob_free(NULL);
}

UNIT_TEST(test_expand_crlf)
{
	/* Names with CR or LF exist, but no pattern ever returns them. */
	CHECK_STR(ex("*name", 0), "E-1");
	CHECK_STR(ex("cr?name", 0), "E-1");
	CHECK_STR(ex("lf?name", 0), "E-1");
	CHECK_STR(ex("lf\nname", 0), "E-1");
	CHECK_STR(ex("cr\rname", 0), "E-1");
}

UNIT_TEST(test_expand_braces)
{
	struct glob_opts o;
	double t0 = now();

	CHECK_STR(ex("{a,b}.txt", GLOB_F_BRACE), "a.txt|b.txt");
	CHECK_STR(ex("{b,a}.txt", GLOB_F_BRACE), "a.txt|b.txt");
	CHECK_STR(ex("{a,a,a}.txt", GLOB_F_BRACE), "a.txt");
	CHECK_STR(ex("{a,b}.txt", 0), "E-1");	/* literal without the flag */
	CHECK_STR(ex("{a,b}.txt", GLOB_F_NOCHECK), "{a,b}.txt");
	CHECK_STR(ex("dir{1,2}/*.c", GLOB_F_BRACE),
	    "dir1/x.c|dir1/y.c|dir2/z.c");
	CHECK_STR(ex("{dir1/x,dir2/z}.c", GLOB_F_BRACE), "dir1/x.c|dir2/z.c");
	CHECK_STR(ex("{*.txt,*.dat}", GLOB_F_BRACE), "a.txt|b.txt|c.dat");
	CHECK_STR(ex("{a,{b,c}}.{txt,dat}", GLOB_F_BRACE),
	    "a.txt|b.txt|c.dat");
	CHECK_STR(ex("{a}.txt", GLOB_F_BRACE), "a.txt");
	CHECK_STR(ex("{}", GLOB_F_BRACE | GLOB_F_NOCHECK), "{}");
	CHECK_STR(ex("{a,b", GLOB_F_BRACE | GLOB_F_NOCHECK), "{a,b");
	CHECK_STR(ex("a,b}", GLOB_F_BRACE | GLOB_F_NOCHECK), "a,b}");
	CHECK_STR(ex("\\{a,b}", GLOB_F_BRACE | GLOB_F_NOCHECK), "{a,b}");
	CHECK_STR(ex("{a\\,b}", GLOB_F_BRACE | GLOB_F_NOCHECK), "a,b");
	CHECK_STR(ex("[{]a,b}", GLOB_F_BRACE | GLOB_F_NOCHECK), "[{]a,b}");
	CHECK_STR(ex("{[,]x,y}", GLOB_F_BRACE | GLOB_F_NOCHECK), "[,]x|y");
	/* 2^6 = 64 patterns is the cap; 2^7 is refused, not cut. */
	CHECK_STR(ex("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}", GLOB_F_BRACE), "E-1");
	{
		struct glob_result res;

		memset(&o, 0, sizeof(o));
		o.flags = GLOB_F_BRACE | GLOB_F_NOCHECK;
		CHECK_INT(glob_expand("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}", &o,
		    &res), 64);
		glob_free(&res);
	}
	CHECK_STR(ex("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}", GLOB_F_BRACE),
	    "E-5");
	CHECK_STR(ex("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}{s,t}"
	    "{u,v}{w,x}{y,z}{0,1}{2,3}{4,5}{6,7}{8,9}{A,B}{C,D}{E,F}",
	    GLOB_F_BRACE), "E-5");
	CHECK_STR(ex("{0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,"
	    "q,r,s,t,u,v,w,x,y,z,A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T,U,"
	    "V,W,X,Y,Z,-,_,+}", GLOB_F_BRACE), "E-5");
	/* Nesting: two levels are fine, three are refused. */
	CHECK_STR(ex("{a,{b,c}}.txt", GLOB_F_BRACE), "a.txt|b.txt");
	CHECK_STR(ex("{a,{b,{c,d}}}.txt", GLOB_F_BRACE), "E-5");
	/* Many single-alternative groups: the step cap. */
	{
		char pat[2048];
		size_t i, n = 0;

		for (i = 0; i < 300; i++) {
			memcpy(pat + n, "{a}", 3);
			n += 3;
		}
		pat[n] = '\0';
		CHECK_STR(ex(pat, GLOB_F_BRACE), "E-5");
	}
	/* ~{...} (CERT CA-2001-07): the user name is checked. */
	CHECK_STR(ex("~{a,b}", GLOB_F_BRACE | GLOB_F_TILDE), "E-4");
	CHECK(now() - t0 < 2.0);
}

/* A tree for the blow-up cases: n directories at the top. */
static int
make_wide(const char *sub, int n)
{
	char rel[128];
	int i;

	if (mkdir_rel(sub) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		(void)cstr_printf(rel, sizeof(rel), "%s/d%02d", sub, i);
		if (mkdir_rel(rel) == -1)
			return -1;
		(void)cstr_printf(rel, sizeof(rel), "%s/d%02d/f", sub, i);
		if (mkfile(rel) == -1)
			return -1;
	}
	return 0;
}

UNIT_TEST(test_expand_bounded)
{
	struct glob_opts o;
	char cwd[4096];
	double t0;
	int r;

	CHECK(make_wide("wide", 20) == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir("wide") == 0);
	t0 = now();
	/* 20^3 = 8000 results: over the default cap of 1000. */
	memset(&o, 0, sizeof(o));
	CHECK_INT(ex_opts("*/../*/../*", &o), GLOB_E_TOOMANY);
	CHECK_INT(ex_opts("*/../*/../*/../*/../*", &o), GLOB_E_TOOMANY);
	/* With a larger result cap it works, then the dir cap bites. */
	o.max_results = 10000;
	CHECK_INT(ex_opts("*/../*/../*", &o), 8000);
	o.max_dirs = 50;
	CHECK_INT(ex_opts("*/../*/../*", &o), GLOB_E_DIRS);
	o.max_dirs = 0;
	o.max_entries = 100;
	CHECK_INT(ex_opts("*/../*/../*", &o), GLOB_E_DIRS);
	o.max_entries = 0;
	o.max_bytes = 1000;
	CHECK_INT(ex_opts("*/../*/../*", &o), GLOB_E_TOOMANY);
	/* The result cap is exact. */
	memset(&o, 0, sizeof(o));
	o.max_results = 20;
	CHECK_INT(ex_opts("*", &o), 20);
	CHECK_INT(ex_opts("*/f", &o), 20);
	o.max_results = 19;
	CHECK_INT(ex_opts("*", &o), GLOB_E_TOOMANY);
	/* Too many wildcard components. */
	{
		char pat[256];
		size_t i, n = 0;

		for (i = 0; i < GLOB_MAGIC_PARTS + 1; i++) {
			memcpy(pat + n, "*/", 2);
			n += 2;
		}
		pat[n - 1] = '\0';
		memset(&o, 0, sizeof(o));
		CHECK_INT(ex_opts(pat, &o), GLOB_E_PATTERN);
		pat[2 * GLOB_MAGIC_PARTS - 1] = '\0';
		r = ex_opts(pat, &o);
		CHECK(r == GLOB_E_NOMATCH);
	}
	CHECK(chdir(cwd) == 0);
	CHECK(now() - t0 < 5.0);
	/* Over-long patterns. */
	{
		char *big = malloc(GLOB_PATTERN_MAX + 2);

		CHECK(big != NULL);
		if (big != NULL) {
			memset(big, 'a', GLOB_PATTERN_MAX + 1);
			big[GLOB_PATTERN_MAX + 1] = '\0';
			CHECK_STR(ex(big, GLOB_F_NOCHECK), "E-4");
			free(big);
		}
	}
}

UNIT_TEST(test_expand_slow_pattern)
{
	char name[256], pat[1024];
	size_t i, n = 0;
	double t0;

	memset(name, 'a', 250);
	name[250] = '\0';
	CHECK(mkfile(name) == 0);
	/* 200 x "a*" then b: the name has 250 a's and no b. */
	for (i = 0; i < 200; i++) {
		pat[n++] = 'a';
		pat[n++] = '*';
	}
	pat[n++] = 'b';
	pat[n] = '\0';
	t0 = now();
	CHECK_STR(ex(pat, 0), "E-1");
	pat[n - 1] = '*';
	CHECK_INT(strlen(ex(pat, 0)), 250);
	CHECK(now() - t0 < 2.0);
	(void)cstr_printf(pat, sizeof(pat), "%s/%s", base, name);
	CHECK(unlink(pat) == 0);
}

UNIT_TEST(test_expand_tilde)
{
	struct glob_opts o;
	struct glob_result res;
	char want[512];

	CHECK_STR(ex("~", GLOB_F_TILDE), base);
	(void)cstr_printf(want, sizeof(want), "%s/a.txt", base);
	CHECK_STR(ex("~/a.txt", GLOB_F_TILDE), want);
	(void)cstr_printf(want, sizeof(want), "%s/dir1/x.c|%s/dir1/y.c",
	    base, base);
	CHECK_STR(ex("~ftp/*.c", GLOB_F_TILDE), want);
	CHECK_STR(ex("~ftp/*.c", GLOB_F_TILDE | GLOB_F_BRACE), want);
	/* The home directory is literal: "h*me" does not match "hXme". */
	(void)cstr_printf(want, sizeof(want), "%s/h*me/f", base);
	CHECK_STR(ex("~odd/f", GLOB_F_TILDE), want);
	CHECK_STR(ex("~odd/*", GLOB_F_TILDE), want);
	/* A relative home stays relative. */
	CHECK_STR(ex("~rel/*", GLOB_F_TILDE), "dir2/z.c");
	/* Unknown users fail cleanly, NOCHECK or not. */
	CHECK_STR(ex("~nonexistent/x", GLOB_F_TILDE), "E-6");
	CHECK_STR(ex("~nonexistent/x", GLOB_F_TILDE | GLOB_F_NOCHECK),
	    "E-6");
	CHECK_STR(ex("~nonexistent", GLOB_F_TILDE), "E-6");
	CHECK_STR(ex("~empty/x", GLOB_F_TILDE | GLOB_F_NOCHECK), "E-6");
	CHECK_STR(ex("~fo*/x", GLOB_F_TILDE), "E-4");
	CHECK_STR(ex("~fo\\o/x", GLOB_F_TILDE), "E-4");
	/* Without the flag '~' is an ordinary character. */
	CHECK_STR(ex("~", GLOB_F_NOCHECK), "~");
	CHECK_STR(ex("~ftp/x", 0), "E-1");
	/* Only at the start. */
	CHECK_STR(ex("a~", GLOB_F_TILDE | GLOB_F_NOCHECK), "a~");
	/* No callback: an error, not the literal. */
	memset(&o, 0, sizeof(o));
	o.flags = GLOB_F_TILDE | GLOB_F_NOCHECK;
	CHECK_INT(glob_expand("~/x", &o, &res), GLOB_E_USER);
	CHECK(res.count == 0 && res.paths == NULL);
	/* A very long user name. */
	{
		char pat[600];

		memset(pat, 'u', sizeof(pat) - 1);
		pat[0] = '~';
		pat[sizeof(pat) - 1] = '\0';
		CHECK_STR(ex(pat, GLOB_F_TILDE), "E-6");
	}
}

UNIT_TEST(test_expand_args)
{
	struct glob_result res;

	CHECK_INT(glob_expand(NULL, NULL, &res), GLOB_E_PATTERN);
	CHECK_INT(glob_expand("*", NULL, NULL), GLOB_E_PATTERN);
	CHECK_INT(glob_expand("*.txt", NULL, &res), 2);
	CHECK_STR(res.paths[0], "a.txt");
	CHECK(res.paths[2] == NULL);
	glob_free(&res);
	CHECK(res.paths == NULL && res.count == 0);
}

int
main(void)
{
	int rc;

	UNIT_RUN(test_match_basic);
	UNIT_RUN(test_match_sets);
	UNIT_RUN(test_match_slash_dot);
	UNIT_RUN(test_match_escapes);
	UNIT_RUN(test_match_linear);
	UNIT_RUN(test_has_magic);
	if (getcwd(oldcwd, sizeof(oldcwd)) == NULL || make_tree() == -1 ||
	    chdir(base) == -1) {
		fprintf(stderr, "test_glob: cannot set up %s: %s\n", base,
		    strerror(errno));
		return 1;
	}
	UNIT_RUN(test_expand_basic);
	UNIT_RUN(test_expand_absolute);
	UNIT_RUN(test_expand_escapes);
	UNIT_RUN(test_expand_nocheck);
	UNIT_RUN(test_expand_crlf);
	UNIT_RUN(test_expand_braces);
	UNIT_RUN(test_expand_bounded);
	UNIT_RUN(test_expand_slow_pattern);
	UNIT_RUN(test_expand_tilde);
	UNIT_RUN(test_expand_args);
	rc = UNIT_END();
	if (chdir(oldcwd) == -1 ||
	    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1)
		fprintf(stderr, "test_glob: cannot remove %s\n", base);
	return rc;
}
