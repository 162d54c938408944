// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-ss: list XTCP sockets the way ss(8) lists TCP ones, through the
 * module's sock_diag handler (module/xtcp_diag.c): one NETLINK_SOCK_DIAG
 * dump of inet_diag for XTCP's IP protocol number, filtered in the kernel
 * by state and by ss's filter expressions (compiled to inet_diag bytecode).
 *
 *   xtcp-ss [-naloempisHO] [-N NETNS] [state STATE]... [exclude STATE]...
 *           [EXPRESSION]
 *   xtcp-ss -S [-azrsn] [-N NETNS] [PATTERN...]
 *
 * Options and output follow ss: the default lists connected sockets (not
 * listening, TIME-WAIT or SYN-RECV ones), -l listening ones, -a all;
 * -n numeric ports (else names from /etc/services, as ss), -r host names;
 * -o timers "timer:(keepalive,1.2sec,0)"; -e uid, inode, cookie, cgroup,
 * shutdown; -m skmem:(...); -i tcp_info (ts sack reno wscale rto rtt mss
 * cwnd ssthresh ... as ss -i); -p processes holding each socket (by inode,
 * from /proc/PID/fd); -s a summary with the count per state; -H no header;
 * -O one line per socket; -N NETNS run in a named network namespace;
 * -4 IPv4 sockets only, -6 IPv6 ones only (both by default; as in ss,
 * a dual-stack listener on :: shows as *, an IPv6 address in brackets);
 * -t accepted and ignored.
 * STATE: all connected synchronized bucket big established syn-sent
 * syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack
 * listening closing. EXPRESSION: src|dst [=|!=] ADDR[/PLEN][:PORT]
 * (IPv6: [ADDR][/PLEN][:PORT], or ADDR[/PLEN] without a port),
 * sport|dport OP [:]PORT with OP one of = == != > >= < <= eq ne gt ge lt
 * le, combined with and/&/&&, or/|/||, not/!, parentheses; juxtaposition
 * is "and".
 *
 * -S prints the counters of /proc/net/xtcp_stat as nstat(8) prints the
 * kernel's: increments since the previous call (kept in a history file:
 * $XTCP_SS_HISTORY, else $XDG_RUNTIME_DIR/xtcp-ss.u<UID>.net<NETNS-INODE>,
 * else /tmp/.xtcp-ss.u<UID>.net<NETNS-INODE>, one per network namespace
 * since the counters are), -a absolute values, -z zero counters too, -r
 * reset the history, -s do not update it, -n update it only; PATTERNs
 * are shell globs on counter names. CurrEstab, a gauge, is left out as
 * nstat leaves TcpCurrEstab out.
 *
 * The protocol number is the loaded module's (/sys/module/xtcp/parameters/
 * ipproto), else 253; --ipproto N overrides it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "linux/xtcp.h"

#define PROG "xtcp-ss"

/* TCP states as the kernel numbers them (and ss's SS_* bits) */
enum {
	ST_UNKNOWN, ST_ESTABLISHED, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK,
	ST_LISTEN, ST_CLOSING, ST_MAX
};
#define ST_ALL	((1 << ST_MAX) - 1)
#define ST_CONN	(ST_ALL & ~((1 << ST_LISTEN) | (1 << ST_CLOSE) | \
			    (1 << ST_TIME_WAIT) | (1 << ST_SYN_RECV)))

static const char *const state_name[ST_MAX] = {
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
	"FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
	"LISTEN", "CLOSING",
};

static const char *const state_word[ST_MAX] = {
	"unknown", "established", "syn-sent", "syn-recv", "fin-wait-1",
	"fin-wait-2", "time-wait", "unconnected", "close-wait", "last-ack",
	"listening", "closing",
};

static int numeric, resolve_hosts, show_options, show_details, show_mem;
static int show_info, show_processes, show_header = 1, oneline;
static int ipproto;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* Output: ss's columns, measured over all lines, then rendered        */
/* ------------------------------------------------------------------ */

enum col_id { COL_STATE, COL_RECVQ, COL_SENDQ, COL_ADDR, COL_SERV,
	      COL_RADDR, COL_RSERV, COL_EXT, COL_PROC, COL_MAX };
enum { ALIGN_LEFT, ALIGN_RIGHT };

struct column {
	int align;
	const char *header;
	const char *ldelim;	/* printed before the field, except first */
	int disabled;
	int width;
	int max_len;
};

static struct column columns[COL_MAX] = {
	[COL_STATE] = { ALIGN_LEFT,  "State",          " " },
	[COL_RECVQ] = { ALIGN_LEFT,  "Recv-Q",         " " },
	[COL_SENDQ] = { ALIGN_LEFT,  "Send-Q",         " " },
	[COL_ADDR]  = { ALIGN_RIGHT, "Local Address:", " " },
	[COL_SERV]  = { ALIGN_LEFT,  "Port",           ""  },
	[COL_RADDR] = { ALIGN_RIGHT, "Peer Address:",  " " },
	[COL_RSERV] = { ALIGN_LEFT,  "Port",           ""  },
	[COL_EXT]   = { ALIGN_LEFT,  "Process",        ""  },
	[COL_PROC]  = { ALIGN_LEFT,  "",               ""  },
};

/* A growing string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			die("vsnprintf failed");
		if (b->s && (size_t)n < room) {
			b->len += n;
			return;
		}
		b->cap = (b->cap ? b->cap : 64) * 2 + n;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			die("out of memory");
		if (b->len == 0)
			b->s[0] = '\0';
	}
}

static const char *sb_str(struct sbuf *b)
{
	return b->s ? b->s : "";
}

/* One output line: a string per column. */
struct line {
	char *field[COL_MAX];
};

static struct line *lines;
static size_t nlines, caplines;

static struct line *line_new(void)
{
	if (nlines == caplines) {
		caplines = caplines ? caplines * 2 : 64;
		lines = realloc(lines, caplines * sizeof(*lines));
		if (!lines)
			die("out of memory");
	}
	memset(&lines[nlines], 0, sizeof(lines[0]));
	return &lines[nlines++];
}

static int screen_width(void)
{
	struct winsize w;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 &&
	    w.ws_col > 0)
		return w.ws_col;
	return -1;
}

/*
 * Column widths as ss computes them: each column as wide as its longest
 * field (plus its delimiter); on a terminal, the line's spare width spread
 * over its columns, and columns that do not fit start a new line.
 */
static void calc_widths(void)
{
	int sw = screen_width(), first = 1, len = 0, linecols = 0;
	struct column *c, *eol = columns - 1;
	size_t i;

	for (c = columns; c < columns + COL_MAX; c++) {
		c->max_len = 0;
		if (c->disabled)
			continue;
		for (i = 0; i < nlines; i++) {
			const char *f = lines[i].field[c - columns];
			int l = f ? (int)strlen(f) : 0;

			if (l > c->max_len)
				c->max_len = l;
		}
		c->width = c->max_len;
		if (!first && c->max_len)
			c->width += strlen(c->ldelim);
		if (sw > 0 && c->width > sw)
			c->width = sw;
		if (c->width)
			first = 0;
	}
	if (sw < 0)
		return;		/* not a terminal: compact */

	for (c = columns; c < columns + COL_MAX; c++) {
		struct column *t;
		int pad, spacing, rem, last = 1;

		if (!c->width)
			continue;
		linecols++;
		len += c->width;
		for (t = c + 1; t < columns + COL_MAX; t++) {
			if (t->width) {
				last = 0;
				break;
			}
		}
		if (!last && len < sw)
			continue;
		if (len > sw) {		/* this column goes to the next line */
			len -= c->width;
			c--;
			linecols--;
		}
		if (len != sw && linecols) {
			pad = sw - len;
			spacing = pad / linecols;
			rem = pad % linecols;
			for (t = c; t > eol; t--) {
				if (!t->width)
					continue;
				t->width += spacing;
				if (rem) {
					t->width++;
					rem--;
				}
			}
		}
		eol = c;
		len = 0;
		linecols = 0;
	}
}

