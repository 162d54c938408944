// SPDX-License-Identifier: GPL-2.0
/*
 * Write-queue segments whose payload lives in page fragments, as Linux's
 * TCP keeps it (tcp_sendmsg_locked() copies into the socket's page
 * fragment): the operations that change such a segment's bytes in place.
 * The skb head holds only headroom for the headers, so a segment costs
 * its header skb plus the bytes it carries, and a GSO skb can reference
 * the pages instead of copying them (xtcp_offload.c).
 *
 * A segment that has been sent may still be shared with the clone on its
 * way through the stack (skb_cloned()): its fragment array is then the
 * clone's too, and must be made private before it changes
 * (xtcp_unclone()). The truesize of a queued segment counts in
 * sk_wmem_queued and must stay what was added there, or the send buffer
 * accounting drifts: pskb_expand_head() would change it, so the
 * unclone keeps it (Linux's skb_unclone_keeptruesize(), whose helper
 * 6.1 does not export).
 */
#include "xtcp.h"

#include <linux/skbuff.h>

/**
 * xtcp_unclone() - give a queued segment its own header and fragment array
 * @skb: write-queue segment
 * @gfp: allocation flags
 *
 * Context: socket lock or bh_lock_sock held.
 * Return: 0, or -ENOMEM (the segment is unchanged).
 */
int xtcp_unclone(struct sk_buff *skb, gfp_t gfp)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, gfp);
	skb->truesize = truesize;
	return err;
}

/**
 * xtcp_trim_head() - drop the first @len payload bytes of a segment
 * @sk: socket whose write queue holds @skb
 * @skb: a sent segment the peer acknowledged partly (@len < skb->len)
 * @len: bytes acknowledged
 *
 * As Linux's tcp_trim_head(): linear bytes are pulled, page fragments
 * wholly acknowledged are released, a fragment acknowledged in part
 * starts later; the released bytes leave truesize and sk_wmem_queued.
 * Context: socket lock or bh_lock_sock held.
 * Return: 0, or -ENOMEM when the segment could not be made private
 * (nothing trimmed; the caller keeps the whole segment).
 */
int xtcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	u32 head, eat;
	int i, k;

	if (WARN_ON_ONCE(len >= skb->len))
		return -EINVAL;
	if (xtcp_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	head = min_t(u32, len, skb_headlen(skb));
	if (head)
		__skb_pull(skb, head);
	eat = len - head;
	if (!eat) {
		xtcp_skb_set_segs(sk, skb, skb_shinfo(skb)->gso_size);
		return 0;
	}

	shinfo = skb_shinfo(skb);
	k = 0;
	for (i = 0; i < shinfo->nr_frags; i++) {
		skb_frag_t *frag = &shinfo->frags[i];
		u32 size = skb_frag_size(frag);

		if (size <= eat) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		shinfo->frags[k] = *frag;
		if (eat) {
			skb_frag_off_add(&shinfo->frags[k], eat);
			skb_frag_size_sub(&shinfo->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	shinfo->nr_frags = k;
	eat = len - head;
	skb->data_len -= eat;
	skb->len = skb->data_len;
	skb->truesize -= eat;
	sk_wmem_queued_add(sk, -(int)eat);
	xtcp_skb_set_segs(sk, skb, skb_shinfo(skb)->gso_size);
	return 0;
}

/**
 * xtcp_skb_shift() - move the first payload bytes of a segment to another
 * @to: an unsent write-queue segment
 * @from: the unsent segment after it, its payload in page fragments only
 * @len: bytes to move (at most @from's length)
 *
 * As Linux's skb_shift() for tcp_grow_skb(): a fragment moved whole
 * changes hands with its page reference, one that continues @to's last
 * fragment in the same page extends it instead, and one moved in part is
 * shared (its page gets one more reference). Truesize moves with the
 * bytes, so sk_wmem_queued stays right. Sequence numbers and flags are
 * the caller's.
 * Context: socket lock or bh_lock_sock held.
 * Return: bytes moved: @len, fewer when @to's fragment slots ran out, 0
 * when either segment is shared with a clone or @from has linear bytes.
 */
u32 xtcp_skb_shift(struct sk_buff *to, struct sk_buff *from, u32 len)
{
	struct skb_shared_info *ts = skb_shinfo(to), *fs = skb_shinfo(from);
	u32 moved = 0;
	int i = 0, k;

	if (skb_cloned(to) || skb_cloned(from) || skb_headlen(from))
		return 0;
	while (moved < len && i < fs->nr_frags) {
		skb_frag_t *f = &fs->frags[i];
		skb_frag_t *last = ts->nr_frags ? &ts->frags[ts->nr_frags - 1] : NULL;
		u32 take = min_t(u32, skb_frag_size(f), len - moved);
		bool whole = take == skb_frag_size(f);

		if (xtcp_frag_continues(last, f)) {
			skb_frag_size_add(last, take);
			if (whole)
				skb_frag_unref(from, i);	/* @to holds the page */
		} else {
			if (ts->nr_frags >= MAX_SKB_FRAGS)
				break;
			ts->frags[ts->nr_frags] = *f;
			skb_frag_size_set(&ts->frags[ts->nr_frags], take);
			if (!whole)
				__skb_frag_ref(f);		/* both hold the page */
			ts->nr_frags++;
		}
		if (whole) {
			i++;
		} else {
			skb_frag_off_add(f, take);
			skb_frag_size_sub(f, take);
		}
		moved += take;
	}
	for (k = 0; i < fs->nr_frags; )
		fs->frags[k++] = fs->frags[i++];
	fs->nr_frags = k;
	to->len += moved;
	to->data_len += moved;
	to->truesize += moved;
	from->len -= moved;
	from->data_len -= moved;
	from->truesize -= moved;
	return moved;
}
