/*
 * json.c — JSON in and out of the value tree.
 *
 * The jansson bridge (for the Kubernetes client) is here; parsing is in
 * json_parse.c. Printing does not use jansson: it
 * must match Go's encoding/json.Marshal byte for byte (sorted keys, HTML
 * escaping, \u2028/\u2029, U+FFFD for invalid UTF-8, Go's float format),
 * which jansson's dumper does not do.
 */
#include "json.h"
#include "yaml_scalar.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"

/* ---- parsing ------------------------------------------------------------- */

static rn_value *from_jansson(rn_arena *a, const json_t *j, bool helm)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        rn_value *m = rn_map_new(a, json_object_size(j));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
        {
            rn_map_set(a, m, k, strlen(k), from_jansson(a, v, helm));
        }
        return m;
    }
    case JSON_ARRAY: {
        rn_value *l = rn_list_new(a, json_array_size(j));
        size_t i;
        json_t *v;
        json_array_foreach((json_t *)j, i, v)
        {
            rn_list_push(a, l, from_jansson(a, v, helm));
        }
        return l;
    }
    case JSON_STRING:
        return rn_str(a, json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        if (helm)
            return rn_float(a, (double)json_integer_value(j));
        return rn_int64(a, (int64_t)json_integer_value(j));
    case JSON_REAL:
        return rn_float(a, json_real_value(j));
    case JSON_TRUE:
        return rn_bool(a, true);
    case JSON_FALSE:
        return rn_bool(a, false);
    case JSON_NULL:
    default:
        return rn_null(a);
    }
}

rn_value *rn_json_from_jansson(rn_arena *a, const struct json_t *j)
{
    return j ? from_jansson(a, j, false) : NULL;
}

struct json_t *rn_json_to_jansson(const rn_value *v)
{
    if (!v)
        return json_null();
    switch (v->kind) {
    case RN_NULL:
        return json_null();
    case RN_BOOL:
        return json_boolean(v->u.b);
    case RN_INT:
        return json_integer((json_int_t)v->u.i);
    case RN_FLOAT:
        return json_real(v->u.f);
    case RN_COMPLEX:
        return NULL;
    case RN_STRING:
        return json_stringn_nocheck(v->u.s.ptr, v->u.s.len);
    case RN_LIST: {
        json_t *arr = json_array();
        for (size_t i = 0; i < v->u.list.len; i++) {
            json_t *item = rn_json_to_jansson(v->u.list.items[i]);
            if (!item) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, item);
        }
        return arr;
    }
    case RN_MAP: {
        json_t *obj = json_object();
        for (size_t i = 0; i < v->u.map.len; i++) {
            const rn_pair *p = &v->u.map.pairs[i];
            json_t *item = rn_json_to_jansson(p->val);
            if (!item) {
                json_decref(obj);
                return NULL;
            }
            json_object_setn_new_nocheck(obj, p->key, p->keylen, item);
        }
        return obj;
    }
    case RN_FUNC:
        return NULL;
    }
    return NULL;
}

/* ---- Go's json.Marshal --------------------------------------------------- */

static const char hexdig[] = "0123456789abcdef";

/* encodeState.string with HTML escaping on. */
static void emit_string(rn_buf *out, const char *s, size_t n)
{
    rn_buf_putc(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            bool safe = c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
                        c != '>' && c != '&';
            if (safe) {
                i++;
                continue;
            }
            rn_buf_append(out, s + start, i - start);
            switch (c) {
            case '"':
            case '\\':
                rn_buf_putc(out, '\\');
                rn_buf_putc(out, (char)c);
                break;
            case '\b':
                rn_buf_puts(out, "\\b");
                break;
            case '\f':
                rn_buf_puts(out, "\\f");
                break;
            case '\n':
                rn_buf_puts(out, "\\n");
                break;
            case '\r':
                rn_buf_puts(out, "\\r");
                break;
            case '\t':
                rn_buf_puts(out, "\\t");
                break;
            default:
                rn_buf_puts(out, "\\u00");
                rn_buf_putc(out, hexdig[c >> 4]);
                rn_buf_putc(out, hexdig[c & 0xF]);
            }
            i++;
            start = i;
            continue;
        }
        uint32_t cp;
        int w = rn_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w <= 0) {
            rn_buf_append(out, s + start, i - start);
            rn_buf_puts(out, "\\ufffd");
            i++;
            start = i;
            continue;
        }
        if (cp == 0x2028 || cp == 0x2029) {
            rn_buf_append(out, s + start, i - start);
            rn_buf_printf(out, "\\u202%c", cp == 0x2028 ? '8' : '9');
            i += (size_t)w;
            start = i;
            continue;
        }
        i += (size_t)w;
    }
    rn_buf_append(out, s + start, n - start);
    rn_buf_putc(out, '"');
}

