// SPDX-License-Identifier: BSD-2-Clause
/*
 * hnp_cost: time the home network prefix lookup, hash on the /64 against an
 * LPM trie, at 1 and at N bindings (default 1,000,000), with BPF test-run.
 * "own" looks up the frame's own prefix (hot in cache); "spread" looks up 32
 * entries scattered over the table per run (cache-cold, reported per
 * lookup).  The frame is never changed, so repeat needs no restore.
 *
 *   hnp_cost [N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xpmip.h"
#include "hnp_cost.skel.h"

#define SPREAD 32

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[16];
};

static int fill(struct hnp_cost *sk, __u32 from, __u32 to)
{
	int hfd = bpf_map__fd(sk->maps.cost_hash);
	int lfd = bpf_map__fd(sk->maps.cost_lpm);
	struct xp_binding b = {.flags = XP_BIND_F_ACTIVE};
	struct lpm_key lk = {.prefixlen = 64};
	struct xp_hnp_key hk = {{0x20, 0x01, 0x0d, 0xb8}};
	__u32 j, be;

	memcpy(lk.addr, hk.prefix, 4);
	for (j = from; j < to; j++) {
		be = htonl(j);
		memcpy(hk.prefix + 4, &be, 4);
		memcpy(lk.addr + 4, &be, 4);
		if (bpf_map_update_elem(hfd, &hk, &b, BPF_ANY) ||
		    bpf_map_update_elem(lfd, &lk, &b, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* ns per run of prog over the frame, best of 5 */
static double time_prog(struct bpf_program *prog, __u32 repeat)
{
	unsigned char frame[14 + 40 + 8] = {0};
	double best = 1e12;
	int k;

	frame[12] = 0x86;
	frame[13] = 0xdd;
	frame[14] = 0x60;
	frame[14 + 6] = 59;
	frame[14 + 7] = 64;
	/* dst 2001:db8::1, in the prefix of entry 0 */
	frame[14 + 24] = 0x20;
	frame[14 + 25] = 0x01;
	frame[14 + 26] = 0x0d;
	frame[14 + 27] = 0xb8;
	frame[14 + 39] = 1;
	for (k = 0; k < 5; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
			    .data_size_in = sizeof(frame), .repeat = repeat);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o) ||
		    o.retval != XDP_PASS) {
			fprintf(stderr, "hnp_cost: %s: run failed (ret %u)\n",
				bpf_program__name(prog), o.retval);
			exit(1);
		}
		if (o.duration < best)
			best = o.duration;
	}
	return best;
}

static void measure(struct hnp_cost *sk, __u32 n)
{
	double none, hash, lpm, shash, slpm;

	sk->bss->cost_n = n;
	sk->bss->cost_spread = 0;
	none = time_prog(sk->progs.xdp_cost_none, 2000000);
	hash = time_prog(sk->progs.xdp_cost_hash, 2000000);
	lpm = time_prog(sk->progs.xdp_cost_lpm, 2000000);
	sk->bss->cost_spread = 1;
	shash = time_prog(sk->progs.xdp_cost_hash, 100000);
	slpm = time_prog(sk->progs.xdp_cost_lpm, 100000);
	printf("%9u entries | own prefix: floor %5.1f ns, hash %5.1f ns "
	       "(+%5.1f), lpm %5.1f ns (+%5.1f) | spread, per lookup: "
	       "hash %5.1f ns, lpm %5.1f ns\n",
	       n, none, hash, hash - none, lpm, lpm - none,
	       (shash - none) / SPREAD, (slpm - none) / SPREAD);
}

int main(int argc, char **argv)
{
	__u32 big = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	struct hnp_cost *sk;
	int err;

	if (big < 2 || big > XP_MAX_BINDINGS) {
		fprintf(stderr, "usage: hnp_cost [N <= %u]\n", XP_MAX_BINDINGS);
		return 2;
	}
	sk = hnp_cost__open_and_load();
	if (!sk) {
		fprintf(stderr, "hnp_cost: cannot load: %s\n", strerror(errno));
		return 1;
	}
	err = fill(sk, 0, 1);
	if (!err) {
		measure(sk, 1);
		err = fill(sk, 1, big);
	}
	if (!err)
		measure(sk, big);
	if (err)
		fprintf(stderr, "hnp_cost: fill: %s\n", strerror(-err));
	hnp_cost__destroy(sk);
	return err ? 1 : 0;
}
