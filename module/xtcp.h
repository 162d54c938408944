/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP private header: the socket, per-namespace state, counters and the
 * functions each file exports to the others. Every .c file includes this
 * first (it sets pr_fmt).
 */
#ifndef _XTCP_H
#define _XTCP_H

#undef pr_fmt
#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/percpu.h>
#include <linux/ipv6.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/tcp_states.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "../uapi/linux/xtcp.h"

/* headroom for link, IP and TCP headers of a segment we build */
#define XTCP_MAX_HEADER	L1_CACHE_ALIGN(128 + MAX_HEADER)

/* initial values Linux TCP reports for a fresh socket (RFC 6298, RFC 6928) */
#define XTCP_TIMEOUT_INIT	HZ
#define XTCP_INIT_CWND		10

/* ---- counters (/proc/net/xtcp_stat), named as Linux's TCP MIB ---- */
enum xtcp_mib {
	XTCP_MIB_ACTIVEOPENS,
	XTCP_MIB_PASSIVEOPENS,
	XTCP_MIB_ATTEMPTFAILS,
	XTCP_MIB_ESTABRESETS,
	XTCP_MIB_CURRESTAB,		/* gauge: inc/dec */
	XTCP_MIB_INSEGS,
	XTCP_MIB_OUTSEGS,
	XTCP_MIB_RETRANSSEGS,
	XTCP_MIB_INERRS,
	XTCP_MIB_OUTRSTS,
	XTCP_MIB_INCSUMERRORS,
	XTCP_MIB_LISTENOVERFLOWS,
	XTCP_MIB_LISTENDROPS,
	XTCP_MIB_EMBRYONICRSTS,
	XTCP_MIB_SYNCOOKIESSENT,
	XTCP_MIB_SYNCOOKIESRECV,
	XTCP_MIB_SYNCOOKIESFAILED,
	XTCP_MIB_TCPKEEPALIVE,
	XTCP_MIB_TCPABORTONTIMEOUT,
	XTCP_MIB_TIMEWAITED,
	XTCP_MIB_TCPTIMEWAITOVERFLOW,
	XTCP_MIB_TCPABORTONDATA,
	XTCP_MIB_TCPABORTONCLOSE,
	XTCP_MIB_TCPABORTONLINGER,
	XTCP_MIB_TCPCHALLENGEACK,
	XTCP_MIB_TCPREQQFULLDROP,
	XTCP_MIB_TCPREQQFULLDOCOOKIES,
	XTCP_MIB_TCPRCVQDROP,
	XTCP_MIB_TCPOFODROP,
	XTCP_MIB_TCPZEROWINDOWDROP,
	XTCP_MIB_TCPTIMEOUTS,
	XTCP_MIB_TCPSACKRECOVERY,
	XTCP_MIB_TCPRENORECOVERY,
	XTCP_MIB_TCPOFOQUEUE,
	XTCP_MIB_TCPFULLUNDO,
	XTCP_MIB_TCPLOSSUNDO,
	XTCP_MIB_TCPBACKLOGDROP,
	XTCP_MIB_OFOPRUNED,
	XTCP_MIB_OUTOFWINDOWICMPS,
	XTCP_MIB_TCPRCVCOLLAPSED,
	XTCP_MIB_TCPLOSSPROBES,
	XTCP_MIB_TCPDSACKRECV,
	XTCP_MIB_TCPLOSTRETRANSMIT,
	XTCP_MIB_TCPFASTRETRANS,
	XTCP_MIB_TCPSACKRENEGING,
	XTCP_MIB_PAWSESTAB,		/* PAWSEstabRejected */
	XTCP_MIB_TCPACKSKIPPEDSYNRECV,
	XTCP_MIB_TCPACKSKIPPEDPAWS,
	XTCP_MIB_TCPACKSKIPPEDSEQ,
	XTCP_MIB_TCPACKSKIPPEDTIMEWAIT,
	XTCP_MIB_TCPACKSKIPPEDCHALLENGE,
	XTCP_MIB_TCPACKCOMPRESSED,
	XTCP_MIB_MAX
};

struct xtcp_mib_percpu {
	u64 v[XTCP_MIB_MAX];
};

/* ---- per-namespace tunables (net.xtcp.*) ---- */
struct xtcp_sysctls {
	int keepalive_time;	/* seconds */
	int keepalive_intvl;	/* seconds */
	int keepalive_probes;
	int abort_on_overflow;
	int max_syn_backlog;
	int syncookies;
	int syn_retries;
	int synack_retries;
	int fin_timeout;	/* seconds */
	int retries1;
	int retries2;
	int orphan_retries;
	int rfc1337;
	int max_tw_buckets;
	int tw_reuse_mode;	/* net.xtcp.tw_reuse */
	int tw_timeout;		/* seconds; Linux fixes this at 60 */
	int rmem[3];
	int wmem[3];
	int sack;
	int timestamps;
	int window_scaling;
	int moderate_rcvbuf;	/* receive-buffer autotuning */
	int invalid_ratelimit;	/* ms between ACKs to unacceptable segments */
	int challenge_ack_limit; /* challenge ACKs per second, namespace-wide */
	int backlog_ack_defer;	/* one ACK per backlog run (Linux 6.7+) */
	int comp_sack_delay_ns;	/* SACK compression: longest hold */
	int comp_sack_slack_ns;	/* ... and the timer's slack */
	int comp_sack_nr;	/* ... and most ACKs held back in a row */
	const struct xtcp_cong_ops *ca_default;	/* net.xtcp.congestion_control */
};

/* ---- lookup tables, one set per namespace ---- */
#define XTCP_BHASH_BITS	10	/* bound sockets, by local port */
#define XTCP_LHASH_BITS	8	/* listeners, by local port */
#define XTCP_EHASH_BITS	14	/* connections, by 4-tuple */
#define XTCP_EHASH_LOCKS 256

struct xtcp_hashinfo {
	spinlock_t bind_lock;			/* bhash; BH-safe */
	struct hlist_head bhash[1 << XTCP_BHASH_BITS];
	spinlock_t listen_lock;			/* lhash writers; readers RCU */
	struct hlist_head lhash[1 << XTCP_LHASH_BITS];
	struct hlist_head *ehash;		/* writers: ehash_locks; readers RCU */
	spinlock_t ehash_locks[XTCP_EHASH_LOCKS];
	u32 port_offset;			/* RFC 6056 per-netns secret */
	u32 ehash_secret;
	atomic_t port_hint;			/* RFC 6056 alg. 3 counter */
};

/**
 * struct xtcp_net - XTCP state of one network namespace
 * @sysctl: the net.xtcp.* values of this namespace
 * @sysctl_hdr: registered sysctl table (kmemdup'd per namespace)
 * @mib: per-CPU counters
 * @hash: bind, listen and connection lookup tables
 * @tw_count: TIME_WAIT entries (bounded by net.xtcp.max_tw_buckets)
 * @tw_lock: protects @tw_row (BH-safe)
 * @tw_row: TIME_WAIT entries waiting to expire, the earliest first
 * @tw_timer: fires at the first entry's expiry (or earlier)
 * @challenge_timestamp: second (jiffies / HZ) @challenge_count belongs to
 * @challenge_count: challenge ACKs still allowed in that second
 */
struct xtcp_net {
	struct xtcp_sysctls sysctl;
	struct ctl_table_header *sysctl_hdr;
	struct xtcp_mib_percpu __percpu *mib;
	struct xtcp_hashinfo hash;
	atomic_t tw_count;
	spinlock_t tw_lock;
	struct list_head tw_row;
	struct timer_list tw_timer;
	u32 challenge_timestamp;
	u32 challenge_count;
};

extern unsigned int xtcp_net_id;
extern int xtcp_ipproto;

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

static inline void xtcp_inc_stats(struct net *net, enum xtcp_mib f)
{
	this_cpu_inc(xtcp_pernet(net)->mib->v[f]);
}

static inline void xtcp_dec_stats(struct net *net, enum xtcp_mib f)
{
	this_cpu_dec(xtcp_pernet(net)->mib->v[f]);
}

static inline void xtcp_add_stats(struct net *net, enum xtcp_mib f,
				  unsigned int n)
{
	this_cpu_add(xtcp_pernet(net)->mib->v[f], n);
}

/* segments a (GSO or GRO) skb stands for: Linux's tcp_skb_pcount() */
static inline unsigned int xtcp_skb_segs(const struct sk_buff *skb)
{
	return max_t(unsigned int, 1, skb_shinfo(skb)->gso_segs);
}

/* ---- sequence arithmetic (RFC 9293 3.4) ---- */
static inline bool xtcp_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}
#define xtcp_after(a, b) xtcp_before(b, a)

/* a <= b <= c, modulo 2^32 */
static inline bool xtcp_between(u32 b, u32 a, u32 c)
{
	return c - a >= b - a;
}

/* TCP header flag bits, as in byte 13 of the header */
#define xtcp_flag_byte(th)	(((u8 *)(th))[13])
#define XTCP_FIN	0x01
#define XTCP_SYN	0x02
#define XTCP_RST	0x04
#define XTCP_PSH	0x08
#define XTCP_ACK	0x10
#define XTCP_URG	0x20

