/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp_lib: the one library of the XTCP C selftests and their helper
 * programs. Compiled once (build/xtcp_lib.o) and linked into every
 * program by selftests/Makefile; nothing here includes the kselftest
 * harness. No ip/tc/ethtool exec except where a function says so (an exec
 * costs ~0.5-1 s under TCG): namespaces, links, addresses, routes, ARP
 * entries and qdiscs are made with setns(), rtnetlink and ioctls.
 *
 * The topology (topo_init()), the same for every test that needs a wire:
 *
 *   namespace A ("client")                          namespace B ("server")
 *  +-----------------------------+              +-----------------------------+
 *  | lo 127.0.0.1                |              |                lo 127.0.0.1 |
 *  | va 10.0.0.1/24 (IP_A) ======+==== veth ====+====== (IP_B) 10.0.0.2/24 vb |
 *  |  clients connect from here  |              |  listeners (topo_pair())    |
 *  |  raw senders, captures: va  |              |  captures: vb               |
 *  +-----------------------------+              +-----------------------------+
 *   IP_SILENT 10.0.0.99: an address nobody answers for (topo_silent()
 *   gives a side a permanent ARP entry for it to a MAC nobody has).
 *   topo_add6() adds IPv6: va fd00::1/64 (IP6_A), vb fd00::2/64 (IP6_B),
 *   without duplicate address detection (usable at once); lo has ::1.
 *
 * Both namespaces get net.xtcp.tw_timeout=1 (TIME_WAIT entries left by a
 * test vanish at once; a leftover XTCP socket makes rmmod fail) and
 * orphan_retries=3 for XTCP and TCP (an orphan retransmitting into a dead
 * link gives up within seconds). topo_init() leaves the caller in A; the
 * process moves between namespaces with ns_use()/TOPO_IN() (a socket stays
 * in the namespace it was made in). "Cutting" a side is netem loss 100% on
 * its device: everything it sends is lost (topo_cut()).
 *
 * Stacks: every helper that opens a socket or reads a counter takes an
 * enum stack, so one scenario runs over XTCP and over the kernel's TCP.
 * Tests run per stack as FIXTURE_VARIANTs (STACK_VARIANTS()), or, where
 * they compare the stacks inside one test, hold both (for_each_stack()).
 *
 * Sections: basics; stacks; files, sysctls, counters; /proc/net rows;
 * namespaces and rtnetlink; netem; topology; sockets; segments and the
 * capture; the raw sender; byte pattern and transfers; pcap and tshark;
 * misc; program policy (XTCP_HARNESS_MAIN).
 */
#ifndef XTCP_LIB_H
#define XTCP_LIB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include <linux/xtcp.h>

/* ---------------------------------------------------------------- basics */

/* CLOCK_MONOTONIC in seconds. */
double now(void);
/* Sleep @ms milliseconds (restarted on EINTR). */
void msleep(int ms);
/* "0", "ECONNRESET", "-1" (negative values), "E123" (unnamed). */
const char *errname(int err);

/* ---------------------------------------------------------------- stacks */

enum stack { STACK_XTCP, STACK_TCP, NSTACKS };

/* Every stack, XTCP first: a test that compares them within itself. */
#define for_each_stack(s) for ((s) = STACK_XTCP; (s) < NSTACKS; (s)++)

/*
 * The per-stack variants of fixture @f, whose FIXTURE_VARIANT has a member
 * "enum stack stack": tests named f.xtcp.NAME and f.tcp.NAME.
 */
#define STACK_VARIANTS(f)						\
	FIXTURE_VARIANT_ADD(f, xtcp) { .stack = STACK_XTCP };		\
	FIXTURE_VARIANT_ADD(f, tcp) { .stack = STACK_TCP }

/*
 * TOPO_FIXTURE(f): a fixture @f holding a fresh topology (self->t), its
 * tests skipped when xtcp.ko is not loaded. TOPO_STACK_FIXTURE(f): the
 * same, each test run once per stack (variant->stack). For test files,
 * after kselftest_harness.h.
 */
