// SPDX-License-Identifier: GPL-2.0
/*
 * Unacceptable segments, XTCP beside Linux TCP (issue 9): no ACK storm.
 *
 *   A "client" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "server"
 *
 * One idle connection; each test runs once per stack (st.xtcp.NAME,
 * st.tcp.NAME) and checks what Linux TCP does. Spoofed segments carrying
 * one end's 4-tuple are sent at the other end through a raw socket; a
 * capture on va counts what each end answers. What Linux does, and XTCP
 * must do too:
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
 * And B's duplicate ACKs for spoofed out-of-order data: SACK blocks the
 * most recently reached first (ofo_sack_blocks_most_recent_first); three
 * at once, then one for a burst (SACK compression,
 * ofo_burst_duplicate_acks_compressed).
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

FIXTURE(st) {
	struct topo t;
	struct conn k;			/* the idle connection */
	int cap, raw_a, raw_b;
	struct seg segs[4096];
	int nsegs;
};

FIXTURE_VARIANT(st) {
	enum stack stack;
};

STACK_VARIANTS(st);

FIXTURE_SETUP(st)
{
	int err;

	self->cap = self->raw_a = self->raw_b = -1;
	self->k.c = self->k.s = -1;
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
	sock_abort(self->k.s);
	sock_abort(self->k.c);
	if (self->cap >= 0)
		close(self->cap);
	close(self->raw_a);
	close(self->raw_b);
	if (topo_settle(&self->t, 10))
		TH_LOG("XTCP sockets still open 10 s after the test");
}

#define ST	(variant->stack)

/*
 * A connection of @st whose next sequence numbers are known
 * (topo_conns_open(): "ping" from A, "pong" from B, captured on va).
 * 0 or errno.
 */
static int open_conn(FIXTURE_DATA(st) *self, enum stack st)
{
	self->cap = topo_cap(&self->t, SIDE_A);
	if (self->cap < 0)
		return errno;
	self->nsegs = 0;
	return topo_conns_open(&self->t, self->cap, &st, &self->k, 1, 7300);
}

