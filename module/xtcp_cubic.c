// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC congestion control (RFC 9438) with HyStart, with the arithmetic and
 * defaults of Linux 6.12's tcp_cubic.c so that an XTCP connection's window
 * follows a Linux TCP connection's over the same path:
 *
 *   - after a reduction, cwnd grows along W(t) = C (t - K)^3 + Wmax, where
 *     Wmax is cwnd before the reduction and K = cbrt(Wmax (1 - beta) / C)
 *     the time to get back to it; time in 1/1024 s (BICTCP_HZ), C = 0.4
 *     (41/1024 at Linux's assumed 100 ms RTT: 410/1024 per second), beta
 *     = 717/1024 (cwnd is cut to 0.7 of itself);
 *   - fast convergence: a flow cut again below its previous Wmax releases
 *     bandwidth, Wmax = cwnd (1 + beta) / 2;
 *   - TCP friendliness: cwnd grows at least as fast as a Reno flow with the
 *     same beta would (RFC 9438 4.3's estimate, Linux's tcp_cwnd);
 *   - at most one segment per two acknowledged (1.5x per round trip), 5% per
 *     round trip while no Wmax is known;
 *   - HyStart leaves slow start before the first loss, on an ACK train
 *     lasting longer than half the minimum RTT or on the round's RTT
 *     rising by an eighth of the minimum (4 to 16 ms), from cwnd 16 on;
 *   - an idle period (XTCP_CA_EVENT_TX_START) moves the epoch forward; a
 *     retransmission timeout forgets everything (Linux's bictcp_reset()).
 * The cube root is computed bit by bit, exactly (floor of the real root);
 * Linux uses a table and one Newton step, 0.2% off on average: K differs
 * from Linux's by a few thousandths of a second at most.
 *
 * Loss recovery (xtcp_recovery.c) calls @ssthresh on entering recovery or
 * loss and sets cwnd to the result when recovery ends, as Linux with PRR.
 * Context for all of it: socket lock or bh_lock_sock held.
 */
#include "xtcp.h"

#include <linux/math64.h>

#define XTCP_CUBIC_BETA		717U	/* beta, in 1/1024 */
#define XTCP_CUBIC_BETA_SCALE	1024U
#define XTCP_CUBIC_HZ		10	/* curve time unit: 2^-10 s */
/* C/RTT in 1/1024 per second: bic_scale 41 at an assumed RTT of 100 ms */
#define XTCP_CUBIC_C_RTT	410U
/* 2^40 / XTCP_CUBIC_C_RTT: K = cbrt(this * (Wmax - cwnd)), 2^-10 s */
#define XTCP_CUBIC_CUBE_FACTOR	((1ULL << (10 + 3 * XTCP_CUBIC_HZ)) / \
				 XTCP_CUBIC_C_RTT)
/* acknowledged segments per Reno-estimate increment, << 3 (Linux's
 * beta_scale: 3 (1 - beta) / (1 + beta) segments per ACKed window)
 */
#define XTCP_CUBIC_RENO_SCALE	(8 * (XTCP_CUBIC_BETA_SCALE + XTCP_CUBIC_BETA) / \
				 3 / (XTCP_CUBIC_BETA_SCALE - XTCP_CUBIC_BETA))
/* |t - K| beyond which C (t - K)^3 would overflow 64 bits; the target is
 * far above any cwnd XTCP allows long before (6.7 million segments)
 */
#define XTCP_CUBIC_OFFS_MAX	((1U << 18) - 1)

/* HyStart, Linux's defaults (hystart=1, hystart_detect=3) */
#define XTCP_HYSTART_LOW_WINDOW	16U	/* cwnd from which it looks */
#define XTCP_HYSTART_ACK_DELTA_US 2000U	/* ACKs closer than this: a train */
#define XTCP_HYSTART_MIN_SAMPLES 8	/* RTT samples per round */
#define XTCP_HYSTART_DELAY_MIN_US 4000U
#define XTCP_HYSTART_DELAY_MAX_US 16000U
/* Linux's sk_gso_max_size of a TCP socket on a device without BIG TCP
 * (GSO_LEGACY_MAX_SIZE): the TSO/GRO cushion of the ACK-train threshold
 */
#define XTCP_CUBIC_GSO_SIZE	65536U

