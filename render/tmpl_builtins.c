/*
 * tmpl_builtins.c — text/template's predefined functions (Go's funcs.go:
 * and, or, not, len, index, slice, print, printf, println, eq, ne, lt, le,
 * gt, ge, html, js, urlquery, call) and Helm's include and tpl, with Go's
 * argument rules and error texts.
 */
#include "gofmt.h"
#include "tmpl_int.h"

#include <string.h>

static rn_value *nil_or(rn_value *v)
{
    return v && v->kind == RN_NULL ? NULL : v;
}

static int set_string(tmpl_ctx *ctx, rn_buf *b, rn_value **out)
{
    *out = rn_str(tmpl_arena(ctx), rn_buf_cstr(b), b->len);
    rn_buf_free(b);
    return 0;
}

/* ---- logic ------------------------------------------------------------- */

/* and/or short-circuit inside the executor; these bodies only run when
 * the functions are reached some other way (call). */
int tmpl_builtin_and(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    *out = argv[argc - 1];
    for (int i = 0; i < argc; i++)
        if (!tmpl_truth(nil_or(argv[i]))) {
            *out = argv[i];
            break;
        }
    return 0;
}

int tmpl_builtin_or(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    *out = argv[argc - 1];
    for (int i = 0; i < argc; i++)
        if (tmpl_truth(nil_or(argv[i]))) {
            *out = argv[i];
            break;
        }
    return 0;
}

static int fn_not(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    *out = rn_bool(tmpl_arena(ctx), !tmpl_truth(nil_or(argv[0])));
    return 0;
}

/* ---- len, index, slice ------------------------------------------------ */

static int fn_len(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_value *v = argv[0];
    const tnode *n = ctx->meta[0].node;
    if (ctx->meta[0].invalid || (n && n->type == TN_NIL))
        return tmpl_fail(ctx,
                         "reflect: call of reflect.Value.Type on zero Value");
    int64_t len;
    switch (v->kind) {
    case RN_NULL:
        return tmpl_fail(ctx, "len of nil pointer");
    case RN_STRING:
        len = (int64_t)v->u.s.len;
        break;
    case RN_LIST:
        len = (int64_t)v->u.list.len;
        break;
    case RN_MAP:
        len = (int64_t)v->u.map.len;
        break;
    default:
        return tmpl_fail(ctx, "len of type %s", tmpl_type_name(v));
    }
    *out = rn_int(tmpl_arena(ctx), len);
    return 0;
}

/* Go's indexArg: an integer index in [0, cap]. */
static int index_arg(tmpl_ctx *ctx, const rn_value *idx, size_t cap, int64_t *x)
{
    if (idx->kind == RN_NULL)
        return tmpl_fail(ctx, "cannot index slice/array with nil");
    if (idx->kind != RN_INT)
        return tmpl_fail(ctx, "cannot index slice/array with type %s",
                         tmpl_type_name(idx));
    if (idx->u.i < 0 || (uint64_t)idx->u.i > cap)
        return tmpl_fail(ctx, "index out of range: %lld", (long long)idx->u.i);
    *x = idx->u.i;
    return 0;
}

static int index_one(tmpl_ctx *ctx, rn_value *item, const rn_value *idx,
                     rn_value **out)
{
    rn_arena *a = tmpl_arena(ctx);
    int64_t x;
    switch (item->kind) {
    case RN_LIST:
        if (index_arg(ctx, idx, item->u.list.len, &x) < 0)
            return -1;
        if ((size_t)x == item->u.list.len)
            return tmpl_fail(ctx, "reflect: slice index out of range");
        *out = item->u.list.items[x];
        return 0;
    case RN_STRING:
        if (index_arg(ctx, idx, item->u.s.len, &x) < 0)
            return -1;
        if ((size_t)x == item->u.s.len)
            return tmpl_fail(ctx, "reflect: string index out of range");
        *out = rn_int(a, (unsigned char)item->u.s.ptr[x]);
        return 0;
    case RN_MAP: {
        if (idx->kind == RN_NULL)
            return tmpl_fail(ctx, "value is nil; should be of type string");
        if (idx->kind != RN_STRING)
            return tmpl_fail(ctx, "value has type %s; should be string",
                             tmpl_type_name(idx));
        rn_value *v = rn_map_get(item, idx->u.s.ptr, idx->u.s.len);
        if (!v)
            v = (item->flags & RN_F_STRMAP) ? rn_str(a, "", 0) : rn_null(a);
        *out = v;
        return 0;
    }
    default:
        return tmpl_fail(ctx, "can't index item of type %s",
                         tmpl_type_name(item));
    }
}

