// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP under SYN flood: net.xtcp.syncookies 0/1/2 with Linux's meaning,
 * the SYN queue limits as Linux's (backlog + 1 requests; without
 * syncookies, three quarters of net.xtcp.max_syn_backlog), and
 * the counters (SyncookiesSent/Recv/Failed, TCPReqQFullDoCookies,
 * TCPReqQFullDrop, ListenDrops). A Linux TCP listener gets the same
 * treatment: in its own run where the values Linux gives are checked
 * (stack.xtcp.NAME, stack.tcp.NAME), or next to the XTCP one where the two
 * are compared or flooded at once (topo.NAME).
 *
 *   netns A (clients, flooder)                netns B (server)
 *   10.0.0.1/24 "va"  <------- veth ------->  "vb" 10.0.0.2/24
 *                                             route 10.99.0.0/16 via 10.0.0.1
 *
 * The flooder sends SYNs (raw IP_HDRINCL, XTCP's IP protocol 253 or TCP's
 * 6) from random spoofed sources in 10.99.0.0/16; B's SYN-ACKs to them go
 * to A, which does not forward and drops them, so nobody ever answers.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#include <signal.h>
#include <sys/wait.h>

#define PORT 5000		/* XTCP listener; TCP's is PORT + 1 */

#define NS(x) ns_use(self->t.ns[x])

static const char *sysctl_name(int kind, const char *what)
{
	static char b[4][64];
	static int i;
	char *p = b[i++ & 3];

	if (kind == STACK_XTCP)
		snprintf(p, 64, "net.xtcp.%s", what);
	else
		snprintf(p, 64, "net.ipv4.tcp_%s", what);
	return p;
}

/* One spoofed SYN from 10.99.@hi.@lo:@sport to B:@dport. */
static int flood_syn(int raw, int kind, unsigned int hi, unsigned int lo,
		     uint16_t sport, uint16_t dport, uint32_t seq)
{
	struct raw_seg r = { .proto = stack_proto(kind), .daddr = inet_addr(IP_B),
			    .sport = sport, .dport = dport, .seq = seq,
			    .flags = TH_SYN, .win = 64240,
			    .opts = raw_syn_opts, .optlen = sizeof(raw_syn_opts) };

	r.saddr = htonl(0x0a630000u | (hi & 0xff) << 8 | (lo & 0xff));
	return raw_send(raw, &r);
}

/*
 * Fork a flooder in namespace @nsfd: random spoofed SYNs to both
 * listeners (XTCP PORT, TCP PORT+1) for @ms milliseconds, paced to about
 * 1000 per second. Returns its pid.
 */
static pid_t flood_start(int nsfd, int ms)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	{
		int raw, i = 0;
		double t0 = now();

		if (setns(nsfd, CLONE_NEWNET))
			_exit(1);
		raw = raw_open();
		if (raw < 0)
			_exit(1);
		srandom(getpid());
		while ((now() - t0) * 1000 < ms) {
			long r = random();

			flood_syn(raw, i & 1, 1 + (r & 0xff) % 250, 1 + (r >> 8 & 0xff) % 250,
				  1024 + (r >> 16) % 60000, PORT + (i & 1), random());
			if (++i % 8 == 0)
				msleep(8);
		}
		_exit(0);
	}
}

/* Move @total bytes from @wfd to @rfd (both non-blocking), checking them. */
static int pump(int wfd, int rfd, size_t total, int ms)
{
	static unsigned char wbuf[32768], rbuf[32768];
	size_t sent = 0, got = 0, i;
	double t0 = now();

	for (i = 0; i < sizeof(wbuf); i++)
		wbuf[i] = i * 7 + 3;
	sock_nonblock(wfd, 1);
	sock_nonblock(rfd, 1);
	while (got < total) {
		struct pollfd p[2] = { { .fd = rfd, .events = POLLIN },
				       { .fd = wfd, .events = sent < total ? POLLOUT : 0 } };
		ssize_t n;

		if ((now() - t0) * 1000 > ms)
			return ETIMEDOUT;
		poll(p, 2, 200);
		if (sent < total && (p[1].revents & POLLOUT)) {
			size_t off = sent % sizeof(wbuf), len = sizeof(wbuf) - off;

			if (len > total - sent)
				len = total - sent;
			n = send(wfd, wbuf + off, len, MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN)
				return errno;
			if (n > 0)
				sent += n;
		}
		if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			n = recv(rfd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN)
				return errno;
			if (n == 0)
				return EPIPE;
			for (i = 0; n > 0 && i < (size_t)n; i++)
				if (rbuf[i] != (unsigned char)((got + i) % sizeof(wbuf) * 7 + 3))
					return EBADMSG;
			if (n > 0)
				got += n;
		}
	}
	return 0;
}

