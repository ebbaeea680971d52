/*
 * funcs.h — the function library templates call: Sprig's functions that
 * charts use and Helm's own (toYaml, fromYaml, toJson, fromJson, required,
 * fail, lookup, ...). include and tpl live in the engine (tmpl.c) because
 * they execute templates. Every function matches its Go original's result
 * and its failure: where Sprig panics or Go refuses an argument type, the
 * function fails with a message naming itself.
 */
#ifndef RN_FUNCS_H
#define RN_FUNCS_H

#include "tmpl.h"

/* Sprig's functions (text, lists, dicts, math, encoding, regex, semver,
 * types) — terminated by {NULL}. */
extern const tmpl_func_def rn_funcs_sprig[];
/* Helm's functions on top of Sprig (toYaml, fromYaml, fromYamlArray,
 * toJson, fromJson, fromJsonArray, toToml?, required, fail, lookup). */
extern const tmpl_func_def rn_funcs_helm[];

/* Names of Helm's functions that krmfn does not have (NULL-terminated),
 * for tmpl_set_unsupported_funcs. */
extern const char *const rn_funcs_unsupported[];

/* Masterminds semver as Helm uses it outside templates: NewVersion
 * accepts `version`; NewConstraint(constraint).Check(version), false when
 * either does not parse (chartutil.IsCompatibleRange). */
bool rn_semver_valid(rn_arena *a, const char *version);
bool rn_semver_satisfies(rn_arena *a, const char *constraint,
                         const char *version);

#endif
