// SPDX-License-Identifier: GPL-2.0
/*
 * td_lib: what the "Connection teardown and its timers" selftests share.
 *
 * 1. A library, #included by selftests/xtcp_close*.c, xtcp_timewait*.c,
 *    xtcp_keepalive*.c and xtcp_errno_teardown*.c (define TD_LIB_NO_MAIN
 *    first). Everything works for both stacks (TD_XTCP, TD_TCP) so a test
 *    can run one scenario over XTCP and over the kernel's TCP and compare:
 *    network namespaces, a veth pair and netem (loss, delay) from
 *    netns_lib.c (prefix nl_), sysctls of both stacks,
 *    counters (/proc/net/xtcp_stat, Linux's snmp/netstat), rows of
 *    /proc/net/xtcp or /proc/net/tcp, a packet-socket capture parsing XTCP
 *    (IP proto 253) and TCP segments, and a raw IP_HDRINCL sender. No ip/tc
 *    exec anywhere: an exec costs ~0.5 s under TCG.
 *
 * 2. A helper program for selftests/xtcp_keepalive_wire.sh
 *    (build/helpers/td_lib):
 *      td_lib keepalive NSA NSB KIND PORT IDLE INTVL CNT SECS
 *        listen on 10.0.0.2:PORT in NSB, connect from NSA, send 4 bytes
 *        each way, enable keepalive (IDLE, INTVL, CNT) on the NSA side and
 *        stay idle for SECS seconds; prints "client_port=N" and at the end
 *        "state=<errno name or 0>". KIND is xtcp or tcp; NSA/NSB are paths
 *        like /run/netns/NAME.
 *
 * The standard topology (td_topo_init):
 *
 *   A "client" 10.0.0.1/24 on va  <--- veth --->  vb 10.0.0.2/24 B "server"
 *
 * with, in both namespaces: net.xtcp.tw_timeout=1 (TIME_WAIT entries left
 * by a test vanish quickly; a leftover XTCP socket makes rmmod fail) and
 * orphan_retries=3 for both stacks (an orphan retransmitting into a dead
 * link gives up within seconds).
 */
#ifndef TD_LIB_C
#define TD_LIB_C

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/time.h>

#include "xtcp_common.h"
#include "helpers/netns_lib.c"

/* which stack a helper works on */
enum { TD_XTCP, TD_TCP };

/* /proc/net/tcp state codes */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK,
	ST_LISTEN, ST_CLOSING,
};

#define TD_IP_A	"10.0.0.1"
#define TD_IP_B	"10.0.0.2"

static inline const char *td_name(int kind)
{
	return kind == TD_XTCP ? "XTCP" : "TCP";
}

static inline int td_socket(int kind)
{
	return socket(kind == TD_XTCP ? AF_XTCP : AF_INET, SOCK_STREAM, 0);
}

static inline double td_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void td_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline const char *td_errname(int err)
{
	static char buf[4][16];
	static int i;
	const char *n;

	if (!err)
		return "0";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf[i & 3], sizeof(buf[0]), "E%d", err);
	return buf[i++ & 3];
}

/* ------------------------------------------------------- sysctl, counters */

static inline void td_sysctl_path(const char *name, char *path, size_t len)
{
	char *p;

	snprintf(path, len, "/proc/sys/%s", name);
	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
}

/* sysctl NAME=VAL in the current namespace ("net.xtcp.tw_timeout"). */
static inline int td_sysctl(const char *name, const char *val)
{
	char path[256];

	td_sysctl_path(name, path, sizeof(path));
	return xtcp_write_file(path, val);
}

static inline int td_sysctl_int(const char *name, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", val);
	return td_sysctl(name, buf);
}

static inline long td_sysctl_get(const char *name)
{
	char path[256];
	long v;

	td_sysctl_path(name, path, sizeof(path));
	return xtcp_read_long(path, &v) ? -1 : v;
}

/*
 * The same setting for both stacks: @xname is the net.xtcp.* name,
 * @tname the net.ipv4.* one (NULL: XTCP only). 0 or the first errno.
 */
