// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpf_bench: per-packet cost of every data-plane XDP program through
 * BPF_PROG_TEST_RUN, side by side with the baselines they are judged by.
 *
 * Programs that rewrite the packet run behind bench_restore (see
 * bpf/bench_harness.bpf.c), which writes the test frame back before every
 * round and tail-calls them.  The harness alone (bench_pass behind it) is
 * measured in the same run, so a program's cost is estimated as
 *   cost = t(harness + program) - t(harness + bench_pass) + t(bench_xdp_pass)
 * which is what the program would take in the test-run loop on a fresh
 * frame, comparable with the floors measured directly.  Every case checks
 * that the output after N rounds equals the output of one fresh run, and
 * that the verdict and length are the ones of the path it claims to time;
 * a mismatch is logged and makes the exit status 2.
 *
 * Beside the paths: the building blocks they are made of (map lookups,
 * counters, clocks, head adjustment, redirect: bpf/bench_parts.bpf.c), and
 * a reference minimal encapsulation, to show where the time goes.
 *
 * Runs in a network namespace prepared by scripts/bench.sh: interfaces
 * x0 (LMA core), y0 (MAG core), a0 (MAG access) and z0 (core of a second
 * LMA instance whose binding cache is full, so one binding and a million
 * are measured side by side), routes and permanent neighbours for the
 * peers, forwarding on.  Cases are measured round-robin,
 * --runs rounds of --repeat packets each, and reported as medians.
 *
 *   bpf_bench [--repeat N] [--runs N] [--bindings N]
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include "dataplane.h"
#include "log.h"
#include "../../bpf/bench.h"
/* after dataplane.h: the skeletons use the types of xpmip.h */
#include "bench_fwd.skel.h"
#include "bench_harness.skel.h"
#include "bench_parts.skel.h"

#define ETH_HLEN    14
#define UDP_PAYLOAD 64
#define OUT_MAX	    512
#define MAX_RUNS    31

/* Addresses of the bench namespace (scripts/bench.sh sets them up). */
#define LMA_ADDR  "2001:db8:1::1"      /* LMA address (x0) */
#define MAG_ADDR  "2001:db8:1::2"      /* serving MAG's proxy-CoA, via x0 */
#define MAG2_ADDR "2001:db8:3::10"     /* MAG instance's proxy-CoA (y0) */
#define MAG2_LMA  "2001:db8:3::1"      /* MAG instance's LMA, via y0 */
#define CN_ADDR	  "2001:db8:c::1"      /* correspondent, via a router */
#define MN_ADDR	  "2001:db8:100:0::10" /* in the bound prefix */
#define HNP_BASE  0x01000000u	       /* prefix bytes 4..7 of 2001:db8:100:: */

enum mode { DIRECT, HARNESS };

struct bench_case {
	const char *name;
	int prog_fd;
	enum mode mode;
	__u8 frame[256];
	__u32 len;
	int ifindex;
	__u32 expect_ret;
	int expect_delta; /* output length - input length */
	__u32 vary_mod;	  /* >1: spread over that many prefixes */
	bool nh;	  /* with the nexthops map filled */
	/* results */
	double ns[MAX_RUNS];	 /* sorted once all runs are in */
	double run_ns[MAX_RUNS]; /* in run order, for paired ratios */
	int nrun;
	__u32 ret;
	bool same;     /* N rounds == one fresh run */
	bool shape_ok; /* verdict and length as expected */
	double median;
};

struct bench {
	struct bench_harness *h;
	struct bench_fwd *f;
	struct bench_parts *parts;
	struct dp *lma;
	struct dp *mag;
	struct dp *big; /* LMA with a full binding cache */
	unsigned int repeat;
	unsigned int runs;
	unsigned int bindings;
	int x0, y0, a0, z0;
	bool nh_set; /* nexthops entries present now */
};

static const __u8 mac_gw[6] = {0x02, 0, 0, 0, 0xa0, 0x01};
static const __u8 mac_mn[6] = {0x02, 0, 0, 0, 0x0e, 0x01};
static const __u8 mac_nb[6] = {0x02, 0, 0, 0, 0xb0, 0x01};

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fatal("bpf_bench: bad address %s", s);
	return a;
}

