/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock socket layer: struct sock and struct inet_sock with the fields the
 * module's logic files touch, the namespace handle, socket timers with the
 * kernel's reference rule (an armed timer holds a socket reference:
 * sk_reset_timer()/sk_stop_timer()), receive/send memory charging through
 * skb owners, the route (only its MTU) and the IP output hook, which
 * records each segment (mock.c) instead of sending it.
 */
#ifndef _MOCK_NET_SOCK_H
#define _MOCK_NET_SOCK_H

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/timer.h>

/* types the module's prototypes name; the unit build never uses them */
struct file;
struct msghdr;
struct proto;
struct proto_accept_arg;
struct ctl_table;
struct ctl_table_header;
struct poll_table_struct;
typedef struct poll_table_struct poll_table;
typedef struct { void *kernel; bool is_kernel; } sockptr_t;
struct sockaddr { unsigned short sa_family; char sa_data[14]; };
struct in_addr { __be32 s_addr; };
struct sockaddr_in {
	unsigned short sin_family;
	__be16 sin_port;
	struct in_addr sin_addr;
	unsigned char pad[8];
};
#define AF_INET 2

/* namespace: net_generic() slots only (net/netns/generic.h) */
struct net {
	void *mock_gen[4];
};
typedef struct { struct net *net; } possible_net_t;

struct dst_entry {
	unsigned int mock_mtu;
};

static inline unsigned int dst_mtu(const struct dst_entry *dst)
{
	return dst->mock_mtu;
}

struct socket {
	unsigned long flags;	/* SOCK_NOSPACE ... */
};

#define SOCK_NOSPACE		2

static inline bool test_bit(int nr, const unsigned long *addr)
{
	return *addr & (1UL << nr);
}

static inline void set_bit(int nr, unsigned long *addr)
{
	*addr |= 1UL << nr;
}

static inline void clear_bit(int nr, unsigned long *addr)
{
	*addr &= ~(1UL << nr);
}

/* sock flags, in the kernel's order */
enum sock_flags {
	SOCK_DEAD,
	SOCK_DONE,
	SOCK_URGINLINE,
	SOCK_KEEPOPEN,
	SOCK_LINGER,
};

#define SOCK_SNDBUF_LOCK	1
#define SOCK_RCVBUF_LOCK	2
#define RCV_SHUTDOWN		1
#define SEND_SHUTDOWN		2
#define SHUTDOWN_MASK		3

#define SOCK_WAKE_IO		0
#define SOCK_WAKE_WAITD		1
#define SOCK_WAKE_SPACE		2
#define SOCK_WAKE_URG		3
#define POLL_IN			1
#define POLL_OUT		2
#define POLL_HUP		6

struct sock {
	possible_net_t sk_net;
	unsigned short sk_family;	/* 0 in the fixture: neither AF_INET nor AF_INET6 */
	unsigned char sk_state;
	u8 sk_shutdown;
	u8 sk_userlocks;
	unsigned long sk_flags;
	int sk_rcvbuf;
	int sk_rcvlowat;
	int sk_sndbuf;
	atomic_t sk_rmem_alloc;
	int sk_wmem_alloc;		/* refcount_t in the kernel */
	int sk_wmem_queued;
	int sk_err;
	int sk_err_soft;
	gfp_t sk_allocation;
	kuid_t sk_uid;
	int sk_refcnt;			/* refcount_t in the kernel */
	struct socket *sk_socket;
	struct dst_entry *sk_dst_cache;
	struct sk_buff_head sk_receive_queue;
	struct sk_buff_head sk_write_queue;
	struct timer_list sk_timer;	/* XTCP: keepalive, FIN_WAIT2 */
	void (*sk_state_change)(struct sock *sk);
	void (*sk_data_ready)(struct sock *sk);
	void (*sk_write_space)(struct sock *sk);
	bool mock_owned_by_user;	/* sock_owned_by_user() */
};

struct flowi { int mock_unused; };
struct inet_cork_full { struct flowi fl; };

struct inet_sock {
	struct sock sk;
	__be32 inet_saddr;
	__be32 inet_daddr;
	__be16 inet_sport;
	__be16 inet_dport;
	struct inet_cork_full cork;
	unsigned long inet_flags;	/* INET_FLAGS_* bits (IP_RECVERR) */
	u8 pmtudisc;			/* IP_PMTUDISC_* */
};

