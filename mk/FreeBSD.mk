# FreeBSD/DragonFly: kqueue event backend, BSD sendfile.
EXCLUDE_SRCS := $(wildcard src/platform/*_linux.c src/platform/ev_epoll.c)
LDLIBS := $(filter-out -lbsd -lcrypt,$(LDLIBS)) -lcrypt
