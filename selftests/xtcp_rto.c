// SPDX-License-Identifier: GPL-2.0
/*
 * Retransmission timeout after a link cut, XTCP next to the kernel's TCP
 * (one connection of each, cut at the same moment, same sysctls in the
 * same namespaces):
 *   - the unacknowledged data is sent again as Linux does it: a tail loss
 *     probe at the RTO's time, then RTOs with exponential backoff (tshark
 *     timestamps of the segments flagged tcp.analysis.retransmission: the
 *     first two >= 200 ms apart, then each gap about twice the previous);
 *   - with net.xtcp.retries2 = net.ipv4.tcp_retries2 = 3 the connection
 *     aborts: recv() fails with ETIMEDOUT, TCPAbortOnTimeout +1, not
 *     before Linux's model time ((2^(retries2+1) - 1) x 200 ms) and not
 *     after TCP does here;
 *   - the next send() after the abort fails with ETIMEDOUT too;
 *   - TCP_USER_TIMEOUT (1500 ms, retries2 left at 15) bounds the time too;
 *   - TCP_INFO reports the Loss state (tcpi_ca_state 4) during RTO recovery;
 *   - TCP_USER_TIMEOUT 3000 ms and close() on an idle connection (Linux's
 *     tcp_user_timeout_user_timeout.pkt): the FIN is sent again at TCP's
 *     times, and the orphan is gone after the user timeout.
 *
 * The cut: every packet arriving at vb is dropped (tc clsact ingress,
 * gact drop), so everything A sends is captured on va and then lost on
 * the "wire"; A's stack sees no local error. One more test takes vb down
 * instead: then the veth drops A's packets at transmission
 * (NET_XMIT_DROP, a local error): the data must still be retried and the
 * connection time out.
 *
 *   A 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define RETRIES2 3

FIXTURE(rto) {
	struct topo t;
	int c[NSTACKS], s[NSTACKS];	/* one connection per stack */
	unsigned short cport[2];
	struct pcap cap;
	char pcap[64];
};

FIXTURE_SETUP(rto)
{
	int err, k;

	memset(&self->cap, 0, sizeof(self->cap));
	self->pcap[0] = 0;
	for_each_stack(k)
		self->c[k] = self->s[k] = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	for_each_stack(k) {
		err = topo_pair(&self->t, k, 6500 + k, NULL, &self->c[k],
			      &self->s[k]);
		ASSERT_EQ(0, err) TH_LOG("pair: %s", strerror(err));
		self->cport[k] = sock_local_port(self->c[k]);
		/* some traffic first: RTT samples, RTO at its 200 ms floor */
		ASSERT_EQ(0, xfer_oneway(self->c[k], self->s[k], 100000, 1, 10));
		ASSERT_EQ(0, xfer_oneway(self->s[k], self->c[k], 100000, 2, 10));
	}
}

FIXTURE_TEARDOWN(rto)
{
	int k;

	pcap_stop(&self->cap);
	if (self->pcap[0])
		unlink(self->pcap);
	topo_drop_nth(&self->t, SIDE_B, 0);
	TOPO_IN(&self->t, SIDE_B, nl_if_set("vb", true));
	for_each_stack(k) {
		sock_abort(self->c[k]);
		sock_abort(self->s[k]);
	}
	topo_settle(&self->t, 3);
}

/*
 * Cut the link (@down: vb down, else drop everything arriving at vb) and
 * have both clients send 100 bytes; wait until both report an error
 * (POLLERR) or @max_s pass. t_err[k]: seconds from the send to the error
 * (-1: none).
 */