#define TOPO_FIXTURE(f)							\
	FIXTURE(f) {							\
		struct topo t;						\
	};								\
	FIXTURE_SETUP(f)						\
	{								\
		int __err = topo_init(&self->t);			\
									\
		if (__err == ENOENT)					\
			SKIP(return, "net.xtcp sysctls missing: is xtcp.ko loaded?"); \
		ASSERT_EQ(0, __err) TH_LOG("topology: %s", strerror(__err)); \
	}								\
	FIXTURE_TEARDOWN(f)						\
	{								\
		topo_fini(&self->t);					\
	}

#define TOPO_STACK_FIXTURE(f)						\
	TOPO_FIXTURE(f)							\
	FIXTURE_VARIANT(f) {						\
		enum stack stack;					\
	};								\
	STACK_VARIANTS(f)

/* "XTCP" or "TCP". */
const char *stack_name(enum stack s);
/* A stream socket of @s (AF_XTCP or AF_INET), protocol 0; fd or -1. */
int stack_socket(enum stack s);
/* For IPv6: AF_XTCP (its family comes with bind/connect) or AF_INET6. */
int stack_socket6(enum stack s);
/* Its IP protocol on the wire: IPPROTO_XTCP or IPPROTO_TCP. */
int stack_proto(enum stack s);
/* The stack whose IP protocol is @proto (what a capture saw). */
enum stack stack_of_proto(int proto);

/* --------------------------------------------- files, sysctls, counters */

/* write(2) @val to @path; 0 or errno. */
int xtcp_write_file(const char *path, const char *val);
/* Read a small file into @buf (NUL terminated); its length or -errno. */
int xtcp_read_file(const char *path, char *buf, size_t size);
/* Read a file holding one integer; 0 or errno. */
int xtcp_read_long(const char *path, long *val);

/* sysctl NAME=VAL in the current namespace ("net.xtcp.tw_timeout"); 0 or errno. */
int sysctl_set(const char *name, const char *val);
int sysctl_set_int(const char *name, long val);
/* The value of sysctl @name, -1 if unreadable. */
long sysctl_get(const char *name);
/*
 * The same setting for both stacks: net.xtcp.@xname and net.ipv4.@tname
 * (either NULL: that stack left alone). 0 or the first errno.
 */
int sysctl_both(const char *xname, const char *tname, long val);

/*
 * The one counter reader: counter @name of stack @s in the current
 * namespace, named as in Linux's MIB. XTCP: /proc/net/xtcp_stat ("Name
 * value" lines); TCP: the Tcp: line of /proc/net/snmp, else TcpExt: of
 * /proc/net/netstat (nstat's names). -1 if absent.
 */
long counter(enum stack s, const char *name);
/* As counter() in namespace @ns (the caller's namespace is kept). */
long counter_ns(int ns, enum stack s, const char *name);
/* A Linux counter of /proc/net/@file, lines "@prefix ..." ("Ip:"); -1 if absent. */
long counter_linux(const char *file, const char *prefix, const char *name);

/* ------------------------------------------------------- /proc/net rows */

/* /proc/net/tcp state codes */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK,
	ST_LISTEN, ST_CLOSING,
};

/* One row of /proc/net/xtcp or /proc/net/tcp (the same format). */
struct proc_row {
	int sl;
	unsigned int laddr, lport, raddr, rport, state;	/* addresses as printed */
	unsigned int txq, rxq, timer, retr, uid;
	unsigned long when;		/* clock ticks */
	int timeout;
	unsigned long inode;
};

/*
 * Rows of /proc/net/xtcp (STACK_XTCP) or /proc/net/tcp of the current
 * namespace matching @lport, @rport and @state (0: any); up to @max copied
 * to @rows. The number of matching rows, -1 (no file) or -2 (a row that
 * does not parse).
 */
int proc_rows(enum stack s, unsigned int lport, unsigned int rport,
	      unsigned int state, struct proc_row *rows, int max);
/* One row of /proc/net/xtcp6 or /proc/net/tcp6 (the same format). */
struct proc_row6 {
	int sl;
	char laddr[33], raddr[33];	/* the 32 hex digits as printed */
	unsigned int lport, rport, state;
	unsigned int txq, rxq, timer, retr, uid;
	unsigned long when;
	int timeout;
	unsigned long inode;
};

/* proc_rows() for /proc/net/xtcp6 (STACK_XTCP) or /proc/net/tcp6. */
int proc6_rows(enum stack s, unsigned int lport, unsigned int rport,
	       unsigned int state, struct proc_row6 *rows, int max);
