// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mobility Header codec (RFC 6275 §6.1, §6.2, §9.2; RFC 5213 §8).
 *
 * Parsing never trusts a length it has not checked against the bytes it was
 * given; building places every option at the alignment RFC 6275 §6.2 and
 * RFC 5213 §8 ask for and pads the message to a multiple of 8 octets.
 */
#include <errno.h>
#include <string.h>

#include "mh.h"

#define MH_HDR_LEN  6  /* Payload Proto .. Checksum */
#define MH_BU_FIXED 12 /* options start here in a BU and a BA */
#define MH_BE_FIXED 24 /* and here in a BE */

/* fixed option data lengths (RFC 6275 §6.2.4, RFC 5213 §8.3-8.8) */
#define OPT_LEN_BRA 2
#define OPT_LEN_HNP 18
#define OPT_LEN_HI  2
#define OPT_LEN_ATT 2
#define OPT_LEN_LLA 16
#define OPT_LEN_TS  8

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

/*
 * The MH types this node processes.  Only BU, BA and BE are known: a
 * Heartbeat (RFC 5847) or a Binding Revocation (RFC 5846) message is
 * deliberately reported as unknown, so that the caller answers with a
 * Binding Error status 2 and the peer learns that we do not support it,
 * which is how RFC 5847 §3 and RFC 5846 §6.2 expect it to find out.  The
 * return routability and BRR messages of RFC 6275 have no use in PMIPv6
 * (RFC 5213 §5.9 and §6.10) and get the same answer.
 */
static int mh_min_len(uint8_t type)
{
	/* (minimum Header Len + 1) * 8, RFC 6275 §6.1.7-6.1.9 */
	switch (type) {
	case MH_TYPE_BU:
	case MH_TYPE_BA:
		return 16;
	case MH_TYPE_BE:
		return 24;
	default:
		return -1;
	}
}

static int parse_fail(struct mh_parse_err *err, enum mh_err code,
		      uint32_t pointer, uint32_t offset)
{
	if (err) {
		err->code = code;
		err->pointer = pointer;
		err->offset = offset;
	}
	return -EBADMSG;
}

/*
 * Store one option whose header (type, length) sits at buf[off] and whose
 * data, len bytes, is known to lie inside the message.  Returns 0, or the
 * enum mh_err that refuses it.
 */
static enum mh_err parse_option(uint8_t type, const uint8_t *data, uint8_t len,
				struct mh_opts *o)
{
	switch (type) {
	case MH_OPT_BRA:
		if (len != OPT_LEN_BRA || o->has_refresh)
			return MH_E_OPTION;
		o->has_refresh = true;
		o->refresh = get16(data);
		break;
	case MH_OPT_MN_ID:
		/* RFC 4283 §3: a subtype byte, then the identifier */
		if (len < 1 || o->has_mn_id)
			return MH_E_OPTION;
		o->has_mn_id = true;
		o->mn_id_subtype = data[0];
		o->mn_id_len = len - 1;
		memcpy(o->mn_id, data + 1, len - 1);
		break;
	case MH_OPT_HNP:
		/* RFC 5213 §8.3: Reserved, Prefix Length, Prefix */
		if (len != OPT_LEN_HNP)
			return MH_E_OPTION;
		if (o->n_hnp >= MH_MAX_HNP)
			return MH_E_TOO_MANY_HNP;
		o->hnp[o->n_hnp].plen = data[1];
		memcpy(&o->hnp[o->n_hnp].prefix, data + 2, 16);
		o->n_hnp++;
		break;
	case MH_OPT_HI:
		if (len != OPT_LEN_HI || o->has_hi)
			return MH_E_OPTION;
		o->has_hi = true;
		o->hi = data[1];
		break;
	case MH_OPT_ATT:
		if (len != OPT_LEN_ATT || o->has_att)
			return MH_E_OPTION;
		o->has_att = true;
		o->att = data[1];
		break;
	case MH_OPT_LL_ID:
		/* RFC 5213 §8.6: 16 reserved bits, then the identifier */
		if (len < 2 || len - 2 > MH_LL_ID_MAX || o->has_ll_id)
			return MH_E_OPTION;
		o->has_ll_id = true;
		o->ll_id_len = len - 2;
		memcpy(o->ll_id, data + 2, len - 2);
		break;
	case MH_OPT_LLA:
		if (len != OPT_LEN_LLA || o->has_lla)
			return MH_E_OPTION;
		o->has_lla = true;
		memcpy(&o->lla, data, 16);
		break;
	case MH_OPT_TIMESTAMP:
		if (len != OPT_LEN_TS || o->has_timestamp)
			return MH_E_OPTION;
		o->has_timestamp = true;
		o->timestamp = get64(data);
		break;
	default:
		/*
		 * PadN and any option we do not know: skipped (RFC 6275
		 * §6.2.1, RFC 5213 §8.1-8.2).  The padding contents are
		 * ignored on receipt (RFC 6275 §6.2.3).
		 */
		break;
	}
	return MH_OK;
}

