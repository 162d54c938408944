// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit engine (Linux's tcp_output.c). The send queue
 * (sk_write_queue) holds the segments in flight, then the unsent ones from
 * send_head on; xtcp_push() sends what the congestion window, the peer's
 * window and Nagle (RFC 896, unless TCP_NODELAY; held while TCP_CORK)
 * allow, in segments of at most mss_cache bytes. The window we advertise
 * and the MSS are chosen here. Every segment is a TCP segment byte for
 * byte (RFC 9293 header and options), checksummed over the TCP
 * pseudo-header with protocol 6; only the IP header carries XTCP's
 * protocol number. Sockets send through their network layer's
 * queue_xmit (struct xtcp_af_ops: ip_queue_xmit() or inet6_csk_xmit())
 * with checksum offload (CHECKSUM_PARTIAL).
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/inet_dscp.h>

/**
 * xtcp_mss_for_mtu() - payload bytes per segment for a path MTU
 * @sk: connected socket
 * @mtu: path MTU
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: MSS minus the per-segment options (timestamps).
 */
u16 xtcp_mss_for_mtu(struct sock *sk, u32 mtu)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = mtu - xs->af_ops->net_header_len - sizeof(struct tcphdr);

	if (xs->rx_mss && mss > xs->rx_mss)
		mss = xs->rx_mss;
	if (xs->user_mss && mss > xs->user_mss)
		mss = xs->user_mss;
	if (xs->ts_ok)
		mss -= 12;
	mss = max_t(u32, mss, XTCP_MIN_MSS - 40 + 8);
	/* as Linux's tcp_bound_to_half_wnd(): a segment never needs more
	 * than half the largest window the peer offered (loopback's MSS
	 * would otherwise exceed a small receive buffer's whole window)
	 */
	if (xs->max_window) {
		u32 cut = xs->max_window > XTCP_MSS_DEFAULT ?
			  xs->max_window / 2 : xs->max_window;

		if (mss > cut)
			mss = max_t(u32, cut, 68 - sizeof(struct tcphdr) -
					      (xs->ts_ok ? 12 : 0));
	}
	return mss;
}

/**
 * xtcp_sync_mss() - recompute mss_cache from the route
 * @sk: socket with a route
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_sync_mss(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	u32 mtu = dst ? dst_mtu(dst) : 576;

	xtcp_sk(sk)->mss_cache = xtcp_mss_for_mtu(sk, mtu);
}

/**
 * xtcp_mtu_reduced() - apply a smaller path MTU (Linux's
 * tcp_v4_mtu_reduced() and tcp_simple_retransmit())
 * @sk: connected socket; mtu_info holds the MTU an ICMP error announced
 *
 * The route learns the MTU (af_ops->update_pmtu); when the MSS shrinks,
 * every segment in flight that no longer fits is marked lost and sent
 * again in segments of the new size (xtcp_retransmit_skb() cuts them),
 * without a window reduction: the path's MTU, not congestion, lost them.
 * An IPv4 socket with IP_PMTUDISC_DONT sends without DF and ignores it.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_mtu_reduced(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 old = xs->mss_cache;
	struct sk_buff *skb;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	if (sk->sk_family == AF_INET &&
	    READ_ONCE(inet_sk(sk)->pmtudisc) == IP_PMTUDISC_DONT)
		return;
	if (!xs->af_ops->update_pmtu(sk, READ_ONCE(xs->mtu_info)))
		return;
	xtcp_sync_mss(sk);
	if (xs->mss_cache >= old)
		return;
	xtcp_split_flight(sk);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (skb == xs->send_head)
			break;
		if (skb->len > xs->mss_cache && !(cb->sacked & XTCP_SACKED))
			xtcp_set_sacked(xs, cb, (cb->sacked | XTCP_LOST) &
						~XTCP_RETRANS);
	}
	xtcp_xmit_lost(sk);
}

/**
 * xtcp_release_cb() - proto.release_cb: what waited for the user to
 * release the socket (a path MTU from ICMP, xtcp_mtu_dispatch(); the ACK
 * of a backlog run, xtcp_data_queue())
 * @sk: socket
 *
 * Context: release_sock(), the socket spinlock held, still owned.
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (xs->mtu_deferred) {
		xs->mtu_deferred = false;
		xtcp_mtu_reduced(sk);
	}
	/* as Linux's tcp_release_cb(): unless a segment carried it */
	if (xs->ack_deferred) {
		xs->ack_deferred = false;
		if (xs->compressed_ack)
			xtcp_sack_compress_send_ack(sk);
		else if (xs->ack_pending)
			xtcp_send_ack(sk);
	}
}

/**
 * __xtcp_select_window() - the window the receive buffer allows now
 * @sk: connected socket
 *
 * Linux's __tcp_select_window() (whose rcv_ssthresh is our window_clamp:
 * XTCP opens the whole free space at once): none when less than half the
 * buffer is free and what is free is under one MSS or a sixteenth of the
 * buffer (move to a zero window before the buffer overflows), and with
 * less than half free, quick-ACK mode ends (as Linux's); with window
 * scaling the free space rounded up to the scale unit; without, the
 * window offered last while it is within one MSS of the free space, else
 * the free space rounded down to whole MSS (the sender never has to cut a
 * segment to fit it).
 * Context: socket lock or bh_lock_sock held.
 * Return: the window in bytes, before the never-shrink rule.
 */