/* One legitimate client of @kind: connect from A, accept in B, ping-pong. */
static int legit_client(struct topo *t, int kind, int lfd, int *cfd, int *afd)
{
	int e, r;

	*afd = -1;
	ns_use(t->ns[SIDE_A]);
	*cfd = sock_connect_nb(kind, IP_B, PORT + kind, &e);
	if (*cfd < 0)
		return errno;
	r = sock_wait_connected(*cfd, 8000);
	ns_use(t->ns[SIDE_B]);
	if (r)
		return r < 0 ? ETIMEDOUT : r;
	if (!sock_readable(lfd, 5000))
		return EAGAIN;
	*afd = accept(lfd, NULL, NULL);
	if (*afd < 0)
		return errno;
	r = sock_echo(*cfd, *afd, "ping", 5000);
	return r ? r : sock_echo(*afd, *cfd, "pong", 5000);
}

static const char *stat_names[] = {
	"SyncookiesSent", "SyncookiesRecv", "SyncookiesFailed", "TCPReqQFullDoCookies",
	"TCPReqQFullDrop", "ListenDrops", "ListenOverflows",
};
enum { S_SENT, S_RECV, S_FAILED, S_DOCOOKIES, S_QFULLDROP, S_LDROPS, S_LOVF, S_N };

static void stats(int kind, long *v)
{
	int i;

	for (i = 0; i < S_N; i++)
		v[i] = counter(kind, stat_names[i]);
}

static void log_delta(struct __test_metadata *_metadata, int kind, const long *a, const long *b)
{
	TH_LOG("%s: SyncookiesSent +%ld Recv +%ld Failed +%ld TCPReqQFullDoCookies +%ld "
	       "TCPReqQFullDrop +%ld ListenDrops +%ld ListenOverflows +%ld", stack_name(kind),
	       b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3], b[4] - a[4], b[5] - a[5],
	       b[6] - a[6]);
}

/* the topology, B routing the flood's sources back to A */
static void flood_topo(struct __test_metadata *_metadata, struct topo *t, int *lfd)
{
	int err = topo_init(t);

	lfd[0] = lfd[1] = -1;
	if (err == ENOENT)
		SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?");
	ASSERT_EQ(0, err) TH_LOG("topology: %s", strerror(err));
	ASSERT_EQ(0, TOPO_IN(t, SIDE_B, nl_route_add("10.99.0.0", 16, IP_A, NULL)));
}

static void flood_topo_fini(struct topo *t, int *lfd)
{
	if (lfd[0] >= 0)
		close(lfd[0]);
	if (lfd[1] >= 0)
		close(lfd[1]);
	topo_fini(t);
}

/* Tests that hold both stacks */
FIXTURE(topo) {
	struct topo t;
	int lfd[NSTACKS];
};

FIXTURE_SETUP(topo)
{
	flood_topo(_metadata, &self->t, self->lfd);
}

FIXTURE_TEARDOWN(topo)
{
	flood_topo_fini(&self->t, self->lfd);
}

/* The tests that run per stack: stack.xtcp.NAME and stack.tcp.NAME */
FIXTURE(stack) {
	struct topo t;
	int lfd[NSTACKS];		/* [variant->stack] */
};

FIXTURE_VARIANT(stack) {
	enum stack stack;
};

STACK_VARIANTS(stack);

FIXTURE_SETUP(stack)
{
	flood_topo(_metadata, &self->t, self->lfd);
}

FIXTURE_TEARDOWN(stack)
{
	flood_topo_fini(&self->t, self->lfd);
}

/*
 * A listener of @kind (net.*.syncookies = @cookies, @backlog) and @n
 * legitimate clients one after another, each of which must connect and
 * talk; the counters before and after them in @s0 and @s1.
 */
static void legit_run(struct __test_metadata *_metadata, FIXTURE_DATA(stack) *self,
		      enum stack kind, const char *cookies, int backlog, int n,
		      long *s0, long *s1)
{
	int i;

	NS(SIDE_B);
	ASSERT_EQ(0, sysctl_set(sysctl_name(kind, "syncookies"), cookies));
	self->lfd[kind] = sock_listen(kind, IP_B, PORT + kind, backlog);
	ASSERT_LE(0, self->lfd[kind]);
	stats(kind, s0);
	for (i = 0; i < n; i++) {
		int c, a;

		EXPECT_EQ(0, legit_client(&self->t, kind, self->lfd[kind], &c, &a));
		sock_abort(c);
		sock_abort(a);
	}
	stats(kind, s1);
	log_delta(_metadata, kind, s0, s1);
}

