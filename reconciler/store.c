/*
 * store.c — thread-safe object cache (see store.h).
 */
#include "store.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

typedef struct entry {
    size_t len;
    char text[]; /* compact JSON, NUL-terminated */
} entry;

struct store {
    pthread_rwlock_t lock;
    strmap *objs; /* key -> entry */
};

static entry *entry_of(const json_t *obj)
{
    char *t = json_dumps(obj, JSON_COMPACT);
    if (!t)
        abort();
    size_t n = strlen(t);
    entry *e = rc_xmalloc(sizeof *e + n + 1);
    e->len = n;
    memcpy(e->text, t, n + 1);
    free(t);
    return e;
}

static json_t *parse(const entry *e)
{
    return e ? json_loadb(e->text, e->len, 0, NULL) : NULL;
}

store *store_new(void)
{
    store *s = rc_xcalloc(1, sizeof *s);
    pthread_rwlock_init(&s->lock, NULL);
    s->objs = strmap_new();
    return s;
}

void store_free(store *s)
{
    if (!s)
        return;
    strmap_free(s->objs, free);
    pthread_rwlock_destroy(&s->lock);
    free(s);
}

char *store_key(const json_t *obj)
{
    json_t *md = json_object_get(obj, "metadata");
    const char *name = json_string_value(json_object_get(md, "name"));
    const char *ns = json_string_value(json_object_get(md, "namespace"));
    if (!name)
        return NULL;
    size_t n = strlen(name) + (ns ? strlen(ns) + 1 : 0) + 1;
    char *k = rc_xmalloc(n);
    if (ns && *ns)
        snprintf(k, n, "%s/%s", ns, name);
    else
        snprintf(k, n, "%s", name);
    return k;
}

json_t *store_get(store *s, const char *key)
{
    pthread_rwlock_rdlock(&s->lock);
    json_t *o = parse(strmap_get(s->objs, key));
    pthread_rwlock_unlock(&s->lock);
    return o;
}

json_t *store_put(store *s, json_t *obj)
{
    char *k = store_key(obj);
    if (!k) {
        json_decref(obj);
        return NULL;
    }
    entry *e = entry_of(obj);
    json_decref(obj);
    pthread_rwlock_wrlock(&s->lock);
    entry *prev = strmap_put(s->objs, k, e);
    pthread_rwlock_unlock(&s->lock);
    free(k);
    json_t *old = parse(prev);
    free(prev);
    return old;
}

json_t *store_del(store *s, const char *key)
{
    pthread_rwlock_wrlock(&s->lock);
    entry *prev = strmap_del(s->objs, key);
    pthread_rwlock_unlock(&s->lock);
    json_t *old = parse(prev);
    free(prev);
    return old;
}

size_t store_len(store *s)
{
    pthread_rwlock_rdlock(&s->lock);
    size_t n = strmap_len(s->objs);
    pthread_rwlock_unlock(&s->lock);
    return n;
}

typedef struct each_ctx {
    const char *needle;
    bool (*fn)(void *ud, const char *key, json_t *obj);
    bool (*key_fn)(void *ud, const char *key);
    void *ud;
} each_ctx;

static bool each_tramp(void *ud, const char *key, void *val)
{
    each_ctx *c = ud;
    entry *e = val;
    if (c->key_fn)
        return c->key_fn(c->ud, key);
    if (c->needle && !strstr(e->text, c->needle))
        return true;
    json_t *o = parse(e);
    bool more = o ? c->fn(c->ud, key, o) : true;
    json_decref(o);
    return more;
}

void store_each(store *s, const char *needle,
                bool (*fn)(void *ud, const char *key, json_t *obj), void *ud)
{
    each_ctx c = {needle, fn, NULL, ud};
    pthread_rwlock_rdlock(&s->lock);
    strmap_each(s->objs, each_tramp, &c);
    pthread_rwlock_unlock(&s->lock);
}

void store_each_key(store *s, bool (*fn)(void *ud, const char *key), void *ud)
{
    each_ctx c = {NULL, NULL, fn, ud};
    pthread_rwlock_rdlock(&s->lock);
    strmap_each(s->objs, each_tramp, &c);
    pthread_rwlock_unlock(&s->lock);
}
