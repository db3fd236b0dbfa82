// SPDX-License-Identifier: BSD-2-Clause
/* Home network prefix pool; see pool.h. */
#include <errno.h>
#include <string.h>

#include "pool.h"

static uint64_t get_hi(const struct in6_addr *a)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | a->s6_addr[i];
	return v;
}

static void set_hi(struct in6_addr *a, uint64_t v)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 7; i >= 0; i--) {
		a->s6_addr[i] = v & 0xff;
		v >>= 8;
	}
}

static uint64_t net_mask(uint8_t plen)
{
	return plen ? ~0ull << (64 - plen) : 0;
}

int pool_init(struct hnp_pool *p, const struct in6_addr *base, uint8_t plen)
{
	memset(p, 0, sizeof(*p));
	if (plen > 64)
		return -EINVAL;
	if (!plen)
		return 0;
	set_hi(&p->base, get_hi(base) & net_mask(plen));
	p->plen = plen;
	/* a /0 pool cannot exist; a /1 holds 2^63 prefixes */
	p->size = 1ull << (64 - plen);
	if (plen == 64)
		p->size = 1;
	return 0;
}

bool pool_contains(const struct hnp_pool *p, const struct in6_addr *prefix)
{
	uint64_t m = net_mask(p->plen);

	return p->plen && (get_hi(prefix) & m) == get_hi(&p->base);
}

int pool_alloc(struct hnp_pool *p,
	       bool (*taken)(const struct in6_addr *prefix, void *arg),
	       void *arg, struct in6_addr *out)
{
	uint64_t tries, base = get_hi(&p->base);

	if (!p->plen || p->used >= p->size)
		return -ENOSPC;
	for (tries = 0; tries < p->size && tries < POOL_MAX_SCAN; tries++) {
		uint64_t idx = p->cursor;

		p->cursor = p->cursor + 1 >= p->size ? 0 : p->cursor + 1;
		set_hi(out, base | idx);
		if (!taken(out, arg))
			return 0;
	}
	return -ENOSPC;
}

void pool_mark(struct hnp_pool *p, const struct in6_addr *prefix, int delta)
{
	if (!pool_contains(p, prefix))
		return;
	if (delta > 0)
		p->used++;
	else if (p->used)
		p->used--;
}
