// SPDX-License-Identifier: GPL-2.0
/*
 * net.xtcp.* sysctls, one table per network namespace.
 *
 * Defaults equal Linux TCP's (net.ipv4.tcp_*) so XTCP starts out behaving
 * like TCP; every entry is bounded, and an out-of-range write fails with
 * EINVAL and keeps the old value. The template below points each entry at
 * its field's offset inside struct xtcp_net; the per-namespace copy adds the
 * namespace's struct address, so no entry is ever addressed by index.
 */
#include "xtcp.h"

#include <linux/slab.h>
#include <linux/sysctl.h>

static int xtcp_u8_max = 255;
static int xtcp_keepalive_max = 32767;	/* MAX_TCP_KEEPIDLE / KEEPINTVL */
static int xtcp_keepcnt_max = 127;	/* MAX_TCP_KEEPCNT */
static int xtcp_syn_retries_max = 127;	/* MAX_TCP_SYNCNT */
static int xtcp_secs_max = 600;		/* fin_timeout, tw_timeout */
static int xtcp_syn_backlog_max = 1 << 20;
static int xtcp_ratelimit_max = 3600 * 1000;	/* invalid_ratelimit, ms */

/*
 * Handler for rmem/wmem triples: three ints, each >= 1, min <= default <= max.
 * Context: process context (sysctl write), no locks held.
 */
static int xtcp_proc_mem_triple(xtcp_ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	int vals[3];
	struct ctl_table tmp = *table;
	int *cur = table->data;
	int err;

	memcpy(vals, cur, sizeof(vals));
	tmp.data = vals;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (vals[0] > vals[1] || vals[1] > vals[2])
		return -EINVAL;
	WRITE_ONCE(cur[0], vals[0]);
	WRITE_ONCE(cur[1], vals[1]);
	WRITE_ONCE(cur[2], vals[2]);
	return 0;
}

/*
 * net.xtcp.congestion_control, as Linux's proc_tcp_congestion_control():
 * reads the name of the namespace's default algorithm; a write of a name
 * XTCP does not know fails with ENOENT and changes nothing.
 * Context: process context (sysctl), no locks held.
 */
static int xtcp_proc_congestion_control(xtcp_ctl_table *table, int write,
					void *buffer, size_t *lenp,
					loff_t *ppos)
{
	const struct xtcp_cong_ops **cur = table->data;
	const struct xtcp_cong_ops *ca = READ_ONCE(*cur);
	char name[XTCP_CA_NAME_MAX] = {};
	struct ctl_table tmp = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err;

	if (ca)
		strscpy(name, ca->name, sizeof(name));
	err = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	ca = xtcp_cong_find(name);
	if (!ca)
		return -ENOENT;
	WRITE_ONCE(*cur, ca);
	return 0;
}

#define XTCP_OFF(field) ((void *)offsetof(struct xtcp_net, sysctl.field))
#define XTCP_INT_F(name, field, lo, hi) {				\
	.procname = name, .data = XTCP_OFF(field),			\
	.maxlen = sizeof(int), .mode = 0644,				\
	.proc_handler = proc_dointvec_minmax,				\
	.extra1 = (lo), .extra2 = (hi) }
#define XTCP_INT(name, lo, hi) XTCP_INT_F(#name, name, lo, hi)
#define XTCP_TRIPLE(name) {						\
	.procname = #name, .data = XTCP_OFF(name),			\
	.maxlen = 3 * sizeof(int), .mode = 0644,			\
	.proc_handler = xtcp_proc_mem_triple,				\
	.extra1 = SYSCTL_ONE, .extra2 = SYSCTL_INT_MAX }

