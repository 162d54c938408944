// SPDX-License-Identifier: GPL-2.0
/*
 * io_shimprobe: what an unmodified program sees when run under the xtcpize
 * shim (tools/xtcpize), for selftests/xtcp_interop_shim.sh. It calls
 * socket() and getsockopt() through libc like any program (so the shim
 * intercepts them) and asks the kernel directly with syscall(SYS_getsockopt)
 * what the socket really is ("real_*" values).
 *
 *   io_shimprobe probe      in a private network namespace (lo up): one line
 *                           per kind of socket, key=value
 *   io_shimprobe fallback   with a seccomp filter that makes
 *                           socket(AF_XTCP, ...) fail with EAFNOSUPPORT (as
 *                           when xtcp.ko is not loaded): three AF_INET stream
 *                           sockets, their real protocol
 */
#include "xtcp_lib.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/un.h>

static int real_opt(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (syscall(SYS_getsockopt, fd, SOL_SOCKET, opt, &v, &len))
		return -errno;
	return v;
}

static int shim_opt(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return -errno;
	return v;
}

static void show(const char *what, int fd)
{
	if (fd < 0) {
		printf("%s socket=%s\n", what, strerror(errno));
		return;
	}
	printf("%s real_domain=%d real_proto=%d shim_domain=%d shim_proto=%d\n", what,
	       real_opt(fd, SO_DOMAIN), real_opt(fd, SO_PROTOCOL),
	       shim_opt(fd, SO_DOMAIN), shim_opt(fd, SO_PROTOCOL));
	close(fd);
}

static int probe(void)
{
	struct sockaddr_in sin = sin4("127.0.0.1", 0), peer;
	socklen_t len = sizeof(sin);
	int fd, lfd, cfd, afd, sv[2], fl;
	char buf[8] = "";

	if (ns_new() < 0) {
		perror("unshare/lo");
		return 1;
	}
	show("inet_stream", socket(AF_INET, SOCK_STREAM, 0));
	show("inet_stream_tcp", socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	fl = fcntl(fd, F_GETFL);
	printf("inet_stream_flags real_proto=%d nonblock=%d cloexec=%d\n",
	       real_opt(fd, SO_PROTOCOL), !!(fl & O_NONBLOCK),
	       !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);

	show("inet_dgram", socket(AF_INET, SOCK_DGRAM, 0));
	show("inet6_stream", socket(AF_INET6, SOCK_STREAM, 0));
	show("unix_stream", socket(AF_UNIX, SOCK_STREAM, 0));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		show("socketpair", sv[0]);
		close(sv[1]);
	}

	/* a loopback connection: listener, client, accepted socket */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len)) {
		printf("loopback listen=%s\n", strerror(errno));
		return 0;
	}
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&sin, sizeof(sin))) {
		printf("loopback connect=%s\n", strerror(errno));
		return 0;
	}
	afd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	if (afd < 0) {
		printf("loopback accept4=%s\n", strerror(errno));
		return 0;
	}
	if (write(cfd, "hello", 5) != 5 || read(afd, buf, 5) != 5)
		strcpy(buf, "fail");
	printf("loopback peer_family=%d echo=%s accepted_real_proto=%d accepted_shim_proto=%d "
	       "accepted_shim_domain=%d listener_real_proto=%d\n", peer.sin_family, buf,
	       real_opt(afd, SO_PROTOCOL), shim_opt(afd, SO_PROTOCOL), shim_opt(afd, SO_DOMAIN),
	       real_opt(lfd, SO_PROTOCOL));
	close(afd);
	close(cfd);
	close(lfd);
	return 0;
}

/* seccomp: socket(AF_XTCP, ...) -> EAFNOSUPPORT, everything else allowed */
static int deny_af_xtcp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_XTCP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("seccomp");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "probe"))
		return probe();
	if (argc == 2 && !strcmp(argv[1], "fallback")) {
		if (deny_af_xtcp())
			return 1;
		printf("fallback direct_af_xtcp=%d", socket(AF_XTCP, SOCK_STREAM, 0) < 0 ? errno : 0);
		for (i = 0; i < 3; i++) {
			fd = socket(AF_INET, SOCK_STREAM, 0);
			printf(" real_proto%d=%d", i, fd < 0 ? -errno : real_opt(fd, SO_PROTOCOL));
			if (fd >= 0)
				close(fd);
		}
		printf("\n");
		return 0;
	}
	fprintf(stderr, "usage: io_shimprobe probe|fallback\n");
	return 2;
}
