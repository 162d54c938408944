// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP over IPv6 (issue 13), each scenario over XTCP and over the kernel's
 * TCP (AF_INET6) in the same run, in the two-namespace topology with IPv6
 * addresses (topo_add6(): va fd00::1 in A, vb fd00::2 in B):
 *
 *   handshake: bind, listen, connect, accept; getsockname/getpeername and
 *     SO_DOMAIN of all three sockets; a few bytes each way
 *   data: 4 MiB each way at once over one connection, every byte checked
 *   close: the active closer's row in /proc/net/xtcp6 (tcp6) reaches
 *     TIME_WAIT, the passive one's goes away
 *   refused: connect() to a port nobody listens on: RST, ECONNREFUSED;
 *     an abortive close resets the peer (ECONNRESET)
 *   syncookies: net.*.syncookies=2, the connection made from a cookie
 *   keepalive: a silent peer, probes, ETIMEDOUT
 *   dual stack: one listener on [::] serves an IPv4 client (accepted as
 *     ::ffff:10.0.0.1) and an IPv6 client at once; IPV6_V6ONLY refuses the
 *     IPv4 one
 *   proc: /proc/net/xtcp6 has /proc/net/tcp6's header and rows
 *   wire: a capture decoded by tshark (-d ip.proto==253,tcp, which covers
 *     IPv6's next header too) shows next header 253 and Good checksums
 *     (IPv6 pseudo-header with next header 6)
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 6100

TOPO_FIXTURE(v6)
FIXTURE_VARIANT(v6) {
	enum stack stack;
};
STACK_VARIANTS(v6);

/* FIXTURE_SETUP of TOPO_FIXTURE made the IPv4 topology: add IPv6 */
static int v6_addrs(struct topo *t)
{
	return topo_add6(t);
}

/* An IPv6 listener of @s on [@ip]:@port in B (IPV6_V6ONLY @v6only if >= 0). */
static int listen6(struct topo *t, enum stack s, const char *ip,
		   unsigned short port, int v6only)
{
	struct sockaddr_in6 a = sin6_addr_of(ip, port);
	int fd, one = 1;

	ns_use(t->ns[SIDE_B]);
	fd = stack_socket6(s);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if ((v6only >= 0 && sock_setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only)) ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
			close(fd);
			fd = -1;
		}
	}
	ns_use(t->ns[SIDE_A]);
	return fd;
}

/* A blocking IPv6 client of @s in A to [@ip]:@port; fd or -1 (errno kept). */
static int connect6(enum stack s, const char *ip, unsigned short port)
{
	struct sockaddr_in6 a = sin6_addr_of(ip, port);
	int fd = stack_socket6(s), e;

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int accept_in(struct topo *t, int lfd, struct sockaddr_in6 *peer)
{
	socklen_t len = sizeof(*peer);

	memset(peer, 0, sizeof(*peer));
	if (!sock_readable(lfd, 10000))
		return -1;
	return TOPO_IN(t, SIDE_B, accept(lfd, (struct sockaddr *)peer, &len));
}

/* a connected IPv6 pair: *cfd in A, *sfd in B */
static int pair6(struct topo *t, enum stack s, unsigned short port, int *cfd,
		 int *sfd)
{
	struct sockaddr_in6 peer;
	int lfd = listen6(t, s, IP6_B, port, -1);

	*cfd = *sfd = -1;
	if (lfd < 0)
		return errno;
	*cfd = connect6(s, IP6_B, port);
	if (*cfd >= 0)
		*sfd = accept_in(t, lfd, &peer);
	close(lfd);
	return *cfd < 0 || *sfd < 0 ? (errno ? errno : EIO) : 0;
}

static void expect_name(struct __test_metadata *_metadata, int fd, int peer,
			const char *ip, int port)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
			    getsockname(fd, (struct sockaddr *)&a, &len));
	EXPECT_EQ(sizeof(a), len);
	EXPECT_EQ(AF_INET6, a.sin6_family);
	EXPECT_STREQ(ip, sin6_txt(&a));
	if (port >= 0)
		EXPECT_EQ(port, ntohs(a.sin6_port));
}

