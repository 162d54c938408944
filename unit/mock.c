// SPDX-License-Identifier: GPL-2.0
/*
 * The mock kernel's out-of-line parts: sk_buff allocation (counted, with
 * failure injection), IP output (recorded), the clock, deterministic
 * randomness, SipHash, WARN and printk. See mock/ for the headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>

#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/siphash.h>
#include <linux/tcp.h>
#include <net/sock.h>

#include "mock.h"
#include "harness.h"

unsigned long jiffies;
u64 mock_ns;
int mock_warn_count;

long mock_skb_live;
unsigned int mock_skb_allocs;
unsigned int mock_skb_failed;
bool mock_skb_fail_all;
static u64 fail_mask;
static unsigned int fail_base;

struct mock_seg mock_tx[MOCK_TX_MAX];
int mock_tx_count;
int mock_xmit_ret;
u64 mock_xmit_delay_ns;

static u64 rnd_state;

/* ---- diagnostics ---- */
void mock_printk(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("UNIT_VERBOSE"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void mock_warn(const char *file, int line)
{
	mock_warn_count++;
	unit_diag("WARNING at %s:%d", file, line);
}

void mock_sock_put_last(struct sock *sk)
{
	mock_warn_count++;
	unit_diag("sock_put() dropped the last reference of %p", (void *)sk);
}

void mock_skb_panic(const char *what, const struct sk_buff *skb,
		    unsigned int len)
{
	fprintf(stderr, "skbuff: %s: len %u, skb len %u headroom %u tailroom %d\n",
		what, len, skb->len, skb_headroom(skb), skb_tailroom(skb));
	abort();
}

/* ---- clock ---- */
void mock_clock_advance_ns(u64 ns)
{
	u64 before = mock_ns / MOCK_TICK_NS;

	mock_ns += ns;
	jiffies += (unsigned long)(mock_ns / MOCK_TICK_NS - before);
}

/* ---- randomness: xorshift64*, same sequence every test ---- */
u32 get_random_u32(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (u32)((rnd_state * 0x2545F4914F6CDD1DULL) >> 32);
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len--)
		*p++ = (u8)get_random_u32();
}

/* ---- SipHash-2-4 (Aumasson, Bernstein: "SipHash: a fast short-input PRF") */
#define ROTL64(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);	\
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);	\
} while (0)

static u64 le64(const u8 *p, size_t n)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

u64 siphash(const void *data, size_t len, const siphash_key_t *key)
{
	const u8 *p = data;
	u64 k0 = key->key[0], k1 = key->key[1];
	u64 v0 = 0x736f6d6570736575ULL ^ k0;
	u64 v1 = 0x646f72616e646f6dULL ^ k1;
	u64 v2 = 0x6c7967656e657261ULL ^ k0;
	u64 v3 = 0x7465646279746573ULL ^ k1;
	u64 m, b = (u64)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	b |= le64(p + i, len - i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- sk_buff allocation ---- */
void mock_skb_fail_set(u64 mask)
{
	fail_mask = mask;
	fail_base = mock_skb_allocs;
}

static bool alloc_fails(void)
{
	unsigned int n = mock_skb_allocs++ - fail_base;

	if (mock_skb_fail_all || (n < 64 && (fail_mask >> n) & 1)) {
		mock_skb_failed++;
		return true;
	}
	return false;
}

static struct sk_buff *skb_new(unsigned int size)
{
	struct sk_buff *skb = calloc(1, sizeof(*skb));

	size = SKB_DATA_ALIGN(size);
	if (!skb || !(skb->head = malloc(size ? size : 1))) {
		perror("mock alloc_skb");
		abort();
	}
	skb->data = skb->tail = skb->head;
	skb->end = skb->head + size;
	skb->truesize = SKB_TRUESIZE(size);
	mock_skb_live++;
	return skb;
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp)
{
	return alloc_fails() ? NULL : skb_new(size);
}

struct sk_buff *alloc_skb_fclone(unsigned int size, gfp_t gfp)
{
	return alloc_skb(size, gfp);
}

/* a private copy: same buffer size, headroom, data, control block and
 * GSO fields
 */
static struct sk_buff *skb_copy_all(const struct sk_buff *skb)
{
	struct sk_buff *n;

	if (alloc_fails())
		return NULL;
	n = skb_new(skb->end - skb->head);
	memcpy(n->head, skb->head, skb->end - skb->head);
	n->data = n->head + (skb->data - skb->head);
	n->tail = n->head + (skb->tail - skb->head);
	n->len = skb->len;
	n->truesize = skb->truesize;
	n->transport_header = skb->transport_header;
	n->ip_summed = skb->ip_summed;
	memcpy(n->cb, skb->cb, sizeof(n->cb));
	n->shinfo = skb->shinfo;	/* a clone shares it, a copy copies it */
	return n;
}

struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp)
{
	return skb_copy_all(skb);
}

struct sk_buff *pskb_copy(struct sk_buff *skb, gfp_t gfp)
{
	return skb_copy_all(skb);
}

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	/* freeing a buffer still on a queue corrupts it */
	if (skb->next || skb->prev)
		mock_warn(__FILE__, __LINE__);
	skb_orphan(skb);
	free(skb->head);
	free(skb);
	mock_skb_live--;
}

