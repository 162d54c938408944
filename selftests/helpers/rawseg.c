// SPDX-License-Identifier: GPL-2.0
/*
 * rawseg: send hand-built XTCP segments (a TCP header on IP protocol 253,
 * checksummed over the TCP pseudo-header with protocol 6) through a raw
 * socket, so the kernel adds the IP header and routes them normally.
 *
 * usage: rawseg [-N NETNS] [-P PROTO] [-B] [-g MS] SRC DST SEG...
 *   SEG    SPORT,DPORT,FLAGS,SEQ,ACK[,PAYLOAD_LEN]
 *          FLAGS: letters from F S R P A U (e.g. S, SA, PA, R, RA); - for none
 *   -N     enter this network namespace first (e.g. /run/netns/NAME)
 *   -P     IP protocol (default 253)
 *   -B     corrupt the checksum
 *   -g     pause between segments in milliseconds (default 200)
 * One process sends everything: process start-up is slow under emulation.
 */
#include <stdint.h>
#include <time.h>
#include "xtcp_common.h"

struct tcphdr_raw {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off, flags;
	uint16_t win, sum, urp;
};

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += (b[0] << 8) | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	return sum;
}

/* Build segment @spec into @pkt; returns its length or -1. */
static int build(unsigned char *pkt, const char *spec, struct in_addr sa,
		 struct in_addr da, int bad)
{
	struct tcphdr_raw *th = (void *)pkt;
	unsigned long sport, dport, seq, ack, plen = 0;
	char flags[16];
	uint8_t ph[12];
	uint32_t sum;
	size_t len;
	int n;
	const char *f;

	n = sscanf(spec, "%lu,%lu,%15[^,],%lu,%lu,%lu", &sport, &dport, flags, &seq, &ack, &plen);
	if (n < 5 || plen > 1000)
		return -1;
	memset(pkt, 0, sizeof(*th) + plen);
	th->sport = htons(sport);
	th->dport = htons(dport);
	th->seq = htonl(seq);
	th->ack = htonl(ack);
	th->off = 5 << 4;
	for (f = flags; *f; f++) {
		switch (*f) {
		case 'F': th->flags |= 0x01; break;
		case 'S': th->flags |= 0x02; break;
		case 'R': th->flags |= 0x04; break;
		case 'P': th->flags |= 0x08; break;
		case 'A': th->flags |= 0x10; break;
		case 'U': th->flags |= 0x20; break;
		case '-': break;
		default: return -1;
		}
	}
	th->win = htons(8192);
	len = sizeof(*th) + plen;
	memset(pkt + sizeof(*th), 'x', plen);

	memcpy(ph, &sa, 4);
	memcpy(ph + 4, &da, 4);
	ph[8] = 0;
	ph[9] = 6;		/* TCP pseudo-header protocol, always 6 */
	ph[10] = len >> 8;
	ph[11] = len & 0xff;
	sum = sum16(ph, sizeof(ph), 0);
	sum = sum16(pkt, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	th->sum = htons(~sum & 0xffff);
	if (bad)
		th->sum ^= htons(0x5555);
	return len;
}

int main(int argc, char **argv)
{
	unsigned char pkt[1100];
	struct sockaddr_in src, dst;
	struct in_addr sa, da;
	int proto = 253, bad = 0, gap_ms = 200, opt, fd, i, len;
	const char *netns = NULL;

	while ((opt = getopt(argc, argv, "N:P:Bg:")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'P': proto = atoi(optarg); break;
		case 'B': bad = 1; break;
		case 'g': gap_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: %s [-N NETNS] [-P PROTO] [-B] [-g MS] SRC DST "
			"SPORT,DPORT,FLAGS,SEQ,ACK[,LEN]...\n", argv[0]);
		return 2;
	}
	if (netns) {
		int nfd = open(netns, O_RDONLY | O_CLOEXEC);

		if (nfd < 0 || setns(nfd, CLONE_NEWNET)) {
			perror(netns);
			return 1;
		}
		close(nfd);
	}
	if (inet_pton(AF_INET, argv[optind], &sa) != 1 ||
	    inet_pton(AF_INET, argv[optind + 1], &da) != 1) {
		fprintf(stderr, "bad address\n");
		return 2;
	}

	fd = socket(AF_INET, SOCK_RAW, proto);
	if (fd < 0) {
		perror("socket(SOCK_RAW)");
		return 1;
	}
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr = sa;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src))) {
		perror("bind");
		return 1;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_addr = da;

	for (i = optind + 2; i < argc; i++) {
		struct timespec ts = { gap_ms / 1000, (gap_ms % 1000) * 1000000L };

		len = build(pkt, argv[i], sa, da, bad);
		if (len < 0) {
			fprintf(stderr, "bad segment spec '%s'\n", argv[i]);
			return 2;
		}
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != len) {
			perror("sendto");
			return 1;
		}
		if (i + 1 < argc)
			nanosleep(&ts, NULL);
	}
	close(fd);
	return 0;
}
