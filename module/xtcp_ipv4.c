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
 * (xtcp_output.c).
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#include <linux/tcp.h>
#include <net/protocol.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/inet_dscp.h>
#include <net/inet_common.h>
#include <net/icmp.h>
#include <linux/icmp.h>

/*
 * Verify the checksum unless the device already did (CHECKSUM_UNNECESSARY,
 * or a CHECKSUM_COMPLETE sum that matches). Return: true if it is good.
 */
static bool xtcp_checksum_ok(struct sk_buff *skb)
{
	if (skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo))
		return false;
	return !skb_checksum_complete(skb);
}

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

/* Context: softirq (IP local delivery), RCU read lock held. */
static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct xtcp_ent *e;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST)
		goto discard;

	xtcp_inc_stats(net, XTCP_MIB_INSEGS);

	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto bad;
	th = tcp_hdr(skb);
	if (th->doff < sizeof(struct tcphdr) / 4)
		goto bad;
	if (!pskb_may_pull(skb, th->doff * 4))
		goto bad;
	if (!xtcp_checksum_ok(skb))
		goto csum_error;

	th = tcp_hdr(skb);
	iph = ip_hdr(skb);
	xtcp_fill_cb(skb, th);

	e = xtcp_ehash_lookup(net, iph->daddr, th->dest, iph->saddr, th->source);
	if (e && e->kind == XTCP_ENT_REQ) {
		xtcp_request_rcv(xtcp_ent_req(e), skb);
		xtcp_request_put(xtcp_ent_req(e));
		return 0;
	}
	if (e && e->kind == XTCP_ENT_TW) {
		enum xtcp_tw_action act = xtcp_tw_rcv(xtcp_ent_tw(e), skb);

		xtcp_tw_put(xtcp_ent_tw(e));
		if (act == XTCP_TW_DONE)
			return 0;
		e = NULL;	/* a new SYN: on to the listener */
	}
	if (e) {
		sk = &xtcp_ent_sock(e)->inet.sk;
		xtcp_sock_rcv(sk, skb);
		sock_put(sk);
		return 0;
	}

	sk = xtcp_lookup_listener(net, iph->daddr, ntohs(th->dest),
				  inet_iif(skb));
	if (sk) {
		xtcp_listen_rcv(sk, skb);
		sock_put(sk);
		return 0;
	}

	xtcp_send_reset_noconn(net, skb);
	consume_skb(skb);
	return 0;

csum_error:
	trace_xtcp_bad_csum(skb);
	xtcp_inc_stats(net, XTCP_MIB_INCSUMERRORS);
bad:
	xtcp_inc_stats(net, XTCP_MIB_INERRS);
discard:
	kfree_skb(skb);
	return 0;
}

/*
 * ICMP error about a segment we sent (quoted header in @skb): as Linux's
 * tcp_v4_err(), a destination/protocol/port unreachable or time exceeded
 * ends a connection still in its handshake (connect() then fails with the
 * mapped errno, e.g. ENOPROTOOPT when the peer has no XTCP) and is kept as
 * a soft error on an established one (reported if it then times out); a
 * request in SYN_RECV goes on a hard error (xtcp_request_err()).
 * Fragmentation-needed (PMTU) is not acted on yet.
 * Context: softirq, RCU read lock held.
 */
