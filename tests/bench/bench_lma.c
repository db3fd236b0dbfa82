// SPDX-License-Identifier: BSD-2-Clause
/*
 * LMA benchmark (issue 3): PBUs handled per second on one core with a
 * large binding cache, the per-PBU cost at p50 and p99, and the daemon's
 * memory per binding.  Everything lma_input() does is measured (parse,
 * checks, lookup, cache update, timer, PBA build) with a send that does
 * nothing but read the status byte.
 *
 *   bench_lma [bindings [pbus]]     defaults 1000000 and 200000
 *
 * Prints figures and targets; exits 0 unless something breaks.
 */
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lma.h"
#include "mh.h"

#define N_MAGS	      16
#define STEP_NS	      20000 /* fake time per PBU: distinct timestamps */
#define TARGET_RATE   50000
#define TARGET_P99_US 100
#define TARGET_MEM    512
#define KERNEL_BYTES  180 /* hash map share per binding (issue 3) */

static uint64_t g_wall_ns = 1700000000000000000ull;
static uint64_t g_base_ns;
static uint64_t g_bad_status;
static uint8_t g_last_hnp[8];

static uint64_t fake_mono(void *arg)
{
	(void)arg;
	return (g_wall_ns - g_base_ns) / 1000000;
}

static uint64_t fake_wall(void *arg)
{
	(void)arg;
	return g_wall_ns;
}

static int nop_send(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		    size_t len)
{
	(void)arg;
	(void)dst;
	if (len > 6 && mh[6] != 0)
		g_bad_status++;
	return 0;
}

