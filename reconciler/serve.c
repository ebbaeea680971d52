/*
 * serve.c — health and metrics endpoints (see serve.h).
 *
 * Each endpoint has a thread that polls its listening socket, a wake-up
 * pipe and up to SERVE_MAX_CONN client connections; two threads, so a
 * scrape waiting for the API server to review its token never delays a
 * kubelet probe. A connection makes its TLS handshake (HTTPS metrics),
 * sends one request (at most SERVE_MAX_REQ bytes of request line and
 * headers, all within SERVE_DEADLINE_MS), gets one response with
 * `Connection: close`, and is closed: what kubelet probes and Prometheus
 * scrapes need, and nothing a slow or hostile client can hold up for
 * long. A request body is never read; only GET and HEAD are served.
 */
#define _GNU_SOURCE /* accept4, pipe2 */
#include "serve.h"
#include "clock.h"
#include "http_request.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>

#define SERVE_MAX_CONN 16  /* per endpoint */
#define SERVE_MAX_REQ 8192 /* a bearer token may be a few kB */
#define SERVE_DEADLINE_MS 5000

typedef enum { EP_HEALTH, EP_METRICS } endpoint;

typedef struct conn {
    int fd;          /* -1: free slot */
    SSL *ssl;        /* HTTPS, or NULL */
    bool peeked;     /* the first byte was a TLS record */
    bool want_write; /* the TLS handshake waits to write */
    long long deadline;
    size_t len;
    char req[SERVE_MAX_REQ + 1];
} conn;

typedef struct loop {
    struct serve *s;
    endpoint ep;
    int listen_fd; /* -1 when off */
    int wake[2];   /* a byte on wake[1] stops the thread */
    pthread_t thread;
    bool running;
    conn conns[SERVE_MAX_CONN];
} loop;

struct serve {
    serve_opts o;
    loop loops[2]; /* by endpoint */
};

bool serve_addr_off(const char *s)
{
    return !s || !*s || strcmp(s, "0") == 0;
}

int serve_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len,
                     bool *off, rn_error *err)
{
    *off = false;
    if (serve_addr_off(s)) {
        *off = true;
        return 0;
    }
    const char *colon = strrchr(s, ':');
    if (!colon)
        return rn_error_set(err, "address \"%s\": want host:port or :port", s);
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

/* ---- responses ---- */

/* Write all of buf, or give up (the client is gone or stalled). */
static void write_all(conn *c, const char *buf, size_t len)
{
    if (c->ssl) {
        size_t n;
        if (len && SSL_write_ex(c->ssl, buf, len, &n) != 1)
            ERR_clear_error();
        return;
    }
    while (len > 0) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void respond(conn *c, int code, const char *ctype, const char *body,
                    size_t len, bool head)
{
    const char *text = code == 200   ? "OK"
                       : code == 400 ? "Bad Request"
                       : code == 401 ? "Unauthorized"
                       : code == 403 ? "Forbidden"
                       : code == 404 ? "Not Found"
                       : code == 405 ? "Method Not Allowed"
                                     : "Service Unavailable";
    char hdr[320];
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%sConnection: close\r\n\r\n",
                     code, text, ctype, len,
                     code == 401 ? "WWW-Authenticate: Bearer "
                                   "realm=\"mlflow-operator\"\r\n"
                                 : "");
    write_all(c, hdr, (size_t)n);
    if (!head)
        write_all(c, body, len);
}

static void text(conn *c, int code, const char *body, bool head)
{
    respond(c, code, "text/plain; charset=utf-8", body, strlen(body), head);
}

/* Answer the complete request head in c->req. */
static void handle(serve *s, loop *l, conn *c)
{
    http_request r;
    if (http_request_parse(c->req, c->len, &r) < 0) {
        explicit_bzero(&r, sizeof r);
        text(c, 400, "bad request\n", false);
        return;
    }
    bool head = strcmp(r.method, "HEAD") == 0;
    if (!head && strcmp(r.method, "GET") != 0) {
        text(c, 405, "method not allowed\n", false);
    } else if (l->ep == EP_HEALTH && strcmp(r.path, "/healthz") == 0) {
        text(c, 200, "ok", head);
    } else if (l->ep == EP_HEALTH && strcmp(r.path, "/readyz") == 0) {
        bool ready = !s->o.ready || s->o.ready(s->o.ud);
        text(c, ready ? 200 : 503, ready ? "ok" : "not ready", head);
    } else if (l->ep == EP_METRICS && strcmp(r.path, "/metrics") == 0) {
        int code =
            s->o.authorize
                ? s->o.authorize(s->o.aud,
                                 r.has_authorization ? r.authorization : NULL,
                                 r.path)
                : 200;
        if (code != 200) {
            text(c, code,
                 code == 401   ? "Unauthorized: send a bearer token\n"
                 : code == 403 ? "Forbidden: the token may not get "
                                 "/metrics\n"
                               : "cannot check the token now\n",
                 head);
        } else {
            rn_buf b = RN_BUF_INIT;
            metrics_render(s->o.m, &b);
            respond(c, 200, "text/plain; version=0.0.4; charset=utf-8",
                    b.len ? b.data : "", b.len, head);
            rn_buf_free(&b);
        }
    } else {
        text(c, 404, "404 not found\n", head);
    }
    explicit_bzero(r.authorization, sizeof r.authorization);
}

/* ---- the loop ---- */

static void conn_close(conn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
        ERR_clear_error();
    }
    close(c->fd);
    c->fd = -1;
    explicit_bzero(c->req, c->len);
    c->len = 0;
}