static void render(void)
{
	size_t i;

	calc_widths();
	for (i = 0; i < nlines; i++) {
		int started = 0;
		struct column *c;

		for (c = columns; c < columns + COL_MAX; c++) {
			const char *f = lines[i].field[c - columns];
			int printed = 0, len, s;

			if (c->disabled)
				continue;
			f = f ? f : "";
			len = strlen(f);
			if (started++)
				printed = printf("%s", c->ldelim);
			if (c->width && c->align == ALIGN_RIGHT) {
				s = c->width - len - printed;
				if (s > 0)
					printed += printf("%*c", s, ' ');
			}
			printed += fwrite(f, 1, len, stdout);
			if (c->width && c->align == ALIGN_LEFT) {
				s = c->width - printed;
				if (s > 0)
					printf("%*c", s, ' ');
			}
		}
		putchar('\n');
	}
}

/* ------------------------------------------------------------------ */
/* Filter expressions                                                  */
/* ------------------------------------------------------------------ */

/* One socket, request or TIME_WAIT entry of a dump. */
struct entry {
	int state, timer, retrans;
	unsigned int expires, rq, wq, uid, ino, ifindex;
	unsigned long long cookie;
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];	/* IPv4: the first 4 bytes */
	bool v6only;		/* an IPv6 socket with IPV6_V6ONLY */
	int sport, dport;
	int shutdown;		/* -1: not reported */
	unsigned int mark;
	unsigned long long cgroup;
	bool has_cgroup;
	bool has_info;
	struct tcp_info info;
	char cong[16];
	int nskmem;
	uint32_t skmem[SK_MEMINFO_VARS];
	bool has_mem;
	struct inet_diag_meminfo mem;
};

enum f_type { F_SCOND, F_DCOND, F_S_GE, F_S_LE, F_D_GE, F_D_LE,
	      F_AND, F_OR, F_NOT };

struct fnode {
	enum f_type type;
	struct fnode *a, *b;
	int port;		/* -1: any */
	int plen;		/* prefix length, 0: any address */
	int family;		/* of addr: AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
};

static char **ftok;
static int nftok, ftpos;

static const char *tok_peek(void)
{
	return ftpos < nftok ? ftok[ftpos] : NULL;
}

static const char *tok_next(void)
{
	if (ftpos >= nftok)
		die("filter: unexpected end of expression");
	return ftok[ftpos++];
}

static struct fnode *fnode_new(enum f_type t, struct fnode *a, struct fnode *b)
{
	struct fnode *n = xmalloc(sizeof(*n));

	n->type = t;
	n->a = a;
	n->b = b;
	n->port = -1;
	return n;
}

static int parse_port(const char *s)
{
	struct servent *se;
	char *end;
	long v;

	if (*s == ':')
		s++;
	if (!*s || !strcmp(s, "*"))
		return -1;
	v = strtol(s, &end, 10);
	if (!*end) {
		if (v < 0 || v > 65535)
			die("filter: bad port \"%s\"", s);
		return v;
	}
	se = getservbyname(s, "tcp");
	if (!se)
		die("filter: \"%s\" does not look like a port", s);
	return ntohs(se->s_port);
}

/* the address family of filter addresses: -4 or -6 alone narrow it, as in ss */
static int filter_family = AF_UNSPEC;

/*
 * ADDR[/PLEN][:PORT], *[:PORT], :PORT; IPv6: [ADDR][/PLEN][:PORT] or a
 * bare ADDR[/PLEN] (two colons or more: no port). A host name may give
 * several addresses, of either family.
 */
static struct fnode *parse_hostcond(enum f_type t, const char *arg)
{
	char *s = xstrdup(arg), *host = s, *port = NULL, *slash, *end;
	struct addrinfo hints = { .ai_family = filter_family,
				  .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct fnode *n = NULL, *m;
	int plen = -1, p = -1;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			die("filter: missing \"]\" in \"%s\"", arg);
		*end++ = '\0';
		host = s + 1;
		if (*end == '/') {	/* [ADDR]/PLEN[:PORT] */
			slash = end;
			end = strchr(slash, ':');
			if (end)
				*end++ = '\0';
			if (strchr(host, '/'))
				die("filter: two prefix lengths in \"%s\"", arg);
			memmove(host + strlen(host), slash, strlen(slash) + 1);
		} else if (*end == ':') {
			end++;
		} else if (*end) {
			die("filter: \"%s\" after \"]\" in \"%s\"", end, arg);
		}
		port = end;
	} else if (s[0] == '*') {
		port = s + 1;
		s[0] = '\0';
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		port = NULL;		/* a bare IPv6 address */
	} else {
		port = strrchr((slash = strchr(s, '/')) ? slash : s, ':');
		if (port)
			*port++ = '\0';
	}
	if (port && *port == ':')
		port++;
	if (port && *port)
		p = parse_port(port);
	slash = strchr(host, '/');
	if (slash) {
		*slash++ = '\0';
		plen = strtol(slash, &end, 10);
		if (*end || !*slash || plen < 0 || plen > 128)
			die("filter: bad prefix length in \"%s\"", arg);
	}
	if (!*host || !strcmp(host, "*")) {
		n = fnode_new(t, NULL, NULL);
		n->port = p;
		free(s);
		return n;
	}
	if (getaddrinfo(host, NULL, &hints, &res))
		die("filter: an %s address or prefix is expected rather than \"%s\"",
		    filter_family == AF_INET ? "IPv4" : filter_family == AF_INET6 ? "IPv6" :
		    "IPv4 or IPv6", arg);
	for (ai = res; ai; ai = ai->ai_next) {
		bool v6 = ai->ai_family == AF_INET6;

		if (ai->ai_family != AF_INET && !v6)
			continue;
		if (plen > (v6 ? 128 : 32))
			die("filter: prefix length %d is longer than an %s address",
			    plen, v6 ? "IPv6" : "IPv4");
		m = fnode_new(t, NULL, NULL);
		m->port = p;
		m->family = ai->ai_family;
		m->plen = plen >= 0 ? plen : v6 ? 128 : 32;
		if (v6)
			memcpy(m->addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			memcpy(m->addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		n = n ? fnode_new(F_OR, n, m) : m;
	}
	freeaddrinfo(res);
	if (!n)
		die("filter: no IPv4 or IPv6 address for \"%s\"", arg);
	free(s);
	return n;
}

static struct fnode *parse_or(void);

static struct fnode *parse_atom(void)
{
	const char *t = tok_next(), *op;
	bool src, neg = false;
	struct fnode *n;
	int port;

	if (!strcmp(t, "(")) {
		n = parse_or();
		if (!tok_peek() || strcmp(tok_next(), ")"))
			die("filter: missing \")\"");
		return n;
	}
	if (!strcmp(t, "!") || !strcmp(t, "not"))
		return fnode_new(F_NOT, parse_atom(), NULL);

	if (!strcmp(t, "src") || !strcmp(t, "dst")) {
		src = t[0] == 's';
		op = tok_next();
		if (!strcmp(op, "=") || !strcmp(op, "==") || !strcmp(op, "eq")) {
			op = tok_next();
		} else if (!strcmp(op, "!=") || !strcmp(op, "ne")) {
			neg = true;
			op = tok_next();
		}
		n = parse_hostcond(src ? F_SCOND : F_DCOND, op);
		return neg ? fnode_new(F_NOT, n, NULL) : n;
	}
	if (!strcmp(t, "sport") || !strcmp(t, "dport")) {
		enum f_type cond, ge, le;

		src = t[0] == 's';
		cond = src ? F_SCOND : F_DCOND;
		ge = src ? F_S_GE : F_D_GE;
		le = src ? F_S_LE : F_D_LE;
		op = tok_next();
		if (op[0] == ':' || isdigit((unsigned char)op[0])) {
			port = parse_port(op);	/* "sport :22": equal */
			op = "=";
		} else {
			port = parse_port(tok_next());
		}
		if (port < 0)
			die("filter: %s needs a port", t);
		if (!strcmp(op, "=") || !strcmp(op, "==") || !strcmp(op, "eq") ||
		    !strcmp(op, "!=") || !strcmp(op, "ne")) {
			n = fnode_new(cond, NULL, NULL);
			n->port = port;
			if (op[0] == '!' || op[0] == 'n')
				n = fnode_new(F_NOT, n, NULL);
		} else if (!strcmp(op, ">=") || !strcmp(op, "ge")) {
			n = fnode_new(ge, NULL, NULL);
		} else if (!strcmp(op, "<=") || !strcmp(op, "le")) {
			n = fnode_new(le, NULL, NULL);
		} else if (!strcmp(op, ">") || !strcmp(op, "gt")) {
			n = fnode_new(F_NOT, fnode_new(le, NULL, NULL), NULL);
			n->a->port = port;
		} else if (!strcmp(op, "<") || !strcmp(op, "lt")) {
			n = fnode_new(F_NOT, fnode_new(ge, NULL, NULL), NULL);
			n->a->port = port;
		} else {
			die("filter: unknown operator \"%s\"", op);
		}
		if (n->type != F_NOT)
			n->port = port;
		return n;
	}
	die("filter: unexpected \"%s\"", t);
}

static bool tok_is(const char *t, const char *a, const char *b, const char *c)
{
	return t && (!strcmp(t, a) || !strcmp(t, b) || !strcmp(t, c));
}

static struct fnode *parse_and(void)
{
	struct fnode *n = parse_atom();
	const char *t;

	while ((t = tok_peek()) && strcmp(t, ")") &&
	       !tok_is(t, "or", "|", "||")) {
		if (tok_is(t, "and", "&", "&&"))
			ftpos++;
		n = fnode_new(F_AND, n, parse_atom());
	}
	return n;
}

static struct fnode *parse_or(void)
{
	struct fnode *n = parse_and();

	while (tok_is(tok_peek(), "or", "|", "||")) {
		ftpos++;
		n = fnode_new(F_OR, n, parse_and());
	}
	return n;
}

/*
 * Split the words of an expression (one argument or many, as ss takes it)
 * into tokens at blanks; parentheses and a "!" not followed by "=" stand
 * alone even when written against a word.
 */
static void tokenize(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *p = argv[i];

		while (*p) {
			size_t n = 0;

			if (isspace((unsigned char)*p)) {
				p++;
				continue;
			}
			if (*p == '(' || *p == ')' || (*p == '!' && p[1] != '='))
				n = 1;
			else
				while (p[n] && !isspace((unsigned char)p[n]) &&
				       p[n] != '(' && p[n] != ')' &&
				       !(p[n] == '!' && p[n + 1] != '='))
					n++;
			ftok = realloc(ftok, (nftok + 1) * sizeof(*ftok));
			if (!ftok)
				die("out of memory");
			ftok[nftok] = strndup(p, n);
			if (!ftok[nftok++])
				die("out of memory");
			p += n;
		}
	}
}

/* The first @plen bits of @a and @p are equal. */
static bool prefix_match(const uint8_t *a, const uint8_t *p, int plen)
{
	int whole = plen / 8, rest = plen % 8;

	if (memcmp(a, p, whole))
		return false;
	return !rest || !((a[whole] ^ p[whole]) & (0xff00 >> rest));
}

/* Does address @a of @family (an entry's) fall in host condition @n? */
static bool host_match(const struct fnode *n, int family, const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!n->plen)
		return true;
	if (n->family == family)
		return prefix_match(a, n->addr, n->plen);
	/* an IPv4 condition on a v4-mapped IPv6 entry, as inet_diag_bc_run() */
	return n->family == AF_INET && family == AF_INET6 &&
	       !memcmp(a, mapped, 12) && prefix_match(a + 12, n->addr, n->plen);
}

/* The expression on one entry (ss also checks in user space). */
static bool fmatch(const struct fnode *n, const struct entry *e)
{
	switch (n->type) {
	case F_SCOND:
	case F_DCOND: {
		bool s = n->type == F_SCOND;

		if (n->port != -1 && n->port != (s ? e->sport : e->dport))
			return false;
		return host_match(n, e->family, s ? e->src : e->dst);
	}
	case F_S_GE: return e->sport >= n->port;
	case F_S_LE: return e->sport <= n->port;
	case F_D_GE: return e->dport >= n->port;
	case F_D_LE: return e->dport <= n->port;
	case F_AND: return fmatch(n->a, e) && fmatch(n->b, e);
	case F_OR: return fmatch(n->a, e) || fmatch(n->b, e);
	case F_NOT: return !fmatch(n->a, e);
	}
	return false;
}

/*
 * Bytecode for inet_diag (the kernel runs it through inet_diag_bc_sk()).
 * Every instruction's "yes" is the next instruction, so each position is
 * reachable the way the kernel's audit checks; "no" jumps forward to a
 * label. An expression's code falls through when true and jumps to its
 * false label otherwise; the program accepts an entry when it runs off its
 * end, and rejects it at the end + 4.
 */
struct bc {
	unsigned char *code;
	int len, cap;
	int *label_pos;		/* -1 until placed */
	int nlabels;
	struct { int at, label; } *fix;
	int nfix;
};

#define BC_REJECT	0	/* label 0: end of program + 4 */

static int bc_label(struct bc *b)
{
	b->label_pos = realloc(b->label_pos, (b->nlabels + 1) * sizeof(int));
	if (!b->label_pos)
		die("out of memory");
	b->label_pos[b->nlabels] = -1;
	return b->nlabels++;
}

static void *bc_room(struct bc *b, int n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->cap + n) * 2;
		b->code = realloc(b->code, b->cap);
		if (!b->code)
			die("out of memory");
	}
	memset(b->code + b->len, 0, n);
	b->len += n;
	return b->code + b->len - n;
}

