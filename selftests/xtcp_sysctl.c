// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sysctls (/proc/sys/net/xtcp/NAME): defaults in a fresh network
 * namespace, inclusive bounds (min and max accepted, min-1/max+1/garbage
 * rejected with EINVAL and the value left alone), per-namespace isolation.
 * Every test runs in its own fresh network namespace.
 */
#include <limits.h>
#include "xtcp_lib.h"
#include "kselftest_harness.h"

#define SYSCTL_DIR "/proc/sys/net/xtcp/"

/* ---- scalar sysctls ---- */

FIXTURE(scalar) {
	char path[128];
	long def;
};

FIXTURE_VARIANT(scalar) {
	const char *name;
	long def;		/* default, unless def_from is set */
	const char *def_from;	/* default = this file in a fresh netns */
	long min, max;
};

#define SCALAR(n, d, lo, hi) \
	FIXTURE_VARIANT_ADD(scalar, n) { .name = #n, .def = d, .min = lo, .max = hi }
#define SCALAR_FROM(n, f, lo, hi) \
	FIXTURE_VARIANT_ADD(scalar, n) { .name = #n, .def_from = f, .min = lo, .max = hi }

SCALAR(keepalive_time, 7200, 1, 32767);
SCALAR(keepalive_intvl, 75, 1, 32767);
SCALAR(keepalive_probes, 9, 1, 127);
SCALAR(abort_on_overflow, 0, 0, 1);
SCALAR_FROM(max_syn_backlog, "/proc/sys/net/ipv4/tcp_max_syn_backlog", 1, 1048576);
SCALAR(syncookies, 1, 0, 2);
SCALAR(syn_retries, 6, 1, 127);
SCALAR(synack_retries, 5, 0, 255);
SCALAR(fin_timeout, 60, 1, 600);
SCALAR(retries1, 3, 0, 255);
SCALAR(retries2, 15, 0, 255);
SCALAR(orphan_retries, 0, 0, 255);
SCALAR(rfc1337, 0, 0, 1);
SCALAR_FROM(max_tw_buckets, "/proc/sys/net/ipv4/tcp_max_tw_buckets", 0, 2147483647L);
SCALAR(tw_reuse, 2, 0, 2);
SCALAR(tw_timeout, 60, 1, 600);

FIXTURE_SETUP(scalar)
{
	ASSERT_LE(0, ns_new());
	snprintf(self->path, sizeof(self->path), SYSCTL_DIR "%s", variant->name);
	self->def = variant->def;
	if (variant->def_from)
		ASSERT_EQ(0, xtcp_read_long(variant->def_from, &self->def));
}

FIXTURE_TEARDOWN(scalar)
{
}

static long read_val(struct __test_metadata *_metadata, const char *path)
{
	long v = LONG_MIN;
	int err = xtcp_read_long(path, &v);

	EXPECT_EQ(0, err) TH_LOG("read %s: %s", path, strerror(err));
	return v;
}

static int write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", v);
	return xtcp_write_file(path, buf);
}

TEST_F(scalar, default_value)
{
	EXPECT_EQ(self->def, read_val(_metadata, self->path));
}

TEST_F(scalar, min_and_max_accepted)
{
	EXPECT_EQ(0, write_long(self->path, variant->min));
	EXPECT_EQ(variant->min, read_val(_metadata, self->path));
	EXPECT_EQ(0, write_long(self->path, variant->max));
	EXPECT_EQ(variant->max, read_val(_metadata, self->path));
}

TEST_F(scalar, out_of_range_einval)
{
	EXPECT_EQ(EINVAL, write_long(self->path, variant->min - 1));
	EXPECT_EQ(self->def, read_val(_metadata, self->path));
	EXPECT_EQ(EINVAL, write_long(self->path, variant->max + 1));
	EXPECT_EQ(self->def, read_val(_metadata, self->path));
}

TEST_F(scalar, garbage_einval)
{
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "abc\n"));
	EXPECT_EQ(self->def, read_val(_metadata, self->path));
}

/*
 * A value written in namespace A is not seen in the namespace we came
 * from nor in a new namespace B (which starts at the default), and is
 * still there when we return to A.
 */
