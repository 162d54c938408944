// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit engine and window selection (module/xtcp_output.c) and the
 * window helpers of module/xtcp.h, against RFC 9293 3.8.6 (window
 * management, silly window avoidance), RFC 1122 4.2.3.3-4 (receiver SWS,
 * Nagle), RFC 7323 2 (window scaling), RFC 5681 (cwnd) and Linux's
 * tcp_select_window()/__tcp_select_window(), tcp_select_initial_window(),
 * tcp_bound_to_half_wnd(), tcp_write_xmit() and tcp_send_ack(); with
 * allocation failures injected into every path that allocates.
 */
#include "../module/xtcp_output.c"
#include "fixture.h"
#include "stubs.h"

/* ---- window helpers in xtcp.h ---- */

TEST(initial_window_whole_segments)
{
	/* tcp_select_initial_window(): space > mss is rounded down to whole
	 * segments; a smaller space is announced as it is
	 */
	EXPECT_EQ(xtcp_initial_window(65535, 1460), 44 * 1460);
	EXPECT_EQ(xtcp_initial_window(2919, 1460), 1460);
	EXPECT_EQ(xtcp_initial_window(1460, 1460), 1460);
	EXPECT_EQ(xtcp_initial_window(1000, 1460), 1000);
	EXPECT_EQ(xtcp_initial_window(0, 1460), 0);
}

TEST(space_to_win_ratio)
{
	/* Linux's tcp_win_from_space(): space * scaling_ratio / 256 */
	struct xtcp_sock xs = { .rcv_ratio = 128 };

	EXPECT_EQ(xtcp_space_to_win(&xs, 1000), 500);
	EXPECT_EQ(xtcp_space_to_win(&xs, 0), 0);
	EXPECT_EQ(xtcp_space_to_win(&xs, -4096), 0);	/* over-committed */
	xs.rcv_ratio = 255;
	EXPECT_EQ(xtcp_space_to_win(&xs, INT_MAX), (int)(((u64)INT_MAX * 255) >> 8));
}

TEST(receive_window_left)
{
	/* Linux's tcp_receive_window(): rcv_wup + rcv_wnd - rcv_nxt, never
	 * negative; modulo 2^32
	 */
	struct xtcp_sock xs = { .rcv_wup = 100, .rcv_wnd = 1000, .rcv_nxt = 600 };

	EXPECT_EQ(xtcp_receive_window(&xs), 500);
	xs.rcv_nxt = 1100;
	EXPECT_EQ(xtcp_receive_window(&xs), 0);
	xs.rcv_nxt = 1200;		/* peer overran the window */
	EXPECT_EQ(xtcp_receive_window(&xs), 0);
	xs.rcv_wup = 0xfffffe00u;
	xs.rcv_wnd = 0x400;
	xs.rcv_nxt = 0x100;
	EXPECT_EQ(xtcp_receive_window(&xs), 0x100);
}

TEST(rcv_mss_unit)
{
	/* the receiver's SWS unit: largest segment seen, at most advmss,
	 * at most half of a tiny buffer's window, never 0
	 */
	struct xtcp_sock *xs = ut_sock(1);

	EXPECT_EQ(xtcp_rcv_mss(xs), 536);
	xs->rcv_mss = 1460;
	xs->advmss = 1000;
	EXPECT_EQ(xtcp_rcv_mss(xs), 1000);
	SK(xs)->sk_rcvbuf = 400;	/* window 200: unit 100 */
	EXPECT_EQ(xtcp_rcv_mss(xs), 100);
	SK(xs)->sk_rcvbuf = 0;
	EXPECT_EQ(xtcp_rcv_mss(xs), 1);
	SK(xs)->sk_rcvbuf = 131072;
	ut_sock_free(xs);
}

/* ---- xtcp_select_window() ---- */

TEST(select_window_scaled_rounded_up)
{
	/* RFC 7323 2.3: the header carries window >> rcv_wscale; as Linux,
	 * the window is rounded up to the scale unit so no space is lost
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 field;

	xs->rcv_wnd = 0;
	sk->sk_rcvbuf = 2 * 50001;	/* 50001 bytes of window at ratio 128 */
	field = xtcp_select_window(sk);
	EXPECT_EQ(xs->rcv_wnd % 128, 0);
	EXPECT_GE(xs->rcv_wnd, 50001);
	EXPECT_LT(xs->rcv_wnd, 50001 + 128);
	EXPECT_EQ(field, xs->rcv_wnd >> 7);
	EXPECT_EQ(xs->rcv_wup, xs->rcv_nxt);
	ut_sock_free(xs);
}

TEST(select_window_clamped)
{
	/* window_clamp bounds it (rounded up to the scale unit, as Linux's
	 * ALIGN() does), and so does 65535 << wscale
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	xs->rcv_wnd = 0;
	xs->window_clamp = 20000;
	EXPECT_EQ(xtcp_select_window(sk), DIV_ROUND_UP(20000, 128));
	xs->rcv_wscale = 0;
	xs->window_clamp = 65535;
	xs->rcv_wnd = 0;
	sk->sk_rcvbuf = 1 << 22;
	/* unscaled: whole MSS, as Linux's rounddown(free_space, mss) */
	EXPECT_EQ(xtcp_select_window(sk), rounddown(65535, xtcp_rcv_mss(xs)));
	ut_sock_free(xs);
}

