/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: compat.h includes it on 6.11+; mock skbs have no page fragments. */
#ifndef _MOCK_LINUX_SKBUFF_REF_H
#define _MOCK_LINUX_SKBUFF_REF_H
#include <linux/skbuff.h>
#endif