TEST_F(scalar, netns_isolated)
{
	long v = self->def == variant->min ? variant->max : variant->min;
	int orig, nsa;

	/* the fixture already moved us to a fresh netns: call it "orig" */
	orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, orig);
	ASSERT_LE(0, ns_new());
	nsa = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nsa);
	ASSERT_EQ(0, write_long(self->path, v));
	EXPECT_EQ(v, read_val(_metadata, self->path));

	ASSERT_LE(0, ns_new());
	EXPECT_EQ(self->def, read_val(_metadata, self->path));

	ASSERT_EQ(0, setns(orig, CLONE_NEWNET));
	EXPECT_EQ(self->def, read_val(_metadata, self->path));

	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	EXPECT_EQ(v, read_val(_metadata, self->path));
	close(orig);
	close(nsa);
}

/* ---- rmem / wmem triples ---- */

FIXTURE(triple) {
	char path[128];
};

FIXTURE_VARIANT(triple) {
	const char *name;
	long def[3];
};

FIXTURE_VARIANT_ADD(triple, rmem) { .name = "rmem", .def = { 4096, 131072, 6291456 } };
FIXTURE_VARIANT_ADD(triple, wmem) { .name = "wmem", .def = { 4096, 16384, 4194304 } };

FIXTURE_SETUP(triple)
{
	ASSERT_LE(0, ns_new());
	snprintf(self->path, sizeof(self->path), SYSCTL_DIR "%s", variant->name);
}

FIXTURE_TEARDOWN(triple)
{
}

/* Expect the file to read exactly "a\tb\tc\n". */
static void expect_triple(struct __test_metadata *_metadata, const char *path,
			  long a, long b, long c)
{
	char want[64], got[64];
	int n;

	snprintf(want, sizeof(want), "%ld\t%ld\t%ld\n", a, b, c);
	n = xtcp_read_file(path, got, sizeof(got));
	ASSERT_LT(0, n) TH_LOG("read %s: %s", path, strerror(-n));
	EXPECT_STREQ(want, got);
}

TEST_F(triple, default_value)
{
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
}

TEST_F(triple, valid_accepted)
{
	EXPECT_EQ(0, xtcp_write_file(self->path, "1\t1\t1\n"));
	expect_triple(_metadata, self->path, 1, 1, 1);
	EXPECT_EQ(0, xtcp_write_file(self->path, "8192 65536 1048576\n"));
	expect_triple(_metadata, self->path, 8192, 65536, 1048576);
}

TEST_F(triple, misordered_einval)
{
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "8192\t4096\t16384\n"));
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "4096\t16384\t8192\n"));
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
}

TEST_F(triple, below_one_einval)
{
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "0\t16384\t65536\n"));
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "-1\t16384\t65536\n"));
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
}

TEST_F(triple, garbage_einval)
{
	EXPECT_EQ(EINVAL, xtcp_write_file(self->path, "abc\n"));
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
}

TEST_F(triple, netns_isolated)
{
	int nsa;

	ASSERT_EQ(0, xtcp_write_file(self->path, "2\t3\t4\n"));
	nsa = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nsa);
	ASSERT_LE(0, ns_new());
	expect_triple(_metadata, self->path, variant->def[0], variant->def[1], variant->def[2]);
	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	expect_triple(_metadata, self->path, 2, 3, 4);
	close(nsa);
}

/* A write in a private namespace does not reach the caller's namespace. */
TEST(caller_netns_untouched)
{
	char before[64], after[64];
	int n;

	n = xtcp_read_file(SYSCTL_DIR "keepalive_time", before, sizeof(before));
	ASSERT_LT(0, n) TH_LOG("read: %s (is xtcp.ko loaded?)", strerror(-n));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, xtcp_write_file(SYSCTL_DIR "keepalive_time", "4321\n"));
	/* Go back to the namespace of our parent (pid 1's may differ). */
	{
		char p[64];
		int fd;

		snprintf(p, sizeof(p), "/proc/%d/ns/net", getppid());
		fd = open(p, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, setns(fd, CLONE_NEWNET));
		close(fd);
	}
	n = xtcp_read_file(SYSCTL_DIR "keepalive_time", after, sizeof(after));
	ASSERT_LT(0, n);
	EXPECT_STREQ(before, after);
}

XTCP_HARNESS_MAIN
