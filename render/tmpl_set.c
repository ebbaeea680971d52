/*
 * tmpl_set.c — the template set (Go's *template.Template with its
 * associated templates and function table): name lookups, Helm's tpl
 * overlay (a clone that sees the chart's templates and keeps its own), and
 * the C stack budget shared by the parser and the executor.
 */
#include "tmpl_int.h"

#include <string.h>
#include <sys/resource.h>

/* ---- hash table ------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void *tmap_get(const tmap *m, const char *key, size_t keylen)
{
    if (m->cap == 0)
        return NULL;
    uint64_t h = hash_bytes(key, keylen);
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const tmap_ent *e = &m->ents[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->keylen == keylen &&
            memcmp(e->key, key, keylen) == 0)
            return e->val;
    }
}

static void tmap_insert(tmap *m, const char *key, size_t keylen, uint64_t h,
                        void *val)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        tmap_ent *e = &m->ents[i];
        if (!e->key) {
            e->key = key;
            e->keylen = keylen;
            e->hash = h;
            e->val = val;
            m->len++;
            return;
        }
        if (e->hash == h && e->keylen == keylen &&
            memcmp(e->key, key, keylen) == 0) {
            e->val = val;
            return;
        }
    }
}

void tmap_put(rn_arena *a, tmap *m, const char *key, size_t keylen, void *val)
{
    if ((m->len + 1) * 2 > m->cap) {
        tmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->len = 0;
        m->ents = rn_arena_alloc(a, sizeof *m->ents * m->cap);
        for (size_t i = 0; i < old.cap; i++)
            if (old.ents[i].key)
                tmap_insert(m, old.ents[i].key, old.ents[i].keylen,
                            old.ents[i].hash, old.ents[i].val);
    }
    tmap_insert(m, key, keylen, hash_bytes(key, keylen), val);
}

uintptr_t tmpl_stack_budget(void)
{
    struct rlimit rl;
    uintptr_t dflt = (uintptr_t)6 << 20, cap = (uintptr_t)64 << 20;
    if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return dflt;
    uintptr_t b = (uintptr_t)rl.rlim_cur / 4 * 3;
    return b > cap ? cap : b;
}

/* ---- the template set ------------------------------------------------ */

tmpl_set *tmpl_set_new(rn_arena *a)
{
    tmpl_set *s = rn_arena_alloc(a, sizeof *s);
    s->arena = a;
    s->funcs = rn_arena_alloc(a, sizeof *s->funcs);
    s->name = "gotpl";
    tmpl_set_add_funcs(s, tmpl_builtin_funcs);
    return s;
}

void tmpl_set_add_funcs(tmpl_set *s, const tmpl_func_def *defs)
{
    for (const tmpl_func_def *d = defs; d->name; d++)
        tmap_put(s->arena, &s->funcs->map, d->name, strlen(d->name), (void *)d);
}

void tmpl_set_unsupported_funcs(tmpl_set *s, const char *const *names,
                                const char *why)
{
    s->funcs->unsupported = names;
    s->funcs->unsupported_why = why;
}

const tmpl_func_def *tmpl_find_func(const tmpl_set *s, const char *name,
                                    size_t n)
{
    return tmap_get(&s->funcs->map, name, n);
}

ttree *tmpl_lookup(const tmpl_set *s, const char *name, size_t n)
{
    for (; s; s = s->parent) {
        ttree *t = tmap_get(&s->tmpls, name, n);
        if (t)
            return t;
    }
    return NULL;
}

bool tmpl_has(const tmpl_set *s, const char *name)
{
    return tmpl_lookup(s, name, strlen(name)) != NULL;
}

tmpl_set *tmpl_set_overlay(tmpl_set *s, rn_arena *a)
{
    tmpl_set *o = rn_arena_alloc(a, sizeof *o);
    o->arena = a;
    o->funcs = s->funcs;
    o->parent = s;
    o->name = s->name;
    return o;
}

/* Go's Template.associate: a definition that is only space does not
 * replace an existing one. */
void tmpl_set_associate(tmpl_set *s, ttree *tr)
{
    size_t n = strlen(tr->name);
    /* In a tpl clone the root template has no tree of its own (Go's
     * Clone), so tpl text always replaces it. */
    bool root = s->parent && strcmp(tr->name, s->name) == 0;
    if (!root && tn_is_empty_tree(tr->root) && tmpl_lookup(s, tr->name, n))
        return;
    tmap_put(s->arena, &s->tmpls, tr->name, n, tr);
}
