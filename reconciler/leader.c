/*
 * leader.c — Lease-based leader election (see leader.h).
 */
#include "leader.h"
#include "clock.h"
#include "xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct leader {
    leader_opts o;
    char *ns, *name, *identity;
    kube_client *kc;
    char *path; /* the Lease */
    char *coll; /* the Lease collection */
    /* What we saw last, and when (monotonic ms) it last changed. */
    char *observed; /* holder|renewTime|duration */
    long long observed_at;
    long long last_renew; /* monotonic ms of our last successful write */
    atomic_bool leading;
    atomic_bool stop_renew;
    bool renewing;
    pthread_t thread;
    void (*on_lost)(void *ud);
    void *lost_ud;
};

void leader_microtime(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%06ldZ", ts.tv_nsec / 1000);
}

leader *leader_new(const leader_opts *o)
{
    leader *l = rc_xcalloc(1, sizeof *l);
    l->o = *o;
    if (l->o.lease_s <= 0)
        l->o.lease_s = 15;
    if (l->o.renew_s <= 0)
        l->o.renew_s = 10;
    if (l->o.retry_s <= 0)
        l->o.retry_s = 2;
    l->ns = rc_xstrdup(o->namespace);
    l->name = rc_xstrdup(o->name);
    l->identity = rc_xstrdup(o->identity);
    kube_client_opts co = o->client;
    co.stop = o->stop;
    co.max_attempts = 1; /* the election loop is the retry */
    co.timeout_s = l->o.retry_s > 5 ? l->o.retry_s : 5;
    l->kc = kube_client_new(o->cfg, &co);
    size_t n = strlen(l->ns) + strlen(l->name) + 96;
    l->coll = rc_xmalloc(n);
    l->path = rc_xmalloc(n);
    snprintf(l->coll, n, "/apis/coordination.k8s.io/v1/namespaces/%s/leases",
             l->ns);
    snprintf(l->path, n, "%s/%s", l->coll, l->name);
    atomic_init(&l->leading, false);
    atomic_init(&l->stop_renew, false);
    return l;
}

void leader_free(leader *l)
{
    if (!l)
        return;
    kube_client_free(l->kc);
    free(l->ns);
    free(l->name);
    free(l->identity);
    free(l->coll);
    free(l->path);
    free(l->observed);
    free(l);
}

bool leader_is_leader(leader *l)
{
    return atomic_load(&l->leading);
}

static bool stopping(const leader *l)
{
    return l->o.stop && atomic_load(l->o.stop);
}

static json_t *spec_of(json_t *lease)
{
    json_t *spec = json_object_get(lease, "spec");
    if (!spec) {
        spec = json_object();
        json_object_set_new(lease, "spec", spec);
    }
    return spec;
}

/* Remember the record; its change time is what expiry is measured from. */
static void observe(leader *l, json_t *spec)
{
    char rec[512];
    const char *holder =
        json_string_value(json_object_get(spec, "holderIdentity"));
    const char *renew = json_string_value(json_object_get(spec, "renewTime"));
    snprintf(rec, sizeof rec, "%s|%s|%lld", holder ? holder : "",
             renew ? renew : "",
             (long long)json_integer_value(
                 json_object_get(spec, "leaseDurationSeconds")));
    if (!l->observed || strcmp(l->observed, rec) != 0) {
        free(l->observed);
        l->observed = rc_xstrdup(rec);
        l->observed_at = rc_now_ms();
    }
}

static void fill_record(leader *l, json_t *spec, bool acquiring)
{
    char now[64];
    leader_microtime(now, sizeof now);
    json_object_set_new(spec, "holderIdentity", json_string(l->identity));
    json_object_set_new(spec, "leaseDurationSeconds",
                        json_integer(l->o.lease_s));
    json_object_set_new(spec, "renewTime", json_string(now));
    if (acquiring) {
        json_object_set_new(spec, "acquireTime", json_string(now));
        json_t *tr = json_object_get(spec, "leaseTransitions");
        json_object_set_new(
            spec, "leaseTransitions",
            json_integer(json_is_integer(tr) ? json_integer_value(tr) + 1 : 0));
    }
}

static int try_create(leader *l)
{
    json_t *lease = json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion",
                              "coordination.k8s.io/v1", "kind", "Lease",
                              "metadata", "name", l->name, "namespace", l->ns);
    fill_record(l, spec_of(lease), true);
    json_object_set_new(spec_of(lease), "leaseTransitions", json_integer(0));
    kube_err err;
    kube_err_clear(&err);
    int rc = kube_create(l->kc, l->coll, lease, NULL, &err);
    json_decref(lease);
    if (rc == 0)
        return 1;
    if (err.code == 409)
        return 0; /* someone was faster */
    log_msg(l->o.log, LOG_WARN, NULL, "leader election: %s", err.e.msg);
    return -1;
}

