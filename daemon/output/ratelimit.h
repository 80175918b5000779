/* SPDX-License-Identifier: MIT */
/*
 * Per-rule rate limiting of alerts: a token bucket per key (the rule's
 * index) with a configured rate and burst.  The first alert of a key always
 * passes; what the bucket refuses is counted, and the count is handed back
 * so the caller can report "N similar alerts suppressed" — either just
 * before the next alert of that rule that passes, or from a periodic flush
 * once a quiet interval went by.  A flood of one rule thus cannot rotate
 * other alerts out of the logs, and nothing is lost silently.
 */
#ifndef SAKER_RATELIMIT_H
#define SAKER_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/macro.h"

#define RATELIMIT_MAX_KEYS 65536 /* keys tracked (rules); beyond it keys share the last bucket */

typedef struct RateLimiter RateLimiter;

/*
 * rate: tokens per second (0: unlimited, every check passes); burst: bucket
 * size (0 is taken as 1).  NULL with errno ENOMEM, or EINVAL for a negative
 * or NaN rate.
 */
RateLimiter *ratelimit_new(double rate, uint64_t burst);
RateLimiter *ratelimit_free(RateLimiter *rl);
DEFINE_TRIVIAL_CLEANUP_FUNC(RateLimiter *, ratelimit_free);

/*
 * Whether an alert of key may go out at now_ns (monotonic).  When it may
 * and earlier ones of this key were suppressed since the last report,
 * *ret_suppressed is their number (and the count restarts), else 0.
 */
bool ratelimit_check(RateLimiter *rl, size_t key, uint64_t now_ns, uint64_t *ret_suppressed);

/*
 * Report suppressions nobody reported yet: for each key whose oldest
 * unreported suppression is at least min_age_ns old, fn(key, count,
 * first_ns, last_ns) is called and the count restarts.  Call from a timer
 * (and with min_age_ns 0 before a reload or exit).  Returns the number of
 * keys reported.
 */
typedef void (*ratelimit_report_fn)(size_t key, uint64_t count, uint64_t first_ns,
				    uint64_t last_ns, void *userdata);
size_t ratelimit_flush(RateLimiter *rl, uint64_t now_ns, uint64_t min_age_ns,
		       ratelimit_report_fn fn, void *userdata);

/* Totals since creation. */
uint64_t ratelimit_passed(const RateLimiter *rl);
uint64_t ratelimit_suppressed(const RateLimiter *rl);

#endif /* SAKER_RATELIMIT_H */
