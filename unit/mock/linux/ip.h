/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: struct iphdr is in linux/tcp.h. */
#include <linux/tcp.h>
