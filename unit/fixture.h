/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A connected XTCP socket for tests: a namespace with the default sysctls
 * (README's table, Linux's tcp_rmem/tcp_wmem), counters, and helpers to
 * queue and send data the way sendmsg() and xtcp_push() do.
 */
#ifndef _UNIT_FIXTURE_H
#define _UNIT_FIXTURE_H

#include "../module/xtcp.h"
#include "mock.h"
#include "harness.h"

struct xtcp_sock *ut_sock(u32 isn);	/* ESTABLISHED, nothing sent yet */
void ut_sock_free(struct xtcp_sock *xs);	/* purges; checks references */
u64 ut_mib(enum xtcp_mib f);
struct xtcp_net *ut_net(void);

/* append an unsent segment of @len payload bytes at write_seq */
struct sk_buff *ut_queue(struct xtcp_sock *xs, u32 len);
/* queue @n segments of @len bytes and send them (window and cwnd opened
 * wide for the occasion); each send 1 ms after the previous one
 */
void ut_send(struct xtcp_sock *xs, int n, u32 len);
/* the @i-th segment (from 0) of the write queue */
struct sk_buff *ut_wq(struct xtcp_sock *xs, int i);
int ut_wq_len(struct xtcp_sock *xs);

/* a received segment: TCP header (with @opts, @optlen bytes, a multiple
 * of 4) then @len payload bytes; XTCP_SKB_CB filled in
 */
struct sk_buff *ut_rx_seg(u32 seq, u32 ack, u8 flags, u16 win,
			  const u8 *opts, int optlen, u32 len);

#define SK(xs) (&(xs)->inet.sk)

#endif
