/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: see linux/kernel.h. */
#include <linux/kernel.h>
