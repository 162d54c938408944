// SPDX-License-Identifier: GPL-2.0
/*
 * orphanmaker: leave connections in many states between two network
 * namespaces, cut the link, and exit, so that every user socket is closed
 * and the ones with a FIN to deliver become orphans (the netns teardown
 * scenario of selftests/xtcp_orphans.sh).
 *
 * usage: orphanmaker [-x] NETNS_A NETNS_B DEV_A DEV_B
 *   -x   XTCP sockets (default: Linux TCP)
 * A listens on 10.0.0.1:5003, B connects six times:
 *   0  ESTABLISHED, 100 KB in flight both ways
 *   1  B shut down first: A in CLOSE_WAIT, B in FIN_WAIT2
 *   2  A shut down first: B in CLOSE_WAIT, A in FIN_WAIT2
 *      (shutdown, not close: a closed FIN_WAIT2 is an orphan already and
 *      net.*.fin_timeout=3 could end it before the states are listed on a
 *      busy host; at exit they become FIN_WAIT2 orphans)
 *   3  B closed, then A: B in TIME_WAIT
 *   4  ESTABLISHED, idle
 *   5  ESTABLISHED, 1000 bytes unread at A
 * then netem loss 100% on both devices, one more connect from B (SYN_SENT)
 * and more data on 4 (lost); prints the /proc/net rows per state and exits.
 */
#include "xtcp_lib.h"

static int fam;

static void enter(const char *ns)
{
	char p[128];

	snprintf(p, sizeof(p), "/run/netns/%s", ns);
	if (ns_enter_path(p))
		exit(2);
}

static void must(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static char buf[100000];
	struct sockaddr_in s = sin4("10.0.0.1", 5003);
	int c[6], a[6], l, n, i, one = 1, x = 0;
	char cmd[256];

	if (argc > 1 && !strcmp(argv[1], "-x")) {
		x = 1;
		argv++;
		argc--;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: orphanmaker [-x] NETNS_A NETNS_B DEV_A DEV_B\n");
		return 2;
	}
	fam = x ? AF_XTCP : AF_INET;
	enter(argv[1]);
	l = socket(fam, SOCK_STREAM, 0);
	must(l >= 0, "socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	must(!bind(l, (struct sockaddr *)&s, sizeof(s)) && !listen(l, 16), "listen");
	enter(argv[2]);
	for (i = 0; i < 6; i++) {
		c[i] = socket(fam, SOCK_STREAM, 0);
		must(c[i] >= 0 && !connect(c[i], (struct sockaddr *)&s, sizeof(s)), "connect");
		a[i] = accept(l, NULL, NULL);
		must(a[i] >= 0, "accept");
	}
	must(send(c[0], buf, sizeof(buf), MSG_DONTWAIT) > 0, "send");
	must(send(a[0], buf, sizeof(buf), MSG_DONTWAIT) > 0, "send");
	shutdown(c[1], SHUT_WR);
	shutdown(a[2], SHUT_WR);
	close(c[3]);
	usleep(100000);
	close(a[3]);
	must(send(c[5], buf, 1000, 0) == 1000, "send");
	usleep(300000);
	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s tc qdisc add dev %s root netem loss 100%% && "
		 "ip netns exec %s tc qdisc add dev %s root netem loss 100%%",
		 argv[1], argv[3], argv[2], argv[4]);
	must(!system(cmd), "tc netem");
	n = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(n, (struct sockaddr *)&s, sizeof(s));	/* SYN_SENT */
	must(send(c[4], buf, 5000, MSG_DONTWAIT) > 0, "send");
	snprintf(cmd, sizeof(cmd),
		 "for ns in %s %s; do ip netns exec $ns cat /proc/net/%s; done | "
		 "awk 'NR > 1 && $4 != \"st\" { n[$4]++ } END { for (s in n) printf \"st%%s=%%d \", s, n[s]; print \"\" }'",
		 argv[1], argv[2], x ? "xtcp" : "tcp");
	fflush(stdout);
	return system(cmd) ? 2 : 0;	/* exit: every user socket closed */
}
