/*
 * test_openapi.c — structural-schema checks: every keyword of the subset,
 * the messages and field paths, unknown fields, null, and the MLflow CRD's
 * embedded schema (compiled once, shared by threads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlflow.h"
#include "openapi.h"
#include "yaml.h"

typedef struct run {
    rn_arena *a;
    rn_openapi *schema;
    rn_error err;
    int rc;
} run;

static int setup(void **state)
{
    run *r = calloc(1, sizeof *r);
    r->a = rn_arena_new();
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    run *r = *state;
    rn_arena_free(r->a);
    free(r);
    return 0;
}

static rn_value *yaml(run *r, const char *text)
{
    rn_value *v;
    rn_error perr;
    rn_error_clear(&perr);
    if (rn_yaml_parse(r->a, text, strlen(text), "test.yaml", RN_YAML_CORE, NULL,
                      &v, &perr) != 0)
        fail_msg("test input does not parse: %s", perr.msg);
    return v;
}

/* Compile a schema written as YAML; it must compile. */
static void schema(run *r, const char *text)
{
    rn_error_clear(&r->err);
    if (rn_openapi_compile(r->a, yaml(r, text), &r->schema, &r->err) != 0)
        fail_msg("schema does not compile: %s", r->err.msg);
}

static int check(run *r, const char *value)
{
    rn_error_clear(&r->err);
    r->rc =
        rn_openapi_validate(r->a, r->schema, yaml(r, value), "spec", &r->err);
    return r->rc;
}

static void valid(run *r, const char *value)
{
    if (check(r, value) != 0)
        fail_msg("%s: unexpected error: %s", value, r->err.msg);
}

/* Refused at `field`, the whole message being "<field>: <msg>". */
static void refused(run *r, const char *value, const char *field,
                    const char *msg)
{
    if (check(r, value) == 0)
        fail_msg("%s: accepted, want an error at %s", value, field);
    assert_string_equal(r->err.field, field);
    char want[RN_ERROR_MAX];
    snprintf(want, sizeof want, "%s: %s", field, msg);
    assert_string_equal(r->err.msg, want);
}

/* ---- type -------------------------------------------------------------- */

static void test_types(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  o: {type: object}\n"
              "  a: {type: array}\n"
              "  s: {type: string}\n"
              "  i: {type: integer}\n"
              "  n: {type: number}\n"
              "  b: {type: boolean}\n");
    valid(r, "{o: {x: 1}, a: [1, x], s: text, i: 3, n: 2.5, b: false}");
    valid(r, "{n: 2, i: 3.0}"); /* JSON numbers: 3.0 is an integer */
    refused(r, "{o: [1]}", "spec.o", "must be an object, got a list");
    refused(r, "{a: {}}", "spec.a", "must be a list, got an object");
    refused(r, "{s: 5}", "spec.s", "must be a string, got 5");
    refused(r, "{i: root}", "spec.i", "must be an integer, got \"root\"");
    refused(r, "{i: 1.5}", "spec.i", "must be an integer, got 1.5");
    refused(r, "{n: \"2\"}", "spec.n", "must be a number, got \"2\"");
    refused(r, "{b: \"yes\"}", "spec.b", "must be true or false, got \"yes\"");
    refused(r, "[]", "spec", "must be an object, got a list");
}

/* ---- objects ----------------------------------------------------------- */

static void test_unknown_fields(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  replicas: {type: integer}\n"
              "  image:\n"
              "    type: object\n"
              "    properties: {name: {type: string}}\n");
    refused(r, "{replica: 3}", "spec.replica",
            "unknown field (did you mean replicas?)");
    refused(r, "{image: {tag: x}}", "spec.image.tag", "unknown field");
    refused(r, "{somethingElse: 1}", "spec.somethingElse", "unknown field");
}