TEST_F(v6, handshake_names)
{
	enum stack s = variant->stack;
	struct sockaddr_in6 peer;
	int lfd, cfd, sfd, cport;

	ASSERT_EQ(0, v6_addrs(&self->t));
	lfd = listen6(&self->t, s, IP6_B, PORT, -1);
	ASSERT_LE(0, lfd) TH_LOG("%s listen: %s", stack_name(s), strerror(errno));
	expect_name(_metadata, lfd, 0, IP6_B, PORT);
	EXPECT_EQ(AF_INET6, sock_getint(lfd, SOL_SOCKET, SO_DOMAIN));

	cfd = connect6(s, IP6_B, PORT);
	ASSERT_LE(0, cfd) TH_LOG("%s connect: %s", stack_name(s), strerror(errno));
	expect_name(_metadata, cfd, 1, IP6_B, PORT);
	expect_name(_metadata, cfd, 0, IP6_A, -1);
	cport = sock_local_port(cfd);
	EXPECT_EQ(AF_INET6, sock_getint(cfd, SOL_SOCKET, SO_DOMAIN));

	sfd = accept_in(&self->t, lfd, &peer);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(AF_INET6, peer.sin6_family);
	EXPECT_STREQ(IP6_A, sin6_txt(&peer));
	EXPECT_EQ(cport, ntohs(peer.sin6_port));
	expect_name(_metadata, sfd, 0, IP6_B, PORT);
	expect_name(_metadata, sfd, 1, IP6_A, cport);

	EXPECT_EQ(0, sock_echo(cfd, sfd, "hello", 5000));
	EXPECT_EQ(0, sock_echo(sfd, cfd, "world", 5000));
	close(cfd);
	close(sfd);
	close(lfd);
}

TEST_F_TIMEOUT(v6, data_both_ways, 240)
{
	enum stack s = variant->stack;
	struct flow fw, bw;
	double t0;
	int cfd, sfd, err;

	ASSERT_EQ(0, v6_addrs(&self->t));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 1, &cfd, &sfd));
	t0 = now();
	err = xfer_duplex(cfd, sfd, 4 << 20, 4 << 20, 60, &fw, &bw);
	TH_LOG("%s: 4 MiB each way in %.2f s", stack_name(s), now() - t0);
	EXPECT_EQ(0, err) TH_LOG("a->b %s at %llu, b->a %s at %llu",
				 errname(fw.err), (unsigned long long)fw.done,
				 errname(bw.err), (unsigned long long)bw.done);
	EXPECT_EQ(4 << 20, fw.done);
	EXPECT_EQ(4 << 20, bw.done);
	close(cfd);
	close(sfd);
}

TEST_F(v6, close_reaches_time_wait)
{
	enum stack s = variant->stack;
	struct proc_row6 row;
	char a6[33], b6[33], buf[4];
	int cfd, sfd, cport, n = 0, i;

	ASSERT_EQ(0, v6_addrs(&self->t));
	/* long enough to be seen (the test namespaces have 1 s) */
	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_set_int("net.xtcp.tw_timeout", 10)));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 2, &cfd, &sfd));
	cport = sock_local_port(cfd);
	close(cfd);				/* A closes first */
	EXPECT_EQ(0, read(sfd, buf, sizeof(buf)));	/* B reads the FIN */
	close(sfd);
	for (i = 0; i < 250; i++) {
		n = proc6_rows(s, cport, PORT + 2, ST_TIME_WAIT, &row, 1);
		if (n)
			break;
		msleep(20);
	}
	ASSERT_EQ(1, n) TH_LOG("%s: no TIME_WAIT row for port %d", stack_name(s), cport);
	proc6_addr(IP6_A, a6);
	proc6_addr(IP6_B, b6);
	EXPECT_STREQ(a6, row.laddr);
	EXPECT_STREQ(b6, row.raddr);
	EXPECT_EQ(3, row.timer);
	/* B's side went through LAST_ACK to nothing */
	for (i = 0; i < 250; i++) {
		n = TOPO_IN(&self->t, SIDE_B, proc6_rows(s, PORT + 2, cport, 0, NULL, 0));
		if (!n)
			break;
		msleep(20);
	}
	EXPECT_EQ(0, n);
}

