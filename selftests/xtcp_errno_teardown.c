// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP errno values around teardown, one per test, each checked against
 * the expected value and against what Linux TCP returns in the same
 * scenario (same test, same namespace, over 127.0.0.1):
 * reads after the peer's FIN, writes and reads after the peer's RST
 * (ECONNRESET once, then EPIPE with SIGPIPE, none with MSG_NOSIGNAL),
 * SO_ERROR and poll() after a RST, read/send/shutdown on sockets that were
 * never connected, shutdown() with a bad "how", send after SHUT_WR.
 * SIGPIPE is counted by a handler.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"


FIXTURE(lo) {
	int c[NSTACKS], s[NSTACKS];
};

FIXTURE_SETUP(lo)
{
	int ns, i;

	for_each_stack(i)
		self->c[i] = self->s[i] = -1;
	ns = topo_single_ns();
	ASSERT_LE(0, ns) TH_LOG("netns: %s (is xtcp.ko loaded?)", strerror(-ns));
	count_sigpipes();
}

FIXTURE_TEARDOWN(lo)
{
	int i;

	for_each_stack(i) {
		sock_abort(self->c[i]);
		sock_abort(self->s[i]);
	}
}

static int pairs(struct __test_metadata *_metadata, FIXTURE_DATA(lo) *self)
{
	int i, err;

	for_each_stack(i) {
		err = pair_lo(i, 7000 + i, &self->c[i], &self->s[i]);
		if (err) {
			TH_LOG("%s pair: %s", stack_name(i), strerror(err));
			return err;
		}
	}
	return 0;
}

/* The server end resets the connection; wait until the client saw it. */
static int peer_resets(struct __test_metadata *_metadata, FIXTURE_DATA(lo) *self)
{
	int i, ev;

	if (pairs(_metadata, self))
		return -1;
	for_each_stack(i) {
		sock_abort(self->s[i]);
		self->s[i] = -1;
		ev = sock_poll(self->c[i], POLLIN, 2000);
		if (!(ev & POLLERR)) {
			TH_LOG("%s: no POLLERR after the peer's RST (revents %#x)",
			       stack_name(i), ev);
			return -1;
		}
	}
	return 0;
}

static int send_err(int fd, int flags)
{
	return send(fd, "x", 1, flags) < 0 ? errno : 0;
}

static int recv_ret(int fd)
{
	char b[8];
	ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);

	return n < 0 ? -errno : (int)n;
}

#define LOG2(what, fmt, tv, xv) \
	TH_LOG("%s: TCP " fmt ", XTCP " fmt, what, tv, xv)

/* ----------------------------------------------------------- after FIN */

TEST_F(lo, read_after_peer_fin_returns_zero_repeatedly)
{
	int r1[NSTACKS], r2[NSTACKS], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		sock_poll(self->c[i], POLLIN, 2000);
		r1[i] = recv_ret(self->c[i]);
		r2[i] = recv_ret(self->c[i]);
	}
	LOG2("first recv", "%d", r1[STACK_TCP], r1[STACK_XTCP]);
	LOG2("second recv", "%d", r2[STACK_TCP], r2[STACK_XTCP]);
	EXPECT_EQ(0, r1[STACK_XTCP]);
	EXPECT_EQ(0, r2[STACK_XTCP]);
	EXPECT_EQ(r1[STACK_TCP], r1[STACK_XTCP]);
	EXPECT_EQ(r2[STACK_TCP], r2[STACK_XTCP]);
}