static void test_additional_properties(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  labels: {type: object, additionalProperties: {type: string}}\n"
              "  closed:\n"
              "    type: object\n"
              "    additionalProperties: false\n"
              "  open: {type: object, additionalProperties: true}\n"
              "  free: {type: object}\n"
              "  kept:\n"
              "    type: object\n"
              "    x-kubernetes-preserve-unknown-fields: true\n"
              "    properties: {n: {type: integer}}\n");
    valid(r, "{labels: {a: x, b.example.com/c: y}}");
    refused(r, "{labels: {a: x, b: 2}}", "spec.labels.b",
            "must be a string, got 2");
    valid(r, "{closed: {}}");
    refused(r, "{closed: {x: 1}}", "spec.closed.x", "unknown field");
    valid(r, "{open: {x: [1, {y: 2}]}}");
    valid(r, "{free: {x: 1}}");
    valid(r, "{kept: {n: 1, anything: {at: all}}}");
    refused(r, "{kept: {n: one}}", "spec.kept.n",
            "must be an integer, got \"one\"");
}

static void test_required(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  ref:\n"
              "    type: object\n"
              "    required: [name, key]\n"
              "    properties: {name: {type: string}, key: {type: string}}\n");
    valid(r, "{ref: {name: s, key: k}}");
    refused(r, "{ref: {name: s}}", "spec.ref.key", "is required");
    refused(r, "{ref: {key: k, name: null}}", "spec.ref.name", "is required");
    /* A field's own problem comes before a missing sibling. */
    refused(r, "{ref: {nmae: s}}", "spec.ref.nmae",
            "unknown field (did you mean name?)");
}

/* The API server prunes a null field; nullable makes null a value. */
static void test_null(void **state)
{
    run *r = *state;
    schema(r,
           "type: object\n"
           "properties:\n"
           "  s: {type: string}\n"
           "  ns: {type: string, nullable: true}\n"
           "  list: {type: array, items: {type: string}}\n"
           "  nlist: {type: array, items: {type: string, nullable: true}}\n");
    valid(r, "{s: null, ns: null}");
    valid(r, "{nlist: [a, null]}");
    refused(r, "{list: [a, null]}", "spec.list[1]",
            "must be a string, got null");
}

/* ---- scalars ----------------------------------------------------------- */

static void test_enum(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  op: {type: string, enum: [Equal, Exists, Gt, Lt]}\n"
              "  n: {type: integer, enum: [1, 2]}\n");
    valid(r, "{op: Exists, n: 2}");
    refused(r, "{op: Sometimes}", "spec.op",
            "must be one of Equal, Exists, Gt, Lt, got \"Sometimes\"");
    refused(r, "{op: equal}", "spec.op",
            "must be one of Equal, Exists, Gt, Lt, got \"equal\"");
    refused(r, "{n: 3}", "spec.n", "must be one of 1, 2, got 3");
}

static void test_minimum_maximum(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  replicas: {type: integer, minimum: 1, maximum: 10}\n"
              "  ratio: {type: number, minimum: 0.5}\n");
    valid(r, "{replicas: 1, ratio: 0.5}");
    refused(r, "{replicas: 0}", "spec.replicas",
            "must be an integer >= 1, got 0");
    refused(r, "{replicas: 11}", "spec.replicas",
            "must be an integer <= 10, got 11");
    refused(r, "{ratio: 0.25}", "spec.ratio", "must be >= 0.5, got 0.25");
}

static void test_int_formats(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  w: {type: integer, format: int32}\n"
              "  u: {type: integer, format: int64}\n");
    valid(r, "{w: 2147483647, u: 9223372036854775807}");
    valid(r, "{w: -2147483648}");
    refused(r, "{w: 2147483648}", "spec.w",
            "must be an integer <= 2147483647, got 2147483648");
    refused(r, "{w: -2147483649}", "spec.w",
            "must be an integer >= -2147483648, got -2147483649");
    refused(r, "{u: 1.0e19}", "spec.u",
            "must be an integer that fits in 64 bits, got 1e+19");
}

static void test_string_length(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  name: {type: string, minLength: 1, maxLength: 5}\n"
              "  code: {type: string, minLength: 3}\n");
    valid(r, "{name: héllo}"); /* characters, not bytes */
    refused(r, "{name: \"\"}", "spec.name",
            "must not be empty (omit the field instead)");
    refused(r, "{name: toolong}", "spec.name",
            "must be at most 5 characters long, got 7");
    refused(r, "{code: ab}", "spec.code",
            "must be at least 3 characters long, got \"ab\"");
}

