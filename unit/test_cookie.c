// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies (module/xtcp_cookie.c) against Linux's syncookies.c:
 * secure_tcp_syn_cookie()/check_tcp_syn_cookie() (the minute counter in
 * the top 8 bits, MAX_SYNCOOKIE_AGE 2, msstab {536, 1300, 1440, 1460})
 * and cookie_init_timestamp() (window scale and SACK in the TSval's low
 * 6 bits). The keyed hash is a real SipHash-2-4 (mock.c), checked first.
 */
#include "../module/xtcp_cookie.c"
#include "fixture.h"

#define SA htonl(0xc0a80001)
#define DA htonl(0xc0a80002)
#define SP htons(33000)
#define DP htons(80)

TEST(siphash_reference_vector)
{
	/* the SipHash paper, appendix A: key 00..0f, message 00..0e */
	siphash_key_t k;
	u8 msg[15], kb[16];
	int i;

	for (i = 0; i < 16; i++)
		kb[i] = i;
	for (i = 0; i < 15; i++)
		msg[i] = i;
	memcpy(&k, kb, 16);
	EXPECT_EQ(siphash(msg, 15, &k), 0xa129ca6149be45e5ULL);
}

static u16 make_check(u16 mss)
{
	u32 c = xtcp_cookie_make(SA, DA, SP, DP, 0x12345678, &mss);

	return xtcp_cookie_check(c, SA, DA, SP, DP, 0x12345678);
}

TEST(cookie_round_trip_msstab)
{
	xtcp_cookie_init();
	EXPECT_EQ(make_check(1460), 1460);
	EXPECT_EQ(make_check(1440), 1440);
	EXPECT_EQ(make_check(1300), 1300);
	EXPECT_EQ(make_check(536), 536);
}

TEST(cookie_mss_rounded_down_to_table)
{
	/* cookie_v4_init_sequence(): the largest entry not above the MSS;
	 * below 536 the smallest entry
	 */
	static const u16 in[] = { 9000, 1459, 1441, 1439, 1299, 1000, 100 };
	static const u16 out[] = { 1460, 1440, 1440, 1300, 536, 536, 536 };
	unsigned int i;

	xtcp_cookie_init();
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		u16 mss = in[i];
		u32 c = xtcp_cookie_make(SA, DA, SP, DP, 1, &mss);

		EXPECT_EQ(mss, out[i]);
		EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 1), out[i]);
	}
}

TEST(cookie_bound_to_tuple_and_isn)
{
	u16 mss = 1460;
	u32 c;

	xtcp_cookie_init();
	c = xtcp_cookie_make(SA, DA, SP, DP, 0xfffffff0u, &mss);
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 0xfffffff0u), 1460);
	/* the SYN's sequence number is added in, as in Linux: a distant
	 * one fails (one a few units off only moves the MSS index)
	 */
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 0xfffffff0u + 1000), 0);
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 0xfffffff0u - 1000), 0);
	EXPECT_EQ(xtcp_cookie_check(c, htonl(0xc0a80003), DA, SP, DP, 0xfffffff0u), 0);
	EXPECT_EQ(xtcp_cookie_check(c, SA, htonl(0xc0a80003), SP, DP, 0xfffffff0u), 0);
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, htons(33001), DP, 0xfffffff0u), 0);
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, htons(81), 0xfffffff0u), 0);
	/* the addresses and ports are not interchangeable */
	EXPECT_EQ(xtcp_cookie_check(c, DA, SA, DP, SP, 0xfffffff0u), 0);
}

TEST(cookie_expires_after_two_minutes)
{
	/* check_tcp_syn_cookie(): valid while (now - then) minutes < 2 */
	u16 mss = 1440;
	u32 c;

	xtcp_cookie_init();
	mock_ns = (u64)(1000 * 60 + 30) * NSEC_PER_SEC;	/* mid-minute */
	c = xtcp_cookie_make(SA, DA, SP, DP, 7, &mss);
	mock_clock_advance_ns(29 * NSEC_PER_SEC);	/* same minute */
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 7), 1440);
	mock_clock_advance_ns(60 * NSEC_PER_SEC);	/* next minute */
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 7), 1440);
	mock_clock_advance_ns(2 * NSEC_PER_SEC);	/* two minutes on */
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 7), 0);
}

TEST(cookie_minute_counter_wraps)
{
	/* the counter keeps 8 bits: minute 255 then 256 is one minute */
	u16 mss = 1300;
	u32 c;

	xtcp_cookie_init();
	mock_ns = (u64)(255 * 60 + 59) * NSEC_PER_SEC;
	c = xtcp_cookie_make(SA, DA, SP, DP, 9, &mss);
	mock_clock_advance_ns(2 * NSEC_PER_SEC);
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 9), 1300);
}