TEST(select_window_never_shrinks)
{
	/* RFC 9293 3.8.6.2.2 / RFC 7323 2.4, Linux tcp_select_window():
	 * the right edge already offered is never moved left, even when
	 * the buffer filled up meanwhile
	 */
	struct xtcp_sock *xs = ut_sock(0);
	struct sock *sk = SK(xs);
	u32 edge;

	xs->rcv_wnd = 0;
	xtcp_select_window(sk);
	edge = xs->rcv_wup + xs->rcv_wnd;
	xs->rcv_nxt += 10000;				/* data arrived */
	atomic_set(&sk->sk_rmem_alloc, sk->sk_rcvbuf);	/* buffer full */
	xtcp_select_window(sk);
	EXPECT_FALSE(xtcp_before(xs->rcv_wup + xs->rcv_wnd, edge));
	EXPECT_EQ(xs->rcv_wup, xs->rcv_nxt);
	atomic_set(&sk->sk_rmem_alloc, 0);
	ut_sock_free(xs);
}

TEST(select_window_unscaled_whole_mss)
{
	/* Linux's __tcp_select_window() without window scaling: the free
	 * space rounded down to whole MSS; the window offered last is kept
	 * while it is within one MSS of the free space (so reading a few
	 * bytes moves the right edge by those bytes)
	 */
	struct xtcp_sock *xs = ut_sock(0);
	struct sock *sk = SK(xs);
	u32 edge, mss;

	xs->rcv_wscale = 0;
	xs->window_clamp = 65535;
	xs->rcv_wnd = 0;
	sk->sk_rcvbuf = 80000;			/* 40000 bytes of window */
	mss = xtcp_rcv_mss(xs);
	EXPECT_EQ(xtcp_select_window(sk), rounddown(40000, mss));
	edge = xs->rcv_wup + xs->rcv_wnd;
	xs->rcv_nxt += 100;			/* 100 bytes, read at once */
	EXPECT_EQ(xtcp_select_window(sk), rounddown(40000, mss));
	EXPECT_EQ(xs->rcv_wup + xs->rcv_wnd, edge + 100);
	/* 3000 bytes held: the window offered is more than the free space */
	atomic_set(&sk->sk_rmem_alloc, 6000);
	EXPECT_EQ(__xtcp_select_window(sk), rounddown(37000, mss));
	atomic_set(&sk->sk_rmem_alloc, 0);
	ut_sock_free(xs);
}

TEST(select_window_zero_when_nearly_full)
{
	/* less than half the buffer free and less than a sixteenth of it:
	 * a zero window (Linux moves to a zero window before its buffer
	 * overflows), though never shrinking what was offered
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	sk->sk_rcvbuf = 1 << 20;			/* 512 KB of window */
	xs->window_clamp = 1 << 20;
	atomic_set(&sk->sk_rmem_alloc, (1 << 20) - 40000);	/* 20000 free */
	EXPECT_EQ(__xtcp_select_window(sk), 0);
	/* 40000 free: rounded down to the scale unit, not up, as Linux */
	atomic_set(&sk->sk_rmem_alloc, (1 << 20) - 80000);
	EXPECT_EQ(__xtcp_select_window(sk), round_down(40000, 128));
	atomic_set(&sk->sk_rmem_alloc, 0);
	ut_sock_free(xs);
}

TEST(select_window_sws_from_zero_window)
{
	/* RFC 1122 4.2.3.3 and Linux's __tcp_select_window() ("if free
	 * space is less than mss estimate ... move to zero-window"): a
	 * window that was closed stays closed until an MSS of space is free
	 */
	struct xtcp_sock *xs = ut_sock(0);
	struct sock *sk = SK(xs);

	xs->rcv_wscale = 0;
	xs->window_clamp = 65535;
	sk->sk_rcvbuf = 80000;
	xs->rcv_wnd = 4000;
	xs->rcv_nxt = xs->rcv_wup + 4000;		/* all of it used */
	atomic_set(&sk->sk_rmem_alloc, 80000 - 400);	/* 200 bytes free */
	EXPECT_EQ(xtcp_select_window(sk), 0);
	atomic_set(&sk->sk_rmem_alloc, 0);
	ut_sock_free(xs);
}

/* ---- MSS ---- */

TEST(mss_for_mtu_options_and_clamps)
{
	/* MSS = MTU - 40, bounded by the peer's MSS and TCP_MAXSEG, less the
	 * timestamp option (Linux's tcp_mtu_to_mss(): mss_cache leaves room
	 * for the options every segment carries)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	xs->max_window = 0;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1460);
	xs->ts_ok = true;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1448);
	xs->ts_ok = false;
	xs->rx_mss = 536;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 536);
	xs->rx_mss = 1460;
	xs->user_mss = 1000;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1000);
	xs->user_mss = 0;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 9000), 1460);	/* peer's MSS */
	ut_sock_free(xs);
}

TEST(mss_for_mtu_ipv6_header)
{
	/* over IPv6 the network header is 40 bytes: MSS = MTU - 60, as
	 * Linux's tcp_mtu_to_mss() with icsk_af_ops->net_header_len (1440 on
	 * Ethernet, 1428 with timestamps; 1220 on the 1280-byte minimum MTU)
	 */
	static const struct xtcp_af_ops v6 = { .family = AF_INET6,
					       .net_header_len = 40 };
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	xs->max_window = 0;
	xs->af_ops = &v6;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1440);
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1280), 1220);
	xs->ts_ok = true;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1428);
	xs->af_ops = &xtcp_ipv4_af_ops;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 1448);
	ut_sock_free(xs);
}