/**
 * struct xtcp_cubic - CUBIC's state in xtcp_sock.ca_priv (Linux's struct
 * bictcp)
 * @cnt: cwnd grows by one per @cnt segments acknowledged
 * @last_max_cwnd: Wmax: cwnd before the last reduction (0: none yet)
 * @last_cwnd: cwnd when @cnt was last computed
 * @last_time: jiffies (u32) when @cnt was last computed
 * @origin_point: cwnd at the curve's plateau (Wmax, or cwnd at epoch
 *	start when it is already above Wmax)
 * @k: time from the epoch's start to the plateau, 2^-10 s
 * @delay_min: lowest RTT seen, microseconds (0: none yet)
 * @epoch_start: jiffies (u32) when the growth epoch began (0: none)
 * @ack_cnt: segments acknowledged in the epoch, not yet turned into
 *	Reno-estimate increments
 * @tcp_cwnd: the Reno estimate: cwnd a Reno flow would have by now
 * @sample_cnt: HyStart: RTT samples taken this round
 * @found: HyStart: slow start was left
 * @round_start: HyStart: start of the round, microseconds (u32)
 * @end_seq: HyStart: snd_nxt at the round's start; the round ends when
 *	it is acknowledged
 * @last_ack: HyStart: arrival of the train's last ACK, microseconds (u32)
 * @curr_rtt: HyStart: lowest RTT of this round's samples, microseconds
 */
struct xtcp_cubic {
	u32 cnt;
	u32 last_max_cwnd;
	u32 last_cwnd;
	u32 last_time;
	u32 origin_point;
	u32 k;
	u32 delay_min;
	u32 epoch_start;
	u32 ack_cnt;
	u32 tcp_cwnd;
	/* not cleared by xtcp_cubic_reset(): */
	u8 sample_cnt;
	bool found;
	u32 round_start;
	u32 end_seq;
	u32 last_ack;
	u32 curr_rtt;
};

static struct xtcp_cubic *xtcp_cubic_ca(struct xtcp_sock *xs)
{
	BUILD_BUG_ON(sizeof(struct xtcp_cubic) >
		     sizeof(((struct xtcp_sock *)NULL)->ca_priv));
	return xtcp_ca_priv(xs);
}

/* HyStart's clock: microseconds, 32 bits (Linux's tcp_mstamp) */
static u32 xtcp_cubic_clock_us(void)
{
	return (u32)xtcp_clock_us();
}

/* Forget the curve (Linux's bictcp_reset()); HyStart keeps its round. */
static void xtcp_cubic_reset(struct xtcp_cubic *ca)
{
	memset(ca, 0, offsetof(struct xtcp_cubic, sample_cnt));
	ca->found = false;
}

/* A new HyStart round starts with the data sent from now on. */
static void xtcp_hystart_reset(struct xtcp_sock *xs)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	ca->round_start = xtcp_cubic_clock_us();
	ca->last_ack = ca->round_start;
	ca->end_seq = xs->snd_nxt;
	ca->curr_rtt = ~0U;
	ca->sample_cnt = 0;
}

static void xtcp_cubic_init(struct xtcp_sock *xs)
{
	xtcp_cubic_reset(xtcp_cubic_ca(xs));
	xtcp_hystart_reset(xs);
}

/*
 * Back from idle with nothing in flight: move the epoch forward by the
 * idle time, so that the curve resumes where it stopped rather than
 * jumping ahead (Linux's cubictcp_cwnd_event()).
 */
static void xtcp_cubic_cwnd_event(struct xtcp_sock *xs,
				  enum xtcp_ca_event ev)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	u32 now = (u32)jiffies;
	s32 idle;

	if (ev != XTCP_CA_EVENT_TX_START)
		return;
	idle = (s32)(now - xs->lsndtime);
	if (ca->epoch_start && idle > 0) {
		ca->epoch_start += idle;
		if (xtcp_after(ca->epoch_start, now))
			ca->epoch_start = now;
	}
}

/**
 * xtcp_cubic_root() - the integer cube root of @a, rounded down
 * @a: any 64-bit value
 *
 * Restoring digit-by-digit extraction, three bits of @a per bit of the
 * root: 22 steps, no division, exact.
 * Return: the largest r with r^3 <= @a.
 */
u32 xtcp_cubic_root(u64 a)
{
	u64 r = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		r <<= 1;
		/* (r + 1)^3 - r^3, for the doubled root r */
		b = 3 * r * (r + 1) + 1;
		if ((a >> s) >= b) {
			a -= b << s;
			r++;
		}
	}
	return (u32)r;
}

/*
 * The curve's value one minimum RTT after @now (jiffies): W(t) = C/RTT
 * (t - K)^3 + origin, t counted from the epoch's start in 2^-10 s, as
 * Linux's bictcp_update() computes bic_target.
 */
