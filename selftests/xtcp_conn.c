// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection establishment: connect()/accept() semantics and errno
 * values, non-blocking connect, SYN retransmission and ETIMEDOUT,
 * ephemeral ports, counters, TCP_DEFER_ACCEPT, option inheritance,
 * TCP_MAXSEG in the SYN-ACK, SYN options on the wire, simultaneous open,
 * RST in SYN-SENT and ESTABLISHED (RFC 5961 challenge ACK).
 *
 * Wherever Linux TCP is the reference, the same scenario runs on AF_INET
 * TCP sockets: once per stack as variants (stack.xtcp.NAME, stack.tcp.NAME)
 * checking the values Linux TCP gives, or both stacks in one test (fixture
 * topo) where XTCP is compared with what TCP measured, or where the two run
 * at the same time.
 *
 *   netns A (client)                          netns B (server)
 *   10.0.0.1/24 "va"  <------- veth ------->  "vb" 10.0.0.2/24
 *
 * Every test builds its own pair (setns() moves the test process between
 * them; sockets stay in the namespace they were created in). 10.0.0.99 is
 * "silent": a permanent ARP entry sends its frames to a MAC nobody has.
 * Wire checks use a packet socket on the veth (xtcp_lib's capture), raw
 * IP_HDRINCL sockets inject segments.
 */
#include <sys/utsname.h>
#include <netinet/ip_icmp.h>

#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 5000

/* Tests that hold both stacks */
TOPO_FIXTURE(topo);

/* The tests that run per stack: stack.xtcp.NAME and stack.tcp.NAME */
TOPO_STACK_FIXTURE(stack);

#define NS(x) ns_use(self->t.ns[x])

static int sin_eq(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family && a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* ------------------------------------------------------------------ tests */

/* connect() returns once the handshake is done; addresses agree both ways. */
TEST_F(stack, connect_accept_addresses)
{
	enum stack kind = variant->stack;
	struct sockaddr_in cl, cp, al, ap, acc, want_srv = sin4(IP_B, PORT);
	socklen_t len = sizeof(cl);
	int lfd, cfd, afd, lo, hi;
	char range[64];

	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd) TH_LOG("%s listen: %s", stack_name(kind), strerror(errno));
	NS(SIDE_A);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	ASSERT_LE(0, cfd) TH_LOG("%s connect: %s", stack_name(kind), strerror(errno));
	ASSERT_LT(0, xtcp_read_file("/proc/sys/net/ipv4/ip_local_port_range", range, sizeof(range)));
	ASSERT_EQ(2, sscanf(range, "%d %d", &lo, &hi));
	len = sizeof(acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	ASSERT_LE(0, afd) TH_LOG("%s accept: %s", stack_name(kind), strerror(errno));
	EXPECT_EQ(sizeof(acc), len);

	len = sizeof(cl);
	ASSERT_EQ(0, getsockname(cfd, (struct sockaddr *)&cl, &len));
	len = sizeof(cp);
	ASSERT_EQ(0, getpeername(cfd, (struct sockaddr *)&cp, &len));
	len = sizeof(al);
	ASSERT_EQ(0, getsockname(afd, (struct sockaddr *)&al, &len));
	len = sizeof(ap);
	ASSERT_EQ(0, getpeername(afd, (struct sockaddr *)&ap, &len));
	EXPECT_TRUE(sin_eq(&ap, &cl)) TH_LOG("%s: accepted peer != client name", stack_name(kind));
	EXPECT_TRUE(sin_eq(&acc, &cl)) TH_LOG("%s: accept() address != client name", stack_name(kind));
	EXPECT_TRUE(sin_eq(&al, &cp)) TH_LOG("%s: accepted name != client peer", stack_name(kind));
	EXPECT_TRUE(sin_eq(&cp, &want_srv));
	EXPECT_EQ(inet_addr(IP_A), cl.sin_addr.s_addr);
	EXPECT_LE(lo, ntohs(cl.sin_port));
	EXPECT_GE(hi, ntohs(cl.sin_port));
	EXPECT_EQ(0, sock_echo(cfd, afd, "hello", 2000));
	EXPECT_EQ(0, sock_echo(afd, cfd, "world", 2000));
	sock_abort(cfd);
	sock_abort(afd);
	close(lfd);
}

/* No listener: the RST makes connect() fail with ECONNREFUSED; counters. */
TEST_F(stack, connect_refused)
{
	enum stack kind = variant->stack;
	long ao, af;
	int fd;

	NS(SIDE_A);
	ao = counter(kind, "ActiveOpens");
	af = counter(kind, "AttemptFails");
	fd = stack_socket(kind);
	ASSERT_LE(0, fd);
	EXPECT_EQ(ECONNREFUSED, sock_connect_to(fd, IP_B, PORT + 1))
		TH_LOG("%s", stack_name(kind));
	EXPECT_EQ(ao + 1, counter(kind, "ActiveOpens")) TH_LOG("%s", stack_name(kind));
	EXPECT_EQ(af + 1, counter(kind, "AttemptFails")) TH_LOG("%s", stack_name(kind));
	close(fd);
}

/* addrlen shorter than struct sockaddr_in: EINVAL, as Linux TCP. */
TEST_F(stack, connect_short_addrlen)
{
	static const int lens[] = { 0, 1, 2, 8, sizeof(struct sockaddr_in) - 1 };
	struct sockaddr_in sin = sin4(IP_B, PORT);
	enum stack kind = variant->stack;
	unsigned int i;
	int lfd;

	NS(SIDE_B);
	lfd = sock_listen(STACK_XTCP, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		int fd = stack_socket(kind), r;

		ASSERT_LE(0, fd);
		r = connect(fd, (struct sockaddr *)&sin, lens[i]) ? errno : 0;
		close(fd);
		EXPECT_EQ(EINVAL, r) TH_LOG("addrlen %d: %s %s", lens[i], stack_name(kind),
					    errname(r));
	}
	/* the socket is still usable with the right length */
	if (kind == STACK_XTCP) {
		int fd = stack_socket(STACK_XTCP);

		ASSERT_LE(0, fd);
		EXPECT_EQ(EINVAL, connect(fd, (struct sockaddr *)&sin, 15) ? errno : 0);
		EXPECT_EQ(0, sock_connect_to(fd, IP_B, PORT));
		sock_abort(fd);
	}
	close(lfd);
}

/*
 * An IPv6 address to an AF_INET TCP socket: EAFNOSUPPORT. An XTCP socket
 * takes its family from the address: ::1 with nobody listening is
 * refused, as on an AF_INET6 TCP socket. A sockaddr_in-sized buffer
 * claiming AF_INET6: EAFNOSUPPORT on both.
 */
TEST_F(stack, connect_af_inet6)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in s4 = sin4(IP_B, PORT);
	enum stack kind = variant->stack;
	int fd, r[2];

	s4.sin_family = AF_INET6;
	NS(SIDE_A);
	fd = stack_socket(kind);
	ASSERT_LE(0, fd);
	r[0] = connect(fd, (struct sockaddr *)&s6, sizeof(s6)) ? errno : 0;
	r[1] = connect(fd, (struct sockaddr *)&s4, sizeof(s4)) ? errno : 0;
	close(fd);
	EXPECT_EQ(kind == STACK_XTCP ? ECONNREFUSED : EAFNOSUPPORT, r[0])
		TH_LOG("sockaddr_in6: %s", errname(r[0]));
	EXPECT_EQ(EAFNOSUPPORT, r[1]) TH_LOG("sin_family AF_INET6: %s", errname(r[1]));
}

/* connect() on a listening socket: EISCONN (Linux), and it keeps listening. */
TEST_F(stack, connect_on_listener)
{
	enum stack kind = variant->stack;
	int lfd, cfd, r;

	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	r = sock_connect_to(lfd, IP_B, PORT + 1);
	EXPECT_EQ(1, sock_getint(lfd, SOL_SOCKET, SO_ACCEPTCONN));
	NS(SIDE_A);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	EXPECT_LE(0, cfd) TH_LOG("%s: listener broken after connect(): %s",
				 stack_name(kind), strerror(errno));
	sock_abort(cfd);
	close(lfd);
	EXPECT_EQ(EISCONN, r) TH_LOG("%s %s", stack_name(kind), errname(r));
}

/* accept() on a socket that is not listening: EINVAL. */
TEST_F(stack, accept_not_listening)
{
	enum stack kind = variant->stack;
	int fd, lfd, cfd, r[3];

	NS(SIDE_A);
	fd = stack_socket(kind);
	ASSERT_LE(0, fd);
	r[0] = accept(fd, NULL, NULL) < 0 ? errno : 0;
	ASSERT_EQ(0, sock_bind(fd, IP_A, 6000));
	r[1] = accept(fd, NULL, NULL) < 0 ? errno : 0;
	close(fd);
	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	ASSERT_LE(0, cfd);
	r[2] = accept(cfd, NULL, NULL) < 0 ? errno : 0;
	sock_abort(cfd);
	close(lfd);
	EXPECT_EQ(EINVAL, r[0]) TH_LOG("fresh socket: %s", errname(r[0]));
	EXPECT_EQ(EINVAL, r[1]) TH_LOG("bound socket: %s", errname(r[1]));
	EXPECT_EQ(EINVAL, r[2]) TH_LOG("connected socket: %s", errname(r[2]));
}

/* Empty accept queue: EAGAIN without blocking, and after SO_RCVTIMEO. */
TEST_F(stack, accept_empty_queue)
{
	enum stack kind = variant->stack;

	NS(SIDE_B);
	struct timeval tv = { 0, 300000 };
	int lfd = sock_listen(kind, IP_B, PORT, 5), r;
	double t0;

	ASSERT_LE(0, lfd);
	sock_nonblock(lfd, 1);
	t0 = now();
	r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
	EXPECT_EQ(EAGAIN, r) TH_LOG("%s non-blocking: %s", stack_name(kind), errname(r));
	EXPECT_GT(0.1, now() - t0);
	sock_nonblock(lfd, 0);
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = now();
	r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
	EXPECT_EQ(EAGAIN, r) TH_LOG("%s SO_RCVTIMEO: %s", stack_name(kind), errname(r));
	EXPECT_LT(0.25, now() - t0);
	close(lfd);
}

/*
 * Non-blocking connect over a slow link (netem 300 ms on A's egress):
 * EINPROGRESS, EALREADY, POLLOUT, then 0 (Linux), then EISCONN.
 */
TEST_F(stack, nonblocking_connect_sequence)
{
	enum stack kind = variant->stack;
	int lfd, fd, afd, r[5];

	NS(SIDE_A);
	ASSERT_EQ(0, netem_delay_loss("va", 300, 0));
	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	fd = sock_connect_nb(kind, IP_B, PORT, &r[0]);
	ASSERT_LE(0, fd);
	r[1] = sock_connect_to(fd, IP_B, PORT);
	r[2] = sock_wait_connected(fd, 3000);
	r[3] = sock_connect_to(fd, IP_B, PORT);
	r[4] = sock_connect_to(fd, IP_B, PORT);
	afd = accept(lfd, NULL, NULL);
	EXPECT_LE(0, afd);
	if (afd >= 0) {
		EXPECT_EQ(0, sock_echo(fd, afd, "x", 3000));
	}
	TH_LOG("%s: %s %s poll:%s %s %s", stack_name(kind), errname(r[0]), errname(r[1]),
	       errname(r[2]), errname(r[3]), errname(r[4]));
	sock_abort(fd);
	sock_abort(afd);
	close(lfd);
	EXPECT_EQ(EINPROGRESS, r[0]);
	EXPECT_EQ(EALREADY, r[1]);
	EXPECT_EQ(0, r[2]);
	EXPECT_EQ(0, r[3]);
	EXPECT_EQ(EISCONN, r[4]);
}

/*
 * Non-blocking connect refused: poll reports POLLOUT|POLLERR|POLLHUP,
 * SO_ERROR is ECONNREFUSED once, the next connect() sees ECONNABORTED.
 */
TEST_F(topo, nonblocking_connect_refused)
{
	int kind, r[2][5];
	short rev[2];

	NS(SIDE_A);
	for_each_stack(kind) {
		struct pollfd p = { .events = POLLIN | POLLOUT };
		socklen_t l = sizeof(int);
		int fd;

		fd = sock_connect_nb(kind, IP_B, PORT + 1, &r[kind][0]);
		ASSERT_LE(0, fd);
		p.fd = fd;
		r[kind][1] = poll(&p, 1, 3000);
		rev[kind] = p.revents;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &r[kind][2], &l);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &r[kind][3], &l);
		r[kind][4] = sock_connect_to(fd, IP_B, PORT + 1);
		TH_LOG("%s: connect %s poll %d revents 0x%x SO_ERROR %s then %s, connect %s",
		       stack_name(kind), errname(r[kind][0]), r[kind][1], rev[kind],
		       errname(r[kind][2]), errname(r[kind][3]), errname(r[kind][4]));
		close(fd);
	}
	EXPECT_EQ(EINPROGRESS, r[STACK_XTCP][0]);
	EXPECT_EQ(1, r[STACK_XTCP][1]);
	EXPECT_EQ(POLLOUT | POLLERR | POLLHUP, rev[STACK_XTCP] & (POLLOUT | POLLERR | POLLHUP));
	EXPECT_EQ(rev[STACK_TCP], rev[STACK_XTCP]);
	EXPECT_EQ(ECONNREFUSED, r[STACK_XTCP][2]);
	EXPECT_EQ(0, r[STACK_XTCP][3]);
	EXPECT_EQ(r[STACK_TCP][4], r[STACK_XTCP][4]);
}

