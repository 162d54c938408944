// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for XTCP (Linux's tcp_diag.c): an inet_diag handler registered
 * for the module's IP protocol number (xtcp_ipproto), so that a netlink
 * client (tools/xtcp-ss.c) lists the listeners, connections, SYN-queue
 * requests and TIME_WAIT entries of its network namespace as struct
 * inet_diag_msg (Linux's TCP_* states and timer codes), with, on request,
 * INET_DIAG_INFO (struct tcp_info from xtcp_get_info(), the TCP_INFO code),
 * INET_DIAG_MEMINFO, INET_DIAG_SKMEMINFO and INET_DIAG_CONG;
 * INET_DIAG_SHUTDOWN and the other common attributes always.
 *
 * A dump walks what /proc/net/xtcp walks (xtcp_proc.c), in the same order:
 * the listen hash, then the connection hash, each chain under RCU; queues
 * and timers come from the functions /proc uses (xtcp_sock_queues(),
 * xtcp_sock_timer()), so both agree. Entries passing the request's filters
 * (idiag_states, the sockid ports, and the bytecode run by the kernel's
 * inet_diag_bc_sk()) are taken with a reference, XTCP_DIAG_BATCH at a
 * time, and put in the reply after rcu_read_unlock(): tcp_info takes the
 * socket lock. A dump that fills its skb records where it stopped in
 * cb->args: [0] the table (XTCP_DIAG_LISTEN, _CONN, _DONE), [1] the bucket,
 * [2] how many entries of that bucket's chain are done.
 *
 * Requests (struct xtcp_request) and TIME_WAIT entries (struct xtcp_tw) are
 * not socks. The inet_diag helpers read only a socket's struct sock_common
 * (and a TIME_WAIT socket's mark), so such an entry is shown to them as a
 * zeroed struct inet_timewait_sock on the stack that holds its addresses,
 * ports, device and cookie (xtcp_diag_standin()).
 *
 * Each entry is listed by the dump of its family, as Linux's: IPv6
 * sockets, requests and TIME_WAIT entries in AF_INET6 dumps, IPv4 ones
 * (an XTCP sock addressed with a v4-mapped sockaddr_in6, and the IPv4
 * children of a dual-stack listener, are AF_INET) in AF_INET dumps.
 *
 * Context: inet_diag calls the handler in process context; before 6.9
 * under its handler mutex, which inet_diag_unregister() takes, from 6.9
 * holding a reference on this module (compat.h, XTCP_DIAG_OWNER).
 */
#include "xtcp.h"

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#define XTCP_DIAG_BATCH	16	/* entries referenced per walk under RCU */
#define XTCP_CA_NAME_MAX	16	/* Linux TCP_CA_NAME_MAX */

enum xtcp_diag_table {
	XTCP_DIAG_LISTEN,
	XTCP_DIAG_CONN,
	XTCP_DIAG_DONE,
};

/* An entry taken during a walk: a reference is held until the reply. */
struct xtcp_diag_item {
	enum xtcp_ent_kind kind;
	union {
		struct sock *sk;		/* XTCP_ENT_SOCK */
		struct xtcp_request *req;	/* XTCP_ENT_REQ */
		struct xtcp_tw *tw;		/* XTCP_ENT_TW */
	};
	int num;				/* position in its chain */
};

/*
 * Show @e (a request or a TIME_WAIT entry) to inet_diag_bc_sk() and
 * inet_diag_msg_common_fill() as a TIME_WAIT socket: @tw is zeroed, then
 * given @e's addresses and ports, device @dif and cookie @cookie.
 * Return: @tw as the struct sock those helpers take.
 */
static struct sock *xtcp_diag_standin(struct inet_timewait_sock *tw,
				      const struct xtcp_ent *e, int dif,
				      atomic64_t *cookie)
{
	memset(tw, 0, sizeof(*tw));
	tw->tw_family = e->family;
	tw->tw_state = TCP_TIME_WAIT;
	tw->tw_rcv_saddr = e->laddr;
	tw->tw_daddr = e->raddr;
	tw->tw_v6_rcv_saddr = e->laddr6;
	tw->tw_v6_daddr = e->raddr6;
	tw->tw_num = ntohs(e->lport);
	tw->tw_dport = e->rport;
	tw->tw_bound_dev_if = dif;
	atomic64_set(&tw->tw_cookie, atomic64_read(cookie));
	return (struct sock *)tw;
}

/*
 * The stand-in may have been given a cookie (sock_gen_cookie() through the
 * helpers): keep it in the entry, unless a racing reader kept another one
 * first. Return: the entry's cookie.
 */
static u64 xtcp_diag_keep_cookie(atomic64_t *cookie, struct sock *standin)
{
	u64 c = atomic64_read(&standin->sk_cookie);
	u64 old = atomic64_cmpxchg(cookie, 0, c);

	return old ? old : c;
}

/*
 * A request is shown with its listener's bound device, as Linux's
 * ir_iif (the arrival interface only matters to a bound listener).
 * Context: RCU read lock or a reference on @req.
 */
static int xtcp_diag_req_dif(const struct xtcp_request *req)
{
	return READ_ONCE(req->listener->sk_bound_dev_if);
}

/* Does an entry in @state, seen as @sk, pass the filters of request @r? */
static bool xtcp_diag_match(const struct inet_diag_req_v2 *r,
			    const struct nlattr *bc, int state, struct sock *sk)
{
	u32 states = r->idiag_states;

	if (states & TCPF_NEW_SYN_RECV)
		states |= TCPF_SYN_RECV;
	if (!(states & (1 << state)))
		return false;
	if (r->sdiag_family != AF_UNSPEC && r->sdiag_family != sk->sk_family)
		return false;
	if (r->id.idiag_sport && r->id.idiag_sport != htons(sk->sk_num))
		return false;
	if (r->id.idiag_dport && r->id.idiag_dport != sk->sk_dport)
		return false;
	return inet_diag_bc_sk(bc, sk);
}

/*
 * Take a reference on connection-hash entry @e into @it if it passes the
 * filters of @r. Context: RCU read lock held.
 */
static bool xtcp_diag_take(struct xtcp_ent *e, const struct inet_diag_req_v2 *r,
			   const struct nlattr *bc, struct xtcp_diag_item *it)
{
	struct inet_timewait_sock standin;
	struct sock *sk;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "XTCP diag walk without RCU");
	switch (e->kind) {
	case XTCP_ENT_SOCK:
		sk = &xtcp_ent_sock(e)->inet.sk;
		if (!xtcp_diag_match(r, bc, inet_sk_state_load(sk), sk) ||
		    !refcount_inc_not_zero(&sk->sk_refcnt))
			return false;
		it->sk = sk;
		break;
	case XTCP_ENT_REQ:
		it->req = xtcp_ent_req(e);
		sk = xtcp_diag_standin(&standin, e, xtcp_diag_req_dif(it->req),
				       &it->req->cookie);
		if (!xtcp_diag_match(r, bc, TCP_SYN_RECV, sk) ||
		    !refcount_inc_not_zero(&it->req->refcnt))
			return false;
		break;
	default:
		it->tw = xtcp_ent_tw(e);
		sk = xtcp_diag_standin(&standin, e, it->tw->dif, &it->tw->cookie);
		if (!xtcp_diag_match(r, bc, TCP_TIME_WAIT, sk) ||
		    !refcount_inc_not_zero(&it->tw->refcnt))
			return false;
		break;
	}
	it->kind = e->kind;
	return true;
}

/* Drop the reference xtcp_diag_take() (or a lookup) took. Context: any. */
static void xtcp_diag_release(struct xtcp_diag_item *it)
{
	if (it->kind == XTCP_ENT_SOCK)
		sock_put(it->sk);
	else if (it->kind == XTCP_ENT_REQ)
		xtcp_request_put(it->req);
	else
		xtcp_tw_put(it->tw);
}

/*
 * Walk chain @bucket of table @table from its entry @skip on, under RCU,
 * and take up to XTCP_DIAG_BATCH entries passing the filters into @items.
 * Return: how many were taken.
 */
static int xtcp_diag_walk(struct xtcp_hashinfo *h, enum xtcp_diag_table table,
			  int bucket, int skip, const struct inet_diag_req_v2 *r,
			  const struct nlattr *bc, struct xtcp_diag_item *items)
{
	struct xtcp_diag_item *it = items;
	struct xtcp_sock *xs;
	struct xtcp_ent *e;
	int n = 0;

	rcu_read_lock();
	if (table == XTCP_DIAG_LISTEN) {
		hlist_for_each_entry_rcu(xs, &h->lhash[bucket], listen_node) {
			struct sock *sk = &xs->inet.sk;

			if (n++ < skip ||
			    !xtcp_diag_match(r, bc, inet_sk_state_load(sk), sk) ||
			    !refcount_inc_not_zero(&sk->sk_refcnt))
				continue;
			it->kind = XTCP_ENT_SOCK;
			it->sk = sk;
			it->num = n - 1;
			if (++it == items + XTCP_DIAG_BATCH)
				break;
		}
	} else {
		hlist_for_each_entry_rcu(e, &h->ehash[bucket], node) {
			if (n++ < skip || !xtcp_diag_take(e, r, bc, it))
				continue;
			it->num = n - 1;
			if (++it == items + XTCP_DIAG_BATCH)
				break;
		}
	}
	rcu_read_unlock();
	return it - items;
}

/* Start a reply message for one entry. Return: its header or NULL. */
static struct nlmsghdr *xtcp_diag_msg_put(struct sk_buff *skb,
					  struct netlink_callback *cb,
					  u16 nlmsg_flags,
					  struct inet_diag_msg **r)
{
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			cb->nlh->nlmsg_type, sizeof(**r), nlmsg_flags);
	if (!nlh)
		return NULL;
	*r = nlmsg_data(nlh);
	memset(*r, 0, sizeof(**r));
	return nlh;
}