/* /proc/net/tcp6's text of IPv6 address @ip (32 hex digits) into @out. */
void proc6_addr(const char *ip, char out[33]);

/* As proc_rows() in namespace @ns (the caller's namespace is kept). */
int proc_rows_ns(int ns, enum stack s, unsigned int lport, unsigned int rport,
		 unsigned int state, struct proc_row *rows, int max);
/* State of the row (@lport, @rport) in @ns (0: none; several: the first). */
int proc_state(int ns, enum stack s, unsigned int lport, unsigned int rport,
	       struct proc_row *row);
/*
 * Poll every 20 ms until the row (@lport, @rport) in @ns is in @state (0:
 * until it is gone). The seconds waited, or -1 after @secs.
 */
double proc_wait_state(int ns, enum stack s, unsigned int lport,
		       unsigned int rport, int state, double secs);

/* --------------------------------------------- namespaces and rtnetlink */

/* The namespace the calling thread was last moved to by ns_*() (-1: initial). */
extern __thread int ns_cur;

/* A new network namespace (lo up) for the calling thread; its fd or -1. */
int ns_new(void);
/* Move the calling thread to @nsfd (no-op if there); 0 or -1. */
int ns_enter(int nsfd);
/* ns_enter() that cannot fail: aborts if it does. */
void ns_use(int nsfd);
/* Open a namespace path ("/run/netns/NAME"; "-": stay) and enter it; 0 or -1. */
int ns_enter_path(const char *path);

#define NL_BUF 1024
struct nl_req {
	struct nlmsghdr nh;
	char buf[NL_BUF];
};

/* Append attribute @type to @nh (nested: data NULL, len 0, then nl_nla_end). */
struct rtattr *nl_nla(struct nlmsghdr *nh, int type, const void *data, int len);
void nl_nla_end(struct nlmsghdr *nh, struct rtattr *nest);
/* Send one request in the current namespace, wait for its ACK; 0 or errno. */
int nl_talk(struct nlmsghdr *nh);
/* A veth pair: @name here, @peer in namespace @peer_nsfd, both down. */
int nl_veth_add(const char *name, const char *peer, int peer_nsfd);
/* Start a qdisc request @type for the root qdisc of @dev. 0 or ENODEV. */
int nl_qdisc_req(struct nl_req *req, int type, int flags, const char *dev);
/* Remove the root qdisc of @dev; 0 or errno. */
int nl_qdisc_del(const char *dev);
/* ioctl(@req, @arg) on an AF_INET socket of the current namespace; 0 or errno. */
int nl_ioctl(unsigned long req, void *arg);
/* An ifreq for @dev with ifr_data = @data. */
struct ifreq nl_ifreq(const char *dev, void *data);
/* IPv4 address @ip/@prefix on @dev, and @dev up. 0 or errno. */
int nl_addr_add(const char *dev, const char *ip, int prefix);
/* IPv6 address @ip/@prefix on @dev without DAD (nodad), and @dev up. 0 or errno. */
int nl_addr6_add(const char *dev, const char *ip, int prefix);
/* IPv6 route @dst/@prefix via @gw (NULL: on-link) out of @dev. 0 or errno. */
int nl_route6_add(const char *dst, int prefix, const char *gw, const char *dev);
/* The MTU of @dev (SIOCSIFMTU). 0 or errno. */
int nl_mtu_set(const char *dev, int mtu);
/* Route @dst/@prefix via @gw (NULL: directly on @dev). 0 or errno. */
int nl_route_add(const char *dst, int prefix, const char *gw, const char *dev);
/* @dev administratively up or down; 0 or errno. */
int nl_if_set(const char *dev, bool up);
/* Wait (up to 3 s) until @dev is IFF_RUNNING (linkwatch gave it its qdisc). */
int nl_wait_running(const char *dev);
/* `ethtool -K @dev tx on|off` (off: checksums computed in software). */
int nl_tx_csum(const char *dev, bool on);
/* `ethtool -K @dev tso off gso off`: segments on the wire as the stack made them. */
int nl_no_gso(const char *dev);
/* `ethtool -K @dev sg on|off` (off: every packet one linear buffer). */
int nl_sg(const char *dev, bool on);
/* GRO on (@on) or off for @dev in the current namespace (a veth then
 * receives through NAPI and aggregates); 0 or errno. */
