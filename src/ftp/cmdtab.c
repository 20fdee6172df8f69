/*
 * cmdtab.c: the session's command table: one row per verb, its handler
 * and its argument rule.  HELP's list lives in ftp/common.c.
 */
#include "ftp/cmds.h"
#include "session.h"

static const struct cmd table[] = {
	{ "USER", cmd_user, 0 },
	{ "PASS", cmd_pass, 0 },
	{ "QUIT", cmd_quit, 0 },
	{ "NOOP", cmd_noop, 0 },
	{ "SYST", cmd_syst, 0 },
	{ "FEAT", cmd_feat, 0 },
	{ "HELP", cmd_help, 0 },
	{ "TYPE", cmd_type, CMD_ARG },
	{ "MODE", cmd_mode, CMD_ARG },
	{ "STRU", cmd_stru, CMD_ARG },
	{ "PWD", cmd_pwd, 0 },
	{ "XPWD", cmd_pwd, 0 },
	{ "CWD", cmd_cwd, 0 },
	{ "XCWD", cmd_cwd, 0 },
	{ "CDUP", cmd_cdup, 0 },
	{ "XCUP", cmd_cdup, 0 },
	{ "PASV", cmd_pasv, 0 },
	{ "PORT", cmd_port, CMD_ARG },
	{ "EPSV", cmd_epsv, 0 },
	{ "EPRT", cmd_eprt, CMD_ARG },
	{ "LPSV", cmd_lpsv, CMD_NOARG },
	{ "LPRT", cmd_lprt, CMD_ARG },
	{ "LIST", cmd_list, 0 },
	{ "NLST", cmd_nlst, 0 },
	{ "RETR", cmd_retr, CMD_ARG },
	{ "STOR", cmd_stor, CMD_ARG | CMD_WRITE | CMD_UPLOAD },
	{ "APPE", cmd_appe, CMD_ARG | CMD_WRITE | CMD_UPLOAD },
	{ "SIZE", cmd_size, CMD_ARG },
	{ "MDTM", cmd_mdtm, CMD_ARG },
	{ "REST", cmd_rest, CMD_ARG },
	{ "MKD", cmd_mkd, CMD_ARG | CMD_WRITE },
	{ "XMKD", cmd_mkd, CMD_ARG | CMD_WRITE },
	{ "RMD", cmd_rmd, CMD_ARG | CMD_WRITE },
	{ "XRMD", cmd_rmd, CMD_ARG | CMD_WRITE },
	{ "DELE", cmd_dele, CMD_ARG | CMD_WRITE },
	{ "RNFR", cmd_rnfr, CMD_ARG | CMD_WRITE },
	{ "RNTO", cmd_rnto, CMD_ARG | CMD_WRITE },
	{ "ABOR", cmd_abor, 0 },
	{ "ALLO", cmd_allo, 0 },
	{ "ACCT", cmd_acct, 0 },
	{ "HOST", cmd_host, 0 },
	{ "SMNT", cmd_smnt, 0 },
	{ "REIN", cmd_rein, CMD_NOARG },
	{ "STAT", cmd_stat, 0 },
	{ "OPTS", cmd_opts, CMD_ARG },
	{ "CLNT", cmd_clnt, 0 },
	{ "SITE", cmd_site, CMD_ARG },
	{ "STOU", cmd_stou, CMD_WRITE | CMD_UPLOAD },
	{ "MFMT", cmd_mfmt, CMD_ARG | CMD_WRITE },
	{ "AVBL", cmd_avbl, 0 },
	{ "MLST", cmd_mlst, 0 },
	{ "MLSD", cmd_mlsd, 0 },
	{ "HASH", cmd_hash, CMD_ARG },
	{ "XCRC", cmd_xcrc, CMD_ARG },
	{ "XMD5", cmd_xmd5, CMD_ARG },
	{ "XSHA1", cmd_xsha1, CMD_ARG },
	{ "XSHA256", cmd_xsha256, CMD_ARG },
	{ "AUTH", cmd_auth, 0 },
	{ "PBSZ", cmd_pbsz, 0 },
	{ "PROT", cmd_prot, 0 },
	{ "CCC", cmd_ccc, 0 },
	{ NULL, NULL, 0 }
};

const struct cmd *
cmd_lookup(struct str verb)
{
	int i;

	for (i = 0; table[i].verb != NULL; i++)
		if (str_eq_ci(verb, table[i].verb))
			return &table[i];
	return NULL;
}
