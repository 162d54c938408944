// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP listen(): autobind, SO_ACCEPTCONN, the LISTEN row of /proc/net/xtcp
 * (state, backlog capped by net.core.somaxconn, inode), re-listen, close.
 * Every test runs in its own network namespace (lo up).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 6000

FIXTURE(ns) {
	int fd;
};

FIXTURE_SETUP(ns)
{
	self->fd = -1;
	ASSERT_LE(0, ns_new());
	self->fd = stack_socket(STACK_XTCP);
	ASSERT_LE(0, self->fd) TH_LOG("socket(AF_XTCP): %s (is xtcp.ko loaded?)",
				      strerror(errno));
}

FIXTURE_TEARDOWN(ns)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int acceptconn(int fd)
{
	int val = -1;
	socklen_t len = sizeof(val);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len))
		return -errno;
	return val;
}

TEST_F(ns, unbound_listen_autobinds_ephemeral)
{
	int port;

	ASSERT_EQ(0, xtcp_write_file("/proc/sys/net/ipv4/ip_local_port_range", "41000 41009\n"));
	ASSERT_EQ(0, listen(self->fd, 5)) TH_LOG("listen: %s", strerror(errno));
	port = sock_local_port(self->fd);
	EXPECT_LE(41000, port);
	EXPECT_GE(41009, port);
}

TEST_F(ns, so_acceptconn)
{
	EXPECT_EQ(0, acceptconn(self->fd));
	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	EXPECT_EQ(0, acceptconn(self->fd));
	ASSERT_EQ(0, listen(self->fd, 5)) TH_LOG("listen: %s", strerror(errno));
	EXPECT_EQ(1, acceptconn(self->fd));
}

TEST_F(ns, bound_unlistened_not_in_proc)
{
	struct proc_row row;

	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	EXPECT_EQ(0, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
}

TEST_F(ns, proc_listen_row)
{
	struct proc_row row;

	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5)) TH_LOG("listen: %s", strerror(errno));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), row.laddr);
	EXPECT_EQ(0, row.raddr);
	EXPECT_EQ(0, row.rport);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(5, row.txq);
	EXPECT_EQ(0, row.rxq);
	EXPECT_EQ(0, row.timer);
	EXPECT_EQ(0, row.uid);
	EXPECT_EQ(sock_inode(self->fd), row.inode);
}

TEST_F(ns, proc_listen_row_wildcard)
{
	struct proc_row row;

	ASSERT_EQ(0, sock_bind(self->fd, "0.0.0.0", PORT));
	ASSERT_EQ(0, listen(self->fd, 7));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(0, row.laddr);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(7, row.txq);
}

TEST_F(ns, backlog_capped_by_somaxconn)
{
	struct proc_row row;
	long somaxconn;

	ASSERT_EQ(0, xtcp_read_long("/proc/sys/net/core/somaxconn", &somaxconn));
	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 100000));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(somaxconn, row.txq);
}

TEST_F(ns, backlog_capped_by_netns_somaxconn)
{
	struct proc_row row;

	ASSERT_EQ(0, xtcp_write_file("/proc/sys/net/core/somaxconn", "200\n"));
	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 100000));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(200, row.txq);
}

TEST_F(ns, relisten_changes_backlog)
{
	struct proc_row row;

	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(5, row.txq);
	ASSERT_EQ(0, listen(self->fd, 17)) TH_LOG("second listen: %s", strerror(errno));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(17, row.txq);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(1, acceptconn(self->fd));
}

TEST_F(ns, close_removes_row_and_frees_port)
{
	struct proc_row row;
	int fd2;

	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	EXPECT_EQ(0, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	fd2 = stack_socket(STACK_XTCP);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, sock_bind(fd2, "127.0.0.1", PORT));
	EXPECT_EQ(0, listen(fd2, 5));
	close(fd2);
}

TEST_F(ns, two_listeners_two_rows)
{
	struct proc_row row;
	int fd2 = stack_socket(STACK_XTCP);

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, sock_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, sock_bind(fd2, "127.0.0.1", PORT + 1));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(0, listen(fd2, 6));
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT, 0, 0, &row, 1));
	EXPECT_EQ(sock_inode(self->fd), row.inode);
	ASSERT_EQ(1, proc_rows(STACK_XTCP, PORT + 1, 0, 0, &row, 1));
	EXPECT_EQ(sock_inode(fd2), row.inode);
	EXPECT_EQ(6, row.txq);
	close(fd2);
}

XTCP_HARNESS_MAIN
