/*
 * openapi.c — a CRD's structural schema, compiled once into a tree of
 * nodes, and the check of an object against it (see openapi.h).
 *
 * Compiling resolves what a check would otherwise look up per value: the
 * type as a bit set, properties sorted for binary search, patterns
 * compiled by PCRE2 (into the arena, through a general context), bounds as
 * numbers. A check then allocates nothing but the message of a failure and
 * the match data of a pattern.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "openapi.h"

#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

enum {
    T_OBJECT = 1 << 0,
    T_ARRAY = 1 << 1,
    T_STRING = 1 << 2,
    T_INTEGER = 1 << 3,
    T_NUMBER = 1 << 4,
    T_BOOLEAN = 1 << 5,
};

typedef struct prop {
    const char *name;
    size_t len;
    const rn_openapi *schema;
} prop;

struct rn_openapi {
    unsigned types; /* T_* bits; 0: any type */
    bool nullable;
    bool preserve;   /* x-kubernetes-preserve-unknown-fields */
    bool addl_any;   /* additionalProperties: true */
    bool addl_none;  /* additionalProperties: false */
    int format_bits; /* 32 or 64 for int32/int64, else 0 */
    bool has_min, has_max;
    double min, max;
    int64_t min_len, max_len, min_items, max_items; /* -1: unset */
    prop *props;                                    /* sorted by name */
    size_t nprops;
    rn_openapi *addl; /* additionalProperties as a schema */
    rn_openapi *items;
    const char **required;
    size_t nrequired;
    const rn_value *enums; /* RN_LIST, borrowed */
    pcre2_code *pattern;
    const char *pattern_src;
    rn_openapi **any_of;
    size_t nany_of;
};

/* ---- describing values ------------------------------------------------- */

