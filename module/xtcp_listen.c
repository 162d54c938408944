// SPDX-License-Identifier: GPL-2.0
/*
 * Passive open. A listener keeps a SYN queue of lightweight requests
 * (struct xtcp_request, not sockets) and an accept queue of established
 * children, both under the listener's queue_lock so that SYNs and final
 * ACKs are handled in softirq without the listener's socket lock.
 *
 *   SYN        -> request (ehash + SYN queue), SYN-ACK, timer
 *                 (queue full: syncookie SYN-ACK, or drop when cookies off)
 *   final ACK  -> child socket (clone of the listener) -> accept queue
 *                 (accept queue full: drop the ACK and keep the request, or
 *                 RST it with net.xtcp.abort_on_overflow=1)
 *   timer      -> SYN-ACK again after 1 s, 2 s, 4 s ... up to synack_retries
 *
 * Counters follow Linux: ListenOverflows/ListenDrops, TCPReqQFullDrop,
 * TCPReqQFullDoCookies, Syncookies*, EmbryonicRsts, PassiveOpens.
 */
#include "xtcp.h"
#include "xtcp_trace.h"
#include "xtcp_cookie.h"

#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

static struct kmem_cache *xtcp_req_cache __read_mostly;

static void xtcp_request_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(xtcp_req_cache,
			container_of(head, struct xtcp_request, rcu));
}

/**
 * xtcp_request_put() - drop a request reference
 * @req: the request
 *
 * Context: any.
 */
void xtcp_request_put(struct xtcp_request *req)
{
	if (refcount_dec_and_test(&req->refcnt)) {
		sock_put(req->listener);
		call_rcu(&req->rcu, xtcp_request_free_rcu);
	}
}

/*
 * Take @req off the SYN queue and, unless @keep_hash, off ehash; drop the
 * queue's reference. Return: true if this call unlinked it.
 * Context: softirq or process context; takes queue_lock.
 */
static bool xtcp_request_unlink(struct xtcp_request *req, bool keep_hash)
{
	struct xtcp_sock *lxs = xtcp_sk(req->listener);
	bool was = false;

	spin_lock_bh(&lxs->queue_lock);
	if (!list_empty(&req->list)) {
		list_del_init(&req->list);
		lxs->synq_len--;
		was = true;
	}
	spin_unlock_bh(&lxs->queue_lock);
	if (!was)
		return false;
	if (!keep_hash)
		xtcp_ehash_remove(sock_net(req->listener), &req->ent);
	if (timer_delete(&req->timer))
		xtcp_request_put(req);		/* the timer's reference */
	xtcp_request_put(req);			/* the queue's reference */
	return true;
}

/**
 * xtcp_request_err() - an ICMP error quoted our SYN-ACK (Linux's
 * tcp_req_err())
 * @req: the request the quoted segment belongs to
 * @seq: the quoted sequence number
 * @abort: a hard error (net/host unreachable, time exceeded, parameter
 *	   problem)
 *
 * A quoted sequence other than our ISN is counted (OutOfWindowIcmps); a
 * hard error about the SYN-ACK drops the request silently
 * (ListenDrops), the client's SYN retransmission starts over; a soft one
 * leaves it to the SYN-ACK timer.
 * Context: softirq, RCU read lock held; the caller holds a reference.
 */
void xtcp_request_err(struct xtcp_request *req, u32 seq, bool abort)
{
	struct net *net = sock_net(req->listener);

	if (seq != req->iss)
		xtcp_inc_stats(net, XTCP_MIB_OUTOFWINDOWICMPS);
	else if (abort && xtcp_request_unlink(req, false))
		xtcp_inc_stats(net, XTCP_MIB_LISTENDROPS);
}

/* Window scale we offer: enough to announce the largest receive buffer. */
static u8 xtcp_rcv_wscale(struct sock *sk)
{
	int space = max(READ_ONCE(sk->sk_rcvbuf),
			READ_ONCE(xtcp_sysctl(sk)->rmem[2]));
	u8 ws = 0;

	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		space = READ_ONCE(sk->sk_rcvbuf);
	while (space > 65535 && ws < XTCP_MAX_WSCALE) {
		space >>= 1;
		ws++;
	}
	return ws;
}

