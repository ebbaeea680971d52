/*
 * controller.h — the MLflow controller: informers on MLflow objects and
 * on every kind the chart renders, one work queue, N workers that
 * reconcile, and a timer for the periodic resync and for re-asking
 * discovery about the optional APIs (Gateway API HTTPRoute, OpenShift
 * ConsoleLink).
 *
 * One reconcile of MLflow <name>:
 *   1. read it from the cache (gone or being deleted: nothing to do, the
 *      garbage collector follows the owner references);
 *   2. render it with librender (rn_render_mlflow), with HTTPRoute and
 *      ConsoleLink switched on when the cluster serves them; an invalid
 *      spec stops here: Degraded/RenderFailed with the field path, nothing
 *      applied, no retry until the spec changes;
 *   3. apply every object (apply.h: owner references, server-side apply,
 *      no write when nothing would change, claims only grow);
 *   4. prune what it owns that the spec no longer renders (claims are
 *      kept and reported);
 *   5. compute the status (status.h) and write it only if it changed;
 *      post an Event when Degraded turns True (with the reason) or
 *      Available turns True.
 * Failures are retried with per-key exponential backoff; watch events of
 * owned objects (other than our own writes) queue their owners again, so
 * a deleted Service or a hand-edited Deployment is repaired.
 */
#ifndef RC_CONTROLLER_H
#define RC_CONTROLLER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "chart.h"
#include "error.h"
#include "kube_client.h"
#include "log.h"
#include "metrics.h"
#include "mlflow.h"

typedef struct controller_opts {
    kube_config *cfg;
    kube_client_opts client; /* hooks for metrics; .stop is set inside */
    log_ctx *log;
    metrics *m;
    const rn_chart *chart;
    rn_mlflow_opts render;   /* http_route/console_link: set from discovery */
    const char *namespace;   /* where the namespaced objects go */
    const char *identity;    /* this process, for Events */
    int workers;             /* 0: 4 */
    int resync_s;            /* 0: 600 */
    int discovery_s;         /* 0: 30 */
    int watch_timeout_s;     /* 0: client-go's 5-10 minutes */
    const atomic_bool *stop; /* the process is shutting down */
} controller_opts;

typedef struct controller controller;

/* Discover, start the informers, wait for their first LIST, start the
 * workers. Blocks until then; returns NULL (err set) only if *stop was
 * raised before. */
controller *controller_start(const controller_opts *o, rn_error *err);
/* Stop the watches, let the reconciles in flight finish (at most
 * grace_ms, then their requests are cut), free everything. */
void controller_stop(controller *c, long grace_ms);
bool controller_ready(controller *c);
/* The controller's gauges (queue depth and work, active workers, MLflow
 * count) for the metrics collector; nothing when c is NULL. */
void controller_collect(controller *c, metrics *m);

#endif