/* RFC 6298 / Linux limits */
#define XTCP_RTO_MIN		(HZ / 5)
#define XTCP_RTO_MAX		(120 * HZ)
/* a probe that failed locally is retried after this (Linux's value) */
#define XTCP_RESOURCE_PROBE_INTERVAL	(HZ / 2)
#define XTCP_MSS_DEFAULT	536U	/* RFC 9293 when the peer sends no MSS */
#define XTCP_MIN_MSS		88U	/* TCP_MIN_MSS */
#define XTCP_MAX_WSCALE		14

/**
 * struct xtcp_skb_cb - per-segment control block in skb->cb
 * @seq: first sequence number
 * @end_seq: seq + SYN + FIN + payload length
 * @ack_seq: acknowledgment number of a received segment
 * @flags: TCP flags (XTCP_*)
 * @when: jiffies when last sent (write queue), for RTT samples
 * @ofo_tick: the socket's ofo_clock when data last reached this segment
 *	(out-of-order queue; shares @when's room): SACK block order
 * @sacked: scoreboard bits of a sent segment (write queue)
 * @retransmitted: sent more than once (Karn's rule)
 * @tw_isn: ISN to use for a SYN that replaced a TIME_WAIT entry
 * @iif: arrival interface of a received segment (IPv6 keeps it in
 *	IP6CB, which this control block replaces)
 * @xmit_ns: ktime_get_ns() when last sent (write queue), for RACK
 *	(0: not sent yet)
 */
struct xtcp_skb_cb {
	u32 seq;
	u32 end_seq;
	u32 ack_seq;
	u8 flags;
	u8 sacked;		/* XTCP_SACKED | XTCP_LOST | XTCP_RETRANS */
	bool retransmitted;
	union {
		unsigned long when;	/* jiffies when last sent */
		u32 ofo_tick;		/* out-of-order: latest ofo_clock */
	};
	u32 tw_isn;		/* ISN for a SYN that reuses TIME_WAIT */
	int iif;		/* arrival interface (received segments) */
	u64 xmit_ns;		/* ktime_get_ns() when last sent (RACK) */
};
#define XTCP_SKB_CB(skb) ((struct xtcp_skb_cb *)&((skb)->cb[0]))

/* scoreboard bits (RFC 6675) */
#define XTCP_SACKED	0x01	/* the peer holds it (SACK) */
#define XTCP_LOST	0x02	/* considered lost: to be retransmitted */
#define XTCP_RETRANS	0x04	/* retransmitted, still outstanding */

#define XTCP_MAX_SACKS	4

/* a segment in this scoreboard state is not in the pipe (RFC 6675) */
static inline u32 xtcp_sacked_excl(u8 sacked)
{
	return (sacked & XTCP_SACKED) ||
	       (sacked & (XTCP_LOST | XTCP_RETRANS)) == XTCP_LOST;
}

/**
 * struct xtcp_sack - a SACK block, [start, end)
 * @start: first sequence number of the block (Left Edge)
 * @end: sequence number just past the block (Right Edge)
 */
struct xtcp_sack {
	u32 start;
	u32 end;
};

/**
 * struct xtcp_opts - TCP options of a received segment
 * @mss: MSS option (SYN only), 0 when absent
 * @wscale: window scale option (SYN only), capped at XTCP_MAX_WSCALE
 * @wscale_ok: a window scale option was present (SYN only)
 * @sack_ok: SACK-permitted option was present (SYN only)
 * @ts_ok: a timestamp option was present
 * @tsval: the peer's timestamp value (TSval), when @ts_ok
 * @tsecr: the timestamp echo reply (TSecr), when @ts_ok
 * @num_sacks: SACK blocks in @sacks (non-SYN only), 0 when none
 * @sacks: the SACK blocks, in the order the segment lists them
 */
struct xtcp_opts {
	u16 mss;
	u8 wscale;
	bool wscale_ok;
	bool sack_ok;
	bool ts_ok;
	u32 tsval;
	u32 tsecr;
	u8 num_sacks;
	struct xtcp_sack sacks[XTCP_MAX_SACKS];
};

/**
 * struct xtcp_out_opts - TCP options to put on a segment we send
 * @mss: MSS option (SYN only)
 * @wscale: our window scale (SYN only, with @ws)
 * @ws: send the window scale option (SYN only)
 * @sack: send SACK-permitted (SYN only)
 * @ts: send the timestamp option
 * @tsval: our timestamp value (TSval), with @ts
 * @tsecr: the timestamp we echo (TSecr), with @ts
 * @num_sacks: SACK blocks in @sacks (non-SYN only)
 * @sacks: SACK blocks to send, first one first
 */
struct xtcp_out_opts {
	u16 mss;
	u8 wscale;
	bool ws;
	bool sack;
	bool ts;
	u32 tsval;
	u32 tsecr;
	int num_sacks;
	struct xtcp_sack sacks[XTCP_MAX_SACKS];
};

/* congestion states (Linux's names) */
enum xtcp_ca_state {
	XTCP_CA_OPEN = 0,	/* Linux's TCP_CA_Open: tcpi_ca_state reads alike */
	XTCP_CA_RECOVERY = 3,	/* fast recovery (RFC 5681/6582/6675) */
	XTCP_CA_LOSS = 4,	/* after a retransmission timeout */
};

/*
 * Purposes of the transmit timer (xtcp_sock.retrans_timer), with the
 * values of Linux's ICSK_TIME_* for the same purposes
 */
enum xtcp_xmit_timer {
	XTCP_XMIT_NONE = 0,
	XTCP_XMIT_RTO = 1,		/* ICSK_TIME_RETRANS */
	XTCP_XMIT_PROBE0 = 3,		/* ICSK_TIME_PROBE0: zero window */
	XTCP_XMIT_LOSS_PROBE = 5,	/* ICSK_TIME_LOSS_PROBE: RACK-TLP */
	XTCP_XMIT_REO = 6,		/* ICSK_TIME_REO_TIMEOUT: RACK */
};

struct xtcp_sock;

#define XTCP_CA_NAME_MAX	16	/* Linux's TCP_CA_NAME_MAX */
/*
 * Room for a congestion control's state, in u64s: CUBIC needs 60 bytes.
 * Linux reserves 104 (ICSK_CA_PRIV_SIZE) for algorithms XTCP does not
 * have; a new one checks its size as CUBIC does (BUILD_BUG_ON).
 */
#define XTCP_CA_PRIV_U64	8

/* congestion control events (Linux's enum tcp_ca_event, the ones used) */
enum xtcp_ca_event {
	XTCP_CA_EVENT_TX_START,	/* new data leaves with nothing in flight */
};

/**
 * struct xtcp_cong_ops - a congestion control algorithm (Linux's
 * struct tcp_congestion_ops, the hooks XTCP's algorithms use)
 * @name: as TCP_CONGESTION, net.xtcp.congestion_control and sock_diag
 *	show it (NUL-padded, as Linux's)
 * @init: optional: set up the algorithm's private state (xtcp_ca_priv())
 *	when the connection is established or the algorithm is switched; the
 *	window itself is set by xtcp_cong_init()
 * @ssthresh: new slow-start threshold on loss, from cwnd (Linux's ssthresh op)
 * @cong_avoid: grow cwnd for @acked newly acknowledged segments
 * @set_state: optional: the connection enters congestion state @new_state
 *	(enum xtcp_ca_state), called before it changes
 * @cwnd_event: optional: an event of enum xtcp_ca_event
 * @pkts_acked: optional: an ACK that reached the write queue; @rtt_us is
 *	the RTT of the latest-sent segment it delivered, -1 for none (Linux's
 *	ack_sample.rtt_us)
 *
 * Context: every hook runs with the socket lock or bh_lock_sock held.
 */
struct xtcp_cong_ops {
	char name[XTCP_CA_NAME_MAX];
	void (*init)(struct xtcp_sock *xs);
	u32 (*ssthresh)(struct xtcp_sock *xs);
	void (*cong_avoid)(struct xtcp_sock *xs, u32 acked);
	void (*set_state)(struct xtcp_sock *xs, u8 new_state);
	void (*cwnd_event)(struct xtcp_sock *xs, enum xtcp_ca_event ev);
	void (*pkts_acked)(struct xtcp_sock *xs, s32 rtt_us);
};

/* ---- entries of the connection hash (ehash) ---- */
enum xtcp_ent_kind {
	XTCP_ENT_SOCK,		/* struct xtcp_sock */
	XTCP_ENT_REQ,		/* struct xtcp_request (SYN queue) */
	XTCP_ENT_TW,		/* struct xtcp_tw (TIME_WAIT) */
};

/**
 * struct xtcp_bnode - what bind-hash chains link: a socket or a TIME_WAIT
 * entry holding a local port. Both embedders place it right after their
 * struct xtcp_ent, whose @kind tells them apart (xtcp_bnode_is_tw()).
 * @node: chain link (bind_lock)
 */
struct xtcp_bnode {
	struct hlist_node node;
};

