// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local Mobility Anchor: PBU processing (RFC 5213 §5.3), binding cache
 * lookup (§5.4.1), ordering (§5.5), PBA contents (§5.3.6) and the BCE
 * timers.  Step numbers in comments are those of RFC 5213 §5.3.1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "hash.h"
#include "lma.h"
#include "log.h"
#include "pool.h"
#include "timer.h"

#define LMA_MAX_HELD   4096 /* PBUs waiting on §5.4.1.2 */
#define LMA_BE_PER_SEC 100  /* Binding Error rate limit */

/* A PBU held for up to MaxDelayBeforeNewBCEAssign (RFC 5213 §5.4.1.2) */
struct held_pbu {
	struct held_pbu *next;
	struct xp_timer timer;
	struct in6_addr src, dst;
	size_t len;
	uint8_t mh[];
};

struct lma {
	struct lma_config cfg;
	struct in6_addr *mags;	   /* sorted copy of cfg.mags */
	struct lma_mn_policy *pol; /* copy of cfg.policies */
	uint32_t *pol_by_id;	   /* open addressing: index + 1 */
	uint32_t *pol_by_prefix;
	size_t pol_mask;

	struct lma_ops ops;
	void *arg;
	struct xp_clock clk;

	struct bce_table bces;
	struct timer_heap timers; /* BCE lifetime and deletion */
	struct timer_heap held_timers;
	struct held_pbu *held;
	unsigned int n_held;
	struct hnp_pool pool;

	uint64_t be_window_ms;
	unsigned int be_in_window;

	struct lma_counters cnt;
	uint8_t txbuf[MH_MAX_LEN];
};

/* How PBU processing ends (RFC 5213 §5.3.1 steps 4-13) */
struct pbu_ctx {
	const struct mh_msg *pbu;
	const struct in6_addr *src;
	const struct lma_mn_policy *pol;
	bool released; /* held PBU now processed */
	uint8_t status;
	bool own_ts; /* 156/157: the LMA's time in the PBA */
	uint64_t ts;
	uint16_t seq;	   /* PBA sequence number */
	uint16_t lifetime; /* granted, 4 s units */
	struct bce *bce;   /* accepted session */
};

void lma_config_defaults(struct lma_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->use_timestamps = true;
	cfg->ts_window_ms = LMA_TS_WINDOW_MS;
	cfg->max_lifetime_s = LMA_MAX_LIFETIME_S;
	cfg->min_delay_bce_delete_ms = LMA_MIN_DELAY_BCE_DELETE_MS;
	cfg->max_delay_new_bce_ms = LMA_MAX_DELAY_NEW_BCE_MS;
	cfg->max_bindings = LMA_MAX_BINDINGS;
}

/* ---- policy and authorization tables ---- */

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

static bool mag_authorized(const struct lma *lma, const struct in6_addr *a)
{
	return lma->cfg.n_mags &&
	       bsearch(a, lma->mags, lma->cfg.n_mags, sizeof(*a), cmp_addr);
}

static int build_policy_index(struct lma *lma)
{
	size_t n = 16, i;

	while (n < lma->cfg.n_policies * 2)
		n <<= 1;
	lma->pol_by_id = calloc(n, sizeof(uint32_t));
	lma->pol_by_prefix = calloc(n, sizeof(uint32_t));
	if (!lma->pol_by_id || !lma->pol_by_prefix)
		return -ENOMEM;
	lma->pol_mask = n - 1;
	for (i = 0; i < lma->cfg.n_policies; i++) {
		const struct lma_mn_policy *p = &lma->pol[i];
		size_t h = xp_hash_bytes(p->mn_id, strlen(p->mn_id));

		while (lma->pol_by_id[h & lma->pol_mask])
			h++;
		lma->pol_by_id[h & lma->pol_mask] = i + 1;
		if (!p->has_prefix)
			continue;
		h = xp_hash_bytes(p->prefix.s6_addr, 8);
		while (lma->pol_by_prefix[h & lma->pol_mask])
			h++;
		lma->pol_by_prefix[h & lma->pol_mask] = i + 1;
	}
	return 0;
}

static const struct lma_mn_policy *policy_by_id(const struct lma *lma,
						const void *id, uint8_t len)
{
	size_t h = xp_hash_bytes(id, len);
	uint32_t v;

	if (!lma->cfg.n_policies)
		return NULL;
	while ((v = lma->pol_by_id[h & lma->pol_mask])) {
		const struct lma_mn_policy *p = &lma->pol[v - 1];

		if (strlen(p->mn_id) == len && !memcmp(p->mn_id, id, len))
			return p;
		h++;
	}
	return NULL;
}

