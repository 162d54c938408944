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
#define TD_LIB_NO_MAIN
#include "helpers/td_lib.c"
#include "kselftest_harness.h"

#define PORT_TCP	7000
#define PORT_XTCP	7001
#define T		0	/* index of the TCP connection */
#define X		1	/* index of the XTCP connection */

static const int kind_of[2] = { TD_TCP, TD_XTCP };

struct conn {
	int c, s;			/* client fd (in A), server fd (in B) */
	unsigned short cport, port;
};

FIXTURE(td) {
	struct td_topo t;
	struct conn k[2];
	int cap;
	struct td_seg segs[512];
	int nsegs;
};

FIXTURE_SETUP(td)
{
	int i, err;

	self->cap = -1;
	for (i = 0; i < 2; i++)
		self->k[i].c = self->k[i].s = -1;
	err = td_topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	/* short orphan FIN_WAIT2 life in both namespaces unless a test says */
	td_topo_sysctl(&self->t, "fin_timeout", "tcp_fin_timeout", 3);
}

FIXTURE_TEARDOWN(td)
{
	int i;

	td_cut(&self->t, TD_A, false);
	td_cut(&self->t, TD_B, false);
	/* RSTs from both ends kill whatever is left, orphans included */
	for (i = 0; i < 2; i++) {
		td_abort(self->k[i].s);
		td_abort(self->k[i].c);
	}
	if (self->cap >= 0)
		close(self->cap);
	if (td_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

/* Open the TCP and the XTCP connection. */
static int open_pairs(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i, err;

	for (i = 0; i < 2; i++) {
		struct conn *c = &self->k[i];

		c->port = kind_of[i] == TD_TCP ? PORT_TCP : PORT_XTCP;
		err = td_pair(&self->t, kind_of[i], c->port, &c->c, &c->s);
		if (err) {
			TH_LOG("%s connection: %s", td_name(kind_of[i]), strerror(err));
			return err;
		}
		c->cport = xtcp_local_port(c->c);
	}
	return 0;
}

/* State of connection @i's row on side @side (0: no row). */
static int st(FIXTURE_DATA(td) *self, int i, int side, struct td_row *row)
{
	struct conn *c = &self->k[i];

	if (side == TD_A)
		return td_state(self->t.ns[TD_A], kind_of[i], c->cport, c->port, row);
	return td_state(self->t.ns[TD_B], kind_of[i], c->port, c->cport, row);
}

/*
 * Poll both connections' rows on @side until each is in @state (0: gone);
 * waited[i] gets the seconds it took (-1: not within @secs).
 */
static void wait_both(FIXTURE_DATA(td) *self, int side, int state, double secs,
		      double waited[2])
{
	double t0 = td_now();
	int i, done = 0;

	waited[0] = waited[1] = -1;
	while (done < 2 && td_now() - t0 <= secs) {
		for (i = 0; i < 2; i++) {
			if (waited[i] < 0 && st(self, i, side, NULL) == state) {
				waited[i] = td_now() - t0;
				done++;
			}
		}
		if (done < 2)
			td_msleep(20);
	}
}

/* Capture what @side's veth carries from now on (read_cap() reads it). */
static void start_cap(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
		      int side)
{
	self->cap = side == TD_A ? td_cap_a(&self->t) : td_cap_b(&self->t);
	ASSERT_LE(0, self->cap);
}

static void read_cap(FIXTURE_DATA(td) *self)
{
	td_cap_read(self->cap, self->segs, &self->nsegs, 512, 0);
}

/* Segments of connection @i from side @side having @set and not @clear. */
static int count_from(FIXTURE_DATA(td) *self, int i, int side, uint8_t set,
		      uint8_t clear, struct td_seg *first)
{
	struct conn *c = &self->k[i];
	uint16_t sp = side == TD_A ? c->cport : c->port;
	uint16_t dp = side == TD_A ? c->port : c->cport;

	return td_count(self->segs, self->nsegs, td_proto(kind_of[i]), sp, dp,
			set, clear, first);
}

/* All segments of one FIN retransmission train share the FIN's seq. */
static bool same_seq(FIXTURE_DATA(td) *self, int i, int side, uint8_t set)
{
	struct td_seg first;
	struct conn *c = &self->k[i];
	uint16_t sp = side == TD_A ? c->cport : c->port;
	int j;

	if (!count_from(self, i, side, set, 0, &first))
		return false;
	for (j = 0; j < self->nsegs; j++) {
		struct td_seg *s = &self->segs[j];

		if (s->proto == td_proto(kind_of[i]) && s->sport == sp &&
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
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	td_msleep(300);
	for (i = 0; i < 2; i++) {
		s[i][TD_A] = st(self, i, TD_A, NULL);
		s[i][TD_B] = st(self, i, TD_B, NULL);
	}
	LOG2("closer", "%02X", s[T][TD_A], s[X][TD_A]);
	LOG2("peer", "%02X", s[T][TD_B], s[X][TD_B]);
	EXPECT_EQ(ST_FIN_WAIT2, s[X][TD_A]);
	EXPECT_EQ(ST_CLOSE_WAIT, s[X][TD_B]);
	EXPECT_EQ(s[T][TD_A], s[X][TD_A]);
	EXPECT_EQ(s[T][TD_B], s[X][TD_B]);
}

TEST_F_TIMEOUT(td, passive_close_closed_active_time_wait, 20)
{
	int s[2][2], i;
	struct td_row row[2];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	td_msleep(200);
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].s);
	td_msleep(300);
	for (i = 0; i < 2; i++) {
		s[i][TD_A] = st(self, i, TD_A, &row[i]);
		s[i][TD_B] = st(self, i, TD_B, NULL);
	}
	LOG2("active closer", "%02X", s[T][TD_A], s[X][TD_A]);
	LOG2("passive closer", "%02X", s[T][TD_B], s[X][TD_B]);
	EXPECT_EQ(ST_TIME_WAIT, s[X][TD_A]);
	EXPECT_EQ(0, s[X][TD_B]);		/* LAST_ACK -> CLOSED: no row */
	EXPECT_EQ(s[T][TD_A], s[X][TD_A]);
	EXPECT_EQ(s[T][TD_B], s[X][TD_B]);
	if (s[X][TD_A] == ST_TIME_WAIT)
		EXPECT_EQ(3, row[X].timer);
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
	struct td_row row[2];
	char what[64];

	td_msleep(1600);
	read_cap(self);
	for (i = 0; i < 2; i++) {
		s[i] = st(self, i, side, &row[i]);
		n[i] = count_from(self, i, side, TD_F_FIN, 0, NULL);
	}
	td_segs_print(self->segs, self->nsegs);
	snprintf(what, sizeof(what), "%s state", who);
	LOG2(what, "%02X", s[T], s[X]);
	LOG2("timer", "%u", row[T].timer, row[X].timer);
	LOG2("FINs sent in 1.6 s", "%d", n[T], n[X]);
	ASSERT_EQ(state, s[X]);
	EXPECT_EQ(s[T], s[X]);
	EXPECT_EQ(1, row[X].timer);
	EXPECT_EQ(row[T].timer, row[X].timer);
	EXPECT_LE(2, n[X]);
	EXPECT_TRUE(same_seq(self, X, side, TD_F_FIN));
}

/* B's ACK of A's FIN is lost: A stays in FIN_WAIT1, retransmitting. */
TEST_F_TIMEOUT(td, fin_wait1_retransmits_fin, 20)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, TD_A);
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	fin_retransmitted(_metadata, self, TD_A, ST_FIN_WAIT1, "closer");
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
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
	td_msleep(200);
	if (cap)
		start_cap(_metadata, self, TD_B);
	ASSERT_EQ(0, td_cut(&self->t, TD_A, true));
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].s);
}