static void note_up(void *arg, const struct lma_bce_view *v)
{
	(void)arg;
	memcpy(g_last_hnp, v->hnp.s6_addr, 8);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static size_t rss_bytes(void)
{
	unsigned long size, rss;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Mobile node i: its NAI, MAC and serving MAG */
static void fill_pbu(struct mh_msg *m, uint32_t i, uint16_t seq, bool refresh,
		     const uint8_t *hnp64)
{
	char nai[40];
	int n = snprintf(nai, sizeof(nai), "mn%07u@bench.example", i);

	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = seq;
	m->flags = MH_BU_F_A | MH_BU_F_P;
	m->lifetime = mh_lifetime_units(3600);
	m->opts.has_mn_id = true;
	m->opts.mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
	m->opts.mn_id_len = (uint8_t)n;
	memcpy(m->opts.mn_id, nai, (size_t)n);
	m->opts.n_hnp = 1;
	if (refresh) {
		m->opts.hnp[0].plen = 64;
		memcpy(m->opts.hnp[0].prefix.s6_addr, hnp64, 8);
	}
	m->opts.has_hi = true;
	m->opts.hi = refresh ? MH_HI_NOT_CHANGED : MH_HI_NEW_IF;
	m->opts.has_att = true;
	m->opts.att = MH_ATT_8023;
	m->opts.has_ll_id = true;
	m->opts.ll_id_len = 6;
	m->opts.ll_id[0] = 0x02;
	memcpy(m->opts.ll_id + 2, &i, 4);
	m->opts.has_timestamp = true;
	m->opts.timestamp = mh_timestamp_from_ns(g_wall_ns);
}

struct prebuilt {
	uint8_t *buf; /* n messages of up to 128 bytes */
	uint16_t *len;
	uint32_t *mn;
};

#define SLOT 128

int main(int argc, char **argv)
{
	uint32_t n_bind =
	    argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 1000000;
	uint32_t n_pbu =
	    argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 200000;
	struct in6_addr mags[N_MAGS], lmaa;
	struct xp_clock clk = {fake_mono, fake_wall, NULL};
	struct lma_ops ops = {.send = nop_send, .bce_up = note_up};
	struct lma_config cfg;
	struct lma_counters cnt;
	struct prebuilt pb[2];
	struct mh_msg m;
	uint8_t(*hnp)[8];
	uint32_t *lat, i, r;
	uint64_t t0, t1, fill_ns, batch_ns, seed = 88172645463325252ull;
	size_t heap0, rss0, heap1, rss1;
	double per_heap, per_rss;
	cpu_set_t cpus;
	struct lma *lma;
	int len, k;

	if (!n_bind || !n_pbu) {
		fprintf(stderr, "usage: bench_lma [bindings [pbus]]\n");
		return 2;
	}
	/* one core: stay on the one we started on */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	inet_pton(AF_INET6, "2001:db8:ff::1", &lmaa);
	for (k = 0; k < N_MAGS; k++) {
		inet_pton(AF_INET6, "2001:db8:1::1", &mags[k]);
		mags[k].s6_addr[5] = (uint8_t)k;
	}
	lma_config_defaults(&cfg);
	cfg.lmaa = lmaa;
	cfg.mags = mags;
	cfg.n_mags = N_MAGS;
	cfg.serve_unknown_mn = true;
	inet_pton(AF_INET6, "2001:db8::", &cfg.pool);
	cfg.pool_plen = 32;
	cfg.max_lifetime_s = 7200;
	cfg.max_bindings = n_bind + 1;

	/* the bench's own arrays come before the baseline */
	hnp = calloc(n_bind, sizeof(*hnp));
	lat = calloc(n_pbu, sizeof(*lat));
	for (k = 0; k < 2; k++) {
		pb[k].buf = malloc((size_t)n_pbu * SLOT);
		pb[k].len = calloc(n_pbu, sizeof(uint16_t));
		pb[k].mn = calloc(n_pbu, sizeof(uint32_t));
		if (!pb[k].buf || !pb[k].len || !pb[k].mn)
			return 1;
		memset(pb[k].buf, 0, (size_t)n_pbu * SLOT);
	}
	if (!hnp || !lat)
		return 1;
	g_base_ns = g_wall_ns;
	malloc_trim(0);
	heap0 = heap_bytes();
	rss0 = rss_bytes();

	lma = lma_new(&cfg, &ops, NULL, &clk);
	if (!lma) {
		perror("lma_new");
		return 1;
	}

	/* 1. initial registrations, one per node (HI 1, ALL_ZERO HNP) */
	fill_ns = 0;
	for (i = 0; i < n_bind; i++) {
		uint8_t buf[SLOT];

		g_wall_ns += STEP_NS;
		fill_pbu(&m, i, (uint16_t)i, false, NULL);
		len = mh_build(&m, buf, sizeof(buf));
		t0 = now_ns();
		if (len < 0 ||
		    lma_input(lma, &mags[i % N_MAGS], &lmaa, buf, len) < 0)
			return 1;
		fill_ns += now_ns() - t0;
		memcpy(hnp[i], g_last_hnp, 8);
	}
	heap1 = heap_bytes();
	rss1 = rss_bytes();
	lma_get_counters(lma, &cnt);
	if (cnt.bindings != n_bind || g_bad_status) {
		fprintf(stderr, "bench_lma: %llu bindings, %llu rejected\n",
			(unsigned long long)cnt.bindings,
			(unsigned long long)g_bad_status);
		return 1;
	}

	/*
	 * 2. re-registrations (HI 5 with the assigned prefix) to random
	 * nodes, prebuilt so that only lma_input is timed.  Set 0 runs back
	 * to back for the rate, set 1 one by one for the latencies.
	 */
	for (k = 0; k < 2; k++) {
		uint64_t w = g_wall_ns;

		for (i = 0; i < n_pbu; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			r = (uint32_t)(seed % n_bind);
			w += STEP_NS;
			g_wall_ns = w;
			fill_pbu(&m, r, (uint16_t)(i + 7), true, hnp[r]);
			len = mh_build(&m, pb[k].buf + (size_t)i * SLOT, SLOT);
			if (len < 0)
				return 1;
			pb[k].len[i] = (uint16_t)len;
			pb[k].mn[i] = r;
		}
		g_wall_ns -= (uint64_t)n_pbu * STEP_NS;
		if (k == 0) {
			t0 = now_ns();
			for (i = 0; i < n_pbu; i++) {
				g_wall_ns += STEP_NS;
				lma_input(lma, &mags[pb[k].mn[i] % N_MAGS],
					  &lmaa, pb[k].buf + (size_t)i * SLOT,
					  pb[k].len[i]);
			}
			batch_ns = now_ns() - t0;
		} else {
			for (i = 0; i < n_pbu; i++) {
				g_wall_ns += STEP_NS;
				t0 = now_ns();
				lma_input(lma, &mags[pb[k].mn[i] % N_MAGS],
					  &lmaa, pb[k].buf + (size_t)i * SLOT,
					  pb[k].len[i]);
				t1 = now_ns();
				lat[i] = (uint32_t)(t1 - t0);
			}
		}
	}
	lma_get_counters(lma, &cnt);
	qsort(lat, n_pbu, sizeof(*lat), cmp_u32);

	per_heap = (double)(heap1 - heap0) / n_bind;
	per_rss = (double)(rss1 - rss0) / n_bind;
	printf("LMA benchmark: %u bindings, %u re-registration PBUs per run, "
	       "one core\n",
	       n_bind, n_pbu);
	printf("  %-44s %12s   %s\n", "metric", "value", "target");
	printf("  %-44s %12.0f   %s\n",
	       "initial registrations/s (cache filling)",
	       n_bind / (fill_ns / 1e9), "-");
	printf("  %-44s %12.0f   >= %d\n",
	       "re-registration PBUs/s (back to back)",
	       n_pbu / (batch_ns / 1e9), TARGET_RATE);
	printf("  %-44s %12.2f   -\n", "per-PBU p50 (us)",
	       lat[n_pbu / 2] / 1e3);
	printf("  %-44s %12.2f   < %d\n", "per-PBU p99 (us)",
	       lat[(uint64_t)n_pbu * 99 / 100] / 1e3, TARGET_P99_US);
	printf("  %-44s %12.2f   -\n", "per-PBU p99.9 (us)",
	       lat[(uint64_t)n_pbu * 999 / 1000] / 1e3);
	printf("  %-44s %12.2f   -\n", "per-PBU max (us)",
	       lat[n_pbu - 1] / 1e3);
	printf("  %-44s %12.0f   -\n", "daemon heap bytes/binding (malloc)",
	       per_heap);
	printf("  %-44s %12.0f   -\n", "daemon RSS bytes/binding", per_rss);
	printf("  %-44s %12.0f   <= %d\n",
	       "daemon heap + kernel map (~180) bytes/binding",
	       per_heap + KERNEL_BYTES, TARGET_MEM);
	printf("  %-44s %12llu   0\n", "PBAs not accepted",
	       (unsigned long long)g_bad_status);
	printf("  pbu_rx %llu pba_tx %llu bindings %llu\n",
	       (unsigned long long)cnt.pbu_rx, (unsigned long long)cnt.pba_tx,
	       (unsigned long long)cnt.bindings);

	lma_free(lma);
	for (k = 0; k < 2; k++) {
		free(pb[k].buf);
		free(pb[k].len);
		free(pb[k].mn);
	}
	free(hnp);
	free(lat);
	return g_bad_status ? 1 : 0;
}
