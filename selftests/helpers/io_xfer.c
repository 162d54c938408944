// SPDX-License-Identifier: GPL-2.0
/*
 * io_xfer: one end of a test connection for the interop selftests
 * (selftests/xtcp_interop.sh), either stack: XTCP (AF_XTCP) or Linux TCP.
 *
 *   io_xfer listen  [OPTS] -a ADDR -p PORT   accept one connection, run the session
 *   io_xfer connect [OPTS] -a ADDR -p PORT   connect, run the session
 *   io_xfer hold    [OPTS] -a ADDR -p PORT -L BACKLOG -H SECS
 *                   listen with BACKLOG and never accept for SECS seconds
 *   io_xfer burst   [OPTS] -a ADDR -p PORT -P PRE -C N
 *                   PRE clients one after another, then N at once; each then
 *                   waits up to 3 s in recv(); prints "cI=RESULT" per client
 *   io_xfer gen -b BYTES -s SEED   write the data stream to stdout
 *   io_xfer sha256                 SHA-256 of stdin (self-check vs sha256sum)
 *
 * OPTS:
 *   -N NETNS      enter this network namespace first (/run/netns/NAME)
 *   -x            XTCP socket (default: Linux TCP)
 *   -S NAME=VAL   write the sysctl NAME (dots) in that namespace (repeatable)
 *   -b BYTES      bytes to send (a xorshift stream from -s SEED)
 *   -r BYTES      bytes to receive (sending and receiving run at once)
 *   -s SEED       seed of the sent stream (default 1)
 *   -k I:V:C      SO_KEEPALIVE with TCP_KEEPIDLE=I TCP_KEEPINTVL=V TCP_KEEPCNT=C
 *   -i SECS       after the data: stay idle SECS, then exchange "ping" both ways
 *   -A            close first (active close) and report the state the
 *                 connection's row reaches in /proc/net/xtcp or /proc/net/tcp
 *                 (06 = TIME_WAIT); without -A wait for EOF, then close
 *   -w SECS       give up on any blocking call after SECS (default 170)
 *   -R FILE       write "ready" to FILE once listening
 *
 * The session prints one line of key=value pairs: role, stack, connect (errno
 * name or OK), sent, sent_sha256, recv, recv_sha256, secs, mbit (data phase),
 * alive (ping after idle answered), ka (TCPKeepAlive counter delta of this
 * namespace's stack), eof, close_state, err.
 */
#include "xtcp_lib.h"

#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "io_sha256.h"

#define CHUNK (256 * 1024)

static int use_xtcp, active_close, keep_i, keep_v, keep_c, waitsecs = 170;
static long long nsend, nrecv;
static unsigned long long seed = 1;
static double idle_s;
static const char *ready_file;

static const char *ename(int e)
{
	return e ? errname(e) : "OK";
}

/* the data stream: xorshift64* from the seed, 8 bytes per step */
static void gen_fill(unsigned long long *st, unsigned char *p, size_t n)
{
	unsigned long long x = *st;
	uint64_t v;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
		v = x * 0x2545F4914F6CDD1DULL;
		memcpy(p + i, &v, 8);
	}
	for (; i < n; i++) {
		x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
		p[i] = (unsigned char)((x * 0x2545F4914F6CDD1DULL) >> 56);
	}
	*st = x;
}

static unsigned long long seed_state(unsigned long long s)
{
	return s * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;	/* never 0 for small seeds */
}

