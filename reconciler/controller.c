/*
 * controller.c — informers, queue, workers and the reconcile (see
 * controller.h).
 */
#include "controller.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "clock.h"
#include "discovery.h"
#include "event.h"
#include "json.h"
#include "kube_watch.h"
#include "migration.h"
#include "queue.h"
#include "render.h"
#include "status.h"
#include "strmap.h"
#include "xalloc.h"

#define TLS_DIGEST_ANNOTATION "mlflow.opendatahub.io/tls-digest"

#define MLFLOW_API "mlflow.opendatahub.io/v1"
#define OWNED_SELECTOR "app.kubernetes.io/part-of=mlflow"

/* The kinds the chart renders. Optional ones are watched (and rendered)
 * only while the cluster serves them. */
typedef struct owned_kind {
    const char *api_version, *kind;
    bool optional;
    /* Filled from discovery; guarded by the controller's kinds lock. */
    bool served, namespaced;
    char resource[64];
    kube_informer *inf;
} owned_kind;

static const owned_kind kind_table[] = {
    {"v1", "ServiceAccount", false, false, false, "", NULL},
    {"rbac.authorization.k8s.io/v1", "ClusterRole", false, false, false, "",
     NULL},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", false, false, false,
     "", NULL},
    {"v1", "PersistentVolumeClaim", false, false, false, "", NULL},
    {"v1", "Service", false, false, false, "", NULL},
    {"v1", "ConfigMap", false, false, false, "", NULL},
    {"apps/v1", "Deployment", false, false, false, "", NULL},
    {"batch/v1", "CronJob", false, false, false, "", NULL},
    {"batch/v1", "Job", false, false, false, "", NULL},
    {"networking.k8s.io/v1", "NetworkPolicy", false, false, false, "", NULL},
    {"gateway.networking.k8s.io/v1", "HTTPRoute", true, false, false, "", NULL},
    {"console.openshift.io/v1", "ConsoleLink", true, false, false, "", NULL},
    {"monitoring.coreos.com/v1", "ServiceMonitor", true, false, false, "",
     NULL},
};
#define NKINDS (sizeof kind_table / sizeof kind_table[0])

typedef struct worker {
    struct controller *c;
    pthread_t thread;
    kube_client *kc;
    atomic_bool busy;
} worker;

struct controller {
    controller_opts o;
    discovery *disc;
    kube_client *kc; /* timer thread */
    apply_memory *mem;
    event_recorder *events; /* shared by the workers */
    queue *q;
    kube_informer *mlflows;
    /* kubernetes.io/tls Secrets of the namespace, each kept as its
     * metadata and a digest of its certificate and key. */
    kube_informer *tls;
    owned_kind kinds[NKINDS];
    pthread_rwlock_t kinds_lock;
    worker *workers;
    int nworkers;
    pthread_t timer;
    atomic_bool stopping; /* watches and timer end */
    atomic_bool abort;    /* requests in flight are cut */
    atomic_bool ready;
    /* MLflow uid -> "<Deployment uid>/<generation>" whose pods' version
     * status.version holds (malloc'd strings). */
    pthread_mutex_t versions_mu;
    strmap *versions;
    /* MLflow uid -> "<failed Job uid>\n<its pod's termination message>":
     * a finished Job's pods do not change, so they are listed once. Under
     * versions_mu. */
    strmap *job_reports;
};

static const char *str_at(const json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    const char *s = json_string_value(v);
    return s ? s : "";
}

/* parent[key] as an object, added ({}) when it is not there; NULL when
 * parent is not an object. */
static json_t *child_object(json_t *parent, const char *key)
{
    if (!json_is_object(parent))
        return NULL;
    json_t *o = json_object_get(parent, key);
    if (!o) {
        o = json_object();
        json_object_set_new(parent, key, o);
    }
    return o;
}

static bool stop_requested(controller *c)
{
    return atomic_load(&c->stopping) || (c->o.stop && atomic_load(c->o.stop));
}

static void sleep_ms(controller *c, long ms)
{
    rc_sleep_ms(ms, &c->stopping, c->o.stop);
}

/* ---- event handlers (informer threads) ---- */

static void on_mlflow(void *ud, kw_type t, json_t *obj, json_t *old)
{
    controller *c = ud;
    const char *name = str_at(obj, "metadata", "name");
    if (t == KW_DELETED) {
        char key[300];
        snprintf(key, sizeof key, "status/%s", str_at(obj, "metadata", "uid"));
        apply_memory_forget(c->mem, key);
        pthread_mutex_lock(&c->versions_mu);
        free(strmap_del(c->versions, str_at(obj, "metadata", "uid")));
        free(strmap_del(c->job_reports, str_at(obj, "metadata", "uid")));
        pthread_mutex_unlock(&c->versions_mu);
    }
    if (t == KW_MODIFIED && old) {
        json_t *md = json_object_get(obj, "metadata"),
               *omd = json_object_get(old, "metadata");
        /* Our own status writes change neither: no reconcile for them.
         * The one annotation the operator reads counts as a change. */
        json_t *force = json_object_get(json_object_get(md, "annotations"),
                                        MIGRATION_FORCE_ANNOTATION),
               *oforce = json_object_get(json_object_get(omd, "annotations"),
                                         MIGRATION_FORCE_ANNOTATION);
        if (json_equal(json_object_get(md, "generation"),
                       json_object_get(omd, "generation")) &&
            (force ? oforce && json_equal(force, oforce) : !oforce) &&
            json_equal(json_object_get(md, "uid"),
                       json_object_get(omd, "uid")) &&
            !json_object_get(md, "deletionTimestamp"))
            return;
    }
    queue_add(c->q, name);
}

typedef struct name_set {
    const char *names[64];
    int n;
} name_set;

static void owners_of(const json_t *obj, name_set *s)
{
    s->n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(
        json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), i,
        r)
    {
        const char *av = str_at(r, "apiVersion", NULL);
        if (strcmp(str_at(r, "kind", NULL), "MLflow") == 0 &&
            strncmp(av, "mlflow.opendatahub.io/", 22) == 0 && s->n < 64)
            s->names[s->n++] = str_at(r, "name", NULL);
    }
}

static bool in_set(const name_set *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return true;
    return false;
}

/* The object without what changes when only owner references or the
 * version move. */
static json_t *content_of(const json_t *obj)
{
    json_t *o = json_deep_copy(obj);
    json_t *md = json_object_get(o, "metadata");
    json_object_del(md, "ownerReferences");
    json_object_del(md, "resourceVersion");
    json_object_del(md, "managedFields");
    return o;
}

static void on_owned(void *ud, kw_type t, json_t *obj, json_t *old)
{
    controller *c = ud;
    name_set now, before;
    owners_of(obj, &now);
    if (now.n == 0 && !old)
        return;
    char *key = apply_key(obj);
    if (t == KW_DELETED) {
        apply_memory_forget(c->mem, key);
    } else if (apply_memory_observe(
                   c->mem, key, str_at(obj, "metadata", "resourceVersion"))) {
        free(key); /* the echo of our own write */
        return;
    }
    free(key);
    if (t == KW_MODIFIED && old) {
        owners_of(old, &before);
        json_t *a = content_of(obj), *b = content_of(old);
        bool same = json_equal(a, b);
        json_decref(a);
        json_decref(b);
        if (same) {
            /* Only references moved (a shared object): wake just the
             * instances whose reference came or went. */
            for (int i = 0; i < now.n; i++)
                if (!in_set(&before, now.names[i]))
                    queue_add(c->q, now.names[i]);
            for (int i = 0; i < before.n; i++)
                if (!in_set(&now, before.names[i]))
                    queue_add(c->q, before.names[i]);
            return;
        }
        for (int i = 0; i < before.n; i++)
            queue_add(c->q, before.names[i]);
    }
    for (int i = 0; i < now.n; i++)
        queue_add(c->q, now.names[i]);
}

