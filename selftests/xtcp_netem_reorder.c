// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: delay 10ms reorder 25% 50% (both directions).
 *
 * The run and its first test are in helpers/dt_netem_tests.h.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define NETEM_KEY	"reorder"

static const struct dt_netem netem = { .delay_ms = 10, .reorder = 25, .reorder_corr = 50 };

#include "helpers/dt_netem_tests.h"

/*
 * Segments that overtake others wait in the out-of-order queue
 * (TCPOFOQueue grows on both sides) and the stream is delivered in order.
 */
TEST_F_TIMEOUT(nm, reordered_segments_queued_out_of_order, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	ASSERT_EQ(0, x.err) TH_LOG("the XTCP transfer failed");
	EXPECT_GT(dt_cnt(&x, DT_A, "TCPOFOQueue"), 0);
	EXPECT_GT(dt_cnt(&x, DT_B, "TCPOFOQueue"), 0);
	TH_LOG("XTCP: TCPOFOQueue %ld, RetransSegs %ld; TCP: TCPOFOQueue %ld, RetransSegs %ld",
	       dt_cnt2(&x, "TCPOFOQueue"), dt_cnt2(&x, "RetransSegs"),
	       dt_cnt2(&t, "TCPOFOQueue"), dt_cnt2(&t, "RetransSegs"));
}

TEST_HARNESS_MAIN
