// SPDX-License-Identifier: BSD-2-Clause
/*
 * BPF test-run cases for every branch of the LMA and MAG programs.  Each row
 * of the table is an input frame, the verdict we expect, the exact output
 * frame (built independently from a description of its headers) and the
 * stats reason that must count it.  Runs as root in a network namespace
 * (xpdp-bpf-<pid>) holding the veths, routes and neighbours bpf_fib_lookup()
 * sees, so FIB hits, unresolved neighbours and unreachable peers are real.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "dataplane.h"
#include "log.h"

#define LMAA "2001:db8:ff::1"
#define MAG1 "2001:db8:a::1" /* FIB: route + neighbour */
#define MAG2 "2001:db8:b::1" /* nexthops map */
#define MAG3 "2001:db8:c::1" /* FIB: neighbour unresolved */
#define MAG4 "2001:db8:d::1" /* FIB: unreachable */
#define HNP1 "2001:db8:100:1::"
#define HNP2 "2001:db8:100:2::"
#define HNP3 "2001:db8:100:3::"
#define HNP4 "2001:db8:100:4::"
#define HNP5 "2001:db8:100:5::" /* inactive */
#define MAG6 "2001:db8:e::1"	/* FIB: route, locked MTU 1400 */
#define HNP6 "2001:db8:100:6::"
#define MN1  "2001:db8:100:1::10"
#define MN2  "2001:db8:100:2::20"
#define CN   "2001:db8:cc::5"
#define NTU  ntohs

enum {
	P_LMA,
	P_MAG_ACCESS,
	P_MAG_CORE,
	P_TC_LMA_IN,
	P_TC_LMA_EG,
	P_TC_MAG_ACCESS,
	P_TC_MAG_CORE,
	P_MAX
};
static const char *const prog_names[P_MAX] = {
    "xdp_lma",	     "xdp_mag_access", "xdp_mag_core", "tc_lma_ingress",
    "tc_lma_egress", "tc_mag_access",  "tc_mag_core",
};

static const uint8_t mac_cn[6] = {0x02, 0, 0, 0, 0xcc, 0x01};
static const uint8_t mac_gw[6] = {0x02, 0, 0, 0, 0x11, 0x01}; /* xa */
static const uint8_t mac_ya[6] = {0x02, 0, 0, 0, 0x22, 0x01};
static const uint8_t mac_mag1[6] = {0x02, 0, 0, 0, 0x0a, 0x01};
static const uint8_t mac_mag6[6] = {0x02, 0, 0, 0, 0x0e, 0x01};
static const uint8_t mac_cnhop[6] = {0x02, 0, 0, 0, 0xcc, 0xfe};
static const uint8_t mac_nh2d[6] = {0x02, 0, 0, 0, 0x0b, 0x01};
static const uint8_t mac_nh2s[6] = {0x02, 0, 0, 0, 0x0b, 0x02};
static const uint8_t mac_mn[6] = {0x02, 0, 0, 0, 0x33, 0x01};
static const uint8_t mac_mn_gw[6] = {0x02, 0, 0, 0, 0x33, 0xfe};
static const uint8_t mac_lmahop[6] = {0x02, 0, 0, 0, 0xff, 0x01};
static const uint8_t mac_unknown[6] = {0x02, 0, 0, 0, 0x44, 0x01};
static const uint8_t mac_unknown2[6] = {0x02, 0, 0, 0, 0x44, 0x02};
static const uint8_t mac_mn2[6] = {0x02, 0, 0, 0, 0x33, 0x02};
static const uint8_t mac_mn5[6] = {0x02, 0, 0, 0, 0x33, 0x05};

/* One IPv6 header.  fl == FL_HASH: the RFC 6438 hash of the inner flow. */
#define FL_HASH 0xffffffffu
struct hdr6 {
	const char *src, *dst;
	uint8_t tc;
	uint32_t fl;
	uint8_t hl;
};

struct ext {
	uint8_t type; /* 0, 43 (segments left 1), 44, 60 */
	uint8_t len;  /* bytes, multiple of 8 */
};

struct frame {
	const uint8_t *smac, *dmac;
	uint16_t proto; /* 0: IPv6 */
	bool tunnel;	/* outer header o present */
	struct hdr6 o;
	struct ext ext[3]; /* between the outer header and the inner */
	struct hdr6 i;
	uint8_t nh;	   /* inner upper layer: 0 = UDP */
	uint8_t icmp_type; /* nh == 58 */
	uint16_t paylen;   /* inner upper-layer bytes: 0 = 100 */
	uint8_t version;   /* inner IP version: 0 = 6 */
	int plen_lie;	   /* added to the inner payload length field */
};

enum out_kind { OUT_SAME, OUT_FRAME, OUT_PTB };
#define NO_STAT (-1) /* ordinary traffic: no reason counts it */

struct tcase {
	const char *name;
	int prog;
	struct frame in;
	size_t trunc; /* cut the input to this many bytes */
	int verdict;
	enum out_kind out_kind;
	struct frame out;
	uint32_t ptb_mtu;
	const char *ptb_src;
	int stat;
	const char *counter_hnp; /* binding whose counters must grow */
	char counter_dir;	 /* 'u' or 'd' */
	int events;		 /* attach events expected */
};

struct env {
	char netns[64];
	int ifa, ifb, ify;
	struct dp *lma, *mag;
	int fd[P_MAX];
};
static struct env env;

static int run_cmd(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd);
}

static void addr(const char *s, void *out)
{
	if (inet_pton(AF_INET6, s, out) != 1)
		fail_msg("bad address %s", s);
}

/* ----- frame builder -------------------------------------------------- */

static size_t put_ip6(uint8_t *p, const struct hdr6 *h, uint32_t fl,
		      uint16_t plen, uint8_t nh, uint8_t version)
{
	uint32_t w =
	    (uint32_t)version << 28 | (uint32_t)h->tc << 20 | (fl & 0xfffff);

	w = htonl(w);
	memcpy(p, &w, 4);
	plen = htons(plen);
	memcpy(p + 4, &plen, 2);
	p[6] = nh;
	p[7] = h->hl;
	addr(h->src, p + 8);
	addr(h->dst, p + 24);
	return 40;
}

static size_t ext_total(const struct frame *f)
{
	size_t n = 0;
	int k;

	for (k = 0; k < 3 && f->ext[k].len; k++)
		n += f->ext[k].len;
	return n;
}

