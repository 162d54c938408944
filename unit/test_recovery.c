// SPDX-License-Identifier: GPL-2.0
/*
 * Loss detection and recovery (module/xtcp_recovery.c): the SACK
 * scoreboard (RFC 2018, RFC 6675), DSACK (RFC 2883), RACK-TLP (RFC 8985),
 * PRR (RFC 6937), NewReno without SACK (RFC 5681 3.2, RFC 6582), Eifel
 * undo (RFC 3522), against Linux's tcp_sacktag_write_queue(),
 * tcp_check_dsack(), tcp_rack_*(), tcp_cwnd_reduction(),
 * tcp_enter_loss(), tcp_process_tlp_ack() and tcp_packet_delayed().
 *
 * The segments are sent through the real transmit path (xtcp_push()), one
 * millisecond apart, with sequence numbers that wrap in the middle of the
 * flight: segment k covers [S(k), S(k + 1)) and S(5) == 0.
 */
#include "../module/xtcp_recovery.c"
#include "fixture.h"
#include "stubs.h"

#define MSS	1000
#define ISN	(0u - 5 * MSS - 1)
#define S(k)	(ISN + 1 + (u32)(k) * MSS)
#define MS	1000000ULL		/* ns */

static u64 t0;				/* when segment 0 was sent */

static struct xtcp_sock *flight(int n)
{
	struct xtcp_sock *xs = ut_sock(ISN);

	t0 = mock_ns;
	ut_send(xs, n, MSS);		/* segment k leaves at t0 + k ms */
	return xs;
}

static void sack(struct xtcp_opts *o, u32 start, u32 end)
{
	o->sacks[o->num_sacks].start = start;
	o->sacks[o->num_sacks].end = end;
	o->num_sacks++;
}

static u8 sb(struct xtcp_sock *xs, int k)	/* scoreboard bits of k */
{
	return XTCP_SKB_CB(ut_wq(xs, k))->sacked;
}

/* a cumulative ACK up to @ack with options @o, as xtcp_ack() does it */
static void ack_to(struct xtcp_sock *xs, u32 ack, const struct xtcp_opts *o)
{
	struct xtcp_opts none = { 0 };
	u32 prior = xs->snd_una, n = 0;

	if (xtcp_after(ack, prior))
		n = xtcp_clean_acked(SK(xs), ack, false);
	xtcp_recovery_on_ack(SK(xs), prior, n, o ? o : &none,
			     ack == prior && !o);
}

/* ---- scoreboard ---- */

TEST(sack_marks_whole_segments_covered)
{
	/* RFC 6675 / tcp_sacktag_write_queue(): segments inside a block are
	 * SACKed; RACK learns the latest send time delivered and its RTT
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;

	mock_clock_advance_ns(10 * MS);
	sack(&o, S(3), S(6));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 3);
	EXPECT_FALSE(d);
	EXPECT_EQ(sb(xs, 2), 0);
	EXPECT_EQ(sb(xs, 3), XTCP_SACKED);
	EXPECT_EQ(sb(xs, 5), XTCP_SACKED);
	EXPECT_EQ(sb(xs, 6), 0);
	EXPECT_EQ(xs->high_sacked, S(6));
	EXPECT_EQ(xs->rack_xmit_ns, t0 + 5 * MS);
	EXPECT_EQ(xs->rack_end_seq, S(6));
	EXPECT_EQ(xs->rack_rtt_us, 15000);	/* sent at 5 ms, now 20 ms */
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 7);
	/* the same block again marks nothing new */
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 0);
	ut_sock_free(xs);
}

TEST(sack_partial_cover_not_marked)
{
	/* a segment is SACKed only when all of it was reported */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;

	sack(&o, S(3) + 500, S(5));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 1);
	EXPECT_EQ(sb(xs, 3), 0);
	EXPECT_EQ(sb(xs, 4), XTCP_SACKED);
	ut_sock_free(xs);
}

TEST(sack_invalid_blocks_ignored)
{
	/* tcp_is_sackblock_valid(): empty or reversed blocks, blocks past
	 * snd_nxt, and (after the first) blocks below snd_una are ignored
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;

	sack(&o, S(1), S(2));			/* valid */
	sack(&o, S(9), S(11));			/* beyond snd_nxt */
	sack(&o, S(4), S(3));			/* reversed */
	sack(&o, S(6), S(6));			/* empty */
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 1);
	EXPECT_FALSE(d);
	EXPECT_EQ(sb(xs, 9), 0);
	EXPECT_EQ(sb(xs, 3), 0);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPDSACKRECV), 0);
	ut_sock_free(xs);
}

TEST(dsack_below_snd_una)
{
	/* RFC 2883 4.1.1 / tcp_check_dsack(): a first block below the
	 * cumulative ACK reports a duplicate; RACK's window then grows
	 * (RFC 8985 6.2 step 4)
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;

	xtcp_clean_acked(SK(xs), S(4), false);
	sack(&o, S(1), S(2));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 0);
	EXPECT_TRUE(d);
	EXPECT_FALSE(dt);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPDSACKRECV), 1);
	EXPECT_TRUE(xs->rack_reord);
	EXPECT_EQ(xs->rack_reo_steps, 2);
	ut_sock_free(xs);
}

TEST(dsack_inside_second_block)
{
	/* RFC 2883 4.2.1: a first block inside the second reports a
	 * duplicate of SACKed data; the second block still counts
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 }, p = { 0 };
	bool d, dt;

	sack(&o, S(5), S(6));
	sack(&o, S(4), S(7));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 3);
	EXPECT_TRUE(d);
	EXPECT_EQ(sb(xs, 4), XTCP_SACKED);
	/* distinct blocks are not a DSACK */
	sack(&p, S(8), S(9));
	sack(&p, S(4), S(7));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &p, &d, &dt), 1);
	EXPECT_FALSE(d);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPDSACKRECV), 1);
	ut_sock_free(xs);
}

