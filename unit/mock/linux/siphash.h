/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock: SipHash-2-4 with the kernel's interface (include/linux/siphash.h).
 * A real implementation (mock.c, written from the SipHash paper and
 * checked against its test vector), so that keyed hashes, and the syncookies
 * built on them, behave as in the kernel.
 */
#ifndef _MOCK_LINUX_SIPHASH_H
#define _MOCK_LINUX_SIPHASH_H

#include <linux/kernel.h>

typedef struct { u64 key[2]; } siphash_key_t;
#define SIPHASH_ALIGNMENT __alignof__(u64)
#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif

u64 siphash(const void *data, size_t len, const siphash_key_t *key);

/* as the kernel: four u32 hashed as two little-endian u64 words */
static inline u64 siphash_2u64(u64 a, u64 b, const siphash_key_t *key)
{
	u64 w[2] = { a, b };

	return siphash(w, sizeof(w), key);
}

static inline u64 siphash_4u32(u32 a, u32 b, u32 c, u32 d,
			       const siphash_key_t *key)
{
	return siphash_2u64((u64)b << 32 | a, (u64)d << 32 | c, key);
}

static inline u64 siphash_3u32(u32 a, u32 b, u32 c, const siphash_key_t *key)
{
	u32 w[3] = { a, b, c };

	return siphash(w, sizeof(w), key);
}

#endif
