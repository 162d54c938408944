// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP connection teardown: the four-way close, simultaneous close,
 * shutdown(), close() with unread data, SO_LINGER, and the FIN_WAIT2
 * timeout of orphans (net.xtcp.fin_timeout, TCP_LINGER2).
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * Every test runs its scenario over XTCP and over the kernel's TCP at the
 * same time (ports 7001 and 7000), checks XTCP against what Linux TCP does
 * and against the expected value. States come from /proc/net/xtcp and
 * /proc/net/tcp; segments from a packet socket on the veth. "Cutting" a
 * side is netem loss 100% on its veth (everything it sends is lost).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT_TCP	7000
#define PORT_XTCP	7001

FIXTURE(td) {
	struct topo t;
	struct conn k[NSTACKS];		/* one connection per stack */
	int cap;
	struct seg segs[512];
	int nsegs;
};

FIXTURE_SETUP(td)
{
	int i, err;

	self->cap = -1;
	for_each_stack(i)
		self->k[i].c = self->k[i].s = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	/* short orphan FIN_WAIT2 life in both namespaces unless a test says */
	topo_sysctl(&self->t, "fin_timeout", "tcp_fin_timeout", 3);
}

FIXTURE_TEARDOWN(td)
{
	int i;

	topo_cut(&self->t, SIDE_A, false);
	topo_cut(&self->t, SIDE_B, false);
	/* RSTs from both ends kill whatever is left, orphans included */
	for_each_stack(i) {
		sock_abort(self->k[i].s);
		sock_abort(self->k[i].c);
	}
	if (self->cap >= 0)
		close(self->cap);
	if (topo_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

/* Open the TCP and the XTCP connection. */
static int open_pairs(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i, err;

	for_each_stack(i) {
		struct conn *c = &self->k[i];

		c->port = i == STACK_TCP ? PORT_TCP : PORT_XTCP;
		err = topo_pair(&self->t, i, c->port, NULL, &c->c, &c->s);
		if (err) {
			TH_LOG("%s connection: %s", stack_name(i), strerror(err));
			return err;
		}
		c->cport = sock_local_port(c->c);
	}
	return 0;
}

/* State of connection @i's row on side @side (0: no row). */
static int st(FIXTURE_DATA(td) *self, int i, int side, struct proc_row *row)
{
	struct conn *c = &self->k[i];

	if (side == SIDE_A)
		return proc_state(self->t.ns[SIDE_A], i, c->cport, c->port, row);
	return proc_state(self->t.ns[SIDE_B], i, c->port, c->cport, row);
}

/*
 * Poll both connections' rows on @side until each is in @state (0: gone);
 * waited[i] gets the seconds it took (-1: not within @secs).
 */
static void wait_both(FIXTURE_DATA(td) *self, int side, int state, double secs,
		      double waited[2])
{
	double t0 = now();
	int i, done = 0;

	waited[0] = waited[1] = -1;
	while (done < 2 && now() - t0 <= secs) {
		for_each_stack(i) {
			if (waited[i] < 0 && st(self, i, side, NULL) == state) {
				waited[i] = now() - t0;
				done++;
			}
		}
		if (done < 2)
			msleep(20);
	}
}

/* Capture what @side's veth carries from now on (read_cap() reads it). */
static void start_cap(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
		      int side)
{
	self->cap = topo_cap(&self->t, side);
	ASSERT_LE(0, self->cap);
}

static void read_cap(FIXTURE_DATA(td) *self)
{
	cap_read(self->cap, self->segs, &self->nsegs, 512, 0, false);
}

/* Segments of connection @i from side @side having @set and not @clear. */
static int count_from(FIXTURE_DATA(td) *self, int i, int side, uint8_t set,
		      uint8_t clear, struct seg *first)
{
	struct conn *c = &self->k[i];
	uint16_t sp = side == SIDE_A ? c->cport : c->port;
	uint16_t dp = side == SIDE_A ? c->port : c->cport;

	return seg_count(self->segs, self->nsegs, stack_proto(i), sp, dp,
			set, clear, first);
}

/* All segments of one FIN retransmission train share the FIN's seq. */
static bool same_seq(FIXTURE_DATA(td) *self, int i, int side, uint8_t set)
{
	struct seg first;
	struct conn *c = &self->k[i];
	uint16_t sp = side == SIDE_A ? c->cport : c->port;
	int j;

	if (!count_from(self, i, side, set, 0, &first))
		return false;
	for (j = 0; j < self->nsegs; j++) {
		struct seg *s = &self->segs[j];

		if (s->proto == stack_proto(i) && s->sport == sp &&
		    (s->flags & set) == set && s->seq != first.seq)
			return false;
	}
	return true;
}

static void close_fd(int *fd)
{
	close(*fd);
	*fd = -1;
}

#define LOG2(what, fmt, tv, xv) \
	TH_LOG("%s: TCP " fmt ", XTCP " fmt, what, tv, xv)

/* ------------------------------------------------------------ four-way */

TEST_F_TIMEOUT(td, active_close_fin_wait2_passive_close_wait, 20)
{
	int s[2][2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i)
		close_fd(&self->k[i].c);
	msleep(300);
	for_each_stack(i) {
		s[i][SIDE_A] = st(self, i, SIDE_A, NULL);
		s[i][SIDE_B] = st(self, i, SIDE_B, NULL);
	}
	LOG2("closer", "%02X", s[STACK_TCP][SIDE_A], s[STACK_XTCP][SIDE_A]);
	LOG2("peer", "%02X", s[STACK_TCP][SIDE_B], s[STACK_XTCP][SIDE_B]);
	EXPECT_EQ(ST_FIN_WAIT2, s[STACK_XTCP][SIDE_A]);
	EXPECT_EQ(ST_CLOSE_WAIT, s[STACK_XTCP][SIDE_B]);
	EXPECT_EQ(s[STACK_TCP][SIDE_A], s[STACK_XTCP][SIDE_A]);
	EXPECT_EQ(s[STACK_TCP][SIDE_B], s[STACK_XTCP][SIDE_B]);
}

TEST_F_TIMEOUT(td, passive_close_closed_active_time_wait, 20)
{
	int s[2][2], i;
	struct proc_row row[2];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i)
		close_fd(&self->k[i].c);
	msleep(200);
	for_each_stack(i)
		close_fd(&self->k[i].s);
	msleep(300);
	for_each_stack(i) {
		s[i][SIDE_A] = st(self, i, SIDE_A, &row[i]);
		s[i][SIDE_B] = st(self, i, SIDE_B, NULL);
	}
	LOG2("active closer", "%02X", s[STACK_TCP][SIDE_A], s[STACK_XTCP][SIDE_A]);
	LOG2("passive closer", "%02X", s[STACK_TCP][SIDE_B], s[STACK_XTCP][SIDE_B]);
	EXPECT_EQ(ST_TIME_WAIT, s[STACK_XTCP][SIDE_A]);
	EXPECT_EQ(0, s[STACK_XTCP][SIDE_B]);		/* LAST_ACK -> CLOSED: no row */
	EXPECT_EQ(s[STACK_TCP][SIDE_A], s[STACK_XTCP][SIDE_A]);
	EXPECT_EQ(s[STACK_TCP][SIDE_B], s[STACK_XTCP][SIDE_B]);
	if (s[STACK_XTCP][SIDE_A] == ST_TIME_WAIT)
		EXPECT_EQ(3, row[STACK_XTCP].timer);
}

/*
 * @side has just closed and its peer's ACK is lost: 1.6 s later @side is
 * in @state with the retransmission timer on, having sent its FIN at least
 * twice, with the same seq each time (as TCP).
 */
static void fin_retransmitted(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
			      int side, int state, const char *who)
{
	int s[2], n[2], i;
	struct proc_row row[2];
	char what[64];

	msleep(1600);
	read_cap(self);
	for_each_stack(i) {
		s[i] = st(self, i, side, &row[i]);
		n[i] = count_from(self, i, side, TH_FIN, 0, NULL);
	}
	segs_print(self->segs, self->nsegs);
	snprintf(what, sizeof(what), "%s state", who);
	LOG2(what, "%02X", s[STACK_TCP], s[STACK_XTCP]);
	LOG2("timer", "%u", row[STACK_TCP].timer, row[STACK_XTCP].timer);
	LOG2("FINs sent in 1.6 s", "%d", n[STACK_TCP], n[STACK_XTCP]);
	ASSERT_EQ(state, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(1, row[STACK_XTCP].timer);
	EXPECT_EQ(row[STACK_TCP].timer, row[STACK_XTCP].timer);
	EXPECT_LE(2, n[STACK_XTCP]);
	EXPECT_TRUE(same_seq(self, STACK_XTCP, side, TH_FIN));
}

/* B's ACK of A's FIN is lost: A stays in FIN_WAIT1, retransmitting. */
TEST_F_TIMEOUT(td, fin_wait1_retransmits_fin, 20)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, SIDE_A);
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	for_each_stack(i)
		close_fd(&self->k[i].c);
	fin_retransmitted(_metadata, self, SIDE_A, ST_FIN_WAIT1, "closer");
}