static const struct lma_mn_policy *
policy_by_prefix(const struct lma *lma, const struct in6_addr *prefix)
{
	size_t h = xp_hash_bytes(prefix->s6_addr, 8);
	uint32_t v;

	if (!lma->cfg.n_policies)
		return NULL;
	while ((v = lma->pol_by_prefix[h & lma->pol_mask])) {
		const struct lma_mn_policy *p = &lma->pol[v - 1];

		if (prefix64_equal(&p->prefix, prefix))
			return p;
		h++;
	}
	return NULL;
}

/* A pool prefix is taken when bound, or reserved as someone's static one */
static bool prefix_taken(const struct in6_addr *prefix, void *arg)
{
	struct lma *lma = arg;

	return bce_find_hnp(&lma->bces, prefix) ||
	       policy_by_prefix(lma, prefix);
}

/* ---- lifecycle ---- */

struct lma *lma_new(const struct lma_config *cfg, const struct lma_ops *ops,
		    void *arg, const struct xp_clock *clk)
{
	struct lma *lma;
	int err = -ENOMEM;

	if (!cfg || !ops || !ops->send || !clk) {
		errno = EINVAL;
		return NULL;
	}
	lma = calloc(1, sizeof(*lma));
	if (!lma)
		return NULL;
	lma->cfg = *cfg;
	lma->ops = *ops;
	lma->arg = arg;
	lma->clk = *clk;
	timer_heap_init(&lma->timers);
	timer_heap_init(&lma->held_timers);

	lma->mags = calloc(cfg->n_mags + 1, sizeof(*lma->mags));
	lma->pol = calloc(cfg->n_policies + 1, sizeof(*lma->pol));
	if (!lma->mags || !lma->pol)
		goto err_free;
	if (cfg->n_mags)
		memcpy(lma->mags, cfg->mags, cfg->n_mags * sizeof(*cfg->mags));
	qsort(lma->mags, cfg->n_mags, sizeof(*lma->mags), cmp_addr);
	if (cfg->n_policies)
		memcpy(lma->pol, cfg->policies,
		       cfg->n_policies * sizeof(*cfg->policies));
	lma->cfg.mags = lma->mags;
	lma->cfg.policies = lma->pol;
	if (build_policy_index(lma) < 0)
		goto err_free;

	err = pool_init(&lma->pool, &cfg->pool, cfg->pool_plen);
	if (err < 0)
		goto err_free;
	err = bce_table_init(&lma->bces, 0);
	if (err < 0)
		goto err_free;
	return lma;

err_free:
	free(lma->pol_by_id);
	free(lma->pol_by_prefix);
	free(lma->mags);
	free(lma->pol);
	free(lma);
	errno = -err;
	return NULL;
}

void lma_free(struct lma *lma)
{
	struct held_pbu *h, *next;

	if (!lma)
		return;
	for (h = lma->held; h; h = next) {
		next = h->next;
		free(h);
	}
	timer_heap_free(&lma->held_timers);
	timer_heap_free(&lma->timers);
	bce_table_free(&lma->bces);
	free(lma->pol_by_id);
	free(lma->pol_by_prefix);
	free(lma->mags);
	free(lma->pol);
	free(lma);
}

/* ---- binding cache entries ---- */

static void bce_view(const struct bce *b, struct lma_bce_view *v)
{
	memset(v, 0, sizeof(*v));
	v->mn_id = b->mn_id;
	v->mn_id_len = b->mn_id_len;
	v->hnp = b->hnp;
	v->plen = b->plen;
	v->pcoa = b->pcoa;
	v->att = b->att;
	v->hi = b->hi;
	memcpy(v->ll_id, b->ll_id, b->ll_id_len);
	v->ll_id_len = b->ll_id_len;
	v->lifetime_s = b->lifetime_s;
	v->expires_ms = b->expires_ms;
	v->registered_ms = b->registered_ms;
	v->last_ts = b->last_ts;
	v->last_seq = b->last_seq;
	v->deleting = b->flags & BCE_F_DELETING;
}

static void notify_up(struct lma *lma, const struct bce *b)
{
	struct lma_bce_view v;

	if (!lma->ops.bce_up)
		return;
	bce_view(b, &v);
	lma->ops.bce_up(lma->arg, &v);
}

static void bce_destroy(struct lma *lma, struct bce *b, bool notify)
{
	struct lma_bce_view v;

	timer_cancel(&lma->timers, &b->timer);
	bce_remove(&lma->bces, b);
	pool_mark(&lma->pool, &b->hnp, -1);
	lma->cnt.bindings = lma->bces.count;
	if (notify && lma->ops.bce_down) {
		bce_view(b, &v);
		lma->ops.bce_down(lma->arg, &v);
	}
	free(b);
}