/*
 * Our MSS toward the peer of @req: route MTU less the IP and TCP headers
 * (40 or 60 bytes), TCP_MAXSEG-clamped.
 */
static u32 xtcp_route_mss(struct sock *lsk, struct xtcp_request *req)
{
	const struct xtcp_af_ops *af = xtcp_af_ops_of(req->ent.family);
	u32 mtu = af->route_mtu(lsk, req);
	u32 mss = 536;

	if (mtu)
		mss = min_t(u32, mtu - af->net_header_len -
				 sizeof(struct tcphdr), 65535);
	if (xtcp_sk(lsk)->user_mss && mss > xtcp_sk(lsk)->user_mss)
		mss = xtcp_sk(lsk)->user_mss;
	return mss;
}

/*
 * Initial window of a SYN-ACK: the receive space, at most 64 KiB, in whole
 * segments of our MSS less the timestamp option, as Linux's
 * tcp_openreq_init_rwin() (45 x 1448 = 65160 on an Ethernet path).
 */
static u16 xtcp_initial_rcv_wnd(struct sock *lsk, struct xtcp_request *req)
{
	u32 space = min(READ_ONCE(lsk->sk_rcvbuf) / 2, 65535);
	u32 mss = req->advmss;

	if (req->ts_ok)
		mss -= 12;
	return xtcp_initial_window(space, mss);
}

static void xtcp_request_timer(struct timer_list *t);

/* The 4-tuple of a received segment, seen from here, into @e. */
static void xtcp_ent_from_skb(struct xtcp_ent *e, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (skb->protocol == htons(ETH_P_IPV6))
		xtcp_ent_set6(e, &ipv6_hdr(skb)->daddr, th->dest,
			      &ipv6_hdr(skb)->saddr, th->source);
	else
		xtcp_ent_set4(e, ip_hdr(skb)->daddr, th->dest,
			      ip_hdr(skb)->saddr, th->source);
}

/* Fill a request from a SYN. Context: softirq. */
static void xtcp_request_init(struct xtcp_request *req, struct sock *lsk,
			      struct sk_buff *skb, const struct xtcp_opts *opt)
{
	const struct tcphdr *th = tcp_hdr(skb);

	INIT_HLIST_NODE(&req->ent.node);
	INIT_LIST_HEAD(&req->list);
	req->ent.kind = XTCP_ENT_REQ;
	xtcp_ent_from_skb(&req->ent, skb);
	req->listener = lsk;
	req->irs = ntohl(th->seq);
	req->mss = opt->mss ? opt->mss : XTCP_MSS_DEFAULT;
	req->ts_ok = opt->ts_ok && READ_ONCE(xtcp_sysctl(lsk)->timestamps);
	req->ts_recent = opt->tsval;
	req->sack_ok = opt->sack_ok && READ_ONCE(xtcp_sysctl(lsk)->sack);
	req->wscale_ok = opt->wscale_ok &&
			 READ_ONCE(xtcp_sysctl(lsk)->window_scaling);
	req->snd_wscale = req->wscale_ok ? min_t(u8, opt->wscale, XTCP_MAX_WSCALE) : 0;
	req->rcv_wscale = req->wscale_ok ? xtcp_rcv_wscale(lsk) : 0;
	req->tsoff = xtcp_ts_offset_ent(&req->ent);
	req->iif = XTCP_SKB_CB(skb)->iif;
	req->started = jiffies;
	timer_setup(&req->timer, xtcp_request_timer, 0);
}

/* A request for @skb's connection to @lsk (one reference, not queued). */
static struct xtcp_request *xtcp_request_alloc(struct sock *lsk,
					       struct sk_buff *skb,
					       const struct xtcp_opts *opt)
{
	struct xtcp_request *req = kmem_cache_zalloc(xtcp_req_cache, GFP_ATOMIC);

	if (!req)
		return NULL;
	sock_hold(lsk);
	refcount_set(&req->refcnt, 1);
	xtcp_request_init(req, lsk, skb, opt);
	req->advmss = xtcp_route_mss(lsk, req);
	return req;
}

/*
 * A SYN for a listener: queue a request, or answer with a cookie, or drop.
 * Context: softirq, RCU; listener reference held by the caller.
 */
