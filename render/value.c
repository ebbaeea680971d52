/*
 * value.c — the value tree: constructors, list and map operations, and the
 * Go semantics templates rely on (DeepEqual, truthiness, type names).
 *
 * Maps are arrays of pairs in insertion order. Lookups scan the array but
 * compare the key length and first byte before touching the key bytes, so
 * the scan costs a couple of integer compares per pair; the maps charts
 * hold (tens of keys) stay cheap without a hash index.
 */
#include "value.h"

#include <stdlib.h>
#include <string.h>

static rn_value *new_value(rn_arena *a, rn_kind kind)
{
    rn_value *v = rn_arena_alloc(a, sizeof *v);
    v->kind = kind;
    return v;
}

rn_value *rn_null(rn_arena *a)
{
    return new_value(a, RN_NULL);
}

rn_value *rn_bool(rn_arena *a, bool b)
{
    rn_value *v = new_value(a, RN_BOOL);
    v->u.b = b;
    return v;
}

rn_value *rn_int(rn_arena *a, int64_t i)
{
    rn_value *v = new_value(a, RN_INT);
    v->u.i = i;
    return v;
}

rn_value *rn_int64(rn_arena *a, int64_t i)
{
    rn_value *v = rn_int(a, i);
    v->flags |= RN_F_INT64;
    return v;
}

rn_value *rn_uint64(rn_arena *a, uint64_t u)
{
    rn_value *v = rn_int(a, (int64_t)u);
    v->flags |= RN_F_UINT64;
    return v;
}

rn_value *rn_float(rn_arena *a, double f)
{
    rn_value *v = new_value(a, RN_FLOAT);
    v->u.f = f;
    return v;
}

rn_value *rn_complex(rn_arena *a, double re, double im)
{
    rn_value *v = new_value(a, RN_COMPLEX);
    v->u.c.re = re;
    v->u.c.im = im;
    return v;
}

rn_value *rn_str(rn_arena *a, const char *s, size_t len)
{
    return rn_str_own(a, rn_arena_strndup(a, s ? s : "", s ? len : 0),
                      s ? len : 0);
}

rn_value *rn_strz(rn_arena *a, const char *s)
{
    return rn_str(a, s, s ? strlen(s) : 0);
}

rn_value *rn_str_own(rn_arena *a, const char *arena_s, size_t len)
{
    rn_value *v = new_value(a, RN_STRING);
    v->u.s.ptr = arena_s ? arena_s : "";
    v->u.s.len = arena_s ? len : 0;
    return v;
}

rn_value *rn_list_new(rn_arena *a, size_t cap_hint)
{
    rn_value *v = new_value(a, RN_LIST);
    if (cap_hint) {
        v->u.list.items = rn_arena_alloc(a, cap_hint * sizeof(rn_value *));
        v->u.list.cap = cap_hint;
    }
    return v;
}

rn_value *rn_map_new(rn_arena *a, size_t cap_hint)
{
    rn_value *v = new_value(a, RN_MAP);
    if (cap_hint) {
        v->u.map.pairs = rn_arena_alloc(a, cap_hint * sizeof(rn_pair));
        v->u.map.cap = cap_hint;
    }
    return v;
}

rn_value *rn_func(rn_arena *a, const char *name, rn_native_fn fn, void *self)
{
    rn_value *v = new_value(a, RN_FUNC);
    v->u.fn.fn = fn;
    v->u.fn.self = self;
    v->u.fn.name = rn_arena_strdup(a, name ? name : "");
    return v;
}

/* ---- lists -------------------------------------------------------------- */

void rn_list_push(rn_arena *a, rn_value *list, rn_value *item)
{
    if (list->u.list.len == list->u.list.cap) {
        size_t ncap = list->u.list.cap ? list->u.list.cap * 2 : 4;
        list->u.list.items = rn_arena_realloc(
            a, list->u.list.items, list->u.list.cap * sizeof(rn_value *),
            ncap * sizeof(rn_value *));
        list->u.list.cap = ncap;
    }
    list->u.list.items[list->u.list.len++] = item;
    list->flags &= ~(unsigned)RN_F_NIL;
}

/* ---- maps --------------------------------------------------------------- */

static long map_find(const rn_value *map, const char *key, size_t keylen)
{
    if (!map || map->kind != RN_MAP)
        return -1;
    const rn_pair *p = map->u.map.pairs;
    size_t n = map->u.map.len;
    for (size_t i = 0; i < n; i++) {
        if (p[i].keylen != keylen)
            continue;
        if (keylen && p[i].key[0] != key[0])
            continue;
        if (memcmp(p[i].key, key, keylen) == 0)
            return (long)i;
    }
    return -1;
}