/* An instruction of @size bytes: yes = next, no = @label. */
static struct inet_diag_bc_op *bc_op(struct bc *b, int code, int size, int label)
{
	int at = b->len;
	struct inet_diag_bc_op *op = bc_room(b, size);

	op->code = code;
	op->yes = size;
	b->fix = realloc(b->fix, (b->nfix + 1) * sizeof(*b->fix));
	if (!b->fix)
		die("out of memory");
	b->fix[b->nfix].at = at;
	b->fix[b->nfix++].label = label;
	return op;
}

static void bc_gen(struct bc *b, const struct fnode *n, int f)
{
	struct inet_diag_bc_op *op;
	int m, t;

	switch (n->type) {
	case F_SCOND:
	case F_DCOND: {
		int alen = !n->plen ? 0 : n->family == AF_INET6 ? 16 : 4;
		int size = sizeof(*op) + sizeof(struct inet_diag_hostcond) + alen;
		struct inet_diag_hostcond *hc;

		op = bc_op(b, n->type == F_SCOND ? INET_DIAG_BC_S_COND :
			   INET_DIAG_BC_D_COND, size, f);
		hc = (struct inet_diag_hostcond *)(op + 1);
		hc->family = n->plen ? n->family : AF_UNSPEC;
		hc->prefix_len = n->plen;
		hc->port = n->port;
		if (alen)
			memcpy(hc->addr, n->addr, alen);
		break;
	}
	case F_S_GE: case F_S_LE: case F_D_GE: case F_D_LE: {
		static const int code[] = {
			[F_S_GE] = INET_DIAG_BC_S_GE, [F_S_LE] = INET_DIAG_BC_S_LE,
			[F_D_GE] = INET_DIAG_BC_D_GE, [F_D_LE] = INET_DIAG_BC_D_LE,
		};

		op = bc_op(b, code[n->type], 2 * sizeof(*op), f);
		op[1].no = n->port;	/* the port rides in a second op */
		break;
	}
	case F_AND:
		bc_gen(b, n->a, f);
		bc_gen(b, n->b, f);
		break;
	case F_OR:			/* a ? true : b */
		m = bc_label(b);
		t = bc_label(b);
		bc_gen(b, n->a, m);
		bc_op(b, INET_DIAG_BC_JMP, sizeof(*op), t);
		b->label_pos[m] = b->len;
		bc_gen(b, n->b, f);
		b->label_pos[t] = b->len;
		break;
	case F_NOT:			/* a ? false : true */
		m = bc_label(b);
		bc_gen(b, n->a, m);
		bc_op(b, INET_DIAG_BC_JMP, sizeof(*op), f);
		b->label_pos[m] = b->len;
		break;
	}
}

