// SPDX-License-Identifier: GPL-2.0
/*
 * Loss detection and recovery (Linux's tcp_recovery.c and the recovery
 * half of tcp_input.c): the SACK scoreboard, RACK-TLP, PRR, undo.
 *
 * Recovery is pipe-based (RFC 6675) with a SACK scoreboard in each sent
 * segment's control block (SACKED, LOST, RETRANS) and loss detection by
 * RACK-TLP (RFC 8985), as Linux does it:
 *   - SACK blocks mark segments SACKED; every segment delivered (SACKed or
 *     cumulatively ACKed) advances RACK: the latest send time delivered and
 *     its RTT. A segment sent before that one is LOST once RACK.rtt plus a
 *     reordering window has passed since it was sent (a timer looks again
 *     for the others), retransmissions included. The window is 0 until the
 *     path is seen to reorder (a never-retransmitted segment delivered below
 *     one delivered before it, a DSACK, an Eifel undo), then min_rtt/4,
 *     growing a step per round trip with DSACKs (RFC 8985 6.2);
 *   - reordering (DupThresh) grows only on that evidence, up to Linux's
 *     tcp_max_reordering, and decides with RACK when no window is needed;
 *   - a tail loss probe (TLP) after two RTTs in the Open state sends new
 *     data or the last segment again, so a lost tail is repaired by RACK
 *     instead of the RTO (RFC 8985 7);
 *   - without SACK, three duplicate ACKs mark the first segment LOST and each
 *     duplicate ACK stands for one segment that left the network; a partial
 *     ACK marks the next one LOST (NewReno, RFC 6582);
 *   - in recovery cwnd follows Proportional Rate Reduction (RFC 6937) down
 *     to ssthresh; LOST segments are retransmitted while pipe < cwnd;
 *     recovery ends when the ACK passes the sequence number sent when it
 *     began;
 *   - a retransmission timeout marks every un-SACKed segment LOST, cwnd 1,
 *     and retransmits in slow start (Linux's Loss state);
 *   - Eifel (RFC 3522) undoes a reduction that timestamps prove spurious.
 * The receiver's half (SACK blocks and DSACK we send) is in xtcp_input.c.
 * Context for all of it: socket lock or bh_lock_sock held.
 */
#include "xtcp.h"

#define XTCP_DUPTHRESH		3
#define XTCP_MAX_REORDERING	300	/* Linux's tcp_max_reordering */

/* Walk the segments that were sent (before send_head). */
#define xtcp_for_each_sent(sk, skb)					\
	for (skb = skb_peek(&(sk)->sk_write_queue);			\
	     skb && skb != xtcp_sk(sk)->send_head;			\
	     skb = skb_queue_is_last(&(sk)->sk_write_queue, skb) ?	\
		   NULL : skb->next)

/**
 * xtcp_recovery_init() - a connection is established: congestion control
 * (xtcp_cong_init()) and a fresh loss-recovery state
 * @sk: socket
 */
void xtcp_recovery_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	xs->reno_sacked = 0;
	xs->reordering = XTCP_DUPTHRESH;
	xs->high_sacked = xs->snd_una;
	xs->rack_xmit_ns = 0;
	xs->rack_end_seq = xs->snd_una;
	xs->rack_rtt_us = 0;
	xs->rack_reo_steps = 1;
	xs->rack_recoveries = 0;
	xs->rack_reord = false;
	xs->rack_dsack_seq = xs->snd_una;
	xs->tlp_high_seq = 0;
	xs->acked_unsacked = 0;
	xtcp_cong_init(sk);
}

/* RACK's clock: ns, like Linux's tcp_clock_ns() */
static u64 xtcp_rack_now(void)
{
	return ktime_get_ns();
}

/* RFC 8985 RACK_sent_after(): (t1, seq1) was sent after (t2, seq2) */
static bool xtcp_sent_after(u64 t1, u32 seq1, u64 t2, u32 seq2)
{
	return t1 > t2 || (t1 == t2 && xtcp_after(seq1, seq2));
}

/**
 * xtcp_recovery_skb_sent() - a segment of the write queue leaves (first time
 * or again): stamp it for RACK, count it for PRR
 * @sk: socket
 * @skb: the write-queue segment
 */
void xtcp_recovery_skb_sent(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	XTCP_SKB_CB(skb)->xmit_ns = xtcp_rack_now();
	if (xs->ca_state == XTCP_CA_RECOVERY)
		xs->prr_out++;
}

