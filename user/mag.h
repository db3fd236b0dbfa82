/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mobile Access Gateway state machine (RFC 5213 §6): policy profile,
 * binding update list, PBU construction, retransmission, refresh, PBA
 * validation, de-registration.  Pure logic: PBUs leave through ops->send(),
 * the daemon learns of bound and unbound nodes through ops->mn_bound() and
 * ops->mn_unbound(), time comes from an xp_clock.
 */
#ifndef XPMIP_MAG_H
#define XPMIP_MAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "clock.h"
#include "mh.h"

#define MAG_INITIAL_BINDACK_TIMEOUT_MS 1000  /* RFC 6275 §12 */
#define MAG_MAX_BINDACK_TIMEOUT_MS     32000 /* RFC 6275 §12 */
#define MAG_MAX_RETRIES		       6     /* 1+2+4+8+16+32 s */
#define MAG_LIFETIME_S		       3600
#define MAG_REFRESH_PERCENT	       80 /* refresh at 80% of lifetime */
#define MAG_REALM_MAX		       64

/*
 * One policy profile entry (RFC 5213 §6.2), keyed by the MN's MAC.  A node
 * without one is served only if serve_unknown_mn, with the default LMA and
 * the MN-ID derived from its MAC (see mag_mn_id_from_mac()).
 */
struct mag_mn_policy {
	uint8_t mac[6];
	char mn_id[MH_MN_ID_MAX + 1]; /* "" : derived from the MAC */
	bool has_lma;
	struct in6_addr lma;
	bool has_prefix;
	struct in6_addr prefix; /* static /64 asked for in the PBU */
};

struct mag_config {
	struct in6_addr pcoa; /* our proxy care-of address */
	struct in6_addr default_lma;
	bool serve_unknown_mn; /* unknown MAC: serve, or -EPERM */
	bool use_timestamps;   /* timestamp option or sequence # */
	uint32_t lifetime_s;   /* requested lifetime */
	uint32_t initial_bindack_timeout_ms; /* INITIAL_BINDACK_TIMEOUT */
	uint32_t max_bindack_timeout_ms;     /* MAX_BINDACK_TIMEOUT */
	uint32_t max_retries; /* retransmissions before giving up */
	uint8_t att;	      /* access technology, 3 = 802.3 */
	/*
	 * FixedMAGLinkLocalAddressOnAllAccessLinks: when ALL_ZERO, every PBU
	 * carries an ALL_ZERO Link-local Address option and the LMA supplies
	 * one (RFC 5213 §6.9.1.1); the PBA's value is in mag_mn_view.
	 */
	struct in6_addr link_local;
	char realm[MAG_REALM_MAX]; /* NAI realm of derived MN-IDs */
	const struct mag_mn_policy *policies;
	size_t n_policies;
};

/* Fill cfg with the RFC defaults; addresses and lists zeroed */
void mag_config_defaults(struct mag_config *cfg);

/*
 * Default MN-ID of a MAC: the NAI "<12 lowercase hex digits>@<realm>", or
 * just the 12 hex digits when realm is empty; e.g. "0200000000a1@xpmip".
 * Returns the length written (without the NUL), or -ENOSPC.
 */
int mag_mn_id_from_mac(const uint8_t mac[6], const char *realm, char *buf,
		       size_t size);

enum mag_mn_state {
	MAG_MN_PENDING = 1,   /* initial PBU sent, no PBA yet */
	MAG_MN_BOUND,	      /* PBA 0 received; refresh PBU may be out */
	MAG_MN_REJECTED,      /* PBA >= 128, or no answer (timed_out) */
	MAG_MN_DEREGISTERING, /* lifetime-0 PBU sent on detach */
};

struct mag_mn_view {
	const char *mn_id; /* NUL-terminated */
	uint8_t mac[6];
	int ifindex; /* access link */
	struct in6_addr lma;
	struct in6_addr hnp; /* valid when state == MAG_MN_BOUND */
	uint8_t plen;
	struct in6_addr link_local; /* MAG link-local for this node's link */
	int state;		    /* enum mag_mn_state */
	uint8_t last_status;	    /* last PBA status */
	bool timed_out;		    /* gave up: no PBA after max_retries */
	uint32_t lifetime_s;	    /* granted */
	uint64_t expires_ms;	    /* mono_ms */
};

