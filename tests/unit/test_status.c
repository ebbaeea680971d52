/*
 * test_status.c — conditions of an MLflow from the Deployment's rollout
 * and the reconcile's failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("bad JSON in test: %s", e.text);
    return j;
}

static const char *field(json_t *st, const char *type, const char *f)
{
    return json_string_value(json_object_get(status_condition(st, type), f));
}

static void test_rollout_states(void **state)
{
    char msg[256];
    assert_int_equal(status_deployment(NULL, msg, sizeof msg), DEP_MISSING);
    json_t *d = J("{\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":2},"
                  "\"status\":{\"observedGeneration\":1}}");
    assert_int_equal(status_deployment(d, msg, sizeof msg), DEP_PROGRESSING);
    json_decref(d);
    d = J("{\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":2},"
          "\"status\":{\"observedGeneration\":2,\"replicas\":2,"
          "\"updatedReplicas\":1,\"availableReplicas\":2}}");
    assert_int_equal(status_deployment(d, msg, sizeof msg), DEP_PROGRESSING);
    assert_string_equal(msg, "1 of 2 replicas updated");
    json_decref(d);
    d = J("{\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":2},"
          "\"status\":{\"observedGeneration\":2,\"replicas\":3,"
          "\"updatedReplicas\":2,\"availableReplicas\":2}}");
    assert_int_equal(status_deployment(d, msg, sizeof msg), DEP_PROGRESSING);
    json_decref(d);
    d = J(
        "{\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":2},"
        "\"status\":{\"observedGeneration\":2,\"replicas\":2,"
        "\"updatedReplicas\":2,\"availableReplicas\":2,\"readyReplicas\":2}}");
    assert_int_equal(status_deployment(d, msg, sizeof msg), DEP_READY);
    json_decref(d);
    d = J("{\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":1},"
          "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":"
          "\"Progressing\",\"status\":\"False\",\"reason\":"
          "\"ProgressDeadlineExceeded\",\"message\":\"too slow\"}]}}");
    assert_int_equal(status_deployment(d, msg, sizeof msg), DEP_FAILED);
    assert_non_null(strstr(msg, "too slow"));
    json_decref(d);
}

static void test_conditions(void **state)
{
    json_t *mlf = J("{\"metadata\":{\"name\":\"m\",\"generation\":3},"
                    "\"status\":{\"conditions\":[{\"type\":\"Available\","
                    "\"status\":\"False\",\"lastTransitionTime\":"
                    "\"2020-01-01T00:00:00Z\"},{\"type\":\"Degraded\","
                    "\"status\":\"False\",\"lastTransitionTime\":"
                    "\"2020-01-01T00:00:00Z\"}]}}");
    json_t *ready =
        J("{\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":1},"
          "\"status\":{\"observedGeneration\":1,\"replicas\":1,"
          "\"updatedReplicas\":1,\"availableReplicas\":1,"
          "\"readyReplicas\":1}}");
    json_t *warn = J("[\"data on pod-local files\"]");
    status_input in = {.mlflow = mlf,
                       .deployment = ready,
                       .warnings = warn,
                       .url = "https://x/mlflow-m",
                       .address = "https://mlflow-m.ns.svc:8443/mlflow-m",
                       .version = "3.17.2",
                       .now = "2026-01-01T00:00:00Z"};
    json_t *st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "True");
    assert_string_equal(field(st, "Available", "reason"), "DeploymentReady");
    /* Flipped: a new transition time. */
    assert_string_equal(field(st, "Available", "lastTransitionTime"),
                        "2026-01-01T00:00:00Z");
    assert_string_equal(field(st, "Progressing", "status"), "False");
    assert_string_equal(field(st, "Degraded", "status"), "False");
    assert_string_equal(field(st, "Degraded", "message"),
                        "data on pod-local files");
    /* Unchanged: the old transition time stays. */
    assert_string_equal(field(st, "Degraded", "lastTransitionTime"),
                        "2020-01-01T00:00:00Z");
    assert_int_equal(
        json_integer_value(json_object_get(status_condition(st, "Degraded"),
                                           "observedGeneration")),
        3);
    assert_int_equal(
        json_integer_value(json_object_get(st, "observedGeneration")), 3);
    assert_int_equal(json_integer_value(json_object_get(st, "readyReplicas")),
                     1);
    assert_string_equal(json_string_value(json_object_get(st, "url")),
                        "https://x/mlflow-m");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(st, "address"), "url")),
                        "https://mlflow-m.ns.svc:8443/mlflow-m");
    assert_string_equal(json_string_value(json_object_get(st, "version")),
                        "3.17.2");
    assert_null(json_object_get(st, "retainedClaims"));
    json_decref(st);

    /* A render failure: Degraded with the message, redacted. */
    status_input bad = {.mlflow = mlf,
                        .failure = STATUS_RENDER_FAILED,
                        .failure_msg = "spec.backendStoreUri: "
                                       "postgresql://u:pw@db/x is bad",
                        .now = "2026-01-01T00:00:00Z"};
    st = status_compute(&bad);
    assert_string_equal(field(st, "Degraded", "status"), "True");
    assert_string_equal(field(st, "Degraded", "reason"), "RenderFailed");
    assert_null(json_object_get(st, "version")); /* none reported */
    assert_string_equal(
        field(st, "Degraded", "message"),
        "spec.backendStoreUri: postgresql://u:xxxxx@db/x is bad");
    assert_string_equal(field(st, "Available", "reason"), "RenderFailed");
    assert_string_equal(field(st, "Progressing", "status"), "False");
    assert_null(json_object_get(st, "url"));
    json_decref(st);

    /* Kept claims are listed and explained. */
    json_t *kept = J("[\"mlflow-pvc-m\"]");
    status_input k = {.mlflow = mlf,
                      .deployment = ready,
                      .retained = kept,
                      .now = "2026-01-01T00:00:00Z"};
    st = status_compute(&k);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(st, "retainedClaims"), 0)),
                        "mlflow-pvc-m");
    assert_non_null(
        strstr(field(st, "Degraded", "message"), "mlflow-pvc-m is retained"));
    json_decref(st);
    json_decref(kept);
    json_decref(warn);
    json_decref(ready);
    json_decref(mlf);
}

