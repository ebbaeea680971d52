/*
 * apply.c — server-side apply of one object, claims, and pruning (see
 * apply.h).
 */
#include "apply.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

/* ---- pure helpers ---- */

static bool zero_value(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return true;
    case JSON_STRING:
        return json_string_length(v) == 0;
    case JSON_INTEGER:
        return json_integer_value(v) == 0;
    case JSON_REAL:
        return json_real_value(v) == 0;
    case JSON_OBJECT:
        return json_object_size(v) == 0;
    case JSON_ARRAY:
        return json_array_size(v) == 0;
    default:
        return false;
    }
}

static bool has_uids(const json_t *arr)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it) if (!json_is_string(json_object_get(
                                           it, "uid"))) return false;
    return json_array_size(arr) > 0;
}

static bool subset_by_uid(const json_t *want, const json_t *have)
{
    size_t i, j;
    json_t *w, *h;
    json_array_foreach(want, i, w)
    {
        const char *uid = json_string_value(json_object_get(w, "uid"));
        bool found = false;
        json_array_foreach(have, j, h)
        {
            const char *u = json_string_value(json_object_get(h, "uid"));
            if (u && strcmp(u, uid) == 0) {
                found = apply_subset(w, h);
                break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

bool apply_subset(const json_t *want, const json_t *have)
{
    if (!have)
        return !want || zero_value(want);
    if (json_is_number(want) && json_is_number(have))
        return json_number_value(want) == json_number_value(have);
    if (json_typeof(want) != json_typeof(have))
        return false;
    if (json_is_object(want)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)want, k, v)
        {
            if (!apply_subset(v, json_object_get(have, k)))
                return false;
        }
        return true;
    }
    if (json_is_array(want)) {
        if (has_uids(want))
            return subset_by_uid(want, have);
        if (json_array_size(want) != json_array_size(have))
            return false;
        for (size_t i = 0; i < json_array_size(want); i++)
            if (!apply_subset(json_array_get(want, i), json_array_get(have, i)))
                return false;
        return true;
    }
    return json_equal((json_t *)want, (json_t *)have);
}

int apply_quantity(const char *s, long double *out)
{
    if (!s || !*s)
        return -1;
    /* Digits, sign and decimal point only: strtold also reads "inf",
     * "nan" and hex, which are no quantities. */
    for (const char *p = s; *p && !isalpha((unsigned char)*p); p++)
        if (!isdigit((unsigned char)*p) && *p != '.' && *p != '+' && *p != '-')
            return -1;
    if (!isdigit((unsigned char)s[0]) && s[0] != '.' && s[0] != '+' &&
        s[0] != '-')
        return -1;
    char *end;
    /* strtold takes "1e3" as an exponent; "2E" (exa) stays a suffix
     * because no digit follows the E. */
    long double v = strtold(s, &end);
    if (end == s || memchr(s, 'x', (size_t)(end - s)) ||
        memchr(s, 'X', (size_t)(end - s)))
        return -1;
    static const struct {
        const char *suf;
        long double mul;
    } sufs[] = {
        {"Ki", 1024.0L},
        {"Mi", 1048576.0L},
        {"Gi", 1073741824.0L},
        {"Ti", 1099511627776.0L},
        {"Pi", 1125899906842624.0L},
        {"Ei", 1152921504606846976.0L},
        {"n", 1e-9L},
        {"u", 1e-6L},
        {"m", 1e-3L},
        {"", 1.0L},
        {"k", 1e3L},
        {"M", 1e6L},
        {"G", 1e9L},
        {"T", 1e12L},
        {"P", 1e15L},
        {"E", 1e18L},
    };
    for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++) {
        if (strcmp(end, sufs[i].suf) == 0) {
            if (!isfinite((double)v))
                return -1;
            *out = v * sufs[i].mul;
            return 0;
        }
    }
    return -1;
}

void apply_hash(const json_t *obj, char out[65])
{
    char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    free(s);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

json_t *apply_owner_ref(const json_t *mlflow, bool controller)
{
    json_t *md = json_object_get(mlflow, "metadata");
    json_t *ref =
        json_pack("{s:s,s:s,s:O,s:O}", "apiVersion",
                  json_string_value(json_object_get(mlflow, "apiVersion"))
                      ? json_string_value(json_object_get(mlflow, "apiVersion"))
                      : "mlflow.opendatahub.io/v1",
                  "kind", "MLflow", "name", json_object_get(md, "name"), "uid",
                  json_object_get(md, "uid"));
    if (controller) {
        json_object_set_new(ref, "controller", json_true());
        json_object_set_new(ref, "blockOwnerDeletion", json_true());
    }
    return ref;
}

bool apply_is_shared(const json_t *obj)
{
    json_t *labels =
        json_object_get(json_object_get(obj, "metadata"), "labels");
    return json_object_get(labels, APPLY_INSTANCE_LABEL) == NULL;
}

static const char *str_at(const json_t *obj, const char *a, const char *b)
{
    json_t *v = json_object_get(obj, a);
    if (b)
        v = json_object_get(v, b);
    const char *s = json_string_value(v);
    return s ? s : "";
}

char *apply_key(const json_t *obj)
{
    const char *av = str_at(obj, "apiVersion", NULL),
               *kind = str_at(obj, "kind", NULL),
               *ns = str_at(obj, "metadata", "namespace"),
               *name = str_at(obj, "metadata", "name");
    size_t n = strlen(av) + strlen(kind) + strlen(ns) + strlen(name) + 4;
    char *k = rc_xmalloc(n);
    snprintf(k, n, "%s/%s/%s/%s", av, kind, ns, name);
    return k;
}

int apply_owned_by(const json_t *obj, const char *uid)
{
    json_t *refs =
        json_object_get(json_object_get(obj, "metadata"), "ownerReferences");
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        const char *u = json_string_value(json_object_get(r, "uid"));
        if (u && uid && strcmp(u, uid) == 0)
            return json_is_true(json_object_get(r, "controller")) ? 2 : 1;
    }
    return 0;
}

/* ---- apply memory ---- */

typedef struct mem_entry {
    char hash[65];
    char *rv_before, *rv_after;
} mem_entry;

struct apply_memory {
    pthread_mutex_t mu;
    strmap *m;      /* key -> mem_entry */
    strmap *shared; /* key -> json_t: a shared object as we last wrote it */
    pthread_mutex_t shared_mu; /* one write of a shared object at a time */
};

static void json_value_free(void *p)
{
    json_decref(p);
}

static void mem_entry_free(void *p)
{
    mem_entry *e = p;
    if (!e)
        return;
    free(e->rv_before);
    free(e->rv_after);
    free(e);
}

apply_memory *apply_memory_new(void)
{
    apply_memory *m = rc_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->shared_mu, NULL);
    m->m = strmap_new();
    m->shared = strmap_new();
    return m;
}

