// SPDX-License-Identifier: BSD-2-Clause
/*
 * LMA state machine tests (RFC 5213 §5), one per processing rule and status
 * code, named after the RFC section they check.  A fake clock drives every
 * timer; PBUs are built with the codec and every PBA sent is parsed back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fake_clock.h"

#include "lma.h"
#include "mh.h"

#define MAX_SENT 16

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa1};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb2};

struct sent {
	struct in6_addr dst;
	struct mh_msg msg;
	uint8_t bytes[MH_MAX_LEN];
	size_t len;
};

struct env {
	uint64_t now_ms;
	int64_t wall_skew_ns; /* MAG clock minus LMA clock */
	struct xp_clock clk;
	struct lma_config cfg;
	struct in6_addr mags[2];
	struct lma_mn_policy pol[4];
	struct lma *lma;
	uint16_t seq;

	struct sent sent[MAX_SENT];
	unsigned int n_sent;
	unsigned int n_pp;
	uint32_t pp_pointer;
	unsigned int n_up, n_down;
	struct lma_bce_view up, down;
	char up_id[MH_MN_ID_MAX], down_id[MH_MN_ID_MAX];
};

static struct in6_addr mag1, mag2, mag3, lmaa;

static void addr(struct in6_addr *a, const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

static struct in6_addr A(const char *s) {
	struct in6_addr a;

	addr(&a, s);
	return a;
}

static int
cb_send(void *arg, const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	struct env *e = arg;
	struct sent *s;

	/* a ring: tests look at the last few only */
	s = &e->sent[e->n_sent++ % MAX_SENT];
	s->dst = *dst;
	memcpy(s->bytes, mh, len);
	s->len = len;
	assert_int_equal(len % 8, 0);
	assert_int_equal(mh_parse(mh, len, &s->msg, NULL), 0);
	return 0;
}

static int cb_pp(void *arg, const struct in6_addr *dst, uint32_t pointer,
		 const uint8_t *pkt, size_t len)
{
	struct env *e = arg;

	(void)dst;
	(void)pkt;
	(void)len;
	e->n_pp++;
	e->pp_pointer = pointer;
	return 0;
}

static void copy_view(struct lma_bce_view *to, char *id,
		      const struct lma_bce_view *v)
{
	*to = *v;
	memcpy(id, v->mn_id, v->mn_id_len);
	to->mn_id = id;
}

static void cb_up(void *arg, const struct lma_bce_view *v)
{
	struct env *e = arg;

	e->n_up++;
	copy_view(&e->up, e->up_id, v);
}

static void cb_down(void *arg, const struct lma_bce_view *v)
{
	struct env *e = arg;

	e->n_down++;
	copy_view(&e->down, e->down_id, v);
}

static const struct lma_ops ops = {
    .send = cb_send,
    .send_param_problem = cb_pp,
    .bce_up = cb_up,
    .bce_down = cb_down,
};

static void env_start(struct env *e)
{
	e->lma = lma_new(&e->cfg, &ops, e, &e->clk);
	assert_non_null(e->lma);
}

/* Config before env_start: two MAGs, a /48 pool, a few policies */
static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	mag1 = A("2001:db8:1::1");
	mag2 = A("2001:db8:2::1");
	mag3 = A("2001:db8:3::1");
	lmaa = A("2001:db8:ff::1");
	e->now_ms = 1000000;
	fake_clock_init(&e->clk, &e->now_ms);
	e->seq = 100;

	lma_config_defaults(&e->cfg);
	e->cfg.lmaa = lmaa;
	e->mags[0] = mag1;
	e->mags[1] = mag2;
	e->cfg.mags = e->mags;
	e->cfg.n_mags = 2;
	e->cfg.pool = A("2001:db8:100::");
	e->cfg.pool_plen = 48;
	strcpy(e->pol[0].mn_id, "static@example.com");
	e->pol[0].has_prefix = true;
	e->pol[0].prefix = A("2001:db8:aaaa:1::");
	strcpy(e->pol[1].mn_id, "disabled@example.com");
	e->pol[1].proxy_reg_disabled = true;
	strcpy(e->pol[2].mn_id, "mn1@example.com");
	strcpy(e->pol[3].mn_id, "mn2@example.com");
	e->cfg.policies = e->pol;
	e->cfg.n_policies = 4;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	lma_free(e->lma);
	free(e);
	return 0;
}

