// SPDX-License-Identifier: BSD-2-Clause
/*
 * LMA data plane (RFC 5213 §5.6): packets for a bound home network prefix
 * go into the tunnel to the serving MAG (downlink); tunnel packets from a
 * MAG come out of it and are routed on the inner destination (uplink).
 *
 * xdp_lma        XDP on every core interface, both directions
 * tc_lma_ingress the same on TC ingress, where XDP cannot attach
 * tc_lma_egress  TC egress: packets the LMA itself sends (or the stack
 *                forwards) toward a home network prefix
 */
#include "forward.h"

/* Downlink (RFC 5213 §5.6.2): into the tunnel to the serving MAG. */
static __always_inline int lma_downlink(void *ctx, const int hook,
					const struct ipv6hdr *ip6)
{
	struct xp_binding *b;
	struct xp_hnp_key key;

	hnp_key_of(&key, &ip6->daddr);
	b = bpf_map_lookup_elem(&bindings, &key);
	if (!b) {
		if (hook == XP_HOOK_TC_EGRESS)
			return XP_TC_ACT_OK; /* ordinary local traffic */
		return stat_pass(ctx, hook, XP_STAT_PASS_NO_BINDING);
	}
	if (!(b->flags & XP_BIND_F_ACTIVE))
		return stat_drop(ctx, hook, XP_STAT_DROP_INACTIVE);
	/* RFC 8200 §3: the stack answers with Time Exceeded */
	if (hook != XP_HOOK_TC_EGRESS && ip6->hop_limit <= 1)
		return stat_pass(ctx, hook, XP_STAT_PASS_HOP_LIMIT);
	return encap_forward(ctx, hook, b, XP_COUNT_DOWN,
			     hook == XP_HOOK_TC_EGRESS ? XP_STAT_TC_ENCAP
						       : XP_STAT_LMA_ENCAP);
}

/*
 * Uplink: a tunnel packet addressed to the LMA.  RFC 5213 §5.6.2: accept it
 * only from the MAG that serves the prefix of the inner source.
 */
static __always_inline int lma_uplink(void *ctx, const int hook,
				      const struct xp_ext *ext)
{
	struct xp_nexthop nh = {};
	struct ipv6hdr *inner;
	struct xp_binding *b;
	struct xp_hnp_key dkey;
	bool hairpin;
	int res, rc;

	b = tunnel_rx(ctx, hook, ext, true, &inner, &rc);
	if (!b)
		return rc;
	/* a node of one MAG talking to a node of another: the stack routes
	 * it to the prefix route, where tc_lma_egress tunnels it again */
	hnp_key_of(&dkey, &inner->daddr);
	hairpin = bpf_map_lookup_elem(&bindings, &dkey) != NULL;
	inner = tunnel_exit(ctx, hook, ext->off, inner, b, XP_COUNT_UP, &rc);
	if (!inner)
		return rc;
	if (hairpin)
		return stat_pass(ctx, hook, XP_STAT_PASS_HAIRPIN);
	if (inner->hop_limit <= 1)
		return stat_pass(ctx, hook, XP_STAT_PASS_HOP_LIMIT);

	res = nexthop_of_packet(ctx, hook, inner, &nh);
	if (res == XP_NH_DROP)
		return stat_drop(ctx, hook, XP_STAT_DROP_FIB);
	if (res == XP_NH_NEIGH)
		return stat_pass(ctx, hook, XP_STAT_PASS_NEIGH);
	/* too big: the stack sends the Packet Too Big for the inner packet */
	if (res != XP_NH_OK)
		return stat_pass(ctx, hook, XP_STAT_PASS_FIB);
	inner->hop_limit--;
	stat_count(XP_STAT_LMA_DECAP, pkt_len(ctx, hook));
	return send_to(ctx, hook, &nh);
}

static __always_inline int lma_core(void *ctx, const int hook)
{
	struct ipv6hdr *ip6 = NULL;
	struct xp_ext ext;
	int rc;

	rc = parse_ip6(ctx, hook, &ip6);
	if (rc == XP_PARSE_NOT_IPV6) {
		if (hook == XP_HOOK_TC_EGRESS)
			return XP_TC_ACT_OK;
		return stat_pass(ctx, hook, XP_STAT_PASS_NOT_IPV6);
	}
	if (rc != XP_PARSE_OK || !ip6)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	if (hook == XP_HOOK_TC_EGRESS)
		return lma_downlink(ctx, hook, ip6);

	/* Mobility Header, ICMPv6, ND for the LMA itself: the stack's */
	if (ip6_addr_eq(&ip6->daddr, &xp_local_addr)) {
		if (parse_ext(ctx, hook, ip6->nexthdr, &ext))
			return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
		if (ext.nexthdr == XP_IPPROTO_IPV6)
			return lma_uplink(ctx, hook, &ext);
		return stat_pass(ctx, hook, XP_STAT_PASS_LOCAL);
	}
	if (ip6_is_multicast(&ip6->daddr) || ip6_is_link_local(&ip6->daddr))
		return stat_pass(ctx, hook, XP_STAT_PASS_LINK_LOCAL);
	return lma_downlink(ctx, hook, ip6);
}

SEC("xdp")
int xdp_lma(struct xdp_md *ctx)
{
	return lma_core(ctx, XP_HOOK_XDP);
}

SEC("tc")
int tc_lma_ingress(struct __sk_buff *skb)
{
	return lma_core(skb, XP_HOOK_TC_INGRESS);
}

SEC("tc")
int tc_lma_egress(struct __sk_buff *skb)
{
	return lma_core(skb, XP_HOOK_TC_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
