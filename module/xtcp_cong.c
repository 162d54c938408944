// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control and loss recovery.
 *
 * Algorithms sit behind struct xtcp_cong_ops so others (CUBIC) can follow;
 * NewReno is the one here: slow start and congestion avoidance (RFC 5681),
 * initial window 10 (RFC 6928), ssthresh = FlightSize / 2 on loss.
 *
 * Recovery is pipe-based (RFC 6675) with a SACK scoreboard in each sent
 * segment's control block (SACKED, LOST, RETRANS):
 *   - SACK blocks mark segments SACKED; an un-SACKed segment with three
 *     SACKed segments above it is LOST (DupThresh 3);
 *   - without SACK, three duplicate ACKs mark the first segment LOST and each
 *     duplicate ACK stands for one segment that left the network; a partial
 *     ACK marks the next one LOST (NewReno, RFC 6582);
 *   - LOST segments are retransmitted while pipe < cwnd; recovery ends when
 *     the ACK passes the sequence number sent when it began;
 *   - a retransmission timeout marks every un-SACKed segment LOST, cwnd 1,
 *     and retransmits in slow start (Linux's Loss state).
 * Context for all of it: socket lock or bh_lock_sock held.
 */
#include "xtcp.h"

#define XTCP_INFINITE_SSTHRESH	0x7fffffff
#define XTCP_DUPTHRESH		3
#define XTCP_MAX_REORDERING	300	/* Linux's tcp_max_reordering */
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

static void newreno_cong_avoid(struct xtcp_sock *xs, u32 acked)
{
	if (xs->cwnd < xs->ssthresh) {		/* slow start */
		u32 c = min(xs->cwnd + acked, xs->ssthresh);

		acked -= c - xs->cwnd;
		xs->cwnd = c;
		if (!acked)
			return;
	}
	xs->cwnd_cnt += acked;			/* one segment per cwnd */
	if (xs->cwnd_cnt >= xs->cwnd) {
		xs->cwnd_cnt -= xs->cwnd;
		xs->cwnd = min(xs->cwnd + 1, XTCP_MAX_CWND);
	}
}

const struct xtcp_cong_ops xtcp_newreno = {
	.name		= "reno",
	.init		= newreno_init,
	.ssthresh	= newreno_ssthresh,
	.cong_avoid	= newreno_cong_avoid,
};

/* Walk the segments that were sent (before send_head). */
#define xtcp_for_each_sent(sk, skb)					\
	for (skb = skb_peek(&(sk)->sk_write_queue);			\
	     skb && skb != xtcp_sk(sk)->send_head;			\
	     skb = skb_queue_is_last(&(sk)->sk_write_queue, skb) ?	\
		   NULL : skb->next)

/* Grow the send buffer with cwnd, like Linux's tcp_sndbuf_expand(). */
static void xtcp_sndbuf_expand(struct sock *sk)
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
 * xtcp_cong_init() - a connection is established: initial window
 * @sk: socket
 */
void xtcp_cong_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->ca_ops = &xtcp_newreno;
	xs->ca_ops->init(xs);
	xs->ca_state = XTCP_CA_OPEN;
	xs->dupacks = 0;
	xs->reno_sacked = 0;
	xs->reordering = XTCP_DUPTHRESH;
	xs->high_sacked = xs->snd_una;
	xtcp_sndbuf_expand(sk);
}

/**
 * xtcp_cong_reordered() - a segment never retransmitted arrived after
 * segments sent later: the path reorders, raise DupThresh to the distance
 * (Linux's tcp_check_sack_reordering())
 * @sk: socket
 * @seq: start of the late segment
 */
void xtcp_cong_reordered(struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = max_t(u32, xs->mss_cache, 1);
	u32 dist;

	if (!xtcp_after(xs->high_sacked, seq))
		return;
	dist = (xs->high_sacked - seq + mss - 1) / mss;
	xs->reordering = clamp_t(u32, max(xs->reordering, dist + 1),
				 XTCP_DUPTHRESH, XTCP_MAX_REORDERING);
}

/**
 * xtcp_packets_in_flight() - RFC 6675 "pipe": segments in the network
 * @sk: socket
 */