/* syncookies=1 without pressure: plain SYN queue, no cookies. */
TEST_F(stack, cookies1_no_flood_no_cookies)
{
	enum stack kind = variant->stack;
	long s0[S_N], s1[S_N];

	legit_run(_metadata, self, kind, "1", 8, 5, s0, s1);
	if (kind == STACK_XTCP) {
		EXPECT_EQ(0, s1[S_SENT] - s0[S_SENT]);
		EXPECT_EQ(0, s1[S_RECV] - s0[S_RECV]);
		EXPECT_EQ(0, s1[S_DOCOOKIES] - s0[S_DOCOOKIES]);
	}
}

/*
 * syncookies=1, listen(fd, 8), spoofed SYN flood: the SYN queue is full,
 * cookies are sent, legitimate clients still connect and talk.
 */
TEST_F_TIMEOUT(topo, cookies1_flood_legit_clients_connect, 120)
{
	long s0[2][S_N], s1[2][S_N];
	int kind, i, ok[2] = { 0, 0 }, synq[2], status;
	pid_t pid;

	NS(SIDE_B);
	for_each_stack(kind) {
		ASSERT_EQ(0, sysctl_set(sysctl_name(kind, "syncookies"), "1"));
		self->lfd[kind] = sock_listen(kind, IP_B, PORT + kind, 8);
		ASSERT_LE(0, self->lfd[kind]);
		stats(kind, s0[kind]);
	}
	pid = flood_start(self->t.ns[SIDE_A], 12000);
	ASSERT_LT(0, pid);
	msleep(1000);
	for_each_stack(kind)
		synq[kind] = proc_rows(kind, PORT + kind, 0, ST_SYN_RECV, NULL, 0);
	for (i = 0; i < 10; i++) {
		for_each_stack(kind) {
			int c, a, r;

			r = legit_client(&self->t, kind, self->lfd[kind], &c, &a);
			if (!r)
				ok[kind]++;
			else
				TH_LOG("%s client %d: %s", stack_name(kind), i, strerror(r));
			sock_abort(c);
			sock_abort(a);
		}
	}
	NS(SIDE_B);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	for_each_stack(kind) {
		stats(kind, s1[kind]);
		log_delta(_metadata, kind, s0[kind], s1[kind]);
		TH_LOG("%s: %d/10 legitimate clients, %d SYN_RECV rows during the flood",
		       stack_name(kind), ok[kind], synq[kind]);
	}
	EXPECT_EQ(10, ok[STACK_XTCP]);
	EXPECT_EQ(10, ok[STACK_TCP]) TH_LOG("the Linux TCP reference failed: test setup?");
	EXPECT_EQ(9, synq[STACK_XTCP]);		/* backlog + 1, as Linux */
	EXPECT_EQ(synq[STACK_TCP], synq[STACK_XTCP]);
	EXPECT_LT(0, s1[STACK_XTCP][S_SENT] - s0[STACK_XTCP][S_SENT]);
	EXPECT_LT(0, s1[STACK_XTCP][S_RECV] - s0[STACK_XTCP][S_RECV]);
	EXPECT_LT(0, s1[STACK_XTCP][S_DOCOOKIES] - s0[STACK_XTCP][S_DOCOOKIES]);
	EXPECT_EQ(0, s1[STACK_XTCP][S_FAILED] - s0[STACK_XTCP][S_FAILED]);
}

/*
 * syncookies=2: every connection is made from a cookie (SyncookiesSent
 * and SyncookiesRecv == connections, no SYN_RECV rows), and the options
 * the cookie carried in the timestamp (SACK, window scale) hold: the
 * accepted sockets report the same TCP_INFO options as Linux's, and bulk
 * data flows both ways.
 */
