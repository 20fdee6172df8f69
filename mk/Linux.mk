# Linux: epoll event backend, Linux sendfile/splice, prctl.
EXCLUDE_SRCS := $(wildcard src/platform/*_bsd.c src/platform/ev_kqueue.c)