/* A PBU as our MAG would send it: ALL_ZERO HNP, HI 4, ATT 3, LL-ID, TS */
static void pbu_init(struct env *e, struct mh_msg *m, const char *nai,
		     const uint8_t *mac)
{
	/* the MAG's clock moves on between two PBUs (timestamps, §5.5) */
	e->now_ms++;
	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = e->seq++;
	m->flags = MH_BU_F_A | MH_BU_F_P;
	m->lifetime = mh_lifetime_units(600);
	if (nai) {
		m->opts.has_mn_id = true;
		m->opts.mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
		m->opts.mn_id_len = (uint8_t)strlen(nai);
		memcpy(m->opts.mn_id, nai, strlen(nai));
	}
	m->opts.n_hnp = 1;
	m->opts.has_hi = true;
	m->opts.hi = MH_HI_UNKNOWN;
	m->opts.has_att = true;
	m->opts.att = MH_ATT_8023;
	if (mac) {
		m->opts.has_ll_id = true;
		m->opts.ll_id_len = 6;
		memcpy(m->opts.ll_id, mac, 6);
	}
	m->opts.has_timestamp = e->cfg.use_timestamps;
	m->opts.timestamp =
	    mh_timestamp_from_ns(fake_wall(&e->now_ms) + e->wall_skew_ns);
}

static void set_hnp(struct mh_msg *m, const struct in6_addr *p)
{
	m->opts.n_hnp = 1;
	m->opts.hnp[0].plen = 64;
	m->opts.hnp[0].prefix = *p;
}

static int input_from(struct env *e, const struct in6_addr *src,
		      const struct mh_msg *m)
{
	uint8_t buf[MH_MAX_LEN];
	int len = mh_build(m, buf, sizeof(buf));

	assert_true(len > 0);
	return lma_input(e->lma, src, &lmaa, buf, (size_t)len);
}

/* Send m from src and return the one PBA it must produce */
static const struct mh_msg *pba_for(struct env *e, const struct in6_addr *src,
				    const struct mh_msg *m)
{
	unsigned int before = e->n_sent;
	const struct sent *s;

	assert_int_equal(input_from(e, src, m), 0);
	assert_int_equal(e->n_sent, before + 1);
	s = &e->sent[(e->n_sent - 1) % MAX_SENT];
	assert_memory_equal(&s->dst, src, sizeof(*src));
	assert_int_equal(s->msg.type, MH_TYPE_BA);
	return &s->msg;
}

static void expect_silence(struct env *e, const struct in6_addr *src,
			   const struct mh_msg *m)
{
	unsigned int before = e->n_sent;

	assert_int_equal(input_from(e, src, m), 0);
	assert_int_equal(e->n_sent, before);
}

/* Register nai from mag with mac; returns the assigned prefix */
static struct in6_addr register_mn(struct env *e, const struct in6_addr *mag,
				   const char *nai, const uint8_t *mac)
{
	struct mh_msg m;
	const struct mh_msg *a;

	pbu_init(e, &m, nai, mac);
	a = pba_for(e, mag, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_int_equal(a->opts.n_hnp, 1);
	return a->opts.hnp[0].prefix;
}

static void advance(struct env *e, uint64_t ms)
{
	e->now_ms += ms;
	lma_run_timers(e->lma);
}

static uint8_t status_of(struct env *e, const struct in6_addr *src,
			 const struct mh_msg *m)
{
	return pba_for(e, src, m)->status;
}

static uint64_t counter_bindings(struct env *e)
{
	struct lma_counters c;

	assert_int_equal(lma_get_counters(e->lma, &c), 0);
	return c.bindings;
}

/* ---- RFC 6275 §9.2 message checks ---- */

static void test_6275_9_2_unknown_mh_type_binding_error_2(void **state)
{
	struct env *e = *state;
	/* a Heartbeat (type 13): we do not support it, so the peer learns */
	uint8_t hb[16] = {59, 1, 13, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0};
	struct in6_addr mcast = A("ff02::1");

	env_start(e);
	assert_int_equal(lma_input(e->lma, &mag1, &lmaa, hb, sizeof(hb)),
			 -EBADMSG);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(e->sent[0].msg.type, MH_TYPE_BE);
	assert_int_equal(e->sent[0].msg.status, MH_BE_UNKNOWN_MH_TYPE);
	assert_memory_equal(&e->sent[0].dst, &mag1, sizeof(mag1));
	/* never to a non-unicast source (RFC 6275 §9.3.3) */
	lma_input(e->lma, &mcast, &lmaa, hb, sizeof(hb));
	assert_int_equal(e->n_sent, 1);
}

static void test_6275_9_3_3_binding_errors_rate_limited(void **state)
{
	struct env *e = *state;
	uint8_t hb[16] = {59, 1, 13, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0};
	struct lma_counters c;
	int i;

	env_start(e);
	for (i = 0; i < 150; i++)
		lma_input(e->lma, &mag1, &lmaa, hb, sizeof(hb));
	assert_int_equal(lma_get_counters(e->lma, &c), 0);
	assert_int_equal(c.be_tx, 100);
	/* a second later the budget is back */
	e->now_ms += 1000;
	lma_input(e->lma, &mag1, &lmaa, hb, sizeof(hb));
	assert_int_equal(lma_get_counters(e->lma, &c), 0);
	assert_int_equal(c.be_tx, 101);
}

static void test_6275_9_2_payload_proto_param_problem(void **state)
{
	struct env *e = *state;
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	int len;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	len = mh_build(&m, buf, sizeof(buf));
	buf[0] = 58;
	assert_int_equal(lma_input(e->lma, &mag1, &lmaa, buf, len), -EBADMSG);
	assert_int_equal(e->n_pp, 1);
	assert_int_equal(e->pp_pointer, 0);
	assert_int_equal(e->n_sent, 0);
}

static void test_6275_9_2_header_len_param_problem(void **state)
{
	struct env *e = *state;
	/* a BU with Header Len 0: below the BU minimum of 1 */
	uint8_t bu[8] = {59, 0, 5, 0, 0, 0, 0, 1};

	env_start(e);
	assert_int_equal(lma_input(e->lma, &mag1, &lmaa, bu, sizeof(bu)),
			 -EBADMSG);
	assert_int_equal(e->n_pp, 1);
	assert_int_equal(e->pp_pointer, 1);
	assert_int_equal(e->n_sent, 0);
}

static void test_5213_8_1_bu_without_p_flag_not_processed(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.flags = MH_BU_F_A | MH_BU_F_H;
	assert_int_equal(input_from(e, &mag1, &m), -EPROTO);
	assert_int_equal(e->n_sent, 0);
	assert_int_equal(e->n_up, 0);
}

/* ---- RFC 5213 §5.3.1 checks, in order ---- */

static void test_5213_5_3_1_step4_missing_mn_id_160(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, NULL, mac_a);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_MISSING_MN_ID);
	/* §5.3.6: a zero-length MN-ID, the ALL_ZERO HNP, HI and ATT echoed */
	assert_true(a->opts.has_mn_id);
	assert_int_equal(a->opts.mn_id_len, 0);
	assert_int_equal(a->opts.n_hnp, 1);
	assert_int_equal(a->opts.hi, MH_HI_UNKNOWN);
	assert_int_equal(a->opts.att, MH_ATT_8023);
	assert_int_equal(a->seq, m.seq);
	assert_true(a->flags & MH_BA_F_P);
	assert_int_equal(e->n_up, 0);
}

