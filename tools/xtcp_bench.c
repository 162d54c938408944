// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_bench - netperf-style workloads for XTCP and Linux TCP, one program
 * for both: the address family is an argument. Driven by scripts/bench.sh
 * (`make bench`) through scripts/guest-bench.sh, which runs the server in one
 * network namespace and the clients in another.
 *
 * usage: xtcp_bench ROLE -f FAMILY [options]
 *
 *   FAMILY  xtcp (socket(AF_XTCP, ...)) or inet (socket(AF_INET, ...), Linux
 *           TCP); addresses are struct sockaddr_in either way
 *
 *   server     -p PORT [-a ADDR] [-m sink|echo] [-T THREADS]
 *              listen and serve until SIGTERM/SIGINT: sink discards what
 *              arrives, echo sends every byte back; a connection is closed
 *              when its peer has closed. Prints "listening" once ready.
 *   stream     -a ADDR -p PORT [-c CONNS] [-t SECS]
 *              CONNS connections each write 64 KiB blocks for SECS, then
 *              shut down and wait for the server's close: bytes/s over the
 *              whole time, the drain included (server in sink mode)
 *   rr         -a ADDR -p PORT [-c CONNS] [-t SECS]
 *              1-byte request, 1-byte response, one outstanding per
 *              connection: transactions/s (server in echo mode)
 *   crr        -a ADDR -p PORT [-c CONNS] [-t SECS]
 *              connect, 1-byte request/response, close: per second (echo)
 *   bulk       -a ADDR -p PORT [-b BYTES]
 *              one connection sends BYTES then waits for the server's close:
 *              seconds, and the RTO counter (TCPTimeouts) of this namespace
 *   mem        -a ADDR -p PORT [-n N]
 *              kernel memory per idle established connection and per
 *              TIME_WAIT entry: N connections (one echoed byte each, so both
 *              ends are established and accepted), slab delta; then they are
 *              closed (this side first) and the delta with N TIME_WAIT
 *              entries is taken. Both ends are in this kernel: the figures
 *              cover both. Needs root (/proc/slabinfo). With
 *              XTCP_BENCH_SLABS=1 in the environment, the caches that
 *              changed are listed on stderr, bytes per connection/entry.
 *   keepalive  -a ADDR -p PORT [-n N]
 *              N idle connections (one echoed byte each), held until SIGTERM
 *              (then reset: no TIME_WAIT). Prints "... ready" once they are
 *              up; SIGUSR1 sets SO_KEEPALIVE on every one of them (times:
 *              the namespace's sysctls), SIGUSR2 clears it, each answered by
 *              a line "... on" or "... off" once done. The caller measures
 *              the CPU in between (guest-bench.sh: XTCP's and Linux TCP's
 *              connections open side by side, taking turns).
 *
 *   -b accepts a K, M or G suffix (powers of 1024).
 *
 * Output: one line "ROLE family=F key=value ...", its main figure as
 * "value=" with "unit=" after it, so a script can pick it up with sed
 * (keepalive: the lines above).
 * Exit status 0, 1 on a run-time failure, 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#define STREAM_CHUNK	(64 * 1024)
#define SERVER_BUF	(256 * 1024)
#define MAX_CONNS	1000000
#define MAX_THREADS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum role { R_SERVER, R_STREAM, R_RR, R_CRR, R_BULK, R_MEM, R_KEEPALIVE };

static const char *const role_names[] = {
	[R_SERVER] = "server", [R_STREAM] = "stream", [R_RR] = "rr", [R_CRR] = "crr",
	[R_BULK] = "bulk", [R_MEM] = "mem", [R_KEEPALIVE] = "keepalive",
};

struct opts {
	enum role role;
	int family;		/* AF_XTCP or AF_INET */
	const char *fname;	/* "xtcp" or "inet" */
	struct sockaddr_in addr;
	int have_addr, have_port;
	int echo;		/* server mode */
	int conns;		/* -c */
	int threads;		/* -T */
	double secs;		/* -t */
	long n;			/* -n */
	uint64_t bytes;		/* -b */
};

static struct opts o = {
	.conns = 1, .threads = 2, .secs = 3, .n = 10000, .bytes = 64ULL << 20,
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage_exit(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xtcp_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: xtcp_bench server|stream|rr|crr|bulk|mem|keepalive -f xtcp|inet\n"
		"         [-a ADDR] -p PORT [-m sink|echo] [-c CONNS] [-T THREADS] [-t SECS]\n"
		"         [-n N] [-b BYTES[K|M|G]]   (see the comment at the top of xtcp_bench.c)\n");
	exit(2);
}

static void fail(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fprintf(stderr, "xtcp_bench %s (%s): ", role_names[o.role], o.fname ? o.fname : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		usage_exit("bad %s '%s' (want %ld..%ld)", what, s, min, max);
	return v;
}

static uint64_t parse_bytes(const char *s)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (!*s || *s == '-' || *end || errno || !v || v > (1ULL << 40) >> shift)
		usage_exit("bad byte count '%s' (want 1..1T, suffix K, M or G)", s);
	return (uint64_t)v << shift;
}

static void parse_args(int argc, char **argv)
{
	char *end;
	unsigned int i;
	int c;

	if (argc < 2)
		usage_exit("no role given");
	for (i = 0; i < ARRAY_SIZE(role_names); i++)
		if (!strcmp(argv[1], role_names[i]))
			break;
	if (i == ARRAY_SIZE(role_names))
		usage_exit("unknown role '%s'", argv[1]);
	o.role = i;
	o.addr.sin_family = AF_INET;
	o.addr.sin_addr.s_addr = htonl(INADDR_ANY);

	optind = 2;
	while ((c = getopt(argc, argv, "f:a:p:m:c:T:t:n:b:")) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "xtcp") || !strcmp(optarg, "AF_XTCP")) {
				o.family = AF_XTCP;
				o.fname = "xtcp";
			} else if (!strcmp(optarg, "inet") || !strcmp(optarg, "tcp") ||
				   !strcmp(optarg, "AF_INET")) {
				o.family = AF_INET;
				o.fname = "inet";
			} else {
				usage_exit("bad family '%s' (want xtcp or inet)", optarg);
			}
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &o.addr.sin_addr) != 1)
				usage_exit("bad IPv4 address '%s'", optarg);
			o.have_addr = 1;
			break;
		case 'p':
			o.addr.sin_port = htons(parse_long(optarg, 1, 65535, "port"));
			o.have_port = 1;
			break;
		case 'm':
			if (!strcmp(optarg, "echo"))
				o.echo = 1;
			else if (strcmp(optarg, "sink"))
				usage_exit("bad server mode '%s' (want sink or echo)", optarg);
			break;
		case 'c':
			o.conns = parse_long(optarg, 1, MAX_THREADS, "connection count");
			break;
		case 'T':
			o.threads = parse_long(optarg, 1, MAX_THREADS, "thread count");
			break;
		case 't':
			errno = 0;
			o.secs = strtod(optarg, &end);
			if (!*optarg || *end || errno || !(o.secs >= 0.1 && o.secs <= 3600))
				usage_exit("bad duration '%s' (want 0.1..3600 seconds)", optarg);
			break;
		case 'n':
			o.n = parse_long(optarg, 1, MAX_CONNS, "connection count");
			break;
		case 'b':
			o.bytes = parse_bytes(optarg);
			break;
		default:
			usage_exit("bad option");
		}
	}
	if (optind != argc)
		usage_exit("unexpected argument '%s'", argv[optind]);
	if (!o.family)
		usage_exit("-f xtcp|inet is required");
	if (!o.have_port)
		usage_exit("-p PORT is required");
	if (o.role != R_SERVER && !o.have_addr)
		usage_exit("-a ADDR is required for %s", role_names[o.role]);
}

