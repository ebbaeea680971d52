/*
 * chart_emit.c — a loaded chart as C initializers (see chart_emit.h).
 *
 * Each object reachable from the chart is written once as a static object
 * named o<N>: all of them are declared first and defined after, so objects
 * may point at each other in any order (a node points at its tree, the
 * tree at its root node). A memo from (address, length, type) to N keeps
 * the loader's sharing. Strings inside the text a template was parsed from
 * become `f<K> + offset`, the embedded file's bytes.
 */
#include "chart_emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "funcs.h"
#include "tmpl_int.h"

enum tag {
    TAG_STR,
    TAG_VALUE,
    TAG_VALUES,
    TAG_PAIRS,
    TAG_NODE,
    TAG_NODES,
    TAG_STRS,
    TAG_TREE,
    TAG_ENTS,
    TAG_FUNCS,
    TAG_SET,
    TAG_NAMES,
    TAG_FILES,
};

typedef struct memo_ent {
    const void *p;
    size_t n;
    int tag;
    int id; /* 0: empty slot */
} memo_ent;

/* A run of bytes that is a copy of (or is) embedded file `file`. */
typedef struct range {
    const char *p;
    size_t n;
    size_t file;
} range;

typedef struct emitter {
    rn_arena *a;
    rn_buf decl, def;
    memo_ent *memo;
    size_t memo_cap, memo_len;
    int next_id;
    range *ranges;
    size_t nranges, cap_ranges;
    rn_error *err;
} emitter;

static size_t memo_slot(const emitter *e, const void *p, size_t n, int tag)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL ^
                 (uint64_t)n * 31 ^ (uint64_t)tag;
    size_t i = (size_t)(h >> 20) & (e->memo_cap - 1);
    while (e->memo[i].id &&
           !(e->memo[i].p == p && e->memo[i].n == n && e->memo[i].tag == tag))
        i = (i + 1) & (e->memo_cap - 1);
    return i;
}

/* The id of (p, n, tag); *fresh when it was not seen before. */
static int memo_id(emitter *e, const void *p, size_t n, int tag, bool *fresh)
{
    if ((e->memo_len + 1) * 2 > e->memo_cap) {
        memo_ent *old = e->memo;
        size_t oldcap = e->memo_cap;
        e->memo_cap = oldcap ? oldcap * 2 : 4096;
        e->memo = rn_arena_alloc(e->a, sizeof *e->memo * e->memo_cap);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].id)
                e->memo[memo_slot(e, old[i].p, old[i].n, old[i].tag)] = old[i];
    }
    size_t i = memo_slot(e, p, n, tag);
    *fresh = e->memo[i].id == 0;
    if (*fresh) {
        e->memo[i] = (memo_ent){p, n, tag, ++e->next_id};
        e->memo_len++;
    }
    return e->memo[i].id;
}

static const char *ref(emitter *e, int id)
{
    return rn_arena_printf(e->a, "&o%d", id);
}

static int fail(emitter *e, const char *what)
{
    return rn_error_set(e->err, "chart_emit: cannot write %s", what);
}

/* ---- scalars ------------------------------------------------------------ */

/* A C string literal of exactly n bytes; octal escapes keep it exact (no
 * trigraphs, no hex escape running into the next character). */
static void put_literal(rn_buf *b, const char *s, size_t n)
{
    rn_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '?')
            rn_buf_printf(b, "\\%03o", c);
        else
            rn_buf_putc(b, (char)c);
        if (c == '\n' && i + 1 < n)
            rn_buf_puts(b, "\"\n\"");
    }
    rn_buf_putc(b, '"');
}

static void add_range(emitter *e, const char *p, size_t n, size_t file)
{
    if (e->nranges == e->cap_ranges) {
        size_t cap = e->cap_ranges ? e->cap_ranges * 2 : 64;
        e->ranges =
            rn_arena_realloc(e->a, e->ranges, sizeof *e->ranges * e->cap_ranges,
                             sizeof *e->ranges * cap);
        e->cap_ranges = cap;
    }
    e->ranges[e->nranges++] = (range){p, n, file};
}

/* An expression for the string s of n bytes (NUL-terminated after them
 * in the written form). */