static u32 xtcp_cubic_target(const struct xtcp_cubic *ca, u32 now)
{
	u64 t, offs;
	u32 delta;

	t = (u64)(s64)(s32)(now - ca->epoch_start);
	t += usecs_to_jiffies(ca->delay_min);
	t = div_u64(t << XTCP_CUBIC_HZ, HZ);
	offs = t < ca->k ? ca->k - t : t - ca->k;
	offs = min_t(u64, offs, XTCP_CUBIC_OFFS_MAX);
	delta = (u32)((XTCP_CUBIC_C_RTT * offs * offs * offs) >>
		      (10 + 3 * XTCP_CUBIC_HZ));
	return t < ca->k ? ca->origin_point - delta : ca->origin_point + delta;
}

/*
 * Recompute ca->cnt for @cwnd, @acked segments acknowledged (Linux's
 * bictcp_update()): the cubic curve's target one RTT (delay_min) ahead,
 * the 5% ceiling before any loss, the Reno estimate as a floor, and the
 * 1.5x per round trip ceiling. At most once a jiffy, and not at all while
 * cwnd has not moved for HZ/32.
 */
static void xtcp_cubic_update(struct xtcp_cubic *ca, u32 cwnd, u32 acked)
{
	u32 now = (u32)jiffies, target, delta, steps;

	ca->ack_cnt += acked;
	if (ca->last_cwnd == cwnd && (s32)(now - ca->last_time) <= HZ / 32)
		return;
	if (ca->epoch_start && now == ca->last_time)
		goto friendliness;

	ca->last_cwnd = cwnd;
	ca->last_time = now;

	if (!ca->epoch_start) {
		ca->epoch_start = now;
		ca->ack_cnt = acked;
		ca->tcp_cwnd = cwnd;
		if (ca->last_max_cwnd <= cwnd) {
			ca->k = 0;
			ca->origin_point = cwnd;
		} else {
			ca->k = xtcp_cubic_root(XTCP_CUBIC_CUBE_FACTOR *
						(ca->last_max_cwnd - cwnd));
			ca->origin_point = ca->last_max_cwnd;
		}
	}

	target = xtcp_cubic_target(ca, now);
	if (target > cwnd)
		ca->cnt = cwnd / (target - cwnd);
	else
		ca->cnt = 100 * cwnd;	/* all but flat */
	/* before the first loss the bandwidth is unknown: at least 5% per
	 * round trip
	 */
	if (!ca->last_max_cwnd && ca->cnt > 20)
		ca->cnt = 20;

friendliness:
	/* the Reno estimate: one segment per cwnd * 8 / RENO_SCALE ACKed */
	delta = (cwnd * XTCP_CUBIC_RENO_SCALE) >> 3;
	if (delta && ca->ack_cnt > delta) {
		steps = (ca->ack_cnt - 1) / delta;
		ca->ack_cnt -= steps * delta;
		ca->tcp_cwnd += steps;
	}
	if (ca->tcp_cwnd > cwnd) {
		u32 max_cnt = cwnd / (ca->tcp_cwnd - cwnd);

		ca->cnt = min(ca->cnt, max_cnt);
	}
	/* at most one segment per two acknowledged: 1.5x per round trip */
	ca->cnt = max(ca->cnt, 2U);
}

static void xtcp_cubic_cong_avoid(struct xtcp_sock *xs, u32 acked)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);

	if (xs->cwnd < xs->ssthresh) {
		acked = xtcp_slow_start(xs, acked);
		if (!acked)
			return;
	}
	xtcp_cubic_update(ca, xs->cwnd, acked);
	xtcp_cong_avoid_ai(xs, ca->cnt, acked);
}

/*
 * A reduction: the epoch ends; Wmax is the cwnd now, or less with fast
 * convergence when cwnd never got back to the previous Wmax; cwnd is cut
 * to beta of itself (Linux's cubictcp_recalc_ssthresh(): cwnd, not the
 * flight size).
 */
static u32 xtcp_cubic_ssthresh(struct xtcp_sock *xs)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	u32 cwnd = xs->cwnd;

	ca->epoch_start = 0;
	if (cwnd < ca->last_max_cwnd)
		ca->last_max_cwnd = cwnd * (XTCP_CUBIC_BETA_SCALE +
					    XTCP_CUBIC_BETA) /
				    (2 * XTCP_CUBIC_BETA_SCALE);
	else
		ca->last_max_cwnd = cwnd;
	return max(cwnd * XTCP_CUBIC_BETA / XTCP_CUBIC_BETA_SCALE, 2U);
}

/* A retransmission timeout forgets the curve and starts a HyStart round. */
static void xtcp_cubic_set_state(struct xtcp_sock *xs, u8 new_state)
{
	if (new_state == XTCP_CA_LOSS) {
		xtcp_cubic_reset(xtcp_cubic_ca(xs));
		xtcp_hystart_reset(xs);
	}
}