/*
 * Walk the options in buf[off..end).  Options are not checked for alignment
 * on receipt: the alignment rules bind the sender, and a receiver that
 * refused a misplaced but well-formed option would gain nothing.  A repeated
 * option that may appear once is refused: which copy counts would otherwise
 * be our guess.
 */
static int parse_options(const uint8_t *buf, size_t off, size_t end,
			 struct mh_opts *o, struct mh_parse_err *err)
{
	enum mh_err e;
	uint8_t type, len;

	while (off < end) {
		type = buf[off];
		if (type == MH_OPT_PAD1) {
			off++;
			continue;
		}
		if (end - off < 2)
			return parse_fail(err, MH_E_OPTION, off, off);
		len = buf[off + 1];
		if (end - off - 2 < len)
			return parse_fail(err, MH_E_OPTION, off + 1, off);
		e = parse_option(type, buf + off + 2, len, o);
		if (e != MH_OK)
			return parse_fail(err, e, off, off);
		off += 2 + (size_t)len;
	}
	return 0;
}

int mh_parse(const uint8_t *buf, size_t len, struct mh_msg *msg,
	     struct mh_parse_err *err)
{
	size_t mh_len, fixed;
	uint8_t type;
	int min;

	memset(msg, 0, sizeof(*msg));
	if (err)
		memset(err, 0, sizeof(*err));

	/*
	 * The message must hold its own Header Len.  Bytes after it are
	 * ignored: with Payload Proto 59 nothing may follow the MH.
	 */
	if (len < 8)
		return parse_fail(err, MH_E_TRUNCATED, 0, 0);
	mh_len = ((size_t)buf[1] + 1) * 8;
	if (len < mh_len)
		return parse_fail(err, MH_E_TRUNCATED, 1, 0);

	/*
	 * RFC 6275 §9.2, in its order (the checksum, first there, is the
	 * kernel's job on a raw MH socket): unknown MH Type, then Payload
	 * Proto, then Header Len below the type's minimum.
	 */
	type = buf[2];
	min = mh_min_len(type);
	if (min < 0)
		return parse_fail(err, MH_E_UNKNOWN_TYPE, 2, 2);
	if (buf[0] != MH_PAYLOAD_PROTO)
		return parse_fail(err, MH_E_PAYLOAD_PROTO, 0, 0);
	if (mh_len < (size_t)min)
		return parse_fail(err, MH_E_HDR_LEN, 1, 1);

	msg->type = type;
	switch (type) {
	case MH_TYPE_BU:
		/* RFC 6275 §6.1.7 */
		msg->seq = get16(buf + 6);
		msg->flags = get16(buf + 8);
		msg->lifetime = get16(buf + 10);
		fixed = MH_BU_FIXED;
		break;
	case MH_TYPE_BA:
		/* RFC 6275 §6.1.8, RFC 5213 §8.2 */
		msg->status = buf[6];
		msg->flags = buf[7];
		msg->seq = get16(buf + 8);
		msg->lifetime = get16(buf + 10);
		fixed = MH_BU_FIXED;
		break;
	default:
		/* MH_TYPE_BE, RFC 6275 §6.1.9 */
		msg->status = buf[6];
		memcpy(&msg->be_hoa, buf + 8, 16);
		fixed = MH_BE_FIXED;
		break;
	}

	return parse_options(buf, fixed, mh_len, &msg->opts, err);
}

/* Writer state for mh_build: bounds are checked on every write. */
struct mh_writer {
	uint8_t *buf;
	size_t size;
	size_t off;
};

