/*
 * schema.h — JSON Schema validation of chart values (values.schema.json),
 * the subset charts use: type, enum, const, properties, required,
 * additionalProperties, patternProperties, items, min/max(Items, Length,
 * Properties), minimum/maximum (and exclusive), multipleOf, pattern,
 * anyOf/oneOf/allOf/not, and local $ref ("#/definitions/x", "#/$defs/x").
 * Helm refuses to render when the values do not validate; so do we, and
 * the message names every failing path ("replicaCount: got string, want
 * integer").
 */
#ifndef RN_SCHEMA_H
#define RN_SCHEMA_H

#include "arena.h"
#include "error.h"
#include "value.h"

int rn_schema_validate(rn_arena *a, const rn_value *schema,
                       const rn_value *values, rn_error *err);

#endif
