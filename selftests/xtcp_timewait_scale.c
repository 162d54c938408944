// SPDX-License-Identifier: GPL-2.0
/*
 * 20 000 XTCP connections in TIME_WAIT at once, and what they cost.
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * A opens 20 000 connections to one listener in B (ip_local_port_range
 * widened, net.xtcp.max_tw_buckets raised, tw_timeout=600, the most,
 * so that none expires even when making them takes minutes) in batches,
 * closes each first, then B closes: A holds 20 000 TIME_WAIT entries.
 * The tests, in order (later ones read what the first one measured from
 * a results file):
 *   1. /proc/net/xtcp of A shows 20 000 TIME_WAIT rows;
 *   2. object sizes from /proc/slabinfo: an "xtcp_tw" entry is less than
 *      a third of an "XTCP" socket (Linux's tw_sock_TCP and TCP printed
 *      alongside);
 *   3. the entries are xtcp_tw objects, not sockets: the xtcp_tw cache
 *      grew by ~20 000 objects while the XTCP cache did not;
 *   4. deleting the namespaces (the test process exits) purges the
 *      entries at once: the xtcp_tw cache shrinks back within seconds
 *      and no module reference is left (rmmod would succeed).
 */
#define TD_LIB_NO_MAIN
#include "helpers/td_lib.c"
#include "kselftest_harness.h"

#define NCONN	20000
#define BATCH	250
#define PORT	7000
#define RESULTS	"/tmp/xtcp_timewait_scale.res"

struct results {
	int rows;
	long tw_before, tw_after, sk_before, sk_after;
	double secs;
};

/* The tests use no fixture state; the fixture only gives them timeouts. */
FIXTURE(scale) {
	int unused;
};

FIXTURE_SETUP(scale)
{
}

FIXTURE_TEARDOWN(scale)
{
}

/*
 * Active objects of slab cache @name. The cache is shrunk first: under
 * KASAN freed objects wait in a quarantine and still count as active
 * until kmem_cache_shrink() releases them (a no-op elsewhere).
 */
static void slab_active(const char *name, long *active)
{
	char path[128];
	long sz, tot;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
	xtcp_write_file(path, "1");
	if (td_slab(name, &sz, active, &tot))
		*active = -1;
}

