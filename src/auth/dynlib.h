/*
 * dynlib: PAM and libcrypt are opened by the login worker when it needs
 * them and closed before it becomes the session.  No other process maps
 * them (nor libaudit and libcap-ng, which libpam pulls in): every fork and
 * exit of the spawner's children then copies and tears down fewer
 * mappings, and an idle session holds fewer.
 */
#ifndef FTPD_DYNLIB_H
#define FTPD_DYNLIB_H

#include <stddef.h>

/* The shared objects by soname (mk/<OS>.mk may set others). */
#ifndef FTPD_LIBPAM
#define FTPD_LIBPAM	"libpam.so.0"
#endif
#ifndef FTPD_LIBCRYPT
#define FTPD_LIBCRYPT	"libcrypt.so.1"
#endif

struct dynsym {
	const char	*name;
	void		*fn;		/* a pointer to the function pointer */
};

/*
 * Open soname and fill every syms[i].fn; NULL (and nothing open) if the
 * object or a symbol is missing.  Close with dynlib_close().
 */
void	*dynlib_open(const char *soname, const struct dynsym *syms, size_t n);
void	 dynlib_close(void *handle);

#endif
