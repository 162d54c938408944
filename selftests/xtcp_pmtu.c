// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU discovery (issue 13), over IPv4 and IPv6, XTCP and Linux TCP in
 * the same run: a path whose middle link has IPv6's minimum MTU, 1280,
 * between two 1500-byte links:
 *
 *   A (client)         R1                            R2                B (server)
 *   pa 10.0.1.1 == r1a 10.0.1.254  r1b 10.0.9.1 == r2a 10.0.9.2  r2b 10.0.2.254 == pb 10.0.2.2
 *      fd01::1          fd01::fe       fd09::1  MTU  fd09::2        fd02::fe          fd02::2
 *                                             1280
 *
 * Both ends announce the MSS of their own 1500-byte link; the first
 * full-sized segments die at R1 (A to B) and R2 (B to A), which answer
 * with ICMP "fragmentation needed" (IPv4, DF set) or ICMPv6 "packet too
 * big". Each end must shrink its MSS to fit 1280 and move 2 MiB each way
 * intact.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 6300

struct path {
	int a, r1, r2, b;
};

/* one namespace more, lo up; the caller is left in it */
static int path_ns(int *fd, bool xtcp)
{
	*fd = ns_new();
	if (*fd < 0)
		return errno;
	return xtcp ? ns_defaults() : 0;
}

static int path_addrs(const char *dev, const char *ip4, const char *ip6, int mtu)
{
	int err = nl_addr_add(dev, ip4, 24);

	if (!err && mtu)
		err = nl_mtu_set(dev, mtu);
	if (!err)
		err = nl_addr6_add(dev, ip6, 64);
	return err;
}

static int path_router(void)
{
	int err = sysctl_set("net.ipv4.ip_forward", "1");

	return err ? err : sysctl_set("net.ipv6.conf.all.forwarding", "1");
}

/* the four namespaces, links, addresses, routes; the caller is left in A */
static int path_init(struct path *p)
{
	int err;

	p->a = p->r1 = p->r2 = p->b = -1;
	if ((err = path_ns(&p->b, true)) || (err = path_ns(&p->r2, false)) ||
	    (err = path_router()) || (err = path_ns(&p->r1, false)) ||
	    (err = path_router()) || (err = path_ns(&p->a, true)))
		return err;
	/* A's link to R1 */
	if ((err = nl_veth_add("pa", "r1a", p->r1)) ||
	    (err = path_addrs("pa", "10.0.1.1", "fd01::1", 0)) ||
	    (err = nl_route_add("0.0.0.0", 0, "10.0.1.254", "pa")) ||
	    (err = nl_route6_add("::", 0, "fd01::fe", "pa")))
		return err;
	ns_use(p->r1);
	if ((err = path_addrs("r1a", "10.0.1.254", "fd01::fe", 0)) ||
	    (err = nl_veth_add("r1b", "r2a", p->r2)) ||
	    (err = path_addrs("r1b", "10.0.9.1", "fd09::1", 1280)) ||
	    (err = nl_route_add("10.0.2.0", 24, "10.0.9.2", "r1b")) ||
	    (err = nl_route6_add("fd02::", 64, "fd09::2", "r1b")))
		return err;
	ns_use(p->r2);
	if ((err = path_addrs("r2a", "10.0.9.2", "fd09::2", 1280)) ||
	    (err = nl_veth_add("r2b", "pb", p->b)) ||
	    (err = path_addrs("r2b", "10.0.2.254", "fd02::fe", 0)) ||
	    (err = nl_route_add("10.0.1.0", 24, "10.0.9.1", "r2a")) ||
	    (err = nl_route6_add("fd01::", 64, "fd09::1", "r2a")))
		return err;
	ns_use(p->b);
	if ((err = path_addrs("pb", "10.0.2.2", "fd02::2", 0)) ||
	    (err = nl_route_add("0.0.0.0", 0, "10.0.2.254", "pb")) ||
	    (err = nl_route6_add("::", 0, "fd02::fe", "pb")))
		return err;
	err = nl_wait_running("pb");
	ns_use(p->a);
	return err ? err : nl_wait_running("pa");
}

