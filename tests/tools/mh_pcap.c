// SPDX-License-Identifier: BSD-2-Clause
/*
 * mh_pcap: write every Mobility Header message kind the codec builds into a
 * pcap (Ethernet, IPv6 with Next Header 135, real MH checksum), so that an
 * independent decoder (tshark) can judge them.  Also writes each message
 * alone into a directory as a fuzzing seed.
 *
 *   mh_pcap OUT.pcap                 all message kinds; prints, one line
 *                                    per frame, the fields tshark must see
 *   mh_pcap -b bad-len OUT.pcap      one PBU whose Header Len overruns
 *   mh_pcap -b bad-csum OUT.pcap     one PBU with a wrong checksum
 *   mh_pcap -b bad-opt OUT.pcap      one PBU whose HNP option is cut short
 *   mh_pcap -s DIR                   each message as DIR/<name> (raw MH)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mh.h"

#define ETH_HLEN 14
#define IP6_HLEN 40

struct kind {
	const char *name;
	struct mh_msg msg;
};

static struct in6_addr mag_addr, lma_addr;

static void fill_pbu(struct mh_msg *m, uint16_t seq)
{
	static const uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
	const char *nai = "mn1@example.com";

	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = seq;
	m->flags = MH_BU_F_A | MH_BU_F_P;
	m->lifetime = mh_lifetime_units(3600);
	m->opts.has_mn_id = true;
	m->opts.mn_id_subtype = MH_MN_ID_SUBTYPE_NAI;
	m->opts.mn_id_len = (uint8_t)strlen(nai);
	memcpy(m->opts.mn_id, nai, strlen(nai));
	m->opts.n_hnp = 1;
	m->opts.has_hi = true;
	m->opts.hi = MH_HI_NEW_IF;
	m->opts.has_att = true;
	m->opts.att = MH_ATT_8023;
	m->opts.has_timestamp = true;
	m->opts.timestamp = mh_timestamp_from_ns(1700000000123456789ULL);
	m->opts.has_ll_id = true;
	m->opts.ll_id_len = 6;
	memcpy(m->opts.ll_id, mac, 6);
}

static void set_hnp(struct mh_opts *o, unsigned int i, const char *p,
		    uint8_t plen)
{
	inet_pton(AF_INET6, p, &o->hnp[i].prefix);
	o->hnp[i].plen = plen;
	if (o->n_hnp <= i)
		o->n_hnp = i + 1;
}

/* The PBA the LMA sends for pbu with the given status (RFC 5213 §5.3.6) */
static void fill_pba(struct mh_msg *m, const struct mh_msg *pbu, uint8_t st)
{
	*m = *pbu;
	m->type = MH_TYPE_BA;
	m->status = st;
	m->flags = MH_BA_F_P;
	if (st >= 128)
		m->lifetime = 0;
	else
		set_hnp(&m->opts, 0, "2001:db8:1:1::", 64);
}

