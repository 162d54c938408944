// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_tool: small commands on xtcp_lib for the shell selftests and for
 * trying things by hand (build/helpers/xtcp_tool). NETNS arguments are
 * paths like /run/netns/NAME ("-": the current namespace).
 *
 *   xtcp_tool serve NETNS IP PORT N [MAXSEG [HOLD]]
 *       XTCP: listen, accept N clients, echo one message each (then wait
 *       for the client's FIN and close: the client gets TIME_WAIT), keep
 *       listening HOLD s; prints "listening", then "served"
 *   xtcp_tool connect NETNS IP PORT [SYNCNT]
 *       XTCP: connect, send "ping", read the echo; prints
 *       "connect=ERRNO-NAME ms=T" and "echo=ok"
 *   xtcp_tool syn NETNS SRC DST SPORT DPORT ISN
 *       one raw XTCP SYN with Linux's options (SRC may be spoofed)
 *   xtcp_tool keepalive NSA NSB xtcp|tcp PORT IDLE INTVL CNT SECS
 *       listen on 10.0.0.2:PORT in NSB, connect from NSA, send 4 bytes each
 *       way, enable keepalive (IDLE, INTVL, CNT) on the NSA side and stay
 *       idle SECS s; prints "client_port=N", then "state=<errno name or 0>"
 *   xtcp_tool xfer xtcp|tcp MIB [delay MS] [loss P] [reorder P C]
 *                  [duplicate P] [corrupt P] [rcvbuf B] [par N] [two] [late]
 *       MIB MiB each way over a fresh topology (xtcp_lib.h) with netem on
 *       both ends; prints the time and the counters of both sides
 */
#include "xtcp_lib.h"

static int cmd_serve(int argc, char **argv)
{
	int lfd, n, i, maxseg, hold;

	if (argc < 5)
		return 2;
	if (ns_enter_path(argv[1]))
		return 1;
	n = atoi(argv[4]);
	maxseg = argc > 5 ? atoi(argv[5]) : 0;
	hold = argc > 6 ? atoi(argv[6]) : 0;
	lfd = stack_socket(STACK_XTCP);
	if (lfd < 0) {
		perror("socket");
		return 1;
	}
	if (maxseg && sock_setint(lfd, SOL_TCP, TCP_MAXSEG, maxseg)) {
		perror("TCP_MAXSEG");
		return 1;
	}
	sock_setint(lfd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (sock_bind(lfd, argv[2], atoi(argv[3])) || listen(lfd, 16)) {
		perror("bind/listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (i = 0; i < n; i++) {
		char buf[64];
		ssize_t r;
		int c = accept(lfd, NULL, NULL);

		if (c < 0) {
			perror("accept");
			return 1;
		}
		r = read(c, buf, sizeof(buf));
		if (r > 0 && write(c, buf, r) != r)
			perror("write");
		/* wait for the client's FIN, then close: client gets TIME_WAIT */
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
	printf("served\n");
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	close(lfd);
	return 0;
}

static int cmd_connect(int argc, char **argv)
{
	int fd, syncnt, err;
	double t0;
	char buf[8];

	if (argc < 4)
		return 2;
	if (ns_enter_path(argv[1]))
		return 1;
	syncnt = argc > 4 ? atoi(argv[4]) : 0;
	fd = stack_socket(STACK_XTCP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (syncnt && sock_setint(fd, SOL_TCP, TCP_SYNCNT, syncnt)) {
		perror("TCP_SYNCNT");
		return 1;
	}
	t0 = now();
	err = sock_connect_to(fd, argv[2], atoi(argv[3]));
	printf("connect=%s ms=%.0f\n", errname(err), (now() - t0) * 1000);
	if (!err) {
		if (write(fd, "ping", 4) != 4 || read(fd, buf, 4) != 4 ||
		    memcmp(buf, "ping", 4)) {
			printf("echo=failed\n");
			return 1;
		}
		printf("echo=ok\n");
	}
	close(fd);
	return 0;
}

static int cmd_syn(int argc, char **argv)
{
	struct raw_seg r = { .proto = IPPROTO_XTCP, .flags = TH_SYN, .win = 64240,
			     .opts = raw_syn_opts, .optlen = sizeof(raw_syn_opts) };
	int fd, err;

	if (argc < 7)
		return 2;
	if (ns_enter_path(argv[1]))
		return 1;
	r.saddr = inet_addr(argv[2]);
	r.daddr = inet_addr(argv[3]);
	r.sport = atoi(argv[4]);
	r.dport = atoi(argv[5]);
	r.seq = strtoul(argv[6], NULL, 0);
	fd = raw_open();
	if (fd < 0) {
		perror("raw socket");
		return 1;
	}
	err = raw_send(fd, &r);
	if (err) {
		fprintf(stderr, "send: %s\n", strerror(err));
		return 1;
	}
	return 0;
}

static int cmd_keepalive(int argc, char **argv)
{
	int port, idle, intvl, cnt, lfd, cfd, sfd, err = 0, bfd, afd;
	enum stack s;
	double secs;
	char buf[4];

	if (argc < 9)
		return 2;
	s = !strcmp(argv[3], "tcp") ? STACK_TCP : STACK_XTCP;
	port = atoi(argv[4]);
	idle = atoi(argv[5]);
	intvl = atoi(argv[6]);
	cnt = atoi(argv[7]);
	secs = atof(argv[8]);
	afd = open(argv[1], O_RDONLY | O_CLOEXEC);
	bfd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (afd < 0 || bfd < 0 || ns_enter(bfd)) {
		perror("netns");
		return 1;
	}
	lfd = sock_listen(s, IP_B, port, 4);
	if (lfd < 0 || ns_enter(afd)) {
		perror("listen");
		return 1;
	}
	cfd = sock_connect(s, 0, IP_B, port);
	if (cfd < 0) {
		perror("connect");
		return 1;
	}
	sfd = accept(lfd, NULL, NULL);
	if (sfd < 0) {
		perror("accept");
		return 1;
	}
	close(lfd);
	printf("client_port=%d\n", sock_local_port(cfd));
	fflush(stdout);
	if (write(cfd, "ping", 4) != 4 || sock_read_n(sfd, buf, 4, 2000) ||
	    write(sfd, "pong", 4) != 4 || sock_read_n(cfd, buf, 4, 2000)) {
		fprintf(stderr, "exchange failed\n");
		return 1;
	}
	if (sock_setint(cfd, SOL_TCP, TCP_KEEPIDLE, idle) ||
	    sock_setint(cfd, SOL_TCP, TCP_KEEPINTVL, intvl) ||
	    sock_setint(cfd, SOL_TCP, TCP_KEEPCNT, cnt) ||
	    sock_setint(cfd, SOL_SOCKET, SO_KEEPALIVE, 1)) {
		perror("keepalive options");
		return 1;
	}
	msleep((int)(secs * 1000));
	if (sock_poll(cfd, POLLIN, 0) & POLLERR)
		err = sock_so_error(cfd);
	printf("state=%s\n", errname(err));
	sock_abort(cfd);
	sock_abort(sfd);
	return 0;
}

/* both sides' counters @names of stack @s */
static void print_counters(struct topo *t, enum stack s, const char *const *names, int n,
			   bool drops)
{
	long rx, tx;
	int side, k;

	for (side = 0; side < 2; side++) {
		printf("%s:", side ? "B" : "A");
		for (k = 0; k < n; k++)
			printf(" %s=%ld", names[k], counter_ns(t->ns[side], s, names[k]));
		if (drops) {
			TOPO_IN(t, side, nl_dev_drops(topo_dev(side), &rx, &tx));
			printf(" %s drops rx=%ld tx=%ld", topo_dev(side), rx, tx);
		}
		printf("\n");
	}
}

static int cmd_xfer(int argc, char **argv)
{
	static const char *const multi_names[] = {
		"InSegs", "OutSegs", "RetransSegs", "InErrs", "InCsumErrors", "TCPTimeouts",
		"TCPSackRecovery", "TCPOFOQueue", "TCPRcvQDrop", "TCPOFODrop" };
	static const char *const names[] = {
		"InSegs", "OutSegs", "RetransSegs", "InErrs", "InCsumErrors", "TCPTimeouts",
		"TCPSackRecovery", "TCPRenoRecovery", "TCPOFOQueue", "TCPRcvQDrop",
		"TCPOFODrop", "TCPZeroWindowDrop", "TCPLossUndo", "TCPFullUndo" };
	struct netem n = { 0 };
	struct sock_opts o = { 0 };
	struct flow fw, bw;
	struct topo t;
	bool late = false, two = false;
	int c, s, c2, s2, err, i, par = 0;
	enum stack st;
	uint64_t bytes;
	double t0;

	if (argc < 3)
		return 2;
	st = strcmp(argv[1], "tcp") ? STACK_XTCP : STACK_TCP;
	bytes = strtoull(argv[2], NULL, 0) << 20;
	for (i = 3; i < argc; i++) {
		double v = i + 1 < argc ? atof(argv[i + 1]) : 0;

		if (!strcmp(argv[i], "delay"))
			n.delay_ms = v, i++;
		else if (!strcmp(argv[i], "loss"))
			n.loss = v, i++;
		else if (!strcmp(argv[i], "reorder"))
			n.reorder = v, n.reorder_corr = i + 2 < argc ? atof(argv[i + 2]) : 0, i += 2;
		else if (!strcmp(argv[i], "duplicate"))
			n.duplicate = v, i++;
		else if (!strcmp(argv[i], "corrupt"))
			n.corrupt = v, i++;
		else if (!strcmp(argv[i], "par"))
			par = (int)v, i++;
		else if (!strcmp(argv[i], "two"))
			two = true;
		else if (!strcmp(argv[i], "late"))
			late = true;
		else if (!strcmp(argv[i], "rcvbuf"))
			o.rcvbuf = o.sndbuf = v, i++;
	}
	err = topo_init(&t);
	if (err) {
		fprintf(stderr, "topology: %s\n", strerror(err));
		return 1;
	}
	if (argc > 3) {
		topo_netem(&t, SIDE_A, &n);
		topo_netem(&t, SIDE_B, &n);
	}
	printf("netem both ways: %s\n", netem_str(&n));
	if (par) {
		double secs = 0;

		err = xfer_multi(&t, st, par, bytes, 5000, &o, 30, &secs);
		printf("%s %llu MiB each way over %d+%d connections: %s in %.2f s\n",
		       stack_name(st), (unsigned long long)(bytes >> 20), par, par,
		       errname(err), secs);
		print_counters(&t, st, multi_names, sizeof(multi_names) / sizeof(multi_names[0]),
			       true);
		topo_settle(&t, 5);
		return err ? 1 : 0;
	}
	err = topo_pair(&t, st, 5000, &o, &c, &s);
	if (err) {
		fprintf(stderr, "pair: %s\n", strerror(err));
		return 1;
	}
	c2 = c;
	s2 = s;
	t0 = now();
	if (two) {
		err = topo_pair(&t, st, 5001, &o, &c2, &s2);
		if (err) {
			fprintf(stderr, "pair: %s\n", strerror(err));
			return 1;
		}
	}
	err = xfer4(c, s, s2, c2, bytes, bytes, 60, late, &fw, &bw);
	printf("%s %llu MiB each way: %s (a->b %llu %s, b->a %llu %s) in %.2f s\n",
	       stack_name(st), (unsigned long long)(bytes >> 20), errname(err),
	       (unsigned long long)fw.done, errname(fw.err),
	       (unsigned long long)bw.done, errname(bw.err), now() - t0);
	print_counters(&t, st, names, sizeof(names) / sizeof(names[0]), false);
	sock_abort(c);
	sock_abort(s);
	if (two) {
		sock_abort(c2);
		sock_abort(s2);
	}
	topo_settle(&t, 5);
	return err ? 1 : 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "serve", cmd_serve },
	{ "connect", cmd_connect },
	{ "syn", cmd_syn },
	{ "keepalive", cmd_keepalive },
	{ "xfer", cmd_xfer },
};

int main(int argc, char **argv)
{
	unsigned int i;
	int r;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		r = cmds[i].fn(argc - 1, argv + 1);
		if (r == 2)
			break;
		return r;
	}
	fprintf(stderr, "usage: %s serve NETNS IP PORT N [MAXSEG [HOLD]]\n"
		"       %s connect NETNS IP PORT [SYNCNT]\n"
		"       %s syn NETNS SRC DST SPORT DPORT ISN\n"
		"       %s keepalive NSA NSB xtcp|tcp PORT IDLE INTVL CNT SECS\n"
		"       %s xfer xtcp|tcp MIB [delay MS] [loss P] [reorder P C] [duplicate P]"
		" [corrupt P] [rcvbuf B] [par N] [two] [late]\n",
		argv[0], argv[0], argv[0], argv[0], argv[0]);
	return 2;
}
