/*
 * funcs_helm.c — Helm's own template functions (helm/pkg/engine/funcs.go
 * and engine.go: toYaml, fromYaml, fromYamlArray, toJson, fromJson,
 * fromJsonArray, required, fail, lookup) and Sprig's JSON functions that
 * Helm keeps (toPrettyJson, toRawJson, mustToJson, mustFromJson, ...).
 *
 * Helm's converters swallow errors: toYaml/toJson give "" and the from*
 * functions hand the error text back inside the result (an "Error" key, or
 * a one-item list). lookup answers an empty map, as `helm template` does
 * without a cluster.
 */
#include <string.h>

#include "funcs_int.h"
#include "json.h"
#include "yaml.h"
#include "yaml_directive.h"

/* --- to JSON / YAML --- */

static bool is_must(tmpl_ctx *ctx)
{
    const char *name = tmpl_ctx_fn_name(ctx);
    return name && strncmp(name, "must", 4) == 0;
}

/* json.Marshal of argv[0] into b; fails (for must*) or gives "" on error. */
static int marshal(tmpl_ctx *ctx, rn_value *v, rn_buf *b, bool *ok)
{
    rn_error err;
    rn_error_clear(&err);
    *ok = rn_json_emit_go(b, v, &err) == 0;
    if (*ok)
        return 0;
    rn_buf_reset(b);
    if (is_must(ctx))
        return tmpl_fail(ctx, "%s", err.msg);
    return 0;
}

RN_FN(rn_fn_tojson)
{
    rn_buf b = RN_BUF_INIT;
    bool ok;
    rn_buf_append(&b, "", 0);
    if (marshal(ctx, argv[0], &b, &ok) != 0) {
        rn_buf_free(&b);
        return -1;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

static void newline_indent(rn_buf *b, int depth)
{
    rn_buf_putc(b, '\n');
    for (int i = 0; i < depth; i++)
        rn_buf_puts(b, "  ");
}

/* encoding/json.Indent(dst, src, "", "  ") over compact JSON. */
static void json_indent(rn_buf *b, const char *s, size_t n)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            rn_buf_putc(b, c);
            if (c == '\\' && i + 1 < n)
                rn_buf_putc(b, s[++i]);
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            rn_buf_putc(b, c);
            break;
        case '{':
        case '[':
            rn_buf_putc(b, c);
            if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
                rn_buf_putc(b, s[++i]);
                break;
            }
            newline_indent(b, ++depth);
            break;
        case '}':
        case ']':
            newline_indent(b, --depth);
            rn_buf_putc(b, c);
            break;
        case ',':
            rn_buf_putc(b, c);
            newline_indent(b, depth);
            break;
        case ':':
            rn_buf_puts(b, ": ");
            break;
        default:
            rn_buf_putc(b, c);
        }
    }
}

RN_FN(rn_fn_toprettyjson)
{
    rn_buf b = RN_BUF_INIT, p = RN_BUF_INIT;
    bool ok;
    if (marshal(ctx, argv[0], &b, &ok) != 0) {
        rn_buf_free(&b);
        return -1;
    }
    rn_buf_append(&p, "", 0);
    json_indent(&p, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &p);
    return 0;
}

/* json.Encoder with SetEscapeHTML(false): <, > and & stay as they are. */
RN_FN(rn_fn_torawjson)
{
    rn_buf b = RN_BUF_INIT, r = RN_BUF_INIT;
    rn_error err;
    rn_error_clear(&err);
    if (rn_json_emit_go(&b, argv[0], &err) != 0) {
        rn_buf_free(&b);
        return tmpl_fail(ctx, "%s", err.msg);
    }
    rn_buf_append(&r, "", 0);
    const char *s = rn_buf_cstr(&b);
    for (size_t i = 0; i < b.len; i++) {
        if (s[i] == '\\' && i + 1 < b.len) {
            const char *e = s + i + 1;
            if (b.len - i >= 6 && strncmp(e, "u003c", 5) == 0) {
                rn_buf_putc(&r, '<');
            } else if (b.len - i >= 6 && strncmp(e, "u003e", 5) == 0) {
                rn_buf_putc(&r, '>');
            } else if (b.len - i >= 6 && strncmp(e, "u0026", 5) == 0) {
                rn_buf_putc(&r, '&');
            } else {
                rn_buf_append(&r, s + i, 2);
                i++;
                continue;
            }
            i += 5;
            continue;
        }
        rn_buf_putc(&r, s[i]);
    }
    rn_buf_free(&b);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &r);
    return 0;
}

/* Whether v holds a value with its own JSON encoding (a Go struct such
 * as .Chart, a time.Time, a *semver.Version). */
