// SPDX-License-Identifier: GPL-2.0
/*
 * Segment arrival for full sockets (Linux's tcp_input.c; RFC 9293
 * 3.10.7): SYN-SENT, and the synchronized states with RFC 5961
 * protections (exact-sequence RST, SYN and in-window RST answered by a
 * rate-limited challenge ACK) and PAWS (RFC 7323). The sequence
 * acceptability test and the simultaneous-open exception follow Linux's
 * tcp_validate_incoming().
 *
 * Then, in RFC 9293's order: the ACK (the send queue cleaned, the window
 * updated, loss recovery told: xtcp_recovery.c), the data (in-order
 * segments to the receive queue, ACKed at once in quick-ACK mode, then
 * every second full segment or after 40 ms; out-of-order ones wait in
 * the ofo queue and trigger an immediate duplicate ACK whose SACK blocks,
 * with a DSACK for duplicates, are built here), and the FIN.
 *
 * Context for everything here: the socket is bh-locked and not owned by
 * the user (softirq), or owned by the user (backlog processing from
 * release_sock()).
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>

#define XTCP_PAWS_WINDOW	1		/* ticks: Linux's TCP_PAWS_WINDOW */
#define XTCP_PAWS_WRAP		(24 * 24 * 3600) /* s: TS.Recent invalid */

/**
 * xtcp_paws_check() - RFC 7323 PAWS test, as Linux's tcp_paws_check()
 * @xs: socket with timestamps negotiated
 * @opt: the segment's options, with a timestamp
 * @paws_win: ticks the segment's TSval may lag TS.Recent
 *
 * Return: true if the segment passes: its TSval is at most @paws_win
 * older than TS.Recent, or TS.Recent is over 24 days old (RFC 7323 5.5),
 * or TS.Recent is 0 (peers that send TSval 0 on their SYN).
 */
bool xtcp_paws_check(const struct xtcp_sock *xs, const struct xtcp_opts *opt,
		     int paws_win)
{
	if ((s32)(xs->ts_recent - opt->tsval) <= paws_win)
		return true;
	if (ktime_get_seconds() >= xs->ts_recent_stamp + XTCP_PAWS_WRAP)
		return true;
	return !xs->ts_recent;
}

/*
 * Linux's tcp_disordered_ack(): a pure duplicate ACK that updates nothing
 * and whose TSval lags by less than an RTO was only reordered behind
 * later segments: PAWS lets it through.
 */
static bool xtcp_disordered_ack(struct sock *sk, const struct sk_buff *skb,
				const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 nwin = ntohs(tcp_hdr(skb)->window) << xs->snd_wscale;

	if (!(cb->flags & XTCP_ACK) || cb->seq != cb->end_seq ||
	    cb->seq != xs->rcv_nxt || cb->ack_seq != xs->snd_una)
		return false;
	/* it would not update the window (tcp_may_update_window()) */
	if (xtcp_after(cb->seq, xs->snd_wl1) ||
	    (cb->seq == xs->snd_wl1 && (nwin > xs->snd_wnd || !nwin)))
		return false;
	return (s32)(xs->ts_recent - opt->tsval) <=
	       (s32)(xs->rto * 1200 / HZ);	/* tcp_tsval_replay() */
}

static void xtcp_store_ts_recent(struct xtcp_sock *xs,
				 const struct xtcp_opts *opt, u32 seq)
{
	/* RFC 7323 4.3: only from segments covering rcv_wup */
	if (opt->ts_ok && !xtcp_after(seq, xs->rcv_wup) &&
	    (s32)(opt->tsval - xs->ts_recent) >= 0) {
		xs->ts_recent = opt->tsval;
		xs->ts_recent_stamp = ktime_get_seconds();
	}
}

/* SYN-ACK (or simultaneous SYN) accepted: take the peer's parameters. */
static void xtcp_take_syn_opts(struct sock *sk, struct sk_buff *skb,
			       const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);

	xs->irs = XTCP_SKB_CB(skb)->seq;
	xs->rcv_nxt = xs->irs + 1;
	xs->rcv_wup = xs->rcv_nxt;
	xs->copied_seq = xs->rcv_nxt;
	xs->wscale_ok = opt->wscale_ok && xs->wscale_ok;
	if (xs->wscale_ok) {
		xs->snd_wscale = opt->wscale;
	} else {
		xs->snd_wscale = 0;
		xs->rcv_wscale = 0;
		xs->window_clamp = min(xs->window_clamp, 65535U);
	}
	xs->sack_ok = opt->sack_ok && xs->sack_ok;
	xs->ts_ok = opt->ts_ok && xs->ts_ok;
	if (xs->ts_ok) {
		xs->ts_recent = opt->tsval;
		xs->ts_recent_stamp = ktime_get_seconds();
	}
	xs->rx_mss = opt->mss ? opt->mss : XTCP_MSS_DEFAULT;
	xs->snd_wnd = ntohs(th->window);	/* never scaled on a SYN */
	xs->max_window = xs->snd_wnd;
	xtcp_sync_mss(sk);
	xs->snd_wl1 = XTCP_SKB_CB(skb)->seq;
}

/*
 * After a segment's ACK (and data) were processed: send what may go now,
 * then wake a writer waiting for space (Linux's tcp_data_snd_check()).
 * Context: socket lock or bh_lock_sock held.
 */
static void xtcp_data_snd_check(struct sock *sk)
{
	xtcp_push(sk);
	xtcp_check_space(sk);
}

