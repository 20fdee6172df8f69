/*
 * listener.h: the two ways the privileged process starts serving.
 */
#ifndef FTPD_LISTENER_H
#define FTPD_LISTENER_H

int	 listener_main(void);	/* -D / -F: bind, accept, fork */
int	 inetd_main(void);	/* inetd: the connection is fd 0 */

#endif