/*
 * Room for @n sockets (and a few more): root may raise the hard limit; with
 * @must unset, as much as the hard limit allows is enough.
 */
static void raise_nofile(long n, int must)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		fail("getrlimit");
	if (rl.rlim_cur >= (rlim_t)n + 64)
		return;
	rl.rlim_cur = n + 64;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (!setrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (must)
		fail("setrlimit(RLIMIT_NOFILE, %ld)", n + 64);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int new_socket(void)
{
	int fd = socket(o.family, SOCK_STREAM, 0);

	if (fd < 0)
		fail("socket(%s, SOCK_STREAM, 0)", o.family == AF_XTCP ? "AF_XTCP" : "AF_INET");
	return fd;
}

static void set_int(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)))
		fail("setsockopt(%s)", what);
}

static int connect_one(int nodelay)
{
	int fd = new_socket();

	if (nodelay)
		set_int(fd, SOL_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	if (connect(fd, (struct sockaddr *)&o.addr, sizeof(o.addr)))
		fail("connect");
	return fd;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			fail("write");
		p += r;
		len -= r;
	}
}

static void read_byte(int fd)
{
	char c;
	ssize_t r;

	do {
		r = read(fd, &c, 1);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		errno = ECONNRESET;
	if (r != 1)
		fail("read");
}

/* Read until the peer's close; returns the bytes read. */
static uint64_t read_to_eof(int fd)
{
	static __thread char buf[4096];
	uint64_t total = 0;
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("read to EOF");
		if (r == 0)
			return total;
		total += r;
	}
}

