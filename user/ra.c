// SPDX-License-Identifier: BSD-2-Clause
/* MAG router advertisements: per-node state, timers, packet socket. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/types.h>

#include "log.h"
#include "ra.h"
#include "xpmip.h"

#define RA_MAX_IFACES	64
#define RA_RECENT_SLOTS 256 /* unknown nodes' last RS, for limits */
#define RA_INPUT_BUDGET 64  /* packets per ra_input() call */
#define RA_PKT_MAX	2048

struct ra_iface {
	int ifindex;
	uint32_t mtu_opt; /* value of the MTU option */
	uint8_t mac[6];	  /* SLLAO */
};

struct ra_node {
	int ifindex;
	uint8_t mac[6];
	bool has_lla;
	struct in6_addr lla;
	struct in6_addr hnp;
	uint8_t plen;
	bool infinite;		    /* binding without an end */
	uint64_t expires_ms;	    /* binding end, prefix lifetimes too */
	uint64_t next_ms;	    /* next RA */
	uint64_t last_ra_ms;	    /* 0: none yet */
	unsigned int initial_left;  /* RFC 4861 §6.2.4 fast RAs left */
	unsigned int withdraw_left; /* > 0: withdrawing */
};

/* An RS from a node we advertise nothing to, remembered to limit on_rs() */
struct ra_recent {
	int ifindex;
	uint8_t mac[6];
	uint64_t at_ms;
};

struct ra_ctx {
	struct ra_config cfg;
	struct ra_ops ops;
	void *arg;
	const struct xp_clock *clk;
	int fd;
	uint32_t rnd;
	struct ra_iface ifaces[RA_MAX_IFACES];
	size_t n_ifaces;
	struct ra_node *nodes;
	size_t n_nodes, cap_nodes;
	struct ra_recent recent[RA_RECENT_SLOTS];
	struct ra_counters cnt;
	uint64_t tokens_milli; /* on_rs() budget, in 1/1000 calls */
	uint64_t tokens_at_ms;
};

static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};

void ra_config_defaults(struct ra_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_interval_ms = RA_MAX_INTERVAL_DEF_MS;
	cfg->cur_hop_limit = 64;
	cfg->rs_min_gap_ms = 1000;
	cfg->rs_unknown_per_s = 100;
	cfg->withdraw_count = 3;
	cfg->withdraw_interval_ms = 1000;
}

static uint32_t min_interval(const struct ra_config *cfg)
{
	uint32_t v = cfg->min_interval_ms;

	/* RFC 4861 §6.2.1: default 0.33 * Max, never below 3 s */
	if (!v)
		v = cfg->max_interval_ms / 3;
	return v < RA_MIN_INTERVAL_MIN_MS ? RA_MIN_INTERVAL_MIN_MS : v;
}

static uint32_t router_lifetime(const struct ra_config *cfg)
{
	uint64_t v = cfg->router_lifetime_s;

	if (!v)
		v = 3ull * cfg->max_interval_ms / 1000;
	return v > RA_ROUTER_LIFETIME_MAX_S ? RA_ROUTER_LIFETIME_MAX_S
					    : (uint32_t)v;
}

int ra_config_check(const struct ra_config *cfg)
{
	uint32_t max = cfg->max_interval_ms;

	if (cfg->link_local.s6_addr[0] != 0xfe ||
	    (cfg->link_local.s6_addr[1] & 0xc0) != 0x80) {
		log_err("ra: link_local must be a link-local address");
		return -EINVAL;
	}
	if (max < RA_MAX_INTERVAL_MIN_MS || max > RA_MAX_INTERVAL_MAX_MS) {
		log_err("ra: max interval %u ms outside 4 s .. 1800 s", max);
		return -EINVAL;
	}
	if (cfg->min_interval_ms &&
	    (cfg->min_interval_ms < RA_MIN_INTERVAL_MIN_MS ||
	     cfg->min_interval_ms > (uint64_t)max * 3 / 4)) {
		log_err("ra: min interval %u ms outside 3 s .. 0.75 * max",
			cfg->min_interval_ms);
		return -EINVAL;
	}
	if (cfg->router_lifetime_s &&
	    (cfg->router_lifetime_s * 1000ull < max ||
	     cfg->router_lifetime_s > RA_ROUTER_LIFETIME_MAX_S)) {
		log_err(
		    "ra: router lifetime %u s outside max interval .. 9000 s",
		    cfg->router_lifetime_s);
		return -EINVAL;
	}
	if (cfg->prefix_preferred_s && cfg->prefix_valid_s &&
	    cfg->prefix_preferred_s > cfg->prefix_valid_s) {
		log_err("ra: preferred lifetime above valid lifetime");
		return -EINVAL;
	}
	if (cfg->mtu && cfg->mtu < XP_IPV6_MIN_MTU) {
		log_err("ra: mtu %u below 1280", cfg->mtu);
		return -EINVAL;
	}
	if (!cfg->withdraw_count) {
		log_err("ra: withdraw count must be at least 1");
		return -EINVAL;
	}
	return 0;
}

