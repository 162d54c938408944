// SPDX-License-Identifier: GPL-2.0
/*
 * Flow control with a receiver that stops reading, over XTCP and, as the
 * reference, the kernel's TCP (variants xtcp and tcp):
 *   - the sender gets EAGAIN (non-blocking) or blocks (blocking) once the
 *     buffers are full, and stays so while the receiver does not read;
 *   - the receiver's memory stays bounded by its SO_RCVBUF (SO_MEMINFO
 *     rmem_alloc, rx_queue of /proc/net/xtcp);
 *   - reading again resumes the transfer and no byte is lost;
 *   - on the wire (tshark, XTCP and TCP in one capture): the receiver
 *     advertises window 0 and the sender probes it (Wireshark flags the
 *     probes tcp.analysis.zero_window_probe or tcp.analysis.keep_alive;
 *     XTCP's probe is an ACK with seq = snd_una - 1 and no data), with
 *     growing intervals, and the receiver answers.
 *
 *   A "sender" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "receiver"
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#include <linux/sock_diag.h>

#define RCVBUF 65536		/* SO_RCVBUF asked for; the kernel doubles it */

FIXTURE(zw) {
	struct topo t;
	int c, s;
};

FIXTURE_VARIANT(zw) {
	enum stack stack;
};

STACK_VARIANTS(zw);

FIXTURE_SETUP(zw)
{
	struct sock_opts o = { .rcvbuf = RCVBUF };
	int err;

	self->c = self->s = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	err = topo_pair(&self->t, variant->stack, 6300, &o, &self->c, &self->s);
	ASSERT_EQ(0, err) TH_LOG("%s pair: %s", stack_name(variant->stack), strerror(err));
}

FIXTURE_TEARDOWN(zw)
{
	sock_abort(self->c);
	sock_abort(self->s);
	topo_settle(&self->t, 3);
}

/* read everything queued at @fd until @want bytes (stream @seed) */
static int drain_check(int fd, uint64_t seed, uint64_t want, int ms)
{
	struct flow r = { .fd = fd, .seed = seed, .bytes = want, .timeout_s = ms / 1000 };

	flow_receiver(&r);
	if (r.err)
		printf("# receiver: %s after %llu of %llu bytes\n", errname(r.err),
		       (unsigned long long)r.done, (unsigned long long)want);
	return r.err;
}

/* Non-blocking sender, receiver not reading: EAGAIN once the buffers are
 * full, still EAGAIN a second later (nothing more leaves) */
TEST_F(zw, nonblocking_sender_gets_eagain)
{
	char b[1024];
	size_t tot;
	int o1, o2;

	ASSERT_EQ(0, sock_nonblock(self->c, 1));
	tot = sock_fill(self->c, 1, 0, 500);
	ASSERT_GT(tot, 0);
	ioctl(self->c, SIOCOUTQ, &o1);
	msleep(1000);
	pattern_fill(1, tot, b, sizeof(b));
	EXPECT_EQ(-1, send(self->c, b, sizeof(b), 0));
	EXPECT_EQ(EAGAIN, errno);
	ioctl(self->c, SIOCOUTQ, &o2);
	TH_LOG("%s: %zu bytes accepted; SIOCOUTQ %d then %d", stack_name(variant->stack), tot, o1, o2);
	EXPECT_EQ(o1, o2);
	EXPECT_EQ(0, drain_check(self->s, 1, tot, 10000));
}

struct bsend {
	int fd;
	size_t len;
	volatile size_t done;
	volatile bool finished;
	int err;
};

static void *bsend_fn(void *arg)
{
	struct bsend *b = arg;
	static char buf[1 << 20];

	while (b->done < b->len) {
		size_t n = b->len - b->done < sizeof(buf) ? b->len - b->done : sizeof(buf);
		ssize_t w;

		pattern_fill(2, b->done, buf, n);
		w = send(b->fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0) {
			b->err = errno;
			break;
		}
		b->done += w;
	}
	b->finished = true;
	return NULL;
}

/* Blocking sender: send() blocks while the receiver does not read, and
 * completes once it reads; every byte arrives */
TEST_F(zw, blocking_sender_blocks_until_read)
{
	struct bsend b = { .fd = self->c, .len = 8 << 20 };
	pthread_t th;
	size_t d1;
	int err;

	pthread_create(&th, NULL, bsend_fn, &b);
	msleep(1500);
	d1 = b.done;
	EXPECT_FALSE(b.finished);
	msleep(500);
	EXPECT_EQ(d1, b.done) TH_LOG("the sender progressed while nobody read");
	TH_LOG("%s: blocked after %zu bytes returned by send()", stack_name(variant->stack), d1);
	err = drain_check(self->s, 2, b.len, 30000);
	pthread_join(th, NULL);
	EXPECT_EQ(0, err);
	EXPECT_TRUE(b.finished);
	EXPECT_EQ(b.len, b.done);
	EXPECT_EQ(0, b.err);
}