/* ------------------------------------------------------------- server */

struct srv_thread {
	pthread_t tid;
	int epfd;
};

static struct srv_thread srv[MAX_THREADS];

static void srv_echo(int fd, const char *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r > 0) {
			buf += r;
			len -= r;
		} else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			poll(&pfd, 1, 1000);
		} else {
			return;	/* the peer is gone: the read side sees it */
		}
	}
}

static void *srv_loop(void *arg)
{
	struct srv_thread *t = arg;
	struct epoll_event ev[64];
	char *buf = malloc(SERVER_BUF);
	int i, n, fd;
	ssize_t r;

	if (!buf)
		fail("malloc");
	while (!stop_signal) {
		n = epoll_wait(t->epfd, ev, 64, 200);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("epoll_wait");
		for (i = 0; i < n; i++) {
			fd = ev[i].data.fd;
			for (;;) {
				r = read(fd, buf, SERVER_BUF);
				if (r > 0) {
					if (o.echo)
						srv_echo(fd, buf, r);
					if (r < SERVER_BUF)
						break;
					continue;
				}
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				close(fd);	/* EOF or error: removed from epoll */
				break;
			}
		}
	}
	free(buf);
	return NULL;
}

static int run_server(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd;
	unsigned int next = 0;
	int lfd, fd, i;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile(100000, 0);
	lfd = new_socket();
	set_int(lfd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (bind(lfd, (struct sockaddr *)&o.addr, sizeof(o.addr)))
		fail("bind port %d", ntohs(o.addr.sin_port));
	if (listen(lfd, 4096))
		fail("listen");
	if (fcntl(lfd, F_SETFL, O_NONBLOCK))
		fail("fcntl(O_NONBLOCK)");
	for (i = 0; i < o.threads; i++) {
		srv[i].epfd = epoll_create1(0);
		if (srv[i].epfd < 0)
			fail("epoll_create1");
		errno = pthread_create(&srv[i].tid, NULL, srv_loop, &srv[i]);
		if (errno)
			fail("pthread_create");
	}
	printf("server family=%s port=%d mode=%s threads=%d listening\n", o.fname,
	       ntohs(o.addr.sin_port), o.echo ? "echo" : "sink", o.threads);
	fflush(stdout);

	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (!stop_signal) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (;;) {
			fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
			if (fd < 0) {
				if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
					break;
				if (errno == EMFILE || errno == ENFILE)
					fail("accept4 (raise the fd limit)");
				fail("accept4");
			}
			if (o.echo)
				set_int(fd, SOL_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
			ev.data.fd = fd;
			if (epoll_ctl(srv[next].epfd, EPOLL_CTL_ADD, fd, &ev))
				fail("epoll_ctl");
			next = (next + 1) % o.threads;
		}
	}
	for (i = 0; i < o.threads; i++)
		pthread_join(srv[i].tid, NULL);
	return 0;
}

/* ----------------------------------------------- stream, rr, crr clients */

struct cli_thread {
	pthread_t tid;
	uint64_t count;		/* bytes or transactions */
	double end;		/* when this thread finished */
};

static struct cli_thread cli[MAX_THREADS];
static pthread_barrier_t start_barrier;
static double t_start, t_deadline;

/* All connections set up before the clock starts (thread 0 starts it). */
static void wait_start(void)
{
	int r = pthread_barrier_wait(&start_barrier);

	if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
		t_start = now();
		t_deadline = t_start + o.secs;
	}
	pthread_barrier_wait(&start_barrier);
}

