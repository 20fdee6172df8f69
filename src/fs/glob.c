/*
 * glob.c: bounded pathname globbing.  See glob.h for the syntax and the
 * caps.
 *
 * A pattern is first "compiled": one right-to-left pass finds, for
 * every '[', where its set ends (or that it has no end and is a literal
 * '['), and the pattern is cut into path components.  With that table
 * the matcher never rescans a set to find its end, which is what makes
 * it O(pattern x name): the greedy-star loop keeps one backtrack point
 * (the last '*') per component, and as '*' cannot match '/', a failure
 * in one component never needs to revisit an earlier one.
 *
 * Braces are expanded textually before anything else, iteratively on a
 * small work list, with caps on the patterns produced, the steps taken
 * and the nesting depth.  Directories are walked depth-first with an
 * explicit stack of open DIR streams, one per wildcard component, so
 * nothing here recurses and intermediate path sets are never stored.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "str.h"
#include "fs/glob.h"

#define NONE		SIZE_MAX	/* no set end */
#define BRACE_STEPS	(4 * GLOB_BRACE_MAX)	/* group expansions */
#define CLASS_NAME_MAX	6		/* "xdigit" */

/* One path component of a compiled pattern: pat[start, start+len). */
struct part {
	size_t	 start, len;
	int	 magic;		/* holds *, ? or a set */
};

struct cpat {
	struct str	 pat;
	size_t		*ends;	/* at a '[' that opens a set: index past ']' */
	struct part	*parts;
	size_t		 nparts;
	size_t		 nmagic;
};

/* ---- sets ---- */