/* The receiver's memory stays bounded by SO_RCVBUF while it does not read */
TEST_F(zw, receiver_memory_bounded_by_rcvbuf)
{
	uint32_t mi[SK_MEMINFO_VARS], mi2[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);
	struct proc_row row;
	int rcvbuf, n;
	size_t tot;

	rcvbuf = sock_getint(self->s, SOL_SOCKET, SO_RCVBUF);
	ASSERT_EQ(0, sock_nonblock(self->c, 1));
	tot = sock_fill(self->c, 1, 0, 500);
	msleep(300);
	memset(mi, 0, sizeof(mi));
	ASSERT_EQ(0, getsockopt(self->s, SOL_SOCKET, SO_MEMINFO, mi, &len));
	n = proc_rows_ns(self->t.ns[SIDE_B], variant->stack, 6300, 0, 0, &row, 1);
	ASSERT_EQ(1, n);
	TH_LOG("%s: SO_RCVBUF %d; sender queued %zu; receiver rmem_alloc %u rx_queue %u",
	       stack_name(variant->stack), rcvbuf, tot, mi[SK_MEMINFO_RMEM_ALLOC], row.rxq);
	EXPECT_LE(row.rxq, (unsigned int)rcvbuf);
	EXPECT_LE(mi[SK_MEMINFO_RMEM_ALLOC], (unsigned int)rcvbuf + 65536);
	EXPECT_GT(row.rxq, 0);
	/* a second later: the same */
	msleep(1000);
	len = sizeof(mi2);
	ASSERT_EQ(0, getsockopt(self->s, SOL_SOCKET, SO_MEMINFO, mi2, &len));
	EXPECT_LE(mi2[SK_MEMINFO_RMEM_ALLOC], (unsigned int)rcvbuf + 65536);
	EXPECT_EQ(mi[SK_MEMINFO_RMEM_ALLOC], mi2[SK_MEMINFO_RMEM_ALLOC]);
	EXPECT_EQ(0, drain_check(self->s, 1, tot, 10000));
}

/* After a zero-window stall of 2 s, reading resumes the transfer: 16 MiB
 * arrive intact */
TEST_F(zw, reading_resumes_transfer)
{
	struct flow s = { .fd = self->c, .seed = 3, .bytes = 16 << 20, .timeout_s = 20 };
	struct flow r = { .fd = self->s, .seed = 3, .bytes = 16 << 20, .timeout_s = 20 };
	pthread_t ts;

	pthread_create(&ts, NULL, flow_sender, &s);
	msleep(2000);
	flow_receiver(&r);
	pthread_join(ts, NULL);
	TH_LOG("%s: sent %llu, received %llu", stack_name(variant->stack),
	       (unsigned long long)s.done, (unsigned long long)r.done);
	EXPECT_EQ(0, s.err) TH_LOG("sender: %s", errname(s.err));
	EXPECT_EQ(0, r.err) TH_LOG("receiver: %s", errname(r.err));
	EXPECT_EQ(s.bytes, r.done);
	if (r.err)
		sock_diag("sender", self->c);
}

/* A reader that pauses for 6 s does not kill the connection, even with
 * retries2=3 (net.xtcp.retries2 / net.ipv4.tcp_retries2 on the sender's
 * side: ~3 s of unanswered retransmissions would abort): the receiver
 * keeps answering, the window is probed, not retransmitted into */
TEST_F_TIMEOUT(zw, slow_reader_does_not_abort, 60)
{
	size_t tot;
	int err;

	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, sysctl_both("retries2", "tcp_retries2", 3)));
	ASSERT_EQ(0, sock_nonblock(self->c, 1));
	tot = sock_fill(self->c, 6, 0, 300);
	msleep(6000);
	err = sock_getint(self->c, SOL_SOCKET, SO_ERROR);
	EXPECT_EQ(0, err) TH_LOG("%s sender: SO_ERROR %s after the pause", stack_name(variant->stack),
				 errname(err));
	TH_LOG("%s: sender RetransSegs %ld TCPTimeouts %ld TCPAbortOnTimeout %ld",
	       stack_name(variant->stack), counter_ns(self->t.ns[SIDE_A], variant->stack, "RetransSegs"),
	       counter_ns(self->t.ns[SIDE_A], variant->stack, "TCPTimeouts"),
	       counter_ns(self->t.ns[SIDE_A], variant->stack, "TCPAbortOnTimeout"));
	EXPECT_EQ(0, drain_check(self->s, 6, tot, 10000));
}

