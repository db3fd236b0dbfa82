// SPDX-License-Identifier: BSD-2-Clause
/*
 * Router advertisement tests: exact RA bytes (expected packets made with
 * scapy, not with our code), strict RS parsing, and the per-node RA logic
 * (solicited, periodic, rate limited, withdrawn) on a fake clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "log.h"
#include "nd.h"
#include "ra.h"

/* scapy: IPv6(src=fe80::1, dst=fe80::2, hlim=255) / ICMPv6ND_RA(chlim=64,
 * routerlifetime=1800) / SrcLLAddr 02:00:00:00:aa:01 / MTU 1460 /
 * PrefixInfo(2001:db8:1:2::/64, L, A, valid 3600, preferred 1800) */
static const uint8_t ra_expected[104] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x86, 0x00, 0xf7, 0x27, 0x40, 0x00, 0x07, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00,
    0x00, 0x00, 0xaa, 0x01, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xb4,
    0x03, 0x04, 0x40, 0xc0, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x07, 0x08,
    0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* scapy: IPv6(src=fe80::2, dst=ff02::2, hlim=255) / ICMPv6ND_RS() /
 * SrcLLAddr 02:00:00:00:bb:02 */
static const uint8_t rs_sllao[56] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x85, 0x00, 0xbf, 0x29, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0xbb, 0x02,
};

/* scapy: IPv6(src=::, dst=ff02::2, hlim=255) / ICMPv6ND_RS() */
static const uint8_t rs_unspec[48] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x85, 0x00, 0x7b, 0xb8, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t mac_gw[6] = {0x02, 0, 0, 0, 0xaa, 0x01};
static const uint8_t mac_mn[6] = {0x02, 0, 0, 0, 0xbb, 0x02};

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* Recompute the checksum field after editing a packet */
static void fix_csum(uint8_t *pkt, size_t len)
{
	struct in6_addr src, dst;
	uint16_t c;

	memcpy(&src, pkt + 8, 16);
	memcpy(&dst, pkt + 24, 16);
	pkt[42] = pkt[43] = 0;
	c = nd_icmp6_csum(&src, &dst, pkt + 40, len - 40);
	pkt[42] = c >> 8;
	pkt[43] = c & 0xff;
}

static void test_ra_bytes_exact(void **state)
{
	struct nd_prefix pi = {
	    .prefix = a6("2001:db8:1:2:ffff::1"), /* host bits cleared */
	    .plen = 64,
	    .flags = ND_PI_F_ONLINK | ND_PI_F_AUTO,
	    .valid_s = 3600,
	    .preferred_s = 1800,
	};
	struct nd_ra_params p = {
	    .src = a6("fe80::1"),
	    .dst = a6("fe80::2"),
	    .cur_hop_limit = 64,
	    .router_lifetime_s = 1800,
	    .has_slla = true,
	    .mtu = 1460,
	    .prefixes = &pi,
	    .n_prefixes = 1,
	};
	uint8_t buf[ND_RA_MAX_LEN];
	int len;

	(void)state;
	memcpy(p.slla, mac_gw, 6);
	len = nd_ra_build(buf, sizeof(buf), &p);
	assert_int_equal(len, sizeof(ra_expected));
	assert_memory_equal(buf, ra_expected, sizeof(ra_expected));
}

static void test_ra_build_limits(void **state)
{
	struct nd_prefix pi = {.plen = 64, .valid_s = 10, .preferred_s = 20};
	struct nd_ra_params p = {.src = a6("fe80::1"), .dst = a6("ff02::1")};
	uint8_t buf[ND_RA_MAX_LEN];

	(void)state;
	/* bare RA: header only, no options */
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), 56);
	assert_int_equal(buf[40], 134);
	assert_int_equal(buf[41], 0);
	assert_int_equal(nd_ra_build(buf, 55, &p), -ENOSPC);
	/* preferred > valid, too many prefixes, global source */
	p.prefixes = &pi;
	p.n_prefixes = 1;
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), -EINVAL);
	pi.preferred_s = 5;
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), 88);
	p.n_prefixes = ND_MAX_PREFIXES + 1;
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), -EINVAL);
	p.n_prefixes = 1;
	p.src = a6("2001:db8::1");
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), -EINVAL);
}

