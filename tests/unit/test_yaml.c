/*
 * test_yaml.c — reading YAML as Helm and as Kubernetes tools do, and
 * writing it as Helm's toYaml does. Expected values come from Go: the
 * readers' results from sigs.k8s.io/yaml v1.6.0 (go-yaml v2.4.4) and
 * yaml.v3, the toYaml texts from sigs.k8s.io/yaml.Marshal, which Helm
 * v3.21's toYaml calls (a chart printing `toYaml .Values` with real helm
 * gave the same bytes).
 */
/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "yaml.h"

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

/* Parses and prints the result with Go's %#v, which is how the expected
 * strings were printed by Go. */
static char *parse_gov(rn_arena *a, const char *text, rn_yaml_mode mode,
                       rn_error *err)
{
    rn_value *v;
    rn_error_clear(err);
    if (rn_yaml_parse(a, text, strlen(text), "values.yaml", mode, NULL, &v,
                      err))
        return NULL;
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, "%#v", 3, 1, &v);
    char *s = rn_arena_strdup(a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

static void expect_parse(rn_arena *a, const char *text, rn_yaml_mode mode,
                         const char *want)
{
    rn_error err;
    char *got = parse_gov(a, text, mode, &err);
    if (!got)
        fail_msg("parse of [%s] failed: %s", text, err.msg);
    if (strcmp(got, want) != 0)
        fail_msg("parse of [%s]:\n got %s\nwant %s", text, got, want);
}

static void expect_error(rn_arena *a, const char *text, rn_yaml_mode mode,
                         const char *want_substr)
{
    rn_error err;
    char *got = parse_gov(a, text, mode, &err);
    if (got)
        fail_msg("parse of [%s] should fail, got %s", text, got);
    if (!strstr(err.msg, want_substr))
        fail_msg("error for [%s] is [%s], want it to contain [%s]", text,
                 err.msg, want_substr);
}

static void test_helm_scalars(void **state)
{
    rn_arena *a = *state;
    expect_parse(
        a,
        "a: 08\nb: 1e400\nc: 0o17\nd: 017\ne: 1_000\nf: -0b101\n"
        "g: 0b1_1\nh: 18446744073709551615\ni: 18446744073709551616\n"
        "j: 2001-12-14\nk: 1:20\nl: +.5\nm: ._5\n"
        "n: 9223372036854775807\no: 0x_1F\np: 1.\nq: -.5e3\n"
        "r: 0B11\ns: 0X1f\n",
        RN_YAML_HELM,
        "map[string]interface {}{\"a\":8, \"b\":\"1e400\", \"c\":15, "
        "\"d\":15, \"e\":1000, \"f\":-5, \"false\":9.223372036854776e+18, "
        "\"g\":3, \"h\":1.8446744073709552e+19, "
        "\"i\":1.8446744073709552e+19, \"j\":\"2001-12-14\", "
        "\"k\":\"1:20\", \"l\":0.5, \"m\":\"._5\", \"o\":31, \"p\":1, "
        "\"q\":-500, \"r\":3, \"s\":31}");
    expect_parse(a,
                 "b1: yes\nb2: No\nb3: on\nb4: OFF\nb5: y\nb6: True\nb7: yES\n"
                 "z1: ~\nz2: null\nz3: Null\nz4:\nz5: NULL\nz6: nUll\n",
                 RN_YAML_HELM,
                 "map[string]interface {}{\"b1\":true, \"b2\":false, "
                 "\"b3\":true, \"b4\":false, \"b5\":true, \"b6\":true, "
                 "\"b7\":\"yES\", \"z1\":interface {}(nil), "
                 "\"z2\":interface {}(nil), \"z3\":interface {}(nil), "
                 "\"z4\":interface {}(nil), \"z5\":interface {}(nil), "
                 "\"z6\":\"nUll\"}");
    /* Quoted and block scalars are strings; tags are honoured. */
    expect_parse(a,
                 "q: \"1\"\ns: 'true'\nl: |\n  x\nf: !!float 5\nt: !!str 5\n"
                 "i: !!int \"7\"\nu: !foo bar\nbin: !!binary aGk=\n",
                 RN_YAML_HELM,
                 "map[string]interface {}{\"bin\":\"hi\", \"f\":5, \"i\":7, "
                 "\"l\":\"x\\n\", \"q\":\"1\", \"s\":\"true\", \"t\":\"5\", "
                 "\"u\":\"bar\"}");
}

static void test_helm_keys(void **state)
{
    rn_arena *a = *state;
    /* Non-string keys become strings; float keys print as float32. */
    expect_parse(a, "1.1: a\n3.14159265358979: b\ntrue: c\n0x10: d\ny: e\n",
                 RN_YAML_HELM,
                 "map[string]interface {}{\"1.1\":\"a\", \"16\":\"d\", "
                 "\"3.1415927\":\"b\", \"true\":\"e\"}");
    /* Duplicate keys: the last wins (sigs.k8s.io/yaml is not strict). */
    expect_parse(a, "a: 1\na: 2\n", RN_YAML_HELM,
                 "map[string]interface {}{\"a\":2}");
    /* Merge keys apply in document order, as go-yaml v2 does. */
    expect_parse(a, "x: &x {a: 1, b: 2}\ny:\n  a: 0\n  <<: *x\n  b: 3\n",
                 RN_YAML_HELM,
                 "map[string]interface {}{\"true\":map[string]interface "
                 "{}{\"a\":1, \"b\":3}, \"x\":map[string]interface {}{\"a\":1, "
                 "\"b\":2}}");
    expect_parse(
        a, "p: &p {a: 1}\nq: &q {a: 2, b: 2}\nr:\n  <<: [*p, *q]\n",
        RN_YAML_HELM,
        "map[string]interface {}{\"p\":map[string]interface "
        "{}{\"a\":1}, \"q\":map[string]interface {}{\"a\":2, \"b\":2}, "
        "\"r\":map[string]interface {}{\"a\":1, \"b\":2}}");
    /* Only the first document is read, like yaml.Unmarshal. */
    expect_parse(a, "a: 1\n---\nb: [\n", RN_YAML_HELM,
                 "map[string]interface {}{\"a\":1}");
}

static void test_helm_errors(void **state)
{
    rn_arena *a = *state;
    expect_error(a, "~: 1\n", RN_YAML_HELM,
                 "values.yaml:1:1: unsupported map key of type: <nil>");
    expect_error(a, "a: .inf\n", RN_YAML_HELM,
                 "values.yaml:1:4: json: unsupported value: +Inf");
    expect_error(a, "a: !!int 5.5\n", RN_YAML_HELM,
                 "cannot decode !!float `5.5` as a !!int");
    expect_error(a, "a: [1, *b]\n", RN_YAML_HELM,
                 "values.yaml:1:9: unknown anchor 'b' referenced");
    expect_error(a, "a: &a [*a]\n", RN_YAML_HELM,
                 "values.yaml:1:9: anchor 'a' value contains itself");
    expect_error(a, "a: \"\x01\"\n", RN_YAML_HELM,
                 "values.yaml:1:5: control characters are not allowed");
    expect_error(a, "a: b\xff\n", RN_YAML_HELM,
                 "values.yaml:1:5: invalid UTF-8");
    expect_error(a, "a: b: c\n", RN_YAML_HELM, "values.yaml:1:");
    expect_error(a, "a: [1, 2\n", RN_YAML_HELM, "values.yaml:");
    expect_error(a, "a: \"open\n", RN_YAML_HELM, "values.yaml:1:");
    expect_error(a, "<<: 1\n", RN_YAML_HELM,
                 "map merge requires map or sequence of maps");
    expect_error(a, "? [a]\n: 1\n", RN_YAML_HELM, "invalid map key");
    expect_error(a, "a: !!binary '%%%'\n", RN_YAML_HELM,
                 "!!binary value contains invalid base64 data");
    /* Block scalar lines at their key's or "-"'s column end the scalar
     * (go-yaml then fails on what follows); libfyaml would take them in. */
    expect_error(a, "k:\n  t: |\n  \" x:\n      e: 1\n", RN_YAML_HELM,
                 "values.yaml:3:1: a block scalar's line is not indented");
    expect_error(a, "k:\n  - |\n  >  x\n    y\n", RN_YAML_CORE,
                 "values.yaml:3:1: a block scalar's line is not indented");
    /* ... and these are fine: an empty scalar, lines deeper than "-". */
    expect_parse(a, "a: |\nb: 1\n", RN_YAML_HELM,
                 "map[string]interface {}{\"a\":\"\", \"b\":1}");
    expect_parse(
        a, "k:\n- |\n  x\n\n  y\n- z\n", RN_YAML_CORE,
        "map[string]interface {}{\"k\":[]interface {}{\"x\\n\\ny\\n\", "
        "\"z\"}}");
}

static void test_core(void **state)
{
    rn_arena *a = *state;
    expect_parse(
        a, "a: yes\nb: 1\nc: 1.5\nd: on\ne: true\nf: 0o17\ng: ~\n",
        RN_YAML_CORE,
        "map[string]interface {}{\"a\":\"yes\", \"b\":1, \"c\":1.5, "
        "\"d\":\"on\", \"e\":true, \"f\":15, \"g\":interface {}(nil)}");
    rn_error err;
    rn_value *v;
    const char *doc = "a: 9007199254740993\n";
    assert_int_equal(
        rn_yaml_parse(a, doc, strlen(doc), "x", RN_YAML_CORE, NULL, &v, &err),
        0);
    rn_value *n = rn_map_getz(v, "a");
    assert_int_equal(n->kind, RN_INT);
    assert_true(n->flags & RN_F_INT64);
    assert_true(n->u.i == 9007199254740993LL);
    /* Keys keep document order. */
    doc = "z: 1\na: 2\nm: 3\n";
    assert_int_equal(
        rn_yaml_parse(a, doc, strlen(doc), "x", RN_YAML_CORE, NULL, &v, &err),
        0);
    assert_string_equal(v->u.map.pairs[0].key, "z");
    assert_string_equal(v->u.map.pairs[2].key, "m");
    expect_error(
        a, "a: 1\nb: 2\na: 3\n", RN_YAML_CORE,
        "values.yaml:3:1: mapping key \"a\" already defined at line 1");
    /* Explicit keys win over merged ones in yaml.v3. */
    expect_parse(
        a, "x: &x {a: 1, b: 2}\ny:\n  a: 0\n  <<: *x\n", RN_YAML_CORE,
        "map[string]interface {}{\"x\":map[string]interface {}{\"a\":1, "
        "\"b\":2}, \"y\":map[string]interface {}{\"a\":0, \"b\":2}}");
    expect_error(a, "a: 1\n---\nb: 2\n", RN_YAML_CORE,
                 "expected one YAML document, found 2");
}

static void test_documents(void **state)
{
    rn_arena *a = *state;
    rn_error err;
    rn_value *v;
    assert_int_equal(rn_yaml_parse(a, "", 0, "x", RN_YAML_HELM, NULL, &v, &err),
                     0);
    assert_int_equal(v->kind, RN_NULL);
    assert_int_equal(rn_yaml_parse(a, "# only a comment\n", 17, "x",
                                   RN_YAML_HELM, NULL, &v, &err),
                     0);
    assert_int_equal(v->kind, RN_NULL);
    const char *s = "a: 1\n---\n---\n- x\n...\n---\nplain\n";
    assert_int_equal(rn_yaml_parse_stream(a, s, strlen(s), "x", RN_YAML_CORE,
                                          NULL, &v, &err),
                     0);
    assert_int_equal(v->u.list.len, 4);
    assert_int_equal(v->u.list.items[0]->kind, RN_MAP);
    assert_int_equal(v->u.list.items[1]->kind, RN_NULL);
    assert_int_equal(v->u.list.items[2]->kind, RN_LIST);
    assert_string_equal(v->u.list.items[3]->u.s.ptr, "plain");
    /* Anchors are copied, so changing one use leaves the other alone. */
    s = "a: &x {k: 1}\nb: *x\n";
    assert_int_equal(
        rn_yaml_parse(a, s, strlen(s), "x", RN_YAML_HELM, NULL, &v, &err), 0);
    assert_ptr_not_equal(rn_map_getz(v, "a"), rn_map_getz(v, "b"));
    assert_true(rn_value_equal(rn_map_getz(v, "a"), rn_map_getz(v, "b")));
}

static void test_limits(void **state)
{
    rn_arena *a = *state;
    rn_error err;
    rn_value *v;
    /* A billion laughs: nine levels of nine-fold aliases. */
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
        rn_buf_printf(&b, "l%d: &l%d [", i, i);
        for (int k = 0; k < 9; k++)
            rn_buf_printf(&b, "%s*l%d", k ? ", " : "", i - 1);
        rn_buf_puts(&b, "]\n");
    }
    rn_error_clear(&err);
    assert_int_equal(rn_yaml_parse(a, b.data, b.len, "bomb.yaml", RN_YAML_HELM,
                                   NULL, &v, &err),
                     -1);
    assert_non_null(strstr(err.msg, "bomb.yaml:"));
    assert_non_null(strstr(err.msg, "nodes, which looks like an alias bomb"));
    rn_buf_free(&b);

    rn_yaml_limits small = {.max_nodes = 10};
    const char *s = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]";
    rn_error_clear(&err);
    assert_int_equal(
        rn_yaml_parse(a, s, strlen(s), "x", RN_YAML_HELM, &small, &v, &err),
        -1);
    assert_non_null(strstr(err.msg, "more than 10 nodes"));

    rn_yaml_limits shallow = {.max_depth = 3};
    s = "a: {b: {c: 1}}";
    rn_error_clear(&err);
    assert_int_equal(
        rn_yaml_parse(a, s, strlen(s), "x", RN_YAML_HELM, &shallow, &v, &err),
        0);
    s = "a: {b: {c: {d: 1}}}";
    assert_int_equal(
        rn_yaml_parse(a, s, strlen(s), "x", RN_YAML_HELM, &shallow, &v, &err),
        -1);
    assert_non_null(strstr(err.msg, "nesting deeper than 3 levels"));

    /* The default depth limit stops deeply nested input. */
    rn_buf deep = RN_BUF_INIT;
    for (int i = 0; i < 5000; i++)
        rn_buf_putc(&deep, '[');
    rn_error_clear(&err);
    assert_int_equal(rn_yaml_parse(a, deep.data, deep.len, "x", RN_YAML_HELM,
                                   NULL, &v, &err),
                     -1);
    rn_buf_free(&deep);

    rn_yaml_limits tiny = {.max_bytes = 8};
    rn_error_clear(&err);
    s = "a: 123456789";
    assert_int_equal(
        rn_yaml_parse(a, s, strlen(s), "x", RN_YAML_HELM, &tiny, &v, &err), -1);
    assert_non_null(strstr(err.msg, "more than the 8 allowed"));
}