TEST_F(lo, write_after_peer_fin_succeeds)
{
	int e[NSTACKS], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		sock_poll(self->c[i], POLLIN, 2000);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send in CLOSE_WAIT", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

/* ----------------------------------------------------------- after RST */

TEST_F(lo, write_after_peer_rst_econnreset_first)
{
	int e[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i)
		e[i] = send_err(self->c[i], 0);
	LOG2("first send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("SIGPIPEs", "%d", 0, (int)sigpipes);
	EXPECT_EQ(ECONNRESET, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(lo, write_after_peer_rst_then_epipe)
{
	int e[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		send_err(self->c[i], MSG_NOSIGNAL);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("second send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(lo, write_after_peer_rst_sigpipe)
{
	int sig[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		send_err(self->c[i], MSG_NOSIGNAL);
		sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = sigpipes;
	}
	LOG2("SIGPIPEs on the EPIPE send", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(1, sig[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

TEST_F(lo, write_after_peer_rst_nosignal_no_sigpipe)
{
	int sig[NSTACKS], e[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		send_err(self->c[i], MSG_NOSIGNAL);
		sigpipes = 0;
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
		sig[i] = sigpipes;
	}
	LOG2("errno", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("SIGPIPEs with MSG_NOSIGNAL", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(0, sig[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

/* The ECONNRESET of the first failing send comes without SIGPIPE. */
TEST_F(lo, write_after_peer_rst_econnreset_no_sigpipe)
{
	int sig[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = sigpipes;
	}
	LOG2("SIGPIPEs on the ECONNRESET send", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(0, sig[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

TEST_F(lo, read_after_peer_rst_econnreset_then_zero)
{
	int r1[NSTACKS], r2[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		r1[i] = recv_ret(self->c[i]);
		r2[i] = recv_ret(self->c[i]);
	}
	LOG2("first recv", "%s", errname(-r1[STACK_TCP]), errname(-r1[STACK_XTCP]));
	LOG2("second recv", "%d", r2[STACK_TCP], r2[STACK_XTCP]);
	EXPECT_EQ(-ECONNRESET, r1[STACK_XTCP]);
	EXPECT_EQ(0, r2[STACK_XTCP]);
	EXPECT_EQ(r1[STACK_TCP], r1[STACK_XTCP]);
	EXPECT_EQ(r2[STACK_TCP], r2[STACK_XTCP]);
}

TEST_F(lo, so_error_after_peer_rst_once)
{
	int e1[NSTACKS], e2[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		e1[i] = sock_so_error(self->c[i]);
		e2[i] = sock_so_error(self->c[i]);
	}
	LOG2("SO_ERROR", "%s", errname(e1[STACK_TCP]), errname(e1[STACK_XTCP]));
	LOG2("SO_ERROR again", "%s", errname(e2[STACK_TCP]), errname(e2[STACK_XTCP]));
	EXPECT_EQ(ECONNRESET, e1[STACK_XTCP]);
	EXPECT_EQ(0, e2[STACK_XTCP]);
	EXPECT_EQ(e1[STACK_TCP], e1[STACK_XTCP]);
	EXPECT_EQ(e2[STACK_TCP], e2[STACK_XTCP]);
}

TEST_F(lo, poll_after_peer_rst_err_hup)
{
	int ev[NSTACKS], i;
	const int mask = POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i)
		ev[i] = sock_poll(self->c[i], POLLIN | POLLOUT | POLLRDHUP, 0) & mask;
	LOG2("revents", "%#x", ev[STACK_TCP], ev[STACK_XTCP]);
	EXPECT_EQ(POLLERR | POLLHUP, ev[STACK_XTCP] & (POLLERR | POLLHUP));
	EXPECT_EQ(ev[STACK_TCP], ev[STACK_XTCP]);
}

/* A RST in CLOSE_WAIT: the FIN is read first (0), the send error is EPIPE. */
TEST_F(lo, rst_in_close_wait_read_zero_send_epipe)
{
	int r[NSTACKS], e[NSTACKS], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		sock_poll(self->c[i], POLLIN, 2000);
		sock_abort(self->s[i]);
		self->s[i] = -1;
		sock_poll(self->c[i], POLLERR, 2000);
		r[i] = recv_ret(self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("recv", "%d", r[STACK_TCP], r[STACK_XTCP]);
	LOG2("send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(0, r[STACK_XTCP]);
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP], r[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

/* ------------------------------------------------------ never connected */

TEST_F(lo, read_never_connected_enotconn)
{
	int r[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = stack_socket(i);
		ASSERT_LE(0, self->c[i]);
		r[i] = recv_ret(self->c[i]);
	}
	LOG2("recv", "%s", errname(-r[STACK_TCP]), errname(-r[STACK_XTCP]));
	EXPECT_EQ(-ENOTCONN, r[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP], r[STACK_XTCP]);
}

TEST_F(lo, send_never_connected_epipe)
{
	int e[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = stack_socket(i);
		ASSERT_LE(0, self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(lo, send_never_connected_sigpipe)
{
	int sig[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = stack_socket(i);
		ASSERT_LE(0, self->c[i]);
		sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = sigpipes;
	}
	LOG2("SIGPIPEs", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(1, sig[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

TEST_F(lo, shutdown_never_connected_enotconn)
{
	int e[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = stack_socket(i);
		ASSERT_LE(0, self->c[i]);
		e[i] = shutdown(self->c[i], SHUT_RDWR) ? errno : 0;
	}
	LOG2("shutdown", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ENOTCONN, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(lo, shutdown_bad_how_einval)
{
	static const int hows[] = { 7, 3, -1 };
	int e[NSTACKS][3], i, j;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i)
		for (j = 0; j < 3; j++)
			e[i][j] = shutdown(self->c[i], hows[j]) ? errno : 0;
	for (j = 0; j < 3; j++) {
		TH_LOG("shutdown(fd, %d): TCP %s, XTCP %s", hows[j],
		       errname(e[STACK_TCP][j]), errname(e[STACK_XTCP][j]));
		EXPECT_EQ(EINVAL, e[STACK_XTCP][j]);
		EXPECT_EQ(e[STACK_TCP][j], e[STACK_XTCP][j]);
	}
}

/* shutdown(7) is checked before the state: EINVAL even unconnected. */
TEST_F(lo, shutdown_bad_how_unconnected_einval)
{
	int e[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = stack_socket(i);
		ASSERT_LE(0, self->c[i]);
		e[i] = shutdown(self->c[i], 7) ? errno : 0;
	}
	LOG2("shutdown(7)", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(EINVAL, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(lo, recv_on_listener_enotconn)
{
	int r[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = sock_listen(i, "127.0.0.1", 7100 + i, 4);
		ASSERT_LE(0, self->c[i]);
		r[i] = recv_ret(self->c[i]);
	}
	LOG2("recv on listener", "%s", errname(-r[STACK_TCP]), errname(-r[STACK_XTCP]));
	EXPECT_EQ(-ENOTCONN, r[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP], r[STACK_XTCP]);
}

TEST_F(lo, send_on_listener_epipe)
{
	int e[NSTACKS], i;

	for_each_stack(i) {
		self->c[i] = sock_listen(i, "127.0.0.1", 7100 + i, 4);
		ASSERT_LE(0, self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send on listener", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

/* ------------------------------------------------------------ own close */

TEST_F(lo, send_after_shut_wr_epipe_sigpipe)
{
	int e[NSTACKS], sig[NSTACKS], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->c[i], SHUT_WR));
		sigpipes = 0;
		e[i] = send_err(self->c[i], 0);
		sig[i] = sigpipes;
	}
	LOG2("send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("SIGPIPEs", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(1, sig[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

TEST_F(lo, send_after_shut_wr_nosignal)
{
	int e[NSTACKS], sig[NSTACKS], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->c[i], SHUT_WR));
		sigpipes = 0;
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
		sig[i] = sigpipes;
	}
	LOG2("send", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("SIGPIPEs", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(0, sig[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

/* write(2) (no flags at all) after the peer's RST: EPIPE and SIGPIPE. */
TEST_F(lo, write_syscall_after_rst_sigpipe)
{
	int e[NSTACKS], sig[NSTACKS], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for_each_stack(i) {
		sock_so_error(self->c[i]);	/* consume ECONNRESET */
		sigpipes = 0;
		e[i] = write(self->c[i], "x", 1) < 0 ? errno : 0;
		sig[i] = sigpipes;
	}
	LOG2("write", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("SIGPIPEs", "%d", sig[STACK_TCP], sig[STACK_XTCP]);
	EXPECT_EQ(EPIPE, e[STACK_XTCP]);
	EXPECT_EQ(1, sig[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	EXPECT_EQ(sig[STACK_TCP], sig[STACK_XTCP]);
}

XTCP_HARNESS_MAIN
