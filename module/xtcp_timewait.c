// SPDX-License-Identifier: GPL-2.0
/*
 * TIME_WAIT as a lightweight object (struct xtcp_tw, a fraction of a
 * socket) that replaces the socket in the connection hash and keeps its
 * local port in the bind hash for net.xtcp.tw_timeout seconds.
 *
 * Segment rules follow Linux's tcp_timewait_state_process():
 *   in-window RST          ends TIME_WAIT (RFC 1337 assassination) unless
 *                          net.xtcp.rfc1337=1
 *   retransmitted FIN/ACK  is ACKed again and restarts the timer
 *   new SYN, higher seq    (or newer timestamp) ends TIME_WAIT and opens a
 *                          new connection with ISN = old snd_nxt + 65537
 *   anything else          is ACKed
 * net.xtcp.max_tw_buckets caps the entries per namespace (beyond it the
 * socket closes at once, TCPTimeWaitOverflow); net.xtcp.tw_reuse lets
 * connect() take over an entry's 4-tuple (timestamps required, as Linux).
 *
 * Expiry: entries wait on their namespace's row (xtcp_net.tw_row), the
 * earliest first, with one timer per namespace for the row's head instead
 * of a timer per entry (Linux's inet_twsk has its own 40-byte timer_list):
 * a restart moves the entry to its place from the tail, where entries of
 * the same net.xtcp.tw_timeout belong, so every step is O(1) unless the
 * sysctl has just been lowered.
 *
 * References: the hashes hold one (dropped by whoever clears @hashed), the
 * row one while the entry is on it, lookups their own. Freed after an RCU
 * grace period.
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>

static struct kmem_cache *xtcp_tw_cache __read_mostly;

static void xtcp_tw_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(xtcp_tw_cache, container_of(head, struct xtcp_tw, rcu));
}

/**
 * xtcp_tw_put() - drop a TIME_WAIT reference
 * @tw: entry
 *
 * Context: any.
 */
void xtcp_tw_put(struct xtcp_tw *tw)
{
	if (refcount_dec_and_test(&tw->refcnt))
		call_rcu(&tw->rcu, xtcp_tw_free_rcu);
}

/* Off both hashes, once; drops the hashes' reference. Context: any. */
static void xtcp_tw_unhash(struct xtcp_tw *tw)
{
	struct net *net = read_pnet(&tw->net);

	if (!atomic_xchg(&tw->hashed, 0))
		return;
	trace_xtcp_time_wait_exit(tw);
	xtcp_ehash_remove(net, &tw->ent);
	xtcp_hash_tw_unbind(net, tw);
	atomic_dec(&xtcp_pernet(net)->tw_count);
	xtcp_tw_put(tw);
}

/* jiffies of a u32 expiry in the next 2^31 */
static unsigned long xtcp_tw_jiffies(u32 expires)
{
	return jiffies + (s32)(expires - (u32)jiffies);
}

/*
 * Put @tw on the row to expire at @expires: after the last entry that
 * expires no later, searched from the tail. The timer follows a new head.
 */
static void xtcp_tw_row_add(struct xtcp_net *xn, struct xtcp_tw *tw,
			    u32 expires)
{
	struct list_head *pos = xn->tw_row.prev;

	lockdep_assert_held(&xn->tw_lock);
	while (pos != &xn->tw_row &&
	       (s32)(list_entry(pos, struct xtcp_tw, row)->expires - expires) > 0)
		pos = pos->prev;
	WRITE_ONCE(tw->expires, expires);
	list_add(&tw->row, pos);
	if (pos == &xn->tw_row)
		mod_timer(&xn->tw_timer, xtcp_tw_jiffies(expires));
}

/* Off the row if on it; true if it was (the caller drops its reference). */
static bool xtcp_tw_row_del(struct xtcp_net *xn, struct xtcp_tw *tw)
{
	bool on_row;

	spin_lock_bh(&xn->tw_lock);
	on_row = !list_empty(&tw->row);
	if (on_row)
		list_del_init(&tw->row);
	spin_unlock_bh(&xn->tw_lock);
	return on_row;
}

/**
 * xtcp_tw_kill() - end TIME_WAIT early (RST, SYN reuse, connect reuse)
 * @tw: entry, a reference held by the caller
 *
 * Context: any (an entry the row's timer has just taken off the row is
 * that timer's to release: it finds the entry unhashed).
 */
void xtcp_tw_kill(struct xtcp_tw *tw)
{
	if (xtcp_tw_row_del(xtcp_pernet(read_pnet(&tw->net)), tw))
		xtcp_tw_put(tw);
	xtcp_tw_unhash(tw);
}

/*
 * Take the row's head off it, its reference passing to the caller: any
 * head when @all, else only a due one (the timer follows a head not yet
 * due). Return: the entry, or NULL.
 */
static struct xtcp_tw *xtcp_tw_row_pop(struct xtcp_net *xn, bool all)
{
	struct xtcp_tw *tw;