u32 __xtcp_select_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int allowed = xtcp_space_to_win(xs, READ_ONCE(sk->sk_rcvbuf));
	int free = xtcp_free_win(sk);
	int full = min_t(int, xs->window_clamp, allowed);
	int mss = xtcp_rcv_mss(xs);
	int win;

	if (mss > full) {
		mss = full;
		if (mss <= 0)
			return 0;
	}
	if (free < full >> 1) {
		xs->quickack = 0;	/* as Linux: the buffer fills up */
		free = round_down(free, 1 << xs->rcv_wscale);
		if (free < allowed >> 4 || free < mss)
			return 0;
	}
	free = min_t(int, free, xs->window_clamp);
	if (xs->rcv_wscale)
		return ALIGN(free, 1 << xs->rcv_wscale);
	win = xs->rcv_wnd;
	if (win <= free - mss || win > free)
		win = rounddown(free, mss);
	else if (mss == full && free > win + (full >> 1))
		win = free;
	return win;
}

/**
 * xtcp_select_window() - the window to advertise, scaled for the header
 * @sk: connected socket
 *
 * __xtcp_select_window(), but never shrinking the right edge already
 * advertised (RFC 9293 3.8.6.2.2, Linux's tcp_select_window()) and at
 * most 65535 << rcv_wscale. Records the new window in rcv_wnd and
 * rcv_wup.
 * Context: socket lock or bh_lock_sock held.
 * Return: the window field for the TCP header, already shifted right by
 * rcv_wscale.
 */
u32 xtcp_select_window(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 cur = xs->rcv_wnd - min(xs->rcv_wnd, xs->rcv_nxt - xs->rcv_wup);
	u32 win = __xtcp_select_window(sk);

	if (win < cur)
		win = ALIGN(cur, 1U << xs->rcv_wscale);
	win = min_t(u32, win, 65535U << xs->rcv_wscale);
	xs->rcv_wnd = win;
	xs->rcv_wup = xs->rcv_nxt;
	return win >> xs->rcv_wscale;
}

static void xtcp_sock_out_opts(struct sock *sk, struct xtcp_out_opts *o,
			       bool syn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	memset(o, 0, sizeof(*o));
	o->ts = xs->ts_ok;
	o->tsval = xtcp_clock_ms() + xs->tsoff;
	o->tsecr = xs->ts_recent;
	if (syn) {
		o->mss = xs->advmss;
		o->sack = xs->sack_ok;
		o->ws = xs->wscale_ok;
		o->wscale = xs->rcv_wscale;
	} else if (xs->sack_ok && (!skb_queue_empty(&xs->ofo_queue) ||
				   xs->dsack_pending)) {
		o->num_sacks = xtcp_sack_blocks(sk, o->sacks, o->ts ? 3 : 4);
	}
}

/* mss_cache leaves room for the timestamp only: a full-size data segment
 * carries as many SACK blocks as still fit in the path MTU (the pure ACKs
 * sent for out-of-order arrivals carry them all).
 */
static void xtcp_fit_sacks(struct sock *sk, struct xtcp_out_opts *o,
			   unsigned int payload)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	int room = (dst ? dst_mtu(dst) : 576) -
		   (int)xtcp_sk(sk)->af_ops->net_header_len -
		   (int)sizeof(struct tcphdr) - (int)payload - (o->ts ? 12 : 0);
	int fit = room >= 12 ? (room - 4) / 8 : 0;	/* NOP NOP kind len */

	if (o->num_sacks > fit)
		o->num_sacks = fit;
}

/**
 * xtcp_transmit_skb() - put the TCP header on a segment and send it
 * @sk: connected (or connecting) socket
 * @skb: segment; XTCP_SKB_CB() holds seq, flags; skb->data is the payload
 *	(or a GSO skb of xtcp_gso_build(): page fragments, gso_size set)
 * @clone: send a clone and keep @skb (write queue) instead of consuming it
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_af_ops *af = xs->af_ops;
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool syn = cb->flags & XTCP_SYN;
	struct xtcp_out_opts o;
	unsigned int hlen;
	struct tcphdr *th;
	u8 flags = cb->flags;
	u32 seq = cb->seq;
	bool acks_data;
	int err;

	if (clone) {
		skb = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) :
					skb_clone(skb, GFP_ATOMIC);
		if (!skb)
			return -ENOBUFS;
	}

	xtcp_sock_out_opts(sk, &o, syn);
	if (o.num_sacks)	/* per segment: a GSO skb's gso_size */
		xtcp_fit_sacks(sk, &o, skb_shinfo(skb)->gso_size ? : skb->len);
	hlen = sizeof(*th) + xtcp_opts_size(&o, syn);

	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(seq);
	th->doff = hlen / 4;
	/* everything but the first SYN of an active open carries ACK */
	if (!syn || sk->sk_state != TCP_SYN_SENT)
		flags |= XTCP_ACK;
	xtcp_flag_byte(th) = flags;
	if (flags & XTCP_ACK)
		th->ack_seq = htonl(xs->rcv_nxt);
	/* data or a FIN received since the last ACK (Linux's ICSK_ACK_SCHED) */
	acks_data = xs->ack_pending || xs->rcv_nxt != xs->rcv_wup;
	if (syn)	/* RFC 7323: the window of a SYN is never scaled */
		th->window = htons(min(xs->rcv_wnd, 65535U));
	else
		th->window = htons(xtcp_select_window(sk));
	xtcp_write_opts((__be32 *)(th + 1), &o, syn);

	if (flags & XTCP_ACK) {
		/* the duplicate ACKs SACK compression held are carried by
		 * this one; an ACK of new data counts against quick-ACK mode
		 * (Linux's tcp_event_ack_sent()); an armed delayed-ACK timer
		 * stays: it finds nothing pending, as Linux's (no
		 * timer_delete() per ACK)
		 */
		if (unlikely(xs->compressed_ack)) {
			xtcp_add_stats(sock_net(sk), XTCP_MIB_TCPACKCOMPRESSED,
				       xs->compressed_ack);
			xs->compressed_ack = 0;
			if (hrtimer_try_to_cancel(&xs->comp_ack_timer) == 1)
				__sock_put(sk);
		}
		if (acks_data && xs->quickack && !--xs->quickack)
			xs->ato = XTCP_ATO_MIN;
		xs->ack_pending = false;
		xs->ack_pushed = 0;
	}

	skb_orphan(skb);
	skb_set_owner_w(skb, sk);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	af->send_check(sk, skb);
	/* the IP layer's control block (IPCB or IP6CB) starts clean */
	memset(skb->cb, 0, max(sizeof(struct inet_skb_parm),
			       sizeof(struct inet6_skb_parm)));

	/* as Linux: a GSO skb counts as the segments it carries */
	xtcp_add_stats(sock_net(sk), XTCP_MIB_OUTSEGS, xtcp_skb_segs(skb));
	err = af->queue_xmit(sk, skb);
	return net_xmit_eval(err);
}

