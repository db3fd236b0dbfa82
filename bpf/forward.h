/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the roles share: the encapsulating tail of the LMA downlink and the
 * MAG uplink, the tunnel exit of the LMA uplink and the MAG downlink, and
 * the attach event of the MAG access side.
 */
#ifndef XPMIP_BPF_FORWARD_H
#define XPMIP_BPF_FORWARD_H

#include "fib.h"
#include "icmp.h"
#include "tunnel.h"

/* Which binding counters a packet moves (and whether last_seen_ns too). */
enum xp_count {
	XP_COUNT_DOWN,	  /* toward the mobile node */
	XP_COUNT_UP,	  /* from the mobile node, LMA: no last_seen_ns */
	XP_COUNT_UP_SEEN, /* from the mobile node, MAG: its inactivity timer */
};

static __always_inline void binding_count(struct xp_binding *b, const int dir,
					  __u32 bytes)
{
	__u64 now;

	if (dir == XP_COUNT_DOWN) {
		__sync_fetch_and_add(&b->down_packets, 1);
		__sync_fetch_and_add(&b->down_bytes, bytes);
		return;
	}
	__sync_fetch_and_add(&b->up_packets, 1);
	__sync_fetch_and_add(&b->up_bytes, bytes);
	if (dir != XP_COUNT_UP_SEEN)
		return;
	/* coarse: a tick is enough for inactivity, and 30 ns cheaper */
	now = bpf_ktime_get_coarse_ns();
	if (b->last_seen_ns != now)
		b->last_seen_ns = now;
}

/*
 * Tunnel the IPv6 packet at XP_ETH_HLEN to b->peer and send it on.  The
 * caller has checked the binding and the hop limit.  The next hop is
 * resolved before the frame changes, so an oversize packet can still be
 * answered with a Packet Too Big; once encapsulated, the packet only ever
 * leaves encapsulated (to the stack when the neighbour is unresolved).
 */
static __always_inline int encap_forward(void *ctx, const int hook,
					 struct xp_binding *b, const int dir,
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
	binding_count(b, dir, inner_len);

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
 * Tunnel exit, first half, shared by the LMA uplink and the MAG downlink:
 * the IPv6-in-IPv6 packet whose outer header chain (ext, from parse_ext)
 * ends at ext->off must carry a whole inner IPv6 packet and come from the
 * peer of the binding of the inner source (LMA, by_src) or destination
 * (MAG).  RFC 5213 §5.6.2, §6.10.5.  Returns the active binding and the
 * inner header, or NULL with the counted verdict in *verdict.
 */
static __always_inline struct xp_binding *
tunnel_rx(void *ctx, const int hook, const struct xp_ext *ext,
	  const bool by_src, struct ipv6hdr **inner_out, int *verdict)
{
	struct ipv6hdr *outer, *inner;
	struct xp_hnp_key key;
	struct xp_binding *b;
	__u32 off = ext->off;
	void *data, *end;

	if (ext->fragment) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_FRAGMENT);
		return NULL;
	}
	if (ext->routing || ext->too_deep ||
	    off > XP_ETH_HLEN + XP_MAX_OUTER_LEN) {
		*verdict = stat_pass(ctx, hook, XP_STAT_PASS_EXT_HDR);
		return NULL;
	}

	pkt_pull(ctx, hook, off + XP_IPV6_HLEN);
	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	outer = data + XP_ETH_HLEN;
	inner = data + off;
	if ((void *)(outer + 1) > end || (void *)(inner + 1) > end) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
		return NULL;
	}
	if (inner->version != 6) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_BAD_INNER);
		return NULL;
	}
	if (off + XP_IPV6_HLEN + bpf_ntohs(inner->payload_len) >
	    pkt_len(ctx, hook)) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
		return NULL;
	}

	hnp_key_of(&key, by_src ? &inner->saddr : &inner->daddr);
	b = bpf_map_lookup_elem(&bindings, &key);
	if (!b) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_NO_BINDING);
		return NULL;
	}
	if (!ip6_addr_equal(&b->peer, &outer->saddr)) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_WRONG_PEER);
		return NULL;
	}
	if (!(b->flags & XP_BIND_F_ACTIVE)) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_INACTIVE);
		return NULL;
	}
	*inner_out = inner;
	return b;
}

/*
 * Tunnel exit, second half: RFC 6040 §4.2 on the inner ECN field, count
 * the packet on b, strip the outer header chain.  Returns the inner header,
 * now at XP_ETH_HLEN, or NULL with the counted verdict in *verdict.
 */
static __always_inline struct ipv6hdr *
tunnel_exit(void *ctx, const int hook, __u32 off, struct ipv6hdr *inner,
	    struct xp_binding *b, const int dir, int *verdict)
{
	struct ipv6hdr *outer;
	void *data, *end;

	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	outer = data + XP_ETH_HLEN;
	if ((void *)(outer + 1) > end) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
		return NULL;
	}
	if (tunnel_ecn_decap(ip6_tclass(outer), inner)) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_ECN);
		return NULL;
	}
	binding_count(b, dir, XP_IPV6_HLEN + bpf_ntohs(inner->payload_len));
	if (tunnel_pop(ctx, hook, off - XP_ETH_HLEN)) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_ADJUST);
		return NULL;
	}

	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	inner = data + XP_ETH_HLEN;
	if ((void *)(inner + 1) > end) {
		*verdict = stat_drop(ctx, hook, XP_STAT_DROP_TRUNCATED);
		return NULL;
	}
	return inner;
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
