// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection establishment: connect()/accept() semantics and errno
 * values, non-blocking connect, SYN retransmission and ETIMEDOUT,
 * ephemeral ports, counters, TCP_DEFER_ACCEPT, option inheritance,
 * TCP_MAXSEG in the SYN-ACK, SYN options on the wire, simultaneous open,
 * RST in SYN-SENT and ESTABLISHED (RFC 5961 challenge ACK).
 *
 * Wherever Linux TCP is the reference, each test runs the same scenario
 * on AF_INET TCP sockets in the same namespaces and compares.
 *
 *   netns A (server)                          netns B (client)
 *   10.0.0.1/24 "va"  <------- veth ------->  "vb" 10.0.0.2/24
 *
 * Every test builds its own pair (setns() moves the test process between
 * them; sockets stay in the namespace they were created in). 10.0.0.99 is
 * "silent": a permanent ARP entry sends its frames to a MAC nobody has.
 * Wire checks use a packet socket on the veth (helpers/conn_lib.c), raw
 * IP_HDRINCL sockets inject segments.
 */
#define CONN_LIB_NO_MAIN
#include "helpers/conn_lib.c"
#include "kselftest_harness.h"

#define NSA 0
#define NSB 1
#define SRV "10.0.0.1"
#define CLI "10.0.0.2"
#define SILENT "10.0.0.99"
#define PORT 5000

static const unsigned char bogus_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

FIXTURE(topo) {
	struct cl_topo t;
};

FIXTURE_SETUP(topo)
{
	int err = cl_topo_init(&self->t);

	if (err == ENOENT)
		SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?");
	ASSERT_EQ(0, err) TH_LOG("topology: %s", strerror(err));
}

FIXTURE_TEARDOWN(topo)
{
	cl_topo_fini(&self->t);
}

#define NS(x) nl_use(self->t.ns[x])

static int do_connect(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = cl_sin(ip, port);

	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

static int sin_eq(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family && a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

static const char *ename(int e)
{
	static char b[4][32];
	static int i;

	if (e <= 0) {
		snprintf(b[i & 3], 32, "%d", e);
		return b[i++ & 3];
	}
	return strerrorname_np(e) ? : "?";
}

static int getint(int fd, int level, int opt)
{
	int v = -12345;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &l))
		return -errno;
	return v;
}

/* ------------------------------------------------------------------ tests */

/* connect() returns once the handshake is done; addresses agree both ways. */
TEST_F(topo, connect_accept_addresses)
{
	int kind;

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		struct sockaddr_in cl, cp, al, ap, acc, want_srv = cl_sin(SRV, PORT);
		socklen_t len = sizeof(cl);
		int lfd, cfd, afd, lo, hi;
		char range[64];

		NS(NSA);
		lfd = cl_listen(kind, SRV, PORT, 5);
		ASSERT_LE(0, lfd) TH_LOG("%s listen: %s", cl_name(kind), strerror(errno));
		NS(NSB);
		cfd = cl_connect(kind, SRV, PORT);
		ASSERT_LE(0, cfd) TH_LOG("%s connect: %s", cl_name(kind), strerror(errno));
		ASSERT_LT(0, xtcp_read_file("/proc/sys/net/ipv4/ip_local_port_range", range, sizeof(range)));
		ASSERT_EQ(2, sscanf(range, "%d %d", &lo, &hi));
		len = sizeof(acc);
		afd = accept(lfd, (struct sockaddr *)&acc, &len);
		ASSERT_LE(0, afd) TH_LOG("%s accept: %s", cl_name(kind), strerror(errno));
		EXPECT_EQ(sizeof(acc), len);

		len = sizeof(cl);
		ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&cl, &len));
		len = sizeof(cp);
		ASSERT_EQ(0, getpeername(cfd, (struct sockaddr *)&cp, &len));
		len = sizeof(al);
		ASSERT_EQ(0, getsockname(afd, (struct sockaddr *)&al, &len));
		len = sizeof(ap);
		ASSERT_EQ(0, getpeername(afd, (struct sockaddr *)&ap, &len));
		EXPECT_TRUE(sin_eq(&ap, &cl)) TH_LOG("%s: accepted peer != client name", cl_name(kind));
		EXPECT_TRUE(sin_eq(&acc, &cl)) TH_LOG("%s: accept() address != client name", cl_name(kind));
		EXPECT_TRUE(sin_eq(&al, &cp)) TH_LOG("%s: accepted name != client peer", cl_name(kind));
		EXPECT_TRUE(sin_eq(&cp, &want_srv));
		EXPECT_EQ(cl_ip(CLI), cl.sin_addr.s_addr);
		EXPECT_LE(lo, ntohs(cl.sin_port));
		EXPECT_GE(hi, ntohs(cl.sin_port));
		EXPECT_EQ(0, cl_xfer(cfd, afd, "hello", 2000));
		EXPECT_EQ(0, cl_xfer(afd, cfd, "world", 2000));
		cl_close_abort(cfd);
		cl_close_abort(afd);
		close(lfd);
	}
}

/* No listener: the RST makes connect() fail with ECONNREFUSED; counters. */
TEST_F(topo, connect_refused)
{
	int kind;

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		long ao, af;
		int fd;

		NS(NSB);
		ao = cl_kstat(kind, "ActiveOpens");
		af = cl_kstat(kind, "AttemptFails");
		fd = cl_socket(kind);
		ASSERT_LE(0, fd);
		EXPECT_EQ(ECONNREFUSED, do_connect(fd, SRV, PORT + 1))
			TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(ao + 1, cl_kstat(kind, "ActiveOpens")) TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(af + 1, cl_kstat(kind, "AttemptFails")) TH_LOG("%s", cl_name(kind));
		close(fd);
	}
}

