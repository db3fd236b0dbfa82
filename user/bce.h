/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The LMA's binding cache (RFC 5213 §5.1): one entry per mobility session,
 * indexed by home network prefix (unique: a prefix belongs to one session)
 * and by mobile node identifier (a node may have several sessions, one per
 * interface; the (MN-ID, ATT, LL-ID) lookup of §5.4.1 walks that chain).
 * Two chained hash tables with intrusive links, grown by doubling, so
 * lookups stay O(1) with a million entries.
 */
#ifndef XPMIP_BCE_H
#define XPMIP_BCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "mh.h"
#include "timer.h"

#define BCE_F_DELETING 0x01 /* de-registered: MinDelayBeforeBCEDelete */

struct bce {
	struct bce *next_hnp; /* hash chains */
	struct bce *next_mn;
	struct xp_timer timer; /* lifetime, or deletion delay */
	uint32_t mn_hash;
	struct in6_addr hnp;  /* the session's /64 */
	struct in6_addr pcoa; /* serving MAG */
	uint64_t registered_ms;
	uint64_t expires_ms;
	uint64_t last_ts; /* last accepted timestamp (48.16) */
	uint32_t lifetime_s;
	uint16_t last_seq;
	uint8_t plen;
	uint8_t att, hi;
	uint8_t flags;	   /* BCE_F_* */
	uint8_t ll_id_len; /* 0: none known (ALL_ZERO, §5.1) */
	uint8_t mn_id_len;
	uint8_t ll_id[MH_LL_ID_MAX];
	char mn_id[]; /* mn_id_len bytes, no NUL */
};

struct bce_table {
	struct bce **by_hnp;
	struct bce **by_mn;
	size_t mask; /* buckets - 1, a power of two minus 1 */
	size_t count;
};

/* hint: expected entries; 0 for a small start */
int bce_table_init(struct bce_table *t, size_t hint);
/* free every entry too */
void bce_table_free(struct bce_table *t);

/* A zeroed entry with its identifier copied; NULL on ENOMEM */
struct bce *bce_alloc(const void *mn_id, uint8_t mn_id_len);
/* Index b (hnp and mn_id set).  -EEXIST if the /64 is bound, -ENOMEM. */
int bce_insert(struct bce_table *t, struct bce *b);
/* Unindex b (not freed) */
void bce_remove(struct bce_table *t, struct bce *b);

/* The entry holding this /64, or NULL */
struct bce *bce_find_hnp(const struct bce_table *t, const struct in6_addr *p);
/* First / next entry with this MN-ID, NULL when none is left */
struct bce *bce_first_mn(const struct bce_table *t, const void *mn_id,
			 uint8_t len);
struct bce *bce_next_mn(const struct bce *b, const void *mn_id, uint8_t len);
/* RFC 5213 §5.4.1.2: the entry matching MN-ID, ATT and LL-ID */
struct bce *bce_find_mn_att_llid(const struct bce_table *t, const void *mn_id,
				 uint8_t len, uint8_t att, const uint8_t *ll_id,
				 uint8_t ll_id_len);
/* How many sessions the node has; *only set when exactly one */
unsigned int bce_count_mn(const struct bce_table *t, const void *mn_id,
			  uint8_t len, struct bce **only);
bool bce_mn_equal(const struct bce *b, const void *mn_id, uint8_t len);

/* cb returning non-zero stops the walk; b must not be removed by cb */
int bce_foreach(const struct bce_table *t, int (*cb)(struct bce *b, void *arg),
		void *arg);

/* The /64 part of two prefixes is the same */
static inline bool prefix64_equal(const struct in6_addr *a,
				  const struct in6_addr *b)
{
	return !memcmp(a->s6_addr, b->s6_addr, 8);
}

#endif /* XPMIP_BCE_H */