static void xtcp_conn_request(struct sock *lsk, struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);
	struct xtcp_sysctls *sc = xtcp_sysctl(lsk);
	struct xtcp_sock *lxs = xtcp_sk(lsk);
	const struct tcphdr *th = tcp_hdr(skb);
	int syncookies = READ_ONCE(sc->syncookies);
	struct xtcp_request *req;
	struct xtcp_opts opt;
	bool want_cookie = false;
	u32 qlen, max_syn;

	/* as Linux's tcp_conn_request(): the SYN queue is full once it holds
	 * more than the backlog (inet_csk_reqsk_queue_is_full())
	 */
	qlen = READ_ONCE(lxs->synq_len);
	if ((syncookies == 2 || qlen > READ_ONCE(lsk->sk_max_ack_backlog)) &&
	    !XTCP_SKB_CB(skb)->tw_isn) {
		if (!syncookies) {
			xtcp_inc_stats(net, XTCP_MIB_TCPREQQFULLDROP);
			goto drop;
		}
		want_cookie = true;
		xtcp_inc_stats(net, XTCP_MIB_TCPREQQFULLDOCOOKIES);
		WRITE_ONCE(lxs->synq_overflow, jiffies);
	}
	if (READ_ONCE(lsk->sk_ack_backlog) > READ_ONCE(lsk->sk_max_ack_backlog)) {
		trace_xtcp_listen_overflow(lsk);
		xtcp_inc_stats(net, XTCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}
	/* without syncookies, Linux keeps the last quarter of
	 * max_syn_backlog for peers it has seen alive (tcp_peer_is_proven());
	 * XTCP keeps no per-peer history, so no peer is proven
	 */
	max_syn = READ_ONCE(sc->max_syn_backlog);
	if (!want_cookie && !syncookies && !XTCP_SKB_CB(skb)->tw_isn &&
	    max_syn - qlen < (max_syn >> 2))
		goto drop;
	if (xtcp_parse_options(th, &opt, true) < 0)
		goto drop;

	req = xtcp_request_alloc(lsk, skb, &opt);
	if (!req)
		goto drop;
	req->rcv_wnd = xtcp_initial_rcv_wnd(lsk, req);

	if (want_cookie) {
		u16 mss = req->mss;
		u32 iss = xtcp_cookie_make_ent(&req->ent, req->irs, &mss);

		/* with timestamps, the SYN-ACK's TSval carries window scale
		 * and SACK (xtcp_build_synack()); without, neither survives
		 */
		if (!req->ts_ok) {
			req->wscale_ok = false;
			req->sack_ok = false;
			req->rcv_wscale = 0;
		}
		if (!xtcp_send_synack(req, iss))
			xtcp_inc_stats(net, XTCP_MIB_SYNCOOKIESSENT);
		xtcp_request_put(req);
		return;
	}

	req->iss = XTCP_SKB_CB(skb)->tw_isn ? : xtcp_isn_ent(&req->ent);
	/* references: the queue/hash one (have it) and the timer's */
	spin_lock_bh(&lxs->queue_lock);
	if (lsk->sk_state != TCP_LISTEN) {
		spin_unlock_bh(&lxs->queue_lock);
		xtcp_request_put(req);
		goto drop;
	}
	list_add_tail(&req->list, &lxs->synq);
	lxs->synq_len++;
	spin_unlock_bh(&lxs->queue_lock);
	if (!xtcp_ehash_insert(net, &req->ent)) {
		/* a racing twin already holds this 4-tuple */
		xtcp_request_unlink(req, true);
		return;
	}
	refcount_inc(&req->refcnt);
	mod_timer(&req->timer, jiffies + XTCP_TIMEOUT_INIT);
	xtcp_send_synack(req, 0);
	return;
drop:
	xtcp_inc_stats(net, XTCP_MIB_LISTENDROPS);
}

/*
 * SYN-ACK retransmission, like Linux's reqsk_timer_handler() with
 * syn_ack_recalc() for TCP_DEFER_ACCEPT.
 * Context: timer softirq; holds the timer's request reference.
 */
