// SPDX-License-Identifier: MIT
/*
 * Per-rule alert rate limiting.  Each key's token bucket is kept as one
 * timestamp (the generic cell rate algorithm): the time at which the bucket
 * would be full again.  That needs no floating point per check and no
 * refill loop, and the caller supplies the clock, so tests run on
 * simulated time.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "output/ratelimit.h"

/* One token at least every this many ns: slower rates act as this one (31 years). */
#define RATELIMIT_MAX_INTERVAL_NS 1000000000000000000ull
#define RATELIMIT_MIN_KEYS 16

typedef struct Bucket {
	uint64_t full_ns; /* the bucket holds all burst tokens from this time on */
	uint64_t count;	  /* suppressed and not reported yet */
	uint64_t first_ns, last_ns;
} Bucket;

struct RateLimiter {
	bool unlimited;
	uint64_t interval_ns;  /* one token per interval */
	uint64_t tolerance_ns; /* (burst - 1) intervals: how far ahead full_ns may run */
	Bucket *buckets;
	size_t nbuckets;
	size_t pending; /* buckets with count > 0 */
	uint64_t passed, suppressed;
};

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

RateLimiter *ratelimit_new(double rate, uint64_t burst)
{
	RateLimiter *rl;
	double interval;

	if (isnan(rate) || rate < 0) {
		errno = EINVAL;
		return NULL;
	}
	rl = new0(RateLimiter, 1);
	if (!rl)
		return NULL;
	if (rate == 0) {
		rl->unlimited = true;
		return rl;
	}
	interval = 1e9 / rate;
	if (interval >= (double)RATELIMIT_MAX_INTERVAL_NS)
		rl->interval_ns = RATELIMIT_MAX_INTERVAL_NS;
	else if (interval < 1)
		rl->interval_ns = 1;
	else
		rl->interval_ns = (uint64_t)interval;
	if (burst == 0)
		burst = 1;
	if (__builtin_mul_overflow(burst - 1, rl->interval_ns, &rl->tolerance_ns))
		rl->tolerance_ns = UINT64_MAX;
	return rl;
}

RateLimiter *ratelimit_free(RateLimiter *rl)
{
	if (!rl)
		return NULL;
	free(rl->buckets);
	free(rl);
	return NULL;
}

/* The bucket of key, the table grown as needed; NULL when out of memory. */
static Bucket *bucket_of(RateLimiter *rl, size_t key)
{
	size_t n;
	Bucket *b;

	if (key >= RATELIMIT_MAX_KEYS)
		key = RATELIMIT_MAX_KEYS - 1;
	if (key < rl->nbuckets)
		return &rl->buckets[key];

	n = MAX(rl->nbuckets * 2, (size_t)RATELIMIT_MIN_KEYS);
	n = MIN(MAX(n, key + 1), (size_t)RATELIMIT_MAX_KEYS);
	b = reallocarray(rl->buckets, n, sizeof(Bucket));
	if (!b)
		return NULL;
	/* full_ns 0: a new key starts with a full bucket. */
	memset(b + rl->nbuckets, 0, (n - rl->nbuckets) * sizeof(Bucket));
	rl->buckets = b;
	rl->nbuckets = n;
	return &b[key];
}

bool ratelimit_check(RateLimiter *rl, size_t key, uint64_t now_ns, uint64_t *ret_suppressed)
{
	uint64_t full;
	Bucket *b;

	if (ret_suppressed)
		*ret_suppressed = 0;
	if (!rl)
		return true;
	if (rl->unlimited) {
		rl->passed++;
		return true;
	}
	b = bucket_of(rl, key);
	if (!b) {
		/* Without memory for the table, alerts go out rather than vanish. */
		rl->passed++;
		return true;
	}

	full = MAX(b->full_ns, now_ns);
	if (full - now_ns > rl->tolerance_ns) {
		/* Not even one token: taking one would push full_ns past the burst. */
		if (b->count++ == 0) {
			b->first_ns = now_ns;
			rl->pending++;
		}
		b->last_ns = now_ns;
		rl->suppressed++;
		return false;
	}
	b->full_ns = add_sat(full, rl->interval_ns);
	if (b->count > 0) {
		if (ret_suppressed)
			*ret_suppressed = b->count;
		b->count = 0;
		rl->pending--;
	}
	rl->passed++;
	return true;
}

size_t ratelimit_flush(RateLimiter *rl, uint64_t now_ns, uint64_t min_age_ns,
		       ratelimit_report_fn fn, void *userdata)
{
	size_t i, n = 0;

	if (!rl)
		return 0;
	for (i = 0; i < rl->nbuckets && rl->pending > 0; i++) {
		Bucket *b = &rl->buckets[i];
		uint64_t age;

		if (b->count == 0)
			continue;
		age = now_ns > b->first_ns ? now_ns - b->first_ns : 0;
		if (age < min_age_ns)
			continue;
		if (fn)
			fn(i, b->count, b->first_ns, b->last_ns, userdata);
		b->count = 0;
		rl->pending--;
		n++;
	}
	return n;
}

uint64_t ratelimit_passed(const RateLimiter *rl)
{
	return rl ? rl->passed : 0;
}

uint64_t ratelimit_suppressed(const RateLimiter *rl)
{
	return rl ? rl->suppressed : 0;
}
