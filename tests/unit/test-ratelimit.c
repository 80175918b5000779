// SPDX-License-Identifier: MIT
/*
 * Tests of the per-rule alert rate limiter (daemon/output/ratelimit.c) on
 * simulated time: bursts, refill, suppression counts handed back on the
 * next pass or by a flush, unlimited rate, and independent keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output/ratelimit.h"

#define SEC 1000000000ull
#define MS 1000000ull

static bool check(RateLimiter *rl, size_t key, uint64_t now, uint64_t *ret_suppressed)
{
	uint64_t dummy;

	return ratelimit_check(rl, key, now, ret_suppressed ? ret_suppressed : &dummy);
}

static void test_burst_then_refusal(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(1.0, 5);
	uint64_t t = 1000 * SEC, s = 99;
	int i;

	(void)unused;
	assert_non_null(rl);
	/* Exactly burst alerts at the same instant, then nothing. */
	for (i = 0; i < 5; i++) {
		assert_true(ratelimit_check(rl, 7, t, &s));
		assert_int_equal(s, 0);
	}
	for (i = 0; i < 10; i++)
		assert_false(ratelimit_check(rl, 7, t + (uint64_t)i * MS, &s));
	assert_int_equal(ratelimit_passed(rl), 5);
	assert_int_equal(ratelimit_suppressed(rl), 10);

	/* A burst of 1 (and 0, taken as 1): the first passes, the second not. */
	ratelimit_free(rl);
	rl = ratelimit_new(2.0, 0);
	assert_non_null(rl);
	assert_true(check(rl, 0, 0, NULL));
	assert_false(check(rl, 0, 0, NULL));
	assert_false(check(rl, 0, 499 * MS, NULL));
	assert_true(check(rl, 0, 500 * MS, NULL));

	/* A bad rate is refused. */
	assert_null(ratelimit_new(-1.0, 3));
	assert_int_equal(errno, EINVAL);
}

static void test_refill(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(10.0, 3); /* one per 100 ms */
	uint64_t t = 5 * SEC;
	int i, passed;

	(void)unused;
	assert_non_null(rl);
	for (i = 0; i < 3; i++)
		assert_true(check(rl, 1, t, NULL));
	assert_false(check(rl, 1, t, NULL));
	/* One token after 100 ms, not before. */
	assert_false(check(rl, 1, t + 99 * MS, NULL));
	assert_true(check(rl, 1, t + 100 * MS, NULL));
	assert_false(check(rl, 1, t + 150 * MS, NULL));
	assert_true(check(rl, 1, t + 200 * MS, NULL));

	/* A long quiet time refills to the burst, not beyond. */
	t += 60 * SEC;
	for (i = 0; i < 3; i++)
		assert_true(check(rl, 1, t, NULL));
	assert_false(check(rl, 1, t, NULL));

	/* A steady flood at 1 kHz for 10 s: the rate plus the burst get through. */
	t += 60 * SEC;
	passed = 0;
	for (i = 0; i < 10000; i++)
		passed += check(rl, 1, t + (uint64_t)i * MS, NULL);
	assert_int_equal(passed, 3 + 99);

	/* A fractional rate: one per 4 s. */
	ratelimit_free(rl);
	rl = ratelimit_new(0.25, 1);
	assert_non_null(rl);
	assert_true(check(rl, 0, SEC, NULL));
	assert_false(check(rl, 0, 4 * SEC, NULL));
	assert_true(check(rl, 0, 5 * SEC, NULL));
}

static void test_counts_on_next_pass(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(1.0, 1);
	uint64_t s = 99;
	int i;

	(void)unused;
	assert_non_null(rl);
	assert_true(ratelimit_check(rl, 3, 0, &s));
	assert_int_equal(s, 0);
	for (i = 1; i <= 7; i++) {
		assert_false(ratelimit_check(rl, 3, (uint64_t)i * 100 * MS, &s));
		assert_int_equal(s, 0);
	}
	/* The next one that passes carries the 7 suppressed ones, once. */
	assert_true(ratelimit_check(rl, 3, SEC, &s));
	assert_int_equal(s, 7);
	assert_true(ratelimit_check(rl, 3, 2 * SEC, &s));
	assert_int_equal(s, 0);
	assert_false(ratelimit_check(rl, 3, 2 * SEC, &s));
	assert_true(ratelimit_check(rl, 3, 3 * SEC, &s));
	assert_int_equal(s, 1);
	assert_int_equal(ratelimit_suppressed(rl), 8);
	assert_int_equal(ratelimit_passed(rl), 4);
	/* Nothing left to flush. */
	assert_int_equal(ratelimit_flush(rl, 100 * SEC, 0, NULL, NULL), 0);
}

typedef struct Report {
	size_t key;
	uint64_t count, first_ns, last_ns;
} Report;

typedef struct Reports {
	Report r[16];
	size_t n;
} Reports;

static void record(size_t key, uint64_t count, uint64_t first_ns, uint64_t last_ns, void *userdata)
{
	Reports *reps = userdata;

	assert_true(reps->n < ELEMENTSOF(reps->r));
	reps->r[reps->n++] = (Report){ key, count, first_ns, last_ns };
}

