/*
 * test_metrics_auth.c — the pure parts of guarding /metrics: the bearer
 * token of an Authorization header, the SubjectAccessReview made from a
 * TokenReview's user, and the answer cache with its two lifetimes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_auth.h"

static void assert_bearer(const char *header, const char *want)
{
    size_t len = 99;
    const char *t = metrics_auth_bearer(header, &len);
    if (!want) {
        assert_null(t);
        assert_int_equal(len, 0);
        return;
    }
    assert_non_null(t);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(t, want, len);
}

static void test_bearer(void **state)
{
    assert_bearer("Bearer abc.def-ghi", "abc.def-ghi");
    assert_bearer("bearer abc", "abc");    /* scheme: any case */
    assert_bearer("BEARER  abc  ", "abc"); /* blanks around the token */
    assert_bearer("\tBearer\tabc", "abc");
    assert_bearer(NULL, NULL); /* no header */
    assert_bearer("", NULL);
    assert_bearer("Bearer", NULL); /* no token */
    assert_bearer("Bearer   ", NULL);
    assert_bearer("Basic dXNlcjpwdw==", NULL); /* another scheme */
    assert_bearer("Bearerabc", NULL);          /* no blank after it */
    assert_bearer("Bearer abc def", NULL);     /* two words: not a token */
}

static void test_sar_carries_the_whole_user(void **state)
{
    json_error_t je;
    json_t *st = json_loads(
        "{\"authenticated\":true,\"user\":{"
        "\"username\":\"system:serviceaccount:ns:prom\",\"uid\":\"u-1\","
        "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"],"
        "\"extra\":{\"authentication.kubernetes.io/pod-name\":[\"p\"]}}}",
        0, &je);
    assert_non_null(st);
    json_t *sar = metrics_auth_sar(st, "/metrics", "get");
    assert_non_null(sar);
    json_t *want = json_loads(
        "{\"apiVersion\":\"authorization.k8s.io/v1\","
        "\"kind\":\"SubjectAccessReview\",\"spec\":{"
        "\"user\":\"system:serviceaccount:ns:prom\",\"uid\":\"u-1\","
        "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"],"
        "\"extra\":{\"authentication.kubernetes.io/pod-name\":[\"p\"]},"
        "\"nonResourceAttributes\":{\"path\":\"/metrics\",\"verb\":\"get\"}}}",
        0, &je);
    assert_non_null(want);
    assert_true(json_equal(sar, want));
    json_decref(want);
    json_decref(sar);
    json_decref(st);
}

static void test_sar_minimal_and_missing_user(void **state)
{
    json_t *st = json_pack("{s:{s:s}}", "user", "username", "alice");
    json_t *sar = metrics_auth_sar(st, "/metrics", "get");
    json_t *spec = json_object_get(sar, "spec");
    assert_string_equal(json_string_value(json_object_get(spec, "user")),
                        "alice");
    /* Absent fields stay absent, not empty. */
    assert_null(json_object_get(spec, "uid"));
    assert_null(json_object_get(spec, "groups"));
    assert_null(json_object_get(spec, "extra"));
    json_decref(sar);
    json_decref(st);

    st = json_pack("{s:b}", "authenticated", 1);
    assert_null(metrics_auth_sar(st, "/metrics", "get"));
    json_decref(st);
    st = json_pack("{s:{s:s}}", "user", "username", "");
    assert_null(metrics_auth_sar(st, "/metrics", "get"));
    json_decref(st);
    assert_null(metrics_auth_sar(NULL, "/metrics", "get"));
}

static void key_of(unsigned char key[32], int i)
{
    memset(key, 0, 32);
    memcpy(key, &i, sizeof i);
}

static void test_cache_lifetimes(void **state)
{
    metrics_auth_cache c = {0};
    unsigned char ok[32], no[32], none[32];
    key_of(ok, 1);
    key_of(no, 2);
    key_of(none, 3);
    metrics_auth_cache_put(&c, ok, 200, 1000);
    metrics_auth_cache_put(&c, no, 403, 1000);
    assert_int_equal(metrics_auth_cache_get(&c, ok, 1000), 200);
    assert_int_equal(metrics_auth_cache_get(&c, no, 1000), 403);
    assert_int_equal(metrics_auth_cache_get(&c, none, 1000), 0);
    /* A refusal is asked again sooner than a grant. */
    long long t = 1000 + METRICS_AUTH_DENY_TTL_MS;
    assert_int_equal(metrics_auth_cache_get(&c, no, t - 1), 403);
    assert_int_equal(metrics_auth_cache_get(&c, no, t), 0);
    assert_int_equal(metrics_auth_cache_get(&c, ok, t), 200);
    t = 1000 + METRICS_AUTH_ALLOW_TTL_MS;
    assert_int_equal(metrics_auth_cache_get(&c, ok, t - 1), 200);
    assert_int_equal(metrics_auth_cache_get(&c, ok, t), 0);
    /* A new answer replaces the old one in place. */
    metrics_auth_cache_put(&c, ok, 401, t);
    assert_int_equal(metrics_auth_cache_get(&c, ok, t), 401);
    assert_int_equal(c.n, 2);
}

static void test_cache_is_bounded(void **state)
{
    metrics_auth_cache c = {0};
    unsigned char k[32];
    /* Full of grants made at times 0..N-1: the earliest goes first. */
    for (int i = 0; i < METRICS_AUTH_CACHE; i++) {
        key_of(k, i);
        metrics_auth_cache_put(&c, k, 200, i);
    }
    assert_int_equal(c.n, METRICS_AUTH_CACHE);
    key_of(k, 1000);
    metrics_auth_cache_put(&c, k, 200, METRICS_AUTH_CACHE);
    assert_int_equal(c.n, METRICS_AUTH_CACHE);
    assert_int_equal(metrics_auth_cache_get(&c, k, METRICS_AUTH_CACHE), 200);
    key_of(k, 0);
    assert_int_equal(metrics_auth_cache_get(&c, k, METRICS_AUTH_CACHE), 0);
    key_of(k, 1);
    assert_int_equal(metrics_auth_cache_get(&c, k, METRICS_AUTH_CACHE), 200);
    /* Once they all expired, the next new entry sweeps them out. */
    long long later = METRICS_AUTH_CACHE + METRICS_AUTH_ALLOW_TTL_MS + 1;
    key_of(k, 2000);
    metrics_auth_cache_put(&c, k, 403, later);
    assert_int_equal(c.n, 1);
    assert_int_equal(metrics_auth_cache_get(&c, k, later), 403);
}

static void test_checker_refuses_without_asking(void **state)
{
    /* No bearer token: 401 without a request (there is no API server to
     * ask: the config is never used). */
    metrics_auth *a = metrics_auth_new(NULL, &(kube_client_opts){0}, NULL);
    assert_int_equal(metrics_auth_check(a, NULL, "/metrics"), 401);
    assert_int_equal(metrics_auth_check(a, "Basic eDp5", "/metrics"), 401);
    metrics_auth_free(a);
    metrics_auth_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_sar_carries_the_whole_user),
        cmocka_unit_test(test_sar_minimal_and_missing_user),
        cmocka_unit_test(test_cache_lifetimes),
        cmocka_unit_test(test_cache_is_bounded),
        cmocka_unit_test(test_checker_refuses_without_asking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
