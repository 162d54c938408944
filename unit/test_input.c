// SPDX-License-Identifier: GPL-2.0
/*
 * Segment arrival (module/xtcp_input.c): PAWS (RFC 7323 5), ACK
 * processing (RFC 9293 3.10.7.4, RFC 6298 Karn/RTO restart, RFC 5961
 * challenge ACKs), the receive and out-of-order queues (RFC 5681 4.2
 * immediate ACKs), the SACK blocks we report (RFC 2018 4, RFC 2883) and
 * the receive-queue collapse under allocation failures, against Linux's
 * tcp_paws_reject(), tcp_ack(), tcp_clean_rtx_queue(),
 * tcp_validate_incoming(), tcp_data_queue(), tcp_sack_new_ofo_skb() and
 * tcp_collapse().
 */
#include <stdlib.h>

#include "../module/xtcp_input.c"
#include "fixture.h"
#include "stubs.h"

/* ---- PAWS ---- */

TEST(paws_rejects_older_timestamps)
{
	/* RFC 7323 5.3 R1: TSval older than TS.Recent: drop; equal or newer
	 * (modulo 2^32): accept (Linux's tcp_paws_check() with no window)
	 */
	struct xtcp_sock xs = { .ts_ok = true, .ts_recent = 1000,
				.ts_recent_stamp = ktime_get_seconds() };
	struct xtcp_opts o = { .ts_ok = true, .tsval = 999 };

	EXPECT_FALSE(xtcp_paws_check(&xs, &o, 0));
	o.tsval = 1000;
	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 0));
	o.tsval = 1001;
	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 0));
	xs.ts_recent = 0xfffffff0u;
	o.tsval = 0x10;				/* after the wrap: newer */
	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 0));
	o.tsval = 0xffffffe0u;
	EXPECT_FALSE(xtcp_paws_check(&xs, &o, 0));
}

TEST(paws_ts_recent_ages_out_or_zero)
{
	/* RFC 7323 5.5: TS.Recent older than 24 days is invalid; Linux's
	 * tcp_paws_check() also ignores a TS.Recent of 0 (peers that send
	 * TSval 0 on their SYN)
	 */
	struct xtcp_sock xs = { .ts_ok = true, .ts_recent = 1000 };
	struct xtcp_opts o = { .ts_ok = true, .tsval = 10 };
	s64 now = ktime_get_seconds();

	xs.ts_recent_stamp = now - 30;
	EXPECT_FALSE(xtcp_paws_check(&xs, &o, 1));
	xs.ts_recent_stamp = now - 24 * 24 * 3600;
	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 1));
	xs.ts_recent_stamp = now;
	xs.ts_recent = 0;
	o.tsval = 0xfffffff0u;
	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 1));
}

TEST(paws_one_tick_window)
{
	/* Linux's tcp_paws_discard(): a TSval at most TCP_PAWS_WINDOW (1)
	 * behind TS.Recent is accepted, two behind is not
	 */
	struct xtcp_sock xs = { .ts_ok = true, .ts_recent = 1000,
				.ts_recent_stamp = ktime_get_seconds() };
	struct xtcp_opts o = { .ts_ok = true, .tsval = 999 };

	EXPECT_TRUE(xtcp_paws_check(&xs, &o, 1));
	o.tsval = 998;
	EXPECT_FALSE(xtcp_paws_check(&xs, &o, 1));
}

/* ---- cumulative ACKs ---- */

TEST(clean_acked_trims_partly_acked_head)
{
	/* RFC 9293 3.10.7.4: SND.UNA = SEG.ACK; Linux's tcp_trim_head():
	 * the acknowledged part of the head segment is dropped
	 */
	struct xtcp_sock *xs = ut_sock(0xfffffe00u);
	struct sk_buff *head;

	ut_send(xs, 2, 1000);
	EXPECT_EQ(xtcp_clean_acked(SK(xs), 0xfffffe01u + 400, false), 0);
	head = ut_wq(xs, 0);
	EXPECT_EQ(head->len, 600);
	EXPECT_EQ(XTCP_SKB_CB(head)->seq, 0xfffffe01u + 400);
	EXPECT_EQ(head->data[0], (u8)(0x01 + 400));
	EXPECT_EQ(xs->snd_una, 0xfffffe01u + 400);
	EXPECT_EQ(ut_wq_len(xs), 2);
	EXPECT_EQ(xtcp_clean_acked(SK(xs), 0xfffffe01u + 1000, false), 1);
	EXPECT_EQ(ut_wq_len(xs), 1);
	ut_sock_free(xs);
}

TEST(clean_acked_restarts_or_stops_rto)
{
	/* RFC 6298 5.2-5.3: all data acknowledged: stop the timer; new
	 * data acknowledged: restart it; the backoff is cleared
	 */
	struct xtcp_sock *xs = ut_sock(1);

	ut_send(xs, 3, 1000);
	xs->backoff = 3;
	xs->retransmits = 2;
	mock_clock_advance_us(300000);
	xtcp_clean_acked(SK(xs), 1002, false);
	EXPECT_TRUE(timer_pending(&xs->retrans_timer));
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + xs->rto);
	EXPECT_EQ(xs->backoff, 0);
	EXPECT_EQ(xs->retransmits, 0);
	xtcp_clean_acked(SK(xs), 3002, false);
	EXPECT_FALSE(timer_pending(&xs->retrans_timer));
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_NONE);
	ut_sock_free(xs);
}

