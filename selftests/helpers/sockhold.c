// SPDX-License-Identifier: GPL-2.0
/*
 * sockhold: open an XTCP socket, optionally bind and listen, print
 * "port=P inode=I" on stdout, then hold it until killed (SIGTERM/SIGINT).
 *
 * usage: sockhold [-N NETNS] [-u UID] [-a ADDR] [-p PORT] [-b BACKLOG] [-n] [-t]
 *   -N NETNS    enter this network namespace first (e.g. /run/netns/NAME)
 *   -u UID      then drop root: setresgid/setresuid to UID
 *   -a ADDR     bind address (default 0.0.0.0)
 *   -p PORT     bind port (no bind without -p or -a)
 *   -b BACKLOG  listen backlog (default 5)
 *   -n          do not listen
 *   -t          use a Linux TCP socket (AF_INET) instead, for comparisons
 * While it runs, /proc/PID/net/ shows the files of its namespace.
 */
#include "xtcp_lib.h"

int main(int argc, char **argv)
{
	const char *addr = NULL, *netns = NULL;
	int port = -1, backlog = 5, do_listen = 1, tcp = 0, uid = -1, opt, fd;

	while ((opt = getopt(argc, argv, "N:u:a:p:b:nt")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'u': uid = atoi(optarg); break;
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'b': backlog = atoi(optarg); break;
		case 'n': do_listen = 0; break;
		case 't': tcp = 1; break;
		default:
			fprintf(stderr, "usage: %s [-N NETNS] [-u UID] [-a ADDR] [-p PORT] "
				"[-b BACKLOG] [-n] [-t]\n", argv[0]);
			return 2;
		}
	}
	if (netns && ns_enter_path(netns))
		return 1;
	if (uid >= 0 && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))) {
		perror("setresuid");
		return 1;
	}
	fd = stack_socket(tcp ? STACK_TCP : STACK_XTCP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (addr || port >= 0) {
		int err = sock_bind(fd, addr ? addr : "0.0.0.0", port < 0 ? 0 : port);

		if (err) {
			fprintf(stderr, "bind: %s\n", strerror(err));
			return 1;
		}
	}
	if (do_listen && listen(fd, backlog)) {
		perror("listen");
		return 1;
	}
	printf("port=%d inode=%lu\n", sock_local_port(fd), sock_inode(fd));
	fflush(stdout);
	for (;;)
		pause();
}
