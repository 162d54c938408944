/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP user-space API.
 *
 * XTCP is an alternate TCP in a loadable module. Programs open it with
 * socket(AF_XTCP, SOCK_STREAM, 0) and then use the ordinary socket calls with
 * struct sockaddr_in addresses (sin_family = AF_INET). Socket options are the
 * standard SOL_SOCKET ones and level SOL_TCP (== IPPROTO_TCP) with the
 * standard TCP_* names and numbers from <netinet/tcp.h>.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

/* Address family: the slot of AF_IRDA, removed from Linux in 4.17. */
#ifndef AF_XTCP
#define AF_XTCP		23
#endif
#ifndef PF_XTCP
#define PF_XTCP		AF_XTCP
#endif

/* IP protocol number on the wire (RFC 3692 experimental; module param may pick 254). */
#ifndef IPPROTO_XTCP
#define IPPROTO_XTCP	253
#endif

/* Socket option level: identical to SOL_TCP so TCP_* options apply unchanged. */
#ifndef SOL_XTCP
#define SOL_XTCP	6
#endif

#endif /* _UAPI_LINUX_XTCP_H */
