// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6 (Linux's tcp_ipv6.c). The same segments as over IPv4,
 * TCP segments byte for byte, with next header 253 (the ipproto module
 * parameter) in the IPv6 header and the checksum over the IPv6
 * pseudo-header with next header 6 (RFC 8200 8.1), as TCP's. The state
 * machine is the IPv4 one: what differs goes through xtcp_ipv6_af_ops
 * (queue_xmit, send_check, header length, the segments sent without a
 * full socket, routes for requests and children); segments and ICMPv6
 * errors are dispatched with the IPv4 code (xtcp_rcv_dispatch(),
 * xtcp_err_dispatch()) over the shared tables, keyed by IPv6 addresses.
 *
 * A socket is AF_XTCP at the socket layer and chooses its network layer
 * at bind() or connect(): a sockaddr_in6 with a native IPv6 address or
 * "::" makes its sock AF_INET6 (sk_family, sk_v6_*, the ipv6_pinfo every
 * xtcp_sock carries), an IPv4 or IPv4-mapped one keeps it AF_INET. An
 * AF_INET6 socket bound to "::" without IPV6_V6ONLY (default
 * net.ipv6.bindv6only) also gets IPv4 segments: its listener accepts IPv4
 * peers as AF_INET children that report v4-mapped addresses, and it
 * connects to a v4-mapped address as an AF_INET socket.
 *
 * IPv6 is Debian's built-in (CONFIG_IPV6=y on 6.1 and 6.12): the module
 * links against it. With ipv6.disable=1 the module still loads, registers
 * no IPv6 protocol, and native IPv6 addresses fail with EAFNOSUPPORT as
 * before (xtcp_ipv6_ready()).
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/icmpv6.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/inet_ecn.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/transp_v6.h>

#if !IS_ENABLED(CONFIG_IPV6)
#error "XTCP needs a kernel with IPv6 (CONFIG_IPV6=y or m)"
#endif

static bool xtcp_ipv6_registered;

/**
 * xtcp_ipv6_ready() - is XTCP over IPv6 available?
 *
 * Return: false when IPv6 is administratively disabled (ipv6.disable=1):
 * native IPv6 addresses then fail with EAFNOSUPPORT.
 */
bool xtcp_ipv6_ready(void)
{
	return READ_ONCE(xtcp_ipv6_registered);
}

/**
 * xtcp_v6_sock_init() - the IPv6 part of a new socket, as inet6_create()
 * @sk: a socket being created (still AF_INET)
 *
 * Context: process context.
 */
void xtcp_v6_sock_init(struct sock *sk)
{
	struct ipv6_pinfo *np = &xtcp_sk(sk)->inet6;

	inet_sk(sk)->pinet6 = np;
	np->hop_limit = -1;
	np->mcast_hops = IPV6_DEFAULT_MCASTHOPS;
	np->pmtudisc = IPV6_PMTUDISC_WANT;
	sk->sk_ipv6only = READ_ONCE(sock_net(sk)->ipv6.sysctl.bindv6only);
}

/**
 * xtcp_v6_child_init() - give a clone of a listener its own IPv6 part
 * @child: the clone (its pinet6 still points into the listener)
 * @family: the family of the request it is made for
 *
 * Keeps the listener's settings (hop limit, traffic class, V6ONLY),
 * drops every pointer the listener's part holds, as tcp_v6_syn_recv_sock().
 * Context: softirq, @child bh-locked.
 */
void xtcp_v6_child_init(struct sock *child, int family)
{
	struct ipv6_pinfo *np = &xtcp_sk(child)->inet6;

	inet_sk(child)->pinet6 = np;
	RCU_INIT_POINTER(np->opt, NULL);
	np->ipv6_mc_list = NULL;
	np->ipv6_ac_list = NULL;
	np->pktoptions = NULL;
	np->rxpmtu = NULL;
	np->daddr_cache = NULL;
	np->dst_cookie = 0;
	if (family != AF_INET6)
		np->saddr = in6addr_any;
}

/*
 * Route and wrap in an IPv6 header a segment that has no full socket.
 * @skb holds the TCP header at skb->data with its checksum set; @lsk (an
 * IPv6 listener, or NULL) lends its routing keys, mark and priority.
 * Context: softirq or process context. Consumes @skb.
 * Return: 0 or a negative errno.
 */
