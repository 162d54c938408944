// SPDX-License-Identifier: GPL-2.0
/*
 * dt_lib: what the "Reliable data transfer" selftests share
 * (xtcp_netem*, xtcp_sack*, xtcp_rto*, xtcp_zerowin*, xtcp_io*,
 * xtcp_epoll*). #include it with DT_LIB_NO_MAIN defined.
 *
 *   - both stacks: DT_XTCP (AF_XTCP) and DT_TCP (AF_INET) everywhere, so a
 *     test can run a scenario over the kernel's TCP too and compare;
 *   - network namespaces, a veth pair, addresses, links up/down and tx
 *     checksum offload from netns_lib.c (prefix nl_); netem with every
 *     knob (delay, jitter, loss, reorder, duplicate, corrupt) and TSO/GSO
 *     off on top of it: no ip/tc/ethtool exec (an exec costs ~0.5-1 s
 *     under TCG);
 *   - sysctls and counters of both stacks (/proc/net/xtcp_stat, snmp,
 *     netstat), rows of /proc/net/xtcp or /proc/net/tcp;
 *   - a byte pattern that depends on the stream offset (any loss,
 *     duplication, reordering or corruption of the stream is found and
 *     located) and a threaded full-duplex transfer engine;
 *   - a packet-socket capture written as a pcap file (both directions of a
 *     device) and a tshark runner that decodes it with
 *     `-d ip.proto==253,tcp`.
 *
 * The topology (dt_topo_init):
 *
 *   A "client" 10.0.0.1/24 va  <--- veth --->  vb 10.0.0.2/24 B "server"
 *
 * with net.xtcp.tw_timeout=1 in both namespaces (TIME_WAIT entries left by
 * a test vanish at once; a leftover XTCP socket makes rmmod fail) and
 * orphan_retries=3 for both stacks.
 *
 * As a program (build/helpers/dt_lib), for trying things by hand:
 *   dt_lib xfer KIND MIB NETEM...   transfer MIB MiB each way over a fresh
 *                                   topology; NETEM as for tc ("loss 5",
 *                                   "delay 10 reorder 25 50", "duplicate 1",
 *                                   "corrupt 0.1"); prints time and counters
 */
#ifndef DT_LIB_C
#define DT_LIB_C

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "xtcp_common.h"
#include "helpers/netns_lib.c"

enum { DT_XTCP, DT_TCP };

#define DT_IP_A "10.0.0.1"
#define DT_IP_B "10.0.0.2"

static inline const char *dt_name(int kind)
{
	return kind == DT_XTCP ? "XTCP" : "TCP";
}

static inline int dt_socket(int kind)
{
	return socket(kind == DT_XTCP ? AF_XTCP : AF_INET, SOCK_STREAM, 0);
}

static inline int dt_proto(int kind)
{
	return kind == DT_XTCP ? IPPROTO_XTCP : IPPROTO_TCP;
}

static inline double dt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void dt_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ----------------------------------------------------------------- netem */

/*
 * netem's random draws are seeded (tc's "seed", TCA_NETEM_PRNG_SEED) with
 * this fixed value plus the device's last letter, and the seed is printed
 * with the impairment. Kernels before 6.3 (Debian's 6.1) have no such
 * attribute, ignore it and draw at random.
 */
#define DT_NETEM_SEED	20261122ULL
#define DT_TCA_NETEM_PRNG_SEED	13	/* uapi value, absent from 6.1's headers */

/* netem parameters, percentages as in tc (0.1 = 0.1 %) */
struct dt_netem {
	double delay_ms, jitter_ms;
	double loss, loss_corr;
	double reorder, reorder_corr;
	double duplicate;
	double corrupt;
	unsigned int limit;		/* packets; 0: 100000 */
};

static inline uint32_t dt_pct(double p)
{
	if (p <= 0)
		return 0;
	if (p >= 100)
		return UINT32_MAX;
	return (uint32_t)(p / 100.0 * UINT32_MAX);
}

/* "delay 10ms reorder 25% 50% ..." as tc would print it */
static inline const char *dt_netem_str(const struct dt_netem *n)
{
	static char buf[256];
	int l = 0;

	buf[0] = 0;
	if (n->delay_ms)
		l += snprintf(buf + l, sizeof(buf) - l, "delay %gms ", n->delay_ms);
	if (n->jitter_ms)
		l += snprintf(buf + l, sizeof(buf) - l, "jitter %gms ", n->jitter_ms);
	if (n->loss)
		l += snprintf(buf + l, sizeof(buf) - l, "loss %g%% ", n->loss);
	if (n->loss_corr)
		l += snprintf(buf + l, sizeof(buf) - l, "(corr %g%%) ", n->loss_corr);
	if (n->reorder)
		l += snprintf(buf + l, sizeof(buf) - l, "reorder %g%% %g%% gap 1 ",
			      n->reorder, n->reorder_corr);
	if (n->duplicate)
		l += snprintf(buf + l, sizeof(buf) - l, "duplicate %g%% ", n->duplicate);
	if (n->corrupt)
		l += snprintf(buf + l, sizeof(buf) - l, "corrupt %g%% ", n->corrupt);
	snprintf(buf + l, sizeof(buf) - l, "limit %u seed %llu+dev",
		 n->limit ? n->limit : 100000, DT_NETEM_SEED);
	return buf;
}

/* netem as root qdisc of @dev (current namespace), as tc qdisc replace. */
static inline int dt_netem(const char *dev, const struct dt_netem *n)
{
	struct nl_req req;
	struct tc_netem_qopt q = { .limit = n->limit ? n->limit : 100000 };
	struct rtattr *opts;
	int64_t lat = (int64_t)(n->delay_ms * 1e6), jit = (int64_t)(n->jitter_ms * 1e6);
	uint64_t seed;
	int err;

	err = nl_qdisc_req(&req, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, dev);
	if (err)
		return err;
	q.loss = dt_pct(n->loss);
	q.duplicate = dt_pct(n->duplicate);
	if (n->reorder)
		q.gap = 1;		/* what tc sets when only reorder is given */
	nl_nla(&req.nh, TCA_KIND, "netem", 6);
	opts = nl_nla(&req.nh, TCA_OPTIONS, &q, sizeof(q));
	if (n->loss_corr) {
		struct tc_netem_corr c = { .loss_corr = dt_pct(n->loss_corr) };

		nl_nla(&req.nh, TCA_NETEM_CORR, &c, sizeof(c));
	}
	if (n->reorder) {
		struct tc_netem_reorder r = {
			.probability = dt_pct(n->reorder),
			.correlation = dt_pct(n->reorder_corr),
		};

		nl_nla(&req.nh, TCA_NETEM_REORDER, &r, sizeof(r));
	}
	if (n->corrupt) {
		struct tc_netem_corrupt c = { .probability = dt_pct(n->corrupt) };

		nl_nla(&req.nh, TCA_NETEM_CORRUPT, &c, sizeof(c));
	}
	nl_nla(&req.nh, TCA_NETEM_LATENCY64, &lat, sizeof(lat));
	if (jit)
		nl_nla(&req.nh, TCA_NETEM_JITTER64, &jit, sizeof(jit));
	seed = DT_NETEM_SEED + (unsigned char)dev[strlen(dev) - 1];
	nl_nla(&req.nh, DT_TCA_NETEM_PRNG_SEED, &seed, sizeof(seed));
	nl_nla_end(&req.nh, opts);
	return nl_talk(&req.nh);
}

