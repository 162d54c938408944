// SPDX-License-Identifier: GPL-2.0
/*
 * Byte stream: the send queue (sk_write_queue: unacknowledged segments,
 * then unsent ones from send_head on), the receive queue (in-order data)
 * and the out-of-order queue; sendmsg/recvmsg/poll/ioctl.
 *
 * Sending: segments of at most mss_cache bytes, sent while they fit the
 * peer's window, Nagle (RFC 896) unless TCP_NODELAY, held while TCP_CORK.
 * Receiving: in-order segments are queued and ACKed at once in quick-ACK
 * mode, then every second full segment or after 40 ms; out-of-order ones
 * wait in the ofo queue and trigger an immediate duplicate ACK.
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <linux/sockios.h>
#include <linux/termios.h>
#include <net/ip.h>

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
	bool freed = false;
	u32 segs = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != xs->send_head) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

		if (xtcp_after(cb->end_seq, ack)) {
			u32 n = ack - cb->seq;

			/* partly acknowledged: keep only the rest */
			if (xtcp_after(ack, cb->seq) && !(cb->flags & XTCP_SYN) &&
			    n < skb->len) {
				__skb_pull(skb, n);
				cb->seq = ack;
			}
			break;
		}
		if (!cb->retransmitted && rtt_us < 0)
			rtt_us = jiffies_to_usecs(jiffies - cb->when);
		/* filled a hole below SACKed data without a retransmission */
		if (!cb->retransmitted && !(cb->sacked & XTCP_SACKED) &&
		    xs->sack_ok)
			xtcp_cong_reordered(sk, cb->seq);
		xtcp_cong_skb_acked(sk, skb);
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		consume_skb(skb);
		freed = true;
		segs++;
	}
	xs->snd_una = ack;
	if (xtcp_before(xs->high_sacked, ack))
		xs->high_sacked = ack;
	if (rtt_sample && rtt_us >= 0)
		xtcp_rtt_sample(sk, rtt_us);
	xs->retransmits = 0;
	xs->backoff = 0;
	xs->retrans_stamp = 0;
	xs->reo_timer_armed = false;
	if (xs->snd_una == xs->snd_nxt)
		xtcp_stop_retrans_timer(sk);
	else
		xtcp_reset_retrans_timer(sk, xs->rto);
	if (freed && sk->sk_socket)
		sk->sk_write_space(sk);
	return segs;
}

/*
 * Cut the unsent @skb after @len payload bytes; the rest becomes the next
 * unsent segment (FIN and PSH move with it). Return: 0 or -ENOMEM.
 */
static int xtcp_split_skb(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	u32 rest = skb->len - len;
	struct sk_buff *nskb;

	nskb = alloc_skb_fclone(XTCP_MAX_HEADER + rest, GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, XTCP_MAX_HEADER);
	skb_put_data(nskb, skb->data + len, rest);
	skb_trim(skb, len);
	ncb = XTCP_SKB_CB(nskb);
	memset(ncb, 0, sizeof(*ncb));
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	ncb->flags = cb->flags;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(XTCP_FIN | XTCP_PSH);
	sk_wmem_queued_add(sk, nskb->truesize);
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

/* Send the unsent segment @skb (the send head) for the first time. */
static int xtcp_xmit_new(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool last = skb_queue_is_last(&sk->sk_write_queue, skb);
	int err;

	err = xtcp_transmit_queued(sk, skb);
	if (err)
		return err;
	if (xtcp_after(cb->end_seq, xs->snd_nxt))
		xs->snd_nxt = cb->end_seq;
	xs->send_head = last ? NULL : skb->next;
	xs->probe_stamp = 0;		/* the window took new data */
	if (!timer_pending(&xs->retrans_timer))
		xtcp_reset_retrans_timer(sk, xs->rto);
	return 0;
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

/**
 * xtcp_push() - send queued segments the window and Nagle allow
 * @sk: synchronized socket (or SYN_SENT for the SYN itself)
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_push(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *skb;
	u32 pipe;

	if (!xs->send_head)
		return;
	pipe = xtcp_packets_in_flight(sk);
	xs->cwnd_limited = false;
	while ((skb = xs->send_head) != NULL) {
		struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		bool last = skb_queue_is_last(&sk->sk_write_queue, skb);

		if (pipe >= xs->cwnd && !(cb->flags & XTCP_SYN)) {
			xs->cwnd_limited = true;
			break;			/* congestion window full */
		}
		if (skb->len &&
		    xtcp_after(cb->seq + skb->len, xs->snd_una + xs->snd_wnd) &&
		    !xtcp_fit_window(sk, skb))
			break;			/* window full */
		if (skb->len && skb->len < xs->mss_cache && last &&
		    !(cb->flags & XTCP_FIN) &&
		    (xs->cork || (!xs->nodelay && xs->snd_nxt != xs->snd_una)))
			break;			/* Nagle / cork */
		if (last && skb->len)
			cb->flags |= XTCP_PSH;
		if (xtcp_xmit_new(sk, skb))
			break;			/* retried by the timer */
		pipe++;
	}
	/* unsent data, nothing in flight: the timer probes the window, or
	 * retries what failed locally, or sends what Nagle/cork hold back
	 */
	if (xs->send_head && xs->snd_una == xs->snd_nxt &&
	    !timer_pending(&xs->retrans_timer))
		xtcp_reset_retrans_timer(sk, xs->rto);
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

	skb_queue_walk(&xs->ofo_queue, p) {
		struct xtcp_skb_cb *pcb = XTCP_SKB_CB(p);

		if (!xtcp_before(cb->seq, pcb->seq) &&
		    !xtcp_after(cb->end_seq, pcb->end_seq)) {
			xtcp_dsack_note(sk, cb->seq, cb->end_seq);
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

/**
 * xtcp_data_queue() - take the payload (and FIN) of an acceptable segment
 * @sk: synchronized socket
 * @skb: segment, header still on; consumed
 * @fin: called once the FIN is in order
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_data_queue(struct sock *sk, struct sk_buff *skb,
		     void (*fin)(struct sock *sk))
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	bool got_fin, had_ofo;

	__skb_pull(skb, tcp_hdr(skb)->doff * 4);
	skb_dst_drop(skb);

	if (!xtcp_after(cb->end_seq, xs->rcv_nxt)) {
		/* duplicate: tell the sender where we are */
		xtcp_dsack_note(sk, cb->seq, cb->end_seq);
		xtcp_send_ack(sk);
		goto drop;
	}
	if (!xtcp_before(cb->seq, xs->rcv_nxt + xtcp_receive_window(xs)) &&
	    skb->len) {
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPZEROWINDOWDROP);
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

	if (skb->len > xs->rcv_mss)
		xs->rcv_mss = min_t(u32, skb->len, xs->advmss);
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
		xs->sack_recent = cb->seq;
		xtcp_ofo_insert(sk, skb);
		xtcp_send_ack(sk);		/* duplicate ACK */
		return;
	}

	had_ofo = !skb_queue_empty(&xs->ofo_queue);
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

	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	if (got_fin) {
		fin(sk);			/* ACKs the FIN itself */
		return;
	}
	if (had_ofo || xs->quickack || ++xs->segs_unacked >= 2) {
		if (xs->quickack)
			xs->quickack--;
		xs->segs_unacked = 0;
		xtcp_send_ack(sk);
	} else {
		xtcp_schedule_delack(sk);
	}
	return;
