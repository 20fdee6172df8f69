/*
 * mon_proto.h: the monitor interface, on one screen.
 *
 * Every message is one SOCK_SEQPACKET packet: struct mon_hdr then the
 * fixed-size body of its type.  The receiver accepts a message only if
 * its length is exactly sizeof(hdr) + sizeof(body), every string field is
 * NUL-terminated inside its array, and the type is permitted in the
 * sender's current state (monitor.c's table).  Anything else ends the
 * sender's session.  Only the types marked "+ fd" carry a descriptor.
 */
#ifndef FTPD_MON_PROTO_H
#define FTPD_MON_PROTO_H

#include <stdint.h>

#define MON_USER_MAX	256
#define MON_PASS_MAX	256
#define MON_PENDING_MAX	4096	/* = CTL_IN_MAX: all a client can pipeline */
#define MON_TEXT_MAX	1024
#define MON_TLS_MAX	2304	/* >= TLS_HANDOFF_MAX (tls/tls.h) */

enum mon_type {
	/* pre-login -> monitor */
	MON_REQ_LOG = 1,	/* struct mon_log, any role */
	MON_REQ_LOGIN,		/* struct mon_login + control fd */
	/* monitor -> pre-login */
	MON_ANS_LOGIN_FAIL,	/* struct mon_login_fail */
	MON_ANS_LOGIN_OK,	/* struct mon_empty */
	/* login worker -> monitor */
	MON_REQ_RESULT,		/* struct mon_result */
	/* session -> monitor */
	MON_REQ_DATA_SOCKET,	/* struct mon_empty */
	/* monitor -> session */
	MON_ANS_DATA_SOCKET,	/* struct mon_errno + socket fd if err==0 */
	/* session -> monitor: log out, start a new pre-login */
	MON_REQ_REIN,		/* struct mon_rein + control fd */
	/* session -> monitor: a digest may start / has ended (global cap) */
	MON_REQ_HASH_BEGIN,	/* struct mon_empty */
	MON_ANS_HASH_BEGIN,	/* struct mon_errno: 0 or EBUSY */
	MON_REQ_HASH_END,	/* struct mon_empty, no answer */
	/* monitor -> login worker: go on, or the class is full */
	MON_ANS_RESULT,		/* struct mon_errno: 0 or EUSERS */
	/* pre-login -> monitor: the control connection now runs TLS */
	MON_REQ_TLS,		/* struct mon_tls */
	/* monitor -> pre-login: the relay's end of the plaintext pair */
	MON_ANS_TLS,		/* struct mon_errno + socket fd if err==0 */
	/* monitor -> pre-login: a LOGIN with check set passed (denyquick) */
	MON_ANS_USER_OK,	/* struct mon_empty */
	/* monitor -> spawner: fork a role (spawner.h) */
	MON_SPAWN,		/* struct spawn_req + control fd + the
				   child's end of its channel */
	/* spawner -> monitor: its pid, in request order */
	MON_SPAWN_ANS,		/* struct spawn_ans */
	MON_TYPE_MAX
};

struct mon_hdr {
	uint32_t	type;
	uint32_t	len;		/* body bytes */
};

struct mon_empty {
	uint32_t	unused;
};

struct mon_log {
	int32_t		prio;
	char		text[MON_TEXT_MAX];
};

#define MON_HOST_MAX	256

struct mon_login {
	char		user[MON_USER_MAX];
	char		host[MON_HOST_MAX];	/* HOST (RFC 7151), or "" */
	char		pass[MON_PASS_MAX];
	uint32_t	pending_len;
	uint8_t		pending[MON_PENDING_MAX];
	uint32_t	prot;		/* MON_PROT_* set before login */
	uint32_t	check;		/* 1: USER checks only (denyquick) */
};

#define MON_PROT_PBSZ	0x1	/* PBSZ was sent */
#define MON_PROT_P	0x2	/* PROT P: data connections use TLS */

/*
 * The control connection's TLS session, for the session process's data
 * connections (tls_handoff_export): secret, never parsed by the monitor.
 */
struct mon_tls {
	uint32_t	len;
	uint8_t		state[MON_TLS_MAX];
};

struct mon_login_fail {
	uint32_t	fatal;		/* 1: close the connection */
	char		text[MON_TEXT_MAX];	/* the full reply line */
};

enum mon_result_kind {
	MON_RESULT_OK = 0,
	MON_RESULT_FAIL,	/* wrong password, unknown user... */
	MON_RESULT_REFUSED,	/* ftpusers, shell, nologin, -A */
	MON_RESULT_ERROR,	/* internal failure */
	MON_RESULT_CHECKED	/* check only: the user may send PASS */
};

struct mon_result {
	uint32_t	kind;		/* enum mon_result_kind */
	uint32_t	uid;
	uint32_t	guest;
	uint32_t	chrooted;
	char		user[MON_USER_MAX];
	char		text[MON_TEXT_MAX];	/* reply line on failure */
	char		class_name[64];		/* ftpd.conf class */
	int32_t		limit;			/* its session limit, -1 none */
};

struct mon_rein {
	uint32_t	reply;		/* 1: answer "220" (REIN); 0: USER */
	uint32_t	pending_len;
	uint8_t		pending[MON_PENDING_MAX];
};

struct mon_errno {
	int32_t		err;
};

#endif