/* ---------------------------------------------------------------- ioctls */

/* ethtool -K @dev tso off gso off (segments on the wire as the stack
 * made them: Linux TCP would otherwise hand veth 64 KB GSO packets). */
static inline int dt_no_gso(const char *dev)
{
	struct ethtool_value ev = { .data = 0 };
	struct ifreq ifr = nl_ifreq(dev, &ev);
	int err;

	ev.cmd = ETHTOOL_STSO;
	err = nl_ioctl(SIOCETHTOOL, &ifr);
	ev.cmd = ETHTOOL_SGSO;
	ev.data = 0;
	return err ? err : nl_ioctl(SIOCETHTOOL, &ifr);
}

/* ------------------------------------------------------- sysctl, counters */

/* sysctl NAME=VAL in the current namespace ("net.xtcp.sack"); 0 or errno */
static inline int dt_sysctl(const char *name, const char *val)
{
	char path[256], *p;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	return xtcp_write_file(path, val);
}

static inline int dt_sysctl_int(const char *name, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", val);
	return dt_sysctl(name, buf);
}

/* The same setting in net.xtcp.@x and (if @t) net.ipv4.@t; 0 or errno. */
static inline int dt_sysctl_both(const char *x, const char *t, long val)
{
	char n[128];
	int e1, e2 = 0;

	snprintf(n, sizeof(n), "net.xtcp.%s", x);
	e1 = dt_sysctl_int(n, val);
	if (t) {
		snprintf(n, sizeof(n), "net.ipv4.%s", t);
		e2 = dt_sysctl_int(n, val);
	}
	return e1 ? e1 : e2;
}

/* A counter of /proc/net/xtcp_stat (current namespace); -1 if absent. */
static inline long dt_xstat(const char *name)
{
	char buf[8192], *p;
	size_t l = strlen(name);

	if (xtcp_read_file("/proc/thread-self/net/xtcp_stat", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, l) && p[l] == ' ')
			return strtol(p + l + 1, NULL, 10);
	return -1;
}

/* Linux's counter @name of /proc/net/@file, lines "@prefix ..."; -1 if absent */
static inline long dt_linux_stat(const char *file, const char *prefix, const char *name)
{
	char buf[16384], path[128], *hdr, *val, *hs, *vs, *h, *v;
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

/* Counter @name of @kind in the current namespace (Tcp:, TcpExt:). */
static inline long dt_stat(int kind, const char *name)
{
	long v;

	if (kind == DT_XTCP)
		return dt_xstat(name);
	v = dt_linux_stat("snmp", "Tcp:", name);
	return v >= 0 ? v : dt_linux_stat("netstat", "TcpExt:", name);
}

/* As dt_stat() in namespace @ns. */
static inline long dt_stat_ns(int ns, int kind, const char *name)
{
	int old = nl_cur_ns;
	long v;

	if (nl_ns_enter(ns))
		return -1;
	v = dt_stat(kind, name);
	if (old >= 0)
		nl_ns_enter(old);
	return v;
}

/* --------------------------------------------------------- /proc/net rows */

struct dt_row {
	unsigned int laddr, lport, raddr, rport, state;
	unsigned int txq, rxq, timer, retr, uid;
	unsigned long when;
	int timeout;
	unsigned long inode;
};

/* Rows of /proc/net/xtcp or tcp (current ns) matching @lport/@rport (0:
 * any); up to @max copied. Number of matches, or -1. */
static inline int dt_rows(int kind, unsigned int lport, unsigned int rport,
			  struct dt_row *rows, int max)
{
	char line[512];
	int n = 0, first = 1;
	FILE *f;

	f = fopen(kind == DT_XTCP ? "/proc/thread-self/net/xtcp" :
				    "/proc/thread-self/net/tcp", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct dt_row r;
		int sl;

		if (first) {
			first = 0;
			continue;
		}
		if (sscanf(line, "%d: %X:%X %X:%X %X %X:%X %X:%lX %X %u %d %lu", &sl,
			   &r.laddr, &r.lport, &r.raddr, &r.rport, &r.state,
			   &r.txq, &r.rxq, &r.timer, &r.when, &r.retr, &r.uid,
			   &r.timeout, &r.inode) != 14)
			continue;
		if ((lport && r.lport != lport) || (rport && r.rport != rport))
			continue;
		if (rows && n < max)
			rows[n] = r;
		n++;
	}
	fclose(f);
	return n;
}

static inline int dt_rows_ns(int ns, int kind, unsigned int lport,
			     unsigned int rport, struct dt_row *rows, int max)
{
	int old = nl_cur_ns, n;

	if (nl_ns_enter(ns))
		return -1;
	n = dt_rows(kind, lport, rport, rows, max);
	if (old >= 0)
		nl_ns_enter(old);
	return n;
}

/* ---------------------------------------------------------------- sockets */

static inline int dt_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static inline int dt_getint(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len))
		return -errno;
	return v;
}

static inline int dt_poll(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return p.revents;
}

/* Close with SO_LINGER {1, 0}: RST, nothing left behind. */
static inline void dt_abort(int fd)
{
	struct linger l = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* Listener of @kind on @ip:@port; -1 with errno on error. */
static inline int dt_listen(int kind, const char *ip, unsigned short port, int backlog)
{
	struct sockaddr_in sin = xtcp_sin(ip, port);
	int fd = dt_socket(kind), one = 1;

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

/* Options applied to both ends of a pair before connect/listen. */
struct dt_opts {
	int rcvbuf, sndbuf;		/* SO_RCVBUF/SO_SNDBUF, 0: default */
	int nodelay;
};

static inline void dt_apply(int fd, const struct dt_opts *o)
{
	if (!o)
		return;
	if (o->rcvbuf)
		xtcp_setint(fd, SOL_SOCKET, SO_RCVBUF, o->rcvbuf);
	if (o->sndbuf)
		xtcp_setint(fd, SOL_SOCKET, SO_SNDBUF, o->sndbuf);
	if (o->nodelay)
		xtcp_setint(fd, SOL_TCP, TCP_NODELAY, 1);
}

/*
 * A connected pair of @kind: a listener on @ip:@port in @ns_s, a client in
 * @ns_c; *cfd in ns_c, *sfd in ns_s; the caller's namespace is kept.
 * 0 or errno.
 */
static inline int dt_pair_ns(int ns_c, int ns_s, int kind, const char *ip,
			     unsigned short port, const struct dt_opts *o,
			     int *cfd, int *sfd)
{
	struct sockaddr_in sin = xtcp_sin(ip, port);
	int old = nl_cur_ns, lfd, err = 0, one = 1;

	*cfd = *sfd = -1;
	if (ns_s >= 0)
		nl_ns_enter(ns_s);
	lfd = dt_socket(kind);
	if (lfd < 0) {
		err = errno;
		goto out;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	dt_apply(lfd, o);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 8)) {
		err = errno;
		close(lfd);
		goto out;
	}
	if (ns_c >= 0)
		nl_ns_enter(ns_c);
	*cfd = dt_socket(kind);
	if (*cfd < 0) {
		err = errno;
		close(lfd);
		goto out;
	}
	dt_apply(*cfd, o);
	if (connect(*cfd, (struct sockaddr *)&sin, sizeof(sin))) {
		err = errno;
	} else if (!(dt_poll(lfd, POLLIN, 15000) & POLLIN)) {
		/* 15 s: under netem loss the handshake's last ACK can be lost
		 * (connect() has returned) and then the SYN-ACK retries at 1,
		 * 3, 7 s and their ACKs too; 5 s failed 16-connection runs
		 */
		err = ETIMEDOUT;
	} else {
		*sfd = accept(lfd, NULL, NULL);
		if (*sfd < 0)
			err = errno;
		else if (o && o->nodelay)
			xtcp_setint(*sfd, SOL_TCP, TCP_NODELAY, 1);
	}
	close(lfd);
	if (err) {
		if (*cfd >= 0)
			close(*cfd);
		*cfd = -1;
	}
out:
	if (old >= 0)
		nl_ns_enter(old);
	return err;
}

/* A connected pair over 127.0.0.1 in the current namespace. */
static inline int dt_pair_lo(int kind, unsigned short port, int *cfd, int *sfd)
{
	return dt_pair_ns(-1, -1, kind, "127.0.0.1", port, NULL, cfd, sfd);
}

/* Read exactly @len bytes within @ms per chunk; 0, or errno (EPIPE: EOF). */
static inline int dt_read_n(int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (!(dt_poll(fd, POLLIN, ms) & (POLLIN | POLLHUP | POLLERR)))
			return ETIMEDOUT;
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN)
				continue;
			return errno;
		}
		if (n == 0)
			return EPIPE;
		got += n;
	}
	return 0;
}

