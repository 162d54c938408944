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

/*
 * The connection a cookie is bound to: an IPv4 4-tuple, or an IPv6 one
 * (@s6 and @d6 set); peer first, as the SYN carries it.
 */
struct xtcp_cookie_tuple {
	__be32 saddr;
	__be32 daddr;
	const struct in6_addr *s6;
	const struct in6_addr *d6;
	__be16 sport;
	__be16 dport;
};

static u32 xtcp_cookie_hash(const struct xtcp_cookie_tuple *t, u32 count,
			    int c)
{
	struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
		u32 ports;
		u32 count;
	} __aligned(SIPHASH_ALIGNMENT) in6;

	if (!t->s6)
		return siphash_4u32((__force u32)t->saddr, (__force u32)t->daddr,
				    (u32)(__force u16)t->sport << 16 |
				    (__force u16)t->dport,
				    count, &xtcp_cookie_key[c]);
	in6.saddr = *t->s6;
	in6.daddr = *t->d6;
	in6.ports = (u32)(__force u16)t->sport << 16 | (__force u16)t->dport;
	in6.count = count;
	return siphash(&in6, sizeof(in6), &xtcp_cookie_key[c]);
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

static u32 __xtcp_cookie_make(const struct xtcp_cookie_tuple *t, u32 sseq,
			      u16 *mss)
{
	u32 count = xtcp_cookie_time();
	int i;

	for (i = ARRAY_SIZE(xtcp_msstab) - 1; i > 0; i--)
		if (*mss >= xtcp_msstab[i])
			break;
	*mss = xtcp_msstab[i];
	return xtcp_cookie_hash(t, 0, 0) + sseq + (count << COOKIEBITS) +
	       ((xtcp_cookie_hash(t, count, 1) + i) & COOKIEMASK);
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
	struct xtcp_cookie_tuple t = {
		.saddr = saddr, .daddr = daddr, .sport = sport, .dport = dport,
	};

	return __xtcp_cookie_make(&t, sseq, mss);
}

static u16 __xtcp_cookie_check(const struct xtcp_cookie_tuple *t, u32 cookie,
			       u32 sseq)
{
	u32 count = xtcp_cookie_time(), diff, idx;

	cookie -= xtcp_cookie_hash(t, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & ((u32)-1 >> COOKIEBITS);
	if (diff >= MAX_COOKIE_AGE)
		return 0;
	idx = (cookie - xtcp_cookie_hash(t, count - diff, 1)) & COOKIEMASK;
	return idx < ARRAY_SIZE(xtcp_msstab) ? xtcp_msstab[idx] : 0;
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
	struct xtcp_cookie_tuple t = {
		.saddr = saddr, .daddr = daddr, .sport = sport, .dport = dport,
	};

	return __xtcp_cookie_check(&t, cookie, sseq);
}

/* The peer-to-us tuple of entry @e (local = our side), IPv4 or IPv6. */
static void xtcp_cookie_tuple_ent(struct xtcp_cookie_tuple *t, const struct xtcp_ent *e)
{
	*t = (struct xtcp_cookie_tuple) {
		.saddr = e->raddr, .daddr = e->laddr,
		.sport = e->rport, .dport = e->lport,
	};
	if (e->family == AF_INET6) {
		t->s6 = &e->raddr6;
		t->d6 = &e->laddr6;
	}
}

/**
 * xtcp_cookie_make_ent() - xtcp_cookie_make() for a request's 4-tuple
 * @e: the request's entry (local = our side); IPv4 or IPv6
 * @sseq: the SYN's sequence number
 * @mss: as xtcp_cookie_make()
 *
 * Context: softirq.
 * Return: the cookie.
 */
u32 xtcp_cookie_make_ent(const struct xtcp_ent *e, u32 sseq, u16 *mss)
{
	struct xtcp_cookie_tuple t;

	xtcp_cookie_tuple_ent(&t, e);
	return __xtcp_cookie_make(&t, sseq, mss);
}

/**
 * xtcp_cookie_check_ent() - xtcp_cookie_check() for an ACK's 4-tuple
 * @cookie: the ACK's ack number minus one
 * @e: the ACK's 4-tuple (local = our side); IPv4 or IPv6
 * @sseq: the ACK's sequence number minus one
 *
 * Context: softirq.
 * Return: the MSS the cookie encodes, or 0 if it is not valid.
 */
u16 xtcp_cookie_check_ent(u32 cookie, const struct xtcp_ent *e, u32 sseq)
{
	struct xtcp_cookie_tuple t;

	xtcp_cookie_tuple_ent(&t, e);
	return __xtcp_cookie_check(&t, cookie, sseq);
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