static int
is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Is c in the POSIX class name (ASCII only)?  -1 if name is unknown. */
static int
in_class(struct str name, int c)
{
	int alpha = is_lower(c) || is_upper(c);
	int print = c >= 0x20 && c < 0x7f;

	if (str_eq(name, "alpha"))
		return alpha;
	if (str_eq(name, "digit"))
		return is_digit(c);
	if (str_eq(name, "alnum"))
		return alpha || is_digit(c);
	if (str_eq(name, "upper"))
		return is_upper(c);
	if (str_eq(name, "lower"))
		return is_lower(c);
	if (str_eq(name, "space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (str_eq(name, "blank"))
		return c == ' ' || c == '\t';
	if (str_eq(name, "punct"))
		return print && c != ' ' && !alpha && !is_digit(c);
	if (str_eq(name, "xdigit"))
		return is_digit(c) || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');
	if (str_eq(name, "print"))
		return print;
	if (str_eq(name, "graph"))
		return print && c != ' ';
	if (str_eq(name, "cntrl"))
		return (c >= 0 && c < 0x20) || c == 0x7f;
	return -1;
}

/*
 * The length of a "[:name:]" class token at p[i] with a known name, or
 * 0 if there is none there.
 */
static size_t
class_len(struct str p, size_t i)
{
	size_t j;

	if (i + 1 >= p.len || p.p[i] != '[' || p.p[i + 1] != ':')
		return 0;
	for (j = i + 2; j < p.len && j - (i + 2) <= CLASS_NAME_MAX &&
	    is_lower((unsigned char)p.p[j]); j++)
		;
	if (j + 1 >= p.len || p.p[j] != ':' || p.p[j + 1] != ']')
		return 0;
	if (in_class(str_head(str_skip(p, i + 2), j - (i + 2)), 'a') == -1)
		return 0;
	return j + 2 - i;
}

/*
 * Fill ends[0..len]: for each '[' that opens a set, the index just past
 * its closing ']'; NONE where it does not (the '[' is then literal).
 * A set never crosses a '/' (nor "\/").  Pass 1, right to left, stores
 * in ends[i] where a ']' would close a set if element parsing started
 * at i (escapes and class tokens are whole elements); pass 2, left to
 * right, turns that into set ends.  Pass 2 reads only indexes beyond
 * the one it writes, which still hold pass-1 values.
 */
static void
compute_ends(struct str p, size_t *ends)
{
	size_t i, s, l, n = p.len;

	ends[n] = NONE;
	for (i = n; i-- > 0;) {
		char c = p.p[i];

		if (c == ']')
			ends[i] = i;
		else if (c == '/')
			ends[i] = NONE;
		else if (c == '\\')
			ends[i] = (i + 1 < n && p.p[i + 1] != '/') ?
			    ends[i + 2] : NONE;
		else if ((l = class_len(p, i)) > 0)
			ends[i] = ends[i + l];
		else
			ends[i] = ends[i + 1];
	}
	for (i = 0; i < n; i++) {
		if (p.p[i] != '[')
			continue;
		s = i + 1;
		if (s < n && (p.p[s] == '!' || p.p[s] == '^'))
			s++;
		/* The first element may be a literal ']'. */
		if (s >= n || p.p[s] == '/')
			l = 0;
		else if (p.p[s] == ']')
			l = 1;
		else if (p.p[s] == '\\')
			l = (s + 1 < n && p.p[s + 1] != '/') ? 2 : 0;
		else if ((l = class_len(p, s)) == 0)
			l = 1;
		if (l == 0 || ends[s + l] == NONE)
			ends[i] = NONE;
		else
			ends[i] = ends[s + l] + 1;
	}
}

/* One element byte of a set at p[*j] (escapes taken), advancing *j. */
static unsigned char
set_elem(struct str p, size_t *j, size_t close)
{
	unsigned char c = (unsigned char)p.p[*j];

	if (c == '\\' && *j + 1 < close) {
		c = (unsigned char)p.p[*j + 1];
		*j += 2;
	} else
		*j += 1;
	return c;
}

/* Is c in the set p[k, end) ("[...]", end from compute_ends)? */
static int
set_has(struct str p, size_t k, size_t end, unsigned char c)
{
	size_t j = k + 1, close = end - 1, l;
	int neg = 0, hit = 0;

	if (p.p[j] == '!' || p.p[j] == '^') {
		neg = 1;
		j++;
	}
	while (j < close) {
		unsigned char lo, hi;

		if ((l = class_len(p, j)) > 0 && j + l <= close) {
			/* The name: inside "[:" and ":]". */
			if (in_class(str_head(str_skip(p, j + 2), l - 4),
			    c) == 1)
				hit = 1;
			j += l;
			continue;
		}
		lo = hi = set_elem(p, &j, close);
		if (j + 1 < close && p.p[j] == '-') {
			j++;
			hi = set_elem(p, &j, close);
		}
		if (lo <= c && c <= hi)
			hit = 1;
	}
	return hit != neg;
}

/* ---- compiling and matching ---- */

static void
cpat_free(struct cpat *cp)
{
	free(cp->ends);
	free(cp->parts);
	cp->ends = NULL;
	cp->parts = NULL;
	cp->nparts = 0;
}

/* Does the pattern end in a '\' that escapes nothing? */
static int
trailing_backslash(struct str p)
{
	size_t i = 0;

	while (i < p.len) {
		if (p.p[i] == '\\') {
			if (i + 1 == p.len)
				return 1;
			i += 2;
		} else
			i++;
	}
	return 0;
}

/* 0, GLOB_E_PATTERN or GLOB_E_NOMEM. */
static int
compile(struct str p, struct cpat *cp)
{
	size_t i, n = 1, start = 0;
	struct part *pt;

	memset(cp, 0, sizeof(*cp));
	cp->pat = p;
	if (p.len > GLOB_PATTERN_MAX || trailing_backslash(p))
		return GLOB_E_PATTERN;
	for (i = 0; i < p.len; i++)
		if (p.p[i] == '/')
			n++;
	if ((cp->ends = malloc((p.len + 1) * sizeof(size_t))) == NULL ||
	    (cp->parts = calloc(n, sizeof(struct part))) == NULL) {
		cpat_free(cp);
		return GLOB_E_NOMEM;
	}
	compute_ends(p, cp->ends);
	pt = &cp->parts[0];
	pt->start = 0;
	i = 0;
	for (;;) {
		size_t cut = NONE, next = 0;

		if (i < p.len && p.p[i] == '\\') {
			if (p.p[i + 1] == '/') {	/* "\/" is a '/' */
				cut = i;
				next = i + 2;
			} else
				i += 2;
		} else if (i < p.len && p.p[i] == '/') {
			cut = i;
			next = i + 1;
		} else if (i < p.len) {
			if (p.p[i] == '*' || p.p[i] == '?' ||
			    (p.p[i] == '[' && cp->ends[i] != NONE))
				pt->magic = 1;
			i++;
		} else
			cut = p.len;
		if (cut == NONE)
			continue;
		pt->len = cut - start;
		if (pt->magic)
			cp->nmagic++;
		cp->nparts++;
		if (cut == p.len)
			break;
		start = i = next;
		pt = &cp->parts[cp->nparts];
		pt->start = start;
	}
	return 0;
}

/* Does the token at *pi (not '*') match byte c?  If so, step past it. */
static int
step(const struct cpat *cp, size_t *pi, size_t e, unsigned char c)
{
	struct str p = cp->pat;
	size_t i = *pi;
	unsigned char pc = (unsigned char)p.p[i];

	if (pc == '?') {
		*pi = i + 1;
		return 1;
	}
	if (pc == '[' && cp->ends[i] != NONE) {
		if (!set_has(p, i, cp->ends[i], c))
			return 0;
		*pi = cp->ends[i];
		return 1;
	}
	if (pc == '\\' && i + 1 < e) {
		if ((unsigned char)p.p[i + 1] != c)
			return 0;
		*pi = i + 2;
		return 1;
	}
	if (pc != c)
		return 0;
	*pi = i + 1;
	return 1;
}

/*
 * Match one component name (no '/') against part k.  The greedy star:
 * on a mismatch, go back to just after the last '*' and let it swallow
 * one more byte.  Each '*' forgets the previous one, so the work is at
 * most (part length) x (name length).
 */
static int
match_part(const struct cpat *cp, size_t k, struct str name)
{
	struct str p = cp->pat;
	size_t a = cp->parts[k].start, e = a + cp->parts[k].len;
	size_t pi = a, ni = 0, star_pi = 0, star_ni = 0;
	int star = 0;

	/* A leading '.' is matched only by a literal '.'. */
	if (name.len > 0 && name.p[0] == '.' &&
	    !(pi < e && (p.p[pi] == '.' || (p.p[pi] == '\\' &&
	    pi + 1 < e && p.p[pi + 1] == '.'))))
		return 0;
	while (ni < name.len) {
		if (pi < e && p.p[pi] == '*') {
			while (pi < e && p.p[pi] == '*')
				pi++;
			if (pi == e)
				return 1;	/* no '/' left to protect */
			star = 1;
			star_pi = pi;
			star_ni = ni;
			continue;
		}
		if (pi < e && step(cp, &pi, e, (unsigned char)name.p[ni])) {
			ni++;
			continue;
		}
		if (!star)
			return 0;
		pi = star_pi;
		ni = ++star_ni;
	}
	while (pi < e && p.p[pi] == '*')
		pi++;
	return pi == e;
}

int
glob_match(const char *pattern, const char *name)
{
	struct cpat cp;
	struct str rest, comp;
	size_t k = 0;
	int more, r;

	if (pattern == NULL || name == NULL)
		return -1;
	if (compile(str_cstr(pattern), &cp) != 0)
		return -1;
	rest = str_cstr(name);
	r = 0;
	for (;;) {
		more = str_split(rest, '/', &comp, &rest);
		if (!match_part(&cp, k, comp))
			break;
		k++;
		if (!more || k == cp.nparts) {
			r = !more && k == cp.nparts;
			break;
		}
	}
	cpat_free(&cp);
	return r;
}

/* ---- braces ---- */

/*
 * Find the leftmost brace group in p: a '{' outside escapes and sets,
 * with a matching '}', not "{}" (which is literal).  One pass with a
 * stack of open braces; an unmatched '{' or '}' is literal.  *comma
 * (may be NULL) gets whether some matched group has a ',' at its own
 * level.  1 found, 0 none.
 */
static int
find_group(struct str p, const size_t *ends, size_t *stack, size_t *open,
    size_t *close, int *comma)
{
	size_t i, sp = 0, best = NONE, o;
	/* stack[] entries: index << 1 | saw-a-comma */

	if (comma != NULL)
		*comma = 0;
	for (i = 0; i < p.len; i++) {
		char c = p.p[i];

		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '[' && ends[i] != NONE) {
			i = ends[i] - 1;
			continue;
		}
		if (c == '{')
			stack[sp++] = i << 1;
		else if (c == ',' && sp > 0)
			stack[sp - 1] |= 1;
		else if (c == '}' && sp > 0) {
			o = stack[--sp] >> 1;
			if (o + 1 == i)
				continue;
			if (comma != NULL && (stack[sp] & 1))
				*comma = 1;
			if (best == NONE || o < best) {
				best = o;
				*close = i;
			}
		}
	}
	if (best == NONE)
		return 0;
	*open = best;
	return 1;
}

/*
 * Walk the inside of the group p[open..close]: the nesting depth (the
 * group itself is 1), and, if cuts is not NULL, the indexes of its own
 * commas (at most ncuts; the count is returned in *n).
 */
static int
group_scan(struct str p, const size_t *ends, size_t open, size_t close,
    size_t *cuts, size_t ncuts, size_t *n)
{
	size_t i;
	int d = 1, maxd = 1;

	if (n != NULL)
		*n = 0;
	for (i = open + 1; i < close; i++) {
		char c = p.p[i];

		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '[' && ends[i] != NONE) {
			i = ends[i] - 1;
			continue;
		}
		if (c == '{' && i + 1 < close && p.p[i + 1] == '}') {
			i++;	/* "{}" */
			continue;
		}
		if (c == '{') {
			if (++d > maxd)
				maxd = d;
		} else if (c == '}')
			d--;
		else if (c == ',' && d == 1 && cuts != NULL) {
			if (*n == ncuts)
				return -1;
			cuts[(*n)++] = i;
		}
	}
	return maxd;
}

