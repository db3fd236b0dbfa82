// SPDX-License-Identifier: BSD-2-Clause
/*
 * MAG state machine tests (RFC 5213 §6), one per processing rule, named
 * after the RFC section they check.  A fake clock drives retransmission,
 * refresh and expiry; PBUs sent are parsed back with the codec and PBAs are
 * built by hand from them.  The last test wires a MAG to a real LMA.
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
#include "mag.h"
#include "mh.h"

#define RING 64

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa1};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb2};

struct sent {
	struct in6_addr dst;
	struct mh_msg msg;
	uint64_t at_ms;
};

struct env {
	uint64_t now_ms;
	struct xp_clock clk;
	struct mag_config cfg;
	struct mag_mn_policy pol[2];
	struct mag *mag;

	struct sent sent[RING];
	unsigned int n_sent;
	unsigned int n_bound, n_unbound;
	struct mag_mn_view bound, unbound;
	unsigned int n_pp;
	struct in6_addr pp_dst;
	uint32_t pp_pointer;
};

static struct in6_addr lma1, lma2, pcoa, hnp1;

static struct in6_addr A(const char *s) {
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static int
cb_send(void *arg, const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	struct env *e = arg;
	struct sent *s = &e->sent[e->n_sent++ % RING];

	s->dst = *dst;
	s->at_ms = e->now_ms;
	assert_int_equal(mh_parse(mh, len, &s->msg, NULL), 0);
	return 0;
}

static void cb_bound(void *arg, const struct mag_mn_view *v)
{
	struct env *e = arg;

	e->n_bound++;
	e->bound = *v;
}

static void cb_unbound(void *arg, const struct mag_mn_view *v)
{
	struct env *e = arg;

	e->n_unbound++;
	e->unbound = *v;
}

static int cb_param_problem(void *arg, const struct in6_addr *dst,
			    uint32_t pointer, const uint8_t *mh, size_t len)
{
	struct env *e = arg;

	(void)mh;
	(void)len;
	e->n_pp++;
	e->pp_dst = *dst;
	e->pp_pointer = pointer;
	return 0;
}

static const struct mag_ops ops = {
    .send = cb_send,
    .mn_bound = cb_bound,
    .mn_unbound = cb_unbound,
    .send_param_problem = cb_param_problem,
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	lma1 = A("2001:db8:ff::1");
	lma2 = A("2001:db8:fe::1");
	pcoa = A("2001:db8:1::1");
	hnp1 = A("2001:db8:100:7::");
	e->now_ms = 5000;
	fake_clock_init(&e->clk, &e->now_ms);
	mag_config_defaults(&e->cfg);
	e->cfg.pcoa = pcoa;
	e->cfg.default_lma = lma1;
	e->cfg.lifetime_s = 100;
	e->cfg.link_local = A("fe80::1");
	strcpy(e->cfg.realm, "example.com");
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	mag_free(e->mag);
	free(e);
	return 0;
}

static void env_start(struct env *e)
{
	e->mag = mag_new(&e->cfg, &ops, e, &e->clk);
	assert_non_null(e->mag);
}

static const struct sent *last(struct env *e)
{
	assert_true(e->n_sent > 0);
	return &e->sent[(e->n_sent - 1) % RING];
}

static void advance(struct env *e, uint64_t ms)
{
	e->now_ms += ms;
	mag_run_timers(e->mag);
}

/* The PBA an RFC-abiding LMA would send for PBU p */
static void pba_of(const struct mh_msg *p, uint8_t status, struct mh_msg *a)
{
	memset(a, 0, sizeof(*a));
	a->type = MH_TYPE_BA;
	a->status = status;
	a->flags = MH_BA_F_P;
	a->seq = p->seq;
	a->lifetime = status < 128 ? p->lifetime : 0;
	a->opts = p->opts;
	if (status < 128 && !p->opts.hnp[0].prefix.s6_addr[0]) {
		a->opts.hnp[0].plen = 64;
		a->opts.hnp[0].prefix = hnp1;
	}
}