TEST(dsack_grows_reo_wnd_once_per_round_trip)
{
	/* RFC 8985 6.2 step 4 (Linux's tcp_rack_update_reo_wnd()): at most
	 * one step per round trip; back to one step after 16 recoveries
	 * without a DSACK
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;
	int i;

	xtcp_clean_acked(SK(xs), S(4), false);
	sack(&o, S(1), S(2));
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	EXPECT_EQ(xs->rack_reo_steps, 2);	/* same round trip */
	EXPECT_EQ(xs->rack_dsack_seq, S(10));
	xtcp_clean_acked(SK(xs), S(10), false);	/* a round trip later */
	ut_send(xs, 2, MSS);
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	EXPECT_EQ(xs->rack_reo_steps, 3);
	EXPECT_EQ(xs->rack_recoveries, 16);
	for (i = 0; i < 15; i++) {
		xtcp_enter_recovery(SK(xs));
		xs->ca_state = XTCP_CA_OPEN;
	}
	EXPECT_EQ(xs->rack_reo_steps, 3);
	xtcp_enter_recovery(SK(xs));
	EXPECT_EQ(xs->rack_reo_steps, 1);
	ut_sock_free(xs);
}

TEST(reordering_degree_from_late_sack)
{
	/* tcp_check_sack_reordering(): a never-retransmitted segment SACKed
	 * below the highest SACKed one: reordering = distance in segments
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts a = { 0 }, b = { 0 };
	bool d, dt;

	sack(&a, S(9), S(10));
	xtcp_sacktag(SK(xs), &a, &d, &dt);
	EXPECT_EQ(xs->reordering, 3);
	EXPECT_FALSE(xs->rack_reord);
	sack(&b, S(2), S(3));
	sack(&b, S(9), S(10));
	xtcp_sacktag(SK(xs), &b, &d, &dt);
	EXPECT_EQ(xs->reordering, 8);		/* (S(10) - S(2)) / MSS */
	EXPECT_TRUE(xs->rack_reord);
	ut_sock_free(xs);
}

TEST(sack_blocks_sorted_no_false_reordering)
{
	/* blocks arrive most recent first (RFC 2018 4); Linux sorts them
	 * before tagging, so two new holes in one ACK are not reordering
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;

	sack(&o, S(7), S(8));
	sack(&o, S(3), S(4));
	EXPECT_EQ(xtcp_sacktag(SK(xs), &o, &d, &dt), 2);
	EXPECT_EQ(xs->reordering, 3);
	EXPECT_FALSE(xs->rack_reord);
	ut_sock_free(xs);
}

TEST(retransmitted_segment_is_no_reordering_evidence)
{
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts a = { 0 }, b = { 0 };
	bool d, dt;

	sack(&a, S(9), S(10));
	xtcp_sacktag(SK(xs), &a, &d, &dt);
	XTCP_SKB_CB(ut_wq(xs, 2))->retransmitted = true;
	sack(&b, S(2), S(3));
	xtcp_sacktag(SK(xs), &b, &d, &dt);
	EXPECT_EQ(xs->reordering, 3);
	EXPECT_FALSE(xs->rack_reord);
	ut_sock_free(xs);
}

TEST(pipe_rfc6675)
{
	/* RFC 6675 SetPipe / Linux tcp_packets_in_flight(): sent - SACKed
	 * - lost + retransmitted; unsent segments do not count; dupacks
	 * stand in for SACKs without SACK; never negative
	 */
	struct xtcp_sock *xs = flight(10);
	int k;

	xs->snd_wnd = 0;
	ut_queue(xs, MSS);			/* unsent */
	xtcp_push(SK(xs));
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 10);
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 0)), XTCP_LOST);
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 1)), XTCP_LOST | XTCP_RETRANS);
	for (k = 2; k < 5; k++)
		xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, k)), XTCP_SACKED);
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 6);
	EXPECT_EQ(xtcp_flight_size(SK(xs)), 10);
	EXPECT_EQ(xtcp_sacked_out(SK(xs)), 3);
	xs->reno_sacked = 2;
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 4);
	xs->reno_sacked = 100;
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 0);
	ut_sock_free(xs);
}

/* ---- RACK ---- */

TEST(rack_sent_after_tie_break)
{
	/* RFC 8985 RACK_sent_after(): later time, or same time and higher
	 * end sequence (modulo 2^32)
	 */
	EXPECT_TRUE(xtcp_sent_after(2, 0, 1, 5));
	EXPECT_FALSE(xtcp_sent_after(1, 5, 2, 0));
	EXPECT_TRUE(xtcp_sent_after(7, 0x10, 7, 0xfffffff0u));
	EXPECT_FALSE(xtcp_sent_after(7, 5, 7, 5));
}

