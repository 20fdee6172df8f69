/*
 * addr: the syntax of data-connection addresses, as pure functions.
 *
 * Parsers for PORT (RFC 959), LPRT (RFC 1639) and EPRT (RFC 2428), the
 * reply texts of PASV, LPSV and EPSV, and small sockaddr helpers.  No
 * session state and no policy here: whether an address may be used (no
 * bounce, no privileged port) is the caller's check, made with
 * addr_same_host() and addr_port().
 *
 * The parsers write *out and *outlen only on success, and always set the
 * port: port 0 can never be connected to and is refused as malformed.
 * Numbers are decimal (a leading zero does not mean octal, unlike
 * inet_aton); PORT and LPRT fields may have blanks (spaces, tabs) around
 * them, as some clients send "PORT 10, 0, 0, 1, 4, 1"; EPRT fields may
 * not, but blanks around the whole argument are ignored everywhere.
 *
 * Results of the parsers, and the reply each maps to:
 *	ADDR_OK		0	go on with the policy checks
 *	ADDR_BAD	-1	malformed argument: 501
 *	ADDR_AF		-2	well-formed, address family not supported:
 *				EPRT and EPSV 522 "Network protocol not
 *				supported, use (1,2)"; LPRT 521 "Supported
 *				address families are (4, 6)"
 */
#ifndef FTPD_ADDR_H
#define FTPD_ADDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

#define ADDR_OK		0
#define ADDR_BAD	(-1)
#define ADDR_AF		(-2)

/* What an EPSV argument asked for (RFC 2428 section 3). */
enum addr_epsv {
	ADDR_EPSV_ANY = 0,	/* no argument: the control connection's */
	ADDR_EPSV_INET = 1,	/* "EPSV 1" */
	ADDR_EPSV_INET6 = 2,	/* "EPSV 2" */
	ADDR_EPSV_ALL		/* "EPSV ALL": refuse PORT, PASV, EPRT, LPRT, LPSV */
};

/*
 * PORT h1,h2,h3,h4,p1,p2: exactly six numbers 0..255 (BSD wraps larger
 * ones modulo 256; here they are ADDR_BAD).  Gives an AF_INET address;
 * see addr_fit() for an IPv6 control connection.
 */
int	 addr_parse_port(struct str, struct sockaddr_storage *out,
	    socklen_t *outlen);

/*
 * EPRT <d><af><d><addr><d><port><d>: d is any byte 33..126, the same
 * four times and so absent from the fields; af 1 is an IPv4 address as
 * inet_pton(AF_INET) reads it, af 2 an IPv6 one as inet_pton(AF_INET6)
 * reads it, without a "%scope" (refused); port 1..65535.  An af of
 * digits other than 1 or 2 is ADDR_AF (checked before the address, so a
 * client learns the families it may use); anything else wrong is
 * ADDR_BAD.  A v4-mapped IPv6 address stays AF_INET6 (addr_normalize()).
 */
int	 addr_parse_eprt(struct str, struct sockaddr_storage *out,
	    socklen_t *outlen);

/*
 * An address literal alone (HOST 192.0.2.1, RFC 7151): IPv4 or IPv6 as
 * inet_pton() reads them, no "%scope", port 0.  ADDR_OK or ADDR_BAD.
 */
int	 addr_parse_host(struct str, struct sockaddr_storage *out,
	    socklen_t *outlen);

/*
 * LPRT af,hal,h1,...,hN,pal,p1,...,pM: numbers 0..255, N = hal and
 * M = pal.  af 4 with hal 4 (IPv4) and af 6 with hal 16 (IPv6), pal 2.
 * A well-formed list with another af is ADDR_AF; a known af with
 * another hal or pal is ADDR_BAD.
 */
int	 addr_parse_lprt(struct str, struct sockaddr_storage *out,
	    socklen_t *outlen);

/*
 * EPSV's optional argument: empty, "1", "2" or "ALL" (any case).  Other
 * digits: ADDR_AF (522, RFC 2428: "use (1,2)", or only the family of
 * the control connection, see addr_net_prt()); anything else ADDR_BAD.
 */
int	 addr_parse_epsv(struct str, enum addr_epsv *out);

/*
 * Reply texts without the code, for ctl_reply(227 / 228 / 229, ...),
 * from the passive socket's bound address:
 *	PASV	"Entering Passive Mode (h1,h2,h3,h4,p1,p2)"
 *	LPSV	"Entering Long Passive Mode (4,4,h1,h2,h3,h4,2,p1,p2)"
 *		or "(6,16,h1,...,h16,2,p1,p2)"
 *	EPSV	"Entering Extended Passive Mode (|||port|)"
 * An IPv4 or v4-mapped address is shown as IPv4.  Returns 0; ADDR_AF
 * if the family cannot be shown (PASV of an IPv6 address: the client
 * should use EPSV, so reply 522 or 425); -1 if the text did not fit.
 * The buffer is unchanged unless 0 is returned.
 */
int	 addr_fmt_pasv(struct buf *, const struct sockaddr_storage *);
int	 addr_fmt_lpsv(struct buf *, const struct sockaddr_storage *);
int	 addr_fmt_epsv(struct buf *, const struct sockaddr_storage *);

/*
 * Turn a v4-mapped AF_INET6 address (::ffff:a.b.c.d) into AF_INET,
 * keeping the port.  Returns 1 if it changed, 0 if not (already IPv4,
 * real IPv6, or another family).  len may be NULL.
 */
int	 addr_normalize(struct sockaddr_storage *, socklen_t *len);

/*
 * Make a parsed address connectable from a socket of ref's family (the
 * control connection's local address): IPv4 becomes v4-mapped for an
 * AF_INET6 ref, v4-mapped becomes IPv4 for an AF_INET ref, and a
 * link-local IPv6 address without a scope takes ref's scope (EPRT
 * cannot carry one).  0, or ADDR_AF if it cannot be done (IPv6 target
 * from an IPv4 socket).  Neither check is a policy check.
 */
int	 addr_fit(struct sockaddr_storage *, socklen_t *len,
	    const struct sockaddr_storage *ref);

/*
 * Do a and b name the same host?  Compares the address bytes only (no
 * port, no IPv6 scope); v4-mapped and plain IPv4 compare equal; any
 * other family never matches.  1 or 0.
 */
int	 addr_same_host(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b);

/* RFC 2428 network protocol: 1 for IPv4 and v4-mapped, 2 IPv6, else 0. */
int	 addr_net_prt(const struct sockaddr_storage *);

/* Port in host order; 0 for a family without ports. */
uint16_t addr_port(const struct sockaddr_storage *);
/* Set the port (host order); -1 for a family without ports. */
int	 addr_set_port(struct sockaddr_storage *, uint16_t);

/*
 * The numeric host, v4-mapped shown as IPv4, into dst (a size of 46,
 * INET6_ADDRSTRLEN, is always enough).  0, or -1 (dst = "") if the
 * family is unknown or dst too small.
 */
int	 addr_ntop(const struct sockaddr_storage *, char *dst, size_t dstsize);

#endif
