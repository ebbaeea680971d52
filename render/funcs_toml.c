/*
 * funcs_toml.c — Helm's toToml: the BurntSushi/toml v1.6 encoder's output
 * for a value (tables sorted by key, plain values before sub-tables,
 * arrays of maps as [[tables]], nested tables indented two spaces per
 * level, maps inside arrays as inline tables). Like Helm, an encoding
 * error becomes the result text rather than a template error.
 *
 * Also fromToml, whose reader is toml_parse.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "gofmt.h"

/* The encoder's state: output, whether anything was written (a newline
 * is only written after something), and the first error. */
typedef struct tenc {
    rn_arena *a;
    rn_buf out;
    bool written;
    const char *err;
} tenc;

/* A key path: the names of the enclosing tables. */
typedef struct tkey {
    const char *const *names;
    size_t len;
} tkey;

static void put(tenc *e, const char *s, size_t n)
{
    rn_buf_append(&e->out, s, n);
    e->written = true;
}

static void puts_(tenc *e, const char *s)
{
    put(e, s, strlen(s));
}

static void newline(tenc *e)
{
    if (e->written)
        puts_(e, "\n");
}

static void indent(tenc *e, const tkey *k)
{
    for (size_t i = 1; i < k->len; i++)
        puts_(e, "  ");
}

/* The encoder's dblQuotedReplacer. */
static void quoted(tenc *e, const char *s, size_t n)
{
    puts_(e, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        switch (c) {
        case '"':
            puts_(e, "\\\"");
            break;
        case '\\':
            puts_(e, "\\\\");
            break;
        case '\b':
            puts_(e, "\\b");
            break;
        case '\t':
            puts_(e, "\\t");
            break;
        case '\n':
            puts_(e, "\\n");
            break;
        case '\f':
            puts_(e, "\\f");
            break;
        case '\r':
            puts_(e, "\\r");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(tmp, sizeof tmp, "\\u%04x", c);
                puts_(e, tmp);
            } else {
                put(e, s + i, 1);
            }
        }
    }
    puts_(e, "\"");
}

