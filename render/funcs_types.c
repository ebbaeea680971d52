/*
 * funcs_types.c — Go types as Sprig sees them: argument conversion for the
 * whole function library (Go parameter types, spf13/cast, strval, empty)
 * and the reflection and defaulting functions (typeOf, kindIs, default,
 * empty, coalesce, ternary, ...).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "funcs_int.h"
#include "gofmt.h"
#include "json.h"

/* --- arguments --- */

int rn_fn_fail_type(tmpl_ctx *ctx, const char *expected, const rn_value *got)
{
    if (!got || got->kind == RN_NULL)
        return tmpl_fail(ctx, "invalid value; expected %s", expected);
    return tmpl_fail(ctx, "wrong type for value; expected %s; got %s", expected,
                     rn_fn_type_name(got));
}

int rn_fn_arg_str(tmpl_ctx *ctx, rn_value **argv, int i, const char **s,
                  size_t *len)
{
    size_t n = 0;
    if (tmpl_arg_str(ctx, argv, i, s, &n) != 0)
        return -1;
    if (len)
        *len = n;
    return 0;
}

int rn_fn_arg_int(tmpl_ctx *ctx, rn_value **argv, int i, int64_t *out)
{
    return tmpl_arg_int(ctx, argv, i, out);
}

int rn_fn_arg_bool(tmpl_ctx *ctx, rn_value **argv, int i, bool *out)
{
    if (argv[i]->kind != RN_BOOL)
        return rn_fn_fail_type(ctx, "bool", argv[i]);
    *out = argv[i]->u.b;
    return 0;
}

/* Go's evalArg for a map parameter: a nil constant or no value is a nil
 * map (*out == NULL); a nil interface{} (a null from values.yaml) is a
 * wrong type, as is any other kind of value. */
int rn_fn_arg_map(tmpl_ctx *ctx, rn_value **argv, int i, rn_value **out)
{
    rn_value *v = argv[i];
    bool ok = v->kind == RN_MAP && !(v->flags & RN_F_STRMAP) &&
              rn_fn_kind_name(v) == rn_value_kind_name(v);
    int rc = tmpl_arg_typed(ctx, argv, i, "map[string]interface {}", true, ok);
    if (rc < 0)
        return -1;
    *out = rc == 1 ? v : NULL;
    return 0;
}

/* --- conversions --- */

const char *rn_fn_strval(rn_arena *a, const rn_value *v, size_t *len)
{
    if (v && v->kind == RN_STRING) {
        if (len)
            *len = v->u.s.len;
        return v->u.s.ptr;
    }
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_value(&b, v);
    char *s = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    if (len)
        *len = b.len;
    rn_buf_free(&b);
    return s;
}

rn_value *rn_fn_buf_value(rn_arena *a, rn_buf *b)
{
    rn_value *v = rn_str(a, rn_buf_cstr(b), b->len);
    rn_buf_free(b);
    return v;
}

int64_t rn_fn_float_to_int64(double f)
{
    /* The amd64 conversion instruction yields the "integer indefinite"
     * value for NaN and out-of-range input; Go inherits it. */
    if (isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)f;
}

/* strconv's underscoreOK: underscores only between digits. */
static bool underscore_ok(const char *s, size_t n)
{
    char saw = '^';
    size_t i = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
        s++;
        n--;
    }
    bool hex = false;
    if (n >= 2 && s[0] == '0' && strchr("bBoOxX", s[1]) != NULL &&
        s[1] != '\0') {
        i = 2;
        saw = '0';
        hex = s[1] == 'x' || s[1] == 'X';
    }
    for (; i < n; i++) {
        char c = s[i], l = (char)(c | 0x20);
        if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0')
                return false;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return false;
        saw = '!';
    }
    return saw != '_';
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    return 99;
}

