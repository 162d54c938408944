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
#define TD_LIB_NO_MAIN
#include "helpers/td_lib.c"
#include "kselftest_harness.h"

#define T 0
#define X 1

static const int kind_of[2] = { TD_TCP, TD_XTCP };

FIXTURE(ka) {
	struct td_topo t;
	struct td_conn k[2];
	int extra[4];
	int cap;
	struct td_seg segs[512];
	int nsegs;
};

FIXTURE_SETUP(ka)
{
	int i, err;

	self->cap = -1;
	for (i = 0; i < 2; i++)
		self->k[i].c = self->k[i].s = -1;
	for (i = 0; i < 4; i++)
		self->extra[i] = -1;
	err = td_topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(ka)
{
	int i;

	td_cut(&self->t, TD_A, false);
	td_cut(&self->t, TD_B, false);
	for (i = 0; i < 2; i++) {
		td_abort(self->k[i].s);
		td_abort(self->k[i].c);
	}
	for (i = 0; i < 4; i++)
		td_abort(self->extra[i]);
	if (self->cap >= 0)
		close(self->cap);
	if (td_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

#define LOG2(what, fmt, tv, xv) \
	TH_LOG("%s: TCP " fmt ", XTCP " fmt, what, tv, xv)

/*
 * TCP and XTCP connections; A sends "ping" (captured, so the sequence
 * numbers are known), B answers "pong". 0 or errno.
 */
static int open_pairs(FIXTURE_DATA(ka) *self)
{
	self->cap = td_cap_a(&self->t);
	if (self->cap < 0)
		return errno;
	self->nsegs = 0;
	return td_conns_open(&self->t, self->cap, kind_of, self->k, 2, 7000);
}

static int keepalive(int fd, int idle, int intvl, int cnt)
{
	if ((idle && xtcp_setint(fd, SOL_TCP, TCP_KEEPIDLE, idle)) ||
	    (intvl && xtcp_setint(fd, SOL_TCP, TCP_KEEPINTVL, intvl)) ||
	    (cnt && xtcp_setint(fd, SOL_TCP, TCP_KEEPCNT, cnt)))
		return errno;
	return xtcp_setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}

/* Probes: A's segments without data and without SYN/FIN/RST. */
static int probes(FIXTURE_DATA(ka) *self, int i, double *t, int max)
{
	struct td_conn *c = &self->k[i];
	int j, n = 0;

	for (j = 0; j < self->nsegs; j++) {
		struct td_seg *s = &self->segs[j];

		if (s->proto != td_proto(kind_of[i]) || s->sport != c->cport ||
		    s->len || (s->flags & (TD_F_SYN | TD_F_FIN | TD_F_RST)) ||
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

	ASSERT_LE(0, td_single_ns());
	for (i = 0; i < 2; i++) {
		fd = td_socket(kind_of[i]);
		ASSERT_LE(0, fd);
		for (j = 0; j < 5; j++)
			e[i][j] = xtcp_setint(fd, SOL_TCP, opt, vals[j]);
		close(fd);
	}
	for (j = 0; j < 5; j++) {
		TH_LOG("%s=%d: TCP %s, XTCP %s", name, vals[j], td_errname(e[T][j]),
		       td_errname(e[X][j]));
		EXPECT_EQ(vals[j] >= 1 && vals[j] <= max ? 0 : EINVAL, e[X][j]);
		EXPECT_EQ(e[T][j], e[X][j]);
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

	ASSERT_LE(0, td_single_ns());
	for (i = 0; i < 2; i++) {
		fd[i] = td_socket(kind_of[i]);
		own[i] = td_socket(kind_of[i]);
		ASSERT_LE(0, fd[i]);
		ASSERT_LE(0, own[i]);
	}
	for (j = 0; j < 3; j++) {
		int v[2][3];

		for (i = 0; i < 2; i++) {
			v[i][0] = td_getint(fd[i], SOL_TCP, opts[j]);
			ASSERT_EQ(0, xtcp_setint(own[i], SOL_TCP, opts[j], 17));
		}
		ASSERT_EQ(0, td_sysctl_both(x[j], t[j], 42));
		for (i = 0; i < 2; i++) {
			v[i][1] = td_getint(fd[i], SOL_TCP, opts[j]);
			v[i][2] = td_getint(own[i], SOL_TCP, opts[j]);
		}
		TH_LOG("%s: default TCP %d XTCP %d; after sysctl=42: TCP %d XTCP %d; own 17: TCP %d XTCP %d",
		       x[j], v[T][0], v[X][0], v[T][1], v[X][1], v[T][2], v[X][2]);
		EXPECT_EQ(v[T][0], v[X][0]);
		EXPECT_EQ(42, v[X][1]);
		EXPECT_EQ(17, v[X][2]);
		EXPECT_EQ(v[T][1], v[X][1]);
		EXPECT_EQ(v[T][2], v[X][2]);
	}
	for (i = 0; i < 2; i++) {
		close(fd[i]);
		close(own[i]);
	}
}

/* -------------------------------------------------------- timer column */

TEST_F(ka, proc_timer_column_02)
{
	struct td_row r[2];
	int i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, keepalive(self->k[i].c, 5, 0, 0));
	td_msleep(200);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(ST_ESTABLISHED, td_state(self->t.ns[TD_A], kind_of[i],
						   self->k[i].cport, self->k[i].port, &r[i]));
	LOG2("timer", "%u", r[T].timer, r[X].timer);
	LOG2("tm->when", "%lu", r[T].when, r[X].when);
	EXPECT_EQ(2, r[X].timer);
	EXPECT_LT(350, r[X].when);
	EXPECT_GE(500, r[X].when);
	EXPECT_EQ(r[T].timer, r[X].timer);
}

TEST_F(ka, no_so_keepalive_no_probes)
{
	struct td_row r[2];
	double t[8];
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_KEEPIDLE, 1));
	td_msleep(1800);
	td_cap_read(self->cap, self->segs, &self->nsegs, 512, 0);
	for (i = 0; i < 2; i++) {
		n[i] = probes(self, i, t, 8);
		td_state(self->t.ns[TD_A], kind_of[i], self->k[i].cport, self->k[i].port, &r[i]);
	}
	LOG2("probes in 1.8 s with TCP_KEEPIDLE=1 but no SO_KEEPALIVE", "%d", n[T], n[X]);
	LOG2("timer", "%u", r[T].timer, r[X].timer);
	EXPECT_EQ(0, n[X]);
	EXPECT_EQ(0, r[X].timer);
	EXPECT_EQ(n[T], n[X]);
	EXPECT_EQ(r[T].timer, r[X].timer);
}

/* ------------------------------------------------------- the probe */

TEST_F(ka, probe_is_ack_seq_snd_una_minus_1)
{
	struct td_seg p[2];
	double t[8];
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	td_msleep(1700);
	td_cap_read(self->cap, self->segs, &self->nsegs, 512, 0);
	td_segs_print(self->segs, self->nsegs);
	for (i = 0; i < 2; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		n[i] = probes(self, i, t, 8);
		td_count(self->segs, self->nsegs, td_proto(kind_of[i]), self->k[i].cport,
			 self->k[i].port, 0, 0, &p[i]);
		TH_LOG("%s: snd_una %u rcv_nxt %u; first segment from A: [%s] seq %u ack %u len %d",
		       td_name(kind_of[i]), self->k[i].snd_una, self->k[i].rcv_nxt,
		       td_flags_str(p[i].flags), p[i].seq, p[i].ack, p[i].len);
	}
	LOG2("probes (ACK, no data, seq snd_una-1) in 1.7 s", "%d", n[T], n[X]);
	EXPECT_LE(1, n[X]);
	EXPECT_EQ(n[T], n[X]);
	EXPECT_EQ(TD_F_ACK, p[X].flags);
	EXPECT_EQ(self->k[X].snd_una - 1, p[X].seq);
	EXPECT_EQ(self->k[X].rcv_nxt, p[X].ack);
}

TEST_F(ka, peer_answers_probe_with_ack)
{
	struct td_seg a[2];
	double t[8];
	int n[2], acks[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	td_msleep(1700);
	td_cap_read(self->cap, self->segs, &self->nsegs, 512, 0);
	for (i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		n[i] = probes(self, i, t, 8);
		acks[i] = td_count(self->segs, self->nsegs, td_proto(kind_of[i]),
				   self->k[i].port, self->k[i].cport, TD_F_ACK,
				   TD_F_SYN | TD_F_FIN | TD_F_RST, &a[i]);
	}
	td_segs_print(self->segs, self->nsegs);
	LOG2("probes", "%d", n[T], n[X]);
	LOG2("ACKs from the peer", "%d", acks[T], acks[X]);
	ASSERT_LE(1, n[X]);
	EXPECT_EQ(n[X], acks[X]);
	EXPECT_EQ(self->k[X].snd_una, a[X].ack);
	EXPECT_EQ(self->k[X].rcv_nxt, a[X].seq);
	EXPECT_EQ(0, a[X].len);
	EXPECT_EQ(acks[T], acks[X]);
}

/* Answered probes keep the connection, even with TCP_KEEPCNT=1. */
TEST_F(ka, answered_probes_keep_connection)
{
	int s[2], e[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 1));
	td_msleep(3500);
	for (i = 0; i < 2; i++) {
		s[i] = td_state(self->t.ns[TD_A], kind_of[i], self->k[i].cport,
				self->k[i].port, NULL);
		e[i] = td_so_error(self->k[i].c);
	}
	LOG2("state after 3.5 s", "%02X", s[T], s[X]);
	LOG2("SO_ERROR", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ST_ESTABLISHED, s[X]);
	EXPECT_EQ(0, e[X]);
	EXPECT_EQ(s[T], s[X]);
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
	for (i = 0; i < 2; i++) {
		char b;

		ASSERT_EQ(1, send(self->k[i].s, "!", 1, 0));
		ASSERT_EQ(0, td_read_n(self->k[i].c, &b, 1, 2000));
		self->k[i].rcv_nxt++;
	}
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	nl_ns_enter(self->t.ns[TD_A]);
	for (i = 0; i < 2; i++) {
		kal0[i] = td_stat(kind_of[i], "TCPKeepAlive");
		tmo0[i] = td_stat(kind_of[i], "TCPAbortOnTimeout");
		if (ut)
			ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_USER_TIMEOUT, ut));
	}
	t0 = td_now();
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, keepalive(self->k[i].c, idle, intvl, cnt));
		r->when[i] = -1;
	}
	while (done < 2 && td_now() - t0 < max) {
		for (i = 0; i < 2; i++) {
			int ev;

			if (r->when[i] >= 0)
				continue;
			ev = td_poll(self->k[i].c, POLLIN | POLLOUT | POLLRDHUP, 0);
			if (ev & POLLERR) {
				r->when[i] = td_now() - t0;
				r->revents[i] = ev;
				done++;
			}
		}
		td_msleep(20);
	}
	td_msleep(200);
	td_cap_read(self->cap, self->segs, &self->nsegs, 512, 0);
	for (i = 0; i < 2; i++) {
		r->kal[i] = td_stat(kind_of[i], "TCPKeepAlive") - kal0[i];
		r->tmo[i] = td_stat(kind_of[i], "TCPAbortOnTimeout") - tmo0[i];
		r->nprobes[i] = probes(self, i, r->pt[i], 16);
		r->rst[i] = td_count(self->segs, self->nsegs, td_proto(kind_of[i]),
				     self->k[i].cport, self->k[i].port, TD_F_RST, 0, NULL);
	}
	LOG2("aborted after (s)", "%.2f", r->when[T], r->when[X]);
}

