/*
 * json.h — JSON in and out of the value tree (jansson underneath).
 *
 * rn_json_parse reads RFC 8259 JSON; integers that fit int64 stay RN_INT
 * unless `helm_numbers` asks for Go's json.Unmarshal into interface{}
 * (every number a float64), which is what Helm's fromJson does.
 *
 * rn_json_emit_go prints exactly what Go's encoding/json.Marshal prints:
 * sorted map keys, no spaces, <, > and & escaped as \u003c \u003e \u0026,
 * U+2028/2029 escaped, float64 in Go's format (1e+21, 1e-07, 0.000001).
 */
#ifndef RN_JSON_H
#define RN_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "value.h"

int rn_json_parse(rn_arena *a, const char *buf, size_t len, const char *name,
                  bool helm_numbers, rn_value **out, rn_error *err);

/* The syntax error Go's json.Unmarshal reports for buf ("unexpected end
 * of JSON input", "invalid character 'x' looking for beginning of
 * value"), or NULL when buf is valid JSON. */
const char *rn_json_check(rn_arena *a, const char *buf, size_t len);

/* Go's json.Marshal; -1 for a value JSON cannot hold (a native function,
 * NaN, a Go type whose MarshalJSON fails), with encoding/json's message in
 * err when err is not NULL ("json: unsupported value: NaN"). */
int rn_json_emit_go(rn_buf *out, const rn_value *v, rn_error *err);

/* A value of a Go type whose MarshalJSON fails has a "MarshalJSON" method
 * of nil and its error text under this method name, which no template
 * can write. */
#define RN_JSON_ERROR_METHOD "MarshalJSON error"

/* Convert to/from jansson (for the Kubernetes client). The returned json_t
 * is a new reference the caller owns. */
struct json_t;
struct json_t *rn_json_to_jansson(const rn_value *v);
rn_value *rn_json_from_jansson(rn_arena *a, const struct json_t *j);

#endif
