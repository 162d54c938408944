/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: list types embedded in the module's structures (include/linux/types.h). */
#ifndef _MOCK_LINUX_LIST_H
#define _MOCK_LINUX_LIST_H

#include <linux/kernel.h>

struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct hlist_head { struct hlist_node *first; };

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l->prev = l;
}

#endif