u32 xtcp_packets_in_flight(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	u32 pipe = 0;

	xtcp_for_each_sent(sk, skb) {
		u8 s = XTCP_SKB_CB(skb)->sacked;

		if (s & XTCP_SACKED)
			continue;
		if (!(s & XTCP_LOST) || (s & XTCP_RETRANS))
			pipe++;
	}
	return pipe - min(pipe, xs->reno_sacked);
}

/* Mark segments the peer's SACK blocks cover. Return: new information. */
static bool xtcp_sacktag(struct sock *sk, const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool newly = false;
	int i;

	for (i = 0; i < opt->num_sacks; i++) {
		u32 start = opt->sacks[i].start, end = opt->sacks[i].end;
		struct sk_buff *skb;

		/* RFC 2018: ignore blocks outside what is outstanding */
		if (!xtcp_before(start, end) || xtcp_before(start, xs->snd_una) ||
		    xtcp_after(end, xs->snd_nxt))
			continue;
		xtcp_for_each_sent(sk, skb) {
			struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

			if (!xtcp_before(cb->seq, end))
				break;
			if (xtcp_before(cb->seq, start) ||
			    xtcp_after(cb->end_seq, end) ||
			    (cb->sacked & XTCP_SACKED))
				continue;
			if (!cb->retransmitted)
				xtcp_cong_reordered(sk, cb->seq);
			cb->sacked |= XTCP_SACKED;
			cb->sacked &= ~XTCP_LOST;
			if (xtcp_after(cb->end_seq, xs->high_sacked))
				xs->high_sacked = cb->end_seq;
			newly = true;
		}
	}
	return newly;
}

/* How long a hole may stay open before reordering no longer explains it:
 * RTT plus a quarter RTT (RACK, RFC 8985), at least two ticks.
 */
static unsigned long xtcp_reo_wnd(const struct xtcp_sock *xs)
{
	u32 rtt_us = xs->srtt_us >> 3;

	return max_t(unsigned long, usecs_to_jiffies(rtt_us + rtt_us / 4), 2);
}

/*
 * RFC 6675 IsLost() with RACK's time rule (RFC 8985): an un-SACKed
 * segment is lost when DupThresh SACKed segments lie above it and it was
 * sent longer than RTT + reordering window ago. Veth pairs on several CPUs
 * reorder; without the time rule that reads as loss.
 * Return: the first un-SACKed segment is lost. *@next: when to look again
 * for holes still within the reordering window (0: none).
 */
static bool xtcp_sack_mark_lost(struct sock *sk, unsigned long *next)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long wnd = xtcp_reo_wnd(xs);
	bool head = true, head_lost = false, rack = false;
	unsigned long rack_when = 0;
	struct sk_buff *skb;
	u32 above = 0;

	*next = 0;
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (!(cb->sacked & XTCP_SACKED))
			continue;
		above++;
		if (!rack || time_after(cb->when, rack_when)) {
			rack_when = cb->when;	/* latest delivered send time */
			rack = true;
		}
	}
	/* RACK: a retransmission is lost too once something sent after it
	 * was delivered and the reordering window has passed
	 */
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if ((cb->sacked & (XTCP_SACKED | XTCP_RETRANS)) == XTCP_RETRANS &&
		    rack && time_after(rack_when, cb->when) &&
		    time_after_eq(jiffies, cb->when + wnd))
			cb->sacked = XTCP_LOST;
	}
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (above < xs->reordering)
			break;
		if (cb->sacked & XTCP_SACKED) {
			above--;
			continue;
		}
		if (!(cb->sacked & (XTCP_LOST | XTCP_RETRANS))) {
			if (time_after_eq(jiffies, cb->when + wnd))
				cb->sacked |= XTCP_LOST;
			else if (!*next)
				*next = cb->when + wnd;
		}
		if (head && (cb->sacked & XTCP_LOST))
			head_lost = true;
		head = false;
	}
	return head_lost;
}

