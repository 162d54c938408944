// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP passive open: the SYN queue (SYN_RECV rows of /proc/net/xtcp), the
 * accept queue and its listen backlog (N+1 entries, as Linux), overflow
 * with net.xtcp.abort_on_overflow 0 and 1, SYN-ACK retransmission.
 * Every scenario also runs on Linux TCP: once per stack as variants
 * (stack.xtcp.NAME, stack.tcp.NAME; blog.nN_xtcp/nN_tcp.NAME) checking the
 * values Linux TCP gives, or both stacks in one test (fixture topo) where
 * XTCP is compared with what TCP measured.
 *
 *   netns A (clients)                         netns B (server)
 *   10.0.0.1/24 "va"  <------- veth ------->  "vb" 10.0.0.2/24
 *
 * Half-open connections come from raw SYNs that A sends with the spoofed
 * source 10.0.0.99: B's permanent ARP entry for it points to a MAC nobody
 * has, so the SYN-ACKs are never answered.
 */
#include <netinet/ip_icmp.h>

#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define PORT 5000

#define NS(x) ns_use(self->t.ns[x])

/* From A: a SYN from the silent address to B:@dport. */
static int spoof_syn(int raw, int kind, uint16_t sport, uint16_t dport)
{
	struct raw_seg r = { .proto = stack_proto(kind), .saddr = inet_addr(IP_SILENT),
			    .daddr = inet_addr(IP_B), .sport = sport, .dport = dport,
			    .seq = 1000000u * sport, .flags = TH_SYN, .win = 64240,
			    .opts = raw_syn_opts, .optlen = sizeof(raw_syn_opts) };

	return raw_send(raw, &r);
}

/* Accept everything queued on @lfd without blocking; close it abortively. */
static int drain_accept(int lfd)
{
	int n = 0, a;

	sock_nonblock(lfd, 1);
	while ((a = accept(lfd, NULL, NULL)) >= 0) {
		sock_abort(a);
		n++;
	}
	sock_nonblock(lfd, 0);
	return n;
}

static int listen_row(int kind, int port, struct proc_row *r)
{
	return proc_rows(kind, port, 0, ST_LISTEN, r, 1);
}

/* Tests that hold both stacks */
TOPO_FIXTURE(topo);

/* The tests that run per stack: stack.xtcp.NAME and stack.tcp.NAME */
TOPO_STACK_FIXTURE(stack);

/*
 * The LISTEN row: rx_queue = accept queue length (as /proc/net/tcp);
 * tx_queue = the backlog (XTCP's choice, like ss's Send-Q: Linux's
 * /proc/net/tcp prints write_seq - snd_una there, always 0).
 */
TEST_F(stack, proc_listen_queues)
{
	enum stack kind = variant->stack;
	struct proc_row r;
	int lfd, cfd[3], i;

	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 5);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(1, listen_row(kind, PORT, &r));
	if (kind == STACK_XTCP) {
		EXPECT_EQ(5, r.txq);
	}
	EXPECT_EQ(0, r.rxq);
	NS(SIDE_A);
	for (i = 0; i < 3; i++) {
		cfd[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, cfd[i]);
	}
	NS(SIDE_B);
	msleep(100);
	ASSERT_EQ(1, listen_row(kind, PORT, &r));
	if (kind == STACK_XTCP) {
		EXPECT_EQ(5, r.txq);
	}
	EXPECT_EQ(3, r.rxq) TH_LOG("%s", stack_name(kind));
	sock_abort(accept(lfd, NULL, NULL));
	ASSERT_EQ(1, listen_row(kind, PORT, &r));
	EXPECT_EQ(2, r.rxq) TH_LOG("%s after one accept()", stack_name(kind));
	for (i = 0; i < 3; i++)
		sock_abort(cfd[i]);
	drain_accept(lfd);
	close(lfd);
}

/*
 * close() of a listener holding established children nobody accepted and
 * half-open requests (the lockdep report of issue 9 came from here): each
 * child's peer gets a RST (ECONNRESET), as Linux's inet_child_forget()
 * does; the requests and the listener leave /proc (Linux's requests stay
 * until their next timer tick, within about a second).
 */
