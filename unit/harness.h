/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit-test harness with TAP output.
 *
 *   TEST(name) { EXPECT_EQ(a, b); ... }      a test, run in its own process
 *   TEST_TODO(name, "why") { ... }           a known failure: reported as
 *                                            "not ok N name # TODO why",
 *                                            which does not fail the run
 *   EXPECT_EQ/NE/LT/LE/GT/GE(a, b), EXPECT_TRUE(c), EXPECT_FALSE(c)
 *   ASSERT_*: the same, but a failure ends the test at once
 *
 * Values are compared as unsigned long long after conversion (the module's
 * quantities are u8..u64), so EXPECT_EQ(x, -1) means "all ones" for x's
 * width only when x is 64-bit; compare signed values with EXPECT_TRUE.
 */
#ifndef _UNIT_HARNESS_H
#define _UNIT_HARNESS_H

#include <stdbool.h>

struct unit_test {
	const char *name;
	const char *file;
	int line;
	const char *todo;		/* non-NULL: known failure */
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
bool unit_check(bool ok, const char *file, int line, const char *expr,
		unsigned long long a, unsigned long long b, bool show);
void unit_abort_test(void) __attribute__((noreturn));
/* fail the running test without counting an assertion (fixture checks) */
void unit_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a "#   ..." diagnostic line printed under the test's result */
void unit_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define UNIT_DEFINE(tname, why)						\
	static void tname(void);					\
	static struct unit_test unit_##tname = {			\
		.name = #tname, .file = __FILE__, .line = __LINE__,	\
		.todo = why, .fn = tname,				\
	};								\
	__attribute__((constructor)) static void unit_reg_##tname(void) \
	{								\
		unit_register(&unit_##tname);				\
	}								\
	static void tname(void)

#define TEST(tname)		UNIT_DEFINE(tname, NULL)
#define TEST_TODO(tname, why)	UNIT_DEFINE(tname, why)

#define UNIT_CMP(a, op, b, fatal) do {					\
	unsigned long long _ua = (unsigned long long)(a);		\
	unsigned long long _ub = (unsigned long long)(b);		\
	if (!unit_check(_ua op _ub, __FILE__, __LINE__,			\
			#a " " #op " " #b, _ua, _ub, true) && (fatal))	\
		unit_abort_test();					\
} while (0)

#define UNIT_BOOL(c, fatal) do {					\
	if (!unit_check(!!(c), __FILE__, __LINE__, #c, 0, 0, false) &&	\
	    (fatal))							\
		unit_abort_test();					\
} while (0)

#define EXPECT_EQ(a, b)	UNIT_CMP(a, ==, b, false)
#define EXPECT_NE(a, b)	UNIT_CMP(a, !=, b, false)
#define EXPECT_LT(a, b)	UNIT_CMP(a, <, b, false)
#define EXPECT_LE(a, b)	UNIT_CMP(a, <=, b, false)
#define EXPECT_GT(a, b)	UNIT_CMP(a, >, b, false)
#define EXPECT_GE(a, b)	UNIT_CMP(a, >=, b, false)
#define EXPECT_TRUE(c)	UNIT_BOOL(c, false)
#define EXPECT_FALSE(c)	UNIT_BOOL(!(c), false)
#define ASSERT_EQ(a, b)	UNIT_CMP(a, ==, b, true)
#define ASSERT_NE(a, b)	UNIT_CMP(a, !=, b, true)
#define ASSERT_GE(a, b)	UNIT_CMP(a, >=, b, true)
#define ASSERT_TRUE(c)	UNIT_BOOL(c, true)
#define ASSERT_FALSE(c)	UNIT_BOOL(!(c), true)

/* hooks the mock layer provides: run before and after every test */
void unit_before_each(void);
void unit_after_each(void);

#endif
