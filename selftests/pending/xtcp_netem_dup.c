// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: duplicate 1% (both directions), nothing lost.
 *
 * The run and its first test are in helpers/dt_netem_tests.h.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define NETEM_KEY	"dup"

static const struct dt_netem netem = { .duplicate = 1 };

#include "helpers/dt_netem_tests.h"

/*
 * Nothing is lost, only duplicated: duplicates are discarded and need no
 * retransmission. Retransmissions (RetransSegs, both sides) stay within
 * max(0.1% of the segments received, 2 x TCP's under the same netem).
 */
TEST_F_TIMEOUT(nm, duplicates_cause_no_retransmissions, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	ASSERT_EQ(0, x.err) TH_LOG("the XTCP transfer failed");
	long xr = dt_cnt2(&x, "RetransSegs"), tr = dt_cnt2(&t, "RetransSegs");

	TH_LOG("XTCP: RetransSegs %ld, TCPTimeouts %ld, TCPOFOQueue %ld of %ld segments in;"
	       " TCP: RetransSegs %ld, TCPTimeouts %ld, TCPOFOQueue %ld",
	       xr, dt_cnt2(&x, "TCPTimeouts"), dt_cnt2(&x, "TCPOFOQueue"), dt_cnt2(&x, "InSegs"),
	       tr, dt_cnt2(&t, "TCPTimeouts"), dt_cnt2(&t, "TCPOFOQueue"));
	EXPECT_LE(xr, tr * 2 > dt_cnt2(&x, "InSegs") / 1000 ? tr * 2 : dt_cnt2(&x, "InSegs") / 1000);
}

TEST_HARNESS_MAIN