/* Fill the send path of non-blocking @fd until EAGAIN stays for @quiet_ms;
 * returns the bytes written (pattern @seed from offset @off). */
static inline size_t dt_fill(int fd, uint64_t seed, size_t off, int quiet_ms);

/* ---------------------------------------------------------------- pattern */

/* 64-bit word number @i of stream @seed (splitmix64) */
static inline uint64_t dt_word(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Bytes [@off, @off + @len) of stream @seed into @buf. */
static inline void dt_pattern(uint64_t seed, uint64_t off, void *buf, size_t len)
{
	uint8_t *b = buf;

	while (len && (off & 7)) {
		*b++ = dt_word(seed, off >> 3) >> (8 * (off & 7));
		off++;
		len--;
	}
	while (len >= 8) {
		uint64_t w = dt_word(seed, off >> 3);

		memcpy(b, &w, 8);	/* little endian: byte k = w >> 8k */
		b += 8;
		off += 8;
		len -= 8;
	}
	while (len) {
		*b++ = dt_word(seed, off >> 3) >> (8 * (off & 7));
		off++;
		len--;
	}
}

/* Check @buf against stream @seed at @off; -1 if equal, else the offset
 * (relative to @buf) of the first wrong byte. */
static inline long dt_check(uint64_t seed, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i = 0;

	while (i < len && ((off + i) & 7)) {
		if (b[i] != (uint8_t)(dt_word(seed, (off + i) >> 3) >> (8 * ((off + i) & 7))))
			return i;
		i++;
	}
	while (len - i >= 8) {
		uint64_t w = dt_word(seed, (off + i) >> 3);

		if (memcmp(b + i, &w, 8))
			break;
		i += 8;
	}
	while (i < len) {
		if (b[i] != (uint8_t)(dt_word(seed, (off + i) >> 3) >> (8 * ((off + i) & 7))))
			return i;
		i++;
	}
	return -1;
}

static inline size_t dt_fill(int fd, uint64_t seed, size_t off, int quiet_ms)
{
	char buf[16384];
	size_t tot = 0;
	double last = dt_now();

	for (;;) {
		ssize_t n;

		dt_pattern(seed, off + tot, buf, sizeof(buf));
		n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			tot += n;
			last = dt_now();
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return tot;
		if ((dt_now() - last) * 1000 >= quiet_ms)
			return tot;
		dt_msleep(20);
	}
}

static inline const char *dt_errname(int err)
{
	static __thread char buf[4][16];
	static __thread int i;
	const char *n;

	if (!err)
		return "0";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf[i & 3], sizeof(buf[0]), "E%d", err);
	return buf[i++ & 3];
}

/* struct tcp_info as in <linux/tcp.h> up to tcpi_snd_wnd (glibc's is older) */
struct dt_tcp_info {
	uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes;
	uint8_t tcpi_backoff, tcpi_options, tcpi_wscale, tcpi_flags;
	uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
	uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans, tcpi_fackets;
	uint32_t tcpi_last_data_sent, tcpi_last_ack_sent, tcpi_last_data_recv,
		 tcpi_last_ack_recv;
	uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh,
		 tcpi_snd_cwnd, tcpi_advmss, tcpi_reordering;
	uint32_t tcpi_rcv_rtt, tcpi_rcv_space, tcpi_total_retrans;
	uint64_t tcpi_pacing_rate, tcpi_max_pacing_rate, tcpi_bytes_acked,
		 tcpi_bytes_received;
	uint32_t tcpi_segs_out, tcpi_segs_in, tcpi_notsent_bytes, tcpi_min_rtt,
		 tcpi_data_segs_in, tcpi_data_segs_out;
	uint64_t tcpi_delivery_rate, tcpi_busy_time, tcpi_rwnd_limited,
		 tcpi_sndbuf_limited;
	uint32_t tcpi_delivered, tcpi_delivered_ce;
	uint64_t tcpi_bytes_sent, tcpi_bytes_retrans;
	uint32_t tcpi_dsack_dups, tcpi_reord_seen, tcpi_rcv_ooopack, tcpi_snd_wnd;
};

/* TCP_INFO of @fd into @ti (zeroed first); 0 or errno */
static inline int dt_tcp_info(int fd, struct dt_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, SOL_TCP, TCP_INFO, ti, &len) ? errno : 0;
}

/* One line about a socket: TCP_INFO fields and queue sizes ("# " prefix). */
static inline void dt_diag(const char *who, int fd)
{
	struct dt_tcp_info ti;
	int inq = -1, outq = -1, nsd = -1;

	if (dt_tcp_info(fd, &ti)) {
		printf("# %s: TCP_INFO: %s\n", who, strerror(errno));
		return;
	}
	ioctl(fd, SIOCINQ, &inq);
	ioctl(fd, SIOCOUTQ, &outq);
	ioctl(fd, SIOCOUTQNSD, &nsd);
	printf("# %s: state %u ca_state %u retransmits %u probes %u backoff %u rto %u us "
	       "rtt %u us snd_mss %u cwnd %u ssthresh %u reordering %u unacked %u total_retrans %u "
	       "snd_wnd %u rcv_space %u inq %d outq %d notsent %d so_error %s\n",
	       who, ti.tcpi_state, ti.tcpi_ca_state, ti.tcpi_retransmits, ti.tcpi_probes,
	       ti.tcpi_backoff, ti.tcpi_rto, ti.tcpi_rtt, ti.tcpi_snd_mss, ti.tcpi_snd_cwnd,
	       ti.tcpi_snd_ssthresh, ti.tcpi_reordering, ti.tcpi_unacked, ti.tcpi_total_retrans,
	       ti.tcpi_snd_wnd, ti.tcpi_rcv_space, inq, outq, nsd,
	       strerrorname_np(dt_getint(fd, SOL_SOCKET, SO_ERROR)) ?: "0");
}