/* addrlen shorter than struct sockaddr_in: EINVAL, as Linux TCP. */
TEST_F(topo, connect_short_addrlen)
{
	static const int lens[] = { 0, 1, 2, 8, sizeof(struct sockaddr_in) - 1 };
	struct sockaddr_in sin = cl_sin(SRV, PORT);
	unsigned int i;
	int kind, lfd;

	NS(NSA);
	lfd = cl_listen(CL_XTCP, SRV, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(NSB);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		int r[2];

		for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
			int fd = cl_socket(kind);

			ASSERT_LE(0, fd);
			r[kind] = connect(fd, (struct sockaddr *)&sin, lens[i]) ? errno : 0;
			close(fd);
		}
		EXPECT_EQ(EINVAL, r[CL_XTCP]) TH_LOG("addrlen %d: XTCP %s", lens[i], ename(r[0]));
		EXPECT_EQ(r[CL_TCP], r[CL_XTCP]) TH_LOG("addrlen %d: XTCP %s, TCP %s",
							lens[i], ename(r[0]), ename(r[1]));
	}
	/* the socket is still usable with the right length */
	{
		int fd = cl_socket(CL_XTCP);

		ASSERT_LE(0, fd);
		EXPECT_EQ(EINVAL, connect(fd, (struct sockaddr *)&sin, 15) ? errno : 0);
		EXPECT_EQ(0, do_connect(fd, SRV, PORT));
		cl_close_abort(fd);
	}
	close(lfd);
}

/* An IPv6 address to an IPv4 stream socket: EAFNOSUPPORT, as Linux TCP. */
TEST_F(topo, connect_af_inet6)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in s4 = cl_sin(SRV, PORT);
	int kind, r[2][2];

	s4.sin_family = AF_INET6;
	NS(NSB);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int fd = cl_socket(kind);

		ASSERT_LE(0, fd);
		r[kind][0] = connect(fd, (struct sockaddr *)&s6, sizeof(s6)) ? errno : 0;
		r[kind][1] = connect(fd, (struct sockaddr *)&s4, sizeof(s4)) ? errno : 0;
		close(fd);
	}
	EXPECT_EQ(EAFNOSUPPORT, r[CL_XTCP][0]) TH_LOG("sockaddr_in6: %s", ename(r[0][0]));
	EXPECT_EQ(EAFNOSUPPORT, r[CL_XTCP][1]) TH_LOG("sin_family AF_INET6: %s", ename(r[0][1]));
	EXPECT_EQ(r[CL_TCP][0], r[CL_XTCP][0]);
	EXPECT_EQ(r[CL_TCP][1], r[CL_XTCP][1]);
}

/* connect() on a listening socket: EISCONN (Linux), and it keeps listening. */
TEST_F(topo, connect_on_listener)
{
	int kind, r[2];

	NS(NSA);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int lfd = cl_listen(kind, SRV, PORT, 5), cfd;

		ASSERT_LE(0, lfd);
		r[kind] = do_connect(lfd, SRV, PORT + 1);
		EXPECT_EQ(1, getint(lfd, SOL_SOCKET, SO_ACCEPTCONN));
		NS(NSB);
		cfd = cl_connect(kind, SRV, PORT);
		EXPECT_LE(0, cfd) TH_LOG("%s: listener broken after connect(): %s",
					 cl_name(kind), strerror(errno));
		cl_close_abort(cfd);
		NS(NSA);
		close(lfd);
	}
	EXPECT_EQ(EISCONN, r[CL_XTCP]) TH_LOG("XTCP %s", ename(r[0]));
	EXPECT_EQ(r[CL_TCP], r[CL_XTCP]) TH_LOG("XTCP %s TCP %s", ename(r[0]), ename(r[1]));
}

/* accept() on a socket that is not listening: EINVAL. */
TEST_F(topo, accept_not_listening)
{
	int kind, r[2][3];

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int fd, lfd, cfd;

		NS(NSB);
		fd = cl_socket(kind);
		ASSERT_LE(0, fd);
		r[kind][0] = accept(fd, NULL, NULL) < 0 ? errno : 0;
		ASSERT_EQ(0, xtcp_bind(fd, CLI, 6000));
		r[kind][1] = accept(fd, NULL, NULL) < 0 ? errno : 0;
		close(fd);
		NS(NSA);
		lfd = cl_listen(kind, SRV, PORT, 5);
		ASSERT_LE(0, lfd);
		NS(NSB);
		cfd = cl_connect(kind, SRV, PORT);
		ASSERT_LE(0, cfd);
		r[kind][2] = accept(cfd, NULL, NULL) < 0 ? errno : 0;
		cl_close_abort(cfd);
		close(lfd);
	}
	EXPECT_EQ(EINVAL, r[CL_XTCP][0]) TH_LOG("fresh socket: %s", ename(r[0][0]));
	EXPECT_EQ(EINVAL, r[CL_XTCP][1]) TH_LOG("bound socket: %s", ename(r[0][1]));
	EXPECT_EQ(EINVAL, r[CL_XTCP][2]) TH_LOG("connected socket: %s", ename(r[0][2]));
	EXPECT_EQ(0, memcmp(r[0], r[1], sizeof(r[0])));
}

/* Empty accept queue: EAGAIN without blocking, and after SO_RCVTIMEO. */
TEST_F(topo, accept_empty_queue)
{
	int kind;

	NS(NSA);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		struct timeval tv = { 0, 300000 };
		int lfd = cl_listen(kind, SRV, PORT, 5), r;
		double t0;

		ASSERT_LE(0, lfd);
		cl_set_nonblock(lfd, 1);
		t0 = cl_now();
		r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
		EXPECT_EQ(EAGAIN, r) TH_LOG("%s non-blocking: %s", cl_name(kind), ename(r));
		EXPECT_GT(0.1, cl_now() - t0);
		cl_set_nonblock(lfd, 0);
		ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
		t0 = cl_now();
		r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
		EXPECT_EQ(EAGAIN, r) TH_LOG("%s SO_RCVTIMEO: %s", cl_name(kind), ename(r));
		EXPECT_LT(0.25, cl_now() - t0);
		close(lfd);
	}
}

/*
 * Non-blocking connect over a slow link (netem 300 ms on B's egress):
 * EINPROGRESS, EALREADY, POLLOUT, then 0 (Linux), then EISCONN.
 */
