/*
 * file.c: whole-file reads for the small files the daemon parses
 * (passwd, group, ftpd.conf, ftpusers, ftpchroot, ftphosts, shells).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"

int
file_read(const char *path, size_t max, char **textp, size_t *lenp)
{
	struct stat st;
	char *text = NULL, *nt;
	size_t len = 0, cap;
	ssize_t r;
	int fd, saved;

	*textp = NULL;
	*lenp = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return (errno == ENOENT || errno == ENOTDIR) ? 0 : -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size < 0 || (size_t)st.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	/*
	 * Size the buffer from fstat, but trust only what read returns:
	 * the file may change under us.  A spare byte detects growth and
	 * holds the NUL.
	 */
	cap = (size_t)st.st_size + 1;
	if ((text = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((nt = realloc(text, cap)) == NULL)
				goto fail;
			text = nt;
		}
		r = read(fd, text + len, cap - len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		errno = EFBIG;
		goto fail;
	}
	if (len == cap) {
		if ((nt = realloc(text, cap + 1)) == NULL)
			goto fail;
		text = nt;
	}
	text[len] = '\0';
	(void)close(fd);
	*textp = text;
	*lenp = len;
	return 1;
fail:
	saved = errno;
	free(text);
	(void)close(fd);
	errno = saved;
	return -1;
}
