/*
 * log.c — JSON log lines with credential redaction (see log.h).
 */
#include "log.h"
#include "xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct log_ctx {
    FILE *out;
    log_level min;
    pthread_mutex_t mu;
};

static const char *const level_names[] = {"debug", "info", "warn", "error"};

log_ctx *log_new(FILE *out, log_level min)
{
    log_ctx *l = rc_xcalloc(1, sizeof *l);
    l->out = out;
    l->min = min;
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

void log_free(log_ctx *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->mu);
    free(l);
}

int log_level_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, level_names[i]) == 0)
            return i;
    if (strcasecmp(s, "warning") == 0)
        return LOG_WARN;
    return -1;
}

/* Characters that end a URI's authority part in free text. */
static bool ends_authority(char c)
{
    return c == '\0' || c == '/' || c == '?' || c == '#' || c == '"' ||
           c == '\'' || c == '<' || c == '>' || c == '`' ||
           isspace((unsigned char)c);
}

static bool is_scheme_char(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '-' || c == '.';
}

/* At in[i] == ':' followed by "//": if a scheme precedes it and the
 * authority holds user:password@, append the masked authority to out and
 * return the index after it; else return 0. */
static size_t redact_authority(const char *in, size_t i, char *out, size_t *o)
{
    if (i == 0 || !is_scheme_char(in[i - 1]))
        return 0;
    size_t start = i + 3, end = start, at = 0;
    bool have_at = false;
    while (!ends_authority(in[end])) {
        if (in[end] == '@') {
            at = end;
            have_at = true;
        }
        end++;
    }
    if (!have_at)
        return 0;
    const char *colon = memchr(in + start, ':', at - start);
    if (!colon)
        return 0;
    memcpy(out + *o, in + i, (size_t)(colon - (in + i)) + 1);
    *o += (size_t)(colon - (in + i)) + 1;
    memcpy(out + *o, "xxxxx", 5);
    *o += 5;
    memcpy(out + *o, in + at, end - at);
    *o += end - at;
    return end;
}

char *log_redact(const char *in)
{
    if (!in)
        return NULL;
    size_t n = strlen(in);
    /* Masking never grows a password below 5 bytes by more than 5. */
    char *out = rc_xmalloc(n * 2 + 16);
    size_t o = 0, i = 0;
    while (i < n) {
        if (in[i] == ':' && in[i + 1] == '/' && in[i + 2] == '/') {
            size_t next = redact_authority(in, i, out, &o);
            if (next) {
                i = next;
                continue;
            }
        }
        if (strncasecmp(in + i, "bearer ", 7) == 0 &&
            (i == 0 || !isalnum((unsigned char)in[i - 1]))) {
            memcpy(out + o, in + i, 7);
            o += 7;
            i += 7;
            size_t t = i;
            while (in[t] && !isspace((unsigned char)in[t]) && in[t] != '"')
                t++;
            if (t > i) {
                memcpy(out + o, "xxxxx", 5);
                o += 5;
                i = t;
            }
            continue;
        }
        out[o++] = in[i++];
    }
    out[o] = '\0';
    return out;
}

static void set_redacted(json_t *obj, const char *key, const char *s)
{
    char *r = log_redact(s);
    json_object_set_new(obj, key, json_string(r));
    free(r);
}

static void redact_fields(json_t *fields)
{
    const char *k;
    json_t *v;
    json_object_foreach(fields, k, v)
    {
        if (json_is_string(v)) {
            char *r = log_redact(json_string_value(v));
            json_string_set(v, r);
            free(r);
        }
    }
}

static void now_rfc3339(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void log_emit(log_ctx *l, log_level lvl, const char *mlflow,
                     json_t *fields, const char *fmt, va_list ap)
{
    if (!l || lvl < l->min) {
        json_decref(fields);
        return;
    }
    char msg[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    char ts[40];
    now_rfc3339(ts, sizeof ts);

    json_t *line = json_object();
    json_object_set_new(line, "ts", json_string(ts));
    json_object_set_new(line, "level", json_string(level_names[lvl]));
    set_redacted(line, "msg", msg);
    if (mlflow)
        json_object_set_new(line, "mlflow", json_string(mlflow));
    if (fields) {
        redact_fields(fields);
        json_object_update_missing(line, fields);
        json_decref(fields);
    }
    char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    if (!s)
        return;
    pthread_mutex_lock(&l->mu);
    fputs(s, l->out);
    fputc('\n', l->out);
    fflush(l->out);
    pthread_mutex_unlock(&l->mu);
    free(s);
}

void log_msg(log_ctx *l, log_level lvl, const char *mlflow, const char *fmt,
             ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(l, lvl, mlflow, NULL, fmt, ap);
    va_end(ap);
}

void log_fields(log_ctx *l, log_level lvl, const char *mlflow, json_t *fields,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(l, lvl, mlflow, fields, fmt, ap);
    va_end(ap);
}
