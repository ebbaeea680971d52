/*
 * store.h — the informer cache: the last seen state of every object of one
 * kind, keyed "namespace/name" (just "name" when cluster-scoped).
 *
 * Objects are jansson values that nobody changes once stored; store_get
 * hands out a new reference, so a reader keeps its copy valid even if the
 * watch replaces it a moment later. Thread-safe (a reader-writer lock).
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

/* A new reference to the object under `key`, or NULL. */
struct json_t *store_get(store *s, const char *key);
/* Store `obj` (the reference is taken); returns the object it replaced
 * (the caller owns that reference) or NULL. */
struct json_t *store_put(store *s, struct json_t *obj);
/* Remove; returns the removed object (caller's reference) or NULL. */
struct json_t *store_del(store *s, const char *key);
size_t store_len(store *s);
/* Call fn on every object under the read lock (fn must not call back
 * into this store's writers); returning false stops the walk. */
void store_each(store *s, bool (*fn)(void *ud, const char *key,
                                     struct json_t *obj),
                void *ud);

#endif
