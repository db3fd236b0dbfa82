// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the MAG state machine: the input is a script of
 * attaches, detaches, clock steps with timer runs, raw MH bytes from the
 * LMA, and PBAs derived from the last PBU with fuzz-chosen status,
 * sequence, lifetime and prefix.  Checked beyond ASan/UBSan: every PBU
 * sent parses, has A and P set, and carries MN-ID, one HNP, HI, ATT and
 * the LL-ID; mn_bound reports a bound node with a NON_ZERO prefix and a
 * lifetime.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_clock.h"
#include "fuzz_input.h"
#include "mag.h"
#include "mh.h"

#define N_MAC 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	uint64_t now_ms;
	struct mh_msg last; /* last PBU sent */
	bool have_last;
	struct in6_addr lma;
};

static int fz_send(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		   size_t len)
{
	struct fz *f = arg;
	struct mh_msg m;

	(void)dst;
	if (mh_parse(mh, len, &m, NULL) < 0 || m.type != MH_TYPE_BU)
		abort();
	if ((m.flags & (MH_BU_F_A | MH_BU_F_P)) != (MH_BU_F_A | MH_BU_F_P) ||
	    !m.opts.has_mn_id || m.opts.n_hnp != 1 || !m.opts.has_hi ||
	    !m.opts.has_att || !m.opts.has_ll_id)
		abort();
	f->last = m;
	f->have_last = true;
	return 0;
}

static void fz_bound(void *arg, const struct mag_mn_view *v)
{
	(void)arg;
	if (!v->hnp.s6_addr[0] || !v->lifetime_s || v->state != MAG_MN_BOUND)
		abort();
}

static void fz_unbound(void *arg, const struct mag_mn_view *v)
{
	(void)arg;
	(void)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {.p = data, .left = size};
	struct mag_ops ops = {
	    .send = fz_send,
	    .mn_bound = fz_bound,
	    .mn_unbound = fz_unbound,
	};
	struct mag_config cfg;
	struct fz f;
	struct xp_clock clk;
	uint8_t mac[6] = {2, 0, 0, 0, 0, 0}, buf[MH_MAX_LEN];
	struct mh_msg a;
	struct mag *mag;
	int len;

	memset(&f, 0, sizeof(f));
	f.lma.s6_addr[0] = 0x20;
	f.lma.s6_addr[1] = 0x01;
	f.lma.s6_addr[15] = 1;
	mag_config_defaults(&cfg);
	cfg.default_lma = f.lma;
	cfg.use_timestamps = !(take(&in) & 1);
	cfg.lifetime_s = 40;
	cfg.max_retries = 3;
	f.now_ms = 1000;
	fake_clock_init(&clk, &f.now_ms);
	mag = mag_new(&cfg, &ops, &f, &clk);
	if (!mag)
		abort();

	while (in.left) {
		uint8_t op = take(&in);

		mac[5] = take(&in) % N_MAC;
		switch (op % 5) {
		case 0:
			mag_attach(mag, mac, 1 + (take(&in) & 1));
			break;
		case 1:
			mag_detach(mag, mac, take(&in) & 1);
			break;
		case 2:
			f.now_ms += (uint64_t)take(&in) * 250;
			mag_run_timers(mag);
			break;
		case 3: /* raw bytes from the LMA */
			len = take(&in);
			if ((size_t)len > in.left)
				len = (int)in.left;
			mag_input(mag, &f.lma, in.p, (size_t)len);
			in.p += len;
			in.left -= (size_t)len;
			break;
		default: /* a PBA for the last PBU, perturbed */
			if (!f.have_last)
				break;
			memset(&a, 0, sizeof(a));
			a.type = MH_TYPE_BA;
			a.flags = MH_BA_F_P;
			a.status = take(&in);
			a.seq = f.last.seq - (take(&in) & 1);
			a.lifetime = take(&in);
			a.opts = f.last.opts;
			if (take(&in) & 1) {
				a.opts.hnp[0].plen = 64;
				a.opts.hnp[0].prefix = f.lma;
				a.opts.hnp[0].prefix.s6_addr[7] = take(&in) & 3;
				a.opts.hnp[0].prefix.s6_addr[15] = 0;
			}
			len = mh_build(&a, buf, sizeof(buf));
			if (len > 0)
				mag_input(mag, &f.lma, buf, (size_t)len);
			break;
		}
	}
	mag_free(mag);
	return 0;
}