TEST_F(topo, nonblocking_connect_sequence)
{
	int kind, r[2][5];

	NS(NSB);
	ASSERT_EQ(0, nl_netem("vb", 300000, 0));
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int lfd, fd, afd;

		NS(NSA);
		lfd = cl_listen(kind, SRV, PORT, 5);
		ASSERT_LE(0, lfd);
		NS(NSB);
		fd = cl_connect_nb(kind, SRV, PORT, &r[kind][0]);
		ASSERT_LE(0, fd);
		r[kind][1] = do_connect(fd, SRV, PORT);
		r[kind][2] = cl_wait_connected(fd, 3000);
		r[kind][3] = do_connect(fd, SRV, PORT);
		r[kind][4] = do_connect(fd, SRV, PORT);
		afd = accept(lfd, NULL, NULL);
		EXPECT_LE(0, afd);
		if (afd >= 0) {
			EXPECT_EQ(0, cl_xfer(fd, afd, "x", 3000));
		}
		TH_LOG("%s: %s %s poll:%s %s %s", cl_name(kind), ename(r[kind][0]),
		       ename(r[kind][1]), ename(r[kind][2]), ename(r[kind][3]),
		       ename(r[kind][4]));
		cl_close_abort(fd);
		cl_close_abort(afd);
		close(lfd);
	}
	EXPECT_EQ(EINPROGRESS, r[CL_XTCP][0]);
	EXPECT_EQ(EALREADY, r[CL_XTCP][1]);
	EXPECT_EQ(0, r[CL_XTCP][2]);
	EXPECT_EQ(0, r[CL_XTCP][3]);
	EXPECT_EQ(EISCONN, r[CL_XTCP][4]);
	EXPECT_EQ(0, memcmp(r[0], r[1], sizeof(r[0])));
}

/*
 * Non-blocking connect refused: poll reports POLLOUT|POLLERR|POLLHUP,
 * SO_ERROR is ECONNREFUSED once, the next connect() sees ECONNABORTED.
 */
TEST_F(topo, nonblocking_connect_refused)
{
	int kind, r[2][5];
	short rev[2];

	NS(NSB);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		struct pollfd p = { .events = POLLIN | POLLOUT };
		socklen_t l = sizeof(int);
		int fd;

		fd = cl_connect_nb(kind, SRV, PORT + 1, &r[kind][0]);
		ASSERT_LE(0, fd);
		p.fd = fd;
		r[kind][1] = poll(&p, 1, 3000);
		rev[kind] = p.revents;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &r[kind][2], &l);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &r[kind][3], &l);
		r[kind][4] = do_connect(fd, SRV, PORT + 1);
		TH_LOG("%s: connect %s poll %d revents 0x%x SO_ERROR %s then %s, connect %s",
		       cl_name(kind), ename(r[kind][0]), r[kind][1], rev[kind],
		       ename(r[kind][2]), ename(r[kind][3]), ename(r[kind][4]));
		close(fd);
	}
	EXPECT_EQ(EINPROGRESS, r[CL_XTCP][0]);
	EXPECT_EQ(1, r[CL_XTCP][1]);
	EXPECT_EQ(POLLOUT | POLLERR | POLLHUP, rev[CL_XTCP] & (POLLOUT | POLLERR | POLLHUP));
	EXPECT_EQ(rev[CL_TCP], rev[CL_XTCP]);
	EXPECT_EQ(ECONNREFUSED, r[CL_XTCP][2]);
	EXPECT_EQ(0, r[CL_XTCP][3]);
	EXPECT_EQ(r[CL_TCP][4], r[CL_XTCP][4]);
}

/*
 * SYNs to a silent peer: retransmitted after 1 s, 2 s ... up to TCP_SYNCNT
 * (or net.xtcp.syn_retries), then connect() fails with ETIMEDOUT and
 * AttemptFails counts it.
 */
TEST_F_TIMEOUT(topo, syn_retransmit_timeout, 60)
{
	struct cl_seg *segs = calloc(256, sizeof(*segs));
	int cap, n = 0, kind, fd[2], err[2], syncnt = 2, i, blk_err;
	double t0, done[2] = { 0, 0 }, syn_t[2][8], blk_t;
	int nsyn[2] = { 0, 0 };
	long af;

	ASSERT_NE(NULL, segs);
	NS(NSB);
	/*
	 * Linux >= 6.5 retransmits the first 4 SYNs after 1 s each
	 * (net.ipv4.tcp_syn_linear_timeouts=4); XTCP keeps the classic
	 * 1, 2, 4 s schedule, which is what that sysctl set to 0 gives.
	 */
	err[0] = cl_sysctl("net.ipv4.tcp_syn_linear_timeouts", "0");
	ASSERT_TRUE(!err[0] || err[0] == ENOENT);
	ASSERT_EQ(0, cl_neigh_add("vb", SILENT, bogus_mac));
	cap = cl_cap_open("vb");
	ASSERT_LE(0, cap);
	af = cl_stat("AttemptFails");

	/* part 1: TCP_SYNCNT=2, XTCP and TCP side by side, non-blocking */
	t0 = cl_now();
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		fd[kind] = cl_socket(kind);
		ASSERT_LE(0, fd[kind]);
		ASSERT_EQ(0, setsockopt(fd[kind], SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)));
		cl_set_nonblock(fd[kind], 1);
		EXPECT_EQ(EINPROGRESS, do_connect(fd[kind], SILENT, 7000 + kind));
	}
	while ((!done[0] || !done[1]) && cl_now() - t0 < 15) {
		for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
			if (!done[kind]) {
				err[kind] = cl_wait_connected(fd[kind], 50);
				if (err[kind] >= 0)
					done[kind] = cl_now() - t0;
			}
		}
	}
	ASSERT_NE(0, done[CL_XTCP]) TH_LOG("XTCP connect still pending after 15 s");
	ASSERT_NE(0, done[CL_TCP]) TH_LOG("TCP connect still pending after 15 s");
	cl_cap_read(cap, segs, &n, 256, 0, false);
	for (i = 0; i < n; i++) {
		kind = segs[i].proto == IPPROTO_XTCP ? CL_XTCP : CL_TCP;
		if ((segs[i].flags & CL_F_SYN) && segs[i].dport == 7000 + kind && nsyn[kind] < 8)
			syn_t[kind][nsyn[kind]++] = segs[i].t;
	}
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		TH_LOG("%s TCP_SYNCNT=2: %s after %.2f s, %d SYNs, gaps %.2f %.2f", cl_name(kind),
		       ename(err[kind]), done[kind], nsyn[kind],
		       nsyn[kind] > 1 ? syn_t[kind][1] - syn_t[kind][0] : 0,
		       nsyn[kind] > 2 ? syn_t[kind][2] - syn_t[kind][1] : 0);
		EXPECT_EQ(ETIMEDOUT, err[kind]);
		EXPECT_EQ(3, nsyn[kind]);
		if (nsyn[kind] >= 3) {
			EXPECT_LT(0.8, syn_t[kind][1] - syn_t[kind][0]);
			EXPECT_GT(1.6, syn_t[kind][1] - syn_t[kind][0]);
			EXPECT_LT(1.8, syn_t[kind][2] - syn_t[kind][1]);
			EXPECT_GT(2.8, syn_t[kind][2] - syn_t[kind][1]);
		}
		EXPECT_LT(6.5, done[kind]);
		EXPECT_GT(9.0, done[kind]);
		close(fd[kind]);
	}
	EXPECT_EQ(af + 1, cl_stat("AttemptFails"));

	/* part 2: net.xtcp.syn_retries=1, blocking connect */
	ASSERT_EQ(0, cl_sysctl("net.xtcp.syn_retries", "1"));
	n = 0;
	nsyn[0] = 0;
	fd[0] = cl_socket(CL_XTCP);
	ASSERT_LE(0, fd[0]);
	t0 = cl_now();
	blk_err = do_connect(fd[0], SILENT, 7002);
	blk_t = cl_now() - t0;
	cl_cap_read(cap, segs, &n, 256, IPPROTO_XTCP, false);
	for (i = 0; i < n; i++)
		if ((segs[i].flags & CL_F_SYN) && segs[i].dport == 7002 && nsyn[0] < 8)
			syn_t[0][nsyn[0]++] = segs[i].t;
	TH_LOG("XTCP syn_retries=1: blocking connect %s after %.2f s, %d SYNs",
	       ename(blk_err), blk_t, nsyn[0]);
	EXPECT_EQ(ETIMEDOUT, blk_err);
	EXPECT_EQ(2, nsyn[0]);
	EXPECT_LT(2.5, blk_t);
	EXPECT_GT(4.5, blk_t);
	EXPECT_EQ(af + 2, cl_stat("AttemptFails"));
	close(fd[0]);
	close(cap);
	free(segs);
}