/* Ethernet + IPv6 header at @p; returns the length written. */
static __u32 put_ip6(__u8 *p, const __u8 *dmac, const __u8 *smac,
		     const char *src, const char *dst, __u8 nexthdr, __u16 plen)
{
	struct in6_addr s = addr(src), d = addr(dst);

	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	p += ETH_HLEN;
	/* version 6, traffic class 0x28, flow label 0x12345 */
	p[0] = 0x62;
	p[1] = 0x81;
	p[2] = 0x23;
	p[3] = 0x45;
	p[4] = plen >> 8;
	p[5] = plen & 0xff;
	p[6] = nexthdr;
	p[7] = 64;
	memcpy(p + 8, &s, 16);
	memcpy(p + 24, &d, 16);
	return ETH_HLEN + 40;
}

/* UDP datagram of UDP_PAYLOAD bytes at @p; returns its length. */
static __u32 put_udp(__u8 *p)
{
	__u16 len = 8 + UDP_PAYLOAD;

	p[0] = 0x30; /* ports 12345 -> 5001 */
	p[1] = 0x39;
	p[2] = 0x13;
	p[3] = 0x89;
	p[4] = len >> 8;
	p[5] = len & 0xff;
	p[6] = 0x5a; /* checksum: not checked on this path */
	p[7] = 0x5a;
	memset(p + 8, 0xa5, UDP_PAYLOAD);
	return len;
}

/* A plain UDP packet src -> dst (what a forwarder or an encap sees). */
static __u32 frame_plain(__u8 *f, const __u8 *smac, const char *src,
			 const char *dst)
{
	__u32 n = put_ip6(f, mac_gw, smac, src, dst, 17, 8 + UDP_PAYLOAD);

	return n + put_udp(f + n);
}

/* The same packet inside an outer IPv6 header osrc -> odst (RFC 2473). */
static __u32 frame_tunnel(__u8 *f, const char *osrc, const char *odst,
			  const char *src, const char *dst)
{
	__u8 inner[256];
	__u32 n, m;

	m = frame_plain(inner, mac_nb, src, dst) - ETH_HLEN;
	n = put_ip6(f, mac_gw, mac_nb, osrc, odst, 41, m);
	memcpy(f + n, inner + ETH_HLEN, m);
	return n + m;
}

static void hnp_key(struct xp_hnp_key *k, __u32 n)
{
	__u32 v = htonl(HNP_BASE + n);

	k->prefix[0] = 0x20;
	k->prefix[1] = 0x01;
	k->prefix[2] = 0x0d;
	k->prefix[3] = 0xb8;
	memcpy(&k->prefix[4], &v, 4);
}

/*
 * The next hops toward the two tunnel peers, as the nexthop monitor
 * (user/nexthop.c) sets them, or none (every lookup goes to the FIB).
 */
static int set_nexthops(struct bench *b, bool on)
{
	struct xp_nexthop nh = {.mtu = 1500};
	struct in6_addr lp = addr(MAG_ADDR), mp = addr(MAG2_LMA);
	int err;

	memcpy(nh.dmac, mac_nb, 6);
	memcpy(nh.smac, mac_gw, 6);
	if (on) {
		nh.ifindex = b->x0;
		err = dp_nexthop_update(b->lma, &lp, &nh);
		nh.ifindex = b->y0;
		if (!err)
			err = dp_nexthop_update(b->mag, &mp, &nh);
	} else {
		err = dp_nexthop_delete(b->lma, &lp);
		if (!err || err == -ENOENT)
			err = dp_nexthop_delete(b->mag, &mp);
		if (err == -ENOENT)
			err = 0;
	}
	if (!err)
		b->nh_set = on;
	return err;
}

static int run_once(struct bench *b, struct bench_case *c, __u32 repeat,
		    __u8 *out, __u32 *out_len, __u32 *ret, __u32 *ns)
{
	struct xdp_md md = {.data_end = c->len, .ingress_ifindex = c->ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c->frame,
		    .data_size_in = c->len, .data_out = out,
		    .data_size_out = OUT_MAX, .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = repeat);
	int fd = c->prog_fd, k = 0, err;

	if (c->nh != b->nh_set) {
		err = set_nexthops(b, c->nh);
		if (err)
			return err;
	}
	if (c->mode == HARNESS) {
		memcpy(b->h->bss->frame, c->frame, c->len);
		b->h->bss->frame_len = c->len;
		b->h->bss->have_start = 0;
		b->h->bss->vary_mod = c->vary_mod;
		b->h->bss->vary_round = 0;
		err = bpf_map_update_elem(bpf_map__fd(b->h->maps.under_test),
					  &k, &c->prog_fd, BPF_ANY);
		if (err)
			return -errno;
		fd = bpf_program__fd(b->h->progs.bench_restore);
	}
	err = bpf_prog_test_run_opts(fd, &o);
	if (err)
		return -errno;
	*out_len = o.data_size_out;
	*ret = o.retval;
	*ns = o.duration;
	return 0;
}

