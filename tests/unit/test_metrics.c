/*
 * test_metrics.c — the Prometheus text the operator serves: counters,
 * gauges and histograms as exact lines, one # HELP and # TYPE per family,
 * no family without series, buckets by numeric bound, and the process
 * collector against a made-up /proc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

static char *render(metrics *m)
{
    rn_buf b = {0};
    metrics_render(m, &b);
    return rn_buf_take(&b, NULL);
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* `line` (without its newline) is a whole line of `text`. */
static void assert_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return;
    fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void test_counter_and_gauge(void **state)
{
    metrics *m = metrics_new();
    metrics_api_request(m, "GET", 200, -1);
    metrics_api_request(m, "GET", 200, -1);
    metrics_api_request(m, "PATCH", 0, -1);
    metrics_gauge(m, "workqueue_depth{name=\"mlflow\"}", 3);
    metrics_gauge(m, "mlflow_operator_leader", 1);
    char *out = render(m);
    assert_string_equal(
        out, "# HELP workqueue_depth Current depth of the work queue.\n"
             "# TYPE workqueue_depth gauge\n"
             "workqueue_depth{name=\"mlflow\"} 3\n"
             "# HELP rest_client_requests_total Number of HTTP requests to the "
             "API server, by method and status code (code 0: no response).\n"
             "# TYPE rest_client_requests_total counter\n"
             "rest_client_requests_total{code=\"0\",method=\"PATCH\"} 1\n"
             "rest_client_requests_total{code=\"200\",method=\"GET\"} 2\n"
             "# HELP mlflow_operator_leader 1 while this process holds the "
             "leader lease (or runs without leader election).\n"
             "# TYPE mlflow_operator_leader gauge\n"
             "mlflow_operator_leader 1\n");
    /* A negative duration is counted, not observed. */
    assert_int_equal(count(out, "rest_client_request_duration_seconds"), 0);
    assert_true(metrics_value(m, "rest_client_requests_total{code=\"200\","
                                 "method=\"GET\"}") == 2);
    free(out);
    metrics_free(m);
}

static void test_histogram_exact(void **state)
{
    metrics *m = metrics_new();
    /* Binary fractions: the sum is exact. */
    metrics_observe(m, "workqueue_work_duration_seconds", "name=\"mlflow\"",
                    1.0 / (1 << 24)); /* 6e-8 */
    metrics_observe(m, "workqueue_work_duration_seconds", "name=\"mlflow\"",
                    1.0 / (1 << 9)); /* 0.00195 */
    metrics_observe(m, "workqueue_work_duration_seconds", "name=\"mlflow\"",
                    16);
    char *out = render(m);
#define B "workqueue_work_duration_seconds_bucket{name=\"mlflow\",le="
    assert_string_equal(
        out, "# HELP workqueue_work_duration_seconds How long in seconds "
             "processing an item from workqueue takes.\n"
             "# TYPE workqueue_work_duration_seconds histogram\n" B
             "\"1e-08\"} 0\n" B "\"1e-07\"} 1\n" B "\"1e-06\"} 1\n" B
             "\"1e-05\"} 1\n" B "\"0.0001\"} 1\n" B "\"0.001\"} 1\n" B
             "\"0.01\"} 2\n" B "\"0.1\"} 2\n" B "\"1\"} 2\n" B "\"10\"} 2\n" B
             "\"+Inf\"} 3\n"
             "workqueue_work_duration_seconds_sum{name=\"mlflow\"} "
             "16.001953184604645\n"
             "workqueue_work_duration_seconds_count{name=\"mlflow\"} 3\n");
#undef B
    free(out);
    metrics_free(m);
}

/* Two series of one histogram: each is whole (buckets, _sum, _count)
 * before the next begins, under one # HELP and # TYPE. */
