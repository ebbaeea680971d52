/*
 * yaml_directive.c — go-yaml v2's %YAML directive check (see the header).
 * Directives stand at the start of a line before the first document's
 * "---"; comments and blank lines may come between them.
 */
#include "yaml_directive.h"

#include <stdbool.h>
#include <string.h>

/* A run of digits as a number, capped so overlong runs stay wrong. */
static int number(const char **p, const char *end)
{
    int n = 0;
    bool any = false;
    while (*p < end && **p >= '0' && **p <= '9') {
        n = n < 1000 ? n * 10 + (**p - '0') : n;
        (*p)++;
        any = true;
    }
    return any ? n : -1;
}

const char *rn_yaml_v2_directive_error(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    bool seen = false;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *q = p;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == eol || *q == '#') {
            p = nl ? nl + 1 : end;
            continue;
        }
        if (*p != '%')
            return NULL;
        if ((size_t)(eol - p) > 5 && memcmp(p, "%YAML", 5) == 0 &&
            (p[5] == ' ' || p[5] == '\t')) {
            if (seen)
                return "found duplicate %YAML directive";
            seen = true;
            q = p + 5;
            while (q < eol && (*q == ' ' || *q == '\t'))
                q++;
            int major = number(&q, eol);
            int minor = q < eol && *q == '.' ? (q++, number(&q, eol)) : -1;
            /* A malformed version is the parser's to report. */
            if (major >= 0 && minor >= 0 && (major != 1 || minor != 1))
                return "found incompatible YAML document";
        }
        p = nl ? nl + 1 : end;
    }
    return NULL;
}
