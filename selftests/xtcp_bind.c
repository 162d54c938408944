// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP bind(): errno for each bad call, SO_REUSEADDR/SO_REUSEPORT rules
 * (as Linux TCP), privileged ports, ephemeral ports, independence from TCP.
 * Every test runs in its own network namespace (lo up) so settings and
 * ports never leak.
 */
#include <sys/un.h>
#include <sys/wait.h>
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 5000

FIXTURE(ns) {
	int fd[12];
};

FIXTURE_SETUP(ns)
{
	int i;

	for (i = 0; i < 12; i++)
		self->fd[i] = -1;
	ASSERT_LE(0, ns_new());
	self->fd[0] = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->fd[0]) TH_LOG("socket(AF_XTCP): %s (is xtcp.ko loaded?)",
					 strerror(errno));
	self->fd[1] = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->fd[1]);
}

FIXTURE_TEARDOWN(ns)
{
	int i;

	for (i = 0; i < 12; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
}

/* bind(fd, &sin, len); returns 0 or errno */
static int bind_raw(int fd, const void *addr, socklen_t len)
{
	return bind(fd, addr, len) ? errno : 0;
}

TEST_F(ns, addrlen_short_einval)
{
	struct sockaddr_in sin = sin4("127.0.0.1", PORT);

	EXPECT_EQ(EINVAL, bind_raw(self->fd[0], &sin, sizeof(sin) - 1));
	EXPECT_EQ(EINVAL, bind_raw(self->fd[0], &sin, sizeof(sa_family_t)));
	/* the socket is still unbound and usable */
	EXPECT_EQ(0, sock_local_port(self->fd[0]));
	EXPECT_EQ(0, bind_raw(self->fd[0], &sin, sizeof(sin)));
}

/* a sockaddr_in-sized buffer claiming AF_INET6 is too short for one
 * (EAFNOSUPPORT, as Linux's IPv4 TCP); a whole sockaddr_in6 with ::1 binds
 * (XTCP over IPv6) */
TEST_F(ns, family_inet6)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct sockaddr_in sin = sin4("127.0.0.1", PORT);

	sin.sin_family = AF_INET6;
	EXPECT_EQ(EAFNOSUPPORT, bind_raw(self->fd[0], &sin, sizeof(sin)));
	sin6.sin6_addr = in6addr_loopback;
	EXPECT_EQ(0, bind_raw(self->fd[0], &sin6, sizeof(sin6)));
}

TEST_F(ns, family_unix_eafnosupport)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "xtcp-test" };
	struct sockaddr_in sin = sin4("127.0.0.1", PORT);

	EXPECT_EQ(EAFNOSUPPORT, bind_raw(self->fd[0], &sun, sizeof(sun)));
	sin.sin_family = AF_UNIX;
	EXPECT_EQ(EAFNOSUPPORT, bind_raw(self->fd[0], &sin, sizeof(sin)));
}

TEST_F(ns, family_unspec_any_accepted)
{
	struct sockaddr_in sin = sin4("0.0.0.0", PORT), got;
	socklen_t len = sizeof(got);

	sin.sin_family = AF_UNSPEC;
	ASSERT_EQ(0, bind_raw(self->fd[0], &sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(self->fd[0], (struct sockaddr *)&got, &len));
	EXPECT_EQ(AF_INET, got.sin_family);
	EXPECT_EQ(htons(PORT), got.sin_port);
	EXPECT_EQ(htonl(INADDR_ANY), got.sin_addr.s_addr);
}

TEST_F(ns, family_unspec_nonany_eafnosupport)
{
	struct sockaddr_in sin = sin4("127.0.0.1", PORT);

	sin.sin_family = AF_UNSPEC;
	EXPECT_EQ(EAFNOSUPPORT, bind_raw(self->fd[0], &sin, sizeof(sin)));
}

TEST_F(ns, rebind_einval)
{
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(EINVAL, sock_bind(self->fd[0], "127.0.0.1", PORT + 1));
	EXPECT_EQ(EINVAL, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(PORT, sock_local_port(self->fd[0]));
}

TEST_F(ns, nonlocal_addr_eaddrnotavail)
{
	EXPECT_EQ(EADDRNOTAVAIL, sock_bind(self->fd[0], "192.0.2.1", PORT));
	/* still unbound: a good bind works afterwards */
	EXPECT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
}

TEST_F(ns, port_in_use_eaddrinuse)
{
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[1], "127.0.0.1", PORT));
	/* still unbound: another port works */
	EXPECT_EQ(0, sock_bind(self->fd[1], "127.0.0.1", PORT + 1));
}