/* A's ACK of B's FIN is lost: B stays in LAST_ACK, retransmitting. */
TEST_F_TIMEOUT(td, last_ack_retransmits_fin, 20)
{
	last_ack_cut(_metadata, self, true);
	fin_retransmitted(_metadata, self, TD_B, ST_LAST_ACK, "passive closer");
}

/* LAST_ACK ends in CLOSED (no row) once the ACK gets through. */
TEST_F_TIMEOUT(td, last_ack_closes_when_acked, 30)
{
	double w[2];

	last_ack_cut(_metadata, self, false);
	td_msleep(500);
	ASSERT_EQ(ST_LAST_ACK, st(self, X, TD_B, NULL));
	ASSERT_EQ(0, td_cut(&self->t, TD_A, false));
	wait_both(self, TD_B, 0, 10, w);
	LOG2("LAST_ACK row gone after uncut (s)", "%.2f", w[T], w[X]);
	EXPECT_LE(0, w[X]);
}

/* Seconds between the first and second FIN of connection @i from @side. */
static double first_rto(FIXTURE_DATA(td) *self, int i, int side)
{
	struct conn *c = &self->k[i];
	uint16_t sp = side == TD_A ? c->cport : c->port;
	double t[2];
	int j, n = 0;

	for (j = 0; j < self->nsegs && n < 2; j++) {
		struct td_seg *s = &self->segs[j];

		if (s->proto == td_proto(kind_of[i]) && s->sport == sp &&
		    (s->flags & TD_F_FIN))
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
	td_msleep(1500);
	read_cap(self);
	for (i = 0; i < 2; i++)
		ms[i] = (int)(first_rto(self, i, TD_B) * 1000);
	LOG2("first FIN retransmission after (ms)", "%d", ms[T], ms[X]);
	ASSERT_LT(0, ms[T]);
	ASSERT_LT(0, ms[X]);
	EXPECT_GE(100 + ms[T] / 2, abs(ms[X] - ms[T]));
}

/* Both send FIN before either hears the other's: CLOSING, then TIME_WAIT. */
static void simultaneous(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	ASSERT_EQ(0, td_cut(&self->t, TD_A, true));
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		ASSERT_EQ(0, shutdown(self->k[i].s, SHUT_WR));
	}
	td_msleep(100);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(ST_FIN_WAIT1, st(self, i, TD_A, NULL));
		ASSERT_EQ(ST_FIN_WAIT1, st(self, i, TD_B, NULL));
	}
	/* A's retransmitted FIN reaches B; B's ACK of it is still lost */
	ASSERT_EQ(0, td_cut(&self->t, TD_A, false));
}

