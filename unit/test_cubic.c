// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (module/xtcp_cubic.c) against RFC 9438 and Linux 6.12's
 * tcp_cubic.c: the integer cube root against double precision, K and
 * W(t) for known inputs, the window along the curve, fast convergence,
 * the TCP-friendly (Reno estimate) region, HyStart's two exits, the
 * timeout reset and the idle shift.
 */
#include <math.h>

#include "../module/xtcp_cubic.c"
#include "fixture.h"

/* C in segments per s^3 as Linux has it: 410 / 1024 (bic_scale 41 at
 * 100 ms), and time in the curve's 1/1024 s
 */
#define C_REAL		(410.0 / 1024.0)

static struct xtcp_sock *cubic_sock(void)
{
	struct xtcp_sock *xs = ut_sock(1000);

	ASSERT_EQ(xtcp_cong_set(SK(xs), "cubic"), 0);
	return xs;
}

/* ---- the cube root ---- */

static void check_root(u64 a)
{
	unsigned __int128 r = xtcp_cubic_root(a), r1 = r + 1;
	double ref = cbrt((double)a);

	/* floor of the real root: r^3 <= a < (r + 1)^3, exactly */
	if (!(r * r * r <= a && r1 * r1 * r1 > a))
		unit_fail("cbrt(%llu) = %llu is not the floor",
			  (unsigned long long)a, (unsigned long long)r);
	/* and within one of the double-precision root */
	if (fabs((double)r - ref) >= 1.0 + 1e-9)
		unit_fail("cbrt(%llu) = %llu, double %.6f",
			  (unsigned long long)a, (unsigned long long)r, ref);
}

TEST(cubic_root_exact_over_64_bits)
{
	u64 x = 0x9e3779b97f4a7c15ULL, n;
	int i, s;

	for (n = 0; n < 200000; n++)
		check_root(n);
	for (s = 0; s < 64; s++) {		/* every bit length, its edges */
		u64 p = 1ULL << s;

		check_root(p - 1);
		check_root(p);
		check_root(p + 1);
		for (i = 0; i < 2000; i++) {	/* and values in between */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			check_root(p | (x & (p - 1)));
		}
	}
	check_root(~0ULL);
	EXPECT_EQ(xtcp_cubic_root(~0ULL), 2642245);	/* cbrt(2^64 - 1) */
	/* perfect cubes and their neighbours up to 2^64 */
	for (n = 1; n <= 2642245; n += 97) {
		EXPECT_EQ(xtcp_cubic_root(n * n * n), n);
		if (xtcp_cubic_root(n * n * n - 1) != n - 1)
			unit_fail("cbrt(%llu^3 - 1)", (unsigned long long)n);
	}
	EXPECT_EQ(xtcp_cubic_root(2642245ULL * 2642245 * 2642245), 2642245);
}

/* ---- K and W(t) ---- */

/* start an epoch at the current jiffies with Wmax @wmax, cwnd @cwnd */
static void epoch(struct xtcp_cubic *ca, u32 wmax, u32 cwnd, u32 delay_us)
{
	memset(ca, 0, sizeof(*ca));
	ca->last_max_cwnd = wmax;
	ca->delay_min = delay_us;
	xtcp_cubic_update(ca, cwnd, 1);
}

TEST(cubic_k_for_known_inputs)
{
	/* RFC 9438 eq. 2: K = cbrt((Wmax - cwnd) / C), here in 1/1024 s:
	 * Wmax 100 cut to 70 gives K = 4.2157 s = 4316.9 units
	 */
	static const u32 in[][2] = {
		{ 100, 70 }, { 10, 7 }, { 20, 14 }, { 1000, 700 },
		{ 2, 1 }, { 65535, 45875 }, { 500000, 1 },
	};
	struct xtcp_cubic ca;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		double k = cbrt((in[i][0] - in[i][1]) / C_REAL) * 1024;

		epoch(&ca, in[i][0], in[i][1], 0);
		unit_diag("Wmax %u cwnd %u: K %u (real %.2f)", in[i][0],
			  in[i][1], ca.k, k);
		EXPECT_EQ(ca.origin_point, in[i][0]);
		EXPECT_EQ(ca.epoch_start, (u32)jiffies);
		EXPECT_TRUE(ca.k <= k + 1e-6 && ca.k > k - 1.0);
	}
	epoch(&ca, 100, 4316 - 4316 + 120, 0);	/* above Wmax: no plateau */
	EXPECT_EQ(ca.k, 0);
	EXPECT_EQ(ca.origin_point, 120);
}