/* A bare control segment of a socket (ACK, RST, probe): no payload. */
static struct sk_buff *xtcp_alloc_ctl(struct sock *sk, gfp_t gfp, u32 seq,
				      u8 flags)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, gfp);

	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq;
	XTCP_SKB_CB(skb)->flags = flags;
	return skb;
}

/**
 * xtcp_send_ack() - send a pure ACK now
 * @sk: synchronized socket
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_send_ack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	skb = xtcp_alloc_ctl(sk, GFP_ATOMIC, xs->snd_nxt, XTCP_ACK);
	if (!skb) {
		/* no buffer: try again from the delayed-ACK timer, later than
		 * a delayed ACK would go (Linux's __tcp_send_ack(), without
		 * its backoff)
		 */
		xs->ack_pending = true;
		xs->ato = XTCP_ATO_MIN;
		sk_reset_timer(sk, &xs->delack_timer, jiffies + XTCP_DELACK_MAX);
		return;
	}
	xtcp_transmit_skb(sk, skb, false);
}

/*
 * One ACK per net.xtcp.invalid_ratelimit per connection in answer to
 * unacceptable segments, as Linux's __tcp_oow_rate_limited(): a stamp of 0
 * means none sent yet; a ratelimit of 0 disables the limit.
 * Context: any (the stamp is read and written locklessly, as Linux's).
 */
static bool __xtcp_oow_rate_limited(struct net *net, enum xtcp_mib mib,
				    u32 *last_oow_ack_time)
{
	u32 last = READ_ONCE(*last_oow_ack_time), now = (u32)jiffies;
	int ms = READ_ONCE(xtcp_pernet(net)->sysctl.invalid_ratelimit);

	if (last) {
		s32 elapsed = (s32)(now - last);

		if (elapsed >= 0 && elapsed < (s32)msecs_to_jiffies(ms)) {
			xtcp_inc_stats(net, mib);
			return true;
		}
	}
	WRITE_ONCE(*last_oow_ack_time, now ? now : 1);
	return false;
}

/**
 * xtcp_oow_rate_limited() - must the ACK answering @skb be skipped?
 * @net: namespace of the connection (its invalid_ratelimit, its counters)
 * @skb: the unacceptable segment (out of window, PAWS, SYN-RECV or
 *	 TIME_WAIT mismatch)
 * @mib: counter of skipped ACKs (TCPACKSkippedSeq, ...PAWS, ...SynRecv,
 *	 ...TimeWait)
 * @last_oow_ack_time: the connection's stamp of its last such ACK
 *
 * As Linux's tcp_oow_rate_limited(): segments with data (and no SYN) are
 * not part of an ACK loop and are always answered; pure ACKs, FIN-less
 * control segments and SYNs get at most one ACK per invalid_ratelimit, so
 * that two ends that disagree (one spoofed segment is enough) cannot ping
 * ACKs back and forth forever.
 * Context: softirq or the socket's owner.
 * Return: true to skip the ACK.
 */
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   enum xtcp_mib mib, u32 *last_oow_ack_time)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->seq != cb->end_seq && !tcp_hdr(skb)->syn)
		return false;
	return __xtcp_oow_rate_limited(net, mib, last_oow_ack_time);
}

