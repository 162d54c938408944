// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sockets and struct sockaddr_in6: "::" and IPv4-mapped addresses
 * (::ffff:a.b.c.d) work in bind() and connect(), as on a dual-stack IPv6
 * socket talking to IPv4 peers; such a socket, and every socket its
 * listener accepts, reports addresses as sockaddr_in6 (getsockname,
 * getpeername, accept). Native IPv6 addresses make the socket an IPv6 one
 * (xtcp_ipv6.c; the IPv6 scenarios are in xtcp_ipv6.c's test). Each test
 * runs in its own network namespace, lo up.
 */
#include <arpa/inet.h>
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 5100

static struct sockaddr_in6 sin6_of(const char *ip6, unsigned short port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip6, &s.sin6_addr);
	return s;
}

/* "::ffff:127.0.0.1" style text of a sockaddr_in6 */
static const char *txt(const struct sockaddr_in6 *s)
{
	static char b[2][INET6_ADDRSTRLEN + 8];
	static int i;

	i ^= 1;
	inet_ntop(AF_INET6, &s->sin6_addr, b[i], INET6_ADDRSTRLEN);
	return b[i];
}

FIXTURE(m) {
	int l, c, a;
};

FIXTURE_SETUP(m)
{
	self->l = self->c = self->a = -1;
	ASSERT_LE(0, ns_new());
	self->l = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->l) TH_LOG("socket(AF_XTCP): %s (is xtcp.ko loaded?)",
				     strerror(errno));
	self->c = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->c);
}

FIXTURE_TEARDOWN(m)
{
	if (self->a >= 0)
		close(self->a);
	close(self->c);
	close(self->l);
}

/* listener on [::]; a client connects to ::ffff:127.0.0.1; all three
 * sockets report sockaddr_in6 with the mapped addresses; data flows */
TEST_F(m, any_listener_mapped_client)
{
	struct sockaddr_in6 sa = sin6_of("::", PORT), ca = sin6_of("::ffff:127.0.0.1", PORT);
	struct sockaddr_in6 got;
	socklen_t len;
	char buf[8];
	int cport;

	ASSERT_EQ(0, bind(self->l, (struct sockaddr *)&sa, sizeof(sa))) TH_LOG("%s", strerror(errno));
	len = sizeof(got);
	ASSERT_EQ(0, getsockname(self->l, (struct sockaddr *)&got, &len));
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_EQ(htons(PORT), got.sin6_port);
	EXPECT_STREQ("::", txt(&got));
	ASSERT_EQ(0, listen(self->l, 8));

	ASSERT_EQ(0, connect(self->c, (struct sockaddr *)&ca, sizeof(ca))) TH_LOG("%s", strerror(errno));
	len = sizeof(got);
	ASSERT_EQ(0, getpeername(self->c, (struct sockaddr *)&got, &len));
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
	EXPECT_EQ(htons(PORT), got.sin6_port);
	len = sizeof(got);
	ASSERT_EQ(0, getsockname(self->c, (struct sockaddr *)&got, &len));
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
	cport = ntohs(got.sin6_port);
	EXPECT_GT(cport, 0);

	len = sizeof(got);
	memset(&got, 0, sizeof(got));
	self->a = accept(self->l, (struct sockaddr *)&got, &len);
	ASSERT_LE(0, self->a) TH_LOG("accept: %s", strerror(errno));
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
	EXPECT_EQ(cport, ntohs(got.sin6_port));
	len = sizeof(got);
	ASSERT_EQ(0, getsockname(self->a, (struct sockaddr *)&got, &len));
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
	EXPECT_EQ(htons(PORT), got.sin6_port);

	ASSERT_EQ(5, send(self->c, "hello", 5, 0));
	ASSERT_EQ(5, recv(self->a, buf, 5, MSG_WAITALL));
	ASSERT_EQ(2, send(self->a, "ok", 2, 0));
	ASSERT_EQ(2, recv(self->c, buf, 2, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "ok", 2));
}

/* a plain sockaddr_in client reaches the [::] listener; the accepted
 * socket speaks sockaddr_in6 like its listener, the client sockaddr_in */
