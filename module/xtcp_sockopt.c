// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at level SOL_TCP (== SOL_XTCP), with Linux's numbers,
 * bounds and errno values. One allowlist: the options below work; every
 * other SOL_TCP option fails with ENOPROTOOPT, so nothing is silently
 * ignored. SOL_IP options go to the IPv4 layer; SOL_IPV6 ones are an
 * allowlist of their own (IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_TCLASS:
 * xtcp_ipv6.c), on a socket of either family; SOL_SOCKET ones are the
 * socket layer's (SO_KEEPALIVE reaches xtcp_set_keepalive()), except
 * SO_ZEROCOPY, which XTCP accepts itself where the kernel lets it (not on
 * 6.1: EOPNOTSUPP there).
 *
 *   TCP_NODELAY TCP_MAXSEG TCP_CORK TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT
 *   TCP_SYNCNT TCP_LINGER2 TCP_DEFER_ACCEPT TCP_INFO TCP_QUICKACK
 *   TCP_USER_TIMEOUT TCP_CONGESTION ("cubic" or "reno", xtcp_cong.c)
 *   TCP_INQ (TCP_CM_INQ control message on recvmsg) TCP_CC_INFO (empty
 *   for cubic and reno, as Linux's)
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <net/ip.h>

#define XTCP_MAX_KEEPIDLE	32767
#define XTCP_MAX_KEEPINTVL	32767
#define XTCP_MAX_KEEPCNT	127
#define XTCP_MAX_SYNCNT		127
#define XTCP_MAX_WINDOW		32767	/* MAX_TCP_WINDOW bound of TCP_MAXSEG */
#define XTCP_FIN_TIMEOUT_MAX	120	/* seconds, TCP_LINGER2 ceiling */

/* TCP_DEFER_ACCEPT seconds <-> SYN-ACK retransmissions (Linux's rules) */
static u8 xtcp_secs_to_retrans(int seconds)
{
	int timeout = 1, period = 1;
	u8 res = 0;

	if (seconds > 0) {
		res = 1;
		while (seconds > period && res < 255) {
			res++;
			timeout = min(timeout << 1, XTCP_RTO_MAX / HZ);
			period += timeout;
		}
	}
	return res;
}

static int xtcp_retrans_to_secs(u8 retrans)
{
	int timeout = 1, period = 0;

	if (retrans > 0) {
		period = 1;
		while (--retrans) {
			timeout = min(timeout << 1, XTCP_RTO_MAX / HZ);
			period += timeout;
		}
	}
	return period;
}

/**
 * xtcp_set_keepalive() - proto.keepalive: SO_KEEPALIVE was set or cleared
 * @sk: socket (locked by the socket layer)
 * @val: new value
 */
void xtcp_set_keepalive(struct sock *sk, int val)
{
	/* the socket layer updates SOCK_KEEPOPEN after calling us */
	if (val)
		sock_set_flag(sk, SOCK_KEEPOPEN);
	else
		sock_reset_flag(sk, SOCK_KEEPOPEN);
	xtcp_keepalive_update(sk);
}

/* Context: socket lock held. */
static int xtcp_setsockopt_locked(struct sock *sk, int optname, int val)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	switch (optname) {
	case TCP_NODELAY:
		xs->nodelay = !!val;
		if (val)
			xtcp_push(sk);
		return 0;
	case TCP_CORK:
		xs->cork = !!val;
		if (!val)
			xtcp_push(sk);
		return 0;
	case TCP_MAXSEG:
		if (val && (val < XTCP_MIN_MSS || val > XTCP_MAX_WINDOW))
			return -EINVAL;
		xs->user_mss = val;
		return 0;
	case TCP_KEEPIDLE:
		if (val < 1 || val > XTCP_MAX_KEEPIDLE)
			return -EINVAL;
		WRITE_ONCE(xs->keepidle, val);
		xtcp_keepalive_update(sk);
		return 0;
	case TCP_KEEPINTVL:
		if (val < 1 || val > XTCP_MAX_KEEPINTVL)
			return -EINVAL;
		WRITE_ONCE(xs->keepintvl, val);
		return 0;
	case TCP_KEEPCNT:
		if (val < 1 || val > XTCP_MAX_KEEPCNT)
			return -EINVAL;
		WRITE_ONCE(xs->keepcnt, val);
		return 0;
	case TCP_SYNCNT:
		if (val < 1 || val > XTCP_MAX_SYNCNT)
			return -EINVAL;
		WRITE_ONCE(xs->syn_retries, val);
		return 0;
	case TCP_LINGER2:
		if (val < 0)
			val = -1;
		else if (val > XTCP_FIN_TIMEOUT_MAX)
			val = XTCP_FIN_TIMEOUT_MAX;
		WRITE_ONCE(xs->linger2, val);
		return 0;
	case TCP_DEFER_ACCEPT:
		WRITE_ONCE(xs->defer_accept, xtcp_secs_to_retrans(val));
		return 0;
	case TCP_QUICKACK:
		/* as Linux's __tcp_sock_set_quickack(): 0 enters ping-pong
		 * mode; otherwise it leaves it and a held-back ACK goes now
		 * (an even value enters ping-pong again afterwards)
		 */
		if (!val) {
			xs->pingpong = XTCP_PINGPONG_THRESH;
			return 0;
		}
		xs->pingpong = 0;
		if (((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) &&
		    xs->ack_pending) {
			xs->ack_pushed = max_t(u8, xs->ack_pushed, 1);
			xtcp_cleanup_rbuf(sk, 1);
			if (!(val & 1))
				xs->pingpong = XTCP_PINGPONG_THRESH;
		}
		return 0;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			return -EINVAL;
		WRITE_ONCE(xs->user_timeout, val);
		return 0;
	case TCP_INQ:
		if (val < 0 || val > 1)
			return -EINVAL;
		xs->recvmsg_inq = val;
		return 0;
	}
	return -ENOPROTOOPT;
}

/**
 * xtcp_sockopt_int() - read an int option value from user space
 * @optval: the user's buffer
 * @optlen: its length
 * @val: the value read
 *
 * As Linux's TCP: a shorter buffer is -EINVAL, a longer one is read for
 * its first int.
 * Context: process context.
 * Return: 0, -EINVAL or -EFAULT.
 */
int xtcp_sockopt_int(sockptr_t optval, unsigned int optlen, int *val)
{
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(val, optval, sizeof(*val)))
		return -EFAULT;
	return 0;
}

