// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mobility Header codec tests.  Expected bytes are written out by hand from
 * the RFC figures and the layout in shared/spec/PMIPV6.md §2.5, never
 * produced by the code under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "mh.h"

static const uint8_t mac1[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};

static void addr(struct in6_addr *a, const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

static void set_mn_id(struct mh_opts *o, const char *nai)
{
	o->has_mn_id = true;
	o->mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
	o->mn_id_len = (uint8_t)strlen(nai);
	memcpy(o->mn_id, nai, strlen(nai));
}

/* The initial PBU of the digest's worked example (§2.5) */
static void worked_pbu(struct mh_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = 0x1234;
	m->flags = MH_BU_F_A | MH_BU_F_P;
	m->lifetime = 0x0096;
	set_mn_id(&m->opts, "mn1@example.com");
	m->opts.n_hnp = 1;
	m->opts.has_hi = true;
	m->opts.hi = MH_HI_NEW_IF;
	m->opts.has_att = true;
	m->opts.att = MH_ATT_8023;
	m->opts.has_timestamp = true;
	m->opts.timestamp = 0x0000656b8a00c000ULL;
	m->opts.has_ll_id = true;
	m->opts.ll_id_len = 6;
	memcpy(m->opts.ll_id, mac1, 6);
}

/* clang-format off */
static const uint8_t worked_pbu_bytes[88] = {
	/* 0: Payload Proto 59, Header Len 10, MH Type 5, Reserved */
	0x3b, 10, 5, 0,
	/* 4: checksum 0, Sequence # */
	0, 0, 0x12, 0x34,
	/* 8: flags A|P, Lifetime */
	0x82, 0x00, 0x00, 0x96,
	/* 12: MN-ID, Len 16, subtype NAI, "mn1@example.com" */
	0x08, 16, 1, 'm', 'n', '1', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	'.', 'c', 'o', 'm',
	/* 30: PadN so that the HNP starts at 36 (8n+4) */
	0x01, 4, 0, 0, 0, 0,
	/* 36: HNP, Len 18, Reserved, Prefix Length 0, ALL_ZERO prefix */
	0x16, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 56: HI 1, ATT 3 */
	0x17, 2, 0, 1, 0x18, 2, 0, 3,
	/* 64: PadN so that the Timestamp starts at 66 (8n+2) */
	0x01, 0,
	/* 66: Timestamp */
	0x1b, 8, 0x00, 0x00, 0x65, 0x6b, 0x8a, 0x00, 0xc0, 0x00,
	/* 76: MN LL-ID, Len 8, Reserved 16, MAC */
	0x19, 8, 0, 0, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,
	/* 86: PadN to 88 */
	0x01, 0,
};
/* clang-format on */

/* RFC 5213 §2.5 of the digest: the worked initial PBU, 88 bytes, HL 10 */
static void test_rfc5213_8_1_worked_initial_pbu_build(void **state)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	int n;

	(void)state;
	worked_pbu(&m);
	n = mh_build(&m, buf, sizeof(buf));
	assert_int_equal(n, 88);
	assert_int_equal(buf[1], 10);
	assert_memory_equal(buf, worked_pbu_bytes, 88);
}

static void test_rfc5213_8_1_worked_initial_pbu_parse(void **state)
{
	struct mh_parse_err err;
	struct mh_msg m, want;

	(void)state;
	worked_pbu(&want);
	assert_int_equal(mh_parse(worked_pbu_bytes, 88, &m, &err), 0);
	assert_int_equal(err.code, MH_OK);
	assert_int_equal(m.type, MH_TYPE_BU);
	assert_int_equal(m.seq, 0x1234);
	assert_int_equal(m.flags, MH_BU_F_A | MH_BU_F_P);
	assert_int_equal(m.lifetime, 0x96);
	assert_int_equal(mh_lifetime_secs(m.lifetime), 600);
	assert_true(m.opts.has_mn_id);
	assert_int_equal(m.opts.mn_id_subtype, 1);
	assert_int_equal(m.opts.mn_id_len, 15);
	assert_memory_equal(m.opts.mn_id, "mn1@example.com", 15);
	assert_int_equal(m.opts.n_hnp, 1);
	assert_int_equal(m.opts.hnp[0].plen, 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&m.opts.hnp[0].prefix));
	assert_true(m.opts.has_hi);
	assert_int_equal(m.opts.hi, 1);
	assert_true(m.opts.has_att);
	assert_int_equal(m.opts.att, 3);
	assert_true(m.opts.has_timestamp);
	assert_int_equal(m.opts.timestamp, 0x0000656b8a00c000ULL);
	assert_true(m.opts.has_ll_id);
	assert_int_equal(m.opts.ll_id_len, 6);
	assert_memory_equal(m.opts.ll_id, mac1, 6);
	assert_false(m.opts.has_lla);
	assert_false(m.opts.has_refresh);
	assert_true(mh_msg_equal(&m, &want));
}

