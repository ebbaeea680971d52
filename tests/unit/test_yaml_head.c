/*
 * test_yaml_head.c — the manifest head reader without a parser: whenever
 * it answers, the YAML reader (RN_YAML_HELM) reads the document without an
 * error and gives the same head (kind, helm.sh/hook, and Helm's SimpleHead
 * type rules hold); it answers for the block YAML charts render; it stays
 * out of documents the YAML reader refuses. Checked on hand-made cases and
 * on random one-byte edits of the embedded chart's rendered documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chart.h"
#include "yaml.h"
#include "yaml_head.h"

/* Limits given (the defaults): the YAML reader itself, not the fast one
 * it tries first when given none. */
static const rn_yaml_limits FULL = {0};

static bool stringish(const rn_value *v)
{
    return !v || (v->kind != RN_LIST && v->kind != RN_MAP);
}

/* The head as the YAML reader gives it; false when the document fails to
 * read or breaks a SimpleHead rule. */
static bool parsed_head(rn_arena *a, const char *doc, size_t len,
                        const char **kind, const char **hook)
{
    rn_value *v;
    rn_error err;
    rn_error_clear(&err);
    if (rn_yaml_parse(a, doc, len, "t", RN_YAML_HELM, &FULL, &v, &err) < 0 ||
        v->kind != RN_MAP)
        return false;
    rn_value *k = rn_map_getz(v, "kind");
    if (!stringish(rn_map_getz(v, "apiVersion")) || !stringish(k))
        return false;
    *kind = k && k->kind == RN_STRING ? k->u.s.ptr : "";
    *hook = NULL;
    rn_value *md = rn_map_getz(v, "metadata");
    if (!md || md->kind == RN_NULL)
        return true;
    if (md->kind != RN_MAP || !stringish(rn_map_getz(md, "name")))
        return false;
    rn_value *ann = rn_map_getz(md, "annotations");
    if (!ann || ann->kind == RN_NULL)
        return true;
    if (ann->kind != RN_MAP)
        return false;
    for (size_t i = 0; i < ann->u.map.len; i++)
        if (!stringish(ann->u.map.pairs[i].val))
            return false;
    rn_value *h = rn_map_getz(ann, "helm.sh/hook");
    if (h)
        *hook = h->kind == RN_STRING ? h->u.s.ptr : "";
    return true;
}

/* 1 when the fast reader answered (and agreed), 0 when it was not sure. */
static int check_doc(const char *doc, size_t len)
{
    rn_arena *a = rn_arena_new();
    rn_yaml_head h;
    int fast = rn_yaml_head_read(a, doc, len, &h);
    if (fast) {
        const char *kind, *hook;
        if (!parsed_head(a, doc, len, &kind, &hook))
            fail_msg("the head reader accepted a document the YAML reader "
                     "refuses:\n%.*s",
                     (int)len, doc);
        assert_string_equal(h.kind, kind);
        if (!h.hook || !hook)
            assert_ptr_equal(h.hook, hook);
        else
            assert_string_equal(h.hook, hook);
    }
    rn_arena_free(a);
    return fast;
}

static int check(const char *doc)
{
    return check_doc(doc, strlen(doc));
}

/* What charts render: the reader answers. */
static const char *const ANSWERED[] = {
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n",
    "kind: 'Con''fig'\n",
    "kind: \"ConfigMap\" # c\napiVersion: v1\n",
    "# Source: x\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
    "  name: m\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n"
    "    helm.sh/hook-weight: \"-5\"\n    other:\n",
    "metadata:\n  annotations:\n    helm.sh/hook: 'post-install'\n",
    "metadata: {}\nspec:\n  containers:\n  - name: a\n    args:\n"
    "    - --workers=1\n    - -x\n    env:\n      - name: A\n        value: "
    "\"1\"\n  - name: B\n    valueFrom: {}\n  volumes: []\n",
    "data:\n  a.py: |\n    import os\n\n    # not a comment\n  b: >-\n"
    "      folded\n      text\n  c: x\n",
    "spec:\n  ports:\n  - port: 8443\n    targetPort: https\n"
    "  selector:\n    app.kubernetes.io/name: mlflow\n",
    "a:\n- 1\n- b: c\n  d:\n  - e\nf: g#h\n",
    "key: value   \n   \n# c\nother: http://x:80/y\n",
    "a: yes\nb: 0x1F\nc: ~\nd: -.5\ne: 1e3\n",
    "kind: Deployment\nspec:\n  template:\n    metadata:\n      labels:\n"
    "        kind: pod\n",
};

