// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: delay 10ms reorder 25% 50% loss 5% duplicate 1% corrupt 0.1%
 * (all at once, both directions).
 *
 * The run and its first test are in helpers/dt_netem_tests.h.
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

#define NETEM_KEY	"all"

static const struct dt_netem netem = { .delay_ms = 10, .reorder = 25, .reorder_corr = 50, .loss = 5,
				      .duplicate = 1, .corrupt = 0.1 };

#include "helpers/dt_netem_tests.h"

/*
 * All impairments at once leave their marks (RetransSegs, TCPOFOQueue,
 * InCsumErrors on both sides) and the streams are intact.
 */
TEST_F_TIMEOUT(nm, every_impairment_seen_and_repaired, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	ASSERT_EQ(0, x.err) TH_LOG("the XTCP transfer failed");
	int side;

	for (side = 0; side < 2; side++) {
		EXPECT_GT(dt_cnt(&x, side, "RetransSegs"), 0);
		EXPECT_GT(dt_cnt(&x, side, "TCPOFOQueue"), 0);
		EXPECT_GT(dt_cnt(&x, side, "InCsumErrors"), 0);
	}
}

TEST_HARNESS_MAIN