/* RFC 9293 3.10.7.3: SYN-SENT. Consumes @skb. */
static void xtcp_rcv_synsent(struct sock *sk, struct sk_buff *skb,
			     const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (th->ack) {
		if (!xtcp_after(cb->ack_seq, xs->iss) ||
		    xtcp_after(cb->ack_seq, xs->snd_nxt)) {
			if (!th->rst)
				xtcp_send_reset_noconn(sock_net(sk), skb);
			goto drop;
		}
		if (th->rst) {
			trace_xtcp_receive_reset(sk);
			xtcp_reset(sk, ECONNREFUSED);
			goto drop;
		}
	} else if (th->rst) {
		goto drop;
	}
	if (!th->syn)
		goto drop;

	xtcp_take_syn_opts(sk, skb, opt);
	if (th->ack) {
		xs->snd_wl2 = cb->ack_seq;
		xtcp_clean_acked(sk, cb->ack_seq, true);	/* the SYN */
		xtcp_set_state(sk, TCP_ESTABLISHED);
		xtcp_recovery_init(sk);
		xtcp_init_buffer_space(sk);
		xs->rcv_tstamp = jiffies;
		xs->lrcvtime = (u32)jiffies;
		xtcp_keepalive_update(sk);
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		/* data on a SYN-ACK is not taken; the peer resends it */
		xtcp_send_ack(sk);
		xtcp_data_snd_check(sk);
		goto drop;
	}

	/* simultaneous open: SYN-SENT -> SYN-RECEIVED, resend SYN as SYN-ACK */
	xtcp_set_state(sk, TCP_SYN_RECV);
	{
		struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

		if (syn)
			xtcp_transmit_skb(sk, syn, true);
	}
drop:
	kfree_skb(skb);
}

/**
 * xtcp_clean_acked() - the peer acknowledged everything before @ack
 * @sk: socket
 * @ack: new snd_una
 * @rtt_sample: take an RTT sample from the oldest never-retransmitted
 *		segment (Karn's rule); false when timestamps give one
 *
 * Frees acknowledged segments, resets the backoff and re-arms or stops
 * the retransmission timer.
 * Context: socket lock or bh_lock_sock held.
 * Return: segments acknowledged.
 */
u32 xtcp_clean_acked(struct sock *sk, u32 ack, bool rtt_sample)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	long rtt_us = -1;
	bool retrans_acked = false;
	u32 segs = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (xtcp_after(cb->end_seq, ack)) {
			u32 n = ack - cb->seq, was = xtcp_skb_segs(skb);

			/* partly acknowledged: keep only the rest (as
			 * Linux, the whole segment when that fails); a GSO
			 * skb's whole segments acknowledged count (Linux's
			 * tcp_tso_acked())
			 */
			if (xtcp_after(ack, cb->seq) && !(cb->flags & XTCP_SYN) &&
			    n < skb->len && !xtcp_trim_head(sk, skb, n)) {
				cb->seq = ack;
				n = was - xtcp_skb_segs(skb);
				xs->packets_out -= n;
				xs->acked_unsacked += n;
				segs += n;
				if (n && !cb->retransmitted && rtt_us < 0)
					rtt_us = jiffies_to_usecs(jiffies - cb->when);
			}
			break;
		}
		/* Linux's tcp_clean_rtx_queue(): the sample comes from the
		 * first segment sent once and not SACKed, and none at all
		 * when retransmitted data is acknowledged (Karn)
		 */
		if (cb->retransmitted)
			retrans_acked = true;
		else if (!(cb->sacked & XTCP_SACKED) && rtt_us < 0)
			rtt_us = jiffies_to_usecs(jiffies - cb->when);
		/* filled a hole below SACKed data without a retransmission */
		if (!cb->retransmitted && !(cb->sacked & XTCP_SACKED) &&
		    xs->sack_ok)
			xtcp_check_reordering(sk, cb->seq);
		xtcp_recovery_skb_acked(sk, skb);
		xtcp_set_sacked(xs, cb, 0);
		xs->packets_out -= xtcp_skb_segs(skb);
		segs += xtcp_skb_segs(skb);
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		consume_skb(skb);
	}
	if (!xs->packets_out)
		xs->big_out = false;
	xs->snd_una = ack;
	if (xtcp_before(xs->high_sacked, ack))
		xs->high_sacked = ack;
	if (rtt_sample && rtt_us >= 0 && !retrans_acked)
		xtcp_rtt_sample(sk, rtt_us);
	xs->retransmits = 0;
	xs->backoff = 0;
	xs->retrans_stamp = 0;
	if (xs->snd_una == xs->snd_nxt)
		xtcp_clear_xmit_timer(sk);
	else
		xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
	/* a waiting writer is woken after the push that follows the ACK
	 * (xtcp_data_snd_check())
	 */
	return segs;
}

/*
 * "fifth, check the ACK field". Return: false if the segment must be
 * dropped (the reply, if any, was sent).
 */
