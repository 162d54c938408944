// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_lib: the one library of the XTCP selftests (see xtcp_lib.h for the
 * topology and the contract of each function).
 */
#include "xtcp_lib.h"

#include <net/if_arp.h>
#include <net/route.h>
#include <sys/mount.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/pkt_sched.h>
#include <linux/sockios.h>
#include <linux/veth.h>

/* ---------------------------------------------------------------- basics */

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const char *errname(int err)
{
	static __thread char buf[4][16];
	static __thread int i;
	const char *n;

	if (!err)
		return "0";
	n = err > 0 ? strerrorname_np(err) : NULL;
	if (n)
		return n;
	snprintf(buf[i & 3], sizeof(buf[0]), err < 0 ? "%d" : "E%d", err);
	return buf[i++ & 3];
}

/* ---------------------------------------------------------------- stacks */

const char *stack_name(enum stack s)
{
	return s == STACK_XTCP ? "XTCP" : "TCP";
}

int stack_socket(enum stack s)
{
	return socket(s == STACK_XTCP ? AF_XTCP : AF_INET, SOCK_STREAM, 0);
}

int stack_socket6(enum stack s)
{
	return socket(s == STACK_XTCP ? AF_XTCP : AF_INET6, SOCK_STREAM, 0);
}

int stack_proto(enum stack s)
{
	return s == STACK_XTCP ? IPPROTO_XTCP : IPPROTO_TCP;
}

enum stack stack_of_proto(int proto)
{
	return proto == IPPROTO_TCP ? STACK_TCP : STACK_XTCP;
}

/* --------------------------------------------- files, sysctls, counters */

int xtcp_write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(val))
		err = EIO;
	close(fd);
	return err;
}

int xtcp_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, tot = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)tot < size - 1) {
		n = read(fd, buf + tot, size - 1 - tot);
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		tot += n;
	}
	buf[tot] = '\0';
	close(fd);
	return tot;
}

int xtcp_read_long(const char *path, long *val)
{
	char buf[64];
	int n = xtcp_read_file(path, buf, sizeof(buf));

	if (n < 0)
		return -n;
	if (sscanf(buf, "%ld", val) != 1)
		return EINVAL;
	return 0;
}

/* "net.xtcp.tw_timeout" -> "/proc/sys/net/xtcp/tw_timeout" */
static void sysctl_path(const char *name, char *path, size_t len)
{
	char *p;

	snprintf(path, len, "/proc/sys/%s", name);
	for (p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
}

int sysctl_set(const char *name, const char *val)
{
	char path[256];

	sysctl_path(name, path, sizeof(path));
	return xtcp_write_file(path, val);
}

int sysctl_set_int(const char *name, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", val);
	return sysctl_set(name, buf);
}

long sysctl_get(const char *name)
{
	char path[256];
	long v;

	sysctl_path(name, path, sizeof(path));
	return xtcp_read_long(path, &v) ? -1 : v;
}

int sysctl_both(const char *xname, const char *tname, long val)
{
	char n[128];
	int e1 = 0, e2 = 0;

	if (xname) {
		snprintf(n, sizeof(n), "net.xtcp.%s", xname);
		e1 = sysctl_set_int(n, val);
	}
	if (tname) {
		snprintf(n, sizeof(n), "net.ipv4.%s", tname);
		e2 = sysctl_set_int(n, val);
	}
	return e1 ? e1 : e2;
}

long counter_linux(const char *file, const char *prefix, const char *name)
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

/* A counter of /proc/net/xtcp_stat; -1 if absent. */
static long counter_xtcp(const char *name)
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

long counter(enum stack s, const char *name)
{
	long v;

	if (s == STACK_XTCP)
		return counter_xtcp(name);
	v = counter_linux("snmp", "Tcp:", name);
	return v >= 0 ? v : counter_linux("netstat", "TcpExt:", name);
}

long counter_ns(int ns, enum stack s, const char *name)
{
	int old = ns_cur;
	long v;

	if (ns_enter(ns))
		return -1;
	v = counter(s, name);
	if (old >= 0)
		ns_enter(old);
	return v;
}

/* ------------------------------------------------------- /proc/net rows */

/*
 * The rows of /proc/net/{xtcp,tcp}[6] matching @lport, @rport and @state,
 * parsed as IPv6 rows (an IPv4 address is 8 hex digits, an IPv6 one 32),
 * the first @max into @rows4 (converted) or @rows6.
 */
static int proc_scan(enum stack s, bool v6, unsigned int lport, unsigned int rport,
		     unsigned int state, struct proc_row *rows4,
		     struct proc_row6 *rows6, int max)
{
	const char *path = s == STACK_XTCP ? "/proc/thread-self/net/xtcp" :
					     "/proc/thread-self/net/tcp";
	size_t alen = v6 ? 32 : 8;
	char line[512], name[64];
	int n = 0, first = 1;
	FILE *f;

	snprintf(name, sizeof(name), "%s%s", path, v6 ? "6" : "");
	f = fopen(name, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct proc_row6 r;

		if (first) {
			first = 0;
			continue;
		}
		if (sscanf(line, "%d: %32[0-9A-F]:%X %32[0-9A-F]:%X %X %X:%X %X:%lX %X %u %d %lu",
			   &r.sl, r.laddr, &r.lport, r.raddr, &r.rport, &r.state,
			   &r.txq, &r.rxq, &r.timer, &r.when, &r.retr, &r.uid,
			   &r.timeout, &r.inode) != 14 ||
		    strlen(r.laddr) != alen || strlen(r.raddr) != alen) {
			fclose(f);
			return -2;
		}
		if ((lport && r.lport != lport) || (rport && r.rport != rport) ||
		    (state && r.state != state))
			continue;
		if (rows6 && n < max)
			rows6[n] = r;
		if (rows4 && n < max)
			rows4[n] = (struct proc_row) {
				.sl = r.sl, .state = r.state,
				.laddr = strtoul(r.laddr, NULL, 16), .lport = r.lport,
				.raddr = strtoul(r.raddr, NULL, 16), .rport = r.rport,
				.txq = r.txq, .rxq = r.rxq, .timer = r.timer,
				.retr = r.retr, .uid = r.uid, .when = r.when,
				.timeout = r.timeout, .inode = r.inode,
			};
		n++;
	}
	fclose(f);
	return n;
}

int proc_rows(enum stack s, unsigned int lport, unsigned int rport,
	      unsigned int state, struct proc_row *rows, int max)
{
	return proc_scan(s, false, lport, rport, state, rows, NULL, max);
}

int proc6_rows(enum stack s, unsigned int lport, unsigned int rport,
	       unsigned int state, struct proc_row6 *rows, int max)
{
	return proc_scan(s, true, lport, rport, state, NULL, rows, max);
}

void proc6_addr(const char *ip, char out[33])
{
	struct in6_addr a;
	uint32_t w[4];
	int i;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, ip, &a);
	memcpy(w, &a, sizeof(w));
	for (i = 0; i < 4; i++)	/* each word as the kernel's %08X of it */
		sprintf(out + 8 * i, "%08X", w[i]);
}