static int cut_and_send_x(FIXTURE_DATA(rto) *self, double max_s, double *t_err, bool down)
{
	double t0;
	int k, done = 0;
	char b[100];

	memset(b, 'x', sizeof(b));
	if (down ? TOPO_IN(&self->t, SIDE_B, nl_if_set("vb", false)) : topo_drop_nth(&self->t, SIDE_B, 1))
		return -1;
	t0 = now();
	for_each_stack(k) {
		t_err[k] = -1;
		send(self->c[k], b, sizeof(b), MSG_NOSIGNAL);
	}
	while (done < 2 && now() - t0 < max_s) {
		struct pollfd p[2] = { { self->c[STACK_XTCP], 0, 0 }, { self->c[STACK_TCP], 0, 0 } };

		poll(p, 2, 20);
		for_each_stack(k)
			if (t_err[k] < 0 && (p[k].revents & POLLERR)) {
				t_err[k] = now() - t0;
				done++;
			}
	}
	return 0;
}

static int cut_and_send(FIXTURE_DATA(rto) *self, double max_s, double *t_err)
{
	return cut_and_send_x(self, max_s, t_err, false);
}

/* Linux's abort time for retries2 = n with RTO 200 ms: (2^(n+1) - 1) x 0.2 */
static double linux_timeout(int n)
{
	return ((2 << n) - 1) * 0.2;
}

/* recv() after the abort: -1 ETIMEDOUT; TCPAbortOnTimeout +1; time
 * close to TCP's and to Linux's formula */
TEST_F_TIMEOUT(rto, etimedout_after_retries2, 60)
{
	double t_err[2];
	long ab0[2], ab1[2];
	char b[16];
	int k;

	for_each_stack(k) {
		ab0[k] = counter_ns(self->t.ns[SIDE_A], k, "TCPAbortOnTimeout");
		ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_both("retries2", "tcp_retries2",
								   RETRIES2)));
	}
	ASSERT_EQ(0, cut_and_send(self, 5 * linux_timeout(RETRIES2), t_err));
	for_each_stack(k) {
		const char *name = stack_name(k);
		ssize_t n;

		ab1[k] = counter_ns(self->t.ns[SIDE_A], k, "TCPAbortOnTimeout");
		n = recv(self->c[k], b, sizeof(b), MSG_DONTWAIT);
		TH_LOG("%s: retries2=%d: error after %.2f s (Linux's formula %.1f s); recv %zd %s; "
		       "TCPAbortOnTimeout +%ld", name, RETRIES2, t_err[k], linux_timeout(RETRIES2), n,
		       n < 0 ? errname(errno) : "", ab1[k] - ab0[k]);
		EXPECT_EQ(-1, n);
		EXPECT_EQ(ETIMEDOUT, errno) TH_LOG("%s", name);
		EXPECT_EQ(1, ab1[k] - ab0[k]) TH_LOG("%s", name);
		EXPECT_GT(t_err[k], 0) TH_LOG("%s", name);
	}
	/* not before Linux's model time, not after TCP measured here */
	EXPECT_GE(t_err[STACK_XTCP], linux_timeout(RETRIES2) * 0.9);
	if (t_err[STACK_TCP] > 0)
		EXPECT_LE(t_err[STACK_XTCP], t_err[STACK_TCP] * 1.25 + 0.3);
}

/* send() after the abort: -1 ETIMEDOUT (the pending error, once), then
 * EPIPE */