/* Lowest RTT seen, over Linux's default window (tcp_min_rtt_wlen 300 s) */
static void xtcp_update_min_rtt(struct xtcp_sock *xs, u32 rtt_us)
{
	rtt_us = max(rtt_us, 1U);
	if (!xs->min_rtt_us || rtt_us <= xs->min_rtt_us ||
	    time_after(jiffies, xs->min_rtt_stamp + 300 * HZ)) {
		xs->min_rtt_us = rtt_us;
		xs->min_rtt_stamp = jiffies;
	}
}

/*
 * RFC 8985 6.2 step 2, as Linux's tcp_rack_advance(): @cb was delivered
 * (SACKed or cumulatively ACKed); remember the latest send time delivered
 * and that segment's RTT. A retransmission ACKed sooner than min_rtt may
 * be the original's ACK: it says nothing.
 */
static void xtcp_rack_advance(struct xtcp_sock *xs,
			      const struct xtcp_skb_cb *cb, u64 now)
{
	u32 rtt_us;

	if (!cb->xmit_ns || now < cb->xmit_ns)
		return;
	rtt_us = div_u64(now - cb->xmit_ns, NSEC_PER_USEC);
	if (cb->retransmitted) {
		if (rtt_us < xs->min_rtt_us)
			return;
	} else {
		xtcp_update_min_rtt(xs, rtt_us);
		/* the congestion control's sample: the latest sent (the
		 * shortest RTT) of this ACK's deliveries, as Linux's
		 * ca_rtt_us from last_ackt / last_sackt
		 */
		if (xs->ca_rtt_us < 0 || rtt_us < (u32)xs->ca_rtt_us)
			xs->ca_rtt_us = min_t(u32, rtt_us, INT_MAX);
	}
	xs->rack_rtt_us = rtt_us;
	if (xtcp_sent_after(cb->xmit_ns, cb->end_seq, xs->rack_xmit_ns,
			    xs->rack_end_seq)) {
		xs->rack_xmit_ns = cb->xmit_ns;
		xs->rack_end_seq = cb->end_seq;
	}
}

/**
 * xtcp_check_reordering() - a segment never retransmitted was delivered
 * below one delivered before it (SACKed or cumulatively ACKed): the path
 * reorders (Linux's tcp_check_sack_reordering())
 * @sk: socket
 * @seq: start of the late segment
 *
 * The reordering degree only grows past what was seen, in segments, up
 * to Linux's tcp_max_reordering; RACK widens its window from then on.
 */
void xtcp_check_reordering(struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = max_t(u32, xs->mss_cache, 1);
	u32 metric;

	if (!xtcp_after(xs->high_sacked, seq))
		return;
	metric = xs->high_sacked - seq;
	if (metric > xs->reordering * mss)
		xs->reordering = min_t(u32, DIV_ROUND_UP(metric, mss),
				       XTCP_MAX_REORDERING);
	xs->rack_reord = true;
}

/**
 * xtcp_recovery_skb_acked() - a sent segment is cumulatively acknowledged and
 * about to be freed
 * @sk: socket
 * @skb: the segment
 */
void xtcp_recovery_skb_acked(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->flags & XTCP_SYN)
		return;
	if (cb->sacked & XTCP_SACKED)
		return;			/* counted when it was SACKed */
	xs->acked_unsacked += xtcp_skb_segs(skb);
	xtcp_rack_advance(xs, cb, xtcp_rack_now());
}

#ifdef CONFIG_DEBUG_NET
/* A debug kernel checks the scoreboard counters against a walk of the
 * queue, as Linux's tcp_verify_left_out().
 */
static void xtcp_verify_counters(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 out = 0, sacked = 0, excl = 0;
	struct sk_buff *skb;

	xtcp_for_each_sent(sk, skb) {
		u8 st = XTCP_SKB_CB(skb)->sacked;

		out += xtcp_skb_segs(skb);
		/* only a segment alone has a scoreboard state */
		WARN_ONCE(st && xtcp_skb_segs(skb) > 1,
			  "xtcp scoreboard: state %u on a GSO skb\n", st);
		sacked += !!(st & XTCP_SACKED);
		excl += xtcp_sacked_excl(st);
	}
	WARN_ONCE(out != xs->packets_out || sacked != xs->sacked_out ||
		  excl != xs->pipe_excl,
		  "xtcp scoreboard: packets_out %u/%u sacked_out %u/%u pipe_excl %u/%u\n",
		  xs->packets_out, out, xs->sacked_out, sacked, xs->pipe_excl,
		  excl);
}
#else
static void xtcp_verify_counters(struct sock *sk)
{
}
#endif

