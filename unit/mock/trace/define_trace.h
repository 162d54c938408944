/* SPDX-License-Identifier: GPL-2.0 */
/* Mock: tracepoints are never instantiated (see linux/tracepoint.h). */
