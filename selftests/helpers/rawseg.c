// SPDX-License-Identifier: GPL-2.0
/*
 * rawseg: send hand-built XTCP segments (a TCP header on IP protocol 253,
 * checksummed over the TCP pseudo-header with protocol 6) with the
 * selftests' raw sender (raw_send() of xtcp_lib: an IP_HDRINCL socket;
 * the kernel routes them normally).
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
#include "xtcp_lib.h"

/* Segment @spec into @r; 0 or -1. */
static int parse(struct raw_seg *r, const char *spec)
{
	unsigned long sport, dport, seq, ack, plen = 0;
	char flags[16];
	const char *f;
	int n;

	n = sscanf(spec, "%lu,%lu,%15[^,],%lu,%lu,%lu", &sport, &dport, flags, &seq, &ack, &plen);
	if (n < 5 || plen > 1000)
		return -1;
	r->sport = sport;
	r->dport = dport;
	r->seq = seq;
	r->ack = ack;
	r->len = plen;
	r->win = 8192;
	r->flags = 0;
	for (f = flags; *f; f++) {
		switch (*f) {
		case 'F': r->flags |= TH_FIN; break;
		case 'S': r->flags |= TH_SYN; break;
		case 'R': r->flags |= TH_RST; break;
		case 'P': r->flags |= TH_PUSH; break;
		case 'A': r->flags |= TH_ACK; break;
		case 'U': r->flags |= TH_URG; break;
		case '-': break;
		default: return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct raw_seg r = { .proto = IPPROTO_XTCP };
	int gap_ms = 200, opt, fd, i, err;
	const char *netns = NULL;

	while ((opt = getopt(argc, argv, "N:P:Bg:")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'P': r.proto = atoi(optarg); break;
		case 'B': r.csum_xor = 0x5555; break;
		case 'g': gap_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: %s [-N NETNS] [-P PROTO] [-B] [-g MS] SRC DST "
			"SPORT,DPORT,FLAGS,SEQ,ACK[,LEN]...\n", argv[0]);
		return 2;
	}
	if (netns && ns_enter_path(netns))
		return 1;
	if (inet_pton(AF_INET, argv[optind], &r.saddr) != 1 ||
	    inet_pton(AF_INET, argv[optind + 1], &r.daddr) != 1) {
		fprintf(stderr, "bad address\n");
		return 2;
	}
	fd = raw_open();
	if (fd < 0) {
		perror("socket(SOCK_RAW)");
		return 1;
	}
	for (i = optind + 2; i < argc; i++) {
		if (parse(&r, argv[i])) {
			fprintf(stderr, "bad segment spec '%s'\n", argv[i]);
			return 2;
		}
		err = raw_send(fd, &r);
		if (err) {
			fprintf(stderr, "send: %s\n", strerror(err));
			return 1;
		}
		if (i + 1 < argc)
			msleep(gap_ms);
	}
	close(fd);
	return 0;
}