TEST_F(stack, close_listener_with_queued_and_half_open)
{
	enum stack kind = variant->stack;
	int raw, i, lfd, cfd[2], err[2], rows = -1;
	double t0;
	char b;

	NS(SIDE_B);
	ASSERT_EQ(0, nl_neigh_add("vb", IP_SILENT, silent_mac));
	NS(SIDE_A);
	raw = raw_open();
	ASSERT_LE(0, raw);
	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 8);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	for (i = 0; i < 2; i++) {
		cfd[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, cfd[i]);
		ASSERT_EQ(0, spoof_syn(raw, kind, 1100 + i, PORT));
	}
	NS(SIDE_B);
	msleep(200);
	EXPECT_EQ(2, proc_rows(kind, PORT, 0, ST_SYN_RECV, NULL, 0)) TH_LOG("%s", stack_name(kind));
	close(lfd);
	t0 = now();
	while (now() - t0 < 5) {
		rows = proc_rows(kind, PORT, 0, 0, NULL, 0);
		if (!rows)
			break;
		msleep(50);
	}
	NS(SIDE_A);
	for (i = 0; i < 2; i++) {
		err[i] = 0;
		if (!sock_readable(cfd[i], 3000))
			err[i] = ETIMEDOUT;
		else if (recv(cfd[i], &b, 1, 0) < 0)
			err[i] = errno;
		close(cfd[i]);
	}
	TH_LOG("%s: rows left %d after %.2f s; clients: %s, %s", stack_name(kind), rows,
	       now() - t0, errname(err[0]), errname(err[1]));
	EXPECT_EQ(0, rows);
	EXPECT_EQ(ECONNRESET, err[0]);
	EXPECT_EQ(ECONNRESET, err[1]);
	close(raw);
}

/*
 * Half-open connections are SYN_RECV rows (state 03, timer 01, the peer's
 * address) whose retrnsmt column counts SYN-ACK retransmissions.
 */
TEST_F(stack, syn_recv_rows)
{
	enum stack kind = variant->stack;
	struct proc_row rows[8], lr;
	int raw, i, lfd, n, nrows[2], retr;

	NS(SIDE_B);
	ASSERT_EQ(0, nl_neigh_add("vb", IP_SILENT, silent_mac));
	NS(SIDE_A);
	raw = raw_open();
	ASSERT_LE(0, raw);
	NS(SIDE_B);
	lfd = sock_listen(kind, IP_B, PORT, 16);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, spoof_syn(raw, kind, 1000 + i, PORT));
	NS(SIDE_B);
	msleep(300);
	n = proc_rows(kind, PORT, 0, ST_SYN_RECV, rows, 8);
	nrows[0] = n;
	for (i = 0; i < n && i < 8; i++) {
		EXPECT_EQ(1, rows[i].timer) TH_LOG("%s row %d", stack_name(kind), i);
		EXPECT_EQ(inet_addr(IP_SILENT), rows[i].raddr);
		EXPECT_EQ(inet_addr(IP_B), rows[i].laddr);
		EXPECT_LE(1000, rows[i].rport);
		EXPECT_GE(1002, rows[i].rport);
		EXPECT_EQ(0, rows[i].retr);
		EXPECT_EQ(0, rows[i].txq);
		EXPECT_EQ(0, rows[i].rxq);
	}
	ASSERT_EQ(1, listen_row(kind, PORT, &lr));
	EXPECT_EQ(0, lr.rxq) TH_LOG("%s: half-open ones are not in the accept queue",
				    stack_name(kind));
	msleep(1300);	/* one SYN-ACK retransmission */
	n = proc_rows(kind, PORT, 0, ST_SYN_RECV, rows, 8);
	nrows[1] = n;
	retr = n > 0 ? (int)rows[0].retr : -1;
	for (i = 0; i < n && i < 8; i++)
		EXPECT_EQ(1, rows[i].retr) TH_LOG("%s row %d", stack_name(kind), i);
	close(lfd);
	TH_LOG("SYN_RECV rows: %s %d then %d (retrnsmt %d)", stack_name(kind), nrows[0],
	       nrows[1], retr);
	EXPECT_EQ(3, nrows[0]);
	if (kind == STACK_XTCP) {
		EXPECT_EQ(3, nrows[1]);
	}
	close(raw);
}