static bool xtcp_ack(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 ack = cb->ack_seq, prior_una = xs->snd_una, acked = 0;
	u32 win = ntohs(th->window) << xs->snd_wscale;
	bool dupack, ts_rtt;

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!xtcp_between(ack, xs->snd_una + 1, xs->snd_nxt)) {
			xtcp_send_reset_noconn(sock_net(sk), skb);
			return false;
		}
		xtcp_clean_acked(sk, ack, true);
		xs->snd_wnd = win;
		xs->max_window = max(xs->max_window, win);
		xtcp_sync_mss(sk);
		xs->snd_wl1 = cb->seq;
		xs->snd_wl2 = ack;
		xtcp_set_state(sk, TCP_ESTABLISHED);
		xtcp_recovery_init(sk);
		xtcp_init_buffer_space(sk);
		xs->rcv_tstamp = jiffies;
		xs->lrcvtime = (u32)jiffies;
		xtcp_keepalive_update(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		return true;
	}

	if (xtcp_after(ack, xs->snd_nxt)) {
		/* acks what we never sent (RFC 9293: "send an ACK, drop"):
		 * as Linux, ESTABLISHED drops it silently and the other
		 * states answer with a rate-limited challenge ACK, so that
		 * two ends cannot ACK each other forever; nothing of the
		 * segment (timestamps, liveness) is taken
		 */
		if (sk->sk_state != TCP_ESTABLISHED)
			xtcp_send_challenge_ack(sk);
		return false;
	}
	if (xtcp_before(ack, xs->snd_una - xs->max_window)) {
		/* RFC 5961 5.2: too old, challenge */
		xtcp_send_challenge_ack(sk);
		return false;
	}
	if (!xtcp_before(ack, prior_una)) {
		/* an acceptable ACK: the peer is alive (Linux's rcv_tstamp) */
		xs->rcv_tstamp = jiffies;
		xs->probes_out = 0;
	}
	/* RFC 5681: a duplicate ACK carries nothing new and the window
	 * did not change while data is outstanding
	 */
	dupack = ack == prior_una && cb->seq == cb->end_seq &&
		 win == xs->snd_wnd && xs->snd_una != xs->snd_nxt;
	/* RFC 7323 RTTM: timestamps give a sample even for retransmissions */
	ts_rtt = xs->ts_ok && opt->ts_ok && opt->tsecr &&
		 xtcp_after(ack, prior_una);
	if (ts_rtt) {
		u32 rtt_ms = xtcp_clock_ms() + xs->tsoff - opt->tsecr;

		if (rtt_ms < 60 * MSEC_PER_SEC)
			xtcp_rtt_sample(sk, rtt_ms * USEC_PER_MSEC);
		else
			ts_rtt = false;
	}
	if (xtcp_after(ack, xs->snd_una))
		acked = xtcp_clean_acked(sk, ack, !ts_rtt);

	if (xtcp_before(xs->snd_wl1, cb->seq) ||
	    (xs->snd_wl1 == cb->seq && !xtcp_before(ack, xs->snd_wl2))) {
		xs->snd_wnd = win;
		xs->snd_wl1 = cb->seq;
		xs->snd_wl2 = ack;
		if (win > xs->max_window) {	/* the MSS bound may lift */
			xs->max_window = win;
			xtcp_sync_mss(sk);
		}
	}
	xtcp_recovery_on_ack(sk, prior_una, acked, opt, dupack);
	if (trace_xtcp_probe_enabled())
		trace_xtcp_probe(sk, xtcp_packets_in_flight(sk));

	/* has our FIN been acknowledged? */
	if (xs->snd_una == xs->write_seq && !xs->send_head) {
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
			xtcp_set_state(sk, TCP_FIN_WAIT2);
			WRITE_ONCE(sk->sk_shutdown,
				   sk->sk_shutdown | SEND_SHUTDOWN);
			if (!sock_flag(sk, SOCK_DEAD)) {
				sk->sk_state_change(sk);
			} else {
				int l2 = READ_ONCE(xs->linger2);

				if (l2 < 0) {
					xtcp_inc_stats(sock_net(sk),
						       XTCP_MIB_TCPABORTONLINGER);
					xtcp_send_active_reset(sk, GFP_ATOMIC);
					xtcp_done(sk);
					return false;
				}
				xtcp_reset_life_timer(sk, xtcp_fin_timeout(xs));
			}
			break;
		case TCP_CLOSING:
			xtcp_time_wait(sk);
			return false;
		case TCP_LAST_ACK:
			xtcp_done(sk);
			return false;
		}
	}
	return true;
}

/*
 * The FIN is in order: RFC 9293 "eighth, check the FIN bit", as Linux's
 * tcp_fin(). Returns true when it was ACKed here (FIN_WAIT1, FIN_WAIT2: the
 * socket may be gone to TIME_WAIT), false when the caller decides on the
 * ACK as for data.
 */
static bool xtcp_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool acked = false;

	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		/* the application's close() is likely to answer at once:
		 * ping-pong, so the FIN we send carries the ACK (Linux's)
		 */
		xtcp_set_state(sk, TCP_CLOSE_WAIT);
		xs->pingpong = XTCP_PINGPONG_THRESH;
		break;
	case TCP_FIN_WAIT1:
		xtcp_send_ack(sk);
		xtcp_set_state(sk, TCP_CLOSING);	/* simultaneous close */
		acked = true;
		break;
	case TCP_FIN_WAIT2:
		xtcp_send_ack(sk);
		xtcp_time_wait(sk);
		return true;
	default:
		break;
	}
	skb_queue_purge(&xs->ofo_queue);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK || sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
	return acked;
}

/*
 * The receiver got a segment it already had, @seq..@end_seq: report it in
 * the next ACK's first SACK block (RFC 2883).
 */
static void xtcp_dsack_note(struct sock *sk, u32 seq, u32 end_seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->sack_ok || !xtcp_before(seq, end_seq))
		return;
	xs->dsack_start = seq;
	xs->dsack_end = end_seq;
	xs->dsack_pending = true;
}

/*
 * Linux's tcp_collapse(), for the in-order queue: from the first segment
 * that costs much more memory than it carries (a 1448-byte segment can pin
 * 2-4 KB, loopback's up to 64 KB), copy the unread bytes into linear
 * buffers of at most a page. Sequence numbers stay exact, so recvmsg()
 * and a MSG_PEEK in progress read on unchanged. On allocation failure
 * the copies made stay queued before the partly copied segment;
 * recvmsg() reads by sequence number, so that overlap is harmless.
 * Context: socket lock or bh_lock_sock held.
 */
