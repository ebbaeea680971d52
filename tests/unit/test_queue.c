/*
 * test_queue.c — the work queue: deduplication, one worker per key,
 * delays, per-key backoff, shutdown, and the counts and timings behind
 * the workqueue_* metrics.
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

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static queue_stats stats(queue *q)
{
    queue_stats st;
    queue_get_stats(q, &st);
    return st;
}

/* As client-go: an add counts unless the key already waits to be handed
 * out; an add while a worker holds the key counts (it is queued again). */
static void test_stats_adds(void **state)
{
    queue *q = queue_new(NULL);
    assert_int_equal(stats(q).adds, 0);
    queue_add(q, "a");
    queue_add(q, "b");
    queue_add(q, "a"); /* a dedup no-op */
    assert_int_equal(stats(q).adds, 2);
    char *k;
    assert_true(queue_get(q, &k)); /* a, held */
    queue_add(q, "a");             /* counts: queued again after done */
    queue_add(q, "a");             /* no-op: already dirty */
    assert_int_equal(stats(q).adds, 3);
    queue_done(q, k);
    free(k);
    assert_int_equal(stats(q).adds, 3); /* requeueing on done is no add */
    expect_get(q, "b");
    expect_get(q, "a");
    assert_int_equal(stats(q).retries, 0);
    queue_free(q);
}

/* Delayed keys count as retries when asked for, as adds when due. */
static void test_stats_retries(void **state)
{
    queue *q = queue_new(&(queue_opts){.base_delay_ms = 20});
    queue_add_after(q, "x", 10000);
    assert_int_equal(stats(q).retries, 1);
    assert_int_equal(stats(q).adds, 0);
    queue_add(q, "x"); /* ready now */
    assert_int_equal(stats(q).adds, 1);
    expect_get(q, "x");
    queue_add_rate_limited(q, "k");
    queue_add_rate_limited(q, "k"); /* still waiting: one add when due */
    assert_int_equal(stats(q).retries, 3);
    assert_int_equal(stats(q).adds, 1);
    expect_get(q, "k");
    assert_int_equal(stats(q).adds, 2);
    queue_add_after(q, "y", 0); /* no delay: a retry and an add */
    assert_int_equal(stats(q).retries, 4);
    assert_int_equal(stats(q).adds, 3);
    expect_get(q, "y");
    queue_shutdown(q);
    queue_add(q, "z");
    queue_add_rate_limited(q, "z");
    assert_int_equal(stats(q).adds, 3);
    assert_int_equal(stats(q).retries, 4);
    queue_free(q);
}

static void test_stats_work_in_progress(void **state)
{
    queue *q = queue_new(NULL);
    queue_add(q, "a");
    queue_add(q, "b");
    queue_stats st = stats(q);
    assert_true(st.unfinished_s == 0);
    assert_true(st.longest_s == 0);
    char *a, *b;
    assert_true(queue_get(q, &a));
    sleep_ms(60);
    assert_true(queue_get(q, &b));
    sleep_ms(20);
    st = stats(q);
    /* a held 80+ ms, b 20+ ms */
    assert_true(st.longest_s >= 0.079);
    assert_true(st.longest_s < 5);
    assert_true(st.unfinished_s >= st.longest_s + 0.019);
    assert_true(st.unfinished_s < 2 * st.longest_s);
    queue_done(q, a);
    st = stats(q);
    assert_true(st.longest_s >= 0.019);
    assert_true(st.longest_s < st.unfinished_s + 1e-9);
    assert_true(st.longest_s == st.unfinished_s); /* only b left */
    queue_done(q, b);
    st = stats(q);
    assert_true(st.unfinished_s == 0);
    assert_true(st.longest_s == 0);
    free(a);
    free(b);
    queue_free(q);
}

typedef struct observed {
    int waited, worked;
    double waited_s, worked_s;
} observed;

static void observe(void *ud, queue_timing t, double seconds)
{
    observed *o = ud;
    if (t == QUEUE_WAITED) {
        o->waited++;
        o->waited_s = seconds;
    } else {
        o->worked++;
        o->worked_s = seconds;
    }
}

static void test_observer(void **state)
{
    observed o = {0};
    queue *q = queue_new(&(queue_opts){.observe = observe, .ud = &o});
    queue_add(q, "a");
    sleep_ms(30);
    char *k;
    assert_true(queue_get(q, &k));
    assert_int_equal(o.waited, 1);
    assert_int_equal(o.worked, 0);
    assert_true(o.waited_s >= 0.029 && o.waited_s < 5);
    sleep_ms(40);
    queue_done(q, k);
    assert_int_equal(o.worked, 1);
    assert_true(o.worked_s >= 0.039 && o.worked_s < 5);
    queue_done(q, k); /* not held: nothing observed */
    assert_int_equal(o.worked, 1);
    free(k);

    /* A delayed key waits from when it is due, not from the request. */
    queue_add_after(q, "d", 80);
    assert_true(queue_get(q, &k));
    assert_true(o.waited_s < 0.07);
    queue_done(q, k);
    free(k);
    assert_int_equal(o.waited, 2);
    assert_int_equal(o.worked, 2);
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
        cmocka_unit_test(test_stats_adds),
        cmocka_unit_test(test_stats_retries),
        cmocka_unit_test(test_stats_work_in_progress),
        cmocka_unit_test(test_observer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
