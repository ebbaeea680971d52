/*
 * apply.h — getting one rendered object into the cluster, and taking one
 * away, the way the operator promises:
 *
 *  - owner references: a controller reference to the MLflow on the
 *    instance's own objects; on shared objects (those the chart renders
 *    without the app.kubernetes.io/instance label: the ClusterRole, an
 *    explicitly named ServiceAccount) one plain reference per instance.
 *    A shared object has one field manager, like every other object: its
 *    writes are serialised in this process, each one starts from the
 *    newest version known (our last write or the cache), keeps the
 *    references of the MLflow objects that still exist, adds or drops
 *    the instance's own, and carries that version's resourceVersion, so
 *    a write based on a stale copy is refused (409) and redone from a
 *    fresh GET instead of dropping another instance's reference. (One
 *    field manager per instance would do the merging on the server, but
 *    every apply then walks every instance's managed fields: quadratic
 *    in the number of instances.);
 *  - server-side apply with force, one PATCH per object, and none at all
 *    when nothing would change: the object in the cache already holds
 *    every field we would set (apply_subset), or it is the very version
 *    our last identical apply produced (apply_memory);
 *  - a PersistentVolumeClaim is created once; afterwards one merge
 *    patch adds the rendered labels and annotations it lacks or holds
 *    with another value (never removing one someone else added) and a
 *    larger storage request (claims cannot shrink and the rest of their
 *    spec is immutable); nothing is sent when nothing differs;
 *  - pruning deletes an object we own that the spec no longer renders,
 *    with a UID precondition, except a claim: that is data, and is
 *    reported as retained instead.
 */
#ifndef RC_APPLY_H
#define RC_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "discovery.h"
#include "kube_client.h"
#include "log.h"
#include "store.h"

struct json_t;

#define APPLY_MANAGER "mlflow-operator"
#define APPLY_INSTANCE_LABEL "app.kubernetes.io/instance"

/* ---- pure helpers (unit-tested) ---- */

/* Whether every field of `want` has the same value in `have`. Values Go
 * leaves out when they are zero (false, 0, "", {}, [], null) match a
 * missing field; lists must have the same length, except lists of objects
 * with a "uid" (owner references), where each wanted item must be present.
 * Numbers compare by value (1 == 1.0). */
bool apply_subset(const struct json_t *want, const struct json_t *have);

/* A Kubernetes quantity ("2Gi", "500M", "1.5", "100m", "1e3") as a
 * number; -1 when it is not one. */
int apply_quantity(const char *s, long double *out);

/* SHA-256 hex (65 bytes) of the object's canonical JSON (sorted keys). */
void apply_hash(const struct json_t *obj, char out[65]);

/* The ownerReference that points at an MLflow object. */
struct json_t *apply_owner_ref(const struct json_t *mlflow, bool controller);
/* A shared object: rendered without the instance label. */
bool apply_is_shared(const struct json_t *obj);
/* "apiVersion/Kind/namespace/name": the key of the apply memory. */
char *apply_key(const struct json_t *obj);

/* ---- apply memory ----
 * What we applied last per object: the hash of the body, the
 * resourceVersion before and after. Lets a reconcile that runs before the
 * watch has delivered our own write recognise it. It also holds the lock
 * and the last written version of shared objects. Thread-safe. */
typedef struct apply_memory apply_memory;
apply_memory *apply_memory_new(void);
void apply_memory_free(apply_memory *m);
/* Whether the object at resourceVersion `rv` is known to already hold the
 * body with this hash. */
bool apply_memory_current(apply_memory *m, const char *key, const char *hash,
                          const char *rv);
/* Whether the body for `key` differs from the one last applied (or found
 * already held): then a live object holding every field of the new body
 * may still hold one the new body left out, and only an apply drops it. */
bool apply_memory_changed(apply_memory *m, const char *key, const char *hash);
void apply_memory_record(apply_memory *m, const char *key, const char *hash,
                         const char *rv_before, const char *rv_after);
/* A version of `key` the watch delivered: whether it came from our own
 * last write. Any other version makes the copy kept of a shared object
 * stale, and it is dropped. */
bool apply_memory_observe(apply_memory *m, const char *key, const char *rv);
void apply_memory_forget(apply_memory *m, const char *key);

/* ---- I/O ---- */

typedef struct apply_env {
    kube_client *kc;
    discovery *disc;
    apply_memory *mem;
    log_ctx *log;
    /* The MLflow cache: a shared object keeps the references of the
     * instances found here (NULL: keeps them all). */
    store *mlflows;
} apply_env;

typedef enum apply_outcome {
    APPLY_SKIPPED,   /* already as wanted */
    APPLY_WRITTEN,   /* created or changed */
    APPLY_GROWN,     /* a claim's storage request was raised (and its
                      * labels and annotations brought up to date) */
    APPLY_RELABELED, /* a claim's labels or annotations brought up to date */
    APPLY_KEPT,      /* a claim left as it is */
} apply_outcome;

/* Apply `obj` (rendered, owner references not yet set) for `mlflow`.
 * `cached` is the object as the cache has it, or NULL. *live (may be
 * NULL) gets the object as the server returned it when written, else a
 * new reference to `cached`. */
int apply_object(apply_env *env, const struct json_t *mlflow,
                 struct json_t *obj, struct json_t *cached,
                 apply_outcome *outcome, struct json_t **live, kube_err *err);

/* The owner references in `obj` that point at the MLflow with `uid`:
 * 0 none, 1 a plain reference, 2 the controller reference. */
int apply_owned_by(const struct json_t *obj, const char *uid);

/* Take `obj` (found in a cache, owned by `mlflow`, no longer rendered)
 * away: delete it; from a shared object (a plain reference) drop the
 * instance's reference, deleting the object with the last one. A claim
 * is not touched: *retained is set instead. */
int apply_prune(apply_env *env, const struct json_t *mlflow,
                const struct json_t *obj, bool *retained, kube_err *err);

#endif