TEST(mss_bound_to_half_window)
{
	/* Linux's tcp_bound_to_half_wnd(): at most half the largest window
	 * the peer offered (all of it when that is <= 536), never below
	 * 68 - header length
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	xs->max_window = 1000;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 500);
	xs->max_window = 400;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 400);
	xs->max_window = 20;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 68 - 20);
	xs->ts_ok = true;
	EXPECT_EQ(xtcp_mss_for_mtu(sk, 1500), 68 - 20 - 12);
	ut_sock_free(xs);
}

/* ---- path MTU (xtcp_mtu_reduced()) ---- */

/* update_pmtu of the tests' network layer: the route's MTU becomes @mtu */
static struct dst_entry *ut_update_pmtu(struct sock *sk, u32 mtu)
{
	struct dst_entry *d = __sk_dst_get(sk);

	d->mock_mtu = mtu;
	return d;
}

TEST(pmtu_reduced_resends_in_smaller_segments)
{
	/* Linux's tcp_v4_mtu_reduced() + tcp_simple_retransmit() (RFC 1191,
	 * RFC 8201): the MSS follows the new MTU (1280 - 40 = 1240), the
	 * segments in flight that no longer fit are lost and go again cut
	 * to it (tcp_fragment()), cwnd and ssthresh untouched
	 */
	struct xtcp_af_ops ops = xtcp_ipv4_af_ops;
	struct xtcp_sock *xs = ut_sock(1000);
	struct sock *sk = SK(xs);
	u32 cwnd, ssthresh;
	int i, bad = 0;

	ops.update_pmtu = ut_update_pmtu;
	xs->af_ops = &ops;
	xs->mss_cache = 1460;
	for (i = 0; i < 3; i++)
		ut_queue(xs, 1460);
	xtcp_push(sk);
	ASSERT_EQ(mock_tx_count, 3);
	cwnd = xs->cwnd;
	ssthresh = xs->ssthresh;

	xs->mtu_info = 1280;
	xtcp_mtu_reduced(sk);
	EXPECT_EQ(xs->mss_cache, 1240);
	EXPECT_EQ(mock_tx_count, 3 + 6);
	for (i = 0; i < 6; i++) {
		u32 want = i & 1 ? 220 : 1240;

		if (mock_tx[3 + i].len != want ||
		    mock_tx[3 + i].seq != 1001 + (i / 2) * 1460 + (i & 1) * 1240)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(xtcp_flight_size(sk), 6);
	EXPECT_EQ(xs->cwnd, cwnd);
	EXPECT_EQ(xs->ssthresh, ssthresh);

	/* a larger MTU later changes nothing in flight */
	xs->mtu_info = 1500;
	xtcp_mtu_reduced(sk);
	EXPECT_EQ(mock_tx_count, 9);
	ut_update_pmtu(sk, 1500);
	ut_sock_free(xs);
}

TEST(pmtu_deferred_to_release_sock)
{
	/* while the user held the socket the MTU waits for release_sock()
	 * (Linux's TCP_MTU_REDUCED_DEFERRED in tcp_release_cb())
	 */
	struct xtcp_af_ops ops = xtcp_ipv4_af_ops;
	struct xtcp_sock *xs = ut_sock(1000);
	struct sock *sk = SK(xs);

	ops.update_pmtu = ut_update_pmtu;
	xs->af_ops = &ops;
	xs->mss_cache = 1460;
	ut_queue(xs, 1460);
	xtcp_push(sk);
	xs->mtu_info = 1400;
	xtcp_release_cb(sk);		/* nothing deferred: nothing done */
	EXPECT_EQ(xs->mss_cache, 1460);
	xs->mtu_deferred = true;
	xtcp_release_cb(sk);
	EXPECT_FALSE(xs->mtu_deferred);
	EXPECT_EQ(xs->mss_cache, 1360);
	EXPECT_EQ(mock_tx_count, 1 + 2);
	EXPECT_EQ(mock_tx[1].len, 1360);
	EXPECT_EQ(mock_tx[2].len, 100);
	ut_update_pmtu(sk, 1500);
	ut_sock_free(xs);
}

/* ---- xtcp_push() ---- */

TEST(push_limited_by_cwnd)
{
	/* RFC 5681 / Linux tcp_write_xmit(): no more than cwnd segments in
	 * flight; the stop is remembered (RFC 7661 cwnd-limited)
	 */
	struct xtcp_sock *xs = ut_sock(0xfffff000u);
	int i;

	xs->cwnd = 3;
	for (i = 0; i < 5; i++)
		ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_TRUE(xs->is_cwnd_limited);
	EXPECT_EQ(xs->max_packets_out, 3);
	EXPECT_EQ(xs->cwnd_usage_seq, xs->snd_nxt);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 3));
	EXPECT_EQ(xs->snd_nxt, xs->snd_una + 3000);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(mock_tx[i].seq, 0xfffff001u + 1000 * i);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	ut_sock_free(xs);
}

TEST(push_limited_by_peer_window)
{
	/* RFC 9293 3.8.6.2.1: only what the usable window holds */
	struct xtcp_sock *xs = ut_sock(1);
	int i;

	xs->snd_wnd = 2500;
	for (i = 0; i < 5; i++)
		ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_FALSE(xs->is_cwnd_limited);
	ut_sock_free(xs);
}

