// SPDX-License-Identifier: GPL-2.0
/*
 * Secrets of the wire: initial sequence numbers (RFC 6528) and the
 * per-pair offset of our timestamp clock (RFC 7323 5.4), both keyed
 * SipHashes of the addresses, so that neither is guessable off path.
 *
 * The keys are drawn once, when the module loads (the random pool is
 * ready long before any module can be loaded): no once-only logic on the
 * connection path, and no static key patched at run time as
 * net_get_random_once() does (TCG guests have died patching one).
 */
#include "xtcp.h"

#include <linux/siphash.h>
#include <linux/random.h>

static siphash_aligned_key_t xtcp_isn_key __ro_after_init;
static siphash_aligned_key_t xtcp_ts_key __ro_after_init;

/**
 * xtcp_secure_init() - draw the ISN and timestamp keys
 *
 * Context: module init.
 */
void __init xtcp_secure_init(void)
{
	get_random_bytes(&xtcp_isn_key, sizeof(xtcp_isn_key));
	get_random_bytes(&xtcp_ts_key, sizeof(xtcp_ts_key));
}

/**
 * xtcp_isn() - RFC 6528 initial sequence number
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * ISN = M + F(4-tuple, secret): a 4 microsecond clock plus a keyed
 * SipHash of the connection, so ISNs are not guessable across connections.
 *
 * Return: the initial sequence number for the connection.
 */
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 hash;

	hash = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (u32)(__force u16)sport << 16 | (__force u16)dport,
			    &xtcp_isn_key);
	return hash + (u32)(ktime_get_real_ns() >> 12);
}

/**
 * xtcp_ts_offset() - per-pair random offset of our timestamp clock
 * @saddr: local address
 * @daddr: remote address
 *
 * Return: a keyed SipHash of the address pair, added to the millisecond
 * clock to form our TSval.
 */
u32 xtcp_ts_offset(__be32 saddr, __be32 daddr)
{
	return siphash_2u32((__force u32)saddr, (__force u32)daddr,
			    &xtcp_ts_key);
}

/* siphash input of an IPv6 4-tuple (Linux's secure_tcpv6_seq() layout) */
struct xtcp_secure6 {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be16 sport;
	__be16 dport;
} __aligned(SIPHASH_ALIGNMENT);

/**
 * xtcp_isn_ent() - RFC 6528 ISN of a connection entry's 4-tuple
 * @e: the entry, local address and port first; IPv4 or IPv6
 *
 * IPv4: xtcp_isn(); IPv6: the same clock plus a keyed SipHash of the
 * whole IPv6 4-tuple.
 * Return: the initial sequence number for the connection.
 */
u32 xtcp_isn_ent(const struct xtcp_ent *e)
{
	struct xtcp_secure6 in = {
		.saddr = e->laddr6, .daddr = e->raddr6,
		.sport = e->lport, .dport = e->rport,
	};

	if (e->family != AF_INET6)
		return xtcp_isn(e->laddr, e->raddr, e->lport, e->rport);
	return (u32)siphash(&in, sizeof(in), &xtcp_isn_key) +
	       (u32)(ktime_get_real_ns() >> 12);
}

/**
 * xtcp_ts_offset_ent() - timestamp offset of a connection entry's pair
 * @e: the entry; IPv4 or IPv6
 *
 * Return: xtcp_ts_offset() for IPv4, a keyed SipHash of both IPv6
 * addresses for IPv6.
 */
u32 xtcp_ts_offset_ent(const struct xtcp_ent *e)
{
	struct xtcp_secure6 in = { .saddr = e->laddr6, .daddr = e->raddr6 };

	if (e->family != AF_INET6)
		return xtcp_ts_offset(e->laddr, e->raddr);
	return (u32)siphash(&in, sizeof(in), &xtcp_ts_key);
}