static size_t make_kinds(struct kind *k, size_t max)
{
	static const uint8_t rejects[] = {
	    MH_ST_REASON_UNSPECIFIED,
	    MH_ST_ADMIN_PROHIBITED,
	    MH_ST_INSUFFICIENT_RESOURCES,
	    MH_ST_SEQ_OUT_OF_WINDOW,
	    MH_ST_PROXY_REG_NOT_ENABLED,
	    MH_ST_NOT_LMA_FOR_THIS_MN,
	    MH_ST_MAG_NOT_AUTHORIZED,
	    MH_ST_NOT_AUTHORIZED_FOR_HNP,
	    MH_ST_TIMESTAMP_MISMATCH,
	    MH_ST_TIMESTAMP_LOWER,
	    MH_ST_MISSING_HNP,
	    MH_ST_BCE_PBU_PREFIX_MISMATCH,
	    MH_ST_MISSING_MN_ID,
	    MH_ST_MISSING_HI,
	    MH_ST_MISSING_ATT,
	};
	struct mh_msg pbu;
	size_t n = 0, i;
	char *name;

#define ADD(nm) (k[n].name = (nm), &k[n++].msg)
	if (max < 32)
		return 0;

	fill_pbu(ADD("pbu-initial"), 1);

	fill_pbu(&pbu, 2);
	pbu.opts.has_ll_id = false;
	pbu.opts.has_lla = true; /* ALL_ZERO: LMA supplies it */
	pbu.opts.att = MH_ATT_80211;
	pbu.opts.hi = MH_HI_UNKNOWN;
	k[n].name = "pbu-initial-lla";
	k[n++].msg = pbu;

	fill_pbu(&pbu, 3);
	set_hnp(&pbu.opts, 0, "2001:db8:1:1::", 64);
	set_hnp(&pbu.opts, 1, "2001:db8:1:2::", 64);
	set_hnp(&pbu.opts, 2, "fd00:1:2::", 48);
	pbu.opts.hi = MH_HI_NOT_CHANGED;
	k[n].name = "pbu-reregistration";
	k[n++].msg = pbu;

	fill_pbu(&pbu, 4);
	pbu.opts.hi = MH_HI_MAG_CHANGE;
	k[n].name = "pbu-handover";
	k[n++].msg = pbu;

	fill_pbu(&pbu, 5);
	set_hnp(&pbu.opts, 0, "2001:db8:1:1::", 64);
	pbu.lifetime = 0;
	pbu.opts.hi = MH_HI_UNKNOWN;
	k[n].name = "pbu-deregistration";
	k[n++].msg = pbu;

	/* sequence-number ordering: no Timestamp option (RFC 5213 §5.5) */
	fill_pbu(&pbu, 6);
	pbu.opts.has_timestamp = false;
	k[n].name = "pbu-seqno";
	k[n++].msg = pbu;

	fill_pbu(&pbu, 7);
	for (i = 0; i < MH_MAX_HNP; i++) {
		char p[32];

		snprintf(p, sizeof(p), "2001:db8:2:%zx::", i);
		set_hnp(&pbu.opts, (unsigned int)i, p, 64);
	}
	memset(pbu.opts.mn_id, 'x', MH_MN_ID_MAX);
	pbu.opts.mn_id_len = MH_MN_ID_MAX;
	k[n].name = "pbu-max-hnp-long-nai";
	k[n++].msg = pbu;

	fill_pbu(&pbu, 1);
	fill_pba(ADD("pba-accepted"), &pbu, MH_ST_ACCEPTED);

	fill_pbu(&pbu, 2);
	pbu.opts.has_lla = true;
	inet_pton(AF_INET6, "fe80::1", &pbu.opts.lla);
	fill_pba(&k[n].msg, &pbu, MH_ST_ACCEPTED);
	k[n].msg.opts.has_refresh = true;
	k[n].msg.opts.refresh = mh_lifetime_units(1800);
	k[n++].name = "pba-accepted-lla-refresh";

	for (i = 0; i < sizeof(rejects); i++) {
		fill_pbu(&pbu, (uint16_t)(100 + i));
		if (rejects[i] == MH_ST_MISSING_MN_ID)
			pbu.opts.mn_id_len = 0;
		if (rejects[i] == MH_ST_MISSING_HI)
			pbu.opts.hi = 0;
		if (rejects[i] == MH_ST_MISSING_ATT)
			pbu.opts.att = 0;
		if (rejects[i] == MH_ST_SEQ_OUT_OF_WINDOW)
			pbu.opts.has_timestamp = false;
		if (rejects[i] == MH_ST_TIMESTAMP_MISMATCH)
			pbu.opts.timestamp += 3600ULL << 16;
		if (asprintf(&name, "pba-reject-%u", rejects[i]) < 0)
			return 0;
		fill_pba(ADD(name), &pbu, rejects[i]);
	}

	memset(ADD("be-unknown-type"), 0, sizeof(struct mh_msg));
	k[n - 1].msg.type = MH_TYPE_BE;
	k[n - 1].msg.status = MH_BE_UNKNOWN_MH_TYPE;
	memset(ADD("be-unknown-hoa"), 0, sizeof(struct mh_msg));
	k[n - 1].msg.type = MH_TYPE_BE;
	k[n - 1].msg.status = MH_BE_UNKNOWN_HOA;
	inet_pton(AF_INET6, "2001:db8:1:1::10", &k[n - 1].msg.be_hoa);
#undef ADD
	return n;
}

static int write_all(FILE *f, const void *p, size_t len)
{
	return fwrite(p, 1, len, f) == len ? 0 : -EIO;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* pcap headers are in the writer's order */
}

