/* fuzz-srcs: src/fs/glob.c src/lib/buf.c src/lib/str.c */
/*
 * fuzz_glob.c: libFuzzer target for the globber.
 *
 * The input is "pattern NUL name".  glob_match must answer -1, 0 or 1,
 * -1 only for a pattern that is too long or ends in a lone '\'; it must
 * agree with a small dynamic-programming reference matcher whenever the
 * pattern uses only literal bytes, '*', '?', '\' and '/' (no sets), and
 * a pattern without magic must match its own unescaped text.  The
 * pattern is also expanded (braces, tilde, NOCHECK, MARK, small caps)
 * over a little fixed tree: results must be sorted, unique, free of CR
 * and LF, within the caps, and (unless NOCHECK made them, or they lie
 * outside the tree) exist.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/glob.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REF_MAX	64	/* reference matcher input bound, per side */

static char treedir[64];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	(void)nftw(treedir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Build the tree once; remove it at exit.  Expansion runs inside it,
 * but libFuzzer's corpus paths may be relative, so the cwd is changed
 * only around each glob_expand call (homefd gets back).
 */
static int homefd = -1;

static void
setup(void)
{
	static const char *dirs[] = { "d", "e", "e/f", "d/.y" };
	static const char *files[] = { "a", "b.txt", ".h", "d/x", "e/f/g",
	    "a b", "{x}", "[c]" };
	char path[128];
	size_t i;
	int fd;

	if (treedir[0] != '\0')
		return;
	(void)snprintf(treedir, sizeof(treedir), "/tmp/fuzz_glob.XXXXXX");
	if (mkdtemp(treedir) == NULL || atexit(cleanup) != 0 ||
	    (homefd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		abort();
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", treedir, dirs[i]);
		if (mkdir(path, 0755) == -1)
			abort();
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", treedir, files[i]);
		if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) == -1)
			abort();
		(void)close(fd);
	}
}

static int
home(const char *user, char *dir, size_t dirsize, void *arg)
{
	(void)arg;
	if (strcmp(user, "") == 0 || strcmp(user, "ftp") == 0)
		return snprintf(dir, dirsize, "%s", user[0] ? "d" : ".") < 0;
	return -1;
}

/* Does pattern end in a '\' that escapes nothing? */
static int
lone_backslash(const char *p)
{
	size_t i = 0, n = strlen(p);

	while (i < n)
		i += p[i] == '\\' ? 2 : 1;
	return i == n + 1;
}

/* Tokens of the reference: a byte, or '*' / '?' as wildcards. */
struct tok {
	int	 kind;	/* 0 literal, 1 star, 2 any */
	char	 c;
};

/*
 * One component by dynamic programming: m[i][j] = tokens i.. match
 * name bytes j..  Obviously correct and O(n^2), only for short input.
 */
static int
ref_part(const struct tok *t, size_t nt, const char *s, size_t ns)
{
	static unsigned char m[REF_MAX + 2][REF_MAX + 2];
	size_t i, j;

	if (ns > 0 && s[0] == '.' && !(nt > 0 && t[0].kind == 0 &&
	    t[0].c == '.'))
		return 0;
	for (i = nt + 1; i-- > 0;)
		for (j = ns + 1; j-- > 0;) {
			if (i == nt)
				m[i][j] = j == ns;
			else if (t[i].kind == 1)
				m[i][j] = m[i + 1][j] ||
				    (j < ns && m[i][j + 1]);
			else if (j == ns)
				m[i][j] = 0;
			else if (t[i].kind == 2)
				m[i][j] = m[i + 1][j + 1];
			else
				m[i][j] = t[i].c == s[j] && m[i + 1][j + 1];
		}
	return m[0][0];
}

