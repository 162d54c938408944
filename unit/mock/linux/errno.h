/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: the kernel's errno values the module returns (asm-generic/errno*.h). */
#ifndef _MOCK_LINUX_ERRNO_H
#define _MOCK_LINUX_ERRNO_H
#define EPERM		1
#define ENOENT		2
#define EFAULT		14
#define EINVAL		22
#define ENOMEM		12
#define EPIPE		32
#define ENOPROTOOPT	92
#define EOPNOTSUPP	95
#define ENOBUFS		105
#define EISCONN		106
#define ETIMEDOUT	110
#define ECONNREFUSED	111
#define ECONNRESET	104
#define EAFNOSUPPORT	97
#endif