int rn_fn_parse_int(const char *s0, size_t n0, int base, int64_t *out)
{
    const char *s = s0;
    size_t n = n0;
    bool neg = false;
    if (n == 0)
        return -1;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s++;
        n--;
    }
    bool base0 = base == 0;
    if (n == 0)
        return -1;
    if (base0) {
        base = 10;
        if (s[0] == '0') {
            char l = n >= 3 ? (char)(s[1] | 0x20) : 0;
            if (l == 'b' || l == 'o' || l == 'x') {
                base = l == 'b' ? 2 : l == 'o' ? 8 : 16;
                s += 2;
                n -= 2;
            } else {
                base = 8;
                s++;
                n--;
            }
        }
    }
    uint64_t un = 0;
    bool underscores = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_' && base0) {
            underscores = true;
            continue;
        }
        int d = digit_value(s[i]);
        if (d >= base)
            return -1;
        if (un > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return -1;
        un = un * (uint64_t)base + (uint64_t)d;
    }
    if (underscores && !underscore_ok(s0, n0))
        return -1;
    if ((!neg && un > (uint64_t)INT64_MAX) ||
        (neg && un > (uint64_t)INT64_MAX + 1))
        return -1;
    *out = neg ? (int64_t)(0 - un) : (int64_t)un;
    return 0;
}

static bool ieq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* Go's float literal syntax (what strconv.ParseFloat accepts). */
static bool float_syntax_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    /* special(): a sign may precede inf/infinity but not nan */
    if (ieq(s + i, n - i, "inf") || ieq(s + i, n - i, "infinity"))
        return true;
    if (ieq(s + i, n - i, "nan"))
        return i == 0;
    bool hex = n - i > 2 && s[i] == '0' && (s[i + 1] | 0x20) == 'x';
    if (hex)
        i += 2;
    size_t digits = 0;
    bool dot = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_')
            continue;
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if ((c >= '0' && c <= '9') ||
            (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
            digits++;
            continue;
        }
        break;
    }
    if (digits == 0)
        return false;
    if (i < n && (s[i] | 0x20) == (hex ? 'p' : 'e')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
            ed += s[i] != '_';
        if (ed == 0)
            return false;
    } else if (hex) {
        return false; /* a hex mantissa needs a 'p' exponent */
    }
    return i == n;
}

int rn_fn_parse_float(const char *s, size_t n, double *out)
{
    if (!float_syntax_ok(s, n))
        return -1;
    bool underscores = memchr(s, '_', n) != NULL;
    if (underscores && !underscore_ok(s, n))
        return -1;
    char tmp[128];
    char *buf = n < sizeof tmp ? tmp : malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    errno = 0;
    double f = strtod(buf, NULL);
    bool is_inf_word = strpbrk(buf, "iInN") != NULL && !strpbrk(buf, "xX");
    if (buf != tmp)
        free(buf);
    if (isinf(f) && !is_inf_word)
        return -1; /* ErrRange */
    *out = f;
    return 0;
}

/* cast's trimZeroDecimal: "12.000" -> "12". */
static size_t trim_zero_decimal(const char *s, size_t n)
{
    bool found_zero = false;
    for (size_t i = n; i > 0; i--) {
        switch (s[i - 1]) {
        case '.':
            if (found_zero)
                return i - 1;
            break;
        case '0':
            found_zero = true;
            break;
        default:
            return n;
        }
    }
    return n;
}

int64_t rn_fn_cast_int64(const rn_value *v)
{
    int64_t i = 0;
    switch (v ? v->kind : RN_NULL) {
    case RN_BOOL:
        return v->u.b ? 1 : 0;
    case RN_INT:
        return v->u.i;
    case RN_FLOAT:
        return rn_fn_float_to_int64(v->u.f);
    case RN_STRING:
        if (rn_fn_parse_int(v->u.s.ptr,
                            trim_zero_decimal(v->u.s.ptr, v->u.s.len), 0,
                            &i) != 0)
            return 0;
        return i;
    default:
        return 0;
    }
}

double rn_fn_cast_float64(const rn_value *v)
{
    double f = 0;
    switch (v ? v->kind : RN_NULL) {
    case RN_BOOL:
        return v->u.b ? 1 : 0;
    case RN_INT:
        if (v->flags & RN_F_UINT64)
            return (double)(uint64_t)v->u.i;
        return (double)v->u.i;
    case RN_FLOAT:
        return v->u.f;
    case RN_STRING:
        if (rn_fn_parse_float(v->u.s.ptr, v->u.s.len, &f) != 0)
            return 0;
        return f;
    default:
        return 0;
    }
}

