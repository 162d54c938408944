// SPDX-License-Identifier: GPL-2.0
/*
 * TCP options parsed and written (module/xtcp_options.c) against RFC 9293
 * 3.1-3.2 (MSS, NOP, EOL, option length), RFC 7323 (window scale,
 * timestamps), RFC 2018 (SACK) and Linux's tcp_parse_options() /
 * tcp_options_write() (layout and the handling of malformed options).
 * Every header is parsed from a heap buffer exactly as long as its data
 * offset says, so that the sanitized build catches any read past it.
 */
#include <stdlib.h>

#include "../module/xtcp_options.c"
#include "fixture.h"

/* parse @optlen option bytes (a multiple of 4) after a 20-byte header */
static void parse(const u8 *opts, int optlen, bool syn, struct xtcp_opts *o)
{
	struct tcphdr *th = malloc(sizeof(*th) + optlen);

	memset(th, 0, sizeof(*th));
	th->doff = (sizeof(*th) + optlen) / 4;
	if (optlen)
		memcpy(th + 1, opts, optlen);
	memset(o, 0xa5, sizeof(*o));	/* the parser must clear it */
	xtcp_parse_options(th, o, syn);
	free(th);
}

/* Linux's SYN: MSS 1460, SACK_PERM, TS 0x01020304/0, NOP, WS 7 */
static const u8 linux_syn[20] = {
	2, 4, 0x05, 0xb4,  4, 2, 8, 10,  1, 2, 3, 4,  0, 0, 0, 0,  1, 3, 3, 7,
};

TEST(opt_parse_linux_syn)
{
	struct xtcp_opts o;

	parse(linux_syn, sizeof(linux_syn), true, &o);
	EXPECT_EQ(o.mss, 1460);
	EXPECT_TRUE(o.sack_ok);
	EXPECT_TRUE(o.ts_ok);
	EXPECT_EQ(o.tsval, 0x01020304);
	EXPECT_EQ(o.tsecr, 0);
	EXPECT_TRUE(o.wscale_ok);
	EXPECT_EQ(o.wscale, 7);
	EXPECT_EQ(o.num_sacks, 0);
}

TEST(opt_syn_only_options_ignored_after_syn)
{
	/* RFC 9293 3.2 (MSS), RFC 7323 2.2 (WS), RFC 2018 2 (SACK_PERM):
	 * only on a SYN; the timestamp is taken on any segment (RFC 7323 3.2)
	 */
	struct xtcp_opts o;

	parse(linux_syn, sizeof(linux_syn), false, &o);
	EXPECT_EQ(o.mss, 0);
	EXPECT_FALSE(o.sack_ok);
	EXPECT_FALSE(o.wscale_ok);
	EXPECT_TRUE(o.ts_ok);
	EXPECT_EQ(o.tsval, 0x01020304);
}

TEST(opt_wscale_above_14_capped)
{
	/* RFC 7323 2.3: a shift above 14 MUST be used as 14 */
	static const u8 ws[][4] = {
		{ 1, 3, 3, 14 }, { 1, 3, 3, 15 }, { 1, 3, 3, 255 }, { 1, 3, 3, 0 },
	};
	static const u8 want[] = { 14, 14, 14, 0 };
	struct xtcp_opts o;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ws); i++) {
		parse(ws[i], 4, true, &o);
		EXPECT_TRUE(o.wscale_ok);
		EXPECT_EQ(o.wscale, want[i]);
	}
}

static int sack_opt(u8 *p, int nblocks, u32 base)
{
	int i;

	p[0] = 1;
	p[1] = 1;
	p[2] = 5;
	p[3] = 2 + 8 * nblocks;
	for (i = 0; i < nblocks; i++) {
		put_unaligned_be32(base + 2000 * i, p + 4 + 8 * i);
		put_unaligned_be32(base + 2000 * i + 1000, p + 8 + 8 * i);
	}
	return 4 + 8 * nblocks;
}

TEST(opt_sack_blocks_1_to_4)
{
	/* RFC 2018 3: 1..4 blocks of left and right edges, in order */
	u8 buf[40];
	struct xtcp_opts o;
	int n, i;

	for (n = 1; n <= 4; n++) {
		int len = sack_opt(buf, n, 0xfffff000u);

		parse(buf, len, false, &o);
		EXPECT_EQ(o.num_sacks, n);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(o.sacks[i].start, 0xfffff000u + 2000 * i);
			EXPECT_EQ(o.sacks[i].end, 0xfffff000u + 2000 * i + 1000);
		}
	}
}

TEST(opt_sack_ignored_on_syn)
{
	u8 buf[40];
	struct xtcp_opts o;

	parse(buf, sack_opt(buf, 2, 100), true, &o);
	EXPECT_EQ(o.num_sacks, 0);
}

