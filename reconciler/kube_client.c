/*
 * kube_client.c — REST requests to the API server (see kube_client.h).
 */
#include "kube_client.h"
#include "clock.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct kube_client {
    kube_config *cfg;
    kube_client_opts o;
    CURL *h;
    char errbuf[CURL_ERROR_SIZE];
    /* Per request. */
    rn_buf body;
    int retry_after;
    kube_chunk_fn chunk_fn;
    void *chunk_ud;
    bool chunk_stopped;
    /* Where requests go, worked out once from the config: the URL base
     * and, with tls-server-name, the connect-to route and Host header. */
    char *base;
    struct curl_slist *connect_to;
    char *host_hdr;
    rn_error auth_err; /* why no credential could be had (CURLE_AUTH_ERROR) */
};

void kube_err_clear(kube_err *e)
{
    e->code = 0;
    e->reason[0] = '\0';
    e->retry_after = 0;
    rn_error_clear(&e->e);
}

bool kube_err_is(const kube_err *e, long code)
{
    return e->code == code;
}

/* With tls-server-name, the URL names that host, so curl sends it as SNI
 * and checks the certificate against it, while CURLOPT_CONNECT_TO still
 * connects to the server's own host and port; the Host header keeps the
 * server's host, as client-go sends it. Without, the server as it is.
 * Fills c->base, c->connect_to and c->host_hdr. */
static void route(kube_client *c)
{
    const kube_config *cfg = c->cfg;
    if (!cfg->tls_server_name) {
        c->base = rc_xstrdup(cfg->server);
        return;
    }
    const char *name = cfg->tls_server_name;
    char bracketed[300];
    if (strchr(name, ':') && name[0] != '[') {
        snprintf(bracketed, sizeof bracketed, "[%s]", name);
        name = bracketed;
    }
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *given_port = NULL, *url = NULL;
    if (curl_url_set(u, CURLUPART_URL, cfg->server, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
            CURLUE_OK &&
        curl_url_set(u, CURLUPART_HOST, name, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_PORT, &given_port, 0);
        size_t n = strlen(url);
        while (n && url[n - 1] == '/')
            url[--n] = '\0';
        c->base = rc_xstrdup(url);
        char line[1024];
        snprintf(line, sizeof line, "%s:%s:%s:%s", name, port, host, port);
        c->connect_to = curl_slist_append(NULL, line);
        snprintf(line, sizeof line, "Host: %s%s%s", host, given_port ? ":" : "",
                 given_port ? given_port : "");
        c->host_hdr = rc_xstrdup(line);
    }
    curl_free(host);
    curl_free(port);
    curl_free(given_port);
    curl_free(url);
    curl_url_cleanup(u);
    /* A server curl cannot parse fails the request as it would without
     * tls-server-name. */
    if (!c->base)
        c->base = rc_xstrdup(cfg->server);
}

kube_client *kube_client_new(kube_config *cfg, const kube_client_opts *o)
{
    kube_client *c = rc_xcalloc(1, sizeof *c);
    c->cfg = cfg;
    if (o)
        c->o = *o;
    if (c->o.max_attempts <= 0)
        c->o.max_attempts = 5;
    if (c->o.timeout_s <= 0)
        c->o.timeout_s = 30;
    if (c->o.backoff_ms <= 0)
        c->o.backoff_ms = 200;
    c->h = curl_easy_init();
    if (!c->h)
        abort();
    route(c);
    return c;
}

void kube_client_free(kube_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->h);
    rn_buf_free(&c->body);
    free(c->base);
    curl_slist_free_all(c->connect_to);
    free(c->host_hdr);
    free(c);
}

const kube_config *kube_client_config(const kube_client *c)
{
    return c->cfg;
}

/* ---- paths --------------------------------------------------------------- */

char *kube_gv_path(rn_arena *a, const char *api_version)
{
    if (!strchr(api_version, '/'))
        return rn_arena_printf(a, "/api/%s", api_version);
    return rn_arena_printf(a, "/apis/%s", api_version);
}

char *kube_path(rn_arena *a, const char *api_version, const char *resource,
                const char *ns, const char *name, const char *sub)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_puts(&b, kube_gv_path(a, api_version));
    if (ns && *ns)
        rn_buf_printf(&b, "/namespaces/%s", ns);
    rn_buf_printf(&b, "/%s", resource);
    if (name && *name) {
        rn_buf_printf(&b, "/%s", name);
        if (sub && *sub)
            rn_buf_printf(&b, "/%s", sub);
    }
    char *s = rn_arena_strdup(a, rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

void kube_query_escape(rn_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
            ch == '~')
            rn_buf_putc(b, (char)ch);
        else if (ch == ' ')
            rn_buf_putc(b, '+');
        else {
            rn_buf_putc(b, '%');
            rn_buf_putc(b, hex[ch >> 4]);
            rn_buf_putc(b, hex[ch & 15]);
        }
    }
}

