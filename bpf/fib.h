/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Next hops and sending.  Toward a tunnel peer the "nexthops" map answers
 * first (the daemon keeps it current from netlink); a miss, and any
 * destination that is not a tunnel peer, goes to bpf_fib_lookup().
 */
#ifndef XPMIP_BPF_FIB_H
#define XPMIP_BPF_FIB_H

#include "stats.h"

enum xp_nh_res {
	XP_NH_OK = 0,  /* nh filled: rewrite Ethernet, redirect */
	XP_NH_NEIGH,   /* neighbour unresolved: the stack resolves */
	XP_NH_TOO_BIG, /* nh->mtu is the egress MTU */
	XP_NH_DROP,    /* unreachable, blackhole, prohibited */
	XP_NH_PASS,    /* the stack forwards it (or keeps it) */
};

static __always_inline int fib_result(void *ctx, const int hook, long rc,
				      struct bpf_fib_lookup *p,
				      struct xp_nexthop *nh)
{
	__u32 mtu_len = 0;

	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		nh->ifindex = p->ifindex;
		nh->mtu = 0;
		__builtin_memcpy(nh->dmac, p->dmac, XP_ETH_ALEN);
		__builtin_memcpy(nh->smac, p->smac, XP_ETH_ALEN);
		/* the FIB checked tot_len; a GSO skb is checked GSO-aware */
		if (pkt_is_gso(ctx, hook) &&
		    bpf_check_mtu(ctx, p->ifindex, &mtu_len, 0, 0) ==
			BPF_MTU_CHK_RET_FRAG_NEEDED) {
			nh->mtu = mtu_len;
			return XP_NH_TOO_BIG;
		}
		return XP_NH_OK;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		/* the lookup still names the egress interface */
		nh->ifindex = p->ifindex;
		return XP_NH_NEIGH;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		nh->mtu = p->mtu_result;
		return XP_NH_TOO_BIG;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return XP_NH_DROP;
	default:
		return XP_NH_PASS;
	}
}

/*
 * Next hop toward tunnel peer, for a packet of tot_len bytes once
 * encapsulated (TC: the skb is checked as it will be, 40 bytes longer).
 */
static __always_inline int nexthop_of_peer(void *ctx, const int hook,
					   const struct in6_addr *peer,
					   __u32 tot_len, struct xp_nexthop *nh)
{
	bool gso = pkt_is_gso(ctx, hook);
	struct bpf_fib_lookup p = {};
	struct xp_nexthop *m;
	__u32 mtu_len = 0;
	long rc;

	m = bpf_map_lookup_elem(&nexthops, peer);
	if (m) {
		*nh = *m;
		/* a GSO skb leaves as segments the sender sized */
		if (nh->mtu && tot_len > nh->mtu && !pkt_is_gso(ctx, hook))
			return XP_NH_TOO_BIG;
		if (hook == XP_HOOK_XDP)
			return XP_NH_OK;
		if (bpf_check_mtu(ctx, nh->ifindex, &mtu_len,
				  XP_TUNNEL_OVERHEAD,
				  0) == BPF_MTU_CHK_RET_FRAG_NEEDED) {
			nh->mtu = mtu_len;
			return XP_NH_TOO_BIG;
		}
		return XP_NH_OK;
	}

	p.family = XP_AF_INET6;
	p.l4_protocol = XP_IPPROTO_IPV6;
	/*
	 * tot_len: the FIB checks the route's MTU, not only the device's
	 * (RFC 2473 §7.1).  A GSO skb would fail that plain length check:
	 * without tot_len TC checks it the GSO-aware way, against the
	 * device, bpf_check_mtu adding the 40 bytes below.
	 */
	p.tot_len = gso ? 0 : tot_len;
	p.ifindex = pkt_ifindex(ctx, hook);
	ip6_addr_copy((struct in6_addr *)p.ipv6_src, &xp_local_addr);
	__builtin_memcpy(p.ipv6_dst, peer, sizeof(p.ipv6_dst));
	rc = bpf_fib_lookup(ctx, &p, sizeof(p),
			    hook == XP_HOOK_TC_EGRESS ? BPF_FIB_LOOKUP_OUTPUT
						      : 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && gso &&
	    bpf_check_mtu(ctx, p.ifindex, &mtu_len, XP_TUNNEL_OVERHEAD, 0) ==
		BPF_MTU_CHK_RET_FRAG_NEEDED) {
		nh->mtu = mtu_len;
		return XP_NH_TOO_BIG;
	}
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		/* hot path: no second switch */
		nh->ifindex = p.ifindex;
		nh->mtu = 0;
		__builtin_memcpy(nh->dmac, p.dmac, XP_ETH_ALEN);
		__builtin_memcpy(nh->smac, p.smac, XP_ETH_ALEN);
		return XP_NH_OK;
	}
	return fib_result(ctx, hook, rc, &p, nh);
}

/* Next hop of the plain IPv6 packet at XP_ETH_HLEN (after decapsulation). */
static __always_inline int nexthop_of_packet(void *ctx, const int hook,
					     const struct ipv6hdr *ip6,
					     struct xp_nexthop *nh)
{
	struct bpf_fib_lookup p = {};
	long rc;

	p.family = XP_AF_INET6;
	p.l4_protocol = ip6->nexthdr;
	/* see nexthop_of_peer() */
	p.tot_len = pkt_is_gso(ctx, hook)
			? 0
			: XP_IPV6_HLEN + bpf_ntohs(ip6->payload_len);
	p.flowinfo = *(const __be32 *)ip6 & bpf_htonl(0x0fffffff);
	p.ifindex = pkt_ifindex(ctx, hook);
	__builtin_memcpy(p.ipv6_src, &ip6->saddr, sizeof(p.ipv6_src));
	__builtin_memcpy(p.ipv6_dst, &ip6->daddr, sizeof(p.ipv6_dst));
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	return fib_result(ctx, hook, rc, &p, nh);
}

/* Write the next hop's MACs and send the frame out its interface. */
static __always_inline int send_to(void *ctx, const int hook,
				   const struct xp_nexthop *nh)
{
	void *data = pkt_data(ctx, hook), *end = pkt_end(ctx, hook);
	struct ethhdr *eth = data;
	long rc;

	if ((void *)(eth + 1) > end)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	__builtin_memcpy(eth->h_dest, nh->dmac, XP_ETH_ALEN);
	__builtin_memcpy(eth->h_source, nh->smac, XP_ETH_ALEN);
	/*
	 * TC egress already on the right interface: let it go on rather
	 * than redirect (a redirected skb skips generic XDP on a veth peer).
	 */
	if (hook == XP_HOOK_TC_EGRESS && nh->ifindex == pkt_ifindex(ctx, hook))
		return XP_TC_ACT_OK;
	if (hook != XP_HOOK_XDP)
		return bpf_redirect(nh->ifindex, 0);
	/* the devmap when dp_attach registered the port, else plain */
	rc = bpf_redirect_map(&ports, nh->ifindex, 0);
	if (rc != XDP_REDIRECT)
		rc = bpf_redirect(nh->ifindex, 0);
	return rc;
}

#endif /* XPMIP_BPF_FIB_H */
