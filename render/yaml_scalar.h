/*
 * yaml_scalar.h — how go-yaml decides what a plain scalar is, shared by the
 * YAML reader (to build values) and the writer (to know when a string must
 * be quoted to stay a string). Internal to librender.
 */
#ifndef RN_YAML_SCALAR_H
#define RN_YAML_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum rn_yaml_schema {
    RN_YAML_V2, /* go-yaml v2: YAML 1.1 booleans (yes/no/on/off/y/n) */
    RN_YAML_V3, /* yaml.v3: true/false only */
} rn_yaml_schema;

typedef enum rn_ys_kind {
    RN_YS_STR,
    RN_YS_NULL,
    RN_YS_BOOL,
    RN_YS_INT,  /* fits int64 */
    RN_YS_UINT, /* above int64, fits uint64 */
    RN_YS_FLOAT,
    RN_YS_TIMESTAMP, /* stays a string when decoded into interface{} */
} rn_ys_kind;

typedef struct rn_yaml_scalar {
    rn_ys_kind kind;
    bool b;
    int64_t i;
    uint64_t u;
    double f;
} rn_yaml_scalar;

/* go-yaml's resolve("", s) for an untagged plain scalar. */
void rn_yaml_resolve(const char *s, size_t n, rn_yaml_schema schema,
                     bool try_timestamp, rn_yaml_scalar *out);

/* The value of a resolved scalar whose text is text[0..len): as yaml.v3
 * gives it, or (helm) as Helm's reading through JSON does, where every
 * number is a float64. Timestamps stay strings. */
struct rn_value;
struct rn_value *rn_yaml_scalar_value(rn_arena *a, const rn_yaml_scalar *sc,
                                      const char *text, size_t len, bool helm);

/* go-yaml v2's isBase60Float (such strings are quoted on output). */
bool rn_yaml_is_base60_float(const char *s, size_t n);

/* A float mapping key as a string: sigs.k8s.io/yaml formats it with
 * strconv.FormatFloat(f, 'g', -1, 32) and spells infinities .inf (helm);
 * otherwise the float64 shortest form. */
void rn_yaml_key_float(rn_buf *b, double f, bool helm);

/* Decodes one UTF-8 sequence (strict: no overlongs, surrogates or values
 * above U+10FFFF); returns its length, or 0 when invalid. */
int rn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
