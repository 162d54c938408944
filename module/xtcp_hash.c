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
 * IPv4 and IPv6 share the tables, as Linux's: an IPv6 socket bound to "::"
 * without IPV6_V6ONLY holds the port for IPv4 too, and its listener
 * receives IPv4 SYNs (inet_rcv_saddr_equal(), compute_score()).
 * Connection entries are keyed by IPv6 addresses, IPv4 ones v4-mapped.
 */
#include "xtcp.h"

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/ipv6.h>

static struct hlist_head *xtcp_bhead(struct xtcp_hashinfo *h, u16 port)
{
	return &h->bhash[hash_32(port, XTCP_BHASH_BITS)];
}

static struct hlist_head *xtcp_lhead(struct xtcp_hashinfo *h, u16 port)
{
	return &h->lhash[hash_32(port, XTCP_LHASH_BITS)];
}

/* A bind-hash entry seen the same way whether it is a socket or TIME_WAIT. */
struct xtcp_bview {
	const struct sock *sk;		/* NULL for TIME_WAIT */
	u16 port;
	int family;
	bool v6only;
	struct in6_addr rcv_saddr;	/* IPv4: v4-mapped */
	struct in6_addr daddr;
	__be16 dport;
	int dif;
	bool reuse;
	bool reuseport;
	bool connect_bound;
	bool listening;
	bool tw;
	kuid_t uid;
};

/* @sk's family and local and remote addresses (IPv4 ones v4-mapped) */
static void xtcp_sk_addrs(const struct sock *sk, int *family,
			  struct in6_addr *laddr, struct in6_addr *raddr)
{
	*family = sk->sk_family;
	if (sk->sk_family == AF_INET6) {
		*laddr = sk->sk_v6_rcv_saddr;
		*raddr = sk->sk_v6_daddr;
	} else {
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, laddr);
		ipv6_addr_set_v4mapped(sk->sk_daddr, raddr);
	}
}

/* the wildcard address of @family */
static bool xtcp_addr_any(int family, const struct in6_addr *a)
{
	return family == AF_INET6 ? ipv6_addr_any(a) : !a->s6_addr32[3];
}

/*
 * Do two local addresses overlap (Linux's inet_rcv_saddr_equal() with
 * match_wildcard)? Within a family a wildcard matches everything; across
 * families only an IPv6 "::" without IPV6_V6ONLY covers IPv4 addresses.
 */
static bool xtcp_saddr_overlap(int f1, const struct in6_addr *a1, bool v6only1,
			       int f2, const struct in6_addr *a2, bool v6only2)
{
	if (f1 == f2)
		return xtcp_addr_any(f1, a1) || xtcp_addr_any(f2, a2) ||
		       ipv6_addr_equal(a1, a2);
	if (f1 == AF_INET6)
		return ipv6_addr_any(a1) && !v6only1;
	return ipv6_addr_any(a2) && !v6only2;
}

/**
 * xtcp_ent_from_sk() - the 4-tuple of a connected socket into an entry
 * @e: the entry (family, addresses, ports)
 * @sk: the socket
 */
void xtcp_ent_from_sk(struct xtcp_ent *e, const struct sock *sk)
{
	int family;

	xtcp_sk_addrs(sk, &family, &e->laddr6, &e->raddr6);
	e->family = family;
	e->lport = inet_sk(sk)->inet_sport;
	e->rport = sk->sk_dport;
}

