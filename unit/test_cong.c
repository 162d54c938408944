// SPDX-License-Identifier: GPL-2.0
/*
 * NewReno arithmetic (module/xtcp_cong.c) against RFC 5681 3.1, RFC 6928
 * and Linux's tcp_slow_start(), tcp_cong_avoid_ai(), tcp_reno_ssthresh()
 * and tcp_sndbuf_expand().
 */
#include "../module/xtcp_cong.c"
#include "fixture.h"

static struct xtcp_sock ca;

static void ca_set(u32 cwnd, u32 ssthresh, u32 cnt)
{
	ca.cwnd = cwnd;
	ca.ssthresh = ssthresh;
	ca.cwnd_cnt = cnt;
}

TEST(cong_init_window)
{
	/* RFC 6928: IW 10; no threshold until the first loss (RFC 5681 3.1
	 * "arbitrarily high"); Linux's tcp_init_transfer()
	 */
	struct xtcp_sock *xs = ut_sock(1000);

	xs->cwnd = 3;
	xs->cwnd_cnt = 5;
	xs->ssthresh = 4;
	xtcp_cong_init(SK(xs));
	EXPECT_EQ(xs->cwnd, 10);
	EXPECT_EQ(xs->cwnd_cnt, 0);
	EXPECT_GE(xs->ssthresh, 0x7fffffffu);
	EXPECT_TRUE(!strcmp(xtcp_newreno.name, "reno"));
	ut_sock_free(xs);
}

TEST(reno_slow_start_grows_by_acked)
{
	/* RFC 5681 3.1 / Linux tcp_slow_start(): +1 segment per segment
	 * acknowledged while cwnd < ssthresh
	 */
	ca_set(10, 1000, 0);
	xtcp_newreno.cong_avoid(&ca, 1);
	EXPECT_EQ(ca.cwnd, 11);
	xtcp_newreno.cong_avoid(&ca, 5);
	EXPECT_EQ(ca.cwnd, 16);
	xtcp_newreno.cong_avoid(&ca, 16);	/* one round: doubles */
	EXPECT_EQ(ca.cwnd, 32);
	EXPECT_EQ(ca.cwnd_cnt, 0);
}

TEST(reno_slow_start_stops_at_ssthresh)
{
	/* tcp_slow_start() stops at ssthresh and hands the rest of the
	 * acknowledged segments to congestion avoidance
	 */
	ca_set(10, 12, 0);
	xtcp_newreno.cong_avoid(&ca, 5);
	EXPECT_EQ(ca.cwnd, 12);
	EXPECT_EQ(ca.cwnd_cnt, 3);
}

TEST(reno_congestion_avoidance_one_per_window)
{
	/* RFC 5681 3.1 (eq. 3): about one segment per RTT; Linux's
	 * tcp_cong_avoid_ai(): +1 once cwnd segments were acknowledged
	 */
	int i;

	ca_set(20, 20, 0);
	for (i = 0; i < 19; i++)
		xtcp_newreno.cong_avoid(&ca, 1);
	EXPECT_EQ(ca.cwnd, 20);
	xtcp_newreno.cong_avoid(&ca, 1);
	EXPECT_EQ(ca.cwnd, 21);
	EXPECT_EQ(ca.cwnd_cnt, 0);
	for (i = 0; i < 21; i++)
		xtcp_newreno.cong_avoid(&ca, 1);
	EXPECT_EQ(ca.cwnd, 22);
}

TEST(reno_ca_stretch_ack_credits_all_windows)
{
	/* Linux's tcp_cong_avoid_ai(): an ACK for 45 segments at cwnd 20
	 * adds 45 / 20 = 2 segments and keeps 5 as credit
	 */
	ca_set(20, 20, 0);
	xtcp_newreno.cong_avoid(&ca, 45);
	EXPECT_EQ(ca.cwnd, 22);
	EXPECT_EQ(ca.cwnd_cnt, 5);
}

