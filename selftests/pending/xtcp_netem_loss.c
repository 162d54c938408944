// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: loss 5% (random, both directions).
 *
 * 64 MiB from A to B and 64 MiB from B to A at the same time, each
 * direction split over NCONN connections (8 x 8 MiB: one connection under
 * TCG and these impairments takes minutes), every byte checked against an
 * offset-dependent pattern (any loss, duplication, reordering or
 * corruption of a stream is found and located). The same run over the
 * kernel's TCP is the reference (times and counters in the log).
 *
 *   A 10.0.0.1 va  <--- veth, netem on both ends --->  vb 10.0.0.2 B
 *
 * The second test looks at the counters of the first test's run (kept in
 * a file under /tmp), or makes the run itself when run alone.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define KEY	"loss"
#define NCONN	8
#define BYTES	(64ULL << 20)
#define STALL	30	/* seconds without progress on a connection: failure */

static const struct dt_netem netem = { .loss = 5 };

/* the TCP reference run, then the XTCP run (or their kept results) */
static void run(struct __test_metadata *_metadata, struct dt_case_res *t,
		struct dt_case_res *x)
{
	ASSERT_EQ(0, dt_netem_case(KEY, &netem, DT_TCP, NCONN, BYTES, STALL, t))
		TH_LOG("setup failed (is xtcp.ko loaded?)");
	ASSERT_EQ(0, dt_netem_case(KEY, &netem, DT_XTCP, NCONN, BYTES, STALL, x))
		TH_LOG("setup failed (is xtcp.ko loaded?)");
}

FIXTURE(nm) {
	int unused;
};

FIXTURE_SETUP(nm)
{
}

FIXTURE_TEARDOWN(nm)
{
}

/* 64 MiB each way arrive intact over XTCP */
TEST_F_TIMEOUT(nm, xtcp_64mib_each_way_intact, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	TH_LOG("netem %s: XTCP %s in %.1f s, TCP %s in %.1f s", dt_netem_str(&netem),
	       dt_errname(x.err), x.secs, dt_errname(t.err), t.secs);
	EXPECT_EQ(0, t.err) TH_LOG("the TCP reference failed: the rig is broken");
	EXPECT_EQ(0, x.err);
}

/*
 * Segments lost on the wire are retransmitted: RetransSegs grows on both
 * sides (each side sends data), and nothing is lost for the application.
 */
TEST_F_TIMEOUT(nm, loss_repaired_by_retransmissions, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	ASSERT_EQ(0, x.err) TH_LOG("the XTCP transfer failed");
	EXPECT_GT(dt_cnt(&x, DT_A, "RetransSegs"), 0);
	EXPECT_GT(dt_cnt(&x, DT_B, "RetransSegs"), 0);
	TH_LOG("XTCP: RetransSegs %ld, TCPTimeouts %ld (%.0f%% of the retransmissions by RTO);"
	       " TCP: RetransSegs %ld, TCPTimeouts %ld",
	       dt_cnt2(&x, "RetransSegs"), dt_cnt2(&x, "TCPTimeouts"),
	       100.0 * dt_cnt2(&x, "TCPTimeouts") / (dt_cnt2(&x, "RetransSegs") ?: 1),
	       dt_cnt2(&t, "RetransSegs"), dt_cnt2(&t, "TCPTimeouts"));
}

TEST_HARNESS_MAIN
