// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the Router Solicitation parser: the bytes after the
 * first are a received IPv6 packet.  If the first byte is odd, the ICMPv6
 * checksum is fixed up first, so mutations reach the option walk instead
 * of stopping at the checksum.  An accepted RS must be consistent, and the
 * RA builder must accept what the parser hands the daemon.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

static void fix_checksum(uint8_t *pkt, size_t len)
{
	struct in6_addr src, dst;
	size_t plen;
	uint16_t c;

	if (len < ND_IPV6_HLEN + 4)
		return;
	plen = (size_t)pkt[4] << 8 | pkt[5];
	if (plen < 4 || plen > len - ND_IPV6_HLEN)
		return;
	memcpy(&src, pkt + 8, 16);
	memcpy(&dst, pkt + 24, 16);
	pkt[ND_IPV6_HLEN + 2] = pkt[ND_IPV6_HLEN + 3] = 0;
	c = nd_icmp6_csum(&src, &dst, pkt + ND_IPV6_HLEN, plen);
	pkt[ND_IPV6_HLEN + 2] = c >> 8;
	pkt[ND_IPV6_HLEN + 3] = c & 0xff;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[16];
	struct nd_rs_info rs;
	struct nd_prefix pi = {.plen = 64, .valid_s = 10};
	struct nd_ra_params p = {.prefixes = &pi, .n_prefixes = 1};
	uint8_t out[ND_RA_MAX_LEN];
	uint8_t *pkt;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	/* a private copy, so ASan sees any read past the end */
	pkt = malloc(len ? len : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data + 1, len);
	if (data[0] & 1)
		fix_checksum(pkt, len);

	if (nd_rs_parse(pkt, len, &rs) == 0) {
		if (len < ND_IPV6_HLEN + ND_RS_HLEN || pkt[7] != 255 ||
		    pkt[ND_IPV6_HLEN] != ND_ICMP6_RS)
			abort();
		if (rs.has_slla && memcmp(&rs.src, zero, 16) == 0)
			abort();
		/* answer it, as the daemon would */
		p.src.s6_addr[0] = 0xfe;
		p.src.s6_addr[1] = 0x80;
		p.dst = rs.src;
		p.has_slla = rs.has_slla;
		memcpy(p.slla, rs.slla, 6);
		if (nd_ra_build(out, sizeof(out), &p) <= 0)
			abort();
	}
	free(pkt);
	return 0;
}
