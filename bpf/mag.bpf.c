// SPDX-License-Identifier: BSD-2-Clause
/*
 * MAG data plane (RFC 5213 §6.10.5).  Access side: frames of attached
 * mobile nodes go into the tunnel to their LMA; frames of unknown nodes go
 * to the stack and raise an attach event.  Core side: tunnel packets from
 * the LMA come out of it and go straight to the node's MAC.
 *
 * xdp_mag_access  XDP on access interfaces (uplink)
 * xdp_mag_core    XDP on core interfaces (downlink)
 * tc_mag_access,
 * tc_mag_core     the same on TC ingress, where XDP cannot attach
 */
#include "forward.h"

/* Uplink (RFC 5213 §6.10.5): from an attached node into the tunnel. */
static __always_inline int mag_access(void *ctx, const int hook)
{
	struct xp_mn_key key = {};
	struct ipv6hdr *ip6 = NULL;
	struct xp_binding *b;
	struct ethhdr *eth;
	struct xp_mn *mn;
	int rc;

	rc = parse_ip6(ctx, hook, &ip6);
	if (rc == XP_PARSE_NOT_IPV6)
		return stat_pass(ctx, hook, XP_STAT_PASS_NOT_IPV6);
	if (rc != XP_PARSE_OK || !ip6)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	eth = pkt_data(ctx, hook);
	if ((void *)(eth + 1) > pkt_end(ctx, hook))
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);

	key.ifindex = pkt_ifindex(ctx, hook);
	__builtin_memcpy(key.mac, eth->h_source, XP_ETH_ALEN);
	mn = bpf_map_lookup_elem(&mobile_nodes, &key);
	if (!mn) {
		attach_event(&key, &ip6->saddr);
		/*
		 * Only what the node needs to attach (RS, NS, DAD, MLD) and
		 * what is for us reaches the stack: anything else would be
		 * routed by the stack without a tunnel.
		 */
		if (ip6_is_multicast(&ip6->daddr) ||
		    ip6_is_link_local(&ip6->daddr) ||
		    ip6_addr_eq(&ip6->daddr, &xp_local_addr))
			return stat_pass(ctx, hook, XP_STAT_PASS_UNKNOWN_MAC);
		return stat_drop(ctx, hook, XP_STAT_DROP_NO_BINDING);
	}

	/* RFC 5213 §6.10.5: a link-local source is never forwarded */
	if (ip6_is_link_local(&ip6->saddr) || ip6_is_unspecified(&ip6->saddr) ||
	    ip6_is_link_local(&ip6->daddr) || ip6_is_multicast(&ip6->daddr))
		return stat_pass(ctx, hook, XP_STAT_PASS_LINK_LOCAL);
	if (ip6_addr_eq(&ip6->daddr, &xp_local_addr))
		return stat_pass(ctx, hook, XP_STAT_PASS_LOCAL);

	b = bpf_map_lookup_elem(&bindings, &mn->hnp);
	if (!b)
		return stat_drop(ctx, hook, XP_STAT_DROP_NO_BINDING);
	if (!ip6_in_hnp(&ip6->saddr, &mn->hnp))
		return stat_drop(ctx, hook, XP_STAT_DROP_SPOOFED_SRC);
	if (!(b->flags & XP_BIND_F_ACTIVE))
		return stat_drop(ctx, hook, XP_STAT_DROP_INACTIVE);
	if (ip6->hop_limit <= 1)
		return stat_pass(ctx, hook, XP_STAT_PASS_HOP_LIMIT);
	return encap_forward(ctx, hook, b, XP_COUNT_UP_SEEN, XP_STAT_MAG_ENCAP);
}

/*
 * Downlink: a tunnel packet from the LMA serving the inner destination's
 * prefix; out of the tunnel and to the node (RFC 5213 §6.10.5).
 */
static __always_inline int mag_downlink(void *ctx, const int hook,
					const struct xp_ext *ext)
{
	struct xp_nexthop nh = {};
	struct ipv6hdr *inner;
	struct xp_binding *b;
	__u32 mtu_len;
	int rc;

	b = tunnel_rx(ctx, hook, ext, false, &inner, &rc);
	if (!b)
		return rc;
	/*
	 * The access link must carry the inner packet; a redirect to a
	 * smaller MTU would drop it uncounted.  The daemon's RAs advertise
	 * the tunnel MTU, so this only catches misconfiguration.
	 */
	mtu_len = XP_IPV6_HLEN + bpf_ntohs(inner->payload_len);
	if (bpf_check_mtu(ctx, b->access_ifindex, &mtu_len, 0, 0) ==
	    BPF_MTU_CHK_RET_FRAG_NEEDED)
		return stat_drop(ctx, hook, XP_STAT_DROP_TOO_BIG);
	inner = tunnel_exit(ctx, hook, ext->off, inner, b, XP_COUNT_DOWN, &rc);
	if (!inner)
		return rc;
	if (inner->hop_limit <= 1)
		return stat_pass(ctx, hook, XP_STAT_PASS_HOP_LIMIT);

	inner->hop_limit--;
	nh.ifindex = b->access_ifindex;
	__builtin_memcpy(nh.dmac, b->mn_mac, XP_ETH_ALEN);
	__builtin_memcpy(nh.smac, b->gw_mac, XP_ETH_ALEN);
	stat_count(XP_STAT_MAG_DECAP, pkt_len(ctx, hook));
	return send_to(ctx, hook, &nh);
}

static __always_inline int mag_core(void *ctx, const int hook)
{
	struct ipv6hdr *ip6 = NULL;
	struct xp_ext ext;
	int rc;

	rc = parse_ip6(ctx, hook, &ip6);
	if (rc == XP_PARSE_NOT_IPV6)
		return stat_pass(ctx, hook, XP_STAT_PASS_NOT_IPV6);
	if (rc != XP_PARSE_OK || !ip6)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	if (ip6_is_multicast(&ip6->daddr) || ip6_is_link_local(&ip6->daddr))
		return stat_pass(ctx, hook, XP_STAT_PASS_LINK_LOCAL);
	if (!ip6_addr_eq(&ip6->daddr, &xp_local_addr))
		return stat_pass(ctx, hook, XP_STAT_PASS_NO_BINDING);

	/* Mobility Header, ICMPv6, ND for the MAG itself: the stack's */
	if (parse_ext(ctx, hook, ip6->nexthdr, &ext))
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	if (ext.nexthdr == XP_IPPROTO_IPV6)
		return mag_downlink(ctx, hook, &ext);
	return stat_pass(ctx, hook, XP_STAT_PASS_LOCAL);
}

SEC("xdp")
int xdp_mag_access(struct xdp_md *ctx)
{
	return mag_access(ctx, XP_HOOK_XDP);
}

SEC("xdp")
int xdp_mag_core(struct xdp_md *ctx)
{
	return mag_core(ctx, XP_HOOK_XDP);
}

SEC("tc")
int tc_mag_access(struct __sk_buff *skb)
{
	return mag_access(skb, XP_HOOK_TC_INGRESS);
}

SEC("tc")
int tc_mag_core(struct __sk_buff *skb)
{
	return mag_core(skb, XP_HOOK_TC_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