/* Fill n bytes with Pad1 or PadN (RFC 6275 §6.2.2-6.2.3). */
static int put_pad(struct mh_writer *w, size_t n)
{
	if (n == 0)
		return 0;
	if (w->size - w->off < n)
		return -ENOSPC;
	memset(w->buf + w->off, 0, n);
	if (n >= 2) {
		w->buf[w->off] = MH_OPT_PADN;
		w->buf[w->off + 1] = (uint8_t)(n - 2);
	}
	w->off += n;
	return 0;
}

/*
 * Start an option of data length len whose type byte must sit at an offset
 * of x*n + y from the start of the MH (x 0: no requirement).  Returns a
 * pointer to its zeroed data, or NULL when it does not fit.
 */
static uint8_t *put_opt(struct mh_writer *w, uint8_t type, uint8_t len,
			unsigned int x, unsigned int y)
{
	uint8_t *p;
	size_t gap = 0;

	if (x)
		gap = (x + y - w->off % x) % x;
	if (put_pad(w, gap) < 0)
		return NULL;
	if (w->size - w->off < 2 + (size_t)len)
		return NULL;
	p = w->buf + w->off;
	p[0] = type;
	p[1] = len;
	memset(p + 2, 0, len);
	w->off += 2 + (size_t)len;
	return p + 2;
}

/*
 * Options in the order of RFC 5213 Figures 6 and 12 (MN-ID, HNPs, HI, ATT,
 * Timestamp, LL-ID, LLA), then Binding Refresh Advice.  Alignments: HNP
 * 8n+4 (RFC 5213 §8.3), Timestamp 8n+2 (§8.8), LLA 8n+6 (§8.7), Binding
 * Refresh Advice 2n (RFC 6275 §6.2.4); MN-ID, HI, ATT and LL-ID have none.
 */
static int put_options(struct mh_writer *w, const struct mh_opts *o)
{
	unsigned int i;
	uint8_t *p;

	if (o->has_mn_id) {
		p = put_opt(w, MH_OPT_MN_ID, 1 + o->mn_id_len, 0, 0);
		if (!p)
			return -ENOSPC;
		p[0] = o->mn_id_subtype;
		memcpy(p + 1, o->mn_id, o->mn_id_len);
	}
	for (i = 0; i < o->n_hnp; i++) {
		p = put_opt(w, MH_OPT_HNP, OPT_LEN_HNP, 8, 4);
		if (!p)
			return -ENOSPC;
		p[1] = o->hnp[i].plen;
		memcpy(p + 2, &o->hnp[i].prefix, 16);
	}
	if (o->has_hi) {
		p = put_opt(w, MH_OPT_HI, OPT_LEN_HI, 0, 0);
		if (!p)
			return -ENOSPC;
		p[1] = o->hi;
	}
	if (o->has_att) {
		p = put_opt(w, MH_OPT_ATT, OPT_LEN_ATT, 0, 0);
		if (!p)
			return -ENOSPC;
		p[1] = o->att;
	}
	if (o->has_timestamp) {
		p = put_opt(w, MH_OPT_TIMESTAMP, OPT_LEN_TS, 8, 2);
		if (!p)
			return -ENOSPC;
		put64(p, o->timestamp);
	}
	if (o->has_ll_id) {
		p = put_opt(w, MH_OPT_LL_ID, 2 + o->ll_id_len, 0, 0);
		if (!p)
			return -ENOSPC;
		memcpy(p + 2, o->ll_id, o->ll_id_len);
	}
	if (o->has_lla) {
		p = put_opt(w, MH_OPT_LLA, OPT_LEN_LLA, 8, 6);
		if (!p)
			return -ENOSPC;
		memcpy(p, &o->lla, 16);
	}
	if (o->has_refresh) {
		p = put_opt(w, MH_OPT_BRA, OPT_LEN_BRA, 2, 0);
		if (!p)
			return -ENOSPC;
		put16(p, o->refresh);
	}
	return 0;
}

