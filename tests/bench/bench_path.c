// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench_path: whole-path forwarding rate, generator -> gateway -> sink, in
 * three network namespaces that scripts/bench.sh prepares:
 *
 *   gen: g0 ===== w0 :gw: w1 ===== s0 :sink
 *
 * The generator is bench_gen run with BPF_F_TEST_XDP_LIVE_FRAMES on g0: it
 * sends a CN -> MN UDP packet (126 bytes) out of g0 on every round.  The
 * sink counts what arrives on s0 (bench_sink, XDP).  The gateway runs, in
 * alternating rounds:
 *   kernel     no XDP: the kernel's plain IPv6 forwarding (GRO on w0 gives
 *              the veth the NAPI instance XDP_TX needs)
 *   xdp-fwd    bench_fwd on w0: bpf_fib_lookup + redirect, no tunnel
 *   encap-fib  the LMA data plane (xdp_lma on w0 and w1), binding for the
 *              MN's prefix, next hop by bpf_fib_lookup
 *   encap      the same with the nexthops map kept by the nexthop monitor
 * The rate of a round is what the sink counted divided by the round's
 * time; the table gives medians over the rounds and their ratios.  It
 * also shows which share of what arrived was tunnelled, and how many
 * packets the data plane counted as encapsulated and redirected by XDP
 * (lma_encap) per packet at the sink: about 100% for the encap modes, or
 * the rate is not the XDP path's.
 *
 *   bench_path GEN_NS GW_NS SINK_NS [--rounds N] [--seconds S]
 *              [--instance NAME]
 *
 * The data plane's maps are pinned under XP_PIN_ROOT/NAME (default
 * xpbw-PID) for the run and removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include "bench_fwd.skel.h"
#include "bench_gen.skel.h"
#include "dataplane.h"
#include "log.h"
#include "nexthop.h"

#define MAX_ROUNDS 15
#define GEN_BATCH  (1u << 20)

/* Addresses and MACs the script gives the namespaces. */
#define LMA_ADDR "2001:db8:a::1"
#define MAG_ADDR "2001:db8:b::2" /* the sink plays the serving MAG */
#define CN_ADDR	 "2001:db8:c::1"
#define MN_ADDR	 "2001:db8:100::10"
static const __u8 mac_g0[6] = {0x02, 0, 0, 0, 0x0a, 0x01};
static const __u8 mac_w0[6] = {0x02, 0, 0, 0, 0x0a, 0x02};

enum mode { M_KERNEL, M_FWD, M_ENCAP_FIB, M_ENCAP, M_N };
static const char *const mode_name[M_N] = {
    [M_KERNEL] = "kernel forwarding (no XDP)",
    [M_FWD] = "bare XDP forwarder",
    [M_ENCAP_FIB] = "LMA encap, fib",
    [M_ENCAP] = "LMA encap, nexthops map",
};

struct path {
	int ns_gen, ns_gw, ns_sink;
	int g0, w0, w1, s0;
	struct bench_gen *gen;
	struct bench_fwd *fwd;	/* in gw: bench_fwd */
	struct bench_fwd *sink; /* in sink: bench_sink */
	struct dp *dp;
	struct nh_mon *nh;
	char instance[32];
	double pps[M_N][MAX_ROUNDS];
	double offered[M_N][MAX_ROUNDS];
	__u64 rx[M_N];	      /* frames at the sink, all rounds */
	__u64 tunnelled[M_N]; /* of which IPv6-in-IPv6 */
	__u64 xdp_encap[M_N]; /* data plane's lma_encap count */
	unsigned int rounds;
	double seconds;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) ? -errno : 0;
}

static int open_ns(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "/run/netns/%s", name);
	return open(p, O_RDONLY | O_CLOEXEC);
}