TEST_F_TIMEOUT(rto, send_after_abort_etimedout_then_epipe, 60)
{
	double t_err[2];
	int k;

	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_both("retries2", "tcp_retries2", RETRIES2)));
	ASSERT_EQ(0, cut_and_send(self, 5 * linux_timeout(RETRIES2), t_err));
	for_each_stack(k) {
		const char *name = stack_name(k);
		ssize_t n1, n2;
		int e1, e2;

		n1 = send(self->c[k], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		e1 = errno;
		n2 = send(self->c[k], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		e2 = errno;
		TH_LOG("%s: after %.2f s: send %zd %s, then %zd %s", name, t_err[k], n1,
		       errname(e1), n2, errname(e2));
		EXPECT_EQ(-1, n1);
		EXPECT_EQ(ETIMEDOUT, e1) TH_LOG("%s", name);
		EXPECT_EQ(-1, n2);
		EXPECT_EQ(EPIPE, e2) TH_LOG("%s", name);
	}
}

/* TCP_USER_TIMEOUT 1500 ms (retries2 15): aborted with ETIMEDOUT at about
 * 1.5 s (1.4 - 2.1 s), as TCP */
TEST_F_TIMEOUT(rto, user_timeout_bounds_abort, 60)
{
	double t_err[2];
	int k;

	for_each_stack(k)
		ASSERT_EQ(0, sock_setint(self->c[k], SOL_TCP, TCP_USER_TIMEOUT, 1500));
	ASSERT_EQ(0, cut_and_send(self, 10, t_err));
	for_each_stack(k) {
		const char *name = stack_name(k);

		TH_LOG("%s: TCP_USER_TIMEOUT 1500 ms: error after %.2f s, SO_ERROR %s", name,
		       t_err[k], errname(sock_getint(self->c[k], SOL_SOCKET, SO_ERROR)));
		EXPECT_GE(t_err[k], 1.4) TH_LOG("%s", name);
		EXPECT_LE(t_err[k], 2.1) TH_LOG("%s", name);
	}
}

struct rtx {
	double t[2][64];	/* [XTCP/TCP] data segments from the client, in order */
	int n[2];
	int rtx[2];		/* of which flagged retransmissions */
	bool flagged[2][64];
	unsigned short cport[2];
};

static void rtx_cb(void *ctx, char **f, int nf)
{
	struct rtx *r = ctx;
	int k, proto, sport;

	if (nf < 5 || atoi(f[3]) <= 0)
		return;				/* data segments only */
	proto = atoi(f[1]);
	sport = atoi(f[2]);
	k = stack_of_proto(proto);
	if (sport != r->cport[k] || r->n[k] >= 64)
		return;
	r->t[k][r->n[k]] = atof(f[0]);
	r->flagged[k][r->n[k]] = *f[4];
	r->rtx[k] += *f[4] != 0;
	r->n[k]++;
}

/* XTCP's retransmissions on the wire (tshark), as TCP's: a tail loss
 * probe at the RTO's time (TCPLossProbes +1), then the RTOs, as many as
 * retries2: the first two gaps >= 200 ms, each later gap 1.6-2.5 x the
 * previous (TCP's gaps logged for reference) */
TEST_F_TIMEOUT(rto, backoff_doubles_on_the_wire, 120)
{
	static struct rtx r;
	double t_err[2];
	long tlp[2];
	int k, i, n;

	snprintf(self->pcap, sizeof(self->pcap), "/tmp/dt_rto.%d.pcap", getpid());
	ASSERT_EQ(0, pcap_start(&self->cap, self->t.ns[SIDE_A], "va", self->pcap, 128));
	msleep(50);
	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_both("retries2", "tcp_retries2", RETRIES2)));
	for_each_stack(k)
		tlp[k] = counter_ns(self->t.ns[SIDE_A], k, "TCPLossProbes");
	ASSERT_EQ(0, cut_and_send(self, 5 * linux_timeout(RETRIES2), t_err));
	pcap_stop(&self->cap);
	for_each_stack(k)
		tlp[k] = counter_ns(self->t.ns[SIDE_A], k, "TCPLossProbes") - tlp[k];
	memset(&r, 0, sizeof(r));
	r.cport[STACK_XTCP] = self->cport[STACK_XTCP];
	r.cport[STACK_TCP] = self->cport[STACK_TCP];
	/* only the 100 bytes sent after the cut: its tcp.len is 100 */
	n = tshark_run(self->pcap, "tcp.len == 100",
		      "frame.time_relative,ip.proto,tcp.srcport,tcp.len,tcp.analysis.retransmission",
		      rtx_cb, &r);
	ASSERT_GT(n, 0) TH_LOG("tshark failed");
	for_each_stack(k) {
		const char *name = stack_name(k);
		char line[512];
		int l = 0;

		line[0] = 0;
		for (i = 1; i < r.n[k]; i++)
			l += snprintf(line + l, sizeof(line) - l, " %.3f", r.t[k][i] - r.t[k][i - 1]);
		TH_LOG("%s: original + %d segments flagged retransmission; gaps (s):%s; "
		       "TCPLossProbes +%ld", name, r.rtx[k], line, tlp[k]);
	}
	/* XTCP: the probe, then exactly retries2 RTO retransmissions */
	EXPECT_EQ(1, tlp[STACK_XTCP]);
	EXPECT_EQ(tlp[STACK_TCP], tlp[STACK_XTCP]);
	EXPECT_EQ(RETRIES2 + 1, r.rtx[STACK_XTCP]);
	EXPECT_EQ(RETRIES2 + 2, r.n[STACK_XTCP]);
	if (r.n[STACK_XTCP] >= 4) {
		EXPECT_GE(r.t[STACK_XTCP][1] - r.t[STACK_XTCP][0], 0.195) TH_LOG("the probe");
		EXPECT_GE(r.t[STACK_XTCP][2] - r.t[STACK_XTCP][1], 0.195) TH_LOG("first RTO");
		for (i = 3; i < r.n[STACK_XTCP]; i++) {
			const double *t = r.t[STACK_XTCP];
			double ratio = (t[i] - t[i - 1]) / (t[i - 1] - t[i - 2]);

			EXPECT_GE(ratio, 1.6) TH_LOG("gap %d / gap %d = %.2f", i, i - 1, ratio);
			EXPECT_LE(ratio, 2.5) TH_LOG("gap %d / gap %d = %.2f", i, i - 1, ratio);
		}
	}
}

