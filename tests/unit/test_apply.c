/*
 * test_apply.c — the pure parts of applying: the "nothing would change"
 * comparison, Kubernetes quantities, owner references and field managers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s", e.text);
    return j;
}

static bool subset(const char *want, const char *have)
{
    json_t *w = J(want), *h = J(have);
    bool r = apply_subset(w, h);
    json_decref(w);
    json_decref(h);
    return r;
}

static void test_subset(void **state)
{
    /* Fields the server adds (defaults, status, metadata) do not count. */
    assert_true(subset("{\"spec\":{\"replicas\":1}}",
                       "{\"spec\":{\"replicas\":1,\"revisionHistoryLimit\":10},"
                       "\"status\":{}}"));
    assert_false(
        subset("{\"spec\":{\"replicas\":2}}", "{\"spec\":{\"replicas\":1}}"));
    assert_false(subset("{\"a\":\"x\"}", "{}"));
    /* Go drops zero values with omitempty: they match a missing field. */
    assert_true(subset("{\"readOnly\":false,\"annotations\":{},\"args\":[],"
                       "\"n\":0,\"s\":\"\",\"z\":null}",
                       "{}"));
    /* Lists: same length, item by item (defaults inside items are fine). */
    assert_true(subset("{\"ports\":[{\"port\":8443}]}",
                       "{\"ports\":[{\"port\":8443,\"protocol\":\"TCP\"}]}"));
    assert_false(subset("{\"args\":[\"a\",\"b\"]}", "{\"args\":[\"a\"]}"));
    assert_false(subset("{\"args\":[\"a\"]}", "{\"args\":[\"a\",\"b\"]}"));
    assert_false(
        subset("{\"args\":[\"b\",\"a\"]}", "{\"args\":[\"a\",\"b\"]}"));
    /* Owner references: each wanted one present, others may be there. */
    assert_true(subset("{\"ownerReferences\":[{\"uid\":\"2\",\"name\":\"b\"}]}",
                       "{\"ownerReferences\":[{\"uid\":\"1\",\"name\":\"a\"},"
                       "{\"uid\":\"2\",\"name\":\"b\"}]}"));
    assert_false(subset("{\"ownerReferences\":[{\"uid\":\"3\"}]}",
                        "{\"ownerReferences\":[{\"uid\":\"1\"}]}"));
    /* Numbers by value; types otherwise strict. */
    assert_true(subset("{\"a\":1}", "{\"a\":1.0}"));
    assert_false(subset("{\"a\":1}", "{\"a\":\"1\"}"));
    assert_false(subset("{\"a\":true}", "{\"a\":false}"));
    assert_true(apply_subset(NULL, NULL));
}

static void expect_q(const char *s, long double want)
{
    long double v = -1;
    assert_int_equal(apply_quantity(s, &v), 0);
    long double d = v > want ? v - want : want - v;
    if (d > want * 1e-15L)
        fail_msg("%s: got %Lg, want %Lg", s, v, want);
}

static void test_quantity(void **state)
{
    expect_q("2Gi", 2147483648.0L);
    expect_q("1Ki", 1024.0L);
    expect_q("1.5Mi", 1572864.0L);
    expect_q("500M", 500e6L);
    expect_q("1k", 1000.0L);
    expect_q("1E", 1e18L);    /* exa, not an exponent */
    expect_q("1e3", 1000.0L); /* exponent */
    expect_q("100m", 0.1L);
    expect_q("7", 7.0L);
    expect_q(".5", 0.5L);
    long double v;
    assert_int_equal(apply_quantity("", &v), -1);
    assert_int_equal(apply_quantity("Gi", &v), -1);
    assert_int_equal(apply_quantity("2GB", &v), -1);
    assert_int_equal(apply_quantity("2 Gi", &v), -1);
    assert_int_equal(apply_quantity("0x10", &v), -1);
    assert_int_equal(apply_quantity("inf", &v), -1);
    /* Growing compares across units. */
    long double a, b;
    apply_quantity("1Gi", &a);
    apply_quantity("1000Mi", &b);
    assert_true(a > b);
}