static struct bce *bce_create(struct lma *lma, const void *mn_id,
			      uint8_t mn_id_len, const struct in6_addr *hnp)
{
	struct bce *b = bce_alloc(mn_id, mn_id_len);

	if (!b)
		return NULL;
	memcpy(b->hnp.s6_addr, hnp->s6_addr, 8);
	b->plen = 64;
	if (bce_insert(&lma->bces, b) < 0) {
		free(b);
		return NULL;
	}
	pool_mark(&lma->pool, &b->hnp, +1);
	lma->cnt.bindings = lma->bces.count;
	return b;
}

/* ---- ordering (RFC 5213 §5.5) ---- */

static uint64_t lma_timestamp(struct lma *lma)
{
	return mh_timestamp_from_ns(xp_wall_ns(&lma->clk));
}

/* RFC 6275 §9.5.1: newer when within the 32768 values after last */
static bool seq_newer(uint16_t seq, uint16_t last)
{
	uint16_t d = seq - last;

	return d != 0 && d < 32768;
}

/* Step 9 in timestamp mode: window, then newer than all accepted */
static uint8_t check_timestamp(struct lma *lma, struct pbu_ctx *c)
{
	const struct mh_opts *o = &c->pbu->opts;
	uint64_t now = lma_timestamp(lma), win, diff, max = 0;
	struct bce *b;

	/* a PBU without the option cannot be in the window (§5.5) */
	if (!o->has_timestamp)
		goto mismatch;
	win = (uint64_t)lma->cfg.ts_window_ms * 65536 / 1000;
	diff = o->timestamp > now ? o->timestamp - now : now - o->timestamp;
	if (diff > win)
		goto mismatch;
	for (b = bce_first_mn(&lma->bces, o->mn_id, o->mn_id_len); b;
	     b = bce_next_mn(b, o->mn_id, o->mn_id_len))
		if (b->last_ts > max)
			max = b->last_ts;
	if (o->timestamp <= max) {
		c->own_ts = true;
		c->ts = now;
		return MH_ST_TIMESTAMP_LOWER;
	}
	return MH_ST_ACCEPTED;

mismatch:
	c->own_ts = true;
	c->ts = now;
	return MH_ST_TIMESTAMP_MISMATCH;
}

/* ---- PBA (RFC 5213 §5.3.6) ---- */

static bool addr_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return !memcmp(a, &zero, sizeof(zero));
}

/*
 * The MAG link-local address the LMA supplies when the PBU asks with an
 * ALL_ZERO one (§5.3.6): derived from the session's prefix, so it is the
 * same in every PBA of the session without being stored.
 */
static void session_link_local(const struct bce *b, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	memcpy(out->s6_addr + 8, b->hnp.s6_addr, 8);
	out->s6_addr[8] ^= 0x02;  /* not a universal interface id */
	out->s6_addr[15] ^= 0x01; /* not the MN's ::/64 anycast */
}

static void send_pba(struct lma *lma, const struct in6_addr *dst,
		     struct pbu_ctx *c)
{
	const struct mh_opts *in = &c->pbu->opts;
	struct mh_msg m;
	struct mh_opts *o = &m.opts;
	unsigned int i;
	int len;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.status = c->status;
	m.flags = (c->pbu->flags & MH_BU_F_P) ? MH_BA_F_P : 0;
	m.seq = c->seq;
	m.lifetime = c->status < 128 ? c->lifetime : 0;

	/* MN-ID copied; an empty one when the PBU had none */
	o->has_mn_id = true;
	o->mn_id_subtype =
	    in->has_mn_id ? in->mn_id_subtype : MH_MN_ID_SUBTYPE_NAI;
	o->mn_id_len = in->mn_id_len;
	memcpy(o->mn_id, in->mn_id, in->mn_id_len);

	/* accepted: the assigned prefix; rejected: the PBU's, or ALL_ZERO */
	if (c->status < 128 && c->bce) {
		o->n_hnp = 1;
		o->hnp[0].plen = c->bce->plen;
		o->hnp[0].prefix = c->bce->hnp;
	} else if (in->n_hnp) {
		o->n_hnp = in->n_hnp;
		for (i = 0; i < in->n_hnp; i++)
			o->hnp[i] = in->hnp[i];
	} else {
		o->n_hnp = 1;
	}

	o->has_hi = true;
	o->hi = in->has_hi ? in->hi : 0;
	o->has_att = true;
	o->att = in->has_att ? in->att : 0;