static int xtcp_v6_xmit_ctl(struct net *net, const struct sock *lsk,
			    struct sk_buff *skb, const struct in6_addr *saddr,
			    const struct in6_addr *daddr, int oif, u8 tclass)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct flowi6 fl6;
	int err;

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = *daddr;
	fl6.saddr = *saddr;
	fl6.flowi6_proto = xtcp_ipproto;
	fl6.flowi6_oif = oif;
	fl6.fl6_dport = th->dest;
	fl6.fl6_sport = th->source;
	if (lsk)
		fl6.flowi6_mark = READ_ONCE(lsk->sk_mark);
	dst = ip6_dst_lookup_flow(net, lsk, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	skb_dst_set(skb, dst);
	if (lsk) {
		skb->priority = READ_ONCE(lsk->sk_priority);
		skb->mark = READ_ONCE(lsk->sk_mark);
	}

	skb_reset_transport_header(skb);
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, tclass, 0);
	ip6h->nexthdr = xtcp_ipproto;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	skb->protocol = htons(ETH_P_IPV6);
	skb->ip_summed = CHECKSUM_NONE;

	xtcp_inc_stats(net, XTCP_MIB_OUTSEGS);
	/* ip6_local_out() sets payload_len */
	err = ip6_local_out(net, NULL, skb);
	return net_xmit_eval(err);
}

/* full checksum of a control segment (IPv6 pseudo-header, next header 6) */
static void xtcp_v6_ctl_csum(struct sk_buff *skb, const struct in6_addr *saddr,
			     const struct in6_addr *daddr)
{
	struct tcphdr *th = (struct tcphdr *)skb->data;

	th->check = csum_ipv6_magic(saddr, daddr, skb->len, IPPROTO_TCP,
				    csum_partial(th, skb->len, 0));
}

/* the interface a reply to @peer must leave by: link-local needs one */
static int xtcp_v6_oif(const struct in6_addr *peer, int bound, int iif)
{
	if (bound)
		return bound;
	return ipv6_addr_type(peer) & IPV6_ADDR_LINKLOCAL ? iif : 0;
}

/* RST to an IPv6 segment that has no connection. Context: softirq. */
static void xtcp_v6_send_reset(struct net *net, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct sk_buff *nskb;

	if (ipv6_addr_is_multicast(&ip6h->daddr))
		return;		/* never answer multicast */
	nskb = xtcp_build_reset(skb);
	if (!nskb)
		return;
	xtcp_v6_ctl_csum(nskb, &ip6h->daddr, &ip6h->saddr);
	trace_xtcp_send_reset(NULL, skb);
	xtcp_inc_stats(net, XTCP_MIB_OUTRSTS);
	xtcp_v6_xmit_ctl(net, NULL, nskb, &ip6h->daddr, &ip6h->saddr,
			 xtcp_v6_oif(&ip6h->saddr, 0, XTCP_SKB_CB(skb)->iif), 0);
}

/* The ACK of an IPv6 TIME_WAIT entry. Context: softirq. */
static void xtcp_v6_send_tw_ack(struct xtcp_tw *tw)
{
	struct sk_buff *skb = xtcp_build_tw_ack(tw);

	if (!skb)
		return;
	xtcp_v6_ctl_csum(skb, &tw->ent.laddr6, &tw->ent.raddr6);
	xtcp_v6_xmit_ctl(read_pnet(&tw->net), NULL, skb, &tw->ent.laddr6,
			 &tw->ent.raddr6, tw->dif, 0);
}

/* The SYN-ACK of an IPv6 request. Context: softirq. */
static int xtcp_v6_send_synack(struct xtcp_request *req, u32 cookie_iss)
{
	struct sock *lsk = req->listener;
	struct sk_buff *skb = xtcp_build_synack(req, cookie_iss);

	if (!skb)
		return -ENOMEM;
	xtcp_v6_ctl_csum(skb, &req->ent.laddr6, &req->ent.raddr6);
	return xtcp_v6_xmit_ctl(sock_net(lsk), lsk, skb, &req->ent.laddr6,
				&req->ent.raddr6,
				xtcp_v6_oif(&req->ent.raddr6,
					    READ_ONCE(lsk->sk_bound_dev_if),
					    req->iif),
				READ_ONCE(xtcp_sk(lsk)->inet6.tclass));
}