int proc_rows_ns(int ns, enum stack s, unsigned int lport, unsigned int rport,
		 unsigned int state, struct proc_row *rows, int max)
{
	int old = ns_cur, n;

	if (ns_enter(ns))
		return -1;
	n = proc_rows(s, lport, rport, state, rows, max);
	if (old >= 0)
		ns_enter(old);
	return n;
}

int proc_state(int ns, enum stack s, unsigned int lport, unsigned int rport,
	       struct proc_row *row)
{
	struct proc_row r;
	int n = proc_rows_ns(ns, s, lport, rport, 0, &r, 1);

	if (n <= 0)
		return n < 0 ? n : 0;
	if (row)
		*row = r;
	return r.state;
}

double proc_wait_state(int ns, enum stack s, unsigned int lport,
		       unsigned int rport, int state, double secs)
{
	double t0 = now();

	for (;;) {
		if (proc_state(ns, s, lport, rport, NULL) == state)
			return now() - t0;
		if (now() - t0 > secs)
			return -1;
		msleep(20);
	}
}

/* --------------------------------------------- namespaces and rtnetlink */

__thread int ns_cur = -1;

int ns_new(void)
{
	int fd;

	if (unshare(CLONE_NEWNET) || nl_if_set("lo", true))
		return -1;
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_cur = fd;
	return fd;
}

int ns_enter(int nsfd)
{
	if (nsfd == ns_cur)
		return 0;
	if (setns(nsfd, CLONE_NEWNET))
		return -1;
	ns_cur = nsfd;
	return 0;
}

void ns_use(int nsfd)
{
	if (ns_enter(nsfd)) {
		perror("setns");
		abort();
	}
}

int ns_enter_path(const char *path)
{
	int fd;

	if (!strcmp(path, "-"))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The attributes go into the buffer after the header (struct nl_req),
 * which gcc's object-size tracking does not see.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
struct rtattr *nl_nla(struct nlmsghdr *nh, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}
#pragma GCC diagnostic pop

void nl_nla_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

int nl_talk(struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char rbuf[4096];
	int fd, err = EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return errno;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = 1;
	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		goto out;
	}
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		struct nlmsghdr *r = (struct nlmsghdr *)rbuf;

		if (r->nlmsg_type == NLMSG_ERROR)
			err = -((struct nlmsgerr *)NLMSG_DATA(r))->error;
	}
out:
	close(fd);
	return err;
}

/*
 * Start netlink request @req of @type with @flags: its family header of
 * @len bytes (zeroed) follows the netlink header. Return: the family header.
 */
static void *nl_msg_new(struct nl_req *req, int type, int flags, size_t len)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(len);
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = flags;
	return NLMSG_DATA(&req->nh);
}

int nl_veth_add(const char *name, const char *peer, int peer_nsfd)
{
	struct nl_req req;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linfo, *data, *pinfo;

	memcpy(nl_msg_new(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(ifi)), &ifi,
	       sizeof(ifi));
	nl_nla(&req.nh, IFLA_IFNAME, name, strlen(name) + 1);
	linfo = nl_nla(&req.nh, IFLA_LINKINFO, NULL, 0);
	nl_nla(&req.nh, IFLA_INFO_KIND, "veth", 4);
	data = nl_nla(&req.nh, IFLA_INFO_DATA, NULL, 0);
	pinfo = nl_nla(&req.nh, VETH_INFO_PEER, NULL, 0);
	/* the peer's struct ifinfomsg comes first in VETH_INFO_PEER */
	memset((char *)&req.nh + req.nh.nlmsg_len, 0, sizeof(ifi));
	req.nh.nlmsg_len += NLMSG_ALIGN(sizeof(ifi));
	nl_nla(&req.nh, IFLA_IFNAME, peer, strlen(peer) + 1);
	nl_nla(&req.nh, IFLA_NET_NS_FD, &peer_nsfd, sizeof(peer_nsfd));
	nl_nla_end(&req.nh, pinfo);
	nl_nla_end(&req.nh, data);
	nl_nla_end(&req.nh, linfo);
	return nl_talk(&req.nh);
}

int nl_qdisc_req(struct nl_req *req, int type, int flags, const char *dev)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC };

	tcm.tcm_ifindex = if_nametoindex(dev);
	if (!tcm.tcm_ifindex)
		return ENODEV;
	tcm.tcm_parent = TC_H_ROOT;
	memcpy(nl_msg_new(req, type, flags, sizeof(tcm)), &tcm, sizeof(tcm));
	return 0;
}

int nl_qdisc_del(const char *dev)
{
	struct nl_req req;
	int err;

	err = nl_qdisc_req(&req, RTM_DELQDISC, 0, dev);
	return err ? err : nl_talk(&req.nh);
}

int nl_ioctl(unsigned long req, void *arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, req, arg))
		err = errno;
	close(fd);
	return err;
}

struct ifreq nl_ifreq(const char *dev, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	return ifr;
}

int nl_addr_add(const char *dev, const char *ip, int prefix)
{
	struct ifreq ifr = nl_ifreq(dev, NULL);
	struct sockaddr_in sin = sin4(ip, 0);
	int err;

	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	err = nl_ioctl(SIOCSIFADDR, &ifr);
	if (err)
		return err;
	sin.sin_addr.s_addr = htonl(prefix ? ~0U << (32 - prefix) : 0);
	memcpy(&ifr.ifr_netmask, &sin, sizeof(sin));
	err = nl_ioctl(SIOCSIFNETMASK, &ifr);
	if (err)
		return err;
	return nl_if_set(dev, true);
}