static void on_restart(void *ud, const char *name, const char *reason)
{
    controller *c = ud;
    if (c->o.m)
        metrics_watch_restart(c->o.m, name, reason);
}

/* ---- serving certificates ---- */

/* The cache holds no key: a kubernetes.io/tls Secret becomes its metadata
 * and "digest", the SHA-256 of its tls.crt and tls.key. */
static void tls_digest_only(json_t *secret)
{
    json_t *data = json_object_get(secret, "data");
    json_t *crt = json_object_get(data, "tls.crt"),
           *key = json_object_get(data, "tls.key");
    if (crt || key) {
        json_t *pick = json_pack("{s:O?,s:O?}", "crt", crt, "key", key);
        char hex[65];
        apply_hash(pick, hex);
        json_decref(pick);
        json_object_set_new(secret, "digest", json_string(hex));
    }
    json_object_del(secret, "data");
    json_object_del(secret, "stringData");
}

/* The MLflow objects a serving certificate Secret may belong to: the
 * chart names them mlflow[-<name>]-tls and mlflow-artifacts[-<name>]-tls.
 * "mlflow-artifacts-x-tls" is either; both are woken (an MLflow that
 * does not exist reconciles to nothing). */
static void on_tls_secret(void *ud, kw_type t, json_t *obj, json_t *old)
{
    controller *c = ud;
    if (t == KW_MODIFIED && old &&
        json_equal(json_object_get(obj, "digest"),
                   json_object_get(old, "digest")))
        return;
    const char *name = str_at(obj, "metadata", "name");
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 4, "-tls") != 0 || n > 300)
        return;
    char base[300];
    snprintf(base, sizeof base, "%.*s", (int)(n - 4), name);
    if (strcmp(base, "mlflow") == 0 || strcmp(base, "mlflow-artifacts") == 0)
        queue_add(c->q, "mlflow");
    if (strncmp(base, "mlflow-artifacts-", 17) == 0 && base[17])
        queue_add(c->q, base + 17);
    if (strncmp(base, "mlflow-", 7) == 0 && base[7] &&
        strcmp(base, "mlflow-artifacts") != 0)
        queue_add(c->q, base + 7);
}

/* Each server Deployment's pod template gets the digest of every
 * serving certificate it mounts, so a renewed certificate (the service
 * CA, cert-manager, a replaced Secret) rolls its pods: the server reads
 * its certificate only when it starts. A Secret not issued yet adds
 * nothing until it is. */
static void stamp_tls(controller *c, json_t *objs)
{
    store *st = c->tls ? informer_store(c->tls) : NULL;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        if (!st || strcmp(str_at(o, "kind", NULL), "Deployment") != 0)
            continue;
        json_t *tmpl = json_object_get(json_object_get(o, "spec"), "template");
        json_t *vols =
            json_object_get(json_object_get(tmpl, "spec"), "volumes");
        json_t *digests = json_array();
        size_t j;
        json_t *v;
        json_array_foreach(vols, j, v)
        {
            const char *sn = str_at(v, "secret", "secretName");
            if (!*sn)
                continue;
            char key[600];
            snprintf(key, sizeof key, "%s/%s", c->o.namespace, sn);
            json_t *sec = store_get(st, key);
            json_t *d = json_object_get(sec, "digest");
            if (json_is_string(d))
                json_array_append(digests, d);
            json_decref(sec);
        }
        if (json_array_size(digests)) {
            char hex[65];
            apply_hash(digests, hex);
            json_object_set_new(
                child_object(child_object(tmpl, "metadata"), "annotations"),
                TLS_DIGEST_ANNOTATION, json_string(hex));
        }
        json_decref(digests);
    }
}

/* ---- informers and discovery ---- */

/* An informer with what is its own in `io` (name, kind, path, selectors,
 * transform, event handler) and the controller's connection, log, restart
 * handler and watch timeout. */
static kube_informer *start_informer(controller *c, informer_opts io)
{
    io.cfg = c->o.cfg;
    io.client = c->o.client;
    io.log = c->o.log;
    io.on_restart = on_restart;
    io.ud = c;
    io.watch_timeout_s = c->o.watch_timeout_s;
    return informer_start(&io);
}

static kube_informer *start_owned(controller *c, owned_kind *k)
{
    rn_arena *a = rn_arena_new();
    char *path = kube_path(a, k->api_version, k->resource,
                           k->namespaced ? c->o.namespace : NULL, NULL, NULL);
    kube_informer *inf = start_informer(c, (informer_opts){
                                               .name = k->resource,
                                               .api_version = k->api_version,
                                               .kind = k->kind,
                                               .path = path,
                                               .label_selector = OWNED_SELECTOR,
                                               .on_event = on_owned,
                                           });
    rn_arena_free(a);
    return inf;
}

/* Ask discovery about every group-version of the table. Returns -1 when
 * the server could not be asked; *changed says whether an optional kind
 * came or went. Takes the kinds lock itself. */
static int refresh_kinds(controller *c, bool optional_only, bool *changed,
                         kube_err *err)
{
    *changed = false;
    const char *done[NKINDS];
    int ndone = 0;
    for (size_t i = 0; i < NKINDS; i++) {
        owned_kind *k = &c->kinds[i];
        if (optional_only && !k->optional)
            continue;
        bool seen = false;
        for (int j = 0; j < ndone; j++)
            seen |= strcmp(done[j], k->api_version) == 0;
        if (seen)
            continue;
        if (discovery_refresh(c->disc, c->kc, k->api_version, err) < 0)
            return -1;
        done[ndone++] = k->api_version;
    }
    pthread_rwlock_wrlock(&c->kinds_lock);
    for (size_t i = 0; i < NKINDS; i++) {
        owned_kind *k = &c->kinds[i];
        if (optional_only && !k->optional)
            continue;
        bool served =
            discovery_lookup(c->disc, k->api_version, k->kind, k->resource,
                             sizeof k->resource, &k->namespaced);
        if (served == k->served)
            continue;
        k->served = served;
        *changed = true;
        if (served) {
            log_msg(c->o.log, LOG_INFO, NULL,
                    "the cluster serves %s (%s): managing them", k->kind,
                    k->api_version);
            if (c->mlflows) /* after start: watch it from now on */
                k->inf = start_owned(c, k);
        } else {
            log_msg(c->o.log, LOG_INFO, NULL,
                    "the cluster no longer serves %s (%s)", k->kind,
                    k->api_version);
            informer_stop(k->inf);
            k->inf = NULL;
        }
    }
    pthread_rwlock_unlock(&c->kinds_lock);
    return 0;
}

static owned_kind *find_kind(controller *c, const char *api_version,
                             const char *kind)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(c->kinds[i].api_version, api_version) == 0 &&
            strcmp(c->kinds[i].kind, kind) == 0)
            return &c->kinds[i];
    return NULL;
}

static bool served(controller *c, const char *kind)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(c->kinds[i].kind, kind) == 0)
            return c->kinds[i].served;
    return false;
}

/* ---- render ---- */

/* The single place the operator renders: the MLflow object through the
 * chart into a JSON array of objects, and the warnings. */
static int render_objects(controller *c, const json_t *mlflow, rn_arena *a,
                          json_t **objs, json_t **warns, rn_error *err)
{
    rn_value *cr = rn_json_from_jansson(a, mlflow);
    rn_mlflow_opts o = c->o.render;
    o.http_route = served(c, "HTTPRoute");
    o.console_link = served(c, "ConsoleLink");
    o.service_monitor = o.metrics && served(c, "ServiceMonitor");
    rn_value *objects = NULL, *warnings = NULL;
    if (rn_render_mlflow(a, c->o.chart, cr, &o, &objects, &warnings, err) < 0)
        return -1;
    *objs = json_array();
    for (size_t i = 0; i < objects->u.list.len; i++)
        json_array_append_new(*objs,
                              rn_json_to_jansson(objects->u.list.items[i]));
    *warns = json_array();
    for (size_t i = 0; warnings && i < warnings->u.list.len; i++) {
        rn_value *w = warnings->u.list.items[i];
        if (w->kind == RN_STRING)
            json_array_append_new(*warns, json_string(w->u.s.ptr));
    }
    return 0;
}

