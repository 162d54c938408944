// SPDX-License-Identifier: GPL-2.0
/*
 * conn_lib: what the "Connection establishment" selftests share.
 *
 * 1. A library, #included by selftests/xtcp_conn*.c, xtcp_backlog.c,
 *    xtcp_synflood.c and xtcp_scale.c (define CONN_LIB_NO_MAIN first):
 *    network namespaces, veth pairs, netem, addresses, routes (all from
 *    netns_lib.c, prefix nl_), ARP entries through ioctls (no ip/tc exec:
 *    an exec costs ~0.5 s under TCG), sysctls, counters of
 *    /proc/net/xtcp_stat (and Linux's snmp/netstat for comparisons), rows
 *    of /proc/net/xtcp or /proc/net/tcp, a packet-socket capture that parses
 *    XTCP (IP proto 253) and TCP segments, and a raw IP_HDRINCL sender that
 *    builds segments from any (also spoofed) source.
 *
 * 2. A helper program for selftests/xtcp_handshake.sh (build/helpers/conn_lib):
 *      conn_lib serve   NETNS IP PORT N [MAXSEG [HOLD]]  listen, accept N
 *                                                 clients, echo one message
 *                                                 each, keep listening HOLD s
 *      conn_lib connect NETNS IP PORT [SYNCNT]    connect, send "ping", read
 *                                                 the echo; prints
 *                                                 "connect=ERRNO-NAME ms=T"
 *      conn_lib syn     NETNS SRC DST SPORT DPORT ISN  one raw XTCP SYN
 *                                                 (SRC may be spoofed)
 *    NETNS is a path like /run/netns/NAME ("-" for the current one).
 */
#ifndef CONN_LIB_C
#define CONN_LIB_C

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/time.h>

#include "xtcp_common.h"
#include "helpers/netns_lib.c"

/* which stack a socket helper opens */
enum { CL_XTCP, CL_TCP };

static inline const char *cl_name(int kind)
{
	return kind == CL_XTCP ? "XTCP" : "TCP";
}

static inline int cl_socket(int kind)
{
	return socket(kind == CL_XTCP ? AF_XTCP : AF_INET, SOCK_STREAM, 0);
}

static inline double cl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void cl_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- ioctls */

static inline struct sockaddr_in cl_sin(const char *ip, unsigned short port)
{
	return xtcp_sin(ip, port);
}

/* Permanent ARP entry @ip -> @mac (6 bytes) on @dev. */
static inline int cl_neigh_add(const char *dev, const char *ip,
			       const unsigned char *mac)
{
	struct arpreq ar;
	struct sockaddr_in sin = cl_sin(ip, 0);

	memset(&ar, 0, sizeof(ar));
	memcpy(&ar.arp_pa, &sin, sizeof(sin));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, mac, 6);
	ar.arp_flags = ATF_PERM | ATF_COM;
	strncpy(ar.arp_dev, dev, sizeof(ar.arp_dev) - 1);
	return nl_ioctl(SIOCSARP, &ar);
}

/* ------------------------------------------------------- sysctl, counters */

/* sysctl NAME=VAL in the current namespace ("net.xtcp.syncookies"). */
static inline int cl_sysctl(const char *name, const char *val)
{
	char path[256], *p;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	return xtcp_write_file(path, val);
}

static inline long cl_sysctl_get(const char *name)
{
	char path[256], *p;
	long v;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	return xtcp_read_long(path, &v) ? -1 : v;
}

/* A counter of /proc/net/xtcp_stat of the current namespace; -1 if absent. */
static inline long cl_stat(const char *name)
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

/*
 * A Linux counter from /proc/net/snmp or /proc/net/netstat: @prefix is the
 * line prefix ("Tcp:" or "TcpExt:"), @name the column. -1 if absent.
 */
static inline long cl_linux_stat(const char *file, const char *prefix, const char *name)
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