TEST(opt_sack_bad_lengths_skipped)
{
	/* Linux: a SACK option whose length is not 2 + 8n (n >= 1) is
	 * ignored, and the options after it are still read
	 */
	static const u8 lens[] = { 2, 9, 11, 14, 17 };
	u8 buf[40];
	struct xtcp_opts o;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		int l = lens[i], n = 0, pad;

		memset(buf, 0, sizeof(buf));
		buf[n++] = 5;
		buf[n++] = l;
		n += l - 2;
		pad = (4 - (n + 10) % 4) % 4;
		while (pad--)
			buf[n++] = 1;		/* NOP */
		buf[n++] = 8;			/* then a timestamp */
		buf[n++] = 10;
		put_unaligned_be32(77, buf + n);
		n += 8;
		parse(buf, n, false, &o);
		EXPECT_EQ(o.num_sacks, 0);
		EXPECT_TRUE(o.ts_ok);
		EXPECT_EQ(o.tsval, 77);
	}
}

TEST(opt_eol_ends_parse)
{
	/* RFC 9293 3.2: End of Option List; what follows is padding */
	static const u8 b[16] = { 2, 4, 1, 0,  0,  8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0 };
	struct xtcp_opts o;

	parse(b, sizeof(b), true, &o);
	EXPECT_EQ(o.mss, 256);
	EXPECT_FALSE(o.ts_ok);
}

TEST(opt_nops_and_unknown_kinds_skipped)
{
	/* NOPs, then an unknown kind (30, length 4), then MSS */
	static const u8 b[12] = { 1, 1, 1, 1,  30, 4, 0xff, 0xff,  2, 4, 0x02, 0x18 };
	struct xtcp_opts o;

	parse(b, sizeof(b), true, &o);
	EXPECT_EQ(o.mss, 536);
}

TEST(opt_length_below_two_stops)
{
	/* Linux: an option length below 2 ("silly option") ends the parse */
	static const u8 b1[16] = { 2, 1, 0, 0,  1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0 };
	static const u8 b0[16] = { 30, 0, 0, 0,  1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0 };
	struct xtcp_opts o;

	parse(b1, sizeof(b1), true, &o);
	EXPECT_EQ(o.mss, 0);
	EXPECT_FALSE(o.ts_ok);
	parse(b0, sizeof(b0), true, &o);
	EXPECT_FALSE(o.ts_ok);
}

TEST(opt_partial_option_not_read)
{
	/* Linux: an option longer than what is left is not parsed; the
	 * sanitized build proves nothing past the header is read
	 */
	static const u8 b[8] = { 2, 4, 0x05, 0xb4,  1, 1, 8, 10 };
	static const u8 t[4] = { 2, 4, 0x05, 0xb4 };
	static const u8 k[8] = { 2, 4, 0x05, 0xb4,  1, 1, 1, 8 };
	struct xtcp_opts o;

	parse(b, sizeof(b), true, &o);	/* TS says 10, 2 bytes remain */
	EXPECT_EQ(o.mss, 1460);
	EXPECT_FALSE(o.ts_ok);
	parse(t, sizeof(t), true, &o);
	EXPECT_EQ(o.mss, 1460);
	parse(k, sizeof(k), true, &o);	/* kind in the last byte, no length */
	EXPECT_EQ(o.mss, 1460);
	EXPECT_FALSE(o.ts_ok);
}

TEST(opt_wrong_fixed_lengths_ignored)
{
	/* MSS must be 4, WS 3, SACK_PERM 2, TS 10 (Linux checks each) */
	static const u8 b[24] = {
		2, 3, 5,  3, 4, 7, 0,  4, 3, 0,  8, 8, 0, 0, 0, 1, 0, 0,
		2, 4, 0x01, 0x00,  1, 1,
	};
	struct xtcp_opts o;

	parse(b, sizeof(b), true, &o);
	EXPECT_FALSE(o.wscale_ok);
	EXPECT_FALSE(o.sack_ok);
	EXPECT_FALSE(o.ts_ok);
	EXPECT_EQ(o.mss, 256);		/* the well-formed MSS at the end */
}

TEST(opt_no_options)
{
	struct xtcp_opts o;

	parse(NULL, 0, true, &o);
	EXPECT_EQ(o.mss, 0);
	EXPECT_FALSE(o.ts_ok || o.sack_ok || o.wscale_ok);
	EXPECT_EQ(o.num_sacks, 0);
}

