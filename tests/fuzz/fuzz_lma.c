// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the LMA state machine: the input is a script of
 * operations on one LMA (raw MH bytes from a MAG, PBUs built from
 * fuzz-chosen fields, clock steps, timer runs), so the fuzzer reaches the
 * lookup, hold, de-registration and expiry paths, not only the parser.
 * Checked beyond ASan/UBSan (no crash, no leak): every message the LMA
 * sends parses; an accepting PBA carries exactly one NON_ZERO /64 and a
 * rejecting one a lifetime of 0; the prefix in a bce_up is bound to that
 * session (lma_lookup_hnp); bindings never exceed max_bindings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_clock.h"
#include "fuzz_input.h"
#include "lma.h"
#include "mh.h"

#define N_SRC 3
#define N_MN  4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	uint64_t now_ms;
	struct lma *lma;
	struct in6_addr hnp[N_MN]; /* last prefix seen per node */
};

static struct in6_addr srcs[N_SRC];
static struct in6_addr lmaa;

static int fz_send(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		   size_t len)
{
	struct mh_msg m;

	(void)arg;
	(void)dst;
	if (mh_parse(mh, len, &m, NULL) < 0)
		abort();
	if (m.type != MH_TYPE_BA)
		return 0;
	if (m.status < 128) {
		if (m.opts.n_hnp != 1 || m.opts.hnp[0].plen != 64 ||
		    !m.opts.hnp[0].prefix.s6_addr[0])
			abort();
	} else if (m.lifetime || !m.opts.n_hnp || !m.opts.has_mn_id) {
		abort();
	}
	return 0;
}

static void fz_up(void *arg, const struct lma_bce_view *v)
{
	struct fz *f = arg;
	struct lma_bce_view got;

	if (lma_lookup_hnp(f->lma, &v->hnp, &got) < 0 ||
	    got.mn_id_len != v->mn_id_len ||
	    memcmp(got.mn_id, v->mn_id, v->mn_id_len))
		abort();
	if (v->mn_id_len == 6 && !memcmp(v->mn_id, "mn", 2))
		f->hnp[(v->mn_id[2] - '0') % N_MN] = v->hnp;
}

static void fz_down(void *arg, const struct lma_bce_view *v)
{
	(void)arg;
	(void)v;
}

static void build_pbu(struct fz *f, struct input *in, struct mh_msg *m)
{
	uint8_t mn = take(in) % N_MN, sel = take(in), k;

	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = (uint16_t)(take(in) << 8 | take(in));
	m->flags = MH_BU_F_A | MH_BU_F_P;
	m->lifetime = take(in) & 0x3f; /* 0 to 252 s */
	if (!(sel & 1)) {
		m->opts.has_mn_id = true;
		m->opts.mn_id_subtype = 1;
		m->opts.mn_id_len = 6;
		memcpy(m->opts.mn_id, "mn0@x.", 6);
		m->opts.mn_id[2] = (uint8_t)('0' + mn);
	}
	k = take(in) % 4; /* HNP: none, zero, known, any */
	m->opts.n_hnp = k ? 1 : 0;
	if (k == 2) {
		m->opts.hnp[0].plen = 64;
		m->opts.hnp[0].prefix = f->hnp[mn];
	} else if (k == 3) {
		m->opts.hnp[0].plen = 64;
		m->opts.hnp[0].prefix.s6_addr[0] = 0x20;
		m->opts.hnp[0].prefix.s6_addr[1] = 0x01;
		m->opts.hnp[0].prefix.s6_addr[2] = 0x0d;
		m->opts.hnp[0].prefix.s6_addr[3] = 0xb8;
		m->opts.hnp[0].prefix.s6_addr[7] = take(in) & 3;
	}
	m->opts.has_hi = !(sel & 2);
	m->opts.hi = take(in) % 7;
	m->opts.has_att = !(sel & 4);
	m->opts.att = 3 + (take(in) & 1);
	if (!(sel & 8)) {
		m->opts.has_ll_id = true;
		m->opts.ll_id_len = 6;
		m->opts.ll_id[5] = take(in) & 3;
	}
	m->opts.has_timestamp = !(sel & 16);
	m->opts.timestamp = mh_timestamp_from_ns(fake_wall(&f->now_ms)) +
			    (uint64_t)(int8_t)take(in) * 1000;
	m->opts.has_lla = sel & 32;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {.p = data, .left = size};
	struct lma_ops ops = {
	    .send = fz_send,
	    .bce_up = fz_up,
	    .bce_down = fz_down,
	};
	struct lma_counters c;
	struct lma_config cfg;
	struct lma_mn_policy pol[2];
	struct fz f;
	struct xp_clock clk;
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	int i, len;

	memset(&f, 0, sizeof(f));
	memset(pol, 0, sizeof(pol));
	for (i = 0; i < N_SRC; i++) {
		srcs[i].s6_addr[0] = 0x20;
		srcs[i].s6_addr[1] = 0x01;
		srcs[i].s6_addr[2] = 0x0d;
		srcs[i].s6_addr[3] = 0xb8;
		srcs[i].s6_addr[5] = (uint8_t)(i + 1);
		srcs[i].s6_addr[15] = 1;
	}
	lmaa = srcs[0];
	lmaa.s6_addr[5] = 0xff;
	lma_config_defaults(&cfg);
	cfg.use_timestamps = !(take(&in) & 1);
	cfg.mags = srcs;
	cfg.n_mags = 2; /* the third source is not authorized */
	cfg.serve_unknown_mn = true;
	cfg.pool = srcs[0];
	cfg.pool.s6_addr[5] = 0;
	cfg.pool.s6_addr[15] = 0;
	cfg.pool_plen = 62; /* 4 prefixes: exhaustion is reachable */
	cfg.max_bindings = 3;
	memcpy(pol[0].mn_id, "mn1@x.", 6);
	pol[0].has_prefix = true;
	pol[0].prefix = cfg.pool;
	pol[0].prefix.s6_addr[7] = 2;
	memcpy(pol[1].mn_id, "mn3@x.", 6);
	pol[1].proxy_reg_disabled = true;
	cfg.policies = pol;
	cfg.n_policies = 2;
	f.now_ms = 1000;
	fake_clock_init(&clk, &f.now_ms);
	f.lma = lma_new(&cfg, &ops, &f, &clk);
	if (!f.lma)
		abort();

	while (in.left) {
		uint8_t op = take(&in), src = take(&in) % N_SRC;

		switch (op % 4) {
		case 0: /* raw bytes */
			len = take(&in);
			if ((size_t)len > in.left)
				len = (int)in.left;
			lma_input(f.lma, &srcs[src], &lmaa, in.p, (size_t)len);
			in.p += len;
			in.left -= (size_t)len;
			break;
		case 1: /* a PBU from fields */
			build_pbu(&f, &in, &m);
			len = mh_build(&m, buf, sizeof(buf));
			if (len > 0)
				lma_input(f.lma, &srcs[src], &lmaa, buf,
					  (size_t)len);
			break;
		case 2: /* time passes */
			f.now_ms += (uint64_t)take(&in) * 100;
			break;
		default:
			lma_run_timers(f.lma);
			break;
		}
		lma_get_counters(f.lma, &c);
		if (c.bindings > cfg.max_bindings)
			abort();
	}
	lma_free(f.lma);
	return 0;
}