typedef struct emit_case {
    const char *in;
    const char *want;
} emit_case;

/* toYaml of a lone string. */
static const emit_case string_cases[] = {
    {"", "\"\""},
    {" ", "' '"},
    {"a ", "'a '"},
    {" a", "' a'"},
    {"true", "\"true\""},
    {"yes", "\"yes\""},
    {"Y", "\"Y\""},
    {"on", "\"on\""},
    {"OFF", "\"OFF\""},
    {"null", "\"null\""},
    {"~", "\"~\""},
    {"1", "\"1\""},
    {"1.0", "\"1.0\""},
    {"0x1F", "\"0x1F\""},
    {"1e3", "\"1e3\""},
    {"1_000", "\"1_000\""},
    {".5", "\".5\""},
    {".inf", "\".inf\""},
    {"1:20", "\"1:20\""},
    {"2001-12-14", "\"2001-12-14\""},
    {"2001-12-14T21:59:43Z", "\"2001-12-14T21:59:43Z\""},
    {"2001-02-30", "2001-02-30"},
    {"- a", "'- a'"},
    {"-a", "-a"},
    {"---", "'---'"},
    {"a: b", "'a: b'"},
    {"a:b", "a:b"},
    {"a #b", "'a #b'"},
    {"a#b", "a#b"},
    {"#a", "'#a'"},
    {"[a]", "'[a]'"},
    {"{a}", "'{a}'"},
    {"a,b", "a,b"},
    {"&a", "'&a'"},
    {"*a", "'*a'"},
    {"!a", "'!a'"},
    {"|a", "'|a'"},
    {">a", "'>a'"},
    {"'a", "'''a'"},
    {"%a", "'%a'"},
    {"@a", "'@a'"},
    {"`a", "'`a'"},
    {"a'b", "a'b"},
    {"a\"b", "a\"b"},
    {"a\\b", "a\\b"},
    {"a\tb", "\"a\\tb\""},
    {"a\nb", "|-\n  a\n  b"},
    {"a\n", "|\n  a"},
    {"a\n\n", "|+\n  a\n"},
    {"\na", "|2-\n\n  a"},
    {" a\nb", "|2-\n   a\n  b"},
    {"a \nb", "\"a \\nb\""},
    {"\303\251", "\303\251"},
    {"\360\237\230\200", "\"\\U0001F600\""},
    {"\302\240", "\302\240"},
    {"x\302\205y", "x y"},
    {"\357\273\277ab", "\"\\uFEFF\\x61\\x62\""},
    {"<<", "<<"},
    {"08", "\"08\""},
    {"1e400", "1e400"},
    {"NULL", "\"NULL\""},
    {"nUll", "nUll"},
    {"a\015\nb", "\"a\\r\\nb\""},
    {"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor "
     "sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
     "'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor "
     "sit amet\n  lorem ipsum dolor sit amet lorem ipsum dolor sit amet '"},
    {"- lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
     "'- lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet\n  lorem ipsum dolor sit amet lorem ipsum dolor sit amet "
     "'"},
    {"a: lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
     "'a: lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet\n  lorem ipsum dolor sit amet lorem ipsum dolor sit amet "
     "'"},
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx",
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor "
     "sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet \nlorem "
     "ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit "
     "amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ",
     "\"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet\n  lorem ipsum dolor sit amet lorem ipsum dolor sit amet "
     "\\nlorem ipsum dolor sit amet\n  lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet lorem ipsum dolor sit amet\n  lorem ipsum dolor sit amet "
     "\""},
    {"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor "
     "sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet \t",
     "\"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum "
     "dolor sit amet\n  lorem ipsum dolor sit amet lorem ipsum dolor sit amet "
     "\\t\""},
};