static inline int td_sysctl_both(const char *xname, const char *tname, long val)
{
	char n[128];
	int e1, e2 = 0;

	snprintf(n, sizeof(n), "net.xtcp.%s", xname);
	e1 = td_sysctl_int(n, val);
	if (tname) {
		snprintf(n, sizeof(n), "net.ipv4.%s", tname);
		e2 = td_sysctl_int(n, val);
	}
	return e1 ? e1 : e2;
}

/* A counter of /proc/net/xtcp_stat of the current namespace; -1 if absent. */
static inline long td_xstat(const char *name)
{
	static char buf[8192];
	char *p;
	size_t l = strlen(name);

	if (xtcp_read_file("/proc/thread-self/net/xtcp_stat", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (!strncmp(p, name, l) && p[l] == ' ')
			return strtol(p + l + 1, NULL, 10);
	}
	return -1;
}

/* Linux's counter @name from /proc/net/@file, line prefix @prefix. -1 if absent. */
static inline long td_linux_stat(const char *file, const char *prefix, const char *name)
{
	static char buf[16384];
	char path[128], *hdr, *val, *hs, *vs, *h, *v;
	size_t pl = strlen(prefix);

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	if (xtcp_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (hdr = buf; hdr; hdr = strchr(hdr, '\n'), hdr = hdr ? hdr + 1 : hdr) {
		if (strncmp(hdr, prefix, pl) || hdr[pl] != ' ')
			continue;
		val = strchr(hdr, '\n');
		if (!val)
			return -1;
		*val++ = 0;
		if (strchr(val, '\n'))
			*strchr(val, '\n') = 0;
		h = strtok_r(hdr + pl, " ", &hs);
		v = strtok_r(val + pl, " ", &vs);
		while (h && v) {
			if (!strcmp(h, name))
				return strtol(v, NULL, 10);
			h = strtok_r(NULL, " ", &hs);
			v = strtok_r(NULL, " ", &vs);
		}
		return -1;
	}
	return -1;
}

/* Counter @name of @kind in the current namespace (Tcp: or TcpExt:). */
static inline long td_stat(int kind, const char *name)
{
	long v;

	if (kind == TD_XTCP)
		return td_xstat(name);
	v = td_linux_stat("snmp", "Tcp:", name);
	return v >= 0 ? v : td_linux_stat("netstat", "TcpExt:", name);
}

/* --------------------------------------------------------- /proc/net rows */

struct td_row {
	unsigned int laddr, lport, raddr, rport, state;
	unsigned int txq, rxq, timer, retr, uid;
	unsigned long when;		/* clock ticks */
	int timeout;
	unsigned long inode;
};

/*
 * Rows of /proc/net/xtcp (TD_XTCP) or /proc/net/tcp of the current
 * namespace matching @lport, @rport and @state (0: any); up to @max copied
 * to @rows. Returns the number of matching rows, or -1 (-2: a row did not
 * parse).
 */
static inline int td_rows(int kind, unsigned int lport, unsigned int rport,
			  unsigned int state, struct td_row *rows, int max)
{
	char line[512];
	int n = 0, first = 1;
	FILE *f;

	f = fopen(kind == TD_XTCP ? "/proc/thread-self/net/xtcp" :
				    "/proc/thread-self/net/tcp", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct td_row r;
		int sl;

		if (first) {
			first = 0;
			continue;
		}
		if (sscanf(line, "%d: %X:%X %X:%X %X %X:%X %X:%lX %X %u %d %lu", &sl,
			   &r.laddr, &r.lport, &r.raddr, &r.rport, &r.state,
			   &r.txq, &r.rxq, &r.timer, &r.when, &r.retr, &r.uid,
			   &r.timeout, &r.inode) != 14) {
			fclose(f);
			return -2;
		}
		if ((lport && r.lport != lport) || (rport && r.rport != rport) ||
		    (state && r.state != state))
			continue;
		if (rows && n < max)
			rows[n] = r;
		n++;
	}
	fclose(f);
	return n;
}

/* As td_rows() in namespace @ns (the caller's namespace is kept). */
static inline int td_rows_ns(int ns, int kind, unsigned int lport,
			     unsigned int rport, unsigned int state,
			     struct td_row *rows, int max)
{
	int old = nl_cur_ns, n;

	if (nl_ns_enter(ns))
		return -1;
	n = td_rows(kind, lport, rport, state, rows, max);
	if (old >= 0)
		nl_ns_enter(old);
	return n;
}

/*
 * The state of the one row of the 4-tuple (@lport, @rport) in @ns: its
 * state code, 0 if there is no such row (several: the first).
 */
static inline int td_state(int ns, int kind, unsigned int lport, unsigned int rport,
			   struct td_row *row)
{
	struct td_row r;
	int n = td_rows_ns(ns, kind, lport, rport, 0, &r, 1);

	if (n <= 0)
		return n < 0 ? n : 0;
	if (row)
		*row = r;
	return r.state;
}

/*
 * Poll every 20 ms until the row (@lport, @rport) in @ns is in @state (0:
 * until it is gone). Returns the seconds waited, or -1 after @secs.
 */
static inline double td_wait_state(int ns, int kind, unsigned int lport,
				   unsigned int rport, int state, double secs)
{
	double t0 = td_now();

	for (;;) {
		if (td_state(ns, kind, lport, rport, NULL) == state)
			return td_now() - t0;
		if (td_now() - t0 > secs)
			return -1;
		td_msleep(20);
	}
}

/* ---------------------------------------------------------------- sockets */

static inline int td_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* A listener of @kind on @ip:@port (SO_REUSEADDR); -1 on error (errno kept). */
static inline int td_listen(int kind, const char *ip, unsigned short port, int backlog)
{
	struct sockaddr_in sin = xtcp_sin(ip, port);
	int fd = td_socket(kind), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, backlog)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Blocking connect (bound to @lport when non-zero); fd or -1 with errno. */
static inline int td_connect_from(int kind, unsigned short lport, const char *ip,
				  unsigned short port)
{
	struct sockaddr_in sin = xtcp_sin(ip, port);
	int fd = td_socket(kind), one = 1;

	if (fd < 0)
		return -1;
	if (lport) {
		struct sockaddr_in l = xtcp_sin("0.0.0.0", lport);

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&l, sizeof(l)))
			goto fail;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		goto fail;
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/* Wait up to @ms for @events on @fd; returns revents (0 on timeout). */
static inline int td_poll(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return p.revents;
}

/* Close with SO_LINGER {1, 0}: RST, nothing left behind. */
static inline void td_abort(int fd)
{
	struct linger l = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static inline int td_getint(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len))
		return -errno;
	return v;
}

static inline int td_so_error(int fd)
{
	return td_getint(fd, SOL_SOCKET, SO_ERROR);
}

/* Read exactly @len bytes within @ms; 0, or the errno (EPIPE at EOF). */
static inline int td_read_n(int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (!(td_poll(fd, POLLIN, ms) & (POLLIN | POLLHUP | POLLERR)))
			return ETIMEDOUT;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n < 0)
			return errno;
		if (n == 0)
			return EPIPE;
		got += n;
	}
	return 0;
}