/* RFC 6275 §6.1.7: a BU without options carries 4 bytes of padding */
static void test_rfc6275_6_1_7_bu_without_options(void **state)
{
	/* clang-format off */
	static const uint8_t want[16] = {
		0x3b, 1, 5, 0, 0, 0, 0xff, 0xfe,
		0x82, 0x00, 0x00, 0x00, 0x01, 2, 0, 0,
	};
	/* clang-format on */
	uint8_t buf[64];
	struct mh_msg m = {
	    .type = MH_TYPE_BU,
	    .seq = 0xfffe,
	    .flags = MH_BU_F_A | MH_BU_F_P,
	    .lifetime = 0,
	};

	(void)state;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 16);
	assert_memory_equal(buf, want, 16);
}

/* RFC 6275 §6.1.8: a BA without options, P flag from RFC 5213 §8.2 */
static void test_rfc6275_6_1_8_ba_without_options(void **state)
{
	/* clang-format off */
	static const uint8_t want[16] = {
		0x3b, 1, 6, 0, 0, 0, 128, 0x20,
		0x00, 0x07, 0x00, 0x00, 0x01, 2, 0, 0,
	};
	/* clang-format on */
	uint8_t buf[64];
	struct mh_msg m = {
	    .type = MH_TYPE_BA,
	    .status = MH_ST_REASON_UNSPECIFIED,
	    .flags = MH_BA_F_P,
	    .seq = 7,
	};
	struct mh_msg p;

	(void)state;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 16);
	assert_memory_equal(buf, want, 16);
	assert_int_equal(mh_parse(want, 16, &p, NULL), 0);
	assert_int_equal(p.status, 128);
	assert_int_equal(p.flags, MH_BA_F_P);
	assert_int_equal(p.seq, 7);
}

/* RFC 5213 §8.2, §5.3.6: an accepted PBA echoing MN-ID, HNP, HI, ATT, TS */
static void test_rfc5213_8_2_pba_accepted_layout(void **state)
{
	/* clang-format off */
	static const uint8_t want[80] = {
		0x3b, 9, 6, 0, 0, 0, 0, 0x20,
		0x12, 0x34, 0x00, 0x96,
		/* 12: MN-ID */
		0x08, 16, 1, 'm', 'n', '1', '@', 'e', 'x', 'a', 'm', 'p', 'l',
		'e', '.', 'c', 'o', 'm',
		/* 30: PadN, 36: HNP 2001:db8:1:1::/64 */
		0x01, 4, 0, 0, 0, 0,
		0x16, 18, 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1,
		0, 0, 0, 0, 0, 0, 0, 0,
		/* 56: HI, ATT, 64: PadN, 66: Timestamp */
		0x17, 2, 0, 1, 0x18, 2, 0, 3, 0x01, 0,
		0x1b, 8, 0x00, 0x00, 0x65, 0x6b, 0x8a, 0x00, 0xc0, 0x00,
		/* 76: PadN to 80 */
		0x01, 2, 0, 0,
	};
	/* clang-format on */
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m, p;

	(void)state;
	worked_pbu(&m);
	m.type = MH_TYPE_BA;
	m.status = MH_ST_ACCEPTED;
	m.flags = MH_BA_F_P;
	m.opts.has_ll_id = false;
	m.opts.ll_id_len = 0;
	memset(m.opts.ll_id, 0, sizeof(m.opts.ll_id));
	m.opts.hnp[0].plen = 64;
	addr(&m.opts.hnp[0].prefix, "2001:db8:1:1::");
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 80);
	assert_memory_equal(buf, want, 80);
	assert_int_equal(mh_parse(want, 80, &p, NULL), 0);
	assert_true(mh_msg_equal(&p, &m));
}

/*
 * RFC 5213 §5.3.1 step 4 and §8.2: a PBA rejecting a PBU without MN-ID
 * carries an empty identifier (Len 1); the HNP still lands on 8n+4.
 */
