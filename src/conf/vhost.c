/*
 * vhost.c: /etc/ftphosts.  See vhost.h.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/vhost.h"
#include "file.h"
#include "ftp/addr.h"
#include "log/log.h"
#include "str.h"

static struct vhost	*table;
static int		 ntable;

static void
field(struct str f, char *dst, size_t size)
{
	if (str_empty(f) || str_eq(f, "-") || str_copy(f, dst, size) == -1)
		dst[0] = '\0';
}

/* Split off the next space/tab separated word. */
static struct str
word(struct str *rest)
{
	struct str s = *rest, w;
	size_t i = 0;

	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	s = str_skip(s, i);
	for (i = 0; i < s.len && s.p[i] != ' ' && s.p[i] != '\t'; i++)
		;
	w = str_head(s, i);
	*rest = str_skip(s, i);
	return w;
}

int
vhost_parse(const char *text, size_t len, struct vhost *out, int max)
{
	struct str rest = str_from(text, len), line;
	int n = 0;

	while (!str_empty(rest) && n < max) {
		struct str name;

		(void)str_split(rest, '\n', &line, &rest);
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		if (str_find(line, '\0').found)
			continue;
		name = word(&line);
		if (str_empty(name) || name.p[0] == '#')
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		if (str_copy(name, out[n].name, sizeof(out[n].name)) == -1)
			continue;
		field(word(&line), out[n].user, sizeof(out[n].user));
		field(word(&line), out[n].statfile, sizeof(out[n].statfile));
		field(word(&line), out[n].welcome, sizeof(out[n].welcome));
		field(word(&line), out[n].motd, sizeof(out[n].motd));
		n++;
	}
	return n;
}

static void
resolve(struct vhost *v)
{
	struct addrinfo hints, *res, *ai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(v->name, NULL, &hints, &res) != 0) {
		log_msg(LOG_WARNING, "ftphosts: cannot resolve %s", v->name);
		return;
	}
	for (ai = res; ai != NULL && v->naddr < VHOST_ADDRS; ai = ai->ai_next)
		if (ai->ai_addrlen <= sizeof(v->addr[0]))
			memcpy(&v->addr[v->naddr++], ai->ai_addr,
			    ai->ai_addrlen);
	freeaddrinfo(res);
}

static void
load_welcome(struct vhost *v)
{
	ssize_t r;
	int fd;

	if (v->welcome[0] == '\0' ||
	    (fd = open(v->welcome, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((v->welcome_text = malloc(VHOST_WELCOME_MAX)) != NULL) {
		r = read(fd, v->welcome_text, VHOST_WELCOME_MAX);
		v->welcome_len = r > 0 ? (size_t)r : 0;
	}
	close(fd);
}

int
vhost_load(const char *path)
{
	struct vhost *t;
	char *text;
	size_t len;
	int r, n, i;

	for (i = 0; i < ntable; i++)
		free(table[i].welcome_text);
	free(table);
	table = NULL;
	ntable = 0;
	if ((r = file_read(path, 1024 * 1024, &text, &len)) != 1)
		return r;
	if ((t = calloc(VHOST_MAX, sizeof(*t))) == NULL) {
		free(text);
		return -1;
	}
	n = vhost_parse(text, len, t, VHOST_MAX);
	free(text);
	for (i = 0; i < n; i++) {
		resolve(&t[i]);
		load_welcome(&t[i]);
	}
	table = t;
	ntable = n;
	return n;
}

const struct vhost *
vhost_by_addr(const struct sockaddr_storage *ss)
{
	int i, j;

	for (i = 0; i < ntable; i++)
		for (j = 0; j < table[i].naddr; j++)
			if (addr_same_host(&table[i].addr[j], ss))
				return &table[i];
	return NULL;
}

const struct vhost *
vhost_by_name(const char *name)
{
	int i;

	for (i = 0; i < ntable; i++)
		if (str_eq_ci(str_cstr(name), table[i].name))
			return &table[i];
	return NULL;
}
