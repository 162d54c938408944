/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP tracepoints, system "xtcp": a connection's life as Linux's sock: and
 * tcp: events show a TCP one (sock:inet_sock_set_state, tcp:tcp_probe,
 * tcp:tcp_retransmit_skb, tcp:tcp_send_reset, tcp:tcp_receive_reset,
 * tcp:tcp_destroy_sock, tcp:tcp_bad_csum), plus what Linux does not trace:
 * keepalive probes, TIME_WAIT entry and exit, listener overflow. Disabled
 * tracepoints cost a patched-out branch; arguments that cost work to
 * compute are guarded by trace_*_enabled() at the call site.
 *
 * Addresses are stored as a struct sockaddr_in or sockaddr_in6 and printed
 * with %pISpc, as Linux's tcp_probe does: "src=10.0.0.1:7000", or
 * "src=[fd00::1]:7000" for an IPv6 socket; sport and dport are fields of
 * their own for filters.
 *
 * Use: perf record -e 'xtcp:*', trace-cmd record -e xtcp, bpftrace -e
 * 'tracepoint:xtcp:xtcp_set_state { ... }', or tracefs
 * (/sys/kernel/tracing/events/xtcp/).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_XTCP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XTCP_TRACE_H

#include <linux/tracepoint.h>
#include <linux/tcp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

/* the TCP_* states are an enum: export their values so that perf and
 * trace-cmd print the names (Linux's sock.h does the same)
 */
TRACE_DEFINE_ENUM(TCP_ESTABLISHED);
TRACE_DEFINE_ENUM(TCP_SYN_SENT);
TRACE_DEFINE_ENUM(TCP_SYN_RECV);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT1);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT2);
TRACE_DEFINE_ENUM(TCP_TIME_WAIT);
TRACE_DEFINE_ENUM(TCP_CLOSE);
TRACE_DEFINE_ENUM(TCP_CLOSE_WAIT);
TRACE_DEFINE_ENUM(TCP_LAST_ACK);
TRACE_DEFINE_ENUM(TCP_LISTEN);
TRACE_DEFINE_ENUM(TCP_CLOSING);

#define xtcp_show_state(state)					\
	__print_symbolic(state,					\
		{ TCP_ESTABLISHED,	"ESTABLISHED" },	\
		{ TCP_SYN_SENT,		"SYN_SENT" },		\
		{ TCP_SYN_RECV,		"SYN_RECV" },		\
		{ TCP_FIN_WAIT1,	"FIN_WAIT1" },		\
		{ TCP_FIN_WAIT2,	"FIN_WAIT2" },		\
		{ TCP_TIME_WAIT,	"TIME_WAIT" },		\
		{ TCP_CLOSE,		"CLOSE" },		\
		{ TCP_CLOSE_WAIT,	"CLOSE_WAIT" },		\
		{ TCP_LAST_ACK,		"LAST_ACK" },		\
		{ TCP_LISTEN,		"LISTEN" },		\
		{ TCP_CLOSING,		"CLOSING" })

/* for the event bodies, which only a kernel with tracepoints expands */
#if defined(CONFIG_TRACEPOINTS) && !defined(_XTCP_TRACE_ADDRS)
#define _XTCP_TRACE_ADDRS
/*
 * Store one end (@a6 for @family AF_INET6, else @a4, and @port) as the
 * sockaddr @sa (sizeof(struct sockaddr_in6) bytes) that %pISpc prints.
 */
static inline void xtcp_tp_addr(u8 *sa, int family, const struct in6_addr *a6,
				__be32 a4, __be16 port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof(*sin6));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = *a6;
		sin6->sin6_port = port;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = a4;
		sin->sin_port = port;
	}
}

/* The addresses of a segment @skb carries (IPv4 or IPv6), no ports. */
static inline void xtcp_tp_skb_addrs(u8 *src, u8 *dest, const struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 6) {
		xtcp_tp_addr(src, AF_INET6, &ipv6_hdr(skb)->saddr, 0, 0);
		xtcp_tp_addr(dest, AF_INET6, &ipv6_hdr(skb)->daddr, 0, 0);
	} else {
		xtcp_tp_addr(src, AF_INET, NULL, ip_hdr(skb)->saddr, 0);
		xtcp_tp_addr(dest, AF_INET, NULL, ip_hdr(skb)->daddr, 0);
	}
}
#endif

/* the 4-tuple of a socket: local first */
#define XTCP_TP_SOCK_FIELDS						\
	__field(const void *, skaddr)					\
	__array(__u8, src, sizeof(struct sockaddr_in6))			\
	__array(__u8, dest, sizeof(struct sockaddr_in6))		\
	__field(__u16, sport)						\
	__field(__u16, dport)