const char *rn_openapi_describe(rn_arena *a, const rn_value *v)
{
    switch (v->kind) {
    case RN_NULL:
        return "null";
    case RN_BOOL:
        return v->u.b ? "true" : "false";
    case RN_INT:
        return rn_arena_printf(a, "%lld", (long long)v->u.i);
    case RN_FLOAT:
        return rn_arena_printf(a, "%g", v->u.f);
    case RN_COMPLEX:
        return "a complex number";
    case RN_LIST:
        return "a list";
    case RN_MAP:
        return "an object";
    case RN_FUNC:
        return "a function";
    case RN_STRING:
        break;
    }
    /* At most 64 bytes, cut before a continuation byte so no character
     * is split. */
    size_t n = v->u.s.len;
    if (n > 64) {
        n = 64;
        while (n > 0 && ((unsigned char)v->u.s.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_putc(&b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v->u.s.ptr[i];
        if (ch == '"' || ch == '\\')
            rn_buf_printf(&b, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            rn_buf_printf(&b, "\\x%02x", ch);
        else
            rn_buf_putc(&b, (char)ch);
    }
    rn_buf_puts(&b, v->u.s.len > 64 ? "\"..." : "\"");
    const char *s = rn_arena_strdup(a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

/* ---- compiling --------------------------------------------------------- */

typedef struct cctx {
    rn_arena *a;
    rn_error *err;
    pcre2_compile_context *pcre;
    int depth;
} cctx;

/* PCRE2 allocates compiled patterns from the schema's arena. */
static void *arena_malloc(PCRE2_SIZE n, void *arena)
{
    return rn_arena_alloc(arena, n);
}

static void arena_free(void *p, void *arena)
{
    (void)p;
    (void)arena;
}

static bool is_num(const rn_value *v)
{
    return v && (v->kind == RN_INT || v->kind == RN_FLOAT);
}

static double num(const rn_value *v)
{
    return v->kind == RN_INT ? (double)v->u.i : v->u.f;
}

static bool flag(const rn_value *s, const char *key)
{
    const rn_value *v = rn_map_getz(s, key);
    return v && v->kind == RN_BOOL && v->u.b;
}

static int64_t count(const rn_value *s, const char *key)
{
    const rn_value *v = rn_map_getz(s, key);
    return is_num(v) && num(v) >= 0 ? (int64_t)num(v) : -1;
}

static int compile(cctx *c, const rn_value *s, const char *path,
                   rn_openapi **out);

static int compile_type(cctx *c, const rn_value *s, const char *path,
                        rn_openapi *n)
{
    static const struct {
        const char *name;
        unsigned bit;
    } types[] = {{"object", T_OBJECT}, {"array", T_ARRAY},
                 {"string", T_STRING}, {"integer", T_INTEGER},
                 {"number", T_NUMBER}, {"boolean", T_BOOLEAN}};
    const rn_value *t = rn_map_getz(s, "type");
    if (flag(s, "x-kubernetes-int-or-string")) {
        n->types = T_INTEGER | T_STRING;
        return 0;
    }
    if (!t)
        return 0;
    for (size_t i = 0; t->kind == RN_STRING && i < 6; i++)
        if (strcmp(t->u.s.ptr, types[i].name) == 0)
            n->types = types[i].bit;
    if (!n->types)
        return rn_error_set(c->err, "%s.type: unknown type %s", path,
                            rn_openapi_describe(c->a, t));
    const rn_value *f = rn_map_getz(s, "format");
    if (n->types == T_INTEGER && f && f->kind == RN_STRING)
        n->format_bits = strcmp(f->u.s.ptr, "int32") == 0   ? 32
                         : strcmp(f->u.s.ptr, "int64") == 0 ? 64
                                                            : 0;
    return 0;
}

static int cmp_prop(const void *x, const void *y)
{
    const prop *p = x, *q = y;
    return strcmp(p->name, q->name);
}

static int compile_object(cctx *c, const rn_value *s, const char *path,
                          rn_openapi *n)
{
    const rn_value *props = rn_map_getz(s, "properties");
    if (props && props->kind == RN_MAP && props->u.map.len) {
        n->nprops = props->u.map.len;
        n->props = rn_arena_alloc(c->a, n->nprops * sizeof *n->props);
        for (size_t i = 0; i < n->nprops; i++) {
            rn_pair *p = &props->u.map.pairs[i];
            rn_openapi *child;
            const char *cp =
                rn_arena_printf(c->a, "%s.properties.%s", path, p->key);
            if (compile(c, p->val, cp, &child) < 0)
                return -1;
            n->props[i] = (prop){p->key, p->keylen, child};
        }
        qsort(n->props, n->nprops, sizeof *n->props, cmp_prop);
    }
    const rn_value *addl = rn_map_getz(s, "additionalProperties");
    if (addl && addl->kind == RN_BOOL) {
        n->addl_any = addl->u.b;
        n->addl_none = !addl->u.b;
    } else if (addl && addl->kind == RN_MAP) {
        const char *ap = rn_arena_printf(c->a, "%s.additionalProperties", path);
        if (compile(c, addl, ap, &n->addl) < 0)
            return -1;
    }
    const rn_value *req = rn_map_getz(s, "required");
    if (req && req->kind == RN_LIST && req->u.list.len) {
        n->required = rn_arena_alloc(c->a, req->u.list.len * sizeof(char *));
        for (size_t i = 0; i < req->u.list.len; i++)
            if (req->u.list.items[i]->kind == RN_STRING)
                n->required[n->nrequired++] = req->u.list.items[i]->u.s.ptr;
    }
    return 0;
}

static int compile_pattern(cctx *c, const rn_value *s, const char *path,
                           rn_openapi *n)
{
    const rn_value *p = rn_map_getz(s, "pattern");
    if (!p || p->kind != RN_STRING)
        return 0;
    int ec;
    PCRE2_SIZE off;
    n->pattern = pcre2_compile((PCRE2_SPTR)p->u.s.ptr, p->u.s.len, PCRE2_UTF,
                               &ec, &off, c->pcre);
    if (!n->pattern) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return rn_error_set(c->err, "%s.pattern: at offset %zu: %s", path,
                            (size_t)off, (const char *)msg);
    }
    n->pattern_src = p->u.s.ptr;
    return 0;
}

static int compile(cctx *c, const rn_value *s, const char *path,
                   rn_openapi **out)
{
    if (!s || s->kind != RN_MAP)
        return rn_error_set(c->err, "%s: a schema must be an object", path);
    if (++c->depth > 64)
        return rn_error_set(c->err, "%s: the schema nests too deeply", path);
    rn_openapi *n = rn_arena_alloc(c->a, sizeof *n);
    *out = n;
    n->nullable = flag(s, "nullable");
    n->preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    const rn_value *m;
    if ((n->has_min = is_num(m = rn_map_getz(s, "minimum"))))
        n->min = num(m);
    if ((n->has_max = is_num(m = rn_map_getz(s, "maximum"))))
        n->max = num(m);
    n->min_len = count(s, "minLength");
    n->max_len = count(s, "maxLength");
    n->min_items = count(s, "minItems");
    n->max_items = count(s, "maxItems");
    if ((m = rn_map_getz(s, "enum")) && m->kind == RN_LIST)
        n->enums = m;
    if (compile_type(c, s, path, n) < 0 || compile_object(c, s, path, n) < 0 ||
        compile_pattern(c, s, path, n) < 0)
        return -1;
    if ((m = rn_map_getz(s, "items")) &&
        compile(c, m, rn_arena_printf(c->a, "%s.items", path), &n->items) < 0)
        return -1;
    /* int-or-string already says what its anyOf says. */
    m = rn_map_getz(s, "anyOf");
    if (m && m->kind == RN_LIST && m->u.list.len &&
        !flag(s, "x-kubernetes-int-or-string")) {
        n->any_of = rn_arena_alloc(c->a, m->u.list.len * sizeof *n->any_of);
        for (size_t i = 0; i < m->u.list.len; i++)
            if (compile(c, m->u.list.items[i],
                        rn_arena_printf(c->a, "%s.anyOf[%zu]", path, i),
                        &n->any_of[n->nany_of++]) < 0)
                return -1;
    }
    c->depth--;
    return 0;
}

int rn_openapi_compile(rn_arena *a, const rn_value *schema, rn_openapi **out,
                       rn_error *err)
{
    pcre2_general_context *gen =
        pcre2_general_context_create(arena_malloc, arena_free, a);
    pcre2_compile_context *pc = gen ? pcre2_compile_context_create(gen) : NULL;
    if (!pc)
        return rn_error_set(err, "out of memory compiling a schema");
    cctx c = {a, err, pc, 0};
    *out = NULL;
    rn_openapi *n;
    if (compile(&c, schema, "openAPIV3Schema", &n) < 0)
        return -1;
    *out = n;
    return 0;
}

const rn_openapi *rn_openapi_property(const rn_openapi *s, const char *name)
{
    if (!s || !s->nprops)
        return NULL;
    prop key = {name, strlen(name), NULL};
    const prop *p = bsearch(&key, s->props, s->nprops, sizeof key, cmp_prop);
    return p ? p->schema : NULL;
}

/* ---- checking ---------------------------------------------------------- */

typedef struct vctx {
    rn_arena *a;
    rn_error *err;
    rn_buf path; /* the field path of the value being checked */
} vctx;

static int fail(vctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "<path>: <message>", the path kept apart for KRM results. */
static int fail(vctx *c, const char *fmt, ...)
{
    char msg[RN_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *path = rn_buf_cstr(&c->path);
    rn_error_set(c->err, "%s: %s", path, msg);
    snprintf(c->err->field, sizeof c->err->field, "%s", path);
    return -1;
}

static const char *describe(vctx *c, const rn_value *v)
{
    return rn_openapi_describe(c->a, v);
}

static bool is_integer(const rn_value *v)
{
    return v->kind == RN_INT ||
           (v->kind == RN_FLOAT && isfinite(v->u.f) && floor(v->u.f) == v->u.f);
}

static bool type_ok(unsigned types, const rn_value *v)
{
    switch (v->kind) {
    case RN_MAP:
        return types & T_OBJECT;
    case RN_LIST:
        return types & T_ARRAY;
    case RN_STRING:
        return types & T_STRING;
    case RN_BOOL:
        return types & T_BOOLEAN;
    case RN_INT:
    case RN_FLOAT:
        return (types & T_NUMBER) || ((types & T_INTEGER) && is_integer(v));
    default:
        return false;
    }
}

/* "an integer or a string", as the type bits say. */
static const char *type_words(vctx *c, unsigned types)
{
    static const char *const words[] = {"an object", "a list",
                                        "a string",  "an integer",
                                        "a number",  "true or false"};
    rn_buf b = RN_BUF_INIT;
    for (unsigned i = 0; i < 6; i++)
        if (types & (1u << i))
            rn_buf_printf(&b, "%s%s", b.len ? " or " : "", words[i]);
    const char *s = rn_arena_strdup(c->a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

static bool enum_equal(const rn_value *x, const rn_value *y)
{
    if (is_num(x) && is_num(y))
        return num(x) == num(y);
    if (x->kind != y->kind)
        return false;
    if (x->kind == RN_STRING)
        return x->u.s.len == y->u.s.len &&
               memcmp(x->u.s.ptr, y->u.s.ptr, x->u.s.len) == 0;
    return rn_value_equal(x, y);
}

static int check_enum(vctx *c, const rn_openapi *s, const rn_value *v)
{
    const rn_value *e = s->enums;
    for (size_t i = 0; i < e->u.list.len; i++)
        if (enum_equal(e->u.list.items[i], v))
            return 0;
    rn_buf b = RN_BUF_INIT;
    for (size_t i = 0; i < e->u.list.len; i++) {
        const rn_value *x = e->u.list.items[i];
        /* The empty string is shown as "". */
        rn_buf_printf(&b, "%s%s", i ? ", " : "",
                      x->kind == RN_STRING && x->u.s.len ? x->u.s.ptr
                                                         : describe(c, x));
    }
    fail(c, "must be one of %s, got %s", rn_buf_cstr(&b), describe(c, v));
    rn_buf_free(&b);
    return -1;
}

/* "%lld" for integral bounds, "%g" otherwise. */
static const char *bound(vctx *c, double x)
{
    if (floor(x) == x && fabs(x) < 9e15)
        return rn_arena_printf(c->a, "%lld", (long long)x);
    return rn_arena_printf(c->a, "%g", x);
}

static int check_number(vctx *c, const rn_openapi *s, const rn_value *v)
{
    const char *what = s->types == T_INTEGER ? "an integer " : "";
    double x = num(v);
    double lo = s->has_min ? s->min : -INFINITY;
    double hi = s->has_max ? s->max : INFINITY;
    if (s->format_bits == 32) {
        lo = fmax(lo, (double)INT32_MIN);
        hi = fmin(hi, (double)INT32_MAX);
    } else if (s->format_bits == 64 || s->types == T_INTEGER) {
        /* 2^63 is the first double an int64 cannot hold. */
        if (v->kind == RN_FLOAT &&
            (x >= 9223372036854775808.0 || x < -9223372036854775808.0))
            return fail(c, "must be %sthat fits in 64 bits, got %s", what,
                        describe(c, v));
    }
    if (x < lo)
        return fail(c, "must be %s>= %s, got %s", what, bound(c, lo),
                    describe(c, v));
    if (x > hi)
        return fail(c, "must be %s<= %s, got %s", what, bound(c, hi),
                    describe(c, v));
    return 0;
}

static int check_string(vctx *c, const rn_openapi *s, const rn_value *v)
{
    size_t n = rn_utf8_count(v->u.s.ptr, v->u.s.len);
    if (s->min_len == 1 && n == 0)
        return fail(c, "must not be empty (omit the field instead)");
    if (s->min_len >= 0 && n < (size_t)s->min_len)
        return fail(c, "must be at least %lld characters long, got %s",
                    (long long)s->min_len, describe(c, v));
    if (s->max_len >= 0 && n > (size_t)s->max_len)
        return fail(c, "must be at most %lld characters long, got %zu",
                    (long long)s->max_len, n);
    if (!s->pattern)
        return 0;
    /* Match memory from malloc, not from the pattern's allocator: that
     * is the shared schema's arena, which PCRE2 before 10.41 would use for
     * its match frames, from every thread at once. */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    if (!md || !mc) {
        pcre2_match_data_free(md);
        pcre2_match_context_free(mc);
        return fail(c, "out of memory");
    }
    int rc = pcre2_match(s->pattern, (PCRE2_SPTR)v->u.s.ptr, v->u.s.len, 0, 0,
                         md, mc);
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    if (rc < 0)
        return fail(c, "must match %s, got %s", s->pattern_src, describe(c, v));
    return 0;
}

static int check(vctx *c, const rn_openapi *s, const rn_value *v);

/* Append `.key` to the path (no dot at its start). */
static void path_key(vctx *c, const char *key)
{
    rn_buf_printf(&c->path, "%s%s", c->path.len ? "." : "", key);
}

/* Check v as the child `key` (object) or `[index]` (list) of the path. */
static int check_child(vctx *c, const rn_openapi *s, const rn_value *v,
                       const char *key, size_t index)
{
    size_t len = c->path.len;
    if (key)
        path_key(c, key);
    else
        rn_buf_printf(&c->path, "[%zu]", index);
    int rc = check(c, s, v);
    if (rc == 0) {
        c->path.len = len;
        c->path.data[len] = '\0';
    }
    return rc;
}

/* Levenshtein distance, for "did you mean" on short keys. */
static size_t distance(const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    if (nx > 63 || ny > 63)
        return SIZE_MAX;
    size_t row[64];
    for (size_t j = 0; j <= ny; j++)
        row[j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= ny; j++) {
            size_t up = row[j];
            size_t sub = diag + (x[i - 1] != y[j - 1]);
            size_t best = sub < up + 1 ? sub : up + 1;
            row[j] = best < row[j - 1] + 1 ? best : row[j - 1] + 1;
            diag = up;
        }
    }
    return row[ny];
}

static int unknown_field(vctx *c, const rn_openapi *s, const char *key)
{
    const char *best = NULL;
    size_t best_d = 3; /* a typo, not another word */
    for (size_t i = 0; i < s->nprops; i++) {
        size_t d = distance(key, s->props[i].name);
        if (d < best_d)
            best = s->props[i].name, best_d = d;
    }
    path_key(c, key);
    if (best)
        return fail(c, "unknown field (did you mean %s?)", best);
    return fail(c, "unknown field");
}

static int check_object(vctx *c, const rn_openapi *s, const rn_value *v)
{
    /* An object schema with neither properties nor additionalProperties
     * takes any fields (the suite's static check keeps spec free of it). */
    bool closed =
        !s->preserve && !s->addl_any && (s->nprops || s->addl || s->addl_none);
    for (size_t i = 0; i < v->u.map.len; i++) {
        const rn_pair *p = &v->u.map.pairs[i];
        const rn_openapi *ps = rn_openapi_property(s, p->key);
        if (!ps)
            ps = s->addl;
        if (!ps && closed)
            return unknown_field(c, s, p->key);
        /* The API server prunes a null field; nullable makes null valid. */
        if (!ps || p->val->kind == RN_NULL)
            continue;
        if (check_child(c, ps, p->val, p->key, 0) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->nrequired; i++) {
        const rn_value *x = rn_map_getz(v, s->required[i]);
        if (!x || x->kind == RN_NULL) {
            path_key(c, s->required[i]);
            return fail(c, "is required");
        }
    }
    return 0;
}

static int check_array(vctx *c, const rn_openapi *s, const rn_value *v)
{
    size_t n = v->u.list.len;
    if (s->min_items >= 0 && n < (size_t)s->min_items)
        return fail(c, "must have at least %lld items, got %zu",
                    (long long)s->min_items, n);
    if (s->max_items >= 0 && n > (size_t)s->max_items)
        return fail(c, "must have at most %lld items, got %zu",
                    (long long)s->max_items, n);
    for (size_t i = 0; s->items && i < n; i++)
        if (check_child(c, s->items, v->u.list.items[i], NULL, i) < 0)
            return -1;
    return 0;
}

/* anyOf: valid when one branch is; else the types the branches name, or
 * the first branch's complaint. */
static int check_any_of(vctx *c, const rn_openapi *s, const rn_value *v)
{
    /* The complaint worth reporting comes from the first branch that takes
     * the value's type (a string that fails the string branch's pattern is
     * not "must be an integer"); with none, the types all branches take. */
    unsigned types = 0;
    bool have = false;
    rn_error first;
    rn_error_clear(&first);
    for (size_t i = 0; i < s->nany_of; i++) {
        rn_error scratch;
        rn_error_clear(&scratch);
        vctx sub = {c->a, &scratch, RN_BUF_INIT};
        rn_buf_puts(&sub.path, rn_buf_cstr(&c->path));
        int rc = check(&sub, s->any_of[i], v);
        rn_buf_free(&sub.path);
        if (rc == 0)
            return 0;
        types |= s->any_of[i]->types;
        bool takes = !s->any_of[i]->types || type_ok(s->any_of[i]->types, v);
        if (!have && (takes || i + 1 == s->nany_of)) {
            first = scratch;
            have = takes;
        }
    }
    if (!have && types && !type_ok(types, v))
        return fail(c, "must be %s, got %s", type_words(c, types),
                    describe(c, v));
    *c->err = first;
    return -1;
}

static int check(vctx *c, const rn_openapi *s, const rn_value *v)
{
    if (v->kind == RN_NULL && s->nullable)
        return 0;
    if (s->types && !type_ok(s->types, v))
        return fail(c, "must be %s, got %s", type_words(c, s->types),
                    describe(c, v));
    if (s->enums && check_enum(c, s, v) < 0)
        return -1;
    int rc = 0;
    switch (v->kind) {
    case RN_INT:
    case RN_FLOAT:
        rc = check_number(c, s, v);
        break;
    case RN_STRING:
        rc = check_string(c, s, v);
        break;
    case RN_MAP:
        rc = check_object(c, s, v);
        break;
    case RN_LIST:
        rc = check_array(c, s, v);
        break;
    default:
        break;
    }
    if (rc < 0)
        return -1;
    return s->nany_of ? check_any_of(c, s, v) : 0;
}

int rn_openapi_validate(rn_arena *a, const rn_openapi *s, const rn_value *v,
                        const char *path, rn_error *err)
{
    if (!s || !v)
        return 0;
    vctx c = {a, err, RN_BUF_INIT};
    rn_buf_puts(&c.path, path);
    int rc = check(&c, s, v);
    rn_buf_free(&c.path);
    return rc;
}