int nl_gro(const char *dev, bool on);
/* Permanent ARP entry @ip -> @mac (6 bytes) on @dev. */
int nl_neigh_add(const char *dev, const char *ip, const unsigned char *mac);
/* rx and tx "drop" of @dev in /proc/net/dev; 0 or -1. */
int nl_dev_drops(const char *dev, long *rx, long *tx);

/* ----------------------------------------------------------------- netem */

/*
 * netem's random draws are seeded (tc's "seed", TCA_NETEM_PRNG_SEED) with
 * NETEM_SEED plus the device's last letter; kernels before 6.3 (Debian's
 * 6.1) ignore the attribute and draw at random.
 */
#define NETEM_SEED	20261122ULL

/* netem parameters, percentages as in tc (0.1 = 0.1 %) */
struct netem {
	double delay_ms, jitter_ms;
	double loss, loss_corr;
	double reorder, reorder_corr;
	double duplicate;
	double corrupt;
	unsigned int limit;		/* packets; 0: 100000 */
	/*
	 * netem_case() only: TSO, GSO and scatter-gather off on both
	 * veths. netem draws its chances once per packet it is handed (a
	 * 64 KB GSO packet is one draw for ~44 wire segments) and corrupts
	 * a byte of the packet's linear part (with SG, the headers only).
	 */
	bool wire_segments;
	/* netem_case() only: the connections over IPv6 (topo_add6()) */
	bool ipv6;
};

/* netem as root qdisc of @dev (current namespace), as `tc qdisc replace`. */
int netem_set(const char *dev, const struct netem *n);
/* The common case: a fixed delay and a loss percentage (100: a cut). */
int netem_delay_loss(const char *dev, double delay_ms, double loss_pct);
/* "delay 10ms reorder 25% 50% ..." as tc would print it */
const char *netem_str(const struct netem *n);

/* -------------------------------------------------------------- topology */

#define IP_A		"10.0.0.1"
#define IP_B		"10.0.0.2"
#define IP_SILENT	"10.0.0.99"
#define IP6_A		"fd00::1"
#define IP6_B		"fd00::2"

enum side { SIDE_A, SIDE_B };

struct topo {
	int ns[2];			/* [SIDE_A], [SIDE_B] */
	bool v6;			/* topo_pair() and xfer_multi() connect to IP6_B
					 * (topo_add6() first); topo_init(): false */
};

/* The MAC of topo_silent()'s ARP entry: nobody has it. */
extern const unsigned char silent_mac[6];

/* The sysctls every test namespace gets; ENOENT when xtcp.ko is not loaded. */
int ns_defaults(void);
/* One namespace (lo up, ns_defaults()); the caller is left in it. fd or -errno. */
int topo_single_ns(void);
/* The two-namespace topology; the caller is left in A. 0, ENOENT (no xtcp.ko) or errno. */
int topo_init(struct topo *t);
/* IPv6 on a topo_init() topology: IP6_A on va, IP6_B on vb. 0 or errno. */
int topo_add6(struct topo *t);
/* Close the namespaces' fds (the namespaces go with their last socket). */
void topo_fini(struct topo *t);
/* "va" or "vb" */
const char *topo_dev(int side);

/* Evaluate @expr in namespace @side of @t, the caller's namespace kept. */
#define TOPO_IN(t, side, expr) ({				\
	int __old = ns_cur;					\
	__typeof__(expr) __r;					\
	ns_enter((t)->ns[side]);				\
	__r = (expr);						\
	if (__old >= 0)						\
		ns_enter(__old);				\
	__r; })

/* sysctl_both(@xname, @tname, @val) in both namespaces; 0 or the first errno. */
int topo_sysctl(struct topo *t, const char *xname, const char *tname, long val);
/* netem @n on @side's device (NULL: remove the qdisc). */
int topo_netem(struct topo *t, int side, const struct netem *n);
/* Drop everything @side sends (@on) or stop doing so. */
int topo_cut(struct topo *t, int side, bool on);
/* @side answers no ARP for IP_SILENT: a permanent entry to silent_mac. */
int topo_silent(struct topo *t, int side);
/* A packet-socket capture of @side's device (both directions). fd or -1. */
int topo_cap(struct topo *t, int side);
/*
 * Wait (up to @max s) until neither namespace holds an XTCP socket other
 * than TIME_WAIT entries (purged with the namespace): an orphan still
 * retransmitting when the test ends would hold the module. Rows left.
 */
