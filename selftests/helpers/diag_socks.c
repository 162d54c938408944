// SPDX-License-Identifier: GPL-2.0
/*
 * diag_socks: hold XTCP and Linux TCP sockets in several network namespaces
 * for selftests/xtcp_ss.sh, driven by one command a line on stdin (one
 * process instead of an exec per step: an exec costs ~0.5 s under TCG).
 * Every command answers one line on stdout starting "ok" or "err".
 *
 *   ns NAME                       later sockets are made in /run/netns/NAME
 *   fsuid UID                     later sockets are owned by UID
 *   sysctl NAME VALUE             write net.* NAME (dots) in the current
 *                                 namespace
 *   listen ID x|t ADDR PORT BACKLOG           (ADDR with a colon: IPv6)
 *   connect ID x|t LADDR LPORT RADDR RPORT    (bound, blocking, 10 s)
 *   accept ID LID                 (10 s)
 *   send ID BYTES                 non-blocking: "ok sent=N"
 *   recv ID BYTES                 "ok got=N" (what is there within 2 s)
 *   close ID | shutdown ID        shutdown: SHUT_WR
 *   keepalive ID IDLE INTVL CNT   SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT
 *   info ID                       TCP_INFO: "ok state= cwnd= rtt= rttvar=
 *                                 rto= retransmits= retrans= total_retrans=
 *                                 mss= ssthresh= lport= inode="
 *   syn x|t SRC DST SPORT DPORT   one raw SYN (SRC may be spoofed)
 *   proc NAME OUT                 copy /proc/net/NAME of the current
 *                                 namespace (see "ns") to file OUT
 *   one PROTO SRC SPORT DST DPORT [COOKIE]
 *                                 sock_diag exact request (dump_one) for IP
 *                                 protocol PROTO in the current namespace
 *                                 (AF_INET6 when SRC has a colon):
 *                                 "ok state= inode= cookie= timer= rq= wq="
 *                                 or "err ENOENT"
 *   dump PROTO STATES s|d PORT    sock_diag dump with bytecode "sport ==
 *                                 PORT" (s) or "dport == PORT" (d): "ok n=N
 *                                 STATE:LPORT:RPORT ..."
 *   quit
 */
#include "xtcp_lib.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <signal.h>
#include <sys/fsuid.h>

#define MAX_SOCKS 64

static struct {
	char id[32];
	int fd;
} socks[MAX_SOCKS];

static int sock_fd(const char *id)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++)
		if (socks[i].fd > 0 && !strcmp(socks[i].id, id))
			return socks[i].fd;
	return -1;
}

static int sock_add(const char *id, int fd)
{
	int i;

	for (i = 0; i < MAX_SOCKS; i++) {
		if (socks[i].fd <= 0) {
			snprintf(socks[i].id, sizeof(socks[i].id), "%s", id);
			socks[i].fd = fd;
			return 0;
		}
	}
	return -1;
}

/* "x": an XTCP socket, "t": Linux TCP; IPv6 when @addr has a colon */
static int socket_of(const char *s, const char *addr)
{
	enum stack st = s[0] == 'x' ? STACK_XTCP : STACK_TCP;

	return strchr(addr, ':') ? stack_socket6(st) : stack_socket(st);
}

/* @addr:@port as a sockaddr_in or, with a colon in @addr, a sockaddr_in6 */
static socklen_t addr_of(struct sockaddr_storage *ss, const char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		*(struct sockaddr_in6 *)ss = sin6_addr_of(addr, port);
		return sizeof(struct sockaddr_in6);
	}
	*(struct sockaddr_in *)ss = sin4(addr, port);
	return sizeof(struct sockaddr_in);
}

static int bind_to(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(&ss, addr, port);
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return bind(fd, (struct sockaddr *)&ss, len) ? errno : 0;
}

/* A sock_diag request for protocol @proto; @bc (may be NULL) appended. */
static int diag_send(int family, int proto, int flags, uint32_t states,
		     const struct inet_diag_sockid *id, const void *bc, int bclen)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	char buf[512] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct inet_diag_req_v2 *r = NLMSG_DATA(h);
	int fd;

	memset(buf, 0, sizeof(buf));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*r));
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = 1;
	r->sdiag_family = family;
	r->sdiag_protocol = proto;
	r->idiag_states = states;
	if (id)
		r->id = *id;
	if (bc) {
		struct rtattr *a = (struct rtattr *)(buf + NLMSG_ALIGN(h->nlmsg_len));

		a->rta_type = INET_DIAG_REQ_BYTECODE;
		a->rta_len = RTA_LENGTH(bclen);
		memcpy(RTA_DATA(a), bc, bclen);
		h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, h->nlmsg_len, 0, (struct sockaddr *)&nl, sizeof(nl)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/*
 * Read answers; each inet_diag_msg goes to @out (up to @max). A dump ends
 * with NLMSG_DONE; an @exact request is answered by one message (or an
 * error). Return: how many, or -errno.
 */
static int diag_recv(int fd, struct inet_diag_msg *out, int max, bool exact)
{
	static char buf[65536] __attribute__((aligned(4)));
	int n = 0;

	for (;;) {
		int len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len <= 0)
			return len < 0 ? -errno : n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(h), sizeof(int));
				return err < 0 ? err : n;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : n;
			}
			if (n < max)
				memcpy(&out[n], NLMSG_DATA(h), sizeof(*out));
			n++;
		}
		if (exact && n)
			return n;
	}
}