static void xtcp_bview(const struct xtcp_bnode *bn, struct xtcp_bview *v)
{
	if (xtcp_bnode_is_tw(bn)) {
		const struct xtcp_tw *tw = container_of(bn, struct xtcp_tw, bnode);

		v->sk = NULL;
		v->port = ntohs(tw->ent.lport);
		v->family = tw->ent.family;
		v->v6only = tw->ent.family == AF_INET6;
		v->rcv_saddr = tw->ent.laddr6;
		v->daddr = tw->ent.raddr6;
		v->dport = tw->ent.rport;
		v->dif = tw->dif;
		v->reuse = tw->reuse;
		v->reuseport = tw->reuseport;
		v->connect_bound = tw->connect_bound;
		v->listening = false;
		v->tw = true;
		v->uid = GLOBAL_ROOT_UID;
	} else {
		const struct xtcp_sock *xs = container_of(bn, struct xtcp_sock, bnode);
		const struct sock *sk = &xs->inet.sk;

		v->sk = sk;
		v->port = xs->inet.inet_num;
		xtcp_sk_addrs(sk, &v->family, &v->rcv_saddr, &v->daddr);
		v->v6only = sk->sk_ipv6only;
		v->dport = sk->sk_dport;
		v->dif = READ_ONCE(sk->sk_bound_dev_if);
		v->reuse = sk->sk_reuse;
		v->reuseport = sk->sk_reuseport;
		v->connect_bound = xs->connect_bound;
		v->listening = sk->sk_state == TCP_LISTEN;
		v->tw = false;
		v->uid = xtcp_sk_uid(sk);
	}
}

/*
 * Does @sk (binding or starting to listen) conflict with the entry @v of
 * the same port? Linux's inet_bind_conflict(): @relax gives the
 * explicit-port rules (bind to a given port, listen); without it any
 * sharing is refused (ephemeral search).
 */
static bool xtcp_bind_conflict(const struct sock *sk,
			       const struct xtcp_bview *v, bool relax)
{
	int dif = sk->sk_bound_dev_if;
	struct in6_addr laddr, raddr;
	int family;

	if (v->sk == sk)
		return false;
	if (dif && v->dif && dif != v->dif)
		return false;
	/* same local address, a wildcard on either side counting as equal */
	xtcp_sk_addrs(sk, &family, &laddr, &raddr);
	if (!xtcp_saddr_overlap(family, &laddr, sk->sk_ipv6only, v->family,
				&v->rcv_saddr, v->v6only))
		return false;
	if (!relax)
		return true;

	if (sk->sk_reuse && v->reuse && !v->listening)
		return false;
	if (sk->sk_reuseport && v->reuseport &&
	    (v->tw || uid_eq(xtcp_sk_uid(sk), v->uid)))
		return false;
	return true;
}