TEST_F(v6, closed_port_refused)
{
	enum stack s = variant->stack;
	long rst0 = TOPO_IN(&self->t, SIDE_B, counter(s, "OutRsts"));
	int fd;

	ASSERT_EQ(0, v6_addrs(&self->t));
	fd = connect6(s, IP6_B, PORT + 3);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ECONNREFUSED, errno) TH_LOG("%s: %s", stack_name(s), strerror(errno));
	EXPECT_LT(rst0, TOPO_IN(&self->t, SIDE_B, counter(s, "OutRsts")));
	if (fd >= 0)
		close(fd);
}

/* SO_LINGER {1, 0} on one end: the other's recv() fails with ECONNRESET */
TEST_F(v6, rst_resets_peer)
{
	enum stack s = variant->stack;
	char buf[8];
	int cfd, sfd, err;

	ASSERT_EQ(0, v6_addrs(&self->t));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 10, &cfd, &sfd));
	sock_abort(sfd);
	ASSERT_TRUE(sock_readable(cfd, 5000));
	err = recv(cfd, buf, sizeof(buf), 0) < 0 ? errno : 0;
	EXPECT_EQ(ECONNRESET, err) TH_LOG("%s: %s", stack_name(s), errname(err));
	close(cfd);
}

/* net.*.syncookies=2: every SYN over IPv6 gets a cookie SYN-ACK, and the
 * connection is rebuilt from the returning ACK (SipHash of the IPv6
 * 4-tuple) */
TEST_F(v6, syncookies_always)
{
	enum stack s = variant->stack;
	long sent0, recv0;
	int cfd, sfd;

	ASSERT_EQ(0, v6_addrs(&self->t));
	ASSERT_EQ(0, topo_sysctl(&self->t, "syncookies", "tcp_syncookies", 2));
	sent0 = TOPO_IN(&self->t, SIDE_B, counter(s, "SyncookiesSent"));
	recv0 = TOPO_IN(&self->t, SIDE_B, counter(s, "SyncookiesRecv"));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 11, &cfd, &sfd));
	EXPECT_EQ(0, sock_echo(cfd, sfd, "cookie", 5000));
	EXPECT_EQ(0, sock_echo(sfd, cfd, "eikooc", 5000));
	EXPECT_LT(sent0, TOPO_IN(&self->t, SIDE_B, counter(s, "SyncookiesSent")));
	EXPECT_LT(recv0, TOPO_IN(&self->t, SIDE_B, counter(s, "SyncookiesRecv")));
	close(cfd);
	close(sfd);
}

/* keepalive over IPv6: the peer goes silent (its sends are lost), two
 * probes 1 s apart go unanswered and the connection dies with ETIMEDOUT */
TEST_F_TIMEOUT(v6, keepalive_dead_peer, 60)
{
	enum stack s = variant->stack;
	long ka0;
	double t0;
	int cfd, sfd, err = 0;

	ASSERT_EQ(0, v6_addrs(&self->t));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 12, &cfd, &sfd));
	ASSERT_EQ(0, sock_setint(cfd, SOL_SOCKET, SO_KEEPALIVE, 1));
	ASSERT_EQ(0, sock_setint(cfd, IPPROTO_TCP, TCP_KEEPIDLE, 1));
	ASSERT_EQ(0, sock_setint(cfd, IPPROTO_TCP, TCP_KEEPINTVL, 1));
	ASSERT_EQ(0, sock_setint(cfd, IPPROTO_TCP, TCP_KEEPCNT, 2));
	ka0 = counter(s, "TCPKeepAlive");
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	t0 = now();
	while (now() - t0 < 30 && !(sock_poll(cfd, POLLIN, 200) & (POLLERR | POLLHUP)))
		;
	err = sock_so_error(cfd);
	TH_LOG("%s: %s after %.1f s, %ld probes", stack_name(s), errname(err),
	       now() - t0, counter(s, "TCPKeepAlive") - ka0);
	EXPECT_EQ(ETIMEDOUT, err);
	EXPECT_LE(ka0 + 2, counter(s, "TCPKeepAlive"));
	EXPECT_EQ(0, topo_cut(&self->t, SIDE_B, false));
	close(cfd);
	sock_abort(sfd);
}

