// SPDX-License-Identifier: GPL-2.0
/*
 * Connection lifecycle: state changes and their counters, socket init and
 * destruction, connect() (the wait; the IPv4 active open itself is in
 * xtcp_ipv4.c), accept(), close() and shutdown(). Errno values
 * and their order follow Linux's inet_stream_connect(), inet_accept(),
 * tcp_close() and inet_shutdown().
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>
#include <net/route.h>
#include <net/ip.h>
#include <net/inet_common.h>

/**
 * xtcp_set_state() - change state, keeping the MIB counters as Linux does
 * @sk: socket
 * @state: new state
 *
 * Entering CLOSE unhashes the connection and frees an automatically
 * chosen port. Context: socket lock or bh_lock_sock held.
 */
void xtcp_set_state(struct sock *sk, int state)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	int old = sk->sk_state;

	trace_xtcp_set_state(sk, old, state);
	/* CurrEstab counts ESTABLISHED and CLOSE_WAIT (RFC 1213
	 * tcpCurrEstab), as Linux since 6.10
	 */
	if ((state == TCP_ESTABLISHED && old != TCP_ESTABLISHED) ||
	    (state == TCP_CLOSE_WAIT && old == TCP_SYN_RECV))
		xtcp_inc_stats(net, XTCP_MIB_CURRESTAB);
	else if ((old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT) &&
		 state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT)
		xtcp_dec_stats(net, XTCP_MIB_CURRESTAB);
	if (state == TCP_CLOSE) {
		if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT)
			xtcp_inc_stats(net, XTCP_MIB_ESTABRESETS);
		if (xs->ent.hashed)
			xtcp_ehash_remove(net, &xs->ent);
		/* an explicit bind() keeps the port until close() */
		if (xs->bound && (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK) ||
				  sock_flag(sk, SOCK_DEAD)))
			xtcp_hash_unbind(sk);
	}
	inet_sk_set_state(sk, state);
}

/**
 * xtcp_done() - the connection is over: CLOSE, no timers, wake the user
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held; the caller holds a reference.
 */
void xtcp_done(struct sock *sk)
{
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);
	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_clear_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
}

/**
 * xtcp_reset() - the connection died with @err (RST received, timeout)
 * @sk: socket
 * @err: positive errno for the next call: ECONNRESET, ECONNREFUSED,
 *	 EPIPE, ETIMEDOUT
 *
 * Context: socket lock or bh_lock_sock held; the caller holds a reference.
 */