static void *stream_thread(void *arg)
{
	struct cli_thread *t = arg;
	char *buf = malloc(STREAM_CHUNK);
	int fd;

	if (!buf)
		fail("malloc");
	memset(buf, 'x', STREAM_CHUNK);
	fd = connect_one(0);
	wait_start();
	while (now() < t_deadline) {
		write_all(fd, buf, STREAM_CHUNK);
		t->count += STREAM_CHUNK;
	}
	if (shutdown(fd, SHUT_WR))
		fail("shutdown");
	read_to_eof(fd);
	t->end = now();
	close(fd);
	free(buf);
	return NULL;
}

static void *rr_thread(void *arg)
{
	struct cli_thread *t = arg;
	int fd = connect_one(1);

	wait_start();
	while (now() < t_deadline) {
		write_all(fd, "r", 1);
		read_byte(fd);
		t->count++;
	}
	t->end = now();
	close(fd);
	return NULL;
}

static void *crr_thread(void *arg)
{
	struct cli_thread *t = arg;
	int fd;

	wait_start();
	while (now() < t_deadline) {
		fd = connect_one(1);
		write_all(fd, "c", 1);
		read_byte(fd);
		close(fd);
		t->count++;
	}
	t->end = now();
	return NULL;
}

static int run_clients(void *(*fn)(void *), const char *unit)
{
	uint64_t total = 0;
	double end = 0;
	int i;

	signal(SIGPIPE, SIG_IGN);
	errno = pthread_barrier_init(&start_barrier, NULL, o.conns);
	if (errno)
		fail("pthread_barrier_init");
	for (i = 0; i < o.conns; i++) {
		errno = pthread_create(&cli[i].tid, NULL, fn, &cli[i]);
		if (errno)
			fail("pthread_create");
	}
	for (i = 0; i < o.conns; i++) {
		pthread_join(cli[i].tid, NULL);
		total += cli[i].count;
		if (cli[i].end > end)
			end = cli[i].end;
	}
	printf("%s family=%s conns=%d secs=%.3f count=%llu value=%.1f unit=%s\n",
	       role_names[o.role], o.fname, o.conns, end - t_start, (unsigned long long)total,
	       total / (end - t_start), unit);
	return 0;
}

/* ------------------------------------------------ counters, slab, CPU */

/*
 * A counter of this namespace's stack: /proc/net/xtcp_stat ("Name value"
 * lines) for XTCP, /proc/net/netstat's TcpExt table (a line of names, then
 * a line of values) for Linux TCP.
 */
static long long read_counter(const char *name)
{
	char names[8192], vals[8192], key[128];
	char *sn, *sv, *n, *v;
	long long val;
	FILE *f;

	if (o.family == AF_XTCP) {
		f = fopen("/proc/net/xtcp_stat", "r");
		if (!f)
			fail("open /proc/net/xtcp_stat");
		while (fscanf(f, "%127s %lld", key, &val) == 2) {
			if (!strcmp(key, name)) {
				fclose(f);
				return val;
			}
		}
		fclose(f);
		errno = ENOENT;
		fail("counter %s not in /proc/net/xtcp_stat", name);
	}
	f = fopen("/proc/net/netstat", "r");
	if (!f)
		fail("open /proc/net/netstat");
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(vals, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, name)) {
				fclose(f);
				return atoll(v);
			}
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	errno = ENOENT;
	fail("counter %s not in /proc/net/netstat", name);
	return 0;
}

/* TIME_WAIT entries of this namespace's stack (sockstat's "tw"). */
static long read_tw(void)
{
	const char *path = o.family == AF_XTCP ? "/proc/net/xtcp_sockstat" : "/proc/net/sockstat";
	const char *tag = o.family == AF_XTCP ? "XTCP:" : "TCP:";
	char line[512], *p;
	FILE *f = fopen(path, "r");

	if (!f)
		fail("open %s", path);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, tag, strlen(tag)))
			continue;
		p = strstr(line, " tw ");
		if (p) {
			fclose(f);
			return atol(p + 4);
		}
	}
	fclose(f);
	errno = ENOENT;
	fail("no \"%s ... tw\" line in %s", tag, path);
	return 0;
}