#define INET_FLAGS_RECVERR	9
#define IP_PMTUDISC_DONT	0
#define IP_PMTUDISC_WANT	1
#define inet_test_bit(nr, sk)	\
	(!!(((struct inet_sock *)(sk))->inet_flags & (1UL << INET_FLAGS_##nr)))

/* what IPv4 keeps in skb->cb (include/net/ip.h); cleared before output */
struct inet_skb_parm {
	int iif;
	unsigned char opt[20];
	u16 flags;
	u16 frag_max_size;
};

static inline struct inet_sock *inet_sk(const struct sock *sk)
{
	return (struct inet_sock *)sk;
}

static inline struct net *sock_net(const struct sock *sk)
{
	return sk->sk_net.net;
}

static inline bool sock_flag(const struct sock *sk, enum sock_flags f)
{
	return sk->sk_flags & (1UL << f);
}

static inline void sock_set_flag(struct sock *sk, enum sock_flags f)
{
	sk->sk_flags |= 1UL << f;
}

static inline void sock_reset_flag(struct sock *sk, enum sock_flags f)
{
	sk->sk_flags &= ~(1UL << f);
}

/* references: the socket belongs to the test, which holds one */
void mock_sock_put_last(struct sock *sk);
static inline void sock_hold(struct sock *sk)
{
	sk->sk_refcnt++;
}

static inline void __sock_put(struct sock *sk)
{
	sk->sk_refcnt--;
}

static inline void sock_put(struct sock *sk)
{
	if (--sk->sk_refcnt <= 0)
		mock_sock_put_last(sk);
}

/* locks: single-threaded; ownership by the user is a test's choice */
static inline void bh_lock_sock(struct sock *sk) { }
static inline void bh_unlock_sock(struct sock *sk) { }
static inline bool sock_owned_by_user(const struct sock *sk)
{
	return sk->mock_owned_by_user;
}
static inline bool sock_owned_by_user_nocheck(const struct sock *sk)
{
	return sk->mock_owned_by_user;
}
/* the unit tests run every path as the socket's owner */
static inline void sock_owned_by_me(const struct sock *sk)
{
}

/* as net/core/sock.c: an armed timer holds a reference */
static inline void sk_reset_timer(struct sock *sk, struct timer_list *timer,
				  unsigned long expires)
{
	if (!mod_timer(timer, expires))
		sock_hold(sk);
}

static inline void sk_stop_timer(struct sock *sk, struct timer_list *timer)
{
	if (del_timer(timer))
		__sock_put(sk);
}

static inline void sk_wake_async(const struct sock *sk, int how, int band)
{
}

static inline void sk_wmem_queued_add(struct sock *sk, int val)
{
	sk->sk_wmem_queued += val;
}

/* memory charging by skb owner, as skb_set_owner_r()/_w() */
static inline void sock_rfree(struct sk_buff *skb)
{
	atomic_sub(skb->truesize, &skb->sk->sk_rmem_alloc);
}

static inline void sock_wfree(struct sk_buff *skb)
{
	skb->sk->sk_wmem_alloc -= skb->truesize;
}

static inline void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = sock_rfree;
	atomic_add(skb->truesize, &sk->sk_rmem_alloc);
}

static inline void skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = sock_wfree;
	sk->sk_wmem_alloc += skb->truesize;
}

static inline struct dst_entry *__sk_dst_get(const struct sock *sk)
{
	return sk->sk_dst_cache;
}

/* ---- IPv4 output (include/net/ip.h, netdevice.h, checksum.h) ---- */
#define NET_XMIT_SUCCESS	0x00
#define NET_XMIT_DROP		0x01
#define NET_XMIT_CN		0x02
#define net_xmit_eval(e)	((e) == NET_XMIT_CN ? 0 : (e))

/* mock.c: records the segment (mock_tx[]) and frees it; returns mock_xmit_ret */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi *fl);

/* the TCP/UDP pseudo-header checksum (RFC 9293 3.1), folded */
static inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len,
					u8 proto, __wsum sum)
{
	u64 s = (u64)sum + (saddr >> 16) + (saddr & 0xffff) +
		(daddr >> 16) + (daddr & 0xffff) + htons(proto) + htons(len);

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (__sum16)~s;
}

/* declared for compat.h's inline wrappers; never called in the unit build */
struct ctl_table_header *register_net_sysctl_sz(struct net *net,
						const char *path,
						struct ctl_table *table,
						size_t count);
void inet_get_local_port_range(const struct net *net, int *low, int *high);

#endif
