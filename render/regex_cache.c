/*
 * regex_cache.c — see regex_cache.h. A small fixed table under a mutex:
 * the patterns a process meets are few; past the table's size a pattern is
 * compiled for its caller alone, as if there were no cache.
 */
#include "regex_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_SLOTS = 64, CACHE_MAX_PATTERN = 1024 };

static struct {
    pthread_mutex_t mu;
    size_t n;
    struct {
        char *pat;
        size_t len;
        uint32_t options;
        pcre2_code *code;
    } slot[CACHE_SLOTS];
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static pcre2_code *lookup(const char *pat, size_t len, uint32_t options)
{
    for (size_t i = 0; i < cache.n; i++)
        if (cache.slot[i].len == len && cache.slot[i].options == options &&
            memcmp(cache.slot[i].pat, pat, len) == 0)
            return cache.slot[i].code;
    return NULL;
}

pcre2_code *rn_regex_compile(const char *pat, size_t len, uint32_t options,
                             int *errcode, PCRE2_SIZE *erroffset, bool *owned)
{
    *owned = false;
    pthread_mutex_lock(&cache.mu);
    pcre2_code *code = lookup(pat, len, options);
    pthread_mutex_unlock(&cache.mu);
    if (code)
        return code;
    code =
        pcre2_compile((PCRE2_SPTR)pat, len, options, errcode, erroffset, NULL);
    if (!code)
        return NULL;
    char *copy = len <= CACHE_MAX_PATTERN ? malloc(len + 1) : NULL;
    pthread_mutex_lock(&cache.mu);
    pcre2_code *have = lookup(pat, len, options);
    if (have) { /* another thread kept the same pattern meanwhile */
        pthread_mutex_unlock(&cache.mu);
        pcre2_code_free(code);
        free(copy);
        return have;
    }
    if (copy && cache.n < CACHE_SLOTS) {
        memcpy(copy, pat, len);
        copy[len] = '\0';
        cache.slot[cache.n].pat = copy;
        cache.slot[cache.n].len = len;
        cache.slot[cache.n].options = options;
        cache.slot[cache.n].code = code;
        cache.n++;
        copy = NULL;
    } else {
        *owned = true;
    }
    pthread_mutex_unlock(&cache.mu);
    free(copy);
    return code;
}