/*
 * Every SYN dropped locally (a tc egress filter on vb drops it: the IP
 * layer returns NET_XMIT_DROP to the sender): the SYN is still retried,
 * as Linux TCP does: the first retry after the initial RTO (1 s), then,
 * each retry failing locally, every 500 ms (TCP_RESOURCE_PROBE_INTERVAL)
 * without backoff, each counted; so with TCP_SYNCNT=2 connect() fails
 * with ETIMEDOUT after about 2 s, for XTCP as for TCP.
 */
TEST_F_TIMEOUT(topo, syn_local_drop_retried_then_etimedout, 60)
{
	int kind, fd[2], err[2] = { -1, -1 }, syncnt = 2;
	double t0, done[2] = { 0, 0 };

	NS(NSB);
	err[0] = cl_sysctl("net.ipv4.tcp_syn_linear_timeouts", "0");
	ASSERT_TRUE(!err[0] || err[0] == ENOENT);
	ASSERT_EQ(0, cl_neigh_add("vb", SILENT, bogus_mac));
	/* the netns is the test's: tc (run by system()) acts in it */
	ASSERT_EQ(0, system("tc qdisc add dev vb clsact && "
			    "tc filter add dev vb egress matchall action drop"));
	t0 = cl_now();
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		fd[kind] = cl_socket(kind);
		ASSERT_LE(0, fd[kind]);
		ASSERT_EQ(0, setsockopt(fd[kind], SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)));
		cl_set_nonblock(fd[kind], 1);
		EXPECT_EQ(EINPROGRESS, do_connect(fd[kind], SILENT, 7100 + kind));
	}
	while ((!done[0] || !done[1]) && cl_now() - t0 < 15) {
		for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
			if (!done[kind]) {
				err[kind] = cl_wait_connected(fd[kind], 50);
				if (err[kind] >= 0)
					done[kind] = cl_now() - t0;
			}
		}
	}
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		TH_LOG("%s: every SYN dropped at vb's egress: %s after %.2f s", cl_name(kind),
		       done[kind] ? ename(err[kind]) : "still pending", done[kind]);
		EXPECT_EQ(ETIMEDOUT, err[kind]);
		EXPECT_LT(1.8, done[kind]);
		EXPECT_GT(3.0, done[kind]);
		close(fd[kind]);
	}
}

/*
 * Ephemeral ports come from net.ipv4.ip_local_port_range: with 4 ports, 4
 * connections to one server succeed and the 5th fails with EADDRNOTAVAIL
 * (as Linux TCP); with "40000 40002" XTCP uses all 3 ports.
 */
TEST_F(topo, ephemeral_port_range)
{
	static const char *ranges[] = { "40000 40003", "40000 40002" };
	int kind, ri, lfd[2], got[2][2], last[2][2];

	NS(NSA);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		lfd[kind] = cl_listen(kind, SRV, PORT, 16);
		ASSERT_LE(0, lfd[kind]);
	}
	for (ri = 0; ri < 2; ri++) {
		NS(NSB);
		ASSERT_EQ(0, cl_sysctl("net.ipv4.ip_local_port_range", ranges[ri]));
		for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
			int fds[8], ports[8], i, j;

			got[ri][kind] = 0;
			last[ri][kind] = 0;
			for (i = 0; i < 6; i++) {
				fds[i] = cl_socket(kind);
				ASSERT_LE(0, fds[i]);
				last[ri][kind] = do_connect(fds[i], SRV, PORT);
				if (last[ri][kind])
					break;
				ports[i] = xtcp_local_port(fds[i]);
				EXPECT_LE(40000, ports[i]);
				EXPECT_GE(ri ? 40002 : 40003, ports[i]);
				for (j = 0; j < i; j++) {
					EXPECT_NE(ports[j], ports[i]);
				}
				got[ri][kind]++;
			}
			TH_LOG("range %s: %s connected %d, then %s", ranges[ri], cl_name(kind),
			       got[ri][kind], ename(last[ri][kind]));
			for (j = 0; j <= i && j < 6; j++)
				cl_close_abort(fds[j]);
			NS(NSA);
			for (;;) {
				int a;

				cl_set_nonblock(lfd[kind], 1);
				a = accept(lfd[kind], NULL, NULL);
				if (a < 0)
					break;
				cl_close_abort(a);
			}
			NS(NSB);
			cl_msleep(100);
		}
	}
	EXPECT_EQ(4, got[0][CL_XTCP]);
	EXPECT_EQ(EADDRNOTAVAIL, last[0][CL_XTCP]);
	EXPECT_EQ(got[0][CL_TCP], got[0][CL_XTCP]);
	EXPECT_EQ(last[0][CL_TCP], last[0][CL_XTCP]);
	EXPECT_EQ(3, got[1][CL_XTCP]);
	EXPECT_EQ(EADDRNOTAVAIL, last[1][CL_XTCP]);
	close(lfd[0]);
	close(lfd[1]);
}