/*
 * SYNs to a silent peer: retransmitted after 1 s, 2 s ... up to TCP_SYNCNT
 * (or net.xtcp.syn_retries), then connect() fails with ETIMEDOUT and
 * AttemptFails counts it.
 */
TEST_F_TIMEOUT(topo, syn_retransmit_timeout, 60)
{
	struct seg *segs = calloc(256, sizeof(*segs));
	int cap, n = 0, kind, fd[2], err[2], syncnt = 2, i, blk_err;
	double t0, done[2] = { 0, 0 }, syn_t[2][8], blk_t;
	int nsyn[2] = { 0, 0 };
	long af;

	ASSERT_NE(NULL, segs);
	NS(SIDE_A);
	/*
	 * Linux >= 6.5 retransmits the first 4 SYNs after 1 s each
	 * (net.ipv4.tcp_syn_linear_timeouts=4); XTCP keeps the classic
	 * 1, 2, 4 s schedule, which is what that sysctl set to 0 gives.
	 */
	err[0] = sysctl_set("net.ipv4.tcp_syn_linear_timeouts", "0");
	ASSERT_TRUE(!err[0] || err[0] == ENOENT);
	ASSERT_EQ(0, nl_neigh_add("va", IP_SILENT, silent_mac));
	cap = cap_open("va");
	ASSERT_LE(0, cap);
	af = counter(STACK_XTCP, "AttemptFails");

	/* part 1: TCP_SYNCNT=2, XTCP and TCP side by side, non-blocking */
	t0 = now();
	for_each_stack(kind) {
		fd[kind] = stack_socket(kind);
		ASSERT_LE(0, fd[kind]);
		ASSERT_EQ(0, setsockopt(fd[kind], SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)));
		sock_nonblock(fd[kind], 1);
		EXPECT_EQ(EINPROGRESS, sock_connect_to(fd[kind], IP_SILENT, 7000 + kind));
	}
	while ((!done[0] || !done[1]) && now() - t0 < 15) {
		for_each_stack(kind) {
			if (!done[kind]) {
				err[kind] = sock_wait_connected(fd[kind], 50);
				if (err[kind] >= 0)
					done[kind] = now() - t0;
			}
		}
	}
	ASSERT_NE(0, done[STACK_XTCP]) TH_LOG("XTCP connect still pending after 15 s");
	ASSERT_NE(0, done[STACK_TCP]) TH_LOG("TCP connect still pending after 15 s");
	cap_read(cap, segs, &n, 256, 0, false);
	for (i = 0; i < n; i++) {
		kind = stack_of_proto(segs[i].proto);
		if ((segs[i].flags & TH_SYN) && segs[i].dport == 7000 + kind && nsyn[kind] < 8)
			syn_t[kind][nsyn[kind]++] = segs[i].t;
	}
	for_each_stack(kind) {
		TH_LOG("%s TCP_SYNCNT=2: %s after %.2f s, %d SYNs, gaps %.2f %.2f", stack_name(kind),
		       errname(err[kind]), done[kind], nsyn[kind],
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
	EXPECT_EQ(af + 1, counter(STACK_XTCP, "AttemptFails"));

	/* part 2: net.xtcp.syn_retries=1, blocking connect */
	ASSERT_EQ(0, sysctl_set("net.xtcp.syn_retries", "1"));
	n = 0;
	nsyn[0] = 0;
	fd[0] = stack_socket(STACK_XTCP);
	ASSERT_LE(0, fd[0]);
	t0 = now();
	blk_err = sock_connect_to(fd[0], IP_SILENT, 7002);
	blk_t = now() - t0;
	cap_read(cap, segs, &n, 256, IPPROTO_XTCP, false);
	for (i = 0; i < n; i++)
		if ((segs[i].flags & TH_SYN) && segs[i].dport == 7002 && nsyn[0] < 8)
			syn_t[0][nsyn[0]++] = segs[i].t;
	TH_LOG("XTCP syn_retries=1: blocking connect %s after %.2f s, %d SYNs",
	       errname(blk_err), blk_t, nsyn[0]);
	EXPECT_EQ(ETIMEDOUT, blk_err);
	EXPECT_EQ(2, nsyn[0]);
	EXPECT_LT(2.5, blk_t);
	EXPECT_GT(4.5, blk_t);
	EXPECT_EQ(af + 2, counter(STACK_XTCP, "AttemptFails"));
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

	NS(SIDE_A);
	err[0] = sysctl_set("net.ipv4.tcp_syn_linear_timeouts", "0");
	ASSERT_TRUE(!err[0] || err[0] == ENOENT);
	ASSERT_EQ(0, nl_neigh_add("va", IP_SILENT, silent_mac));
	/* the netns is the test's: tc (run by system()) acts in it */
	ASSERT_EQ(0, system("tc qdisc add dev va clsact && "
			    "tc filter add dev va egress matchall action drop"));
	t0 = now();
	for_each_stack(kind) {
		fd[kind] = stack_socket(kind);
		ASSERT_LE(0, fd[kind]);
		ASSERT_EQ(0, setsockopt(fd[kind], SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)));
		sock_nonblock(fd[kind], 1);
		EXPECT_EQ(EINPROGRESS, sock_connect_to(fd[kind], IP_SILENT, 7100 + kind));
	}
	while ((!done[0] || !done[1]) && now() - t0 < 15) {
		for_each_stack(kind) {
			if (!done[kind]) {
				err[kind] = sock_wait_connected(fd[kind], 50);
				if (err[kind] >= 0)
					done[kind] = now() - t0;
			}
		}
	}
	for_each_stack(kind) {
		TH_LOG("%s: every SYN dropped at vb's egress: %s after %.2f s", stack_name(kind),
		       done[kind] ? errname(err[kind]) : "still pending", done[kind]);
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
TEST_F(stack, ephemeral_port_range)
{
	static const char *ranges[] = { "40000 40003", "40000 40002" };
	enum stack kind = variant->stack;
	int ri, lfd, got[2], last[2];

	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 16);
	ASSERT_LE(0, lfd);
	for (ri = 0; ri < 2; ri++) {
		int fds[8], ports[8], i, j;

		NS(SIDE_A);
		ASSERT_EQ(0, sysctl_set("net.ipv4.ip_local_port_range", ranges[ri]));
		got[ri] = 0;
		last[ri] = 0;
		for (i = 0; i < 6; i++) {
			fds[i] = stack_socket(kind);
			ASSERT_LE(0, fds[i]);
			last[ri] = sock_connect_to(fds[i], IP_B, PORT);
			if (last[ri])
				break;
			ports[i] = sock_local_port(fds[i]);
			EXPECT_LE(40000, ports[i]);
			EXPECT_GE(ri ? 40002 : 40003, ports[i]);
			for (j = 0; j < i; j++) {
				EXPECT_NE(ports[j], ports[i]);
			}
			got[ri]++;
		}
		TH_LOG("range %s: %s connected %d, then %s", ranges[ri], stack_name(kind),
		       got[ri], errname(last[ri]));
		for (j = 0; j <= i && j < 6; j++)
			sock_abort(fds[j]);
		NS(SIDE_B);
		for (;;) {
			int a;

			sock_nonblock(lfd, 1);
			a = accept(lfd, NULL, NULL);
			if (a < 0)
				break;
			sock_abort(a);
		}
		NS(SIDE_A);
		msleep(100);
	}
	EXPECT_EQ(4, got[0]);
	EXPECT_EQ(EADDRNOTAVAIL, last[0]);
	if (kind == STACK_XTCP) {
		EXPECT_EQ(3, got[1]);
		EXPECT_EQ(EADDRNOTAVAIL, last[1]);
	}
	close(lfd);
}

/* ActiveOpens, PassiveOpens, AttemptFails, CurrEstab move as Linux's do. */
TEST_F(stack, counters)
{
	static const char *names[] = { "ActiveOpens", "PassiveOpens", "AttemptFails", "CurrEstab" };
	enum stack kind = variant->stack;
	long a0[4], b0[4], a1[4], b1[4], a2[4], b2[4];
	int lfd, cfd[3], afd[3], rfd, i;

	for (i = 0; i < 4; i++) {
		NS(SIDE_B);
		a0[i] = counter(kind, names[i]);
		NS(SIDE_A);
		b0[i] = counter(kind, names[i]);
	}
	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	for (i = 0; i < 3; i++) {
		cfd[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, cfd[i]);
		afd[i] = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd[i]);
	}
	rfd = stack_socket(kind);
	EXPECT_EQ(ECONNREFUSED, sock_connect_to(rfd, IP_B, PORT + 1));
	close(rfd);
	msleep(100);
	for (i = 0; i < 4; i++) {
		NS(SIDE_B);
		a1[i] = counter(kind, names[i]);
		NS(SIDE_A);
		b1[i] = counter(kind, names[i]);
	}
	for (i = 0; i < 3; i++) {
		sock_abort(cfd[i]);
		sock_abort(afd[i]);
	}
	close(lfd);
	msleep(200);
	for (i = 0; i < 4; i++) {
		NS(SIDE_B);
		a2[i] = counter(kind, names[i]);
		NS(SIDE_A);
		b2[i] = counter(kind, names[i]);
	}
	TH_LOG("%s client: ActiveOpens +%ld AttemptFails +%ld CurrEstab %ld->%ld->%ld",
	       stack_name(kind), b1[0] - b0[0], b1[2] - b0[2], b0[3], b1[3], b2[3]);
	TH_LOG("%s server: PassiveOpens +%ld CurrEstab %ld->%ld->%ld", stack_name(kind),
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

/*
 * CurrEstab counts CLOSE_WAIT connections too (RFC 1213 tcpCurrEstab;
 * Linux since 6.10): the server whose client shut its side stays counted
 * until it closes. Linux TCP is checked against its running kernel: a 6.1
 * without the change counts 0.
 */
TEST_F(stack, curr_estab_counts_close_wait)
{
	enum stack kind = variant->stack;
	long b0, b1, b2;
	int lfd, cfd, afd, st;
	struct utsname u;
	int maj = 0, min = 0;
	char b[4];

	NS(SIDE_B);
	b0 = counter(kind, "CurrEstab");
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	close(lfd);
	ASSERT_EQ(0, shutdown(cfd, SHUT_WR));
	ASSERT_EQ(EPIPE, sock_read_n(afd, b, 1, 2000));	/* the FIN is in */
	st = proc_state(self->t.ns[SIDE_B], kind, PORT, sock_local_port(cfd), NULL);
	NS(SIDE_B);
	b1 = counter(kind, "CurrEstab");
	close(afd);
	close(cfd);
	msleep(200);
	b2 = counter(kind, "CurrEstab");
	uname(&u);
	sscanf(u.release, "%d.%d", &maj, &min);
	TH_LOG("%s server (state %02X): CurrEstab %ld -> %ld in CLOSE_WAIT -> %ld closed (%s)",
	       stack_name(kind), st, b0, b1, b2, u.release);
	EXPECT_EQ(ST_CLOSE_WAIT, st);
	if (kind == STACK_XTCP || maj > 6 || (maj == 6 && min >= 10))
		EXPECT_EQ(1, b1 - b0);
	EXPECT_EQ(b0, b2);
}

/*
 * An ICMP port unreachable about data in flight on an established
 * connection (Linux's tcp_v4_err()): with IP_RECVERR it is a hard error
 * at once (the next recv() fails with ECONNREFUSED); without, it stays a
 * soft error (recv() just finds no data, EAGAIN; SO_ERROR, which reports
 * a soft error when there is no hard one, says ECONNREFUSED). The
 * connection stays ESTABLISHED either way.
 */
TEST_F(stack, icmp_error_established_recverr)
{
	enum stack kind = variant->stack;
	enum stack stacks[2] = { kind, kind };
	struct conn k[2];
	int cap, raw, i, one = 1, e[2], so[2], st[2];
	char b;

	cap = topo_cap(&self->t, SIDE_A);
	ASSERT_LE(0, cap);
	ASSERT_EQ(0, topo_conns_open(&self->t, cap, stacks, k, 2, 7400));
	close(cap);
	ASSERT_EQ(0, setsockopt(k[0].c, SOL_IP, IP_RECVERR, &one, sizeof(one)));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_A, true));	/* A's data stays in flight */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(4, send(k[i].c, "data", 4, 0));
	NS(SIDE_B);
	raw = raw_open();
	ASSERT_LE(0, raw);
	for (i = 0; i < 2; i++) {
		struct raw_seg q = { .proto = stack_proto(kind), .saddr = inet_addr(IP_A),
				     .daddr = inet_addr(IP_B), .sport = k[i].cport,
				     .dport = k[i].port, .seq = k[i].snd_una,
				     .flags = TH_ACK | TH_PUSH, .len = 4 };

		ASSERT_EQ(0, raw_send_unreach(raw, ICMP_PORT_UNREACH, &q));
	}
	close(raw);
	msleep(200);
	NS(SIDE_A);
	for (i = 0; i < 2; i++) {
		e[i] = recv(k[i].c, &b, 1, MSG_DONTWAIT) < 0 ? errno : 0;
		so[i] = sock_so_error(k[i].c);
		st[i] = proc_state(self->t.ns[SIDE_A], kind, k[i].cport, k[i].port, NULL);
	}
	TH_LOG("%s: recv() with IP_RECVERR %s, without %s; then SO_ERROR %s, %s; states %02X %02X",
	       stack_name(kind), errname(e[0]), errname(e[1]), errname(so[0]), errname(so[1]),
	       st[0], st[1]);
	EXPECT_EQ(ECONNREFUSED, e[0]);
	EXPECT_EQ(EAGAIN, e[1]);
	EXPECT_EQ(ECONNREFUSED, so[1]);
	EXPECT_EQ(ST_ESTABLISHED, st[0]);
	EXPECT_EQ(ST_ESTABLISHED, st[1]);
	topo_cut(&self->t, SIDE_A, false);
	for (i = 0; i < 2; i++) {
		sock_abort(k[i].c);
		sock_abort(k[i].s);
	}
}

