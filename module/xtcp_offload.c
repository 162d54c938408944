// SPDX-License-Identifier: GPL-2.0
/*
 * GSO and GRO for XTCP's IP protocol number (as SCTP's offload.c for
 * its own). An XTCP segment is a TCP segment byte for byte, checksummed
 * over the TCP pseudo-header with protocol 6, so the kernel's TCP offload
 * callbacks do the work: the entries registered for xtcp_ipproto in
 * inet_offloads[] and inet6_offloads[] hand segmentation (gso_segment) and
 * receive aggregation (gro_receive, gro_complete) to the same family's
 * entry for IPPROTO_TCP. inet_gso_segment()/ipv6_gso_segment() and
 * inet_gro_receive()/ipv6_gro_receive() have already dealt with the
 * IP header (and keep flows of different protocols apart); TCP's
 * callbacks read only the TCP header and compute checksums over the TCP
 * pseudo-header, protocol 6, which is XTCP's.
 *
 * Sending: while nothing is lost, the transmit engine (xtcp_output.c)
 * sends a size-goal skb of sendmsg() (up to 64 KB) whole as a GSO skb
 * (SKB_GSO_TCPV4 or SKB_GSO_TCPV6, gso_size = MSS) and keeps it queued
 * so, as Linux's TSO skbs; at the first sign of a loss such skbs are cut
 * into one skb per segment (xtcp_split_flight()), so that the SACK
 * scoreboard, retransmissions and RACK work per segment. Short runs of
 * such single segments go out through xtcp_gso_build(), which references
 * their page fragments in one GSO skb. Only routes out of a
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

/* TCP's own entries: built into the kernel, registered at boot, never
 * removed. Context: RCU read side (every offload callback runs there).
 */
static const struct net_offload *xtcp_tcp_offload(bool v6)
{
	if (v6)
		return rcu_dereference(inet6_offloads[IPPROTO_TCP]);
	return rcu_dereference(inet_offloads[IPPROTO_TCP]);
}

static struct sk_buff *xtcp_gso_segment(bool v6, struct sk_buff *skb,
					netdev_features_t features)
{
	const struct net_offload *ops = xtcp_tcp_offload(v6);

	if (!ops || !ops->callbacks.gso_segment)
		return ERR_PTR(-EPROTONOSUPPORT);
	return ops->callbacks.gso_segment(skb, features);
}

static struct sk_buff *xtcp_gro_receive(bool v6, struct list_head *head,
					struct sk_buff *skb)
{
	const struct net_offload *ops = xtcp_tcp_offload(v6);

	if (!ops || !ops->callbacks.gro_receive) {
		NAPI_GRO_CB(skb)->flush = 1;
		return NULL;
	}
	return ops->callbacks.gro_receive(head, skb);
}

static int xtcp_gro_complete(bool v6, struct sk_buff *skb, int thoff)
{
	const struct net_offload *ops = xtcp_tcp_offload(v6);

	if (!ops || !ops->callbacks.gro_complete)
		return -EINVAL;
	return ops->callbacks.gro_complete(skb, thoff);
}

/* the callbacks of each family: the one above with the family bound */
#define XTCP_OFFLOAD_OPS(name, v6)					\
static struct sk_buff *name##_gso_segment(struct sk_buff *skb,		\
					  netdev_features_t features)	\
{									\
	return xtcp_gso_segment(v6, skb, features);			\
}									\
static struct sk_buff *name##_gro_receive(struct list_head *head,	\
					  struct sk_buff *skb)		\
{									\
	return xtcp_gro_receive(v6, head, skb);				\
}									\
static int name##_gro_complete(struct sk_buff *skb, int thoff)		\
{									\
	return xtcp_gro_complete(v6, skb, thoff);			\
}									\
static const struct net_offload name = {				\
	.callbacks = {							\
		.gso_segment	= name##_gso_segment,			\
		.gro_receive	= name##_gro_receive,			\
		.gro_complete	= name##_gro_complete,			\
	},								\
}

XTCP_OFFLOAD_OPS(xtcp_offload4, false);
XTCP_OFFLOAD_OPS(xtcp_offload6, true);

/* set once the offload entries are in place: no GSO skb leaves before */
static bool xtcp_offload_on;

/**
 * xtcp_offload_init() - register the GSO/GRO entries for xtcp_ipproto
 *
 * One in inet_offloads[] (IPv4) and one in inet6_offloads[] (IPv6).
 * Context: process context, module init, after the protocol handlers.
 * Return: 0, or -EBUSY when the protocol number has an entry already.
 */
int xtcp_offload_init(void)
{
	if (inet_add_offload(&xtcp_offload4, xtcp_ipproto) < 0)
		goto busy;
	if (inet6_add_offload(&xtcp_offload6, xtcp_ipproto) < 0)
		goto del4;
	WRITE_ONCE(xtcp_offload_on, true);
	return 0;

del4:
	inet_del_offload(&xtcp_offload4, xtcp_ipproto);
busy:
	pr_err("IP protocol %d has an offload entry already\n",
	       xtcp_ipproto);
	return -EBUSY;
}