void xtcp_reset(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	/* sk_err before the state change poll() reads (pairs with its smp_rmb) */
	smp_wmb();
	xtcp_write_queue_purge(sk);
	xtcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/* sk_write_space: wake writers once a third of the send buffer is free */
static void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
						      EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* orphans of every namespace: closed by the user, not yet freed */
static atomic_t xtcp_orphans = ATOMIC_INIT(0);

/**
 * xtcp_orphan_count() - sockets closed by their user and not yet freed
 *
 * Linux's tcp_orphan_count, also system-wide: the orphans still hold the
 * module (and their namespace) until they end on their own (FIN
 * retransmissions up to orphan_retries, fin_timeout in FIN_WAIT2).
 * Context: any.
 * Return: the count.
 */
int xtcp_orphan_count(void)
{
	return atomic_read(&xtcp_orphans);
}

/* sock_orphan() and count it; Context: socket lock held */
static void xtcp_orphan(struct sock *sk)
{
	sock_orphan(sk);
	if (!xtcp_sk(sk)->orphan_counted) {
		xtcp_sk(sk)->orphan_counted = true;
		atomic_inc(&xtcp_orphans);
	}
}

/**
 * xtcp_sock_init() - initialise XTCP fields of a new or cloned socket
 * @sk: socket
 */
void xtcp_sock_init(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_sysctls *sc = xtcp_sysctl(sk);

	xs->af_ops = xtcp_af_ops_of(sk->sk_family);
	INIT_HLIST_NODE(&xs->bnode.node);
	xs->ent.kind = XTCP_ENT_SOCK;	/* xtcp_bnode_is_tw() */
	INIT_HLIST_NODE(&xs->listen_node);
	INIT_HLIST_NODE(&xs->ent.node);
	xs->ent.hashed = false;
	xs->bound = false;
	xs->connect_bound = false;
	xs->listen_hashed = false;
	spin_lock_init(&xs->queue_lock);
	INIT_LIST_HEAD(&xs->synq);
	INIT_LIST_HEAD(&xs->acceptq);
	INIT_LIST_HEAD(&xs->accept_node);
	xs->synq_len = 0;
	skb_queue_head_init(&xs->ofo_queue);
	xs->send_head = NULL;
	xs->packets_out = 0;
	xs->sacked_out = 0;
	xs->pipe_excl = 0;
	xtcp_init_timers(sk);
	xs->rto = XTCP_TIMEOUT_INIT;
	xs->srtt_us = 0;
	xs->rttvar_us = 0;
	xs->retransmits = 0;
	xs->backoff = 0;
	xs->retrans_stamp = 0;
	xs->probes_out = 0;
	xs->probe_stamp = 0;
	xtcp_delack_init(xs);
	xs->rcv_ratio = 128;		/* until segments tell us better */
	xs->rcv_mss = XTCP_MSS_DEFAULT;	/* until segments tell us better */
	xtcp_cong_assign(sk, NULL);	/* net.xtcp.congestion_control */
	xs->ca_state = XTCP_CA_OPEN;
	xs->reordering = 3;
	xs->last_oow_ack_time = 0;
	xs->orphan_counted = false;

	sk->sk_write_space = xtcp_write_space;
	/* writers are woken when ACKs free queued segments
	 * (xtcp_check_space()), not by every sent skb's sock_wfree(), as
	 * Linux's tcp_init_sock()
	 */
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
	sk->sk_destruct = xtcp_sk_destruct;
	sk->sk_backlog_rcv = xtcp_backlog_rcv;
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK))
		WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(sc->rmem[1]));
	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK))
		WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(sc->wmem[1]));
}

/**
 * xtcp_sk_destruct() - free what a dying socket still holds
 * @sk: socket with no references left
 */
void xtcp_sk_destruct(struct sock *sk)
{
	trace_xtcp_destroy_sock(sk);
	if (xtcp_sk(sk)->orphan_counted)
		atomic_dec(&xtcp_orphans);
	WARN_ON_ONCE(xtcp_sk(sk)->bound || xtcp_sk(sk)->ent.hashed ||
		     xtcp_sk(sk)->listen_hashed);
	skb_queue_purge(&xtcp_sk(sk)->ofo_queue);
	xtcp_write_queue_purge(sk);
	inet_sock_destruct(sk);
}

/* Abort whatever is in progress (connect(AF_UNSPEC), failed connect). */
static int xtcp_disconnect(struct sock *sk)
{
	int old = sk->sk_state;

	if (old == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		xtcp_hash_unlisten(sk);
		xtcp_listen_stop(sk);
	} else if (old != TCP_CLOSE && old != TCP_SYN_SENT) {
		xtcp_send_active_reset(sk, GFP_KERNEL);
		WRITE_ONCE(sk->sk_err, ECONNRESET);
	}
	if (old != TCP_CLOSE && old != TCP_LISTEN)
		xtcp_done(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&xtcp_sk(sk)->ofo_queue);
	xtcp_write_queue_purge(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	xtcp_delack_init(xtcp_sk(sk));
	inet_sk(sk)->inet_dport = 0;
	inet_sk(sk)->inet_daddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet_sk(sk)->inet_saddr = 0;
		inet_sk(sk)->inet_rcv_saddr = 0;
	}
	if (sk->sk_family == AF_INET6)
		xtcp_v6_disconnect(sk);
	sk_dst_reset(sk);
	return 0;
}

/**
 * xtcp_child_forget() - drop a child that was never accepted
 * @child: established child taken off a closing listener's accept queue
 *
 * As Linux's inet_child_forget(): the peer gets a RST. Drops the accept
 * queue's reference.
 * Context: process context, the listener's socket lock held.
 */
