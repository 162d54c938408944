/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: see linux/list.h. */
#include <linux/list.h>
