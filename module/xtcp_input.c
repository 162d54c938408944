// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the IPv4 protocol handler for XTCP's IP protocol number.
 * Validates the header and the checksum (TCP pseudo-header with protocol 6),
 * counts, finds the socket and hands the segment over; segments for which no
 * socket exists are answered with RST (RFC 9293 3.10.7.1).
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <net/protocol.h>
#include <net/ip.h>
#include <net/inet_common.h>

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

/* Context: softirq (IP local delivery), RCU read lock held. */
static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
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

	sk = xtcp_lookup_listener(net, iph->daddr, ntohs(th->dest),
				  inet_iif(skb));
	if (!sk)
		goto no_socket;

	/*
	 * A listener exists; connection establishment (SYN/accept queues)
	 * is handled by the connection code. Until a request is created the
	 * segment is answered as for a closed port below.
	 */
	sock_put(sk);

no_socket:
	xtcp_send_reset_noconn(net, skb);
	consume_skb(skb);
	return 0;

csum_error:
	xtcp_inc_stats(net, XTCP_MIB_INCSUMERRORS);
bad:
	xtcp_inc_stats(net, XTCP_MIB_INERRS);
discard:
	kfree_skb(skb);
	return 0;
}

static struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.no_policy	= 1,
};

/**
 * xtcp_input_init() - claim the IP protocol number
 *
 * Context: process context, module init.
 * Return: 0, or -EBUSY when another module holds the protocol number.
 */
int xtcp_input_init(void)
{
	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d is already registered\n", xtcp_ipproto);
		return -EBUSY;
	}
	return 0;
}

/**
 * xtcp_input_exit() - release the IP protocol number
 *
 * Context: process context, module exit. inet_del_protocol() waits for
 * in-flight handlers (synchronize_net).
 */
void xtcp_input_exit(void)
{
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
}
