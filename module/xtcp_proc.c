// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp: XTCP sockets of the namespace in exactly /proc/net/tcp's
 * format (same header, same columns; the kernel-pointer column is zeros).
 * /proc/net/xtcp6: the IPv6 ones in /proc/net/tcp6's format. A socket is
 * listed by its sock's family: an IPv4 connection accepted by a listener
 * on "::" (or addressed with a v4-mapped sockaddr_in6) is an IPv4 socket
 * in XTCP and shows in /proc/net/xtcp (Linux lists it in tcp6 with
 * ::ffff: addresses).
 * /proc/net/xtcp_stat: the namespace's counters, one "Name value" a line.
 * /proc/net/xtcp_sockstat: sockets in use, orphans, TIME_WAIT entries.
 */
#include "xtcp.h"

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define XTCP_PROC_LINE 150	/* TMPSZ of net/ipv4/tcp_ipv4.c */

/*
 * Iterator over the listen hash, then the connection hash, under RCU.
 * @bucket/@offset remember where @pos was so that reading in pages does
 * not restart from the first bucket each time.
 */
struct xtcp_iter {
	struct seq_net_private p;	/* must be first */
	int family;			/* AF_INET: xtcp, AF_INET6: xtcp6 */
	int phase;			/* 0: lhash, 1: ehash */
	int bucket;
	int offset;
	loff_t last_pos;
};

static struct hlist_head *xtcp_iter_head(struct xtcp_hashinfo *h, int phase,
					 int bucket)
{
	if (phase == 0)
		return bucket < ARRAY_SIZE(h->lhash) ? &h->lhash[bucket] : NULL;
	return bucket < (1 << XTCP_EHASH_BITS) ? &h->ehash[bucket] : NULL;
}

/* the family of a listen-hash (phase 0) or ehash (phase 1) node */
static int xtcp_node_family(int phase, struct hlist_node *node)
{
	if (phase == 0)
		return hlist_entry(node, struct xtcp_sock,
				   listen_node)->inet.sk.sk_family;
	return hlist_entry(node, struct xtcp_ent, node)->family;
}

/* the @n-th node of @family in @head (from 0), or NULL */
static struct hlist_node *xtcp_iter_nth(struct hlist_head *head, int phase,
					int family, int n)
{
	struct hlist_node *node;

	for (node = rcu_dereference(hlist_first_rcu(head)); node;
	     node = rcu_dereference(hlist_next_rcu(node))) {
		if (xtcp_node_family(phase, node) != family)
			continue;
		if (!n--)
			break;
	}
	return node;
}

/* Find the entry at (st->phase, st->bucket, st->offset) or the next one. */
static void *xtcp_iter_find(struct seq_file *seq)
{
	struct xtcp_iter *st = seq->private;
	struct xtcp_hashinfo *h = &xtcp_pernet(seq_file_net(seq))->hash;
	struct hlist_node *node;
	struct hlist_head *head;

	for (; st->phase < 2; st->phase++, st->bucket = 0) {
		for (; (head = xtcp_iter_head(h, st->phase, st->bucket));
		     st->bucket++, st->offset = 0) {
			node = xtcp_iter_nth(head, st->phase, st->family,
					     st->offset);
			if (node)
				return node;
		}
	}
	return NULL;
}


static void *xtcp_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct xtcp_iter *st = seq->private;
	loff_t n;
	void *v;

	rcu_read_lock();
	st->family = (long)pde_data(file_inode(seq->file));
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos != st->last_pos || !st->last_pos) {
		st->phase = 0;
		st->bucket = 0;
		st->offset = 0;
		for (n = 1; n < *pos; n++) {
			if (!xtcp_iter_find(seq))
				return NULL;
			st->offset++;
		}
	}
	v = xtcp_iter_find(seq);
	st->last_pos = *pos;
	return v;
}

