/*
 * event.c — recording Events with aggregation and a spam filter (see
 * event.h).
 */
#include "event.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "status.h"
#include "strmap.h"
#include "xalloc.h"

#define EVENT_MESSAGE_MAX 1024 /* the API server refuses longer messages */
#define EVENTS_PATH "/api/v1/namespaces/default/events"

/* ---- pure helpers ---- */

void event_name(char out[EVENT_NAME_MAX], const char *object, const char *uid,
                const char *type, const char *reason, const char *message,
                const char *component)
{
    const char *fields[] = {component, uid, type, reason, message};
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const char *f = fields[i] ? fields[i] : "";
        /* With its NUL: ("ab", "c") and ("a", "bc") differ. */
        EVP_DigestUpdate(ctx, f, strlen(f) + 1);
    }
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    /* 253 = the name, a dot and 16 hex digits; a cut name must not end
     * in '.' or '-' (the part before the dot would be no DNS label). */
    const char *obj = object && *object ? object : "mlflow";
    int len = (int)strlen(obj);
    if (len > EVENT_NAME_MAX - 1 - 17) {
        len = EVENT_NAME_MAX - 1 - 17;
        while (len > 1 && (obj[len - 1] == '.' || obj[len - 1] == '-'))
            len--;
    }
    snprintf(out, EVENT_NAME_MAX, "%.*s.%02x%02x%02x%02x%02x%02x%02x%02x", len,
             obj, md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7]);
}

char *event_message(const char *message, size_t max)
{
    char *msg = log_redact(message ? message : "");
    size_t n = strlen(msg);
    if (n > max) {
        n = max;
        /* Back over continuation bytes to the start of the character
         * that does not fit whole. */
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--;
        msg[n] = '\0';
    }
    return msg;
}

bool event_bucket_take(event_bucket *b, long long now_ms, int burst,
                       long long refill_ms)
{
    long long t = b->full_at_ms > now_ms ? b->full_at_ms : now_ms;
    /* Each token taken pushes "full again" one refill further. */
    if (t - now_ms > (long long)(burst - 1) * refill_ms)
        return false;
    b->full_at_ms = t + refill_ms;
    return true;
}

/* ---- the recorder's state ---- */

typedef struct seen_event {
    json_int_t count;
    char *rv;
} seen_event;

struct event_recorder {
    pthread_mutex_t mu;
    strmap *buckets; /* involved object uid -> event_bucket */
    strmap *seen;    /* Event name -> seen_event: what we last wrote */
    log_ctx *log;
    char *instance;
};

static void seen_free(void *p)
{
    seen_event *s = p;
    if (s)
        free(s->rv);
    free(s);
}

event_recorder *event_recorder_new(log_ctx *log, const char *instance)
{
    event_recorder *r = rc_xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->buckets = strmap_new();
    r->seen = strmap_new();
    r->log = log;
    r->instance = rc_xstrdup(instance ? instance : "");
    return r;
}

void event_recorder_free(event_recorder *r)
{
    if (!r)
        return;
    strmap_free(r->buckets, free);
    strmap_free(r->seen, seen_free);
    pthread_mutex_destroy(&r->mu);
    free(r->instance);
    free(r);
}

typedef struct full_buckets {
    long long now_ms;
    char **keys;
    size_t n;
} full_buckets;

static bool collect_full(void *ud, const char *key, void *val)
{
    full_buckets *f = ud;
    if (((event_bucket *)val)->full_at_ms <= f->now_ms)
        f->keys[f->n++] = rc_xstrdup(key);
    return true;
}

/* Keep the buckets map bounded: a full bucket is as good as none. Called
 * with the lock held. */
static void drop_full_buckets(event_recorder *r, long long now_ms)
{
    full_buckets f = {now_ms,
                      rc_xcalloc(strmap_len(r->buckets), sizeof(char *)), 0};
    strmap_each(r->buckets, collect_full, &f);
    for (size_t i = 0; i < f.n; i++) {
        free(strmap_del(r->buckets, f.keys[i]));
        free(f.keys[i]);
    }
    free(f.keys);
    if (strmap_len(r->buckets) >= EVENT_CACHE_MAX) {
        strmap_free(r->buckets, free);
        r->buckets = strmap_new();
    }
}

/* Whether the object's bucket has a token for one more event. */
static bool allowed(event_recorder *r, const char *uid)
{
    long long now = rc_now_ms();
    pthread_mutex_lock(&r->mu);
    event_bucket *b = strmap_get(r->buckets, uid);
    if (!b) {
        if (strmap_len(r->buckets) >= EVENT_CACHE_MAX)
            drop_full_buckets(r, now);
        b = rc_xcalloc(1, sizeof *b);
        strmap_put(r->buckets, uid, b);
    }
    bool ok = event_bucket_take(b, now, EVENT_BURST, EVENT_REFILL_MS);
    pthread_mutex_unlock(&r->mu);
    return ok;
}

/* The count and resourceVersion we last wrote to the Event `name`. */
static bool seen_get(event_recorder *r, const char *name, json_int_t *count,
                     char **rv)
{
    pthread_mutex_lock(&r->mu);
    seen_event *s = strmap_get(r->seen, name);
    if (s) {
        *count = s->count;
        *rv = s->rv ? rc_xstrdup(s->rv) : NULL;
    }
    pthread_mutex_unlock(&r->mu);
    return s != NULL;
}

