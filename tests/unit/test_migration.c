/*
 * test_migration.c — the schema migration's decisions: a table of what
 * the controller observed (the recorded key and run, the force
 * annotation, the Job's state and failure, the server's pods) and what
 * must happen next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "migration.h"

#define MIN 60000LL

typedef struct row {
    const char *name;
    migration_in in;
    migration_action action;
    int run, retries;   /* what is recorded afterwards */
    const char *forced; /* recorded force hash afterwards */
    long long delay_ms; /* MIG_BACKOFF */
    bool clear_force, gave_up;
} row;

#define REC(r, n, f)                                                           \
    {                                                                          \
        .run = (r), .retries = (n), .forced = f                                \
    }

static const row rows[] = {
    {"a fresh key: the server's pods stop first",
     {.rec = REC(1, 0, ""), .job = MJOB_ABSENT, .server_pods = 2},
     MIG_WAIT_PODS,
     1,
     0,
     "",
     0,
     false,
     false},
    {"a fresh key, no pods: the Job starts",
     {.rec = REC(1, 0, ""), .job = MJOB_ABSENT},
     MIG_START,
     1,
     0,
     "",
     0,
     false,
     false},
    {"another Job of the instance still runs: never two at once",
     {.rec = REC(1, 0, ""), .job = MJOB_ABSENT, .other_active = true},
     MIG_WAIT_OTHER,
     1,
     0,
     "",
     0,
     false,
     false},
    {"the Job runs",
     {.rec = REC(1, 0, ""), .job = MJOB_ACTIVE},
     MIG_RUNNING,
     1,
     0,
     "",
     0,
     false,
     false},
    {"the Job succeeded: replicas back",
     {.rec = REC(1, 0, ""), .job = MJOB_SUCCEEDED},
     MIG_SUCCEEDED,
     1,
     0,
     "",
     0,
     false,
     false},
    {"the key is recorded as migrated: nothing to do, Job or not",
     {.migrated = true, .rec = REC(1, 0, ""), .job = MJOB_ABSENT},
     MIG_CURRENT,
     1,
     0,
     "",
     0,
     false,
     false},
    {"a terminal failure (revision mismatch) stops",
     {.rec = REC(1, 0, ""), .job = MJOB_FAILED, .failed_ago_ms = 10 * MIN},
     MIG_FAILED,
     1,
     0,
     "",
     0,
     false,
     false},
    {"a retryable failure waits out the first backoff",
     {.rec = REC(1, 0, ""),
      .job = MJOB_FAILED,
      .retryable = true,
      .failed_ago_ms = 10000},
     MIG_BACKOFF,
     1,
     0,
     "",
     20000,
     false,
     false},
    {"a retryable failure, backoff over: the next run starts",
     {.rec = REC(1, 0, ""),
      .job = MJOB_FAILED,
      .retryable = true,
      .failed_ago_ms = 31000},
     MIG_START,
     2,
     1,
     "",
     0,
     false,
     false},
    {"the third retry waits 2 minutes",
     {.rec = REC(3, 2, ""),
      .job = MJOB_FAILED,
      .retryable = true,
      .failed_ago_ms = 60000},
     MIG_BACKOFF,
     3,
     2,
     "",
     60000,
     false,
     false},
    {"every retry failed: stop, and say so",
     {.rec = REC(6, MIGRATION_MAX_RETRIES, ""),
      .job = MJOB_FAILED,
      .retryable = true,
      .failed_ago_ms = 60 * MIN},
     MIG_FAILED,
     6,
     MIGRATION_MAX_RETRIES,
     "",
     0,
     false,
     true},
    {"the retried run succeeded",
     {.rec = REC(2, 1, ""), .job = MJOB_SUCCEEDED},
     MIG_SUCCEEDED,
     2,
     1,
     "",
     0,
     false,
     false},
    {"forced after a success: a new run, held at zero first",
     {.migrated = true,
      .rec = REC(1, 0, ""),
      .force = "f1",
      .job = MJOB_SUCCEEDED,
      .server_pods = 1},
     MIG_WAIT_PODS,
     2,
     0,
     "f1",
     0,
     false,
     false},
    {"forced after a terminal failure: a new run",
     {.rec = REC(1, 0, ""), .force = "f1", .job = MJOB_FAILED},
     MIG_START,
     2,
     0,
     "f1",
     0,
     false,
     false},
    {"forced while a Job runs: wait for it, the force stays pending",
     {.rec = REC(1, 0, ""), .force = "f1", .job = MJOB_ACTIVE},
     MIG_RUNNING,
     1,
     0,
     "",
     0,
     false,
     false},
    {"the forced run runs, though the key was migrated before",
     {.migrated = true,
      .rec = REC(2, 0, "f1"),
      .force = "f1",
      .job = MJOB_ACTIVE},
     MIG_RUNNING,
     2,
     0,
     "f1",
     0,
     false,
     false},
    {"the forced run succeeded: clear the annotation",
     {.migrated = true,
      .rec = REC(2, 0, "f1"),
      .force = "f1",
      .job = MJOB_SUCCEEDED},
     MIG_SUCCEEDED,
     2,
     0,
     "f1",
     0,
     true,
     false},
    {"the annotation cleared: current, the force spent",
     {.migrated = true, .rec = REC(2, 0, "f1"), .job = MJOB_SUCCEEDED},
     MIG_CURRENT,
     2,
     0,
     "",
     0,
     false,
     false},
    {"the same value set again later forces another run",
     {.migrated = true,
      .rec = REC(2, 0, ""),
      .force = "f1",
      .job = MJOB_SUCCEEDED},
     MIG_START,
     3,
     0,
     "f1",
     0,
     false,
     false},
    {"the forced run failed for good: stop, the annotation stays",
     {.rec = REC(2, 0, "f1"), .force = "f1", .job = MJOB_FAILED},
     MIG_FAILED,
     2,
     0,
     "f1",
     0,
     false,
     false},
    {"a new value after that: another run",
     {.rec = REC(2, 0, "f1"), .force = "f2", .job = MJOB_FAILED},
     MIG_START,
     3,
     0,
     "f2",
     0,
     false,
     false},
    {"a forced run retries like any other",
     {.rec = REC(2, 0, "f1"),
      .force = "f1",
      .job = MJOB_FAILED,
      .retryable = true,
      .failed_ago_ms = 5 * MIN},
     MIG_START,
     3,
     1,
     "f1",
     0,
     false,
     false},
};

