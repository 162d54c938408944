// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path for segments that have no socket: RST replies. The segment
 * is a TCP segment byte for byte, checksummed over the TCP pseudo-header
 * (protocol 6); only the IP header carries XTCP's protocol number.
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/inet_dscp.h>

/*
 * Route, wrap in an IPv4 header and send a bare segment from @saddr to
 * @daddr. @skb holds the TCP header at skb->data with its checksum set.
 * Context: softirq or process context. Consumes @skb.
 */
static void xtcp_xmit_ctl(struct net *net, struct sk_buff *skb, __be32 saddr,
			  __be32 daddr, u8 tos, int oif)
{
	struct flowi4 fl4;
	struct rtable *rt;
	struct iphdr *iph;

	rt = ip_route_output_ports(net, &fl4, NULL, daddr, saddr, 0, 0,
				   xtcp_ipproto, tos & INET_DSCP_MASK, oif);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, &rt->dst);

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
	ip_local_out(net, NULL, skb);	/* sets tot_len and the IP checksum */
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

	xtcp_inc_stats(net, XTCP_MIB_OUTRSTS);
	xtcp_xmit_ctl(net, nskb, iph->daddr, iph->saddr, iph->tos,
		      inet_iif(skb));
}