/* One fresh round, for the reference output and the shape checks. */
static int check_case(struct bench *b, struct bench_case *c, __u8 *ref,
		      __u32 *ref_len)
{
	__u32 ns;
	int err;

	err = run_once(b, c, 1, ref, ref_len, &c->ret, &ns);
	if (err)
		return err;
	c->shape_ok = c->ret == c->expect_ret &&
		      (int)*ref_len - (int)c->len == c->expect_delta;
	c->same = true;
	return 0;
}

static int measure(struct bench *b, struct bench_case *c, const __u8 *ref,
		   __u32 ref_len)
{
	__u8 out[OUT_MAX];
	__u32 len, ret, ns;
	int err;

	err = run_once(b, c, b->repeat, out, &len, &ret, &ns);
	if (err)
		return err;
	/* a spread run ends on another prefix: only the verdict compares */
	if (ret != c->ret ||
	    (c->vary_mod <= 1 && (len != ref_len || memcmp(out, ref, len))))
		c->same = false;
	if (c->nrun < MAX_RUNS)
		c->ns[c->nrun] = c->run_ns[c->nrun] = ns, c->nrun++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void finish(struct bench_case *c)
{
	qsort(c->ns, c->nrun, sizeof(c->ns[0]), cmp_double);
	c->median = c->nrun ? c->ns[c->nrun / 2] : 0;
}

/* Measures cases[0..n) round-robin, so drift hits all of them alike. */
static int measure_all(struct bench *b, struct bench_case *cases, int n)
{
	static __u8 ref[64][OUT_MAX];
	__u32 ref_len[64];
	unsigned int r;
	int i, err;

	if (n > 64)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		err = check_case(b, &cases[i], ref[i], &ref_len[i]);
		if (err) {
			log_err("bpf_bench: %s: test run: %s", cases[i].name,
				strerror(-err));
			return err;
		}
	}
	for (r = 0; r < b->runs; r++) {
		for (i = 0; i < n; i++) {
			err = measure(b, &cases[i], ref[i], ref_len[i]);
			if (err)
				return err;
		}
	}
	for (i = 0; i < n; i++)
		finish(&cases[i]);
	return 0;
}

static int lma_binding(struct dp *dp, __u32 n)
{
	struct xp_binding v = {.flags = XP_BIND_F_ACTIVE};
	struct xp_hnp_key k;

	hnp_key(&k, n);
	v.peer = addr(MAG_ADDR);
	return dp_binding_update(dp, &k, &v);
}

/*
 * Fills the bindings map @fd with prefixes @from..total-1 (prefix 0 is the
 * one the frames use), in batches as the daemon would at restart.
 */
static int fill_bindings(int fd, __u32 from, __u32 total)
{
	const __u32 chunk = 65536;
	struct xp_binding *vals;
	struct xp_hnp_key *keys;
	__u32 i, n, done = from;
	int err = 0;

	if (fd < 0)
		return fd;
	keys = calloc(chunk, sizeof(*keys));
	vals = calloc(chunk, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < chunk; i++) {
		vals[i].peer = addr(MAG_ADDR);
		vals[i].flags = XP_BIND_F_ACTIVE;
	}
	while (done < total) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		n = total - done < chunk ? total - done : chunk;
		for (i = 0; i < n; i++)
			hnp_key(&keys[i], done + i);
		if (bpf_map_update_batch(fd, keys, vals, &n, &o)) {
			err = -errno;
			goto out;
		}
		done += n;
	}
out:
	free(keys);
	free(vals);
	return err;
}

/* Cost from the medians, or (lo) from the fastest runs of each case. */
static double cost_of(const struct bench_case *c, const struct bench_case *h,
		      const struct bench_case *pass, bool lo)
{
	double v = lo ? c->ns[0] : c->median;

	if (c->mode == DIRECT)
		return v;
	/* a spread run pays the harness's extra store: subtract it too */
	if (c->vary_mod > 1 && h->vary_mod <= 1)
		fatal("bpf_bench: %s needs a spread harness baseline", c->name);
	return v - (lo ? h->ns[0] : h->median) +
	       (lo ? pass->ns[0] : pass->median);
}

static double cost(const struct bench_case *c, const struct bench_case *h,
		   const struct bench_case *pass)
{
	return cost_of(c, h, pass, false);
}