/* ------------------------------------------------------------- topology */

struct td_topo {
	int ns[2];		/* [0] A, client side; [1] B, server side */
};

#define TD_A 0
#define TD_B 1

/* The sysctls every test namespace gets (see the file comment). */
static inline int td_ns_defaults(void)
{
	if (td_sysctl("net.xtcp.tw_timeout", "1"))
		return ENOENT;		/* module not loaded */
	td_sysctl_both("orphan_retries", "tcp_orphan_retries", 3);
	return 0;
}

/*
 * A single namespace with lo up and the defaults; the caller is left in
 * it. Returns its fd, or -errno.
 */
static inline int td_single_ns(void)
{
	int ns = nl_ns_new(), err;

	if (ns < 0)
		return -errno;
	err = td_ns_defaults();
	return err ? -err : ns;
}

/* The two-namespace topology; the caller is left in A. 0 or errno. */
static inline int td_topo_init(struct td_topo *t)
{
	int err;

	t->ns[TD_B] = nl_ns_new();
	if (t->ns[TD_B] < 0)
		return errno;
	err = td_ns_defaults();
	if (err)
		return err;
	t->ns[TD_A] = nl_ns_new();
	if (t->ns[TD_A] < 0)
		return errno;
	td_ns_defaults();
	return nl_veth_pair(t->ns[TD_A], TD_IP_A, t->ns[TD_B], TD_IP_B);
}

