// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket timers. Each armed timer holds a socket reference
 * (sk_reset_timer/sk_stop_timer); handlers run in softirq, take
 * bh_lock_sock and retry shortly if the user owns the socket.
 *
 *   retrans_timer  the transmit timer (Linux's icsk_retransmit_timer),
 *                  one timer for four purposes, recorded in
 *                  xtcp_sock.xmit_timer by xtcp_reset_xmit_timer() alone
 *                  (Linux's icsk_pending) and switched on by the handler:
 *                  RTO: SYN, data and FIN retransmission with exponential
 *                  backoff (RFC 6298), giving up after syn_retries
 *                  (SYN_SENT) or retries2 / orphan_retries /
 *                  TCP_USER_TIMEOUT with ETIMEDOUT; PROBE0: zero-window
 *                  probes when the peer's window is closed and nothing is
 *                  in flight (also what sends corked data after one RTO);
 *                  REO: the end of RACK's reordering window; LOSS_PROBE:
 *                  RACK-TLP's tail loss probe (xtcp_recovery.c).
 *   delack_timer   sends an ACK that was held back (40 ms).
 *   sk_timer       struct sock's own timer (Linux's TCP keepalive timer),
 *                  two jobs by state: keepalive (ESTABLISHED with
 *                  SO_KEEPALIVE) and the FIN_WAIT2 timeout of orphans
 *                  (fin_timeout / TCP_LINGER2). TIME_WAIT has its own
 *                  lightweight object, expired per namespace
 *                  (xtcp_timewait.c).
 */
#include "xtcp.h"
#include "xtcp_trace.h"

#define XTCP_RETRY_BUSY		(HZ / 20)	/* user owns the socket */

/**
 * xtcp_keepalive_time() - idle time before the first probe, in jiffies
 * @xs: socket
 *
 * Return: TCP_KEEPIDLE of @xs, or net.xtcp.keepalive_time when it is 0,
 * converted from seconds to jiffies.
 */
int xtcp_keepalive_time(const struct xtcp_sock *xs)
{
	int v = READ_ONCE(xs->keepidle);

	return (v ? v : READ_ONCE(xtcp_sysctl(&xs->inet.sk)->keepalive_time)) * HZ;
}

/**
 * xtcp_keepalive_intvl() - time between probes, in jiffies
 * @xs: socket
 *
 * Return: TCP_KEEPINTVL of @xs, or net.xtcp.keepalive_intvl when it is 0,
 * converted from seconds to jiffies.
 */
int xtcp_keepalive_intvl(const struct xtcp_sock *xs)
{
	int v = READ_ONCE(xs->keepintvl);

	return (v ? v : READ_ONCE(xtcp_sysctl(&xs->inet.sk)->keepalive_intvl)) * HZ;
}

/**
 * xtcp_keepalive_probes() - unanswered probes before the connection dies
 * @xs: socket
 *
 * Return: TCP_KEEPCNT of @xs, or net.xtcp.keepalive_probes when it is 0.
 */
int xtcp_keepalive_probes(const struct xtcp_sock *xs)
{
	int v = READ_ONCE(xs->keepcnt);

	return v ? v : READ_ONCE(xtcp_sysctl(&xs->inet.sk)->keepalive_probes);
}

/**
 * xtcp_fin_timeout() - how long an orphan waits in FIN_WAIT2, in jiffies
 * @xs: socket
 *
 * Return: TCP_LINGER2 of @xs when it is positive, else
 * net.xtcp.fin_timeout, converted from seconds to jiffies.
 */
unsigned long xtcp_fin_timeout(const struct xtcp_sock *xs)
{
	int v = READ_ONCE(xs->linger2);

	if (v > 0)
		return (unsigned long)v * HZ;
	return (unsigned long)READ_ONCE(xtcp_sysctl(&xs->inet.sk)->fin_timeout) * HZ;
}

/**
 * xtcp_reset_xmit_timer() - (re)arm the transmit timer for one purpose
 * @sk: socket
 * @what: the purpose: enum xtcp_xmit_timer
 * @when: delay in jiffies
 *
 * The only place that sets xtcp_sock.xmit_timer (Linux's
 * inet_csk_reset_xmit_timer()); /proc/net/xtcp and the handler read it.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_reset_xmit_timer(struct sock *sk, enum xtcp_xmit_timer what,
			   unsigned long when)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(xs->xmit_timer, what);
	sk_reset_timer(sk, &xs->retrans_timer, jiffies + when);
}

/**
 * xtcp_clear_xmit_timer() - nothing is outstanding any more: stop the
 * transmit timer
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_clear_xmit_timer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	WRITE_ONCE(xs->xmit_timer, XTCP_XMIT_NONE);
	sk_stop_timer(sk, &xs->retrans_timer);
}

/**
 * xtcp_schedule_delack() - hold an ACK back, as Linux's tcp_send_delayed_ack()
 * @sk: socket
 *
 * The timeout is @ato, bounded (above XTCP_DELACK_MIN) by the smoothed RTT
 * (at least XTCP_DELACK_MIN) and by XTCP_DELACK_MAX when interactive or a
 * small segment waits, else half a second. An ACK already held back keeps
 * its earlier deadline, and goes at once if that is within a quarter of
 * the timeout.
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_schedule_delack(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long timeout;
	u32 ato = xs->ato;

	if (ato > XTCP_DELACK_MIN) {
		u32 max_ato = HZ / 2;

		if (xtcp_in_pingpong(xs) || xs->ack_pushed)
			max_ato = XTCP_DELACK_MAX;
		if (xs->srtt_us) {
			u32 rtt = max_t(u32, usecs_to_jiffies(xs->srtt_us >> 3),
					XTCP_DELACK_MIN);

			max_ato = min(max_ato, rtt);
		}
		ato = min(ato, max_ato);
	}
	ato = min_t(u32, ato, XTCP_DELACK_MAX);
	timeout = jiffies + ato;

	/* the timer may still be armed for an ACK already sent: only a held
	 * one's deadline counts
	 */
	if (xs->ack_pending && timer_pending(&xs->delack_timer)) {
		unsigned long old = xs->delack_timer.expires;

		if (time_before_eq(old, jiffies + (ato >> 2))) {
			xtcp_send_ack(sk);
			return;
		}
		if (!time_before(timeout, old))
			timeout = old;
	}
	xs->ack_pending = true;
	sk_reset_timer(sk, &xs->delack_timer, timeout);
}