/* TCP_DEFER_ACCEPT: no accept() for a silent client; data releases it. */
TEST_F(stack, defer_accept)
{
	enum stack kind = variant->stack;
	int lfd, cfd, afd, defer = 3, r, v;
	double t0, dt;
	char buf[16] = "";

	NS(SIDE_B);
	lfd = stack_socket(kind);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)));
	v = sock_getint(lfd, SOL_TCP, TCP_DEFER_ACCEPT);
	ASSERT_EQ(0, sock_bind(lfd, IP_B, PORT));
	ASSERT_EQ(0, listen(lfd, 5));
	NS(SIDE_A);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	ASSERT_LE(0, cfd) TH_LOG("%s connect: %s", stack_name(kind), strerror(errno));
	EXPECT_FALSE(sock_readable(lfd, 1500)) TH_LOG("%s: listener readable without data",
						   stack_name(kind));
	sock_nonblock(lfd, 1);
	r = accept(lfd, NULL, NULL) < 0 ? errno : 0;
	EXPECT_EQ(EAGAIN, r) TH_LOG("%s: accept without data: %s", stack_name(kind), errname(r));
	ASSERT_EQ(5, write(cfd, "hello", 5));
	t0 = now();
	EXPECT_TRUE(sock_readable(lfd, 2000));
	dt = now() - t0;
	EXPECT_GT(1.0, dt) TH_LOG("%s: accept ready %.2f s after the data", stack_name(kind), dt);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd) TH_LOG("%s accept: %s", stack_name(kind), strerror(errno));
	EXPECT_TRUE(sock_readable(afd, 1000));
	EXPECT_EQ(5, recv(afd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_STREQ("hello", buf);
	sock_abort(cfd);
	sock_abort(afd);
	close(lfd);
	EXPECT_EQ(3, v);
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

	for_each_stack(kind) {
		int lfd, cfd, afd;

		NS(SIDE_B);
		lfd = stack_socket(kind);
		ASSERT_LE(0, lfd);
		for (i = 0; i < NO; i++) {
			ASSERT_EQ(0, setsockopt(lfd, o[i].level, o[i].opt, &o[i].val, sizeof(int)))
				TH_LOG("%s %s: %s", stack_name(kind), o[i].name, strerror(errno));
		}
		ASSERT_EQ(0, sock_bind(lfd, IP_B, PORT));
		ASSERT_EQ(0, listen(lfd, 5));
		NS(SIDE_A);
		cfd = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, cfd);
		afd = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd);
		for (i = 0; i < NO; i++) {
			lv[kind][i] = sock_getint(lfd, o[i].level, o[i].opt);
			cv[kind][i] = sock_getint(afd, o[i].level, o[i].opt);
			EXPECT_EQ(lv[kind][i], cv[kind][i])
				TH_LOG("%s %s: listener %d, accepted %d", stack_name(kind),
				       o[i].name, lv[kind][i], cv[kind][i]);
		}
		sock_abort(cfd);
		sock_abort(afd);
		close(lfd);
	}
	for (i = 0; i < NO; i++) {
		EXPECT_EQ(cv[STACK_TCP][i], cv[STACK_XTCP][i])
			TH_LOG("%s: XTCP child %d, TCP child %d", o[i].name, cv[0][i], cv[1][i]);
	}
}