TEST_F_TIMEOUT(topo, cookies2_every_connection, 90)
{
	long s0[2][S_N], s1[2][S_N];
	int kind, i, ok[2] = { 0, 0 }, rows[2] = { 0, 0 };
	struct tcp_info ti[2];

	NS(SIDE_B);
	memset(ti, 0, sizeof(ti));
	for_each_stack(kind) {
		ASSERT_EQ(0, sysctl_set(sysctl_name(kind, "syncookies"), "2"));
		self->lfd[kind] = sock_listen(kind, IP_B, PORT + kind, 128);
		ASSERT_LE(0, self->lfd[kind]);
		stats(kind, s0[kind]);
		for (i = 0; i < 5; i++) {
			int c, a, r;
			socklen_t l = sizeof(ti[kind]);

			r = legit_client(&self->t, kind, self->lfd[kind], &c, &a);
			rows[kind] += proc_rows(kind, PORT + kind, 0, ST_SYN_RECV, NULL, 0);
			if (!r && i == 0) {
				getsockopt(a, SOL_TCP, TCP_INFO, &ti[kind], &l);
				r = pump(c, a, 300000, 30000);
				if (r)
					TH_LOG("%s client->server bulk: %s", stack_name(kind), strerror(r));
				if (!r)
					r = pump(a, c, 300000, 30000);
				if (r)
					TH_LOG("%s server->client bulk: %s", stack_name(kind), strerror(r));
			}
			if (!r)
				ok[kind]++;
			else
				TH_LOG("%s client %d: %s", stack_name(kind), i, strerror(r));
			sock_abort(c);
			sock_abort(a);
		}
		stats(kind, s1[kind]);
		log_delta(_metadata, kind, s0[kind], s1[kind]);
		TH_LOG("%s: accepted child options 0x%x snd_wscale %u rcv_wscale %u", stack_name(kind),
		       ti[kind].tcpi_options, ti[kind].tcpi_snd_wscale, ti[kind].tcpi_rcv_wscale);
	}
	EXPECT_EQ(5, ok[STACK_XTCP]);
	EXPECT_EQ(5, ok[STACK_TCP]);
	EXPECT_EQ(5, s1[STACK_XTCP][S_SENT] - s0[STACK_XTCP][S_SENT]);
	EXPECT_EQ(5, s1[STACK_XTCP][S_RECV] - s0[STACK_XTCP][S_RECV]);
	EXPECT_EQ(s1[STACK_TCP][S_RECV] - s0[STACK_TCP][S_RECV],
		  s1[STACK_XTCP][S_RECV] - s0[STACK_XTCP][S_RECV]);
	EXPECT_EQ(0, rows[STACK_XTCP]);
	EXPECT_EQ(ti[STACK_TCP].tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE),
		  ti[STACK_XTCP].tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE));
	{
		int ws[2][2] = { { ti[0].tcpi_snd_wscale, ti[0].tcpi_rcv_wscale },
				 { ti[1].tcpi_snd_wscale, ti[1].tcpi_rcv_wscale } };

		EXPECT_EQ(ws[STACK_TCP][0], ws[STACK_XTCP][0]);
		EXPECT_EQ(ws[STACK_TCP][1], ws[STACK_XTCP][1]);
	}
}

/*
 * syncookies=2 counts every cookie in TCPReqQFullDoCookies too, as Linux's
 * tcp_syn_flood_action() does for any non-zero syncookies.
 */
TEST_F(stack, cookies2_docookies_counter_as_linux)
{
	enum stack kind = variant->stack;
	long s0[S_N], s1[S_N];

	legit_run(_metadata, self, kind, "2", 128, 3, s0, s1);
	EXPECT_EQ(3, s1[S_DOCOOKIES] - s0[S_DOCOOKIES]);
}

/*
 * syncookies=0, max_syn_backlog=4, listen(fd, 128): 50 spoofed SYNs leave
 * 4 SYN_RECV rows (Linux's rule without syncookies: the last quarter of
 * max_syn_backlog is kept for peers seen alive); the other 46 are dropped
 * and counted as ListenDrops only (the queue is not full: no
 * TCPReqQFullDrop), on both stacks.
 */
TEST_F(stack, cookies0_syn_queue_limit)
{
	enum stack kind = variant->stack;
	long s0[S_N], s1[S_N];
	int i, raw, rows;

	NS(SIDE_B);
	ASSERT_EQ(0, sysctl_set(sysctl_name(kind, "syncookies"), "0"));
	ASSERT_EQ(0, sysctl_set(kind == STACK_XTCP ? "net.xtcp.max_syn_backlog" :
			       "net.ipv4.tcp_max_syn_backlog", "4"));
	self->lfd[kind] = sock_listen(kind, IP_B, PORT + kind, 128);
	ASSERT_LE(0, self->lfd[kind]);
	stats(kind, s0);
	NS(SIDE_A);
	raw = raw_open();
	ASSERT_LE(0, raw);
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, flood_syn(raw, kind, 1, 1 + i, 3000 + i, PORT + kind, 7777 * i));
	close(raw);
	NS(SIDE_B);
	msleep(500);
	rows = proc_rows(kind, PORT + kind, 0, ST_SYN_RECV, NULL, 0);
	stats(kind, s1);
	log_delta(_metadata, kind, s0, s1);
	TH_LOG("%s: %d SYN_RECV rows", stack_name(kind), rows);
	EXPECT_EQ(4, rows);
	EXPECT_EQ(46, s1[S_LDROPS] - s0[S_LDROPS]);
	EXPECT_EQ(0, s1[S_QFULLDROP] - s0[S_QFULLDROP]);
	EXPECT_EQ(0, s1[S_SENT] - s0[S_SENT]);
}

XTCP_HARNESS_MAIN
