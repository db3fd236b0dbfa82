// SPDX-License-Identifier: BSD-2-Clause
/* Router Advertisement builder and Router Solicitation parser (RFC 4861). */
#include <errno.h>
#include <string.h>

#include "nd.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool addr_is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

static bool addr_is_unspecified(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return memcmp(a, &any, sizeof(any)) == 0;
}

/* ff02::<last> */
static bool addr_is_ll_group(const struct in6_addr *a, uint8_t last)
{
	static const uint8_t head[15] = {0xff, 0x02};

	return memcmp(a->s6_addr, head, sizeof(head)) == 0 &&
	       a->s6_addr[15] == last;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t nd_icmp6_csum(const struct in6_addr *src, const struct in6_addr *dst,
		       const uint8_t *msg, size_t len)
{
	uint8_t tail[8] = {0};
	uint32_t sum = 0;

	/* RFC 8200 §8.1 pseudo-header: src, dst, length, next header */
	sum = sum16(sum, src->s6_addr, 16);
	sum = sum16(sum, dst->s6_addr, 16);
	put32(tail, (uint32_t)len);
	tail[7] = IPPROTO_ICMPV6;
	sum = sum16(sum, tail, sizeof(tail));
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_ip6_header(uint8_t *buf, const struct in6_addr *src,
			   const struct in6_addr *dst, size_t payload)
{
	memset(buf, 0, ND_IPV6_HLEN);
	buf[0] = 0x60;
	put16(buf + 4, (uint16_t)payload);
	buf[6] = IPPROTO_ICMPV6;
	buf[7] = ND_HOP_LIMIT;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
}

static void put_prefix_opt(uint8_t *o, const struct nd_prefix *pi)
{
	unsigned int full = pi->plen / 8, rest = pi->plen % 8;

	memset(o, 0, ND_OPT_PREFIX_LEN);
	o[0] = ND_OPT_PREFIX;
	o[1] = ND_OPT_PREFIX_LEN / 8;
	o[2] = pi->plen;
	o[3] = pi->flags & (ND_PI_F_ONLINK | ND_PI_F_AUTO);
	put32(o + 4, pi->valid_s);
	put32(o + 8, pi->preferred_s);
	/* RFC 4861 §4.6.2: bits after the prefix length are zero */
	memcpy(o + 16, pi->prefix.s6_addr, full);
	if (rest)
		o[16 + full] =
		    pi->prefix.s6_addr[full] & (uint8_t)(0xff << (8 - rest));
}

int nd_ra_build(uint8_t *buf, size_t size, const struct nd_ra_params *p)
{
	size_t len = ND_IPV6_HLEN + ND_RA_HLEN, i;
	uint8_t *icmp, *o;

	if (p->n_prefixes > ND_MAX_PREFIXES || (p->n_prefixes && !p->prefixes))
		return -EINVAL;
	if (!addr_is_link_local(&p->src))
		return -EINVAL;
	for (i = 0; i < p->n_prefixes; i++)
		if (p->prefixes[i].plen > 128 ||
		    p->prefixes[i].preferred_s > p->prefixes[i].valid_s)
			return -EINVAL;
	if (p->has_slla)
		len += ND_OPT_SLLA_LEN;
	if (p->mtu)
		len += ND_OPT_MTU_LEN;
	len += p->n_prefixes * ND_OPT_PREFIX_LEN;
	if (len > size)
		return -ENOSPC;

	put_ip6_header(buf, &p->src, &p->dst, len - ND_IPV6_HLEN);
	icmp = buf + ND_IPV6_HLEN;
	memset(icmp, 0, ND_RA_HLEN);
	icmp[0] = ND_ICMP6_RA;
	icmp[4] = p->cur_hop_limit;
	icmp[5] = p->flags & (ND_RA_F_MANAGED | ND_RA_F_OTHER);
	put16(icmp + 6, p->router_lifetime_s);
	put32(icmp + 8, p->reachable_ms);
	put32(icmp + 12, p->retrans_ms);
	o = icmp + ND_RA_HLEN;

	if (p->has_slla) {
		o[0] = ND_OPT_SLLA;
		o[1] = 1;
		memcpy(o + 2, p->slla, 6);
		o += ND_OPT_SLLA_LEN;
	}
	if (p->mtu) {
		o[0] = ND_OPT_MTU;
		o[1] = 1;
		o[2] = o[3] = 0;
		put32(o + 4, p->mtu);
		o += ND_OPT_MTU_LEN;
	}
	for (i = 0; i < p->n_prefixes; i++, o += ND_OPT_PREFIX_LEN)
		put_prefix_opt(o, &p->prefixes[i]);

	put16(icmp + 2,
	      nd_icmp6_csum(&p->src, &p->dst, icmp, len - ND_IPV6_HLEN));
	return (int)len;
}

int nd_rs_parse(const uint8_t *pkt, size_t len, struct nd_rs_info *out)
{
	const uint8_t *icmp, *o;
	size_t plen, left;

	if (len < ND_IPV6_HLEN + ND_RS_HLEN)
		return -EBADMSG;
	if ((pkt[0] >> 4) != 6)
		return -EBADMSG;
	plen = get16(pkt + 4);
	/* trailing link padding is allowed; a short packet is not */
	if (plen > len - ND_IPV6_HLEN || plen < ND_RS_HLEN)
		return -EBADMSG;
	/* XXX: an RS behind extension headers is refused; hosts send none */
	if (pkt[6] != IPPROTO_ICMPV6)
		return -EPROTO;

	memset(out, 0, sizeof(*out));
	memcpy(&out->src, pkt + 8, 16);
	memcpy(&out->dst, pkt + 24, 16);
	icmp = pkt + ND_IPV6_HLEN;

	/* RFC 4861 §6.1.1: hop limit 255 proves the sender is on-link */
	if (pkt[7] != ND_HOP_LIMIT)
		return -EPROTO;
	if (icmp[0] != ND_ICMP6_RS || icmp[1] != 0)
		return -EPROTO;
	if (nd_icmp6_csum(&out->src, &out->dst, icmp, plen) != 0)
		return -EBADMSG;
	if (out->src.s6_addr[0] == 0xff)
		return -EPROTO;
	if (!addr_is_ll_group(&out->dst, 2) &&
	    !addr_is_ll_group(&out->dst, 1) && !addr_is_link_local(&out->dst))
		return -EPROTO;

	/* options: bounded by the message, each at least 8 bytes */
	o = icmp + ND_RS_HLEN;
	left = plen - ND_RS_HLEN;
	while (left > 0) {
		size_t olen;

		if (left < 2)
			return -EBADMSG;
		olen = (size_t)o[1] * 8;
		if (olen == 0 || olen > left)
			return -EBADMSG;
		/* an Ethernet SLLAO is 8 bytes; a longer one is another link */
		if (o[0] == ND_OPT_SLLA && olen == ND_OPT_SLLA_LEN) {
			out->has_slla = true;
			memcpy(out->slla, o + 2, 6);
		}
		o += olen;
		left -= olen;
	}

	/* RFC 4861 §6.1.1: no SLLAO when the source is unspecified */
	if (out->has_slla && addr_is_unspecified(&out->src))
		return -EBADMSG;
	return 0;
}

int nd_rs_build(uint8_t *buf, size_t size, const struct in6_addr *src,
		const struct in6_addr *dst, const uint8_t *slla)
{
	size_t len = ND_IPV6_HLEN + ND_RS_HLEN + (slla ? ND_OPT_SLLA_LEN : 0);
	uint8_t *icmp;

	if (len > size)
		return -ENOSPC;
	put_ip6_header(buf, src, dst, len - ND_IPV6_HLEN);
	icmp = buf + ND_IPV6_HLEN;
	memset(icmp, 0, len - ND_IPV6_HLEN);
	icmp[0] = ND_ICMP6_RS;
	if (slla) {
		icmp[8] = ND_OPT_SLLA;
		icmp[9] = 1;
		memcpy(icmp + 10, slla, 6);
	}
	put16(icmp + 2, nd_icmp6_csum(src, dst, icmp, len - ND_IPV6_HLEN));
	return (int)len;
}
