// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_demo - small XTCP socket demonstrations, driven by
 * scripts/guest-demo.sh (`make demo`).
 *
 * usage: xtcp_demo listen [-a ADDR] PORT SECONDS
 *          socket(AF_XTCP, SOCK_STREAM, 0), bind ADDR:PORT (default
 *          0.0.0.0), listen, print getsockname(), then hold the listener
 *          for SECONDS (or until SIGTERM/SIGINT) and close it.
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

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "listen", cmd_listen, "listen [-a ADDR] PORT SECONDS" },
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
