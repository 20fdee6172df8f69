/*
 * pam.c: password authentication through PAM (service "ftpd" by
 * default).  Runs in the login worker; the conversation answers the one
 * password prompt with the password the client sent and nothing else.
 */
#include <security/pam_appl.h>

#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/dynlib.h"

/* libpam, opened per check (dynlib.h). */
static struct {
	int	(*start)(const char *, const char *, const struct pam_conv *,
		    pam_handle_t **);
	int	(*set_item)(pam_handle_t *, int, const void *);
	int	(*authenticate)(pam_handle_t *, int);
	int	(*acct_mgmt)(pam_handle_t *, int);
	int	(*setcred)(pam_handle_t *, int);
	int	(*end)(pam_handle_t *, int);
} pam;

/*
 * The monitor applies its own growing delay to failed logins; PAM's
 * built-in fail delay (pam_unix: 2 s) would only add to it.
 */
static void
no_fail_delay(int retval, unsigned usec, void *appdata)
{
	(void)retval;
	(void)usec;
	(void)appdata;
}

struct conv_data {
	const char	*pass;
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct conv_data *cd = appdata;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			if ((r[i].resp = strdup(cd->pass)) == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			break;
		default:
			/* No interactive prompts over FTP. */
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
	return PAM_CONV_ERR;
}

enum auth_res
auth_pam(const char *service, const char *user, const char *pass,
    const char *rhost)
{
	const struct dynsym syms[] = {
		{ "pam_start", &pam.start },
		{ "pam_set_item", &pam.set_item },
		{ "pam_authenticate", &pam.authenticate },
		{ "pam_acct_mgmt", &pam.acct_mgmt },
		{ "pam_setcred", &pam.setcred },
		{ "pam_end", &pam.end },
	};
	struct conv_data cd = { pass };
	struct pam_conv pc = { conv, &cd };
	pam_handle_t *ph = NULL;
	enum auth_res res;
	void *lib;
	int r;

	if ((lib = dynlib_open(FTPD_LIBPAM, syms,
	    sizeof(syms) / sizeof(syms[0]))) == NULL)
		return AUTH_SYSERR;
	if ((r = pam.start(service, user, &pc, &ph)) != PAM_SUCCESS) {
		dynlib_close(lib);
		return AUTH_SYSERR;
	}
	(void)pam.set_item(ph, PAM_RHOST, rhost);
	(void)pam.set_item(ph, PAM_TTY, "ftp");
	(void)pam.set_item(ph, PAM_FAIL_DELAY, (const void *)no_fail_delay);
	r = pam.authenticate(ph, PAM_SILENT);
	if (r == PAM_SUCCESS)
		r = pam.acct_mgmt(ph, PAM_SILENT);
	if (r == PAM_SUCCESS)
		r = pam.setcred(ph, PAM_ESTABLISH_CRED | PAM_SILENT);
	switch (r) {
	case PAM_SUCCESS:
		res = AUTH_OK;
		break;
	case PAM_SYSTEM_ERR:
	case PAM_BUF_ERR:
	case PAM_SERVICE_ERR:
	case PAM_ABORT:
		res = AUTH_SYSERR;
		break;
	default:
		res = AUTH_FAIL;
		break;
	}
	(void)pam.end(ph, r);
	dynlib_close(lib);
	return res;
}