void kube_query_add(rn_buf *b, const char *key, const char *value)
{
    rn_buf_putc(b, b->len && memchr(b->data, '?', b->len) ? '&' : '?');
    kube_query_escape(b, key);
    rn_buf_putc(b, '=');
    kube_query_escape(b, value);
}

/* ---- errors -------------------------------------------------------------- */

static const char *code_reason(long code)
{
    switch (code) {
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 405:
        return "MethodNotAllowed";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "UnsupportedMediaType";
    case 422:
        return "Invalid";
    case 429:
        return "TooManyRequests";
    case 500:
        return "InternalError";
    case 503:
        return "ServiceUnavailable";
    case 504:
        return "Timeout";
    default:
        return code >= 500 ? "InternalError" : "Unknown";
    }
}

static const char *code_hint(long code)
{
    switch (code) {
    case 401:
        return " (the API server rejected the credentials: check the "
               "token or client certificate in the kubeconfig or the "
               "service account)";
    case 403:
        return " (grant the permission in the operator's ClusterRole)";
    case 429:
        return " (the API server is throttling requests; retrying later)";
    default:
        return "";
    }
}

void kube_err_from_response(kube_err *err, const char *method, const char *path,
                            long code, const char *body, size_t len)
{
    kube_err_clear(err);
    err->code = code;
    const char *reason = code_reason(code);
    const char *msg = NULL;
    json_t *st = body && len ? json_loadb(body, len, 0, NULL) : NULL;
    if (st && json_is_object(st)) {
        const char *r = json_string_value(json_object_get(st, "reason"));
        if (r && *r)
            reason = r;
        msg = json_string_value(json_object_get(st, "message"));
        json_t *ra = json_object_get(json_object_get(st, "details"),
                                     "retryAfterSeconds");
        if (json_is_integer(ra))
            err->retry_after = (int)json_integer_value(ra);
    }
    snprintf(err->reason, sizeof err->reason, "%s", reason);
    char text[512];
    if (!msg) {
        /* Not a Status: show the start of whatever came back. */
        size_t n = len < 200 ? len : 200;
        snprintf(text, sizeof text, "%.*s", (int)n, body ? body : "");
        for (char *p = text; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        size_t tl = strlen(text);
        while (tl && text[tl - 1] == ' ')
            text[--tl] = '\0';
        msg = text;
    }
    rn_error_set(&err->e, "%s %s: %ld %s: %s%s", method, path, code, reason,
                 *msg ? msg : "(no message)", code_hint(code));
    json_decref(st);
}

static void err_transport(kube_client *c, kube_err *err, const char *method,
                          const char *path, CURLcode rc)
{
    kube_err_clear(err);
    if (rc == CURLE_AUTH_ERROR && c->auth_err.set) {
        /* The exec credential plugin failed; nothing was sent. */
        snprintf(err->reason, sizeof err->reason, "CredentialsUnavailable");
        rn_error_set(&err->e, "%s %s: no credentials for the API server: %s",
                     method, path, c->auth_err.msg);
        return;
    }
    const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
    const char *hint = "";
    if (rc == CURLE_PEER_FAILED_VERIFICATION && strstr(detail, "name"))
        hint = " (the server's certificate is not for this host name: check "
               "server and tls-server-name in the kubeconfig)";
    else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
             rc == CURLE_SSL_CACERT_BADFILE)
        hint = " (the server's certificate is not signed by the configured "
               "CA: check certificate-authority in the kubeconfig)";
    else if (rc == CURLE_COULDNT_CONNECT)
        hint = " (is the API server running and the server address right?)";
    snprintf(err->reason, sizeof err->reason, "%s",
             rc == CURLE_ABORTED_BY_CALLBACK ? "Stopped" : "Unreachable");
    rn_error_set(&err->e, "%s %s%s: cannot reach the API server: %s%s", method,
                 c->cfg->server, path, detail, hint);
}