TEST(cubic_w_of_t_for_known_inputs)
{
	/* W(t) = C (t - K)^3 + Wmax (RFC 9438 eq. 1), t from the epoch's
	 * start plus one minimum RTT, in whole 1/1024 s as Linux counts it;
	 * the integer target stays within a segment of the real curve
	 */
	static const double secs[] = { 0, 0.5, 1, 2, 3, 4, 4.2, 4.5, 5, 6, 8, 12 };
	struct xtcp_cubic ca;
	unsigned int i, d;

	for (d = 0; d < 2; d++) {
		u32 delay = d ? 100000 : 0;	/* delay_min 0 or 100 ms */

		epoch(&ca, 100, 70, delay);
		for (i = 0; i < ARRAY_SIZE(secs); i++) {
			u32 j = (u32)(secs[i] * HZ);
			u32 jt = j + usecs_to_jiffies(delay);
			double t = (double)((u64)jt * 1024 / HZ) / 1024;
			double w = 100 + C_REAL * pow(t - ca.k / 1024.0, 3);
			u32 got = xtcp_cubic_target(&ca, ca.epoch_start + j);

			unit_diag("delay %u us, t %.2f s: W %.2f, target %u",
				  delay, secs[i], w, got);
			EXPECT_TRUE(fabs((double)got - w) < 1.0 + 1e-9);
		}
	}
	/* at the start of the epoch the curve is at the cut window; the
	 * cube is truncated, so below the plateau the target rounds up
	 * (Linux's too): 100 - floor(29.99) = 71
	 */
	epoch(&ca, 100, 70, 0);
	EXPECT_EQ(xtcp_cubic_target(&ca, ca.epoch_start), 71);
	/* and at K, on the plateau */
	EXPECT_EQ(xtcp_cubic_target(&ca, ca.epoch_start + ca.k * HZ / 1024), 100);
}

/*
 * Run @rounds round trips of @rtt_us: each acknowledges cwnd segments,
 * one ACK at a time, evenly spaced; cwnd after each round in @out.
 */
static void run_rounds(struct xtcp_sock *xs, u32 rtt_us, int rounds, u32 *out)
{
	int r;
	u32 i, n;

	for (r = 0; r < rounds; r++) {
		n = xs->cwnd;
		for (i = 0; i < n; i++) {
			mock_clock_advance_us(rtt_us / n);
			xtcp_cubic_cong_avoid(xs, 1);
		}
		out[r] = xs->cwnd;
	}
}

TEST(cubic_window_follows_the_curve)
{
	/* 100 ms RTT, Wmax 100 cut to 70 (beta 0.7): concave growth back
	 * to Wmax in about K = 4.2 s (42 round trips), a plateau, then
	 * convex probing beyond; at the end of each round cwnd lies between
	 * the curve two round trips earlier and one later (Linux's target
	 * is one RTT ahead, and cwnd reaches it over the next round), 2
	 * segments either side for the integer steps
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	static u32 w[90];
	double k;
	int r;

	xs->cwnd = 100;
	xs->ssthresh = xtcp_cubic.ssthresh(xs);
	EXPECT_EQ(xs->ssthresh, 70);
	xs->cwnd = xs->ssthresh;
	ca->delay_min = 100000;
	run_rounds(xs, 100000, 90, w);
	k = ca->k / 1024.0;
	EXPECT_TRUE(fabs(k - 4.2157) < 0.002);
	for (r = 0; r < 90; r++) {
		double t = (r + 1) * 0.1;
		double lo = 100 + C_REAL * pow(t - 0.2 - k, 3);
		double hi = 100 + C_REAL * pow(t + 0.1 - k, 3);

		if (r % 10 == 9)
			unit_diag("round %d (%.1f s): cwnd %u, W(t - 2 RTT) %.1f, W(t + RTT) %.1f",
				  r + 1, t, w[r], lo, hi);
		if (w[r] < lo - 2 || w[r] > hi + 2)
			unit_fail("round %d: cwnd %u, curve %.1f..%.1f", r + 1,
				  w[r], lo, hi);
	}
	/* concave, then convex */
	EXPECT_GT(w[9] - 70, w[44] - w[34]);
	EXPECT_GT(w[89] - w[79], w[49] - w[39]);
	EXPECT_TRUE(w[39] >= 97 && w[39] <= 101);
	ut_sock_free(xs);
}

