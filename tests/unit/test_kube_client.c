/*
 * test_kube_client.c — REST paths, query strings, API error messages and
 * the retry backoff of the Kubernetes client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kube_client.h"

static void test_paths(void **state)
{
    rn_arena *a = rn_arena_new();
    assert_string_equal(kube_path(a, "v1", "services", "ns1", "svc", NULL),
                        "/api/v1/namespaces/ns1/services/svc");
    assert_string_equal(
        kube_path(a, "apps/v1", "deployments", "ns1", "web", "status"),
        "/apis/apps/v1/namespaces/ns1/deployments/web/status");
    assert_string_equal(
        kube_path(a, "rbac.authorization.k8s.io/v1", "clusterroles", NULL,
                  "mlflow", NULL),
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/mlflow");
    assert_string_equal(
        kube_path(a, "mlflow.opendatahub.io/v1", "mlflows", "", NULL, NULL),
        "/apis/mlflow.opendatahub.io/v1/mlflows");
    /* A subresource without a name makes no sense and is left out. */
    assert_string_equal(kube_path(a, "v1", "pods", NULL, NULL, "status"),
                        "/api/v1/pods");
    assert_string_equal(kube_gv_path(a, "v1"), "/api/v1");
    assert_string_equal(kube_gv_path(a, "gateway.networking.k8s.io/v1"),
                        "/apis/gateway.networking.k8s.io/v1");
    rn_arena_free(a);
}

static void test_query(void **state)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, "/api/v1/services");
    kube_query_add(&b, "labelSelector", "app=mlflow,tier in (a b)");
    kube_query_add(&b, "watch", "1");
    /* url.QueryEscape: '=' ',' '(' ')' are escaped, space becomes '+'. */
    assert_string_equal(
        rn_buf_cstr(&b),
        "/api/v1/services?labelSelector=app%3Dmlflow%2Ctier+in+%28a+b%29"
        "&watch=1");
    rn_buf_reset(&b);
    kube_query_escape(&b, "a-b_c.d~e/f:g@h");
    assert_string_equal(rn_buf_cstr(&b), "a-b_c.d~e%2Ff%3Ag%40h");
    rn_buf_reset(&b);
    kube_query_escape(&b, "\xc3\xa9");
    assert_string_equal(rn_buf_cstr(&b), "%C3%A9");
    rn_buf_free(&b);
}

static void test_status_errors(void **state)
{
    kube_err e;
    const char *notfound =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
        "\"message\":\"deployments.apps \\\"x\\\" not found\","
        "\"reason\":\"NotFound\",\"details\":{\"name\":\"x\"},\"code\":404}";
    kube_err_from_response(&e, "GET",
                           "/apis/apps/v1/namespaces/n/deployments/x", 404,
                           notfound, strlen(notfound));
    assert_int_equal(e.code, 404);
    assert_string_equal(e.reason, "NotFound");
    assert_string_equal(e.e.msg,
                        "GET /apis/apps/v1/namespaces/n/deployments/x: 404 "
                        "NotFound: deployments.apps \"x\" not found");

    const char *throttled =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"slow "
        "down\",\"reason\":\"TooManyRequests\",\"details\":"
        "{\"retryAfterSeconds\":3},\"code\":429}";
    kube_err_from_response(&e, "PATCH", "/x", 429, throttled,
                           strlen(throttled));
    assert_int_equal(e.retry_after, 3);
    assert_string_equal(e.reason, "TooManyRequests");

    const char *forbidden =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"User "
        "\\\"op\\\" cannot patch resource \\\"clusterroles\\\"\","
        "\"reason\":\"Forbidden\",\"code\":403}";
    kube_err_from_response(&e, "PATCH", "/y", 403, forbidden,
                           strlen(forbidden));
    assert_non_null(strstr(e.e.msg, "cannot patch resource"));
    assert_non_null(strstr(e.e.msg, "ClusterRole"));

    /* Not a Status object: the reason comes from the code, the message
     * from the start of the body, on one line. */
    kube_err_from_response(&e, "GET", "/z", 503, "upstream\nbusy", 13);
    assert_string_equal(e.reason, "ServiceUnavailable");
    assert_string_equal(e.e.msg,
                        "GET /z: 503 ServiceUnavailable: upstream busy");

    kube_err_from_response(&e, "GET", "/z", 401, "", 0);
    assert_string_equal(e.reason, "Unauthorized");
    assert_non_null(strstr(e.e.msg, "credentials"));
    assert_true(kube_err_is(&e, 401));
}

static void test_retry_delay(void **state)
{
    assert_int_equal(kube_retry_delay_ms(1, 200, 5000, 0), 200);
    assert_int_equal(kube_retry_delay_ms(2, 200, 5000, 0), 400);
    assert_int_equal(kube_retry_delay_ms(4, 200, 5000, 0), 1600);
    assert_int_equal(kube_retry_delay_ms(6, 200, 5000, 0), 5000);
    assert_int_equal(kube_retry_delay_ms(60, 200, 5000, 0), 5000);
    /* Retry-After wins when it asks for longer, up to 30 s. */
    assert_int_equal(kube_retry_delay_ms(1, 200, 5000, 2), 2000);
    assert_int_equal(kube_retry_delay_ms(1, 200, 5000, 3600), 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_status_errors),
        cmocka_unit_test(test_retry_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