/* The SYN-ACK's MSS option reflects TCP_MAXSEG set on the listener. */
TEST_F(stack, maxseg_in_synack)
{
	enum stack kind = variant->stack;
	struct seg segs[64];
	int n = 0, cap, i, j, mss[2];

	NS(SIDE_B);
	cap = cap_open("vb");
	ASSERT_LE(0, cap);
	for (j = 0; j < 2; j++) {
		int lfd, cfd, afd, m = 1000;

		NS(SIDE_B);
		lfd = stack_socket(kind);
		ASSERT_LE(0, lfd);
		if (j) {
			ASSERT_EQ(0, setsockopt(lfd, SOL_TCP, TCP_MAXSEG, &m, sizeof(m)));
		}
		ASSERT_EQ(0, sock_bind(lfd, IP_B, PORT + j));
		ASSERT_EQ(0, listen(lfd, 5));
		NS(SIDE_A);
		cfd = sock_connect(kind, 0, IP_B, PORT + j);
		ASSERT_LE(0, cfd);
		afd = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd);
		sock_abort(cfd);
		sock_abort(afd);
		close(lfd);
	}
	msleep(100);
	cap_read(cap, segs, &n, 64, stack_proto(kind), false);
	mss[0] = mss[1] = -1;
	for (i = 0; i < n; i++) {
		if ((segs[i].flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
		    segs[i].sport >= PORT && segs[i].sport <= PORT + 1)
			mss[segs[i].sport - PORT] = segs[i].mss;
	}
	TH_LOG("SYN-ACK MSS: %s %d / %d (TCP_MAXSEG 1000)", stack_name(kind), mss[0], mss[1]);
	EXPECT_EQ(1460, mss[0]);
	EXPECT_EQ(1000, mss[1]);
	close(cap);
}