static uint64_t now_ms(const struct ra_ctx *ctx)
{
	return xp_now_ms(ctx->clk);
}

/* xorshift32: jitter only, no security role */
static uint32_t rnd(struct ra_ctx *ctx)
{
	uint32_t x = ctx->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ctx->rnd = x;
	return x;
}

static struct ra_iface *iface_find(struct ra_ctx *ctx, int ifindex)
{
	for (size_t i = 0; i < ctx->n_ifaces; i++)
		if (ctx->ifaces[i].ifindex == ifindex)
			return &ctx->ifaces[i];
	return NULL;
}

static struct ra_node *node_find(struct ra_ctx *ctx, int ifindex,
				 const uint8_t mac[6])
{
	/* XXX: linear; fine for the hundreds of nodes one MAG serves */
	for (size_t i = 0; i < ctx->n_nodes; i++)
		if (ctx->nodes[i].ifindex == ifindex &&
		    memcmp(ctx->nodes[i].mac, mac, 6) == 0)
			return &ctx->nodes[i];
	return NULL;
}

static void node_remove(struct ra_ctx *ctx, struct ra_node *n)
{
	size_t i = (size_t)(n - ctx->nodes);

	ctx->nodes[i] = ctx->nodes[--ctx->n_nodes];
}

static struct ra_recent *recent_slot(struct ra_ctx *ctx, int ifindex,
				     const uint8_t mac[6])
{
	uint32_t h = (uint32_t)ifindex * 2654435761u;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return &ctx->recent[h % RA_RECENT_SLOTS];
}

static bool is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* Remaining prefix lifetime in seconds, per configuration or binding */
static void prefix_lifetimes(const struct ra_ctx *ctx, const struct ra_node *n,
			     uint64_t now, uint32_t *valid, uint32_t *pref)
{
	uint32_t v;

	if (ctx->cfg.prefix_valid_s)
		v = ctx->cfg.prefix_valid_s;
	else if (n->infinite)
		v = ND_LIFETIME_INFINITE;
	else
		v = n->expires_ms > now
			? (uint32_t)((n->expires_ms - now) / 1000)
			: 0;
	*valid = v;
	*pref = ctx->cfg.prefix_preferred_s && ctx->cfg.prefix_preferred_s < v
		    ? ctx->cfg.prefix_preferred_s
		    : v;
}

