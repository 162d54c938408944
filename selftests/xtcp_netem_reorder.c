// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: delay 10ms reorder 25% 50% (both directions).
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"reorder"

static const struct netem netem = { .delay_ms = 10, .reorder = 25, .reorder_corr = 50 };

#include "xtcp_netem.h"

/*
 * Segments that overtake others wait in the out-of-order queue
 * (TCPOFOQueue grows on both sides) and the stream is delivered in order.
 */
TEST_F_TIMEOUT(nm, reordered_segments_queued_out_of_order, 178)
{
	struct netem_case x;

	run(_metadata, variant->stack, &x);
	if (variant->stack != STACK_XTCP)
		return;
	EXPECT_GT(netem_cnt(&x, SIDE_A, "TCPOFOQueue"), 0);
	EXPECT_GT(netem_cnt(&x, SIDE_B, "TCPOFOQueue"), 0);
	TH_LOG("XTCP: TCPOFOQueue %ld, RetransSegs %ld",
	       netem_cnt2(&x, "TCPOFOQueue"), netem_cnt2(&x, "RetransSegs"));
}

XTCP_HARNESS_MAIN