/* A new C string: a, b and c back to back. */
static char *
join3(struct str a, struct str b, struct str c)
{
	struct buf out;
	char *s;
	size_t n = a.len + b.len + c.len;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	buf_init(&out, s, n + 1);
	if (buf_add(&out, a.p, a.len) == -1 ||
	    buf_add(&out, b.p, b.len) == -1 ||
	    buf_add(&out, c.p, c.len) == -1 || buf_addc(&out, '\0') == -1) {
		free(s);	/* not reached: sized above */
		return NULL;
	}
	return s;
}

/*
 * Expand the braces of pat into alts[] (malloc'ed strings, *nalts of
 * them, at most GLOB_BRACE_MAX).  0 or a GLOB_E_* error; on error the
 * strings already made are still in alts[] for the caller to free.
 */
static int
brace_expand(const char *pat, char **alts, size_t *nalts)
{
	struct str p, pre, alt, post;
	size_t *ends = NULL, *stack = NULL, cuts[GLOB_BRACE_MAX];
	size_t i = 0, j, k, ncuts, open, close, from, len, steps = 0;
	char *made[GLOB_BRACE_MAX];
	int r = 0, depth;

	*nalts = 0;
	len = strlen(pat);
	if ((alts[0] = strdup(pat)) == NULL)
		return GLOB_E_NOMEM;
	*nalts = 1;
	if ((ends = malloc((len + 1) * sizeof(size_t))) == NULL ||
	    (stack = malloc((len + 1) * sizeof(size_t))) == NULL) {
		r = GLOB_E_NOMEM;
		goto out;
	}
	while (i < *nalts) {
		/* Expansion only shortens strings: ends and stack fit. */
		p = str_cstr(alts[i]);
		compute_ends(p, ends);
		if (!find_group(p, ends, stack, &open, &close, NULL)) {
			i++;
			continue;
		}
		if (++steps > BRACE_STEPS) {
			r = GLOB_E_BRACE;
			goto out;
		}
		depth = group_scan(p, ends, open, close, cuts, GLOB_BRACE_MAX,
		    &ncuts);
		if (depth == -1 || depth > GLOB_BRACE_DEPTH ||
		    *nalts - 1 + ncuts + 1 > GLOB_BRACE_MAX) {
			r = GLOB_E_BRACE;
			goto out;
		}
		pre = str_head(p, open);
		post = str_skip(p, close + 1);
		from = open + 1;
		for (k = 0; k <= ncuts; k++) {
			size_t to = k < ncuts ? cuts[k] : close;

			alt = str_head(str_skip(p, from), to - from);
			if ((made[k] = join3(pre, alt, post)) == NULL) {
				while (k-- > 0)
					free(made[k]);
				r = GLOB_E_NOMEM;
				goto out;
			}
			from = to + 1;
		}
		/* made[0] replaces alts[i]; the rest go right after it. */
		for (j = *nalts; j-- > i + 1;)
			alts[j + ncuts] = alts[j];
		free(alts[i]);
		for (k = 0; k <= ncuts; k++)
			alts[i + k] = made[k];
		*nalts += ncuts;
	}
out:
	free(ends);
	free(stack);
	return r;
}

