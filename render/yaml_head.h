/*
 * yaml_head.h — the head of a rendered manifest (kind, the helm.sh/hook
 * annotation) read without the YAML parser, for the block YAML charts
 * render.
 *
 * Helm reads every rendered document to sort it by kind and to find its
 * hooks; that reading is what says a document is not YAML. Most documents
 * are simple block YAML: mappings and sequences by indentation, plain,
 * quoted and block scalars, comments. This reader accepts only such
 * documents and only when it is sure the YAML reader (yaml.h,
 * RN_YAML_HELM) reads them without an error and gives the same head;
 * anything else — flow collections other than {} and [], anchors, tags,
 * escapes, multi-line plain or quoted scalars, tabs, non-ASCII bytes, a
 * duplicated head key, a head field of an unusual type — is "not sure",
 * and the caller reads the document with the YAML reader, which then also
 * gives the error message.
 */
#ifndef RN_YAML_HEAD_H
#define RN_YAML_HEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "yaml.h"

typedef struct rn_yaml_head {
    const char *kind; /* "" when the document has no kind */
    const char *hook; /* metadata.annotations["helm.sh/hook"], or NULL */
} rn_yaml_head;

/* 1: the document is valid and *h holds its head (strings in the arena);
 * 0: not sure — read the document with rn_yaml_parse. */
int rn_yaml_head_read(rn_arena *a, const char *doc, size_t len,
                      rn_yaml_head *h);

/* The same reader building the document's value: 1 and *out (a mapping,
 * in the arena) equal to what rn_yaml_parse gives in `mode`; 0: not
 * sure — read it with the YAML reader. Literal block scalars are built,
 * folded ones are not. rn_yaml_parse itself tries it first when it is
 * given no limits. */
struct rn_value;
int rn_yaml_fast_parse(rn_arena *a, const char *doc, size_t len,
                       rn_yaml_mode mode, struct rn_value **out);

#endif
