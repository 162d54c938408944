// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: corrupt 0.1% (both directions).
 *
 * The run and its first test are in helpers/dt_netem_tests.h.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define NETEM_KEY	"corrupt"

static const struct dt_netem netem = { .corrupt = 0.1 };

#include "helpers/dt_netem_tests.h"

/*
 * netem flips a bit in 0.1% of the packets (after computing the checksum
 * the NIC would have): XTCP finds them by the checksum and drops them
 * (InCsumErrors and InErrs grow on both sides) and the stream stays intact.
 */
TEST_F_TIMEOUT(nm, corrupt_segments_dropped_and_counted, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	ASSERT_EQ(0, x.err) TH_LOG("the XTCP transfer failed");
	EXPECT_GT(dt_cnt(&x, DT_A, "InCsumErrors"), 0);
	EXPECT_GT(dt_cnt(&x, DT_B, "InCsumErrors"), 0);
	EXPECT_GE(dt_cnt(&x, DT_A, "InErrs"), dt_cnt(&x, DT_A, "InCsumErrors"));
	EXPECT_GE(dt_cnt(&x, DT_B, "InErrs"), dt_cnt(&x, DT_B, "InCsumErrors"));
	TH_LOG("XTCP: InCsumErrors %ld InErrs %ld RetransSegs %ld; TCP: InCsumErrors %ld InErrs %ld"
	       " RetransSegs %ld", dt_cnt2(&x, "InCsumErrors"), dt_cnt2(&x, "InErrs"),
	       dt_cnt2(&x, "RetransSegs"), dt_cnt2(&t, "InCsumErrors"), dt_cnt2(&t, "InErrs"),
	       dt_cnt2(&t, "RetransSegs"));
}

TEST_HARNESS_MAIN
