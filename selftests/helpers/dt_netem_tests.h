/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xtcp_netem_*.c tests share. #include it after
 * kselftest_harness.h, with NETEM_KEY (the name the kept results go
 * under) defined and `static const struct dt_netem netem` (the impairment)
 * declared first; the file then adds the test of its own impairment,
 * which calls run().
 *
 * 64 MiB from A to B and 64 MiB from B to A at the same time, each
 * direction split over NCONN connections (8 x 8 MiB: one connection under
 * TCG and these impairments takes minutes), every byte checked against an
 * offset-dependent pattern (any loss, duplication, reordering or
 * corruption of a stream is found and located). The same run over the
 * kernel's TCP is the reference (times and counters in the log).
 *
 *   A 10.0.0.1 va  <--- veth, netem on both ends --->  vb 10.0.0.2 B
 *
 * The second test looks at the counters of the first test's run (kept in
 * a file under /tmp), or makes the run itself when run alone.
 */
#ifndef DT_NETEM_TESTS_H
#define DT_NETEM_TESTS_H

#define NCONN	8
#define BYTES	(64ULL << 20)
#define STALL	30	/* seconds without progress on a connection: failure */

/* the TCP reference run, then the XTCP run (or their kept results) */
static void run(struct __test_metadata *_metadata, struct dt_case_res *t,
		struct dt_case_res *x)
{
	ASSERT_EQ(0, dt_netem_case(NETEM_KEY, &netem, DT_TCP, NCONN, BYTES, STALL, t))
		TH_LOG("setup failed (is xtcp.ko loaded?)");
	ASSERT_EQ(0, dt_netem_case(NETEM_KEY, &netem, DT_XTCP, NCONN, BYTES, STALL, x))
		TH_LOG("setup failed (is xtcp.ko loaded?)");
}

FIXTURE(nm) {
	int unused;
};

FIXTURE_SETUP(nm)
{
}

FIXTURE_TEARDOWN(nm)
{
}

/* 64 MiB each way arrive intact over XTCP */
TEST_F_TIMEOUT(nm, xtcp_64mib_each_way_intact, 178)
{
	struct dt_case_res t, x;

	run(_metadata, &t, &x);
	TH_LOG("netem %s: XTCP %s in %.1f s, TCP %s in %.1f s", dt_netem_str(&netem),
	       dt_errname(x.err), x.secs, dt_errname(t.err), t.secs);
	EXPECT_EQ(0, t.err) TH_LOG("the TCP reference failed: the rig is broken");
	EXPECT_EQ(0, x.err);
}

#endif /* DT_NETEM_TESTS_H */
