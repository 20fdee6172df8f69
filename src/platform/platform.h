/*
 * platform.h: the whole OS-specific surface.  One implementation per OS
 * (sys_linux.c, sys_bsd.c); logic files never test the OS themselves.
 */
#ifndef FTPD_PLATFORM_H
#define FTPD_PLATFORM_H

#include <sys/types.h>
#include <stddef.h>

/* No exec may ever gain privileges again (Linux NO_NEW_PRIVS). */
int	 plat_no_new_privs(void);
/* Not dumpable/ptraceable by processes of the same uid. */
int	 plat_set_nodump(void);
/*
 * Send up to count bytes of in_fd from *off to out_sock; advances *off.
 * Returns bytes sent, 0 at EOF, -1 with errno (EAGAIN when the socket is
 * full).  ENOSYS/EINVAL mean "use read/write instead".
 */
ssize_t	 plat_sendfile(int out_sock, int in_fd, off_t *off, size_t count);
/*
 * Hold back partial segments on a data socket (TCP_CORK / TCP_NOPUSH):
 * a sendfile download then leaves in full segments; close() flushes.
 */
void	 plat_cork(int sock, int on);
/*
 * Uploads without a user-space copy: plat_splice_open() makes the pipe
 * (-1 with ENOSYS where the system has no splice), plat_splice_in()
 * moves up to len bytes from the non-blocking socket to the file at its
 * offset: bytes moved, 0 at EOF, -1 with errno for the socket (EAGAIN:
 * nothing yet), or -1 with *ferr set when writing the file failed.
 */
int	 plat_splice_open(int pipefd[2]);
ssize_t	 plat_splice_in(int sock, int file, int pipefd[2], size_t len,
	    int *ferr);
/* Process titles as ps(1) shows them. */
void	 plat_proctitle_init(int argc, char **argv);
void	 plat_proctitle(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Raise RLIMIT_NOFILE as far as allowed (the listener holds many fds). */
void	 plat_raise_nofile(void);

/*
 * Give free heap memory back to the kernel, and the stack pages below
 * the caller's frame (left dirty by the login's deep calls): an idle
 * session then holds only what it uses.
 */
void	 plat_trim_memory(void);
/*
 * Also give back, at the next plat_trim_memory(), the pages wholly inside
 * [p, p + len): memory whose contents are dead by then (a spent request).
 */
void	 plat_trim_later(void *p, size_t len);
/* Close every descriptor >= lowfd. */
void	 plat_closefrom(int lowfd);
/* wtmp/utmpx login and logout records; line is "ftpd<pid>". */
void	 plat_wtmp_login(const char *line, const char *user, const char *host);
void	 plat_wtmp_logout(const char *line);

#endif