/*
 * td_sysctl_both(@xname, @tname, @val) in both namespaces of @t; the
 * caller's namespace is kept. 0 or the first errno.
 */
static inline int td_topo_sysctl(struct td_topo *t, const char *xname,
				 const char *tname, long val)
{
	int old = nl_cur_ns, err = 0, e, i;

	for (i = 0; i < 2; i++) {
		nl_ns_enter(t->ns[i]);
		e = td_sysctl_both(xname, tname, val);
		if (!err)
			err = e;
	}
	nl_ns_enter(old);
	return err;
}

/*
 * Wait (up to @max s) until neither namespace of @t has an XTCP socket
 * left other than TIME_WAIT entries (those are purged with the namespace).
 * Teardowns call it after aborting their sockets: an orphan still
 * retransmitting when the test process exits would outlive the veth (the
 * namespace of the other side may go first) and hold the module for up to
 * its retry limit. Returns the number of rows left.
 */
static inline int td_settle(struct td_topo *t, double max)
{
	double t0 = td_now();
	int left, i;

	for (;;) {
		left = 0;
		for (i = 0; i < 2; i++) {
			int all = td_rows_ns(t->ns[i], TD_XTCP, 0, 0, 0, NULL, 0);
			int tw = td_rows_ns(t->ns[i], TD_XTCP, 0, 0, ST_TIME_WAIT, NULL, 0);

			if (all > 0)
				left += all - (tw > 0 ? tw : 0);
		}
		if (!left || td_now() - t0 > max)
			return left;
		td_msleep(50);
	}
}

/* Drop everything leaving A (@side TD_A: va) or B (vb); @on false: stop. */
static inline int td_cut(struct td_topo *t, int side, bool on)
{
	int old = nl_cur_ns, err;

	nl_ns_enter(t->ns[side]);
	if (on)
		err = nl_netem(side == TD_A ? "va" : "vb", 0, 100);
	else
		err = nl_qdisc_del(side == TD_A ? "va" : "vb");
	nl_ns_enter(old);
	return err;
}

/*
 * A connected pair of @kind: B listens on 10.0.0.2:@port, A connects,
 * B accepts (the listener is closed). *cfd in A, *sfd in B. The caller's
 * namespace is kept. 0 or errno.
 */
static inline int td_pair(struct td_topo *t, int kind, unsigned short port,
			  int *cfd, int *sfd)
{
	int old = nl_cur_ns, lfd, err = 0;

	*cfd = *sfd = -1;
	nl_ns_enter(t->ns[TD_B]);
	lfd = td_listen(kind, TD_IP_B, port, 8);
	if (lfd < 0) {
		err = errno;
		goto out;
	}
	nl_ns_enter(t->ns[TD_A]);
	*cfd = td_connect_from(kind, 0, TD_IP_B, port);
	if (*cfd < 0) {
		err = errno;
		close(lfd);
		goto out;
	}
	if (!(td_poll(lfd, POLLIN, 3000) & POLLIN)) {
		err = ETIMEDOUT;
	} else {
		*sfd = accept(lfd, NULL, NULL);
		if (*sfd < 0)
			err = errno;
	}
	close(lfd);
out:
	nl_ns_enter(old);
	return err;
}