static void cmd_one(char **a, int n)
{
	struct inet_diag_sockid id = { 0 };
	struct inet_diag_msg m;
	int fd, got, family;

	if (n < 6) {
		printf("err usage\n");
		return;
	}
	family = strchr(a[2], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, a[2], id.idiag_src) != 1 ||
	    inet_pton(family, a[4], id.idiag_dst) != 1) {
		printf("err bad address\n");
		return;
	}
	id.idiag_sport = htons(atoi(a[3]));
	id.idiag_dport = htons(atoi(a[5]));
	id.idiag_cookie[0] = id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (n > 6) {
		unsigned long long c = strtoull(a[6], NULL, 16);

		id.idiag_cookie[0] = (uint32_t)c;
		id.idiag_cookie[1] = (uint32_t)(c >> 32);
	}
	fd = diag_send(family, atoi(a[1]), 0, 0, &id, NULL, 0);
	if (fd < 0) {
		printf("err %s\n", strerror(-fd));
		return;
	}
	memset(&m, 0, sizeof(m));
	got = diag_recv(fd, &m, 1, true);
	close(fd);
	if (got < 0)
		printf("err %s\n", got == -ENOENT ? "ENOENT" : strerror(-got));
	else if (got != 1)
		printf("err got %d messages\n", got);
	else
		printf("ok state=%u inode=%u cookie=%llx timer=%u rq=%u wq=%u\n",
		       m.idiag_state, m.idiag_inode,
		       ((unsigned long long)m.id.idiag_cookie[1] << 32) |
		       m.id.idiag_cookie[0], m.idiag_timer, m.idiag_rqueue,
		       m.idiag_wqueue);
}

static void cmd_dump(char **a, int n)
{
	struct {
		struct inet_diag_bc_op op;
		struct inet_diag_hostcond hc;
	} bc = { 0 };
	static struct inet_diag_msg m[256];
	int fd, got, i;

	if (n < 5) {
		printf("err usage\n");
		return;
	}
	bc.op.code = a[3][0] == 's' ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND;
	bc.op.yes = sizeof(bc);
	bc.op.no = sizeof(bc) + 4;
	bc.hc.family = AF_UNSPEC;
	bc.hc.port = atoi(a[4]);
	fd = diag_send(AF_INET, atoi(a[1]), NLM_F_DUMP, strtoul(a[2], NULL, 0), NULL,
		       &bc, sizeof(bc));
	if (fd < 0) {
		printf("err %s\n", strerror(-fd));
		return;
	}
	got = diag_recv(fd, m, 256, false);
	close(fd);
	if (got < 0) {
		printf("err %s\n", strerror(-got));
		return;
	}
	printf("ok n=%d", got);
	for (i = 0; i < got && i < 256; i++)
		printf(" %u:%u:%u", m[i].idiag_state, ntohs(m[i].id.idiag_sport),
		       ntohs(m[i].id.idiag_dport));
	printf("\n");
}

static void cmd_info(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len)) {
		printf("err %s\n", strerror(errno));
		return;
	}
	printf("ok state=%u cwnd=%u rtt=%u rttvar=%u rto=%u retransmits=%u "
	       "retrans=%u total_retrans=%u mss=%u ssthresh=%u lport=%d inode=%lu\n",
	       ti.tcpi_state, ti.tcpi_snd_cwnd, ti.tcpi_rtt, ti.tcpi_rttvar,
	       ti.tcpi_rto, ti.tcpi_retransmits, ti.tcpi_retrans,
	       ti.tcpi_total_retrans,
	       ti.tcpi_snd_mss, ti.tcpi_snd_ssthresh, sock_local_port(fd),
	       sock_inode(fd));
}

