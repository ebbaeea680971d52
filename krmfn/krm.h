/*
 * krm.h — the KRM side of krmfn, shared by the function (ResourceList in
 * and out) and `krmfn render` (plain YAML streams):
 *
 *  settings  what the renderer is told: from a functionConfig (ConfigMap
 *            data or spec), from annotations on an MLflow object, from
 *            command-line flags; every key is checked and a bad one is a
 *            result naming it;
 *  results   the KRM results list (severity, message, resourceRef,
 *            field.path, file);
 *  run       items in, items out: every MLflow object replaced by its
 *            rendered objects, everything else passed through.
 *
 * Ownership: everything lives in the krm_run's arena unless said
 * otherwise; inputs are borrowed.
 */
#ifndef KRMFN_KRM_H
#define KRMFN_KRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "chart.h"
#include "error.h"
#include "mlflow.h"
#include "value.h"
#include "yaml.h"

#define KRM_API_VERSION "config.kubernetes.io/v1"
#define KRM_MLFLOW_API_VERSION "mlflow.opendatahub.io/v1"
#define KRM_MLFLOW_KIND "MLflow"
/* Settings carried by an MLflow object itself (generator form and
 * per-object overrides): "krmfn.mlflow.opendatahub.io/<key>". */
#define KRM_ANNOTATION_PREFIX "krmfn.mlflow.opendatahub.io/"
/* app.kubernetes.io/managed-by of every object the function generates:
 * what tells an earlier rendering in a kpt package from a user's own
 * object at the same place (the operator's objects say mlflow-operator,
 * Helm's say Helm). */
#define KRM_MANAGED_BY_LABEL "app.kubernetes.io/managed-by"
#define KRM_MANAGED_BY "krmfn"
/* Hostile-input bounds. */
#define KRM_MAX_INPUT_BYTES ((size_t)32 << 20)
#define KRM_MAX_DEPTH 128

/* The reader's limits for an input of `len` bytes. The alias budget grows
 * with the input: a document without aliases has at most about one node
 * per byte, so anything far beyond that is expansion. A billion-laughs
 * document fails after a few thousand copies instead of gigabytes.
 * `keep_source`: objects that pass through keep their scalars as
 * written. */
static inline rn_yaml_limits krm_input_limits(size_t len, bool keep_source)
{
    rn_yaml_limits lim = {.max_bytes = KRM_MAX_INPUT_BYTES,
                          .max_depth = KRM_MAX_DEPTH,
                          .max_nodes = (size_t)64 * 1024 + len,
                          .keep_source = keep_source};
    return lim;
}

/* ---- results ------------------------------------------------------------- */

typedef enum krm_severity { KRM_ERROR, KRM_WARNING, KRM_INFO } krm_severity;

typedef struct krm_results {
    rn_arena *a;
    rn_value *list; /* RN_LIST of result maps, in the order found */
    size_t errors, warnings;
} krm_results;

void krm_results_init(krm_results *r, rn_arena *a);
/* One result about `obj` (NULL: about the input as a whole); `field` may
 * be NULL or "". resourceRef and file are taken from the object. */