/* A connected pair over 127.0.0.1 inside the current namespace. */
static inline int td_pair_lo(int kind, unsigned short port, int *cfd, int *sfd)
{
	int lfd, err = 0;

	*cfd = *sfd = -1;
	lfd = td_listen(kind, "127.0.0.1", port, 8);
	if (lfd < 0)
		return errno;
	*cfd = td_connect_from(kind, 0, "127.0.0.1", port);
	if (*cfd < 0) {
		err = errno;
	} else if (!(td_poll(lfd, POLLIN, 3000) & POLLIN)) {
		err = ETIMEDOUT;
	} else {
		*sfd = accept(lfd, NULL, NULL);
		if (*sfd < 0)
			err = errno;
	}
	close(lfd);
	return err;
}

/* ------------------------------------------------------ segments, capture */

#define TD_F_FIN 0x01
#define TD_F_SYN 0x02
#define TD_F_RST 0x04
#define TD_F_PSH 0x08
#define TD_F_ACK 0x10

struct td_seg {
	double t;			/* kernel timestamp, seconds */
	int pkttype;			/* PACKET_HOST, PACKET_OUTGOING ... */
	int proto;			/* IP protocol */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	int len;			/* payload bytes */
	bool has_ts;
	uint32_t tsval, tsecr;
};

static inline void td_parse_ts(const uint8_t *o, int len, struct td_seg *s)
{
	int i = 0;

	while (i < len) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			break;
		if (o[i] == 8 && o[i + 1] == 10) {
			s->has_ts = true;
			s->tsval = (uint32_t)o[i + 2] << 24 | o[i + 3] << 16 | o[i + 4] << 8 | o[i + 5];
			s->tsecr = (uint32_t)o[i + 6] << 24 | o[i + 7] << 16 | o[i + 8] << 8 | o[i + 9];
		}
		i += o[i + 1];
	}
}

/* Parse an IPv4 packet carrying a TCP-format segment; 0 if it is one. */
static inline int td_parse_ip(const uint8_t *p, int len, struct td_seg *s)
{
	int ihl, thl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (p[0] & 15) * 4;
	tot = p[2] << 8 | p[3];
	if (tot < len)
		len = tot;
	s->proto = p[9];
	if ((s->proto != IPPROTO_XTCP && s->proto != IPPROTO_TCP) || len < ihl + 20)
		return -1;
	memcpy(&s->saddr, p + 12, 4);
	memcpy(&s->daddr, p + 16, 4);
	p += ihl;
	len -= ihl;
	thl = (p[12] >> 4) * 4;
	if (thl < 20 || thl > len)
		return -1;
	s->sport = p[0] << 8 | p[1];
	s->dport = p[2] << 8 | p[3];
	s->seq = (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
	s->ack = (uint32_t)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
	s->flags = p[13];
	s->win = p[14] << 8 | p[15];
	s->len = len - thl;
	td_parse_ts(p + 20, thl - 20, s);
	return 0;
}

/* A packet socket on @dev of the current namespace seeing both directions. */
static inline int td_cap_open(const char *dev)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, sz = 4 << 20;

	/* ETH_P_ALL: only ptype_all taps see outgoing packets */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(dev);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A capture on va (A's side of the wire, both directions) opened from A. */
static inline int td_cap_a(struct td_topo *t)
{
	int old = nl_cur_ns, fd;

	nl_ns_enter(t->ns[TD_A]);
	fd = td_cap_open("va");
	nl_ns_enter(old);
	return fd;
}

static inline int td_cap_b(struct td_topo *t)
{
	int old = nl_cur_ns, fd;

	nl_ns_enter(t->ns[TD_B]);
	fd = td_cap_open("vb");
	nl_ns_enter(old);
	return fd;
}

/*
 * Append what the capture holds to @segs (from *n, at most @max). Only
 * segments of IP protocol @proto (0: XTCP or TCP) are kept.
 */
static inline int td_cap_read(int fd, struct td_seg *segs, int *n, int max, int proto)
{
	uint8_t pkt[2048];
	char cbuf[256];

	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = { pkt, sizeof(pkt) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		struct td_seg s;
		ssize_t len = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (len < 0)
			return errno == EAGAIN ? 0 : -1;
		memset(&s, 0, sizeof(s));
		if (from.sll_protocol != htons(ETH_P_IP) || td_parse_ip(pkt, len, &s))
			continue;
		if (proto && s.proto != proto)
			continue;
		s.pkttype = from.sll_pkttype;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				s.t = ts.tv_sec + ts.tv_nsec / 1e9;
			}
		}
		if (*n < max)
			segs[(*n)++] = s;
	}
}

