/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MAG router advertisements on the access links (RFC 5213 §6.7-6.9.3,
 * RFC 4861 §6.2): one Router Advertisement per attached mobile node,
 * addressed to that node alone, carrying its home network prefix, the MTU
 * option and the fixed MAG link-local source address; periodic, on
 * solicitation, and withdrawn with zero lifetimes on detach or rejection.
 *
 * I/O: one AF_PACKET SOCK_DGRAM socket for all access interfaces.  It sends
 * each RA to the node's own MAC (to its link-local address when known, else
 * to ff02::1: RFC 6085), so on a shared access link no other node learns
 * the prefix; it receives Router Solicitations through a classic BPF
 * filter (ICMPv6 type 133 only) and learns the sender's MAC from the frame,
 * even when the RS comes from the unspecified address.
 *
 * What the daemon must do (ra_iface_prepare() does the first two, and
 * ra_iface_add() with link_mtu 0 the second):
 *  - put cfg.link_local on every access interface without DAD, so the
 *    kernel answers the nodes' neighbour solicitations for their router;
 *  - enable IPv6 forwarding on every access interface: the kernel sets the
 *    Router flag in those neighbour advertisements only then, and a node
 *    that gets one without it drops us as its default router (RFC 4861
 *    §7.2.5; seen in tests/access/test_ra_live.sh);
 *  - with a fixed MAC (RFC 5213 §6.8 FixedMAGLinkLayerAddressOnAllAccessLinks)
 *    set the access interfaces' MAC to it: the RA's SLLAO carries it, and
 *    frames to it must be accepted by the interface.
 *
 * Usage from the event loop:
 *	ra_config_defaults(&cfg); cfg.link_local = ...;
 *	ra_open(&ra, &cfg, &ops, arg, &xp_clock_system);
 *	ra_iface_add(ra, ifindex, 0, NULL);	 for each access interface
 *	poll ra_fd(ra) for POLLIN -> ra_input(ra);
 *	timer at ra_next_timeout(ra) (monotonic ms) -> ra_run_timers(ra);
 *	ops.on_rs(): an RS from a node with no prefix yet -> mag_attach();
 *	mag mn_bound   -> ra_node_advertise(ra, ifindex, mac, NULL, &hnp, 64,
 *			  lifetime_s);   (also after each refresh)
 *	mag mn_unbound -> ra_node_withdraw(ra, ifindex, mac);
 * All functions return 0 or -errno unless said otherwise.
 */
#ifndef XPMIP_RA_H
#define XPMIP_RA_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "clock.h"
#include "nd.h"

/* RFC 4861 §6.2.1 limits and defaults, §10 constants */
#define RA_MAX_INTERVAL_MIN_MS 4000
#define RA_MAX_INTERVAL_MAX_MS 1800000
#define RA_MAX_INTERVAL_DEF_MS 600000
#define RA_MIN_INTERVAL_MIN_MS 3000
/* MAX_INITIAL_RTR_ADVERTISEMENTS and MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define RA_INITIAL_COUNT	 3
#define RA_INITIAL_INTERVAL_MS	 16000
#define RA_ROUTER_LIFETIME_MAX_S 9000

struct ra_config {
	/* FixedMAGLinkLocalAddressOnAllAccessLinks (RFC 5213 §6.8, §9.3) */
	struct in6_addr link_local;
	/* FixedMAGLinkLayerAddressOnAllAccessLinks (SLLAO), else iface MAC */
	bool has_fixed_mac;
	uint8_t fixed_mac[6];
	uint32_t max_interval_ms;    /* MaxRtrAdvInterval, 4 s .. 1800 s */
	uint32_t min_interval_ms;    /* MinRtrAdvInterval, 3 s .. 0.75 Max;
				      * 0: Max / 3 (RFC 4861 default) */
	uint32_t router_lifetime_s;  /* AdvDefaultLifetime, Max .. 9000 s;
				      * 0: 3 * Max */
	uint32_t prefix_valid_s;     /* 0: follow the binding lifetime */
	uint32_t prefix_preferred_s; /* 0: same as valid */
	uint32_t mtu;		     /* MTU option; 0: interface MTU - 40 */
	uint8_t cur_hop_limit;	     /* AdvCurHopLimit, 64 */
	uint32_t rs_min_gap_ms;	     /* per-node limit on solicited RAs */
	uint32_t withdraw_count;     /* zero-lifetime RAs on withdrawal */
	uint32_t withdraw_interval_ms;
	uint32_t seed; /* interval jitter; 0: from the clock */
	/*
	 * on_rs() calls per second over all unknown nodes (a token bucket
	 * with as much burst), so an RS flood from forged MACs cannot turn
	 * into a PBU flood; 0 in ra_config_defaults() gives 100.
	 */
	uint32_t rs_unknown_per_s;
};

/* Defaults: Max 600 s, Min 200 s, router lifetime 1800 s, prefixes follow
 * the binding, hop limit 64, rs gap 1 s, 3 withdrawals 1 s apart. */