/* toYaml of {s: [s]}: the key and a list item. */
static const emit_case keyed_cases[] = {
    {"", "\"\":\n- \"\""},
    {" ", "' ':\n- ' '"},
    {"a ", "'a ':\n- 'a '"},
    {" a", "' a':\n- ' a'"},
    {"true", "\"true\":\n- \"true\""},
    {"yes", "\"yes\":\n- \"yes\""},
    {"Y", "\"Y\":\n- \"Y\""},
    {"on", "\"on\":\n- \"on\""},
    {"OFF", "\"OFF\":\n- \"OFF\""},
    {"null", "\"null\":\n- \"null\""},
    {"~", "\"~\":\n- \"~\""},
    {"1", "\"1\":\n- \"1\""},
    {"1.0", "\"1.0\":\n- \"1.0\""},
    {"0x1F", "\"0x1F\":\n- \"0x1F\""},
    {"1e3", "\"1e3\":\n- \"1e3\""},
    {"1_000", "\"1_000\":\n- \"1_000\""},
    {".5", "\".5\":\n- \".5\""},
    {".inf", "\".inf\":\n- \".inf\""},
    {"1:20", "\"1:20\":\n- \"1:20\""},
    {"2001-12-14", "\"2001-12-14\":\n- \"2001-12-14\""},
};