TEST(clean_acked_rtt_sample_karn)
{
	/* RFC 6298 3 (Karn): no sample from a retransmitted segment; a
	 * sample from a segment sent once
	 */
	struct xtcp_sock *xs = ut_sock(1);

	ut_send(xs, 2, 1000);
	XTCP_SKB_CB(ut_wq(xs, 0))->retransmitted = true;
	mock_clock_advance_us(100000);
	xtcp_clean_acked(SK(xs), 1002, true);
	EXPECT_EQ(xs->srtt_us, 0);
	xtcp_clean_acked(SK(xs), 2002, true);
	EXPECT_NE(xs->srtt_us, 0);
	EXPECT_EQ(xs->srtt_us >> 3, jiffies_to_usecs(usecs_to_jiffies(100000)));
	ut_sock_free(xs);
}

TEST(clean_acked_no_rtt_sample_when_retransmission_acked)
{
	/* Linux's tcp_clean_rtx_queue(): an ACK that covers retransmitted
	 * data (FLAG_RETRANS_DATA_ACKED) gives no sequence RTT sample: it
	 * was sent when the retransmission arrived, not one RTT after the
	 * later segments left
	 */
	struct xtcp_sock *xs = ut_sock(1);

	ut_send(xs, 2, 1000);
	XTCP_SKB_CB(ut_wq(xs, 0))->retransmitted = true;
	mock_clock_advance_us(3000000);		/* a long recovery */
	xtcp_clean_acked(SK(xs), 2002, true);
	EXPECT_EQ(xs->srtt_us, 0);
	ut_sock_free(xs);
}

/* ---- segments through xtcp_rcv_state_process() ---- */

static void rx(struct xtcp_sock *xs, u32 seq, u32 ack, u8 flags, u16 win,
	       u32 len)
{
	xtcp_rcv_state_process(SK(xs), ut_rx_seg(seq, ack, flags, win,
						  NULL, 0, len));
}

TEST(ack_window_update_rules)
{
	/* RFC 9293 3.10.7.4: SND.WND is taken from a segment with
	 * SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK;
	 * the field is scaled by the peer's shift (RFC 7323 2.3)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	ut_send(xs, 2, 1000);
	xs->snd_wl1 = r;
	xs->snd_wl2 = 2;
	rx(xs, r, 1002, XTCP_ACK, 100, 0);
	EXPECT_EQ(xs->snd_una, 1002);
	EXPECT_EQ(xs->snd_wnd, 100 << 7);
	EXPECT_EQ(xs->snd_wl2, 1002);
	rx(xs, r, 1001, XTCP_ACK, 200, 0);	/* older ACK: no update */
	EXPECT_EQ(xs->snd_wnd, 100 << 7);
	xs->snd_wl1 = r + 10;			/* older segment: no update */
	rx(xs, r, 2002, XTCP_ACK, 300, 0);
	EXPECT_EQ(xs->snd_una, 2002);
	EXPECT_EQ(xs->snd_wnd, 100 << 7);
	ut_sock_free(xs);
}

TEST(ack_of_unsent_data_dropped)
{
	/* Linux's tcp_ack() (RFC 9293 says "send an ACK"): in ESTABLISHED
	 * an ACK above snd_nxt is dropped without an answer
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 una = xs->snd_una;

	ut_send(xs, 1, 1000);
	rx(xs, xs->rcv_nxt, 5000, XTCP_ACK, 100, 0);
	EXPECT_EQ(xs->snd_una, una);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPCHALLENGEACK), 0);
	ut_sock_free(xs);
}

TEST(challenge_acks_rfc5961)
{
	/* RFC 5961 3.2 (in-window RST not at RCV.NXT), 4.2 (SYN), 5.2 (ACK
	 * too old): a challenge ACK, rate-limited per connection
	 * (invalid_ratelimit); an exact RST resets (ECONNRESET)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xs->max_window = 10000;
	xs->snd_una = xs->snd_nxt = xs->write_seq = 100000;
	rx(xs, r + 10, 100000, XTCP_RST, 0, 0);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].flags, XTCP_ACK);
	EXPECT_EQ(mock_tx[0].seq, 100000);
	EXPECT_EQ(mock_tx[0].ack, r);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPCHALLENGEACK), 1);
	EXPECT_EQ(stub_calls.reset, 0);
	rx(xs, r, 100000, XTCP_SYN | XTCP_ACK, 100, 0);	/* at once: limited */
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKSKIPPEDCHALLENGE), 1);
	mock_clock_advance_us(600000);
	rx(xs, r, 100000 - 20000, XTCP_ACK, 100, 0);	/* too old an ACK */
	EXPECT_EQ(mock_tx_count, 2);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPCHALLENGEACK), 2);
	rx(xs, r, 100000, XTCP_RST, 0, 0);		/* exact: reset */
	EXPECT_EQ(stub_calls.reset, 1);
	EXPECT_EQ(stub_calls.reset_err, ECONNRESET);
	ut_sock_free(xs);
}