TEST(cubic_fast_convergence)
{
	/* RFC 9438 4.7 / Linux: cut below the previous Wmax: Wmax = cwnd *
	 * (1 + beta) / 2; ssthresh = cwnd * 717 / 1024, at least 2; the
	 * epoch ends
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	xs->cwnd = 100;
	ca->epoch_start = 5;
	EXPECT_EQ(xtcp_cubic.ssthresh(xs), 70);	/* cwnd, not flight */
	EXPECT_EQ(ca->last_max_cwnd, 100);
	EXPECT_EQ(ca->epoch_start, 0);
	xs->cwnd = 80;				/* cut again before Wmax */
	EXPECT_EQ(xtcp_cubic.ssthresh(xs), 56);
	EXPECT_EQ(ca->last_max_cwnd, 68);	/* 80 * 1741 / 2048 */
	xs->cwnd = 120;				/* beyond it: Wmax = cwnd */
	EXPECT_EQ(xtcp_cubic.ssthresh(xs), 84);
	EXPECT_EQ(ca->last_max_cwnd, 120);
	xs->cwnd = 10;				/* the case: 7 */
	EXPECT_EQ(xtcp_cubic.ssthresh(xs), 7);
	xs->cwnd = 2;
	EXPECT_EQ(xtcp_cubic.ssthresh(xs), 2);
	ut_sock_free(xs);
}

TEST(cubic_tcp_friendly_region)
{
	/* RFC 9438 4.3: on a short RTT the cubic curve (Wmax 20, cut to
	 * 14: K = 2.5 s) is slower than a Reno flow with the same beta,
	 * which adds 3 (1 - beta) / (1 + beta) = 0.53 segment per round
	 * trip; cwnd follows that estimate: 50 round trips of 20 ms take
	 * it from 14 to about 14 + 26, far above the curve (19.6 at 1 s)
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	static u32 w[50];
	u32 target;

	ca->last_max_cwnd = 20;
	ca->delay_min = 20000;
	xs->cwnd = 14;
	xs->ssthresh = 14;
	run_rounds(xs, 20000, 50, w);
	target = xtcp_cubic_target(ca, (u32)jiffies);
	unit_diag("cwnd %u after 50 round trips of 20 ms, Reno estimate %u, curve %u",
		  xs->cwnd, ca->tcp_cwnd, target);
	EXPECT_LE(target, 20);
	EXPECT_GE(xs->cwnd, 36);
	EXPECT_LE(xs->cwnd, 43);
	EXPECT_GE(xs->cwnd + 2, ca->tcp_cwnd);
	EXPECT_LE(xs->cwnd, ca->tcp_cwnd + 2);

	/* on a 100 ms path a cut from 100 to 70 follows the curve instead
	 * (+17 in a second): the estimate (+0.53 per round trip, +5) stays
	 * below it
	 */
	memset(ca, 0, sizeof(*ca));
	ca->last_max_cwnd = 100;
	ca->delay_min = 100000;
	xs->cwnd = 70;
	xs->ssthresh = 70;
	run_rounds(xs, 100000, 10, w);
	target = xtcp_cubic_target(ca, (u32)jiffies);
	unit_diag("cwnd %u after 10 round trips of 100 ms, Reno estimate %u, curve %u",
		  xs->cwnd, ca->tcp_cwnd, target);
	EXPECT_LT(ca->tcp_cwnd + 8, xs->cwnd);
	EXPECT_LE(xs->cwnd, target + 1);
	ut_sock_free(xs);
}