	if (lma->cfg.use_timestamps && (in->has_timestamp || c->own_ts)) {
		o->has_timestamp = true;
		o->timestamp = c->own_ts ? c->ts : in->timestamp;
	}
	if (in->has_ll_id) {
		o->has_ll_id = true;
		o->ll_id_len = in->ll_id_len;
		memcpy(o->ll_id, in->ll_id, in->ll_id_len);
	}
	if (in->has_lla) {
		o->has_lla = true;
		o->lla = in->lla;
		if (c->status < 128 && c->bce && addr_is_zero(&in->lla))
			session_link_local(c->bce, &o->lla);
	}

	len = mh_build(&m, lma->txbuf, sizeof(lma->txbuf));
	if (len < 0) {
		log_err("lma: cannot build pba: %d", len);
		lma->cnt.send_err++;
		return;
	}
	if (lma->ops.send(lma->arg, dst, lma->txbuf, (size_t)len) < 0) {
		lma->cnt.send_err++;
		return;
	}
	lma->cnt.pba_tx++;
	lma->cnt.pba_status[c->status]++;
}

static bool addr_is_unicast(const struct in6_addr *a)
{
	return a->s6_addr[0] != 0xff && !addr_is_zero(a);
}

/* RFC 6275 §9.2: unknown MH Type -> Binding Error 2, rate-limited */
static void send_be(struct lma *lma, const struct in6_addr *dst)
{
	uint64_t now = xp_now_ms(&lma->clk);
	struct mh_msg m;
	int len;

	if (!addr_is_unicast(dst))
		return;
	if (now - lma->be_window_ms >= 1000) {
		lma->be_window_ms = now;
		lma->be_in_window = 0;
	}
	if (lma->be_in_window >= LMA_BE_PER_SEC)
		return;
	lma->be_in_window++;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BE;
	m.status = MH_BE_UNKNOWN_MH_TYPE;
	len = mh_build(&m, lma->txbuf, sizeof(lma->txbuf));
	if (len < 0 || lma->ops.send(lma->arg, dst, lma->txbuf, len) < 0) {
		lma->cnt.send_err++;
		return;
	}
	lma->cnt.be_tx++;
}

/* ---- binding cache lookup (RFC 5213 §5.4.1) ---- */

enum lookup_res {
	LK_NEW,	   /* a new mobility session */
	LK_UPDATE, /* c->bce is the session */
	LK_HOLD,   /* wait for the old MAG (§5.4.1.2) */
	LK_REJECT, /* c->status says why */
};

static bool ll_id_match(const struct bce *b, const struct mh_opts *o)
{
	return o->has_ll_id && b->ll_id_len == o->ll_id_len &&
	       !memcmp(b->ll_id, o->ll_id, o->ll_id_len);
}

/*
 * HI 4 with exactly one session of this node whose LL-ID does not match:
 * the node may have moved, or attached a new interface.  Wait for the old
 * MAG's de-registration (§5.4.1.2, §5.4.1.3); once the entry is being
 * deleted the move is proven and the session is taken over.
 */
static enum lookup_res unknown_handoff(struct lma *lma, struct pbu_ctx *c,
				       struct bce *only)
{
	if (only->flags & BCE_F_DELETING) {
		c->bce = only;
		return LK_UPDATE;
	}
	if (lma->cfg.max_delay_new_bce_ms && !c->released &&
	    lma->n_held < LMA_MAX_HELD)
		return LK_HOLD;
	return LK_NEW;
}

