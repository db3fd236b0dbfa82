/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The loader and map API of the eBPF data plane.  The daemon's map-sync
 * module is the only writer of the maps; everything here returns 0 or -errno.
 *
 * One struct dp is one instance: its maps are pinned under
 * XP_PIN_ROOT "/" instance, so a restarted daemon finds its binding cache and
 * counters again (dp_close(dp, true) leaves programs and pins in place).
 */
#ifndef XPMIP_DATAPLANE_H
#define XPMIP_DATAPLANE_H

#include <linux/types.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "xpmip.h"

enum xp_role { XP_ROLE_LMA = 0, XP_ROLE_MAG = 1 };

/*
 * AUTO tries native XDP, then generic XDP, then the TC ingress fallback.
 * TC skips XDP and attaches the TC ingress program only.
 */
enum xp_xdp_mode { XP_XDP_AUTO = 0, XP_XDP_NATIVE, XP_XDP_GENERIC, XP_XDP_TC };

/* LMA: every interface is CORE */
enum xp_if_kind { XP_IF_CORE = 0, XP_IF_ACCESS = 1 };

struct dp_opts {
	enum xp_role role;
	const char *instance;	    /* maps pinned under XP_PIN_ROOT/instance */
	struct in6_addr local_addr; /* LMA address (LMAA) or MAG proxy-CoA */
	enum xp_xdp_mode xdp_mode;
	uint32_t max_bindings; /* 0 = XP_MAX_BINDINGS */
};

struct dp; /* opaque */

/*
 * Mount bpffs if needed, open the role's BPF object, set its read-only
 * options, reuse maps already pinned for this instance, load, pin.
 */
int dp_open(struct dp **out, const struct dp_opts *opts);
/*
 * Attach the role's XDP program (mode per opts) and TC programs to ifindex
 * and register the interface for redirect.  A slot held by a program that is
 * not ours gives -EBUSY; one held by a previous xpmip instance is replaced.
 */
int dp_attach(struct dp *dp, int ifindex, enum xp_if_kind kind);
int dp_detach(struct dp *dp, int ifindex);
/* keep_attached: leave programs and pins in place (restart without loss) */
void dp_close(struct dp *dp, bool keep_attached);

/* Binding cache (map "bindings"); update keeps counters and last_seen_ns */
int dp_binding_update(struct dp *dp, const struct xp_hnp_key *key,
		      const struct xp_binding *b);
int dp_binding_delete(struct dp *dp, const struct xp_hnp_key *key);
int dp_binding_lookup(struct dp *dp, const struct xp_hnp_key *key,
		      struct xp_binding *out);
/* cb returning non-zero stops the walk and is returned */
int dp_binding_foreach(struct dp *dp,
		       int (*cb)(const struct xp_hnp_key *key,
				 const struct xp_binding *b, void *arg),
		       void *arg);

/* MAG: attached mobile nodes (map "mobile_nodes") */
int dp_mn_update(struct dp *dp, const struct xp_mn_key *key,
		 const struct xp_mn *mn);
int dp_mn_delete(struct dp *dp, const struct xp_mn_key *key);

/* Resolved next hop per tunnel peer (map "nexthops") */
int dp_nexthop_update(struct dp *dp, const struct in6_addr *peer,
		      const struct xp_nexthop *nh);
int dp_nexthop_delete(struct dp *dp, const struct in6_addr *peer);

/* Summed over CPUs, indexed by enum xp_stat_reason */
int dp_stats_read(struct dp *dp, struct xp_stat out[XP_STAT_MAX]);

/* MAG attach events (ring buffer "events") */
int dp_events_open(struct dp *dp,
		   int (*cb)(const struct xp_event *ev, void *arg), void *arg);
int dp_events_fd(struct dp *dp);      /* poll()able fd, for the event loop */
int dp_events_consume(struct dp *dp); /* events handled, or -errno */

/* Upper 64 bits of prefix */
void xp_hnp_key_from_prefix(struct xp_hnp_key *key,
			    const struct in6_addr *prefix);

/*
 * For tests and benchmarks: fd of a loaded program by its C name
 * ("xdp_lma", "xdp_mag_access", ...) or of a map by name; -ENOENT if absent.
 */
int dp_prog_fd(struct dp *dp, const char *name);
int dp_map_fd(struct dp *dp, const char *name);

#endif /* XPMIP_DATAPLANE_H */
