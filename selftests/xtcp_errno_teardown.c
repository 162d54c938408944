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
#define TD_LIB_NO_MAIN
#include "helpers/td_lib.c"
#include "kselftest_harness.h"

#define T 0
#define X 1

static const int kind_of[2] = { TD_TCP, TD_XTCP };

FIXTURE(lo) {
	int c[2], s[2];
};

FIXTURE_SETUP(lo)
{
	int ns, i;

	for (i = 0; i < 2; i++)
		self->c[i] = self->s[i] = -1;
	ns = td_single_ns();
	ASSERT_LE(0, ns) TH_LOG("netns: %s (is xtcp.ko loaded?)", strerror(-ns));
	td_count_sigpipe();
}

FIXTURE_TEARDOWN(lo)
{
	int i;

	for (i = 0; i < 2; i++) {
		td_abort(self->c[i]);
		td_abort(self->s[i]);
	}
}

static int pairs(struct __test_metadata *_metadata, FIXTURE_DATA(lo) *self)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		err = td_pair_lo(kind_of[i], 7000 + i, &self->c[i], &self->s[i]);
		if (err) {
			TH_LOG("%s pair: %s", td_name(kind_of[i]), strerror(err));
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
	for (i = 0; i < 2; i++) {
		td_abort(self->s[i]);
		self->s[i] = -1;
		ev = td_poll(self->c[i], POLLIN, 2000);
		if (!(ev & POLLERR)) {
			TH_LOG("%s: no POLLERR after the peer's RST (revents %#x)",
			       td_name(kind_of[i]), ev);
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
	int r1[2], r2[2], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		td_poll(self->c[i], POLLIN, 2000);
		r1[i] = recv_ret(self->c[i]);
		r2[i] = recv_ret(self->c[i]);
	}
	LOG2("first recv", "%d", r1[T], r1[X]);
	LOG2("second recv", "%d", r2[T], r2[X]);
	EXPECT_EQ(0, r1[X]);
	EXPECT_EQ(0, r2[X]);
	EXPECT_EQ(r1[T], r1[X]);
	EXPECT_EQ(r2[T], r2[X]);
}

TEST_F(lo, write_after_peer_fin_succeeds)
{
	int e[2], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		td_poll(self->c[i], POLLIN, 2000);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send in CLOSE_WAIT", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(0, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

/* ----------------------------------------------------------- after RST */

TEST_F(lo, write_after_peer_rst_econnreset_first)
{
	int e[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++)
		e[i] = send_err(self->c[i], 0);
	LOG2("first send", "%s", td_errname(e[T]), td_errname(e[X]));
	LOG2("SIGPIPEs", "%d", 0, (int)td_sigpipes);
	EXPECT_EQ(ECONNRESET, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(lo, write_after_peer_rst_then_epipe)
{
	int e[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		send_err(self->c[i], MSG_NOSIGNAL);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("second send", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(lo, write_after_peer_rst_sigpipe)
{
	int sig[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		send_err(self->c[i], MSG_NOSIGNAL);
		td_sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = td_sigpipes;
	}
	LOG2("SIGPIPEs on the EPIPE send", "%d", sig[T], sig[X]);
	EXPECT_EQ(1, sig[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

TEST_F(lo, write_after_peer_rst_nosignal_no_sigpipe)
{
	int sig[2], e[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		send_err(self->c[i], MSG_NOSIGNAL);
		td_sigpipes = 0;
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
		sig[i] = td_sigpipes;
	}
	LOG2("errno", "%s", td_errname(e[T]), td_errname(e[X]));
	LOG2("SIGPIPEs with MSG_NOSIGNAL", "%d", sig[T], sig[X]);
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(0, sig[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

/* The ECONNRESET of the first failing send comes without SIGPIPE. */
TEST_F(lo, write_after_peer_rst_econnreset_no_sigpipe)
{
	int sig[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		td_sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = td_sigpipes;
	}
	LOG2("SIGPIPEs on the ECONNRESET send", "%d", sig[T], sig[X]);
	EXPECT_EQ(0, sig[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

TEST_F(lo, read_after_peer_rst_econnreset_then_zero)
{
	int r1[2], r2[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		r1[i] = recv_ret(self->c[i]);
		r2[i] = recv_ret(self->c[i]);
	}
	LOG2("first recv", "%s", td_errname(-r1[T]), td_errname(-r1[X]));
	LOG2("second recv", "%d", r2[T], r2[X]);
	EXPECT_EQ(-ECONNRESET, r1[X]);
	EXPECT_EQ(0, r2[X]);
	EXPECT_EQ(r1[T], r1[X]);
	EXPECT_EQ(r2[T], r2[X]);
}

TEST_F(lo, so_error_after_peer_rst_once)
{
	int e1[2], e2[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		e1[i] = td_so_error(self->c[i]);
		e2[i] = td_so_error(self->c[i]);
	}
	LOG2("SO_ERROR", "%s", td_errname(e1[T]), td_errname(e1[X]));
	LOG2("SO_ERROR again", "%s", td_errname(e2[T]), td_errname(e2[X]));
	EXPECT_EQ(ECONNRESET, e1[X]);
	EXPECT_EQ(0, e2[X]);
	EXPECT_EQ(e1[T], e1[X]);
	EXPECT_EQ(e2[T], e2[X]);
}

TEST_F(lo, poll_after_peer_rst_err_hup)
{
	int ev[2], i;
	const int mask = POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++)
		ev[i] = td_poll(self->c[i], POLLIN | POLLOUT | POLLRDHUP, 0) & mask;
	LOG2("revents", "%#x", ev[T], ev[X]);
	EXPECT_EQ(POLLERR | POLLHUP, ev[X] & (POLLERR | POLLHUP));
	EXPECT_EQ(ev[T], ev[X]);
}

/* A RST in CLOSE_WAIT: the FIN is read first (0), the send error is EPIPE. */
TEST_F(lo, rst_in_close_wait_read_zero_send_epipe)
{
	int r[2], e[2], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->s[i], SHUT_WR));
		td_poll(self->c[i], POLLIN, 2000);
		td_abort(self->s[i]);
		self->s[i] = -1;
		td_poll(self->c[i], POLLERR, 2000);
		r[i] = recv_ret(self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("recv", "%d", r[T], r[X]);
	LOG2("send", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(0, r[X]);
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(r[T], r[X]);
	EXPECT_EQ(e[T], e[X]);
}

/* ------------------------------------------------------ never connected */

TEST_F(lo, read_never_connected_enotconn)
{
	int r[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, self->c[i]);
		r[i] = recv_ret(self->c[i]);
	}
	LOG2("recv", "%s", td_errname(-r[T]), td_errname(-r[X]));
	EXPECT_EQ(-ENOTCONN, r[X]);
	EXPECT_EQ(r[T], r[X]);
}

TEST_F(lo, send_never_connected_epipe)
{
	int e[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(lo, send_never_connected_sigpipe)
{
	int sig[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, self->c[i]);
		td_sigpipes = 0;
		send_err(self->c[i], 0);
		sig[i] = td_sigpipes;
	}
	LOG2("SIGPIPEs", "%d", sig[T], sig[X]);
	EXPECT_EQ(1, sig[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

TEST_F(lo, shutdown_never_connected_enotconn)
{
	int e[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, self->c[i]);
		e[i] = shutdown(self->c[i], SHUT_RDWR) ? errno : 0;
	}
	LOG2("shutdown", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ENOTCONN, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(lo, shutdown_bad_how_einval)
{
	static const int hows[] = { 7, 3, -1 };
	int e[2][3], i, j;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++)
		for (j = 0; j < 3; j++)
			e[i][j] = shutdown(self->c[i], hows[j]) ? errno : 0;
	for (j = 0; j < 3; j++) {
		TH_LOG("shutdown(fd, %d): TCP %s, XTCP %s", hows[j],
		       td_errname(e[T][j]), td_errname(e[X][j]));
		EXPECT_EQ(EINVAL, e[X][j]);
		EXPECT_EQ(e[T][j], e[X][j]);
	}
}

/* shutdown(7) is checked before the state: EINVAL even unconnected. */
TEST_F(lo, shutdown_bad_how_unconnected_einval)
{
	int e[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, self->c[i]);
		e[i] = shutdown(self->c[i], 7) ? errno : 0;
	}
	LOG2("shutdown(7)", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(EINVAL, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(lo, recv_on_listener_enotconn)
{
	int r[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_listen(kind_of[i], "127.0.0.1", 7100 + i, 4);
		ASSERT_LE(0, self->c[i]);
		r[i] = recv_ret(self->c[i]);
	}
	LOG2("recv on listener", "%s", td_errname(-r[T]), td_errname(-r[X]));
	EXPECT_EQ(-ENOTCONN, r[X]);
	EXPECT_EQ(r[T], r[X]);
}

TEST_F(lo, send_on_listener_epipe)
{
	int e[2], i;

	for (i = 0; i < 2; i++) {
		self->c[i] = td_listen(kind_of[i], "127.0.0.1", 7100 + i, 4);
		ASSERT_LE(0, self->c[i]);
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
	}
	LOG2("send on listener", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

/* ------------------------------------------------------------ own close */

TEST_F(lo, send_after_shut_wr_epipe_sigpipe)
{
	int e[2], sig[2], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->c[i], SHUT_WR));
		td_sigpipes = 0;
		e[i] = send_err(self->c[i], 0);
		sig[i] = td_sigpipes;
	}
	LOG2("send", "%s", td_errname(e[T]), td_errname(e[X]));
	LOG2("SIGPIPEs", "%d", sig[T], sig[X]);
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(1, sig[X]);
	EXPECT_EQ(e[T], e[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

TEST_F(lo, send_after_shut_wr_nosignal)
{
	int e[2], sig[2], i;

	ASSERT_EQ(0, pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->c[i], SHUT_WR));
		td_sigpipes = 0;
		e[i] = send_err(self->c[i], MSG_NOSIGNAL);
		sig[i] = td_sigpipes;
	}
	LOG2("send", "%s", td_errname(e[T]), td_errname(e[X]));
	LOG2("SIGPIPEs", "%d", sig[T], sig[X]);
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(0, sig[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

/* write(2) (no flags at all) after the peer's RST: EPIPE and SIGPIPE. */
TEST_F(lo, write_syscall_after_rst_sigpipe)
{
	int e[2], sig[2], i;

	ASSERT_EQ(0, peer_resets(_metadata, self));
	for (i = 0; i < 2; i++) {
		td_so_error(self->c[i]);	/* consume ECONNRESET */
		td_sigpipes = 0;
		e[i] = write(self->c[i], "x", 1) < 0 ? errno : 0;
		sig[i] = td_sigpipes;
	}
	LOG2("write", "%s", td_errname(e[T]), td_errname(e[X]));
	LOG2("SIGPIPEs", "%d", sig[T], sig[X]);
	EXPECT_EQ(EPIPE, e[X]);
	EXPECT_EQ(1, sig[X]);
	EXPECT_EQ(e[T], e[X]);
	EXPECT_EQ(sig[T], sig[X]);
}

TEST_HARNESS_MAIN
