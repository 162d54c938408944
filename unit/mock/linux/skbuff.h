/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mock sk_buff: a linear buffer (head..end) with data..tail in use, the
 * control block, an owner with a destructor, and the queue helpers, with
 * the kernel's semantics (include/linux/skbuff.h). Allocation and freeing
 * live in mock.c: every sk_buff is counted (mock_skb_live), and
 * mock_skb_fail_mask makes chosen allocations fail (error injection).
 *
 * Differences from the kernel, none of which the module can observe
 * through the API it uses: no paged fragments (data_len is always 0), and
 * skb_clone() copies the data instead of sharing it (so skb_cloned() is
 * false: nothing is shared).
 */
#ifndef _MOCK_LINUX_SKBUFF_H
#define _MOCK_LINUX_SKBUFF_H

#include <linux/kernel.h>

struct sock;

#define CHECKSUM_NONE		0
#define CHECKSUM_PARTIAL	3

#define GFP_ATOMIC		0x1u
#define GFP_KERNEL		0x2u

#define SMP_CACHE_BYTES		64
#define L1_CACHE_BYTES		64
#define L1_CACHE_ALIGN(x)	ALIGN(x, L1_CACHE_BYTES)
#define PAGE_SIZE		4096UL
/* LL_MAX_HEADER + 48 of a kernel with IPv6 tunnels: headroom only */
#define MAX_HEADER		176

/* sizes the kernel takes from sizeof(struct sk_buff) and
 * sizeof(struct skb_shared_info) on x86_64 (6.12), cache-aligned
 */
#define MOCK_SKB_STRUCT_SIZE	256
#define MOCK_SKB_SHINFO_SIZE	320
#define SKB_DATA_ALIGN(x)	ALIGN(x, SMP_CACHE_BYTES)
#define SKB_TRUESIZE(x)		((x) + MOCK_SKB_STRUCT_SIZE + MOCK_SKB_SHINFO_SIZE)
#define SKB_WITH_OVERHEAD(x)	((x) - MOCK_SKB_SHINFO_SIZE)
#define SKB_MAX_ORDER(x, order)	SKB_WITH_OVERHEAD((PAGE_SIZE << (order)) - (x))

/* the GSO fields of skb_shared_info (zero unless a test sets them) */
#define SKB_GSO_TCPV4		1u
#define SKB_GSO_TCPV6		16u
struct skb_shared_info {
	u16 gso_size;
	u16 gso_segs;
	unsigned int gso_type;
};

/* a page fragment: the type and accessors only (mock skbs have none) */
typedef struct {
	void *page;
	unsigned int off, size;
} skb_frag_t;

static inline void *skb_frag_page(const skb_frag_t *f)
{
	return f->page;
}

static inline unsigned int skb_frag_off(const skb_frag_t *f)
{
	return f->off;
}

static inline unsigned int skb_frag_size(const skb_frag_t *f)
{
	return f->size;
}

struct sk_buff {
	struct sk_buff *next;	/* first two members as sk_buff_head's */
	struct sk_buff *prev;
	struct sock *sk;
	void (*destructor)(struct sk_buff *skb);
	unsigned int len;
	unsigned int data_len;	/* always 0: linear only */
	unsigned int truesize;
	unsigned char *head, *data, *tail, *end;
	u16 transport_header;	/* offset from head */
	u16 csum_start;
	u16 csum_offset;
	u8 ip_summed;
	char cb[48] __attribute__((aligned(8)));
	struct skb_shared_info shinfo;	/* kernel: at skb->end */
};

#define skb_shinfo(skb)	(&(skb)->shinfo)

struct sk_buff_head {
	struct sk_buff *next;
	struct sk_buff *prev;
	u32 qlen;
	spinlock_t lock;
};

/* allocation and freeing: mock.c (counted, failures injectable) */
struct sk_buff *alloc_skb(unsigned int size, gfp_t gfp);
struct sk_buff *alloc_skb_fclone(unsigned int size, gfp_t gfp);
struct sk_buff *skb_clone(struct sk_buff *skb, gfp_t gfp);
struct sk_buff *pskb_copy(struct sk_buff *skb, gfp_t gfp);
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
void mock_skb_panic(const char *what, const struct sk_buff *skb,
		    unsigned int len) __attribute__((noreturn));

static inline bool skb_cloned(const struct sk_buff *skb)
{
	return false;
}

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return skb->data - skb->head;
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - skb->tail;
}

static inline void skb_reserve(struct sk_buff *skb, int len)
{
	skb->data += len;
	skb->tail += len;
}

static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
	void *tmp = skb->tail;

	if (skb->tail + len > skb->end)
		mock_skb_panic("skb_put over end", skb, len);
	skb->tail += len;
	skb->len += len;
	return tmp;
}

