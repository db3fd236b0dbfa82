/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timers for the state machines: a binary min-heap of deadlines on the
 * injectable clock's milliseconds.  A timer is embedded in its owner (a
 * binding cache entry, a binding update list entry); setting, moving and
 * cancelling it is O(log n), so a million bindings each with a lifetime
 * timer stay cheap.
 */
#ifndef XPMIP_TIMER_H
#define XPMIP_TIMER_H

#include <stddef.h>
#include <stdint.h>

#define TIMER_IDLE UINT32_MAX /* heap_idx of a timer not armed */

struct xp_timer {
	uint64_t when;	   /* absolute mono ms */
	uint32_t heap_idx; /* slot in the heap, TIMER_IDLE when idle */
};

struct timer_slot {
	uint64_t when; /* copy of t->when: compares stay in the array */
	struct xp_timer *t;
};

struct timer_heap {
	struct timer_slot *v;
	uint32_t n, cap;
};

/* The owner of an embedded timer: timer_owner(t, struct bce, timer) */
#define timer_owner(t, type, member)                                           \
	((type *)((char *)(t)-offsetof(type, member)))

static inline void timer_init(struct xp_timer *t)
{
	t->when = 0;
	t->heap_idx = TIMER_IDLE;
}

static inline int timer_armed(const struct xp_timer *t)
{
	return t->heap_idx != TIMER_IDLE;
}

void timer_heap_init(struct timer_heap *h);
/* Free the heap only; the timers are left as they are */
void timer_heap_free(struct timer_heap *h);
/* Arm or move t to fire at when.  0 or -ENOMEM. */
int timer_set(struct timer_heap *h, struct xp_timer *t, uint64_t when);
/* Disarm t; nothing if idle */
void timer_cancel(struct timer_heap *h, struct xp_timer *t);
/* Earliest deadline, UINT64_MAX when empty */
uint64_t timer_next(const struct timer_heap *h);
/* Disarm and return the earliest timer due at now, NULL if none is */
struct xp_timer *timer_pop_due(struct timer_heap *h, uint64_t now);

#endif /* XPMIP_TIMER_H */
