// SPDX-License-Identifier: GPL-2.0
/*
 * Segment arrival for full sockets (RFC 9293 3.10.7): SYN-SENT, and the
 * synchronized states with RFC 5961 protections (exact-sequence RST, SYN
 * and in-window RST answered by a rate-limited challenge ACK) and PAWS
 * (RFC 7323). The sequence acceptability test and the simultaneous-open
 * exception follow Linux's tcp_validate_incoming().
 *
 * Context for everything here: the socket is bh-locked and not owned by
 * the user (softirq), or owned by the user (backlog processing from
 * release_sock()).
 */
#include "xtcp.h"

#include <linux/tcp.h>

/**
 * xtcp_parse_options() - read the TCP options of a segment
 * @th: header; the options follow it (already pulled into the linear area)
 * @opt: result
 * @syn: the segment is a SYN (MSS, window scale, SACK-permitted count only
 *	 on SYNs)
 *
 * Return: 0; malformed options end the parse, like Linux.
 */
int xtcp_parse_options(const struct tcphdr *th, struct xtcp_opts *opt,
		       bool syn)
{
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - sizeof(*th);

	memset(opt, 0, sizeof(*opt));
	while (len > 0) {
		u8 kind = *p++, sz;

		if (kind == 0)			/* end of list */
			break;
		if (kind == 1) {		/* NOP */
			len--;
			continue;
		}
		if (len < 2)
			break;
		sz = *p++;
		if (sz < 2 || sz > len)
			break;
		switch (kind) {
		case 2:
			if (sz == 4 && syn)
				opt->mss = get_unaligned_be16(p);
			break;
		case 3:
			if (sz == 3 && syn) {
				opt->wscale_ok = true;
				opt->wscale = min_t(u8, *p, XTCP_MAX_WSCALE);
			}
			break;
		case 4:
			if (sz == 2 && syn)
				opt->sack_ok = true;
			break;
		case 5:		/* SACK: 1..4 blocks */
			if (!syn && sz >= 10 && (sz - 2) % 8 == 0) {
				int i, n = min((sz - 2) / 8, XTCP_MAX_SACKS);

				for (i = 0; i < n; i++) {
					opt->sacks[i].start = get_unaligned_be32(p + 8 * i);
					opt->sacks[i].end = get_unaligned_be32(p + 8 * i + 4);
				}
				opt->num_sacks = n;
			}
			break;
		case 8:
			if (sz == 10) {
				opt->ts_ok = true;
				opt->tsval = get_unaligned_be32(p);
				opt->tsecr = get_unaligned_be32(p + 4);
			}
			break;
		}
		p += sz - 2;
		len -= sz;
	}
	return 0;
}

/**
 * xtcp_paws_reject() - RFC 7323 PAWS: is this an old duplicate?
 * @xs: socket with timestamps negotiated
 * @opt: the segment's options
 * @rst: the segment is a RST (Linux accepts RSTs once ts_recent is old)
 *
 * Return: true to drop the segment.
 */
bool xtcp_paws_reject(struct xtcp_sock *xs, const struct xtcp_opts *opt,
		      bool rst)
{
	if (!xs->ts_ok || !opt->ts_ok)
		return false;
	if ((s32)(opt->tsval - xs->ts_recent) >= 0)
		return false;
	/* 24 days without a timestamp: ts_recent is no longer valid */
	if (ktime_get_seconds() >= xs->ts_recent_stamp + 24 * 24 * 3600)
		return false;
	return !(rst && ktime_get_seconds() >= xs->ts_recent_stamp + 60);
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
		xtcp_cong_init(sk);
		xs->rcv_tstamp = jiffies;
		xtcp_keepalive_update(sk);
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		/* data on a SYN-ACK is not taken; the peer resends it */
		xtcp_send_ack(sk);
		xtcp_push(sk);
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

/* The FIN is in order: RFC 9293 "eighth, check the FIN bit". */
static void xtcp_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		xtcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		xtcp_set_state(sk, TCP_CLOSING);	/* simultaneous close */
		break;
	case TCP_FIN_WAIT2:
		xtcp_send_ack(sk);
		xtcp_time_wait(sk);
		return;
	default:
		break;
	}
	skb_queue_purge(&xs->ofo_queue);
	xtcp_send_ack(sk);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK || sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
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
		xtcp_cong_init(sk);
		xs->rcv_tstamp = jiffies;
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
	xtcp_cong_on_ack(sk, prior_una, acked, opt, dupack);

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
	if (xtcp_paws_reject(xs, opt, th->rst)) {
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_PAWSESTAB);
		if (!th->rst &&
		    !xtcp_oow_rate_limited(sock_net(sk), skb,
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
		xtcp_data_queue(sk, skb, xtcp_fin);
		xtcp_push(sk);
		return;
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		/* RFC 9293: data after our close() was called and the socket
		 * orphaned has nobody to read it: reset (TCPAbortOnData)
		 */
		if (sock_flag(sk, SOCK_DEAD) && (sk->sk_shutdown & RCV_SHUTDOWN) &&
		    xtcp_after(cb->end_seq - th->fin, xs->rcv_nxt)) {
			xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPABORTONDATA);
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_done(sk);
			goto drop;
		}
		fallthrough;
	case TCP_ESTABLISHED:
		if (cb->end_seq != cb->seq) {
			xtcp_data_queue(sk, skb, xtcp_fin);
			xtcp_push(sk);
			return;
		}
		break;
	default:
		goto drop;
	}
	xtcp_push(sk);
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