/* Route MTU toward the peer of an IPv6 request. Context: softirq. */
static u32 xtcp_v6_route_mtu(struct sock *lsk, struct xtcp_request *req)
{
	struct dst_entry *dst;
	struct flowi6 fl6;
	u32 mtu;

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = req->ent.raddr6;
	fl6.saddr = req->ent.laddr6;
	fl6.flowi6_proto = xtcp_ipproto;
	fl6.flowi6_oif = xtcp_v6_oif(&req->ent.raddr6, lsk->sk_bound_dev_if,
				     req->iif);
	fl6.flowi6_mark = READ_ONCE(lsk->sk_mark);
	fl6.fl6_dport = req->ent.rport;
	fl6.fl6_sport = req->ent.lport;
	dst = ip6_dst_lookup_flow(sock_net(lsk), lsk, &fl6, NULL);
	if (IS_ERR(dst))
		return 0;
	mtu = dst_mtu(dst);
	dst_release(dst);
	return mtu;
}

/* the IPv4 fields of an IPv6 socket: never matched by IPv4 (as Linux's) */
static void xtcp_v6_set_v4_fields(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	bool any = ipv6_addr_any(&sk->sk_v6_rcv_saddr);

	inet->inet_rcv_saddr = any ? 0 : LOOPBACK4_IPV6;
	inet->inet_saddr = inet->inet_rcv_saddr;
	inet->inet_daddr = ipv6_addr_any(&sk->sk_v6_daddr) ? 0 : LOOPBACK4_IPV6;
}

/* The flow of @sk's connection to port @dport (sk_v6_daddr set). */
static void xtcp_v6_sk_flow(struct flowi6 *fl6, struct sock *sk, __be16 dport)
{
	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = sk->sk_protocol;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = inet6_sk(sk)->saddr;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = sk->sk_mark;
	fl6->fl6_dport = dport;
	fl6->fl6_sport = inet_sk(sk)->inet_sport;
	fl6->flowi6_uid = xtcp_sk_uid(sk);
}

/*
 * An IPv6 child: its addresses (a link-local peer binds it to the arrival
 * interface, as Linux) and its route. Context: softirq, @child bh-locked.
 */
static int xtcp_v6_child_route(struct sock *child, struct xtcp_request *req)
{
	struct ipv6_pinfo *np = inet6_sk(child);
	struct inet_sock *inet = inet_sk(child);
	struct dst_entry *dst;
	struct flowi6 fl6;

	child->sk_family = AF_INET6;
	xtcp_sk(child)->af_ops = &xtcp_ipv6_af_ops;
	child->sk_v6_daddr = req->ent.raddr6;
	child->sk_v6_rcv_saddr = req->ent.laddr6;
	np->saddr = req->ent.laddr6;
	xtcp_v6_set_v4_fields(child);
	inet->inet_dport = req->ent.rport;
	inet->inet_sport = req->ent.lport;
	if (!child->sk_bound_dev_if &&
	    (ipv6_addr_type(&child->sk_v6_daddr) & IPV6_ADDR_LINKLOCAL))
		child->sk_bound_dev_if = req->iif;

	xtcp_v6_sk_flow(&fl6, child, inet->inet_dport);
	dst = ip6_dst_lookup_flow(sock_net(child), child, &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	xtcp_ip6_dst_store(child, dst);
	return 0;
}

/* inet6_csk_xmit() routes from sk_v6_daddr and np->saddr (cached dst) */
static int xtcp_v6_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return inet6_csk_xmit(sk, skb, NULL);
}

/* IPv6 pseudo-header (next header 6) for CHECKSUM_PARTIAL, as
 * __tcp_v6_send_check()
 */
static void xtcp_v6_send_check(struct sock *sk, struct sk_buff *skb)
{
	tcp_hdr(skb)->check = ~csum_ipv6_magic(&inet6_sk(sk)->saddr,
					       &sk->sk_v6_daddr, skb->len,
					       IPPROTO_TCP, 0);
}

