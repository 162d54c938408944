// SPDX-License-Identifier: GPL-2.0
/*
 * The module's functions from files the unit build does not compile
 * (xtcp_conn.c, xtcp_ipv4.c, xtcp_timewait.c, xtcp_pernet.c,
 * xtcp_offload.c): each records
 * that it was called (stub_calls) and does no more than what is stated
 * below. Tests may assert that a path reached one of them, never on what
 * the real function would have done.
 */
#include <stdlib.h>

#include "stubs.h"

unsigned int xtcp_net_id;	/* xtcp_pernet.c: the slot in struct net */
struct stub_calls stub_calls;

/* xtcp_conn.c; the real one also does the state's accounting */
void xtcp_set_state(struct sock *sk, int state)
{
	stub_calls.set_state++;
	sk->sk_state = state;
}

/* xtcp_conn.c */
void xtcp_done(struct sock *sk)
{
	stub_calls.done++;
}

/* xtcp_conn.c */
void xtcp_reset(struct sock *sk, int err)
{
	stub_calls.reset++;
	stub_calls.reset_err = err;
}

/* xtcp_timewait.c */
void xtcp_time_wait(struct sock *sk)
{
	stub_calls.time_wait++;
}

/* xtcp_ipv4.c */
void xtcp_send_reset_noconn(struct net *net, struct sk_buff *skb)
{
	stub_calls.send_reset_noconn++;
}

/* xtcp_offload.c: the route's GSO limit (1: no GSO) */
unsigned int stub_gso_max_segs = 1;
bool stub_no_grow;

unsigned int xtcp_gso_max_segs(struct sock *sk)
{
	return stub_gso_max_segs;
}

/* xtcp_offload.c: the payload of *@n queued segments in one (linear, in
 * the mock) skb with the GSO fields and control block the real one sets
 */
struct sk_buff *xtcp_gso_build(struct sock *sk, struct sk_buff *first,
			       unsigned int *n, unsigned int mss)
{
	struct sk_buff *skb, *seg = first, *last = first;
	unsigned int i, len = 0;

	stub_calls.gso_build++;
	for (i = 0; i < *n; i++, seg = seg->next) {
		len += seg->len;
		last = seg;
	}
	skb = alloc_skb(XTCP_MAX_HEADER + len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, XTCP_MAX_HEADER);
	for (i = 0, seg = first; i < *n; i++, seg = seg->next)
		skb_put_data(skb, seg->data, seg->len);
	memset(XTCP_SKB_CB(skb), 0, sizeof(struct xtcp_skb_cb));
	XTCP_SKB_CB(skb)->seq = XTCP_SKB_CB(first)->seq;
	XTCP_SKB_CB(skb)->end_seq = XTCP_SKB_CB(last)->end_seq;
	XTCP_SKB_CB(skb)->flags = XTCP_SKB_CB(last)->flags;
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = *n;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	return skb;
}

/* xtcp_skb.c: mock skbs are linear and never shared */
int xtcp_unclone(struct sk_buff *skb, gfp_t gfp)
{
	return 0;
}

int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	__skb_pull(skb, len);
	xtcp_skb_set_segs(sk, skb, skb_shinfo(skb)->gso_size);
	return 0;
}

/* the real one moves page fragments; a mock skb is linear, so the bytes
 * are copied to the end of @to (its buffer grown) and pulled from @from,
 * truesize moving with them as in the real one
 */
u32 xtcp_skb_shift(struct sk_buff *to, struct sk_buff *from, u32 len)
{
	unsigned int head = to->data - to->head, used = to->tail - to->head;
	unsigned char *buf, *old;
	unsigned int size;

	stub_calls.skb_shift++;
	len = min(len, from->len);
	if (!len || stub_no_grow)
		return 0;
	size = SKB_DATA_ALIGN(used + len);
	buf = malloc(size);
	if (!buf)
		abort();
	memcpy(buf, to->head, used);
	memcpy(buf + used, from->data, len);
	old = to->head;
	to->head = buf;
	to->data = buf + head;
	to->tail = buf + used + len;
	to->end = buf + size;
	free(old);
	to->len += len;
	to->truesize += len;
	from->truesize -= len;
	__skb_pull(from, len);
	return len;
}

/* xtcp_ipv4.c: the IPv4 network layer of a socket, as the real one
 * (ip_queue_xmit() is the mock's, which records the segment)
 */
static int stub_v4_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	return ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
}

static void stub_v4_send_check(struct sock *sk, struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(sk);

	tcp_hdr(skb)->check = ~csum_tcpudp_magic(inet->inet_saddr,
						 inet->inet_daddr, skb->len,
						 IPPROTO_TCP, 0);
}

const struct xtcp_af_ops xtcp_ipv4_af_ops = {
	.family		= AF_INET,
	.net_header_len	= 20,
	.queue_xmit	= stub_v4_queue_xmit,
	.send_check	= stub_v4_send_check,
};
