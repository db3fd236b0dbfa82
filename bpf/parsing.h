/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Header parsing.  Every bounds check sits next to the access it guards.
 * All offsets are from the start of the frame.
 */
#ifndef XPMIP_BPF_PARSING_H
#define XPMIP_BPF_PARSING_H

#include "common.h"

#define XP_NH_HOPOPTS	 0
#define XP_NH_TCP	 6
#define XP_NH_UDP	 17
#define XP_NH_ROUTING	 43
#define XP_NH_FRAGMENT	 44
#define XP_NH_DSTOPTS	 60
#define XP_MAX_EXT_HDRS	 4   /* walked before giving up */
#define XP_MAX_EXT_BYTES 256 /* walked before giving up */

enum xp_parse {
	XP_PARSE_OK = 0,
	XP_PARSE_NOT_IPV6,  /* not an IPv6 frame: for the stack */
	XP_PARSE_TRUNCATED, /* shorter than its headers say */
};

/*
 * Ethernet + fixed IPv6 header at XP_ETH_HLEN.  The frame must hold the
 * whole payload the IPv6 header announces (Ethernet padding may follow).
 */
static __always_inline int parse_ip6(void *ctx, const int hook,
				     struct ipv6hdr **ip6_out)
{
	void *data, *end;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;

	pkt_pull(ctx, hook, XP_ETH_HLEN + XP_IPV6_HLEN);
	data = pkt_data(ctx, hook);
	end = pkt_end(ctx, hook);
	eth = data;
	if ((void *)(eth + 1) > end)
		return XP_PARSE_TRUNCATED;
	if (eth->h_proto != bpf_htons(XP_ETH_P_IPV6))
		return XP_PARSE_NOT_IPV6;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > end)
		return XP_PARSE_TRUNCATED;
	if (ip6->version != 6)
		return XP_PARSE_NOT_IPV6;
	if (XP_ETH_HLEN + XP_IPV6_HLEN + bpf_ntohs(ip6->payload_len) >
	    pkt_len(ctx, hook))
		return XP_PARSE_TRUNCATED;
	*ip6_out = ip6;
	return XP_PARSE_OK;
}

/* What follows the IPv6 header once the extension headers are walked. */
struct xp_ext {
	__u32 off;     /* offset of the upper-layer header */
	__u8 nexthdr;  /* its protocol number */
	bool fragment; /* a fragment header was seen */
	bool routing;  /* a routing header with segments left */
	bool too_deep; /* gave up walking */
};

/*
 * Walk hop-by-hop, routing, fragment and destination options headers
 * (RFC 8200 §4) after the IPv6 header at XP_ETH_HLEN.
 * Returns XP_PARSE_TRUNCATED if a header runs past the frame.
 */
static __always_inline int parse_ext(void *ctx, const int hook, __u8 nexthdr,
				     struct xp_ext *ext)
{
	__u32 off = XP_ETH_HLEN + XP_IPV6_HLEN;
	void *data, *end;
	__u8 *h;
	int i;

	ext->fragment = false;
	ext->routing = false;
	ext->too_deep = false;
	for (i = 0; i < XP_MAX_EXT_HDRS; i++) {
		if (nexthdr != XP_NH_HOPOPTS && nexthdr != XP_NH_ROUTING &&
		    nexthdr != XP_NH_FRAGMENT && nexthdr != XP_NH_DSTOPTS)
			break;
		if (off > XP_ETH_HLEN + XP_IPV6_HLEN + XP_MAX_EXT_BYTES) {
			ext->too_deep = true;
			break;
		}
		pkt_pull(ctx, hook, off + 8);
		data = pkt_data(ctx, hook);
		end = pkt_end(ctx, hook);
		h = data + off;
		if ((void *)(h + 8) > end)
			return XP_PARSE_TRUNCATED;
		if (nexthdr == XP_NH_FRAGMENT) {
			ext->fragment = true;
			nexthdr = h[0];
			off += 8;
			continue;
		}
		/* RFC 8200 §4.4: segments left is the fourth byte */
		if (nexthdr == XP_NH_ROUTING && h[3] != 0)
			ext->routing = true;
		nexthdr = h[0];
		off += ((__u32)h[1] + 1) * 8;
	}
	if (i == XP_MAX_EXT_HDRS &&
	    (nexthdr == XP_NH_HOPOPTS || nexthdr == XP_NH_ROUTING ||
	     nexthdr == XP_NH_FRAGMENT || nexthdr == XP_NH_DSTOPTS))
		ext->too_deep = true;
	if (off > pkt_len(ctx, hook))
		return XP_PARSE_TRUNCATED;
	ext->off = off;
	ext->nexthdr = nexthdr;
	return XP_PARSE_OK;
}

#endif /* XPMIP_BPF_PARSING_H */