static void test_owner_and_manager(void **state)
{
    json_t *mlf = J("{\"apiVersion\":\"mlflow.opendatahub.io/v1\","
                    "\"kind\":\"MLflow\",\"metadata\":{\"name\":\"dev\","
                    "\"uid\":\"u-1\"}}");
    json_t *ref = apply_owner_ref(mlf, true);
    json_t *want = J("{\"apiVersion\":\"mlflow.opendatahub.io/v1\","
                     "\"kind\":\"MLflow\",\"name\":\"dev\",\"uid\":\"u-1\","
                     "\"controller\":true,\"blockOwnerDeletion\":true}");
    assert_true(json_equal(ref, want));
    json_decref(ref);
    json_decref(want);
    ref = apply_owner_ref(mlf, false);
    assert_null(json_object_get(ref, "controller"));
    json_decref(ref);

    json_t *own =
        J("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
          "\"metadata\":{\"name\":\"mlflow-dev\",\"namespace\":\"ns\","
          "\"labels\":{\"app.kubernetes.io/instance\":\"mlflow-dev\"},"
          "\"ownerReferences\":[{\"uid\":\"u-1\",\"controller\":true}]}}");
    json_t *shared =
        J("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
          "\"kind\":\"ClusterRole\",\"metadata\":{\"name\":"
          "\"mlflow\",\"labels\":{\"app\":\"mlflow\"},"
          "\"ownerReferences\":[{\"uid\":\"u-0\"},{\"uid\":\"u-1\"}]}}");
    assert_false(apply_is_shared(own));
    assert_true(apply_is_shared(shared));
    assert_int_equal(apply_owned_by(own, "u-1"), 2);
    assert_int_equal(apply_owned_by(shared, "u-1"), 1);
    assert_int_equal(apply_owned_by(shared, "u-9"), 0);
    char *k = apply_key(own);
    assert_string_equal(k, "apps/v1/Deployment/ns/mlflow-dev");
    free(k);
    k = apply_key(shared);
    assert_string_equal(k, "rbac.authorization.k8s.io/v1/ClusterRole//mlflow");
    free(k);
    json_decref(own);
    json_decref(shared);
    json_decref(mlf);
}

static void test_hash_and_memory(void **state)
{
    /* Key order does not change the hash. */
    json_t *a = J("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
    json_t *b = J("{\"b\":{\"d\":3,\"c\":2},\"a\":1}");
    char ha[65], hb[65];
    apply_hash(a, ha);
    apply_hash(b, hb);
    assert_string_equal(ha, hb);
    assert_int_equal(strlen(ha), 64);
    json_decref(a);
    json_decref(b);

    apply_memory *m = apply_memory_new();
    apply_memory_record(m, "k", ha, "10", "11");
    assert_true(apply_memory_current(m, "k", ha, "11"));
    /* The cache still has the version from before our write. */
    assert_true(apply_memory_current(m, "k", ha, "10"));
    /* Someone else wrote since. */
    assert_false(apply_memory_current(m, "k", ha, "12"));
    assert_false(apply_memory_current(m, "k", "other", "11"));
    /* Another body than the one recorded: changed; an unknown key: not. */
    assert_false(apply_memory_changed(m, "k", ha));
    assert_true(apply_memory_changed(m, "k", "other"));
    assert_false(apply_memory_changed(m, "unknown", "other"));
    assert_true(apply_memory_observe(m, "k", "11"));
    assert_false(apply_memory_observe(m, "k", "10"));
    apply_memory_forget(m, "k");
    assert_false(apply_memory_current(m, "k", ha, "11"));
    /* Created objects have no version before. */
    apply_memory_record(m, "n", ha, NULL, "5");
    assert_false(apply_memory_current(m, "n", ha, ""));
    assert_true(apply_memory_current(m, "n", ha, "5"));
    apply_memory_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subset),
        cmocka_unit_test(test_quantity),
        cmocka_unit_test(test_owner_and_manager),
        cmocka_unit_test(test_hash_and_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