static bool bare_key(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static void key_piece(tenc *e, const char *name)
{
    if (bare_key(name))
        puts_(e, name);
    else
        quoted(e, name, strlen(name));
}

/* Key.String(): the dotted path. */
static void key_path(tenc *e, const tkey *k)
{
    for (size_t i = 0; i < k->len; i++) {
        if (i > 0)
            puts_(e, ".");
        key_piece(e, k->names[i]);
    }
}

static tkey key_add(tenc *e, const tkey *k, const char *name)
{
    const char **names = rn_arena_alloc(e->a, sizeof *names * (k->len + 1));
    if (k->len)
        memcpy(names, k->names, sizeof *names * k->len);
    names[k->len] = name;
    return (tkey){names, k->len + 1};
}

static bool fail(tenc *e, const char *msg)
{
    if (!e->err)
        e->err = msg;
    return false;
}

/* tomlTypeOfGo: is the value a table (map) or an array of tables? Also
 * reports a nil inside an array, which the encoder refuses. */
static bool is_table_array(tenc *e, const rn_value *v);

static bool is_table(tenc *e, const rn_value *v)
{
    if (v->kind == RN_MAP)
        return true;
    return v->kind == RN_LIST && is_table_array(e, v);
}

static bool is_table_array(tenc *e, const rn_value *v)
{
    bool all = v->u.list.len > 0;
    for (size_t i = 0; i < v->u.list.len; i++) {
        const rn_value *it = v->u.list.items[i];
        if (it->kind == RN_NULL ||
            (it->kind == RN_LIST && (it->flags & RN_F_NIL)))
            return fail(e, "toml: cannot encode array with nil element");
        if (it->kind == RN_LIST)
            is_table_array(e, it); /* only for its nil check */
        if (it->kind != RN_MAP)
            all = false;
    }
    return all && !e->err;
}

static void element(tenc *e, const rn_value *v);
static void emap(tenc *e, const tkey *k, const rn_value *m, bool inline_);

static void element(tenc *e, const rn_value *v)
{
    switch (v->kind) {
    case RN_STRING:
        quoted(e, v->u.s.ptr, v->u.s.len);
        break;
    case RN_BOOL:
        puts_(e, v->u.b ? "true" : "false");
        break;
    case RN_INT: {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
        puts_(e, tmp);
        break;
    }
    case RN_FLOAT: {
        double f = v->u.f;
        if (isnan(f) || isinf(f)) {
            puts_(e, signbit(f) ? "-" : "");
            puts_(e, isnan(f) ? "nan" : "inf");
            break;
        }
        rn_buf g = RN_BUF_INIT;
        rn_gofmt_float(&g, f, 'g', -1);
        const char *s = rn_buf_cstr(&g);
        put(e, s, g.len);
        if (!strpbrk(s, ".e"))
            puts_(e, ".0");
        rn_buf_free(&g);
        break;
    }
    case RN_LIST:
        puts_(e, "[");
        for (size_t i = 0; i < v->u.list.len; i++) {
            element(e, v->u.list.items[i]);
            if (i + 1 < v->u.list.len)
                puts_(e, ", ");
        }
        puts_(e, "]");
        break;
    case RN_MAP:
        emap(e, NULL, v, true);
        break;
    case RN_NULL:
        fail(e, "toml: cannot encode array with nil element");
        break;
    case RN_FUNC:
        fail(e, "unsupported type: func");
        break;
    case RN_COMPLEX:
        fail(e, "unsupported type: complex128");
        break;
    }
}

static void key_value(tenc *e, const tkey *k, const rn_value *v, bool inline_)
{
    indent(e, k);
    key_piece(e, k->names[k->len - 1]);
    puts_(e, " = ");
    element(e, v);
    if (!inline_)
        newline(e);
}

static void encode(tenc *e, const tkey *k, const rn_value *v);

/* A [table] header and its contents. */
static void table(tenc *e, const tkey *k, const rn_value *m)
{
    if (k->len == 1)
        newline(e);
    if (k->len > 0) {
        indent(e, k);
        puts_(e, "[");
        key_path(e, k);
        puts_(e, "]");
        newline(e);
    }
    emap(e, k, m, false);
}

static void array_of_tables(tenc *e, const tkey *k, const rn_value *l)
{
    if (k->len == 0) {
        fail(e, "toml: top-level values must be Go maps or structs");
        return;
    }
    for (size_t i = 0; i < l->u.list.len; i++) {
        newline(e);
        indent(e, k);
        puts_(e, "[[");
        key_path(e, k);
        puts_(e, "]]");
        newline(e);
        emap(e, k, l->u.list.items[i], false);
    }
}

static void encode(tenc *e, const tkey *k, const rn_value *v)
{
    if (e->err)
        return;
    switch (v->kind) {
    case RN_NULL:
        return;
    case RN_LIST:
        if ((v->flags & RN_F_NIL) && k->len > 0)
            return; /* isNil: a map's nil slice is left out */
        if (is_table_array(e, v))
            array_of_tables(e, k, v);
        else if (!e->err && k->len == 0)
            element(e, v);
        else if (!e->err)
            key_value(e, k, v, false);
        return;
    case RN_MAP:
        table(e, k, v);
        return;
    case RN_FUNC:
        fail(e, "unsupported type: func");
        return;
    case RN_COMPLEX:
        fail(e, "unsupported type: complex128");
        return;
    default:
        if (k->len == 0)
            element(e, v);
        else
            key_value(e, k, v, false);
    }
}

/* One group of keys (plain values, or tables). */
static void emap_keys(tenc *e, const tkey *k, const rn_value *m,
                      const size_t *idx, size_t n, bool inline_, bool trail)
{
    for (size_t i = 0; i < n && !e->err; i++) {
        const rn_pair *p = &m->u.map.pairs[idx[i]];
        if (p->val->kind == RN_NULL)
            continue;
        if (inline_) {
            tkey one = {&p->key, 1};
            key_value(e, &one, p->val, true);
            if (trail || i + 1 < n)
                puts_(e, ", ");
        } else {
            tkey sub = key_add(e, k, p->key);
            encode(e, &sub, p->val);
        }
    }
}

static void emap(tenc *e, const tkey *k, const rn_value *m, bool inline_)
{
    size_t *order = rn_map_sorted(e->a, m);
    size_t n = m->u.map.len;
    size_t *direct = rn_arena_alloc(e->a, sizeof *direct * (n + 1));
    size_t *sub = rn_arena_alloc(e->a, sizeof *sub * (n + 1));
    size_t nd = 0, ns = 0;
    for (size_t i = 0; i < n; i++) {
        const rn_value *v = m->u.map.pairs[order[i]].val;
        if (v->kind != RN_NULL && is_table(e, v))
            sub[ns++] = order[i];
        else
            direct[nd++] = order[i];
    }
    if (e->err)
        return;
    tkey none = {NULL, 0};
    if (!k)
        k = &none;
    if (inline_)
        puts_(e, "{");
    emap_keys(e, k, m, direct, nd, inline_, ns > 0);
    emap_keys(e, k, m, sub, ns, inline_, false);
    if (inline_)
        puts_(e, "}");
}

RN_FN(rn_fn_totoml)
{
    rn_value *v = argv[0];
    if (v->kind == RN_NULL)
        return tmpl_fail(ctx, "reflect: call of reflect.Value.Type on zero "
                              "Value");
    tenc e = {tmpl_arena(ctx), RN_BUF_INIT, false, NULL};
    rn_buf_append(&e.out, "", 0);
    tkey root = {NULL, 0};
    encode(&e, &root, v);
    if (e.err) {
        rn_buf_free(&e.out);
        *out = rn_strz(tmpl_arena(ctx), e.err);
        return 0;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &e.out);
    return 0;
}

/* Helm's fromToml: toml.Unmarshal into a map; on failure the map holds
 * the error text under "Error" (and nothing else: BurntSushi decodes
 * nothing when the parse fails). */
RN_FN(rn_fn_fromtoml)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    const char *err = NULL;
    rn_value *m = rn_toml_parse(a, s, n, &err);
    if (!m) {
        m = rn_map_new(a, 1);
        rn_map_setz(a, m, "Error", rn_strz(a, err));
    }
    *out = m;
    return 0;
}