/* Build f into buf; returns its length. */
static size_t build(const struct frame *f, uint8_t *buf)
{
	uint16_t paylen = f->paylen ? f->paylen : 100;
	uint8_t nh = f->nh ? f->nh : 17;
	uint16_t proto = htons(f->proto ? f->proto : 0x86dd);
	size_t off = 14, inner_off, ilen;
	uint32_t fl, ports;
	int k;

	memcpy(buf, f->dmac, 6);
	memcpy(buf + 6, f->smac, 6);
	memcpy(buf + 12, &proto, 2);

	inner_off = 14 + (f->tunnel ? 40 + ext_total(f) : 0);
	/* inner packet first: the outer flow label hashes it */
	put_ip6(buf + inner_off, &f->i, f->i.fl, paylen + f->plen_lie, nh,
		f->version ? f->version : 6);
	ilen = 40 + paylen;
	if (nh == 17) {
		uint16_t sp = htons(1000), dp = htons(2000), ul = htons(paylen);

		memcpy(buf + inner_off + 40, &sp, 2);
		memcpy(buf + inner_off + 42, &dp, 2);
		memcpy(buf + inner_off + 44, &ul, 2);
		memset(buf + inner_off + 46, 0, 2);
		for (k = 8; k < paylen; k++)
			buf[inner_off + 40 + k] = k & 0xff;
	} else {
		for (k = 0; k < paylen; k++)
			buf[inner_off + 40 + k] = k & 0xff;
		if (nh == 58)
			buf[inner_off + 40] = f->icmp_type;
	}
	if (!f->tunnel)
		return inner_off + ilen;

	fl = f->o.fl;
	if (fl == FL_HASH) {
		uint32_t s[4], d[4], w;

		memcpy(s, buf + inner_off + 8, 16);
		memcpy(d, buf + inner_off + 24, 16);
		memcpy(&w, buf + inner_off, 4);
		ports = 0;
		if (nh == 6 || nh == 17)
			memcpy(&ports, buf + inner_off + 40, 4);
		fl = xp_flow_label(s, d, (ntohl(w) & 0xfffff) ^ ports, nh);
	}
	put_ip6(buf + off, &f->o, fl, ext_total(f) + ilen,
		f->ext[0].len ? f->ext[0].type : 41, 6);
	off += 40;
	for (k = 0; k < 3 && f->ext[k].len; k++) {
		uint8_t *e = buf + off;

		memset(e, 0, f->ext[k].len);
		e[0] = k + 1 < 3 && f->ext[k + 1].len ? f->ext[k + 1].type : 41;
		if (f->ext[k].type != 44)
			e[1] = f->ext[k].len / 8 - 1;
		if (f->ext[k].type == 43)
			e[3] = 1; /* segments left */
		if (f->ext[k].type == 0 || f->ext[k].type == 60) {
			e[2] = 1; /* PadN filling the header */
			e[3] = f->ext[k].len - 4;
		}
		off += f->ext[k].len;
	}
	return inner_off + ilen;
}