/**
 * struct xtcp_ent - what ehash chains link; embedded in each object kind
 * @node: chain link (RCU readers; writers hold the bucket's ehash lock)
 * @laddr6: local address; an IPv4 one as ::ffff:a.b.c.d (@family says
 *	which: IPv6 input drops v4-mapped addresses, so they never clash)
 * @lpad: the first 12 bytes of an IPv4 entry's @laddr6 (::ffff:)
 * @laddr: local IPv4 address, the last word of @laddr6
 * @raddr6: remote address, as @laddr6
 * @rpad: the first 12 bytes of an IPv4 entry's @raddr6
 * @raddr: remote IPv4 address, the last word of @raddr6
 * @lport: local port, network order
 * @rport: remote port, network order
 * @family: AF_INET or AF_INET6: the network layer of the connection
 * @kind: enum xtcp_ent_kind
 * @hashed: on a chain
 */
struct xtcp_ent {
	struct hlist_node node;
	union {
		struct in6_addr laddr6;
		struct {
			__be32 lpad[3];
			__be32 laddr;
		};
	};
	union {
		struct in6_addr raddr6;
		struct {
			__be32 rpad[3];
			__be32 raddr;
		};
	};
	__be16 lport;
	__be16 rport;
	u8 family;
	u8 kind;
	bool hashed;
};

/**
 * xtcp_ent_set4() - an IPv4 4-tuple into @e (addresses as v4-mapped)
 * @e: the entry
 * @laddr: local address
 * @lport: local port
 * @raddr: remote address
 * @rport: remote port
 */
static inline void xtcp_ent_set4(struct xtcp_ent *e, __be32 laddr, __be16 lport,
				 __be32 raddr, __be16 rport)
{
	ipv6_addr_set_v4mapped(laddr, &e->laddr6);
	ipv6_addr_set_v4mapped(raddr, &e->raddr6);
	e->lport = lport;
	e->rport = rport;
	e->family = AF_INET;
}

/**
 * xtcp_ent_set6() - an IPv6 4-tuple into @e
 * @e: the entry
 * @laddr: local address
 * @lport: local port
 * @raddr: remote address
 * @rport: remote port
 */
static inline void xtcp_ent_set6(struct xtcp_ent *e,
				 const struct in6_addr *laddr, __be16 lport,
				 const struct in6_addr *raddr, __be16 rport)
{
	e->laddr6 = *laddr;
	e->raddr6 = *raddr;
	e->lport = lport;
	e->rport = rport;
	e->family = AF_INET6;
}

/**
 * xtcp_ent_copy_tuple() - give @to the 4-tuple and family of @from
 * @to: the entry to fill
 * @from: the entry to copy
 */
static inline void xtcp_ent_copy_tuple(struct xtcp_ent *to,
				       const struct xtcp_ent *from)
{
	to->laddr6 = from->laddr6;
	to->raddr6 = from->raddr6;
	to->lport = from->lport;
	to->rport = from->rport;
	to->family = from->family;
}

/**
 * struct xtcp_request - a half-open connection in a listener's SYN queue
 * @ent: ehash entry (kind XTCP_ENT_REQ), so the third segment finds it
 * @refcnt: references: ehash, timer, lookups
 * @listener: the listening socket (reference held)
 * @list: link in the listener's syn queue (listener queue_lock)
 * @timer: SYN-ACK retransmission
 * @iss: our initial sequence number
 * @irs: peer's initial sequence number
 * @ts_recent: peer's last timestamp value
 * @tsoff: our timestamp offset
 * @mss: peer's MSS
 * @advmss: MSS we announce (route MTU - 40, TCP_MAXSEG-clamped)
 * @rcv_wnd: window we advertised in the SYN-ACK (unscaled)
 * @snd_wscale: peer's window scale
 * @rcv_wscale: our window scale
 * @wscale_ok: window scaling negotiated
 * @sack_ok: SACK negotiated
 * @ts_ok: timestamps negotiated
 * @num_timeout: SYN-ACK retransmissions so far
 * @acked: final ACK seen but the accept queue was full (or deferred)
 * @iif: arrival interface
 * @started: jiffies of the first SYN-ACK
 * @last_oow_ack_time: jiffies (u32) of the last SYN-ACK sent in answer to
 *	an unacceptable segment (xtcp_oow_rate_limited()), 0 for none
 * @cookie: sock_diag cookie, given the first time one is asked for (0
 *	until then), as a request_sock's ir_cookie
 * @rcu: deferred free
 */
struct xtcp_request {
	struct xtcp_ent ent;
	refcount_t refcnt;
	struct sock *listener;
	struct list_head list;
	struct timer_list timer;
	u32 iss;
	u32 irs;
	u32 ts_recent;
	u32 tsoff;
	u16 mss;
	u16 advmss;
	u16 rcv_wnd;
	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	bool sack_ok;
	bool ts_ok;
	u8 num_timeout;
	bool acked;
	int iif;
	unsigned long started;
	u32 last_oow_ack_time;
	atomic64_t cookie;
	struct rcu_head rcu;
};

/**
 * struct xtcp_tw - a connection in TIME_WAIT: only what RFC 9293 and
 * Linux's tcp_timewait_state_process() need, a fraction of a socket
 * @ent: ehash entry (kind XTCP_ENT_TW)
 * @bnode: bind-hash entry: TIME_WAIT keeps the local port
 * @refcnt: references: hashes, the namespace's row while on it, lookups
 * @hashed: still on both hashes (cleared once by whoever unhashes)
 * @net: namespace (no reference: the namespace purges its entries)
 * @row: link in xtcp_net.tw_row (tw_lock) until expiry or an early end;
 *	empty once off it
 * @rcu: deferred free, once no reference is left (so off the row: shares
 *	@row's memory)
 * @expires: jiffies (low 32 bits) when the entry expires, after
 *	net.xtcp.tw_timeout
 * @rcv_nxt: next sequence number expected from the peer
 * @snd_nxt: our next sequence number
 * @ts_recent: peer's last timestamp value
 * @ts_recent_stamp: when @ts_recent was taken, seconds
 * @tsoff: our timestamp offset
 * @rcv_wnd: window we advertise, unscaled bytes
 * @rcv_wscale: our window scale
 * @ts_ok: timestamps were negotiated
 * @reuse: SO_REUSEADDR of the socket it replaces (sk_reuse: bind conflicts)
 * @reuseport: SO_REUSEPORT of that socket
 * @connect_bound: the port was chosen by connect()
 * @dif: bound device of that socket
 * @last_oow_ack_time: jiffies (u32) of the last ACK sent in answer to an
 *	unacceptable segment, 0 for none
 * @cookie: sock_diag cookie: the socket's, kept (Linux's tw_cookie), or
 *	given the first time one is asked for
 *
 * No timer of its own (40 bytes): the namespace's one timer expires the
 * entries of its row in order.
 */
struct xtcp_tw {
	struct xtcp_ent ent;
	struct xtcp_bnode bnode;
	refcount_t refcnt;
	atomic_t hashed;
	possible_net_t net;
	union {
		struct list_head row;
		struct rcu_head rcu;
	};
	atomic64_t cookie;
	u32 expires;
	u32 rcv_nxt;
	u32 snd_nxt;
	u32 ts_recent;
	u32 ts_recent_stamp;
	u32 tsoff;
	u32 rcv_wnd;
	int dif;
	u32 last_oow_ack_time;
	u8 rcv_wscale:4;
	u8 reuse:2;
	bool ts_ok:1;
	bool reuseport:1;
	bool connect_bound:1;
};

static_assert(offsetof(struct xtcp_tw, bnode) ==
	      offsetof(struct xtcp_tw, ent) + sizeof(struct xtcp_ent));

/**
 * struct xtcp_af_ops - what differs between XTCP over IPv4 and over IPv6
 * (Linux's inet_connection_sock_af_ops): the protocol state machine in
 * xtcp_input.c, xtcp_output.c and xtcp_listen.c calls these and knows no
 * network layer
 * @family: AF_INET or AF_INET6
 * @net_header_len: network header bytes of a segment (20 or 40)
 * @queue_xmit: send a socket's segment, TCP header and checksum ready
 *	(ip_queue_xmit(), inet6_csk_xmit())
 * @send_check: the pseudo-header part of a socket's segment checksum
 *	(protocol/next header 6), the rest left to CHECKSUM_PARTIAL
 * @send_reset: answer a segment that has no connection with RST
 * @send_tw_ack: the ACK of a TIME_WAIT entry
 * @send_synack: (re)send a request's SYN-ACK; @cookie_iss as
 *	xtcp_send_synack()
 * @route_mtu: MTU of the route from a listener to a request's peer (0
 *	when there is none)
 * @update_pmtu: record a smaller path MTU in the socket's route
 *	(inet_csk_update_pmtu(), inet6_csk_update_pmtu()); the route, or NULL
 * @child_route: give a child socket its request's addresses and a route
 *
 * Context: as the callers' (softirq or with the socket lock held).
 */
struct xtcp_af_ops {
	sa_family_t family;
	u16 net_header_len;
	int (*queue_xmit)(struct sock *sk, struct sk_buff *skb);
	void (*send_check)(struct sock *sk, struct sk_buff *skb);
	void (*send_reset)(struct net *net, struct sk_buff *skb);
	void (*send_tw_ack)(struct xtcp_tw *tw);
	int (*send_synack)(struct xtcp_request *req, u32 cookie_iss);
	u32 (*route_mtu)(struct sock *lsk, struct xtcp_request *req);
	struct dst_entry *(*update_pmtu)(struct sock *sk, u32 mtu);
	int (*child_route)(struct sock *child, struct xtcp_request *req);
};

/* ---- the socket ---- */

