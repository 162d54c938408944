/* SPDX-License-Identifier: GPL-2.0 */
/* linux/math64.h: div_u64() and div64_u64() live in the mock kernel.h */
#include <linux/kernel.h>
