// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv4 (Linux's tcp_ipv4.c). The protocol handler for XTCP's IP
 * protocol number validates the header and the checksum (TCP pseudo-header
 * with protocol 6), counts, and dispatches: a connection (ehash: socket,
 * SYN-queue request or TIME_WAIT entry), else a listener, else RST
 * (RFC 9293 3.10.7.1); the ICMP handler. The active open (route, 4-tuple,
 * SYN). Segments without a full socket (RST to a closed port, TIME_WAIT
 * ACK, SYN-ACK of a request) get their IPv4 header and full checksum here
 * and leave through ip_local_out(); sockets send through ip_queue_xmit()
 * (xtcp_output.c calls it through xtcp_ipv4_af_ops). The dispatch of a
 * validated segment and of an ICMP error to the connection, request,
 * TIME_WAIT entry or listener it belongs to is shared with IPv6
 * (xtcp_ipv6.c), as both look up the same tables.
 */
#include "xtcp.h"
#include "xtcp_cookie.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>
#include <net/protocol.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/inet_dscp.h>
#include <net/inet_common.h>
#include <net/icmp.h>
#include <net/ip6_checksum.h>
#include <linux/icmp.h>

/* Sequence numbers of the segment into its control block (replaces IPCB). */
static void xtcp_fill_cb(struct sk_buff *skb, const struct tcphdr *th)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	memset(cb, 0, sizeof(*cb));
	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - th->doff * 4;
	cb->ack_seq = ntohl(th->ack_seq);
	cb->flags = xtcp_flag_byte(th);
}

/**
 * xtcp_rcv_hdr_ok() - validate the TCP header and checksum of a segment
 * @net: namespace it arrived in (counters)
 * @skb: the segment, skb->data at the TCP header
 * @iif: arrival interface, kept in the control block
 *
 * The checksum (the pseudo-header of the segment's IP version, IPv4 or
 * IPv6, taken with protocol 6 as TCP's) is verified unless the device
 * already did
 * (CHECKSUM_UNNECESSARY, or a CHECKSUM_COMPLETE sum that matches). Counts
 * InSegs, and InErrs/InCsumErrors for a bad one; on success fills
 * XTCP_SKB_CB().
 * Context: softirq.
 * Return: true if the segment may be processed; false (not consumed) if
 * it must be dropped.
 */
bool xtcp_rcv_hdr_ok(struct net *net, struct sk_buff *skb, int iif)
{
	bool v6 = skb->protocol == htons(ETH_P_IPV6);
	const struct tcphdr *th;
	__sum16 bad;

	xtcp_inc_stats(net, XTCP_MIB_INSEGS);
	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto bad;
	th = tcp_hdr(skb);
	if (th->doff < sizeof(struct tcphdr) / 4)
		goto bad;
	if (!pskb_may_pull(skb, th->doff * 4))
		goto bad;
	bad = v6 ? skb_checksum_init(skb, IPPROTO_TCP, ip6_compute_pseudo) :
		   skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo);
	if (bad || skb_checksum_complete(skb)) {
		trace_xtcp_bad_csum(skb);
		xtcp_inc_stats(net, XTCP_MIB_INCSUMERRORS);
		goto bad;
	}
	xtcp_fill_cb(skb, tcp_hdr(skb));
	XTCP_SKB_CB(skb)->iif = iif;
	return true;
bad:
	xtcp_inc_stats(net, XTCP_MIB_INERRS);
	return false;
}

/*
 * Hand a segment to a full socket: process it now, or queue it on the
 * backlog while the user holds the socket lock (release_sock() runs it).
 * Context: softirq; reference on @sk held by the caller.
 */