static __u32 build_frame(__u8 *f)
{
	struct in6_addr s, d;
	__u16 plen = 8 + 64;

	inet_pton(AF_INET6, CN_ADDR, &s);
	inet_pton(AF_INET6, MN_ADDR, &d);
	memcpy(f, mac_w0, 6);
	memcpy(f + 6, mac_g0, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(f + 14, 0, 40);
	f[14] = 0x60;
	f[18] = plen >> 8;
	f[19] = plen & 0xff;
	f[20] = 17;
	f[21] = 64;
	memcpy(f + 22, &s, 16);
	memcpy(f + 38, &d, 16);
	/* UDP 12345 -> 5001; checksum left to nobody: the sink drops */
	f[54] = 0x30;
	f[55] = 0x39;
	f[56] = 0x13;
	f[57] = 0x89;
	f[58] = plen >> 8;
	f[59] = plen & 0xff;
	f[60] = 0;
	f[61] = 0;
	memset(f + 62, 0xa5, 64);
	return 14 + 40 + plen;
}

/* One of bench_sink's counters (0 frames, 1 bytes, 2 tunnelled). */
static __u64 sink_count(struct path *p, __u32 k)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 v[256] = {0}, sum = 0;

	if (ncpu > 256 ||
	    bpf_map_lookup_elem(bpf_map__fd(p->sink->maps.sink_count), &k, v))
		return 0;
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

/* Sends for @secs seconds from the gen namespace; returns frames sent. */
static long long generate(struct path *p, double secs)
{
	struct xdp_md md = {.ingress_ifindex = p->g0};
	__u8 frame[256];
	__u32 len = build_frame(frame);
	long long sent = 0;
	double end;

	md.data_end = len;
	memcpy(p->gen->bss->frame, frame, len);
	p->gen->bss->frame_len = len;
	if (enter(p->ns_gen))
		return -1;
	end = now_s() + secs;
	while (now_s() < end) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
			    .data_size_in = len, .ctx_in = &md,
			    .ctx_size_in = sizeof(md), .repeat = GEN_BATCH / 8,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(
			bpf_program__fd(p->gen->progs.bench_gen), &o)) {
			log_err("bench_path: generator: %s", strerror(errno));
			return -1;
		}
		sent += GEN_BATCH / 8;
	}
	return sent;
}

static int xdp_set(int ifindex, int fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o);

	if (fd < 0)
		return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, &o);
	return bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, &o);
}

/* Puts the gateway in @m (programs on w0/w1, nexthops map state). */
static int gw_mode(struct path *p, enum mode m)
{
	struct in6_addr mag;
	int err;

	inet_pton(AF_INET6, MAG_ADDR, &mag);
	err = enter(p->ns_gw);
	if (err)
		return err;
	/* everything off first */
	dp_detach(p->dp, p->w0);
	dp_detach(p->dp, p->w1);
	xdp_set(p->w0, -1);
	if (p->nh) {
		nh_mon_free(p->nh);
		p->nh = NULL;
	}
	dp_nexthop_delete(p->dp, &mag);

	switch (m) {
	case M_KERNEL:
		return 0;
	case M_FWD:
		return xdp_set(p->w0, bpf_program__fd(p->fwd->progs.bench_fwd));
	case M_ENCAP:
		/* the monitor as the daemon runs it, filling the map */
		p->nh = nh_mon_new(p->dp);
		if (!p->nh)
			return -errno;
		err = nh_mon_add_peer(p->nh, &mag);
		if (err)
			return err;
		if (nh_mon_installed(p->nh) != 1) {
			log_err("bench_path: next hop of %s unresolved",
				MAG_ADDR);
			return -EHOSTUNREACH;
		}
		/* fall through */
	case M_ENCAP_FIB:
		err = dp_attach(p->dp, p->w0, XP_IF_CORE);
		if (!err)
			err = dp_attach(p->dp, p->w1, XP_IF_CORE);
		return err;
	default:
		return -EINVAL;
	}
}