TEST_F_TIMEOUT(td, simultaneous_close_closing, 20)
{
	double w[2];

	simultaneous(_metadata, self);
	wait_both(self, TD_B, ST_CLOSING, 5, w);
	LOG2("B in CLOSING after (s)", "%.2f", w[T], w[X]);
	EXPECT_LE(0, w[X]);
	EXPECT_LE(0, w[T]);
	EXPECT_EQ(ST_FIN_WAIT1, st(self, X, TD_A, NULL));
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

	ASSERT_EQ(0, td_topo_sysctl(&self->t, "tw_timeout", NULL, 5));
	/* B is orphaned in CLOSING after retransmitting its FIN into the cut
	 * for a while: the test's 3 orphan retries (td_ns_defaults()) could
	 * end it before the FIN gets through on a slow host
	 */
	ASSERT_EQ(0, td_topo_sysctl(&self->t, "orphan_retries", "tcp_orphan_retries", 8));
	simultaneous(_metadata, self);
	wait_both(self, TD_B, ST_CLOSING, 5, w);
	ASSERT_LE(0, w[X]);
	ASSERT_EQ(0, td_cut(&self->t, TD_B, false));
	for (i = 0; i < 2; i++) {
		close_fd(&self->k[i].c);
		close_fd(&self->k[i].s);
	}
	wait_both(self, TD_B, ST_TIME_WAIT, 40, w);
	LOG2("B (CLOSING) in TIME_WAIT after (s)", "%.2f", w[T], w[X]);
	EXPECT_LE(0, w[T]);
	EXPECT_LE(0, w[X]);
	wait_both(self, TD_A, ST_TIME_WAIT, 5, w);
	LOG2("A (FIN_WAIT1) in TIME_WAIT after (s)", "%.2f", w[T], w[X]);
	EXPECT_LE(0, w[X]);
}

/* ------------------------------------------------------------ shutdown */

TEST_F(td, shut_wr_peer_reads_eof)
{
	ssize_t r[2];
	char b[8];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		td_poll(self->k[i].s, POLLIN, 2000);
		r[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT);
	}
	LOG2("peer recv()", "%zd", r[T], r[X]);
	EXPECT_EQ(0, r[X]);
	EXPECT_EQ(r[T], r[X]);
}

