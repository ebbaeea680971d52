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

struct store {
    pthread_rwlock_t lock;
    strmap *objs;
};

store *store_new(void)
{
    store *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    pthread_rwlock_init(&s->lock, NULL);
    s->objs = strmap_new();
    return s;
}

static void decref(void *p)
{
    json_decref(p);
}

void store_free(store *s)
{
    if (!s)
        return;
    strmap_free(s->objs, decref);
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
    char *k = malloc(n);
    if (!k)
        abort();
    if (ns && *ns)
        snprintf(k, n, "%s/%s", ns, name);
    else
        snprintf(k, n, "%s", name);
    return k;
}

json_t *store_get(store *s, const char *key)
{
    pthread_rwlock_rdlock(&s->lock);
    json_t *o = json_incref(strmap_get(s->objs, key));
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
    pthread_rwlock_wrlock(&s->lock);
    json_t *old = strmap_put(s->objs, k, obj);
    pthread_rwlock_unlock(&s->lock);
    free(k);
    return old;
}

json_t *store_del(store *s, const char *key)
{
    pthread_rwlock_wrlock(&s->lock);
    json_t *old = strmap_del(s->objs, key);
    pthread_rwlock_unlock(&s->lock);
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
    bool (*fn)(void *ud, const char *key, json_t *obj);
    void *ud;
} each_ctx;

static bool each_tramp(void *ud, const char *key, void *val)
{
    each_ctx *c = ud;
    return c->fn(c->ud, key, val);
}

void store_each(store *s, bool (*fn)(void *ud, const char *key, json_t *obj),
                void *ud)
{
    each_ctx c = {fn, ud};
    pthread_rwlock_rdlock(&s->lock);
    strmap_each(s->objs, each_tramp, &c);
    pthread_rwlock_unlock(&s->lock);
}
