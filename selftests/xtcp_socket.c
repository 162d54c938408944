// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket creation: accepted types/protocols, SO_DOMAIN/SO_TYPE,
 * getsockname()/getpeername() on fresh sockets.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

static void expect_socket_ok(struct __test_metadata *_metadata, int type, int proto)
{
	int fd = socket(AF_XTCP, type, proto);

	ASSERT_LE(0, fd) TH_LOG("socket(AF_XTCP, %#x, %d): %s (is xtcp.ko loaded?)",
				type, proto, strerror(errno));
	close(fd);
}

static void expect_socket_err(struct __test_metadata *_metadata, int type, int proto, int err)
{
	int fd = socket(AF_XTCP, type, proto);
	int e = errno;

	if (fd >= 0)
		close(fd);
	ASSERT_EQ(-1, fd) TH_LOG("socket(AF_XTCP, %d, %d) unexpectedly succeeded", type, proto);
	EXPECT_EQ(err, e) TH_LOG("socket(AF_XTCP, %d, %d): got %s, want %s",
				 type, proto, strerror(e), strerror(err));
}

TEST(stream_proto_0)
{
	expect_socket_ok(_metadata, SOCK_STREAM, 0);
}

TEST(stream_proto_ipproto_tcp)
{
	expect_socket_ok(_metadata, SOCK_STREAM, IPPROTO_TCP);
}

TEST(stream_proto_253)
{
	expect_socket_ok(_metadata, SOCK_STREAM, IPPROTO_XTCP);
}

TEST(stream_nonblock_cloexec)
{
	int fd = socket(AF_XTCP, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/*
 * Documented decision (README "Design decisions"): an XTCP sock is an
 * AF_INET inet_sock whose addresses are sockaddr_in, so SO_DOMAIN reports
 * the address family AF_INET, as an MPTCP socket does; SO_PROTOCOL reports
 * the wire protocol.
 */
TEST(so_domain_is_address_family)
{
	int fd = stack_socket(STACK_XTCP), val = -1;
	socklen_t len = sizeof(val);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &val, &len));
	EXPECT_EQ(AF_INET, val);
	EXPECT_EQ(sizeof(int), len);
	close(fd);
}

TEST(so_protocol_is_wire_protocol)
{
	int fd = stack_socket(STACK_XTCP), val = -1;
	socklen_t len = sizeof(val);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &val, &len));
	EXPECT_EQ(IPPROTO_XTCP, val);
	close(fd);
}

TEST(so_type_is_stream)
{
	int fd = stack_socket(STACK_XTCP), val = -1;
	socklen_t len = sizeof(val);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &val, &len));
	EXPECT_EQ(SOCK_STREAM, val);
	close(fd);
}

TEST(type_dgram_esocktnosupport)
{
	expect_socket_err(_metadata, SOCK_DGRAM, 0, ESOCKTNOSUPPORT);
}

TEST(type_raw_esocktnosupport)
{
	expect_socket_err(_metadata, SOCK_RAW, 0, ESOCKTNOSUPPORT);
}

TEST(type_seqpacket_esocktnosupport)
{
	expect_socket_err(_metadata, SOCK_SEQPACKET, 0, ESOCKTNOSUPPORT);
}

TEST(proto_udp_eprotonosupport)
{
	expect_socket_err(_metadata, SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT);
}

TEST(proto_254_eprotonosupport)
{
	expect_socket_err(_metadata, SOCK_STREAM, 254, EPROTONOSUPPORT);
}

TEST(proto_sctp_eprotonosupport)
{
	expect_socket_err(_metadata, SOCK_STREAM, 132, EPROTONOSUPPORT);
}

TEST(getsockname_unbound_is_any_0)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = stack_socket(STACK_XTCP);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	memset(&sin, 0xa5, sizeof(sin));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len))
		TH_LOG("getsockname: %s", strerror(errno));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	EXPECT_EQ(AF_INET, sin.sin_family);
	EXPECT_EQ(htonl(INADDR_ANY), sin.sin_addr.s_addr);
	EXPECT_EQ(0, sin.sin_port);
	close(fd);
}

TEST(getsockname_bound)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	ASSERT_LE(0, ns_new());
	fd = stack_socket(STACK_XTCP);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, sock_bind(fd, "127.0.0.1", 5001));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	EXPECT_EQ(AF_INET, sin.sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), sin.sin_addr.s_addr);
	EXPECT_EQ(htons(5001), sin.sin_port);
	close(fd);
}

TEST(getpeername_unconnected_enotconn)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = stack_socket(STACK_XTCP), ret, e;

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ret = getpeername(fd, (struct sockaddr *)&sin, &len);
	e = errno;
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOTCONN, e) TH_LOG("getpeername: %s", strerror(e));
	close(fd);
}

XTCP_HARNESS_MAIN
