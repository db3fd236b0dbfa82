/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Neighbor Discovery codec for the MAG's access links (RFC 4861): build a
 * Router Advertisement as a complete IPv6 packet, and parse a received
 * Router Solicitation strictly.  Pure functions over byte buffers: no I/O,
 * no allocation, so the parser can be fuzzed on its own (fuzz_nd.c).
 *
 * Packets start at the IPv6 header: the RA sender uses an AF_PACKET
 * SOCK_DGRAM socket so it can address the node's MAC directly (RFC 6085),
 * hence this codec also fills the IPv6 header and the ICMPv6 checksum.
 */
#ifndef XPMIP_ND_H
#define XPMIP_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define ND_IPV6_HLEN 40
#define ND_ICMP6_RS  133
#define ND_ICMP6_RA  134
#define ND_HOP_LIMIT 255 /* RFC 4861 §6.1.1, §6.1.2 */

/* ND option types (RFC 4861 §4.6) */
#define ND_OPT_SLLA   1 /* source link-layer address */
#define ND_OPT_TLLA   2
#define ND_OPT_PREFIX 3 /* prefix information */
#define ND_OPT_MTU    5

/* RA flags byte (RFC 4861 §4.2) */
#define ND_RA_F_MANAGED 0x80
#define ND_RA_F_OTHER	0x40
/* Prefix information flags byte (RFC 4861 §4.6.2) */
#define ND_PI_F_ONLINK 0x80 /* L */
#define ND_PI_F_AUTO   0x40 /* A */

#define ND_RA_HLEN	     16 /* RA header, before options */
#define ND_RS_HLEN	     8	/* RS header, before options */
#define ND_OPT_SLLA_LEN	     8	/* Ethernet SLLAO */
#define ND_OPT_MTU_LEN	     8
#define ND_OPT_PREFIX_LEN    32
#define ND_MAX_PREFIXES	     8 /* as many as a PBA can carry */
#define ND_LIFETIME_INFINITE 0xffffffffu
#define ND_RA_MAX_LEN                                                          \
	(ND_IPV6_HLEN + ND_RA_HLEN + ND_OPT_SLLA_LEN + ND_OPT_MTU_LEN +        \
	 ND_MAX_PREFIXES * ND_OPT_PREFIX_LEN)

/* One Prefix Information option (RFC 4861 §4.6.2) */
struct nd_prefix {
	struct in6_addr prefix; /* bits beyond plen are sent zeroed */
	uint8_t plen;
	uint8_t flags;	      /* ND_PI_F_* */
	uint32_t valid_s;     /* 0 withdraws (RFC 5213 §6.12) */
	uint32_t preferred_s; /* must not exceed valid_s */
};

/* Everything a Router Advertisement carries */
struct nd_ra_params {
	struct in6_addr src;	    /* the MAG's link-local address */
	struct in6_addr dst;	    /* node's link-local or ff02::1 */
	uint8_t cur_hop_limit;	    /* 0: unspecified */
	uint8_t flags;		    /* ND_RA_F_* */
	uint16_t router_lifetime_s; /* 0: not a default router */
	uint32_t reachable_ms;	    /* 0: unspecified */
	uint32_t retrans_ms;	    /* 0: unspecified */
	bool has_slla;
	uint8_t slla[6]; /* our (possibly fixed) MAC */
	uint32_t mtu;	 /* 0: no MTU option */
	const struct nd_prefix *prefixes;
	size_t n_prefixes; /* at most ND_MAX_PREFIXES */
};

/*
 * Write the RA as an IPv6 packet (header, ICMPv6 RA with checksum, options
 * in the order SLLAO, MTU, prefixes) into buf.  Returns its length, or
 * -ENOSPC if size is too small, -EINVAL for bad parameters (too many
 * prefixes, plen > 128, preferred > valid, source not link-local:
 * RFC 4861 §6.1.2 has nodes drop RAs from other sources).
 */
int nd_ra_build(uint8_t *buf, size_t size, const struct nd_ra_params *p);

/* What a valid Router Solicitation tells us */
struct nd_rs_info {
	struct in6_addr src; /* may be :: */
	struct in6_addr dst;
	bool has_slla;
	uint8_t slla[6]; /* from the SLLAO, when present */
};

/*
 * Parse and validate an IPv6 packet holding a Router Solicitation, by the
 * rules of RFC 4861 §6.1.1: IPv6 version 6, payload length within len, next
 * header ICMPv6 (no extension headers), hop limit 255, ICMPv6 type 133 code
 * 0, checksum correct, ICMPv6 length >= 8, every option with a non-zero
 * length that stays inside the message, no SLLAO from the unspecified
 * source.  We also refuse a multicast source and a destination other than
 * ff02::2, ff02::1 or a link-local unicast address.  Returns 0 and fills
 * out, or -EBADMSG (malformed) / -EPROTO (well-formed but not acceptable).
 */
int nd_rs_parse(const uint8_t *pkt, size_t len, struct nd_rs_info *out);

/*
 * ICMPv6 checksum (RFC 4443 §2.3) over the pseudo-header and msg; the
 * checksum field inside msg must be zero (or is then verified: a message
 * with a correct checksum sums to 0).
 */
uint16_t nd_icmp6_csum(const struct in6_addr *src, const struct in6_addr *dst,
		       const uint8_t *msg, size_t len);

/* Write the RS a host would send (tests, tools); its length or -errno */
int nd_rs_build(uint8_t *buf, size_t size, const struct in6_addr *src,
		const struct in6_addr *dst, const uint8_t *slla);

#endif /* XPMIP_ND_H */
