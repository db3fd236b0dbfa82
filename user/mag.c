// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mobile Access Gateway: policy profile, binding update list, PBU
 * construction and retransmission (RFC 5213 §6.9.1, §6.9.4), PBA
 * validation (§6.9.1.2), refresh and de-registration.
 *
 * State per mobile node (one binding update list entry):
 *
 *   (none) --attach--> PENDING --PBA 0--> BOUND --refresh PBA 0--> BOUND
 *   PENDING/BOUND --PBA >= 128--> REJECTED (stays until detach)
 *   PENDING --no PBA after max_retries--> REJECTED, timed_out (attach retries)
 *   BOUND --lifetime over without a PBA--> REJECTED, timed_out
 *   any --detach--> DEREGISTERING --PBA or INITIAL_BINDACK_TIMEOUT--> (none)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mag.h"
#include "timer.h"

#define MAG_MIN_BUCKETS 256

enum pbu_kind {
	PBU_INITIAL,
	PBU_REFRESH,
	PBU_DEREG,
};

struct mag_mn {
	struct mag_mn *next; /* hash chain, by MAC */
	struct xp_timer timer;
	uint8_t mac[6];
	int ifindex;
	char mn_id[MH_MN_ID_MAX + 1];
	uint8_t mn_id_len;
	struct in6_addr lma;
	bool has_req_prefix;
	struct in6_addr req_prefix; /* static prefix from the policy */
	struct in6_addr hnp;
	uint8_t plen;
	struct in6_addr link_local;
	int state;
	uint8_t last_status;
	bool timed_out;
	bool announced; /* mn_unbound owed when it ends */
	uint32_t lifetime_s;
	uint64_t expires_ms;
	uint64_t refresh_at;

	/* the outstanding PBU transaction */
	bool pending;
	enum pbu_kind kind;
	uint8_t hi;
	uint16_t first_seq, seq; /* seqs used by this transaction */
	uint16_t own_seq;	 /* per-node counter, sequence mode */
	uint32_t retries;
	uint32_t backoff_ms;
	uint64_t retx_at;
};

struct mag {
	struct mag_config cfg;
	struct mag_mn_policy *pol;
	struct mag_ops ops;
	void *arg;
	struct xp_clock clk;
	struct mag_mn **buckets;
	size_t mask;
	size_t count;
	struct timer_heap timers;
	uint16_t seq; /* per-MAG counter, timestamp mode */
	struct mag_counters cnt;
	uint8_t txbuf[MH_MAX_LEN];
};

void mag_config_defaults(struct mag_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->serve_unknown_mn = true;
	cfg->use_timestamps = true;
	cfg->lifetime_s = MAG_LIFETIME_S;
	cfg->initial_bindack_timeout_ms = MAG_INITIAL_BINDACK_TIMEOUT_MS;
	cfg->max_bindack_timeout_ms = MAG_MAX_BINDACK_TIMEOUT_MS;
	cfg->max_retries = MAG_MAX_RETRIES;
	cfg->att = MH_ATT_8023;
}

int mag_mn_id_from_mac(const uint8_t mac[6], const char *realm, char *buf,
		       size_t size)
{
	int n;

	if (realm && realm[0])
		n = snprintf(buf, size, "%02x%02x%02x%02x%02x%02x@%s", mac[0],
			     mac[1], mac[2], mac[3], mac[4], mac[5], realm);
	else
		n = snprintf(buf, size, "%02x%02x%02x%02x%02x%02x", mac[0],
			     mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (n < 0 || (size_t)n >= size || n > MH_MN_ID_MAX)
		return -ENOSPC;
	return n;
}

static bool addr_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return !memcmp(a, &zero, sizeof(zero));
}

/* ---- binding update list ---- */

static size_t hash_mac(const uint8_t mac[6])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	v *= 0x9e3779b97f4a7c15ull;
	return (size_t)(v >> 32);
}

static struct mag_mn *find_mac(const struct mag *mag, const uint8_t mac[6])
{
	struct mag_mn *mn = mag->buckets[hash_mac(mac) & mag->mask];

	for (; mn; mn = mn->next)
		if (!memcmp(mn->mac, mac, 6))
			return mn;
	return NULL;
}

