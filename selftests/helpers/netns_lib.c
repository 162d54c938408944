// SPDX-License-Identifier: GPL-2.0
/*
 * netns_lib: the network plumbing conn_lib.c, td_lib.c and dt_lib.c share.
 * #included by them (not a program of its own: the Makefile does not build
 * it). No ip/tc/ethtool exec anywhere: an exec costs ~0.5-1 s under TCG.
 *
 *   - network namespaces held as fds and entered with setns(): one process
 *     (or thread) owns sockets in several namespaces; nl_cur_ns is the
 *     namespace the calling thread was last moved to by these helpers;
 *   - rtnetlink requests: a veth pair across two namespaces, netem as root
 *     qdisc (fixed delay and loss; dt_lib.c builds the full-knob one on
 *     nl_qdisc_req()), removing a root qdisc;
 *   - ioctls: IPv4 address, route, link up/down, tx checksum offload;
 *   - the veth and addresses of the usual two-namespace topology.
 */
#ifndef NETNS_LIB_C
#define NETNS_LIB_C

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/route.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>

#include "xtcp_common.h"

/* ------------------------------------------------------------ namespaces */

/* fd of the namespace the calling thread is in (-1: the original one) */
static __thread int nl_cur_ns = -1;

/* A new network namespace (lo up) for the calling thread; its fd or -1. */
static inline int nl_ns_new(void)
{
	int fd;

	if (unshare(CLONE_NEWNET) || xtcp_if_up("lo"))
		return -1;
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	nl_cur_ns = fd;
	return fd;
}

/* Move the calling thread to @nsfd (a no-op when it is there); 0 or -1. */
static inline int nl_ns_enter(int nsfd)
{
	if (nsfd == nl_cur_ns)
		return 0;
	if (setns(nsfd, CLONE_NEWNET))
		return -1;
	nl_cur_ns = nsfd;
	return 0;
}

/* nl_ns_enter() that cannot fail: aborts if it does. */
static inline void nl_use(int nsfd)
{
	if (nl_ns_enter(nsfd)) {
		perror("setns");
		abort();
	}
}

/* ------------------------------------------------------------- rtnetlink */

#define NL_BUF 1024

struct nl_req {
	struct nlmsghdr nh;
	char buf[NL_BUF];
};

/*
 * The attributes go into the buffer after the header (struct nl_req),
 * which gcc's object-size tracking does not see.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
static inline struct rtattr *nl_nla(struct nlmsghdr *nh, int type,
				    const void *data, int len)
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

/* Close the nested attribute @nest opened by nl_nla(..., NULL, 0). */
static inline void nl_nla_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

/* Send one request in the current namespace, wait for the ACK; 0 or errno. */
static inline int nl_talk(struct nlmsghdr *nh)
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
 * A veth pair: @name in the current namespace, @peer created directly in
 * the namespace @peer_nsfd. Both are left down. 0 or errno.
 */
static inline int nl_veth_add(const char *name, const char *peer, int peer_nsfd)
{
	struct nl_req req;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linfo, *data, *pinfo;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	memcpy(NLMSG_DATA(&req.nh), &ifi, sizeof(ifi));
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

/*
 * Start @req as a qdisc request @type (RTM_NEWQDISC, RTM_DELQDISC) with
 * @flags for the root qdisc of @dev (current namespace); the caller adds
 * the attributes. 0 or ENODEV.
 */
static inline int nl_qdisc_req(struct nl_req *req, int type, int flags,
			       const char *dev)
{
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC };

	tcm.tcm_ifindex = if_nametoindex(dev);
	if (!tcm.tcm_ifindex)
		return ENODEV;
	tcm.tcm_parent = TC_H_ROOT;
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(tcm));
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = flags;
	memcpy(NLMSG_DATA(&req->nh), &tcm, sizeof(tcm));
	return 0;
}

/*
 * netem as root qdisc of @dev (current namespace): fixed @delay_us and
 * @loss_pct (100: everything leaving @dev is dropped). 0 or errno.
 */