TEST(out_of_window_segment_answered_once)
{
	/* RFC 9293 3.10.7.4 "If a segment is not acceptable, send an ACK",
	 * rate-limited as Linux's tcp_oow_rate_limited(); a RST out of the
	 * window is dropped silently
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	rx(xs, r + 10000000, 1, XTCP_ACK, 100, 0);
	EXPECT_EQ(mock_tx_count, 1);
	rx(xs, r + 10000000, 1, XTCP_ACK, 100, 0);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKSKIPPEDSEQ), 1);
	rx(xs, r - 5000, 1, XTCP_RST, 0, 0);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_EQ(stub_calls.reset, 0);
	ut_sock_free(xs);
}

TEST(data_in_order_ofo_and_hole_fill)
{
	/* RFC 5681 4.2: an out-of-order segment is ACKed at once (a
	 * duplicate ACK, with SACK: RFC 2018), so is the one that fills
	 * the hole; the queued data then becomes in order
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	u32 r = xs->rcv_nxt;

	xs->quickack = 0;
	rx(xs, r, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(xs->rcv_nxt, r + 1000);
	EXPECT_EQ(skb_queue_len(&sk->sk_receive_queue), 1);
	EXPECT_EQ(mock_tx_count, 0);			/* ACK delayed */
	EXPECT_TRUE(xs->ack_pending);
	rx(xs, r + 2000, 1, XTCP_ACK, 100, 1000);	/* hole at r+1000 */
	EXPECT_EQ(xs->rcv_nxt, r + 1000);
	EXPECT_EQ(skb_queue_len(&xs->ofo_queue), 1);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].ack, r + 1000);
	EXPECT_EQ(mock_tx[0].opts[2], 5);		/* a SACK option */
	EXPECT_EQ(get_unaligned_be32(mock_tx[0].opts + 4), r + 2000);
	EXPECT_EQ(get_unaligned_be32(mock_tx[0].opts + 8), r + 3000);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPOFOQUEUE), 1);
	rx(xs, r + 1000, 1, XTCP_ACK, 100, 1000);	/* fills it */
	EXPECT_EQ(xs->rcv_nxt, r + 3000);
	EXPECT_TRUE(skb_queue_empty(&xs->ofo_queue));
	EXPECT_EQ(skb_queue_len(&sk->sk_receive_queue), 3);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[1].ack, r + 3000);
	EXPECT_EQ(mock_tx[1].doff, 5);			/* no SACK left */
	ut_sock_free(xs);
}

TEST(gso_skb_acked_at_once_rcv_mss_from_gso_size)
{
	/* a GSO/GRO skb of several segments counts as that many for the
	 * delayed ACK (ACKed at once, as Linux) and gives its gso_size,
	 * not its length, as the peer's segment size (tcp_measure_rcv_mss)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;
	struct sk_buff *skb;

	xs->quickack = 0;
	xs->rcv_mss = 536;
	xs->advmss = 1460;
	skb = ut_rx_seg(r, 1, XTCP_ACK, 100, NULL, 0, 3000);
	skb_shinfo(skb)->gso_size = 1000;
	skb_shinfo(skb)->gso_segs = 3;
	xtcp_rcv_state_process(SK(xs), skb);
	EXPECT_EQ(xs->rcv_nxt, r + 3000);
	EXPECT_EQ(xs->rcv_mss, 1000);
	ASSERT_EQ(mock_tx_count, 1);			/* not delayed */
	EXPECT_EQ(mock_tx[0].ack, r + 3000);
	EXPECT_FALSE(xs->ack_pending);
	rx(xs, r + 3000, 1, XTCP_ACK, 100, 1000);	/* one: delayed */
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_TRUE(xs->ack_pending);
	ut_sock_free(xs);
}

TEST(unread_data_in_a_filling_buffer_waits_for_the_reader)
{
	/* Linux's __tcp_ack_snd_check(): a second full segment is ACKed at
	 * once only if the window then reaches as far as the last one did
	 * (rcv_ssthresh-capped); unread data in a buffer whose free space is
	 * the window shrinks it, so the ACK waits; in a roomy buffer the
	 * window moves and the ACK goes; and while rcv_ssthresh grows
	 * (tcp_grow_window()) each segment is ACKed at once (quick |= 1)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xs->quickack = 0;
	xs->rcv_mss = 1000;
	rx(xs, r, 1, XTCP_ACK, 100, 1000);
	rx(xs, r + 1000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 0);			/* delayed */
	EXPECT_TRUE(xs->ack_pending);
	SK(xs)->sk_rcvbuf = 262144;
	rx(xs, r + 2000, 1, XTCP_ACK, 100, 1000);
	ASSERT_EQ(mock_tx_count, 1);			/* the window moves */
	EXPECT_EQ(mock_tx[0].ack, r + 3000);
	EXPECT_EQ(xs->quickack, 0);
	xs->rcv_ssthresh = 64000;			/* room to grow */
	rx(xs, r + 3000, 1, XTCP_ACK, 100, 1000);	/* one segment only */
	ASSERT_EQ(mock_tx_count, 2);			/* quick: at once */
	EXPECT_EQ(mock_tx[1].ack, r + 4000);
	EXPECT_EQ(xs->rcv_ssthresh, 64000 + 2 * xs->advmss);
	EXPECT_EQ(xs->quickack, 0);
	ut_sock_free(xs);
}

TEST(backlog_run_gets_one_ack_at_release)
{
	/* Linux 6.7's TCP_ACK_DEFERRED: segments processed from the backlog
	 * (socket owned by the user) get one ACK at release_sock(), none if
	 * a segment sent meanwhile carried it; backlog_ack_defer=0 ACKs each
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;
	int i;

	xs->quickack = 16;
	ut_net()->sysctl.backlog_ack_defer = 1;
	SK(xs)->mock_owned_by_user = true;
	for (i = 0; i < 4; i++)
		rx(xs, r + i * 1000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_TRUE(xs->ack_deferred);
	xtcp_release_cb(SK(xs));
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].ack, r + 4000);
	EXPECT_FALSE(xs->ack_deferred);
	EXPECT_EQ(xs->quickack, 15);
	rx(xs, r + 4000, 1, XTCP_ACK, 100, 1000);
	EXPECT_TRUE(xs->ack_deferred);
	xtcp_send_ack(SK(xs));				/* carried by another */
	xtcp_release_cb(SK(xs));
	EXPECT_EQ(mock_tx_count, 2);
	ut_net()->sysctl.backlog_ack_defer = 0;
	rx(xs, r + 5000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 3);			/* at once */
	EXPECT_FALSE(xs->ack_deferred);
	SK(xs)->mock_owned_by_user = false;
	ut_sock_free(xs);
}

