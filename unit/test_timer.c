// SPDX-License-Identifier: GPL-2.0
/*
 * The RTO estimator and the transmit timer (module/xtcp_timer.c) against
 * RFC 6298 (SRTT/RTTVAR/RTO, backoff, bounds), RFC 1122 4.2.3.5 and
 * Linux's tcp_rtt_estimator()/tcp_set_rto(), tcp_retransmit_timer(),
 * tcp_write_timeout() and tcp_probe_timer().
 */
#include "../module/xtcp_timer.c"
#include "fixture.h"
#include "stubs.h"

TEST(rto_first_sample)
{
	/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR */
	struct xtcp_sock *xs = ut_sock(1);

	xtcp_rtt_sample(SK(xs), 100000);
	EXPECT_EQ(xs->srtt_us >> 3, 100000);
	EXPECT_EQ(xs->rttvar_us, 4 * 50000);	/* kept as 4 * RTTVAR */
	EXPECT_EQ(xs->rto, usecs_to_jiffies(300000));
	ut_sock_free(xs);
}

TEST(rto_second_sample)
{
	/* RFC 6298 2.3 (alpha 1/8, beta 1/4; RTTVAR from the old SRTT):
	 * R = 100 ms then 200 ms: RTTVAR = 3/4 * 50 + 1/4 * 100 = 62.5 ms,
	 * SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms, RTO = 362.5 ms
	 */
	struct xtcp_sock *xs = ut_sock(1);

	xtcp_rtt_sample(SK(xs), 100000);
	xtcp_rtt_sample(SK(xs), 200000);
	EXPECT_EQ(xs->srtt_us >> 3, 112500);
	EXPECT_EQ(xs->rttvar_us, 4 * 62500);
	EXPECT_EQ(xs->rto, usecs_to_jiffies(362500));
	/* and a faster sample pulls both back: |112.5 - 50| = 62.5 */
	xtcp_rtt_sample(SK(xs), 50000);
	EXPECT_EQ(xs->srtt_us >> 3, (8 * 112500 - 62500) >> 3);
	EXPECT_EQ(xs->rttvar_us, 250000 - 250000 / 4 + 62500);
	ut_sock_free(xs);
}

TEST(rto_lower_and_upper_bounds)
{
	/* Linux's TCP_RTO_MIN (200 ms; RFC 6298 2.4 allows a lower bound
	 * below its 1 s) and TCP_RTO_MAX (120 s; RFC 6298 2.5: >= 60 s)
	 */
	struct xtcp_sock *xs = ut_sock(1);

	xtcp_rtt_sample(SK(xs), 1000);
	EXPECT_EQ(xs->rto, HZ / 5);
	EXPECT_EQ(XTCP_RTO_MIN, HZ / 5);
	xs->srtt_us = 0;
	xtcp_rtt_sample(SK(xs), 100 * USEC_PER_SEC);
	EXPECT_EQ(xs->rto, 120 * HZ);
	ut_sock_free(xs);
}

TEST(rto_steady_rtt_converges_to_srtt_plus_granularity)
{
	/* RFC 6298 2.3: RTO = SRTT + max(G, K * RTTVAR); with a constant
	 * RTT the variance decays and the clock granularity G (1 ms here)
	 * is what is left
	 */
	struct xtcp_sock *xs = ut_sock(1);
	int i;

	for (i = 0; i < 200; i++)
		xtcp_rtt_sample(SK(xs), USEC_PER_SEC);
	EXPECT_EQ(xs->srtt_us >> 3, USEC_PER_SEC);
	EXPECT_LT(xs->rttvar_us, 1000);
	EXPECT_EQ(xs->rto, usecs_to_jiffies(USEC_PER_SEC + 1000));
	ut_sock_free(xs);
}

TEST(rto_zero_sample_counts)
{
	/* a 0 us sample (loopback) still marks the estimator as started */
	struct xtcp_sock *xs = ut_sock(1);

	xtcp_rtt_sample(SK(xs), 0);
	EXPECT_NE(xs->srtt_us, 0);
	EXPECT_EQ(xs->rto, XTCP_RTO_MIN);
	ut_sock_free(xs);
}

TEST(rto_timer_backs_off_and_retransmits_head)
{
	/* RFC 6298 5.4-5.6: retransmit the earliest segment, double the
	 * RTO (up to its maximum), one segment in flight (RFC 5681 3.1:
	 * cwnd = 1 after a timeout)
	 */
	struct xtcp_sock *xs = ut_sock(0xfffffc00u);
	struct sock *sk = SK(xs);
	u32 first = xs->snd_una;
	int i;

	ut_send(xs, 3, 1000);
	EXPECT_EQ(mock_tx_count, 3);
	EXPECT_TRUE(timer_pending(&xs->retrans_timer));
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(mock_tx_count, 4);
	EXPECT_EQ(mock_tx[3].seq, first);
	EXPECT_EQ(mock_tx[3].len, 1000);
	EXPECT_EQ(xs->ca_state, XTCP_CA_LOSS);
	EXPECT_EQ(xs->cwnd, 1);
	EXPECT_EQ(xs->backoff, 1);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + 2 * HZ);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPTIMEOUTS), 1);
	EXPECT_EQ(ut_mib(XTCP_MIB_RETRANSSEGS), 1);
	for (i = 2; i <= 7; i++)
		mock_timer_fire(&xs->retrans_timer);
	/* 1 s << 7 = 128 s: capped */
	EXPECT_EQ(xs->backoff, 7);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + XTCP_RTO_MAX);
	EXPECT_EQ(stub_calls.reset, 0);
	(void)sk;
	ut_sock_free(xs);
}

