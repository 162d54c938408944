// SPDX-License-Identifier: GPL-2.0
/*
 * Readiness notification on XTCP sockets, each test run over XTCP and, as
 * the reference, the kernel's TCP (variants xtcp and tcp): epoll
 * level-triggered (reports until read) and edge-triggered (once per new
 * arrival), EPOLLRDHUP on the peer's FIN, EPOLLOUT when the send buffer
 * drains again, select(); and an epoll echo server with 1000 concurrent
 * clients (server in namespace B, the 1000 client sockets in A). Two
 * namespaces joined by veth: A 10.0.0.1 va <-> vb 10.0.0.2 B (MTU 1500;
 * over 127.0.0.1 XTCP's 64 KB MSS exceeds its receive window, see
 * xtcp_data).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#include <sys/epoll.h>
#include <sys/select.h>

FIXTURE(ep) {
	struct topo t;
	int c, s, ep;
};

FIXTURE_VARIANT(ep) {
	enum stack stack;
};

STACK_VARIANTS(ep);

FIXTURE_SETUP(ep)
{
	int err;

	self->c = self->s = self->ep = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	err = topo_pair(&self->t, variant->stack, 6200, NULL, &self->c, &self->s);
	ASSERT_EQ(0, err) TH_LOG("%s pair: %s", stack_name(variant->stack), strerror(err));
	self->ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(self->ep, 0);
}

FIXTURE_TEARDOWN(ep)
{
	if (self->ep >= 0)
		close(self->ep);
	sock_abort(self->c);
	sock_abort(self->s);
	topo_settle(&self->t, 3);
}

static int ep_add(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* epoll_wait for up to @ms: number of events, *ev the first one's mask */
static int ep_wait(int ep, int ms, uint32_t *ev)
{
	struct epoll_event e[8];
	int n = epoll_wait(ep, e, 8, ms);

	*ev = n > 0 ? e[0].events : 0;
	return n;
}

/* level-triggered EPOLLIN: reported again and again until the data is read */
TEST_F(ep, level_triggered_until_read)
{
	uint32_t ev;
	char b[64];

	ASSERT_EQ(0, ep_add(self->ep, self->s, EPOLLIN));
	EXPECT_EQ(0, ep_wait(self->ep, 100, &ev));
	ASSERT_EQ(10, send(self->c, "0123456789", 10, 0));
	EXPECT_EQ(1, ep_wait(self->ep, 2000, &ev));
	EXPECT_TRUE(ev & EPOLLIN);
	EXPECT_EQ(1, ep_wait(self->ep, 100, &ev));
	EXPECT_EQ(1, ep_wait(self->ep, 100, &ev));
	ASSERT_EQ(10, recv(self->s, b, sizeof(b), 0));
	EXPECT_EQ(0, ep_wait(self->ep, 100, &ev));
}

/* edge-triggered EPOLLIN: one event per new arrival, none while the data
 * just sits there */
TEST_F(ep, edge_triggered_once_per_arrival)
{
	uint32_t ev;
	int i;

	ASSERT_EQ(0, ep_add(self->ep, self->s, EPOLLIN | EPOLLET));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(10, send(self->c, "0123456789", 10, 0));
		EXPECT_EQ(1, ep_wait(self->ep, 2000, &ev)) TH_LOG("arrival %d", i);
		EXPECT_TRUE(ev & EPOLLIN);
		EXPECT_EQ(0, ep_wait(self->ep, 200, &ev)) TH_LOG("after arrival %d", i);
	}
	{
		int v = -1;

		ioctl(self->s, FIONREAD, &v);
		EXPECT_EQ(30, v);
	}
}