/*
 * SOL_SOCKET: the core's, except SO_ZEROCOPY, which the core allows only
 * for TCP and UDP sockets (sk_setsockopt()): XTCP's sendmsg() honours it
 * as Linux's TCP does on a device without scatter-gather.
 */
static int xtcp_setsockopt_socket(struct socket *sock, int optname,
				  sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val, err;

	if (optname != SO_ZEROCOPY)
		return sock_setsockopt(sock, SOL_SOCKET, optname, optval, optlen);
	err = xtcp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;
	if (val < 0 || val > 1)
		return -EINVAL;
	lock_sock(sk);
	sock_valbool_flag(sk, SOCK_ZEROCOPY, val);
	release_sock(sk);
	return 0;
}

/**
 * xtcp_setsockopt() - proto_ops.setsockopt
 * @sock: socket
 * @level: SOL_TCP, SOL_IP, SOL_IPV6 or SOL_SOCKET (the core's,
 *	   SO_ZEROCOPY ours)
 * @optname: option
 * @optval: value (an int)
 * @optlen: its length
 *
 * Context: process context; takes the socket lock.
 * Return: 0, -EINVAL (short option, out of bounds), -EFAULT,
 * -ENOPROTOOPT (not in the allowlist).
 */
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val, err;

	if (level == SOL_SOCKET)
		return xtcp_setsockopt_socket(sock, optname, optval, optlen);
	if (level == SOL_IP)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (level == SOL_IPV6)
		return xtcp_v6_setsockopt(sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (optname == TCP_CONGESTION) {
		char name[XTCP_CA_NAME_MAX] = {};

		/* as Linux: a name of up to 15 bytes, cut at the first NUL;
		 * unknown -> ENOENT
		 */
		if (optlen < 1)
			return -EINVAL;
		if (copy_from_sockptr(name, optval,
				      min_t(unsigned int, optlen, sizeof(name) - 1)))
			return -EFAULT;
		lock_sock(sk);
		err = xtcp_cong_set(sk, name);
		release_sock(sk);
		return err;
	}
	switch (optname) {
	case TCP_NODELAY: case TCP_CORK: case TCP_MAXSEG: case TCP_KEEPIDLE:
	case TCP_KEEPINTVL: case TCP_KEEPCNT: case TCP_SYNCNT: case TCP_LINGER2:
	case TCP_DEFER_ACCEPT: case TCP_QUICKACK: case TCP_USER_TIMEOUT:
	case TCP_INQ:
		break;
	default:
		return -ENOPROTOOPT;
	}
	err = xtcp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;

	lock_sock(sk);
	err = xtcp_setsockopt_locked(sk, optname, val);
	release_sock(sk);
	return err;
}

/**
 * xtcp_get_info() - fill struct tcp_info with what XTCP tracks
 * @sk: a full socket (a reference held)
 * @info: filled; the fields XTCP does not track stay zero
 *
 * The one source of TCP_INFO (getsockopt) and of sock_diag's
 * INET_DIAG_INFO (xtcp_diag.c).
 * Context: process context; takes the socket lock unless @sk listens.
 */
