/*
 * serve.h — the operator's HTTP endpoints, each served by a small thread
 * of its own (HTTP/1.1, GET and HEAD, one request per connection):
 * /healthz and /readyz on the health-probe address (plain HTTP, as
 * kubelet probes), /metrics on the metrics address (HTTPS with
 * `metrics_tls`, and only for the clients `authorize` lets through). Each
 * address may be "0" to turn it off. Addresses are written
 * as Go's net.Listen takes them: ":8081", "127.0.0.1:8081", "[::1]:8081",
 * "localhost:8081".
 *
 * /healthz answers 200 while the process runs; /readyz 200 when the
 * `ready` callback says so (the operator: its caches are synced, or it is
 * a standby replica waiting for the lease), else 503.
 */
#ifndef RC_SERVE_H
#define RC_SERVE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "error.h"
#include "log.h"
#include "metrics.h"
#include "tls_cert.h"

typedef struct serve_opts {
    const char *health_addr;
    const char *metrics_addr;
    tls_cert *metrics_tls; /* borrowed; NULL: plain HTTP */
    /* The HTTP status for a request to `path` with this Authorization
     * header value (NULL when absent): 200 serves it. NULL: no check. */
    int (*authorize)(void *aud, const char *authorization, const char *path);
    void *aud;
    bool (*ready)(void *ud);
    void *ud;
    metrics *m;
    log_ctx *log;
} serve_opts;

typedef struct serve serve;

int serve_start(const serve_opts *o, serve **out, rn_error *err);
void serve_stop(serve *s);

/* Whether an address turns its endpoint off: NULL, "" or "0". */
bool serve_addr_off(const char *s);

/* Parse an address; *off is set (and 0 returned) for "0" or "". */
int serve_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len,
                     bool *off, rn_error *err);

#endif