static inline void *skb_put_data(struct sk_buff *skb, const void *data,
				 unsigned int len)
{
	void *tmp = skb_put(skb, len);

	memcpy(tmp, data, len);
	return tmp;
}

static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
	if (skb->data - len < skb->head)
		mock_skb_panic("skb_push under head", skb, len);
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline void *__skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		mock_skb_panic("__skb_pull past len", skb, len);
	skb->len -= len;
	skb->data += len;
	return skb->data;
}

/* linear buffers: pulling never needs to allocate */
static inline void *pskb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	return __skb_pull(skb, len);
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len > len) {
		skb->len = len;
		skb->tail = skb->data + len;
	}
}

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

/* the kernel's semantics for a linear @skb: the bytes past @len move to
 * @skb1's tailroom (which the caller sized, as for the kernel's
 * skb_split_inside_header())
 */
static inline void skb_split(struct sk_buff *skb, struct sk_buff *skb1,
			     const u32 len)
{
	u32 rest;

	if (len > skb->len)
		mock_skb_panic("skb_split past len", skb, len);
	rest = skb->len - len;
	memcpy(skb_put(skb1, rest), skb->data + len, rest);
	skb_trim(skb, len);
}

static inline int skb_copy_bits(const struct sk_buff *skb, int offset,
				void *to, int len)
{
	if (offset < 0 || len < 0 || (unsigned int)(offset + len) > skb->len)
		return -14;	/* -EFAULT */
	memcpy(to, skb->data + offset, len);
	return 0;
}

static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}

static inline void skb_reset_transport_header(struct sk_buff *skb)
{
	skb->transport_header = skb->data - skb->head;
}

static inline void skb_orphan(struct sk_buff *skb)
{
	if (skb->destructor) {
		skb->destructor(skb);
		skb->destructor = NULL;
	}
	skb->sk = NULL;
}

/* mock skbs never carry a route */
static inline void skb_dst_drop(struct sk_buff *skb)
{
}

/* ---- queues ---- */
static inline void skb_queue_head_init(struct sk_buff_head *list)
{
	list->next = list->prev = (struct sk_buff *)list;
	list->qlen = 0;
}

static inline bool skb_queue_empty(const struct sk_buff_head *list)
{
	return list->next == (const struct sk_buff *)list;
}

static inline u32 skb_queue_len(const struct sk_buff_head *list)
{
	return list->qlen;
}

static inline struct sk_buff *skb_peek(const struct sk_buff_head *list)
{
	struct sk_buff *skb = list->next;

	return skb == (const struct sk_buff *)list ? NULL : skb;
}

static inline struct sk_buff *skb_peek_tail(const struct sk_buff_head *list)
{
	struct sk_buff *skb = list->prev;

	return skb == (const struct sk_buff *)list ? NULL : skb;
}

static inline bool skb_queue_is_last(const struct sk_buff_head *list,
				     const struct sk_buff *skb)
{
	return skb->next == (const struct sk_buff *)list;
}

static inline void __skb_insert(struct sk_buff *newsk, struct sk_buff *prev,
				struct sk_buff *next, struct sk_buff_head *list)
{
	newsk->next = next;
	newsk->prev = prev;
	next->prev = newsk;
	prev->next = newsk;
	list->qlen++;
}

static inline void __skb_queue_after(struct sk_buff_head *list,
				     struct sk_buff *prev,
				     struct sk_buff *newsk)
{
	__skb_insert(newsk, prev, prev->next, list);
}

static inline void __skb_queue_before(struct sk_buff_head *list,
				      struct sk_buff *next,
				      struct sk_buff *newsk)
{
	__skb_insert(newsk, next->prev, next, list);
}

static inline void __skb_queue_tail(struct sk_buff_head *list,
				    struct sk_buff *newsk)
{
	__skb_queue_before(list, (struct sk_buff *)list, newsk);
}

static inline void __skb_unlink(struct sk_buff *skb, struct sk_buff_head *list)
{
	struct sk_buff *next = skb->next, *prev = skb->prev;

	list->qlen--;
	skb->next = skb->prev = NULL;
	next->prev = prev;
	prev->next = next;
}

static inline struct sk_buff *__skb_dequeue(struct sk_buff_head *list)
{
	struct sk_buff *skb = skb_peek(list);

	if (skb)
		__skb_unlink(skb, list);
	return skb;
}

static inline void skb_queue_purge(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)) != NULL)
		kfree_skb(skb);
}

#define skb_queue_walk(queue, skb) \
	for (skb = (queue)->next; skb != (struct sk_buff *)(queue); skb = skb->next)

#endif