/**
 * xtcp_reset_life_timer() - arm the keepalive/FIN_WAIT2/TIME_WAIT timer
 * @sk: socket
 * @len: delay in jiffies
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_reset_life_timer(struct sock *sk, unsigned long len)
{
	sk_reset_timer(sk, &sk->sk_timer, jiffies + len);
}

/**
 * xtcp_keepalive_update() - SO_KEEPALIVE or its times changed, or the
 * connection was established: arm or stop the keepalive timer
 * @sk: socket
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_keepalive_update(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				     TCPF_FIN_WAIT1)))
		return;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		xtcp_reset_life_timer(sk, xtcp_keepalive_time(xs));
	else
		sk_stop_timer(sk, &sk->sk_timer);
}

/**
 * xtcp_rtt_sample() - RFC 6298 SRTT/RTTVAR/RTO update from one sample
 * @sk: socket
 * @rtt_us: measured round trip, microseconds (Karn: never from a
 *	    retransmitted segment)
 *
 * Context: socket lock or bh_lock_sock held.
 */
void xtcp_rtt_sample(struct sock *sk, long rtt_us)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	long m = rtt_us ? rtt_us : 1;
	u32 rto_us;

	if (!xs->srtt_us) {
		xs->srtt_us = m << 3;
		xs->rttvar_us = m << 1;			/* RTTVAR = R/2, x4 */
	} else {
		long err = m - (xs->srtt_us >> 3);

		xs->srtt_us += err;			/* SRTT += (R - SRTT)/8 */
		if (err < 0)
			err = -err;
		xs->rttvar_us += err - (xs->rttvar_us >> 2);
	}
	rto_us = (xs->srtt_us >> 3) + max_t(u32, xs->rttvar_us, 1000);
	xs->rto = clamp_t(u32, usecs_to_jiffies(rto_us), XTCP_RTO_MIN,
			  XTCP_RTO_MAX);
}