static int fn_index(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_value *item = argv[0];
    if (item->kind == RN_NULL)
        return tmpl_fail(ctx, "index of untyped nil");
    for (int i = 1; i < argc; i++) {
        if (item->kind == RN_NULL)
            return tmpl_fail(ctx, "index of nil pointer");
        if (index_one(ctx, item, argv[i], &item) < 0)
            return -1;
    }
    *out = item;
    return 0;
}

static int fn_slice(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_value *item = argv[0];
    int nidx = argc - 1;
    if (item->kind == RN_NULL)
        return tmpl_fail(ctx, "slice of untyped nil");
    if (nidx > 3)
        return tmpl_fail(ctx, "too many slice indexes: %d", nidx);
    size_t len;
    if (item->kind == RN_STRING) {
        if (nidx == 3)
            return tmpl_fail(ctx, "cannot 3-index slice a string");
        len = item->u.s.len;
    } else if (item->kind == RN_LIST) {
        len = item->u.list.len;
    } else {
        return tmpl_fail(ctx, "can't slice item of type %s",
                         tmpl_type_name(item));
    }
    int64_t idx[3] = {0, (int64_t)len, 0};
    for (int i = 0; i < nidx; i++)
        if (index_arg(ctx, argv[1 + i], len, &idx[i]) < 0)
            return -1;
    if (idx[0] > idx[1])
        return tmpl_fail(ctx, "invalid slice index: %lld > %lld",
                         (long long)idx[0], (long long)idx[1]);
    if (nidx == 3 && idx[1] > idx[2])
        return tmpl_fail(ctx, "invalid slice index: %lld > %lld",
                         (long long)idx[1], (long long)idx[2]);
    rn_arena *a = tmpl_arena(ctx);
    size_t lo = (size_t)idx[0], hi = (size_t)idx[1];
    if (item->kind == RN_STRING) {
        *out = rn_str(a, item->u.s.ptr + lo, hi - lo);
        return 0;
    }
    rn_value *l = rn_list_new(a, hi - lo);
    l->flags = item->flags;
    for (size_t i = lo; i < hi; i++)
        rn_list_push(a, l, item->u.list.items[i]);
    *out = l;
    return 0;
}

/* ---- printing ----------------------------------------------------------- */

static int fn_print(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprint(&b, argc, argv);
    return set_string(ctx, &b, out);
}

static int fn_println(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintln(&b, argc, argv);
    return set_string(ctx, &b, out);
}

static int fn_printf(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    const char *f;
    size_t flen;
    if (tmpl_arg_str(ctx, argv, 0, &f, &flen) < 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, f, flen, argc - 1, argv + 1);
    return set_string(ctx, &b, out);
}

/* Go's evalArgs for html/js/urlquery: one string as is, otherwise
 * fmt.Sprint with nil shown as "<no value>". */
static void eval_args(tmpl_ctx *ctx, int argc, rn_value **argv, rn_buf *b)
{
    if (argc == 1 && argv[0]->kind == RN_STRING) {
        rn_buf_append(b, argv[0]->u.s.ptr, argv[0]->u.s.len);
        return;
    }
    rn_value **v =
        rn_arena_alloc(tmpl_arena(ctx), sizeof *v * (size_t)(argc ? argc : 1));
    for (int i = 0; i < argc; i++)
        v[i] = argv[i]->kind == RN_NULL ? rn_strz(tmpl_arena(ctx), "<no value>")
                                        : argv[i];
    rn_gofmt_sprint(b, argc, v);
}

static int fn_html(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_buf in = RN_BUF_INIT, b = RN_BUF_INIT;
    eval_args(ctx, argc, argv, &in);
    for (size_t i = 0; i < in.len; i++) {
        char c = in.data[i];
        switch (c) {
        case '\0':
            rn_buf_puts(&b, "\xEF\xBF\xBD");
            break;
        case '"':
            rn_buf_puts(&b, "&#34;");
            break;
        case '\'':
            rn_buf_puts(&b, "&#39;");
            break;
        case '&':
            rn_buf_puts(&b, "&amp;");
            break;
        case '<':
            rn_buf_puts(&b, "&lt;");
            break;
        case '>':
            rn_buf_puts(&b, "&gt;");
            break;
        default:
            rn_buf_putc(&b, c);
        }
    }
    rn_buf_free(&in);
    return set_string(ctx, &b, out);
}