/* -S NAME=VAL */
static int sysctl_spec(const char *spec)
{
	char name[200];
	const char *eq = strchr(spec, '=');
	int err;

	if (!eq || (size_t)(eq - spec) >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
	err = sysctl_set(name, eq + 1);
	if (err) {
		fprintf(stderr, "io_xfer: sysctl %s: %s\n", spec, strerror(err));
		return -1;
	}
	return 0;
}

/* TCPKeepAlive of this namespace's stack */
static long ka_counter(void)
{
	return counter(use_xtcp ? STACK_XTCP : STACK_TCP, "TCPKeepAlive");
}

/* state (hex) of the row with this local and remote address, or -1 */
static int row_state(const struct sockaddr_in *l, const struct sockaddr_in *r)
{
	struct proc_row rows[16];
	int n = proc_rows(use_xtcp ? STACK_XTCP : STACK_TCP, ntohs(l->sin_port),
			  ntohs(r->sin_port), 0, rows, 16), i;

	for (i = 0; i < n && i < 16; i++)
		if (rows[i].laddr == l->sin_addr.s_addr && rows[i].raddr == r->sin_addr.s_addr)
			return rows[i].state;
	return -1;
}

static int new_socket(void)
{
	int fd = socket(use_xtcp ? AF_XTCP : AF_INET, SOCK_STREAM, 0);
	struct timeval tv = { waitsecs, 0 };
	int one = 1;

	if (fd < 0) {
		fprintf(stderr, "io_xfer: socket(%s): %s\n", use_xtcp ? "AF_XTCP" : "AF_INET",
			strerror(errno));
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

struct sender {
	int fd;
	unsigned char *buf;
	uint64_t done;
	int err;
};

static void *send_thread(void *arg)
{
	struct sender *s = arg;

	while (s->done < (uint64_t)nsend) {
		size_t n = nsend - s->done < CHUNK ? nsend - s->done : CHUNK;

		s->err = sock_send_some(s->fd, s->buf + s->done, n, MSG_NOSIGNAL, &s->done);
		if (s->err)
			break;
	}
	return NULL;
}

static int read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(fd, (char *)p + got, n - got, 0);

		if (r == 0)
			return EPIPE;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		got += r;
	}
	return 0;
}

/* Everything after the connection is up; prints the result line. */
static int session(int fd, const char *role)
{
	char sent_hex[65] = "-", recv_hex[65] = "-", tmp[8];
	struct sockaddr_in la, ra;
	socklen_t len = sizeof(la);
	struct io_sha256 sh;
	struct sender snd = { .fd = fd };
	unsigned char *rbuf;
	long long got = 0;
	long ka0, ka1;
	int err = 0, alive = -1, eof = -1, st = -1, last = -1;
	double t0, t1 = 0;
	pthread_t th;

	getsockname(fd, (struct sockaddr *)&la, &len);
	len = sizeof(ra);
	getpeername(fd, (struct sockaddr *)&ra, &len);
	if (keep_i) {
		int one = 1;

		if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
		    setsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &keep_i, sizeof(keep_i)) ||
		    setsockopt(fd, SOL_TCP, TCP_KEEPINTVL, &keep_v, sizeof(keep_v)) ||
		    setsockopt(fd, SOL_TCP, TCP_KEEPCNT, &keep_c, sizeof(keep_c))) {
			printf("role=%s err=keepalive-setsockopt:%s\n", role, ename(errno));
			return 1;
		}
	}
	ka0 = ka_counter();

	if (nsend) {
		struct io_sha256 ss;
		unsigned long long gs = seed_state(seed);

		snd.buf = malloc(nsend);
		if (!snd.buf) {
			perror("malloc");
			return 1;
		}
		gen_fill(&gs, snd.buf, nsend);
		io_sha256_init(&ss);
		io_sha256_update(&ss, snd.buf, nsend);
		io_sha256_hex(&ss, sent_hex);
	}
	rbuf = malloc(CHUNK);
	io_sha256_init(&sh);
	t0 = now();
	if (nsend && pthread_create(&th, NULL, send_thread, &snd)) {
		perror("pthread_create");
		return 1;
	}
	while (got < nrecv) {
		ssize_t r = recv(fd, rbuf, nrecv - got < CHUNK ? nrecv - got : CHUNK, 0);

		if (r == 0) {
			err = EPIPE;
			break;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		io_sha256_update(&sh, rbuf, r);
		got += r;
	}
	if (nsend) {
		pthread_join(th, NULL);
		if (!err)
			err = snd.err;
	}
	t1 = now() - t0;
	if (nrecv)
		io_sha256_hex(&sh, recv_hex);

	if (!err && idle_s > 0) {
		msleep((int)(idle_s * 1000));
		alive = 0;
		if (send(fd, "ping", 4, MSG_NOSIGNAL) == 4 &&
		    !read_full(fd, tmp, 4) && !memcmp(tmp, "ping", 4))
			alive = 1;
		else
			err = errno ? errno : EPIPE;
	}
	ka1 = ka_counter();

	if (!err && active_close) {
		double tend;

		close(fd);
		fd = -1;
		tend = now() + 3;
		while (now() < tend) {
			st = row_state(&la, &ra);
			if (st >= 0)
				last = st;
			if (st == 6)
				break;
			msleep(5);
		}
		st = last;
	} else if (!err) {
		ssize_t r = recv(fd, tmp, 1, 0);

		eof = r == 0;
		if (r < 0)
			err = errno;
	}
	if (fd >= 0)
		close(fd);
	printf("role=%s stack=%s connect=OK sent=%lld sent_sha256=%s recv=%lld recv_sha256=%s "
	       "secs=%.2f mbit=%.1f alive=%d ka=%ld eof=%d close_state=%02X err=%s\n",
	       role, use_xtcp ? "xtcp" : "tcp", (long long)snd.done, sent_hex, got, recv_hex, t1,
	       t1 > 0 ? (snd.done + got) * 8 / t1 / 1e6 : 0.0, alive,
	       ka0 >= 0 && ka1 >= 0 ? ka1 - ka0 : -1, eof, st < 0 ? 0xff : st, ename(err));
	fflush(stdout);
	return err ? 1 : 0;
}