/* ---- reconcile ---- */

typedef struct reconcile_state {
    controller *c;
    worker *w;
    json_t *mlflow;
    const char *name, *uid;
    status_failure failure;
    char failure_msg[RN_ERROR_MAX + 512];
    json_t *deployment; /* live */
    json_t *artifacts;  /* the artifacts server's, live */
    bool artifacts_server;
    char artifacts_url[512];
    json_t *retained;
    json_t *warnings;
    char url[512];
    char address[512]; /* the Service's in-cluster URL */
    char version[64];  /* status.version */
    status_migration migration;
    char migration_msg[1024];
    strmap *desired; /* apply keys rendered this time */
    int writes;
} reconcile_state;

static void fail(reconcile_state *s, status_failure f, const char *msg)
{
    if (s->failure != STATUS_OK)
        return; /* the first failure is the one to act on */
    s->failure = f;
    snprintf(s->failure_msg, sizeof s->failure_msg, "%s", msg);
}

/* An object of the dedicated artifacts server (its Deployment, Service,
 * NetworkPolicy): the chart names its app mlflow-artifacts. */
static bool artifacts_obj(const json_t *obj)
{
    const char *app =
        str_at(json_object_get(json_object_get(obj, "metadata"), "labels"),
               "app.kubernetes.io/name", NULL);
    return app && strcmp(app, "mlflow-artifacts") == 0;
}

/* status.artifactsUrl: the artifact location the artifacts server's
 * Deployment records for new experiments (--default-artifact-root). */
static void set_artifacts_url(reconcile_state *s, const json_t *dep)
{
    static const char flag[] = "--default-artifact-root=";
    json_t *ctr = json_array_get(
        json_object_get(
            json_object_get(
                json_object_get(json_object_get(dep, "spec"), "template"),
                "spec"),
            "containers"),
        0);
    size_t i;
    json_t *a;
    s->artifacts_server = true;
    json_array_foreach(json_object_get(ctr, "args"), i, a)
    {
        const char *v = json_string_value(a);
        if (v && strncmp(v, flag, sizeof flag - 1) == 0)
            snprintf(s->artifacts_url, sizeof s->artifacts_url, "%s",
                     v + sizeof flag - 1);
    }
}

static json_t *cached(owned_kind *k, const json_t *obj)
{
    if (!k || !k->inf)
        return NULL;
    char *sk = store_key(obj);
    json_t *o = sk ? store_get(informer_store(k->inf), sk) : NULL;
    free(sk);
    return o;
}

/* status.address.url: the Service's in-cluster URL under the instance's
 * prefix; status.url: the gateway's when one is configured, else that. */
static void set_url(reconcile_state *s, const json_t *svc)
{
    const char *name = str_at(svc, "metadata", "name");
    const char *base = s->c->o.render.mlflow_url;
    json_t *port = json_object_get(
        json_array_get(json_object_get(json_object_get(svc, "spec"), "ports"),
                       0),
        "port");
    snprintf(s->address, sizeof s->address, "https://%s.%s.svc:%lld/%s", name,
             str_at(svc, "metadata", "namespace"),
             json_is_integer(port) ? (long long)json_integer_value(port)
                                   : 8443LL,
             name);
    if (base && *base) {
        size_t n = strlen(base);
        while (n && base[n - 1] == '/')
            n--;
        snprintf(s->url, sizeof s->url, "%.*s/%s", (int)n, base, name);
        return;
    }
    snprintf(s->url, sizeof s->url, "%s", s->address);
}

static void apply_all(reconcile_state *s, json_t *objs)
{
    controller *c = s->c;
    apply_env env = {s->w->kc, c->disc, c->mem, c->o.log,
                     informer_store(c->mlflows)};
    size_t i;
    json_t *obj;
    json_array_foreach(objs, i, obj)
    {
        const char *kind = str_at(obj, "kind", NULL);
        owned_kind *k = find_kind(c, str_at(obj, "apiVersion", NULL), kind);
        char *key = apply_key(obj);
        strmap_put(s->desired, key, (void *)1);
        free(key);
        bool art = artifacts_obj(obj);
        if (strcmp(kind, "Service") == 0 && !art)
            set_url(s, obj);
        if (strcmp(kind, "Deployment") == 0 && art)
            set_artifacts_url(s, obj);
        json_t *have = cached(k, obj);
        apply_outcome out;
        json_t *live = NULL;
        kube_err err;
        kube_err_clear(&err);
        if (apply_object(&env, s->mlflow, obj, have, &out, &live, &err) < 0) {
            log_msg(c->o.log, LOG_ERROR, s->name, "apply %s %s: %s", kind,
                    str_at(obj, "metadata", "name"), err.e.msg);
            fail(s, STATUS_APPLY_FAILED, err.e.msg);
        } else if (out == APPLY_WRITTEN || out == APPLY_GROWN ||
                   out == APPLY_RELABELED) {
            s->writes++;
            log_msg(c->o.log, LOG_INFO, s->name, "%s %s %s", kind,
                    str_at(obj, "metadata", "name"),
                    out == APPLY_GROWN       ? "storage request raised"
                    : out == APPLY_RELABELED ? "labels updated"
                                             : "applied");
        }
        if (strcmp(kind, "Deployment") == 0 && live) {
            json_t **slot = art ? &s->artifacts : &s->deployment;
            json_decref(*slot);
            *slot = json_incref(live);
        }
        json_decref(live);
        json_decref(have);
    }
}

typedef struct prune_ctx {
    reconcile_state *s;
    json_t *found; /* owned objects not rendered */
} prune_ctx;

static bool find_stale(void *ud, const char *key, json_t *obj)
{
    prune_ctx *p = ud;
    if (apply_owned_by(obj, p->s->uid) == 0)
        return true;
    /* A finished migration Job stays for its logs until its
     * ttlSecondsAfterFinished; the owner reference removes the rest. */
    if (strcmp(str_at(obj, "kind", NULL), "Job") == 0)
        return true;
    char *k = apply_key(obj);
    if (!strmap_get(p->s->desired, k))
        json_array_append(p->found, obj);
    free(k);
    return true;
}

static void prune(reconcile_state *s)
{
    controller *c = s->c;
    apply_env env = {s->w->kc, c->disc, c->mem, c->o.log,
                     informer_store(c->mlflows)};
    prune_ctx p = {s, json_array()};
    for (size_t i = 0; i < NKINDS; i++)
        if (c->kinds[i].inf)
            store_each(informer_store(c->kinds[i].inf), s->uid, find_stale, &p);
    size_t i;
    json_t *obj;
    json_array_foreach(p.found, i, obj)
    {
        bool retained = false;
        kube_err err;
        kube_err_clear(&err);
        if (apply_prune(&env, s->mlflow, obj, &retained, &err) < 0) {
            log_msg(c->o.log, LOG_ERROR, s->name, "prune %s %s: %s",
                    str_at(obj, "kind", NULL), str_at(obj, "metadata", "name"),
                    err.e.msg);
            fail(s, STATUS_APPLY_FAILED, err.e.msg);
        } else if (retained) {
            json_array_append_new(s->retained,
                                  json_string(str_at(obj, "metadata", "name")));
        } else {
            s->writes++;
        }
    }
    json_decref(p.found);
}

static bool find_controlled(void *ud, const char *key, json_t *obj)
{
    reconcile_state *s = ud;
    if (apply_owned_by(obj, s->uid) == 2 && !artifacts_obj(obj)) {
        s->deployment = json_incref(obj);
        return false;
    }
    return true;
}