static void *xtcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct xtcp_iter *st = seq->private;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		st->phase = 0;
		st->bucket = 0;
		st->offset = 0;
	} else {
		st->offset++;
	}
	v = xtcp_iter_find(seq);
	st->last_pos = *pos;
	return v;
}

static void xtcp_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

/**
 * xtcp_sock_timer() - the timer of a socket, as /proc/net/tcp's "tr" column
 * @sk: a full socket
 * @state: its state (inet_sk_state_load())
 * @expires: set to the jiffies it fires at (now when none is pending)
 *
 * /proc/net/xtcp and sock_diag (xtcp_diag.c) both report this, so that
 * they agree.
 * Context: any; timers are read without the socket lock, as /proc does.
 * Return: 1 retransmit (RTO, RACK reordering, loss probe), 4 zero-window
 * probe, 2 keepalive or FIN_WAIT2, 3 an orphan in FIN_WAIT2 (Linux shows
 * it as a TIME_WAIT entry), 0 none.
 */
int xtcp_sock_timer(struct sock *sk, int state, unsigned long *expires)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (timer_pending(&xs->retrans_timer)) {
		*expires = xs->retrans_timer.expires;
		return READ_ONCE(xs->xmit_timer) == XTCP_XMIT_PROBE0 ? 4 : 1;
	}
	if (timer_pending(&sk->sk_timer)) {
		*expires = sk->sk_timer.expires;
		/* Linux shows an orphan in FIN_WAIT2 as a timewait entry */
		return state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD) ? 3 : 2;
	}
	*expires = jiffies;
	return 0;
}

/**
 * xtcp_sock_queues() - receive and send queue lengths of a socket
 * @sk: a full socket
 * @state: its state (inet_sk_state_load())
 * @rx: set to unread bytes; for a listener, connections waiting in the
 *	accept queue
 * @tx: set to unacknowledged bytes (0 during the handshake); for a
 *	listener, its backlog
 *
 * What /proc/net/xtcp prints as rx_queue and tx_queue and sock_diag as
 * Recv-Q and Send-Q (Linux's tcp_diag values).
 * Context: any; read without the socket lock.
 */
