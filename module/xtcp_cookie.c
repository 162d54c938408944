// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: when a listener's SYN queue is full (or net.xtcp.syncookies
 * is 2) the SYN-ACK's sequence number encodes the connection instead of a
 * queued request, and a valid final ACK rebuilds it (as Linux's
 * syncookies.c: keyed hash of the 4-tuple, a minute counter and an MSS
 * table index; window scale and SACK ride in the timestamp's low bits).
 */
#include "xtcp.h"
#include "xtcp_cookie.h"

#include <linux/siphash.h>

#define COOKIEBITS	24
#define COOKIEMASK	((1U << COOKIEBITS) - 1)
#define MAX_COOKIE_AGE	2	/* minutes */

static siphash_key_t xtcp_cookie_key[2] __read_mostly;

/* MSS values a cookie can carry (index in 2 bits), as Linux's msstab. */
static const u16 xtcp_msstab[] = { 536, 1300, 1440, 1460 };

static u32 xtcp_cookie_time(void)
{
	return (u32)(ktime_get_seconds() / 60);
}

static u32 xtcp_cookie_hash(__be32 saddr, __be32 daddr, __be16 sport,
			    __be16 dport, u32 count, int c)
{
	return siphash_4u32((__force u32)saddr, (__force u32)daddr,
			    (u32)(__force u16)sport << 16 | (__force u16)dport,
			    count, &xtcp_cookie_key[c]);
}

/**
 * xtcp_cookie_init() - pick the secret keys
 *
 * Context: process context, module init.
 */
void xtcp_cookie_init(void)
{
	get_random_bytes(xtcp_cookie_key, sizeof(xtcp_cookie_key));
}

/**
 * xtcp_cookie_make() - the ISN for a cookie SYN-ACK
 * @saddr: peer address (the SYN's source)
 * @daddr: our address
 * @sport: peer port
 * @dport: our port
 * @sseq: the SYN's sequence number
 * @mss: peer's MSS; rounded down to a table entry (stored in @mss)
 *
 * Context: softirq.
 * Return: the cookie, to be sent as the SYN-ACK's sequence number; it
 * encodes the 4-tuple, @sseq, the current time slot and the MSS index.
 */
u32 xtcp_cookie_make(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		     u32 sseq, u16 *mss)
{
	u32 count = xtcp_cookie_time();
	int i;

	for (i = ARRAY_SIZE(xtcp_msstab) - 1; i > 0; i--)
		if (*mss >= xtcp_msstab[i])
			break;
	*mss = xtcp_msstab[i];
	return xtcp_cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq +
	       (count << COOKIEBITS) +
	       ((xtcp_cookie_hash(saddr, daddr, sport, dport, count, 1) + i) &
		COOKIEMASK);
}

/**
 * xtcp_cookie_check() - validate the cookie an ACK returns
 * @cookie: the ACK's ack number minus one
 * @saddr: peer address
 * @daddr: our address
 * @sport: peer port
 * @dport: our port
 * @sseq: the ACK's sequence number minus one (the SYN's)
 *
 * Context: softirq.
 * Return: the MSS the cookie encodes, or 0 if it is not valid.
 */
u16 xtcp_cookie_check(u32 cookie, __be32 saddr, __be32 daddr, __be16 sport,
		      __be16 dport, u32 sseq)
{
	u32 count = xtcp_cookie_time(), diff, idx;

	cookie -= xtcp_cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & ((u32)-1 >> COOKIEBITS);
	if (diff >= MAX_COOKIE_AGE)
		return 0;
	idx = (cookie - xtcp_cookie_hash(saddr, daddr, sport, dport,
					 count - diff, 1)) & COOKIEMASK;
	return idx < ARRAY_SIZE(xtcp_msstab) ? xtcp_msstab[idx] : 0;
}

/**
 * xtcp_cookie_ts_encode() - put window scale and SACK into a timestamp
 * @tsval: our timestamp value
 * @wscale_ok: peer offered window scaling
 * @snd_wscale: peer's shift
 * @sack_ok: peer offered SACK
 *
 * Return: @tsval with its low 6 bits replaced, never above @tsval.
 */
u32 xtcp_cookie_ts_encode(u32 tsval, bool wscale_ok, u8 snd_wscale,
			  bool sack_ok)
{
	u32 opts = wscale_ok ? snd_wscale : XTCP_COOKIE_TS_NOWS;
	u32 ts;

	if (sack_ok)
		opts |= XTCP_COOKIE_TS_SACK;
	ts = (tsval & ~XTCP_COOKIE_TS_MASK) | opts;
	if (ts > tsval)
		ts -= XTCP_COOKIE_TS_MASK + 1;
	return ts;
}