TEST_F(td, shut_wr_peer_still_sends_and_closer_reads)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
		td_msleep(50);
		e[i] = send(self->k[i].s, "after", 5, MSG_NOSIGNAL) == 5 ? 0 : errno;
		if (!e[i]) {
			e[i] = td_read_n(self->k[i].c, b, 5, 2000);
			if (!e[i] && memcmp(b, "after", 5))
				e[i] = EBADMSG;
		}
	}
	LOG2("peer send + closer read", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(0, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(td, shut_rd_recv_returns_zero)
{
	ssize_t r[2];
	char b[8];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
		r[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT);
		if (r[i] < 0)
			r[i] = -errno;
	}
	LOG2("recv() after SHUT_RD", "%zd", r[T], r[X]);
	EXPECT_EQ(0, r[X]);
	EXPECT_EQ(r[T], r[X]);
}

TEST_F(td, shut_rd_sends_nothing_peer_established)
{
	int n[2], s[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, TD_A);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
	td_msleep(300);
	read_cap(self);
	for (i = 0; i < 2; i++) {
		n[i] = count_from(self, i, TD_A, 0, 0, NULL);
		s[i] = st(self, i, TD_B, NULL);
	}
	LOG2("segments after SHUT_RD", "%d", n[T], n[X]);
	LOG2("peer state", "%02X", s[T], s[X]);
	EXPECT_EQ(0, n[X]);
	EXPECT_EQ(ST_ESTABLISHED, s[X]);
	EXPECT_EQ(s[T], s[X]);
}

TEST_F(td, shut_rd_can_still_send)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RD));
		e[i] = send(self->k[i].c, "more", 4, MSG_NOSIGNAL) == 4 ? 0 : errno;
		if (!e[i])
			e[i] = td_read_n(self->k[i].s, b, 4, 2000);
	}
	LOG2("send after SHUT_RD, peer read", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(0, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(td, shut_rdwr_eof_both_ways_and_epipe)
{
	ssize_t peer[2], own[2];
	int snd[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_RDWR));
		td_poll(self->k[i].s, POLLIN, 2000);
		peer[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT);
		own[i] = recv(self->k[i].c, b, sizeof(b), MSG_DONTWAIT);
		snd[i] = send(self->k[i].c, "x", 1, MSG_NOSIGNAL) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%zd", peer[T], peer[X]);
	LOG2("own recv", "%zd", own[T], own[X]);
	LOG2("own send", "%s", td_errname(snd[T]), td_errname(snd[X]));
	EXPECT_EQ(0, peer[X]);
	EXPECT_EQ(0, own[X]);
	EXPECT_EQ(EPIPE, snd[X]);
	EXPECT_EQ(peer[T], peer[X]);
	EXPECT_EQ(own[T], own[X]);
	EXPECT_EQ(snd[T], snd[X]);
}

/* A socket that only shut its send side is not an orphan: no timeout. */
TEST_F_TIMEOUT(td, fin_wait2_not_orphan_stays, 20)
{
	int s[2], i;

	td_topo_sysctl(&self->t, "fin_timeout", "tcp_fin_timeout", 1);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, shutdown(self->k[i].c, SHUT_WR));
	td_msleep(2500);
	for (i = 0; i < 2; i++)
		s[i] = st(self, i, TD_A, NULL);
	LOG2("state 2.5 s after SHUT_WR (fin_timeout 1)", "%02X", s[T], s[X]);
	EXPECT_EQ(ST_FIN_WAIT2, s[X]);
	EXPECT_EQ(s[T], s[X]);
}

/* --------------------------------------------------- abortive closes */

/* B sent data that A never read; A's close() resets the connection. */
static void close_with_unread(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self)
{
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(5, send(self->k[i].s, "hello", 5, 0));
	for (i = 0; i < 2; i++)
		ASSERT_NE(0, td_poll(self->k[i].c, POLLIN, 2000) & POLLIN);
}