bool rn_fn_empty(const rn_value *v)
{
    if (!v)
        return true;
    switch (v->kind) {
    case RN_NULL:
        return true;
    case RN_BOOL:
        return !v->u.b;
    case RN_INT:
        return v->u.i == 0;
    case RN_FLOAT:
        return v->u.f == 0;
    case RN_COMPLEX:
        return v->u.c.re == 0 && v->u.c.im == 0;
    case RN_STRING:
        return v->u.s.len == 0;
    case RN_LIST:
        return v->u.list.len == 0;
    case RN_MAP: /* a Go struct is never empty */
        return v->u.map.len == 0 && !(v->flags & RN_F_STRUCT);
    case RN_FUNC:
        return false;
    }
    return true;
}

rn_value *rn_fn_strlist_new(rn_arena *a, size_t cap)
{
    rn_value *l = rn_list_new(a, cap);
    l->flags |= RN_F_STRLIST;
    return l;
}

rn_value *rn_fn_strslice(rn_arena *a, const rn_value *v)
{
    if (v && v->kind == RN_LIST && (v->flags & RN_F_STRLIST))
        return (rn_value *)v;
    if (v && v->kind == RN_LIST) {
        rn_value *l = rn_fn_strlist_new(a, v->u.list.len);
        for (size_t i = 0; i < v->u.list.len; i++) {
            const rn_value *it = v->u.list.items[i];
            if (it->kind == RN_NULL)
                continue;
            size_t n;
            const char *s = rn_fn_strval(a, it, &n);
            rn_list_push(a, l, rn_str(a, s, n));
        }
        return l;
    }
    rn_value *l = rn_fn_strlist_new(a, 1);
    if (v && v->kind != RN_NULL) {
        size_t n;
        const char *s = rn_fn_strval(a, v, &n);
        rn_list_push(a, l, rn_str(a, s, n));
    }
    return l;
}

/* --- Go objects --- */

/* What each method value is bound to: the object and the method. */
typedef struct obj_binding {
    const rn_fn_class *cls;
    const rn_fn_method *m;
    void *self;
} obj_binding;

static int obj_call(void *bound, tmpl_ctx *ctx, int argc, rn_value **argv,
                    rn_value **out)
{
    obj_binding *b = bound;
    if (!b->m) /* the object's own entry is no method */
        return tmpl_fail(ctx, "not a method");
    return b->m->fn(ctx, b->self, argc, argv, out);
}

rn_value *rn_fn_object_new(rn_arena *a, const rn_fn_class *cls, void *self)
{
    size_t n = 0;
    while (cls->methods[n].name)
        n++;
    rn_value *m = rn_map_new(a, n + 3);
    obj_binding *bs = rn_arena_alloc(a, sizeof *bs * (n + 1));
    /* the object itself, under a name no template can write */
    bs[n] = (obj_binding){cls, NULL, self};
    rn_map_set(a, m, "", 0, rn_func(a, "", obj_call, &bs[n]));
    for (size_t i = 0; i < n; i++) {
        bs[i] = (obj_binding){cls, &cls->methods[i], self};
        rn_map_setz(a, m, cls->methods[i].name,
                    rn_func(a, cls->methods[i].name, obj_call, &bs[i]));
    }
    if (cls->string)
        rn_map_setz(a, m, "String", rn_strz(a, cls->string(a, self)));
    if (cls->json) {
        const char *why = NULL;
        const char *j = cls->json(a, self, &why);
        rn_map_setz(a, m, "MarshalJSON", j ? rn_strz(a, j) : rn_null(a));
        if (!j && why)
            rn_map_setz(a, m, RN_JSON_ERROR_METHOD, rn_strz(a, why));
    }
    /* eq's view of the object (see tmpl_builtins.c) */
    rn_map_setz(a, m, "==",
                rn_strz(a, cls->identity ? cls->identity(a, self)
                                         : rn_arena_printf(a, "%p", self)));
    rn_value *v = rn_map_new(a, 0);
    v->flags |= RN_F_STRUCT;
    rn_value_set_type(v, cls->type_name, m);
    return v;
}