#define MAX_SLABS	1024

struct memsnap {
	long long slab_obj;	/* sum of active objects * object size, /proc/slabinfo */
	long long slab_kb;	/* Slab: of /proc/meminfo */
	int ncache;		/* entries in name[] and bytes[] */
	char name[MAX_SLABS][128];	/* cache names, as /proc/slabinfo lists them */
	long long bytes[MAX_SLABS];	/* active objects * object size, per cache */
};

/* Caches whose bytes changed from @a to @b by at least 8 per unit, stderr. */
static void mem_breakdown(const char *what, const struct memsnap *a,
			  const struct memsnap *b, long units)
{
	int i, j;

	if (!getenv("XTCP_BENCH_SLABS") || units <= 0)
		return;
	for (i = 0; i < b->ncache; i++) {
		long long before = 0;
		double d;

		for (j = 0; j < a->ncache; j++)
			if (!strcmp(a->name[j], b->name[i])) {
				before = a->bytes[j];
				break;
			}
		d = (double)(b->bytes[i] - before) / units;
		if (d >= 8 || d <= -8)
			fprintf(stderr, "slabs %s %s %.0f\n", what, b->name[i], d);
	}
}

static void mem_snapshot(struct memsnap *m)
{
	char line[512], name[128];
	unsigned long active, total, size;
	FILE *f;

	m->slab_obj = 0;
	m->slab_kb = -1;
	m->ncache = 0;
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		fail("open /proc/slabinfo (root needed)");
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%127s %lu %lu %lu", name, &active, &total, &size) != 4)
			continue;
		m->slab_obj += (long long)active * size;
		if (m->ncache < MAX_SLABS) {
			snprintf(m->name[m->ncache], sizeof(m->name[0]), "%s", name);
			m->bytes[m->ncache++] = (long long)active * size;
		}
	}
	fclose(f);
	f = fopen("/proc/meminfo", "r");
	if (!f)
		fail("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &m->slab_kb) == 1)
			break;
	fclose(f);
	if (m->slab_kb < 0) {
		errno = ENOENT;
		fail("no Slab: line in /proc/meminfo");
	}
}

/* ---------------------------------------------- many idle connections */

/* N connections, each with one echoed byte: established at both ends. */
static int *open_idle(long n, int keepalive)
{
	int *fds = calloc(n, sizeof(*fds));
	long i;

	if (!fds)
		fail("calloc");
	raise_nofile(n, 1);
	for (i = 0; i < n; i++) {
		fds[i] = new_socket();
		if (keepalive)
			set_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
		if (connect(fds[i], (struct sockaddr *)&o.addr, sizeof(o.addr)))
			fail("connect #%ld", i + 1);
		write_all(fds[i], "i", 1);
	}
	for (i = 0; i < n; i++)
		read_byte(fds[i]);
	return fds;
}