/**
 * xtcp_packets_in_flight() - RFC 6675 "pipe": segments in the network
 * @sk: socket
 *
 * Linux's tcp_packets_in_flight(), from counters kept as the scoreboard
 * changes (xtcp_set_sacked()), with no walk of the queue.
 * Context: socket lock or bh_lock_sock held.
 * Return: sent segments neither SACKed nor marked lost (lost ones count
 * again once retransmitted), less the dupacks standing in for SACKs
 * (reno_sacked).
 */
u32 xtcp_packets_in_flight(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 pipe;

	xtcp_verify_counters(sk);
	pipe = xs->packets_out - min(xs->packets_out, xs->pipe_excl);
	return pipe - min(pipe, xs->reno_sacked);
}

/**
 * xtcp_flight_size() - RFC 5681 FlightSize: segments sent and not
 * cumulatively acknowledged (Linux's packets_out)
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: the count.
 */
u32 xtcp_flight_size(struct sock *sk)
{
	return xtcp_sk(sk)->packets_out;
}

static bool xtcp_flight_size_is_one(struct sock *sk)
{
	return xtcp_sk(sk)->packets_out == 1;
}

/* SACKed segments on the scoreboard */
static u32 xtcp_sacked_out(struct sock *sk)
{
	return xtcp_sk(sk)->sacked_out;
}

/* RFC 2883 DSACK seen: RACK's reordering window grows a step, at most
 * once a round trip (Linux's tcp_rack_update_reo_wnd()).
 */
static void xtcp_rack_dsack(struct xtcp_sock *xs)
{
	if (xtcp_before(xs->snd_una, xs->rack_dsack_seq))
		return;
	xs->rack_reo_steps = min_t(u32, xs->rack_reo_steps + 1, 0xff);
	xs->rack_dsack_seq = xs->snd_nxt;
	xs->rack_recoveries = 16;	/* Linux's TCP_RACK_RECOVERY_THRESH */
}

/*
 * Mark segments the peer's SACK blocks cover, as Linux's
 * tcp_sacktag_write_queue(): a first block below the ACK or inside the
 * second is a DSACK (RFC 2883); the others are walked in sequence order,
 * so that an ACK reporting several new blocks at once (an ACK before it
 * was lost) is not mistaken for reordering.
 * *@dsack: a DSACK arrived; *@dsack_tlp: it covers the loss probe.
 * Return: segments newly SACKed.
 */
static u32 xtcp_sacktag(struct sock *sk, const struct xtcp_opts *opt,
			bool *dsack, bool *dsack_tlp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sack blk[XTCP_MAX_SACKS];
	u32 reord = xs->snd_nxt, newly = 0;
	u64 now = xtcp_rack_now();
	int i, j, n = 0, first = 0;

	*dsack = *dsack_tlp = false;
	if (!opt->num_sacks)
		return 0;
	if (xtcp_before(opt->sacks[0].start, xs->snd_una) ||
	    (opt->num_sacks > 1 &&
	     !xtcp_after(opt->sacks[0].end, opt->sacks[1].end) &&
	     !xtcp_before(opt->sacks[0].start, opt->sacks[1].start))) {
		*dsack = true;
		first = 1;
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPDSACKRECV);
		*dsack_tlp = xs->tlp_high_seq && xs->tlp_retrans &&
			     opt->sacks[0].end == xs->tlp_high_seq;
	}
	for (i = first; i < opt->num_sacks && i < XTCP_MAX_SACKS; i++) {
		struct xtcp_sack b = opt->sacks[i];

		/* RFC 2018: ignore blocks outside what is outstanding */
		if (!xtcp_before(b.start, b.end) ||
		    xtcp_before(b.start, xs->snd_una) ||
		    xtcp_after(b.end, xs->snd_nxt))
			continue;
		for (j = n; j > 0 && xtcp_before(b.start, blk[j - 1].start); j--)
			blk[j] = blk[j - 1];
		blk[j] = b;
		n++;
	}
	for (i = 0; i < n; i++) {
		struct sk_buff *skb;

		xtcp_for_each_sent(sk, skb) {
			struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

			if (!xtcp_before(cb->seq, blk[i].end))
				break;
			if (xtcp_before(cb->seq, blk[i].start) ||
			    xtcp_after(cb->end_seq, blk[i].end) ||
			    (cb->sacked & XTCP_SACKED))
				continue;
			/* never retransmitted, yet below one delivered earlier */
			if (!cb->retransmitted &&
			    xtcp_before(cb->seq, xs->high_sacked) &&
			    xtcp_before(cb->seq, reord))
				reord = cb->seq;
			xtcp_set_sacked(xs, cb, XTCP_SACKED);
			xtcp_rack_advance(xs, cb, now);
			if (xtcp_after(cb->end_seq, xs->high_sacked))
				xs->high_sacked = cb->end_seq;
			newly++;
		}
	}
	if (xtcp_before(reord, xs->snd_nxt))
		xtcp_check_reordering(sk, reord);
	/* a DSACK not explained by the loss probe: a spurious
	 * retransmission, the reordering window was too short
	 */
	if (*dsack && !*dsack_tlp) {
		xs->rack_reord = true;
		xtcp_rack_dsack(xs);
	}
	return newly;
}

