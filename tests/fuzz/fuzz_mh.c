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
 * An input starting with 0xff (a Payload Proto the parser refuses at once)
 * instead describes a struct mh_msg and a buffer size: mh_build must then
 * refuse it or stay inside the buffer, and what it built must parse back
 * to the same message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "mh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bytes of fuzz input, read front to back; zeros once used up. */

static void build_from_struct(const uint8_t *data, size_t size)
{
	struct input in = {.p = data, .left = size};
	struct mh_msg m, p;
	struct mh_opts *o = &m.opts;
	uint8_t *buf, flags;
	size_t bufsz;
	int n;

	memset(&m, 0, sizeof(m));
	m.type = take(&in);
	m.status = take(&in);
	m.seq = (uint16_t)(take(&in) << 8 | take(&in));
	m.flags = (uint16_t)(take(&in) << 8 | take(&in));
	m.lifetime = (uint16_t)(take(&in) << 8 | take(&in));
	take_bytes(&in, &m.be_hoa, 16);
	flags = take(&in);
	o->has_mn_id = flags & 1;
	o->has_hi = flags & 2;
	o->has_att = flags & 4;
	o->has_ll_id = flags & 8;
	o->has_lla = flags & 16;
	o->has_timestamp = flags & 32;
	o->has_refresh = flags & 64;
	o->mn_id_subtype = take(&in);
	o->mn_id_len = take(&in);
	o->n_hnp = take(&in) % 16;
	o->hi = take(&in);
	o->att = take(&in);
	o->ll_id_len = take(&in) % 32;
	take_bytes(&in, &o->timestamp, 8);
	take_bytes(&in, &o->refresh, 2);
	take_bytes(&in, &o->lla, 16);
	take_bytes(&in, o->ll_id, MH_LL_ID_MAX);
	take_bytes(&in, o->hnp, sizeof(o->hnp));
	bufsz = (size_t)(take(&in) << 8 | take(&in)) % (MH_MAX_LEN + 1);
	take_bytes(&in, o->mn_id, MH_MN_ID_MAX);

	/* an exact-size heap buffer, so ASan sees any write past it */
	buf = malloc(bufsz ? bufsz : 1);
	if (!buf)
		return;
	n = mh_build(&m, buf, bufsz);
	if (n >= 0) {
		if ((size_t)n > bufsz || n % 8 || buf[1] != n / 8 - 1)
			abort();
		/* fields the type does not carry (RFC 6275 §6.1.7-6.1.9) */
		if (m.type == MH_TYPE_BE)
			m.seq = m.flags = m.lifetime = 0;
		else
			memset(&m.be_hoa, 0, sizeof(m.be_hoa));
		if (m.type == MH_TYPE_BU)
			m.status = 0;
		if (mh_parse(buf, (size_t)n, &p, NULL) || !mh_msg_equal(&m, &p))
			abort();
	} else if (n != -EINVAL && n != -ENOSPC) {
		abort();
	}
	free(buf);
}

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

	if (size && data[0] == 0xff) {
		build_from_struct(data + 1, size - 1);
		return 0;
	}
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