void xtcp_sock_queues(struct sock *sk, int state, u32 *rx, u32 *tx)
{
	struct xtcp_sock *xs = xtcp_sk(sk);

	if (state == TCP_LISTEN) {
		*rx = READ_ONCE(sk->sk_ack_backlog);
		*tx = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	*rx = max_t(int, READ_ONCE(xs->rcv_nxt) - READ_ONCE(xs->copied_seq), 0);
	*tx = READ_ONCE(xs->write_seq) - READ_ONCE(xs->snd_una);
	if ((1 << state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
		*tx = 0;
}

/*
 * What get_tcp4_sock() and get_tcp6_sock() print after the addresses:
 * state, queues, timer, retransmits, owner, probes, inode, refcount, rto,
 * ato, quick-ack, cwnd and ssthresh.
 */
static void xtcp_show_sock_tail(struct seq_file *f, struct sock *sk)
{
	struct xtcp_sock *xs = xtcp_sk(sk);
	int state = inet_sk_state_load(sk);
	u32 tx_queue, rx_queue;
	unsigned long expires;
	int timer;

	xtcp_sock_queues(sk, state, &rx_queue, &tx_queue);
	timer = xtcp_sock_timer(sk, state, &expires);
	seq_printf(f, " %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016x %lu %lu %u %u %d",
		   state, tx_queue, rx_queue, timer,
		   jiffies_delta_to_clock_t(expires - jiffies),
		   xs->retransmits,
		   from_kuid_munged(seq_user_ns(f), xtcp_sk_uid(sk)),
		   xs->probes_out, sock_i_ino(sk),
		   refcount_read(&sk->sk_refcnt), 0,
		   jiffies_to_clock_t(xs->rto), jiffies_to_clock_t(xs->ato),
		   xs->quickack << 1 | xtcp_in_pingpong(xs),
		   xs->cwnd ? xs->cwnd : XTCP_INIT_CWND,
		   state == TCP_LISTEN ? 0 :
		   (xs->ssthresh >= 0x7fffffff || !xs->ssthresh) ? -1 :
		   (int)xs->ssthresh);
}

/* An IPv4 socket, as get_tcp4_sock(). */
static void xtcp_show_sock(struct seq_file *f, struct sock *sk, int i)
{
	const struct inet_sock *inet = inet_sk(sk);

	seq_printf(f, "%4d: %08X:%04X %08X:%04X", i,
		   inet->inet_rcv_saddr, ntohs(inet->inet_sport),
		   inet->inet_daddr, ntohs(inet->inet_dport));
	xtcp_show_sock_tail(f, sk);
}

/* An IPv6 address as /proc/net/tcp6 prints it: four %08X words */
static const char *xtcp_addr6(char buf[33], const struct in6_addr *a)
{
	snprintf(buf, 33, "%08X%08X%08X%08X", a->s6_addr32[0],
		 a->s6_addr32[1], a->s6_addr32[2], a->s6_addr32[3]);
	return buf;
}

/* An IPv6 socket, as get_tcp6_sock(). */
static void xtcp_show_sock6(struct seq_file *f, struct sock *sk, int i)
{
	char s6[33], d6[33];

	seq_printf(f, "%4d: %s:%04X %s:%04X", i,
		   xtcp_addr6(s6, &sk->sk_v6_rcv_saddr), ntohs(inet_sk(sk)->inet_sport),
		   xtcp_addr6(d6, &sk->sk_v6_daddr), ntohs(inet_sk(sk)->inet_dport));
	xtcp_show_sock_tail(f, sk);
	seq_putc(f, '\n');
}

/* An IPv6 TIME_WAIT entry, as get_timewait6_sock(). */
static void xtcp_show_tw6(struct seq_file *f, struct xtcp_tw *tw, int i)
{
	long delta = xtcp_tw_expires_in(tw);
	char s6[33], d6[33];

	seq_printf(f, "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %016x\n",
		   i, xtcp_addr6(s6, &tw->ent.laddr6), ntohs(tw->ent.lport),
		   xtcp_addr6(d6, &tw->ent.raddr6), ntohs(tw->ent.rport),
		   TCP_TIME_WAIT, 0, 0, 3, jiffies_delta_to_clock_t(delta), 0,
		   0, 0, 0, refcount_read(&tw->refcnt), 0);
}

/* An IPv6 SYN_RECV request, as get_openreq6(). */
static void xtcp_show_req6(struct seq_file *f, struct xtcp_request *req, int i)
{
	long ttd = req->timer.expires - jiffies;
	char s6[33], d6[33];

	seq_printf(f, "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %d %d %016x\n",
		   i, xtcp_addr6(s6, &req->ent.laddr6), ntohs(req->ent.lport),
		   xtcp_addr6(d6, &req->ent.raddr6), ntohs(req->ent.rport),
		   TCP_SYN_RECV, 0, 0, 1, jiffies_delta_to_clock_t(ttd),
		   req->num_timeout,
		   from_kuid_munged(seq_user_ns(f), xtcp_sk_uid(req->listener)),
		   0, 0, 0, 0);
}

/* A TIME_WAIT entry, as get_timewait4_sock(): no queues, owner or inode. */
static void xtcp_show_tw(struct seq_file *f, struct xtcp_tw *tw, int i)
{
	long delta = xtcp_tw_expires_in(tw);

	seq_printf(f, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %016x",
		   i, tw->ent.laddr, ntohs(tw->ent.lport), tw->ent.raddr,
		   ntohs(tw->ent.rport), TCP_TIME_WAIT, 0, 0, 3,
		   jiffies_delta_to_clock_t(delta), 0, 0, 0, 0,
		   refcount_read(&tw->refcnt), 0);
}

/* A SYN_RECV request, as get_openreq4(). */
static void xtcp_show_req(struct seq_file *f, struct xtcp_request *req, int i)
{
	long ttd = req->timer.expires - jiffies;

	seq_printf(f, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %d %d %016x",
		   i, req->ent.laddr, ntohs(req->ent.lport), req->ent.raddr,
		   ntohs(req->ent.rport), TCP_SYN_RECV, 0, 0, 1,
		   jiffies_delta_to_clock_t(ttd), req->num_timeout,
		   from_kuid_munged(seq_user_ns(f), xtcp_sk_uid(req->listener)),
		   0, 0, 0, 0);
}

/**
 * struct xtcp_proc_fmt - how one /proc file prints its three kinds of row
 * @sock: a full socket (listener or connection)
 * @tw: a TIME_WAIT entry
 * @req: a SYN_RECV request
 */
struct xtcp_proc_fmt {
	void (*sock)(struct seq_file *f, struct sock *sk, int i);
	void (*tw)(struct seq_file *f, struct xtcp_tw *tw, int i);
	void (*req)(struct seq_file *f, struct xtcp_request *req, int i);
};

static const struct xtcp_proc_fmt xtcp_proc_fmt4 = {
	.sock	= xtcp_show_sock,
	.tw	= xtcp_show_tw,
	.req	= xtcp_show_req,
};

static const struct xtcp_proc_fmt xtcp_proc_fmt6 = {
	.sock	= xtcp_show_sock6,
	.tw	= xtcp_show_tw6,
	.req	= xtcp_show_req6,
};

/* The row of iterator element @v (a listener in phase 0, else an ehash entry). */
static void xtcp_show_row(struct seq_file *seq, void *v, const struct xtcp_proc_fmt *fmt)
{
	struct xtcp_iter *st = seq->private;
	int i = st->last_pos - 1;
	struct xtcp_ent *e;

	if (st->phase == 0) {
		fmt->sock(seq, &hlist_entry(v, struct xtcp_sock, listen_node)->inet.sk, i);
		return;
	}
	e = hlist_entry(v, struct xtcp_ent, node);
	if (e->kind == XTCP_ENT_SOCK)
		fmt->sock(seq, &xtcp_ent_sock(e)->inet.sk, i);
	else if (e->kind == XTCP_ENT_TW)
		fmt->tw(seq, xtcp_ent_tw(e), i);
	else
		fmt->req(seq, xtcp_ent_req(e), i);
}

/* /proc/net/xtcp, as tcp4_seq_show(): lines padded to a fixed width */
static int xtcp_seq_show(struct seq_file *seq, void *v)
{
	seq_setwidth(seq, XTCP_PROC_LINE - 1);
	if (v == SEQ_START_TOKEN)
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	else
		xtcp_show_row(seq, v, &xtcp_proc_fmt4);
	seq_pad(seq, '\n');
	return 0;
}

/* /proc/net/xtcp6, as tcp6_seq_show(): no line padding */
static int xtcp6_seq_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN)
		seq_puts(seq, "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
	else
		xtcp_show_row(seq, v, &xtcp_proc_fmt6);
	return 0;
}

static const struct seq_operations xtcp_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp_seq_show,
};

static const struct seq_operations xtcp6_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp6_seq_show,
};