static int setup(struct path *p, const char *gen, const char *gw,
		 const char *sink)
{
	struct dp_opts o = {.role = XP_ROLE_LMA};
	struct xp_binding b = {.flags = XP_BIND_F_ACTIVE};
	struct xp_hnp_key key;
	struct in6_addr mn;
	__u32 k;
	int err;

	p->ns_gen = open_ns(gen);
	p->ns_gw = open_ns(gw);
	p->ns_sink = open_ns(sink);
	if (p->ns_gen < 0 || p->ns_gw < 0 || p->ns_sink < 0)
		return -ENOENT;

	p->gen = bench_gen__open_and_load();
	p->fwd = bench_fwd__open_and_load();
	p->sink = bench_fwd__open_and_load();
	if (!p->gen || !p->fwd || !p->sink)
		return -errno;

	if ((err = enter(p->ns_sink)))
		return err;
	p->s0 = if_nametoindex("s0");
	err = xdp_set(p->s0, bpf_program__fd(p->sink->progs.bench_sink));
	if (err)
		return err;
	if ((err = enter(p->ns_gen)))
		return err;
	p->g0 = if_nametoindex("g0");
	if ((err = enter(p->ns_gw)))
		return err;
	p->w0 = if_nametoindex("w0");
	p->w1 = if_nametoindex("w1");
	if (!p->s0 || !p->g0 || !p->w0 || !p->w1)
		return -ENODEV;
	k = p->w1;
	if (bpf_map_update_elem(bpf_map__fd(p->fwd->maps.fwd_ports), &k, &k, 0))
		return -errno;

	if (!p->instance[0])
		snprintf(p->instance, sizeof(p->instance), "xpbw-%d",
			 (int)getpid());
	o.instance = p->instance;
	inet_pton(AF_INET6, LMA_ADDR, &o.local_addr);
	err = dp_open(&p->dp, &o);
	if (err)
		return err;
	inet_pton(AF_INET6, MN_ADDR, &mn);
	xp_hnp_key_from_prefix(&key, &mn);
	inet_pton(AF_INET6, MAG_ADDR, &b.peer);
	return dp_binding_update(p->dp, &key, &b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return s[n / 2];
}

/* Median over the rounds of pps(a) / pps(b) within the same round. */
static double paired(const struct path *p, enum mode a, enum mode b)
{
	double r[MAX_ROUNDS];
	unsigned int i;

	for (i = 0; i < p->rounds; i++)
		r[i] = p->pps[b][i] > 0 ? p->pps[a][i] / p->pps[b][i] : 0;
	return median(r, p->rounds);
}

int main(int argc, char **argv)
{
	struct path p = {.rounds = 5, .seconds = 2.0};
	double med[M_N], t0, t1, vs_kernel, vs_fwd;
	cpu_set_t cpus;
	unsigned int r;
	int i, m, err;

	if (argc < 4)
		fatal("usage: bench_path GEN_NS GW_NS SINK_NS [--rounds N] "
		      "[--seconds S] [--instance NAME]");
	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rounds"))
			p.rounds = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seconds"))
			p.seconds = strtod(argv[i + 1], NULL);
		else if (!strcmp(argv[i], "--instance"))
			snprintf(p.instance, sizeof(p.instance), "%s",
				 argv[i + 1]);
	}
	if (p.rounds < 1 || p.rounds > MAX_ROUNDS || p.seconds <= 0 ||
	    p.seconds > 10)
		fatal("bench_path: rounds 1..%d, seconds (0, 10]", MAX_ROUNDS);
	log_init("bench_path", LOG_LVL_WARN, false);
	/* the generator on CPU 1; the gateway's NAPI thread gets CPU 0 */
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	err = setup(&p, argv[1], argv[2], argv[3]);
	if (err) {
		log_err("bench_path: setup: %s", strerror(-err));
		goto out;
	}

	/* alternating paired rounds: every mode once per round */
	for (r = 0; r < p.rounds; r++) {
		for (m = 0; m < M_N; m++) {
			struct xp_stat st0[XP_STAT_MAX], st1[XP_STAT_MAX];
			__u64 c0, c1, n0, n1;
			long long sent;

			err = gw_mode(&p, m);
			if (err) {
				log_err("bench_path: %s: %s", mode_name[m],
					strerror(-err));
				goto out;
			}
			/* warm up: caches, neighbour, NAPI thread */
			if (generate(&p, 0.2) < 0) {
				err = -EIO;
				goto out;
			}
			c0 = sink_count(&p, 0);
			n0 = sink_count(&p, 2);
			if (dp_stats_read(p.dp, st0))
				memset(st0, 0, sizeof(st0));
			t0 = now_s();
			sent = generate(&p, p.seconds);
			t1 = now_s();
			usleep(50000); /* let the rings drain */
			c1 = sink_count(&p, 0);
			n1 = sink_count(&p, 2);
			if (dp_stats_read(p.dp, st1))
				memset(st1, 0, sizeof(st1));
			if (sent < 0) {
				err = -EIO;
				goto out;
			}
			p.rx[m] += c1 - c0;
			p.tunnelled[m] += n1 - n0;
			p.xdp_encap[m] += st1[XP_STAT_LMA_ENCAP].packets -
					  st0[XP_STAT_LMA_ENCAP].packets;
			p.pps[m][r] = (c1 - c0) / (t1 - t0);
			p.offered[m][r] = sent / (t1 - t0);
		}
	}

	for (m = 0; m < M_N; m++)
		med[m] = median(p.pps[m], p.rounds);
	printf("Whole path gen -> gateway -> sink (veth, namespaces), %u "
	       "alternating rounds of %.1f s, packets per second at the "
	       "sink, medians.\n\n",
	       p.rounds, p.seconds);
	printf("| gateway | Mpps median | min–max | offered Mpps | vs kernel "
	       "| vs bare XDP fwd | tunnelled at sink | XDP encap count / "
	       "sink |\n|---|---|---|---|---|---|---|---|\n");
	for (m = 0; m < M_N; m++) {
		double s[MAX_ROUNDS];

		memcpy(s, p.pps[m], p.rounds * sizeof(double));
		qsort(s, p.rounds, sizeof(double), cmp_double);
		printf("| %s | %.3f | %.3f–%.3f | %.2f | %.2f× | %.2f× | "
		       "%.1f%% | %.1f%% |\n",
		       mode_name[m], med[m] / 1e6, s[0] / 1e6,
		       s[p.rounds - 1] / 1e6,
		       median(p.offered[m], p.rounds) / 1e6,
		       med[m] / med[M_KERNEL], med[m] / med[M_FWD],
		       p.rx[m] ? 100.0 * p.tunnelled[m] / p.rx[m] : 0,
		       p.rx[m] ? 100.0 * p.xdp_encap[m] / p.rx[m] : 0);
	}
	/*
	 * Judged on the median of the per-round ratios: both modes of a
	 * pair ran within seconds of each other, so load that comes and goes
	 * on a shared machine cancels out of the ratio.
	 */
	vs_kernel = paired(&p, M_ENCAP, M_KERNEL);
	vs_fwd = paired(&p, M_ENCAP, M_FWD);
	printf("\n| target | paired rounds (median ratio) | ratio of medians "
	       "| target | |\n|---|---|---|---|---|\n");
	printf("| encap (nexthops map) vs kernel forwarding "
	       "| %.2f× | %.2f× | ≥ 1.30× | %s |\n",
	       vs_kernel, med[M_ENCAP] / med[M_KERNEL],
	       vs_kernel >= 1.3 ? "met" : "**missed**");
	printf("| encap (nexthops map) vs bare XDP forwarder "
	       "| %.2f× | %.2f× | ≥ 0.90× | %s |\n",
	       vs_fwd, med[M_ENCAP] / med[M_FWD],
	       vs_fwd >= 0.9 ? "met" : "**missed**");
	err = 0;
out:
	if (p.ns_gw > 0 && !enter(p.ns_gw)) {
		nh_mon_free(p.nh);
		if (p.dp)
			dp_close(p.dp, false);
		if (p.w0)
			xdp_set(p.w0, -1);
	}
	bench_gen__destroy(p.gen);
	bench_fwd__destroy(p.fwd);
	bench_fwd__destroy(p.sink);
	return err ? 1 : 0;
}