static void test_pattern(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  size: {type: string, pattern: '^[0-9]+(Mi|Gi)$'}\n"
              "  any: {type: string, pattern: 'b'}\n");
    valid(r, "{size: 10Gi, any: abc}");
    refused(r, "{size: lots}", "spec.size",
            "must match ^[0-9]+(Mi|Gi)$, got \"lots\"");
    refused(r, "{any: xyz}", "spec.any", "must match b, got \"xyz\"");
}

/* ---- lists ------------------------------------------------------------- */

static void test_items(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  env:\n"
              "    type: array\n"
              "    minItems: 1\n"
              "    maxItems: 2\n"
              "    items:\n"
              "      type: object\n"
              "      required: [name]\n"
              "      properties: {name: {type: string}}\n");
    valid(r, "{env: [{name: A}, {name: B}]}");
    refused(r, "{env: [{name: A}, {value: x}]}", "spec.env[1].value",
            "unknown field");
    refused(r, "{env: [{name: A}, {}]}", "spec.env[1].name", "is required");
    refused(r, "{env: [3]}", "spec.env[0]", "must be an object, got 3");
    refused(r, "{env: []}", "spec.env", "must have at least 1 items, got 0");
    refused(r, "{env: [{name: A}, {name: B}, {name: C}]}", "spec.env",
            "must have at most 2 items, got 3");
}

/* ---- int-or-string and anyOf -------------------------------------------- */

static void test_int_or_string(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties:\n"
              "  q:\n"
              "    anyOf: [{type: integer}, {type: string}]\n"
              "    pattern: '^[0-9]+(Mi|Gi)?$'\n"
              "    x-kubernetes-int-or-string: true\n"
              "  any:\n"
              "    anyOf: [{type: boolean}, {type: string, maxLength: 2}]\n");
    valid(r, "{q: 5, any: true}");
    valid(r, "{q: 5Gi, any: ab}");
    refused(r, "{q: [1]}", "spec.q",
            "must be a string or an integer, got a list");
    refused(r, "{q: lots}", "spec.q",
            "must match ^[0-9]+(Mi|Gi)?$, got \"lots\"");
    refused(r, "{any: 5}", "spec.any",
            "must be a string or true or false, got 5");
    /* The type fits a branch: that branch's own complaint, not the type
     * of a branch the value was never meant for. */
    refused(r, "{any: abc}", "spec.any",
            "must be at most 2 characters long, got 3");
}

/* ---- compiling ----------------------------------------------------------- */

static void test_compile_errors(void **state)
{
    run *r = *state;
    rn_openapi *s;
    rn_error_clear(&r->err);
    assert_int_equal(rn_openapi_compile(r->a,
                                        yaml(r, "type: object\n"
                                                "properties:\n"
                                                "  x: {type: text}\n"),
                                        &s, &r->err),
                     -1);
    assert_string_equal(r->err.msg, "openAPIV3Schema.properties.x.type: "
                                    "unknown type \"text\"");
    rn_error_clear(&r->err);
    assert_int_equal(rn_openapi_compile(r->a,
                                        yaml(r, "type: string\n"
                                                "pattern: '(unclosed'\n"),
                                        &s, &r->err),
                     -1);
    assert_non_null(strstr(r->err.msg, "openAPIV3Schema.pattern: at offset"));
    rn_error_clear(&r->err);
    assert_int_equal(
        rn_openapi_compile(r->a, yaml(r, "items: 5\n"), &s, &r->err), -1);
    assert_string_equal(r->err.msg,
                        "openAPIV3Schema.items: a schema must be an object");
}

static void test_property_lookup(void **state)
{
    run *r = *state;
    schema(r, "type: object\n"
              "properties: {b: {type: string}, a: {type: integer}}\n");
    assert_non_null(rn_openapi_property(r->schema, "a"));
    assert_non_null(rn_openapi_property(r->schema, "b"));
    assert_null(rn_openapi_property(r->schema, "c"));
    assert_null(rn_openapi_property(NULL, "a"));
}