void apply_memory_free(apply_memory *m)
{
    if (!m)
        return;
    strmap_free(m->m, mem_entry_free);
    strmap_free(m->shared, json_value_free);
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->shared_mu);
    free(m);
}

static bool same(const char *a, const char *b)
{
    return a && b && *a && strcmp(a, b) == 0;
}

bool apply_memory_current(apply_memory *m, const char *key, const char *hash,
                          const char *rv)
{
    pthread_mutex_lock(&m->mu);
    mem_entry *e = strmap_get(m->m, key);
    /* rv_before: the cache has not caught up with our write yet. */
    bool ok = e && strcmp(e->hash, hash) == 0 &&
              (same(e->rv_after, rv) || same(e->rv_before, rv));
    pthread_mutex_unlock(&m->mu);
    return ok;
}

bool apply_memory_changed(apply_memory *m, const char *key, const char *hash)
{
    pthread_mutex_lock(&m->mu);
    mem_entry *e = strmap_get(m->m, key);
    bool changed = e && strcmp(e->hash, hash) != 0;
    pthread_mutex_unlock(&m->mu);
    return changed;
}

bool apply_memory_observe(apply_memory *m, const char *key, const char *rv)
{
    pthread_mutex_lock(&m->mu);
    mem_entry *e = strmap_get(m->m, key);
    bool ok = e && same(e->rv_after, rv);
    if (!ok) /* someone else's version, or an older one of ours */
        json_decref(strmap_del(m->shared, key));
    pthread_mutex_unlock(&m->mu);
    return ok;
}