struct fins {
	double t[2][32];	/* [XTCP/TCP] FIN segments from the client */
	int n[2];
	unsigned short cport[2];
};

static void fin_cb(void *ctx, char **f, int nf)
{
	struct fins *r = ctx;
	int k;

	if (nf < 3)
		return;
	k = stack_of_proto(atoi(f[1]));
	if (atoi(f[2]) != r->cport[k] || r->n[k] >= 32)
		return;
	r->t[k][r->n[k]++] = atof(f[0]);
}

/*
 * Linux's tcp_user_timeout_user_timeout.pkt on the veth: an idle
 * connection, the peer gone (the link cut), TCP_USER_TIMEOUT 3000 ms,
 * close(). The FIN is retransmitted at the times Linux's TCP uses here
 * (a loss probe or RTO first, then RTOs doubling), and the orphan is gone
 * once the user timeout has passed. The retransmissions are compared
 * with TCP's in the same run, each gap within 150 ms + 30% of TCP's.
 */
TEST_F_TIMEOUT(rto, fin_retransmitted_as_tcp_under_user_timeout, 60)
{
	static struct fins r;
	int k, i, rows[2];

	snprintf(self->pcap, sizeof(self->pcap), "/tmp/dt_fin.%d.pcap", getpid());
	ASSERT_EQ(0, pcap_start(&self->cap, self->t.ns[SIDE_A], "va", self->pcap, 128));
	msleep(50);
	ASSERT_EQ(0, topo_drop_nth(&self->t, SIDE_B, 1));
	for_each_stack(k) {
		ASSERT_EQ(0, sock_setint(self->c[k], SOL_TCP, TCP_USER_TIMEOUT, 3000));
		close(self->c[k]);
		self->c[k] = -1;
	}
	msleep(4000);
	pcap_stop(&self->cap);
	memset(&r, 0, sizeof(r));
	r.cport[STACK_XTCP] = self->cport[STACK_XTCP];
	r.cport[STACK_TCP] = self->cport[STACK_TCP];
	ASSERT_GT(tshark_run(self->pcap, "tcp.flags.fin == 1", "frame.time_relative,ip.proto,tcp.srcport",
			     fin_cb, &r), 0) TH_LOG("tshark failed");
	for_each_stack(k) {
		char line[512];
		int l = 0;

		line[0] = 0;
		for (i = 1; i < r.n[k]; i++)
			l += snprintf(line + l, sizeof(line) - l, " %.3f", r.t[k][i] - r.t[k][i - 1]);
		rows[k] = proc_rows_ns(self->t.ns[SIDE_A], k, self->cport[k], 0, 0, NULL, 0);
		TH_LOG("%s: %d FINs, gaps (s):%s; %d sockets left after 4 s", stack_name(k), r.n[k],
		       line, rows[k]);
	}
	ASSERT_LE(3, r.n[STACK_TCP]);
	EXPECT_LE(r.n[STACK_TCP] - 1, r.n[STACK_XTCP]);
	EXPECT_GE(r.n[STACK_TCP] + 1, r.n[STACK_XTCP]);
	for (i = 1; i < 4 && i < r.n[STACK_TCP] && i < r.n[STACK_XTCP]; i++) {
		double gt = r.t[STACK_TCP][i] - r.t[STACK_TCP][i - 1];
		double gx = r.t[STACK_XTCP][i] - r.t[STACK_XTCP][i - 1];

		EXPECT_GE(gt * 1.3 + 0.15, gx) TH_LOG("gap %d", i);
		EXPECT_LE(gt * 0.7 - 0.15, gx) TH_LOG("gap %d", i);
	}
	EXPECT_EQ(0, rows[STACK_TCP]);
	EXPECT_EQ(0, rows[STACK_XTCP]);
}