static void xtcp_collapse_rcvq(struct sock *sk)
{
	struct sk_buff_head *list = &sk->sk_receive_queue;
	struct sk_buff *skb, *next, *nskb = NULL;
	u32 seq = xtcp_sk(sk)->copied_seq;
	bool done = false;
	u32 left = 0;

	skb_queue_walk(list, skb)
		if (skb->truesize > skb->len + skb->len / 2)
			break;
	if (skb == (struct sk_buff *)list)
		return;			/* nothing wasteful */
	for (next = skb; next != (struct sk_buff *)list; next = next->next)
		left += next->len;
	left -= xtcp_after(seq, XTCP_SKB_CB(skb)->seq) ?
		seq - XTCP_SKB_CB(skb)->seq : 0;
	while (skb != (struct sk_buff *)list) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 off = xtcp_after(seq, cb->seq) ? seq - cb->seq : 0;

		next = skb->next;
		while (off < skb->len) {
			u32 n;

			if (!nskb || !skb_tailroom(nskb)) {
				/* as Linux: no bigger than what is left */
				nskb = alloc_skb(min_t(u32, left,
						       SKB_MAX_ORDER(0, 0)),
						 GFP_ATOMIC);
				if (!nskb)
					goto out;
				memset(XTCP_SKB_CB(nskb), 0, sizeof(*cb));
				XTCP_SKB_CB(nskb)->seq = cb->seq + off;
				XTCP_SKB_CB(nskb)->end_seq = cb->seq + off;
				skb_set_owner_r(nskb, sk);
				__skb_queue_before(list, skb, nskb);
			}
			n = min_t(u32, skb_tailroom(nskb), skb->len - off);
			/* cannot fail: off + n <= skb->len */
			if (WARN_ON_ONCE(skb_copy_bits(skb, off,
						       skb_put(nskb, n), n))) {
				skb_trim(nskb, nskb->len - n);
				goto out;
			}
			XTCP_SKB_CB(nskb)->end_seq += n;
			off += n;
			left -= n;
		}
		seq = cb->seq + skb->len;
		__skb_unlink(skb, list);
		consume_skb(skb);
		done = true;
		skb = next;
	}
out:
	if (done)
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPRCVCOLLAPSED);
}

/* Drop out-of-order data from the highest sequence down until the socket
 * is back under its receive buffer.
 */
static void xtcp_prune_ofo(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	bool pruned = false;

	while (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf) &&
	       (skb = skb_peek_tail(&xs->ofo_queue)) != NULL) {
		__skb_unlink(skb, &xs->ofo_queue);
		kfree_skb(skb);
		pruned = true;
	}
	if (pruned)
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_OFOPRUNED);
}

/* Insert into the out-of-order queue, sorted by sequence number. */
static void xtcp_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sk_buff *p;

	/* the SACK block this reaches is reported first next time, as
	 * Linux's tcp_sack_new_ofo_skb() moves it to the front
	 */
	cb->ofo_tick = ++xs->ofo_clock;
	skb_queue_walk(&xs->ofo_queue, p) {
		struct xtcp_skb_cb *pcb = XTCP_SKB_CB(p);

		if (!xtcp_before(cb->seq, pcb->seq) &&
		    !xtcp_after(cb->end_seq, pcb->end_seq)) {
			xtcp_dsack_note(sk, cb->seq, cb->end_seq);
			pcb->ofo_tick = cb->ofo_tick;
			kfree_skb(skb);		/* already have all of it */
			return;
		}
		if (xtcp_before(cb->seq, pcb->seq)) {
			skb_set_owner_r(skb, sk);
			__skb_queue_before(&xs->ofo_queue, p, skb);
			return;
		}
	}
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&xs->ofo_queue, skb);
}

/*
 * Append an in-order segment (payload only) and advance rcv_nxt.
 * Return: true if it carried a FIN.
 */
static bool xtcp_queue_in_order(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool fin = cb->flags & XTCP_FIN;
	u32 n = xs->rcv_nxt - cb->seq;

	if (n) {	/* overlap with what we have */
		if (!pskb_pull(skb, min(n, skb->len))) {
			kfree_skb(skb);
			return false;
		}
		cb->seq = xs->rcv_nxt;
	}
	WRITE_ONCE(xs->rcv_nxt, cb->end_seq);
	if (skb->len) {
		if (!skb->destructor)
			skb_set_owner_r(skb, sk);
		__skb_queue_tail(&sk->sk_receive_queue, skb);
	} else {
		kfree_skb(skb);
	}
	return fin;
}

/*
 * Receive-buffer autotuning (Linux's DRS, tcp_rcv_space_adjust()): the
 * receiver times its peer's round trip, counts what the user reads per
 * round trip and sizes SO_RCVBUF to twice that plus room for the sender's
 * growth, up to rmem[2], unless the user set SO_RCVBUF.
 */

/* One receiver RTT sample, in us; @win_dep: a whole-window measurement,
 * which only lowers the estimate (Linux's tcp_rcv_rtt_update())
 */
static void xtcp_rcv_rtt_update(struct xtcp_sock *xs, u32 sample, bool win_dep)
{
	u32 m = xs->rcv_rtt_us;		/* << 3 */

	if (!sample)
		sample = 1;
	if (m) {
		if (!win_dep) {
			m -= m >> 3;
			m += sample;
		} else {
			m = min(m, sample << 3);
		}
	} else {
		m = sample << 3;
	}
	xs->rcv_rtt_us = max(m, 8U);
}

/* Without timestamps: the time one window of data takes to arrive. */
static void xtcp_rcv_rtt_measure(struct xtcp_sock *xs)
{
	u64 now = xtcp_clock_us();

	if (xs->rcv_rtt_time_us && xtcp_before(xs->rcv_nxt, xs->rcv_rtt_seq))
		return;
	if (xs->rcv_rtt_time_us)
		xtcp_rcv_rtt_update(xs, (u32)min_t(u64, now - xs->rcv_rtt_time_us,
						   U32_MAX), true);
	xs->rcv_rtt_seq = xs->rcv_nxt + xs->rcv_wnd;
	xs->rcv_rtt_time_us = now;
}

