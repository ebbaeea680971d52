/*
 * crd2json.c — the schema of a CRD version as one line of JSON, for the
 * library to embed: reading JSON at run time costs a tenth of reading the
 * CRD's YAML, and every `krmfn` process checks MLflow objects against it.
 *
 * Usage: crd2json CRD.yaml VERSION > schema.json
 * Prints spec.versions[name=VERSION].schema.openAPIV3Schema, or fails
 * naming what is missing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "json.h"
#include "yaml.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: crd2json CRD.yaml VERSION > schema.json\n");
        return 2;
    }
    size_t len;
    char *text = cli_read_file(argv[1], SIZE_MAX, &len);
    if (!text) {
        fprintf(stderr, "crd2json: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_value *crd = NULL;
    const rn_value *schema = NULL;
    int rc = 1;
    if (rn_yaml_parse(a, text, len, argv[1], RN_YAML_CORE, NULL, &crd, &err) <
        0) {
        fprintf(stderr, "crd2json: %s\n", err.msg);
        goto out;
    }
    const rn_value *versions = rn_value_at(crd, "spec.versions");
    for (size_t i = 0; versions && versions->kind == RN_LIST &&
                       i < versions->u.list.len && !schema;
         i++) {
        const rn_value *name = rn_value_at(versions->u.list.items[i], "name");
        if (name && name->kind == RN_STRING &&
            strcmp(name->u.s.ptr, argv[2]) == 0)
            schema = rn_value_at(versions->u.list.items[i],
                                 "schema.openAPIV3Schema");
    }
    if (!schema || schema->kind != RN_MAP) {
        fprintf(stderr,
                "crd2json: %s: no schema.openAPIV3Schema for version %s\n",
                argv[1], argv[2]);
        goto out;
    }
    rn_buf b = RN_BUF_INIT;
    if (rn_json_emit_go(&b, schema, NULL) < 0) {
        fprintf(stderr, "crd2json: %s: the schema cannot be written as JSON\n",
                argv[1]);
    } else if (fwrite(b.data, 1, b.len, stdout) == b.len &&
               fputc('\n', stdout) != EOF && fflush(stdout) == 0) {
        rc = 0;
    }
    rn_buf_free(&b);
out:
    rn_arena_free(a);
    free(text);
    return rc;
}