TEST(cubic_growth_capped_at_1_5x_and_5_percent)
{
	/* no loss yet (Wmax 0): at least 5% per round trip (cnt <= 20); at
	 * most one segment per two ACKed (cnt >= 2)
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	static u32 w[3];

	xs->cwnd = 100;
	xs->ssthresh = 100;
	ca->delay_min = 100000;
	run_rounds(xs, 100000, 3, w);
	EXPECT_LE(ca->cnt, 20);
	EXPECT_GE(w[0], 104);			/* 100 / 20 = 5 per round */
	/* far below a distant plateau the curve asks for more than 1.5x */
	memset(ca, 0, sizeof(*ca));
	ca->last_max_cwnd = 60000;
	ca->delay_min = 100000;
	xs->cwnd = 20;
	xs->ssthresh = 20;
	xtcp_cubic_update(ca, xs->cwnd, 1);
	EXPECT_EQ(ca->cnt, 2);
	ut_sock_free(xs);
}

/* ---- HyStart ---- */

TEST(hystart_ack_train_exit)
{
	/* Linux's defaults: from cwnd 16, ACKs under 2 ms apart that span
	 * more than (delay_min + ack delay) / 2 since the round began end
	 * slow start at the current cwnd. 10 ms min RTT, ack delay capped
	 * at 1 ms: 5.5 ms of train
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	int i;

	xs->cwnd = 16;
	xs->srtt_us = 10000 << 3;
	EXPECT_EQ(xtcp_hystart_ack_delay(xs), 1000);
	for (i = 1; i <= 55; i++) {
		mock_clock_advance_us(100);
		xtcp_cubic.pkts_acked(xs, 10000);
	}
	EXPECT_FALSE(ca->found);		/* 5.5 ms: not past it yet */
	EXPECT_GE(xs->ssthresh, 0x7fffffffu);
	mock_clock_advance_us(100);
	xtcp_cubic.pkts_acked(xs, 10000);
	EXPECT_TRUE(ca->found);
	EXPECT_EQ(xs->ssthresh, 16);
	EXPECT_EQ(ca->delay_min, 10000);
	ut_sock_free(xs);
}

TEST(hystart_not_below_low_window)
{
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	int i;

	xs->cwnd = 15;
	xs->srtt_us = 10000 << 3;
	for (i = 0; i < 200; i++) {
		mock_clock_advance_us(100);
		xtcp_cubic.pkts_acked(xs, i < 100 ? 10000 : 40000);
	}
	EXPECT_FALSE(ca->found);
	EXPECT_GE(xs->ssthresh, 0x7fffffffu);
	ut_sock_free(xs);
}

/* a HyStart round ends: what was sent at its start is acknowledged */
static void next_round(struct xtcp_sock *xs)
{
	xs->snd_nxt += 100000;
	xs->snd_una = xs->snd_nxt - 1;
}

TEST(hystart_delay_exit)
{
	/* a round whose first 8 RTT samples all exceed the minimum by more
	 * than clamp(min / 8, 4 ms, 16 ms) ends slow start; ACKs 3 ms apart
	 * are no train
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	int i;

	xs->cwnd = 20;
	xs->srtt_us = 20000 << 3;
	next_round(xs);
	for (i = 0; i < 12; i++) {		/* round 1: 20 ms */
		mock_clock_advance_us(3000);
		xtcp_cubic.pkts_acked(xs, 20000);
	}
	EXPECT_EQ(ca->delay_min, 20000);
	next_round(xs);
	for (i = 0; i < 12; i++) {		/* 23.9 ms: under 20 + 4 */
		mock_clock_advance_us(3000);
		xtcp_cubic.pkts_acked(xs, 23999);
	}
	EXPECT_FALSE(ca->found);
	next_round(xs);
	for (i = 0; i < 8; i++) {		/* 24.1 ms: the 9th sample */
		mock_clock_advance_us(3000);
		xtcp_cubic.pkts_acked(xs, 24001);
	}
	EXPECT_FALSE(ca->found);
	mock_clock_advance_us(3000);
	xtcp_cubic.pkts_acked(xs, 24001);
	EXPECT_TRUE(ca->found);
	EXPECT_EQ(xs->ssthresh, 20);
	ut_sock_free(xs);
}