int nl_addr6_add(const char *dev, const char *ip, int prefix)
{
	struct nl_req req;
	struct ifaddrmsg *ifa;
	struct in6_addr a;
	__u32 flags = IFA_F_NODAD;
	int err;

	if (inet_pton(AF_INET6, ip, &a) != 1)
		return EINVAL;
	err = nl_if_set(dev, true);
	if (err)
		return err;
	ifa = nl_msg_new(&req, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_flags = IFA_F_NODAD;
	ifa->ifa_index = if_nametoindex(dev);
	if (!ifa->ifa_index)
		return ENODEV;
	nl_nla(&req.nh, IFA_LOCAL, &a, sizeof(a));
	nl_nla(&req.nh, IFA_ADDRESS, &a, sizeof(a));
	nl_nla(&req.nh, IFA_FLAGS, &flags, sizeof(flags));
	return nl_talk(&req.nh);
}

int nl_route6_add(const char *dst, int prefix, const char *gw, const char *dev)
{
	struct nl_req req;
	struct rtmsg *rtm;
	struct in6_addr d, g;
	int oif = if_nametoindex(dev);

	if (!oif)
		return ENODEV;
	if (inet_pton(AF_INET6, dst, &d) != 1 || (gw && inet_pton(AF_INET6, gw, &g) != 1))
		return EINVAL;
	rtm = nl_msg_new(&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	nl_nla(&req.nh, RTA_DST, &d, sizeof(d));
	if (gw)
		nl_nla(&req.nh, RTA_GATEWAY, &g, sizeof(g));
	nl_nla(&req.nh, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(&req.nh);
}

int nl_mtu_set(const char *dev, int mtu)
{
	struct ifreq ifr = nl_ifreq(dev, NULL);

	ifr.ifr_mtu = mtu;
	return nl_ioctl(SIOCSIFMTU, &ifr);
}

int nl_route_add(const char *dst, int prefix, const char *gw, const char *dev)
{
	struct rtentry rt;
	struct sockaddr_in sin = sin4(dst, 0);
	char devbuf[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &sin, sizeof(sin));
	sin.sin_addr.s_addr = htonl(prefix ? ~0U << (32 - prefix) : 0);
	memcpy(&rt.rt_genmask, &sin, sizeof(sin));
	rt.rt_flags = RTF_UP | (prefix == 32 ? RTF_HOST : 0);
	if (gw) {
		sin = sin4(gw, 0);
		memcpy(&rt.rt_gateway, &sin, sizeof(sin));
		rt.rt_flags |= RTF_GATEWAY;
	}
	if (dev) {
		strncpy(devbuf, dev, IFNAMSIZ - 1);
		devbuf[IFNAMSIZ - 1] = 0;
		rt.rt_dev = devbuf;
	}
	return nl_ioctl(SIOCADDRT, &rt);
}

int nl_if_set(const char *dev, bool up)
{
	struct ifreq ifr = nl_ifreq(dev, NULL);
	int err;

	err = nl_ioctl(SIOCGIFFLAGS, &ifr);
	if (err)
		return err;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return nl_ioctl(SIOCSIFFLAGS, &ifr);
}

/*
 * Until linkwatch has given a new veth its qdisc it drops what is sent,
 * e.g. the first ARP request, which would delay the first packets by the
 * 1 s ARP retry.
 */
int nl_wait_running(const char *dev)
{
	int i;

	for (i = 0; i < 300; i++) {
		struct ifreq ifr = nl_ifreq(dev, NULL);

		if (!nl_ioctl(SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_RUNNING)) {
			msleep(20);
			return 0;
		}
		msleep(10);
	}
	return ETIMEDOUT;
}

int nl_tx_csum(const char *dev, bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = on };
	struct ifreq ifr = nl_ifreq(dev, &ev);

	return nl_ioctl(SIOCETHTOOL, &ifr);
}

/* (Linux TCP would otherwise hand veth 64 KB GSO packets.) */
int nl_no_gso(const char *dev)
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

int nl_sg(const char *dev, bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SSG, .data = on };
	struct ifreq ifr = nl_ifreq(dev, &ev);

	return nl_ioctl(SIOCETHTOOL, &ifr);
}

int nl_gro(const char *dev, bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = on };
	struct ifreq ifr = nl_ifreq(dev, &ev);

	return nl_ioctl(SIOCETHTOOL, &ifr);
}

int nl_neigh_add(const char *dev, const char *ip, const unsigned char *mac)
{
	struct arpreq ar;
	struct sockaddr_in sin = sin4(ip, 0);

	memset(&ar, 0, sizeof(ar));
	memcpy(&ar.arp_pa, &sin, sizeof(sin));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, mac, 6);
	ar.arp_flags = ATF_PERM | ATF_COM;
	strncpy(ar.arp_dev, dev, sizeof(ar.arp_dev) - 1);
	return nl_ioctl(SIOCSARP, &ar);
}

int nl_dev_drops(const char *dev, long *rx, long *tx)
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

/* ----------------------------------------------------------------- netem */

#define TCA_NETEM_PRNG_SEED_	13	/* uapi value, absent from 6.1's headers */

static uint32_t netem_pct(double p)
{
	if (p <= 0)
		return 0;
	if (p >= 100)
		return UINT32_MAX;
	return (uint32_t)(p / 100.0 * UINT32_MAX);
}

const char *netem_str(const struct netem *n)
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
		 n->limit ? n->limit : 100000, NETEM_SEED);
	return buf;
}

int netem_set(const char *dev, const struct netem *n)
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
	q.loss = netem_pct(n->loss);
	q.duplicate = netem_pct(n->duplicate);
	if (n->reorder)
		q.gap = 1;		/* what tc sets when only reorder is given */
	nl_nla(&req.nh, TCA_KIND, "netem", 6);
	opts = nl_nla(&req.nh, TCA_OPTIONS, &q, sizeof(q));
	if (n->loss_corr) {
		struct tc_netem_corr c = { .loss_corr = netem_pct(n->loss_corr) };

		nl_nla(&req.nh, TCA_NETEM_CORR, &c, sizeof(c));
	}
	if (n->reorder) {
		struct tc_netem_reorder r = {
			.probability = netem_pct(n->reorder),
			.correlation = netem_pct(n->reorder_corr),
		};

		nl_nla(&req.nh, TCA_NETEM_REORDER, &r, sizeof(r));
	}
	if (n->corrupt) {
		struct tc_netem_corrupt c = { .probability = netem_pct(n->corrupt) };

		nl_nla(&req.nh, TCA_NETEM_CORRUPT, &c, sizeof(c));
	}
	nl_nla(&req.nh, TCA_NETEM_LATENCY64, &lat, sizeof(lat));
	if (jit)
		nl_nla(&req.nh, TCA_NETEM_JITTER64, &jit, sizeof(jit));
	seed = NETEM_SEED + (unsigned char)dev[strlen(dev) - 1];
	nl_nla(&req.nh, TCA_NETEM_PRNG_SEED_, &seed, sizeof(seed));
	nl_nla_end(&req.nh, opts);
	return nl_talk(&req.nh);
}

int netem_delay_loss(const char *dev, double delay_ms, double loss_pct)
{
	struct netem n = { .delay_ms = delay_ms, .loss = loss_pct, .limit = 10000 };

	return netem_set(dev, &n);
}

/* -------------------------------------------------------------- topology */

const unsigned char silent_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

int ns_defaults(void)
{
	if (sysctl_set("net.xtcp.tw_timeout", "1"))
		return ENOENT;		/* module not loaded */
	sysctl_both("orphan_retries", "tcp_orphan_retries", 3);
	return 0;
}

int topo_single_ns(void)
{
	int ns = ns_new(), err;

	if (ns < 0)
		return -errno;
	err = ns_defaults();
	return err ? -err : ns;
}

const char *topo_dev(int side)
{
	return side == SIDE_A ? "va" : "vb";
}

int topo_init(struct topo *t)
{
	int err;

	t->ns[SIDE_A] = t->ns[SIDE_B] = -1;
	t->v6 = false;
	t->ns[SIDE_B] = ns_new();
	if (t->ns[SIDE_B] < 0)
		return errno;
	err = ns_defaults();
	if (err)
		return err;
	t->ns[SIDE_A] = ns_new();
	if (t->ns[SIDE_A] < 0)
		return errno;
	ns_defaults();
	/* va in A, its peer vb created directly in B */
	err = nl_veth_add("va", "vb", t->ns[SIDE_B]);
	if (!err)
		err = nl_addr_add("va", IP_A, 24);
	if (err)
		return err;
	ns_use(t->ns[SIDE_B]);
	err = nl_addr_add("vb", IP_B, 24);
	if (!err)
		err = nl_wait_running("vb");
	ns_use(t->ns[SIDE_A]);
	return err ? err : nl_wait_running("va");
}

