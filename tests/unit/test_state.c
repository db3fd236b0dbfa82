// SPDX-License-Identifier: BSD-2-Clause
/* State file: round trips for LMA and MAG records, and damaged files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "state.h"

struct fake_time {
	uint64_t mono_ms, wall_ns;
};

static uint64_t fake_mono(void *arg)
{
	return ((struct fake_time *)arg)->mono_ms;
}

static uint64_t fake_wall(void *arg)
{
	return ((struct fake_time *)arg)->wall_ns;
}

static char path[64];

static int setup(void **st)
{
	(void)st;
	snprintf(path, sizeof(path), "/tmp/xp-state-test.%d/s", getpid());
	return 0;
}

static int teardown(void **st)
{
	char dir[64];

	(void)st;
	unlink(path);
	snprintf(dir, sizeof(dir), "/tmp/xp-state-test.%d", getpid());
	rmdir(dir);
	return 0;
}

struct got {
	int n;
	struct lma_bce_view bce[4];
	char ids[4][MH_MN_ID_MAX + 1];
	struct mag_mn_view mn[4];
};

static int got_bce(void *arg, const struct lma_bce_view *b)
{
	struct got *g = arg;

	g->bce[g->n] = *b;
	memcpy(g->ids[g->n], b->mn_id, b->mn_id_len);
	g->ids[g->n][b->mn_id_len] = '\0';
	g->bce[g->n].mn_id = g->ids[g->n];
	g->n++;
	return 0;
}

static int got_mn(void *arg, const struct mag_mn_view *m)
{
	struct got *g = arg;

	g->mn[g->n] = *m;
	strcpy(g->ids[g->n], m->mn_id);
	g->mn[g->n].mn_id = g->ids[g->n];
	g->n++;
	return 0;
}

static void test_lma_round_trip(void **st)
{
	struct fake_time t = {.mono_ms = 5000, .wall_ns = 1700000000000000000};
	struct xp_clock clk = {fake_mono, fake_wall, &t};
	struct state_load_ops ops = {.bce = got_bce};
	struct lma_bce_view b = {0};
	struct state_writer *w;
	struct got g = {0};

	(void)st;
	b.mn_id = "mn1@example.net";
	b.mn_id_len = (uint8_t)strlen(b.mn_id);
	inet_pton(AF_INET6, "2001:db8:100:7::", &b.hnp);
	b.plen = 64;
	inet_pton(AF_INET6, "2001:db8:1::11", &b.pcoa);
	b.att = 3;
	b.hi = 4;
	memcpy(b.ll_id, "\x02\x00\x00\x00\x01\x01", 6);
	b.ll_id_len = 6;
	b.lifetime_s = 60;
	b.expires_ms = 65000;	/* 60 s from now */
	b.registered_ms = 4000; /* 1 s ago */
	b.last_ts = 0x123456789abcULL;
	b.last_seq = 77;

	assert_int_equal(state_writer_open(&w, path, "lma", &clk), 0);
	assert_int_equal(state_put_bce(w, &b), 0);
	b.mn_id = "x";
	b.mn_id_len = 1;
	b.ll_id_len = 0;
	b.deleting = true;
	inet_pton(AF_INET6, "2001:db8:100:8::", &b.hnp);
	assert_int_equal(state_put_bce(w, &b), 0);
	assert_int_equal(state_writer_commit(w), 0);

	/* another process later: monotonic clock moved, 10 s have passed */
	t.mono_ms = 900000;
	t.wall_ns += 10ULL * 1000000000;
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), 2);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.ids[0], "mn1@example.net");
	assert_int_equal(g.bce[0].plen, 64);
	assert_memory_equal(&g.bce[0].pcoa, &b.pcoa, 16);
	assert_int_equal(g.bce[0].ll_id_len, 6);
	assert_memory_equal(g.bce[0].ll_id, "\x02\x00\x00\x00\x01\x01", 6);
	assert_int_equal(g.bce[0].expires_ms, 900000 + 50000);
	assert_int_equal(g.bce[0].registered_ms, 900000 - 11000);
	assert_int_equal(g.bce[0].last_ts, 0x123456789abcULL);
	assert_int_equal(g.bce[0].last_seq, 77);
	assert_false(g.bce[0].deleting);
	assert_true(g.bce[1].deleting);
	assert_int_equal(g.bce[1].ll_id_len, 0);
	assert_string_equal(g.ids[1], "x");

	/* the wrong role is refused */
	assert_int_equal(state_load(path, "mag", &clk, &ops, &g), -EBADMSG);
}

static void test_mag_only_bound(void **st)
{
	struct fake_time t = {.mono_ms = 100, .wall_ns = 1700000000000000000};
	struct xp_clock clk = {fake_mono, fake_wall, &t};
	struct state_load_ops ops = {.mn = got_mn};
	struct mag_mn_view m = {0};
	struct state_writer *w;
	struct got g = {0};

	(void)st;
	m.mn_id = "020000000101@xpmip";
	memcpy(m.mac, "\x02\x00\x00\x00\x01\x01", 6);
	m.ifindex = 7;
	inet_pton(AF_INET6, "2001:db8:1::1", &m.lma);
	inet_pton(AF_INET6, "2001:db8:100:3::", &m.hnp);
	inet_pton(AF_INET6, "fe80::1", &m.link_local);
	m.plen = 64;
	m.state = MAG_MN_BOUND;
	m.lifetime_s = 60;
	m.expires_ms = 60100;
	assert_int_equal(state_writer_open(&w, path, "mag", &clk), 0);
	assert_int_equal(state_put_mn(w, &m), 0);
	m.state = MAG_MN_PENDING;
	m.mac[5] = 2;
	assert_int_equal(state_put_mn(w, &m), 0);
	assert_int_equal(state_writer_commit(w), 0);

	t.mono_ms = 200;
	t.wall_ns += 70ULL * 1000000000; /* lifetime already over */
	assert_int_equal(state_load(path, "mag", &clk, &ops, &g), 1);
	assert_string_equal(g.mn[0].mn_id, "020000000101@xpmip");
	assert_int_equal(g.mn[0].mac[5], 1);
	assert_int_equal(g.mn[0].ifindex, 7);
	assert_int_equal(g.mn[0].state, MAG_MN_BOUND);
	assert_true(g.mn[0].expires_ms <= 200);
	assert_memory_equal(&g.mn[0].hnp, &m.hnp, 16);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_damaged(void **st)
{
	struct fake_time t = {.mono_ms = 1, .wall_ns = 1700000000000000000};
	struct xp_clock clk = {fake_mono, fake_wall, &t};
	struct state_load_ops ops = {.bce = got_bce};
	struct got g = {0};
	struct state_writer *w;

	(void)st;
	assert_int_equal(state_load("/nonexistent/x", "lma", &clk, &ops, &g),
			 -ENOENT);
	/* make the folder */
	assert_int_equal(state_writer_open(&w, path, "lma", &clk), 0);
	state_writer_abort(w);
	write_file("garbage\n");
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), -EBADMSG);
	/* truncated: no end line */
	write_file("xpmip-state 1 lma 1\n");
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), -EBADMSG);
	/* end count does not match */
	write_file("xpmip-state 1 lma 1\nend 3\n");
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), -EBADMSG);
	write_file("xpmip-state 1 lma 1\nbce zz 2001:db8::/64\nend 1\n");
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), -EBADMSG);
	assert_int_equal(g.n, 0);
	write_file("xpmip-state 1 lma 1\nend 0\n");
	assert_int_equal(state_load(path, "lma", &clk, &ops, &g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lma_round_trip, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_mag_only_bound, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
