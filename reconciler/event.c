/*
 * event.c — posting Events (see event.h).
 */
#include "event.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "status.h"

int event_emit(kube_client *kc, const json_t *mlflow, const char *type,
               const char *reason, const char *message, const char *instance,
               kube_err *err)
{
    json_t *md = json_object_get(mlflow, "metadata");
    const char *name = json_string_value(json_object_get(md, "name"));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char ev_name[320];
    /* client-go names events <object>.<unix nanoseconds in hex>. */
    snprintf(ev_name, sizeof ev_name, "%s.%llx", name ? name : "mlflow",
             (unsigned long long)ts.tv_sec * 1000000000ULL +
                 (unsigned long long)ts.tv_nsec);
    char now[40];
    status_now(now, sizeof now);
    char *msg = log_redact(message ? message : "");
    if (strlen(msg) > 1024) /* the API server refuses longer messages */
        msg[1024] = '\0';
    json_t *ev = json_pack(
        "{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:O,s:O,s:O},s:s,s:s,s:s,"
        "s:{s:s},s:s,s:s,s:i,s:s,s:s}",
        "apiVersion", "v1", "kind", "Event", "metadata", "name", ev_name,
        "namespace", "default", "involvedObject", "apiVersion",
        "mlflow.opendatahub.io/v1", "kind", "MLflow", "name",
        json_object_get(md, "name"), "uid", json_object_get(md, "uid"),
        "resourceVersion", json_object_get(md, "resourceVersion"), "type",
        type, "reason", reason, "message", msg, "source", "component",
        "mlflow-operator", "firstTimestamp", now, "lastTimestamp", now,
        "count", 1, "reportingComponent", "mlflow-operator",
        "reportingInstance", instance ? instance : "");
    free(msg);
    if (!ev)
        return rn_error_set(&err->e, "cannot build the event");
    int rc = kube_create(kc, "/api/v1/namespaces/default/events", ev, NULL,
                         err);
    json_decref(ev);
    return rc;
}
