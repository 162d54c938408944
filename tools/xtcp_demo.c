// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_demo - small XTCP socket demonstrations, driven by
 * scripts/guest-demo.sh (`make demo`).
 *
 * usage: xtcp_demo listen [-a ADDR] PORT SECONDS
 *          socket(AF_XTCP, SOCK_STREAM, 0), bind ADDR:PORT (default
 *          0.0.0.0), listen, print getsockname(), then hold the listener
 *          for SECONDS (or until SIGTERM/SIGINT) and close it.
 *        xtcp_demo serve ADDR PORT
 *          accept one connection, answer each message with "pong: <msg>",
 *          close once the peer has closed (the passive close).
 *        xtcp_demo connect ADDR PORT MESSAGE IDLE
 *          connect, send MESSAGE, print the answer, then sit idle for IDLE
 *          seconds with SO_KEEPALIVE and TCP_KEEPIDLE/INTVL = 1 s (probes go
 *          out and are answered), then close (the active close).
 *
 * Each step is printed as it happens, line-buffered, so a script can wait for
 * "listening on" in the output. New demonstrations are added as further
 * entries of the commands[] table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/tcp.h>

#include <linux/xtcp.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int die(const char *what)
{
	fprintf(stderr, "xtcp_demo: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_port(const char *s, unsigned short *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > 65535)
		return -1;
	*port = v;
	return 0;
}

static const char *addr_str(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
	return buf;
}

/* Wait for SECONDS, SIGTERM or SIGINT; returns the reason as text. */
static const char *hold(unsigned int seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
	while (!stop_signal)
		pause();
	return stop_signal == SIGALRM ? "time is up" : strsignal(stop_signal);
}

static int cmd_listen(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	unsigned short port;
	char buf[64];
	int fd, opt, dom = 0, proto = 0;
	socklen_t olen = sizeof(int);
	unsigned long secs;
	const char *addr = "0.0.0.0";

	optind = 1;
	while ((opt = getopt(argc, argv, "a:")) != -1) {
		if (opt != 'a')
			return 2;
		addr = optarg;
	}
	if (argc - optind != 2 || parse_port(argv[optind], &port))
		return 2;
	secs = strtoul(argv[optind + 1], NULL, 10);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "xtcp_demo: bad IPv4 address '%s'\n", addr);
		return 2;
	}
	sin.sin_port = htons(port);

	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	if (fd < 0)
		return die("socket(AF_XTCP, SOCK_STREAM, 0)");
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &olen);
	olen = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &olen);
	printf("socket(AF_XTCP=%d, SOCK_STREAM, 0) = %d   (SO_DOMAIN %d, SO_PROTOCOL %d)\n",
	       AF_XTCP, fd, dom, proto);

	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return die("bind");
	printf("bind(%s) = 0\n", addr_str(&sin, buf, sizeof(buf)));

	if (listen(fd, 16) < 0)
		return die("listen");
	printf("listen(backlog 16) = 0\n");

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return die("getsockname");
	printf("listening on %s (getsockname, family %s), pid %d\n",
	       addr_str(&sin, buf, sizeof(buf)),
	       sin.sin_family == AF_INET ? "AF_INET" : "?", (int)getpid());

	printf("holding the listener (%s)\n", hold(secs));
	if (close(fd) < 0)
		return die("close");
	printf("close() = 0\n");
	return 0;
}

static int parse_addr(const char *a, const char *p, struct sockaddr_in *sin)
{
	unsigned short port;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, a, &sin->sin_addr) != 1 || parse_port(p, &port)) {
		fprintf(stderr, "xtcp_demo: bad address %s:%s\n", a, p);
		return -1;
	}
	sin->sin_port = htons(port);
	return 0;
}

static void print_names(int fd, const char *who)
{
	struct sockaddr_in l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	char b1[64], b2[64];

	getsockname(fd, (struct sockaddr *)&l, &ll);
	getpeername(fd, (struct sockaddr *)&r, &rl);
	printf("%s: local %s, peer %s\n", who, addr_str(&l, b1, sizeof(b1)),
	       addr_str(&r, b2, sizeof(b2)));
}

static int cmd_serve(int argc, char **argv)
{
	struct sockaddr_in sin;
	char buf[512], out[600];
	int l, c, one = 1;
	ssize_t n;

	if (argc != 3 || parse_addr(argv[1], argv[2], &sin))
		return 2;
	l = socket(AF_XTCP, SOCK_STREAM, 0);
	if (l < 0)
		return die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 8))
		return die("bind/listen");
	printf("server: listening on %s:%s\n", argv[1], argv[2]);
	c = accept(l, NULL, NULL);
	if (c < 0)
		return die("accept");
	close(l);
	print_names(c, "server: accepted");
	while ((n = read(c, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = 0;
		printf("server: got \"%s\"\n", buf);
		n = snprintf(out, sizeof(out), "pong: %s", buf);
		if (write(c, out, n) != n)
			return die("write");
	}
	if (n < 0)
		return die("read");
	printf("server: read() = 0, the peer closed; close()\n");
	close(c);
	return 0;
}

static int cmd_connect(int argc, char **argv)
{
	struct sockaddr_in sin;
	int fd, one = 1, ka = 1;
	unsigned int idle;
	char buf[600];
	ssize_t n;

	if (argc != 5 || parse_addr(argv[1], argv[2], &sin))
		return 2;
	idle = strtoul(argv[4], NULL, 10);
	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	if (fd < 0)
		return die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return die("connect");
	print_names(fd, "client: connected");
	n = strlen(argv[3]);
	if (write(fd, argv[3], n) != n)
		return die("write");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return die("read");
	buf[n] = 0;
	printf("client: got \"%s\"\n", buf);
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka, sizeof(ka)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka, sizeof(ka)))
		return die("setsockopt keepalive");
	printf("client: SO_KEEPALIVE on, TCP_KEEPIDLE=1 TCP_KEEPINTVL=1; idle %us\n",
	       idle);
	sleep(idle);
	printf("client: close()\n");
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "listen", cmd_listen, "listen [-a ADDR] PORT SECONDS" },
	{ "serve", cmd_serve, "serve ADDR PORT" },
	{ "connect", cmd_connect, "connect ADDR PORT MESSAGE IDLE_SECONDS" },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  xtcp_demo %s\n", commands[i].usage);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		rc = commands[i].fn(argc - 1, argv + 1);
		return rc == 2 ? usage() : rc;
	}
	return usage();
}