/* RFC 4443 §2.3 checksum, written plainly, to check the one built in BPF */
static uint16_t icmp6_csum(const uint8_t *ip6, size_t icmp_len)
{
	uint32_t sum = 0;
	size_t k;

	for (k = 8; k < 40; k += 2)
		sum += ip6[k] << 8 | ip6[k + 1];
	sum += (icmp_len >> 16) + (icmp_len & 0xffff);
	sum += 58;
	for (k = 0; k < icmp_len; k += 2)
		sum +=
		    ip6[40 + k] << 8 | (k + 1 < icmp_len ? ip6[40 + k + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The Packet Too Big the gateway owes the sender of frame in[0..len) */
static size_t build_ptb(const uint8_t *in, size_t len, const char *src,
			uint32_t mtu, uint8_t *out)
{
	size_t ilen = len - 14, quote = ilen < 1232 ? ilen : 1232;
	struct hdr6 h = {.src = src, .hl = 64};
	char dst[INET6_ADDRSTRLEN];
	uint16_t cs;
	uint32_t m = htonl(mtu);

	memcpy(out, in + 6, 6);
	memcpy(out + 6, in, 6);
	out[12] = 0x86;
	out[13] = 0xdd;
	inet_ntop(AF_INET6, in + 14 + 8, dst, sizeof(dst));
	h.dst = dst;
	put_ip6(out + 14, &h, 0, 8 + quote, 58, 6);
	out[54] = 2;
	out[55] = 0;
	out[56] = out[57] = 0;
	memcpy(out + 58, &m, 4);
	memcpy(out + 62, in + 14, quote);
	cs = htons(icmp6_csum(out + 14, 8 + quote));
	memcpy(out + 56, &cs, 2);
	return 62 + quote;
}

/* ----- running -------------------------------------------------------- */

static bool prog_is_mag(int prog)
{
	return prog == P_MAG_ACCESS || prog == P_MAG_CORE ||
	       prog == P_TC_MAG_ACCESS || prog == P_TC_MAG_CORE;
}

static bool prog_is_tc(int prog)
{
	return prog == P_TC_LMA_IN || prog == P_TC_LMA_EG ||
	       prog == P_TC_MAG_ACCESS || prog == P_TC_MAG_CORE;
}

/* frames come in on xa, except on the MAG's core side and LMA egress */
static int prog_ifindex(int prog)
{
	return prog == P_MAG_CORE || prog == P_TC_MAG_CORE ||
		       prog == P_TC_LMA_EG
		   ? env.ify
		   : env.ifa;
}

static int test_run(int prog, const uint8_t *in, size_t len, uint8_t *out,
		    uint32_t *out_len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = 4096, .repeat = 1);
	struct __sk_buff skb = {};
	struct xdp_md xdp = {};
	int rc;

	if (prog_is_tc(prog)) {
		skb.ifindex = prog_ifindex(prog);
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	} else {
		xdp.data_end = len;
		xdp.ingress_ifindex = prog_ifindex(prog);
		o.ctx_in = &xdp;
		o.ctx_size_in = sizeof(xdp);
	}
	rc = bpf_prog_test_run_opts(env.fd[prog], &o);
	*out_len = o.data_size_out;
	*retval = o.retval;
	return rc;
}

static int ev_count;
static struct xp_event ev_last;

static int on_event(const struct xp_event *ev, void *arg)
{
	(void)arg;
	ev_last = *ev;
	ev_count++;
	return 0;
}

static void hexdump_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (a[k] != b[k]) {
			print_message("# first difference at byte %zu: got "
				      "%02x want %02x\n",
				      k, a[k], b[k]);
			return;
		}
}

static void check_counter(const char *hnp, char dir, struct xp_binding *pre,
			  size_t inner_len, bool mag)
{
	struct xp_hnp_key key;
	struct xp_binding now;
	struct in6_addr a;

	addr(hnp, &a);
	xp_hnp_key_from_prefix(&key, &a);
	assert_int_equal(dp_binding_lookup(mag ? env.mag : env.lma, &key, &now),
			 0);
	if (dir == 'u') {
		assert_int_equal(now.up_packets, pre->up_packets + 1);
		assert_int_equal(now.up_bytes, pre->up_bytes + inner_len);
		/* only the MAG's inactivity timer reads last_seen_ns */
		if (mag)
			assert_true(now.last_seen_ns > pre->last_seen_ns);
		else
			assert_int_equal(now.last_seen_ns, pre->last_seen_ns);
	} else {
		assert_int_equal(now.down_packets, pre->down_packets + 1);
		assert_int_equal(now.down_bytes, pre->down_bytes + inner_len);
	}
}

static void run_case(void **state)
{
	const struct tcase *c = *state;
	bool mag = prog_is_mag(c->prog);
	struct dp *dp = mag ? env.mag : env.lma;
	struct xp_stat before[XP_STAT_MAX], after[XP_STAT_MAX];
	static uint8_t in[4096], out[4096], want[4096];
	struct xp_binding pre = {};
	uint32_t out_len, retval;
	size_t len, want_len = 0, inner_len = 0;
	uint64_t total = 0;
	int k;

	len = build(&c->in, in);
	if (c->trunc)
		len = c->trunc;
	if (c->counter_hnp) {
		struct xp_hnp_key key;
		struct in6_addr a;

		addr(c->counter_hnp, &a);
		xp_hnp_key_from_prefix(&key, &a);
		assert_int_equal(dp_binding_lookup(dp, &key, &pre), 0);
		inner_len = 40 + (c->in.paylen ? c->in.paylen : 100);
	}
	if (mag)
		dp_events_consume(dp);
	ev_count = 0;
	assert_int_equal(dp_stats_read(dp, before), 0);

	assert_int_equal(test_run(c->prog, in, len, out, &out_len, &retval), 0);
	assert_int_equal(dp_stats_read(dp, after), 0);
	for (k = 0; k < XP_STAT_MAX; k++)
		if (after[k].packets != before[k].packets)
			print_message("# counted: %s\n", xp_stat_names[k]);
	assert_int_equal(retval, c->verdict);

	switch (c->out_kind) {
	case OUT_SAME:
		memcpy(want, in, len);
		want_len = len;
		break;
	case OUT_FRAME:
		want_len = build(&c->out, want);
		break;
	case OUT_PTB:
		want_len = build_ptb(in, len, c->ptb_src, c->ptb_mtu, want);
		break;
	}
	if (out_len != want_len || memcmp(out, want, want_len))
		hexdump_diff(out, want,
			     out_len < want_len ? out_len : want_len);
	assert_int_equal(out_len, want_len);
	assert_memory_equal(out, want, want_len);

	/* every packet is counted exactly once, under the expected reason */
	assert_int_equal(dp_stats_read(dp, after), 0);
	if (c->stat != NO_STAT)
		assert_int_equal(after[c->stat].packets,
				 before[c->stat].packets + 1);
	for (k = 0; k < XP_STAT_MAX; k++)
		if (k < XP_STAT_EVENT_SENT)
			total += after[k].packets - before[k].packets;
	assert_int_equal(total, c->stat != NO_STAT);

	if (c->counter_hnp)
		check_counter(c->counter_hnp, c->counter_dir, &pre, inner_len,
			      mag);
	if (mag) {
		dp_events_consume(dp);
		assert_int_equal(ev_count, c->events);
		if (c->events) {
			assert_int_equal(ev_last.type, XP_EVENT_ATTACH);
			assert_int_equal(ev_last.ifindex, env.ifa);
			assert_memory_equal(ev_last.mac, in + 6, 6);
			assert_memory_equal(&ev_last.src, in + 14 + 8, 16);
		}
	}
}

/* ----- the table ------------------------------------------------------ */

#define ETH_IN .smac = mac_cn, .dmac = mac_gw
#define UDP_DOWN(to)                                                           \
	.i = {.src = CN, .dst = to, .tc = 0xba, .fl = 0x12345, .hl = 64}
#define ENCAP(peer)                                                            \
	.tunnel = true,                                                        \
	.o = {.src = LMAA, .dst = peer, .tc = 0xba, .fl = FL_HASH, .hl = 64}
#define ENC_IN(peer, from)                                                     \
	.tunnel = true, .o = {.src = peer, .dst = LMAA, .hl = 60},             \
	.i = {.src = from, .dst = CN, .tc = 0x02, .hl = 64}

static const struct tcase cases[] = {
    /* LMA downlink */
    {"lma downlink, next hop from the FIB",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1)},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_mag1,
      ENCAP(MAG1),
      .i = {.src = CN, .dst = MN1, .tc = 0xba, .fl = 0x12345, .hl = 63}},
     .stat = XP_STAT_LMA_ENCAP,
     .counter_hnp = HNP1,
     .counter_dir = 'd'},
    {"lma downlink, next hop from the nexthops map",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN2)},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_nh2s,
      .dmac = mac_nh2d,
      ENCAP(MAG2),
      .i = {.src = CN, .dst = MN2, .tc = 0xba, .fl = 0x12345, .hl = 63}},
     .stat = XP_STAT_LMA_ENCAP,
     .counter_hnp = HNP2,
     .counter_dir = 'd'},
    {"lma downlink, neighbour unresolved: encapsulated to the stack",
     P_LMA,
     {ETH_IN, UDP_DOWN(HNP3 "9")},
     0,
     XDP_PASS,
     OUT_FRAME,
     {ETH_IN, ENCAP(MAG3),
      .i = {.src = CN, .dst = HNP3 "9", .tc = 0xba, .fl = 0x12345, .hl = 63}},
     .stat = XP_STAT_PASS_NEIGH},
    {"lma downlink, peer unreachable",
     P_LMA,
     {ETH_IN, UDP_DOWN(HNP4 "9")},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_FIB},
    {"lma downlink, inactive binding",
     P_LMA,
     {ETH_IN, UDP_DOWN(HNP5 "9")},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_INACTIVE},
    {"lma downlink, unknown prefix to the stack",
     P_LMA,
     {ETH_IN, UDP_DOWN("2001:db8:777::1")},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_NO_BINDING},
    {"lma downlink, hop limit 1 to the stack",
     P_LMA,
     {ETH_IN, .i = {.src = CN, .dst = MN1, .hl = 1}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_HOP_LIMIT},
    {"lma downlink, hop limit 2 forwarded with 1",
     P_LMA,
     {ETH_IN, .i = {.src = CN, .dst = MN1, .hl = 2}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_mag1,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .fl = FL_HASH, .hl = 64},
      .i = {.src = CN, .dst = MN1, .hl = 1}},
     .stat = XP_STAT_LMA_ENCAP},
    {"lma downlink, 1460 bytes fit a 1500 MTU tunnel",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .paylen = 1420},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_mag1,
      ENCAP(MAG1),
      .i = {.src = CN, .dst = MN1, .tc = 0xba, .fl = 0x12345, .hl = 63},
      .paylen = 1420},
     .stat = XP_STAT_LMA_ENCAP},
    {"lma downlink, oversize (FIB MTU) -> packet too big",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .paylen = 1421},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1460,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"lma downlink, oversize (map MTU 1400) -> packet too big",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN2), .paylen = 1321},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1360,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"lma downlink, oversize 1500-byte frame quotes 1232 bytes",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .paylen = 1460},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1460,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"lma downlink, oversize odd length -> packet too big",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .paylen = 1427},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1460,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"lma downlink, oversize icmp error: no error about an error",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .nh = 58, .icmp_type = 1, .paylen = 1421},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TOO_BIG},
    {"lma, not ipv6",
     P_LMA,
     {ETH_IN, .proto = 0x0806, UDP_DOWN(MN1)},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_NOT_IPV6},
    {"lma, link-local destination",
     P_LMA,
     {ETH_IN, .i = {.src = "fe80::1", .dst = "fe80::2", .hl = 255}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LINK_LOCAL},
    {"lma, multicast (neighbour solicitation)",
     P_LMA,
     {ETH_IN, .nh = 58, .icmp_type = 135, .paylen = 24,
      .i = {.src = "fe80::1", .dst = "ff02::1:ff00:1", .hl = 255}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LINK_LOCAL},
    {"lma, mobility header to the lma reaches the stack",
     P_LMA,
     {ETH_IN, .nh = 135, .paylen = 48,
      .i = {.src = MAG1, .dst = LMAA, .hl = 64}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LOCAL},
    {"lma, icmpv6 echo to the lma reaches the stack",
     P_LMA,
     {ETH_IN, .nh = 58, .icmp_type = 128, .paylen = 64,
      .i = {.src = CN, .dst = LMAA, .hl = 64}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LOCAL},
    /* truncation at every header boundary */
    {"truncated: ethernet only",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1)},
     14,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: ipv6 header cut",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1)},
     14 + 39,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: ipv6 header, no payload",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1)},
     14 + 40,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: payload one byte short",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1)},
     14 + 40 + 99,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: tunnel, inner header cut",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .plen_lie = 0},
     14 + 40 + 39,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: tunnel, inner payload longer than outer",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .plen_lie = 1},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"truncated: extension header cut",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .ext = {{60, 16}}},
     14 + 40 + 7,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    /* LMA uplink */
    {"lma uplink, decapsulated and routed",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1)},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0x02, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP,
     .counter_hnp = HNP1,
     .counter_dir = 'u'},
    {"lma uplink, hop-by-hop and destination options before 41",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .ext = {{0, 8}, {60, 16}}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0x02, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP},
    {"lma uplink, wrong outer source",
     P_LMA,
     {ETH_IN, ENC_IN(MAG2, MN1)},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_WRONG_PEER},
    {"lma uplink, spoofed inner source (no binding)",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, "2001:db8:666::1")},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_NO_BINDING},
    {"lma uplink, fragment header",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .ext = {{44, 8}}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_FRAGMENT},
    {"lma uplink, routing header with segments left",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .ext = {{43, 24}}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_EXT_HDR},
    {"lma uplink, inner not ipv6",
     P_LMA,
     {ETH_IN, ENC_IN(MAG1, MN1), .version = 4},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_BAD_INNER},
    {"lma uplink, inner hop limit 1: decapsulated to the stack",
     P_LMA,
     {ETH_IN, .tunnel = true, .o = {.src = MAG1, .dst = LMAA, .hl = 9},
      .i = {.src = MN1, .dst = CN, .hl = 1}},
     0,
     XDP_PASS,
     OUT_FRAME,
     {ETH_IN, .i = {.src = MN1, .dst = CN, .hl = 1}},
     .stat = XP_STAT_PASS_HOP_LIMIT},
    {"lma uplink, inner to another home prefix: hairpin via stack",
     P_LMA,
     {ETH_IN, .tunnel = true, .o = {.src = MAG1, .dst = LMAA, .hl = 9},
      .i = {.src = MN1, .dst = MN2, .hl = 64}},
     0,
     XDP_PASS,
     OUT_FRAME,
     {ETH_IN, .i = {.src = MN1, .dst = MN2, .hl = 64}},
     .stat = XP_STAT_PASS_HAIRPIN},
    /* RFC 6040 §4.2 decapsulation */
    {"ecn: outer CE, inner ECT(0) -> CE",
     P_LMA,
     {ETH_IN, .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x03, .hl = 9},
      .i = {.src = MN1, .dst = CN, .tc = 0x02, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0x03, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP},
    {"ecn: outer CE, inner not-ECT -> drop",
     P_LMA,
     {ETH_IN, .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x03, .hl = 9},
      .i = {.src = MN1, .dst = CN, .tc = 0x00, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_ECN},
    {"ecn: outer ECT(1), inner ECT(0) -> ECT(1)",
     P_LMA,
     {ETH_IN, .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x01, .hl = 9},
      .i = {.src = MN1, .dst = CN, .tc = 0xb6, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0xb5, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP},
    {"ecn: outer ECT(0), inner ECT(1) unchanged, dscp kept",
     P_LMA,
     {ETH_IN, .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x02, .hl = 9},
      .i = {.src = MN1, .dst = CN, .tc = 0x29, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0x29, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP},
    /* TC */
    {"tc egress: lma's own packet to a home prefix is tunnelled, "
     "same interface: goes on without a redirect",
     P_TC_LMA_EG,
     {.smac = mac_ya, .dmac = mac_cn, .i = {.src = LMAA, .dst = MN2, .hl = 64}},
     0,
     0 /* TC_ACT_OK */,
     OUT_FRAME,
     {.smac = mac_nh2s,
      .dmac = mac_nh2d,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG2, .fl = FL_HASH, .hl = 64},
      .i = {.src = LMAA, .dst = MN2, .hl = 64}},
     .stat = XP_STAT_TC_ENCAP},
    {"tc egress: other traffic untouched",
     P_TC_LMA_EG,
     {.smac = mac_ya, .dmac = mac_cn, .i = {.src = LMAA, .dst = CN, .hl = 64}},
     0,
     0,
     OUT_SAME,
     .stat = NO_STAT},
    {"tc ingress fallback: lma downlink",
     P_TC_LMA_IN,
     {ETH_IN, UDP_DOWN(MN2)},
     0,
     7,
     OUT_FRAME,
     {.smac = mac_nh2s,
      .dmac = mac_nh2d,
      ENCAP(MAG2),
      .i = {.src = CN, .dst = MN2, .tc = 0xba, .fl = 0x12345, .hl = 63}},
     .stat = XP_STAT_LMA_ENCAP},
    /* RFC 2473 §7.1: a locked route MTU counts in TC as in XDP */
    {"lma downlink, oversize (locked route MTU 1400) -> packet too big",
     P_LMA,
     {ETH_IN, UDP_DOWN(HNP6 "9"), .paylen = 1321},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1360,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"tc ingress fallback: oversize (locked route MTU 1400) -> packet too big",
     P_TC_LMA_IN,
     {ETH_IN, UDP_DOWN(HNP6 "9"), .paylen = 1321},
     0,
     7,
     OUT_PTB,
     .ptb_mtu = 1360,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"tc ingress fallback: 1400 bytes fit a locked route MTU of 1400",
     P_TC_LMA_IN,
     {ETH_IN, UDP_DOWN(HNP6 "9"), .paylen = 1320},
     0,
     7,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_mag6,
      ENCAP(MAG6),
      .i = {.src = CN, .dst = HNP6 "9", .tc = 0xba, .fl = 0x12345, .hl = 63},
      .paylen = 1320},
     .stat = XP_STAT_LMA_ENCAP},
    {"tc ingress fallback: lma uplink",
     P_TC_LMA_IN,
     {ETH_IN, ENC_IN(MAG1, MN1)},
     0,
     7,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_cnhop,
      .i = {.src = MN1, .dst = CN, .tc = 0x02, .hl = 63}},
     .stat = XP_STAT_LMA_DECAP},
    /* MAG uplink (access side) */
    {"mag uplink, attached node tunnelled to its lma",
     P_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .i = {.src = MN1, .dst = CN, .tc = 0x11, .fl = 7, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_lmahop,
      .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x11, .fl = FL_HASH, .hl = 64},
      .i = {.src = MN1, .dst = CN, .tc = 0x11, .fl = 7, .hl = 63}},
     .stat = XP_STAT_MAG_ENCAP,
     .counter_hnp = HNP1,
     .counter_dir = 'u'},
    {"mag uplink, source outside the node's prefix",
     P_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .i = {.src = MN2, .dst = CN, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_SPOOFED_SRC},
    {"mag uplink, router solicitation to the stack",
     P_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .nh = 58,
      .icmp_type = 133,
      .paylen = 8,
      .i = {.src = "fe80::33", .dst = "ff02::2", .hl = 255}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LINK_LOCAL},
    {"mag uplink, hop limit 1 to the stack",
     P_MAG_ACCESS,
     {.smac = mac_mn, .dmac = mac_mn_gw, .i = {.src = MN1, .dst = CN, .hl = 1}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_HOP_LIMIT},
    {"mag uplink, oversize -> packet too big to the node",
     P_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .paylen = 1421,
      .i = {.src = MN1, .dst = CN, .hl = 64}},
     0,
     XDP_TX,
     OUT_PTB,
     .ptb_mtu = 1460,
     .ptb_src = MAG1,
     .stat = XP_STAT_PTB_SENT},
    {"mag, unknown mac: stack and an attach event",
     P_MAG_ACCESS,
     {.smac = mac_unknown,
      .dmac = mac_mn_gw,
      .nh = 58,
      .icmp_type = 133,
      .paylen = 8,
      .i = {.src = "fe80::44", .dst = "ff02::2", .hl = 255}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_UNKNOWN_MAC,
     .events = 1},
    {"mag, unknown mac again within 1 s: rate-limited",
     P_MAG_ACCESS,
     {.smac = mac_unknown,
      .dmac = mac_mn_gw,
      .nh = 58,
      .icmp_type = 133,
      .paylen = 8,
      .i = {.src = "fe80::44", .dst = "ff02::2", .hl = 255}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_UNKNOWN_MAC,
     .events = 0},
    {"mag, unknown mac to a global address: dropped, event",
     P_MAG_ACCESS,
     {.smac = mac_unknown2,
      .dmac = mac_mn_gw,
      .i = {.src = "2001:db8:555::1", .dst = CN, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_NO_BINDING,
     .events = 1},
    /* MAG downlink (core side) */
    {"mag downlink, decapsulated to the node's mac",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .tc = 0x03, .hl = 60},
      .i = {.src = CN, .dst = MN1, .tc = 0x01, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_mn_gw,
      .dmac = mac_mn,
      .i = {.src = CN, .dst = MN1, .tc = 0x03, .hl = 63}},
     .stat = XP_STAT_MAG_DECAP,
     .counter_hnp = HNP1,
     .counter_dir = 'd'},
    {"mag downlink, inner larger than the access MTU: counted drop",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64},
      .paylen = 1461},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TOO_BIG},
    {"mag downlink, inner of exactly the access MTU delivered",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64},
      .paylen = 1460},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_mn_gw,
      .dmac = mac_mn,
      .i = {.src = CN, .dst = MN1, .hl = 63},
      .paylen = 1460},
     .stat = XP_STAT_MAG_DECAP},
    {"mag downlink, wrong outer source",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = "2001:db8:eeee::1", .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_WRONG_PEER},
    {"mag downlink, unknown inner prefix",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = "2001:db8:888::1", .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_NO_BINDING},
    {"mag downlink, fragment header",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .ext = {{44, 8}},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_FRAGMENT},
    {"mag, mobility header to the mag reaches the stack",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .nh = 135,
      .paylen = 40,
      .i = {.src = LMAA, .dst = MAG1, .hl = 64}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_LOCAL},
    {"not ipv6: version 4 under the ipv6 ethertype",
     P_LMA,
     {ETH_IN, UDP_DOWN(MN1), .version = 4},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_NOT_IPV6},
    {"mag uplink, neighbour unresolved: encapsulated to the stack",
     P_MAG_ACCESS,
     {.smac = mac_mn2,
      .dmac = mac_mn_gw,
      .i = {.src = MN2, .dst = CN, .hl = 64}},
     0,
     XDP_PASS,
     OUT_FRAME,
     {.smac = mac_mn2,
      .dmac = mac_mn_gw,
      .tunnel = true,
      .o = {.src = MAG1, .dst = MAG3, .fl = FL_HASH, .hl = 64},
      .i = {.src = MN2, .dst = CN, .hl = 63}},
     .stat = XP_STAT_PASS_NEIGH,
     .counter_hnp = HNP2,
     .counter_dir = 'u'},
    {"mag uplink, inactive binding",
     P_MAG_ACCESS,
     {.smac = mac_mn5,
      .dmac = mac_mn_gw,
      .i = {.src = HNP5 "1", .dst = CN, .hl = 64}},
     0,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_INACTIVE},
    {"mag uplink, truncated payload",
     P_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .i = {.src = MN1, .dst = CN, .hl = 64}},
     14 + 40 + 50,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"mag downlink, hop-by-hop options before 41",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .ext = {{0, 16}},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     0,
     XDP_REDIRECT,
     OUT_FRAME,
     {.smac = mac_mn_gw,
      .dmac = mac_mn,
      .i = {.src = CN, .dst = MN1, .hl = 63}},
     .stat = XP_STAT_MAG_DECAP},
    {"mag downlink, inner hop limit 1: decapsulated to the stack",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 1}},
     0,
     XDP_PASS,
     OUT_FRAME,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .i = {.src = CN, .dst = MN1, .hl = 1}},
     .stat = XP_STAT_PASS_HOP_LIMIT},
    {"mag downlink, outer header cut",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     14 + 20,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"mag downlink, inner header cut",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     14 + 40 + 20,
     XDP_DROP,
     OUT_SAME,
     .stat = XP_STAT_DROP_TRUNCATED},
    {"mag core, transit traffic to the stack",
     P_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .i = {.src = CN, .dst = "2001:db8:77::1", .hl = 64}},
     0,
     XDP_PASS,
     OUT_SAME,
     .stat = XP_STAT_PASS_NO_BINDING},
    {"tc ingress fallback: mag uplink",
     P_TC_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .i = {.src = MN1, .dst = CN, .tc = 0x11, .fl = 7, .hl = 64}},
     0,
     7,
     OUT_FRAME,
     {.smac = mac_ya,
      .dmac = mac_lmahop,
      .tunnel = true,
      .o = {.src = MAG1, .dst = LMAA, .tc = 0x11, .fl = FL_HASH, .hl = 64},
      .i = {.src = MN1, .dst = CN, .tc = 0x11, .fl = 7, .hl = 63}},
     .stat = XP_STAT_MAG_ENCAP},
    {"tc ingress fallback: mag downlink",
     P_TC_MAG_CORE,
     {.smac = mac_lmahop,
      .dmac = mac_ya,
      .tunnel = true,
      .o = {.src = LMAA, .dst = MAG1, .hl = 60},
      .i = {.src = CN, .dst = MN1, .hl = 64}},
     0,
     7,
     OUT_FRAME,
     {.smac = mac_mn_gw,
      .dmac = mac_mn,
      .i = {.src = CN, .dst = MN1, .hl = 63}},
     .stat = XP_STAT_MAG_DECAP},
    {"tc ingress fallback: oversize -> packet too big back out",
     P_TC_MAG_ACCESS,
     {.smac = mac_mn,
      .dmac = mac_mn_gw,
      .paylen = 1421,
      .i = {.src = MN1, .dst = CN, .hl = 64}},
     0,
     7 /* TC_ACT_REDIRECT */,
     OUT_PTB,
     .ptb_mtu = 1460,
     .ptb_src = MAG1,
     .stat = XP_STAT_PTB_SENT},
    {"tc ingress fallback: oversize 1500-byte frame quotes 1232 bytes",
     P_TC_LMA_IN,
     {ETH_IN, UDP_DOWN(MN2), .paylen = 1460},
     0,
     7,
     OUT_PTB,
     .ptb_mtu = 1360,
     .ptb_src = LMAA,
     .stat = XP_STAT_PTB_SENT},
    {"tc egress: the lma's own oversize packet is dropped",
     P_TC_LMA_EG,
     {.smac = mac_ya,
      .dmac = mac_cn,
      .paylen = 1461,
      .i = {.src = LMAA, .dst = MN1, .hl = 64}},
     0,
     2,
     OUT_SAME,
     .stat = XP_STAT_DROP_TOO_BIG},
};