/* Context: process context; takes the socket lock for INET_DIAG_INFO. */
static int xtcp_diag_fill_sock(struct sock *sk, struct sk_buff *skb,
			       struct netlink_callback *cb,
			       const struct inet_diag_req_v2 *req,
			       u16 nlmsg_flags, bool net_admin)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	const struct xtcp_cong_ops *ca;
	int ext = req->idiag_ext;
	struct inet_diag_msg *r;
	unsigned long expires;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	int state, timer;

	nlh = xtcp_diag_msg_put(skb, cb, nlmsg_flags, &r);
	if (!nlh)
		return -EMSGSIZE;
	inet_diag_msg_common_fill(r, sk);
	state = inet_sk_state_load(sk);
	r->idiag_state = state;
	timer = xtcp_sock_timer(sk, state, &expires);
	if (timer) {
		r->idiag_timer = timer;
		/* Linux: retransmissions for the RTO timer, else probes */
		r->idiag_retrans = timer == 1 ? READ_ONCE(xs->retransmits) :
						READ_ONCE(xs->probes_out);
		r->idiag_expires = jiffies_delta_to_msecs(expires - jiffies);
	}
	xtcp_sock_queues(sk, state, &r->idiag_rqueue, &r->idiag_wqueue);

	/* shutdown, tos, mark, class, cgroup, sockopt; uid and inode */
	if (inet_diag_msg_attrs_fill(sk, skb, r, ext,
				     sk_user_ns(NETLINK_CB(cb->skb).sk),
				     net_admin))
		goto errout;

	if (ext & (1 << (INET_DIAG_MEMINFO - 1))) {
		struct inet_diag_meminfo minfo = {
			.idiag_rmem = sk_rmem_alloc_get(sk),
			.idiag_wmem = READ_ONCE(sk->sk_wmem_queued),
			.idiag_fmem = sk_forward_alloc_get(sk),
			.idiag_tmem = sk_wmem_alloc_get(sk),
		};

		if (nla_put(skb, INET_DIAG_MEMINFO, sizeof(minfo), &minfo))
			goto errout;
	}
	if ((ext & (1 << (INET_DIAG_SKMEMINFO - 1))) &&
	    sock_diag_put_meminfo(sk, skb, INET_DIAG_SKMEMINFO))
		goto errout;
	if (ext & (1 << (INET_DIAG_CONG - 1))) {
		ca = READ_ONCE(xs->ca_ops);
		if (nla_put_string(skb, INET_DIAG_CONG,
				   ca ? ca->name : xtcp_cubic.name))
			goto errout;
	}
	if (ext & (1 << (INET_DIAG_INFO - 1))) {
		attr = nla_reserve_64bit(skb, INET_DIAG_INFO,
					 sizeof(struct tcp_info), INET_DIAG_PAD);
		if (!attr)
			goto errout;
		xtcp_get_info(sk, nla_data(attr));
	}
	nlmsg_end(skb, nlh);
	return 0;