static void grow(struct mag *mag)
{
	size_t n = (mag->mask + 1) * 2, i;
	struct mag_mn **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (i = 0; i <= mag->mask; i++) {
		struct mag_mn *mn = mag->buckets[i], *next;

		for (; mn; mn = next) {
			size_t h = hash_mac(mn->mac) & (n - 1);

			next = mn->next;
			mn->next = b[h];
			b[h] = mn;
		}
	}
	free(mag->buckets);
	mag->buckets = b;
	mag->mask = n - 1;
}

static void link_mn(struct mag *mag, struct mag_mn *mn)
{
	size_t h;

	if (mag->count >= mag->mask + 1)
		grow(mag);
	h = hash_mac(mn->mac) & mag->mask;
	mn->next = mag->buckets[h];
	mag->buckets[h] = mn;
	mag->count++;
}

static void destroy_mn(struct mag *mag, struct mag_mn *mn)
{
	struct mag_mn **pp = &mag->buckets[hash_mac(mn->mac) & mag->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == mn) {
			*pp = mn->next;
			break;
		}
	}
	timer_cancel(&mag->timers, &mn->timer);
	mag->count--;
	free(mn);
}

static const struct mag_mn_policy *policy_by_mac(const struct mag *mag,
						 const uint8_t mac[6])
{
	size_t i;

	/* XXX: linear; policy lists are operator-written and short */
	for (i = 0; i < mag->cfg.n_policies; i++)
		if (!memcmp(mag->pol[i].mac, mac, 6))
			return &mag->pol[i];
	return NULL;
}

static void mn_view(const struct mag_mn *mn, struct mag_mn_view *v)
{
	memset(v, 0, sizeof(*v));
	v->mn_id = mn->mn_id;
	memcpy(v->mac, mn->mac, 6);
	v->ifindex = mn->ifindex;
	v->lma = mn->lma;
	v->hnp = mn->hnp;
	v->plen = mn->plen;
	v->link_local = mn->link_local;
	v->state = mn->state;
	v->last_status = mn->last_status;
	v->timed_out = mn->timed_out;
	v->lifetime_s = mn->lifetime_s;
	v->expires_ms = mn->expires_ms;
}

static void notify_bound(struct mag *mag, struct mag_mn *mn)
{
	struct mag_mn_view v;

	mn->announced = true;
	if (!mag->ops.mn_bound)
		return;
	mn_view(mn, &v);
	mag->ops.mn_bound(mag->arg, &v);
}

static void notify_unbound(struct mag *mag, struct mag_mn *mn)
{
	struct mag_mn_view v;

	if (!mn->announced)
		return;
	mn->announced = false;
	if (!mag->ops.mn_unbound)
		return;
	mn_view(mn, &v);
	mag->ops.mn_unbound(mag->arg, &v);
}

/* ---- timers ---- */

static void schedule(struct mag *mag, struct mag_mn *mn)
{
	uint64_t when = UINT64_MAX;

	if (mn->pending)
		when = mn->retx_at;
	if (mn->state == MAG_MN_BOUND) {
		if (!mn->pending && mn->refresh_at < when)
			when = mn->refresh_at;
		if (mn->expires_ms < when)
			when = mn->expires_ms;
	}
	if (when == UINT64_MAX)
		timer_cancel(&mag->timers, &mn->timer);
	else if (timer_set(&mag->timers, &mn->timer, when) < 0)
		log_warn("mag: no memory for a timer, mn %s", mn->mn_id);
}

/* ---- PBU (RFC 5213 §6.9.1.1, §6.9.1.3, §6.9.1.4) ---- */

static uint32_t initial_timeout(const struct mag *mag)
{
	return mag->cfg.initial_bindack_timeout_ms
		   ? mag->cfg.initial_bindack_timeout_ms
		   : MAG_INITIAL_BINDACK_TIMEOUT_MS;
}

static uint32_t max_timeout(const struct mag *mag)
{
	uint32_t m = mag->cfg.max_bindack_timeout_ms;

	return m > initial_timeout(mag) ? m : initial_timeout(mag);
}