TEST_F_TIMEOUT(scale, twenty_thousand_time_wait_rows, 400)
{
	struct td_topo t = { { -1, -1 } };
	struct results res = { 0 };
	static int cfd[BATCH], sfd[BATCH];
	int lfd, made = 0, i, n, err;
	double t0;
	FILE *f;

	unlink(RESULTS);
	slab_active("xtcp_tw", &res.tw_before);
	slab_active("XTCP", &res.sk_before);
	err = td_topo_init(&t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	nl_ns_enter(t.ns[TD_A]);
	ASSERT_EQ(0, td_sysctl("net.ipv4.ip_local_port_range", "10000 60999"));
	ASSERT_EQ(0, td_sysctl_int("net.xtcp.max_tw_buckets", 100000));
	ASSERT_EQ(0, td_sysctl_int("net.xtcp.tw_timeout", 600));
	nl_ns_enter(t.ns[TD_B]);
	td_sysctl_int("net.xtcp.max_syn_backlog", 4096);
	lfd = td_listen(TD_XTCP, TD_IP_B, PORT, 1024);
	ASSERT_LE(0, lfd);
	td_set_nonblock(lfd, 1);
	nl_ns_enter(t.ns[TD_A]);

	t0 = td_now();
	while (made < NCONN) {
		struct sockaddr_in sin = xtcp_sin(TD_IP_B, PORT);
		int want = NCONN - made < BATCH ? NCONN - made : BATCH, got = 0;
		double tb = td_now();

		for (i = 0; i < want; i++) {
			cfd[i] = td_socket(TD_XTCP);
			ASSERT_LE(0, cfd[i]);
			td_set_nonblock(cfd[i], 1);
			if (connect(cfd[i], (struct sockaddr *)&sin, sizeof(sin)) &&
			    errno != EINPROGRESS)
				ASSERT_EQ(0, errno) TH_LOG("connect #%d", made + i);
		}
		while (got < want) {
			int c;

			ASSERT_GT(10.0, td_now() - tb) TH_LOG("accepted %d of %d", got, want);
			c = accept(lfd, NULL, NULL);
			if (c < 0) {
				ASSERT_EQ(EAGAIN, errno);
				td_poll(lfd, POLLIN, 100);
				continue;
			}
			sfd[got++] = c;
		}
		for (i = 0; i < want; i++)
			close(cfd[i]);		/* A closes first: FIN_WAIT2 */
		td_msleep(20);
		for (i = 0; i < want; i++)
			close(sfd[i]);		/* A: TIME_WAIT */
		made += want;
		if (made % 5000 == 0)
			printf("# %d connections closed, %.1f s\n", made, td_now() - t0);
	}
	close(lfd);
	res.secs = td_now() - t0;
	/* the last FINs and ACKs */
	for (i = 0; i < 50; i++) {
		n = td_rows(TD_XTCP, 0, PORT, ST_TIME_WAIT, NULL, 0);
		if (n >= NCONN)
			break;
		td_msleep(100);
	}
	res.rows = n;
	slab_active("xtcp_tw", &res.tw_after);
	slab_active("XTCP", &res.sk_after);
	TH_LOG("%d connections in %.1f s; TIME_WAIT rows in A: %d (all rows: %d)",
	       NCONN, res.secs, n, td_rows(TD_XTCP, 0, 0, 0, NULL, 0));
	TH_LOG("slab active objects: xtcp_tw %ld -> %ld, XTCP %ld -> %ld",
	       res.tw_before, res.tw_after, res.sk_before, res.sk_after);
	f = fopen(RESULTS, "we");
	if (f) {
		fwrite(&res, sizeof(res), 1, f);
		fclose(f);
	}
	EXPECT_EQ(NCONN, n);
	close(t.ns[0]);
	close(t.ns[1]);
}

TEST_F(scale, tw_entry_under_a_third_of_a_socket)
{
	long tw, sk, ttw = -1, tsk = -1, a, b;

	ASSERT_EQ(0, td_slab("xtcp_tw", &tw, &a, &b)) TH_LOG("no xtcp_tw slab cache");
	ASSERT_EQ(0, td_slab("XTCP", &sk, &a, &b)) TH_LOG("no XTCP slab cache");
	td_slab("tw_sock_TCP", &ttw, &a, &b);
	td_slab("TCP", &tsk, &a, &b);
	printf("# object size per connection: XTCP TIME_WAIT entry %ld B, XTCP socket %ld B"
	       " (ratio %.2f); Linux: tw_sock_TCP %ld B, TCP socket %ld B\n",
	       tw, sk, (double)tw / sk, ttw, tsk);
	printf("# 20000 TIME_WAIT entries: %.1f MB as xtcp_tw, %.1f MB as sockets\n",
	       20000.0 * tw / 1e6, 20000.0 * sk / 1e6);
	EXPECT_GT(sk, 3 * tw);
}

static int read_results(struct results *r)
{
	FILE *f = fopen(RESULTS, "re");
	int ok;

	if (!f)
		return -1;
	ok = fread(r, sizeof(*r), 1, f) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

TEST_F(scale, entries_are_tw_objects_not_sockets)
{
	struct results r;

	if (read_results(&r))
		SKIP(return, "the 20 000 connection test did not run");
	TH_LOG("xtcp_tw objects +%ld, XTCP sockets %+ld with %d TIME_WAIT rows",
	       r.tw_after - r.tw_before, r.sk_after - r.sk_before, r.rows);
	ASSERT_LE(0, r.tw_before);
	EXPECT_LE(r.rows - 500, r.tw_after - r.tw_before);
	EXPECT_GT(2000, r.sk_after - r.sk_before);
}

TEST_F_TIMEOUT(scale, netns_delete_purges_entries, 60)
{
	struct results r;
	long active = -1, refs = -1;
	double t0 = td_now();

	if (read_results(&r))
		SKIP(return, "the 20 000 connection test did not run");
	/* the previous test's namespaces die as its process exited */
	while (td_now() - t0 < 30) {
		slab_active("xtcp_tw", &active);
		if (active >= 0 && active < r.tw_before + 1000)
			break;
		td_msleep(200);
	}
	xtcp_read_long("/sys/module/xtcp/refcnt", &refs);
	TH_LOG("xtcp_tw active objects %ld (before the test %ld, with the entries %ld) after %.1f s; module refcnt %ld",
	       active, r.tw_before, r.tw_after, td_now() - t0, refs);
	EXPECT_GT(r.tw_before + 1000, active);
	EXPECT_GT(10.0, td_now() - t0);
	EXPECT_EQ(0, refs);
	unlink(RESULTS);
}

TEST_HARNESS_MAIN