static void test_rfc5213_5_3_1_pba_rejected_empty_mn_id(void **state)
{
	/* clang-format off */
	static const uint8_t want[48] = {
		0x3b, 5, 6, 0, 0, 0, 160, 0x20,
		0x00, 0x09, 0x00, 0x00,
		/* 12: MN-ID with no identifier, 15: PadN to 20 */
		0x08, 1, 1, 0x01, 3, 0, 0, 0,
		/* 20: ALL_ZERO HNP */
		0x16, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* 40: HI 0, ATT 0 (absent in the PBU); 48 needs no padding */
		0x17, 2, 0, 0, 0x18, 2, 0, 0,
	};
	/* clang-format on */
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m = {
	    .type = MH_TYPE_BA,
	    .status = MH_ST_MISSING_MN_ID,
	    .flags = MH_BA_F_P,
	    .seq = 9,
	};
	struct mh_msg p;

	(void)state;
	m.opts.has_mn_id = true;
	m.opts.mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
	m.opts.n_hnp = 1;
	m.opts.has_hi = true;
	m.opts.has_att = true;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 48);
	assert_memory_equal(buf, want, 48);
	assert_int_equal(mh_parse(want, 48, &p, NULL), 0);
	assert_true(p.opts.has_mn_id);
	assert_int_equal(p.opts.mn_id_len, 0);
	assert_true(mh_msg_equal(&p, &m));
}

/* RFC 6275 §6.1.9: Binding Error, Header Len 2, status 2, HoA :: */
static void test_rfc6275_6_1_9_binding_error(void **state)
{
	/* clang-format off */
	static const uint8_t want[24] = {
		0x3b, 2, 7, 0, 0, 0, 2, 0,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42,
	};
	/* clang-format on */
	uint8_t buf[64];
	struct mh_msg m = {
	    .type = MH_TYPE_BE,
	    .status = MH_BE_UNKNOWN_MH_TYPE,
	};
	struct mh_msg p;

	(void)state;
	addr(&m.be_hoa, "2001:db8::42");
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 24);
	assert_memory_equal(buf, want, 24);
	assert_int_equal(mh_parse(want, 24, &p, NULL), 0);
	assert_int_equal(p.type, MH_TYPE_BE);
	assert_int_equal(p.status, 2);
	assert_memory_equal(&p.be_hoa, &m.be_hoa, 16);
}

/*
 * An independent walk over built options: every option at its alignment
 * (RFC 6275 §6.2, RFC 5213 §8.3, §8.7, §8.8), padding minimal, Pad1 for
 * one byte, PadN with zero contents otherwise, total a multiple of 8.
 */
static void check_layout(const uint8_t *b, int n, size_t first)
{
	size_t off = first, gap = 0, gap_start = first;
	unsigned int x, y;

	assert_int_equal(n % 8, 0);
	assert_int_equal(b[1], n / 8 - 1);
	while (off < (size_t)n) {
		uint8_t t = b[off];

		if (t == MH_OPT_PAD1 || t == MH_OPT_PADN) {
			size_t l =
			    t == MH_OPT_PAD1 ? 1 : 2 + (size_t)b[off + 1];
			size_t i;

			/* PadN never used for one byte, Pad1 never doubled */
			if (gap == 0)
				gap_start = off;
			assert_true(t == MH_OPT_PADN ? l >= 2 : gap == 0);
			for (i = t == MH_OPT_PAD1 ? 0 : 2; i < l; i++)
				assert_int_equal(b[off + i], 0);
			gap += l;
			off += l;
			continue;
		}
		switch (t) {
		case MH_OPT_HNP:
			x = 8;
			y = 4;
			break;
		case MH_OPT_TIMESTAMP:
			x = 8;
			y = 2;
			break;
		case MH_OPT_LLA:
			x = 8;
			y = 6;
			break;
		case MH_OPT_BRA:
			x = 2;
			y = 0;
			break;
		default:
			x = 1;
			y = 0;
			break;
		}
		assert_int_equal(off % x, y);
		/* padding only where the alignment needs it, never more */
		assert_true(gap < x);
		assert_true(gap == 0 || (gap_start + gap) % x == y);
		gap = 0;
		off += 2 + (size_t)b[off + 1];
	}
	assert_int_equal(off, (size_t)n);
	/* trailing padding only to reach a multiple of 8 */
	assert_true(gap < 8);
}