typedef struct num_case {
    double f;
    const char *want;
} num_case;

static const num_case number_cases[] = {
    {1, "1"},
    {1.5, "1.5"},
    {1e+21, "1e+21"},
    {1e+20, "1e+20"},
    {1e+19, "10000000000000000000"},
    {9.2233720368547758e+18, "9223372036854776000"},
    {-9.2233720368547758e+18, "-9.223372036854776e+18"},
    {1.2345678901234568e+17, "123456789012345680"},
    {9.9999999999999995e-07, "1e-06"},
    {9.9999999999999995e-08, "1e-07"},
    {3, "3"},
    {1.0000000000000001e+300, "1e+300"},
    {0.10000000000000001, "0.1"},
    {100000, "100000"},
    {1000000, "1000000"},
    {1.8446744073709552e+19, "1.8446744073709552e+19"},
    {2.5000000000000001e-05, "2.5e-05"},
};

static void test_emit_strings(void **state)
{
    rn_arena *a = *state;
    for (size_t i = 0; i < sizeof string_cases / sizeof *string_cases; i++) {
        rn_buf b = RN_BUF_INIT;
        rn_value *v = rn_strz(a, string_cases[i].in);
        assert_int_equal(rn_yaml_emit_helm(&b, v), 0);
        if (strcmp(rn_buf_cstr(&b), string_cases[i].want) != 0)
            fail_msg("toYaml [%s]:\n got [%s]\nwant [%s]", string_cases[i].in,
                     rn_buf_cstr(&b), string_cases[i].want);
        rn_buf_free(&b);
    }
    for (size_t i = 0; i < sizeof keyed_cases / sizeof *keyed_cases; i++) {
        rn_buf b = RN_BUF_INIT;
        rn_value *m = rn_map_new(a, 1), *l = rn_list_new(a, 1);
        rn_list_push(a, l, rn_strz(a, keyed_cases[i].in));
        rn_map_setz(a, m, keyed_cases[i].in, l);
        assert_int_equal(rn_yaml_emit_helm(&b, m), 0);
        if (strcmp(rn_buf_cstr(&b), keyed_cases[i].want) != 0)
            fail_msg("toYaml {[%s]: ...}:\n got [%s]\nwant [%s]",
                     keyed_cases[i].in, rn_buf_cstr(&b), keyed_cases[i].want);
        rn_buf_free(&b);
    }
}