static void xtcp_sock_rcv(struct sock *sk, struct sk_buff *skb)
{
	/* Linux's tcp_add_backlog() limit: the receive queue's memory counts
	 * against it too, so leave room for a full window plus ACKs
	 */
	u32 limit = (READ_ONCE(sk->sk_rcvbuf) << 1) +
		    (READ_ONCE(sk->sk_sndbuf) >> 1) + 64 * 1024;

	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		xtcp_rcv_state_process(sk, skb);
	} else if (sk_add_backlog(sk, skb, limit)) {
		xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPBACKLOGDROP);
		kfree_skb(skb);
	}
	bh_unlock_sock(sk);
}

/**
 * xtcp_rcv_dispatch() - hand a validated segment to what it belongs to
 * @net: namespace it arrived in
 * @skb: the segment (xtcp_rcv_hdr_ok() passed); consumed
 * @key: its 4-tuple seen from here (local = destination) and family
 * @dif: arrival interface index
 *
 * A connection (socket, SYN-queue request or TIME_WAIT entry), else a
 * listener, else RST (RFC 9293 3.10.7.1).
 * Context: softirq (IP local delivery), RCU read lock held.
 */
void xtcp_rcv_dispatch(struct net *net, struct sk_buff *skb,
		       const struct xtcp_ent *key, int dif)
{
	struct xtcp_ent *e;
	struct sock *sk;

	e = xtcp_ehash_lookup(net, key);
	if (e && e->kind == XTCP_ENT_REQ) {
		xtcp_request_rcv(xtcp_ent_req(e), skb);
		xtcp_request_put(xtcp_ent_req(e));
		return;
	}
	if (e && e->kind == XTCP_ENT_TW) {
		enum xtcp_tw_action act = xtcp_tw_rcv(xtcp_ent_tw(e), skb);

		xtcp_tw_put(xtcp_ent_tw(e));
		if (act == XTCP_TW_DONE)
			return;
		e = NULL;	/* a new SYN: on to the listener */
	}
	if (e) {
		sk = &xtcp_ent_sock(e)->inet.sk;
		xtcp_sock_rcv(sk, skb);
		sock_put(sk);
		return;
	}

	sk = xtcp_lookup_listener(net, key, dif);
	if (sk) {
		xtcp_listen_rcv(sk, skb);
		sock_put(sk);
		return;
	}

	xtcp_send_reset_noconn(net, skb);
	consume_skb(skb);
}

/* Context: softirq (IP local delivery), RCU read lock held. */
static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct xtcp_ent key;

	if (skb->pkt_type != PACKET_HOST ||
	    !xtcp_rcv_hdr_ok(net, skb, inet_iif(skb))) {
		kfree_skb(skb);
		return 0;
	}
	th = tcp_hdr(skb);
	iph = ip_hdr(skb);
	xtcp_ent_set4(&key, iph->daddr, th->dest, iph->saddr, th->source);
	xtcp_rcv_dispatch(net, skb, &key, XTCP_SKB_CB(skb)->iif);
	return 0;
}

/*
 * ICMP error about a segment we sent (quoted header in @skb): as Linux's
 * tcp_v4_err(), a destination/protocol/port unreachable or time exceeded
 * ends a connection still in its handshake (connect() then fails with the
 * mapped errno, e.g. ENOPROTOOPT when the peer has no XTCP) and is kept as
 * a soft error on an established one (reported if it then times out), or
 * with IP_RECVERR reported at once through SO_ERROR (RFC 1122 4.2.3.9); a
 * request in SYN_RECV goes on a hard error (xtcp_request_err()).
 * Fragmentation needed lowers the path MTU (RFC 1191, xtcp_mtu_dispatch()).
 * Context: softirq, RCU read lock held.
 */
static int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data +
							   (iph->ihl << 2));
	struct net *net = dev_net(skb->dev);
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	struct xtcp_ent key;
	int err;

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			xtcp_ent_set4(&key, iph->saddr, th->source, iph->daddr,
				      th->dest);
			return xtcp_mtu_dispatch(net, &key, ntohl(th->seq), info);
		}
		if (code > NR_ICMP_UNREACH)
			return 0;
		err = icmp_err_convert[code].errno;
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		break;
	default:
		return 0;
	}

	xtcp_ent_set4(&key, iph->saddr, th->source, iph->daddr, th->dest);
	return xtcp_err_dispatch(net, &key, ntohl(th->seq), err,
				 type == ICMP_PARAMETERPROB ||
				 type == ICMP_TIME_EXCEEDED ||
				 (type == ICMP_DEST_UNREACH &&
				  (code == ICMP_NET_UNREACH ||
				   code == ICMP_HOST_UNREACH)));
}