static inline int td_proto(int kind)
{
	return kind == TD_XTCP ? IPPROTO_XTCP : IPPROTO_TCP;
}

static inline const char *td_flags_str(uint8_t f)
{
	static char b[8][8];
	static int i;
	char *p = b[i++ & 7];

	snprintf(p, 8, "%s%s%s%s%s", f & TD_F_SYN ? "S" : "", f & TD_F_ACK ? "A" : "",
		 f & TD_F_FIN ? "F" : "", f & TD_F_RST ? "R" : "", f & TD_F_PSH ? "P" : "");
	return p;
}

static inline void td_seg_print(const struct td_seg *s, double t0)
{
	char a[16], b[16];

	inet_ntop(AF_INET, &s->saddr, a, sizeof(a));
	inet_ntop(AF_INET, &s->daddr, b, sizeof(b));
	printf("#   %7.3f %s %s:%u > %s:%u [%s] seq %u ack %u win %u len %d\n",
	       s->t - t0, s->proto == IPPROTO_TCP ? "tcp " : "xtcp", a, s->sport, b,
	       s->dport, td_flags_str(s->flags), s->seq, s->ack, s->win, s->len);
}

static inline void td_segs_print(const struct td_seg *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		td_seg_print(&s[i], s[0].t);
}

/*
 * Count segments of @proto from @sport to @dport having all of @flags_set
 * and none of @flags_clear; the first one is copied to *first (if any).
 */
static inline int td_count(const struct td_seg *s, int n, int proto, uint16_t sport,
			   uint16_t dport, uint8_t flags_set, uint8_t flags_clear,
			   struct td_seg *first)
{
	int i, c = 0;

	for (i = 0; i < n; i++) {
		if (s[i].proto != proto || (sport && s[i].sport != sport) ||
		    (dport && s[i].dport != dport) ||
		    (s[i].flags & flags_set) != flags_set || (s[i].flags & flags_clear))
			continue;
		if (!c && first)
			*first = s[i];
		c++;
	}
	return c;
}

/* A connection of a test that builds its own segments for it. */
struct td_conn {
	int c, s;			/* A's (client) and B's (server) socket */
	unsigned short cport, port;	/* A's port, B's (listening) port */
	uint32_t snd_una;		/* A's next sequence number after "ping" */
	uint32_t rcv_nxt;		/* B's next sequence number */
};

/*
 * @n connections, @k[i] of stack @kinds[i] to port @port0 + i (td_pair()),
 * each then carrying "ping" from A and "pong" from B seen by @cap (a
 * capture on va: td_cap_a()), whose segments give both ends' next
 * sequence numbers. What the capture held is consumed. 0 or errno.
 */
static inline int td_conns_open(struct td_topo *t, int cap, const int *kinds,
				struct td_conn *k, int n, unsigned short port0)
{
	struct td_seg *segs = calloc(1024, sizeof(*segs));
	int i, j, nsegs, err = 0;
	char b[4];

