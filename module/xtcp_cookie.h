/* SPDX-License-Identifier: GPL-2.0 */
/* SYN cookies: see xtcp_cookie.c */
#ifndef _XTCP_COOKIE_H
#define _XTCP_COOKIE_H

#define XTCP_COOKIE_TS_MASK	0x3f
#define XTCP_COOKIE_TS_NOWS	0x0f
#define XTCP_COOKIE_TS_SACK	0x10

void xtcp_cookie_init(void);
u32 xtcp_cookie_make(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
		     u32 sseq, u16 *mss);
u16 xtcp_cookie_check(u32 cookie, __be32 saddr, __be32 daddr, __be16 sport,
		      __be16 dport, u32 sseq);
u32 xtcp_cookie_make_ent(const struct xtcp_ent *e, u32 sseq, u16 *mss);
u16 xtcp_cookie_check_ent(u32 cookie, const struct xtcp_ent *e, u32 sseq);
u32 xtcp_cookie_ts_encode(u32 tsval, bool wscale_ok, u8 snd_wscale,
			  bool sack_ok);

#endif