	spin_lock_bh(&xn->tw_lock);
	tw = list_first_entry_or_null(&xn->tw_row, struct xtcp_tw, row);
	if (tw && !all && xtcp_tw_expires_in(tw) > 0) {
		mod_timer(&xn->tw_timer, xtcp_tw_jiffies(tw->expires));
		tw = NULL;
	}
	if (tw)
		list_del_init(&tw->row);
	spin_unlock_bh(&xn->tw_lock);
	return tw;
}

/*
 * The row's timer: end every entry that is due, one at a time outside the
 * lock (unhashing takes the hash locks), then follow the new head.
 * Context: timer softirq.
 */
static void xtcp_tw_row_timer(struct timer_list *t)
{
	struct xtcp_net *xn = timer_container_of(xn, t, tw_timer);
	struct xtcp_tw *tw;

	while ((tw = xtcp_tw_row_pop(xn, false))) {
		if (atomic_read(&tw->hashed))
			xtcp_inc_stats(read_pnet(&tw->net), XTCP_MIB_TIMEWAITED);
		xtcp_tw_unhash(tw);
		xtcp_tw_put(tw);
	}
}

/* Restart the wait (only while on the row: a due entry stays due). */
static void xtcp_tw_reschedule(struct xtcp_tw *tw)
{
	struct xtcp_net *xn = xtcp_pernet(read_pnet(&tw->net));
	u32 expires = (u32)jiffies + READ_ONCE(xn->sysctl.tw_timeout) * HZ;

	spin_lock_bh(&xn->tw_lock);
	if (!list_empty(&tw->row)) {
		list_del(&tw->row);
		xtcp_tw_row_add(xn, tw, expires);
	}
	spin_unlock_bh(&xn->tw_lock);
}

/**
 * xtcp_tw_init_net() - an empty TIME_WAIT row for a new namespace
 * @xn: the namespace's XTCP state
 *
 * Context: process context, netns setup.
 */
void xtcp_tw_init_net(struct xtcp_net *xn)
{
	atomic_set(&xn->tw_count, 0);
	spin_lock_init(&xn->tw_lock);
	INIT_LIST_HEAD(&xn->tw_row);
	timer_setup(&xn->tw_timer, xtcp_tw_row_timer, 0);
}

/**
 * xtcp_time_wait() - the FIN exchange is over: hand the connection to a
 * TIME_WAIT entry and close the socket
 * @sk: socket in FIN_WAIT2 (FIN received) or CLOSING (FIN acked)
 *
 * Context: socket lock or bh_lock_sock held; the caller holds a reference.
 */
void xtcp_time_wait(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct xtcp_tw *tw = NULL;

	if (atomic_read(&xn->tw_count) >= READ_ONCE(xn->sysctl.max_tw_buckets))
		xtcp_inc_stats(net, XTCP_MIB_TCPTIMEWAITOVERFLOW);
	else
		tw = kmem_cache_zalloc(xtcp_tw_cache, GFP_ATOMIC);
	if (!tw || !xs->ent.hashed) {
		if (tw)
			kmem_cache_free(xtcp_tw_cache, tw);
		xtcp_done(sk);
		return;
	}

	tw->ent.kind = XTCP_ENT_TW;
	xtcp_ent_copy_tuple(&tw->ent, &xs->ent);
	INIT_HLIST_NODE(&tw->bnode.node);
	INIT_LIST_HEAD(&tw->row);
	write_pnet(&tw->net, net);
	tw->rcv_nxt = xs->rcv_nxt;
	tw->snd_nxt = xs->snd_nxt;
	tw->ts_ok = xs->ts_ok;
	tw->ts_recent = xs->ts_recent;
	tw->ts_recent_stamp = xs->ts_recent_stamp;
	tw->tsoff = xs->tsoff;
	tw->rcv_wnd = xtcp_receive_window(xs);
	tw->rcv_wscale = xs->rcv_wscale;
	tw->reuse = sk->sk_reuse;
	tw->reuseport = sk->sk_reuseport;
	tw->connect_bound = xs->connect_bound;
	tw->dif = sk->sk_bound_dev_if;
	atomic64_set(&tw->cookie, atomic64_read(&sk->sk_cookie));
	refcount_set(&tw->refcnt, 2);		/* hashes + row */
	atomic_set(&tw->hashed, 1);
	atomic_inc(&xn->tw_count);

	/* port first, then swap the 4-tuple over in one step */
	xtcp_hash_tw_bind(net, tw, ntohs(tw->ent.lport));
	if (xtcp_ehash_replace(net, &xs->ent, &tw->ent))
		__sock_put(sk);			/* the socket's hash reference */
	spin_lock_bh(&xn->tw_lock);
	xtcp_tw_row_add(xn, tw, (u32)jiffies +
			READ_ONCE(xn->sysctl.tw_timeout) * HZ);
	spin_unlock_bh(&xn->tw_lock);
	trace_xtcp_time_wait_enter(tw);
	xtcp_done(sk);
}

/**
 * xtcp_tw_reuse_ok() - may connect() take over this entry's 4-tuple?
 * @net: namespace
 * @tw: entry
 *
 * net.xtcp.tw_reuse: 0 never, 1 yes, 2 only for loopback traffic; and,
 * as Linux, only with timestamps and at least a second after the last
 * segment (PAWS then protects the new connection).
 * Return: the ISN the new connection must use, or 0 if not allowed.
 */
