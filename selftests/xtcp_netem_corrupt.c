// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: corrupt 0.1% (both directions).
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"corrupt"

/*
 * Per wire segment, anywhere in it: with GSO, netem would draw once per
 * 64 KB packet and corrupt only ~3 segments a side in the whole run (CI
 * once saw none); with scatter-gather it would flip header bits only.
 */
static const struct netem netem = { .corrupt = 0.1, .wire_segments = true };

#include "xtcp_netem.h"

/*
 * netem flips a bit in 0.1% of the segments (after computing the checksum
 * the NIC would have; TSO, GSO and SG off, so ~70 a side): XTCP finds them by the checksum and drops them
 * (InCsumErrors and InErrs grow on both sides) and the stream stays intact.
 */
TEST_F_TIMEOUT(nm, corrupt_segments_dropped_and_counted, 178)
{
	struct netem_case x;

	run(_metadata, variant->stack, &x);
	if (variant->stack != STACK_XTCP)
		return;
	EXPECT_GT(netem_cnt(&x, SIDE_A, "InCsumErrors"), 0);
	EXPECT_GT(netem_cnt(&x, SIDE_B, "InCsumErrors"), 0);
	EXPECT_GE(netem_cnt(&x, SIDE_A, "InErrs"), netem_cnt(&x, SIDE_A, "InCsumErrors"));
	EXPECT_GE(netem_cnt(&x, SIDE_B, "InErrs"), netem_cnt(&x, SIDE_B, "InCsumErrors"));
	TH_LOG("XTCP: InCsumErrors %ld InErrs %ld RetransSegs %ld",
	       netem_cnt2(&x, "InCsumErrors"), netem_cnt2(&x, "InErrs"),
	       netem_cnt2(&x, "RetransSegs"));
}

XTCP_HARNESS_MAIN