struct mag_ops {
	/* Send a PBU to the LMA, from the proxy-CoA; checksum left 0 */
	int (*send)(void *arg, const struct in6_addr *dst, const uint8_t *mh,
		    size_t len);
	/*
	 * PBA accepted (initial registration and every refresh): write the
	 * maps, advertise the prefix (RFC 5213 §6.9.1.2 step 5).
	 */
	void (*mn_bound)(void *arg, const struct mag_mn_view *mn);
	/*
	 * Detached, rejected (last_status >= 128), given up (timed_out) or
	 * expired: remove the maps, withdraw the prefix (RFC 5213 §6.9.1.2
	 * step 11).  Called at most once per bound-or-pending period.
	 */
	void (*mn_unbound)(void *arg, const struct mag_mn_view *mn);
	/*
	 * RFC 6275 §9.2: a received MH with a bad Payload Proto or Header
	 * Len earns an ICMPv6 Parameter Problem; pointer counts from the
	 * start of the MH.  May be NULL.
	 */
	int (*send_param_problem)(void *arg, const struct in6_addr *dst,
				  uint32_t pointer, const uint8_t *mh,
				  size_t len);
};

struct mag_counters {
	uint64_t pbu_tx, pbu_retx, pba_rx;
	uint64_t pba_ignored;  /* matches no pending PBU (§6.9.1.2) */
	uint64_t pba_rejected; /* status >= 128 */
	uint64_t dropped;      /* malformed or not a PBA */
	uint64_t param_problem_tx;
	uint64_t gave_up, expired, send_err;
};

struct mag;

/* cfg and its lists are copied.  NULL with errno set on failure. */
struct mag *mag_new(const struct mag_config *cfg, const struct mag_ops *ops,
		    void *arg, const struct xp_clock *clk);
void mag_free(struct mag *mag);

/*
 * A node showed up on an access link (RS, data-plane event, xpmipctl).
 * Idempotent while pending or bound.  Starts a registration when the node
 * is new, de-registering, or gave up on an unanswered PBU.  A node rejected
 * by status stays rejected until mag_detach(): -EACCES.  -EPERM when policy
 * ignores the node.  A bound node seen on another ifindex gets mn_unbound()
 * for the old link, then mn_bound() for the new one.
 */
int mag_attach(struct mag *mag, const uint8_t mac[6], int ifindex);
/*
 * The node left: mn_unbound() now, then a de-registration PBU (lifetime 0,
 * HI 4); the entry goes on PBA 0 or after INITIAL_BINDACK_TIMEOUT.  ifindex
 * 0 matches any link.  -ENOENT if unknown.
 */
int mag_detach(struct mag *mag, const uint8_t mac[6], int ifindex);
/*
 * One received MH message (a PBA, or a Binding Error) from src.  0 when
 * handled or ignored by rule, -EBADMSG malformed, -EPROTO not for the MAG.
 */
int mag_input(struct mag *mag, const struct in6_addr *src, const uint8_t *mh,
	      size_t len);

uint64_t mag_next_timeout(struct mag *mag);
/* retransmit with backoff, refresh before expiry, expire */
void mag_run_timers(struct mag *mag);

int mag_foreach(struct mag *mag,
		int (*cb)(const struct mag_mn_view *mn, void *arg), void *arg);
/* -ENOENT if unknown */
int mag_lookup(struct mag *mag, const uint8_t mac[6], struct mag_mn_view *out);
/*
 * Restart: take back a bound node (mac, ifindex, mn_id or NULL for the
 * policy/derived one, lma, hnp, plen, link_local, lifetime_s, expires_ms
 * on this MAG's clock) without callbacks; the refresh continues from the
 * timers.  -EEXIST if known.
 */
int mag_restore(struct mag *mag, const struct mag_mn_view *mn);

int mag_get_counters(struct mag *mag, struct mag_counters *out);

#endif /* XPMIP_MAG_H */