/*
 * The connection an ICMP error about a segment with 4-tuple @key and
 * sequence number @seq is for, with a reference, as tcp_v4_err() finds
 * it; NULL when the error ends here (*@ret: 0, or -ENOENT when nothing
 * has that 4-tuple): TIME_WAIT ignores it, a request takes it
 * (xtcp_request_err(), dropped on @req_abort).
 * Context: softirq, RCU read lock held.
 */
static struct sock *xtcp_icmp_sock(struct net *net, const struct xtcp_ent *key,
				   u32 seq, bool req_abort, int *ret)
{
	struct xtcp_ent *e;

	*ret = 0;
	e = xtcp_ehash_lookup(net, key);
	if (!e) {
		*ret = -ENOENT;
		return NULL;
	}
	if (e->kind == XTCP_ENT_TW) {
		xtcp_tw_put(xtcp_ent_tw(e));
		return NULL;
	}
	if (e->kind == XTCP_ENT_REQ) {
		xtcp_request_err(xtcp_ent_req(e), seq, req_abort);
		xtcp_request_put(xtcp_ent_req(e));
		return NULL;
	}
	return &xtcp_ent_sock(e)->inet.sk;
}

/*
 * Is an ICMP error quoting @seq about data @sk has outstanding? Not when
 * @sk is closed; an error about nothing outstanding counts as
 * OutOfWindowIcmps (tcp_v4_err()). Context: bh_lock_sock held.
 */
static bool xtcp_icmp_outstanding(struct net *net, struct sock *sk, u32 seq)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (sk->sk_state == TCP_CLOSE)
		return false;
	if (xtcp_between(seq, xs->snd_una, xs->snd_nxt))
		return true;
	xtcp_inc_stats(net, XTCP_MIB_OUTOFWINDOWICMPS);
	return false;
}

/*
 * ICMP error @err about outstanding data of @sk: a connection in its
 * handshake ends with it, an established one keeps it as a soft error or,
 * with IP_RECVERR, reports it at once. Context: bh_lock_sock held.
 */
