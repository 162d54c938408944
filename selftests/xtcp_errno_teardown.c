// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP errno values around teardown, one per test: reads after the peer's
 * FIN, writes and reads after the peer's RST (ECONNRESET once, then EPIPE
 * with SIGPIPE, none with MSG_NOSIGNAL), SO_ERROR and poll() after a RST,
 * read/send/shutdown on sockets that were never connected, shutdown() with
 * a bad "how", send after SHUT_WR. SIGPIPE is counted by a handler. Each
 * scenario runs in a fresh namespace over 127.0.0.1.
 *
 * Each test runs once per stack (lo.xtcp.NAME, lo.tcp.NAME) and checks the
 * value Linux TCP gives, so XTCP passing is XTCP doing what TCP does; where
 * no fixed value is expected (the whole poll() mask), one test opens both
 * stacks and compares them (both.NAME).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

/* A pair of @st over 127.0.0.1 into *@c (client) and *@s. */
static int pair(struct __test_metadata *_metadata, enum stack st, int *c, int *s)
{
	int err = pair_lo(st, 7000 + st, c, s);

	if (err)
		TH_LOG("%s pair: %s", stack_name(st), strerror(err));
	return err;
}

/* A pair whose server end resets the connection; the client saw it. */
static int peer_resets(struct __test_metadata *_metadata, enum stack st, int *c, int *s)
{
	int ev;

	if (pair(_metadata, st, c, s))
		return -1;
	sock_abort(*s);
	*s = -1;
	ev = sock_poll(*c, POLLIN, 2000);
	if (!(ev & POLLERR)) {
		TH_LOG("%s: no POLLERR after the peer's RST (revents %#x)", stack_name(st), ev);
		return -1;
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

/* A SIGPIPE-counting namespace of its own for each test. */
static void ns_setup(struct __test_metadata *_metadata)
{
	int ns = topo_single_ns();

	ASSERT_LE(0, ns) TH_LOG("netns: %s (is xtcp.ko loaded?)", strerror(-ns));
	count_sigpipes();
}

FIXTURE(lo) {
	int c, s;
};

FIXTURE_VARIANT(lo) {
	enum stack stack;
};

STACK_VARIANTS(lo);

FIXTURE_SETUP(lo)
{
	self->c = self->s = -1;
	ns_setup(_metadata);
}

FIXTURE_TEARDOWN(lo)
{
	sock_abort(self->c);
	sock_abort(self->s);
}

#define ST	(variant->stack)
#define LOG1(what, fmt, v) TH_LOG("%s: %s " fmt, what, stack_name(ST), v)

/* ----------------------------------------------------------- after FIN */

TEST_F(lo, read_after_peer_fin_returns_zero_repeatedly)
{
	int r1, r2;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	ASSERT_EQ(0, shutdown(self->s, SHUT_WR));
	sock_poll(self->c, POLLIN, 2000);
	r1 = recv_ret(self->c);
	r2 = recv_ret(self->c);
	LOG1("first recv", "%d", r1);
	LOG1("second recv", "%d", r2);
	EXPECT_EQ(0, r1);
	EXPECT_EQ(0, r2);
}

TEST_F(lo, write_after_peer_fin_succeeds)
{
	int e;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	ASSERT_EQ(0, shutdown(self->s, SHUT_WR));
	sock_poll(self->c, POLLIN, 2000);
	e = send_err(self->c, MSG_NOSIGNAL);
	LOG1("send in CLOSE_WAIT", "%s", errname(e));
	EXPECT_EQ(0, e);
}

/* ----------------------------------------------------------- after RST */

TEST_F(lo, write_after_peer_rst_econnreset_first)
{
	int e;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	e = send_err(self->c, 0);
	LOG1("first send", "%s", errname(e));
	LOG1("SIGPIPEs", "%d", (int)sigpipes);
	EXPECT_EQ(ECONNRESET, e);
}

TEST_F(lo, write_after_peer_rst_then_epipe)
{
	int e;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	send_err(self->c, MSG_NOSIGNAL);
	e = send_err(self->c, MSG_NOSIGNAL);
	LOG1("second send", "%s", errname(e));
	EXPECT_EQ(EPIPE, e);
}

TEST_F(lo, write_after_peer_rst_sigpipe)
{
	int sig;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	send_err(self->c, MSG_NOSIGNAL);
	sigpipes = 0;
	send_err(self->c, 0);
	sig = sigpipes;
	LOG1("SIGPIPEs on the EPIPE send", "%d", sig);
	EXPECT_EQ(1, sig);
}

TEST_F(lo, write_after_peer_rst_nosignal_no_sigpipe)
{
	int sig, e;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	send_err(self->c, MSG_NOSIGNAL);
	sigpipes = 0;
	e = send_err(self->c, MSG_NOSIGNAL);
	sig = sigpipes;
	LOG1("errno", "%s", errname(e));
	LOG1("SIGPIPEs with MSG_NOSIGNAL", "%d", sig);
	EXPECT_EQ(EPIPE, e);
	EXPECT_EQ(0, sig);
}

/* The ECONNRESET of the first failing send comes without SIGPIPE. */
TEST_F(lo, write_after_peer_rst_econnreset_no_sigpipe)
{
	int sig;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	sigpipes = 0;
	send_err(self->c, 0);
	sig = sigpipes;
	LOG1("SIGPIPEs on the ECONNRESET send", "%d", sig);
	EXPECT_EQ(0, sig);
}

TEST_F(lo, read_after_peer_rst_econnreset_then_zero)
{
	int r1, r2;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	r1 = recv_ret(self->c);
	r2 = recv_ret(self->c);
	LOG1("first recv", "%s", errname(-r1));
	LOG1("second recv", "%d", r2);
	EXPECT_EQ(-ECONNRESET, r1);
	EXPECT_EQ(0, r2);
}

TEST_F(lo, so_error_after_peer_rst_once)
{
	int e1, e2;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	e1 = sock_so_error(self->c);
	e2 = sock_so_error(self->c);
	LOG1("SO_ERROR", "%s", errname(e1));
	LOG1("SO_ERROR again", "%s", errname(e2));
	EXPECT_EQ(ECONNRESET, e1);
	EXPECT_EQ(0, e2);
}

/* A RST in CLOSE_WAIT: the FIN is read first (0), the send error is EPIPE. */
TEST_F(lo, rst_in_close_wait_read_zero_send_epipe)
{
	int r, e;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	ASSERT_EQ(0, shutdown(self->s, SHUT_WR));
	sock_poll(self->c, POLLIN, 2000);
	sock_abort(self->s);
	self->s = -1;
	sock_poll(self->c, POLLERR, 2000);
	r = recv_ret(self->c);
	e = send_err(self->c, MSG_NOSIGNAL);
	LOG1("recv", "%d", r);
	LOG1("send", "%s", errname(e));
	EXPECT_EQ(0, r);
	EXPECT_EQ(EPIPE, e);
}

/* ------------------------------------------------------ never connected */

TEST_F(lo, read_never_connected_enotconn)
{
	int r;

	self->c = stack_socket(ST);
	ASSERT_LE(0, self->c);
	r = recv_ret(self->c);
	LOG1("recv", "%s", errname(-r));
	EXPECT_EQ(-ENOTCONN, r);
}

TEST_F(lo, send_never_connected_epipe)
{
	int e;

	self->c = stack_socket(ST);
	ASSERT_LE(0, self->c);
	e = send_err(self->c, MSG_NOSIGNAL);
	LOG1("send", "%s", errname(e));
	EXPECT_EQ(EPIPE, e);
}

TEST_F(lo, send_never_connected_sigpipe)
{
	int sig;

	self->c = stack_socket(ST);
	ASSERT_LE(0, self->c);
	sigpipes = 0;
	send_err(self->c, 0);
	sig = sigpipes;
	LOG1("SIGPIPEs", "%d", sig);
	EXPECT_EQ(1, sig);
}

TEST_F(lo, shutdown_never_connected_enotconn)
{
	int e;

	self->c = stack_socket(ST);
	ASSERT_LE(0, self->c);
	e = shutdown(self->c, SHUT_RDWR) ? errno : 0;
	LOG1("shutdown", "%s", errname(e));
	EXPECT_EQ(ENOTCONN, e);
}

TEST_F(lo, shutdown_bad_how_einval)
{
	static const int hows[] = { 7, 3, -1 };
	int e, j;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	for (j = 0; j < 3; j++) {
		e = shutdown(self->c, hows[j]) ? errno : 0;
		TH_LOG("shutdown(fd, %d): %s %s", hows[j], stack_name(ST), errname(e));
		EXPECT_EQ(EINVAL, e);
	}
}

/* shutdown(7) is checked before the state: EINVAL even unconnected. */
TEST_F(lo, shutdown_bad_how_unconnected_einval)
{
	int e;

	self->c = stack_socket(ST);
	ASSERT_LE(0, self->c);
	e = shutdown(self->c, 7) ? errno : 0;
	LOG1("shutdown(7)", "%s", errname(e));
	EXPECT_EQ(EINVAL, e);
}

TEST_F(lo, recv_on_listener_enotconn)
{
	int r;

	self->c = sock_listen(ST, "127.0.0.1", 7100, 4);
	ASSERT_LE(0, self->c);
	r = recv_ret(self->c);
	LOG1("recv on listener", "%s", errname(-r));
	EXPECT_EQ(-ENOTCONN, r);
}

TEST_F(lo, send_on_listener_epipe)
{
	int e;

	self->c = sock_listen(ST, "127.0.0.1", 7100, 4);
	ASSERT_LE(0, self->c);
	e = send_err(self->c, MSG_NOSIGNAL);
	LOG1("send on listener", "%s", errname(e));
	EXPECT_EQ(EPIPE, e);
}

/* ------------------------------------------------------------ own close */

TEST_F(lo, send_after_shut_wr_epipe_sigpipe)
{
	int e, sig;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	sigpipes = 0;
	e = send_err(self->c, 0);
	sig = sigpipes;
	LOG1("send", "%s", errname(e));
	LOG1("SIGPIPEs", "%d", sig);
	EXPECT_EQ(EPIPE, e);
	EXPECT_EQ(1, sig);
}

TEST_F(lo, send_after_shut_wr_nosignal)
{
	int e, sig;

	ASSERT_EQ(0, pair(_metadata, ST, &self->c, &self->s));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	sigpipes = 0;
	e = send_err(self->c, MSG_NOSIGNAL);
	sig = sigpipes;
	LOG1("send", "%s", errname(e));
	LOG1("SIGPIPEs", "%d", sig);
	EXPECT_EQ(EPIPE, e);
	EXPECT_EQ(0, sig);
}

/* write(2) (no flags at all) after the peer's RST: EPIPE and SIGPIPE. */
TEST_F(lo, write_syscall_after_rst_sigpipe)
{
	int e, sig;

	ASSERT_EQ(0, peer_resets(_metadata, ST, &self->c, &self->s));
	sock_so_error(self->c);		/* consume ECONNRESET */
	sigpipes = 0;
	e = write(self->c, "x", 1) < 0 ? errno : 0;
	sig = sigpipes;
	LOG1("write", "%s", errname(e));
	LOG1("SIGPIPEs", "%d", sig);
	EXPECT_EQ(EPIPE, e);
	EXPECT_EQ(1, sig);
}

/* ------------------------------------------------- both stacks compared */

FIXTURE(both) {
	int c[NSTACKS], s[NSTACKS];
};

FIXTURE_SETUP(both)
{
	int i;

	for_each_stack(i)
		self->c[i] = self->s[i] = -1;
	ns_setup(_metadata);
}

FIXTURE_TEARDOWN(both)
{
	int i;

	for_each_stack(i) {
		sock_abort(self->c[i]);
		sock_abort(self->s[i]);
	}
}

/* after the peer's RST, poll() reports what TCP reports (with ERR and HUP) */
TEST_F(both, poll_after_peer_rst_err_hup)
{
	const int mask = POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP;
	int ev[NSTACKS], i;

	for_each_stack(i) {
		ASSERT_EQ(0, peer_resets(_metadata, i, &self->c[i], &self->s[i]));
		ev[i] = sock_poll(self->c[i], POLLIN | POLLOUT | POLLRDHUP, 0) & mask;
	}
	TH_LOG("revents: TCP %#x, XTCP %#x", ev[STACK_TCP], ev[STACK_XTCP]);
	EXPECT_EQ(POLLERR | POLLHUP, ev[STACK_XTCP] & (POLLERR | POLLHUP));
	EXPECT_EQ(ev[STACK_TCP], ev[STACK_XTCP]);
}

XTCP_HARNESS_MAIN
