/*
 * metrics.c — counters, gauges and histograms, rendered in the Prometheus
 * text format (see metrics.h). Series are kept in a hash map from their
 * rendered name ("name{labels}") to a value; a histogram is its _bucket
 * series (cumulative, as rendered), _sum and _count. The family table
 * below gives each family its type, help and buckets, and the order of
 * the output.
 */
#include "metrics.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strmap.h"
#include "xalloc.h"

static const double reconcile_buckets[] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
/* client-go's workqueue buckets: 10 ns to 10 s, by factors of 10. */
static const double queue_buckets[] = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
                                       1e-3, 1e-2, 1e-1, 1,    10};
/* client-go's rest_client_request_duration_seconds buckets. */
static const double request_buckets[] = {0.005, 0.025, 0.1, 0.25, 0.5, 1,
                                         2,     4,     8,   15,   30,  60};
#define NB(a) (sizeof a / sizeof a[0])

typedef struct family {
    const char *name, *type, *help;
    const double *buckets; /* histograms: the upper bounds, ascending */
    size_t nbuckets;
} family;

static const family families[] = {
    {"controller_runtime_reconcile_total", "counter",
     "Total number of reconciliations per controller and result.", NULL, 0},
    {"controller_runtime_reconcile_errors_total", "counter",
     "Total number of reconciliation errors per controller.", NULL, 0},
    {"controller_runtime_reconcile_time_seconds", "histogram",
     "Length of time per reconciliation per controller and result.",
     reconcile_buckets, NB(reconcile_buckets)},
    {"controller_runtime_active_workers", "gauge",
     "Number of currently used workers per controller.", NULL, 0},
    {"controller_runtime_max_concurrent_reconciles", "gauge",
     "Maximum number of concurrent reconciles per controller.", NULL, 0},
    {"workqueue_depth", "gauge", "Current depth of the work queue.", NULL, 0},
    {"workqueue_adds_total", "counter",
     "Total number of adds handled by workqueue.", NULL, 0},
    {"workqueue_retries_total", "counter",
     "Total number of retries handled by workqueue.", NULL, 0},
    {"workqueue_queue_duration_seconds", "histogram",
     "How long in seconds an item stays in workqueue before being "
     "requested.",
     queue_buckets, NB(queue_buckets)},
    {"workqueue_work_duration_seconds", "histogram",
     "How long in seconds processing an item from workqueue takes.",
     queue_buckets, NB(queue_buckets)},
    {"workqueue_unfinished_work_seconds", "gauge",
     "How many seconds of work has been done that is in progress and "
     "hasn't been observed by work_duration. Large values indicate stuck "
     "threads. One can deduce the number of stuck threads by observing the "
     "rate at which this increases.",
     NULL, 0},
    {"workqueue_longest_running_processor_seconds", "gauge",
     "How many seconds has the longest running processor for workqueue "
     "been running.",
     NULL, 0},
    {"rest_client_requests_total", "counter",
     "Number of HTTP requests to the API server, by method and status code "
     "(code 0: no response).",
     NULL, 0},
    {"rest_client_request_duration_seconds", "histogram",
     "Request latency in seconds, per HTTP attempt. Broken down by verb "
     "(watches are not observed).",
     request_buckets, NB(request_buckets)},
    {"process_cpu_seconds_total", "counter",
     "Total user and system CPU time spent in seconds.", NULL, 0},
    {"process_open_fds", "gauge", "Number of open file descriptors.", NULL, 0},
    {"process_max_fds", "gauge", "Maximum number of open file descriptors.",
     NULL, 0},
    {"process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
     NULL, 0},
    {"process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
     NULL, 0},
    {"process_start_time_seconds", "gauge",
     "Start time of the process since unix epoch in seconds.", NULL, 0},
    {"mlflow_operator_build_info", "gauge",
     "Build information of the operator, in its labels; the value is 1.", NULL,
     0},
    {"mlflow_operator_watch_restarts_total", "counter",
     "Watches re-established after an error or an expired resourceVersion.",
     NULL, 0},
    {"mlflow_operator_leader", "gauge",
     "1 while this process holds the leader lease (or runs without leader "
     "election).",
     NULL, 0},
    {"mlflow_operator_managed_mlflows", "gauge", "MLflow objects in the cache.",
     NULL, 0},
};
#define NFAMILIES NB(families)

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