/*
 * A shuts down its sending side, then B closes with A cut off (@cap: B's
 * segments captured from before the cut): B is in LAST_ACK.
 */
static void last_ack_cut(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
			 bool cap)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
	msleep(200);
	if (cap)
		start_cap(_metadata, self, SIDE_B);
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_A, true));
	for_each_stack(i)
		close_fd(&self->k[i].s);
}

/* A's ACK of B's FIN is lost: B stays in LAST_ACK, retransmitting. */
TEST_F_TIMEOUT(td, last_ack_retransmits_fin, 20)
{
	last_ack_cut(_metadata, self, true);
	fin_retransmitted(_metadata, self, SIDE_B, ST_LAST_ACK, "passive closer");
}

/* LAST_ACK ends in CLOSED (no row) once the ACK gets through. */
TEST_F_TIMEOUT(td, last_ack_closes_when_acked, 30)
{
	double w[2];

	last_ack_cut(_metadata, self, false);
	msleep(500);
	ASSERT_EQ(ST_LAST_ACK, st(self, STACK_XTCP, SIDE_B, NULL));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_A, false));
	wait_both(self, SIDE_B, 0, 10, w);
	LOG2("LAST_ACK row gone after uncut (s)", "%.2f", w[STACK_TCP], w[STACK_XTCP]);
	EXPECT_LE(0, w[STACK_XTCP]);
}