/* spec.migration: while the Job runs the server is held at zero and the
 * status says so; a failed Job is Degraded; a done one is a True
 * Migration condition over the Deployment's own state. */
/* With an artifacts server the instance is available when both servers
 * are; status.artifactsUrl is its artifact API's URL. */
static void test_artifacts_server(void **state)
{
    json_t *mlf = J("{\"metadata\":{\"name\":\"m\",\"generation\":1}}");
    json_t *ready =
        J("{\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":1},"
          "\"status\":{\"observedGeneration\":1,\"replicas\":1,"
          "\"updatedReplicas\":1,\"availableReplicas\":1,"
          "\"readyReplicas\":1}}");
    json_t *starting =
        J("{\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":2},"
          "\"status\":{\"observedGeneration\":1,\"replicas\":2,"
          "\"updatedReplicas\":2,\"availableReplicas\":1}}");
    const char *url = "https://mlflow-artifacts-m.ns.svc:8443/"
                      "mlflow-artifacts-m/api/2.0/mlflow-artifacts/artifacts";
    status_input in = {.mlflow = mlf,
                       .deployment = ready,
                       .artifacts_server = true,
                       .artifacts = starting,
                       .artifacts_url = url,
                       .now = "2026-01-01T00:00:00Z"};
    json_t *st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "False");
    assert_non_null(
        strstr(field(st, "Available", "message"), "the artifacts server: "));
    assert_string_equal(field(st, "Progressing", "status"), "True");
    assert_string_equal(json_string_value(json_object_get(st, "artifactsUrl")),
                        url);
    json_decref(st);
    in.artifacts = NULL; /* not created yet */
    st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "False");
    json_decref(st);
    in.artifacts = ready;
    st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "True");
    json_decref(st);
    in.artifacts_server = false; /* switched off: no URL */
    st = status_compute(&in);
    assert_null(json_object_get(st, "artifactsUrl"));
    json_decref(st);
    json_decref(ready);
    json_decref(starting);
    json_decref(mlf);
}