static void js_escape(rn_buf *b, const char *s, size_t n)
{
    static const char HEXU[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            int w;
            int r = tq_decode((const unsigned char *)s + i, n - i, &w);
            if (tq_is_print(r))
                rn_buf_append(b, s + i, (size_t)w);
            else
                rn_buf_printf(b, "\\u%04X", (unsigned)r);
            i += (size_t)w;
            continue;
        }
        i++;
        switch (c) {
        case '\\':
            rn_buf_puts(b, "\\\\");
            continue;
        case '\'':
            rn_buf_puts(b, "\\'");
            continue;
        case '"':
            rn_buf_puts(b, "\\\"");
            continue;
        case '<':
            rn_buf_puts(b, "\\u003C");
            continue;
        case '>':
            rn_buf_puts(b, "\\u003E");
            continue;
        case '&':
            rn_buf_puts(b, "\\u0026");
            continue;
        case '=':
            rn_buf_puts(b, "\\u003D");
            continue;
        default:
            break;
        }
        if (c < ' ') {
            char esc[6] = {'\\', 'u', '0', '0', HEXU[c >> 4], HEXU[c & 15]};
            rn_buf_append(b, esc, 6);
        } else {
            rn_buf_putc(b, (char)c);
        }
    }
}

static int fn_js(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_buf in = RN_BUF_INIT, b = RN_BUF_INIT;
    eval_args(ctx, argc, argv, &in);
    js_escape(&b, rn_buf_cstr(&in), in.len);
    rn_buf_free(&in);
    return set_string(ctx, &b, out);
}

static int fn_urlquery(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    static const char HEXU[] = "0123456789ABCDEF";
    rn_buf in = RN_BUF_INIT, b = RN_BUF_INIT;
    eval_args(ctx, argc, argv, &in);
    for (size_t i = 0; i < in.len; i++) {
        unsigned char c = (unsigned char)in.data[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            rn_buf_putc(&b, (char)c);
        } else if (c == ' ') {
            rn_buf_putc(&b, '+');
        } else {
            char esc[3] = {'%', HEXU[c >> 4], HEXU[c & 15]};
            rn_buf_append(&b, esc, 3);
        }
    }
    rn_buf_free(&in);
    return set_string(ctx, &b, out);
}

/* ---- comparison -------------------------------------------------------- */

enum { K_INVALID, K_BOOL, K_INT, K_UINT, K_FLOAT, K_COMPLEX, K_STRING };

static int basic_kind(const rn_value *v)
{
    switch (v->kind) {
    case RN_BOOL:
        return K_BOOL;
    case RN_INT:
        return (v->flags & RN_F_UINT64) ? K_UINT : K_INT;
    case RN_FLOAT:
        return K_FLOAT;
    case RN_COMPLEX:
        return K_COMPLEX;
    case RN_STRING:
        return K_STRING;
    default:
        return K_INVALID;
    }
}

static int str_cmp(const rn_value *a, const rn_value *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int c = memcmp(a->u.s.ptr, b->u.s.ptr, n);
    if (c)
        return c;
    return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
}

static int incompatible(tmpl_ctx *ctx, const rn_value *a, const rn_value *b)
{
    return tmpl_fail(ctx, "incompatible types for comparison: %s and %s",
                     tmpl_type_name(a), tmpl_type_name(b));
}

/* Go's reflect.Kind of a value eq cannot compare as a basic one. */
static const char *go_kind(const rn_value *v)
{
    if (v->kind == RN_MAP && (v->flags & RN_F_STRUCT) && v->tname)
        return v->tname[0] == '*' ? "ptr" : "struct";
    return rn_value_kind_name(v);
}

/* Values of non-basic kinds: Go's canCompare (same kind, or nil), then
 * nil against nil, then == for comparable types: a time.Time or a
 * *semver.Version carries what Go's == looks at under the method name
 * "==". Maps, slices and the other structs are not comparable. */
