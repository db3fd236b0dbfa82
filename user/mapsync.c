// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mapsync.h"

struct orphan {
	struct xp_hnp_key key;
	struct in6_addr peer;
	struct xp_mn_key mn; /* MAG: its mobile_nodes entry */
	uint64_t expires_ms;
};

struct mapsync {
	struct dp *dp;
	enum xp_role role;
	struct nh_mon *nh;
	bool restoring, nh_frozen;
	struct mapsync_counters c;
	struct orphan *orphans;
	size_t n_orphans, cap_orphans;
};

uint64_t mapsync_ktime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int mapsync_new(struct mapsync **out, struct dp *dp, enum xp_role role)
{
	struct mapsync *ms = calloc(1, sizeof(*ms));

	if (!ms)
		return -ENOMEM;
	ms->dp = dp;
	ms->role = role;
	*out = ms;
	return 0;
}

void mapsync_set_nexthops(struct mapsync *ms, struct nh_mon *nh)
{
	ms->nh = nh;
}

void mapsync_set_restoring(struct mapsync *ms, bool restoring)
{
	ms->restoring = restoring;
}

void mapsync_freeze_nexthops(struct mapsync *ms)
{
	ms->nh_frozen = true;
}

int mapsync_nexthop_apply(void *arg, const struct in6_addr *peer,
			  const struct xp_nexthop *nh)
{
	struct mapsync *ms = arg;
	int r;

	if (ms->nh_frozen)
		return 0;
	r = nh ? dp_nexthop_update(ms->dp, peer, nh)
	       : dp_nexthop_delete(ms->dp, peer);
	if (r == -ENOENT && !nh)
		r = 0;
	if (r < 0) {
		ms->c.errors++;
		return r;
	}
	if (nh)
		ms->c.nexthop_updates++;
	else
		ms->c.nexthop_deletes++;
	return 0;
}

/* one more (or one less) binding toward peer, for the next-hop monitor */
static void peer_ref(struct mapsync *ms, const struct in6_addr *peer, bool add)
{
	char abuf[INET6_ADDRSTRLEN];
	int r;

	if (!ms->nh)
		return;
	r = add ? nh_mon_add_peer(ms->nh, peer) : nh_mon_del_peer(ms->nh, peer);
	if (r < 0 && r != -ENOENT) {
		inet_ntop(AF_INET6, peer, abuf, sizeof(abuf));
		log_warn("mapsync: next hop toward %s: %s", abuf, strerror(-r));
	}
}

void mapsync_free(struct mapsync *ms)
{
	if (!ms)
		return;
	free(ms->orphans);
	free(ms);
}

static void fmt_prefix(char *buf, size_t size, const struct in6_addr *a,
		       uint8_t plen)
{
	char abuf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, abuf, sizeof(abuf));
	snprintf(buf, size, "%s/%u", abuf, plen);
}

/*
 * A binding written for key takes an orphan back.
 * XXX: linear in the number of orphans, which is zero except for a short
 * while after a restart that lost its state file.
 */
static void adopt(struct mapsync *ms, const struct xp_hnp_key *key)
{
	for (size_t i = 0; i < ms->n_orphans; i++) {
		if (memcmp(&ms->orphans[i].key, key, sizeof(*key)) != 0)
			continue;
		ms->orphans[i] = ms->orphans[--ms->n_orphans];
		ms->c.orphans_adopted++;
		return;
	}
}

int mapsync_bce_up(struct mapsync *ms, const struct lma_bce_view *bce)
{
	struct xp_binding b = {0}, old;
	struct xp_hnp_key key;
	char pfx[64], mag[INET6_ADDRSTRLEN];
	int r, what;

	xp_hnp_key_from_prefix(&key, &bce->hnp);
	if (dp_binding_lookup(ms->dp, &key, &old) < 0)
		what = MAPSYNC_NEW;
	else if (memcmp(&old.peer, &bce->pcoa, sizeof(old.peer)) != 0)
		what = MAPSYNC_MOVED;
	else
		what = MAPSYNC_REFRESHED;
	b.peer = bce->pcoa;
	/*
	 * RFC 5213 §5.3.5: during MinDelayBeforeBCEDelete the entry stays
	 * but the node's traffic should be dropped: keep it, inactive.
	 */
	b.flags = bce->deleting ? 0 : XP_BIND_F_ACTIVE;
	fmt_prefix(pfx, sizeof(pfx), &bce->hnp, bce->plen);
	inet_ntop(AF_INET6, &bce->pcoa, mag, sizeof(mag));
	/*
	 * A refresh that changes nothing in the entry (the lifetime lives in
	 * the daemon) needs no write, and no write means no counted packets
	 * lost in dp_binding_update's read-modify-write.
	 */
	if (what != MAPSYNC_REFRESHED || old.flags != b.flags) {
		r = dp_binding_update(ms->dp, &key, &b);
		if (r < 0) {
			ms->c.errors++;
			log_err("mapsync: binding %s via mag %s: %s", pfx, mag,
				strerror(-r));
			return r;
		}
		ms->c.binding_updates++;
	}
	if (what == MAPSYNC_NEW || ms->restoring) {
		peer_ref(ms, &bce->pcoa, true);
	} else if (what == MAPSYNC_MOVED) {
		peer_ref(ms, &old.peer, false);
		peer_ref(ms, &bce->pcoa, true);
	}
	if (ms->n_orphans)
		adopt(ms, &key);
	log_debug("mapsync: binding %s -> mag %s%s", pfx, mag,
		  bce->deleting ? " (inactive)" : "");
	return what;
}