/* ------------------------------------------------------------ transfer */

/* One direction of a transfer: a sender or a receiver thread. */
struct dt_flow {
	int fd;
	uint64_t seed;
	uint64_t bytes;		/* to send / expected */
	int timeout_s;		/* give up after this long without progress */
	bool shut;		/* sender: shutdown(SHUT_WR) at the end */
	/* results */
	uint64_t done;
	int err;		/* errno, EPIPE: early EOF, EBADMSG: corrupt */
	long bad_off;		/* first wrong stream offset (EBADMSG) */
	bool extra;		/* receiver: data after the expected end */
	double t_end;
};

static void *dt_sender(void *arg)
{
	struct dt_flow *f = arg;
	static __thread char buf[65536];
	double last = dt_now();

	while (f->done < f->bytes) {
		size_t n = f->bytes - f->done < sizeof(buf) ? f->bytes - f->done : sizeof(buf);
		ssize_t w;

		dt_pattern(f->seed, f->done, buf, n);
		if (!(dt_poll(f->fd, POLLOUT, 1000) & (POLLOUT | POLLERR | POLLHUP))) {
			if (dt_now() - last > f->timeout_s) {
				f->err = ETIMEDOUT;
				break;
			}
			continue;
		}
		w = send(f->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN)
				continue;
			f->err = errno;
			break;
		}
		f->done += w;
		last = dt_now();
	}
	if (f->shut && !f->err)
		shutdown(f->fd, SHUT_WR);
	f->t_end = dt_now();
	return NULL;
}

static void *dt_receiver(void *arg)
{
	struct dt_flow *f = arg;
	static __thread char buf[65536];
	double last = dt_now();

	for (;;) {
		ssize_t r;
		long bad;

		if (!f->shut && f->done >= f->bytes)
			break;
		if (!(dt_poll(f->fd, POLLIN, 1000) & (POLLIN | POLLERR | POLLHUP))) {
			if (dt_now() - last > f->timeout_s) {
				f->err = ETIMEDOUT;
				break;
			}
			continue;
		}
		r = recv(f->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN)
				continue;
			f->err = errno;
			break;
		}
		if (r == 0) {
			if (f->done < f->bytes)
				f->err = EPIPE;
			break;
		}
		last = dt_now();
		if (f->done + r > f->bytes) {
			f->extra = true;
			r = f->bytes - f->done;
		}
		bad = dt_check(f->seed, f->done, buf, r);
		if (bad >= 0) {
			f->err = EBADMSG;
			f->bad_off = f->done + bad;
			break;
		}
		f->done += r;
		if (f->extra) {
			f->err = E2BIG;
			break;
		}
		if (f->done == f->bytes && !f->shut)
			break;
	}
	f->t_end = dt_now();
	return NULL;
}

/*
 * Both ways: @bytes from a to b (seed 1) and from b2 to a2 (seed 2) at
 * the same time, each receiver checking every byte. @late_fin false: each
 * sender shuts its side down when done and each receiver reads to EOF;
 * true: both directions complete first, then both FINs, and each side
 * must then read EOF (ENOTEMPTY if not). Fills fw (a->b) and
 * bw (b->a). Returns 0 if both directions arrived intact, else the first
 * error. @bytes_back may differ (0: one direction only).
 */
static inline int dt_xfer4(int a, int b, int b2, int a2, uint64_t bytes,
			   uint64_t bytes_back, int timeout_s, bool late_fin,
			   struct dt_flow *fw, struct dt_flow *bw)
{
	struct dt_flow s1 = { .fd = a, .seed = 1, .bytes = bytes, .timeout_s = timeout_s, .shut = !late_fin };
	struct dt_flow r1 = { .fd = b, .seed = 1, .bytes = bytes, .timeout_s = timeout_s, .shut = !late_fin };
	struct dt_flow s2 = { .fd = b2, .seed = 2, .bytes = bytes_back, .timeout_s = timeout_s, .shut = !late_fin };
	struct dt_flow r2 = { .fd = a2, .seed = 2, .bytes = bytes_back, .timeout_s = timeout_s, .shut = !late_fin };
	pthread_t t[4];

	pthread_create(&t[0], NULL, dt_sender, &s1);
	pthread_create(&t[1], NULL, dt_receiver, &r1);
	pthread_create(&t[2], NULL, dt_sender, &s2);
	pthread_create(&t[3], NULL, dt_receiver, &r2);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	pthread_join(t[3], NULL);
	if (late_fin && !s1.err && !r1.err && !s2.err && !r2.err) {
		/* both directions complete: now the FINs, each must read EOF */
		char c;

		shutdown(a, SHUT_WR);
		shutdown(b2, SHUT_WR);
		if (b != b2)
			shutdown(b, SHUT_WR);
		if (a != a2)
			shutdown(a2, SHUT_WR);
		if (!(dt_poll(b, POLLIN, timeout_s * 1000) & POLLIN) ||
		    recv(b, &c, 1, MSG_DONTWAIT) != 0)
			r1.err = r1.err ? r1.err : ENOTEMPTY;
		if (!(dt_poll(a2, POLLIN, timeout_s * 1000) & POLLIN) ||
		    recv(a2, &c, 1, MSG_DONTWAIT) != 0)
			r2.err = r2.err ? r2.err : ENOTEMPTY;
	}
	if (s1.err || r1.err || s2.err || r2.err) {
		printf("# transfer failed: a->b sent %llu (%s) got %llu (%s); "
		       "b->a sent %llu (%s) got %llu (%s)\n",
		       (unsigned long long)s1.done, dt_errname(s1.err),
		       (unsigned long long)r1.done, dt_errname(r1.err),
		       (unsigned long long)s2.done, dt_errname(s2.err),
		       (unsigned long long)r2.done, dt_errname(r2.err));
		if (r1.err == EBADMSG)
			printf("# a->b: first wrong byte at stream offset %ld\n", r1.bad_off);
		if (r2.err == EBADMSG)
			printf("# b->a: first wrong byte at stream offset %ld\n", r2.bad_off);
		dt_diag("a", a);
		dt_diag("b", b);
		if (a2 != a) {
			dt_diag("a2", a2);
			dt_diag("b2", b2);
		}
	}
	/* report the receiving side, with the sender's error if it had one */
	*fw = r1;
	if (!fw->err && s1.err)
		fw->err = s1.err;
	*bw = r2;
	if (!bw->err && s2.err)
		bw->err = s2.err;
	return fw->err ? fw->err : bw->err;
}

/* @bytes from a to b (stream @seed), no FIN; 0 or the error */
static inline int dt_oneway(int a, int b, uint64_t bytes, uint64_t seed, int timeout_s)
{
	struct dt_flow s = { .fd = a, .seed = seed, .bytes = bytes, .timeout_s = timeout_s };
	struct dt_flow r = { .fd = b, .seed = seed, .bytes = bytes, .timeout_s = timeout_s };
	pthread_t th;

	pthread_create(&th, NULL, dt_sender, &s);
	dt_receiver(&r);
	pthread_join(th, NULL);
	return s.err ? s.err : r.err;
}