static int pcap_open(FILE *f)
{
	uint8_t h[24] = {0};
	uint16_t v;

	put32(h, 0xa1b2c3d4);
	v = 2;
	memcpy(h + 4, &v, 2);
	v = 4;
	memcpy(h + 6, &v, 2);
	put32(h + 16, 65535);
	put32(h + 20, 1); /* LINKTYPE_ETHERNET */
	return write_all(f, h, sizeof(h));
}

/* One Ethernet frame: IPv6 from src to dst, Next Header 135, then mh. */
static int pcap_write(FILE *f, unsigned int i, const struct in6_addr *src,
		      const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	static const uint8_t eth[ETH_HLEN] = {
	    0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd,
	};
	uint8_t rec[16], ip6[IP6_HLEN] = {0x60};
	int ret;

	put32(rec, 1700000000 + i);
	put32(rec + 4, 0);
	put32(rec + 8, (uint32_t)(ETH_HLEN + IP6_HLEN + len));
	put32(rec + 12, (uint32_t)(ETH_HLEN + IP6_HLEN + len));
	ip6[4] = (uint8_t)(len >> 8);
	ip6[5] = (uint8_t)len;
	ip6[6] = MH_PROTO;
	ip6[7] = 64;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
	ret = write_all(f, rec, sizeof(rec));
	if (!ret)
		ret = write_all(f, eth, sizeof(eth));
	if (!ret)
		ret = write_all(f, ip6, sizeof(ip6));
	if (!ret)
		ret = write_all(f, mh, len);
	return ret;
}

/* Build one message; PBUs go MAG -> LMA, the rest LMA -> MAG. */
static int build_one(const struct mh_msg *m, uint8_t *buf, size_t size,
		     const struct in6_addr **src, const struct in6_addr **dst)
{
	int n = mh_build(m, buf, size);

	if (n < 0)
		return n;
	*src = m->type == MH_TYPE_BU ? &mag_addr : &lma_addr;
	*dst = m->type == MH_TYPE_BU ? &lma_addr : &mag_addr;
	mh_set_checksum(buf, (size_t)n, *src, *dst);
	return n;
}

/*
 * Print what an independent decoder must find in message m, in the order
 * of the tshark fields the test asks for (FIELDS in test_mh_tshark.sh):
 * type|hlen|BA status|BE status|BU seq|BA seq|BU lifetime|BA lifetime|
 * MN-ID|HNPs|HNP lengths|HI|ATT|LL-ID|LLA|refresh|BE HoA|timestamp.
 */
static void print_expected(const struct mh_msg *m, const uint8_t *buf)
{
	const struct mh_opts *o = &m->opts;
	char a[INET6_ADDRSTRLEN];
	bool bu = m->type == MH_TYPE_BU, ba = m->type == MH_TYPE_BA;
	unsigned int i;

	printf("%u|%u|", m->type, buf[1]);
	if (ba)
		printf("%u", m->status);
	printf("|");
	if (m->type == MH_TYPE_BE)
		printf("%u", m->status);
	printf("|");
	if (bu)
		printf("%u", m->seq);
	printf("|");
	if (ba)
		printf("%u", m->seq);
	printf("|");
	if (bu)
		printf("%u", m->lifetime);
	printf("|");
	if (ba)
		printf("%u", m->lifetime);
	printf("|%.*s|", o->has_mn_id ? o->mn_id_len : 0,
	       (const char *)o->mn_id);
	for (i = 0; i < o->n_hnp; i++)
		printf("%s%s", i ? "," : "",
		       inet_ntop(AF_INET6, &o->hnp[i].prefix, a, sizeof(a)));
	printf("|");
	for (i = 0; i < o->n_hnp; i++)
		printf("%s%u", i ? "," : "", o->hnp[i].plen);
	printf("|");
	if (o->has_hi)
		printf("%u", o->hi);
	printf("|");
	if (o->has_att)
		printf("%u", o->att);
	printf("|");
	for (i = 0; o->has_ll_id && i < o->ll_id_len; i++)
		printf("%02x", o->ll_id[i]);
	printf("|%s|",
	       o->has_lla ? inet_ntop(AF_INET6, &o->lla, a, sizeof(a)) : "");
	if (o->has_refresh)
		printf("%u", o->refresh);
	printf("|%s|", m->type == MH_TYPE_BE
			   ? inet_ntop(AF_INET6, &m->be_hoa, a, sizeof(a))
			   : "");
	if (o->has_timestamp) {
		/* RFC 5213 §8.8: 48-bit seconds since 1970, 1/65536 s */
		time_t sec = (time_t)(o->timestamp >> 16);
		uint64_t ns = mh_timestamp_to_ns(o->timestamp) % 1000000000ULL;
		struct tm tm;
		char d[64];

		gmtime_r(&sec, &tm);
		strftime(d, sizeof(d), "%b %e, %Y %H:%M:%S", &tm);
		printf("%s.%09llu UTC", d, (unsigned long long)ns);
	}
	printf("\n");
}