void xtcp_child_forget(struct sock *child)
{
	/* the listener's lock is held: a listener always locks before its
	 * children, never after (accept() drops it before locking a child)
	 */
	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	xtcp_disconnect(child);
	xtcp_orphan(child);
	xtcp_hash_unbind(child);
	release_sock(child);
	sock_put(child);
}

/**
 * xtcp_connect_init() - the network-independent part of an active open
 * @sk: socket in SYN_SENT with its route, 4-tuple and connection entry
 * @tw_isn: the ISN a TIME_WAIT entry taken over imposes, 0 for none
 *
 * Our side of the SYN options (MSS from the route, window scale from the
 * receive buffer, the sysctls' SACK and timestamps), the ISN (RFC 6528)
 * and the SYN itself, as Linux's tcp_connect_init() and tcp_connect().
 * Context: process context, socket lock held.
 * Return: 0 (the SYN is out), or -ENOBUFS when it could not be built
 * (as Linux's tcp_connect(), connect() then fails).
 */
int xtcp_connect_init(struct sock *sk, u32 tw_isn)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	u32 space;
	int err;

	sock_owned_by_me(sk);
	xs->advmss = min_t(u32, dst_mtu(__sk_dst_get(sk)) -
			   xs->af_ops->net_header_len - sizeof(struct tcphdr),
			   65535);
	if (xs->user_mss && xs->advmss > xs->user_mss)
		xs->advmss = xs->user_mss;
	xs->ts_ok = READ_ONCE(xtcp_sysctl(sk)->timestamps);
	xs->sack_ok = READ_ONCE(xtcp_sysctl(sk)->sack);
	xs->wscale_ok = READ_ONCE(xtcp_sysctl(sk)->window_scaling);
	xs->rcv_wscale = 0;
	space = max_t(int, READ_ONCE(sk->sk_rcvbuf),
		      READ_ONCE(xtcp_sysctl(sk)->rmem[2]));
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = READ_ONCE(sk->sk_rcvbuf);
	while (xs->wscale_ok && space > 65535 &&
	       xs->rcv_wscale < XTCP_MAX_WSCALE) {
		space >>= 1;
		xs->rcv_wscale++;
	}
	xs->window_clamp = 65535U << xs->rcv_wscale;
	xs->rcv_wnd = xtcp_initial_window(min(READ_ONCE(sk->sk_rcvbuf) / 2,
					      65535), xs->advmss);
	xs->rcv_ssthresh = xs->rcv_wnd;
	xs->rx_mss = 0;
	xs->mss_cache = xs->advmss;
	xs->tsoff = xtcp_ts_offset_ent(&xs->ent);
	xs->ts_recent = 0;

	xs->iss = tw_isn ? tw_isn : xtcp_isn_ent(&xs->ent);
	xs->write_seq = xs->iss;
	xs->pushed_seq = xs->iss;
	xs->snd_una = xs->iss;
	xs->snd_nxt = xs->iss;
	xs->snd_wnd = 0;
	xs->max_window = 0;
	xs->rcv_nxt = 0;
	xs->rcv_tstamp = jiffies;
	xs->retransmits = 0;
	xs->retrans_stamp = 0;
	atomic_set(&inet->inet_id, get_random_u16());

	/* as Linux's tcp_connect(): no SYN buffer, connect() fails */
	err = xtcp_send_syn(sk);
	if (err)
		return err;
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_ACTIVEOPENS);
	return 0;
}

/*
 * Which network layer connect() takes (Linux's tcp_v6_connect() choice):
 * a native IPv6 destination (or "::") IPv6, unless the socket was bound
 * as IPv4 (EAFNOSUPPORT, what an AF_INET socket answers); an IPv4 or
 * v4-mapped one IPv4, an IPv6 socket then turning IPv4 (ENETUNREACH with
 * IPV6_V6ONLY, as Linux; a "::" bound port stays held). Sets @s6 to the
 * IPv6 destination or NULL (@usin then holds the IPv4 one).
 * Context: socket lock held.
 * Return: 0 or 1 (sockaddr_in6: report v4-mapped addresses), or a
 * negative errno.
 */
