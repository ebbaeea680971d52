/*
 * kube_watch.c — watch-stream framing and the list+watch informer (see
 * kube_watch.h).
 */
#include "kube_watch.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "strmap.h"
#include "xalloc.h"

/* ---- framing ------------------------------------------------------------- */

void kw_framer_init(kw_framer *f, size_t max_line)
{
    f->buf = (rn_buf)RN_BUF_INIT;
    f->max_line = max_line ? max_line : (size_t)64 << 20;
}

void kw_framer_free(kw_framer *f)
{
    rn_buf_free(&f->buf);
}

static int emit_line(const char *p, size_t n,
                     int (*fn)(void *, const char *, size_t), void *ud)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    return n ? fn(ud, p, n) : 0;
}

int kw_framer_feed(kw_framer *f, const char *data, size_t len,
                   int (*fn)(void *ud, const char *line, size_t len), void *ud)
{
    while (len) {
        const char *nl = memchr(data, '\n', len);
        if (!nl) {
            if (f->buf.len + len > f->max_line)
                return -1;
            rn_buf_append(&f->buf, data, len);
            return 0;
        }
        size_t n = (size_t)(nl - data);
        int r;
        if (f->buf.len) {
            if (f->buf.len + n > f->max_line)
                return -1;
            rn_buf_append(&f->buf, data, n);
            r = emit_line(f->buf.data, f->buf.len, fn, ud);
            rn_buf_reset(&f->buf);
        } else {
            r = emit_line(data, n, fn, ud);
        }
        if (r)
            return r;
        data = nl + 1;
        len -= n + 1;
    }
    return 0;
}

int kw_parse_event(const char *line, size_t len, kw_event *ev, rn_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    if (!j)
        return rn_error_set(err, "watch event is not JSON: %s", je.text);
    const char *t = json_string_value(json_object_get(j, "type"));
    json_t *obj = json_object_get(j, "object");
    static const char *const names[] = {"ADDED", "MODIFIED", "DELETED",
                                        "BOOKMARK", "ERROR"};
    int type = -1;
    for (int i = 0; t && i < 5; i++)
        if (strcmp(t, names[i]) == 0)
            type = i;
    if (type < 0 || !json_is_object(obj)) {
        json_decref(j);
        return rn_error_set(err,
                            "watch event without a known type and an "
                            "object: %.80s",
                            line);
    }
    ev->type = (kw_type)type;
    ev->object = json_incref(obj);
    json_decref(j);
    return 0;
}

long kw_error_code(const json_t *status)
{
    json_t *c = json_object_get(status, "code");
    return json_is_integer(c) ? (long)json_integer_value(c) : 0;
}

/* ---- informer ------------------------------------------------------------ */

struct kube_informer {
    informer_opts o;
    char *name, *api_version, *kind, *path, *selector, *fields;
    store *st;
    atomic_bool stop;
    atomic_bool synced;
    pthread_t thread;
    kube_client *kc;
    char *rv; /* where the next watch starts */
    /* Per stream. */
    kw_framer fr;
    bool relist;    /* the stream said 410 */
    bool got_event; /* the stream delivered something */
    char stream_err[512];
};

static const char *obj_rv(const json_t *o)
{
    return json_string_value(
        json_object_get(json_object_get(o, "metadata"), "resourceVersion"));
}

static void set_rv(kube_informer *inf, const char *rv)
{
    if (!rv || !*rv)
        return;
    free(inf->rv);
    inf->rv = rc_xstrdup(rv);
}

/* Cache copies need neither managedFields nor kubectl's last-applied
 * annotation; both can be larger than the rest of the object. */
static void slim(json_t *obj)
{
    json_t *md = json_object_get(obj, "metadata");
    json_object_del(md, "managedFields");
    json_object_del(json_object_get(md, "annotations"),
                    "kubectl.kubernetes.io/last-applied-configuration");
}

static void sleep_ms(kube_informer *inf, long ms)
{
    rc_sleep_ms(ms, &inf->stop, NULL);
}

static void notify(kube_informer *inf, kw_type t, json_t *obj, json_t *old)
{
    if (inf->o.on_event)
        inf->o.on_event(inf->o.ud, t, obj, old);
}

/* Apply one ADDED/MODIFIED/DELETED to the store and tell the handler. */
static void apply_event(kube_informer *inf, kw_type t, json_t *obj)
{
    slim(obj);
    if (inf->o.transform)
        inf->o.transform(obj);
    if (t == KW_DELETED) {
        char *k = store_key(obj);
        json_t *old = k ? store_del(inf->st, k) : NULL;
        free(k);
        notify(inf, KW_DELETED, obj, NULL);
        json_decref(old);
        return;
    }
    json_t *old = store_put(inf->st, json_incref(obj));
    notify(inf, old ? KW_MODIFIED : KW_ADDED, obj, old);
    json_decref(old);
}

/* ---- LIST ---- */