static void bc_compile(struct bc *b, const struct fnode *root)
{
	int i;

	memset(b, 0, sizeof(*b));
	bc_label(b);			/* BC_REJECT */
	bc_gen(b, root, BC_REJECT);
	b->label_pos[BC_REJECT] = b->len + 4;
	for (i = 0; i < b->nfix; i++) {
		struct inet_diag_bc_op *op = (void *)(b->code + b->fix[i].at);

		op->no = b->label_pos[b->fix[i].label] - b->fix[i].at;
	}
}

/* ------------------------------------------------------------------ */
/* sock_diag                                                            */
/* ------------------------------------------------------------------ */


static struct entry *entries;
static size_t nentries;

static void parse_entry(const struct nlmsghdr *h)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);
	struct rtattr *tb[INET_DIAG_MAX + 1] = { NULL }, *a;
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*r));
	struct entry *e;

	if (len < 0)
		die("short sock_diag message");
	entries = realloc(entries, (nentries + 1) * sizeof(*entries));
	if (!entries)
		die("out of memory");
	e = &entries[nentries++];
	memset(e, 0, sizeof(*e));

	for (a = (struct rtattr *)((char *)r + NLMSG_ALIGN(sizeof(*r)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= INET_DIAG_MAX)
			tb[a->rta_type] = a;

	e->state = r->idiag_state < ST_MAX ? r->idiag_state : ST_UNKNOWN;
	e->timer = r->idiag_timer;
	e->retrans = r->idiag_retrans;
	e->expires = r->idiag_expires;
	e->rq = r->idiag_rqueue;
	e->wq = r->idiag_wqueue;
	e->uid = r->idiag_uid;
	e->ino = r->idiag_inode;
	e->ifindex = r->id.idiag_if;
	e->cookie = ((unsigned long long)r->id.idiag_cookie[1] << 32) |
		    r->id.idiag_cookie[0];
	e->family = r->idiag_family;
	memcpy(e->src, r->id.idiag_src, sizeof(e->src));
	memcpy(e->dst, r->id.idiag_dst, sizeof(e->dst));
	e->v6only = tb[INET_DIAG_SKV6ONLY] &&
		    *(uint8_t *)RTA_DATA(tb[INET_DIAG_SKV6ONLY]);
	e->sport = ntohs(r->id.idiag_sport);
	e->dport = ntohs(r->id.idiag_dport);
	e->shutdown = tb[INET_DIAG_SHUTDOWN] ?
		      *(uint8_t *)RTA_DATA(tb[INET_DIAG_SHUTDOWN]) : -1;
	if (tb[INET_DIAG_MARK])
		e->mark = *(uint32_t *)RTA_DATA(tb[INET_DIAG_MARK]);
	if (tb[INET_DIAG_CGROUP_ID]) {
		memcpy(&e->cgroup, RTA_DATA(tb[INET_DIAG_CGROUP_ID]), 8);
		e->has_cgroup = true;
	}
	if (tb[INET_DIAG_INFO]) {
		int n = RTA_PAYLOAD(tb[INET_DIAG_INFO]);

		/* older or newer kernels: shorter or longer structs */
		memcpy(&e->info, RTA_DATA(tb[INET_DIAG_INFO]),
		       n < (int)sizeof(e->info) ? n : (int)sizeof(e->info));
		e->has_info = true;
	}
	if (tb[INET_DIAG_CONG])
		snprintf(e->cong, sizeof(e->cong), "%.*s",
			 (int)RTA_PAYLOAD(tb[INET_DIAG_CONG]),
			 (char *)RTA_DATA(tb[INET_DIAG_CONG]));
	if (tb[INET_DIAG_SKMEMINFO]) {
		int n = RTA_PAYLOAD(tb[INET_DIAG_SKMEMINFO]) / sizeof(uint32_t);

		e->nskmem = n < SK_MEMINFO_VARS ? n : SK_MEMINFO_VARS;
		memcpy(e->skmem, RTA_DATA(tb[INET_DIAG_SKMEMINFO]),
		       e->nskmem * sizeof(uint32_t));
	}
	if (tb[INET_DIAG_MEMINFO] &&
	    RTA_PAYLOAD(tb[INET_DIAG_MEMINFO]) >= sizeof(e->mem)) {
		memcpy(&e->mem, RTA_DATA(tb[INET_DIAG_MEMINFO]), sizeof(e->mem));
		e->has_mem = true;
	}
}

static bool module_loaded(void)
{
	return access("/sys/module/xtcp", F_OK) == 0;
}

static void diag_error(int err)
{
	if (err == ENOENT && !module_loaded())
		die("XTCP module not loaded (no sock_diag handler for protocol %d)",
		    ipproto);
	if (err == ENOENT)
		die("no sock_diag handler for protocol %d (xtcp.ko built without "
		    "inet_diag, or loaded with another ipproto?)", ipproto);
	die("sock_diag dump: %s", strerror(err));
}

/* Dump XTCP entries of @family in @states, with attributes @ext, bytecode @bc. */
static void diag_dump(int family, uint32_t states, uint8_t ext, const struct bc *bc)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	static char buf[65536] __attribute__((aligned(8)));
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct rtattr rta;
	struct iovec iov[4];
	struct msghdr msg = { .msg_name = &nl, .msg_namelen = sizeof(nl),
			      .msg_iov = iov };
	static const char pad[4];
	int fd, iovlen = 1;
	uint32_t seq = time(NULL);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		die("socket(NETLINK_SOCK_DIAG): %s", strerror(errno));

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = seq;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = ipproto;
	req.r.idiag_states = states;
	req.r.idiag_ext = ext;
	iov[0] = (struct iovec){ &req, sizeof(req) };
	if (bc && bc->len) {
		rta.rta_type = INET_DIAG_REQ_BYTECODE;
		rta.rta_len = RTA_LENGTH(bc->len);
		iov[1] = (struct iovec){ &rta, sizeof(rta) };
		iov[2] = (struct iovec){ bc->code, bc->len };
		iov[3] = (struct iovec){ (void *)pad, RTA_ALIGN(bc->len) - bc->len };
		req.nlh.nlmsg_len += RTA_SPACE(bc->len);
		iovlen = 4;
	}
	msg.msg_iovlen = iovlen;
	if (sendmsg(fd, &msg, 0) < 0)
		die("sendmsg(NETLINK_SOCK_DIAG): %s", strerror(errno));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recv(NETLINK_SOCK_DIAG): %s", strerror(errno));
		}
		if (n == 0)
			die("sock_diag: connection closed");
		len = n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(h), sizeof(int));
				if (err < 0)
					diag_error(-err);
				close(fd);
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					die("sock_diag: truncated error");
				if (e->error)
					diag_error(-e->error);
				continue;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				parse_entry(h);
		}
	}
}

/* diag_dump() for IPv4 (bit 0 of @fams) and IPv6 (bit 1); 0: both. */
static void diag_dumps(int fams, uint32_t states, uint8_t ext, const struct bc *bc)
{
	if (!fams || (fams & 1))
		diag_dump(AF_INET, states, ext, bc);
	if (!fams || (fams & 2))
		diag_dump(AF_INET6, states, ext, bc);
}

/* ------------------------------------------------------------------ */
/* Names: services, hosts, interfaces, processes, cgroups             */
/* ------------------------------------------------------------------ */

static bool is_ephemeral(int port)
{
	static int lo, hi;

	if (!lo) {
		FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

		if (!f || fscanf(f, "%d %d", &lo, &hi) != 2) {
			lo = 1024;
			hi = 4999;
		}
		if (f)
			fclose(f);
	}
	return port >= lo && port <= hi;
}

