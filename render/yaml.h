/*
 * yaml.h — YAML in and out of the value tree.
 *
 * Reading is built on libfyaml (structure, anchors, positions); scalars are
 * resolved by librender itself, because the two readers Go users meet
 * resolve differently:
 *
 *  RN_YAML_HELM  — what Helm does to values files and fromYaml: YAML 1.1
 *                  scalars as go-yaml v2 resolves them (yes/no/on/off are
 *                  bools, 0o17/017 octal, 1_000, .inf, base-60 ints), then
 *                  through JSON as sigs.k8s.io/yaml does: every number is a
 *                  float64, non-string keys become strings, timestamps stay
 *                  strings.
 *  RN_YAML_CORE  — YAML 1.2 core schema as Kubernetes tooling (kyaml,
 *                  yaml.v3) reads objects: ints stay int64, yes/no stay
 *                  strings. Used for MLflow objects and ResourceLists.
 *
 * Limits guard the readers against hostile input: total size, nesting
 * depth and alias expansion (in nodes and in bytes) are bounded and
 * exceeding them is an error with the position.
 *
 * Keeping the source (keep_source): a reader of objects that only pass
 * through (a KRM ResourceList) keeps, on each scalar, how it was written —
 * plain or quoted, the text of numbers, booleans and nulls, tags — and
 * rn_yaml_emit_doc() prints it so. Values keep their meaning, with one
 * exception: a !!binary scalar keeps its base64 text instead of being
 * decoded. Plain strings and canonical numbers cost one flag and no bytes.
 *
 * Writing: rn_yaml_emit_helm() prints exactly what Helm's toYaml prints
 * (sigs.k8s.io/yaml.Marshal: sorted keys, go-yaml v2 quoting, literal block
 * scalars for multi-line strings, 80-column folding of long plain/quoted
 * scalars, 2-space indentation, list items not indented under their key),
 * without the trailing newline that toYaml trims.
 */
#ifndef RN_YAML_H
#define RN_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "value.h"

typedef enum rn_yaml_mode { RN_YAML_HELM, RN_YAML_CORE } rn_yaml_mode;

typedef struct rn_yaml_limits {
    size_t max_bytes; /* 0: default 64 MiB */
    int max_depth;    /* 0: default 256 */
    size_t max_nodes; /* 0: default 4 Mi nodes after alias expansion */
    /* Bytes of strings and keys that aliases may copy in all; 0: the
     * input limit (max_bytes or its default). */
    size_t max_alias_bytes;
    bool keep_source; /* keep how scalars were written (see above) */
} rn_yaml_limits;

/* One document. An empty document gives RN_NULL. More than one document is
 * an error. `name` is used in error messages ("values.yaml:3:5: ..."). */
/* (RN_YAML_HELM reads only the first document and ignores the rest, as
 * Helm's yaml.Unmarshal does.) With lim NULL, plain block YAML is read by
 * the reader of yaml_head.h, which gives the same value; pass limits (all
 * zero: the defaults) to have libfyaml read it. */
int rn_yaml_parse(rn_arena *a, const char *buf, size_t len, const char *name,
                  rn_yaml_mode mode, const rn_yaml_limits *lim, rn_value **out,
                  rn_error *err);

/* A stream: an RN_LIST with one item per document (empty documents are
 * kept as RN_NULL so positions stay meaningful). */
int rn_yaml_parse_stream(rn_arena *a, const char *buf, size_t len,
                         const char *name, rn_yaml_mode mode,
                         const rn_yaml_limits *lim, rn_value **out,
                         rn_error *err);

/* Helm's toYaml (no trailing newline). Returns -1 only for values YAML
 * cannot hold (a native function), where Helm's toYaml prints "". */
int rn_yaml_emit_helm(rn_buf *out, const rn_value *v);

/* Helm's toYamlPretty (go-yaml v3's Encoder with SetIndent(2) on the value
 * itself; no trailing newline): list items indented under their key, no
 * folding, v3's quoting and number forms (see yaml_emit.c). A string with
 * RN_F_SRC_TEXT is written as its u.src text, plain (a time.Time). Returns
 * -1 for values it cannot hold (a native function). */
int rn_yaml_emit_pretty(rn_buf *out, const rn_value *v);

/* A manifest document as Kubernetes tools print it (yaml.v3 style, keys in
 * insertion order, 2-space indentation, sequences not indented), ending
 * with a newline. Used for krmfn output. */
int rn_yaml_emit_doc(rn_buf *out, const rn_value *v);

#endif