TEST(rack_reo_wnd_rules)
{
	/* RFC 8985 6.2 step 4: 0 while no reordering was seen and (in
	 * recovery, or DupThresh segments SACKed); else min_rtt / 4 per
	 * step, at most SRTT
	 */
	struct xtcp_sock *xs = flight(10);
	int k;

	xs->min_rtt_us = 40000;
	xs->srtt_us = 100000 << 3;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 10000);
	xs->ca_state = XTCP_CA_RECOVERY;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 0);
	xs->ca_state = XTCP_CA_OPEN;
	for (k = 0; k < 3; k++)
		xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, k)), XTCP_SACKED);
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 0);
	xs->rack_reord = true;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 10000);
	xs->rack_reo_steps = 3;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 30000);
	xs->rack_reo_steps = 20;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 100000);	/* SRTT bound */
	/* XTCP's documented floor once reordering was seen (README, "Not
	 * done yet"): 1 ms even on a 400 us path
	 */
	xs->rack_reo_steps = 1;
	xs->min_rtt_us = 400;
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), XTCP_REO_WND_MIN_US);
	ut_sock_free(xs);
}

TEST(rack_detect_loss_by_time)
{
	/* RFC 8985 6.2 step 5: a segment sent before RACK.xmit_ts is lost
	 * once RACK.rtt + reo_wnd has passed since it was sent; the others
	 * are waited for (the timer); later ones are not judged
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	unsigned long wait;
	bool d, dt;
	u32 lost;
	int k;

	mock_clock_advance_ns(8 * MS);		/* now = t0 + 18 ms */
	sack(&o, S(8), S(9));			/* sent at 8 ms: rtt 10 ms */
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	EXPECT_EQ(xs->rack_rtt_us, 10000);
	EXPECT_EQ(xtcp_rack_reo_wnd(SK(xs)), 2500);	/* min_rtt / 4 */
	wait = xtcp_rack_detect_loss(SK(xs), &lost);
	EXPECT_EQ(lost, 6);			/* ages 18..13 ms >= 12.5 ms */
	for (k = 0; k <= 5; k++)
		EXPECT_EQ(sb(xs, k), XTCP_LOST);
	EXPECT_EQ(sb(xs, 6), 0);		/* 12 ms: 0.5 ms to go */
	EXPECT_EQ(sb(xs, 7), 0);		/* 11 ms: 1.5 ms to go */
	EXPECT_EQ(sb(xs, 9), 0);		/* sent after: not judged */
	EXPECT_EQ(wait, 1);			/* 1.5 ms: at least a tick */
	mock_clock_advance_ns(3 * MS / 2);
	wait = xtcp_rack_detect_loss(SK(xs), &lost);
	EXPECT_EQ(lost, 2);
	EXPECT_EQ(wait, 0);
	EXPECT_EQ(sb(xs, 9), 0);
	ut_sock_free(xs);
}

TEST(rack_finds_lost_retransmission)
{
	/* RFC 8985 6.2: a retransmission is judged by its own send time;
	 * Linux counts it in TCPLostRetransmit
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	bool d, dt;
	u32 lost;

	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 0)), XTCP_LOST);
	xs->cwnd = 10;
	xtcp_xmit_lost(SK(xs));			/* resent at t0 + 10 ms */
	EXPECT_EQ(sb(xs, 0), XTCP_LOST | XTCP_RETRANS);
	mock_clock_advance_ns(5 * MS);
	ut_send(xs, 1, MSS);			/* segment 10 at t0 + 15 ms */
	/* now t0 + 30 ms: RACK.rtt 15 ms, reo_wnd 3.75 ms, the resend is
	 * 20 ms old
	 */
	mock_clock_advance_ns(14 * MS);
	sack(&o, S(10), S(11));			/* delivered after the resend */
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	xtcp_rack_detect_loss(SK(xs), &lost);
	EXPECT_EQ(sb(xs, 0), XTCP_LOST);	/* lost again, to resend */
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPLOSTRETRANSMIT), 1);
	ut_sock_free(xs);
}

TEST(rack_ignores_ack_of_original_for_retransmission)
{
	/* RFC 8985 6.2 step 2: a retransmitted segment acknowledged sooner
	 * than min_rtt after the resend may be the original's ACK: ignored
	 */
	struct xtcp_sock *xs = flight(4);
	struct xtcp_opts o = { 0 };
	u64 before;
	bool d, dt;

	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(4));
	xtcp_sacktag(SK(xs), &o, &d, &dt);	/* min_rtt 21 ms */
	before = xs->rack_xmit_ns;
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 1)), XTCP_LOST);
	xtcp_xmit_lost(SK(xs));
	mock_clock_advance_ns(1 * MS);
	o.sacks[0].start = S(1);
	o.sacks[0].end = S(2);
	xtcp_sacktag(SK(xs), &o, &d, &dt);
	EXPECT_EQ(xs->rack_xmit_ns, before);
	EXPECT_EQ(xs->rack_rtt_us, 21000);
	ut_sock_free(xs);
}

/* ---- recovery ---- */