/* A segment of the connection as if from A (to B) or from B (to A). */
static struct raw_seg spoof(FIXTURE_DATA(st) *self, enum stack st, int from)
{
	struct conn *c = &self->k;
	struct raw_seg r = {
		.proto = stack_proto(st),
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

/* Segments of the connection captured since the last reset, sent by @from. */
static int sent_by(FIXTURE_DATA(st) *self, enum stack st, int from)
{
	struct conn *c = &self->k;

	cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
	if (from == SIDE_A)
		return seg_count(self->segs, self->nsegs, stack_proto(st),
				 c->cport, c->port, 0, 0, NULL);
	return seg_count(self->segs, self->nsegs, stack_proto(st),
			 c->port, c->cport, 0, 0, NULL);
}

/* Counter @name of @st in namespace @side. */
static long stat_in(FIXTURE_DATA(st) *self, int side, enum stack st, const char *name)
{
	return counter_ns(self->t.ns[side], st, name);
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
	struct raw_seg r;
	int na, nb;
	char buf[128];

	ASSERT_EQ(0, open_conn(self, ST));
	r = spoof(self, ST, SIDE_A);
	r.flags |= TH_PUSH;
	r.len = 100;
	ASSERT_EQ(0, raw_send(self->raw_a, &r));
	msleep(3000);
	na = sent_by(self, ST, SIDE_A);
	nb = sent_by(self, ST, SIDE_B);
	/* B took the spoofed bytes, as TCP does: they were in window */
	EXPECT_EQ(0, sock_read_n(self->k.s, buf, 100, 2000));
	TH_LOG("segments in the 3 s after one spoofed segment: %s A %d B %d", stack_name(ST),
	       na, nb);
	EXPECT_LE(na, limit_for(3));
	EXPECT_LE(nb, limit_for(3));
	EXPECT_LE(1, nb);	/* B acknowledged the data */
}

/* 40 pure ACKs far out of B's window, 10 ms apart. */
TEST_F(st, out_of_window_acks_rate_limited)
{
	struct raw_seg r;
	long skipped0, skipped;
	double secs;
	int n;

	ASSERT_EQ(0, open_conn(self, ST));
	r = spoof(self, ST, SIDE_A);
	r.seq += 0x40000000;
	skipped0 = stat_in(self, SIDE_B, ST, "TCPACKSkippedSeq");
	secs = burst(self, SIDE_A, &r, 40, 10);
	msleep(300);
	n = sent_by(self, ST, SIDE_B);
	skipped = stat_in(self, SIDE_B, ST, "TCPACKSkippedSeq") - skipped0;
	TH_LOG("40 out-of-window ACKs: answers %s %d (%.2f s); TCPACKSkippedSeq %ld",
	       stack_name(ST), n, secs, skipped);
	EXPECT_LE(1, n);
	EXPECT_LE(n, limit_for(secs + 0.3));
	EXPECT_EQ(40 - n, skipped);
}

/* invalid_ratelimit=0: every out-of-window ACK is answered, as in Linux. */
TEST_F(st, ratelimit_zero_answers_each)
{
	struct raw_seg r;
	int n;

	ASSERT_EQ(0, open_conn(self, ST));
	ASSERT_EQ(0, topo_sysctl(&self->t, "invalid_ratelimit",
				 "tcp_invalid_ratelimit", 0));
	r = spoof(self, ST, SIDE_A);
	r.seq += 0x40000000;
	burst(self, SIDE_A, &r, 20, 5);
	msleep(300);
	n = sent_by(self, ST, SIDE_B);
	TH_LOG("20 out-of-window ACKs, invalid_ratelimit=0: answers %s %d", stack_name(ST), n);
	EXPECT_EQ(20, n);
}

/* Old data is always answered (a duplicate ACK): data is no ACK loop. */
TEST_F(st, out_of_window_data_always_answered)
{
	struct raw_seg r;
	int n;

	ASSERT_EQ(0, open_conn(self, ST));
	r = spoof(self, ST, SIDE_A);
	r.seq -= 300;
	r.len = 100;
	burst(self, SIDE_A, &r, 10, 5);
	msleep(300);
	n = sent_by(self, ST, SIDE_B);
	TH_LOG("10 old data segments: answers %s %d", stack_name(ST), n);
	EXPECT_EQ(10, n);
}

/* RFC 5961 4.2: in-window SYNs, 20 in 0.2 s: one challenge ACK. */
TEST_F(st, inwindow_syn_challenge_rate_limited)
{
	struct raw_seg r;
	long ch0, sk0, ch, sk;
	double secs;
	int n;

	ASSERT_EQ(0, open_conn(self, ST));
	r = spoof(self, ST, SIDE_A);
	r.flags = TH_SYN;
	r.seq += 10;
	r.ack = 0;
	ch0 = stat_in(self, SIDE_B, ST, "TCPChallengeACK");
	sk0 = stat_in(self, SIDE_B, ST, "TCPACKSkippedChallenge");
	secs = burst(self, SIDE_A, &r, 20, 10);
	msleep(300);
	n = sent_by(self, ST, SIDE_B);
	ch = stat_in(self, SIDE_B, ST, "TCPChallengeACK") - ch0;
	sk = stat_in(self, SIDE_B, ST, "TCPACKSkippedChallenge") - sk0;
	TH_LOG("20 in-window SYNs: answers %s %d, TCPChallengeACK %ld, TCPACKSkippedChallenge %ld",
	       stack_name(ST), n, ch, sk);
	EXPECT_LE(1, n);
	EXPECT_LE(n, limit_for(secs + 0.3));
	EXPECT_EQ(n, ch);
	EXPECT_EQ(20 - n, sk);
}

/*
 * A dead peer: B's own segments are dropped on vb (a tc u32 filter on
 * TTL 64; the spoofed ones are sent with TTL 63). A's keepalive (1 s, 1 s,
 * 2 probes) must still time out while spoofed ACKs beyond A's snd_nxt
 * arrive every 200 ms; A answers none of them.
 */
TEST_F(st, acks_beyond_snd_nxt_keep_nothing_alive)
{
	struct conn *c = &self->k;
	double t0, dead = 0;
	int other = 0, j;

	ASSERT_EQ(0, open_conn(self, ST));
	ASSERT_EQ(0, sock_setint(c->c, SOL_TCP, TCP_KEEPIDLE, 1));
	ASSERT_EQ(0, sock_setint(c->c, SOL_TCP, TCP_KEEPINTVL, 1));
	ASSERT_EQ(0, sock_setint(c->c, SOL_TCP, TCP_KEEPCNT, 2));
	ASSERT_EQ(0, sock_setint(c->c, SOL_SOCKET, SO_KEEPALIVE, 1));
	ns_enter(self->t.ns[SIDE_B]);
	/* the netns is the test's: tc (run by system()) acts in it */
	ASSERT_EQ(0, system("tc qdisc add dev vb clsact && tc filter add dev vb "
			    "egress protocol ip prio 1 u32 match u8 64 0xff at 8 "
			    "action drop"));
	ns_enter(self->t.ns[SIDE_A]);
	t0 = now();
	while (!dead && now() - t0 < 20) {
		struct raw_seg r = spoof(self, ST, SIDE_B);

		if (sock_poll(c->c, POLLIN, 0) & (POLLERR | POLLHUP)) {
			dead = now() - t0;
			EXPECT_EQ(ETIMEDOUT, sock_so_error(c->c));
			break;
		}
		r.ack += 1000;
		r.ttl = 63;
		raw_send(self->raw_b, &r);
		msleep(200);
	}
	cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
	/* A's segments other than keepalive probes and the final RST */
	for (j = 0; j < self->nsegs; j++) {
		struct seg *s = &self->segs[j];

		if (s->proto == stack_proto(ST) && s->sport == c->cport &&
		    s->seq != c->snd_una - 1 && !(s->flags & TH_RST))
			other++;
	}
	TH_LOG("keepalive death under spoofed ACKs: %s %.1f s; other segments from A: %d",
	       stack_name(ST), dead, other);
	EXPECT_LT(0, dead);
	EXPECT_EQ(0, other);
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

/* The SACK blocks of @s, relative to @base, as "[a,b) [c,d)"; "" if none. */
static void sack_str(const struct seg *s, uint32_t base, char *out, size_t len)
{
	int i = 0, n;

	out[0] = 0;
	while (i < s->optlen) {
		uint8_t k = s->opts[i], l;

		if (k == 0)
			break;
		if (k == 1 || i + 1 >= s->optlen) {
			i++;
			continue;
		}
		l = s->opts[i + 1];
		if (l < 2)
			break;
		for (n = 0; k == 5 && 2 + 8 * n + 8 <= l && i + 2 + 8 * n + 8 <= s->optlen; n++) {
			const uint8_t *b = s->opts + i + 2 + 8 * n;
			uint32_t st = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
			uint32_t en = (uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7];
			size_t used = strlen(out);

			snprintf(out + used, len - used, "%s[%u,%u)", used ? " " : "", st - base,
				 en - base);
		}
		i += l;
	}
}

/*
 * Out-of-order data spoofed from A, 100 bytes each at snd_una + 1000,
 * + 3000, + 5000, then + 3100 (extending the second block): B's duplicate
 * ACKs list the SACK blocks as Linux's selective_acks[] does (RFC 2018 4:
 * the block of the latest segment first, then the most recently reported
 * ones), not in sequence order. 20 ms apart, so that each gets its own
 * ACK (Linux's SACK compression holds a fourth duplicate ACK for at most
 * 5% of the RTT).
 */
TEST_F(st, ofo_sack_blocks_most_recent_first)
{
	static const uint32_t at[] = { 1000, 3000, 5000, 3100 };
	static const char *const want[] = {
		"[1000,1100)",
		"[3000,3100) [1000,1100)",
		"[5000,5100) [3000,3100) [1000,1100)",
		"[3000,3200) [5000,5100) [1000,1100)",
	};
	struct conn *c = &self->k;
	char got[4][128];
	struct raw_seg r;
	int i, j, n = 0;

	ASSERT_EQ(0, open_conn(self, ST));
	r = spoof(self, ST, SIDE_A);
	r.flags |= TH_PUSH;
	r.len = 100;
	for (i = 0; i < 4; i++) {
		r.seq = c->snd_una + at[i];
		ASSERT_EQ(0, raw_send(self->raw_a, &r));
		msleep(20);
	}
	msleep(100);
	cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
	for (j = 0; j < self->nsegs && n < 4; j++) {
		const struct seg *sg = &self->segs[j];

		if (sg->proto != stack_proto(ST) || sg->sport != c->port ||
		    sg->dport != c->cport || !sg->nsack)
			continue;
		EXPECT_EQ(c->snd_una, sg->ack);		/* the hole stays */
		sack_str(sg, c->snd_una, got[n], sizeof(got[n]));
		TH_LOG("%s: B's ACK %d: ack %+d SACK %s", stack_name(ST), n,
		       (int)(sg->ack - c->snd_una), got[n]);
		n++;
	}
	ASSERT_EQ(4, n) TH_LOG("%s: %d ACKs with SACK from B", stack_name(ST), n);
	for (i = 0; i < 4; i++)
		EXPECT_STREQ(want[i], got[i]);
}

/* B's segments to A carrying SACK blocks, in what the capture holds now */
static int sacks_from_b(FIXTURE_DATA(st) *self, enum stack st)
{
	struct conn *c = &self->k;
	int j, n = 0;

	cap_read(self->cap, self->segs, &self->nsegs, 4096, 0, false);
	for (j = 0; j < self->nsegs; j++)
		if (self->segs[j].proto == stack_proto(st) && self->segs[j].sport == c->port &&
		    self->segs[j].dport == c->cport && self->segs[j].nsack)
			n++;
	return n;
}

#define BURST	8

/*
 * SACK compression (Linux's since 4.18, net.ipv4.tcp_comp_sack_*): BURST
 * out-of-order segments spoofed from A back to back, one after the other
 * 1000 bytes past the hole (a run after a loss, one growing SACK block;
 * Linux also sends a held ACK at once when a segment opens a third block,
 * which XTCP does not, see README): B sends three duplicate ACKs at once
 * (the sender's fast retransmit needs them), holds the rest for 5% of the
 * RTT (at most comp_sack_delay_ns) and then sends one carrying them all;
 * the held ones
 * count as TCPAckCompressed. B's replies are delayed 200 ms (netem on vb),
 * so its RTT estimates (the smoothed one from the handshake, the
 * receiver's one from 16 KB of data) are about 200 ms and the hold is
 * 10 ms, comp_sack_delay_ns raised to that on both stacks: the burst
 * leaves A within it unless the host stalls, hence the slack of two ACKs.
 * B is put in interactive mode first (TCP_QUICKACK 0), or the quick ACKs
 * left from the connection's start would answer the first segments.
 */
TEST_F_TIMEOUT(st, ofo_burst_duplicate_acks_compressed, 60)
{
	struct conn *c = &self->k;
	static char buf[16384];
	struct tcp_info_full ti;
	long comp0, comp1;
	struct raw_seg r;
	int i, n;

	ns_enter(self->t.ns[SIDE_B]);
	ASSERT_EQ(0, netem_delay_loss("vb", 200, 0));
	ASSERT_EQ(0, sysctl_set("net.ipv4.tcp_comp_sack_delay_ns", "10000000"));
	ASSERT_EQ(0, sysctl_set("net.xtcp.comp_sack_delay_ns", "10000000"));
	ns_enter(self->t.ns[SIDE_A]);
	ASSERT_EQ(0, open_conn(self, ST));
	pattern_fill(5, 0, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(c->c, buf, sizeof(buf), 0));
	ASSERT_EQ(0, sock_read_n(c->s, buf, sizeof(buf), 10000));
	c->snd_una += sizeof(buf);
	msleep(600);			/* the last ACKs, 200 ms late */
	sacks_from_b(self, ST);
	self->nsegs = 0;
	comp0 = stat_in(self, SIDE_B, ST, "TCPAckCompressed");
	ASSERT_LE(0, comp0);
	/* quick-ACK mode, left over from the connection's start, ACKs
	 * every segment at once (on both stacks): interactive mode
	 * (TCP_QUICKACK 0) leaves the duplicate ACKs to SACK compression
	 */
	ASSERT_EQ(0, sock_setint(c->s, IPPROTO_TCP, TCP_QUICKACK, 0));
	ASSERT_EQ(0, sock_tcp_info(c->s, &ti));
	TH_LOG("%s: B: rtt %u us, receiver rtt %u us, ato %u us", stack_name(ST), ti.tcpi_rtt,
	       ti.tcpi_rcv_rtt, ti.tcpi_ato);

	r = spoof(self, ST, SIDE_A);
	r.flags |= TH_PUSH;
	r.len = 100;
	for (i = 0; i < BURST; i++) {
		r.seq = c->snd_una + 1000 + 100 * i;	/* one growing block */
		ASSERT_EQ(0, raw_send(self->raw_a, &r));
	}
	msleep(800);
	n = sacks_from_b(self, ST);
	comp1 = stat_in(self, SIDE_B, ST, "TCPAckCompressed");
	TH_LOG("%s: %d out-of-order segments: %d duplicate ACKs, TCPAckCompressed +%ld",
	       stack_name(ST), BURST, n, comp1 - comp0);
	EXPECT_LE(4, n);
	EXPECT_GE(6, n);
	EXPECT_LE(2, comp1 - comp0);
}

TEST(sysctl_comp_sack_as_linux)
{
	static const char *const bad[] = { "-1", "256", "x" };
	int i;

	ASSERT_LE(0, topo_single_ns());
	EXPECT_EQ(sysctl_get("net.ipv4.tcp_comp_sack_delay_ns"),
		  sysctl_get("net.xtcp.comp_sack_delay_ns"));
	EXPECT_EQ(sysctl_get("net.ipv4.tcp_comp_sack_slack_ns"),
		  sysctl_get("net.xtcp.comp_sack_slack_ns"));
	EXPECT_EQ(sysctl_get("net.ipv4.tcp_comp_sack_nr"), sysctl_get("net.xtcp.comp_sack_nr"));
	EXPECT_EQ(44, sysctl_get("net.xtcp.comp_sack_nr"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(EINVAL, sysctl_set("net.xtcp.comp_sack_nr", bad[i]));
		EXPECT_EQ(44, sysctl_get("net.xtcp.comp_sack_nr"));
	}
	EXPECT_EQ(EINVAL, sysctl_set("net.xtcp.comp_sack_delay_ns", "-1"));
	EXPECT_EQ(EINVAL, sysctl_set("net.xtcp.comp_sack_slack_ns", "2147483648"));
	EXPECT_EQ(0, sysctl_set("net.xtcp.comp_sack_nr", "0"));
	EXPECT_EQ(0, sysctl_get("net.xtcp.comp_sack_nr"));
}

XTCP_HARNESS_MAIN
