// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the Mobility Header parser, the code that reads
 * bytes straight from the network.  Beyond "no crash, no leak, no read past
 * the buffer" (ASan, UBSan) it checks properties:
 *   - a refused message has a known error code and an offset inside it;
 *   - anything parsed rebuilds, and the rebuilt bytes parse to the same
 *     message (parse -> build -> parse);
 *   - building is deterministic, and the rebuilt length is a multiple of 8
 *     matching its Header Len (RFC 6275 §6.1.1);
 *   - a checksum set on the rebuilt message verifies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr src = {
	    .s6_addr = {0x20, 0x01, 0x0d, 0xb8, 0xa, [15] = 1}};
	static const struct in6_addr dst = {
	    .s6_addr = {0x20, 0x01, 0x0d, 0xb8, 0xb, [15] = 1}};
	uint8_t buf[MH_MAX_LEN], again[MH_MAX_LEN];
	struct mh_parse_err err;
	struct mh_msg m, m2;
	int n, n2;

	if (mh_parse(data, size, &m, &err) != 0) {
		if (err.code <= MH_OK || err.code > MH_E_TOO_MANY_HNP ||
		    err.offset > size)
			abort();
		return 0;
	}
	if (err.code != MH_OK)
		abort();

	n = mh_build(&m, buf, sizeof(buf));
	if (n < 16 || n % 8 || buf[1] != n / 8 - 1)
		abort();
	if (mh_parse(buf, (size_t)n, &m2, &err) != 0)
		abort();
	if (!mh_msg_equal(&m, &m2) || !mh_msg_equal(&m2, &m))
		abort();
	n2 = mh_build(&m2, again, sizeof(again));
	if (n2 != n || memcmp(buf, again, (size_t)n))
		abort();

	mh_set_checksum(buf, (size_t)n, &src, &dst);
	if (!mh_checksum_ok(buf, (size_t)n, &src, &dst))
		abort();
	return 0;
}
