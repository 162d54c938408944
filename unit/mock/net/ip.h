/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: see net/sock.h (output) and linux/tcp.h (struct iphdr). */
#include <net/sock.h>
#include <linux/tcp.h>