static void test_rfc6275_6_2_alignment_all_options(void **state)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m, p;
	unsigned int id, nh, ll;
	int n;

	(void)state;
	/* vary the bytes before each aligned option */
	for (id = 0; id <= 17; id++)
		for (nh = 0; nh <= 3; nh++)
			for (ll = 0; ll <= 9; ll += 3) {
				memset(&m, 0, sizeof(m));
				m.type = MH_TYPE_BU;
				m.flags = MH_BU_F_A | MH_BU_F_P;
				m.opts.has_mn_id = true;
				m.opts.mn_id_subtype = 1;
				m.opts.mn_id_len = (uint8_t)id;
				memset(m.opts.mn_id, 'a', id);
				m.opts.n_hnp = nh;
				m.opts.has_hi = nh & 1;
				m.opts.has_att = (id & 1) != 0;
				m.opts.has_timestamp = true;
				m.opts.timestamp = 0x1122334455667788ULL;
				m.opts.has_ll_id = true;
				m.opts.ll_id_len = (uint8_t)ll;
				m.opts.has_lla = true;
				addr(&m.opts.lla, "fe80::1");
				m.opts.has_refresh = (ll & 1) != 0;
				m.opts.refresh = 77;
				n = mh_build(&m, buf, sizeof(buf));
				assert_true(n > 0);
				check_layout(buf, n, 12);
				assert_int_equal(mh_parse(buf, n, &p, NULL), 0);
				assert_true(mh_msg_equal(&p, &m));
			}
}

/* Options on a BE also start at an aligned place (offset 24) */
static void test_rfc6275_6_2_alignment_after_be_fixed_part(void **state)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m = {.type = MH_TYPE_BE, .status = 1}, p;
	int n;

	(void)state;
	m.opts.n_hnp = 1;
	m.opts.has_refresh = true;
	n = mh_build(&m, buf, sizeof(buf));
	assert_true(n > 0);
	check_layout(buf, n, 24);
	assert_int_equal(buf[28], MH_OPT_HNP);
	assert_int_equal(mh_parse(buf, n, &p, NULL), 0);
	assert_true(mh_msg_equal(&p, &m));
}

/* Round trips over the message kinds the MAG and LMA send */
static void test_rfc5213_6_9_1_round_trips(void **state)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m, p;
	unsigned int i;
	int n;

	(void)state;
	for (i = 0; i < 6; i++) {
		worked_pbu(&m);
		switch (i) {
		case 1: /* re-registration: assigned prefixes, HI 5 */
			m.opts.n_hnp = 3;
			addr(&m.opts.hnp[0].prefix, "2001:db8:1:1::");
			addr(&m.opts.hnp[1].prefix, "2001:db8:1:2::");
			addr(&m.opts.hnp[2].prefix, "fd00:1::");
			m.opts.hnp[0].plen = m.opts.hnp[1].plen = 64;
			m.opts.hnp[2].plen = 48;
			m.opts.hi = MH_HI_NOT_CHANGED;
			break;
		case 2: /* de-registration */
			m.lifetime = 0;
			m.opts.hi = MH_HI_UNKNOWN;
			break;
		case 3: /* MH_MAX_HNP prefixes and a full-size MN-ID */
			m.opts.n_hnp = MH_MAX_HNP;
			m.opts.hnp[7].plen = 128;
			m.opts.mn_id_len = MH_MN_ID_MAX;
			memset(m.opts.mn_id, 'z', MH_MN_ID_MAX);
			m.opts.ll_id_len = MH_LL_ID_MAX;
			memset(m.opts.ll_id, 0xee, MH_LL_ID_MAX);
			break;
		case 4: /* a PBA with refresh advice and LLA */
			m.type = MH_TYPE_BA;
			m.flags = MH_BA_F_P;
			m.status = MH_ST_TIMESTAMP_MISMATCH;
			m.opts.has_refresh = true;
			m.opts.refresh = 0xabcd;
			m.opts.has_lla = true;
			addr(&m.opts.lla, "fe80::5e:10ff:fe00:1");
			break;
		case 5: /* reserved flag bits survive */
			m.flags = 0xffff;
			break;
		}
		n = mh_build(&m, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(mh_parse(buf, n, &p, NULL), 0);
		assert_true(mh_msg_equal(&p, &m));
	}
}

static void expect_err(const uint8_t *b, size_t len, enum mh_err code,
		       uint32_t pointer)
{
	struct mh_parse_err err;
	struct mh_msg m;

	assert_int_equal(mh_parse(b, len, &m, &err), -EBADMSG);
	assert_int_equal(err.code, code);
	assert_int_equal(err.pointer, pointer);
	assert_string_not_equal(mh_err_str(err.code), "unknown error");
}