#define XTCP_REO_WND_MIN_US	1000

/*
 * RACK's reordering window (RFC 8985 6.2 step 4, Linux's
 * tcp_rack_reo_wnd()), in us: none while no reordering was ever seen and
 * recovery is under way or DupThresh segments were SACKed; else a quarter
 * of min_rtt per step, at most one smoothed RTT. Once the path has been
 * seen to reorder, never less than XTCP_REO_WND_MIN_US: on sub-millisecond
 * paths a quarter of min_rtt is a few microseconds, less than the time a
 * multi-queue receiver (veth's per-CPU backlogs) takes to reorder, and
 * every such reordering became a spurious retransmission.
 */
static u32 xtcp_rack_reo_wnd(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 srtt = max(xs->srtt_us >> 3, xs->rack_rtt_us);
	u32 wnd;

	if (!xs->rack_reord) {
		if (xs->ca_state != XTCP_CA_OPEN)
			return 0;
		if (xtcp_sacked_out(sk) >= xs->reordering)
			return 0;
	}
	wnd = min((xs->min_rtt_us >> 2) * xs->rack_reo_steps, srtt);
	return xs->rack_reord ? max_t(u32, wnd, XTCP_REO_WND_MIN_US) : wnd;
}

/*
 * RFC 8985 6.2 step 5 (Linux's tcp_rack_detect_loss()): a segment sent
 * before the latest delivered one is lost once RACK.rtt + reo_wnd has
 * passed since it was sent; a lost retransmission is found the same way.
 * Return: jiffies until the next such segment times out (0: none);
 * *@lost: segments newly marked.
 */
static unsigned long xtcp_rack_detect_loss(struct sock *sk, u32 *lost)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now = xtcp_rack_now(), wait = 0;
	u64 limit = ((u64)xs->rack_rtt_us + xtcp_rack_reo_wnd(sk)) *
		    NSEC_PER_USEC;
	struct sk_buff *skb;

	*lost = 0;
	if (!xs->rack_xmit_ns)
		return 0;
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u64 age;

		if (cb->sacked & XTCP_SACKED)
			continue;
		if ((cb->sacked & (XTCP_LOST | XTCP_RETRANS)) == XTCP_LOST)
			continue;		/* already waiting to go again */
		if (!cb->xmit_ns)
			continue;
		if (!xtcp_sent_after(xs->rack_xmit_ns, xs->rack_end_seq,
				     cb->xmit_ns, cb->end_seq)) {
			/* sent after the latest delivery, and first sent
			 * once: every later segment was too (first
			 * transmissions leave in sequence order, and a
			 * retransmission leaves after its first), so the
			 * walk ends, as Linux's ends in its time-sorted list
			 */
			if (!cb->retransmitted)
				break;
			continue;
		}
		age = now > cb->xmit_ns ? now - cb->xmit_ns : 0;
		if (age >= limit) {
			if (cb->sacked & XTCP_RETRANS)
				xtcp_inc_stats(sock_net(sk),
					       XTCP_MIB_TCPLOSTRETRANSMIT);
			xtcp_set_sacked(xs, cb, XTCP_LOST);
			(*lost)++;
		} else {
			wait = max(wait, limit - age);
		}
	}
	if (!wait)
		return 0;
	return max_t(unsigned long, nsecs_to_jiffies(wait), 1);
}

/* Holes still inside the reordering window: look again when it ends. */
static void xtcp_arm_reo_timer(struct sock *sk, unsigned long delay)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long when = jiffies + delay;

	if (!delay)
		return;
	if (!timer_pending(&xs->retrans_timer) ||
	    time_before(when, xs->retrans_timer.expires))
		xtcp_reset_xmit_timer(sk, XTCP_XMIT_REO, delay);
}

