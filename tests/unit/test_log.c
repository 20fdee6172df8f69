/*
 * test_log.c: syslog records from the monitor (log/log.c).  A burst larger
 * than the syslog socket's queue must not lose lines: they wait and are
 * flushed in order.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/log.h"
#include "unit.h"

static char	sockpath[108];
static int	server = -1;

static void
setup(void)
{
	struct sockaddr_un sun;

	(void)snprintf(sockpath, sizeof(sockpath), "/tmp/test_log.%ld",
	    (long)getpid());
	(void)unlink(sockpath);
	server = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	if (server == -1 ||
	    bind(server, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		abort();
	log_open("ftpd", sockpath, 0);
}

/* Read what is queued now; returns how many, checks the numbering. */
static int
drain(int *next)
{
	char buf[2048];
	int n = 0;

	for (;;) {
		ssize_t r = recv(server, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		char *p;

		if (r <= 0)
			return n;
		buf[r] = '\0';
		p = strstr(buf, "line ");
		CHECK(p != NULL);
		if (p != NULL)
			CHECK_INT(atoi(p + 5), *next);
		(*next)++;
		n++;
	}
}

UNIT_TEST(burst_is_not_lost)
{
	int i, next = 0, total = 0, rounds = 0;

	setup();
	/* More than the socket queue holds (max_dgram_qlen is 512). */
	for (i = 0; i < 700; i++)
		log_msg(LOG_INFO, "line %d", i);
	while (rounds++ < 100) {
		total += drain(&next);
		if (!log_flush() && total >= 700)
			break;
	}
	total += drain(&next);
	CHECK_INT(total, 700);
	CHECK(!log_flush());
}

UNIT_TEST(sanitize)
{
	char out[16];

	log_sanitize(out, sizeof(out), "a\r\nb\x01" "c", 6);
	CHECK_STR(out, "a??b?c");
	log_sanitize(out, 4, "abcdef", 6);
	CHECK_STR(out, "abc");
}

int
main(void)
{
	UNIT_RUN(burst_is_not_lost);
	UNIT_RUN(sanitize);
	log_close();
	if (server != -1)
		close(server);
	(void)unlink(sockpath);
	return UNIT_END();
}
