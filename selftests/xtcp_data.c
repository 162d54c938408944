// SPDX-License-Identifier: GPL-2.0
/*
 * Reliable byte stream basics, XTCP with the kernel's TCP as the reference
 * where it helps:
 *   - 64 MiB each way over one full-duplex connection (veth, no netem);
 *   - the side that received the peer's FIN (CLOSE_WAIT) still sends
 *     everything it has queued;
 *   - full duplex under loss: data segments carrying SACK blocks still
 *     fit the MTU (no IP FragFails, no stall);
 *   - over 127.0.0.1 (MTU 64 KB): a bulk transfer, and small unread
 *     segments that must not close the receive window;
 *   - a receiver with the smallest SO_RCVBUF (window below one MSS);
 *   - receive-buffer autotuning over a 5 ms link, and none once
 *     SO_RCVBUF is set;
 *   - checksums on the wire valid for tshark (tx checksum offload off);
 *   - GSO and GRO: the sender's OutSegs counts MSS-sized segments while
 *     the receiver gets skbs of several; with TSO and GSO off on the
 *     sending veth, MSS-sized segments on the wire, merged again by the
 *     receiving veth's GRO.
 * Every byte is checked against an offset-dependent pattern. Tests where
 * TCP is the reference run once per stack (stack.xtcp.NAME and
 * stack.tcp.NAME); the others (d.NAME) are XTCP's alone.
 *
 *   A 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B
 */
#include "xtcp_lib.h"
#include "kselftest_harness.h"

FIXTURE(d) {
	struct topo t;
	int fd[8];
};