TEST(pingpong_small_segments_wait_for_the_reply)
{
	/* Linux's ping-pong mode: small segments of an interactive
	 * connection are not ACKed at once (quick-ACK mode does not apply),
	 * more than a full segment since the last ACK is; a delayed-ACK
	 * timeout sends the ACK and ends the mode
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xs->quickack = 16;
	xs->rcv_mss = 1000;
	xs->pingpong = XTCP_PINGPONG_THRESH;
	/* a roomy buffer: the window moves with each segment (Linux's
	 * second condition for an ACK at once)
	 */
	SK(xs)->sk_rcvbuf = 262144;
	rx(xs, r, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	rx(xs, r + 1, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(xs->rcv_nxt, r + 2);
	EXPECT_EQ(mock_tx_count, 0);			/* both delayed */
	EXPECT_TRUE(xs->ack_pending);
	EXPECT_EQ(xs->ack_pushed, 2);
	EXPECT_EQ(xs->quickack, 16);			/* no ACK sent yet */
	rx(xs, r + 2, 1, XTCP_ACK, 100, 1000);		/* 1002 > rcv_mss */
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].ack, r + 1002);
	EXPECT_FALSE(xs->ack_pending);
	EXPECT_EQ(xs->ack_pushed, 0);
	/* every ACK of new data counts, in ping-pong mode too (Linux's
	 * tcp_event_ack_sent())
	 */
	EXPECT_EQ(xs->quickack, 15);
	rx(xs, r + 1002, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_TRUE(xs->ack_pending);
	jiffies += HZ;
	mock_timer_fire(&xs->delack_timer);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[1].ack, r + 1003);
	EXPECT_FALSE(xtcp_in_pingpong(xs));		/* the mode ended */
	EXPECT_EQ(xs->ato, XTCP_ATO_MIN);
	EXPECT_EQ(xs->quickack, 14);
	/* outside it, quick-ACK mode ACKs a small segment at once */
	rx(xs, r + 1003, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_EQ(xs->quickack, 13);
	ut_sock_free(xs);
}

TEST(first_data_starts_quick_acks_and_the_ato)
{
	/* Linux's tcp_event_data_recv(): quick-ACK mode and the delayed-ACK
	 * timeout start with the first data, not with the connection, so a
	 * request sent right after the handshake is no "reply" (ping-pong
	 * needs data received within ato, 0 before any); the number of
	 * quick ACKs is half the window in receive-MSS units (at least 2,
	 * at most 16: tcp_incr_quickack())
	 */
	struct xtcp_sock *xs = ut_sock(1), *small = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xtcp_delack_init(xs);
	ut_send(xs, 1, 100);				/* the request */
	EXPECT_EQ(xs->pingpong, 0);
	rx(xs, r, 1 + 100, XTCP_ACK | XTCP_PSH, 100, 1);	/* the reply */
	ASSERT_EQ(mock_tx_count, 2);			/* ACKed at once */
	EXPECT_EQ(mock_tx[1].len, 0);
	EXPECT_EQ(mock_tx[1].ack, r + 1);
	EXPECT_EQ(xs->ato, XTCP_ATO_MIN);
	EXPECT_EQ(xs->quickack, XTCP_MAX_QUICKACKS - 1);
	ut_send(xs, 1, 100);				/* within ato: a reply */
	EXPECT_TRUE(xtcp_in_pingpong(xs));

	xtcp_delack_init(small);
	small->rcv_wnd = 2000;				/* 2000 / (2 * 536) = 1 */
	rx(small, r, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(mock_tx_count, 4);
	EXPECT_EQ(small->quickack, 0);			/* used up */
	rx(small, r + 1, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(mock_tx_count, 4);			/* delayed */
	ut_sock_free(small);
	ut_sock_free(xs);
}

TEST(ato_follows_the_gaps_between_data)
{
	/* Linux's tcp_event_data_recv() and tcp_send_delayed_ack(): a gap
	 * up to ATO_MIN/2 keeps the timeout near ATO_MIN, a longer one
	 * below it raises it to half of it plus the gap, one longer than the
	 * RTO means quick ACKs again; the timer is bounded by the smoothed
	 * RTT (at least DELACK_MIN); a delayed ACK that had to fire doubles
	 * the timeout (not interactive) up to DELACK_MAX
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xs->quickack = 0;
	jiffies += 3;
	rx(xs, r, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(xs->ato, XTCP_ATO_MIN / 2 + XTCP_ATO_MIN / 2);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + XTCP_ATO_MIN);
	jiffies += XTCP_ATO_MIN - 2;
	rx(xs, r + 1, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(xs->ato, XTCP_ATO_MIN / 2 + XTCP_ATO_MIN - 2);
	/* the held ACK's deadline is within a quarter of ato: at once */
	ASSERT_EQ(mock_tx_count, 1);
	jiffies += 2;
	rx(xs, r + 2, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(xs->ato, (XTCP_ATO_MIN / 2 + XTCP_ATO_MIN - 2) / 2 + XTCP_ATO_MIN / 2);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + xs->ato);
	jiffies = xs->delack_timer.expires;
	mock_timer_fire(&xs->delack_timer);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(xs->ato, 2 * ((XTCP_ATO_MIN / 2 + XTCP_ATO_MIN - 2) / 2 + XTCP_ATO_MIN / 2));
	xs->srtt_us = 8 * 20000;			/* 20 ms < DELACK_MIN */
	jiffies += 8;
	rx(xs, r + 3, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_GT(xs->ato, XTCP_DELACK_MIN);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + XTCP_DELACK_MIN);
	xs->srtt_us = 0;
	jiffies = xs->delack_timer.expires;
	mock_timer_fire(&xs->delack_timer);
	ASSERT_EQ(mock_tx_count, 3);
	EXPECT_EQ(xs->ato, XTCP_DELACK_MAX);		/* doubled, capped */
	jiffies += xs->rto + 1;				/* the sender went quiet */
	rx(xs, r + 4, 1, XTCP_ACK | XTCP_PSH, 100, 1);
	EXPECT_EQ(mock_tx_count, 4);			/* quick again */
	EXPECT_EQ(xs->quickack, XTCP_MAX_QUICKACKS - 1);
	ut_sock_free(xs);
}

TEST(fin_in_established_waits_for_our_fin)
{
	/* Linux's tcp_fin(): a FIN that moves us to CLOSE_WAIT enters
	 * ping-pong mode, so its ACK waits for the close() that is likely
	 * to follow and rides on our FIN; in FIN_WAIT1 it is ACKed at once
	 */
	struct xtcp_sock *xs = ut_sock(1), *fw1 = ut_sock(1);
	u32 r = xs->rcv_nxt;

	rx(xs, r, 1, XTCP_ACK | XTCP_FIN, 100, 0);
	EXPECT_EQ(SK(xs)->sk_state, TCP_CLOSE_WAIT);
	EXPECT_EQ(xs->rcv_nxt, r + 1);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_TRUE(xs->ack_pending);
	EXPECT_TRUE(xtcp_in_pingpong(xs));
	xtcp_send_fin(SK(xs));
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].flags, XTCP_FIN | XTCP_ACK);
	EXPECT_EQ(mock_tx[0].ack, r + 1);
	EXPECT_FALSE(xs->ack_pending);
	mock_timer_fire(&xs->delack_timer);
	EXPECT_EQ(mock_tx_count, 1);			/* nothing left */

	SK(fw1)->sk_state = TCP_FIN_WAIT1;
	fw1->snd_nxt++;					/* our FIN, not ACKed */
	fw1->write_seq++;
	rx(fw1, r, 1, XTCP_ACK | XTCP_FIN, 100, 0);
	EXPECT_EQ(SK(fw1)->sk_state, TCP_CLOSING);
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[1].ack, r + 1);
	ut_sock_free(fw1);
	ut_sock_free(xs);
}