void consume_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

struct sk_buff *mock_skb_data(unsigned int headroom, unsigned int payload,
			      u8 fill)
{
	struct sk_buff *skb = skb_new(headroom + payload);
	unsigned int i;
	u8 *p;

	skb_reserve(skb, headroom);
	p = skb_put(skb, payload);
	for (i = 0; i < payload; i++)
		p[i] = (u8)(fill + i);
	return skb;
}

/* ---- IP output ---- */
int ip_queue_xmit(struct sock *sk, struct sk_buff *skb, struct flowi *fl)
{
	const struct tcphdr *th = tcp_hdr(skb);
	unsigned int hlen = th->doff * 4;

	if (mock_tx_count < MOCK_TX_MAX) {
		struct mock_seg *s = &mock_tx[mock_tx_count];

		memset(s, 0, sizeof(*s));
		s->seq = ntohl(th->seq);
		s->ack = ntohl(th->ack_seq);
		s->flags = ((const u8 *)th)[13];
		s->window = ntohs(th->window);
		s->doff = th->doff;
		s->len = skb->len - hlen;
		s->gso_segs = skb_shinfo(skb)->gso_segs;
		s->gso_size = skb_shinfo(skb)->gso_size;
		memcpy(s->opts, th + 1, hlen - sizeof(*th));
		s->jiffies = jiffies;
	}
	mock_tx_count++;
	consume_skb(skb);	/* as the kernel: consumed whatever happens */
	if (mock_xmit_delay_ns)
		mock_clock_advance_ns(mock_xmit_delay_ns);
	return mock_xmit_ret;
}

/* ---- timers ---- */
void mock_timer_fire(struct timer_list *t)
{
	t->mock_pending = false;
	t->function(t);
}

void mock_hrtimer_fire(struct hrtimer *t)
{
	t->mock_queued = false;
	t->mock_running = true;
	t->function(t);
	t->mock_running = false;
}

void mock_reset(void)
{
	/* the kernel starts jiffies 5 minutes before the wrap (INITIAL_JIFFIES) */
	jiffies = (unsigned long)(unsigned int)(-300 * HZ);
	mock_ns = 1000ULL * NSEC_PER_SEC;
	mock_warn_count = 0;
	mock_skb_live = 0;
	mock_skb_allocs = 0;
	mock_skb_failed = 0;
	mock_skb_fail_all = false;
	fail_mask = 0;
	fail_base = 0;
	mock_tx_count = 0;
	mock_xmit_ret = 0;
	mock_xmit_delay_ns = 0;
	rnd_state = 0x9e3779b97f4a7c15ULL;
}
