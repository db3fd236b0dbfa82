// SPDX-License-Identifier: BSD-2-Clause
/* Binding cache indexes; see bce.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "hash.h"

#define BCE_MIN_BUCKETS 1024

static uint32_t hash_mn(const void *mn_id, uint8_t len)
{
	return (uint32_t)xp_hash_bytes(mn_id, len);
}

static size_t hash_hnp(const struct in6_addr *p)
{
	uint64_t hi;

	memcpy(&hi, p->s6_addr, 8);
	return (size_t)xp_hash_mix64(hi);
}

static int alloc_buckets(struct bce_table *t, size_t n)
{
	struct bce **a = calloc(n, sizeof(*a));
	struct bce **b = calloc(n, sizeof(*b));

	if (!a || !b) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	t->by_hnp = a;
	t->by_mn = b;
	t->mask = n - 1;
	return 0;
}

int bce_table_init(struct bce_table *t, size_t hint)
{
	size_t n = BCE_MIN_BUCKETS;

	while (n < hint && n < ((size_t)1 << 40))
		n <<= 1;
	t->count = 0;
	return alloc_buckets(t, n);
}

void bce_table_free(struct bce_table *t)
{
	size_t i;

	for (i = 0; t->by_hnp && i <= t->mask; i++) {
		struct bce *b = t->by_hnp[i], *next;

		for (; b; b = next) {
			next = b->next_hnp;
			free(b);
		}
	}
	free(t->by_hnp);
	free(t->by_mn);
	memset(t, 0, sizeof(*t));
}

struct bce *bce_alloc(const void *mn_id, uint8_t mn_id_len)
{
	struct bce *b = calloc(1, sizeof(*b) + mn_id_len);

	if (!b)
		return NULL;
	timer_init(&b->timer);
	b->mn_id_len = mn_id_len;
	memcpy(b->mn_id, mn_id, mn_id_len);
	b->mn_hash = hash_mn(mn_id, mn_id_len);
	return b;
}

static void link_entry(struct bce_table *t, struct bce *b)
{
	size_t h = hash_hnp(&b->hnp) & t->mask;
	size_t m = b->mn_hash & t->mask;

	b->next_hnp = t->by_hnp[h];
	t->by_hnp[h] = b;
	b->next_mn = t->by_mn[m];
	t->by_mn[m] = b;
}

/* Double the buckets at load factor 1; keep the old ones if out of memory */
static void grow(struct bce_table *t)
{
	struct bce **old = t->by_hnp, **old_mn = t->by_mn;
	size_t i, n = t->mask + 1;

	if (alloc_buckets(t, n * 2) < 0)
		return;
	for (i = 0; i < n; i++) {
		struct bce *b = old[i], *next;

		for (; b; b = next) {
			next = b->next_hnp;
			link_entry(t, b);
		}
	}
	free(old);
	free(old_mn);
}

int bce_insert(struct bce_table *t, struct bce *b)
{
	if (bce_find_hnp(t, &b->hnp))
		return -EEXIST;
	if (t->count >= t->mask + 1)
		grow(t);
	link_entry(t, b);
	t->count++;
	return 0;
}

void bce_remove(struct bce_table *t, struct bce *b)
{
	struct bce **pp;

	pp = &t->by_hnp[hash_hnp(&b->hnp) & t->mask];
	for (; *pp; pp = &(*pp)->next_hnp) {
		if (*pp == b) {
			*pp = b->next_hnp;
			break;
		}
	}
	pp = &t->by_mn[b->mn_hash & t->mask];
	for (; *pp; pp = &(*pp)->next_mn) {
		if (*pp == b) {
			*pp = b->next_mn;
			break;
		}
	}
	b->next_hnp = b->next_mn = NULL;
	t->count--;
}

struct bce *bce_find_hnp(const struct bce_table *t, const struct in6_addr *p)
{
	struct bce *b = t->by_hnp[hash_hnp(p) & t->mask];

	for (; b; b = b->next_hnp)
		if (prefix64_equal(&b->hnp, p))
			return b;
	return NULL;
}

bool bce_mn_equal(const struct bce *b, const void *mn_id, uint8_t len)
{
	return b->mn_id_len == len && !memcmp(b->mn_id, mn_id, len);
}

static struct bce *scan_mn(struct bce *b, uint32_t h, const void *mn_id,
			   uint8_t len)
{
	for (; b; b = b->next_mn)
		if (b->mn_hash == h && bce_mn_equal(b, mn_id, len))
			return b;
	return NULL;
}

struct bce *bce_first_mn(const struct bce_table *t, const void *mn_id,
			 uint8_t len)
{
	uint32_t h = hash_mn(mn_id, len);

	return scan_mn(t->by_mn[h & t->mask], h, mn_id, len);
}

struct bce *bce_next_mn(const struct bce *b, const void *mn_id, uint8_t len)
{
	return scan_mn(b->next_mn, b->mn_hash, mn_id, len);
}

struct bce *bce_find_mn_att_llid(const struct bce_table *t, const void *mn_id,
				 uint8_t len, uint8_t att, const uint8_t *ll_id,
				 uint8_t ll_id_len)
{
	struct bce *b;

	for (b = bce_first_mn(t, mn_id, len); b; b = bce_next_mn(b, mn_id, len))
		if (b->att == att && b->ll_id_len == ll_id_len &&
		    !memcmp(b->ll_id, ll_id, ll_id_len))
			return b;
	return NULL;
}

unsigned int bce_count_mn(const struct bce_table *t, const void *mn_id,
			  uint8_t len, struct bce **only)
{
	unsigned int n = 0;
	struct bce *b, *first = NULL;

	for (b = bce_first_mn(t, mn_id, len); b;
	     b = bce_next_mn(b, mn_id, len)) {
		if (!first)
			first = b;
		n++;
	}
	if (only)
		*only = n == 1 ? first : NULL;
	return n;
}

int bce_foreach(const struct bce_table *t, int (*cb)(struct bce *b, void *arg),
		void *arg)
{
	size_t i;
	int ret;

	for (i = 0; i <= t->mask; i++) {
		struct bce *b = t->by_hnp[i], *next;

		for (; b; b = next) {
			next = b->next_hnp;
			ret = cb(b, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}