TEST(sack_compression_holds_the_fourth_duplicate_ack)
{
	/* Linux's SACK compression (__tcp_ack_snd_check()): three duplicate
	 * ACKs for one rcv_nxt go at once, later ones are held for 5% of
	 * the RTT (the smaller of the receiver's and the smoothed one), at
	 * most comp_sack_delay_ns; the timer sends one, any ACK sent carries
	 * the held ones (TCPAckCompressed counts those not sent); a filled
	 * hole is ACKed at once; comp_sack_nr in a row, then one goes
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;
	int i;

	xs->quickack = 0;
	xs->rcv_rtt_us = 8 * 2000;			/* 2 ms */
	xs->srtt_us = 8 * 10000;
	for (i = 1; i <= 5; i++)
		rx(xs, r + 1000 * i, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_EQ(xs->compressed_ack, 2);
	ASSERT_TRUE(hrtimer_is_queued(&xs->comp_ack_timer));
	EXPECT_EQ(xs->comp_ack_timer.mock_started, 1);
	EXPECT_EQ(xs->comp_ack_timer.mock_delay_ns, 100000);	/* 5% of 2 ms */
	EXPECT_EQ(xs->comp_ack_timer.mock_slack_ns, 100000);
	mock_hrtimer_fire(&xs->comp_ack_timer);
	ASSERT_EQ(mock_tx_count, 4);
	EXPECT_EQ(get_unaligned_be32(mock_tx[3].opts + 8), r + 6000);	/* all SACKed */
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKCOMPRESSED), 1);
	EXPECT_EQ(xs->compressed_ack, 0);
	rx(xs, r + 6000, 1, XTCP_ACK, 100, 1000);
	rx(xs, r + 7000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 4);
	EXPECT_EQ(xs->comp_ack_timer.mock_started, 2);
	xtcp_send_ack(SK(xs));				/* carries both */
	EXPECT_EQ(mock_tx_count, 5);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKCOMPRESSED), 3);
	EXPECT_FALSE(hrtimer_is_queued(&xs->comp_ack_timer));
	rx(xs, r, 1, XTCP_ACK, 100, 1000);		/* fills the hole */
	ASSERT_EQ(mock_tx_count, 6);
	EXPECT_EQ(mock_tx[5].ack, r + 8000);
	/* the 10 ms smoothed RTT when it is the smaller; the sysctl caps */
	xs->rcv_rtt_us = 0;
	xs->srtt_us = 8 * 100000;
	for (i = 0; i < 4; i++)
		rx(xs, r + 9000 + 1000 * i, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 9);
	EXPECT_EQ(xs->comp_ack_timer.mock_delay_ns, 0);	/* no receiver RTT */
	mock_hrtimer_fire(&xs->comp_ack_timer);
	EXPECT_EQ(mock_tx_count, 10);
	xs->rcv_rtt_us = 8 * 100000;
	rx(xs, r + 13000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(xs->comp_ack_timer.mock_delay_ns, 1000000);	/* capped */
	mock_hrtimer_fire(&xs->comp_ack_timer);
	/* comp_sack_nr 0, or no SACK: every duplicate ACK at once */
	ut_net()->sysctl.comp_sack_nr = 0;
	rx(xs, r + 14000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 12);
	ut_net()->sysctl.comp_sack_nr = 44;
	xs->sack_ok = false;
	rx(xs, r + 15000, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 13);
	ut_sock_free(xs);
}