/* XTCP over IPv6: see struct xtcp_af_ops */
const struct xtcp_af_ops xtcp_ipv6_af_ops = {
	.family		= AF_INET6,
	.net_header_len	= sizeof(struct ipv6hdr),
	.queue_xmit	= xtcp_v6_queue_xmit,
	.send_check	= xtcp_v6_send_check,
	.send_reset	= xtcp_v6_send_reset,
	.send_tw_ack	= xtcp_v6_send_tw_ack,
	.send_synack	= xtcp_v6_send_synack,
	.route_mtu	= xtcp_v6_route_mtu,
	.update_pmtu	= inet6_csk_update_pmtu,
	.child_route	= xtcp_v6_child_route,
};

/* Context: softirq (IPv6 local delivery), RCU read lock held. */
static int xtcp_v6_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct tcphdr *th;
	struct xtcp_ent key;
	int iif;

	/* v4-mapped addresses never travel as IPv6 (connection entries of
	 * IPv4 are keyed by them), as tcp_v6_rcv() drops them
	 */
	if (skb->pkt_type != PACKET_HOST ||
	    ipv6_addr_v4mapped(&ip6h->saddr) || ipv6_addr_v4mapped(&ip6h->daddr))
		goto drop;
	iif = inet6_iif(skb);		/* IP6CB: read before our cb */
	if (!xtcp_rcv_hdr_ok(net, skb, iif))
		goto drop;
	th = tcp_hdr(skb);
	ip6h = ipv6_hdr(skb);
	xtcp_ent_set6(&key, &ip6h->daddr, th->dest, &ip6h->saddr, th->source);
	xtcp_rcv_dispatch(net, skb, &key, iif);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

/*
 * ICMPv6 error about a segment we sent, as tcp_v6_err(): errors mapped by
 * icmpv6_err_convert() (a peer without XTCP answers "unrecognized next
 * header", EPROTO, as Linux's TCP reports it). Packet Too Big lowers the
 * path MTU, never below IPv6's 1280 (RFC 8201, xtcp_mtu_dispatch()).
 * Context: softirq, RCU read lock held.
 */
static int xtcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		       u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + offset);
	struct xtcp_ent key;
	bool fatal;
	int err;

	xtcp_ent_set6(&key, &hdr->saddr, th->source, &hdr->daddr, th->dest);
	if (type == ICMPV6_PKT_TOOBIG) {
		if (ntohl(info) < IPV6_MIN_MTU)
			return 0;
		return xtcp_mtu_dispatch(dev_net(skb->dev), &key,
					 ntohl(th->seq), ntohl(info));
	}
	fatal = icmpv6_err_convert(type, code, &err);
	return xtcp_err_dispatch(dev_net(skb->dev), &key, ntohl(th->seq), err,
				 fatal);
}

static const struct inet6_protocol xtcp_v6_protocol = {
	.handler	= xtcp_v6_rcv,
	.err_handler	= xtcp_v6_err,
	.flags		= INET6_PROTO_NOPOLICY | INET6_PROTO_FINAL,
};

/**
 * xtcp_v6_bind() - bind() to a native IPv6 address or "::"
 * @sk: the socket (AF_INET until now, or AF_INET6 unbound)
 * @addr: the address
 * @addr_len: its length (scope id only when a full sockaddr_in6)
 *
 * As Linux's __inet6_bind(): a link-local address needs a scope id or a
 * bound device; a local address (or IPV6_FREEBIND/IP_TRANSPARENT); a
 * specific address makes the socket IPv6-only; "::" without IPV6_V6ONLY
 * holds the port for IPv4 too.
 * Context: process context; takes the socket lock.
 * Return: 0 or -EINVAL, -ENODEV, -EADDRNOTAVAIL, -EACCES, -EADDRINUSE.
 */
