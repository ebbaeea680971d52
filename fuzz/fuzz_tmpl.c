/*
 * fuzz_tmpl.c — libFuzzer target over the template engine: the input is
 * parsed as a template (with Sprig's functions) and, when it parses,
 * executed against a small values tree. Errors are fine; crashes, leaks
 * and undefined behaviour are not.
 */
#include <stdint.h>
#include <string.h>

#include "funcs.h"
#include "tmpl.h"
#include "yaml.h"

static const char data_yaml[] = "Values:\n"
                                "  name: mlflow\n"
                                "  replicas: 2\n"
                                "  ratio: 0.5\n"
                                "  on: true\n"
                                "  list: [a, b, c]\n"
                                "  map: {x: 1, y: [1, 2], z: {deep: null}}\n"
                                "Release: {Name: rel, Namespace: ns}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_value *dot = NULL;
    if (rn_yaml_parse(a, data_yaml, sizeof data_yaml - 1, "data", RN_YAML_HELM,
                      NULL, &dot, &err) == 0) {
        tmpl_set *s = tmpl_set_new(a);
        tmpl_set_add_funcs(s, rn_funcs_sprig);
        rn_buf out = RN_BUF_INIT;
        if (tmpl_parse(s, "t", (const char *)data, size, &err) == 0)
            tmpl_execute(s, "t", dot, &out, &err);
        rn_buf_free(&out);
    }
    rn_arena_free(a);
    return 0;
}
