// SPDX-License-Identifier: BSD-2-Clause
/* Binary min-heap timers; see timer.h. */
#include <errno.h>
#include <stdlib.h>

#include "timer.h"

void timer_heap_init(struct timer_heap *h)
{
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
}

void timer_heap_free(struct timer_heap *h)
{
	/* the timers' owners may be freed already: do not touch them */
	free(h->v);
	timer_heap_init(h);
}

static void place(struct timer_heap *h, uint32_t i, struct timer_slot s)
{
	h->v[i] = s;
	s.t->heap_idx = i;
}

static void sift_up(struct timer_heap *h, uint32_t i)
{
	struct timer_slot s = h->v[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (h->v[parent].when <= s.when)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, s);
}

static void sift_down(struct timer_heap *h, uint32_t i)
{
	struct timer_slot s = h->v[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].when < h->v[c].when)
			c++;
		if (s.when <= h->v[c].when)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, s);
}

int timer_set(struct timer_heap *h, struct xp_timer *t, uint64_t when)
{
	uint32_t i;

	if (timer_armed(t)) {
		uint64_t old = t->when;

		i = t->heap_idx;
		t->when = when;
		h->v[i].when = when;
		if (when < old)
			sift_up(h, i);
		else
			sift_down(h, i);
		return 0;
	}
	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 64;
		struct timer_slot *v;

		if (cap <= h->cap)
			return -ENOMEM;
		v = realloc(h->v, (size_t)cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	t->when = when;
	i = h->n++;
	h->v[i].when = when;
	h->v[i].t = t;
	t->heap_idx = i;
	sift_up(h, i);
	return 0;
}

void timer_cancel(struct timer_heap *h, struct xp_timer *t)
{
	uint32_t i = t->heap_idx;
	uint64_t old;

	if (i == TIMER_IDLE || i >= h->n || h->v[i].t != t)
		return;
	t->heap_idx = TIMER_IDLE;
	h->n--;
	if (i == h->n)
		return;
	/* move the last slot into the hole, then restore the order */
	old = h->v[i].when;
	place(h, i, h->v[h->n]);
	if (h->v[i].when < old)
		sift_up(h, i);
	else
		sift_down(h, i);
}

uint64_t timer_next(const struct timer_heap *h)
{
	return h->n ? h->v[0].when : UINT64_MAX;
}

struct xp_timer *timer_pop_due(struct timer_heap *h, uint64_t now)
{
	struct xp_timer *t;

	if (!h->n || h->v[0].when > now)
		return NULL;
	t = h->v[0].t;
	timer_cancel(h, t);
	return t;
}
