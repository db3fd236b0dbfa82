// SPDX-License-Identifier: BSD-2-Clause
/*
 * Benchmark harness for BPF_PROG_TEST_RUN with repeat.
 *
 * With repeat the kernel runs the program again and again on one buffer, so
 * a program that rewrites the packet (encapsulation moves the head, hop
 * limit decrement, MAC rewrite) would be timed on its own output from the
 * previous round.  bench_restore puts the test frame back, at the position
 * and length it had on the first round, then tail-calls the program under
 * test (slot 0 of "under_test").  The cost of the restore alone is measured
 * by putting bench_pass in the slot.
 *
 * With vary_mod > 1 it also writes vary_base + (round % vary_mod), big
 * endian, at byte vary_off of the frame, so successive rounds look up
 * different keys (a binding cache much larger than the CPU caches).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xpmip.h"
#include "bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} under_test SEC(".maps");

/* The frame to restore; written by userspace before the run. */
__u8 frame[BENCH_FRAME_MAX];
__u32 frame_len;
/*
 * ctx->data on the first round of a run, as a number.  Userspace clears
 * have_start before every run (each run gets a fresh buffer).  Storing a
 * packet pointer in a map needs CAP_PERFMON (allow_ptr_leaks); the
 * benchmark runs as root.
 */
volatile __u64 start;
volatile __u64 now;
volatile __u32 have_start;
__u64 restore_failed;
__u32 vary_off;
__u32 vary_base;
__u32 vary_mod;
__u32 vary_round;

SEC("xdp")
int bench_restore(struct xdp_md *ctx)
{
	long shift = 0;

	now = ctx->data;
	if (!have_start) {
		start = now;
		have_start = 1;
	} else {
		shift = (long)(start - now);
	}
	if (bench_put_frame(ctx, frame, frame_len, shift)) {
		restore_failed++;
		return XDP_ABORTED;
	}
	if (vary_mod > 1) {
		__u32 v = vary_base + vary_round++ % vary_mod;

		v = bpf_htonl(v);
		if (bpf_xdp_store_bytes(ctx, vary_off, &v, sizeof(v))) {
			restore_failed++;
			return XDP_ABORTED;
		}
	}
	bpf_tail_call(ctx, &under_test, 0);
	return XDP_ABORTED;
}

/* The empty program under test: harness cost alone. */
SEC("xdp")
int bench_pass(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

/* A program that moves the head, to check the restore itself. */
SEC("xdp")
int bench_push40(struct xdp_md *ctx)
{
	__u8 *d, *end;

	if (bpf_xdp_adjust_head(ctx, -40))
		return XDP_ABORTED;
	d = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (d + 41 > end)
		return XDP_ABORTED;
	d[40]++;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