/* ------------------------------------------------------- on the wire */

struct zwpkt {
	double t;
	int proto, sport, dport;
	long seq, ack, len, win;
	bool zw, zwp, ka;
};

struct zwcap {
	struct zwpkt p[20000];
	int n;
};

static void zw_cb(void *ctx, char **f, int nf)
{
	struct zwcap *z = ctx;
	struct zwpkt *p;

	if (nf < 12 || z->n >= 20000)
		return;
	p = &z->p[z->n++];
	p->t = atof(f[0]);
	p->proto = atoi(f[1]);
	p->sport = atoi(f[2]);
	p->dport = atoi(f[3]);
	p->seq = atol(f[4]);
	p->ack = atol(f[5]);
	p->len = atol(f[6]);
	p->win = atol(f[7]);
	p->zw = *f[8];
	p->zwp = *f[9];
	p->ka = *f[10];
	(void)f[11];
}

/*
 * XTCP and TCP side by side: each sender fills the receiver, which does
 * not read for 3.5 s, then reads everything. In the capture (tshark):
 * the receiver advertises window 0, the sender probes while it is 0 (at
 * least 3 probes, each interval longer than the previous one, the first
 * >= 200 ms), XTCP's probes are ACKs without data with seq = snd_una - 1,
 * the receiver answers probes, and the data flows again after the read.
 */