void apply_memory_record(apply_memory *m, const char *key, const char *hash,
                         const char *rv_before, const char *rv_after)
{
    mem_entry *e = rc_xcalloc(1, sizeof *e);
    snprintf(e->hash, sizeof e->hash, "%s", hash);
    e->rv_before = strdup(rv_before ? rv_before : "");
    e->rv_after = strdup(rv_after ? rv_after : "");
    pthread_mutex_lock(&m->mu);
    mem_entry_free(strmap_put(m->m, key, e));
    pthread_mutex_unlock(&m->mu);
}

void apply_memory_forget(apply_memory *m, const char *key)
{
    pthread_mutex_lock(&m->mu);
    mem_entry_free(strmap_del(m->m, key));
    json_decref(strmap_del(m->shared, key));
    pthread_mutex_unlock(&m->mu);
}

/* The shared object under `key` as we last wrote it (a new reference), or
 * NULL when a newer version has been seen since. */
static json_t *shared_last(apply_memory *m, const char *key)
{
    pthread_mutex_lock(&m->mu);
    json_t *o = json_incref(strmap_get(m->shared, key));
    pthread_mutex_unlock(&m->mu);
    return o;
}

static void shared_keep(apply_memory *m, const char *key, json_t *obj)
{
    pthread_mutex_lock(&m->mu);
    json_decref(strmap_put(m->shared, key, json_incref(obj)));
    pthread_mutex_unlock(&m->mu);
}

/* ---- I/O ---- */

static const char *rv_of(const json_t *o)
{
    return json_string_value(
        json_object_get(json_object_get(o, "metadata"), "resourceVersion"));
}

/* The object's REST path (sub may be NULL). */
static int object_path(apply_env *env, rn_arena *a, const json_t *obj,
                       const char *sub, char **path, kube_err *err)
{
    const char *av = str_at(obj, "apiVersion", NULL),
               *kind = str_at(obj, "kind", NULL),
               *ns = str_at(obj, "metadata", "namespace"),
               *name = str_at(obj, "metadata", "name");
    char resource[128];
    bool namespaced;
    if (!discovery_lookup(env->disc, av, kind, resource, sizeof resource,
                          &namespaced)) {
        kube_err_clear(err);
        snprintf(err->reason, sizeof err->reason, "NotServed");
        return rn_error_set(&err->e, "the API server does not serve %s (%s)",
                            kind, av);
    }
    if (!*name || (namespaced && !*ns)) {
        kube_err_clear(err);
        snprintf(err->reason, sizeof err->reason, "Invalid");
        return rn_error_set(&err->e, "%s without a %s", kind,
                            *name ? "namespace" : "name");
    }
    *path = kube_path(a, av, resource, namespaced ? ns : NULL, name, sub);
    return 0;
}

static json_t *metadata_of(json_t *obj)
{
    json_t *md = json_object_get(obj, "metadata");
    if (!md) {
        md = json_object();
        json_object_set_new(obj, "metadata", md);
    }
    return md;
}

static void set_owner(json_t *obj, const json_t *mlflow)
{
    json_t *refs = json_array();
    json_array_append_new(refs, apply_owner_ref(mlflow, !apply_is_shared(obj)));
    json_object_set_new(metadata_of(obj), "ownerReferences", refs);
}

static const char *claim_request(const json_t *pvc)
{
    json_t *v = json_object_get(
        json_object_get(
            json_object_get(json_object_get(pvc, "spec"), "resources"),
            "requests"),
        "storage");
    return json_string_value(v);
}

/* The members of the string map `want` that `have` lacks or holds with
 * another value (NULL: none). A merge patch of them leaves the keys
 * someone else added where they are. */
static json_t *claim_map_diff(const json_t *want, const json_t *have)
{
    json_t *diff = NULL, *v;
    const char *k;
    json_object_foreach((json_t *)want, k, v)
    {
        if (json_equal(v, json_object_get(have, k)))
            continue;
        if (!diff)
            diff = json_object();
        json_object_set(diff, k, v);
    }
    return diff;
}

/* The merge patch that brings an existing claim up to the rendered one,
 * or NULL when nothing differs: the labels and annotations it lacks or
 * holds with another value, and the storage request when the rendered
 * one is larger (*grows). The rest of a claim's spec is immutable, and a
 * claim never shrinks. */