FIXTURE_SETUP(d)
{
	int err, i;

	for (i = 0; i < 8; i++)
		self->fd[i] = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(d)
{
	int i;

	for (i = 0; i < 8; i++)
		sock_abort(self->fd[i]);
	topo_settle(&self->t, 3);
}

/* The same, for the tests run once per stack: stack.xtcp.NAME, stack.tcp.NAME */
FIXTURE(stack) {
	struct topo t;
	int c, s;
};

FIXTURE_VARIANT(stack) {
	enum stack stack;
};

STACK_VARIANTS(stack);

FIXTURE_SETUP(stack)
{
	int err;

	self->c = self->s = -1;
	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(stack)
{
	sock_abort(self->c);
	sock_abort(self->s);
	topo_settle(&self->t, 3);
}

/* 64 MiB A->B and 64 MiB B->A over one connection at the same time; the
 * FINs once both directions are complete (over TCP: the reference) */
TEST_F_TIMEOUT(stack, full_duplex_64mib, 150)
{
	enum stack st = variant->stack;
	struct flow fw, bw;
	double t0;
	int err;

	ASSERT_EQ(0, topo_pair(&self->t, st, 5100, NULL, &self->c, &self->s));
	t0 = now();
	err = xfer_duplex_x(self->c, self->s, 64 << 20, 64 << 20, 30, true, &fw, &bw);
	TH_LOG("64 MiB each way: %s %s in %.1f s (A->B %llu, B->A %llu bytes)", stack_name(st),
	       errname(err), now() - t0, (unsigned long long)fw.done, (unsigned long long)bw.done);
	if (st == STACK_TCP) {
		EXPECT_EQ(0, err) TH_LOG("the TCP reference failed: %s", errname(err));
		return;
	}
	EXPECT_EQ(0, err);
	EXPECT_EQ(64u << 20, fw.done);
	EXPECT_EQ(64u << 20, bw.done);
}

/* B got A's FIN (CLOSE_WAIT) and then sends 8 MiB and its FIN: A gets all
 * of it and EOF (Linux keeps sending in CLOSE_WAIT; ACKs there must still
 * release queued data) */
TEST_F_TIMEOUT(d, send_after_peer_fin, 60)
{
	struct flow r = { .seed = 9, .bytes = 8 << 20, .timeout_s = 20, .shut = true };
	struct flow s = { .seed = 9, .bytes = 8 << 20, .timeout_s = 20, .shut = true };
	pthread_t th;
	char c;

	ASSERT_EQ(0, topo_pair(&self->t, STACK_XTCP, 5200, NULL, &self->fd[0], &self->fd[1]));
	ASSERT_EQ(0, shutdown(self->fd[0], SHUT_WR));
	ASSERT_EQ(POLLIN, sock_poll(self->fd[1], POLLIN, 2000) & POLLIN);
	ASSERT_EQ(0, recv(self->fd[1], &c, 1, MSG_DONTWAIT));	/* EOF: CLOSE_WAIT */
	r.fd = self->fd[0];
	s.fd = self->fd[1];
	pthread_create(&th, NULL, flow_sender, &s);
	flow_receiver(&r);
	pthread_join(th, NULL);
	TH_LOG("sent %llu (%s), received %llu (%s) of %u", (unsigned long long)s.done,
	       errname(s.err), (unsigned long long)r.done, errname(r.err), 8 << 20);
	if (r.err)
		sock_diag("sender in CLOSE_WAIT", self->fd[1]);
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(8u << 20, r.done);
}

/* Full duplex with loss 2% both ways: both sides hold out-of-order data
 * and send SACK blocks on their data segments; those must still fit the
 * MTU (IP FragFails stays 0: a DF packet over the MTU is dropped there
 * with EMSGSIZE) and 4 MiB each way arrive */
TEST_F_TIMEOUT(d, full_duplex_under_loss_fits_mtu, 90)
{
	struct netem n = { .loss = 2 };
	struct flow fw, bw;
	long ffa, ffb;
	int err;

	ASSERT_EQ(0, topo_netem(&self->t, SIDE_A, &n));
	ASSERT_EQ(0, topo_netem(&self->t, SIDE_B, &n));
	ASSERT_EQ(0, topo_pair(&self->t, STACK_XTCP, 5300, NULL, &self->fd[0], &self->fd[1]));
	err = xfer_duplex_x(self->fd[0], self->fd[1], 4 << 20, 4 << 20, 20, true, &fw, &bw);
	ffa = TOPO_IN(&self->t, SIDE_A, counter_linux("snmp", "Ip:", "FragFails"));
	ffb = TOPO_IN(&self->t, SIDE_B, counter_linux("snmp", "Ip:", "FragFails"));
	TH_LOG("netem %s both ways: %s; A->B %llu, B->A %llu bytes; Ip FragFails A %ld B %ld",
	       netem_str(&n), errname(err), (unsigned long long)fw.done,
	       (unsigned long long)bw.done, ffa, ffb);
	EXPECT_EQ(0, ffa);
	EXPECT_EQ(0, ffb);
	EXPECT_EQ(0, err);
}

/* 4 MiB over 127.0.0.1 (MTU 65536: MSS ~64 KB, more than a default
 * receive window) */
TEST_F_TIMEOUT(stack, loopback_bulk_transfer, 60)
{
	enum stack kind = variant->stack;
	struct flow fw, bw;
	double t0;
	int err;

	ASSERT_EQ(0, pair_lo(kind, 5400, &self->c, &self->s));
	t0 = now();
	err = xfer_duplex_x(self->c, self->s, 4 << 20, 0, 10, true, &fw, &bw);
	TH_LOG("%s: 4 MiB over 127.0.0.1: %s, %llu bytes in %.1f s", stack_name(kind),
	       errname(err), (unsigned long long)fw.done, now() - t0);
	EXPECT_EQ(0, err);
}

/* Over 127.0.0.1: 10 bytes arrive and are not read; 10 more bytes are
 * sent: they arrive too (a tiny unread segment must not close the
 * receive window) */
TEST_F(stack, loopback_small_unread_segments)
{
	enum stack kind = variant->stack;
	int i, v, w;

	ASSERT_EQ(0, pair_lo(kind, 5500, &self->c, &self->s));
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(10, send(self->c, "0123456789", 10, 0));
		v = -1;
		for (w = 0; w < 100; w++) {
			ioctl(self->s, FIONREAD, &v);
			if (v >= 10 * i)
				break;
			msleep(10);
		}
		EXPECT_EQ(10 * i, v) TH_LOG("%s: write %d: %d bytes queued at the receiver "
					    "after 1 s", stack_name(kind), i, v);
	}
	if (v != 30)
		sock_diag(stack_name(kind), self->c);
}

/* The receiver's SO_RCVBUF at its minimum (the window stays below one
 * MSS): 256 KB still get through while the receiver reads */
TEST_F_TIMEOUT(stack, smallest_rcvbuf_transfer, 90)
{
	struct sock_opts o = { .rcvbuf = 1 };	/* the kernel raises it to its minimum */
	struct flow s = { .seed = 4, .bytes = 256 << 10, .timeout_s = 20, .shut = true };
	struct flow r = { .seed = 4, .bytes = 256 << 10, .timeout_s = 20, .shut = true };
	enum stack kind = variant->stack;
	pthread_t th;
	double t0;

	ASSERT_EQ(0, topo_pair(&self->t, kind, 5600, &o, &self->c, &self->s));
	s.fd = self->c;
	r.fd = self->s;
	t0 = now();
	pthread_create(&th, NULL, flow_sender, &s);
	flow_receiver(&r);
	pthread_join(th, NULL);
	TH_LOG("%s: receiver SO_RCVBUF %d: %llu of %llu bytes (%s) in %.1f s", stack_name(kind),
	       sock_getint(r.fd, SOL_SOCKET, SO_RCVBUF), (unsigned long long)r.done,
	       (unsigned long long)r.bytes, errname(r.err), now() - t0);
	if (r.err)
		sock_diag("sender", s.fd);
	EXPECT_EQ(0, r.err);
}

/*
 * Receive-buffer autotuning (Linux's tcp_moderate_rcvbuf): over a 5 ms
 * link, an 8 MiB transfer grows the receiver's SO_RCVBUF from rmem[1]
 * (at least doubled); a receiver whose SO_RCVBUF was set keeps it.
 */
TEST_F_TIMEOUT(stack, rcvbuf_autotuning, 120)
{
	const struct netem n = { .delay_ms = 5 };
	enum stack kind = variant->stack;
	int before[2], after[2], i;
	double secs[2];
	int c[2] = { -1, -1 }, sv[2] = { -1, -1 };

	ASSERT_EQ(0, topo_netem(&self->t, SIDE_A, &n));
	ASSERT_EQ(0, topo_netem(&self->t, SIDE_B, &n));
	for (i = 0; i < 2; i++) {
		struct sock_opts o = { .rcvbuf = i ? 131072 : 0 };
		struct flow fs = { .seed = 7, .bytes = 8 << 20, .timeout_s = 60, .shut = true };
		struct flow fr = { .seed = 7, .bytes = 8 << 20, .timeout_s = 60, .shut = true };
		pthread_t th;
		double t0;

		ASSERT_EQ(0, topo_pair(&self->t, kind, 5700 + i, &o, &c[i], &sv[i]));
		before[i] = sock_getint(sv[i], SOL_SOCKET, SO_RCVBUF);
		fs.fd = c[i];
		fr.fd = sv[i];
		t0 = now();
		pthread_create(&th, NULL, flow_sender, &fs);
		flow_receiver(&fr);
		pthread_join(th, NULL);
		secs[i] = now() - t0;
		after[i] = sock_getint(sv[i], SOL_SOCKET, SO_RCVBUF);
		EXPECT_EQ(0, fr.err) TH_LOG("%s: %s after %llu bytes", stack_name(kind),
					   errname(fr.err), (unsigned long long)fr.done);
	}
	TH_LOG("%s: receiver SO_RCVBUF %d -> %d in %.1f s; set to 131072: %d -> %d in %.1f s",
	       stack_name(kind), before[0], after[0], secs[0], before[1], after[1], secs[1]);
	EXPECT_LE(2 * before[0], after[0]);
	EXPECT_EQ(before[1], after[1]);
	for (i = 0; i < 2; i++) {
		sock_abort(c[i]);
		sock_abort(sv[i]);
	}
}

/* ------------------------------------------------------- checksums */

/* With tx checksum offload off on both veth ends, every XTCP segment on
 * the wire (IP protocol 253) decodes as TCP and its checksum (TCP
 * pseudo-header, protocol 6) is Good for tshark; 256 KB each way */
TEST_F_TIMEOUT(d, wire_checksums_valid, 120)
{
	struct tshark_csum cs = { 0 };
	struct flow fw, bw;
	struct pcap cap;
	char pcap[64];
	int err;

	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_A, nl_tx_csum("va", false)));
	ASSERT_EQ(0, TOPO_IN(&self->t, SIDE_B, nl_tx_csum("vb", false)));
	snprintf(pcap, sizeof(pcap), "/tmp/dt_csum.%d.pcap", getpid());
	ASSERT_EQ(0, pcap_start(&cap, self->t.ns[SIDE_A], "va", pcap, 0));
	ASSERT_EQ(0, topo_pair(&self->t, STACK_XTCP, 5700, NULL, &self->fd[0], &self->fd[1]));
	err = xfer_duplex_x(self->fd[0], self->fd[1], 256 << 10, 256 << 10, 10, true, &fw, &bw);
	EXPECT_EQ(0, err);
	msleep(100);
	pcap_stop(&cap);
	err = tshark_run(pcap, "ip.proto == 253", "tcp.checksum.status,tcp.len",
			tshark_csum_cb, &cs);
	unlink(pcap);
	ASSERT_GT(err, 0) TH_LOG("tshark failed or saw nothing");
	TH_LOG("%d XTCP segments (%d with data): checksum Good %d, Bad %d, other %d", cs.segs,
	       cs.data, cs.good, cs.bad, cs.other);
	EXPECT_GT(cs.data, 300);
	EXPECT_EQ(cs.segs, cs.good);
	EXPECT_EQ(0, cs.bad);
}