/* floatEncoder: 'f' unless the exponent is very small or large, then 'e'
 * with a one-digit negative exponent cleaned up ("1e-07" -> "1e-7"). */
static int emit_float(rn_buf *out, double f, rn_error *err)
{
    if (isnan(f) || isinf(f))
        return rn_error_set(err, "json: unsupported value: %s",
                            isnan(f) ? "NaN"
                            : f > 0  ? "+Inf"
                                     : "-Inf");
    double abs = fabs(f);
    char fmt = 'f';
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        fmt = 'e';
    size_t start = out->len;
    rn_gofmt_float(out, f, fmt, -1);
    if (fmt == 'e') {
        char *b = out->data + start;
        size_t n = out->len - start;
        if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
            b[n - 2] = b[n - 1];
            out->data[--out->len] = '\0';
        }
    }
    return 0;
}

static int pair_cmp(const void *x, const void *y)
{
    const rn_pair *a = *(const rn_pair *const *)x;
    const rn_pair *b = *(const rn_pair *const *)y;
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    return (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

static int emit_value(rn_buf *out, const rn_value *v, rn_error *err);

static int emit_map(rn_buf *out, const rn_value *v, rn_error *err)
{
    size_t n = v->u.map.len;
    const rn_pair **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        abort();
    for (size_t i = 0; i < n; i++)
        sorted[i] = &v->u.map.pairs[i];
    qsort(sorted, n, sizeof *sorted, pair_cmp);
    int rc = 0;
    rn_buf_putc(out, '{');
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i)
            rn_buf_putc(out, ',');
        emit_string(out, sorted[i]->key, sorted[i]->keylen);
        rn_buf_putc(out, ':');
        rc = emit_value(out, sorted[i]->val, err);
    }
    rn_buf_putc(out, '}');
    free(sorted);
    return rc;
}

static int emit_value(rn_buf *out, const rn_value *v, rn_error *err)
{
    if (!v) {
        rn_buf_puts(out, "null");
        return 0;
    }
    /* A Go type with its own encoding (json.Marshaler): the renderer's
     * model of a Go struct carries the text encoding/json writes for it. */
    const rn_value *raw = rn_value_method(v, "MarshalJSON", 11);
    if (raw && raw->kind == RN_STRING) {
        rn_buf_append(out, raw->u.s.ptr, raw->u.s.len);
        return 0;
    }
    if (raw && raw->kind == RN_NULL) { /* the type's MarshalJSON fails */
        const rn_value *why = rn_value_method(v, RN_JSON_ERROR_METHOD,
                                              strlen(RN_JSON_ERROR_METHOD));
        return rn_error_set(
            err, "json: error calling MarshalJSON for type %s: %s",
            rn_value_type_name(v),
            why && why->kind == RN_STRING ? why->u.s.ptr : "failed");
    }
    switch (v->kind) {
    case RN_NULL:
        rn_buf_puts(out, "null");
        return 0;
    case RN_BOOL:
        rn_buf_puts(out, v->u.b ? "true" : "false");
        return 0;
    case RN_INT:
        if (v->flags & RN_F_UINT64)
            rn_buf_printf(out, "%llu", (unsigned long long)v->u.i);
        else
            rn_buf_printf(out, "%lld", (long long)v->u.i);
        return 0;
    case RN_FLOAT:
        return emit_float(out, v->u.f, err);
    case RN_STRING:
        emit_string(out, v->u.s.ptr, v->u.s.len);
        return 0;
    case RN_LIST:
        if ((v->flags & RN_F_NIL) && v->u.list.len == 0) {
            rn_buf_puts(out, "null");
            return 0;
        }
        rn_buf_putc(out, '[');
        for (size_t i = 0; i < v->u.list.len; i++) {
            if (i)
                rn_buf_putc(out, ',');
            if (emit_value(out, v->u.list.items[i], err))
                return -1;
        }
        rn_buf_putc(out, ']');
        return 0;
    case RN_MAP:
        return emit_map(out, v, err);
    case RN_FUNC:
    case RN_COMPLEX:
        return rn_error_set(err, "json: unsupported type: %s",
                            rn_value_type_name(v));
    }
    return rn_error_set(err, "json: unsupported type: %s",
                        rn_value_type_name(v));
}

int rn_json_emit_go(rn_buf *out, const rn_value *v, rn_error *err)
{
    /* Marshal fails as a whole: leave nothing behind on error. */
    rn_buf tmp = RN_BUF_INIT;
    int rc = emit_value(&tmp, v, err);
    if (rc == 0)
        rn_buf_append(out, rn_buf_cstr(&tmp), tmp.len);
    rn_buf_free(&tmp);
    return rc;
}