TEST(push_nagle_and_cork)
{
	/* RFC 1122 4.2.3.4 (Nagle): a partial segment waits while data is
	 * unacknowledged, unless TCP_NODELAY; TCP_CORK holds it even when
	 * nothing is in flight. PSH is sendmsg()'s business (Linux's
	 * tcp_push() marks the last segment of a write), not the engine's.
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	ut_queue(xs, 1000);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_FALSE(mock_tx[0].flags & XTCP_PSH);
	ut_queue(xs, 100);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 1);			/* Nagle holds it */
	xs->nodelay = true;
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[1].len, 100);

	xs->snd_una = xs->snd_nxt;		/* all acknowledged: idle */
	xtcp_write_queue_purge(sk);
	xs->cork = true;
	ut_queue(xs, 100);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 2);			/* corked */
	xs->cork = false;
	xs->nodelay = false;
	__xtcp_push(sk, true);			/* MSG_MORE: held as by cork */
	EXPECT_EQ(mock_tx_count, 2);
	xtcp_push(sk);					/* idle: Nagle lets it go */
	EXPECT_EQ(mock_tx_count, 3);
	ut_sock_free(xs);
}

TEST(push_ip_failure_keeps_segment_queued)
{
	/* a local send failure leaves the segment unsent and the timer
	 * armed to retry it (Linux's tcp_write_xmit() stops the same way)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 nxt = xs->snd_nxt;

	mock_xmit_ret = -ENOBUFS;
	ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 1);		/* it reached IP, which failed */
	EXPECT_EQ(xs->snd_nxt, nxt);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 0));
	EXPECT_TRUE(timer_pending(&xs->retrans_timer));
	mock_xmit_ret = 0;
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(xs->snd_nxt, nxt + 1000);
	ut_sock_free(xs);
}

/* ---- GSO runs (the route allows xtcp_gso_max_segs() segments) ---- */

TEST(push_gso_runs_of_full_segments)
{
	/* consecutive full segments leave as GSO skbs of at most the
	 * route's limit, each queued segment stamped as sent; OutSegs
	 * counts segments, as Linux's tcp_skb_pcount()
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 nxt = xs->snd_nxt;
	int i;

	stub_no_grow = true;		/* 6.1: runs of queued segments */
	stub_gso_max_segs = 4;
	xs->cwnd = 20;
	for (i = 0; i < 10; i++)
		ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_EQ(mock_tx[0].gso_segs, 4);
	EXPECT_EQ(mock_tx[0].gso_size, 1000);
	EXPECT_EQ(mock_tx[0].len, 4000);
	EXPECT_EQ(mock_tx[1].seq, nxt + 4000);
	EXPECT_EQ(mock_tx[1].gso_segs, 4);
	EXPECT_EQ(mock_tx[2].seq, nxt + 8000);
	EXPECT_EQ(mock_tx[2].gso_segs, 2);
	EXPECT_EQ(xs->snd_nxt, nxt + 10000);
	EXPECT_TRUE(xs->send_head == NULL);
	for (i = 0; i < 10; i++)
		EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, i))->xmit_ns != 0);
	EXPECT_EQ(ut_mib(XTCP_MIB_OUTSEGS), 10);
	EXPECT_EQ(xs->max_packets_out, 10);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	ut_sock_free(xs);
}

TEST(push_sends_size_goal_skbs_whole)
{
	/* sendmsg() queues skbs of up to the size goal; with nothing lost
	 * they leave whole as GSO skbs and stay queued so (Linux's TSO
	 * skbs), counted as the segments they carry; the queue still
	 * accounts for its truesize; Nagle holds the short rest while data
	 * is in flight: the last skb's full segment leaves alone
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 nxt = xs->snd_nxt;
	int i;

	stub_gso_max_segs = 4;
	xs->cwnd = 20;
	xs->nodelay = false;
	EXPECT_EQ(xtcp_size_goal(sk), 4000);
	ut_queue(xs, 4000);
	ut_queue(xs, 4000);
	ut_queue(xs, 1500);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_EQ(mock_tx[0].gso_segs, 4);
	EXPECT_EQ(mock_tx[0].len, 4000);
	EXPECT_EQ(mock_tx[1].gso_segs, 4);
	EXPECT_EQ(mock_tx[2].len, 1000);
	EXPECT_EQ(ut_mib(XTCP_MIB_OUTSEGS), 9);
	EXPECT_EQ(xs->snd_nxt, nxt + 9000);
	EXPECT_EQ(xs->packets_out, 9);
	EXPECT_TRUE(xs->big_out);
	ASSERT_EQ(ut_wq_len(xs), 4);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(ut_wq(xs, i)->len, 4000);
		EXPECT_EQ(xtcp_skb_segs(ut_wq(xs, i)), 4);
	}
	EXPECT_EQ(ut_wq(xs, 2)->len, 1000);
	EXPECT_EQ(xtcp_skb_segs(ut_wq(xs, 2)), 1);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 3));
	EXPECT_EQ(xs->send_head->len, 500);
	EXPECT_EQ(skb_shinfo(xs->send_head)->gso_size, 0);
	{
		struct sk_buff *skb;
		int sum = 0;

		skb_queue_walk(&sk->sk_write_queue, skb)
			sum += skb->truesize;
		EXPECT_EQ(sk->sk_wmem_queued, sum);
	}
	ut_sock_free(xs);
}

TEST(push_cuts_a_size_goal_skb_to_cwnd)
{
	/* cwnd takes 3 of the 4 segments: the skb is cut after them
	 * (Linux's tso_fragment()), the rest waits unsent
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	stub_gso_max_segs = 4;
	xs->cwnd = 3;
	xs->nodelay = true;
	ut_queue(xs, 4000);
	xtcp_push(sk);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].gso_segs, 3);
	EXPECT_EQ(mock_tx[0].len, 3000);
	ASSERT_EQ(ut_wq_len(xs), 2);
	EXPECT_EQ(xtcp_skb_segs(ut_wq(xs, 0)), 3);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 1));
	EXPECT_EQ(xs->send_head->len, 1000);
	EXPECT_EQ(xs->packets_out, 3);
	ut_sock_free(xs);
}

TEST(push_sends_a_fin_segment_alone)
{
	/* a FIN's segment never leaves inside a GSO skb */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	stub_gso_max_segs = 4;
	xs->cwnd = 10;
	xs->nodelay = true;
	ut_queue(xs, 3000);
	XTCP_SKB_CB(ut_wq(xs, 0))->flags |= XTCP_FIN;
	XTCP_SKB_CB(ut_wq(xs, 0))->end_seq++;
	xs->write_seq++;
	xtcp_push(sk);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[0].gso_segs, 2);
	EXPECT_EQ(mock_tx[0].len, 2000);
	EXPECT_EQ(mock_tx[1].len, 1000);
	EXPECT_TRUE(mock_tx[1].flags & XTCP_FIN);
	EXPECT_FALSE(mock_tx[0].flags & XTCP_FIN);
	EXPECT_EQ(xs->packets_out, 3);
	ut_sock_free(xs);
}

