// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream's socket calls (Linux's tcp.c): sendmsg() queues data on
 * the send queue (sk_write_queue: unacknowledged segments, then unsent ones
 * from send_head on) and pushes what may leave now (xtcp_output.c);
 * recvmsg() copies from the receive queue that xtcp_input.c fills and
 * reopens the window; poll() and the queue-size ioctls.
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <linux/sockios.h>
#include <linux/termios.h>

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
	/* as Linux's tcp_cleanup_rbuf(): a held-back ACK goes now if more
	 * than a segment is unacknowledged, or if this read emptied the
	 * queue of a small segment, unless the connection is interactive
	 * (ping-pong: the reply will carry the ACK) and only one came
	 */
	if (xs->ack_pending &&
	    (xs->rcv_nxt - xs->rcv_wup > xs->rcv_mss ||
	     ((xs->ack_pushed >= 2 ||
	       (xs->ack_pushed && !xtcp_in_pingpong(xs))) &&
	      !atomic_read(&sk->sk_rmem_alloc)))) {
		xtcp_send_ack(sk);
		return;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return;
	/* as Linux's tcp_cleanup_rbuf(): the window would at least double */
	now = xtcp_receive_window(xs);
	if (2 * now <= xs->window_clamp) {
		space = __xtcp_select_window(sk);
		if (space && space >= 2 * now)
			xtcp_send_ack(sk);	/* window update */
	}
}

/* Linux's forced_push(): half the peer's largest window written since PSH */
static bool xtcp_forced_push(const struct xtcp_sock *xs)
{
	return xtcp_after(xs->write_seq, xs->pushed_seq + (xs->max_window >> 1));
}

/* PSH on @skb: the receiver delivers what it has (Linux's tcp_mark_push) */
static void xtcp_mark_push(struct xtcp_sock *xs, struct sk_buff *skb)
{
	XTCP_SKB_CB(skb)->flags |= XTCP_PSH;
	xs->pushed_seq = xs->write_seq;
}

/*
 * End of a write, or a wait for send buffer space, as Linux's tcp_push():
 * PSH on the last segment queued unless MSG_MORE (or a forced push is
 * due), then send what may go; MSG_MORE holds a partial last segment.
 * Context: socket lock held.
 */
static void xtcp_push_write(struct sock *sk, int flags)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!xs->send_head)
		return;
	if (!(flags & MSG_MORE) || xtcp_forced_push(xs))
		xtcp_mark_push(xs, skb_peek_tail(&sk->sk_write_queue));
	__xtcp_push(sk, flags & MSG_MORE);
}

/*
 * Copy up to @copy bytes of @msg into the socket's page fragment and
 * append them to the unsent segment @skb (merged into its last fragment
 * where they continue it), as Linux's tcp_sendmsg_locked(); truesize and
 * sk_wmem_queued grow by the bytes (skb_copy_to_page_nocache()). @skb has
 * a free fragment slot (sendmsg() checks).
 * Context: socket lock held.
 * Return: bytes copied (fewer than @copy at the end of the fragment's
 * page), -ENOMEM when no page could be had, or -EFAULT.
 */
static int xtcp_copy_to_page(struct sock *sk, struct msghdr *msg,
			     struct sk_buff *skb, int copy)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int err;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (WARN_ON_ONCE(!merge && i >= MAX_SKB_FRAGS))
		return -ENOMEM;
	copy = min_t(int, copy, pfrag->size - pfrag->offset);
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		page_ref_inc(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

/*
 * After a copy that failed or a wait for space: an empty segment that
 * sendmsg() queued and filled nothing into leaves the queue again (Linux's
 * tcp_remove_empty_skb()). Context: socket lock held.
 */
static void xtcp_remove_empty_tail(struct sock *sk)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!skb || skb->len || !xs->send_head ||
	    (XTCP_SKB_CB(skb)->flags & (XTCP_SYN | XTCP_FIN)))
		return;
	if (xs->send_head == skb)
		xs->send_head = NULL;
	__skb_unlink(skb, &sk->sk_write_queue);
	sk_wmem_queued_add(sk, -skb->truesize);
	kfree_skb(skb);
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
	struct ubuf_info *uarg = NULL;
	int copied = 0, err;
	long timeo;
	u32 goal;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	if ((flags & MSG_ZEROCOPY) && size && sock_flag(sk, SOCK_ZEROCOPY)) {
		/* as Linux's TCP without scatter-gather: the data is copied,
		 * and its completion notification on the error queue says
		 * so (SO_EE_CODE_ZEROCOPY_COPIED)
		 */
		uarg = msg_zerocopy_realloc(sk, size, NULL);
		if (!uarg) {
			err = -ENOBUFS;
			goto out_err;
		}
		uarg_to_msgzc(uarg)->zerocopy = 0;
	}
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}

	/* once per call and after each wait, as Linux's tcp_send_mss() */
	goal = xtcp_size_goal(sk);
	while (msg_data_left(msg)) {
		struct sk_buff *skb = NULL;
		int copy;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto do_error;

		/* the unsent tail takes more up to the size goal, as Linux's
		 * tcp_sendmsg_locked(); a tail with every fragment slot used
		 * is pushed (tcp_mark_push()) and a new segment starts
		 */
		if (xs->send_head) {
			skb = skb_peek_tail(&sk->sk_write_queue);
			if (skb->len >= goal || skb_headlen(skb) ||
			    (XTCP_SKB_CB(skb)->flags & (XTCP_SYN | XTCP_FIN))) {
				skb = NULL;
			} else if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS) {
				xtcp_mark_push(xs, skb);
				skb = NULL;
			}
		}
		if (!skb) {
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = xtcp_queue_new_segment(sk, sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
		}
		copy = min_t(size_t, msg_data_left(msg), goal - skb->len);
		copy = xtcp_copy_to_page(sk, msg, skb, copy);
		if (copy == -ENOMEM)
			goto wait_for_space;
		if (copy < 0) {
			err = copy;
			goto do_error;
		}
		XTCP_SKB_CB(skb)->end_seq += copy;
		WRITE_ONCE(xs->write_seq, xs->write_seq + copy);
		copied += copy;
		if (xtcp_forced_push(xs)) {
			xtcp_mark_push(xs, skb);
			xtcp_push(sk);
		}
		continue;

wait_for_space:
		xtcp_remove_empty_tail(sk);
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (copied)
			xtcp_push_write(sk, flags & ~MSG_MORE);
		else
			xtcp_push(sk);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
		goal = xtcp_size_goal(sk);
	}
	xtcp_push_write(sk, flags);
	net_zcopy_put(uarg);
	release_sock(sk);
	return copied;

do_error:
	xtcp_remove_empty_tail(sk);
	if (copied) {
		xtcp_push_write(sk, flags);
		net_zcopy_put(uarg);
		release_sock(sk);
		return copied;
	}
out_err:
	net_zcopy_put_abort(uarg, true);
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
		if (!(flags & MSG_PEEK)) {
			xtcp_rcv_space_adjust(sk);	/* autotuning */
			if (offset + used >= skb->len) {
				__skb_unlink(skb, &sk->sk_receive_queue);
				consume_skb(skb);
			}
		}
	} while (len > 0);

	xtcp_cleanup_rbuf(sk, copied);
	if (xs->recvmsg_inq && copied >= 0) {
		/* Linux's tcp_inq_hint(): a FIN still to read counts as a
		 * byte, so that 0 means "nothing more for now"
		 */
		int inq = READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq);

		if (inq <= 0)
			inq = sock_flag(sk, SOCK_DONE) ? 1 : 0;
		put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(inq), &inq);
	}
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