static void accept_one(serve *s, loop *l)
{
    int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < SERVE_MAX_CONN; i++)
        if (l->conns[i].fd < 0) {
            conn *c = &l->conns[i];
            c->fd = fd;
            c->len = 0;
            c->want_write = false;
            c->peeked = false;
            c->deadline = rc_now_ms() + SERVE_DEADLINE_MS;
            if (l->ep == EP_METRICS && s->o.metrics_tls) {
                c->ssl = SSL_new(tls_cert_ctx(s->o.metrics_tls));
                if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
                    conn_close(c);
                    return;
                }
                SSL_set_accept_state(c->ssl);
            }
            return;
        }
    close(fd); /* full: the client retries */
}

/* Read into the request buffer: >0 bytes, 0 to wait for more, -1 when
 * the connection is over (closed, reset, a failed handshake), -2 when a
 * plain HTTP request came to the HTTPS port. */
static ssize_t conn_read(conn *c)
{
    size_t room = SERVE_MAX_REQ - c->len;
    if (c->ssl && !c->peeked) {
        /* A TLS connection starts with a handshake record (22). */
        unsigned char b;
        ssize_t n = recv(c->fd, &b, 1, MSG_PEEK);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (n <= 0)
            return -1;
        if (b != 22)
            return -2;
        c->peeked = true;
    }
    if (c->ssl) {
        size_t n = 0;
        c->want_write = false;
        if (SSL_read_ex(c->ssl, c->req + c->len, room, &n) == 1)
            return (ssize_t)n;
        int e = SSL_get_error(c->ssl, 0);
        ERR_clear_error();
        if (e == SSL_ERROR_WANT_READ)
            return 0;
        if (e == SSL_ERROR_WANT_WRITE) {
            c->want_write = true;
            return 0;
        }
        return -1;
    }
    ssize_t n = recv(c->fd, c->req + c->len, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return n <= 0 ? -1 : n;
}

/* More bytes of a request; answer it once the headers are complete. */
static void read_some(serve *s, loop *l, conn *c)
{
    ssize_t n = conn_read(c);
    if (n == 0)
        return;
    if (n == -2) {
        /* Say so in plain HTTP, as Go's servers do. */
        SSL_free(c->ssl);
        c->ssl = NULL;
        text(c, 400, "Client sent an HTTP request to an HTTPS server.\n",
             false);
    }
    if (n < 0) {
        conn_close(c);
        return;
    }
    c->len += (size_t)n;
    c->req[c->len] = '\0';
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) {
        /* Small responses: a blocking write with the socket buffer. */
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
        struct timeval tv = {.tv_sec = 5};
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        handle(s, l, c);
        if (c->ssl && SSL_shutdown(c->ssl) < 0)
            ERR_clear_error();
        conn_close(c);
    } else if (c->len == SERVE_MAX_REQ) {
        text(c, 400, "request too large\n", false);
        conn_close(c);
    }
}

