// SPDX-License-Identifier: GPL-2.0
/*
 * GSO and GRO for XTCP's IP protocol number (as SCTP's offload.c for
 * its own). An XTCP segment is a TCP segment byte for byte, checksummed
 * over the TCP pseudo-header with protocol 6, so the kernel's TCP offload
 * callbacks do the work: the entry registered for xtcp_ipproto in
 * inet_offloads[] hands segmentation (gso_segment) and receive
 * aggregation (gro_receive, gro_complete) to inet_offloads[IPPROTO_TCP].
 * inet_gso_segment() and inet_gro_receive() have already dealt with the
 * IPv4 header (and keep flows of different protocols apart); TCP's
 * callbacks read only the TCP header and compute checksums over the TCP
 * pseudo-header, protocol 6, which is XTCP's.
 *
 * Sending: the transmit engine (xtcp_output.c) hands a run of up to 64 KB
 * of consecutive full-sized new segments to xtcp_gso_build(), which copies
 * their payload into one GSO skb (SKB_GSO_TCPV4, gso_size = MSS). The
 * write queue itself keeps one skb per MSS, so the SACK scoreboard,
 * retransmissions and RACK stay per segment. Only routes out of a
 * loopback or veth device get such skbs (xtcp_gso_max_segs()): veth and
 * loopback hand them to the receiver whole, or, with TSO off, the core
 * segments them in software through the entry registered here before
 * the device (and any capture) sees them. A real NIC never gets one,
 * so hardware TSO never sees protocol 253: whether a NIC's TSO engine
 * would build correct TCP segments out of it (header lengths, the
 * pseudo-header's protocol) is unknown and differs per device.
 */
#include "xtcp.h"

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/protocol.h>
#include <net/dst.h>
#include <net/gro.h>

/* TCP's own entry: built into the kernel, registered at boot, never
 * removed. Context: RCU read side (every offload callback runs there).
 */
static const struct net_offload *xtcp_tcp_offload(void)
{
	return rcu_dereference(inet_offloads[IPPROTO_TCP]);
}

static struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
					netdev_features_t features)
{
	const struct net_offload *ops = xtcp_tcp_offload();

	if (!ops || !ops->callbacks.gso_segment)
		return ERR_PTR(-EPROTONOSUPPORT);
	return ops->callbacks.gso_segment(skb, features);
}

static struct sk_buff *xtcp_gro_receive(struct list_head *head,
					struct sk_buff *skb)
{
	const struct net_offload *ops = xtcp_tcp_offload();

	if (!ops || !ops->callbacks.gro_receive) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return ops->callbacks.gro_receive(head, skb);
}

static int xtcp_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct net_offload *ops = xtcp_tcp_offload();

	if (!ops || !ops->callbacks.gro_complete)
		return -EINVAL;
	return ops->callbacks.gro_complete(skb, thoff);
}

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment	= xtcp_gso_segment,
		.gro_receive	= xtcp_gro_receive,
		.gro_complete	= xtcp_gro_complete,
	},
};

/* set once the offload entry is in place: no GSO skb leaves before */
static bool xtcp_offload_on;

/**
 * xtcp_offload_init() - register the GSO/GRO entry for xtcp_ipproto
 *
 * Context: process context, module init, after the protocol handler.
 * Return: 0, or -EBUSY when the protocol number has an entry already.
 */
int xtcp_offload_init(void)
{
	if (inet_add_offload(&xtcp_offload, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d has an offload entry already\n",
		       xtcp_ipproto);
		return -EBUSY;
	}
	WRITE_ONCE(xtcp_offload_on, true);
	return 0;
}

/**
 * xtcp_offload_exit() - remove the GSO/GRO entry
 *
 * Context: process context, module exit, after every socket is gone
 * (no GSO skb of ours is built any more). inet_del_offload() waits for
 * callbacks in progress (synchronize_net()).
 */
void xtcp_offload_exit(void)
{
	WRITE_ONCE(xtcp_offload_on, false);
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
}

/* Devices that take a GSO skb of ours without handing it to hardware. */
static bool xtcp_dev_gso_safe(const struct net_device *dev)
{
	if (dev->flags & IFF_LOOPBACK)
		return true;
	return dev->rtnl_link_ops && dev->rtnl_link_ops->kind &&
	       !strcmp(dev->rtnl_link_ops->kind, "veth");
}

/**
 * xtcp_gso_max_segs() - how many segments one transmission may carry
 * @sk: connected socket with a route
 *
 * As Linux's sk_setup_caps() and tcp_tso_autosize() without pacing: what
 * fits the device's GSO size (64 KB at most) less the headers, within its
 * GSO segment limit; 1 (no GSO) unless the route leaves through loopback
 * or a veth (see the top of this file) and the socket is on IPv4.
 * Context: socket lock or bh_lock_sock held.
 * Return: at least 1; 1 for a socket on IPv6 (no IPv6 offload entry).
 */
unsigned int xtcp_gso_max_segs(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	u32 mss = xtcp_sk(sk)->mss_cache;
	struct net_device *dev;
	u32 bytes, segs;

	/* the entry is IPv4's (inet_offloads[]); XTCP over IPv6 sends
	 * one segment at a time
	 */
	if (!READ_ONCE(xtcp_offload_on) || !dst || !mss ||
	    xtcp_sk(sk)->af_ops != &xtcp_ipv4_af_ops)
		return 1;
	dev = dst->dev;
	if (!dev || !xtcp_dev_gso_safe(dev))
		return 1;
	bytes = min_t(u32, READ_ONCE(dev->gso_max_size), GSO_LEGACY_MAX_SIZE);
	if (bytes <= XTCP_MAX_HEADER + 1 + mss)
		return 1;
	segs = (bytes - XTCP_MAX_HEADER - 1) / mss;
	return clamp_t(u32, segs, 1, READ_ONCE(dev->gso_max_segs));
}

/**
 * xtcp_gso_build() - one GSO skb carrying the payload of @n queued segments
 * @sk: the sending socket
 * @first: the first of @n consecutive write-queue segments, all of @mss
 *	bytes but the last (at most @mss)
 * @n: number of segments, at least 2
 * @mss: their size: the GSO skb's gso_size
 *
 * The payload is copied into page fragments; the queued segments stay as
 * they are. The control block gets the run's sequence numbers and the
 * last segment's flags (TCP's segmentation gives PSH and FIN to the last
 * segment only, CWR to the first).
 * Context: socket lock or bh_lock_sock held.
 * Return: the skb (headroom XTCP_MAX_HEADER, no header yet) or NULL.
 */
struct sk_buff *xtcp_gso_build(struct sock *sk, struct sk_buff *first,
			       unsigned int n, unsigned int mss)
{
	struct sk_buff *skb, *seg = first, *last = first;
	unsigned int i, len = 0, off = 0;
	struct xtcp_skb_cb *cb;
	int err;

	for (i = 0; i < n; i++, seg = seg->next) {
		len += seg->len;
		last = seg;
	}
	skb = alloc_skb_with_frags(XTCP_MAX_HEADER, len, 0, &err, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	skb->data_len = len;
	skb->len = len;
	for (i = 0, seg = first; i < n; i++, seg = seg->next) {
		if (WARN_ON_ONCE(skb_store_bits(skb, off, seg->data, seg->len))) {
			kfree_skb(skb);
			return NULL;
		}
		off += seg->len;
	}
	cb = XTCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = XTCP_SKB_CB(first)->seq;
	cb->end_seq = XTCP_SKB_CB(last)->end_seq;
	cb->flags = XTCP_SKB_CB(last)->flags;
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = n;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	return skb;
}