/* From A: ICMP unreachable @code about B's SYN-ACK to IP_SILENT:@dport, sequence @seq */
static int icmp_unreach(int raw, int kind, int code, uint16_t dport, uint32_t seq)
{
	struct raw_seg q = { .proto = stack_proto(kind), .saddr = inet_addr(IP_B),
			     .daddr = inet_addr(IP_SILENT), .sport = PORT, .dport = dport,
			     .seq = seq, .flags = TH_SYN | TH_ACK };

	return raw_send_unreach(raw, code, &q);
}

/*
 * ICMP errors quoting a SYN-ACK (Linux's tcp_req_err()): host unreachable
 * for our ISN drops the request at once (ListenDrops); one quoting
 * another sequence number only counts (OutOfWindowIcmps); port
 * unreachable, a soft error, leaves the request to its timer.
 */
TEST_F(stack, icmp_error_on_syn_recv)
{
	enum stack kind = variant->stack;
	struct seg segs[64], sa[3];
	long drops0, oow0, drops, oow;
	int raw, cap, lfd, i, n = 0, st[3];

	NS(SIDE_B);
	ASSERT_EQ(0, nl_neigh_add("vb", IP_SILENT, silent_mac));
	cap = cap_open("vb");
	ASSERT_LE(0, cap);
	lfd = sock_listen(kind, IP_B, PORT, 16);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	raw = raw_open();
	ASSERT_LE(0, raw);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, spoof_syn(raw, kind, 1200 + i, PORT));
	NS(SIDE_B);
	msleep(300);
	ASSERT_EQ(0, cap_read(cap, segs, &n, 64, stack_proto(kind), false));
	close(cap);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(1, seg_count(segs, n, stack_proto(kind), PORT, 1200 + i,
				       TH_SYN | TH_ACK, 0, &sa[i]))
			TH_LOG("%s: SYN-ACK %d not captured", stack_name(kind), i);
	drops0 = counter(kind, "ListenDrops");
	oow0 = counter(kind, "OutOfWindowIcmps");
	NS(SIDE_A);
	ASSERT_EQ(0, icmp_unreach(raw, kind, ICMP_HOST_UNREACH, 1200, sa[0].seq));
	ASSERT_EQ(0, icmp_unreach(raw, kind, ICMP_HOST_UNREACH, 1201, sa[1].seq + 100000));
	ASSERT_EQ(0, icmp_unreach(raw, kind, ICMP_PORT_UNREACH, 1202, sa[2].seq));
	close(raw);
	NS(SIDE_B);
	msleep(200);
	for (i = 0; i < 3; i++)
		st[i] = proc_rows(kind, PORT, 1200 + i, ST_SYN_RECV, NULL, 0);
	drops = counter(kind, "ListenDrops") - drops0;
	oow = counter(kind, "OutOfWindowIcmps") - oow0;
	TH_LOG("%s: SYN_RECV rows after host unreachable %d, with a wrong sequence %d, after port unreachable %d; ListenDrops +%ld, OutOfWindowIcmps +%ld",
	       stack_name(kind), st[0], st[1], st[2], drops, oow);
	EXPECT_EQ(0, st[0]);
	EXPECT_EQ(1, st[1]);
	EXPECT_EQ(1, st[2]);
	EXPECT_EQ(1, drops);
	EXPECT_EQ(1, oow);
	close(lfd);
}

/*
 * A client whose final ACK meets a full accept queue. @abort selects
 * net.xtcp.abort_on_overflow (and Linux's net.ipv4.tcp_abort_on_overflow).
 * Over a 100 ms link, a listener with backlog 2 (room for 3) gets two
 * clients that complete (p1, p2), then two that connect at once (c1, c2):
 * both SYNs are queued as requests (the SYN queue holds backlog + 1 = 3,
 * as Linux's), c1's ACK fills the accept queue and c2's overflows.
 */
struct ovf {
	int c2_connect;		/* the second client's connect result */
	int rxq, synrecv;	/* LISTEN rx_queue, SYN_RECV rows, after the ACKs */
	long overflows, drops, embryonic, cookies;
	int c2_err;		/* abort=1: error of the second client's recv */
	int accepted;		/* children accepted in the end */
	double t_c2;		/* abort=0: seconds to get c2's child after room was made */
	int data_ok;		/* ... with the data the client sent meanwhile */
};