/* ---- walking ---- */

struct walker {
	struct glob_result *res;
	size_t		 cap;		/* of res->paths */
	size_t		 max_results, max_bytes, max_dirs, max_entries;
	size_t		 nbytes, ndirs, nentries;
	int		 mark;
	int		 dir_only;	/* the pattern ended in '/' */
	char		 path[GLOB_PATH_MAX];
	size_t		 plen;
};

struct frame {
	DIR	*d;
	size_t	 plen;		/* length of the directory's path */
	size_t	 part;		/* the wildcard part its entries match */
};

static int
has_crlf(struct str s)
{
	return str_find(s, '\r').found || str_find(s, '\n').found;
}

/* Add a copy of s to the results.  0 or a GLOB_E_* error. */
static int
add_result(struct walker *w, const char *s)
{
	struct glob_result *res = w->res;
	char **np;
	size_t n, ncap;

	if (has_crlf(str_cstr(s)))
		return 0;
	n = strlen(s) + 1;
	if (res->count + 1 > w->max_results || n > w->max_bytes - w->nbytes)
		return GLOB_E_TOOMANY;
	/* Keep a slot for the NULL that ends the array. */
	if (res->count + 2 > w->cap) {
		ncap = w->cap == 0 ? 16 : w->cap * 2;
		if ((np = realloc(res->paths, ncap * sizeof(*np))) == NULL)
			return GLOB_E_NOMEM;
		res->paths = np;
		w->cap = ncap;
	}
	if ((res->paths[res->count] = strdup(s)) == NULL)
		return GLOB_E_NOMEM;
	res->count++;
	res->paths[res->count] = NULL;
	w->nbytes += n;
	return 0;
}