static void xtcp_icmp_error(struct sock *sk, int err)
{
	if ((sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) &&
	    !sock_owned_by_user(sk)) {
		WRITE_ONCE(sk->sk_err, err);
		xtcp_write_queue_purge(sk);
		xtcp_done(sk);
		sk_error_report(sk);
	} else if (!sock_owned_by_user(sk) && xtcp_inet_recverr(sk)) {
		/* IP_RECVERR: reported at once, the connection goes on */
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
}

/**
 * xtcp_err_dispatch() - an ICMP or ICMPv6 error about a segment we sent
 * @net: namespace
 * @key: the quoted segment's 4-tuple seen from here (local = its source)
 * @seq: the quoted sequence number
 * @err: the errno the error maps to
 * @req_abort: a hard error for a request in SYN_RECV (tcp_req_err())
 *
 * As Linux's tcp_v4_err()/tcp_v6_err() once the type is mapped: a
 * connection in its handshake ends with @err, an established one keeps it
 * as a soft error (or reports it at once with IP_RECVERR); a request may
 * be dropped (xtcp_request_err()); TIME_WAIT ignores it.
 * Context: softirq, RCU read lock held.
 * Return: 0, or -ENOENT when nothing has that 4-tuple.
 */
int xtcp_err_dispatch(struct net *net, const struct xtcp_ent *key, u32 seq,
		      int err, bool req_abort)
{
	struct sock *sk;
	int ret;

	sk = xtcp_icmp_sock(net, key, seq, req_abort, &ret);
	if (!sk)
		return ret;
	bh_lock_sock(sk);
	if (xtcp_icmp_outstanding(net, sk, seq))
		xtcp_icmp_error(sk, err);
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

/**
 * xtcp_mtu_dispatch() - ICMP "fragmentation needed" or ICMPv6 "packet too
 * big" about a segment of a connection
 * @net: namespace
 * @key: the quoted segment's 4-tuple seen from here
 * @seq: the quoted sequence number
 * @mtu: the path MTU announced
 *
 * As Linux's tcp_v4_err()/tcp_v6_err(): only about outstanding data of a
 * socket (else OutOfWindowIcmps); the MTU is applied now
 * (xtcp_mtu_reduced()) or, while the user holds the socket, at
 * release_sock() (xtcp_release_cb()). A request only checks the sequence
 * number (tcp_req_err() without abort); TIME_WAIT ignores it.
 * Context: softirq, RCU read lock held.
 * Return: 0, or -ENOENT when nothing has that 4-tuple.
 */
int xtcp_mtu_dispatch(struct net *net, const struct xtcp_ent *key, u32 seq,
		      u32 mtu)
{
	struct xtcp_sock *xs;
	struct sock *sk;
	int ret;

	sk = xtcp_icmp_sock(net, key, seq, false, &ret);
	if (!sk)
		return ret;
	xs = xtcp_sk(sk);
	bh_lock_sock(sk);
	if (xtcp_icmp_outstanding(net, sk, seq)) {
		WRITE_ONCE(xs->mtu_info, mtu);
		if (!sock_owned_by_user(sk))
			xtcp_mtu_reduced(sk);
		else
			xs->mtu_deferred = true;
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

static struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
	.no_policy	= 1,
};

/**
 * xtcp_ipv4_init() - claim the IP protocol number
 *
 * Context: process context, module init.
 * Return: 0, or -EBUSY when another module holds the protocol number.
 */
int xtcp_ipv4_init(void)
{
	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d is already registered\n", xtcp_ipproto);
		return -EBUSY;
	}
	return 0;
}

/**
 * xtcp_ipv4_exit() - release the IP protocol number
 *
 * Context: process context, module exit. inet_del_protocol() waits for
 * in-flight handlers (synchronize_net).
 */
void xtcp_ipv4_exit(void)
{
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
}

/**
 * xtcp_v4_connect() - active open: route, pick the 4-tuple, send the SYN
 * @sk: unconnected socket
 * @usin: the destination
 *
 * Context: process context, socket lock held.
 * Return: 0 (the SYN is out, the socket in SYN_SENT) or a negative errno:
 * the route's (-ENETUNREACH...), the port allocation's (-EADDRNOTAVAIL).
 */
int xtcp_v4_connect(struct sock *sk, struct sockaddr_in *usin)
{
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	__be32 daddr = usin->sin_addr.s_addr;
	struct rtable *rt;
	u32 tw_isn = 0;
	int err;

	rt = ip_route_connect(fl4, daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, sk->sk_protocol,
			      inet->inet_sport, usin->sin_port, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt) == -ENETUNREACH ? -ENETUNREACH : PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr) {
		inet->inet_saddr = fl4->saddr;
		inet->inet_rcv_saddr = fl4->saddr;
	}
	inet->inet_dport = usin->sin_port;
	inet->inet_daddr = daddr;
	xtcp_set_state(sk, TCP_SYN_SENT);

	err = xtcp_hash_connect(sk, &tw_isn);
	if (err)
		goto failure;
	rt = ip_route_newports(fl4, rt, 0, usin->sin_port, inet->inet_sport,
			       inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		rt = NULL;
		goto failure;
	}
	sk_setup_caps(sk, &rt->dst);
	rt = NULL;

	err = xtcp_connect_init(sk, tw_isn);
	if (err)
		goto failure;
	return 0;

failure:
	xtcp_set_state(sk, TCP_CLOSE);
	if (rt)
		ip_rt_put(rt);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet->inet_saddr = 0;
		inet->inet_rcv_saddr = 0;
	}
	return err;
}

