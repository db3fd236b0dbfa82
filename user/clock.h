/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An injectable clock: the state machines read time only through this, so
 * unit tests drive every RFC timer with a fake clock and run instantly.
 */
#ifndef XPMIP_CLOCK_H
#define XPMIP_CLOCK_H

#include <stdint.h>

struct xp_clock {
	uint64_t (*mono_ms)(void *arg); /* monotonic milliseconds */
	uint64_t (*wall_ns)(void *arg); /* ns since 1970 (timestamp option) */
	void *arg;
};

/* CLOCK_MONOTONIC and CLOCK_REALTIME */
extern const struct xp_clock xp_clock_system;

static inline uint64_t xp_now_ms(const struct xp_clock *clk)
{
	return clk->mono_ms(clk->arg);
}

static inline uint64_t xp_wall_ns(const struct xp_clock *clk)
{
	return clk->wall_ns(clk->arg);
}

#endif /* XPMIP_CLOCK_H */