/* With timestamps: our clock minus the echo of a segment carrying data. */
static void xtcp_rcv_rtt_measure_ts(struct xtcp_sock *xs,
				    const struct xtcp_opts *opt)
{
	s32 delta;

	if (!opt->tsecr || opt->tsecr == xs->rcv_rtt_tsecr)
		return;
	xs->rcv_rtt_tsecr = opt->tsecr;
	delta = (s32)(xtcp_clock_ms() + xs->tsoff - opt->tsecr);
	if (delta > 0 && delta < 60 * MSEC_PER_SEC)
		xtcp_rcv_rtt_update(xs, delta * USEC_PER_MSEC, false);
}

/**
 * xtcp_init_buffer_space() - the connection is established: start
 * autotuning from the initial window (Linux's tcp_init_buffer_space())
 * @sk: the socket, just ESTABLISHED
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_init_buffer_space(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->rcvq_space = min_t(u32, xs->rcv_wnd, 10U * xs->advmss);
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = xtcp_clock_us();
	xs->rcv_rtt_us = 0;
	xs->rcv_rtt_time_us = 0;
}

/**
 * xtcp_rcv_space_adjust() - after the user read: once per receiver RTT,
 * grow SO_RCVBUF to what the last RTT's reads need (Linux's
 * tcp_rcv_space_adjust())
 * @sk: the socket
 *
 * Context: socket lock held.
 */
void xtcp_rcv_space_adjust(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u64 now = xtcp_clock_us();
	u32 copied;

	sock_owned_by_me(sk);
	if (!xs->rcv_rtt_us || now - xs->rcvq_time_us < (xs->rcv_rtt_us >> 3))
		return;
	copied = xs->copied_seq - xs->rcvq_seq;
	if (copied <= xs->rcvq_space)
		goto new_measure;
	if (READ_ONCE(xtcp_sysctl(sk)->moderate_rcvbuf) &&
	    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
		/* twice a round trip's reads, room for 16 segments lost,
		 * and as much again as the sender grew since the last one
		 */
		u64 rcvwin = ((u64)copied << 1) + 16 * xs->advmss;
		u64 grow = div_u64(rcvwin * (copied - xs->rcvq_space),
				   max(xs->rcvq_space, 1U));
		u64 space;

		rcvwin += grow << 1;
		space = div_u64(rcvwin << 8, max_t(u32, xs->rcv_ratio, 1));
		space = min_t(u64, space, READ_ONCE(xtcp_sysctl(sk)->rmem[2]));
		if (space > (u64)READ_ONCE(sk->sk_rcvbuf))
			WRITE_ONCE(sk->sk_rcvbuf, (int)space);
	}
	xs->rcvq_space = copied;
new_measure:
	xs->rcvq_seq = xs->copied_seq;
	xs->rcvq_time_us = now;
}

/* Linux's tcp_incr_quickack(): up to @max ACKs at once, fewer for a small
 * window (half of it in receive-MSS units, at least two)
 */
static void xtcp_incr_quickack(struct xtcp_sock *xs, unsigned int max)
{
	unsigned int quickacks = xs->rcv_wnd / (2 * xtcp_rcv_mss(xs));

	if (!quickacks)
		quickacks = 2;
	quickacks = min(quickacks, max);
	if (quickacks > xs->quickack)
		xs->quickack = quickacks;
}

/* Linux's tcp_enter_quickack_mode(): ACK at once again, not interactive */
static void xtcp_enter_quickack_mode(struct xtcp_sock *xs)
{
	xtcp_incr_quickack(xs, XTCP_MAX_QUICKACKS);
	xs->pingpong = 0;
	xs->ato = XTCP_ATO_MIN;
}

/*
 * In-order data arrived (Linux's tcp_event_data_recv()): the first starts
 * quick-ACK mode and the delayed-ACK timeout; later ones adapt the timeout
 * to the gap since the last (about half the old timeout plus the gap,
 * within the RTO and XTCP_DELACK_MAX), and a gap longer than the RTO
 * (a sender that did not restart its window) turns quick-ACK mode on.
 */
static void xtcp_event_data_recv(struct xtcp_sock *xs)
{
	u32 now = (u32)jiffies;

	if (!xs->ato) {
		xtcp_incr_quickack(xs, XTCP_MAX_QUICKACKS);
		xs->ato = XTCP_ATO_MIN;
	} else {
		u32 m = now - xs->lrcvtime;

		if (m <= XTCP_ATO_MIN / 2)
			xs->ato = (xs->ato >> 1) + XTCP_ATO_MIN / 2;
		else if (m < xs->ato)
			xs->ato = min3((xs->ato >> 1) + m, xs->rto, (u32)XTCP_DELACK_MAX);
		else if (m > xs->rto)
			xtcp_incr_quickack(xs, XTCP_MAX_QUICKACKS);
	}
	xs->lrcvtime = now;
}

/*
 * Linux's tcp_grow_window() without its truesize test (the window Linux
 * would offer, @rcv_ssthresh): two segments, or twice @len, more per
 * in-order segment of 128 bytes or more, up to the free space; a window
 * that grows is announced at once (quick-ACK mode for one ACK, as Linux's
 * icsk_ack.quick |= 1).
 */
static void xtcp_grow_rcv_ssthresh(struct sock *sk, u32 len)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int room = min_t(int, min_t(u32, xs->window_clamp, INT_MAX),
			 xtcp_free_win(sk)) -
		   (int)xs->rcv_ssthresh;

	if (len >= 128 && room > 0) {
		xs->rcv_ssthresh += min_t(u32, room, max(2U * xs->advmss, 2 * len));
		xs->quickack |= 1;
	}
}