/* The first rendered object of a kind (and its index), the artifacts
 * server's aside. */
static json_t *rendered(json_t *objs, const char *kind, size_t *at)
{
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        if (strcmp(str_at(o, "kind", NULL), kind) == 0 && !artifacts_obj(o)) {
            if (at)
                *at = i;
            return o;
        }
    }
    return NULL;
}

/* The Deployment as the cache has it, when the reconcile did not see it
 * in an apply: by name when rendered, else the one it controls. */
static void cached_deployment(reconcile_state *s, json_t *objs)
{
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        if (!s->artifacts && artifacts_obj(o) &&
            strcmp(str_at(o, "kind", NULL), "Deployment") == 0) {
            set_artifacts_url(s, o);
            s->artifacts = cached(find_kind(s->c, "apps/v1", "Deployment"), o);
        }
    }
    if (s->deployment)
        return;
    if (!objs) {
        owned_kind *k = find_kind(s->c, "apps/v1", "Deployment");
        if (k && k->inf)
            store_each(informer_store(k->inf), s->uid, find_controlled, s);
        return;
    }
    json_t *dep = rendered(objs, "Deployment", NULL);
    if (dep)
        s->deployment = cached(find_kind(s->c, "apps/v1", "Deployment"), dep);
}

/* The status without transition times: what the memory compares. */
static void status_hash(const json_t *st, char out[65])
{
    json_t *copy = json_deep_copy(st);
    size_t i;
    json_t *cond;
    json_array_foreach(json_object_get(copy, "conditions"), i, cond)
        json_object_del(cond, "lastTransitionTime");
    apply_hash(copy, out);
    json_decref(copy);
}

static void post_event(reconcile_state *s, const char *type, const char *reason,
                       const char *msg)
{
    kube_err err;
    kube_err_clear(&err);
    if (event_emit(s->c->events, s->w->kc, s->mlflow, type, reason, msg, &err) <
        0)
        log_msg(s->c->o.log, LOG_WARN, s->name, "cannot post an event: %s",
                err.e.msg);
}

/* Events on the transitions people care about. */
static void events_for(reconcile_state *s, const json_t *old_st,
                       const json_t *new_st)
{
    json_t *od = status_condition(old_st, "Degraded"),
           *nd = status_condition(new_st, "Degraded");
    const char *ns = str_at(nd, "status", NULL);
    if (strcmp(ns, "True") == 0 &&
        (strcmp(str_at(od, "status", NULL), "True") != 0 ||
         strcmp(str_at(od, "reason", NULL), str_at(nd, "reason", NULL)) != 0 ||
         strcmp(str_at(od, "message", NULL), str_at(nd, "message", NULL)) != 0))
        post_event(s, "Warning", str_at(nd, "reason", NULL),
                   str_at(nd, "message", NULL));
    json_t *oa = status_condition(old_st, "Available"),
           *na = status_condition(new_st, "Available");
    if (strcmp(str_at(na, "status", NULL), "True") == 0 &&
        strcmp(str_at(oa, "status", NULL), "True") != 0)
        post_event(s, "Normal", "DeploymentReady", str_at(na, "message", NULL));
}

/* ---- schema migration (spec.migration) -------------------------------
 *
 * The chart renders the Job mlflow-migrate[-name] (mlflow db upgrade).
 * Here it is named after a key of what the schema depends on: the image
 * and the store variables (and the generation, with mode Always), and the
 * run for that key (migration.h: a retry after a failure worth retrying,
 * or a run forced with MIGRATION_FORCE_ANNOTATION). The Deployment records
 * the key it was migrated for in the annotation MIGRATED_ANNOTATION and
 * the run in MIGRATION_RUN_ANNOTATION. While the key is not migrated the
 * Deployment is held at zero replicas; once its pods are gone the Job is
 * applied, and when the Job has succeeded the Deployment gets its replicas
 * back and the key. A Job that failed for good leaves the server at zero
 * and says how to run it again. */
#define MIGRATED_ANNOTATION "mlflow.opendatahub.io/migrated"

static json_t *env_named(json_t *container, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(container, "env"), i, e)
    {
        if (strcmp(str_at(e, "name", NULL), name) == 0)
            return e;
    }
    return NULL;
}