static int run_mem(void)
{
	static struct memsnap m0, m1, m2;
	long tw0, tw = 0, i;
	double t0, deadline, last_change;
	int *fds;

	signal(SIGPIPE, SIG_IGN);
	tw0 = read_tw();
	mem_snapshot(&m0);
	t0 = now();
	fds = open_idle(o.n, 0);
	sleep(2);	/* RCU-deferred frees of the setup's skbs settle */
	mem_snapshot(&m1);
	for (i = 0; i < o.n; i++)
		close(fds[i]);
	free(fds);
	/*
	 * Every connection in TIME_WAIT here, the server's ends closed; a
	 * stack may reset a few instead (Linux: too many orphans at once), so
	 * the wait ends when the count stops growing for 3 s, and the figure
	 * is per entry actually there.
	 */
	deadline = now() + 60;
	last_change = now();
	while (now() < deadline && tw < o.n && now() - last_change < 3) {
		usleep(100 * 1000);
		i = read_tw() - tw0;
		if (i != tw) {
			tw = i;
			last_change = now();
		}
	}
	if (tw < o.n * 9 / 10) {
		errno = ETIMEDOUT;
		fail("only %ld of %ld connections reached TIME_WAIT", tw, o.n);
	}
	sleep(2);	/* the server's sockets freed (LAST_ACK, RCU) */
	mem_snapshot(&m2);
	mem_breakdown("established", &m0, &m1, o.n);
	mem_breakdown("timewait", &m0, &m2, tw);
	printf("mem family=%s n=%ld tw=%ld setup_s=%.1f est_bytes=%.0f tw_bytes=%.0f "
	       "est_meminfo_bytes=%.0f tw_meminfo_bytes=%.0f value=%.0f unit=bytes\n",
	       o.fname, o.n, tw, now() - t0,
	       (double)(m1.slab_obj - m0.slab_obj) / o.n,
	       (double)(m2.slab_obj - m0.slab_obj) / tw,
	       (double)(m1.slab_kb - m0.slab_kb) * 1024 / o.n,
	       (double)(m2.slab_kb - m0.slab_kb) * 1024 / tw,
	       (double)(m1.slab_obj - m0.slab_obj) / o.n);
	return 0;
}

static volatile sig_atomic_t ka_request;	/* 1 on, 2 off */

static void on_ka_signal(int sig)
{
	ka_request = sig == SIGUSR1 ? 1 : 2;
}

/*
 * N idle connections, held until SIGTERM; SIGUSR1 turns SO_KEEPALIVE on
 * for all of them, SIGUSR2 off, each acknowledged by a line on stdout. The
 * caller measures the CPU in between, so that XTCP's and Linux TCP's
 * connections can stay open side by side and take turns.
 */
static int run_keepalive(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction su = { .sa_handler = on_ka_signal };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	sigset_t block, old;
	int *fds, on;
	double t0;
	long i;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &su, NULL);
	sigaction(SIGUSR2, &su, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	t0 = now();
	fds = open_idle(o.n, 0);
	printf("keepalive family=%s n=%ld setup_s=%.1f ready\n", o.fname, o.n, now() - t0);
	while (!stop_signal) {
		sigsuspend(&old);
		if (!ka_request)
			continue;
		on = ka_request == 1;
		ka_request = 0;
		for (i = 0; i < o.n; i++)
			set_int(fds[i], SOL_SOCKET, SO_KEEPALIVE, on, "SO_KEEPALIVE");
		printf("keepalive family=%s %s\n", o.fname, on ? "on" : "off");
	}
	/* reset, not close: no TIME_WAIT entries left behind */
	for (i = 0; i < o.n; i++) {
		setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fds[i]);
	}
	free(fds);
	return 0;
}

static int run_bulk(void)
{
	char *buf = malloc(STREAM_CHUNK);
	uint64_t left = o.bytes;
	long long rto0, rto1;
	double t0, t1;
	size_t len;
	int fd;

	if (!buf)
		fail("malloc");
	signal(SIGPIPE, SIG_IGN);
	memset(buf, 'b', STREAM_CHUNK);
	rto0 = read_counter("TCPTimeouts");
	t0 = now();
	fd = connect_one(0);
	while (left) {
		len = left < STREAM_CHUNK ? left : STREAM_CHUNK;
		write_all(fd, buf, len);
		left -= len;
	}
	if (shutdown(fd, SHUT_WR))
		fail("shutdown");
	read_to_eof(fd);
	t1 = now();
	close(fd);
	rto1 = read_counter("TCPTimeouts");
	free(buf);
	printf("bulk family=%s bytes=%llu rto=%lld value=%.3f unit=s\n", o.fname,
	       (unsigned long long)o.bytes, rto1 - rto0, t1 - t0);
	return 0;
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	switch (o.role) {
	case R_SERVER:
		return run_server();
	case R_STREAM:
		return run_clients(stream_thread, "bytes/s");
	case R_RR:
		return run_clients(rr_thread, "trans/s");
	case R_CRR:
		return run_clients(crr_thread, "conn/s");
	case R_BULK:
		return run_bulk();
	case R_MEM:
		return run_mem();
	case R_KEEPALIVE:
		return run_keepalive();
	}
	return 2;
}
