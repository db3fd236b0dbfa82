/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mobility Header codec: Proxy Binding Update, Proxy Binding Acknowledgement
 * and Binding Error (RFC 6275 §6.1, RFC 5213 §8), with the mobility options
 * PMIPv6 uses.  Pure functions over byte buffers: no I/O, no allocation.
 */
#ifndef XPMIP_MH_H
#define XPMIP_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MH_PROTO	   135 /* IPPROTO_MH */
#define MH_PAYLOAD_PROTO   59  /* IPPROTO_NONE, RFC 6275 §6.1.1 */
#define MH_CHECKSUM_OFFSET 4
#define MH_MAX_LEN	   2048 /* (255 + 1) * 8 */

/* MH Type (RFC 6275 §6.1, RFC 5847, RFC 5846) */
enum mh_type {
	MH_TYPE_BRR = 0,
	MH_TYPE_BU = 5,
	MH_TYPE_BA = 6,
	MH_TYPE_BE = 7,
	MH_TYPE_HEARTBEAT = 13,
	MH_TYPE_BRI = 16,
};

/* PBU flags: masks on the 16-bit word at offset 8, after ntohs() */
#define MH_BU_F_A 0x8000 /* acknowledge */
#define MH_BU_F_H 0x4000 /* home registration */
#define MH_BU_F_L 0x2000 /* link-local compatibility */
#define MH_BU_F_K 0x1000 /* key management mobility */
#define MH_BU_F_M 0x0800 /* MAP registration */
#define MH_BU_F_R 0x0400 /* mobile router */
#define MH_BU_F_P 0x0200 /* proxy registration */
#define MH_BU_F_F 0x0100 /* forced UDP encapsulation */
#define MH_BU_F_T 0x0080 /* TLV header format */
#define MH_BU_F_B 0x0040 /* bulk binding update */

/* PBA flags: masks on the byte at offset 7 */
#define MH_BA_F_K 0x80
#define MH_BA_F_R 0x40
#define MH_BA_F_P 0x20
#define MH_BA_F_T 0x10
#define MH_BA_F_B 0x08

/* Mobility option types (RFC 6275 §6.2, RFC 5213 §8.3-8.8, RFC 4283) */
enum mh_opt_type {
	MH_OPT_PAD1 = 0,
	MH_OPT_PADN = 1,
	MH_OPT_BRA = 2, /* binding refresh advice */
	MH_OPT_ALT_COA = 3,
	MH_OPT_MN_ID = 8,
	MH_OPT_HNP = 22,
	MH_OPT_HI = 23,
	MH_OPT_ATT = 24,
	MH_OPT_LL_ID = 25,
	MH_OPT_LLA = 26,
	MH_OPT_TIMESTAMP = 27,
};

#define MH_MN_ID_SUBTYPE_NAI 1
#define MH_MN_ID_MAX	     254 /* option length is 1 + identifier */
#define MH_LL_ID_MAX	     16
#define MH_MAX_HNP	     8

/* Handoff Indicator values (RFC 5213 §8.4) */
enum mh_hi {
	MH_HI_NONE = 0,
	MH_HI_NEW_IF = 1,
	MH_HI_IF_CHANGE = 2,
	MH_HI_MAG_CHANGE = 3,
	MH_HI_UNKNOWN = 4,
	MH_HI_NOT_CHANGED = 5,
};

/* Access Technology Type values (RFC 5213 §8.5) */
enum mh_att {
	MH_ATT_NONE = 0,
	MH_ATT_VIRTUAL = 1,
	MH_ATT_PPP = 2,
	MH_ATT_8023 = 3,
	MH_ATT_80211 = 4,
	MH_ATT_80216E = 5,
};

/* PBA status codes (RFC 6275 §6.1.8, RFC 5213 §8.9) */
enum mh_status {
	MH_ST_ACCEPTED = 0,
	MH_ST_REASON_UNSPECIFIED = 128,
	MH_ST_ADMIN_PROHIBITED = 129,
	MH_ST_INSUFFICIENT_RESOURCES = 130,
	MH_ST_SEQ_OUT_OF_WINDOW = 135,
	MH_ST_PROXY_REG_NOT_ENABLED = 152,
	MH_ST_NOT_LMA_FOR_THIS_MN = 153,
	MH_ST_MAG_NOT_AUTHORIZED = 154,
	MH_ST_NOT_AUTHORIZED_FOR_HNP = 155,
	MH_ST_TIMESTAMP_MISMATCH = 156,
	MH_ST_TIMESTAMP_LOWER = 157,
	MH_ST_MISSING_HNP = 158,
	MH_ST_BCE_PBU_PREFIX_MISMATCH = 159,
	MH_ST_MISSING_MN_ID = 160,
	MH_ST_MISSING_HI = 161,
	MH_ST_MISSING_ATT = 162,
};

/* Binding Error status (RFC 6275 §6.1.9) */
#define MH_BE_UNKNOWN_HOA     1
#define MH_BE_UNKNOWN_MH_TYPE 2

struct mh_hnp {
	uint8_t plen; /* prefix length */
	struct in6_addr prefix;
};

/*
 * The options of a PBU or PBA.  has_* says whether the option was present
 * (parse) or is to be written (build).  A present MN-ID may be empty
 * (mn_id_len 0), as a PBA rejecting a PBU without one carries.
 */
struct mh_opts {
	bool has_mn_id;
	uint8_t mn_id_subtype;
	uint8_t mn_id_len;
	uint8_t mn_id[MH_MN_ID_MAX];