TEST(sack_compression_timer_deferred_while_owned)
{
	/* Linux's tcp_compressed_ack_kick(): the socket owned by the user,
	 * the held ACK goes at release_sock(); closing cancels the timer
	 * (its reference dropped)
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;
	int i;

	xs->quickack = 0;
	xs->rcv_rtt_us = 8 * 2000;
	for (i = 1; i <= 4; i++)
		rx(xs, r + 1000 * i, 1, XTCP_ACK, 100, 1000);
	EXPECT_EQ(mock_tx_count, 3);
	SK(xs)->mock_owned_by_user = true;
	mock_hrtimer_fire(&xs->comp_ack_timer);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_TRUE(xs->ack_deferred);
	xtcp_release_cb(SK(xs));
	EXPECT_EQ(mock_tx_count, 4);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPACKCOMPRESSED), 0);
	SK(xs)->mock_owned_by_user = false;
	rx(xs, r + 5000, 1, XTCP_ACK, 100, 1000);
	EXPECT_TRUE(hrtimer_is_queued(&xs->comp_ack_timer));
	xtcp_clear_timers(SK(xs));
	EXPECT_FALSE(hrtimer_is_queued(&xs->comp_ack_timer));
	EXPECT_EQ(xs->compressed_ack, 0);
	ut_sock_free(xs);
}

TEST(duplicate_data_reported_as_dsack)
{
	/* RFC 2883 4: a duplicate segment is reported in the first SACK
	 * block of the ACK it triggers
	 */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	rx(xs, r, 1, XTCP_ACK, 100, 1000);
	rx(xs, r, 1, XTCP_ACK, 100, 1000);		/* again */
	ASSERT_EQ(mock_tx_count, 2);
	EXPECT_EQ(mock_tx[1].ack, r + 1000);
	EXPECT_EQ(mock_tx[1].opts[2], 5);
	EXPECT_EQ(get_unaligned_be32(mock_tx[1].opts + 4), r);
	EXPECT_EQ(get_unaligned_be32(mock_tx[1].opts + 8), r + 1000);
	EXPECT_FALSE(xs->dsack_pending);
	ut_sock_free(xs);
}

TEST(data_beyond_window_dropped)
{
	/* RFC 9293 3.10.7.4: data beyond RCV.NXT + RCV.WND is not taken */
	struct xtcp_sock *xs = ut_sock(1);
	u32 r = xs->rcv_nxt;

	xs->rcv_wnd = 1000;
	rx(xs, r + 1000, 1, XTCP_ACK, 100, 500);
	EXPECT_TRUE(skb_queue_empty(&xs->ofo_queue));
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPZEROWINDOWDROP), 1);
	EXPECT_EQ(mock_tx_count, 1);			/* an ACK says where */
	ut_sock_free(xs);
}

TEST(fin_wait_resets_on_data_not_on_bare_ack)
{
	/* Linux's tcp_rcv_state_process(), FIN_WAIT1/2 with the receive
	 * side shut (close(), or shutdown(SHUT_RD)): a segment carrying
	 * data past rcv_nxt resets (TCPAbortOnData, ECONNRESET); a bare ACK
	 * does not, even with its sequence past rcv_nxt, as the ACK a peer
	 * in CLOSING sends after its FIN we never received (a simultaneous
	 * close whose FIN was lost: the reset killed both ends before they
	 * reached TIME_WAIT)
	 */
	int dead;

	for (dead = 0; dead < 2; dead++) {
		struct xtcp_sock *xs = ut_sock(1);
		struct sock *sk = SK(xs);
		u32 r = xs->rcv_nxt;

		memset(&stub_calls, 0, sizeof(stub_calls));
		mock_tx_count = 0;
		sk->sk_state = TCP_FIN_WAIT2;
		sk->sk_shutdown = SHUTDOWN_MASK;
		if (dead)
			sock_set_flag(sk, SOCK_DEAD);
		rx(xs, r + 1, xs->snd_nxt, XTCP_ACK, 100, 0);
		EXPECT_EQ(ut_mib(XTCP_MIB_TCPABORTONDATA), 0);
		EXPECT_EQ(stub_calls.reset, 0);
		EXPECT_EQ(sk->sk_state, TCP_FIN_WAIT2);
		EXPECT_EQ(mock_tx_count, 0);
		rx(xs, r, xs->snd_nxt, XTCP_ACK, 100, 10);
		EXPECT_EQ(ut_mib(XTCP_MIB_TCPABORTONDATA), 1);
		EXPECT_EQ(stub_calls.reset, 1);
		EXPECT_EQ(stub_calls.reset_err, ECONNRESET);
		ASSERT_EQ(mock_tx_count, 1);
		EXPECT_TRUE(mock_tx[0].flags & XTCP_RST);
		sock_reset_flag(sk, SOCK_DEAD);
		ut_sock_free(xs);
	}
}

/* ---- receive-buffer autotuning ---- */

TEST(autotuning_grows_rcvbuf_per_rtt)
{
	/* Linux's tcp_rcv_space_adjust(): once per receiver RTT, a round
	 * trip's reads larger than the last one's grow SO_RCVBUF to twice
	 * them plus 16 segments and the growth, up to rmem[2]; never with
	 * SO_RCVBUF set or net.xtcp.moderate_rcvbuf=0, never before an RTT
	 * is known or has passed
	 */
	int mode;

	for (mode = 0; mode < 3; mode++) {
		struct xtcp_sock *xs = ut_sock(1);
		struct sock *sk = SK(xs);
		int buf0 = sk->sk_rcvbuf;

		ut_net()->sysctl.moderate_rcvbuf = mode != 2;
		if (mode == 1)
			sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
		xs->advmss = 1448;
		xs->rcv_wnd = 65535;
		xtcp_init_buffer_space(sk);
		EXPECT_EQ(xs->rcvq_space, 14480);
		xs->copied_seq += 100000;
		xtcp_rcv_space_adjust(sk);		/* no RTT yet */
		EXPECT_EQ(sk->sk_rcvbuf, buf0);
		xs->rcv_rtt_us = 1000 << 3;		/* 1 ms */
		mock_clock_advance_us(500);
		xtcp_rcv_space_adjust(sk);		/* not one RTT yet */
		EXPECT_EQ(sk->sk_rcvbuf, buf0);
		mock_clock_advance_us(600);
		xtcp_rcv_space_adjust(sk);
		if (mode) {
			EXPECT_EQ(sk->sk_rcvbuf, buf0);
		} else {
			/* 2 * 100000 + 16 * 1448 = 223168, grown by
			 * 223168 * 85520 / 14480, twice: 2859262 window
			 * bytes; space at 128/256 payload per byte
			 */
			EXPECT_EQ(sk->sk_rcvbuf, 5718524);
		}
		EXPECT_EQ(xs->rcvq_space, 100000);
		EXPECT_EQ(xs->rcvq_seq, xs->copied_seq);
		xs->copied_seq += 10000000;		/* capped at rmem[2] */
		mock_clock_advance_us(1100);
		xtcp_rcv_space_adjust(sk);
		EXPECT_EQ(sk->sk_rcvbuf, mode ? buf0 : 6291456);
		ut_net()->sysctl.moderate_rcvbuf = 1;
		ut_sock_free(xs);
	}
}

