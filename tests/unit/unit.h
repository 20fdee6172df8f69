/*
 * unit.h: a minimal unit-test harness.  Each tests/unit/test_*.c is one
 * program: it defines tests with UNIT_TEST(name) and lists them in main
 * with UNIT_RUN(name); UNIT_END() prints "N passed, N failed" and returns
 * the exit status.  A failed CHECK reports file:line and fails the test
 * but lets the rest of it run.
 */
#ifndef FTPD_UNIT_H
#define FTPD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed, unit_cur_failed;
static const char *unit_cur;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
		    __FILE__, __LINE__, unit_cur, #cond);		\
		unit_cur_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *unit_a = (a), *unit_b = (b);			\
	if (unit_a == NULL || unit_b == NULL ||				\
	    strcmp(unit_a, unit_b) != 0) {				\
		fprintf(stderr, "%s:%d: %s: \"%s\" != \"%s\"\n",	\
		    __FILE__, __LINE__, unit_cur,			\
		    unit_a ? unit_a : "(null)",				\
		    unit_b ? unit_b : "(null)");			\
		unit_cur_failed = 1;					\
	}								\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long unit_x = (long long)(a), unit_y = (long long)(b);	\
	if (unit_x != unit_y) {						\
		fprintf(stderr, "%s:%d: %s: %s == %lld, want %lld\n",	\
		    __FILE__, __LINE__, unit_cur, #a, unit_x, unit_y);	\
		unit_cur_failed = 1;					\
	}								\
} while (0)

#define UNIT_TEST(name)	static void name(void)

#define UNIT_RUN(name) do {						\
	unit_cur = #name;						\
	unit_cur_failed = 0;						\
	name();								\
	if (unit_cur_failed) {						\
		unit_failed++;						\
		fprintf(stderr, "FAIL %s\n", #name);			\
	} else								\
		unit_passed++;						\
} while (0)

#define UNIT_END() (printf("%s: %d passed, %d failed\n", __FILE__,	\
	unit_passed, unit_failed), unit_failed ? 1 : 0)

#endif
