/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Controls and records of the mock kernel (mock.c), for tests. Reset
 * before every test (unit_before_each()).
 */
#ifndef _UNIT_MOCK_H
#define _UNIT_MOCK_H

#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>

/* ---- clock ---- */
/* advance ktime_get_ns() by @ns and jiffies by the ticks that elapse */
void mock_clock_advance_ns(u64 ns);
static inline void mock_clock_advance_us(u64 us)
{
	mock_clock_advance_ns(us * NSEC_PER_USEC);
}
#define MOCK_TICK_NS	(NSEC_PER_SEC / HZ)

/* ---- sk_buff accounting and error injection ---- */
extern long mock_skb_live;		/* allocated and not yet freed */
extern unsigned int mock_skb_allocs;	/* allocation attempts so far */
extern unsigned int mock_skb_failed;	/* attempts made to fail */
/*
 * Bit N set: allocation attempt number N (counting from 0 at the last
 * mock_skb_fail_set()) returns NULL. Applies to alloc_skb(),
 * alloc_skb_fclone(), skb_clone() and pskb_copy() alike.
 */
void mock_skb_fail_set(u64 mask);
extern bool mock_skb_fail_all;		/* every allocation fails */

/* a buffer of @payload bytes (filled with @fill + offset) after @headroom */
struct sk_buff *mock_skb_data(unsigned int headroom, unsigned int payload,
			      u8 fill);

/* ---- IP output: every segment ip_queue_xmit() was given ---- */
struct mock_seg {
	u32 seq;
	u32 ack;
	u8 flags;		/* byte 13 of the header */
	u16 window;		/* as on the wire, unscaled */
	u8 doff;
	u32 len;		/* payload bytes */
	u16 gso_segs;		/* of a GSO skb: segments, their size */
	u16 gso_size;
	u8 opts[40];
	unsigned long jiffies;
};
#define MOCK_TX_MAX	256
extern struct mock_seg mock_tx[MOCK_TX_MAX];
extern int mock_tx_count;
extern int mock_xmit_ret;		/* what ip_queue_xmit() returns */
/* ns the clock moves during each ip_queue_xmit(): the softirq work (the
 * peer's receive path on a veth) a transmission can run before it returns
 */
extern u64 mock_xmit_delay_ns;

/* ---- timers: fire one as the timer core would ---- */
void mock_timer_fire(struct timer_list *t);
/* Fire a queued hrtimer: dequeued, then its handler runs. */
void mock_hrtimer_fire(struct hrtimer *t);

/* ---- bug reports (WARN, last socket reference dropped) ---- */
extern int mock_warn_count;

void mock_reset(void);

#endif