static int write_seeds(const char *dir, const struct kind *k, size_t nk)
{
	const struct in6_addr *s, *d;
	uint8_t buf[MH_MAX_LEN];
	char path[4096];
	size_t i;
	FILE *f;
	int n;

	for (i = 0; i < nk; i++) {
		n = build_one(&k[i].msg, buf, sizeof(buf), &s, &d);
		if (n < 0)
			return n;
		snprintf(path, sizeof(path), "%s/%s", dir, k[i].name);
		f = fopen(path, "wb");
		if (!f)
			return -errno;
		n = write_all(f, buf, (size_t)n);
		if (fclose(f) || n)
			return -EIO;
	}
	return 0;
}

/* A PBU spoiled in one way that a decoder must notice. */
static int write_broken(FILE *f, const char *how)
{
	const struct in6_addr *s, *d;
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	int n;

	fill_pbu(&m, 1);
	n = build_one(&m, buf, sizeof(buf), &s, &d);
	if (n < 0)
		return n;
	if (!strcmp(how, "bad-len")) {
		buf[1] += 2; /* Header Len past the packet's end */
		mh_set_checksum(buf, (size_t)n, s, d);
	} else if (!strcmp(how, "bad-csum")) {
		buf[5] ^= 0x5a;
	} else if (!strcmp(how, "bad-opt")) {
		/* the HNP (at 36, see the digest's worked example) says 26 */
		if (buf[36] != MH_OPT_HNP)
			return -EINVAL;
		buf[37] = 26;
		mh_set_checksum(buf, (size_t)n, s, d);
	} else {
		return -EINVAL;
	}
	return pcap_write(f, 0, s, d, buf, (size_t)n);
}

static void usage(void)
{
	fprintf(stderr, "usage: mh_pcap [-b bad-len|bad-csum|bad-opt] OUT.pcap"
			"\n       mh_pcap -s SEED_DIR\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *broken = NULL, *seeds = NULL;
	const struct in6_addr *s, *d;
	static struct kind k[64];
	uint8_t buf[MH_MAX_LEN];
	size_t nk, i;
	int c, n, ret;
	FILE *f;

	while ((c = getopt(argc, argv, "b:s:")) != -1) {
		switch (c) {
		case 'b':
			broken = optarg;
			break;
		case 's':
			seeds = optarg;
			break;
		default:
			usage();
		}
	}
	inet_pton(AF_INET6, "2001:db8:a::1", &mag_addr);
	inet_pton(AF_INET6, "2001:db8:b::1", &lma_addr);
	nk = make_kinds(k, sizeof(k) / sizeof(k[0]));
	if (!nk) {
		fprintf(stderr, "mh_pcap: cannot make messages\n");
		return 1;
	}
	if (seeds) {
		ret = write_seeds(seeds, k, nk);
		if (ret)
			fprintf(stderr, "mh_pcap: %s: %s\n", seeds,
				strerror(-ret));
		return ret ? 1 : 0;
	}
	if (optind != argc - 1)
		usage();

	f = fopen(argv[optind], "wb");
	if (!f) {
		perror(argv[optind]);
		return 1;
	}
	ret = pcap_open(f);
	if (!ret && broken)
		ret = write_broken(f, broken);
	for (i = 0; !ret && !broken && i < nk; i++) {
		n = build_one(&k[i].msg, buf, sizeof(buf), &s, &d);
		if (n < 0) {
			fprintf(stderr, "mh_pcap: %s: %s\n", k[i].name,
				strerror(-n));
			ret = n;
			break;
		}
		ret = pcap_write(f, (unsigned int)i, s, d, buf, (size_t)n);
		print_expected(&k[i].msg, buf);
	}
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		fprintf(stderr, "mh_pcap: %s: %s\n", argv[optind],
			strerror(-ret));
		return 1;
	}
	return 0;
}