static void test_decisions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        migration_out out;
        migration_decide(&r->in, &out);
        char what[256];
        snprintf(what, sizeof what,
                 "%s: action %d (want %d), run %d (%d), "
                 "retries %d (%d), forced \"%s\" (\"%s\")",
                 r->name, out.action, r->action, out.rec.run, r->run,
                 out.rec.retries, r->retries, out.rec.forced, r->forced);
        if (out.action != r->action || out.rec.run != r->run ||
            out.rec.retries != r->retries ||
            strcmp(out.rec.forced, r->forced) != 0 ||
            out.clear_force != r->clear_force || out.gave_up != r->gave_up ||
            (r->action == MIG_BACKOFF && out.delay_ms != r->delay_ms))
            fail_msg("%s; delay %lld (%lld), clear %d, gave up %d", what,
                     out.delay_ms, r->delay_ms, out.clear_force, out.gave_up);
    }
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(migration_backoff_ms(0), 30000);
    assert_int_equal(migration_backoff_ms(1), 60000);
    assert_int_equal(migration_backoff_ms(4), 480000);
    assert_int_equal(migration_backoff_ms(5), 600000);
    assert_int_equal(migration_backoff_ms(40), 600000);
}

static void test_record(void **state)
{
    (void)state;
    migration_record r = REC(3, 2, "0123456789abcdef"), p;
    char buf[128];
    migration_record_format("abc1234", &r, buf, sizeof buf);
    assert_string_equal(buf, "abc1234 3 2 0123456789abcdef");
    migration_record_parse(buf, "abc1234", &p);
    assert_int_equal(p.run, 3);
    assert_int_equal(p.retries, 2);
    assert_string_equal(p.forced, "0123456789abcdef");
    /* Another key's record, none, or a mangled one: run 1 afresh. */
    const char *other[] = {"def5678 3 2 -", NULL,           "", "abc1234 x 2 -",
                           "abc1234 0 0 -", "abc1234 2 3 -"};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        migration_record_parse(other[i], "abc1234", &p);
        assert_int_equal(p.run, 1);
        assert_int_equal(p.retries, 0);
        assert_string_equal(p.forced, "");
    }
    r.forced[0] = '\0';
    migration_record_format("abc1234", &r, buf, sizeof buf);
    assert_string_equal(buf, "abc1234 3 2 -");
    migration_record_parse(buf, "abc1234", &p);
    assert_string_equal(p.forced, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_record),
    };
    return cmocka_run_group_tests_name("reconciler/test_migration", tests, NULL,
                                       NULL);
}
