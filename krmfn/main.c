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
            fputs(cmd_function_usage, stdout);
            return 0;
        }
        if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
            printf("krmfn %s\n", KRMFN_VERSION);
            return 0;
        }
    }
    return cmd_function(argc - 1, argv + 1);
}