/*
 * Build and send one PBU of the current transaction.  Every
 * transmission, retransmissions included, carries a fresh timestamp and
 * a new sequence number (§6.9.4).
 */
static void send_pbu(struct mag *mag, struct mag_mn *mn)
{
	struct mh_msg m;
	struct mh_opts *o = &m.opts;
	int len;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.flags = MH_BU_F_A | MH_BU_F_P;
	if (mag->cfg.use_timestamps)
		m.seq = mag->seq++;
	else
		m.seq = ++mn->own_seq;
	m.lifetime =
	    mn->kind == PBU_DEREG ? 0 : mh_lifetime_units(mag->cfg.lifetime_s);

	o->has_mn_id = true;
	o->mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
	o->mn_id_len = mn->mn_id_len;
	memcpy(o->mn_id, mn->mn_id, mn->mn_id_len);

	/* the assigned prefix once known, else the static one or ALL_ZERO */
	o->n_hnp = 1;
	if (!addr_is_zero(&mn->hnp)) {
		o->hnp[0].plen = mn->plen;
		o->hnp[0].prefix = mn->hnp;
	} else if (mn->has_req_prefix) {
		o->hnp[0].plen = 64;
		o->hnp[0].prefix = mn->req_prefix;
	}

	/*
	 * HI: 5 for a refresh; otherwise 4, because the MAG cannot know
	 * whether this is a new interface or a handover (§6.9.1.1 step 5,
	 * §6.9.1.4 for de-registration).
	 */
	o->has_hi = true;
	o->hi = mn->kind == PBU_REFRESH ? MH_HI_NOT_CHANGED : MH_HI_UNKNOWN;
	o->has_att = true;
	o->att = mag->cfg.att;
	o->has_ll_id = true;
	o->ll_id_len = 6;
	memcpy(o->ll_id, mn->mac, 6);
	if (mag->cfg.use_timestamps) {
		o->has_timestamp = true;
		o->timestamp = mh_timestamp_from_ns(xp_wall_ns(&mag->clk));
	}
	/* no fixed link-local: ask the LMA for one (ALL_ZERO), keep it */
	if (addr_is_zero(&mag->cfg.link_local)) {
		o->has_lla = true;
		o->lla = mn->link_local;
	}

	mn->hi = o->hi;
	mn->seq = m.seq;
	if (!mn->retries)
		mn->first_seq = m.seq;
	len = mh_build(&m, mag->txbuf, sizeof(mag->txbuf));
	if (len < 0) {
		log_err("mag: cannot build pbu for %s: %d", mn->mn_id, len);
		mag->cnt.send_err++;
		return;
	}
	/* state is complete before the send, should the PBA come at once */
	schedule(mag, mn);
	mag->cnt.pbu_tx++;
	if (mag->ops.send(mag->arg, &mn->lma, mag->txbuf, (size_t)len) < 0)
		mag->cnt.send_err++;
}

static void start_pbu(struct mag *mag, struct mag_mn *mn, enum pbu_kind kind)
{
	uint64_t now = xp_now_ms(&mag->clk);

	mn->pending = true;
	mn->kind = kind;
	mn->retries = 0;
	mn->backoff_ms = initial_timeout(mag);
	mn->retx_at = now + mn->backoff_ms;
	send_pbu(mag, mn);
}

/* RFC 5213 §6.9.4: double the timeout up to MAX_BINDACK_TIMEOUT */
static void retransmit(struct mag *mag, struct mag_mn *mn)
{
	uint64_t now = xp_now_ms(&mag->clk);

	mn->retries++;
	mn->backoff_ms *= 2;
	if (mn->backoff_ms > max_timeout(mag))
		mn->backoff_ms = max_timeout(mag);
	mn->retx_at = now + mn->backoff_ms;
	mag->cnt.pbu_retx++;
	send_pbu(mag, mn);
}

static void start_registration(struct mag *mag, struct mag_mn *mn)
{
	mn->state = MAG_MN_PENDING;
	mn->timed_out = false;
	mn->last_status = 0;
	mn->announced = true; /* the daemon may act on the attach */
	start_pbu(mag, mn, PBU_INITIAL);
}