static void overflow_scenario(struct __test_metadata *_metadata, struct topo *t,
			      int kind, int abort_on, struct ovf *o)
{
	long ov0, dr0, em0, ck0;
	int lfd, p[2], c1, c2, e, a, i, cap, n = 0;
	struct seg segs[100];
	struct timeval tv = { 10, 0 };
	struct proc_row r;
	char buf[16] = "";
	double t0;

	memset(o, 0, sizeof(*o));
	ns_use(t->ns[SIDE_B]);
	ASSERT_EQ(0, sysctl_set(kind == STACK_XTCP ? "net.xtcp.abort_on_overflow" :
				"net.ipv4.tcp_abort_on_overflow", abort_on ? "1" : "0"));
	lfd = sock_listen(kind, IP_B, PORT, 2);
	ASSERT_LE(0, lfd);
	ns_use(t->ns[SIDE_A]);
	for (i = 0; i < 2; i++) {
		p[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, p[i]);
	}
	msleep(300);		/* their ACKs are in */
	cap = cap_open("va");
	ns_use(t->ns[SIDE_B]);
	ov0 = counter(kind, "ListenOverflows");
	dr0 = counter(kind, "ListenDrops");
	em0 = counter(kind, "EmbryonicRsts");
	ck0 = counter(kind, "SyncookiesSent");
	ns_use(t->ns[SIDE_A]);
	c1 = sock_connect_nb(kind, IP_B, PORT, &e);
	ASSERT_LE(0, c1);
	c2 = sock_connect_nb(kind, IP_B, PORT, &e);
	ASSERT_LE(0, c2);
	EXPECT_EQ(0, sock_wait_connected(c1, 2000));
	o->c2_connect = sock_wait_connected(c2, 2000);
	msleep(400);		/* both final ACKs are in */
	ns_use(t->ns[SIDE_B]);
	if (listen_row(kind, PORT, &r) == 1)
		o->rxq = r.rxq;
	o->synrecv = proc_rows(kind, PORT, 0, ST_SYN_RECV, NULL, 0);
	if (!abort_on) {
		/* data sent while the request waits for room must arrive */
		ASSERT_EQ(5, write(c2, "data2", 5));
		msleep(1000);
	} else {
		struct pollfd pf = { .fd = c2, .events = POLLIN };
		ssize_t nr;

		poll(&pf, 1, 1000);
		nr = recv(c2, buf, sizeof(buf), MSG_DONTWAIT);
		o->c2_err = nr < 0 ? errno : 0;
	}
	o->overflows = counter(kind, "ListenOverflows") - ov0;
	o->drops = counter(kind, "ListenDrops") - dr0;
	o->embryonic = counter(kind, "EmbryonicRsts") - em0;
	o->cookies = counter(kind, "SyncookiesSent") - ck0;

	/* make room: p1, p2 and c1 are queued */
	for (i = 0; i < 3; i++) {
		a = accept(lfd, NULL, NULL);
		if (a >= 0)
			o->accepted++;
		sock_abort(a);
	}
	if (!abort_on) {
		t0 = now();
		setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		a = accept(lfd, NULL, NULL);
		o->t_c2 = now() - t0;
		if (a >= 0) {
			o->accepted++;
			if (sock_readable(a, 10000) &&
			    recv(a, buf, sizeof(buf) - 1, MSG_DONTWAIT) == 5 && !strcmp(buf, "data2"))
				o->data_ok = 1;
		}
		sock_abort(a);
	}
	TH_LOG("%s abort_on_overflow=%d: c2 connect %s, rx_queue %d, SYN_RECV rows %d, "
	       "ListenOverflows +%ld ListenDrops +%ld EmbryonicRsts +%ld SyncookiesSent +%ld, "
	       "c2 recv %s, accepted %d, c2 child %.2f s after room, data %d", stack_name(kind),
	       abort_on, errname(o->c2_connect), o->rxq, o->synrecv, o->overflows, o->drops,
	       o->embryonic, o->cookies, errname(o->c2_err), o->accepted, o->t_c2, o->data_ok);
	ns_use(t->ns[SIDE_A]);
	if (cap >= 0) {
		/* the clients' view of it, with XTCP_VERBOSE=1 */
		cap_read(cap, segs, &n, 100, 0, false);
		for (i = 0; getenv("XTCP_VERBOSE") && i < n; i++)
			seg_print(&segs[i], segs[0].t);
		close(cap);
	}
	sock_abort(p[0]);
	sock_abort(p[1]);
	sock_abort(c1);
	sock_abort(c2);
	close(lfd);
}

