// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence-number arithmetic (module/xtcp.h): RFC 9293 3.4 compares
 * sequence numbers modulo 2^32; xtcp_before/after/between are Linux's
 * before()/after()/between() (include/net/tcp.h).
 */
#include "fixture.h"

TEST(seq_before_after_plain)
{
	EXPECT_TRUE(xtcp_before(1, 2));
	EXPECT_FALSE(xtcp_before(2, 1));
	EXPECT_TRUE(xtcp_after(2, 1));
	EXPECT_FALSE(xtcp_after(1, 2));
	/* strict: a number is neither before nor after itself */
	EXPECT_FALSE(xtcp_before(5, 5));
	EXPECT_FALSE(xtcp_after(5, 5));
}

TEST(seq_before_after_wrap)
{
	/* 0xfffffff0 + 0x20 wraps to 0x10: still "after" (RFC 9293 3.4) */
	EXPECT_TRUE(xtcp_before(0xfffffff0u, 0x10));
	EXPECT_TRUE(xtcp_after(0x10, 0xfffffff0u));
	EXPECT_TRUE(xtcp_before(0xffffffffu, 0));
	EXPECT_TRUE(xtcp_after(0, 0xffffffffu));
	/* the window of comparison is 2^31 - 1 either way */
	EXPECT_TRUE(xtcp_before(0, 0x7fffffffu));
	EXPECT_TRUE(xtcp_after(0, 0x80000001u));
	EXPECT_TRUE(xtcp_before(0x80000001u, 0));
}

TEST(seq_between_wrap)
{
	/* between(b, a, c): a <= b <= c modulo 2^32, both ends included */
	EXPECT_TRUE(xtcp_between(5, 5, 10));
	EXPECT_TRUE(xtcp_between(10, 5, 10));
	EXPECT_FALSE(xtcp_between(4, 5, 10));
	EXPECT_FALSE(xtcp_between(11, 5, 10));
	EXPECT_TRUE(xtcp_between(0, 0xfffffff0u, 0x10));
	EXPECT_TRUE(xtcp_between(0xfffffff0u, 0xfffffff0u, 0x10));
	EXPECT_TRUE(xtcp_between(0x10, 0xfffffff0u, 0x10));
	EXPECT_FALSE(xtcp_between(0x11, 0xfffffff0u, 0x10));
	EXPECT_FALSE(xtcp_between(0xffffffefu, 0xfffffff0u, 0x10));
	/* an empty range holds its one point */
	EXPECT_TRUE(xtcp_between(7, 7, 7));
	EXPECT_FALSE(xtcp_between(8, 7, 7));
}

TEST(seq_antisymmetric_sweep)
{
	/* for distances below 2^31 exactly one of before/after holds, at
	 * every position around the circle
	 */
	u32 base = 0xffff0000u, d;
	int i, bad = 0;

	for (i = 0; i < 64; i++, base += 0x801)	/* across the wrap */
		for (d = 1; d < 0x80000000u; d = d * 3 + 1)
			if (!xtcp_before(base, base + d) ||
			    xtcp_after(base, base + d) ||
			    !xtcp_after(base + d, base))
				bad++;
	EXPECT_EQ(bad, 0);
}