static void test_ra_withdraw_bytes(void **state)
{
	struct nd_prefix pi = {
	    .prefix = a6("2001:db8:1:2::"),
	    .plen = 64,
	    .flags = ND_PI_F_ONLINK | ND_PI_F_AUTO,
	};
	struct nd_ra_params p = {
	    .src = a6("fe80::1"),
	    .dst = a6("fe80::2"),
	    .cur_hop_limit = 64,
	    .has_slla = true,
	    .mtu = 1460,
	    .prefixes = &pi,
	    .n_prefixes = 1,
	};
	uint8_t buf[ND_RA_MAX_LEN], want[sizeof(ra_expected)];

	(void)state;
	memcpy(p.slla, mac_gw, 6);
	memcpy(want, ra_expected, sizeof(want));
	want[46] = want[47] = 0; /* router lifetime */
	memset(want + 76, 0, 8); /* valid, preferred */
	fix_csum(want, sizeof(want));
	assert_int_equal(nd_ra_build(buf, sizeof(buf), &p), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_rs_accept(void **state)
{
	struct nd_rs_info rs;
	struct in6_addr src = a6("fe80::2"), any = {0};
	uint8_t pkt[80];

	(void)state;
	assert_int_equal(nd_rs_parse(rs_sllao, sizeof(rs_sllao), &rs), 0);
	assert_true(rs.has_slla);
	assert_memory_equal(rs.slla, mac_mn, 6);
	assert_memory_equal(&rs.src, &src, 16);

	assert_int_equal(nd_rs_parse(rs_unspec, sizeof(rs_unspec), &rs), 0);
	assert_false(rs.has_slla);
	assert_memory_equal(&rs.src, &any, 16);

	/* Ethernet padding after the payload is fine */
	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, rs_sllao, sizeof(rs_sllao));
	assert_int_equal(nd_rs_parse(pkt, sizeof(rs_sllao) + 6, &rs), 0);

	/* our own builder agrees with scapy */
	assert_int_equal(
	    nd_rs_build(pkt, sizeof(pkt), &src,
			&(struct in6_addr){.s6_addr = {0xff, 0x02, [15] = 2}},
			mac_mn),
	    sizeof(rs_sllao));
	assert_memory_equal(pkt, rs_sllao, sizeof(rs_sllao));
}

/* Edit a copy of rs_sllao at off to val (re-checksummed unless raw) */
static int rs_edited(size_t off, uint8_t val, bool raw, size_t len)
{
	uint8_t pkt[sizeof(rs_sllao)];
	struct nd_rs_info rs;

	memcpy(pkt, rs_sllao, sizeof(pkt));
	pkt[off] = val;
	if (!raw)
		fix_csum(pkt, sizeof(pkt));
	return nd_rs_parse(pkt, len, &rs);
}

static void test_rs_reject(void **state)
{
	size_t n = sizeof(rs_sllao);
	uint8_t pkt[sizeof(rs_unspec) + 8];
	struct nd_rs_info rs;

	(void)state;
	assert_int_equal(rs_edited(0, 0x40, false, n), -EBADMSG); /* IPv4 */
	assert_int_equal(rs_edited(7, 64, false, n), -EPROTO); /* hop limit */
	assert_int_equal(rs_edited(7, 254, false, n), -EPROTO);
	assert_int_equal(rs_edited(6, 0, false, n), -EPROTO);  /* ext header */
	assert_int_equal(rs_edited(41, 1, false, n), -EPROTO); /* code */
	assert_int_equal(rs_edited(40, 134, false, n), -EPROTO);  /* an RA */
	assert_int_equal(rs_edited(43, 0x28, true, n), -EBADMSG); /* checksum */
	assert_int_equal(rs_edited(49, 0, false, n), -EBADMSG); /* opt len 0 */
	assert_int_equal(rs_edited(49, 2, false, n), -EBADMSG); /* overrun */
	assert_int_equal(rs_edited(5, 0x18, false, n),
			 -EBADMSG); /* plen > len */
	assert_int_equal(rs_edited(5, 0x04, false, n), -EBADMSG); /* plen < 8 */
	assert_int_equal(rs_edited(8, 0xff, false, n), -EPROTO); /* mc source */
	assert_int_equal(rs_edited(24, 0x20, false, n),
			 -EPROTO); /* global dst */
	/* truncated at every length */
	for (size_t l = 0; l < n; l++)
		assert_int_equal(rs_edited(0, 0x60, false, l), -EBADMSG);

	/* SLLAO with the unspecified source (RFC 4861 §6.1.1) */
	memcpy(pkt, rs_unspec, sizeof(rs_unspec));
	pkt[5] = 16;
	memcpy(pkt + 48, rs_sllao + 48, 8);
	fix_csum(pkt, sizeof(pkt));
	assert_int_equal(nd_rs_parse(pkt, sizeof(pkt), &rs), -EBADMSG);
	/* a trailing single byte is no option */
	pkt[5] = 9;
	fix_csum(pkt, 49);
	assert_int_equal(nd_rs_parse(pkt, 49, &rs), -EBADMSG);
}

/* The per-node logic, on a fake clock with a capturing xmit hook */
struct fake {
	uint64_t now;
	int sent;
	int on_rs;
	uint8_t last[ND_RA_MAX_LEN];
	size_t last_len;
	uint8_t last_mac[6];
	int last_if;
	bool rs_src_null;
};

static uint64_t fake_ms(void *arg)
{
	return ((struct fake *)arg)->now;
}

static uint64_t fake_ns(void *arg)
{
	return ((struct fake *)arg)->now * 1000000;
}

static int fake_xmit(void *arg, int ifindex, const uint8_t mac[6],
		     const uint8_t *pkt, size_t len)
{
	struct fake *f = arg;

	f->sent++;
	f->last_if = ifindex;
	memcpy(f->last_mac, mac, 6);
	memcpy(f->last, pkt, len);
	f->last_len = len;
	return 0;
}

static void fake_on_rs(void *arg, int ifindex, const uint8_t mac[6],
		       const struct in6_addr *src)
{
	struct fake *f = arg;

	(void)ifindex;
	(void)mac;
	f->on_rs++;
	f->rs_src_null = src == NULL;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

struct env {
	struct fake f;
	struct xp_clock clk;
	struct ra_ctx *ra;
};

static int env_setup(void **state)
{
	static const struct ra_ops ops = {
	    .on_rs = fake_on_rs,
	    .xmit = fake_xmit,
	};
	struct env *e = calloc(1, sizeof(*e));
	struct ra_config cfg;

	if (!e)
		return -1;
	e->f.now = 1000000;
	e->clk = (struct xp_clock){fake_ms, fake_ns, &e->f};
	ra_config_defaults(&cfg);
	cfg.link_local = a6("fe80::1");
	cfg.max_interval_ms = 30000;
	cfg.seed = 42;
	if (ra_open(&e->ra, &cfg, &ops, &e->f, &e->clk) ||
	    ra_iface_add(e->ra, 7, 1500, mac_gw)) {
		free(e);
		return -1;
	}
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;

	ra_close(e->ra);
	free(e);
	return 0;
}

static void test_ctx_config_check(void **state)
{
	struct ra_config cfg;

	(void)state;
	ra_config_defaults(&cfg);
	assert_int_equal(ra_config_check(&cfg), -EINVAL); /* no link-local */
	cfg.link_local = a6("fe80::1");
	assert_int_equal(ra_config_check(&cfg), 0);
	cfg.max_interval_ms = 3000;
	assert_int_equal(ra_config_check(&cfg), -EINVAL);
	cfg.max_interval_ms = 10000;
	cfg.min_interval_ms = 8000; /* > 0.75 * max */
	assert_int_equal(ra_config_check(&cfg), -EINVAL);
	cfg.min_interval_ms = 0;
	cfg.router_lifetime_s = 9001;
	assert_int_equal(ra_config_check(&cfg), -EINVAL);
}

static void test_ctx_advertise(void **state)
{
	struct env *e = *state;
	struct in6_addr hnp = a6("2001:db8:1:2::"), ll = a6("fe80::2");
	uint64_t t;

	assert_int_equal(
	    ra_node_advertise(e->ra, 7, mac_mn, NULL, &hnp, 64, 60), 0);
	assert_int_equal(e->f.sent, 1);
	assert_int_equal(e->f.last_if, 7);
	assert_memory_equal(e->f.last_mac, mac_mn, 6);
	/* no link-local known: to ff02::1 at the node's MAC */
	assert_int_equal(e->f.last[24], 0xff);
	assert_int_equal(e->f.last[39], 1);
	/* router lifetime 3 * 30 s, MTU 1500 - 40, prefix valid 60 s */
	assert_int_equal(e->f.last_len, 104);
	assert_int_equal(e->f.last[46] << 8 | e->f.last[47], 90);
	assert_int_equal(get32(e->f.last + 68), 1460);
	assert_int_equal(e->f.last[75], 0xc0);
	assert_int_equal(get32(e->f.last + 76), 60);
	assert_int_equal(get32(e->f.last + 80), 60);
	assert_memory_equal(e->f.last + 58, mac_gw, 6);

	/* periodic: due within a third of the binding lifetime */
	t = ra_next_timeout(e->ra);
	assert_true(t > e->f.now && t <= e->f.now + 20000);
	e->f.now = t - 1;
	ra_run_timers(e->ra);
	assert_int_equal(e->f.sent, 1);
	e->f.now = t;
	ra_run_timers(e->ra);
	assert_int_equal(e->f.sent, 2);
	/* the prefix lifetime counts down with the binding */
	assert_true(get32(e->f.last + 76) < 60);
	assert_true(get32(e->f.last + 76) >= 39);

	/* an RS from the node: answered at once, now to its link-local */
	e->f.now += 5000;
	assert_int_equal(
	    ra_input_packet(e->ra, 7, mac_mn, rs_sllao, sizeof(rs_sllao)), 0);
	assert_int_equal(e->f.sent, 3);
	assert_memory_equal(e->f.last + 24, &ll, 16);
	assert_int_equal(e->f.on_rs, 0);

	/* a second RS within the gap: deferred, sent when the gap ends */
	e->f.now += 100;
	assert_int_equal(
	    ra_input_packet(e->ra, 7, mac_mn, rs_sllao, sizeof(rs_sllao)), 0);
	assert_int_equal(e->f.sent, 3);
	assert_int_equal(ra_next_timeout(e->ra), e->f.now - 100 + 1000);
	e->f.now += 900;
	ra_run_timers(e->ra);
	assert_int_equal(e->f.sent, 4);

	/* a refresh with a longer lifetime goes out (gap permitting) */
	e->f.now += 2000;
	assert_int_equal(
	    ra_node_advertise(e->ra, 7, mac_mn, NULL, &hnp, 64, 600), 0);
	assert_int_equal(e->f.sent, 5);
	assert_int_equal(get32(e->f.last + 76), 600);
	assert_int_equal(ra_node_count(e->ra), 1);
}

static void test_ctx_withdraw(void **state)
{
	struct env *e = *state;
	struct in6_addr hnp = a6("2001:db8:1:2::");
	struct ra_counters c;

	assert_int_equal(ra_node_withdraw(e->ra, 7, mac_mn), -ENOENT);
	assert_int_equal(
	    ra_node_advertise(e->ra, 7, mac_mn, NULL, &hnp, 64, 60), 0);
	assert_int_equal(ra_node_withdraw(e->ra, 7, mac_mn), 0);
	assert_int_equal(e->f.sent, 2);
	/* router lifetime 0, prefix valid 0, preferred 0, prefix kept */
	assert_int_equal(e->f.last[46] << 8 | e->f.last[47], 0);
	assert_int_equal(get32(e->f.last + 76), 0);
	assert_int_equal(get32(e->f.last + 80), 0);
	assert_int_equal(e->f.last[88], 0x20);
	/* repeated withdraw_count (3) times in all, then forgotten */
	for (int i = 0; i < 5; i++) {
		e->f.now += 1000;
		ra_run_timers(e->ra);
	}
	assert_int_equal(e->f.sent, 4);
	assert_int_equal(ra_node_count(e->ra), 0);
	assert_int_equal(ra_next_timeout(e->ra), UINT64_MAX);
	ra_get_counters(e->ra, &c);
	assert_int_equal(c.ra_tx, 4);
	assert_int_equal(c.ra_withdraw_tx, 3);
}

static void test_ctx_unknown_rs(void **state)
{
	struct env *e = *state;
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct ra_counters c;
	uint8_t bad[sizeof(rs_sllao)];

	/* unknown node: on_rs, once per gap */
	assert_int_equal(
	    ra_input_packet(e->ra, 7, mac_mn, rs_unspec, sizeof(rs_unspec)), 0);
	assert_int_equal(e->f.on_rs, 1);
	assert_true(e->f.rs_src_null);
	assert_int_equal(
	    ra_input_packet(e->ra, 7, mac_mn, rs_sllao, sizeof(rs_sllao)), 0);
	assert_int_equal(e->f.on_rs, 1);
	e->f.now += 1000;
	assert_int_equal(
	    ra_input_packet(e->ra, 7, mac_mn, rs_sllao, sizeof(rs_sllao)), 0);
	assert_int_equal(e->f.on_rs, 2);
	assert_false(e->f.rs_src_null);
	assert_int_equal(e->f.sent, 0);

	/* not our interface, multicast MAC, bad packet: counted, no call */
	assert_int_equal(
	    ra_input_packet(e->ra, 8, mac_mn, rs_sllao, sizeof(rs_sllao)),
	    -ENODEV);
	e->f.now += 1000;
	assert_int_equal(
	    ra_input_packet(e->ra, 7, bcast, rs_sllao, sizeof(rs_sllao)),
	    -EPROTO);
	memcpy(bad, rs_sllao, sizeof(bad));
	bad[7] = 1;
	assert_int_equal(ra_input_packet(e->ra, 7, mac_mn, bad, sizeof(bad)),
			 -EPROTO);
	assert_int_equal(e->f.on_rs, 2);
	ra_get_counters(e->ra, &c);
	assert_int_equal(c.rs_unknown, 2);
	assert_int_equal(c.rs_foreign, 1);
	assert_int_equal(c.rs_bad, 2);
	assert_int_equal(c.rs_rate_limited, 1);

	/* an interface removed forgets its nodes */
	assert_int_equal(ra_node_advertise(e->ra, 7, mac_mn, NULL,
					   &(struct in6_addr){0}, 64, 60),
			 0);
	assert_int_equal(ra_iface_del(e->ra, 7), 0);
	assert_int_equal(ra_node_count(e->ra), 0);
	assert_int_equal(ra_node_advertise(e->ra, 7, mac_mn, NULL,
					   &(struct in6_addr){0}, 64, 60),
			 -ENODEV);
}

static void test_ctx_unknown_flood(void **state)
{
	struct env *e = *state;
	struct ra_counters c;
	uint8_t mac[6] = {0x02, 0x10, 0, 0, 0, 0};

	/* 300 forged MACs at once: the bucket (100/s, burst 100) holds */
	for (int i = 0; i < 300; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(ra_input_packet(e->ra, 7, mac, rs_unspec,
						 sizeof(rs_unspec)),
				 0);
	}
	assert_int_equal(e->f.on_rs, 100);
	/* 50 ms later, 5 more */
	e->f.now += 50;
	for (int i = 300; i < 400; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		ra_input_packet(e->ra, 7, mac, rs_unspec, sizeof(rs_unspec));
	}
	assert_int_equal(e->f.on_rs, 105);
	ra_get_counters(e->ra, &c);
	assert_int_equal(c.rs_unknown, 105);
	assert_int_equal(c.rs_unknown_dropped, 295);
	assert_int_equal(e->f.sent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ra_bytes_exact),
	    cmocka_unit_test(test_ra_build_limits),
	    cmocka_unit_test(test_ra_withdraw_bytes),
	    cmocka_unit_test(test_rs_accept),
	    cmocka_unit_test(test_rs_reject),
	    cmocka_unit_test(test_ctx_config_check),
	    cmocka_unit_test_setup_teardown(test_ctx_advertise, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_ctx_withdraw, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_ctx_unknown_rs, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_ctx_unknown_flood, env_setup,
					    env_teardown),
	};

	log_init("test_ra", LOG_LVL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
