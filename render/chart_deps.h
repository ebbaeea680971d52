/*
 * chart_deps.h — a chart's subcharts at render time (chart_deps.c): the
 * tree of the enabled ones, each under the name its parent gives it (an
 * alias, or its own), and Helm's coalescing of values down that tree.
 * Everything lives in the arena; nothing here is freed on its own.
 */
#ifndef RN_CHART_DEPS_H
#define RN_CHART_DEPS_H

#include <stdbool.h>

#include "chart.h"

typedef struct rn_dep {
    const rn_chart *chart;
    const char *name;     /* the alias, else the chart's name */
    const char *fullpath; /* "parent/charts/name": where its templates go */
    bool is_root;
    /* The Chart.yaml dependencies still enabled, aliases as names (what
     * .Chart.Dependencies lists); NULL when Chart.yaml has none. */
    rn_value *requirements;
    struct rn_dep **deps;
    size_t ndeps;
} rn_dep;

/* Which subcharts are enabled for the user's values (conditions, tags,
 * aliases; chartutil.ProcessDependencies). Fails when a Chart.yaml
 * dependency is missing from charts/, as helm does. */
int rn_deps_resolve(rn_arena *a, const rn_chart *root, const rn_value *user,
                    rn_dep **out, rn_error *err);

/* chartutil.CoalesceValues on `dest` (modified in place): the chart's
 * values.yaml under it, then every subchart's under dest[name], with the
 * parent's `global` merged into the subchart's. */
int rn_deps_coalesce(rn_arena *a, const rn_dep *d, rn_value *dest,
                     rn_error *err);

#endif
