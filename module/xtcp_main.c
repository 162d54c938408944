// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP module init and exit only. The protocol lives in the other files:
 * xtcp_af.c (socket family and calls), xtcp_hash.c (lookup tables),
 * xtcp_input.c / xtcp_output.c (segments), xtcp_ctrl.c (sysctls),
 * xtcp_proc.c (/proc), xtcp_pernet.c (per-namespace state).
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
	err = xtcp_input_init();
	if (err)
		goto err_input;
	err = xtcp_af_init();
	if (err)
		goto err_af;

	pr_info("loaded: AF_XTCP=%d, IP protocol %d\n", AF_XTCP, xtcp_ipproto);
	return 0;

err_af:
	xtcp_input_exit();
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
	xtcp_af_exit();
	xtcp_input_exit();
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