static int deliver(struct env *e, const struct in6_addr *src,
		   const struct mh_msg *a)
{
	uint8_t buf[MH_MAX_LEN];
	int len = mh_build(a, buf, sizeof(buf));

	assert_true(len > 0);
	return mag_input(e->mag, src, buf, (size_t)len);
}

static void answer(struct env *e, uint8_t status)
{
	struct mh_msg a;

	pba_of(&last(e)->msg, status, &a);
	assert_int_equal(deliver(e, &lma1, &a), 0);
}

static int state_of(struct env *e, const uint8_t *mac)
{
	struct mag_mn_view v;

	if (mag_lookup(e->mag, mac, &v) < 0)
		return -1;
	return v.state;
}

/* ---- §6.2 policy profile ---- */

static void test_5213_6_2_mn_id_derived_from_mac(void **state)
{
	struct env *e = *state;
	char buf[64];

	assert_int_equal(
	    mag_mn_id_from_mac(mac_a, "example.com", buf, sizeof(buf)), 24);
	assert_string_equal(buf, "0200000000a1@example.com");
	assert_int_equal(mag_mn_id_from_mac(mac_a, "", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "0200000000a1");
	assert_int_equal(mag_mn_id_from_mac(mac_a, "example.com", buf, 8),
			 -ENOSPC);
	env_start(e);
	assert_int_equal(mag_attach(e->mag, mac_a, 3), 0);
	assert_int_equal(last(e)->msg.opts.mn_id_len, 24);
	assert_memory_equal(last(e)->msg.opts.mn_id, "0200000000a1@example.com",
			    24);
	assert_int_equal(last(e)->msg.opts.mn_id_subtype, MH_MN_ID_SUBTYPE_NAI);
}

static void test_5213_6_2_policy_mn_id_lma_and_prefix(void **state)
{
	struct env *e = *state;
	struct in6_addr want = A("2001:db8:aaaa:1::");

	memcpy(e->pol[0].mac, mac_b, 6);
	strcpy(e->pol[0].mn_id, "bob@example.com");
	e->pol[0].has_lma = true;
	e->pol[0].lma = lma2;
	e->pol[0].has_prefix = true;
	e->pol[0].prefix = want;
	e->cfg.policies = e->pol;
	e->cfg.n_policies = 1;
	e->cfg.serve_unknown_mn = false;
	env_start(e);
	assert_int_equal(mag_attach(e->mag, mac_b, 3), 0);
	assert_memory_equal(&last(e)->dst, &lma2, 16);
	assert_int_equal(last(e)->msg.opts.mn_id_len, 15);
	assert_memory_equal(last(e)->msg.opts.mn_id, "bob@example.com", 15);
	assert_memory_equal(&last(e)->msg.opts.hnp[0].prefix, &want, 16);
	assert_int_equal(last(e)->msg.opts.hnp[0].plen, 64);
}

static void test_5213_6_2_unknown_mn_ignored_by_policy(void **state)
{
	struct env *e = *state;

	e->cfg.serve_unknown_mn = false;
	env_start(e);
	assert_int_equal(mag_attach(e->mag, mac_a, 3), -EPERM);
	assert_int_equal(e->n_sent, 0);
	assert_int_equal(state_of(e, mac_a), -1);
}

/* ---- §6.9.1.1 PBU construction ---- */

static void test_5213_6_9_1_1_initial_pbu_contents(void **state)
{
	struct env *e = *state;
	const struct mh_msg *p;

	env_start(e);
	assert_int_equal(mag_attach(e->mag, mac_a, 3), 0);
	assert_int_equal(e->n_sent, 1);
	assert_memory_equal(&last(e)->dst, &lma1, 16);
	p = &last(e)->msg;
	assert_int_equal(p->type, MH_TYPE_BU);
	assert_int_equal(p->flags, MH_BU_F_A | MH_BU_F_P);
	assert_int_equal(p->lifetime, 25);  /* 100 s in 4 s units */
	assert_int_equal(p->opts.n_hnp, 1); /* one ALL_ZERO HNP */
	assert_true(!memcmp(&p->opts.hnp[0].prefix, &in6addr_any, 16));
	assert_true(p->opts.has_hi);
	assert_int_equal(p->opts.hi, MH_HI_UNKNOWN);
	assert_true(p->opts.has_att);
	assert_int_equal(p->opts.att, MH_ATT_8023);
	assert_true(p->opts.has_ll_id);
	assert_int_equal(p->opts.ll_id_len, 6);
	assert_memory_equal(p->opts.ll_id, mac_a, 6);
	assert_true(p->opts.has_timestamp);
	assert_int_equal(p->opts.timestamp,
			 mh_timestamp_from_ns(fake_wall(&e->now_ms)));
	/* a fixed MAG link-local is configured: no LLA option */
	assert_false(p->opts.has_lla);
	assert_int_equal(state_of(e, mac_a), MAG_MN_PENDING);
	assert_int_equal(e->n_bound, 0); /* no RA before the PBA */
}

static void test_5213_6_9_1_1_lla_all_zero_asks_lma(void **state)
{
	struct env *e = *state;
	struct in6_addr given = A("fe80::77");
	struct mag_mn_view v;
	struct mh_msg a;

	memset(&e->cfg.link_local, 0, 16);
	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	assert_true(last(e)->msg.opts.has_lla);
	assert_true(!memcmp(&last(e)->msg.opts.lla, &in6addr_any, 16));
	pba_of(&last(e)->msg, 0, &a);
	a.opts.lla = given;
	deliver(e, &lma1, &a);
	assert_int_equal(mag_lookup(e->mag, mac_a, &v), 0);
	assert_memory_equal(&v.link_local, &given, 16);
	assert_memory_equal(&e->bound.link_local, &given, 16);
}

static void test_5213_6_9_1_1_seq_mode_no_timestamp(void **state)
{
	struct env *e = *state;
	uint16_t s1;

	e->cfg.use_timestamps = false;
	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	assert_false(last(e)->msg.opts.has_timestamp);
	s1 = last(e)->msg.seq;
	advance(e, 1000);
	assert_int_equal(last(e)->msg.seq, (uint16_t)(s1 + 1));
}

/* ---- §6.9.1.2 PBA processing ---- */

static void test_5213_6_9_1_2_pba_accepted_binds(void **state)
{
	struct env *e = *state;
	struct mag_mn_view v;

	env_start(e);
	mag_attach(e->mag, mac_a, 7);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 1);
	assert_memory_equal(&e->bound.hnp, &hnp1, 16);
	assert_int_equal(e->bound.plen, 64);
	assert_int_equal(e->bound.ifindex, 7);
	assert_int_equal(e->bound.state, MAG_MN_BOUND);
	assert_int_equal(e->bound.lifetime_s, 100);
	assert_int_equal(e->bound.expires_ms, e->now_ms + 100000);
	assert_string_equal(e->bound.mn_id, "0200000000a1@example.com");
	/* attach is idempotent while bound */
	assert_int_equal(mag_attach(e->mag, mac_a, 7), 0);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(mag_lookup(e->mag, mac_a, &v), 0);
	assert_int_equal(v.state, MAG_MN_BOUND);
	/* a duplicate PBA is no longer pending: ignored */
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_6_9_1_2_mismatching_pba_ignored(void **state)
{
	struct env *e = *state;
	struct mh_msg p, a;
	struct mag_counters c;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	p = last(e)->msg;
	/* each of these differs from the PBU in one field (step 5, 6) */
	pba_of(&p, 0, &a);
	a.seq = p.seq + 1;
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	a.opts.mn_id[0] ^= 1;
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	a.opts.hi = MH_HI_NEW_IF;
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	a.opts.att = MH_ATT_80211;
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	a.opts.has_ll_id = false;
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	a.flags = 0; /* not a proxy BA */
	deliver(e, &lma1, &a);
	pba_of(&p, 0, &a);
	deliver(e, &lma2, &a); /* not our LMA */
	assert_int_equal(e->n_bound, 0);
	assert_int_equal(state_of(e, mac_a), MAG_MN_PENDING);
	assert_int_equal(mag_get_counters(e->mag, &c), 0);
	assert_int_equal(c.pba_ignored, 7);
	/* the right one binds */
	pba_of(&p, 0, &a);
	deliver(e, &lma1, &a);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_6_9_1_2_pba_for_earlier_retransmission(void **state)
{
	struct env *e = *state;
	struct mh_msg first, a;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	first = last(e)->msg;
	advance(e, 1000);
	assert_int_equal(e->n_sent, 2);
	/* the LMA answered the first copy late: still ours */
	pba_of(&first, 0, &a);
	deliver(e, &lma1, &a);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_6_9_1_2_rejection_unbinds(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_PROXY_REG_NOT_ENABLED);
	assert_int_equal(e->n_bound, 0);
	assert_int_equal(e->n_unbound, 1);
	assert_int_equal(e->unbound.last_status, 152);
	assert_int_equal(e->unbound.state, MAG_MN_REJECTED);
	assert_false(e->unbound.timed_out);
	/* no retry until an operator acts (detach) */
	assert_int_equal(mag_attach(e->mag, mac_a, 3), -EACCES);
	advance(e, 100000);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(mag_detach(e->mag, mac_a, 3), 0);
	assert_int_equal(e->n_sent, 1); /* nothing to de-register */
	assert_int_equal(state_of(e, mac_a), -1);
	assert_int_equal(mag_attach(e->mag, mac_a, 3), 0);
	assert_int_equal(e->n_sent, 2);
}

static void test_5213_6_9_1_2_refresh_rejected_unbinds(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	advance(e, 80000);
	assert_int_equal(e->n_sent, 2);
	answer(e, MH_ST_NOT_AUTHORIZED_FOR_HNP);
	assert_int_equal(e->n_unbound, 1);
	assert_memory_equal(&e->unbound.hnp, &hnp1, 16);
	assert_int_equal(e->unbound.last_status, 155);
}

/* ---- §6.9.4 retransmission ---- */

static void test_5213_6_9_4_retransmit_exponential_backoff(void **state)
{
	struct env *e = *state;
	static const uint64_t gaps[] = {1000, 2000, 4000, 8000, 8000};
	uint64_t t0;
	unsigned int i;

	e->cfg.max_bindack_timeout_ms = 8000;
	e->cfg.max_retries = 4;
	env_start(e);
	t0 = e->now_ms;
	mag_attach(e->mag, mac_a, 3);
	for (i = 0; i < 4; i++) {
		const struct mh_msg prev = last(e)->msg;

		assert_int_equal(mag_next_timeout(e->mag), t0 + gaps[i]);
		advance(e, gaps[i] - 1);
		assert_int_equal(e->n_sent, i + 1);
		advance(e, 1);
		t0 = e->now_ms;
		assert_int_equal(e->n_sent, i + 2);
		/* a fresh timestamp and sequence number each time */
		assert_true(last(e)->msg.opts.timestamp > prev.opts.timestamp);
		assert_int_equal(last(e)->msg.seq, (uint16_t)(prev.seq + 1));
		assert_int_equal(last(e)->msg.opts.hi, prev.opts.hi);
	}
	/* after max_retries: give up and report unbound */
	assert_int_equal(e->n_unbound, 0);
	advance(e, gaps[4]);
	assert_int_equal(e->n_sent, 5);
	assert_int_equal(e->n_unbound, 1);
	assert_true(e->unbound.timed_out);
	assert_int_equal(e->unbound.state, MAG_MN_REJECTED);
	assert_int_equal(mag_next_timeout(e->mag), UINT64_MAX);
	/* a new trigger tries again */
	assert_int_equal(mag_attach(e->mag, mac_a, 3), 0);
	assert_int_equal(e->n_sent, 6);
	assert_int_equal(state_of(e, mac_a), MAG_MN_PENDING);
}

static void test_6275_9_5_1_seq_135_resync(void **state)
{
	struct env *e = *state;
	struct mh_msg a;

	e->cfg.use_timestamps = false;
	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	pba_of(&last(e)->msg, MH_ST_SEQ_OUT_OF_WINDOW, &a);
	a.seq = 60000; /* the LMA's last accepted */
	deliver(e, &lma1, &a);
	assert_int_equal(e->n_sent, 2);
	assert_int_equal(last(e)->msg.seq, 60001);
	assert_int_equal(e->n_unbound, 0);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_5_5_timestamp_157_reregisters(void **state)
{
	struct env *e = *state;
	uint64_t ts;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	ts = last(e)->msg.opts.timestamp;
	e->now_ms += 10;
	answer(e, MH_ST_TIMESTAMP_LOWER);
	assert_int_equal(e->n_sent, 2);
	assert_true(last(e)->msg.opts.timestamp > ts);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_5_5_timestamp_156_rejects(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_TIMESTAMP_MISMATCH);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(e->unbound.last_status, 156);
}

/* ---- §6.9.1.3 refresh ---- */

static void test_5213_6_9_1_3_refresh_before_expiry(void **state)
{
	struct env *e = *state;
	const struct mh_msg *p;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(mag_next_timeout(e->mag), e->now_ms + 80000);
	advance(e, 79999);
	assert_int_equal(e->n_sent, 1);
	advance(e, 1);
	assert_int_equal(e->n_sent, 2);
	p = &last(e)->msg;
	assert_int_equal(p->opts.hi, MH_HI_NOT_CHANGED);
	assert_memory_equal(&p->opts.hnp[0].prefix, &hnp1, 16);
	assert_int_equal(p->lifetime, 25);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 2);
	assert_int_equal(e->bound.expires_ms, e->now_ms + 100000);
	/* the first expiry time passes: still bound */
	advance(e, 30000);
	assert_int_equal(e->n_unbound, 0);
	assert_int_equal(state_of(e, mac_a), MAG_MN_BOUND);
}

static void test_5213_6_9_1_3_expiry_without_refresh_answer(void **state)
{
	struct env *e = *state;
	unsigned int i;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	for (i = 0; i < 200 && !e->n_unbound; i++)
		advance(e, 1000);
	/*
	 * initial PBU, refresh at 80 s, retries at 81, 83, 87, 95 s (the
	 * next would be at 111 s); expired at 100 s
	 */
	assert_int_equal(e->n_sent, 6);
	assert_int_equal(i, 100);
	assert_int_equal(e->n_unbound, 1);
	assert_true(e->unbound.timed_out);
	assert_memory_equal(&e->unbound.hnp, &hnp1, 16);
}

/* ---- §6.9.1.4 de-registration ---- */

static void test_5213_6_9_1_4_deregistration_on_detach(void **state)
{
	struct env *e = *state;
	const struct mh_msg *p;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(mag_detach(e->mag, mac_a, 4), -ENOENT);
	assert_int_equal(mag_detach(e->mag, mac_a, 3), 0);
	/* the daemon withdraws at once */
	assert_int_equal(e->n_unbound, 1);
	assert_int_equal(e->unbound.state, MAG_MN_DEREGISTERING);
	p = &last(e)->msg;
	assert_int_equal(p->lifetime, 0);
	assert_int_equal(p->opts.hi, MH_HI_UNKNOWN);
	assert_memory_equal(&p->opts.hnp[0].prefix, &hnp1, 16);
	assert_memory_equal(p->opts.ll_id, mac_a, 6);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(state_of(e, mac_a), -1);
	assert_int_equal(e->n_unbound, 1);
	assert_int_equal(e->n_bound, 1);
}

static void test_5213_6_9_1_4_dereg_entry_gone_after_timeout(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	mag_detach(e->mag, mac_a, 0);
	assert_int_equal(e->n_sent, 2);
	advance(e, 999);
	assert_int_equal(state_of(e, mac_a), MAG_MN_DEREGISTERING);
	advance(e, 1);
	assert_int_equal(state_of(e, mac_a), -1);
	assert_int_equal(e->n_sent, 2); /* not retransmitted */
	assert_int_equal(mag_next_timeout(e->mag), UINT64_MAX);
}

static void test_5213_6_9_1_4_reattach_while_deregistering(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	mag_detach(e->mag, mac_a, 3);
	assert_int_equal(mag_attach(e->mag, mac_a, 3), 0);
	assert_int_equal(e->n_sent, 3);
	/* the known prefix is asked for again, lifetime > 0 */
	assert_int_equal(last(e)->msg.lifetime, 25);
	assert_memory_equal(&last(e)->msg.opts.hnp[0].prefix, &hnp1, 16);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(state_of(e, mac_a), MAG_MN_BOUND);
}

/* ---- restart ---- */

static void test_mag_restore_continues_refresh(void **state)
{
	struct env *e = *state;
	struct mag_mn_view v;

	env_start(e);
	memset(&v, 0, sizeof(v));
	memcpy(v.mac, mac_b, 6);
	v.mn_id = "saved@example.com";
	v.ifindex = 4;
	v.lma = lma1;
	v.hnp = hnp1;
	v.plen = 64;
	v.lifetime_s = 100;
	v.expires_ms = e->now_ms + 50000;
	assert_int_equal(mag_restore(e->mag, &v), 0);
	assert_int_equal(mag_restore(e->mag, &v), -EEXIST);
	assert_int_equal(e->n_bound, 0);
	assert_int_equal(state_of(e, mac_b), MAG_MN_BOUND);
	/* refresh 20 s before expiry */
	advance(e, 29999);
	assert_int_equal(e->n_sent, 0);
	advance(e, 1);
	assert_int_equal(e->n_sent, 1);
	assert_int_equal(last(e)->msg.opts.hi, MH_HI_NOT_CHANGED);
	assert_memory_equal(&last(e)->msg.opts.hnp[0].prefix, &hnp1, 16);
	/* the saved MN-ID, not one derived again */
	assert_int_equal(last(e)->msg.opts.mn_id_len, 17);
	assert_memory_equal(last(e)->msg.opts.mn_id, "saved@example.com", 17);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(e->n_bound, 1);
}

static void test_mag_attach_new_ifindex_reannounces(void **state)
{
	struct env *e = *state;

	env_start(e);
	mag_attach(e->mag, mac_a, 3);
	answer(e, MH_ST_ACCEPTED);
	assert_int_equal(mag_attach(e->mag, mac_a, 9), 0);
	assert_int_equal(e->unbound.ifindex, 3);
	assert_int_equal(e->bound.ifindex, 9);
	assert_int_equal(e->n_sent, 1);
}

/* ---- a MAG against a real LMA ---- */

#define WIRE_Q 32

/* Messages in flight between the MAGs and the LMA, delivered by pump() */
struct wire_msg {
	int to_lma; /* else to MAG i */
	int mag;
	uint8_t buf[MH_MAX_LEN];
	size_t len;
};

struct wire {
	struct lma *lma;
	struct mag *mag[2];
	struct in6_addr pcoa[2];
	struct wire_msg q[WIRE_Q];
	unsigned int head, tail;
	int n_up, n_down, n_bound, n_unbound;
};

static void wire_push(struct wire *w, int to_lma, int mag, const uint8_t *mh,
		      size_t len)
{
	struct wire_msg *m = &w->q[w->tail++ % WIRE_Q];

	assert_true(w->tail - w->head <= WIRE_Q);
	m->to_lma = to_lma;
	m->mag = mag;
	memcpy(m->buf, mh, len);
	m->len = len;
}

static void pump(struct wire *w)
{
	while (w->head != w->tail) {
		struct wire_msg *m = &w->q[w->head++ % WIRE_Q];

		if (m->to_lma)
			lma_input(w->lma, &w->pcoa[m->mag], &lma1, m->buf,
				  m->len);
		else
			mag_input(w->mag[m->mag], &lma1, m->buf, m->len);
	}
}

static int wire_mag0(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		     size_t len)
{
	assert_memory_equal(dst, &lma1, 16);
	wire_push(arg, 1, 0, mh, len);
	return 0;
}

static int wire_mag1(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		     size_t len)
{
	assert_memory_equal(dst, &lma1, 16);
	wire_push(arg, 1, 1, mh, len);
	return 0;
}

static int wire_lma_send(void *arg, const struct in6_addr *dst,
			 const uint8_t *mh, size_t len)
{
	struct wire *w = arg;

	wire_push(w, 0, !memcmp(dst, &w->pcoa[1], 16), mh, len);
	return 0;
}

static void wire_up(void *arg, const struct lma_bce_view *v)
{
	(void)v;
	((struct wire *)arg)->n_up++;
}

static void wire_down(void *arg, const struct lma_bce_view *v)
{
	(void)v;
	((struct wire *)arg)->n_down++;
}

static void wire_bound(void *arg, const struct mag_mn_view *v)
{
	(void)v;
	((struct wire *)arg)->n_bound++;
}

static void wire_unbound(void *arg, const struct mag_mn_view *v)
{
	(void)v;
	((struct wire *)arg)->n_unbound++;
}

static void test_5213_integration_register_handover_detach(void **state)
{
	struct env *e = *state;
	struct wire *w = calloc(1, sizeof(*w));
	struct lma_config lc;
	struct lma_ops lo = {
	    .send = wire_lma_send,
	    .bce_up = wire_up,
	    .bce_down = wire_down,
	};
	struct mag_ops m0 = {
	    .send = wire_mag0,
	    .mn_bound = wire_bound,
	    .mn_unbound = wire_unbound,
	};
	struct mag_ops m1 = m0;
	struct mag_mn_view v0, v1;
	struct lma_bce_view b;
	struct lma_counters lcnt;

	assert_non_null(w);
	m1.send = wire_mag1;
	w->pcoa[0] = A("2001:db8:1::1");
	w->pcoa[1] = A("2001:db8:2::1");
	lma_config_defaults(&lc);
	lc.lmaa = lma1;
	lc.mags = w->pcoa;
	lc.n_mags = 2;
	lc.serve_unknown_mn = true;
	lc.pool = A("2001:db8:100::");
	lc.pool_plen = 48;
	w->lma = lma_new(&lc, &lo, w, &e->clk);
	assert_non_null(w->lma);
	e->cfg.pcoa = w->pcoa[0];
	w->mag[0] = mag_new(&e->cfg, &m0, w, &e->clk);
	e->cfg.pcoa = w->pcoa[1];
	w->mag[1] = mag_new(&e->cfg, &m1, w, &e->clk);
	assert_non_null(w->mag[0]);
	assert_non_null(w->mag[1]);

	/* register at MAG 0 */
	assert_int_equal(mag_attach(w->mag[0], mac_a, 3), 0);
	pump(w);
	assert_int_equal(mag_lookup(w->mag[0], mac_a, &v0), 0);
	assert_int_equal(v0.state, MAG_MN_BOUND);
	assert_int_equal(w->n_bound, 1);
	assert_int_equal(lma_lookup_hnp(w->lma, &v0.hnp, &b), 0);
	assert_memory_equal(&b.pcoa, &w->pcoa[0], 16);

	/* the node shows up at MAG 1: same LL-ID and ATT, so it moves */
	e->now_ms += 50;
	assert_int_equal(mag_attach(w->mag[1], mac_a, 5), 0);
	pump(w);
	assert_int_equal(mag_lookup(w->mag[1], mac_a, &v1), 0);
	assert_int_equal(v1.state, MAG_MN_BOUND);
	assert_memory_equal(&v1.hnp, &v0.hnp, 16);
	assert_int_equal(lma_lookup_hnp(w->lma, &v0.hnp, &b), 0);
	assert_memory_equal(&b.pcoa, &w->pcoa[1], 16);

	/* MAG 0 sees the link go: its de-registration is ignored */
	e->now_ms += 50;
	assert_int_equal(mag_detach(w->mag[0], mac_a, 3), 0);
	pump(w);
	e->now_ms += 1000;
	mag_run_timers(w->mag[0]);
	assert_int_equal(mag_lookup(w->mag[0], mac_a, NULL), -ENOENT);
	e->now_ms += 20000;
	lma_run_timers(w->lma);
	assert_int_equal(lma_lookup_hnp(w->lma, &v0.hnp, NULL), 0);

	/* a refresh from MAG 1 keeps it; its detach ends it */
	e->now_ms += 60000;
	mag_run_timers(w->mag[1]);
	pump(w);
	assert_int_equal(w->n_bound, 3);
	e->now_ms += 30000;
	lma_run_timers(w->lma);
	assert_int_equal(lma_lookup_hnp(w->lma, &v0.hnp, NULL), 0);
	assert_int_equal(mag_detach(w->mag[1], mac_a, 5), 0);
	pump(w);
	assert_int_equal(mag_lookup(w->mag[1], mac_a, NULL), -ENOENT);
	e->now_ms += 10000;
	lma_run_timers(w->lma);
	assert_int_equal(lma_lookup_hnp(w->lma, &v0.hnp, NULL), -ENOENT);
	assert_int_equal(w->n_down, 1);
	assert_int_equal(w->n_unbound, 2);
	assert_int_equal(lma_get_counters(w->lma, &lcnt), 0);
	assert_int_equal(lcnt.pba_status[0], lcnt.pba_tx);
	assert_int_equal(lcnt.ignored, 1); /* MAG 0's de-registration */

	mag_free(w->mag[0]);
	mag_free(w->mag[1]);
	lma_free(w->lma);
	free(w);
}

/*
 * RFC 6275 §9.2: Payload Proto != 59 and a Header Len below the minimum
 * earn an ICMPv6 Parameter Problem pointing at the field; never to a
 * multicast source.
 */
static void test_6275_9_2_param_problem(void **state)
{
	struct env *e = *state;
	struct mag_counters c;
	uint8_t pba[16] = {59, 1, MH_TYPE_BA, 0};
	struct in6_addr mcast = A("ff02::1");

	env_start(e);
	pba[0] = 6;
	assert_int_equal(mag_input(e->mag, &lma1, pba, sizeof(pba)), -EBADMSG);
	assert_int_equal(e->n_pp, 1);
	assert_int_equal(e->pp_pointer, 0);
	assert_memory_equal(&e->pp_dst, &lma1, sizeof(lma1));

	pba[0] = 59;
	pba[1] = 0;
	assert_int_equal(mag_input(e->mag, &lma1, pba, 8), -EBADMSG);
	assert_int_equal(e->n_pp, 2);
	assert_int_equal(e->pp_pointer, 1);

	assert_int_equal(mag_input(e->mag, &mcast, pba, 8), -EBADMSG);
	assert_int_equal(e->n_pp, 2);
	mag_get_counters(e->mag, &c);
	assert_int_equal(c.param_problem_tx, 2);
	assert_int_equal(c.dropped, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_5213_6_2_mn_id_derived_from_mac),
	    T(test_5213_6_2_policy_mn_id_lma_and_prefix),
	    T(test_5213_6_2_unknown_mn_ignored_by_policy),
	    T(test_5213_6_9_1_1_initial_pbu_contents),
	    T(test_5213_6_9_1_1_lla_all_zero_asks_lma),
	    T(test_5213_6_9_1_1_seq_mode_no_timestamp),
	    T(test_5213_6_9_1_2_pba_accepted_binds),
	    T(test_5213_6_9_1_2_mismatching_pba_ignored),
	    T(test_5213_6_9_1_2_pba_for_earlier_retransmission),
	    T(test_5213_6_9_1_2_rejection_unbinds),
	    T(test_5213_6_9_1_2_refresh_rejected_unbinds),
	    T(test_5213_6_9_4_retransmit_exponential_backoff),
	    T(test_6275_9_5_1_seq_135_resync),
	    T(test_5213_5_5_timestamp_157_reregisters),
	    T(test_5213_5_5_timestamp_156_rejects),
	    T(test_5213_6_9_1_3_refresh_before_expiry),
	    T(test_5213_6_9_1_3_expiry_without_refresh_answer),
	    T(test_5213_6_9_1_4_deregistration_on_detach),
	    T(test_5213_6_9_1_4_dereg_entry_gone_after_timeout),
	    T(test_5213_6_9_1_4_reattach_while_deregistering),
	    T(test_mag_restore_continues_refresh),
	    T(test_mag_attach_new_ifindex_reannounces),
	    T(test_5213_integration_register_handover_detach),
	    T(test_6275_9_2_param_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