/*
 * Linux's test in __tcp_ack_snd_check(): the window offered now reaches at
 * least as far past rcv_nxt as the last one did past rcv_wup, both as
 * Linux would offer them (capped at @rcv_ssthresh); a window that only
 * shrinks (data left unread) waits for the reader or the timer.
 */
static bool xtcp_ack_moves_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 cap = xs->rcv_ssthresh;

	return min(__xtcp_select_window(sk), cap) >= min(xs->rcv_wnd, cap);
}

/**
 * xtcp_sack_compress_send_ack() - send the duplicate ACK SACK compression
 * held, carrying the others (Linux's tcp_sack_compress_send_ack())
 * @sk: synchronized socket
 *
 * One of the held ACKs is sent, so it is not counted as compressed.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_sack_compress_send_ack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->compressed_ack)
		return;
	if (hrtimer_try_to_cancel(&xs->comp_ack_timer) == 1)
		__sock_put(sk);
	xs->compressed_ack--;
	xtcp_send_ack(sk);
}

/*
 * Whether data (or a FIN) just taken is ACKed at once, later, or by a
 * compressed duplicate ACK: Linux's __tcp_ack_snd_check(). @ack_now: a
 * filled hole (Linux's ICSK_ACK_NOW).
 */
static void xtcp_ack_snd_check(struct sock *sk, bool ack_now)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sysctls *sys = &xtcp_pernet(sock_net(sk))->sysctl;
	u64 rtt, delay;

	/* more than a full segment since the last ACK we sent (with data or
	 * without: rcv_wup) is ACKed at once, so every second full segment
	 * and a GSO/GRO skb of several, as Linux's __tcp_ack_snd_check(),
	 * when the reader has taken everything (below SO_RCVLOWAT) or the
	 * window moves as far (xtcp_ack_moves_window()): data left unread in
	 * a filling buffer waits for recvmsg() (xtcp_cleanup_rbuf()) or the
	 * delayed-ACK timer; small segments of an interactive exchange wait
	 * for the reply
	 */
	if ((xs->rcv_nxt - xs->rcv_wup > xs->rcv_mss &&
	     (xs->rcv_nxt - xs->copied_seq < READ_ONCE(sk->sk_rcvlowat) ||
	      xtcp_ack_moves_window(sk))) ||
	    xtcp_in_quickack_mode(xs) || ack_now) {
		/* from the backlog: one ACK for the run, at release_sock()
		 * (Linux 6.7's __tcp_ack_snd_check()); a segment sent first
		 * carries it
		 */
		if (sock_owned_by_user_nocheck(sk) &&
		    READ_ONCE(sys->backlog_ack_defer)) {
			xs->ack_pending = true;
			xs->ack_deferred = true;
			return;
		}
		goto send_now;
	}
	if (skb_queue_empty(&xs->ofo_queue)) {
		xtcp_schedule_delack(sk);
		return;
	}
	/* out-of-order data: three duplicate ACKs for one rcv_nxt go at
	 * once (the sender's fast retransmit needs them), later ones are
	 * held for 5% of the RTT, at most comp_sack_delay_ns, and at most
	 * comp_sack_nr in a row (Linux's SACK compression)
	 */
	if (!xs->sack_ok || xs->compressed_ack >= READ_ONCE(sys->comp_sack_nr))
		goto send_now;
	if (xs->comp_ack_rcv_nxt != xs->rcv_nxt) {
		xs->comp_ack_rcv_nxt = xs->rcv_nxt;
		xs->dup_ack_counter = 0;
	}
	if (xs->dup_ack_counter < 3) {
		xs->dup_ack_counter++;
		goto send_now;
	}
	xs->compressed_ack++;
	if (hrtimer_is_queued(&xs->comp_ack_timer))
		return;
	rtt = xs->rcv_rtt_us;		/* both << 3 */
	if (xs->srtt_us && xs->srtt_us < rtt)
		rtt = xs->srtt_us;
	delay = min_t(u64, READ_ONCE(sys->comp_sack_delay_ns),
		      rtt * (NSEC_PER_USEC >> 3) / 20);
	sock_hold(sk);
	hrtimer_start_range_ns(&xs->comp_ack_timer, ns_to_ktime(delay),
			       READ_ONCE(sys->comp_sack_slack_ns),
			       HRTIMER_MODE_REL_PINNED_SOFT);
	return;
send_now:
	xtcp_send_ack(sk);
}

/**
 * xtcp_data_queue() - take the payload (and FIN) of an acceptable segment
 * @sk: synchronized socket
 * @skb: segment, header still on; consumed
 *
 * Context: socket lock or bh_lock_sock held.
 */
