/*
 * clock.h — monotonic time and the interruptible sleep every loop of the
 * operator (retries, watches, leases, resync) waits with.
 */
#ifndef RC_CLOCK_H
#define RC_CLOCK_H

#include <stdatomic.h>

/* Milliseconds on the monotonic clock. */
long long rc_now_ms(void);
/* Nanoseconds on the same clock, for durations the metrics observe. */
long long rc_now_ns(void);

/* Sleeps up to ms milliseconds in steps of at most 100 ms, returning early
 * once either flag is set; each flag may be NULL. */
void rc_sleep_ms(long ms, const atomic_bool *a, const atomic_bool *b);

#endif