/* No answer, or the binding ran out: unbound; attach will try again */
static void give_up(struct mag *mag, struct mag_mn *mn)
{
	mn->pending = false;
	mn->state = MAG_MN_REJECTED;
	mn->timed_out = true;
	notify_unbound(mag, mn);
	memset(&mn->hnp, 0, sizeof(mn->hnp));
	mn->plen = 0;
	schedule(mag, mn);
}

/* ---- lifecycle ---- */

struct mag *mag_new(const struct mag_config *cfg, const struct mag_ops *ops,
		    void *arg, const struct xp_clock *clk)
{
	struct mag *mag;

	if (!cfg || !ops || !ops->send || !clk) {
		errno = EINVAL;
		return NULL;
	}
	mag = calloc(1, sizeof(*mag));
	if (!mag)
		return NULL;
	mag->cfg = *cfg;
	mag->cfg.realm[MAG_REALM_MAX - 1] = '\0';
	mag->ops = *ops;
	mag->arg = arg;
	mag->clk = *clk;
	timer_heap_init(&mag->timers);
	mag->pol = calloc(cfg->n_policies + 1, sizeof(*mag->pol));
	mag->buckets = calloc(MAG_MIN_BUCKETS, sizeof(*mag->buckets));
	if (!mag->pol || !mag->buckets) {
		free(mag->pol);
		free(mag->buckets);
		free(mag);
		errno = ENOMEM;
		return NULL;
	}
	if (cfg->n_policies)
		memcpy(mag->pol, cfg->policies,
		       cfg->n_policies * sizeof(*cfg->policies));
	mag->cfg.policies = mag->pol;
	mag->mask = MAG_MIN_BUCKETS - 1;
	/* start the per-MAG sequence somewhere unpredictable per run */
	mag->seq = (uint16_t)(xp_wall_ns(clk) >> 10);
	return mag;
}

void mag_free(struct mag *mag)
{
	size_t i;

	if (!mag)
		return;
	for (i = 0; i <= mag->mask; i++) {
		struct mag_mn *mn = mag->buckets[i], *next;

		for (; mn; mn = next) {
			next = mn->next;
			free(mn);
		}
	}
	timer_heap_free(&mag->timers);
	free(mag->buckets);
	free(mag->pol);
	free(mag);
}

static struct mag_mn *new_mn(struct mag *mag, const uint8_t mac[6], int ifindex,
			     const struct mag_mn_policy *p)
{
	struct mag_mn *mn = calloc(1, sizeof(*mn));
	int n;

	if (!mn)
		return NULL;
	timer_init(&mn->timer);
	memcpy(mn->mac, mac, 6);
	mn->ifindex = ifindex;
	if (p && p->mn_id[0]) {
		n = (int)strnlen(p->mn_id, MH_MN_ID_MAX);
		memcpy(mn->mn_id, p->mn_id, (size_t)n);
	} else {
		n = mag_mn_id_from_mac(mac, mag->cfg.realm, mn->mn_id,
				       sizeof(mn->mn_id));
		if (n < 0) {
			free(mn);
			return NULL;
		}
	}
	mn->mn_id_len = (uint8_t)n;
	mn->lma = p && p->has_lma ? p->lma : mag->cfg.default_lma;
	if (p && p->has_prefix) {
		mn->has_req_prefix = true;
		mn->req_prefix = p->prefix;
	}
	/* sequence mode: start each session at a different point */
	mn->own_seq = (uint16_t)(xp_wall_ns(&mag->clk) >> 10);
	link_mn(mag, mn);
	return mn;
}

int mag_attach(struct mag *mag, const uint8_t mac[6], int ifindex)
{
	const struct mag_mn_policy *p;
	struct mag_mn *mn = find_mac(mag, mac);

	if (mn) {
		if (mn->ifindex != ifindex && mn->state == MAG_MN_BOUND) {
			/* the node changed access link: re-announce it */
			notify_unbound(mag, mn);
			mn->ifindex = ifindex;
			notify_bound(mag, mn);
		}
		mn->ifindex = ifindex;
		switch (mn->state) {
		case MAG_MN_PENDING:
		case MAG_MN_BOUND:
			return 0;
		case MAG_MN_REJECTED:
			/* §6.9.1.2: denied until an operator (detach) acts */
			if (!mn->timed_out)
				return -EACCES;
			break;
		default:
			break;
		}
		start_registration(mag, mn);
		return 0;
	}

	/* RFC 5213 §6.2: the policy profile, or the default for unknowns */
	p = policy_by_mac(mag, mac);
	if (!p && !mag->cfg.serve_unknown_mn)
		return -EPERM;
	mn = new_mn(mag, mac, ifindex, p);
	if (!mn)
		return -ENOMEM;
	start_registration(mag, mn);
	return 0;
}

