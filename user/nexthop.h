/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Next-hop monitor: resolves the next hop toward every tunnel peer (the
 * serving MAG's proxy care-of address on the LMA, the LMA address on a MAG)
 * from the kernel's routes and neighbours, and keeps the data plane's
 * "nexthops" map current from netlink route, neighbour and link events.
 *
 * A peer whose next hop cannot be resolved (no route, neighbour not
 * reachable yet, multipath route) has no entry: the data plane then falls
 * back to bpf_fib_lookup() and, on a neighbour miss, hands the packet to the
 * stack, which resolves the neighbour and so produces the event that fills
 * the entry.
 */
#ifndef XPMIP_NEXTHOP_H
#define XPMIP_NEXTHOP_H

#include <linux/types.h>
#include <netinet/in.h>

#include "xpmip.h"

struct nh_mon;
struct dp;

/*
 * Where resolved next hops go.  nh is NULL when the peer has no usable next
 * hop any more (remove the entry).  Return 0 or -errno.
 */
typedef int (*nh_mon_apply_fn)(void *arg, const struct in6_addr *peer,
			       const struct xp_nexthop *nh);

/* A monitor writing the data plane's "nexthops" map; NULL with errno set. */
struct nh_mon *nh_mon_new(struct dp *dp);
/* A monitor calling @apply instead (tests, tools); NULL with errno set. */
struct nh_mon *nh_mon_new_cb(nh_mon_apply_fn apply, void *arg);
/* Removes the entries it installed, then frees. */
void nh_mon_free(struct nh_mon *m);

/* poll()able fd of the event socket; call nh_mon_input() when readable. */
int nh_mon_fd(const struct nh_mon *m);
/* Reads all pending events and re-resolves the peers they concern. */
int nh_mon_input(struct nh_mon *m);

/*
 * Peers are reference counted: every binding toward a peer adds it once and
 * deletes it once; the entry goes when the last reference does.
 * nh_mon_add_peer() resolves at once; an unresolved next hop is not an error.
 */
int nh_mon_add_peer(struct nh_mon *m, const struct in6_addr *peer);
int nh_mon_del_peer(struct nh_mon *m, const struct in6_addr *peer);
/*
 * Packets the data plane forwards never confirm the neighbour they go to,
 * so the kernel would keep using a stale entry (and so would the map) even
 * after the neighbour changed its MAC silently.  nh_mon_confirm() has the
 * kernel probe every stale neighbour of an installed peer, as if a packet
 * had gone through the stack; the answer, or the entry failing, then comes
 * back as an event.  Call it every few seconds (RFC 4861 REACHABLE_TIME is
 * 30 s).
 */
int nh_mon_confirm(struct nh_mon *m);
/* Re-resolves every peer (after a lost event, or at start-up). */
int nh_mon_resync(struct nh_mon *m);
/* Number of peers with an installed next hop (for tests and xpmipctl). */
unsigned int nh_mon_installed(const struct nh_mon *m);

#endif /* XPMIP_NEXTHOP_H */