static enum lookup_res lookup(struct lma *lma, struct pbu_ctx *c,
			      const struct in6_addr *src)
{
	const struct mh_opts *o = &c->pbu->opts;
	struct bce *b = NULL, *only;
	unsigned int i, n_nonzero = 0, n_found = 0;
	unsigned int n;

	/* Case A (§5.4.1.1): look up by every NON_ZERO prefix */
	for (i = 0; i < o->n_hnp; i++) {
		struct bce *f;

		if (addr_is_zero(&o->hnp[i].prefix))
			continue;
		n_nonzero++;
		f = bce_find_hnp(&lma->bces, &o->hnp[i].prefix);
		if (!f)
			continue;
		if (!bce_mn_equal(f, o->mn_id, o->mn_id_len)) {
			c->status = MH_ST_NOT_AUTHORIZED_FOR_HNP;
			return LK_REJECT;
		}
		if (b && b != f) {
			c->status = MH_ST_BCE_PBU_PREFIX_MISMATCH;
			return LK_REJECT;
		}
		b = f;
		n_found++;
	}
	if (n_nonzero) {
		if (!b)
			return LK_NEW;
		/* a session holds one prefix: the sets must be {that one} */
		if (n_found != 1 || n_nonzero != 1) {
			c->status = MH_ST_BCE_PBU_PREFIX_MISMATCH;
			return LK_REJECT;
		}
		if ((o->has_ll_id && ll_id_match(b, o) && b->att == o->att) ||
		    o->hi == MH_HI_IF_CHANGE ||
		    (!o->has_ll_id && !b->ll_id_len && b->att == o->att &&
		     o->hi == MH_HI_MAG_CHANGE) ||
		    (!memcmp(&b->pcoa, src, sizeof(*src)) &&
		     b->att == o->att)) {
			c->bce = b;
			return LK_UPDATE;
		}
		return LK_NEW;
	}

	/* Case B (§5.4.1.2): MN-ID, ATT and LL-ID */
	if (o->has_ll_id) {
		b = bce_find_mn_att_llid(&lma->bces, o->mn_id, o->mn_id_len,
					 o->att, o->ll_id, o->ll_id_len);
		if (b) {
			c->bce = b;
			return LK_UPDATE;
		}
		n = bce_count_mn(&lma->bces, o->mn_id, o->mn_id_len, &only);
		if (n == 1 && o->hi == MH_HI_IF_CHANGE) {
			c->bce = only;
			return LK_UPDATE;
		}
		if (n == 1 && o->hi == MH_HI_UNKNOWN)
			return unknown_handoff(lma, c, only);
		return LK_NEW;
	}

	/* Case C (§5.4.1.3): MN-ID alone */
	n = bce_count_mn(&lma->bces, o->mn_id, o->mn_id_len, &only);
	if (n == 1 && (o->hi == MH_HI_IF_CHANGE || o->hi == MH_HI_MAG_CHANGE)) {
		c->bce = only;
		return LK_UPDATE;
	}
	if (n == 1 && o->hi == MH_HI_UNKNOWN)
		return unknown_handoff(lma, c, only);
	return LK_NEW;
}

/* ---- registration outcomes (RFC 5213 §5.3.2-5.3.5) ---- */

static uint16_t grant_lifetime(struct lma *lma, uint16_t asked)
{
	uint16_t max = mh_lifetime_units(lma->cfg.max_lifetime_s);

	if (!max)
		max = 1;
	return asked < max ? asked : max;
}

/* Bookkeeping shared by every accepted PBU with lifetime > 0 */
static void bce_accept(struct lma *lma, struct bce *b, struct pbu_ctx *c,
		       const struct in6_addr *src)
{
	const struct mh_opts *o = &c->pbu->opts;
	uint64_t now = xp_now_ms(&lma->clk);

	b->flags &= ~BCE_F_DELETING;
	b->pcoa = *src;
	b->att = o->att;
	b->hi = o->hi;
	b->ll_id_len = o->has_ll_id ? o->ll_id_len : 0;
	memcpy(b->ll_id, o->ll_id, b->ll_id_len);
	if (lma->cfg.use_timestamps && o->timestamp > b->last_ts)
		b->last_ts = o->timestamp;
	b->last_seq = c->pbu->seq;
	c->lifetime = grant_lifetime(lma, c->pbu->lifetime);
	b->lifetime_s = mh_lifetime_secs(c->lifetime);
	b->expires_ms = now + (uint64_t)b->lifetime_s * 1000;
	if (timer_set(&lma->timers, &b->timer, b->expires_ms) < 0)
		log_warn("lma: no memory for a bce timer");
	c->bce = b;
	c->status = MH_ST_ACCEPTED;
	notify_up(lma, b);
}

/* §5.3.2 step 2-3: which prefix the new session gets, or why none */
static uint8_t choose_prefix(struct lma *lma, struct pbu_ctx *c,
			     struct in6_addr *out)
{
	const struct mh_opts *o = &c->pbu->opts;
	const struct lma_mn_policy *owner;
	const struct in6_addr *want = NULL;
	unsigned int i;

	for (i = 0; i < o->n_hnp; i++) {
		if (addr_is_zero(&o->hnp[i].prefix))
			continue;
		/* one prefix per session: a second one is not the node's */
		if (want)
			return MH_ST_NOT_AUTHORIZED_FOR_HNP;
		want = &o->hnp[i].prefix;
	}
	if (want) {
		/*
		 * NON_ZERO: the node's static prefix, or a free pool prefix
		 * nobody else has by policy; never one that is bound.
		 */
		owner = policy_by_prefix(lma, want);
		if (bce_find_hnp(&lma->bces, want))
			return MH_ST_NOT_AUTHORIZED_FOR_HNP;
		if (owner && owner != c->pol)
			return MH_ST_NOT_AUTHORIZED_FOR_HNP;
		if (!owner && !pool_contains(&lma->pool, want))
			return MH_ST_NOT_AUTHORIZED_FOR_HNP;
		*out = *want;
		return MH_ST_ACCEPTED;
	}
	/* ALL_ZERO: the static prefix if still free, else the pool */
	if (c->pol && c->pol->has_prefix &&
	    !bce_find_hnp(&lma->bces, &c->pol->prefix)) {
		*out = c->pol->prefix;
		return MH_ST_ACCEPTED;
	}
	if (pool_alloc(&lma->pool, prefix_taken, lma, out) < 0)
		return MH_ST_INSUFFICIENT_RESOURCES;
	return MH_ST_ACCEPTED;
}

