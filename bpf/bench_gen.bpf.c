// SPDX-License-Identifier: BSD-2-Clause
/*
 * Traffic generator for the whole-path benchmark, run with BPF_PROG_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES: every round sends one frame out of the
 * interface given as ingress_ifindex (XDP_TX).
 *
 * Live frames come from a page pool whose pages are recycled as the
 * receiver left them (the gateway encapsulates in place), so the frame is
 * written again on every send.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xpmip.h"
#include "bench.h"

__u8 frame[BENCH_FRAME_MAX];
__u32 frame_len;
__u64 gen_failed;

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	if (bench_put_frame(ctx, frame, frame_len, 0)) {
		gen_failed++;
		return XDP_DROP;
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