/* ---- the MLflow CRD ------------------------------------------------------ */

static void *spec_schema_thread(void *arg)
{
    (void)arg;
    return (void *)rn_mlflow_spec_schema(NULL);
}

/* Workers asking at once all get the one compiled schema. */
static void test_mlflow_crd_compiles_once(void **state)
{
    (void)state;
    pthread_t t[4];
    void *got[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, spec_schema_thread, NULL),
                         0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], &got[i]), 0);
    rn_error err;
    rn_error_clear(&err);
    const rn_openapi *s = rn_mlflow_spec_schema(&err);
    assert_non_null(s);
    assert_false(err.set);
    for (int i = 0; i < 4; i++)
        assert_ptr_equal(got[i], s);
    assert_non_null(rn_openapi_property(s, "podSecurityContext"));
    assert_non_null(rn_openapi_property(s, "tolerations"));
}

static void test_mlflow_crd_embedded_types(void **state)
{
    run *r = *state;
    r->schema = (rn_openapi *)rn_mlflow_spec_schema(NULL);
    valid(r, "{podSecurityContext: {runAsUser: 1001, seccompProfile: "
             "{type: RuntimeDefault}}, tolerations: [{operator: Exists}], "
             "resources: {limits: {nvidia.com/gpu: 1, memory: 1Gi}}}");
    refused(r, "{podSecurityContext: {runAsUser: root}}",
            "spec.podSecurityContext.runAsUser",
            "must be an integer, got \"root\"");
    refused(r, "{securityContext: {capabilities: ALL}}",
            "spec.securityContext.capabilities",
            "must be an object, got \"ALL\"");
    refused(r, "{affinity: {nodeAffinity: 5}}", "spec.affinity.nodeAffinity",
            "must be an object, got 5");
    refused(r, "{tolerations: [{operator: Sometimes}]}",
            "spec.tolerations[0].operator",
            "must be one of \"\", Equal, Exists, Gt, Lt, got \"Sometimes\"");
    valid(r, "{tolerations: [{operator: \"\", effect: \"\", key: k}]}");
    refused(r, "{securityContext: {seccompProfile: {type: Bogus}}}",
            "spec.securityContext.seccompProfile.type",
            "must be one of Localhost, RuntimeDefault, Unconfined, got "
            "\"Bogus\"");
    refused(r, "{replicas: 0}", "spec.replicas",
            "must be an integer >= 1, got 0");
}

/* Many threads checking with the shared schema at once. */
static void *validate_thread(void *arg)
{
    rn_arena *a = rn_arena_new();
    const char *text = "{tolerations: [{operator: Sometimes}], resources: "
                       "{limits: {cpu: lots}}}";
    rn_value *v;
    rn_error err;
    rn_error_clear(&err);
    long bad = 0;
    if (rn_yaml_parse(a, text, strlen(text), "t", RN_YAML_CORE, NULL, &v,
                      &err) != 0)
        bad++;
    for (int i = 0; i < 200 && !bad; i++) {
        rn_error_clear(&err);
        if (rn_openapi_validate(a, rn_mlflow_spec_schema(NULL), v, "spec",
                                &err) != -1 ||
            strcmp(err.field, "spec.tolerations[0].operator") != 0)
            bad++;
    }
    rn_arena_free(a);
    (void)arg;
    return (void *)bad;
}

static void test_mlflow_crd_shared_by_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, validate_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_types),
        T(test_unknown_fields),
        T(test_additional_properties),
        T(test_required),
        T(test_null),
        T(test_enum),
        T(test_minimum_maximum),
        T(test_int_formats),
        T(test_string_length),
        T(test_pattern),
        T(test_items),
        T(test_int_or_string),
        T(test_compile_errors),
        T(test_property_lookup),
        T(test_mlflow_crd_compiles_once),
        T(test_mlflow_crd_embedded_types),
        T(test_mlflow_crd_shared_by_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
