/*
 * strmap.c — string-keyed hash map (see strmap.h). FNV-1a hashing.
 */
#include "strmap.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    void *val;
    char key[]; /* NUL-terminated copy */
} entry;

struct strmap {
    entry **buckets;
    size_t nbuckets; /* a power of two */
    size_t len;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

strmap *strmap_new(void)
{
    strmap *m = rc_xcalloc(1, sizeof *m);
    m->nbuckets = 16;
    m->buckets = rc_xcalloc(m->nbuckets, sizeof *m->buckets);
    return m;
}

void strmap_free(strmap *m, void (*free_val)(void *))
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        entry *e = m->buckets[i];
        while (e) {
            entry *next = e->next;
            if (free_val)
                free_val(e->val);
            free(e);
            e = next;
        }
    }
    free(m->buckets);
    free(m);
}

static entry **find(const strmap *m, const char *key, uint64_t h)
{
    entry **pp = &m->buckets[h & (m->nbuckets - 1)];
    while (*pp && ((*pp)->hash != h || strcmp((*pp)->key, key) != 0))
        pp = &(*pp)->next;
    return pp;
}

void *strmap_get(const strmap *m, const char *key)
{
    entry *e = *find(m, key, hash_str(key));
    return e ? e->val : NULL;
}

static void grow(strmap *m)
{
    size_t n = m->nbuckets * 2;
    entry **b = rc_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < m->nbuckets; i++) {
        entry *e = m->buckets[i];
        while (e) {
            entry *next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
}

void *strmap_put(strmap *m, const char *key, void *val)
{
    uint64_t h = hash_str(key);
    entry **pp = find(m, key, h);
    if (*pp) {
        void *old = (*pp)->val;
        (*pp)->val = val;
        return old;
    }
    size_t kl = strlen(key);
    entry *e = rc_xmalloc(sizeof *e + kl + 1);
    e->next = NULL;
    e->hash = h;
    e->val = val;
    memcpy(e->key, key, kl + 1);
    *pp = e;
    if (++m->len > m->nbuckets)
        grow(m);
    return NULL;
}

void *strmap_del(strmap *m, const char *key)
{
    entry **pp = find(m, key, hash_str(key));
    entry *e = *pp;
    if (!e)
        return NULL;
    *pp = e->next;
    void *v = e->val;
    free(e);
    m->len--;
    return v;
}

size_t strmap_len(const strmap *m)
{
    return m->len;
}

void strmap_each(const strmap *m,
                 bool (*fn)(void *ud, const char *key, void *val), void *ud)
{
    for (size_t i = 0; i < m->nbuckets; i++)
        for (entry *e = m->buckets[i]; e; e = e->next)
            if (!fn(ud, e->key, e->val))
                return;
}