/* ----- environment ---------------------------------------------------- */

static int add_binding(struct dp *dp, const char *hnp, const char *peer,
		       bool active, int access_ifindex)
{
	struct xp_binding b = {.flags = active ? XP_BIND_F_ACTIVE : 0};
	struct xp_hnp_key key;
	struct in6_addr a;

	addr(hnp, &a);
	xp_hnp_key_from_prefix(&key, &a);
	addr(peer, &b.peer);
	memcpy(b.mn_mac, mac_mn, 6);
	memcpy(b.gw_mac, mac_mn_gw, 6);
	b.access_ifindex = access_ifindex;
	return dp_binding_update(dp, &key, &b);
}

static int setup_netns(void)
{
	char path[128];
	int fd;

	snprintf(env.netns, sizeof(env.netns), "xpdp-bpf-%d", getpid());
	if (run_cmd("ip netns add %s", env.netns))
		return -1;
	snprintf(path, sizeof(path), "/run/netns/%s", env.netns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	close(fd);
	/* xa: where test frames come in; ya: toward the peers */
	if (run_cmd(
		"ip link set lo up && "
		"ip link add xa address 02:00:00:00:11:01 type veth peer "
		"name xb && "
		"ip link add ya address 02:00:00:00:22:01 type veth peer "
		"name yb && "
		"for i in xa xb ya yb; do ip link set $i up; done && "
		"echo 1 > /proc/sys/net/ipv6/conf/all/forwarding && "
		"echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad && "
		"echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad && "
		"ip -6 addr add 2001:db8:1::1/64 dev xa nodad && "
		"ip -6 route add 2001:db8:a::/64 dev ya && "
		"ip -6 neigh replace 2001:db8:a::1 lladdr 02:00:00:00:0a:01 "
		"dev ya nud permanent && "
		"ip -6 route add 2001:db8:c::/64 dev ya && "
		"ip -6 route add 2001:db8:e::/64 dev ya mtu lock 1400 && "
		"ip -6 neigh replace 2001:db8:e::1 lladdr 02:00:00:00:0e:01 "
		"dev ya nud permanent && "
		"ip -6 route add unreachable 2001:db8:d::/64 && "
		"ip -6 route add 2001:db8:ff::/64 dev ya && "
		"ip -6 neigh replace 2001:db8:ff::1 lladdr 02:00:00:00:ff:01 "
		"dev ya nud permanent && "
		"ip -6 route add 2001:db8:cc::/64 via fe80::cc dev ya && "
		"ip -6 neigh replace fe80::cc lladdr 02:00:00:00:cc:fe "
		"dev ya nud permanent"))
		return -1;
	env.ifa = if_nametoindex("xa");
	env.ifb = if_nametoindex("xb");
	env.ify = if_nametoindex("ya");
	return env.ifa && env.ify ? 0 : -1;
}

static int group_setup(void **state)
{
	struct dp_opts o = {.max_bindings = 1024};
	char inst[64];
	struct xp_nexthop nh = {.mtu = 1400};
	struct xp_mn_key mk = {};
	struct xp_mn mn;
	struct in6_addr a;
	int k;

	(void)state;
	log_init("test_dataplane", LOG_LVL_WARN, false);
	if (setup_netns())
		return -1;

	snprintf(inst, sizeof(inst), "xpdp-test-lma-%d", getpid());
	o.role = XP_ROLE_LMA;
	o.instance = inst;
	addr(LMAA, &o.local_addr);
	if (dp_open(&env.lma, &o))
		return -1;
	snprintf(inst, sizeof(inst), "xpdp-test-mag-%d", getpid());
	o.role = XP_ROLE_MAG;
	addr(MAG1, &o.local_addr);
	if (dp_open(&env.mag, &o))
		return -1;
	for (k = 0; k < P_MAX; k++) {
		env.fd[k] = dp_prog_fd(prog_is_mag(k) ? env.mag : env.lma,
				       prog_names[k]);
		if (env.fd[k] < 0)
			return -1;
	}

	if (add_binding(env.lma, HNP1, MAG1, true, 0) ||
	    add_binding(env.lma, HNP2, MAG2, true, 0) ||
	    add_binding(env.lma, HNP3, MAG3, true, 0) ||
	    add_binding(env.lma, HNP4, MAG4, true, 0) ||
	    add_binding(env.lma, HNP5, MAG1, false, 0) ||
	    add_binding(env.lma, HNP6, MAG6, true, 0))
		return -1;
	nh.ifindex = env.ify;
	memcpy(nh.dmac, mac_nh2d, 6);
	memcpy(nh.smac, mac_nh2s, 6);
	addr(MAG2, &a);
	if (dp_nexthop_update(env.lma, &a, &nh))
		return -1;

	/* MN1: served by the LMA; MN2: LMA next hop unresolved; HNP5 off */
	if (add_binding(env.mag, HNP1, LMAA, true, env.ifa) ||
	    add_binding(env.mag, HNP2, MAG3, true, env.ifa) ||
	    add_binding(env.mag, HNP5, LMAA, false, env.ifa))
		return -1;
	mk.ifindex = env.ifa;
	memcpy(mk.mac, mac_mn, 6);
	addr(HNP1, &a);
	xp_hnp_key_from_prefix(&mn.hnp, &a);
	if (dp_mn_update(env.mag, &mk, &mn))
		return -1;
	memcpy(mk.mac, mac_mn2, 6);
	addr(HNP2, &a);
	xp_hnp_key_from_prefix(&mn.hnp, &a);
	if (dp_mn_update(env.mag, &mk, &mn))
		return -1;
	memcpy(mk.mac, mac_mn5, 6);
	addr(HNP5, &a);
	xp_hnp_key_from_prefix(&mn.hnp, &a);
	if (dp_mn_update(env.mag, &mk, &mn))
		return -1;
	return dp_events_open(env.mag, on_event, NULL);
}

static int group_teardown(void **state)
{
	(void)state;
	if (getenv("XPDP_PAUSE"))
		sleep(atoi(getenv("XPDP_PAUSE")));
	dp_close(env.lma, false);
	dp_close(env.mag, false);
	run_cmd("ip netns del %s", env.netns);
	return 0;
}

/* dp_binding_update keeps what the data plane counted */
static void binding_update_keeps_counters(void **state)
{
	struct xp_binding b = {}, got;
	struct xp_hnp_key key;
	struct in6_addr a;

	(void)state;
	addr(HNP1, &a);
	xp_hnp_key_from_prefix(&key, &a);
	assert_int_equal(dp_binding_lookup(env.lma, &key, &got), 0);
	assert_true(got.down_packets > 0);
	b = got;
	b.up_packets = b.down_packets = 0;
	b.flags = XP_BIND_F_ACTIVE;
	addr(MAG2, &b.peer);
	assert_int_equal(dp_binding_update(env.lma, &key, &b), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(dp_binding_lookup(env.lma, &key, &b), 0);
	assert_int_equal(b.down_packets, got.down_packets);
	assert_int_equal(b.down_bytes, got.down_bytes);
	addr(MAG2, &a);
	assert_memory_equal(&b.peer, &a, 16);
	/* back to MAG1 for anything after us */
	addr(MAG1, &b.peer);
	assert_int_equal(dp_binding_update(env.lma, &key, &b), 0);
}

/*
 * RFC 4443 §2.4(f): Packet Too Big is rate-limited per CPU.  3 x the budget
 * in a burst of a few milliseconds crosses at most one window boundary, so
 * at least half a budget must be refused, and every frame is either
 * answered or refused.
 */
static void ptb_rate_limited(void **state)
{
	static const struct frame f = {ETH_IN, UDP_DOWN(MN1), .paylen = 1421};
	struct xp_stat before[XP_STAT_MAX], after[XP_STAT_MAX];
	static uint8_t in[2048], out[4096];
	uint32_t out_len, retval;
	uint64_t sent, limited;
	size_t len = build(&f, in);
	int k;

	(void)state;
	assert_int_equal(dp_stats_read(env.lma, before), 0);
	for (k = 0; k < 3 * XP_PTB_PER_SEC; k++)
		assert_int_equal(
		    test_run(P_LMA, in, len, out, &out_len, &retval), 0);
	assert_int_equal(dp_stats_read(env.lma, after), 0);
	sent =
	    after[XP_STAT_PTB_SENT].packets - before[XP_STAT_PTB_SENT].packets;
	limited = after[XP_STAT_PTB_RATE_LIMITED].packets -
		  before[XP_STAT_PTB_RATE_LIMITED].packets;
	assert_int_equal(sent + limited, 3 * XP_PTB_PER_SEC);
	assert_true(limited >= XP_PTB_PER_SEC / 2);
	assert_true(sent <= 2 * XP_PTB_PER_SEC);
}

/*
 * Pins left by an older build: a stateless map of another layout is
 * recreated, a binding cache of another size is refused.
 */
static void pinned_maps_of_another_layout(void **state)
{
	struct dp_opts o = {.role = XP_ROLE_LMA, .max_bindings = 1024};
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char inst[64], path[160];
	struct dp *dp;
	int fd;

	(void)state;
	snprintf(inst, sizeof(inst), "xpdp-test-pin-%d", getpid());
	o.instance = inst;
	addr(LMAA, &o.local_addr);
	assert_int_equal(dp_open(&dp, &o), 0);
	dp_close(dp, true);

	/* an old 30-reason stats map */
	snprintf(path, sizeof(path), "%s/%s/stats", XP_PIN_ROOT, inst);
	assert_int_equal(unlink(path), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "stats", 4,
			    sizeof(struct xp_stat), 30, NULL);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);
	assert_int_equal(dp_open(&dp, &o), 0);
	assert_int_equal(
	    bpf_obj_get_info_by_fd(dp_map_fd(dp, "stats"), &info, &len), 0);
	assert_int_equal(info.max_entries, XP_STAT_SLOTS);
	dp_close(dp, true);

	o.max_bindings = 2048;
	assert_int_equal(dp_open(&dp, &o), -EEXIST);
	o.max_bindings = 1024;
	assert_int_equal(dp_open(&dp, &o), 0);
	dp_close(dp, false);
	snprintf(path, sizeof(path), "%s/%s", XP_PIN_ROOT, inst);
	assert_int_equal(access(path, F_OK), -1);
}

/* xpmipctl and the tests print every reason by name */
static void every_reason_has_a_name(void **state)
{
	int k, j;

	(void)state;
	for (k = 0; k < XP_STAT_MAX; k++) {
		if (!xp_stat_names[k] || !*xp_stat_names[k])
			fail_msg("stats reason %d has no name", k);
		for (j = 0; j < k; j++)
			assert_string_not_equal(xp_stat_names[j],
						xp_stat_names[k]);
	}
}

/* xorshift32: a fixed seed, so a failure replays */
static uint32_t rnd_state = 0x2545f491;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * Mutated frames: the table's inputs with bits flipped, bytes overwritten
 * in the headers and lengths cut, through every program.  Whatever the
 * frame, each program must return a verdict of its hook and count the
 * frame under exactly one reason (TC egress: at most one).
 */
static void mutated_frames(void **state)
{
	size_t ncases = sizeof(cases) / sizeof(cases[0]);
	struct xp_stat before[XP_STAT_MAX], after[XP_STAT_MAX];
	static uint8_t in[2048], out[4096];
	uint32_t out_len, retval;
	int iter, k, m, prog;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		const struct tcase *c = &cases[rnd() % ncases];
		size_t len = build(&c->in, in);
		struct dp *dp;
		uint64_t total = 0;

		for (m = 1 + rnd() % 3; m > 0; m--) {
			size_t at = rnd() % (len < 160 ? len : 160);

			switch (rnd() % 3) {
			case 0:
				in[at] ^= 1 << (rnd() % 8);
				break;
			case 1:
				in[at] = rnd();
				break;
			default:
				len = 14 + rnd() % (len - 13);
				break;
			}
		}
		prog = rnd() % P_MAX;
		dp = prog_is_mag(prog) ? env.mag : env.lma;
		assert_int_equal(dp_stats_read(dp, before), 0);
		k = test_run(prog, in, len, out, &out_len, &retval);
		/* skb test-run refuses IPv6 frames shorter than the header */
		if (k == -EINVAL && prog_is_tc(prog) && len < 14 + 40)
			continue;
		if (k)
			fail_msg("iteration %d (%s via %s, %zu bytes): "
				 "test run %d",
				 iter, c->name, prog_names[prog], len, k);
		assert_int_equal(dp_stats_read(dp, after), 0);
		if (prog_is_tc(prog))
			assert_true(retval == 0 || retval == 2 || retval == 7);
		else
			assert_true(retval == XDP_PASS || retval == XDP_DROP ||
				    retval == XDP_TX || retval == XDP_REDIRECT);
		for (k = 0; k < XP_STAT_EVENT_SENT; k++)
			total += after[k].packets - before[k].packets;
		if (total != 1 && !(prog == P_TC_LMA_EG && total == 0))
			fail_msg("iteration %d (%s via %s): %llu reasons "
				 "counted",
				 iter, c->name, prog_names[prog],
				 (unsigned long long)total);
		if (prog_is_mag(prog))
			dp_events_consume(dp);
	}
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), k;
	struct CMUnitTest *tests;
	cpu_set_t cpus;
	int rc;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	/* one CPU: the PTB budget and the stats deltas are per CPU */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return 1;
	tests = calloc(n + 5, sizeof(*tests));
	if (!tests)
		return 1;
	for (k = 0; k < n; k++) {
		tests[k].name = cases[k].name;
		tests[k].test_func = run_case;
		tests[k].initial_state = (void *)&cases[k];
	}
	tests[n].name = "binding update keeps counters";
	tests[n].test_func = binding_update_keeps_counters;
	tests[n + 1].name = "packet too big is rate-limited";
	tests[n + 1].test_func = ptb_rate_limited;
	tests[n + 2].name = "mutated frames: one verdict, one reason";
	tests[n + 2].test_func = mutated_frames;
	tests[n + 3].name = "every stats reason has a unique name";
	tests[n + 3].test_func = every_reason_has_a_name;
	tests[n + 4].name = "pinned maps of another layout";
	tests[n + 4].test_func = pinned_maps_of_another_layout;
	rc = _cmocka_run_group_tests("dataplane", tests, n + 5, group_setup,
				     group_teardown);
	free(tests);
	return rc;
}
