/*
 * chart_emit.h — a chart written out as C source, for the copy compiled
 * into the binaries (hack/chart2c.c runs it at build time).
 *
 * The source holds the chart's files as byte arrays (rn_embedded_chart)
 * and, when the chart loads, everything rn_chart_load_files made of them —
 * Chart.yaml's metadata, the values.yaml and values.schema.json trees, the
 * parsed templates and the function table — as static initializers
 * (rn_embedded_chart_loaded): a process starts with the chart already
 * loaded, with no lexing, parsing or YAML reading.
 *
 * The written objects are the loader's, pointer for pointer: every object
 * reachable from the chart becomes one static object, shared where the
 * loader shared it, and a string that points into a template's text points
 * into the file's bytes at the same offset. The objects are read-only in
 * spirit (renders only read a chart) but not `const`, because the engine's
 * types are not. A chart that does not load is written without its loaded
 * form (rn_embedded_chart_loaded is NULL): the binary then loads the files
 * when it runs and reports the loader's error, as for any chart.
 */
#ifndef RN_CHART_EMIT_H
#define RN_CHART_EMIT_H

#include <stdio.h>

#include "chart.h"

/* Writes the C source for `files` (paths relative to the chart root) and
 * for `c`, the chart rn_chart_load_files made of exactly these files (NULL
 * when it failed). Returns 0, or -1 with err set when the chart holds
 * something this writer does not know how to write: the source is then
 * complete without the loaded form. */
int rn_chart_emit_c(FILE *out, const rn_chart_file *files, size_t n,
                    const rn_chart *c, rn_error *err);

#endif