/* vb down: A's (re)transmissions fail locally at the veth (NET_XMIT_DROP);
 * they are still retried and the connection still aborts with ETIMEDOUT
 * (retries2=3; Linux retries local failures every 500 ms) */
TEST_F_TIMEOUT(rto, local_drop_retried_then_etimedout, 60)
{
	double t_err[2];
	int k;

	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_both("retries2", "tcp_retries2", RETRIES2)));
	ASSERT_EQ(0, cut_and_send_x(self, 15, t_err, true));
	for_each_stack(k) {
		const char *name = stack_name(k);

		TH_LOG("%s: vb down: error after %.2f s, SO_ERROR %s; RetransSegs %ld", name,
		       t_err[k], errname(sock_getint(self->c[k], SOL_SOCKET, SO_ERROR)),
		       counter_ns(self->t.ns[SIDE_A], k, "RetransSegs"));
		EXPECT_GT(t_err[k], 0) TH_LOG("%s: no error within 15 s", name);
		if (t_err[k] < 0)
			sock_diag(name, self->c[k]);
	}
}

/* TCP_INFO during RTO recovery: tcpi_ca_state is TCP_CA_Loss (4, Linux's
 * enum tcp_ca_state), tcpi_retransmits and tcpi_backoff count the RTOs */
TEST_F_TIMEOUT(rto, tcp_info_ca_state_loss_after_rto, 60)
{
	double t_err[2];
	int k;

	/* 1 s without ACKs: a tail loss probe at ~0.2 s, RTOs at ~0.4 and
	 * ~0.8 s (both stacks) */
	ASSERT_EQ(0, cut_and_send(self, 1.0, t_err));
	for_each_stack(k) {
		const char *name = stack_name(k);
		struct tcp_info_full ti;

		ASSERT_EQ(0, sock_tcp_info(self->c[k], &ti));
		TH_LOG("%s: ca_state %u retransmits %u backoff %u total_retrans %u", name,
		       ti.tcpi_ca_state, ti.tcpi_retransmits, ti.tcpi_backoff,
		       ti.tcpi_total_retrans);
		EXPECT_EQ(4, ti.tcpi_ca_state) TH_LOG("%s", name);
		EXPECT_GE(ti.tcpi_retransmits, 1) TH_LOG("%s", name);
		EXPECT_GE(ti.tcpi_backoff, 1) TH_LOG("%s", name);
	}
}

XTCP_HARNESS_MAIN
