/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6-in-IPv6 encapsulation and decapsulation (RFC 2473) between the
 * Ethernet header and the packet, for XDP and TC alike.
 */
#ifndef XPMIP_BPF_TUNNEL_H
#define XPMIP_BPF_TUNNEL_H

#include "parsing.h"

#define XP_ECN_NOT_ECT 0
#define XP_ECN_ECT1    1
#define XP_ECN_ECT0    2
#define XP_ECN_CE      3

/* Largest outer header chain we strip: fixed header + walked extensions */
#define XP_MAX_OUTER_LEN (XP_IPV6_HLEN + XP_MAX_EXT_BYTES + 256)

static __always_inline __u8 ip6_tclass(const struct ipv6hdr *ip6)
{
	return (bpf_ntohl(*(const __be32 *)ip6) >> 20) & 0xff;
}

static __always_inline void ip6_set_ecn(struct ipv6hdr *ip6, __u8 ecn)
{
	__u32 w = bpf_ntohl(*(__be32 *)ip6);

	w = (w & ~(3U << 20)) | ((__u32)ecn << 20);
	*(__be32 *)ip6 = bpf_htonl(w);
}

/* RFC 6438 §3: the outer flow label is a hash of the inner flow. */
static __always_inline __u32 inner_flow_label(const struct ipv6hdr *ip6,
					      void *end)
{
	__u32 fl = bpf_ntohl(*(const __be32 *)ip6) & 0xfffff;
	__u32 *l4 = (void *)(ip6 + 1);
	__u32 ports = 0;

	if ((ip6->nexthdr == XP_NH_TCP || ip6->nexthdr == XP_NH_UDP) &&
	    (void *)(l4 + 1) <= end)
		ports = *l4;
	return xp_flow_label(ip6->saddr.in6_u.u6_addr32,
			     ip6->daddr.in6_u.u6_addr32, fl ^ ports,
			     ip6->nexthdr);
}

/*
 * Put an outer IPv6 header (RFC 2473 §3, §5: next header 41, our address
 * as source) in front of the IPv6 packet at XP_ETH_HLEN.  The traffic class
 * is copied whole, which is RFC 6040 §4.1 normal mode for the ECN bits.
 * Returns 0, or -1 if the frame could not grow.
 */
static __always_inline int tunnel_push(void *ctx, const int hook,
				       const struct in6_addr *peer)
{
	struct ipv6hdr *inner, *outer;
	__u32 label, inner_len;
	void *data, *end;
	__u8 tclass;

	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	inner = data + XP_ETH_HLEN;
	if ((void *)(inner + 1) > end)
		return -1;
	inner_len = XP_IPV6_HLEN + bpf_ntohs(inner->payload_len);
	tclass = ip6_tclass(inner);
	label = inner_flow_label(inner, end);

	if (hook == XP_HOOK_XDP) {
		if (bpf_xdp_adjust_head(ctx, -XP_TUNNEL_OVERHEAD))
			return -1;
		data = pkt_data(ctx, hook);
		end = pkt_end(ctx, hook);
		if (data + XP_ETH_HLEN + XP_TUNNEL_OVERHEAD > end)
			return -1;
		__builtin_memcpy(data, data + XP_TUNNEL_OVERHEAD, XP_ETH_HLEN);
	} else {
		/*
		 * Only a GSO skb needs the tunnel mark, so that it is
		 * segmented inside the tunnel; a plain skb leaves as the
		 * plain IPv6 packet it now is.
		 */
		if (bpf_skb_adjust_room(
			ctx, XP_TUNNEL_OVERHEAD, BPF_ADJ_ROOM_MAC,
			pkt_is_gso(ctx, hook) ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV6
					      : 0))
			return -1;
		pkt_pull(ctx, hook, XP_ETH_HLEN + 2 * XP_IPV6_HLEN);
		data = pkt_data(ctx, hook);
		end = pkt_end(ctx, hook);
	}

	outer = data + XP_ETH_HLEN;
	if ((void *)(outer + 1) > end)
		return -1;
	*(__be32 *)outer = bpf_htonl(6U << 28 | (__u32)tclass << 20 | label);
	outer->payload_len = bpf_htons(inner_len);
	outer->nexthdr = XP_IPPROTO_IPV6;
	outer->hop_limit = XP_OUTER_HOPLIMIT;
	ip6_addr_copy(&outer->saddr, &xp_local_addr);
	outer->daddr = *peer;
	return 0;
}

/*
 * RFC 6040 §4.2 decapsulation table, applied to the inner header before the
 * outer one goes.  Returns -1 when the packet must be dropped (outer CE on a
 * Not-ECT inner packet).
 */
static __always_inline int tunnel_ecn_decap(__u8 outer_tclass,
					    struct ipv6hdr *inner)
{
	__u8 outer = outer_tclass & 3, in = ip6_tclass(inner) & 3;

	if (outer == XP_ECN_CE) {
		if (in == XP_ECN_NOT_ECT)
			return -1;
		ip6_set_ecn(inner, XP_ECN_CE);
	} else if (outer == XP_ECN_ECT1 && in == XP_ECN_ECT0) {
		ip6_set_ecn(inner, XP_ECN_ECT1);
	}
	return 0;
}

/*
 * Remove len bytes of outer header chain after the Ethernet header.
 * Returns 0, or -1 if the frame could not shrink.
 */
static __always_inline int tunnel_pop(void *ctx, const int hook, __u32 len)
{
	void *data, *end;

	if (len < XP_IPV6_HLEN || len > XP_MAX_OUTER_LEN)
		return -1;
	if (hook == XP_HOOK_XDP) {
		data = pkt_data(ctx, hook);
		end = pkt_end(ctx, hook);
		if (data + XP_ETH_HLEN > end || data + len + XP_ETH_HLEN > end)
			return -1;
		__builtin_memcpy(data + len, data, XP_ETH_HLEN);
		return bpf_xdp_adjust_head(ctx, len) ? -1 : 0;
	}
	return bpf_skb_adjust_room(ctx, -(__s32)len, BPF_ADJ_ROOM_MAC, 0) ? -1
									  : 0;
}

#endif /* XPMIP_BPF_TUNNEL_H */