typedef struct list_ctx {
    kube_informer *inf;
    strmap *items;
} list_ctx;

static void decref_v(void *p)
{
    json_decref(p);
}

static int on_list_item(void *ud, json_t *item)
{
    list_ctx *lc = ud;
    if (!item) { /* the list restarted */
        strmap_free(lc->items, decref_v);
        lc->items = strmap_new();
        return 0;
    }
    json_t *o = json_deep_copy(item);
    if (lc->inf->api_version)
        json_object_set_new(o, "apiVersion", json_string(lc->inf->api_version));
    if (lc->inf->kind)
        json_object_set_new(o, "kind", json_string(lc->inf->kind));
    char *k = store_key(o);
    if (k)
        json_decref(strmap_put(lc->items, k, o));
    else
        json_decref(o);
    free(k);
    return 0;
}

typedef struct gone_ctx {
    strmap *items;
    strmap *gone; /* key -> (void *)1 */
} gone_ctx;

static bool find_gone(void *ud, const char *key)
{
    gone_ctx *g = ud;
    if (!strmap_get(g->items, key))
        strmap_put(g->gone, key, (void *)1);
    return true;
}

typedef struct put_ctx {
    kube_informer *inf;
} put_ctx;

static bool put_listed(void *ud, const char *key, void *val)
{
    put_ctx *p = ud;
    json_t *obj = val;
    json_t *prev = store_get(p->inf->st, key);
    const char *a = obj_rv(obj), *b = prev ? obj_rv(prev) : NULL;
    bool same = prev && a && b && strcmp(a, b) == 0;
    json_decref(prev);
    if (!same)
        apply_event(p->inf, KW_MODIFIED, obj);
    return true;
}

static bool delete_gone(void *ud, const char *key, void *val)
{
    put_ctx *p = ud;
    json_t *obj = store_get(p->inf->st, key);
    if (obj)
        apply_event(p->inf, KW_DELETED, obj);
    json_decref(obj);
    return true;
}

static int do_list(kube_informer *inf)
{
    rn_buf p = RN_BUF_INIT;
    rn_buf_puts(&p, inf->path);
    if (inf->selector)
        kube_query_add(&p, "labelSelector", inf->selector);
    if (inf->fields)
        kube_query_add(&p, "fieldSelector", inf->fields);
    list_ctx lc = {inf, strmap_new()};
    char *rv = NULL;
    kube_err err;
    kube_err_clear(&err);
    int rc = kube_list(inf->kc, rn_buf_cstr(&p), inf->o.page_size, on_list_item,
                       &lc, &rv, &err);
    rn_buf_free(&p);
    if (rc != 0) {
        if (!atomic_load(&inf->stop))
            log_msg(inf->o.log, LOG_WARN, NULL, "list %s failed: %s", inf->name,
                    err.e.msg);
        strmap_free(lc.items, decref_v);
        free(rv);
        return -1;
    }
    /* Report what the watch missed: changed and new objects first, then
     * those that are gone. */
    gone_ctx g = {lc.items, strmap_new()};
    store_each_key(inf->st, find_gone, &g);
    put_ctx pc = {inf};
    strmap_each(lc.items, put_listed, &pc);
    strmap_each(g.gone, delete_gone, &pc);
    strmap_free(g.gone, NULL);
    strmap_free(lc.items, decref_v);
    set_rv(inf, rv);
    free(rv);
    return 0;
}

/* ---- WATCH ---- */

static int on_line(void *ud, const char *line, size_t len)
{
    kube_informer *inf = ud;
    kw_event ev;
    rn_error e;
    rn_error_clear(&e);
    if (kw_parse_event(line, len, &ev, &e) < 0) {
        snprintf(inf->stream_err, sizeof inf->stream_err, "%.400s", e.msg);
        return 1;
    }
    inf->got_event = true;
    int stop = 0;
    switch (ev.type) {
    case KW_BOOKMARK:
        set_rv(inf, obj_rv(ev.object));
        break;
    case KW_ERROR: {
        long code = kw_error_code(ev.object);
        const char *msg =
            json_string_value(json_object_get(ev.object, "message"));
        if (code == 410)
            inf->relist = true;
        else
            snprintf(inf->stream_err, sizeof inf->stream_err,
                     "watch error %ld: %s", code, msg ? msg : "");
        stop = 1;
        break;
    }
    default:
        set_rv(inf, obj_rv(ev.object));
        apply_event(inf, ev.type, ev.object);
        break;
    }
    json_decref(ev.object);
    return stop;
}

static int on_chunk(void *ud, const char *data, size_t len)
{
    kube_informer *inf = ud;
    if (atomic_load(&inf->stop))
        return 1;
    int r = kw_framer_feed(&inf->fr, data, len, on_line, inf);
    if (r < 0)
        snprintf(inf->stream_err, sizeof inf->stream_err,
                 "watch event too large");
    return r;
}