/*
 * Append one component to the path: name[0, len) with its escapes
 * removed if unescape.  -1 if the path would be too long.
 */
static int
path_add(struct walker *w, struct str name, int unescape)
{
	size_t i;

	if (w->plen > 0 && w->path[w->plen - 1] != '/') {
		if (w->plen + 1 >= sizeof(w->path))
			return -1;
		w->path[w->plen++] = '/';
	}
	for (i = 0; i < name.len; i++) {
		if (unescape && name.p[i] == '\\' && i + 1 < name.len)
			i++;
		if (w->plen + 1 >= sizeof(w->path))
			return -1;
		w->path[w->plen++] = name.p[i];
	}
	w->path[w->plen] = '\0';
	return 0;
}

static void
path_cut(struct walker *w, size_t len)
{
	w->plen = len;
	w->path[len] = '\0';
}

/* The path names something that exists (exists: known to). */
static int
add_final(struct walker *w, int exists)
{
	struct stat st;
	int isdir = 0;

	if (!exists && lstat(w->path, &st) == -1)
		return 0;
	if (w->dir_only || w->mark)
		isdir = stat(w->path, &st) == 0 && S_ISDIR(st.st_mode);
	if (w->dir_only && !isdir)
		return 0;
	if (isdir && w->plen > 0 && w->path[w->plen - 1] != '/') {
		if (w->plen + 1 >= sizeof(w->path))
			return 0;
		w->path[w->plen++] = '/';
		w->path[w->plen] = '\0';
	}
	return add_result(w, w->path);
}

