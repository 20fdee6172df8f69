/* fuzz-srcs: src/auth/ftplist.c src/lib/str.c */
/*
 * fuzz_ftplist.c: libFuzzer target for the ftpusers/ftpchroot parser.
 *
 * The input is a whole file image.  Besides surviving it, the parser
 * must give the same answer twice, keep its results inside their
 * buffers, and (first match wins) give the same answer when the image
 * is cut right after the line that matched.  The input, cut at its
 * first NUL, is also a directory for ftplist_split_dotslash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/ftplist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A made-up membership rule, fixed so every run agrees. */
static int
in_group(const char *group, void *arg)
{
	(void)arg;
	return strcmp(group, "staff") == 0 || strlen(group) % 3 == 1;
}

static void
check_match(const char *text, size_t len, const char *user)
{
	struct ftplist_query q = { user, in_group, NULL };
	struct ftplist_match a, b;
	size_t i, cut;
	int lines;

	if (ftplist_match(text, len, &q, &a) != 0)
		abort();
	if (ftplist_match(text, len, &q, &b) != 0)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	if (!a.matched) {
		if (a.line != 0 || a.dir[0] != '\0')
			abort();
		return;
	}
	if (memchr(a.dir, '\0', sizeof(a.dir)) == NULL ||
	    memchr(a.class_name, '\0', sizeof(a.class_name)) == NULL)
		abort();
	if (a.allow != 0 && a.allow != 1)
		abort();
	if (a.line < 1)
		abort();

	/* Find where the matching line ends; it must exist. */
	lines = 1;
	cut = len;
	for (i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		if (lines == a.line) {
			cut = i + 1;
			break;
		}
		lines++;
	}
	if (lines != a.line)
		abort();
	if (ftplist_match(text, cut, &q, &b) != 0)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
}

static void
check_split(const char *dir, size_t rootsize, size_t startsize)
{
	char *root, *start;
	const char *p;
	size_t rl;
	int r;

	root = malloc(rootsize);
	start = malloc(startsize);
	if (root == NULL || start == NULL)
		abort();
	r = ftplist_split_dotslash(dir, root, rootsize, start, startsize);
	if (r == -1) {
		if (root[0] != '\0' || start[0] != '\0')
			abort();
		goto out;
	}
	if (r != 0 || strlen(root) >= rootsize || strlen(start) >= startsize)
		abort();
	p = strstr(dir, "/./");
	if (p == NULL) {
		if (strcmp(root, dir) != 0 || strcmp(start, "/") != 0)
			abort();
		goto out;
	}
	rl = (size_t)(p - dir);
	if (rl == 0) {
		if (strcmp(root, "/") != 0)
			abort();
	} else if (strlen(root) != rl || memcmp(root, dir, rl) != 0)
		abort();
	if (strcmp(start, p + 2) != 0 || start[0] != '/')
		abort();
out:
	free(root);
	free(start);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char user[65], *dir;
	size_t i;

	check_match(text, size, "joe");
	check_match(text, size, "ftp");
	check_match(text, size, "");

	/* The input's own first field as the user: it may well match. */
	for (i = 0; i < size && i < sizeof(user) - 1; i++) {
		if (text[i] == '\0' || text[i] == '\n' || text[i] == ' ' ||
		    text[i] == '\t')
			break;
		user[i] = text[i];
	}
	user[i] = '\0';
	check_match(text, size, user);

	/* Split: NUL-terminated copy, buffer sizes from the input. */
	dir = malloc(size + 1);
	if (dir == NULL)
		abort();
	memcpy(dir, data, size);
	dir[size] = '\0';
	check_split(dir, FTPLIST_DIR_MAX, FTPLIST_DIR_MAX);
	check_split(dir, size > 0 ? 1 + data[0] % 32 : 1,
	    size > 1 ? 1 + data[1] % 32 : 1);
	free(dir);
	return 0;
}