errout:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/*
 * Start the message for @e, a request or a TIME_WAIT entry, in @state:
 * addresses, ports, device @dif and the entry's cookie (@cookie), through
 * a stand-in. Return: the message, *@rp its body; NULL when @skb is full.
 */
static struct nlmsghdr *xtcp_diag_fill_ent(struct sk_buff *skb,
					   struct netlink_callback *cb,
					   u16 nlmsg_flags,
					   const struct xtcp_ent *e, int dif,
					   atomic64_t *cookie, u8 state,
					   struct inet_diag_msg **rp)
{
	struct inet_timewait_sock standin;
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;
	struct sock *sk;
	u64 c;

	nlh = xtcp_diag_msg_put(skb, cb, nlmsg_flags, &r);
	if (!nlh)
		return NULL;
	sk = xtcp_diag_standin(&standin, e, dif, cookie);
	inet_diag_msg_common_fill(r, sk);
	c = xtcp_diag_keep_cookie(cookie, sk);
	r->id.idiag_cookie[0] = (u32)c;
	r->id.idiag_cookie[1] = (u32)(c >> 32);
	r->idiag_state = state;
	*rp = r;
	return nlh;
}

/* A SYN_RECV entry, as /proc/net/xtcp shows it (get_openreq4()). */
static int xtcp_diag_fill_req(struct xtcp_request *req, struct sk_buff *skb,
			      struct netlink_callback *cb, u16 nlmsg_flags)
{
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;