/* One bulk transfer A->B (@bytes, checked) on a new connection; the
 * sender's OutSegs and the receiver's InSegs it took.
 */
static int gso_round(struct topo *t, enum stack st, unsigned short port, uint64_t bytes,
		     long *out_a, long *in_b)
{
	long oa = counter_ns(t->ns[SIDE_A], st, "OutSegs");
	long ib = counter_ns(t->ns[SIDE_B], st, "InSegs");
	struct flow fw, bw;
	int c = -1, s = -1, err;

	err = topo_pair(t, st, port, NULL, &c, &s);
	if (!err)
		err = xfer_duplex_x(c, s, bytes, 0, 30, false, &fw, &bw);
	if (!err && fw.done != bytes)
		err = EPROTO;
	sock_abort(c);
	sock_abort(s);
	*out_a = counter_ns(t->ns[SIDE_A], st, "OutSegs") - oa;
	*in_b = counter_ns(t->ns[SIDE_B], st, "InSegs") - ib;
	return err;
}

/* Data segments to one port in a capture (tshark_run() callback):
 * fields tcp.dstport, tcp.len.
 */
struct wire_sizes {
	int port, max;			/* in: the port, the largest size allowed */
	long data, bytes, big;		/* out: data segments, bytes, over @max */
};

static void wire_sizes_cb(void *ctx, char **f, int nf)
{
	struct wire_sizes *w = ctx;
	long len;

	if (nf < 2 || atoi(f[0]) != w->port)
		return;
	len = atol(f[1]);
	if (!len)
		return;
	w->data++;
	w->bytes += len;
	if (len > w->max)
		w->big++;
}