rn_value *rn_map_get(const rn_value *map, const char *key, size_t keylen)
{
    long i = map_find(map, key, keylen);
    return i < 0 ? NULL : map->u.map.pairs[i].val;
}

void rn_map_set(rn_arena *a, rn_value *map, const char *key, size_t keylen,
                rn_value *val)
{
    long i = map_find(map, key, keylen);
    if (i >= 0) {
        map->u.map.pairs[i].val = val;
        return;
    }
    if (map->u.map.len == map->u.map.cap) {
        size_t ncap = map->u.map.cap ? map->u.map.cap * 2 : 4;
        map->u.map.pairs = rn_arena_realloc(a, map->u.map.pairs,
                                            map->u.map.cap * sizeof(rn_pair),
                                            ncap * sizeof(rn_pair));
        map->u.map.cap = ncap;
    }
    rn_pair *p = &map->u.map.pairs[map->u.map.len++];
    p->key = rn_arena_strndup(a, key, keylen);
    p->keylen = keylen;
    p->val = val;
}

bool rn_map_del(rn_value *map, const char *key, size_t keylen)
{
    long i = map_find(map, key, keylen);
    if (i < 0)
        return false;
    rn_pair *p = map->u.map.pairs;
    size_t n = map->u.map.len;
    memmove(&p[i], &p[i + 1], (n - (size_t)i - 1) * sizeof *p);
    map->u.map.len--;
    return true;
}

/* Go compares strings byte-wise; a prefix sorts first. */
static int key_cmp(const rn_pair *x, const rn_pair *y)
{
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

size_t *rn_map_sorted(rn_arena *a, const rn_value *map)
{
    size_t n = map->u.map.len;
    size_t *idx = rn_arena_alloc(a, (n ? n : 1) * sizeof *idx);
    const rn_pair *p = map->u.map.pairs;
    /* Binary insertion sort: O(n log n) compares, and the moves are
     * cheap for the map sizes charts use. Keys are unique, so stability
     * does not matter. */
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = i;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (key_cmp(&p[idx[mid]], &p[i]) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(&idx[lo + 1], &idx[lo], (i - lo) * sizeof *idx);
        idx[lo] = i;
    }
    return idx;
}

rn_value *rn_value_at(const rn_value *root, const char *dotted)
{
    const rn_value *cur = root;
    const char *s = dotted;
    while (cur && *s) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        cur = rn_map_get(cur, s, n);
        if (!dot)
            break;
        s = dot + 1;
    }
    return (rn_value *)cur;
}

/* ---- copying and comparing ---------------------------------------------- */

rn_value *rn_value_deepcopy(rn_arena *a, const rn_value *v)
{
    if (!v)
        return NULL;
    rn_value *c;
    switch (v->kind) {
    case RN_STRING:
        c = rn_str(a, v->u.s.ptr, v->u.s.len);
        break;
    case RN_LIST:
        c = rn_list_new(a, v->u.list.len);
        for (size_t i = 0; i < v->u.list.len; i++)
            rn_list_push(a, c, rn_value_deepcopy(a, v->u.list.items[i]));
        break;
    case RN_MAP:
        c = rn_map_new(a, v->u.map.len);
        for (size_t i = 0; i < v->u.map.len; i++) {
            const rn_pair *p = &v->u.map.pairs[i];
            rn_pair *q = &c->u.map.pairs[c->u.map.len++];
            q->key = rn_arena_strndup(a, p->key, p->keylen);
            q->keylen = p->keylen;
            q->val = rn_value_deepcopy(a, p->val);
        }
        break;
    default:
        c = new_value(a, v->kind);
        c->u = v->u;
        break;
    }
    c->flags = v->flags;
    /* A Go struct stays of its type (copystructure copies the value). */
    if (v->flags & RN_F_STRUCT)
        rn_value_set_type(c, v->tname, v->methods);
    /* The source text a reader kept is arena memory too: copy it, so the
     * copy does not depend on the arena of the original. */
    if (v->kind <= RN_STRING)
        c->u.src = (v->flags & (RN_F_SRC_TEXT | RN_F_SRC_TAG)) && v->u.src
                       ? rn_arena_strdup(a, v->u.src)
                       : NULL;
    return c;
}