/* An IPv4 client of @s in A to @ip:@port, non-blocking; fd or -1. */
static int connect4_nb(enum stack s, const char *ip, unsigned short port)
{
	int err, fd = sock_connect_nb(s, ip, port, &err);

	return fd >= 0 && err && err != EINPROGRESS ? (close(fd), -1) : fd;
}

TEST_F(v6, dual_stack_listener)
{
	enum stack s = variant->stack;
	struct sockaddr_in6 a6 = sin6_addr_of(IP6_B, PORT + 4), p[2];
	int lfd, c4, c6, acc[2], i, got4 = -1, got6 = -1, err;

	ASSERT_EQ(0, v6_addrs(&self->t));
	lfd = listen6(&self->t, s, "::", PORT + 4, 0);
	ASSERT_LE(0, lfd) TH_LOG("%s: %s", stack_name(s), strerror(errno));
	EXPECT_EQ(0, sock_getint(lfd, IPPROTO_IPV6, IPV6_V6ONLY));
	expect_name(_metadata, lfd, 0, "::", PORT + 4);

	/* both clients at once: neither is accepted before both connect */
	c4 = connect4_nb(s, IP_B, PORT + 4);
	ASSERT_LE(0, c4);
	c6 = stack_socket6(s);
	ASSERT_LE(0, c6);
	sock_nonblock(c6, 1);
	err = connect(c6, (struct sockaddr *)&a6, sizeof(a6)) ? errno : 0;
	EXPECT_TRUE(!err || err == EINPROGRESS) TH_LOG("%s", strerror(err));
	EXPECT_EQ(0, sock_wait_connected(c4, 10000));
	EXPECT_EQ(0, sock_wait_connected(c6, 10000));
	sock_nonblock(c4, 0);
	sock_nonblock(c6, 0);

	for (i = 0; i < 2; i++) {
		acc[i] = accept_in(&self->t, lfd, &p[i]);
		ASSERT_LE(0, acc[i]);
		EXPECT_EQ(AF_INET6, p[i].sin6_family);
		if (!strcmp(sin6_txt(&p[i]), "::ffff:10.0.0.1"))
			got4 = i;
		else if (!strcmp(sin6_txt(&p[i]), IP6_A))
			got6 = i;
		else
			TH_LOG("unexpected peer %s", sin6_txt(&p[i]));
	}
	ASSERT_LE(0, got4);
	ASSERT_LE(0, got6);
	expect_name(_metadata, acc[got4], 0, "::ffff:10.0.0.2", PORT + 4);
	expect_name(_metadata, acc[got6], 0, IP6_B, PORT + 4);
	EXPECT_EQ(0, sock_echo(c4, acc[got4], "four", 5000));
	EXPECT_EQ(0, sock_echo(acc[got4], c4, "v4ok", 5000));
	EXPECT_EQ(0, sock_echo(c6, acc[got6], "six", 5000));
	EXPECT_EQ(0, sock_echo(acc[got6], c6, "v6ok", 5000));
	for (i = 0; i < 2; i++)
		close(acc[i]);
	close(c4);
	close(c6);
	close(lfd);
}

TEST_F(v6, v6only_listener_refuses_ipv4)
{
	enum stack s = variant->stack;
	int lfd, c4, c6, err;

	ASSERT_EQ(0, v6_addrs(&self->t));
	lfd = listen6(&self->t, s, "::", PORT + 5, 1);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(1, sock_getint(lfd, IPPROTO_IPV6, IPV6_V6ONLY));
	c4 = sock_connect(s, 0, IP_B, PORT + 5);
	err = c4 < 0 ? errno : 0;
	EXPECT_EQ(ECONNREFUSED, err) TH_LOG("%s: IPv4 client %s", stack_name(s),
					    errname(err));
	c6 = connect6(s, IP6_B, PORT + 5);
	EXPECT_LE(0, c6) TH_LOG("%s: IPv6 client %s", stack_name(s), strerror(errno));
	if (c4 >= 0)
		close(c4);
	if (c6 >= 0)
		close(c6);
	close(lfd);
}