static const char *verdict_name(__u32 r)
{
	static const char *const n[] = {"ABORTED", "DROP", "PASS", "TX",
					"REDIRECT"};

	return r < 5 ? n[r] : "?";
}

/* One table row; @cost < 0 for the harness rows (they are subtracted). */
static void row(const struct bench_case *c, double cost, double ref,
		const char *refname)
{
	printf("| %s | %s | %.1f | %.1f–%.1f | ", c->name,
	       c->mode == HARNESS ? "harness" : "direct", c->median, c->ns[0],
	       c->ns[c->nrun - 1]);
	if (cost >= 0)
		printf("%.1f", cost);
	else
		printf("(subtracted)");
	printf(" | ");
	if (refname)
		printf("%.2f× %s", cost / ref, refname);
	printf(" | %s | %s |\n", verdict_name(c->ret),
	       c->same && c->shape_ok ? "ok" : "MISMATCH");
}

/*
 * Median over the runs of cost(c) / cost(ref), both from the same run:
 * cases are measured round-robin, so a run's cases saw the same load.
 */
static double paired(const struct bench_case *c, const struct bench_case *ch,
		     const struct bench_case *ref, const struct bench_case *rh,
		     const struct bench_case *pass)
{
	double r[MAX_RUNS], a, b;
	int i, n = c->nrun;

	for (i = 0; i < n; i++) {
		a = c->run_ns[i];
		b = ref->run_ns[i];
		if (c->mode == HARNESS)
			a += pass->run_ns[i] - ch->run_ns[i];
		if (ref->mode == HARNESS)
			b += pass->run_ns[i] - rh->run_ns[i];
		r[i] = b > 0 ? a / b : 0;
	}
	qsort(r, n, sizeof(r[0]), cmp_double);
	return n ? r[n / 2] : 0;
}

/*
 * One target row: c (harness baseline ch) against ref (rh), judged on the
 * paired ratio; the ratio of the medians and of the fastest runs beside
 * it, as a shared machine's load moves medians more than minima.
 */
static void target(const char *what, const struct bench_case *c,
		   const struct bench_case *ch, const struct bench_case *ref,
		   const struct bench_case *rh, const struct bench_case *pass,
		   double max)
{
	double pr = paired(c, ch, ref, rh, pass);
	double med =
	    cost_of(c, ch, pass, false) / cost_of(ref, rh, pass, false);
	double lo = cost_of(c, ch, pass, true) / cost_of(ref, rh, pass, true);

	printf("| %s | %.2f× | %.2f× | %.2f× "
	       "| ≤ %.2f× | %s |\n",
	       what, pr, med, lo, max, pr <= max ? "met" : "**missed**");
}

