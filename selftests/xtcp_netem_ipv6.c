// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer over IPv6 under netem: delay 10ms reorder 25% 50%
 * loss 5% duplicate 1% (all at once, both directions), as xtcp_netem_all
 * does over IPv4 (whose corruption is left out: IPv4's run counts it).
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"ipv6"

static const struct netem netem = { .delay_ms = 10, .reorder = 25, .reorder_corr = 50, .loss = 5,
				      .duplicate = 1, .ipv6 = true };

#include "xtcp_netem.h"

/*
 * Every byte of 64 MiB each way over IPv6 arrives intact, and the
 * impairments left their marks (RetransSegs, TCPOFOQueue on both sides).
 */
TEST_F_TIMEOUT(nm, ipv6_impairments_repaired, 178)
{
	struct netem_case x;

	run(_metadata, variant->stack, &x);
	if (variant->stack == STACK_XTCP)
		expect_marks(_metadata, &x, false);
}

XTCP_HARNESS_MAIN