static void test_answers(void **state)
{
    for (size_t i = 0; i < sizeof ANSWERED / sizeof *ANSWERED; i++)
        if (check(ANSWERED[i]) != 1)
            fail_msg("not answered: %s", ANSWERED[i]);
}

/* Documents the YAML reader refuses or reads differently from a naive
 * look: the reader must not answer. */
static const char *const REFUSED[] = {
    "a: b: c\n",
    "a: .inf\n",
    "a: -.Inf\n",
    "null: x\n",
    "a:\n  b: 1\n c: 2\n",
    "a: 'x' y\n",
    "a: \"x\"y\n",
    "a: |\n    x\n  y\n",
    "a: [1, 2]\n",
    "a: {b: 1}\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: \"\\x\"\n",
    "a:\tb\n",
    "a: b\n  c\n",
    "a: 'multi\n  line'\n",
    "kind: 1\n",
    "kind: [a]\n",
    "kind: Job\nkind: Pod\n",
    "metadata: x\n",
    "metadata:\n  name:\n    a: b\n",
    "metadata:\n  annotations: x\n",
    "metadata:\n  annotations:\n    a:\n      b: c\n",
    "metadata:\n  annotations:\n    helm.sh/hook: |\n      pre-install\n",
    "apiVersion:\n  a: b\n",
    "- a\n- b\n",
    "  a: b\n",
    "a: b\n---\nc: d\n",
    "a: b\n...\n",
    "a:\n- - b\n",
    "a: -\n",
    "a: b\nc: d:\n",
    "? a\n: b\n",
    "a: caf\xc3\xa9\n",
    "a: |2\n  x\n",
    "a: |\n  \n x\n",
};

static void test_refusals(void **state)
{
    for (size_t i = 0; i < sizeof REFUSED / sizeof *REFUSED; i++)
        if (check(REFUSED[i]) != 0)
            fail_msg("answered: %s", REFUSED[i]);
}

/* One random one-byte edit of doc (a replacement, an insertion or a
 * deletion of a byte YAML cares about) into buf (len + 1 bytes); returns
 * its length. */
static size_t random_edit(const char *doc, size_t len, uint32_t *seed,
                          char *buf)
{
    static const char edits[] = " :-#'\"|>\n{}[]a!&*\\.";
    *seed = *seed * 1103515245u + 12345u;
    size_t at = (*seed >> 8) % len;
    char ch = edits[(*seed >> 20) % (sizeof edits - 1)];
    int op = (int)((*seed >> 28) % 3); /* replace, insert, delete */
    size_t n = at;
    memcpy(buf, doc, at);
    if (op != 2)
        buf[n++] = ch;
    size_t rest = op == 1 ? at : at + 1;
    memcpy(buf + n, doc + rest, len - rest);
    return n + len - rest;
}

/* The embedded chart's documents, and random one-byte edits of them: an
 * answer always agrees with the YAML reader. */
static void test_edits(void **state)
{
    rn_arena *a = rn_arena_new();
    rn_chart *c;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(rn_chart_load_embedded(a, &c, &err), 0);
    rn_value *user;
    const char *vals = "httpRoute: {enabled: true}\n"
                       "storage: {enabled: true}\n"
                       "consoleLink: {enabled: true, href: https://x/mlflow}\n";
    assert_int_equal(rn_yaml_parse(a, vals, strlen(vals), "v", RN_YAML_HELM,
                                   NULL, &user, &err),
                     0);
    rn_release rel = {.name = "mlflow", .namespace = "ns"};
    rn_rendered r;
    assert_int_equal(rn_chart_render(a, c, &rel, user, &r, &err), 0);
    uint32_t seed = 12345;
    int answered = 0, tried = 0;
    for (size_t i = 0; i < r.len; i++) {
        const char *doc = r.items[i].content;
        size_t len = strlen(doc);
        assert_int_equal(check_doc(doc, len), 1);
        char *buf = malloc(len + 2);
        for (int k = 0; k < 150; k++) {
            size_t n = random_edit(doc, len, &seed, buf);
            answered += check_doc(buf, n);
            tried++;
        }
        free(buf);
    }
    /* Most edits keep the document simple enough to answer. */
    assert_true(answered > tried / 4);
    rn_arena_free(a);
}

