/*
 * render.h — the entry point the front ends share: MLflow objects in,
 * Kubernetes objects out. Pure: no I/O, no globals; the same input gives
 * the same bytes. krmfn and the reconciler both call rn_render_mlflow.
 */
#ifndef RN_RENDER_H
#define RN_RENDER_H

#include "chart.h"
#include "mlflow.h"

/* Render one MLflow object (a map read with RN_YAML_CORE) through chart
 * `c`. On success *objects is an RN_LIST of object maps in Helm's order
 * and *warnings an RN_LIST of strings (possibly empty). On failure err
 * names the problem and, for spec errors, err->field the field path;
 * nothing is returned. */
int rn_render_mlflow(rn_arena *a, const rn_chart *c, const rn_value *cr,
                     const rn_mlflow_opts *o, rn_value **objects,
                     rn_value **warnings, rn_error *err);

#endif
