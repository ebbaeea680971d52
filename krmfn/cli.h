/*
 * cli.h — the subcommands of the krmfn executable. Each takes the
 * arguments after its own name and returns the process exit status. Output
 * is written only when the whole command succeeded, so a failure never
 * leaves half a manifest on stdout.
 */
#ifndef KRMFN_CLI_H
#define KRMFN_CLI_H

#define KRMFN_VERSION "0.1.0"

/* The man-page style help of `krmfn --help` (the function's). */
extern const char cmd_function_usage[];

int cmd_template(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_function(int argc, char **argv);

/* The machine as `krmfn template` lends it to a render (render/host.h):
 * TZ and ZONEINFO from the environment, the zone files. */
struct rn_host;
void cli_host(struct rn_host *h);

/* Reads a whole file ("-" is stdin) into a malloc'd buffer; NULL on error
 * with errno set. Refuses inputs larger than max_bytes (errno EFBIG). */
char *cli_read_file(const char *path, size_t max_bytes, size_t *len);

#endif
