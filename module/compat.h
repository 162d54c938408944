/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP kernel-version compatibility: the ONLY place that knows kernel
 * versions. Core files call the xtcp_* names below and never test versions.
 *
 * Supported: Debian 6.1 and 6.12 (see ../shared/COMPAT.md for the table of
 * differences, including those up to mainline that are planned for here).
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>
#include <linux/sysctl.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/ip.h>
#include <net/inet_sock.h>
#include <net/ip6_route.h>

/* unaligned access helpers moved to linux/unaligned.h in 6.12 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* skb_frag_ref() and skb_frag_unref() moved to linux/skbuff_ref.h in 6.11 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#include <linux/skbuff_ref.h>
#endif

/* proto_ops.accept: 6.10 replaced (flags, kern) by struct proto_accept_arg. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define XTCP_ACCEPT_ARGS struct socket *sock, struct socket *newsock, \
			 struct proto_accept_arg *arg
#define XTCP_ACCEPT_FLAGS (arg->flags)
#else
#define XTCP_ACCEPT_ARGS struct socket *sock, struct socket *newsock, \
			 int flags, bool kern
#define XTCP_ACCEPT_FLAGS (flags)
#endif

/*
 * Linux 6.10's tcp_write_xmit() grows its send head from the unsent skb
 * after it up to what cwnd lets leave at once (tcp_grow_skb(), "tcp: try
 * to send bigger TSO packets"); 6.1's does not. XTCP follows the running
 * kernel's TCP.
 */
#define XTCP_GROW_SEND_HEAD (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0))

/*
 * Linux 6.7 defers the immediate ACKs of segments processed from the
 * socket backlog to one ACK at tcp_release_cb() ("tcp: defer regular ACK
 * while processing socket backlog", net.ipv4.tcp_backlog_ack_defer,
 * default on); 6.1 ACKs each as it is processed. net.xtcp.backlog_ack_defer
 * defaults to the running kernel's behaviour.
 */
#define XTCP_BACKLOG_ACK_DEFER (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0))

/* proc_handler takes a const table since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define xtcp_ctl_table const struct ctl_table
#else
#define xtcp_ctl_table struct ctl_table
#endif

/* bind/connect address type (mainline after 6.17 uses sockaddr_unsized). */
#define xtcp_sockaddr struct sockaddr

/**
 * xtcp_register_net_sysctl() - register a per-netns sysctl table
 * @net: namespace
 * @path: e.g. "net/xtcp"
 * @table: @count entries followed by one zeroed sentinel entry
 * @count: number of real entries
 *
 * 6.6+ counts entries (and from 6.11 a counted empty entry is an error);
 * older kernels walk to the sentinel.
 *
 * Return: the sysctl table header, or NULL on failure.
 */
static inline struct ctl_table_header *
xtcp_register_net_sysctl(struct net *net, const char *path,
			 struct ctl_table *table, size_t count)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return register_net_sysctl_sz(net, path, table, count);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/* Local port range: exported function on 6.1, inline later. */
static inline void xtcp_local_port_range(struct net *net, int *low, int *high)
{
	inet_get_local_port_range(net, low, high);
}

/* Timers: timer_container_of replaced from_timer in 6.16. */
#ifndef timer_container_of
#define timer_container_of(var, t, field) from_timer(var, t, field)
#endif

/* hrtimers: hrtimer_setup() added in 6.13, hrtimer_init() removed in 6.15. */
static inline void xtcp_hrtimer_setup(struct hrtimer *t,
				      enum hrtimer_restart (*fn)(struct hrtimer *),
				      clockid_t clock, enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/*
 * struct inet_diag_handler: since 6.9 inet_diag pins the handler's module
 * for each request through .owner (earlier kernels hold a mutex that
 * inet_diag_unregister() waits for).
 */
#if KERNEL_VERSION(6, 9, 0) <= LINUX_VERSION_CODE
#define XTCP_DIAG_OWNER		.owner = THIS_MODULE,
#else
#define XTCP_DIAG_OWNER
#endif

/* Socket owner uid (sock_i_uid removed ~6.17; sk_uid is everywhere). */
static inline kuid_t xtcp_sk_uid(const struct sock *sk)
{
	return READ_ONCE(sk->sk_uid);
}

/*
 * SOL_SOCKET options reach proto_ops.setsockopt when the socket asks for
 * it (SOCK_CUSTOM_SOCKOPT; not in 6.1, whose core handles them all and
 * refuses SO_ZEROCOPY to any protocol but TCP and UDP).
 */
static inline void xtcp_custom_sol_socket(struct socket *sock)
{
#ifdef SOCK_CUSTOM_SOCKOPT
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
#endif
}

/* IP_RECVERR: a bit of inet_flags since 6.6, a bitfield before. */
static inline bool xtcp_inet_recverr(struct sock *sk)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return inet_test_bit(RECVERR, sk);
#else
	return inet_sk(sk)->recverr;
#endif
}

/*
 * ip6_dst_store(): its last argument became "bool saddr_set" (a source
 * address pointer on 6.1); XTCP caches neither address.
 */
static inline void xtcp_ip6_dst_store(struct sock *sk, struct dst_entry *dst)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	ip6_dst_store(sk, dst, NULL, false);
#else
	ip6_dst_store(sk, dst, NULL, NULL);
#endif
}

/*
 * IPV6_FLOWINFO_SEND: a bit of inet6_flags on newer kernels (the
 * inet6_test_bit() macro comes with them), a bit-field of ipv6_pinfo on
 * 6.1.
 */
static inline bool xtcp_v6_sndflow(struct sock *sk)
{
#ifdef inet6_test_bit
	return inet6_test_bit(SNDFLOW, sk);
#else
	return inet6_sk(sk)->sndflow;
#endif
}

/* ...and set (on 6.1 under the socket lock, as do_ipv6_setsockopt()) */
static inline void xtcp_v6_set_sndflow(struct sock *sk, bool on)
{
#ifdef inet6_assign_bit
	inet6_assign_bit(SNDFLOW, sk, on);
#else
	inet6_sk(sk)->sndflow = on;
#endif
}

#endif /* _XTCP_COMPAT_H */
