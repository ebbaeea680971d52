/*
 * schema.c — the JSON Schema subset described in schema.h. Problems are
 * collected (not just the first) so one run shows the user all of them.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "schema.h"

#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "utf8.h"

/* Compiled patterns, by the schema string they come from: a run compiles
 * each pattern once, not once per value it checks. */
#define MAX_PATTERNS 32
typedef struct pattern_cache {
    const char *pattern[MAX_PATTERNS];
    pcre2_code *code[MAX_PATTERNS];
    pcre2_match_data *md[MAX_PATTERNS];
    int n;
} pattern_cache;

/* And the process's: a chart is validated once per render, and a
 * function or operator renders many times; a pattern (by its text) is
 * compiled once for all of them. Compiled code is only read by matches,
 * so threads share it; each run has its own match data. */
#define MAX_COMPILED 128
static struct {
    pthread_mutex_t mu;
    int n;
    char *pattern[MAX_COMPILED];
    pcre2_code *code[MAX_COMPILED];
} compiled = {PTHREAD_MUTEX_INITIALIZER, 0, {0}, {0}};

/* The compiled pattern, or NULL when it does not compile. *owned says the
 * caller must free it (the process's table was full). */
static pcre2_code *compile_shared(const char *pattern, bool *owned)
{
    *owned = false;
    pthread_mutex_lock(&compiled.mu);
    for (int i = 0; i < compiled.n; i++)
        if (strcmp(compiled.pattern[i], pattern) == 0) {
            pcre2_code *re = compiled.code[i];
            pthread_mutex_unlock(&compiled.mu);
            return re;
        }
    /* Patterns match short values once each: the compile-time
     * optimizations cost more than they save (they change no result
     * without callouts or backtracking verbs). */
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_NO_AUTO_POSSESS |
                                       PCRE2_NO_START_OPTIMIZE,
                                   &ec, &off, NULL);
    char *copy = compiled.n < MAX_COMPILED ? strdup(pattern) : NULL;
    if (copy) {
        compiled.pattern[compiled.n] = copy;
        compiled.code[compiled.n] = re;
        compiled.n++;
    } else {
        *owned = true;
    }
    pthread_mutex_unlock(&compiled.mu);
    return re;
}

/* A schema keyword's value (its length known at compile time). */
#define KW(schema, word) rn_map_get(schema, word, sizeof word - 1)

typedef struct vctx {
    rn_arena *a;
    const rn_value *root;
    rn_buf problems;
    int count;
    int depth;
    pattern_cache *patterns;
} vctx;

/* Where a value is: its key or index under its parent's path. Written out
 * only for a problem ("a.b[2].c"; "" is the root). */
typedef struct vpath {
    const struct vpath *up; /* NULL: the root */
    const char *key;        /* NULL: an index */
    size_t index;
} vpath;

/* As the path was spelled when it was a string built on the way down:
 * "key" under an empty path, "path.key" under another, "path[i]". */
static void write_path(rn_buf *b, size_t start, const vpath *p)
{
    if (!p->up)
        return;
    write_path(b, start, p->up);
    if (!p->key) {
        rn_buf_printf(b, "[%zu]", p->index);
        return;
    }
    if (b->len > start)
        rn_buf_putc(b, '.');
    rn_buf_puts(b, p->key);
}