int mh_build(const struct mh_msg *msg, uint8_t *buf, size_t size)
{
	struct mh_writer w = {.buf = buf, .size = size, .off = 0};
	const struct mh_opts *o = &msg->opts;
	size_t fixed;
	int ret;

	if (o->n_hnp > MH_MAX_HNP || o->mn_id_len > MH_MN_ID_MAX ||
	    o->ll_id_len > MH_LL_ID_MAX)
		return -EINVAL;
	/* the BA has one byte of flags (RFC 5213 §8.2): never drop a bit */
	if (msg->type == MH_TYPE_BA && msg->flags > 0xff)
		return -EINVAL;
	switch (msg->type) {
	case MH_TYPE_BU:
	case MH_TYPE_BA:
		fixed = MH_BU_FIXED;
		break;
	case MH_TYPE_BE:
		fixed = MH_BE_FIXED;
		break;
	default:
		return -EINVAL;
	}
	if (size < fixed)
		return -ENOSPC;

	memset(buf, 0, fixed);
	buf[0] = MH_PAYLOAD_PROTO;
	buf[2] = msg->type;
	switch (msg->type) {
	case MH_TYPE_BU:
		put16(buf + 6, msg->seq);
		put16(buf + 8, msg->flags);
		put16(buf + 10, msg->lifetime);
		break;
	case MH_TYPE_BA:
		buf[6] = msg->status;
		buf[7] = (uint8_t)msg->flags;
		put16(buf + 8, msg->seq);
		put16(buf + 10, msg->lifetime);
		break;
	default:
		buf[6] = msg->status;
		memcpy(buf + 8, &msg->be_hoa, 16);
		break;
	}
	w.off = fixed;

	ret = put_options(&w, o);
	if (ret < 0)
		return ret;
	/*
	 * The MH is a multiple of 8 octets (RFC 6275 §6.1.1); a BU or BA
	 * without options thus carries 4 bytes of PadN (§6.1.7, §6.1.8).
	 */
	ret = put_pad(&w, (8 - w.off % 8) % 8);
	if (ret < 0)
		return ret;
	/* at most 536 bytes (every option, longest MN-ID and LL-ID) */
	buf[1] = (uint8_t)(w.off / 8 - 1);
	return (int)w.off;
}

static bool mh_opts_equal(const struct mh_opts *a, const struct mh_opts *b)
{
	unsigned int i;

	if (a->has_mn_id != b->has_mn_id || a->n_hnp != b->n_hnp ||
	    a->has_hi != b->has_hi || a->has_att != b->has_att ||
	    a->has_ll_id != b->has_ll_id || a->has_lla != b->has_lla ||
	    a->has_timestamp != b->has_timestamp ||
	    a->has_refresh != b->has_refresh)
		return false;
	if (a->has_mn_id && (a->mn_id_subtype != b->mn_id_subtype ||
			     a->mn_id_len != b->mn_id_len ||
			     memcmp(a->mn_id, b->mn_id, a->mn_id_len)))
		return false;
	if (a->n_hnp > MH_MAX_HNP)
		return false;
	for (i = 0; i < a->n_hnp; i++)
		if (a->hnp[i].plen != b->hnp[i].plen ||
		    memcmp(&a->hnp[i].prefix, &b->hnp[i].prefix, 16))
			return false;
	if ((a->has_hi && a->hi != b->hi) || (a->has_att && a->att != b->att))
		return false;
	if (a->has_ll_id &&
	    (a->ll_id_len != b->ll_id_len || a->ll_id_len > MH_LL_ID_MAX ||
	     memcmp(a->ll_id, b->ll_id, a->ll_id_len)))
		return false;
	if (a->has_lla && memcmp(&a->lla, &b->lla, 16))
		return false;
	if (a->has_timestamp && a->timestamp != b->timestamp)
		return false;
	if (a->has_refresh && a->refresh != b->refresh)
		return false;
	return true;
}

bool mh_msg_equal(const struct mh_msg *a, const struct mh_msg *b)
{
	return a->type == b->type && a->status == b->status &&
	       a->seq == b->seq && a->flags == b->flags &&
	       a->lifetime == b->lifetime &&
	       !memcmp(&a->be_hoa, &b->be_hoa, 16) &&
	       mh_opts_equal(&a->opts, &b->opts);
}