static const char *str(emitter *e, const char *s, size_t n)
{
    if (!s)
        return "NULL";
    for (size_t i = 0; i < e->nranges; i++) {
        const range *r = &e->ranges[i];
        if (s >= r->p && s + n <= r->p + r->n)
            return rn_arena_printf(e->a, "(f%zu + %zu)", r->file + 1,
                                   (size_t)(s - r->p));
    }
    bool fresh;
    int id = memo_id(e, s, n, TAG_STR, &fresh);
    if (fresh) {
        rn_buf_printf(&e->decl, "static const char o%d[] = ", id);
        put_literal(&e->decl, s, n);
        rn_buf_puts(&e->decl, ";\n");
    }
    return rn_arena_printf(e->a, "o%d", id);
}

static const char *strz(emitter *e, const char *s)
{
    return s ? str(e, s, strlen(s)) : "NULL";
}

static const char *i64(emitter *e, int64_t v)
{
    if (v == INT64_MIN)
        return "INT64_MIN";
    return rn_arena_printf(e->a, "INT64_C(%" PRId64 ")", v);
}

static const char *dbl(emitter *e, double d)
{
    if (isnan(d))
        return signbit(d) ? "(-__builtin_nan(\"\"))" : "__builtin_nan(\"\")";
    if (isinf(d))
        return d < 0 ? "(-__builtin_inf())" : "__builtin_inf()";
    return rn_arena_printf(e->a, "%a", d);
}

static const char *boolean(bool b)
{
    return b ? "true" : "false";
}

/* ---- values ------------------------------------------------------------- */

static const char *value(emitter *e, const rn_value *v);

