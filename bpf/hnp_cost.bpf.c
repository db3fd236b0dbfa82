// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a home network prefix lookup costs: a hash on the /64 (what the data
 * plane uses) against an LPM trie of /64s, timed with BPF test-run by
 * build/tools/hnp_cost.  Measurement only: its maps are not pinned and no
 * interface ever runs these programs.
 */
#include "common.h"

#define COST_SPREAD 32 /* lookups per run in spread mode */

struct cost_lpm_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* /64 -> binding, as the data plane's "bindings" */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XP_MAX_BINDINGS);
	__type(key, struct xp_hnp_key);
	__type(value, struct xp_binding);
} cost_hash SEC(".maps");

/* /64 prefixes of 128-bit addresses -> binding */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, XP_MAX_BINDINGS);
	__type(key, struct cost_lpm_key);
	__type(value, struct xp_binding);
} cost_lpm SEC(".maps");

/* Entries present: 2001:db8:<j>::/64 for j < cost_n */
__u32 cost_n;
/* 0: look up the packet's own prefix; 1: COST_SPREAD entries all over */
__u32 cost_spread;

static __always_inline struct ipv6hdr *cost_ip6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + XP_ETH_HLEN;

	return (void *)(ip6 + 1) > end ? NULL : ip6;
}

/* j-th pseudo-random entry: spreads lookups over the whole table */
static __always_inline __u32 cost_pick(__u32 i, __u32 n)
{
	return (i * 2654435761u) % n;
}

static __always_inline int cost_run(struct xdp_md *ctx, bool lpm)
{
	struct cost_lpm_key lk = {.prefixlen = 128};
	struct ipv6hdr *ip6 = cost_ip6(ctx);
	struct xp_hnp_key hk;
	__u32 n = cost_n, i, j;
	void *v;

	if (!ip6)
		return XDP_ABORTED;
	if (!cost_spread || !n) {
		if (lpm) {
			__builtin_memcpy(lk.addr, &ip6->daddr, 16);
			v = bpf_map_lookup_elem(&cost_lpm, &lk);
		} else {
			hnp_key_of(&hk, &ip6->daddr);
			v = bpf_map_lookup_elem(&cost_hash, &hk);
		}
		return v ? XDP_PASS : XDP_DROP;
	}
	__builtin_memcpy(lk.addr, &ip6->daddr, 16);
	hnp_key_of(&hk, &ip6->daddr);
	for (i = 0; i < COST_SPREAD; i++) {
		j = bpf_htonl(cost_pick(i + ip6->hop_limit, n));
		if (lpm) {
			__builtin_memcpy(lk.addr + 4, &j, 4);
			v = bpf_map_lookup_elem(&cost_lpm, &lk);
		} else {
			__builtin_memcpy(hk.prefix + 4, &j, 4);
			v = bpf_map_lookup_elem(&cost_hash, &hk);
		}
		/* a miss ends the run: one verifier path per iteration */
		if (!v)
			return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("xdp")
int xdp_cost_hash(struct xdp_md *ctx)
{
	return cost_run(ctx, false);
}

SEC("xdp")
int xdp_cost_lpm(struct xdp_md *ctx)
{
	return cost_run(ctx, true);
}

/* the same frame handling, no lookup: the floor to subtract */
SEC("xdp")
int xdp_cost_none(struct xdp_md *ctx)
{
	return cost_ip6(ctx) ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