static int node_send(struct ra_ctx *ctx, struct ra_node *n, uint64_t now)
{
	const struct ra_iface *ifc = iface_find(ctx, n->ifindex);
	bool withdraw = n->withdraw_left > 0;
	struct nd_prefix pi = {0};
	struct nd_ra_params p = {0};
	uint8_t pkt[ND_RA_MAX_LEN];
	int len, err;

	if (!ifc)
		return -ENODEV;
	p.src = ctx->cfg.link_local;
	if (n->has_lla)
		p.dst = n->lla;
	else
		memcpy(&p.dst, all_nodes, 16);
	p.cur_hop_limit = ctx->cfg.cur_hop_limit;
	p.router_lifetime_s =
	    withdraw ? 0 : (uint16_t)router_lifetime(&ctx->cfg);
	p.has_slla = true;
	memcpy(p.slla, ctx->cfg.has_fixed_mac ? ctx->cfg.fixed_mac : ifc->mac,
	       6);
	p.mtu = ifc->mtu_opt;
	pi.prefix = n->hnp;
	pi.plen = n->plen;
	pi.flags = ND_PI_F_ONLINK | ND_PI_F_AUTO;
	/* RFC 5213 §6.12: a zero lifetime withdraws the prefix */
	if (!withdraw)
		prefix_lifetimes(ctx, n, now, &pi.valid_s, &pi.preferred_s);
	p.prefixes = &pi;
	p.n_prefixes = 1;

	len = nd_ra_build(pkt, sizeof(pkt), &p);
	if (len < 0)
		return len;

	if (ctx->ops.xmit) {
		err = ctx->ops.xmit(ctx->arg, n->ifindex, n->mac, pkt,
				    (size_t)len);
	} else {
		struct sockaddr_ll sll = {
		    .sll_family = AF_PACKET,
		    .sll_protocol = htons(ETH_P_IPV6),
		    .sll_ifindex = n->ifindex,
		    .sll_halen = 6,
		};

		memcpy(sll.sll_addr, n->mac, 6);
		err = sendto(ctx->fd, pkt, (size_t)len, 0,
			     (struct sockaddr *)&sll, sizeof(sll)) < 0
			  ? -errno
			  : 0;
	}
	n->last_ra_ms = now;
	if (err < 0) {
		ctx->cnt.ra_tx_err++;
		log_warn("ra: send to %02x:%02x:%02x:%02x:%02x:%02x if %d: %s",
			 n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
			 n->mac[5], n->ifindex, strerror(-err));
		return err;
	}
	ctx->cnt.ra_tx++;
	if (withdraw)
		ctx->cnt.ra_withdraw_tx++;
	return 0;
}

/* When the next unsolicited RA to an advertised node is due */
static void node_schedule(struct ra_ctx *ctx, struct ra_node *n, uint64_t now)
{
	uint32_t lo = min_interval(&ctx->cfg), hi = ctx->cfg.max_interval_ms;
	uint64_t gap;

	if (hi < lo)
		hi = lo;
	gap = lo + rnd(ctx) % (hi - lo + 1);
	/* RFC 4861 §6.2.4: the first few RAs come faster */
	if (n->initial_left > 0) {
		n->initial_left--;
		if (gap > RA_INITIAL_INTERVAL_MS)
			gap = RA_INITIAL_INTERVAL_MS;
	}
	/*
	 * Prefix lifetimes count down to the binding's end: re-advertise well
	 * before they run out at the node, so a refreshed binding is never
	 * seen as an expired prefix.
	 */
	if (!ctx->cfg.prefix_valid_s && !n->infinite && n->expires_ms > now &&
	    gap > (n->expires_ms - now) / 3)
		gap = (n->expires_ms - now) / 3;
	if (gap < ctx->cfg.rs_min_gap_ms)
		gap = ctx->cfg.rs_min_gap_ms;
	n->next_ms = now + gap;
}

/* Send now if the per-node limit allows, else as soon as it does */
static void node_send_soon(struct ra_ctx *ctx, struct ra_node *n, uint64_t now)
{
	uint64_t ok_at =
	    n->last_ra_ms ? n->last_ra_ms + ctx->cfg.rs_min_gap_ms : 0;

	if (now >= ok_at) {
		node_send(ctx, n, now);
		if (n->withdraw_left == 0)
			node_schedule(ctx, n, now);
		return;
	}
	ctx->cnt.rs_rate_limited++;
	if (n->next_ms > ok_at)
		n->next_ms = ok_at;
}

int ra_open(struct ra_ctx **out, const struct ra_config *cfg,
	    const struct ra_ops *ops, void *arg, const struct xp_clock *clk)
{
	/* accept IPv6 next header 58, ICMPv6 type 133; drop the rest */
	static struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ND_IPV6_HLEN),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_ICMP6_RS, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, RA_PKT_MAX),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {
	    .len = sizeof(code) / sizeof(code[0]),
	    .filter = code,
	};
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_IPV6),
	};
	struct ra_ctx *ctx;
	int err;

	err = ra_config_check(cfg);
	if (err)
		return err;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->cfg = *cfg;
	if (ops)
		ctx->ops = *ops;
	ctx->arg = arg;
	ctx->clk = clk;
	ctx->fd = -1;
	ctx->rnd = cfg->seed ? cfg->seed : (uint32_t)xp_now_ms(clk) | 1;
	/* start with a full bucket */
	ctx->tokens_milli =
	    (uint64_t)(cfg->rs_unknown_per_s ? cfg->rs_unknown_per_s : 100) *
	    1000;
	ctx->tokens_at_ms = xp_now_ms(clk);

	if (!ctx->ops.xmit) {
		/* protocol 0: receive nothing until the filter is in place */
		ctx->fd = socket(AF_PACKET,
				 SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (ctx->fd < 0) {
			err = -errno;
			log_err("ra: packet socket: %s", strerror(errno));
			goto free_ctx;
		}
		if (setsockopt(ctx->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			       sizeof(prog)) < 0 ||
		    bind(ctx->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			err = -errno;
			log_err("ra: packet socket setup: %s", strerror(errno));
			goto close_fd;
		}
	}
	*out = ctx;
	return 0;

close_fd:
	close(ctx->fd);
free_ctx:
	free(ctx);
	return err;
}

void ra_close(struct ra_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->fd >= 0)
		close(ctx->fd);
	free(ctx->nodes);
	free(ctx);
}

