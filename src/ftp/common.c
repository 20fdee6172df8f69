/*
 * common.c: the command list (for HELP, FEAT and "500 vs 530" before
 * login), the host name, and banner text, shared by pre-login and session.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "conf/opts.h"
#include "ftp/ftp.h"
#include "ipc/mon_proto.h"
#include "session.h"
#include "tls/ftps.h"

/* Every verb either process implements; HELP prints them. */
static const char *commands[] = {
	"USER", "PASS", "QUIT", "SYST", "TYPE", "MODE", "STRU", "PWD",
	"XPWD", "CWD", "XCWD", "CDUP", "XCUP", "PASV", "PORT", "LIST",
	"NLST", "RETR", "STOR", "NOOP", "HELP", "FEAT", "SIZE", "MDTM",
	"REST", "MKD", "XMKD", "RMD", "XRMD", "DELE", "RNFR", "RNTO",
	"ABOR", "ALLO", "APPE", "ACCT", "SMNT", "REIN", "STAT", "OPTS",
	"CLNT", "SITE", "STOU", "MFMT", "AVBL", "EPSV", "EPRT", "LPSV",
	"LPRT", "HOST", "MLST", "MLSD", "HASH", "XCRC", "XMD5", "XSHA1", "XSHA256",
	"AUTH", "PBSZ", "PROT", NULL
};

int
ftp_is_anonymous(const char *user)
{
	return strcmp(user, "ftp") == 0 || strcmp(user, "anonymous") == 0;
}

int
ftp_known_command(struct str verb)
{
	int i;

	for (i = 0; commands[i] != NULL; i++)
		if (str_eq_ci(verb, commands[i]))
			return 1;
	return 0;
}

void
ftp_feat(struct ctl *c)
{
	/* Exactly what the session implements, in RFC 2389 form. */
	static const char *feats[] = { "AUTH TLS", "AVBL", "CLNT", "EPRT",
	    "EPSV", "HASH", "HOST", "MDTM", "MFMT", "MLST", "PBSZ", "PROT",
	    "REST STREAM", "SIZE", "TVFS", "UTF8", NULL };
	BUF_DECLARE(b, 1024);
	int i;

	for (i = 0; feats[i] != NULL; i++) {
		if (opts.no_epsv && strcmp(feats[i], "EPSV") == 0)
			continue;
		/* RFC 4217's three only with a certificate to offer. */
		if (ftps_server == NULL && (strcmp(feats[i], "AUTH TLS") == 0 ||
		    strcmp(feats[i], "PBSZ") == 0 || strcmp(feats[i], "PROT") == 0))
			continue;
		(void)buf_addc(&b, ' ');
		/* HASH and MLST show the current selection (RFC 3659). */
		if (strcmp(feats[i], "HASH") == 0)
			(void)hash_feat_line(&b);
		else if (strcmp(feats[i], "MLST") == 0)
			(void)mlsx_feat_line(&b);
		else
			(void)buf_adds(&b, feats[i]);
		(void)buf_adds(&b, "\r\n");
	}
	(void)ctl_lreply(c, 211, "Extensions supported:");
	(void)ctl_write(c, buf_data(&b), buf_len(&b));
	(void)ctl_reply(c, 211, "End.");
}

void
ftp_help(struct ctl *c, struct str arg)
{
	BUF_DECLARE(b, 128);
	int i, col = 0;

	if (!str_empty(arg)) {
		if (ftp_known_command(arg))
			(void)ctl_reply(c, 214, "Syntax: %.*s <args>",
			    (int)arg.len, arg.p);
		else
			(void)ctl_reply(c, 502, "Unknown command %.*s.",
			    (int)(arg.len > 64 ? 64 : arg.len), arg.p);
		return;
	}
	(void)ctl_lreply(c, 214, "The following commands are recognized.");
	for (i = 0; commands[i] != NULL; i++) {
		(void)buf_printf(&b, "   %-5s", commands[i]);
		if (++col == 8 || commands[i + 1] == NULL) {
			(void)buf_adds(&b, "\r\n");
			(void)ctl_write(c, buf_data(&b), buf_len(&b));
			buf_reset(&b);
			col = 0;
		}
	}
	if (opts.hide_host)
		(void)ctl_reply(c, 214, "End.");
	else
		(void)ctl_reply(c, 214, "Direct comments to ftp-bugs@%s.",
		    ftp_hostname());
}