int mag_detach(struct mag *mag, const uint8_t mac[6], int ifindex)
{
	struct mag_mn *mn = find_mac(mag, mac);

	if (!mn || (ifindex && mn->ifindex != ifindex))
		return -ENOENT;
	switch (mn->state) {
	case MAG_MN_DEREGISTERING:
		return 0;
	case MAG_MN_REJECTED:
		/* nothing bound at the LMA */
		notify_unbound(mag, mn);
		destroy_mn(mag, mn);
		return 0;
	default:
		break;
	}
	mn->state = MAG_MN_DEREGISTERING;
	notify_unbound(mag, mn);
	/*
	 * RFC 5213 §6.9.1.4: lifetime 0, HI 4; no retransmission, the entry
	 * goes on the PBA or after INITIAL_BINDACK_TIMEOUT.
	 */
	start_pbu(mag, mn, PBU_DEREG);
	return 0;
}

/* ---- PBA (RFC 5213 §6.9.1.2) ---- */

/* Does the PBA answer the outstanding PBU?  (steps 5 and 6) */
static bool pba_matches(const struct mag *mag, const struct mag_mn *mn,
			const struct in6_addr *src, const struct mh_msg *m,
			bool seq_resync)
{
	const struct mh_opts *o = &m->opts;
	uint16_t span = mn->seq - mn->first_seq;

	if (!mn->pending || memcmp(src, &mn->lma, sizeof(*src)))
		return false;
	if (!o->has_mn_id || o->mn_id_len != mn->mn_id_len ||
	    memcmp(o->mn_id, mn->mn_id, mn->mn_id_len))
		return false;
	if (!o->has_hi || o->hi != mn->hi)
		return false;
	if (!o->has_att || o->att != mag->cfg.att)
		return false;
	if (!o->has_ll_id || o->ll_id_len != 6 || memcmp(o->ll_id, mn->mac, 6))
		return false;
	/* 135 carries the LMA's last accepted number, not ours */
	if (seq_resync)
		return true;
	return (uint16_t)(m->seq - mn->first_seq) <= span;
}

static struct mag_mn *find_pba_owner(const struct mag *mag,
				     const struct mh_opts *o)
{
	size_t i;

	if (o->has_ll_id && o->ll_id_len == 6)
		return find_mac(mag, o->ll_id);
	/* XXX: without an LL-ID the PBA cannot match ours; scan by MN-ID */
	for (i = 0; i <= mag->mask; i++) {
		struct mag_mn *mn = mag->buckets[i];

		for (; mn; mn = mn->next)
			if (o->mn_id_len == mn->mn_id_len &&
			    !memcmp(o->mn_id, mn->mn_id, mn->mn_id_len))
				return mn;
	}
	return NULL;
}

static void pba_accepted(struct mag *mag, struct mag_mn *mn,
			 const struct mh_msg *m)
{
	const struct mh_opts *o = &m->opts;
	uint64_t now = xp_now_ms(&mag->clk), life_ms;

	/* a prefix change means the old one must be withdrawn first */
	if (mn->state == MAG_MN_BOUND &&
	    memcmp(&mn->hnp, &o->hnp[0].prefix, sizeof(mn->hnp)))
		notify_unbound(mag, mn);
	mn->pending = false;
	mn->state = MAG_MN_BOUND;
	mn->last_status = m->status;
	mn->timed_out = false;
	mn->hnp = o->hnp[0].prefix;
	mn->plen = o->hnp[0].plen;
	if (o->has_lla && !addr_is_zero(&o->lla))
		mn->link_local = o->lla;
	mn->lifetime_s = mh_lifetime_secs(m->lifetime);
	life_ms = (uint64_t)mn->lifetime_s * 1000;
	mn->expires_ms = now + life_ms;
	/* refresh ahead of expiry, leaving room for retransmissions */
	mn->refresh_at = now + life_ms * MAG_REFRESH_PERCENT / 100;
	schedule(mag, mn);
	notify_bound(mag, mn);
}