/* The Failed condition of a Job: its message (or reason), and when. */
static const char *job_failure(const json_t *job, time_t *when)
{
    size_t i;
    json_t *cnd;
    json_array_foreach(
        json_object_get(json_object_get(job, "status"), "conditions"), i, cnd)
    {
        if (strcmp(str_at(cnd, "type", NULL), "Failed") == 0 &&
            strcmp(str_at(cnd, "status", NULL), "True") == 0) {
            struct tm tm = {0};
            *when = 0;
            if (sscanf(str_at(cnd, "lastTransitionTime", NULL),
                       "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
                       &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
                tm.tm_year -= 1900;
                tm.tm_mon -= 1;
                *when = timegm(&tm);
            }
            return *str_at(cnd, "message", NULL) ? str_at(cnd, "message", NULL)
                                                 : str_at(cnd, "reason", NULL);
        }
    }
    return NULL;
}

typedef struct pod_report {
    char msg[320]; /* the newest failed pod's termination message */
    char when[40];
} pod_report;

static int scan_job_pod(void *ud, json_t *pod)
{
    pod_report *r = ud;
    if (!pod) {
        r->msg[0] = r->when[0] = '\0';
        return 0;
    }
    size_t i;
    json_t *cs;
    json_array_foreach(
        json_object_get(json_object_get(pod, "status"), "containerStatuses"), i,
        cs)
    {
        json_t *t = json_object_get(json_object_get(cs, "state"), "terminated");
        const char *at = str_at(t, "finishedAt", NULL);
        if (t && json_integer_value(json_object_get(t, "exitCode")) != 0 &&
            strcmp(at, r->when) >= 0) {
            snprintf(r->msg, sizeof r->msg, "%s", str_at(t, "message", NULL));
            snprintf(r->when, sizeof r->when, "%s", at);
        }
    }
    return 0;
}

/* What the failed Job's last pod wrote: the chart's migration script
 * writes "retryable: <line>" or "terminal: <line>". Listed once per failed
 * Job (c->job_reports). */
static void job_report(reconcile_state *s, const json_t *job, pod_report *r)
{
    controller *c = s->c;
    const char *uid = str_at(job, "metadata", "uid");
    memset(r, 0, sizeof *r);
    pthread_mutex_lock(&c->versions_mu);
    const char *had = strmap_get(c->job_reports, s->uid);
    size_t ul = strlen(uid);
    bool known = had && strncmp(had, uid, ul) == 0 && had[ul] == '\n';
    if (known)
        snprintf(r->msg, sizeof r->msg, "%s", had + ul + 1);
    pthread_mutex_unlock(&c->versions_mu);
    if (known)
        return;
    rn_buf path = RN_BUF_INIT, sel = RN_BUF_INIT;
    rn_buf_printf(&path, "/api/v1/namespaces/%s/pods",
                  str_at(job, "metadata", "namespace"));
    rn_buf_printf(&sel, "job-name=%s", str_at(job, "metadata", "name"));
    kube_query_add(&path, "labelSelector", rn_buf_cstr(&sel));
    kube_err err;
    kube_err_clear(&err);
    char *rv = NULL;
    int rc =
        kube_list(s->w->kc, rn_buf_cstr(&path), 20, scan_job_pod, r, &rv, &err);
    if (rc < 0) {
        log_msg(c->o.log, LOG_WARN, s->name, "migration pods: %s", err.e.msg);
    } else if (*uid) { /* tried again on the next reconcile otherwise */
        rn_buf v = RN_BUF_INIT;
        rn_buf_printf(&v, "%s\n%s", uid, r->msg);
        pthread_mutex_lock(&c->versions_mu);
        free(strmap_put(c->job_reports, s->uid, strdup(rn_buf_cstr(&v))));
        pthread_mutex_unlock(&c->versions_mu);
        rn_buf_free(&v);
    }
    free(rv);
    rn_buf_free(&path);
    rn_buf_free(&sel);
}

typedef struct active_scan {
    const char *except;
    char found[256]; /* the name of another Job still running, or "" */
} active_scan;

static bool find_active(void *ud, const char *key, json_t *obj)
{
    (void)key;
    active_scan *a = ud;
    const char *name = str_at(obj, "metadata", "name");
    json_int_t active = json_integer_value(
        json_object_get(json_object_get(obj, "status"), "active"));
    if (active > 0 && strcmp(name, a->except) != 0) {
        snprintf(a->found, sizeof a->found, "%s", name);
        return false;
    }
    return true;
}

/* Whether another migration Job of this instance still runs (its image
 * changed while one was under way): then this one waits for it. */
static bool other_active(reconcile_state *s, const char *name, char *found,
                         size_t n)
{
    owned_kind *k = find_kind(s->c, "batch/v1", "Job");
    active_scan a = {name, ""};
    if (k && k->inf)
        store_each(informer_store(k->inf), s->uid, find_active, &a);
    snprintf(found, n, "%s", a.found);
    return a.found[0] != '\0';
}

/* The Job's name for one run: run 1 is <chart's name>-<key>, later runs
 * <chart's name>-<7 of a hash of the basis and the run>; at most 63, the
 * most a Job name may be (it is a label value on its pods). */
static void run_job_name(const char *base, json_t *basis, const char *key,
                         int run, char *out, size_t n)
{
    if (run <= 1) {
        snprintf(out, n, "%s-%s", base, key);
        return;
    }
    char hash[65];
    json_t *b = json_deep_copy(basis);
    json_object_set_new(b, "run", json_integer(run));
    apply_hash(b, hash);
    json_decref(b);
    snprintf(out, n, "%s-%.7s", base, hash);
}

/* Remove the force annotation its run has served, if it still has the
 * value that forced it (a test-and-remove JSON patch). */
static void clear_force(reconcile_state *s, const char *value)
{
    json_t *patch =
        json_pack("[{s:s,s:s,s:s},{s:s,s:s}]", "op", "test", "path",
                  "/metadata/annotations/mlflow.opendatahub.io~1force-migrate",
                  "value", value, "op", "remove", "path",
                  "/metadata/annotations/mlflow.opendatahub.io~1force-migrate");
    char *body = json_dumps(patch, JSON_COMPACT);
    json_decref(patch);
    rn_buf path = RN_BUF_INIT;
    rn_buf_printf(&path, "/apis/mlflow.opendatahub.io/v1/mlflows/%s", s->name);
    kube_err err;
    kube_err_clear(&err);
    if (kube_request(s->w->kc, "PATCH", rn_buf_cstr(&path),
                     "application/json-patch+json", body, strlen(body), NULL,
                     &err) < 0)
        log_msg(s->c->o.log, LOG_WARN, s->name, "clearing %s: %s",
                MIGRATION_FORCE_ANNOTATION, err.e.msg);
    else
        log_msg(s->c->o.log, LOG_INFO, s->name, "cleared %s",
                MIGRATION_FORCE_ANNOTATION);
    free(body);
    rn_buf_free(&path);
}

/* While the schema changes nothing else of the instance may use the
 * database: its CronJobs (gc, trace archival, trace rollups) are suspended
 * until the server is back (rendered without suspend again, the apply
 * drops it). */
static void suspend_cronjobs(json_t *objs)
{
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        json_t *spec = json_object_get(o, "spec");
        if (strcmp(str_at(o, "kind", NULL), "CronJob") == 0 && spec)
            json_object_set_new(spec, "suspend", json_true());
    }
}

/* The pods of the servers (tracking and artifacts), as their live
 * Deployments count them: a migration waits for all to stop. */
static long long server_pods(controller *c, json_t *objs)
{
    long long n = 0;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        if (strcmp(str_at(o, "kind", NULL), "Deployment"))
            continue;
        json_t *live = cached(find_kind(c, "apps/v1", "Deployment"), o);
        n += json_integer_value(
            json_object_get(json_object_get(live, "status"), "replicas"));
        json_decref(live);
    }
    return n;
}

/* Every server Deployment at zero replicas while a migration holds. */
static void hold_servers(json_t *objs)
{
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        if (strcmp(str_at(o, "kind", NULL), "Deployment") == 0)
            json_object_set_new(json_object_get(o, "spec"), "replicas",
                                json_integer(0));
    }
}