int xtcp_v6_bind(struct sock *sk, const struct sockaddr_in6 *addr,
		 int addr_len)
{
	int addr_type = ipv6_addr_type(&addr->sin6_addr);
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct net *net = sock_net(sk);
	u16 snum = ntohs(addr->sin6_port);
	int err, old_family, old_dif;
	bool old_v6only;

	if (addr_type & IPV6_ADDR_MULTICAST)
		return -EINVAL;
	if (snum && inet_port_requires_bind_service(net, snum) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || xs->bound)
		goto out;
	old_dif = sk->sk_bound_dev_if;
	if (addr_type != IPV6_ADDR_ANY) {
		struct net_device *dev = NULL;

		if (addr_type & IPV6_ADDR_LINKLOCAL) {
			if (addr_len >= (int)sizeof(struct sockaddr_in6) &&
			    addr->sin6_scope_id) {
				if (sk->sk_bound_dev_if &&
				    sk->sk_bound_dev_if != addr->sin6_scope_id)
					goto out;
				sk->sk_bound_dev_if = addr->sin6_scope_id;
			}
			if (!sk->sk_bound_dev_if)
				goto out;
		}
		rcu_read_lock();
		if (sk->sk_bound_dev_if) {
			dev = dev_get_by_index_rcu(net, sk->sk_bound_dev_if);
			if (!dev) {
				rcu_read_unlock();
				err = -ENODEV;
				goto restore_dif;
			}
		}
		if (!ipv6_can_nonlocal_bind(net, inet) &&
		    !ipv6_chk_addr(net, &addr->sin6_addr, dev, 0)) {
			rcu_read_unlock();
			err = -EADDRNOTAVAIL;
			goto restore_dif;
		}
		rcu_read_unlock();
	}

	old_family = sk->sk_family;
	old_v6only = sk->sk_ipv6only;
	sk->sk_family = AF_INET6;
	xs->af_ops = &xtcp_ipv6_af_ops;
	sk->sk_v6_rcv_saddr = addr->sin6_addr;
	np->saddr = addr->sin6_addr;
	sk->sk_v6_daddr = in6addr_any;
	xtcp_v6_set_v4_fields(sk);
	if (addr_type != IPV6_ADDR_ANY)
		sk->sk_ipv6only = 1;
	err = xtcp_hash_bind(sk, snum);
	if (err) {
		sk->sk_ipv6only = old_v6only;
		sk->sk_v6_rcv_saddr = in6addr_any;
		np->saddr = in6addr_any;
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		sk->sk_family = old_family;
		xs->af_ops = xtcp_af_ops_of(old_family);
		goto restore_dif;
	}
	if (addr_type != IPV6_ADDR_ANY)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
	goto out;

restore_dif:
	sk->sk_bound_dev_if = old_dif;
out:
	release_sock(sk);
	return err;
}

/**
 * xtcp_v6_connect() - active open to a native IPv6 address
 * @sk: unconnected socket, AF_INET unbound or AF_INET6
 * @usin: the destination ("::" means ::1, as Linux)
 * @addr_len: its length (scope id only when a full sockaddr_in6)
 *
 * As Linux's tcp_v6_connect(): route, source address, 4-tuple, then the
 * family-independent xtcp_connect_init().
 * Context: process context, socket lock held.
 * Return: 0 (the SYN is out, the socket in SYN_SENT) or a negative errno:
 * -ENETUNREACH (multicast, no route), -EINVAL (link-local without scope),
 * the port allocation's (-EADDRNOTAVAIL).
 */
