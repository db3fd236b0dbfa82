/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xpmipd configuration: read with libconfig, checked, and turned into plain
 * structs the daemon hands to the data plane, the state machines and the
 * access-link code.  Every refusal names the file, the line and the reason,
 * "lma.conf:12: lma.pool: not an IPv6 prefix", so an operator can fix it.
 */
#ifndef XPMIP_CONFIG_H
#define XPMIP_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mh.h"

#define CFG_MAX_IFACES 16
#define CFG_PATH_MAX   256
#define CFG_NAME_MAX   64
#define CFG_ERR_MAX    512

enum cfg_role { CFG_ROLE_LMA = 0, CFG_ROLE_MAG = 1 };
/* same order as enum xp_xdp_mode in dataplane.h */
enum cfg_xdp_mode {
	CFG_XDP_AUTO = 0,
	CFG_XDP_NATIVE,
	CFG_XDP_GENERIC,
	CFG_XDP_TC, /* no XDP: TC ingress only */
};

struct cfg_iface {
	char name[IF_NAMESIZE];
	bool p2p; /* MAG access: one node per link */
	int line; /* where it was configured, for later errors */
};

/* one entry of lma.policies or mag.policies */
struct cfg_policy {
	char mn_id[MH_MN_ID_MAX + 1]; /* "" when not given (MAG: from MAC) */
	bool has_mac;
	uint8_t mac[6];
	bool has_lma;
	struct in6_addr lma;
	bool has_prefix;
	struct in6_addr prefix; /* a /64 */
};

/* router advertisements on MAG access links (RFC 4861 §6.2.1) */
struct cfg_ra {
	uint32_t min_interval_ms;
	uint32_t max_interval_ms;
	uint16_t router_lifetime_s;
	uint32_t mtu;		       /* 0: access MTU - tunnel overhead */
	uint32_t valid_lifetime_s;     /* 0: follow the binding lifetime */
	uint32_t preferred_lifetime_s; /* 0: same as valid */
};

struct cfg_lma {
	struct in6_addr address; /* LMAA */
	bool use_timestamps;
	uint32_t ts_window_ms;
	uint32_t max_lifetime_s;
	uint32_t min_delay_bce_delete_ms;
	uint32_t max_delay_new_bce_ms;
	struct in6_addr pool;
	uint8_t pool_plen;
	bool serve_unknown_mn;
	uint32_t max_bindings;
	struct in6_addr *mags; /* authorized proxy-CoAs */
	size_t n_mags;
	struct cfg_policy *policies;
	size_t n_policies;
};

struct cfg_mag {
	struct in6_addr proxy_coa;
	struct in6_addr lma; /* default LMA */
	bool use_timestamps;
	bool serve_unknown_mn;
	uint32_t lifetime_s;
	uint32_t initial_bindack_timeout_ms;
	uint32_t max_bindack_timeout_ms;
	uint8_t att;
	struct in6_addr link_local; /* same on every MAG (RFC 5213 §6.8) */
	bool has_mac;
	uint8_t mac[6];		       /* optional fixed MAC on access links */
	uint32_t inactivity_timeout_s; /* 0: never detach for silence */
	struct cfg_iface access[CFG_MAX_IFACES];
	size_t n_access;
	struct cfg_ra ra;
	struct cfg_policy *policies;
	size_t n_policies;
};

struct xp_config {
	char file[CFG_PATH_MAX];
	enum cfg_role role;
	char instance[CFG_NAME_MAX];
	int log_level; /* enum log_level */
	bool log_syslog;
	char control_socket[108]; /* sun_path */
	char state_file[CFG_PATH_MAX];
	uint32_t state_interval_ms; /* coalesce state file writes */
	uint32_t orphan_lifetime_s; /* map entries unknown after restart */
	enum cfg_xdp_mode xdp_mode;
	/* core-side interfaces (LMA: all of them) */
	struct cfg_iface core[CFG_MAX_IFACES];
	size_t n_core;
	struct cfg_lma lma;
	struct cfg_mag mag;
};

/*
 * Read and check path into cfg.  Returns 0, or -errno with a message
 * "file:line: reason" in err (errsize bytes).  On error cfg holds nothing
 * to free.  config_free() releases what a successful load allocated.
 */
int config_load(const char *path, struct xp_config *cfg, char *err,
		size_t errsize);
void config_free(struct xp_config *cfg);

const char *config_role_str(enum cfg_role role);

#endif /* XPMIP_CONFIG_H */
