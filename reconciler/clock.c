/*
 * clock.c — monotonic milliseconds and a sleep that a stop flag cuts short.
 */
#include "clock.h"

#include <stdbool.h>
#include <time.h>

long long rc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long rc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool set(const atomic_bool *f)
{
    return f && atomic_load(f);
}

void rc_sleep_ms(long ms, const atomic_bool *a, const atomic_bool *b)
{
    while (ms > 0 && !set(a) && !set(b)) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}
