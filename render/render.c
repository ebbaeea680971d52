/*
 * render.c — one MLflow object through the mapping and the chart, to a
 * list of Kubernetes objects. The manifests Helm would print are read back
 * as YAML 1.2 (as Kubernetes reads them), so what the operator applies and
 * what the function emits is exactly what `helm template` prints.
 */
#include "render.h"

#include "yaml.h"

int rn_render_mlflow(rn_arena *a, const rn_chart *c, const rn_value *cr,
                     const rn_mlflow_opts *o, rn_value **objects,
                     rn_value **warnings, rn_error *err)
{
    rn_value *values = NULL, *warns = NULL;
    const char *release = NULL, *ns = NULL;
    if (rn_mlflow_values(a, cr, o, &values, &warns, &release, &ns, err) < 0)
        return -1;
    const char *manager = o && o->managed_by && *o->managed_by
                              ? o->managed_by
                              : RN_MLFLOW_DEFAULT_MANAGER;
    rn_release rel = {.name = release,
                      .namespace = ns,
                      .service = manager,
                      .parse_objects = true};
    rn_rendered r;
    if (rn_chart_render(a, c, &rel, values, &r, err) < 0)
        return -1;
    rn_value *list = rn_list_new(a, r.len);
    for (size_t i = 0; i < r.len; i++) {
        rn_value *obj = r.items[i].object;
        if (obj && obj->kind == RN_MAP)
            rn_list_push(a, list, obj);
    }
    *objects = list;
    if (warnings)
        *warnings = warns ? warns : rn_list_new(a, 0);
    return 0;
}
