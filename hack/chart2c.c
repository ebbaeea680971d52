/*
 * chart2c.c — the chart compiled into the binaries: its files as byte
 * arrays and the chart the library loads from them, as C source
 * (render/chart_emit.h), so a process starts with its chart loaded.
 *
 * Usage: chart2c FILE... > chart_embed.c   (run in the chart's directory;
 * paths as the chart loader sees them: "templates/x.yaml").
 *
 * A chart that does not load is still embedded (its files only): the
 * binaries then load it when they run and report the loader's error.
 * Writes nothing else: the warnings go to stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_emit.h"
#include "cli.h"

int main(int argc, char **argv)
{
    rn_arena *a = rn_arena_new();
    size_t n = (size_t)argc - 1;
    rn_chart_file *files = rn_arena_alloc(a, sizeof *files * (n + 1));
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = cli_read_file(argv[i + 1], SIZE_MAX, &len);
        if (!data) {
            fprintf(stderr, "chart2c: %s: %s\n", argv[i + 1], strerror(errno));
            rn_arena_free(a);
            return 1;
        }
        files[i].path = argv[i + 1];
        files[i].data = rn_arena_strndup(a, data, len);
        files[i].len = len;
        free(data);
    }
    rn_error err;
    rn_error_clear(&err);
    rn_chart *c = NULL;
    if (rn_chart_load_files(a, files, n, &c, &err) < 0) {
        fprintf(stderr,
                "chart2c: warning: the chart does not load (%s); it is "
                "embedded as files only\n",
                err.msg);
        c = NULL;
        rn_error_clear(&err);
    }
    /* Without the loaded form the binaries still work, only slower (the
     * unit tests insist on it). */
    if (rn_chart_emit_c(stdout, files, n, c, &err) < 0)
        fprintf(stderr,
                "chart2c: warning: %s; the chart is embedded as files "
                "only\n",
                err.msg);
    rn_arena_free(a);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "chart2c: write error\n");
        return 1;
    }
    return 0;
}