int topo_add6(struct topo *t)
{
	int err = TOPO_IN(t, SIDE_A, nl_addr6_add("va", IP6_A, 64));

	return err ? err : TOPO_IN(t, SIDE_B, nl_addr6_add("vb", IP6_B, 64));
}

void topo_fini(struct topo *t)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (t->ns[i] > 0)
			close(t->ns[i]);
		t->ns[i] = -1;
	}
}

int topo_sysctl(struct topo *t, const char *xname, const char *tname, long val)
{
	int e1 = TOPO_IN(t, SIDE_A, sysctl_both(xname, tname, val));
	int e2 = TOPO_IN(t, SIDE_B, sysctl_both(xname, tname, val));

	return e1 ? e1 : e2;
}

int topo_netem(struct topo *t, int side, const struct netem *n)
{
	return n ? TOPO_IN(t, side, netem_set(topo_dev(side), n)) :
		   TOPO_IN(t, side, nl_qdisc_del(topo_dev(side)));
}

int topo_cut(struct topo *t, int side, bool on)
{
	return on ? TOPO_IN(t, side, netem_delay_loss(topo_dev(side), 0, 100)) :
		    TOPO_IN(t, side, nl_qdisc_del(topo_dev(side)));
}

int topo_silent(struct topo *t, int side)
{
	return TOPO_IN(t, side, nl_neigh_add(topo_dev(side), IP_SILENT, silent_mac));
}

int topo_cap(struct topo *t, int side)
{
	return TOPO_IN(t, side, cap_open(topo_dev(side)));
}

int topo_settle(struct topo *t, double max)
{
	double t0 = now();
	int left, i;

	for (;;) {
		left = 0;
		for (i = 0; i < 2; i++) {
			int all = proc_rows_ns(t->ns[i], STACK_XTCP, 0, 0, 0, NULL, 0);
			int tw = proc_rows_ns(t->ns[i], STACK_XTCP, 0, 0, ST_TIME_WAIT, NULL, 0);

			if (all > 0)
				left += all - (tw > 0 ? tw : 0);
		}
		if (!left || now() - t0 > max)
			return left;
		msleep(50);
	}
}

/* ---------------------------------------------------------------- sockets */

struct sockaddr_in sin4(const char *ip, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

struct sockaddr_in6 sin6_addr_of(const char *ip, unsigned short port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, ip, &s.sin6_addr);
	return s;
}

const char *sin6_txt(const struct sockaddr_in6 *s)
{
	static __thread char b[2][INET6_ADDRSTRLEN];
	static __thread int i;

	i ^= 1;
	inet_ntop(AF_INET6, &s->sin6_addr, b[i], sizeof(b[i]));
	return b[i];
}

int sock_bind(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = sin4(ip, port);

	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

int sock_connect_to(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = sin4(ip, port);

	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

int sock_setint(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) ? errno : 0;
}

int sock_getint(int fd, int level, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len))
		return -errno;
	return v;
}

int sock_so_error(int fd)
{
	return sock_getint(fd, SOL_SOCKET, SO_ERROR);
}

int sock_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	return ntohs(sin.sin_port);
}

unsigned long sock_inode(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

int sock_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int sock_poll(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return p.revents;
}

bool sock_readable(int fd, int ms)
{
	return sock_poll(fd, POLLIN, ms) & POLLIN;
}

void sock_abort(int fd)
{
	struct linger l = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* close @fd keeping errno; -1 */
static int close_fail(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}

int sock_listen(enum stack s, const char *ip, unsigned short port, int backlog)
{
	struct sockaddr_in sin = sin4(ip, port);
	int fd = stack_socket(s), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, backlog))
		return close_fail(fd);
	return fd;
}

int sock_connect(enum stack s, unsigned short lport, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = sin4(ip, port);
	int fd = stack_socket(s), one = 1;

	if (fd < 0)
		return -1;
	if (lport) {
		struct sockaddr_in l = sin4("0.0.0.0", lport);

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&l, sizeof(l)))
			return close_fail(fd);
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return close_fail(fd);
	return fd;
}

int sock_connect_nb(enum stack s, const char *ip, unsigned short port, int *err)
{
	int fd = stack_socket(s);

	if (fd < 0)
		return -1;
	sock_nonblock(fd, 1);
	*err = sock_connect_to(fd, ip, port);
	return fd;
}

int sock_wait_connected(int fd, int ms)
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