static void plan_migration(reconcile_state *s, json_t *objs)
{
    controller *c = s->c;
    size_t at = 0;
    json_t *job = rendered(objs, "Job", &at);
    json_t *dep = rendered(objs, "Deployment", NULL);
    if (!job || !dep)
        return;
    json_t *spec = json_object_get(
        json_object_get(json_object_get(dep, "spec"), "template"), "spec");
    json_t *ctr = json_array_get(json_object_get(spec, "containers"), 0);
    const char *image = str_at(ctr, "image", NULL);
    json_t *basis =
        json_pack("{s:s,s:O?,s:O?}", "image", image, "backend",
                  env_named(ctr, "MLFLOW_BACKEND_STORE_URI"), "registry",
                  env_named(ctr, "MLFLOW_REGISTRY_STORE_URI"));
    json_t *mmeta = json_object_get(s->mlflow, "metadata");
    const char *mode =
        str_at(json_object_get(json_object_get(s->mlflow, "spec"), "migration"),
               "mode", NULL);
    if (strcmp(mode, "Always") == 0)
        json_object_set_new(basis, "generation",
                            json_incref(json_object_get(mmeta, "generation")));
    char hash[65], key[16], name[300], base[128];
    apply_hash(basis, hash);
    snprintf(key, sizeof key, "%.7s", hash);
    snprintf(base, sizeof base, "%s", str_at(job, "metadata", "name"));

    json_t *live = cached(find_kind(c, "apps/v1", "Deployment"), dep);
    json_t *lann =
        json_object_get(json_object_get(live, "metadata"), "annotations");
    migration_in in = {0};
    in.migrated = strcmp(str_at(lann, MIGRATED_ANNOTATION, NULL), key) == 0;
    migration_record_parse(
        json_string_value(json_object_get(lann, MIGRATION_RUN_ANNOTATION)), key,
        &in.rec);
    json_t *fv = json_object_get(json_object_get(mmeta, "annotations"),
                                 MIGRATION_FORCE_ANNOTATION);
    char force[17] = "";
    if (json_is_string(fv)) {
        char fh[65];
        json_t *fo = json_pack("{s:O}", "force", fv); /* hashes objects */
        apply_hash(fo, fh);
        json_decref(fo);
        snprintf(force, sizeof force, "%.16s", fh);
        in.force = force;
    }
    run_job_name(base, basis, key, in.rec.run, name, sizeof name);
    json_object_set_new(json_object_get(job, "metadata"), "name",
                        json_string(name));
    json_t *lj = cached(find_kind(c, "batch/v1", "Job"), job);
    time_t failed_at = 0;
    const char *why = job_failure(lj, &failed_at);
    pod_report rep = {{0}, {0}};
    in.job = !lj ? MJOB_ABSENT
             : json_integer_value(json_object_get(json_object_get(lj, "status"),
                                                  "succeeded")) > 0
                 ? MJOB_SUCCEEDED
             : why ? MJOB_FAILED
                   : MJOB_ACTIVE;
    if (in.job == MJOB_FAILED) {
        job_report(s, lj, &rep);
        in.retryable = strncmp(rep.msg, "retryable:", 10) == 0;
        in.failed_ago_ms =
            failed_at ? (long long)(time(NULL) - failed_at) * 1000 : 0;
        if (rep.msg[0])
            why = strchr(rep.msg, ':') ? strchr(rep.msg, ':') + 2 : rep.msg;
    }
    in.server_pods = server_pods(c, objs);
    char other[256] = "";
    migration_out out;
    /* Whether another Job runs matters only before this one starts. */
    in.other_active =
        in.job != MJOB_ACTIVE && other_active(s, name, other, sizeof other);
    migration_decide(&in, &out);
    char jname[300];
    run_job_name(base, basis, key, out.rec.run, jname, sizeof jname);
    json_decref(basis);
    json_object_set_new(json_object_get(job, "metadata"), "name",
                        json_string(jname));

    json_t *ann = child_object(json_object_get(dep, "metadata"), "annotations");
    char rec[128];
    migration_record_format(key, &out.rec, rec, sizeof rec);
    json_object_set_new(ann, MIGRATION_RUN_ANNOTATION, json_string(rec));
    const char *again =
        in.force
            ? "change the value of the annotation " MIGRATION_FORCE_ANNOTATION
              " on the MLflow object (or remove it and add it again)"
            : "add the annotation " MIGRATION_FORCE_ANNOTATION
              " to the MLflow object (or delete the Job)";
    char *m = s->migration_msg;
    size_t mn = sizeof s->migration_msg;
    switch (out.action) {
    case MIG_CURRENT:
        json_object_set_new(ann, MIGRATED_ANNOTATION, json_string(key));
        json_array_remove(objs, at);
        s->migration = MIGRATION_DONE;
        snprintf(m, mn, "the schema is current for %s", image);
        break;
    case MIG_SUCCEEDED:
        /* Replicas back, with the key; the Job stays in this apply. */
        json_object_set_new(ann, MIGRATED_ANNOTATION, json_string(key));
        s->migration = MIGRATION_DONE;
        snprintf(m, mn, "Job %s upgraded the schema for %s", name, image);
        if (!in.migrated)
            log_msg(c->o.log, LOG_INFO, s->name, "migration %s succeeded",
                    name);
        if (out.clear_force)
            clear_force(s, json_string_value(fv));
        break;
    default:
        hold_servers(objs);
        suspend_cronjobs(objs);
        break;
    }
    switch (out.action) {
    case MIG_WAIT_PODS:
        s->migration = MIGRATION_RUNNING;
        snprintf(m, mn,
                 "waiting for the server's %lld pod(s) to stop before Job %s "
                 "upgrades the schema",
                 in.server_pods, jname);
        json_array_remove(objs, at); /* not yet */
        break;
    case MIG_WAIT_OTHER:
        s->migration = MIGRATION_RUNNING; /* never two at once */
        snprintf(m, mn, "Job %.63s waits for Job %.63s, still running, to end",
                 jname, other);
        json_array_remove(objs, at);
        break;
    case MIG_START:
    case MIG_RUNNING:
        s->migration = MIGRATION_RUNNING;
        if (out.rec.retries > 0)
            snprintf(m, mn,
                     "Job %s (retry %d of %d) is upgrading the schema for %s; "
                     "the server starts when it succeeds",
                     jname, out.rec.retries, MIGRATION_MAX_RETRIES, image);
        else
            snprintf(m, mn,
                     "Job %s is upgrading the schema for %s; the server "
                     "starts when it succeeds",
                     jname, image);
        if (out.action == MIG_START && !lj)
            log_msg(c->o.log, LOG_INFO, s->name, "migration %s starts", jname);
        break;
    case MIG_BACKOFF:
        s->migration = MIGRATION_RETRYING;
        snprintf(m, mn,
                 "Job %.63s failed (%.320s), a failure that may pass; retry %d "
                 "of %d "
                 "in %llds",
                 name, why, out.rec.retries + 1, MIGRATION_MAX_RETRIES,
                 (out.delay_ms + 999) / 1000);
        queue_add_after(c->q, s->name, (long)out.delay_ms);
        break;
    case MIG_FAILED:
        s->migration = MIGRATION_FAILED;
        snprintf(m, mn,
                 "Job %.63s failed (%.320s)%s; the server stays at zero "
                 "replicas. See its logs, fix the cause, then %s to run it "
                 "again",
                 name, why, out.gave_up ? ", and so did every retry" : "",
                 again);
        break;
    default:
        break;
    }
    json_decref(lj);
    json_decref(live);
}

typedef struct version_scan {
    char version[64];
    bool found;
    bool pending; /* a pod whose init container "version" has not ended */
} version_scan;

/* A version as the init container may write it: 1..63 of [0-9A-Za-z.+-]. */
static bool plausible_version(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && !strchr(".+-", v[i]))
            return false;
    return true;
}

static int scan_pod(void *ud, json_t *pod)
{
    version_scan *v = ud;
    if (!pod) { /* the list started again */
        v->found = v->pending = false;
        return 0;
    }
    if (json_object_get(json_object_get(pod, "metadata"), "deletionTimestamp"))
        return 0;
    size_t i;
    json_t *cs;
    json_array_foreach(json_object_get(json_object_get(pod, "status"),
                                       "initContainerStatuses"),
                       i, cs)
    {
        if (strcmp(str_at(cs, "name", NULL), "version") != 0)
            continue;
        json_t *t = json_object_get(json_object_get(cs, "state"), "terminated");
        if (!t)
            v->pending = true;
        const char *msg = str_at(t, "message", NULL);
        if (json_integer_value(json_object_get(t, "exitCode")) == 0 &&
            plausible_version(msg)) {
            snprintf(v->version, sizeof v->version, "%s", msg);
            v->found = true;
            return 1;
        }
    }
    return 0;
}

/* status.version: what the init container "version" of the Deployment's
 * pods wrote as its termination message. Read with one LIST of the pods
 * once the Deployment's current generation has rolled out, and not again
 * for that generation; until then the status keeps the version it had. */
static void read_version(reconcile_state *s)
{
    controller *c = s->c;
    snprintf(s->version, sizeof s->version, "%s",
             str_at(json_object_get(s->mlflow, "status"), "version", NULL));
    char msg[256];
    if (!s->deployment ||
        status_deployment(s->deployment, msg, sizeof msg) != DEP_READY)
        return;
    char seen[128];
    snprintf(seen, sizeof seen, "%s/%lld",
             str_at(s->deployment, "metadata", "uid"),
             (long long)json_integer_value(json_object_get(
                 json_object_get(s->deployment, "metadata"), "generation")));
    pthread_mutex_lock(&c->versions_mu);
    const char *had = strmap_get(c->versions, s->uid);
    bool known = had && strcmp(had, seen) == 0;
    pthread_mutex_unlock(&c->versions_mu);
    if (known)
        return;

    rn_buf sel = RN_BUF_INIT, path = RN_BUF_INIT;
    const char *k;
    json_t *v;
    json_object_foreach(
        json_object_get(
            json_object_get(json_object_get(s->deployment, "spec"), "selector"),
            "matchLabels"),
        k, v)
    {
        rn_buf_printf(&sel, "%s%s=%s", sel.len ? "," : "", k,
                      json_string_value(v) ? json_string_value(v) : "");
    }
    rn_buf_printf(&path, "/api/v1/namespaces/%s/pods",
                  str_at(s->deployment, "metadata", "namespace"));
    kube_query_add(&path, "labelSelector", rn_buf_cstr(&sel));
    version_scan scan = {{0}, false, false};
    kube_err err;
    kube_err_clear(&err);
    char *rv = NULL;
    int rc =
        kube_list(s->w->kc, rn_buf_cstr(&path), 50, scan_pod, &scan, &rv, &err);
    free(rv);
    rn_buf_free(&sel);
    rn_buf_free(&path);
    if (rc < 0) {
        log_msg(c->o.log, LOG_WARN, s->name, "status.version: %s", err.e.msg);
        return; /* tried again on the next reconcile */
    }
    if (scan.found)
        snprintf(s->version, sizeof s->version, "%s", scan.version);
    if (!scan.found && scan.pending) {
        /* The pod's status may lag its Deployment's: look again soon. */
        queue_add_after(c->q, s->name, 2000);
        return;
    }
    /* A pod without the report (another chart, an image without python3)
     * is not asked again for this generation either. */
    pthread_mutex_lock(&c->versions_mu);
    free(strmap_put(c->versions, s->uid, strdup(seen)));
    pthread_mutex_unlock(&c->versions_mu);
}

