// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: see fixture.h. A socket is set up as xtcp_sock_init()
 * (xtcp_conn.c) and the handshake would leave it, with the fields that
 * function sets given the same values.
 */
#include <stdlib.h>

#include "fixture.h"
#include "stubs.h"

static struct net net;
static struct xtcp_net xnet;
static struct xtcp_mib_percpu mib;
static struct dst_entry dst = { .mock_mtu = 1500 };

static void noop_sk(struct sock *sk)
{
}

struct xtcp_net *ut_net(void)
{
	return &xnet;
}

u64 ut_mib(enum xtcp_mib f)
{
	return mib.v[f];
}

static void ut_net_init(void)
{
	struct xtcp_sysctls *s = &xnet.sysctl;

	memset(&xnet, 0, sizeof(xnet));
	memset(&mib, 0, sizeof(mib));
	xnet.mib = &mib;
	s->keepalive_time = 7200;
	s->keepalive_intvl = 75;
	s->keepalive_probes = 9;
	s->max_syn_backlog = 4096;
	s->syncookies = 1;
	s->syn_retries = 6;
	s->synack_retries = 5;
	s->fin_timeout = 60;
	s->retries1 = 3;
	s->retries2 = 15;
	s->max_tw_buckets = 262144;
	s->tw_reuse_mode = 2;
	s->tw_timeout = 60;
	s->rmem[0] = 4096;
	s->rmem[1] = 131072;
	s->rmem[2] = 6291456;
	s->wmem[0] = 4096;
	s->wmem[1] = 16384;
	s->wmem[2] = 4194304;
	s->sack = 1;
	s->timestamps = 1;
	s->window_scaling = 1;
	s->moderate_rcvbuf = 1;
	s->invalid_ratelimit = 500;
	s->challenge_ack_limit = INT_MAX;
	s->comp_sack_delay_ns = 1000000;
	s->comp_sack_slack_ns = 100000;
	s->comp_sack_nr = 44;
	/* not the module's default (CUBIC): the recovery tests' numbers are
	 * NewReno's (RFC 5681, RFC 6937); CUBIC's are in test_cubic.c
	 */
	s->ca_default = &xtcp_newreno;
	net.mock_gen[xtcp_net_id] = &xnet;
}

struct xtcp_sock *ut_sock(u32 isn)
{
	struct xtcp_sock *xs = calloc(1, sizeof(*xs));
	struct sock *sk = SK(xs);

	if (!xs)
		abort();
	ut_net_init();
	sk->sk_net.net = &net;
	sk->sk_refcnt = 1;			/* the test's reference */
	sk->sk_state = TCP_ESTABLISHED;
	sk->sk_rcvbuf = xnet.sysctl.rmem[1];
	sk->sk_rcvlowat = 1;
	sk->sk_sndbuf = xnet.sysctl.wmem[1];
	sk->sk_allocation = GFP_KERNEL;
	sk->sk_dst_cache = &dst;
	sk->sk_state_change = noop_sk;
	sk->sk_data_ready = noop_sk;
	sk->sk_write_space = noop_sk;
	skb_queue_head_init(&sk->sk_receive_queue);
	skb_queue_head_init(&sk->sk_write_queue);
	skb_queue_head_init(&xs->ofo_queue);
	xs->inet.inet_saddr = htonl(0x0a000001);
	xs->inet.inet_daddr = htonl(0x0a000002);
	xs->inet.inet_sport = htons(40000);
	xs->inet.inet_dport = htons(80);
	xs->af_ops = &xtcp_ipv4_af_ops;	/* as xtcp_sock_init() */

	/* as xtcp_sock_init() */
	xtcp_init_timers(sk);
	xs->rto = XTCP_TIMEOUT_INIT;
	xs->rcv_ratio = 128;
	xs->rcv_mss = XTCP_MSS_DEFAULT;