static void test_5213_5_3_1_step6_mag_not_authorized_154(void **state)
{
	struct env *e = *state;
	struct in6_addr p = A("2001:db8:100:5::");
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	a = pba_for(e, &mag3, &m);
	assert_int_equal(a->status, MH_ST_MAG_NOT_AUTHORIZED);
	/* rejected PBAs echo the requested prefixes (§5.3.6) */
	assert_int_equal(a->opts.n_hnp, 1);
	assert_memory_equal(&a->opts.hnp[0].prefix, &p, sizeof(p));
	assert_int_equal(a->lifetime, 0);
	assert_int_equal(counter_bindings(e), 0);
}

static void test_5213_5_3_1_step6_empty_mag_list_authorizes_none(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.n_mags = 0;
	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_MAG_NOT_AUTHORIZED);
}

static void test_5213_5_3_1_step7_not_lma_for_this_mn_153(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.serve_unknown_mn = false;
	env_start(e);
	pbu_init(e, &m, "stranger@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_NOT_LMA_FOR_THIS_MN);
	/* the same node is served once unknown nodes are */
	lma_free(e->lma);
	e->cfg.serve_unknown_mn = true;
	env_start(e);
	pbu_init(e, &m, "stranger@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

static void test_5213_5_3_1_step8_proxy_reg_not_enabled_152(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.serve_unknown_mn = true;
	env_start(e);
	pbu_init(e, &m, "disabled@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_PROXY_REG_NOT_ENABLED);
}

static void test_5213_5_3_1_step10_missing_hnp_158(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.n_hnp = 0;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_MISSING_HNP);
	/* the rejection still carries exactly one ALL_ZERO HNP */
	assert_int_equal(e->sent[0].msg.opts.n_hnp, 1);
	assert_int_equal(e->sent[0].msg.opts.hnp[0].prefix.s6_addr[0], 0);
}

static void test_5213_5_3_1_step11_missing_hi_161(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_hi = false;
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_MISSING_HI);
	assert_true(a->opts.has_hi);
	assert_int_equal(a->opts.hi, 0); /* 0 when absent (§5.3.6) */
}

static void test_5213_5_3_1_step12_missing_att_162(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_att = false;
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_MISSING_ATT);
	assert_true(a->opts.has_att);
	assert_int_equal(a->opts.att, 0);
}

static void test_5213_5_3_1_order_mn_id_checked_before_mag(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	/* no MN-ID from an unauthorized MAG: step 4 comes first */
	pbu_init(e, &m, NULL, mac_a);
	assert_int_equal(status_of(e, &mag3, &m), MH_ST_MISSING_MN_ID);
	/* no HNP from an unauthorized MAG: step 6 comes before step 10 */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.n_hnp = 0;
	assert_int_equal(status_of(e, &mag3, &m), MH_ST_MAG_NOT_AUTHORIZED);
}

static void test_5213_6_9_1_1_mixed_all_zero_and_prefix_128(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.n_hnp = 2;
	m.opts.hnp[1].plen = 64;
	m.opts.hnp[1].prefix = A("2001:db8:100:9::");
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_REASON_UNSPECIFIED);
	assert_int_equal(e->n_up, 0);
}

