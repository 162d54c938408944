// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP module init and exit only. The protocol lives in one file per
 * concern, split on Linux TCP's lines:
 *
 *   xtcp_af.c        the AF_XTCP family: socket(), proto_ops, bind, listen
 *   xtcp.c           socket calls on the byte stream: sendmsg, recvmsg,
 *                    poll, ioctl (Linux's tcp.c)
 *   xtcp_conn.c      connection lifecycle: states, connect/accept waits,
 *                    close, shutdown, socket init and destruction
 *   xtcp_sockopt.c   setsockopt/getsockopt, TCP_INFO
 *   xtcp_ipv4.c      IPv4: protocol and ICMP handlers, active open,
 *                    segments without a full socket (tcp_ipv4.c); the
 *                    dispatch of segments and errors both families share
 *   xtcp_ipv6.c      IPv6: protocol and ICMPv6 handlers, bind, active
 *                    open, SOL_IPV6 options, segments without a full
 *                    socket (tcp_ipv6.c)
 *   xtcp_input.c     segment processing per state, ACKs, the receive and
 *                    out-of-order queues, FIN, SACK/DSACK we report
 *                    (tcp_input.c)
 *   xtcp_output.c    the transmit engine, window and MSS selection, the
 *                    segments of a socket (tcp_output.c)
 *   xtcp_offload.c   GSO/GRO for XTCP's protocol number (TCP's offload
 *                    callbacks), the GSO skbs the transmit engine sends
 *   xtcp_skb.c       write-queue segments in page fragments: unclone,
 *                    trim a partly acknowledged head (tcp_trim_head())
 *   xtcp_options.c   TCP options parsed and written
 *   xtcp_recovery.c  SACK scoreboard, RACK-TLP, PRR, undo (tcp_recovery.c)
 *   xtcp_cong.c      congestion control algorithms (NewReno)
 *   xtcp_timer.c     transmit, delayed-ACK and keepalive/FIN_WAIT2 timers
 *   xtcp_listen.c    SYN queue, accept queue, child sockets
 *   xtcp_cookie.c    syncookies
 *   xtcp_secure.c    ISNs and timestamp offsets (keyed hashes)
 *   xtcp_timewait.c  TIME_WAIT entries
 *   xtcp_hash.c      bind, listen and connection lookup tables
 *   xtcp_pernet.c    per-namespace state
 *   xtcp_ctrl.c      sysctls (net.xtcp.*)
 *   xtcp_proc.c      /proc/net/xtcp, /proc/net/xtcp6, /proc/net/xtcp_stat
 *   xtcp_diag.c      sock_diag (inet_diag) handler: what xtcp-ss lists
 *   xtcp.h           the private header; compat.h kernel-version differences
 */
#include "xtcp.h"

#include <linux/module.h>
#include <net/protocol.h>

int xtcp_ipproto = IPPROTO_XTCP;
module_param_named(ipproto, xtcp_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number on the wire: 253 (default) or 254");

static int __init xtcp_init(void)
{
	int err;

	if (xtcp_ipproto != 253 && xtcp_ipproto != 254) {
		pr_err("ipproto=%d: must be 253 or 254 (RFC 3692)\n", xtcp_ipproto);
		return -EINVAL;
	}

	xtcp_secure_init();
	err = proto_register(&xtcp_prot, 1);
	if (err)
		goto err_proto;
	err = xtcp_listen_init();
	if (err)
		goto err_listen;
	err = xtcp_tw_init();
	if (err)
		goto err_tw;
	err = xtcp_pernet_init();
	if (err)
		goto err_pernet;
	err = xtcp_ipv4_init();
	if (err)
		goto err_input;
	err = xtcp_ipv6_init();
	if (err)
		goto err_ipv6;
	err = xtcp_offload_init();
	if (err)
		goto err_offload;
	err = xtcp_af_init();
	if (err)
		goto err_af;
	err = xtcp_diag_init();
	if (err)
		goto err_diag;

	pr_info("loaded: AF_XTCP=%d, IP protocol %d (IPv4%s)\n", AF_XTCP,
		xtcp_ipproto, xtcp_ipv6_ready() ? ", IPv6" : "");
	return 0;

err_diag:
	xtcp_af_exit();
err_af:
	xtcp_offload_exit();
err_offload:
	xtcp_ipv6_exit();
err_ipv6:
	xtcp_ipv4_exit();
err_input:
	xtcp_pernet_exit();
err_pernet:
	xtcp_tw_exit();
err_tw:
	xtcp_listen_exit();
err_listen:
	proto_unregister(&xtcp_prot);
err_proto:
	return err;
}

static void __exit xtcp_exit(void)
{
	xtcp_diag_exit();
	xtcp_af_exit();
	xtcp_offload_exit();
	xtcp_ipv6_exit();
	xtcp_ipv4_exit();
	xtcp_pernet_exit();
	xtcp_tw_exit();
	xtcp_listen_exit();
	proto_unregister(&xtcp_prot);
	pr_info("unloaded\n");
}

module_init(xtcp_init);
module_exit(xtcp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: an alternate TCP as a loadable module");
MODULE_AUTHOR("XTCP developers");
MODULE_ALIAS_NETPROTO(AF_XTCP);