TEST(hystart_ignores_samples_after_a_reduction)
{
	/* the first second of an epoch gives no delay samples */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	ca->epoch_start = (u32)jiffies;
	xtcp_cubic.pkts_acked(xs, 5000);
	EXPECT_EQ(ca->delay_min, 0);
	mock_clock_advance_us(1000000 + 4000);
	xtcp_cubic.pkts_acked(xs, 5000);
	EXPECT_EQ(ca->delay_min, 5000);
	xtcp_cubic.pkts_acked(xs, -1);		/* no sample */
	xtcp_cubic.pkts_acked(xs, 0);		/* 0 counts as 1 us */
	EXPECT_EQ(ca->delay_min, 1);
	ut_sock_free(xs);
}

/* ---- state changes, idle ---- */

TEST(cubic_timeout_forgets_the_curve)
{
	/* Linux's cubictcp_state(TCP_CA_Loss): bictcp_reset() and a new
	 * HyStart round; recovery keeps the state
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	xs->cwnd = 50;
	xtcp_cubic.ssthresh(xs);
	ca->delay_min = 777;
	ca->found = true;
	xtcp_cong_set_state(SK(xs), XTCP_CA_RECOVERY);
	EXPECT_EQ(ca->last_max_cwnd, 50);
	EXPECT_EQ(xs->ca_state, XTCP_CA_RECOVERY);
	xs->snd_nxt += 5000;
	xtcp_cong_set_state(SK(xs), XTCP_CA_LOSS);
	EXPECT_EQ(xs->ca_state, XTCP_CA_LOSS);
	EXPECT_EQ(ca->last_max_cwnd, 0);
	EXPECT_EQ(ca->delay_min, 0);
	EXPECT_FALSE(ca->found);
	EXPECT_EQ(ca->end_seq, xs->snd_nxt);
	EXPECT_EQ(ca->curr_rtt, ~0U);
	ut_sock_free(xs);
}

TEST(cubic_idle_shifts_the_epoch)
{
	/* Linux's tcp_event_data_sent() and CA_EVENT_TX_START: new data
	 * after an idle period moves the epoch by the idle time (never past
	 * now); with data in flight nothing moves; lsndtime always stamped
	 */
	struct xtcp_sock *xs = cubic_sock();
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	u32 now = (u32)jiffies;

	ca->epoch_start = now - 1000;
	xs->lsndtime = now - 400;
	xs->snd_nxt = xs->snd_una + 10;		/* in flight */
	xtcp_cong_data_sent(SK(xs));
	EXPECT_EQ(ca->epoch_start, now - 1000);
	EXPECT_EQ(xs->lsndtime, now);
	xs->snd_una = xs->snd_nxt;		/* idle since 400 jiffies */
	xs->lsndtime = now - 400;
	xtcp_cong_data_sent(SK(xs));
	EXPECT_EQ(ca->epoch_start, now - 600);
	ca->epoch_start = now - 100;		/* never past now */
	xs->lsndtime = now - 400;
	xtcp_cong_data_sent(SK(xs));
	EXPECT_EQ(ca->epoch_start, now);
	ca->epoch_start = 0;			/* no epoch: nothing to move */
	xs->lsndtime = now - 400;
	xtcp_cong_data_sent(SK(xs));
	EXPECT_EQ(ca->epoch_start, 0);
	ut_sock_free(xs);
}

TEST(cubic_set_initialises_hystart_round)
{
	struct xtcp_sock *xs = ut_sock(1000);
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	xs->snd_nxt += 12345;
	EXPECT_EQ(xtcp_cong_set(SK(xs), "cubic"), 0);
	EXPECT_EQ(ca->end_seq, xs->snd_nxt);
	EXPECT_EQ(ca->curr_rtt, ~0U);
	EXPECT_EQ(ca->last_max_cwnd, 0);
	ut_sock_free(xs);
}