/* ---- RFC 5213 §5.5 ordering ---- */

static void test_5213_5_5_timestamp_outside_window_156(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	e->wall_skew_ns = 301 * 1000000ll; /* MAG 301 ms ahead */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_TIMESTAMP_MISMATCH);
	/* the PBA carries the LMA's own current time */
	assert_true(a->opts.has_timestamp);
	assert_int_equal(a->opts.timestamp,
			 mh_timestamp_from_ns(fake_wall(&e->now_ms)));
	/* 299 ms behind is inside the window */
	e->wall_skew_ns = -299 * 1000000ll;
	pbu_init(e, &m, "mn1@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

static void test_5213_5_5_timestamp_missing_156(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_timestamp = false;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_TIMESTAMP_MISMATCH);
}

static void test_5213_5_5_timestamp_not_newer_157(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m, old;

	env_start(e);
	pbu_init(e, &old, "mn1@example.com", mac_a);
	e->now_ms += 100;
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	/* an older PBU, still inside the window */
	old.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&old, &p);
	a = pba_for(e, &mag1, &old);
	assert_int_equal(a->status, MH_ST_TIMESTAMP_LOWER);
	assert_int_equal(a->opts.timestamp,
			 mh_timestamp_from_ns(fake_wall(&e->now_ms)));
	/* the same timestamp again is not newer either */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
	m.seq++;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_TIMESTAMP_LOWER);
}

static void test_5213_5_5_accepted_pba_echoes_pbu_timestamp(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	e->wall_skew_ns = 100 * 1000000ll;
	pbu_init(e, &m, "mn1@example.com", mac_a);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_int_equal(a->opts.timestamp, m.opts.timestamp);
}

static void test_6275_9_5_1_seq_out_of_window_135(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m;

	e->cfg.use_timestamps = false;
	env_start(e);
	e->seq = 40000;
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	/* no Timestamp option in sequence-number mode (§5.5) */
	assert_false(e->sent[0].msg.opts.has_timestamp);

	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.seq = 40000 - 5;
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_SEQ_OUT_OF_WINDOW);
	assert_int_equal(a->seq, 40000); /* the last accepted */
	/* equal is not newer */
	m.seq = 40000;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_SEQ_OUT_OF_WINDOW);
	/* 32768 ahead counts as behind */
	m.seq = (uint16_t)(40000 + 32768);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_SEQ_OUT_OF_WINDOW);
	m.seq = 40001;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

static void test_6275_9_5_1_seq_wraps_modulo_2_16(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	e->cfg.use_timestamps = false;
	env_start(e);
	e->seq = 65530;
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.seq = 3;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

/* ---- RFC 5213 §5.3.2 initial registration ---- */

static void test_5213_5_3_2_initial_registration_from_pool(void **state)
{
	struct env *e = *state;
	struct in6_addr pool = A("2001:db8:100::");
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.lifetime = mh_lifetime_units(600);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	/* §5.3.6: P, seq, lifetime, MN-ID, HI, ATT, LL-ID echoed */
	assert_true(a->flags & MH_BA_F_P);
	assert_int_equal(a->seq, m.seq);
	assert_int_equal(a->lifetime, m.lifetime);
	assert_int_equal(a->opts.mn_id_len, m.opts.mn_id_len);
	assert_memory_equal(a->opts.mn_id, "mn1@example.com", 15);
	assert_int_equal(a->opts.hi, MH_HI_UNKNOWN);
	assert_int_equal(a->opts.att, MH_ATT_8023);
	assert_true(a->opts.has_ll_id);
	assert_memory_equal(a->opts.ll_id, mac_a, 6);
	assert_false(a->opts.has_lla);
	/* one /64 from the pool */
	assert_int_equal(a->opts.n_hnp, 1);
	assert_int_equal(a->opts.hnp[0].plen, 64);
	assert_memory_equal(&a->opts.hnp[0].prefix, &pool, 6);
	/* the map writer heard of it */
	assert_int_equal(e->n_up, 1);
	assert_memory_equal(&e->up.pcoa, &mag1, sizeof(mag1));
	assert_memory_equal(&e->up.hnp, &a->opts.hnp[0].prefix, 16);
	assert_int_equal(e->up.mn_id_len, 15);
	assert_int_equal(e->up.lifetime_s, 600);
	assert_int_equal(e->up.expires_ms, e->now_ms + 600000);
	assert_false(e->up.deleting);
	assert_int_equal(counter_bindings(e), 1);
}

static void test_5213_5_3_2_static_prefix_from_policy(void **state)
{
	struct env *e = *state;
	struct in6_addr want = A("2001:db8:aaaa:1::"), p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "static@example.com", mac_a);
	assert_memory_equal(&p, &want, 16);
	/* asking for it by value also works once it is free again */
	lma_delete(e->lma, &p);
	pbu_init(e, &m, "static@example.com", mac_a);
	set_hnp(&m, &want);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

static void test_5213_5_3_2_step2_pool_exhausted_130(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.pool_plen = 63; /* two /64s */
	env_start(e);
	register_mn(e, &mag1, "mn1@example.com", mac_a);
	register_mn(e, &mag1, "mn2@example.com", mac_b);
	pbu_init(e, &m, "mn3@example.com", mac_a);
	e->cfg.serve_unknown_mn = true;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_NOT_LMA_FOR_THIS_MN);
	lma_free(e->lma);
	e->cfg.serve_unknown_mn = true;
	env_start(e);
	register_mn(e, &mag1, "mn1@example.com", mac_a);
	register_mn(e, &mag1, "mn2@example.com", mac_b);
	pbu_init(e, &m, "mn3@example.com", mac_a);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_INSUFFICIENT_RESOURCES);
	assert_int_equal(counter_bindings(e), 2);
}