void mapsync_bce_down(struct mapsync *ms, const struct lma_bce_view *bce)
{
	struct xp_hnp_key key;
	char pfx[64];
	int r;

	xp_hnp_key_from_prefix(&key, &bce->hnp);
	r = dp_binding_delete(ms->dp, &key);
	fmt_prefix(pfx, sizeof(pfx), &bce->hnp, bce->plen);
	if (r < 0 && r != -ENOENT) {
		ms->c.errors++;
		log_err("mapsync: delete binding %s: %s", pfx, strerror(-r));
		return;
	}
	if (r == 0)
		peer_ref(ms, &bce->pcoa, false);
	ms->c.binding_deletes++;
	log_debug("mapsync: binding %s removed", pfx);
}

int mapsync_mn_bound(struct mapsync *ms, const struct mag_mn_view *mn,
		     const uint8_t gw_mac[6])
{
	struct xp_binding b = {0}, old;
	struct xp_mn_key mk = {0};
	struct xp_mn m = {0};
	char pfx[64];
	int r, what;

	xp_hnp_key_from_prefix(&m.hnp, &mn->hnp);
	if (dp_binding_lookup(ms->dp, &m.hnp, &old) < 0)
		what = MAPSYNC_NEW;
	else if (memcmp(&old.peer, &mn->lma, sizeof(old.peer)) != 0 ||
		 memcmp(old.mn_mac, mn->mac, 6) != 0 ||
		 old.access_ifindex != (__u32)mn->ifindex)
		what = MAPSYNC_MOVED;
	else
		what = MAPSYNC_REFRESHED;
	fmt_prefix(pfx, sizeof(pfx), &mn->hnp, mn->plen);
	b.peer = mn->lma;
	memcpy(b.mn_mac, mn->mac, sizeof(b.mn_mac));
	memcpy(b.gw_mac, gw_mac, sizeof(b.gw_mac));
	b.access_ifindex = (__u32)mn->ifindex;
	b.flags = XP_BIND_F_ACTIVE;
	/*
	 * A new entry starts its inactivity clock now; an existing one keeps
	 * the data plane's (dp keeps the later of the two): a refresh is
	 * signaling, not traffic from the node.
	 */
	b.last_seen_ns = what == MAPSYNC_NEW ? mapsync_ktime_ns() : 0;
	mk.ifindex = (__u32)mn->ifindex;
	memcpy(mk.mac, mn->mac, sizeof(mk.mac));

	/*
	 * Binding first: the data plane never sees a node without one.  An
	 * unchanged refresh skips the write, as on the LMA.
	 */
	if (what != MAPSYNC_REFRESHED || old.flags != b.flags ||
	    memcmp(old.gw_mac, b.gw_mac, sizeof(b.gw_mac)) != 0) {
		r = dp_binding_update(ms->dp, &m.hnp, &b);
		if (r < 0)
			goto fail;
		ms->c.binding_updates++;
	}
	r = dp_mn_update(ms->dp, &mk, &m);
	if (r < 0)
		goto fail;
	ms->c.mn_updates++;
	if (what == MAPSYNC_NEW || ms->restoring) {
		peer_ref(ms, &mn->lma, true);
	} else if (memcmp(&old.peer, &mn->lma, sizeof(old.peer)) != 0) {
		peer_ref(ms, &old.peer, false);
		peer_ref(ms, &mn->lma, true);
	}
	if (ms->n_orphans)
		adopt(ms, &m.hnp);
	log_debug("mapsync: node %s prefix %s mapped", mn->mn_id, pfx);
	return what;
fail:
	ms->c.errors++;
	log_err("mapsync: node %s prefix %s: %s", mn->mn_id, pfx, strerror(-r));
	return r;
}

void mapsync_mn_unbound(struct mapsync *ms, const struct mag_mn_view *mn)
{
	struct xp_mn_key mk = {0};
	struct xp_hnp_key key;
	struct xp_binding old;
	int r;

	mk.ifindex = (__u32)mn->ifindex;
	memcpy(mk.mac, mn->mac, sizeof(mk.mac));
	/* node entry first: no frame is classified to a vanishing binding */
	r = dp_mn_delete(ms->dp, &mk);
	if (r < 0 && r != -ENOENT) {
		ms->c.errors++;
		log_err("mapsync: unmap node %s: %s", mn->mn_id, strerror(-r));
	} else if (r == 0) {
		ms->c.mn_deletes++;
	}
	/* a node rejected before any PBA 0 has no prefix in the map */
	if (mn->plen == 0)
		return;
	xp_hnp_key_from_prefix(&key, &mn->hnp);
	if (dp_binding_lookup(ms->dp, &key, &old) < 0)
		return;
	r = dp_binding_delete(ms->dp, &key);
	if (r < 0 && r != -ENOENT) {
		ms->c.errors++;
		log_err("mapsync: unmap node %s prefix: %s", mn->mn_id,
			strerror(-r));
	} else if (r == 0) {
		ms->c.binding_deletes++;
		peer_ref(ms, &old.peer, false);
	}
	log_debug("mapsync: node %s unmapped", mn->mn_id);
}