u32 xtcp_tw_reuse_ok(struct net *net, struct xtcp_tw *tw)
{
	int reuse = READ_ONCE(xtcp_pernet(net)->sysctl.tw_reuse_mode);
	u32 isn;

	if (reuse == 2 &&
	    (tw->ent.family == AF_INET6 ?
	     !ipv6_addr_loopback(&tw->ent.raddr6) &&
	     !ipv6_addr_loopback(&tw->ent.laddr6) :
	     !ipv4_is_loopback(tw->ent.raddr) &&
	     !ipv4_is_loopback(tw->ent.laddr)))
		reuse = 0;
	if (!reuse || !tw->ts_ok || !tw->ts_recent_stamp ||
	    ktime_get_seconds() <= tw->ts_recent_stamp)
		return 0;
	isn = tw->snd_nxt + 65535 + 2;
	return isn ? isn : 1;
}

/**
 * xtcp_tw_rcv() - a segment for a connection in TIME_WAIT
 * @tw: entry (reference held by the caller)
 * @skb: the segment; consumed unless XTCP_TW_SYN is returned
 *
 * Context: softirq, RCU.
 * Return: XTCP_TW_SYN when a new SYN may reopen the connection (the entry
 * is gone and XTCP_SKB_CB(skb)->tw_isn holds the ISN to use), else
 * XTCP_TW_DONE.
 */
enum xtcp_tw_action xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb)
{
	struct net *net = read_pnet(&tw->net);
	const struct tcphdr *th = tcp_hdr(skb);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_opts opt;
	bool paws_reject = false;

	xtcp_parse_options(th, &opt, th->syn);
	if (tw->ts_ok && opt.ts_ok)
		paws_reject = (s32)(tw->ts_recent - opt.tsval) > 0 &&
			      ktime_get_seconds() < tw->ts_recent_stamp + 24 * 24 * 3600;

	/* in window: only a bare ACK or a RST can be */
	if (!paws_reject && cb->seq == tw->rcv_nxt &&
	    (cb->seq == cb->end_seq || th->rst)) {
		if (th->rst) {
			if (!READ_ONCE(xtcp_pernet(net)->sysctl.rfc1337)) {
				xtcp_tw_kill(tw);
				goto consume;
			}
		} else {
			xtcp_tw_reschedule(tw);
		}
		if (opt.ts_ok) {
			tw->ts_recent = opt.tsval;
			tw->ts_recent_stamp = ktime_get_seconds();
		}
		goto consume;
	}

	/* a new SYN that cannot be an old duplicate reopens the connection */
	if (th->syn && !th->rst && !th->ack && !paws_reject &&
	    (xtcp_after(cb->seq, tw->rcv_nxt) ||
	     (opt.ts_ok && tw->ts_ok && (s32)(tw->ts_recent - opt.tsval) < 0))) {
		u32 isn = tw->snd_nxt + 65535 + 2;

		cb->tw_isn = isn ? isn : 1;
		xtcp_tw_kill(tw);
		return XTCP_TW_SYN;
	}

	if (!th->rst) {
		/* retransmitted FIN (or any ACK): ACK again, wait again; the
		 * ACK is rate-limited unless it answers a FIN or data, as
		 * Linux's tcp_timewait_check_oow_rate_limit()
		 */
		if (paws_reject || th->ack)
			xtcp_tw_reschedule(tw);
		if (!xtcp_oow_rate_limited(net, skb,
					   XTCP_MIB_TCPACKSKIPPEDTIMEWAIT,
					   &tw->last_oow_ack_time))
			xtcp_send_tw_ack(tw);
	}
consume:
	consume_skb(skb);
	return XTCP_TW_DONE;
}

/**
 * xtcp_tw_purge_net() - a namespace goes away: end its TIME_WAIT entries
 * @net: the namespace (no sockets left)
 *
 * Context: process context, netns teardown or module exit.
 */
void xtcp_tw_purge_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_tw *tw;

	/*
	 * Every hashed entry is on the row, or taken off it by a running
	 * timer that ends it; with no socket left, none is added any more.
	 */
	while ((tw = xtcp_tw_row_pop(xn, true))) {
		xtcp_tw_unhash(tw);
		xtcp_tw_put(tw);
		cond_resched();
	}
	/* the row is empty: a running timer ends without arming again */
	timer_delete_sync(&xn->tw_timer);
}

/**
 * xtcp_tw_init() - create the TIME_WAIT cache
 *
 * Context: process context, module init.
 * Return: 0 or -ENOMEM.
 */
int xtcp_tw_init(void)
{
	/* not cache-aligned: entries are many and cold (152 bytes, not 192) */
	xtcp_tw_cache = kmem_cache_create("xtcp_tw", sizeof(struct xtcp_tw), 0,
					  0, NULL);
	return xtcp_tw_cache ? 0 : -ENOMEM;
}

/**
 * xtcp_tw_exit() - free the cache once pending RCU frees have run
 *
 * Context: process context, module exit (after every namespace purged).
 */
void xtcp_tw_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(xtcp_tw_cache);
}