	for (i = 0; i < n; i++)
		k[i].c = k[i].s = -1;
	for (i = 0; i < n && !err && segs; i++) {
		struct td_conn *c = &k[i];

		c->port = port0 + i;
		err = td_pair(t, kinds[i], c->port, &c->c, &c->s);
		if (err) {
			printf("# %s connection: %s\n", td_name(kinds[i]), strerror(err));
			break;
		}
		c->cport = xtcp_local_port(c->c);
		if (send(c->c, "ping", 4, 0) != 4 || td_read_n(c->s, b, 4, 2000) ||
		    send(c->s, "pong", 4, 0) != 4 || td_read_n(c->c, b, 4, 2000)) {
			err = EIO;
			break;
		}
		td_msleep(300);		/* the delayed ACKs out too */
		nsegs = 0;
		td_cap_read(cap, segs, &nsegs, 1024, td_proto(kinds[i]));
		c->snd_una = c->rcv_nxt = 0;
		for (j = 0; j < nsegs; j++) {
			if (!segs[j].len)
				continue;
			if (segs[j].sport == c->cport)
				c->snd_una = segs[j].seq + segs[j].len;
			else if (segs[j].dport == c->cport)
				c->rcv_nxt = segs[j].seq + segs[j].len;
		}
		if (!c->snd_una || !c->rcv_nxt)
			err = ENOENT;
	}
	if (!segs)
		err = ENOMEM;
	free(segs);
	return err;
}

/* ------------------------------------------------------------ raw sender */

static inline uint32_t td_sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += (b[0] << 8) | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	return sum;
}

/* A raw IPv4 socket of the current namespace sending whole IP packets. */
static inline int td_raw_open(void)
{
	return socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
}

struct td_raw {
	int proto;			/* IPPROTO_XTCP or IPPROTO_TCP */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	int len;			/* payload bytes ('x') */
	uint8_t ttl;			/* IP TTL; 0: 64 */
};

/* Build and send one segment; 0 or errno. Checksum: TCP pseudo-header, proto 6. */
static inline int td_raw_send(int fd, const struct td_raw *r)
{
	uint8_t pkt[1500];
	uint8_t *th = pkt + 20;
	int thl = 20, tl = thl + r->len;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint8_t ph[12];
	uint32_t sum;

	if (tl + 20 > (int)sizeof(pkt))
		return EINVAL;
	memset(pkt, 0, 20 + thl);
	pkt[0] = 0x45;
	pkt[2] = (20 + tl) >> 8;
	pkt[3] = (20 + tl) & 0xff;
	pkt[6] = 0x40;
	pkt[8] = r->ttl ? r->ttl : 64;
	pkt[9] = r->proto;
	memcpy(pkt + 12, &r->saddr, 4);
	memcpy(pkt + 16, &r->daddr, 4);
	th[0] = r->sport >> 8;
	th[1] = r->sport;
	th[2] = r->dport >> 8;
	th[3] = r->dport;
	th[4] = r->seq >> 24; th[5] = r->seq >> 16; th[6] = r->seq >> 8; th[7] = r->seq;
	th[8] = r->ack >> 24; th[9] = r->ack >> 16; th[10] = r->ack >> 8; th[11] = r->ack;
	th[12] = (thl / 4) << 4;
	th[13] = r->flags;
	th[14] = r->win >> 8;
	th[15] = r->win;
	memset(th + thl, 'x', r->len);
	memcpy(ph, &r->saddr, 4);
	memcpy(ph + 4, &r->daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = tl >> 8;
	ph[11] = tl & 0xff;
	sum = td_sum16(th, tl, td_sum16(ph, sizeof(ph), 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	th[16] = sum >> 8;
	th[17] = sum;
	dst.sin_addr.s_addr = r->daddr;
	if (sendto(fd, pkt, 20 + tl, 0, (struct sockaddr *)&dst, sizeof(dst)) != 20 + tl)
		return errno ? errno : EIO;
	return 0;
}

static inline uint32_t td_ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* ------------------------------------------------------------------ slab */

/*
 * Object size and active objects of slab cache @name: /proc/slabinfo,
 * else /sys/kernel/slab/@name (a merged cache: sizes of the merged one).
 * 0, or -1 when the cache is not found.
 */
static inline int td_slab(const char *name, long *objsize, long *active, long *total)
{
	char line[512], n[64];
	long a, t, s;
	FILE *f = fopen("/proc/slabinfo", "re");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%63s %ld %ld %ld", n, &a, &t, &s) == 4 &&
			    !strcmp(n, name)) {
				fclose(f);
				*objsize = s;
				*active = a;
				*total = t;
				return 0;
			}
		}
		fclose(f);
	}
	snprintf(line, sizeof(line), "/sys/kernel/slab/%s/object_size", name);
	if (xtcp_read_long(line, &s))
		return -1;
	snprintf(line, sizeof(line), "/sys/kernel/slab/%s/objects", name);
	if (xtcp_read_long(line, &a))
		a = -1;
	*objsize = s;
	*active = a;
	*total = a;
	return 0;
}

