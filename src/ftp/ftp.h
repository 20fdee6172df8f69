/*
 * ftp.h: protocol pieces shared by the pre-login and session processes.
 */
#ifndef FTPD_FTP_H
#define FTPD_FTP_H

#include <stddef.h>

#include "ftp/ctl.h"
#include "str.h"

#define FTPD_VERSION	"0.1"

int		 ftp_is_anonymous(const char *user);
int		 ftp_known_command(struct str verb);
void		 ftp_feat(struct ctl *);
void		 ftp_help(struct ctl *, struct str arg);
const char	*ftp_hostname(void);
/* Numeric address of the control connection's peer. */
void		 ftp_peer_ip(int fd, char *dst, size_t dstsize);
/* PBSZ and PROT (RFC 4217); prot holds MON_PROT_* bits. */
void		 ftp_pbsz(struct ctl *, struct str arg, int tls,
		    unsigned *prot);
void		 ftp_prot(struct ctl *, struct str arg, int tls, int policy,
		    unsigned *prot);
/* Send text (file contents) as "code- line" replies. */
void		 ftp_reply_text(struct ctl *, int code, const char *text,
		    size_t len);

#endif
