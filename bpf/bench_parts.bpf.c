// SPDX-License-Identifier: BSD-2-Clause
/*
 * Building blocks of the tunnel paths, timed one by one with BPF test-run
 * (bpf_bench's "building blocks" table): each program repeats one
 * operation BENCH_PARTS_OPS times, so its cost per operation is
 * (t(program) - t(bench_xdp_pass)) / BENCH_PARTS_OPS.  The maps have the
 * types and flags of the data plane's (bpf/maps.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xpmip.h"
#include "bench.h"

#define BENCH_PARTS_OPS 8

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, struct xp_hnp_key);
	__type(value, struct xp_binding);
} part_bindings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XP_MAX_NEXTHOPS);
	__type(key, struct in6_addr);
	__type(value, struct xp_nexthop);
} part_nexthops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XP_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xp_stat);
} part_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XP_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} part_ports SEC(".maps");

/*
 * A full binding cache as the data plane keeps it (no preallocation) and
 * the same preallocated; the loader sizes both, userspace fills both.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, struct xp_hnp_key);
	__type(value, struct xp_binding);
} part_full_np SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct xp_hnp_key);
	__type(value, struct xp_binding);
} part_full_pre SEC(".maps");

/* part_min_encap's bindings: peer and next hop in one value */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, struct xp_hnp_key);
	__type(value, struct bench_fast_binding);
} part_fast SEC(".maps");

/* Keys userspace has inserted; the sink defeats dead-code elimination. */
struct xp_hnp_key part_key;
struct in6_addr part_peer;
__u32 part_port;
struct in6_addr part_fib_dst;
struct in6_addr part_local;
/* spread lookups: prefixes part_key + (part_round % part_n), bytes 4..7 */
__u32 part_n;
__u32 part_round;
volatile __u64 part_sink;

#define REPEAT_OPS(body)                                                       \
	do {                                                                   \
		for (int i_ = 0; i_ < BENCH_PARTS_OPS; i_++) {                 \
			body;                                                  \
		}                                                              \
	} while (0)

SEC("xdp")
int part_hash8(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(if (bpf_map_lookup_elem(&part_bindings, &part_key))
		       part_sink++);
	return XDP_PASS;
}

SEC("xdp")
int part_hash16(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(if (bpf_map_lookup_elem(&part_nexthops, &part_peer))
		       part_sink++);
	return XDP_PASS;
}

SEC("xdp")
int part_percpu_stat(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS({
		__u32 r = i_;
		struct xp_stat *st = bpf_map_lookup_elem(&part_stats, &r);

		if (st) {
			st->packets++;
			st->bytes += 100;
		}
	});
	return XDP_PASS;
}

SEC("xdp")
int part_atomic_add(struct xdp_md *ctx __attribute__((unused)))
{
	struct xp_binding *b = bpf_map_lookup_elem(&part_bindings, &part_key);

	if (!b)
		return XDP_ABORTED;
	REPEAT_OPS(__sync_fetch_and_add(&b->down_packets, 1));
	return XDP_PASS;
}

SEC("xdp")
int part_ktime(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(part_sink += bpf_ktime_get_ns());
	return XDP_PASS;
}

/* One lookup of the next of part_n prefixes in @map, every call. */
#define SPREAD_LOOKUP(map)                                                     \
	do {                                                                   \
		struct xp_hnp_key k_ = part_key;                               \
		__u32 v_ = part_n ? part_round++ % part_n : 0;                 \
		__u32 b_;                                                      \
                                                                               \
		__builtin_memcpy(&b_, &k_.prefix[4], 4);                       \
		b_ = bpf_htonl(bpf_ntohl(b_) + v_);                            \
		__builtin_memcpy(&k_.prefix[4], &b_, 4);                       \
		if (bpf_map_lookup_elem(&map, &k_))                            \
			part_sink++;                                           \
	} while (0)

SEC("xdp")
int part_spread_np(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(SPREAD_LOOKUP(part_full_np));
	return XDP_PASS;
}