/* /proc/net/xtcp6 as /proc/net/tcp6: the same header, rows that parse the
 * same way, the same address text; XTCP's IPv6 rows are not in xtcp */
TEST_F(v6, proc_xtcp6_format)
{
	char want[33], hx[256], ht[256];
	struct proc_row6 rx, rt;
	struct proc_row r4;
	int lx, lt, cfd, sfd;
	FILE *f;

	if (variant->stack != STACK_XTCP)
		SKIP(return, "compares XTCP with TCP in one run");
	ASSERT_EQ(0, v6_addrs(&self->t));
	lx = listen6(&self->t, STACK_XTCP, IP6_B, PORT + 6, -1);
	lt = listen6(&self->t, STACK_TCP, IP6_B, PORT + 7, -1);
	ASSERT_LE(0, lx);
	ASSERT_LE(0, lt);
	ns_use(self->t.ns[SIDE_B]);
	f = fopen("/proc/thread-self/net/xtcp6", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(hx, sizeof(hx), f));
	fclose(f);
	f = fopen("/proc/thread-self/net/tcp6", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(ht, sizeof(ht), f));
	fclose(f);
	EXPECT_STREQ(ht, hx);
	ASSERT_EQ(1, proc6_rows(STACK_XTCP, PORT + 6, 0, ST_LISTEN, &rx, 1));
	ASSERT_EQ(1, proc6_rows(STACK_TCP, PORT + 7, 0, ST_LISTEN, &rt, 1));
	proc6_addr(IP6_B, want);
	EXPECT_STREQ(want, rx.laddr);
	EXPECT_STREQ(rt.laddr, rx.laddr);
	EXPECT_STREQ(rt.raddr, rx.raddr);
	EXPECT_EQ(sock_inode(lx), rx.inode);
	EXPECT_EQ(0, proc_rows(STACK_XTCP, PORT + 6, 0, 0, &r4, 1));
	ns_use(self->t.ns[SIDE_A]);

	/* an established pair: both ends' rows */
	ASSERT_EQ(0, pair6(&self->t, STACK_XTCP, PORT + 8, &cfd, &sfd));
	EXPECT_EQ(1, proc6_rows(STACK_XTCP, 0, PORT + 8, ST_ESTABLISHED, &rx, 1));
	proc6_addr(IP6_A, want);
	EXPECT_STREQ(want, rx.laddr);
	EXPECT_EQ(1, TOPO_IN(&self->t, SIDE_B,
			     proc6_rows(STACK_XTCP, PORT + 8, 0, ST_ESTABLISHED, &rx, 1)));
	close(cfd);
	close(sfd);
	close(lx);
	close(lt);
}

/* tx checksum offload off on both ends (veth would pass partial sums):
 * every segment of the stack over IPv6 is decoded as TCP with a Good
 * checksum; XTCP's next header is 253 */