/**
 * xtcp_tlp_schedule() - arm the tail loss probe (RFC 8985 7.2, Linux's
 *	tcp_schedule_loss_probe())
 * @sk: socket
 * @advancing_rto: the caller restarts the RTO now (an ACK), so the RTO
 *	would fire a whole RTO from now rather than when its timer says
 *
 * With data out in the Open state on a SACK connection and no probe
 * outstanding, probe the tail after two RTTs (plus the peer's delayed-ACK
 * allowance when one segment is out), or when the RTO would fire if that
 * is sooner: the probe then takes the RTO's place, and the RTO is armed
 * again once the probe is out. Called after new data is sent and after an
 * ACK that acknowledged or SACKed something.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_tlp_schedule(struct sock *sk, bool advancing_rto)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 srtt = max(xs->srtt_us >> 3, xs->rack_rtt_us);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned long pto, rto_delta = xs->rto;

	if (!xs->sack_ok || xs->ca_state != XTCP_CA_OPEN || xs->tlp_high_seq ||
	    xs->snd_una == xs->snd_nxt || !head || head == xs->send_head ||
	    xs->xmit_timer == XTCP_XMIT_REO || !srtt ||
	    ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		return;
	pto = usecs_to_jiffies(2 * srtt);
	/* one segment out and none to follow: the peer may delay its ACK */
	if (xtcp_flight_size_is_one(sk) && !xs->send_head)
		pto += XTCP_RTO_MIN;
	else
		pto += 2;		/* Linux's TCP_TIMEOUT_MIN */
	/* the RTO's own time, if sooner: an RTO after the oldest segment
	 * out was sent (Linux's tcp_rto_delta_us())
	 */
	if (!advancing_rto) {
		unsigned long rto_at = XTCP_SKB_CB(head)->when + xs->rto;

		rto_delta = time_after(rto_at, jiffies) ? rto_at - jiffies : 1;
	}
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_LOSS_PROBE, min(pto, rto_delta));
}

/**
 * xtcp_send_loss_probe() - the loss probe timer fired (RFC 8985 7.3)
 * @sk: socket
 *
 * Sends one new segment if the peer's window takes it, else the last one
 * again; either draws an ACK (with SACK or DSACK) that lets RACK repair a
 * tail loss without an RTO.
 * Context: bh_lock_sock held, not owned by the user (timer).
 * Return: a probe went out (the RTO is re-armed); false for the caller
 * to arm the RTO.
 */
bool xtcp_send_loss_probe(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb, *last = NULL;
	u32 nxt = xs->snd_nxt;

	if (xs->ca_state != XTCP_CA_OPEN || xs->tlp_high_seq ||
	    xs->snd_una == xs->snd_nxt)
		return false;
	if (xs->send_head) {
		u32 cwnd = xs->cwnd;

		xs->cwnd = xtcp_packets_in_flight(sk) + 1;	/* just one */
		xtcp_push(sk);
		xs->cwnd = cwnd;
	}
	if (xs->snd_nxt != nxt) {
		xs->tlp_retrans = false;
	} else {
		xtcp_split_flight(sk);
		xtcp_for_each_sent(sk, skb)
			last = skb;
		if (!last || (XTCP_SKB_CB(last)->sacked & XTCP_SACKED) ||
		    xtcp_retransmit_skb(sk, last))
			return false;
		xs->tlp_retrans = true;
	}
	xs->tlp_high_seq = xs->snd_nxt;
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPLOSSPROBES);
	return true;
}

/* Remember cwnd/ssthresh before a reduction, for a possible undo. */
static void xtcp_save_undo(struct xtcp_sock *xs)
{
	xs->prior_cwnd = xs->cwnd;
	xs->prior_ssthresh = xs->ssthresh;
	xs->undo_tsval = 0;
}

/*
 * RFC 3522 (Eifel) as Linux's tcp_packet_delayed(): the ACK that covers a
 * retransmitted segment echoes a timestamp older than our first
 * retransmission, so the original got there: the reduction was spurious
 * (reordering, or a delay longer than the RTO). Restore the window, end the
 * episode; the path reorders. Return: undone.
 */