TEST(rack_reo_timer_marks_late_holes)
{
	/* RFC 8985 6.3 / Linux tcp_rack_reo_timeout(): holes still inside
	 * the reordering window arm a timer; when it fires they are lost
	 * and retransmitted as the window allows, then the RTO takes over
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };

	mock_clock_advance_ns(8 * MS);		/* as rack_detect_loss_by_time */
	sack(&o, S(8), S(9));
	ack_to(xs, S(0), &o);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_EQ(sb(xs, 5), XTCP_LOST);
	EXPECT_EQ(sb(xs, 6), 0);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_REO);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + 1);
	ASSERT_EQ(mock_tx_count, 11);		/* PRR: one retransmission */
	EXPECT_EQ(mock_tx[10].seq, S(0));
	mock_clock_advance_ns(2 * MS);
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(sb(xs, 6), XTCP_LOST);
	EXPECT_EQ(sb(xs, 7), XTCP_LOST);
	EXPECT_EQ(sb(xs, 9), 0);		/* sent after segment 8 */
	ASSERT_EQ(mock_tx_count, 13);		/* lowest holes first */
	EXPECT_EQ(mock_tx[11].seq, S(1));
	EXPECT_EQ(mock_tx[12].seq, S(2));
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	ut_sock_free(xs);
}

TEST(retransmission_alloc_failure_stays_lost)
{
	/* error injection: the clone of a retransmission cannot be
	 * allocated: the segment stays LOST (not RETRANS, not in the pipe),
	 * nothing leaks, and the next ACK sends it
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };

	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(10));
	mock_skb_fail_set(1);			/* the first retransmission */
	ack_to(xs, S(0), &o);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_EQ(mock_skb_failed, 1);
	EXPECT_EQ(mock_tx_count, 10);		/* xtcp_xmit_lost() stopped */
	EXPECT_EQ(sb(xs, 0), XTCP_LOST);
	EXPECT_EQ(ut_mib(XTCP_MIB_RETRANSSEGS), 0);
	ack_to(xs, S(0), NULL);			/* a duplicate ACK */
	ASSERT_GE(mock_tx_count, 11);
	EXPECT_EQ(mock_tx[10].seq, S(0));
	EXPECT_EQ(sb(xs, 0), XTCP_LOST | XTCP_RETRANS);
	ut_sock_free(xs);
}

TEST(failed_retransmission_not_counted_as_sent)
{
	/* Linux counts prr_out (tcp_xmit_retransmit_queue()) and stamps the
	 * send time (tcp_update_skb_after_send()) only for a segment that
	 * left; a failed one must neither use PRR's budget nor look
	 * freshly sent to RACK
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	u64 sent;

	mock_clock_advance_ns(20 * MS);
	sent = XTCP_SKB_CB(ut_wq(xs, 0))->xmit_ns;
	sack(&o, S(3), S(10));
	mock_skb_fail_set(1);
	ack_to(xs, S(0), &o);
	EXPECT_EQ(mock_tx_count, 10);
	EXPECT_EQ(xs->prr_out, 0);
	EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, 0))->xmit_ns, sent);
	ut_sock_free(xs);
}

TEST(sack_recovery_enters_and_retransmits)
{
	/* RFC 6675 + RFC 8985: RACK marks the holes lost, recovery starts
	 * with ssthresh = FlightSize / 2 (RFC 5681 eq. 4), PRR opens the
	 * window (RFC 6937) and the lost segments go again; the ACK of
	 * everything ends recovery at ssthresh (RFC 6937 3)
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };

	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(10));
	ack_to(xs, S(0), &o);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_EQ(xs->ssthresh, 5);
	EXPECT_EQ(xs->prior_cwnd, 10);
	EXPECT_EQ(xs->recover, S(10));
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPSACKRECOVERY), 1);
	ASSERT_EQ(mock_tx_count, 13);
	EXPECT_EQ(mock_tx[10].seq, S(0));
	EXPECT_EQ(mock_tx[11].seq, S(1));
	EXPECT_EQ(mock_tx[12].seq, S(2));
	EXPECT_EQ(xs->prr_out, 3);
	EXPECT_EQ(xs->cwnd, 5);			/* pipe 0 + min(5, 7) */
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPFASTRETRANS), 3);
	EXPECT_EQ(ut_mib(XTCP_MIB_RETRANSSEGS), 3);
	ack_to(xs, S(10), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->cwnd, 5);
	ut_sock_free(xs);
}

/* ten segments sent as one GSO skb, at t0 */
static struct xtcp_sock *big_flight(void)
{
	struct xtcp_sock *xs = ut_sock(ISN);

	stub_gso_max_segs = 10;
	xs->cwnd = 10;
	xs->nodelay = true;
	t0 = mock_ns;
	ut_queue(xs, 10 * MSS);
	xtcp_push(SK(xs));
	return xs;
}

TEST(gso_flight_partial_ack_counts_whole_segments)
{
	/* Linux's tcp_tso_acked(): an ACK inside a GSO skb in flight trims
	 * it; the segments wholly acknowledged leave packets_out
	 */
	struct xtcp_sock *xs = big_flight();

	ASSERT_EQ(ut_wq_len(xs), 1);
	EXPECT_EQ(xs->packets_out, 10);
	EXPECT_TRUE(xs->big_out);
	mock_clock_advance_ns(10 * MS);
	EXPECT_EQ(xtcp_clean_acked(SK(xs), S(4) + 500, false), 4);
	EXPECT_EQ(xs->packets_out, 6);
	EXPECT_EQ(ut_wq(xs, 0)->len, 5500);
	EXPECT_EQ(xtcp_skb_segs(ut_wq(xs, 0)), 6);
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 6);
	EXPECT_EQ(xtcp_clean_acked(SK(xs), S(10), false), 6);
	EXPECT_EQ(xs->packets_out, 0);
	EXPECT_FALSE(xs->big_out);
	EXPECT_EQ(ut_wq_len(xs), 0);
	ut_sock_free(xs);
}