/* Seconds between the first and second FIN of connection @i from @side. */
static double first_rto(FIXTURE_DATA(td) *self, int i, int side)
{
	struct conn *c = &self->k[i];
	uint16_t sp = side == SIDE_A ? c->cport : c->port;
	double t[2];
	int j, n = 0;

	for (j = 0; j < self->nsegs && n < 2; j++) {
		struct seg *s = &self->segs[j];

		if (s->proto == stack_proto(i) && s->sport == sp &&
		    (s->flags & TH_FIN))
			t[n++] = s->t;
	}
	return n == 2 ? t[1] - t[0] : -1;
}

/*
 * The passive side's first FIN retransmission comes after the RTO Linux
 * would use: a socket from accept() has an RTT sample from the handshake
 * (SYN-ACK to ACK), so its RTO is ~200 ms here, not the initial 1 s.
 */
TEST_F_TIMEOUT(td, last_ack_fin_rto_as_linux, 20)
{
	int ms[2];
	int i;

	last_ack_cut(_metadata, self, true);
	msleep(1500);
	read_cap(self);
	for_each_stack(i)
		ms[i] = (int)(first_rto(self, i, SIDE_B) * 1000);
	LOG2("first FIN retransmission after (ms)", "%d", ms[STACK_TCP], ms[STACK_XTCP]);
	ASSERT_LT(0, ms[STACK_TCP]);
	ASSERT_LT(0, ms[STACK_XTCP]);
	EXPECT_GE(100 + ms[STACK_TCP] / 2, abs(ms[STACK_XTCP] - ms[STACK_TCP]));
}

/* Both send FIN before either hears the other's: CLOSING, then TIME_WAIT. */
static void simultaneous(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_A, true));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		ASSERT_EQ(0, shutdown(self->k[i].s, SHUT_WR));
	}
	msleep(100);
	for_each_stack(i) {
		ASSERT_EQ(ST_FIN_WAIT1, st(self, i, SIDE_A, NULL));
		ASSERT_EQ(ST_FIN_WAIT1, st(self, i, SIDE_B, NULL));
	}
	/* A's retransmitted FIN reaches B; B's ACK of it is still lost */
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_A, false));
}

