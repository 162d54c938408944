// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP socket family: socket creation and the proto_ops calls that
 * manage local state (bind, listen, getsockname). Connection, data and
 * option calls live in xtcp_conn.c, xtcp_data.c and xtcp_sockopt.c.
 *
 * A socket is created with family AF_XTCP at the socket layer, but its sock
 * is an ordinary inet_sock (sk_protocol == the wire protocol 253) of the
 * address family its first bind() or connect() gives it: AF_INET for a
 * struct sockaddr_in or an IPv4-mapped sockaddr_in6, AF_INET6 for a
 * native IPv6 address or "::" (xtcp_ipv6.c). The IP layers, LSMs and
 * netfilter see an IPv4 or IPv6 socket, and SO_DOMAIN reports that
 * address family, like an MPTCP socket does; a socket never bound or
 * connected is AF_INET.
 *
 * A socket addressed with an IPv4-mapped sockaddr_in6, and every IPv4
 * connection a listener on "::" accepts, stays an IPv4 socket that reports
 * its addresses as sockaddr_in6 (v4-mapped), as a dual-stack IPv6 socket
 * does for IPv4 peers. Without IPv6 (ipv6.disable=1) "::" means IPv4's
 * wildcard and native addresses fail with EAFNOSUPPORT.
 */
#include "xtcp.h"

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <net/inet_sock.h>
#include <net/l3mdev.h>
#include <net/route.h>

struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	.backlog_rcv	= xtcp_backlog_rcv,
	.release_cb	= xtcp_release_cb,
	.keepalive	= xtcp_set_keepalive,
};

/*
 * close(): SO_LINGER decides how long to wait for the FIN exchange.
 * Context: process context.
 */
static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	sock->sk = NULL;
	xtcp_close(sk, timeout);	/* drops the socket's reference */
	return 0;
}

/**
 * xtcp_addr_from_user() - a bind()/connect() address as IPv4
 * @uaddr: struct sockaddr_in, or struct sockaddr_in6 holding "::" or an
 *	   IPv4-mapped address
 * @addr_len: its length
 * @sin: the IPv4 address and port
 *
 * Errors: EINVAL for a length short of a sockaddr_in; EAFNOSUPPORT for
 * another family, a native IPv6 address (the callers take those to
 * xtcp_ipv6.c first when IPv6 is available) or an AF_INET6 address
 * shorter than SIN6_LEN_RFC2133 (what Linux's IPv4 TCP answers for
 * AF_INET6, the family an XTCP socket starts with).
 * AF_UNSPEC is left to the caller (sin_family stays AF_UNSPEC).
 * Context: any.
 * Return: 0 for sockaddr_in, 1 for sockaddr_in6, or a negative errno.
 */
int xtcp_addr_from_user(const struct sockaddr *uaddr, int addr_len,
			struct sockaddr_in *sin)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)uaddr;

	if (addr_len >= (int)sizeof(uaddr->sa_family) &&
	    uaddr->sa_family == AF_INET6) {
		if (addr_len < SIN6_LEN_RFC2133)
			return -EAFNOSUPPORT;
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = s6->sin6_port;
		if (ipv6_addr_v4mapped(&s6->sin6_addr))
			sin->sin_addr.s_addr = s6->sin6_addr.s6_addr32[3];
		else if (!ipv6_addr_any(&s6->sin6_addr))
			return -EAFNOSUPPORT;
		return 1;
	}
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	memcpy(sin, uaddr, sizeof(*sin));
	if (sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	return 0;
}

/**
 * xtcp_addr_is_v6() - is this a bind()/connect() address for IPv6?
 * @uaddr: the address
 * @addr_len: its length
 *
 * Return: the sockaddr_in6 when @uaddr is an AF_INET6 address of at least
 * SIN6_LEN_RFC2133 bytes holding a native IPv6 address or "::" and XTCP
 * over IPv6 is available, else NULL (IPv4, v4-mapped, or an error
 * xtcp_addr_from_user() reports).
 */
const struct sockaddr_in6 *xtcp_addr_is_v6(const struct sockaddr *uaddr,
					   int addr_len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)uaddr;

	if (addr_len < SIN6_LEN_RFC2133 || uaddr->sa_family != AF_INET6 ||
	    ipv6_addr_v4mapped(&s6->sin6_addr) || !xtcp_ipv6_ready())
		return NULL;
	return s6;
}

/*
 * bind(): errno values and order follow Linux's __inet_bind() (and
 * __inet6_bind() for IPv6, xtcp_v6_bind()).
 * Context: process context; takes the socket lock.
 */