TEST(zero_window_probes_on_the_wire)
{
	static struct zwcap z;
	struct sock_opts o = { .rcvbuf = RCVBUF };
	struct topo t;
	int c[2], s[2], k, err, i;
	size_t tot[2];
	unsigned short cport[2];
	struct pcap cap;
	char pcap[64];

	err = topo_init(&t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	snprintf(pcap, sizeof(pcap), "/tmp/dt_zw.%d.pcap", getpid());
	ASSERT_EQ(0, pcap_start(&cap, t.ns[SIDE_A], "va", pcap, 128));
	for_each_stack(k) {
		err = topo_pair(&t, k, 6400 + k, &o, &c[k], &s[k]);
		ASSERT_EQ(0, err) TH_LOG("pair: %s", strerror(err));
		cport[k] = sock_local_port(c[k]);
		ASSERT_EQ(0, sock_nonblock(c[k], 1));
	}
	for_each_stack(k)
		tot[k] = sock_fill(c[k], 4, 0, 200);
	msleep(3500);
	sock_diag("XTCP sender after 3.5 s", c[STACK_XTCP]);
	sock_diag("XTCP receiver after 3.5 s", s[STACK_XTCP]);
	for_each_stack(k)
		printf("# %s during the stall: sender RetransSegs %ld TCPTimeouts %ld, receiver "
		       "TCPRcvQDrop %ld TCPOFODrop %ld\n", stack_name(k),
		       counter_ns(t.ns[SIDE_A], k, "RetransSegs"),
		       counter_ns(t.ns[SIDE_A], k, "TCPTimeouts"),
		       counter_ns(t.ns[SIDE_B], k, "TCPRcvQDrop"),
		       counter_ns(t.ns[SIDE_B], k, "TCPOFODrop"));
	for_each_stack(k) {
		err = drain_check(s[k], 4, tot[k], 10000);
		EXPECT_EQ(0, err) TH_LOG("%s", stack_name(k));
		if (err)
			sock_diag(k == STACK_TCP ? "TCP sender" : "XTCP sender", c[k]);
		/* and the flow goes on */
		{
			struct flow sf = { .fd = c[k], .seed = 4, .bytes = 1 << 20, .timeout_s = 10 };
			struct flow rf = { .fd = s[k], .seed = 4, .bytes = 1 << 20, .timeout_s = 10 };
			pthread_t th;

			/* continue the stream where it stopped */
			sf.done = tot[k];
			sf.bytes = tot[k] + (1 << 20);
			rf.done = tot[k];
			rf.bytes = tot[k] + (1 << 20);
			pthread_create(&th, NULL, flow_sender, &sf);
			flow_receiver(&rf);
			pthread_join(th, NULL);
			EXPECT_EQ(0, rf.err) TH_LOG("%s after the stall: %s", stack_name(k),
						    errname(rf.err));
		}
	}
	pcap_stop(&cap);
	for_each_stack(k) {
		sock_abort(c[k]);
		sock_abort(s[k]);
	}

	z.n = 0;
	err = tshark_run(pcap, "tcp",
			"frame.time_relative,ip.proto,tcp.srcport,tcp.dstport,tcp.seq,tcp.ack,"
			"tcp.len,tcp.window_size,tcp.analysis.zero_window,"
			"tcp.analysis.zero_window_probe,tcp.analysis.keep_alive,tcp.flags",
			zw_cb, &z);
	unlink(pcap);
	ASSERT_GT(err, 0) TH_LOG("tshark failed");
	for_each_stack(k) {
		int proto = stack_proto(k), zwacks = 0, probes = 0;
		int answered = 0, seqok = 0, growing = 0, nr = 0, j;
		double first_zw = -1, pt[64], last_data = -1;
		static double rt[20000];
		long rack = -1;
		const char *name = stack_name(k);

		for (i = 0; i < z.n; i++) {
			struct zwpkt *p = &z.p[i];

			if (p->proto != proto)
				continue;
			if (p->dport == cport[k]) {		/* from the receiver */
				rack = p->ack;
				if (p->zw) {
					zwacks++;
					if (first_zw < 0)
						first_zw = p->t;
				}
				rt[nr++] = p->t;
				continue;
			}
			if (p->sport != cport[k])
				continue;
			if (first_zw >= 0 && (p->zwp || p->ka) && last_data < 0) {
				if (probes < 64)
					pt[probes] = p->t;
				probes++;
				if (p->len == 0 && p->seq == rack - 1)
					seqok++;
				if (p->len == 1 && p->seq == rack)
					seqok++;	/* Linux may send a 1-byte probe */
			} else if (first_zw >= 0 && probes && p->len > 0 && !p->zwp) {
				last_data = p->t;	/* data again: the stall is over */
			}
		}
		/* answered: the receiver sent something after the probe and
		 * before the next one (within 1 s for the last) */
		for (i = 0; i < probes && i < 64; i++) {
			double end = i + 1 < probes && i + 1 < 64 ? pt[i + 1] : pt[i] + 1;

			for (j = 0; j < nr; j++)
				if (rt[j] >= pt[i] && rt[j] < end) {
					answered++;
					break;
				}
		}
		for (i = 2; i < probes && i < 64; i++)
			growing += pt[i] - pt[i - 1] > (pt[i - 1] - pt[i - 2]) * 1.3;
		printf("# %s: %d zero-window ACKs, %d probes (%d with the expected seq), %d answered\n",
		       name, zwacks, probes, seqok, answered);
		for (i = 0; i < probes && i < 64; i++)
			printf("#   probe %d at %.3f s (+%.3f)\n", i, pt[i] - first_zw,
			       i ? pt[i] - pt[i - 1] : pt[i] - first_zw);
		EXPECT_GT(zwacks, 0) TH_LOG("%s: no zero window advertised", name);
		EXPECT_GE(probes, 3) TH_LOG("%s: too few window probes", name);
		EXPECT_EQ(probes, seqok) TH_LOG("%s: probes with unexpected seq/len", name);
		/* Linux answers out-of-window segments at most every 500 ms
		 * (tcp_invalid_ratelimit): not every probe gets an answer */
		EXPECT_GE(answered, 1) TH_LOG("%s: no probe answered", name);
		if (!answered || probes < 3) {
			int m = 0, from = 0, cnt = 0;

			/* the packets from the first zero window on, or the last 20 */
			for (i = 0; i < z.n; i++)
				cnt += z.p[i].proto == proto;
			for (i = 0; i < z.n && m < 40; i++) {
				struct zwpkt *p = &z.p[i];

				if (p->proto != proto)
					continue;
				if (first_zw < 0 ? from++ < cnt - 20 : p->t < first_zw - 0.01)
					continue;
				printf("#   %.3f %s seq %ld ack %ld len %ld win %ld%s%s%s\n",
				       p->t - (first_zw < 0 ? 0 : first_zw), p->sport == cport[k] ? "A>B" : "B>A",
				       p->seq, p->ack, p->len, p->win, p->zw ? " ZW" : "",
				       p->zwp ? " ZWP" : "", p->ka ? " KA" : "");
				m++;
			}
		}
		if (probes >= 3) {
			EXPECT_GE(pt[0] - first_zw, 0.18);
			EXPECT_EQ(probes - 2 > 62 ? 62 : probes - 2, growing)
				TH_LOG("%s: probe intervals do not grow", name);
		}
		if (zwacks)
			EXPECT_GT(last_data, 0) TH_LOG("%s: no data after the stall", name);
	}
	topo_settle(&t, 3);
}

XTCP_HARNESS_MAIN