	/* as after a handshake with SACK and window scaling, no timestamps */
	xs->iss = isn;
	xs->snd_una = xs->snd_nxt = xs->write_seq = isn + 1;
	xs->irs = 7000000;
	xs->rcv_nxt = xs->rcv_wup = xs->copied_seq = xs->irs + 1;
	xs->rcv_wscale = 7;
	xs->snd_wscale = 7;
	xs->window_clamp = 65535U << 7;
	xs->rcv_wnd = 64000;
	xs->rcv_ssthresh = xs->window_clamp;	/* grown: no quick ACKs */
	xs->wscale_ok = true;
	xs->sack_ok = true;
	xs->snd_wnd = 1 << 20;
	xs->max_window = xs->snd_wnd;
	xs->advmss = 1460;
	xs->rx_mss = 1460;
	xs->mss_cache = 1000;
	/* as after the first data received: quick-ACK start, ATO set */
	xs->quickack = XTCP_MAX_QUICKACKS;
	xs->ato = XTCP_ATO_MIN;
	xs->lrcvtime = (u32)jiffies;
	xtcp_recovery_init(sk);
	return xs;
}

void ut_sock_free(struct xtcp_sock *xs)
{
	struct sock *sk = SK(xs);

	xtcp_clear_timers(sk);
	xtcp_write_queue_purge(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&xs->ofo_queue);
	/* every timer reference given back, all memory uncharged */
	if (sk->sk_refcnt != 1)
		unit_fail("socket references left: %d, expected 1", sk->sk_refcnt);
	if (atomic_read(&sk->sk_rmem_alloc) || sk->sk_wmem_queued)
		unit_fail("memory still charged: rmem_alloc %d wmem_queued %d",
			  atomic_read(&sk->sk_rmem_alloc), sk->sk_wmem_queued);
	free(xs);
}

/* harness hooks: a fresh mock kernel for each test; after it, no sk_buff
 * may be left allocated and no WARN may have fired
 */
void unit_before_each(void)
{
	mock_reset();
	memset(&stub_calls, 0, sizeof(stub_calls));
	stub_gso_max_segs = 1;
	stub_no_grow = false;
}

void unit_after_each(void)
{
	if (mock_skb_live)
		unit_fail("%ld sk_buff(s) leaked", mock_skb_live);
	if (mock_warn_count)
		unit_fail("%d kernel WARNING(s)", mock_warn_count);
}

struct sk_buff *ut_queue(struct xtcp_sock *xs, u32 len)
{
	struct sk_buff *skb = mock_skb_data(XTCP_MAX_HEADER, len,
					    (u8)xs->write_seq);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct sock *sk = SK(xs);

	memset(cb, 0, sizeof(*cb));
	cb->seq = xs->write_seq;
	cb->end_seq = xs->write_seq + len;
	cb->flags = XTCP_ACK;
	xs->write_seq += len;
	sk_wmem_queued_add(sk, skb->truesize);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	if (!xs->send_head)
		xs->send_head = skb;
	return skb;
}

void ut_send(struct xtcp_sock *xs, int n, u32 len)
{
	u32 cwnd = xs->cwnd;
	int i;

	xs->nodelay = true;
	for (i = 0; i < n; i++) {
		ut_queue(xs, len);
		xs->cwnd = 1000;
		xtcp_push(SK(xs));
		mock_clock_advance_us(1000);
	}
	xs->cwnd = cwnd;
}

struct sk_buff *ut_wq(struct xtcp_sock *xs, int i)
{
	struct sk_buff *skb;

	skb_queue_walk(&SK(xs)->sk_write_queue, skb)
		if (!i--)
			return skb;
	return NULL;
}

int ut_wq_len(struct xtcp_sock *xs)
{
	return skb_queue_len(&SK(xs)->sk_write_queue);
}

struct sk_buff *ut_rx_seg(u32 seq, u32 ack, u8 flags, u16 win,
			  const u8 *opts, int optlen, u32 len)
{
	struct sk_buff *skb = mock_skb_data(XTCP_MAX_HEADER, len, (u8)seq);
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct tcphdr *th;

	th = skb_push(skb, sizeof(*th) + optlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = htons(80);
	th->dest = htons(40000);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = (sizeof(*th) + optlen) / 4;
	xtcp_flag_byte(th) = flags;
	th->window = htons(win);
	if (optlen)
		memcpy(th + 1, opts, optlen);
	memset(cb, 0, sizeof(*cb));
	cb->seq = seq;
	cb->end_seq = seq + len + !!(flags & XTCP_SYN) + !!(flags & XTCP_FIN);
	cb->ack_seq = ack;
	cb->flags = flags;
	return skb;
}