	nlh = xtcp_diag_fill_ent(skb, cb, nlmsg_flags, &req->ent,
				 xtcp_diag_req_dif(req), &req->cookie,
				 TCP_SYN_RECV, &r);
	if (!nlh)
		return -EMSGSIZE;
	r->idiag_timer = 1;
	r->idiag_retrans = READ_ONCE(req->num_timeout);
	r->idiag_expires = jiffies_delta_to_msecs(READ_ONCE(req->timer.expires) -
						  jiffies);
	r->idiag_uid = from_kuid_munged(sk_user_ns(NETLINK_CB(cb->skb).sk),
					xtcp_sk_uid(req->listener));
	nlmsg_end(skb, nlh);
	return 0;
}

/* A TIME_WAIT entry, as /proc/net/xtcp shows it: no queues, uid, inode. */
static int xtcp_diag_fill_tw(struct xtcp_tw *tw, struct sk_buff *skb,
			     struct netlink_callback *cb, u16 nlmsg_flags)
{
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;

	nlh = xtcp_diag_fill_ent(skb, cb, nlmsg_flags, &tw->ent, tw->dif,
				 &tw->cookie, TCP_TIME_WAIT, &r);
	if (!nlh)
		return -EMSGSIZE;
	r->idiag_timer = 3;
	r->idiag_expires = jiffies_delta_to_msecs(xtcp_tw_expires_in(tw));
	nlmsg_end(skb, nlh);
	return 0;
}

static int xtcp_diag_fill(struct xtcp_diag_item *it, struct sk_buff *skb,
			  struct netlink_callback *cb,
			  const struct inet_diag_req_v2 *req,
			  u16 nlmsg_flags, bool net_admin)
{
	if (it->kind == XTCP_ENT_SOCK)
		return xtcp_diag_fill_sock(it->sk, skb, cb, req, nlmsg_flags,
					   net_admin);
	if (it->kind == XTCP_ENT_REQ)
		return xtcp_diag_fill_req(it->req, skb, cb, nlmsg_flags);
	return xtcp_diag_fill_tw(it->tw, skb, cb, nlmsg_flags);
}