static int iface_read(int ifindex, uint32_t *mtu, uint8_t mac[6])
{
	struct ifreq ifr = {0};
	int fd, err = 0;

	if (!mtu && !mac)
		return 0;
	if (!if_indextoname((unsigned int)ifindex, ifr.ifr_name))
		return -ENODEV;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (mtu) {
		if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
			err = -errno;
			goto out;
		}
		*mtu = (uint32_t)ifr.ifr_mtu;
	}
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
			err = -errno;
			goto out;
		}
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
out:
	close(fd);
	return err;
}

static int write_sysctl(const char *ifname, const char *knob, const char *val)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname,
		 knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * A MAG access interface is a router interface: forwarding on, so the
 * kernel sets the Router flag in its neighbour advertisements for our
 * link-local (RFC 4861 §7.2.5: a node receiving one without it drops us as
 * its default router), and no RAs taken from the nodes.
 */
static int iface_as_router(int ifindex)
{
	char ifname[IF_NAMESIZE];
	int err;

	if (!if_indextoname((unsigned int)ifindex, ifname))
		return -ENODEV;
	err = write_sysctl(ifname, "forwarding", "1");
	if (!err)
		err = write_sysctl(ifname, "accept_ra", "0");
	if (err)
		log_warn("ra: ipv6 sysctl on %s: %s", ifname, strerror(-err));
	return err;
}

int ra_iface_add(struct ra_ctx *ctx, int ifindex, uint32_t link_mtu,
		 const uint8_t *mac)
{
	struct ra_iface *ifc = iface_find(ctx, ifindex);
	uint8_t hw[6];
	uint32_t mtu = link_mtu;
	int err;

	if (ifindex <= 0)
		return -EINVAL;
	if (!ifc && ctx->n_ifaces == RA_MAX_IFACES)
		return -ENOSPC;
	err = iface_read(ifindex, link_mtu ? NULL : &mtu, mac ? NULL : hw);
	if (err) {
		log_err("ra: interface %d: %s", ifindex, strerror(-err));
		return err;
	}
	/* a real interface (MTU read from it): make it a router interface */
	if (!link_mtu)
		iface_as_router(ifindex);
	if (!ifc)
		ifc = &ctx->ifaces[ctx->n_ifaces++];
	ifc->ifindex = ifindex;
	memcpy(ifc->mac, mac ? mac : hw, 6);
	/*
	 * RFC 5213 §6.9.5: the MTU option carries the tunnel MTU, i.e. the
	 * link MTU less the outer IPv6 header, unless configured.
	 */
	if (ctx->cfg.mtu)
		ifc->mtu_opt = ctx->cfg.mtu;
	else if (mtu >= XP_IPV6_MIN_MTU + XP_TUNNEL_OVERHEAD)
		ifc->mtu_opt = mtu - XP_TUNNEL_OVERHEAD;
	else
		ifc->mtu_opt = XP_IPV6_MIN_MTU;
	return 0;
}

int ra_iface_del(struct ra_ctx *ctx, int ifindex)
{
	struct ra_iface *ifc = iface_find(ctx, ifindex);
	size_t i = 0;

	if (!ifc)
		return -ENOENT;
	*ifc = ctx->ifaces[--ctx->n_ifaces];
	while (i < ctx->n_nodes) {
		if (ctx->nodes[i].ifindex == ifindex)
			node_remove(ctx, &ctx->nodes[i]);
		else
			i++;
	}
	return 0;
}

int ra_fd(const struct ra_ctx *ctx)
{
	return ctx->fd;
}

