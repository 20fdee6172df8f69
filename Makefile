# ftpd: an FTP server for Unix.
#
#   make            build build/normal/ftpd
#   make run        install build dependencies, build, serve ./demo anonymously
#                   on 127.0.0.1:2121 in the foreground (Ctrl-C stops it)
#   make check      install test dependencies, build plain and ASan+UBSan,
#                   run every test, end with "N passed, N failed"
#   make install    PREFIX (default /usr/local) and DESTDIR honoured
#   make fuzz       run the libFuzzer targets for longer (FUZZ_SECONDS)

PREFIX	?= /usr/local
DESTDIR	?=
BUILD	?= normal
CC	?= cc
OS	:= $(shell uname -s)

O	:= build/$(BUILD)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 $(WARN) -D_GNU_SOURCE -Isrc -Isrc/lib \
	   -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LDLIBS	+= -lssl -lcrypto

ifeq ($(BUILD),asan)
CFLAGS	:= $(filter-out -D_FORTIFY_SOURCE=2,$(CFLAGS)) -O1 \
	   -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
LDFLAGS	+= -fsanitize=address,undefined
# ASan intercepts crypt_r and looks the real one up once, at start-up: the
# login process's dlopen of libcrypt (for pam_unix too) comes too late.
LDLIBS	+= -Wl,--push-state,--no-as-needed -lcrypt -Wl,--pop-state
endif

include mk/$(OS).mk

ALL_SRCS := $(shell find src -name '*.c' | sort)
SRCS	:= $(filter-out $(EXCLUDE_SRCS),$(ALL_SRCS))
LIB_SRCS := $(filter-out src/ftpd.c,$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/%)

.PHONY: all run check install uninstall fuzz bench bench-quick clean deps \
	deps-test unit

all: $(O)/ftpd $(UNIT_BINS)

$(O)/%.o: %.c $(wildcard src/*.h src/*/*.h) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/libftpd.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/ftpd: $(O)/src/ftpd.o $(O)/libftpd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/unit.h $(O)/libftpd.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(O)/libftpd.a $(LDLIBS)

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do $$t || exit 1; done

# Build dependencies: installed with apt-get when missing (Debian).
deps:
	@sh tests/deps.sh build

deps-test:
	@sh tests/deps.sh test

run: all
	@sh tests/demo.sh $(O)/ftpd

check: deps-test
	$(MAKE) BUILD=normal all
	$(MAKE) BUILD=asan all
	@sh tests/run-checks.sh

bench: all
	@sh tests/bench/run.sh

bench-quick: all
	@sh tests/bench/run.sh --quick

fuzz: deps-test
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} sh tests/fuzz/run.sh

install: $(O)/ftpd
	install -d $(DESTDIR)$(PREFIX)/libexec $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 $(O)/ftpd $(DESTDIR)$(PREFIX)/libexec/ftpd
	install -m 0644 man/ftpd.8 $(DESTDIR)$(PREFIX)/share/man/man8/ftpd.8
	for m in man/*.5; do [ -f "$$m" ] && \
	    install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done; true
	# The PAM service file, unless the administrator already has one.
	[ -e $(DESTDIR)/etc/pam.d/ftpd ] || { install -d $(DESTDIR)/etc/pam.d && \
	    install -m 0644 packaging/pam.d/ftpd $(DESTDIR)/etc/pam.d/ftpd; }

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/libexec/ftpd $(DESTDIR)$(PREFIX)/share/man/man8/ftpd.8
	for m in man/*.5; do rm -f $(DESTDIR)$(PREFIX)/share/man/man5/$${m#man/}; done

clean:
	rm -rf build