static json_t *claim_patch(const json_t *obj, const json_t *have, bool *grows)
{
    static const char *const maps[] = {"labels", "annotations"};
    json_t *md = json_object();
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) {
        json_t *d = claim_map_diff(
            json_object_get(json_object_get(obj, "metadata"), maps[i]),
            json_object_get(json_object_get(have, "metadata"), maps[i]));
        if (d)
            json_object_set_new(md, maps[i], d);
    }
    const char *want_s = claim_request(obj), *have_s = claim_request(have);
    long double want, cur;
    *grows = want_s && have_s && apply_quantity(want_s, &want) == 0 &&
             apply_quantity(have_s, &cur) == 0 && want > cur;
    json_t *patch = json_object();
    if (json_object_size(md))
        json_object_set(patch, "metadata", md);
    json_decref(md);
    if (*grows)
        json_object_set_new(patch, "spec",
                            json_pack("{s:{s:{s:s}}}", "resources", "requests",
                                      "storage", want_s));
    if (json_object_size(patch) == 0) {
        json_decref(patch);
        return NULL;
    }
    return patch;
}

/* An existing claim: one merge patch adds the rendered labels and
 * annotations it lacks and raises its request if the rendered one is
 * larger. A patch already sent on this very version (the cache has not
 * caught up) is not sent again. */
static int grow_claim(apply_env *env, const char *path, json_t *obj,
                      json_t *have, apply_outcome *outcome, json_t **live,
                      kube_err *err)
{
    bool grows = false;
    json_t *patch = claim_patch(obj, have, &grows);
    char *key = apply_key(obj);
    char hash[65] = "";
    if (patch)
        apply_hash(patch, hash);
    *outcome = APPLY_KEPT;
    if (!patch || apply_memory_current(env->mem, key, hash, rv_of(have))) {
        json_decref(patch);
        free(key);
        if (live)
            *live = json_incref(have);
        return 0;
    }
    json_t *out = NULL;
    int rc = kube_merge_patch(env->kc, path, patch, &out, err);
    json_decref(patch);
    if (rc == 0) {
        apply_memory_record(env->mem, key, hash, rv_of(have), rv_of(out));
        *outcome = grows ? APPLY_GROWN : APPLY_RELABELED;
        if (live)
            *live = out;
        else
            json_decref(out);
    }
    free(key);
    return rc;
}

/* ---- shared objects ---- */

/* Whether the MLflow an owner reference names is still in the cache. */
static bool owner_alive(apply_env *env, const json_t *ref)
{
    if (!env->mlflows || strcmp(str_at(ref, "kind", NULL), "MLflow") != 0)
        return true;
    json_t *o = store_get(env->mlflows, str_at(ref, "name", NULL));
    bool alive = o && strcmp(str_at(o, "metadata", "uid"),
                             str_at(ref, "uid", NULL)) == 0;
    json_decref(o);
    return alive;
}

/* The owner references of `base` without the instance's own (and, with
 * `prune`, without those of MLflow objects that are gone), plus the
 * instance's own when `self`. */
static json_t *shared_refs(apply_env *env, const json_t *base,
                           const json_t *mlflow, bool self, bool prune)
{
    const char *uid = str_at(mlflow, "metadata", "uid");
    json_t *refs = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(
        json_object_get(json_object_get(base, "metadata"), "ownerReferences"),
        i, r)
    {
        if (strcmp(str_at(r, "uid", NULL), uid) == 0 ||
            (prune && !owner_alive(env, r)))
            continue;
        json_array_append(refs, r);
    }
    if (self)
        json_array_append_new(refs, apply_owner_ref(mlflow, false));
    return refs;
}

/* Apply `obj` as a new version of `base` (NULL: there is none): with
 * base's resourceVersion as a precondition, so a stale base is refused
 * with 409 rather than overwriting what changed since. */
static int write_shared(apply_env *env, const char *key, const char *path,
                        json_t *obj, const json_t *base, json_t **live,
                        kube_err *err)
{
    json_t *md = metadata_of(obj);
    char hash[65];
    apply_hash(obj, hash);
    const char *base_rv = base ? rv_of(base) : NULL;
    if (base_rv)
        json_object_set_new(md, "resourceVersion", json_string(base_rv));
    json_t *out = NULL;
    int rc = kube_apply(env->kc, path, obj, APPLY_MANAGER, true, &out, err);
    json_object_del(md, "resourceVersion");
    if (rc < 0)
        return -1;
    apply_memory_record(env->mem, key, hash, base_rv, rv_of(out));
    shared_keep(env->mem, key, out);
    if (live)
        *live = out;
    else
        json_decref(out);
    return 0;
}

