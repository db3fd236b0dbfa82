/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Local Mobility Anchor state machine (RFC 5213 §5).  Pure logic: received
 * Mobility Header messages go in through lma_input(), PBAs and Binding
 * Errors come out through ops->send(), binding cache changes through
 * ops->bce_up()/bce_down() (the map writer), time through an xp_clock.
 */
#ifndef XPMIP_LMA_H
#define XPMIP_LMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "clock.h"
#include "mh.h"

/* RFC 5213 §9.1 defaults */
#define LMA_MIN_DELAY_BCE_DELETE_MS 10000 /* MinDelayBeforeBCEDelete */
#define LMA_MAX_DELAY_NEW_BCE_MS    1500  /* MaxDelayBeforeNewBCEAssign */
#define LMA_TS_WINDOW_MS	    300	  /* TimestampValidityWindow */
#define LMA_MAX_LIFETIME_S	    3600  /* local policy, no RFC value */
#define LMA_MAX_BINDINGS	    2000000

/* One mobile node the LMA knows by policy (RFC 5213 §4, §5.3.1 steps 6-8) */
struct lma_mn_policy {
	char mn_id[MH_MN_ID_MAX + 1]; /* NUL-terminated NAI */
	bool has_prefix;
	struct in6_addr prefix;	 /* static /64 home network prefix */
	bool proxy_reg_disabled; /* known but not enabled: status 152 */
};

struct lma_config {
	struct in6_addr lmaa;
	bool use_timestamps;	 /* timestamps (default) or sequence # */
	uint32_t ts_window_ms;	 /* TimestampValidityWindow */
	uint32_t max_lifetime_s; /* cap on the granted lifetime */
	uint32_t min_delay_bce_delete_ms; /* MinDelayBeforeBCEDelete */
	/* MaxDelayBeforeNewBCEAssign; 0: no wait, a new BCE at once */
	uint32_t max_delay_new_bce_ms;
	/* dynamic /64 HNPs are carved from pool/pool_plen (0..64, 0: none) */
	struct in6_addr pool;
	uint8_t pool_plen;
	/*
	 * Authorized MAG proxy care-of addresses (status 154 for any other
	 * source).  An empty list authorizes no MAG at all.
	 */
	const struct in6_addr *mags;
	size_t n_mags;
	const struct lma_mn_policy *policies;
	size_t n_policies;
	bool serve_unknown_mn; /* MN-IDs without a policy entry; else 153 */
	uint32_t max_bindings; /* beyond it: status 130 */
};

/* Fill cfg with the RFC 5213 §9 defaults; addresses and lists zeroed */
void lma_config_defaults(struct lma_config *cfg);

/*
 * What callbacks, lma_foreach() and lma_restore() see of a binding cache
 * entry.  Pointers are valid during the call only.
 */
struct lma_bce_view {
	const char *mn_id; /* not NUL-terminated: use mn_id_len */
	uint8_t mn_id_len;
	struct in6_addr hnp; /* one /64 per mobility session */
	uint8_t plen;
	struct in6_addr pcoa; /* serving MAG's proxy care-of address */
	uint8_t att, hi;
	uint8_t ll_id[MH_LL_ID_MAX];
	uint8_t ll_id_len;	/* 0: no link-layer identifier known */
	uint32_t lifetime_s;	/* granted */
	uint64_t expires_ms;	/* this LMA's clock (mono_ms) */
	uint64_t registered_ms; /* first registration, mono_ms */
	uint64_t last_ts;	/* last accepted timestamp, 48.16 */
	uint16_t last_seq;	/* last accepted sequence number */
	bool deleting;		/* de-registered, in MinDelayBeforeBCEDelete */
};

struct lma_ops {
	/*
	 * Send a PBA or a Binding Error to dst, from the LMAA.  The checksum
	 * is left 0 for the kernel (IPV6_CHECKSUM offset 4).
	 */
	int (*send)(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		    size_t len);
	/*
	 * ICMPv6 Parameter Problem code 0 for the MH in pkt (RFC 6275 §9.2);
	 * pointer is counted from the start of the MH.  May be NULL.
	 */
	int (*send_param_problem)(void *arg, const struct in6_addr *dst,
				  uint32_t pointer, const uint8_t *pkt,
				  size_t len);
	/*
	 * Binding created, refreshed or moved to another MAG: write the map.
	 * Also called with deleting = true when a de-registration starts the
	 * MinDelayBeforeBCEDelete wait (RFC 5213 §5.3.5: the MN's traffic
	 * SHOULD be dropped meanwhile), and with deleting = false again when a
	 * PBU revives the entry.
	 */
	void (*bce_up)(void *arg, const struct lma_bce_view *bce);
	/* Binding really deleted (wait over, lifetime expired): unmap it */
	void (*bce_down)(void *arg, const struct lma_bce_view *bce);
};

struct lma_counters {
	uint64_t rx;		   /* MH messages into lma_input */
	uint64_t pbu_rx;	   /* well-formed PBUs */
	uint64_t pba_tx;	   /* PBAs sent, all statuses */
	uint64_t pba_status[256];  /* PBAs sent, by status */
	uint64_t be_tx;		   /* Binding Errors sent */
	uint64_t param_problem_tx; /* ICMPv6 Parameter Problems asked */
	uint64_t dropped;	   /* malformed or not for the LMA */
	uint64_t ignored;	   /* silently ignored PBUs (§5.3.5) */
	uint64_t held;	   /* PBUs held for MaxDelayBeforeNewBCEAssign */
	uint64_t send_err; /* ops->send failures */
	uint64_t bce_created, bce_deleted, bce_expired;
	uint64_t bindings; /* current binding cache entries */
};

struct lma;

/* cfg and its lists are copied.  NULL with errno set on failure. */
struct lma *lma_new(const struct lma_config *cfg, const struct lma_ops *ops,
		    void *arg, const struct xp_clock *clk);
/* Frees everything; no bce_down callbacks. */
void lma_free(struct lma *lma);

/*
 * One received MH message (checksum already verified by the kernel); src
 * and dst are the IPv6 addresses it came with.  Returns 0 when handled
 * (answered, ignored by rule, or held), -EBADMSG when dropped as malformed,
 * -EPROTO for a message the LMA does not process.
 */
int lma_input(struct lma *lma, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *mh, size_t len);

/* Absolute mono_ms of the next timer, UINT64_MAX when none */
uint64_t lma_next_timeout(struct lma *lma);
/* Run every timer due at the clock's now */
void lma_run_timers(struct lma *lma);

/* cb returning non-zero stops the walk and is returned */
int lma_foreach(struct lma *lma,
		int (*cb)(const struct lma_bce_view *bce, void *arg),
		void *arg);
/* Look a binding up by home network prefix (/64); -ENOENT if none */
int lma_lookup_hnp(struct lma *lma, const struct in6_addr *hnp,
		   struct lma_bce_view *out);
/*
 * Restart: take back a binding (mn_id, hnp, pcoa, att, hi, ll_id,
 * lifetime_s, expires_ms on this LMA's clock, last_ts, last_seq) without
 * callbacks.  -EEXIST if the prefix is already bound, -ENOSPC when full.
 */
int lma_restore(struct lma *lma, const struct lma_bce_view *bce);
/* Delete one binding now (operator action), with bce_down */
int lma_delete(struct lma *lma, const struct in6_addr *hnp);

int lma_get_counters(struct lma *lma, struct lma_counters *out);

#endif /* XPMIP_LMA_H */