static void cmd_proc(char **a)
{
	char path[128], buf[4096];
	int in, out;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", a[1]);
	in = open(path, O_RDONLY | O_CLOEXEC);
	out = open(a[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		printf("err %s\n", strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			printf("err write\n");
			goto out;
		}
	}
	printf("ok\n");
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void run(char **a, int n)
{
	int fd, v, err;

	if (!strcmp(a[0], "ns") && n == 2) {
		char path[128];

		snprintf(path, sizeof(path), "/run/netns/%s", a[1]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			printf("err %s\n", strerror(errno));
		} else {
			printf("ok\n");
		}
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(a[0], "fsuid") && n == 2) {
		setfsuid(atoi(a[1]));
		printf("ok\n");
	} else if (!strcmp(a[0], "sysctl") && n == 3) {
		err = sysctl_set(a[1], a[2]);
		printf(err ? "err %s\n" : "ok\n", strerror(err));
	} else if (!strcmp(a[0], "listen") && n == 6) {
		fd = socket_of(a[2], a[3]);
		err = fd < 0 ? errno : bind_to(fd, a[3], atoi(a[4]));
		if (!err && listen(fd, atoi(a[5])))
			err = errno;
		if (err || sock_add(a[1], fd))
			printf("err %s\n", strerror(err));
		else
			printf("ok inode=%lu\n", sock_inode(fd));
	} else if (!strcmp(a[0], "connect") && n == 7) {
		struct sockaddr_storage ss;
		socklen_t len = addr_of(&ss, a[5], atoi(a[6]));

		fd = socket_of(a[2], a[3]);
		err = fd < 0 ? errno : bind_to(fd, a[3], atoi(a[4]));
		if (!err) {
			sock_nonblock(fd, 1);
			if (connect(fd, (struct sockaddr *)&ss, len) &&
			    errno != EINPROGRESS)
				err = errno;
			else
				err = sock_wait_connected(fd, 10000);
			sock_nonblock(fd, 0);
		}
		if (err || sock_add(a[1], fd))
			printf("err %s\n", strerror(err));
		else
			printf("ok lport=%d\n", sock_local_port(fd));
	} else if (!strcmp(a[0], "accept") && n == 3) {
		int l = sock_fd(a[2]);

		if (l < 0 || !sock_readable(l, 10000) || (fd = accept(l, NULL, NULL)) < 0 ||
		    sock_add(a[1], fd))
			printf("err accept %s\n", strerror(errno));
		else
			printf("ok\n");
	} else if (!strcmp(a[0], "send") && n == 3 && (fd = sock_fd(a[1])) >= 0) {
		static char data[65536];
		long left = atol(a[2]), sent = 0;
		ssize_t k;

		memset(data, 'd', sizeof(data));
		while (left > 0) {
			k = send(fd, data, left < (long)sizeof(data) ? left : (long)sizeof(data),
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (k <= 0)
				break;
			sent += k;
			left -= k;
		}
		printf("ok sent=%ld\n", sent);
	} else if (!strcmp(a[0], "recv") && n == 3 && (fd = sock_fd(a[1])) >= 0) {
		static char data[65536];
		long want = atol(a[2]), got = 0;
		ssize_t k;

		while (got < want && sock_readable(fd, 2000)) {
			k = recv(fd, data, want - got < (long)sizeof(data) ?
				 want - got : (long)sizeof(data), MSG_DONTWAIT);
			if (k <= 0)
				break;
			got += k;
		}
		printf("ok got=%ld\n", got);
	} else if (!strcmp(a[0], "close") && n == 2 && (fd = sock_fd(a[1])) >= 0) {
		for (v = 0; v < MAX_SOCKS; v++)
			if (socks[v].fd == fd)
				socks[v].fd = -1;
		close(fd);
		printf("ok\n");
	} else if (!strcmp(a[0], "shutdown") && n == 2 && (fd = sock_fd(a[1])) >= 0) {
		printf(shutdown(fd, SHUT_WR) ? "err\n" : "ok\n");
	} else if (!strcmp(a[0], "keepalive") && n == 5 && (fd = sock_fd(a[1])) >= 0) {
		err = sock_setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1) ||
		      sock_setint(fd, SOL_TCP, TCP_KEEPIDLE, atoi(a[2])) ||
		      sock_setint(fd, SOL_TCP, TCP_KEEPINTVL, atoi(a[3])) ||
		      sock_setint(fd, SOL_TCP, TCP_KEEPCNT, atoi(a[4]));
		printf(err ? "err keepalive\n" : "ok\n");
	} else if (!strcmp(a[0], "info") && n == 2 && (fd = sock_fd(a[1])) >= 0) {
		cmd_info(fd);
	} else if (!strcmp(a[0], "syn") && n == 6) {
		struct raw_seg r = { .flags = TH_SYN, .win = 64240, .seq = 12345,
				    .opts = raw_syn_opts, .optlen = sizeof(raw_syn_opts) };

		r.proto = a[1][0] == 'x' ? IPPROTO_XTCP : IPPROTO_TCP;
		r.saddr = inet_addr(a[2]);
		r.daddr = inet_addr(a[3]);
		r.sport = atoi(a[4]);
		r.dport = atoi(a[5]);
		fd = raw_open();
		err = fd < 0 ? errno : raw_send(fd, &r);
		if (fd >= 0)
			close(fd);
		printf(err ? "err %s\n" : "ok\n", strerror(err));
	} else if (!strcmp(a[0], "proc") && n == 3) {
		cmd_proc(a);
	} else if (!strcmp(a[0], "one")) {
		cmd_one(a, n);
	} else if (!strcmp(a[0], "dump")) {
		cmd_dump(a, n);
	} else {
		printf("err unknown command or socket: %s\n", a[0]);
	}
}

int main(void)
{
	char line[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while (fgets(line, sizeof(line), stdin)) {
		char *a[16], *save = NULL, *t;
		int n = 0;

		for (t = strtok_r(line, " \t\n", &save); t && n < 16;
		     t = strtok_r(NULL, " \t\n", &save))
			a[n++] = t;
		if (!n)
			continue;
		if (!strcmp(a[0], "quit"))
			break;
		run(a, n);
	}
	return 0;
}