/**
 * xtcp_send_challenge_ack() - RFC 5961 challenge ACK, rate-limited
 * @sk: synchronized socket
 *
 * As Linux's tcp_send_challenge_ack(): first the connection's own limit
 * (one per net.xtcp.invalid_ratelimit, shared with the other ACKs to
 * unacceptable segments: TCPACKSkippedChallenge), then the namespace-wide
 * net.xtcp.challenge_ack_limit per second (INT_MAX, the default: no
 * namespace limit), spread randomly over [limit/2, limit*3/2) so that an
 * off-path attacker cannot count it (CVE-2016-5696).
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_send_challenge_ack(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	u32 limit, now, count;

	if (__xtcp_oow_rate_limited(net, XTCP_MIB_TCPACKSKIPPEDCHALLENGE,
				    &xtcp_sk(sk)->last_oow_ack_time))
		return;
	limit = READ_ONCE(xn->sysctl.challenge_ack_limit);
	if (limit < INT_MAX) {
		now = jiffies / HZ;
		if (now != READ_ONCE(xn->challenge_timestamp)) {
			u32 half = (limit + 1) >> 1;

			WRITE_ONCE(xn->challenge_timestamp, now);
			WRITE_ONCE(xn->challenge_count, limit ?
				   half + get_random_u32_below(limit) : 0);
		}
		count = READ_ONCE(xn->challenge_count);
		if (!count)
			return;
		WRITE_ONCE(xn->challenge_count, count - 1);
	}
	xtcp_inc_stats(net, XTCP_MIB_TCPCHALLENGEACK);
	xtcp_send_ack(sk);
}

/**
 * xtcp_send_active_reset() - abort: send RST with the next sequence number
 * @sk: socket being aborted
 * @gfp: allocation context
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb;

	skb = xtcp_alloc_ctl(sk, gfp, xtcp_sk(sk)->snd_nxt, XTCP_RST | XTCP_ACK);
	if (!skb)
		return;
	trace_xtcp_send_reset(sk, NULL);
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_OUTRSTS);
	xtcp_transmit_skb(sk, skb, false);
}

/**
 * xtcp_send_probe() - keepalive probe: ACK with sequence snd_una - 1
 * @sk: established socket
 *
 * The byte before snd_una is outside the peer's window, so the peer answers
 * with an ACK (RFC 9293 3.8.4), as Linux's tcp_xmit_probe_skb() does.
 * Context: bh_lock_sock held (timer).
 */
void xtcp_send_probe(struct sock *sk)
{
	struct sk_buff *skb;

	skb = xtcp_alloc_ctl(sk, GFP_ATOMIC, xtcp_sk(sk)->snd_una - 1, XTCP_ACK);
	if (skb)
		xtcp_transmit_skb(sk, skb, false);
}

/**
 * xtcp_queue_new_segment() - append an empty segment to the write queue
 * @sk: socket
 * @gfp: allocation flags
 *
 * The skb holds headroom for the headers only; sendmsg() puts the payload
 * in page fragments (as Linux's tcp_stream_alloc_skb() and
 * tcp_sendmsg_locked()). Its sequence space starts at write_seq, it
 * carries ACK, and its truesize counts in sk_wmem_queued; it becomes the
 * send head when nothing else is unsent.
 * Context: socket lock held.
 * Return: the segment, or NULL when none could be allocated.
 */
struct sk_buff *xtcp_queue_new_segment(struct sock *sk, gfp_t gfp)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	skb = alloc_skb_fclone(XTCP_MAX_HEADER, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	/* the checksum is the device's or the core's (no copy-and-sum) */
	skb->ip_summed = CHECKSUM_PARTIAL;
	cb = XTCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = xs->write_seq;
	cb->end_seq = xs->write_seq;
	cb->flags = XTCP_ACK;
	sk_wmem_queued_add(sk, skb->truesize);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	if (!xs->send_head)
		xs->send_head = skb;
	return skb;
}

/* Queue a sequence-consuming control segment (SYN or FIN) and send it. */
static int xtcp_queue_ctl(struct sock *sk, u8 flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	skb = xtcp_queue_new_segment(sk, sk->sk_allocation);
	if (!skb)
		return -ENOBUFS;
	XTCP_SKB_CB(skb)->end_seq++;
	XTCP_SKB_CB(skb)->flags = flags;
	xs->write_seq++;
	xtcp_push(sk);
	return 0;
}

/**
 * xtcp_send_syn() - queue and send the SYN of an active open
 * @sk: socket in SYN_SENT with iss chosen
 *
 * Context: socket lock held.
 * Return: 0 (queued; a failed transmission is retried by the timer), or
 * -ENOBUFS when no buffer could be allocated (nothing queued).
 */
int xtcp_send_syn(struct sock *sk)
{
	return xtcp_queue_ctl(sk, XTCP_SYN);
}

/**
 * xtcp_send_fin() - queue our FIN after any unsent data
 * @sk: socket entering FIN_WAIT1 or LAST_ACK
 *
 * If unsent data is waiting, the FIN rides on its last segment.
 * Context: socket lock held.
 */
void xtcp_send_fin(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tail && xs->send_head && !(XTCP_SKB_CB(tail)->flags & XTCP_FIN) &&
	    !(XTCP_SKB_CB(tail)->flags & XTCP_SYN)) {
		XTCP_SKB_CB(tail)->flags |= XTCP_FIN;
		XTCP_SKB_CB(tail)->end_seq++;
		xs->write_seq++;
		xtcp_push(sk);
		return;
	}
	xtcp_queue_ctl(sk, XTCP_FIN | XTCP_ACK);
}

/**
 * xtcp_transmit_queued() - send a segment of the write queue (a clone:
 * the segment stays queued until acknowledged), stamping its send time
 * (jiffies for the RTO, whatever the IP layer says, as Linux counts a SYN
 * as sent; nanoseconds for RACK and PRR's count only once it left, as
 * Linux's prr_out)
 * @sk: socket
 * @skb: the segment
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_transmit_queued(struct sock *sk, struct sk_buff *skb)
{
	int err;

	if (skb->len)		/* data: Linux's tcp_event_data_sent() */
		xtcp_cong_data_sent(sk);
	XTCP_SKB_CB(skb)->when = jiffies;
	err = xtcp_transmit_skb(sk, skb, true);
	if (!err)
		xtcp_recovery_skb_sent(sk, skb);
	return err;
}

static int xtcp_split_skb(struct sock *sk, struct sk_buff *skb, u32 len);

/*
 * Cut the sent @skb after @len payload bytes (a smaller path MTU); the
 * tail keeps the head's send time and scoreboard state, as Linux's
 * tcp_fragment() of a segment in flight. Return: 0 or -ENOMEM.
 */
