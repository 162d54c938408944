// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcpize.so - an LD_PRELOAD shim that moves an unmodified program's TCP
 * sockets, IPv4 and IPv6, onto XTCP. Run programs through the wrapper:
 *
 *     tools/xtcpize/xtcpize run PROG [ARGS...]
 *
 * What it changes:
 *   socket(AF_INET or AF_INET6, SOCK_STREAM[|SOCK_NONBLOCK|SOCK_CLOEXEC], 0 or
 *     IPPROTO_TCP) becomes socket(AF_XTCP, <same type and flags>, <same
 *     protocol>). Addresses stay struct sockaddr_in or sockaddr_in6 (an XTCP
 *     socket takes its family from the first bind/connect address), so
 *     bind/connect/accept/getsockname/getpeername, IPV6_V6ONLY,
 *     setsockopt(SOL_TCP, TCP_*), poll/epoll, sendfile ... need nothing
 *     else; a listener on "::" serves IPv4 and IPv6 clients, as with TCP.
 *     Sockets returned by accept()/accept4() on such a listener are XTCP
 *     sockets too, and fork()/exec() keep them.
 *   getsockopt(SOL_SOCKET, SO_DOMAIN / SO_PROTOCOL) on an XTCP socket reports
 *     the family the program asked for and IPPROTO_TCP, as for a TCP socket
 *     (the module reports AF_INET or AF_INET6 and 253). The test asks the
 *     kernel (a stream socket of family AF_INET or AF_INET6 with protocol
 *     253 or 254 is XTCP), so it also covers accepted and inherited
 *     descriptors; the family is the kernel's once the socket has an address
 *     (an IPv4 peer of a listener on "::" reports AF_INET6, its addresses
 *     being v4-mapped sockaddr_in6, as Linux's), and before that the one
 *     given to socket() (a bit per descriptor).
 *
 * What it leaves alone: every other socket - UDP, raw, UNIX, netlink, packet,
 * socketpair(), other protocols (SCTP, MPTCP).
 * Not covered: statically linked programs, Go programs (no libc socket()),
 * raw syscall(SYS_socket) and io_uring socket creation.
 *
 * When AF_XTCP is unavailable (xtcp.ko not loaded: socket() fails with
 * EAFNOSUPPORT), the original socket() call is made instead and the program
 * keeps Linux TCP; later calls do not retry (each try would make the kernel
 * run modprobe for net-pf-23).
 *
 * Environment:
 *   XTCPIZE_DEBUG=1    warn once on stderr when falling back to TCP
 *   XTCPIZE_DEBUG=2    also log every socket moved to XTCP
 *   XTCPIZE_STRICT=1   no fallback: socket() fails with XTCP's error
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <linux/xtcp.h>

typedef int (*socket_fn)(int, int, int);
typedef int (*getsockopt_fn)(int, int, int, void *, socklen_t *);

static socket_fn real_socket;
static getsockopt_fn real_getsockopt;
static int debug_level;
static int strict;
static int xtcp_unavailable;	/* AF_XTCP failed with EAFNOSUPPORT once */
static int warned;

/* descriptors socket() made XTCP for AF_INET6 (SO_DOMAIN before an address) */
#define V6FD_MAX 65536
static unsigned char v6fd[V6FD_MAX / 8];

static void v6fd_set(int fd, int on)
{
	unsigned char bit = 1U << (fd & 7);

	if (fd < 0 || fd >= V6FD_MAX)
		return;
	if (on)
		__atomic_or_fetch(&v6fd[fd / 8], bit, __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&v6fd[fd / 8], (unsigned char)~bit, __ATOMIC_RELAXED);
}

static int v6fd_test(int fd)
{
	return fd >= 0 && fd < V6FD_MAX &&
	       (__atomic_load_n(&v6fd[fd / 8], __ATOMIC_RELAXED) >> (fd & 7) & 1);
}

static void resolve(void)
{
	if (!real_socket)
		real_socket = (socket_fn)dlsym(RTLD_NEXT, "socket");
	if (!real_getsockopt)
		real_getsockopt = (getsockopt_fn)dlsym(RTLD_NEXT, "getsockopt");
}

__attribute__((constructor)) static void xtcpize_init(void)
{
	const char *d = getenv("XTCPIZE_DEBUG");
	const char *s = getenv("XTCPIZE_STRICT");

	debug_level = d && *d ? atoi(d) : 0;
	if (d && *d && debug_level == 0 && strcmp(d, "0"))
		debug_level = 1;	/* any non-numeric value: warnings */
	strict = s && *s && strcmp(s, "0");
	resolve();
}

/* stderr output without stdio: safe between fork() and exec(), in handlers */
static void say(const char *msg)
{
	size_t n = strlen(msg);
	ssize_t w;

	while (n) {
		w = write(STDERR_FILENO, msg, n);
		if (w <= 0)
			return;
		msg += w;
		n -= w;
	}
}

static const char *utoa(unsigned int v, char *buf)
{
	char *p = buf + 11;

	*p = 0;
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return p;
}

int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd, err;

	resolve();
	if (!real_socket) {
		errno = ENOSYS;
		return -1;
	}
	if ((domain != AF_INET && domain != AF_INET6) || base != SOCK_STREAM ||
	    (protocol != 0 && protocol != IPPROTO_TCP) ||
	    __atomic_load_n(&xtcp_unavailable, __ATOMIC_RELAXED))
		return real_socket(domain, type, protocol);

	fd = real_socket(AF_XTCP, type, protocol);
	if (fd >= 0) {
		v6fd_set(fd, domain == AF_INET6);
		if (debug_level >= 2) {
			char b1[12], b2[12];

			say(domain == AF_INET6 ? "xtcpize: socket(AF_INET6, SOCK_STREAM, " :
						 "xtcpize: socket(AF_INET, SOCK_STREAM, ");
			say(utoa(protocol, b1));
			say(") -> AF_XTCP fd ");
			say(utoa(fd, b2));
			say("\n");
		}
		return fd;
	}
	err = errno;
	if (strict || err != EAFNOSUPPORT)
		return -1;	/* errno as XTCP set it */

	__atomic_store_n(&xtcp_unavailable, 1, __ATOMIC_RELAXED);
	if (debug_level >= 1 && !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		say("xtcpize: AF_XTCP (23) unavailable (is xtcp.ko loaded?): "
		    "falling back to Linux TCP\n");
	errno = err;
	return real_socket(domain, type, protocol);
}

/* Is @fd an XTCP socket? Asks the kernel: AF_INET or AF_INET6, SOCK_STREAM,
 * protocol 253/254. */
static int is_xtcp(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) || v != SOCK_STREAM)
		return 0;
	len = sizeof(v);
	if (real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len))
		return 0;
	if (v != IPPROTO_XTCP && v != 254)
		return 0;
	len = sizeof(v);
	if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len))
		return 0;
	return v == AF_INET || v == AF_INET6 || v == AF_XTCP;
}