static int xtcp_connect_family(struct sock *sk, xtcp_sockaddr *uaddr,
			       int addr_len, struct sockaddr_in *usin,
			       const struct sockaddr_in6 **s6)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int v6;

	*s6 = xtcp_addr_is_v6((struct sockaddr *)uaddr, addr_len);
	if (*s6)
		return sk->sk_family == AF_INET && xs->bound ? -EAFNOSUPPORT : 0;
	v6 = xtcp_addr_from_user((struct sockaddr *)uaddr, addr_len, usin);
	if (v6 < 0 || sk->sk_family != AF_INET6)
		return v6;
	/* an IPv6 socket (bound to "::") connecting to IPv4 */
	if (sk->sk_ipv6only || !ipv6_addr_any(&sk->sk_v6_rcv_saddr))
		return -ENETUNREACH;
	sk->sk_family = AF_INET;
	xs->af_ops = &xtcp_ipv4_af_ops;
	inet_sk(sk)->inet_rcv_saddr = 0;
	inet_sk(sk)->inet_saddr = 0;
	return 1;
}

/* Wait until the handshake is over. Context: socket lock held. */
static long xtcp_wait_for_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

/**
 * xtcp_connect() - proto_ops.connect, as Linux's inet_stream_connect()
 * @sock: socket
 * @uaddr: struct sockaddr_in or a sockaddr_in6 xtcp_addr_from_user() takes
 *	   (AF_UNSPEC disconnects)
 * @addr_len: its length
 * @flags: O_NONBLOCK for a non-blocking connect
 *
 * Context: process context; takes the socket lock.
 * Return: 0, -EINPROGRESS, -EALREADY, -EISCONN, or the error that ended
 * the attempt (-ECONNREFUSED, -ETIMEDOUT, -ENETUNREACH, ...).
 */
int xtcp_connect(struct socket *sock, xtcp_sockaddr *uaddr, int addr_len,
		 int flags)
{
	struct sockaddr_in a, *usin = &a;
	const struct sockaddr_in6 *s6;
	struct sock *sk = sock->sk;
	long timeo;
	int err, v6;

	if (addr_len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	if (uaddr->sa_family == AF_UNSPEC) {
		err = xtcp_disconnect(sk);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		goto out;
	}

	switch (sock->state) {
	default:
		err = -EINVAL;
		goto out;
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE)
			goto out;
		err = xtcp_connect_family(sk, uaddr, addr_len, usin, &s6);
		if (err < 0)
			goto out;
		v6 = err;
		if (s6)
			err = xtcp_v6_connect(sk, s6,
					      addr_len);
		else
			err = xtcp_v4_connect(sk, usin);
		if (err < 0)
			goto out;
		if (v6)
			xtcp_sk(sk)->v6addr = true;	/* sticky, as a family */
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		/* err is -EINPROGRESS or -EALREADY from above */
		if (!timeo)
			goto out;
		timeo = xtcp_wait_for_connect(sk, timeo);
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
	}
	if (sk->sk_state == TCP_CLOSE)
		goto sock_error;
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
sock_error:
	err = sock_error(sk) ? : -ECONNABORTED;
	sock->state = SS_UNCONNECTED;
	xtcp_disconnect(sk);
	goto out;
}