/*
 * Route, wrap in an IPv4 header and send a segment that has no full
 * socket. @skb holds the TCP header at skb->data with its checksum set;
 * @sk (a listener, or NULL) lends its routing keys, mark and priority.
 * Context: softirq or process context. Consumes @skb.
 * Return: 0 or a negative errno.
 */
static int xtcp_xmit_ctl(struct net *net, const struct sock *sk,
			 struct sk_buff *skb, __be32 saddr, __be32 daddr,
			 u8 tos, int oif)
{
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct flowi4 fl4;
	struct rtable *rt;
	struct iphdr *iph;
	int err;

	rt = ip_route_output_ports(net, &fl4, (struct sock *)sk, daddr, saddr,
				   th->dest, th->source, xtcp_ipproto,
				   tos & INET_DSCP_MASK, oif);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb_dst_set(skb, &rt->dst);
	if (sk) {
		skb->priority = READ_ONCE(sk->sk_priority);
		skb->mark = READ_ONCE(sk->sk_mark);
	}

	skb_reset_transport_header(skb);
	skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = tos;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = xtcp_ipproto;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	iph->id = 0;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;

	xtcp_inc_stats(net, XTCP_MIB_OUTSEGS);
	/* ip_local_out() sets tot_len and the IP checksum; note that
	 * net_xmit_eval() evaluates its argument twice
	 */
	err = ip_local_out(net, NULL, skb);
	return net_xmit_eval(err);
}

/**
 * xtcp_send_reset_noconn() - answer a segment that has no socket with RST
 * @net: namespace it arrived in
 * @skb: the received segment (transport header set, checksum verified),
 *	 IPv4 or IPv6
 *
 * RFC 9293 3.10.7.1: never answer a RST; if the segment has ACK, send
 * <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * Context: softirq (or process context); does not consume @skb.
 */
void xtcp_send_reset_noconn(struct net *net, struct sk_buff *skb)
{
	xtcp_af_ops_of(skb->protocol == htons(ETH_P_IPV6) ? AF_INET6 :
		       AF_INET)->send_reset(net, skb);
}

/**
 * xtcp_build_reset() - the RST answering @skb, its TCP header only
 * @skb: the received segment
 *
 * Context: any.
 * Return: a new skb whose data is the RST's TCP header (checksum not
 * set), or NULL when @skb is a RST itself or memory is short.
 */
struct sk_buff *xtcp_build_reset(const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct sk_buff *nskb;
	struct tcphdr *rth;
	u32 seg_len;

	if (th->rst)
		return NULL;
	nskb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!nskb)
		return NULL;
	skb_reserve(nskb, XTCP_MAX_HEADER);
	rth = skb_push(nskb, sizeof(*rth));
	memset(rth, 0, sizeof(*rth));
	rth->source = th->dest;
	rth->dest = th->source;
	rth->doff = sizeof(*rth) / 4;
	rth->rst = 1;
	if (th->ack) {
		rth->seq = th->ack_seq;
	} else {
		seg_len = skb->len - th->doff * 4 + th->syn + th->fin;
		rth->ack = 1;
		rth->ack_seq = htonl(ntohl(th->seq) + seg_len);
	}
	return nskb;
}

/* RST to an IPv4 segment that has no connection. Context: softirq. */
static void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct sk_buff *nskb;
	struct tcphdr *rth;

	/* never answer broadcast/multicast */
	if (skb_rtable(skb) &&
	    (skb_rtable(skb)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)))
		return;
	nskb = xtcp_build_reset(skb);
	if (!nskb)
		return;
	rth = (struct tcphdr *)nskb->data;
	rth->check = csum_tcpudp_magic(iph->daddr, iph->saddr, sizeof(*rth),
				       IPPROTO_TCP,
				       csum_partial(rth, sizeof(*rth), 0));

	trace_xtcp_send_reset(NULL, skb);
	xtcp_inc_stats(net, XTCP_MIB_OUTRSTS);
	xtcp_xmit_ctl(net, NULL, nskb, iph->daddr, iph->saddr, iph->tos,
		      inet_iif(skb));
}