/* The fast reader against the YAML reader, in `mode`: when it builds a
 * value, the YAML reader reads the document without an error and gives
 * the same value, types and key order included; and rn_yaml_parse without
 * limits gives that value too. Returns 1 when built. */
static int fast_doc_mode(const char *doc, size_t len, rn_yaml_mode mode)
{
    rn_arena *a = rn_arena_new();
    rn_value *fast = NULL, *want = NULL, *got = NULL;
    int built = rn_yaml_fast_parse(a, doc, len, mode, &fast);
    rn_error err;
    rn_error_clear(&err);
    int want_rc = rn_yaml_parse(a, doc, len, "t", mode, &FULL, &want, &err);
    if (built) {
        if (want_rc < 0)
            fail_msg("built a value the YAML reader refuses (%s):\n%.*s",
                     err.msg, (int)len, doc);
        rn_buf x = RN_BUF_INIT, y = RN_BUF_INIT;
        rn_yaml_emit_doc(&x, fast);
        rn_yaml_emit_doc(&y, want);
        if (!rn_value_equal(fast, want) ||
            strcmp(rn_buf_cstr(&x), rn_buf_cstr(&y)))
            fail_msg("built (mode %d):\n%s\nthe YAML reader:\n%s\nof:\n%.*s",
                     (int)mode, rn_buf_cstr(&x), rn_buf_cstr(&y), (int)len,
                     doc);
        rn_buf_free(&x);
        rn_buf_free(&y);
    }
    /* Without limits: the same answer, or the same refusal. */
    rn_error err2;
    rn_error_clear(&err2);
    int got_rc = rn_yaml_parse(a, doc, len, "t", mode, NULL, &got, &err2);
    assert_int_equal(got_rc, want_rc);
    if (got_rc < 0)
        assert_string_equal(err2.msg, err.msg);
    else if (!rn_value_equal(got, want))
        fail_msg("rn_yaml_parse without limits differs (mode %d):\n%.*s",
                 (int)mode, (int)len, doc);
    rn_arena_free(a);
    return built;
}

static int fast_doc(const char *doc, size_t len)
{
    int helm = fast_doc_mode(doc, len, RN_YAML_HELM);
    return fast_doc_mode(doc, len, RN_YAML_CORE) | helm << 1;
}