TEST(cookie_rejected_under_new_key)
{
	u16 mss = 1460;
	u32 c;

	xtcp_cookie_init();
	c = xtcp_cookie_make(SA, DA, SP, DP, 3, &mss);
	xtcp_cookie_init();		/* a new secret */
	EXPECT_EQ(xtcp_cookie_check(c, SA, DA, SP, DP, 3), 0);
}

/* what xtcp_listen.c does with the echoed TSecr of a cookie ACK */
static void ts_decode(u32 ts, bool *ws_ok, u8 *ws, bool *sack)
{
	u32 enc = ts & XTCP_COOKIE_TS_MASK;

	*sack = enc & XTCP_COOKIE_TS_SACK;
	*ws_ok = (enc & 0xf) != XTCP_COOKIE_TS_NOWS;
	*ws = enc & 0xf;
}

TEST(cookie_timestamp_carries_wscale_and_sack)
{
	/* cookie_init_timestamp(): low 6 bits = wscale (0xf: none) | SACK
	 * << 4; never a TSval above the clock's
	 */
	static const u32 clocks[] = { 0x12345640u, 0x1234567fu, 0x12345600u, 63, 64 };
	unsigned int i, ws;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(clocks); i++) {
		for (ws = 0; ws <= 15; ws++) {
			bool ws_ok = ws < 15, sack = ws & 1, d_ok, d_sack;
			u8 wsv = ws_ok ? ws : 0, d_ws;
			u32 t = xtcp_cookie_ts_encode(clocks[i], ws_ok, wsv, sack);

			ts_decode(t, &d_ok, &d_ws, &d_sack);
			if (d_ok != ws_ok || d_sack != sack ||
			    (ws_ok && d_ws != wsv))
				bad++;
			/* at most 63 ticks behind, never ahead (mod 2^32) */
			if ((u32)(clocks[i] - t) > XTCP_COOKIE_TS_MASK)
				bad++;
		}
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(xtcp_cookie_ts_encode(0x1000, true, 7, true), 0x1000 - 64 + 0x17);
	EXPECT_EQ(xtcp_cookie_ts_encode(0x103f, false, 0, false), 0x100f);
}

/* a request entry of an IPv6 4-tuple (fd00::2:80 here, fd00::1:33000 peer) */
static void ent6(struct xtcp_ent *e, u8 peer_last)
{
	memset(e, 0, sizeof(*e));
	e->family = AF_INET6;
	e->laddr6.s6_addr[0] = 0xfd;
	e->laddr6.s6_addr[15] = 2;
	e->raddr6.s6_addr[0] = 0xfd;
	e->raddr6.s6_addr[15] = peer_last;
	e->lport = DP;
	e->rport = SP;
}

TEST(cookie_ipv6_round_trip_and_tuple_binding)
{
	/* cookie_v6_init_sequence()/__cookie_v6_check(): the same cookie
	 * layout over the IPv6 4-tuple; any byte of either address, either
	 * port, or a SYN sequence number far off invalidates it (one off
	 * moves the MSS index, as in Linux: the check is additive)
	 */
	struct xtcp_ent e, o;
	u16 mss = 1440;
	u32 c;

	xtcp_cookie_init();
	ent6(&e, 1);
	c = xtcp_cookie_make_ent(&e, 0x01020304, &mss);
	EXPECT_EQ(mss, 1440);
	EXPECT_EQ(xtcp_cookie_check_ent(c, &e, 0x01020304), 1440);
	EXPECT_EQ(xtcp_cookie_check_ent(c, &e, 0x01020304 + 1000), 0);
	ent6(&o, 3);
	EXPECT_EQ(xtcp_cookie_check_ent(c, &o, 0x01020304), 0);
	o = e;
	o.laddr6.s6_addr[7] ^= 1;	/* a middle byte of our address */
	EXPECT_EQ(xtcp_cookie_check_ent(c, &o, 0x01020304), 0);
	o = e;
	o.rport = htons(33001);
	EXPECT_EQ(xtcp_cookie_check_ent(c, &o, 0x01020304), 0);
	o = e;
	o.lport = htons(81);
	EXPECT_EQ(xtcp_cookie_check_ent(c, &o, 0x01020304), 0);
}

TEST(cookie_ent_ipv4_is_the_ipv4_cookie)
{
	/* an IPv4 entry (v4-mapped addresses) makes xtcp_cookie_make()'s
	 * cookie: peer first, as the SYN carries it
	 */
	struct xtcp_ent e;
	u16 mss = 1460, mss2 = 1460;

	xtcp_cookie_init();
	memset(&e, 0, sizeof(e));
	xtcp_ent_set4(&e, DA, DP, SA, SP);
	EXPECT_EQ(xtcp_cookie_make_ent(&e, 77, &mss),
		  xtcp_cookie_make(SA, DA, SP, DP, 77, &mss2));
	EXPECT_EQ(xtcp_cookie_check_ent(xtcp_cookie_make(SA, DA, SP, DP, 77, &mss2),
					&e, 77), 1460);
}
