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
 *   - checksums on the wire valid for tshark (tx checksum offload off).
 * Every byte is checked against an offset-dependent pattern.
 *
 *   A 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B
 */
#define DT_LIB_NO_MAIN
#include "helpers/dt_lib.c"
#include "kselftest_harness.h"

FIXTURE(d) {
	struct dt_topo t;
	int fd[8];
};

FIXTURE_SETUP(d)
{
	int err, i;

	for (i = 0; i < 8; i++)
		self->fd[i] = -1;
	err = dt_topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
}

FIXTURE_TEARDOWN(d)
{
	int i;

	for (i = 0; i < 8; i++)
		dt_abort(self->fd[i]);
	dt_settle(&self->t, 3);
}

/* 64 MiB A->B and 64 MiB B->A over one connection at the same time; the
 * FINs once both directions are complete */
TEST_F_TIMEOUT(d, full_duplex_64mib, 150)
{
	struct dt_flow fw, bw;
	double t0, tx, tt;
	int err;

	ASSERT_EQ(0, dt_pair(&self->t, DT_TCP, 5100, NULL, &self->fd[0], &self->fd[1]));
	t0 = dt_now();
	err = dt_duplex_x(self->fd[0], self->fd[1], 64 << 20, 64 << 20, 30, true, &fw, &bw);
	tt = dt_now() - t0;
	EXPECT_EQ(0, err) TH_LOG("the TCP reference failed: %s", dt_errname(err));
	ASSERT_EQ(0, dt_pair(&self->t, DT_XTCP, 5101, NULL, &self->fd[2], &self->fd[3]));
	t0 = dt_now();
	err = dt_duplex_x(self->fd[2], self->fd[3], 64 << 20, 64 << 20, 30, true, &fw, &bw);
	tx = dt_now() - t0;
	TH_LOG("64 MiB each way: XTCP %s in %.1f s (A->B %llu, B->A %llu bytes); TCP %.1f s",
	       dt_errname(err), tx, (unsigned long long)fw.done, (unsigned long long)bw.done, tt);
	EXPECT_EQ(0, err);
	EXPECT_EQ(64u << 20, fw.done);
	EXPECT_EQ(64u << 20, bw.done);
}

/* B got A's FIN (CLOSE_WAIT) and then sends 8 MiB and its FIN: A gets all
 * of it and EOF (Linux keeps sending in CLOSE_WAIT; ACKs there must still
 * release queued data) */
TEST_F_TIMEOUT(d, send_after_peer_fin, 60)
{
	struct dt_flow r = { .seed = 9, .bytes = 8 << 20, .timeout_s = 20, .shut = true };
	struct dt_flow s = { .seed = 9, .bytes = 8 << 20, .timeout_s = 20, .shut = true };
	pthread_t th;
	char c;

	ASSERT_EQ(0, dt_pair(&self->t, DT_XTCP, 5200, NULL, &self->fd[0], &self->fd[1]));
	ASSERT_EQ(0, shutdown(self->fd[0], SHUT_WR));
	ASSERT_EQ(POLLIN, dt_poll(self->fd[1], POLLIN, 2000) & POLLIN);
	ASSERT_EQ(0, recv(self->fd[1], &c, 1, MSG_DONTWAIT));	/* EOF: CLOSE_WAIT */
	r.fd = self->fd[0];
	s.fd = self->fd[1];
	pthread_create(&th, NULL, dt_sender, &s);
	dt_receiver(&r);
	pthread_join(th, NULL);
	TH_LOG("sent %llu (%s), received %llu (%s) of %u", (unsigned long long)s.done,
	       dt_errname(s.err), (unsigned long long)r.done, dt_errname(r.err), 8 << 20);
	if (r.err)
		dt_diag("sender in CLOSE_WAIT", self->fd[1]);
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
	struct dt_netem n = { .loss = 2 };
	struct dt_flow fw, bw;
	long ffa, ffb;
	int err;

	ASSERT_EQ(0, dt_topo_netem(&self->t, DT_A, &n));
	ASSERT_EQ(0, dt_topo_netem(&self->t, DT_B, &n));
	ASSERT_EQ(0, dt_pair(&self->t, DT_XTCP, 5300, NULL, &self->fd[0], &self->fd[1]));
	err = dt_duplex_x(self->fd[0], self->fd[1], 4 << 20, 4 << 20, 20, true, &fw, &bw);
	ffa = DT_IN(&self->t, DT_A, dt_linux_stat("snmp", "Ip:", "FragFails"));
	ffb = DT_IN(&self->t, DT_B, dt_linux_stat("snmp", "Ip:", "FragFails"));
	TH_LOG("netem %s both ways: %s; A->B %llu, B->A %llu bytes; Ip FragFails A %ld B %ld",
	       dt_netem_str(&n), dt_errname(err), (unsigned long long)fw.done,
	       (unsigned long long)bw.done, ffa, ffb);
	EXPECT_EQ(0, ffa);
	EXPECT_EQ(0, ffb);
	EXPECT_EQ(0, err);
}

/* 4 MiB over 127.0.0.1 (MTU 65536: MSS ~64 KB, more than a default
 * receive window) */
TEST_F_TIMEOUT(d, loopback_bulk_transfer, 60)
{
	struct dt_flow fw, bw;
	int err, k;

	for (k = 0; k < 2; k++) {
		int kind = k ? DT_XTCP : DT_TCP;
		double t0;

		ASSERT_EQ(0, dt_pair_lo(kind, 5400, &self->fd[2 * k], &self->fd[2 * k + 1]));
		t0 = dt_now();
		err = dt_duplex_x(self->fd[2 * k], self->fd[2 * k + 1], 4 << 20, 0, 10, true,
				  &fw, &bw);
		TH_LOG("%s: 4 MiB over 127.0.0.1: %s, %llu bytes in %.1f s", dt_name(kind),
		       dt_errname(err), (unsigned long long)fw.done, dt_now() - t0);
		EXPECT_EQ(0, err);
	}
}

