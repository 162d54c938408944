/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the XTCP C selftests (not a test itself).
 */
#ifndef XTCP_SELFTEST_COMMON_H
#define XTCP_SELFTEST_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/xtcp.h>

/* An XTCP stream socket, protocol 0. */
static inline int xtcp_socket(void)
{
	return socket(AF_XTCP, SOCK_STREAM, 0);
}

static inline struct sockaddr_in xtcp_sin(const char *ip, unsigned short port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

/* bind() to ip:port; returns 0 or the errno. */
static inline int xtcp_bind(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = xtcp_sin(ip, port);

	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno : 0;
}

static inline int xtcp_setint(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) ? errno : 0;
}

/* Local port of a socket in host order, or -1. */
static inline int xtcp_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return -1;
	return ntohs(sin.sin_port);
}

/* Bring an interface up in the current network namespace; 0 or errno. */
static inline int xtcp_if_up(const char *name)
{
	struct ifreq ifr;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = errno;
	}
	close(fd);
	return ret;
}

/* Move the calling process into a fresh network namespace with lo up. */
static inline int xtcp_new_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return errno;
	return xtcp_if_up("lo");
}

/* write(2) a string to a file (sysctl); returns 0 or the errno. */
static inline int xtcp_write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(val))
		err = EIO;
	close(fd);
	return err;
}

/* Read a whole (small) file into buf, NUL terminated; returns length or -errno. */
static inline int xtcp_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, tot = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)tot < size - 1) {
		n = read(fd, buf + tot, size - 1 - tot);
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		tot += n;
	}
	buf[tot] = '\0';
	close(fd);
	return tot;
}

/* Read a file holding one integer; returns 0 or errno. */
static inline int xtcp_read_long(const char *path, long *val)
{
	char buf[64];
	int n = xtcp_read_file(path, buf, sizeof(buf));

	if (n < 0)
		return -n;
	if (sscanf(buf, "%ld", val) != 1)
		return EINVAL;
	return 0;
}

/* One parsed row of /proc/net/xtcp (the /proc/net/tcp format). */
struct xtcp_proc_row {
	int sl;
	unsigned int laddr, lport, raddr, rport, state;
	unsigned int tx_queue, rx_queue, timer;
	unsigned long when;
	unsigned int retrnsmt, uid;
	int timeout;
	unsigned long inode;
};

/*
 * Find the row of /proc/net/xtcp whose local port is @port. Returns the
 * number of matching rows (the first is copied to @row), or -errno.
 * Header or rows that do not parse make it return -EPROTO.
 */
static inline int xtcp_proc_find(unsigned short port, struct xtcp_proc_row *row)
{
	char line[512];
	int found = 0, lineno = 0;
	FILE *f;

	f = fopen("/proc/net/xtcp", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct xtcp_proc_row r;

		if (lineno++ == 0)
			continue;
		if (sscanf(line, "%d: %X:%X %X:%X %X %X:%X %X:%lX %X %u %d %lu",
			   &r.sl, &r.laddr, &r.lport, &r.raddr, &r.rport,
			   &r.state, &r.tx_queue, &r.rx_queue, &r.timer,
			   &r.when, &r.retrnsmt, &r.uid, &r.timeout,
			   &r.inode) != 14) {
			fclose(f);
			return -EPROTO;
		}
		if (r.lport == port) {
			if (!found)
				*row = r;
			found++;
		}
	}
	fclose(f);
	return found;
}

static inline unsigned long xtcp_inode(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

#endif /* XTCP_SELFTEST_COMMON_H */
