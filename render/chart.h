/*
 * chart.h — a Helm chart in memory, and `helm template` on it.
 *
 * A chart is loaded from a directory or from the copy compiled into the
 * binary. Rendering follows Helm v3 step by step: user values (-f files in
 * order, then --set) coalesced over the chart's values.yaml (a null deletes
 * a default), validated against values.schema.json, the built-in objects
 * (.Values .Release .Chart .Capabilities .Template .Files), every template
 * parsed deepest path first and executed, outputs split into documents,
 * partials, NOTES.txt and blank documents dropped, documents ordered by
 * Helm's install order of kinds, then printed as "---\n# Source: ...".
 *
 * Loading checks Chart.yaml as Helm's loader does (SemVer version, type,
 * name; a missing apiVersion is v1), loads the subcharts unpacked in
 * charts/ (packaged .tgz ones are refused) and refuses a library chart
 * at the top. Rendering processes the dependencies (conditions, tags,
 * aliases, globals; chart_deps.h), renders every enabled chart's
 * templates with its own .Values, .Chart and .Files (a library chart's
 * only define), and checks the top chart's kubeVersion against
 * .Capabilities.KubeVersion.
 */
#ifndef RN_CHART_H
#define RN_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "value.h"

typedef struct rn_chart_file {
    const char *path; /* relative to the chart root: "templates/x.yaml" */
    const char *data;
    size_t len;
} rn_chart_file;

typedef struct rn_chart {
    const char *name;   /* Chart.yaml name */
    rn_value *metadata; /* Chart.yaml */
    rn_value *values;   /* values.yaml (Helm number rules) */
    rn_value *schema;   /* values.schema.json or NULL */
    rn_chart_file *files;
    size_t nfiles;
    /* Every template, parsed once at load in Helm's order (deepest path
     * first), and the names in that order; renders only read them. */
    struct tmpl_set *templates;
    const char **template_names;
    size_t ntemplates;
    /* The charts in charts/ (unpacked directories), by directory name.
     * A chart with subcharts is compiled at render time instead (which
     * of them are enabled depends on the values): templates is NULL. */
    struct rn_chart **deps;
    size_t ndeps;
    /* Chart.yaml's kubeVersion (if any) admits the Kubernetes version
     * Helm assumes without --kube-version: known at load, so such renders
     * skip the check. */
    bool default_kube_ok;
} rn_chart;

/* Parses the chart's templates into c->templates (done by the loaders). */
int rn_chart_compile(rn_arena *a, rn_chart *c, rn_error *err);

/* A Chart.yaml scalar read into a Go string field of Helm's chart
 * metadata: sigs.k8s.io/yaml writes ints as ints and floats as float32s
 * ("1.20" is "1.2"), then, when `sanitized`,
 * Helm's sanitizeString (white space becomes ' ', unprintable runes go),
 * which Metadata.Validate applies to every field but the annotations.
 * NULL for a null, a list or a mapping. */
rn_value *rn_chart_string(rn_arena *a, const rn_value *v, bool sanitized);

/* The chart compiled into the binary (generated at build time by
 * hack/chart2c.c): its files, and the chart rn_chart_load_files makes of
 * them, already loaded (chart_emit.h), or NULL when they do not load. The
 * loaded chart is shared by every caller and only read. */
extern const rn_chart_file rn_embedded_chart[];
extern const size_t rn_embedded_chart_count;
extern rn_chart *const rn_embedded_chart_loaded;

/* A chart directory's files as Helm's loader reads them (.helmignore
 * applied, sorted by path), in the arena. */
int rn_chart_read_dir(rn_arena *a, const char *dir, rn_chart_file **files,
                      size_t *n, rn_error *err);
/* Whether the directory holds exactly `files` (the same paths after
 * .helmignore, the same bytes), reading each file once and keeping none. */
bool rn_chart_dir_holds(rn_arena *a, const char *dir,
                        const rn_chart_file *files, size_t n);
/* Loads a directory: a directory holding exactly the embedded chart's
 * files, byte for byte, gives the embedded chart's loaded form (the same
 * chart, without parsing it again). */
int rn_chart_load_dir(rn_arena *a, const char *dir, rn_chart **out,
                      rn_error *err);
int rn_chart_load_files(rn_arena *a, const rn_chart_file *files, size_t n,
                        rn_chart **out, rn_error *err);
int rn_chart_load_embedded(rn_arena *a, rn_chart **out, rn_error *err);

/* Helm's --set / --set-string parser (strvals.ParseInto): apply one
 * "a.b[0]=x,c=y" expression onto `values`. */
int rn_chart_set(rn_arena *a, rn_value *values, const char *expr,
                 bool as_string, rn_error *err);
/* Helm's --set-json parser (strvals.ParseJSON): "a.b[0]={...},c=1". */
int rn_chart_set_json(rn_arena *a, rn_value *values, const char *expr,
                      rn_error *err);
/* Deep merge of a -f values file over earlier ones (later wins). */
void rn_chart_merge_values(rn_arena *a, rn_value *dst, const rn_value *src);

typedef struct rn_release {
    const char *name;                /* "release-name" when helm gets none */
    const char *namespace;           /* "default" */
    bool is_upgrade;                 /* --is-upgrade */
    bool include_crds;               /* --include-crds: rn_rendered.crds */
    const char *service;             /* .Release.Service; NULL: "Helm" */
    const char *kube_version;        /* --kube-version, NULL: Helm's default */
    const char *const *api_versions; /* --api-versions, added to defaults */
    size_t n_api_versions;
    /* Also return each manifest as a value, read as YAML 1.2 the way
     * Kubernetes reads it (rn_manifest.object). */
    bool parse_objects;
    /* The clock and the local time zone templates may read (host.h);
     * NULL renders hermetically: `now` fails, Local is UTC. */
    const struct rn_host *host;
} rn_release;

/* A rendered manifest, in output order. */
typedef struct rn_manifest {
    const char *source;  /* "mlflow/templates/service.yaml" */
    const char *content; /* the document, trimmed */
    const char *kind;
    rn_value *object; /* with rn_release.parse_objects, else NULL */
} rn_manifest;

typedef struct rn_rendered {
    rn_manifest *items; /* manifests in install order, then hooks */
    size_t len;
    size_t n_hooks; /* the last n_hooks items are hooks */
    /* With rn_release.include_crds: the files of crds/ (.yaml, .yml,
     * .json) of the chart, then of its subcharts, as they are (content is
     * the whole file, not trimmed); helm prints them before the manifests. */
    rn_manifest *crds;
    size_t n_crds;
} rn_rendered;

/* Coalesce `user` over the chart values, validate, render. */
int rn_chart_render(rn_arena *a, const rn_chart *c, const rn_release *rel,
                    const rn_value *user, rn_rendered *out, rn_error *err);

/* What `helm template` prints for a rendering: the CRDs and manifests
 * (white space around them trimmed), then the hooks. */
void rn_chart_print(rn_buf *out, const rn_rendered *r);

#endif