TEST_F(ns, reuseaddr_both_unlistened_ok)
{
	ASSERT_EQ(0, sock_setint(self->fd[0], SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, sock_setint(self->fd[1], SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(0, sock_bind(self->fd[1], "127.0.0.1", PORT));
}

TEST_F(ns, reuseaddr_one_side_eaddrinuse)
{
	ASSERT_EQ(0, sock_setint(self->fd[0], SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[1], "127.0.0.1", PORT));
}

TEST_F(ns, reuseaddr_vs_listener_eaddrinuse)
{
	ASSERT_EQ(0, sock_setint(self->fd[0], SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, sock_setint(self->fd[1], SOL_SOCKET, SO_REUSEADDR, 1));
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd[0], 5)) TH_LOG("listen: %s", strerror(errno));
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[1], "127.0.0.1", PORT));
}

TEST_F(ns, wildcard_then_specific_eaddrinuse)
{
	ASSERT_EQ(0, sock_bind(self->fd[0], "0.0.0.0", PORT));
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[1], "127.0.0.1", PORT));
}

TEST_F(ns, specific_then_wildcard_eaddrinuse)
{
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[1], "0.0.0.0", PORT));
}

TEST_F(ns, reuseport_both_bind_and_listen)
{
	ASSERT_EQ(0, sock_setint(self->fd[0], SOL_SOCKET, SO_REUSEPORT, 1));
	ASSERT_EQ(0, sock_setint(self->fd[1], SOL_SOCKET, SO_REUSEPORT, 1));
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	ASSERT_EQ(0, sock_bind(self->fd[1], "127.0.0.1", PORT));
	EXPECT_EQ(0, listen(self->fd[0], 5)) TH_LOG("listen 1: %s", strerror(errno));
	EXPECT_EQ(0, listen(self->fd[1], 5)) TH_LOG("listen 2: %s", strerror(errno));
}

/*
 * In a child that drops root (setresuid to nobody, which clears the
 * capability sets), create an XTCP socket and bind it to @port.
 * Returns the bind errno (0 on success), or 1000+ on setup errors.
 */
static int unprivileged_bind(unsigned short port)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return 1000;
	if (pid == 0) {
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(201);
		fd = stack_socket(STACK_XTCP);
		if (fd < 0)
			_exit(202);
		_exit(sock_bind(fd, "127.0.0.1", port));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1001;
	return WEXITSTATUS(status) > 200 ? 1000 + WEXITSTATUS(status) : WEXITSTATUS(status);
}

TEST_F(ns, low_port_unprivileged_eacces)
{
	EXPECT_EQ(EACCES, unprivileged_bind(80));
}

TEST_F(ns, low_port_root_ok)
{
	EXPECT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", 80));
}

TEST_F(ns, low_port_unprivileged_start_lowered_ok)
{
	ASSERT_EQ(0, xtcp_write_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", "80\n"));
	EXPECT_EQ(0, unprivileged_bind(80));
	EXPECT_EQ(EACCES, unprivileged_bind(79));
}

static void set_range(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, xtcp_write_file("/proc/sys/net/ipv4/ip_local_port_range", "40000 40009\n"));
}

TEST_F(ns, port0_ephemeral_in_range)
{
	int port;

	set_range(_metadata);
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", 0));
	port = sock_local_port(self->fd[0]);
	EXPECT_LE(40000, port);
	EXPECT_GE(40009, port);
}

TEST_F(ns, port0_range_exhausted_eaddrinuse)
{
	int i, port, seen[10] = { 0 };

	set_range(_metadata);
	for (i = 0; i < 10; i++) {
		if (i >= 2)
			self->fd[i] = stack_socket(STACK_XTCP);
		ASSERT_LE(0, self->fd[i]);
		ASSERT_EQ(0, sock_bind(self->fd[i], "0.0.0.0", 0)) TH_LOG("bind #%d", i + 1);
		port = sock_local_port(self->fd[i]);
		ASSERT_LE(40000, port);
		ASSERT_GE(40009, port);
		EXPECT_EQ(0, seen[port - 40000]) TH_LOG("port %d given twice", port);
		seen[port - 40000] = 1;
	}
	self->fd[10] = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->fd[10]);
	EXPECT_EQ(EADDRINUSE, sock_bind(self->fd[10], "0.0.0.0", 0));
}

TEST_F(ns, tcp_port_does_not_block_xtcp)
{
	int tcp = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, tcp);
	ASSERT_EQ(0, sock_bind(tcp, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(tcp, 5));
	EXPECT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	EXPECT_EQ(0, sock_bind(self->fd[1], "0.0.0.0", PORT + 1));
	close(tcp);
}

TEST_F(ns, xtcp_port_does_not_block_tcp)
{
	int tcp = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, tcp);
	ASSERT_EQ(0, sock_bind(self->fd[0], "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd[0], 5));
	EXPECT_EQ(0, sock_bind(tcp, "127.0.0.1", PORT));
	close(tcp);
}

XTCP_HARNESS_MAIN
