/*
 * mon_wrap.c: the jailed side of the monitor interface.  Each stub sends
 * one request on FD_MON and, where the request has an answer, waits for
 * exactly that answer type; anything else ends the process.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc/msg.h"
#include "log/log.h"
#include "monitor.h"
#include "str.h"

void
mon_log_relay(int prio, const char *text)
{
	struct mon_log m;

	memset(&m, 0, sizeof(m));
	m.prio = prio;
	(void)cstr_copy(m.text, sizeof(m.text), text);
	/* Logging must never kill the session: errors are ignored. */
	(void)msg_send(FD_MON, MON_REQ_LOG, &m, sizeof(m), -1);
}

static void
expect(uint32_t want, void *body, size_t size, int *fd)
{
	uint32_t type;
	size_t len;
	int r, gotfd;

	r = msg_recv(FD_MON, &type, body, size, &len, &gotfd);
	if (r <= 0) {
		/* The monitor is gone: nothing can be done safely. */
		_exit(1);
	}
	if (type != want || len != size) {
		if (gotfd != -1)
			close(gotfd);
		_exit(1);
	}
	if (fd != NULL)
		*fd = gotfd;
	else if (gotfd != -1)
		close(gotfd);
}

/* The answer to a LOGIN: ok_type (1), LOGIN_FAIL (0, *fail), or exit. */
static int
login_answer(uint32_t ok_type, struct mon_login_fail *fail)
{
	union {
		struct mon_login_fail	fail;
		struct mon_empty	ok;
	} ans;
	uint32_t type;
	size_t len;
	int fd;

	if (msg_recv(FD_MON, &type, &ans, sizeof(ans), &len, &fd) <= 0)
		_exit(1);
	if (fd != -1)
		close(fd);
	if (type == ok_type && len == sizeof(ans.ok))
		return 1;
	if (type == MON_ANS_LOGIN_FAIL && len == sizeof(ans.fail) &&
	    msg_str_ok(ans.fail.text, sizeof(ans.fail.text))) {
		*fail = ans.fail;
		return 0;
	}
	_exit(1);
}

int
mon_login(const char *user, const char *pass, const char *host,
    const void *pending, size_t pending_len, unsigned prot, int ctl,
    struct mon_login_fail *fail)
{
	static struct mon_login m;	/* 5 KiB: keep it off the stack */
	int r;

	memset(&m, 0, sizeof(m));
	if (cstr_copy(m.user, sizeof(m.user), user) == -1 ||
	    cstr_copy(m.pass, sizeof(m.pass), pass) == -1 ||
	    cstr_copy(m.host, sizeof(m.host), host) == -1 ||
	    pending_len > sizeof(m.pending))
		return -1;
	memcpy(m.pending, pending, pending_len);
	m.pending_len = (uint32_t)pending_len;
	m.prot = prot;
	r = msg_send(FD_MON, MON_REQ_LOGIN, &m, sizeof(m), ctl);
	explicit_bzero(&m, sizeof(m));
	if (r == -1)
		_exit(1);
	return login_answer(MON_ANS_LOGIN_OK, fail);
}

int
mon_user_check(const char *user, const char *host,
    struct mon_login_fail *fail)
{
	static struct mon_login m;

	memset(&m, 0, sizeof(m));
	if (cstr_copy(m.user, sizeof(m.user), user) == -1 ||
	    cstr_copy(m.host, sizeof(m.host), host) == -1)
		return -1;
	m.check = 1;
	if (msg_send(FD_MON, MON_REQ_LOGIN, &m, sizeof(m), -1) == -1)
		_exit(1);
	return login_answer(MON_ANS_USER_OK, fail);
}

int
mon_tls(const void *state, size_t len)
{
	static struct mon_tls m;	/* secrets: wiped after sending */
	struct mon_errno ans;
	int r, fd = -1;

	if (len > sizeof(m.state))
		return -1;
	memset(&m, 0, sizeof(m));
	memcpy(m.state, state, len);
	m.len = (uint32_t)len;
	r = msg_send(FD_MON, MON_REQ_TLS, &m, sizeof(m), -1);
	explicit_bzero(&m, sizeof(m));
	if (r == -1)
		_exit(1);
	expect(MON_ANS_TLS, &ans, sizeof(ans), &fd);
	if (ans.err != 0 || fd == -1) {
		if (fd != -1)
			close(fd);
		errno = ans.err != 0 ? ans.err : EPROTO;
		return -1;
	}
	return fd;
}

int
mon_data_socket(int *fd)
{
	struct mon_empty req = { 0 };
	struct mon_errno ans;

	if (msg_send(FD_MON, MON_REQ_DATA_SOCKET, &req, sizeof(req), -1) == -1)
		_exit(1);
	expect(MON_ANS_DATA_SOCKET, &ans, sizeof(ans), fd);
	if (ans.err != 0) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		errno = ans.err;
		return -1;
	}
	if (*fd == -1) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
mon_hash_begin(void)
{
	struct mon_empty req = { 0 };
	struct mon_errno ans;

	if (msg_send(FD_MON, MON_REQ_HASH_BEGIN, &req, sizeof(req), -1) == -1)
		_exit(1);
	expect(MON_ANS_HASH_BEGIN, &ans, sizeof(ans), NULL);
	if (ans.err != 0) {
		errno = ans.err;
		return -1;
	}
	return 0;
}

void
mon_hash_end(void)
{
	struct mon_empty req = { 0 };

	(void)msg_send(FD_MON, MON_REQ_HASH_END, &req, sizeof(req), -1);
}

int
mon_rein(const void *pending, size_t len, int reply)
{
	static struct mon_rein m;

	memset(&m, 0, sizeof(m));
	if (len > sizeof(m.pending))
		len = sizeof(m.pending);
	memcpy(m.pending, pending, len);
	m.pending_len = (uint32_t)len;
	m.reply = reply ? 1 : 0;
	return msg_send(FD_MON, MON_REQ_REIN, &m, sizeof(m), FD_CTL);
}