/* abort_on_overflow=0: the ACK is dropped, the request stays, and the
 * connection completes (with its data) once accept() makes room.
 */
TEST_F_TIMEOUT(stack, overflow_keeps_request, 60)
{
	enum stack kind = variant->stack;
	struct ovf o;

	NS(SIDE_B);
	ASSERT_EQ(0, netem_delay_loss("vb", 100, 0));
	NS(SIDE_A);
	ASSERT_EQ(0, netem_delay_loss("va", 100, 0));
	overflow_scenario(_metadata, &self->t, kind, 0, &o);
	EXPECT_EQ(0, o.c2_connect);
	EXPECT_EQ(3, o.rxq);
	EXPECT_EQ(1, o.synrecv);
	EXPECT_EQ(4, o.accepted);
	EXPECT_EQ(1, o.data_ok);
	if (kind == STACK_XTCP) {
		EXPECT_LE(1, o.overflows);
		EXPECT_LE(1, o.drops);
		EXPECT_EQ(0, o.embryonic);
		EXPECT_EQ(0, o.cookies);
	}
}

/* abort_on_overflow=1: the server resets the second client (ECONNRESET),
 * counting EmbryonicRsts and ListenOverflows.
 */
TEST_F_TIMEOUT(topo, overflow_abort_on_overflow, 60)
{
	struct ovf o[2];
	int kind;

	NS(SIDE_B);
	ASSERT_EQ(0, netem_delay_loss("vb", 100, 0));
	NS(SIDE_A);
	ASSERT_EQ(0, netem_delay_loss("va", 100, 0));
	for_each_stack(kind)
		overflow_scenario(_metadata, &self->t, kind, 1, &o[kind]);
	EXPECT_EQ(0, o[STACK_XTCP].c2_connect);
	EXPECT_EQ(ECONNRESET, o[STACK_XTCP].c2_err);
	EXPECT_EQ(3, o[STACK_XTCP].rxq);
	EXPECT_EQ(0, o[STACK_XTCP].synrecv);
	EXPECT_EQ(1, o[STACK_XTCP].embryonic);
	EXPECT_LE(1, o[STACK_XTCP].overflows);
	EXPECT_EQ(0, o[STACK_XTCP].cookies);
	EXPECT_EQ(3, o[STACK_XTCP].accepted);
	EXPECT_EQ(o[STACK_TCP].accepted, o[STACK_XTCP].accepted);
	EXPECT_EQ(o[STACK_TCP].c2_err, o[STACK_XTCP].c2_err);
	EXPECT_EQ(o[STACK_TCP].rxq, o[STACK_XTCP].rxq);
	EXPECT_EQ(o[STACK_TCP].synrecv, o[STACK_XTCP].synrecv);
	EXPECT_EQ(o[STACK_TCP].embryonic, o[STACK_XTCP].embryonic);
	EXPECT_EQ(o[STACK_TCP].overflows, o[STACK_XTCP].overflows);
}

/*
 * Three late clients and syncookies off (the second overflow case):
 * over the same 100 ms link, a listener with backlog 2 has two completed
 * children queued (p1, p2), then three clients connect at once (c1-c3).
 * The SYN queue takes all three (it holds backlog + 1); the first ACK
 * fills the accept queue and the other two meet it full (abort_on_overflow:
 * reset, or dropped with the request kept). After 2.5 s every client's
 * state is taken, the queue emptied, and children accepted for up to 8 s
 * more (kept open, so that the clients' end state is theirs). Both stacks
 * must end the same way: which clients were reset, which were still
 * connecting, how many children.
 */
struct late {
	int est, reset, pending;	/* clients at 2.5 s */
	int accepted;			/* children after room was made (c1-c3) */
	int fin_est, fin_reset, fin_pending;	/* clients in the end */
	long overflows, drops;
};

/* a client: 0 connected, 1 reset (or refused), 2 still connecting; poll
 * only, so that the error stays for the next look
 */
static int client_state(int fd)
{
	int ev = sock_poll(fd, POLLIN | POLLOUT, 0);

	if (ev & (POLLERR | POLLHUP))
		return 1;
	return ev & POLLOUT ? 0 : 2;
}

