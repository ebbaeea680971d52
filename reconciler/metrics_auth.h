/*
 * metrics_auth.h — who may scrape /metrics, decided by the API server as
 * controller-runtime's WithAuthenticationAndAuthorization filter does:
 *
 *  1. the request's `Authorization: Bearer <token>` goes into a
 *     TokenReview (authentication.k8s.io/v1): not authenticated → 401;
 *  2. the user it names (name, uid, groups, extra) goes into a
 *     SubjectAccessReview (authorization.k8s.io/v1) for the non-resource
 *     URL: `get` on the path → allowed (200) or 403.
 *
 * Answers are cached by the SHA-256 of the token (never the token):
 * allowed for METRICS_AUTH_ALLOW_TTL_MS, refused (401 or 403) for
 * METRICS_AUTH_DENY_TTL_MS, at most METRICS_AUTH_CACHE entries, so a
 * Prometheus scraping every 30 s costs two API requests a minute. A review
 * that fails (the API server unreachable) is 503 and not cached.
 *
 * The operator's role needs `create` on tokenreviews and
 * subjectaccessreviews (config/rbac). One metrics_auth is used by one
 * thread (it owns one API connection).
 */
#ifndef RC_METRICS_AUTH_H
#define RC_METRICS_AUTH_H

#include <stdbool.h>

#include "kube_client.h"
#include "log.h"

struct json_t;

#define METRICS_AUTH_ALLOW_TTL_MS 60000LL
#define METRICS_AUTH_DENY_TTL_MS 30000LL
#define METRICS_AUTH_CACHE 64

/* ---- pure helpers (unit-tested) ---- */

/* The bearer token of an Authorization header value ("Bearer <token>",
 * scheme case-insensitive, spaces around the token ignored), or NULL when
 * the value is NULL or carries no bearer token. Points into `header`;
 * *len gets its length. */
const char *metrics_auth_bearer(const char *header, size_t *len);

/* The SubjectAccessReview asking whether the user of a TokenReview's
 * status (`status.user`: username, uid, groups, extra) may `verb` the
 * non-resource `path`. NULL when the status has no user name. */
struct json_t *metrics_auth_sar(const struct json_t *review_status,
                                const char *path, const char *verb);

/* The answer cache: keyed by a token's SHA-256, each entry an HTTP code
 * and when it expires. */
typedef struct metrics_auth_entry {
    unsigned char key[32];
    int code;
    long long expires_ms;
} metrics_auth_entry;

typedef struct metrics_auth_cache {
    metrics_auth_entry e[METRICS_AUTH_CACHE];
    int n;
} metrics_auth_cache;

/* The cached code for `key` at now_ms, or 0. */
int metrics_auth_cache_get(metrics_auth_cache *c, const unsigned char key[32],
                           long long now_ms);
/* Remember `code` (200: for the allow TTL; else the deny TTL); a full
 * cache drops its expired entries, then the one that expires first. */
void metrics_auth_cache_put(metrics_auth_cache *c, const unsigned char key[32],
                            int code, long long now_ms);

/* ---- the checker ---- */

typedef struct metrics_auth metrics_auth;

/* `cfg` and `log` are borrowed; `co` is copied (the API connection is made
 * on the first check). */
metrics_auth *metrics_auth_new(kube_config *cfg, const kube_client_opts *co,
                               log_ctx *log);
void metrics_auth_free(metrics_auth *a);

/* 200 when the bearer token in `authorization` (the header's value, or
 * NULL) may `get` `path`; 401, 403, or 503 when the API server could not
 * be asked. */
int metrics_auth_check(metrics_auth *a, const char *authorization,
                       const char *path);

#endif