/* Wait for a child. Context: listener socket lock held. */
static int xtcp_wait_for_child(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	for (;;) {
		if (!list_empty(&xtcp_sk(sk)->acceptq))
			break;
		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			break;
		err = sock_intr_errno(*timeo);
		if (signal_pending(current))
			break;
		err = -EAGAIN;
		if (!*timeo)
			break;
		release_sock(sk);
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
		lock_sock(sk);
		err = 0;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/**
 * xtcp_accept_sock() - proto_ops.accept's work (xtcp_af.c adapts the
 *	arguments of each kernel's accept, see compat.h)
 * @sock: the listening socket
 * @newsock: the socket to graft the accepted child on
 * @flags: the file's flags (O_NONBLOCK)
 *
 * Context: process context; takes the listener's and the child's socket
 * locks in turn.
 * Return: 0, -EINVAL (not listening), -EAGAIN (non-blocking, or
 * SO_RCVTIMEO expired), -ERESTARTSYS/-EINTR.
 */
int xtcp_accept_sock(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk, *child = NULL;
	long timeo;
	int err;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_LISTEN)
		goto out;
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	err = xtcp_wait_for_child(sk, &timeo);
	if (!err) {
		child = xtcp_accept_dequeue(sk);
		if (!child)
			err = -EAGAIN;
	}
out:
	release_sock(sk);
	if (!child)
		return err;

	lock_sock(child);
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	xtcp_custom_sol_socket(newsock);
	release_sock(child);
	return 0;
}

/* The state after close()/shutdown(SHUT_WR); true if a FIN must go out. */
static bool xtcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		xtcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		xtcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		xtcp_done(sk);
		return false;
	default:
		return false;
	}
}

/**
 * xtcp_close() - the application is done with the socket (close(), or an
 * unaccepted child of a closing listener)
 * @sk: socket
 * @timeout: SO_LINGER time to wait for the FIN exchange, jiffies
 *
 * As Linux's tcp_close(): unread data or SO_LINGER{1,0} abort with RST;
 * otherwise FIN, and the orphan finishes the close on its own.
 * Drops the caller's reference.
 * Context: process context; takes the socket lock.
 */
void xtcp_close(struct sock *sk, long timeout)
{
	struct net *net = sock_net(sk);
	struct sk_buff *skb;
	u32 unread = 0;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_set_state(sk, TCP_CLOSE);
		xtcp_hash_unlisten(sk);
		xtcp_listen_stop(sk);
		goto adjudge;
	}

	while ((skb = __skb_dequeue(&sk->sk_receive_queue)) != NULL) {
		unread += skb->len;
		__kfree_skb(skb);
	}

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;

	if (unread) {
		xtcp_inc_stats(net, XTCP_MIB_TCPABORTONCLOSE);
		xtcp_send_active_reset(sk, sk->sk_allocation);
		xtcp_done(sk);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* Linux's tcp_close() counts this one as TCPAbortOnData */
		xtcp_inc_stats(net, XTCP_MIB_TCPABORTONDATA);
		xtcp_disconnect(sk);
	} else if (xtcp_close_state(sk)) {
		xtcp_send_fin(sk);
	}
	sk_stream_wait_close(sk, timeout);

adjudge:
	xtcp_orphan(sk);
	if (sk->sk_state == TCP_FIN_WAIT2) {
		struct xtcp_sock *xs = xtcp_sk(sk);

		if (READ_ONCE(xs->linger2) < 0) {
			xtcp_inc_stats(net, XTCP_MIB_TCPABORTONLINGER);
			xtcp_send_active_reset(sk, GFP_KERNEL);
			xtcp_done(sk);
		} else {
			xtcp_reset_life_timer(sk, xtcp_fin_timeout(xs));
		}
	}
	if (sk->sk_state == TCP_CLOSE) {
		xtcp_clear_timers(sk);
		xtcp_write_queue_purge(sk);
		xtcp_hash_unbind(sk);
	}
	release_sock(sk);
	sock_put(sk);
}

/**
 * xtcp_shutdown() - proto_ops.shutdown, as Linux's inet_shutdown()
 * @sock: socket
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * Context: process context; takes the socket lock.
 * Return: 0, -EINVAL for a bad @how, -ENOTCONN when not connected.
 */
int xtcp_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;	/* SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN ... */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) &
		    (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}

	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		fallthrough;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		if ((how & SEND_SHUTDOWN) &&
		    ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_SENT |
					    TCPF_SYN_RECV | TCPF_CLOSE_WAIT)) &&
		    xtcp_close_state(sk))
			xtcp_send_fin(sk);
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		fallthrough;
	case TCP_SYN_SENT:
		err = xtcp_disconnect(sk);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}