TEST_F(td, close_unread_sends_rst_not_fin)
{
	int rst[2], fin[2], i;

	close_with_unread(_metadata, self);
	start_cap(_metadata, self, TD_A);
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	td_msleep(300);
	read_cap(self);
	for (i = 0; i < 2; i++) {
		rst[i] = count_from(self, i, TD_A, TD_F_RST, 0, NULL);
		fin[i] = count_from(self, i, TD_A, TD_F_FIN, 0, NULL);
	}
	td_segs_print(self->segs, self->nsegs);
	LOG2("RSTs", "%d", rst[T], rst[X]);
	LOG2("FINs", "%d", fin[T], fin[X]);
	EXPECT_EQ(1, rst[X]);
	EXPECT_EQ(0, fin[X]);
	EXPECT_EQ(rst[T], rst[X]);
	EXPECT_EQ(fin[T], fin[X]);
}

TEST_F(td, close_unread_peer_econnreset)
{
	int e[2], i;
	char b[8];

	close_with_unread(_metadata, self);
	for (i = 0; i < 2; i++) {
		close_fd(&self->k[i].c);
		td_poll(self->k[i].s, POLLIN, 2000);
		e[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ECONNRESET, e[X]);
	EXPECT_EQ(e[T], e[X]);
}

TEST_F(td, close_unread_counts_abort_on_close)
{
	long before[2], after[2];
	int i;

	close_with_unread(_metadata, self);
	for (i = 0; i < 2; i++) {
		before[i] = td_stat(kind_of[i], "TCPAbortOnClose");
		close_fd(&self->k[i].c);
		after[i] = td_stat(kind_of[i], "TCPAbortOnClose");
	}
	LOG2("TCPAbortOnClose delta", "%ld", after[T] - before[T], after[X] - before[X]);
	ASSERT_LE(0, before[X]);
	EXPECT_EQ(1, after[X] - before[X]);
	EXPECT_EQ(after[T] - before[T], after[X] - before[X]);
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
	start_cap(_metadata, self, TD_A);
	for (i = 0; i < 2; i++) {
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
	}
	td_msleep(300);
	read_cap(self);
	for (i = 0; i < 2; i++) {
		rst[i] = count_from(self, i, TD_A, TD_F_RST, 0, NULL);
		fin[i] = count_from(self, i, TD_A, TD_F_FIN, 0, NULL);
		s[i] = st(self, i, TD_A, NULL);
	}
	LOG2("RSTs", "%d", rst[T], rst[X]);
	LOG2("FINs", "%d", fin[T], fin[X]);
	LOG2("closer's row", "%02X", s[T], s[X]);
	EXPECT_EQ(1, rst[X]);
	EXPECT_EQ(0, fin[X]);
	EXPECT_EQ(0, s[X]);
	EXPECT_EQ(rst[T], rst[X]);
	EXPECT_EQ(fin[T], fin[X]);
	EXPECT_EQ(s[T], s[X]);
}

TEST_F(td, linger_zero_peer_econnreset)
{
	int e[2], i;
	char b[8];

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
		td_poll(self->k[i].s, POLLIN, 2000);
		e[i] = recv(self->k[i].s, b, sizeof(b), MSG_DONTWAIT) < 0 ? errno : 0;
	}
	LOG2("peer recv", "%s", td_errname(e[T]), td_errname(e[X]));
	EXPECT_EQ(ECONNRESET, e[X]);
	EXPECT_EQ(e[T], e[X]);
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
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 3; j++)
			before[i][j] = td_stat(kind_of[i], names[j]);
		set_linger(self->k[i].c, 1, 0);
		close_fd(&self->k[i].c);
		for (j = 0; j < 3; j++)
			after[i][j] = td_stat(kind_of[i], names[j]);
	}
	for (j = 0; j < 3; j++) {
		LOG2(names[j], "+%ld", after[T][j] - before[T][j], after[X][j] - before[X][j]);
		EXPECT_EQ(after[T][j] - before[T][j], after[X][j] - before[X][j]);
	}
}

