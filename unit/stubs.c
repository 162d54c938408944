// SPDX-License-Identifier: GPL-2.0
/*
 * The module's functions from files the unit build does not compile
 * (xtcp_conn.c, xtcp_ipv4.c, xtcp_timewait.c, xtcp_pernet.c): each records
 * that it was called (stub_calls) and does no more than what is stated
 * below. Tests may assert that a path reached one of them, never on what
 * the real function would have done.
 */
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
