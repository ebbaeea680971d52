/*
 * mlflow.h — from an MLflow object (mlflow.opendatahub.io/v1) to the values
 * of charts/mlflow.
 *
 * This is where the MLflow API's rules, defaults and derivations live (see
 * the design: "The MLflow resource"); the chart then renders the values.
 * The function is pure: the object and the options in, values, warnings,
 * release name and namespace out.
 *
 * The values are user values in Helm's sense (what `-f` would supply): the
 * chart coalesces them over its values.yaml, so every value the chart's
 * standalone defaults would get wrong for an MLflow object is set
 * explicitly (storage.enabled, mlflow.serveArtifacts, ...).
 *
 * Ownership: everything returned lives in the arena; the object and the
 * options are borrowed.
 */
#ifndef RN_MLFLOW_H
#define RN_MLFLOW_H

#include <stdbool.h>

#include "arena.h"
#include "error.h"
#include "openapi.h"
#include "value.h"

/* Defaults of the operator and the function. */
#define RN_MLFLOW_DEFAULT_IMAGE "quay.io/opendatahub/mlflow:master"
#define RN_MLFLOW_MAX_NAME 40
#define RN_MLFLOW_DEFAULT_MANAGER "mlflow-operator"

typedef struct rn_mlflow_opts {
    /* "opendatahub" (NULL or "" means this) or "rhoai": picks the target
     * namespace and the console section title. */
    const char *mode;
    /* Target namespace; NULL or "" for the mode's. */
    const char *namespace;
    /* Image when the object names none; NULL or "" for
     * RN_MLFLOW_DEFAULT_IMAGE. */
    const char *image;
    /* Gateway of the HTTPRoute; NULL or "" for the chart's defaults
     * (data-science-gateway in openshift-ingress). */
    const char *gateway_name, *gateway_namespace;
    /* Render the HTTPRoute / the ConsoleLink. */
    bool http_route, console_link;
    /* Start the server with Prometheus metrics at /metrics (the image
     * needs prometheus-flask-exporter, as mlflow[prometheus] has it);
     * with it, render a ServiceMonitor when service_monitor is set. */
    bool metrics, service_monitor;
    /* The caller rolls the server's pods when a serving certificate
     * changes (the operator stamps its digest on the pod template): the
     * server runs without the in-container certificate watch. */
    bool tls_rollout;
    /* Base URL of the gateway (https://host), the ConsoleLink's href is
     * this plus the instance's prefix. Without it no ConsoleLink is
     * rendered, with a warning. */
    const char *mlflow_url;
    /* Console application menu section; NULL or "" for the mode's. */
    const char *section_title;
    /* Who manages the rendered objects: .Release.Service, and so the
     * app.kubernetes.io/managed-by label. NULL or "" for
     * RN_MLFLOW_DEFAULT_MANAGER. */
    const char *managed_by;
} rn_mlflow_opts;

/*
 * Map one MLflow object (a map read with RN_YAML_CORE: ints are RN_INT) to
 * chart values. `o` may be NULL for all defaults.
 *
 * On success: *values is the values map; *warnings an RN_LIST of strings
 * (possibly empty) for things that render but deserve a word (data on
 * pod-local files, ignored fields); *release the release name, which is
 * also the instance label ("mlflow" for the object named mlflow, else
 * "mlflow-<name>"); *namespace the target namespace. Any out pointer
 * other than values may be NULL.
 *
 * On failure (-1): err says what is wrong with which field, err->field
 * holds its path ("spec.backendStoreUriFrom", "metadata.name"); no values
 * are returned.
 */
int rn_mlflow_values(rn_arena *a, const rn_value *cr, const rn_mlflow_opts *o,
                     rn_value **values, rn_value **warnings,
                     const char **release, const char **namespace,
                     rn_error *err);

/* The openAPIV3Schema of the MLflow CRD's v1
 * (config/crd/mlflow.opendatahub.io_mlflows.yaml), as JSON, compiled into
 * the library at build time (hack/crd2json.c): the spec's type check, so
 * the CRD is the single source of the API's types. */
extern const char rn_mlflow_crd_schema[];
extern const size_t rn_mlflow_crd_schema_len;

/* The schema of spec in the embedded CRD, compiled on first use and then
 * shared (read-only) by every render and thread of the process. NULL, with
 * the reason in err when err is not NULL, if it does not compile. */
const rn_openapi *rn_mlflow_spec_schema(rn_error *err);

#endif