static int write_status(reconcile_state *s)
{
    controller *c = s->c;
    char now[40];
    status_now(now, sizeof now);
    json_t *warns = s->warnings;
    status_input in = {
        .mlflow = s->mlflow,
        .failure = s->failure,
        .failure_msg = s->failure_msg,
        .deployment = s->deployment,
        .artifacts_server = s->artifacts_server,
        .artifacts = s->artifacts,
        .artifacts_url = s->artifacts_url[0] ? s->artifacts_url : NULL,
        .warnings = warns,
        .retained = s->retained,
        .url = s->url[0] ? s->url : NULL,
        .address = s->address[0] ? s->address : NULL,
        .version = s->version[0] ? s->version : NULL,
        .migration = s->migration,
        .migration_msg = s->migration_msg,
        .now = now,
    };
    json_t *st = status_compute(&in);
    json_t *old = json_object_get(s->mlflow, "status");
    int rc = 0;
    char hash[65], key[300];
    status_hash(st, hash);
    snprintf(key, sizeof key, "status/%s", s->uid);
    const char *rv = str_at(s->mlflow, "metadata", "resourceVersion");
    if (!json_equal(st, old) && !apply_memory_current(c->mem, key, hash, rv)) {
        json_t *body =
            json_pack("{s:s,s:s,s:{s:s},s:O}", "apiVersion", MLFLOW_API, "kind",
                      "MLflow", "metadata", "name", s->name, "status", st);
        char path[400];
        snprintf(path, sizeof path, "/apis/%s/mlflows/%s/status", MLFLOW_API,
                 s->name);
        json_t *out = NULL;
        kube_err err;
        kube_err_clear(&err);
        rc = kube_apply(s->w->kc, path, body, APPLY_MANAGER, true, &out, &err);
        json_decref(body);
        if (rc == 0) {
            apply_memory_record(c->mem, key, hash, rv,
                                str_at(out, "metadata", "resourceVersion"));
            events_for(s, old, st);
        } else if (err.code != 404) {
            log_msg(c->o.log, LOG_ERROR, s->name, "status: %s", err.e.msg);
        } else {
            rc = 0; /* deleted meanwhile */
        }
        json_decref(out);
    }
    json_decref(st);
    return rc;
}

typedef enum { R_SUCCESS, R_ERROR, R_PERMANENT } r_result;

static r_result reconcile(controller *c, worker *w, const char *name)
{
    json_t *mlf = store_get(informer_store(c->mlflows), name);
    if (!mlf)
        return R_SUCCESS; /* deleted: owner references do the rest */
    if (json_object_get(json_object_get(mlf, "metadata"),
                        "deletionTimestamp")) {
        json_decref(mlf);
        return R_SUCCESS;
    }
    json_t *copy = json_deep_copy(mlf);
    json_decref(mlf);
    reconcile_state s = {
        .c = c,
        .w = w,
        .mlflow = copy,
        .name = name,
        .uid = str_at(copy, "metadata", "uid"),
        .retained = json_array(),
        .desired = strmap_new(),
    };
    rn_arena *a = rn_arena_new();
    json_t *objs = NULL, *warns = NULL;
    rn_error err;
    rn_error_clear(&err);
    pthread_rwlock_rdlock(&c->kinds_lock);
    int render_rc = render_objects(c, copy, a, &objs, &warns, &err);
    /* The objects are jansson now: the render's memory goes back before
     * the requests, not after them, so concurrent reconciles do not each
     * hold a render's worth while they wait on the API server. */
    rn_arena_free(a);
    if (render_rc < 0) {
        char msg[RN_ERROR_MAX + 300];
        if (err.field[0] && !strstr(err.msg, err.field))
            snprintf(msg, sizeof msg, "%s: %s", err.field, err.msg);
        else
            snprintf(msg, sizeof msg, "%s", err.msg);
        log_msg(c->o.log, LOG_ERROR, name, "render: %s", msg);
        fail(&s, STATUS_RENDER_FAILED, msg);
        cached_deployment(&s, NULL);
    } else {
        s.warnings = warns;
        stamp_tls(c, objs);
        plan_migration(&s, objs);
        apply_all(&s, objs);
        if (s.failure == STATUS_OK)
            prune(&s);
        cached_deployment(&s, objs);
    }
    pthread_rwlock_unlock(&c->kinds_lock);
    read_version(&s);
    int st_rc = write_status(&s);
    r_result r = s.failure == STATUS_RENDER_FAILED     ? R_PERMANENT
                 : s.failure != STATUS_OK || st_rc < 0 ? R_ERROR
                                                       : R_SUCCESS;
    if (s.writes)
        log_msg(c->o.log, LOG_INFO, name, "reconciled: %d writes", s.writes);
    json_decref(objs);
    json_decref(warns);
    json_decref(s.deployment);
    json_decref(s.artifacts);
    json_decref(s.retained);
    strmap_free(s.desired, NULL);
    json_decref(copy);
    return r;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    controller *c = w->c;
    char *key;
    while (queue_get(c->q, &key)) {
        atomic_store(&w->busy, true);
        long long t0 = rc_now_ms();
        r_result r = reconcile(c, w, key);
        double secs = (double)(rc_now_ms() - t0) / 1000.0;
        if (r == R_ERROR) {
            queue_add_rate_limited(c->q, key);
        } else {
            queue_forget(c->q, key);
        }
        if (c->o.m)
            metrics_reconcile(c->o.m, r == R_ERROR ? "error" : "success", secs);
        queue_done(c->q, key);
        free(key);
        atomic_store(&w->busy, false);
    }
    return NULL;
}

/* ---- timer: resync and discovery ---- */

static bool enqueue_each(void *ud, const char *key)
{
    queue_add(ud, key);
    return true;
}

static void resync_all(controller *c)
{
    store_each_key(informer_store(c->mlflows), enqueue_each, c->q);
}

static void *timer_main(void *arg)
{
    controller *c = arg;
    long long next_resync = rc_now_ms() + (long long)c->o.resync_s * 1000;
    long long next_disc = rc_now_ms() + (long long)c->o.discovery_s * 1000;
    while (!stop_requested(c)) {
        sleep_ms(c, 200);
        long long t = rc_now_ms();
        if (t >= next_resync) {
            resync_all(c);
            next_resync = t + (long long)c->o.resync_s * 1000;
        }
        if (t >= next_disc) {
            bool changed = false;
            kube_err err;
            kube_err_clear(&err);
            if (refresh_kinds(c, true, &changed, &err) == 0 && changed)
                resync_all(c);
            next_disc = rc_now_ms() + (long long)c->o.discovery_s * 1000;
        }
    }
    return NULL;
}

/* ---- lifecycle ---- */

bool controller_ready(controller *c)
{
    return c && atomic_load(&c->ready);
}

static int count_busy(controller *c)
{
    int n = 0;
    for (int i = 0; i < c->nworkers; i++)
        n += atomic_load(&c->workers[i].busy);
    return n;
}