TEST(gso_flight_cut_per_segment_at_first_sack)
{
	/* the first SACK block cuts the GSO skb into one skb per segment,
	 * each with its send time, before tagging: recovery then runs as
	 * for segments sent one by one (sack_recovery_enters_and_retransmits)
	 */
	struct xtcp_sock *xs = big_flight();
	struct xtcp_opts o = { 0 };
	int k;

	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].gso_segs, 10);
	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(10));
	ack_to(xs, S(0), &o);
	EXPECT_FALSE(xs->big_out);
	ASSERT_EQ(ut_wq_len(xs), 10);
	for (k = 0; k < 10; k++) {
		EXPECT_EQ(ut_wq(xs, k)->len, MSS);
		EXPECT_EQ(xtcp_skb_segs(ut_wq(xs, k)), 1);
		EXPECT_EQ(XTCP_SKB_CB(ut_wq(xs, k))->seq, S(k));
	}
	EXPECT_EQ(xs->packets_out, 10);
	EXPECT_EQ(xs->sacked_out, 7);
	EXPECT_EQ(sb(xs, 3), XTCP_SACKED);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	ASSERT_EQ(mock_tx_count, 4);
	EXPECT_EQ(mock_tx[1].seq, S(0));
	EXPECT_EQ(mock_tx[1].len, MSS);
	EXPECT_EQ(mock_tx[1].gso_segs, 0);
	EXPECT_EQ(mock_tx[3].seq, S(2));
	EXPECT_EQ(ut_mib(XTCP_MIB_RETRANSSEGS), 3);
	ack_to(xs, S(10), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->packets_out, 0);
	ut_sock_free(xs);
}

TEST(gso_flight_cut_per_segment_on_rto)
{
	/* an RTO marks every segment of the GSO skb lost, one by one: the
	 * head alone goes again
	 */
	struct xtcp_sock *xs = big_flight();

	xtcp_enter_loss(SK(xs));
	EXPECT_EQ(ut_wq_len(xs), 10);
	EXPECT_EQ(xs->packets_out, 10);
	EXPECT_EQ(xs->pipe_excl, 10);
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 0);
	EXPECT_EQ(xtcp_retransmit_head(SK(xs)), 0);
	EXPECT_EQ(mock_tx[mock_tx_count - 1].seq, S(0));
	EXPECT_EQ(mock_tx[mock_tx_count - 1].len, MSS);
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 1);
	ut_sock_free(xs);
}

TEST(cubic_recovery_ends_at_seven_tenths)
{
	/* the same loss with CUBIC (Linux's default): ssthresh = cwnd *
	 * 717 / 1024 = 7 from cwnd 10 (Linux's cubictcp_recalc_ssthresh()
	 * uses cwnd, not the flight), PRR sends up to it, and recovery ends
	 * with cwnd 7 where NewReno ends with 5; Wmax is remembered
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };

	ASSERT_EQ(xtcp_cong_set(SK(xs), "cubic"), 0);
	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(10));
	ack_to(xs, S(0), &o);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_EQ(xs->ssthresh, 7);
	EXPECT_EQ(xs->prior_cwnd, 10);
	ASSERT_EQ(mock_tx_count, 13);		/* the three holes again */
	EXPECT_EQ(xs->cwnd, 7);			/* pipe 0 + min(7, 7 + 1) */
	EXPECT_EQ(((u32 *)xs->ca_priv)[1], 10);	/* last_max_cwnd */
	ack_to(xs, S(10), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->cwnd, 7);
	EXPECT_EQ(xs->ssthresh, 7);
	ut_sock_free(xs);
}

/* the TSval of a transmitted segment (kind 8 in its options) */
static u32 tx_tsval(const struct mock_seg *m)
{
	int i = 0, n = (m->doff - 5) * 4;

	while (i < n) {
		if (m->opts[i] == 1) {
			i++;
			continue;
		}
		if (m->opts[i] == 8)
			return get_unaligned_be32(&m->opts[i + 2]);
		if (!m->opts[i] || m->opts[i + 1] < 2)
			break;
		i += m->opts[i + 1];
	}
	return 0;
}

TEST(no_eifel_undo_for_echo_of_the_retransmission)
{
	/* the ACK of a retransmission echoes that retransmission's TSval:
	 * no undo, even when the clock moved on while it was being sent (a
	 * veth runs the peer's receive path inside the transmit call);
	 * Linux's retrans_stamp is the segment's own send time
	 */
	struct xtcp_sock *xs = flight(10);
	struct xtcp_opts o = { 0 };
	u32 ts;

	xs->ts_ok = true;
	mock_clock_advance_ns(20 * MS);
	mock_xmit_delay_ns = 3 * MS;
	sack(&o, S(1), S(10));
	ack_to(xs, S(0), &o);
	ASSERT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	ASSERT_EQ(mock_tx_count, 11);
	ts = tx_tsval(&mock_tx[10]);
	EXPECT_NE(ts, 0);
	memset(&o, 0, sizeof(o));
	o.ts_ok = true;
	o.tsval = 1;
	o.tsecr = ts;
	ack_to(xs, S(10), &o);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPFULLUNDO), 0);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->cwnd, xs->ssthresh);
	EXPECT_LT(xs->cwnd, 10);
	ut_sock_free(xs);
}

