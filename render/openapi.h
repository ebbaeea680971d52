/*
 * openapi.h — checking an object against a CRD's structural schema
 * (openAPIV3Schema), as the API server does before it stores the object.
 *
 * A KRM function runs without an API server, so the renderer checks the
 * MLflow object against the CRD's own schema (see mlflow.c). The subset is
 * what structural schemas use: type (object, array, string, integer,
 * number, boolean), properties, additionalProperties (a schema or false),
 * items, required, enum, minimum/maximum, minLength/maxLength,
 * minItems/maxItems, pattern, format int32/int64, anyOf (integer|string),
 * nullable, x-kubernetes-int-or-string and
 * x-kubernetes-preserve-unknown-fields. Not evaluated: CEL rules
 * (x-kubernetes-validations), defaults, list and map types; the renderer
 * states the CEL rules in C.
 *
 * Two differences from the API server, both on purpose:
 *  - an unknown field (not in properties, no additionalProperties, no
 *    x-kubernetes-preserve-unknown-fields) is an error, as with
 *    `kubectl apply --validate=strict`, not silently pruned: a typo such as
 *    `replica:` must not render one replica without a word;
 *  - the first problem is reported, with its field path ("spec.env[0].name"),
 *    like every other error of the renderer.
 * A null field value counts as absent (the API server prunes it) unless the
 * field is nullable, where null is valid; a null list item needs nullable.
 *
 * Ownership: a compiled schema lives in the arena it was compiled into and
 * never changes, so threads may share it; it borrows the enum values of the
 * source tree, which must live in the same arena (or longer).
 */
#ifndef RN_OPENAPI_H
#define RN_OPENAPI_H

#include "arena.h"
#include "error.h"
#include "value.h"

typedef struct rn_openapi rn_openapi;

/* Compile `schema` (an openAPIV3Schema as a value tree). -1 with the
 * schema path in err when it uses something outside the subset in a way
 * that would change the result (an unknown type, a bad pattern). */
int rn_openapi_compile(rn_arena *a, const rn_value *schema, rn_openapi **out,
                       rn_error *err);

/* The schema of property `name` of an object schema, or NULL. */
const rn_openapi *rn_openapi_property(const rn_openapi *s, const char *name);

/* Check `v`, found at field path `path` ("spec"). 0 when valid; else -1,
 * err->msg is "<path>: <what is wrong>" and err->field the path. `a` holds
 * the message scratch. */
int rn_openapi_validate(rn_arena *a, const rn_openapi *s, const rn_value *v,
                        const char *path, rn_error *err);

/* A short rendering of a value for "got ..." in messages: 5, true, null,
 * "quoted text" (cut at 64 bytes), a list, an object. */
const char *rn_openapi_describe(rn_arena *a, const rn_value *v);

#endif