int topo_settle(struct topo *t, double max);

/* ---------------------------------------------------------------- sockets */

/* A sockaddr_in for @ip:@port. */
struct sockaddr_in sin4(const char *ip, unsigned short port);
/* A sockaddr_in6 for @ip:@port ("::", "fd00::2", "::ffff:10.0.0.2"). */
struct sockaddr_in6 sin6_addr_of(const char *ip, unsigned short port);
/* The address of a sockaddr_in6 as text (two rotating buffers). */
const char *sin6_txt(const struct sockaddr_in6 *s);
/* bind() to @ip:@port; 0 or errno. */
int sock_bind(int fd, const char *ip, unsigned short port);
/* connect() to @ip:@port; 0 or errno. */
int sock_connect_to(int fd, const char *ip, unsigned short port);
/* setsockopt() of an int; 0 or errno. */
int sock_setint(int fd, int level, int opt, int val);
/* getsockopt() of an int: its value or -errno. */
int sock_getint(int fd, int level, int opt);
/* SO_ERROR (pending error, cleared), or -errno. */
int sock_so_error(int fd);
/* Local port in host order, or -1. */
int sock_local_port(int fd);
/* The socket's inode number (as /proc/net/xtcp shows it), or 0. */
unsigned long sock_inode(int fd);
int sock_nonblock(int fd, int on);
/* Wait up to @ms for @events; revents (0 on timeout). */
int sock_poll(int fd, short events, int ms);
/* POLLIN within @ms (a listener: a child to accept). */
bool sock_readable(int fd, int ms);
/* Close with SO_LINGER {1, 0}: RST, nothing left behind. -1: no-op. */
void sock_abort(int fd);

/* A listener of @s on @ip:@port (SO_REUSEADDR); fd or -1 (errno kept). */
int sock_listen(enum stack s, const char *ip, unsigned short port, int backlog);
/* Blocking connect, bound to local port @lport first if non-zero; fd or -1 (errno kept). */
int sock_connect(enum stack s, unsigned short lport, const char *ip, unsigned short port);
/* Start a non-blocking connect; fd (the connect result in *err) or -1. */
int sock_connect_nb(enum stack s, const char *ip, unsigned short port, int *err);
/* Wait up to @ms for a non-blocking connect: 0, its errno, or -1 still pending. */
int sock_wait_connected(int fd, int ms);
/* Read exactly @len bytes, each wait at most @ms; 0, or errno (EPIPE at EOF). */
int sock_read_n(int fd, void *buf, size_t len, int ms);
/* write() @s on @wfd, read it back from @rfd within @ms; 0 or errno (EBADMSG: differs). */
int sock_echo(int wfd, int rfd, const char *s, int ms);

/* Options applied to both ends of a pair before connect/listen. */
struct sock_opts {
	int rcvbuf, sndbuf;		/* SO_RCVBUF/SO_SNDBUF, 0: default */
	int nodelay;
};

/*
 * A connected pair of @s: a listener on @ip:@port (an IPv6 address when it
 * has a colon) in namespace @ns_s, a client in @ns_c (-1: the current
 * one); *cfd in ns_c, *sfd in ns_s; the listener is closed, the caller's
 * namespace kept. 0 or errno.
 */
int pair_ns(int ns_c, int ns_s, enum stack s, const char *ip, unsigned short port,
	    const struct sock_opts *o, int *cfd, int *sfd);
/* A pair over 127.0.0.1 in the current namespace. */
int pair_lo(enum stack s, unsigned short port, int *cfd, int *sfd);
/* A pair across the topology: B listens on IP_B:@port, A connects. */
int topo_pair(struct topo *t, enum stack s, unsigned short port,
	      const struct sock_opts *o, int *cfd, int *sfd);

