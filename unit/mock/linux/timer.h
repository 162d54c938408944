/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock timers: nothing ever fires by itself. Arming records the expiry and
 * marks the timer pending; a test fires one with mock_timer_fire() (mock.h),
 * which, as the timer core, clears pending before calling the handler.
 */
#ifndef _MOCK_LINUX_TIMER_H
#define _MOCK_LINUX_TIMER_H

#include <linux/kernel.h>

struct timer_list {
	unsigned long expires;
	void (*function)(struct timer_list *t);
	u32 flags;
	bool mock_pending;
	unsigned int mock_armed;	/* times mod_timer() was called */
};

static inline void timer_setup(struct timer_list *t,
			       void (*fn)(struct timer_list *), u32 flags)
{
	memset(t, 0, sizeof(*t));
	t->function = fn;
	t->flags = flags;
}

static inline bool timer_pending(const struct timer_list *t)
{
	return t->mock_pending;
}

/* Return: the timer was pending (as the kernel's mod_timer()) */
static inline int mod_timer(struct timer_list *t, unsigned long expires)
{
	int was = t->mock_pending;

	t->expires = expires;
	t->mock_pending = true;
	t->mock_armed++;
	return was;
}

/* Return: the timer was pending (as the kernel's del_timer()) */
static inline int del_timer(struct timer_list *t)
{
	int was = t->mock_pending;

	t->mock_pending = false;
	return was;
}

#define from_timer(var, t, field) container_of(t, __typeof__(*var), field)

#endif
