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
#include <net/sock.h>
#include <net/inet_sock.h>
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
};

/**
 * struct xtcp_net - XTCP state of one network namespace
 * @sysctl: the net.xtcp.* values of this namespace
 * @sysctl_hdr: registered sysctl table (kmemdup'd per namespace)
 * @mib: per-CPU counters
 * @hash: bind, listen and connection lookup tables
 */
struct xtcp_net {
	struct xtcp_sysctls sysctl;
	struct ctl_table_header *sysctl_hdr;
	struct xtcp_mib_percpu __percpu *mib;
	struct xtcp_hashinfo hash;
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

/* ---- the socket ---- */

/**
 * struct xtcp_sock - an XTCP socket
 * @inet: inet part (addresses, ports, IP options); must be first
 * @bind_node: link in xtcp_hashinfo.bhash while bound (bind_lock)
 * @listen_node: link in xtcp_hashinfo.lhash while listening (listen_lock, RCU)
 * @bound: on the bind hash
 * @listen_hashed: on the listen hash
 */
struct xtcp_sock {
	struct inet_sock inet;
	struct hlist_node bind_node;
	struct hlist_node listen_node;
	bool bound;
	bool listen_hashed;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* xtcp_af.c: socket family, proto_ops */
int xtcp_af_init(void);
void xtcp_af_exit(void);
extern struct proto xtcp_prot;

/* xtcp_hash.c: lookup tables */
int xtcp_hash_init_net(struct net *net);
void xtcp_hash_exit_net(struct net *net);
int xtcp_hash_bind(struct sock *sk, u16 port);
void xtcp_hash_unbind(struct sock *sk);
int xtcp_hash_listen(struct sock *sk);
void xtcp_hash_unlisten(struct sock *sk);
struct sock *xtcp_lookup_listener(struct net *net, __be32 daddr, u16 hnum,
				  int dif);

/* xtcp_input.c / xtcp_output.c: segments */
int xtcp_input_init(void);
void xtcp_input_exit(void);
void xtcp_send_reset_noconn(struct net *net, struct sk_buff *skb);

/* xtcp_ctrl.c: sysctls */
int xtcp_ctrl_init_net(struct net *net);
void xtcp_ctrl_exit_net(struct net *net);

/* xtcp_proc.c: /proc/net/xtcp and /proc/net/xtcp_stat */
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);

/* xtcp_pernet.c */
int xtcp_pernet_init(void);
void xtcp_pernet_exit(void);

#endif /* _XTCP_H */