/* Caller holds bind_lock. */
static bool xtcp_port_conflict(struct xtcp_hashinfo *h, const struct sock *sk,
			       u16 port, bool relax)
{
	struct xtcp_bnode *bn;
	struct xtcp_bview v;

	hlist_for_each_entry(bn, xtcp_bhead(h, port), node) {
		xtcp_bview(bn, &v);
		if (v.port == port && xtcp_bind_conflict(sk, &v, relax))
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
	hlist_add_head(&xs->bnode.node, xtcp_bhead(h, port));
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
		hlist_del_init(&xs->bnode.node);
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

/*
 * Score a listener for a segment to @key's local address on @dif: higher
 * is better. An IPv4 segment may go to an IPv6 listener on "::" without
 * IPV6_V6ONLY, below an IPv4 listener of the same specificity (Linux's
 * compute_score()); an IPv6 segment only to IPv6 listeners.
 */
static int xtcp_listener_score(struct sock *sk, const struct xtcp_ent *key,
			       int dif)
{
	int score = 1;

	if (key->family == AF_INET6) {
		if (sk->sk_family != AF_INET6)
			return -1;
		if (!ipv6_addr_any(&sk->sk_v6_rcv_saddr)) {
			if (!ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &key->laddr6))
				return -1;
			score += 4;
		}
	} else if (sk->sk_family == AF_INET6) {
		if (sk->sk_ipv6only || !ipv6_addr_any(&sk->sk_v6_rcv_saddr))
			return -1;
	} else {
		score++;
		if (sk->sk_rcv_saddr) {
			if (sk->sk_rcv_saddr != key->laddr)
				return -1;
			score += 4;
		}
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
 * @key: the segment's family, destination address and port (laddr6,
 *	 lport)
 * @dif: arrival interface index
 *
 * A specific-address listener beats a wildcard one, like TCP.
 * Context: softirq, RCU read lock held by caller.
 * Return: the listener with a reference taken, or NULL.
 */
struct sock *xtcp_lookup_listener(struct net *net, const struct xtcp_ent *key,
				  int dif)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	u16 hnum = ntohs(key->lport);
	struct sock *best = NULL;
	struct xtcp_sock *xs;
	int best_score = 0;

	hlist_for_each_entry_rcu(xs, xtcp_lhead(h, hnum), listen_node) {
		struct sock *sk = &xs->inet.sk;
		int score;

		if (xs->inet.inet_num != hnum)
			continue;
		score = xtcp_listener_score(sk, key, dif);
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
 * xtcp_hash_inherit_port() - put an accepted child on its listener's port
 * @child: new socket created from a request
 * @lsk: the listener
 *
 * Context: softirq; takes bind_lock.
 */
void xtcp_hash_inherit_port(struct sock *child, struct sock *lsk)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(child))->hash;

	spin_lock_bh(&h->bind_lock);
	__xtcp_bind_port(h, child, inet_sk(lsk)->inet_num);
	xtcp_sk(child)->connect_bound = false;
	spin_unlock_bh(&h->bind_lock);
}

/*
 * May connect() use local @port for @sk's 4-tuple? Every socket on the port
 * must have got it from connect() (ports bound explicitly are not shared
 * with connect, as in Linux) and none may have the same 4-tuple.
 * Caller holds bind_lock.
 */
static bool xtcp_connect_port_ok(struct xtcp_hashinfo *h, struct sock *sk,
				 u16 port)
{
	struct in6_addr laddr, raddr;
	struct xtcp_bnode *bn;
	struct xtcp_bview v;
	int family;

	xtcp_sk_addrs(sk, &family, &laddr, &raddr);
	hlist_for_each_entry(bn, xtcp_bhead(h, port), node) {
		xtcp_bview(bn, &v);
		if (v.port != port || v.sk == sk)
			continue;
		if (!v.connect_bound)
			return false;
		if (v.family != family || !ipv6_addr_equal(&v.rcv_saddr, &laddr) ||
		    !ipv6_addr_equal(&v.daddr, &raddr) || v.dport != sk->sk_dport)
			continue;
		/* same 4-tuple: only a TIME_WAIT entry tw_reuse lets us take
		 * (xtcp_hash_connect() takes it over after the ehash clash)
		 */
		if (!v.tw || !xtcp_tw_reuse_ok(sock_net(sk),
					       container_of(bn, struct xtcp_tw, bnode)))
			return false;
	}
	return true;
}

/**
 * xtcp_hash_tw_bind() - a TIME_WAIT entry takes over its socket's port
 * @net: namespace
 * @tw: the entry
 * @port: host-order local port
 *
 * Context: any; takes bind_lock.
 */
void xtcp_hash_tw_bind(struct net *net, struct xtcp_tw *tw, u16 port)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;

	spin_lock_bh(&h->bind_lock);
	hlist_add_head(&tw->bnode.node, xtcp_bhead(h, port));
	spin_unlock_bh(&h->bind_lock);
}

/**
 * xtcp_hash_tw_unbind() - a TIME_WAIT entry releases its port
 * @net: namespace
 * @tw: the entry
 *
 * Context: any; takes bind_lock.
 */
void xtcp_hash_tw_unbind(struct net *net, struct xtcp_tw *tw)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;

	spin_lock_bh(&h->bind_lock);
	hlist_del_init(&tw->bnode.node);
	spin_unlock_bh(&h->bind_lock);
}

/**
 * xtcp_hash_connect() - give a connecting socket a unique 4-tuple and hash it
 * @sk: socket with local address, remote address and port set
 * @tw_isn: set to the ISN to use when a TIME_WAIT entry was taken over
 *	    (net.xtcp.tw_reuse), else left alone
 *
 * An unbound socket gets an ephemeral port chosen as RFC 6056 algorithm 3:
 * start at a keyed hash of (local, remote address, remote port) plus a
 * counter and walk net.ipv4.ip_local_port_range.
 * Context: process context, socket lock held; takes bind_lock, ehash lock.
 * Return: 0, -EADDRNOTAVAIL when no port is left (or the bound port's
 * 4-tuple is in use).
 */
