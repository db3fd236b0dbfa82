/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the benchmark programs share: the test frame they write back into the
 * packet buffer before every round, and the helper that writes it.
 */
#ifndef XPMIP_BENCH_H
#define XPMIP_BENCH_H

#define BENCH_FRAME_MAX 256

/*
 * bench_put_frame - make the packet exactly @len bytes of @bytes again.
 * @data_at: where ctx->data started on the first round; the program under
 * test may have moved it with bpf_xdp_adjust_head() on the previous round.
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

#endif /* XPMIP_BENCH_H */
