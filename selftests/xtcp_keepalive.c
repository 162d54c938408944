// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP keepalive: SO_KEEPALIVE with TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT
 * (bounds, getsockopt, precedence over net.xtcp.keepalive_*), the probe on
 * the wire (an ACK without data, seq = snd_una - 1, answered by the peer),
 * the /proc/net/xtcp timer column (02), and the kill decision: after
 * idle + intvl * probes unanswered (ETIMEDOUT, POLLERR|POLLHUP,
 * TCPKeepAlive, TCPAbortOnTimeout), a peer that lost the connection
 * (ECONNRESET), and TCP_USER_TIMEOUT bounding it.
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * Keepalive runs on A's socket. "Cutting" B is netem loss 100% on vb:
 * A's probes arrive but B's answers are lost. Each test runs the scenario
 * over TCP and XTCP at the same time and compares.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"


FIXTURE(ka) {
	struct topo t;
	struct conn k[NSTACKS];		/* one connection per stack */
	int extra[4];
	int cap;
	struct seg segs[512];
	int nsegs;
};

FIXTURE_SETUP(ka)
{
	int i, err;

	self->cap = -1;
	for_each_stack(i)
		self->k[i].c = self->k[i].s = -1;
	for (i = 0; i < 4; i++)
		self->extra[i] = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(ka)
{
	int i;

	topo_cut(&self->t, SIDE_A, false);
	topo_cut(&self->t, SIDE_B, false);
	for_each_stack(i) {
		sock_abort(self->k[i].s);
		sock_abort(self->k[i].c);
	}
	for (i = 0; i < 4; i++)
		sock_abort(self->extra[i]);
	if (self->cap >= 0)
		close(self->cap);
	if (topo_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

#define LOG2(what, fmt, tv, xv) \
	TH_LOG("%s: TCP " fmt ", XTCP " fmt, what, tv, xv)

/*
 * XTCP and TCP connections; A sends "ping" (captured, so the sequence
 * numbers are known), B answers "pong". 0 or errno.
 */
static int open_pairs(FIXTURE_DATA(ka) *self)
{
	static const enum stack stacks[NSTACKS] = { STACK_XTCP, STACK_TCP };

	self->cap = topo_cap(&self->t, SIDE_A);
	if (self->cap < 0)
		return errno;
	self->nsegs = 0;
	return topo_conns_open(&self->t, self->cap, stacks, self->k, NSTACKS, 7000);
}

static int keepalive(int fd, int idle, int intvl, int cnt)
{
	if ((idle && sock_setint(fd, SOL_TCP, TCP_KEEPIDLE, idle)) ||
	    (intvl && sock_setint(fd, SOL_TCP, TCP_KEEPINTVL, intvl)) ||
	    (cnt && sock_setint(fd, SOL_TCP, TCP_KEEPCNT, cnt)))
		return errno;
	return sock_setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}

/* Probes: A's segments without data and without SYN/FIN/RST. */
static int probes(FIXTURE_DATA(ka) *self, int i, double *t, int max)
{
	struct conn *c = &self->k[i];
	int j, n = 0;

	for (j = 0; j < self->nsegs; j++) {
		struct seg *s = &self->segs[j];

		if (s->proto != stack_proto(i) || s->sport != c->cport ||
		    s->len || (s->flags & (TH_SYN | TH_FIN | TH_RST)) ||
		    s->seq != c->snd_una - 1)
			continue;
		if (n < max)
			t[n] = s->t;
		n++;
	}
	return n;
}

/* ----------------------------------------------------------- options */

static void bounds(struct __test_metadata *_metadata, int opt, const char *name, int max)
{
	const int vals[] = { 0, -1, max + 1, 1, max };
	int e[2][5], i, j, fd;

	ASSERT_LE(0, topo_single_ns());
	for_each_stack(i) {
		fd = stack_socket(i);
		ASSERT_LE(0, fd);
		for (j = 0; j < 5; j++)
			e[i][j] = sock_setint(fd, SOL_TCP, opt, vals[j]);
		close(fd);
	}
	for (j = 0; j < 5; j++) {
		TH_LOG("%s=%d: TCP %s, XTCP %s", name, vals[j], errname(e[STACK_TCP][j]),
		       errname(e[STACK_XTCP][j]));
		EXPECT_EQ(vals[j] >= 1 && vals[j] <= max ? 0 : EINVAL, e[STACK_XTCP][j]);
		EXPECT_EQ(e[STACK_TCP][j], e[STACK_XTCP][j]);
	}
}

TEST(keepidle_bounds_1_32767)
{
	bounds(_metadata, TCP_KEEPIDLE, "TCP_KEEPIDLE", 32767);
}

TEST(keepintvl_bounds_1_32767)
{
	bounds(_metadata, TCP_KEEPINTVL, "TCP_KEEPINTVL", 32767);
}

TEST(keepcnt_bounds_1_127)
{
	bounds(_metadata, TCP_KEEPCNT, "TCP_KEEPCNT", 127);
}

/* getsockopt shows the sysctl until the socket has its own value. */
TEST(getsockopt_follows_sysctl_until_set)
{
	static const int opts[] = { TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT };
	static const char *const x[] = { "keepalive_time", "keepalive_intvl",
					 "keepalive_probes" };
	static const char *const t[] = { "tcp_keepalive_time", "tcp_keepalive_intvl",
					 "tcp_keepalive_probes" };
	int fd[2], own[2], j, i;

	ASSERT_LE(0, topo_single_ns());
	for_each_stack(i) {
		fd[i] = stack_socket(i);
		own[i] = stack_socket(i);
		ASSERT_LE(0, fd[i]);
		ASSERT_LE(0, own[i]);
	}
	for (j = 0; j < 3; j++) {
		int v[2][3];

		for_each_stack(i) {
			v[i][0] = sock_getint(fd[i], SOL_TCP, opts[j]);
			ASSERT_EQ(0, sock_setint(own[i], SOL_TCP, opts[j], 17));
		}
		ASSERT_EQ(0, sysctl_both(x[j], t[j], 42));
		for_each_stack(i) {
			v[i][1] = sock_getint(fd[i], SOL_TCP, opts[j]);
			v[i][2] = sock_getint(own[i], SOL_TCP, opts[j]);
		}
		TH_LOG("%s: default TCP %d XTCP %d; after sysctl=42: TCP %d XTCP %d; own 17: TCP %d XTCP %d",
		       x[j], v[STACK_TCP][0], v[STACK_XTCP][0], v[STACK_TCP][1], v[STACK_XTCP][1],
		       v[STACK_TCP][2], v[STACK_XTCP][2]);
		EXPECT_EQ(v[STACK_TCP][0], v[STACK_XTCP][0]);
		EXPECT_EQ(42, v[STACK_XTCP][1]);
		EXPECT_EQ(17, v[STACK_XTCP][2]);
		EXPECT_EQ(v[STACK_TCP][1], v[STACK_XTCP][1]);
		EXPECT_EQ(v[STACK_TCP][2], v[STACK_XTCP][2]);
	}
	for_each_stack(i) {
		close(fd[i]);
		close(own[i]);
	}
}

/* -------------------------------------------------------- timer column */

TEST_F(ka, proc_timer_column_02)
{
	struct proc_row r[2];
	int i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i)
		ASSERT_EQ(0, keepalive(self->k[i].c, 5, 0, 0));
	msleep(200);
	for_each_stack(i)
		ASSERT_EQ(ST_ESTABLISHED, proc_state(self->t.ns[SIDE_A], i,
						   self->k[i].cport, self->k[i].port, &r[i]));
	LOG2("timer", "%u", r[STACK_TCP].timer, r[STACK_XTCP].timer);
	LOG2("tm->when", "%lu", r[STACK_TCP].when, r[STACK_XTCP].when);
	EXPECT_EQ(2, r[STACK_XTCP].timer);
	EXPECT_LT(350, r[STACK_XTCP].when);
	EXPECT_GE(500, r[STACK_XTCP].when);
	EXPECT_EQ(r[STACK_TCP].timer, r[STACK_XTCP].timer);
}

TEST_F(ka, no_so_keepalive_no_probes)
{
	struct proc_row r[2];
	double t[8];
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i)
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_KEEPIDLE, 1));
	msleep(1800);
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	for_each_stack(i) {
		n[i] = probes(self, i, t, 8);
		proc_state(self->t.ns[SIDE_A], i, self->k[i].cport, self->k[i].port, &r[i]);
	}
	LOG2("probes in 1.8 s with TCP_KEEPIDLE=1 but no SO_KEEPALIVE", "%d", n[STACK_TCP], n[STACK_XTCP]);
	LOG2("timer", "%u", r[STACK_TCP].timer, r[STACK_XTCP].timer);
	EXPECT_EQ(0, n[STACK_XTCP]);
	EXPECT_EQ(0, r[STACK_XTCP].timer);
	EXPECT_EQ(n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP].timer, r[STACK_XTCP].timer);
}