/* One full-duplex connection a <-> b. */
static inline int dt_duplex_x(int a, int b, uint64_t bytes, uint64_t bytes_back,
			      int timeout_s, bool late_fin, struct dt_flow *fw,
			      struct dt_flow *bw)
{
	return dt_xfer4(a, b, b, a, bytes, bytes_back, timeout_s, late_fin, fw, bw);
}

/* dt_duplex_x() with the FINs right after each sender finished */
static inline int dt_duplex(int a, int b, uint64_t bytes, uint64_t bytes_back,
			    int timeout_s, struct dt_flow *fw, struct dt_flow *bw)
{
	return dt_duplex_x(a, b, bytes, bytes_back, timeout_s, false, fw, bw);
}

/* Run @argv (NULL-terminated) in namespace @ns (stdout/stderr to
 * /dev/null if @quiet); returns its exit status (or -1). */
static inline int dt_exec_ns(int ns, char *const argv[], bool quiet)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		return -1;
	if (!p) {
		if (ns >= 0 && setns(ns, CLONE_NEWNET))
			_exit(126);
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------- topology */

struct dt_topo {
	int ns[2];		/* [0] A "client" (va), [1] B "server" (vb) */
};

#define DT_A 0
#define DT_B 1

static inline const char *dt_dev(int side)
{
	return side == DT_A ? "va" : "vb";
}

static inline int dt_ns_defaults(void)
{
	if (dt_sysctl("net.xtcp.tw_timeout", "1"))
		return ENOENT;		/* module not loaded */
	/* an orphan retransmitting into a dead link gives up within seconds */
	dt_sysctl_both("orphan_retries", "tcp_orphan_retries", 3);
	return 0;
}

/* A single namespace (lo up, defaults); the caller is left in it. fd or -errno */
static inline int dt_single_ns(void)
{
	int ns = nl_ns_new(), err;

	if (ns < 0)
		return -errno;
	err = dt_ns_defaults();
	return err ? -err : ns;
}

/* The two-namespace topology; the caller is left in A. 0 or errno. */
static inline int dt_topo_init(struct dt_topo *t)
{
	int err;

	t->ns[DT_B] = nl_ns_new();
	if (t->ns[DT_B] < 0)
		return errno;
	err = dt_ns_defaults();
	if (err)
		return err;
	t->ns[DT_A] = nl_ns_new();
	if (t->ns[DT_A] < 0)
		return errno;
	dt_ns_defaults();
	return nl_veth_pair(t->ns[DT_A], DT_IP_A, t->ns[DT_B], DT_IP_B);
}

/* Run @fn in namespace @side, the caller's namespace kept. */
#define DT_IN(t, side, expr) ({					\
	int __old = nl_cur_ns;					\
	__typeof__(expr) __r;					\
	nl_ns_enter((t)->ns[side]);				\
	__r = (expr);						\
	if (__old >= 0)						\
		nl_ns_enter(__old);				\
	__r; })

/* netem on @side's device (NULL: remove). */
static inline int dt_topo_netem(struct dt_topo *t, int side, const struct dt_netem *n)
{
	return n ? DT_IN(t, side, dt_netem(dt_dev(side), n)) :
		   DT_IN(t, side, nl_qdisc_del(dt_dev(side)));
}

/* sysctl in both namespaces */
static inline int dt_topo_sysctl(struct dt_topo *t, const char *name, long val)
{
	int e1 = DT_IN(t, DT_A, dt_sysctl_int(name, val));
	int e2 = DT_IN(t, DT_B, dt_sysctl_int(name, val));

	return e1 ? e1 : e2;
}

/* A connected pair: B listens on 10.0.0.2:@port, A connects. */
static inline int dt_pair(struct dt_topo *t, int kind, unsigned short port,
			  const struct dt_opts *o, int *cfd, int *sfd)
{
	return dt_pair_ns(t->ns[DT_A], t->ns[DT_B], kind, DT_IP_B, port, o, cfd, sfd);
}

/* Wait until no XTCP socket other than TIME_WAIT is left in the topology. */
static inline int dt_settle(struct dt_topo *t, double max)
{
	double t0 = dt_now();
	int left, i;

	for (;;) {
		struct dt_row rows[64];

		left = 0;
		for (i = 0; i < 2; i++) {
			int n = dt_rows_ns(t->ns[i], DT_XTCP, 0, 0, rows, 64), j;

			for (j = 0; j < n && j < 64; j++)
				if (rows[j].state != 6)
					left++;
		}
		if (!left || dt_now() - t0 > max)
			return left;
		dt_msleep(50);
	}
}

/* Drops of @dev in the current namespace: rx and tx "drop" of /proc/net/dev */
static inline int dt_dev_drops(const char *dev, long *rx, long *tx)
{
	char buf[8192], *p;
	size_t l = strlen(dev);

	*rx = *tx = -1;
	if (xtcp_read_file("/proc/thread-self/net/dev", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		long v[16];

		while (*p == ' ')
			p++;
		if (strncmp(p, dev, l) || p[l] != ':')
			continue;
		if (sscanf(p + l + 1, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10], &v[11]) != 12)
			return -1;
		*rx = v[3];
		*tx = v[11];
		return 0;
	}
	return -1;
}

/*
 * @n connections A->B and @n connections B->A at once (ports @port..),
 * each carrying @bytes / @n bytes (seeds differ per connection), every
 * byte checked; the FINs after all data arrived. Fails with the first
 * error (ETIMEDOUT: @timeout_s without progress on a connection).
 * *@secs: wall time of the transfer.
 */
