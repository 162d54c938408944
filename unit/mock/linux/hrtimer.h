/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock hrtimers, as the mock timers: nothing fires by itself. Starting one
 * records the relative expiry (ns) and the slack and marks it queued; a test
 * fires it with mock_hrtimer_fire() (mock.h), which dequeues it first, as
 * the hrtimer core does before calling the handler.
 */
#ifndef _MOCK_LINUX_HRTIMER_H
#define _MOCK_LINUX_HRTIMER_H

#include <linux/kernel.h>

typedef s64 ktime_t;
typedef int clockid_t;
#define CLOCK_MONOTONIC 1

enum hrtimer_mode {
	HRTIMER_MODE_REL_PINNED_SOFT = 0x0e,
};

enum hrtimer_restart {
	HRTIMER_NORESTART,
	HRTIMER_RESTART,
};

struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *t);
	bool mock_queued;
	bool mock_running;		/* its handler is being called */
	u64 mock_delay_ns;		/* of the last start */
	u64 mock_slack_ns;
	unsigned int mock_started;	/* times it was started */
};

static inline ktime_t ns_to_ktime(u64 ns)
{
	return (ktime_t)ns;
}

static inline void hrtimer_init(struct hrtimer *t, clockid_t clock, enum hrtimer_mode mode)
{
	memset(t, 0, sizeof(*t));
}

static inline bool hrtimer_is_queued(const struct hrtimer *t)
{
	return t->mock_queued;
}

static inline void hrtimer_start_range_ns(struct hrtimer *t, ktime_t delay, u64 slack,
					  enum hrtimer_mode mode)
{
	t->mock_queued = true;
	t->mock_delay_ns = delay;
	t->mock_slack_ns = slack;
	t->mock_started++;
}

/* Return: 1 dequeued, 0 was not queued, -1 its handler is running (as the kernel's) */
static inline int hrtimer_try_to_cancel(struct hrtimer *t)
{
	if (t->mock_running)
		return -1;
	if (!t->mock_queued)
		return 0;
	t->mock_queued = false;
	return 1;
}

#endif
