// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP socket family: socket creation and the proto_ops calls that
 * manage local state (bind, listen, getsockname). Connection, data and
 * option calls live in xtcp_conn.c, xtcp_data.c and xtcp_sockopt.c.
 *
 * A socket is created with family AF_XTCP at the socket layer, but its sock
 * is an ordinary AF_INET inet_sock (sk_family == AF_INET, sk_protocol == the
 * wire protocol 253): addresses are struct sockaddr_in, the IP layer, LSMs
 * and netfilter see an IPv4 socket, and SO_DOMAIN reports AF_INET, the
 * address family, like an MPTCP socket does.
 */
#include "xtcp.h"

#include <linux/capability.h>
#include <linux/in.h>
#include <linux/module.h>
#include <net/inet_sock.h>
#include <net/l3mdev.h>
#include <net/route.h>

struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	.backlog_rcv	= xtcp_backlog_rcv,
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

/*
 * bind(): errno values and order follow Linux's __inet_bind().
 * Context: process context; takes the socket lock.
 */
static int xtcp_bind(struct socket *sock, xtcp_sockaddr_t *uaddr, int addr_len)
{
	struct sockaddr_in *addr = (struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	int chk_addr_ret, tb_id, err;
	u16 snum;

	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (addr->sin_family != AF_INET) {
		/* Linux accepts AF_UNSPEC only with INADDR_ANY */
		if (addr->sin_family != AF_UNSPEC ||
		    addr->sin_addr.s_addr != htonl(INADDR_ANY))
			return -EAFNOSUPPORT;
	}

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
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	int err = sizeof(*sin);

	lock_sock(sk);
	sin->sin_family = AF_INET;
	if (peer) {
		if (!inet->inet_dport ||
		    (((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT)) &&
		     peer == 1)) {
			err = -ENOTCONN;
			goto out;
		}
		sin->sin_port = inet->inet_dport;
		sin->sin_addr.s_addr = inet->inet_daddr;
	} else {
		__be32 addr = inet->inet_rcv_saddr;

		if (!addr)
			addr = inet->inet_saddr;
		sin->sin_port = inet->inet_sport;
		sin->sin_addr.s_addr = addr;
	}
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
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
	sock_init_data(sock, sk);
	sock_set_flag(sk, SOCK_RCU_FREE);	/* RCU lookups in softirq */
	sk->sk_protocol = xtcp_ipproto;		/* IP header protocol */

	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->pmtudisc = READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
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
