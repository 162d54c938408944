// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP at scale: 10 000 connections established and accepted in one go,
 * then closed (TIME_WAIT of 1 s via net.xtcp.tw_timeout) until only the
 * listener is left. Prints the elapsed times.
 *
 *   netns A: 10 000 non-blocking clients from 10.0.0.1 ("va"),
 *            ip_local_port_range 10000 60999
 *   netns B: listener 10.0.0.2:5000, backlog 4096 ("vb")
 * (the topology of xtcp_lib.h)
 *
 * One process, one epoll set: the listener (EPOLLIN -> accept until
 * EAGAIN) and the connecting clients (EPOLLOUT -> SO_ERROR), at most
 * BATCH handshakes in flight.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#include <sys/epoll.h>
#include <sys/resource.h>

#define PORT 5000
#define NCONN 10000
#define BATCH 256

#define NS(x) ns_use(self->t.ns[x])

FIXTURE(topo) {
	struct topo t;
};

FIXTURE_SETUP(topo)
{
	struct rlimit rl = { 3 * NCONN, 3 * NCONN };
	int err = topo_init(&self->t);

	if (err == ENOENT)
		SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?");
	ASSERT_EQ(0, err) TH_LOG("topology: %s", strerror(err));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl)) TH_LOG("RLIMIT_NOFILE: %s", strerror(errno));
}

FIXTURE_TEARDOWN(topo)
{
	topo_fini(&self->t);
}

TEST_F_TIMEOUT(topo, ten_thousand_connections, 300)
{
	int *cfd = calloc(NCONN, sizeof(int)), *afd = calloc(NCONN, sizeof(int));
	int lfd, ep, started = 0, inflight = 0, est = 0, acc = 0, fails = 0, i;
	long cur_b = -1, cur_a = -1, tw0, tw1;
	int rows_b = -1, rows_a = -1, left_b = -1, left_a = -1;
	double t0, t_est, t_close;
	struct epoll_event ev, evs[512];

	ASSERT_NE(NULL, cfd);
	ASSERT_NE(NULL, afd);
	NS(SIDE_A);
	ASSERT_EQ(0, sysctl_set("net.ipv4.ip_local_port_range", "10000 60999"));
	tw0 = counter(STACK_XTCP, "TimeWaited");
	NS(SIDE_B);
	lfd = sock_listen(STACK_XTCP, IP_B, PORT, 4096);
	ASSERT_LE(0, lfd) TH_LOG("listen: %s", strerror(errno));
	sock_nonblock(lfd, 1);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)-1;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev));
	NS(SIDE_A);		/* client sockets are created in A */

	t0 = now();
	while ((est < NCONN || acc < NCONN) && now() - t0 < 200) {
		int n;

		while (started < NCONN && inflight < BATCH) {
			int e, fd = sock_connect_nb(STACK_XTCP, IP_B, PORT, &e);

			ASSERT_LE(0, fd) TH_LOG("socket %d: %s", started, strerror(errno));
			cfd[started] = fd;
			if (e && e != EINPROGRESS) {
				if (fails++ < 5)
					TH_LOG("connect %d: %s", started, strerror(e));
				started++;
				continue;
			}
			ev.events = EPOLLOUT;
			ev.data.u64 = started;
			ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
			started++;
			inflight++;
		}
		n = epoll_wait(ep, evs, 512, 1000);
		for (i = 0; i < n; i++) {
			if (evs[i].data.u64 == (uint64_t)-1) {
				int a;

				while (acc < NCONN && (a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
					afd[acc++] = a;
			} else {
				int idx = evs[i].data.u64, err = 0;
				socklen_t l = sizeof(err);

				getsockopt(cfd[idx], SOL_SOCKET, SO_ERROR, &err, &l);
				epoll_ctl(ep, EPOLL_CTL_DEL, cfd[idx], NULL);
				inflight--;
				if (err) {
					if (fails++ < 5)
						TH_LOG("client %d: %s", idx, strerror(err));
				} else {
					est++;
				}
			}
		}
		if (fails > 50)
			break;
	}
	t_est = now() - t0;
	TH_LOG("%d established, %d accepted, %d failed in %.1f s", est, acc, fails, t_est);
	cur_a = counter(STACK_XTCP, "CurrEstab");
	rows_a = proc_rows(STACK_XTCP, 0, 0, ST_ESTABLISHED, NULL, 0);
	NS(SIDE_B);
	cur_b = counter(STACK_XTCP, "CurrEstab");
	rows_b = proc_rows(STACK_XTCP, 0, 0, ST_ESTABLISHED, NULL, 0);
	TH_LOG("CurrEstab A %ld B %ld, ESTABLISHED rows A %d B %d", cur_a, cur_b, rows_a, rows_b);

	/* clients close first (TIME_WAIT of 1 s on A), then the server side */
	t0 = now();
	for (i = 0; i < started; i++)
		close(cfd[i]);
	for (i = 0; i < acc; i++)
		close(afd[i]);
	close(lfd);
	close(ep);
	for (;;) {
		msleep(500);
		NS(SIDE_B);
		left_b = proc_rows(STACK_XTCP, 0, 0, 0, NULL, 0);
		NS(SIDE_A);
		left_a = proc_rows(STACK_XTCP, 0, 0, 0, NULL, 0);
		if ((!left_b && !left_a) || now() - t0 > 60)
			break;
	}
	t_close = now() - t0;
	tw1 = counter(STACK_XTCP, "TimeWaited");
	TH_LOG("closed: rows left A %d B %d after %.1f s, TimeWaited +%ld",
	       left_a, left_b, t_close, tw1 - tw0);
	printf("# elapsed: %.1f s to establish and accept %d connections, %.1f s to close\n",
	       t_est, NCONN, t_close);

	EXPECT_EQ(NCONN, est);
	EXPECT_EQ(NCONN, acc);
	EXPECT_EQ(0, fails);
	EXPECT_EQ(NCONN, cur_b);
	EXPECT_EQ(NCONN, cur_a);
	EXPECT_EQ(NCONN, rows_b);
	EXPECT_EQ(NCONN, rows_a);
	EXPECT_EQ(0, left_b);
	EXPECT_EQ(0, left_a);
	free(cfd);
	free(afd);
}

XTCP_HARNESS_MAIN