TEST_F_TIMEOUT(ka, abort_after_idle_plus_intvl_times_probes, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	ASSERT_LE(0, r.when[X]);
	EXPECT_LE(2.0, r.when[X]);	/* 1 + 1 * 2 = 3 s, +-1 s */
	EXPECT_GE(4.0, r.when[X]);
	EXPECT_GE(1.0, r.when[X] - r.when[T]);
	EXPECT_GE(1.0, r.when[T] - r.when[X]);
}

TEST_F_TIMEOUT(ka, unanswered_probes_spaced_by_intvl, 20)
{
	struct abort_res r;
	int i, j;

	cut_scenario(_metadata, self, 2, 1, 3, 0, 8, &r);
	LOG2("probes", "%d", r.nprobes[T], r.nprobes[X]);
	for (i = 0; i < 2; i++)
		for (j = 1; j < r.nprobes[i] && j < 16; j++)
			TH_LOG("%s probe %d: +%.3f s", td_name(kind_of[i]), j,
			       r.pt[i][j] - r.pt[i][j - 1]);
	EXPECT_EQ(3, r.nprobes[X]);
	EXPECT_EQ(r.nprobes[T], r.nprobes[X]);
	for (j = 1; j < r.nprobes[X] && j < 16; j++) {
		EXPECT_LE(0.7, r.pt[X][j] - r.pt[X][j - 1]);
		EXPECT_GE(1.5, r.pt[X][j] - r.pt[X][j - 1]);
	}
}

