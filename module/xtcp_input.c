// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the IPv4 protocol handler for XTCP's IP protocol number.
 * Validates the header and the checksum (TCP pseudo-header with protocol 6),
 * counts, and dispatches: a connection (ehash: socket, SYN-queue request or
 * TIME_WAIT entry), else a listener, else RST (RFC 9293 3.10.7.1).
 */
#include "xtcp.h"

#include <linux/tcp.h>
#include <net/protocol.h>
#include <net/ip.h>
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
 * a soft error on an established one (reported if it then times out).
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
		/* the SYN-ACK could not be delivered: keep retrying, as Linux
		 * drops the request only for a matching ISN and then just
		 * counts; the request timer bounds it anyway
		 */
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