static void late_scenario(struct __test_metadata *_metadata, struct topo *t, int kind,
			  int abort_on, struct late *o)
{
	int lfd, p[2], c[3], ch[5], nch = 0, e, a, i, st;
	struct timeval tv = { 8, 0 };
	long ov0, dr0;

	memset(o, 0, sizeof(*o));
	ns_use(t->ns[SIDE_B]);
	ASSERT_EQ(0, sysctl_set(kind == STACK_XTCP ? "net.xtcp.abort_on_overflow" :
				"net.ipv4.tcp_abort_on_overflow", abort_on ? "1" : "0"));
	ASSERT_EQ(0, sysctl_set(kind == STACK_XTCP ? "net.xtcp.syncookies" :
				"net.ipv4.tcp_syncookies", "0"));
	ov0 = counter(kind, "ListenOverflows");
	dr0 = counter(kind, "ListenDrops");
	lfd = sock_listen(kind, IP_B, PORT, 2);
	ASSERT_LE(0, lfd);
	ns_use(t->ns[SIDE_A]);
	for (i = 0; i < 2; i++) {
		p[i] = sock_connect(kind, 0, IP_B, PORT);
		ASSERT_LE(0, p[i]);
	}
	msleep(300);		/* their ACKs are in */
	for (i = 0; i < 3; i++) {
		c[i] = sock_connect_nb(kind, IP_B, PORT, &e);
		ASSERT_LE(0, c[i]);
	}
	msleep(2500);
	for (i = 0; i < 3; i++) {
		st = client_state(c[i]);
		o->est += st == 0;
		o->reset += st == 1;
		o->pending += st == 2;
	}
	/* make room: p1, p2 and whatever else completed */
	ns_use(t->ns[SIDE_B]);
	sock_nonblock(lfd, 1);
	while (nch < 5 && (a = accept(lfd, NULL, NULL)) >= 0)
		ch[nch++] = a;
	sock_nonblock(lfd, 0);
	setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (nch < 5 - o->reset && (a = accept(lfd, NULL, NULL)) >= 0)
		ch[nch++] = a;
	o->accepted = nch - 2;
	o->overflows = counter(kind, "ListenOverflows") - ov0;
	o->drops = counter(kind, "ListenDrops") - dr0;
	ns_use(t->ns[SIDE_A]);
	msleep(300);		/* the accepted clients' last ACKs */
	for (i = 0; i < 3; i++) {
		st = client_state(c[i]);
		o->fin_est += st == 0;
		o->fin_reset += st == 1;
		o->fin_pending += st == 2;
	}
	TH_LOG("%s abort_on_overflow=%d, syncookies 0: at 2.5 s %d established, %d reset, "
	       "%d connecting; then %d children accepted; in the end %d established, %d reset, "
	       "%d connecting; ListenOverflows +%ld ListenDrops +%ld", stack_name(kind),
	       abort_on, o->est, o->reset, o->pending, o->accepted, o->fin_est, o->fin_reset,
	       o->fin_pending, o->overflows, o->drops);
	for (i = 0; i < nch; i++)
		sock_abort(ch[i]);
	sock_abort(p[0]);
	sock_abort(p[1]);
	for (i = 0; i < 3; i++)
		sock_abort(c[i]);
	close(lfd);
}

static void late_compare(struct __test_metadata *_metadata, struct topo *t, int abort_on)
{
	struct late o[2];
	int kind;

	ns_use(t->ns[SIDE_B]);
	ASSERT_EQ(0, netem_delay_loss("vb", 100, 0));
	ns_use(t->ns[SIDE_A]);
	ASSERT_EQ(0, netem_delay_loss("va", 100, 0));
	for_each_stack(kind)
		late_scenario(_metadata, t, kind, abort_on, &o[kind]);
	/* what Linux does, so that the comparison means something: the
	 * accept queue did overflow
	 */
	EXPECT_LE(1, o[STACK_TCP].overflows);
	EXPECT_EQ(o[STACK_TCP].est, o[STACK_XTCP].est);
	EXPECT_EQ(o[STACK_TCP].reset, o[STACK_XTCP].reset);
	EXPECT_EQ(o[STACK_TCP].pending, o[STACK_XTCP].pending);
	EXPECT_EQ(o[STACK_TCP].accepted, o[STACK_XTCP].accepted);
	EXPECT_EQ(o[STACK_TCP].fin_est, o[STACK_XTCP].fin_est);
	EXPECT_EQ(o[STACK_TCP].fin_reset, o[STACK_XTCP].fin_reset);
	EXPECT_EQ(o[STACK_TCP].fin_pending, o[STACK_XTCP].fin_pending);
	EXPECT_EQ(0, o[STACK_XTCP].fin_pending);
}