static void test_emit_numbers(void **state)
{
    rn_arena *a = *state;
    for (size_t i = 0; i < sizeof number_cases / sizeof *number_cases; i++) {
        rn_buf b = RN_BUF_INIT;
        assert_int_equal(rn_yaml_emit_helm(&b, rn_float(a, number_cases[i].f)),
                         0);
        if (strcmp(rn_buf_cstr(&b), number_cases[i].want) != 0)
            fail_msg("toYaml %.17g: got [%s] want [%s]", number_cases[i].f,
                     rn_buf_cstr(&b), number_cases[i].want);
        rn_buf_free(&b);
    }
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_helm(&b, rn_int(a, -42)), 0);
    assert_string_equal(rn_buf_cstr(&b), "-42");
    rn_buf_reset(&b);
    /* json.Marshal refuses NaN/Inf and functions: toYaml prints "". */
    assert_int_equal(rn_yaml_emit_helm(&b, rn_float(a, NAN)), -1);
    assert_int_equal(rn_yaml_emit_helm(&b, rn_func(a, "f", NULL, NULL)), -1);
    assert_int_equal(rn_yaml_emit_helm(&b, rn_strz(a, "del\x7f")), -1);
    assert_int_equal(b.len, 0);
    rn_yaml_emit_helm(&b, NULL);
    assert_string_equal(rn_buf_cstr(&b), "null");
    rn_buf_free(&b);
}