TEST(reno_cwnd_capped_in_avoidance)
{
	/* congestion avoidance stops at XTCP_MAX_CWND */
	ca_set(XTCP_MAX_CWND, XTCP_MAX_CWND, XTCP_MAX_CWND - 1);
	xtcp_newreno.cong_avoid(&ca, 1);
	EXPECT_EQ(ca.cwnd, XTCP_MAX_CWND);
}

TEST(reno_cwnd_capped_in_slow_start)
{
	/* Linux's tcp_slow_start() bounds cwnd by snd_cwnd_clamp, as
	 * tcp_cong_avoid_ai() does; XTCP's clamp is XTCP_MAX_CWND
	 */
	ca_set(XTCP_MAX_CWND - 1, 0x7fffffff, 0);
	xtcp_newreno.cong_avoid(&ca, 100);
	EXPECT_LE(ca.cwnd, XTCP_MAX_CWND);
}

TEST(reno_ssthresh_half_cwnd_at_least_two)
{
	/* Linux's tcp_reno_ssthresh(): max(cwnd / 2, 2), from cwnd alone
	 * (RFC 5681 eq. (4) says FlightSize; cwnd only grows while in use,
	 * xtcp_is_cwnd_limited(), so the two agree)
	 */
	ca_set(20, 0, 0);
	EXPECT_EQ(xtcp_newreno.ssthresh(&ca), 10);
	ca_set(3, 0, 0);
	EXPECT_EQ(xtcp_newreno.ssthresh(&ca), 2);
	ca_set(101, 0, 0);
	EXPECT_EQ(xtcp_newreno.ssthresh(&ca), 50);
}

TEST(cwnd_grows_only_while_in_use)
{
	/* Linux's tcp_is_cwnd_limited(): cwnd full in the window, or in
	 * slow start below twice the window's largest flight (RFC 7661)
	 */
	struct xtcp_sock xs = { .cwnd = 10, .ssthresh = 0x7fffffff };

	EXPECT_FALSE(xtcp_is_cwnd_limited(&xs));
	xs.max_packets_out = 5;
	EXPECT_FALSE(xtcp_is_cwnd_limited(&xs));
	xs.max_packets_out = 6;
	EXPECT_TRUE(xtcp_is_cwnd_limited(&xs));
	xs.ssthresh = 8;			/* congestion avoidance */
	EXPECT_FALSE(xtcp_is_cwnd_limited(&xs));
	xs.is_cwnd_limited = true;
	EXPECT_TRUE(xtcp_is_cwnd_limited(&xs));
}

TEST(sndbuf_grows_with_cwnd_within_wmem_max)
{
	/* Linux's tcp_sndbuf_expand(): room for 2 * cwnd segments of the
	 * worst-case skb (power-of-two head for the larger of the peer's
	 * MSS and ours, plus struct sk_buff), at most tcp_wmem[2], never
	 * shrinking, never after SO_SNDBUF
	 */
	struct xtcp_sock *xs = ut_sock(1000);
	struct sock *sk = SK(xs);
	u32 per;

	xs->rx_mss = 1460;
	per = xtcp_sndbuf_per_mss(xs);
	{
		/* a power-of-two head that holds the MSS, the header room
		 * and skb_shared_info, plus struct sk_buff
		 */
		u32 head = per - SKB_DATA_ALIGN(sizeof(struct sk_buff));

		EXPECT_EQ(head & (head - 1), 0);
		EXPECT_GE(head, 1460 + XTCP_MAX_HEADER +
			  SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
		EXPECT_LT(head / 2, 1460 + XTCP_MAX_HEADER +
			  SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
		/* the peer's 64 KB loopback MSS counts, TCP_MAXSEG lowers it */
		xs->rx_mss = 65483;
		EXPECT_GE(xtcp_sndbuf_per_mss(xs), 65536);
		xs->user_mss = 1460;
		EXPECT_EQ(xtcp_sndbuf_per_mss(xs), per);
		xs->user_mss = 0;
		xs->rx_mss = 1460;
	}

	sk->sk_sndbuf = 4096;
	xs->cwnd = 100;
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, 2 * 100 * per);
	xs->cwnd = 20;			/* never shrinks */
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, 2 * 100 * per);
	xs->cwnd = 60000;
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, ut_net()->sysctl.wmem[2]);

	/* at least the initial window, and the reordering degree + 1 */
	sk->sk_sndbuf = 4096;
	xs->cwnd = 2;
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, 2 * 10 * per);
	xs->reordering = 29;
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, 2 * 30 * per);

	sk->sk_sndbuf = 4096;
	sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	xtcp_sndbuf_expand(sk);
	EXPECT_EQ(sk->sk_sndbuf, 4096);
	ut_sock_free(xs);
}