/**
 * struct xtcp_sock - an XTCP socket
 * @inet: inet part (addresses, ports, IP options); must be first
 * @ent: ehash entry while connected or connecting
 * @bnode: link in xtcp_hashinfo.bhash while bound (bind_lock)
 * @listen_node: link in xtcp_hashinfo.lhash while listening (listen_lock,
 *	RCU); shares its room with @accept_node: a listener never waits in an
 *	accept queue, a child waiting there is not listening (a socket freed
 *	after RCU, or listening only after accept() and a disconnect)
 * @bound: on the bind hash
 * @connect_bound: the port was picked by connect() (shareable by 4-tuple)
 * @v6addr: bound or connected with a sockaddr_in6 (v4-mapped address);
 *	sticky: getsockname()/getpeername() then answer with sockaddr_in6
 * @listen_hashed: on the listen hash
 *
 * Listener part (queue_lock; SYNs are handled without the socket lock):
 * @queue_lock: protects synq, synq_len, acceptq, sk_ack_backlog
 * @synq: struct xtcp_request.list
 * @synq_len: requests in @synq
 * @acceptq: established children not yet accepted (accept_node)
 * @accept_node: link in the listener's acceptq
 * @defer_accept: TCP_DEFER_ACCEPT in SYN-ACK retransmissions
 * @synq_overflow: jiffies of the last SYN answered with a cookie SYN-ACK
 *	(SYN queue full); cookie ACKs are accepted only within 120 s of it
 *	unless net.xtcp.syncookies is 2
 *
 * Connection part (socket lock, or bh_lock_sock when not owned by user):
 * snd_* / rcv_* as RFC 9293 names them.
 * @iss: our initial sequence number (ISS)
 * @irs: the peer's initial sequence number (IRS)
 * @snd_una: oldest unacknowledged sequence number (SND.UNA)
 * @snd_nxt: next sequence number to send (SND.NXT)
 * @snd_wnd: the peer's receive window, bytes, already scaled (SND.WND)
 * @snd_wl1: sequence number of the segment that last updated @snd_wnd
 *	(SND.WL1)
 * @snd_wl2: acknowledgment number of the segment that last updated
 *	@snd_wnd (SND.WL2)
 * @max_window: largest window the peer has offered, bytes; bounds the MSS
 *	to half of it and the oldest acceptable ACK (@snd_una - @max_window)
 * @write_seq: sequence number of the next byte sendmsg queues (one past
 *	the end of sk_write_queue, SYN and FIN included)
 * @pushed_seq: @write_seq when PSH was last set (Linux's pushed_seq): a
 *	write that runs past half the peer's largest window beyond it sets
 *	PSH on the way (forced push)
 * @rcv_nxt: next sequence number expected from the peer (RCV.NXT)
 * @rcv_wnd: window we last advertised, bytes, unscaled (RCV.WND)
 * @rcv_ssthresh: the window Linux would offer (its rcv_ssthresh: the
 *	initial window, grown by two segments per in-order segment while the
 *	free space allows, as tcp_grow_window()); XTCP offers the whole free
 *	space, and uses this only to decide when an ACK goes at once
 *	(xtcp_data_queue())
 * @rcv_wup: @rcv_nxt when @rcv_wnd was advertised: the advertised right
 *	edge is @rcv_wup + @rcv_wnd and is never moved left
 * @copied_seq: sequence number of the next byte recvmsg returns
 * @window_clamp: largest window we advertise, bytes (65535 << @rcv_wscale)
 * @mss_cache: payload bytes per segment we send: path MTU, @rx_mss and
 *	@user_mss less the timestamp option, at most half @max_window
 * @advmss: MSS we announce in our SYN or SYN-ACK (route MTU - 40, at most
 *	@user_mss)
 * @rcv_mss: largest segment received so far, at most @advmss (536 until
 *	one arrives; Linux's rcv_mss), the receiver's silly-window unit
 * @rx_mss: MSS the peer announced (536 when its SYN had none)
 * @user_mss: TCP_MAXSEG, 0 when not set
 * @snd_wscale: the peer's window scale: shift applied to windows it sends
 * @rcv_wscale: our window scale: shift applied to windows we send
 * @wscale_ok: window scaling offered (net.xtcp.window_scaling) until the
 *	SYN-ACK, then negotiated
 * @sack_ok: SACK offered (net.xtcp.sack) until the SYN-ACK, then
 *	negotiated
 * @ts_ok: timestamps offered (net.xtcp.timestamps) until the SYN-ACK,
 *	then negotiated (RFC 7323)
 * @ts_recent: TS.Recent: the peer's TSval we echo in TSecr, for PAWS
 * @ts_recent_stamp: ktime_get_seconds() when @ts_recent was taken, for
 *	PAWS aging (24 days) and RSTs with an old timestamp
 * @tsoff: offset added to the millisecond clock for our TSval
 *	(xtcp_ts_offset())
 * @ofo_queue: out-of-order data, sorted by sequence number, charged to
 *	sk_rmem_alloc and pruned from its tail when over sk_rcvbuf
 * @send_head: first unsent skb in sk_write_queue, NULL when all was sent;
 *	the skbs before it are in flight
 * @retrans_timer: the transmit timer: SYN, data and FIN retransmission
 *	(RTO), zero-window probe, RACK's reordering window or tail loss
 *	probe, as @xmit_timer says
 * @xmit_timer: what @retrans_timer is armed for (enum xtcp_xmit_timer),
 *	set only by xtcp_reset_xmit_timer()/xtcp_clear_xmit_timer()
 * @delack_timer: delayed ACK (40 ms)
 * @srtt_us: smoothed RTT in microseconds, << 3 (0: no sample yet)
 * @rttvar_us: RTT variation in microseconds, << 2 (RFC 6298 RTTVAR)
 * @rto: retransmission timeout in jiffies, before backoff, within
 *	[XTCP_RTO_MIN, XTCP_RTO_MAX]
 * @retransmits: retransmission timeouts since the last ACK of new data;
 *	compared with the SYN retries or retries2 limit
 * @backoff: exponent of the timer backoff (@rto << @backoff), at most 15;
 *	cleared by an ACK of new data
 * @ack_pending: an ACK is held back for the delayed-ACK timer
 * @quickack: ACKs still to send at once, not in ping-pong mode (Linux's
 *	icsk_ack.quick): up to XTCP_MAX_QUICKACKS from the first data on,
 *	again after a gap longer than the RTO or a duplicate segment
 * @ack_pushed: small segments received since our last ACK, at most 2
 *	(Linux's ICSK_ACK_PUSHED and ICSK_ACK_PUSHED2)
 * @pingpong: data sent within the delayed-ACK time of data received
 *	(Linux's icsk_ack.pingpong); from XTCP_PINGPONG_THRESH on the
 *	connection is interactive: reading does not ACK a single small
 *	segment, the reply carries the ACK
 * @ato: the delayed-ACK timeout in jiffies (Linux's icsk_ack.ato): 0 until
 *	the first data arrives, then XTCP_ATO_MIN, adapted to the gaps
 *	between data segments (xtcp_event_data_recv()) and doubled by each
 *	delayed ACK that went unanswered, at most XTCP_DELACK_MAX
 * @lrcvtime: jiffies (low 32 bits) of the last in-order data received,
 *	or of the handshake's end
 * @rcv_ratio: payload bytes per truesize byte of received full-sized
 *	skbs, in 1/256 (moving average, 16..255): turns receive buffer space
 *	into window (xtcp_space_to_win())
 * @rcvq_space: receive-buffer autotuning (Linux's rcvq_space): bytes the
 *	user read in the last measured receiver RTT
 * @rcvq_seq: @copied_seq when that measurement began
 * @rcvq_time_us: when it began (xtcp_clock_us())
 * @rcv_rtt_us: the receiver's RTT estimate, << 3 (0: none yet), from
 *	timestamp echoes or, without timestamps, from the time a window
 *	of data takes to arrive (Linux's rcv_rtt_est)
 * @rcv_rtt_seq: end of the window being timed (without timestamps)
 * @rcv_rtt_time_us: when that window began
 * @rcv_rtt_tsecr: the echo last used for a sample
 * @ca_ops: congestion control algorithm (the namespace's
 *	net.xtcp.congestion_control at socket creation, a listener's for its
 *	children, TCP_CONGESTION)
 * @ca_priv: the algorithm's private state (xtcp_ca_priv()), as Linux's
 *	icsk_ca_priv
 * @lsndtime: jiffies (u32) when new data was last sent (Linux's
 *	lsndtime), for XTCP_CA_EVENT_TX_START
 * @ca_rtt_us: RTT in microseconds of the latest-sent, never-retransmitted
 *	segment the ACK being processed delivered (SACKed or cumulatively
 *	ACKed), -1 for none: the sample @ca_ops->pkts_acked gets
 * @cwnd: congestion window, segments
 * @cwnd_cnt: segments ACKed in congestion avoidance toward the next
 *	increment of @cwnd (one per @cwnd)
 * @ssthresh: slow-start threshold, segments
 * @ca_state: enum xtcp_ca_state
 * @recover: @snd_nxt when fast recovery or loss recovery began (RFC 6582
 *	"recover"); recovery ends once @snd_una reaches it
 * @dupacks: consecutive duplicate ACKs (fast retransmit at 3, without SACK)
 * @reno_sacked: without SACK, duplicate ACKs standing in for SACKed
 *	segments: subtracted from the pipe (xtcp_packets_in_flight())
 * @packets_out: segments sent and not cumulatively acknowledged (Linux's
 *	packets_out): the write queue before @send_head
 * @sacked_out: of those, SACKed (Linux's sacked_out)
 * @pipe_excl: of those, the ones not in the pipe: SACKed, or marked lost
 *	and not retransmitted since (Linux's sacked_out + lost_out -
 *	retrans_out); kept by xtcp_set_sacked()
 * @total_retrans: segments retransmitted over the connection's life
 *	(tcpi_total_retrans)
 * @ofo_clock: out-of-order arrivals so far (a duplicate of queued data
 *	included), stamped on the queued segment they reach (ofo_tick): SACK
 *	blocks are reported most recently reached first, as Linux's
 *	selective_acks[] (RFC 2018 4)
 * @reordering: reordering degree in segments (Linux's tp->reordering):
 *	SACKed segments above a hole before it is deemed lost; starts at 3,
 *	grows with late arrivals up to 300
 * @high_sacked: highest end_seq SACKed or cumulatively ACKed, to measure
 *	how late a delivered segment was (reordering)
 * @prior_cwnd: @cwnd before a reduction, for undo; PRR's RecoverFS
 * @prior_ssthresh: @ssthresh before a reduction, for undo
 * @undo_tsval: our TSval on the first retransmission of the episode (0:
 *	none); an ACK echoing an older TSval shows the retransmission was
 *	spurious (RFC 3522 Eifel) and undoes the reduction
 * @is_cwnd_limited: @cwnd was full at a push in the current window
 *	(Linux's is_cwnd_limited, tcp_cwnd_validate()): @cwnd may grow
 * @big_out: a sent skb of several segments may be in the write queue
 *	(xtcp_split_flight() cuts them before the scoreboard is used)
 * @max_packets_out: most segments in flight at a push in the current
 *	window; in slow start @cwnd grows up to twice it (RFC 7661)
 * @cwnd_usage_seq: @snd_nxt when the current window began; once @snd_una
 *	passes it, the next push starts a new one
 * @rack_xmit_ns: RACK.xmit_ts: latest send time (ktime_get_ns()) among
 *	delivered segments (0: none yet)
 * @rack_end_seq: RACK.end_seq: end_seq of that segment
 * @rack_rtt_us: RACK.rtt: RTT of that segment, microseconds
 * @min_rtt_us: lowest RTT sample over 300 s, microseconds (0: none yet)
 * @min_rtt_stamp: jiffies when @min_rtt_us was taken
 * @rack_dsack_seq: @snd_nxt when @rack_reo_steps last grew: it grows at
 *	most once a round trip
 * @rack_reo_steps: RACK's reordering window in @min_rtt_us / 4 units
 *	(1, one more per DSACK round trip, at most 255)
 * @rack_recoveries: recoveries left before @rack_reo_steps falls back to 1
 *	(16 when it grows, Linux's TCP_RACK_RECOVERY_THRESH)
 * @rack_reord: reordering seen on this connection: RACK uses a non-zero
 *	reordering window
 * @tlp_retrans: the loss probe retransmitted the last segment (rather than
 *	sending new data)
 * @tlp_high_seq: @snd_nxt when the loss probe was sent (0: none out)
 * @undo_retrans: retransmissions not yet proven spurious (Linux's
 *	undo_retrans); not maintained yet, always 0
 * @dsack_start: receiver side: start of a duplicate range to report in
 *	the next ACK's first SACK block (RFC 2883 DSACK)
 * @dsack_end: end of that range
 * @dsack_pending: @dsack_start..@dsack_end waits to be reported
 * @dup_ack_counter: duplicate ACKs sent at once for @comp_ack_rcv_nxt;
 *	after three, SACK compression holds the next ones (Linux's)
 * @compressed_ack: duplicate ACKs held back since the last ACK sent
 *	(counted as TCPAckCompressed when one goes)
 * @comp_ack_rcv_nxt: rcv_nxt the duplicate ACKs were counted for
 * @comp_ack_timer: sends the held duplicate ACK after at most 5% of the
 *	RTT and net.xtcp.comp_sack_delay_ns (Linux's compressed_ack_timer);
 *	holds a socket reference while queued
 * @prr_delivered: PRR (RFC 6937): segments delivered since recovery began
 * @prr_out: PRR: segments sent since recovery began
 * @acked_unsacked: segments the ACK being processed cumulatively
 *	acknowledges that were never SACKed (PRR's delivered count)
 * @retrans_stamp: jiffies when the head segment was first sent, set once
 *	it is retransmitted (0: no retransmission since the last ACK of new
 *	data); TCP_USER_TIMEOUT counts from it
 * @rcv_tstamp: jiffies of the last acceptable ACK (the peer is alive);
 *	keepalive idle time counts from it
 * @last_oow_ack_time: jiffies (u32) of the last ACK answering an
 *	unacceptable segment or a challenge (xtcp_oow_rate_limited()), 0 none
 * @orphan_counted: closed by the user (orphan): counted in
 *	xtcp_orphan_count() until freed
 *
 * Per-socket settings (setsockopt); 0 = use the sysctl:
 * @syn_retries: TCP_SYNCNT (net.xtcp.syn_retries)
 * @nodelay: TCP_NODELAY: no Nagle
 * @cork: TCP_CORK: hold partial segments
 * @recvmsg_inq: TCP_INQ: recvmsg() adds a TCP_CM_INQ control message
 * @keepidle: TCP_KEEPIDLE, seconds (net.xtcp.keepalive_time)
 * @keepintvl: TCP_KEEPINTVL, seconds (net.xtcp.keepalive_intvl)
 * @keepcnt: TCP_KEEPCNT (net.xtcp.keepalive_probes)
 * @linger2: TCP_LINGER2, seconds (net.xtcp.fin_timeout); <0: no FIN_WAIT2
 *	wait, the orphan is reset at once
 * @user_timeout: TCP_USER_TIMEOUT, milliseconds (0: retries2 applies)
 * @probes_out: unanswered zero-window or keepalive probes; any acceptable
 *	ACK clears it
 * @probe_stamp: jiffies of the first zero-window probe, 0 none; the
 *	TCP_USER_TIMEOUT of window probes counts from it
 * @af_ops: the network layer the socket uses (xtcp_ipv4_af_ops or
 *	xtcp_ipv6_af_ops); follows sk_family
 * @mtu_info: the path MTU the last ICMP "fragmentation needed" or ICMPv6
 *	"packet too big" announced (Linux's mtu_info)
 * @mtu_deferred: that MTU arrived while the user held the socket:
 *	xtcp_release_cb() applies it (Linux's TCP_MTU_REDUCED_DEFERRED)
 * @ack_deferred: an immediate ACK of a segment processed from the
 *	backlog waits for xtcp_release_cb(), which sends one for the whole
 *	run unless a segment carried it meanwhile (Linux's TCP_ACK_DEFERRED,
 *	net.xtcp.backlog_ack_defer)
 * @inet6: IPv6 part (Linux's ipv6_pinfo, inet.pinet6 points here; every
 *	socket has one, since the family is chosen at bind() or connect(),
 *	not at socket()); must be last
 */