static bool has_marshaler(const rn_value *v, int depth)
{
    if (!v || depth > 1000)
        return false;
    if (rn_value_method(v, "MarshalJSON", 11))
        return true;
    if (v->kind == RN_LIST)
        for (size_t i = 0; i < v->u.list.len; i++)
            if (has_marshaler(v->u.list.items[i], depth + 1))
                return true;
    if (v->kind == RN_MAP)
        for (size_t i = 0; i < v->u.map.len; i++)
            if (has_marshaler(v->u.map.pairs[i].val, depth + 1))
                return true;
    return false;
}

RN_FN(rn_fn_toyaml)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    /* sigs.k8s.io/yaml goes through JSON: a Go struct (.Chart) comes out
     * under its JSON names, a time as its RFC 3339 string. Values without
     * such types come out the same either way and skip the round trip. */
    const rn_value *v = argv[0];
    bool ok = true;
    if (has_marshaler(v, 0)) {
        rn_buf j = RN_BUF_INIT;
        rn_value *decoded;
        rn_error e;
        rn_error_clear(&e);
        ok = rn_json_emit_go(&j, v, NULL) == 0 &&
             rn_json_parse(tmpl_arena(ctx), rn_buf_cstr(&j), j.len, "toYaml",
                           false, &decoded, &e) == 0;
        if (ok)
            v = decoded;
        rn_buf_free(&j);
    }
    if (!ok || rn_yaml_emit_helm(&b, v) != 0)
        rn_buf_reset(&b); /* a failing MarshalJSON, or no YAML for it */
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* The value go-yaml v3's encoder sees, for rn_yaml_emit_pretty: plain
 * values as they are, a time.Time as its RFC 3339 text (written plain, as
 * v3's timev does). A Go struct v3 would write field by field under
 * lower-cased names (.Chart, .Capabilities), or another Go value with its
 * own encoding (a semver's MarshalText, .Files' byte slices) is refused
 * rather than printed differently; *why names it. */
static rn_value *pretty_value(rn_arena *a, rn_value *v, const char **why)
{
    if (!v)
        return rn_null(a);
    if (v->tname && strcmp(v->tname, "time.Time") == 0) {
        const rn_value *tm = rn_value_method(v, "MarshalJSON", 11);
        if (tm && tm->kind == RN_STRING && tm->u.s.len >= 2) {
            rn_value *s = rn_str(a, tm->u.s.ptr + 1, tm->u.s.len - 2);
            s->u.src = s->u.s.ptr;
            s->flags |= RN_F_SRC_TEXT;
            return s;
        }
        *why = "time.Time outside the years 0-9999";
        return NULL;
    }
    /* An object (a semver), a method value, or a Go struct. */
    bool object = strcmp(rn_fn_type_name(v), rn_value_type_name(v)) != 0 &&
                  !(v->flags & RN_F_VALUES);
    /* fromToml's arrays of tables are []map[string]interface {}. */
    bool plain_type = !v->tname || (v->flags & RN_F_VALUES) ||
                      (v->kind == RN_LIST &&
                       strcmp(v->tname, "[]map[string]interface {}") == 0);
    if (object || v->kind == RN_FUNC || (v->flags & RN_F_STRUCT) ||
        !plain_type) {
        *why = v->tname ? v->tname : rn_fn_type_name(v);
        return NULL;
    }
    switch (v->kind) {
    case RN_LIST: {
        rn_value *l = rn_list_new(a, v->u.list.len);
        for (size_t i = 0; i < v->u.list.len; i++) {
            rn_value *item = pretty_value(a, v->u.list.items[i], why);
            if (!item)
                return NULL;
            rn_list_push(a, l, item);
        }
        return l;
    }
    case RN_MAP: {
        rn_value *m = rn_map_new(a, v->u.map.len);
        for (size_t i = 0; i < v->u.map.len; i++) {
            const rn_pair *p = &v->u.map.pairs[i];
            rn_value *item = pretty_value(a, p->val, why);
            if (!item)
                return NULL;
            rn_map_set(a, m, p->key, p->keylen, item);
        }
        return m;
    }
    case RN_STRING:
        return rn_str(a, v->u.s.ptr, v->u.s.len);
    default:
        return v;
    }
}

/* Helm >= 3.17's toYamlPretty: go-yaml v3's Encoder, SetIndent(2), on the
 * value itself (no JSON round trip), the trailing newline trimmed. */
RN_FN(rn_fn_toyamlpretty)
{
    rn_arena *a = tmpl_arena(ctx);
    const char *why = NULL;
    rn_value *v = pretty_value(a, argv[0], &why);
    if (!v)
        return tmpl_fail(ctx,
                         "toYamlPretty of a %s is not supported by krmfn "
                         "(yaml.v3 writes such Go values its own way)",
                         why);
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (rn_yaml_emit_pretty(&b, v) != 0)
        rn_buf_reset(&b);
    *out = rn_fn_buf_value(a, &b);
    return 0;
}

/* --- from JSON / YAML --- */

/* The JSON type name encoding/json uses in UnmarshalTypeError. */
static const char *json_kind(const rn_value *v)
{
    switch (v->kind) {
    case RN_BOOL:
        return "bool";
    case RN_INT:
    case RN_FLOAT:
        return "number";
    case RN_STRING:
        return "string";
    case RN_LIST:
        return "array";
    case RN_MAP:
        return "object";
    default:
        return "null";
    }
}

/* Parse text as Helm does; *err gets Go's message on failure. */
static rn_value *parse_doc(tmpl_ctx *ctx, bool yaml, const char *s, size_t n,
                           const char **err)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_error e;
    rn_value *v = NULL;
    rn_error_clear(&e);
    *err = NULL;
    if (yaml) {
        /* go-yaml decodes the first document and ignores the rest. */
        rn_value *docs = NULL;
        const char *bad = rn_yaml_v2_directive_error(s, n);
        if (bad) {
            *err = rn_arena_printf(a, "error converting YAML to JSON: yaml: %s",
                                   bad);
            return NULL;
        }
        if (rn_yaml_parse_stream(a, s, n, "fromYaml", RN_YAML_HELM, NULL, &docs,
                                 &e) != 0) {
            *err = rn_arena_printf(a, "error converting YAML to JSON: yaml: %s",
                                   e.msg);
            return NULL;
        }
        v = docs->u.list.len ? docs->u.list.items[0] : rn_null(a);
        return v;
    }
    const char *syntax = rn_json_check(a, s, n);
    if (syntax) {
        *err = syntax;
        return NULL;
    }
    if (rn_json_parse(a, s, n, "fromJson", true, &v, &e) != 0) {
        *err = rn_arena_strdup(a, e.msg);
        return NULL;
    }
    return v;
}