/*
 * The TSO/GRO allowance of the ACK-train threshold, microseconds (Linux's
 * hystart_ack_delay()): the time four maximal GSO packets take at the
 * pacing rate Linux's TCP would have set, 200% (slow start) or 120% of
 * cwnd * mss / srtt, capped at 1 ms. XTCP does not pace; the rate is
 * worked out the same way only to place HyStart's exit as Linux does.
 */
static u32 xtcp_hystart_ack_delay(const struct xtcp_sock *xs)
{
	u64 rate = (u64)xs->mss_cache * ((USEC_PER_SEC / 100) << 3);

	rate *= xs->cwnd < xs->ssthresh / 2 ? 200 : 120;
	rate *= xs->cwnd;
	if (xs->srtt_us)		/* srtt_us is << 3, as the rate */
		rate = div64_u64(rate, xs->srtt_us);
	if (!rate)
		return 0;
	return (u32)min_t(u64, USEC_PER_MSEC,
			  div64_u64((u64)XTCP_CUBIC_GSO_SIZE * 4 * USEC_PER_SEC,
				    rate));
}

/* Linux's hystart_update(): leave slow start at the train or delay signal */
static void xtcp_hystart_update(struct xtcp_sock *xs, u32 delay)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	u32 threshold, now;

	if (xtcp_after(xs->snd_una, ca->end_seq))
		xtcp_hystart_reset(xs);
	if (xs->cwnd < XTCP_HYSTART_LOW_WINDOW)
		return;

	/* ACK train: ACKs no more than 2 ms apart since the round began,
	 * lasting past half the minimum RTT (XTCP never paces, as Linux's
	 * SK_PACING_NONE)
	 */
	now = xtcp_cubic_clock_us();
	if ((s32)(now - ca->last_ack) <= (s32)XTCP_HYSTART_ACK_DELTA_US) {
		ca->last_ack = now;
		threshold = (ca->delay_min + xtcp_hystart_ack_delay(xs)) >> 1;
		if ((s32)(now - ca->round_start) > (s32)threshold) {
			ca->found = true;
			pr_debug("hystart ack train (%u > %u) delay_min %u cwnd %u\n",
				 now - ca->round_start, threshold,
				 ca->delay_min, xs->cwnd);
			xs->ssthresh = xs->cwnd;
		}
	}

	/* delay: the round's lowest RTT over its first samples grew by an
	 * eighth of the minimum, within 4..16 ms
	 */
	if (ca->curr_rtt > delay)
		ca->curr_rtt = delay;
	if (ca->sample_cnt < XTCP_HYSTART_MIN_SAMPLES) {
		ca->sample_cnt++;
	} else if (ca->curr_rtt > ca->delay_min +
		   clamp_t(u32, ca->delay_min >> 3, XTCP_HYSTART_DELAY_MIN_US,
			   XTCP_HYSTART_DELAY_MAX_US)) {
		ca->found = true;
		pr_debug("hystart delay (%u > %u) cwnd %u\n", ca->curr_rtt,
			 ca->delay_min, xs->cwnd);
		xs->ssthresh = xs->cwnd;
	}
}

/*
 * Every ACK that reached the write queue, with the RTT of its latest-sent
 * delivery (-1 for none): the minimum RTT and HyStart (Linux's
 * cubictcp_acked()). The first second of an epoch is ignored: queues
 * built before the reduction are still draining.
 */
static void xtcp_cubic_pkts_acked(struct xtcp_sock *xs, s32 rtt_us)
{
	struct xtcp_cubic *ca = xtcp_cubic_ca(xs);
	u32 delay;

	if (rtt_us < 0)
		return;
	if (ca->epoch_start && (s32)((u32)jiffies - ca->epoch_start) < HZ)
		return;
	delay = rtt_us ? rtt_us : 1;
	if (!ca->delay_min || ca->delay_min > delay)
		ca->delay_min = delay;
	if (!ca->found && xs->cwnd < xs->ssthresh)
		xtcp_hystart_update(xs, delay);
}

const struct xtcp_cong_ops xtcp_cubic = {
	.name		= "cubic",
	.init		= xtcp_cubic_init,
	.ssthresh	= xtcp_cubic_ssthresh,
	.cong_avoid	= xtcp_cubic_cong_avoid,
	.set_state	= xtcp_cubic_set_state,
	.cwnd_event	= xtcp_cubic_cwnd_event,
	.pkts_acked	= xtcp_cubic_pkts_acked,
};
