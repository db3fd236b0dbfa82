// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the Router Solicitation parser: any bytes are a
 * received IPv6 packet.  An accepted RS must be consistent, and the RA
 * builder must accept what the parser hands the daemon.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[16];
	struct nd_rs_info rs;
	struct nd_prefix pi = {.plen = 64, .valid_s = 10};
	struct nd_ra_params p = {.prefixes = &pi, .n_prefixes = 1};
	uint8_t out[ND_RA_MAX_LEN];
	uint8_t *copy;

	/* a private copy, so ASan sees any read past the end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (nd_rs_parse(copy, size, &rs) == 0) {
		if (size < ND_IPV6_HLEN + ND_RS_HLEN || copy[7] != 255 ||
		    copy[ND_IPV6_HLEN] != ND_ICMP6_RS)
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
	free(copy);
	return 0;
}
