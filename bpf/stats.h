/* SPDX-License-Identifier: BSD-2-Clause */
/* Per-CPU counters per reason: where every packet went, and why. */
#ifndef XPMIP_BPF_STATS_H
#define XPMIP_BPF_STATS_H

#include "maps.h"

static __always_inline void stat_count(__u32 reason, __u32 bytes)
{
	struct xp_stat *st = bpf_map_lookup_elem(&stats, &reason);

	if (st) {
		st->packets++;
		st->bytes += bytes;
	}
}

/* Count and return the hook's verdict: the common tail of every branch. */
static __always_inline int stat_pass(void *ctx, const int hook, __u32 reason)
{
	stat_count(reason, pkt_len(ctx, hook));
	return act_pass(hook);
}

static __always_inline int stat_drop(void *ctx, const int hook, __u32 reason)
{
	stat_count(reason, pkt_len(ctx, hook));
	return act_drop(hook);
}

#endif /* XPMIP_BPF_STATS_H */