TEST(receiver_rtt_from_echo_and_window)
{
	/* Linux's tcp_rcv_rtt_measure_ts(): a full-sized data segment's
	 * echo gives an RTT sample once per echo value; without timestamps
	 * (tcp_rcv_rtt_measure()) the time a window takes to arrive, which
	 * only lowers the estimate
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct xtcp_opts o = { .ts_ok = true };

	xtcp_init_buffer_space(SK(xs));
	o.tsecr = xtcp_clock_ms() + xs->tsoff - 4;	/* 4 ms ago */
	xtcp_rcv_rtt_measure_ts(xs, &o);
	EXPECT_EQ(xs->rcv_rtt_us, 4000 << 3);
	xtcp_rcv_rtt_measure_ts(xs, &o);		/* same echo: ignored */
	EXPECT_EQ(xs->rcv_rtt_us, 4000 << 3);
	xs->rcv_rtt_us = 0;
	xs->rcv_wnd = 10000;
	xtcp_rcv_rtt_measure(xs);			/* starts a window */
	EXPECT_EQ(xs->rcv_rtt_us, 0);
	mock_clock_advance_us(3000);
	xs->rcv_nxt += 5000;
	xtcp_rcv_rtt_measure(xs);			/* half the window */
	EXPECT_EQ(xs->rcv_rtt_us, 0);
	xs->rcv_nxt += 5000;
	xtcp_rcv_rtt_measure(xs);
	EXPECT_EQ(xs->rcv_rtt_us, 3000 << 3);
	mock_clock_advance_us(9000);
	xs->rcv_nxt += 10000;
	xtcp_rcv_rtt_measure(xs);			/* longer: kept lower */
	EXPECT_EQ(xs->rcv_rtt_us, 3000 << 3);
	ut_sock_free(xs);
}

/* ---- SACK blocks we send ---- */

static void ofo_add(struct xtcp_sock *xs, u32 seq, u32 len)
{
	struct sk_buff *skb = mock_skb_data(0, len, 0);

	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + len;
	xtcp_ofo_insert(SK(xs), skb);
}

TEST(sack_blocks_most_recent_first)
{
	/* RFC 2018 4 as Linux orders its selective_acks[]: the first block
	 * holds the most recently received segment, the others follow from
	 * the most recently reached one (a duplicate reaches its block too);
	 * adjacent data is one block; at most XTCP_MAX_SACKS
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct xtcp_sack b[6];
	int i;

	ofo_add(xs, 2000, 100);
	ofo_add(xs, 500, 100);
	ofo_add(xs, 0xfffffc00u, 100);		/* [-1024, -924) */
	ofo_add(xs, 600, 100);			/* [500, 700) */
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 4), 3);
	EXPECT_EQ(b[0].start, 500);
	EXPECT_EQ(b[0].end, 700);
	EXPECT_EQ(b[1].start, 0xfffffc00u);
	EXPECT_EQ(b[1].end, 0xfffffc64u);
	EXPECT_EQ(b[2].start, 2000);
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 2), 2);	/* room for 2 */
	EXPECT_EQ(b[0].start, 500);
	EXPECT_EQ(b[1].start, 0xfffffc00u);
	ofo_add(xs, 2000, 50);				/* a duplicate */
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 4), 4);	/* DSACK, then */
	EXPECT_EQ(b[0].start, 2000);
	EXPECT_EQ(b[0].end, 2050);
	EXPECT_EQ(b[1].start, 2000);			/* its block first */
	EXPECT_EQ(b[2].start, 500);
	EXPECT_EQ(b[3].start, 0xfffffc00u);
	for (i = 0; i < 3; i++)
		ofo_add(xs, 3000 + 200 * i, 100);
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 6), XTCP_MAX_SACKS);
	EXPECT_EQ(b[0].start, 3400);
	EXPECT_EQ(b[1].start, 3200);
	EXPECT_EQ(b[2].start, 3000);
	EXPECT_EQ(b[3].start, 2000);
	ut_sock_free(xs);
}

TEST(sack_blocks_dsack_first)
{
	/* RFC 2883 4: a DSACK block comes first, reported once */
	struct xtcp_sock *xs = ut_sock(1);
	struct xtcp_sack b[4];

	ofo_add(xs, 5000, 100);
	ofo_add(xs, 5000, 50);			/* a duplicate: DSACK */
	EXPECT_EQ(skb_queue_len(&xs->ofo_queue), 1);
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 4), 2);
	EXPECT_EQ(b[0].start, 5000);
	EXPECT_EQ(b[0].end, 5050);
	EXPECT_EQ(b[1].start, 5000);
	EXPECT_EQ(b[1].end, 5100);
	EXPECT_EQ(xtcp_sack_blocks(SK(xs), b, 4), 1);	/* DSACK sent once */
	ut_sock_free(xs);
}