/*
 * Capture one handshake of @kind on A's veth: its first three segments
 * into @h (SYN, SYN-ACK, ACK). Returns how many segments were seen.
 */
static int capture_handshake(struct topo *t, int kind, struct seg *h)
{
	struct seg segs[64];
	int n = 0, cap, lfd, cfd, afd, i;

	ns_use(t->ns[SIDE_A]);
	cap = cap_open("va");
	ns_use(t->ns[SIDE_B]);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ns_use(t->ns[SIDE_A]);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	afd = accept(lfd, NULL, NULL);
	msleep(100);
	if (cap >= 0)
		cap_read(cap, segs, &n, 64, stack_proto(kind), false);
	sock_abort(cfd);
	sock_abort(afd);
	close(lfd);
	close(cap);
	for (i = 0; i < n && i < 3; i++) {
		h[i] = segs[i];
		seg_print(&segs[i], segs[0].t);
	}
	return n;
}

/*
 * The three segments of a handshake as seen on A's veth: SYN with MSS,
 * SACK_PERM, TS, NOP, WS (Linux's order and values), SYN-ACK acking
 * ISN+1 with the same layout, final ACK acking the server's ISN+1.
 */
TEST_F(topo, handshake_segments)
{
	struct seg h[2][3];
	int kind;

	for_each_stack(kind) {
		struct seg *syn = &h[kind][0], *sa = &h[kind][1], *ack = &h[kind][2];

		ASSERT_LE(3, capture_handshake(&self->t, kind, h[kind])) TH_LOG("%s", stack_name(kind));
		EXPECT_EQ(TH_SYN, syn->flags) TH_LOG("%s", stack_name(kind));
		EXPECT_STREQ("2,4,8,1,3", syn->kinds) TH_LOG("%s SYN options", stack_name(kind));
		EXPECT_EQ(1460, syn->mss);
		EXPECT_EQ(1, syn->sackok);
		EXPECT_EQ(0, syn->tsecr);
		EXPECT_LE(0, syn->ws);
		EXPECT_EQ(TH_SYN | TH_ACK, sa->flags) TH_LOG("%s", stack_name(kind));
		EXPECT_EQ(syn->seq + 1, sa->ack);
		EXPECT_STREQ("2,4,8,1,3", sa->kinds) TH_LOG("%s SYN-ACK options", stack_name(kind));
		EXPECT_EQ(syn->tsval, sa->tsecr);
		EXPECT_EQ(TH_ACK, ack->flags) TH_LOG("%s", stack_name(kind));
		EXPECT_EQ(syn->seq + 1, ack->seq);
		EXPECT_EQ(sa->seq + 1, ack->ack);
		EXPECT_EQ(0, ack->len);
		EXPECT_EQ(sa->tsval, ack->tsecr);
		EXPECT_STREQ("1,1,8", ack->kinds) TH_LOG("%s ACK options", stack_name(kind));
	}
	/* same option values as Linux */
	EXPECT_EQ(h[STACK_TCP][0].ws, h[STACK_XTCP][0].ws);
	EXPECT_EQ(h[STACK_TCP][1].ws, h[STACK_XTCP][1].ws);
	EXPECT_EQ(h[STACK_TCP][1].mss, h[STACK_XTCP][1].mss);
}