/**
 * xtcp_build_tw_ack() - the ACK of a TIME_WAIT entry, its TCP header only
 * @tw: the entry
 *
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> with the timestamps the connection
 * used, as Linux's tcp_v4_timewait_ack()/tcp_v6_timewait_ack().
 * Context: softirq.
 * Return: the segment (checksum not set), or NULL when memory is short.
 */
struct sk_buff *xtcp_build_tw_ack(struct xtcp_tw *tw)
{
	struct xtcp_out_opts o = {};
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int hlen;

	o.ts = tw->ts_ok;
	o.tsval = xtcp_clock_ms() + tw->tsoff;
	o.tsecr = tw->ts_recent;
	hlen = sizeof(*th) + xtcp_opts_size(&o, false);
	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	th = skb_push(skb, hlen);
	memset(th, 0, sizeof(*th));
	th->source = tw->ent.lport;
	th->dest = tw->ent.rport;
	th->seq = htonl(tw->snd_nxt);
	th->ack_seq = htonl(tw->rcv_nxt);
	th->doff = hlen / 4;
	th->ack = 1;
	th->window = htons(min(tw->rcv_wnd >> tw->rcv_wscale, 65535U));
	xtcp_write_opts((__be32 *)(th + 1), &o, false);
	return skb;
}

/* The ACK of an IPv4 TIME_WAIT entry. Context: softirq. */
static void xtcp_v4_send_tw_ack(struct xtcp_tw *tw)
{
	struct net *net = read_pnet(&tw->net);
	struct sk_buff *skb = xtcp_build_tw_ack(tw);
	struct tcphdr *th;
	unsigned int hlen;

	if (!skb)
		return;
	th = (struct tcphdr *)skb->data;
	hlen = skb->len;
	th->check = csum_tcpudp_magic(tw->ent.laddr, tw->ent.raddr, hlen,
				      IPPROTO_TCP, csum_partial(th, hlen, 0));
	xtcp_xmit_ctl(net, NULL, skb, tw->ent.laddr, tw->ent.raddr, 0, tw->dif);
}

/**
 * xtcp_build_synack() - the SYN-ACK of a request, its TCP header only
 * @req: the request
 * @cookie_iss: a syncookie ISN to send, or 0 to use req->iss
 *
 * Context: softirq.
 * Return: the segment (transport header set, checksum not), or NULL when
 * memory is short.
 */
struct sk_buff *xtcp_build_synack(struct xtcp_request *req, u32 cookie_iss)
{
	struct xtcp_out_opts o = {};
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int hlen;

	o.mss = req->advmss;
	o.ts = req->ts_ok;
	o.tsval = xtcp_clock_ms() + req->tsoff;
	/* a syncookie carries the peer's window scale and SACK in the low
	 * bits of this TSval, encoded from the clock read just now (Linux's
	 * cookie_init_timestamp() in tcp_make_synack()): the ACK echoes it
	 */
	if (cookie_iss && req->ts_ok)
		o.tsval = xtcp_cookie_ts_encode(o.tsval, req->wscale_ok,
						req->snd_wscale, req->sack_ok);
	o.tsecr = req->ts_recent;
	o.sack = req->sack_ok;
	o.ws = req->wscale_ok;
	o.wscale = req->rcv_wscale;
	hlen = sizeof(*th) + xtcp_opts_size(&o, true);

	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = req->ent.lport;
	th->dest = req->ent.rport;
	th->seq = htonl(cookie_iss ? cookie_iss : req->iss);
	th->ack_seq = htonl(req->irs + 1);
	th->doff = hlen / 4;
	th->syn = 1;
	th->ack = 1;
	th->window = htons(req->rcv_wnd);
	xtcp_write_opts((__be32 *)(th + 1), &o, true);
	return skb;
}