static void test_fast(void **state)
{
    static const char *const same[] = {
        "a: 1\nb: true\nc: null\nd: ~\ne: 1.5\nf: '0x1F'\ng: \"x\"\nh:\n",
        "a:\n  - 1\n  - x: y\n    z: []\n  - {}\nb: []\n",
        "s: |\n  line 1\n\n  line 2\nt: |-\n  x\n   y\nu: |+\n  k\n\nv: 2\n",
        "k: v # c\n# full\nl: 'it''s'\nm: 2001-12-14\nnn: -1\no: 0o17\np: "
        "1e3\n",
        "a:\n- x\n- y\nb: c\n",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        if (fast_doc(same[i], strlen(same[i])) != 3)
            fail_msg("not built in both modes: %s", same[i]);
    static const char *const refused[] = {
        "a: 1\na: 2\n",           /* duplicated key */
        "1: x\n",                 /* a key that is no string */
        "a: >\n  folded\n",       /* folded block scalar */
        "a: |\n  x\n    \n  y\n", /* spaces past the indentation */
        "a: |\n  x",              /* no line break at the end */
        "a: \"\\n\"\n",           /* an escape */
        "--- \na: 1\n",           /* a document marker */
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (fast_doc(refused[i], strlen(refused[i])))
            fail_msg("built: %s", refused[i]);
    /* Where the two readers differ: keys that go-yaml v2 reads as
     * booleans become "true"/"false" through JSON (the YAML reader's to
     * say), numbers are float64s, yes/no booleans. */
    static const char *const core_only[] = {"on: x\n", "y: 1\n", "No: a\n",
                                            "n: -1\n"};
    for (size_t i = 0; i < sizeof core_only / sizeof *core_only; i++)
        if (fast_doc(core_only[i], strlen(core_only[i])) != 1)
            fail_msg("not built in RN_YAML_CORE only: %s", core_only[i]);
    rn_arena *a = rn_arena_new();
    rn_value *v;
    const char *doc = "num: 3\nb: yes\nc: off\nt: 2001-12-14\nx: 0x1F\n";
    assert_int_equal(rn_yaml_fast_parse(a, doc, strlen(doc), RN_YAML_HELM, &v),
                     1);
    assert_int_equal(rn_map_getz(v, "num")->kind, RN_FLOAT);
    assert_int_equal(rn_map_getz(v, "b")->kind, RN_BOOL);
    assert_true(rn_map_getz(v, "b")->u.b);
    assert_false(rn_map_getz(v, "c")->u.b);
    assert_int_equal(rn_map_getz(v, "t")->kind, RN_STRING);
    assert_true(rn_map_getz(v, "x")->u.f == 31.0);
    assert_int_equal(rn_yaml_fast_parse(a, doc, strlen(doc), RN_YAML_CORE, &v),
                     1);
    assert_int_equal(rn_map_getz(v, "num")->kind, RN_INT);
    assert_int_equal(rn_map_getz(v, "b")->kind, RN_STRING);
    rn_arena_free(a);
}

/* The chart's documents with several value sets, and random one-byte
 * edits of them: whatever the fast reader builds, the YAML reader gives. */
static void test_fast_edits(void **state)
{
    rn_arena *a = rn_arena_new();
    rn_chart *c;
    rn_error err;
    rn_error_clear(&err);
    assert_int_equal(rn_chart_load_embedded(a, &c, &err), 0);
    static const char *const sets[] = {
        "httpRoute: {enabled: true}\nstorage: {enabled: true}\n"
        "consoleLink: {enabled: true, href: https://x/mlflow}\n",
        "mlflow: {backendStoreUri: 'postgresql://db/m', artifactsDestination: "
        "'s3://b/a'}\nmigration: {enabled: true, backup: {enabled: true, "
        "claimName: c}}\ntraceArchival: {enabled: true, schedule: '@daily', "
        "location: 's3://b/t', retention: 30d}\nmetrics: {enabled: true, "
        "serviceMonitor: {enabled: true}}\n",
    };
    uint32_t seed = 54321;
    int built = 0, docs = 0, edited = 0;
    for (size_t si = 0; si < sizeof sets / sizeof *sets; si++) {
        rn_value *user;
        assert_int_equal(rn_yaml_parse(a, sets[si], strlen(sets[si]), "v",
                                       RN_YAML_HELM, NULL, &user, &err),
                         0);
        rn_release rel = {.name = "mlflow", .namespace = "ns"};
        rn_rendered r;
        assert_int_equal(rn_chart_render(a, c, &rel, user, &r, &err), 0);
        for (size_t i = 0; i < r.len; i++) {
            const char *doc = r.items[i].content;
            size_t len = strlen(doc);
            built += fast_doc(doc, len) & 1;
            docs++;
            char *buf = malloc(len + 2);
            for (int k = 0; k < 150; k++) {
                size_t n = random_edit(doc, len, &seed, buf);
                edited += fast_doc(buf, n) != 0;
            }
            free(buf);
        }
    }
    /* The chart's own documents are nearly all built. */
    assert_true(built * 10 >= docs * 9);
    assert_true(edited > 0);
    rn_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers),    cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_edits),      cmocka_unit_test(test_fast),
        cmocka_unit_test(test_fast_edits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
