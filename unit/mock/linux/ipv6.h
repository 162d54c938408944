/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock: the IPv6 types xtcp.h names (include/linux/ipv6.h, in6.h):
 * addresses, the socket's IPv6 part, what IPv6 keeps in skb->cb.
 */
#ifndef _MOCK_LINUX_IPV6_H
#define _MOCK_LINUX_IPV6_H

#include <linux/types.h>

#define AF_INET6	10
typedef unsigned short sa_family_t;
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD

struct in6_addr {
	union {
		u8 s6_addr[16];
		__be32 s6_addr32[4];
	};
};

struct sockaddr_in6 {
	unsigned short sin6_family;
	__be16 sin6_port;
	__be32 sin6_flowinfo;
	struct in6_addr sin6_addr;
	u32 sin6_scope_id;
};

/* the socket's IPv6 part: nothing the unit-tested files read */
struct ipv6_pinfo {
	struct in6_addr saddr;
	s16 hop_limit;
	u8 tclass;
};

/*
 * inet6_flags bits (IPV6_FLOWINFO_SEND...), the API of 6.12's
 * include/linux/ipv6.h: never set in the unit-tested paths
 */
#define inet6_test_bit(nr, sk)	((void)(sk), false)
#define inet6_assign_bit(nr, sk, val)	((void)(sk), (void)(val))

/* what IPv6 keeps in skb->cb (include/linux/ipv6.h) */
struct inet6_skb_parm {
	int iif;
	__be16 ra;
	u16 dst0, srcrt, dst1, lastopt, nhoff, flags, frag_max_size, srhoff;
};

#endif