TEST(prr_proportional_rate_reduction)
{
	/* RFC 6937 3, pipe > ssthresh: sndcnt = CEIL(prr_delivered *
	 * ssthresh / RecoverFS) - prr_out: one segment per two delivered
	 * when ssthresh is half the window
	 */
	static const int want[] = { 1, 0, 1, 0, 1, 0, 1, 0 };
	struct xtcp_sock *xs = flight(20);
	unsigned int i;
	u32 pipe;

	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 0)), XTCP_LOST);
	pipe = xtcp_packets_in_flight(SK(xs));
	EXPECT_EQ(pipe, 19);
	xs->ca_state = XTCP_CA_RECOVERY;
	xs->prior_cwnd = 20;
	xs->ssthresh = 10;
	xs->prr_delivered = xs->prr_out = 0;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		xtcp_prr(SK(xs), 1, false);
		EXPECT_EQ((int)(xs->cwnd - pipe), want[i]);
		xs->prr_out += xs->cwnd - pipe;	/* what was allowed went */
	}
	EXPECT_EQ(xs->prr_out, 4);		/* 8 delivered, 4 sent */
	ut_sock_free(xs);
}

TEST(prr_slow_start_reduction_bound)
{
	/* RFC 6937 3, pipe <= ssthresh (PRR-SSRB as Linux): sndcnt =
	 * min(ssthresh - pipe, max(prr_delivered - prr_out, delivered)
	 * + 1 if snd_una advanced); at least 1 before anything was sent
	 */
	struct xtcp_sock *xs = flight(20);
	int k;

	for (k = 0; k < 12; k++)
		xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, k)), XTCP_LOST);
	EXPECT_EQ(xtcp_packets_in_flight(SK(xs)), 8);
	xs->ca_state = XTCP_CA_RECOVERY;
	xs->prior_cwnd = 20;
	xs->ssthresh = 10;
	xs->prr_delivered = xs->prr_out = 0;
	xtcp_prr(SK(xs), 1, false);
	EXPECT_EQ(xs->cwnd, 8 + 1);
	xs->prr_delivered = xs->prr_out = 0;
	xtcp_prr(SK(xs), 1, true);
	EXPECT_EQ(xs->cwnd, 8 + 2);
	xs->prr_delivered = xs->prr_out = 0;
	xtcp_prr(SK(xs), 5, true);		/* bounded by ssthresh - pipe */
	EXPECT_EQ(xs->cwnd, 10);
	xs->ssthresh = 8;			/* pipe == ssthresh */
	xs->prr_delivered = xs->prr_out = 0;
	xtcp_prr(SK(xs), 1, false);
	EXPECT_EQ(xs->cwnd, 9);			/* still the first one */
	xs->prr_out = 1;
	xtcp_prr(SK(xs), 1, false);
	EXPECT_EQ(xs->cwnd, 8);
	ut_sock_free(xs);
}

TEST(eifel_undo_spurious_recovery)
{
	/* RFC 3522 / Linux tcp_packet_delayed(): the ACK of a retransmitted
	 * segment echoes a TSval older than the retransmission: the
	 * original arrived, the reduction is undone, the path reorders
	 */
	struct xtcp_sock *xs;
	struct xtcp_opts o = { 0 }, e = { 0 };
	u32 orig_ts;

	xs = ut_sock(ISN);
	xs->ts_ok = true;
	xs->tsoff = 1000;
	orig_ts = xtcp_clock_ms() + xs->tsoff;
	t0 = mock_ns;
	ut_send(xs, 10, MSS);
	mock_clock_advance_ns(20 * MS);
	sack(&o, S(3), S(10));
	o.ts_ok = true;
	o.tsecr = orig_ts + 5;
	ack_to(xs, S(0), &o);
	ASSERT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_NE(xs->undo_tsval, 0);
	EXPECT_EQ(xs->cwnd, 5);
	/* an ACK for the retransmission itself changes nothing */
	e.ts_ok = true;
	e.tsecr = xs->undo_tsval;
	ack_to(xs, S(1), &e);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	/* the original's ACK: undone */
	e.tsecr = orig_ts + 1;
	ack_to(xs, S(3), &e);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	/* 10 restored, then slow start on the same ACK's 2 segments, as
	 * Linux's tcp_cong_avoid() after tcp_try_undo_recovery()
	 */
	EXPECT_EQ(xs->cwnd, 12);
	EXPECT_GE(xs->ssthresh, 0x7fffffffu);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPFULLUNDO), 1);
	EXPECT_TRUE(xs->rack_reord);
	EXPECT_EQ(xs->undo_tsval, 0);
	ut_sock_free(xs);
}

TEST(eifel_undo_after_timeout_counts_loss_undo)
{
	struct xtcp_sock *xs;
	struct xtcp_opts e = { 0 };
	u32 orig_ts;

	xs = ut_sock(ISN);
	xs->ts_ok = true;
	orig_ts = xtcp_clock_ms();
	ut_send(xs, 4, MSS);
	mock_clock_advance_ns(1000 * MS);
	mock_timer_fire(&xs->retrans_timer);	/* RTO: Loss state */
	ASSERT_EQ(xs->ca_state, XTCP_CA_LOSS);
	EXPECT_EQ(xs->cwnd, 1);
	e.ts_ok = true;
	e.tsecr = orig_ts + 2;			/* the original got there */
	ack_to(xs, S(4), &e);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->cwnd, 10);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPLOSSUNDO), 1);
	ut_sock_free(xs);
}