/* GSO and GRO over veth, XTCP beside Linux TCP (the reference), over IPv4
 * or (@v6) IPv6:
 * 1. TSO on (veth's default): veth hands the sender's 64 KB GSO skbs to
 *    the receiver whole; OutSegs counts segments (Linux's
 *    tcp_skb_pcount()), at least 8 MiB / MSS of them, InSegs the skbs
 *    the receiver got (as Linux's): fewer than half as many.
 * 2. TSO and GSO off on va, GRO on vb: the core segments the GSO skbs in
 *    software (through XTCP's offload entry of that family) before the
 *    device, so the capture on va (decoded by tshark) sees segments of at
 *    most one MSS (timestamps on: 1448 bytes over IPv4, 1428 over IPv6),
 *    every one of 2 MiB, and vb's GRO (XTCP's gro_receive) merges them
 *    again: InSegs again fewer than half of OutSegs. Every byte is
 *    checked.
 */
static void gso_gro_check(struct __test_metadata *_metadata, struct topo *t,
			  enum stack st, bool v6)
{
	unsigned short port = v6 ? 5810 : 5800;
	struct wire_sizes w = { .port = port + 1, .max = v6 ? 1428 : 1448 };
	const char *fam = v6 ? "IPv6" : "IPv4";
	long out_a, in_b;
	struct pcap cap;
	char pcap[64];
	int err, n;