/* Can table @table hold an entry request @r asks for? */
static bool xtcp_diag_table_wanted(enum xtcp_diag_table table,
				   const struct inet_diag_req_v2 *r)
{
	if (table == XTCP_DIAG_LISTEN)	/* listeners have no peer port */
		return (r->idiag_states & TCPF_LISTEN) && !r->id.idiag_dport;
	return r->idiag_states & ~TCPF_LISTEN;
}

/* inet_diag_handler.dump: entries of the caller's namespace, resumable. */
static void xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct inet_diag_req_v2 *r)
{
	struct xtcp_hashinfo *h = &xtcp_pernet(sock_net(skb->sk))->hash;
	bool net_admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN);
	struct inet_diag_dump_data *cb_data = cb->data;
	const struct nlattr *bc = cb_data->inet_diag_nla_bc;
	struct xtcp_diag_item items[XTCP_DIAG_BATCH];
	int i, count, nbuckets;
	bool full = false;

	for (; cb->args[0] < XTCP_DIAG_DONE;
	     cb->args[0]++, cb->args[1] = 0, cb->args[2] = 0) {
		if (!xtcp_diag_table_wanted(cb->args[0], r))
			continue;
		nbuckets = cb->args[0] == XTCP_DIAG_LISTEN ?
			   ARRAY_SIZE(h->lhash) : 1 << XTCP_EHASH_BITS;
		for (; cb->args[1] < nbuckets; cb->args[1]++, cb->args[2] = 0) {
			do {
				count = xtcp_diag_walk(h, cb->args[0],
						       cb->args[1], cb->args[2],
						       r, bc, items);
				for (i = 0; i < count; i++) {
					if (!full &&
					    xtcp_diag_fill(&items[i], skb, cb, r,
							   NLM_F_MULTI,
							   net_admin) < 0) {
						full = true;
						cb->args[2] = items[i].num;
					}
					xtcp_diag_release(&items[i]);
				}
				if (full)
					return;
				if (count)
					cb->args[2] = items[count - 1].num + 1;
				cond_resched();
			} while (count == XTCP_DIAG_BATCH);
		}
	}
}

/*
 * The 4-tuple of an exact request into @key: IPv4, IPv6, or IPv4 given as
 * v4-mapped IPv6 addresses (as inet_diag_find_one_icsk() looks them up).
 * Return: 0, or -EINVAL when the family is not an inet one.
 */
static int xtcp_diag_req_key(const struct inet_diag_req_v2 *req,
			     struct xtcp_ent *key)
{
	const struct in6_addr *src = (const struct in6_addr *)req->id.idiag_src;
	const struct in6_addr *dst = (const struct in6_addr *)req->id.idiag_dst;
	__be16 sport = req->id.idiag_sport, dport = req->id.idiag_dport;

	if (req->sdiag_family == AF_INET)
		xtcp_ent_set4(key, req->id.idiag_src[0], sport,
			      req->id.idiag_dst[0], dport);
	else if (req->sdiag_family != AF_INET6)
		return -EINVAL;
	else if (ipv6_addr_v4mapped(src) && ipv6_addr_v4mapped(dst))
		xtcp_ent_set4(key, src->s6_addr32[3], sport, dst->s6_addr32[3],
			      dport);
	else
		xtcp_ent_set6(key, src, sport, dst, dport);
	return 0;
}

/*
 * The entry of an exact request (a connection's 4-tuple, else a listener
 * of the local address and port) with a reference in @it, if its cookie
 * matches (INET_DIAG_NOCOOKIE matches any).
 * Return: 0, -ENOENT, or -EINVAL (not an inet family).
 */
static int xtcp_diag_find(struct net *net, const struct inet_diag_req_v2 *req,
			  struct xtcp_diag_item *it)
{
	struct inet_timewait_sock standin;
	struct sock *sk = NULL;
	atomic64_t *cookie;
	struct xtcp_ent *e, key;
	int err;

	err = xtcp_diag_req_key(req, &key);
	if (err)
		return err;
	rcu_read_lock();
	e = xtcp_ehash_lookup(net, &key);
	if (!e)
		sk = xtcp_lookup_listener(net, &key, req->id.idiag_if);
	rcu_read_unlock();