static int xtcp_split_sent(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	unsigned int segs = xtcp_skb_segs(skb);
	int err = xtcp_split_skb(sk, skb, len);

	if (err)
		return err;
	ncb = XTCP_SKB_CB(skb->next);
	ncb->when = cb->when;
	ncb->xmit_ns = cb->xmit_ns;
	/* as many segments in flight as before, or one more (a segment
	 * cut for a smaller MTU)
	 */
	xtcp_sk(sk)->packets_out += xtcp_skb_segs(skb) +
				    xtcp_skb_segs(skb->next) - segs;
	xtcp_set_sacked(xtcp_sk(sk), ncb, cb->sacked);
	ncb->retransmitted = cb->retransmitted;
	return 0;
}

/**
 * xtcp_split_flight() - one skb per segment in flight again
 * @sk: socket
 *
 * While nothing is lost, a size-goal skb leaves whole as one GSO skb and
 * stays queued so (xtcp_xmit_big(), as Linux's TSO skbs): no skb per
 * segment. Before the SACK scoreboard, RACK or a retransmission looks at
 * the queue (SACK blocks or a duplicate ACK arrive, an RTO, a loss probe,
 * a smaller path MTU), such skbs are cut into one skb per segment, each
 * with the send times of the whole (Linux's tcp_fragment() for SACK
 * tagging and loss marking).
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_split_flight(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;

	if (!xs->big_out)
		return;
	for (skb = skb_peek(&sk->sk_write_queue); skb && skb != xs->send_head;
	     skb = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL : skb->next) {
		/* the rest becomes the next skb, cut in turn */
		if (xtcp_skb_segs(skb) > 1 &&
		    xtcp_split_sent(sk, skb, skb_shinfo(skb)->gso_size))
			return;		/* no memory: the next event tries again */
	}
	xs->big_out = false;
}

/**
 * xtcp_retransmit_skb() - send a segment of the write queue again
 * @sk: socket
 * @skb: a sent, unacknowledged segment; cut to the MSS first when the
 *	 path MTU shrank since it was sent
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: 0 or a negative errno from the IP layer.
 */
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long sent = cb->when;
	/* the TSval this retransmission carries at the least: taken before
	 * it leaves, as Linux's retrans_stamp is the segment's own send
	 * time; the transmit call may run the peer's receive path and our
	 * ACK processing (softirq on the way out), long enough for the
	 * clock to move on, and an echo of this very segment must not read
	 * as older than it (a false Eifel undo)
	 */
	u32 tsval = (xtcp_clock_ms() + xs->tsoff) ? : 1;
	int err;

	/* the path MTU shrank since it was sent: resend in today's size */
	if (skb->len > xs->mss_cache && !(cb->flags & XTCP_SYN) &&
	    xtcp_split_sent(sk, skb, xs->mss_cache))
		return -ENOMEM;
	err = xtcp_transmit_queued(sk, skb);
	if (err)
		return err;
	/* as Linux: the episode started when the segment was first sent */
	if (!xs->retrans_stamp)
		xs->retrans_stamp = sent ? : 1;
	cb->retransmitted = true;
	xtcp_set_sacked(xs, cb, cb->sacked | XTCP_RETRANS);
	if (!xs->undo_tsval && xs->ts_ok)
		xs->undo_tsval = tsval;
	xtcp_sk(sk)->total_retrans++;
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_RETRANSSEGS);
	trace_xtcp_retransmit_skb(sk, cb->seq, cb->end_seq, cb->flags);
	return 0;
}

/**
 * xtcp_retransmit_head() - resend the oldest unacknowledged segment
 * @sk: socket with data, SYN or FIN outstanding
 *
 * A SYN whose first transmission failed locally is still unsent: it goes
 * now.
 * Context: socket lock or bh_lock_sock held (retransmission timer).
 * Return: 0, a negative errno from the IP layer, or a positive
 * NET_XMIT_* code when the segment was dropped locally (Linux's "local
 * congestion").
 */
int xtcp_retransmit_head(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb)
		return 0;
	if (skb == xs->send_head) {
		if (!(XTCP_SKB_CB(skb)->flags & XTCP_SYN))
			return 0;
		xtcp_push(sk);
		return skb == xs->send_head ? NET_XMIT_DROP : 0;
	}
	return xtcp_retransmit_skb(sk, skb);
}

/**
 * xtcp_write_queue_purge() - drop everything queued for sending
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held, or socket unreachable.
 */
void xtcp_write_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)) != NULL) {
		sk_wmem_queued_add(sk, -skb->truesize);
		consume_skb(skb);
	}
	xtcp_sk(sk)->send_head = NULL;
	xtcp_sk(sk)->packets_out = 0;
	xtcp_sk(sk)->sacked_out = 0;
	xtcp_sk(sk)->pipe_excl = 0;
}

/*
 * Cut @skb after @len payload bytes; the rest becomes the next segment
 * (FIN and PSH move with it), as Linux's tcp_fragment(): skb_split() moves
 * the page fragments (and any linear bytes past @len), and the moved
 * bytes' truesize goes with them. A sent segment may still be shared with
 * a clone on its way out: it gets its own header first. Its send time
 * and scoreboard state are the caller's (xtcp_split_sent()); a sent GSO
 * skb's two parts keep its segment size (xtcp_skb_set_segs()).
 * Return: 0 or -ENOMEM.
 */