/* --------------------------------------------------------------- signals */

static volatile sig_atomic_t td_sigpipes;

static inline void td_on_sigpipe(int sig)
{
	(void)sig;
	td_sigpipes++;
}

/* Count SIGPIPEs in td_sigpipes instead of dying of them. */
static inline void td_count_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = td_on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	td_sigpipes = 0;
}

/* ---------------------------------------------------------- program end */

/*
 * Every test program waits this long when it ends, so that TIME_WAIT
 * entries (tw_timeout=1) and orphans of the last test are gone before the
 * runner's rmmod. Only the harness's main process does (tests are forks).
 */
static pid_t td_main_pid;
static int td_end_wait_ms = 2000;

static void __attribute__((constructor)) td_lib_ctor(void)
{
	td_main_pid = getpid();
}

static void __attribute__((destructor)) td_lib_dtor(void)
{
	if (getpid() == td_main_pid && td_end_wait_ms > 0)
		td_msleep(td_end_wait_ms);
}

#endif /* TD_LIB_C */

/* ================================================= the helper program */
#ifndef TD_LIB_NO_MAIN

static int cmd_keepalive(int argc, char **argv)
{
	int kind, port, idle, intvl, cnt, lfd, cfd, sfd, one = 1, err = 0, bfd, afd;
	double secs;
	char buf[4];

	if (argc < 9)
		return 2;
	kind = !strcmp(argv[3], "tcp") ? TD_TCP : TD_XTCP;
	port = atoi(argv[4]);
	idle = atoi(argv[5]);
	intvl = atoi(argv[6]);
	cnt = atoi(argv[7]);
	secs = atof(argv[8]);
	afd = open(argv[1], O_RDONLY | O_CLOEXEC);
	bfd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (afd < 0 || bfd < 0 || nl_ns_enter(bfd)) {
		perror("netns");
		return 1;
	}
	lfd = td_listen(kind, TD_IP_B, port, 4);
	if (lfd < 0 || nl_ns_enter(afd)) {
		perror("listen");
		return 1;
	}
	cfd = td_connect_from(kind, 0, TD_IP_B, port);
	if (cfd < 0) {
		perror("connect");
		return 1;
	}
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0) {
		perror("accept");
		return 1;
	}
	close(lfd);
	printf("client_port=%d\n", xtcp_local_port(cfd));
	fflush(stdout);
	if (write(cfd, "ping", 4) != 4 || td_read_n(sfd, buf, 4, 2000) ||
	    write(sfd, "pong", 4) != 4 || td_read_n(cfd, buf, 4, 2000)) {
		fprintf(stderr, "exchange failed\n");
		return 1;
	}
	if (setsockopt(cfd, SOL_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ||
	    setsockopt(cfd, SOL_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl)) ||
	    setsockopt(cfd, SOL_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) ||
	    setsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one))) {
		perror("keepalive options");
		return 1;
	}
	td_msleep((int)(secs * 1000));
	if (td_poll(cfd, POLLIN, 0) & POLLERR)
		err = td_so_error(cfd);
	printf("state=%s\n", td_errname(err));
	td_abort(cfd);
	td_abort(sfd);
	return 0;
}

int main(int argc, char **argv)
{
	td_end_wait_ms = 0;
	if (argc > 1 && !strcmp(argv[1], "keepalive"))
		return cmd_keepalive(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s keepalive NSA NSB xtcp|tcp PORT IDLE INTVL CNT SECS\n",
		argv[0]);
	return 2;
}
#endif /* TD_LIB_NO_MAIN */