	if (!e && !sk)
		return -ENOENT;
	it->kind = e ? e->kind : XTCP_ENT_SOCK;
	if (it->kind == XTCP_ENT_SOCK) {
		it->sk = e ? &xtcp_ent_sock(e)->inet.sk : sk;
		err = sock_diag_check_cookie(it->sk, req->id.idiag_cookie);
	} else {
		if (it->kind == XTCP_ENT_REQ) {
			it->req = xtcp_ent_req(e);
			cookie = &it->req->cookie;
			sk = xtcp_diag_standin(&standin, e,
					       xtcp_diag_req_dif(it->req), cookie);
		} else {
			it->tw = xtcp_ent_tw(e);
			cookie = &it->tw->cookie;
			sk = xtcp_diag_standin(&standin, e, it->tw->dif, cookie);
		}
		err = sock_diag_check_cookie(sk, req->id.idiag_cookie);
		xtcp_diag_keep_cookie(cookie, sk);
	}
	if (err) {
		xtcp_diag_release(it);
		return -ENOENT;
	}
	return 0;
}

/* Room for one entry's message with every attribute XTCP puts. */
static size_t xtcp_diag_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct inet_diag_msg))
		+ inet_diag_msg_attrs_size()
		+ nla_total_size(sizeof(struct inet_diag_meminfo))
		+ nla_total_size(SK_MEMINFO_VARS * sizeof(u32))
		+ nla_total_size(XTCP_CA_NAME_MAX)
		+ nla_total_size_64bit(sizeof(struct tcp_info))
		+ 64;
}

/* inet_diag_handler.dump_one: the one entry a request names exactly. */
static int xtcp_diag_dump_one(struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	bool net_admin = netlink_net_capable(in_skb, CAP_NET_ADMIN);
	struct net *net = sock_net(in_skb->sk);
	struct xtcp_diag_item it;
	struct sk_buff *rep;
	int err;

	err = xtcp_diag_find(net, req, &it);
	if (err)
		return err;
	rep = nlmsg_new(xtcp_diag_msg_size(), GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	err = xtcp_diag_fill(&it, rep, cb, req, 0, net_admin);
	if (err < 0) {
		WARN_ON_ONCE(err == -EMSGSIZE);	/* xtcp_diag_msg_size() too small */
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	xtcp_diag_release(&it);
	return err;
}

/*
 * inet_diag_handler.idiag_get_info, as tcp_diag's: queues, and tcp_info
 * when @info is given. Context: process context (takes the socket lock).
 */
static void xtcp_diag_get_info(struct sock *sk, struct inet_diag_msg *r,
			       void *info)
{
	xtcp_sock_queues(sk, inet_sk_state_load(sk), &r->idiag_rqueue,
			 &r->idiag_wqueue);
	if (info)
		xtcp_get_info(sk, info);
}

static struct inet_diag_handler xtcp_diag_handler __ro_after_init = {
	XTCP_DIAG_OWNER
	.dump		 = xtcp_diag_dump,
	.dump_one	 = xtcp_diag_dump_one,
	.idiag_get_info	 = xtcp_diag_get_info,
	.idiag_info_size = sizeof(struct tcp_info),
};

/**
 * xtcp_diag_init() - register the sock_diag handler for xtcp_ipproto
 *
 * Context: process context, module init.
 * Return: 0, or a negative errno (-EEXIST: another module holds the
 * protocol number's handler).
 */
int xtcp_diag_init(void)
{
	int err;

	/* inet_diag's table has IPPROTO_MAX slots (263 in 6.1 ... 6.12) */
	BUILD_BUG_ON(IPPROTO_MAX <= 254);
	xtcp_diag_handler.idiag_type = xtcp_ipproto;
	err = inet_diag_register(&xtcp_diag_handler);
	if (err)
		pr_err("sock_diag handler for IP protocol %d: error %d\n",
		       xtcp_ipproto, err);
	return err;
}

/**
 * xtcp_diag_exit() - unregister the sock_diag handler
 *
 * Context: process context, module exit; no dump runs afterwards.
 */
void xtcp_diag_exit(void)
{
	inet_diag_unregister(&xtcp_diag_handler);
}