void xtcp_get_info(struct sock *sk, struct tcp_info *info)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct dst_entry *dst;

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	if (info->tcpi_state == TCP_LISTEN) {
		info->tcpi_unacked = READ_ONCE(sk->sk_ack_backlog);
		info->tcpi_sacked = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	lock_sock(sk);
	info->tcpi_retransmits = xs->retransmits;
	info->tcpi_probes = xs->probes_out;
	info->tcpi_backoff = xs->backoff;
	if (xs->ts_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (xs->sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (xs->wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = xs->snd_wscale;
		info->tcpi_rcv_wscale = xs->rcv_wscale;
	}
	info->tcpi_rto = jiffies_to_usecs(xs->rto);
	info->tcpi_ato = jiffies_to_usecs(xs->ato);
	info->tcpi_snd_mss = xs->mss_cache;
	info->tcpi_rcv_mss = xtcp_rcv_mss(xs);
	info->tcpi_advmss = xs->advmss;
	dst = __sk_dst_get(sk);
	info->tcpi_pmtu = dst ? dst_mtu(dst) : 0;
	info->tcpi_rtt = xs->srtt_us >> 3;
	info->tcpi_rttvar = xs->rttvar_us >> 2;
	info->tcpi_ca_state = xs->ca_state;
	info->tcpi_snd_cwnd = xs->cwnd;
	info->tcpi_snd_ssthresh = xs->ssthresh;
	info->tcpi_unacked = xtcp_packets_in_flight(sk);
	info->tcpi_total_retrans = xs->total_retrans;
	info->tcpi_reordering = xs->reordering;
	info->tcpi_rcv_space = xs->rcvq_space;
	info->tcpi_rcv_rtt = xs->rcv_rtt_us >> 3;
	info->tcpi_last_data_recv = jiffies_to_msecs(jiffies - xs->rcv_tstamp);
	info->tcpi_last_ack_recv = info->tcpi_last_data_recv;
	info->tcpi_snd_wnd = xs->snd_wnd;
	release_sock(sk);
}

/**
 * xtcp_getsockopt() - proto_ops.getsockopt
 * @sock: socket
 * @level: SOL_TCP, SOL_IP or SOL_IPV6
 * @optname: option
 * @optval: user buffer
 * @optlen: user buffer length, updated
 *
 * Context: process context.
 * Return: 0, -EINVAL (negative length), -EFAULT, -ENOPROTOOPT.
 */
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int val, len;

	if (level == SOL_IP)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (level == SOL_IPV6)
		return xtcp_v6_getsockopt(sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case TCP_CONGESTION: {
		/* as Linux: the NUL-padded name, up to 16 bytes of it */
		const struct xtcp_cong_ops *ca = READ_ONCE(xs->ca_ops);

		len = min_t(unsigned int, len, XTCP_CA_NAME_MAX);
		if (put_user(len, optlen) ||
		    copy_to_user(optval, ca ? ca->name : xtcp_cubic.name, len))
			return -EFAULT;
		return 0;
	}
	case TCP_CC_INFO:
		/* Linux: what the algorithm's get_info() fills; reno (and
		 * cubic) have none, so the answer is empty
		 */
		if (put_user(0, optlen))
			return -EFAULT;
		return 0;
	case TCP_INFO: {
		struct tcp_info info;

		xtcp_get_info(sk, &info);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	case TCP_NODELAY:
		val = xs->nodelay;
		break;
	case TCP_CORK:
		val = xs->cork;
		break;
	case TCP_MAXSEG:
		val = xs->mss_cache;
		if (!val || (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
			val = xs->user_mss ? : XTCP_MSS_DEFAULT;
		break;
	case TCP_KEEPIDLE:
		val = xtcp_keepalive_time(xs) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = xtcp_keepalive_intvl(xs) / HZ;
		break;
	case TCP_KEEPCNT:
		val = xtcp_keepalive_probes(xs);
		break;
	case TCP_SYNCNT:
		val = READ_ONCE(xs->syn_retries) ? :
		      READ_ONCE(xtcp_sysctl(sk)->syn_retries);
		break;
	case TCP_LINGER2:
		val = READ_ONCE(xs->linger2);
		if (val >= 0)
			val = val ? : READ_ONCE(xtcp_sysctl(sk)->fin_timeout);
		break;
	case TCP_DEFER_ACCEPT:
		val = xtcp_retrans_to_secs(READ_ONCE(xs->defer_accept));
		break;
	case TCP_QUICKACK:
		val = !xtcp_in_pingpong(xs);	/* as Linux */
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(xs->user_timeout);
		break;
	case TCP_INQ:
		val = xs->recvmsg_inq;
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
