/*
 * test_json.c — JSON in and out. Expected Marshal output was printed by
 * Go's encoding/json (Go 1.26) for the same values.
 */
/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int setup(void **state)
{
    *state = rn_arena_new();
    return 0;
}

static int teardown(void **state)
{
    rn_arena_free(*state);
    return 0;
}

static void marshal_is(const rn_value *v, const char *want)
{
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_json_emit_go(&b, v, NULL), 0);
    if (strcmp(rn_buf_cstr(&b), want) != 0)
        fail_msg("Marshal: got [%s] want [%s]", rn_buf_cstr(&b), want);
    rn_buf_free(&b);
}

static void check_is(rn_arena *a, const char *in, const char *want)
{
    const char *got = rn_json_check(a, in, strlen(in));
    if (!want)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

/* Messages as Go 1.26's json.Unmarshal gives them. */
static void test_check(void **state)
{
    rn_arena *a = *state;
    check_is(a, "{\"a\": [1, 2.5e-3, true, null, \"x\\u00e9\"]}", NULL);
    check_is(a, "", "unexpected end of JSON input");
    check_is(a, "  ", "unexpected end of JSON input");
    check_is(a, "{\"a\":", "unexpected end of JSON input");
    check_is(a, "x", "invalid character 'x' looking for beginning of value");
    check_is(a, "{\"a\":1} x", "invalid character 'x' after top-level value");
    check_is(a, "{\"a\" 1}", "invalid character '1' after object key");
    check_is(a, "{'a':1}",
             "invalid character '\\'' looking for beginning "
             "of object key string");
    check_is(a, "tru",
             "invalid character ' ' in literal true (expecting "
             "'e')");
    check_is(a, "-", "invalid character ' ' in numeric literal");
    check_is(a, "1.e5",
             "invalid character 'e' after decimal point in numeric literal");
    check_is(a, "\"a\tb\"", "invalid character '\\t' in string literal");
    check_is(a, "[1,]",
             "invalid character ']' looking for beginning of "
             "value");
}

static void test_strings(void **state)
{
    rn_arena *a = *state;
    marshal_is(rn_strz(a, "<a href=\"x\">&</a>"),
               "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"");
    marshal_is(rn_str(a, "\b\f\n\r\t\x00\x1f\x7f", 8),
               "\"\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\"");
    marshal_is(rn_strz(a, "\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
    marshal_is(rn_strz(a, "\xff\xfeok"), "\"\\ufffd\\ufffdok\"");
    marshal_is(rn_strz(a, "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80"),
               "\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\"");
    marshal_is(rn_strz(a, ""), "\"\"");
}

static void test_numbers(void **state)
{
    rn_arena *a = *state;
    static const struct {
        double f;
        const char *want;
    } cases[] = {
        {1.0, "1"},
        {1.5, "1.5"},
        {1e21, "1e+21"},
        {1e20, "100000000000000000000"},
        {1e-6, "0.000001"},
        {1e-7, "1e-7"},
        {1.5e-9, "1.5e-9"},
        {123456789.0, "123456789"},
        {0.1, "0.1"},
        {1e300, "1e+300"},
        {5e-324, "5e-324"},
        {3.0e-10, "3e-10"},
        {12345678912345678.0, "12345678912345678"},
        {2.5e-100, "2.5e-100"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        marshal_is(rn_float(a, cases[i].f), cases[i].want);
    marshal_is(rn_int64(a, INT64_MIN), "-9223372036854775808");
    marshal_is(rn_int(a, 42), "42");
    rn_buf b = RN_BUF_INIT;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(rn_json_emit_go(&b, rn_float(a, NAN), &err), -1);
    assert_string_equal(err.msg, "json: unsupported value: NaN");
    rn_error_clear(&err);
    assert_int_equal(rn_json_emit_go(&b, rn_float(a, -INFINITY), &err), -1);
    assert_string_equal(err.msg, "json: unsupported value: -Inf");
    rn_error_clear(&err);
    rn_value *l = rn_list_new(a, 1);
    rn_list_push(a, l, rn_float(a, INFINITY));
    assert_int_equal(rn_json_emit_go(&b, l, &err), -1);
    assert_string_equal(err.msg, "json: unsupported value: +Inf");
    assert_int_equal(b.len, 0);
    rn_buf_free(&b);
}

static void test_containers(void **state)
{
    rn_arena *a = *state;
    marshal_is(NULL, "null");
    marshal_is(rn_null(a), "null");
    marshal_is(rn_bool(a, true), "true");
    rn_value *l = rn_list_new(a, 0);
    rn_list_push(a, l, rn_float(a, 1));
    rn_list_push(a, l, rn_strz(a, "a"));
    rn_list_push(a, l, rn_null(a));
    rn_list_push(a, l, rn_map_new(a, 0));
    marshal_is(l, "[1,\"a\",null,{}]");
    marshal_is(rn_list_new(a, 0), "[]");
    rn_value *m = rn_map_new(a, 0);
    rn_map_setz(a, m, "b", rn_float(a, 1));
    rn_map_setz(a, m, "a", rn_list_new(a, 0));
    rn_map_setz(a, m, "", rn_strz(a, "e"));
    rn_map_setz(a, m, "B", rn_null(a));
    rn_map_setz(a, m, "a<", rn_strz(a, "x"));
    rn_map_setz(a, m, "\xc3\xa9", rn_float(a, 1));
    marshal_is(m, "{\"\":\"e\",\"B\":null,\"a\":[],\"a\\u003c\":\"x\",\"b\":1,"
                  "\"\xc3\xa9\":1}");
    /* A function anywhere makes the whole Marshal fail. */
    rn_list_push(a, l, rn_func(a, "f", NULL, NULL));
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, "keep");
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(rn_json_emit_go(&b, l, &err), -1);
    assert_string_equal(rn_buf_cstr(&b), "keep");
    assert_string_equal(err.msg, "json: unsupported type: func(string) string");
    rn_buf_free(&b);
}

/* A nil slice marshals as null; pushing an item makes it a slice again. */
static void test_nil_slice(void **state)
{
    rn_arena *a = *state;
    rn_value *l = rn_list_new(a, 0);
    l->flags |= RN_F_NIL;
    marshal_is(l, "null");
    rn_value *m = rn_map_new(a, 1);
    rn_map_setz(a, m, "k", l);
    marshal_is(m, "{\"k\":null}");
    assert_false(rn_value_equal(l, rn_list_new(a, 0)));
    rn_list_push(a, l, rn_int(a, 1));
    marshal_is(l, "[1]");
}

static void test_parse(void **state)
{
    rn_arena *a = *state;
    rn_error err;
    rn_value *v;
    const char *s = "{\"z\":1,\"a\":[1.5,true,null,\"x\"],\"big\":"
                    "9007199254740993,\"o\":{}}";
    rn_error_clear(&err);
    assert_int_equal(rn_json_parse(a, s, strlen(s), "x.json", false, &v, &err),
                     0);
    assert_string_equal(v->u.map.pairs[0].key, "z"); /* document order */
    rn_value *z = rn_map_getz(v, "z");
    assert_int_equal(z->kind, RN_INT);
    assert_true(rn_map_getz(v, "big")->u.i == 9007199254740993LL);
    rn_value *arr = rn_map_getz(v, "a");
    assert_int_equal(arr->u.list.len, 4);
    assert_true(arr->u.list.items[0]->u.f == 1.5);
    assert_int_equal(arr->u.list.items[2]->kind, RN_NULL);

    /* fromJson: every number a float64. */
    assert_int_equal(rn_json_parse(a, s, strlen(s), "x.json", true, &v, &err),
                     0);
    assert_int_equal(rn_map_getz(v, "z")->kind, RN_FLOAT);
    assert_true(rn_map_getz(v, "big")->u.f == 9007199254740992.0);
    s = "123456789012345678901234567890";
    assert_int_equal(rn_json_parse(a, s, strlen(s), "x", true, &v, &err), 0);
    assert_true(v->u.f == 1.2345678901234568e29);

    /* Scalars at the top and duplicate keys (the last wins, as in Go). */
    assert_int_equal(rn_json_parse(a, "\"s\"", 3, "x", false, &v, &err), 0);
    assert_string_equal(v->u.s.ptr, "s");
    s = "{\"a\":1,\"a\":2}";
    assert_int_equal(rn_json_parse(a, s, strlen(s), "x", false, &v, &err), 0);
    assert_int_equal(rn_map_getz(v, "a")->u.i, 2);

    s = "{\"a\":\n [1,}";
    rn_error_clear(&err);
    assert_int_equal(
        rn_json_parse(a, s, strlen(s), "bad.json", false, &v, &err), -1);
    assert_non_null(strstr(err.msg, "bad.json:2:"));
    rn_error_clear(&err);
    assert_int_equal(rn_json_parse(a, "{} x", 4, "t.json", false, &v, &err),
                     -1);
    assert_non_null(strstr(err.msg, "t.json"));
}

/* Go's encoding/json rules the reader keeps: strict numbers, escapes,
 * surrogate pairs, U+FFFD for invalid UTF-8 and lone surrogates, keys with
 * NUL bytes, nesting bounded. */
static void test_parse_strict(void **state)
{
    rn_arena *a = *state;
    rn_error err;
    rn_value *v;
    static const char *const bad[] = {
        "01",   "1.",        ".5",    "+1",       "1e",      "-",
        "[1,]", "{\"a\" 1}", "{1:2}", "\"a\tb\"", "\"\\x\"", "tru",
        "nul",  "[",         "\"abc", "NaN",      "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rn_error_clear(&err);
        if (rn_json_parse(a, bad[i], strlen(bad[i]), "b", false, &v, &err) !=
            -1)
            fail_msg("accepted invalid JSON: %s", bad[i]);
        assert_true(err.set);
    }
    const char *s = "\"\\u00e9\\ud83d\\ude00\\ud800x\\n\\/\"";
    rn_error_clear(&err);
    assert_int_equal(rn_json_parse(a, s, strlen(s), "s", false, &v, &err), 0);
    assert_string_equal(v->u.s.ptr, "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx\n/");
    const char raw[] = "\"a\xff\"";
    assert_int_equal(
        rn_json_parse(a, raw, sizeof raw - 1, "s", false, &v, &err), 0);
    assert_string_equal(v->u.s.ptr, "a\xef\xbf\xbd");
    const char nulkey[] = "{\"a\\u0000b\":true}";
    assert_int_equal(
        rn_json_parse(a, nulkey, sizeof nulkey - 1, "s", false, &v, &err), 0);
    assert_int_equal(v->u.map.pairs[0].keylen, 3);
    /* An integer past int64 reads as a float64, as Go would decode it. */
    s = "18446744073709551616";
    assert_int_equal(rn_json_parse(a, s, strlen(s), "n", false, &v, &err), 0);
    assert_int_equal(v->kind, RN_FLOAT);
    s = "-0";
    assert_int_equal(rn_json_parse(a, s, strlen(s), "n", false, &v, &err), 0);
    assert_int_equal(v->kind, RN_INT);
    /* Nesting deeper than Go's 10000 levels is refused, not a crash. */
    size_t depth = 20000;
    char *deep = malloc(depth * 2);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    rn_error_clear(&err);
    assert_int_equal(rn_json_parse(a, deep, depth * 2, "d", false, &v, &err),
                     -1);
    assert_non_null(strstr(err.msg, "depth"));
    free(deep);
}

static void test_jansson_bridge(void **state)
{
    rn_arena *a = *state;
    const char *s = "{\"k\":[1,2.5,\"x\",false,null,{\"n\":{}}]}";
    rn_error err;
    rn_value *v;
    assert_int_equal(rn_json_parse(a, s, strlen(s), "x", false, &v, &err), 0);
    json_t *j = rn_json_to_jansson(v);
    assert_non_null(j);
    rn_value *back = rn_json_from_jansson(a, j);
    assert_true(rn_value_equal(v, back));
    char *dump = json_dumps(j, JSON_COMPACT);
    assert_string_equal(dump, "{\"k\":[1,2.5,\"x\",false,null,{\"n\":{}}]}");
    free(dump);
    json_decref(j);
    assert_null(rn_json_to_jansson(rn_func(a, "f", NULL, NULL)));
    assert_null(rn_json_from_jansson(a, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_containers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nil_slice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jansson_bridge, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
