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