struct xtcp_sock {
	struct inet_sock inet;
	struct xtcp_ent ent;
	struct xtcp_bnode bnode;
	union {		/* a listener is never a child in an accept queue */
		struct hlist_node listen_node;
		struct list_head accept_node;
	};
	bool bound;
	bool connect_bound;
	bool v6addr;		/* addressed with sockaddr_in6 (v4-mapped) */
	bool listen_hashed;

	spinlock_t queue_lock;
	struct list_head synq;
	u32 synq_len;
	u8 defer_accept;
	u8 ca_state;		/* enum xtcp_ca_state */
	bool is_cwnd_limited;	/* cwnd full in this window (RFC 7661) */
	bool big_out;		/* multi-segment skbs may be in flight */
	struct list_head acceptq;
	unsigned long synq_overflow;	/* jiffies of the last cookie SYN-ACK */

	u32 iss;
	u32 irs;
	u32 snd_una;
	u32 snd_nxt;
	u32 snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;
	u32 max_window;
	u32 write_seq;
	u32 pushed_seq;
	u32 rcv_nxt;
	u32 rcv_wnd;
	u32 rcv_ssthresh;
	u32 rcv_wup;
	u32 copied_seq;
	u32 window_clamp;

	u16 mss_cache;		/* payload bytes per segment we send */
	u16 advmss;		/* MSS we announce */
	u16 rcv_mss;		/* largest segment received (Linux's rcv_mss) */
	u16 rx_mss;		/* MSS the peer announced */
	u16 user_mss;		/* TCP_MAXSEG */
	u8 snd_wscale;
	u8 rcv_wscale;
	bool wscale_ok;
	bool sack_ok;
	bool ts_ok;
	u8 xmit_timer;		/* enum xtcp_xmit_timer */
	u32 ts_recent;
	u32 ts_recent_stamp;	/* seconds, for PAWS aging */
	u32 tsoff;
	u32 comp_ack_rcv_nxt;	/* SACK compression: dupACKs counted for */

