/*
 * metrics_auth.c — TokenReview + SubjectAccessReview for /metrics (see
 * metrics_auth.h).
 */
#include "metrics_auth.h"
#include "clock.h"
#include "xalloc.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct metrics_auth {
    kube_config *cfg;
    kube_client_opts co;
    kube_client *kc; /* made on the first review */
    log_ctx *log;
    metrics_auth_cache cache;
};

/* ---- pure helpers ---- */

const char *metrics_auth_bearer(const char *header, size_t *len)
{
    *len = 0;
    if (!header)
        return NULL;
    while (*header == ' ' || *header == '\t')
        header++;
    if (strncasecmp(header, "Bearer", 6) != 0 ||
        (header[6] != ' ' && header[6] != '\t'))
        return NULL;
    const char *t = header + 6;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strcspn(t, " \t\r\n");
    /* Anything after the token but blanks: not one bearer token. */
    const char *rest = t + n;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (n == 0 || *rest)
        return NULL;
    *len = n;
    return t;
}

json_t *metrics_auth_sar(const json_t *review_status, const char *path,
                         const char *verb)
{
    const json_t *user = json_object_get(review_status, "user");
    const char *name = json_string_value(json_object_get(user, "username"));
    if (!name || !*name)
        return NULL;
    json_t *spec = json_object();
    json_object_set_new(spec, "user", json_string(name));
    const char *uid = json_string_value(json_object_get(user, "uid"));
    if (uid && *uid)
        json_object_set_new(spec, "uid", json_string(uid));
    const json_t *groups = json_object_get(user, "groups");
    if (json_is_array(groups) && json_array_size(groups))
        json_object_set(spec, "groups", (json_t *)groups);
    const json_t *extra = json_object_get(user, "extra");
    if (json_is_object(extra) && json_object_size(extra))
        json_object_set(spec, "extra", (json_t *)extra);
    json_object_set_new(spec, "nonResourceAttributes",
                        json_pack("{s:s,s:s}", "path", path, "verb", verb));
    return json_pack("{s:s,s:s,s:o}", "apiVersion", "authorization.k8s.io/v1",
                     "kind", "SubjectAccessReview", "spec", spec);
}

int metrics_auth_cache_get(metrics_auth_cache *c, const unsigned char key[32],
                           long long now_ms)
{
    for (int i = 0; i < c->n; i++)
        if (memcmp(c->e[i].key, key, 32) == 0)
            return c->e[i].expires_ms > now_ms ? c->e[i].code : 0;
    return 0;
}

void metrics_auth_cache_put(metrics_auth_cache *c, const unsigned char key[32],
                            int code, long long now_ms)
{
    long long expires = now_ms + (code == 200 ? METRICS_AUTH_ALLOW_TTL_MS
                                              : METRICS_AUTH_DENY_TTL_MS);
    int slot = -1;
    for (int i = 0; i < c->n && slot < 0; i++)
        if (memcmp(c->e[i].key, key, 32) == 0)
            slot = i;
    if (slot < 0 && c->n == METRICS_AUTH_CACHE) {
        /* Drop what expired; when nothing did, the one closest to it. */
        int kept = 0;
        for (int i = 0; i < c->n; i++)
            if (c->e[i].expires_ms > now_ms)
                c->e[kept++] = c->e[i];
        c->n = kept;
        if (c->n == METRICS_AUTH_CACHE) {
            int first = 0;
            for (int i = 1; i < c->n; i++)
                if (c->e[i].expires_ms < c->e[first].expires_ms)
                    first = i;
            slot = first;
        }
    }
    if (slot < 0)
        slot = c->n++;
    memcpy(c->e[slot].key, key, 32);
    c->e[slot].code = code;
    c->e[slot].expires_ms = expires;
}

/* ---- the checker ---- */

metrics_auth *metrics_auth_new(kube_config *cfg, const kube_client_opts *co,
                               log_ctx *log)
{
    metrics_auth *a = rc_xcalloc(1, sizeof *a);
    a->cfg = cfg;
    a->co = *co;
    /* A scrape waits for the answer: fail fast instead of retrying. */
    a->co.max_attempts = 2;
    a->co.timeout_s = 5;
    a->log = log;
    return a;
}

void metrics_auth_free(metrics_auth *a)
{
    if (!a)
        return;
    kube_client_free(a->kc);
    explicit_bzero(&a->cache, sizeof a->cache);
    free(a);
}

/* POST a review; its status, or NULL (logged) when the API server did not
 * answer with one. */
static json_t *review(metrics_auth *a, const char *path, json_t *obj)
{
    if (!a->kc)
        a->kc = kube_client_new(a->cfg, &a->co);
    kube_err err;
    kube_err_clear(&err);
    json_t *out = NULL;
    if (kube_create(a->kc, path, obj, &out, &err) < 0) {
        log_msg(a->log, LOG_ERROR, NULL,
                "cannot check a scrape of /metrics: %s", err.e.msg);
        return NULL;
    }
    json_t *status = json_incref(json_object_get(out, "status"));
    json_decref(out);
    if (!status)
        log_msg(a->log, LOG_ERROR, NULL,
                "cannot check a scrape of /metrics: %s answered without a "
                "status",
                path);
    return status;
}

/* Ask the API server: 200, 401, 403, or 503 when it could not say. */
static int ask(metrics_auth *a, const char *token, size_t len, const char *path)
{
    json_t *tr = json_pack("{s:s,s:s,s:{s:s%}}", "apiVersion",
                           "authentication.k8s.io/v1", "kind", "TokenReview",
                           "spec", "token", token, len);
    json_t *st = review(a, "/apis/authentication.k8s.io/v1/tokenreviews", tr);
    /* The token sits in tr: wipe it before it is freed. */
    json_t *spec_tok = json_object_get(json_object_get(tr, "spec"), "token");
    if (spec_tok)
        explicit_bzero((char *)json_string_value(spec_tok),
                       json_string_length(spec_tok));
    json_decref(tr);
    if (!st)
        return 503;
    json_t *sar = json_is_true(json_object_get(st, "authenticated"))
                      ? metrics_auth_sar(st, path, "get")
                      : NULL;
    json_decref(st);
    if (!sar)
        return 401;
    st = review(a, "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar);
    json_decref(sar);
    if (!st)
        return 503;
    int code = json_is_true(json_object_get(st, "allowed")) ? 200 : 403;
    json_decref(st);
    return code;
}

int metrics_auth_check(metrics_auth *a, const char *authorization,
                       const char *path)
{
    size_t len;
    const char *token = metrics_auth_bearer(authorization, &len);
    if (!token)
        return 401;
    /* The path is part of the key: a token allowed one path is not
     * allowed another. */
    unsigned char key[32];
    unsigned int n = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, path, strlen(path) + 1);
    EVP_DigestUpdate(md, token, len);
    EVP_DigestFinal_ex(md, key, &n);
    EVP_MD_CTX_free(md);
    long long now = rc_now_ms();
    int code = metrics_auth_cache_get(&a->cache, key, now);
    if (code)
        return code;
    code = ask(a, token, len, path);
    if (code != 503)
        metrics_auth_cache_put(&a->cache, key, code, rc_now_ms());
    return code;
}
