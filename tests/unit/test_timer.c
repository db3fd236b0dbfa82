// SPDX-License-Identifier: BSD-2-Clause
/*
 * Timer heap and HNP pool tests: the heap against a brute-force list under
 * random set/move/cancel/pop, and the pool's numbering, bounds and
 * exhaustion.
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

#include "pool.h"
#include "timer.h"

#define N 500

static uint64_t rnd_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_timer_heap_matches_brute_force(void **state)
{
	static struct xp_timer t[N];
	static bool armed[N];
	static uint64_t when[N];
	struct timer_heap h;
	uint64_t now = 0;
	int i, op;

	(void)state;
	timer_heap_init(&h);
	for (i = 0; i < N; i++)
		timer_init(&t[i]);
	for (op = 0; op < 20000; op++) {
		int k = (int)(rnd() % N);
		uint64_t r = rnd() % 4, best = UINT64_MAX;
		struct xp_timer *p;

		if (r <= 1) { /* arm or move, earlier or later */
			when[k] = now + rnd() % 1000;
			assert_int_equal(timer_set(&h, &t[k], when[k]), 0);
			armed[k] = true;
		} else if (r == 2) {
			timer_cancel(&h, &t[k]);
			armed[k] = false;
		} else {
			now += rnd() % 50;
			while ((p = timer_pop_due(&h, now))) {
				int j = (int)(p - t);

				assert_true(armed[j]);
				assert_true(when[j] <= now);
				armed[j] = false;
			}
		}
		for (i = 0; i < N; i++) {
			assert_int_equal(timer_armed(&t[i]), armed[i]);
			if (armed[i] && when[i] < best)
				best = when[i];
			/* nothing due is left behind after a pop */
			if (r == 3 && armed[i])
				assert_true(when[i] > now);
		}
		assert_int_equal(timer_next(&h), best);
	}
	timer_heap_free(&h);
}

static void test_timer_pop_order(void **state)
{
	struct xp_timer t[4];
	struct timer_heap h;
	static const uint64_t w[4] = {30, 10, 40, 20};
	int i;

	(void)state;
	timer_heap_init(&h);
	for (i = 0; i < 4; i++) {
		timer_init(&t[i]);
		timer_set(&h, &t[i], w[i]);
	}
	assert_ptr_equal(timer_pop_due(&h, 100), &t[1]);
	assert_ptr_equal(timer_pop_due(&h, 100), &t[3]);
	assert_ptr_equal(timer_pop_due(&h, 100), &t[0]);
	assert_null(timer_pop_due(&h, 39));
	assert_ptr_equal(timer_pop_due(&h, 40), &t[2]);
	assert_int_equal(timer_next(&h), UINT64_MAX);
	timer_heap_free(&h);
}

static bool none_taken(const struct in6_addr *p, void *arg)
{
	(void)p;
	(void)arg;
	return false;
}

static bool odd_taken(const struct in6_addr *p, void *arg)
{
	(void)arg;
	return p->s6_addr[7] & 1;
}

static void test_5213_5_3_2_pool_numbering_and_exhaustion(void **state)
{
	struct in6_addr base, p, q;
	struct hnp_pool pool;
	int i;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:100:ff::", &base);
	/* the host bits of the base are ignored: the pool is the /62 */
	assert_int_equal(pool_init(&pool, &base, 62), 0);
	assert_int_equal(pool.size, 4);
	inet_pton(AF_INET6, "2001:db8:100:fc::", &q);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pool_alloc(&pool, none_taken, NULL, &p), 0);
		q.s6_addr[7] = (uint8_t)(0xfc + i);
		assert_memory_equal(&p, &q, 16);
		assert_true(pool_contains(&pool, &p));
		pool_mark(&pool, &p, +1);
	}
	assert_int_equal(pool_alloc(&pool, none_taken, NULL, &p), -ENOSPC);
	pool_mark(&pool, &q, -1);
	/* next fit wraps around */
	assert_int_equal(pool_alloc(&pool, none_taken, NULL, &p), 0);
	assert_int_equal(p.s6_addr[7], 0xfc);
	/* taken prefixes are skipped */
	assert_int_equal(pool_alloc(&pool, odd_taken, NULL, &p), 0);
	assert_int_equal(p.s6_addr[7], 0xfe);
	inet_pton(AF_INET6, "2001:db8:100:100::", &q);
	assert_false(pool_contains(&pool, &q));
	assert_int_equal(pool_init(&pool, &base, 65), -EINVAL);
	assert_int_equal(pool_init(&pool, &base, 0), 0);
	assert_int_equal(pool_alloc(&pool, none_taken, NULL, &p), -ENOSPC);
	assert_int_equal(pool_init(&pool, &base, 64), 0);
	assert_int_equal(pool.size, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timer_heap_matches_brute_force),
	    cmocka_unit_test(test_timer_pop_order),
	    cmocka_unit_test(test_5213_5_3_2_pool_numbering_and_exhaustion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
