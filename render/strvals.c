/*
 * strvals.c — Helm's --set / --set-string syntax (pkg/strvals), applied to
 * a value tree: "a.b=1,list[0].x=y,tags={a,b}". Values are typed as Helm
 * types them: true/false/null (any case), int64 when the text is a base-10
 * integer not starting with 0 (or exactly "0"), otherwise a string; with
 * --set-string everything is a string. Backslash escapes the next byte.
 * --set-json takes the same keys with a JSON value after each '=' (Go's
 * json.Decoder reads one value, blanks and a ',' after it are skipped);
 * numbers are float64, as Helm's JSON decoding makes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart.h"
#include "json.h"

#define MAX_INDEX 65536
#define MAX_NESTING 30

typedef struct sv {
    rn_arena *a;
    const char *p, *end;
    bool as_string;
    bool json;
    rn_error *err;
    const char *expr;
} sv;

enum { SV_OK = 0, SV_EOF = 1, SV_ERR = -1, SV_NOTLIST = 2 };

/* Reads up to one of the stop bytes; *last is the stop byte or 0 at end.
 * Returns SV_EOF when the input ended first. */
static int until(sv *s, const char *stops, char **out, size_t *len, char *last)
{
    size_t cap = (size_t)(s->end - s->p) + 1;
    char *v = rn_arena_alloc(s->a, cap);
    size_t n = 0;
    *last = 0;
    while (s->p < s->end) {
        char c = *s->p++;
        if (strchr(stops, c)) {
            *last = c;
            v[n] = 0;
            *out = v, *len = n;
            return SV_OK;
        }
        if (c == '\\') {
            if (s->p >= s->end)
                break;
            c = *s->p++;
        }
        v[n++] = c;
    }
    v[n] = 0;
    *out = v, *len = n;
    return SV_EOF;
}

static rn_value *typed(sv *s, const char *v, size_t len)
{
    if (s->as_string)
        return rn_str(s->a, v, len);
    if (strcasecmp(v, "true") == 0)
        return rn_bool(s->a, true);
    if (strcasecmp(v, "false") == 0)
        return rn_bool(s->a, false);
    if (strcasecmp(v, "null") == 0)
        return rn_null(s->a);
    if (strcmp(v, "0") == 0)
        return rn_int64(s->a, 0);
    if (len > 0 && v[0] != '0') {
        char *endp;
        errno = 0;
        long long iv = strtoll(v, &endp, 10);
        /* strconv.ParseInt accepts an optional sign and digits only. */
        bool digits = len > 0 && (v[0] == '+' || v[0] == '-' ||
                                  (v[0] >= '0' && v[0] <= '9'));
        if (digits && *endp == 0 && errno == 0 && endp != v &&
            !(len == 1 && (v[0] == '+' || v[0] == '-')))
            return rn_int64(s->a, iv);
    }
    return rn_str(s->a, v, len);
}

static int fail(sv *s, const char *msg, const char *detail)
{
    /* Helm reports every --set-json problem the same way. */
    if (s->json) {
        rn_error_set(s->err, "failed parsing --set-json data %s", s->expr);
        return SV_ERR;
    }
    rn_error_set(s->err, "failed parsing --set data \"%s\": %s%s%s", s->expr,
                 msg, detail ? " " : "", detail ? detail : "");
    return SV_ERR;
}

/* "{a,b}" list, or SV_NOTLIST when the value does not start with '{'. */
static int val_list(sv *s, rn_value **out)
{
    if (s->p >= s->end)
        return SV_EOF;
    if (*s->p != '{')
        return SV_NOTLIST;
    s->p++;
    rn_value *list = rn_list_new(s->a, 4);
    for (;;) {
        char *v;
        size_t n;
        char last;
        if (until(s, ",}", &v, &n, &last) == SV_EOF)
            return fail(s, "list must terminate with '}'", NULL);
        rn_list_push(s->a, list, typed(s, v, n));
        if (last == '}') {
            if (s->p < s->end && *s->p == ',')
                s->p++;
            *out = list;
            return SV_OK;
        }
    }
}

/* The value after '=': a {list} or text up to ','. */
static int value(sv *s, rn_value **out)
{
    int rc = val_list(s, out);
    if (rc == SV_EOF) {
        *out = rn_str(s->a, "", 0);
        return SV_EOF;
    }
    if (rc != SV_NOTLIST)
        return rc;
    char *v;
    size_t n;
    char last;
    rc = until(s, ",", &v, &n, &last);
    *out = typed(s, v, n);
    return rc;
}

/* strvals' emptyVal: skips blanks; true (and the ',' consumed) when the
 * input ends or a ',' comes first. */
static bool empty_val(sv *s)
{
    while (s->p < s->end && strchr(" \t\n\r\v\f", *s->p))
        s->p++;
    if (s->p < s->end && *s->p != ',')
        return false;
    if (s->p < s->end)
        s->p++;
    return true;
}

/* The bytes of the one JSON value at s->p, as far as json.Decoder reads:
 * a string, an object or array to its closing bracket, or a literal. */
static size_t json_extent(const sv *s)
{
    const char *p = s->p;
    int depth = 0;
    bool in_str = false;
    for (; p < s->end; p++) {
        char c = *p;
        if (in_str) {
            if (c == '\\' && p + 1 < s->end)
                p++;
            else if (c == '"' && (in_str = false, depth == 0))
                return (size_t)(p + 1 - s->p);
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth <= 0)
            return (size_t)(p + 1 - s->p);
        else if (depth == 0 && !strchr("+-.0123456789eEtruefalsn", c))
            break;
    }
    return (size_t)(p - s->p);
}