/*
 * From part k on: append literal parts, then either the path is whole
 * (check it and add it) or open the directory the next wildcard part
 * reads and push it.  0 or a GLOB_E_* error.
 */
static int
descend(struct walker *w, const struct cpat *cp, size_t k,
    struct frame *st, size_t *sp)
{
	DIR *d;

	for (; k < cp->nparts && !cp->parts[k].magic; k++) {
		if (cp->parts[k].len == 0)
			continue;	/* "a//b", a trailing '/' */
		if (path_add(w, str_head(str_skip(cp->pat, cp->parts[k].start),
		    cp->parts[k].len), 1) == -1)
			return 0;	/* too long: cannot exist */
	}
	if (k == cp->nparts)
		return add_final(w, 0);
	if (++w->ndirs > w->max_dirs)
		return GLOB_E_DIRS;
	if ((d = opendir(w->plen > 0 ? w->path : ".")) == NULL)
		return 0;	/* not a directory, or not readable */
	st[*sp].d = d;
	st[*sp].plen = w->plen;
	st[*sp].part = k;
	(*sp)++;
	return 0;
}

/* Could this entry be a directory (or a link to one)? */
static int
maybe_dir(const struct dirent *de)
{
#ifdef DT_DIR
	return de->d_type == DT_DIR || de->d_type == DT_LNK ||
	    de->d_type == DT_UNKNOWN;
#else
	(void)de;
	return 1;
#endif
}

/* The index of the last non-empty part, or NONE. */
static size_t
last_part(const struct cpat *cp)
{
	size_t k = cp->nparts;

	while (k-- > 0)
		if (cp->parts[k].len > 0)
			return k;
	return NONE;
}

/* Expand one brace-free pattern into w->res.  0 or a GLOB_E_* error. */
static int
expand_one(struct walker *w, const char *pattern)
{
	struct frame st[GLOB_MAGIC_PARTS];
	struct cpat cp;
	struct dirent *de;
	struct str name;
	size_t sp = 0, last;
	int r;

	if ((r = compile(str_cstr(pattern), &cp)) != 0)
		return r;
	if (cp.nmagic > GLOB_MAGIC_PARTS) {
		cpat_free(&cp);
		return GLOB_E_PATTERN;
	}
	last = last_part(&cp);
	w->dir_only = last != NONE && last + 1 < cp.nparts;
	path_cut(w, 0);
	if (pattern[0] == '/' || (pattern[0] == '\\' && pattern[1] == '/')) {
		w->path[0] = '/';
		path_cut(w, 1);
	}
	r = descend(w, &cp, 0, st, &sp);
	while (r == 0 && sp > 0) {
		struct frame *f = &st[sp - 1];

		if ((de = readdir(f->d)) == NULL) {
			(void)closedir(f->d);
			sp--;
			continue;
		}
		if (++w->nentries > w->max_entries) {
			r = GLOB_E_DIRS;
			break;
		}
		name = str_cstr(de->d_name);
		/* Wildcards never yield "." or "..", nor CR/LF names. */
		if (str_eq(name, ".") || str_eq(name, "..") || has_crlf(name))
			continue;
		if (!match_part(&cp, f->part, name))
			continue;
		path_cut(w, f->plen);
		if (path_add(w, name, 0) == -1)
			continue;
		if (f->part == last)
			r = add_final(w, 1);
		else if (maybe_dir(de))
			r = descend(w, &cp, f->part + 1, st, &sp);
	}
	while (sp > 0)
		(void)closedir(st[--sp].d);
	cpat_free(&cp);
	return r;
}

