/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: per-namespace data of a module (include/net/netns/generic.h). */
#ifndef _MOCK_NET_NETNS_GENERIC_H
#define _MOCK_NET_NETNS_GENERIC_H

#include <net/sock.h>

static inline void *net_generic(const struct net *net, unsigned int id)
{
	return net->mock_gen[id];
}

#endif