/* Connection aborted by a timeout: ETIMEDOUT (or the soft error). */
static void xtcp_write_err(struct sock *sk)
{
	int err = READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT;

	xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPABORTONTIMEOUT);
	xtcp_reset(sk, err);
}

/* TCP_USER_TIMEOUT: has @start + the timeout passed? */
static bool xtcp_user_timeout_expired(struct sock *sk, unsigned long start)
{
	u32 ut = READ_ONCE(xtcp_sk(sk)->user_timeout);

	return ut && start &&
	       time_after_eq(jiffies, start + msecs_to_jiffies(ut));
}

/* As Linux's tcp_clamp_rto_to_user_timeout(): the timer fires no later
 * than the user timeout counted from @start.
 */
static unsigned long xtcp_clamp_to_user_timeout(struct sock *sk,
						unsigned long start,
						unsigned long when)
{
	u32 ut = READ_ONCE(xtcp_sk(sk)->user_timeout);
	long left;

	if (!ut || !start)
		return when;
	left = (long)(start + msecs_to_jiffies(ut) - jiffies);
	return left <= 0 ? 1 : min_t(unsigned long, when, left);
}

/* Retransmissions (or window probes) allowed before ETIMEDOUT. */
static int xtcp_retry_limit(struct sock *sk)
{
	if (sock_flag(sk, SOCK_DEAD))
		return READ_ONCE(xtcp_sysctl(sk)->orphan_retries) ? : 8;
	return READ_ONCE(xtcp_sysctl(sk)->retries2);
}

/*
 * Persist timer (shares the retransmission timer: nothing is in flight):
 * Linux's tcp_probe_timer()/tcp_send_probe0(). Unanswered probes count in
 * probes_out (any ACK clears it, so a peer that answers keeps the
 * connection, RFC 1122 4.2.2.17); TCP_USER_TIMEOUT bounds the time from
 * the first probe. A probe that fails locally is retried every 500 ms.
 * Context: bh_lock_sock held, not owned by the user.
 */
static void xtcp_probe_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long when;
	int err;

	if (!xs->probe_stamp)
		xs->probe_stamp = jiffies ? : 1;
	else if (xtcp_user_timeout_expired(sk, xs->probe_stamp))
		goto abort;
	if (xs->probes_out >= xtcp_retry_limit(sk))
		goto abort;

	err = xtcp_write_wakeup(sk);
	if (err > 0) {			/* data in flight: the RTO takes over */
		xs->probes_out = 0;
		return;
	}
	if (xs->probes_out < U8_MAX)
		xs->probes_out++;
	if (!err) {
		xs->backoff = min_t(u8, xs->backoff + 1, 15);
		when = min_t(unsigned long, xs->rto << xs->backoff,
			     XTCP_RTO_MAX);
	} else {
		when = XTCP_RESOURCE_PROBE_INTERVAL;
	}
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_PROBE0,
			      xtcp_clamp_to_user_timeout(sk, xs->probe_stamp,
							 when));
	return;
abort:
	xtcp_write_err(sk);
}

