// SPDX-License-Identifier: GPL-2.0
/*
 * Unacceptable segments, XTCP beside Linux TCP (issue 9): no ACK storm.
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * One idle connection per stack. Spoofed segments carrying one end's
 * 4-tuple are sent at the other end through a raw socket; a capture on va
 * counts what each end answers. What Linux does, and XTCP must do too:
 * - one in-window data segment spoofed from A is taken by B, whose ACK
 *   (beyond A's snd_nxt) A drops silently: no ping-pong of ACKs;
 * - pure ACKs out of the window are answered at most once per
 *   invalid_ratelimit (500 ms), the rest counted as TCPACKSkippedSeq;
 *   invalid_ratelimit=0 answers each; out-of-window data is always
 *   answered (it cannot be part of an ACK loop);
 * - in-window SYNs get one challenge ACK per 500 ms (TCPChallengeACK,
 *   TCPACKSkippedChallenge);
 * - ACKs beyond snd_nxt do not keep a dead connection alive: keepalive
 *   still times out while they arrive.
 */
#define TD_LIB_NO_MAIN
#include "helpers/td_lib.c"
#include "kselftest_harness.h"

#define T 0
#define X 1

static const int kind_of[2] = { TD_TCP, TD_XTCP };

FIXTURE(st) {
	struct td_topo t;
	struct td_conn k[2];
	int cap, raw_a, raw_b;
	struct td_seg segs[4096];
	int nsegs;
};

FIXTURE_SETUP(st)
{
	int i, err;

	self->cap = self->raw_a = self->raw_b = -1;
	for (i = 0; i < 2; i++)
		self->k[i].c = self->k[i].s = -1;
	err = td_topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	nl_ns_enter(self->t.ns[TD_B]);
	self->raw_b = td_raw_open();
	nl_ns_enter(self->t.ns[TD_A]);
	self->raw_a = td_raw_open();
	ASSERT_LE(0, self->raw_a);
	ASSERT_LE(0, self->raw_b);
}

FIXTURE_TEARDOWN(st)
{
	int i;

	for (i = 0; i < 2; i++) {
		td_abort(self->k[i].s);
		td_abort(self->k[i].c);
	}
	if (self->cap >= 0)
		close(self->cap);
	close(self->raw_a);
	close(self->raw_b);
	if (td_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

/*
 * A TCP and an XTCP connection whose next sequence numbers are known
 * (td_pair_seq: "ping" from A, "pong" from B, captured on va). 0 or errno.
 */
static int open_pairs(FIXTURE_DATA(st) *self)
{
	self->cap = td_cap_a(&self->t);
	if (self->cap < 0)
		return errno;
	self->nsegs = 0;
	return td_conns_open(&self->t, self->cap, kind_of, self->k, 2, 7300);
}

/* A segment of connection @i as if from A (to B) or from B (to A). */
static struct td_raw spoof(FIXTURE_DATA(st) *self, int i, int from)
{
	struct td_conn *c = &self->k[i];
	struct td_raw r = {
		.proto = td_proto(kind_of[i]),
		.flags = TD_F_ACK,
		.win = 502,
	};

	if (from == TD_A) {
		r.saddr = td_ip(TD_IP_A), r.daddr = td_ip(TD_IP_B);
		r.sport = c->cport, r.dport = c->port;
		r.seq = c->snd_una, r.ack = c->rcv_nxt;
	} else {
		r.saddr = td_ip(TD_IP_B), r.daddr = td_ip(TD_IP_A);
		r.sport = c->port, r.dport = c->cport;
		r.seq = c->rcv_nxt, r.ack = c->snd_una;
	}
	return r;
}

/* Segments of connection @i captured since the last reset, sent by @from. */
static int sent_by(FIXTURE_DATA(st) *self, int i, int from)
{
	struct td_conn *c = &self->k[i];

	td_cap_read(self->cap, self->segs, &self->nsegs, 4096, 0);
	if (from == TD_A)
		return td_count(self->segs, self->nsegs, td_proto(kind_of[i]),
				c->cport, c->port, 0, 0, NULL);
	return td_count(self->segs, self->nsegs, td_proto(kind_of[i]),
			c->port, c->cport, 0, 0, NULL);
}

/* Counter @name of stack @i in namespace @side. */
static long stat_in(FIXTURE_DATA(st) *self, int side, int i, const char *name)
{
	int old = nl_cur_ns;
	long v;

	nl_ns_enter(self->t.ns[side]);
	v = td_stat(kind_of[i], name);
	nl_ns_enter(old);
	return v;
}

/*
 * Send @n copies of @r (from A's namespace when @from is TD_A), @gap_ms
 * apart; returns how long that took, in seconds.
 */
static double burst(FIXTURE_DATA(st) *self, int from, struct td_raw *r, int n,
		    int gap_ms)
{
	double t0 = td_now();
	int j;

	for (j = 0; j < n; j++) {
		td_raw_send(from == TD_A ? self->raw_a : self->raw_b, r);
		if (gap_ms)
			td_msleep(gap_ms);
	}
	return td_now() - t0;
}

/* At most one answer per 500 ms of @secs, plus the first. */
static int limit_for(double secs)
{
	return 2 + (int)(secs / 0.5);
}

/*
 * The scenario that used to start an endless ACK storm between two XTCP
 * ends: one 100-byte data segment in B's window, spoofed from A.
 */
TEST_F(st, spoofed_inwindow_data_no_ack_storm)
{
	int n[2][2], i;
	char buf[128];

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++) {
		struct td_raw r = spoof(self, i, TD_A);

		r.flags |= TD_F_PSH;
		r.len = 100;
		ASSERT_EQ(0, td_raw_send(self->raw_a, &r));
	}
	td_msleep(3000);
	for (i = 0; i < 2; i++) {
		n[i][TD_A] = sent_by(self, i, TD_A);
		n[i][TD_B] = sent_by(self, i, TD_B);
		/* B took the spoofed bytes, as TCP does: they were in window */
		EXPECT_EQ(0, td_read_n(self->k[i].s, buf, 100, 2000));
	}
	TH_LOG("segments in the 3 s after one spoofed segment: TCP A %d B %d, XTCP A %d B %d",
	       n[T][TD_A], n[T][TD_B], n[X][TD_A], n[X][TD_B]);
	for (i = 0; i < 2; i++) {
		EXPECT_LE(n[i][TD_A], limit_for(3));
		EXPECT_LE(n[i][TD_B], limit_for(3));
		EXPECT_LE(1, n[i][TD_B]);	/* B acknowledged the data */
	}
}

/* 40 pure ACKs far out of B's window, 10 ms apart. */
TEST_F(st, out_of_window_acks_rate_limited)
{
	long skipped0[2], skipped[2];
	int n[2], i;
	double secs[2];

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++) {
		struct td_raw r = spoof(self, i, TD_A);

		r.seq += 0x40000000;
		skipped0[i] = stat_in(self, TD_B, i, "TCPACKSkippedSeq");
		secs[i] = burst(self, TD_A, &r, 40, 10);
	}
	td_msleep(300);
	for (i = 0; i < 2; i++) {
		n[i] = sent_by(self, i, TD_B);
		skipped[i] = stat_in(self, TD_B, i, "TCPACKSkippedSeq") - skipped0[i];
	}
	TH_LOG("40 out-of-window ACKs: answers TCP %d (%.2f s) XTCP %d (%.2f s); TCPACKSkippedSeq TCP %ld XTCP %ld",
	       n[T], secs[T], n[X], secs[X], skipped[T], skipped[X]);
	for (i = 0; i < 2; i++) {
		EXPECT_LE(1, n[i]);
		EXPECT_LE(n[i], limit_for(secs[i] + 0.3));
		EXPECT_EQ(40 - n[i], skipped[i]);
	}
}

