/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: see net/sock.h. */
#include <net/sock.h>
