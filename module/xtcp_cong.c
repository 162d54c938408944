// SPDX-License-Identifier: GPL-2.0
/*
 * The congestion control framework and NewReno. Algorithms sit behind
 * struct xtcp_cong_ops (Linux's tcp_congestion_ops) and are chosen by name:
 * per namespace (net.xtcp.congestion_control, CUBIC by default as Linux),
 * per socket (TCP_CONGESTION), a listener's children keep the listener's.
 * NewReno is here: slow start and congestion avoidance (RFC 5681), initial
 * window 10 (RFC 6928), ssthresh = FlightSize / 2 on loss; CUBIC is in
 * xtcp_cubic.c. When and by how much the window is cut is loss recovery's
 * business (xtcp_recovery.c); an algorithm only answers "how does cwnd
 * grow" and "what is the new ssthresh", and hears of state changes.
 * Context for all of it: socket lock or bh_lock_sock held.
 */
#include "xtcp.h"

#define XTCP_MAX_CWND		65535U

/**
 * xtcp_slow_start() - Linux's tcp_slow_start(): one segment per segment
 * acknowledged (RFC 5681 3.1), never past ssthresh
 * @xs: socket, cwnd below ssthresh
 * @acked: segments newly acknowledged
 *
 * Return: the part of @acked left for congestion avoidance.
 */
u32 xtcp_slow_start(struct xtcp_sock *xs, u32 acked)
{
	u32 c = min(xs->cwnd + acked, xs->ssthresh);

	acked -= c - xs->cwnd;
	xs->cwnd = min(c, XTCP_MAX_CWND);
	return acked;
}

/**
 * xtcp_cong_avoid_ai() - Linux's tcp_cong_avoid_ai(): one segment more per
 * @w segments acknowledged, several for a stretch ACK
 * @xs: socket
 * @w: segments to acknowledge per increment (Reno: cwnd; CUBIC: its cnt)
 * @acked: segments newly acknowledged
 */
void xtcp_cong_avoid_ai(struct xtcp_sock *xs, u32 w, u32 acked)
{
	u32 delta;

	/* credits accumulated at a larger w: apply them gently now */
	if (xs->cwnd_cnt >= w) {
		xs->cwnd_cnt = 0;
		xs->cwnd++;
	}
	xs->cwnd_cnt += acked;
	if (xs->cwnd_cnt >= w) {
		delta = xs->cwnd_cnt / w;
		xs->cwnd_cnt -= delta * w;
		xs->cwnd += delta;
	}
	xs->cwnd = min(xs->cwnd, XTCP_MAX_CWND);
}

/*
 * Linux's tcp_reno_ssthresh(): half of cwnd, at least 2 (RFC 5681 says
 * FlightSize; Linux, and so XTCP, take cwnd, which only grows while it is
 * in use: xtcp_is_cwnd_limited())
 */
static u32 newreno_ssthresh(struct xtcp_sock *xs)
{
	return max(xs->cwnd >> 1, 2U);
}

/*
 * Linux's tcp_reno_cong_avoid(): slow start up to ssthresh (RFC 5681
 * 3.1, with Linux's tcp_slow_start() clamp), then one segment per cwnd
 * segments acknowledged, several for a stretch ACK (tcp_cong_avoid_ai()).
 */
static void newreno_cong_avoid(struct xtcp_sock *xs, u32 acked)
{
	if (xs->cwnd < xs->ssthresh) {
		acked = xtcp_slow_start(xs, acked);
		if (!acked)
			return;
	}
	xtcp_cong_avoid_ai(xs, xs->cwnd, acked);
}

const struct xtcp_cong_ops xtcp_newreno = {
	.name		= "reno",
	.ssthresh	= newreno_ssthresh,
	.cong_avoid	= newreno_cong_avoid,
};

/* every algorithm, found by name (Linux's tcp_cong_list) */
static const struct xtcp_cong_ops *const xtcp_cong_list[] = {
	&xtcp_cubic,
	&xtcp_newreno,
};