static int xtcp_split_skb(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	int nsize = (int)skb_headlen(skb) - (int)len;
	u32 rest = skb->len - len, mss = skb_shinfo(skb)->gso_size;
	struct sk_buff *nskb;

	if (xtcp_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	nskb = alloc_skb_fclone(XTCP_MAX_HEADER + max(nsize, 0), GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, XTCP_MAX_HEADER);
	sk_wmem_queued_add(sk, nskb->truesize);
	skb_split(skb, nskb, len);
	nskb->truesize += rest;
	skb->truesize -= rest;
	ncb = XTCP_SKB_CB(nskb);
	memset(ncb, 0, sizeof(*ncb));
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	ncb->flags = cb->flags;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(XTCP_FIN | XTCP_PSH);
	if (mss) {
		xtcp_skb_set_segs(sk, skb, mss);
		xtcp_skb_set_segs(sk, nskb, mss);
	}
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	return 0;
}

/*
 * The peer's window is open but smaller than the next segment: RFC 9293
 * 3.8.6.2.1 lets the sender fill it when nothing is in flight and at least
 * half of the largest window the peer ever offered is open (so a tiny
 * SO_RCVBUF cannot stall the connection). Return: the segment now fits.
 */
static bool xtcp_fit_window(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 avail = xs->snd_una + xs->snd_wnd - XTCP_SKB_CB(skb)->seq;

	if (xs->snd_una != xs->snd_nxt || !avail || (s32)avail < 0 ||
	    avail >= skb->len || avail < xs->max_window / 2)
		return false;
	return !xtcp_split_skb(sk, skb, avail);
}

/* New data up to and including @last (@n segments) left: the send head
 * moves on.
 */
static void xtcp_new_data_sent(struct sock *sk, struct sk_buff *last,
			       unsigned int n)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(last);

	xs->packets_out += n;
	if (xtcp_after(cb->end_seq, xs->snd_nxt))
		xs->snd_nxt = cb->end_seq;
	xs->send_head = skb_queue_is_last(&sk->sk_write_queue, last) ?
			NULL : last->next;
	xs->probe_stamp = 0;		/* the window took new data */
	/* a reply within the delayed-ACK time of data received: ping-pong
	 * (Linux's tcp_event_data_sent(); before any data, ato is 0)
	 */
	if ((u32)jiffies - xs->lrcvtime < xs->ato && xs->pingpong < U8_MAX)
		xs->pingpong++;
	/* data in flight now: the RTO, unless it (or RACK-TLP) already runs */
	if (!timer_pending(&xs->retrans_timer) ||
	    xs->xmit_timer == XTCP_XMIT_PROBE0)
		xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
}

/* Send the unsent segment @skb (the send head) for the first time. */
static int xtcp_xmit_new(struct sock *sk, struct sk_buff *skb)
{
	int err;

	err = xtcp_transmit_queued(sk, skb);
	if (err)
		return err;
	xtcp_new_data_sent(sk, skb, 1);
	return 0;
}

/**
 * xtcp_size_goal() - how many bytes sendmsg() puts in one unsent segment
 * @sk: connected socket
 *
 * As Linux's tcp_xmit_size_goal(): as many whole MSS as one GSO skb on
 * the route carries (xtcp_gso_max_segs()), but no more than half the
 * largest window the peer offered (tcp_bound_to_half_wnd()), and at
 * least one MSS. The transmit engine sends such a segment whole as one
 * GSO skb while nothing is lost (xtcp_xmit_big()), else cut to the MSS.
 * Context: socket lock held.
 * Return: the size goal in bytes.
 */
u32 xtcp_size_goal(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xs->mss_cache, segs, half;

	if (!mss)
		return 1;
	segs = xtcp_gso_max_segs(sk);
	half = xs->max_window > XTCP_MSS_DEFAULT ? xs->max_window >> 1 :
					      xs->max_window;
	if (half)
		segs = min(segs, half / mss);
	return max(segs, 1U) * mss;
}

/* Cut an unsent segment longer than the MSS (a size-goal segment of
 * sendmsg()) to the MSS as it is about to leave, as Linux's
 * tso_fragment(). Return: 0 or -ENOMEM.
 */
static int xtcp_cut_to_mss(struct sock *sk, struct sk_buff *skb)
{
	u32 mss = xtcp_sk(sk)->mss_cache;

	if (skb->len <= mss || (XTCP_SKB_CB(skb)->flags & XTCP_SYN))
		return 0;
	return xtcp_split_skb(sk, skb, mss);
}

/*
 * How many segments from the send head @skb may leave as one GSO skb (at
 * most @max): @skb itself passed __xtcp_push()'s checks; each following
 * one must pass them too (cwnd, the peer's window, Nagle/cork for a short
 * last segment: the run's earlier segments will be in flight). Only data
 * segments of exactly one MSS (longer ones are cut), but a run's last,
 * which may be shorter or carry PSH; no SYN or FIN.
 * Return: 0 when @skb cannot start a run.
 */
static unsigned int xtcp_gso_run(struct sock *sk, struct sk_buff *skb,
				 u32 pipe, unsigned int max, bool more)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 mss = xs->mss_cache;
	unsigned int n = 0;

	for (;;) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool last;

		if (n && xtcp_cut_to_mss(sk, skb))
			break;
		last = skb_queue_is_last(&sk->sk_write_queue, skb);
		if (!skb->len || skb->len > mss ||
		    (cb->flags & (XTCP_SYN | XTCP_FIN | XTCP_RST)))
			break;
		if (n && (pipe + n >= xs->cwnd ||
			  xtcp_after(cb->seq + skb->len,
				     xs->snd_una + xs->snd_wnd) ||
			  (skb->len < mss && last &&
			   (xs->cork || more || !xs->nodelay))))
			break;
		n++;
		if (n == max || last || skb->len < mss ||
		    (cb->flags & XTCP_PSH))
			break;
		skb = skb->next;
	}
	return n;
}