/* The family to report for XTCP socket @fd whose kernel family is @v. */
static int shim_domain(int fd, int v)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	if (v == AF_INET6)
		return AF_INET6;
	memset(&a, 0, sizeof(a));
	if (!getsockname(fd, (struct sockaddr *)&a, &len) && a.sin6_port)
		return a.sin6_family;	/* v4-mapped addresses: AF_INET6 */
	return v6fd_test(fd) ? AF_INET6 : AF_INET;
}

int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
	int ret, v, saved;

	resolve();
	if (!real_getsockopt) {
		errno = ENOSYS;
		return -1;
	}
	ret = real_getsockopt(fd, level, optname, optval, optlen);
	if (ret || level != SOL_SOCKET ||
	    (optname != SO_DOMAIN && optname != SO_PROTOCOL) ||
	    !optval || !optlen || *optlen != sizeof(int))
		return ret;

	saved = errno;
	memcpy(&v, optval, sizeof(v));
	if (optname == SO_PROTOCOL && (v == IPPROTO_XTCP || v == 254) && is_xtcp(fd))
		v = IPPROTO_TCP;
	else if (optname == SO_DOMAIN &&
		 (v == AF_XTCP || v == AF_INET || v == AF_INET6) && is_xtcp(fd))
		v = shim_domain(fd, v);
	memcpy(optval, &v, sizeof(v));
	errno = saved;
	return ret;
}