void krm_result(krm_results *r, krm_severity sev, const rn_value *obj,
                const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Prints every error result (and with `warnings` every warning) as one
 * line on stderr, "prefix: [warning: ]file: Kind/name: field: message". */
void krm_results_print(const krm_results *r, FILE *f, const char *prefix,
                       bool warnings);

/* Prints `s` and a newline with line breaks and tabs turned into spaces
 * and other control characters into \xNN, so one message is one line
 * whatever it quotes, and sends no terminal escapes. */
void krm_print_line(FILE *f, const char *s);

/* "<kind>/<name>" or "<kind>" for messages; arena string. */
const char *krm_describe(rn_arena *a, const rn_value *obj);
/* The string at a dotted path of the object, or NULL. */
const char *krm_str_at(const rn_value *obj, const char *dotted);
bool krm_is_mlflow(const rn_value *obj);

/* ---- settings ------------------------------------------------------------ */

typedef struct krm_settings {
    rn_mlflow_opts opts;
    bool keep_mlflow;
    const char *chart_dir; /* NULL: the chart compiled in */
} krm_settings;

/* Defaults: mlflowImage from $MLFLOW_IMAGE when set, the rest unset. */
void krm_settings_defaults(krm_settings *s);

/* Set one key ("mode", "httpRoute", ...) from a scalar. Returns 0, or -1
 * with a reason in `why` (unknown key, bad value). */
int krm_settings_set(rn_arena *a, krm_settings *s, const char *key,
                     const rn_value *val, char *why, size_t whylen);

/* Apply a functionConfig: ConfigMap data, an object's spec, or, for an
 * MLflow object (the generator form), its krmfn annotations. Problems
 * become error results on the functionConfig; returns their count. */
size_t krm_settings_from_config(rn_arena *a, krm_settings *s,
                                const rn_value *fncfg, krm_results *res);
/* Where `key` is set in a functionConfig ("data.chart", "spec.chart" or
 * the generator's annotation) or in an MLflow object (its annotation),
 * for a result's field.path; NULL when there is no functionConfig. */
const char *krm_settings_field(rn_arena *a, const rn_value *fncfg,
                               const char *key);
/* Overlay the krmfn annotations of one MLflow object. */
size_t krm_settings_from_annotations(rn_arena *a, krm_settings *s,
                                     const rn_value *obj, krm_results *res);

/* ---- run ---------------------------------------------------------------- */

typedef struct krm_shared krm_shared;

typedef struct krm_run {
    rn_arena *a;
    krm_results *res;
    const rn_chart *chart;
    /* Output, one document per object: items of a block sequence (the
     * function) or a "---" separated stream (`render`). */
    rn_buf *out;
    bool stream;
    size_t ndocs;
    /* Add config.kubernetes.io/path and index annotations to generated
     * objects, so kpt writes them to files named after the MLflow. */
    bool annotate;
    /* Objects several MLflow objects render (the shared ClusterRole),
     * emitted once. */
    krm_shared *shared;
    /* What generated objects claimed (annotate only): their paths, and
     * per instance directory ("dir/mlflow-x/") the instance. An earlier
     * run's output in the input is recognised by these and replaced. */
    rn_value *claimed_paths,
        *claimed_dirs; /* RN_LISTs of "path", "dir\tinstance" */
    bool claims_sorted;
    /* Names of the MLflow objects rendered so far: MLflow is
     * cluster-scoped, so a name twice would render the same objects
     * twice. RN_MAP name -> "Kind/name" of the first. */
    rn_value *rendered_names;
    /* `render --values`: print the Helm values each MLflow object maps
     * to (with the release and namespace), not the objects. */
    bool values_only;
    /* Where finished output goes as it is produced (NULL: it all stays
     * in `out`): bytes written so far, and whether a write failed. */
    FILE *sink;
    size_t flushed;
    bool sink_failed;
} krm_run;

/* Loads the chart of `s` (compiled in or s->chart_dir) into `a`. */
int krm_load_chart(rn_arena *a, const krm_settings *s, rn_chart **out,
                   rn_error *err);

void krm_run_init(krm_run *r, rn_arena *a, krm_results *res,
                  const rn_chart *chart, rn_buf *out, bool stream);
/* Pass one object through unchanged. An MLflow of another version, or a
 * List holding MLflow objects, gets a warning: neither is rendered. */
void krm_run_pass(krm_run *r, const rn_value *obj);
/* A `kind: List` (what `kubectl get -o yaml` prints) or a ResourceList:
 * its items, or NULL. */
const rn_value *krm_list_items(const rn_value *obj);
/* Render one MLflow object with `s` (overlaid with its own annotations)
 * and append its objects; on failure an error result and nothing
 * appended. Returns 0 or -1. `strip_fn` drops the function annotations
 * from a kept MLflow (generator form). */
int krm_run_mlflow(krm_run *r, const krm_settings *s, const rn_value *obj,
                   bool strip_fn);

/* What an input object is to this run's output (annotate only):
 *  EARLIER     an earlier rendering of an object this run generated:
 *              labelled managed-by krmfn, and in the same file, or in the
 *              instance's directory with its instance label. The function
 *              drops it (with an info result) so that rendering a kpt
 *              package again replaces its files instead of doubling them;
 *  FILE_TAKEN  a user's object in a file a generated object is written to:
 *              kept (a user's object is never dropped), with a warning;
 *  NONE        anything else. */
typedef enum krm_claim {
    KRM_CLAIM_NONE,
    KRM_CLAIM_EARLIER,
    KRM_CLAIM_FILE_TAKEN
} krm_claim;
krm_claim krm_run_claims(krm_run *r, const rn_value *obj);

/* The whole KRM function: the bytes of a ResourceList in; the output
 * ResourceList appended to `out` (nothing when the input is not a
 * ResourceList at all); one line per error on `errf` (NULL: none).
 * With a `sink`, output is written to it while items are produced and
 * `out` keeps only what was not written yet (the caller writes that);
 * *sink_failed says a write to it failed. Returns the exit status. */
int krm_function(const char *buf, size_t len, const char *chart_dir,
                 rn_buf *out, FILE *sink, bool *sink_failed, FILE *errf);

/* Appends one document to `out` as an item of a block sequence: "- "
 * before the first line, two spaces before the others. */
void krm_indent_item(rn_buf *out, const char *doc, size_t len);

#endif