/* The error sigs.k8s.io/yaml or encoding/json gives for a mismatched
 * top-level type. */
static const char *type_error(tmpl_ctx *ctx, bool yaml, const rn_value *v,
                              const char *want)
{
    return rn_arena_printf(tmpl_arena(ctx),
                           "%sjson: cannot unmarshal %s into Go value of type "
                           "%s",
                           yaml ? "error unmarshaling JSON: while decoding "
                                  "JSON: "
                                : "",
                           json_kind(v), want);
}

static int from_map(tmpl_ctx *ctx, rn_value **argv, rn_value **out, bool yaml)
{
    const char *s, *err;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    rn_value *v = parse_doc(ctx, yaml, s, n, &err);
    if (v && v->kind == RN_MAP) {
        *out = v;
        return 0;
    }
    rn_value *m = rn_map_new(a, 1);
    if (v && v->kind != RN_NULL)
        err = type_error(ctx, yaml, v, "map[string]interface {}");
    if (err)
        rn_map_setz(a, m, "Error", rn_strz(a, err));
    *out = m;
    return 0;
}

static int from_list(tmpl_ctx *ctx, rn_value **argv, rn_value **out, bool yaml)
{
    const char *s, *err;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    rn_value *v = parse_doc(ctx, yaml, s, n, &err);
    if (v && v->kind == RN_LIST) {
        *out = v;
        return 0;
    }
    rn_value *l = rn_list_new(a, 1);
    if (v && v->kind != RN_NULL)
        err = type_error(ctx, yaml, v, "[]interface {}");
    if (err)
        rn_list_push(a, l, rn_strz(a, err));
    *out = l;
    return 0;
}

RN_FN(rn_fn_fromyaml)
{
    return from_map(ctx, argv, out, true);
}
RN_FN(rn_fn_fromyamlarray)
{
    return from_list(ctx, argv, out, true);
}
RN_FN(rn_fn_fromjson)
{
    return from_map(ctx, argv, out, false);
}
RN_FN(rn_fn_fromjsonarray)
{
    return from_list(ctx, argv, out, false);
}

/* Sprig's mustFromJson: any JSON value, errors reported. */
RN_FN(rn_fn_mustfromjson)
{
    const char *s, *err;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_value *v = parse_doc(ctx, false, s, n, &err);
    if (!v)
        return tmpl_fail(ctx, "%s", err);
    *out = v;
    return 0;
}

/* --- control --- */

/* required "message" value: fails when value is nil or "". */
RN_FN(rn_fn_required)
{
    const char *msg;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &msg, &n) != 0)
        return -1;
    rn_value *v = argv[1];
    if (v->kind == RN_NULL || (v->kind == RN_STRING && v->u.s.len == 0))
        return tmpl_fail_raw(ctx, "%.*s", (int)n, msg);
    *out = v;
    return 0;
}

RN_FN(rn_fn_fail)
{
    const char *msg;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &msg, &n) != 0)
        return -1;
    return tmpl_fail_raw(ctx, "%.*s", (int)n, msg);
}

RN_FN(rn_fn_lookup)
{
    for (int i = 0; i < 4; i++) {
        const char *s;
        if (rn_fn_arg_str(ctx, argv, i, &s, NULL) != 0)
            return -1;
    }
    *out = rn_map_new(tmpl_arena(ctx), 0);
    return 0;
}
