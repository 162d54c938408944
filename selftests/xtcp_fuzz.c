// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP segment fuzzer (issue #9 item 5).
 *
 *   A "fuzzer + peers" 10.0.0.1 va  <--- veth --->  vb 10.0.0.2 B "victim"
 *
 * B holds XTCP sockets in every state: LISTEN (port 9000), SYN_RECV
 * (requests from SYNs the fuzzer sends from the spoofed 10.0.0.99, whose
 * SYN-ACKs go to a made-up MAC and are never answered), and connections
 * accepted on port 9002 from XTCP peers in A, driven into and held in
 * ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, LAST_ACK, CLOSING and
 * TIME_WAIT (FIN_WAIT1, LAST_ACK and CLOSING: the peer's receive window is
 * full, so the victim's FIN stays queued behind data). One more connection,
 * the "guarded" stream (port 9001), carries a paced byte pattern both ways
 * while the fuzzer runs; every byte is checked.
 *
 * A packet socket on vb sees both directions: the victim's segments give
 * each 4-tuple's rcv_nxt (its ACK), snd_nxt and window; the peers' give
 * snd_una. The fuzzer (in A) sends, from a seeded xorshift PRNG, segments
 * to those 4-tuples and to random ones: random flags (all 256 in turn),
 * sequence/ack numbers at, just inside, just outside and far from the
 * windows, malformed options, bad data offsets, tiny and MTU-sized
 * payloads, wrong checksums, IP fragments (in order, shuffled, incomplete,
 * overlapping, duplicated, a tiny first one), spoofed ports. Well-formed IP
 * packets go through a raw IP_HDRINCL socket (raw_open: the kernel
 * routes them and fills in tot_len); packets with a bad IP header (length
 * too short or too long, bad IHL, version or checksum, IP options, cut
 * short) go out of va through a packet socket. The guarded stream is only
 * sent segments a correct TCP must drop (wholly old or far-future
 * sequence numbers), so its bytes must arrive intact. The fuzzer's packets
 * carry TTL 33 so the capture tells them from the peers'. Slots whose
 * state the fuzzer changed are rebuilt every second.
 *
 * Environment: XTCP_FUZZ_SEED (default: time and pid; always printed),
 * XTCP_FUZZ_COUNT segments (default FZ_COUNT), XTCP_FUZZ_SECS time bound
 * (default FZ_SECS). To replay: the same seed and count.
 *
 * Checks at the end: the guarded stream arrived intact both ways; no storm
 * (a 3 s quiet window after the fuzzing with every slot still open: no
 * 4-tuple carries more than FZ_QUIET_FLOW segments; over the fuzz window
 * the peers sent at most one segment per fuzz segment plus their own
 * traffic, and the victim at most FZ_AMP per segment it received); every
 * victim socket is gone within 60 s of closing them all
 * (tw_timeout=1, fin_timeout=2); the victim's namespace can be deleted
 * (its veth peer disappears). The runner then checks rmmod and dmesg.
 */
#include "xtcp_lib.h"
#include <linux/filter.h>
#include "kselftest_harness.h"

#define FZ_COUNT	300000	/* default segments per run: ~60 s under TCG */
#define FZ_SECS		150	/* default time bound of the fuzz loop */
#define FZ_TTL		33	/* marks the fuzzer's packets in the capture */
#define FZ_QUIET_FLOW	150	/* segments one 4-tuple may carry in the quiet 3 s */
#define FZ_AMP		4	/* victim segments per segment it received */

/* xtcp_lib.h's topology: the fuzzer and peers are IP_A, the victim IP_B,
 * spoofed sources that never answer IP_SILENT */
#define PORT_L		9000		/* victim listener under fuzz */
#define PORT_G		9001		/* guarded stream */
#define PORT_S		9002		/* victim listener of the state slots */

enum {
	K_LISTEN, K_RANDOM, K_SYNRECV, K_GUARD, K_EST, K_FW1, K_FW2, K_CW,
	K_LA, K_CLOSING, K_TW, K_NKIND
};
static const char *const kind_name[K_NKIND] = {
	"LISTEN", "random", "SYN_RECV", "guarded", "ESTABLISHED", "FIN_WAIT1",
	"FIN_WAIT2", "CLOSE_WAIT", "LAST_ACK", "CLOSING", "TIME_WAIT",
};
static const int kind_state[K_NKIND] = {
	0, 0, ST_SYN_RECV, ST_ESTABLISHED, ST_ESTABLISHED, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_CLOSE_WAIT, ST_LAST_ACK, ST_CLOSING, ST_TIME_WAIT,
};
/* how many slots of each kind */
static const int kind_count[K_NKIND] = { 1, 1, 4, 1, 2, 1, 1, 1, 1, 1, 2 };
#define NSLOT 16

enum {
	FC_FLAGS, FC_SEQ, FC_OPTS, FC_DOFF, FC_SIZE, FC_CSUM, FC_FRAG,
	FC_IPBAD, FC_SPOOF, FC_SYN, FC_N
};
static const char *const class_name[FC_N] = {
	"flags", "seq/ack", "options", "doff", "size", "checksum", "fragments",
	"bad-ip", "spoofed-port", "syn",
};

struct slot {
	int kind;
	int afd, bfd;			/* peer fd (A), victim fd (B); -1: none */
	uint32_t saddr;			/* peer address, network order */
	uint16_t aport, bport;		/* peer port, victim port */
	uint32_t isn;			/* our ISN (SYN_RECV) */
	/* from the capture */
	bool v_seen, p_seen;
	uint32_t v_nxt;			/* victim's snd_nxt */
	uint32_t v_ack;			/* victim's rcv_nxt */
	uint32_t v_win;			/* victim's window, scaled */
	int v_ws;			/* victim's window scale */
	uint32_t p_ack;			/* peer's ACK: victim's snd_una */
	uint32_t p_tsval;		/* newest peer timestamp */
	long rebuilt, failed;
	long checks, held;		/* maintenance passes, in its state at them */
	int why;			/* last failure: where conn_slot() stopped */
};

/* one direction of the guarded stream */
struct gflow {
	int tx, rx;
	uint64_t seed;
	volatile int *stop;
	uint64_t sent, got;
	int err;
	long bad_off;
	pthread_t ts, tr;
};

/* last segments sent, printed when a storm is first seen */
struct fz_log {
	long n;
	uint8_t cls, kind, flags, variant;
	uint16_t sport, dport;
	uint32_t seq, ack;
	int plen;
};
#define FZ_RING 32

FIXTURE(fz) {
	struct topo t;
	int ipproto;
	int raw, pkt;			/* raw IP_HDRINCL and packet socket, in A */
	struct sockaddr_ll vb_ll;	/* vb as seen from va */
	int cap;			/* packet socket on vb, in B */
	int lfd, sfd;			/* victim listeners PORT_L, PORT_S */
	struct slot s[NSLOT];
	int nslot;
	struct gflow g[2];		/* [0] A->B, [1] B->A */
	volatile int gstop;
	bool gstarted;
	uint64_t seed, rng;
	long count, secs;
	long sent[FC_N], send_err;
	long nsent;
	uint8_t flag_iter;
	uint8_t junk[1600];
	long cap_in, cap_out;
	struct fz_log ring[FZ_RING];
	long storm_at;			/* segment index of the first suspected storm */
	/* quiet window: per-flow segment counts */
	bool quiet;
	struct { uint32_t a, b; uint16_t pa, pb; long n; } flow[128];
	int nflow;
};

/* ------------------------------------------------------------------ PRNG */

static uint64_t fz_rand(FIXTURE_DATA(fz) *self)
{
	uint64_t x = self->rng;		/* xorshift64* */

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	self->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint32_t fz_below(FIXTURE_DATA(fz) *self, uint32_t n)
{
	return n ? (uint32_t)((fz_rand(self) >> 16) % n) : 0;
}

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

static long xstat(FIXTURE_DATA(fz) *self, int side, const char *name)
{
	return TOPO_IN(&self->t, side, counter(STACK_XTCP, name));
}

/* --------------------------------------------------------------- capture */

static struct slot *find_slot(FIXTURE_DATA(fz) *self, uint32_t paddr,
			      uint16_t pport, uint16_t vport)
{
	int i;

	for (i = 0; i < self->nslot; i++) {
		struct slot *s = &self->s[i];

		if (s->aport == pport && s->bport == vport && s->saddr == paddr)
			return &self->s[i];
	}
	return NULL;
}

static void quiet_count(FIXTURE_DATA(fz) *self, const struct seg *g)
{
	uint32_t a = g->saddr, b = g->daddr;
	uint16_t pa = g->sport, pb = g->dport;
	int i;

	if (a > b || (a == b && pa > pb)) {
		a = g->daddr, b = g->saddr;
		pa = g->dport, pb = g->sport;
	}
	for (i = 0; i < self->nflow; i++) {
		if (self->flow[i].a == a && self->flow[i].b == b &&
		    self->flow[i].pa == pa && self->flow[i].pb == pb) {
			self->flow[i].n++;
			return;
		}
	}
	if (self->nflow < 128) {
		self->flow[i].a = a, self->flow[i].b = b;
		self->flow[i].pa = pa, self->flow[i].pb = pb;
		self->flow[i].n = 1;
		self->nflow++;
	}
}

/* Learn sequence numbers from what the capture on vb holds (some of it). */
static void cap_poll(FIXTURE_DATA(fz) *self)
{
	uint32_t v = inet_addr(IP_B);
	uint8_t pkt[256];
	int i;

	/* bounded: a storm must not keep the fuzzer here */
	for (i = 0; i < 4096; i++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(self->cap, pkt, sizeof(pkt), MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);
		struct seg g;
		struct slot *s;

		if (len < 0)
			return;
		if (from.sll_protocol != htons(ETH_P_IP) || len < 40 ||
		    pkt[9] != self->ipproto)
			continue;
		pkt[9] = IPPROTO_XTCP;		/* the parser knows 253 only */
		/* captured up to 128 bytes: the payload length is the header's */
		if (seg_parse_ip(pkt, len, &g))
			continue;
		if (self->quiet)
			quiet_count(self, &g);
		if (g.saddr == v) {
			uint32_t end = g.seq + g.len + !!(g.flags & TH_SYN) +
				       !!(g.flags & TH_FIN);

			self->cap_out++;
			s = find_slot(self, g.daddr, g.dport, g.sport);
			if (!s)
				continue;
			if (g.flags & TH_SYN)
				s->v_ws = g.ws > 0 ? g.ws : 0;
			if (!s->v_seen || seq_after(end, s->v_nxt))
				s->v_nxt = end;
			if ((g.flags & TH_ACK) && (!s->v_seen || seq_after(g.ack, s->v_ack)))
				s->v_ack = g.ack;
			s->v_win = (uint32_t)g.win << ((g.flags & TH_SYN) ? 0 : s->v_ws);
			s->v_seen = true;
		} else {
			self->cap_in++;
			if (pkt[8] == FZ_TTL)
				continue;
			s = find_slot(self, g.saddr, g.sport, g.dport);
			if (!s)
				continue;
			if (g.flags & TH_ACK)
				s->p_ack = g.ack;
			if (g.has_ts)
				s->p_tsval = g.tsval;
			s->p_seen = true;
		}
	}
}

/* A packet socket on @dev of the current namespace keeping 128 bytes. */
static int cap_open_128(const char *dev)
{
	struct sock_filter snap[] = { BPF_STMT(BPF_RET | BPF_K, 128) };
	struct sock_fprog prog = { .len = 1, .filter = snap };
	int fd = cap_open(dev);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
	return fd;
}

/* ------------------------------------------------------------- building */

struct fz_seg {
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win, urp;
	uint8_t opts[60];
	int optlen;			/* bytes of options (padded to 4 on build) */
	int doff;			/* 0: from optlen */
	int plen;			/* payload bytes */
	int tcplen;			/* 0: whole; less: cut the TCP part short */
	uint16_t csum_xor;
};

/* TCP header, options, payload of @g at @th; returns the TCP length. */
static int build_tcp(FIXTURE_DATA(fz) *self, uint8_t *th, const struct fz_seg *g)
{
	int ol = (g->optlen + 3) & ~3, thl = 20 + ol, tl = thl + g->plen;
	uint8_t ph[12];
	uint16_t sum;

	memset(th, 0, thl);
	th[0] = g->sport >> 8, th[1] = g->sport;
	th[2] = g->dport >> 8, th[3] = g->dport;
	th[4] = g->seq >> 24, th[5] = g->seq >> 16, th[6] = g->seq >> 8, th[7] = g->seq;
	th[8] = g->ack >> 24, th[9] = g->ack >> 16, th[10] = g->ack >> 8, th[11] = g->ack;
	th[12] = (g->doff ? g->doff : thl / 4) << 4;
	th[13] = g->flags;
	th[14] = g->win >> 8, th[15] = g->win;
	th[18] = g->urp >> 8, th[19] = g->urp;
	memcpy(th + 20, g->opts, g->optlen);
	memcpy(th + thl, self->junk + fz_below(self, 64), g->plen);
	if (g->tcplen && g->tcplen < tl)
		tl = g->tcplen;
	memcpy(ph, &g->saddr, 4);
	memcpy(ph + 4, &g->daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;		/* the pseudo-header says TCP */
	ph[10] = tl >> 8;
	ph[11] = tl;
	sum = csum_fold(csum_add(th, tl, csum_add(ph, sizeof(ph), 0))) ^ g->csum_xor;
	if (tl >= 18)
		th[16] = sum >> 8, th[17] = sum;
	return tl;
}

/* IPv4 header for @len bytes of payload; frag: offset in 8-byte units | MF. */
static void build_ip(FIXTURE_DATA(fz) *self, uint8_t *ip, const struct fz_seg *g,
		     int len, uint16_t id, uint16_t frag)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (20 + len) >> 8, ip[3] = 20 + len;
	ip[4] = id >> 8, ip[5] = id;
	ip[6] = frag >> 8, ip[7] = frag;
	ip[8] = FZ_TTL;
	ip[9] = self->ipproto;
	memcpy(ip + 12, &g->saddr, 4);
	memcpy(ip + 16, &g->daddr, 4);
	ip[10] = 0, ip[11] = 0;
	{
		uint16_t c = csum_fold(csum_add(ip, 20, 0));

		ip[10] = c >> 8, ip[11] = c;
	}
}

static void send_raw(FIXTURE_DATA(fz) *self, const uint8_t *pkt, int len, uint32_t daddr)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_addr.s_addr = daddr };

	if (sendto(self->raw, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != len)
		self->send_err++;
}

static void send_l2(FIXTURE_DATA(fz) *self, const uint8_t *pkt, int len)
{
	if (sendto(self->pkt, pkt, len, 0, (struct sockaddr *)&self->vb_ll,
		   sizeof(self->vb_ll)) != len)
		self->send_err++;
}

/* ------------------------------------------------------------ mutations */

/* A sequence number for a segment of @len bytes to slot @s. */
static uint32_t pick_seq(FIXTURE_DATA(fz) *self, const struct slot *s, int len,
			 uint8_t *variant)
{
	uint32_t nxt = s->v_ack, wnd = s->v_win ? s->v_win : 1;

	if (s->kind == K_GUARD) {
		/* only what a correct TCP drops: wholly old or far ahead */
		*variant = fz_below(self, 2);
		if (*variant)
			return nxt + 0x40000000 + fz_below(self, 0x3fffffff);
		return nxt - len - 1 - fz_below(self, 65536);
	}
	if (!s->v_seen)
		return fz_rand(self);
	*variant = fz_below(self, 9);
	switch (*variant) {
	case 0: return nxt;					/* exactly rcv_nxt */
	case 1: return nxt + 1 + fz_below(self, wnd < 1460 ? wnd : 1460); /* inside */
	case 2: return nxt - 1;					/* just before */
	case 3: return nxt - len;				/* ends at rcv_nxt */
	case 4: return nxt + wnd;				/* just past the right edge */
	case 5: return nxt + wnd - 1;				/* last byte in */
	case 6: return nxt + 0x80000000U + fz_below(self, 1000); /* far */
	case 7: return nxt - fz_below(self, 0x40000000);	/* far behind */
	default: return fz_rand(self);
	}
}

static uint32_t pick_ack(FIXTURE_DATA(fz) *self, const struct slot *s)
{
	uint32_t nxt = s->v_nxt, una = s->p_seen ? s->p_ack : s->v_nxt;

	if (!s->v_seen)
		return fz_rand(self);
	switch (fz_below(self, 8)) {
	case 0: return nxt;					/* snd_nxt */
	case 1: return una;					/* snd_una */
	case 2: return nxt + 1 + fz_below(self, 3);		/* acks unsent data */
	case 3: return una - 1;					/* just below snd_una */
	case 4: return una + fz_below(self, nxt - una + 1);	/* in between */
	case 5: return una - 0x10000 - fz_below(self, 1 << 20);	/* too old */
	case 6: return nxt + 0x80000000U;			/* far */
	default: return fz_rand(self);
	}
}

static int put(uint8_t *o, int at, int max, const uint8_t *b, int n)
{
	if (at + n > max)
		n = max - at;		/* runs past the data offset: truncated */
	memcpy(o + at, b, n);
	return at + n;
}

/* Malformed (and some well-formed) options for @s into g->opts. */
static void fuzz_opts(FIXTURE_DATA(fz) *self, const struct slot *s, struct fz_seg *g)
{
	int items = 1 + fz_below(self, 4), at = 0, max = 40, i, j;
	uint32_t una = s ? (s->p_seen ? s->p_ack : s->v_nxt) : fz_rand(self);
	uint32_t nxt = s ? s->v_nxt : una + 1000;
	uint8_t b[44];

	for (i = 0; i < items && at < max; i++) {
		int n = 0;

		switch (fz_below(self, 10)) {
		case 0:		/* MSS, also on non-SYN; bad lengths */
			b[0] = 2;
			b[1] = fz_below(self, 3) ? 4 : 3 + 2 * fz_below(self, 2);
			b[2] = fz_rand(self), b[3] = fz_rand(self), b[4] = 0;
			n = b[1];
			break;
		case 1:		/* window scale, often > 14 */
			b[0] = 3, b[1] = 3, b[2] = fz_below(self, 2) ? 15 + fz_below(self, 241) :
								      fz_below(self, 15);
			n = 3;
			break;
		case 2:		/* SACK permitted, maybe with a bad length */
			b[0] = 4, b[1] = fz_below(self, 3) ? 2 : 3, b[2] = 0;
			n = b[1];
			break;
		case 3: {	/* SACK: 1..5 blocks, in, outside, reversed, empty */
			int nb = 1 + fz_below(self, 5);

			b[0] = 5, b[1] = 2 + 8 * nb;
			for (j = 0; j < nb && 2 + 8 * j + 8 <= (int)sizeof(b); j++) {
				uint32_t l = una + fz_below(self, nxt - una + 1), r;

				switch (fz_below(self, 5)) {
				case 0: r = l + 1 + fz_below(self, 3000); break;
				case 1: r = l, l += 1 + fz_below(self, 3000); break; /* reversed */
				case 2: r = l; break;				/* zero length */
				case 3: l = nxt + 1 + fz_below(self, 1 << 20), r = l + 1460; break;
				default: l = fz_rand(self), r = fz_rand(self); break;
				}
				b[2 + 8 * j] = l >> 24, b[3 + 8 * j] = l >> 16;
				b[4 + 8 * j] = l >> 8, b[5 + 8 * j] = l;
				b[6 + 8 * j] = r >> 24, b[7 + 8 * j] = r >> 16;
				b[8 + 8 * j] = r >> 8, b[9 + 8 * j] = r;
			}
			n = 2 + 8 * j;
			break;
		}
		case 4: {	/* timestamps: old tsval (PAWS), zero, random */
			uint32_t tv = s ? s->p_tsval : 0, te = fz_rand(self);

			switch (fz_below(self, 4)) {
			case 0: tv -= 1 + fz_below(self, 1000); break;
			case 1: tv -= 0x7fffffff; break;
			case 2: tv = 0; break;
			default: tv = fz_rand(self); break;
			}
			b[0] = 8, b[1] = fz_below(self, 4) ? 10 : fz_below(self, 12);
			b[2] = tv >> 24, b[3] = tv >> 16, b[4] = tv >> 8, b[5] = tv;
			b[6] = te >> 24, b[7] = te >> 16, b[8] = te >> 8, b[9] = te;
			n = 10;
			break;
		}
		case 5:		/* unknown kind */
			b[0] = 9 + fz_below(self, 247);
			b[1] = 2 + fz_below(self, 11);
			for (j = 2; j < b[1]; j++)
				b[j] = fz_rand(self);
			n = b[1];
			break;
		case 6:		/* length 0 or 1 */
			b[0] = 2 + fz_below(self, 254), b[1] = fz_below(self, 2);
			n = 2;
			break;
		case 7:		/* length past the data offset */
			b[0] = 2 + fz_below(self, 254), b[1] = 41 + fz_below(self, 215);
			b[2] = b[3] = 0;
			n = 4;
			break;
		case 8:		/* a kind without its length byte, last */
			b[0] = 2 + fz_below(self, 254);
			n = 1;
			items = 0;
			break;
		default:	/* NOP / EOL */
			b[0] = fz_below(self, 2);
			n = 1;
			break;
		}
		at = put(g->opts, at, max, b, n);
	}
	while (at & 3)
		g->opts[at++] = fz_below(self, 2) ? 0 : fz_rand(self);
	g->optlen = at;
}

/* Send @g as IP fragments of a TCP segment in one of several patterns. */
static uint8_t send_frags(FIXTURE_DATA(fz) *self, struct fz_seg *g)
{
	uint8_t tcp[1600], pkt[1700];
	int tl, i, nf, cut[6];
	uint16_t id = fz_rand(self);
	uint8_t variant = fz_below(self, 6);
	int order[5] = { 0, 1, 2, 3, 4 };

	tl = build_tcp(self, tcp, g);
	/* fragment boundaries at multiples of 8 */
	nf = 2 + fz_below(self, 3);
	cut[0] = 0;
	for (i = 1; i < nf; i++)
		cut[i] = ((tl * i / nf) & ~7) > cut[i - 1] ? (tl * i / nf) & ~7 : cut[i - 1] + 8;
	if (variant == 5)
		cut[1] = 8;		/* tiny first fragment: the TCP header split */
	cut[nf] = tl;
	if (variant == 1) {		/* shuffled */
		for (i = nf - 1; i > 0; i--) {
			int j = fz_below(self, i + 1), x = order[i];

			order[i] = order[j], order[j] = x;
		}
	}
	for (i = 0; i < nf; i++) {
		int f = order[i], off = cut[f], end = cut[f + 1];

		if (variant == 2 && f == (int)fz_below(self, nf))
			continue;	/* one missing: never reassembled */
		if (variant == 3 && f > 0)
			off -= 8;	/* overlaps the previous one */
		if (end <= off)
			continue;
		build_ip(self, pkt, g, end - off, id, (off / 8) | (f < nf - 1 ? 0x2000 : 0));
		memcpy(pkt + 20, tcp + off, end - off);
		send_raw(self, pkt, 20 + end - off, g->daddr);
		if (variant == 4 && i == 0)	/* duplicated */
			send_raw(self, pkt, 20 + end - off, g->daddr);
	}
	return variant;
}

/* Send @g inside a broken IP header (through the packet socket). */
static uint8_t send_ipbad(FIXTURE_DATA(fz) *self, struct fz_seg *g)
{
	uint8_t pkt[1700];
	uint8_t variant = fz_below(self, 7);
	int tl, len, ihl = 20;

	if (variant == 5) {		/* IP options (NOPs, EOL): a valid packet */
		ihl = 24 + 4 * fz_below(self, 10);
		memset(pkt + 20, 1, ihl - 20);
		pkt[ihl - 1] = 0;
	}
	tl = build_tcp(self, pkt + ihl, g);
	build_ip(self, pkt, g, tl, fz_rand(self), 0x4000);
	len = ihl + tl;
	pkt[0] = 0x40 | ihl / 4;
	pkt[2] = len >> 8, pkt[3] = len;
	switch (variant) {
	case 0:				/* tot_len shorter than the packet */
		len = ihl + fz_below(self, tl);
		pkt[2] = len >> 8, pkt[3] = len;
		len = ihl + tl;
		break;
	case 1:				/* tot_len longer than the packet */
		len = ihl + tl + 1 + fz_below(self, 1000);
		pkt[2] = len >> 8, pkt[3] = len;
		len = ihl + tl;
		break;
	case 2:				/* IHL below 5 or past the end */
		pkt[0] = 0x40 | (fz_below(self, 2) ? fz_below(self, 5) : 15);
		break;
	case 3:				/* version not 4 */
		pkt[0] = (fz_below(self, 16) | 1) << 4 | 5;	/* odd: never 4 */
		break;
	case 6:				/* cut short on the wire */
		len = 20 + fz_below(self, len - 20);
		break;
	}
	pkt[10] = pkt[11] = 0;
	{
		uint16_t c = csum_fold(csum_add(pkt, ihl, 0));

		if (variant == 4)	/* bad IP header checksum */
			c ^= 1 + fz_below(self, 0xfffe);
		pkt[10] = c >> 8, pkt[11] = c;
	}
	send_l2(self, pkt, len);
	return variant;
}

/* One segment of class @cls to slot @s; returns a variant number for the log. */
static void fuzz_one(FIXTURE_DATA(fz) *self, struct slot *s, int cls)
{
	uint8_t pkt[1700], variant = 0;
	struct fz_seg g;
	int tl;

	if (s->kind == K_GUARD && !s->v_seen)
		return;		/* its rcv_nxt is not known yet */
	memset(&g, 0, sizeof(g));
	g.saddr = s->saddr;
	g.daddr = inet_addr(IP_B);
	g.sport = s->aport;
	g.dport = s->bport;
	g.win = fz_below(self, 4) ? 502 + fz_below(self, 64000) : fz_below(self, 3);
	g.flags = TH_ACK | (fz_below(self, 2) ? TH_PUSH : 0);
	g.plen = fz_below(self, 3) ? fz_below(self, 200) : 0;
	if (s->kind == K_LISTEN || s->kind == K_RANDOM) {
		g.saddr = inet_addr(fz_below(self, 2) ? IP_SILENT : IP_A);
		g.sport = 1024 + fz_below(self, 64000);
		if (s->kind == K_RANDOM)
			g.dport = fz_below(self, 4) ? 1 + fz_below(self, 65535) :
						      PORT_S + fz_below(self, 3) - 1;
	}

	switch (cls) {
	case FC_FLAGS:		/* all 256 flag combinations in turn, URG pointer */
		g.flags = self->flag_iter++;
		if (g.flags & 0x20)
			g.urp = fz_below(self, 2) ? fz_below(self, 300) : 0xffff;
		break;
	case FC_SEQ:
		if (fz_below(self, 8) == 0)
			g.flags |= TH_FIN;
		break;
	case FC_OPTS:
		if (fz_below(self, 4) == 0)
			g.flags = TH_SYN | (fz_below(self, 2) ? TH_ACK : 0);
		fuzz_opts(self, s, &g);
		break;
	case FC_DOFF:
		variant = fz_below(self, 3);
		if (variant == 0)
			g.doff = fz_below(self, 5);		/* below 5 */
		else if (variant == 1)
			g.doff = 6 + fz_below(self, 10), g.plen = fz_below(self, 8); /* past the end */
		else
			g.tcplen = fz_below(self, 20), g.plen = 0; /* header cut short */
		break;
	case FC_SIZE:
		variant = fz_below(self, 3);
		g.plen = variant == 0 ? 1 : variant == 1 ? 1000 + fz_below(self, 461) : 1460;
		break;
	case FC_FRAG:		/* long enough to be cut in pieces */
		g.plen = 40 + fz_below(self, 400);
		break;
	case FC_CSUM:
		g.csum_xor = fz_below(self, 4) ? 1 + fz_below(self, 0xfffe) : 0xffff;
		break;
	case FC_SPOOF:		/* a real 4-tuple with one field off */
		variant = fz_below(self, 4);
		if (variant == 0)
			g.sport += fz_below(self, 2) ? 1 : -1;
		else if (variant == 1)
			g.dport += fz_below(self, 2) ? 1 : -1;
		else if (variant == 2)
			g.saddr = inet_addr(g.saddr == inet_addr(IP_SILENT) ? IP_A : IP_SILENT);
		else
			g.sport = fz_rand(self);
		break;
	case FC_SYN:
		g.flags = TH_SYN | (fz_below(self, 4) ? 0 : fz_rand(self) & 0xfd);
		memcpy(g.opts, raw_syn_opts, sizeof(raw_syn_opts));
		g.optlen = sizeof(raw_syn_opts);
		g.plen = fz_below(self, 4) ? 0 : fz_below(self, 100);
		break;
	}
	if (s->kind == K_GUARD && cls == FC_FLAGS)
		g.plen = 1 + fz_below(self, 100);
	g.seq = pick_seq(self, s, g.plen, &variant);
	g.ack = pick_ack(self, s);

	if (cls == FC_FRAG) {
		variant = send_frags(self, &g);
	} else if (cls == FC_IPBAD) {
		variant = send_ipbad(self, &g);
	} else {
		tl = build_tcp(self, pkt + 20, &g);
		build_ip(self, pkt, &g, tl, 0, 0x4000);
		send_raw(self, pkt, 20 + tl, g.daddr);
	}
	self->sent[cls]++;
	{
		struct fz_log *l = &self->ring[self->nsent % FZ_RING];

		l->n = self->nsent, l->cls = cls, l->kind = s->kind;
		l->flags = g.flags, l->variant = variant;
		l->sport = g.sport, l->dport = g.dport;
		l->seq = g.seq, l->ack = g.ack, l->plen = g.plen;
	}
	self->nsent++;
}

static void ring_print(FIXTURE_DATA(fz) *self)
{
	long i;

	for (i = self->nsent - FZ_RING; i < self->nsent; i++) {
		struct fz_log *l;

		if (i < 0)
			continue;
		l = &self->ring[i % FZ_RING];
		printf("#   seg %ld: %s -> %s slot, flags 0x%02x variant %u %u>%u seq %u ack %u len %d\n",
		       l->n, class_name[l->cls], kind_name[l->kind], l->flags, l->variant,
		       l->sport, l->dport, l->seq, l->ack, l->plen);
	}
}

/* ----------------------------------------------------------------- slots */

/* A SYN from the spoofed address: a request in the victim's SYN queue. */
static void syn_slot(FIXTURE_DATA(fz) *self, struct slot *s)
{
	struct fz_seg g = { 0 };
	uint8_t pkt[128];
	int tl;

	s->saddr = inet_addr(IP_SILENT);
	s->aport = 20000 + fz_below(self, 40000);
	s->bport = PORT_L;
	s->isn = fz_rand(self);
	s->v_seen = s->p_seen = false;
	s->v_ack = s->isn + 1;
	g.saddr = s->saddr, g.daddr = inet_addr(IP_B);
	g.sport = s->aport, g.dport = s->bport;
	g.seq = s->isn, g.flags = TH_SYN, g.win = 64240;
	memcpy(g.opts, raw_syn_opts, sizeof(raw_syn_opts));
	g.optlen = sizeof(raw_syn_opts);
	tl = build_tcp(self, pkt + 20, &g);
	build_ip(self, pkt, &g, tl, 0, 0x4000);
	send_raw(self, pkt, 20 + tl, g.daddr);
}

static void drain_children(FIXTURE_DATA(fz) *self);

static void slot_close(struct slot *s)
{
	sock_abort(s->afd);
	sock_abort(s->bfd);
	s->afd = s->bfd = -1;
}

/*
 * Connect a peer in A to the victim's PORT_S listener and drive the
 * victim's end into the slot's state. 0, or where it failed (1 socket,
 * 2-3 connect, 1000 + errno the connect's error, 4-5 accept, 6-8 an intermediate state, 100 + the state
 * reached instead of the slot's); the slot is retried later.
 */
static int conn_slot(FIXTURE_DATA(fz) *self, struct slot *s)
{
	struct sockaddr_in sin = sin4(IP_B, PORT_S);
	int k = s->kind, B = self->t.ns[SIDE_B], st = kind_state[k], i;
	bool small = k == K_FW1 || k == K_LA || k == K_CLOSING;

	slot_close(s);
	drain_children(self);
	s->v_seen = s->p_seen = false;
	s->v_ws = 0;
	s->saddr = inet_addr(IP_A);
	s->bport = PORT_S;
	ns_use(self->t.ns[SIDE_A]);
	s->afd = stack_socket(STACK_XTCP);
	if (s->afd < 0)
		return 1;
	if (small)		/* the peer's window fills: the victim's FIN waits */
		sock_setint(s->afd, SOL_SOCKET, SO_RCVBUF, 2048);
	sock_nonblock(s->afd, 1);
	if (connect(s->afd, (struct sockaddr *)&sin, sizeof(sin)) && errno != EINPROGRESS)
		return 2;
	if (!(sock_poll(s->afd, POLLOUT, 3000) & POLLOUT))
		return 3;
	if (sock_so_error(s->afd))
		return 1000 + sock_so_error(s->afd);
	s->aport = sock_local_port(s->afd);
	for (i = 0; i < 4 && s->bfd < 0; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		int fd;

		if (!(sock_poll(self->sfd, POLLIN, 3000) & POLLIN))
			return 4;
		fd = accept(self->sfd, (struct sockaddr *)&from, &fl);
		if (fd >= 0 && ntohs(from.sin_port) == s->aport)
			s->bfd = fd;
		else
			sock_abort(fd);
	}
	if (s->bfd < 0)
		return 5;
	if (small) {
		sock_setint(s->bfd, SOL_SOCKET, SO_SNDBUF, 8192);
		sock_nonblock(s->bfd, 1);
		sock_fill(s->bfd, 7, 0, 300);
	}
	switch (k) {
	case K_FW2:
	case K_FW1:
		shutdown(s->bfd, SHUT_WR);
		break;
	case K_CLOSING:
		shutdown(s->bfd, SHUT_WR);
		if (proc_wait_state(B, STACK_XTCP, PORT_S, s->aport, ST_FIN_WAIT1, 3) < 0)
			return 6;
		shutdown(s->afd, SHUT_WR);
		break;
	case K_CW:
		shutdown(s->afd, SHUT_WR);
		break;
	case K_LA:
		shutdown(s->afd, SHUT_WR);
		if (proc_wait_state(B, STACK_XTCP, PORT_S, s->aport, ST_CLOSE_WAIT, 3) < 0)
			return 7;
		shutdown(s->bfd, SHUT_WR);
		break;
	case K_TW:
		close(s->bfd);
		s->bfd = -1;
		if (proc_wait_state(B, STACK_XTCP, PORT_S, s->aport, ST_FIN_WAIT2, 3) < 0)
			return 8;
		close(s->afd);
		s->afd = -1;
		break;
	}
	if (proc_wait_state(B, STACK_XTCP, PORT_S, s->aport, st, 3) < 0)
		return 100 + proc_state(B, STACK_XTCP, PORT_S, s->aport, NULL);
	return 0;
}

/* ------------------------------------------------------- guarded stream */

static void *g_send(void *arg)
{
	struct gflow *f = arg;
	char buf[4096];

	while (!*f->stop && !f->err) {
		ssize_t n;

		pattern_fill(f->seed, f->sent, buf, sizeof(buf));
		n = send(f->tx, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0)
			f->sent += n;
		else if (n < 0 && errno != EAGAIN)
			f->err = errno;
		msleep(50);		/* about 80 KB/s each way */
	}
	shutdown(f->tx, SHUT_WR);
	return NULL;
}

static void *g_recv(void *arg)
{
	struct gflow *f = arg;
	char buf[16384];
	double last = now();

	for (;;) {
		ssize_t n;

		if (!(sock_poll(f->rx, POLLIN, 500) & (POLLIN | POLLHUP | POLLERR))) {
			if (*f->stop && now() - last > 60) {
				f->err = ETIMEDOUT;
				break;
			}
			continue;
		}
		n = recv(f->rx, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0) {
			if (n < 0)
				f->err = errno;
			break;
		}
		last = now();
		f->err = pattern_take(f->seed, &f->got, buf, n, &f->bad_off);
		if (f->err)
			break;
	}
	return NULL;
}

/* ------------------------------------------------------------- fixture */

FIXTURE_SETUP(fz)
{
	struct ifreq ifr;
	long v;
	int err, i, j;

	memset(self, 0, sizeof(*self));
	self->raw = self->pkt = self->cap = self->lfd = self->sfd = -1;
	for (i = 0; i < NSLOT; i++)
		self->s[i].afd = self->s[i].bfd = -1;
	self->g[0].tx = self->g[0].rx = self->g[1].tx = self->g[1].rx = -1;
	self->ipproto = IPPROTO_XTCP;
	if (!xtcp_read_long("/sys/module/xtcp/parameters/ipproto", &v))
		self->ipproto = v;

	err = topo_init(&self->t);
	ASSERT_EQ(0, err) TH_LOG("topology: %s (is xtcp.ko loaded?)", strerror(err));
	ns_use(self->t.ns[SIDE_B]);
	sysctl_set("net.xtcp.synack_retries", "2");	/* requests live 7 s */
	sysctl_set("net.xtcp.fin_timeout", "2");
	sysctl_set("net.xtcp.tw_timeout", "5");		/* 1 again at the end */
	ASSERT_EQ(0, topo_silent(&self->t, SIDE_B));
	ifr = nl_ifreq("vb", NULL);
	ASSERT_EQ(0, nl_ioctl(SIOCGIFHWADDR, &ifr));
	self->cap = cap_open_128("vb");
	ASSERT_LE(0, self->cap);
	self->lfd = sock_listen(STACK_XTCP, IP_B, PORT_L, 64);
	ASSERT_LE(0, self->lfd);
	self->sfd = sock_listen(STACK_XTCP, IP_B, PORT_S, 64);
	ASSERT_LE(0, self->sfd);
	sock_nonblock(self->lfd, 1);
	sock_nonblock(self->sfd, 1);

	ns_use(self->t.ns[SIDE_A]);
	sysctl_set("net.xtcp.fin_timeout", "2");
	self->raw = raw_open();
	ASSERT_LE(0, self->raw);
	self->pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	ASSERT_LE(0, self->pkt);
	self->vb_ll.sll_family = AF_PACKET;
	self->vb_ll.sll_protocol = htons(ETH_P_IP);
	self->vb_ll.sll_ifindex = if_nametoindex("va");
	self->vb_ll.sll_halen = 6;
	memcpy(self->vb_ll.sll_addr, ifr.ifr_hwaddr.sa_data, 6);

	self->seed = env_long("XTCP_FUZZ_SEED", 0);
	if (!self->seed)
		self->seed = (uint64_t)time(NULL) * 1000003 ^ getpid();
	self->rng = self->seed ? self->seed : 1;
	self->count = env_long("XTCP_FUZZ_COUNT", FZ_COUNT);
	self->secs = env_long("XTCP_FUZZ_SECS", FZ_SECS);
	for (i = 0; i < (int)sizeof(self->junk); i++)
		self->junk[i] = fz_rand(self);
	printf("# XTCP_FUZZ_SEED=%llu XTCP_FUZZ_COUNT=%ld XTCP_FUZZ_SECS=%ld ipproto %d\n",
	       (unsigned long long)self->seed, self->count, self->secs, self->ipproto);

	for (i = 0; i < K_NKIND; i++) {
		for (j = 0; j < kind_count[i]; j++) {
			struct slot *s = &self->s[self->nslot++];

			s->kind = i;
			s->bport = PORT_L;
		}
	}
}

FIXTURE_TEARDOWN(fz)
{
	int i;

	self->gstop = 1;
	if (self->gstarted) {
		for (i = 0; i < 2; i++) {
			pthread_join(self->g[i].ts, NULL);
			pthread_join(self->g[i].tr, NULL);
		}
	}
	for (i = 0; i < NSLOT; i++)
		slot_close(&self->s[i]);
	sock_abort(self->lfd);
	sock_abort(self->sfd);
	if (self->cap >= 0)
		close(self->cap);
	if (self->raw >= 0)
		close(self->raw);
	if (self->pkt >= 0)
		close(self->pkt);
}

/* The victim's sockets counted by state, as a TAP comment. */
static void states_print(FIXTURE_DATA(fz) *self, const char *what)
{
	static const char *const name[] = {
		"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
		"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	};
	struct proc_row rows[256];
	int n = proc_rows_ns(self->t.ns[SIDE_B], STACK_XTCP, 0, 0, 0, rows, 256);
	int cnt[12] = { 0 }, i;

	for (i = 0; i < n && i < 256; i++)
		cnt[rows[i].state < 12 ? rows[i].state : 0]++;
	printf("# %s (%d):", what, n);
	for (i = 1; i < 12; i++)
		if (cnt[i])
			printf(" %s %d", name[i], cnt[i]);
	printf("\n");
}

/*
 * Accept (and drop) children the fuzzer's handshakes completed, and late
 * ones of slots that gave up: a full accept queue drops new SYNs.
 */
static void drain_children(FIXTURE_DATA(fz) *self)
{
	int fd;

	while ((fd = accept(self->lfd, NULL, NULL)) >= 0)
		sock_abort(fd);
	while ((fd = accept(self->sfd, NULL, NULL)) >= 0)
		sock_abort(fd);
}

/*
 * Rebuild slots not in their state (at most @max), TIME_WAIT ones first
 * (an in-window RST ends a TIME_WAIT within milliseconds of fuzzing, and
 * its rebuild takes two handshakes); returns rebuilds. Every other pass
 * runs with net.xtcp.rfc1337=1 on the victim (RST does not end TIME_WAIT,
 * RFC 1337), so that TIME_WAIT entries also take the fuzz for a while.
 */
static int maintain(struct __test_metadata *_metadata, FIXTURE_DATA(fz) *self,
		    int max, bool *guard_lost)
{
	static int first;
	struct proc_row rows[256];
	int n, j, k, done = 0;
	double t0 = now();

	drain_children(self);
	n = proc_rows_ns(self->t.ns[SIDE_B], STACK_XTCP, 0, 0, 0, rows, 256);
	first++;
	TOPO_IN(&self->t, SIDE_B, sysctl_set("net.xtcp.rfc1337", first & 1 ? "1" : "0"));
	for (k = 0; k < 2 * self->nslot; k++) {
		struct slot *s = &self->s[(first + k) % self->nslot];
		int st = 0;

		/* pass 1 (k < nslot): TIME_WAIT slots; pass 2: the others */
		if (!kind_state[s->kind] || (k < self->nslot) != (s->kind == K_TW))
			continue;
		for (j = 0; j < n && j < 256; j++)
			if (rows[j].lport == s->bport && rows[j].rport == s->aport &&
			    rows[j].raddr == s->saddr)
				st = rows[j].state;
		s->checks++;
		if (st == kind_state[s->kind]) {
			s->held++;
			continue;
		}
		if (s->kind == K_GUARD) {
			if (!*guard_lost)
				TH_LOG("guarded stream left ESTABLISHED (state %d) at segment %ld",
				       st, self->nsent);
			*guard_lost = true;
			continue;
		}
		/* a quarter of a second of rebuilding at most (the debug
		 * kernel takes long per handshake): the rest is for fuzzing
		 */
		if (done >= max || now() - t0 > 0.25)
			continue;
		done++;
		s->rebuilt++;
		if (s->kind == K_SYNRECV)
			syn_slot(self, s);
		else if ((j = conn_slot(self, s)))
			s->why = j, s->failed++;
	}
	ns_use(self->t.ns[SIDE_A]);
	return done;
}

static int start_guard(FIXTURE_DATA(fz) *self)
{
	struct slot *s = NULL;
	int i, err, a, b;

	for (i = 0; i < self->nslot; i++)
		if (self->s[i].kind == K_GUARD)
			s = &self->s[i];
	err = topo_pair(&self->t, STACK_XTCP, PORT_G, NULL, &a, &b);
	if (err)
		return err;
	s->afd = a, s->bfd = b;
	s->saddr = inet_addr(IP_A);
	s->aport = sock_local_port(a);
	s->bport = PORT_G;
	self->g[0] = (struct gflow){ .tx = a, .rx = b, .seed = 11, .stop = &self->gstop };
	self->g[1] = (struct gflow){ .tx = b, .rx = a, .seed = 12, .stop = &self->gstop };
	for (i = 0; i < 2; i++) {
		pthread_create(&self->g[i].ts, NULL, g_send, &self->g[i]);
		pthread_create(&self->g[i].tr, NULL, g_recv, &self->g[i]);
	}
	self->gstarted = true;
	return 0;
}

TEST_F_TIMEOUT(fz, segments, 86400)
{
	long in0[2], out0[2], in1[2], out1[2], q0[2], q1[2];
	long rebuilt = 0, peer_last, fz_last = 0, peer_budget;
	double t0, tl, rate;
	bool guard_lost = false;
	int i, left, maxflow = 0;

	/* all slots up, the guarded stream flowing */
	ASSERT_EQ(0, start_guard(self));
	maintain(_metadata, self, NSLOT, &guard_lost);
	for (i = 0; i < self->nslot; i++) {
		struct slot *s = &self->s[i];

		if (s->failed)
			TH_LOG("slot %s: could not reach its state before the fuzzing",
			       kind_name[s->kind]);
		s->rebuilt = s->failed = s->checks = s->held = 0;
	}
	msleep(500);
	cap_poll(self);
	states_print(self, "victim sockets before the fuzzing");
	peer_last = xstat(self, SIDE_A, "OutSegs");
	for (i = 0; i < 2; i++) {
		in0[i] = xstat(self, i, "InSegs");
		out0[i] = xstat(self, i, "OutSegs");
	}

	/* fuzz */
	t0 = tl = now();
	while (self->nsent < self->count) {
		struct slot *s = &self->s[fz_below(self, self->nslot)];

		fuzz_one(self, s, fz_below(self, FC_N));
		if ((self->nsent & 63))
			continue;
		cap_poll(self);
		if (now() - t0 > self->secs)
			break;
		if (now() - tl < 1)
			continue;
		/* every second: storm watch, slots */
		{
			long pa = xstat(self, SIDE_A, "OutSegs");
			long d = pa - peer_last, f = self->nsent - fz_last;

			if (!self->storm_at && d > f + 5000) {
				self->storm_at = self->nsent;
				printf("# storm? peers sent %ld segments in %.1f s while the fuzzer sent %ld; last segments:\n",
				       d, now() - tl, f);
				ring_print(self);
			}
			peer_last = pa;
			fz_last = self->nsent;
		}
		rebuilt += maintain(_metadata, self, NSLOT, &guard_lost);
		tl = now();
	}
	t0 = now() - t0;
	rate = self->nsent / (t0 > 0 ? t0 : 1);
	for (i = 0; i < 2; i++) {
		in1[i] = xstat(self, i, "InSegs");
		out1[i] = xstat(self, i, "OutSegs");
	}
	printf("# fuzzed %ld segments in %.1f s (%.0f/s), send errors %ld, slot rebuilds %ld\n",
	       self->nsent, t0, rate, self->send_err, rebuilt);
	for (i = 0; i < FC_N; i++)
		printf("#   class %-12s %ld\n", class_name[i], self->sent[i]);
	for (i = 0; i < self->nslot; i++)
		if (self->s[i].checks)
			printf("#   slot %-11s in its state at %ld of %ld checks, rebuilt %ld (failed %ld, last at %d)\n",
			       kind_name[self->s[i].kind], self->s[i].held, self->s[i].checks,
			       self->s[i].rebuilt, self->s[i].failed, self->s[i].why);
	states_print(self, "victim sockets at the end of the fuzzing");
	printf("# victim: InSegs +%ld OutSegs +%ld; peers: InSegs +%ld OutSegs +%ld; captured in %ld out %ld\n",
	       in1[SIDE_B] - in0[SIDE_B], out1[SIDE_B] - out0[SIDE_B], in1[SIDE_A] - in0[SIDE_A],
	       out1[SIDE_A] - out0[SIDE_A], self->cap_in, self->cap_out);

	/* the guarded stream: both ways intact */
	self->gstop = 1;
	for (i = 0; i < 2; i++) {
		pthread_join(self->g[i].ts, NULL);
		pthread_join(self->g[i].tr, NULL);
	}
	self->gstarted = false;
	for (i = 0; i < 2; i++) {
		struct gflow *f = &self->g[i];

		printf("# guarded %s: sent %llu got %llu err %s\n", i ? "B->A" : "A->B",
		       (unsigned long long)f->sent, (unsigned long long)f->got,
		       errname(f->err));
		EXPECT_EQ(0, f->err) TH_LOG("guarded stream %s: %s at offset %ld",
					   i ? "B->A" : "A->B", errname(f->err), f->bad_off);
		EXPECT_EQ(f->sent, f->got);
		EXPECT_LT(0, f->got);
	}
	EXPECT_FALSE(guard_lost);

	/* no storm: a quiet window with every slot still open */
	msleep(2000);
	cap_poll(self);
	q0[SIDE_A] = xstat(self, SIDE_A, "OutSegs");
	q0[SIDE_B] = xstat(self, SIDE_B, "OutSegs");
	self->quiet = true;
	msleep(3000);
	cap_poll(self);
	self->quiet = false;
	q1[SIDE_A] = xstat(self, SIDE_A, "OutSegs");
	q1[SIDE_B] = xstat(self, SIDE_B, "OutSegs");
	for (i = 0; i < self->nflow; i++) {
		if (self->flow[i].n > maxflow)
			maxflow = self->flow[i].n;
		if (self->flow[i].n > FZ_QUIET_FLOW) {
			char a[16], b[16];

			inet_ntop(AF_INET, &self->flow[i].a, a, sizeof(a));
			inet_ntop(AF_INET, &self->flow[i].b, b, sizeof(b));
			printf("# storm: %s:%u <-> %s:%u carried %ld segments in 3 s after the fuzzing\n",
			       a, self->flow[i].pa, b, self->flow[i].pb, self->flow[i].n);
		}
	}
	printf("# quiet 3 s: victim OutSegs +%ld, peers OutSegs +%ld, busiest 4-tuple %d segments\n",
	       q1[SIDE_B] - q0[SIDE_B], q1[SIDE_A] - q0[SIDE_A], maxflow);
	EXPECT_GE(FZ_QUIET_FLOW, maxflow) TH_LOG("a 4-tuple still busy after the fuzzing: storm");

	/* bounded answers during the fuzzing */
	peer_budget = self->nsent + (self->g[0].sent + self->g[1].sent) / 500 +
		      200 * rebuilt + 5000;
	EXPECT_GE(peer_budget, out1[SIDE_A] - out0[SIDE_A])
		TH_LOG("peers sent more than one segment per fuzz segment plus their own traffic");
	EXPECT_GE(FZ_AMP * (in1[SIDE_B] - in0[SIDE_B]) + 1000, out1[SIDE_B] - out0[SIDE_B])
		TH_LOG("victim answered more than %d segments per segment received", FZ_AMP);
	if (self->storm_at > 0)
		printf("# first storm suspicion at segment %ld (seed %llu)\n", self->storm_at,
		       (unsigned long long)self->seed);

	/* close everything: the victim's table must empty */
	states_print(self, "victim sockets before closing them all");
	TOPO_IN(&self->t, SIDE_B, sysctl_set("net.xtcp.tw_timeout", "1"));
	for (i = 0; i < NSLOT; i++) {
		struct slot *s = &self->s[i];

		if (s->bfd >= 0)
			close(s->bfd);
		if (s->afd >= 0)
			close(s->afd);
		s->afd = s->bfd = -1;
	}
	drain_children(self);
	close(self->lfd);
	close(self->sfd);
	self->lfd = self->sfd = -1;
	t0 = now();
	do {
		left = proc_rows_ns(self->t.ns[SIDE_B], STACK_XTCP, 0, 0, 0, NULL, 0);
		if (left)
			msleep(200);
	} while (left && now() - t0 < 60);
	printf("# victim's /proc/net/xtcp empty after %.1f s (%d rows left)\n",
	       now() - t0, left);
	if (left) {
		struct proc_row r[32];
		int n = proc_rows_ns(self->t.ns[SIDE_B], STACK_XTCP, 0, 0, 0, r, 32);

		for (i = 0; i < n && i < 32; i++)
			printf("#   left: %u -> %u state %u timer %u retr %u\n",
			       r[i].lport, r[i].rport, r[i].state, r[i].timer, r[i].retr);
	}
	EXPECT_EQ(0, left);
	ASSERT_EQ(0, topo_settle(&self->t, 30));

	/* the victim's namespace goes away (its veth with it) */
	close(self->cap);
	self->cap = -1;
	ns_use(self->t.ns[SIDE_A]);
	close(self->t.ns[SIDE_B]);
	t0 = now();
	while (if_nametoindex("va") && now() - t0 < 20)
		msleep(100);
	printf("# victim namespace deleted after %.1f s\n", now() - t0);
	EXPECT_EQ(0, if_nametoindex("va")) TH_LOG("the victim's namespace was not deleted");
}

XTCP_HARNESS_MAIN
