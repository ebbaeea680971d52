/*
 * xalloc.h — allocation for the operator's long-lived state: a failed
 * allocation aborts the process (the Deployment restarts it), so callers
 * never carry a half-built object around.
 */
#ifndef RC_XALLOC_H
#define RC_XALLOC_H

#include <stddef.h>

void *rc_xmalloc(size_t n);
void *rc_xcalloc(size_t count, size_t size);
void *rc_xrealloc(void *p, size_t n);
/* NULL in, NULL out. */
char *rc_xstrdup(const char *s);
char *rc_xstrndup(const char *s, size_t n);

#endif