TEST(cong_assign_takes_namespace_default)
{
	/* Linux's tcp_assign_congestion_control(): the namespace's default
	 * (CUBIC until net.xtcp.congestion_control says otherwise), a fresh
	 * private state, IW 10; a listener's child keeps the listener's
	 */
	struct xtcp_sock *xs = ut_sock(1000);

	ut_net()->sysctl.ca_default = NULL;
	xs->ca_priv[0] = 99;
	xtcp_cong_assign(SK(xs), NULL);
	EXPECT_TRUE(xs->ca_ops == &xtcp_cubic);
	EXPECT_EQ(xs->ca_priv[0], 0);
	EXPECT_EQ(xs->cwnd, XTCP_INIT_CWND);
	EXPECT_GE(xs->ssthresh, 0x7fffffffu);
	ut_net()->sysctl.ca_default = &xtcp_newreno;
	xtcp_cong_assign(SK(xs), NULL);
	EXPECT_TRUE(xs->ca_ops == &xtcp_newreno);
	xtcp_cong_assign(SK(xs), &xtcp_cubic);
	EXPECT_TRUE(xs->ca_ops == &xtcp_cubic);
	ut_sock_free(xs);
}

TEST(cong_find_by_name)
{
	EXPECT_TRUE(xtcp_cong_find("cubic") == &xtcp_cubic);
	EXPECT_TRUE(xtcp_cong_find("reno") == &xtcp_newreno);
	EXPECT_TRUE(xtcp_cong_find("bbr") == NULL);
	EXPECT_TRUE(xtcp_cong_find("") == NULL);
	EXPECT_TRUE(xtcp_cong_find("cubicx") == NULL);
	EXPECT_TRUE(xtcp_cong_find("cub") == NULL);
}

TEST(cong_set_as_tcp_congestion)
{
	/* Linux's tcp_set_congestion_control(): unknown -> ENOENT and no
	 * change; the same one again changes nothing; another one starts
	 * from a zeroed state, initialised at once on a connection, and
	 * keeps cwnd and ssthresh
	 */
	struct xtcp_sock *xs = ut_sock(1000);

	EXPECT_TRUE(xs->ca_ops == &xtcp_newreno);	/* the fixture's */
	EXPECT_TRUE(xtcp_cong_set(SK(xs), "vegas") == -ENOENT);
	EXPECT_TRUE(xs->ca_ops == &xtcp_newreno);
	xs->cwnd = 33;
	xs->ssthresh = 20;
	xs->prior_ssthresh = 40;
	EXPECT_EQ(xtcp_cong_set(SK(xs), "reno"), 0);
	EXPECT_EQ(xs->prior_ssthresh, 40);
	EXPECT_EQ(xtcp_cong_set(SK(xs), "cubic"), 0);
	EXPECT_TRUE(xs->ca_ops == &xtcp_cubic);
	EXPECT_EQ(xs->cwnd, 33);
	EXPECT_EQ(xs->ssthresh, 20);
	EXPECT_EQ(xs->prior_ssthresh, 0);
	ut_sock_free(xs);
}
