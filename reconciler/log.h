/*
 * log.h — the operator's structured log: one JSON object per line on a
 * stream (stderr in production), written through jansson.
 *
 * Every line carries "ts" (RFC 3339, UTC, milliseconds), "level" and "msg",
 * and "mlflow" when the line is about one MLflow object. Every string that
 * goes out (the message and string fields) passes through log_redact first,
 * so a database URI with user:password or a bearer token never reaches the
 * log. Safe to call from several threads; lines never interleave.
 */
#ifndef RC_LOG_H
#define RC_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct json_t;

typedef enum log_level {
    LOG_DEBUG = 0,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
} log_level;

typedef struct log_ctx log_ctx;

log_ctx *log_new(FILE *out, log_level min);
void log_free(log_ctx *l);
/* "debug", "info", "warn"/"warning", "error"; -1 for anything else. */
int log_level_parse(const char *s);

void log_msg(log_ctx *l, log_level lvl, const char *mlflow, const char *fmt,
             ...) __attribute__((format(printf, 4, 5)));
/* As log_msg, plus the members of `fields` (an object; the reference is
 * taken, NULL allowed). */
void log_fields(log_ctx *l, log_level lvl, const char *mlflow,
                struct json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Copy `in` with credentials masked: the password of every
 * scheme://user:password@host becomes "xxxxx" (as Go's url.Redacted
 * prints it), and the word after "Bearer " becomes "xxxxx". Returns a
 * malloc'd string (NULL only if `in` is NULL). */
char *log_redact(const char *in);

#endif