#define XTCP_TP_SOCK_ASSIGN(sk) do {					\
	const struct inet_sock *__inet = inet_sk(sk);			\
									\
	__entry->skaddr = (sk);						\
	xtcp_tp_addr(__entry->src, (sk)->sk_family,			\
		     &(sk)->sk_v6_rcv_saddr, __inet->inet_saddr,	\
		     __inet->inet_sport);				\
	xtcp_tp_addr(__entry->dest, (sk)->sk_family,			\
		     &(sk)->sk_v6_daddr, __inet->inet_daddr,		\
		     __inet->inet_dport);				\
	__entry->sport = ntohs(__inet->inet_sport);			\
	__entry->dport = ntohs(__inet->inet_dport);			\
} while (0)

TRACE_EVENT(xtcp_set_state,
	TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	TP_ARGS(sk, oldstate, newstate),
	TP_STRUCT__entry(
		XTCP_TP_SOCK_FIELDS
		__field(int, oldstate)
		__field(int, newstate)
	),
	TP_fast_assign(
		XTCP_TP_SOCK_ASSIGN(sk);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),
	TP_printk("src=%pISpc dest=%pISpc oldstate=%s newstate=%s skaddr=%p",
		  __entry->src, __entry->dest,
		  xtcp_show_state(__entry->oldstate),
		  xtcp_show_state(__entry->newstate), __entry->skaddr)
);

DECLARE_EVENT_CLASS(xtcp_sock_event,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk),
	TP_STRUCT__entry(
		XTCP_TP_SOCK_FIELDS
		__field(int, state)
	),
	TP_fast_assign(
		XTCP_TP_SOCK_ASSIGN(sk);
		__entry->state = sk->sk_state;
	),
	TP_printk("src=%pISpc dest=%pISpc state=%s skaddr=%p",
		  __entry->src, __entry->dest,
		  xtcp_show_state(__entry->state), __entry->skaddr)
);

/* a RST was accepted: the connection is reset (Linux's tcp_receive_reset) */
DEFINE_EVENT(xtcp_sock_event, xtcp_receive_reset,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk)
);

/* the socket is freed (Linux's tcp_destroy_sock) */
DEFINE_EVENT(xtcp_sock_event, xtcp_destroy_sock,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk)
);

/* a keepalive probe left */
DEFINE_EVENT(xtcp_sock_event, xtcp_send_keepalive,
	TP_PROTO(const struct sock *sk),
	TP_ARGS(sk)
);

TRACE_EVENT(xtcp_retransmit_skb,
	TP_PROTO(const struct sock *sk, u32 seq, u32 end_seq, u8 flags),
	TP_ARGS(sk, seq, end_seq, flags),
	TP_STRUCT__entry(
		XTCP_TP_SOCK_FIELDS
		__field(int, state)
		__field(u32, seq)
		__field(u32, end_seq)
		__field(u8, flags)
	),
	TP_fast_assign(
		XTCP_TP_SOCK_ASSIGN(sk);
		__entry->state = sk->sk_state;
		__entry->seq = seq;
		__entry->end_seq = end_seq;
		__entry->flags = flags;
	),
	TP_printk("src=%pISpc dest=%pISpc state=%s seq=%u end_seq=%u flags=%#x skaddr=%p",
		  __entry->src, __entry->dest,
		  xtcp_show_state(__entry->state), __entry->seq,
		  __entry->end_seq, __entry->flags, __entry->skaddr)
);

/*
 * A RST leaves: from a socket (@sk, abort) or in answer to a segment that
 * has no connection (@sk NULL, @skb that segment): addresses as sent.
 */
TRACE_EVENT(xtcp_send_reset,
	TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	TP_ARGS(sk, skb),
	TP_STRUCT__entry(
		XTCP_TP_SOCK_FIELDS
		__field(int, state)
	),
	TP_fast_assign(
		if (sk) {
			XTCP_TP_SOCK_ASSIGN(sk);
			__entry->state = sk->sk_state;
		} else {
			const struct tcphdr *th = tcp_hdr(skb);

			__entry->skaddr = NULL;
			/* the answer's: the segment's destination is its source */
			xtcp_tp_skb_addrs(__entry->dest, __entry->src, skb);
			((struct sockaddr_in *)__entry->src)->sin_port = th->dest;
			((struct sockaddr_in *)__entry->dest)->sin_port = th->source;
			__entry->sport = ntohs(th->dest);
			__entry->dport = ntohs(th->source);
			__entry->state = TCP_CLOSE;
		}
	),
	TP_printk("src=%pISpc dest=%pISpc state=%s skaddr=%p",
		  __entry->src, __entry->dest,
		  xtcp_show_state(__entry->state), __entry->skaddr)
);