/*
 * The windows offered in SYN and SYN-ACK equal Linux's. (Linux rounds the
 * SYN-ACK's window down to a multiple of the MSS less the timestamp
 * option when timestamps are on: 45 * 1448 = 65160 on a 1500-byte MTU.)
 */
TEST_F(topo, handshake_windows)
{
	struct seg h[2][3];
	int kind;

	for_each_stack(kind)
		ASSERT_LE(3, capture_handshake(&self->t, kind, h[kind])) TH_LOG("%s", stack_name(kind));
	TH_LOG("SYN window XTCP %u TCP %u; SYN-ACK window XTCP %u TCP %u",
	       h[0][0].win, h[1][0].win, h[0][1].win, h[1][1].win);
	EXPECT_EQ(h[STACK_TCP][0].win, h[STACK_XTCP][0].win);
	EXPECT_EQ(h[STACK_TCP][1].win, h[STACK_XTCP][1].win);
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
	struct seg segs[64];
	int kind, cnt[2], r[2][2];

	NS(SIDE_B);
	ASSERT_EQ(0, netem_delay_loss("vb", 100, 0));
	NS(SIDE_A);
	ASSERT_EQ(0, netem_delay_loss("va", 100, 0));
	for_each_stack(kind) {
		int fa, fb, cap, n = 0, i, syn = 0, synack = 0;

		NS(SIDE_B);
		cap = cap_open("vb");
		ASSERT_LE(0, cap);
		fa = stack_socket(kind);
		ASSERT_LE(0, fa);
		ASSERT_EQ(0, sock_bind(fa, IP_B, 6000));
		NS(SIDE_A);
		fb = stack_socket(kind);
		ASSERT_LE(0, fb);
		ASSERT_EQ(0, sock_bind(fb, IP_A, 6001));
		sock_nonblock(fa, 1);
		sock_nonblock(fb, 1);
		EXPECT_EQ(EINPROGRESS, sock_connect_to(fa, IP_A, 6001));
		EXPECT_EQ(EINPROGRESS, sock_connect_to(fb, IP_B, 6000));
		r[kind][0] = sock_wait_connected(fa, 3000);
		r[kind][1] = sock_wait_connected(fb, 3000);
		msleep(600);		/* anything else the handshake sends */
		cap_read(cap, segs, &n, 64, stack_proto(kind), false);
		cnt[kind] = n;
		for (i = 0; i < n; i++) {
			seg_print(&segs[i], segs[0].t);
			if (segs[i].flags == TH_SYN)
				syn++;
			if (segs[i].flags == (TH_SYN | TH_ACK))
				synack++;
		}
		TH_LOG("%s: connect %s / %s, %d segments: %d SYN, %d SYN-ACK", stack_name(kind),
		       errname(r[kind][0]), errname(r[kind][1]), n, syn, synack);
		if (kind == STACK_XTCP) {
			EXPECT_EQ(2, syn);
			EXPECT_EQ(2, synack);
		}
		if (!r[kind][0] && !r[kind][1]) {
			EXPECT_EQ(0, sock_echo(fa, fb, "a->b", 2000)) TH_LOG("%s", stack_name(kind));
			EXPECT_EQ(0, sock_echo(fb, fa, "b->a", 2000)) TH_LOG("%s", stack_name(kind));
		}
		sock_abort(fa);
		sock_abort(fb);
		close(cap);
	}
	EXPECT_EQ(0, r[STACK_XTCP][0]);
	EXPECT_EQ(0, r[STACK_XTCP][1]);
	EXPECT_EQ(cnt[STACK_TCP], cnt[STACK_XTCP]);
}

