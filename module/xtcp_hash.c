// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP lookup tables, one set per network namespace:
 *
 *   bhash  bound sockets by local port (bind conflicts, ephemeral ports);
 *          writers and readers hold bind_lock (BH-safe spinlock).
 *   lhash  listening sockets by local port; input looks them up under RCU,
 *          writers hold listen_lock. Sockets are SOCK_RCU_FREE.
 *   ehash  connections by 4-tuple (used by the connection code); RCU readers,
 *          writers hold one of ehash_locks.
 *
 * Bind conflict rules follow Linux TCP (inet_bind_conflict): SO_REUSEADDR
 * lets sockets share an address:port while none of them listens;
 * SO_REUSEPORT lets sockets of one owner share it, listening or not.
 */
#include "xtcp.h"

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <net/ip.h>

static struct hlist_head *xtcp_bhead(struct xtcp_hashinfo *h, u16 port)
{
	return &h->bhash[hash_32(port, XTCP_BHASH_BITS)];
}

static struct hlist_head *xtcp_lhead(struct xtcp_hashinfo *h, u16 port)
{
	return &h->lhash[hash_32(port, XTCP_LHASH_BITS)];
}

/* Same local address, a wildcard on either side counting as equal. */
static bool xtcp_rcv_saddr_equal(const struct sock *sk, const struct sock *sk2)
{
	return !sk->sk_rcv_saddr || !sk2->sk_rcv_saddr ||
	       sk->sk_rcv_saddr == sk2->sk_rcv_saddr;
}

/*
 * Does @sk (binding or starting to listen) conflict with the bound @sk2 of
 * the same port? @relax: the explicit-port rules (bind to a given port and
 * listen); without it any sharing is refused (ephemeral search).
 */
static bool xtcp_bind_conflict(const struct sock *sk, const struct sock *sk2,
			       bool relax)
{
	int dif = sk->sk_bound_dev_if, dif2 = READ_ONCE(sk2->sk_bound_dev_if);
	bool same_owner;

	if (sk == sk2)
		return false;
	if (dif && dif2 && dif != dif2)
		return false;
	if (!xtcp_rcv_saddr_equal(sk, sk2))
		return false;
	if (!relax)
		return true;

	if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN)
		return false;
	same_owner = uid_eq(xtcp_sk_uid(sk), xtcp_sk_uid(sk2));
	if (sk->sk_reuseport && sk2->sk_reuseport && same_owner)
		return false;
	return true;
}

/* Caller holds bind_lock. */
static bool xtcp_port_conflict(struct xtcp_hashinfo *h, const struct sock *sk,
			       u16 port, bool relax)
{
	struct xtcp_sock *xs;

	hlist_for_each_entry(xs, xtcp_bhead(h, port), bind_node) {
		if (xs->inet.inet_num != port)
			continue;
		if (xtcp_bind_conflict(sk, &xs->inet.sk, relax))
			return true;
	}
	return false;
}

/* Caller holds bind_lock. */
static void __xtcp_bind_port(struct xtcp_hashinfo *h, struct sock *sk, u16 port)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xs->inet.inet_num = port;
	xs->inet.inet_sport = htons(port);
	hlist_add_head(&xs->bind_node, xtcp_bhead(h, port));
	xs->bound = true;
}

/*
 * Pick a free port from net.ipv4.ip_local_port_range, starting at a
 * per-namespace secret offset plus a random step (RFC 6056 style).
 * Caller holds bind_lock. Return: the port, or 0 when none is free.
 */
static u16 xtcp_pick_ephemeral(struct net *net, struct xtcp_hashinfo *h,
			       struct sock *sk)
{
	int low, high, i;
	u32 span, off;

	xtcp_local_port_range(net, &low, &high);
	if (high < low)
		return 0;
	span = high - low + 1;
	off = h->port_offset + get_random_u32_below(span);
	for (i = 0; i < span; i++) {
		u16 port = low + (off + i) % span;

		if (inet_is_local_reserved_port(net, port))
			continue;
		if (!xtcp_port_conflict(h, sk, port, false))
			return port;
	}
	return 0;
}

/**
 * xtcp_hash_bind() - give @sk local port @port (0: an ephemeral one)
 * @sk: the socket, with sk_rcv_saddr already set
 * @port: host-order port or 0
 *
 * Context: process context, socket lock held; takes bind_lock.
 * Return: 0, or -EADDRINUSE when the port is taken or none is free.
 */
int xtcp_hash_bind(struct sock *sk, u16 port)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(sk))->hash;
	int err = 0;

	spin_lock_bh(&h->bind_lock);
	if (!port) {
		port = xtcp_pick_ephemeral(sock_net(sk), h, sk);
		if (!port)
			err = -EADDRINUSE;
	} else if (xtcp_port_conflict(h, sk, port, true)) {
		err = -EADDRINUSE;
	}
	if (!err)
		__xtcp_bind_port(h, sk, port);
	spin_unlock_bh(&h->bind_lock);
	return err;
}

/**
 * xtcp_hash_unbind() - release @sk's local port
 * @sk: the socket
 *
 * Context: process context or softirq; takes bind_lock.
 */