#define DT_MAX_CONN 32
static inline int dt_multi(struct dt_topo *t, int kind, int n, uint64_t bytes,
			   unsigned short port, const struct dt_opts *o,
			   int timeout_s, double *secs)
{
	static struct dt_flow snd[2 * DT_MAX_CONN], rcv[2 * DT_MAX_CONN];
	int cfd[2 * DT_MAX_CONN], sfd[2 * DT_MAX_CONN];
	pthread_t th[4 * DT_MAX_CONN];
	uint64_t per = bytes / n;
	int i, err = 0, first_bad = -1;
	double t0;

	if (n > DT_MAX_CONN)
		return EINVAL;
	for (i = 0; i < 2 * n; i++)
		cfd[i] = sfd[i] = -1;
	for (i = 0; i < 2 * n && !err; i++)
		err = dt_pair(t, kind, port + i, o, &cfd[i], &sfd[i]);
	if (err)
		goto out;
	for (i = 0; i < 2 * n; i++) {
		/* first n: A (client) sends; last n: B (server) sends */
		int from = i < n ? cfd[i] : sfd[i], to = i < n ? sfd[i] : cfd[i];

		snd[i] = (struct dt_flow){ .fd = from, .seed = 100 + i, .bytes = per,
					   .timeout_s = timeout_s };
		rcv[i] = (struct dt_flow){ .fd = to, .seed = 100 + i, .bytes = per,
					   .timeout_s = timeout_s };
	}
	t0 = dt_now();
	for (i = 0; i < 2 * n; i++) {
		pthread_create(&th[2 * i], NULL, dt_sender, &snd[i]);
		pthread_create(&th[2 * i + 1], NULL, dt_receiver, &rcv[i]);
	}
	for (i = 0; i < 4 * n; i++)
		pthread_join(th[i], NULL);
	*secs = dt_now() - t0;
	if (getenv("DT_VERBOSE"))
		for (i = 0; i < 2 * n; i++)
			dt_diag(i < n ? "sender A" : "sender B", snd[i].fd);
	for (i = 0; i < 2 * n; i++) {
		int e = rcv[i].err ? rcv[i].err : snd[i].err;

		if (e && first_bad < 0)
			first_bad = i;
		if (e && !err)
			err = e;
	}
	if (err) {
		i = first_bad;
		printf("# connection %d (%s) failed: sent %llu (%s), received %llu (%s) of %llu\n",
		       i, i < n ? "A->B" : "B->A", (unsigned long long)snd[i].done,
		       dt_errname(snd[i].err), (unsigned long long)rcv[i].done,
		       dt_errname(rcv[i].err), (unsigned long long)per);
		if (rcv[i].err == EBADMSG)
			printf("# first wrong byte at stream offset %ld\n", rcv[i].bad_off);
		dt_diag(i < n ? "sender (A)" : "sender (B)", snd[i].fd);
		dt_diag(i < n ? "receiver (B)" : "receiver (A)", rcv[i].fd);
		goto out;
	}
	/* all data is in: FINs both ways, each side must read EOF */
	for (i = 0; i < 2 * n; i++) {
		shutdown(cfd[i], SHUT_WR);
		shutdown(sfd[i], SHUT_WR);
	}
	for (i = 0; i < 2 * n && !err; i++) {
		char c;

		if (!(dt_poll(cfd[i], POLLIN, timeout_s * 1000) & POLLIN) ||
		    recv(cfd[i], &c, 1, MSG_DONTWAIT) != 0 ||
		    !(dt_poll(sfd[i], POLLIN, timeout_s * 1000) & POLLIN) ||
		    recv(sfd[i], &c, 1, MSG_DONTWAIT) != 0) {
			printf("# connection %d: no EOF after the FINs\n", i);
			err = ENOTEMPTY;
		}
	}
out:
	for (i = 0; i < 2 * n; i++) {
		dt_abort(cfd[i]);
		dt_abort(sfd[i]);
	}
	return err;
}

/*
 * Deterministic loss: every @nth IPv4 packet arriving at @side's device
 * is dropped (tc clsact ingress, matchall, gact "ok random determ drop
 * @nth"; the count starts when installed). Packets are dropped after
 * packet sockets saw them and before the IP layer: for the stacks it is
 * loss on the wire. @nth 0: remove. 0 or the tc exit status.
 */
static inline int dt_drop_nth(struct dt_topo *t, int side, int nth)
{
	char n[16];
	char *del[] = { "tc", "qdisc", "del", "dev", (char *)dt_dev(side), "clsact", NULL };
	char *add[] = { "tc", "qdisc", "add", "dev", (char *)dt_dev(side), "clsact", NULL };
	char *flt[] = { "tc", "filter", "add", "dev", (char *)dt_dev(side), "ingress",
			"protocol", "ip", "pref", "1", "matchall", "action", "gact", "ok",
			"random", "determ", "drop", n, NULL };
	int err;

	snprintf(n, sizeof(n), "%d", nth);
	dt_exec_ns(t->ns[side], del, true);
	if (!nth)
		return 0;
	err = dt_exec_ns(t->ns[side], add, false);
	return err ? err : dt_exec_ns(t->ns[side], flt, false);
}

/* ------------------------------------------------------- netem cases */

/*
 * Receive packets of @side's veth on CPU 0 only (RPS, rps_cpus = 1), as
 * `ip netns exec NS sh -c 'echo 1 > /sys/class/net/DEV/queues/rx-0/rps_cpus'`
 * would: a child enters the namespace and a mount namespace of its own
 * with that namespace's sysfs. Why: a qdisc on a veth of a 2-vCPU guest
 * runs from either CPU and each CPU delivers through its own backlog, so
 * the rig reorders a clean link by itself; Linux's TCP hides that behind
 * 64 KB GSO packets, XTCP (no GSO) would see reordering netem never made.
 */
static inline int dt_rps_one_cpu(struct dt_topo *t, int side)
{
	char path[128];
	int st;
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-0/rps_cpus",
		 dt_dev(side));
	pid = fork();
	if (pid < 0)
		return errno;
	if (!pid) {
		if (setns(t->ns[side], CLONE_NEWNET) || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("sysfs", "/sys", "sysfs", 0, NULL))
			_exit(errno & 0xff);
		_exit(xtcp_write_file(path, "1") ? EIO : 0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
}

/* counters recorded for a netem case, per namespace */
static const char *const dt_case_names[] = {
	"InSegs", "OutSegs", "RetransSegs", "InErrs", "InCsumErrors", "TCPTimeouts",
	"TCPSackRecovery", "TCPOFOQueue", "TCPLossUndo",
};
#define DT_NCNT (int)(sizeof(dt_case_names) / sizeof(dt_case_names[0]))

struct dt_case_res {
	int err;		/* 0: every byte of every connection arrived */
	double secs;
	long cnt[2][DT_NCNT];	/* [DT_A/DT_B][dt_case_names] */
};

static inline long dt_cnt(const struct dt_case_res *r, int side, const char *name)
{
	int i;

	for (i = 0; i < DT_NCNT; i++)
		if (!strcmp(dt_case_names[i], name))
			return r->cnt[side][i];
	return -1;
}

/* the counter summed over both namespaces */
static inline long dt_cnt2(const struct dt_case_res *r, const char *name)
{
	return dt_cnt(r, DT_A, name) + dt_cnt(r, DT_B, name);
}

static inline void dt_case_print(const char *what, int kind, const struct dt_case_res *r)
{
	int side, i;

	printf("# %s %s: %s in %.1f s\n", dt_name(kind), what, dt_errname(r->err), r->secs);
	for (side = 0; side < 2; side++) {
		printf("#   %s:", side ? "B" : "A");
		for (i = 0; i < DT_NCNT; i++)
			printf(" %s=%ld", dt_case_names[i], r->cnt[side][i]);
		printf("\n");
	}
}

/*
 * One netem case on a fresh topology: receive on one CPU (dt_rps_one_cpu),
 * netem @n on va and on vb (both directions), then @bytes A->B and @bytes
 * B->A over @nconn + @nconn connections of @kind at once, every byte
 * checked (dt_multi). The
 * result is kept in a file keyed by @key and the test runner's pid, so
 * that several tests of one program can look at one run.
 */
static inline int dt_netem_case(const char *key, const struct dt_netem *n, int kind,
				int nconn, uint64_t bytes, int timeout_s,
				struct dt_case_res *r)
{
	char path[128];
	struct dt_topo t;
	int side, i, fd;

	snprintf(path, sizeof(path), "/tmp/dt_case.%s.%s.%s", key, dt_name(kind),
		 getenv("DT_RUN_ID") ?: "0");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t got = read(fd, r, sizeof(*r));

		close(fd);
		if (got == (ssize_t)sizeof(*r)) {
			printf("# (results of the run made by an earlier test)\n");
			return 0;
		}
	}
	memset(r, 0, sizeof(*r));
	r->err = dt_topo_init(&t);
	if (r->err)
		return r->err;
	for (side = 0; side < 2 && !r->err; side++)
		r->err = dt_rps_one_cpu(&t, side);
	if (n) {
		r->err = r->err ? : dt_topo_netem(&t, DT_A, n);
		if (!r->err)
			r->err = dt_topo_netem(&t, DT_B, n);
	}
	if (r->err)
		return r->err;
	printf("# %s: netem on va and vb: %s; %llu MiB each way over %d+%d %s connections\n",
	       key, n ? dt_netem_str(n) : "(none)", (unsigned long long)(bytes >> 20),
	       nconn, nconn, dt_name(kind));
	r->err = dt_multi(&t, kind, nconn, bytes, 5000, NULL, timeout_s, &r->secs);
	for (side = 0; side < 2; side++)
		for (i = 0; i < DT_NCNT; i++)
			r->cnt[side][i] = dt_stat_ns(t.ns[side], kind, dt_case_names[i]);
	dt_case_print(key, kind, r);
	dt_settle(&t, 5);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
			unlink(path);
		close(fd);
	}
	return 0;
}

