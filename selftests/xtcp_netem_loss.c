// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: loss 5% (random, both directions).
 *
 * The run and its first test are in helpers/dt_netem_tests.h.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define NETEM_KEY	"loss"

static const struct dt_netem netem = { .loss = 5 };

#include "helpers/dt_netem_tests.h"

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
