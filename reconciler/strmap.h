/*
 * strmap.h — a hash map from strings to pointers (separate chaining, grows
 * by doubling). The map copies keys; values are the caller's. Not
 * thread-safe: the modules that share one (queue, store) lock around it.
 */
#ifndef RC_STRMAP_H
#define RC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strmap strmap;

strmap *strmap_new(void);
/* Frees the map; free_val (may be NULL) is called on every value. */
void strmap_free(strmap *m, void (*free_val)(void *));
void *strmap_get(const strmap *m, const char *key);
/* Insert or replace; returns the value replaced, or NULL. */
void *strmap_put(strmap *m, const char *key, void *val);
/* Remove; returns the value removed, or NULL. */
void *strmap_del(strmap *m, const char *key);
size_t strmap_len(const strmap *m);

/* Visit every entry (any order). `fn` must not change the map; returning
 * false stops the walk. */
void strmap_each(const strmap *m,
                 bool (*fn)(void *ud, const char *key, void *val), void *ud);

#endif