static void test_5213_5_3_2_max_bindings_130(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.max_bindings = 1;
	env_start(e);
	register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn2@example.com", mac_b);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_INSUFFICIENT_RESOURCES);
}

static void test_5213_5_3_2_step3_prefix_not_owned_155(void **state)
{
	struct env *e = *state;
	struct in6_addr other = A("2001:db8:9999:1::");
	struct in6_addr reserved = A("2001:db8:aaaa:1::");
	struct mh_msg m;

	env_start(e);
	/* outside the pool and nobody's static prefix */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &other);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_NOT_AUTHORIZED_FOR_HNP);
	/* another node's static prefix */
	set_hnp(&m, &reserved);
	m.seq++;
	m.opts.timestamp++;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_NOT_AUTHORIZED_FOR_HNP);
	assert_int_equal(e->n_up, 0);
}

static void test_5213_5_4_1_1_prefix_of_another_mn_155(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn2@example.com", mac_b);
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag2, &m), MH_ST_NOT_AUTHORIZED_FOR_HNP);
	assert_int_equal(e->n_up, 1);
}

static void test_5213_5_4_1_1_prefix_set_mismatch_159(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&m, &p);
	m.opts.n_hnp = 2;
	m.opts.hnp[1].plen = 64;
	m.opts.hnp[1].prefix = A("2001:db8:100:77::");
	assert_int_equal(status_of(e, &mag1, &m),
			 MH_ST_BCE_PBU_PREFIX_MISMATCH);
}

static void test_5213_5_2_prefix_never_handed_twice(void **state)
{
	struct env *e = *state;
	struct in6_addr got[64], stat = A("2001:db8:100::");
	char nai[32];
	int i, j;

	/* a static prefix inside the pool is reserved for its owner */
	e->pol[0].prefix = stat;
	e->cfg.serve_unknown_mn = true;
	env_start(e);
	for (i = 0; i < 64; i++) {
		snprintf(nai, sizeof(nai), "node%d@example.com", i);
		got[i] = register_mn(e, &mag1, nai, mac_a);
		assert_false(!memcmp(&got[i], &stat, 8));
		for (j = 0; j < i; j++)
			assert_true(memcmp(&got[i], &got[j], 8) != 0);
	}
	/* its owner still gets it */
	got[0] = register_mn(e, &mag1, "static@example.com", mac_a);
	assert_memory_equal(&got[0], &stat, 16);
}

static void test_5213_5_3_6_lifetime_capped(void **state)
{
	struct env *e = *state;
	const struct mh_msg *a;
	struct mh_msg m;

	e->cfg.max_lifetime_s = 1000;
	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.lifetime = mh_lifetime_units(5000);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_int_equal(a->lifetime, 250); /* 1000 s */
	assert_int_equal(e->up.lifetime_s, 1000);
	/* shorter than the cap: as asked */
	pbu_init(e, &m, "mn2@example.com", mac_b);
	m.lifetime = 10;
	assert_int_equal(pba_for(e, &mag1, &m)->lifetime, 10);
}

static void test_5213_5_3_6_link_local_supplied_for_all_zero(void **state)
{
	struct env *e = *state;
	struct in6_addr lla, p, given = A("fe80::1234");
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_lla = true;
	a = pba_for(e, &mag1, &m);
	assert_true(a->opts.has_lla);
	lla = a->opts.lla;
	assert_int_equal(lla.s6_addr[0], 0xfe);
	assert_int_equal(lla.s6_addr[1], 0x80);
	assert_true(memcmp(lla.s6_addr + 8, "\0\0\0\0\0\0\0\0", 8) != 0);
	p = a->opts.hnp[0].prefix;
	/* the same address in every PBA of the session */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_lla = true;
	m.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&m, &p);
	a = pba_for(e, &mag1, &m);
	assert_memory_equal(&a->opts.lla, &lla, 16);
	/* a NON_ZERO one is copied */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.has_lla = true;
	m.opts.lla = given;
	set_hnp(&m, &p);
	a = pba_for(e, &mag1, &m);
	assert_memory_equal(&a->opts.lla, &given, 16);
}