/* ---- tilde ---- */

/*
 * Replace a leading ~ or ~user by the home directory, escaped so it is
 * taken literally.  *out is a new string.  0 or a GLOB_E_* error.
 */
static int
tilde(const char *pattern, const struct glob_opts *o, char **out)
{
	struct str p = str_cstr(pattern), user, rest, d;
	char uname[256], dir[GLOB_PATH_MAX], *s;
	struct buf b;
	size_t i, n;

	(void)str_split(str_skip(p, 1), '/', &user, &rest);
	rest = str_skip(p, 1 + user.len);	/* "" or "/..." */
	for (i = 0; i < user.len; i++)
		if (strchr("\\*?[]{},", user.p[i]) != NULL)
			return GLOB_E_PATTERN;
	if (o->home == NULL || str_copy(user, uname, sizeof(uname)) == -1)
		return GLOB_E_USER;
	dir[0] = '\0';
	if (o->home(uname, dir, sizeof(dir), o->home_arg) != 0 ||
	    memchr(dir, '\0', sizeof(dir)) == NULL)
		return GLOB_E_USER;
	if ((d = str_cstr(dir)).len == 0)
		return GLOB_E_USER;	/* no home is no user */
	/* Worst case every byte of dir needs a backslash. */
	n = 2 * d.len + rest.len;
	if (n > GLOB_PATTERN_MAX)
		return GLOB_E_PATTERN;
	if ((s = malloc(n + 1)) == NULL)
		return GLOB_E_NOMEM;
	buf_init(&b, s, n + 1);
	for (i = 0; i < d.len; i++) {
		if (strchr("\\*?[]{},", d.p[i]) != NULL)
			(void)buf_addc(&b, '\\');
		(void)buf_addc(&b, (uint8_t)d.p[i]);
	}
	(void)buf_add(&b, rest.p, rest.len);
	/* Sized for the worst case, so nothing above can overflow. */
	if (buf_addc(&b, '\0') == -1) {
		free(s);
		return GLOB_E_PATTERN;
	}
	*out = s;
	return 0;
}

/* The pattern with its escapes removed: what NOCHECK returns. */
static char *
unescape(const char *pattern)
{
	struct str p = str_cstr(pattern);
	struct buf b;
	char *s;
	size_t i;

	if ((s = malloc(p.len + 1)) == NULL)
		return NULL;
	buf_init(&b, s, p.len + 1);
	for (i = 0; i < p.len; i++) {
		if (p.p[i] == '\\' && i + 1 < p.len)
			i++;
		(void)buf_addc(&b, (uint8_t)p.p[i]);
	}
	/* Never longer than the pattern: the NUL always fits. */
	(void)buf_addc(&b, '\0');
	return s;
}