static const char *const xtcp_mib_names[XTCP_MIB_MAX] = {
	[XTCP_MIB_ACTIVEOPENS]		= "ActiveOpens",
	[XTCP_MIB_PASSIVEOPENS]		= "PassiveOpens",
	[XTCP_MIB_ATTEMPTFAILS]		= "AttemptFails",
	[XTCP_MIB_ESTABRESETS]		= "EstabResets",
	[XTCP_MIB_CURRESTAB]		= "CurrEstab",
	[XTCP_MIB_INSEGS]		= "InSegs",
	[XTCP_MIB_OUTSEGS]		= "OutSegs",
	[XTCP_MIB_RETRANSSEGS]		= "RetransSegs",
	[XTCP_MIB_INERRS]		= "InErrs",
	[XTCP_MIB_OUTRSTS]		= "OutRsts",
	[XTCP_MIB_INCSUMERRORS]		= "InCsumErrors",
	[XTCP_MIB_LISTENOVERFLOWS]	= "ListenOverflows",
	[XTCP_MIB_LISTENDROPS]		= "ListenDrops",
	[XTCP_MIB_EMBRYONICRSTS]	= "EmbryonicRsts",
	[XTCP_MIB_SYNCOOKIESSENT]	= "SyncookiesSent",
	[XTCP_MIB_SYNCOOKIESRECV]	= "SyncookiesRecv",
	[XTCP_MIB_SYNCOOKIESFAILED]	= "SyncookiesFailed",
	[XTCP_MIB_TCPKEEPALIVE]		= "TCPKeepAlive",
	[XTCP_MIB_TCPABORTONTIMEOUT]	= "TCPAbortOnTimeout",
	[XTCP_MIB_TIMEWAITED]		= "TimeWaited",
	[XTCP_MIB_TCPTIMEWAITOVERFLOW]	= "TCPTimeWaitOverflow",
	[XTCP_MIB_TCPABORTONDATA]	= "TCPAbortOnData",
	[XTCP_MIB_TCPABORTONCLOSE]	= "TCPAbortOnClose",
	[XTCP_MIB_TCPABORTONLINGER]	= "TCPAbortOnLinger",
	[XTCP_MIB_TCPCHALLENGEACK]	= "TCPChallengeACK",
	[XTCP_MIB_TCPREQQFULLDROP]	= "TCPReqQFullDrop",
	[XTCP_MIB_TCPREQQFULLDOCOOKIES]	= "TCPReqQFullDoCookies",
	[XTCP_MIB_TCPRCVQDROP]		= "TCPRcvQDrop",
	[XTCP_MIB_TCPOFODROP]		= "TCPOFODrop",
	[XTCP_MIB_TCPZEROWINDOWDROP]	= "TCPZeroWindowDrop",
	[XTCP_MIB_TCPTIMEOUTS]		= "TCPTimeouts",
	[XTCP_MIB_TCPSACKRECOVERY]	= "TCPSackRecovery",
	[XTCP_MIB_TCPRENORECOVERY]	= "TCPRenoRecovery",
	[XTCP_MIB_TCPOFOQUEUE]		= "TCPOFOQueue",
	[XTCP_MIB_TCPFULLUNDO]		= "TCPFullUndo",
	[XTCP_MIB_TCPLOSSUNDO]		= "TCPLossUndo",
	[XTCP_MIB_TCPBACKLOGDROP]	= "TCPBacklogDrop",
	[XTCP_MIB_OFOPRUNED]		= "OfoPruned",
	[XTCP_MIB_OUTOFWINDOWICMPS]	= "OutOfWindowIcmps",
	[XTCP_MIB_TCPRCVCOLLAPSED]	= "TCPRcvCollapsed",
	[XTCP_MIB_TCPLOSSPROBES]	= "TCPLossProbes",
	[XTCP_MIB_TCPDSACKRECV]		= "TCPDSACKRecv",
	[XTCP_MIB_TCPLOSTRETRANSMIT]	= "TCPLostRetransmit",
	[XTCP_MIB_TCPFASTRETRANS]	= "TCPFastRetrans",
	[XTCP_MIB_TCPSACKRENEGING]	= "TCPSACKReneging",
	[XTCP_MIB_PAWSESTAB]		= "PAWSEstab",
	[XTCP_MIB_TCPACKSKIPPEDSYNRECV]	= "TCPACKSkippedSynRecv",
	[XTCP_MIB_TCPACKSKIPPEDPAWS]	= "TCPACKSkippedPAWS",
	[XTCP_MIB_TCPACKSKIPPEDSEQ]	= "TCPACKSkippedSeq",
	[XTCP_MIB_TCPACKSKIPPEDTIMEWAIT] = "TCPACKSkippedTimeWait",
	[XTCP_MIB_TCPACKSKIPPEDCHALLENGE] = "TCPACKSkippedChallenge",
	[XTCP_MIB_TCPACKCOMPRESSED]	= "TCPAckCompressed",
};