static void xtcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool got_fin, ofo, filled;
	u32 seg_len, len;

	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	skb_dst_drop(skb);

	if (!xtcp_after(cb->end_seq, xs->rcv_nxt)) {
		/* duplicate: tell the sender where we are, and ACK what
		 * follows at once too (Linux's out_of_window path)
		 */
		xtcp_dsack_note(sk, cb->seq, cb->end_seq);
		xtcp_enter_quickack_mode(xs);
		xtcp_send_ack(sk);
		goto drop;
	}
	if (!xtcp_before(cb->seq, xs->rcv_nxt + xtcp_receive_window(xs)) &&
	    skb->len) {
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPZEROWINDOWDROP);
		xtcp_enter_quickack_mode(xs);
		xtcp_send_ack(sk);		/* beyond the window */
		goto drop;
	}
	if (skb->len && atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf)) {
		/* out of memory: in-order data comes first, the out-of-order
		 * queue makes room for it (Linux's tcp_prune_ofo_queue()), or
		 * the in-order hole could never be filled
		 */
		bool in_order = !xtcp_after(cb->seq, xs->rcv_nxt);
		int limit = READ_ONCE(sk->sk_rcvbuf);

		/* a window once advertised cannot shrink: in-order data inside
		 * it may overshoot the buffer estimate, up to twice the buffer
		 * (Linux collapses buffers instead; this keeps a hard bound)
		 */
		xtcp_collapse_rcvq(sk);
		if (in_order) {
			xtcp_prune_ofo(sk);
			limit *= 2;
		}
		if (atomic_read(&sk->sk_rmem_alloc) > limit) {
			xtcp_inc_stats(sock_net(sk),
				       xtcp_after(cb->seq, xs->rcv_nxt) ?
				       XTCP_MIB_TCPOFODROP : XTCP_MIB_TCPRCVQDROP);
			xtcp_send_ack(sk);	/* no memory: sender retries */
			goto drop;
		}
	}

	/* as Linux's tcp_measure_rcv_mss(): a GSO/GRO skb's segment size */
	seg_len = skb_shinfo(skb)->gso_size ? : skb->len;
	if (seg_len > xs->rcv_mss)
		xs->rcv_mss = min_t(u32, seg_len, xs->advmss);
	/* learn how much memory a payload byte costs, from full-sized
	 * segments only (as Linux's scaling_ratio): a window-limited small
	 * segment's poor ratio would shrink the window, the segments, the
	 * ratio again
	 */
	if (skb->len && skb->len >= xs->rcv_mss) {
		u32 r = ((u64)skb->len << 8) / skb->truesize;

		xs->rcv_ratio = clamp_t(u32, (xs->rcv_ratio * 7 + r) / 8, 16, 255);
	}
	if (xtcp_after(cb->seq, xs->rcv_nxt)) {
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPOFOQUEUE);
		xtcp_ofo_insert(sk, skb);
		xtcp_ack_snd_check(sk, false);	/* a duplicate ACK */
		return;
	}

	xtcp_rcv_rtt_measure(xs);
	/* Linux's tcp_event_data_recv(): when data came, and whether a
	 * small segment (less than the peer's MSS) is waiting for its ACK
	 */
	if (skb->len)
		xtcp_event_data_recv(xs);
	if (skb->len && seg_len < xs->rcv_mss)
		xs->ack_pushed = min_t(u8, xs->ack_pushed + 1, 2);
	ofo = !skb_queue_empty(&xs->ofo_queue);
	len = skb->len;
	got_fin = xtcp_queue_in_order(sk, skb);
	while (!got_fin && (skb = skb_peek(&xs->ofo_queue)) != NULL) {
		cb = XTCP_SKB_CB(skb);
		if (xtcp_after(cb->seq, xs->rcv_nxt))
			break;
		__skb_unlink(skb, &xs->ofo_queue);
		if (!xtcp_after(cb->end_seq, xs->rcv_nxt)) {
			kfree_skb(skb);
			continue;
		}
		got_fin = xtcp_queue_in_order(sk, skb);
	}

	/* RFC 5681 4.2: the segment that fills the hole is ACKed at once */
	filled = ofo && skb_queue_empty(&xs->ofo_queue);

	xtcp_grow_rcv_ssthresh(sk, len);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	/* a FIN in FIN_WAIT1/2 is ACKed at once; one that leaves us in
	 * CLOSE_WAIT waits, as data does, for our FIN to carry the ACK
	 */
	if (got_fin && xtcp_fin(sk))
		return;
	xtcp_ack_snd_check(sk, filled);
	return;
drop:
	kfree_skb(skb);
}

/* insert @b (reached at @tick) into @top, most recent first, @n of @max used */
static int xtcp_sack_top(struct xtcp_sack *top, u32 *ticks, int n, int max,
			 const struct xtcp_sack *b, u32 tick)
{
	int i;

	if (n == max && (s32)(tick - ticks[n - 1]) <= 0)
		return n;		/* older than all we keep */
	if (n < max)
		n++;
	for (i = n - 1; i > 0 && (s32)(tick - ticks[i - 1]) > 0; i--) {
		top[i] = top[i - 1];
		ticks[i] = ticks[i - 1];
	}
	top[i] = *b;
	ticks[i] = tick;
	return n;
}

/**
 * xtcp_sack_blocks() - SACK blocks describing the out-of-order queue
 * @sk: receiving socket
 * @out: blocks: a pending DSACK first (RFC 2883), then the queue's ranges,
 *	 the most recently reached first (RFC 2018 4, Linux's order), at most
 *	 XTCP_MAX_SACKS of them
 * @max: room in @out
 *
 * Return: number of blocks.
 */
int xtcp_sack_blocks(struct sock *sk, struct xtcp_sack *out, int max)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 ticks[XTCP_MAX_SACKS], tick = 0;
	struct xtcp_sack top[XTCP_MAX_SACKS], cur;
	int n = 0, i, k = 0, room;
	struct sk_buff *skb;
	bool open = false;

	if (xs->dsack_pending && max > 0) {	/* RFC 2883: first block */
		out[k].start = xs->dsack_start;
		out[k].end = xs->dsack_end;
		k++;
		xs->dsack_pending = false;
	}
	room = min(max - k, XTCP_MAX_SACKS);
	if (room <= 0)
		return k;
	skb_queue_walk(&xs->ofo_queue, skb) {
		const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (open && !xtcp_after(cb->seq, cur.end)) {
			if (xtcp_after(cb->end_seq, cur.end))
				cur.end = cb->end_seq;
			if ((s32)(cb->ofo_tick - tick) > 0)
				tick = cb->ofo_tick;
			continue;
		}
		if (open)
			n = xtcp_sack_top(top, ticks, n, room, &cur, tick);
		cur.start = cb->seq;
		cur.end = cb->end_seq;
		tick = cb->ofo_tick;
		open = true;
	}
	if (open)
		n = xtcp_sack_top(top, ticks, n, room, &cur, tick);
	for (i = 0; i < n; i++)
		out[k++] = top[i];
	return k;
}