static rn_value *list_of(rn_arena *a, int n, ...)
{
    rn_value *l = rn_list_new(a, 0);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        rn_list_push(a, l, va_arg(ap, rn_value *));
    va_end(ap);
    return l;
}

static void test_emit_nested(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    rn_value *ab = rn_map_new(a, 0);
    rn_map_setz(a, ab, "a", rn_float(a, 1));
    rn_map_setz(a, ab, "b", list_of(a, 2, rn_float(a, 1), rn_float(a, 2)));
    rn_map_setz(a, m, "list",
                list_of(a, 7, list_of(a, 2, rn_strz(a, "a"), rn_strz(a, "b")),
                        list_of(a, 1, list_of(a, 1, rn_strz(a, "c"))),
                        rn_list_new(a, 0), rn_map_new(a, 0), ab, rn_null(a),
                        rn_bool(a, true)));
    rn_value *x = rn_map_new(a, 0), *y = rn_map_new(a, 0),
             *z = rn_map_new(a, 0);
    rn_map_setz(a, z, "z", rn_strz(a, "deep"));
    rn_map_setz(a, y, "y", z);
    rn_map_setz(a, x, "x", y);
    rn_map_setz(a, x, "e", rn_map_new(a, 0));
    rn_map_setz(a, m, "map", x);
    rn_value *lit = rn_map_new(a, 0);
    rn_map_setz(a, lit, "s", rn_strz(a, "line1\nline2\n"));
    rn_map_setz(a, m, "lit", lit);
    rn_map_setz(a, m, "a10", rn_float(a, 1));
    rn_map_setz(a, m, "a2", rn_float(a, 2));
    rn_map_setz(a, m, "a1", rn_float(a, 3));
    rn_map_setz(a, m, "B", rn_float(a, 4));
    rn_map_setz(a, m, "_", rn_float(a, 5));
    char longkey[131];
    memset(longkey, 'k', 130);
    longkey[130] = '\0';
    rn_map_setz(a, m, longkey, rn_strz(a, "long key"));
    rn_map_setz(a, m, "multi\nkey", rn_strz(a, "v"));
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_helm(&b, m), 0);
    assert_string_equal(
        rn_buf_cstr(&b),
        "_: 5\nB: 4\na1: 3\na2: 2\na10: 1\n? "
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n: long "
        "key\nlist:\n- - a\n  - b\n- - - c\n- []\n- {}\n- a: 1\n  b:\n  - 1\n  "
        "- 2\n- null\n- true\nlit:\n  s: |\n    line1\n    line2\nmap:\n  e: "
        "{}\n  x:\n    \"y\":\n      z: deep\n? |-\n  multi\n  key\n: v");
    rn_buf_free(&b);
}

static void test_emit_roundtrip(void **state)
{
    rn_arena *a = *state;
    /* Helm values read back from toYaml are the same values. */
    const char *src =
        "name: demo\nport: 8443\nratio: 0.25\nflags: [yes, no, \"on\"]\n"
        "text: |\n  two\n  lines\nempty: {}\nnone: ~\n";
    rn_error err;
    rn_value *v, *w;
    assert_int_equal(
        rn_yaml_parse(a, src, strlen(src), "x", RN_YAML_HELM, NULL, &v, &err),
        0);
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_helm(&b, v), 0);
    assert_string_equal(rn_buf_cstr(&b),
                        "empty: {}\nflags:\n- true\n- false\n- \"on\"\n"
                        "name: demo\nnone: null\nport: 8443\nratio: 0.25\n"
                        "text: |\n  two\n  lines");
    assert_int_equal(
        rn_yaml_parse(a, b.data, b.len, "y", RN_YAML_HELM, NULL, &w, &err), 0);
    assert_true(rn_value_equal(v, w));
    rn_buf_free(&b);
}