/* ActiveOpens, PassiveOpens, AttemptFails, CurrEstab move as Linux's do. */
TEST_F(topo, counters)
{
	static const char *names[] = { "ActiveOpens", "PassiveOpens", "AttemptFails", "CurrEstab" };
	int kind, i;

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		long a0[4], b0[4], a1[4], b1[4], a2[4], b2[4];
		int lfd, cfd[3], afd[3], rfd;

		for (i = 0; i < 4; i++) {
			NS(NSA);
			a0[i] = cl_kstat(kind, names[i]);
			NS(NSB);
			b0[i] = cl_kstat(kind, names[i]);
		}
		NS(NSA);
		lfd = cl_listen(kind, SRV, PORT, 5);
		ASSERT_LE(0, lfd);
		NS(NSB);
		for (i = 0; i < 3; i++) {
			cfd[i] = cl_connect(kind, SRV, PORT);
			ASSERT_LE(0, cfd[i]);
			afd[i] = accept(lfd, NULL, NULL);
			ASSERT_LE(0, afd[i]);
		}
		rfd = cl_socket(kind);
		EXPECT_EQ(ECONNREFUSED, do_connect(rfd, SRV, PORT + 1));
		close(rfd);
		cl_msleep(100);
		for (i = 0; i < 4; i++) {
			NS(NSA);
			a1[i] = cl_kstat(kind, names[i]);
			NS(NSB);
			b1[i] = cl_kstat(kind, names[i]);
		}
		for (i = 0; i < 3; i++) {
			cl_close_abort(cfd[i]);
			cl_close_abort(afd[i]);
		}
		close(lfd);
		cl_msleep(200);
		for (i = 0; i < 4; i++) {
			NS(NSA);
			a2[i] = cl_kstat(kind, names[i]);
			NS(NSB);
			b2[i] = cl_kstat(kind, names[i]);
		}
		TH_LOG("%s client: ActiveOpens +%ld AttemptFails +%ld CurrEstab %ld->%ld->%ld",
		       cl_name(kind), b1[0] - b0[0], b1[2] - b0[2], b0[3], b1[3], b2[3]);
		TH_LOG("%s server: PassiveOpens +%ld CurrEstab %ld->%ld->%ld", cl_name(kind),
		       a1[1] - a0[1], a0[3], a1[3], a2[3]);
		EXPECT_EQ(4, b1[0] - b0[0]);
		EXPECT_EQ(0, b1[1] - b0[1]);
		EXPECT_EQ(1, b1[2] - b0[2]);
		EXPECT_EQ(3, b1[3] - b0[3]);
		EXPECT_EQ(0, a1[0] - a0[0]);
		EXPECT_EQ(3, a1[1] - a0[1]);
		EXPECT_EQ(0, a1[2] - a0[2]);
		EXPECT_EQ(3, a1[3] - a0[3]);
		EXPECT_EQ(b0[3], b2[3]);
		EXPECT_EQ(a0[3], a2[3]);
	}
}

/* TCP_DEFER_ACCEPT: no accept() for a silent client; data releases it. */
TEST_F(topo, defer_accept)
{
	int kind, v[2];

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int lfd, cfd, afd, defer = 3, r;
		double t0, dt;
		char buf[16] = "";

		NS(NSA);
		lfd = cl_socket(kind);
		ASSERT_LE(0, lfd);
		ASSERT_EQ(0, setsockopt(lfd, SOL_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)));
		v[kind] = getint(lfd, SOL_TCP, TCP_DEFER_ACCEPT);
		ASSERT_EQ(0, xtcp_bind(lfd, SRV, PORT));
		ASSERT_EQ(0, listen(lfd, 5));
		NS(NSB);
		cfd = cl_connect(kind, SRV, PORT);
		ASSERT_LE(0, cfd) TH_LOG("%s connect: %s", cl_name(kind), strerror(errno));
		EXPECT_FALSE(cl_readable(lfd, 1500)) TH_LOG("%s: listener readable without data",
							   cl_name(kind));
		cl_set_nonblock(lfd, 1);
		r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
		EXPECT_EQ(EAGAIN, r) TH_LOG("%s: accept without data: %s", cl_name(kind), ename(r));
		ASSERT_EQ(5, write(cfd, "hello", 5));
		t0 = cl_now();
		EXPECT_TRUE(cl_readable(lfd, 2000));
		dt = cl_now() - t0;
		EXPECT_GT(1.0, dt) TH_LOG("%s: accept ready %.2f s after the data", cl_name(kind), dt);
		afd = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd) TH_LOG("%s accept: %s", cl_name(kind), strerror(errno));
		EXPECT_TRUE(cl_readable(afd, 1000));
		EXPECT_EQ(5, recv(afd, buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_STREQ("hello", buf);
		cl_close_abort(cfd);
		cl_close_abort(afd);
		close(lfd);
	}
	EXPECT_EQ(3, v[CL_XTCP]);
	EXPECT_EQ(v[CL_TCP], v[CL_XTCP]);
}