static void *loop_main(void *arg)
{
    loop *l = arg;
    serve *s = l->s;
    struct pollfd pfd[2 + SERVE_MAX_CONN];
    conn *owner[2 + SERVE_MAX_CONN];
    for (;;) {
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = l->wake[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = l->listen_fd, .events = POLLIN};
        long long now = rc_now_ms(), next = now + SERVE_DEADLINE_MS;
        for (int i = 0; i < SERVE_MAX_CONN; i++) {
            conn *c = &l->conns[i];
            if (c->fd < 0)
                continue;
            if (c->deadline <= now) {
                conn_close(c);
                continue;
            }
            if (c->deadline < next)
                next = c->deadline;
            owner[n] = c;
            pfd[n++] = (struct pollfd){
                .fd = c->fd, .events = c->want_write ? POLLOUT : POLLIN};
        }
        int rc = poll(pfd, (nfds_t)n, (int)(next - now));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (pfd[0].revents)
            break;
        if (pfd[1].revents & POLLIN)
            accept_one(s, l);
        for (int i = 2; i < n; i++)
            if (pfd[i].revents && owner[i]->fd == pfd[i].fd)
                read_some(s, l, owner[i]);
    }
    return NULL;
}

static int listen_on(const char *addr, int *out, rn_error *err)
{
    *out = -1;
    struct sockaddr_storage ss;
    socklen_t len = 0;
    bool off;
    if (serve_parse_addr(addr, &ss, &len, &off, err) < 0)
        return -1;
    if (off)
        return 0;
    int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return rn_error_set(err, "cannot listen on %s: %s", addr, strerror(e));
    }
    *out = fd;
    return 0;
}

int serve_start(const serve_opts *o, serve **out, rn_error *err)
{
    serve *s = rc_xcalloc(1, sizeof *s);
    s->o = *o;
    const char *addr[2] = {o->health_addr, o->metrics_addr};
    for (int e = 0; e < 2; e++) {
        loop *l = &s->loops[e];
        l->s = s;
        l->ep = (endpoint)e;
        l->listen_fd = l->wake[0] = l->wake[1] = -1;
        for (int i = 0; i < SERVE_MAX_CONN; i++)
            l->conns[i].fd = -1;
    }
    for (int e = 0; e < 2; e++) {
        loop *l = &s->loops[e];
        if (listen_on(addr[e], &l->listen_fd, err) < 0) {
            serve_stop(s);
            return -1;
        }
    }
    for (int e = 0; e < 2; e++) {
        loop *l = &s->loops[e];
        if (l->listen_fd < 0)
            continue;
        if (pipe2(l->wake, O_CLOEXEC) < 0 ||
            pthread_create(&l->thread, NULL, loop_main, l) != 0) {
            int errnum = errno;
            serve_stop(s);
            return rn_error_set(err, "cannot start the HTTP endpoints: %s",
                                strerror(errnum));
        }
        l->running = true;
    }
    *out = s;
    return 0;
}

void serve_stop(serve *s)
{
    if (!s)
        return;
    for (int e = 0; e < 2; e++) {
        loop *l = &s->loops[e];
        if (l->running) {
            char b = 1;
            while (write(l->wake[1], &b, 1) < 0 && errno == EINTR)
                ;
            pthread_join(l->thread, NULL);
        }
        for (int i = 0; i < SERVE_MAX_CONN; i++)
            if (l->conns[i].fd >= 0)
                conn_close(&l->conns[i]);
        if (l->listen_fd >= 0)
            close(l->listen_fd);
        for (int i = 0; i < 2; i++)
            if (l->wake[i] >= 0)
                close(l->wake[i]);
    }
    free(s);
}
