/*
 * cmds.h: the session's command handlers (ftp/cmd_*.c), for cmdtab.c.
 */
#ifndef FTPD_CMDS_H
#define FTPD_CMDS_H

#include "str.h"

void	cmd_user(struct str);	void	cmd_pass(struct str);
void	cmd_quit(struct str);	void	cmd_noop(struct str);
void	cmd_syst(struct str);	void	cmd_type(struct str);
void	cmd_mode(struct str);	void	cmd_stru(struct str);
void	cmd_pwd(struct str);	void	cmd_cwd(struct str);
void	cmd_cdup(struct str);	void	cmd_pasv(struct str);
void	cmd_port(struct str);	void	cmd_list(struct str);
void	cmd_nlst(struct str);	void	cmd_retr(struct str);
void	cmd_stor(struct str);	void	cmd_appe(struct str);
void	cmd_feat(struct str);	void	cmd_help(struct str);
void	cmd_size(struct str);	void	cmd_mdtm(struct str);
void	cmd_rest(struct str);	void	cmd_mkd(struct str);
void	cmd_rmd(struct str);	void	cmd_dele(struct str);
void	cmd_rnfr(struct str);	void	cmd_rnto(struct str);
void	cmd_abor(struct str);	void	cmd_allo(struct str);

void	cmd_acct(struct str);	void	cmd_smnt(struct str);
void	cmd_rein(struct str);	void	cmd_stat(struct str);
void	cmd_opts(struct str);	void	cmd_clnt(struct str);
void	cmd_site(struct str);	void	cmd_stou(struct str);
void	cmd_mfmt(struct str);	void	cmd_avbl(struct str);
void	cmd_site_help(struct str);
void	cmd_epsv(struct str);	void	cmd_eprt(struct str);
void	cmd_lpsv(struct str);	void	cmd_lprt(struct str);
void	cmd_mlst(struct str);	void	cmd_mlsd(struct str);
void	cmd_hash(struct str);	void	cmd_xcrc(struct str);
void	cmd_xmd5(struct str);	void	cmd_xsha1(struct str);
void	cmd_xsha256(struct str);	void	cmd_site_md5(struct str);
void	cmd_auth(struct str);	void	cmd_pbsz(struct str);
void	cmd_prot(struct str);	void	cmd_ccc(struct str);
void	cmd_host(struct str);	void	cmd_opts_mlst(struct str);	void	cmd_opts_hash(struct str);

#endif
