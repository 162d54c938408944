// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP at scale: 10 000 connections established and accepted in one go,
 * then closed (TIME_WAIT of 1 s via net.xtcp.tw_timeout) until only the
 * listener is left. Prints the elapsed times.
 *
 *   netns A: listener 10.0.0.1:5000, backlog 4096 ("va")
 *   netns B: 10 000 non-blocking clients from 10.0.0.2 ("vb"),
 *            ip_local_port_range 10000 60999
 *
 * One process, one epoll set: the listener (EPOLLIN -> accept until
 * EAGAIN) and the connecting clients (EPOLLOUT -> SO_ERROR), at most
 * BATCH handshakes in flight.
 */
#define CONN_LIB_NO_MAIN
#include "helpers/conn_lib.c"
#include "kselftest_harness.h"

#include <sys/epoll.h>
#include <sys/resource.h>

#define NSA 0
#define NSB 1
#define SRV "10.0.0.1"
#define PORT 5000
#define NCONN 10000
#define BATCH 256
#define ST_ESTABLISHED 0x01
#define ST_LISTEN 0x0A

#define NS(x) nl_use(self->t.ns[x])

FIXTURE(topo) {
	struct cl_topo t;
};

FIXTURE_SETUP(topo)
{
	struct rlimit rl = { 3 * NCONN, 3 * NCONN };
	int err = cl_topo_init(&self->t);

	if (err == ENOENT)
		SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?");
	ASSERT_EQ(0, err) TH_LOG("topology: %s", strerror(err));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl)) TH_LOG("RLIMIT_NOFILE: %s", strerror(errno));
}

FIXTURE_TEARDOWN(topo)
{
	cl_topo_fini(&self->t);
}

TEST_F_TIMEOUT(topo, ten_thousand_connections, 300)
{
	int *cfd = calloc(NCONN, sizeof(int)), *afd = calloc(NCONN, sizeof(int));
	int lfd, ep, started = 0, inflight = 0, est = 0, acc = 0, fails = 0, i;
	long cur_a = -1, cur_b = -1, tw0, tw1;
	int rows_a = -1, rows_b = -1, left_a = -1, left_b = -1;
	double t0, t_est, t_close;
	struct epoll_event ev, evs[512];

	ASSERT_NE(NULL, cfd);
	ASSERT_NE(NULL, afd);
	NS(NSB);
	ASSERT_EQ(0, cl_sysctl("net.ipv4.ip_local_port_range", "10000 60999"));
	tw0 = cl_stat("TimeWaited");
	NS(NSA);
	lfd = cl_listen(CL_XTCP, SRV, PORT, 4096);
	ASSERT_LE(0, lfd) TH_LOG("listen: %s", strerror(errno));
	cl_set_nonblock(lfd, 1);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)-1;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev));
	NS(NSB);		/* client sockets are created in B */

	t0 = cl_now();
	while ((est < NCONN || acc < NCONN) && cl_now() - t0 < 200) {
		int n;

		while (started < NCONN && inflight < BATCH) {
			int e, fd = cl_connect_nb(CL_XTCP, SRV, PORT, &e);

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
	t_est = cl_now() - t0;
	TH_LOG("%d established, %d accepted, %d failed in %.1f s", est, acc, fails, t_est);
	cur_b = cl_stat("CurrEstab");
	rows_b = cl_rows(CL_XTCP, 0, ST_ESTABLISHED, NULL, 0);
	NS(NSA);
	cur_a = cl_stat("CurrEstab");
	rows_a = cl_rows(CL_XTCP, 0, ST_ESTABLISHED, NULL, 0);
	TH_LOG("CurrEstab A %ld B %ld, ESTABLISHED rows A %d B %d", cur_a, cur_b, rows_a, rows_b);

	/* clients close first (TIME_WAIT of 1 s on B), then the server side */
	t0 = cl_now();
	for (i = 0; i < started; i++)
		close(cfd[i]);
	for (i = 0; i < acc; i++)
		close(afd[i]);
	close(lfd);
	close(ep);
	for (;;) {
		cl_msleep(500);
		NS(NSA);
		left_a = cl_rows(CL_XTCP, 0, 0, NULL, 0);
		NS(NSB);
		left_b = cl_rows(CL_XTCP, 0, 0, NULL, 0);
		if ((!left_a && !left_b) || cl_now() - t0 > 60)
			break;
	}
	t_close = cl_now() - t0;
	tw1 = cl_stat("TimeWaited");
	TH_LOG("closed: rows left A %d B %d after %.1f s, TimeWaited +%ld",
	       left_a, left_b, t_close, tw1 - tw0);
	printf("# elapsed: %.1f s to establish and accept %d connections, %.1f s to close\n",
	       t_est, NCONN, t_close);

	EXPECT_EQ(NCONN, est);
	EXPECT_EQ(NCONN, acc);
	EXPECT_EQ(0, fails);
	EXPECT_EQ(NCONN, cur_a);
	EXPECT_EQ(NCONN, cur_b);
	EXPECT_EQ(NCONN, rows_a);
	EXPECT_EQ(NCONN, rows_b);
	EXPECT_EQ(0, left_a);
	EXPECT_EQ(0, left_b);
	free(cfd);
	free(afd);
}

TEST_HARNESS_MAIN