static void seen_put(event_recorder *r, const char *name, const json_t *ev)
{
    seen_event *s = rc_xcalloc(1, sizeof *s);
    s->count = json_integer_value(json_object_get(ev, "count"));
    const char *rv = json_string_value(
        json_object_get(json_object_get(ev, "metadata"), "resourceVersion"));
    s->rv = rv ? rc_xstrdup(rv) : NULL;
    pthread_mutex_lock(&r->mu);
    if (!strmap_get(r->seen, name) && strmap_len(r->seen) >= EVENT_CACHE_MAX) {
        strmap_free(r->seen, seen_free);
        r->seen = strmap_new();
    }
    seen_free(strmap_put(r->seen, name, s));
    pthread_mutex_unlock(&r->mu);
}

/* ---- requests ---- */

/* One event to record: its Event's name and path, and the fields. */
typedef struct event_rec {
    const json_t *mlflow;
    const char *type, *reason, *msg;
    char name[EVENT_NAME_MAX];
    char path[sizeof EVENTS_PATH + EVENT_NAME_MAX + 1];
    char now[40];
} event_rec;

static int post_new(event_recorder *r, kube_client *kc, const event_rec *ev,
                    json_t **out, kube_err *err)
{
    json_t *md = json_object_get(ev->mlflow, "metadata");
    json_t *body = json_pack(
        "{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:O,s:O,s:O},s:s,s:s,s:s,"
        "s:{s:s},s:s,s:s,s:i,s:s,s:s}",
        "apiVersion", "v1", "kind", "Event", "metadata", "name", ev->name,
        "namespace", "default", "involvedObject", "apiVersion",
        "mlflow.opendatahub.io/v1", "kind", "MLflow", "name",
        json_object_get(md, "name"), "uid", json_object_get(md, "uid"),
        "resourceVersion", json_object_get(md, "resourceVersion"), "type",
        ev->type, "reason", ev->reason, "message", ev->msg, "source",
        "component", EVENT_COMPONENT, "firstTimestamp", ev->now,
        "lastTimestamp", ev->now, "count", 1, "reportingComponent",
        EVENT_COMPONENT, "reportingInstance", r->instance);
    if (!body)
        return rn_error_set(&err->e, "cannot build the event %s", ev->name);
    int rc = kube_create(kc, EVENTS_PATH, body, out, err);
    json_decref(body);
    return rc;
}

/* count and lastTimestamp, on the version `rv` (NULL: any). */
static int patch_count(kube_client *kc, const event_rec *ev, json_int_t count,
                       const char *rv, json_t **out, kube_err *err)
{
    json_t *patch =
        json_pack("{s:I,s:s}", "count", count, "lastTimestamp", ev->now);
    if (rv)
        json_object_set_new(patch, "metadata",
                            json_pack("{s:s}", "resourceVersion", rv));
    int rc = kube_merge_patch(kc, ev->path, patch, out, err);
    json_decref(patch);
    return rc;
}

/* The Event as the server has it now: its count and resourceVersion.
 * Read with an empty merge patch, which changes nothing: the operator's
 * role may create and patch Events, not get them. */
static int read_count(kube_client *kc, const event_rec *ev, json_int_t *count,
                      char **rv, kube_err *err)
{
    json_t *none = json_object(), *live = NULL;
    int rc = kube_merge_patch(kc, ev->path, none, &live, err);
    json_decref(none);
    if (rc < 0)
        return -1;
    *count = json_integer_value(json_object_get(live, "count"));
    const char *v = json_string_value(
        json_object_get(json_object_get(live, "metadata"), "resourceVersion"));
    free(*rv);
    *rv = v ? rc_xstrdup(v) : NULL;
    json_decref(live);
    return 0;
}

/* Create the Event, or count one more on it: a patch when we know its
 * count, a create when we do not; a 404 on the patch creates, a 409 on
 * either reads the Event and patches. A few rounds at most. */
static int record(event_recorder *r, kube_client *kc, const event_rec *ev,
                  kube_err *err)
{
    json_int_t count = 0;
    char *rv = NULL;
    bool known = seen_get(r, ev->name, &count, &rv);
    int rc = -1;
    for (int attempt = 0; attempt < 4; attempt++) {
        json_t *out = NULL;
        kube_err_clear(err);
        rc = known ? patch_count(kc, ev, count + 1, rv, &out, err)
                   : post_new(r, kc, ev, &out, err);
        if (rc == 0) {
            seen_put(r, ev->name, out);
            json_decref(out);
            break;
        }
        if (known && err->code == 404) {
            known = false; /* expired: a new one */
        } else if (err->code == 409) {
            kube_err e2;
            kube_err_clear(&e2);
            if (read_count(kc, ev, &count, &rv, &e2) == 0)
                known = true;
            else if (e2.code == 404)
                known = false;
            else {
                *err = e2;
                break;
            }
        } else {
            break;
        }
    }
    free(rv);
    return rc;
}

int event_emit(event_recorder *r, kube_client *kc, const json_t *mlflow,
               const char *type, const char *reason, const char *message,
               kube_err *err)
{
    json_t *md = json_object_get(mlflow, "metadata");
    const char *obj = json_string_value(json_object_get(md, "name"));
    const char *uid = json_string_value(json_object_get(md, "uid"));
    if (!allowed(r, uid ? uid : "")) {
        log_msg(r->log, LOG_DEBUG, obj,
                "event %s dropped: the object had its %d events, one more "
                "every %lld s",
                reason ? reason : "", EVENT_BURST, EVENT_REFILL_MS / 1000);
        return 0;
    }
    event_rec ev = {.mlflow = mlflow, .type = type, .reason = reason};
    char *msg = event_message(message, EVENT_MESSAGE_MAX);
    ev.msg = msg;
    event_name(ev.name, obj, uid, type, reason, msg, EVENT_COMPONENT);
    snprintf(ev.path, sizeof ev.path, "%s/%s", EVENTS_PATH, ev.name);
    status_now(ev.now, sizeof ev.now);
    int rc = record(r, kc, &ev, err);
    free(msg);
    return rc;
}
