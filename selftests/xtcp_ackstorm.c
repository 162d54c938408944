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
#include "xtcp_lib.h"
#include "kselftest_harness.h"

FIXTURE(st) {
	struct topo t;
	struct conn k[NSTACKS];		/* one idle connection per stack */
	int cap, raw_a, raw_b;
	struct seg segs[4096];
	int nsegs;
};

FIXTURE_SETUP(st)
{
	int i, err;

	self->cap = self->raw_a = self->raw_b = -1;
	for_each_stack(i)
		self->k[i].c = self->k[i].s = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	ns_enter(self->t.ns[SIDE_B]);
	self->raw_b = raw_open();
	ns_enter(self->t.ns[SIDE_A]);
	self->raw_a = raw_open();
	ASSERT_LE(0, self->raw_a);
	ASSERT_LE(0, self->raw_b);
}

FIXTURE_TEARDOWN(st)
{
	int i;

	for_each_stack(i) {
		sock_abort(self->k[i].s);
		sock_abort(self->k[i].c);
	}
	if (self->cap >= 0)
		close(self->cap);
	close(self->raw_a);
	close(self->raw_b);
	if (topo_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

/*
 * An XTCP and a TCP connection whose next sequence numbers are known
 * (topo_conns_open(): "ping" from A, "pong" from B, captured on va).
 * 0 or errno.
 */
static int open_pairs(FIXTURE_DATA(st) *self)
{
	static const enum stack stacks[NSTACKS] = { STACK_XTCP, STACK_TCP };

	self->cap = topo_cap(&self->t, SIDE_A);
	if (self->cap < 0)
		return errno;
	self->nsegs = 0;
	return topo_conns_open(&self->t, self->cap, stacks, self->k, NSTACKS, 7300);
}

/* A segment of connection @i as if from A (to B) or from B (to A). */
static struct raw_seg spoof(FIXTURE_DATA(st) *self, int i, int from)
{
	struct conn *c = &self->k[i];
	struct raw_seg r = {
		.proto = stack_proto(i),
		.flags = TH_ACK,
		.win = 502,
	};

	if (from == SIDE_A) {
		r.saddr = inet_addr(IP_A), r.daddr = inet_addr(IP_B);
		r.sport = c->cport, r.dport = c->port;
		r.seq = c->snd_una, r.ack = c->rcv_nxt;
	} else {
		r.saddr = inet_addr(IP_B), r.daddr = inet_addr(IP_A);
		r.sport = c->port, r.dport = c->cport;
		r.seq = c->rcv_nxt, r.ack = c->snd_una;
	}
	return r;
}

/* Segments of connection @i captured since the last reset, sent by @from. */
static int sent_by(FIXTURE_DATA(st) *self, int i, int from)
{
	struct conn *c = &self->k[i];

	cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
	if (from == SIDE_A)
		return seg_count(self->segs, self->nsegs, stack_proto(i),
				c->cport, c->port, 0, 0, NULL);
	return seg_count(self->segs, self->nsegs, stack_proto(i),
			c->port, c->cport, 0, 0, NULL);
}

/* Counter @name of stack @i in namespace @side. */
static long stat_in(FIXTURE_DATA(st) *self, int side, int i, const char *name)
{
	return counter_ns(self->t.ns[side], i, name);
}

/*
 * Send @n copies of @r (from A's namespace when @from is SIDE_A), @gap_ms
 * apart; returns how long that took, in seconds.
 */
static double burst(FIXTURE_DATA(st) *self, int from, struct raw_seg *r, int n,
		    int gap_ms)
{
	double t0 = now();
	int j;

	for (j = 0; j < n; j++) {
		raw_send(from == SIDE_A ? self->raw_a : self->raw_b, r);
		if (gap_ms)
			msleep(gap_ms);
	}
	return now() - t0;
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
	for_each_stack(i) {
		struct raw_seg r = spoof(self, i, SIDE_A);

		r.flags |= TH_PUSH;
		r.len = 100;
		ASSERT_EQ(0, raw_send(self->raw_a, &r));
	}
	msleep(3000);
	for_each_stack(i) {
		n[i][SIDE_A] = sent_by(self, i, SIDE_A);
		n[i][SIDE_B] = sent_by(self, i, SIDE_B);
		/* B took the spoofed bytes, as TCP does: they were in window */
		EXPECT_EQ(0, sock_read_n(self->k[i].s, buf, 100, 2000));
	}
	TH_LOG("segments in the 3 s after one spoofed segment: TCP A %d B %d, XTCP A %d B %d",
	       n[STACK_TCP][SIDE_A], n[STACK_TCP][SIDE_B], n[STACK_XTCP][SIDE_A], n[STACK_XTCP][SIDE_B]);
	for_each_stack(i) {
		EXPECT_LE(n[i][SIDE_A], limit_for(3));
		EXPECT_LE(n[i][SIDE_B], limit_for(3));
		EXPECT_LE(1, n[i][SIDE_B]);	/* B acknowledged the data */
	}
}

/* 40 pure ACKs far out of B's window, 10 ms apart. */
TEST_F(st, out_of_window_acks_rate_limited)
{
	long skipped0[2], skipped[2];
	int n[2], i;
	double secs[2];

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i) {
		struct raw_seg r = spoof(self, i, SIDE_A);

		r.seq += 0x40000000;
		skipped0[i] = stat_in(self, SIDE_B, i, "TCPACKSkippedSeq");
		secs[i] = burst(self, SIDE_A, &r, 40, 10);
	}
	msleep(300);
	for_each_stack(i) {
		n[i] = sent_by(self, i, SIDE_B);
		skipped[i] = stat_in(self, SIDE_B, i, "TCPACKSkippedSeq") - skipped0[i];
	}
	TH_LOG("40 out-of-window ACKs: answers TCP %d (%.2f s) XTCP %d (%.2f s); TCPACKSkippedSeq TCP %ld XTCP %ld",
	       n[STACK_TCP], secs[STACK_TCP], n[STACK_XTCP], secs[STACK_XTCP], skipped[STACK_TCP], skipped[STACK_XTCP]);
	for_each_stack(i) {
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
	ASSERT_EQ(0, topo_sysctl(&self->t, "invalid_ratelimit",
				    "tcp_invalid_ratelimit", 0));
	for_each_stack(i) {
		struct raw_seg r = spoof(self, i, SIDE_A);

		r.seq += 0x40000000;
		burst(self, SIDE_A, &r, 20, 5);
	}
	msleep(300);
	for_each_stack(i)
		n[i] = sent_by(self, i, SIDE_B);
	TH_LOG("20 out-of-window ACKs, invalid_ratelimit=0: answers TCP %d XTCP %d",
	       n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_EQ(20, n[STACK_TCP]);
	EXPECT_EQ(20, n[STACK_XTCP]);
}

/* Old data is always answered (a duplicate ACK): data is no ACK loop. */
TEST_F(st, out_of_window_data_always_answered)
{
	int n[2], i;

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i) {
		struct raw_seg r = spoof(self, i, SIDE_A);

		r.seq -= 300;
		r.len = 100;
		burst(self, SIDE_A, &r, 10, 5);
	}
	msleep(300);
	for_each_stack(i)
		n[i] = sent_by(self, i, SIDE_B);
	TH_LOG("10 old data segments: answers TCP %d XTCP %d", n[STACK_TCP], n[STACK_XTCP]);
	EXPECT_EQ(10, n[STACK_TCP]);
	EXPECT_EQ(n[STACK_TCP], n[STACK_XTCP]);
}

/* RFC 5961 4.2: in-window SYNs, 20 in 0.2 s: one challenge ACK. */
TEST_F(st, inwindow_syn_challenge_rate_limited)
{
	long ch0[2], sk0[2], ch[2], sk[2];
	int n[2], i;
	double secs[2];

	ASSERT_EQ(0, open_pairs(self));
	for_each_stack(i) {
		struct raw_seg r = spoof(self, i, SIDE_A);

		r.flags = TH_SYN;
		r.seq += 10;
		r.ack = 0;
		ch0[i] = stat_in(self, SIDE_B, i, "TCPChallengeACK");
		sk0[i] = stat_in(self, SIDE_B, i, "TCPACKSkippedChallenge");
		secs[i] = burst(self, SIDE_A, &r, 20, 10);
	}
	msleep(300);
	for_each_stack(i) {
		n[i] = sent_by(self, i, SIDE_B);
		ch[i] = stat_in(self, SIDE_B, i, "TCPChallengeACK") - ch0[i];
		sk[i] = stat_in(self, SIDE_B, i, "TCPACKSkippedChallenge") - sk0[i];
	}
	TH_LOG("20 in-window SYNs: answers TCP %d XTCP %d, TCPChallengeACK TCP %ld XTCP %ld, TCPACKSkippedChallenge TCP %ld XTCP %ld",
	       n[STACK_TCP], n[STACK_XTCP], ch[STACK_TCP], ch[STACK_XTCP], sk[STACK_TCP], sk[STACK_XTCP]);
	for_each_stack(i) {
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
	for_each_stack(i) {
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_KEEPIDLE, 1));
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_KEEPINTVL, 1));
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_TCP, TCP_KEEPCNT, 2));
		ASSERT_EQ(0, sock_setint(self->k[i].c, SOL_SOCKET, SO_KEEPALIVE, 1));
	}
	ns_enter(self->t.ns[SIDE_B]);
	/* the netns is the test's: tc (run by system()) acts in it */
	ASSERT_EQ(0, system("tc qdisc add dev vb clsact && tc filter add dev vb "
			    "egress protocol ip prio 1 u32 match u8 64 0xff at 8 "
			    "action drop"));
	ns_enter(self->t.ns[SIDE_A]);
	t0 = now();
	while ((!dead[STACK_TCP] || !dead[STACK_XTCP]) && now() - t0 < 20) {
		for_each_stack(i) {
			struct raw_seg r = spoof(self, i, SIDE_B);

			if (dead[i])
				continue;
			if (sock_poll(self->k[i].c, POLLIN, 0) & (POLLERR | POLLHUP)) {
				dead[i] = now() - t0;
				EXPECT_EQ(ETIMEDOUT, sock_so_error(self->k[i].c));
				continue;
			}
			r.ack += 1000;
			r.ttl = 63;
			raw_send(self->raw_b, &r);
		}
		msleep(200);
	}
	for_each_stack(i) {
		struct conn *c = &self->k[i];
		int j;

		cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
		/* A's segments other than keepalive probes and the final RST */
		other[i] = 0;
		for (j = 0; j < self->nsegs; j++) {
			struct seg *s = &self->segs[j];

			if (s->proto == stack_proto(i) && s->sport == c->cport &&
			    s->seq != c->snd_una - 1 && !(s->flags & TH_RST))
				other[i]++;
		}
	}
	TH_LOG("keepalive death under spoofed ACKs: TCP %.1f s, XTCP %.1f s; other segments from A: TCP %d XTCP %d",
	       dead[STACK_TCP], dead[STACK_XTCP], other[STACK_TCP], other[STACK_XTCP]);
	EXPECT_LT(0, dead[STACK_TCP]);
	EXPECT_LT(0, dead[STACK_XTCP]);
	EXPECT_EQ(0, other[STACK_TCP]);
	EXPECT_EQ(0, other[STACK_XTCP]);
}

TEST(sysctl_invalid_ratelimit_bounds)
{
	static const char *const bad[] = { "-1", "3600001", "x" };
	long old;
	int i;

	ASSERT_LE(0, topo_single_ns());
	old = sysctl_get("net.xtcp.invalid_ratelimit");
	EXPECT_EQ(500, old);
	EXPECT_EQ(500, sysctl_get("net.ipv4.tcp_invalid_ratelimit"));
	EXPECT_EQ((long)INT_MAX, sysctl_get("net.xtcp.challenge_ack_limit"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(EINVAL, sysctl_set("net.xtcp.invalid_ratelimit", bad[i]));
		EXPECT_EQ(500, sysctl_get("net.xtcp.invalid_ratelimit"));
	}
	EXPECT_EQ(0, sysctl_set("net.xtcp.invalid_ratelimit", "3600000"));
	EXPECT_EQ(3600000, sysctl_get("net.xtcp.invalid_ratelimit"));
	EXPECT_EQ(EINVAL, sysctl_set("net.xtcp.challenge_ack_limit", "-1"));
}

XTCP_HARNESS_MAIN