/* Same counter name for both stacks: XTCP's file, or Linux TCP's. */
static inline long cl_kstat(int kind, const char *name)
{
	long v;

	if (kind == CL_XTCP)
		return cl_stat(name);
	v = cl_linux_stat("snmp", "Tcp:", name);
	return v >= 0 ? v : cl_linux_stat("netstat", "TcpExt:", name);
}

/* --------------------------------------------------------- /proc/net rows */

struct cl_row {
	unsigned int laddr, lport, raddr, rport, state;
	unsigned int txq, rxq, timer, retr;
	unsigned long when;
};

/*
 * Rows of /proc/net/xtcp (CL_XTCP) or /proc/net/tcp whose local port is
 * @lport (0: any) and state @state (0: any); up to @max copied to @rows.
 * Returns the number of matching rows, or -1.
 */
static inline int cl_rows(int kind, unsigned int lport, unsigned int state,
			  struct cl_row *rows, int max)
{
	char line[512];
	int n = 0, first = 1;
	FILE *f;

	f = fopen(kind == CL_XTCP ? "/proc/thread-self/net/xtcp" :
				    "/proc/thread-self/net/tcp", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct cl_row r;
		int sl;

		if (first) {
			first = 0;
			continue;
		}
		if (sscanf(line, "%d: %X:%X %X:%X %X %X:%X %X:%lX %X", &sl,
			   &r.laddr, &r.lport, &r.raddr, &r.rport, &r.state,
			   &r.txq, &r.rxq, &r.timer, &r.when, &r.retr) != 11) {
			fclose(f);
			return -1;
		}
		if ((lport && r.lport != lport) || (state && r.state != state))
			continue;
		if (rows && n < max)
			rows[n] = r;
		n++;
	}
	fclose(f);
	return n;
}

/* ---------------------------------------------------------------- sockets */