int xtcp_v6_connect(struct sock *sk, const struct sockaddr_in6 *usin,
		    int addr_len)
{
	struct in6_addr daddr = usin->sin6_addr;
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct ipv6_pinfo *np = inet6_sk(sk);
	int old_family = sk->sk_family;
	int old_dif = sk->sk_bound_dev_if;
	struct dst_entry *dst;
	struct flowi6 fl6;
	__be32 flowlabel = 0;
	u32 tw_isn = 0;
	int addr_type, err;

	sock_owned_by_me(sk);
	/* IPV6_FLOWINFO_SEND: the label of sin6_flowinfo, as tcp_v6_connect() */
	if (xtcp_v6_sndflow(sk)) {
		flowlabel = usin->sin6_flowinfo & IPV6_FLOWINFO_MASK;
		IP6_ECN_flow_init(flowlabel);
		if (flowlabel & IPV6_FLOWLABEL_MASK) {
			struct ip6_flowlabel *fl = fl6_sock_lookup(sk, flowlabel);

			if (IS_ERR(fl))
				return -EINVAL;	/* another socket's exclusive label */
			fl6_sock_release(fl);
		}
	}
	if (ipv6_addr_any(&daddr))
		daddr = in6addr_loopback;
	addr_type = ipv6_addr_type(&daddr);
	if (addr_type & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	if (addr_type & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= (int)sizeof(struct sockaddr_in6) &&
		    usin->sin6_scope_id) {
			if (sk->sk_bound_dev_if &&
			    sk->sk_bound_dev_if != usin->sin6_scope_id)
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	sk->sk_family = AF_INET6;
	xs->af_ops = &xtcp_ipv6_af_ops;
	sk->sk_v6_daddr = daddr;

	xtcp_v6_sk_flow(&fl6, sk, usin->sin6_port);
	fl6.flowlabel = flowlabel;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(&fl6));
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto failure;
	}
	if (ipv6_addr_any(&np->saddr)) {
		np->saddr = fl6.saddr;
		sk->sk_v6_rcv_saddr = fl6.saddr;
	}
	xtcp_v6_set_v4_fields(sk);
	xtcp_ip6_dst_store(sk, dst);
	np->flow_label = flowlabel;	/* inet6_csk_xmit() sends it */
	inet->inet_dport = usin->sin6_port;
	xtcp_set_state(sk, TCP_SYN_SENT);

	err = xtcp_hash_connect(sk, &tw_isn);
	if (err)
		goto failure;
	err = xtcp_connect_init(sk, tw_isn);
	if (err)
		goto failure;
	return 0;

failure:
	xtcp_set_state(sk, TCP_CLOSE);
	sk->sk_route_caps = 0;
	sk_dst_reset(sk);
	inet->inet_dport = 0;
	sk->sk_v6_daddr = in6addr_any;
	np->flow_label = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		np->saddr = in6addr_any;
		sk->sk_v6_rcv_saddr = in6addr_any;
	}
	xtcp_v6_set_v4_fields(sk);
	if (!xs->bound) {
		sk->sk_family = old_family;
		xs->af_ops = xtcp_af_ops_of(old_family);
		sk->sk_bound_dev_if = old_dif;
	}
	return err;
}

/**
 * xtcp_v6_disconnect() - forget the peer of an IPv6 socket
 * @sk: the socket (connect(AF_UNSPEC), a failed or aborted connection)
 *
 * Keeps a bound local address (SOCK_BINDADDR_LOCK) and the family.
 * Context: socket lock held.
 */
void xtcp_v6_disconnect(struct sock *sk)
{
	sk->sk_v6_daddr = in6addr_any;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet6_sk(sk)->saddr = in6addr_any;
		sk->sk_v6_rcv_saddr = in6addr_any;
	}
	xtcp_v6_set_v4_fields(sk);
}

/**
 * xtcp_v6_getname() - getsockname()/getpeername() of an IPv6 socket
 * @sk: the socket (AF_INET6)
 * @sin6: filled in
 * @peer: the peer's address rather than ours
 *
 * As inet6_getname(): the source address chosen by the route when bound
 * to "::", the scope id of a link-local address, no flow information.
 * Context: socket lock held.
 * Return: sizeof(struct sockaddr_in6).
 */
int xtcp_v6_getname(struct sock *sk, struct sockaddr_in6 *sin6, int peer)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	if (peer) {
		sin6->sin6_port = inet->inet_dport;
		sin6->sin6_addr = sk->sk_v6_daddr;
	} else {
		sin6->sin6_port = inet->inet_sport;
		sin6->sin6_addr = ipv6_addr_any(&sk->sk_v6_rcv_saddr) ?
				  inet6_sk(sk)->saddr : sk->sk_v6_rcv_saddr;
	}
	sin6->sin6_scope_id = ipv6_iface_scope_id(&sin6->sin6_addr,
						  sk->sk_bound_dev_if);
	return sizeof(*sin6);
}

/**
 * xtcp_v6_setsockopt() - SOL_IPV6 options (an allowlist)
 * @sk: the socket, of either family (the family is chosen later, so
 *	IPV6_V6ONLY must be settable before bind())
 * @optname: IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_TCLASS or
 *	IPV6_FLOWINFO_SEND
 * @optval: an int
 * @optlen: its length
 *
 * Linux's bounds and errno values (do_ipv6_setsockopt()); every other
 * SOL_IPV6 option (the flow label manager IPV6_FLOWLABEL_MGR and
 * IPV6_AUTOFLOWLABEL among them) fails with ENOPROTOOPT.
 * Context: process context; takes the socket lock.
 * Return: 0, -EINVAL, -EFAULT or -ENOPROTOOPT.
 */
