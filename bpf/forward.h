/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The encapsulating tail shared by the LMA downlink and the MAG uplink, and
 * the attach event of the MAG access side.
 */
#ifndef XPMIP_BPF_FORWARD_H
#define XPMIP_BPF_FORWARD_H

#include "fib.h"
#include "icmp.h"
#include "tunnel.h"

static __always_inline void binding_count(struct xp_binding *b, bool up,
					  __u32 bytes)
{
	__u64 now;

	if (up) {
		__sync_fetch_and_add(&b->up_packets, 1);
		__sync_fetch_and_add(&b->up_bytes, bytes);
		/* coarse: a tick is enough for inactivity, and 30 ns cheaper */
		now = bpf_ktime_get_coarse_ns();
		if (b->last_seen_ns != now)
			b->last_seen_ns = now;
	} else {
		__sync_fetch_and_add(&b->down_packets, 1);
		__sync_fetch_and_add(&b->down_bytes, bytes);
	}
}

/*
 * Tunnel the IPv6 packet at XP_ETH_HLEN to b->peer and send it on.  The
 * caller has checked the binding and the hop limit.  The next hop is
 * resolved before the frame changes, so an oversize packet can still be
 * answered with a Packet Too Big; once encapsulated, the packet only ever
 * leaves encapsulated (to the stack when the neighbour is unresolved).
 */
static __always_inline int encap_forward(void *ctx, const int hook,
					 struct xp_binding *b, bool up,
					 __u32 stat_ok)
{
	struct xp_nexthop nh = {};
	struct ipv6hdr *ip6;
	__u32 inner_len;
	void *data, *end;
	int res;

	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	ip6 = data + XP_ETH_HLEN;
	if ((void *)(ip6 + 1) > end)
		return stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
	inner_len = XP_IPV6_HLEN + bpf_ntohs(ip6->payload_len);

	res = nexthop_of_peer(ctx, hook, &b->peer,
			      inner_len + XP_TUNNEL_OVERHEAD, &nh);
	if (res == XP_NH_TOO_BIG) {
		/* RFC 2473 §7: the tunnel MTU is the path MTU less 40 */
		if (hook != XP_HOOK_TC_EGRESS && nh.mtu > XP_TUNNEL_OVERHEAD)
			return send_ptb(ctx, hook, nh.mtu - XP_TUNNEL_OVERHEAD);
		/*
		 * XXX: no Packet Too Big for the gateway's own packets; the
		 * LMA's route for the home network prefixes carries the
		 * tunnel MTU instead, so its stack never builds them.
		 */
		return stat_drop(ctx, hook, XP_STAT_DROP_TOO_BIG);
	}
	if (res == XP_NH_DROP)
		return stat_drop(ctx, hook, XP_STAT_DROP_FIB);

	/* RFC 2473 §3.1: the entry point forwards the inner packet */
	if (hook != XP_HOOK_TC_EGRESS)
		ip6->hop_limit--;
	if (tunnel_push(ctx, hook, &b->peer))
		return stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
	binding_count(b, up, inner_len);

	if (res == XP_NH_NEIGH) {
		stat_count(XP_STAT_PASS_NEIGH, pkt_len(ctx, hook));
		/* egress: the kernel already chose the (wrong) neighbour */
		if (hook == XP_HOOK_TC_EGRESS)
			return bpf_redirect_neigh(nh.ifindex, NULL, 0, 0);
		return act_pass(hook);
	}
	if (res == XP_NH_PASS)
		return stat_pass(ctx, hook, XP_STAT_PASS_FIB);
	stat_count(stat_ok, pkt_len(ctx, hook));
	return send_to(ctx, hook, &nh);
}

/*
 * MAG: a frame from a MAC that has no binding yet.  Tell the daemon, at
 * most once per XP_ATTACH_EVENT_GAP_NS per (interface, MAC).
 */
static __always_inline void attach_event(const struct xp_mn_key *key,
					 const struct in6_addr *src)
{
	__u64 now = bpf_ktime_get_ns(), *last;
	struct xp_event *ev;

	last = bpf_map_lookup_elem(&attach_seen, key);
	if (last && now - *last < XP_ATTACH_EVENT_GAP_NS) {
		stat_count(XP_STAT_EVENT_RATE_LIMITED, 0);
		return;
	}
	bpf_map_update_elem(&attach_seen, key, &now, BPF_ANY);

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		stat_count(XP_STAT_EVENT_LOST, 0);
		return;
	}
	ev->type = XP_EVENT_ATTACH;
	ev->ifindex = key->ifindex;
	__builtin_memcpy(ev->mac, key->mac, XP_ETH_ALEN);
	ev->pad = 0;
	ev->src = *src;
	ev->ts_ns = now;
	bpf_ringbuf_submit(ev, 0);
	stat_count(XP_STAT_EVENT_SENT, 0);
}

#endif /* XPMIP_BPF_FORWARD_H */