/* The RTO expired. Context: bh_lock_sock held, not owned by the user. */
static void xtcp_retransmit_timeout(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	unsigned long when;
	bool syn, expired;

	if (!xs->retrans_stamp)		/* when the head was first sent */
		xs->retrans_stamp = XTCP_SKB_CB(head)->when ? : 1;
	syn = sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV;
	/* as Linux: TCP_USER_TIMEOUT, when set, replaces retries2 */
	if (syn)
		expired = xs->retransmits >= (READ_ONCE(xs->syn_retries) ? :
				READ_ONCE(xtcp_sysctl(sk)->syn_retries));
	else if (READ_ONCE(xs->user_timeout))
		expired = xtcp_user_timeout_expired(sk, xs->retrans_stamp);
	else
		expired = xs->retransmits >= xtcp_retry_limit(sk);
	if (expired) {
		xtcp_write_err(sk);
		return;
	}
	if (!syn)
		xtcp_enter_loss(sk);
	xs->retransmits++;
	if (xtcp_retransmit_head(sk) > 0) {
		/* dropped locally: as Linux, it counts, and is retried after
		 * TCP_RESOURCE_PROBE_INTERVAL without backoff
		 */
		when = XTCP_RESOURCE_PROBE_INTERVAL;
	} else {
		xs->backoff = min_t(u8, xs->backoff + 1, 15);
		when = min_t(unsigned long,
			     (unsigned long)xs->rto << xs->backoff,
			     XTCP_RTO_MAX);
	}
	if (!syn)
		when = xtcp_clamp_to_user_timeout(sk, xs->retrans_stamp, when);
	xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, when);
}

/*
 * The transmit timer fired (Linux's tcp_write_timer_handler()): act on the
 * purpose it was armed for. Two purposes depend on the queue, which may
 * have changed since: with nothing in flight it probes the window (a SYN
 * is always retransmitted: Linux counts a SYN as sent whatever the IP
 * layer returned), and with data in flight a probe becomes the RTO.
 * Context: bh_lock_sock held, not owned by the user.
 */
static void xtcp_xmit_timer(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	enum xtcp_xmit_timer what = xs->xmit_timer;
	bool syn = sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV;

	WRITE_ONCE(xs->xmit_timer, XTCP_XMIT_NONE);
	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN || !head)
		return;
	if (head == xs->send_head && !syn)
		what = XTCP_XMIT_PROBE0;
	else if (what == XTCP_XMIT_PROBE0 || what == XTCP_XMIT_NONE)
		what = XTCP_XMIT_RTO;

	switch (what) {
	case XTCP_XMIT_PROBE0:
		xtcp_probe_timeout(sk);
		break;
	case XTCP_XMIT_REO:
		if (!xtcp_rack_reo_timeout(sk))
			xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
		break;
	case XTCP_XMIT_LOSS_PROBE:
		if (!xtcp_send_loss_probe(sk))
			xtcp_reset_xmit_timer(sk, XTCP_XMIT_RTO, xs->rto);
		break;
	default:
		xtcp_retransmit_timeout(sk);
		break;
	}
}