TEST(push_grows_send_head_while_the_window_is_closed)
{
	/* Linux 6.10+'s tcp_grow_skb(): each try to send moves the next
	 * unsent skb's bytes into the send head, up to what cwnd lets leave
	 * at once (half of it, one GSO skb at most); an skb emptied so goes
	 * (one header less in sk_wmem_queued), its PSH with it; the grown
	 * head waits whole in the closed window and then leaves as one GSO
	 * skb
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 seq = xs->snd_nxt, head1;
	int q0, i;

	stub_gso_max_segs = 4;
	xs->cwnd = 10;
	xs->nodelay = true;
	xs->snd_wnd = 0;
	for (i = 0; i < 5; i++)
		ut_queue(xs, 1000);
	XTCP_SKB_CB(ut_wq(xs, 1))->flags |= XTCP_PSH;
	head1 = ut_wq(xs, 1)->truesize - 1000;
	q0 = sk->sk_wmem_queued;
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 0);
	ASSERT_EQ(ut_wq_len(xs), 4);
	EXPECT_EQ(ut_wq(xs, 0)->len, 2000);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 0))->end_seq, seq + 2000);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 1))->seq, seq + 2000);
	EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, 0))->flags & XTCP_PSH);
	EXPECT_EQ(sk->sk_wmem_queued, q0 - (int)head1);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 0));
	for (i = 0; i < 3; i++)
		xtcp_push(sk);
	/* min(cwnd / 2, cwnd - in flight, GSO segments) = 4 MSS */
	ASSERT_EQ(ut_wq_len(xs), 2);
	EXPECT_EQ(ut_wq(xs, 0)->len, 4000);
	EXPECT_EQ(ut_wq(xs, 1)->len, 1000);
	EXPECT_EQ(stub_calls.skb_shift, 3);
	EXPECT_EQ(mock_tx_count, 0);
	xs->snd_wnd = 1 << 20;
	xtcp_push(sk);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[0].gso_segs, 4);
	EXPECT_EQ(mock_tx[0].len, 4000);
	EXPECT_EQ(mock_tx[0].seq, seq);
	EXPECT_EQ(mock_tx[1].len, 1000);
	EXPECT_EQ(mock_tx[1].seq, seq + 4000);
	EXPECT_EQ(xs->snd_nxt, seq + 5000);
	EXPECT_EQ(xs->packets_out, 5);
	ut_sock_free(xs);
}

TEST(push_grows_send_head_part_of_next_and_its_fin)
{
	/* no GSO on the route: nothing grows (Linux's sk_gso_max_segs of
	 * 1); a part of the next skb when that is all the quota takes (the
	 * rest keeps its PSH); an skb whose bytes all move gives the head its
	 * flags, a FIN with its sequence number
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 seq = xs->snd_nxt;

	xs->cwnd = 10;
	xs->snd_wnd = 0;
	ut_queue(xs, 600);
	ut_queue(xs, 1800);
	XTCP_SKB_CB(ut_wq(xs, 1))->flags |= XTCP_PSH;
	ut_queue(xs, 300);
	XTCP_SKB_CB(ut_wq(xs, 2))->flags |= XTCP_FIN;
	XTCP_SKB_CB(ut_wq(xs, 2))->end_seq++;
	xs->write_seq++;
	xtcp_push(sk);
	EXPECT_EQ(stub_calls.skb_shift, 0);
	EXPECT_EQ(ut_wq(xs, 0)->len, 600);

	stub_gso_max_segs = 2;			/* quota 2 MSS */
	xtcp_push(sk);
	xtcp_push(sk);
	ASSERT_EQ(ut_wq_len(xs), 3);
	EXPECT_EQ(stub_calls.skb_shift, 1);
	EXPECT_EQ(ut_wq(xs, 0)->len, 2000);
	EXPECT_FALSE(XTCP_SKB_CB(ut_wq(xs, 0))->flags & XTCP_PSH);
	EXPECT_EQ(ut_wq(xs, 1)->len, 400);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 1))->seq, seq + 2000);
	EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, 1))->flags & XTCP_PSH);

	stub_gso_max_segs = 4;			/* quota 4 MSS */
	xtcp_push(sk);
	xtcp_push(sk);
	ASSERT_EQ(ut_wq_len(xs), 1);
	EXPECT_EQ(ut_wq(xs, 0)->len, 2700);
	EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, 0))->flags & XTCP_PSH);
	EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, 0))->flags & XTCP_FIN);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 0))->end_seq, seq + 2701);
	EXPECT_EQ(mock_tx_count, 0);
	ut_sock_free(xs);
}