static inline int cl_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* A listener of @kind on @ip:@port; -1 on error (errno kept). */
static inline int cl_listen(int kind, const char *ip, unsigned short port, int backlog)
{
	struct sockaddr_in sin = cl_sin(ip, port);
	int fd = cl_socket(kind), one = 1;

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

/* Start a non-blocking connect; returns the fd (connect result in *err). */
static inline int cl_connect_nb(int kind, const char *ip, unsigned short port, int *err)
{
	struct sockaddr_in sin = cl_sin(ip, port);
	int fd = cl_socket(kind);

	if (fd < 0)
		return -1;
	cl_set_nonblock(fd, 1);
	*err = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
	return fd;
}

/* Blocking connect; returns fd or -1 with errno. */
static inline int cl_connect(int kind, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = cl_sin(ip, port);
	int fd = cl_socket(kind);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Wait up to @ms for a non-blocking connect to finish: 0 connected, the
 * errno (SO_ERROR) when it failed, -1 when it is still pending.
 */
static inline int cl_wait_connected(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	if (poll(&p, 1, ms) <= 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return errno;
	return err;
}

/* Wait up to @ms for POLLIN on @fd (a listener: a child to accept). */
static inline bool cl_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Close with SO_LINGER {1, 0}: RST, no TIME_WAIT left behind. */
static inline void cl_close_abort(int fd)
{
	struct linger l = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* write() @s, then read exactly strlen(@s) bytes from @rfd into @buf. */
static inline int cl_xfer(int wfd, int rfd, const char *s, int ms)
{
	char buf[256];
	size_t len = strlen(s), got = 0;
	struct pollfd p = { .fd = rfd, .events = POLLIN };

	if (write(wfd, s, len) != (ssize_t)len)
		return errno ? errno : EIO;
	while (got < len) {
		ssize_t n;

		if (poll(&p, 1, ms) != 1)
			return ETIMEDOUT;
		n = recv(rfd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
		if (n < 0)
			return errno;
		if (n == 0)
			return EPIPE;
		got += n;
	}
	return memcmp(buf, s, len) ? EBADMSG : 0;
}

/* ------------------------------------------------------ segments, capture */

#define CL_F_FIN 0x01
#define CL_F_SYN 0x02
#define CL_F_RST 0x04
#define CL_F_PSH 0x08
#define CL_F_ACK 0x10

struct cl_seg {
	double t;			/* kernel timestamp, seconds */
	int pkttype;			/* PACKET_HOST, PACKET_OUTGOING ... */
	int proto;			/* IP protocol */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	int len;			/* payload bytes */
	int optlen;
	uint8_t opts[40];
	/* decoded options; -1 when absent */
	int mss, ws, sackok;
	long long tsval, tsecr;
	char kinds[24];			/* option kinds in order, e.g. "2,4,8,1,3" */
};

static inline void cl_parse_opts(struct cl_seg *s)
{
	int i = 0, n = 0;

	s->mss = s->ws = -1;
	s->sackok = 0;
	s->tsval = s->tsecr = -1;
	s->kinds[0] = 0;
	while (i < s->optlen) {
		uint8_t k = s->opts[i], l;

		if (n < 20)
			snprintf(s->kinds + strlen(s->kinds), sizeof(s->kinds) - strlen(s->kinds),
				 "%s%u", n ? "," : "", k);
		n++;
		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= s->optlen)
			break;
		l = s->opts[i + 1];
		if (l < 2 || i + l > s->optlen)
			break;
		if (k == 2 && l == 4)
			s->mss = s->opts[i + 2] << 8 | s->opts[i + 3];
		else if (k == 3 && l == 3)
			s->ws = s->opts[i + 2];
		else if (k == 4 && l == 2)
			s->sackok = 1;
		else if (k == 8 && l == 10) {
			s->tsval = (uint32_t)(s->opts[i + 2] << 24 | s->opts[i + 3] << 16 |
					      s->opts[i + 4] << 8 | s->opts[i + 5]);
			s->tsecr = (uint32_t)(s->opts[i + 6] << 24 | s->opts[i + 7] << 16 |
					      s->opts[i + 8] << 8 | s->opts[i + 9]);
		}
		i += l;
	}
}

/* Parse an IPv4 packet carrying a TCP-format segment; 0 if it is one. */
static inline int cl_parse_ip(const uint8_t *p, int len, struct cl_seg *s)
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
	s->optlen = thl - 20;
	memcpy(s->opts, p + 20, s->optlen);
	cl_parse_opts(s);
	return 0;
}

/* A packet socket on @dev (current namespace) seeing both directions. */
static inline int cl_cap_open(const char *dev)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd, one = 1, sz = 4 << 20;

	/* ETH_P_ALL: only "all" taps see the outgoing direction */
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

/*
 * Read what the capture holds into @segs (appending after *n, at most
 * @max). Only segments of IP protocol @proto (0: XTCP or TCP) are kept.
 * On lo every packet is seen twice (outgoing and incoming): outgoing
 * copies are skipped there (@skip_out).
 */
static inline int cl_cap_read(int fd, struct cl_seg *segs, int *n, int max,
			      int proto, bool skip_out)
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
		struct cl_seg s;
		ssize_t len = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (len < 0)
			return errno == EAGAIN ? 0 : -1;
		memset(&s, 0, sizeof(s));
		if (from.sll_protocol != htons(ETH_P_IP) || cl_parse_ip(pkt, len, &s))
			continue;
		if (proto && s.proto != proto)
			continue;
		s.pkttype = from.sll_pkttype;
		if (skip_out && s.pkttype == PACKET_OUTGOING)
			continue;
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

static inline const char *cl_flags_str(uint8_t f)
{
	static char b[8][8];
	static int i;
	char *p = b[i++ & 7];

	snprintf(p, 8, "%s%s%s%s%s", f & CL_F_SYN ? "S" : "", f & CL_F_ACK ? "A" : "",
		 f & CL_F_FIN ? "F" : "", f & CL_F_RST ? "R" : "", f & CL_F_PSH ? "P" : "");
	return p;
}

static inline void cl_seg_print(const struct cl_seg *s, double t0)
{
	char a[16], b[16];

	inet_ntop(AF_INET, &s->saddr, a, sizeof(a));
	inet_ntop(AF_INET, &s->daddr, b, sizeof(b));
	printf("#   %7.3f %s:%u > %s:%u [%s] seq %u ack %u win %u len %d opts %s\n",
	       s->t - t0, a, s->sport, b, s->dport, cl_flags_str(s->flags),
	       s->seq, s->ack, s->win, s->len, s->kinds);
}

/* ------------------------------------------------------------ raw sender */

static inline uint32_t cl_sum16(const void *p, size_t len, uint32_t sum)
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

/* A raw IPv4 socket that sends complete IP packets (IP_HDRINCL). */
static inline int cl_raw_open(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int sz = 1 << 20;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	return fd;
}

struct cl_raw {
	int proto;			/* IPPROTO_XTCP or IPPROTO_TCP */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opts;		/* multiple of 4 bytes */
	int optlen;
	int len;			/* payload bytes ('x') */
};

/* Build and send one segment; 0 or errno. Checksum: TCP pseudo-header, proto 6. */
static inline int cl_raw_send(int fd, const struct cl_raw *r)
{
	uint8_t pkt[1500];
	uint8_t *th = pkt + 20;
	int thl = 20 + r->optlen, tl = thl + r->len;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint8_t ph[12];
	uint32_t sum;

	if (tl + 20 > (int)sizeof(pkt) || (r->optlen & 3))
		return EINVAL;
	memset(pkt, 0, 20 + thl);
	pkt[0] = 0x45;
	pkt[2] = (20 + tl) >> 8;
	pkt[3] = (20 + tl) & 0xff;
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
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
	if (r->optlen)
		memcpy(th + 20, r->opts, r->optlen);
	memset(th + thl, 'x', r->len);
	memcpy(ph, &r->saddr, 4);
	memcpy(ph + 4, &r->daddr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = tl >> 8;
	ph[11] = tl & 0xff;
	sum = cl_sum16(th, tl, cl_sum16(ph, sizeof(ph), 0));
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

/* The options of a Linux SYN: MSS 1460, SACK_PERM, TS, NOP, WS 7. */
static const uint8_t cl_syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7
};

static inline uint32_t cl_ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* --------------------------------------------------------------- topology */

/*
 * The usual two-namespace topology:
 *
 *   ns[0] "A" 10.0.0.1/24 on "va"  <-- veth -->  "vb" 10.0.0.2/24 ns[1] "B"
 *
 * with net.xtcp.tw_timeout=1 in both. The caller is left in A.
 * 0 or errno.
 */
struct cl_topo {
	int ns[2];
};

/*
 * Wait (up to 3 s) until @dev is IFF_RUNNING: linkwatch has given it its
 * qdisc. Until then a veth drops what is sent, e.g. the first ARP request,
 * which would delay the first packets by the 1 s ARP retry.
 */
static inline int cl_wait_running(const char *dev)
{
	struct ifreq ifr;
	int i;

	for (i = 0; i < 300; i++) {
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
		if (!nl_ioctl(SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_RUNNING)) {
			cl_msleep(20);
			return 0;
		}
		cl_msleep(10);
	}
	return ETIMEDOUT;
}

static inline int cl_topo_init(struct cl_topo *t)
{
	int err;

	t->ns[1] = nl_ns_new();
	if (t->ns[1] < 0)
		return errno;
	if (cl_sysctl("net.xtcp.tw_timeout", "1"))
		return ENOENT;		/* module not loaded */
	t->ns[0] = nl_ns_new();
	if (t->ns[0] < 0)
		return errno;
	cl_sysctl("net.xtcp.tw_timeout", "1");
	err = nl_veth_pair(t->ns[0], "10.0.0.1", t->ns[1], "10.0.0.2");
	if (err)
		return err;
	nl_use(t->ns[1]);
	err = cl_wait_running("vb");
	nl_use(t->ns[0]);
	if (!err)
		err = cl_wait_running("va");
	return err;
}

static inline void cl_topo_fini(struct cl_topo *t)
{
	if (t->ns[0] > 0)
		close(t->ns[0]);
	if (t->ns[1] > 0)
		close(t->ns[1]);
	t->ns[0] = t->ns[1] = -1;
}

#endif /* CONN_LIB_C */

/* ================================================= the helper program */
#ifndef CONN_LIB_NO_MAIN

static int enter(const char *ns)
{
	int fd;

	if (!strcmp(ns, "-"))
		return 0;
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || nl_ns_enter(fd)) {
		perror(ns);
		return -1;
	}
	close(fd);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	int lfd, n, i, maxseg, hold;

	if (argc < 5)
		return 2;
	if (enter(argv[1]))
		return 1;
	n = atoi(argv[4]);
	maxseg = argc > 5 ? atoi(argv[5]) : 0;
	hold = argc > 6 ? atoi(argv[6]) : 0;
	lfd = cl_socket(CL_XTCP);
	if (lfd < 0) {
		perror("socket");
		return 1;
	}
	if (maxseg && setsockopt(lfd, SOL_TCP, TCP_MAXSEG, &maxseg, sizeof(maxseg))) {
		perror("TCP_MAXSEG");
		return 1;
	}
	{
		struct sockaddr_in sin = cl_sin(argv[2], atoi(argv[3]));
		int one = 1;

		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 16)) {
			perror("bind/listen");
			return 1;
		}
	}
	printf("listening\n");
	fflush(stdout);
	for (i = 0; i < n; i++) {
		char buf[64];
		ssize_t r;
		int c = accept(lfd, NULL, NULL);

		if (c < 0) {
			perror("accept");
			return 1;
		}
		r = read(c, buf, sizeof(buf));
		if (r > 0 && write(c, buf, r) != r)
			perror("write");
		/* wait for the client's FIN, then close: client gets TIME_WAIT */
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
	printf("served\n");
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	close(lfd);
	return 0;
}

static int cmd_connect(int argc, char **argv)
{
	struct sockaddr_in sin;
	int fd, syncnt, err = 0;
	double t0;
	char buf[8];

	if (argc < 4)
		return 2;
	if (enter(argv[1]))
		return 1;
	syncnt = argc > 4 ? atoi(argv[4]) : 0;
	sin = cl_sin(argv[2], atoi(argv[3]));
	fd = cl_socket(CL_XTCP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (syncnt && setsockopt(fd, SOL_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt))) {
		perror("TCP_SYNCNT");
		return 1;
	}
	t0 = cl_now();
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	printf("connect=%s ms=%.0f\n", err ? strerrorname_np(err) : "0",
	       (cl_now() - t0) * 1000);
	if (!err) {
		if (write(fd, "ping", 4) != 4 || read(fd, buf, 4) != 4 ||
		    memcmp(buf, "ping", 4)) {
			printf("echo=failed\n");
			return 1;
		}
		printf("echo=ok\n");
	}
	close(fd);
	return 0;
}

static int cmd_syn(int argc, char **argv)
{
	struct cl_raw r = { .proto = IPPROTO_XTCP, .flags = CL_F_SYN, .win = 64240,
			    .opts = cl_syn_opts, .optlen = sizeof(cl_syn_opts) };
	int fd, err;

	if (argc < 7)
		return 2;
	if (enter(argv[1]))
		return 1;
	r.saddr = cl_ip(argv[2]);
	r.daddr = cl_ip(argv[3]);
	r.sport = atoi(argv[4]);
	r.dport = atoi(argv[5]);
	r.seq = strtoul(argv[6], NULL, 0);
	fd = cl_raw_open();
	if (fd < 0) {
		perror("raw socket");
		return 1;
	}
	err = cl_raw_send(fd, &r);
	if (err) {
		fprintf(stderr, "send: %s\n", strerror(err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "connect"))
		return cmd_connect(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "syn"))
		return cmd_syn(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s serve NETNS IP PORT N [MAXSEG [HOLD]] | "
		"connect NETNS IP PORT [SYNCNT] | syn NETNS SRC DST SPORT DPORT ISN\n",
		argv[0]);
	return 2;
}
#endif /* CONN_LIB_NO_MAIN */