TEST_F_TIMEOUT(td, simultaneous_close_closing, 20)
{
	double w[2];

	simultaneous(_metadata, self);
	wait_both(self, SIDE_B, ST_CLOSING, 5, w);
	LOG2("B in CLOSING after (s)", "%.2f", w[STACK_TCP], w[STACK_XTCP]);
	EXPECT_LE(0, w[STACK_XTCP]);
	EXPECT_LE(0, w[STACK_TCP]);
	EXPECT_EQ(ST_FIN_WAIT1, st(self, STACK_XTCP, SIDE_A, NULL));
}

/* B's FIN reaches A only with B's next retransmission, whose backoff
 * grew during the cut: ~6 s away on an idle host, more than 15 s on a
 * loaded one (the cut lasts longer), so the waits allow 40 s + 5 s.
 * A's retransmitted FIN may reach B first: B's ACK then carries a
 * sequence past the FIN A has not received, a bare ACK that A must not
 * answer with a reset (XTCP did, and neither end reached TIME_WAIT). */
TEST_F_TIMEOUT(td, simultaneous_close_both_time_wait, 75)
{
	double w[2];
	int i;

	ASSERT_EQ(0, topo_sysctl(&self->t, "tw_timeout", NULL, 5));
	/* B is orphaned in CLOSING after retransmitting its FIN into the cut
	 * for a while: the test's 3 orphan retries (ns_defaults()) could
	 * end it before the FIN gets through on a slow host
	 */
	ASSERT_EQ(0, topo_sysctl(&self->t, "orphan_retries", "tcp_orphan_retries", 8));
	simultaneous(_metadata, self);
	wait_both(self, SIDE_B, ST_CLOSING, 5, w);
	ASSERT_LE(0, w[STACK_XTCP]);
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, false));
	for_each_stack(i) {
		close_fd(&self->k[i].c);
		close_fd(&self->k[i].s);
	}
	wait_both(self, SIDE_B, ST_TIME_WAIT, 40, w);
	LOG2("B (CLOSING) in TIME_WAIT after (s)", "%.2f", w[STACK_TCP], w[STACK_XTCP]);
	EXPECT_LE(0, w[STACK_TCP]);
	EXPECT_LE(0, w[STACK_XTCP]);
	wait_both(self, SIDE_A, ST_TIME_WAIT, 5, w);
	LOG2("A (FIN_WAIT1) in TIME_WAIT after (s)", "%.2f", w[STACK_TCP], w[STACK_XTCP]);
	EXPECT_LE(0, w[STACK_XTCP]);
}

/* ------------------------------------------------------------ shutdown */

TEST_F(td, shut_wr_peer_reads_eof)
{
	ssize_t r[2];
	char b[8];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		sock_poll(self->k[i].s, POLLIN, 2000);
		r[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT);
	}
	LOG2("peer recv()", "%zd", r[STACK_TCP], r[STACK_XTCP]);
	EXPECT_EQ(0, r[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP], r[STACK_XTCP]);
}

TEST_F(td, shut_wr_peer_still_sends_and_closer_reads)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		msleep(50);
		e[i] = send(self->k[i].s, "after", 5, MSG_NOSIGNAL) == 5 ? 0 : errno;
		if (!e[i]) {
			e[i] = sock_read_n(self->k[i].c, b, 5, 2000);
			if (!e[i] && memcmp(b, "after", 5))
				e[i] = EBADMSG;
		}
	}
	LOG2("peer send + closer read", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(td, shut_rd_recv_returns_zero)
{
	ssize_t r[2];
	char b[8];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
		r[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT);
		if (r[i] < 0)
			r[i] = -errno;
	}
	LOG2("recv() after SHUT_RD", "%zd", r[STACK_TCP], r[STACK_XTCP]);
	EXPECT_EQ(0, r[STACK_XTCP]);
	EXPECT_EQ(r[STACK_TCP], r[STACK_XTCP]);
}

