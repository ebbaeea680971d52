/*
 * chart_embedded.c — the chart compiled into the binary, and directories
 * that hold it.
 *
 * The build loads the embedded chart once (hack/chart2c.c) and compiles
 * the loaded form in (rn_embedded_chart_loaded), so a process does not
 * parse its own chart again. A directory holding the same files, byte for
 * byte (`krmfn template mlflow charts/mlflow` in a checkout), loads to the
 * same chart, so it gets the loaded form too; any other directory is
 * loaded from its files. Kept apart from chart.c so that the build tool,
 * which links chart.c before the embedded chart exists, needs none of it.
 */
#include "chart.h"

int rn_chart_load_embedded(rn_arena *a, rn_chart **out, rn_error *err)
{
    if (rn_embedded_chart_loaded) {
        *out = rn_embedded_chart_loaded;
        return 0;
    }
    return rn_chart_load_files(a, rn_embedded_chart, rn_embedded_chart_count,
                               out, err);
}

int rn_chart_load_dir(rn_arena *a, const char *dir, rn_chart **out,
                      rn_error *err)
{
    if (rn_embedded_chart_loaded &&
        rn_chart_dir_holds(a, dir, rn_embedded_chart,
                           rn_embedded_chart_count)) {
        *out = rn_embedded_chart_loaded;
        return 0;
    }
    rn_chart_file *files;
    size_t n;
    if (rn_chart_read_dir(a, dir, &files, &n, err) < 0)
        return -1;
    return rn_chart_load_files(a, files, n, out, err);
}