void ra_config_defaults(struct ra_config *cfg);
/* Checks the RFC 4861 §6.2.1 ranges; -EINVAL with a log line naming it */
int ra_config_check(const struct ra_config *cfg);

struct ra_ops {
	/*
	 * A valid RS from a node we advertise nothing to: an attach trigger.
	 * src is the RS source, NULL when unspecified.  Rate limited per node
	 * (rs_min_gap_ms).  May be NULL.
	 */
	void (*on_rs)(void *arg, int ifindex, const uint8_t mac[6],
		      const struct in6_addr *src);
	/* Tests only: send through this instead of opening a socket */
	int (*xmit)(void *arg, int ifindex, const uint8_t mac[6],
		    const uint8_t *pkt, size_t len);
};

struct ra_counters {
	uint64_t rs_rx;		     /* valid RS received */
	uint64_t rs_bad;	     /* malformed or refused RS */
	uint64_t rs_foreign;	     /* RS on an interface not ours */
	uint64_t rs_rate_limited;    /* RS answered later or not at all */
	uint64_t rs_unknown;	     /* on_rs() calls */
	uint64_t rs_unknown_dropped; /* over rs_unknown_per_s */
	uint64_t ra_tx;		     /* RAs sent */
	uint64_t ra_withdraw_tx;     /* of which zero-lifetime */
	uint64_t ra_tx_err;	     /* send failures */
};

struct ra_ctx;

int ra_open(struct ra_ctx **out, const struct ra_config *cfg,
	    const struct ra_ops *ops, void *arg, const struct xp_clock *clk);
/* Sends nothing: the nodes keep their prefixes across a daemon restart */
void ra_close(struct ra_ctx *ctx);

/*
 * Serve an access interface.  link_mtu 0 and mac NULL: read them from the
 * interface (SIOCGIFMTU, SIOCGIFHWADDR).  With link_mtu 0 (a real
 * interface) it also sets net.ipv6.conf.<if>.forwarding = 1 and accept_ra
 * = 0 (a warning if that fails).  Calling it again updates them.
 */
int ra_iface_add(struct ra_ctx *ctx, int ifindex, uint32_t link_mtu,
		 const uint8_t *mac);
/* Stop serving it; forgets its nodes without sending anything */
int ra_iface_del(struct ra_ctx *ctx, int ifindex);

/* The packet socket (POLLIN), -1 with an xmit hook */
int ra_fd(const struct ra_ctx *ctx);
/* Drain the socket (bounded per call); returns 0 or -errno on a hard error */
int ra_input(struct ra_ctx *ctx);
/* One received IPv6 packet from mac on ifindex (ra_input's core; tests) */
int ra_input_packet(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6],
		    const uint8_t *pkt, size_t len);

/*
 * Advertise hnp/plen to the node (RFC 5213 §6.9.1.2 step 10, §6.7).  lla:
 * the node's link-local address if known (else the last RS's, else the RA
 * goes to ff02::1 at the node's MAC).  lifetime_s: the binding lifetime, so
 * the prefix lifetimes count down to the binding's end (unless configured);
 * ND_LIFETIME_INFINITE for none.  A new node or a new prefix gets an RA now
 * and RFC 4861 §6.2.4's fast initial RAs; a refresh gets one RA now (rate
 * limited) carrying the new lifetimes.
 */
int ra_node_advertise(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6],
		      const struct in6_addr *lla, const struct in6_addr *hnp,
		      uint8_t plen, uint32_t lifetime_s);
/*
 * Withdraw (RFC 5213 §6.12): RAs with router lifetime 0 and the prefix's
 * valid and preferred lifetimes 0, withdraw_count times, then forget the
 * node.  -ENOENT if nothing was advertised to it.  Note RFC 4862 §5.5.3 e:
 * a host keeps an address it formed until its remaining valid lifetime runs
 * out (it only deprecates it), which is why the prefix lifetimes follow the
 * binding lifetime by default; the on-link route and default route go at once.
 */
int ra_node_withdraw(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6]);
/* Forget a node silently (e.g. its link went down) */
int ra_node_forget(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6]);

/* Absolute monotonic ms of the next RA to send; UINT64_MAX if none */
uint64_t ra_next_timeout(const struct ra_ctx *ctx);
void ra_run_timers(struct ra_ctx *ctx);

void ra_get_counters(const struct ra_ctx *ctx, struct ra_counters *out);
/* Nodes currently advertised to (including those being withdrawn) */
size_t ra_node_count(const struct ra_ctx *ctx);

/*
 * Put lla on ifindex as a permanent /64 link-local address without DAD
 * (IFA_F_NODAD), replacing it if present, through rtnetlink.
 */
int ra_set_link_local(int ifindex, const struct in6_addr *lla);
/*
 * ra_set_link_local(), then net.ipv6.conf.<if>.forwarding = 1 and
 * accept_ra = 0 (a router takes no RAs on its access links).
 */
int ra_iface_prepare(int ifindex, const struct in6_addr *lla);

#endif /* XPMIP_RA_H */