/**
 * xtcp_offload_exit() - remove the GSO/GRO entries
 *
 * Context: process context, module exit, after every socket is gone
 * (no GSO skb of ours is built any more). inet_del_offload() and
 * inet6_del_offload() wait for callbacks in progress (synchronize_net()).
 */
void xtcp_offload_exit(void)
{
	WRITE_ONCE(xtcp_offload_on, false);
	inet6_del_offload(&xtcp_offload6, xtcp_ipproto);
	inet_del_offload(&xtcp_offload4, xtcp_ipproto);
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
 * or a veth (see the top of this file).
 * Context: socket lock or bh_lock_sock held.
 * Return: at least 1.
 */
unsigned int xtcp_gso_max_segs(struct sock *sk)
{
	struct dst_entry *dst = __sk_dst_get(sk);
	u32 mss = xtcp_sk(sk)->mss_cache;
	struct net_device *dev;
	u32 bytes, segs;

	if (!READ_ONCE(xtcp_offload_on) || !dst || !mss)
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

/*
 * Reference the payload of the queued segment @seg at the end of the GSO
 * skb @skb: each page fragment is merged into the last one where it
 * continues it in the same page, or takes a slot with its own page
 * reference. Return: false (@skb unchanged) when @seg has linear payload
 * or its fragments do not fit the slots left.
 */
static bool xtcp_gso_add_frags(struct sk_buff *skb, const struct sk_buff *seg)
{
	const struct skb_shared_info *from = skb_shinfo(seg);
	struct skb_shared_info *to = skb_shinfo(skb);
	const skb_frag_t *prev = to->nr_frags ?
				 &to->frags[to->nr_frags - 1] : NULL;
	int i, slots = 0;

	if (skb_headlen(seg))
		return false;
	/* first count: nothing changes unless all of them fit */
	for (i = 0; i < from->nr_frags; i++) {
		const skb_frag_t *f = &from->frags[i];

		if (!xtcp_frag_continues(prev, f))
			slots++;
		prev = f;
	}
	if (to->nr_frags + slots > MAX_SKB_FRAGS)
		return false;
	for (i = 0; i < from->nr_frags; i++) {
		const skb_frag_t *f = &from->frags[i];
		skb_frag_t *last = to->nr_frags ?
				   &to->frags[to->nr_frags - 1] : NULL;

		if (xtcp_frag_continues(last, f)) {
			skb_frag_size_add(last, skb_frag_size(f));
			continue;
		}
		to->frags[to->nr_frags] = *f;
		__skb_frag_ref(&to->frags[to->nr_frags]);
		to->nr_frags++;
	}
	return true;
}

/**
 * xtcp_gso_build() - one GSO skb carrying the payload of queued segments
 * @sk: the sending socket
 * @first: the first of *@n consecutive write-queue segments, all of @mss
 *	bytes but the last (at most @mss)
 * @n: in: number of segments, at least 2; out: the number the skb
 *	carries (the first ones whose fragments fit MAX_SKB_FRAGS slots)
 * @mss: their size: the GSO skb's gso_size
 *
 * The GSO skb references the segments' page fragments (no copy); the
 * queued segments stay as they are and their pages are never written
 * again where queued bytes lie. The control block gets the run's
 * sequence numbers and the last segment's flags (TCP's segmentation gives
 * PSH and FIN to the last segment only, CWR to the first).
 * Context: socket lock or bh_lock_sock held.
 * Return: the skb (headroom XTCP_MAX_HEADER, no header yet), or NULL when
 * fewer than two segments fit or no skb could be allocated.
 */
struct sk_buff *xtcp_gso_build(struct sock *sk, struct sk_buff *first,
			       unsigned int *n, unsigned int mss)
{
	struct sk_buff *skb, *seg = first, *last = first;
	unsigned int i, len = 0;
	struct xtcp_skb_cb *cb;

	skb = alloc_skb(XTCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	for (i = 0; i < *n; i++, seg = seg->next) {
		if (!xtcp_gso_add_frags(skb, seg))
			break;
		len += seg->len;
		last = seg;
	}
	if (i < 2) {
		kfree_skb(skb);		/* drops the page references taken */
		return NULL;
	}
	*n = i;
	skb->len = len;
	skb->data_len = len;
	skb->truesize += len;
	cb = XTCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = XTCP_SKB_CB(first)->seq;
	cb->end_seq = XTCP_SKB_CB(last)->end_seq;
	cb->flags = XTCP_SKB_CB(last)->flags;
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = i;
	skb_shinfo(skb)->gso_type = xtcp_gso_type(sk);
	return skb;
}