SEC("xdp")
int part_spread_pre(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(SPREAD_LOOKUP(part_full_pre));
	return XDP_PASS;
}

/* The same key arithmetic on a one-entry map: the cost without misses. */
SEC("xdp")
int part_spread_one(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(SPREAD_LOOKUP(part_bindings));
	return XDP_PASS;
}

/* What a "last seen" stamp needs: jiffies resolution is plenty. */
SEC("xdp")
int part_ktime_coarse(struct xdp_md *ctx __attribute__((unused)))
{
	REPEAT_OPS(part_sink += bpf_ktime_get_coarse_ns());
	return XDP_PASS;
}

/* One adjust_head(-40) and one (+40) per operation: the frame ends as it
 * started, so no harness is needed. */
SEC("xdp")
int part_adjust_head(struct xdp_md *ctx)
{
	REPEAT_OPS({
		if (bpf_xdp_adjust_head(ctx, -40) ||
		    bpf_xdp_adjust_head(ctx, 40))
			return XDP_ABORTED;
	});
	return XDP_PASS;
}

SEC("xdp")
int part_redirect_map(struct xdp_md *ctx __attribute__((unused)))
{
	long rc = 0;

	REPEAT_OPS(rc = bpf_redirect_map(&part_ports, part_port, 0));
	return rc == XDP_REDIRECT ? XDP_PASS : XDP_ABORTED;
}

/* The FIB lookup of a plain forwarder: CN address, via a gateway. */
SEC("xdp")
int part_fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup p = {};

	REPEAT_OPS({
		__builtin_memset(&p, 0, sizeof(p));
		p.family = 10; /* AF_INET6 */
		p.l4_protocol = 17;
		p.tot_len = 100;
		p.ifindex = ctx->ingress_ifindex;
		__builtin_memcpy(p.ipv6_dst, &part_fib_dst, 16);
		part_sink += bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	});
	return XDP_PASS;
}

/*
 * Reference, not a data-plane program: the least an XDP encapsulation can
 * do (one lookup giving peer and next hop, MTU check, hop limit, outer
 * header with the inner first word, one per-CPU counter, devmap
 * redirect).  Without flow-label hashing, binding counters or RFC checks,
 * it shows what the tunnel path could cost at best on this machine.
 */
SEC("xdp")
int part_min_encap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct bench_fast_binding *fb;
	struct ipv6hdr *ip6, *outer;
	struct ethhdr *eth = data;
	struct xp_hnp_key key;
	struct xp_stat *st;
	__u32 first, zero = 0;
	__u16 len;

	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(XP_ETH_P_IPV6))
		return XDP_PASS;
	__builtin_memcpy(&key, &ip6->daddr, sizeof(key));
	fb = bpf_map_lookup_elem(&part_fast, &key);
	if (!fb || ip6->hop_limit <= 1)
		return XDP_PASS;
	len = bpf_ntohs(ip6->payload_len) + XP_IPV6_HLEN;
	if (len + XP_TUNNEL_OVERHEAD > fb->nh.mtu)
		return XDP_PASS;
	ip6->hop_limit--;
	first = *(__u32 *)ip6;

	if (bpf_xdp_adjust_head(ctx, -XP_TUNNEL_OVERHEAD))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, fb->nh.dmac, XP_ETH_ALEN);
	__builtin_memcpy(eth->h_source, fb->nh.smac, XP_ETH_ALEN);
	eth->h_proto = bpf_htons(XP_ETH_P_IPV6);
	*(__u32 *)outer = first;
	outer->payload_len = bpf_htons(len);
	outer->nexthdr = XP_IPPROTO_IPV6;
	outer->hop_limit = XP_OUTER_HOPLIMIT;
	outer->saddr = part_local;
	outer->daddr = fb->peer;

	st = bpf_map_lookup_elem(&part_stats, &zero);
	if (st) {
		st->packets++;
		st->bytes += len;
	}
	return bpf_redirect_map(&part_ports, fb->nh.ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