/* Accepted sockets inherit the listener's options, as Linux's children do. */
TEST_F(topo, accepted_inherits_options)
{
	static const struct { int level, opt, val; const char *name; } o[] = {
		{ SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE" },
		{ SOL_TCP, TCP_KEEPIDLE, 77, "TCP_KEEPIDLE" },
		{ SOL_TCP, TCP_KEEPINTVL, 11, "TCP_KEEPINTVL" },
		{ SOL_TCP, TCP_KEEPCNT, 5, "TCP_KEEPCNT" },
		{ SOL_TCP, TCP_NODELAY, 1, "TCP_NODELAY" },
		{ SOL_SOCKET, SO_RCVBUF, 100000, "SO_RCVBUF" },
		{ SOL_SOCKET, SO_SNDBUF, 120000, "SO_SNDBUF" },
	};
	enum { NO = sizeof(o) / sizeof(o[0]) };
	int kind, i, lv[2][NO], cv[2][NO];

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int lfd, cfd, afd;

		NS(NSA);
		lfd = cl_socket(kind);
		ASSERT_LE(0, lfd);
		for (i = 0; i < NO; i++) {
			ASSERT_EQ(0, setsockopt(lfd, o[i].level, o[i].opt, &o[i].val, sizeof(int)))
				TH_LOG("%s %s: %s", cl_name(kind), o[i].name, strerror(errno));
		}
		ASSERT_EQ(0, xtcp_bind(lfd, SRV, PORT));
		ASSERT_EQ(0, listen(lfd, 5));
		NS(NSB);
		cfd = cl_connect(kind, SRV, PORT);
		ASSERT_LE(0, cfd);
		afd = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd);
		for (i = 0; i < NO; i++) {
			lv[kind][i] = getint(lfd, o[i].level, o[i].opt);
			cv[kind][i] = getint(afd, o[i].level, o[i].opt);
			EXPECT_EQ(lv[kind][i], cv[kind][i])
				TH_LOG("%s %s: listener %d, accepted %d", cl_name(kind),
				       o[i].name, lv[kind][i], cv[kind][i]);
		}
		cl_close_abort(cfd);
		cl_close_abort(afd);
		close(lfd);
	}
	for (i = 0; i < NO; i++) {
		EXPECT_EQ(cv[CL_TCP][i], cv[CL_XTCP][i])
			TH_LOG("%s: XTCP child %d, TCP child %d", o[i].name, cv[0][i], cv[1][i]);
	}
}

/* The SYN-ACK's MSS option reflects TCP_MAXSEG set on the listener. */
TEST_F(topo, maxseg_in_synack)
{
	struct cl_seg segs[64];
	int kind, n = 0, cap, i, mss[2][2];

	NS(NSA);
	cap = cl_cap_open("va");
	ASSERT_LE(0, cap);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int lfd[2], cfd, afd, m = 1000, j;

		for (j = 0; j < 2; j++) {
			NS(NSA);
			lfd[j] = cl_socket(kind);
			ASSERT_LE(0, lfd[j]);
			if (j) {
				ASSERT_EQ(0, setsockopt(lfd[j], SOL_TCP, TCP_MAXSEG, &m, sizeof(m)));
			}
			ASSERT_EQ(0, xtcp_bind(lfd[j], SRV, PORT + j));
			ASSERT_EQ(0, listen(lfd[j], 5));
			NS(NSB);
			cfd = cl_connect(kind, SRV, PORT + j);
			ASSERT_LE(0, cfd);
			afd = accept(lfd[j], NULL, NULL);
			ASSERT_LE(0, afd);
			cl_close_abort(cfd);
			cl_close_abort(afd);
			close(lfd[j]);
		}
	}
	cl_msleep(100);
	cl_cap_read(cap, segs, &n, 64, 0, false);
	memset(mss, 0xff, sizeof(mss));
	for (i = 0; i < n; i++) {
		kind = segs[i].proto == IPPROTO_XTCP ? CL_XTCP : CL_TCP;
		if ((segs[i].flags & (CL_F_SYN | CL_F_ACK)) == (CL_F_SYN | CL_F_ACK) &&
		    segs[i].sport >= PORT && segs[i].sport <= PORT + 1)
			mss[kind][segs[i].sport - PORT] = segs[i].mss;
	}
	TH_LOG("SYN-ACK MSS: XTCP %d / %d (TCP_MAXSEG 1000), TCP %d / %d",
	       mss[0][0], mss[0][1], mss[1][0], mss[1][1]);
	EXPECT_EQ(1460, mss[CL_XTCP][0]);
	EXPECT_EQ(1000, mss[CL_XTCP][1]);
	EXPECT_EQ(mss[CL_TCP][0], mss[CL_XTCP][0]);
	EXPECT_EQ(mss[CL_TCP][1], mss[CL_XTCP][1]);
	close(cap);
}

/*
 * Capture one handshake of @kind on B's veth: its first three segments
 * into @h (SYN, SYN-ACK, ACK). Returns how many segments were seen.
 */
static int capture_handshake(struct cl_topo *t, int kind, struct cl_seg *h)
{
	struct cl_seg segs[64];
	int n = 0, cap, lfd, cfd, afd, i;

	nl_use(t->ns[NSB]);
	cap = cl_cap_open("vb");
	nl_use(t->ns[NSA]);
	lfd = cl_listen(kind, SRV, PORT, 5);
	nl_use(t->ns[NSB]);
	cfd = cl_connect(kind, SRV, PORT);
	afd = accept(lfd, NULL, NULL);
	cl_msleep(100);
	if (cap >= 0)
		cl_cap_read(cap, segs, &n, 64, kind == CL_XTCP ? IPPROTO_XTCP : IPPROTO_TCP, false);
	cl_close_abort(cfd);
	cl_close_abort(afd);
	close(lfd);
	close(cap);
	for (i = 0; i < n && i < 3; i++) {
		h[i] = segs[i];
		cl_seg_print(&segs[i], segs[0].t);
	}
	return n;
}

/*
 * The three segments of a handshake as seen on B's veth: SYN with MSS,
 * SACK_PERM, TS, NOP, WS (Linux's order and values), SYN-ACK acking
 * ISN+1 with the same layout, final ACK acking the server's ISN+1.
 */
