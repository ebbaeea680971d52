/*
 * cmd_function.c — krmfn as a KRM function (ResourceList in, out) and the
 * plain `render` command.
 */
#include <stdio.h>

#include "cli.h"

int cmd_render(int argc, char **argv)
{
    fputs("krmfn render: not available in this build\n", stderr);
    return 2;
}

int cmd_function(int argc, char **argv)
{
    fputs("krmfn: KRM function mode is not available in this build\n",
          stderr);
    return 2;
}