int xtcp_v6_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen)
{
	struct ipv6_pinfo *np = &xtcp_sk(sk)->inet6;
	int val, err = 0;

	if (optname != IPV6_V6ONLY && optname != IPV6_UNICAST_HOPS &&
	    optname != IPV6_TCLASS && optname != IPV6_FLOWINFO_SEND)
		return -ENOPROTOOPT;
	err = xtcp_sockopt_int(optval, optlen, &val);
	if (err)
		return err;

	lock_sock(sk);
	switch (optname) {
	case IPV6_V6ONLY:
		if (inet_sk(sk)->inet_num)
			err = -EINVAL;	/* bound already */
		else
			sk->sk_ipv6only = !!val;
		break;
	case IPV6_UNICAST_HOPS:
		if (val > 255 || val < -1)
			err = -EINVAL;
		else
			np->hop_limit = val;
		break;
	case IPV6_FLOWINFO_SEND:
		xtcp_v6_set_sndflow(sk, val);
		break;
	case IPV6_TCLASS:
		if (val < -1 || val > 0xff) {
			err = -EINVAL;
			break;
		}
		/* RFC 3542 6.5: -1 is the default 0; a stream keeps its ECN */
		val = (val == -1 ? 0 : val) & ~INET_ECN_MASK;
		val |= np->tclass & INET_ECN_MASK;
		if (np->tclass != val) {
			np->tclass = val;
			sk_dst_reset(sk);
		}
		break;
	}
	release_sock(sk);
	return err;
}

/**
 * xtcp_v6_getsockopt() - SOL_IPV6 options (the same allowlist)
 * @sk: the socket
 * @optname: IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_TCLASS or
 *	IPV6_FLOWINFO_SEND
 * @optval: user buffer
 * @optlen: user buffer length, updated
 *
 * IPV6_UNICAST_HOPS reads the route's hop limit while the socket's is -1,
 * as Linux.
 * Context: process context; takes the socket lock.
 * Return: 0, -EINVAL, -EFAULT or -ENOPROTOOPT.
 */
int xtcp_v6_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen)
{
	const struct ipv6_pinfo *np = &xtcp_sk(sk)->inet6;
	struct dst_entry *dst;
	int val, len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname != IPV6_V6ONLY && optname != IPV6_UNICAST_HOPS &&
	    optname != IPV6_TCLASS && optname != IPV6_FLOWINFO_SEND)
		return -ENOPROTOOPT;
	lock_sock(sk);		/* 6.1 keeps hop_limit in a bit-field */
	if (optname == IPV6_V6ONLY) {
		val = sk->sk_ipv6only;
	} else if (optname == IPV6_FLOWINFO_SEND) {
		val = xtcp_v6_sndflow(sk);
	} else if (optname == IPV6_TCLASS) {
		val = np->tclass;
	} else {
		val = np->hop_limit;
		dst = __sk_dst_get(sk);
		if (val < 0 && dst)
			val = ip6_dst_hoplimit(dst);
		if (val < 0)
			val = READ_ONCE(sock_net(sk)->ipv6.devconf_all->hop_limit);
	}
	release_sock(sk);
	len = min_t(unsigned int, sizeof(int), len);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/**
 * xtcp_ipv6_init() - claim the next header number for XTCP over IPv6
 *
 * Context: process context, module init.
 * Return: 0 (also when IPv6 is disabled: nothing registered then), or
 * -EBUSY when another module holds the number.
 */
int xtcp_ipv6_init(void)
{
	if (!ipv6_mod_enabled()) {
		pr_info("IPv6 is disabled: XTCP carries IPv4 only\n");
		return 0;
	}
	if (inet6_add_protocol(&xtcp_v6_protocol, xtcp_ipproto) < 0) {
		pr_err("IPv6 next header %d is already registered\n",
		       xtcp_ipproto);
		return -EBUSY;
	}
	WRITE_ONCE(xtcp_ipv6_registered, true);
	return 0;
}

/**
 * xtcp_ipv6_exit() - release the next header number
 *
 * Context: process context, module exit; inet6_del_protocol() waits for
 * handlers in flight.
 */
void xtcp_ipv6_exit(void)
{
	if (!xtcp_ipv6_registered)
		return;
	WRITE_ONCE(xtcp_ipv6_registered, false);
	inet6_del_protocol(&xtcp_v6_protocol, xtcp_ipproto);
}