/* A --set-json value after '=': JSON null when it is empty. */
static int json_value(sv *s, rn_value **out)
{
    if (empty_val(s)) {
        *out = rn_null(s->a);
        return s->p < s->end ? SV_OK : SV_EOF;
    }
    size_t n = json_extent(s);
    rn_error perr;
    rn_error_clear(&perr);
    if (n == 0 ||
        rn_json_parse(s->a, s->p, n, "--set-json", true, out, &perr) < 0)
        return fail(s, "", NULL);
    s->p += n;
    empty_val(s);
    return s->p < s->end ? SV_OK : SV_EOF;
}

static int key_index(sv *s, long *idx)
{
    char *v;
    size_t n;
    char last;
    if (until(s, "]", &v, &n, &last) == SV_EOF)
        return fail(s, "error parsing index:", "unexpected end of input");
    char *endp;
    errno = 0;
    long i = strtol(v, &endp, 10);
    if (n == 0 || *endp || errno)
        return fail(s, "error parsing index: invalid index", v);
    if (i > MAX_INDEX)
        return fail(s, "error parsing index: index too large", v);
    if (i < 0)
        return fail(s, "negative index not allowed:", v);
    *idx = i;
    return SV_OK;
}

static void set_index(rn_arena *a, rn_value *list, long i, rn_value *v)
{
    while ((long)list->u.list.len <= i)
        rn_list_push(a, list, rn_null(a));
    list->u.list.items[i] = v;
}

static int key(sv *s, rn_value *data, int depth);

static int list_item(sv *s, rn_value *list, long i, int depth)
{
    char *k;
    size_t n;
    char last;
    int rc = until(s, "[.=", &k, &n, &last);
    if (n > 0)
        return fail(s, "unexpected data at end of array index:", k);
    if (rc == SV_EOF)
        return SV_EOF;
    if (last == '=') {
        rn_value *v;
        rc = s->json ? json_value(s, &v) : value(s, &v);
        if (rc == SV_ERR)
            return rc;
        set_index(s->a, list, i, v);
        return rc;
    }
    if (last == '[') {
        long next;
        if (key_index(s, &next) < 0)
            return SV_ERR;
        rn_value *inner =
            (long)list->u.list.len > i ? list->u.list.items[i] : NULL;
        if (inner && inner->kind != RN_LIST && inner->kind != RN_NULL)
            return fail(s, "unable to parse index: not a list at", k);
        if (!inner || inner->kind != RN_LIST)
            inner = rn_list_new(s->a, 4);
        set_index(s->a, list, i, inner);
        return list_item(s, inner, next, depth);
    }
    /* '.': a map inside the list */
    rn_value *inner = (long)list->u.list.len > i ? list->u.list.items[i] : NULL;
    if (!inner || inner->kind != RN_MAP)
        inner = rn_map_new(s->a, 4);
    set_index(s->a, list, i, inner);
    return key(s, inner, depth);
}

static int key(sv *s, rn_value *data, int depth)
{
    char *k;
    size_t n;
    char last;
    int rc = until(s, "=[,.", &k, &n, &last);
    if (rc == SV_EOF) {
        if (n == 0)
            return SV_EOF;
        return fail(s, "key has no value:", k);
    }
    switch (last) {
    case '[': {
        long i;
        if (key_index(s, &i) < 0)
            return SV_ERR;
        rn_value *list = rn_map_get(data, k, n);
        /* Go asserts the existing value's type and fails on a mismatch. */
        if (list && list->kind != RN_LIST)
            return fail(s, "unable to parse key: not a list:", k);
        if (!list) {
            list = rn_list_new(s->a, 4);
            rn_map_set(s->a, data, k, n, list);
        }
        return list_item(s, list, i, depth);
    }
    case '=': {
        rn_value *v;
        rc = s->json ? json_value(s, &v) : value(s, &v);
        if (rc == SV_ERR)
            return rc;
        rn_map_set(s->a, data, k, n, v);
        return rc;
    }
    case ',':
        rn_map_set(s->a, data, k, n, rn_str(s->a, "", 0));
        return fail(s, "key has no value (cannot end with ,):", k);
    default: { /* '.' */
        if (depth + 1 > MAX_NESTING)
            return fail(s,
                        "value name nested level is greater than "
                        "maximum supported nested level of 30",
                        NULL);
        rn_value *inner = rn_map_get(data, k, n);
        if (inner && inner->kind != RN_MAP)
            return fail(s, "unable to parse key: not a map:", k);
        bool fresh = !inner;
        if (fresh)
            inner = rn_map_new(s->a, 4);
        rc = key(s, inner, depth + 1);
        if (rc == SV_OK && inner->u.map.len == 0)
            return fail(s, "key map has no value:", k);
        if (inner->u.map.len != 0 && fresh)
            rn_map_set(s->a, data, k, n, inner);
        return rc;
    }
    }
}

static int parse_into(sv *s, rn_value *values)
{
    for (;;) {
        int rc = key(s, values, 0);
        if (rc == SV_EOF)
            return 0;
        if (rc == SV_ERR)
            return -1;
    }
}

int rn_chart_set_json(rn_arena *a, rn_value *values, const char *expr,
                      rn_error *err)
{
    sv s = {a, expr, expr + strlen(expr), false, true, err, expr};
    return parse_into(&s, values);
}

int rn_chart_set(rn_arena *a, rn_value *values, const char *expr,
                 bool as_string, rn_error *err)
{
    sv s = {a, expr, expr + strlen(expr), as_string, false, err, expr};
    return parse_into(&s, values);
}