/* Token bucket over on_rs() calls: rs_unknown_per_s, as much burst */
static bool unknown_budget(struct ra_ctx *ctx, uint64_t now)
{
	uint64_t rate =
	    ctx->cfg.rs_unknown_per_s ? ctx->cfg.rs_unknown_per_s : 100;
	uint64_t cap = rate * 1000;

	if (now > ctx->tokens_at_ms) {
		/* rate per second is rate per ms in 1/1000 units */
		ctx->tokens_milli += (now - ctx->tokens_at_ms) * rate;
		if (ctx->tokens_milli > cap)
			ctx->tokens_milli = cap;
		ctx->tokens_at_ms = now;
	}
	if (ctx->tokens_milli < 1000)
		return false;
	ctx->tokens_milli -= 1000;
	return true;
}

int ra_input_packet(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6],
		    const uint8_t *pkt, size_t len)
{
	struct nd_rs_info rs;
	struct ra_recent *rec;
	struct ra_node *n;
	uint64_t now;
	int err;

	if (!iface_find(ctx, ifindex)) {
		ctx->cnt.rs_foreign++;
		return -ENODEV;
	}
	err = nd_rs_parse(pkt, len, &rs);
	if (err) {
		ctx->cnt.rs_bad++;
		log_debug("ra: bad rs on if %d: %s", ifindex, strerror(-err));
		return err;
	}
	/* the frame's source MAC names the node, as in the data plane */
	if (mac[0] & 1) {
		ctx->cnt.rs_bad++;
		return -EPROTO;
	}
	ctx->cnt.rs_rx++;
	now = now_ms(ctx);

	n = node_find(ctx, ifindex, mac);
	if (n) {
		if (is_link_local(&rs.src)) {
			n->lla = rs.src;
			n->has_lla = true;
		}
		node_send_soon(ctx, n, now);
		return 0;
	}

	/* unknown node: an attach trigger, at most once per gap per node */
	rec = recent_slot(ctx, ifindex, mac);
	if (rec->ifindex == ifindex && memcmp(rec->mac, mac, 6) == 0 &&
	    now < rec->at_ms + ctx->cfg.rs_min_gap_ms) {
		ctx->cnt.rs_rate_limited++;
		return 0;
	}
	if (!unknown_budget(ctx, now)) {
		ctx->cnt.rs_unknown_dropped++;
		return 0;
	}
	rec->ifindex = ifindex;
	memcpy(rec->mac, mac, 6);
	rec->at_ms = now;
	ctx->cnt.rs_unknown++;
	log_debug("ra: rs from new node %02x:%02x:%02x:%02x:%02x:%02x if %d",
		  mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], ifindex);
	if (ctx->ops.on_rs)
		ctx->ops.on_rs(ctx->arg, ifindex, mac,
			       is_link_local(&rs.src) ? &rs.src : NULL);
	return 0;
}

int ra_input(struct ra_ctx *ctx)
{
	uint8_t pkt[RA_PKT_MAX];

	if (ctx->fd < 0)
		return -EBADF;
	for (int i = 0; i < RA_INPUT_BUDGET; i++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t n;

		n = recvfrom(ctx->fd, pkt, sizeof(pkt), MSG_TRUNC,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			return -errno;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING || sll.sll_halen != 6)
			continue;
		if ((size_t)n > sizeof(pkt)) {
			ctx->cnt.rs_bad++;
			continue;
		}
		ra_input_packet(ctx, sll.sll_ifindex, sll.sll_addr, pkt,
				(size_t)n);
	}
	return 0;
}