static void test_flush_min_age(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(1.0, 1);
	Reports reps = { 0 };
	uint64_t s;
	int i;

	(void)unused;
	assert_non_null(rl);
	/* Key 2 suppressed 3 times from 10 s, key 9 twice from 14 s. */
	assert_true(check(rl, 2, 10 * SEC - 1, NULL));
	for (i = 0; i < 3; i++)
		assert_false(check(rl, 2, 10 * SEC + (uint64_t)i * 10 * MS, NULL));
	assert_true(check(rl, 9, 14 * SEC - 1, NULL));
	assert_false(check(rl, 9, 14 * SEC, NULL));
	assert_false(check(rl, 9, 14 * SEC + 5 * MS, NULL));

	/* At 15 s with 5 s of minimum age only key 2 (oldest at 10 s) is due. */
	assert_int_equal(ratelimit_flush(rl, 15 * SEC - 1, 5 * SEC, record, &reps), 0);
	assert_int_equal(ratelimit_flush(rl, 15 * SEC, 5 * SEC, record, &reps), 1);
	assert_int_equal(reps.n, 1);
	assert_int_equal(reps.r[0].key, 2);
	assert_int_equal(reps.r[0].count, 3);
	assert_int_equal(reps.r[0].first_ns, 10 * SEC);
	assert_int_equal(reps.r[0].last_ns, 10 * SEC + 20 * MS);
	/* Reported means reset: no second report, and the next pass carries 0. */
	assert_int_equal(ratelimit_flush(rl, 16 * SEC, 5 * SEC, record, &reps), 0);
	assert_true(ratelimit_check(rl, 2, 20 * SEC, &s));
	assert_int_equal(s, 0);

	/* min_age 0 (before exit) reports the rest. */
	assert_int_equal(ratelimit_flush(rl, 14 * SEC + 6 * MS, 0, record, &reps), 1);
	assert_int_equal(reps.n, 2);
	assert_int_equal(reps.r[1].key, 9);
	assert_int_equal(reps.r[1].count, 2);
	assert_int_equal(reps.r[1].first_ns, 14 * SEC);
	assert_int_equal(reps.r[1].last_ns, 14 * SEC + 5 * MS);
	assert_int_equal(ratelimit_flush(rl, 100 * SEC, 0, record, &reps), 0);
	assert_true(ratelimit_check(rl, 9, 100 * SEC, &s));
	assert_int_equal(s, 0);
}

static void test_unlimited(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(0, 1);
	uint64_t s = 99;
	int i;

	(void)unused;
	assert_non_null(rl);
	for (i = 0; i < 100000; i++) {
		assert_true(ratelimit_check(rl, (size_t)i % 5, 42, &s));
		assert_int_equal(s, 0);
	}
	assert_int_equal(ratelimit_passed(rl), 100000);
	assert_int_equal(ratelimit_suppressed(rl), 0);
	assert_int_equal(ratelimit_flush(rl, 0, 0, NULL, NULL), 0);

	/* NULL limiter: everything passes. */
	assert_true(ratelimit_check(NULL, 0, 0, &s));
	assert_null(ratelimit_free(NULL));
}

static void count_reports(size_t key, uint64_t count, uint64_t first_ns, uint64_t last_ns,
			  void *userdata)
{
	uint64_t *total = userdata;

	assert_true(key < RATELIMIT_MAX_KEYS);
	assert_true(first_ns <= last_ns);
	*total += count;
}

static void test_many_keys(void **unused)
{
	_cleanup_(ratelimit_freep) RateLimiter *rl = ratelimit_new(1.0, 2);
	uint64_t s, total = 0;
	size_t k;

	(void)unused;
	assert_non_null(rl);
	/* Every key gets its own burst of 2, in any order of first use. */
	for (k = 5000; k-- > 0;) {
		assert_true(check(rl, k, SEC, NULL));
		assert_true(check(rl, k, SEC, NULL));
		assert_false(check(rl, k, SEC, NULL));
	}
	/* Exhausting one key leaves its neighbours alone. */
	for (k = 0; k < 100; k++)
		assert_false(check(rl, 4242, SEC + k, NULL));
	assert_true(check(rl, 6000, SEC, NULL));
	assert_true(ratelimit_check(rl, 4242, 2 * SEC, &s));
	assert_int_equal(s, 101);
	assert_int_equal(ratelimit_flush(rl, 10 * SEC, 0, count_reports, &total), 4999);
	assert_int_equal(total, 4999);

	/* Keys past the limit share the last bucket. */
	assert_true(check(rl, RATELIMIT_MAX_KEYS + 1, 0, NULL));
	assert_true(check(rl, (size_t)-1, 0, NULL));
	assert_false(check(rl, RATELIMIT_MAX_KEYS - 1, 0, NULL));
	assert_true(check(rl, RATELIMIT_MAX_KEYS - 2, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refusal),
		cmocka_unit_test(test_refill),
		cmocka_unit_test(test_counts_on_next_pass),
		cmocka_unit_test(test_flush_min_age),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