/* abort_on_overflow=0: every late client is a child in the end */
TEST_F_TIMEOUT(topo, overflow_three_late_nocookies_keep, 60)
{
	late_compare(_metadata, &self->t, 0);
}

/* abort_on_overflow=1: the ACK meeting the full queue is answered by a
 * reset; the others complete once there is room
 */
TEST_F_TIMEOUT(topo, overflow_three_late_nocookies_abort, 60)
{
	late_compare(_metadata, &self->t, 1);
}

/*
 * SYN-ACKs to a peer that never answers: first at once, then after 1 s,
 * 2 s ..., 1 + net.xtcp.synack_retries in all (the listener's TCP_SYNCNT
 * overrides), then the request is gone. Counted on B's veth.
 */
TEST_F_TIMEOUT(topo, synack_retransmits, 60)
{
	static const struct { int kind, syncnt; } L[4] = {
		{ STACK_XTCP, 0 }, { STACK_XTCP, 1 }, { STACK_TCP, 0 }, { STACK_TCP, 1 } };
	struct seg *segs = calloc(512, sizeof(*segs));
	double t_syn[4][8];
	int lfd[4], nsa[4] = { 0 }, cap, raw, i, j, n = 0, left = -1;
	long retr0[2], retr1[2];
	double t0;

	ASSERT_NE(NULL, segs);
	NS(SIDE_B);
	ASSERT_EQ(0, nl_neigh_add("vb", IP_SILENT, silent_mac));
	ASSERT_EQ(0, sysctl_set("net.xtcp.synack_retries", "2"));
	ASSERT_EQ(0, sysctl_set("net.ipv4.tcp_synack_retries", "2"));
	cap = cap_open("vb");
	ASSERT_LE(0, cap);
	for (i = 0; i < 4; i++) {
		lfd[i] = stack_socket(L[i].kind);
		ASSERT_LE(0, lfd[i]);
		if (L[i].syncnt) {
			ASSERT_EQ(0, setsockopt(lfd[i], SOL_TCP, TCP_SYNCNT, &L[i].syncnt, sizeof(int)));
		}
		ASSERT_EQ(0, sock_bind(lfd[i], IP_B, PORT + i));
		ASSERT_EQ(0, listen(lfd[i], 16));
	}
	retr0[0] = counter(STACK_XTCP, "RetransSegs");
	retr0[1] = counter(STACK_TCP, "RetransSegs");
	NS(SIDE_A);
	raw = raw_open();
	ASSERT_LE(0, raw);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, spoof_syn(raw, L[i].kind, 2000 + i, PORT + i));
	NS(SIDE_B);
	t0 = now();
	/* 2 retries: SYN-ACKs at 0, 1, 3 s, request dropped at 7 s */
	while (now() - t0 < 12) {
		msleep(250);
		left = proc_rows(STACK_XTCP, 0, 0, ST_SYN_RECV, NULL, 0) +
		       proc_rows(STACK_TCP, 0, 0, ST_SYN_RECV, NULL, 0);
		if (!left && now() - t0 > 6)
			break;
	}
	TH_LOG("all requests gone after %.1f s", now() - t0);
	EXPECT_EQ(0, left);
	retr1[0] = counter(STACK_XTCP, "RetransSegs");
	retr1[1] = counter(STACK_TCP, "RetransSegs");
	cap_read(cap, segs, &n, 512, 0, false);
	for (i = 0; i < n; i++) {
		if (segs[i].flags != (TH_SYN | TH_ACK) || segs[i].sport < PORT ||
		    segs[i].sport > PORT + 3)
			continue;
		j = segs[i].sport - PORT;
		if (nsa[j] < 8)
			t_syn[j][nsa[j]++] = segs[i].t;
	}
	for (i = 0; i < 4; i++) {
		TH_LOG("%s TCP_SYNCNT=%d: %d SYN-ACKs, gaps %.2f %.2f", stack_name(L[i].kind),
		       L[i].syncnt, nsa[i], nsa[i] > 1 ? t_syn[i][1] - t_syn[i][0] : 0,
		       nsa[i] > 2 ? t_syn[i][2] - t_syn[i][1] : 0);
		EXPECT_EQ(L[i].syncnt ? 2 : 3, nsa[i]);
		if (nsa[i] > 1) {
			EXPECT_LT(0.8, t_syn[i][1] - t_syn[i][0]);
			EXPECT_GT(1.6, t_syn[i][1] - t_syn[i][0]);
		}
		if (nsa[i] > 2) {
			EXPECT_LT(1.8, t_syn[i][2] - t_syn[i][1]);
			EXPECT_GT(2.8, t_syn[i][2] - t_syn[i][1]);
		}
		close(lfd[i]);
	}
	TH_LOG("RetransSegs +%ld XTCP, +%ld TCP", retr1[0] - retr0[0], retr1[1] - retr0[1]);
	EXPECT_EQ(3, retr1[0] - retr0[0]);
	EXPECT_EQ(retr1[1] - retr0[1], retr1[0] - retr0[0]);
	close(raw);
	close(cap);
	free(segs);
}