int ra_node_advertise(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6],
		      const struct in6_addr *lla, const struct in6_addr *hnp,
		      uint8_t plen, uint32_t lifetime_s)
{
	struct ra_node *n = node_find(ctx, ifindex, mac);
	uint64_t now = now_ms(ctx);
	bool fresh;

	if (plen > 128 || !iface_find(ctx, ifindex))
		return plen > 128 ? -EINVAL : -ENODEV;
	if (!n) {
		if (ctx->n_nodes == ctx->cap_nodes) {
			size_t cap = ctx->cap_nodes ? ctx->cap_nodes * 2 : 16;
			struct ra_node *p;

			p = realloc(ctx->nodes, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			ctx->nodes = p;
			ctx->cap_nodes = cap;
		}
		n = &ctx->nodes[ctx->n_nodes++];
		memset(n, 0, sizeof(*n));
		n->ifindex = ifindex;
		memcpy(n->mac, mac, 6);
	}
	fresh = n->last_ra_ms == 0 || n->withdraw_left > 0 || n->plen != plen ||
		memcmp(&n->hnp, hnp, sizeof(*hnp)) != 0;
	if (lla && is_link_local(lla)) {
		n->lla = *lla;
		n->has_lla = true;
	}
	n->hnp = *hnp;
	n->plen = plen;
	n->infinite = lifetime_s == ND_LIFETIME_INFINITE;
	n->expires_ms = now + (uint64_t)lifetime_s * 1000;
	n->withdraw_left = 0;

	if (fresh) {
		/*
		 * XXX: a changed prefix replaces the old one without first
		 * withdrawing it; the node keeps the old address until its
		 * lifetime ends.  The MAG state machine gives a node one HNP
		 * for the life of its session, so this does not happen today.
		 */
		n->initial_left = RA_INITIAL_COUNT - 1;
		n->last_ra_ms = 0;
		node_send(ctx, n, now);
		node_schedule(ctx, n, now);
		return 0;
	}
	/* a refresh: carry the new lifetimes to the node soon */
	node_send_soon(ctx, n, now);
	return 0;
}

int ra_node_withdraw(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6])
{
	struct ra_node *n = node_find(ctx, ifindex, mac);
	uint64_t now = now_ms(ctx);

	if (!n)
		return -ENOENT;
	if (n->withdraw_left > 0)
		return 0;
	n->withdraw_left = ctx->cfg.withdraw_count;
	node_send(ctx, n, now);
	if (--n->withdraw_left == 0) {
		node_remove(ctx, n);
		return 0;
	}
	n->next_ms = now + ctx->cfg.withdraw_interval_ms;
	return 0;
}

int ra_node_forget(struct ra_ctx *ctx, int ifindex, const uint8_t mac[6])
{
	struct ra_node *n = node_find(ctx, ifindex, mac);

	if (!n)
		return -ENOENT;
	node_remove(ctx, n);
	return 0;
}

uint64_t ra_next_timeout(const struct ra_ctx *ctx)
{
	uint64_t t = UINT64_MAX;

	for (size_t i = 0; i < ctx->n_nodes; i++)
		if (ctx->nodes[i].next_ms < t)
			t = ctx->nodes[i].next_ms;
	return t;
}

void ra_run_timers(struct ra_ctx *ctx)
{
	uint64_t now = now_ms(ctx);
	size_t i = 0;

	while (i < ctx->n_nodes) {
		struct ra_node *n = &ctx->nodes[i];

		if (n->next_ms > now) {
			i++;
			continue;
		}
		node_send(ctx, n, now);
		if (n->withdraw_left > 0) {
			if (--n->withdraw_left == 0) {
				node_remove(ctx, n);
				continue; /* slot i holds another node */
			}
			n->next_ms = now + ctx->cfg.withdraw_interval_ms;
		} else {
			node_schedule(ctx, n, now);
		}
		i++;
	}
}

void ra_get_counters(const struct ra_ctx *ctx, struct ra_counters *out)
{
	*out = ctx->cnt;
}

size_t ra_node_count(const struct ra_ctx *ctx)
{
	return ctx->n_nodes;
}

int ra_set_link_local(int ifindex, const struct in6_addr *lla)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	unsigned int seq, portid;
	int err = 0;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags =
	    NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	nlh->nlmsg_seq = seq = (unsigned int)time(NULL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 64;
	/* RFC 5213 §6.8: the same address on every MAG, so no DAD */
	ifa->ifa_flags = IFA_F_NODAD | IFA_F_PERMANENT;
	ifa->ifa_scope = RT_SCOPE_LINK;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*lla), lla);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*lla), lla);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_PERMANENT);

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto close_nl;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto close_nl;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		err = -errno;
		goto close_nl;
	}
	if (mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) < 0)
		err = -errno;
close_nl:
	mnl_socket_close(nl);
	if (err)
		log_err("ra: link-local on if %d: %s", ifindex, strerror(-err));
	return err;
}

int ra_iface_prepare(int ifindex, const struct in6_addr *lla)
{
	int err = iface_as_router(ifindex);

	return err ? err : ra_set_link_local(ifindex, lla);
}
