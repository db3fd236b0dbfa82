/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMPv6 Packet Too Big (RFC 4443 §3.2) built in XDP and sent back out the
 * interface the oversize packet came in on.
 */
#ifndef XPMIP_BPF_ICMP_H
#define XPMIP_BPF_ICMP_H

#include "stats.h"

#define XP_ICMP6_PKT_TOO_BIG 2
#define XP_ICMP6_HLEN	     8
/* RFC 4443 §2.4(c): the error must fit the IPv6 minimum MTU */
#define XP_PTB_MAX_QUOTE (XP_IPV6_MIN_MTU - XP_IPV6_HLEN - XP_ICMP6_HLEN)

static __always_inline __u32 csum_add16(__u32 sum, const __u16 *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* RFC 4443 §2.4(f): at most XP_PTB_PER_SEC errors per CPU per second */
static __always_inline bool ptb_rate_limited(void)
{
	struct xp_ptb_budget *pb;
	__u32 zero = 0;
	__u64 now;

	pb = bpf_map_lookup_elem(&ptb_budget, &zero);
	if (!pb)
		return true;
	now = bpf_ktime_get_ns();
	if (now - pb->window_ns >= 1000000000ULL) {
		pb->window_ns = now;
		pb->sent = 0;
	}
	if (pb->sent >= XP_PTB_PER_SEC)
		return true;
	pb->sent++;
	return false;
}

/*
 * Turn the frame (an IPv6 packet at XP_ETH_HLEN that does not fit the
 * egress MTU) into a Packet Too Big for its source, reporting mtu.
 * RFC 4443 §2.4(e): no error about an error or a multicast/unspecified
 * source; those are dropped.
 */
static __always_inline int send_ptb(void *ctx, const int hook, __u32 mtu)
{
	__u8 mac_src[XP_ETH_ALEN], mac_dst[XP_ETH_ALEN];
	__u32 sum, quote, len, plen_be;
	struct ipv6hdr *ip6, *out;
	struct in6_addr to;
	void *data, *end;
	struct ethhdr *eth;
	__u8 *icmp;
	__u16 *p;
	int i;

	pkt_pull(ctx, hook, XP_ETH_HLEN + XP_IPV6_HLEN + 1);
	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	eth = data;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	if (ip6_is_multicast(&ip6->saddr) || ip6_is_unspecified(&ip6->saddr))
		return stat_drop(ctx, hook, XP_STAT_DROP_TOO_BIG);
	if (ip6->nexthdr == XP_IPPROTO_ICMPV6) {
		icmp = (void *)(ip6 + 1);
		if ((void *)(icmp + 1) > end || icmp[0] < 128)
			return stat_drop(ctx, hook, XP_STAT_DROP_TOO_BIG);
	}
	if (ptb_rate_limited())
		return stat_drop(ctx, hook, XP_STAT_PTB_RATE_LIMITED);

	__builtin_memcpy(mac_src, eth->h_source, XP_ETH_ALEN);
	__builtin_memcpy(mac_dst, eth->h_dest, XP_ETH_ALEN);
	to = ip6->saddr;
	len = XP_IPV6_HLEN + bpf_ntohs(ip6->payload_len);
	quote = len < XP_PTB_MAX_QUOTE ? len : XP_PTB_MAX_QUOTE;
	if (mtu < XP_IPV6_MIN_MTU)
		mtu = XP_IPV6_MIN_MTU;

	/*
	 * Cut to the quote (drops any Ethernet padding too), then make room
	 * for the new IPv6 and ICMPv6 headers after the Ethernet header (TC:
	 * and make it all linear for the checksum).
	 */
	len = pkt_len(ctx, hook) - XP_ETH_HLEN;
	if (hook == XP_HOOK_XDP) {
		if (len > quote &&
		    bpf_xdp_adjust_tail(ctx, -(int)(len - quote)))
			return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
		if (bpf_xdp_adjust_head(ctx, -(XP_IPV6_HLEN + XP_ICMP6_HLEN)))
			return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
	} else {
		if (len > quote &&
		    bpf_skb_change_tail(ctx, XP_ETH_HLEN + quote, 0))
			return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
		if (bpf_skb_adjust_room(ctx, XP_IPV6_HLEN + XP_ICMP6_HLEN,
					BPF_ADJ_ROOM_MAC, 0))
			return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
		pkt_pull(ctx, hook, pkt_len(ctx, hook));
	}

	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	eth = data;
	out = (void *)(eth + 1);
	icmp = (void *)(out + 1);
	if ((void *)(icmp + XP_ICMP6_HLEN) > end)
		return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
	__builtin_memcpy(eth->h_dest, mac_src, XP_ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac_dst, XP_ETH_ALEN);
	eth->h_proto = bpf_htons(XP_ETH_P_IPV6);
	*(__be32 *)out = bpf_htonl(6U << 28);
	out->payload_len = bpf_htons(XP_ICMP6_HLEN + quote);
	out->nexthdr = XP_IPPROTO_ICMPV6;
	out->hop_limit = XP_OUTER_HOPLIMIT;
	ip6_addr_copy(&out->saddr, &xp_local_addr);
	out->daddr = to;
	icmp[0] = XP_ICMP6_PKT_TOO_BIG;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	*(__be32 *)(icmp + 4) = bpf_htonl(mtu);

	/* RFC 4443 §2.3: pseudo-header, then the message; RFC 1071 sum */
	plen_be = bpf_htonl(XP_ICMP6_HLEN + quote);
	sum = csum_add16(0, (const __u16 *)&out->saddr, 8);
	sum = csum_add16(sum, (const __u16 *)&out->daddr, 8);
	sum += (plen_be & 0xffff) + (plen_be >> 16);
	sum += bpf_htons(XP_IPPROTO_ICMPV6);
	p = (__u16 *)icmp;
	len = XP_ICMP6_HLEN + quote;
	for (i = 0; i < (XP_ICMP6_HLEN + XP_PTB_MAX_QUOTE) / 2; i++) {
		if ((__u32)i * 2 + 1 >= len)
			break;
		if ((void *)(p + 1) > end)
			break;
		sum += *p;
		p++;
	}
	if ((len & 1) && (void *)((__u8 *)p + 1) <= end)
		sum += *(__u8 *)p;
	*(__u16 *)(icmp + 2) = csum_fold(sum);

	stat_count(XP_STAT_PTB_SENT, len);
	if (hook == XP_HOOK_XDP)
		return XDP_TX;
	/*
	 * TC ingress: back out of the interface it came in on.  A
	 * CHECKSUM_PARTIAL skb (from a local or veth sender) keeps stale
	 * offload offsets, but it only goes back to that same sender, whose
	 * receive path takes PARTIAL as verified; our checksum is right.
	 */
	return bpf_redirect(pkt_ifindex(ctx, hook), 0);
}

#endif /* XPMIP_BPF_ICMP_H */
