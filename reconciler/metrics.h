/*
 * metrics.h — the operator's Prometheus metrics, in the names
 * controller-runtime operators expose, so existing dashboards work:
 *
 *   controller_runtime_reconcile_total{controller,result}      counter
 *   controller_runtime_reconcile_time_seconds{controller}      histogram
 *   controller_runtime_reconcile_errors_total{controller}      counter
 *   workqueue_depth{name}                                      gauge
 *   rest_client_requests_total{code,method}                    counter
 *   mlflow_operator_watch_restarts_total{resource,reason}      counter
 *   mlflow_operator_leader                                     gauge
 *   mlflow_operator_managed_mlflows                            gauge
 *
 * result is "success", "error" or "requeue"; reconcile time is also split
 * by result (label "result") as the issue asks. Thread-safe; rendering
 * calls the collector first so gauges are fresh.
 */
#ifndef RC_METRICS_H
#define RC_METRICS_H

#include "arena.h"

typedef struct metrics metrics;

metrics *metrics_new(void);
void metrics_free(metrics *m);

void metrics_reconcile(metrics *m, const char *result, double seconds);
void metrics_api_request(metrics *m, const char *verb, long code);
void metrics_watch_restart(metrics *m, const char *resource,
                           const char *reason);
void metrics_gauge(metrics *m, const char *name, double v);

/* Called at the start of every metrics_render (to set gauges). */
void metrics_set_collector(metrics *m, void (*fn)(void *ud, metrics *m),
                           void *ud);
/* The Prometheus text exposition format (version 0.0.4). */
void metrics_render(metrics *m, rn_buf *out);

/* A counter's current value, for tests and the quiet-state check; 0 if
 * the series does not exist. `series` is "name{labels}" as rendered. */
double metrics_value(metrics *m, const char *series);

#endif
