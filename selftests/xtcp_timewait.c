// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP TIME_WAIT: its /proc/net/xtcp row, its length (net.xtcp.tw_timeout,
 * a new value applying to new entries only), TimeWaited, what it does
 * with a retransmitted FIN (re-ACK, timer restarted), with a RST
 * (killed unless net.xtcp.rfc1337=1) and with a new SYN (reused),
 * net.xtcp.max_tw_buckets (TCPTimeWaitOverflow), and bind() to an
 * address:port held in TIME_WAIT (EADDRINUSE unless SO_REUSEADDR).
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * The same scenario runs over TCP where Linux can be compared (its
 * TIME_WAIT lasts 60 s, so lengths are checked for XTCP alone).
 * Retransmitted FINs and RSTs are forged with a raw socket in A (delivered
 * through lo with B's address as source); B is cut (netem loss 100% on vb)
 * meanwhile so that its RSTs to A's ACKs cannot disturb the entry.
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

/* a connection of one stack */
struct tw_conn {
	int c, s;
	unsigned short cport, port;
	struct seg bfin;		/* B's FIN as captured */
	bool have_fin;
};

FIXTURE(tw) {
	struct topo t;
	struct tw_conn k[NSTACKS];
	int cap, raw;
	struct seg segs[512];
	int nsegs;
	double entered;			/* when the A rows went TIME_WAIT */
};

FIXTURE_SETUP(tw)
{
	int i, err;

	self->cap = self->raw = -1;
	for_each_stack(i)
		self->k[i].c = self->k[i].s = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(tw)
{
	int i;

	topo_cut(&self->t, SIDE_A, false);
	topo_cut(&self->t, SIDE_B, false);
	for_each_stack(i) {
		sock_abort(self->k[i].s);
		sock_abort(self->k[i].c);
	}
	if (self->cap >= 0)
		close(self->cap);
	if (self->raw >= 0)
		close(self->raw);
	if (topo_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

#define LOG2(what, fmt, tv, xv) \
	TH_LOG("%s: TCP " fmt ", XTCP " fmt, what, tv, xv)

static void set_tw_timeout(FIXTURE_DATA(tw) *self, int side, int secs)
{
	TOPO_IN(&self->t, side, sysctl_set_int("net.xtcp.tw_timeout", secs));
}

static int row_a(FIXTURE_DATA(tw) *self, int i, struct proc_row *r)
{
	return proc_state(self->t.ns[SIDE_A], i, self->k[i].cport, self->k[i].port, r);
}

/*
 * Connection(s) (TCP and XTCP, or XTCP only) closed by A first, then B:
 * A holds them in TIME_WAIT. B's FINs are captured. 0 or -1.
 */
static int make_tw(struct __test_metadata *_metadata, FIXTURE_DATA(tw) *self, bool tcp_too)
{
	int last = tcp_too ? STACK_TCP : STACK_XTCP, i, err;
	double t0;

	self->cap = topo_cap(&self->t, SIDE_A);
	if (self->cap < 0)
		return -1;
	for (i = STACK_XTCP; i <= last; i++) {
		struct tw_conn *c = &self->k[i];

		c->port = 7000 + i;
		err = topo_pair(&self->t, i, c->port, NULL, &c->c, &c->s);
		if (err) {
			TH_LOG("%s connection: %s", stack_name(i), strerror(err));
			return -1;
		}
		c->cport = sock_local_port(c->c);
	}
	for (i = STACK_XTCP; i <= last; i++) {
		close(self->k[i].c);
		self->k[i].c = -1;
	}
	msleep(100);
	for (i = STACK_XTCP; i <= last; i++) {
		close(self->k[i].s);
		self->k[i].s = -1;
	}
	t0 = now();
	for (i = STACK_XTCP; i <= last; i++) {
		if (proc_wait_state(self->t.ns[SIDE_A], i, self->k[i].cport,
				  self->k[i].port, ST_TIME_WAIT, 2) < 0) {
			TH_LOG("%s: no TIME_WAIT row", stack_name(i));
			return -1;
		}
	}
	self->entered = t0;
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	for (i = STACK_XTCP; i <= last; i++) {
		struct tw_conn *c = &self->k[i];

		c->have_fin = seg_count(self->segs, self->nsegs, stack_proto(i),
				       c->port, c->cport, TH_FIN, 0, &c->bfin) > 0;
		if (!c->have_fin) {
			TH_LOG("%s: B's FIN not captured", stack_name(i));
			return -1;
		}
	}
	return 0;
}

/* Forge a segment from B to A on connection @i (delivered through A's lo). */
static int forge(FIXTURE_DATA(tw) *self, int i, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct tw_conn *c = &self->k[i];
	struct raw_seg r = {
		.proto = stack_proto(i),
		.saddr = inet_addr(IP_B), .daddr = inet_addr(IP_A),
		.sport = c->port, .dport = c->cport,
		.seq = seq, .ack = ack, .flags = flags, .win = 502,
	};

	if (self->raw < 0) {
		self->raw = TOPO_IN(&self->t, SIDE_A, raw_open());
		if (self->raw < 0)
			return errno;
	}
	return raw_send(self->raw, &r);
}

/* Seconds from entering TIME_WAIT until the XTCP row of @i is gone. */
static double lifetime(FIXTURE_DATA(tw) *self, int i, double max)
{
	double w = proc_wait_state(self->t.ns[SIDE_A], STACK_XTCP, self->k[i].cport,
				 self->k[i].port, 0, max);

	return w < 0 ? -1 : now() - self->entered;
}

/* ------------------------------------------------------------- the row */

TEST_F_TIMEOUT(tw, proc_row_st06_tr03_counting_down, 20)
{
	struct proc_row r1[2], r2[2];
	int i;

	set_tw_timeout(self, SIDE_A, 3);
	ASSERT_EQ(0, make_tw(_metadata, self, true));
	for_each_stack(i)
		ASSERT_EQ(ST_TIME_WAIT, row_a(self, i, &r1[i]));
	msleep(500);
	for_each_stack(i)
		ASSERT_EQ(ST_TIME_WAIT, row_a(self, i, &r2[i]));
	for_each_stack(i)
		TH_LOG("%s: st %02X tx %u rx %u tr %u when %lu -> %lu retr %u uid %u timeout %d inode %lu",
		       stack_name(i), r1[i].state, r1[i].txq, r1[i].rxq, r1[i].timer,
		       r1[i].when, r2[i].when, r1[i].retr, r1[i].uid, r1[i].timeout,
		       r1[i].inode);
	EXPECT_EQ(3, r1[STACK_XTCP].timer);
	EXPECT_LT(0, r1[STACK_XTCP].when);
	EXPECT_GE(300, r1[STACK_XTCP].when);
	EXPECT_LT(r2[STACK_XTCP].when, r1[STACK_XTCP].when);
	EXPECT_GE(r1[STACK_XTCP].when - r2[STACK_XTCP].when, 30);
	EXPECT_EQ(0, r1[STACK_XTCP].txq);
	EXPECT_EQ(0, r1[STACK_XTCP].rxq);
	EXPECT_EQ(0, r1[STACK_XTCP].retr);
	EXPECT_EQ(0, r1[STACK_XTCP].inode);
	EXPECT_EQ(r1[STACK_TCP].timer, r1[STACK_XTCP].timer);
	EXPECT_EQ(r1[STACK_TCP].inode, r1[STACK_XTCP].inode);
	EXPECT_EQ(r1[STACK_TCP].uid, r1[STACK_XTCP].uid);
}

/* ----------------------------------------------------------- its length */

static void check_length(struct __test_metadata *_metadata, FIXTURE_DATA(tw) *self, int secs)
{
	double life;

	set_tw_timeout(self, SIDE_A, secs);
	ASSERT_EQ(0, make_tw(_metadata, self, false));
	life = lifetime(self, STACK_XTCP, secs + 3);
	TH_LOG("tw_timeout=%d: TIME_WAIT lasted %.2f s", secs, life);
	ASSERT_LE(0, life);
	EXPECT_LE(secs - 1.0, life);
	EXPECT_GE(secs + 1.0, life);
}

TEST_F_TIMEOUT(tw, lasts_tw_timeout_1, 20)
{
	check_length(_metadata, self, 1);
}

TEST_F_TIMEOUT(tw, lasts_tw_timeout_3, 20)
{
	check_length(_metadata, self, 3);
}

/* tw_timeout=4 for a first entry, then 1: the first keeps its 4 s. */
TEST_F_TIMEOUT(tw, new_tw_timeout_applies_to_new_entries_only, 30)
{
	struct tw_conn first;
	double entered1, life1, life2;

	set_tw_timeout(self, SIDE_A, 4);
	ASSERT_EQ(0, make_tw(_metadata, self, false));
	first = self->k[STACK_XTCP];
	entered1 = self->entered;
	close(self->cap);
	self->cap = -1;
	set_tw_timeout(self, SIDE_A, 1);
	self->k[STACK_XTCP].c = self->k[STACK_XTCP].s = -1;
	/* second connection: another port */
	{
		struct tw_conn *c = &self->k[STACK_XTCP];
		double t0;

		c->port = 7011;
		ASSERT_EQ(0, topo_pair(&self->t, STACK_XTCP, c->port, NULL, &c->c, &c->s));
		c->cport = sock_local_port(c->c);
		close(c->c);
		c->c = -1;
		msleep(100);
		close(c->s);
		c->s = -1;
		t0 = now();
		ASSERT_LE(0, proc_wait_state(self->t.ns[SIDE_A], STACK_XTCP, c->cport, c->port,
					   ST_TIME_WAIT, 2));
		self->entered = t0;
	}
	life2 = lifetime(self, STACK_XTCP, 4);
	self->k[STACK_XTCP] = first;
	self->entered = entered1;
	life1 = lifetime(self, STACK_XTCP, 6);
	TH_LOG("entry made with tw_timeout=4 lasted %.2f s, then with 1: %.2f s", life1, life2);
	EXPECT_LE(3.0, life1);
	EXPECT_GE(5.0, life1);
	EXPECT_LE(0.0, life2);
	EXPECT_GE(2.0, life2);
}

TEST_F_TIMEOUT(tw, time_waited_counted_on_expiry, 20)
{
	long before, after;

	ns_enter(self->t.ns[SIDE_A]);
	before = counter(STACK_XTCP, "TimeWaited");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, make_tw(_metadata, self, false));
	ASSERT_LE(0, lifetime(self, STACK_XTCP, 4));
	msleep(100);
	after = counter(STACK_XTCP, "TimeWaited");
	TH_LOG("TimeWaited %ld -> %ld", before, after);
	EXPECT_EQ(1, after - before);
}

TEST(tw_timeout_default_60)
{
	long v;

	ASSERT_LE(0, ns_new());
	v = sysctl_get("net.xtcp.tw_timeout");
	TH_LOG("net.xtcp.tw_timeout in a new namespace: %ld", v);
	EXPECT_EQ(60, v);
}

TEST(tw_timeout_bounds_1_600)
{
	static const struct { const char *val; int err; } c[] = {
		{ "0", EINVAL }, { "601", EINVAL }, { "-1", EINVAL },
		{ "1", 0 }, { "600", 0 },
	};
	unsigned int i;

	ASSERT_LE(0, ns_new());
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int e = sysctl_set("net.xtcp.tw_timeout", c[i].val);

		TH_LOG("tw_timeout=%s: %s", c[i].val, errname(e));
		EXPECT_EQ(c[i].err, e);
	}
	EXPECT_EQ(600, sysctl_get("net.xtcp.tw_timeout"));
}

/* ------------------------------------------------- segments in TIME_WAIT */

TEST_F_TIMEOUT(tw, retransmitted_fin_is_reacked, 20)
{
	int n[2], i;
	struct seg ack[2];

	set_tw_timeout(self, SIDE_A, 3);
	ASSERT_EQ(0, make_tw(_metadata, self, true));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	self->nsegs = 0;
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	self->nsegs = 0;
	for_each_stack(i) {
		struct seg *f = &self->k[i].bfin;

		ASSERT_EQ(0, forge(self, i, TH_FIN | TH_ACK, f->seq, f->ack));
	}
	msleep(300);
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
	segs_print(self->segs, self->nsegs);
	for_each_stack(i) {
		memset(&ack[i], 0, sizeof(ack[i]));
		n[i] = seg_count(self->segs, self->nsegs, stack_proto(i),
				self->k[i].cport, self->k[i].port, TH_ACK,
				TH_FIN | TH_RST | TH_SYN, &ack[i]);
	}
	LOG2("ACKs sent for the retransmitted FIN", "%d", n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_EQ(1, n[STACK_XTCP]);
	EXPECT_EQ(n[STACK_TCP], n[STACK_XTCP]);
	if (n[STACK_XTCP]) {
		TH_LOG("XTCP ACK seq %u ack %u, B's FIN seq %u ack %u", ack[STACK_XTCP].seq,
		       ack[STACK_XTCP].ack, self->k[STACK_XTCP].bfin.seq, self->k[STACK_XTCP].bfin.ack);
		EXPECT_EQ(self->k[STACK_XTCP].bfin.seq + 1, ack[STACK_XTCP].ack);
		EXPECT_EQ(self->k[STACK_XTCP].bfin.ack, ack[STACK_XTCP].seq);
	}
}

TEST_F_TIMEOUT(tw, retransmitted_fin_restarts_timer, 30)
{
	struct proc_row before[2], after[2];
	double life;
	int i;

	set_tw_timeout(self, SIDE_A, 3);
	ASSERT_EQ(0, make_tw(_metadata, self, true));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	msleep(1500);
	for_each_stack(i)
		ASSERT_EQ(ST_TIME_WAIT, row_a(self, i, &before[i]));
	for_each_stack(i) {
		struct seg *f = &self->k[i].bfin;

		ASSERT_EQ(0, forge(self, i, TH_FIN | TH_ACK, f->seq, f->ack));
	}
	msleep(100);
	for_each_stack(i)
		ASSERT_EQ(ST_TIME_WAIT, row_a(self, i, &after[i]));
	LOG2("tm->when before the FIN", "%lu", before[STACK_TCP].when, before[STACK_XTCP].when);
	LOG2("tm->when after the FIN", "%lu", after[STACK_TCP].when, after[STACK_XTCP].when);
	EXPECT_LT(before[STACK_TCP].when, after[STACK_TCP].when);
	EXPECT_LT(before[STACK_XTCP].when, after[STACK_XTCP].when);
	EXPECT_LE(250, after[STACK_XTCP].when);
	life = lifetime(self, STACK_XTCP, 6);
	TH_LOG("XTCP TIME_WAIT (tw_timeout=3, FIN again after 1.5 s) lasted %.2f s", life);
	EXPECT_LE(3.5, life);
	EXPECT_GE(5.5, life);
}

static void rst_scenario(struct __test_metadata *_metadata, FIXTURE_DATA(tw) *self,
			 int rfc1337, int seq_off, int expect_state)
{
	int s[2], i;

	sysctl_both("rfc1337", "tcp_rfc1337", rfc1337);
	set_tw_timeout(self, SIDE_A, 5);
	ASSERT_EQ(0, make_tw(_metadata, self, true));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	for_each_stack(i) {
		struct seg *f = &self->k[i].bfin;

		ASSERT_EQ(0, forge(self, i, TH_RST, f->seq + 1 + seq_off, 0));
	}
	msleep(300);
	for_each_stack(i)
		s[i] = row_a(self, i, NULL);
	TH_LOG("rfc1337=%d, RST seq rcv_nxt%+d", rfc1337, seq_off);
	LOG2("state 0.3 s after the RST", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(expect_state, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

TEST_F_TIMEOUT(tw, rst_kills_time_wait, 20)
{
	rst_scenario(_metadata, self, 0, 0, 0);
}

TEST_F_TIMEOUT(tw, rst_ignored_with_rfc1337, 20)
{
	rst_scenario(_metadata, self, 1, 0, ST_TIME_WAIT);
}

TEST_F_TIMEOUT(tw, rst_with_wrong_seq_ignored, 20)
{
	rst_scenario(_metadata, self, 0, 1000, ST_TIME_WAIT);
}

/*
 * The server closes first and holds TIME_WAIT; the client reconnects from
 * the same port: the new SYN (higher ISN) reuses the entry.
 */
TEST_F_TIMEOUT(tw, new_syn_reuses_time_wait, 20)
{
	int lfd[2], e[2], s[2], i;

	set_tw_timeout(self, SIDE_B, 10);
	for_each_stack(i) {
		struct tw_conn *c = &self->k[i];

		c->port = 7000 + i;
		ns_enter(self->t.ns[SIDE_B]);
		lfd[i] = sock_listen(i, IP_B, c->port, 4);
		ASSERT_LE(0, lfd[i]);
		ns_enter(self->t.ns[SIDE_A]);
		c->c = sock_connect(i, 0, IP_B, c->port);
		ASSERT_LE(0, c->c);
		c->cport = sock_local_port(c->c);
		ASSERT_NE(0, sock_poll(lfd[i], POLLIN, 2000));
		c->s = accept(lfd[i], NULL, NULL);
		ASSERT_LE(0, c->s);
		close(c->s);		/* B is the active closer */
		c->s = -1;
		msleep(50);
		close(c->c);
		c->c = -1;
	}
	for_each_stack(i)
		ASSERT_LE(0, proc_wait_state(self->t.ns[SIDE_B], i, self->k[i].port,
					   self->k[i].cport, ST_TIME_WAIT, 2));
	msleep(200);
	for_each_stack(i) {
		struct tw_conn *c = &self->k[i];

		c->c = sock_connect(i, c->cport, IP_B, c->port);
		e[i] = c->c < 0 ? errno : 0;
		if (!e[i] && sock_poll(lfd[i], POLLIN, 2000)) {
			c->s = accept(lfd[i], NULL, NULL);
		}
		s[i] = proc_state(self->t.ns[SIDE_B], i, c->port, c->cport, NULL);
		close(lfd[i]);
	}
	LOG2("reconnect from the same port", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	LOG2("server's row for the 4-tuple", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_LE(0, self->k[STACK_XTCP].s);
	EXPECT_EQ(ST_ESTABLISHED, s[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

/*
 * connect() when the only ephemeral port is held by a client-side
 * TIME_WAIT entry to the same destination: net.xtcp.tw_reuse=1 lets the
 * new connection take the 4-tuple over (timestamps, > 1 s after the last
 * segment, as Linux's tcp_tw_reuse); with 0 it fails EADDRNOTAVAIL.
 */
static void tw_reuse(struct __test_metadata *_metadata, FIXTURE_DATA(tw) *self,
		     int reuse, int expect)
{
	int e[2], lfd[2], i;

	ns_enter(self->t.ns[SIDE_A]);
	ASSERT_EQ(0, sysctl_set("net.ipv4.ip_local_port_range", "40000 40000"));
	ASSERT_EQ(0, sysctl_both("tw_reuse", "tcp_tw_reuse", reuse));
	set_tw_timeout(self, SIDE_A, 10);
	ASSERT_EQ(0, make_tw(_metadata, self, true));
	for_each_stack(i) {
		ns_enter(self->t.ns[SIDE_B]);
		lfd[i] = sock_listen(i, IP_B, self->k[i].port, 4);
		ASSERT_LE(0, lfd[i]);
	}
	ns_enter(self->t.ns[SIDE_A]);
	msleep(1200);
	for_each_stack(i) {
		self->k[i].c = sock_connect(i, 0, IP_B, self->k[i].port);
		e[i] = self->k[i].c < 0 ? errno : 0;
		if (!e[i] && sock_poll(lfd[i], POLLIN, 2000))
			self->k[i].s = accept(lfd[i], NULL, NULL);
		close(lfd[i]);
	}
	TH_LOG("tw_reuse=%d, the only port in TIME_WAIT", reuse);
	LOG2("connect", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(expect, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F_TIMEOUT(tw, tw_reuse_1_connect_takes_over, 20)
{
	tw_reuse(_metadata, self, 1, 0);
}

TEST_F_TIMEOUT(tw, tw_reuse_0_connect_eaddrnotavail, 20)
{
	tw_reuse(_metadata, self, 0, EADDRNOTAVAIL);
}

/* net.xtcp.max_tw_buckets=2, five active closes: two entries, 3 overflows. */
TEST_F_TIMEOUT(tw, max_tw_buckets_caps_entries, 30)
{
	int c[2][5], sv[2][5], rows[2], i, j;
	long before[2], after[2];

	ns_enter(self->t.ns[SIDE_A]);
	ASSERT_EQ(0, sysctl_both("max_tw_buckets", "tcp_max_tw_buckets", 2));
	set_tw_timeout(self, SIDE_A, 5);
	for_each_stack(i) {
		before[i] = counter(i, "TCPTimeWaitOverflow");
		for (j = 0; j < 5; j++)
			ASSERT_EQ(0, topo_pair(&self->t, i, 7100 + 10 * i + j, NULL,
					     &c[i][j], &sv[i][j]));
	}
	for_each_stack(i)
		for (j = 0; j < 5; j++)
			close(c[i][j]);
	msleep(200);
	for_each_stack(i)
		for (j = 0; j < 5; j++)
			close(sv[i][j]);
	msleep(500);
	for_each_stack(i) {
		rows[i] = proc_rows(i, 0, 0, ST_TIME_WAIT, NULL, 0);
		after[i] = counter(i, "TCPTimeWaitOverflow");
	}
	LOG2("TIME_WAIT rows", "%d", rows[STACK_TCP], rows[STACK_XTCP]);
	LOG2("TCPTimeWaitOverflow delta", "%ld", after[STACK_TCP] - before[STACK_TCP],
	     after[STACK_XTCP] - before[STACK_XTCP]);
	EXPECT_EQ(2, rows[STACK_XTCP]);
	EXPECT_EQ(3, after[STACK_XTCP] - before[STACK_XTCP]);
	EXPECT_EQ(rows[STACK_TCP], rows[STACK_XTCP]);
	EXPECT_EQ(after[STACK_TCP] - before[STACK_TCP], after[STACK_XTCP] - before[STACK_XTCP]);
}

/*
 * Server restart: the old server closed its connection first, so
 * 10.0.0.2:PORT is in TIME_WAIT in B; the listener is gone.
 */
static void server_tw(struct __test_metadata *_metadata, FIXTURE_DATA(tw) *self)
{
	int i, lfd;

	set_tw_timeout(self, SIDE_B, 10);
	for_each_stack(i) {
		struct tw_conn *c = &self->k[i];

		c->port = 7000 + i;
		ns_enter(self->t.ns[SIDE_B]);
		lfd = sock_listen(i, IP_B, c->port, 4);	/* SO_REUSEADDR */
		ASSERT_LE(0, lfd);
		ns_enter(self->t.ns[SIDE_A]);
		c->c = sock_connect(i, 0, IP_B, c->port);
		ASSERT_LE(0, c->c);
		c->cport = sock_local_port(c->c);
		ASSERT_NE(0, sock_poll(lfd, POLLIN, 2000));
		c->s = accept(lfd, NULL, NULL);
		ASSERT_LE(0, c->s);
		close(lfd);
		close(c->s);
		c->s = -1;
		msleep(50);
		close(c->c);
		c->c = -1;
	}
	for_each_stack(i)
		ASSERT_LE(0, proc_wait_state(self->t.ns[SIDE_B], i, self->k[i].port,
					   self->k[i].cport, ST_TIME_WAIT, 2));
	ns_enter(self->t.ns[SIDE_B]);
}

static int bind_again(int kind, unsigned short port, int reuse, int *fdp)
{
	int fd = stack_socket(kind), e;

	*fdp = fd;
	if (reuse)
		sock_setint(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	e = sock_bind(fd, IP_B, port);
	if (!e && listen(fd, 4))
		e = errno;
	return e;
}

TEST_F_TIMEOUT(tw, bind_time_wait_port_eaddrinuse, 20)
{
	int e[2], fd[2], i;

	server_tw(_metadata, self);
	for_each_stack(i)
		e[i] = bind_again(i, self->k[i].port, 0, &fd[i]);
	LOG2("bind without SO_REUSEADDR", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(EADDRINUSE, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	close(fd[0]);
	close(fd[1]);
}

TEST_F_TIMEOUT(tw, bind_time_wait_port_reuseaddr_ok, 20)
{
	int e[2], fd[2], i;

	server_tw(_metadata, self);
	for_each_stack(i)
		e[i] = bind_again(i, self->k[i].port, 1, &fd[i]);
	LOG2("bind+listen with SO_REUSEADDR", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
	close(fd[0]);
	close(fd[1]);
}

XTCP_HARNESS_MAIN