static int eq_other(tmpl_ctx *ctx, rn_value *a, rn_value *b, bool *truth)
{
    bool na = a->kind == RN_NULL, nb = b->kind == RN_NULL;
    rn_arena *ar = tmpl_arena(ctx);
    if (!na && !nb && strcmp(go_kind(a), go_kind(b))) {
        rn_value *fa[4] = {a, rn_strz(ar, tmpl_type_name(a)),
                           rn_strz(ar, tmpl_type_name(b)), b};
        rn_buf m = RN_BUF_INIT;
        const char *f = "non-comparable types %s: %v, %s: %v";
        rn_gofmt_sprintf(&m, f, strlen(f), 4, fa);
        tmpl_fail(ctx, "%s", rn_buf_cstr(&m));
        rn_buf_free(&m);
        return -1;
    }
    if (na || nb) {
        *truth = na && nb;
        return 0;
    }
    const rn_value *ia = rn_value_method(a, "==", 2),
                   *ib = rn_value_method(b, "==", 2);
    if (ib) { /* == of two interface values: same type, equal fields */
        *truth = ia && !strcmp(tmpl_type_name(a), tmpl_type_name(b)) &&
                 ia->u.s.len == ib->u.s.len &&
                 !memcmp(ia->u.s.ptr, ib->u.s.ptr, ia->u.s.len);
        return 0;
    }
    rn_value *fa[2] = {b, rn_strz(ar, tmpl_type_name(b))};
    rn_buf m = RN_BUF_INIT;
    const char *f = "non-comparable type %s: %v";
    rn_gofmt_sprintf(&m, f, strlen(f), 2, fa);
    tmpl_fail(ctx, "%s", rn_buf_cstr(&m));
    rn_buf_free(&m);
    return -1;
}

static int eq_pair(tmpl_ctx *ctx, rn_value *a, rn_value *b, bool *truth)
{
    int k1 = basic_kind(a), k2 = basic_kind(b);
    *truth = false;
    if (k1 != k2) {
        /* integers compare whatever their signs */
        if ((k1 == K_INT && k2 == K_UINT) || (k1 == K_UINT && k2 == K_INT)) {
            *truth = (k1 == K_INT ? a : b)->u.i >= 0 && a->u.i == b->u.i;
            return 0;
        }
        if (a->kind != RN_NULL && b->kind != RN_NULL)
            return incompatible(ctx, a, b);
        return 0;
    }
    switch (k1) {
    case K_BOOL:
        *truth = a->u.b == b->u.b;
        return 0;
    case K_INT:
    case K_UINT:
        *truth = a->u.i == b->u.i;
        return 0;
    case K_FLOAT:
        *truth = a->u.f == b->u.f;
        return 0;
    case K_COMPLEX:
        *truth = a->u.c.re == b->u.c.re && a->u.c.im == b->u.c.im;
        return 0;
    case K_STRING:
        *truth = str_cmp(a, b) == 0;
        return 0;
    default:
        return eq_other(ctx, a, b, truth);
    }
}

static int eq_any(tmpl_ctx *ctx, int argc, rn_value **argv, bool *truth)
{
    if (argc < 2)
        return tmpl_fail(ctx, "missing argument for comparison");
    for (int i = 1; i < argc; i++) {
        if (eq_pair(ctx, argv[0], argv[i], truth) < 0)
            return -1;
        if (*truth)
            return 0;
    }
    return 0;
}

static int less(tmpl_ctx *ctx, rn_value *a, rn_value *b, bool *truth)
{
    int k1 = basic_kind(a), k2 = basic_kind(b);
    if (k1 == K_INVALID || k2 == K_INVALID)
        return tmpl_fail(ctx, "invalid type for comparison");
    if (k1 == K_INT && k2 == K_UINT) {
        *truth = a->u.i < 0 || (uint64_t)a->u.i < (uint64_t)b->u.i;
        return 0;
    }
    if (k1 == K_UINT && k2 == K_INT) {
        *truth = b->u.i >= 0 && (uint64_t)a->u.i < (uint64_t)b->u.i;
        return 0;
    }
    if (k1 != k2)
        return incompatible(ctx, a, b);
    switch (k1) {
    case K_FLOAT:
        *truth = a->u.f < b->u.f;
        return 0;
    case K_INT:
        *truth = a->u.i < b->u.i;
        return 0;
    case K_UINT:
        *truth = (uint64_t)a->u.i < (uint64_t)b->u.i;
        return 0;
    case K_STRING:
        *truth = str_cmp(a, b) < 0;
        return 0;
    default:
        return tmpl_fail(ctx, "invalid type for comparison");
    }
}