static void xtcp_request_timer(struct timer_list *t)
{
	struct xtcp_request *req = timer_container_of(req, t, timer);
	struct sock *lsk = req->listener;
	struct xtcp_sock *lxs = xtcp_sk(lsk);
	int max_retries = READ_ONCE(lxs->syn_retries) ? :
			  READ_ONCE(xtcp_sysctl(lsk)->synack_retries);
	int defer = READ_ONCE(lxs->defer_accept);
	bool expire, resend;

	if (list_empty(&req->list)) {	/* unlinked while we were running */
		xtcp_request_put(req);
		return;
	}
	if (READ_ONCE(lsk->sk_state) != TCP_LISTEN)
		goto drop;
	if (!defer) {
		expire = req->num_timeout >= max_retries;
		resend = true;
	} else {
		expire = req->num_timeout >= max_retries &&
			 (!req->acked || req->num_timeout >= defer);
		resend = !req->acked || req->num_timeout >= defer - 1;
	}
	if (!expire) {
		if (resend && !xtcp_send_synack(req, 0))
			xtcp_inc_stats(sock_net(lsk), XTCP_MIB_RETRANSSEGS);
		req->num_timeout++;
		mod_timer(&req->timer, jiffies +
			  min_t(unsigned long,
				(unsigned long)XTCP_TIMEOUT_INIT << req->num_timeout,
				XTCP_RTO_MAX));
		return;		/* the timer keeps its reference */
	}
drop:
	xtcp_request_unlink(req, false);
	xtcp_request_put(req);
}

/*
 * Make @sk, a fresh bh-locked clone of the listener (inheriting its
 * SOL_SOCKET and TCP options as Linux's children do), the established
 * child of @req: SYN_RECV, bound to the listener's port, one reference
 * (the accept queue's), not hashed yet.
 * Context: softirq, @sk bh-locked.
 * Return: 0, or the routing error (nothing bound then).
 */
static int xtcp_child_init(struct sock *lsk, struct sock *sk,
			   struct xtcp_request *req, struct sk_buff *skb,
			   const struct xtcp_opts *opt)
{
	const struct xtcp_af_ops *af = xtcp_af_ops_of(req->ent.family);
	const struct tcphdr *th = tcp_hdr(skb);
	struct inet_sock *inet;
	struct xtcp_sock *xs;
	int err;

	refcount_set(&sk->sk_refcnt, 1);
	xs = xtcp_sk(sk);
	inet = inet_sk(sk);

	xtcp_sock_init(sk);	/* lists, queues, timers: nothing shared */
	/* the listener's congestion control (Linux's tcp_ca_openreq_child()) */
	xtcp_cong_assign(sk, READ_ONCE(xtcp_sk(lsk)->ca_ops));
	RCU_INIT_POINTER(inet->inet_opt, NULL);
	inet->mc_list = NULL;
	/* its own IPv6 part (the clone points at the listener's) */
	xtcp_v6_child_init(sk, req->ent.family);
	/* LISTEN (the clone's) to SYN_RECV, traced as Linux's
	 * inet_csk_clone_lock() does
	 */
	xtcp_set_state(sk, TCP_SYN_RECV);

	xs->iss = req->iss;
	xs->irs = req->irs;
	xs->snd_una = req->iss + 1;
	xs->snd_nxt = req->iss + 1;
	xs->write_seq = req->iss + 1;
	xs->pushed_seq = req->iss + 1;
	xs->rcv_nxt = req->irs + 1;
	xs->rcv_wup = req->irs + 1;
	xs->lrcvtime = (u32)jiffies;	/* as tcp_create_openreq_child() */
	xs->copied_seq = req->irs + 1;
	xs->rcv_wnd = req->rcv_wnd;
	xs->rcv_ssthresh = xs->rcv_wnd;
	xs->ts_ok = req->ts_ok;
	xs->sack_ok = req->sack_ok;
	xs->wscale_ok = req->wscale_ok;
	xs->snd_wscale = req->snd_wscale;
	xs->rcv_wscale = req->rcv_wscale;
	xs->ts_recent = req->ts_recent;
	xs->ts_recent_stamp = ktime_get_seconds();
	xs->tsoff = req->tsoff;
	xs->rx_mss = req->mss;
	xs->snd_wnd = ntohs(th->window) << xs->snd_wscale;
	xs->max_window = xs->snd_wnd;
	xs->snd_wl1 = ntohl(th->seq);
	xs->snd_wl2 = ntohl(th->ack_seq);
	xs->rcv_tstamp = jiffies;

	/* the family's addresses and route (sets af_ops) */
	err = af->child_route(sk, req);
	if (err)
		return err;
	xs->advmss = min_t(u32, dst_mtu(__sk_dst_get(sk)) -
			   af->net_header_len - sizeof(struct tcphdr), 65535);
	if (xs->user_mss && xs->advmss > xs->user_mss)
		xs->advmss = xs->user_mss;
	xs->window_clamp = 65535U << xs->rcv_wscale;
	xtcp_sync_mss(sk);
	xtcp_hash_inherit_port(sk, lsk);

	/* first RTT sample: SYN-ACK to ACK, from the echoed timestamp, or the
	 * clock when the SYN-ACK was never retransmitted (Karn)
	 */
	if (xs->ts_ok && opt->ts_ok && opt->tsecr) {
		u32 ms = xtcp_clock_ms() + xs->tsoff - opt->tsecr;

		if (ms < 60 * MSEC_PER_SEC)
			xtcp_rtt_sample(sk, ms * USEC_PER_MSEC);
	} else if (!req->num_timeout && !list_empty(&req->list)) {
		/* (a cookie's request was never queued: nothing to time) */
		xtcp_rtt_sample(sk, jiffies_to_usecs(jiffies - req->started));
	}
	return 0;
}