/* invalid_ratelimit=0: every out-of-window ACK is answered, as in Linux. */
TEST_F(st, ratelimit_zero_answers_each)
{
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	ASSERT_EQ(0, td_topo_sysctl(&self->t, "invalid_ratelimit",
				    "tcp_invalid_ratelimit", 0));
	for (i = 0; i < 2; i++) {
		struct td_raw r = spoof(self, i, TD_A);

		r.seq += 0x40000000;
		burst(self, TD_A, &r, 20, 5);
	}
	td_msleep(300);
	for (i = 0; i < 2; i++)
		n[i] = sent_by(self, i, TD_B);
	TH_LOG("20 out-of-window ACKs, invalid_ratelimit=0: answers TCP %d XTCP %d",
	       n[T], n[X]);
	EXPECT_EQ(20, n[T]);
	EXPECT_EQ(20, n[X]);
}

/* Old data is always answered (a duplicate ACK): data is no ACK loop. */
TEST_F(st, out_of_window_data_always_answered)
{
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++) {
		struct td_raw r = spoof(self, i, TD_A);

		r.seq -= 300;
		r.len = 100;
		burst(self, TD_A, &r, 10, 5);
	}
	td_msleep(300);
	for (i = 0; i < 2; i++)
		n[i] = sent_by(self, i, TD_B);
	TH_LOG("10 old data segments: answers TCP %d XTCP %d", n[T], n[X]);
	EXPECT_EQ(10, n[T]);
	EXPECT_EQ(n[T], n[X]);
}

