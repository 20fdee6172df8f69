# FreeBSD/DragonFly: kqueue event backend, BSD sendfile.
EXCLUDE_SRCS := $(wildcard src/platform/*_linux.c src/platform/ev_epoll.c)
# PAM and libcrypt are opened at run time (src/auth/dynlib.h); the base
# system installs their unversioned names.
CFLAGS += -DFTPD_LIBPAM='"libpam.so"' -DFTPD_LIBCRYPT='"libcrypt.so"'