/* struct tcp_info as in <linux/tcp.h> up to tcpi_snd_wnd (glibc's is older) */
struct tcp_info_full {
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

/* TCP_INFO of @fd into @ti (zeroed first); 0 or errno. */
int sock_tcp_info(int fd, struct tcp_info_full *ti);
/* One "# " line about a socket: TCP_INFO fields, queue sizes, SO_ERROR. */
void sock_diag(const char *who, int fd);

/* ----------------------------------------------- segments and the capture */

/* One XTCP (IP protocol 253) or TCP segment, parsed from a capture. */
struct seg {
	double t;			/* capture timestamp, seconds */
	int pkttype;			/* PACKET_HOST, PACKET_OUTGOING ... */
	int proto;			/* IP protocol */
	int ttl;
	int iplen;			/* IP total length */
	uint32_t saddr, daddr;		/* network order */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;			/* TH_SYN, TH_ACK ... */
	uint16_t win;
	int len;			/* payload bytes (from the IP header) */
	int optlen;
	uint8_t opts[40];
	/* decoded options */
	int mss, ws;			/* -1: absent */
	bool sackok, has_ts;
	uint32_t tsval, tsecr;
	int nsack;			/* SACK blocks */
	char kinds[24];			/* option kinds in order, e.g. "2,4,8,1,3" */
};

/*
 * Parse an IPv4 packet (@caplen bytes captured) carrying an XTCP or TCP
 * segment into @s; 0 if it is one.
 */
int seg_parse_ip(const uint8_t *p, int caplen, struct seg *s);

/*
 * The one capture helper: a packet socket on @dev of the current namespace
 * seeing both directions (timestamps on, non-blocking). fd or -1.
 */
int cap_open(const char *dev);
/*
 * Append the segments the capture holds to @segs (from *n, at most @max):
 * IP protocol @proto only (0: XTCP or TCP); on lo, where each packet is
 * seen twice, @skip_out drops the outgoing copies. 0, or -1 on error.
 */
int cap_read(int fd, struct seg *segs, int *n, int max, int proto, bool skip_out);
/* "SA", "FA", "R" ... (eight rotating buffers) */
const char *seg_flags_str(uint8_t f);
/* "#   t proto a:p > b:p [flags] seq ack win len opts", t relative to @t0 */
void seg_print(const struct seg *s, double t0);
void segs_print(const struct seg *s, int n);
/*
 * Segments of @proto from @sport to @dport (0: any) having all of
 * @flags_set and none of @flags_clear; the first one into *first.
 */
int seg_count(const struct seg *s, int n, int proto, uint16_t sport, uint16_t dport,
	      uint8_t flags_set, uint8_t flags_clear, struct seg *first);

/* A connection whose sequence numbers a test learned from a capture. */
struct conn {
	int c, s;			/* A's (client) and B's (server) socket */
	unsigned short cport, port;	/* A's port, B's (listening) port */
	uint32_t snd_una;		/* A's next sequence number after "ping" */
	uint32_t rcv_nxt;		/* B's next sequence number */
};

/*
 * @n connections, k[i] of stack @stacks[i] to port @port0 + i
 * (topo_pair()), each then carrying "ping" from A and "pong" from B seen by
 * @cap (topo_cap(t, SIDE_A)), whose segments give both ends' next sequence
 * numbers. What the capture held is consumed. 0 or errno.
 */
int topo_conns_open(struct topo *t, int cap, const enum stack *stacks,
		    struct conn *k, int n, unsigned short port0);

/* ------------------------------------------------------------ raw sender */

/* Internet checksum: add @len bytes to @sum; csum_fold() gives the final 16 bits. */
uint32_t csum_add(const void *p, size_t len, uint32_t sum);
uint16_t csum_fold(uint32_t sum);

/* A segment to build and send. */
struct raw_seg {
	int proto;			/* IPPROTO_XTCP or IPPROTO_TCP */
	uint32_t saddr, daddr;		/* network order (inet_addr()) */
	uint16_t sport, dport;		/* host order */
	uint32_t seq, ack;
	uint8_t flags;			/* TH_SYN, TH_ACK ... */
	uint16_t win;
	const uint8_t *opts;		/* a multiple of 4 bytes */
	int optlen;
	int len;			/* payload bytes ('x') */
	uint8_t ttl;			/* 0: 64 */
	uint16_t csum_xor;		/* non-zero: a wrong checksum */
};

/* The options of a Linux SYN: MSS 1460, SACK_PERM, TS, NOP, WS 7. */
extern const uint8_t raw_syn_opts[20];

/* A raw IPv4 socket of the current namespace sending whole IP packets (IP_HDRINCL). */
int raw_open(void);
/*
 * The one raw-segment sender: build the IP header (DF, TTL) and the TCP
 * header, options and payload of @r, checksummed over the TCP
 * pseudo-header with protocol 6 as XTCP does, and send it. 0 or errno.
 */
int raw_send(int fd, const struct raw_seg *r);
/*
 * ICMP destination unreachable @code about the segment @q sent (RFC 792:
 * its IP header and first 8 bytes: ports and sequence number), from
 * @q->daddr to @q->saddr, through raw_open()'s @fd. 0 or errno.
 */
int raw_send_unreach(int fd, int code, const struct raw_seg *q);

/* ------------------------------------------- byte pattern and transfers */

/* Bytes [@off, @off + @len) of pattern stream @seed into @buf. */
void pattern_fill(uint64_t seed, uint64_t off, void *buf, size_t len);
/* -1 if @buf holds stream @seed at @off, else the index of the first wrong byte. */
long pattern_check(uint64_t seed, uint64_t off, const void *buf, size_t len);
/*
 * Check @n received bytes at stream offset *@done against stream @seed:
 * 0 and *@done advanced, or EBADMSG with the first wrong offset in *@bad_off.
 */
int pattern_take(uint64_t seed, uint64_t *done, const void *buf, size_t n, long *bad_off);
/*
 * One send() of @n bytes with @flags: *@done advanced by what was sent;
 * 0 (also when nothing was sent: EINTR, or EAGAIN with MSG_DONTWAIT, a full
 * buffer), or the errno (EAGAIN of a blocking send: SO_SNDTIMEO expired).
 */
int sock_send_some(int fd, const void *buf, size_t n, int flags, uint64_t *done);
/* Fill non-blocking @fd's send path until EAGAIN stays for @quiet_ms; bytes written. */
size_t sock_fill(int fd, uint64_t seed, size_t off, int quiet_ms);

/* One direction of a transfer: a sender or a receiver thread. */
struct flow {
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

void *flow_sender(void *arg);
void *flow_receiver(void *arg);

/*
 * Both ways at once: @bytes from a to b (seed 1), @bytes_back from b2 to
 * a2 (seed 2), every byte checked. @late_fin false: each sender shuts down
 * when done and each receiver reads to EOF; true: both directions first,
 * then the FINs, and each side must read EOF (ENOTEMPTY if not). Fills
 * *fw (a->b) and *bw (b->a); 0 or the first error.
 */
int xfer4(int a, int b, int b2, int a2, uint64_t bytes, uint64_t bytes_back,
	  int timeout_s, bool late_fin, struct flow *fw, struct flow *bw);
/* One full-duplex connection a <-> b (xfer4 with a2 = a, b2 = b). */
int xfer_duplex_x(int a, int b, uint64_t bytes, uint64_t bytes_back, int timeout_s,
		  bool late_fin, struct flow *fw, struct flow *bw);
/* xfer_duplex_x() with the FINs right after each sender finished. */
int xfer_duplex(int a, int b, uint64_t bytes, uint64_t bytes_back, int timeout_s,
		struct flow *fw, struct flow *bw);
/* @bytes from a to b (stream @seed), no FIN; 0 or the error. */
int xfer_oneway(int a, int b, uint64_t bytes, uint64_t seed, int timeout_s);

#define XFER_MAX_CONN 32
/*
 * @n connections A->B and @n B->A at once (ports @port..), each carrying
 * @bytes / @n bytes, every byte checked; the FINs after all data arrived.
 * The first error (ETIMEDOUT: @timeout_s without progress). *@secs: wall
 * time of the transfer.
 */
int xfer_multi(struct topo *t, enum stack s, int n, uint64_t bytes, unsigned short port,
	       const struct sock_opts *o, int timeout_s, double *secs);

/* ------------------------------------------------------- pcap and tshark */

/* A capture written as a pcap file by a thread. */
struct pcap {
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

/*
 * Capture IPv4 and IPv6 packets of @dev in namespace @ns (-1: the current one),
 * both directions, into the pcap file @path (nanosecond pcap,
 * LINKTYPE_RAW), @snaplen bytes of each (0: all). On lo only the outgoing
 * copy of each packet is kept. 0 or errno.
 */
int pcap_start(struct pcap *c, int ns, const char *dev, const char *path,
	       unsigned int snaplen);
void pcap_stop(struct pcap *c);
/* The segments of pcap file @path (IP protocol @proto; 0: both), up to @max. Count or -1. */
int pcap_segs(const char *path, int proto, struct seg *segs, int max);

/*
 * Run tshark on @pcap (XTCP decoded as TCP, over IPv4 and IPv6: Wireshark's
 * IPv6 next header shares the "ip.proto" decode-as table, there is no
 * "ipv6.nxt" one; checksums validated, relative
 * sequence numbers) with display filter @filter (may be NULL), printing the
 * comma-separated @fields; @cb gets each line's fields. Lines, or -1.
 */
typedef void (*tshark_cb)(void *ctx, char **f, int nf);
int tshark_run(const char *pcap, const char *filter, const char *fields,
	       tshark_cb cb, void *ctx);

/* What tshark_csum_cb() counts: segments, checksums Good/Bad/other, with data. */
struct tshark_csum {
	int segs, good, bad, other, data;
};
/* A tshark_cb for the fields "tcp.checksum.status,tcp.len", @ctx a struct tshark_csum. */
void tshark_csum_cb(void *ctx, char **f, int nf);

/* ------------------------------------------------------------------ misc */

/* Run @argv in namespace @ns (-1: here), output to /dev/null if @quiet; exit status or -1. */
int exec_ns(int ns, char *const argv[], bool quiet);
/*
 * Every @nth IPv4 packet arriving at @side's device is dropped (tc clsact
 * ingress, gact "random determ drop"; runs tc). @nth 0: remove. 0 or tc's status.
 */
int topo_drop_nth(struct topo *t, int side, int nth);
/*
 * @side's veth receives on CPU 0 only (rps_cpus = 1): a 2-vCPU guest
 * otherwise reorders a clean link by itself (each CPU's backlog).
 */
int topo_rps_one_cpu(struct topo *t, int side);
/* Raise RLIMIT_NOFILE to at least @n; 0 or errno. */
int nofile_raise(rlim_t n);
/* Object size and active/total objects of slab cache @name; 0 or -1. */
int slab_info(const char *name, long *objsize, long *active, long *total);
/* SIGPIPEs received since count_sigpipes() installed its handler. */
extern volatile sig_atomic_t sigpipes;
void count_sigpipes(void);

/* One netem case: the counters kept, per namespace. */
#define NETEM_NCNT 9
extern const char *const netem_case_names[NETEM_NCNT];
struct netem_case {
	int err;		/* 0: every byte of every connection arrived */
	double secs;
	long cnt[2][NETEM_NCNT];	/* [SIDE_A/SIDE_B][netem_case_names] */
};

/*
 * A fresh topology, receive on one CPU, netem @n on va and vb (NULL:
 * none), then @bytes A->B and @bytes B->A over @nconn + @nconn connections
 * of @s (xfer_multi()); the counters of netem_case_names kept in @r. 0, or
 * the setup's errno (the transfer's result is r->err). The namespaces stay
 * until the process exits.
 */
int netem_case(const char *what, const struct netem *n, enum stack s, int nconn,
	       uint64_t bytes, int timeout_s, struct netem_case *r);
/* Counter @name of side @side in @r (-1: not kept); netem_cnt2: both sides. */
long netem_cnt(const struct netem_case *r, int side, const char *name);
long netem_cnt2(const struct netem_case *r, const char *name);

/* -------------------------------------------------------- program policy */

/*
 * What every test program does around the harness: stdout line-buffered,
 * SIGPIPE ignored (a test that counts it installs a handler), and when the
 * harness's main process exits, a 2 s wait so that the TIME_WAIT entries
 * (tw_timeout=1) and orphans of the last test are gone before the runner's
 * rmmod. Use XTCP_HARNESS_MAIN instead of TEST_HARNESS_MAIN.
 */
void xtcp_lib_main(void);

#define XTCP_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		xtcp_lib_main();					\
		return test_harness_run(argc, argv);			\
	}

#endif /* XTCP_LIB_H */
