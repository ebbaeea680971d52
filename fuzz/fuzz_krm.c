/*
 * fuzz_krm.c — libFuzzer target over the whole KRM function: the bytes of
 * stdin in, the ResourceList out (krm_function, what `krmfn` runs between
 * reading stdin and writing stdout). Any input must end in an exit status
 * of 0 or 1 and, when something was written, a ResourceList.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The function reads a NUL-terminated copy, as cli_read_file gives. */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    rn_buf out = RN_BUF_INIT;
    int rc = krm_function(buf, size, NULL, &out, NULL, NULL, NULL);
    if (rc != 0 && rc != 1)
        abort();
    if (out.len &&
        strncmp(out.data,
                "apiVersion: " KRM_API_VERSION "\nkind: ResourceList\n",
                44) != 0)
        abort();
    rn_buf_free(&out);
    free(buf);
    return 0;
}