static void test_emit_doc(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    rn_map_setz(a, m, "kind", rn_strz(a, "Deployment"));
    rn_map_setz(a, m, "apiVersion", rn_strz(a, "apps/v1"));
    rn_value *c = rn_map_new(a, 0);
    rn_map_setz(a, c, "name", rn_strz(a, "x"));
    rn_map_setz(a, c, "args",
                list_of(a, 2, rn_strz(a, "--a=1"), rn_strz(a, "yes")));
    rn_map_setz(a, m, "containers", list_of(a, 1, c));
    rn_map_setz(a, m, "replicas", rn_int64(a, 2));
    rn_map_setz(a, m, "quoted",
                list_of(a, 6, rn_strz(a, "true"), rn_strz(a, "1"),
                        rn_strz(a, ""), rn_strz(a, "null"), rn_strz(a, "0o17"),
                        rn_strz(a, "on")));
    rn_map_setz(a, m, "script", rn_strz(a, "echo a\necho b\n"));
    rn_map_setz(a, m, "long",
                rn_strz(a, "word word word word word word word "
                           "word word word word word word word "
                           "word word word word word word"));
    rn_map_setz(a, m, "ratio", rn_float(a, 0.5));
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_doc(&b, m), 0);
    assert_string_equal(
        rn_buf_cstr(&b),
        "kind: Deployment\n"
        "apiVersion: apps/v1\n"
        "containers:\n"
        "- name: x\n"
        "  args:\n"
        "  - --a=1\n"
        "  - \"yes\"\n"
        "replicas: 2\n"
        "quoted:\n"
        "- \"true\"\n"
        "- \"1\"\n"
        "- \"\"\n"
        "- \"null\"\n"
        "- \"0o17\"\n"
        "- \"on\"\n"
        "script: |\n"
        "  echo a\n"
        "  echo b\n"
        "long: word word word word word word word word word word word word "
        "word word word word word word word word\n"
        "ratio: 0.5\n");
    /* It reads back, in both modes, as the same document. */
    rn_error err;
    rn_value *back;
    assert_int_equal(
        rn_yaml_parse(a, b.data, b.len, "x", RN_YAML_CORE, NULL, &back, &err),
        0);
    assert_true(rn_value_equal(m, back));
    rn_buf_free(&b);
    b = (rn_buf)RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_doc(&b, rn_strz(a, "top")), 0);
    assert_string_equal(rn_buf_cstr(&b), "top\n");
    rn_buf_free(&b);
}