TEST(enter_loss_marks_unsacked_lost)
{
	/* Linux's tcp_enter_loss() (RFC 6675 5.1): cwnd 1, ssthresh from
	 * the flight, every un-SACKed segment lost, SACKed ones kept; a
	 * second timeout in the Loss state keeps ssthresh
	 */
	struct xtcp_sock *xs = flight(10);
	int k;

	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 3)), XTCP_SACKED);
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 4)), XTCP_SACKED);
	xtcp_enter_loss(SK(xs));
	EXPECT_EQ(xs->ca_state, XTCP_CA_LOSS);
	EXPECT_EQ(xs->cwnd, 1);
	EXPECT_EQ(xs->ssthresh, 5);
	EXPECT_EQ(xs->prior_cwnd, 10);
	EXPECT_EQ(xs->recover, S(10));
	for (k = 0; k < 10; k++)
		EXPECT_EQ(sb(xs, k), (k == 3 || k == 4) ? XTCP_SACKED : XTCP_LOST);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPTIMEOUTS), 1);
	xs->retransmits = 1;
	xs->cwnd = 4;
	xtcp_enter_loss(SK(xs));
	EXPECT_EQ(xs->ssthresh, 5);
	EXPECT_EQ(xs->cwnd, 1);
	ut_sock_free(xs);
}

TEST(enter_loss_forgets_sacks_on_reneging)
{
	/* RFC 2018 8: the head SACKed yet not acknowledged means the
	 * receiver reneged; every SACK is forgotten (TCPSACKReneging)
	 */
	struct xtcp_sock *xs = flight(5);
	int k;

	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 0)), XTCP_SACKED);
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 2)), XTCP_SACKED);
	xs->high_sacked = S(3);
	xtcp_enter_loss(SK(xs));
	for (k = 0; k < 5; k++)
		EXPECT_EQ(sb(xs, k), XTCP_LOST);
	EXPECT_EQ(xs->high_sacked, xs->snd_una);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPSACKRENEGING), 1);
	ut_sock_free(xs);
}

TEST(reneging_ack_arms_short_timer)
{
	/* Linux's tcp_check_sack_reneging(): the ACK stops at a SACKed
	 * segment: the RTO fires after max(srtt / 2, 10 ms)
	 */
	struct xtcp_sock *xs = flight(5);
	struct xtcp_opts o = { 0 };

	xs->srtt_us = 100000 << 3;
	sack(&o, S(2), S(3));
	ack_to(xs, S(0), &o);
	xtcp_set_sacked(xs, XTCP_SKB_CB(ut_wq(xs, 0)), XTCP_SACKED);
	ack_to(xs, S(0), &o);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + usecs_to_jiffies(50000));
	ut_sock_free(xs);
}

TEST(reno_three_dupacks_fast_retransmit)
{
	/* RFC 5681 3.2 without SACK: the third duplicate ACK retransmits
	 * the head, ssthresh = FlightSize / 2; each duplicate ACK stands
	 * for a segment that left the network
	 */
	struct xtcp_sock *xs = flight(10);

	xs->sack_ok = false;
	ack_to(xs, S(0), NULL);
	ack_to(xs, S(0), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(mock_tx_count, 10);
	ack_to(xs, S(0), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_EQ(xs->dupacks, 3);
	EXPECT_EQ(xs->reno_sacked, 3);
	EXPECT_EQ(xs->ssthresh, 5);
	ASSERT_EQ(mock_tx_count, 11);
	EXPECT_EQ(mock_tx[10].seq, S(0));
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPRENORECOVERY), 1);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPSACKRECOVERY), 0);
	ut_sock_free(xs);
}

TEST(newreno_partial_ack_marks_next_hole)
{
	/* RFC 6582 3.2 step 5: a partial ACK (below "recover") means the
	 * next segment was lost too: it is retransmitted when PRR allows
	 */
	struct xtcp_sock *xs = flight(10);

	xs->sack_ok = false;
	ack_to(xs, S(0), NULL);
	ack_to(xs, S(0), NULL);
	ack_to(xs, S(0), NULL);
	ack_to(xs, S(1), NULL);			/* partial ACK */
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	EXPECT_TRUE(sb(xs, 0) & XTCP_LOST);	/* segment 1 is the head now */
	EXPECT_EQ(mock_tx_count, 11);		/* PRR: pipe 6 > ssthresh 5 */
	ack_to(xs, S(1), NULL);			/* pipe 5 == ssthresh: none */
	EXPECT_EQ(mock_tx_count, 11);
	ack_to(xs, S(1), NULL);			/* pipe 4: one may go */
	ASSERT_EQ(mock_tx_count, 12);
	EXPECT_EQ(mock_tx[11].seq, S(1));
	ack_to(xs, S(10), NULL);
	EXPECT_EQ(xs->ca_state, XTCP_CA_OPEN);
	EXPECT_EQ(xs->cwnd, xs->ssthresh);
	ut_sock_free(xs);
}

/* ---- tail loss probe ---- */

TEST(tlp_scheduled_two_rtts_ahead)
{
	/* RFC 8985 7.2: PTO = 2 * SRTT (+ TCP_TIMEOUT_MIN as Linux), plus
	 * the peer's delayed-ACK allowance (200 ms) when one segment is out
	 */
	struct xtcp_sock *xs = flight(5);

	xs->srtt_us = 100000 << 3;
	ack_to(xs, S(1), NULL);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_LOSS_PROBE);
	EXPECT_EQ(xs->retrans_timer.expires,
		  jiffies + usecs_to_jiffies(200000) + 2);
	ack_to(xs, S(4), NULL);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_LOSS_PROBE);
	EXPECT_EQ(xs->retrans_timer.expires,
		  jiffies + usecs_to_jiffies(200000) + XTCP_RTO_MIN);
	ut_sock_free(xs);
}