drop:
	kfree_skb(skb);
}

/* bytes the application can read now */
static int xtcp_inq(const struct sock *sk)
{
	const struct xtcp_sock *xs = xtcp_sk(sk);
	int n = READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq);

	if (sock_flag(sk, SOCK_DONE) && n > 0)
		n--;			/* the FIN is not data */
	return n > 0 ? n : 0;
}

/**
 * xtcp_cleanup_rbuf() - after reading: ACK now if that reopens the window
 * @sk: socket
 * @copied: bytes just read
 *
 * Context: socket lock held.
 */
void xtcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 now, space;

	if (copied <= 0 || !((1 << sk->sk_state) &
			     (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2)))
		return;
	if (xs->ack_pending) {
		xtcp_send_ack(sk);
		return;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return;
	now = xtcp_receive_window(xs);
	space = xtcp_space_to_win(xs, READ_ONCE(sk->sk_rcvbuf) -
				  atomic_read(&sk->sk_rmem_alloc));
	space = min(space, xs->window_clamp);
	if (2 * now <= xs->window_clamp && space >= 2 * now &&
	    space - now >= xtcp_rcv_mss(xs))
		xtcp_send_ack(sk);		/* window update */
}

/**
 * xtcp_sendmsg() - proto_ops.sendmsg: queue data, send what may go now
 * @sock: socket
 * @msg: data and flags
 * @size: bytes
 *
 * Errors as Linux's tcp_sendmsg(): EPIPE (with SIGPIPE unless
 * MSG_NOSIGNAL) once the send side is shut or the connection is gone, the
 * pending error (ECONNRESET, ETIMEDOUT) first; EAGAIN when non-blocking
 * and the send buffer is full; EOPNOTSUPP for MSG_OOB (no urgent data).
 * Context: process context; takes the socket lock.
 * Return: bytes queued (possibly fewer than @size when interrupted by an
 * error, a signal or the timeout after some were queued), or a negative
 * errno when none were.
 */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int flags = msg->msg_flags;
	int copied = 0, err;
	long timeo;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}

	while (msg_data_left(msg)) {
		struct sk_buff *skb = NULL;
		size_t copy;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto do_error;

		if (xs->send_head) {
			skb = skb_peek_tail(&sk->sk_write_queue);
			if (skb->len >= xs->mss_cache || !skb_tailroom(skb) ||
			    (XTCP_SKB_CB(skb)->flags & (XTCP_SYN | XTCP_FIN)))
				skb = NULL;
		}
		if (!skb) {
			/* room for a full segment, but a small write on a
			 * path with a huge MSS (loopback: 32-64 KB) gets one
			 * page (Nagle and cork merge later small writes into
			 * its tailroom) instead of pinning 64 KB
			 */
			size_t room = max_t(size_t, msg_data_left(msg),
					    SKB_WITH_OVERHEAD(PAGE_SIZE) -
					    XTCP_MAX_HEADER);

			room = min_t(size_t, room, xs->mss_cache);

			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = alloc_skb_fclone(XTCP_MAX_HEADER + room,
					       sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			skb_reserve(skb, XTCP_MAX_HEADER);
			memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
			XTCP_SKB_CB(skb)->seq = xs->write_seq;
			XTCP_SKB_CB(skb)->end_seq = xs->write_seq;
			XTCP_SKB_CB(skb)->flags = XTCP_ACK;
			sk_wmem_queued_add(sk, skb->truesize);
			__skb_queue_tail(&sk->sk_write_queue, skb);
			if (!xs->send_head)
				xs->send_head = skb;
		}
		copy = min_t(size_t, msg_data_left(msg),
			     min_t(size_t, xs->mss_cache - skb->len,
				   skb_tailroom(skb)));
		if (!copy_from_iter_full(skb_put(skb, copy), copy,
					 &msg->msg_iter)) {
			skb_trim(skb, skb->len - copy);
			err = -EFAULT;
			goto do_error;
		}
		XTCP_SKB_CB(skb)->end_seq += copy;
		WRITE_ONCE(xs->write_seq, xs->write_seq + copy);
		copied += copy;
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		xtcp_push(sk);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}
	xtcp_push(sk);
	release_sock(sk);
	return copied;

do_error:
	if (copied) {
		xtcp_push(sk);
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/**
 * xtcp_recvmsg() - proto_ops.recvmsg
 * @sock: socket
 * @msg: buffers
 * @len: bytes wanted
 * @flags: MSG_* flags
 *
 * MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, SO_RCVLOWAT and SO_RCVTIMEO as
 * Linux's tcp_recvmsg(); 0 at end of stream; ENOTCONN on a listener or a
 * never-connected socket; the pending error (ECONNRESET, ETIMEDOUT) once.
 * Context: process context; takes the socket lock.
 * Return: bytes copied (0 at end of stream), or a negative errno when
 * none were: -ENOTCONN, -EAGAIN, -EINTR/-ERESTARTSYS, -EFAULT, -EINVAL for
 * MSG_OOB, or the socket's pending error. With MSG_ERRQUEUE, what
 * sock_recv_errqueue() returns.
 */
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		 int flags)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0, target;
	long timeo;

	if (flags & MSG_ERRQUEUE)
		return sock_recv_errqueue(sk, msg, len, SOL_IP, IP_RECVERR);
	if (flags & MSG_OOB)
		return -EINVAL;		/* no urgent data, as TCP without it */

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		copied = -ENOTCONN;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	peek_seq = xs->copied_seq;
	seq = (flags & MSG_PEEK) ? &peek_seq : &xs->copied_seq;

	do {
		struct sk_buff *skb;
		u32 offset, used;
		int err;

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		xtcp_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, skb_peek_tail(&sk->sk_receive_queue));
		continue;

found:
		used = min_t(u32, skb->len - offset, len);
		err = skb_copy_datagram_msg(skb, offset, msg, used);
		if (err) {
			if (!copied)
				copied = -EFAULT;
			break;
		}
		WRITE_ONCE(*seq, *seq + used);
		copied += used;
		len -= used;
		if (!(flags & MSG_PEEK) && offset + used >= skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	} while (len > 0);

	xtcp_cleanup_rbuf(sk, copied);
out:
	release_sock(sk);
	return copied;
}