TEST_F(m, inet_client_to_inet6_listener)
{
	struct sockaddr_in6 sa = sin6_of("::ffff:127.0.0.1", PORT), got;
	struct sockaddr_in ca = sin4("127.0.0.1", PORT), g4;
	socklen_t len = sizeof(got);

	ASSERT_EQ(0, bind(self->l, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->l, 8));
	ASSERT_EQ(0, connect(self->c, (struct sockaddr *)&ca, sizeof(ca)));
	self->a = accept(self->l, (struct sockaddr *)&got, &len);
	ASSERT_LE(0, self->a);
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
	len = sizeof(g4);
	ASSERT_EQ(0, getsockname(self->c, (struct sockaddr *)&g4, &len));
	EXPECT_EQ(sizeof(g4), len);
	EXPECT_EQ(AF_INET, g4.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), g4.sin_addr.s_addr);
}

/* native IPv6 addresses (XTCP over IPv6): as on an AF_INET6 socket, ::1
 * binds, a foreign address is EADDRNOTAVAIL and a link-local one without
 * a scope id EINVAL (the socket stays unbound); the bound socket is
 * AF_INET6; a closed port of ::1 refuses, the listener then accepts */
TEST_F(m, native_ipv6)
{
	struct sockaddr_in6 lo = sin6_of("::1", PORT), far = sin6_of("2001:db8::1", PORT);
	struct sockaddr_in6 ll = sin6_of("fe80::1", PORT), got;
	socklen_t len = sizeof(got);
	int c2;

	errno = 0;
	EXPECT_EQ(-1, bind(self->l, (struct sockaddr *)&far, sizeof(far)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	errno = 0;
	EXPECT_EQ(-1, bind(self->l, (struct sockaddr *)&ll, sizeof(ll)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sock_local_port(self->l));
	ASSERT_EQ(0, bind(self->l, (struct sockaddr *)&lo, sizeof(lo))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, getsockname(self->l, (struct sockaddr *)&got, &len));
	EXPECT_EQ(sizeof(got), len);
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::1", txt(&got));
	EXPECT_EQ(AF_INET6, sock_getint(self->l, SOL_SOCKET, SO_DOMAIN));

	errno = 0;
	EXPECT_EQ(-1, connect(self->c, (struct sockaddr *)&lo, sizeof(lo)));
	EXPECT_EQ(ECONNREFUSED, errno);
	ASSERT_EQ(0, listen(self->l, 8));
	c2 = stack_socket(STACK_XTCP);
	ASSERT_LE(0, c2);
	EXPECT_EQ(0, connect(c2, (struct sockaddr *)&lo, sizeof(lo))) TH_LOG("%s", strerror(errno));
	self->a = accept(self->l, NULL, NULL);
	EXPECT_LE(0, self->a);
	close(c2);
}

/* an AF_INET6 address shorter than SIN6_LEN_RFC2133 (24): EAFNOSUPPORT,
 * what Linux's IPv4 TCP answers; 24 bytes (no scope id) are enough */
TEST_F(m, inet6_lengths)
{
	struct sockaddr_in6 s = sin6_of("::ffff:127.0.0.1", PORT), got;
	socklen_t len = sizeof(got);

	errno = 0;
	EXPECT_EQ(-1, bind(self->l, (struct sockaddr *)&s, 20));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(0, bind(self->l, (struct sockaddr *)&s, 24)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, getsockname(self->l, (struct sockaddr *)&got, &len));
	EXPECT_EQ(AF_INET6, got.sin6_family);
	EXPECT_STREQ("::ffff:127.0.0.1", txt(&got));
}

/* the row in /proc/net/xtcp is an IPv4 row (the wire is IPv4) */
TEST_F(m, proc_row_is_ipv4)
{
	struct sockaddr_in6 sa = sin6_of("::ffff:127.0.0.1", PORT);
	struct proc_row row;

	ASSERT_EQ(0, bind(self->l, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->l, 8));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), row.laddr) TH_LOG("laddr %08x", row.laddr);
	EXPECT_EQ(10, row.state);	/* TCP_LISTEN */
}

XTCP_HARNESS_MAIN