static int xtcp_bind(struct socket *sock, xtcp_sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in6 *s6;
	struct sockaddr_in a, *addr = &a;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	int chk_addr_ret, tb_id, err, v6;
	u16 snum;

	s6 = xtcp_addr_is_v6((struct sockaddr *)uaddr, addr_len);
	if (s6)
		return xtcp_v6_bind(sk, s6, addr_len);
	v6 = xtcp_addr_from_user((struct sockaddr *)uaddr, addr_len, &a);
	if (v6 < 0)
		return v6;
	/* Linux accepts AF_UNSPEC only with INADDR_ANY */
	if (addr->sin_family == AF_UNSPEC &&
	    addr->sin_addr.s_addr != htonl(INADDR_ANY))
		return -EAFNOSUPPORT;

	tb_id = l3mdev_fib_table_by_index(net, sk->sk_bound_dev_if) ? : RT_TABLE_LOCAL;
	chk_addr_ret = inet_addr_type_table(net, addr->sin_addr.s_addr, tb_id);
	if (!inet_addr_valid_or_nonlocal(net, inet, addr->sin_addr.s_addr,
					 chk_addr_ret))
		return -EADDRNOTAVAIL;

	snum = ntohs(addr->sin_port);
	if (snum && inet_port_requires_bind_service(net, snum) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || xtcp_sk(sk)->bound)
		goto out;

	inet->inet_rcv_saddr = addr->sin_addr.s_addr;
	inet->inet_saddr = addr->sin_addr.s_addr;
	if (chk_addr_ret == RTN_MULTICAST || chk_addr_ret == RTN_BROADCAST)
		inet->inet_saddr = 0;	/* use the device address */

	err = xtcp_hash_bind(sk, snum);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		goto out;
	}
	if (v6)
		xtcp_sk(sk)->v6addr = true;	/* sticky, as a family */
	if (inet->inet_rcv_saddr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

/*
 * getsockname()/getpeername(). Context: process context; socket lock.
 */
static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, uaddr);
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	__be32 addr;
	__be16 port;
	int err;

	lock_sock(sk);
	if (peer) {
		err = -ENOTCONN;
		if (!inet->inet_dport ||
		    (((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT)) &&
		     peer == 1))
			goto out;
	}
	if (sk->sk_family == AF_INET6) {
		err = xtcp_v6_getname(sk, sin6, peer);
		goto out;
	}
	if (peer) {
		port = inet->inet_dport;
		addr = inet->inet_daddr;
	} else {
		addr = inet->inet_rcv_saddr ? : inet->inet_saddr;
		port = inet->inet_sport;
	}
	if (xtcp_sk(sk)->v6addr) {
		memset(sin6, 0, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		if (addr)	/* "::" stays "::", as for a dual-stack socket */
			ipv6_addr_set_v4mapped(addr, &sin6->sin6_addr);
		err = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = addr;
		memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
		err = sizeof(*sin);
	}
out:
	release_sock(sk);
	return err;
}

/*
 * listen(): the socket layer has already capped @backlog at
 * net.core.somaxconn. An unbound socket gets an ephemeral port; a second
 * listen() only changes the backlog.
 * Context: process context; takes the socket lock.
 */
static int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	unsigned char old_state;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	old_state = sk->sk_state;
	if (!((1 << old_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;

	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	if (old_state != TCP_LISTEN) {
		if (!xtcp_sk(sk)->bound) {
			err = xtcp_hash_bind(sk, 0);
			if (err)
				goto out;
		}
		WRITE_ONCE(sk->sk_ack_backlog, 0);
		xtcp_set_state(sk, TCP_LISTEN);
		err = xtcp_hash_listen(sk);
		if (err) {
			xtcp_set_state(sk, TCP_CLOSE);
			goto out;
		}
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* proto_ops.accept: each kernel's arguments (compat.h) to xtcp_accept_sock() */
static int xtcp_accept(XTCP_ACCEPT_ARGS)
{
	return xtcp_accept_sock(sock, newsock, XTCP_ACCEPT_FLAGS);
}

static const struct proto_ops xtcp_proto_ops = {
	.family		= PF_XTCP,
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= xtcp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= xtcp_accept,
	.getname	= xtcp_getname,
	.poll		= xtcp_poll,
	.ioctl		= xtcp_ioctl,
	.listen		= xtcp_listen,
	.shutdown	= xtcp_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= xtcp_sendmsg,
	.recvmsg	= xtcp_recvmsg,
	.mmap		= sock_no_mmap,
};

/*
 * socket(AF_XTCP, type, protocol).
 * Context: process context.
 */
static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct inet_sock *inet;
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != IPPROTO_TCP && protocol != IPPROTO_XTCP)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, PF_INET, GFP_KERNEL, &xtcp_prot, kern);
	if (!sk)
		return -ENOBUFS;

	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_proto_ops;
	/* SOL_SOCKET options come to xtcp_setsockopt() (SO_ZEROCOPY) */
	xtcp_custom_sol_socket(sock);
	sock_init_data(sock, sk);
	sock_set_flag(sk, SOCK_RCU_FREE);	/* RCU lookups in softirq */
	sk->sk_protocol = xtcp_ipproto;		/* IP header protocol */

	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->pmtudisc = READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
	xtcp_v6_sock_init(sk);		/* IPv6 part, for bind()/connect() */
	xtcp_sock_init(sk);
	return 0;
}

static const struct net_proto_family xtcp_family_ops = {
	.family	= PF_XTCP,
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

/**
 * xtcp_af_init() - register the AF_XTCP socket family
 *
 * Context: process context, module init.
 * Return: 0 or the sock_register() error (-EEXIST: slot 23 taken).
 */
int xtcp_af_init(void)
{
	int err = sock_register(&xtcp_family_ops);

	if (err)
		pr_err("cannot register address family %d (%s): %d\n", AF_XTCP,
		       err == -EEXIST ? "already taken" : "sock_register failed",
		       err);
	return err;
}

/**
 * xtcp_af_exit() - unregister the AF_XTCP family
 *
 * Context: process context, module exit.
 */
void xtcp_af_exit(void)
{
	sock_unregister(PF_XTCP);
}