/*
 * SYN-SENT: a RST whose ACK does not acknowledge the SYN is ignored; one
 * acking ISN+1 fails the connect with ECONNREFUSED.
 */
TEST_F(stack, rst_in_syn_sent)
{
	enum stack kind = variant->stack;
	struct raw_seg rst = { .proto = stack_proto(kind),
			       .saddr = inet_addr(IP_SILENT), .daddr = inet_addr(IP_A),
			       .sport = 7000, .flags = TH_RST | TH_ACK };
	struct seg segs[32];
	int cap, fd, n = 0, i, e, r[2], raw;
	uint32_t isn = 0;
	bool found = false;

	NS(SIDE_B);
	raw = raw_open();
	ASSERT_LE(0, raw);
	NS(SIDE_A);
	ASSERT_EQ(0, nl_neigh_add("va", IP_SILENT, silent_mac));
	cap = cap_open("va");
	ASSERT_LE(0, cap);
	fd = sock_connect_nb(kind, IP_SILENT, 7000, &e);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINPROGRESS, e);
	msleep(200);
	cap_read(cap, segs, &n, 32, rst.proto, false);
	for (i = 0; i < n && !found; i++)
		if (segs[i].flags == TH_SYN) {
			isn = segs[i].seq;
			rst.dport = segs[i].sport;
			found = true;
		}
	ASSERT_TRUE(found) TH_LOG("%s: no SYN captured", stack_name(kind));
	rst.ack = isn + 10;
	ASSERT_EQ(0, raw_send(raw, &rst));
	r[0] = sock_wait_connected(fd, 300);
	rst.ack = isn + 1;
	ASSERT_EQ(0, raw_send(raw, &rst));
	r[1] = sock_wait_connected(fd, 1000);
	TH_LOG("%s: RST ack ISN+10 -> %s, RST ack ISN+1 -> %s", stack_name(kind),
	       r[0] < 0 ? "still connecting" : errname(r[0]), errname(r[1]));
	close(fd);
	close(cap);
	close(raw);
	EXPECT_EQ(-1, r[0]);
	EXPECT_EQ(ECONNREFUSED, r[1]);
}