/* RFC 6275 §9.2: a message shorter than 8 or than its Header Len */
static void test_rfc6275_9_2_truncated(void **state)
{
	uint8_t b[16] = {0x3b, 1, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1, 1, 2, 0, 0};

	(void)state;
	expect_err(b, 0, MH_E_TRUNCATED, 0);
	expect_err(b, 7, MH_E_TRUNCATED, 0);
	expect_err(b, 8, MH_E_TRUNCATED, 1);
	expect_err(b, 15, MH_E_TRUNCATED, 1);
	assert_int_equal(mh_parse(b, 16, &(struct mh_msg){0}, NULL), 0);
	/* no err pointer is fine */
	assert_int_equal(mh_parse(b, 3, &(struct mh_msg){0}, NULL), -EBADMSG);
}

/* RFC 6275 §9.2: Payload Proto other than 59 -> Parameter Problem, ptr 0 */
static void test_rfc6275_9_2_payload_proto(void **state)
{
	uint8_t b[16] = {6, 1, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1, 1, 2, 0, 0};

	(void)state;
	expect_err(b, 16, MH_E_PAYLOAD_PROTO, 0);
	b[0] = 58;
	expect_err(b, 16, MH_E_PAYLOAD_PROTO, 0);
}

/* RFC 6275 §9.2: Header Len below the type's minimum -> ptr 1 */
static void test_rfc6275_9_2_header_len_below_minimum(void **state)
{
	uint8_t bu[8] = {0x3b, 0, 5, 0, 0, 0, 0, 1};
	uint8_t ba[8] = {0x3b, 0, 6, 0, 0, 0, 0, 0};
	uint8_t be[16] = {0x3b, 1, 7, 0, 0, 0, 2, 0};

	(void)state;
	expect_err(bu, 8, MH_E_HDR_LEN, 1);
	expect_err(ba, 8, MH_E_HDR_LEN, 1);
	expect_err(be, 16, MH_E_HDR_LEN, 1);
}

/*
 * RFC 6275 §9.2: unknown MH Type -> Binding Error status 2.  Heartbeat
 * (RFC 5847 §3) and revocation (RFC 5846 §6.2) are unknown to us on
 * purpose, so the peer learns from the BE.  The type is checked before
 * Payload Proto and Header Len, as §9.2 lists them.
 */
static void test_rfc6275_9_2_unknown_type(void **state)
{
	uint8_t b[16] = {0x3b, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0};
	/* clang-format off */
	static const uint8_t types[] = {
		MH_TYPE_BRR, 1, 2, 3, 4, 8, MH_TYPE_HEARTBEAT, MH_TYPE_BRI,
		255,
	};
	/* clang-format on */
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		b[2] = types[i];
		expect_err(b, 16, MH_E_UNKNOWN_TYPE, 2);
	}
	b[0] = 6;
	b[1] = 0;
	expect_err(b, 8, MH_E_UNKNOWN_TYPE, 2);
}

/* RFC 6275 §6.2.1: unknown options are skipped, later ones still read */
static void test_rfc6275_6_2_1_unknown_option_skipped(void **state)
{
	/* clang-format off */
	static const uint8_t b[24] = {
		0x3b, 2, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1,
		/* 12: GRE Key (33), Len 6; 20: HI */
		33, 6, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0x17, 2, 0, 4,
	};
	/* clang-format on */
	struct mh_msg m;

	(void)state;
	assert_int_equal(mh_parse(b, 24, &m, NULL), 0);
	assert_true(m.opts.has_hi);
	assert_int_equal(m.opts.hi, MH_HI_UNKNOWN);
}

/* RFC 6275 §6.2.1: an option whose length runs past the MH is refused */
static void test_rfc6275_6_2_1_option_past_end(void **state)
{
	/* clang-format off */
	uint8_t b[24] = {
		0x3b, 2, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1,
		0x17, 2, 0, 4, 0x01, 2, 0, 0, 0, 0, 0, 0,
	};
	/* clang-format on */

	(void)state;
	/* PadN at 20 claims 4 data bytes where 2 are left */
	b[20] = 0x01;
	b[21] = 4;
	expect_err(b, 24, MH_E_OPTION, 21);
	/* an unknown option likewise */
	b[20] = 99;
	expect_err(b, 24, MH_E_OPTION, 21);
	/* a type byte in the last place, its length byte missing */
	memset(b + 16, 0, 8);
	b[23] = 0x17;
	expect_err(b, 24, MH_E_OPTION, 23);
	/* bytes after Header Len are not options: cut HL to 1 */
	b[1] = 1;
	assert_int_equal(mh_parse(b, 24, &(struct mh_msg){0}, NULL), 0);
}