static const char *port_name(int port, char *buf, size_t len)
{
	struct servent *se;

	if (!port)
		return "*";
	if (!numeric && !is_ephemeral(port)) {
		se = getservbyport(htons(port), "tcp");
		if (se)
			return se->s_name;
	}
	snprintf(buf, len, "%d", port);
	return buf;
}

/*
 * Address @a of @family as ss prints it: IPv4 dotted, IPv6 in brackets, the
 * IPv6 any address of a dual-stack socket as "*" (host names with -r).
 */
static const char *host_name(int family, const uint8_t *a, bool v6only, char *buf,
			     size_t len)
{
	static const uint8_t any[16];
	struct sockaddr_storage ss = { .ss_family = family };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	bool v6 = family == AF_INET6;
	char h[NI_MAXHOST];

	if (v6 && !v6only && !memcmp(a, any, 16)) {
		snprintf(buf, len, "*");
		return buf;
	}
	if (v6)
		memcpy(&sin6->sin6_addr, a, 16);
	else
		memcpy(&sin->sin_addr, a, 4);
	if (!resolve_hosts || !memcmp(a, any, v6 ? 16 : 4) ||
	    getnameinfo((struct sockaddr *)&ss, v6 ? sizeof(*sin6) : sizeof(*sin),
			h, sizeof(h), NULL, 0, NI_NAMEREQD))
		inet_ntop(family, v6 ? (void *)&sin6->sin6_addr : (void *)&sin->sin_addr,
			  h, sizeof(h));
	snprintf(buf, len, strchr(h, ':') ? "[%s]" : "%s", h);
	return buf;
}

struct user {
	struct user *next;
	unsigned int ino;
	int pid, fd;
	char comm[64];
};

#define USER_HASH 256
static struct user *users[USER_HASH];

/* Every process's sockets, by inode, from /proc/PID/fd (ss -p). */
static void users_build(void)
{
	DIR *proc = opendir("/proc"), *fds;
	struct dirent *d, *f;

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		char path[PATH_MAX], link[64], comm[64] = "";
		int pid = atoi(d->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((f = readdir(fds))) {
			unsigned int ino;
			struct user *u;
			ssize_t n;

			if (!isdigit((unsigned char)f->d_name[0]))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n < 0)
				continue;
			link[n] = '\0';
			if (sscanf(link, "socket:[%u]", &ino) != 1)
				continue;
			if (!comm[0]) {
				FILE *sf;

				snprintf(path, sizeof(path), "/proc/%d/stat", pid);
				sf = fopen(path, "r");
				if (!sf || fscanf(sf, "%*d (%63[^)])", comm) != 1)
					snprintf(comm, sizeof(comm), "?");
				if (sf)
					fclose(sf);
			}
			u = xmalloc(sizeof(*u));
			u->ino = ino;
			u->pid = pid;
			u->fd = atoi(f->d_name);
			snprintf(u->comm, sizeof(u->comm), "%s", comm);
			u->next = users[ino % USER_HASH];
			users[ino % USER_HASH] = u;
		}
		closedir(fds);
	}
	closedir(proc);
}

static void users_print(struct sbuf *b, unsigned int ino)
{
	struct user *u;
	int n = 0;

	if (!ino)
		return;
	for (u = users[ino % USER_HASH]; u; u = u->next) {
		if (u->ino != ino)
			continue;
		sb_printf(b, "%s(\"%s\",pid=%d,fd=%d)", n++ ? "," : " users:(",
			  u->comm, u->pid, u->fd);
	}
	if (n)
		sb_printf(b, ")");
}

static unsigned long long cg_want;
static char cg_found[PATH_MAX];

static int cg_visit(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D && (unsigned long long)st->st_ino == cg_want) {
		snprintf(cg_found, sizeof(cg_found), "%s", path);
		return 1;
	}
	return 0;
}

