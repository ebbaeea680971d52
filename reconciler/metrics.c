/*
 * metrics.c — counters, gauges and one histogram family, rendered in the
 * Prometheus text format (see metrics.h). Series are kept in a hash map
 * from their rendered name ("name{labels}") to a value.
 */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                 1,     2.5,  5,     10,   30,  60};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct family {
    const char *name, *type, *help;
} family;

static const family families[] = {
    {"controller_runtime_reconcile_total", "counter",
     "Total number of reconciliations per controller and result."},
    {"controller_runtime_reconcile_errors_total", "counter",
     "Total number of reconciliation errors per controller."},
    {"controller_runtime_reconcile_time_seconds", "histogram",
     "Length of time per reconciliation per controller and result."},
    {"workqueue_depth", "gauge", "Current depth of the work queue."},
    {"rest_client_requests_total", "counter",
     "Number of HTTP requests to the API server, by method and status code "
     "(code 0: no response)."},
    {"mlflow_operator_watch_restarts_total", "counter",
     "Watches re-established after an error or an expired resourceVersion."},
    {"mlflow_operator_leader", "gauge",
     "1 while this process holds the leader lease (or runs without leader "
     "election)."},
    {"mlflow_operator_managed_mlflows", "gauge",
     "MLflow objects in the cache."},
};
#define NFAMILIES (sizeof families / sizeof families[0])

struct metrics {
    pthread_mutex_t mu;
    strmap *series; /* "name{labels}" -> double* */
    void (*collect)(void *ud, metrics *m);
    void *collect_ud;
};

metrics *metrics_new(void)
{
    metrics *m = rc_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    m->series = strmap_new();
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    strmap_free(m->series, free);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static double *series_locked(metrics *m, const char *key)
{
    double *v = strmap_get(m->series, key);
    if (!v) {
        v = rc_xcalloc(1, sizeof *v);
        strmap_put(m->series, key, v);
    }
    return v;
}

static void add(metrics *m, const char *key, double d)
{
    pthread_mutex_lock(&m->mu);
    *series_locked(m, key) += d;
    pthread_mutex_unlock(&m->mu);
}

void metrics_reconcile(metrics *m, const char *result, double seconds)
{
    char k[256];
    snprintf(k, sizeof k,
             "controller_runtime_reconcile_total{controller=\"mlflow\","
             "result=\"%s\"}",
             result);
    pthread_mutex_lock(&m->mu);
    *series_locked(m, k) += 1;
    if (strcmp(result, "error") == 0)
        *series_locked(m, "controller_runtime_reconcile_errors_total{"
                          "controller=\"mlflow\"}") += 1;
    for (size_t i = 0; i <= NBUCKETS; i++) {
        char le[32];
        if (i == NBUCKETS)
            snprintf(le, sizeof le, "+Inf");
        else
            snprintf(le, sizeof le, "%g", buckets[i]);
        if (i == NBUCKETS || seconds <= buckets[i]) {
            snprintf(k, sizeof k,
                     "controller_runtime_reconcile_time_seconds_bucket{"
                     "controller=\"mlflow\",result=\"%s\",le=\"%s\"}",
                     result, le);
            *series_locked(m, k) += 1;
        }
    }
    snprintf(k, sizeof k,
             "controller_runtime_reconcile_time_seconds_sum{controller="
             "\"mlflow\",result=\"%s\"}",
             result);
    *series_locked(m, k) += seconds;
    snprintf(k, sizeof k,
             "controller_runtime_reconcile_time_seconds_count{controller="
             "\"mlflow\",result=\"%s\"}",
             result);
    *series_locked(m, k) += 1;
    pthread_mutex_unlock(&m->mu);
}

void metrics_api_request(metrics *m, const char *verb, long code)
{
    char k[160];
    snprintf(k, sizeof k,
             "rest_client_requests_total{code=\"%ld\",method=\"%s\"}", code,
             verb);
    add(m, k, 1);
}

void metrics_watch_restart(metrics *m, const char *resource,
                           const char *reason)
{
    char k[256];
    snprintf(k, sizeof k,
             "mlflow_operator_watch_restarts_total{reason=\"%s\",resource="
             "\"%s\"}",
             reason, resource);
    add(m, k, 1);
}

void metrics_gauge(metrics *m, const char *name, double v)
{
    pthread_mutex_lock(&m->mu);
    *series_locked(m, name) = v;
    pthread_mutex_unlock(&m->mu);
}

void metrics_set_collector(metrics *m, void (*fn)(void *ud, metrics *m),
                           void *ud)
{
    m->collect = fn;
    m->collect_ud = ud;
}

double metrics_value(metrics *m, const char *key)
{
    pthread_mutex_lock(&m->mu);
    double *v = strmap_get(m->series, key);
    double r = v ? *v : 0;
    pthread_mutex_unlock(&m->mu);
    return r;
}

typedef struct line {
    const char *key;
    double v;
} line;

typedef struct collect_ctx {
    line *lines;
    size_t n, cap;
} collect_ctx;

static bool gather(void *ud, const char *key, void *val)
{
    collect_ctx *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->lines = rc_xrealloc(c->lines, c->cap * sizeof *c->lines);
    }
    c->lines[c->n].key = key;
    c->lines[c->n++].v = *(double *)val;
    return true;
}

static double le_value(const char *le)
{
    return strncmp(le, "+Inf", 4) == 0 ? HUGE_VAL : strtod(le, NULL);
}

/* Name order, except that histogram buckets of one series go by their
 * numeric bound, as the exposition format wants. */
static int by_key(const void *a, const void *b)
{
    const char *x = ((const line *)a)->key, *y = ((const line *)b)->key;
    const char *lx = strstr(x, "le=\""), *ly = strstr(y, "le=\"");
    if (lx && ly && lx - x == ly - y && strncmp(x, y, (size_t)(lx - x)) == 0) {
        double dx = le_value(lx + 4), dy = le_value(ly + 4);
        return dx < dy ? -1 : dx > dy;
    }
    return strcmp(x, y);
}

/* Whether series `key` belongs to family `f` (name, or name_bucket/_sum/
 * _count for a histogram). */
static bool in_family(const char *key, const family *f)
{
    size_t n = strlen(f->name);
    if (strncmp(key, f->name, n) != 0)
        return false;
    const char *rest = key + n;
    if (*rest == '{' || *rest == '\0')
        return true;
    if (strcmp(f->type, "histogram") != 0)
        return false;
    return strncmp(rest, "_bucket", 7) == 0 || strncmp(rest, "_sum", 4) == 0 ||
           strncmp(rest, "_count", 6) == 0;
}

void metrics_render(metrics *m, rn_buf *out)
{
    if (m->collect)
        m->collect(m->collect_ud, m);
    pthread_mutex_lock(&m->mu);
    collect_ctx c = {0};
    strmap_each(m->series, gather, &c);
    qsort(c.lines, c.n, sizeof *c.lines, by_key);
    for (size_t f = 0; f < NFAMILIES; f++) {
        bool header = false;
        for (size_t i = 0; i < c.n; i++) {
            if (!in_family(c.lines[i].key, &families[f]))
                continue;
            if (!header) {
                rn_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n",
                              families[f].name, families[f].help,
                              families[f].name, families[f].type);
                header = true;
            }
            rn_buf_printf(out, "%s %.17g\n", c.lines[i].key, c.lines[i].v);
        }
    }
    pthread_mutex_unlock(&m->mu);
    free(c.lines);
}
