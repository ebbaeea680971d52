/*
 * serve.c — health and metrics endpoints (see serve.h).
 *
 * One thread polls both listening sockets, a wake-up pipe and up to
 * SERVE_MAX_CONN client connections. A connection sends one request (at
 * most SERVE_MAX_REQ bytes of request line and headers, within
 * SERVE_DEADLINE_MS), gets one response with `Connection: close`, and is
 * closed: what kubelet probes and Prometheus scrapes need, and nothing a
 * slow or hostile client can hold up for long. A request body is never
 * read; only GET and HEAD are served.
 */
#define _GNU_SOURCE /* accept4, pipe2 */
#include "serve.h"
#include "clock.h"
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

#define SERVE_MAX_CONN 32
#define SERVE_MAX_REQ 4096
#define SERVE_DEADLINE_MS 5000

typedef enum { EP_HEALTH, EP_METRICS } endpoint;

typedef struct conn {
    int fd; /* -1: free slot */
    endpoint ep;
    long long deadline;
    size_t len;
    char req[SERVE_MAX_REQ + 1];
} conn;

struct serve {
    serve_opts o;
    int listen_fd[2]; /* by endpoint; -1 when off */
    int wake[2];      /* a byte on wake[1] stops the thread */
    pthread_t thread;
    bool running;
    conn conns[SERVE_MAX_CONN];
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

/* ---- responses ---- */

/* Write all of buf, or give up (the client is gone or stalled). */
static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

static void respond(int fd, int code, const char *ctype, const char *body,
                    size_t len, bool head)
{
    const char *text = code == 200   ? "OK"
                       : code == 404 ? "Not Found"
                       : code == 405 ? "Method Not Allowed"
                       : code == 400 ? "Bad Request"
                                     : "Service Unavailable";
    char hdr[256];
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     code, text, ctype, len);
    write_all(fd, hdr, (size_t)n);
    if (!head)
        write_all(fd, body, len);
}

static void text(int fd, int code, const char *body, bool head)
{
    respond(fd, code, "text/plain; charset=utf-8", body, strlen(body), head);
}

/* Answer the complete request in c->req. */
static void handle(serve *s, conn *c)
{
    char *line_end = strstr(c->req, "\r\n");
    if (line_end)
        *line_end = '\0';
    char method[8], target[256], version[16];
    if (sscanf(c->req, "%7s %255s %15s", method, target, version) != 3 ||
        strncmp(version, "HTTP/1.", 7) != 0) {
        text(c->fd, 400, "bad request\n", false);
        return;
    }
    bool head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        text(c->fd, 405, "method not allowed\n", false);
        return;
    }
    target[strcspn(target, "?")] = '\0';
    if (c->ep == EP_HEALTH && strcmp(target, "/healthz") == 0) {
        text(c->fd, 200, "ok", head);
    } else if (c->ep == EP_HEALTH && strcmp(target, "/readyz") == 0) {
        bool ready = !s->o.ready || s->o.ready(s->o.ud);
        text(c->fd, ready ? 200 : 503, ready ? "ok" : "not ready", head);
    } else if (c->ep == EP_METRICS && strcmp(target, "/metrics") == 0) {
        rn_buf b = RN_BUF_INIT;
        metrics_render(s->o.m, &b);
        respond(c->fd, 200, "text/plain; version=0.0.4; charset=utf-8",
                b.len ? b.data : "", b.len, head);
        rn_buf_free(&b);
    } else {
        text(c->fd, 404, "404 not found\n", head);
    }
}

/* ---- the loop ---- */

static void conn_close(conn *c)
{
    close(c->fd);
    c->fd = -1;
}

static void accept_one(serve *s, endpoint ep)
{
    int fd = accept4(s->listen_fd[ep], NULL, NULL,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < SERVE_MAX_CONN; i++)
        if (s->conns[i].fd < 0) {
            conn *c = &s->conns[i];
            c->fd = fd;
            c->ep = ep;
            c->len = 0;
            c->deadline = rc_now_ms() + SERVE_DEADLINE_MS;
            return;
        }
    close(fd); /* full: the client retries */
}

/* More bytes of a request; answer it once the headers are complete. */
static void read_some(serve *s, conn *c)
{
    ssize_t n = recv(c->fd, c->req + c->len, SERVE_MAX_REQ - c->len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
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
        handle(s, c);
        conn_close(c);
    } else if (c->len == SERVE_MAX_REQ) {
        text(c->fd, 400, "request too large\n", false);
        conn_close(c);
    }
}

static void *serve_main(void *arg)
{
    serve *s = arg;
    struct pollfd pfd[3 + SERVE_MAX_CONN];
    conn *owner[3 + SERVE_MAX_CONN];
    for (;;) {
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        for (int e = 0; e < 2; e++)
            pfd[n++] = (struct pollfd){.fd = s->listen_fd[e],
                                       .events = POLLIN};
        long long now = rc_now_ms(), next = now + SERVE_DEADLINE_MS;
        for (int i = 0; i < SERVE_MAX_CONN; i++) {
            conn *c = &s->conns[i];
            if (c->fd < 0)
                continue;
            if (c->deadline <= now) {
                conn_close(c);
                continue;
            }
            if (c->deadline < next)
                next = c->deadline;
            owner[n] = c;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = POLLIN};
        }
        int rc = poll(pfd, (nfds_t)n, (int)(next - now));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (pfd[0].revents)
            break;
        for (int e = 0; e < 2; e++)
            if (pfd[1 + e].revents & POLLIN)
                accept_one(s, (endpoint)e);
        for (int i = 3; i < n; i++)
            if (pfd[i].revents && owner[i]->fd == pfd[i].fd)
                read_some(s, owner[i]);
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
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    int one = 1;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return rn_error_set(err, "cannot listen on %s: %s", addr,
                            strerror(e));
    }
    *out = fd;
    return 0;
}

int serve_start(const serve_opts *o, serve **out, rn_error *err)
{
    serve *s = rc_xcalloc(1, sizeof *s);
    s->o = *o;
    s->listen_fd[0] = s->listen_fd[1] = -1;
    s->wake[0] = s->wake[1] = -1;
    for (int i = 0; i < SERVE_MAX_CONN; i++)
        s->conns[i].fd = -1;
    if (listen_on(o->health_addr, &s->listen_fd[EP_HEALTH], err) < 0 ||
        listen_on(o->metrics_addr, &s->listen_fd[EP_METRICS], err) < 0) {
        serve_stop(s);
        return -1;
    }
    if (pipe2(s->wake, O_CLOEXEC) < 0 ||
        pthread_create(&s->thread, NULL, serve_main, s) != 0) {
        serve_stop(s);
        return rn_error_set(err, "cannot start the HTTP endpoints: %s",
                            strerror(errno));
    }
    s->running = true;
    *out = s;
    return 0;
}

void serve_stop(serve *s)
{
    if (!s)
        return;
    if (s->running) {
        char b = 1;
        while (write(s->wake[1], &b, 1) < 0 && errno == EINTR)
            ;
        pthread_join(s->thread, NULL);
    }
    for (int i = 0; i < SERVE_MAX_CONN; i++)
        if (s->conns[i].fd >= 0)
            close(s->conns[i].fd);
    for (int i = 0; i < 2; i++) {
        if (s->listen_fd[i] >= 0)
            close(s->listen_fd[i]);
        if (s->wake[i] >= 0)
            close(s->wake[i]);
    }
    free(s);
}