/**
 * xtcp_cong_find() - the algorithm called @name
 * @name: a NUL-terminated name ("cubic", "reno")
 *
 * Return: its ops, or NULL when XTCP has none of that name.
 */
const struct xtcp_cong_ops *xtcp_cong_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xtcp_cong_list); i++)
		if (!strncmp(name, xtcp_cong_list[i]->name, XTCP_CA_NAME_MAX))
			return xtcp_cong_list[i];
	return NULL;
}

/**
 * xtcp_cong_default() - the algorithm new sockets of @net get
 * (net.xtcp.congestion_control)
 * @net: namespace
 *
 * Return: its ops; CUBIC, as Linux, before the sysctl is set up.
 */
const struct xtcp_cong_ops *xtcp_cong_default(struct net *net)
{
	const struct xtcp_cong_ops *ca;

	ca = READ_ONCE(xtcp_pernet(net)->sysctl.ca_default);
	return ca ? ca : &xtcp_cubic;
}

/**
 * xtcp_cong_assign() - give a new socket its congestion control, a fresh
 * private state and Linux's initial window (tcp_init_sock(),
 * tcp_assign_congestion_control())
 * @sk: a socket being created (xtcp_sock_init()) or a listener's child
 * @ops: the listener's algorithm for a child (Linux's
 *	tcp_ca_openreq_child()), NULL for the namespace's default
 *
 * Context: the socket is not yet visible to anyone else.
 */
void xtcp_cong_assign(struct sock *sk, const struct xtcp_cong_ops *ops)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(xs->ca_ops, ops ? ops : xtcp_cong_default(sock_net(sk)));
	memset(xs->ca_priv, 0, sizeof(xs->ca_priv));
	xs->cwnd = XTCP_INIT_CWND;
	xs->cwnd_cnt = 0;
	xs->ssthresh = XTCP_INFINITE_SSTHRESH;
	xs->ca_rtt_us = -1;
}

/**
 * xtcp_cong_set() - TCP_CONGESTION: switch @sk to the algorithm @name,
 * as Linux's tcp_set_congestion_control()
 * @sk: socket
 * @name: NUL-terminated algorithm name
 *
 * The same algorithm again changes nothing. Another one starts from a
 * zeroed private state, initialised at once unless @sk is closed or
 * listening (then when it is established); cwnd and ssthresh stay, and an
 * undo may no longer raise ssthresh (Linux clears prior_ssthresh).
 * Context: socket lock held.
 * Return: 0, or -ENOENT for a name XTCP does not know.
 */
int xtcp_cong_set(struct sock *sk, const char *name)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_cong_ops *ca;

	sock_owned_by_me(sk);
	ca = xtcp_cong_find(name);
	if (!ca)
		return -ENOENT;
	if (ca == xs->ca_ops)
		return 0;
	WRITE_ONCE(xs->ca_ops, ca);
	memset(xs->ca_priv, 0, sizeof(xs->ca_priv));
	if (!((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))) {
		xs->prior_ssthresh = 0;
		if (ca->init)
			ca->init(xs);
	}
	return 0;
}

