/*
 * test_queue.c — the work queue: deduplication, one worker per key,
 * delays, per-key backoff and shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queue.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void expect_get(queue *q, const char *want)
{
    char *k = NULL;
    assert_true(queue_get(q, &k));
    assert_string_equal(k, want);
    queue_done(q, k);
    free(k);
}

static void test_fifo_and_dedup(void **state)
{
    queue *q = queue_new(NULL);
    queue_add(q, "a");
    queue_add(q, "b");
    queue_add(q, "a");
    queue_add(q, "c");
    assert_int_equal(queue_len(q), 3);
    expect_get(q, "a");
    expect_get(q, "b");
    expect_get(q, "c");
    assert_int_equal(queue_len(q), 0);
    queue_free(q);
}

static void test_one_worker_per_key(void **state)
{
    queue *q = queue_new(NULL);
    queue_add(q, "a");
    char *k;
    assert_true(queue_get(q, &k));
    /* Added while held: not handed to a second worker... */
    queue_add(q, "a");
    queue_add(q, "a");
    assert_int_equal(queue_len(q), 0);
    /* ...but queued again, once, when the first one is done. */
    queue_done(q, k);
    free(k);
    assert_int_equal(queue_len(q), 1);
    expect_get(q, "a");
    assert_int_equal(queue_len(q), 0);
    queue_free(q);
}

static void test_add_after(void **state)
{
    queue *q = queue_new(NULL);
    long long t0 = now_ms();
    queue_add_after(q, "later", 1000);
    queue_add_after(q, "later", 60); /* the earlier time wins */
    assert_int_equal(queue_len(q), 0);
    assert_int_equal(queue_waiting(q), 1);
    expect_get(q, "later");
    long long dt = now_ms() - t0;
    assert_true(dt >= 55);
    assert_true(dt < 900);
    assert_int_equal(queue_waiting(q), 0);

    /* A plain add makes a delayed key ready at once. */
    queue_add_after(q, "x", 10000);
    queue_add(q, "x");
    assert_int_equal(queue_len(q), 1);
    assert_int_equal(queue_waiting(q), 0);
    expect_get(q, "x");
    /* Zero delay is a plain add. */
    queue_add_after(q, "y", 0);
    assert_int_equal(queue_len(q), 1);
    expect_get(q, "y");
    queue_free(q);
}

static void test_delay_order(void **state)
{
    queue *q = queue_new(NULL);
    queue_add_after(q, "c", 90);
    queue_add_after(q, "a", 30);
    queue_add_after(q, "b", 60);
    expect_get(q, "a");
    expect_get(q, "b");
    expect_get(q, "c");
    queue_free(q);
}

static void test_backoff(void **state)
{
    assert_int_equal(queue_backoff_ms(100, 1000, 0), 100);
    assert_int_equal(queue_backoff_ms(100, 1000, 1), 200);
    assert_int_equal(queue_backoff_ms(100, 1000, 3), 800);
    assert_int_equal(queue_backoff_ms(100, 1000, 4), 1000);
    assert_int_equal(queue_backoff_ms(100, 1000, 1000), 1000);

    queue_opts o = {.base_delay_ms = 20, .max_delay_ms = 1000};
    queue *q = queue_new(&o);
    long long t0 = now_ms();
    queue_add_rate_limited(q, "k"); /* 20 ms */
    expect_get(q, "k");
    queue_add_rate_limited(q, "k"); /* 40 ms */
    expect_get(q, "k");
    queue_add_rate_limited(q, "k"); /* 80 ms */
    expect_get(q, "k");
    assert_true(now_ms() - t0 >= 135);
    assert_int_equal(queue_failures(q, "k"), 3);
    queue_forget(q, "k");
    assert_int_equal(queue_failures(q, "k"), 0);
    t0 = now_ms();
    queue_add_rate_limited(q, "k");
    expect_get(q, "k");
    assert_true(now_ms() - t0 < 70);
    queue_free(q);
}

static void *getter(void *arg)
{
    queue *q = arg;
    char *k = NULL;
    bool got = queue_get(q, &k);
    free(k);
    return got ? (void *)1 : NULL;
}

static void test_shutdown(void **state)
{
    queue *q = queue_new(NULL);
    pthread_t t;
    pthread_create(&t, NULL, getter, q);
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    queue_shutdown(q);
    void *ret;
    pthread_join(t, &ret);
    assert_null(ret);
    assert_true(queue_is_shutdown(q));
    queue_add(q, "ignored");
    char *k;
    assert_false(queue_get(q, &k));
    queue_free(q);
}

static void *worker(void *arg)
{
    queue *q = arg;
    char *k;
    int n = 0;
    while (queue_get(q, &k)) {
        n++;
        queue_done(q, k);
        free(k);
    }
    return (void *)(intptr_t)n;
}

static void test_many_workers(void **state)
{
    queue *q = queue_new(NULL);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, q);
    char key[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i % 50);
        queue_add(q, key);
    }
    while (queue_len(q) > 0) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    queue_shutdown(q);
    intptr_t total = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        total += (intptr_t)r;
    }
    /* Every key processed at least once, duplicates folded. */
    assert_true(total >= 50);
    assert_true(total <= 1000);
    queue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_and_dedup),
        cmocka_unit_test(test_one_worker_per_key),
        cmocka_unit_test(test_add_after),
        cmocka_unit_test(test_delay_order),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_shutdown),
        cmocka_unit_test(test_many_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
