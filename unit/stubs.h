/* SPDX-License-Identifier: GPL-2.0 */
/* Calls into module files outside the unit build (stubs.c). */
#ifndef _UNIT_STUBS_H
#define _UNIT_STUBS_H

#include "../module/xtcp.h"

struct stub_calls {
	int set_state;
	int done;
	int reset;
	int reset_err;
	int time_wait;
	int send_reset_noconn;
	int gso_build;
	int skb_shift;
};
extern struct stub_calls stub_calls;
/* what xtcp_gso_max_segs() returns: 1 (no GSO) unless a test sets it */
extern unsigned int stub_gso_max_segs;
/* xtcp_skb_shift() moves nothing when set: the send head then never
 * grows, as on a kernel whose TCP has no tcp_grow_skb() (6.1)
 */
extern bool stub_no_grow;

#endif
