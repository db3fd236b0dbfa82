// SPDX-License-Identifier: BSD-2-Clause
/*
 * Baselines the data plane is measured against, and the sink that counts
 * what reaches the far end of the whole-path benchmark.
 *
 * bench_xdp_pass, bench_xdp_tx: the floor, a program that does nothing.
 * bench_fwd: a bare IPv6 forwarder, what every tunnel path has to do anyway:
 * bpf_fib_lookup(), hop limit decrement, MAC rewrite, redirect through a
 * devmap.  No tunnel, no binding lookup.
 * bench_sink: counts frames, bytes and tunnelled (IPv6-in-IPv6) frames per
 * CPU and drops them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xpmip.h"

#define AF_INET6 10

/* Egress ports for bench_fwd, key and value the ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XP_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} fwd_ports SEC(".maps");

/* bench_sink counters, enum sink_counter */
enum sink_counter { SINK_FRAMES = 0, SINK_BYTES, SINK_TUNNELLED, SINK_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sink_count SEC(".maps");

SEC("xdp")
int bench_xdp_pass(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

SEC("xdp")
int bench_xdp_tx(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_TX;
}

SEC("xdp")
int bench_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	long rc;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(XP_ETH_P_IPV6))
		return XDP_PASS;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XDP_DROP;
	/* hop limit expiry is the stack's job: it sends Time Exceeded */
	if (ip6->hop_limit <= 1)
		return XDP_PASS;

	fib.family = AF_INET6;
	fib.flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0fffffff);
	fib.l4_protocol = ip6->nexthdr;
	fib.tot_len = bpf_ntohs(ip6->payload_len);
	fib.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(fib.ipv6_src, &ip6->saddr, sizeof(fib.ipv6_src));
	__builtin_memcpy(fib.ipv6_dst, &ip6->daddr, sizeof(fib.ipv6_dst));
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;

	ip6->hop_limit--;
	__builtin_memcpy(eth->h_dest, fib.dmac, XP_ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, XP_ETH_ALEN);
	return bpf_redirect_map(&fwd_ports, fib.ifindex, 0);
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u32 k = SINK_FRAMES;
	__u64 *v;

	v = bpf_map_lookup_elem(&sink_count, &k);
	if (v)
		*v += 1;
	k = SINK_BYTES;
	v = bpf_map_lookup_elem(&sink_count, &k);
	if (v)
		*v += end - data;
	/* an IPv6-in-IPv6 packet: the gateway tunnelled it */
	if ((void *)(ip6 + 1) > end ||
	    eth->h_proto != bpf_htons(XP_ETH_P_IPV6) ||
	    ip6->nexthdr != XP_IPPROTO_IPV6)
		return XDP_DROP;
	k = SINK_TUNNELLED;
	v = bpf_map_lookup_elem(&sink_count, &k);
	if (v)
		*v += 1;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
