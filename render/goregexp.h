/*
 * goregexp.h — Go's regular expression syntax, for a PCRE2 matcher.
 *
 * Sprig's regex* functions take Go's regexp syntax (RE2's), which is not
 * PCRE's: Go refuses lookarounds, backreferences, possessive and stacked
 * quantifiers, \Z, \C, \h, \R, \K, (?x), (?|...), its \s leaves out \v,
 * its \v is the vertical tab only, `$` without (?m) is the end of the text,
 * and [\d-z] is \d, '-' and 'z'. rn_goregexp_translate parses a pattern
 * the way Go's regexp.Compile does (regexp/syntax with the Perl flags), so
 * it refuses what Go refuses, first error first, in Go's words, and
 * otherwise writes a PCRE2 pattern (for PCRE2_UTF) with the same meaning:
 * every rune escaped, every class spelled out, anchors and flags made
 * explicit, so no PCRE2 default or extension is ever in play.
 *
 * Limits are PCRE2's, not Go's: Go's "expression too large" and
 * "expression nests too deeply" are not reproduced, and a pattern Go takes
 * may still be too large for PCRE2 (thousands of repeated classes) or nest
 * too deeply for it (hundreds of groups); the rewritten pattern then fails
 * to compile with PCRE2's message. Under (?i), \p classes fold as Go's
 * only approximately (see goregexp.c).
 */
#ifndef RN_GOREGEXP_H
#define RN_GOREGEXP_H

#include <stddef.h>

#include "arena.h"

typedef struct rn_goregexp {
    const char *pcre; /* the PCRE2 pattern, NUL-terminated (arena) */
    size_t len;
    int groups;         /* capturing groups, numbered 1..groups as in Go */
    const char **names; /* names[i]: group i's name, NULL if unnamed */
} rn_goregexp;

/* Parse pat[0..len) as Go's regexp.Compile does. Returns 0 with *out
 * filled in, or -1 with *err set to Go's error text ("error parsing
 * regexp: missing closing ): `a(b`"). Everything lives in the arena. */
int rn_goregexp_translate(rn_arena *a, const char *pat, size_t len,
                          rn_goregexp *out, const char **err);

#endif