static const family *family_named(const char *name)
{
    for (size_t i = 0; i < NFAMILIES; i++)
        if (strcmp(families[i].name, name) == 0)
            return &families[i];
    return NULL;
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

/* Buckets are stored cumulative, as they are rendered, and all of them
 * exist from the first observation on: histogram_quantile needs every
 * bound of a series. */
static void observe_locked(metrics *m, const family *f, const char *labels,
                           double v)
{
    char k[384];
    const char *sep = *labels ? "," : "";
    for (size_t i = 0; i <= f->nbuckets; i++) {
        char le[32];
        if (i == f->nbuckets)
            snprintf(le, sizeof le, "+Inf");
        else
            snprintf(le, sizeof le, "%g", f->buckets[i]);
        snprintf(k, sizeof k, "%s_bucket{%s%sle=\"%s\"}", f->name, labels, sep,
                 le);
        double *b = series_locked(m, k);
        if (i == f->nbuckets || v <= f->buckets[i])
            *b += 1;
    }
    const char *open = *labels ? "{" : "", *close = *labels ? "}" : "";
    snprintf(k, sizeof k, "%s_sum%s%s%s", f->name, open, labels, close);
    *series_locked(m, k) += v;
    snprintf(k, sizeof k, "%s_count%s%s%s", f->name, open, labels, close);
    *series_locked(m, k) += 1;
}

void metrics_observe(metrics *m, const char *family_name, const char *labels,
                     double v)
{
    const family *f = family_named(family_name);
    if (!f || !f->nbuckets)
        abort(); /* a name not in the table: a bug, caught by any test */
    pthread_mutex_lock(&m->mu);
    observe_locked(m, f, labels, v);
    pthread_mutex_unlock(&m->mu);
}

void metrics_reconcile(metrics *m, const char *result, double seconds)
{
    char k[256], labels[128];
    snprintf(labels, sizeof labels, "controller=\"mlflow\",result=\"%s\"",
             result);
    snprintf(k, sizeof k, "controller_runtime_reconcile_total{%s}", labels);
    const family *f = family_named("controller_runtime_reconcile_time_seconds");
    pthread_mutex_lock(&m->mu);
    *series_locked(m, k) += 1;
    if (strcmp(result, "error") == 0)
        *series_locked(m, "controller_runtime_reconcile_errors_total{"
                          "controller=\"mlflow\"}") += 1;
    observe_locked(m, f, labels, seconds);
    pthread_mutex_unlock(&m->mu);
}

void metrics_api_request(metrics *m, const char *verb, long code,
                         double seconds)
{
    char k[160], labels[64];
    snprintf(k, sizeof k,
             "rest_client_requests_total{code=\"%ld\",method=\"%s\"}", code,
             verb);
    snprintf(labels, sizeof labels, "verb=\"%s\"", verb);
    const family *f = family_named("rest_client_request_duration_seconds");
    pthread_mutex_lock(&m->mu);
    *series_locked(m, k) += 1;
    if (seconds >= 0)
        observe_locked(m, f, labels, seconds);
    pthread_mutex_unlock(&m->mu);
}

void metrics_watch_restart(metrics *m, const char *resource, const char *reason)
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

/* ---- the process collector ---- */

typedef struct proc_stat {
    unsigned long utime, stime, vsize; /* clock ticks, ticks, bytes */
    unsigned long long starttime;      /* ticks after boot */
    long rss;                          /* pages */
} proc_stat;

/* /proc/PID/stat: the command (field 2) is in parentheses and may hold
 * blanks, so the fields are counted from the last ')'. */
static bool read_stat(const char *proc, proc_stat *s)
{
    char path[512], buf[1024];
    snprintf(path, sizeof path, "%s/self/stat", proc);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    const char *p = ok ? strrchr(buf, ')') : NULL;
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt, utime stime, cutime cstime priority nice threads itreal,
     * starttime vsize rss */
    return p &&
           sscanf(p + 1,
                  "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %lu "
                  "%*s %*s %*s %*s %*s %*s %llu %lu %ld",
                  &s->utime, &s->stime, &s->starttime, &s->vsize, &s->rss) == 5;
}

/* The number after `prefix` on the first line of `path` that starts with
 * it; false when there is none (or it is "unlimited"). */
static bool read_field(const char *path, const char *prefix, double *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char buf[512];
    size_t n = strlen(prefix);
    bool ok = false;
    while (!ok && fgets(buf, sizeof buf, f))
        if (strncmp(buf, prefix, n) == 0)
            ok = sscanf(buf + n, "%lf", out) == 1;
    fclose(f);
    return ok;
}

static bool count_fds(const char *proc, double *out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/self/fd", proc);
    DIR *d = opendir(path);
    if (!d)
        return false;
    long n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    *out = (double)n; /* as Prometheus's collector: with this opendir's */
    return true;
}

void metrics_collect_process(metrics *m, const char *proc)
{
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double page = (double)sysconf(_SC_PAGESIZE);
    char path[512];
    proc_stat s;
    if (read_stat(proc, &s) && ticks > 0) {
        metrics_gauge(m, "process_cpu_seconds_total",
                      (double)(s.utime + s.stime) / ticks);
        metrics_gauge(m, "process_virtual_memory_bytes", (double)s.vsize);
        metrics_gauge(m, "process_resident_memory_bytes", (double)s.rss * page);
        double btime;
        snprintf(path, sizeof path, "%s/stat", proc);
        if (read_field(path, "btime ", &btime))
            metrics_gauge(m, "process_start_time_seconds",
                          btime + (double)s.starttime / ticks);
    }
    double v;
    if (count_fds(proc, &v))
        metrics_gauge(m, "process_open_fds", v);
    snprintf(path, sizeof path, "%s/self/limits", proc);
    if (read_field(path, "Max open files ", &v))
        metrics_gauge(m, "process_max_fds", v);
}

/* ---- rendering ---- */

typedef struct line {
    const char *key;
    double v;
    size_t fam;         /* index in families */
    const char *labels; /* inside the braces, le left out */
    size_t labels_len;
    int part;  /* histograms: 0 _bucket, 1 _sum, 2 _count */
    double le; /* _bucket: the bound */
} line;

typedef struct collect_ctx {
    line *lines;
    size_t n, cap;
} collect_ctx;

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

static double le_value(const char *le)
{
    return strncmp(le, "+Inf", 4) == 0 ? HUGE_VAL : strtod(le, NULL);
}

/* Split a series' key into what it is sorted by. le is the last label of
 * every bucket (observe_locked writes it so). */
static void describe(line *l)
{
    const char *rest = l->key + strlen(families[l->fam].name);
    const char *open = strchr(rest, '{');
    l->labels = open ? open + 1 : "";
    l->labels_len = open ? strlen(open + 1) - 1 : 0;
    l->part = strncmp(rest, "_sum", 4) == 0     ? 1
              : strncmp(rest, "_count", 6) == 0 ? 2
                                                : 0;
    l->le = 0;
    if (strncmp(rest, "_bucket", 7) != 0)
        return;
    const char *le = NULL;
    for (const char *p = l->labels; (p = strstr(p, "le=\"")); p++)
        le = p;
    if (!le)
        return;
    l->le = le_value(le + 4);
    l->labels_len = (size_t)(le - l->labels);
    if (l->labels_len && l->labels[l->labels_len - 1] == ',')
        l->labels_len--;
}

static bool gather(void *ud, const char *key, void *val)
{
    collect_ctx *c = ud;
    size_t f = 0;
    while (f < NFAMILIES && !in_family(key, &families[f]))
        f++;
    if (f == NFAMILIES)
        return true; /* not in the table: not rendered */
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->lines = rc_xrealloc(c->lines, c->cap * sizeof *c->lines);
    }
    line *l = &c->lines[c->n++];
    *l = (line){.key = key, .v = *(double *)val, .fam = f};
    describe(l);
    return true;
}

