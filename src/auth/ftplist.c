/*
 * ftplist.c: parse /etc/ftpusers and /etc/ftpchroot images in memory.
 *
 * The login worker reads the files and asks here which line, if any,
 * applies to a user.  Nothing here touches the file system or the
 * user database, so the parser can be fed arbitrary bytes by the unit
 * tests and the fuzzer.
 */
#include <limits.h>
#include <string.h>

#include "auth/ftplist.h"
#include "str.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Take the next space/tab separated field off the front of *s. */
static struct str
next_field(struct str *s)
{
	struct str f;
	size_t a = 0, b;

	while (a < s->len && is_blank(s->p[a]))
		a++;
	b = a;
	while (b < s->len && !is_blank(s->p[b]))
		b++;
	f = str_head(str_skip(*s, a), b - a);
	*s = str_skip(*s, b);
	return f;
}

/* Does field 1 of a line name the user being checked? */
static int
field_matches(struct str who, const struct ftplist_query *q)
{
	char group[FTPLIST_LINE_MAX + 1];

	if (str_eq(who, "@"))
		return 1;
	if (str_eq(str_head(who, 1), "@")) {
		if (q->in_group == NULL)
			return 0;
		if (str_copy(str_skip(who, 1), group, sizeof(group)) == -1)
			return 0;
		/*
		 * Any answer other than "no" counts as a match: in both
		 * files a match restricts (deny, chroot), so an unsure
		 * callback errs on the safe side.
		 */
		return q->in_group(group, q->arg) != 0;
	}
	return str_eq(who, q->user);
}

/*
 * Fill *out from a matching line.  Field 2 is kept verbatim as dir
 * (ftpchroot) and read as the permission (ftpusers); field 3 is the
 * class.  A class that does not fit means the line is not what the
 * administrator meant, so it denies rather than grants.
 */
static void
fill_match(struct str rest, int lineno, struct ftplist_match *out)
{
	struct str f2, f3;

	f2 = next_field(&rest);
	f3 = next_field(&rest);

	out->matched = 1;
	out->line = lineno;
	out->allow = str_eq_ci(f2, "allow") || str_eq_ci(f2, "yes");
	if (str_copy(f2, out->dir, sizeof(out->dir)) == -1)
		out->allow = 0;
	if (str_copy(f3, out->class_name, sizeof(out->class_name)) == -1)
		out->allow = 0;
}

int
ftplist_match(const char *text, size_t len, const struct ftplist_query *q,
    struct ftplist_match *out)
{
	struct str rest, line, who;
	int lineno = 0;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if (q == NULL || q->user == NULL)
		return -1;

	rest = str_from(text, len);
	/* Lines past INT_MAX cannot be numbered; nobody lists that many. */
	while (!str_empty(rest) && lineno < INT_MAX) {
		lineno++;
		(void)str_split(rest, '\n', &line, &rest);

		/* Accept CRLF files: drop one CR before the newline. */
		if (line.len > 0 &&
		    str_eq(str_skip(line, line.len - 1), "\r"))
			line = str_head(line, line.len - 1);
		if (line.len > FTPLIST_LINE_MAX)
			continue;
		if (str_find(line, '\0').found)
			continue;
		if (str_eq(str_head(line, 1), "#"))
			continue;

		who = next_field(&line);
		if (str_empty(who))
			continue;
		if (!field_matches(who, q))
			continue;
		fill_match(line, lineno, out);
		return 0;
	}
	return 0;
}

int
ftplist_split_dotslash(const char *dir, char *root, size_t rootsize,
    char *start, size_t startsize)
{
	struct str s, rest, r, st;
	struct str_pos pos;
	size_t off = 0;
	int found = 0;

	if (dir == NULL || root == NULL || start == NULL)
		return -1;
	s = str_cstr(dir);

	/* Find the first "/./" by walking from one '/' to the next. */
	rest = s;
	for (;;) {
		pos = str_find(rest, '/');
		if (!pos.found)
			break;
		if (str_eq(str_head(str_skip(rest, pos.at), 3), "/./")) {
			off += pos.at;
			found = 1;
			break;
		}
		off += pos.at + 1;
		rest = str_skip(rest, pos.at + 1);
	}

	if (found) {
		r = str_head(s, off);
		/* Keep the second '/' of "/./": start is then absolute. */
		st = str_skip(s, off + 2);
		/* "/./x" chroots to "/", not to "". */
		if (str_empty(r))
			r = str_cstr("/");
	} else {
		r = s;
		st = str_cstr("/");
	}

	if (str_copy(r, root, rootsize) == -1 ||
	    str_copy(st, start, startsize) == -1) {
		if (rootsize > 0)
			root[0] = '\0';
		if (startsize > 0)
			start[0] = '\0';
		return -1;
	}
	return 0;
}