TEST_F(topo, handshake_segments)
{
	struct cl_seg h[2][3];
	int kind;

	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		struct cl_seg *syn = &h[kind][0], *sa = &h[kind][1], *ack = &h[kind][2];

		ASSERT_LE(3, capture_handshake(&self->t, kind, h[kind])) TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(CL_F_SYN, syn->flags) TH_LOG("%s", cl_name(kind));
		EXPECT_STREQ("2,4,8,1,3", syn->kinds) TH_LOG("%s SYN options", cl_name(kind));
		EXPECT_EQ(1460, syn->mss);
		EXPECT_EQ(1, syn->sackok);
		EXPECT_EQ(0, syn->tsecr);
		EXPECT_LE(0, syn->ws);
		EXPECT_EQ(CL_F_SYN | CL_F_ACK, sa->flags) TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(syn->seq + 1, sa->ack);
		EXPECT_STREQ("2,4,8,1,3", sa->kinds) TH_LOG("%s SYN-ACK options", cl_name(kind));
		EXPECT_EQ(syn->tsval, sa->tsecr);
		EXPECT_EQ(CL_F_ACK, ack->flags) TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(syn->seq + 1, ack->seq);
		EXPECT_EQ(sa->seq + 1, ack->ack);
		EXPECT_EQ(0, ack->len);
		EXPECT_EQ(sa->tsval, ack->tsecr);
		EXPECT_STREQ("1,1,8", ack->kinds) TH_LOG("%s ACK options", cl_name(kind));
	}
	/* same option values as Linux */
	EXPECT_EQ(h[CL_TCP][0].ws, h[CL_XTCP][0].ws);
	EXPECT_EQ(h[CL_TCP][1].ws, h[CL_XTCP][1].ws);
	EXPECT_EQ(h[CL_TCP][1].mss, h[CL_XTCP][1].mss);
}

/*
 * The windows offered in SYN and SYN-ACK equal Linux's. (Linux rounds the
 * SYN-ACK's window down to a multiple of the MSS less the timestamp
 * option when timestamps are on: 45 * 1448 = 65160 on a 1500-byte MTU.)
 */
TEST_F(topo, handshake_windows)
{
	struct cl_seg h[2][3];
	int kind;

	for (kind = CL_XTCP; kind <= CL_TCP; kind++)
		ASSERT_LE(3, capture_handshake(&self->t, kind, h[kind])) TH_LOG("%s", cl_name(kind));
	TH_LOG("SYN window XTCP %u TCP %u; SYN-ACK window XTCP %u TCP %u",
	       h[0][0].win, h[1][0].win, h[0][1].win, h[1][1].win);
	EXPECT_EQ(h[CL_TCP][0].win, h[CL_XTCP][0].win);
	EXPECT_EQ(h[CL_TCP][1].win, h[CL_XTCP][1].win);
}

/*
 * Simultaneous open (RFC 9293 figure 8): both ends connect() to each
 * other's bound port while their SYNs cross (netem 100 ms each way).
 * Both become ESTABLISHED after SYN, SYN, SYN-ACK, SYN-ACK; data flows.
 * Linux then also ACKs the crossing SYN-ACK it sees as a duplicate
 * (tcp_data_queue), so the wire carries 6 segments; XTCP must match.
 */
TEST_F(topo, simultaneous_open)
{
	struct cl_seg segs[64];
	int kind, cnt[2], r[2][2];

	NS(NSA);
	ASSERT_EQ(0, nl_netem("va", 100000, 0));
	NS(NSB);
	ASSERT_EQ(0, nl_netem("vb", 100000, 0));
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int fa, fb, cap, n = 0, i, syn = 0, synack = 0;

		NS(NSA);
		cap = cl_cap_open("va");
		ASSERT_LE(0, cap);
		fa = cl_socket(kind);
		ASSERT_LE(0, fa);
		ASSERT_EQ(0, xtcp_bind(fa, SRV, 6000));
		NS(NSB);
		fb = cl_socket(kind);
		ASSERT_LE(0, fb);
		ASSERT_EQ(0, xtcp_bind(fb, CLI, 6001));
		cl_set_nonblock(fa, 1);
		cl_set_nonblock(fb, 1);
		EXPECT_EQ(EINPROGRESS, do_connect(fa, CLI, 6001));
		EXPECT_EQ(EINPROGRESS, do_connect(fb, SRV, 6000));
		r[kind][0] = cl_wait_connected(fa, 3000);
		r[kind][1] = cl_wait_connected(fb, 3000);
		cl_msleep(600);		/* anything else the handshake sends */
		cl_cap_read(cap, segs, &n, 64, kind == CL_XTCP ? IPPROTO_XTCP : IPPROTO_TCP, false);
		cnt[kind] = n;
		for (i = 0; i < n; i++) {
			cl_seg_print(&segs[i], segs[0].t);
			if (segs[i].flags == CL_F_SYN)
				syn++;
			if (segs[i].flags == (CL_F_SYN | CL_F_ACK))
				synack++;
		}
		TH_LOG("%s: connect %s / %s, %d segments: %d SYN, %d SYN-ACK", cl_name(kind),
		       ename(r[kind][0]), ename(r[kind][1]), n, syn, synack);
		if (kind == CL_XTCP) {
			EXPECT_EQ(2, syn);
			EXPECT_EQ(2, synack);
		}
		if (!r[kind][0] && !r[kind][1]) {
			EXPECT_EQ(0, cl_xfer(fa, fb, "a->b", 2000)) TH_LOG("%s", cl_name(kind));
			EXPECT_EQ(0, cl_xfer(fb, fa, "b->a", 2000)) TH_LOG("%s", cl_name(kind));
		}
		cl_close_abort(fa);
		cl_close_abort(fb);
		close(cap);
	}
	EXPECT_EQ(0, r[CL_XTCP][0]);
	EXPECT_EQ(0, r[CL_XTCP][1]);
	EXPECT_EQ(cnt[CL_TCP], cnt[CL_XTCP]);
}

/*
 * SYN-SENT: a RST whose ACK does not acknowledge the SYN is ignored; one
 * acking ISN+1 fails the connect with ECONNREFUSED.
 */