static void test_migration_conditions(void **state)
{
    (void)state;
    json_t *mlf = J("{\"metadata\":{\"generation\":2},\"status\":{}}");
    json_t *zero =
        J("{\"metadata\":{\"generation\":3},\"spec\":{\"replicas\":0},"
          "\"status\":{\"observedGeneration\":3}}");
    json_t *ready =
        J("{\"metadata\":{\"generation\":4},\"spec\":{\"replicas\":1},"
          "\"status\":{\"observedGeneration\":4,\"replicas\":1,"
          "\"updatedReplicas\":1,\"availableReplicas\":1,"
          "\"readyReplicas\":1}}");
    status_input in = {.mlflow = mlf,
                       .deployment = zero,
                       .migration = MIGRATION_RUNNING,
                       .migration_msg = "Job mlflow-migrate-0123456789 runs",
                       .now = "2026-01-01T00:00:00Z"};
    json_t *st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "False");
    assert_string_equal(field(st, "Available", "reason"), "Migrating");
    assert_string_equal(field(st, "Progressing", "status"), "True");
    assert_string_equal(field(st, "Progressing", "reason"), "Migrating");
    assert_string_equal(field(st, "Degraded", "status"), "False");
    assert_string_equal(field(st, "Migration", "status"), "Unknown");
    assert_string_equal(field(st, "Migration", "reason"), "Migrating");
    assert_string_equal(field(st, "Migration", "message"),
                        "Job mlflow-migrate-0123456789 runs");
    json_decref(st);

    /* Waiting to retry: still held at zero, still under way. */
    in.migration = MIGRATION_RETRYING;
    in.migration_msg = "Job mlflow-migrate-0123456789 failed (db down), a "
                       "failure that may pass; retry 1 of 5 in 30s";
    st = status_compute(&in);
    assert_string_equal(field(st, "Available", "reason"), "Migrating");
    assert_string_equal(field(st, "Progressing", "status"), "True");
    assert_string_equal(field(st, "Degraded", "status"), "False");
    assert_string_equal(field(st, "Migration", "status"), "Unknown");
    assert_string_equal(field(st, "Migration", "reason"), "MigrationRetrying");
    json_decref(st);

    in.migration = MIGRATION_FAILED;
    in.migration_msg = "Job mlflow-migrate-0123456789 failed (BackoffLimit"
                       "Exceeded)";
    st = status_compute(&in);
    assert_string_equal(field(st, "Available", "reason"), "MigrationFailed");
    assert_string_equal(field(st, "Progressing", "status"), "False");
    assert_string_equal(field(st, "Degraded", "status"), "True");
    assert_string_equal(field(st, "Degraded", "reason"), "MigrationFailed");
    assert_non_null(
        strstr(field(st, "Degraded", "message"), "BackoffLimitExceeded"));
    assert_string_equal(field(st, "Migration", "status"), "False");
    assert_string_equal(field(st, "Migration", "reason"), "MigrationFailed");
    json_decref(st);

    /* A render failure still comes first. */
    in.failure = STATUS_RENDER_FAILED;
    in.failure_msg = "spec.migration.mode: must be Automatic or Always";
    st = status_compute(&in);
    assert_string_equal(field(st, "Degraded", "reason"), "RenderFailed");
    json_decref(st);

    in.failure = STATUS_OK;
    in.failure_msg = NULL;
    in.deployment = ready;
    in.migration = MIGRATION_DONE;
    in.migration_msg = "the schema is current for img:2";
    st = status_compute(&in);
    assert_string_equal(field(st, "Available", "status"), "True");
    assert_string_equal(field(st, "Migration", "status"), "True");
    assert_string_equal(field(st, "Migration", "reason"), "Migrated");
    json_decref(st);

    in.migration = MIGRATION_NONE;
    st = status_compute(&in);
    assert_null(status_condition(st, "Migration"));
    json_decref(st);
    json_decref(ready);
    json_decref(zero);
    json_decref(mlf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollout_states),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_migration_conditions),
        cmocka_unit_test(test_artifacts_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
