/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: the TCP and IPv4 headers (RFC 9293 3.1, RFC 791), laid out as
 * include/uapi/linux/tcp.h and ip.h on a little-endian host.
 */
#ifndef _MOCK_LINUX_TCP_H
#define _MOCK_LINUX_TCP_H

#include <linux/skbuff.h>

struct tcphdr {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__u16 res1:4, doff:4, fin:1, syn:1, rst:1, psh:1, ack:1, urg:1,
	      ece:1, cwr:1;
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
};
_Static_assert(sizeof(struct tcphdr) == 20, "tcphdr is 20 bytes");

struct iphdr {
	__u8 ihl:4, version:4;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};
_Static_assert(sizeof(struct iphdr) == 20, "iphdr is 20 bytes");

#define IPPROTO_TCP 6

static inline struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
	return (struct tcphdr *)skb_transport_header(skb);
}

#endif