TEST(opt_parse_random_bytes)
{
	/* 20000 random option areas: no read past the header (sanitizer),
	 * never more than 4 SACK blocks, never a shift above 14
	 */
	u8 buf[40];
	int i, j, bad = 0;

	for (i = 0; i < 20000; i++) {
		int len = 4 * (get_random_u32() % 11);
		struct xtcp_opts o;

		for (j = 0; j < len; j++) {
			u32 r = get_random_u32();

			/* bias toward known kinds and small lengths */
			buf[j] = (r & 3) ? (u8)(r >> 8) % 12 : (u8)(r >> 8);
		}
		parse(buf, len, i & 1, &o);
		if (o.num_sacks > XTCP_MAX_SACKS || o.wscale > XTCP_MAX_WSCALE)
			bad++;
		if ((i & 1) && o.num_sacks)
			bad++;
	}
	EXPECT_EQ(bad, 0);
}

/* ---- building ---- */

static unsigned int build(const struct xtcp_out_opts *o, bool syn, u8 *out)
{
	u32 words[16];
	unsigned int n = xtcp_opts_size(o, syn);

	memset(words, 0xee, sizeof(words));
	xtcp_write_opts((__be32 *)words, o, syn);
	memcpy(out, words, sizeof(words));
	return n;
}

TEST(opt_write_linux_syn_layout)
{
	/* tcp_options_write(): MSS, SACK_PERM folded into the TS word, WS */
	struct xtcp_out_opts o = {
		.mss = 1460, .ts = true, .tsval = 0x01020304, .tsecr = 0,
		.sack = true, .ws = true, .wscale = 7,
	};
	u8 b[64];

	EXPECT_EQ(build(&o, true, b), 20);
	EXPECT_TRUE(!memcmp(b, linux_syn, 20));
	EXPECT_EQ(b[20], 0xee);		/* nothing written past the size */
}

TEST(opt_write_syn_without_timestamps)
{
	/* MSS, NOP NOP SACK_PERM, NOP WS: 12 bytes */
	static const u8 want[12] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 9 };
	struct xtcp_out_opts o = { .mss = 1460, .sack = true, .ws = true,
				   .wscale = 9 };
	struct xtcp_out_opts m = { .mss = 536 };
	u8 b[64];

	EXPECT_EQ(build(&o, true, b), 12);
	EXPECT_TRUE(!memcmp(b, want, 12));
	EXPECT_EQ(build(&m, true, b), 4);	/* MSS alone */
	EXPECT_EQ(b[4], 0xee);
}

TEST(opt_write_parse_round_trip_syn)
{
	/* every combination of the SYN options reads back as written */
	int c, bad = 0;

	for (c = 0; c < 8; c++) {
		struct xtcp_out_opts w = {
			.mss = 1200 + c, .ts = c & 1, .tsval = 0xfedcba98u - c,
			.tsecr = c, .sack = c & 2, .ws = c & 4, .wscale = c + 3,
		};
		struct xtcp_opts r;
		u8 b[64];
		unsigned int n = build(&w, true, b);

		if (n % 4 || n > 40)
			bad++;
		parse(b, n, true, &r);
		if (r.mss != w.mss || r.ts_ok != w.ts || r.sack_ok != w.sack ||
		    r.wscale_ok != w.ws || (w.ws && r.wscale != w.wscale) ||
		    (w.ts && (r.tsval != w.tsval || r.tsecr != w.tsecr)))
			bad++;
	}
	EXPECT_EQ(bad, 0);
}

TEST(opt_write_parse_round_trip_sacks)
{
	/* data segments: timestamps and up to 4 SACK blocks (3 with the
	 * timestamp: 40 bytes of option space), edges across the wrap
	 */
	int ts, n, i;

	for (ts = 0; ts <= 1; ts++) {
		for (n = 0; n <= (ts ? 3 : 4); n++) {
			struct xtcp_out_opts w = { .ts = ts, .tsval = 5,
						   .tsecr = 6, .num_sacks = n };
			struct xtcp_opts r;
			unsigned int size;
			u8 b[64];

			for (i = 0; i < n; i++) {
				w.sacks[i].start = 0xffffff00u + 3000 * i;
				w.sacks[i].end = w.sacks[i].start + 1448;
			}
			size = build(&w, false, b);
			EXPECT_EQ(size, (ts ? 12 : 0) + (n ? 4 + 8 * n : 0));
			EXPECT_EQ(b[size], 0xee);
			parse(b, size, false, &r);
			EXPECT_EQ(r.ts_ok, ts);
			EXPECT_EQ(r.num_sacks, n);
			for (i = 0; i < n; i++)
				if (r.sacks[i].start != w.sacks[i].start ||
				    r.sacks[i].end != w.sacks[i].end)
					unit_fail("block %d of %d differs", i, n);
		}
	}
}