/**
 * xtcp_cong_set_state() - the connection moves to congestion state
 * @new_state; the algorithm hears of it first (Linux's tcp_set_ca_state())
 * @sk: socket
 * @new_state: enum xtcp_ca_state
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_cong_set_state(struct sock *sk, u8 new_state)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sock_owned_by_me(sk);
	if (xs->ca_ops && xs->ca_ops->set_state)
		xs->ca_ops->set_state(xs, new_state);
	xs->ca_state = new_state;
}

/**
 * xtcp_cong_data_sent() - new data is about to leave (Linux's
 * tcp_event_data_sent()): with nothing in flight the algorithm hears
 * XTCP_CA_EVENT_TX_START (the end of an idle period); @lsndtime is stamped
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_cong_data_sent(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->snd_una == xs->snd_nxt && xs->ca_ops &&
	    xs->ca_ops->cwnd_event)
		xs->ca_ops->cwnd_event(xs, XTCP_CA_EVENT_TX_START);
	xs->lsndtime = (u32)jiffies;
}

/**
 * xtcp_sndbuf_per_mss() - send buffer one full segment may cost
 * @xs: socket
 *
 * Linux's tcp_sndbuf_expand() figure, for the worst case of one skb per
 * segment with a power-of-two head: the larger of the peer's MSS clamp
 * (its announced MSS, TCP_MAXSEG when smaller) and the MSS we send, plus
 * the header room and skb_shared_info, rounded up to a power of two, plus
 * struct sk_buff.
 * Return: bytes.
 */
u32 xtcp_sndbuf_per_mss(const struct xtcp_sock *xs)
{
	u32 clamp = xs->rx_mss;

	if (xs->user_mss && xs->user_mss < clamp)
		clamp = xs->user_mss;
	return roundup_pow_of_two(max_t(u32, clamp, xs->mss_cache) +
				  XTCP_MAX_HEADER +
				  SKB_DATA_ALIGN(sizeof(struct skb_shared_info))) +
	       SKB_DATA_ALIGN(sizeof(struct sk_buff));
}

/**
 * xtcp_sndbuf_expand() - grow the send buffer with cwnd, as Linux's
 * tcp_sndbuf_expand(): room for two windows (of cwnd, at least the
 * initial window and the reordering degree + 1) of xtcp_sndbuf_per_mss(),
 * at most net.xtcp.wmem[2], never when SO_SNDBUF was set
 * @sk: socket
 *
 * Called when the connection is established and, as Linux's
 * tcp_new_space(), after an ACK while a writer waits for space and cwnd is
 * not full (xtcp_check_space()).
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 nr_segs;
	u64 want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	nr_segs = max3(xs->cwnd, XTCP_INIT_CWND, xs->reordering + 1);
	want = 2ULL * nr_segs * xtcp_sndbuf_per_mss(xs);
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf,
			   min_t(u64, want, READ_ONCE(xtcp_sysctl(sk)->wmem[2])));
}

/**
 * xtcp_check_space() - after an ACK was processed and the queue pushed:
 * wake a writer waiting for send buffer space, growing the buffer first
 * when it, not the network, limits the sender (Linux's tcp_check_space(),
 * tcp_new_space() and tcp_should_expand_sndbuf())
 * @sk: socket
 *
 * Nothing unless a writer ran out of space (SOCK_NOSPACE). The buffer
 * grows while fewer segments are in flight than cwnd allows and SO_SNDBUF
 * was not set; sk_write_space() then wakes the writer once a third of the
 * buffer is free.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_check_space(struct sock *sk)
{
	if (!sk->sk_socket || !test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		return;
	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK) &&
	    xtcp_packets_in_flight(sk) < xtcp_sk(sk)->cwnd)
		xtcp_sndbuf_expand(sk);
	sk->sk_write_space(sk);
}

/**
 * xtcp_cong_init() - the connection is established: initial window
 * (RFC 6928, Linux's tcp_init_transfer()), and the algorithm sets up its
 * state (Linux's tcp_init_congestion_control())
 * @sk: socket, being established (xtcp_recovery_init())
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_cong_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	sock_owned_by_me(sk);
	if (!xs->ca_ops)
		xtcp_cong_assign(sk, NULL);
	xs->cwnd = XTCP_INIT_CWND;
	xs->cwnd_cnt = 0;
	xs->ssthresh = XTCP_INFINITE_SSTHRESH;
	xs->prior_ssthresh = 0;
	xs->ca_rtt_us = -1;
	if (xs->ca_ops->init)
		xs->ca_ops->init(xs);
	xtcp_sndbuf_expand(sk);
}