/* The object at `path` as the server has it now; *out is NULL when there
 * is none (404 is not an error here). */
static int get_current(apply_env *env, const char *path, json_t **out,
                       kube_err *err)
{
    *out = NULL;
    kube_err e2;
    kube_err_clear(&e2);
    if (kube_get(env->kc, path, out, &e2) < 0 && e2.code != 404) {
        *err = e2;
        return -1;
    }
    return 0;
}

/* DELETE with a UID precondition; the object being gone already, or
 * replaced by a new one (409), is success. */
static int delete_object(apply_env *env, const char *key, const char *path,
                         const char *uid, kube_err *err)
{
    int rc = kube_delete(env->kc, path, "Background", uid, err);
    if (rc < 0 && (err->code == 404 || err->code == 409))
        rc = 0;
    if (rc == 0)
        apply_memory_forget(env->mem, key);
    return rc;
}

/* What one attempt at changing a shared object does, decided from the
 * newest version known (`base`, NULL when there is none). */
typedef enum { SHARED_KEEP, SHARED_WRITE, SHARED_DELETE } shared_action;
typedef shared_action (*shared_plan)(apply_env *env, void *ud,
                                     const json_t *base, json_t **body);

/* The one way a shared object changes: under the shared lock, from our
 * last write or the cache, redone from a fresh GET when the server
 * refuses a stale base (see write_shared). *done gets the action taken;
 * *live (may be NULL) the object as it now is. */
static int update_shared(apply_env *env, const char *key, const char *path,
                         const json_t *cached, shared_plan plan, void *ud,
                         shared_action *done, json_t **live, kube_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&env->mem->shared_mu);
    json_t *base = shared_last(env->mem, key);
    if (!base)
        base = json_incref((json_t *)cached);
    for (int attempt = 0;; attempt++) {
        json_t *body = NULL;
        *done = plan(env, ud, base, &body);
        if (*done == SHARED_KEEP) {
            if (live)
                *live = json_incref(base);
            break;
        }
        if (*done == SHARED_DELETE) {
            rc = delete_object(env, key, path, str_at(base, "metadata", "uid"),
                               err);
            break;
        }
        rc = write_shared(env, key, path, body, base, live, err);
        json_decref(body);
        bool stale = err->code == 409 || err->code == 404;
        if (rc == 0 || !stale || attempt == 4)
            break;
        json_decref(base);
        if ((rc = get_current(env, path, &base, err)) < 0)
            break;
    }
    pthread_mutex_unlock(&env->mem->shared_mu);
    json_decref(base);
    return rc;
}

typedef struct apply_plan_ctx {
    const json_t *mlflow;
    json_t *obj; /* rendered */
} apply_plan_ctx;

/* Applying: the instance's reference joins the others'; nothing to do
 * when the object already holds every field and that reference. */
static shared_action plan_apply(apply_env *env, void *ud, const json_t *base,
                                json_t **body)
{
    apply_plan_ctx *p = ud;
    json_t *md = metadata_of(p->obj);
    json_object_set_new(md, "ownerReferences",
                        shared_refs(env, base, p->mlflow, true, false));
    if (base && apply_subset(p->obj, base))
        return SHARED_KEEP;
    json_object_set_new(md, "ownerReferences",
                        shared_refs(env, base, p->mlflow, true, true));
    *body = json_incref(p->obj);
    return SHARED_WRITE;
}

static int apply_shared(apply_env *env, const json_t *mlflow, json_t *obj,
                        const char *path, json_t *cached,
                        apply_outcome *outcome, json_t **live, kube_err *err)
{
    char *key = apply_key(obj);
    apply_plan_ctx p = {mlflow, obj};
    shared_action done;
    int rc =
        update_shared(env, key, path, cached, plan_apply, &p, &done, live, err);
    *outcome = done == SHARED_KEEP ? APPLY_SKIPPED : APPLY_WRITTEN;
    free(key);
    return rc;
}

/* `base` as a body to apply again: what the server fills in left out. */
static json_t *reapply_body(const json_t *base)
{
    json_t *o = json_deep_copy(base);
    json_object_del(o, "status");
    json_t *md = metadata_of(o);
    static const char *const server_set[] = {"uid",
                                             "resourceVersion",
                                             "generation",
                                             "creationTimestamp",
                                             "managedFields",
                                             "deletionTimestamp",
                                             "deletionGracePeriodSeconds",
                                             "selfLink",
                                             "finalizers"};
    for (size_t i = 0; i < sizeof server_set / sizeof *server_set; i++)
        json_object_del(md, server_set[i]);
    return o;
}