TEST_F(td, shut_rd_sends_nothing_peer_established)
{
	int n[2], s[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, SIDE_A);
	for_each_stack(i)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
	msleep(300);
	read_cap(self);
	for_each_stack(i) {
		n[i] = count_from(self, i, SIDE_A, 0, 0, NULL);
		s[i] = st(self, i, SIDE_B, NULL);
	}
	LOG2("segments after SHUT_RD", "%d", n[STACK_TCP], n[STACK_XTCP]);
	LOG2("peer state", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(0, n[STACK_XTCP]);
	EXPECT_EQ(ST_ESTABLISHED, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

TEST_F(td, shut_rd_can_still_send)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
		e[i] = send(self->k[i].c, "more", 4, MSG_NOSIGNAL) == 4 ? 0 : errno;
		if (!e[i])
			e[i] = sock_read_n(self->k[i].s, b, 4, 2000);
	}
	LOG2("send after SHUT_RD, peer read", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(0, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(td, shut_rdwr_eof_both_ways_and_epipe)
{
	ssize_t peer[2], own[2];
	int snd[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RDWR));
		sock_poll(self->k[i].s, POLLIN, 2000);
		peer[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT);
		own[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT);
		snd[i] = send(self->k[i].c, "x", 1, MSG_NOSIGNAL) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%zd", peer[STACK_TCP], peer[STACK_XTCP]);
	LOG2("own recv", "%zd", own[STACK_TCP], own[STACK_XTCP]);
	LOG2("own send", "%s", errname(snd[STACK_TCP]), errname(snd[STACK_XTCP]));
	EXPECT_EQ(0, peer[STACK_XTCP]);
	EXPECT_EQ(0, own[STACK_XTCP]);
	EXPECT_EQ(EPIPE, snd[STACK_XTCP]);
	EXPECT_EQ(peer[STACK_TCP], peer[STACK_XTCP]);
	EXPECT_EQ(own[STACK_TCP], own[STACK_XTCP]);
	EXPECT_EQ(snd[STACK_TCP], snd[STACK_XTCP]);
}

/* A socket that only shut its send side is not an orphan: no timeout. */
TEST_F_TIMEOUT(td, fin_wait2_not_orphan_stays, 20)
{
	int s[2], i;

	topo_sysctl(&self->t, "fin_timeout", "tcp_fin_timeout", 1);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
	msleep(2500);
	for_each_stack(i)
		s[i] = st(self, i, SIDE_A, NULL);
	LOG2("state 2.5 s after SHUT_WR (fin_timeout 1)", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(ST_FIN_WAIT2, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

/* --------------------------------------------------- abortive closes */

/* B sent data that A never read; A's close() resets the connection. */
static void close_with_unread(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i)
		ASSERT_EQ(5, send(self->k[i].s, "hello", 5, 0));
	for_each_stack(i)
		ASSERT_NE(0, sock_poll(self->k[i].c, POLLIN, 2000) & POLLIN);
}

TEST_F(td, close_unread_sends_rst_not_fin)
{
	int rst[2], fin[2], i;

	close_with_unread(_metadata, self);
	start_cap(_metadata, self, SIDE_A);
	for_each_stack(i)
		close_fd(&self->k[i].c);
	msleep(300);
	read_cap(self);
	for_each_stack(i) {
		rst[i] = count_from(self, i, SIDE_A, TH_RST, 0, NULL);
		fin[i] = count_from(self, i, SIDE_A, TH_FIN, 0, NULL);
	}
	segs_print(self->segs, self->nsegs);
	LOG2("RSTs", "%d", rst[STACK_TCP], rst[STACK_XTCP]);
	LOG2("FINs", "%d", fin[STACK_TCP], fin[STACK_XTCP]);
	EXPECT_EQ(1, rst[STACK_XTCP]);
	EXPECT_EQ(0, fin[STACK_XTCP]);
	EXPECT_EQ(rst[STACK_TCP], rst[STACK_XTCP]);
	EXPECT_EQ(fin[STACK_TCP], fin[STACK_XTCP]);
}

TEST_F(td, close_unread_peer_econnreset)
{
	int e[2], i;
	char b[8];

	close_with_unread(_metadata, self);
	for_each_stack(i) {
		close_fd(&self->k[i].c);
		sock_poll(self->k[i].s, POLLIN, 2000);
		e[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ECONNRESET, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

TEST_F(td, close_unread_counts_abort_on_close)
{
	long before[2], after[2];
	int i;

	close_with_unread(_metadata, self);
	for_each_stack(i) {
		before[i] = counter(i, "TCPAbortOnClose");
		close_fd(&self->k[i].c);
		after[i] = counter(i, "TCPAbortOnClose");
	}
	LOG2("TCPAbortOnClose delta", "%ld", after[STACK_TCP] - before[STACK_TCP],
	     after[STACK_XTCP] - before[STACK_XTCP]);
	ASSERT_LE(0, before[STACK_XTCP]);
	EXPECT_EQ(1, after[STACK_XTCP] - before[STACK_XTCP]);
	EXPECT_EQ(after[STACK_TCP] - before[STACK_TCP], after[STACK_XTCP] - before[STACK_XTCP]);
}

static void set_linger(int fd, int on, int secs)
{
	struct linger l = { on, secs };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

TEST_F(td, linger_zero_sends_rst_no_time_wait)
{
	int rst[2], fin[2], s[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, SIDE_A);
	for_each_stack(i) {
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
	}
	msleep(300);
	read_cap(self);
	for_each_stack(i) {
		rst[i] = count_from(self, i, SIDE_A, TH_RST, 0, NULL);
		fin[i] = count_from(self, i, SIDE_A, TH_FIN, 0, NULL);
		s[i] = st(self, i, SIDE_A, NULL);
	}
	LOG2("RSTs", "%d", rst[STACK_TCP], rst[STACK_XTCP]);
	LOG2("FINs", "%d", fin[STACK_TCP], fin[STACK_XTCP]);
	LOG2("closer's row", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(1, rst[STACK_XTCP]);
	EXPECT_EQ(0, fin[STACK_XTCP]);
	EXPECT_EQ(0, s[STACK_XTCP]);
	EXPECT_EQ(rst[STACK_TCP], rst[STACK_XTCP]);
	EXPECT_EQ(fin[STACK_TCP], fin[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

TEST_F(td, linger_zero_peer_econnreset)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
		sock_poll(self->k[i].s, POLLIN, 2000);
		e[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%s", errname(e[STACK_TCP]), errname(e[STACK_XTCP]));
	EXPECT_EQ(ECONNRESET, e[STACK_XTCP]);
	EXPECT_EQ(e[STACK_TCP], e[STACK_XTCP]);
}

/*
 * Which counter an SO_LINGER {1, 0} close increments: Linux's tcp_close()
 * counts TCPAbortOnData there (TCPAbortOnLinger is for TCP_LINGER2 < 0).
 */
TEST_F(td, linger_zero_counter_as_linux)
{
	static const char *const names[] = { "TCPAbortOnData", "TCPAbortOnLinger",
					     "TCPAbortOnClose" };
	long before[2][3], after[2][3];
	int i, j;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		for (j = 0; j < 3; j++)
			before[i][j] = counter(i, names[j]);
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
		for (j = 0; j < 3; j++)
			after[i][j] = counter(i, names[j]);
	}
	for (j = 0; j < 3; j++) {
		long dt = after[STACK_TCP][j] - before[STACK_TCP][j];
		long dx = after[STACK_XTCP][j] - before[STACK_XTCP][j];

		LOG2(names[j], "+%ld", dt, dx);
		EXPECT_EQ(dt, dx);
	}
}

/* SO_LINGER {1, 2} and an unreachable peer: close() blocks ~2 s. */
TEST_F_TIMEOUT(td, linger_timeout_blocks_close, 20)
{
	double took[2];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	ASSERT_EQ(0, topo_cut(&self->t, SIDE_B, true));
	for_each_stack(i) {
		double t0 = now();

		set_linger(self->k[i].c, 1, 2);
		close_fd(&self->k[i].c);
		took[i] = now() - t0;
	}
	LOG2("close() took (s)", "%.2f", took[STACK_TCP], took[STACK_XTCP]);
	EXPECT_LE(1.8, took[STACK_XTCP]);
	EXPECT_GE(3.0, took[STACK_XTCP]);
}

/* SO_LINGER {1, 5}, peer reachable: close() returns once the FIN is ACKed. */
TEST_F(td, linger_returns_when_fin_acked)
{
	double took[2];
	int s[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		double t0 = now();

		set_linger(self->k[i].c, 1, 5);
		close_fd(&self->k[i].c);
		took[i] = now() - t0;
		s[i] = st(self, i, SIDE_A, NULL);
	}
	LOG2("close() took (s)", "%.3f", took[STACK_TCP], took[STACK_XTCP]);
	LOG2("state after close()", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_GE(1.0, took[STACK_XTCP]);
	EXPECT_EQ(ST_FIN_WAIT2, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
}

/* ------------------------------------------------------ FIN_WAIT2 timeout */

/* An orphan in FIN_WAIT2 whose peer never closes goes after @expect s. */
static void orphan_expiry(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
			  int fin_timeout, int linger2, int expect)
{
	double w[2], t0, off;
	int i;

	sysctl_both("fin_timeout", "tcp_fin_timeout", fin_timeout);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	for_each_stack(i) {
		if (linger2)
			ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_LINGER2, linger2));
	}
	t0 = now();
	for_each_stack(i)
		close_fd(&self->k[i].c);
	msleep(200);
	for_each_stack(i) {
		struct proc_row r;
		int s = st(self, i, SIDE_A, &r);

		TH_LOG("%s orphan: state %02X timer %u when %lu", stack_name(i),
		       s, r.timer, s ? r.when : 0);
		if (i == STACK_XTCP)
			ASSERT_EQ(ST_FIN_WAIT2, s);
	}
	off = now() - t0;
	wait_both(self, SIDE_A, 0, expect + 3, w);
	for_each_stack(i)
		if (w[i] >= 0)
			w[i] += off;
	LOG2("orphan FIN_WAIT2 gone after (s)", "%.2f", w[STACK_TCP], w[STACK_XTCP]);
	ASSERT_LE(0, w[STACK_XTCP]);
	EXPECT_LE(expect - 1.0, w[STACK_XTCP]);
	EXPECT_GE(expect + 1.0, w[STACK_XTCP]);
}

TEST_F_TIMEOUT(td, fin_timeout_orphan_expires, 20)
{
	orphan_expiry(_metadata, self, 2, 0, 2);
}

TEST_F_TIMEOUT(td, linger2_overrides_fin_timeout, 20)
{
	orphan_expiry(_metadata, self, 8, 2, 2);
}

/* Linux's FIN_WAIT2 timewait entry expires silently; does XTCP send RST? */
TEST_F_TIMEOUT(td, fin_wait2_expiry_sends_no_rst, 20)
{
	int rst[2], i;
	double w[2];

	sysctl_both("fin_timeout", "tcp_fin_timeout", 1);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, SIDE_A);
	for_each_stack(i)
		close_fd(&self->k[i].c);
	wait_both(self, SIDE_A, 0, 4, w);
	msleep(200);
	read_cap(self);
	for_each_stack(i)
		rst[i] = count_from(self, i, SIDE_A, TH_RST, 0, NULL);
	segs_print(self->segs, self->nsegs);
	LOG2("RSTs sent at FIN_WAIT2 expiry", "%d", rst[STACK_TCP], rst[STACK_XTCP]);
	EXPECT_EQ(rst[STACK_TCP], rst[STACK_XTCP]);
}

/* TCP_LINGER2 < 0: the orphan does not wait in FIN_WAIT2 at all. */
TEST_F(td, linger2_negative_no_fin_wait2)
{
	int s[2], rst[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, SIDE_A);
	for_each_stack(i) {
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_LINGER2, -1));
		close_fd(&self->k[i].c);
	}
	msleep(300);
	read_cap(self);
	for_each_stack(i) {
		s[i] = st(self, i, SIDE_A, NULL);
		rst[i] = count_from(self, i, SIDE_A, TH_RST, 0, NULL);
	}
	segs_print(self->segs, self->nsegs);
	LOG2("closer's row", "%02X", s[STACK_TCP], s[STACK_XTCP]);
	LOG2("RSTs", "%d", rst[STACK_TCP], rst[STACK_XTCP]);
	EXPECT_EQ(0, s[STACK_XTCP]);
	EXPECT_EQ(s[STACK_TCP], s[STACK_XTCP]);
	EXPECT_EQ(rst[STACK_TCP], rst[STACK_XTCP]);
}

XTCP_HARNESS_MAIN