static void problem(vctx *c, const vpath *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(vctx *c, const vpath *path, const char *fmt, ...)
{
    c->count++;
    if (c->count > 20)
        return;
    rn_buf_puts(&c->problems, "\n- ");
    size_t at = c->problems.len;
    write_path(&c->problems, at, path);
    if (c->problems.len == at)
        rn_buf_puts(&c->problems, "(root)");
    rn_buf_puts(&c->problems, ": ");
    va_list ap;
    va_start(ap, fmt);
    rn_buf_vprintf(&c->problems, fmt, ap);
    va_end(ap);
}

static bool is_integer(const rn_value *v)
{
    if (v->kind == RN_INT)
        return true;
    return v->kind == RN_FLOAT && isfinite(v->u.f) && floor(v->u.f) == v->u.f;
}

static const char *json_type(const rn_value *v)
{
    switch (v->kind) {
    case RN_NULL:
        return "null";
    case RN_BOOL:
        return "boolean";
    case RN_INT:
        return "integer";
    case RN_FLOAT:
        return is_integer(v) ? "integer" : "number";
    case RN_STRING:
        return "string";
    case RN_LIST:
        return "array";
    case RN_MAP:
        return "object";
    default:
        return "unknown";
    }
}

static bool type_ok(const rn_value *v, const char *t)
{
    const char *have = json_type(v);
    if (strcmp(t, "number") == 0)
        return v->kind == RN_INT || v->kind == RN_FLOAT;
    return strcmp(have, t) == 0;
}

static double num(const rn_value *v)
{
    return v->kind == RN_INT ? (double)v->u.i : v->u.f;
}

static bool is_num(const rn_value *v)
{
    return v && (v->kind == RN_INT || v->kind == RN_FLOAT);
}

/* JSON equality: 1 == 1.0. */
static bool json_equal(const rn_value *x, const rn_value *y)
{
    if (is_num(x) && is_num(y))
        return num(x) == num(y);
    if (x->kind != y->kind)
        return false;
    if (x->kind == RN_LIST) {
        if (x->u.list.len != y->u.list.len)
            return false;
        for (size_t i = 0; i < x->u.list.len; i++)
            if (!json_equal(x->u.list.items[i], y->u.list.items[i]))
                return false;
        return true;
    }
    if (x->kind == RN_MAP) {
        if (x->u.map.len != y->u.map.len)
            return false;
        for (size_t i = 0; i < x->u.map.len; i++) {
            rn_pair *p = &x->u.map.pairs[i];
            rn_value *o = rn_map_get(y, p->key, p->keylen);
            if (!o || !json_equal(p->val, o))
                return false;
        }
        return true;
    }
    return rn_value_equal(x, y);
}

static bool regex_match(vctx *c, const char *pattern, const char *s, size_t n)
{
    pattern_cache *pc = c->patterns;
    int i = 0;
    while (i < pc->n && pc->pattern[i] != pattern)
        i++;
    pcre2_code *re = i < pc->n ? pc->code[i] : NULL;
    pcre2_match_data *md = i < pc->n ? pc->md[i] : NULL;
    bool owned = false;
    if (i == pc->n) {
        re = compile_shared(pattern, &owned);
        md = re ? pcre2_match_data_create(1, NULL) : NULL;
        if (pc->n < MAX_PATTERNS && !owned) {
            pc->pattern[pc->n] = pattern;
            pc->code[pc->n] = re;
            pc->md[pc->n] = md;
            pc->n++;
        }
    }
    /* A broken pattern is the schema's problem. */
    bool ok =
        !re || !md || pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
    if (i == MAX_PATTERNS || owned) {
        pcre2_match_data_free(md);
        if (owned)
            pcre2_code_free(re);
    }
    return ok;
}

static const rn_value *resolve_ref(vctx *c, const rn_value *schema)
{
    for (int hops = 0; schema && schema->kind == RN_MAP && hops < 16; hops++) {
        rn_value *ref = KW(schema, "$ref");
        if (!ref || ref->kind != RN_STRING || ref->u.s.ptr[0] != '#')
            return schema;
        const rn_value *cur = c->root;
        const char *p = ref->u.s.ptr + 1;
        while (*p == '/' && cur) {
            p++;
            const char *slash = strchr(p, '/');
            size_t len = slash ? (size_t)(slash - p) : strlen(p);
            cur = cur->kind == RN_MAP ? rn_map_get(cur, p, len) : NULL;
            p += len;
        }
        schema = cur;
    }
    return schema;
}

static void validate(vctx *c, const rn_value *schema, const rn_value *v,
                     const vpath *path);

static int count_valid(vctx *c, const rn_value *v, const rn_value *list,
                       const vpath *path)
{
    int valid = 0;
    for (size_t i = 0; list && list->kind == RN_LIST && i < list->u.list.len;
         i++) {
        vctx sub = {c->a, c->root, RN_BUF_INIT, 0, c->depth, c->patterns};
        validate(&sub, list->u.list.items[i], v, path);
        rn_buf_free(&sub.problems);
        if (sub.count == 0)
            valid++;
    }
    return valid;
}

static void check_type(vctx *c, const rn_value *t, const rn_value *v,
                       const vpath *path)
{
    if (!t)
        return;
    if (t->kind == RN_STRING) {
        if (!type_ok(v, t->u.s.ptr))
            problem(c, path, "got %s, want %s", json_type(v), t->u.s.ptr);
        return;
    }
    if (t->kind != RN_LIST)
        return;
    rn_buf want = RN_BUF_INIT;
    for (size_t i = 0; i < t->u.list.len; i++) {
        rn_value *x = t->u.list.items[i];
        if (x->kind == RN_STRING && type_ok(v, x->u.s.ptr)) {
            rn_buf_free(&want);
            return;
        }
        if (x->kind == RN_STRING)
            rn_buf_printf(&want, "%s%s", i ? " or " : "", x->u.s.ptr);
    }
    problem(c, path, "got %s, want %s", json_type(v), rn_buf_cstr(&want));
    rn_buf_free(&want);
}

static void check_number(vctx *c, const rn_value *s, const rn_value *v,
                         const vpath *path)
{
    if (!is_num(v))
        return;
    double x = num(v);
    rn_value *m;
    if ((m = KW(s, "minimum")) && is_num(m) && x < num(m))
        problem(c, path, "must be >= %g but found %g", num(m), x);
    if ((m = KW(s, "maximum")) && is_num(m) && x > num(m))
        problem(c, path, "must be <= %g but found %g", num(m), x);
    if ((m = KW(s, "exclusiveMinimum")) && is_num(m) && x <= num(m))
        problem(c, path, "must be > %g but found %g", num(m), x);
    if ((m = KW(s, "exclusiveMaximum")) && is_num(m) && x >= num(m))
        problem(c, path, "must be < %g but found %g", num(m), x);
    if ((m = KW(s, "multipleOf")) && is_num(m) && num(m) > 0) {
        double q = x / num(m);
        if (floor(q) != q)
            problem(c, path, "%g not multipleOf %g", x, num(m));
    }
}

static void check_string(vctx *c, const rn_value *s, const rn_value *v,
                         const vpath *path)
{
    if (v->kind != RN_STRING)
        return;
    size_t n = rn_utf8_count(v->u.s.ptr, v->u.s.len);
    rn_value *m;
    if ((m = KW(s, "minLength")) && is_num(m) && n < num(m))
        problem(c, path, "length must be >= %g, but got %zu", num(m), n);
    if ((m = KW(s, "maxLength")) && is_num(m) && n > num(m))
        problem(c, path, "length must be <= %g, but got %zu", num(m), n);
    if ((m = KW(s, "pattern")) && m->kind == RN_STRING &&
        !regex_match(c, m->u.s.ptr, v->u.s.ptr, v->u.s.len))
        problem(c, path, "does not match pattern '%s'", m->u.s.ptr);
}

static void check_object(vctx *c, const rn_value *s, const rn_value *v,
                         const vpath *path)
{
    if (v->kind != RN_MAP)
        return;
    rn_value *req = KW(s, "required");
    for (size_t i = 0; req && req->kind == RN_LIST && i < req->u.list.len;
         i++) {
        rn_value *k = req->u.list.items[i];
        if (k->kind == RN_STRING && !rn_map_get(v, k->u.s.ptr, k->u.s.len))
            problem(c, path, "missing property '%s'", k->u.s.ptr);
    }
    rn_value *props = KW(s, "properties");
    rn_value *pats = KW(s, "patternProperties");
    rn_value *addl = KW(s, "additionalProperties");
    size_t *order = rn_map_sorted(c->a, v);
    for (size_t oi = 0; oi < v->u.map.len; oi++) {
        rn_pair *p = &v->u.map.pairs[order[oi]];
        vpath child = {path, p->key, 0};
        const vpath *cp = &child;
        bool matched = false;
        rn_value *ps = props && props->kind == RN_MAP
                           ? rn_map_get(props, p->key, p->keylen)
                           : NULL;
        if (ps) {
            matched = true;
            validate(c, ps, p->val, cp);
        }
        for (size_t j = 0; pats && pats->kind == RN_MAP && j < pats->u.map.len;
             j++) {
            if (regex_match(c, pats->u.map.pairs[j].key, p->key, p->keylen)) {
                matched = true;
                validate(c, pats->u.map.pairs[j].val, p->val, cp);
            }
        }
        if (matched || !addl)
            continue;
        if (addl->kind == RN_BOOL && !addl->u.b)
            problem(c, path, "additional properties '%s' not allowed", p->key);
        else if (addl->kind == RN_MAP)
            validate(c, addl, p->val, cp);
    }
    rn_value *m;
    if ((m = KW(s, "minProperties")) && is_num(m) && v->u.map.len < num(m))
        problem(c, path, "minimum %g properties allowed", num(m));
    if ((m = KW(s, "maxProperties")) && is_num(m) && v->u.map.len > num(m))
        problem(c, path, "maximum %g properties allowed", num(m));
}

static void check_array(vctx *c, const rn_value *s, const rn_value *v,
                        const vpath *path)
{
    if (v->kind != RN_LIST)
        return;
    rn_value *items = KW(s, "items");
    for (size_t i = 0; items && items->kind == RN_MAP && i < v->u.list.len;
         i++) {
        vpath child = {path, NULL, i};
        validate(c, items, v->u.list.items[i], &child);
    }
    rn_value *m;
    if ((m = KW(s, "minItems")) && is_num(m) && v->u.list.len < num(m))
        problem(c, path, "minimum %g items required, but found %zu items",
                num(m), v->u.list.len);
    if ((m = KW(s, "maxItems")) && is_num(m) && v->u.list.len > num(m))
        problem(c, path, "maximum %g items required, but found %zu items",
                num(m), v->u.list.len);
    if ((m = KW(s, "uniqueItems")) && m->kind == RN_BOOL && m->u.b)
        for (size_t i = 0; i < v->u.list.len; i++)
            for (size_t j = i + 1; j < v->u.list.len; j++)
                if (json_equal(v->u.list.items[i], v->u.list.items[j]))
                    problem(c, path, "items at %zu and %zu are equal", i, j);
}

static void check_combinators(vctx *c, const rn_value *s, const rn_value *v,
                              const vpath *path)
{
    rn_value *m;
    if ((m = KW(s, "allOf")) && m->kind == RN_LIST)
        for (size_t i = 0; i < m->u.list.len; i++)
            validate(c, m->u.list.items[i], v, path);
    if ((m = KW(s, "anyOf")) && m->kind == RN_LIST &&
        count_valid(c, v, m, path) == 0)
        problem(c, path, "anyOf failed");
    if ((m = KW(s, "oneOf")) && m->kind == RN_LIST &&
        count_valid(c, v, m, path) != 1)
        problem(c, path, "oneOf failed");
    if ((m = KW(s, "not")) && m->kind == RN_MAP) {
        rn_value *one = rn_list_new(c->a, 1);
        rn_list_push(c->a, one, m);
        if (count_valid(c, v, one, path) == 1)
            problem(c, path, "not failed");
    }
}

static void validate(vctx *c, const rn_value *schema, const rn_value *v,
                     const vpath *path)
{
    schema = resolve_ref(c, schema);
    if (!schema || c->depth > 64)
        return;
    if (schema->kind == RN_BOOL) {
        if (!schema->u.b)
            problem(c, path, "not allowed");
        return;
    }
    if (schema->kind != RN_MAP)
        return;
    c->depth++;
    check_type(c, KW(schema, "type"), v, path);
    rn_value *m;
    if ((m = KW(schema, "enum")) && m->kind == RN_LIST) {
        bool found = false;
        for (size_t i = 0; i < m->u.list.len && !found; i++)
            found = json_equal(m->u.list.items[i], v);
        if (!found) {
            rn_buf have = RN_BUF_INIT;
            rn_gofmt_value(&have, v);
            problem(c, path, "value must be one of the enum values, got %s",
                    rn_buf_cstr(&have));
            rn_buf_free(&have);
        }
    }
    if ((m = KW(schema, "const")) && !json_equal(m, v))
        problem(c, path, "value does not match the const");
    check_number(c, schema, v, path);
    check_string(c, schema, v, path);
    check_object(c, schema, v, path);
    check_array(c, schema, v, path);
    check_combinators(c, schema, v, path);
    c->depth--;
}

int rn_schema_validate(rn_arena *a, const rn_value *schema,
                       const rn_value *values, rn_error *err)
{
    if (!schema)
        return 0;
    pattern_cache patterns = {.n = 0};
    vctx c = {a, schema, RN_BUF_INIT, 0, 0, &patterns};
    vpath root = {NULL, NULL, 0};
    validate(&c, schema, values, &root);
    for (int i = 0; i < patterns.n; i++)
        pcre2_match_data_free(patterns.md[i]);
    if (c.count == 0) {
        rn_buf_free(&c.problems);
        return 0;
    }
    rn_error_set(err,
                 "values don't meet the specifications of the schema(s) in "
                 "values.schema.json:%s%s",
                 rn_buf_cstr(&c.problems),
                 c.count > 20 ? "\n- (more problems not shown)" : "");
    rn_buf_free(&c.problems);
    return -1;
}
