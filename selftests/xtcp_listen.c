// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP listen(): autobind, SO_ACCEPTCONN, the LISTEN row of /proc/net/xtcp
 * (state, backlog capped by net.core.somaxconn, inode), re-listen, close.
 * Every test runs in its own network namespace (lo up).
 */
#include "xtcp_common.h"
#include "kselftest_harness.h"

#define PORT 6000
#define ST_LISTEN 0x0A

FIXTURE(ns) {
	int fd;
};

FIXTURE_SETUP(ns)
{
	self->fd = -1;
	ASSERT_EQ(0, xtcp_new_netns());
	self->fd = xtcp_socket();
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
	port = xtcp_local_port(self->fd);
	EXPECT_LE(41000, port);
	EXPECT_GE(41009, port);
}

TEST_F(ns, so_acceptconn)
{
	EXPECT_EQ(0, acceptconn(self->fd));
	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	EXPECT_EQ(0, acceptconn(self->fd));
	ASSERT_EQ(0, listen(self->fd, 5)) TH_LOG("listen: %s", strerror(errno));
	EXPECT_EQ(1, acceptconn(self->fd));
}

TEST_F(ns, bound_unlistened_not_in_proc)
{
	struct xtcp_proc_row row;

	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	EXPECT_EQ(0, xtcp_proc_find(PORT, &row));
}

TEST_F(ns, proc_listen_row)
{
	struct xtcp_proc_row row;

	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5)) TH_LOG("listen: %s", strerror(errno));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), row.laddr);
	EXPECT_EQ(0, row.raddr);
	EXPECT_EQ(0, row.rport);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(5, row.tx_queue);
	EXPECT_EQ(0, row.rx_queue);
	EXPECT_EQ(0, row.timer);
	EXPECT_EQ(0, row.uid);
	EXPECT_EQ(xtcp_inode(self->fd), row.inode);
}

TEST_F(ns, proc_listen_row_wildcard)
{
	struct xtcp_proc_row row;

	ASSERT_EQ(0, xtcp_bind(self->fd, "0.0.0.0", PORT));
	ASSERT_EQ(0, listen(self->fd, 7));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(0, row.laddr);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(7, row.tx_queue);
}

TEST_F(ns, backlog_capped_by_somaxconn)
{
	struct xtcp_proc_row row;
	long somaxconn;

	ASSERT_EQ(0, xtcp_read_long("/proc/sys/net/core/somaxconn", &somaxconn));
	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 100000));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(somaxconn, row.tx_queue);
}

TEST_F(ns, backlog_capped_by_netns_somaxconn)
{
	struct xtcp_proc_row row;

	ASSERT_EQ(0, xtcp_write_file("/proc/sys/net/core/somaxconn", "200\n"));
	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 100000));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(200, row.tx_queue);
}

TEST_F(ns, relisten_changes_backlog)
{
	struct xtcp_proc_row row;

	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(5, row.tx_queue);
	ASSERT_EQ(0, listen(self->fd, 17)) TH_LOG("second listen: %s", strerror(errno));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(17, row.tx_queue);
	EXPECT_EQ(ST_LISTEN, row.state);
	EXPECT_EQ(1, acceptconn(self->fd));
}

TEST_F(ns, close_removes_row_and_frees_port)
{
	struct xtcp_proc_row row;
	int fd2;

	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	EXPECT_EQ(0, xtcp_proc_find(PORT, &row));
	fd2 = xtcp_socket();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, xtcp_bind(fd2, "127.0.0.1", PORT));
	EXPECT_EQ(0, listen(fd2, 5));
	close(fd2);
}

TEST_F(ns, two_listeners_two_rows)
{
	struct xtcp_proc_row row;
	int fd2 = xtcp_socket();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, xtcp_bind(self->fd, "127.0.0.1", PORT));
	ASSERT_EQ(0, xtcp_bind(fd2, "127.0.0.1", PORT + 1));
	ASSERT_EQ(0, listen(self->fd, 5));
	ASSERT_EQ(0, listen(fd2, 6));
	ASSERT_EQ(1, xtcp_proc_find(PORT, &row));
	EXPECT_EQ(xtcp_inode(self->fd), row.inode);
	ASSERT_EQ(1, xtcp_proc_find(PORT + 1, &row));
	EXPECT_EQ(xtcp_inode(fd2), row.inode);
	EXPECT_EQ(6, row.tx_queue);
	close(fd2);
}

TEST_HARNESS_MAIN
