/*
 * error.h — how librender reports a failure.
 *
 * Functions that can fail return int: 0 on success, -1 on failure, and fill
 * the caller's rn_error with one human sentence that says what went wrong,
 * where (template file:line, values file:line, or a field path such as
 * spec.storage.resources) and, where it helps, what to do. The first error
 * set wins; later calls to rn_error_set on a set error are ignored, so the
 * innermost, most precise message survives unwinding.
 */
#ifndef RN_ERROR_H
#define RN_ERROR_H

#include <stdbool.h>

#define RN_ERROR_MAX 2048

typedef struct rn_error {
    bool set;
    char msg[RN_ERROR_MAX];
    /* Optional structured location, for KRM results; "" when unknown. */
    char field[256]; /* e.g. "spec.backendStoreUriFrom" */
    char file[256];  /* e.g. "templates/deployment.yaml" */
    int line;        /* 1-based, 0 when unknown */
} rn_error;

void rn_error_clear(rn_error *e);
/* Always returns -1 so callers can `return rn_error_set(...)`. */
int rn_error_set(rn_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an already set message: "<prefix>: <old message>". */
void rn_error_prefix(rn_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
