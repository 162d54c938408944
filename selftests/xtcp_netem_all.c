// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: delay 10ms reorder 25% 50% loss 5% duplicate 1% corrupt 0.1%
 * (all at once, both directions).
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"all"

static const struct netem netem = { .delay_ms = 10, .reorder = 25, .reorder_corr = 50, .loss = 5,
				      .duplicate = 1, .corrupt = 0.1 };

#include "xtcp_netem.h"

/*
 * All impairments at once leave their marks (RetransSegs, TCPOFOQueue,
 * InCsumErrors on both sides) and the streams are intact.
 */
TEST_F_TIMEOUT(nm, every_impairment_seen_and_repaired, 178)
{
	struct netem_case x;

	run(_metadata, variant->stack, &x);
	if (variant->stack == STACK_XTCP)
		expect_marks(_metadata, &x, true);
}

XTCP_HARNESS_MAIN