	if (v6) {
		ASSERT_EQ(0, topo_add6(t));
		t->v6 = true;
	}
	err = gso_round(t, st, port, 8 << 20, &out_a, &in_b);
	TH_LOG("%s over %s, TSO on: 8 MiB %s; sender OutSegs %ld, receiver InSegs %ld",
	       stack_name(st), fam, errname(err), out_a, in_b);
	ASSERT_EQ(0, err);
	if (st == STACK_XTCP) {
		EXPECT_GE(out_a, (8 << 20) / w.max);
		EXPECT_LT(in_b * 2, out_a) TH_LOG("no GSO skb reached the receiver");
	}

	ASSERT_EQ(0, TOPO_IN(t, SIDE_A, nl_no_gso("va")));
	ASSERT_EQ(0, TOPO_IN(t, SIDE_B, nl_gro("vb", true)));
	snprintf(pcap, sizeof(pcap), "/tmp/dt_gso%s.%d.pcap", v6 ? "6" : "", getpid());
	ASSERT_EQ(0, pcap_start(&cap, t->ns[SIDE_A], "va", pcap, 128));
	err = gso_round(t, st, port + 1, 2 << 20, &out_a, &in_b);
	msleep(100);
	pcap_stop(&cap);
	n = tshark_run(pcap, NULL, "tcp.dstport,tcp.len", wire_sizes_cb, &w);
	unlink(pcap);
	TH_LOG("%s over %s, TSO/GSO off on va, GRO on vb: 2 MiB %s; sender OutSegs %ld, "
	       "receiver InSegs %ld; on the wire %ld data segments, %ld bytes, %ld over %d bytes",
	       stack_name(st), fam, errname(err), out_a, in_b, w.data, w.bytes, w.big, w.max);
	ASSERT_EQ(0, err);
	ASSERT_GT(n, 0) TH_LOG("tshark failed or saw nothing");
	EXPECT_EQ(0, w.big);
	EXPECT_GE(w.bytes, 2 << 20);
	if (st == STACK_XTCP)
		EXPECT_LT(in_b * 2, out_a) TH_LOG("vb's GRO merged nothing");
}

TEST_F_TIMEOUT(stack, gso_gro_veth, 120)
{
	gso_gro_check(_metadata, &self->t, variant->stack, false);
}

TEST_F_TIMEOUT(stack, gso_gro_veth_ipv6, 120)
{
	gso_gro_check(_metadata, &self->t, variant->stack, true);
}

XTCP_HARNESS_MAIN