static void path_fini(struct path *p)
{
	int *fds[] = { &p->a, &p->r1, &p->r2, &p->b };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

FIXTURE(p) {
	struct path n;
};

FIXTURE_VARIANT(p) {
	enum stack stack;
	bool v6;
};

FIXTURE_VARIANT_ADD(p, xtcp4) { .stack = STACK_XTCP, .v6 = false };
FIXTURE_VARIANT_ADD(p, tcp4) { .stack = STACK_TCP, .v6 = false };
FIXTURE_VARIANT_ADD(p, xtcp6) { .stack = STACK_XTCP, .v6 = true };
FIXTURE_VARIANT_ADD(p, tcp6) { .stack = STACK_TCP, .v6 = true };

FIXTURE_SETUP(p)
{
	int err = path_init(&self->n);

	if (err == ENOENT)
		SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?");
	ASSERT_EQ(0, err) TH_LOG("path: %s", strerror(err));
}

FIXTURE_TEARDOWN(p)
{
	path_fini(&self->n);
}

/* B's address of @v6's family, and a socket of @s for it */
static socklen_t path_addr(bool v6, struct sockaddr_storage *ss, unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (v6) {
		*(struct sockaddr_in6 *)ss = sin6_addr_of("fd02::2", port);
		return sizeof(struct sockaddr_in6);
	}
	*(struct sockaddr_in *)ss = sin4("10.0.2.2", port);
	return sizeof(struct sockaddr_in);
}

static int path_socket(enum stack s, bool v6)
{
	return v6 ? stack_socket6(s) : stack_socket(s);
}

TEST_F_TIMEOUT(p, transfer_shrinks_mss, 180)
{
	enum stack s = variant->stack;
	bool v6 = variant->v6;
	/* what fits 1280 bytes: less 40 or 60 bytes of headers, less 12
	 * of timestamps
	 */
	int fit = 1280 - (v6 ? 60 : 40) - 12;
	struct tcp_info_full ci, si;
	struct sockaddr_storage ss;
	struct flow fw, bw;
	socklen_t len;
	int lfd, cfd, sfd, one = 1, err;
	double t0;

	len = path_addr(v6, &ss, PORT);
	ns_use(self->n.b);
	lfd = path_socket(s, v6);
	ASSERT_LE(0, lfd);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&ss, len)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, listen(lfd, 4));
	ns_use(self->n.a);
	cfd = path_socket(s, v6);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&ss, len)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(sock_readable(lfd, 10000));
	ns_use(self->n.b);
	sfd = accept(lfd, NULL, NULL);
	ns_use(self->n.a);
	ASSERT_LE(0, sfd);
	close(lfd);

	t0 = now();
	err = xfer_duplex(cfd, sfd, 2 << 20, 2 << 20, 60, &fw, &bw);
	ASSERT_EQ(0, sock_tcp_info(cfd, &ci));
	ASSERT_EQ(0, sock_tcp_info(sfd, &si));
	TH_LOG("%s over IPv%d: 2 MiB each way in %.2f s; MSS client %u server %u (fits: %d), "
	       "pmtu %u/%u, retransmitted %u/%u", stack_name(s), v6 ? 6 : 4, now() - t0,
	       ci.tcpi_snd_mss, si.tcpi_snd_mss, fit, ci.tcpi_pmtu, si.tcpi_pmtu,
	       ci.tcpi_total_retrans, si.tcpi_total_retrans);
	EXPECT_EQ(0, err) TH_LOG("a->b %s at %llu, b->a %s at %llu", errname(fw.err),
				 (unsigned long long)fw.done, errname(bw.err),
				 (unsigned long long)bw.done);
	EXPECT_LE(ci.tcpi_snd_mss, fit);
	EXPECT_LE(si.tcpi_snd_mss, fit);
	EXPECT_GE(ci.tcpi_snd_mss, fit - 100);
	EXPECT_GE(si.tcpi_snd_mss, fit - 100);
	/* the route's MTU, as tcp_info reports it (Linux: icsk_pmtu_cookie) */
	EXPECT_EQ(1280, ci.tcpi_pmtu);
	EXPECT_EQ(1280, si.tcpi_pmtu);
	close(cfd);
	close(sfd);
}

XTCP_HARNESS_MAIN