/* The client's rcv_nxt and snd_nxt from its latest segment to the server. */
static bool client_seqs(int cap, struct seg *segs, int proto, uint16_t cport,
			uint32_t *rcv_nxt, uint32_t *snd_nxt, int *n_acks)
{
	int n = 0, i;
	bool found = false;

	cap_read(cap, segs, &n, 64, proto, false);
	*n_acks = 0;
	for (i = 0; i < n; i++) {
		if (segs[i].sport != cport || !(segs[i].flags & TH_ACK))
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
TEST_F(stack, rst_in_established)
{
	struct seg segs[64];
	enum stack kind = variant->stack;
	int proto = stack_proto(kind);
	int raw, lfd, cfd, afd, cap, n_acks = 0;
	uint32_t rcv_nxt = 0, snd_nxt = 0;
	long chal, resets;
	struct raw_seg rst = { .proto = proto, .saddr = inet_addr(IP_B), .daddr = inet_addr(IP_A),
			       .sport = PORT, .flags = TH_RST | TH_ACK };
	char buf[8];
	ssize_t rr;

	NS(SIDE_B);
	raw = raw_open();
	ASSERT_LE(0, raw);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	cap = cap_open("va");
	ASSERT_LE(0, cap);
	cfd = sock_connect(kind, 0, IP_B, PORT);
	ASSERT_LE(0, cfd);
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	rst.dport = sock_local_port(cfd);
	ASSERT_EQ(0, sock_echo(cfd, afd, "hello", 2000));
	ASSERT_EQ(0, sock_echo(afd, cfd, "world", 2000));
	msleep(300);		/* delayed ACKs out */
	ASSERT_TRUE(client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks));
	chal = counter(kind, "TCPChallengeACK");
	resets = counter(kind, "EstabResets");

	rst.seq = rcv_nxt + 1000;
	rst.ack = snd_nxt;
	ASSERT_EQ(0, raw_send(raw, &rst));
	msleep(300);
	n_acks = 0;
	client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks);
	EXPECT_EQ(1, n_acks) TH_LOG("%s: %d bare ACKs after the bad RST", stack_name(kind), n_acks);
	EXPECT_EQ(chal + 1, counter(kind, "TCPChallengeACK")) TH_LOG("%s", stack_name(kind));
	EXPECT_EQ(0, sock_echo(cfd, afd, "again", 2000))
		TH_LOG("%s: dead after bad RST", stack_name(kind));
	EXPECT_EQ(0, sock_echo(afd, cfd, "still", 2000));
	msleep(300);
	client_seqs(cap, segs, proto, rst.dport, &rcv_nxt, &snd_nxt, &n_acks);

	rst.seq = rcv_nxt;
	rst.ack = snd_nxt;
	ASSERT_EQ(0, raw_send(raw, &rst));
	EXPECT_TRUE(sock_readable(cfd, 1000));
	rr = recv(cfd, buf, sizeof(buf), MSG_DONTWAIT);
	EXPECT_EQ(-1, rr);
	EXPECT_EQ(ECONNRESET, errno) TH_LOG("%s: recv after exact RST: %zd %s", stack_name(kind),
					    rr, strerror(errno));
	EXPECT_EQ(resets + 1, counter(kind, "EstabResets")) TH_LOG("%s", stack_name(kind));
	close(cfd);
	sock_abort(afd);
	close(lfd);
	close(cap);
	close(raw);
}

/*
 * The last segment from A's port @cport in @segs with @flags set (any
 * flags if 0); NULL if none.
 */
static const struct seg *last_from(const struct seg *segs, int n, uint16_t cport,
				   uint8_t flags)
{
	const struct seg *r = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (segs[i].sport == cport && (!flags || (segs[i].flags & flags)))
			r = &segs[i];
	return r;
}

/*
 * Linux's ts_recent/fin_tsval.pkt and reset_tsval.pkt: a FIN and a RST
 * sent after a second of silence carry a fresh TSval (the 1 ms clock moved
 * on by the time between the segments on the wire, not the stale value of
 * the last segment) and echo the peer's last TSval. One connection closes
 * with nothing unread (FIN), the other with 1000 bytes unread (RST).
 */
TEST_F(stack, fin_and_rst_carry_fresh_tsval)
{
	static struct seg segs[256];
	enum stack kind = variant->stack;
	int proto = stack_proto(kind);
	int lfd, cfd[2], afd[2], cap, i, n = 0;
	uint16_t cport[2];
	char buf[1000] = "";

	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	cap = cap_open("va");
	ASSERT_LE(0, cap);
	for (i = 0; i < 2; i++) {
		cfd[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, cfd[i]);
		afd[i] = accept(lfd, NULL, NULL);
		ASSERT_LE(0, afd[i]);
		cport[i] = sock_local_port(cfd[i]);
		ASSERT_EQ((ssize_t)sizeof(buf), send(afd[i], buf, sizeof(buf), 0));
	}
	ASSERT_EQ(0, sock_read_n(cfd[0], buf, sizeof(buf), 2000));
	msleep(1200);		/* A's ACKs are out; a second of silence */
	close(cfd[0]);		/* FIN */
	close(cfd[1]);		/* 1000 bytes unread: RST */
	msleep(300);
	cap_read(cap, segs, &n, 256, proto, false);
	close(cap);
	for (i = 0; i < 2; i++) {
		uint8_t fl = i ? TH_RST : TH_FIN;
		const struct seg *end = last_from(segs, n, cport[i], fl);
		const struct seg *prev = NULL, *peer = NULL;
		double skew;
		int j;

		ASSERT_NE(NULL, end) TH_LOG("%s: no %s from port %u", stack_name(kind),
					    seg_flags_str(fl), cport[i]);
		for (j = 0; j < n && &segs[j] != end; j++) {
			if (segs[j].sport == cport[i])
				prev = &segs[j];
			if (segs[j].dport == cport[i])
				peer = &segs[j];
		}
		ASSERT_NE(NULL, prev);
		ASSERT_NE(NULL, peer);
		TH_LOG("%s %s: %.3f s after A's previous segment; TSval +%u, TSecr %u (B's last "
		       "TSval %u)", stack_name(kind), seg_flags_str(end->flags), end->t - prev->t,
		       end->tsval - prev->tsval, end->tsecr, peer->tsval);
		ASSERT_TRUE(end->has_ts);
		EXPECT_LE(1.0, end->t - prev->t);
		/* the TSval clock ticks in ms, as the wire time passed */
		skew = (double)(end->tsval - prev->tsval) - (end->t - prev->t) * 1000.0;
		EXPECT_GE(50.0, skew < 0 ? -skew : skew);
		EXPECT_EQ(peer->tsval, end->tsecr);
	}
	for (i = 0; i < 2; i++)
		close(afd[i]);
	close(lfd);
}

XTCP_HARNESS_MAIN