TEST(size_goal_bounded_by_half_the_peer_window)
{
	/* Linux's tcp_bound_to_half_wnd(): never more than half the
	 * largest window the peer offered, never less than one MSS
	 */
	struct xtcp_sock *xs = ut_sock(1);

	stub_gso_max_segs = 44;
	xs->max_window = 10000;
	EXPECT_EQ(xtcp_size_goal(SK(xs)), 5000);
	xs->max_window = 1500;
	EXPECT_EQ(xtcp_size_goal(SK(xs)), 1000);
	stub_gso_max_segs = 1;
	xs->max_window = 1 << 20;
	EXPECT_EQ(xtcp_size_goal(SK(xs)), 1000);
	ut_sock_free(xs);
}

TEST(push_gso_run_ends_at_psh_nagle_cwnd_window)
{
	/* PSH only on a run's last segment (TCP's segmentation gives it to
	 * the last one only: the wire stays as without GSO); a short last
	 * segment waits for Nagle; cwnd and the peer's window cut runs
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 nxt = xs->snd_nxt;

	stub_no_grow = true;		/* 6.1: runs of queued segments */
	stub_gso_max_segs = 44;
	xs->cwnd = 20;
	ut_queue(xs, 1000);
	XTCP_SKB_CB(ut_queue(xs, 1000))->flags |= XTCP_PSH;
	ut_queue(xs, 1000);
	ut_queue(xs, 500);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[0].gso_segs, 2);
	EXPECT_TRUE(mock_tx[0].flags & XTCP_PSH);
	EXPECT_EQ(mock_tx[1].gso_segs, 0);	/* alone: no GSO skb */
	EXPECT_EQ(mock_tx[1].len, 1000);
	EXPECT_FALSE(mock_tx[1].flags & XTCP_PSH);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 3));	/* Nagle */
	xs->nodelay = true;
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_EQ(mock_tx[2].len, 500);

	/* cwnd: 3 of 5 */
	xs->snd_una = xs->snd_nxt;
	xtcp_write_queue_purge(sk);
	nxt = xs->snd_nxt;
	xs->cwnd = 3;
	mock_tx_count = 0;
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].gso_segs, 3);
	EXPECT_EQ(xs->snd_nxt, nxt + 3000);
	EXPECT_TRUE(xs->is_cwnd_limited);

	/* the peer's window: 2500 bytes take two segments */
	xtcp_write_queue_purge(sk);
	xs->snd_una = xs->snd_nxt = xs->write_seq;
	xs->cwnd = 20;
	xs->snd_wnd = 2500;
	mock_tx_count = 0;
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].gso_segs, 2);
	ut_sock_free(xs);
}

TEST(push_gso_no_fin_in_runs_and_alloc_failure)
{
	/* a GSO skb that cannot be allocated: the segments leave one by
	 * one instead; a FIN segment leaves alone
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 nxt = xs->snd_nxt;

	stub_no_grow = true;		/* 6.1: runs of queued segments */
	stub_gso_max_segs = 44;
	xs->cwnd = 20;
	xs->nodelay = true;
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	mock_skb_fail_set(1);
	xtcp_push(sk);
	EXPECT_EQ(stub_calls.gso_build, 1);
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[0].gso_segs, 0);
	EXPECT_EQ(mock_tx[1].gso_segs, 0);
	EXPECT_EQ(mock_tx[1].seq, nxt + 1000);
	EXPECT_EQ(xs->snd_nxt, nxt + 2000);
	EXPECT_TRUE(xs->send_head == NULL);

	/* both allocations fail: nothing sent, the timer retries */
	mock_tx_count = 0;
	ut_queue(xs, 1000);
	ut_queue(xs, 1000);
	mock_skb_fail_set(3);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(xs->snd_nxt, nxt + 2000);
	EXPECT_TRUE(xs->send_head == ut_wq(xs, 2));
	EXPECT_TRUE(timer_pending(&xs->retrans_timer));
	mock_skb_fail_set(0);

	XTCP_SKB_CB(ut_wq(xs, 3))->flags |= XTCP_FIN;
	XTCP_SKB_CB(ut_wq(xs, 3))->end_seq++;
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[0].gso_segs, 0);
	EXPECT_EQ(mock_tx[1].gso_segs, 0);
	EXPECT_TRUE(mock_tx[1].flags & XTCP_FIN);
	EXPECT_EQ(xs->snd_nxt, nxt + 4001);
	ut_sock_free(xs);
}

