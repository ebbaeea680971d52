/*
 * test_kube_watch.c — cutting a watch stream into events, whatever the
 * chunk boundaries, and reading the events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "kube_watch.h"

typedef struct lines {
    char got[8][256];
    int n;
} lines;

static int collect(void *ud, const char *line, size_t len)
{
    lines *l = ud;
    assert_true(l->n < 8);
    assert_true(len < 256);
    memcpy(l->got[l->n], line, len);
    l->got[l->n][len] = '\0';
    l->n++;
    return 0;
}

static const char *stream =
    "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\","
    "\"resourceVersion\":\"10\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":"
    "\"12\"}}}\r\n"
    "\n"
    "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n";

static void test_any_split(void **state)
{
    size_t n = strlen(stream);
    /* Every split point, and byte by byte: the same three lines. */
    for (size_t cut = 0; cut <= n; cut++) {
        kw_framer f;
        kw_framer_init(&f, 0);
        lines l = {0};
        assert_int_equal(kw_framer_feed(&f, stream, cut, collect, &l), 0);
        assert_int_equal(kw_framer_feed(&f, stream + cut, n - cut, collect, &l),
                         0);
        assert_int_equal(l.n, 3);
        assert_true(strncmp(l.got[0], "{\"type\":\"ADDED\"", 15) == 0);
        /* The \r of a CRLF is not part of the event. */
        assert_int_equal(l.got[1][strlen(l.got[1]) - 1], '}');
        assert_true(strncmp(l.got[2], "{\"type\":\"DELETED\"", 17) == 0);
        kw_framer_free(&f);
    }
    kw_framer f;
    kw_framer_init(&f, 0);
    lines l = {0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(kw_framer_feed(&f, stream + i, 1, collect, &l), 0);
    assert_int_equal(l.n, 3);
    kw_framer_free(&f);
}

static void test_incomplete_and_limit(void **state)
{
    kw_framer f;
    kw_framer_init(&f, 16);
    lines l = {0};
    /* No newline yet: nothing delivered. */
    assert_int_equal(kw_framer_feed(&f, "{\"a\":1}", 7, collect, &l), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(kw_framer_feed(&f, "\n", 1, collect, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.got[0], "{\"a\":1}");
    /* A line longer than the limit is an error, split or not. */
    assert_int_equal(kw_framer_feed(&f, "0123456789", 10, collect, &l), 0);
    assert_int_equal(kw_framer_feed(&f, "0123456789", 10, collect, &l), -1);
    kw_framer_free(&f);
}

static int stop_at_first(void *ud, const char *line, size_t len)
{
    (*(int *)ud)++;
    return 7;
}

static void test_callback_stops(void **state)
{
    kw_framer f;
    kw_framer_init(&f, 0);
    int calls = 0;
    assert_int_equal(kw_framer_feed(&f, "a\nb\nc\n", 6, stop_at_first, &calls),
                     7);
    assert_int_equal(calls, 1);
    kw_framer_free(&f);
}

static void test_parse_event(void **state)
{
    kw_event ev;
    rn_error err;
    rn_error_clear(&err);
    const char *add =
        "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Service\"}}";
    assert_int_equal(kw_parse_event(add, strlen(add), &ev, &err), 0);
    assert_int_equal(ev.type, KW_MODIFIED);
    assert_string_equal(json_string_value(json_object_get(ev.object, "kind")),
                        "Service");
    json_decref(ev.object);

    /* The API server reports an expired resourceVersion as an ERROR event
     * carrying a Status with code 410. */
    const char *gone =
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
        "\"v1\",\"status\":\"Failure\",\"message\":\"too old resource "
        "version: 1 (5)\",\"reason\":\"Expired\",\"code\":410}}";
    assert_int_equal(kw_parse_event(gone, strlen(gone), &ev, &err), 0);
    assert_int_equal(ev.type, KW_ERROR);
    assert_int_equal(kw_error_code(ev.object), 410);
    json_decref(ev.object);

    const char *bm = "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{}}}";
    assert_int_equal(kw_parse_event(bm, strlen(bm), &ev, &err), 0);
    assert_int_equal(ev.type, KW_BOOKMARK);
    json_decref(ev.object);

    rn_error_clear(&err);
    assert_int_equal(
        kw_parse_event("{\"type\":\"NOPE\",\"object\":{}}", 27, &ev, &err), -1);
    assert_true(err.set);
    rn_error_clear(&err);
    assert_int_equal(kw_parse_event("{not json", 9, &ev, &err), -1);
    assert_non_null(strstr(err.msg, "not JSON"));
    rn_error_clear(&err);
    assert_int_equal(kw_parse_event("{\"type\":\"ADDED\"}", 16, &ev, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_split),
        cmocka_unit_test(test_incomplete_and_limit),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_parse_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