TEST_F(topo, rst_in_syn_sent)
{
	struct cl_seg segs[32];
	int kind, r[2][2], raw;

	NS(NSA);
	raw = cl_raw_open();
	ASSERT_LE(0, raw);
	NS(NSB);
	ASSERT_EQ(0, cl_neigh_add("vb", SILENT, bogus_mac));
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int cap, fd, n = 0, i, e;
		uint32_t isn = 0;
		bool found = false;
		struct cl_raw rst = { .proto = kind == CL_XTCP ? IPPROTO_XTCP : IPPROTO_TCP,
				      .saddr = cl_ip(SILENT), .daddr = cl_ip(CLI),
				      .sport = 7000, .flags = CL_F_RST | CL_F_ACK };

		NS(NSB);
		cap = cl_cap_open("vb");
		ASSERT_LE(0, cap);
		fd = cl_connect_nb(kind, SILENT, 7000, &e);
		ASSERT_LE(0, fd);
		EXPECT_EQ(EINPROGRESS, e);
		cl_msleep(200);
		cl_cap_read(cap, segs, &n, 32, rst.proto, false);
		for (i = 0; i < n && !found; i++)
			if (segs[i].flags == CL_F_SYN) {
				isn = segs[i].seq;
				rst.dport = segs[i].sport;
				found = true;
			}
		ASSERT_TRUE(found) TH_LOG("%s: no SYN captured", cl_name(kind));
		rst.ack = isn + 10;
		ASSERT_EQ(0, cl_raw_send(raw, &rst));
		r[kind][0] = cl_wait_connected(fd, 300);
		rst.ack = isn + 1;
		ASSERT_EQ(0, cl_raw_send(raw, &rst));
		r[kind][1] = cl_wait_connected(fd, 1000);
		TH_LOG("%s: RST ack ISN+10 -> %s, RST ack ISN+1 -> %s", cl_name(kind),
		       r[kind][0] < 0 ? "still connecting" : ename(r[kind][0]),
		       ename(r[kind][1]));
		close(fd);
		close(cap);
	}
	EXPECT_EQ(-1, r[CL_XTCP][0]);
	EXPECT_EQ(ECONNREFUSED, r[CL_XTCP][1]);
	EXPECT_EQ(r[CL_TCP][0], r[CL_XTCP][0]);
	EXPECT_EQ(r[CL_TCP][1], r[CL_XTCP][1]);
	close(raw);
}

/* The client's rcv_nxt and snd_nxt from its latest segment to the server. */
static bool client_seqs(int cap, struct cl_seg *segs, int proto, uint16_t cport,
			uint32_t *rcv_nxt, uint32_t *snd_nxt, int *n_acks)
{
	int n = 0, i;
	bool found = false;

	cl_cap_read(cap, segs, &n, 64, proto, false);
	*n_acks = 0;
	for (i = 0; i < n; i++) {
		if (segs[i].sport != cport || !(segs[i].flags & CL_F_ACK))
			continue;
		*rcv_nxt = segs[i].ack;
		*snd_nxt = segs[i].seq + segs[i].len;
		if (!segs[i].len)
			(*n_acks)++;
		found = true;
	}
	return found;
}

/*
 * ESTABLISHED (RFC 5961 3.2): an in-window RST with the wrong sequence
 * gets a challenge ACK (TCPChallengeACK) and the connection survives; the
 * exact-sequence RST resets it (ECONNRESET, EstabResets).
 */
TEST_F(topo, rst_in_established)
{
	struct cl_seg segs[64];
	int kind, raw;

	NS(NSA);
	raw = cl_raw_open();
	ASSERT_LE(0, raw);
	for (kind = CL_XTCP; kind <= CL_TCP; kind++) {
		int proto = kind == CL_XTCP ? IPPROTO_XTCP : IPPROTO_TCP;
		int lfd, cfd, afd, cap, n_acks = 0;
		uint32_t rcv_nxt = 0, snd_nxt = 0;
		long chal, resets;
		struct cl_raw rst = { .proto = proto, .saddr = cl_ip(SRV), .daddr = cl_ip(CLI),
				      .sport = PORT, .flags = CL_F_RST | CL_F_ACK };
		char buf[8];
		ssize_t rr;

		NS(NSA);
		lfd = cl_listen(kind, SRV, PORT, 5);
		ASSERT_LE(0, lfd);
		NS(NSB);
		cap = cl_cap_open("vb");
		ASSERT_LE(0, cap);
		cfd = cl_connect(kind, SRV, PORT);
		ASSERT_LE(0, cfd);
		afd = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd);
		rst.dport = xtcp_local_port(cfd);
		ASSERT_EQ(0, cl_xfer(cfd, afd, "hello", 2000));
		ASSERT_EQ(0, cl_xfer(afd, cfd, "world", 2000));
		cl_msleep(300);		/* delayed ACKs out */
		ASSERT_TRUE(client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks));
		chal = cl_kstat(kind, "TCPChallengeACK");
		resets = cl_kstat(kind, "EstabResets");

		rst.seq = rcv_nxt + 1000;
		rst.ack = snd_nxt;
		ASSERT_EQ(0, cl_raw_send(raw, &rst));
		cl_msleep(300);
		n_acks = 0;
		client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks);
		EXPECT_EQ(1, n_acks) TH_LOG("%s: %d bare ACKs after the bad RST", cl_name(kind), n_acks);
		EXPECT_EQ(chal + 1, cl_kstat(kind, "TCPChallengeACK")) TH_LOG("%s", cl_name(kind));
		EXPECT_EQ(0, cl_xfer(cfd, afd, "again", 2000)) TH_LOG("%s: dead after bad RST", cl_name(kind));
		EXPECT_EQ(0, cl_xfer(afd, cfd, "still", 2000));
		cl_msleep(300);
		client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks);

		rst.seq = rcv_nxt;
		rst.ack = snd_nxt;
		ASSERT_EQ(0, cl_raw_send(raw, &rst));
		EXPECT_TRUE(cl_readable(cfd, 1000));
		rr = recv(cfd, buf, sizeof(buf), MSG_DONTWAIT);
		EXPECT_EQ(-1, rr);
		EXPECT_EQ(ECONNRESET, errno) TH_LOG("%s: recv after exact RST: %zd %s", cl_name(kind),
						    rr, strerror(errno));
		EXPECT_EQ(resets + 1, cl_kstat(kind, "EstabResets")) TH_LOG("%s", cl_name(kind));
		close(cfd);
		cl_close_abort(afd);
		close(lfd);
		close(cap);
	}
	close(raw);
}

TEST_HARNESS_MAIN