static const char *value_list(emitter *e, rn_value *const *items, size_t len)
{
    if (!items)
        return "NULL";
    bool fresh;
    int id = memo_id(e, items, len, TAG_VALUES, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static rn_value *o%d[%zu] = {", id, len ? len : 1);
    for (size_t i = 0; i < len; i++)
        rn_buf_printf(&b, "%s%s", i ? ", " : "", value(e, items[i]));
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static rn_value *o%d[%zu];\n", id, len ? len : 1);
    return rn_arena_printf(e->a, "o%d", id);
}

static const char *value_pairs(emitter *e, const rn_pair *pairs, size_t len)
{
    if (!pairs)
        return "NULL";
    bool fresh;
    int id = memo_id(e, pairs, len, TAG_PAIRS, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static rn_pair o%d[%zu] = {", id, len ? len : 1);
    for (size_t i = 0; i < len; i++)
        rn_buf_printf(&b, "%s{%s, %zu, %s}", i ? ",\n    " : "",
                      str(e, pairs[i].key, pairs[i].keylen), pairs[i].keylen,
                      value(e, pairs[i].val));
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static rn_pair o%d[%zu];\n", id, len ? len : 1);
    return rn_arena_printf(e->a, "o%d", id);
}

static const char *value(emitter *e, const rn_value *v)
{
    if (!v)
        return "NULL";
    bool fresh;
    int id = memo_id(e, v, 0, TAG_VALUE, &fresh);
    if (!fresh)
        return ref(e, id);
    if (v->tname || v->methods || v->kind == RN_FUNC) {
        fail(e, "a value with methods");
        return "NULL";
    }
    rn_buf_printf(&e->decl, "static rn_value o%d;\n", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static rn_value o%d = {%d, %u, NULL, NULL", id,
                  (int)v->kind, v->flags);
    /* The source text is the third word of scalars only. */
    bool scalar = v->kind != RN_LIST && v->kind != RN_MAP;
    const char *src = scalar ? strz(e, v->u.src) : "NULL";
    switch (v->kind) {
    case RN_NULL:
        rn_buf_printf(&b, ", {{{.i = 0}, %s}}", src);
        break;
    case RN_BOOL:
        rn_buf_printf(&b, ", {{{.b = %s}, %s}}", boolean(v->u.b), src);
        break;
    case RN_INT:
        rn_buf_printf(&b, ", {{{.i = %s}, %s}}", i64(e, v->u.i), src);
        break;
    case RN_FLOAT:
        rn_buf_printf(&b, ", {{{.f = %s}, %s}}", dbl(e, v->u.f), src);
        break;
    case RN_COMPLEX:
        rn_buf_printf(&b, ", {{{.c = {%s, %s}}, %s}}", dbl(e, v->u.c.re),
                      dbl(e, v->u.c.im), src);
        break;
    case RN_STRING:
        rn_buf_printf(&b, ", {{{.s = {%s, %zu}}, %s}}",
                      str(e, v->u.s.ptr, v->u.s.len), v->u.s.len, src);
        break;
    case RN_LIST: {
        size_t len = v->u.list.len;
        rn_buf_printf(&b, ", {.list = {%s, %zu, %zu}}",
                      value_list(e, v->u.list.items, len), len,
                      v->u.list.items && !len ? (size_t)1 : len);
        break;
    }
    case RN_MAP: {
        size_t len = v->u.map.len;
        rn_buf_printf(&b, ", {.map = {%s, %zu, %zu}}",
                      value_pairs(e, v->u.map.pairs, len), len,
                      v->u.map.pairs && !len ? (size_t)1 : len);
        break;
    }
    default:
        rn_buf_free(&b);
        fail(e, "a value of an unknown kind");
        return "NULL";
    }
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    return ref(e, id);
}

/* ---- templates ---------------------------------------------------------- */

static const char *node(emitter *e, const tnode *n);
static const char *tree(emitter *e, const ttree *t);

static const char *node_list(emitter *e, tnode *const *nodes, int n, int cap)
{
    if (!nodes)
        return "NULL";
    bool fresh;
    int id = memo_id(e, nodes, (size_t)n, TAG_NODES, &fresh);
    int size = n ? n : 1;
    (void)cap;
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static tnode *o%d[%d] = {", id, size);
    for (int i = 0; i < n; i++)
        rn_buf_printf(&b, "%s%s", i ? ", " : "", node(e, nodes[i]));
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static tnode *o%d[%d];\n", id, size);
    return rn_arena_printf(e->a, "o%d", id);
}

/* The capacity written for an array of n: what node_list wrote. */
static int list_cap(const void *p, int n)
{
    return p && n == 0 ? 1 : n;
}

static const char *str_list(emitter *e, const tn_str *s, int n)
{
    if (!s)
        return "NULL";
    bool fresh;
    int id = memo_id(e, s, (size_t)n, TAG_STRS, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static tn_str o%d[%d] = {", id, n ? n : 1);
    for (int i = 0; i < n; i++)
        rn_buf_printf(&b, "%s{%s, %zu}", i ? ", " : "", str(e, s[i].s, s[i].n),
                      s[i].n);
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static tn_str o%d[%d];\n", id, n ? n : 1);
    return rn_arena_printf(e->a, "o%d", id);
}

/* A function definition: an element of one of the tables a chart's
 * template set is made of (rn_chart_compile). */
static const char *func_def(emitter *e, const tmpl_func_def *d)
{
    static const struct {
        const char *name;
        const tmpl_func_def *defs;
    } tables[] = {{"tmpl_builtin_funcs", tmpl_builtin_funcs},
                  {"rn_funcs_sprig", rn_funcs_sprig},
                  {"rn_funcs_helm", rn_funcs_helm}};
    if (!d)
        return "NULL";
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        for (const tmpl_func_def *f = tables[t].defs; f->name; f++)
            if (f == d)
                return rn_arena_printf(e->a, "&%s[%td]", tables[t].name,
                                       f - tables[t].defs);
    fail(e, "a function from an unknown table");
    return "NULL";
}

static void node_union(emitter *e, rn_buf *b, const tnode *n)
{
    switch (n->type) {
    case TN_TEXT:
    case TN_COMMENT:
        rn_buf_printf(b, ".text = {%s, %zu}", str(e, n->u.text.s, n->u.text.n),
                      n->u.text.n);
        break;
    case TN_ACTION:
        rn_buf_printf(b, ".action = {%s, %d}", node(e, n->u.action.pipe),
                      n->u.action.line);
        break;
    case TN_BOOL:
        rn_buf_printf(b, ".b = %s", boolean(n->u.b));
        break;
    case TN_CHAIN:
        rn_buf_printf(b, ".chain = {%s, %s, %d}", node(e, n->u.chain.node),
                      str_list(e, n->u.chain.fields, n->u.chain.nfields),
                      n->u.chain.nfields);
        break;
    case TN_COMMAND:
        rn_buf_printf(
            b, ".cmd = {%s, %d}",
            node_list(e, n->u.cmd.args, n->u.cmd.nargs, n->u.cmd.nargs),
            n->u.cmd.nargs);
        break;
    case TN_FIELD:
    case TN_VARIABLE:
        rn_buf_printf(b, ".field = {%s, %d}",
                      str_list(e, n->u.field.ident, n->u.field.n),
                      n->u.field.n);
        break;
    case TN_IDENTIFIER:
        rn_buf_printf(b, ".ident = {%s, %zu, %s}",
                      str(e, n->u.ident.s, n->u.ident.n), n->u.ident.n,
                      func_def(e, n->u.ident.def));
        break;
    case TN_IF:
    case TN_RANGE:
    case TN_WITH:
        rn_buf_printf(b, ".branch = {%s, %s, %s, %d}",
                      node(e, n->u.branch.pipe), node(e, n->u.branch.list),
                      node(e, n->u.branch.else_list), n->u.branch.line);
        break;
    case TN_LIST:
        rn_buf_printf(b, ".list = {%s, %d, %d}",
                      node_list(e, n->u.list.nodes, n->u.list.n, n->u.list.cap),
                      n->u.list.n, list_cap(n->u.list.nodes, n->u.list.n));
        break;
    case TN_NUMBER:
        rn_buf_printf(b,
                      ".num = {%s, %zu, %s, %s, %s, %s, %s, UINT64_C(%" PRIu64
                      "), %s, %s, %s, %s, %s}",
                      str(e, n->u.num.text, n->u.num.n), n->u.num.n,
                      boolean(n->u.num.is_int), boolean(n->u.num.is_uint),
                      boolean(n->u.num.is_float), boolean(n->u.num.is_complex),
                      i64(e, n->u.num.i), n->u.num.u, dbl(e, n->u.num.f),
                      dbl(e, n->u.num.re), dbl(e, n->u.num.im),
                      value(e, n->u.num.konst), strz(e, n->u.num.konst_err));
        break;
    case TN_PIPE:
        rn_buf_printf(
            b, ".pipe = {%s, %d, %s, %d, %d, %s, %d, %d}",
            boolean(n->u.pipe.is_assign), n->u.pipe.line,
            node_list(e, n->u.pipe.decl, n->u.pipe.ndecl, n->u.pipe.capdecl),
            n->u.pipe.ndecl, list_cap(n->u.pipe.decl, n->u.pipe.ndecl),
            node_list(e, n->u.pipe.cmds, n->u.pipe.ncmds, n->u.pipe.capcmds),
            n->u.pipe.ncmds, list_cap(n->u.pipe.cmds, n->u.pipe.ncmds));
        break;
    case TN_STRING:
        rn_buf_printf(b, ".str = {%s, %zu, %s}",
                      str(e, n->u.str.quoted, n->u.str.qn), n->u.str.qn,
                      value(e, n->u.str.v));
        break;
    case TN_TEMPLATE:
        rn_buf_printf(b, ".tmpl = {%s, %zu, %s, %d}",
                      str(e, n->u.tmpl.name, n->u.tmpl.n), n->u.tmpl.n,
                      node(e, n->u.tmpl.pipe), n->u.tmpl.line);
        break;
    case TN_ELSE:
    case TN_BREAK:
    case TN_CONTINUE:
        rn_buf_printf(b, ".line = %d", n->u.line);
        break;
    case TN_DOT:
    case TN_NIL:
    case TN_END:
        rn_buf_puts(b, ".line = 0");
        break;
    default:
        fail(e, "a template node of an unknown type");
    }
}

static const char *node(emitter *e, const tnode *n)
{
    if (!n)
        return "NULL";
    bool fresh;
    int id = memo_id(e, n, 0, TAG_NODE, &fresh);
    if (!fresh)
        return ref(e, id);
    rn_buf_printf(&e->decl, "static tnode o%d;\n", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static tnode o%d = {%d, %d, %s, {", id, (int)n->type,
                  n->pos, tree(e, n->tr));
    node_union(e, &b, n);
    rn_buf_puts(&b, "}};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    return ref(e, id);
}

static const char *tree(emitter *e, const ttree *t)
{
    if (!t)
        return "NULL";
    bool fresh;
    int id = memo_id(e, t, 0, TAG_TREE, &fresh);
    if (!fresh)
        return ref(e, id);
    rn_buf_printf(&e->decl, "static ttree o%d;\n", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static ttree o%d = {%s, %s, %s, %zu, %s};\n", id,
                  strz(e, t->name), strz(e, t->parse_name),
                  str(e, t->text, t->text_len), t->text_len, node(e, t->root));
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    return ref(e, id);
}

/* A hash table's slots, in place (the hashes are the ones tmap_get
 * computes: same code, same table). */
static const char *tmap_ents(emitter *e, const tmap *m, bool funcs)
{
    if (!m->ents)
        return "NULL";
    bool fresh;
    int id = memo_id(e, m->ents, m->cap, TAG_ENTS, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static tmap_ent o%d[%zu] = {", id, m->cap);
    for (size_t i = 0; i < m->cap; i++) {
        const tmap_ent *t = &m->ents[i];
        if (!t->key)
            continue;
        const char *val = funcs ? func_def(e, t->val) : tree(e, t->val);
        rn_buf_printf(&b,
                      "\n    [%zu] = {%s, %zu, UINT64_C(%" PRIu64 "), %s%s},",
                      i, str(e, t->key, t->keylen), t->keylen, t->hash,
                      funcs ? "(void *)" : "", val);
    }
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static tmap_ent o%d[%zu];\n", id, m->cap);
    return rn_arena_printf(e->a, "o%d", id);
}

static const char *funcs(emitter *e, const tfuncs *f)
{
    bool fresh;
    int id = memo_id(e, f, 0, TAG_FUNCS, &fresh);
    if (!fresh)
        return ref(e, id);
    const char *unsupported = "NULL";
    if (f->unsupported == rn_funcs_unsupported)
        unsupported = "rn_funcs_unsupported";
    else if (f->unsupported)
        fail(e, "an unknown list of unsupported functions");
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static tfuncs o%d = {{%s, %zu, %zu}, %s, %s};\n", id,
                  tmap_ents(e, &f->map, true), f->map.cap, f->map.len,
                  unsupported, strz(e, f->unsupported_why));
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static tfuncs o%d;\n", id);
    return ref(e, id);
}

static const char *set(emitter *e, const tmpl_set *s)
{
    if (!s)
        return "NULL";
    if (s->parent)
        fail(e, "an overlay template set");
    bool fresh;
    int id = memo_id(e, s, 0, TAG_SET, &fresh);
    if (!fresh)
        return ref(e, id);
    rn_buf b = RN_BUF_INIT;
    /* No arena: renders execute the set in an arena of their own. */
    rn_buf_printf(
        &b, "static tmpl_set o%d = {NULL, %s, {%s, %zu, %zu}, NULL, %s};\n", id,
        funcs(e, s->funcs), tmap_ents(e, &s->tmpls, false), s->tmpls.cap,
        s->tmpls.len, strz(e, s->name));
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    rn_buf_printf(&e->decl, "static tmpl_set o%d;\n", id);
    return ref(e, id);
}

/* ---- the chart ---------------------------------------------------------- */

static void emit_bytes(FILE *out, size_t k, const rn_chart_file *f)
{
    fprintf(out, "static const char f%zu[] = {", k + 1);
    for (size_t i = 0; i < f->len; i++)
        fprintf(out, "%s%d,", i % 24 == 0 ? "\n" : "",
                (int)(unsigned char)f->data[i]);
    fprintf(out, "0};\n");
}

/* The text every tree was parsed from is a copy of one file's bytes. */
static void add_tree_ranges(emitter *e, const tmap *m,
                            const rn_chart_file *files, size_t n)
{
    for (size_t i = 0; i < m->cap; i++) {
        const ttree *t = m->ents[i].key ? m->ents[i].val : NULL;
        if (!t || !t->text)
            continue;
        for (size_t k = 0; k < n; k++)
            if (files[k].len == t->text_len &&
                memcmp(files[k].data, t->text, t->text_len) == 0) {
                add_range(e, t->text, t->text_len, k);
                break;
            }
    }
}

static const char *chart_files(emitter *e, const rn_chart_file *f, size_t n)
{
    bool fresh;
    int id = memo_id(e, f, n, TAG_FILES, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static rn_chart_file o%d[%zu] = {", id, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        rn_buf_printf(&b, "\n    {%s, %s, %zu},", strz(e, f[i].path),
                      str(e, f[i].data, f[i].len), f[i].len);
    rn_buf_puts(&b, "};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    return rn_arena_printf(e->a, "o%d", id);
}

static const char *names(emitter *e, const char *const *v, size_t n)
{
    bool fresh;
    int id = memo_id(e, v, n, TAG_NAMES, &fresh);
    if (!fresh)
        return rn_arena_printf(e->a, "o%d", id);
    rn_buf b = RN_BUF_INIT;
    rn_buf_printf(&b, "static const char *o%d[%zu] = {", id, n + 1);
    for (size_t i = 0; i < n; i++)
        rn_buf_printf(&b, "%s, ", strz(e, v[i]));
    rn_buf_puts(&b, "NULL};\n");
    rn_buf_append(&e->def, b.data, b.len);
    rn_buf_free(&b);
    return rn_arena_printf(e->a, "o%d", id);
}

static void emit_loaded(emitter *e, const rn_chart_file *files, size_t n,
                        const rn_chart *c, rn_buf *top)
{
    for (size_t k = 0; k < n; k++)
        add_range(e, files[k].data, files[k].len, k);
    if (c->templates)
        add_tree_ranges(e, &c->templates->tmpls, files, n);
    rn_buf_printf(top,
                  "static rn_chart chart = {\n"
                  "    .name = %s,\n    .metadata = %s,\n"
                  "    .values = %s,\n    .schema = %s,\n"
                  "    .files = %s, .nfiles = %zu,\n    .templates = %s,\n"
                  "    .template_names = %s, .ntemplates = %zu,\n"
                  "    .default_kube_ok = %s};\n",
                  strz(e, c->name), value(e, c->metadata), value(e, c->values),
                  value(e, c->schema), chart_files(e, c->files, c->nfiles),
                  c->nfiles, set(e, c->templates),
                  c->template_names ? names(e, c->template_names, c->ntemplates)
                                    : "NULL",
                  c->ntemplates, boolean(c->default_kube_ok));
}

int rn_chart_emit_c(FILE *out, const rn_chart_file *files, size_t n,
                    const rn_chart *c, rn_error *err)
{
    fprintf(out,
            "/* Generated by hack/chart2c.c from charts/. Do not edit. */\n"
            "#include <stdint.h>\n\n"
            "#include \"chart.h\"\n"
            "#include \"funcs.h\"\n"
            "#include \"tmpl_int.h\"\n\n");
    for (size_t k = 0; k < n; k++)
        emit_bytes(out, k, &files[k]);
    fprintf(out, "\nconst rn_chart_file rn_embedded_chart[] = {\n");
    for (size_t k = 0; k < n; k++) {
        fprintf(out, "    {");
        rn_buf b = RN_BUF_INIT;
        put_literal(&b, files[k].path, strlen(files[k].path));
        fprintf(out, "%s, f%zu, %zu},\n", b.data, k + 1, files[k].len);
        rn_buf_free(&b);
    }
    fprintf(out, "    {NULL, NULL, 0}};\n");
    fprintf(out, "const size_t rn_embedded_chart_count = %zu;\n\n", n);
    if (!c) {
        fprintf(out, "rn_chart *const rn_embedded_chart_loaded = NULL;\n");
        return 0;
    }
    emitter e = {.a = rn_arena_new(), .err = err};
    rn_buf top = RN_BUF_INIT;
    emit_loaded(&e, files, n, c, &top);
    int rc = err->set ? -1 : 0;
    if (rc == 0) {
        fprintf(out, "/* The chart as rn_chart_load_files loads it. */\n");
        fwrite(e.decl.data, 1, e.decl.len, out);
        fputc('\n', out);
        fwrite(e.def.data, 1, e.def.len, out);
        fprintf(out,
                "\n%s\nrn_chart *const rn_embedded_chart_loaded = &chart;\n",
                top.data);
    } else {
        fprintf(out, "rn_chart *const rn_embedded_chart_loaded = NULL;\n");
    }
    rn_buf_free(&top);
    rn_buf_free(&e.decl);
    rn_buf_free(&e.def);
    rn_arena_free(e.a);
    return rc;
}
