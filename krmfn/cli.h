/*
 * cli.h — the subcommands of the krmfn executable. Each takes the
 * arguments after its own name and returns the process exit status. Output
 * is written only when the whole command succeeded, so a failure never
 * leaves half a manifest on stdout.
 */
#ifndef KRMFN_CLI_H
#define KRMFN_CLI_H

#include <stdint.h>

#define KRMFN_VERSION "0.1.0"

/* The man-page style help of `krmfn --help` (the function's). */
extern const char cmd_function_usage[];

int cmd_template(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_function(int argc, char **argv);

/* The machine as `krmfn template` lends it to a render (render/host.h):
 * the clock (its monotonic reading counts from this call), TZ and
 * ZONEINFO from the environment, the zone files. `clock` must outlive
 * the render. */
typedef struct cli_clock {
    int64_t start_ns; /* CLOCK_MONOTONIC when the host was set up */
} cli_clock;
struct rn_host;
void cli_host(struct rn_host *h, cli_clock *clock);

/* Reads a whole file ("-" is stdin) into a malloc'd buffer; NULL on error
 * with errno set. Refuses inputs larger than max_bytes (errno EFBIG). */
char *cli_read_file(const char *path, size_t max_bytes, size_t *len);

#endif
