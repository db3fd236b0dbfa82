/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Home network prefix pool (RFC 5213 §5.3.2 step 2, §5.2): /64 prefixes
 * carved from one configured aggregate.  The pool only numbers the
 * prefixes and counts those in use; whether a given /64 is taken is asked
 * of the caller (the binding cache and the static policy prefixes), so a
 * prefix is never handed to two mobility sessions.
 */
#ifndef XPMIP_POOL_H
#define XPMIP_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define POOL_MAX_SCAN (1u << 20) /* bound on one allocation's search */

struct hnp_pool {
	struct in6_addr base;
	uint8_t plen;	 /* 0: no pool */
	uint64_t size;	 /* number of /64s */
	uint64_t cursor; /* next index to try */
	uint64_t used;
};

/* plen 1..64; plen 0 makes an empty pool.  -EINVAL for plen > 64. */
int pool_init(struct hnp_pool *p, const struct in6_addr *base, uint8_t plen);
/* The /64 lies in the pool */
bool pool_contains(const struct hnp_pool *p, const struct in6_addr *prefix);
/*
 * Next /64 for which taken() is false, starting after the last one given
 * (next fit, so a released prefix is not reused at once).  -ENOSPC when
 * none was found.  The caller counts it with pool_mark().
 */
int pool_alloc(struct hnp_pool *p,
	       bool (*taken)(const struct in6_addr *prefix, void *arg),
	       void *arg, struct in6_addr *out);
/* Count a pool prefix bound (+1) or released (-1); others are ignored */
void pool_mark(struct hnp_pool *p, const struct in6_addr *prefix, int delta);

#endif /* XPMIP_POOL_H */