static void pba_rejected(struct mag *mag, struct mag_mn *mn, uint8_t status)
{
	mn->pending = false;
	mn->state = MAG_MN_REJECTED;
	mn->last_status = status;
	mn->timed_out = false;
	mag->cnt.pba_rejected++;
	log_info("mag: mn %s rejected by lma: %s", mn->mn_id,
		 mh_status_str(status));
	/* §6.9.1.2 step 11: no prefix advertised, no forwarding */
	notify_unbound(mag, mn);
	memset(&mn->hnp, 0, sizeof(mn->hnp));
	mn->plen = 0;
	schedule(mag, mn);
}

int mag_input(struct mag *mag, const struct in6_addr *src, const uint8_t *mh,
	      size_t len)
{
	struct mh_parse_err err;
	struct mh_msg m;
	struct mag_mn *mn;
	bool resync;

	if (mh_parse(mh, len, &m, &err) < 0) {
		if ((err.code == MH_E_PAYLOAD_PROTO ||
		     err.code == MH_E_HDR_LEN) &&
		    mag->ops.send_param_problem && src->s6_addr[0] != 0xff) {
			mag->ops.send_param_problem(mag->arg, src, err.pointer,
						    mh, len);
			mag->cnt.param_problem_tx++;
		}
		mag->cnt.dropped++;
		return -EBADMSG;
	}
	if (m.type == MH_TYPE_BE) {
		/* XXX: we send no Heartbeat or BRI, so a BE names nothing */
		mag->cnt.dropped++;
		return 0;
	}
	if (m.type != MH_TYPE_BA) {
		mag->cnt.dropped++;
		return -EPROTO;
	}
	mag->cnt.pba_rx++;

	mn = find_pba_owner(mag, &m.opts);
	resync =
	    !mag->cfg.use_timestamps && m.status == MH_ST_SEQ_OUT_OF_WINDOW;
	if (!mn || !(m.flags & MH_BA_F_P) ||
	    !pba_matches(mag, mn, src, &m, resync)) {
		/* §6.9.1.2 steps 5-6: not an answer to what we sent */
		mag->cnt.pba_ignored++;
		return 0;
	}

	if (mn->kind == PBU_DEREG) {
		destroy_mn(mag, mn);
		return 0;
	}
	/*
	 * 135 (sequence mode): continue after the LMA's last accepted
	 * number; 157: our timestamp lost to an earlier PBU, send a newer
	 * one (§4.1: SHOULD re-register).  Both bounded by max_retries.
	 */
	if (resync ||
	    (mag->cfg.use_timestamps && m.status == MH_ST_TIMESTAMP_LOWER)) {
		if (mn->retries < mag->cfg.max_retries) {
			if (resync)
				mn->own_seq = m.seq;
			retransmit(mag, mn);
			return 0;
		}
	}
	if (m.status >= 128) {
		pba_rejected(mag, mn, m.status);
		return 0;
	}
	if (!m.opts.n_hnp || addr_is_zero(&m.opts.hnp[0].prefix) ||
	    !m.lifetime) {
		/* an acceptance without a prefix or a lifetime is useless */
		mag->cnt.pba_ignored++;
		return 0;
	}
	pba_accepted(mag, mn, &m);
	return 0;
}

/* ---- timers ---- */

uint64_t mag_next_timeout(struct mag *mag)
{
	return timer_next(&mag->timers);
}