TEST(ofo_pruned_from_highest_sequence)
{
	/* Linux's tcp_prune_ofo_queue(): over the receive buffer, drop
	 * out-of-order data from the highest sequence down
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	int i;

	for (i = 0; i < 4; i++)
		ofo_add(xs, 10000 + 1000 * i, 500);
	sk->sk_rcvbuf = atomic_read(&sk->sk_rmem_alloc) - 1;
	xtcp_prune_ofo(sk);
	EXPECT_EQ(skb_queue_len(&xs->ofo_queue), 3);
	EXPECT_EQ(XTCP_SKB_CB(skb_peek_tail(&xs->ofo_queue))->seq, 12000);
	EXPECT_EQ(ut_mib(XTCP_MIB_OFOPRUNED), 1);
	ut_sock_free(xs);
}

/* ---- collapse, with allocation failures ---- */

/* wasteful in-order buffers: @n segments of @len bytes in 8 KB buffers */
static void fat_rcvq(struct xtcp_sock *xs, int n, u32 len)
{
	u32 seq = xs->copied_seq;
	int i;

	for (i = 0; i < n; i++) {
		struct sk_buff *skb = mock_skb_data(8192 - len, len, (u8)seq);

		XTCP_SKB_CB(skb)->seq = seq;
		XTCP_SKB_CB(skb)->end_seq = seq + len;
		skb_set_owner_r(skb, SK(xs));
		__skb_queue_tail(&SK(xs)->sk_receive_queue, skb);
		seq += len;
	}
	xs->rcv_nxt = seq;
}

/* what recvmsg() would read from copied_seq on, by sequence number; the
 * byte at sequence s is (u8)s by construction. Return: bytes, or -1 on
 * a wrong byte or a gap
 */
static int rcvq_check(struct xtcp_sock *xs)
{
	u32 pos = xs->copied_seq;
	struct sk_buff *skb;

	skb_queue_walk(&SK(xs)->sk_receive_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (!xtcp_after(cb->end_seq, pos))
			continue;
		if (xtcp_after(cb->seq, pos))
			return -1;		/* gap */
		for (; pos != cb->end_seq; pos++)
			if (skb->data[pos - cb->seq] != (u8)pos)
				return -1;
	}
	return pos == xs->rcv_nxt ? (int)(pos - xs->copied_seq) : -1;
}

static int rmem_of_queue(struct xtcp_sock *xs)
{
	struct sk_buff *skb;
	int sum = 0;

	skb_queue_walk(&SK(xs)->sk_receive_queue, skb)
		sum += skb->truesize;
	return sum;
}

TEST(collapse_compacts_receive_queue)
{
	/* Linux's tcp_collapse(): the unread bytes move into compact
	 * buffers, sequence numbers and contents unchanged
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	int before;

	xs->copied_seq = 0xfffff000u;		/* wraps inside the data */
	fat_rcvq(xs, 10, 1000);
	xs->copied_seq += 300;			/* partly read */
	before = atomic_read(&sk->sk_rmem_alloc);
	xtcp_collapse_rcvq(sk);
	EXPECT_EQ(rcvq_check(xs), 10000 - 300);
	EXPECT_LT(atomic_read(&sk->sk_rmem_alloc), before / 4);
	EXPECT_EQ(atomic_read(&sk->sk_rmem_alloc), rmem_of_queue(xs));
	EXPECT_EQ(skb_queue_len(&sk->sk_receive_queue), 3);	/* 3 pages */
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPRCVCOLLAPSED), 1);
	ut_sock_free(xs);
}

TEST(collapse_survives_every_allocation_failure)
{
	/* error injection: the Nth allocation of the collapse fails, for
	 * every N: no crash, no leak (checked after each test), the data
	 * still reads back whole and in order, memory accounting exact
	 */
	int n, bad = 0;

	for (n = 0; n < 5; n++) {
		struct xtcp_sock *xs = ut_sock(1);
		struct sock *sk = SK(xs);
		unsigned int allocs;

		xs->copied_seq = 0xfffff000u;
		fat_rcvq(xs, 10, 1000);
		xs->copied_seq += 300;
		allocs = mock_skb_allocs;
		mock_skb_fail_set(1ULL << n);
		xtcp_collapse_rcvq(sk);
		if (n < 3 && mock_skb_failed != 1)
			unit_fail("failure %d not reached", n);
		if (n >= 3 && mock_skb_allocs - allocs != 3)
			unit_fail("collapse made %u allocations, expected 3",
				  mock_skb_allocs - allocs);
		if (rcvq_check(xs) != 10000 - 300)
			bad++;
		if (atomic_read(&sk->sk_rmem_alloc) != rmem_of_queue(xs))
			bad++;
		mock_skb_fail_set(0);
		mock_skb_failed = 0;
		ut_sock_free(xs);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(mock_skb_live, 0);
}

TEST(collapse_leaves_compact_buffers_alone)
{
	/* nothing wasteful: nothing allocated, nothing moved */
	struct xtcp_sock *xs = ut_sock(1);
	struct sk_buff *skb = mock_skb_data(0, 3000, (u8)xs->copied_seq);
	unsigned int allocs = mock_skb_allocs;

	XTCP_SKB_CB(skb)->seq = xs->copied_seq;
	XTCP_SKB_CB(skb)->end_seq = xs->copied_seq + 3000;
	xs->rcv_nxt = xs->copied_seq + 3000;
	skb_set_owner_r(skb, SK(xs));
	__skb_queue_tail(&SK(xs)->sk_receive_queue, skb);
	xtcp_collapse_rcvq(SK(xs));
	EXPECT_EQ(mock_skb_allocs, allocs);
	EXPECT_TRUE(skb_peek(&SK(xs)->sk_receive_queue) == skb);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPRCVCOLLAPSED), 0);
	ut_sock_free(xs);
}