TEST(rto_gives_up_after_retries2)
{
	/* RFC 1122 4.2.3.5 R2 / Linux tcp_write_timeout(): after retries2
	 * retransmissions the connection fails with ETIMEDOUT
	 */
	struct xtcp_sock *xs = ut_sock(1);
	int i;

	ut_net()->sysctl.retries2 = 3;
	ut_send(xs, 1, 500);
	for (i = 0; i < 3; i++)
		mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(stub_calls.reset, 0);
	EXPECT_EQ(xs->retransmits, 3);
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(stub_calls.reset, 1);
	EXPECT_EQ(stub_calls.reset_err, ETIMEDOUT);
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPABORTONTIMEOUT), 1);
	EXPECT_EQ(mock_tx_count, 4);		/* no fourth retransmission */
	ut_sock_free(xs);
}

TEST(rto_timer_busy_socket_retried_same_purpose)
{
	/* the user owns the socket: the handler re-arms for the same
	 * purpose shortly after, and keeps the reference rule
	 */
	struct xtcp_sock *xs = ut_sock(1);

	ut_send(xs, 1, 500);
	SK(xs)->mock_owned_by_user = true;
	mock_timer_fire(&xs->retrans_timer);
	EXPECT_EQ(mock_tx_count, 1);
	EXPECT_TRUE(timer_pending(&xs->retrans_timer));
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_RTO);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + XTCP_RETRY_BUSY);
	SK(xs)->mock_owned_by_user = false;
	ut_sock_free(xs);
}

TEST(persist_probe_on_zero_window)
{
	/* RFC 9293 3.8.6.1 / Linux tcp_send_probe0(): with the peer's
	 * window closed and nothing in flight, probe with snd_una - 1 and
	 * back off; the data stays queued
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);

	xs->snd_wnd = 0;
	ut_queue(xs, 1000);
	xtcp_push(sk);
	EXPECT_EQ(mock_tx_count, 0);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_PROBE0);
	mock_timer_fire(&xs->retrans_timer);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].seq, xs->snd_una - 1);
	EXPECT_EQ(mock_tx[0].len, 0);
	EXPECT_EQ(mock_tx[0].flags, XTCP_ACK);
	EXPECT_EQ(xs->probes_out, 1);
	EXPECT_EQ(xs->backoff, 1);
	EXPECT_EQ(xs->xmit_timer, XTCP_XMIT_PROBE0);
	EXPECT_EQ(xs->retrans_timer.expires, jiffies + 2 * xs->rto);
	EXPECT_TRUE(xs->send_head != NULL);
	ut_sock_free(xs);
}

TEST(delayed_ack_fires_after_40ms)
{
	/* Linux's TCP_DELACK_MIN (HZ/25); RFC 1122 4.2.3.2 (< 0.5 s) */
	struct xtcp_sock *xs = ut_sock(1);

	xtcp_schedule_delack(SK(xs));
	EXPECT_TRUE(xs->ack_pending);
	EXPECT_EQ(xs->delack_timer.expires, jiffies + HZ / 25);
	mock_timer_fire(&xs->delack_timer);
	ASSERT_EQ(mock_tx_count, 1);
	EXPECT_EQ(mock_tx[0].flags, XTCP_ACK);
	EXPECT_EQ(mock_tx[0].ack, xs->rcv_nxt);
	EXPECT_FALSE(xs->ack_pending);
	ut_sock_free(xs);
}

TEST(keepalive_probes_then_resets)
{
	/* RFC 1122 4.2.3.6 / Linux tcp_keepalive_timer(): after the idle
	 * time, a probe (snd_una - 1) every interval; after keepcnt
	 * unanswered probes a RST and ETIMEDOUT
	 */
	struct xtcp_sock *xs = ut_sock(1);
	struct sock *sk = SK(xs);
	int i;

	xs->keepidle = 10;
	xs->keepintvl = 2;
	xs->keepcnt = 3;
	xs->rcv_tstamp = jiffies;
	sock_set_flag(sk, SOCK_KEEPOPEN);
	xtcp_keepalive_update(sk);
	EXPECT_EQ(sk->sk_timer.expires, jiffies + 10 * HZ);
	for (i = 0; i < 3; i++) {
		jiffies = sk->sk_timer.expires;
		mock_timer_fire(&sk->sk_timer);
		EXPECT_EQ(mock_tx[i].seq, xs->snd_una - 1);
		EXPECT_EQ(sk->sk_timer.expires, jiffies + 2 * HZ);
	}
	EXPECT_EQ(ut_mib(XTCP_MIB_TCPKEEPALIVE), 3);
	jiffies = sk->sk_timer.expires;
	mock_timer_fire(&sk->sk_timer);
	ASSERT_EQ(mock_tx_count, 4);
	EXPECT_EQ(mock_tx[3].flags, XTCP_RST | XTCP_ACK);
	EXPECT_EQ(stub_calls.reset_err, ETIMEDOUT);
	ut_sock_free(xs);
}
