// SPDX-License-Identifier: BSD-2-Clause
/*
 * bench_mh: cost of the codec on the LMA's path for one PBU: parse the
 * digest's worked initial PBU (88 bytes), build the PBA that answers it,
 * and set its checksum.  Prints the mean from a batch run and p50/p99 of
 * single timed iterations.
 *
 *   bench_mh [ITERATIONS]     (default 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "mh.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static const uint8_t pbu[88] = {
    0x3b, 10,	5,    0,    0,	  0,	0x12, 0x34, 0x82, 0x00, 0x03,
    0x84, 0x08, 16,   1,    'm',  'n',	'1',  '@',  'e',  'x',	'a',
    'm',  'p',	'l',  'e',  '.',  'c',	'o',  'm',  0x01, 4,	0,
    0,	  0,	0,    0x16, 18,	  0,	0,    0,    0,	  0,	0,
    0,	  0,	0,    0,    0,	  0,	0,    0,    0,	  0,	0,
    0,	  0x17, 2,    0,    1,	  0x18, 2,    0,    3,	  0x01, 0,
    0x1b, 8,	0x00, 0x00, 0x65, 0x6b, 0x8a, 0x00, 0xc0, 0x00, 0x19,
    8,	  0,	0,    0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x01, 0,
};

/* parse the PBU, turn it into the PBA, build and checksum it */
static int one(const struct in6_addr *lma, const struct in6_addr *mag,
	       uint8_t *out)
{
	struct mh_parse_err err;
	struct mh_msg m;
	int n;

	if (mh_parse(pbu, sizeof(pbu), &m, &err))
		return -1;
	m.type = MH_TYPE_BA;
	m.status = MH_ST_ACCEPTED;
	m.flags = MH_BA_F_P;
	m.opts.hnp[0].plen = 64;
	m.opts.hnp[0].prefix.s6_addr[0] = 0x20;
	n = mh_build(&m, out, MH_MAX_LEN);
	if (n < 0)
		return -1;
	mh_set_checksum(out, (size_t)n, lma, mag);
	return n;
}

int main(int argc, char **argv)
{
	unsigned long i, iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	struct in6_addr lma, mag;
	uint8_t out[MH_MAX_LEN];
	uint64_t t0, t1, *lat;
	volatile int sink = 0;

	if (!iters)
		iters = 1;
	inet_pton(AF_INET6, "2001:db8:b::1", &lma);
	inet_pton(AF_INET6, "2001:db8:a::1", &mag);
	lat = calloc(iters, sizeof(*lat));
	if (!lat)
		return 1;

	t0 = now_ns();
	for (i = 0; i < iters; i++)
		sink += one(&lma, &mag, out);
	t1 = now_ns();
	if (sink < 0)
		return 1;

	for (i = 0; i < iters; i++) {
		uint64_t a = now_ns();

		sink += one(&lma, &mag, out);
		lat[i] = now_ns() - a;
	}
	qsort(lat, iters, sizeof(*lat), cmp_u64);
	printf("mh codec, parse PBU (88 B) + build PBA + checksum: "
	       "%.1f ns mean (%.0f per second on one core), "
	       "p50 %llu ns, p99 %llu ns (with clock overhead), %lu runs\n",
	       (double)(t1 - t0) / iters, iters * 1e9 / (double)(t1 - t0),
	       (unsigned long long)lat[iters / 2],
	       (unsigned long long)lat[iters * 99 / 100], iters);
	free(lat);
	return 0;
}