/* ------------------------------------------------------- the probe */

TEST_F(ka, probe_is_ack_seq_snd_una_minus_1)
{
	struct seg p[2];
	double t[8];
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	msleep(1700);
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	segs_print(self->segs, self->nsegs);
	for_each_stack(i) {
		memset(&p[i], 0, sizeof(p[i]));
		n[i] = probes(self, i, t, 8);
		seg_count(self->segs, self->nsegs, stack_proto(i), self->k[i].cport,
			 self->k[i].port, 0, 0, &p[i]);
		TH_LOG("%s: snd_una %u rcv_nxt %u; first segment from A: [%s] seq %u ack %u len %d",
		       stack_name(i), self->k[i].snd_una, self->k[i].rcv_nxt,
		       seg_flags_str(p[i].flags), p[i].seq, p[i].ack, p[i].len);
	}
	LOG2("probes (ACK, no data, seq snd_una-1) in 1.7 s", "%d", n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_LE(1, n[STACK_XTCP]);
	EXPECT_EQ(n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_EQ(TH_ACK, p[STACK_XTCP].flags);
	EXPECT_EQ(self->k[STACK_XTCP].snd_una - 1, p[STACK_XTCP].seq);
	EXPECT_EQ(self->k[STACK_XTCP].rcv_nxt, p[STACK_XTCP].ack);
}

TEST_F(ka, peer_answers_probe_with_ack)
{
	struct seg a[2];
	double t[8];
	int n[2], acks[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	msleep(1700);
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	for_each_stack(i) {
		memset(&a[i], 0, sizeof(a[i]));
		n[i] = probes(self, i, t, 8);
		acks[i] = seg_count(self->segs, self->nsegs, stack_proto(i),
				   self->k[i].port, self->k[i].cport, TH_ACK,
				   TH_SYN | TH_FIN | TH_RST, &a[i]);
	}
	segs_print(self->segs, self->nsegs);
	LOG2("probes", "%d", n[STACK_TCP], n[STACK_XTCP]);
	LOG2("ACKs from the peer", "%d", acks[STACK_TCP], acks[STACK_XTCP]);
	ASSERT_LE(1, n[STACK_XTCP]);
	EXPECT_EQ(n[STACK_XTCP], acks[STACK_XTCP]);
	EXPECT_EQ(self->k[STACK_XTCP].snd_una, a[STACK_XTCP].ack);
	EXPECT_EQ(self->k[STACK_XTCP].rcv_nxt, a[STACK_XTCP].seq);
	EXPECT_EQ(0, a[STACK_XTCP].len);
	EXPECT_EQ(acks[STACK_TCP], acks[STACK_XTCP]);
}

/* Answered probes keep the connection, even with TCP_KEEPCNT=1. */
TEST_F(ka, answered_probes_keep_connection)
{
	int s[2], e[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 1));
	msleep(3500);
	for_each_stack(i) {
		s[i] = proc_state(self->t.ns[SIDE_A], i, self->k[i].cport,
				self->k[i].port, NULL);
		e[i] = sock_so_error(self->k[i].c);
	}
	LOG2("state after 3.5 s", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	LOG2("SO_ERROR", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ST_ESTABLISHED, s[STACK_XTCP]);
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

/* -------------------------------------------------- peer cut off: abort */

struct abort_res {
	double when[2];			/* seconds from SO_KEEPALIVE to POLLERR */
	int revents[2];
	long kal[2], tmo[2];		/* TCPKeepAlive, TCPAbortOnTimeout deltas */
	int nprobes[2];
	double pt[2][16];
	int rst[2];
};

/*
 * B cut; keepalive (@idle, @intvl, @cnt, TCP_USER_TIMEOUT @ut ms) on A;
 * wait up to @max s for both sockets to report an error.
 */
static void cut_scenario(struct __test_metadata *_metadata, FIXTURE_DATA(ka) *self,
			 int idle, int intvl, int cnt, int ut, double max,
			 struct abort_res *r)
{
	long kal0[2], tmo0[2];
	double t0;
	int i, done = 0;

	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, open_pairs(self));
	/* both A ends last heard from their peer now, not at their setup a
	 * while apart: keepalive and TCP_USER_TIMEOUT count from there
	 */
	for_each_stack(i) {
		char b;

		ASSERT_EQ(1, send(self->k[i].s, "!", 1, 0));
		ASSERT_EQ(0, sock_read_n(self->k[i].c, &b, 1, 2000));
		self->k[i].rcv_nxt++;
	}
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	ns_enter(self->t.ns[SIDE_A]);
	for_each_stack(i) {
		kal0[i] = counter(i, "TCPKeepAlive");
		tmo0[i] = counter(i, "TCPAbortOnTimeout");
		if (ut)
			ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_USER_TIMEOUT, ut));
	}
	t0 = now();
	for_each_stack(i) {
		ASSERT_EQ(0, keepalive(self->k[i].c, idle, intvl, cnt));
		r->when[i] = -1;
	}
	while (done < 2 && now() - t0 < max) {
		for_each_stack(i) {
			int ev;

			if (r->when[i] >= 0)
				continue;
			ev = sock_poll(self->k[i].c, POLLIN | POLLOUT | POLLRDHUP, 0);
			if (ev & POLLERR) {
				r->when[i] = now() - t0;
				done++;
			}
		}
		msleep(20);
	}
	msleep(200);
	/* poll() does not lock the socket: Linux's keepalive timer reports
	 * the error (sk_err, wake-up) before tcp_done() closes the socket, so
	 * a poll at the wake-up may see POLLERR without POLLHUP. Compare the
	 * settled mask, as a program polling again would see it.
	 */
	for_each_stack(i)
		r->revents[i] = sock_poll(self->k[i].c, POLLIN | POLLOUT | POLLRDHUP, 0);
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	for_each_stack(i) {
		r->kal[i] = counter(i, "TCPKeepAlive") - kal0[i];
		r->tmo[i] = counter(i, "TCPAbortOnTimeout") - tmo0[i];
		r->nprobes[i] = probes(self, i, r->pt[i], 16);
		r->rst[i] = seg_count(self->segs, self->nsegs, stack_proto(i),
				     self->k[i].cport, self->k[i].port, TH_RST, 0, NULL);
	}
	LOG2("aborted after (s)", "%.2f", r->when[STACK_TCP], r->when[STACK_XTCP]);
}

TEST_F_TIMEOUT(ka, abort_after_idle_plus_intvl_times_probes, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	ASSERT_LE(0, r.when[STACK_XTCP]);
	EXPECT_LE(2.0, r.when[STACK_XTCP]);	/* 1 + 1 * 2 = 3 s, +-1 s */
	EXPECT_GE(4.0, r.when[STACK_XTCP]);
	EXPECT_GE(1.0, r.when[STACK_XTCP] - r.when[STACK_TCP]);
	EXPECT_GE(1.0, r.when[STACK_TCP] - r.when[STACK_XTCP]);
}

TEST_F_TIMEOUT(ka, unanswered_probes_spaced_by_intvl, 20)
{
	struct abort_res r;
	int i, j;

	cut_scenario(_metadata, self, 2, 1, 3, 0, 8, &r);
	LOG2("probes", "%d", r.nprobes[STACK_TCP], r.nprobes[STACK_XTCP]);
	for_each_stack(i)
		for (j = 1; j < r.nprobes[i] && j < 16; j++)
			TH_LOG("%s probe %d: +%.3f s", stack_name(i), j,
			       r.pt[i][j] - r.pt[i][j - 1]);
	EXPECT_EQ(3, r.nprobes[STACK_XTCP]);
	EXPECT_EQ(r.nprobes[STACK_TCP], r.nprobes[STACK_XTCP]);
	for (j = 1; j < r.nprobes[STACK_XTCP] && j < 16; j++) {
		EXPECT_LE(0.7, r.pt[STACK_XTCP][j] - r.pt[STACK_XTCP][j - 1]);
		EXPECT_GE(1.5, r.pt[STACK_XTCP][j] - r.pt[STACK_XTCP][j - 1]);
	}
}

TEST_F_TIMEOUT(ka, abort_recv_etimedout, 20)
{
	struct abort_res r;
	int e[2], i;
	char b[4];

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	for_each_stack(i)
		e[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	LOG2("recv", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ETIMEDOUT, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F_TIMEOUT(ka, abort_poll_err_hup, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	LOG2("revents", "%#x", r.revents[STACK_TCP], r.revents[STACK_XTCP]);
	EXPECT_EQ(POLLERR | POLLHUP, r.revents[STACK_XTCP] & (POLLERR | POLLHUP));
	EXPECT_EQ(r.revents[STACK_TCP], r.revents[STACK_XTCP]);
}

TEST_F_TIMEOUT(ka, abort_counts_keepalive_and_timeout, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	LOG2("TCPKeepAlive delta", "%ld", r.kal[STACK_TCP], r.kal[STACK_XTCP]);
	LOG2("TCPAbortOnTimeout delta", "%ld", r.tmo[STACK_TCP], r.tmo[STACK_XTCP]);
	EXPECT_EQ(2, r.kal[STACK_XTCP]);
	EXPECT_EQ(1, r.tmo[STACK_XTCP]);
	EXPECT_EQ(r.kal[STACK_TCP], r.kal[STACK_XTCP]);
	EXPECT_EQ(r.tmo[STACK_TCP], r.tmo[STACK_XTCP]);
}

/* Linux's keepalive timer sends a RST when it gives up. */
TEST_F_TIMEOUT(ka, abort_sends_rst_as_linux, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	segs_print(self->segs, self->nsegs);
	LOG2("RSTs from the aborting side", "%d", r.rst[STACK_TCP], r.rst[STACK_XTCP]);
	EXPECT_EQ(r.rst[STACK_TCP], r.rst[STACK_XTCP]);
}

/* TCP_USER_TIMEOUT 2.5 s ends it at the first probe after 2.5 s (not 10 s). */
TEST_F_TIMEOUT(ka, user_timeout_bounds_keepalive, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 9, 2500, 12, &r);
	LOG2("probes", "%d", r.nprobes[STACK_TCP], r.nprobes[STACK_XTCP]);
	ASSERT_LE(0, r.when[STACK_XTCP]);
	EXPECT_LE(2.5, r.when[STACK_XTCP]);
	EXPECT_GE(4.5, r.when[STACK_XTCP]);
	EXPECT_GE(1.0, r.when[STACK_XTCP] - r.when[STACK_TCP]);
	EXPECT_GE(1.0, r.when[STACK_TCP] - r.when[STACK_XTCP]);
}

/*
 * net.xtcp.keepalive_* set after the connection exists apply to a socket
 * without its own values (SO_KEEPALIVE enabled afterwards); a socket with
 * its own TCP_KEEPIDLE keeps it.
 */
TEST_F_TIMEOUT(ka, sysctls_apply_to_sockets_without_own_values, 20)
{
	double t0, dead[2] = { -1, -1 };
	int own_s[2], i;

	ASSERT_EQ(0, open_pairs(self));
	/* a second pair per stack, with its own TCP_KEEPIDLE */
	for_each_stack(i)
		ASSERT_EQ(0, topo_pair(&self->t, i, 7010 + i, NULL, &self->extra[i],
				     &self->extra[2 + i]));
	ns_enter(self->t.ns[SIDE_A]);
	ASSERT_EQ(0, sysctl_both("keepalive_time", "tcp_keepalive_time", 1));
	ASSERT_EQ(0, sysctl_both("keepalive_intvl", "tcp_keepalive_intvl", 1));
	ASSERT_EQ(0, sysctl_both("keepalive_probes", "tcp_keepalive_probes", 2));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	t0 = now();
	for_each_stack(i) {
		ASSERT_EQ(0, keepalive(self->k[i].c, 0, 0, 0));
		ASSERT_EQ(0, keepalive(self->extra[i], 30, 0, 0));
	}
	while (now() - t0 < 5) {
		for_each_stack(i)
			if (dead[i] < 0 && (sock_poll(self->k[i].c, POLLIN, 0) & POLLERR))
				dead[i] = now() - t0;
		msleep(20);
	}
	for_each_stack(i)
		own_s[i] = sock_poll(self->extra[i], POLLIN, 0) & POLLERR;
	LOG2("socket on sysctl values aborted after (s)", "%.2f", dead[STACK_TCP], dead[STACK_XTCP]);
	LOG2("socket with TCP_KEEPIDLE=30 has an error after 5 s", "%d", !!own_s[STACK_TCP],
	     !!own_s[STACK_XTCP]);
	EXPECT_LE(2.0, dead[STACK_XTCP]);
	EXPECT_GE(4.0, dead[STACK_XTCP]);
	EXPECT_EQ(0, own_s[STACK_XTCP]);
	EXPECT_EQ(!!own_s[STACK_TCP], !!own_s[STACK_XTCP]);
}

/*
 * The peer lost the connection (its socket aborted while its RST was
 * lost): the next probe is answered with a RST -> ECONNRESET.
 */
TEST_F_TIMEOUT(ka, peer_lost_state_rst_econnreset, 20)
{
	double t0, when[2] = { -1, -1 };
	int e[2], i;
	char b[4];

	ASSERT_EQ(0, open_pairs(self));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	for_each_stack(i) {
		sock_abort(self->k[i].s);
		self->k[i].s = -1;
	}
	msleep(100);
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, false));
	t0 = now();
	for_each_stack(i)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	while (now() - t0 < 5 && (when[0] < 0 || when[1] < 0)) {
		for_each_stack(i)
			if (when[i] < 0 && (sock_poll(self->k[i].c, POLLIN, 0) & POLLERR))
				when[i] = now() - t0;
		msleep(20);
	}
	for_each_stack(i)
		e[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	LOG2("error after (s)", "%.2f", when[STACK_TCP], when[STACK_XTCP]);
	LOG2("recv", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ECONNRESET, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	EXPECT_GE(2.0, when[STACK_XTCP]);
}

XTCP_HARNESS_MAIN