int xtcp_hash_connect(struct sock *sk, u32 *tw_isn)
{
	struct net *net = sock_net(sk);
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	struct xtcp_sock *xs = xtcp_sk(sk);
	int low, high, i, err = -EADDRNOTAVAIL;
	struct xtcp_ent *e;
	u32 span, off;

	xtcp_ent_from_sk(&xs->ent, sk);
	spin_lock_bh(&h->bind_lock);
	if (xs->bound) {
		/* explicitly bound: only the 4-tuple must be unique (ehash) */
		err = 0;
		goto hash;
	}

	xtcp_local_port_range(net, &low, &high);
	span = high - low + 1;
	off = jhash_3words(ipv6_addr_hash(&xs->ent.laddr6),
			   ipv6_addr_hash(&xs->ent.raddr6),
			   (__force u32)sk->sk_dport, h->port_offset);
	off += atomic_add_return(2, &h->port_hint);
	for (i = 0; high >= low && i < span; i++) {
		u16 port = low + (off + i) % span;

		if (inet_is_local_reserved_port(net, port))
			continue;
		if (xtcp_connect_port_ok(h, sk, port)) {
			__xtcp_bind_port(h, sk, port);
			xs->connect_bound = true;
			err = 0;
			break;
		}
	}
hash:
	spin_unlock_bh(&h->bind_lock);
	if (err)
		return err;

	xs->ent.kind = XTCP_ENT_SOCK;
	xs->ent.lport = xs->inet.inet_sport;
	if (xtcp_ehash_insert(net, &xs->ent))
		return 0;

	/* the 4-tuple is taken: by TIME_WAIT that tw_reuse lets us take? */
	rcu_read_lock();
	e = xtcp_ehash_lookup(net, &xs->ent);
	rcu_read_unlock();
	if (e && e->kind == XTCP_ENT_TW) {
		u32 isn = xtcp_tw_reuse_ok(net, xtcp_ent_tw(e));

		if (isn) {
			xtcp_tw_kill(xtcp_ent_tw(e));
			*tw_isn = isn;
		}
		xtcp_tw_put(xtcp_ent_tw(e));
		if (isn && xtcp_ehash_insert(net, &xs->ent))
			return 0;
	} else if (e && e->kind == XTCP_ENT_SOCK) {
		sock_put(&xtcp_ent_sock(e)->inet.sk);
	} else if (e) {
		xtcp_request_put(xtcp_ent_req(e));
	}
	return -EADDRNOTAVAIL;
}

static u32 xtcp_ehashfn(struct xtcp_hashinfo *h, const struct xtcp_ent *k)
{
	return jhash_3words(ipv6_addr_hash(&k->laddr6), ipv6_addr_hash(&k->raddr6),
			    ((u32)(__force u16)k->lport << 16) |
			    (__force u16)k->rport,
			    h->ehash_secret) & ((1 << XTCP_EHASH_BITS) - 1);
}

/* same 4-tuple (an IPv4 one v4-mapped, which IPv6 input never carries) */
static bool xtcp_ent_match(const struct xtcp_ent *e, const struct xtcp_ent *k)
{
	return e->lport == k->lport && e->rport == k->rport &&
	       ipv6_addr_equal(&e->laddr6, &k->laddr6) &&
	       ipv6_addr_equal(&e->raddr6, &k->raddr6);
}

/**
 * xtcp_ehash_insert() - add a connection entry, unless its 4-tuple exists
 * @net: namespace
 * @e: the entry, 4-tuple filled in
 *
 * A socket entry holds a socket reference while hashed.
 * Context: any; takes the bucket's ehash lock (BH-safe).
 * Return: true if inserted.
 */
