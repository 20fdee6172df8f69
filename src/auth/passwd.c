/*
 * passwd.c: crypt(3)/shadow password checks, /etc/shells, and reading
 * the ftpusers/ftpchroot files for ftplist.c.
 */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "auth/dynlib.h"
#include "file.h"
#include "str.h"

#define LIST_FILE_MAX	(1024 * 1024)

/* Compare without an early exit, so timing says nothing. */
static int
same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* libcrypt, opened per check (dynlib.h). */
static struct {
	char	*(*crypt_r)(const char *, const char *, struct crypt_data *);
	char	*(*gensalt_rn)(const char *, unsigned long, const char *, int,
		    char *, int);
} lc;

static void *
libcrypt_open(void)
{
	const struct dynsym syms[] = {
		{ "crypt_r", &lc.crypt_r },
		{ "crypt_gensalt_rn", &lc.gensalt_rn },
	};

	return dynlib_open(FTPD_LIBCRYPT, syms, sizeof(syms) / sizeof(syms[0]));
}

enum auth_res
auth_crypt(const char *user, const char *pass)
{
	struct crypt_data *cd;
	struct passwd *pw;
	struct spwd *sp;
	const char *hash, *out;
	enum auth_res r = AUTH_FAIL;
	void *lib;

	if ((pw = getpwnam(user)) == NULL)
		return AUTH_FAIL;
	hash = pw->pw_passwd;
	if ((sp = getspnam(user)) != NULL) {
		hash = sp->sp_pwdp;
		/* sp_expire counts days since the epoch; -1 means never. */
		if (sp->sp_expire > 0 &&
		    time(NULL) / 86400 >= (time_t)sp->sp_expire)
			return AUTH_FAIL;
	}
	/* Locked ("!", "*") and empty hashes never authenticate. */
	if (hash == NULL || hash[0] == '\0' || hash[0] == '!' ||
	    hash[0] == '*')
		return AUTH_FAIL;
	/* No libcrypt: nobody passes (fail closed). */
	if ((lib = libcrypt_open()) == NULL)
		return AUTH_FAIL;
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		dynlib_close(lib);
		return AUTH_SYSERR;
	}
	out = lc.crypt_r(pass, hash, cd);
	if (out != NULL && out[0] != '*' && same(out, hash))
		r = AUTH_OK;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	dynlib_close(lib);
	return r;
}

void
auth_dummy(const char *pass)
{
	struct crypt_data *cd;
	char salt[64];
	void *lib;

	/* The system's preferred method, so the cost matches real users. */
	if ((lib = libcrypt_open()) == NULL)
		return;
	if ((cd = calloc(1, sizeof(*cd))) != NULL) {
		if (lc.gensalt_rn(NULL, 0, NULL, 0, salt, sizeof(salt)) != NULL)
			(void)lc.crypt_r(pass, salt, cd);
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
	dynlib_close(lib);
}

int
auth_shell_ok(const char *shells_path, const char *shell)
{
	struct str rest, line;
	size_t len;
	char *text;
	int ok = 0;

	if (shell == NULL || shell[0] == '\0')
		shell = "/bin/sh";
	/* No shells file: nobody passes (fail closed). */
	if (file_read(shells_path, LIST_FILE_MAX, &text, &len) != 1)
		return 0;
	rest = str_from(text, len);
	while (!ok && !str_empty(rest)) {
		(void)str_split(rest, '\n', &line, &rest);
		line = str_trim(line);
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len > 0 && line.p[0] != '#' && str_eq(line, shell))
			ok = 1;
	}
	free(text);
	return ok;
}

struct group_query {
	const char	*user;
	gid_t		 gid;
	int		 member_only;
};

/* ftplist callback: is the user in this group? (NSS, before chroot) */
static int
in_group(const char *name, void *arg)
{
	const struct group_query *q = arg;
	struct group *gr;
	char **mem;

	if ((gr = getgrnam(name)) == NULL)
		return 0;
	if (!q->member_only && gr->gr_gid == q->gid)
		return 1;
	for (mem = gr->gr_mem; mem != NULL && *mem != NULL; mem++)
		if (strcmp(*mem, q->user) == 0)
			return 1;
	return 0;
}

int
auth_list_lookup(const char *path, const char *user, gid_t gid,
    int member_only, struct ftplist_match *m)
{
	struct group_query gq = { user, gid, member_only };
	struct ftplist_query q = { user, in_group, &gq };
	size_t len;
	char *text;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = file_read(path, LIST_FILE_MAX, &text, &len)) != 1)
		return r;	/* 0: no file, nobody listed; -1: fail closed */
	(void)ftplist_match(text, len, &q, m);
	free(text);
	return 0;
}