TEST(push_clone_alloc_failure)
{
	/* the clone for transmission cannot be allocated: nothing sent,
	 * nothing leaked, sent later
	 */
	struct xtcp_sock *xs = ut_sock(1);

	ut_queue(xs, 1000);
	mock_skb_fail_set(1);			/* the next allocation */
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_skb_failed, 1);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(xs->snd_nxt, xs->snd_una);
	EXPECT_EQ(ut_wq_len(xs), 1);
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 1);
	ut_sock_free(xs);
}

/* ---- splitting segments ---- */

TEST(split_skb_moves_fin_psh_and_bytes)
{
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	struct sk_buff *skb = ut_queue(xs, 3000), *n;
	int queued = sk->sk_wmem_queued, i, bad = 0;
	u32 seq = XTCP_SKB_CB(skb)->seq;

	XTCP_SKB_CB(skb)->flags |= XTCP_FIN | XTCP_PSH;
	XTCP_SKB_CB(skb)->end_seq++;
	ASSERT_EQ(xtcp_split_skb(sk, skb, 1000), 0);
	n = ut_wq(xs, 1);
	ASSERT_TRUE(n != NULL);
	EXPECT_EQ(skb->len, 1000);
	EXPECT_EQ(XTCP_SKB_CB(skb)->end_seq, seq + 1000);
	EXPECT_FALSE(XTCP_SKB_CB(skb)->flags & (XTCP_FIN | XTCP_PSH));
	EXPECT_EQ(n->len, 2000);
	EXPECT_EQ(XTCP_SKB_CB(n)->seq, seq + 1000);
	EXPECT_EQ(XTCP_SKB_CB(n)->end_seq, seq + 3001);	/* FIN moved */
	EXPECT_TRUE(XTCP_SKB_CB(n)->flags & XTCP_FIN);
	EXPECT_TRUE(XTCP_SKB_CB(n)->flags & XTCP_PSH);
	for (i = 0; i < 2000; i++)
		if (n->data[i] != (u8)((u8)seq + 1000 + i))
			bad++;
	EXPECT_EQ(bad, 0);
	/* as tcp_fragment(): the moved bytes' truesize moves with them,
	 * and the queue still accounts for exactly its segments
	 */
	EXPECT_EQ(sk->sk_wmem_queued, queued + (int)n->truesize - 2000);
	EXPECT_EQ(sk->sk_wmem_queued, (int)(skb->truesize + n->truesize));
	ut_sock_free(xs);
}

TEST(split_skb_alloc_failure_leaves_segment_whole)
{
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	struct sk_buff *skb = ut_queue(xs, 3000);
	u32 end = XTCP_SKB_CB(skb)->end_seq;

	mock_skb_fail_set(1);
	EXPECT_EQ(xtcp_split_skb(sk, skb, 1000), -ENOMEM);
	EXPECT_EQ(skb->len, 3000);
	EXPECT_EQ(XTCP_SKB_CB(skb)->end_seq, end);
	EXPECT_EQ(ut_wq_len(xs), 1);
	ut_sock_free(xs);
}

TEST(fit_window_fills_half_of_max_window)
{
	/* RFC 9293 3.8.6.2.1 (sender SWS): with nothing in flight, send what
	 * fits when the window is at least half the largest one offered
	 */
	struct xtcp_sock *xs = ut_sock(1);

	xs->max_window = 1600;
	xs->snd_wnd = 800;
	ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].len, 800);
	EXPECT_EQ(ut_wq_len(xs), 2);
	xtcp_clean_acked(SK(xs), xs->snd_nxt, false);	/* 200 bytes left */
	xs->snd_wnd = 100;			/* less than half: wait */
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_PROBE0);
	ut_sock_free(xs);
}

TEST(fit_window_alloc_failure)
{
	struct xtcp_sock *xs = ut_sock(1);

	xs->max_window = 1600;
	xs->snd_wnd = 800;
	ut_queue(xs, 1000);
	mock_skb_fail_set(1);			/* the split's buffer */
	xtcp_push(SK(xs));
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(ut_wq_len(xs), 1);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_PROBE0);	/* retried */
	ut_sock_free(xs);
}

TEST(persist_probe_split_failure_retried_without_backoff)
{
	/* Linux's tcp_probe_timer()/tcp_send_probe0(): a probe that fails
	 * locally is retried after TCP_RESOURCE_PROBE_INTERVAL, no backoff
	 */
	struct xtcp_sock *xs = ut_sock(1);

	xs->snd_wnd = 500;
	ut_queue(xs, 1000);
	xtcp_push(SK(xs));
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_PROBE0);
	mock_skb_fail_set(1);
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(xs->backoff, 0);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + HZ / 2);
	EXPECT_EQ(ut_wq_len(xs), 1);
	mock_timer_fire(&xs->retrans_timer);		/* memory is back */
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].len, 500);
	EXPECT_TRUE(mock_tx[0].flags & XTCP_PSH);
	EXPECT_EQ(xs->probes_out, 0);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	ut_sock_free(xs);
}

/* ---- control segments ---- */

TEST(send_ack_alloc_failure_falls_back_to_delack)
{
	/* Linux's __tcp_send_ack(): no buffer, retry from the delayed-ACK
	 * timer after TCP_DELACK_MAX; failing again while an ACK is held
	 * with its deadline near does not recurse
	 */
	struct xtcp_sock *xs = ut_sock(1);

	mock_skb_fail_set(1);
	xtcp_send_ack(SK(xs));
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_TRUE(xs->ack_pending);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + XTCP_DELACK_MAX);
	jiffies = xs->delack_timer.expires - 1;
	mock_skb_fail_set(1);
	xtcp_schedule_delack(SK(xs));			/* due: sends now, fails */
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + XTCP_DELACK_MAX);
	jiffies = xs->delack_timer.expires;
	mock_timer_fire(&xs->delack_timer);
	EXPECT_EQ(mock_tx_count, 1);
	ut_sock_free(xs);
}