bool xtcp_ehash_insert(struct net *net, struct xtcp_ent *e)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	u32 b = xtcp_ehashfn(h, e);
	spinlock_t *lock = &h->ehash_locks[b % XTCP_EHASH_LOCKS];
	struct xtcp_ent *e2;
	bool ok = true;

	spin_lock_bh(lock);
	hlist_for_each_entry(e2, &h->ehash[b], node) {
		if (xtcp_ent_match(e2, e)) {
			ok = false;
			break;
		}
	}
	if (ok) {
		if (e->kind == XTCP_ENT_SOCK)
			sock_hold(&xtcp_ent_sock(e)->inet.sk);
		hlist_add_head_rcu(&e->node, &h->ehash[b]);
		e->hashed = true;
	}
	spin_unlock_bh(lock);
	return ok;
}

/**
 * xtcp_ehash_replace() - swap @old for @e (same 4-tuple) in one step
 * @net: namespace
 * @old: a hashed entry (a request)
 * @e: its successor (the child socket)
 *
 * Context: any; takes the bucket's ehash lock (BH-safe).
 * Return: true if @old was still hashed and @e took its place.
 */
bool xtcp_ehash_replace(struct net *net, struct xtcp_ent *old,
			struct xtcp_ent *e)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	u32 b = xtcp_ehashfn(h, e);
	spinlock_t *lock = &h->ehash_locks[b % XTCP_EHASH_LOCKS];
	bool ok = false;

	spin_lock_bh(lock);
	if (old->hashed) {
		if (e->kind == XTCP_ENT_SOCK)
			sock_hold(&xtcp_ent_sock(e)->inet.sk);
		hlist_replace_rcu(&old->node, &e->node);
		old->hashed = false;
		e->hashed = true;
		ok = true;
	}
	spin_unlock_bh(lock);
	return ok;
}

/**
 * xtcp_ehash_remove() - unlink a connection entry
 * @net: namespace
 * @e: the entry
 *
 * Drops the socket reference a hashed socket entry holds (never the last
 * one: callers hold their own).
 * Context: any; takes the bucket's ehash lock (BH-safe).
 */
void xtcp_ehash_remove(struct net *net, struct xtcp_ent *e)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	u32 b = xtcp_ehashfn(h, e);
	spinlock_t *lock = &h->ehash_locks[b % XTCP_EHASH_LOCKS];
	bool was = false;

	spin_lock_bh(lock);
	if (e->hashed) {
		hlist_del_init_rcu(&e->node);
		e->hashed = false;
		was = true;
	}
	spin_unlock_bh(lock);
	if (was && e->kind == XTCP_ENT_SOCK)
		__sock_put(&xtcp_ent_sock(e)->inet.sk);
}

/**
 * xtcp_ehash_lookup() - find the connection entry of a 4-tuple
 * @net: namespace
 * @key: the 4-tuple (laddr6, lport, raddr6, rport; IPv4 v4-mapped)
 *
 * Context: softirq or process context, RCU read lock held.
 * Return: the entry with a reference taken (sock_put() or
 * xtcp_request_put()), or NULL.
 */
struct xtcp_ent *xtcp_ehash_lookup(struct net *net, const struct xtcp_ent *key)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(net)->hash;
	u32 b = xtcp_ehashfn(h, key);
	struct xtcp_ent *e;

	hlist_for_each_entry_rcu(e, &h->ehash[b], node) {
		if (!xtcp_ent_match(e, key))
			continue;
		if (e->kind == XTCP_ENT_SOCK) {
			if (refcount_inc_not_zero(&xtcp_ent_sock(e)->inet.sk.sk_refcnt))
				return e;
		} else if (e->kind == XTCP_ENT_TW) {
			if (refcount_inc_not_zero(&xtcp_ent_tw(e)->refcnt))
				return e;
		} else if (refcount_inc_not_zero(&xtcp_ent_req(e)->refcnt)) {
			return e;
		}
	}
	return NULL;
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
	h->ehash_secret = get_random_u32();
	atomic_set(&h->port_hint, 0);
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
	for (i = 0; i < (1 << XTCP_EHASH_BITS); i++)
		WARN_ON_ONCE(!hlist_empty(&h->ehash[i]));
	kvfree(h->ehash);
}
