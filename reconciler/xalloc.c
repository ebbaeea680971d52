/*
 * xalloc.c — malloc and friends that abort instead of returning NULL.
 */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (!p) {
        fputs("reconciler: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *rc_xmalloc(size_t n)
{
    return check(malloc(n ? n : 1));
}

void *rc_xcalloc(size_t count, size_t size)
{
    return check(calloc(count ? count : 1, size ? size : 1));
}

void *rc_xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1));
}

char *rc_xstrdup(const char *s)
{
    return s ? check(strdup(s)) : NULL;
}

char *rc_xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}