/*
 * Send up to *@n segments from the send head @first (xtcp_gso_run()) for
 * the first time, as one GSO skb; *@n becomes the number sent (fewer when
 * their page fragments do not fit one skb). Each segment is stamped as if
 * sent alone.
 * Return: 0, -ENOMEM when no GSO skb could be built (nothing sent), or
 * the IP layer's error.
 */
static int xtcp_xmit_new_gso(struct sock *sk, struct sk_buff *first,
			     unsigned int *n)
{
	struct sk_buff *skb, *gso, *last = first;
	unsigned int i;
	int err;

	gso = xtcp_gso_build(sk, first, n, xtcp_sk(sk)->mss_cache);
	if (!gso)
		return -ENOMEM;
	xtcp_cong_data_sent(sk);	/* Linux's tcp_event_data_sent() */
	for (i = 0, skb = first; i < *n; i++, skb = skb->next) {
		XTCP_SKB_CB(skb)->when = jiffies;
		last = skb;
	}
	err = xtcp_transmit_skb(sk, gso, false);
	if (err)
		return err;
	for (i = 0, skb = first; i < *n; i++, skb = skb->next)
		xtcp_recovery_skb_sent(sk, skb);
	xtcp_new_data_sent(sk, last, *n);
	return 0;
}

/*
 * Linux 6.10's tcp_grow_skb() (on kernels whose TCP does it,
 * XTCP_GROW_SEND_HEAD): the send head @skb takes up to @amount payload
 * bytes from the unsent segment after it, so that what cwnd lets leave at
 * once leaves as one GSO skb even when sendmsg() queued it in small
 * pieces; a segment emptied so goes, its FIN and PSH with the bytes.
 */
static void xtcp_grow_skb(struct sock *sk, struct sk_buff *skb, u32 amount)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	struct sk_buff *next;
	u32 n;

	if (!XTCP_GROW_SEND_HEAD || !skb->len ||
	    skb_queue_is_last(&sk->sk_write_queue, skb) ||
	    (cb->flags & (XTCP_SYN | XTCP_FIN | XTCP_RST)))
		return;
	next = skb->next;
	ncb = XTCP_SKB_CB(next);
	n = xtcp_skb_shift(skb, next, min(amount, next->len));
	if (!n)
		return;
	cb->end_seq += n;
	ncb->seq += n;
	if (next->len)
		return;
	cb->end_seq = ncb->end_seq;
	cb->flags |= ncb->flags;
	__skb_unlink(next, &sk->sk_write_queue);
	sk_wmem_queued_add(sk, -next->truesize);
	consume_skb(next);
}

/*
 * Send the first segments of the send head @skb, a size-goal skb of
 * sendmsg(), as one GSO skb that stays queued whole (a clone leaves), as
 * Linux sends its TSO skbs: while nothing is lost, no skb per segment.
 * As many segments as cwnd (@pipe in flight), the peer's window and @max
 * allow; the rest is cut off (Linux's tso_fragment()). A short last
 * segment goes only where Nagle, TCP_CORK and @more would let it go
 * alone, and the segment with a FIN goes alone. Only in the Open state
 * with a clean scoreboard: SACK tagging, RACK and retransmissions work
 * per segment (xtcp_split_flight()).
 * Return: segments sent; 0 when this does not apply (the caller sends
 * segment by segment); a negative errno when sending failed.
 */
static int xtcp_xmit_big(struct sock *sk, struct sk_buff *skb, u32 pipe,
			 unsigned int max, bool more)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u32 mss = xs->mss_cache, room, len, n;
	int err;

	if (xs->ca_state != XTCP_CA_OPEN || xs->sacked_out || xs->pipe_excl ||
	    xs->reno_sacked || skb->len <= mss ||
	    (cb->flags & (XTCP_SYN | XTCP_RST)))
		return 0;
	room = xs->snd_una + xs->snd_wnd - cb->seq;
	if ((s32)room < (s32)(2 * mss))
		return 0;
	n = min3(xs->cwnd - pipe, (u32)max, DIV_ROUND_UP(skb->len, mss));
	len = min3(n * mss, skb->len, rounddown(room, mss));
	if (cb->flags & XTCP_FIN)
		len = min(len, rounddown(skb->len - 1, mss));
	if (len == skb->len && len % mss &&
	    skb_queue_is_last(&sk->sk_write_queue, skb) &&
	    (xs->cork || more || !xs->nodelay))
		len = rounddown(len, mss);	/* Nagle: the short one waits */
	n = DIV_ROUND_UP(len, mss);
	if (n < 2 || (len < skb->len && xtcp_split_skb(sk, skb, len)))
		return 0;
	xtcp_skb_set_segs(sk, skb, mss);
	err = xtcp_transmit_queued(sk, skb);
	if (err) {
		xtcp_skb_set_segs(sk, skb, 0);	/* unsent: plain again */
		return err > 0 ? -ENOBUFS : err;
	}
	xtcp_new_data_sent(sk, skb, n);
	xs->big_out = true;
	return n;
}

/**
 * xtcp_write_wakeup() - the persist timer's probe (Linux's tcp_write_wakeup)
 * @sk: synchronized socket with unsent data and nothing in flight
 *
 * Sends what of the send head fits the peer's window (at most one MSS,
 * whatever Nagle or TCP_CORK say: this is also how corked data leaves
 * after one RTO, the "200 ms ceiling"), or, with the window closed, a
 * window probe (sequence snd_una - 1, no data).
 * Context: socket lock or bh_lock_sock held (retransmission timer).
 * Return: 1 new data went out, 0 a window probe went out, or a negative
 * errno when the segment could not be sent (a local failure).
 */
