/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock kernel, base layer: the types, compiler annotations, arithmetic and
 * time helpers the module's logic files use, for a user-space build (the
 * top README, "Unit tests"). Every definition here follows the
 * kernel's documented semantics (include/linux/...) closely enough for the
 * code under test; nothing here decides what a test asserts.
 *
 * Time: jiffies and the nanosecond clock are plain variables the tests
 * move (mock_clock_advance_us() in mock.h keeps them consistent). HZ is
 * 250, Debian's CONFIG_HZ.
 */
#ifndef _MOCK_LINUX_KERNEL_H
#define _MOCK_LINUX_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <limits.h>

/* ---- types ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef u16 __be16;
typedef u32 __be32;
typedef u16 __sum16;
typedef u32 __wsum;
typedef unsigned int gfp_t;
typedef unsigned int __poll_t;

typedef struct { int counter; } atomic_t;
typedef struct { long long counter; } atomic64_t;
typedef struct { int refs; } refcount_t;
typedef struct { int locked; } spinlock_t;
typedef struct { unsigned int val; } kuid_t;

struct rcu_head { void *next; };

/* Kconfig: the unit build has no optional kernel features */
#define IS_ENABLED(option) 0

/* ---- compiler annotations the module uses ---- */
#define __force
#define __user
#define __percpu
#define __rcu
#define __read_mostly
#define __init
#define __exit
#define __always_unused __attribute__((unused))
#define fallthrough __attribute__((fallthrough))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define static_assert(expr, ...) _Static_assert(expr, "" __VA_ARGS__)

/* ---- arithmetic (include/linux/minmax.h, math.h, align.h) ---- */
#define min(a, b) ({ __auto_type _a = (a); __auto_type _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __auto_type _a = (a); __auto_type _b = (b); _a > _b ? _a : _b; })
#define min3(a, b, c) min(min(a, b), c)
#define min_t(t, a, b) ({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b) ({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define max3(a, b, c) max(max(a, b), c)

/* the smallest power of two >= @n (n > 0) */
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}
#define clamp_t(t, v, lo, hi) min_t(t, max_t(t, v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define rounddown(x, y) ({ __auto_type _x = (x); _x - (_x % (y)); })
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define ALIGN(x, a) (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define U8_MAX 0xff
#define U32_MAX 0xffffffffU

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

/* ---- byte order: the host is little-endian x86_64 (checked) ---- */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "mock assumes LE");
#define htonl(x) ((__be32)__builtin_bswap32((u32)(x)))
#define ntohl(x) ((u32)__builtin_bswap32((u32)(x)))
#define htons(x) ((__be16)__builtin_bswap16((u16)(x)))
#define ntohs(x) ((u16)__builtin_bswap16((u16)(x)))

/* ---- diagnostics ---- */
#define pr_err(fmt, ...) mock_printk("E " fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) mock_printk("W " fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) mock_printk("I " fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { } while (0)
void mock_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a WARN is a kernel bug report: the mock counts it, tests expect none */
extern int mock_warn_count;
#define WARN_ON_ONCE(c) ({ bool _c = !!(c); if (_c) mock_warn(__FILE__, __LINE__); _c; })
#define WARN_ON(c) WARN_ON_ONCE(c)
#define WARN_ONCE(c, ...) WARN_ON_ONCE(c)
void mock_warn(const char *file, int line);

/* ---- atomics, locks (single-threaded tests: plain operations) ---- */
static inline int atomic_read(const atomic_t *a) { return a->counter; }
static inline void atomic_set(atomic_t *a, int v) { a->counter = v; }
static inline void atomic_add(int v, atomic_t *a) { a->counter += v; }
static inline void atomic_sub(int v, atomic_t *a) { a->counter -= v; }
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }

/* per-CPU counters: one CPU */
#define this_cpu_inc(x) ((x)++)
#define this_cpu_dec(x) ((x)--)
#define this_cpu_add(x, n) ((x) += (n))

/* ---- time (include/linux/jiffies.h, time64.h, ktime.h) ---- */
#define HZ 250
#define MSEC_PER_SEC 1000L
#define USEC_PER_MSEC 1000L
#define USEC_PER_SEC 1000000L
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L

extern unsigned long jiffies;
extern u64 mock_ns;		/* ktime_get_ns() */

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)

/* as the kernel: conversions to jiffies round up, nsecs_to_jiffies down */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m, MSEC_PER_SEC / HZ);
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return DIV_ROUND_UP((unsigned long)u, USEC_PER_SEC / HZ);
}

static inline unsigned long nsecs_to_jiffies(u64 n)
{
	return (unsigned long)(n / (NSEC_PER_SEC / HZ));
}

static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)(j * (USEC_PER_SEC / HZ));
}

static inline u64 ktime_get_ns(void)
{
	return mock_ns;
}

static inline s64 ktime_get_seconds(void)
{
	return (s64)(mock_ns / NSEC_PER_SEC);
}

/* ---- randomness: deterministic (mock.c), so runs repeat exactly ---- */
void get_random_bytes(void *buf, size_t len);
u32 get_random_u32(void);
static inline u32 get_random_u32_below(u32 ceil)
{
	return (u32)(((u64)get_random_u32() * ceil) >> 32);
}

#endif
