/*
 * file: read a whole small regular file, bounded.
 */
#ifndef FTPD_FILE_H
#define FTPD_FILE_H

#include <stddef.h>

/*
 * Read path (a regular file of at most max bytes) into a malloc'ed
 * buffer with a NUL after the contents.  1 read, 0 the file does not
 * exist (ENOENT, ENOTDIR), -1 error with errno (EINVAL: not a regular
 * file; EFBIG: larger than max).  O_NONBLOCK keeps a FIFO planted in the
 * path from hanging the open.
 */
int	 file_read(const char *path, size_t max, char **text, size_t *len);

#endif