static void write_ready(void)
{
	FILE *f;

	if (!ready_file)
		return;
	f = fopen(ready_file, "w");
	if (f) {
		fputs("ready\n", f);
		fclose(f);
	}
}

static int do_listen(struct sockaddr_in *sin, int backlog)
{
	int fd = new_socket();

	if (bind(fd, (struct sockaddr *)sin, sizeof(*sin)) || listen(fd, backlog)) {
		printf("role=server stack=%s err=bind-listen:%s\n", use_xtcp ? "xtcp" : "tcp",
		       ename(errno));
		exit(1);
	}
	write_ready();
	return fd;
}

static int do_connect(struct sockaddr_in *sin, int *err)
{
	int fd = new_socket(), i;

	/* the listener may not be up yet: retry refused connects for a while */
	for (i = 0; i < 100; i++) {
		if (!connect(fd, (struct sockaddr *)sin, sizeof(*sin))) {
			*err = 0;
			return fd;
		}
		*err = errno;
		if (errno != ECONNREFUSED)
			break;
		close(fd);
		msleep(100);
		fd = new_socket();
	}
	close(fd);
	return -1;
}

static int do_burst(struct sockaddr_in *sin, int pre, int n)
{
	int fds[64], i, e;
	struct timeval tv = { 3, 0 };

	if (pre + n > 64)
		return 2;
	for (i = 0; i < pre; i++) {
		fds[i] = do_connect(sin, &e);
		if (fds[i] < 0) {
			printf("pre%d=%s\n", i, ename(e));
			return 1;
		}
		msleep(300);
	}
	for (i = pre; i < pre + n; i++) {
		fds[i] = new_socket();
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		if (connect(fds[i], (struct sockaddr *)sin, sizeof(*sin)) && errno != EINPROGRESS) {
			printf("c%d=connect-%s\n", i, ename(errno));
			return 1;
		}
	}
	for (i = pre; i < pre + n; i++) {
		struct pollfd p = { fds[i], POLLOUT, 0 };
		socklen_t l = sizeof(e);

		e = 0;
		if (poll(&p, 1, 5000) != 1)
			e = ETIMEDOUT;
		else
			getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &e, &l);
		printf("connect%d=%s ", i, ename(e));
		fcntl(fds[i], F_SETFL, 0);
	}
	msleep(500);
	for (i = 0; i < pre + n; i++) {
		char c;
		ssize_t r;

		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		r = recv(fds[i], &c, 1, 0);
		printf("c%d=%s ", i, r < 0 ? ename(errno) : r == 0 ? "EOF" : "DATA");
	}
	printf("\n");
	for (i = 0; i < pre + n; i++) {
		struct linger lg = { 1, 0 };

		setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fds[i]);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: io_xfer listen|connect|hold|burst [-N NETNS] [-x] [-S NAME=VAL]...\n"
		"         -a ADDR -p PORT [-b BYTES] [-r BYTES] [-s SEED] [-k I:V:C] [-i SECS]\n"
		"         [-A] [-w SECS] [-R FILE] [-L BACKLOG] [-H SECS] [-P PRE] [-C N]\n"
		"       io_xfer gen -b BYTES [-s SEED] | io_xfer sha256\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode, *addr = "0.0.0.0", *netns = NULL, *sysctls[16];
	int port = 0, opt, nsys = 0, backlog = 1, pre = 0, nburst = 2, i, fd, err;
	double hold = 0;
	struct sockaddr_in sin;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "N:xS:a:p:b:r:s:k:i:Aw:R:L:H:P:C:")) != -1) {
		switch (opt) {
		case 'N': netns = optarg; break;
		case 'x': use_xtcp = 1; break;
		case 'S': if (nsys < 16) sysctls[nsys++] = optarg; break;
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'b': nsend = atoll(optarg); break;
		case 'r': nrecv = atoll(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'k':
			if (sscanf(optarg, "%d:%d:%d", &keep_i, &keep_v, &keep_c) != 3)
				usage();
			break;
		case 'i': idle_s = atof(optarg); break;
		case 'A': active_close = 1; break;
		case 'w': waitsecs = atoi(optarg); break;
		case 'R': ready_file = optarg; break;
		case 'L': backlog = atoi(optarg); break;
		case 'H': hold = atof(optarg); break;
		case 'P': pre = atoi(optarg); break;
		case 'C': nburst = atoi(optarg); break;
		default: usage();
		}
	}

	if (!strcmp(mode, "gen")) {
		unsigned long long st = seed_state(seed);
		unsigned char *buf = malloc(CHUNK);

		while (nsend > 0) {
			size_t n = nsend < CHUNK ? nsend : CHUNK;

			/* same stream as one gen_fill over the whole length */
			gen_fill(&st, buf, n);
			if (fwrite(buf, 1, n, stdout) != n)
				return 1;
			nsend -= n;
		}
		return 0;
	}
	if (!strcmp(mode, "sha256")) {
		struct io_sha256 s;
		unsigned char *buf = malloc(CHUNK);
		char hex[65];
		size_t n;

		io_sha256_init(&s);
		while ((n = fread(buf, 1, CHUNK, stdin)) > 0)
			io_sha256_update(&s, buf, n);
		io_sha256_hex(&s, hex);
		printf("%s\n", hex);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	if (netns && ns_enter_path(netns))
		return 1;
	for (i = 0; i < nsys; i++)
		if (sysctl_spec(sysctls[i]))
			return 1;
	sin = sin4(addr, port);

	if (!strcmp(mode, "listen")) {
		int lfd = do_listen(&sin, 8);

		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			printf("role=server stack=%s connect=%s\n", use_xtcp ? "xtcp" : "tcp",
			       ename(errno));
			return 1;
		}
		close(lfd);
		return session(fd, "server");
	}
	if (!strcmp(mode, "connect")) {
		fd = do_connect(&sin, &err);
		if (fd < 0) {
			printf("role=client stack=%s connect=%s\n", use_xtcp ? "xtcp" : "tcp",
			       ename(err));
			return 1;
		}
		return session(fd, "client");
	}
	if (!strcmp(mode, "hold")) {
		long ov0 = counter(STACK_XTCP, "ListenOverflows"), rst0 = counter(STACK_XTCP, "OutRsts");

		fd = do_listen(&sin, backlog);
		msleep((int)(hold * 1000));
		printf("ListenOverflows=%ld OutRsts=%ld\n", counter(STACK_XTCP, "ListenOverflows") - ov0,
		       counter(STACK_XTCP, "OutRsts") - rst0);
		close(fd);
		return 0;
	}
	if (!strcmp(mode, "burst"))
		return do_burst(&sin, pre, nburst);
	usage();
	return 2;
}