/* ---- §5.3.3 re-registration, §5.3.4 handover ---- */

static void test_5213_5_3_3_re_registration(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	e->now_ms += 400000;
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&m, &p);
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_memory_equal(&a->opts.hnp[0].prefix, &p, 16);
	assert_int_equal(e->n_up, 2);
	assert_int_equal(e->up.expires_ms, e->now_ms + 600000);
	assert_int_equal(counter_bindings(e), 1);
	/* the old expiry time passes without deleting it */
	advance(e, 300000);
	assert_int_equal(e->n_down, 0);
}

static void test_5213_5_3_4_handover_hi3_without_ll_id(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", NULL);
	/* §5.4.1.3: MN-ID only, one session, HI 3: the same session */
	pbu_init(e, &m, "mn1@example.com", NULL);
	m.opts.hi = MH_HI_MAG_CHANGE;
	a = pba_for(e, &mag2, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_memory_equal(&a->opts.hnp[0].prefix, &p, 16);
	assert_memory_equal(&e->up.pcoa, &mag2, sizeof(mag2));
	assert_int_equal(counter_bindings(e), 1);
}

static void test_5213_5_4_1_2_ll_id_match_moves_session(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a); /* HI 4 */
	a = pba_for(e, &mag2, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_memory_equal(&a->opts.hnp[0].prefix, &p, 16);
	assert_memory_equal(&e->up.pcoa, &mag2, sizeof(mag2));
	/* the old MAG's late de-registration is now ignored (§5.3.5) */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.lifetime = 0;
	expect_silence(e, &mag1, &m);
	advance(e, 20000);
	assert_int_equal(e->n_down, 0);
}

static void test_5213_5_4_1_1_prefix_and_same_mag_updates(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	/* HI 2 with the prefix moves the session to the new MAG */
	pbu_init(e, &m, "mn1@example.com", mac_b);
	m.opts.hi = MH_HI_IF_CHANGE;
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag2, &m), MH_ST_ACCEPTED);
	assert_memory_equal(&e->up.pcoa, &mag2, sizeof(mag2));
	assert_memory_equal(e->up.ll_id, mac_b, 6);
	/* the prefix from an unrelated interface at another MAG: 155 */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.att = MH_ATT_80211;
	m.opts.hi = MH_HI_NEW_IF;
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_NOT_AUTHORIZED_FOR_HNP);
}

static void test_5213_5_4_1_2_new_interface_new_session(void **state)
{
	struct env *e = *state;
	struct in6_addr p1, p2;
	struct mh_msg m;
	const struct mh_msg *a;

	env_start(e);
	p1 = register_mn(e, &mag1, "mn1@example.com", mac_a);
	/* HI 1 and another LL-ID: a second interface, a second prefix */
	pbu_init(e, &m, "mn1@example.com", mac_b);
	m.opts.hi = MH_HI_NEW_IF;
	a = pba_for(e, &mag2, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	p2 = a->opts.hnp[0].prefix;
	assert_true(memcmp(&p1, &p2, 8) != 0);
	assert_int_equal(counter_bindings(e), 2);
}

static void test_5213_5_4_1_2_hi4_waits_for_old_mag_dereg(void **state)
{
	struct env *e = *state;
	uint64_t deadline;
	struct in6_addr p;
	struct lma_bce_view v;
	struct mh_msg m, d;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	/* HI 4, a different LL-ID, one session: wait (no PBA yet) */
	pbu_init(e, &m, "mn1@example.com", mac_b);
	expect_silence(e, &mag2, &m);
	deadline = e->now_ms + 1500;
	assert_int_equal(lma_next_timeout(e->lma), deadline);
	/* the new MAG retransmits: still held, newest seq, same deadline */
	e->now_ms += 1000;
	pbu_init(e, &m, "mn1@example.com", mac_b);
	expect_silence(e, &mag2, &m);
	assert_int_equal(lma_next_timeout(e->lma), deadline);
	/* the old MAG de-registers within MaxDelayBeforeNewBCEAssign */
	e->now_ms += 200;
	pbu_init(e, &d, "mn1@example.com", mac_a);
	set_hnp(&d, &p);
	d.lifetime = 0;
	assert_int_equal(input_from(e, &mag1, &d), 0);
	assert_int_equal(e->n_sent, 3);
	assert_memory_equal(&e->sent[1].dst, &mag1, 16);
	assert_int_equal(e->sent[1].msg.status, MH_ST_ACCEPTED);
	/* the held PBU is answered: the session moved, same prefix */
	assert_memory_equal(&e->sent[2].dst, &mag2, 16);
	assert_int_equal(e->sent[2].msg.status, MH_ST_ACCEPTED);
	assert_int_equal(e->sent[2].msg.seq, m.seq);
	assert_memory_equal(&e->sent[2].msg.opts.hnp[0].prefix, &p, 16);
	assert_int_equal(lma_lookup_hnp(e->lma, &p, &v), 0);
	assert_memory_equal(&v.pcoa, &mag2, 16);
	assert_false(v.deleting);
	advance(e, 20000);
	assert_int_equal(e->n_down, 0);
	assert_int_equal(counter_bindings(e), 1);
}

static void test_5213_5_4_1_2_hi4_new_session_after_max_delay(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_b);
	expect_silence(e, &mag2, &m);
	advance(e, 1499);
	assert_int_equal(e->n_sent, 1);
	advance(e, 1);
	assert_int_equal(e->n_sent, 2);
	assert_int_equal(e->sent[1].msg.status, MH_ST_ACCEPTED);
	assert_memory_equal(&e->sent[1].dst, &mag2, 16);
	assert_true(memcmp(&e->sent[1].msg.opts.hnp[0].prefix, &p, 8) != 0);
	assert_int_equal(counter_bindings(e), 2);
}