/* Undo a child nobody will see (bh-locked; the caller drops it). */
static void xtcp_drop_child(struct sock *child)
{
	xtcp_done(child);
	sock_set_flag(child, SOCK_DEAD);
	xtcp_hash_unbind(child);
}

/*
 * Hand the child to the accept queue. Return false if the listener has
 * gone (the caller then aborts the child).
 * Context: softirq; child bh-locked.
 */
static bool xtcp_accept_enqueue(struct sock *lsk, struct sock *child)
{
	struct xtcp_sock *lxs = xtcp_sk(lsk);
	bool ok;

	spin_lock_bh(&lxs->queue_lock);
	ok = lsk->sk_state == TCP_LISTEN;
	if (ok) {
		list_add_tail(&xtcp_sk(child)->accept_node, &lxs->acceptq);
		sk_acceptq_added(lsk);
	}
	spin_unlock_bh(&lxs->queue_lock);
	if (ok)
		lsk->sk_data_ready(lsk);
	return ok;
}

/*
 * The child exists: swap it for the request in ehash, process the segment
 * on it (moves it to ESTABLISHED, queues any data) and queue it for
 * accept(). Consumes @skb.
 * Context: softirq, child bh-locked.
 * Return: false if the child was reset and must be dropped.
 */
static bool xtcp_child_complete(struct sock *lsk, struct sock *child,
				struct xtcp_request *req, struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);
	struct xtcp_sock *xs = xtcp_sk(child);

	xs->ent.kind = XTCP_ENT_SOCK;
	xtcp_ent_copy_tuple(&xs->ent, &req->ent);
	/* swap atomically: no segment may find neither of them */
	if (req->ent.hashed ? !xtcp_ehash_replace(net, &req->ent, &xs->ent) :
			      !xtcp_ehash_insert(net, &xs->ent))
		goto abort;
	xtcp_inc_stats(net, XTCP_MIB_PASSIVEOPENS);

	xtcp_rcv_state_process(child, skb);
	skb = NULL;
	if (!xtcp_accept_enqueue(lsk, child))
		goto abort;
	return true;
abort:
	kfree_skb(skb);
	xtcp_send_active_reset(child, GFP_ATOMIC);
	return false;
}

/*
 * Make the child of @req, complete it and queue it for accept(), or undo
 * it. @unlink: first take @req off the SYN queue (keeping its hash slot
 * for the swap); losing that race to the timer or another ACK drops the
 * child. The child's bh lock (taken by sk_clone_lock()) is released here.
 * Context: softirq.
 * Return: false if no child could be made (@skb left to the caller), true
 * once @skb is consumed.
 */