/*
 * /proc/net/xtcp_sockstat, the XTCP line of /proc/net/sockstat:
 * "XTCP: inuse N orphan N tw N". inuse: this namespace's sockets on the
 * listen or connection hash (Linux's sock_prot_inuse); orphan: closed by
 * their user, not yet freed, all namespaces (as Linux's); tw: this
 * namespace's TIME_WAIT entries. Context: process context.
 */
static int xtcp_sockstat_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_single_net(seq));
	struct xtcp_hashinfo *h = &xn->hash;
	struct hlist_node *node;
	int i, inuse = 0;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(h->lhash); i++)
		for (node = rcu_dereference(hlist_first_rcu(&h->lhash[i])); node;
		     node = rcu_dereference(hlist_next_rcu(node)))
			inuse++;
	for (i = 0; i < (1 << XTCP_EHASH_BITS); i++)
		for (node = rcu_dereference(hlist_first_rcu(&h->ehash[i])); node;
		     node = rcu_dereference(hlist_next_rcu(node)))
			if (hlist_entry(node, struct xtcp_ent, node)->kind ==
			    XTCP_ENT_SOCK)
				inuse++;
	rcu_read_unlock();
	seq_printf(seq, "XTCP: inuse %d orphan %d tw %d\n", inuse,
		   xtcp_orphan_count(), atomic_read(&xn->tw_count));
	return 0;
}