/*
 * Backlog N: with no accept() at all, N+1 clients complete their
 * handshake, later SYNs are dropped (ListenOverflows, ListenDrops):
 * the same count as a Linux TCP listener (variants: backlog x stack).
 */
TOPO_FIXTURE(blog);

FIXTURE_VARIANT(blog) {
	int backlog;
	enum stack stack;
};

FIXTURE_VARIANT_ADD(blog, n0_xtcp) { .backlog = 0, .stack = STACK_XTCP };
FIXTURE_VARIANT_ADD(blog, n0_tcp) { .backlog = 0, .stack = STACK_TCP };
FIXTURE_VARIANT_ADD(blog, n1_xtcp) { .backlog = 1, .stack = STACK_XTCP };
FIXTURE_VARIANT_ADD(blog, n1_tcp) { .backlog = 1, .stack = STACK_TCP };
FIXTURE_VARIANT_ADD(blog, n3_xtcp) { .backlog = 3, .stack = STACK_XTCP };
FIXTURE_VARIANT_ADD(blog, n3_tcp) { .backlog = 3, .stack = STACK_TCP };


TEST_F(blog, accept_queue_holds_backlog_plus_one)
{
	enum stack kind = variant->stack;
	int nc = variant->backlog + 3, fds[8], st[8], i, lfd, e, est = 0, rxq = -1;
	long ov0, dr0, ov, dr;
	struct proc_row r;

	NS(SIDE_B);
	ov0 = counter(kind, "ListenOverflows");
	dr0 = counter(kind, "ListenDrops");
	lfd = sock_listen(kind, IP_B, PORT, variant->backlog);
	ASSERT_LE(0, lfd);
	NS(SIDE_A);
	for (i = 0; i < nc; i++) {
		double t0 = now();

		fds[i] = sock_connect_nb(kind, IP_B, PORT, &e);
		ASSERT_LE(0, fds[i]);
		sock_wait_connected(fds[i], 900);
		st[i] = (now() - t0) * 1000;
	}
	/* the final count: later SYNs keep being dropped */
	for (i = 0; i < nc; i++) {
		if (sock_wait_connected(fds[i], 0) == 0)
			est++;
		else
			st[i] = -1;
	}
	TH_LOG("%s: ms per client (-1: not established): %d %d %d %d %d %d", stack_name(kind),
	       st[0], st[1], st[2], nc > 3 ? st[3] : 0, nc > 4 ? st[4] : 0,
	       nc > 5 ? st[5] : 0);
	NS(SIDE_B);
	if (listen_row(kind, PORT, &r) == 1)
		rxq = r.rxq;
	ov = counter(kind, "ListenOverflows") - ov0;
	dr = counter(kind, "ListenDrops") - dr0;
	TH_LOG("%s backlog %d: %d of %d clients established, rx_queue %d, "
	       "ListenOverflows +%ld ListenDrops +%ld", stack_name(kind), variant->backlog,
	       est, nc, rxq, ov, dr);
	for (i = 0; i < nc; i++)
		sock_abort(fds[i]);
	close(lfd);
	EXPECT_EQ(variant->backlog + 1, est);
	EXPECT_EQ(variant->backlog + 1, rxq);
	if (kind == STACK_XTCP) {
		EXPECT_LE(2, ov);
		EXPECT_LE(2, dr);
	}
}

XTCP_HARNESS_MAIN
