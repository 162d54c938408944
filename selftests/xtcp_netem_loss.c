// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: loss 5% (random, both directions).
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"loss"

static const struct netem netem = { .loss = 5 };

#include "xtcp_netem.h"

/*
 * Segments lost on the wire are retransmitted: RetransSegs grows on both
 * sides (each side sends data), and nothing is lost for the application.
 */
TEST_F_TIMEOUT(nm, loss_repaired_by_retransmissions, 178)
{
	struct netem_case x;

	run(_metadata, variant->stack, &x);
	if (variant->stack != STACK_XTCP)
		return;
	EXPECT_GT(netem_cnt(&x, SIDE_A, "RetransSegs"), 0);
	EXPECT_GT(netem_cnt(&x, SIDE_B, "RetransSegs"), 0);
	TH_LOG("XTCP: RetransSegs %ld, TCPTimeouts %ld (%.0f%% of the retransmissions by RTO)",
	       netem_cnt2(&x, "RetransSegs"), netem_cnt2(&x, "TCPTimeouts"),
	       100.0 * netem_cnt2(&x, "TCPTimeouts") / (netem_cnt2(&x, "RetransSegs") ?: 1));
}

XTCP_HARNESS_MAIN