	struct sk_buff_head ofo_queue;	/* out-of-order data, by seq */
	struct sk_buff *send_head;	/* first unsent skb in sk_write_queue */

	struct timer_list retrans_timer;	/* transmit timer, see xmit_timer */
	struct timer_list delack_timer;		/* delayed ACK */
	struct hrtimer comp_ack_timer;		/* SACK compression */
	u32 srtt_us;		/* smoothed RTT << 3 */
	u32 rttvar_us;
	u32 rto;		/* jiffies */
	u8 retransmits;
	u8 backoff;
	bool ack_pending;
	u8 quickack;
	u8 rcv_ratio;		/* payload/truesize of received skbs, /256 */
	u8 ack_pushed;
	u8 pingpong;
	u8 ato;
	u32 rcvq_space;
	u32 rcvq_seq;
	u32 lrcvtime;
	u64 rcvq_time_us;
	u32 rcv_rtt_us;
	u32 rcv_rtt_seq;
	u64 rcv_rtt_time_us;
	u32 rcv_rtt_tsecr;

	/* congestion control and loss recovery */
	const struct xtcp_cong_ops *ca_ops;
	u64 ca_priv[XTCP_CA_PRIV_U64];	/* the algorithm's own state */
	u32 lsndtime;		/* jiffies of the last new data sent */
	s32 ca_rtt_us;		/* RTT of the latest delivered, this ACK */
	u32 cwnd;		/* segments */
	u32 cwnd_cnt;
	u32 ssthresh;
	u32 recover;		/* snd_nxt when recovery started */
	u32 dupacks;
	u32 reno_sacked;	/* dupacks standing in for SACKs, no SACK */
	u32 packets_out;	/* sent, not cumulatively ACKed */
	u32 sacked_out;		/* of those, SACKed */
	u32 pipe_excl;		/* of those, SACKed or lost, not resent */
	u32 total_retrans;
	u32 ofo_clock;		/* out-of-order arrivals, for SACK order */
	u32 reordering;		/* DupThresh learnt from late arrivals */
	u32 high_sacked;	/* highest SACKed end_seq */
	u32 prior_cwnd;		/* before recovery/loss, for undo */
	u32 prior_ssthresh;
	u32 undo_tsval;		/* our TSval on the episode's first retransmission */
	u32 max_packets_out;	/* most in flight in this window */
	u32 cwnd_usage_seq;	/* snd_nxt when this window began */
	/* RACK-TLP (RFC 8985) and DSACK (RFC 2883) */
	u64 rack_xmit_ns;	/* RACK.xmit_ts: latest send time delivered */
	u32 rack_end_seq;	/* RACK.end_seq */
	u32 rack_rtt_us;	/* RACK.rtt */
	u32 min_rtt_us;		/* lowest RTT sample (0: none yet) */
	unsigned long min_rtt_stamp;	/* jiffies of min_rtt_us */
	u32 rack_dsack_seq;	/* snd_nxt when reo_wnd_steps last grew */
	u8 rack_reo_steps;	/* reo_wnd in min_rtt/4 units (DSACK grown) */
	u8 rack_recoveries;	/* recoveries since reo_wnd_steps grew */
	bool rack_reord;	/* reordering seen on this connection */
	bool tlp_retrans;	/* the probe was a retransmission */
	u32 tlp_high_seq;	/* snd_nxt at the probe (0: none out) */
	u32 undo_retrans;	/* retransmissions not yet proven spurious */
	u32 dsack_start;	/* receiver: duplicate range to report */
	u32 dsack_end;
	bool dsack_pending;
	u8 dup_ack_counter;
	u8 compressed_ack;
	bool recvmsg_inq;
	u32 prr_delivered;	/* PRR (RFC 6937): delivered since recovery */
	u32 prr_out;		/* sent since recovery began */
	u32 acked_unsacked;	/* cumulatively ACKed, never SACKed (this ACK) */
	unsigned long retrans_stamp;	/* jiffies of first retransmission */
	unsigned long rcv_tstamp;	/* jiffies of the last acceptable ACK */
	u32 last_oow_ack_time;	/* jiffies (u32) of the last ACK answering an
				 * unacceptable segment or a challenge, 0 none
				 */
	bool orphan_counted;	/* in xtcp_orphan_count() */

	/* per-socket settings (setsockopt); 0 = use the sysctl */
	u8 syn_retries;
	bool nodelay;
	bool cork;
	int keepidle;		/* seconds */
	int keepintvl;
	int keepcnt;
	int linger2;		/* seconds; <0: no FIN_WAIT2 wait */
	u32 user_timeout;	/* ms */
	unsigned long probe_stamp;	/* jiffies of the first window probe, 0 none */

	const struct xtcp_af_ops *af_ops;	/* IPv4 or IPv6 network layer */
	u32 mtu_info;		/* path MTU from ICMP/ICMPv6 */
	bool mtu_deferred;	/* apply mtu_info at release_sock() */
	bool ack_deferred;	/* send the backlog run's ACK at release */
	u8 probes_out;
	struct ipv6_pinfo inet6;	/* IPv6 part (inet.pinet6); last */
};

static_assert(offsetof(struct xtcp_sock, bnode) ==
	      offsetof(struct xtcp_sock, ent) + sizeof(struct xtcp_ent));

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* The GSO type of a socket's segments: the network layer they leave by
 * (a v4-mapped socket on AF_INET6 sends IPv4: its af_ops are IPv4's).
 */
static inline unsigned int xtcp_gso_type(const struct sock *sk)
{
	return xtcp_sk(sk)->af_ops->family == AF_INET6 ? SKB_GSO_TCPV6 :
							 SKB_GSO_TCPV4;
}

/**
 * xtcp_skb_set_segs() - how many segments a write-queue skb stands for
 * (Linux's tcp_set_skb_tso_segs())
 * @sk: socket
 * @skb: write-queue skb, private (not cloned) once sent
 * @mss: the size of its segments (0: one segment, whatever its length)
 *
 * Longer than @mss: a GSO skb of @mss-byte segments, the last maybe
 * shorter, which xtcp_skb_segs() counts; else one plain segment.
 * Context: socket lock or bh_lock_sock held.
 */
static inline void xtcp_skb_set_segs(struct sock *sk, struct sk_buff *skb,
				     u32 mss)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	if (!mss || skb->len <= mss) {
		sh->gso_size = 0;
		sh->gso_segs = 0;
		sh->gso_type = 0;
		return;
	}
	sh->gso_size = mss;
	sh->gso_segs = DIV_ROUND_UP(skb->len, mss);
	sh->gso_type = xtcp_gso_type(sk);
}

static inline struct xtcp_sock *xtcp_ent_sock(struct xtcp_ent *e)
{
	return container_of(e, struct xtcp_sock, ent);
}

static inline struct xtcp_request *xtcp_ent_req(struct xtcp_ent *e)
{
	return container_of(e, struct xtcp_request, ent);
}

static inline struct xtcp_tw *xtcp_ent_tw(struct xtcp_ent *e)
{
	return container_of(e, struct xtcp_tw, ent);
}

/*
 * Linux's tcp_pingpong_thresh default (TCP_PINGPONG_THRESH on 6.1): one
 * reply within the delayed-ACK time makes a connection interactive.
 */
#define XTCP_PINGPONG_THRESH	1
#define XTCP_DELACK_MIN		(HZ / 25)	/* 40 ms, Linux's TCP_DELACK_MIN */
#define XTCP_ATO_MIN		(HZ / 25)	/* 40 ms, Linux's TCP_ATO_MIN */
#define XTCP_DELACK_MAX		(HZ / 5)	/* 200 ms, Linux's TCP_DELACK_MAX */
#define XTCP_MAX_QUICKACKS	16U		/* Linux's TCP_MAX_QUICKACKS */

/* Linux's inet_csk_in_pingpong_mode() */
static inline bool xtcp_in_pingpong(const struct xtcp_sock *xs)
{
	return xs->pingpong >= XTCP_PINGPONG_THRESH;
}

/*
 * No data received yet as far as ACKs go (Linux's inet_csk_delack_init()):
 * a new or disconnected socket; quick-ACK mode starts with the first data.
 */
static inline void xtcp_delack_init(struct xtcp_sock *xs)
{
	xs->ack_pending = false;
	xs->ack_deferred = false;
	xs->ack_pushed = 0;
	xs->pingpong = 0;
	xs->quickack = 0;
	xs->ato = 0;
}

/* Linux's tcp_in_quickack_mode(): ACK every segment at once */
static inline bool xtcp_in_quickack_mode(const struct xtcp_sock *xs)
{
	return xs->quickack && !xtcp_in_pingpong(xs);
}

/* Is @bn a TIME_WAIT entry's (else a socket's)? Its xtcp_ent precedes it. */
static inline bool xtcp_bnode_is_tw(const struct xtcp_bnode *bn)
{
	return ((const struct xtcp_ent *)bn - 1)->kind == XTCP_ENT_TW;
}

/* Jiffies until @tw expires (negative: due). */
static inline long xtcp_tw_expires_in(const struct xtcp_tw *tw)
{
	return (s32)(READ_ONCE(tw->expires) - (u32)jiffies);
}

static inline struct xtcp_sysctls *xtcp_sysctl(const struct sock *sk)
{
	return &xtcp_pernet(sock_net(sk))->sysctl;
}

