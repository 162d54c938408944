// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable transfer under netem: duplicate 1% (both directions), nothing lost.
 *
 * The run and the fixture are in xtcp_netem.h.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NETEM_KEY	"dup"

static const struct netem netem = { .duplicate = 1 };

#include "xtcp_netem.h"

/*
 * Nothing is lost, only duplicated: duplicates are discarded and need no
 * retransmission. The rig can cause some (reordering on the veth, which
 * netem_case() steers away with RPS, and tail loss probes), so the same
 * XTCP transfer runs once more through a netem that impairs nothing, and
 * duplication may add at most 0.1% of the segments sent to that
 * baseline's retransmissions (both sides).
 */
TEST_F_TIMEOUT(nm, duplicates_cause_no_retransmissions, 178)
{
	static const struct netem none = { .limit = 100000 };
	struct netem_case x, b;
	long xr, br, in;

	run(_metadata, variant->stack, &x);
	if (variant->stack != STACK_XTCP)
		return;
	ASSERT_EQ(0, netem_case(NETEM_KEY "-none", &none, STACK_XTCP, NCONN, BYTES, STALL, &b))
		TH_LOG("setup failed");
	ASSERT_EQ(0, b.err) TH_LOG("the XTCP baseline transfer failed");
	xr = netem_cnt2(&x, "RetransSegs");
	br = netem_cnt2(&b, "RetransSegs");
	/* segments sent, not InSegs: a GSO skb counts as its segments on
	 * the way out, as one on the way in (both as Linux)
	 */
	in = netem_cnt2(&x, "OutSegs");
	TH_LOG("XTCP: RetransSegs %ld (TCPTimeouts %ld, TCPOFOQueue %ld, %ld segments out); "
	       "through an idle netem: RetransSegs %ld (TCPTimeouts %ld, TCPOFOQueue %ld)",
	       xr, netem_cnt2(&x, "TCPTimeouts"), netem_cnt2(&x, "TCPOFOQueue"), in,
	       br, netem_cnt2(&b, "TCPTimeouts"), netem_cnt2(&b, "TCPOFOQueue"));
	/* RetransSegs counts every retransmission, those of timeouts too: a
	 * starved guest (loaded host, debug kernel: 30 to 47 RTOs in runs with
	 * or without duplicates) times out now and then whatever netem does,
	 * so timeouts are only logged
	 */
	EXPECT_LE(xr, br + in / 1000);
}

XTCP_HARNESS_MAIN