static bool xtcp_try_undo(struct sock *sk, u32 prior_una,
			  const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (xs->ca_state == XTCP_CA_OPEN || !xs->undo_tsval || !xs->ts_ok ||
	    !opt->ts_ok || !opt->tsecr || !xtcp_after(xs->snd_una, prior_una) ||
	    (s32)(opt->tsecr - xs->undo_tsval) >= 0)
		return false;

	xtcp_inc_stats(sock_net(sk), xs->ca_state == XTCP_CA_LOSS ?
			XTCP_MIB_TCPLOSSUNDO : XTCP_MIB_TCPFULLUNDO);
	xs->cwnd = max(xs->cwnd, xs->prior_cwnd);
	xs->ssthresh = max(xs->ssthresh, xs->prior_ssthresh);
	xtcp_cong_set_state(sk, XTCP_CA_OPEN);
	xs->undo_tsval = 0;
	xs->reno_sacked = 0;
	xs->dupacks = 0;
	xtcp_check_reordering(sk, prior_una);
	xs->rack_reord = true;
	xtcp_rack_dsack(xs);	/* a spurious retransmission, as a DSACK says */
	xtcp_for_each_sent(sk, skb)
		xtcp_set_sacked(xs, XTCP_SKB_CB(skb),
				XTCP_SKB_CB(skb)->sacked & ~XTCP_LOST);
	return true;
}

/* RFC 6937 PRR starts: ssthresh now, cwnd follows the deliveries */
static void xtcp_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_save_undo(xs);
	xs->ssthresh = xs->ca_ops->ssthresh(xs);
	xs->cwnd_cnt = 0;
	xs->recover = xs->snd_nxt;
	xtcp_cong_set_state(sk, XTCP_CA_RECOVERY);
	xs->prr_delivered = 0;
	xs->prr_out = 0;
	xs->tlp_high_seq = 0;
	if (xs->rack_recoveries && !--xs->rack_recoveries)
		xs->rack_reo_steps = 1;
	xtcp_inc_stats(sock_net(sk), xs->sack_ok ? XTCP_MIB_TCPSACKRECOVERY :
						  XTCP_MIB_TCPRENORECOVERY);
}

/*
 * RFC 6937 PRR as Linux's tcp_cwnd_reduction(): while pipe is above
 * ssthresh send in proportion to what is delivered; below it, slow start
 * back up to ssthresh (reduction bound); at least the first retransmission.
 */
static void xtcp_prr(struct sock *sk, u32 delivered, bool una_advanced)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 pipe = xtcp_packets_in_flight(sk);
	int delta = (int)xs->ssthresh - (int)pipe, sndcnt;

	if (!delivered || !xs->prior_cwnd)
		return;
	xs->prr_delivered += delivered;
	if (delta < 0) {
		u64 d = (u64)xs->ssthresh * xs->prr_delivered +
			xs->prior_cwnd - 1;

		sndcnt = (int)div_u64(d, xs->prior_cwnd) - (int)xs->prr_out;
	} else {
		sndcnt = max_t(int, (int)xs->prr_delivered - (int)xs->prr_out,
			       (int)delivered);
		if (una_advanced)
			sndcnt++;
		sndcnt = min(delta, sndcnt);
	}
	sndcnt = max(sndcnt, xs->prr_out ? 0 : 1);
	xs->cwnd = pipe + max(sndcnt, 0);
}

/* Mark the first un-SACKed sent segment lost (fast/partial-ACK rexmit). */
static void xtcp_mark_head_lost(struct sock *sk)
{
	struct sk_buff *skb;

	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (cb->sacked & XTCP_SACKED)
			continue;
		xtcp_set_sacked(xtcp_sk(sk), cb,
				(cb->sacked | XTCP_LOST) & ~XTCP_RETRANS);
		return;
	}
}

/**
 * xtcp_xmit_lost() - retransmit LOST segments while the pipe allows
 * @sk: socket
 */
void xtcp_xmit_lost(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 pipe = xtcp_packets_in_flight(sk);
	struct sk_buff *skb;

	/* @pipe_excl less @sacked_out counts exactly the segments marked
	 * lost, neither retransmitted since nor SACKed: none, no walk (as
	 * Linux looks at the queue only while lost_out is not zero)
	 */
	if (xs->pipe_excl == xs->sacked_out)
		return;
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if ((cb->sacked & (XTCP_LOST | XTCP_RETRANS | XTCP_SACKED)) !=
		    XTCP_LOST)
			continue;
		if (pipe >= xs->cwnd)
			break;
		if (xtcp_retransmit_skb(sk, skb))
			break;
		if (xs->ca_state != XTCP_CA_LOSS)
			xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPFASTRETRANS);
		pipe++;
	}
}

