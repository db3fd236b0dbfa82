// SPDX-License-Identifier: BSD-2-Clause
/* The system clock behind struct xp_clock. */
#include <time.h>

#include "clock.h"

static uint64_t read_clock(clockid_t id, uint64_t div)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) /
	       div;
}

static uint64_t system_mono_ms(void *arg)
{
	(void)arg;
	return read_clock(CLOCK_MONOTONIC, 1000000);
}

static uint64_t system_wall_ns(void *arg)
{
	(void)arg;
	return read_clock(CLOCK_REALTIME, 1);
}

const struct xp_clock xp_clock_system = {
    .mono_ms = system_mono_ms,
    .wall_ns = system_wall_ns,
    .arg = NULL,
};