TEST_F_TIMEOUT(v6, wire_checksums_valid, 120)
{
	enum stack s = variant->stack;
	struct tshark_csum cs = { 0 };
	struct flow fw, bw;
	struct pcap cap;
	char pcap[64], filter[64];
	int cfd, sfd, n;

	ASSERT_EQ(0, v6_addrs(&self->t));
	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, nl_tx_csum("va", false)));
	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_B, nl_tx_csum("vb", false)));
	snprintf(pcap, sizeof(pcap), "/tmp/v6_csum.%d.%d.pcap", getpid(), s);
	ASSERT_EQ(0, pcap_start(&cap, self->t.ns[SIDE_A], "va", pcap, 0));
	ASSERT_EQ(0, pair6(&self->t, s, PORT + 9, &cfd, &sfd));
	EXPECT_EQ(0, xfer_duplex_x(cfd, sfd, 128 << 10, 128 << 10, 20, true, &fw, &bw));
	msleep(100);
	pcap_stop(&cap);
	snprintf(filter, sizeof(filter), "ipv6.nxt == %d", stack_proto(s));
	n = tshark_run(pcap, filter, "tcp.checksum.status,tcp.len", tshark_csum_cb, &cs);
	unlink(pcap);
	ASSERT_GT(n, 0) TH_LOG("tshark failed or saw nothing");
	TH_LOG("%s over IPv6: %d segments (%d with data): checksum Good %d, Bad %d, other %d",
	       stack_name(s), cs.segs, cs.data, cs.good, cs.bad, cs.other);
	EXPECT_GT(cs.data, 100);
	EXPECT_EQ(cs.segs, cs.good);
	EXPECT_EQ(0, cs.bad);
	close(cfd);
	close(sfd);
}

#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND	33	/* linux/in6.h, which glibc's headers leave out */
#endif

/* tshark_cb: count the segments (fields "ipv6.flow") whose flow label is @ctx[2] */
static void flow_cb(void *ctx, char **f, int nf)
{
	long *c = ctx;

	if (nf < 1)
		return;
	c[0]++;
	if (strtol(f[0], NULL, 16) == c[2])
		c[1]++;
}

/*
 * IPV6_FLOWINFO_SEND and a label in sin6_flowinfo at connect(): every
 * segment the client sends carries it, SYN included (tcp_v6_connect());
 * the option reads back as set
 */
TEST_F_TIMEOUT(v6, flow_label_from_sin6_flowinfo, 60)
{
	enum stack s = variant->stack;
	struct sockaddr_in6 a = sin6_addr_of(IP6_B, PORT + 13), peer;
	long c[3] = { 0, 0, 0x12345 };
	char pcap[64], filter[96], buf[4096];
	int lfd, cfd, sfd, n, got = 0;
	struct pcap cap;

	ASSERT_EQ(0, v6_addrs(&self->t));
	lfd = listen6(&self->t, s, IP6_B, PORT + 13, -1);
	ASSERT_LE(0, lfd);
	snprintf(pcap, sizeof(pcap), "/tmp/v6_flow.%d.%d.pcap", getpid(), s);
	ASSERT_EQ(0, pcap_start(&cap, self->t.ns[SIDE_A], "va", pcap, 0));
	cfd = stack_socket6(s);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, sock_setint(cfd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1));
	EXPECT_EQ(1, sock_getint(cfd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND));
	a.sin6_flowinfo = htonl(c[2]);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&a, sizeof(a))) TH_LOG("%s", strerror(errno));
	sfd = accept_in(&self->t, lfd, &peer);
	ASSERT_LE(0, sfd);
	memset(buf, 'f', sizeof(buf));
	for (n = 0; n < 4; n++)
		ASSERT_EQ((ssize_t)sizeof(buf), send(cfd, buf, sizeof(buf), 0));
	while (got < 4 * (int)sizeof(buf) && sock_readable(sfd, 5000) &&
	       (n = recv(sfd, buf, sizeof(buf), 0)) > 0)
		got += n;
	EXPECT_EQ(4 * (int)sizeof(buf), got);
	msleep(100);
	pcap_stop(&cap);
	snprintf(filter, sizeof(filter), "ipv6.src == %s && ipv6.nxt == %d", IP6_A,
		 stack_proto(s));
	n = tshark_run(pcap, filter, "ipv6.flow", flow_cb, c);
	unlink(pcap);
	ASSERT_GT(n, 0) TH_LOG("tshark failed or saw nothing");
	TH_LOG("%s: %ld of the client's %ld segments carry flow label 0x%lx", stack_name(s), c[1],
	       c[0], c[2]);
	EXPECT_GE(c[0], 3);
	EXPECT_EQ(c[0], c[1]);
	close(cfd);
	close(sfd);
	close(lfd);
}

XTCP_HARNESS_MAIN