long kube_retry_delay_ms(int attempt, int base_ms, long cap_ms,
                         int retry_after_s)
{
    long d = base_ms;
    for (int i = 1; i < attempt && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    long ra = (long)(retry_after_s > 30 ? 30 : retry_after_s) * 1000;
    return ra > d ? ra : d;
}

/* ---- transport ----------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    kube_client *c = ud;
    size_t len = sz * n;
    long code = 0;
    if (c->chunk_fn)
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
    if (c->chunk_fn && code >= 200 && code < 300) {
        if (c->chunk_fn(c->chunk_ud, p, len) != 0) {
            c->chunk_stopped = true;
            return 0; /* ends the transfer */
        }
        return len;
    }
    rn_buf_append(&c->body, p, len);
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    kube_client *c = ud;
    size_t len = sz * n;
    if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
        c->retry_after = atoi(p + 12);
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                       curl_off_t un)
{
    kube_client *c = ud;
    return c->o.stop && atomic_load(c->o.stop) ? 1 : 0;
}

static bool stopping(const kube_client *c)
{
    return c->o.stop && atomic_load(c->o.stop);
}

static struct curl_slist *set_common(kube_client *c, const char *method,
                                     const char *path, const char *ctype,
                                     const char *body, size_t len,
                                     long timeout_s,
                                     const kube_credential *cred)
{
    CURL *h = c->h;
    kube_config *cfg = c->cfg;
    char *url = rc_xmalloc(strlen(c->base) + strlen(path) + 1);
    strcpy(url, c->base);
    strcat(url, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
    free(url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_USERAGENT,
                     c->o.user_agent ? c->o.user_agent : "mlflow-operator");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    /* One connection per client, so HTTP/2's multiplexing buys nothing,
     * and its session and stream buffers cost ~60 KB per connection. */
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");

    if (cfg->ca_pem) {
        struct curl_blob ca = {cfg->ca_pem, cfg->ca_len, CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
    }
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
    /* An exec plugin's certificate, else the kubeconfig's. */
    const char *cert_pem = cred->cert_pem ? cred->cert_pem : cfg->cert_pem;
    if (cert_pem) {
        struct curl_blob cert = {
            (void *)cert_pem, cred->cert_pem ? cred->cert_len : cfg->cert_len,
            CURL_BLOB_COPY};
        struct curl_blob key = {cred->cert_pem ? cred->key_pem : cfg->key_pem,
                                cred->cert_pem ? cred->key_len : cfg->key_len,
                                CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (cfg->username && cfg->password) {
        curl_easy_setopt(h, CURLOPT_USERNAME, cfg->username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password);
    }

    struct curl_slist *hdr = NULL;
    hdr = curl_slist_append(hdr, "Accept: application/json");
    if (c->host_hdr)
        hdr = curl_slist_append(hdr, c->host_hdr);
    const char *tok = cred->token;
    if (tok && *tok) {
        size_t n = strlen(tok) + 32;
        char *line = rc_xmalloc(n);
        snprintf(line, n, "Authorization: Bearer %s", tok);
        hdr = curl_slist_append(hdr, line);
        explicit_bzero(line, n);
        free(line);
    }
    /* No "Expect: 100-continue" round trip before larger bodies. */
    hdr = curl_slist_append(hdr, "Expect:");
    if (ctype) {
        char line[128];
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        hdr = curl_slist_append(hdr, line);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);

    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(body ? len : 0));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    return hdr;
}

static CURLcode perform_with(kube_client *c, const char *method,
                             const char *path, const char *ctype,
                             const char *body, size_t len, long timeout_s,
                             const kube_credential *cred, long *code)
{
    rn_buf_reset(&c->body);
    c->retry_after = 0;
    c->errbuf[0] = '\0';
    c->chunk_stopped = false;
    struct curl_slist *hdr =
        set_common(c, method, path, ctype, body, len, timeout_s, cred);
    long long t0 = rc_now_ns();
    CURLcode rc = curl_easy_perform(c->h);
    long long t1 = rc_now_ns();
    *code = 0;
    if (rc == CURLE_OK || c->chunk_stopped)
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, code);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdr);
    /* A watch's length is its timeout, not the API server's latency:
     * observed, it would fill the top buckets of GET and skew every
     * quantile of the reads. It is still counted in requests_total. */
    double secs = c->chunk_fn ? -1 : (double)(t1 - t0) / 1e9;
    if (c->o.on_response)
        c->o.on_response(c->o.ud, method, rc == CURLE_OK ? *code : 0, secs);
    return rc;
}

/* The credential to send, or CURLE_AUTH_ERROR with c->auth_err set. */
static CURLcode get_credential(kube_client *c, const char *method,
                               kube_credential *cred)
{
    rn_error_clear(&c->auth_err);
    if (kube_config_credential(c->cfg, cred, &c->auth_err) == 0)
        return CURLE_OK;
    if (c->o.on_response)
        c->o.on_response(c->o.ud, method, 0, -1);
    return CURLE_AUTH_ERROR;
}

/* One attempt: returns the curl code, *code the HTTP status. A 401 to an
 * exec plugin's credential is asked once more with a fresh one, as
 * client-go refreshes it: the server rejected it before doing anything,
 * so any verb may be repeated. */
static CURLcode perform(kube_client *c, const char *method, const char *path,
                        const char *ctype, const char *body, size_t len,
                        long timeout_s, long *code)
{
    kube_credential cred;
    *code = 0;
    CURLcode rc = get_credential(c, method, &cred);
    if (rc != CURLE_OK)
        return rc;
    rc =
        perform_with(c, method, path, ctype, body, len, timeout_s, &cred, code);
    if (rc == CURLE_OK && *code == 401 &&
        kube_config_reject(c->cfg, cred.serial)) {
        kube_credential_free(&cred);
        rc = get_credential(c, method, &cred);
        if (rc != CURLE_OK)
            return rc;
        rc = perform_with(c, method, path, ctype, body, len, timeout_s, &cred,
                          code);
    }
    kube_credential_free(&cred);
    return rc;
}

static bool idempotent(const char *method, const char *ctype)
{
    if (strcmp(method, "POST") == 0)
        return false;
    /* Server-side apply and PUT with a resourceVersion are safe to repeat;
     * so are GET and DELETE. */
    return true;
}

static void sleep_ms(const kube_client *c, long ms)
{
    rc_sleep_ms(ms, c->o.stop, NULL);
}

static bool should_retry(kube_client *c, const char *method, const char *ctype,
                         CURLcode rc, long code)
{
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
        return true; /* nothing reached the server */
    if (rc != CURLE_OK)
        return idempotent(method, ctype) && rc != CURLE_ABORTED_BY_CALLBACK &&
               rc != CURLE_PEER_FAILED_VERIFICATION &&
               rc != CURLE_SSL_CACERT_BADFILE &&
               rc != CURLE_AUTH_ERROR; /* a failed plugin: not again now */
    if (code == 429)
        return true;
    if (code == 500 || code == 502 || code == 503 || code == 504)
        return idempotent(method, ctype) || c->retry_after > 0;
    return false;
}

/* A LIST page can be megabytes; the buffer is kept between requests only
 * while it is small. */
static void trim_body(kube_client *c)
{
    if (c->body.cap > 64 * 1024)
        rn_buf_free(&c->body);
}

static int request_with_retries(kube_client *c, const char *method,
                                const char *path, const char *ctype,
                                const char *body, size_t len, json_t **out,
                                kube_err *err);

int kube_request(kube_client *c, const char *method, const char *path,
                 const char *ctype, const char *body, size_t len, json_t **out,
                 kube_err *err)
{
    int rc = request_with_retries(c, method, path, ctype, body, len, out, err);
    trim_body(c);
    return rc;
}

static int request_with_retries(kube_client *c, const char *method,
                                const char *path, const char *ctype,
                                const char *body, size_t len, json_t **out,
                                kube_err *err)
{
    if (out)
        *out = NULL;
    for (int attempt = 1;; attempt++) {
        long code;
        CURLcode rc =
            perform(c, method, path, ctype, body, len, c->o.timeout_s, &code);
        if (rc == CURLE_OK && code >= 200 && code < 300) {
            if (out && c->body.len) {
                json_error_t je;
                *out = json_loadb(c->body.data, c->body.len, 0, &je);
                if (!*out) {
                    kube_err_clear(err);
                    err->code = code;
                    snprintf(err->reason, sizeof err->reason, "BadResponse");
                    return rn_error_set(&err->e,
                                        "%s %s: the response is not JSON: %s",
                                        method, path, je.text);
                }
            }
            return 0;
        }
        if (rc != CURLE_OK)
            err_transport(c, err, method, path, rc);
        else {
            kube_err_from_response(err, method, path, code, c->body.data,
                                   c->body.len);
            if (c->retry_after > err->retry_after)
                err->retry_after = c->retry_after;
        }
        if (attempt >= c->o.max_attempts || stopping(c) ||
            !should_retry(c, method, ctype, rc, code))
            return -1;
        sleep_ms(c, kube_retry_delay_ms(attempt, c->o.backoff_ms, 5000,
                                        err->retry_after));
    }
}

static int send_json(kube_client *c, const char *method, const char *path,
                     const char *ctype, json_t *obj, json_t **out,
                     kube_err *err)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    if (!s)
        abort();
    int rc = kube_request(c, method, path, ctype, s, strlen(s), out, err);
    free(s);
    return rc;
}