	unsigned int n_hnp;
	struct mh_hnp hnp[MH_MAX_HNP];

	bool has_hi;
	uint8_t hi; /* enum mh_hi */
	bool has_att;
	uint8_t att; /* enum mh_att */

	bool has_ll_id;
	uint8_t ll_id_len;
	uint8_t ll_id[MH_LL_ID_MAX]; /* usually a 6-byte MAC */

	bool has_lla;
	struct in6_addr lla; /* MAG link-local on the access link */

	bool has_timestamp;
	uint64_t timestamp; /* 48.16 fixed point since 1970 */

	bool has_refresh;
	uint16_t refresh; /* binding refresh advice, 4 s units */
};

/*
 * One Mobility Header message.  Integer fields are in host byte order.
 * Lifetimes are kept in the wire's 4-second units so that parse and build
 * round-trip exactly; mh_lifetime_secs()/mh_lifetime_units() convert.
 */
struct mh_msg {
	uint8_t type;		/* enum mh_type */
	uint8_t status;		/* BA, BE */
	uint16_t seq;		/* BU, BA */
	uint16_t flags;		/* BU: MH_BU_F_*; BA: MH_BA_F_* */
	uint16_t lifetime;	/* BU, BA: 4-second units */
	struct in6_addr be_hoa; /* BE: home address */
	struct mh_opts opts;	/* BU, BA */
};

/*
 * Why a message was refused, and what the receiver owes the sender for it.
 * mh_parse checks in the order of RFC 6275 §9.2: truncation, then unknown
 * MH Type, then Payload Proto, then Header Len; then the options.  Only BU,
 * BA and BE are known types: Heartbeat and Binding Revocation get
 * MH_E_UNKNOWN_TYPE so the peer learns from the BE that we lack them.
 */
enum mh_err {
	MH_OK = 0,
	MH_E_TRUNCATED,	    /* shorter than 8 bytes or than Header Len */
	MH_E_PAYLOAD_PROTO, /* != 59: ICMPv6 Parameter Problem, ptr 0 */
	MH_E_HDR_LEN,	    /* below the type's minimum: Param. Problem */
	MH_E_UNKNOWN_TYPE,  /* Binding Error status 2 */
	MH_E_OPTION,	    /* option runs past the end or bad length */
	MH_E_TOO_MANY_HNP,  /* more than MH_MAX_HNP HNP options */
};

struct mh_parse_err {
	enum mh_err code;
	uint32_t pointer; /* ICMPv6 Parameter Problem pointer, from MH */
	uint32_t offset;  /* byte at which parsing stopped */
};

/*
 * Parse one Mobility Header in buf[0..len).  The checksum is not checked
 * here (the kernel does it on the raw socket).  Returns 0, or -EBADMSG with
 * *err filled in (err may be NULL).  Never reads outside buf.  Bytes past
 * (Header Len + 1) * 8 are ignored.  Options: unknown ones and PadN are
 * skipped; a repeated option other than HNP, a wrong fixed length, an
 * MN-ID without subtype or an LL-ID over MH_LL_ID_MAX bytes is MH_E_OPTION
 * with pointer/offset at the option.  Alignment is not checked on receipt.
 */
int mh_parse(const uint8_t *buf, size_t len, struct mh_msg *msg,
	     struct mh_parse_err *err);

/*
 * Build msg into buf (size bytes) with options aligned per RFC 6275 §6.2 and
 * the message padded to a multiple of 8; the checksum is left 0.  Returns the
 * length written, or -ENOSPC / -EINVAL.  Options are written in the order
 * MN-ID, HNPs, HI, ATT, Timestamp, LL-ID, LLA, Binding Refresh Advice; BE
 * gets msg->opts too (normally none).  The result is at most 536 bytes.
 */
int mh_build(const struct mh_msg *msg, uint8_t *buf, size_t size);

/*
 * true when a and b carry the same message: the fixed fields, and for each
 * option the same presence and, when present, the same value (bytes beyond
 * mn_id_len, ll_id_len and n_hnp are not compared).
 */
bool mh_msg_equal(const struct mh_msg *a, const struct mh_msg *b);

/* Fill in the MH checksum (RFC 6275 §6.1.1) for the given IPv6 addresses. */
void mh_set_checksum(uint8_t *buf, size_t len, const struct in6_addr *src,
		     const struct in6_addr *dst);
/* true when the checksum in buf is right for src and dst */
bool mh_checksum_ok(const uint8_t *buf, size_t len, const struct in6_addr *src,
		    const struct in6_addr *dst);

/* Timestamp option helpers (RFC 5213 §8.8: 48-bit seconds, 16-bit fraction) */
uint64_t mh_timestamp_from_ns(uint64_t ns_since_epoch);
uint64_t mh_timestamp_to_ns(uint64_t ts);

static inline uint32_t mh_lifetime_secs(uint16_t units)
{
	return (uint32_t)units * 4;
}

/* seconds to 4-second units, rounded down and clamped to 0xffff */
static inline uint16_t mh_lifetime_units(uint32_t secs)
{
	return secs / 4 > 0xffff ? 0xffff : (uint16_t)(secs / 4);
}

/* Names for logs and xpmipctl */
const char *mh_status_str(uint8_t status);
const char *mh_type_str(uint8_t type);
const char *mh_err_str(enum mh_err code);

#endif /* XPMIP_MH_H */
