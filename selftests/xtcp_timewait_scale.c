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
 *   - twenty_thousand_time_wait_rows: /proc/net/xtcp of A shows 20 000
 *     TIME_WAIT rows; the entries are xtcp_tw objects, not sockets (the
 *     xtcp_tw cache grew by ~20 000 objects while the XTCP cache did
 *     not); deleting the namespaces purges them at once (the xtcp_tw
 *     cache shrinks back within seconds) and no module reference is left
 *     (rmmod would succeed). One test: the entries take minutes to make.
 *   - tw_entry_under_a_third_of_a_socket: object sizes from
 *     /proc/slabinfo: an "xtcp_tw" entry is less than a third of an
 *     "XTCP" socket (Linux's tw_sock_TCP and TCP printed alongside).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define NCONN	20000
#define BATCH	250
#define PORT	7000

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
	if (slab_info(name, &sz, active, &tot))
		*active = -1;
}

TEST_F_TIMEOUT(scale, twenty_thousand_time_wait_rows, 460)
{
	struct topo t = { .ns = { -1, -1 } };
	long tw_before, tw_after, sk_before, sk_after, active = -1, refs = -1;
	static int cfd[BATCH], sfd[BATCH];
	int lfd, made = 0, i, n, err, init_ns;
	double t0, secs;

	init_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, init_ns);
	slab_active("xtcp_tw", &tw_before);
	slab_active("XTCP", &sk_before);
	err = topo_init(&t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	ns_enter(t.ns[SIDE_A]);
	ASSERT_EQ(0, sysctl_set("net.ipv4.ip_local_port_range", "10000 60999"));
	ASSERT_EQ(0, sysctl_set_int("net.xtcp.max_tw_buckets", 100000));
	ASSERT_EQ(0, sysctl_set_int("net.xtcp.tw_timeout", 600));
	ns_enter(t.ns[SIDE_B]);
	sysctl_set_int("net.xtcp.max_syn_backlog", 4096);
	lfd = sock_listen(STACK_XTCP, IP_B, PORT, 1024);
	ASSERT_LE(0, lfd);
	sock_nonblock(lfd, 1);
	ns_enter(t.ns[SIDE_A]);

	t0 = now();
	while (made < NCONN) {
		struct sockaddr_in sin = sin4(IP_B, PORT);
		int want = NCONN - made < BATCH ? NCONN - made : BATCH, got = 0;
		double tb = now();

		for (i = 0; i < want; i++) {
			cfd[i] = stack_socket(STACK_XTCP);
			ASSERT_LE(0, cfd[i]);
			sock_nonblock(cfd[i], 1);
			if (connect(cfd[i], (struct sockaddr *)&sin, sizeof(sin)) &&
			    errno != EINPROGRESS)
				ASSERT_EQ(0, errno) TH_LOG("connect #%d", made + i);
		}
		while (got < want) {
			int c;

			ASSERT_GT(10.0, now() - tb) TH_LOG("accepted %d of %d", got, want);
			c = accept(lfd, NULL, NULL);
			if (c < 0) {
				ASSERT_EQ(EAGAIN, errno);
				sock_poll(lfd, POLLIN, 100);
				continue;
			}
			sfd[got++] = c;
		}
		for (i = 0; i < want; i++)
			close(cfd[i]);		/* A closes first: FIN_WAIT2 */
		msleep(20);
		for (i = 0; i < want; i++)
			close(sfd[i]);		/* A: TIME_WAIT */
		made += want;
		if (made % 5000 == 0)
			printf("# %d connections closed, %.1f s\n", made, now() - t0);
	}
	close(lfd);
	secs = now() - t0;
	/* the last FINs and ACKs */
	for (i = 0; i < 50; i++) {
		n = proc_rows(STACK_XTCP, 0, PORT, ST_TIME_WAIT, NULL, 0);
		if (n >= NCONN)
			break;
		msleep(100);
	}
	slab_active("xtcp_tw", &tw_after);
	slab_active("XTCP", &sk_after);
	TH_LOG("%d connections in %.1f s; TIME_WAIT rows in A: %d (all rows: %d)",
	       NCONN, secs, n, proc_rows(STACK_XTCP, 0, 0, 0, NULL, 0));
	TH_LOG("slab active objects: xtcp_tw %ld -> %ld (+%ld), XTCP %ld -> %ld (%+ld)",
	       tw_before, tw_after, tw_after - tw_before, sk_before, sk_after,
	       sk_after - sk_before);
	EXPECT_EQ(NCONN, n);
	/* the entries are xtcp_tw objects, not sockets */
	ASSERT_LE(0, tw_before);
	EXPECT_LE(n - 500, tw_after - tw_before);
	EXPECT_GT(2000, sk_after - sk_before);

	/* deleting the namespaces purges the entries at once */
	ASSERT_EQ(0, ns_enter(init_ns));
	topo_fini(&t);
	t0 = now();
	while (now() - t0 < 30) {
		slab_active("xtcp_tw", &active);
		if (active >= 0 && active < tw_before + 1000)
			break;
		msleep(200);
	}
	xtcp_read_long("/sys/module/xtcp/refcnt", &refs);
	TH_LOG("xtcp_tw active objects %ld (before the test %ld, with the entries %ld) after %.1f s; module refcnt %ld",
	       active, tw_before, tw_after, now() - t0, refs);
	EXPECT_GT(tw_before + 1000, active);
	EXPECT_GT(10.0, now() - t0);
	EXPECT_EQ(0, refs);
	close(init_ns);
}

TEST_F(scale, tw_entry_under_a_third_of_a_socket)
{
	long tw, sk, ttw = -1, tsk = -1, a, b;

	ASSERT_EQ(0, slab_info("xtcp_tw", &tw, &a, &b)) TH_LOG("no xtcp_tw slab cache");
	ASSERT_EQ(0, slab_info("XTCP", &sk, &a, &b)) TH_LOG("no XTCP slab cache");
	slab_info("tw_sock_TCP", &ttw, &a, &b);
	slab_info("TCP", &tsk, &a, &b);
	printf("# object size per connection: XTCP TIME_WAIT entry %ld B, XTCP socket %ld B"
	       " (ratio %.2f); Linux: tw_sock_TCP %ld B, TCP socket %ld B\n",
	       tw, sk, (double)tw / sk, ttw, tsk);
	printf("# 20000 TIME_WAIT entries: %.1f MB as xtcp_tw, %.1f MB as sockets\n",
	       20000.0 * tw / 1e6, 20000.0 * sk / 1e6);
	EXPECT_GT(sk, 3 * tw);
}

XTCP_HARNESS_MAIN