/* RFC 5213 §8.3-8.8, RFC 6275 §6.2.4: wrong fixed lengths are refused */
static void test_rfc5213_8_option_wrong_length(void **state)
{
	static const struct {
		uint8_t type, len;
	} bad[] = {
	    {MH_OPT_HNP, 17},
	    {MH_OPT_HNP, 19},
	    {MH_OPT_HI, 1},
	    {MH_OPT_HI, 3},
	    {MH_OPT_ATT, 0},
	    {MH_OPT_ATT, 4},
	    {MH_OPT_LLA, 15},
	    {MH_OPT_LLA, 17},
	    {MH_OPT_TIMESTAMP, 7},
	    {MH_OPT_TIMESTAMP, 9},
	    {MH_OPT_BRA, 1},
	    {MH_OPT_BRA, 3},
	    {MH_OPT_MN_ID, 0},
	    {MH_OPT_LL_ID, 1},
	    {MH_OPT_LL_ID, 2 + MH_LL_ID_MAX + 1},
	};
	uint8_t b[48];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(b, 0, sizeof(b));
		b[0] = 0x3b;
		b[1] = 5;
		b[2] = MH_TYPE_BU;
		b[12] = bad[i].type;
		b[13] = bad[i].len;
		/* the rest is one PadN, so only the bad option is at fault */
		b[14 + bad[i].len] = MH_OPT_PADN;
		b[15 + bad[i].len] = (uint8_t)(48 - 16 - bad[i].len);
		expect_err(b, 48, MH_E_OPTION, 12);
	}
}

/* RFC 5213 §8.1: options other than HNP appear at most once */
static void test_rfc5213_8_1_duplicate_option(void **state)
{
	/* clang-format off */
	static const uint8_t b[24] = {
		0x3b, 2, 5, 0, 0, 0, 0, 1, 0x82, 0, 0, 1,
		0x17, 2, 0, 4, 0x17, 2, 0, 1, 0x01, 2, 0, 0,
	};
	/* clang-format on */

	(void)state;
	expect_err(b, 24, MH_E_OPTION, 16);
}

/* At most MH_MAX_HNP HNP options: the ninth is refused with its own code */
static void test_rfc5213_8_3_too_many_hnp(void **state)
{
	uint8_t b[MH_MAX_LEN];
	struct mh_msg m;
	unsigned int i;
	size_t off = 12, len;

	(void)state;
	memset(b, 0, sizeof(b));
	b[0] = 0x3b;
	b[2] = MH_TYPE_BU;
	for (i = 0; i <= MH_MAX_HNP; i++) {
		b[off] = MH_OPT_HNP;
		b[off + 1] = 18;
		b[off + 3] = 64;
		off += 20;
	}
	/* 12 + 9 * 20 = 192: already a multiple of 8 */
	len = off;
	b[1] = (uint8_t)(len / 8 - 1);
	expect_err(b, len, MH_E_TOO_MANY_HNP, 12 + MH_MAX_HNP * 20);
	/* eight are fine: turn the ninth into PadN */
	b[12 + MH_MAX_HNP * 20] = MH_OPT_PADN;
	assert_int_equal(mh_parse(b, len, &m, NULL), 0);
	assert_int_equal(m.opts.n_hnp, MH_MAX_HNP);
	assert_int_equal(m.opts.hnp[7].plen, 64);
	m.opts.n_hnp = MH_MAX_HNP + 1;
	assert_int_equal(mh_build(&m, b, sizeof(b)), -EINVAL);
}

/* mh_build refuses what it cannot encode and never writes past size */
static void test_mh_build_bounds(void **state)
{
	uint8_t buf[MH_MAX_LEN + 8];
	struct mh_msg m;
	int n, full;
	size_t sz;

	(void)state;
	worked_pbu(&m);
	full = mh_build(&m, buf, sizeof(buf));
	assert_int_equal(full, 88);
	for (sz = 0; sz < (size_t)full; sz++) {
		memset(buf, 0xa5, sizeof(buf));
		n = mh_build(&m, buf, sz);
		assert_int_equal(n, -ENOSPC);
		assert_int_equal(buf[sz], 0xa5);
	}
	m.type = MH_TYPE_HEARTBEAT;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), -EINVAL);
	worked_pbu(&m);
	m.opts.ll_id_len = MH_LL_ID_MAX + 1;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), -EINVAL);
	worked_pbu(&m);
	m.opts.mn_id_len = MH_MN_ID_MAX + 1;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), -EINVAL);
	/* a BA flag outside its one byte would be lost on the wire */
	worked_pbu(&m);
	m.type = MH_TYPE_BA;
	m.flags = 0x100;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), -EINVAL);
	m.flags = 0xff;
	assert_int_equal(mh_build(&m, buf, sizeof(buf)), 88);
	assert_int_equal(buf[7], 0xff);
}