static void test_histogram_series(void **state)
{
    metrics *m = metrics_new();
    metrics_reconcile(m, "success", 0.3);
    metrics_reconcile(m, "error", 0.02);
    metrics_reconcile(m, "success", 0.7);
    char *out = render(m);
    const char *fam = "controller_runtime_reconcile_time_seconds";
    char help[128], type[128];
    snprintf(help, sizeof help, "# HELP %s ", fam);
    snprintf(type, sizeof type, "# TYPE %s histogram\n", fam);
    assert_int_equal(count(out, help), 1);
    assert_int_equal(count(out, type), 1);
    assert_line(out, "controller_runtime_reconcile_errors_total{controller="
                     "\"mlflow\"} 1");
    assert_line(out, "controller_runtime_reconcile_total{controller="
                     "\"mlflow\",result=\"success\"} 2");
    assert_line(out, "controller_runtime_reconcile_time_seconds_bucket{"
                     "controller=\"mlflow\",result=\"error\",le=\"0.01\"} 0");
    assert_line(out, "controller_runtime_reconcile_time_seconds_bucket{"
                     "controller=\"mlflow\",result=\"error\",le=\"0.025\"} "
                     "1");
    assert_line(out, "controller_runtime_reconcile_time_seconds_bucket{"
                     "controller=\"mlflow\",result=\"success\",le=\"0.5\"} "
                     "1");
    assert_line(out, "controller_runtime_reconcile_time_seconds_sum{"
                     "controller=\"mlflow\",result=\"success\"} 1");
    const char *err_count =
        strstr(out, "controller_runtime_reconcile_time_seconds_count{"
                    "controller=\"mlflow\",result=\"error\"}");
    const char *err_sum =
        strstr(out, "controller_runtime_reconcile_time_seconds_sum{"
                    "controller=\"mlflow\",result=\"error\"}");
    const char *err_inf = strstr(out, "result=\"error\",le=\"+Inf\"}");
    const char *ok_first = strstr(out, "result=\"success\",le=\"0.005\"}");
    assert_non_null(err_count);
    assert_non_null(err_sum);
    assert_non_null(err_inf);
    assert_non_null(ok_first);
    assert_true(err_inf < err_sum);
    assert_true(err_sum < err_count);
    assert_true(err_count < ok_first);
    /* 13 bounds and +Inf per series, from the first observation on. */
    assert_int_equal(count(out, "result=\"error\",le="), 14);
    assert_int_equal(count(out, "result=\"success\",le="), 14);
    free(out);
    metrics_free(m);
}

static void test_request_duration(void **state)
{
    metrics *m = metrics_new();
    metrics_api_request(m, "PUT", 200, 0.3);
    metrics_api_request(m, "PUT", 409, 0.004);
    char *out = render(m);
#define B "rest_client_request_duration_seconds_bucket{verb=\"PUT\",le="
    assert_line(out, B "\"0.005\"} 1");
    assert_line(out, B "\"0.25\"} 1");
    assert_line(out, B "\"0.5\"} 2");
    assert_line(out, B "\"60\"} 2");
    assert_line(out, B "\"+Inf\"} 2");
#undef B
    assert_line(out, "rest_client_request_duration_seconds_sum{verb=\"PUT\"} "
                     "0.304");
    assert_line(out, "rest_client_request_duration_seconds_count{verb="
                     "\"PUT\"} 2");
    assert_line(out, "rest_client_requests_total{code=\"409\",method="
                     "\"PUT\"} 1");
    assert_line(out, "# TYPE rest_client_request_duration_seconds histogram");
    free(out);
    metrics_free(m);
}

/* Numeric, not text order: "+Inf" and "1e-08" sort wrong as strings. */
static void test_le_order(void **state)
{
    metrics *m = metrics_new();
    metrics_observe(m, "workqueue_queue_duration_seconds", "name=\"q\"", 5);
    char *out = render(m);
    const char *les[] = {"1e-08", "1e-07", "1e-06", "1e-05", "0.0001", "0.001",
                         "0.01",  "0.1",   "1",     "10",    "+Inf"};
    const char *prev = out;
    for (size_t i = 0; i < sizeof les / sizeof les[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "le=\"%s\"}", les[i]);
        const char *p = strstr(out, want);
        assert_non_null(p);
        assert_true(p > prev);
        prev = p;
    }
    assert_true(prev < strstr(out, "workqueue_queue_duration_seconds_sum"));
    free(out);
    metrics_free(m);
}

static void test_no_empty_family(void **state)
{
    metrics *m = metrics_new();
    char *out = render(m);
    assert_string_equal(out, "");
    free(out);
    metrics_gauge(m, "not_in_the_table", 1);
    metrics_gauge(m, "mlflow_operator_build_info{version=\"1.2.3\"}", 1);
    out = render(m);
    assert_string_equal(out, "# HELP mlflow_operator_build_info Build "
                             "information of the operator, in its labels; "
                             "the value is 1.\n"
                             "# TYPE mlflow_operator_build_info gauge\n"
                             "mlflow_operator_build_info{version=\"1.2.3\"} "
                             "1\n");
    free(out);
    metrics_free(m);
}

static void test_values(void **state)
{
    metrics *m = metrics_new();
    metrics_gauge(m, "workqueue_unfinished_work_seconds{name=\"a\"}", 0.1);
    metrics_gauge(m, "workqueue_unfinished_work_seconds{name=\"b\"}", 1e-9);
    metrics_gauge(m, "workqueue_unfinished_work_seconds{name=\"c\"}",
                  0.1 + 0.2);
    metrics_gauge(m, "workqueue_unfinished_work_seconds{name=\"d\"}",
                  1234567890123.5);
    char *out = render(m);
    assert_line(out, "workqueue_unfinished_work_seconds{name=\"a\"} 0.1");
    assert_line(out, "workqueue_unfinished_work_seconds{name=\"b\"} 1e-09");
    assert_line(out, "workqueue_unfinished_work_seconds{name=\"c\"} "
                     "0.30000000000000004");
    assert_line(out, "workqueue_unfinished_work_seconds{name=\"d\"} "
                     "1234567890123.5");
    free(out);
    metrics_free(m);
}