/* an acceptable ACK was processed (Linux's tcp_probe, for tcp_probe users) */
TRACE_EVENT(xtcp_probe,
	TP_PROTO(const struct sock *sk, u32 in_flight),
	TP_ARGS(sk, in_flight),
	TP_STRUCT__entry(
		XTCP_TP_SOCK_FIELDS
		__field(u32, snd_nxt)
		__field(u32, snd_una)
		__field(u32, snd_cwnd)
		__field(u32, ssthresh)
		__field(u32, snd_wnd)
		__field(u32, srtt)
		__field(u32, rcv_wnd)
		__field(u32, in_flight)
	),
	TP_fast_assign(
		const struct xtcp_sock *xs = (const struct xtcp_sock *)sk;

		XTCP_TP_SOCK_ASSIGN(sk);
		__entry->snd_nxt = xs->snd_nxt;
		__entry->snd_una = xs->snd_una;
		__entry->snd_cwnd = xs->cwnd;
		__entry->ssthresh = xs->ssthresh;
		__entry->snd_wnd = xs->snd_wnd;
		__entry->srtt = xs->srtt_us >> 3;
		__entry->rcv_wnd = xs->rcv_wnd;
		__entry->in_flight = in_flight;
	),
	TP_printk("src=%pISpc dest=%pISpc snd_nxt=%#x snd_una=%#x snd_cwnd=%u ssthresh=%u snd_wnd=%u srtt=%u rcv_wnd=%u in_flight=%u skaddr=%p",
		  __entry->src, __entry->dest,
		  __entry->snd_nxt, __entry->snd_una, __entry->snd_cwnd,
		  __entry->ssthresh, __entry->snd_wnd, __entry->srtt,
		  __entry->rcv_wnd, __entry->in_flight, __entry->skaddr)
);

/* a segment failed its checksum (Linux's tcp_bad_csum) */
TRACE_EVENT(xtcp_bad_csum,
	TP_PROTO(const struct sk_buff *skb),
	TP_ARGS(skb),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		__array(__u8, src, sizeof(struct sockaddr_in6))
		__array(__u8, dest, sizeof(struct sockaddr_in6))
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		xtcp_tp_skb_addrs(__entry->src, __entry->dest, skb);
	),
	TP_printk("src=%pISc dest=%pISc skbaddr=%p", __entry->src,
		  __entry->dest, __entry->skbaddr)
);

DECLARE_EVENT_CLASS(xtcp_tw_event,
	TP_PROTO(const struct xtcp_tw *tw),
	TP_ARGS(tw),
	TP_STRUCT__entry(
		__field(const void *, twaddr)
		__array(__u8, src, sizeof(struct sockaddr_in6))
		__array(__u8, dest, sizeof(struct sockaddr_in6))
		__field(__u16, sport)
		__field(__u16, dport)
	),
	TP_fast_assign(
		__entry->twaddr = tw;
		xtcp_tp_addr(__entry->src, tw->ent.family, &tw->ent.laddr6,
			     tw->ent.laddr, tw->ent.lport);
		xtcp_tp_addr(__entry->dest, tw->ent.family, &tw->ent.raddr6,
			     tw->ent.raddr, tw->ent.rport);
		__entry->sport = ntohs(tw->ent.lport);
		__entry->dport = ntohs(tw->ent.rport);
	),
	TP_printk("src=%pISpc dest=%pISpc twaddr=%p",
		  __entry->src, __entry->dest,
		  __entry->twaddr)
);

/* a connection entered TIME_WAIT (for net.xtcp.tw_timeout seconds) */
DEFINE_EVENT(xtcp_tw_event, xtcp_time_wait_enter,
	TP_PROTO(const struct xtcp_tw *tw),
	TP_ARGS(tw)
);

/* a TIME_WAIT entry ended: expired, killed by RST, reused or purged */
DEFINE_EVENT(xtcp_tw_event, xtcp_time_wait_exit,
	TP_PROTO(const struct xtcp_tw *tw),
	TP_ARGS(tw)
);

/* a listener dropped a SYN or a final ACK: its accept queue is full */
TRACE_EVENT(xtcp_listen_overflow,
	TP_PROTO(const struct sock *lsk),
	TP_ARGS(lsk),
	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__array(__u8, src, sizeof(struct sockaddr_in6))
		__field(__u16, sport)
		__field(u32, ack_backlog)
		__field(u32, max_ack_backlog)
	),
	TP_fast_assign(
		const struct inet_sock *inet = inet_sk(lsk);

		__entry->skaddr = lsk;
		xtcp_tp_addr(__entry->src, lsk->sk_family, &lsk->sk_v6_rcv_saddr,
			     inet->inet_rcv_saddr, inet->inet_sport);
		__entry->sport = ntohs(inet->inet_sport);
		__entry->ack_backlog = READ_ONCE(lsk->sk_ack_backlog);
		__entry->max_ack_backlog = READ_ONCE(lsk->sk_max_ack_backlog);
	),
	TP_printk("src=%pISpc ack_backlog=%u max_ack_backlog=%u skaddr=%p",
		  __entry->src, __entry->ack_backlog,
		  __entry->max_ack_backlog, __entry->skaddr)
);

#endif /* _XTCP_TRACE_H */

/* out-of-tree: the build adds module/ to the include path (Kbuild) */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE xtcp_trace
#include <trace/define_trace.h>
