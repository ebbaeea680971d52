/*
 * regex_cache.h — compiled PCRE2 patterns shared by the whole process.
 *
 * A chart renders the same patterns again and again (the semver checks of
 * kubeVersion and semverCompare, a values schema's patterns, a template's
 * regexMatch): compiling one costs more than matching it many times. A
 * compiled pattern is read-only while matching, so threads share it; each
 * match brings its own match data.
 */
#ifndef RN_REGEX_CACHE_H
#define RN_REGEX_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* pcre2_compile through the cache: the pattern compiled with these options
 * earlier, or compiled now. *owned says whether the caller must free the
 * code (the cache is full, or the pattern too long to keep); NULL on a
 * compile error, with PCRE2's error code and offset. */
pcre2_code *rn_regex_compile(const char *pat, size_t len, uint32_t options,
                             int *errcode, PCRE2_SIZE *erroffset, bool *owned);

#endif