/* SO_LINGER {1, 2} and an unreachable peer: close() blocks ~2 s. */
TEST_F_TIMEOUT(td, linger_timeout_blocks_close, 20)
{
	double took[2];
	int i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	ASSERT_EQ(0, td_cut(&self->t, TD_B, true));
	for (i = 0; i < 2; i++) {
		double t0 = td_now();

		set_linger(self->k[i].c, 1, 2);
		close_fd(&self->k[i].c);
		took[i] = td_now() - t0;
	}
	LOG2("close() took (s)", "%.2f", took[T], took[X]);
	EXPECT_LE(1.8, took[X]);
	EXPECT_GE(3.0, took[X]);
}

/* SO_LINGER {1, 5}, peer reachable: close() returns once the FIN is ACKed. */
TEST_F(td, linger_returns_when_fin_acked)
{
	double took[2];
	int s[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		double t0 = td_now();

		set_linger(self->k[i].c, 1, 5);
		close_fd(&self->k[i].c);
		took[i] = td_now() - t0;
		s[i] = st(self, i, TD_A, NULL);
	}
	LOG2("close() took (s)", "%.3f", took[T], took[X]);
	LOG2("state after close()", "%02X", s[T], s[X]);
	EXPECT_GE(1.0, took[X]);
	EXPECT_EQ(ST_FIN_WAIT2, s[X]);
	EXPECT_EQ(s[T], s[X]);
}

/* ------------------------------------------------------ FIN_WAIT2 timeout */

/* An orphan in FIN_WAIT2 whose peer never closes goes after @expect s. */
static void orphan_expiry(struct __test_metadata *_metadata, FIXTURE_DATA(td) *self,
			  int fin_timeout, int linger2, int expect)
{
	double w[2], t0, off;
	int i;

	td_sysctl_both("fin_timeout", "tcp_fin_timeout", fin_timeout);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	for (i = 0; i < 2; i++) {
		if (linger2)
			ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_LINGER2, linger2));
	}
	t0 = td_now();
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	td_msleep(200);
	for (i = 0; i < 2; i++) {
		struct td_row r;
		int s = st(self, i, TD_A, &r);

		TH_LOG("%s orphan: state %02X timer %u when %lu", td_name(kind_of[i]),
		       s, r.timer, s ? r.when : 0);
		if (i == X)
			ASSERT_EQ(ST_FIN_WAIT2, s);
	}
	off = td_now() - t0;
	wait_both(self, TD_A, 0, expect + 3, w);
	for (i = 0; i < 2; i++)
		if (w[i] >= 0)
			w[i] += off;
	LOG2("orphan FIN_WAIT2 gone after (s)", "%.2f", w[T], w[X]);
	ASSERT_LE(0, w[X]);
	EXPECT_LE(expect - 1.0, w[X]);
	EXPECT_GE(expect + 1.0, w[X]);
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

	td_sysctl_both("fin_timeout", "tcp_fin_timeout", 1);
	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, TD_A);
	for (i = 0; i < 2; i++)
		close_fd(&self->k[i].c);
	wait_both(self, TD_A, 0, 4, w);
	td_msleep(200);
	read_cap(self);
	for (i = 0; i < 2; i++)
		rst[i] = count_from(self, i, TD_A, TD_F_RST, 0, NULL);
	td_segs_print(self->segs, self->nsegs);
	LOG2("RSTs sent at FIN_WAIT2 expiry", "%d", rst[T], rst[X]);
	EXPECT_EQ(rst[T], rst[X]);
}

/* TCP_LINGER2 < 0: the orphan does not wait in FIN_WAIT2 at all. */
TEST_F(td, linger2_negative_no_fin_wait2)
{
	int s[2], rst[2], i;

	ASSERT_EQ(0, open_pairs(_metadata, self));
	start_cap(_metadata, self, TD_A);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_LINGER2, -1));
		close_fd(&self->k[i].c);
	}
	td_msleep(300);
	read_cap(self);
	for (i = 0; i < 2; i++) {
		s[i] = st(self, i, TD_A, NULL);
		rst[i] = count_from(self, i, TD_A, TD_F_RST, 0, NULL);
	}
	td_segs_print(self->segs, self->nsegs);
	LOG2("closer's row", "%02X", s[T], s[X]);
	LOG2("RSTs", "%d", rst[T], rst[X]);
	EXPECT_EQ(0, s[X]);
	EXPECT_EQ(s[T], s[X]);
	EXPECT_EQ(rst[T], rst[X]);
}

TEST_HARNESS_MAIN