/* Holes still inside the reordering window: look again when it ends. */
static void xtcp_arm_reo_timer(struct sock *sk, unsigned long when)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!when)
		return;
	if (!timer_pending(&xs->retrans_timer) ||
	    time_before(when, xs->retrans_timer.expires)) {
		xs->reo_timer_armed = true;
		sk_reset_timer(sk, &xs->retrans_timer, when);
	}
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
 * episode and tolerate more reordering. Return: undone.
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
	xs->ca_state = XTCP_CA_OPEN;
	xs->undo_tsval = 0;
	xs->reno_sacked = 0;
	xs->dupacks = 0;
	xs->reordering = min_t(u32, xs->reordering + 1, XTCP_MAX_REORDERING);
	xtcp_for_each_sent(sk, skb)
		XTCP_SKB_CB(skb)->sacked &= ~XTCP_LOST;
	return true;
}

/* RFC 5681 FlightSize: segments sent and not cumulatively acknowledged */
static u32 xtcp_flight_size(struct sock *sk)
{
	struct sk_buff *skb;
	u32 n = 0;

	xtcp_for_each_sent(sk, skb)
		n++;
	return n;
}

static void xtcp_enter_recovery(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 in_flight = xtcp_flight_size(sk);

	xtcp_save_undo(xs);
	xs->ssthresh = xs->ca_ops->ssthresh(xs, in_flight);
	xs->cwnd = xs->ssthresh;
	xs->cwnd_cnt = 0;
	xs->recover = xs->snd_nxt;
	xs->ca_state = XTCP_CA_RECOVERY;
	xtcp_inc_stats(sock_net(sk), xs->sack_ok ? XTCP_MIB_TCPSACKRECOVERY :
						  XTCP_MIB_TCPRENORECOVERY);
}

/* Mark the first un-SACKed sent segment lost (fast/partial-ACK rexmit). */
static void xtcp_mark_head_lost(struct sock *sk)
{
	struct sk_buff *skb;

	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (cb->sacked & XTCP_SACKED)
			continue;
		cb->sacked |= XTCP_LOST;
		cb->sacked &= ~XTCP_RETRANS;
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

	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if ((cb->sacked & (XTCP_LOST | XTCP_RETRANS | XTCP_SACKED)) !=
		    XTCP_LOST)
			continue;
		if (pipe >= xs->cwnd)
			break;
		if (xtcp_retransmit_skb(sk, skb))
			break;
		pipe++;
	}
}

/**
 * xtcp_cong_on_ack() - an acceptable ACK arrived: grow cwnd, detect and
 * repair losses
 * @sk: socket (ESTABLISHED or later)
 * @prior_una: snd_una before this ACK
 * @acked_segs: segments this ACK acknowledged cumulatively
 * @opt: the ACK's options (SACK blocks)
 * @dupack: a duplicate ACK in RFC 5681's sense
 */
void xtcp_cong_on_ack(struct sock *sk, u32 prior_una, u32 acked_segs,
		      const struct xtcp_opts *opt, bool dupack)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool sack = xs->sack_ok;
	unsigned long next = 0;

	if (!xs->ca_ops)
		xtcp_cong_init(sk);
	if (sack && opt->num_sacks)
		xtcp_sacktag(sk, opt);
	if (!sack) {
		xs->reno_sacked -= min(xs->reno_sacked, acked_segs);
		if (dupack && xs->snd_una != xs->snd_nxt)
			xs->reno_sacked++;
	}
	if (xtcp_after(xs->snd_una, prior_una))
		xs->dupacks = 0;
	else if (dupack)
		xs->dupacks++;
	xtcp_try_undo(sk, prior_una, opt);

	switch (xs->ca_state) {
	case XTCP_CA_OPEN:
		/* RFC 7661: grow only a window that is in use */
		if (acked_segs && (xs->cwnd_limited ||
				   2 * xtcp_packets_in_flight(sk) >= xs->cwnd))
			xs->ca_ops->cong_avoid(xs, acked_segs);
		if (sack ? xtcp_sack_mark_lost(sk, &next) :
			   xs->dupacks >= XTCP_DUPTHRESH) {
			if (!sack)
				xtcp_mark_head_lost(sk);
			xtcp_enter_recovery(sk);
		}
		break;
	case XTCP_CA_RECOVERY:
		if (!xtcp_before(xs->snd_una, xs->recover)) {
			xs->cwnd = xs->ssthresh;	/* deflate */
			xs->ca_state = XTCP_CA_OPEN;
			xs->reno_sacked = 0;
			xs->dupacks = 0;
			break;
		}
		if (sack)
			xtcp_sack_mark_lost(sk, &next);
		else if (xtcp_after(xs->snd_una, prior_una))
			xtcp_mark_head_lost(sk);	/* partial ACK */
		break;
	case XTCP_CA_LOSS:
		if (acked_segs)
			xs->ca_ops->cong_avoid(xs, acked_segs);
		if (!xtcp_before(xs->snd_una, xs->recover))
			xs->ca_state = XTCP_CA_OPEN;
		else if (sack)
			xtcp_sack_mark_lost(sk, &next);
		break;
	}
	xtcp_sndbuf_expand(sk);
	xtcp_xmit_lost(sk);
	xtcp_arm_reo_timer(sk, next);
}

