/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Map sync: the only writer of the data plane's maps.  It turns the state
 * machines' callbacks (LMA bce_up/bce_down, MAG mn_bound/mn_unbound) into
 * dp_* updates, and after a restart finds the "orphans": map entries the
 * restored state does not explain.  Those keep forwarding for a short
 * lifetime (a MAG's next PBU, or the MAG daemon re-attaching the node,
 * adopts them again) and are removed when it runs out.
 */
#ifndef XPMIP_MAPSYNC_H
#define XPMIP_MAPSYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane.h"
#include "lma.h"
#include "mag.h"
#include "nexthop.h"

struct mapsync_counters {
	uint64_t binding_updates; /* dp_binding_update calls */
	uint64_t binding_deletes;
	uint64_t mn_updates; /* MAG: dp_mn_update calls */
	uint64_t mn_deletes;
	uint64_t errors;	  /* dp_* calls that failed */
	uint64_t orphans_found;	  /* restart: unexplained map entries */
	uint64_t orphans_adopted; /* taken back by a new binding */
	uint64_t orphans_expired; /* removed after orphan lifetime */
	uint64_t nexthop_updates; /* nexthops map entries written */
	uint64_t nexthop_deletes;
};

struct mapsync;

int mapsync_new(struct mapsync **out, struct dp *dp, enum xp_role role);
void mapsync_free(struct mapsync *ms);

/*
 * Next hops: with a monitor (nexthop.h, created with nh_mon_new_cb() and
 * mapsync_nexthop_apply), every tunnel peer of a binding is added to it
 * once per binding and removed with the binding, and the monitor's results
 * are written to the "nexthops" map here.  mapsync_set_restoring(true)
 * while the daemon takes bindings back after a restart: their map entries
 * already exist, but the monitor must still count their peers.
 */
void mapsync_set_nexthops(struct mapsync *ms, struct nh_mon *nh);
void mapsync_set_restoring(struct mapsync *ms, bool restoring);
int mapsync_nexthop_apply(void *arg, const struct in6_addr *peer,
			  const struct xp_nexthop *nh);
/* stop writing next hops (a stop that leaves the data plane in place) */
void mapsync_freeze_nexthops(struct mapsync *ms);

/* what an update did to the map, for the daemon's log line */
enum mapsync_result {
	MAPSYNC_REFRESHED = 0, /* same peer as before */
	MAPSYNC_NEW = 1,       /* no entry before */
	MAPSYNC_MOVED = 2,     /* another peer (handover) or node */
};

/*
 * LMA: binding created, refreshed, moved, or put in deletion wait.
 * Returns an enum mapsync_result or -errno (counted, logged).
 */
int mapsync_bce_up(struct mapsync *ms, const struct lma_bce_view *bce);
void mapsync_bce_down(struct mapsync *ms, const struct lma_bce_view *bce);

/*
 * MAG: gw_mac is the MAC downlink frames leave the access link from.
 * Returns an enum mapsync_result or -errno.
 */
int mapsync_mn_bound(struct mapsync *ms, const struct mag_mn_view *mn,
		     const uint8_t gw_mac[6]);
void mapsync_mn_unbound(struct mapsync *ms, const struct mag_mn_view *mn);

/*
 * Restart: walk the bindings map; every entry known() says nothing about
 * becomes an orphan that expires now_ms + lifetime_ms.  adopt (may be NULL)
 * is told of each orphan with its binding, so a MAG can re-attach the node.
 * Returns the number of orphans or -errno.
 */
int mapsync_reconcile(struct mapsync *ms, uint64_t now_ms, uint32_t lifetime_ms,
		      bool (*known)(void *arg, const struct xp_hnp_key *key,
				    const struct xp_binding *b),
		      void (*adopt)(void *arg, const struct xp_hnp_key *key,
				    const struct xp_binding *b),
		      void *arg);
/* Absolute ms of the next orphan expiry, UINT64_MAX when none */
uint64_t mapsync_next_timeout(const struct mapsync *ms);
void mapsync_run_timers(struct mapsync *ms, uint64_t now_ms);

void mapsync_get_counters(const struct mapsync *ms,
			  struct mapsync_counters *out);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns() */
uint64_t mapsync_ktime_ns(void);

#endif /* XPMIP_MAPSYNC_H */
