/*
 * dynlib.c: dlopen(3) with every symbol looked up at once (see dynlib.h).
 */
#include <dlfcn.h>
#include <string.h>

#include "auth/dynlib.h"

void *
dynlib_open(const char *soname, const struct dynsym *syms, size_t n)
{
	void *h, *p;
	size_t i;

	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((p = dlsym(h, syms[i].name)) == NULL) {
			(void)dlclose(h);
			return NULL;
		}
		/* POSIX: a data pointer from dlsym holds a function's address. */
		memcpy(syms[i].fn, &p, sizeof(p));
	}
	return h;
}

void
dynlib_close(void *handle)
{
	if (handle != NULL)
		(void)dlclose(handle);
}