static int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data +
							   (iph->ihl << 2));
	struct net *net = dev_net(skb->dev);
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	struct xtcp_sock *xs;
	struct xtcp_ent *e;
	struct sock *sk;
	u32 seq = ntohl(th->seq);
	int err;

	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH || code == ICMP_FRAG_NEEDED)
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

	e = xtcp_ehash_lookup(net, iph->saddr, th->source, iph->daddr,
			      th->dest);
	if (!e)
		return -ENOENT;
	if (e->kind == XTCP_ENT_TW) {
		xtcp_tw_put(xtcp_ent_tw(e));
		return 0;
	}
	if (e->kind == XTCP_ENT_REQ) {
		xtcp_request_err(xtcp_ent_req(e), seq,
				 type == ICMP_PARAMETERPROB ||
				 type == ICMP_TIME_EXCEEDED ||
				 (type == ICMP_DEST_UNREACH &&
				  (code == ICMP_NET_UNREACH ||
				   code == ICMP_HOST_UNREACH)));
		xtcp_request_put(xtcp_ent_req(e));
		return 0;
	}

	sk = &xtcp_ent_sock(e)->inet.sk;
	xs = xtcp_sk(sk);
	bh_lock_sock(sk);
	if (!xtcp_between(seq, xs->snd_una, xs->snd_nxt))
		goto out;	/* not about anything outstanding */
	if ((sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) &&
	    !sock_owned_by_user(sk)) {
		WRITE_ONCE(sk->sk_err, err);
		xtcp_write_queue_purge(sk);
		xtcp_done(sk);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
out:
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
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	__be32 daddr = usin->sin_addr.s_addr;
	struct rtable *rt;
	u32 mss, tw_isn = 0;
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

	/* our side of the SYN options */
	xs->advmss = min_t(u32, dst_mtu(__sk_dst_get(sk)) - 40, 65535);
	if (xs->user_mss && xs->advmss > xs->user_mss)
		xs->advmss = xs->user_mss;
	xs->ts_ok = READ_ONCE(xtcp_sysctl(sk)->timestamps);
	xs->sack_ok = READ_ONCE(xtcp_sysctl(sk)->sack);
	xs->wscale_ok = READ_ONCE(xtcp_sysctl(sk)->window_scaling);
	xs->rcv_wscale = 0;
	mss = max_t(int, READ_ONCE(sk->sk_rcvbuf),
		    READ_ONCE(xtcp_sysctl(sk)->rmem[2]));
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		mss = READ_ONCE(sk->sk_rcvbuf);
	while (xs->wscale_ok && mss > 65535 && xs->rcv_wscale < XTCP_MAX_WSCALE) {
		mss >>= 1;
		xs->rcv_wscale++;
	}
	xs->window_clamp = 65535U << xs->rcv_wscale;
	xs->rcv_wnd = xtcp_initial_window(min(READ_ONCE(sk->sk_rcvbuf) / 2,
					      65535), xs->advmss);
	xs->rx_mss = 0;
	xs->mss_cache = xs->advmss;
	xs->tsoff = xtcp_ts_offset(inet->inet_saddr, inet->inet_daddr);
	xs->ts_recent = 0;

	xs->iss = tw_isn ? tw_isn :
		  xtcp_isn(inet->inet_saddr, inet->inet_daddr,
			   inet->inet_sport, inet->inet_dport);
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
		goto failure;
	xtcp_inc_stats(net, XTCP_MIB_ACTIVEOPENS);
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
 * @skb: the received segment (transport header set, checksum verified)
 *
 * RFC 9293 3.10.7.1: never answer a RST; if the segment has ACK, send
 * <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * Context: softirq (or process context); does not consume @skb.
 */
void xtcp_send_reset_noconn(struct net *net, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct sk_buff *nskb;
	struct tcphdr *rth;
	u32 seg_len;

	if (th->rst)
		return;
	/* never answer broadcast/multicast */
	if (skb_rtable(skb) &&
	    (skb_rtable(skb)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)))
		return;

	nskb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!nskb)
		return;
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
	rth->check = csum_tcpudp_magic(iph->daddr, iph->saddr, sizeof(*rth),
				       IPPROTO_TCP,
				       csum_partial(rth, sizeof(*rth), 0));

	trace_xtcp_send_reset(NULL, skb);
	xtcp_inc_stats(net, XTCP_MIB_OUTRSTS);
	xtcp_xmit_ctl(net, NULL, nskb, iph->daddr, iph->saddr, iph->tos,
		      inet_iif(skb));
}

/**
 * xtcp_send_tw_ack() - ACK from a TIME_WAIT entry
 * @tw: the entry
 *
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> with the timestamps the connection
 * used, as Linux's tcp_v4_timewait_ack().
 * Context: softirq.
 */
void xtcp_send_tw_ack(struct xtcp_tw *tw)
{
	struct net *net = read_pnet(&tw->net);
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
		return;
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
	th->check = csum_tcpudp_magic(tw->ent.laddr, tw->ent.raddr, hlen,
				      IPPROTO_TCP, csum_partial(th, hlen, 0));
	xtcp_xmit_ctl(net, NULL, skb, tw->ent.laddr, tw->ent.raddr, 0, tw->dif);
}

/**
 * xtcp_send_synack() - send (or resend) the SYN-ACK of a request
 * @req: the request; its listener supplies routing keys (mark, device)
 * @cookie_iss: a syncookie ISN to send for a request that is not queued
 *		(the request is then a stack copy), or 0 to use req->iss
 *
 * Context: softirq (SYN arrival, request timer).
 * Return: 0 or a negative errno.
 */
int xtcp_send_synack(struct xtcp_request *req, u32 cookie_iss)
{
	struct sock *lsk = req->listener;
	struct net *net = sock_net(lsk);
	struct xtcp_out_opts o = {};
	struct sk_buff *skb;
	struct tcphdr *th;
	unsigned int hlen;

	o.mss = req->advmss;
	o.ts = req->ts_ok;
	o.tsval = xtcp_clock_ms() + req->tsoff;
	o.tsecr = req->ts_recent;
	o.sack = req->sack_ok;
	o.ws = req->wscale_ok;
	o.wscale = req->rcv_wscale;
	hlen = sizeof(*th) + xtcp_opts_size(&o, true);

	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
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
	th->check = csum_tcpudp_magic(req->ent.laddr, req->ent.raddr, hlen,
				      IPPROTO_TCP, csum_partial(th, hlen, 0));
	return xtcp_xmit_ctl(net, lsk, skb, req->ent.laddr, req->ent.raddr, 0,
			     lsk->sk_bound_dev_if);
}