TEST_F_TIMEOUT(ka, abort_recv_etimedout, 20)
{
	struct abort_res r;
	int e[2], i;
	char b[4];

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	for (i = 0; i < 2; i++)
		e[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	LOG2("recv", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ETIMEDOUT, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F_TIMEOUT(ka, abort_poll_err_hup, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	LOG2("revents", "%#x", r.revents[T], r.revents[X]);
	EXPECT_EQ(POLLERR | POLLHUP, r.revents[X] & (POLLERR | POLLHUP));
	EXPECT_EQ(r.revents[T], r.revents[X]);
}

TEST_F_TIMEOUT(ka, abort_counts_keepalive_and_timeout, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	LOG2("TCPKeepAlive delta", "%ld", r.kal[T], r.kal[X]);
	LOG2("TCPAbortOnTimeout delta", "%ld", r.tmo[T], r.tmo[X]);
	EXPECT_EQ(2, r.kal[X]);
	EXPECT_EQ(1, r.tmo[X]);
	EXPECT_EQ(r.kal[T], r.kal[X]);
	EXPECT_EQ(r.tmo[T], r.tmo[X]);
}

/* Linux's keepalive timer sends a RST when it gives up. */
TEST_F_TIMEOUT(ka, abort_sends_rst_as_linux, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 2, 0, 6, &r);
	td_segs_print(self->segs, self->nsegs);
	LOG2("RSTs from the aborting side", "%d", r.rst[T], r.rst[X]);
	EXPECT_EQ(r.rst[T], r.rst[X]);
}

/* TCP_USER_TIMEOUT 2.5 s ends it at the first probe after 2.5 s (not 10 s). */
TEST_F_TIMEOUT(ka, user_timeout_bounds_keepalive, 20)
{
	struct abort_res r;

	cut_scenario(_metadata, self, 1, 1, 9, 2500, 12, &r);
	LOG2("probes", "%d", r.nprobes[T], r.nprobes[X]);
	ASSERT_LE(0, r.when[X]);
	EXPECT_LE(2.5, r.when[X]);
	EXPECT_GE(4.5, r.when[X]);
	EXPECT_GE(1.0, r.when[X] - r.when[T]);
	EXPECT_GE(1.0, r.when[T] - r.when[X]);
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
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, td_pair(&self->t, kind_of[i], 7010 + i, &self->extra[i],
				     &self->extra[2 + i]));
	nl_ns_enter(self->t.ns[TD_A]);
	ASSERT_EQ(0, td_sysctl_both("keepalive_time", "tcp_keepalive_time", 1));
	ASSERT_EQ(0, td_sysctl_both("keepalive_intvl", "tcp_keepalive_intvl", 1));
	ASSERT_EQ(0, td_sysctl_both("keepalive_probes", "tcp_keepalive_probes", 2));
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	t0 = td_now();
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, keepalive(self->k[i].c, 0, 0, 0));
		ASSERT_EQ(0, keepalive(self->extra[i], 30, 0, 0));
	}
	while (td_now() - t0 < 5) {
		for (i = 0; i < 2; i++)
			if (dead[i] < 0 && (td_poll(self->k[i].c, POLLIN, 0) & POLLERR))
				dead[i] = td_now() - t0;
		td_msleep(20);
	}
	for (i = 0; i < 2; i++)
		own_s[i] = td_poll(self->extra[i], POLLIN, 0) & POLLERR;
	LOG2("socket on sysctl values aborted after (s)", "%.2f", dead[T], dead[X]);
	LOG2("socket with TCP_KEEPIDLE=30 has an error after 5 s", "%d", !!own_s[T], !!own_s[X]);
	EXPECT_LE(2.0, dead[X]);
	EXPECT_GE(4.0, dead[X]);
	EXPECT_EQ(0, own_s[X]);
	EXPECT_EQ(!!own_s[T], !!own_s[X]);
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
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	for (i = 0; i < 2; i++) {
		td_abort(self->k[i].s);
		self->k[i].s = -1;
	}
	td_msleep(100);
	ASSERT_EQ(0, td_cut(&self->t, TD_B, false));
	t0 = td_now();
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, keepalive(self->k[i].c, 1, 1, 5));
	while (td_now() - t0 < 5 && (when[0] < 0 || when[1] < 0)) {
		for (i = 0; i < 2; i++)
			if (when[i] < 0 && (td_poll(self->k[i].c, POLLIN, 0) & POLLERR))
				when[i] = td_now() - t0;
		td_msleep(20);
	}
	for (i = 0; i < 2; i++)
		e[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	LOG2("error after (s)", "%.2f", when[T], when[X]);
	LOG2("recv", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ECONNRESET, e[X]);
	EXPECT_EQ(e[T], e[X]);
	EXPECT_GE(2.0, when[X]);
}

TEST_HARNESS_MAIN