/* RFC 5961 4.2: in-window SYNs, 20 in 0.2 s: one challenge ACK. */
TEST_F(st, inwindow_syn_challenge_rate_limited)
{
	long ch0[2], sk0[2], ch[2], sk[2];
	int n[2], i;
	double secs[2];

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++) {
		struct td_raw r = spoof(self, i, TD_A);

		r.flags = TD_F_SYN;
		r.seq += 10;
		r.ack = 0;
		ch0[i] = stat_in(self, TD_B, i, "TCPChallengeACK");
		sk0[i] = stat_in(self, TD_B, i, "TCPACKSkippedChallenge");
		secs[i] = burst(self, TD_A, &r, 20, 10);
	}
	td_msleep(300);
	for (i = 0; i < 2; i++) {
		n[i] = sent_by(self, i, TD_B);
		ch[i] = stat_in(self, TD_B, i, "TCPChallengeACK") - ch0[i];
		sk[i] = stat_in(self, TD_B, i, "TCPACKSkippedChallenge") - sk0[i];
	}
	TH_LOG("20 in-window SYNs: answers TCP %d XTCP %d, TCPChallengeACK TCP %ld XTCP %ld, TCPACKSkippedChallenge TCP %ld XTCP %ld",
	       n[T], n[X], ch[T], ch[X], sk[T], sk[X]);
	for (i = 0; i < 2; i++) {
		EXPECT_LE(1, n[i]);
		EXPECT_LE(n[i], limit_for(secs[i] + 0.3));
		EXPECT_EQ(n[i], ch[i]);
		EXPECT_EQ(20 - n[i], sk[i]);
	}
}

/*
 * A dead peer: B's own segments are dropped on vb (a tc u32 filter on
 * TTL 64; the spoofed ones are sent with TTL 63). A's keepalive (1 s, 1 s,
 * 2 probes) must still time out while spoofed ACKs beyond A's snd_nxt
 * arrive every 200 ms; A answers none of them.
 */
TEST_F(st, acks_beyond_snd_nxt_keep_nothing_alive)
{
	double t0, dead[2] = { 0, 0 };
	int i, other[2];

	ASSERT_EQ(0, open_pairs(self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_KEEPIDLE, 1));
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_KEEPINTVL, 1));
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_TCP, TCP_KEEPCNT, 2));
		ASSERT_EQ(0, xtcp_setint(self->k[i].c, SOL_SOCKET, SO_KEEPALIVE, 1));
	}
	nl_ns_enter(self->t.ns[TD_B]);
	/* the netns is the test's: tc (run by system()) acts in it */
	ASSERT_EQ(0, system("tc qdisc add dev vb clsact && tc filter add dev vb "
			    "egress protocol ip prio 1 u32 match u8 64 0xff at 8 "
			    "action drop"));
	nl_ns_enter(self->t.ns[TD_A]);
	t0 = td_now();
	while ((!dead[T] || !dead[X]) && td_now() - t0 < 20) {
		for (i = 0; i < 2; i++) {
			struct td_raw r = spoof(self, i, TD_B);

			if (dead[i])
				continue;
			if (td_poll(self->k[i].c, POLLIN, 0) & (POLLERR | POLLHUP)) {
				dead[i] = td_now() - t0;
				EXPECT_EQ(ETIMEDOUT, td_so_error(self->k[i].c));
				continue;
			}
			r.ack += 1000;
			r.ttl = 63;
			td_raw_send(self->raw_b, &r);
		}
		td_msleep(200);
	}
	for (i = 0; i < 2; i++) {
		struct td_conn *c = &self->k[i];
		int j;

		td_cap_read(self->cap, self->segs, &self->nsegs, 4096, 0);
		/* A's segments other than keepalive probes and the final RST */
		other[i] = 0;
		for (j = 0; j < self->nsegs; j++) {
			struct td_seg *s = &self->segs[j];

			if (s->proto == td_proto(kind_of[i]) && s->sport == c->cport &&
			    s->seq != c->snd_una - 1 && !(s->flags & TD_F_RST))
				other[i]++;
		}
	}
	TH_LOG("keepalive death under spoofed ACKs: TCP %.1f s, XTCP %.1f s; other segments from A: TCP %d XTCP %d",
	       dead[T], dead[X], other[T], other[X]);
	EXPECT_LT(0, dead[T]);
	EXPECT_LT(0, dead[X]);
	EXPECT_EQ(0, other[T]);
	EXPECT_EQ(0, other[X]);
}

TEST(sysctl_invalid_ratelimit_bounds)
{
	static const char *const bad[] = { "-1", "3600001", "x" };
	long old;
	int i;

	ASSERT_LE(0, td_single_ns());
	old = td_sysctl_get("net.xtcp.invalid_ratelimit");
	EXPECT_EQ(500, old);
	EXPECT_EQ(500, td_sysctl_get("net.ipv4.tcp_invalid_ratelimit"));
	EXPECT_EQ((long)INT_MAX, td_sysctl_get("net.xtcp.challenge_ack_limit"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(EINVAL, td_sysctl("net.xtcp.invalid_ratelimit", bad[i]));
		EXPECT_EQ(500, td_sysctl_get("net.xtcp.invalid_ratelimit"));
	}
	EXPECT_EQ(0, td_sysctl("net.xtcp.invalid_ratelimit", "3600000"));
	EXPECT_EQ(3600000, td_sysctl_get("net.xtcp.invalid_ratelimit"));
	EXPECT_EQ(EINVAL, td_sysctl("net.xtcp.challenge_ack_limit", "-1"));
}

TEST_HARNESS_MAIN