void xtcp_hash_unbind(struct sock *sk)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(sk))->hash;
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&h->bind_lock);
	if (xs->bound) {
		hlist_del_init(&xs->bind_node);
		xs->bound = false;
		xs->inet.inet_num = 0;
		xs->inet.inet_sport = 0;
	}
	spin_unlock_bh(&h->bind_lock);
}

/**
 * xtcp_hash_listen() - check the port may be listened on and hash @sk
 * @sk: a bound socket entering LISTEN
 *
 * Context: process context, socket lock held; takes bind_lock, listen_lock.
 * Return: 0 or -EADDRINUSE (another socket holds the port in a way that
 * forbids listening, as Linux's listen() reports).
 */
int xtcp_hash_listen(struct sock *sk)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(sk))->hash;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int err = 0;

	spin_lock_bh(&h->bind_lock);
	if (xtcp_port_conflict(h, sk, xs->inet.inet_num, true))
		err = -EADDRINUSE;
	spin_unlock_bh(&h->bind_lock);
	if (err)
		return err;

	spin_lock_bh(&h->listen_lock);
	hlist_add_head_rcu(&xs->listen_node, xtcp_lhead(h, xs->inet.inet_num));
	xs->listen_hashed = true;
	spin_unlock_bh(&h->listen_lock);
	return 0;
}

/**
 * xtcp_hash_unlisten() - remove @sk from the listen hash
 * @sk: a listening socket leaving LISTEN
 *
 * Context: process context; takes listen_lock. RCU readers may still see
 * @sk until a grace period passes (sockets are SOCK_RCU_FREE).
 */
void xtcp_hash_unlisten(struct sock *sk)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(sk))->hash;
	struct xtcp_sock *xs = xtcp_sk(sk);

	spin_lock_bh(&h->listen_lock);
	if (xs->listen_hashed) {
		hlist_del_init_rcu(&xs->listen_node);
		xs->listen_hashed = false;
	}
	spin_unlock_bh(&h->listen_lock);
}

/* Score a listener for a segment to @daddr on @dif: higher is better. */
static int xtcp_listener_score(struct sock *sk, __be32 daddr, int dif)
{
	int score = 1;

	if (sk->sk_rcv_saddr) {
		if (sk->sk_rcv_saddr != daddr)
			return -1;
		score += 4;
	}
	if (sk->sk_bound_dev_if) {
		if (sk->sk_bound_dev_if != dif)
			return -1;
		score += 4;
	}
	return score;
}

/**
 * xtcp_lookup_listener() - find the listener for a segment
 * @net: namespace the segment arrived in
 * @daddr: segment's destination address
 * @hnum: destination port, host order
 * @dif: arrival interface index
 *
 * A specific-address listener beats a wildcard one, like TCP.
 * Context: softirq, RCU read lock held by caller.
 * Return: the listener with a reference taken, or NULL.
 */
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr, u16 hnum,
				  int dif)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	struct sock *best = NULL;
	struct xtcp_sock *xs;
	int best_score = 0;

	hlist_for_each_entry_rcu(xs, xtcp_lhead(h, hnum), listen_node) {
		struct sock *sk = &xs->inet.sk;
		int score;

		if (xs->inet.inet_num != hnum)
			continue;
		score = xtcp_listener_score(sk, daddr, dif);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	if (best && !refcount_inc_not_zero(&best->sk_refcnt))
		best = NULL;
	return best;
}

/**
 * xtcp_hash_init_net() - allocate @net's lookup tables
 * @net: the namespace
 *
 * Context: process context, netns setup.
 * Return: 0 or -ENOMEM.
 */
int xtcp_hash_init_net(struct net *net)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	int i;

	spin_lock_init(&h->bind_lock);
	spin_lock_init(&h->listen_lock);
	for (i = 0; i < ARRAY_SIZE(h->bhash); i++)
		INIT_HLIST_HEAD(&h->bhash[i]);
	for (i = 0; i < ARRAY_SIZE(h->lhash); i++)
		INIT_HLIST_HEAD(&h->lhash[i]);
	for (i = 0; i < XTCP_EHASH_LOCKS; i++)
		spin_lock_init(&h->ehash_locks[i]);
	h->ehash = kvmalloc_array(1 << XTCP_EHASH_BITS, sizeof(*h->ehash),
				  GFP_KERNEL);
	if (!h->ehash)
		return -ENOMEM;
	for (i = 0; i < (1 << XTCP_EHASH_BITS); i++)
		INIT_HLIST_HEAD(&h->ehash[i]);
	h->port_offset = get_random_u32();
	return 0;
}

/**
 * xtcp_hash_exit_net() - free @net's lookup tables
 * @net: the namespace; all its XTCP sockets are gone
 *
 * Context: process context, netns teardown.
 */
void xtcp_hash_exit_net(struct net *net)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	int i;

	for (i = 0; i < ARRAY_SIZE(h->bhash); i++)
		WARN_ON_ONCE(!hlist_empty(&h->bhash[i]));
	kvfree(h->ehash);
}
