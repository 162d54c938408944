/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xtcp_netem_*.c tests share. #include it after
 * kselftest_harness.h, with NETEM_KEY (the name printed with the run)
 * defined and `static const struct netem netem` (the impairment) declared
 * first; the file then adds its test on fixture nm, which calls run().
 *
 * 64 MiB from A to B and 64 MiB from B to A at the same time, each
 * direction split over NCONN connections (8 x 8 MiB: one connection under
 * TCG and these impairments takes minutes), every byte checked against an
 * offset-dependent pattern (any loss, duplication, reordering or
 * corruption of a stream is found and located), on a fresh topology with
 * the impairment on both ends:
 *
 *   A 10.0.0.1 va  <--- veth, netem on both ends --->  vb 10.0.0.2 B
 *
 * Each test runs once per stack (variants): nm.xtcp.NAME is XTCP's run,
 * whose counters the test then judges; nm.tcp.NAME is the same run over
 * the kernel's TCP, the reference (its counters are printed beside
 * XTCP's in the log).
 */
#ifndef XTCP_NETEM_H
#define XTCP_NETEM_H

#define NCONN	8
#define BYTES	(64ULL << 20)
#define STALL	30	/* seconds without progress on a connection: failure */

FIXTURE(nm) {
	int unused;
};

FIXTURE_VARIANT(nm) {
	enum stack stack;
};

STACK_VARIANTS(nm);

FIXTURE_SETUP(nm)
{
}

FIXTURE_TEARDOWN(nm)
{
}

/*
 * The run of stack @s, into @r: every byte must arrive (a failure of the
 * TCP reference means the rig is broken; an XTCP failure ends the test).
 */
static void run(struct __test_metadata *_metadata, enum stack s, struct netem_case *r)
{
	ASSERT_EQ(0, netem_case(NETEM_KEY, &netem, s, NCONN, BYTES, STALL, r))
		TH_LOG("setup failed (is xtcp.ko loaded?)");
	TH_LOG("netem %s: %s %s in %.1f s", netem_str(&netem), stack_name(s),
	       errname(r->err), r->secs);
	if (s == STACK_TCP) {
		EXPECT_EQ(0, r->err) TH_LOG("the TCP reference failed: the rig is broken");
	} else {
		ASSERT_EQ(0, r->err) TH_LOG("the XTCP transfer failed");
	}
}

/*
 * The marks impairments leave on both sides of XTCP's run: retransmissions,
 * out-of-order queueing and, with @csum, checksum drops.
 */
static inline void expect_marks(struct __test_metadata *_metadata, const struct netem_case *x,
				bool csum)
{
	int side;

	for (side = 0; side < 2; side++) {
		EXPECT_GT(netem_cnt(x, side, "RetransSegs"), 0);
		EXPECT_GT(netem_cnt(x, side, "TCPOFOQueue"), 0);
		if (csum)
			EXPECT_GT(netem_cnt(x, side, "InCsumErrors"), 0);
	}
}

#endif /* XTCP_NETEM_H */