/* The SYN-ACK of an IPv4 request. Context: softirq. */
static int xtcp_v4_send_synack(struct xtcp_request *req, u32 cookie_iss)
{
	struct sock *lsk = req->listener;
	struct net *net = sock_net(lsk);
	struct sk_buff *skb = xtcp_build_synack(req, cookie_iss);
	struct tcphdr *th;
	unsigned int hlen;

	if (!skb)
		return -ENOMEM;
	th = (struct tcphdr *)skb->data;
	hlen = skb->len;
	th->check = csum_tcpudp_magic(req->ent.laddr, req->ent.raddr, hlen,
				      IPPROTO_TCP, csum_partial(th, hlen, 0));
	return xtcp_xmit_ctl(net, lsk, skb, req->ent.laddr, req->ent.raddr, 0,
			     lsk->sk_bound_dev_if);
}

/* ip_queue_xmit() takes the addresses from cork.fl (routed at connect) */
static int xtcp_v4_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
}

/* TCP pseudo-header (protocol 6) for CHECKSUM_PARTIAL, as tcp_v4_send_check */
static void xtcp_v4_send_check(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);

	tcp_hdr(skb)->check = ~csum_tcpudp_magic(inet->inet_saddr,
						 inet->inet_daddr, skb->len,
						 IPPROTO_TCP, 0);
}

/* Route MTU toward the peer of an IPv4 request. Context: softirq. */
static u32 xtcp_v4_route_mtu(struct sock *lsk, struct xtcp_request *req)
{
	struct flowi4 fl4;
	struct rtable *rt;
	u32 mtu;

	rt = ip_route_output_ports(sock_net(lsk), &fl4, lsk, req->ent.raddr,
				   req->ent.laddr, req->ent.rport,
				   req->ent.lport, xtcp_ipproto, 0,
				   lsk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return 0;
	mtu = dst_mtu(&rt->dst);
	ip_rt_put(rt);
	return mtu;
}

/*
 * An IPv4 child: its addresses, and a route in cork.fl (ip_queue_xmit()
 * takes the addresses from there). A child of an IPv6 listener on "::"
 * becomes an IPv4 socket that reports v4-mapped addresses.
 * Context: softirq, @child bh-locked.
 */
static int xtcp_v4_child_route(struct sock *child, struct xtcp_request *req)
{
	struct inet_sock *inet = inet_sk(child);
	struct rtable *rt;

	if (child->sk_family == AF_INET6) {
		child->sk_family = AF_INET;
		xtcp_sk(child)->v6addr = true;
	}
	xtcp_sk(child)->af_ops = &xtcp_ipv4_af_ops;
	inet->inet_daddr = req->ent.raddr;
	inet->inet_rcv_saddr = req->ent.laddr;
	inet->inet_saddr = req->ent.laddr;
	inet->inet_dport = req->ent.rport;
	inet->inet_sport = req->ent.lport;
	rt = ip_route_output_ports(sock_net(child), &inet->cork.fl.u.ip4, child,
				   inet->inet_daddr, inet->inet_saddr,
				   inet->inet_dport, inet->inet_sport,
				   child->sk_protocol, 0,
				   child->sk_bound_dev_if);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	sk_setup_caps(child, &rt->dst);
	return 0;
}

/* XTCP over IPv4: see struct xtcp_af_ops */
const struct xtcp_af_ops xtcp_ipv4_af_ops = {
	.family		= AF_INET,
	.net_header_len	= sizeof(struct iphdr),
	.queue_xmit	= xtcp_v4_queue_xmit,
	.send_check	= xtcp_v4_send_check,
	.send_reset	= xtcp_v4_send_reset,
	.send_tw_ack	= xtcp_v4_send_tw_ack,
	.send_synack	= xtcp_v4_send_synack,
	.route_mtu	= xtcp_v4_route_mtu,
	.update_pmtu	= inet_csk_update_pmtu,
	.child_route	= xtcp_v4_child_route,
};