int leader_try(leader *l)
{
    json_t *lease = NULL;
    kube_err err;
    kube_err_clear(&err);
    if (kube_get(l->kc, l->path, &lease, &err) < 0) {
        if (err.code == 404)
            return try_create(l);
        log_msg(l->o.log, LOG_WARN, NULL, "leader election: %s", err.e.msg);
        return -1;
    }
    json_t *spec = spec_of(lease);
    observe(l, spec);
    const char *holder =
        json_string_value(json_object_get(spec, "holderIdentity"));
    bool mine = holder && strcmp(holder, l->identity) == 0;
    json_int_t dur =
        json_integer_value(json_object_get(spec, "leaseDurationSeconds"));
    if (dur <= 0)
        dur = l->o.lease_s;
    bool expired = rc_now_ms() - l->observed_at > (long long)dur * 1000;
    if (holder && *holder && !mine && !expired) {
        json_decref(lease);
        return 0;
    }
    fill_record(l, spec, !mine);
    json_object_del(json_object_get(lease, "metadata"), "managedFields");
    int rc = kube_replace(l->kc, l->path, lease, NULL, &err);
    json_decref(lease);
    if (rc < 0) {
        if (err.code == 409)
            return 0;
        log_msg(l->o.log, LOG_WARN, NULL, "leader election: %s", err.e.msg);
        return -1;
    }
    return 1;
}

static void sleep_ms(const leader *l, long ms, const atomic_bool *also)
{
    rc_sleep_ms(ms, l->o.stop, also);
}

bool leader_acquire(leader *l)
{
    bool said = false;
    while (!stopping(l)) {
        if (leader_try(l) == 1) {
            l->last_renew = rc_now_ms();
            atomic_store(&l->leading, true);
            log_msg(l->o.log, LOG_INFO, NULL,
                    "became leader: lease %s/%s held by %s", l->ns, l->name,
                    l->identity);
            return true;
        }
        if (!said) {
            log_msg(l->o.log, LOG_INFO, NULL,
                    "waiting for lease %s/%s (another replica leads)", l->ns,
                    l->name);
            said = true;
        }
        sleep_ms(l, (long)l->o.retry_s * 1000, NULL);
    }
    return false;
}

static void *renew_main(void *arg)
{
    leader *l = arg;
    while (!stopping(l) && !atomic_load(&l->stop_renew)) {
        sleep_ms(l, (long)l->o.retry_s * 1000, &l->stop_renew);
        if (stopping(l) || atomic_load(&l->stop_renew))
            break;
        int r = leader_try(l);
        if (r == 1) {
            l->last_renew = rc_now_ms();
            continue;
        }
        if (r == 0 ||
            rc_now_ms() - l->last_renew > (long long)l->o.renew_s * 1000) {
            atomic_store(&l->leading, false);
            log_msg(l->o.log, LOG_ERROR, NULL, "lost the lease %s/%s: %s",
                    l->ns, l->name,
                    r == 0 ? "another replica holds it"
                           : "no renewal within the renew deadline");
            if (l->on_lost)
                l->on_lost(l->lost_ud);
            break;
        }
    }
    return NULL;
}

void leader_start_renewing(leader *l, void (*on_lost)(void *ud), void *ud)
{
    l->on_lost = on_lost;
    l->lost_ud = ud;
    l->renewing = true;
    if (pthread_create(&l->thread, NULL, renew_main, l) != 0)
        abort();
}

void leader_release(leader *l)
{
    if (l->renewing) {
        atomic_store(&l->stop_renew, true);
        pthread_join(l->thread, NULL);
        l->renewing = false;
    }
    if (!atomic_load(&l->leading))
        return;
    atomic_store(&l->leading, false);
    /* A fresh client: the shared stop flag is already set. */
    kube_client_opts co = l->o.client;
    co.stop = NULL;
    co.max_attempts = 2;
    co.timeout_s = 5;
    kube_client *kc = kube_client_new(l->o.cfg, &co);
    json_t *lease = NULL;
    kube_err err;
    kube_err_clear(&err);
    if (kube_get(kc, l->path, &lease, &err) == 0) {
        json_t *spec = spec_of(lease);
        const char *holder =
            json_string_value(json_object_get(spec, "holderIdentity"));
        if (holder && strcmp(holder, l->identity) == 0) {
            char now[64];
            leader_microtime(now, sizeof now);
            json_object_set_new(spec, "holderIdentity", json_string(""));
            json_object_set_new(spec, "leaseDurationSeconds", json_integer(1));
            json_object_set_new(spec, "renewTime", json_string(now));
            json_object_set_new(spec, "acquireTime", json_string(now));
            if (kube_replace(kc, l->path, lease, NULL, &err) == 0)
                log_msg(l->o.log, LOG_INFO, NULL, "released lease %s/%s", l->ns,
                        l->name);
        }
    }
    if (err.e.set)
        log_msg(l->o.log, LOG_WARN, NULL, "releasing the lease: %s", err.e.msg);
    json_decref(lease);
    kube_client_free(kc);
}
