// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control algorithms and their helpers. Algorithms sit behind
 * struct xtcp_cong_ops (Linux's tcp_congestion_ops); NewReno is the one
 * here: slow start and congestion avoidance (RFC 5681), initial window 10
 * (RFC 6928), ssthresh = FlightSize / 2 on loss. When and by how much the
 * window is cut is loss recovery's business (xtcp_recovery.c); this file
 * only answers "how does cwnd grow" and "what is the new ssthresh".
 * Context for all of it: socket lock or bh_lock_sock held.
 */
#include "xtcp.h"

#define XTCP_INFINITE_SSTHRESH	0x7fffffff
#define XTCP_MAX_CWND		65535U

static void newreno_init(struct xtcp_sock *xs)
{
	xs->cwnd = XTCP_INIT_CWND;
	xs->cwnd_cnt = 0;
	xs->ssthresh = XTCP_INFINITE_SSTHRESH;
}

/* Linux's tcp_reno_ssthresh(): half the window in use, at least 2 */
static u32 newreno_ssthresh(struct xtcp_sock *xs, u32 in_flight)
{
	return max(min(xs->cwnd, max(in_flight, 2U)) >> 1, 2U);
}

/*
 * Linux's tcp_reno_cong_avoid(): slow start up to ssthresh (RFC 5681
 * 3.1, with Linux's tcp_slow_start() clamp), then one segment per cwnd
 * segments acknowledged, several for a stretch ACK (tcp_cong_avoid_ai()).
 */
static void newreno_cong_avoid(struct xtcp_sock *xs, u32 acked)
{
	u32 w, delta;

	if (xs->cwnd < xs->ssthresh) {		/* slow start */
		u32 c = min(xs->cwnd + acked, xs->ssthresh);

		acked -= c - xs->cwnd;
		xs->cwnd = min(c, XTCP_MAX_CWND);
		if (!acked)
			return;
	}
	w = xs->cwnd;
	/* credits accumulated at a larger cwnd: apply them gently now */
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

const struct xtcp_cong_ops xtcp_newreno = {
	.name		= "reno",
	.init		= newreno_init,
	.ssthresh	= newreno_ssthresh,
	.cong_avoid	= newreno_cong_avoid,
};

/**
 * xtcp_sndbuf_expand() - grow the send buffer with cwnd, as Linux's
 * tcp_sndbuf_expand(): room for two windows of full segments, at most
 * net.xtcp.wmem[2], never when SO_SNDBUF was set
 * @sk: socket
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 want;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	want = 2ULL * max(xs->cwnd, XTCP_INIT_CWND) *
	       SKB_TRUESIZE(xs->mss_cache + XTCP_MAX_HEADER);
	want = min_t(u64, want, READ_ONCE(xtcp_sysctl(sk)->wmem[2]));
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, want);
}

/**
 * xtcp_cong_init() - pick the congestion control of a connection and set
 * its initial window
 * @sk: socket, being established (xtcp_recovery_init())
 */
void xtcp_cong_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->ca_ops = &xtcp_newreno;
	xs->ca_ops->init(xs);
	xtcp_sndbuf_expand(sk);
}