/**
 * xtcp_cong_reo_timeout() - the reordering window of a hole ended
 * @sk: socket
 *
 * Return: true if that made segments lost and recovery retransmitted them
 * (the retransmission timer is re-armed); false for a real timeout.
 */
bool xtcp_cong_reo_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long next;
	bool head_lost;

	if (!xs->reo_timer_armed)
		return false;
	xs->reo_timer_armed = false;
	if (!xs->sack_ok)
		return false;
	head_lost = xtcp_sack_mark_lost(sk, &next);
	if (!head_lost)
		return false;
	if (xs->ca_state == XTCP_CA_OPEN)
		xtcp_enter_recovery(sk);
	xtcp_xmit_lost(sk);
	xtcp_reset_retrans_timer(sk, xs->rto);
	xtcp_arm_reo_timer(sk, next);
	return true;
}

/**
 * xtcp_cong_on_timeout() - the retransmission timer fired with data out
 * @sk: socket
 *
 * Everything not SACKed is considered lost; cwnd 1, slow start again.
 */
void xtcp_cong_on_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (!xs->ca_ops)
		xtcp_cong_init(sk);
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPTIMEOUTS);
	if (xs->ca_state != XTCP_CA_LOSS || !xs->retransmits) {
		if (xs->ca_state == XTCP_CA_OPEN)
			xtcp_save_undo(xs);
		xs->ssthresh = xs->ca_ops->ssthresh(xs, xtcp_flight_size(sk));
	}
	xs->cwnd = 1;
	xs->cwnd_cnt = 0;
	xs->recover = xs->snd_nxt;
	xs->ca_state = XTCP_CA_LOSS;
	xs->reno_sacked = 0;
	xs->dupacks = 0;
	xtcp_for_each_sent(sk, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (!(cb->sacked & XTCP_SACKED))
			cb->sacked = XTCP_LOST;
	}
}

/**
 * xtcp_sack_blocks() - SACK blocks describing the out-of-order queue
 * @sk: receiving socket
 * @out: blocks, the one holding the latest arrival first (RFC 2018)
 * @max: room in @out
 *
 * Return: number of blocks.
 */
int xtcp_sack_blocks(struct sock *sk, struct xtcp_sack *out, int max)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sack blk[8];
	struct sk_buff *skb;
	int n = 0, i, first = -1, k = 0;

	skb_queue_walk(&xs->ofo_queue, skb) {
		u32 s = XTCP_SKB_CB(skb)->seq, e = XTCP_SKB_CB(skb)->end_seq;

		if (n && !xtcp_after(s, blk[n - 1].end)) {
			if (xtcp_after(e, blk[n - 1].end))
				blk[n - 1].end = e;
			continue;
		}
		if (n == ARRAY_SIZE(blk))
			break;
		blk[n].start = s;
		blk[n].end = e;
		n++;
	}
	for (i = 0; i < n; i++)
		if (!xtcp_before(xs->sack_recent, blk[i].start) &&
		    xtcp_before(xs->sack_recent, blk[i].end))
			first = i;
	if (first >= 0 && k < max)
		out[k++] = blk[first];
	for (i = 0; i < n && k < max; i++)
		if (i != first)
			out[k++] = blk[i];
	return k;
}