static const obj_binding *obj_of(const rn_value *v)
{
    if (!v || v->kind != RN_MAP || !v->methods)
        return NULL;
    const rn_value *f = rn_map_get(v->methods, "", 0);
    return f && f->kind == RN_FUNC && f->u.fn.fn == obj_call ? f->u.fn.self
                                                             : NULL;
}

void *rn_fn_object_self(const rn_value *v, const rn_fn_class *cls)
{
    const obj_binding *b = obj_of(v);
    return b && b->cls == cls ? b->self : NULL;
}

const char *rn_fn_type_name(const rn_value *v)
{
    const obj_binding *b = obj_of(v);
    if (b)
        return b->cls->type_name;
    if (v && v->kind == RN_MAP && (v->flags & RN_F_VALUES))
        return "chartutil.Values";
    return rn_value_type_name(v);
}

const char *rn_fn_kind_name(const rn_value *v)
{
    const obj_binding *b = obj_of(v);
    if (b)
        return b->cls->kind_name;
    /* Helm's objects modelled as Go structs (.Chart, .Capabilities). */
    if (v && v->kind == RN_MAP && (v->flags & RN_F_STRUCT) && v->tname)
        return v->tname[0] == '*' ? "ptr" : "struct";
    return rn_value_kind_name(v);
}

/* --- reflection --- */

RN_FN(rn_fn_typeof)
{
    *out = rn_strz(tmpl_arena(ctx), rn_fn_type_name(argv[0]));
    return 0;
}

RN_FN(rn_fn_kindof)
{
    *out = rn_strz(tmpl_arena(ctx), rn_fn_kind_name(argv[0]));
    return 0;
}

static int type_test(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                     const char *actual, bool like)
{
    const char *want;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &want, &n) != 0)
        return -1;
    bool eq = strlen(actual) == n && memcmp(actual, want, n) == 0;
    if (!eq && like && actual[0] == '*')
        eq = strlen(actual + 1) == n && memcmp(actual + 1, want, n) == 0;
    *out = rn_bool(tmpl_arena(ctx), eq);
    return 0;
}

RN_FN(rn_fn_typeis)
{
    return type_test(ctx, argv, out, rn_fn_type_name(argv[1]), false);
}

RN_FN(rn_fn_typeislike)
{
    return type_test(ctx, argv, out, rn_fn_type_name(argv[1]), true);
}

RN_FN(rn_fn_kindis)
{
    return type_test(ctx, argv, out, rn_fn_kind_name(argv[1]), false);
}

RN_FN(rn_fn_deepequal)
{
    *out = rn_bool(tmpl_arena(ctx), rn_value_equal(argv[0], argv[1]));
    return 0;
}

/* --- defaults --- */

RN_FN(rn_fn_default)
{
    if (argc < 2 || rn_fn_empty(argv[1]))
        *out = argv[0];
    else
        *out = argv[1];
    return 0;
}

RN_FN(rn_fn_empty_fn)
{
    *out = rn_bool(tmpl_arena(ctx), rn_fn_empty(argv[0]));
    return 0;
}

RN_FN(rn_fn_coalesce)
{
    for (int i = 0; i < argc; i++) {
        if (!rn_fn_empty(argv[i])) {
            *out = argv[i];
            return 0;
        }
    }
    *out = rn_null(tmpl_arena(ctx));
    return 0;
}

RN_FN(rn_fn_all)
{
    bool r = true;
    for (int i = 0; i < argc && r; i++)
        r = !rn_fn_empty(argv[i]);
    *out = rn_bool(tmpl_arena(ctx), r);
    return 0;
}

RN_FN(rn_fn_any)
{
    bool r = false;
    for (int i = 0; i < argc && !r; i++)
        r = !rn_fn_empty(argv[i]);
    *out = rn_bool(tmpl_arena(ctx), r);
    return 0;
}

RN_FN(rn_fn_ternary)
{
    bool cond = false;
    if (rn_fn_arg_bool(ctx, argv, 2, &cond) != 0)
        return -1;
    *out = cond ? argv[0] : argv[1];
    return 0;
}