/* Over 127.0.0.1: 10 bytes arrive and are not read; 10 more bytes are
 * sent: they arrive too (a tiny unread segment must not close the
 * receive window) */
TEST_F(d, loopback_small_unread_segments)
{
	int k, i, v;

	for (k = 0; k < 2; k++) {
		int kind = k ? DT_XTCP : DT_TCP;
		int c, s;

		ASSERT_EQ(0, dt_pair_lo(kind, 5500, &self->fd[2 * k], &self->fd[2 * k + 1]));
		c = self->fd[2 * k];
		s = self->fd[2 * k + 1];
		for (i = 1; i <= 3; i++) {
			ASSERT_EQ(10, send(c, "0123456789", 10, 0));
			v = -1;
			for (int w = 0; w < 100; w++) {
				ioctl(s, FIONREAD, &v);
				if (v >= 10 * i)
					break;
				dt_msleep(10);
			}
			EXPECT_EQ(10 * i, v) TH_LOG("%s: write %d: %d bytes queued at the receiver "
						    "after 1 s", dt_name(kind), i, v);
		}
		if (v != 30)
			dt_diag(dt_name(kind), c);
	}
}

/* The receiver's SO_RCVBUF at its minimum (the window stays below one
 * MSS): 256 KB still get through while the receiver reads */
TEST_F_TIMEOUT(d, smallest_rcvbuf_transfer, 90)
{
	struct dt_opts o = { .rcvbuf = 1 };	/* the kernel raises it to its minimum */
	int k;

	for (k = 0; k < 2; k++) {
		int kind = k ? DT_XTCP : DT_TCP;
		struct dt_flow s = { .seed = 4, .bytes = 256 << 10, .timeout_s = 20, .shut = true };
		struct dt_flow r = { .seed = 4, .bytes = 256 << 10, .timeout_s = 20, .shut = true };
		pthread_t th;
		double t0;

		ASSERT_EQ(0, dt_pair(&self->t, kind, 5600 + k, &o, &self->fd[2 * k],
				     &self->fd[2 * k + 1]));
		s.fd = self->fd[2 * k];
		r.fd = self->fd[2 * k + 1];
		t0 = dt_now();
		pthread_create(&th, NULL, dt_sender, &s);
		dt_receiver(&r);
		pthread_join(th, NULL);
		TH_LOG("%s: receiver SO_RCVBUF %d: %llu of %llu bytes (%s) in %.1f s", dt_name(kind),
		       dt_getint(r.fd, SOL_SOCKET, SO_RCVBUF), (unsigned long long)r.done,
		       (unsigned long long)r.bytes, dt_errname(r.err), dt_now() - t0);
		if (r.err)
			dt_diag("sender", s.fd);
		EXPECT_EQ(0, r.err);
	}
}

/* ------------------------------------------------------- checksums */

struct csum_stat {
	int segs, good, bad, other, data;
};

static void csum_cb(void *ctx, char **f, int nf)
{
	struct csum_stat *c = ctx;

	if (nf < 3)
		return;
	c->segs++;
	if (!strcmp(f[0], "1"))
		c->good++;
	else if (!strcmp(f[0], "0"))
		c->bad++;
	else
		c->other++;
	if (atoi(f[1]) > 0)
		c->data++;
}

/* With tx checksum offload off on both veth ends, every XTCP segment on
 * the wire (IP protocol 253) decodes as TCP and its checksum (TCP
 * pseudo-header, protocol 6) is Good for tshark; 256 KB each way */
TEST_F_TIMEOUT(d, wire_checksums_valid, 120)
{
	struct csum_stat cs = { 0 };
	struct dt_flow fw, bw;
	struct dt_cap cap;
	char pcap[64];
	int err;

	ASSERT_EQ(0, DT_IN(&self->t, DT_A, nl_tx_csum("va", false)));
	ASSERT_EQ(0, DT_IN(&self->t, DT_B, nl_tx_csum("vb", false)));
	snprintf(pcap, sizeof(pcap), "/tmp/dt_csum.%d.pcap", getpid());
	ASSERT_EQ(0, dt_cap_start(&cap, self->t.ns[DT_A], "va", pcap, 0));
	ASSERT_EQ(0, dt_pair(&self->t, DT_XTCP, 5700, NULL, &self->fd[0], &self->fd[1]));
	err = dt_duplex_x(self->fd[0], self->fd[1], 256 << 10, 256 << 10, 10, true, &fw, &bw);
	EXPECT_EQ(0, err);
	dt_msleep(100);
	dt_cap_stop(&cap);
	err = dt_tshark(pcap, "ip.proto == 253", "tcp.checksum.status,tcp.len,tcp.srcport",
			csum_cb, &cs);
	unlink(pcap);
	ASSERT_GT(err, 0) TH_LOG("tshark failed or saw nothing");
	TH_LOG("%d XTCP segments (%d with data): checksum Good %d, Bad %d, other %d", cs.segs,
	       cs.data, cs.good, cs.bad, cs.other);
	EXPECT_GT(cs.data, 300);
	EXPECT_EQ(cs.segs, cs.good);
	EXPECT_EQ(0, cs.bad);
}

TEST_HARNESS_MAIN