static void xtcp_retrans_timer_fn(struct timer_list *t)
{
	struct xtcp_sock *xs = timer_container_of(xs, t, retrans_timer);
	struct sock *sk = &xs->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))	/* same purpose, a little later */
		xtcp_reset_xmit_timer(sk, xs->xmit_timer, XTCP_RETRY_BUSY);
	else
		xtcp_xmit_timer(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void xtcp_delack_timer_fn(struct timer_list *t)
{
	struct xtcp_sock *xs = timer_container_of(xs, t, delack_timer);
	struct sock *sk = &xs->inet.sk;

	/* no work if an ACK has gone meanwhile (nothing is held back) */
	bh_lock_sock(sk);
	if (xs->compressed_ack && !sock_owned_by_user(sk)) {
		/* a duplicate ACK held by SACK compression goes instead
		 * (Linux's tcp_delack_timer_handler())
		 */
		xtcp_sack_compress_send_ack(sk);
	} else if (!xs->ack_pending) {
		/* sent meanwhile */
	} else if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &xs->delack_timer, jiffies + XTCP_RETRY_BUSY);
	} else {
		/* the delayed ACK was not carried by a reply (Linux's
		 * tcp_delack_timer_handler()): a longer timeout next time,
		 * or, interactive so far, no longer ping-pong
		 */
		if (!xtcp_in_pingpong(xs)) {
			xs->ato = min3((u32)xs->ato << 1, xs->rto, (u32)XTCP_DELACK_MAX);
		} else {
			xs->pingpong = 0;
			xs->ato = XTCP_ATO_MIN;
		}
		xtcp_send_ack(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* Keepalive: RFC 9293 3.8.4, with Linux's probe and abort rules. */
static void xtcp_keepalive(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	unsigned long idle = jiffies - xs->rcv_tstamp;
	unsigned long ktime = xtcp_keepalive_time(xs);
	u32 ut = READ_ONCE(xs->user_timeout);

	if (!sock_flag(sk, SOCK_KEEPOPEN))
		return;
	/* data in flight: the retransmission timer is in charge */
	if (xs->snd_una != xs->snd_nxt) {
		xtcp_reset_life_timer(sk, ktime);
		return;
	}
	if (idle < ktime) {
		xtcp_reset_life_timer(sk, ktime - idle);
		return;
	}
	if ((ut && idle >= msecs_to_jiffies(ut) && xs->probes_out > 0) ||
	    (!ut && xs->probes_out >= xtcp_keepalive_probes(xs))) {
		xtcp_send_active_reset(sk, GFP_ATOMIC);	/* as Linux */
		xtcp_write_err(sk);
		return;
	}
	xtcp_send_probe(sk);
	trace_xtcp_send_keepalive(sk);
	xs->probes_out++;
	xtcp_inc_stats(sock_net(sk), XTCP_MIB_TCPKEEPALIVE);
	xtcp_reset_life_timer(sk, xtcp_keepalive_intvl(xs));
}

static void xtcp_life_timer_fn(struct timer_list *t)
{
	struct sock *sk = timer_container_of(sk, t, sk_timer);

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		xtcp_reset_life_timer(sk, XTCP_RETRY_BUSY);
		goto out;
	}
	switch (sk->sk_state) {
	case TCP_FIN_WAIT2:
		/* an orphan's FIN_WAIT2 ends silently, as Linux's FIN_WAIT2
		 * timewait entry does (only TCP_LINGER2 < 0 resets at once)
		 */
		if (sock_flag(sk, SOCK_DEAD)) {
			xtcp_done(sk);
			break;
		}
		fallthrough;
	default:
		xtcp_keepalive(sk);
	}
out:
	bh_unlock_sock(sk);
	sock_put(sk);
}

/*
 * SACK compression's timer (Linux's tcp_compressed_ack_kick()): the held
 * duplicate ACK goes now, or when the user releases the socket.
 */
static enum hrtimer_restart xtcp_comp_ack_kick(struct hrtimer *timer)
{
	struct xtcp_sock *xs = container_of(timer, struct xtcp_sock, comp_ack_timer);
	struct sock *sk = &xs->inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		if (xs->compressed_ack) {
			/* one of those held goes: not counted as compressed */
			xs->compressed_ack--;
			xtcp_send_ack(sk);
		}
	} else if (xs->compressed_ack) {
		xs->ack_pending = true;
		xs->ack_deferred = true;	/* xtcp_release_cb() sends it */
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/**
 * xtcp_init_timers() - set up a new socket's timers
 * @sk: socket
 */
void xtcp_init_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	timer_setup(&xs->retrans_timer, xtcp_retrans_timer_fn, 0);
	timer_setup(&xs->delack_timer, xtcp_delack_timer_fn, 0);
	timer_setup(&sk->sk_timer, xtcp_life_timer_fn, 0);
	xtcp_hrtimer_setup(&xs->comp_ack_timer, xtcp_comp_ack_kick,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_SOFT);
	xs->compressed_ack = 0;
	xs->dup_ack_counter = 0;
}

/**
 * xtcp_clear_timers() - stop every timer (each drops its reference)
 * @sk: socket
 *
 * Context: any; does not wait for a running handler (which holds its own
 * reference).
 */
void xtcp_clear_timers(struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	xtcp_clear_xmit_timer(sk);
	sk_stop_timer(sk, &xs->delack_timer);
	sk_stop_timer(sk, &sk->sk_timer);
	if (hrtimer_try_to_cancel(&xs->comp_ack_timer) == 1)
		__sock_put(sk);
	xs->compressed_ack = 0;
}