static int bool_out(tmpl_ctx *ctx, bool v, rn_value **out)
{
    *out = rn_bool(tmpl_arena(ctx), v);
    return 0;
}

static int fn_eq(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (eq_any(ctx, argc, argv, &t) < 0)
        return -1;
    return bool_out(ctx, t, out);
}

static int fn_ne(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (eq_any(ctx, argc, argv, &t) < 0)
        return -1;
    return bool_out(ctx, !t, out);
}

static int fn_lt(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (less(ctx, argv[0], argv[1], &t) < 0)
        return -1;
    return bool_out(ctx, t, out);
}

static int less_equal(tmpl_ctx *ctx, rn_value **argv, bool *t)
{
    if (less(ctx, argv[0], argv[1], t) < 0)
        return -1;
    if (*t)
        return 0;
    return eq_any(ctx, 2, argv, t);
}

static int fn_le(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (less_equal(ctx, argv, &t) < 0)
        return -1;
    return bool_out(ctx, t, out);
}

static int fn_gt(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (less_equal(ctx, argv, &t) < 0)
        return -1;
    return bool_out(ctx, !t, out);
}

static int fn_ge(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    bool t;
    if (less(ctx, argv[0], argv[1], &t) < 0)
        return -1;
    return bool_out(ctx, !t, out);
}

/* ---- call -------------------------------------------------------------- */

int tmpl_builtin_call(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    rn_value *fn = argv[0];
    if (fn->kind == RN_NULL)
        return tmpl_fail(ctx, "call of nil");
    if (fn->kind != RN_FUNC) {
        rn_buf name = RN_BUF_INIT;
        const tnode *n = ctx->meta[0].node;
        if (n)
            tn_write(&name, n);
        else if (fn->kind == RN_STRING)
            rn_buf_append(&name, fn->u.s.ptr, fn->u.s.len);
        else
            rn_buf_printf(&name, "<%s Value>", tmpl_type_name(fn));
        tmpl_fail(ctx, "non-function %s of type %s", rn_buf_cstr(&name),
                  tmpl_type_name(fn));
        rn_buf_free(&name);
        return -1;
    }
    return tmpl_ctx_call_value(ctx, fn, argc - 1, argv + 1, out);
}

/* ---- Helm: include and tpl --------------------------------------------- */

static int fn_include(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    const char *name;
    size_t n;
    if (tmpl_arg_str(ctx, argv, 0, &name, &n) < 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    if (tmpl_ctx_include(ctx, name, argv[1], &b) < 0) {
        rn_buf_free(&b);
        return -1;
    }
    return set_string(ctx, &b, out);
}

static int fn_tpl(tmpl_ctx *ctx, int argc, rn_value **argv, rn_value **out)
{
    const char *text;
    size_t n;
    if (tmpl_arg_str(ctx, argv, 0, &text, &n) < 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    if (tmpl_ctx_tpl(ctx, text, n, argv[1], &b) < 0) {
        rn_buf_free(&b);
        return -1;
    }
    return set_string(ctx, &b, out);
}

const tmpl_func_def tmpl_builtin_funcs[] = {
    {"and", tmpl_builtin_and, 1, -1},
    {"or", tmpl_builtin_or, 1, -1},
    {"not", fn_not, 1, 1},
    {"len", fn_len, 1, 1},
    {"index", fn_index, 1, -1},
    {"slice", fn_slice, 1, -1},
    {"print", fn_print, 0, -1},
    {"printf", fn_printf, 1, -1},
    {"println", fn_println, 0, -1},
    {"eq", fn_eq, 1, -1},
    {"ne", fn_ne, 2, 2},
    {"lt", fn_lt, 2, 2},
    {"le", fn_le, 2, 2},
    {"gt", fn_gt, 2, 2},
    {"ge", fn_ge, 2, 2},
    {"html", fn_html, 0, -1},
    {"js", fn_js, 0, -1},
    {"urlquery", fn_urlquery, 0, -1},
    {"call", tmpl_builtin_call, 1, -1},
    {"include", fn_include, 2, 2},
    {"tpl", fn_tpl, 2, 2},
    {NULL, NULL, 0, 0},
};

bool tmpl_is_builtin(const tmpl_func_def *def)
{
    size_t n = sizeof tmpl_builtin_funcs / sizeof tmpl_builtin_funcs[0];
    return def >= tmpl_builtin_funcs && def < tmpl_builtin_funcs + n;
}