/* Context: process context (read of /proc/net/xtcp_stat). */
static int xtcp_stat_show(struct seq_file *seq, void *v)
{
	struct xtcp_net *xn = xtcp_pernet(seq_file_single_net(seq));
	int f, cpu;

	for (f = 0; f < XTCP_MIB_MAX; f++) {
		s64 sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(xn->mib, cpu)->v[f];
		seq_printf(seq, "%s %lld\n", xtcp_mib_names[f], sum);
	}
	return 0;
}

/**
 * xtcp_proc_init_net() - create /proc/net/xtcp, xtcp6, xtcp_stat and
 * xtcp_sockstat
 * @net: the namespace
 *
 * Context: process context, netns setup.
 * Return: 0 or -ENOMEM.
 */
int xtcp_proc_init_net(struct net *net)
{
	BUILD_BUG_ON(ARRAY_SIZE(xtcp_mib_names) != XTCP_MIB_MAX);

	if (!proc_create_net_data("xtcp", 0444, net->proc_net, &xtcp_seq_ops,
				  sizeof(struct xtcp_iter), (void *)AF_INET))
		goto err_sock;
	if (!proc_create_net_data("xtcp6", 0444, net->proc_net, &xtcp6_seq_ops,
				  sizeof(struct xtcp_iter), (void *)AF_INET6))
		goto err_sock6;
	if (!proc_create_net_single("xtcp_stat", 0444, net->proc_net,
				    xtcp_stat_show, NULL))
		goto err_stat;
	if (!proc_create_net_single("xtcp_sockstat", 0444, net->proc_net,
				    xtcp_sockstat_show, NULL))
		goto err_sockstat;
	return 0;

err_sockstat:
	remove_proc_entry("xtcp_stat", net->proc_net);
err_stat:
	remove_proc_entry("xtcp6", net->proc_net);
err_sock6:
	remove_proc_entry("xtcp", net->proc_net);
err_sock:
	return -ENOMEM;
}

/**
 * xtcp_proc_exit_net() - remove @net's /proc files
 * @net: the namespace
 *
 * Context: process context, netns teardown.
 */
void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_entry("xtcp_sockstat", net->proc_net);
	remove_proc_entry("xtcp_stat", net->proc_net);
	remove_proc_entry("xtcp6", net->proc_net);
	remove_proc_entry("xtcp", net->proc_net);
}