static bool xtcp_child_open(struct sock *lsk, struct xtcp_request *req,
			    struct sk_buff *skb, const struct xtcp_opts *opt,
			    bool unlink)
{
	struct sock *child = sk_clone_lock(lsk, GFP_ATOMIC);
	bool ok;

	if (!child)
		return false;
	__acquire(&child->sk_lock.slock);	/* sk_clone_lock()'s, for sparse */
	if (xtcp_child_init(lsk, child, req, skb, opt)) {
		child->sk_state = TCP_CLOSE;
		sock_set_flag(child, SOCK_DEAD);
		bh_unlock_sock(child);
		sock_put(child);
		return false;
	}
	ok = !unlink || xtcp_request_unlink(req, true);
	if (ok)
		ok = xtcp_child_complete(lsk, child, req, skb);
	else
		kfree_skb(skb);
	if (!ok)
		xtcp_drop_child(child);
	bh_unlock_sock(child);
	if (!ok)
		sock_put(child);
	return true;
}

/*
 * Accept queue full when the final ACK arrives: keep the request (it will
 * retransmit its SYN-ACK and complete later) or, with abort_on_overflow,
 * reset the peer. Context: softirq.
 */
static void xtcp_listen_overflow(struct sock *lsk, struct xtcp_request *req,
				 struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);

	trace_xtcp_listen_overflow(lsk);
	xtcp_inc_stats(net, XTCP_MIB_LISTENOVERFLOWS);
	xtcp_inc_stats(net, XTCP_MIB_LISTENDROPS);
	if (!READ_ONCE(xtcp_sysctl(lsk)->abort_on_overflow)) {
		req->acked = true;
		return;
	}
	xtcp_send_reset_noconn(net, skb);
	if (xtcp_request_unlink(req, false))
		xtcp_inc_stats(net, XTCP_MIB_EMBRYONICRSTS);
}

/*
 * Answer an unacceptable segment in SYN-RECV (out of window, PAWS) with
 * the SYN-ACK again, at most once per net.xtcp.invalid_ratelimit, as
 * Linux's tcp_check_req() (tcp_oow_rate_limited + inet_rtx_syn_ack).
 * Context: softirq.
 */
static void xtcp_request_send_ack(struct xtcp_request *req,
				  const struct sk_buff *skb)
{
	struct net *net = sock_net(req->listener);

	if (!xtcp_oow_rate_limited(net, skb, XTCP_MIB_TCPACKSKIPPEDSYNRECV,
				   &req->last_oow_ack_time) &&
	    !xtcp_send_synack(req, 0))
		xtcp_inc_stats(net, XTCP_MIB_RETRANSSEGS);
}

/**
 * xtcp_request_rcv() - a segment for a half-open connection (SYN-RECEIVED)
 * @req: the request (reference held by the caller)
 * @skb: the segment; consumed
 *
 * Follows Linux's tcp_check_req(): retransmitted SYN -> SYN-ACK again;
 * bad ACK -> RST from the listener; RST or new SYN in window -> drop the
 * request (EmbryonicRsts); good ACK -> child socket.
 * Context: softirq, RCU.
 */