TEST(send_ack_header)
{
	/* a pure ACK: seq = snd_nxt, ack = rcv_nxt, scaled window; timestamps
	 * on every segment once negotiated (RFC 7323 3.2)
	 */
	struct xtcp_sock *xs = ut_sock(0x7ffffff0u);

	xs->ts_ok = true;
	xs->ts_recent = 4242;
	xtcp_send_ack(SK(xs));
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].seq, xs->snd_nxt);
	EXPECT_EQ(mock_tx[0].ack, xs->rcv_nxt);
	EXPECT_EQ(mock_tx[0].flags, XTCP_ACK);
	EXPECT_EQ(mock_tx[0].doff, 8);
	EXPECT_EQ(mock_tx[0].window, xs->rcv_wnd >> 7);
	EXPECT_EQ(get_unaligned_be32(mock_tx[0].opts + 8), 4242);	/* TSecr */
	ut_sock_free(xs);
}

TEST(syn_window_never_scaled)
{
	/* RFC 7323 2.2: the window of a SYN is not scaled */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	sk->sk_state = TCP_SYN_SENT;
	xs->rcv_wnd = 64240;
	xs->write_seq = xs->snd_una = xs->snd_nxt = xs->iss;
	xtcp_send_syn(sk);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].flags, XTCP_SYN);		/* no ACK on a SYN */
	EXPECT_EQ(mock_tx[0].window, 64240);
	EXPECT_EQ(mock_tx[0].seq, xs->iss);
	EXPECT_EQ(xs->snd_nxt, xs->iss + 1);
	EXPECT_EQ(mock_tx[0].opts[0], 2);		/* MSS first */
	EXPECT_EQ(get_unaligned_be16(mock_tx[0].opts + 2), xs->advmss);
	ut_sock_free(xs);
}

TEST(send_syn_alloc_failure_fails_connect)
{
	/* Linux's tcp_connect(): no buffer for the SYN, connect() fails
	 * with ENOBUFS; nothing queued, no sequence number consumed
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	sk->sk_state = TCP_SYN_SENT;
	xs->write_seq = xs->snd_una = xs->snd_nxt = xs->iss;
	mock_skb_fail_set(1);
	EXPECT_EQ(xtcp_send_syn(sk), -ENOBUFS);
	EXPECT_EQ(ut_wq_len(xs), 0);
	EXPECT_EQ(xs->write_seq, xs->iss);
	ut_sock_free(xs);
}

TEST(send_fin_alloc_failure_consumes_no_sequence)
{
	/* no FIN segment, no sequence number: write_seq still matches the
	 * queue (as Linux's tcp_send_fin() when it cannot allocate)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 ws = xs->write_seq;

	mock_skb_fail_set(1);
	xtcp_send_fin(SK(xs));
	EXPECT_EQ(xs->write_seq, ws);
	EXPECT_EQ(ut_wq_len(xs), 0);
	xtcp_send_fin(SK(xs));
	EXPECT_EQ(xs->write_seq, ws + 1);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].flags, XTCP_FIN | XTCP_ACK);
	ut_sock_free(xs);
}

TEST(fin_rides_on_unsent_data)
{
	/* Linux's tcp_send_fin(): the FIN is tacked onto the last unsent
	 * segment
	 */
	struct xtcp_sock *xs = ut_sock(1);

	xs->snd_wnd = 0;		/* keep the data unsent */
	ut_queue(xs, 500);
	xtcp_send_fin(SK(xs));
	EXPECT_EQ(ut_wq_len(xs), 1);
	EXPECT_TRUE(XTCP_SKB_CB(ut_wq(xs, 0))->flags & XTCP_FIN);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 0))->end_seq, xs->write_seq);
	ut_sock_free(xs);
}

TEST(oow_ack_rate_limit)
{
	/* Linux's tcp_oow_rate_limited(): one ACK per invalid_ratelimit
	 * (500 ms) for pure ACKs; a segment with data is always answered
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct net *net = sock_net(SK(xs));
	struct sk_buff *ack = ut_rx_seg(5, 6, XTCP_ACK, 100, NULL, 0, 0);
	struct sk_buff *data = ut_rx_seg(5, 6, XTCP_ACK, 100, NULL, 0, 10);
	u32 stamp = 0;

	EXPECT_FALSE(xtcp_oow_rate_limited(net, ack, XTCP_MIB_TCPACKSKIPPEDSEQ, &stamp));
	EXPECT_NE(stamp, 0);
	mock_clock_advance_us(100000);
	EXPECT_TRUE(xtcp_oow_rate_limited(net, ack, XTCP_MIB_TCPACKSKIPPEDSEQ, &stamp));
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKSKIPPEDSEQ), 1);
	EXPECT_FALSE(xtcp_oow_rate_limited(net, data, XTCP_MIB_TCPACKSKIPPEDSEQ, &stamp));
	mock_clock_advance_us(400000);
	EXPECT_FALSE(xtcp_oow_rate_limited(net, ack, XTCP_MIB_TCPACKSKIPPEDSEQ, &stamp));
	kfree_skb(ack);
	kfree_skb(data);
	ut_sock_free(xs);
}