/* One's complement sum of the pseudo-header and the MH (RFC 6275 §6.1.1) */
static uint16_t mh_csum(const uint8_t *buf, size_t len,
			const struct in6_addr *src, const struct in6_addr *dst)
{
	const uint8_t *s = src->s6_addr, *d = dst->s6_addr;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += get16(s + i) + get16(d + i);
	sum += (len >> 16) + (len & 0xffff) + MH_PROTO;
	for (i = 0; i + 1 < len; i += 2)
		sum += get16(buf + i);
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void mh_set_checksum(uint8_t *buf, size_t len, const struct in6_addr *src,
		     const struct in6_addr *dst)
{
	if (len < MH_HDR_LEN)
		return;
	put16(buf + MH_CHECKSUM_OFFSET, 0);
	put16(buf + MH_CHECKSUM_OFFSET, (uint16_t)~mh_csum(buf, len, src, dst));
}

bool mh_checksum_ok(const uint8_t *buf, size_t len, const struct in6_addr *src,
		    const struct in6_addr *dst)
{
	if (len < MH_HDR_LEN)
		return false;
	return mh_csum(buf, len, src, dst) == 0xffff;
}

#define NSEC_PER_SEC 1000000000ULL

/* RFC 5213 §8.8: 48 bits of seconds since 1970, 16 bits of 1/65536 s */
uint64_t mh_timestamp_from_ns(uint64_t ns)
{
	uint64_t sec = ns / NSEC_PER_SEC, frac = ns % NSEC_PER_SEC;

	return (sec & 0xffffffffffffULL) << 16 | ((frac << 16) / NSEC_PER_SEC);
}

uint64_t mh_timestamp_to_ns(uint64_t ts)
{
	return (ts >> 16) * NSEC_PER_SEC +
	       (((ts & 0xffff) * NSEC_PER_SEC) >> 16);
}

const char *mh_status_str(uint8_t status)
{
	switch (status) {
	case MH_ST_ACCEPTED:
		return "accepted";
	case MH_ST_REASON_UNSPECIFIED:
		return "reason unspecified";
	case MH_ST_ADMIN_PROHIBITED:
		return "administratively prohibited";
	case MH_ST_INSUFFICIENT_RESOURCES:
		return "insufficient resources";
	case MH_ST_SEQ_OUT_OF_WINDOW:
		return "sequence number out of window";
	case MH_ST_PROXY_REG_NOT_ENABLED:
		return "proxy registration not enabled";
	case MH_ST_NOT_LMA_FOR_THIS_MN:
		return "not lma for this mobile node";
	case MH_ST_MAG_NOT_AUTHORIZED:
		return "mag not authorized for proxy registration";
	case MH_ST_NOT_AUTHORIZED_FOR_HNP:
		return "not authorized for home network prefix";
	case MH_ST_TIMESTAMP_MISMATCH:
		return "timestamp mismatch";
	case MH_ST_TIMESTAMP_LOWER:
		return "timestamp lower than previous accepted";
	case MH_ST_MISSING_HNP:
		return "missing home network prefix option";
	case MH_ST_BCE_PBU_PREFIX_MISMATCH:
		return "bce pbu prefix set do not match";
	case MH_ST_MISSING_MN_ID:
		return "missing mobile node identifier option";
	case MH_ST_MISSING_HI:
		return "missing handoff indicator option";
	case MH_ST_MISSING_ATT:
		return "missing access technology type option";
	default:
		/* RFC 5213 §8.9: below 128 is an acceptance */
		return status < 128 ? "accepted (other)" : "rejected (other)";
	}
}

const char *mh_type_str(uint8_t type)
{
	switch (type) {
	case MH_TYPE_BRR:
		return "binding refresh request";
	case MH_TYPE_BU:
		return "binding update";
	case MH_TYPE_BA:
		return "binding acknowledgement";
	case MH_TYPE_BE:
		return "binding error";
	case MH_TYPE_HEARTBEAT:
		return "heartbeat";
	case MH_TYPE_BRI:
		return "binding revocation";
	default:
		return "unknown";
	}
}

const char *mh_err_str(enum mh_err code)
{
	switch (code) {
	case MH_OK:
		return "ok";
	case MH_E_TRUNCATED:
		return "truncated";
	case MH_E_PAYLOAD_PROTO:
		return "payload proto not 59";
	case MH_E_HDR_LEN:
		return "header len below the type's minimum";
	case MH_E_UNKNOWN_TYPE:
		return "unknown mh type";
	case MH_E_OPTION:
		return "malformed option";
	case MH_E_TOO_MANY_HNP:
		return "too many home network prefix options";
	}
	return "unknown error";
}
