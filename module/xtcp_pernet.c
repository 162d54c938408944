// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: counters, lookup tables, sysctls and /proc
 * files are created when a namespace appears (or at load for existing ones)
 * and torn down in reverse order when it goes away (or at unload).
 */
#include "xtcp.h"

#include <linux/module.h>

unsigned int xtcp_net_id __read_mostly;

/* Called in process context from the netns setup path (pernet_ops_rwsem). */
static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	xtcp_tw_init_net(xn);
	xn->mib = alloc_percpu(struct xtcp_mib_percpu);
	if (!xn->mib)
		return -ENOMEM;
	err = xtcp_hash_init_net(net);
	if (err)
		goto err_hash;
	err = xtcp_ctrl_init_net(net);
	if (err)
		goto err_ctrl;
	err = xtcp_proc_init_net(net);
	if (err)
		goto err_proc;
	return 0;

err_proc:
	xtcp_ctrl_exit_net(net);
err_ctrl:
	xtcp_hash_exit_net(net);
err_hash:
	free_percpu(xn->mib);
	return err;
}

/* Called in process context; no XTCP socket of @net exists any more. */
static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	xtcp_proc_exit_net(net);
	xtcp_tw_purge_net(net);
	xtcp_ctrl_exit_net(net);
	xtcp_hash_exit_net(net);
	free_percpu(xn->mib);
}

static struct pernet_operations xtcp_net_ops = {
	.init = xtcp_net_init,
	.exit = xtcp_net_exit,
	.id = &xtcp_net_id,
	.size = sizeof(struct xtcp_net),
};

/**
 * xtcp_pernet_init() - register per-namespace state
 *
 * Context: process context, module init.
 * Return: 0 or a negative errno.
 */
int xtcp_pernet_init(void)
{
	return register_pernet_subsys(&xtcp_net_ops);
}

/**
 * xtcp_pernet_exit() - tear down every namespace's XTCP state
 *
 * Context: process context, module exit.
 */
void xtcp_pernet_exit(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
