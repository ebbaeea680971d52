/*
 * serve.c — health and metrics endpoints (see serve.h).
 */
#include "serve.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct serve {
    serve_opts o;
    struct MHD_Daemon *health, *metrics;
};

int serve_parse_addr(const char *s, struct sockaddr_storage *ss,
                     socklen_t *len, bool *off, rn_error *err)
{
    *off = false;
    if (!s || !*s || strcmp(s, "0") == 0) {
        *off = true;
        return 0;
    }
    const char *colon = strrchr(s, ':');
    if (!colon)
        return rn_error_set(err, "address \"%s\": want host:port or :port",
                            s);
    char host[256];
    size_t hl = (size_t)(colon - s);
    if (hl >= sizeof host)
        return rn_error_set(err, "address \"%s\": host too long", s);
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == '\0')
        return rn_error_set(err, "address \"%s\": bad port", s);
    memset(ss, 0, sizeof *ss);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%ld", port);
    int rc = getaddrinfo(*host ? host : "0.0.0.0", portstr, &hints, &res);
    if (rc != 0 || !res)
        return rn_error_set(err, "address \"%s\": %s", s, gai_strerror(rc));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code,
                             const char *ctype, char *body, size_t len,
                             bool owned)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_health(void *cls, struct MHD_Connection *c,
                                 const char *url, const char *method,
                                 const char *version, const char *data,
                                 size_t *size, void **ctx)
{
    serve *s = cls;
    static char ok[] = "ok", notready[] = "not ready", nf[] = "404 not found";
    if (strcmp(url, "/healthz") == 0)
        return reply(c, 200, "text/plain", ok, 2, false);
    if (strcmp(url, "/readyz") == 0) {
        bool ready = !s->o.ready || s->o.ready(s->o.ud);
        return ready ? reply(c, 200, "text/plain", ok, 2, false)
                     : reply(c, 503, "text/plain", notready, 9, false);
    }
    return reply(c, 404, "text/plain", nf, sizeof nf - 1, false);
}

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    serve *s = cls;
    static char nf[] = "404 not found";
    if (strcmp(url, "/metrics") != 0)
        return reply(c, 404, "text/plain", nf, sizeof nf - 1, false);
    rn_buf b = RN_BUF_INIT;
    metrics_render(s->o.m, &b);
    size_t len;
    char *body = rn_buf_take(&b, &len);
    if (!body) {
        body = strdup("");
        len = 0;
    }
    return reply(c, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                 len, true);
}

static int start_one(serve *s, const char *addr, MHD_AccessHandlerCallback fn,
                     struct MHD_Daemon **out, rn_error *err)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    bool off;
    if (serve_parse_addr(addr, &ss, &len, &off, err) < 0)
        return -1;
    if (off)
        return 0;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    uint16_t port = ss.ss_family == AF_INET6
                        ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                        : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    *out = MHD_start_daemon(flags, port, NULL, NULL, fn, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                            MHD_OPTION_END);
    if (!*out)
        return rn_error_set(err, "cannot listen on %s (in use?)", addr);
    return 0;
}

int serve_start(const serve_opts *o, serve **out, rn_error *err)
{
    serve *s = rc_xcalloc(1, sizeof *s);
    s->o = *o;
    if (start_one(s, o->health_addr, on_health, &s->health, err) < 0 ||
        start_one(s, o->metrics_addr, on_metrics, &s->metrics, err) < 0) {
        serve_stop(s);
        return -1;
    }
    *out = s;
    return 0;
}

void serve_stop(serve *s)
{
    if (!s)
        return;
    if (s->health)
        MHD_stop_daemon(s->health);
    if (s->metrics)
        MHD_stop_daemon(s->metrics);
    free(s);
}