/* The flags that are part of the Go type (int vs int64, []string ...). */
static unsigned type_flags(const rn_value *v)
{
    return v->flags & (RN_F_INT64 | RN_F_UINT64 | RN_F_STRLIST | RN_F_STRMAP);
}

static bool map_equal(const rn_value *x, const rn_value *y)
{
    if (x->u.map.len != y->u.map.len)
        return false;
    for (size_t i = 0; i < x->u.map.len; i++) {
        const rn_pair *p = &x->u.map.pairs[i];
        long j = map_find(y, p->key, p->keylen);
        if (j < 0 || !rn_value_equal(p->val, y->u.map.pairs[j].val))
            return false;
    }
    return true;
}

bool rn_value_equal(const rn_value *x, const rn_value *y)
{
    if (!x || !y)
        return x == y;
    if (x->kind != y->kind || type_flags(x) != type_flags(y))
        return false;
    switch (x->kind) {
    case RN_NULL:
        return true;
    case RN_BOOL:
        return x->u.b == y->u.b;
    case RN_INT:
        return x->u.i == y->u.i;
    case RN_FLOAT:
        return x->u.f == y->u.f; /* NaN is unequal to itself, as in Go */
    case RN_COMPLEX:
        return x->u.c.re == y->u.c.re && x->u.c.im == y->u.c.im;
    case RN_STRING:
        return x->u.s.len == y->u.s.len &&
               memcmp(x->u.s.ptr, y->u.s.ptr, x->u.s.len) == 0;
    case RN_LIST:
        /* DeepEqual short-cuts a slice compared with itself. */
        if (x == y)
            return true;
        if (x->u.list.len != y->u.list.len ||
            (x->flags & RN_F_NIL) != (y->flags & RN_F_NIL))
            return false;
        for (size_t i = 0; i < x->u.list.len; i++)
            if (!rn_value_equal(x->u.list.items[i], y->u.list.items[i]))
                return false;
        return true;
    case RN_MAP:
        return x == y || map_equal(x, y);
    case RN_FUNC:
        /* Non-nil funcs are never DeepEqual. */
        return false;
    }
    return false;
}

bool rn_value_truthy(const rn_value *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case RN_NULL:
        return false;
    case RN_BOOL:
        return v->u.b;
    case RN_INT:
        return v->u.i != 0;
    case RN_FLOAT:
        return v->u.f != 0; /* NaN is true, as in Go */
    case RN_COMPLEX:
        return v->u.c.re != 0 || v->u.c.im != 0;
    case RN_STRING:
        return v->u.s.len != 0;
    case RN_LIST:
        return v->u.list.len != 0;
    case RN_MAP: /* a Go struct is always true */
        return v->u.map.len != 0 || (v->flags & RN_F_STRUCT);
    case RN_FUNC:
        return true;
    }
    return false;
}

const char *rn_value_kind_name(const rn_value *v)
{
    if (!v)
        return "invalid";
    switch (v->kind) {
    case RN_NULL:
        return "invalid";
    case RN_BOOL:
        return "bool";
    case RN_INT:
        return (v->flags & RN_F_UINT64)  ? "uint64"
               : (v->flags & RN_F_INT64) ? "int64"
                                         : "int";
    case RN_FLOAT:
        return "float64";
    case RN_COMPLEX:
        return "complex128";
    case RN_STRING:
        return "string";
    case RN_LIST:
        return "slice";
    case RN_MAP:
        return "map";
    case RN_FUNC:
        return "func";
    }
    return "invalid";
}

void rn_value_set_type(rn_value *v, const char *tname, rn_value *methods)
{
    v->tname = tname;
    v->methods = methods;
}

rn_value *rn_value_method(const rn_value *v, const char *name, size_t len)
{
    if (!v || !v->methods)
        return NULL;
    return rn_map_get(v->methods, name, len);
}

const char *rn_value_type_name(const rn_value *v)
{
    if (!v)
        return "<nil>";
    if (v->tname)
        return v->tname;
    if (v->kind == RN_MAP && (v->flags & RN_F_VALUES))
        return "chartutil.Values";
    switch (v->kind) {
    case RN_NULL:
        return "<nil>";
    case RN_LIST:
        return (v->flags & RN_F_STRLIST) ? "[]string" : "[]interface {}";
    case RN_MAP:
        return (v->flags & RN_F_STRMAP) ? "map[string]string"
                                        : "map[string]interface {}";
    case RN_FUNC:
        /* Helm's method values (.Files.Get and friends) take and return
         * strings. */
        return "func(string) string";
    default:
        return rn_value_kind_name(v);
    }
}
