/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A clock for state-machine tests and fuzzers: time stands still until the
 * test moves the milliseconds counter the clock was given.
 */
#ifndef XPMIP_FAKE_CLOCK_H
#define XPMIP_FAKE_CLOCK_H

#include <stdint.h>

#include "clock.h"

/* wall time at mono 0: some day in 2023, so timestamps look real */
#define FAKE_WALL_BASE_NS 1700000000000000000ull

static inline uint64_t fake_mono(void *now_ms)
{
	return *(const uint64_t *)now_ms;
}

static inline uint64_t fake_wall(void *now_ms)
{
	return FAKE_WALL_BASE_NS + *(const uint64_t *)now_ms * 1000000ull;
}

/* clk reads *now_ms from here on */
static inline void fake_clock_init(struct xp_clock *clk, uint64_t *now_ms)
{
	clk->mono_ms = fake_mono;
	clk->wall_ns = fake_wall;
	clk->arg = now_ms;
}

#endif /* XPMIP_FAKE_CLOCK_H */