/* 0: ended normally; 1: relist needed; -1: failed (backoff). */
static int do_watch(kube_informer *inf)
{
    int timeout = inf->o.watch_timeout_s;
    if (timeout <= 0)
        timeout = 300 + rand() % 300;
    char tbuf[16];
    snprintf(tbuf, sizeof tbuf, "%d", timeout);
    rn_buf p = RN_BUF_INIT;
    rn_buf_puts(&p, inf->path);
    kube_query_add(&p, "watch", "1");
    kube_query_add(&p, "allowWatchBookmarks", "true");
    kube_query_add(&p, "resourceVersion", inf->rv ? inf->rv : "0");
    kube_query_add(&p, "timeoutSeconds", tbuf);
    if (inf->selector)
        kube_query_add(&p, "labelSelector", inf->selector);
    if (inf->fields)
        kube_query_add(&p, "fieldSelector", inf->fields);
    kw_framer_init(&inf->fr, 0);
    inf->relist = false;
    inf->got_event = false;
    inf->stream_err[0] = '\0';
    kube_err err;
    kube_err_clear(&err);
    int rc = kube_stream(inf->kc, rn_buf_cstr(&p), timeout + 30, on_chunk, inf,
                         &err);
    rn_buf_free(&p);
    kw_framer_free(&inf->fr);
    if (atomic_load(&inf->stop))
        return -1;
    if (inf->relist || err.code == 410)
        return 1;
    if (inf->stream_err[0]) {
        log_msg(inf->o.log, LOG_WARN, NULL, "watch %s: %s", inf->name,
                inf->stream_err);
        return -1;
    }
    if (rc < 0) {
        log_msg(inf->o.log, LOG_WARN, NULL, "watch %s: %s", inf->name,
                err.e.msg);
        return -1;
    }
    return 0;
}

static void restarted(kube_informer *inf, const char *reason)
{
    if (inf->o.on_restart)
        inf->o.on_restart(inf->o.ud, inf->name, reason);
}

static void *informer_main(void *arg)
{
    kube_informer *inf = arg;
    long backoff = 500;
    bool need_list = true;
    while (!atomic_load(&inf->stop)) {
        if (need_list) {
            if (do_list(inf) < 0) {
                restarted(inf, "error");
                sleep_ms(inf, backoff);
                backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
                continue;
            }
            need_list = false;
            atomic_store(&inf->synced, true);
            backoff = 500;
        }
        int r = do_watch(inf);
        if (atomic_load(&inf->stop))
            break;
        if (r == 1) {
            log_msg(inf->o.log, LOG_INFO, NULL,
                    "watch %s: resourceVersion expired, listing again",
                    inf->name);
            restarted(inf, "expired");
            need_list = true;
        } else if (r < 0) {
            restarted(inf, "error");
            if (inf->got_event)
                backoff = 500;
            sleep_ms(inf, backoff);
            backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
        } else {
            backoff = 500;
        }
    }
    return NULL;
}

kube_informer *informer_start(const informer_opts *o)
{
    kube_informer *inf = rc_xcalloc(1, sizeof *inf);
    inf->o = *o;
    inf->name = rc_xstrdup(o->name);
    inf->api_version = rc_xstrdup(o->api_version);
    inf->kind = rc_xstrdup(o->kind);
    inf->path = rc_xstrdup(o->path);
    inf->selector = rc_xstrdup(o->label_selector);
    inf->fields = rc_xstrdup(o->field_selector);
    inf->o.name = inf->name;
    inf->st = store_new();
    atomic_init(&inf->stop, false);
    atomic_init(&inf->synced, false);
    kube_client_opts co = o->client;
    co.stop = &inf->stop;
    inf->kc = kube_client_new(o->cfg, &co);
    if (pthread_create(&inf->thread, NULL, informer_main, inf) != 0)
        abort();
    return inf;
}

void informer_signal_stop(kube_informer *inf)
{
    if (inf)
        atomic_store(&inf->stop, true);
}

void informer_stop(kube_informer *inf)
{
    if (!inf)
        return;
    atomic_store(&inf->stop, true);
    pthread_join(inf->thread, NULL);
    kube_client_free(inf->kc);
    store_free(inf->st);
    free(inf->rv);
    free(inf->name);
    free(inf->api_version);
    free(inf->kind);
    free(inf->path);
    free(inf->selector);
    free(inf->fields);
    free(inf);
}

bool informer_synced(kube_informer *inf)
{
    return atomic_load(&inf->synced);
}

bool informer_wait_synced(kube_informer *inf, long timeout_ms)
{
    while (!informer_synced(inf) && timeout_ms > 0 &&
           !atomic_load(&inf->stop)) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
        timeout_ms -= 20;
    }
    return informer_synced(inf);
}

store *informer_store(kube_informer *inf)
{
    return inf->st;
}

const char *informer_name(const kube_informer *inf)
{
    return inf->name;
}