static void test_5213_5_4_1_2_no_wait_when_delay_zero(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	e->cfg.max_delay_new_bce_ms = 0;
	env_start(e);
	register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_b);
	assert_int_equal(status_of(e, &mag2, &m), MH_ST_ACCEPTED);
	assert_int_equal(counter_bindings(e), 2);
}

/* ---- §5.3.5 de-registration, lifetime ---- */

static void test_5213_5_3_5_deregistration_min_delay(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	const struct mh_msg *a;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.lifetime = 0;
	a = pba_for(e, &mag1, &m);
	assert_int_equal(a->status, MH_ST_ACCEPTED);
	assert_int_equal(a->lifetime, 0);
	/* the map writer is told to stop forwarding, not to unmap yet */
	assert_int_equal(e->n_up, 2);
	assert_true(e->up.deleting);
	advance(e, 9999);
	assert_int_equal(e->n_down, 0);
	assert_int_equal(counter_bindings(e), 1);
	advance(e, 1);
	assert_int_equal(e->n_down, 1);
	assert_memory_equal(&e->down.hnp, &p, 16);
	assert_int_equal(counter_bindings(e), 0);
}

static void test_5213_5_3_5_dereg_from_other_mag_ignored(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.lifetime = 0;
	expect_silence(e, &mag2, &m);
	assert_int_equal(e->n_up, 1);
	advance(e, 20000);
	assert_int_equal(e->n_down, 0);
}

static void test_5213_5_4_1_dereg_for_no_session_ignored(void **state)
{
	struct env *e = *state;
	struct mh_msg m;

	env_start(e);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.lifetime = 0;
	expect_silence(e, &mag1, &m);
	assert_int_equal(counter_bindings(e), 0);
}

static void test_5213_5_3_5_pbu_during_min_delay_revives(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	m.lifetime = 0;
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
	e->now_ms += 5000;
	pbu_init(e, &m, "mn1@example.com", mac_a);
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
	assert_false(e->up.deleting);
	advance(e, 20000);
	assert_int_equal(e->n_down, 0);
	assert_int_equal(counter_bindings(e), 1);
}

static void test_5213_5_3_3_lifetime_expiry_deletes(void **state)
{
	struct env *e = *state;
	struct in6_addr p;
	struct mh_msg m;

	env_start(e);
	p = register_mn(e, &mag1, "mn1@example.com", mac_a);
	assert_int_equal(lma_next_timeout(e->lma), e->now_ms + 600000);
	advance(e, 599999);
	assert_int_equal(e->n_down, 0);
	advance(e, 1);
	assert_int_equal(e->n_down, 1);
	assert_memory_equal(&e->down.hnp, &p, 16);
	assert_int_equal(lma_next_timeout(e->lma), UINT64_MAX);
	/* a refresh for it now is a new session, with a prefix check */
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
}

/* ---- restart and inspection ---- */

