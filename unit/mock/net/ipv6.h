/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: the address helpers of include/net/ipv6.h that xtcp.h uses. */
#ifndef _MOCK_NET_IPV6_H
#define _MOCK_NET_IPV6_H

#include <linux/ipv6.h>

static inline void ipv6_addr_set_v4mapped(const __be32 addr,
					  struct in6_addr *v4mapped)
{
	v4mapped->s6_addr32[0] = 0;
	v4mapped->s6_addr32[1] = 0;
	v4mapped->s6_addr32[2] = htonl(0x0000ffff);
	v4mapped->s6_addr32[3] = addr;
}

static inline bool ipv6_addr_equal(const struct in6_addr *a1,
				   const struct in6_addr *a2)
{
	return !memcmp(a1, a2, sizeof(*a1));
}

#endif