/* ------------------------------------------------------- capture -> pcap */

struct dt_cap {
	int fd;
	FILE *f;
	char path[128];
	unsigned int snaplen;
	bool out_only;		/* lo: keep one copy (the outgoing one) */
	volatile bool stop;
	pthread_t th;
	bool running;
	long pkts;
};

static inline void dt_cap_drain(struct dt_cap *c)
{
	uint8_t pkt[70000];
	char cbuf[256];

	for (;;) {
		struct sockaddr_ll from;
		struct iovec iov = { pkt, sizeof(pkt) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm;
		struct timespec ts = { 0, 0 };
		uint32_t rec[4];
		ssize_t len = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		size_t caplen;

		if (len < 0)
			return;
		if (from.sll_protocol != htons(ETH_P_IP) ||
		    (c->out_only && from.sll_pkttype != PACKET_OUTGOING))
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		caplen = (size_t)len < sizeof(pkt) ? (size_t)len : sizeof(pkt);
		if (caplen > c->snaplen)
			caplen = c->snaplen;
		rec[0] = ts.tv_sec;
		rec[1] = ts.tv_nsec;
		rec[2] = caplen;
		rec[3] = len;
		fwrite(rec, sizeof(rec), 1, c->f);
		fwrite(pkt, caplen, 1, c->f);
		c->pkts++;
	}
	fflush(c->f);
}

static void *dt_cap_thread(void *arg)
{
	struct dt_cap *c = arg;

	while (!c->stop) {
		dt_poll(c->fd, POLLIN, 10);
		dt_cap_drain(c);
	}
	dt_cap_drain(c);
	return NULL;
}

/*
 * Capture IPv4 packets of @dev in namespace @ns (both directions) into
 * the pcap file @path (nanosecond pcap, LINKTYPE_RAW), @snaplen bytes of
 * each (0: all), in a thread. @ns -1: the current namespace. On "lo" only
 * the outgoing copy of each packet is kept. 0 or errno.
 */
static inline int dt_cap_start(struct dt_cap *c, int ns, const char *dev,
			       const char *path, unsigned int snaplen)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint32_t hdr[6] = { 0xa1b23c4d, 0x00040002, 0, 0, 262144, 101 };
	int one = 1, sz = 32 << 20, old = nl_cur_ns;

	memset(c, 0, sizeof(*c));
	c->snaplen = snaplen ? snaplen : 65535;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->out_only = !strcmp(dev, "lo");
	if (ns >= 0)
		nl_ns_enter(ns);
	c->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(dev);
	if (old >= 0)
		nl_ns_enter(old);
	if (c->fd < 0)
		return errno;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (!sll.sll_ifindex || bind(c->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(c->fd);
		return ENODEV;
	}
	c->f = fopen(path, "we");
	if (!c->f) {
		close(c->fd);
		return errno;
	}
	fwrite(hdr, sizeof(hdr), 1, c->f);
	c->running = !pthread_create(&c->th, NULL, dt_cap_thread, c);
	return 0;
}

static inline void dt_cap_stop(struct dt_cap *c)
{
	if (!c->f)
		return;
	c->stop = true;
	if (c->running)
		pthread_join(c->th, NULL);
	c->running = false;
	fclose(c->f);
	c->f = NULL;
	close(c->fd);
}

/* One segment of a capture, parsed in C (no tshark). */
struct dt_seg {
	double t;			/* capture timestamp, seconds */
	int proto;			/* IP protocol */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	int len;			/* payload bytes */
	int iplen;			/* IP total length */
	int nsack;			/* SACK blocks */
};

#define DT_F_FIN 0x01
#define DT_F_SYN 0x02
#define DT_F_RST 0x04
#define DT_F_PSH 0x08
#define DT_F_ACK 0x10

static inline int dt_parse_ip(const uint8_t *p, int len, struct dt_seg *s)
{
	int ihl, thl, tot, i;

	memset(s, 0, sizeof(*s));
	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (p[0] & 15) * 4;
	tot = p[2] << 8 | p[3];
	s->iplen = tot;
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
	s->len = tot - ihl - thl;
	for (i = 20; i < thl;) {
		if (p[i] == 0)
			break;
		if (p[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thl || p[i + 1] < 2)
			break;
		if (p[i] == 5)
			s->nsack = (p[i + 1] - 2) / 8;
		i += p[i + 1];
	}
	return 0;
}

/*
 * The XTCP/TCP segments of a pcap file written by dt_cap_start(), up to
 * @max into @segs (of IP protocol @proto; 0: both). Returns the count or -1.
 */
static inline int dt_pcap_segs(const char *path, int proto, struct dt_seg *segs, int max)
{
	uint8_t pkt[65536];
	uint32_t hdr[6], rec[4];
	int n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fread(hdr, sizeof(hdr), 1, f) != 1) {
		fclose(f);
		return -1;
	}
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		struct dt_seg s;

		if (rec[2] > sizeof(pkt) || fread(pkt, rec[2], 1, f) != 1)
			break;
		if (dt_parse_ip(pkt, rec[2], &s) || (proto && s.proto != proto))
			continue;
		s.t = rec[0] + rec[1] / 1e9;
		if (n < max)
			segs[n++] = s;
	}
	fclose(f);
	return n;
}

/* ------------------------------------------------------------- tshark */

/*
 * Run tshark on @pcap with display filter @filter (may be NULL) printing
 * the comma-separated @fields ("frame.time_relative,tcp.seq,...") one
 * packet a line, fields separated by '|'. XTCP (IP proto 253) is decoded
 * as TCP; checksums are validated; sequence numbers are relative.
 * Calls @cb for each line (fields split in place). Returns the number of
 * lines, or -1 if tshark could not run.
 */
typedef void (*dt_tshark_cb)(void *ctx, char **f, int nf);