/*
 * RFC 8985 7.4 (Linux's tcp_process_tlp_ack()): once the ACK passes the
 * probe, a probe that repaired a loss (no DSACK for it) costs a window
 * reduction, as fast recovery would have.
 */
static void xtcp_process_tlp_ack(struct sock *sk, bool una_advanced,
				 bool dsack_tlp, u32 newly_sacked)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->tlp_high_seq || xtcp_before(xs->snd_una, xs->tlp_high_seq))
		return;
	if (!xs->tlp_retrans || dsack_tlp) {
		xs->tlp_high_seq = 0;
	} else if (xtcp_after(xs->snd_una, xs->tlp_high_seq)) {
		xs->tlp_high_seq = 0;
		if (xs->ca_state == XTCP_CA_OPEN) {
			xs->ssthresh = xs->ca_ops->ssthresh(xs);
			xs->cwnd = min(xs->cwnd, xs->ssthresh);
			xs->cwnd_cnt = 0;
		}
	} else if (!una_advanced && !newly_sacked) {
		xs->tlp_high_seq = 0;	/* pure duplicate: both arrived */
	}
}

/*
 * Linux's tcp_check_sack_reneging(): the ACK points at a segment the peer
 * SACKed, so it threw that data away; give it half an RTT (a late ACK
 * may still come) and let the RTO, which then forgets the SACKs, resend.
 */
static void xtcp_check_reneging(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned long delay;

	if (!xs->sack_ok || !head || head == xs->send_head ||
	    !(XTCP_SKB_CB(head)->sacked & XTCP_SACKED))
		return;
	delay = max_t(unsigned long, usecs_to_jiffies(xs->srtt_us >> 4),
		      msecs_to_jiffies(10));
	delay = min_t(unsigned long, delay, xs->rto);
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, delay);
}

/**
 * xtcp_recovery_on_ack() - an acceptable ACK arrived: grow cwnd, detect and
 * repair losses
 * @sk: socket (ESTABLISHED or later)
 * @prior_una: snd_una before this ACK
 * @acked_segs: segments this ACK acknowledged cumulatively
 * @opt: the ACK's options (SACK blocks)
 * @dupack: a duplicate ACK in RFC 5681's sense
 */
void xtcp_recovery_on_ack(struct sock *sk, u32 prior_una, u32 acked_segs,
		      const struct xtcp_opts *opt, bool dupack)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sack = xs->sack_ok, dsack = false, dsack_tlp = false;
	bool una_adv = xtcp_after(xs->snd_una, prior_una);
	u32 newly_sacked = 0, delivered, lost = 0;
	unsigned long next = 0;

	if (!xs->ca_ops)
		xtcp_recovery_init(sk);
	/* per segment from the first sign of a loss on */
	if (opt->num_sacks || dupack || xs->ca_state != XTCP_CA_OPEN)
		xtcp_split_flight(sk);
	if (sack && opt->num_sacks)
		newly_sacked = xtcp_sacktag(sk, opt, &dsack, &dsack_tlp);
	delivered = sack ? xs->acked_unsacked + newly_sacked : acked_segs;
	xs->acked_unsacked = 0;
	/* Linux's pkts_acked hook, before loss detection and cwnd growth */
	if (xs->ca_ops->pkts_acked)
		xs->ca_ops->pkts_acked(xs, xs->ca_rtt_us);
	xs->ca_rtt_us = -1;
	if (!sack) {
		xs->reno_sacked -= min(xs->reno_sacked, acked_segs);
		if (dupack && xs->snd_una != xs->snd_nxt) {
			xs->reno_sacked++;
			delivered++;
		}
	}
	if (una_adv)
		xs->dupacks = 0;
	else if (dupack)
		xs->dupacks++;
	xtcp_process_tlp_ack(sk, una_adv, dsack_tlp, newly_sacked);
	xtcp_try_undo(sk, prior_una, opt);

	if (xs->ca_state == XTCP_CA_RECOVERY &&
	    !xtcp_before(xs->snd_una, xs->recover)) {
		xs->cwnd = xs->ssthresh;	/* RFC 6937: end at ssthresh */
		xtcp_cong_set_state(sk, XTCP_CA_OPEN);
		xs->reno_sacked = 0;
		xs->dupacks = 0;
		acked_segs = 0;
	}
	if (xs->ca_state == XTCP_CA_LOSS &&
	    !xtcp_before(xs->snd_una, xs->recover))
		xtcp_cong_set_state(sk, XTCP_CA_OPEN);

	if (sack)
		next = xtcp_rack_detect_loss(sk, &lost);

	switch (xs->ca_state) {
	case XTCP_CA_OPEN:
		/* RFC 7661: grow only a window that is in use */
		if (acked_segs && xtcp_is_cwnd_limited(xs))
			xs->ca_ops->cong_avoid(xs, acked_segs);
		if (sack ? lost > 0 : xs->dupacks >= XTCP_DUPTHRESH) {
			if (!sack)
				xtcp_mark_head_lost(sk);
			xtcp_enter_recovery(sk);
			xtcp_prr(sk, max(delivered, 1U), una_adv);
		}
		break;
	case XTCP_CA_RECOVERY:
		if (!sack && una_adv)
			xtcp_mark_head_lost(sk);	/* partial ACK */
		xtcp_prr(sk, delivered, una_adv);
		break;
	case XTCP_CA_LOSS:
		if (acked_segs && xtcp_is_cwnd_limited(xs))
			xs->ca_ops->cong_avoid(xs, acked_segs);
		break;
	}
	xtcp_xmit_lost(sk);
	xtcp_arm_reo_timer(sk, next);
	if (una_adv || newly_sacked)
		xtcp_tlp_schedule(sk, una_adv);
	xtcp_check_reneging(sk);
}