/* The one entry each building-block map needs to answer its lookup. */
static int parts_fill(struct bench *b)
{
	struct bench_parts *pt = b->parts;
	struct xp_binding v = {.flags = XP_BIND_F_ACTIVE};
	struct xp_nexthop nh = {.mtu = 1500};
	struct bench_fast_binding fb = {.nh = {.ifindex = b->x0, .mtu = 1500}};
	__u32 port = b->x0;
	int err;

	hnp_key(&pt->bss->part_key, 0);
	pt->bss->part_peer = addr(MAG_ADDR);
	pt->bss->part_local = addr(LMA_ADDR);
	pt->bss->part_port = port;
	pt->bss->part_fib_dst = addr(CN_ADDR);
	pt->bss->part_n = b->bindings;
	err = fill_bindings(bpf_map__fd(pt->maps.part_full_np), 0, b->bindings);
	if (!err)
		err = fill_bindings(bpf_map__fd(pt->maps.part_full_pre), 0,
				    b->bindings);
	if (err)
		return err;
	if (bpf_map_update_elem(bpf_map__fd(pt->maps.part_bindings),
				&pt->bss->part_key, &v, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(pt->maps.part_nexthops),
				&pt->bss->part_peer, &nh, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(pt->maps.part_ports), &port, &port,
				BPF_ANY))
		return -errno;
	fb.peer = addr(MAG_ADDR);
	memcpy(fb.nh.dmac, mac_nb, 6);
	memcpy(fb.nh.smac, mac_gw, 6);
	if (bpf_map_update_elem(bpf_map__fd(pt->maps.part_fast),
				&pt->bss->part_key, &fb, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * The second LMA instance: the same binding as the first plus
 * bindings - 1 others, its next hop toward the MAG in its nexthops map.
 */
static int big_setup(struct bench *b, const struct dp_opts *lo)
{
	struct dp_opts o = *lo;
	struct xp_nexthop nh = {.ifindex = b->z0, .mtu = 1500};
	struct in6_addr peer = addr(MAG_ADDR);
	int err;

	o.instance = "xpbn-big";
	err = dp_open(&b->big, &o);
	if (!err)
		err = dp_attach(b->big, b->z0, XP_IF_CORE);
	if (!err)
		err = lma_binding(b->big, 0);
	if (!err)
		err = fill_bindings(dp_map_fd(b->big, "bindings"), 1,
				    b->bindings);
	if (err)
		return err;
	memcpy(nh.dmac, mac_nb, 6);
	memcpy(nh.smac, mac_gw, 6);
	return dp_nexthop_update(b->big, &peer, &nh);
}

static int setup(struct bench *b)
{
	struct dp_opts lo = {.role = XP_ROLE_LMA, .instance = "xpbn-lma"};
	struct dp_opts mo = {.role = XP_ROLE_MAG, .instance = "xpbn-mag"};
	struct xp_binding mb = {.flags = XP_BIND_F_ACTIVE};
	struct xp_mn_key mk = {0};
	struct xp_mn mn;
	__u32 k;
	int err;

	b->x0 = if_nametoindex("x0");
	b->y0 = if_nametoindex("y0");
	b->a0 = if_nametoindex("a0");
	b->z0 = if_nametoindex("z0");
	if (!b->x0 || !b->y0 || !b->a0 || !b->z0) {
		log_err("bpf_bench: interfaces x0, y0, a0, z0 missing "
			"(run from scripts/bench.sh)");
		return -ENODEV;
	}

	b->h = bench_harness__open_and_load();
	b->f = bench_fwd__open_and_load();
	b->parts = bench_parts__open();
	if (b->parts && (bpf_map__set_max_entries(b->parts->maps.part_full_np,
						  b->bindings) ||
			 bpf_map__set_max_entries(b->parts->maps.part_full_pre,
						  b->bindings) ||
			 bench_parts__load(b->parts))) {
		bench_parts__destroy(b->parts);
		b->parts = NULL;
	}
	if (!b->h || !b->f || !b->parts)
		return -errno;
	err = parts_fill(b);
	if (err)
		return err;
	k = b->x0;
	err = bpf_map_update_elem(bpf_map__fd(b->f->maps.fwd_ports), &k, &k, 0);
	if (err)
		return -errno;

	lo.local_addr = addr(LMA_ADDR);
	lo.max_bindings = b->bindings;
	err = dp_open(&b->lma, &lo);
	if (!err)
		err = dp_attach(b->lma, b->x0, XP_IF_CORE);
	if (err)
		return err;
	err = big_setup(b, &lo);
	if (err)
		return err;
	mo.local_addr = addr(MAG2_ADDR);
	err = dp_open(&b->mag, &mo);
	if (!err)
		err = dp_attach(b->mag, b->y0, XP_IF_CORE);
	if (!err)
		err = dp_attach(b->mag, b->a0, XP_IF_ACCESS);
	if (err)
		return err;

	/* LMA: the prefix of MN_ADDR is bound to MAG_ADDR */
	err = lma_binding(b->lma, 0);
	if (err)
		return err;
	/* MAG: the node mac_mn on a0 owns the same prefix; LMA via y0 */
	hnp_key(&mn.hnp, 0);
	mk.ifindex = b->a0;
	memcpy(mk.mac, mac_mn, 6);
	err = dp_mn_update(b->mag, &mk, &mn);
	if (err)
		return err;
	mb.peer = addr(MAG2_LMA);
	memcpy(mb.mn_mac, mac_mn, 6);
	memcpy(mb.gw_mac, mac_gw, 6);
	mb.access_ifindex = b->a0;
	return dp_binding_update(b->mag, &mn.hnp, &mb);
}

enum {
	C_PASS,
	C_TX,
	C_HARNESS,
	C_FWD,
	C_LMA_ENC_FIB,
	C_LMA_ENC_NH,
	C_LMA_DEC,
	C_MAG_ENC_FIB,
	C_MAG_ENC_NH,
	C_MAG_DEC,
	C_BIG_SAME,
	C_HARNESS_SPREAD,
	C_BIG_SPREAD,
	C_MIN_ENCAP,
	C_N
};

static int prog(struct dp *dp, const char *name)
{
	int fd = dp_prog_fd(dp, name);

	if (fd < 0)
		fatal("bpf_bench: no program %s", name);
	return fd;
}

int main(int argc, char **argv)
{
	struct bench b = {
	    .repeat = 1000000, .runs = 7, .bindings = XP_MAX_BINDINGS};
	static struct bench_case c[C_N], pc[16];
	struct bench_case *h = &c[C_HARNESS], *p = &c[C_PASS];
	struct bench_case *fwd = &c[C_FWD], *tx = &c[C_TX];
	bool all_ok = true;
	double one, spread;
	cpu_set_t cpus;
	int i, err;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--repeat"))
			b.repeat = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--runs"))
			b.runs = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--bindings"))
			b.bindings = strtoul(argv[i + 1], NULL, 0);
	}
	if (b.runs < 1 || b.runs > MAX_RUNS || b.repeat < 1 || b.bindings < 2)
		fatal("usage: bpf_bench [--repeat N] [--runs 1..%d] "
		      "[--bindings N>1]",
		      MAX_RUNS);
	log_init("bpf_bench", LOG_LVL_WARN, false);
	/* one CPU, so every case sees the same caches */
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	err = setup(&b);
	if (err) {
		log_err("bpf_bench: setup: %s", strerror(-err));
		return 1;
	}

	c[C_PASS] = (struct bench_case){
	    .name = "XDP_PASS floor",
	    .prog_fd = bpf_program__fd(b.f->progs.bench_xdp_pass),
	    .mode = DIRECT,
	    .expect_ret = XDP_PASS};
	c[C_TX] = (struct bench_case){
	    .name = "XDP_TX floor",
	    .prog_fd = bpf_program__fd(b.f->progs.bench_xdp_tx),
	    .mode = DIRECT,
	    .expect_ret = XDP_TX};
	c[C_HARNESS] = (struct bench_case){
	    .name = "harness only",
	    .prog_fd = bpf_program__fd(b.h->progs.bench_pass),
	    .mode = HARNESS,
	    .expect_ret = XDP_PASS};
	c[C_FWD] = (struct bench_case){
	    .name = "bare forwarder (fib+redirect)",
	    .prog_fd = bpf_program__fd(b.f->progs.bench_fwd),
	    .mode = HARNESS,
	    .expect_ret = XDP_REDIRECT};
	c[C_LMA_ENC_FIB] =
	    (struct bench_case){.name = "LMA encap, fib",
				.prog_fd = prog(b.lma, "xdp_lma"),
				.mode = HARNESS,
				.expect_ret = XDP_REDIRECT,
				.expect_delta = 40};
	c[C_LMA_ENC_NH] = c[C_LMA_ENC_FIB];
	c[C_LMA_ENC_NH].name = "LMA encap, nexthops map";
	c[C_LMA_DEC] = (struct bench_case){.name = "LMA decap (+fib)",
					   .prog_fd = prog(b.lma, "xdp_lma"),
					   .mode = HARNESS,
					   .expect_ret = XDP_REDIRECT,
					   .expect_delta = -40};
	c[C_MAG_ENC_FIB] =
	    (struct bench_case){.name = "MAG encap, fib",
				.prog_fd = prog(b.mag, "xdp_mag_access"),
				.mode = HARNESS,
				.expect_ret = XDP_REDIRECT,
				.expect_delta = 40};
	c[C_MAG_ENC_NH] = c[C_MAG_ENC_FIB];
	c[C_MAG_ENC_NH].name = "MAG encap, nexthops map";
	c[C_MAG_DEC] =
	    (struct bench_case){.name = "MAG decap (to MN)",
				.prog_fd = prog(b.mag, "xdp_mag_core"),
				.mode = HARNESS,
				.expect_ret = XDP_REDIRECT,
				.expect_delta = -40};

	c[C_LMA_ENC_NH].nh = true;
	c[C_MAG_ENC_NH].nh = true;
	for (i = C_PASS; i <= C_FWD; i++) {
		c[i].len = frame_plain(c[i].frame, mac_nb, MN_ADDR, CN_ADDR);
		c[i].ifindex = b.x0;
	}
	for (i = C_LMA_ENC_FIB; i <= C_LMA_ENC_NH; i++) {
		c[i].len = frame_plain(c[i].frame, mac_nb, CN_ADDR, MN_ADDR);
		c[i].ifindex = b.x0;
	}
	c[C_LMA_DEC].len = frame_tunnel(c[C_LMA_DEC].frame, MAG_ADDR, LMA_ADDR,
					MN_ADDR, CN_ADDR);
	c[C_LMA_DEC].ifindex = b.x0;
	for (i = C_MAG_ENC_FIB; i <= C_MAG_ENC_NH; i++) {
		c[i].len = frame_plain(c[i].frame, mac_mn, MN_ADDR, CN_ADDR);
		c[i].ifindex = b.a0;
	}
	c[C_MAG_DEC].len = frame_tunnel(c[C_MAG_DEC].frame, MAG2_LMA, MAG2_ADDR,
					CN_ADDR, MN_ADDR);
	c[C_MAG_DEC].ifindex = b.y0;

	/* scale: the full cache beside the one-binding case above */
	c[C_BIG_SAME] = c[C_LMA_ENC_NH];
	c[C_BIG_SAME].name = "LMA encap, full cache, same prefix";
	c[C_BIG_SAME].prog_fd = prog(b.big, "xdp_lma");
	c[C_BIG_SAME].ifindex = b.z0;
	c[C_BIG_SPREAD] = c[C_BIG_SAME];
	c[C_BIG_SPREAD].name = "LMA encap, full cache, prefix spread";
	c[C_BIG_SPREAD].vary_mod = b.bindings;
	c[C_HARNESS_SPREAD] = *h;
	c[C_HARNESS_SPREAD].name = "harness only, prefix spread";
	c[C_HARNESS_SPREAD].vary_mod = b.bindings;
	c[C_HARNESS_SPREAD].nh = true;
	/* what an encapsulation could cost at best (bpf/bench_parts.bpf.c) */
	c[C_MIN_ENCAP] = c[C_LMA_ENC_NH];
	c[C_MIN_ENCAP].name = "reference: minimal encap, one lookup";
	c[C_MIN_ENCAP].prog_fd = bpf_program__fd(b.parts->progs.part_min_encap);
	b.h->bss->vary_off = ETH_HLEN + 24 + 4;
	b.h->bss->vary_base = HNP_BASE;

	/* "fib" cases run with the nexthops map empty, the others with it */
	err = measure_all(&b, c, C_N);
	if (err) {
		log_err("bpf_bench: %s", strerror(-err));
		return 1;
	}

	/*
	 * Building blocks, each BENCH_PARTS_OPS (8) times per run, beside
	 * the XDP_PASS floor they are measured against.
	 */
	struct {
		const char *name;
		struct bpf_program *prog;
	} pd[] = {
	    {"bpf_fib_lookup (plain forwarder's)", b.parts->progs.part_fib},
	    {"hash lookup, 8-byte key (bindings)", b.parts->progs.part_hash8},
	    {"hash lookup, 16-byte key (nexthops)", b.parts->progs.part_hash16},
	    {"per-CPU stats counter (lookup + 2 adds)",
	     b.parts->progs.part_percpu_stat},
	    {"atomic add on a binding counter", b.parts->progs.part_atomic_add},
	    {"hash lookup, next of N prefixes, 1-entry map (no misses)",
	     b.parts->progs.part_spread_one},
	    {"hash lookup, next of N prefixes, full map, no prealloc",
	     b.parts->progs.part_spread_np},
	    {"hash lookup, next of N prefixes, full map, preallocated",
	     b.parts->progs.part_spread_pre},
	    {"bpf_ktime_get_ns", b.parts->progs.part_ktime},
	    {"bpf_ktime_get_coarse_ns", b.parts->progs.part_ktime_coarse},
	    {"bpf_xdp_adjust_head -40 and +40",
	     b.parts->progs.part_adjust_head},
	    {"bpf_redirect_map (devmap hash)",
	     b.parts->progs.part_redirect_map},
	};
	const int npd = sizeof(pd) / sizeof(pd[0]);

	pc[0] = *p;
	pc[0].nrun = 0;
	for (i = 0; i < npd; i++) {
		pc[i + 1] = pc[0];
		pc[i + 1].name = pd[i].name;
		pc[i + 1].prog_fd = bpf_program__fd(pd[i].prog);
	}
	err = measure_all(&b, pc, npd + 1);
	if (err) {
		log_err("bpf_bench: building blocks: %s", strerror(-err));
		return 1;
	}

	one = cost(&c[C_LMA_ENC_NH], h, p);
	spread = cost(&c[C_BIG_SPREAD], &c[C_HARNESS_SPREAD], p);
	printf("Per-packet cost via BPF_PROG_TEST_RUN, %u runs of %u rounds, "
	       "median ns; cost = harness run − harness only + XDP_PASS "
	       "floor.\n\n",
	       b.runs, b.repeat);
	printf("| case | run | ns median | min–max | cost ns | ratio | "
	       "verdict | output |\n|---|---|---|---|---|---|---|---|\n");
	row(p, cost(p, h, p), 0, NULL);
	row(tx, cost(tx, h, p), 0, NULL);
	row(h, -1, 0, NULL);
	row(fwd, cost(fwd, h, p), cost(tx, h, p), "XDP_TX");
	for (i = C_LMA_ENC_FIB; i <= C_MAG_DEC; i++)
		row(&c[i], cost(&c[i], h, p), cost(fwd, h, p), "fwd");
	row(&c[C_BIG_SAME], cost(&c[C_BIG_SAME], h, p), one, "1 binding");
	row(&c[C_HARNESS_SPREAD], -1, 0, NULL);
	row(&c[C_BIG_SPREAD], spread, one, "1 binding");
	row(&c[C_MIN_ENCAP], cost(&c[C_MIN_ENCAP], h, p), cost(tx, h, p),
	    "XDP_TX");
	printf("\nBuilding blocks: each program repeats one operation 8 "
	       "times; ns per operation = (median − XDP_PASS floor) / 8.  "
	       "\"Next of N prefixes\" looks up a different one of the N = %u "
	       "prefixes every time.\n\n",
	       b.bindings);
	printf("| operation | ns per run (median) | ns per operation |\n"
	       "|---|---|---|\n");
	for (i = 1; i <= npd; i++)
		printf("| %s | %.1f | %.1f |\n", pc[i].name, pc[i].median,
		       (pc[i].median - pc[0].median) / 8);

	printf("\n| target | paired runs (median ratio) | ratio of medians | "
	       "fastest runs | target | |\n|---|---|---|---|---|---|\n");
	for (i = C_LMA_ENC_FIB; i <= C_MAG_DEC; i++) {
		char what[96];

		snprintf(what, sizeof(what), "(a) %s vs bare forwarder",
			 c[i].name);
		target(what, &c[i], h, fwd, h, p, 1.15);
	}
	target("(b) LMA encap, nexthops map vs XDP_TX", &c[C_LMA_ENC_NH], h, tx,
	       h, p, 3.0);
	target("(b) MAG encap, nexthops map vs XDP_TX", &c[C_MAG_ENC_NH], h, tx,
	       h, p, 3.0);
	target("(c) full cache vs 1 binding (same prefix)", &c[C_BIG_SAME], h,
	       &c[C_LMA_ENC_NH], h, p, 1.2);
	printf("| (c') full cache, prefix spread vs 1 binding (not a "
	       "target) | %.2f× | %.2f× | %.2f× | | |\n",
	       paired(&c[C_BIG_SPREAD], &c[C_HARNESS_SPREAD], &c[C_LMA_ENC_NH],
		      h, p),
	       spread / one,
	       cost_of(&c[C_BIG_SPREAD], &c[C_HARNESS_SPREAD], p, true) /
		   cost_of(&c[C_LMA_ENC_NH], h, p, true));
	printf("| (b') reference minimal encap vs XDP_TX (not a target) | "
	       "%.2f× | %.2f× | %.2f× | | |\n",
	       paired(&c[C_MIN_ENCAP], h, tx, h, p),
	       cost(&c[C_MIN_ENCAP], h, p) / cost(tx, h, p),
	       cost_of(&c[C_MIN_ENCAP], h, p, true) / cost_of(tx, h, p, true));
	printf("\nFull cache: %u bindings, filled by batch updates; the "
	       "1-binding reference is \"LMA encap, nexthops map\".  The "
	       "minimal encap is bench_parts.bpf.c's part_min_encap: one "
	       "lookup for peer and next hop, no flow-label hash, no binding "
	       "counters.\n",
	       b.bindings);

	for (i = 0; i < C_N + npd + 1; i++) {
		struct bench_case *x = i < C_N ? &c[i] : &pc[i - C_N];

		if (!x->same)
			log_err("bpf_bench: %s: output after %u rounds "
				"differs from one fresh run",
				x->name, b.repeat);
		if (!x->shape_ok)
			log_err("bpf_bench: %s: verdict %s or length is not "
				"the path's",
				x->name, verdict_name(x->ret));
		all_ok &= x->same && x->shape_ok;
	}
	bench_harness__destroy(b.h);
	bench_fwd__destroy(b.f);
	bench_parts__destroy(b.parts);
	dp_close(b.lma, false);
	dp_close(b.mag, false);
	dp_close(b.big, false);
	return all_ok ? 0 : 2;
}