int kube_get(kube_client *c, const char *path, json_t **out, kube_err *err)
{
    return kube_request(c, "GET", path, NULL, NULL, 0, out, err);
}

int kube_create(kube_client *c, const char *path, json_t *obj, json_t **out,
                kube_err *err)
{
    return send_json(c, "POST", path, "application/json", obj, out, err);
}

int kube_replace(kube_client *c, const char *path, json_t *obj, json_t **out,
                 kube_err *err)
{
    return send_json(c, "PUT", path, "application/json", obj, out, err);
}

int kube_apply(kube_client *c, const char *path, json_t *obj,
               const char *manager, bool force, json_t **out, kube_err *err)
{
    rn_buf p = RN_BUF_INIT;
    rn_buf_puts(&p, path);
    kube_query_add(&p, "fieldManager", manager);
    if (force)
        kube_query_add(&p, "force", "true");
    int rc = send_json(c, "PATCH", rn_buf_cstr(&p),
                       "application/apply-patch+yaml", obj, out, err);
    rn_buf_free(&p);
    return rc;
}

int kube_merge_patch(kube_client *c, const char *path, json_t *patch,
                     json_t **out, kube_err *err)
{
    return send_json(c, "PATCH", path, "application/merge-patch+json", patch,
                     out, err);
}

