/*
 * yaml_directive.h — the %YAML directive check of go-yaml v2, the reader
 * behind Helm's values files, Chart.yaml and fromYaml. It reads YAML 1.1
 * and refuses a document that declares another version; libfyaml reads
 * YAML 1.2 and would take it, so the check is made before parsing.
 */
#ifndef RN_YAML_DIRECTIVE_H
#define RN_YAML_DIRECTIVE_H

#include <stddef.h>

/* go-yaml v2's error for the directives that open the first document of
 * buf ("found incompatible YAML document", "found duplicate %YAML
 * directive"), or NULL when it has none to report. */
const char *rn_yaml_v2_directive_error(const char *buf, size_t len);

#endif