const char *
ftp_hostname(void)
{
	static char name[256];

	if (opts.hostname[0] != '\0')
		return opts.hostname;
	if (name[0] == '\0' && gethostname(name, sizeof(name) - 1) == -1)
		(void)cstr_copy(name, sizeof(name), "localhost");
	return name;
}

void
ftp_peer_ip(int fd, char *dst, size_t dstsize)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, dst, (socklen_t)dstsize,
	    NULL, 0, NI_NUMERICHOST) != 0)
		(void)cstr_copy(dst, dstsize, "unknown");
	/* Show v4-mapped peers as plain IPv4, as fail2ban expects. */
	if (strncmp(dst, "::ffff:", 7) == 0 && strchr(dst + 7, '.') != NULL)
		memmove(dst, dst + 7, strlen(dst + 7) + 1);
}

void
ftp_reply_text(struct ctl *c, int code, const char *text, size_t len)
{
	struct str rest = str_from(text, len), line;
	int n = 0;

	while (!str_empty(rest) && n++ < 200) {
		char tmp[512];

		(void)str_split(rest, '\n', &line, &rest);
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len >= sizeof(tmp))
			line.len = sizeof(tmp) - 1;
		if (str_copy(line, tmp, sizeof(tmp)) == -1)
			continue;	/* a NUL byte: skip the line */
		(void)ctl_lreply(c, code, " %s", tmp);
	}
}

/* RFC 4217 PBSZ: TLS has no buffer, so any size is answered with 0. */
void
ftp_pbsz(struct ctl *c, struct str arg, int tls, unsigned *prot)
{
	uint64_t n;

	if (!tls) {
		(void)ctl_reply(c, 503, "PBSZ requires AUTH TLS first.");
		return;
	}
	arg = str_trim(arg);
	if (str_empty(arg) || str_to_u64(arg, UINT32_MAX, &n) == -1) {
		(void)ctl_reply(c, 501, "PBSZ requires a decimal size.");
		return;
	}
	*prot |= MON_PROT_PBSZ;
	(void)ctl_reply(c, 200, "PBSZ=0");
}

/*
 * RFC 4217 PROT: C (clear) or P (private); S and E are not TLS levels.
 * policy is the class's tls setting, or -1 before login (checked later).
 */
void
ftp_prot(struct ctl *c, struct str arg, int tls, int policy, unsigned *prot)
{
	arg = str_trim(arg);
	if (!tls) {
		(void)ctl_reply(c, 503, "PROT requires AUTH TLS first.");
		return;
	}
	if (!(*prot & MON_PROT_PBSZ)) {
		(void)ctl_reply(c, 503, "PROT requires PBSZ first.");
		return;
	}
	if (str_empty(arg)) {
		(void)ctl_reply(c, 501, "PROT requires a level (C or P).");
		return;
	}
	if (str_eq_ci(arg, "C")) {
		if (policy == FTPDCONF_TLS_DATA) {
			(void)ctl_reply(c, 534, "PROT C refused: data "
			    "connections must be protected.");
			return;
		}
		*prot &= ~MON_PROT_P;
		(void)ctl_reply(c, 200, "Protection level set to Clear.");
	} else if (str_eq_ci(arg, "P")) {
		if (policy == FTPDCONF_TLS_OFF) {
			(void)ctl_reply(c, 534, "PROT P refused: TLS is off "
			    "for this class.");
			return;
		}
		*prot |= MON_PROT_P;
		(void)ctl_reply(c, 200, "Protection level set to Private.");
	} else if (str_eq_ci(arg, "S") || str_eq_ci(arg, "E"))
		(void)ctl_reply(c, 536, "PROT %c not supported with TLS.",
		    arg.p[0]);
	else
		(void)ctl_reply(c, 504, "PROT level not recognized.");
}