void xtcp_request_rcv(struct xtcp_request *req, struct sk_buff *skb)
{
	struct sock *lsk = req->listener;
	struct net *net = sock_net(lsk);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *lxs = xtcp_sk(lsk);
	struct xtcp_opts opt;

	if (READ_ONCE(lsk->sk_state) != TCP_LISTEN) {
		xtcp_request_unlink(req, false);
		xtcp_send_reset_noconn(net, skb);
		goto drop;
	}
	if (xtcp_parse_options(th, &opt, false) < 0)
		goto drop;
	if (req->ts_ok && opt.ts_ok && !th->rst &&
	    (s32)(req->ts_recent - opt.tsval) > 0) {
		xtcp_request_send_ack(req, skb);	/* PAWS: old duplicate */
		goto drop;
	}

	/* retransmitted SYN: answer with the SYN-ACK again */
	if (cb->seq == req->irs && th->syn && !th->rst && !th->ack) {
		if (!xtcp_send_synack(req, 0))
			xtcp_inc_stats(net, XTCP_MIB_RETRANSSEGS);
		goto drop;
	}

	/* an ACK that does not acknowledge our SYN: the listener resets it */
	if (th->ack && cb->ack_seq != req->iss + 1) {
		xtcp_send_reset_noconn(net, skb);
		goto drop;
	}

	/* RFC 9293: segment must fall in the window we offered */
	if (!(cb->seq == req->irs + 1 ||
	      (xtcp_after(cb->end_seq, req->irs + 1) &&
	       xtcp_before(cb->seq, req->irs + 1 + req->rcv_wnd)))) {
		if (!th->rst)
			xtcp_request_send_ack(req, skb);
		goto drop;
	}

	if (th->rst || th->syn) {
		xtcp_inc_stats(net, XTCP_MIB_ATTEMPTFAILS);
		if (!th->rst)
			xtcp_send_reset_noconn(net, skb);
		if (xtcp_request_unlink(req, false))
			xtcp_inc_stats(net, XTCP_MIB_EMBRYONICRSTS);
		goto drop;
	}
	if (!th->ack)
		goto drop;

	if (opt.ts_ok)
		req->ts_recent = opt.tsval;

	/* TCP_DEFER_ACCEPT: a bare ACK waits for data (or the last SYN-ACK) */
	if (req->num_timeout < READ_ONCE(lxs->defer_accept) &&
	    cb->end_seq == req->irs + 1) {
		req->acked = true;
		goto drop;
	}

	if (sk_acceptq_is_full(lsk)) {
		xtcp_listen_overflow(lsk, req, skb);
		goto drop;
	}
	if (!xtcp_child_open(lsk, req, skb, &opt, true)) {
		xtcp_inc_stats(net, XTCP_MIB_LISTENDROPS);
		goto drop;
	}
	return;
drop:
	kfree_skb(skb);
}

/*
 * An ACK to a listener with no request: a syncookie coming back, or a
 * stray segment that gets a RST. Context: softirq. Consumes @skb.
 */
static void xtcp_cookie_ack(struct sock *lsk, struct sk_buff *skb)
{
	struct net *net = sock_net(lsk);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	int syncookies = READ_ONCE(xtcp_sysctl(lsk)->syncookies);
	struct xtcp_request *req;
	struct xtcp_opts opt;
	struct xtcp_ent key;
	u16 mss;

	if (th->syn || th->rst || !syncookies)
		goto reset;
	/* only shortly after an overflow sent cookies, unless cookies=2 */
	if (syncookies != 2 &&
	    time_after(jiffies, READ_ONCE(xtcp_sk(lsk)->synq_overflow) + 120 * HZ))
		goto reset;
	xtcp_ent_from_skb(&key, skb);
	mss = xtcp_cookie_check_ent(cb->ack_seq - 1, &key, cb->seq - 1);
	if (!mss) {
		xtcp_inc_stats(net, XTCP_MIB_SYNCOOKIESFAILED);
		goto reset;
	}
	if (xtcp_parse_options(th, &opt, false) < 0)
		goto drop;
	xtcp_inc_stats(net, XTCP_MIB_SYNCOOKIESRECV);

	if (sk_acceptq_is_full(lsk)) {
		trace_xtcp_listen_overflow(lsk);
		xtcp_inc_stats(net, XTCP_MIB_LISTENOVERFLOWS);
		xtcp_inc_stats(net, XTCP_MIB_LISTENDROPS);
		goto drop;
	}
	opt.mss = mss;
	req = xtcp_request_alloc(lsk, skb, &opt);
	if (!req)
		goto drop;
	req->irs = cb->seq - 1;
	req->iss = cb->ack_seq - 1;
	req->ts_ok = opt.ts_ok;
	req->wscale_ok = false;
	req->sack_ok = false;
	if (opt.ts_ok) {
		u32 enc = opt.tsecr & XTCP_COOKIE_TS_MASK;

		req->tsoff = opt.tsecr - xtcp_clock_ms();
		req->sack_ok = enc & XTCP_COOKIE_TS_SACK;
		if ((enc & 0xf) != XTCP_COOKIE_TS_NOWS) {
			req->wscale_ok = true;
			req->snd_wscale = enc & 0xf;
			req->rcv_wscale = xtcp_rcv_wscale(lsk);
		}
	}
	req->rcv_wnd = xtcp_initial_rcv_wnd(lsk, req);
	if (!xtcp_child_open(lsk, req, skb, &opt, false)) {
		xtcp_request_put(req);
		goto drop;
	}
	xtcp_request_put(req);
	return;
reset:
	xtcp_send_reset_noconn(net, skb);
drop:
	kfree_skb(skb);
}