static void set_leader(void *ud, metrics *m)
{
    (*(int *)ud)++;
    metrics_gauge(m, "mlflow_operator_leader", 0);
}

static void test_collector(void **state)
{
    metrics *m = metrics_new();
    int calls = 0;
    metrics_set_collector(m, set_leader, &calls);
    char *out = render(m);
    assert_int_equal(calls, 1);
    assert_line(out, "mlflow_operator_leader 0");
    free(out);
    metrics_free(m);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_process_made_up(void **state)
{
    char dir[] = "/tmp/test_metrics.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[600];
    snprintf(sub, sizeof sub, "%s/self", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/self/fd", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(sub, "0", "");
    write_file(sub, "1", "");
    write_file(sub, "7", "");
    /* A command with blanks and a ')' in it; utime 300, stime 100,
     * starttime 5000, vsize 123456789, rss 2500 pages. */
    write_file(dir, "self/stat",
               "42 (re con) ciler) S 1 42 42 0 -1 4194560 100 0 0 0 300 100 "
               "0 0 20 0 9 0 5000 123456789 2500 18446744073709551615\n");
    write_file(dir, "stat", "cpu  1 2 3 4\nintr 5\nbtime 1700000000\n");
    write_file(dir, "self/limits",
               "Limit                     Soft Limit           Hard Limit  "
               "         Units     \n"
               "Max cpu time              unlimited            unlimited   "
               "         seconds   \n"
               "Max open files            4096                 524288      "
               "         files     \n");
    metrics *m = metrics_new();
    metrics_collect_process(m, dir);
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double page = (double)sysconf(_SC_PAGESIZE);
    assert_true(metrics_value(m, "process_cpu_seconds_total") == 400 / ticks);
    assert_true(metrics_value(m, "process_resident_memory_bytes") ==
                2500 * page);
    assert_true(metrics_value(m, "process_start_time_seconds") ==
                1700000000 + 5000 / ticks);
    char *out = render(m);
    assert_line(out, "process_virtual_memory_bytes 123456789");
    assert_line(out, "process_open_fds 3");
    assert_line(out, "process_max_fds 4096");
    assert_line(out, "# TYPE process_cpu_seconds_total counter");
    assert_line(out, "# TYPE process_start_time_seconds gauge");
    free(out);
    metrics_free(m);

    /* Unlimited, and a stat without btime: those series are left out. */
    write_file(dir, "self/limits",
               "Max open files            unlimited            unlimited   "
               "         files     \n");
    write_file(dir, "stat", "cpu  1 2 3 4\n");
    m = metrics_new();
    metrics_collect_process(m, dir);
    out = render(m);
    assert_int_equal(count(out, "process_max_fds"), 0);
    assert_int_equal(count(out, "process_start_time_seconds"), 0);
    assert_line(out, "process_open_fds 3");
    free(out);
    metrics_free(m);

    const char *files[] = {"self/fd/0", "self/fd/1",   "self/fd/7",
                           "self/stat", "self/limits", "stat"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, files[i]);
        unlink(sub);
    }
    snprintf(sub, sizeof sub, "%s/self/fd", dir);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/self", dir);
    rmdir(sub);
    rmdir(dir);
}

static void test_process_missing(void **state)
{
    metrics *m = metrics_new();
    metrics_collect_process(m, "/nonexistent/proc");
    char *out = render(m);
    assert_string_equal(out, "");
    free(out);
    metrics_free(m);
}

static void test_process_real(void **state)
{
    if (access("/proc/self/stat", R_OK) != 0)
        skip();
    metrics *m = metrics_new();
    metrics_collect_process(m, "/proc");
    assert_true(metrics_value(m, "process_resident_memory_bytes") > 1e5);
    assert_true(metrics_value(m, "process_virtual_memory_bytes") >
                metrics_value(m, "process_resident_memory_bytes"));
    assert_true(metrics_value(m, "process_open_fds") >= 3);
    assert_true(metrics_value(m, "process_max_fds") >=
                metrics_value(m, "process_open_fds"));
    assert_true(metrics_value(m, "process_start_time_seconds") > 1.5e9);
    assert_true(metrics_value(m, "process_cpu_seconds_total") >= 0);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_and_gauge),
        cmocka_unit_test(test_histogram_exact),
        cmocka_unit_test(test_histogram_series),
        cmocka_unit_test(test_request_duration),
        cmocka_unit_test(test_le_order),
        cmocka_unit_test(test_no_empty_family),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_collector),
        cmocka_unit_test(test_process_made_up),
        cmocka_unit_test(test_process_missing),
        cmocka_unit_test(test_process_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
