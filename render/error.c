/*
 * error.c — filling an rn_error; the first message set is kept.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void rn_error_clear(rn_error *e)
{
    if (!e)
        return;
    e->set = false;
    e->msg[0] = e->field[0] = e->file[0] = '\0';
    e->line = 0;
}

int rn_error_set(rn_error *e, const char *fmt, ...)
{
    if (!e || e->set)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->set = true;
    return -1;
}

void rn_error_prefix(rn_error *e, const char *fmt, ...)
{
    if (!e)
        return;
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[RN_ERROR_MAX];
    memcpy(old, e->msg, sizeof old);
    size_t n = strlen(prefix);
    if (n + 2 >= sizeof e->msg)
        n = sizeof e->msg - 3;
    memcpy(e->msg, prefix, n);
    memcpy(e->msg + n, ": ", 2);
    size_t room = sizeof e->msg - n - 3;
    size_t m = strnlen(old, room);
    memcpy(e->msg + n + 2, old, m);
    e->msg[n + 2 + m] = '\0';
    e->set = true;
}