/* A cgroup v2 id is its directory's inode number (kernfs). */
static const char *cgroup_path(unsigned long long id, char *buf, size_t len)
{
	static const char root[] = "/sys/fs/cgroup";

	cg_want = id;
	cg_found[0] = '\0';
	if (nftw(root, cg_visit, 16, FTW_PHYS | FTW_MOUNT) == 1) {
		const char *p = cg_found + strlen(root);

		snprintf(buf, len, "%s", *p ? p : "/");
	} else {
		snprintf(buf, len, "unreachable:%llx", id);
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* The fields of one socket                                            */
/* ------------------------------------------------------------------ */

/* ss's print_ms_timer(): "1min", "12sec", "1.234", "345ms" */
static const char *ms_timer(unsigned int ms, char *buf, size_t len)
{
	unsigned int secs = ms / 1000, min = secs / 60, msecs = ms % 1000;
	size_t o = 0;

	secs %= 60;
	buf[0] = '\0';
	if (min) {
		msecs = 0;
		o += snprintf(buf + o, len - o, "%umin", min);
		if (min > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		o += snprintf(buf + o, len - o, "%u%s", secs, msecs ? "." : "sec");
	}
	if (msecs)
		snprintf(buf + o, len - o, "%03ums", msecs);
	return buf;
}

static const char *bw(double v, char *buf, size_t len)
{
	if (numeric)
		snprintf(buf, len, "%.0f", v);
	else if (v >= 1e12)
		snprintf(buf, len, "%.3gT", v / 1e12);
	else if (v >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
	return buf;
}

static void print_skmem(struct sbuf *b, const struct entry *e)
{
	if (e->nskmem >= SK_MEMINFO_OPTMEM + 1) {
		sb_printf(b, " skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u",
			  e->skmem[SK_MEMINFO_RMEM_ALLOC], e->skmem[SK_MEMINFO_RCVBUF],
			  e->skmem[SK_MEMINFO_WMEM_ALLOC], e->skmem[SK_MEMINFO_SNDBUF],
			  e->skmem[SK_MEMINFO_FWD_ALLOC],
			  e->skmem[SK_MEMINFO_WMEM_QUEUED],
			  e->skmem[SK_MEMINFO_OPTMEM]);
		if (e->nskmem > SK_MEMINFO_BACKLOG)
			sb_printf(b, ",bl%u", e->skmem[SK_MEMINFO_BACKLOG]);
		if (e->nskmem > SK_MEMINFO_DROPS)
			sb_printf(b, ",d%u", e->skmem[SK_MEMINFO_DROPS]);
		sb_printf(b, ")");
	} else if (e->has_mem) {
		sb_printf(b, " mem:(r%u,w%u,f%u,t%u)", e->mem.idiag_rmem,
			  e->mem.idiag_wmem, e->mem.idiag_fmem, e->mem.idiag_tmem);
	}
}

/* struct tcp_info as ss -i prints it; fields left zero are not printed. */
static void print_tcp_info(struct sbuf *b, const struct entry *e)
{
	const struct tcp_info *i = &e->info;
	double rtt = i->tcpi_rtt / 1000.0;
	char t[64];

	if (show_options) {
		if (i->tcpi_options & TCPI_OPT_TIMESTAMPS)
			sb_printf(b, " ts");
		if (i->tcpi_options & TCPI_OPT_SACK)
			sb_printf(b, " sack");
		if (i->tcpi_options & TCPI_OPT_ECN)
			sb_printf(b, " ecn");
		if (i->tcpi_options & TCPI_OPT_ECN_SEEN)
			sb_printf(b, " ecnseen");
		if (i->tcpi_options & TCPI_OPT_SYN_DATA)
			sb_printf(b, " fastopen");
	}
	if (e->cong[0])
		sb_printf(b, " %s", e->cong);
	if (i->tcpi_options & TCPI_OPT_WSCALE)
		sb_printf(b, " wscale:%d,%d", i->tcpi_snd_wscale, i->tcpi_rcv_wscale);
	if (i->tcpi_rto && i->tcpi_rto != 3000000)
		sb_printf(b, " rto:%g", i->tcpi_rto / 1000.0);
	if (i->tcpi_backoff)
		sb_printf(b, " backoff:%u", i->tcpi_backoff);
	if (i->tcpi_rtt)
		sb_printf(b, " rtt:%g/%g", rtt, i->tcpi_rttvar / 1000.0);
	if (i->tcpi_ato)
		sb_printf(b, " ato:%g", i->tcpi_ato / 1000.0);
	if (i->tcpi_snd_mss)
		sb_printf(b, " mss:%u", i->tcpi_snd_mss);
	if (i->tcpi_pmtu)
		sb_printf(b, " pmtu:%u", i->tcpi_pmtu);
	if (i->tcpi_rcv_mss)
		sb_printf(b, " rcvmss:%u", i->tcpi_rcv_mss);
	if (i->tcpi_advmss)
		sb_printf(b, " advmss:%u", i->tcpi_advmss);
	if (i->tcpi_snd_cwnd)
		sb_printf(b, " cwnd:%u", i->tcpi_snd_cwnd);
	if (i->tcpi_snd_ssthresh && i->tcpi_snd_ssthresh < 0xFFFF)
		sb_printf(b, " ssthresh:%u", i->tcpi_snd_ssthresh);
	if (i->tcpi_bytes_sent)
		sb_printf(b, " bytes_sent:%llu", (unsigned long long)i->tcpi_bytes_sent);
	if (i->tcpi_bytes_retrans)
		sb_printf(b, " bytes_retrans:%llu",
			  (unsigned long long)i->tcpi_bytes_retrans);
	if (i->tcpi_bytes_acked)
		sb_printf(b, " bytes_acked:%llu", (unsigned long long)i->tcpi_bytes_acked);
	if (i->tcpi_bytes_received)
		sb_printf(b, " bytes_received:%llu",
			  (unsigned long long)i->tcpi_bytes_received);
	if (i->tcpi_segs_out)
		sb_printf(b, " segs_out:%u", i->tcpi_segs_out);
	if (i->tcpi_segs_in)
		sb_printf(b, " segs_in:%u", i->tcpi_segs_in);
	if (i->tcpi_data_segs_out)
		sb_printf(b, " data_segs_out:%u", i->tcpi_data_segs_out);
	if (i->tcpi_data_segs_in)
		sb_printf(b, " data_segs_in:%u", i->tcpi_data_segs_in);
	if (i->tcpi_rtt && i->tcpi_snd_mss && i->tcpi_snd_cwnd)
		sb_printf(b, " send %sbps",
			  bw((double)i->tcpi_snd_cwnd * i->tcpi_snd_mss * 8000000.0 /
			     i->tcpi_rtt, t, sizeof(t)));
	if (i->tcpi_last_data_sent)
		sb_printf(b, " lastsnd:%u", i->tcpi_last_data_sent);
	if (i->tcpi_last_data_recv)
		sb_printf(b, " lastrcv:%u", i->tcpi_last_data_recv);
	if (i->tcpi_last_ack_recv)
		sb_printf(b, " lastack:%u", i->tcpi_last_ack_recv);
	if (i->tcpi_pacing_rate && i->tcpi_pacing_rate != ~0ULL) {
		sb_printf(b, " pacing_rate %sbps",
			  bw(i->tcpi_pacing_rate * 8.0, t, sizeof(t)));
		if (i->tcpi_max_pacing_rate && i->tcpi_max_pacing_rate != ~0ULL)
			sb_printf(b, "/%sbps", bw(i->tcpi_max_pacing_rate * 8.0, t,
						  sizeof(t)));
	}
	if (i->tcpi_delivery_rate)
		sb_printf(b, " delivery_rate %sbps",
			  bw(i->tcpi_delivery_rate * 8.0, t, sizeof(t)));
	if (i->tcpi_delivered)
		sb_printf(b, " delivered:%u", i->tcpi_delivered);
	if (i->tcpi_delivered_ce)
		sb_printf(b, " delivered_ce:%u", i->tcpi_delivered_ce);
	if (i->tcpi_delivery_rate_app_limited)
		sb_printf(b, " app_limited");
	if (i->tcpi_busy_time)
		sb_printf(b, " busy:%llums", (unsigned long long)i->tcpi_busy_time / 1000);
	if (i->tcpi_unacked)
		sb_printf(b, " unacked:%u", i->tcpi_unacked);
	if (i->tcpi_retrans || i->tcpi_total_retrans)
		sb_printf(b, " retrans:%u/%u", i->tcpi_retrans, i->tcpi_total_retrans);
	if (i->tcpi_lost)
		sb_printf(b, " lost:%u", i->tcpi_lost);
	if (i->tcpi_sacked && e->state != ST_LISTEN)
		sb_printf(b, " sacked:%u", i->tcpi_sacked);
	if (i->tcpi_dsack_dups)
		sb_printf(b, " dsack_dups:%u", i->tcpi_dsack_dups);
	if (i->tcpi_fackets)
		sb_printf(b, " fackets:%u", i->tcpi_fackets);
	if (i->tcpi_reordering != 3)
		sb_printf(b, " reordering:%d", i->tcpi_reordering);
	if (i->tcpi_reord_seen)
		sb_printf(b, " reord_seen:%d", i->tcpi_reord_seen);
	if (i->tcpi_rcv_rtt)
		sb_printf(b, " rcv_rtt:%g", i->tcpi_rcv_rtt / 1000.0);
	if (i->tcpi_rcv_space)
		sb_printf(b, " rcv_space:%u", i->tcpi_rcv_space);
	if (i->tcpi_rcv_ssthresh)
		sb_printf(b, " rcv_ssthresh:%u", i->tcpi_rcv_ssthresh);
	if (i->tcpi_notsent_bytes)
		sb_printf(b, " notsent:%u", i->tcpi_notsent_bytes);
	if (i->tcpi_min_rtt && i->tcpi_min_rtt != ~0U)
		sb_printf(b, " minrtt:%g", i->tcpi_min_rtt / 1000.0);
	if (i->tcpi_rcv_ooopack)
		sb_printf(b, " rcv_ooopack:%u", i->tcpi_rcv_ooopack);
	if (i->tcpi_snd_wnd)
		sb_printf(b, " snd_wnd:%u", i->tcpi_snd_wnd);
}

static void add_entry_line(const struct entry *e)
{
	static const char *const tname[] = {
		"off", "on", "keepalive", "timewait", "persist", "unknown"
	};
	struct line *l = line_new();
	char h[NI_MAXHOST], p[32], t[64], ifn[IF_NAMESIZE];
	struct sbuf b = { 0 };

	l->field[COL_STATE] = xstrdup(state_name[e->state]);
	snprintf(p, sizeof(p), "%-6u", e->rq);
	l->field[COL_RECVQ] = xstrdup(p);
	snprintf(p, sizeof(p), "%-6u", e->wq);
	l->field[COL_SENDQ] = xstrdup(p);

	host_name(e->family, e->src, e->v6only, h, sizeof(h));
	if (e->ifindex && if_indextoname(e->ifindex, ifn))
		sb_printf(&b, "%s%%%s:", h, ifn);
	else
		sb_printf(&b, "%s:", h);
	l->field[COL_ADDR] = b.s;
	l->field[COL_SERV] = xstrdup(port_name(e->sport, p, sizeof(p)));
	l->field[COL_RADDR] = malloc(strlen(host_name(e->family, e->dst, e->v6only, h,
						       sizeof(h))) + 2);
	if (!l->field[COL_RADDR])
		die("out of memory");
	sprintf(l->field[COL_RADDR], "%s:", h);
	l->field[COL_RSERV] = xstrdup(port_name(e->dport, p, sizeof(p)));

	memset(&b, 0, sizeof(b));
	if (show_processes)
		users_print(&b, e->ino);
	if (show_options && e->timer)
		sb_printf(&b, " timer:(%s,%s,%d)", tname[e->timer > 4 ? 5 : e->timer],
			  ms_timer(e->expires, t, sizeof(t)), e->retrans);
	if (show_details) {
		if (e->uid)
			sb_printf(&b, " uid:%u", e->uid);
		sb_printf(&b, " ino:%u sk:%llx", e->ino, e->cookie);
		if (e->mark)
			sb_printf(&b, " fwmark:0x%x", e->mark);
		if (e->has_cgroup && e->cgroup) {
			char cg[PATH_MAX];

			sb_printf(&b, " cgroup:%s",
				  cgroup_path(e->cgroup, cg, sizeof(cg)));
		}
		if (e->shutdown >= 0)
			sb_printf(&b, " %c-%c", e->shutdown & 1 ? '-' : '<',
				  e->shutdown & 2 ? '-' : '>');
	}
	if (show_mem || show_info) {
		if (!oneline)
			sb_printf(&b, "\n\t");
		if (show_mem)
			print_skmem(&b, e);
		if (show_info && e->has_info)
			print_tcp_info(&b, e);
	}
	l->field[COL_EXT] = xstrdup(sb_str(&b));
	free(b.s);
}

/* ------------------------------------------------------------------ */
/* -s: summary                                                          */
/* ------------------------------------------------------------------ */

static void print_summary(void)
{
	const int closing = (1 << ST_FIN_WAIT1) | (1 << ST_FIN_WAIT2) |
			    (1 << ST_CLOSING) | (1 << ST_LAST_ACK);
	int count[ST_MAX] = { 0 }, socks = 0, orphans = 0, v6 = 0, i;
	size_t k;

	for (k = 0; k < nentries; k++) {
		const struct entry *e = &entries[k];

		count[e->state]++;
		v6 += e->family == AF_INET6;
		if (e->state == ST_TIME_WAIT || e->state == ST_SYN_RECV)
			continue;	/* a TIME_WAIT entry, a SYN-queue request */
		socks++;
		/* closed by its program, still finishing (tcp_orphan_count) */
		if (!e->ino && ((1 << e->state) & closing))
			orphans++;
	}

	printf("Total: %zu\n", nentries);
	/* "estab" as Linux's CurrEstab counts: ESTABLISHED and CLOSE-WAIT */
	printf("XTCP:  %d (estab %d, closed %d, orphaned %d, timewait %d)\n",
	       socks + count[ST_TIME_WAIT],
	       count[ST_ESTABLISHED] + count[ST_CLOSE_WAIT], count[ST_CLOSE],
	       orphans, count[ST_TIME_WAIT]);
	printf("\n");
	printf("Transport Total     IP        IPv6\n");
	printf("XTCP\t  %-9zu %-9zu %-9d\n", nentries, nentries - v6, v6);
	printf("\n");
	printf("State       Count\n");
	for (i = ST_ESTABLISHED; i < ST_MAX; i++)
		printf("%-11s %d\n", state_name[i], count[i]);
}

/* ------------------------------------------------------------------ */
/* -S: /proc/net/xtcp_stat as nstat prints counters                    */
/* ------------------------------------------------------------------ */

struct counter {
	char name[64];
	unsigned long long val;
};

static int load_counters(FILE *f, struct counter **out)
{
	struct counter *c = NULL;
	char line[256], name[64];
	unsigned long long v;
	int n = 0;

	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%63s %llu", name, &v) != 2)
			continue;
		if (!strcmp(name, "CurrEstab"))	/* a gauge: nstat skips it */
			continue;
		c = realloc(c, (n + 1) * sizeof(*c));
		if (!c)
			die("out of memory");
		snprintf(c[n].name, sizeof(c[n].name), "%s", name);
		c[n++].val = v;
	}
	*out = c;
	return n;
}

static const struct counter *find_counter(const struct counter *c, int n,
					  const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
	return NULL;
}

static bool pattern_match(const char *name, int npat, char **pat)
{
	int i;

	if (!npat)
		return true;
	for (i = 0; i < npat; i++)
		if (!fnmatch(pat[i], name, 0))
			return true;
	return false;
}

static void history_path(char *buf, size_t len)
{
	const char *env = getenv("XTCP_SS_HISTORY"), *dir;
	struct stat st;
	unsigned long ns = 0;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (!stat("/proc/self/ns/net", &st))
		ns = st.st_ino;
	dir = getenv("XDG_RUNTIME_DIR");
	if (dir && *dir && !access(dir, W_OK))
		snprintf(buf, len, "%s/xtcp-ss.u%u.net%lu", dir, getuid(), ns);
	else
		snprintf(buf, len, "/tmp/.xtcp-ss.u%u.net%lu", getuid(), ns);
}

static int do_stat(bool absolute, bool zeros, bool reset, bool no_update,
		   bool no_output, int npat, char **pat)
{
	struct counter *kern, *hist = NULL;
	int nk, nh = 0, i, fd = -1;
	FILE *f, *hf = NULL;
	char path[PATH_MAX];

	f = fopen("/proc/net/xtcp_stat", "r");
	if (!f) {
		if (!module_loaded())
			die("XTCP module not loaded (no /proc/net/xtcp_stat)");
		die("/proc/net/xtcp_stat: %s", strerror(errno));
	}
	nk = load_counters(f, &kern);
	fclose(f);

	history_path(path, sizeof(path));
	if (reset)
		unlink(path);
	if (!absolute || !no_update) {
		struct stat st;

		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			die("history file %s: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX) || fstat(fd, &st))
			die("history file %s: %s", path, strerror(errno));
		if (st.st_nlink != 1 || st.st_uid != getuid())
			die("history file %s is not a plain file of ours, not using it",
			    path);
		hf = fdopen(fd, "r+");
		if (!hf)
			die("history file %s: %s", path, strerror(errno));
		if (!absolute) {
			FILE *u = fopen("/proc/uptime", "r");
			double up;

			/* older than this boot: start again, as nstat */
			if (u && fscanf(u, "%lf", &up) == 1 &&
			    time(NULL) >= st.st_mtime + (time_t)up) {
				if (st.st_size)
					fprintf(stderr, PROG ": history is aged out, resetting\n");
			} else {
				nh = load_counters(hf, &hist);
			}
			if (u)
				fclose(u);
		}
	}

	if (!no_output) {
		printf("#kernel\n");
		for (i = 0; i < nk; i++) {
			const struct counter *h = hist && !absolute ?
				find_counter(hist, nh, kern[i].name) : NULL;
			unsigned long long v = kern[i].val;
			bool ovfl = false;

			if (h) {
				if (v < h->val) {
					ovfl = true;
					v = h->val;
				}
				v -= h->val;
			}
			if ((!zeros && !v) || !pattern_match(kern[i].name, npat, pat))
				continue;
			printf("%-32s%-16llu%6.1f%s\n", kern[i].name, v, 0.0,
			       ovfl ? " (overflow)" : "");
		}
	}
	if (!no_update) {
		if (ftruncate(fd, 0))
			die("history file %s: %s", path, strerror(errno));
		rewind(hf);
		fprintf(hf, "#kernel\n");
		for (i = 0; i < nk; i++) {
			const struct counter *h = NULL;
			unsigned long long v = kern[i].val;

			/* counters a pattern left out keep their old value */
			if (!pattern_match(kern[i].name, npat, pat) && hist &&
			    (h = find_counter(hist, nh, kern[i].name)))
				v = h->val;
			fprintf(hf, "%-32s%-16llu%6.1f\n", kern[i].name, v, 0.0);
		}
	}
	if (hf)
		fclose(hf);
	free(kern);
	free(hist);
	return 0;
}

/* ------------------------------------------------------------------ */

static int scan_state(const char *s)
{
	int i;

	if (!strcasecmp(s, "all"))
		return ST_ALL;
	if (!strcasecmp(s, "connected"))
		return ST_ALL & ~((1 << ST_CLOSE) | (1 << ST_LISTEN));
	if (!strcasecmp(s, "synchronized"))
		return ST_ALL & ~((1 << ST_CLOSE) | (1 << ST_LISTEN) |
				  (1 << ST_SYN_SENT));
	if (!strcasecmp(s, "bucket"))
		return (1 << ST_SYN_RECV) | (1 << ST_TIME_WAIT);
	if (!strcasecmp(s, "big"))
		return ST_ALL & ~((1 << ST_SYN_RECV) | (1 << ST_TIME_WAIT));
	if (!strcasecmp(s, "close") || !strcasecmp(s, "closed"))
		return 1 << ST_CLOSE;
	if (!strcasecmp(s, "syn-rcv"))
		return 1 << ST_SYN_RECV;
	if (!strcasecmp(s, "listen"))
		return 1 << ST_LISTEN;
	for (i = 0; i < ST_MAX; i++)
		if (!strcasecmp(s, state_word[i]))
			return 1 << i;
	die("wrong state name: %s", s);
}

static void netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("network namespace \"%s\": %s", name, strerror(errno));
	if (setns(fd, CLONE_NEWNET))
		die("setns(%s): %s", path, strerror(errno));
	close(fd);
}

static int module_ipproto(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	int v = IPPROTO_XTCP;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = IPPROTO_XTCP;
		fclose(f);
	}
	return v;
}

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
"Usage: " PROG " [ OPTIONS ] [ state STATE | exclude STATE ]... [ EXPRESSION ]\n"
"       " PROG " -S [ -a ] [ -z ] [ -r ] [ -s ] [ -n ] [ PATTERN... ]\n"
"   -h, --help          this message\n"
"   -n, --numeric       don't resolve service names\n"
"   -r, --resolve       resolve host names\n"
"   -a, --all           display all sockets\n"
"   -l, --listening     display listening sockets\n"
"   -o, --options       show timer information\n"
"   -e, --extended      show detailed socket information\n"
"   -m, --memory        show socket memory usage\n"
"   -p, --processes     show process using socket\n"
"   -i, --info          show internal TCP information (tcp_info)\n"
"   -s, --summary       show socket usage summary (counts per state)\n"
"   -N, --net=NETNS     switch to the network namespace NETNS\n"
"   -H, --no-header     suppress the header line\n"
"   -O, --oneline       one line per socket\n"
"   -t, -4              accepted (XTCP sockets are IPv4 stream sockets)\n"
"       --ipproto=N     XTCP's IP protocol number (default: the module's)\n"
"   -S, --stat          /proc/net/xtcp_stat as nstat prints counters:\n"
"                       increments since the last call, -a absolute,\n"
"                       -z zeros too, -r reset history, -s no history\n"
"                       update, -n update history only\n"
"   STATE := {all|connected|synchronized|bucket|big|established|syn-sent|\n"
"             syn-recv|fin-wait-1|fin-wait-2|time-wait|closed|close-wait|\n"
"             last-ack|listening|closing}\n"
"   EXPRESSION := {src|dst} [=|!=] ADDR[/PLEN][:PORT] |\n"
"                 {sport|dport} OP [:]PORT   (OP := = != > >= < <=)\n"
"                 joined by and, or, not and parentheses\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", 0, NULL, 'h' }, { "numeric", 0, NULL, 'n' },
		{ "resolve", 0, NULL, 'r' }, { "all", 0, NULL, 'a' },
		{ "listening", 0, NULL, 'l' }, { "options", 0, NULL, 'o' },
		{ "extended", 0, NULL, 'e' }, { "memory", 0, NULL, 'm' },
		{ "processes", 0, NULL, 'p' }, { "info", 0, NULL, 'i' },
		{ "summary", 0, NULL, 's' }, { "net", 1, NULL, 'N' },
		{ "no-header", 0, NULL, 'H' }, { "oneline", 0, NULL, 'O' },
		{ "tcp", 0, NULL, 't' }, { "ipv4", 0, NULL, '4' },
		{ "ipv6", 0, NULL, '6' }, { "stat", 0, NULL, 'S' },
		{ "zeros", 0, NULL, 'z' }, { "ipproto", 1, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, states = 0, saw_states = 0, fams = 0, summary = 0, stat_mode = 0;
	int opt_a = 0, opt_l = 0, opt_n = 0, opt_r = 0, opt_s = 0, opt_z = 0;
	struct fnode *filter = NULL;
	struct bc bc = { 0 };
	uint8_t ext = 0;
	size_t k;

	ipproto = -1;
	while ((ch = getopt_long(argc, argv, "hnraloempisN:HOt46SzuxwdMf:A:KEZ0",
				 opts, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(0);
		case 'n': opt_n = 1; break;
		case 'r': opt_r = 1; break;
		case 'a': opt_a = 1; break;
		case 'l': opt_l = 1; break;
		case 'o': show_options = 1; break;
		case 'e': show_options = 1; show_details = 1; break;
		case 'm': show_mem = 1; break;
		case 'p': show_processes = 1; break;
		case 'i': show_info = 1; break;
		case 's': opt_s = 1; break;
		case 'N': netns_enter(optarg); break;
		case 'H': show_header = 0; break;
		case 'O': oneline = 1; break;
		case 't': break;
		case '4': fams |= 1; break;
		case '6': fams |= 2; break;
		case 'S': stat_mode = 1; break;
		case 'z': opt_z = 1; break;
		case 'P': {
			char *end;

			ipproto = strtol(optarg, &end, 0);
			if (*end || ipproto < 1 || ipproto > 255)
				die("--ipproto: a protocol number (1..255), not \"%s\"",
				    optarg);
			break;
		}
		case 'u': case 'x': case 'w': case 'd': case 'M': case 'f':
		case 'A': case '0':
			die("lists XTCP sockets only (use ss for other kinds)");
		case 'K': case 'E': case 'Z':
			die("-%c is not supported for XTCP sockets", ch);
		default:
			usage(1);
		}
	}
	argc -= optind;
	argv += optind;

	if (stat_mode)
		return do_stat(opt_a, opt_z, opt_r, opt_s, opt_n, argc, argv);
	if (opt_z)
		die("-z: SELinux contexts are not shown; with -S it shows zero counters");
	numeric = opt_n;
	resolve_hosts = opt_r;
	summary = opt_s;
	if (ipproto < 0)
		ipproto = module_ipproto();

	states = opt_a ? ST_ALL : opt_l ? (1 << ST_LISTEN) | (1 << ST_CLOSE) : 0;
	while (argc > 0) {
		if (!strcmp(argv[0], "state")) {
			if (argc < 2)
				die("state: a state name is expected");
			if (!saw_states)
				states = 0;
			states |= scan_state(argv[1]);
		} else if (!strcmp(argv[0], "exclude") || !strcmp(argv[0], "excl")) {
			if (argc < 2)
				die("exclude: a state name is expected");
			if (!saw_states)
				states = ST_ALL;
			states &= ~scan_state(argv[1]);
		} else {
			break;
		}
		saw_states = 1;
		argc -= 2;
		argv += 2;
	}
	if (argc > 0) {
		filter_family = fams == 1 ? AF_INET : fams == 2 ? AF_INET6 : AF_UNSPEC;
		tokenize(argc, argv);
		filter = parse_or();
		if (ftpos != nftok)
			die("filter: unexpected \"%s\"", ftok[ftpos]);
		bc_compile(&bc, filter);
	}

	if (summary) {
		diag_dumps(fams, ST_ALL, 0, NULL);
		print_summary();
		if (!saw_states && !filter)
			return 0;
		printf("\n");
		free(entries);
		entries = NULL;
		nentries = 0;
	}

	if (!states)
		states = ST_CONN;
	if (show_mem)
		ext |= (1 << (INET_DIAG_MEMINFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1));
	if (show_info)
		ext |= (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1));
	if (show_processes)
		users_build();

	if (!(states & (states - 1)))
		columns[COL_STATE].disabled = 1;
	if (show_header) {
		struct line *l = line_new();
		int c;

		for (c = 0; c < COL_MAX; c++)
			l->field[c] = xstrdup(columns[c].header);
	}
	diag_dumps(fams, states, ext, filter ? &bc : NULL);
	for (k = 0; k < nentries; k++) {
		const struct entry *e = &entries[k];

		if (!(states & (1 << e->state)))
			continue;
		if (filter && !fmatch(filter, e))
			continue;
		add_entry_line(e);
	}
	render();
	return 0;
}