struct reconcile_walk {
	struct mapsync *ms;
	uint64_t expires_ms;
	bool (*known)(void *arg, const struct xp_hnp_key *key,
		      const struct xp_binding *b);
	void (*adopt)(void *arg, const struct xp_hnp_key *key,
		      const struct xp_binding *b);
	void *arg;
	int err;
};

static int reconcile_one(const struct xp_hnp_key *key,
			 const struct xp_binding *b, void *arg)
{
	struct reconcile_walk *w = arg;
	struct mapsync *ms = w->ms;
	struct orphan *o;
	struct in6_addr pfx = {0};
	char abuf[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];

	if (w->known(w->arg, key, b))
		return 0;
	if (ms->n_orphans == ms->cap_orphans) {
		size_t cap = ms->cap_orphans ? 2 * ms->cap_orphans : 64;
		struct orphan *n = realloc(ms->orphans, cap * sizeof(*n));

		if (!n) {
			w->err = -ENOMEM;
			return 1;
		}
		ms->orphans = n;
		ms->cap_orphans = cap;
	}
	o = &ms->orphans[ms->n_orphans++];
	memset(o, 0, sizeof(*o));
	o->key = *key;
	o->mn.ifindex = b->access_ifindex;
	memcpy(o->mn.mac, b->mn_mac, sizeof(o->mn.mac));
	o->peer = b->peer;
	o->expires_ms = w->expires_ms;
	ms->c.orphans_found++;
	/* an orphan still forwards: its peer needs a next hop too */
	peer_ref(ms, &b->peer, true);
	memcpy(pfx.s6_addr, key->prefix, sizeof(key->prefix));
	inet_ntop(AF_INET6, &pfx, abuf, sizeof(abuf));
	inet_ntop(AF_INET6, &b->peer, peer, sizeof(peer));
	log_warn("mapsync: binding %s/64 via %s not in saved state: kept "
		 "forwarding for a short while",
		 abuf, peer);
	if (w->adopt)
		w->adopt(w->arg, key, b);
	return 0;
}

int mapsync_reconcile(struct mapsync *ms, uint64_t now_ms, uint32_t lifetime_ms,
		      bool (*known)(void *arg, const struct xp_hnp_key *key,
				    const struct xp_binding *b),
		      void (*adopt_cb)(void *arg, const struct xp_hnp_key *key,
				       const struct xp_binding *b),
		      void *arg)
{
	struct reconcile_walk w = {
	    .ms = ms,
	    .expires_ms = now_ms + lifetime_ms,
	    .known = known,
	    .adopt = adopt_cb,
	    .arg = arg,
	};
	size_t before = ms->n_orphans;
	int r;

	r = dp_binding_foreach(ms->dp, reconcile_one, &w);
	if (w.err)
		return w.err;
	if (r < 0)
		return r;
	return (int)(ms->n_orphans - before);
}

uint64_t mapsync_next_timeout(const struct mapsync *ms)
{
	uint64_t t = UINT64_MAX;

	for (size_t i = 0; i < ms->n_orphans; i++)
		if (ms->orphans[i].expires_ms < t)
			t = ms->orphans[i].expires_ms;
	return t;
}

void mapsync_run_timers(struct mapsync *ms, uint64_t now_ms)
{
	size_t i = 0;

	while (i < ms->n_orphans) {
		struct orphan *o = &ms->orphans[i];
		struct in6_addr pfx = {0};
		char abuf[INET6_ADDRSTRLEN];

		if (o->expires_ms > now_ms) {
			i++;
			continue;
		}
		if (ms->role == XP_ROLE_MAG && o->mn.ifindex &&
		    dp_mn_delete(ms->dp, &o->mn) == 0)
			ms->c.mn_deletes++;
		if (dp_binding_delete(ms->dp, &o->key) == 0) {
			ms->c.binding_deletes++;
			peer_ref(ms, &o->peer, false);
		}
		memcpy(pfx.s6_addr, o->key.prefix, sizeof(o->key.prefix));
		inet_ntop(AF_INET6, &pfx, abuf, sizeof(abuf));
		log_info("mapsync: orphan binding %s/64 expired, removed",
			 abuf);
		ms->c.orphans_expired++;
		*o = ms->orphans[--ms->n_orphans];
	}
}

void mapsync_get_counters(const struct mapsync *ms,
			  struct mapsync_counters *out)
{
	*out = ms->c;
}
