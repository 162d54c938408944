/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: the unit build takes compat.h's newest branches (6.12). */
#ifndef _MOCK_LINUX_VERSION_H
#define _MOCK_LINUX_VERSION_H
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE KERNEL_VERSION(6, 12, 0)
#endif