static int
cmp_path(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* Sort and drop duplicates (brace alternatives may overlap). */
static void
sort_unique(struct glob_result *res)
{
	size_t i, out = 0;

	if (res->count == 0)
		return;
	qsort(res->paths, res->count, sizeof(res->paths[0]), cmp_path);
	for (i = 0; i < res->count; i++) {
		if (out > 0 &&
		    strcmp(res->paths[out - 1], res->paths[i]) == 0) {
			free(res->paths[i]);
			continue;
		}
		res->paths[out++] = res->paths[i];
	}
	res->count = out;
	res->paths[out] = NULL;
}

void
glob_free(struct glob_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	if (res->paths != NULL)
		for (i = 0; i < res->count; i++)
			free(res->paths[i]);
	free(res->paths);
	res->paths = NULL;
	res->count = 0;
	res->nocheck = 0;
}

int
glob_expand(const char *pattern, const struct glob_opts *opts,
    struct glob_result *res)
{
	static const struct glob_opts none;
	const struct glob_opts *o = opts != NULL ? opts : &none;
	struct walker *w = NULL;
	char *pat = NULL, *alts[GLOB_BRACE_MAX], *lit;
	int matched[GLOB_BRACE_MAX];
	size_t i, nalts = 0, before;
	int r = 0;

	if (res == NULL)
		return GLOB_E_PATTERN;
	memset(res, 0, sizeof(*res));
	if (pattern == NULL || *pattern == '\0' ||
	    strlen(pattern) > GLOB_PATTERN_MAX)
		return GLOB_E_PATTERN;
	if ((o->flags & GLOB_F_TILDE) && pattern[0] == '~')
		r = tilde(pattern, o, &pat);
	else if ((pat = strdup(pattern)) == NULL)
		r = GLOB_E_NOMEM;
	if (r != 0)
		return r;
	if (trailing_backslash(str_cstr(pat))) {
		r = GLOB_E_PATTERN;
		goto out;
	}
	if (o->flags & GLOB_F_BRACE)
		r = brace_expand(pat, alts, &nalts);
	else {
		alts[0] = pat;
		pat = NULL;
		nalts = 1;
	}
	if (r != 0)
		goto out;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		r = GLOB_E_NOMEM;
		goto out;
	}
	w->res = res;
	w->max_results = o->max_results ? o->max_results : GLOB_MAX_RESULTS;
	w->max_bytes = o->max_bytes ? o->max_bytes : GLOB_MAX_BYTES;
	w->max_dirs = o->max_dirs ? o->max_dirs : GLOB_MAX_DIRS;
	w->max_entries = o->max_entries ? o->max_entries : GLOB_MAX_ENTRIES;
	w->mark = (o->flags & GLOB_F_MARK) != 0;
	for (i = 0; i < nalts; i++) {
		before = res->count;
		if ((r = expand_one(w, alts[i])) != 0)
			goto out;
		matched[i] = res->count > before;
	}
	if (o->flags & GLOB_F_NOCHECK) {
		for (i = 0; i < nalts; i++) {
			if (matched[i])
				continue;
			if ((lit = unescape(alts[i])) == NULL) {
				r = GLOB_E_NOMEM;
				goto out;
			}
			before = res->count;
			r = add_result(w, lit);
			free(lit);
			if (r != 0)
				goto out;
			if (res->count > before)
				res->nocheck = 1;
		}
	}
	sort_unique(res);
	if (res->count == 0)
		r = GLOB_E_NOMATCH;
out:
	for (i = 0; i < nalts; i++)
		free(alts[i]);
	free(pat);
	free(w);
	if (r != 0) {
		glob_free(res);
		return r;
	}
	return (int)res->count;
}

int
glob_has_magic(const char *pattern)
{
	struct cpat cp;
	size_t *stack, open, close;
	int comma = 0, magic;

	if (pattern == NULL || compile(str_cstr(pattern), &cp) != 0)
		return 0;
	magic = cp.nmagic > 0;
	if (!magic &&
	    (stack = malloc((cp.pat.len + 1) * sizeof(size_t))) != NULL) {
		(void)find_group(cp.pat, cp.ends, stack, &open, &close, &comma);
		magic = comma;
		free(stack);
	}
	cpat_free(&cp);
	return magic;
}