int kube_delete(kube_client *c, const char *path, const char *propagation,
                const char *uid, kube_err *err)
{
    json_t *opts =
        json_pack("{s:s,s:s}", "kind", "DeleteOptions", "apiVersion", "v1");
    if (propagation)
        json_object_set_new(opts, "propagationPolicy",
                            json_string(propagation));
    if (uid)
        json_object_set_new(opts, "preconditions",
                            json_pack("{s:s}", "uid", uid));
    int rc = send_json(c, "DELETE", path, "application/json", opts, NULL, err);
    json_decref(opts);
    return rc;
}

int kube_list(kube_client *c, const char *path, int page_size, kube_item_fn fn,
              void *ud, char **rv, kube_err *err)
{
    char limit[32];
    snprintf(limit, sizeof limit, "%d", page_size > 0 ? page_size : 500);
    char *cont = NULL;
    bool restarted = false;
    *rv = NULL;
    for (;;) {
        rn_buf p = RN_BUF_INIT;
        rn_buf_puts(&p, path);
        kube_query_add(&p, "limit", limit);
        if (cont)
            kube_query_add(&p, "continue", cont);
        json_t *page = NULL;
        int rc = kube_get(c, rn_buf_cstr(&p), &page, err);
        rn_buf_free(&p);
        if (rc < 0 && cont && err->code == 410 && !restarted) {
            /* The continue token expired: start over, once. */
            restarted = true;
            free(cont);
            cont = NULL;
            int r = fn(ud, NULL);
            if (r)
                return r;
            continue;
        }
        free(cont);
        cont = NULL;
        if (rc < 0)
            return -1;
        json_t *items = json_object_get(page, "items");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            int r = fn(ud, it);
            if (r) {
                json_decref(page);
                return r;
            }
        }
        json_t *meta = json_object_get(page, "metadata");
        const char *next = json_string_value(json_object_get(meta, "continue"));
        if (next && *next) {
            cont = strdup(next);
            json_decref(page);
            continue;
        }
        const char *v =
            json_string_value(json_object_get(meta, "resourceVersion"));
        *rv = strdup(v ? v : "");
        json_decref(page);
        return 0;
    }
}

int kube_stream(kube_client *c, const char *path, int timeout_s,
                kube_chunk_fn fn, void *ud, kube_err *err)
{
    c->chunk_fn = fn;
    c->chunk_ud = ud;
    long code;
    /* The body is only buffered when the answer is an error. */
    CURLcode rc = perform(c, "GET", path, NULL, NULL, 0,
                          timeout_s > 0 ? timeout_s : 0, &code);
    bool stopped = c->chunk_stopped;
    c->chunk_fn = NULL;
    c->chunk_ud = NULL;
    if (stopped || rc == CURLE_ABORTED_BY_CALLBACK) {
        kube_err_clear(err);
        snprintf(err->reason, sizeof err->reason, "Stopped");
        rn_error_set(&err->e, "GET %s: stream stopped", path);
        return -1;
    }
    if (rc != CURLE_OK) {
        err_transport(c, err, "GET", path, rc);
        return -1;
    }
    if (code >= 200 && code < 300)
        return 0;
    kube_err_from_response(err, "GET", path, code, c->body.data, c->body.len);
    trim_body(c);
    return -1;
}