/* Synchronized states. Consumes @skb. */
static void xtcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb,
				  const struct xtcp_opts *opt)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 win = xtcp_receive_window(xs);

	/* first: PAWS, then the sequence number; the ACKs answering either
	 * are rate-limited (Linux's tcp_validate_incoming())
	 */
	if (xs->ts_ok && opt->ts_ok && !th->rst &&	/* a RST passes */
	    !xtcp_paws_check(xs, opt, XTCP_PAWS_WINDOW) &&
	    !xtcp_disordered_ack(sk, skb, opt)) {
		if (th->syn)
			goto syn_challenge;
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_PAWSESTAB);
		if (!xtcp_oow_rate_limited(sock_net(sk), skb,
					   XTCP_MIB_TCPACKSKIPPEDPAWS,
					   &xs->last_oow_ack_time))
			xtcp_send_ack(sk);
		goto drop;
	}
	if (xtcp_before(cb->end_seq, xs->rcv_wup) ||
	    xtcp_after(cb->seq, xs->rcv_nxt + win)) {
		if (th->rst)
			goto drop;
		if (th->syn)
			goto syn_challenge;
		if (!xtcp_oow_rate_limited(sock_net(sk), skb,
					   XTCP_MIB_TCPACKSKIPPEDSEQ,
					   &xs->last_oow_ack_time))
			xtcp_send_ack(sk);
		goto drop;
	}

	/* second: RST (RFC 5961 3.2) */
	if (th->rst) {
		if (cb->seq == xs->rcv_nxt) {
			int err = ECONNRESET;

			if (sk->sk_state == TCP_SYN_RECV)
				err = ECONNREFUSED;
			else if (sk->sk_state == TCP_CLOSE_WAIT)
				err = EPIPE;
			trace_xtcp_receive_reset(sk);
			xtcp_reset(sk, err);
		} else {
			xtcp_send_challenge_ack(sk);
		}
		goto drop;
	}

	/* fourth: SYN (RFC 5961 4.2), except a simultaneous open's SYN-ACK */
	if (th->syn) {
		if (sk->sk_state == TCP_SYN_RECV && th->ack &&
		    cb->seq + 1 == cb->end_seq && cb->seq + 1 == xs->rcv_nxt &&
		    cb->ack_seq == xs->snd_nxt)
			goto pass;
syn_challenge:
		xtcp_send_challenge_ack(sk);
		goto drop;
	}
pass:
	if (!th->ack)
		goto drop;
	if (!xtcp_ack(sk, skb, opt))
		goto drop;
	if (xs->ts_ok)
		xtcp_store_ts_recent(xs, opt, cb->seq);

	switch (sk->sk_state) {
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		/* the peer's FIN is in: data at or past it is its error and
		 * only processed as an ACK; a retransmission of what came
		 * before (the FIN included) is re-ACKed by the data path
		 */
		if (!xtcp_before(cb->seq, xs->rcv_nxt) || cb->end_seq == cb->seq)
			break;
		xtcp_data_queue(sk, skb);
		xtcp_data_snd_check(sk);
		return;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		/* RFC 1122 4.2.2.13: data after the receive side was shut
		 * (close(), or shutdown(SHUT_RD)) has nobody to read it:
		 * reset (TCPAbortOnData), as Linux. Only a segment that
		 * carries data: a bare ACK past rcv_nxt is the peer's ACK
		 * after a FIN we have not received yet (simultaneous close)
		 */
		if ((sk->sk_shutdown & RCV_SHUTDOWN) && cb->end_seq != cb->seq &&
		    xtcp_after(cb->end_seq - th->fin, xs->rcv_nxt)) {
			xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPABORTONDATA);
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_reset(sk, ECONNRESET);
			goto drop;
		}
		fallthrough;
	case TCP_ESTABLISHED:
		if (cb->end_seq != cb->seq) {
			if (xs->ts_ok && opt->ts_ok &&
			    skb->len - tcp_hdr(skb)->doff * 4 >= xs->rcv_mss)
				xtcp_rcv_rtt_measure_ts(xs, opt);
			xtcp_data_queue(sk, skb);
			xtcp_data_snd_check(sk);
			return;
		}
		break;
	default:
		goto drop;
	}
	xtcp_data_snd_check(sk);
	consume_skb(skb);	/* processed: ACK, window update */
	return;
drop:
	kfree_skb(skb);
}

/**
 * xtcp_rcv_state_process() - process a segment for a full socket
 * @sk: the socket (bh-locked or owned by the caller)
 * @skb: the segment, XTCP_SKB_CB filled in, transport header set; consumed
 *
 * Return: 0.
 */
int xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_opts opt;

	xtcp_parse_options(tcp_hdr(skb), &opt, tcp_hdr(skb)->syn);
	switch (sk->sk_state) {
	case TCP_CLOSE:
	case TCP_LISTEN:
		if (!tcp_hdr(skb)->rst)
			xtcp_send_reset_noconn(sock_net(sk), skb);
		kfree_skb(skb);
		return 0;
	case TCP_SYN_SENT:
		xtcp_rcv_synsent(sk, skb, &opt);
		return 0;
	}
	xtcp_rcv_synchronized(sk, skb, &opt);
	return 0;
}

/**
 * xtcp_backlog_rcv() - segments queued while the user owned the socket
 * @sk: the socket, owned by the caller (release_sock)
 * @skb: the segment; consumed
 *
 * Return: 0.
 */
int xtcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	return xtcp_rcv_state_process(sk, skb);
}