int xtcp_write_wakeup(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb = xs->send_head;
	u32 avail;
	int err;

	if (!skb)
		return 1;
	avail = xs->snd_una + xs->snd_wnd - XTCP_SKB_CB(skb)->seq;
	if (skb->len && (s32)avail > 0) {
		u32 seg = min_t(u32, avail, xs->mss_cache);

		if (seg < skb->len && xtcp_split_skb(sk, skb, seg))
			return -ENOMEM;
		XTCP_SKB_CB(skb)->flags |= XTCP_PSH;
		err = xtcp_xmit_new(sk, skb);
		return err ? (err < 0 ? err : -ENOBUFS) : 1;
	}
	xtcp_send_probe(sk);
	return 0;
}

/*
 * After a push that sent something or found cwnd full (Linux's
 * tcp_cwnd_validate()): remember per window whether cwnd was full, else
 * the largest flight, so that cwnd grows only while it is in use.
 */
static void xtcp_cwnd_validate(struct sock *sk, bool is_cwnd_limited)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 packets_out = xtcp_flight_size(sk);

	if (!xtcp_before(xs->snd_una, xs->cwnd_usage_seq) || is_cwnd_limited ||
	    (!xs->is_cwnd_limited && packets_out > xs->max_packets_out)) {
		xs->is_cwnd_limited = is_cwnd_limited;
		xs->max_packets_out = packets_out;
		xs->cwnd_usage_seq = xs->snd_nxt;
	}
}

/**
 * __xtcp_push() - send queued segments the windows and Nagle allow
 * @sk: synchronized socket (or SYN_SENT for the SYN itself)
 * @more: hold a partial last segment as TCP_CORK would (sendmsg() with
 *	MSG_MORE: this call only, as Linux's TCP_NAGLE_CORK in tcp_push())
 *
 * Context: socket lock or bh_lock_sock held.
 */
void __xtcp_push(struct sock *sk, bool more)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	bool cwnd_full = false;
	unsigned int gso_max, n;
	struct sk_buff *skb;
	u32 pipe, sent = 0;
	int err;

	if (!xs->send_head)
		return;
	pipe = xtcp_packets_in_flight(sk);
	gso_max = xtcp_gso_max_segs(sk);
	while ((skb = xs->send_head) != NULL) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool last;

		if (pipe >= xs->cwnd && !(cb->flags & XTCP_SYN)) {
			cwnd_full = true;
			break;			/* congestion window full */
		}
		/* as Linux's tcp_write_xmit(): what cwnd lets leave at once
		 * (half of it at most, for two GSO skbs in flight)
		 */
		if (gso_max > 1 && pipe < xs->cwnd) {
			u32 quota = min3(max(xs->cwnd >> 1, 1U), xs->cwnd - pipe,
					 gso_max) * xs->mss_cache;

			if (quota > skb->len)
				xtcp_grow_skb(sk, skb, quota - skb->len);
		}
		if (gso_max > 1 && skb->len > xs->mss_cache) {
			err = xtcp_xmit_big(sk, skb, pipe, gso_max, more);
			if (err < 0)
				break;		/* retried by the timer */
			if (err > 0) {
				pipe += err;
				sent += err;
				continue;
			}
		}
		/* the window test first, as Linux's tcp_snd_wnd_test(): its
		 * first segment must fit; an unsent skb is cut only to leave
		 */
		if (skb->len &&
		    xtcp_after(cb->seq + min(skb->len, xs->mss_cache),
			       xs->snd_una + xs->snd_wnd) &&
		    !xtcp_fit_window(sk, skb))
			break;			/* window full */
		if (xtcp_cut_to_mss(sk, skb))
			break;			/* retried by the timer */
		last = skb_queue_is_last(&sk->sk_write_queue, skb);
		if (skb->len && skb->len < xs->mss_cache && last &&
		    !(cb->flags & XTCP_FIN) &&
		    (xs->cork || more ||
		     (!xs->nodelay && xs->snd_nxt != xs->snd_una)))
			break;			/* Nagle / cork / MSG_MORE */
		n = gso_max > 1 ? xtcp_gso_run(sk, skb, pipe, gso_max, more) : 0;
		err = n > 1 ? xtcp_xmit_new_gso(sk, skb, &n) : -ENOMEM;
		if (err == -ENOMEM) {	/* no run, or no memory for it */
			n = 1;
			err = xtcp_xmit_new(sk, skb);
		}
		if (err)
			break;			/* retried by the timer */
		pipe += n;
		sent += n;
	}
	cwnd_full |= pipe >= xs->cwnd;
	if (sent || cwnd_full)
		xtcp_cwnd_validate(sk, cwnd_full);
	/* as Linux's tcp_write_xmit(): one loss probe per tail */
	if (sent)
		xtcp_tlp_schedule(sk, false);
	/* unsent data, nothing in flight: the timer probes the window, or
	 * retries what failed locally, or sends what Nagle/cork hold back
	 */
	if (xs->send_head && xs->snd_una == xs->snd_nxt &&
	    !timer_pending(&xs->retrans_timer))
		xtcp_reset_xmit_timer(sk, XTCP_XMIT_PROBE0, xs->rto);
}

/**
 * xtcp_push() - send queued segments the windows and Nagle allow
 * @sk: synchronized socket (or SYN_SENT for the SYN itself)
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_push(struct sock *sk)
{
	__xtcp_push(sk, false);
}