/* Family (table order), then series (labels), then a histogram's buckets
 * by their numeric bound, _sum, _count. */
static int by_order(const void *a, const void *b)
{
    const line *x = a, *y = b;
    if (x->fam != y->fam)
        return x->fam < y->fam ? -1 : 1;
    size_t n = x->labels_len < y->labels_len ? x->labels_len : y->labels_len;
    int c = memcmp(x->labels, y->labels, n);
    if (c != 0)
        return c;
    if (x->labels_len != y->labels_len)
        return x->labels_len < y->labels_len ? -1 : 1;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    if (x->le != y->le)
        return x->le < y->le ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* The shortest of %.15g..%.17g that reads back as the same double. */
static void put_value(rn_buf *out, double v)
{
    if (isnan(v)) {
        rn_buf_puts(out, "NaN");
        return;
    }
    if (isinf(v)) {
        rn_buf_puts(out, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    char s[32];
    for (int p = 15; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*g", p, v);
        if (strtod(s, NULL) == v)
            break;
    }
    rn_buf_puts(out, s);
}

void metrics_render(metrics *m, rn_buf *out)
{
    if (m->collect)
        m->collect(m->collect_ud, m);
    pthread_mutex_lock(&m->mu);
    collect_ctx c = {0};
    strmap_each(m->series, gather, &c);
    if (c.n) /* qsort wants a non-null array even for none */
        qsort(c.lines, c.n, sizeof *c.lines, by_order);
    for (size_t i = 0; i < c.n; i++) {
        const family *f = &families[c.lines[i].fam];
        if (i == 0 || c.lines[i - 1].fam != c.lines[i].fam)
            rn_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help,
                          f->name, f->type);
        rn_buf_puts(out, c.lines[i].key);
        rn_buf_putc(out, ' ');
        put_value(out, c.lines[i].v);
        rn_buf_putc(out, '\n');
    }
    pthread_mutex_unlock(&m->mu);
    free(c.lines);
}