static inline int nl_netem(const char *dev, unsigned int delay_us, unsigned int loss_pct)
{
	struct nl_req req;
	struct tc_netem_qopt q = { .limit = 10000 };
	struct rtattr *opts;
	int64_t lat = (int64_t)delay_us * 1000;
	int err;

	err = nl_qdisc_req(&req, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, dev);
	if (err)
		return err;
	if (loss_pct)
		q.loss = (uint32_t)(loss_pct >= 100 ? UINT32_MAX :
				    (uint64_t)UINT32_MAX * loss_pct / 100);
	nl_nla(&req.nh, TCA_KIND, "netem", 6);
	opts = nl_nla(&req.nh, TCA_OPTIONS, &q, sizeof(q));
	nl_nla(&req.nh, TCA_NETEM_LATENCY64, &lat, sizeof(lat));
	nl_nla_end(&req.nh, opts);
	return nl_talk(&req.nh);
}

/* Remove the root qdisc of @dev (current namespace); 0 or errno. */
static inline int nl_qdisc_del(const char *dev)
{
	struct nl_req req;
	int err;

	err = nl_qdisc_req(&req, RTM_DELQDISC, 0, dev);
	return err ? err : nl_talk(&req.nh);
}

/* ---------------------------------------------------------------- ioctls */

/* ioctl(@req, @arg) on an AF_INET socket of the current namespace; 0 or errno. */
static inline int nl_ioctl(unsigned long req, void *arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, req, arg))
		err = errno;
	close(fd);
	return err;
}

/* An ifreq for @dev; ifr_data = @data. */
static inline struct ifreq nl_ifreq(const char *dev, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	return ifr;
}

/* IPv4 address @ip/@prefix on @dev, and @dev up. 0 or errno. */
static inline int nl_addr_add(const char *dev, const char *ip, int prefix)
{
	struct ifreq ifr = nl_ifreq(dev, NULL);
	struct sockaddr_in sin = xtcp_sin(ip, 0);
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
	return xtcp_if_up(dev);
}

/* Route @dst/@prefix via gateway @gw (NULL: directly on @dev). */
static inline int nl_route_add(const char *dst, int prefix, const char *gw,
			       const char *dev)
{
	struct rtentry rt;
	struct sockaddr_in sin = xtcp_sin(dst, 0);
	char devbuf[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &sin, sizeof(sin));
	sin.sin_addr.s_addr = htonl(prefix ? ~0U << (32 - prefix) : 0);
	memcpy(&rt.rt_genmask, &sin, sizeof(sin));
	rt.rt_flags = RTF_UP | (prefix == 32 ? RTF_HOST : 0);
	if (gw) {
		sin = xtcp_sin(gw, 0);
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

/* @dev administratively up or down (current namespace); 0 or errno. */
static inline int nl_if_set(const char *dev, bool up)
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
 * `ethtool -K @dev tx on|off` (tx checksum offload; off: checksums are
 * computed in software, visible on captures). 0 or errno.
 */
static inline int nl_tx_csum(const char *dev, bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = on };
	struct ifreq ifr = nl_ifreq(dev, &ev);

	return nl_ioctl(SIOCETHTOOL, &ifr);
}

/* --------------------------------------------------------------- topology */

/*
 * The veth of the usual two-namespace topology:
 *
 *   @ns_a "va" @ip_a/24  <--- veth --->  "vb" @ip_b/24 @ns_b
 *
 * created from @ns_a, where the caller is left. 0 or errno.
 */
static inline int nl_veth_pair(int ns_a, const char *ip_a, int ns_b, const char *ip_b)
{
	int err;

	nl_ns_enter(ns_a);
	err = nl_veth_add("va", "vb", ns_b);
	if (!err)
		err = nl_addr_add("va", ip_a, 24);
	if (err)
		return err;
	nl_ns_enter(ns_b);
	err = nl_addr_add("vb", ip_b, 24);
	nl_ns_enter(ns_a);
	return err;
}

#endif /* NETNS_LIB_C */