/**
 * xtcp_poll() - proto_ops.poll, with tcp_poll()'s mask rules
 * @file: file
 * @sock: socket
 * @wait: poll table
 *
 * Context: process context, lockless.
 * Return: the EPOLL* event mask: a listener is readable when its accept
 * queue is not empty; a connection reports EPOLLIN/EPOLLRDNORM (data at
 * SO_RCVLOWAT or receive side shut, with EPOLLRDHUP for the latter),
 * EPOLLOUT/EPOLLWRNORM, EPOLLHUP and EPOLLERR as tcp_poll() does.
 */
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	int state = inet_sk_state_load(sk);
	__poll_t mask = 0;
	u8 shutdown;

	sock_poll_wait(file, sock, wait);
	if (state == TCP_LISTEN)
		return READ_ONCE(sk->sk_ack_backlog) ? EPOLLIN | EPOLLRDNORM : 0;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		int target = sock_rcvlowat(sk, 0, INT_MAX);

		if (xtcp_inq(sk) >= target)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* NOSPACE before re-checking (pairs with write_space) */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* the state before sk_err (pairs with smp_wmb in xtcp_reset) */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

/**
 * xtcp_ioctl() - SIOCINQ/FIONREAD, SIOCOUTQ, SIOCOUTQNSD
 * @sock: socket
 * @cmd: command
 * @arg: user pointer to an int
 *
 * Context: process context; takes the socket lock for the queue sizes.
 * Return: 0, -EINVAL on a listener, -ENOIOCTLCMD for other commands.
 */
int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = xtcp_inq(sk);
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			answ = 0;
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_nxt);
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			answ = 0;
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}