static void initial_registration(struct lma *lma, struct pbu_ctx *c,
				 const struct in6_addr *src)
{
	const struct mh_opts *o = &c->pbu->opts;
	struct in6_addr prefix;
	struct bce *b;

	if (lma->bces.count >= lma->cfg.max_bindings) {
		c->status = MH_ST_INSUFFICIENT_RESOURCES;
		return;
	}
	c->status = choose_prefix(lma, c, &prefix);
	if (c->status)
		return;
	b = bce_create(lma, o->mn_id, o->mn_id_len, &prefix);
	if (!b) {
		c->status = MH_ST_INSUFFICIENT_RESOURCES;
		return;
	}
	b->registered_ms = xp_now_ms(&lma->clk);
	lma->cnt.bce_created++;
	bce_accept(lma, b, c, src);
}

/* ---- held PBUs (MaxDelayBeforeNewBCEAssign) ---- */

static int process(struct lma *lma, const struct in6_addr *src,
		   const struct in6_addr *dst, const struct mh_msg *pbu,
		   bool released);

static void held_free(struct lma *lma, struct held_pbu *h)
{
	struct held_pbu **pp;

	for (pp = &lma->held; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	timer_cancel(&lma->held_timers, &h->timer);
	lma->n_held--;
	free(h);
}

static void held_release(struct lma *lma, struct held_pbu *h)
{
	struct in6_addr src = h->src, dst = h->dst;
	struct mh_msg m;
	int ret;

	ret = mh_parse(h->mh, h->len, &m, NULL);
	held_free(lma, h);
	if (!ret)
		process(lma, &src, &dst, &m, true);
}

static bool held_same(const struct held_pbu *h, const struct in6_addr *src,
		      const struct mh_opts *o)
{
	struct mh_msg m;

	if (memcmp(&h->src, src, sizeof(*src)) ||
	    mh_parse(h->mh, h->len, &m, NULL))
		return false;
	return m.opts.mn_id_len == o->mn_id_len &&
	       !memcmp(m.opts.mn_id, o->mn_id, o->mn_id_len) &&
	       m.opts.att == o->att && m.opts.ll_id_len == o->ll_id_len &&
	       !memcmp(m.opts.ll_id, o->ll_id, o->ll_id_len);
}

/*
 * Keep the PBU until the old MAG de-registers or the delay ends.  A
 * retransmission replaces the held copy but keeps its deadline, so the
 * PBA answers the MAG's newest sequence number.
 */
static void hold(struct lma *lma, const struct in6_addr *src,
		 const struct in6_addr *dst, const struct mh_msg *pbu)
{
	uint64_t when = xp_now_ms(&lma->clk) + lma->cfg.max_delay_new_bce_ms;
	struct held_pbu *h, *old;
	int len;

	len = mh_build(pbu, lma->txbuf, sizeof(lma->txbuf));
	if (len < 0)
		return;
	h = malloc(sizeof(*h) + (size_t)len);
	if (!h)
		return;
	timer_init(&h->timer);
	h->src = *src;
	h->dst = *dst;
	h->len = (size_t)len;
	memcpy(h->mh, lma->txbuf, (size_t)len);
	for (old = lma->held; old; old = old->next) {
		if (held_same(old, src, &pbu->opts)) {
			when = old->timer.when;
			held_free(lma, old);
			break;
		}
	}
	if (timer_set(&lma->held_timers, &h->timer, when) < 0) {
		free(h);
		return;
	}
	h->next = lma->held;
	lma->held = h;
	lma->n_held++;
	lma->cnt.held++;
}

/* The old session is de-registered: the waiting PBUs of that node go on */
static void held_release_mn(struct lma *lma, const void *mn_id, uint8_t len)
{
	struct held_pbu *h;
	struct mh_msg m;

again:
	for (h = lma->held; h; h = h->next) {
		if (mh_parse(h->mh, h->len, &m, NULL))
			continue;
		if (m.opts.mn_id_len == len &&
		    !memcmp(m.opts.mn_id, mn_id, len)) {
			held_release(lma, h);
			goto again;
		}
	}
}

/* ---- PBU processing (RFC 5213 §5.3.1) ---- */

static uint8_t precheck(struct lma *lma, struct pbu_ctx *c,
			const struct in6_addr *src)
{
	const struct mh_opts *o = &c->pbu->opts;
	unsigned int i, zero = 0;
	uint8_t st;

	/* step 4: the node is identified by its MN-ID */
	if (!o->has_mn_id || !o->mn_id_len)
		return MH_ST_MISSING_MN_ID;
	/* step 5-6: only authorized MAGs send PBUs (§4) */
	if (!mag_authorized(lma, src))
		return MH_ST_MAG_NOT_AUTHORIZED;
	/* step 7-8: the LMA serves this node, and it is enabled */
	c->pol = policy_by_id(lma, o->mn_id, o->mn_id_len);
	if (!c->pol && !lma->cfg.serve_unknown_mn)
		return MH_ST_NOT_LMA_FOR_THIS_MN;
	if (c->pol && c->pol->proxy_reg_disabled)
		return MH_ST_PROXY_REG_NOT_ENABLED;
	/*
	 * step 9: timestamps (§5.5); checked when the PBU arrived for a
	 * held one.  Sequence numbers are per session, checked on lookup.
	 */
	if (lma->cfg.use_timestamps && !c->released) {
		st = check_timestamp(lma, c);
		if (st)
			return st;
	}
	/* steps 10-12: mandatory options */
	if (!o->n_hnp)
		return MH_ST_MISSING_HNP;
	if (!o->has_hi)
		return MH_ST_MISSING_HI;
	if (!o->has_att)
		return MH_ST_MISSING_ATT;
	/*
	 * RFC 5213 §6.9.1.1 step 3: one ALL_ZERO option alone, or specific
	 * prefixes; no code fits a mix, so it gets "reason unspecified".
	 */
	for (i = 0; i < o->n_hnp; i++)
		if (addr_is_zero(&o->hnp[i].prefix))
			zero++;
	if (zero > 1 || (zero && zero != o->n_hnp))
		return MH_ST_REASON_UNSPECIFIED;
	return MH_ST_ACCEPTED;
}

static int process(struct lma *lma, const struct in6_addr *src,
		   const struct in6_addr *dst, const struct mh_msg *pbu,
		   bool released)
{
	struct pbu_ctx c;
	enum lookup_res res;
	struct bce *b;

	memset(&c, 0, sizeof(c));
	c.pbu = pbu;
	c.src = src;
	c.released = released;
	c.seq = pbu->seq;

	c.status = precheck(lma, &c, src);
	if (c.status)
		goto reply;

	/* step 13: find the session (§5.4.1) */
	res = lookup(lma, &c, src);
	if (res == LK_REJECT)
		goto reply;

	/* a lifetime-0 PBU for no session is ignored (§5.4.1) */
	if (!pbu->lifetime && res != LK_UPDATE) {
		lma->cnt.ignored++;
		return 0;
	}
	if (res == LK_HOLD) {
		hold(lma, src, dst, pbu);
		return 0;
	}
	if (res == LK_NEW) {
		initial_registration(lma, &c, src);
		goto reply;
	}

	b = c.bce;
	/* sequence-number ordering (RFC 6275 §9.5.1), per session */
	if (!lma->cfg.use_timestamps && !seq_newer(pbu->seq, b->last_seq)) {
		c.status = MH_ST_SEQ_OUT_OF_WINDOW;
		c.seq = b->last_seq;
		c.bce = NULL;
		goto reply;
	}

	if (!pbu->lifetime) {
		/* §5.3.5: only the serving MAG de-registers, else silence */
		if (memcmp(&b->pcoa, src, sizeof(*src))) {
			lma->cnt.ignored++;
			return 0;
		}
		if (lma->cfg.use_timestamps && pbu->opts.timestamp > b->last_ts)
			b->last_ts = pbu->opts.timestamp;
		b->last_seq = pbu->seq;
		if (!(b->flags & BCE_F_DELETING)) {
			b->flags |= BCE_F_DELETING;
			timer_set(&lma->timers, &b->timer,
				  xp_now_ms(&lma->clk) +
				      lma->cfg.min_delay_bce_delete_ms);
			notify_up(lma, b);
		}
		c.status = MH_ST_ACCEPTED;
		c.lifetime = 0;
		send_pba(lma, src, &c);
		/* a PBU waiting for this de-registration may go on now */
		if (lma->held)
			held_release_mn(lma, b->mn_id, b->mn_id_len);
		return 0;
	}

	/* re-registration (§5.3.3) or handover (§5.3.4) */
	bce_accept(lma, b, &c, src);

reply:
	send_pba(lma, src, &c);
	return 0;
}

int lma_input(struct lma *lma, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	struct mh_parse_err err;
	struct mh_msg m;

	lma->cnt.rx++;
	if (mh_parse(mh, len, &m, &err) < 0) {
		switch (err.code) {
		case MH_E_UNKNOWN_TYPE:
			send_be(lma, src);
			break;
		case MH_E_PAYLOAD_PROTO:
		case MH_E_HDR_LEN:
			if (lma->ops.send_param_problem &&
			    addr_is_unicast(src)) {
				lma->ops.send_param_problem(
				    lma->arg, src, err.pointer, mh, len);
				lma->cnt.param_problem_tx++;
			}
			break;
		default:
			break;
		}
		lma->cnt.dropped++;
		return -EBADMSG;
	}
	/*
	 * XXX: a plain MIPv6 BU (P = 0) asks for home agent service, which
	 * this LMA does not give; it is dropped rather than answered.
	 */
	if (m.type != MH_TYPE_BU || !(m.flags & MH_BU_F_P)) {
		lma->cnt.dropped++;
		return -EPROTO;
	}
	lma->cnt.pbu_rx++;
	return process(lma, src, dst, &m, false);
}

/* ---- timers ---- */

uint64_t lma_next_timeout(struct lma *lma)
{
	uint64_t a = timer_next(&lma->timers);
	uint64_t b = timer_next(&lma->held_timers);

	return a < b ? a : b;
}

void lma_run_timers(struct lma *lma)
{
	uint64_t now = xp_now_ms(&lma->clk);
	struct xp_timer *t;

	/* §5.4.1.2: the wait is over, the held PBU makes a new session */
	while ((t = timer_pop_due(&lma->held_timers, now))) {
		struct held_pbu *h = timer_owner(t, struct held_pbu, timer);

		held_release(lma, h);
	}
	/* lifetime expiry, or the end of MinDelayBeforeBCEDelete (§5.3.5) */
	while ((t = timer_pop_due(&lma->timers, now))) {
		struct bce *b = timer_owner(t, struct bce, timer);

		if (b->flags & BCE_F_DELETING)
			lma->cnt.bce_deleted++;
		else
			lma->cnt.bce_expired++;
		bce_destroy(lma, b, true);
	}
}

/* ---- inspection and restart ---- */

struct foreach_arg {
	int (*cb)(const struct lma_bce_view *bce, void *arg);
	void *arg;
};

static int foreach_one(struct bce *b, void *arg)
{
	struct foreach_arg *fa = arg;
	struct lma_bce_view v;

	bce_view(b, &v);
	return fa->cb(&v, fa->arg);
}

int lma_foreach(struct lma *lma,
		int (*cb)(const struct lma_bce_view *bce, void *arg), void *arg)
{
	struct foreach_arg fa = {cb, arg};

	return bce_foreach(&lma->bces, foreach_one, &fa);
}

int lma_lookup_hnp(struct lma *lma, const struct in6_addr *hnp,
		   struct lma_bce_view *out)
{
	struct bce *b = bce_find_hnp(&lma->bces, hnp);

	if (!b)
		return -ENOENT;
	if (out)
		bce_view(b, out);
	return 0;
}

int lma_restore(struct lma *lma, const struct lma_bce_view *v)
{
	struct bce *b;

	if (!v->mn_id || !v->mn_id_len || v->ll_id_len > MH_LL_ID_MAX)
		return -EINVAL;
	if (bce_find_hnp(&lma->bces, &v->hnp))
		return -EEXIST;
	if (lma->bces.count >= lma->cfg.max_bindings)
		return -ENOSPC;
	b = bce_create(lma, v->mn_id, v->mn_id_len, &v->hnp);
	if (!b)
		return -ENOMEM;
	b->pcoa = v->pcoa;
	b->att = v->att;
	b->hi = v->hi;
	b->ll_id_len = v->ll_id_len;
	memcpy(b->ll_id, v->ll_id, v->ll_id_len);
	b->lifetime_s = v->lifetime_s;
	b->expires_ms = v->expires_ms;
	b->registered_ms = v->registered_ms;
	b->last_ts = v->last_ts;
	b->last_seq = v->last_seq;
	if (v->deleting)
		b->flags |= BCE_F_DELETING;
	if (timer_set(&lma->timers, &b->timer, v->expires_ms) < 0) {
		bce_destroy(lma, b, false);
		return -ENOMEM;
	}
	return 0;
}

int lma_delete(struct lma *lma, const struct in6_addr *hnp)
{
	struct bce *b = bce_find_hnp(&lma->bces, hnp);

	if (!b)
		return -ENOENT;
	lma->cnt.bce_deleted++;
	bce_destroy(lma, b, true);
	return 0;
}

int lma_get_counters(struct lma *lma, struct lma_counters *out)
{
	lma->cnt.bindings = lma->bces.count;
	*out = lma->cnt;
	return 0;
}
