/*
 * store.h — the informer cache: the last seen state of every object of one
 * kind, keyed "namespace/name" (just "name" when cluster-scoped).
 *
 * Objects are kept as compact JSON text, not as jansson trees: a tree
 * takes five to ten times the bytes, and a cache of a few hundred
 * Deployments would dominate the operator's memory. Readers get a freshly
 * parsed copy they own, so a copy stays valid whatever the watch does
 * next. Thread-safe (a reader-writer lock).
 */
#ifndef RC_STORE_H
#define RC_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct json_t;

typedef struct store store;

store *store_new(void);
void store_free(store *s);

/* "ns/name" or "name" for an object (malloc'd); NULL without a name. */
char *store_key(const struct json_t *obj);

/* A parsed copy of the object under `key` (the caller's), or NULL. */
struct json_t *store_get(store *s, const char *key);
/* Store `obj` (the reference is taken); returns the object it replaced
 * (the caller owns that reference) or NULL. */
struct json_t *store_put(store *s, struct json_t *obj);
/* Remove; returns the removed object (caller's reference) or NULL. */
struct json_t *store_del(store *s, const char *key);
size_t store_len(store *s);
/* Call fn on every object whose JSON text contains `needle` (NULL: all),
 * parsed for the call only, under the read lock (fn must not call back
 * into this store's writers); returning false stops the walk. A needle
 * such as an owner's uid makes the walk cheap: other objects are never
 * parsed. */
void store_each(store *s, const char *needle,
                bool (*fn)(void *ud, const char *key, struct json_t *obj),
                void *ud);
/* Every key, under the read lock. */
void store_each_key(store *s, bool (*fn)(void *ud, const char *key), void *ud);

#endif
