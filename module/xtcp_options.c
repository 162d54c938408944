// SPDX-License-Identifier: GPL-2.0
/*
 * TCP options (RFC 9293 3.2, RFC 7323, RFC 2018): reading them from a
 * received header and laying them out on one we send. Pure functions of
 * their arguments: no socket, no lock.
 */
#include "xtcp.h"

#include <linux/tcp.h>

/* TCP option kinds and lengths (RFC 9293, 7323, 2018) */
#define XOPT_EOL	0
#define XOPT_NOP	1
#define XOPT_MSS	2
#define XOPT_WS		3
#define XOPT_SACK_PERM	4
#define XOPT_SACK	5
#define XOPT_TS		8
#define XOLEN_TS	10

/**
 * xtcp_parse_options() - read the TCP options of a segment
 * @th: header; the options follow it (already pulled into the linear area)
 * @opt: result
 * @syn: the segment is a SYN (MSS, window scale, SACK-permitted count only
 *	 on SYNs)
 *
 * Return: 0; malformed options end the parse, like Linux.
 */
int xtcp_parse_options(const struct tcphdr *th, struct xtcp_opts *opt,
		       bool syn)
{
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - sizeof(*th);

	memset(opt, 0, sizeof(*opt));
	while (len > 0) {
		u8 kind = *p++, sz;

		if (kind == XOPT_EOL)
			break;
		if (kind == XOPT_NOP) {
			len--;
			continue;
		}
		if (len < 2)
			break;
		sz = *p++;
		if (sz < 2 || sz > len)
			break;
		switch (kind) {
		case XOPT_MSS:
			if (sz == 4 && syn)
				opt->mss = get_unaligned_be16(p);
			break;
		case XOPT_WS:
			if (sz == 3 && syn) {
				opt->wscale_ok = true;
				opt->wscale = min_t(u8, *p, XTCP_MAX_WSCALE);
			}
			break;
		case XOPT_SACK_PERM:
			if (sz == 2 && syn)
				opt->sack_ok = true;
			break;
		case XOPT_SACK:	/* 1..4 blocks */
			if (!syn && sz >= 10 && (sz - 2) % 8 == 0) {
				int i, n = min((sz - 2) / 8, XTCP_MAX_SACKS);

				for (i = 0; i < n; i++) {
					opt->sacks[i].start = get_unaligned_be32(p + 8 * i);
					opt->sacks[i].end = get_unaligned_be32(p + 8 * i + 4);
				}
				opt->num_sacks = n;
			}
			break;
		case XOPT_TS:
			if (sz == XOLEN_TS) {
				opt->ts_ok = true;
				opt->tsval = get_unaligned_be32(p);
				opt->tsecr = get_unaligned_be32(p + 4);
			}
			break;
		}
		p += sz - 2;
		len -= sz;
	}
	return 0;
}

/**
 * xtcp_opts_size() - bytes the options of a segment we send take
 * @o: the options
 * @syn: the segment is a SYN or SYN-ACK
 *
 * Return: a multiple of 4, at most 40.
 */
unsigned int xtcp_opts_size(const struct xtcp_out_opts *o, bool syn)
{
	unsigned int n = 0;

	if (syn) {
		n += 4;				/* MSS */
		if (o->ts)
			n += 12;		/* (SACK_PERM|NOP NOP) + TS */
		else if (o->sack)
			n += 4;			/* NOP NOP SACK_PERM */
		if (o->ws)
			n += 4;			/* NOP WS */
	} else if (o->ts) {
		n += 12;			/* NOP NOP TS */
	}
	if (!syn && o->num_sacks)
		n += 4 + 8 * o->num_sacks;	/* NOP NOP SACK blocks */
	return n;
}

/**
 * xtcp_write_opts() - lay the options out after a TCP header, in Linux's
 * order and padding, so that captures look the same
 * @p: where the options start (just after struct tcphdr)
 * @o: the options
 * @syn: the segment is a SYN or SYN-ACK
 *
 * Writes exactly xtcp_opts_size(@o, @syn) bytes.
 */
void xtcp_write_opts(__be32 *p, const struct xtcp_out_opts *o, bool syn)
{
	if (syn)
		*p++ = htonl((XOPT_MSS << 24) | (4 << 16) | o->mss);
	if (o->ts) {
		if (syn && o->sack)
			*p++ = htonl((XOPT_SACK_PERM << 24) | (2 << 16) |
				     (XOPT_TS << 8) | XOLEN_TS);
		else
			*p++ = htonl((XOPT_NOP << 24) | (XOPT_NOP << 16) |
				     (XOPT_TS << 8) | XOLEN_TS);
		*p++ = htonl(o->tsval);
		*p++ = htonl(o->tsecr);
	} else if (syn && o->sack) {
		*p++ = htonl((XOPT_NOP << 24) | (XOPT_NOP << 16) |
			     (XOPT_SACK_PERM << 8) | 2);
	}
	if (syn && o->ws)
		*p++ = htonl((XOPT_NOP << 24) | (XOPT_WS << 16) | (3 << 8) |
			     o->wscale);
	if (!syn && o->num_sacks) {
		int i;

		*p++ = htonl((XOPT_NOP << 24) | (XOPT_NOP << 16) |
			     (XOPT_SACK << 8) | (2 + 8 * o->num_sacks));
		for (i = 0; i < o->num_sacks; i++) {
			*p++ = htonl(o->sacks[i].start);
			*p++ = htonl(o->sacks[i].end);
		}
	}
}
