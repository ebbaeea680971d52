/*
 * test_event.c — the pure parts of recording Events: the deterministic
 * Event name of an aggregation key, the message as it goes out, and the
 * per-object token bucket of the spam filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "event.h"

static void test_name_is_deterministic(void **state)
{
    char a[EVENT_NAME_MAX], b[EVENT_NAME_MAX];
    event_name(a, "bad", "uid-1", "Warning", "RenderFailed", "spec.x: bad",
               EVENT_COMPONENT);
    /* sha256("mlflow-operator\0uid-1\0Warning\0RenderFailed\0spec.x: bad\0"),
     * the first 8 bytes: a restarted operator finds the same Event. */
    assert_string_equal(a, "bad.183e06343c1a1a9f");
    event_name(b, "bad", "uid-1", "Warning", "RenderFailed", "spec.x: bad",
               EVENT_COMPONENT);
    assert_string_equal(a, b);
}

static void test_name_follows_every_field(void **state)
{
    const char *base[] = {"uid-1", "Warning", "RenderFailed", "m",
                          EVENT_COMPONENT};
    char ref[EVENT_NAME_MAX];
    event_name(ref, "o", base[0], base[1], base[2], base[3], base[4]);
    for (int i = 0; i < 5; i++) {
        const char *f[5];
        memcpy(f, base, sizeof f);
        f[i] = "other";
        char n[EVENT_NAME_MAX];
        event_name(n, "o", f[0], f[1], f[2], f[3], f[4]);
        assert_string_not_equal(n, ref);
        assert_int_equal(strlen(n), strlen(ref));
    }
    /* Field boundaries count: ("ab", "c") is not ("a", "bc"). */
    char x[EVENT_NAME_MAX], y[EVENT_NAME_MAX];
    event_name(x, "o", "u", "Warning", "ab", "c", EVENT_COMPONENT);
    event_name(y, "o", "u", "Warning", "a", "bc", EVENT_COMPONENT);
    assert_string_not_equal(x, y);
    /* NULL reads as "". */
    event_name(x, "o", NULL, NULL, NULL, NULL, NULL);
    event_name(y, "o", "", "", "", "", "");
    assert_string_equal(x, y);
}

static void test_name_fits_a_subdomain(void **state)
{
    char obj[300];
    memset(obj, 'a', sizeof obj - 1);
    obj[sizeof obj - 1] = '\0';
    obj[235] = '-'; /* the last byte kept: must not end a label */
    char n[EVENT_NAME_MAX];
    event_name(n, obj, "u", "Normal", "DeploymentReady", "m", EVENT_COMPONENT);
    assert_true(strlen(n) <= 253);
    char *dot = strrchr(n, '.');
    assert_non_null(dot);
    assert_int_equal(strlen(dot + 1), 16);
    assert_true(dot[-1] == 'a');
    assert_int_equal(dot - n, 235);
}

static void test_message_redacted_and_cut(void **state)
{
    char *m =
        event_message("postgresql://alice:s3cretpw@db/mlflow is bad", 1024);
    assert_null(strstr(m, "s3cretpw"));
    assert_non_null(strstr(m, "alice:xxxxx@db"));
    free(m);
    /* "é" is two bytes: a cut inside it drops it whole. */
    m = event_message("ab\xc3\xa9", 3);
    assert_string_equal(m, "ab");
    free(m);
    m = event_message("ab\xc3\xa9", 4);
    assert_string_equal(m, "ab\xc3\xa9");
    free(m);
    m = event_message(NULL, 10);
    assert_string_equal(m, "");
    free(m);
}

static void test_bucket_burst_then_refill(void **state)
{
    event_bucket b = {0};
    long long t = 1000000;
    for (int i = 0; i < EVENT_BURST; i++)
        assert_true(event_bucket_take(&b, t, EVENT_BURST, EVENT_REFILL_MS));
    assert_false(event_bucket_take(&b, t, EVENT_BURST, EVENT_REFILL_MS));
    /* A refusal takes nothing: one refill later exactly one more. */
    assert_false(event_bucket_take(&b, t + EVENT_REFILL_MS - 1, EVENT_BURST,
                                   EVENT_REFILL_MS));
    assert_true(event_bucket_take(&b, t + EVENT_REFILL_MS, EVENT_BURST,
                                  EVENT_REFILL_MS));
    assert_false(event_bucket_take(&b, t + EVENT_REFILL_MS, EVENT_BURST,
                                   EVENT_REFILL_MS));
    /* Idle long enough, the bucket is full again, and not fuller. */
    long long later = t + 100 * EVENT_REFILL_MS;
    int n = 0;
    while (event_bucket_take(&b, later, EVENT_BURST, EVENT_REFILL_MS))
        n++;
    assert_int_equal(n, EVENT_BURST);
}

static void test_bucket_sustained_rate(void **state)
{
    /* One event a second for 5 minutes: the burst, then one per refill. */
    event_bucket b = {0};
    int n = 0;
    for (long long s = 0; s < 300; s++)
        n += event_bucket_take(&b, 5000 + s * 1000, EVENT_BURST,
                               EVENT_REFILL_MS);
    assert_int_equal(n, EVENT_BURST + 299000 / (int)EVENT_REFILL_MS);
}

static void test_recorder_lifecycle(void **state)
{
    event_recorder *r = event_recorder_new(NULL, "op-1");
    assert_non_null(r);
    event_recorder_free(r);
    event_recorder_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_is_deterministic),
        cmocka_unit_test(test_name_follows_every_field),
        cmocka_unit_test(test_name_fits_a_subdomain),
        cmocka_unit_test(test_message_redacted_and_cut),
        cmocka_unit_test(test_bucket_burst_then_refill),
        cmocka_unit_test(test_bucket_sustained_rate),
        cmocka_unit_test(test_recorder_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