/* Reads `in` with keep_source and prints it as a manifest. */
static const char *keep_roundtrip(rn_arena *a, const char *in, rn_value **v)
{
    rn_yaml_limits lim = {.keep_source = true};
    rn_error err;
    rn_error_clear(&err);
    if (rn_yaml_parse(a, in, strlen(in), "x", RN_YAML_CORE, &lim, v, &err))
        fail_msg("parse of [%s] failed: %s", in, err.msg);
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_doc(&b, *v), 0);
    const char *s = rn_arena_strdup(a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

/* Objects that pass through print as they were written. */
static void test_keep_source(void **state)
{
    rn_arena *a = *state;
    static const char in[] = "a: 1.0\n"
                             "b: 1e3\n"
                             "c: 0x1F\n"
                             "d: 1.10\n"
                             "e: 12345678901234567890\n"
                             "f: -9223372036854775809\n"
                             "g: !custom foo\n"
                             "h: !!binary aGVsbG8=\n"
                             "i: \"0755\"\n"
                             "j: 'yes'\n"
                             "k: \"on\"\n"
                             "l: 'null'\n"
                             "m: \"~\"\n"
                             "n:\n"
                             "o: ~\n"
                             "p: True\n"
                             "q: !!str 12\n"
                             "r: \"a\\tb\\u00e9\"\n"
                             "s: 'it''s'\n"
                             "t: yes\n"
                             "u: 2024-01-02\n"
                             "v: 7\n"
                             "w: -0\n"
                             "x: !!null\n"
                             "1.0: float key\n"
                             "'y': single key\n"
                             "\"z\": double key\n"
                             "on: plain key\n";
    rn_value *v;
    assert_string_equal(keep_roundtrip(a, in, &v), in);
    /* The values keep their meaning. */
    const rn_value *x = rn_map_getz(v, "a");
    assert_int_equal(x->kind, RN_FLOAT);
    assert_true(x->u.f == 1.0);
    x = rn_map_getz(v, "c");
    assert_int_equal(x->kind, RN_INT);
    assert_int_equal(x->u.i, 31);
    assert_int_equal(rn_map_getz(v, "o")->kind, RN_NULL);
    assert_int_equal(rn_map_getz(v, "p")->kind, RN_BOOL);
    assert_string_equal(rn_map_getz(v, "g")->u.s.ptr, "foo");
    assert_string_equal(rn_map_getz(v, "j")->u.s.ptr, "yes");
    /* !!binary stays base64 text: the object is not ours to decode. */
    assert_string_equal(rn_map_getz(v, "h")->u.s.ptr, "aGVsbG8=");
    assert_non_null(rn_map_getz(v, "1.0"));
    /* Plain strings and canonical numbers keep no text. */
    assert_null(rn_map_getz(v, "t")->u.src);
    assert_null(rn_map_getz(v, "v")->u.src);
    assert_null(rn_map_getz(v, "s")->u.src);

    /* Without keep_source the writer chooses, as before. */
    rn_error err;
    const char *plain = "a: 1.0\nb: !t 0x1F\nn:\n";
    assert_int_equal(rn_yaml_parse(a, plain, strlen(plain), "x", RN_YAML_CORE,
                                   NULL, &v, &err),
                     0);
    rn_buf b = RN_BUF_INIT;
    assert_int_equal(rn_yaml_emit_doc(&b, v), 0);
    assert_string_equal(rn_buf_cstr(&b), "a: 1\nb: \"0x1F\"\n\"n\": null\n");
    rn_buf_free(&b);
}

/* Multi-line scalars, flow collections and JSON, aliases, and the
 * Helm-compatible writer, which ignores what was kept. */
static void test_keep_source_forms(void **state)
{
    rn_arena *a = *state;
    rn_value *v;
    assert_string_equal(keep_roundtrip(a,
                                       "bin: !!binary |\n"
                                       "  aGVsbG8gd29y\n"
                                       "  bGQ=\n"
                                       "tagged: !t |-\n"
                                       "  two\n"
                                       "  lines\n"
                                       "folded: >\n"
                                       "  one\n"
                                       "  line\n",
                                       &v),
                        "bin: !!binary |\n"
                        "  aGVsbG8gd29y\n"
                        "  bGQ=\n"
                        "tagged: !t |-\n"
                        "  two\n"
                        "  lines\n"
                        "folded: |\n"
                        "  one line\n");
    /* JSON: numbers keep their text; quotes, which every JSON string
     * has, are left to the writer. */
    assert_string_equal(
        keep_roundtrip(a,
                       "{\"a\": 1.0, \"b\": \"x\", \"c\": \"0755\", "
                       "\"d\": [1e3, \"\\u00e9\", true], \"1.5\": 2}",
                       &v),
        "a: 1.0\nb: x\nc: \"0755\"\nd:\n- 1e3\n- \xC3\xA9\n- true\n"
        "\"1.5\": 2\n");
    /* YAML flow collections keep plain and single-quoted styles. */
    assert_string_equal(keep_roundtrip(a, "l: [0o17, 'q', x]\n", &v),
                        "l:\n- 0o17\n- 'q'\n- x\n");
    /* Aliases copy what was kept, under their own keys' styles. */
    assert_string_equal(keep_roundtrip(a, "a: &x 1.50\n'b': *x\n", &v),
                        "a: 1.50\n'b': 1.50\n");
    /* toYaml is Helm's, whatever the reader kept. */
    rn_buf b = RN_BUF_INIT;
    keep_roundtrip(a, "a: 1.0\nb: 'x'\nc: !t y\n", &v);
    assert_int_equal(rn_yaml_emit_helm(&b, v), 0);
    assert_string_equal(rn_buf_cstr(&b), "a: 1\nb: x\nc: \"y\"");
    rn_buf_free(&b);
}

/* Aliases are bounded by the bytes they copy, not only by nodes: many
 * aliases of one large scalar fail at once. */
static void test_alias_bytes(void **state)
{
    rn_arena *a = *state;
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, "big: &big ");
    for (int i = 0; i < 64 * 1024; i++)
        rn_buf_putc(&b, 'x');
    rn_buf_puts(&b, "\nrefs:\n");
    size_t head = b.len;
    for (int i = 0; i < 20; i++)
        rn_buf_puts(&b, "- *big\n");
    rn_yaml_limits lim = {.max_bytes = 1 << 20};
    rn_error err;
    rn_value *v;
    rn_error_clear(&err);
    assert_int_equal(rn_yaml_parse(a, b.data, b.len, "big.yaml", RN_YAML_CORE,
                                   &lim, &v, &err),
                     -1);
    assert_non_null(strstr(err.msg, "big.yaml:"));
    assert_non_null(strstr(err.msg, "alias *big makes the aliases copy more "
                                    "than 1 MiB (64 KiB each)"));
    /* Within the budget (15 copies) the same document reads. */
    rn_error_clear(&err);
    assert_int_equal(rn_yaml_parse(a, b.data, head + 15 * 7, "big.yaml",
                                   RN_YAML_CORE, &lim, &v, &err),
                     0);
    assert_int_equal(rn_map_getz(v, "refs")->u.list.len, 15);
    /* An explicit budget wins over the input limit. */
    lim.max_alias_bytes = 64 * 1024;
    assert_int_equal(rn_yaml_parse(a, b.data, head + 2 * 7, "big.yaml",
                                   RN_YAML_HELM, &lim, &v, &err),
                     -1);
    rn_buf_free(&b);

    /* A stream is not one document; the message says what to do. */
    rn_error_clear(&err);
    assert_int_equal(rn_yaml_parse(a, "a: 1\n---\nb: 2\n", 14, "two.yaml",
                                   RN_YAML_CORE, NULL, &v, &err),
                     -1);
    assert_string_equal(err.msg,
                        "two.yaml: expected one YAML document, found 2; "
                        "remove the extra documents (each `---` line starts "
                        "one)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_helm_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helm_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helm_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_core, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emit_doc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_source_forms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_alias_bytes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