/*
 * RFC 6275 §6.1.1 checksum.  Hand computation for the BU
 * 3b01 0500 0000 0001 8200 0096 0102 0000 from 2001:db8::1 to 2001:db8::2:
 * pseudo-header 2*2001 + 2*0db8 + 1 + 2 + len 0010 + nh 0087 = 5c0c;
 * MH words sum to c39a; 5c0c + c39a = 11fa6 -> 1fa7; ~1fa7 = e058.
 */
static void test_rfc6275_6_1_1_checksum(void **state)
{
	/* clang-format off */
	uint8_t b[16] = { 0x3b, 1, 5, 0, 0, 0, 0, 1,
			  0x82, 0, 0, 0x96, 1, 2, 0, 0 };
	/* clang-format on */
	struct in6_addr s, d;

	(void)state;
	addr(&s, "2001:db8::1");
	addr(&d, "2001:db8::2");
	mh_set_checksum(b, 16, &s, &d);
	assert_int_equal(b[4], 0xe0);
	assert_int_equal(b[5], 0x58);
	assert_true(mh_checksum_ok(b, 16, &s, &d));
	/* any previous checksum is overwritten, not summed in */
	mh_set_checksum(b, 16, &s, &d);
	assert_int_equal(b[4] << 8 | b[5], 0xe058);
	/* wrong addresses or a flipped bit fail */
	assert_false(mh_checksum_ok(b, 16, &d, &d));
	b[11] ^= 1;
	assert_false(mh_checksum_ok(b, 16, &s, &d));
	b[11] ^= 1;
	b[4] ^= 0x80;
	assert_false(mh_checksum_ok(b, 16, &s, &d));
}

/* RFC 5213 §8.8: 48-bit seconds since 1970, 16-bit 1/65536 fraction */
static void test_rfc5213_8_8_timestamp(void **state)
{
	uint64_t ns, back;

	(void)state;
	assert_int_equal(mh_timestamp_from_ns(0), 0);
	assert_int_equal(mh_timestamp_from_ns(1500000000ULL),
			 (1ULL << 16) | 0x8000);
	/* 2023-11-14 22:13:20.25 UTC */
	ns = 1700000000ULL * 1000000000ULL + 250000000ULL;
	assert_int_equal(mh_timestamp_from_ns(ns),
			 (1700000000ULL << 16) | 0x4000);
	assert_int_equal(mh_timestamp_to_ns((1700000000ULL << 16) | 0x4000),
			 ns);
	/* a fraction truncates to at most one 1/65536 s step below */
	ns += 123457;
	back = mh_timestamp_to_ns(mh_timestamp_from_ns(ns));
	assert_true(back <= ns && ns - back < 15259);
	/* and it is not NTP: the epoch is 1970, so 1 s is 1 << 16 */
	assert_int_equal(mh_timestamp_from_ns(1000000000ULL), 1ULL << 16);
}