/* EPOLLRDHUP (with EPOLLIN) when the peer sends its FIN; recv then 0 */
TEST_F(ep, epollrdhup_on_peer_fin)
{
	uint32_t ev;
	char b[8];

	ASSERT_EQ(0, ep_add(self->ep, self->s, EPOLLIN | EPOLLRDHUP));
	EXPECT_EQ(0, ep_wait(self->ep, 100, &ev));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	ASSERT_EQ(1, ep_wait(self->ep, 2000, &ev));
	EXPECT_TRUE(ev & EPOLLRDHUP) TH_LOG("events 0x%x", ev);
	EXPECT_TRUE(ev & EPOLLIN) TH_LOG("events 0x%x", ev);
	EXPECT_FALSE(ev & EPOLLHUP) TH_LOG("events 0x%x", ev);
	EXPECT_EQ(0, recv(self->s, b, sizeof(b), 0));
}

/* EPOLLOUT: writable at first, not while the buffers are full, reported
 * again once the peer has read */
TEST_F(ep, epollout_when_writable_again)
{
	uint32_t ev;
	size_t tot;
	static char b[65536];
	size_t got = 0;

	ASSERT_EQ(0, ep_add(self->ep, self->c, EPOLLOUT));
	ASSERT_EQ(1, ep_wait(self->ep, 1000, &ev));
	EXPECT_TRUE(ev & EPOLLOUT);
	ASSERT_EQ(0, sock_nonblock(self->c, 1));
	tot = sock_fill(self->c, 5, 0, 300);
	ASSERT_GT(tot, 0);
	EXPECT_EQ(0, ep_wait(self->ep, 200, &ev)) TH_LOG("events 0x%x with full buffers", ev);
	while (got < tot) {
		ssize_t n;

		if (!(sock_poll(self->s, POLLIN, 2000) & POLLIN))
			break;
		n = recv(self->s, b, sizeof(b), MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	EXPECT_EQ(tot, got);
	ASSERT_EQ(1, ep_wait(self->ep, 2000, &ev));
	EXPECT_TRUE(ev & EPOLLOUT);
}

/* EPOLLOUT|EPOLLET: an edge when a full send buffer drains */
TEST_F(ep, epollout_edge_after_drain)
{
	uint32_t ev;
	size_t tot;
	static char b[65536];
	size_t got = 0;

	ASSERT_EQ(0, sock_nonblock(self->c, 1));
	tot = sock_fill(self->c, 5, 0, 300);
	ASSERT_GT(tot, 0);
	ASSERT_EQ(0, ep_add(self->ep, self->c, EPOLLOUT | EPOLLET));
	EXPECT_EQ(0, ep_wait(self->ep, 200, &ev)) TH_LOG("events 0x%x with full buffers", ev);
	while (got < tot) {
		ssize_t n;

		if (!(sock_poll(self->s, POLLIN, 2000) & POLLIN))
			break;
		n = recv(self->s, b, sizeof(b), MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	EXPECT_EQ(tot, got);
	EXPECT_GE(ep_wait(self->ep, 2000, &ev), 1);
	EXPECT_TRUE(ev & EPOLLOUT);
}

/* select(): readable once data arrived, writable while there is room */
TEST_F(ep, select_readable_writable)
{
	struct timeval tv = { 0, 200000 };
	fd_set r, w;
	int n;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(self->s, &r);
	FD_SET(self->s, &w);
	n = select(self->s + 1, &r, &w, NULL, &tv);
	EXPECT_EQ(1, n);
	EXPECT_FALSE(FD_ISSET(self->s, &r));
	EXPECT_TRUE(FD_ISSET(self->s, &w));
	ASSERT_EQ(3, send(self->c, "abc", 3, 0));
	FD_ZERO(&r);
	FD_SET(self->s, &r);
	tv.tv_sec = 2;
	tv.tv_usec = 0;
	n = select(self->s + 1, &r, NULL, NULL, &tv);
	EXPECT_EQ(1, n);
	EXPECT_TRUE(FD_ISSET(self->s, &r));
}

/* ------------------------------------------------------- 1000-client echo */

#define NCLIENTS 1000
#define MSGLEN 16

struct server {
	int lfd, ep;
	volatile bool stop;
	int accepted, echoed_bytes, closed, max_open, open;
	int err;
};

static void *server_fn(void *arg)
{
	struct server *sv = arg;
	struct epoll_event e[256];

	while (!sv->stop && sv->closed < NCLIENTS) {
		int n = epoll_wait(sv->ep, e, 256, 200), i;

		for (i = 0; i < n; i++) {
			int fd = e[i].data.fd;

			if (fd == sv->lfd) {
				int a;

				while ((a = accept4(sv->lfd, NULL, NULL,
						    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event ev = { .events = EPOLLIN, .data.fd = a };

					epoll_ctl(sv->ep, EPOLL_CTL_ADD, a, &ev);
					sv->accepted++;
					if (++sv->open > sv->max_open)
						sv->max_open = sv->open;
				}
				continue;
			}
			for (;;) {
				char b[256];
				ssize_t r = recv(fd, b, sizeof(b), 0);

				if (r > 0) {
					if (send(fd, b, r, MSG_NOSIGNAL) != r)
						sv->err = EIO;
					else
						sv->echoed_bytes += r;
					continue;
				}
				if (r == 0 || errno != EAGAIN) {
					if (r < 0)
						sv->err = errno;
					epoll_ctl(sv->ep, EPOLL_CTL_DEL, fd, NULL);
					close(fd);
					sv->closed++;
					sv->open--;
				}
				break;
			}
		}
	}
	return NULL;
}

FIXTURE(echo) {
	struct topo t;
	struct server sv;
	pthread_t th;
	bool started;
	int cl[NCLIENTS];
};

FIXTURE_VARIANT(echo) {
	enum stack stack;
};

STACK_VARIANTS(echo);

FIXTURE_SETUP(echo)
{
	int err, i;

	for (i = 0; i < NCLIENTS; i++)
		self->cl[i] = -1;
	self->started = false;
	memset(&self->sv, 0, sizeof(self->sv));
	self->sv.lfd = self->sv.ep = -1;
	ASSERT_EQ(0, nofile_raise(4 * NCLIENTS + 100));
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(echo)
{
	int i;

	self->sv.stop = true;
	if (self->started)
		pthread_join(self->th, NULL);
	for (i = 0; i < NCLIENTS; i++)
		sock_abort(self->cl[i]);
	if (self->sv.lfd >= 0)
		close(self->sv.lfd);
	if (self->sv.ep >= 0)
		close(self->sv.ep);
	topo_settle(&self->t, 5);
}

/*
 * 1000 clients connect (at most 100 handshakes outstanding) and stay
 * connected; then each sends 16 bytes and checks the echo; then all close.
 * The server (epoll, one thread) must have held 1000 connections at once,
 * echoed 16000 bytes and seen 1000 EOFs.
 */
TEST_F_TIMEOUT(echo, echo_server_1000_clients, 170)
{
	struct server *sv = &self->sv;
	struct sockaddr_in dst = sin4(IP_B, 7000);
	int ep, i, connected = 0, pending = 0, next = 0, ok = 0, bad = 0;
	double t0 = now(), t_conn, t_echo;
	struct epoll_event ev;

	ns_enter(self->t.ns[SIDE_B]);
	sv->lfd = sock_listen(variant->stack, IP_B, 7000, 1024);
	ASSERT_GE(sv->lfd, 0) TH_LOG("listen: %s", strerror(errno));
	ASSERT_EQ(0, sock_nonblock(sv->lfd, 1));
	sv->ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(sv->ep, 0);
	ASSERT_EQ(0, ep_add(sv->ep, sv->lfd, EPOLLIN));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, server_fn, sv));
	self->started = true;
	ns_enter(self->t.ns[SIDE_A]);

	/* connect all, keeping at most 100 handshakes in progress */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	while (connected < NCLIENTS && now() - t0 < 100) {
		struct epoll_event e[128];
		int n;

		while (next < NCLIENTS && pending < 100) {
			int fd = socket(variant->stack == STACK_XTCP ? AF_XTCP : AF_INET,
					SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

			ASSERT_GE(fd, 0) TH_LOG("socket %d: %s", next, strerror(errno));
			self->cl[next] = fd;
			if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) && errno != EINPROGRESS) {
				TH_LOG("connect %d: %s", next, strerror(errno));
				bad++;
			}
			ev.events = EPOLLOUT;
			ev.data.u32 = next;
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			next++;
			pending++;
		}
		n = epoll_wait(ep, e, 128, 1000);
		for (i = 0; i < n; i++) {
			int k = e[i].data.u32, fd = self->cl[k];
			int so = sock_getint(fd, SOL_SOCKET, SO_ERROR);

			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			pending--;
			if (so) {
				if (bad++ < 5)
					TH_LOG("client %d: connect failed: %s", k, errname(so));
				continue;
			}
			connected++;
		}
		if (bad)
			break;
	}
	t_conn = now() - t0;
	ASSERT_EQ(0, bad);
	ASSERT_EQ(NCLIENTS, connected) TH_LOG("only %d connected after %.1f s", connected, t_conn);
	/* the server accepts them all while they stay open */
	for (i = 0; i < 100 && sv->accepted < NCLIENTS; i++)
		msleep(100);
	EXPECT_EQ(NCLIENTS, sv->accepted);
	EXPECT_EQ(NCLIENTS, sv->max_open);

	/* each sends its message and checks the echo */
	for (i = 0; i < NCLIENTS; i++) {
		char m[MSGLEN + 1];

		snprintf(m, sizeof(m), "client-%04d-echo", i);
		if (send(self->cl[i], m, MSGLEN, MSG_NOSIGNAL) != MSGLEN) {
			if (bad++ < 5)
				TH_LOG("send %d: %s", i, strerror(errno));
			continue;
		}
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		epoll_ctl(ep, EPOLL_CTL_ADD, self->cl[i], &ev);
	}
	while (ok + bad < NCLIENTS && now() - t0 < 150) {
		struct epoll_event e[128];
		int n = epoll_wait(ep, e, 128, 1000);

		for (i = 0; i < n; i++) {
			int k = e[i].data.u32;
			char m[MSGLEN + 1], r[MSGLEN];
			int err;

			snprintf(m, sizeof(m), "client-%04d-echo", k);
			epoll_ctl(ep, EPOLL_CTL_DEL, self->cl[k], NULL);
			err = sock_read_n(self->cl[k], r, MSGLEN, 2000);
			if (err || memcmp(m, r, MSGLEN)) {
				if (bad++ < 5)
					TH_LOG("client %d: echo %s", k, err ? strerror(err) : "differs");
				continue;
			}
			ok++;
		}
	}
	t_echo = now() - t0 - t_conn;
	close(ep);
	EXPECT_EQ(NCLIENTS, ok);
	EXPECT_EQ(0, bad);

	/* all close; the server sees 1000 EOFs */
	for (i = 0; i < NCLIENTS; i++) {
		close(self->cl[i]);
		self->cl[i] = -1;
	}
	for (i = 0; i < 200 && sv->closed < NCLIENTS; i++)
		msleep(100);
	TH_LOG("%s: %d clients connected in %.1f s, echoed in %.1f s, closed in %.1f s; "
	       "server: accepted %d, max open %d, echoed %d bytes, EOFs %d",
	       stack_name(variant->stack), connected, t_conn, t_echo,
	       now() - t0 - t_conn - t_echo, sv->accepted, sv->max_open,
	       sv->echoed_bytes, sv->closed);
	EXPECT_EQ(NCLIENTS * MSGLEN, sv->echoed_bytes);
	EXPECT_EQ(NCLIENTS, sv->closed);
	EXPECT_EQ(0, sv->err) TH_LOG("server error %s", errname(sv->err));
}

XTCP_HARNESS_MAIN