TEST(tlp_takes_the_rto_place_when_sooner)
{
	/* Linux's tcp_schedule_loss_probe(): a PTO later than the RTO is
	 * cut to the RTO's time and the probe goes then instead
	 */
	struct xtcp_sock *xs = flight(5);

	xs->srtt_us = 800000 << 3;		/* PTO 1.6 s > RTO 1 s */
	ack_to(xs, S(1), NULL);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_LOSS_PROBE);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + xs->rto);
	ut_sock_free(xs);
}

TEST(tlp_scheduled_after_new_data)
{
	/* Linux's tcp_write_xmit(): new data out arms the probe, at the
	 * RTO's time at the latest (counted from the oldest segment out)
	 */
	struct xtcp_sock *xs = ut_sock(ISN);

	xs->srtt_us = 10000 << 3;		/* PTO 20 ms + 200 ms */
	ut_send(xs, 1, MSS);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_LOSS_PROBE);
	EXPECT_EQ(xs->retrans_timer.expires, XTCP_SKB_CB(ut_wq(xs, 0))->when +
		  usecs_to_jiffies(20000) + XTCP_RTO_MIN);
	ut_sock_free(xs);

	xs = ut_sock(ISN);
	xs->srtt_us = 10000 << 3;
	xs->rto = HZ / 10;			/* the RTO comes first */
	ut_send(xs, 1, MSS);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_LOSS_PROBE);
	EXPECT_EQ(xs->retrans_timer.expires, XTCP_SKB_CB(ut_wq(xs, 0))->when + HZ / 10);
	ut_sock_free(xs);
}

/*
 * The probe tests end their flight at S(6), not S(5) == 0: tlp_high_seq
 * 0 means "no probe out" (as Linux's tp->tlp_high_seq), so a probe sent
 * when snd_nxt is exactly 0 is not tracked, in XTCP as in Linux.
 */
TEST(tlp_probe_resends_last_segment)
{
	/* RFC 8985 7.3: no new data may go: retransmit the last segment */
	struct xtcp_sock *xs = flight(6);

	xs->srtt_us = 100000 << 3;
	ack_to(xs, S(1), NULL);
	mock_timer_fire(&xs->retrans_timer);
	ASSERT_EQ(mock_tx_count, 7);
	EXPECT_EQ(mock_tx[6].seq, S(5));
	EXPECT_TRUE(xs->tlp_retrans);
	EXPECT_EQ(xs->tlp_high_seq, S(6));
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPLOSSPROBES), 1);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	ut_sock_free(xs);
}

TEST(tlp_probe_sends_new_data_first)
{
	/* RFC 8985 7.3: new data when the window allows, one segment */
	struct xtcp_sock *xs = flight(5);

	xs->srtt_us = 100000 << 3;
	xs->nodelay = true;
	ack_to(xs, S(1), NULL);
	xs->cwnd = 4;				/* cwnd-limited: unsent data */
	ut_queue(xs, MSS);
	ut_queue(xs, MSS);
	mock_timer_fire(&xs->retrans_timer);
	ASSERT_EQ(mock_tx_count, 6);
	EXPECT_EQ(mock_tx[5].seq, S(5));
	EXPECT_FALSE(xs->tlp_retrans);
	EXPECT_EQ(xs->tlp_high_seq, S(6));
	EXPECT_EQ(xs->cwnd, 4);
	ut_sock_free(xs);
}

TEST(tlp_ack_processing)
{
	/* RFC 8985 7.4 / tcp_process_tlp_ack(): an ACK beyond the probe
	 * without a DSACK for it shows the probe repaired a loss: the
	 * window is reduced; a DSACK of the probe means no loss
	 */
	struct xtcp_sock *xs = flight(6);
	struct xtcp_opts o = { 0 };
	u32 cwnd;

	xs->srtt_us = 100000 << 3;
	ack_to(xs, S(1), NULL);
	mock_timer_fire(&xs->retrans_timer);	/* resends segment 5 */
	ack_to(xs, S(6), NULL);			/* exactly the probe: wait */
	EXPECT_EQ(xs->tlp_high_seq, S(6));
	EXPECT_EQ(xs->ssthresh, 0x7fffffffu);	/* no reduction yet */
	ut_send(xs, 1, MSS);
	cwnd = xs->cwnd;
	ack_to(xs, S(7), NULL);			/* beyond: it was a loss */
	EXPECT_EQ(xs->tlp_high_seq, 0);
	/* the algorithm's ssthresh (Reno: half of cwnd, Linux's
	 * tcp_reno_ssthresh()), cwnd down to it (tcp_end_cwnd_reduction())
	 */
	EXPECT_EQ(xs->ssthresh, cwnd / 2);
	EXPECT_EQ(xs->cwnd, cwnd / 2);
	ut_sock_free(xs);

	xs = flight(6);
	xs->srtt_us = 100000 << 3;
	ack_to(xs, S(1), NULL);
	mock_timer_fire(&xs->retrans_timer);
	sack(&o, S(5), S(6));			/* DSACK of the probe */
	ack_to(xs, S(6), &o);
	EXPECT_EQ(xs->tlp_high_seq, 0);
	EXPECT_EQ(xs->ssthresh, 0x7fffffffu);	/* no reduction */
	ut_sock_free(xs);
}
