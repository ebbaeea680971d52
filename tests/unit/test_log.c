/*
 * test_log.c — JSON log lines and credential redaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void expect_redacted(const char *in, const char *want)
{
    char *got = log_redact(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_redact_uris(void **state)
{
    /* Go's url.Redacted: the password becomes xxxxx, the user stays. */
    expect_redacted("postgresql://alice:s3cret@db:5432/mlflow",
                    "postgresql://alice:xxxxx@db:5432/mlflow");
    expect_redacted("uri mysql+pymysql://bob:p%40ss@host/db failed",
                    "uri mysql+pymysql://bob:xxxxx@host/db failed");
    /* An unescaped @ in the password: the last @ ends the user info. */
    expect_redacted("s3://k:a@b@bucket/x", "s3://k:xxxxx@bucket/x");
    /* No password, no change. */
    expect_redacted("postgresql://alice@db/x", "postgresql://alice@db/x");
    expect_redacted("https://host:8443/path?a=b", "https://host:8443/path?a=b");
    expect_redacted("sqlite:////mlflow/mlflow.db",
                    "sqlite:////mlflow/mlflow.db");
    /* Inside JSON and quotes. */
    expect_redacted("{\"v\":\"redis://:pw@r:6379\"}",
                    "{\"v\":\"redis://:xxxxx@r:6379\"}");
    expect_redacted("a 'x://u:p@h' b", "a 'x://u:xxxxx@h' b");
    /* Two in one message. */
    expect_redacted("a://u:1@h and b://v:2@i",
                    "a://u:xxxxx@h and b://v:xxxxx@i");
    expect_redacted("", "");
    assert_null(log_redact(NULL));
}

static void test_redact_bearer(void **state)
{
    expect_redacted("Authorization: Bearer abc.def-123 sent",
                    "Authorization: Bearer xxxxx sent");
    expect_redacted("bearer tok", "bearer xxxxx");
    /* Only the word: "unbearer x" is not a token. */
    expect_redacted("unbearer x", "unbearer x");
}

static void test_lines(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    log_ctx *l = log_new(f, LOG_INFO);
    log_msg(l, LOG_DEBUG, NULL, "hidden %d", 1);
    log_msg(l, LOG_INFO, "mine", "apply %s: %s", "Deployment",
            "backend postgresql://u:pw@db/x");
    log_fields(l, LOG_ERROR, NULL,
               json_pack("{s:s,s:i}", "uri", "a://b:c@d", "n", 3), "failed");
    log_free(l);
    fclose(f);

    char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    *nl = '\0';
    json_error_t je;
    json_t *a = json_loads(buf, 0, &je);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(a, "mlflow")),
                        "mine");
    assert_string_equal(json_string_value(json_object_get(a, "msg")),
                        "apply Deployment: backend postgresql://u:xxxxx@db/x");
    const char *ts = json_string_value(json_object_get(a, "ts"));
    assert_non_null(ts);
    assert_int_equal(strlen(ts), 24); /* 2006-01-02T15:04:05.000Z */
    assert_int_equal(ts[23], 'Z');
    json_decref(a);

    json_t *b = json_loads(nl + 1, 0, &je);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(b, "level")),
                        "error");
    assert_string_equal(json_string_value(json_object_get(b, "uri")),
                        "a://b:xxxxx@d");
    assert_int_equal(json_integer_value(json_object_get(b, "n")), 3);
    assert_null(json_object_get(b, "mlflow"));
    json_decref(b);
    /* Exactly two lines: the debug one was below the level. */
    int lines = 0;
    for (char *p = nl + 1; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1);
    free(buf);
}

static void test_levels(void **state)
{
    assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
    assert_int_equal(log_level_parse("INFO"), LOG_INFO);
    assert_int_equal(log_level_parse("warning"), LOG_WARN);
    assert_int_equal(log_level_parse("error"), LOG_ERROR);
    assert_int_equal(log_level_parse("loud"), -1);
    assert_int_equal(log_level_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redact_uris),
        cmocka_unit_test(test_redact_bearer),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
