/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the benchmark programs share: the test frame they write back into the
 * packet buffer before every round, the helper that writes it, and the one
 * map value tests/bench/bpf_bench.c fills for bench_parts.bpf.c.  Include
 * after xpmip.h.
 */
#ifndef XPMIP_BENCH_H
#define XPMIP_BENCH_H

#define BENCH_FRAME_MAX 256

/*
 * Value of bench_parts' "part_fast" map (key struct xp_hnp_key): the tunnel
 * peer and its resolved next hop together, so one lookup answers both.
 */
struct bench_fast_binding {
	struct in6_addr peer;
	struct xp_nexthop nh;
};

#ifdef __bpf__
/*
 * bench_put_frame - make the packet exactly @len bytes of @bytes again.
 * @shift: how far ctx->data now is from where it was on the first round
 * (the program under test may have moved it with bpf_xdp_adjust_head()).
 */
static __always_inline int
bench_put_frame(struct xdp_md *ctx, const __u8 *bytes, __u32 len, long shift)
{
	long have;

	if (shift && bpf_xdp_adjust_head(ctx, (int)shift))
		return -1;
	have = (long)ctx->data_end - (long)ctx->data;
	if (have != len && bpf_xdp_adjust_tail(ctx, (int)(len - have)))
		return -1;
	if (len == 0 || len > BENCH_FRAME_MAX)
		return -1;
	return bpf_xdp_store_bytes(ctx, 0, (void *)bytes, len) ? -1 : 0;
}
#endif /* __bpf__ */

#endif /* XPMIP_BENCH_H */
