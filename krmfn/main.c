/*
 * main.c — krmfn: the MLflow renderer as a KRM function and as a CLI.
 *
 *   krmfn                 KRM function: ResourceList on stdin, on stdout
 *   krmfn template ...    what `helm template` prints for the same args
 *   krmfn render ...      MLflow objects (plain YAML) to manifests
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "krmfn — render MLflow objects into Kubernetes manifests\n"
    "\n"
    "Usage:\n"
    "  krmfn [--chart DIR] < resourcelist.yaml   run as a KRM function\n"
    "  krmfn template [NAME] [CHART] [flags]       like `helm template`\n"
    "  krmfn render [FILE...] [flags]              MLflow YAML to manifests\n"
    "  krmfn --help | --version\n"
    "\n"
    "Run `krmfn <command> --help` for a command's flags.\n";

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const char *cmd = argv[1];
        if (strcmp(cmd, "template") == 0)
            return cmd_template(argc - 2, argv + 2);
        if (strcmp(cmd, "render") == 0)
            return cmd_render(argc - 2, argv + 2);
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
            strcmp(cmd, "help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
            printf("krmfn %s\n", KRMFN_VERSION);
            return 0;
        }
    }
    return cmd_function(argc - 1, argv + 1);
}
