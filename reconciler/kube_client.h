/*
 * kube_client.h — a Kubernetes REST client over libcurl (OpenSSL) and
 * jansson.
 *
 * A kube_client is one connection (a curl easy handle, kept alive between
 * requests) and is used by one thread at a time; make one per thread from
 * the shared, read-only kube_config. TLS is always verified against the
 * kubeconfig's CA (or the system store); only a kubeconfig that says
 * insecure-skip-tls-verify turns that off.
 *
 * Requests that fail with 429, with a 5xx on an idempotent verb, or
 * without reaching the server are retried with exponential backoff,
 * honouring Retry-After, up to `max_attempts` in all; a failure is
 * returned as a kube_err whose message comes from the API server's Status
 * object and says what to do (the reason, the field causes of an Invalid,
 * a hint for 401/403).
 *
 * Paths are built with kube_path and kube_query_add; objects are jansson
 * values: the caller owns every json_t it receives (one reference).
 */
#ifndef RC_KUBE_CLIENT_H
#define RC_KUBE_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "kube_config.h"

struct json_t;

typedef struct kube_err {
    long code;       /* HTTP status; 0 when no response came back */
    char reason[64]; /* Status.reason: "NotFound", "Conflict", ... */
    int retry_after; /* seconds the server asked us to wait, or 0 */
    rn_error e;      /* the message */
} kube_err;

void kube_err_clear(kube_err *e);
bool kube_err_is(const kube_err *e, long code);

typedef struct kube_client_opts {
    int max_attempts;        /* 0: 5 */
    int timeout_s;           /* per request, not watches; 0: 30 */
    int backoff_ms;          /* first retry delay; 0: 200 */
    const atomic_bool *stop; /* stop retrying / streaming when true */
    /* Called once per HTTP attempt, for metrics: its status (0: no
     * response, or no credential to send) and how long it took in seconds.
     * `seconds` is negative when it says nothing about the API server's
     * latency: for a watch (kube_stream), open for minutes by design,
     * and for an attempt that never went out. */
    void (*on_response)(void *ud, const char *verb, long code, double seconds);
    void *ud;
    const char *user_agent; /* NULL: "mlflow-operator" */
} kube_client_opts;

typedef struct kube_client kube_client;

kube_client *kube_client_new(kube_config *cfg, const kube_client_opts *o);
void kube_client_free(kube_client *c);
const kube_config *kube_client_config(const kube_client *c);

/* One request. `body` may be NULL. On 2xx, *out (if out != NULL) gets the
 * parsed response body (NULL when it is empty). */
int kube_request(kube_client *c, const char *method, const char *path,
                 const char *content_type, const char *body, size_t len,
                 struct json_t **out, kube_err *err);

int kube_get(kube_client *c, const char *path, struct json_t **out,
             kube_err *err);
/* POST / PUT with a JSON body. */
int kube_create(kube_client *c, const char *path, struct json_t *obj,
                struct json_t **out, kube_err *err);
int kube_replace(kube_client *c, const char *path, struct json_t *obj,
                 struct json_t **out, kube_err *err);
/* Server-side apply: PATCH application/apply-patch+yaml with
 * ?fieldManager=<manager>&force=<force>. `path` names the object (or its
 * /status). */
int kube_apply(kube_client *c, const char *path, struct json_t *obj,
               const char *manager, bool force, struct json_t **out,
               kube_err *err);
/* JSON merge patch (RFC 7386). */
int kube_merge_patch(kube_client *c, const char *path, struct json_t *patch,
                     struct json_t **out, kube_err *err);
/* DELETE with propagationPolicy ("Background", "Foreground", "Orphan" or
 * NULL) and a UID precondition (NULL for none). */
int kube_delete(kube_client *c, const char *path, const char *propagation,
                const char *uid, kube_err *err);

/* LIST every page (limit/continue) of `path` (a collection, query
 * allowed). Each item is handed to `fn` (borrowed; list items carry no
 * kind/apiVersion); *rv gets the list's resourceVersion (malloc'd). When
 * a continue token expires (410) the list starts again from the first
 * page, once: `fn` is then called with NULL so the caller can drop what it
 * collected. A nonzero return from `fn` stops the list with that value. */
typedef int (*kube_item_fn)(void *ud, struct json_t *item);
int kube_list(kube_client *c, const char *path, int page_size, kube_item_fn fn,
              void *ud, char **rv, kube_err *err);

/* A streaming GET: every chunk of the body goes to `fn` as it arrives;
 * `fn` returns nonzero to end the stream. No retries. Returns 0 when the
 * server closed the stream, -1 with err set otherwise (err->code 0 and
 * reason "Stopped" when opts.stop or `fn` ended it). */
typedef int (*kube_chunk_fn)(void *ud, const char *data, size_t len);
int kube_stream(kube_client *c, const char *path, int timeout_s,
                kube_chunk_fn fn, void *ud, kube_err *err);

/* ---- paths ----------------------------------------------------------------
 * kube_path: "/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]" for the core
 * group ("v1"), "/apis/GROUP/VERSION/..." otherwise. `ns`, `name` and
 * `sub` may be NULL. Returns an arena string. */
char *kube_path(rn_arena *a, const char *api_version, const char *resource,
                const char *ns, const char *name, const char *sub);
/* "/api/v1" or "/apis/GROUP/VERSION": the group-version's discovery path. */
char *kube_gv_path(rn_arena *a, const char *api_version);
/* Append "?key=value" (first) or "&key=value", percent-encoding the value
 * as Go's url.QueryEscape does. */
void kube_query_add(rn_buf *b, const char *key, const char *value);
/* Percent-encode a query value as Go's url.QueryEscape does: letters,
 * digits and -_.~ kept, space as '+', every other byte as %XX. */
void kube_query_escape(rn_buf *b, const char *s);

/* The message of an API error response: body is the response body (a
 * Status object or anything else), for `method` `path`. Fills err. */
void kube_err_from_response(kube_err *err, const char *method, const char *path,
                            long code, const char *body, size_t len);

/* The delay before retry `attempt` (1-based): base * 2^(attempt-1),
 * capped at cap_ms; Retry-After (seconds) wins when larger, up to 30 s. */
long kube_retry_delay_ms(int attempt, int base_ms, long cap_ms,
                         int retry_after_s);

#endif