void controller_collect(controller *c, metrics *m)
{
    if (!c)
        return;
    queue_stats st;
    queue_get_stats(c->q, &st);
    metrics_gauge(m, "workqueue_depth{name=\"mlflow\"}",
                  (double)queue_len(c->q));
    metrics_gauge(m, "workqueue_adds_total{name=\"mlflow\"}", (double)st.adds);
    metrics_gauge(m, "workqueue_retries_total{name=\"mlflow\"}",
                  (double)st.retries);
    metrics_gauge(m, "workqueue_unfinished_work_seconds{name=\"mlflow\"}",
                  st.unfinished_s);
    metrics_gauge(m,
                  "workqueue_longest_running_processor_seconds{name="
                  "\"mlflow\"}",
                  st.longest_s);
    metrics_gauge(m,
                  "controller_runtime_active_workers{controller="
                  "\"mlflow\"}",
                  (double)count_busy(c));
    metrics_gauge(m,
                  "controller_runtime_max_concurrent_reconciles{"
                  "controller=\"mlflow\"}",
                  (double)c->nworkers);
    if (c->mlflows)
        metrics_gauge(m, "mlflow_operator_managed_mlflows",
                      (double)store_len(informer_store(c->mlflows)));
}

static bool wait_synced(controller *c)
{
    for (;;) {
        bool all =
            informer_synced(c->mlflows) && (!c->tls || informer_synced(c->tls));
        pthread_rwlock_rdlock(&c->kinds_lock);
        for (size_t i = 0; i < NKINDS; i++)
            if (c->kinds[i].inf && !informer_synced(c->kinds[i].inf))
                all = false;
        pthread_rwlock_unlock(&c->kinds_lock);
        if (all)
            return true;
        if (stop_requested(c))
            return false;
        sleep_ms(c, 50);
    }
}

/* Discovery until the API server answers and serves MLflow objects. */
static bool discover(controller *c)
{
    long backoff = 500;
    for (;;) {
        kube_err err;
        kube_err_clear(&err);
        bool changed;
        int rc = refresh_kinds(c, false, &changed, &err);
        if (rc == 0) {
            rc = discovery_refresh(c->disc, c->kc, MLFLOW_API, &err);
            if (rc == 1 && discovery_served(c->disc, MLFLOW_API, "MLflow"))
                return true;
            if (rc >= 0)
                log_msg(c->o.log, LOG_WARN, NULL,
                        "the cluster does not serve %s MLflow: install the "
                        "CRD (config/crd); waiting",
                        MLFLOW_API);
        }
        if (rc < 0)
            log_msg(c->o.log, LOG_WARN, NULL, "discovery: %s", err.e.msg);
        sleep_ms(c, backoff);
        if (stop_requested(c))
            return false;
        backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
    }
}

static void observe_queue(void *ud, queue_timing t, double seconds)
{
    metrics_observe(ud,
                    t == QUEUE_WAITED ? "workqueue_queue_duration_seconds"
                                      : "workqueue_work_duration_seconds",
                    "name=\"mlflow\"", seconds);
}

static void free_all(controller *c)
{
    /* All at once: each watch notices within a second. */
    for (size_t i = 0; i < NKINDS; i++)
        informer_signal_stop(c->kinds[i].inf);
    informer_signal_stop(c->mlflows);
    informer_signal_stop(c->tls);
    for (size_t i = 0; i < NKINDS; i++)
        informer_stop(c->kinds[i].inf);
    informer_stop(c->mlflows);
    informer_stop(c->tls);
    for (int i = 0; i < c->nworkers; i++)
        kube_client_free(c->workers[i].kc);
    free(c->workers);
    queue_free(c->q);
    apply_memory_free(c->mem);
    event_recorder_free(c->events);
    kube_client_free(c->kc);
    discovery_free(c->disc);
    pthread_rwlock_destroy(&c->kinds_lock);
    strmap_free(c->versions, free);
    strmap_free(c->job_reports, free);
    pthread_mutex_destroy(&c->versions_mu);
    free(c);
}

controller *controller_start(const controller_opts *o, rn_error *err)
{
    controller *c = rc_xcalloc(1, sizeof *c);
    c->o = *o;
    if (c->o.workers <= 0)
        c->o.workers = 4;
    if (c->o.resync_s <= 0)
        c->o.resync_s = 600;
    if (c->o.discovery_s <= 0)
        c->o.discovery_s = 30;
    memcpy(c->kinds, kind_table, sizeof kind_table);
    pthread_rwlock_init(&c->kinds_lock, NULL);
    pthread_mutex_init(&c->versions_mu, NULL);
    c->versions = strmap_new();
    c->job_reports = strmap_new();
    atomic_init(&c->stopping, false);
    atomic_init(&c->abort, false);
    atomic_init(&c->ready, false);
    c->disc = discovery_new();
    c->mem = apply_memory_new();
    c->events = event_recorder_new(c->o.log, c->o.identity);
    c->q = queue_new(&(queue_opts){.base_delay_ms = 200,
                                   .max_delay_ms = 5 * 60 * 1000,
                                   .observe = c->o.m ? observe_queue : NULL,
                                   .ud = c->o.m});
    kube_client_opts co = c->o.client;
    co.stop = c->o.stop;
    c->kc = kube_client_new(c->o.cfg, &co);

    if (!discover(c)) {
        free_all(c);
        rn_error_set(err, "stopped before the API server answered");
        return NULL;
    }
    rn_arena *a = rn_arena_new();
    c->mlflows = start_informer(
        c, (informer_opts){
               .name = "mlflows",
               .api_version = MLFLOW_API,
               .kind = "MLflow",
               .path = kube_path(a, MLFLOW_API, "mlflows", NULL, NULL, NULL),
               .on_event = on_mlflow,
           });
    if (c->o.render.tls_rollout)
        c->tls =
            start_informer(c, (informer_opts){
                                  .name = "secrets",
                                  .api_version = "v1",
                                  .kind = "Secret",
                                  .path = kube_path(a, "v1", "secrets",
                                                    c->o.namespace, NULL, NULL),
                                  .field_selector = "type=kubernetes.io/tls",
                                  .transform = tls_digest_only,
                                  .on_event = on_tls_secret,
                              });
    rn_arena_free(a);
    pthread_rwlock_wrlock(&c->kinds_lock);
    for (size_t i = 0; i < NKINDS; i++)
        if (c->kinds[i].served)
            c->kinds[i].inf = start_owned(c, &c->kinds[i]);
    pthread_rwlock_unlock(&c->kinds_lock);
    if (!wait_synced(c)) {
        free_all(c);
        rn_error_set(err, "stopped before the caches were filled");
        return NULL;
    }
    log_msg(c->o.log, LOG_INFO, NULL,
            "caches synced: %zu MLflow objects; starting %d workers",
            store_len(informer_store(c->mlflows)), c->o.workers);

    c->nworkers = c->o.workers;
    c->workers = rc_xcalloc((size_t)c->nworkers, sizeof *c->workers);
    for (int i = 0; i < c->nworkers; i++) {
        worker *w = &c->workers[i];
        w->c = c;
        kube_client_opts wo = c->o.client;
        wo.stop = &c->abort; /* in-flight work ends on its own */
        w->kc = kube_client_new(c->o.cfg, &wo);
        atomic_init(&w->busy, false);
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
            abort();
    }
    if (pthread_create(&c->timer, NULL, timer_main, c) != 0)
        abort();
    atomic_store(&c->ready, true);
    return c;
}

static bool any_busy(controller *c)
{
    return count_busy(c) > 0;
}

void controller_stop(controller *c, long grace_ms)
{
    if (!c)
        return;
    atomic_store(&c->ready, false);
    atomic_store(&c->stopping, true);
    queue_shutdown(c->q);
    pthread_join(c->timer, NULL);
    /* The queue hands out nothing more; the reconciles in flight finish
     * with the caches they started with, then the watches end. */
    long long deadline = rc_now_ms() + grace_ms;
    while (any_busy(c) && rc_now_ms() < deadline) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (any_busy(c)) {
        log_msg(c->o.log, LOG_WARN, NULL,
                "reconciles still running after %ld ms: cutting them off",
                grace_ms);
        atomic_store(&c->abort, true);
    }
    for (int i = 0; i < c->nworkers; i++)
        pthread_join(c->workers[i].thread, NULL);
    free_all(c);
}