/* mh_msg_equal, which the round-trip tests rely on, sees every field */
static void test_mh_msg_equal(void **state)
{
	struct mh_msg a, b;
	unsigned int i;

	(void)state;
	worked_pbu(&a);
	a.opts.has_lla = true;
	a.opts.has_refresh = true;
	a.opts.refresh = 3;
	for (i = 0; i < 26; i++) {
		b = a;
		switch (i) {
		case 0:
			b.type = MH_TYPE_BA;
			break;
		case 1:
			b.status = 1;
			break;
		case 2:
			b.seq ^= 1;
			break;
		case 3:
			b.flags ^= 1;
			break;
		case 4:
			b.lifetime ^= 1;
			break;
		case 5:
			b.be_hoa.s6_addr[15] = 1;
			break;
		case 6:
			b.opts.has_mn_id = false;
			break;
		case 7:
			b.opts.mn_id_subtype = 2;
			break;
		case 8:
			b.opts.mn_id_len--;
			break;
		case 9:
			b.opts.mn_id[14] = 'n';
			break;
		case 10:
			b.opts.n_hnp = 2;
			break;
		case 11:
			b.opts.hnp[0].plen = 1;
			break;
		case 12:
			b.opts.hnp[0].prefix.s6_addr[7] = 1;
			break;
		case 13:
			b.opts.has_hi = false;
			break;
		case 14:
			b.opts.hi = 2;
			break;
		case 15:
			b.opts.has_att = false;
			break;
		case 16:
			b.opts.att = 4;
			break;
		case 17:
			b.opts.has_ll_id = false;
			break;
		case 18:
			b.opts.ll_id_len = 5;
			break;
		case 19:
			b.opts.ll_id[5] = 0;
			break;
		case 20:
			b.opts.has_lla = false;
			break;
		case 21:
			b.opts.lla.s6_addr[0] = 0xfe;
			break;
		case 22:
			b.opts.has_timestamp = false;
			break;
		case 23:
			b.opts.timestamp++;
			break;
		case 24:
			b.opts.has_refresh = false;
			break;
		case 25:
			b.opts.refresh = 4;
			break;
		}
		assert_false(mh_msg_equal(&a, &b));
		assert_false(mh_msg_equal(&b, &a));
	}
	/* values of absent options and bytes past a length do not count */
	b = a;
	a.opts.has_hi = b.opts.has_hi = false;
	b.opts.hi = 5;
	b.opts.mn_id[200] = 'q';
	b.opts.hnp[3].plen = 9;
	assert_true(mh_msg_equal(&a, &b));
}

static void test_mh_names(void **state)
{
	(void)state;
	assert_string_equal(mh_type_str(MH_TYPE_BU), "binding update");
	assert_string_equal(mh_type_str(200), "unknown");
	assert_string_equal(mh_status_str(MH_ST_TIMESTAMP_MISMATCH),
			    "timestamp mismatch");
	assert_string_equal(mh_status_str(0), "accepted");
	assert_string_equal(mh_status_str(200), "rejected (other)");
	assert_string_equal(mh_status_str(3), "accepted (other)");
	assert_string_equal(mh_err_str(MH_E_HDR_LEN),
			    "header len below the type's minimum");
	assert_int_equal(mh_lifetime_units(262143), 0xffff);
	assert_int_equal(mh_lifetime_units(600), 150);
	assert_int_equal(mh_lifetime_units(7), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5213_8_1_worked_initial_pbu_build),
	    cmocka_unit_test(test_rfc5213_8_1_worked_initial_pbu_parse),
	    cmocka_unit_test(test_rfc6275_6_1_7_bu_without_options),
	    cmocka_unit_test(test_rfc6275_6_1_8_ba_without_options),
	    cmocka_unit_test(test_rfc5213_8_2_pba_accepted_layout),
	    cmocka_unit_test(test_rfc5213_5_3_1_pba_rejected_empty_mn_id),
	    cmocka_unit_test(test_rfc6275_6_1_9_binding_error),
	    cmocka_unit_test(test_rfc6275_6_2_alignment_all_options),
	    cmocka_unit_test(test_rfc6275_6_2_alignment_after_be_fixed_part),
	    cmocka_unit_test(test_rfc5213_6_9_1_round_trips),
	    cmocka_unit_test(test_rfc6275_9_2_truncated),
	    cmocka_unit_test(test_rfc6275_9_2_payload_proto),
	    cmocka_unit_test(test_rfc6275_9_2_header_len_below_minimum),
	    cmocka_unit_test(test_rfc6275_9_2_unknown_type),
	    cmocka_unit_test(test_rfc6275_6_2_1_unknown_option_skipped),
	    cmocka_unit_test(test_rfc6275_6_2_1_option_past_end),
	    cmocka_unit_test(test_rfc5213_8_option_wrong_length),
	    cmocka_unit_test(test_rfc5213_8_1_duplicate_option),
	    cmocka_unit_test(test_rfc5213_8_3_too_many_hnp),
	    cmocka_unit_test(test_mh_build_bounds),
	    cmocka_unit_test(test_rfc6275_6_1_1_checksum),
	    cmocka_unit_test(test_rfc5213_8_8_timestamp),
	    cmocka_unit_test(test_mh_msg_equal),
	    cmocka_unit_test(test_mh_names),
	};

	return cmocka_run_group_tests_name("mh", tests, NULL, NULL);
}