/* free space left in the window we advertised */
static inline u32 xtcp_receive_window(const struct xtcp_sock *xs)
{
	s32 win = xs->rcv_wup + xs->rcv_wnd - xs->rcv_nxt;

	return win < 0 ? 0 : win;
}

/* the receiver's unit for silly-window avoidance: the largest segment
 * seen so far (536 until one arrives), never above what we announced
 */
/*
 * Window of a SYN or SYN-ACK for @space bytes of receive space: whole
 * segments, or all of it when that is less than one segment (Linux's
 * tcp_select_initial_window(): a tiny SO_RCVBUF must not announce more
 * than it will ever open again).
 */
static inline u32 xtcp_initial_window(u32 space, u32 mss)
{
	return space > mss ? rounddown(space, mss) : space;
}

/* receive buffer space in payload bytes (Linux's scaling_ratio idea) */
static inline int xtcp_space_to_win(const struct xtcp_sock *xs, int space)
{
	return space <= 0 ? 0 : (int)(((u64)space * xs->rcv_ratio) >> 8);
}

/* what the receive buffer has free, as window (payload bytes) */
static inline int xtcp_free_win(const struct sock *sk)
{
	return xtcp_space_to_win(xtcp_sk(sk), READ_ONCE(sk->sk_rcvbuf) -
					      atomic_read(&sk->sk_rmem_alloc));
}

static inline u32 xtcp_rcv_mss(const struct xtcp_sock *xs)
{
	/* a tiny SO_RCVBUF: half its whole window is the unit instead */
	u32 full = xtcp_space_to_win(xs, READ_ONCE(xs->inet.sk.sk_rcvbuf));

	return max_t(u32, min3((u32)xs->rcv_mss, (u32)xs->advmss, full / 2), 1);
}

/* autotuning's clock: microseconds */
static inline u64 xtcp_clock_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* timestamp clock: milliseconds (RFC 7323 allows 1 ms .. 1 s ticks) */
static inline u32 xtcp_clock_ms(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

/* xtcp_af.c: socket family, proto_ops */
int xtcp_af_init(void);
int xtcp_addr_from_user(const struct sockaddr *uaddr, int addr_len,
			struct sockaddr_in *sin);
const struct sockaddr_in6 *xtcp_addr_is_v6(const struct sockaddr *uaddr,
					   int addr_len);
void xtcp_af_exit(void);
extern struct proto xtcp_prot;

/* xtcp.c: socket calls on the byte stream */
int xtcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size);
int xtcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t size,
		 int flags);
__poll_t xtcp_poll(struct file *file, struct socket *sock, poll_table *wait);
int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
void xtcp_cleanup_rbuf(struct sock *sk, int copied);

/* xtcp_conn.c: states, connect, accept, close */
void xtcp_set_state(struct sock *sk, int state);
void xtcp_done(struct sock *sk);
void xtcp_reset(struct sock *sk, int err);
void xtcp_sock_init(struct sock *sk);
int xtcp_connect(struct socket *sock, xtcp_sockaddr *uaddr, int addr_len,
		 int flags);
int xtcp_accept_sock(struct socket *sock, struct socket *newsock, int flags);
void xtcp_close(struct sock *sk, long timeout);
void xtcp_child_forget(struct sock *child);
int xtcp_shutdown(struct socket *sock, int how);
void xtcp_sk_destruct(struct sock *sk);
int xtcp_orphan_count(void);

/* xtcp_secure.c: ISNs and timestamp offsets */
void xtcp_secure_init(void);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 xtcp_ts_offset(__be32 saddr, __be32 daddr);
u32 xtcp_isn_ent(const struct xtcp_ent *e);
u32 xtcp_ts_offset_ent(const struct xtcp_ent *e);

/* xtcp_ipv4.c: the IPv4 protocol and ICMP handlers, active open,
 * segments sent without a full socket
 */
int xtcp_ipv4_init(void);
void xtcp_ipv4_exit(void);
extern const struct xtcp_af_ops xtcp_ipv4_af_ops;
int xtcp_v4_connect(struct sock *sk, struct sockaddr_in *usin);
void xtcp_send_reset_noconn(struct net *net, struct sk_buff *skb);
bool xtcp_rcv_hdr_ok(struct net *net, struct sk_buff *skb, int iif);
void xtcp_rcv_dispatch(struct net *net, struct sk_buff *skb,
		       const struct xtcp_ent *key, int dif);
int xtcp_err_dispatch(struct net *net, const struct xtcp_ent *key, u32 seq,
		      int err, bool req_abort);
int xtcp_mtu_dispatch(struct net *net, const struct xtcp_ent *key, u32 seq,
		      u32 mtu);
int xtcp_connect_init(struct sock *sk, u32 tw_isn);
struct sk_buff *xtcp_build_reset(const struct sk_buff *skb);
struct sk_buff *xtcp_build_tw_ack(struct xtcp_tw *tw);
struct sk_buff *xtcp_build_synack(struct xtcp_request *req, u32 cookie_iss);

/* xtcp_ipv6.c: XTCP over IPv6 (Linux's tcp_ipv6.c) */
int xtcp_ipv6_init(void);
void xtcp_ipv6_exit(void);
bool xtcp_ipv6_ready(void);
extern const struct xtcp_af_ops xtcp_ipv6_af_ops;
int xtcp_v6_bind(struct sock *sk, const struct sockaddr_in6 *addr,
		 int addr_len);
int xtcp_v6_connect(struct sock *sk, const struct sockaddr_in6 *usin,
		    int addr_len);
void xtcp_v6_sock_init(struct sock *sk);
void xtcp_v6_child_init(struct sock *child, int family);
int xtcp_v6_getname(struct sock *sk, struct sockaddr_in6 *sin6, int peer);
void xtcp_v6_disconnect(struct sock *sk);
int xtcp_v6_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen);
int xtcp_v6_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen);

/**
 * xtcp_af_ops_of() - the network layer of a family
 * @family: AF_INET or AF_INET6
 *
 * Return: xtcp_ipv6_af_ops for AF_INET6, else xtcp_ipv4_af_ops.
 */
static inline const struct xtcp_af_ops *xtcp_af_ops_of(int family)
{
	return family == AF_INET6 ? &xtcp_ipv6_af_ops : &xtcp_ipv4_af_ops;
}

/**
 * xtcp_send_tw_ack() - the ACK of a TIME_WAIT entry, over its family
 * @tw: the entry
 */
static inline void xtcp_send_tw_ack(struct xtcp_tw *tw)
{
	xtcp_af_ops_of(tw->ent.family)->send_tw_ack(tw);
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
static inline int xtcp_send_synack(struct xtcp_request *req, u32 cookie_iss)
{
	return xtcp_af_ops_of(req->ent.family)->send_synack(req, cookie_iss);
}

/* xtcp_offload.c: GSO and GRO for XTCP's protocol number */
int xtcp_offload_init(void);
void xtcp_offload_exit(void);
unsigned int xtcp_gso_max_segs(struct sock *sk);
struct sk_buff *xtcp_gso_build(struct sock *sk, struct sk_buff *first,
			       unsigned int *n, unsigned int mss);

/* xtcp_skb.c: write-queue segments with their payload in page fragments */
int xtcp_unclone(struct sk_buff *skb, gfp_t gfp);
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);
u32 xtcp_skb_shift(struct sk_buff *to, struct sk_buff *from, u32 len);

/* Does @f continue @prev in the same page (one fragment can carry both)? */
static inline bool xtcp_frag_continues(const skb_frag_t *prev,
				       const skb_frag_t *f)
{
	return prev && skb_frag_page(prev) == skb_frag_page(f) &&
	       skb_frag_off(prev) + skb_frag_size(prev) == skb_frag_off(f);
}

/* xtcp_listen.c: SYN queue, accept queue, syncookies */
void xtcp_listen_rcv(struct sock *lsk, struct sk_buff *skb);
void xtcp_request_rcv(struct xtcp_request *req, struct sk_buff *skb);
void xtcp_listen_stop(struct sock *sk);
void xtcp_request_put(struct xtcp_request *req);
void xtcp_request_err(struct xtcp_request *req, u32 seq, bool abort);
int xtcp_listen_init(void);
void xtcp_listen_exit(void);
struct sock *xtcp_accept_dequeue(struct sock *lsk);

/* xtcp_options.c: TCP options, parsed and written */
int xtcp_parse_options(const struct tcphdr *th, struct xtcp_opts *opt,
		       bool syn);
unsigned int xtcp_opts_size(const struct xtcp_out_opts *o, bool syn);
void xtcp_write_opts(__be32 *p, const struct xtcp_out_opts *o, bool syn);

/* xtcp_input.c: segment arrival for full sockets, ACKs, the receive
 * queues, the SACK blocks we report
 */
int xtcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
int xtcp_backlog_rcv(struct sock *sk, struct sk_buff *skb);
bool xtcp_paws_check(const struct xtcp_sock *xs, const struct xtcp_opts *opt,
		     int paws_win);
u32 xtcp_clean_acked(struct sock *sk, u32 ack, bool rtt_sample);
int xtcp_sack_blocks(struct sock *sk, struct xtcp_sack *out, int max);
void xtcp_init_buffer_space(struct sock *sk);
void xtcp_rcv_space_adjust(struct sock *sk);