int sock_read_n(int fd, void *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (!(sock_poll(fd, POLLIN, ms) & (POLLIN | POLLHUP | POLLERR)))
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

int sock_echo(int wfd, int rfd, const char *s, int ms)
{
	char buf[256];
	size_t len = strlen(s);
	int err;

	if (len > sizeof(buf))
		return EINVAL;
	if (write(wfd, s, len) != (ssize_t)len)
		return errno ? errno : EIO;
	err = sock_read_n(rfd, buf, len, ms);
	if (err)
		return err;
	return memcmp(buf, s, len) ? EBADMSG : 0;
}

static void sock_apply(int fd, const struct sock_opts *o)
{
	if (!o)
		return;
	if (o->rcvbuf)
		sock_setint(fd, SOL_SOCKET, SO_RCVBUF, o->rcvbuf);
	if (o->sndbuf)
		sock_setint(fd, SOL_SOCKET, SO_SNDBUF, o->sndbuf);
	if (o->nodelay)
		sock_setint(fd, SOL_TCP, TCP_NODELAY, 1);
}

int pair_ns(int ns_c, int ns_s, enum stack s, const char *ip, unsigned short port,
	    const struct sock_opts *o, int *cfd, int *sfd)
{
	bool v6 = strchr(ip, ':');
	struct sockaddr_in6 sin6 = sin6_addr_of(ip, port);
	struct sockaddr_in sin = sin4(v6 ? "0.0.0.0" : ip, port);
	struct sockaddr *sa = v6 ? (struct sockaddr *)&sin6 : (struct sockaddr *)&sin;
	socklen_t salen = v6 ? sizeof(sin6) : sizeof(sin);
	int old = ns_cur, lfd, err = 0, one = 1;

	*cfd = *sfd = -1;
	if (ns_s >= 0)
		ns_enter(ns_s);
	lfd = v6 ? stack_socket6(s) : stack_socket(s);
	if (lfd < 0) {
		err = errno;
		goto out;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sock_apply(lfd, o);
	if (bind(lfd, sa, salen) || listen(lfd, 8)) {
		err = errno;
		close(lfd);
		goto out;
	}
	if (ns_c >= 0)
		ns_enter(ns_c);
	*cfd = v6 ? stack_socket6(s) : stack_socket(s);
	if (*cfd < 0) {
		err = errno;
		close(lfd);
		goto out;
	}
	sock_apply(*cfd, o);
	if (connect(*cfd, sa, salen)) {
		err = errno;
	} else if (!(sock_poll(lfd, POLLIN, 15000) & POLLIN)) {
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
			sock_setint(*sfd, SOL_TCP, TCP_NODELAY, 1);
	}
	close(lfd);
	if (err) {
		if (*cfd >= 0)
			close(*cfd);
		*cfd = -1;
	}
out:
	if (old >= 0)
		ns_enter(old);
	return err;
}

int pair_lo(enum stack s, unsigned short port, int *cfd, int *sfd)
{
	return pair_ns(-1, -1, s, "127.0.0.1", port, NULL, cfd, sfd);
}

int topo_pair(struct topo *t, enum stack s, unsigned short port,
	      const struct sock_opts *o, int *cfd, int *sfd)
{
	return pair_ns(t->ns[SIDE_A], t->ns[SIDE_B], s, t->v6 ? IP6_B : IP_B, port, o,
		       cfd, sfd);
}

int sock_tcp_info(int fd, struct tcp_info_full *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, SOL_TCP, TCP_INFO, ti, &len) ? errno : 0;
}

void sock_diag(const char *who, int fd)
{
	struct tcp_info_full ti;
	int inq = -1, outq = -1, nsd = -1;

	if (sock_tcp_info(fd, &ti)) {
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
	       errname(sock_so_error(fd)));
}

/* ----------------------------------------------- segments and the capture */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void seg_parse_opts(struct seg *s)
{
	int i = 0, n = 0;
	size_t kl;

	s->mss = s->ws = -1;
	while (i < s->optlen) {
		uint8_t k = s->opts[i], l;

		kl = strlen(s->kinds);
		if (n < 20)
			snprintf(s->kinds + kl, sizeof(s->kinds) - kl, "%s%u", n ? "," : "", k);
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
		if (k == 2 && l == 4) {
			s->mss = s->opts[i + 2] << 8 | s->opts[i + 3];
		} else if (k == 3 && l == 3) {
			s->ws = s->opts[i + 2];
		} else if (k == 4 && l == 2) {
			s->sackok = true;
		} else if (k == 5) {
			s->nsack = (l - 2) / 8;
		} else if (k == 8 && l == 10) {
			s->has_ts = true;
			s->tsval = get32(s->opts + i + 2);
			s->tsecr = get32(s->opts + i + 6);
		}
		i += l;
	}
}

int seg_parse_ip(const uint8_t *p, int caplen, struct seg *s)
{
	int ihl, thl, tot, len;

	memset(s, 0, sizeof(*s));
	if (caplen < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (p[0] & 15) * 4;
	tot = p[2] << 8 | p[3];
	len = caplen < tot ? caplen : tot;
	s->iplen = tot;
	s->ttl = p[8];
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
	s->seq = get32(p + 4);
	s->ack = get32(p + 8);
	s->flags = p[13];
	s->win = p[14] << 8 | p[15];
	s->len = tot - ihl - thl;
	s->optlen = thl - 20;
	memcpy(s->opts, p + 20, s->optlen);
	seg_parse_opts(s);
	return 0;
}

int cap_open(const char *dev)
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
 * One packet of capture @fd into @pkt (@size bytes at most): its length
 * (MSG_TRUNC: the packet's), the sockaddr_ll and the kernel timestamp.
 * -1 when nothing is left (errno EAGAIN) or on error.
 */
static ssize_t cap_recv(int fd, uint8_t *pkt, size_t size, struct sockaddr_ll *from,
			struct timespec *ts)
{
	char cbuf[256];
	struct iovec iov = { pkt, size };
	struct msghdr mh = {
		.msg_name = from, .msg_namelen = sizeof(*from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t len = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC);

	ts->tv_sec = ts->tv_nsec = 0;
	if (len < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
			memcpy(ts, CMSG_DATA(c), sizeof(*ts));
	return len;
}

int cap_read(int fd, struct seg *segs, int *n, int max, int proto, bool skip_out)
{
	uint8_t pkt[2048];

	for (;;) {
		struct sockaddr_ll from;
		struct timespec ts;
		struct seg s;
		ssize_t len = cap_recv(fd, pkt, sizeof(pkt), &from, &ts);

		if (len < 0)
			return errno == EAGAIN ? 0 : -1;
		if (len > (ssize_t)sizeof(pkt))
			len = sizeof(pkt);
		if (from.sll_protocol != htons(ETH_P_IP) || seg_parse_ip(pkt, len, &s))
			continue;
		if (proto && s.proto != proto)
			continue;
		s.pkttype = from.sll_pkttype;
		if (skip_out && s.pkttype == PACKET_OUTGOING)
			continue;
		s.t = ts.tv_sec + ts.tv_nsec / 1e9;
		if (*n < max)
			segs[(*n)++] = s;
	}
}

const char *seg_flags_str(uint8_t f)
{
	static __thread char b[8][8];
	static __thread int i;
	char *p = b[i++ & 7];

	snprintf(p, 8, "%s%s%s%s%s", f & TH_SYN ? "S" : "", f & TH_ACK ? "A" : "",
		 f & TH_FIN ? "F" : "", f & TH_RST ? "R" : "", f & TH_PUSH ? "P" : "");
	return p;
}

void seg_print(const struct seg *s, double t0)
{
	char a[16], b[16];

	inet_ntop(AF_INET, &s->saddr, a, sizeof(a));
	inet_ntop(AF_INET, &s->daddr, b, sizeof(b));
	printf("#   %7.3f %s %s:%u > %s:%u [%s] seq %u ack %u win %u len %d opts %s\n",
	       s->t - t0, s->proto == IPPROTO_TCP ? "tcp " : "xtcp", a, s->sport, b,
	       s->dport, seg_flags_str(s->flags), s->seq, s->ack, s->win, s->len, s->kinds);
}

void segs_print(const struct seg *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		seg_print(&s[i], s[0].t);
}

int seg_count(const struct seg *s, int n, int proto, uint16_t sport, uint16_t dport,
	      uint8_t flags_set, uint8_t flags_clear, struct seg *first)
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

int topo_conns_open(struct topo *t, int cap, const enum stack *stacks,
		    struct conn *k, int n, unsigned short port0)
{
	struct seg *segs = calloc(1024, sizeof(*segs));
	int i, j, nsegs, err = 0;
	char b[4];

	for (i = 0; i < n; i++)
		k[i].c = k[i].s = -1;
	for (i = 0; i < n && !err && segs; i++) {
		struct conn *c = &k[i];

		c->port = port0 + i;
		err = topo_pair(t, stacks[i], c->port, NULL, &c->c, &c->s);
		if (err) {
			printf("# %s connection: %s\n", stack_name(stacks[i]), strerror(err));
			break;
		}
		c->cport = sock_local_port(c->c);
		if (send(c->c, "ping", 4, 0) != 4 || sock_read_n(c->s, b, 4, 2000) ||
		    send(c->s, "pong", 4, 0) != 4 || sock_read_n(c->c, b, 4, 2000)) {
			err = EIO;
			break;
		}
		msleep(300);		/* the delayed ACKs out too */
		nsegs = 0;
		cap_read(cap, segs, &nsegs, 1024, stack_proto(stacks[i]), false);
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

const uint8_t raw_syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7
};

uint32_t csum_add(const void *p, size_t len, uint32_t sum)
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

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

int raw_open(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int sz = 1 << 20;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	return fd;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

int raw_send(int fd, const struct raw_seg *r)
{
	uint8_t pkt[1500];
	uint8_t *th = pkt + 20;
	int thl = 20 + r->optlen, tl = thl + r->len;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint8_t ph[12];
	uint16_t sum;

	if (tl + 20 > (int)sizeof(pkt) || (r->optlen & 3))
		return EINVAL;
	memset(pkt, 0, 20 + thl);
	pkt[0] = 0x45;
	pkt[2] = (20 + tl) >> 8;
	pkt[3] = (20 + tl) & 0xff;
	pkt[6] = 0x40;			/* DF */
	pkt[8] = r->ttl ? r->ttl : 64;
	pkt[9] = r->proto;
	memcpy(pkt + 12, &r->saddr, 4);
	memcpy(pkt + 16, &r->daddr, 4);
	th[0] = r->sport >> 8;
	th[1] = r->sport;
	th[2] = r->dport >> 8;
	th[3] = r->dport;
	put32(th + 4, r->seq);
	put32(th + 8, r->ack);
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
	ph[9] = IPPROTO_TCP;		/* the pseudo-header says TCP, always */
	ph[10] = tl >> 8;
	ph[11] = tl & 0xff;
	sum = csum_fold(csum_add(th, tl, csum_add(ph, sizeof(ph), 0))) ^ r->csum_xor;
	th[16] = sum >> 8;
	th[17] = sum;
	dst.sin_addr.s_addr = r->daddr;
	if (sendto(fd, pkt, 20 + tl, 0, (struct sockaddr *)&dst, sizeof(dst)) != 20 + tl)
		return errno ? errno : EIO;
	return 0;
}

/* an IPv4 header without options; @len: the whole packet */
static void ip_header(uint8_t *p, int len, int proto, uint32_t saddr, uint32_t daddr)
{
	uint16_t sum;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &saddr, 4);
	memcpy(p + 16, &daddr, 4);
	sum = csum_fold(csum_add(p, 20, 0));
	p[10] = sum >> 8;
	p[11] = sum;
}

int raw_send_unreach(int fd, int code, const struct raw_seg *q)
{
	uint8_t pkt[20 + 8 + 20 + 8];
	uint8_t *icmp = pkt + 20, *qt = pkt + 48;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_addr.s_addr = q->saddr };
	uint16_t sum;

	ip_header(pkt, sizeof(pkt), IPPROTO_ICMP, q->daddr, q->saddr);
	memset(icmp, 0, 8);
	icmp[0] = 3;			/* destination unreachable */
	icmp[1] = code;
	ip_header(pkt + 28, 20 + 20 + q->len, q->proto, q->saddr, q->daddr);
	qt[0] = q->sport >> 8;
	qt[1] = q->sport;
	qt[2] = q->dport >> 8;
	qt[3] = q->dport;
	put32(qt + 4, q->seq);
	sum = csum_fold(csum_add(icmp, sizeof(pkt) - 20, 0));
	icmp[2] = sum >> 8;
	icmp[3] = sum;
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) != sizeof(pkt))
		return errno ? errno : EIO;
	return 0;
}

/* ------------------------------------------- byte pattern and transfers */

/* 64-bit word number @i of stream @seed (splitmix64) */
static uint64_t pattern_word(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint8_t pattern_byte(uint64_t seed, uint64_t off)
{
	return pattern_word(seed, off >> 3) >> (8 * (off & 7));
}

void pattern_fill(uint64_t seed, uint64_t off, void *buf, size_t len)
{
	uint8_t *b = buf;

	while (len && (off & 7)) {
		*b++ = pattern_byte(seed, off++);
		len--;
	}
	while (len >= 8) {
		uint64_t w = pattern_word(seed, off >> 3);

		memcpy(b, &w, 8);	/* little endian: byte k = w >> 8k */
		b += 8;
		off += 8;
		len -= 8;
	}
	while (len) {
		*b++ = pattern_byte(seed, off++);
		len--;
	}
}

long pattern_check(uint64_t seed, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i = 0;

	while (i < len && ((off + i) & 7)) {
		if (b[i] != pattern_byte(seed, off + i))
			return i;
		i++;
	}
	while (len - i >= 8) {
		uint64_t w = pattern_word(seed, (off + i) >> 3);

		if (memcmp(b + i, &w, 8))
			break;
		i += 8;
	}
	while (i < len) {
		if (b[i] != pattern_byte(seed, off + i))
			return i;
		i++;
	}
	return -1;
}

int pattern_take(uint64_t seed, uint64_t *done, const void *buf, size_t n, long *bad_off)
{
	long bad = pattern_check(seed, *done, buf, n);

	if (bad >= 0) {
		*bad_off = *done + bad;
		return EBADMSG;
	}
	*done += n;
	return 0;
}

int sock_send_some(int fd, const void *buf, size_t n, int flags, uint64_t *done)
{
	ssize_t w = send(fd, buf, n, flags);

	if (w >= 0) {
		*done += w;
		return 0;
	}
	if (errno == EINTR || (errno == EAGAIN && (flags & MSG_DONTWAIT)))
		return 0;
	return errno;
}

size_t sock_fill(int fd, uint64_t seed, size_t off, int quiet_ms)
{
	char buf[16384];
	size_t tot = 0;
	double last = now();

	for (;;) {
		ssize_t n;

		pattern_fill(seed, off + tot, buf, sizeof(buf));
		n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			tot += n;
			last = now();
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return tot;
		if ((now() - last) * 1000 >= quiet_ms)
			return tot;
		msleep(20);
	}
}

void *flow_sender(void *arg)
{
	struct flow *f = arg;
	static __thread char buf[65536];
	double last = now();

	while (f->done < f->bytes) {
		size_t n = f->bytes - f->done < sizeof(buf) ? f->bytes - f->done : sizeof(buf);
		uint64_t before = f->done;

		pattern_fill(f->seed, f->done, buf, n);
		if (!(sock_poll(f->fd, POLLOUT, 1000) & (POLLOUT | POLLERR | POLLHUP))) {
			if (now() - last > f->timeout_s) {
				f->err = ETIMEDOUT;
				break;
			}
			continue;
		}
		f->err = sock_send_some(f->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL, &f->done);
		if (f->err)
			break;
		if (f->done != before)
			last = now();
	}
	if (f->shut && !f->err)
		shutdown(f->fd, SHUT_WR);
	f->t_end = now();
	return NULL;
}

void *flow_receiver(void *arg)
{
	struct flow *f = arg;
	static __thread char buf[65536];
	double last = now();

	for (;;) {
		ssize_t r;

		if (!f->shut && f->done >= f->bytes)
			break;
		if (!(sock_poll(f->fd, POLLIN, 1000) & (POLLIN | POLLERR | POLLHUP))) {
			if (now() - last > f->timeout_s) {
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
		last = now();
		if (f->done + r > f->bytes) {
			f->extra = true;
			r = f->bytes - f->done;
		}
		f->err = pattern_take(f->seed, &f->done, buf, r, &f->bad_off);
		if (f->err)
			break;
		if (f->extra) {
			f->err = E2BIG;
			break;
		}
		if (f->done == f->bytes && !f->shut)
			break;
	}
	f->t_end = now();
	return NULL;
}

/* shutdown(SHUT_WR) done: @fd must read EOF within @ms */
static bool sock_eof(int fd, int ms)
{
	char c;

	return (sock_poll(fd, POLLIN, ms) & POLLIN) && recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

int xfer4(int a, int b, int b2, int a2, uint64_t bytes, uint64_t bytes_back,
	  int timeout_s, bool late_fin, struct flow *fw, struct flow *bw)
{
	struct flow s1 = { .fd = a, .seed = 1, .bytes = bytes, .timeout_s = timeout_s,
			   .shut = !late_fin };
	struct flow r1 = { .fd = b, .seed = 1, .bytes = bytes, .timeout_s = timeout_s,
			   .shut = !late_fin };
	struct flow s2 = { .fd = b2, .seed = 2, .bytes = bytes_back, .timeout_s = timeout_s,
			   .shut = !late_fin };
	struct flow r2 = { .fd = a2, .seed = 2, .bytes = bytes_back, .timeout_s = timeout_s,
			   .shut = !late_fin };
	pthread_t t[4];

	pthread_create(&t[0], NULL, flow_sender, &s1);
	pthread_create(&t[1], NULL, flow_receiver, &r1);
	pthread_create(&t[2], NULL, flow_sender, &s2);
	pthread_create(&t[3], NULL, flow_receiver, &r2);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	pthread_join(t[3], NULL);
	if (late_fin && !s1.err && !r1.err && !s2.err && !r2.err) {
		/* both directions complete: now the FINs, each must read EOF */
		shutdown(a, SHUT_WR);
		shutdown(b2, SHUT_WR);
		if (b != b2)
			shutdown(b, SHUT_WR);
		if (a != a2)
			shutdown(a2, SHUT_WR);
		if (!sock_eof(b, timeout_s * 1000))
			r1.err = r1.err ? r1.err : ENOTEMPTY;
		if (!sock_eof(a2, timeout_s * 1000))
			r2.err = r2.err ? r2.err : ENOTEMPTY;
	}
	if (s1.err || r1.err || s2.err || r2.err) {
		printf("# transfer failed: a->b sent %llu (%s) got %llu (%s); "
		       "b->a sent %llu (%s) got %llu (%s)\n",
		       (unsigned long long)s1.done, errname(s1.err),
		       (unsigned long long)r1.done, errname(r1.err),
		       (unsigned long long)s2.done, errname(s2.err),
		       (unsigned long long)r2.done, errname(r2.err));
		if (r1.err == EBADMSG)
			printf("# a->b: first wrong byte at stream offset %ld\n", r1.bad_off);
		if (r2.err == EBADMSG)
			printf("# b->a: first wrong byte at stream offset %ld\n", r2.bad_off);
		sock_diag("a", a);
		sock_diag("b", b);
		if (a2 != a) {
			sock_diag("a2", a2);
			sock_diag("b2", b2);
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

int xfer_oneway(int a, int b, uint64_t bytes, uint64_t seed, int timeout_s)
{
	struct flow s = { .fd = a, .seed = seed, .bytes = bytes, .timeout_s = timeout_s };
	struct flow r = { .fd = b, .seed = seed, .bytes = bytes, .timeout_s = timeout_s };
	pthread_t th;

	pthread_create(&th, NULL, flow_sender, &s);
	flow_receiver(&r);
	pthread_join(th, NULL);
	return s.err ? s.err : r.err;
}

int xfer_duplex_x(int a, int b, uint64_t bytes, uint64_t bytes_back, int timeout_s,
		  bool late_fin, struct flow *fw, struct flow *bw)
{
	return xfer4(a, b, b, a, bytes, bytes_back, timeout_s, late_fin, fw, bw);
}

int xfer_duplex(int a, int b, uint64_t bytes, uint64_t bytes_back, int timeout_s,
		struct flow *fw, struct flow *bw)
{
	return xfer_duplex_x(a, b, bytes, bytes_back, timeout_s, false, fw, bw);
}

int xfer_multi(struct topo *t, enum stack s, int n, uint64_t bytes, unsigned short port,
	       const struct sock_opts *o, int timeout_s, double *secs)
{
	static struct flow snd[2 * XFER_MAX_CONN], rcv[2 * XFER_MAX_CONN];
	int cfd[2 * XFER_MAX_CONN], sfd[2 * XFER_MAX_CONN];
	pthread_t th[4 * XFER_MAX_CONN];
	uint64_t per = bytes / n;
	int i, err = 0, first_bad = -1;
	double t0;

	if (n > XFER_MAX_CONN)
		return EINVAL;
	for (i = 0; i < 2 * n; i++)
		cfd[i] = sfd[i] = -1;
	for (i = 0; i < 2 * n && !err; i++)
		err = topo_pair(t, s, port + i, o, &cfd[i], &sfd[i]);
	if (err)
		goto out;
	for (i = 0; i < 2 * n; i++) {
		/* first n: A (client) sends; last n: B (server) sends */
		int from = i < n ? cfd[i] : sfd[i], to = i < n ? sfd[i] : cfd[i];

		snd[i] = (struct flow){ .fd = from, .seed = 100 + i, .bytes = per,
					.timeout_s = timeout_s };
		rcv[i] = (struct flow){ .fd = to, .seed = 100 + i, .bytes = per,
					.timeout_s = timeout_s };
	}
	t0 = now();
	for (i = 0; i < 2 * n; i++) {
		pthread_create(&th[2 * i], NULL, flow_sender, &snd[i]);
		pthread_create(&th[2 * i + 1], NULL, flow_receiver, &rcv[i]);
	}
	for (i = 0; i < 4 * n; i++)
		pthread_join(th[i], NULL);
	*secs = now() - t0;
	if (getenv("DT_VERBOSE"))
		for (i = 0; i < 2 * n; i++)
			sock_diag(i < n ? "sender A" : "sender B", snd[i].fd);
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
		       errname(snd[i].err), (unsigned long long)rcv[i].done,
		       errname(rcv[i].err), (unsigned long long)per);
		if (rcv[i].err == EBADMSG)
			printf("# first wrong byte at stream offset %ld\n", rcv[i].bad_off);
		sock_diag(i < n ? "sender (A)" : "sender (B)", snd[i].fd);
		sock_diag(i < n ? "receiver (B)" : "receiver (A)", rcv[i].fd);
		goto out;
	}
	/* all data is in: FINs both ways, each side must read EOF */
	for (i = 0; i < 2 * n; i++) {
		shutdown(cfd[i], SHUT_WR);
		shutdown(sfd[i], SHUT_WR);
	}
	for (i = 0; i < 2 * n && !err; i++) {
		if (!sock_eof(cfd[i], timeout_s * 1000) || !sock_eof(sfd[i], timeout_s * 1000)) {
			printf("# connection %d: no EOF after the FINs\n", i);
			err = ENOTEMPTY;
		}
	}
out:
	for (i = 0; i < 2 * n; i++) {
		sock_abort(cfd[i]);
		sock_abort(sfd[i]);
	}
	return err;
}

/* ------------------------------------------------------- pcap and tshark */

static void pcap_drain(struct pcap *c)
{
	static __thread uint8_t pkt[70000];

	for (;;) {
		struct sockaddr_ll from;
		struct timespec ts;
		uint32_t rec[4];
		ssize_t len = cap_recv(c->fd, pkt, sizeof(pkt), &from, &ts);
		size_t caplen;

		if (len < 0)
			break;
		if ((from.sll_protocol != htons(ETH_P_IP) &&
		     from.sll_protocol != htons(ETH_P_IPV6)) ||
		    (c->out_only && from.sll_pkttype != PACKET_OUTGOING))
			continue;
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

static void *pcap_thread(void *arg)
{
	struct pcap *c = arg;

	while (!c->stop) {
		sock_poll(c->fd, POLLIN, 10);
		pcap_drain(c);
	}
	pcap_drain(c);
	return NULL;
}

int pcap_start(struct pcap *c, int ns, const char *dev, const char *path,
	       unsigned int snaplen)
{
	uint32_t hdr[6] = { 0xa1b23c4d, 0x00040002, 0, 0, 262144, 101 };
	int sz = 32 << 20, old = ns_cur;

	memset(c, 0, sizeof(*c));
	c->snaplen = snaplen ? snaplen : 65535;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->out_only = !strcmp(dev, "lo");
	if (ns >= 0)
		ns_enter(ns);
	c->fd = cap_open(dev);
	if (old >= 0)
		ns_enter(old);
	if (c->fd < 0)
		return ENODEV;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	c->f = fopen(path, "we");
	if (!c->f) {
		close(c->fd);
		return errno;
	}
	fwrite(hdr, sizeof(hdr), 1, c->f);
	c->running = !pthread_create(&c->th, NULL, pcap_thread, c);
	return 0;
}

void pcap_stop(struct pcap *c)
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

int pcap_segs(const char *path, int proto, struct seg *segs, int max)
{
	static __thread uint8_t pkt[65536];
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
		struct seg s;

		if (rec[2] > sizeof(pkt) || fread(pkt, rec[2], 1, f) != 1)
			break;
		if (seg_parse_ip(pkt, rec[2], &s) || (proto && s.proto != proto))
			continue;
		s.t = rec[0] + rec[1] / 1e9;
		if (n < max)
			segs[n++] = s;
	}
	fclose(f);
	return n;
}

void tshark_csum_cb(void *ctx, char **f, int nf)
{
	struct tshark_csum *c = ctx;

	if (nf < 2)
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

int tshark_run(const char *pcap, const char *filter, const char *fields,
	       tshark_cb cb, void *ctx)
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

/* ------------------------------------------------------------------ misc */

int exec_ns(int ns, char *const argv[], bool quiet)
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

/*
 * Packets are dropped after packet sockets saw them and before the IP
 * layer: for the stacks it is loss on the wire. The count starts when
 * installed.
 */
int topo_drop_nth(struct topo *t, int side, int nth)
{
	char n[16];
	char *dev = (char *)topo_dev(side);
	char *del[] = { "tc", "qdisc", "del", "dev", dev, "clsact", NULL };
	char *add[] = { "tc", "qdisc", "add", "dev", dev, "clsact", NULL };
	char *flt[] = { "tc", "filter", "add", "dev", dev, "ingress",
			"protocol", "ip", "pref", "1", "matchall", "action", "gact", "ok",
			"random", "determ", "drop", n, NULL };
	int err;

	snprintf(n, sizeof(n), "%d", nth);
	exec_ns(t->ns[side], del, true);
	if (!nth)
		return 0;
	err = exec_ns(t->ns[side], add, false);
	return err ? err : exec_ns(t->ns[side], flt, false);
}

/*
 * As `ip netns exec NS sh -c 'echo 1 > /sys/class/net/DEV/queues/rx-0/rps_cpus'`:
 * a child enters the namespace and a mount namespace of its own with that
 * namespace's sysfs. Why: a qdisc on a veth of a 2-vCPU guest runs from
 * either CPU and each CPU delivers through its own backlog, so the rig
 * reorders a clean link by itself; Linux's TCP hides that behind 64 KB GSO
 * packets, XTCP (no GSO) would see reordering netem never made.
 */
int topo_rps_one_cpu(struct topo *t, int side)
{
	char path[128];
	int st;
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-0/rps_cpus",
		 topo_dev(side));
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

int nofile_raise(rlim_t n)
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

/*
 * /proc/slabinfo, else /sys/kernel/slab/@name (a merged cache: sizes of
 * the merged one).
 */
int slab_info(const char *name, long *objsize, long *active, long *total)
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

volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

void count_sigpipes(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	sigpipes = 0;
}

const char *const netem_case_names[NETEM_NCNT] = {
	"InSegs", "OutSegs", "RetransSegs", "InErrs", "InCsumErrors", "TCPTimeouts",
	"TCPSackRecovery", "TCPOFOQueue", "TCPLossUndo",
};

long netem_cnt(const struct netem_case *r, int side, const char *name)
{
	int i;

	for (i = 0; i < NETEM_NCNT; i++)
		if (!strcmp(netem_case_names[i], name))
			return r->cnt[side][i];
	return -1;
}

long netem_cnt2(const struct netem_case *r, const char *name)
{
	return netem_cnt(r, SIDE_A, name) + netem_cnt(r, SIDE_B, name);
}

int netem_case(const char *what, const struct netem *n, enum stack s, int nconn,
	       uint64_t bytes, int timeout_s, struct netem_case *r)
{
	struct topo t;
	int side, i, err;

	memset(r, 0, sizeof(*r));
	err = topo_init(&t);
	for (side = 0; side < 2 && !err; side++)
		err = topo_rps_one_cpu(&t, side);
	if (n && !err)
		err = topo_netem(&t, SIDE_A, n);
	if (n && !err)
		err = topo_netem(&t, SIDE_B, n);
	if (n && n->ipv6 && !err) {
		err = topo_add6(&t);
		t.v6 = true;
	}
	for (side = 0; side < 2 && n && n->wire_segments && !err; side++) {
		err = TOPO_IN(&t, side, nl_no_gso(topo_dev(side)));
		if (!err)
			err = TOPO_IN(&t, side, nl_sg(topo_dev(side), false));
	}
	if (err)
		return err;
	printf("# %s: netem on va and vb: %s; %llu MiB each way over %d+%d %s connections"
	       " over IPv%d\n", what, n ? netem_str(n) : "(none)",
	       (unsigned long long)(bytes >> 20), nconn, nconn, stack_name(s), t.v6 ? 6 : 4);
	r->err = xfer_multi(&t, s, nconn, bytes, 5000, NULL, timeout_s, &r->secs);
	for (side = 0; side < 2; side++)
		for (i = 0; i < NETEM_NCNT; i++)
			r->cnt[side][i] = counter_ns(t.ns[side], s, netem_case_names[i]);
	printf("# %s %s: %s in %.1f s\n", stack_name(s), what, errname(r->err), r->secs);
	for (side = 0; side < 2; side++) {
		printf("#   %s:", side ? "B" : "A");
		for (i = 0; i < NETEM_NCNT; i++)
			printf(" %s=%ld", netem_case_names[i], r->cnt[side][i]);
		printf("\n");
	}
	/* the namespaces stay until the test process exits: torn down now,
	 * their cleanup would take CPU from the next run's transfer
	 */
	topo_settle(&t, 5);
	return 0;
}

/* -------------------------------------------------------- program policy */

static pid_t main_pid;

static void main_exit_wait(void)
{
	if (getpid() == main_pid)
		msleep(2000);
}

void xtcp_lib_main(void)
{
	main_pid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	atexit(main_exit_wait);
}