/* Releasing: the object without the instance's reference, or gone with
 * the last one. */
static shared_action plan_release(apply_env *env, void *ud, const json_t *base,
                                  json_t **body)
{
    if (!base)
        return SHARED_KEEP; /* gone already */
    json_t *refs = shared_refs(env, base, ud, false, true);
    if (json_array_size(refs) == 0) {
        json_decref(refs);
        return SHARED_DELETE;
    }
    *body = reapply_body(base);
    json_object_set_new(metadata_of(*body), "ownerReferences", refs);
    return SHARED_WRITE;
}

int apply_object(apply_env *env, const json_t *mlflow, json_t *obj,
                 json_t *cached, apply_outcome *outcome, json_t **live,
                 kube_err *err)
{
    if (live)
        *live = NULL;
    rn_arena *a = rn_arena_new();
    char *path;
    if (object_path(env, a, obj, NULL, &path, err) < 0) {
        rn_arena_free(a);
        return -1;
    }
    const char *kind = str_at(obj, "kind", NULL);
    int rc = 0;
    if (apply_is_shared(obj) && strcmp(kind, "PersistentVolumeClaim") != 0) {
        rc = apply_shared(env, mlflow, obj, path, cached, outcome, live, err);
        rn_arena_free(a);
        return rc;
    }
    set_owner(obj, mlflow);
    json_t *have = json_incref(cached);
    if (strcmp(kind, "PersistentVolumeClaim") == 0) {
        /* The cache may lag; a claim must never be applied over. */
        if (!have && get_current(env, path, &have, err) < 0) {
            rn_arena_free(a);
            return -1;
        }
        if (have) {
            rc = grow_claim(env, path, obj, have, outcome, live, err);
            json_decref(have);
            rn_arena_free(a);
            return rc;
        }
    }
    char *key = apply_key(obj);
    char hash[65];
    apply_hash(obj, hash);
    const char *have_rv = have ? rv_of(have) : NULL;
    if (have && (apply_memory_current(env->mem, key, hash, have_rv) ||
                 (!apply_memory_changed(env->mem, key, hash) &&
                  apply_subset(obj, have)))) {
        apply_memory_record(env->mem, key, hash, have_rv, have_rv);
        *outcome = APPLY_SKIPPED;
        if (live)
            *live = json_incref(have);
    } else {
        json_t *out = NULL;
        rc = kube_apply(env->kc, path, obj, APPLY_MANAGER, true, &out, err);
        if (rc == 0) {
            apply_memory_record(env->mem, key, hash, have_rv, rv_of(out));
            *outcome = APPLY_WRITTEN;
            if (live)
                *live = out;
            else
                json_decref(out);
        }
    }
    json_decref(have);
    free(key);
    rn_arena_free(a);
    return rc;
}

int apply_prune(apply_env *env, const json_t *mlflow, const json_t *obj,
                bool *retained, kube_err *err)
{
    *retained = false;
    const char *kind = str_at(obj, "kind", NULL);
    if (strcmp(kind, "PersistentVolumeClaim") == 0) {
        *retained = true;
        return 0;
    }
    const char *uid = str_at(mlflow, "metadata", "uid");
    int owned = apply_owned_by(obj, uid);
    if (owned == 0)
        return 0;
    rn_arena *a = rn_arena_new();
    char *path;
    int rc = object_path(env, a, obj, NULL, &path, err);
    char *key = apply_key(obj);
    shared_action done;
    if (rc == 0 && owned == 1)
        rc = update_shared(env, key, path, obj, plan_release, (void *)mlflow,
                           &done, NULL, err);
    else if (rc == 0)
        rc = delete_object(env, key, path, str_at(obj, "metadata", "uid"), err);
    free(key);
    if (rc == 0)
        log_msg(env->log, LOG_INFO, str_at(mlflow, "metadata", "name"),
                "%s %s %s", kind, str_at(obj, "metadata", "name"),
                owned == 1 ? "released: the spec no longer uses it"
                           : "deleted: the spec no longer renders it");
    rn_arena_free(a);
    return rc;
}
