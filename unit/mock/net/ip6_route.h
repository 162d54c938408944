/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: ip6_dst_store() for compat.h's wrapper; never called here. */
#ifndef _MOCK_NET_IP6_ROUTE_H
#define _MOCK_NET_IP6_ROUTE_H

struct sock;
struct dst_entry;

static inline void ip6_dst_store(struct sock *sk, struct dst_entry *dst,
				 const void *daddr, bool saddr_set)
{
}

#endif