static inline int dt_tshark(const char *pcap, const char *filter, const char *fields,
			    dt_tshark_cb cb, void *ctx)
{
	char cmd[2048], line[4096];
	int l, n = 0;
	const char *p;
	FILE *f;

	l = snprintf(cmd, sizeof(cmd),
		     "tshark -n -r '%s' -d ip.proto==253,tcp -o tcp.check_checksum:TRUE "
		     "-o tcp.relative_sequence_numbers:TRUE -o tcp.analyze_sequence_numbers:TRUE "
		     "-T fields -E separator='|' -E occurrence=f",
		     pcap);
	for (p = fields; *p;) {
		const char *e = strchr(p, ',');
		int len = e ? e - p : (int)strlen(p);

		l += snprintf(cmd + l, sizeof(cmd) - l, " -e %.*s", len, p);
		p += len;
		if (*p == ',')
			p++;
	}
	if (filter)
		l += snprintf(cmd + l, sizeof(cmd) - l, " -Y '%s'", filter);
	snprintf(cmd + l, sizeof(cmd) - l, " 2>/dev/null");
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *fv[32], *s = line;
		int nf = 0;

		line[strcspn(line, "\n")] = 0;
		while (nf < 32) {
			fv[nf++] = s;
			s = strchr(s, '|');
			if (!s)
				break;
			*s++ = 0;
		}
		if (cb)
			cb(ctx, fv, nf);
		n++;
	}
	if (pclose(f) != 0 && !n)
		return -1;
	return n;
}

/* ------------------------------------------------------------ misc */

/* Raise RLIMIT_NOFILE to at least @n. */
static inline int dt_nofile(rlim_t n)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return errno;
	if (r.rlim_cur >= n)
		return 0;
	r.rlim_cur = n;
	if (r.rlim_max < n)
		r.rlim_max = n;
	return setrlimit(RLIMIT_NOFILE, &r) ? errno : 0;
}

/* SIGPIPE ignored in every test program */
static void __attribute__((constructor)) dt_lib_ctor(void)
{
	char id[32];

	/* one id per program run, inherited by the harness' test processes */
	snprintf(id, sizeof(id), "%d", getpid());
	setenv("DT_RUN_ID", id, 0);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

#ifndef DT_LIB_NO_MAIN
/* dt_lib xfer KIND MIB [netem words...] */
int main(int argc, char **argv)
{
	struct dt_netem n = { 0 };
	struct dt_flow fw, bw;
	struct dt_topo t;
	int kind, c, s, err, i;
	uint64_t bytes;
	double t0;

	if (argc < 4 || strcmp(argv[1], "xfer")) {
		fprintf(stderr, "usage: %s xfer xtcp|tcp MIB [delay MS] [loss P] "
			"[reorder P C] [duplicate P] [corrupt P] [rcvbuf B]\n", argv[0]);
		return 2;
	}
	kind = strcmp(argv[2], "tcp") ? DT_XTCP : DT_TCP;
	bytes = strtoull(argv[3], NULL, 0) << 20;
	struct dt_opts o = { 0 };
	bool late = false, two = false;
	int par = 0;
	int c2, s2;

	for (i = 4; i < argc; i++) {
		double v = i + 1 < argc ? atof(argv[i + 1]) : 0;

		if (!strcmp(argv[i], "delay"))
			n.delay_ms = v, i++;
		else if (!strcmp(argv[i], "loss"))
			n.loss = v, i++;
		else if (!strcmp(argv[i], "reorder"))
			n.reorder = v, n.reorder_corr = i + 2 < argc ? atof(argv[i + 2]) : 0, i += 2;
		else if (!strcmp(argv[i], "duplicate"))
			n.duplicate = v, i++;
		else if (!strcmp(argv[i], "corrupt"))
			n.corrupt = v, i++;
		else if (!strcmp(argv[i], "par"))
			par = (int)v, i++;
		else if (!strcmp(argv[i], "two"))
			two = true;
		else if (!strcmp(argv[i], "late"))
			late = true;
		else if (!strcmp(argv[i], "rcvbuf"))
			o.rcvbuf = o.sndbuf = v, i++;
	}
	err = dt_topo_init(&t);
	if (err) {
		fprintf(stderr, "topology: %s\n", strerror(err));
		return 1;
	}
	if (argc > 4) {
		dt_topo_netem(&t, DT_A, &n);
		dt_topo_netem(&t, DT_B, &n);
	}
	printf("netem both ways: %s\n", dt_netem_str(&n));
	if (par) {
		double secs = 0;
		long rx, tx;

		err = dt_multi(&t, kind, par, bytes, 5000, &o, 30, &secs);
		printf("%s %llu MiB each way over %d+%d connections: %s in %.2f s\n",
		       dt_name(kind), (unsigned long long)(bytes >> 20), par, par,
		       dt_errname(err), secs);
		for (i = 0; i < 2; i++) {
			const char *names[] = { "InSegs", "OutSegs", "RetransSegs", "InErrs",
						"InCsumErrors", "TCPTimeouts", "TCPSackRecovery",
						"TCPOFOQueue", "TCPRcvQDrop", "TCPOFODrop" };
			unsigned int k;

			printf("%s:", i ? "B" : "A");
			for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				printf(" %s=%ld", names[k], dt_stat_ns(t.ns[i], kind, names[k]));
			DT_IN(&t, i, dt_dev_drops(dt_dev(i), &rx, &tx));
			printf(" %s drops rx=%ld tx=%ld\n", dt_dev(i), rx, tx);
		}
		dt_settle(&t, 5);
		return err ? 1 : 0;
	}
	err = dt_pair(&t, kind, 5000, &o, &c, &s);
	if (err) {
		fprintf(stderr, "pair: %s\n", strerror(err));
		return 1;
	}
	c2 = c;
	s2 = s;
	t0 = dt_now();
	if (two) {
		err = dt_pair(&t, kind, 5001, &o, &c2, &s2);
		if (err) {
			fprintf(stderr, "pair: %s\n", strerror(err));
			return 1;
		}
	}
	err = dt_xfer4(c, s, s2, c2, bytes, bytes, 60, late, &fw, &bw);
	printf("%s %llu MiB each way: %s (a->b %llu %s, b->a %llu %s) in %.2f s\n",
	       dt_name(kind), (unsigned long long)(bytes >> 20), dt_errname(err),
	       (unsigned long long)fw.done, dt_errname(fw.err),
	       (unsigned long long)bw.done, dt_errname(bw.err), dt_now() - t0);
	for (i = 0; i < 2; i++) {
		const char *names[] = { "InSegs", "OutSegs", "RetransSegs", "InErrs",
					"InCsumErrors", "TCPTimeouts", "TCPSackRecovery",
					"TCPRenoRecovery", "TCPOFOQueue", "TCPRcvQDrop",
					"TCPOFODrop", "TCPZeroWindowDrop", "TCPLossUndo",
					"TCPFullUndo" };
		unsigned int k;

		printf("%s:", i ? "B" : "A");
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			printf(" %s=%ld", names[k], dt_stat_ns(t.ns[i], kind, names[k]));
		printf("\n");
	}
	dt_abort(c);
	dt_abort(s);
	if (two) {
		dt_abort(c2);
		dt_abort(s2);
	}
	dt_settle(&t, 5);
	return err ? 1 : 0;
}
#endif

#endif /* DT_LIB_C */