/* xtcp_output.c: the transmit engine and the segments of a socket */
void xtcp_write_queue_purge(struct sock *sk);
struct sk_buff *xtcp_queue_new_segment(struct sock *sk, gfp_t gfp);
u32 xtcp_size_goal(struct sock *sk);
void __xtcp_push(struct sock *sk, bool more);
void xtcp_push(struct sock *sk);
int xtcp_write_wakeup(struct sock *sk);
u32 __xtcp_select_window(struct sock *sk);
u32 xtcp_select_window(struct sock *sk);
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
int xtcp_transmit_queued(struct sock *sk, struct sk_buff *skb);
int xtcp_send_syn(struct sock *sk);
void xtcp_send_ack(struct sock *sk);
void xtcp_sack_compress_send_ack(struct sock *sk);
void xtcp_send_challenge_ack(struct sock *sk);
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   enum xtcp_mib mib, u32 *last_oow_ack_time);
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp);
void xtcp_send_fin(struct sock *sk);
void xtcp_send_probe(struct sock *sk);
int xtcp_retransmit_head(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_split_flight(struct sock *sk);
u16 xtcp_mss_for_mtu(struct sock *sk, u32 mtu);
void xtcp_sync_mss(struct sock *sk);
void xtcp_mtu_reduced(struct sock *sk);
void xtcp_release_cb(struct sock *sk);

/* xtcp_recovery.c: SACK scoreboard, RACK-TLP, PRR, undo */
void xtcp_recovery_init(struct sock *sk);
void xtcp_recovery_on_ack(struct sock *sk, u32 prior_una, u32 acked_segs,
			  const struct xtcp_opts *opt, bool dupack);
void xtcp_enter_loss(struct sock *sk);
bool xtcp_rack_reo_timeout(struct sock *sk);
bool xtcp_send_loss_probe(struct sock *sk);
void xtcp_tlp_schedule(struct sock *sk, bool advancing_rto);
void xtcp_check_reordering(struct sock *sk, u32 seq);
u32 xtcp_packets_in_flight(struct sock *sk);
u32 xtcp_flight_size(struct sock *sk);
void xtcp_recovery_skb_sent(struct sock *sk, struct sk_buff *skb);
void xtcp_recovery_skb_acked(struct sock *sk, struct sk_buff *skb);
void xtcp_xmit_lost(struct sock *sk);

/**
 * xtcp_set_sacked() - change the scoreboard state of a sent segment
 * @xs: socket
 * @cb: the segment's control block
 * @sacked: its new XTCP_SACKED/XTCP_LOST/XTCP_RETRANS bits
 *
 * Keeps @sacked_out and @pipe_excl right, so that the pipe needs no walk
 * of the queue (Linux keeps sacked_out, lost_out and retrans_out so).
 * Context: socket lock or bh_lock_sock held.
 */
static inline void xtcp_set_sacked(struct xtcp_sock *xs,
				   struct xtcp_skb_cb *cb, u8 sacked)
{
	xs->pipe_excl += xtcp_sacked_excl(sacked) - xtcp_sacked_excl(cb->sacked);
	xs->sacked_out += !!(sacked & XTCP_SACKED) -
			  !!(cb->sacked & XTCP_SACKED);
	cb->sacked = sacked;
}

static inline void *xtcp_ca_priv(struct xtcp_sock *xs)
{
	return xs->ca_priv;
}

/**
 * xtcp_is_cwnd_limited() - may @cwnd grow? (Linux's tcp_is_cwnd_limited())
 * @xs: socket
 *
 * Return: true when @cwnd was full in the current window, or in slow start
 * while it is below twice the largest flight of the window.
 */
static inline bool xtcp_is_cwnd_limited(const struct xtcp_sock *xs)
{
	if (xs->is_cwnd_limited)
		return true;
	return xs->cwnd < xs->ssthresh && xs->cwnd < 2 * xs->max_packets_out;
}

/* xtcp_cong.c: the congestion control framework and NewReno */
#define XTCP_INFINITE_SSTHRESH	0x7fffffff
extern const struct xtcp_cong_ops xtcp_newreno;
const struct xtcp_cong_ops *xtcp_cong_find(const char *name);
const struct xtcp_cong_ops *xtcp_cong_default(struct net *net);
void xtcp_cong_assign(struct sock *sk, const struct xtcp_cong_ops *ops);
int xtcp_cong_set(struct sock *sk, const char *name);
void xtcp_cong_init(struct sock *sk);
void xtcp_cong_set_state(struct sock *sk, u8 new_state);
void xtcp_cong_data_sent(struct sock *sk);
u32 xtcp_slow_start(struct xtcp_sock *xs, u32 acked);
void xtcp_cong_avoid_ai(struct xtcp_sock *xs, u32 w, u32 acked);
void xtcp_sndbuf_expand(struct sock *sk);
u32 xtcp_sndbuf_per_mss(const struct xtcp_sock *xs);
void xtcp_check_space(struct sock *sk);

/* xtcp_cubic.c: CUBIC with HyStart (Linux's default) */
extern const struct xtcp_cong_ops xtcp_cubic;
u32 xtcp_cubic_root(u64 a);

/* xtcp_timer.c */
unsigned long xtcp_fin_timeout(const struct xtcp_sock *xs);
void xtcp_init_timers(struct sock *sk);
void xtcp_clear_timers(struct sock *sk);
void xtcp_reset_xmit_timer(struct sock *sk, enum xtcp_xmit_timer what,
			   unsigned long when);
void xtcp_clear_xmit_timer(struct sock *sk);
void xtcp_schedule_delack(struct sock *sk);
void xtcp_reset_life_timer(struct sock *sk, unsigned long len);
void xtcp_keepalive_update(struct sock *sk);
void xtcp_rtt_sample(struct sock *sk, long rtt_us);
int xtcp_keepalive_time(const struct xtcp_sock *xs);
int xtcp_keepalive_intvl(const struct xtcp_sock *xs);
int xtcp_keepalive_probes(const struct xtcp_sock *xs);

/* xtcp_timewait.c */
enum xtcp_tw_action { XTCP_TW_DONE, XTCP_TW_SYN };
void xtcp_time_wait(struct sock *sk);
enum xtcp_tw_action xtcp_tw_rcv(struct xtcp_tw *tw, struct sk_buff *skb);
void xtcp_tw_put(struct xtcp_tw *tw);
void xtcp_tw_kill(struct xtcp_tw *tw);
void xtcp_tw_purge_net(struct net *net);
void xtcp_tw_init_net(struct xtcp_net *xn);
u32 xtcp_tw_reuse_ok(struct net *net, struct xtcp_tw *tw);
int xtcp_tw_init(void);
void xtcp_tw_exit(void);

/* xtcp_sockopt.c */
void xtcp_set_keepalive(struct sock *sk, int val);
int xtcp_sockopt_int(sockptr_t optval, unsigned int optlen, int *val);
int xtcp_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int xtcp_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);
struct tcp_info;
void xtcp_get_info(struct sock *sk, struct tcp_info *info);

/* xtcp_hash.c: lookup tables */
int xtcp_hash_init_net(struct net *net);
void xtcp_hash_exit_net(struct net *net);
int xtcp_hash_bind(struct sock *sk, u16 port);
void xtcp_hash_unbind(struct sock *sk);
int xtcp_hash_listen(struct sock *sk);
void xtcp_hash_unlisten(struct sock *sk);
struct sock *xtcp_lookup_listener(struct net *net, const struct xtcp_ent *key,
				  int dif);
void xtcp_hash_inherit_port(struct sock *child, struct sock *lsk);
void xtcp_hash_tw_bind(struct net *net, struct xtcp_tw *tw, u16 port);
void xtcp_hash_tw_unbind(struct net *net, struct xtcp_tw *tw);
int xtcp_hash_connect(struct sock *sk, u32 *tw_isn);
bool xtcp_ehash_insert(struct net *net, struct xtcp_ent *e);
bool xtcp_ehash_replace(struct net *net, struct xtcp_ent *old,
			struct xtcp_ent *e);
void xtcp_ehash_remove(struct net *net, struct xtcp_ent *e);
struct xtcp_ent *xtcp_ehash_lookup(struct net *net, const struct xtcp_ent *key);
void xtcp_ent_from_sk(struct xtcp_ent *e, const struct sock *sk);

/* xtcp_ctrl.c: sysctls */
int xtcp_ctrl_init_net(struct net *net);
void xtcp_ctrl_exit_net(struct net *net);

/* xtcp_proc.c: /proc/net/xtcp and /proc/net/xtcp_stat */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);
int xtcp_sock_timer(struct sock *sk, int state, unsigned long *expires);
void xtcp_sock_queues(struct sock *sk, int state, u32 *rx, u32 *tx);

/* xtcp_diag.c: sock_diag (inet_diag) handler, when the kernel has one */
#if IS_ENABLED(CONFIG_INET_DIAG)
int xtcp_diag_init(void);
void xtcp_diag_exit(void);
#else
static inline int xtcp_diag_init(void)
{
	return 0;
}

static inline void xtcp_diag_exit(void)
{
}
#endif

/* xtcp_pernet.c */
int xtcp_pernet_init(void);
void xtcp_pernet_exit(void);

#endif /* _XTCP_H */