static void mn_timer(struct mag *mag, struct mag_mn *mn, uint64_t now)
{
	if (mn->pending && now >= mn->retx_at) {
		if (mn->kind == PBU_DEREG) {
			/* §6.9.1.4: the entry goes after the timeout */
			destroy_mn(mag, mn);
			return;
		}
		/*
		 * An initial registration gives up after max_retries; a
		 * refresh keeps trying at MAX_BINDACK_TIMEOUT until the
		 * binding runs out (RFC 6275 §11.8 allows either).
		 */
		if (mn->kind == PBU_INITIAL &&
		    mn->retries >= mag->cfg.max_retries) {
			mag->cnt.gave_up++;
			log_info("mag: no pba for mn %s, giving up", mn->mn_id);
			give_up(mag, mn);
			return;
		}
		if (mn->kind == PBU_REFRESH && mn->state == MAG_MN_BOUND &&
		    now >= mn->expires_ms) {
			/* fall through to expiry below */
		} else {
			retransmit(mag, mn);
			return;
		}
	}
	if (mn->state == MAG_MN_BOUND && now >= mn->expires_ms) {
		mag->cnt.expired++;
		log_info("mag: binding of mn %s expired", mn->mn_id);
		give_up(mag, mn);
		return;
	}
	/*
	 * XXX: RFC 5213 §6.13 wants the node's presence verified before a
	 * refresh; the daemon calls mag_detach() on link loss, so a node
	 * still in the list is taken as attached.
	 */
	if (mn->state == MAG_MN_BOUND && !mn->pending &&
	    now >= mn->refresh_at) {
		start_pbu(mag, mn, PBU_REFRESH);
		return;
	}
	schedule(mag, mn);
}

void mag_run_timers(struct mag *mag)
{
	uint64_t now = xp_now_ms(&mag->clk);
	struct xp_timer *t;

	while ((t = timer_pop_due(&mag->timers, now))) {
		struct mag_mn *mn = timer_owner(t, struct mag_mn, timer);

		mn_timer(mag, mn, now);
	}
}

/* ---- inspection and restart ---- */

int mag_foreach(struct mag *mag,
		int (*cb)(const struct mag_mn_view *mn, void *arg), void *arg)
{
	struct mag_mn_view v;
	size_t i;
	int ret;

	for (i = 0; i <= mag->mask; i++) {
		struct mag_mn *mn = mag->buckets[i];

		for (; mn; mn = mn->next) {
			mn_view(mn, &v);
			ret = cb(&v, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int mag_lookup(struct mag *mag, const uint8_t mac[6], struct mag_mn_view *out)
{
	struct mag_mn *mn = find_mac(mag, mac);

	if (!mn)
		return -ENOENT;
	if (out)
		mn_view(mn, out);
	return 0;
}

int mag_restore(struct mag *mag, const struct mag_mn_view *v)
{
	const struct mag_mn_policy *p;
	uint64_t now = xp_now_ms(&mag->clk), ahead;
	struct mag_mn *mn;

	if (find_mac(mag, v->mac))
		return -EEXIST;
	if (addr_is_zero(&v->hnp))
		return -EINVAL;
	p = policy_by_mac(mag, v->mac);
	mn = new_mn(mag, v->mac, v->ifindex, p);
	if (!mn)
		return -ENOMEM;
	if (v->mn_id && v->mn_id[0]) {
		/* the identifier the LMA knows the node by, as saved */
		size_t n = strnlen(v->mn_id, MH_MN_ID_MAX);

		memcpy(mn->mn_id, v->mn_id, n);
		mn->mn_id[n] = '\0';
		mn->mn_id_len = (uint8_t)n;
	}
	if (!addr_is_zero(&v->lma))
		mn->lma = v->lma;
	mn->hnp = v->hnp;
	mn->plen = v->plen ? v->plen : 64;
	mn->link_local = v->link_local;
	mn->state = MAG_MN_BOUND;
	mn->announced = true;
	mn->lifetime_s = v->lifetime_s;
	mn->expires_ms = v->expires_ms;
	ahead =
	    (uint64_t)v->lifetime_s * 1000 * (100 - MAG_REFRESH_PERCENT) / 100;
	mn->refresh_at = v->expires_ms > ahead ? v->expires_ms - ahead : 0;
	if (mn->refresh_at < now)
		mn->refresh_at = now;
	schedule(mag, mn);
	return 0;
}

int mag_get_counters(struct mag *mag, struct mag_counters *out)
{
	*out = mag->cnt;
	return 0;
}