static const struct ctl_table xtcp_sysctl_tmpl[] = {
	XTCP_INT(keepalive_time, SYSCTL_ONE, &xtcp_keepalive_max),
	XTCP_INT(keepalive_intvl, SYSCTL_ONE, &xtcp_keepalive_max),
	XTCP_INT(keepalive_probes, SYSCTL_ONE, &xtcp_keepcnt_max),
	XTCP_INT(abort_on_overflow, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(max_syn_backlog, SYSCTL_ONE, &xtcp_syn_backlog_max),
	XTCP_INT(syncookies, SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_INT(syn_retries, SYSCTL_ONE, &xtcp_syn_retries_max),
	XTCP_INT(synack_retries, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_INT(fin_timeout, SYSCTL_ONE, &xtcp_secs_max),
	XTCP_INT(retries1, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_INT(retries2, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_INT(orphan_retries, SYSCTL_ZERO, &xtcp_u8_max),
	XTCP_INT(rfc1337, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(max_tw_buckets, SYSCTL_ZERO, SYSCTL_INT_MAX),
	XTCP_INT_F("tw_reuse", tw_reuse_mode, SYSCTL_ZERO, SYSCTL_TWO),
	XTCP_INT(tw_timeout, SYSCTL_ONE, &xtcp_secs_max),
	XTCP_TRIPLE(rmem),
	XTCP_TRIPLE(wmem),
	XTCP_INT(sack, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(timestamps, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(window_scaling, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(moderate_rcvbuf, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(invalid_ratelimit, SYSCTL_ZERO, &xtcp_ratelimit_max),
	XTCP_INT(challenge_ack_limit, SYSCTL_ZERO, SYSCTL_INT_MAX),
	XTCP_INT(backlog_ack_defer, SYSCTL_ZERO, SYSCTL_ONE),
	XTCP_INT(comp_sack_delay_ns, SYSCTL_ZERO, SYSCTL_INT_MAX),
	XTCP_INT(comp_sack_slack_ns, SYSCTL_ZERO, SYSCTL_INT_MAX),
	XTCP_INT(comp_sack_nr, SYSCTL_ZERO, &xtcp_u8_max),
	{
		.procname = "congestion_control", .data = XTCP_OFF(ca_default),
		.maxlen = XTCP_CA_NAME_MAX, .mode = 0644,
		.proc_handler = xtcp_proc_congestion_control,
	},
};

/*
 * Linux TCP's defaults; the memory-sized ones are read from @net's TCP. The
 * congestion control is init_net's, as Linux's tcp_sk_init() gives a new
 * namespace the initial one's (CUBIC until it is changed).
 */
static void xtcp_sysctl_defaults(struct net *net, struct xtcp_sysctls *s)
{
	s->keepalive_time = 7200;
	s->keepalive_intvl = 75;
	s->keepalive_probes = 9;
	s->abort_on_overflow = 0;
	s->max_syn_backlog = READ_ONCE(net->ipv4.sysctl_max_syn_backlog);
	s->syncookies = 1;
	s->syn_retries = 6;
	s->synack_retries = 5;
	s->fin_timeout = 60;
	s->retries1 = 3;
	s->retries2 = 15;
	s->orphan_retries = 0;
	s->rfc1337 = 0;
	s->max_tw_buckets = READ_ONCE(net->ipv4.tcp_death_row.sysctl_max_tw_buckets);
	s->tw_reuse_mode = 2;
	s->tw_timeout = 60;
	memcpy(s->rmem, init_net.ipv4.sysctl_tcp_rmem, sizeof(s->rmem));
	memcpy(s->wmem, init_net.ipv4.sysctl_tcp_wmem, sizeof(s->wmem));
	s->max_syn_backlog = clamp(s->max_syn_backlog, 1, xtcp_syn_backlog_max);
	s->sack = 1;
	s->timestamps = 1;
	s->window_scaling = 1;
	s->moderate_rcvbuf = 1;
	s->invalid_ratelimit = 500;		/* tcp_invalid_ratelimit: HZ/2 */
	s->challenge_ack_limit = INT_MAX;	/* Linux's default since 6.0 */
	s->backlog_ack_defer = XTCP_BACKLOG_ACK_DEFER;
	s->comp_sack_delay_ns = NSEC_PER_MSEC;	/* Linux's tcp_comp_sack_* */
	s->comp_sack_slack_ns = 100 * NSEC_PER_USEC;
	s->comp_sack_nr = 44;
	s->ca_default = net_eq(net, &init_net) ? &xtcp_cubic :
			xtcp_cong_default(&init_net);
}

/**
 * xtcp_ctrl_init_net() - set defaults and register net.xtcp.* for @net
 * @net: the namespace being created
 *
 * Context: process context, netns setup.
 * Return: 0 or -ENOMEM.
 */
int xtcp_ctrl_init_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	size_t n = ARRAY_SIZE(xtcp_sysctl_tmpl);
	struct ctl_table *table;
	size_t i;

	xtcp_sysctl_defaults(net, &xn->sysctl);

	/* n entries plus a zeroed sentinel for kernels that walk to it */
	table = kcalloc(n + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	memcpy(table, xtcp_sysctl_tmpl, sizeof(xtcp_sysctl_tmpl));
	for (i = 0; i < n; i++)
		table[i].data = (char *)xn + (uintptr_t)table[i].data;

	xn->sysctl_hdr = xtcp_register_net_sysctl(net, "net/xtcp", table, n);
	if (!xn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

/**
 * xtcp_ctrl_exit_net() - unregister net.xtcp.* of @net
 * @net: the namespace going away
 *
 * Context: process context, netns teardown.
 */
void xtcp_ctrl_exit_net(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct ctl_table *table = xn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(xn->sysctl_hdr);
	kfree(table);
}