static int count_cb(const struct lma_bce_view *v, void *arg)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static void test_lma_restore_and_foreach(void **state)
{
	struct env *e = *state;
	struct lma_bce_view v;
	struct in6_addr p;
	struct mh_msg m;
	int n = 0;

	env_start(e);
	memset(&v, 0, sizeof(v));
	v.mn_id = "mn1@example.com";
	v.mn_id_len = 15;
	v.hnp = A("2001:db8:100:42::");
	v.plen = 64;
	v.pcoa = mag1;
	v.att = MH_ATT_8023;
	v.ll_id_len = 6;
	memcpy(v.ll_id, mac_a, 6);
	v.lifetime_s = 600;
	v.expires_ms = e->now_ms + 1000;
	assert_int_equal(lma_restore(e->lma, &v), 0);
	assert_int_equal(lma_restore(e->lma, &v), -EEXIST);
	assert_int_equal(e->n_up, 0);
	assert_int_equal(lma_foreach(e->lma, count_cb, &n), 0);
	assert_int_equal(n, 1);
	/* the restored session is refreshed like any other */
	p = v.hnp;
	pbu_init(e, &m, "mn1@example.com", mac_a);
	m.opts.hi = MH_HI_NOT_CHANGED;
	set_hnp(&m, &p);
	assert_int_equal(status_of(e, &mag1, &m), MH_ST_ACCEPTED);
	assert_int_equal(counter_bindings(e), 1);
	/* and the pool does not hand its prefix out */
	for (n = 0; n < 80; n++) {
		pbu_init(e, &m, "mn2@example.com", mac_b);
		m.opts.hi = MH_HI_NEW_IF;
		m.opts.ll_id[5] = (uint8_t)n;
		assert_true(memcmp(&pba_for(e, &mag2, &m)->opts.hnp[0].prefix,
				   &p, 8) != 0);
	}
}

static void test_lma_counters(void **state)
{
	struct env *e = *state;
	struct lma_counters c;
	struct mh_msg m;

	env_start(e);
	register_mn(e, &mag1, "mn1@example.com", mac_a);
	pbu_init(e, &m, "mn1@example.com", mac_a);
	pba_for(e, &mag3, &m);
	assert_int_equal(lma_get_counters(e->lma, &c), 0);
	assert_int_equal(c.pbu_rx, 2);
	assert_int_equal(c.pba_tx, 2);
	assert_int_equal(c.pba_status[0], 1);
	assert_int_equal(c.pba_status[154], 1);
	assert_int_equal(c.bce_created, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_6275_9_2_unknown_mh_type_binding_error_2),
	    T(test_6275_9_3_3_binding_errors_rate_limited),
	    T(test_6275_9_2_payload_proto_param_problem),
	    T(test_6275_9_2_header_len_param_problem),
	    T(test_5213_8_1_bu_without_p_flag_not_processed),
	    T(test_5213_5_3_1_step4_missing_mn_id_160),
	    T(test_5213_5_3_1_step6_mag_not_authorized_154),
	    T(test_5213_5_3_1_step6_empty_mag_list_authorizes_none),
	    T(test_5213_5_3_1_step7_not_lma_for_this_mn_153),
	    T(test_5213_5_3_1_step8_proxy_reg_not_enabled_152),
	    T(test_5213_5_3_1_step10_missing_hnp_158),
	    T(test_5213_5_3_1_step11_missing_hi_161),
	    T(test_5213_5_3_1_step12_missing_att_162),
	    T(test_5213_5_3_1_order_mn_id_checked_before_mag),
	    T(test_5213_6_9_1_1_mixed_all_zero_and_prefix_128),
	    T(test_5213_5_5_timestamp_outside_window_156),
	    T(test_5213_5_5_timestamp_missing_156),
	    T(test_5213_5_5_timestamp_not_newer_157),
	    T(test_5213_5_5_accepted_pba_echoes_pbu_timestamp),
	    T(test_6275_9_5_1_seq_out_of_window_135),
	    T(test_6275_9_5_1_seq_wraps_modulo_2_16),
	    T(test_5213_5_3_2_initial_registration_from_pool),
	    T(test_5213_5_3_2_static_prefix_from_policy),
	    T(test_5213_5_3_2_step2_pool_exhausted_130),
	    T(test_5213_5_3_2_max_bindings_130),
	    T(test_5213_5_3_2_step3_prefix_not_owned_155),
	    T(test_5213_5_4_1_1_prefix_of_another_mn_155),
	    T(test_5213_5_4_1_1_prefix_set_mismatch_159),
	    T(test_5213_5_2_prefix_never_handed_twice),
	    T(test_5213_5_3_6_lifetime_capped),
	    T(test_5213_5_3_6_link_local_supplied_for_all_zero),
	    T(test_5213_5_3_3_re_registration),
	    T(test_5213_5_3_4_handover_hi3_without_ll_id),
	    T(test_5213_5_4_1_2_ll_id_match_moves_session),
	    T(test_5213_5_4_1_1_prefix_and_same_mag_updates),
	    T(test_5213_5_4_1_2_new_interface_new_session),
	    T(test_5213_5_4_1_2_hi4_waits_for_old_mag_dereg),
	    T(test_5213_5_4_1_2_hi4_new_session_after_max_delay),
	    T(test_5213_5_4_1_2_no_wait_when_delay_zero),
	    T(test_5213_5_3_5_deregistration_min_delay),
	    T(test_5213_5_3_5_dereg_from_other_mag_ignored),
	    T(test_5213_5_4_1_dereg_for_no_session_ignored),
	    T(test_5213_5_3_5_pbu_during_min_delay_revives),
	    T(test_5213_5_3_3_lifetime_expiry_deletes),
	    T(test_lma_restore_and_foreach),
	    T(test_lma_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
