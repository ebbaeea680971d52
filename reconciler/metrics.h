/*
 * metrics.h — the operator's Prometheus metrics, in the names
 * controller-runtime operators expose, so existing dashboards work:
 *
 *   controller_runtime_reconcile_total{controller,result}      counter
 *   controller_runtime_reconcile_time_seconds{controller}      histogram
 *   controller_runtime_reconcile_errors_total{controller}      counter
 *   controller_runtime_active_workers{controller}              gauge
 *   controller_runtime_max_concurrent_reconciles{controller}   gauge
 *   workqueue_depth{name}                                      gauge
 *   workqueue_adds_total{name}                                 counter
 *   workqueue_retries_total{name}                              counter
 *   workqueue_queue_duration_seconds{name}                     histogram
 *   workqueue_work_duration_seconds{name}                      histogram
 *   workqueue_unfinished_work_seconds{name}                    gauge
 *   workqueue_longest_running_processor_seconds{name}          gauge
 *   rest_client_requests_total{code,method}                    counter
 *   rest_client_request_duration_seconds{verb}                 histogram
 *   process_cpu_seconds_total                                  counter
 *   process_open_fds, process_max_fds, process_virtual_memory_bytes,
 *   process_resident_memory_bytes, process_start_time_seconds  gauges
 *     (the Prometheus client's process collector)
 *   mlflow_operator_build_info{version}                        gauge
 *   mlflow_operator_watch_restarts_total{resource,reason}      counter
 *   mlflow_operator_leader                                     gauge
 *   mlflow_operator_managed_mlflows                            gauge
 *
 * result is "success", "error" or "requeue"; reconcile time is also split
 * by result (label "result") as the issue asks. Histogram buckets are
 * client-go's and controller-runtime's for each family. Thread-safe;
 * rendering calls the collector first, outside the lock, so gauges are
 * fresh and slow reads (/proc) do not hold up the workers.
 */
#ifndef RC_METRICS_H
#define RC_METRICS_H

#include "arena.h"

typedef struct metrics metrics;

metrics *metrics_new(void);
void metrics_free(metrics *m);

void metrics_reconcile(metrics *m, const char *result, double seconds);
/* One HTTP attempt to the API server (code 0: no response); `seconds` < 0
 * counts the attempt without observing its duration. */
void metrics_api_request(metrics *m, const char *verb, long code,
                         double seconds);
void metrics_watch_restart(metrics *m, const char *resource,
                           const char *reason);
/* Set series "name{labels}" to v: a gauge, or a counter whose count its
 * owner keeps (the queue's adds). */
void metrics_gauge(metrics *m, const char *name, double v);
/* One observation of histogram `family` (a histogram of the table in
 * metrics.c) for the series with `labels` (`name="mlflow"`, or ""). */
void metrics_observe(metrics *m, const char *family, const char *labels,
                     double v);
/* Prometheus's process collector: CPU, memory, file descriptors and start
 * time of this process, read from `proc` ("/proc"). Does file I/O: call it
 * from the collector. What cannot be read is left out. */
void metrics_collect_process(metrics *m, const char *proc);

/* Called at the start of every metrics_render (to set gauges). */
void metrics_set_collector(metrics *m, void (*fn)(void *ud, metrics *m),
                           void *ud);
/* The Prometheus text exposition format (version 0.0.4): the families in
 * a fixed order, each with its # HELP and # TYPE once, none without
 * series; a histogram's series each as its _bucket lines by ascending le,
 * then _sum and _count. */
void metrics_render(metrics *m, rn_buf *out);

/* A counter's current value, for tests and the quiet-state check; 0 if
 * the series does not exist. `series` is "name{labels}" as rendered. */
double metrics_value(metrics *m, const char *series);

#endif