/**
 * xtcp_listen_rcv() - a segment for a listener with no connection entry
 * @lsk: the listener (reference held by the caller)
 * @skb: the segment; consumed
 *
 * RFC 9293 LISTEN: RST is ignored, ACK gets RST (unless it returns a
 * syncookie), SYN opens a request, anything else is dropped.
 * Context: softirq, RCU.
 */
void xtcp_listen_rcv(struct sock *lsk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (READ_ONCE(lsk->sk_state) != TCP_LISTEN) {
		xtcp_send_reset_noconn(sock_net(lsk), skb);
		goto drop;
	}
	if (th->rst)
		goto drop;
	if (th->ack) {
		xtcp_cookie_ack(lsk, skb);
		return;
	}
	if (!th->syn || th->fin)
		goto drop;
	xtcp_conn_request(lsk, skb);
drop:
	kfree_skb(skb);
}

/**
 * xtcp_accept_dequeue() - take the oldest established child
 * @lsk: the listener
 *
 * Context: process context, listener socket lock held.
 * Return: the child (its accept-queue reference passes to the caller) or
 * NULL when the queue is empty.
 */
struct sock *xtcp_accept_dequeue(struct sock *lsk)
{
	struct xtcp_sock *lxs = xtcp_sk(lsk);
	struct xtcp_sock *child = NULL;

	sock_owned_by_me(lsk);

	spin_lock_bh(&lxs->queue_lock);
	if (!list_empty(&lxs->acceptq)) {
		child = list_first_entry(&lxs->acceptq, struct xtcp_sock,
					 accept_node);
		list_del_init(&child->accept_node);
		sk_acceptq_removed(lsk);
	}
	spin_unlock_bh(&lxs->queue_lock);
	return child ? &child->inet.sk : NULL;
}

/**
 * xtcp_listen_stop() - a listener closes: drop requests, reset children
 * @sk: the listener, already out of LISTEN and off the listen hash
 *
 * Context: process context, socket lock held.
 */
void xtcp_listen_stop(struct sock *sk)
{
	struct xtcp_sock *lxs = xtcp_sk(sk);
	struct xtcp_sock *cxs, *ctmp;
	struct xtcp_request *req;
	LIST_HEAD(children);

	sock_owned_by_me(sk);
	for (;;) {
		spin_lock_bh(&lxs->queue_lock);
		req = list_first_entry_or_null(&lxs->synq, struct xtcp_request,
					       list);
		if (req)
			refcount_inc(&req->refcnt);
		spin_unlock_bh(&lxs->queue_lock);
		if (!req)
			break;
		/* the handler sees the listener closed and will not re-arm */
		if (timer_delete_sync(&req->timer))
			xtcp_request_put(req);
		xtcp_request_unlink(req, false);
		xtcp_request_put(req);
	}

	spin_lock_bh(&lxs->queue_lock);
	list_splice_init(&lxs->acceptq, &children);
	spin_unlock_bh(&lxs->queue_lock);

	list_for_each_entry_safe(cxs, ctmp, &children, accept_node) {
		struct sock *child = &cxs->inet.sk;

		list_del_init(&cxs->accept_node);
		sk_acceptq_removed(sk);
		xtcp_child_forget(child);	/* RST, like Linux */
	}
}

/**
 * xtcp_listen_init() - create the request cache and cookie keys
 *
 * Context: process context, module init.
 * Return: 0 or -ENOMEM.
 */
int xtcp_listen_init(void)
{
	xtcp_cookie_init();
	xtcp_req_cache = kmem_cache_create("xtcp_request",
					   sizeof(struct xtcp_request), 0,
					   SLAB_HWCACHE_ALIGN, NULL);
	return xtcp_req_cache ? 0 : -ENOMEM;
}

/**
 * xtcp_listen_exit() - free the request cache after pending RCU frees
 *
 * Context: process context, module exit.
 */
void xtcp_listen_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(xtcp_req_cache);
}