/**
 * xtcp_rack_reo_timeout() - RACK's reordering window ended (Linux's
 * tcp_rack_reo_timeout()): mark what is now lost and retransmit it
 * @sk: socket
 *
 * Context: bh_lock_sock held, not owned by the user (timer).
 * Return: true if the timer is re-armed (RTO, and the reordering timer for
 * holes still inside the window); false for the caller to arm the RTO.
 */
bool xtcp_rack_reo_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long next;
	u32 lost;

	if (!xs->sack_ok)
		return false;
	xtcp_split_flight(sk);
	next = xtcp_rack_detect_loss(sk, &lost);
	if (!lost) {
		if (!next)
			return false;
		xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
		xtcp_arm_reo_timer(sk, next);
		return true;
	}
	if (xs->ca_state == XTCP_CA_OPEN) {
		xtcp_enter_recovery(sk);
		xtcp_prr(sk, 1, false);
	} else if (xs->ca_state == XTCP_CA_RECOVERY && !xs->prr_out) {
		xtcp_prr(sk, 1, false);
	}
	xtcp_xmit_lost(sk);
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
	xtcp_arm_reo_timer(sk, next);
	return true;
}

/**
 * xtcp_enter_loss() - the retransmission timer fired with data out
 * @sk: socket
 *
 * Everything not SACKed is considered lost; cwnd 1, slow start again.
 */
void xtcp_enter_loss(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	bool reneg;

	if (!xs->ca_ops)
		xtcp_recovery_init(sk);
	xtcp_split_flight(sk);
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPTIMEOUTS);
	if (xs->ca_state != XTCP_CA_LOSS || !xs->retransmits) {
		if (xs->ca_state == XTCP_CA_OPEN)
			xtcp_save_undo(xs);
		xs->ssthresh = xs->ca_ops->ssthresh(xs);
	}
	/* a timeout after many SACKs: the reordering degree was overrated
	 * (Linux's tcp_enter_loss())
	 */
	if (xs->ca_state == XTCP_CA_OPEN &&
	    xtcp_sacked_out(sk) >= xs->reordering)
		xs->reordering = min_t(u32, xs->reordering, XTCP_DUPTHRESH);
	xs->cwnd = 1;
	xs->cwnd_cnt = 0;
	xs->recover = xs->snd_nxt;
	/* CUBIC forgets its epoch, Wmax and HyStart round here */
	xtcp_cong_set_state(sk, XTCP_CA_LOSS);
	xs->reno_sacked = 0;
	xs->dupacks = 0;
	xs->tlp_high_seq = 0;
	/* the first segment is SACKed yet not ACKed: the receiver dropped
	 * what it SACKed (reneging, RFC 2018 8); forget every SACK
	 */
	skb = skb_peek(&sk->sk_write_queue);
	reneg = skb && skb != xs->send_head &&
		(XTCP_SKB_CB(skb)->sacked & XTCP_SACKED);
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (reneg || !(cb->sacked & XTCP_SACKED))
			xtcp_set_sacked(xs, cb, XTCP_LOST);
	}
	if (reneg) {
		xs->high_sacked = xs->snd_una;
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPSACKRENEGING);
	}
}