/* The reference over whole paths: '/' splits both sides. */
static int
ref_match(const char *p, const char *s)
{
	struct tok t[REF_MAX + 1];
	size_t nt, pi = 0, si = 0, ns, pn = strlen(p), sn = strlen(s);

	for (;;) {
		nt = 0;
		while (pi < pn && p[pi] != '/') {
			if (p[pi] == '\\') {
				if (p[pi + 1] == '/') {
					pi++;
					break;
				}
				t[nt].kind = 0;
				t[nt++].c = p[pi + 1];
				pi += 2;
				continue;
			}
			t[nt].kind = p[pi] == '*' ? 1 : p[pi] == '?' ? 2 : 0;
			t[nt++].c = p[pi++];
		}
		for (ns = 0; si + ns < sn && s[si + ns] != '/'; ns++)
			;
		if (!ref_part(t, nt, s + si, ns))
			return 0;
		si += ns;
		if ((pi < pn) != (si < sn))
			return 0;
		if (pi >= pn)
			return 1;
		pi++;	/* the '/' */
		si++;
	}
}

/* Only literal bytes, '*', '?', '\' and '/' (no sets, no NUL). */
static int
ref_ok(const char *p, const char *s)
{
	return strlen(p) <= REF_MAX && strlen(s) <= REF_MAX &&
	    strchr(p, '[') == NULL;
}

static void
unescape(const char *p, char *out)
{
	size_t i, n = 0, len = strlen(p);

	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len)
			i++;
		out[n++] = p[i];
	}
	out[n] = '\0';
}

static void
check_expand(const char *pat)
{
	struct glob_opts o;
	struct glob_result res;
	struct stat st;
	size_t i, bytes = 0;
	int r;

	memset(&o, 0, sizeof(o));
	o.flags = GLOB_F_BRACE | GLOB_F_TILDE | GLOB_F_NOCHECK | GLOB_F_MARK;
	o.max_results = 64;
	o.max_dirs = 64;
	o.max_entries = 4096;
	o.max_bytes = 8192;
	o.home = home;
	r = glob_expand(pat, &o, &res);
	if (r < 0) {
		if (r < GLOB_E_NOMEM || res.count != 0 || res.paths != NULL)
			abort();
		return;
	}
	if (r == 0 || (size_t)r != res.count || res.count > 64 ||
	    res.paths[res.count] != NULL)
		abort();
	for (i = 0; i < res.count; i++) {
		const char *s = res.paths[i];

		bytes += strlen(s) + 1;
		if (strchr(s, '\r') != NULL || strchr(s, '\n') != NULL)
			abort();
		if (i > 0 && strcmp(res.paths[i - 1], s) >= 0)
			abort();
		/*
		 * Paths outside the fixed tree (absolute, or through "..")
		 * may vanish between readdir and here (/proc, /tmp): only
		 * paths inside the tree must still exist.
		 */
		if (!res.nocheck && s[0] != '/' && strstr(s, "..") == NULL &&
		    lstat(s, &st) == -1)
			abort();
	}
	if (bytes > 8192)
		abort();
	glob_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pat[16384 + 1], name[16384 + 1], lit[16384 + 1];
	size_t pl = 0, nl;
	int r, magic;

	setup();
	if (size > 16384)
		return 0;
	while (pl < size && data[pl] != 0)
		pl++;
	memcpy(pat, data, pl);
	pat[pl] = '\0';
	nl = pl < size ? size - pl - 1 : 0;
	memcpy(name, data + size - nl, nl);
	name[nl] = '\0';
	nl = strlen(name);	/* the name stops at a second NUL */

	r = glob_match(pat, name);
	if (r < -1 || r > 1)
		abort();
	if (r == -1 && pl <= GLOB_PATTERN_MAX && !lone_backslash(pat))
		abort();
	if (r != -1 && ref_ok(pat, name) && r != ref_match(pat, name))
		abort();
	magic = glob_has_magic(pat);
	if (magic != 0 && magic != 1)
		abort();
	if (r != -1 && !magic) {
		unescape(pat, lit);
		if (glob_match(pat, lit) != 1)
			abort();
	}
	if (pl <= 256) {
		if (chdir(treedir) == -1)
			abort();
		check_expand(pat);
		if (fchdir(homefd) == -1)
			abort();
	}
	return 0;
}
