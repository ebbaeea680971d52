/*
 * funcs_url.c — Sprig's urlParse and urlJoin: Go's net/url Parse (the
 * parts of a URL as a dict) and URL.String (a dict back to a URL), with
 * net/url's escaping rules and error messages.
 */
#include <arpa/inet.h>
#include <string.h>

#include "funcs_int.h"
#include "gofmt.h"

/* net/url's escaping modes. */
typedef enum url_mode {
    ENC_PATH,
    ENC_PATH_SEGMENT,
    ENC_HOST,
    ENC_ZONE,
    ENC_USER_PASSWORD,
    ENC_QUERY_COMPONENT,
    ENC_FRAGMENT,
} url_mode;

/* Go's shouldEscape. */
static bool should_escape(unsigned char c, url_mode mode)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return false;
    if ((mode == ENC_HOST || mode == ENC_ZONE) && c &&
        strchr("!$&'()*+,;=:[]<>\"", c))
        return false;
    if (c && strchr("-_.~", c))
        return false;
    if (c && strchr("$&+,/:;=?@", c)) {
        switch (mode) {
        case ENC_PATH:
            return c == '?';
        case ENC_PATH_SEGMENT:
            return c == '/' || c == ';' || c == ',' || c == '?';
        case ENC_USER_PASSWORD:
            return c == '@' || c == '/' || c == '?' || c == ':';
        case ENC_QUERY_COMPONENT:
            return true;
        case ENC_FRAGMENT:
            return false;
        default:
            break;
        }
    }
    if (mode == ENC_FRAGMENT && c && strchr("!()*", c))
        return false;
    return true;
}

static void url_escape(rn_buf *b, const char *s, size_t n, url_mode mode)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' && mode == ENC_QUERY_COMPONENT) {
            rn_buf_putc(b, '+');
        } else if (should_escape(c, mode)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rn_buf_append(b, e, 3);
        } else {
            rn_buf_putc(b, (char)c);
        }
    }
}

static int unhex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A parse error, worded as Go's; the caller adds the `parse "…": ` part. */
typedef struct url_err {
    rn_buf msg;
    bool set;
} url_err;

static bool fail(url_err *e, const char *msg)
{
    rn_buf_puts(&e->msg, msg);
    e->set = true;
    return false;
}

/* `<what> "<s>"<tail>` with s quoted as strconv.Quote does. */
static bool fail_quoted(url_err *e, const char *what, const char *s, size_t n,
                        const char *tail)
{
    rn_arena *a = rn_arena_new();
    rn_value *arg = rn_str(a, s, n);
    rn_buf_puts(&e->msg, what);
    rn_gofmt_sprintf(&e->msg, "%q", 2, 1, &arg);
    rn_buf_puts(&e->msg, tail);
    rn_arena_free(a);
    e->set = true;
    return false;
}

/* Go's unescape into b. */
static bool url_unescape(rn_buf *b, const char *s, size_t n, url_mode mode,
                         url_err *e)
{
    for (size_t i = 0; i < n;) {
        if (s[i] == '%') {
            if (i + 2 >= n || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0)
                return fail_quoted(e, "invalid URL escape ", s + i,
                                   n - i > 3 ? 3 : n - i, "");
            int v = unhex(s[i + 1]) << 4 | unhex(s[i + 2]);
            if (mode == ENC_HOST && unhex(s[i + 1]) < 8 &&
                memcmp(s + i, "%25", 3) != 0)
                return fail_quoted(e, "invalid URL escape ", s + i, 3, "");
            if (mode == ENC_ZONE && memcmp(s + i, "%25", 3) != 0 && v != ' ' &&
                should_escape((unsigned char)v, ENC_HOST))
                return fail_quoted(e, "invalid URL escape ", s + i, 3, "");
            i += 3;
            continue;
        }
        if ((mode == ENC_HOST || mode == ENC_ZONE) &&
            (unsigned char)s[i] < 0x80 &&
            should_escape((unsigned char)s[i], mode))
            return fail_quoted(e, "invalid character ", s + i, 1,
                               " in host name");
        i++;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            rn_buf_putc(b, (char)(unhex(s[i + 1]) << 4 | unhex(s[i + 2])));
            i += 2;
        } else if (s[i] == '+' && mode == ENC_QUERY_COMPONENT) {
            rn_buf_putc(b, ' ');
        } else {
            rn_buf_putc(b, s[i]);
        }
    }
    return true;
}

/* The parts of a URL, as Sprig puts them in its dict. */
typedef struct url_parts {
    rn_buf scheme, opaque, host, path, query, fragment;
    rn_buf user, password;
    bool has_user, has_password, force_query, omit_host;
} url_parts;

static void parts_free(url_parts *u)
{
    rn_buf *bufs[] = {&u->scheme, &u->opaque,   &u->host, &u->path,
                      &u->query,  &u->fragment, &u->user, &u->password};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        rn_buf_free(bufs[i]);
}

static bool valid_port(const char *p, size_t n)
{
    if (n == 0)
        return true;
    if (p[0] != ':')
        return false;
    for (size_t i = 1; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static const char *last_of(const char *s, size_t n, char c)
{
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == c)
            return s + i - 1;
    return NULL;
}

/* "[v6%25zone]:port" */
static bool parse_ip_literal(url_parts *u, const char *h, size_t n, url_err *e)
{
    const char *close = last_of(h, n, ']');
    if (!close)
        return fail(e, "missing ']' in host");
    const char *port = close + 1;
    size_t pn = n - (size_t)(port - h);
    if (!valid_port(port, pn))
        return fail_quoted(e, "invalid port ", port, pn, " after host");
    const char *name = h + 1;
    size_t nn = (size_t)(close - name);
    const char *zone = NULL;
    for (size_t i = 0; i + 3 <= nn && !zone; i++)
        if (!memcmp(name + i, "%25", 3))
            zone = name + i;
    size_t addr_len = zone ? (size_t)(zone - name) : nn;
    rn_buf host = RN_BUF_INIT;
    rn_buf_append(&host, "", 0);
    bool ok = url_unescape(&host, name, addr_len, ENC_HOST, e);
    size_t plain = host.len;
    if (ok && zone)
        ok = url_unescape(&host, zone, nn - addr_len, ENC_ZONE, e);
    if (ok) {
        char addr[64];
        unsigned char bin[16];
        size_t k = plain < sizeof addr - 1 ? plain : sizeof addr - 1;
        memcpy(addr, rn_buf_cstr(&host), k);
        addr[k] = '\0';
        /* only an IPv6 address may sit in brackets */
        if (inet_pton(AF_INET6, addr, bin) != 1) {
            if (inet_pton(AF_INET, addr, bin) == 1)
                ok = fail(e, "invalid IP-literal");
            else
                ok = fail_quoted(e, "invalid host: ParseAddr(", addr, k,
                                 "): unable to parse IP");
        }
    }
    if (ok) {
        rn_buf_putc(&u->host, '[');
        rn_buf_append(&u->host, rn_buf_cstr(&host), host.len);
        rn_buf_putc(&u->host, ']');
        ok = url_unescape(&u->host, port, pn, ENC_HOST, e);
    }
    rn_buf_free(&host);
    return ok;
}

/* Go's parseHost. */
static bool parse_host(url_parts *u, const char *h, size_t n, url_err *e)
{
    const char *open = last_of(h, n, '[');
    if (open && open > h)
        return fail(e, "invalid IP-literal");
    if (open == h)
        return parse_ip_literal(u, h, n, e);
    const char *colon = memchr(h, ':', n);
    if (colon) {
        const char *last = last_of(h, n, ':');
        bool web = !strcmp(rn_buf_cstr(&u->scheme), "http") ||
                   !strcmp(rn_buf_cstr(&u->scheme), "https");
        if (last != colon && !web)
            colon = last;
        size_t pn = n - (size_t)(colon - h);
        if (!valid_port(colon, pn))
            return fail_quoted(e, "invalid port ", colon, pn, " after host");
    }
    return url_unescape(&u->host, h, n, ENC_HOST, e);
}

static bool valid_userinfo(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9'))
            continue;
        if (c && strchr("-._:~!$&'()*+,;=%@", c))
            continue;
        return false;
    }
    return true;
}

/* Go's parseAuthority. */
static bool parse_authority(url_parts *u, const char *a, size_t n, url_err *e)
{
    const char *at = last_of(a, n, '@');
    const char *host = at ? at + 1 : a;
    if (!parse_host(u, host, n - (size_t)(host - a), e))
        return false;
    if (!at)
        return true;
    size_t un = (size_t)(at - a);
    if (!valid_userinfo(a, un))
        return fail(e, "net/url: invalid userinfo");
    const char *colon = memchr(a, ':', un);
    u->has_user = true;
    rn_buf_append(&u->user, "", 0);
    if (!colon)
        return url_unescape(&u->user, a, un, ENC_USER_PASSWORD, e);
    u->has_password = true;
    rn_buf_append(&u->password, "", 0);
    return url_unescape(&u->user, a, (size_t)(colon - a), ENC_USER_PASSWORD,
                        e) &&
           url_unescape(&u->password, colon + 1, un - (size_t)(colon - a) - 1,
                        ENC_USER_PASSWORD, e);
}

/* Go's getScheme: the scheme length, 0 for none; false on ":..." */
static bool get_scheme(const char *s, size_t n, size_t *len, url_err *e)
{
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            continue;
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            if (i == 0)
                return true;
            continue;
        }
        if (c == ':') {
            if (i == 0)
                return fail(e, "missing protocol scheme");
            *len = i;
        }
        return true;
    }
    return true;
}

/* Go's parse(rawURL, viaRequest=false), without the fragment. */
static bool parse_rest(url_parts *u, const char *s, size_t n, url_err *e)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return fail(e, "net/url: invalid control character in URL");
    if (n == 1 && s[0] == '*') {
        rn_buf_putc(&u->path, '*');
        return true;
    }
    size_t sl;
    if (!get_scheme(s, n, &sl, e))
        return false;
    for (size_t i = 0; i < sl; i++)
        rn_buf_putc(&u->scheme,
                    (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]));
    if (sl) {
        s += sl + 1;
        n -= sl + 1;
    }
    const char *q = memchr(s, '?', n);
    if (q && q == s + n - 1) {
        u->force_query = true;
        n--;
    } else if (q) {
        rn_buf_append(&u->query, q + 1, n - (size_t)(q - s) - 1);
        n = (size_t)(q - s);
    }
    if (n == 0 || s[0] != '/') {
        if (sl) {
            rn_buf_append(&u->opaque, s, n);
            return true;
        }
        const char *slash = memchr(s, '/', n);
        size_t seg = slash ? (size_t)(slash - s) : n;
        if (memchr(s, ':', seg))
            return fail(e, "first path segment in URL cannot contain colon");
    }
    bool triple = n >= 3 && !memcmp(s, "///", 3);
    if ((sl || !triple) && n >= 2 && !memcmp(s, "//", 2)) {
        const char *auth = s + 2;
        const char *slash = memchr(auth, '/', n - 2);
        size_t an = slash ? (size_t)(slash - auth) : n - 2;
        if (!parse_authority(u, auth, an, e))
            return false;
        s = auth + an;
        n = n - 2 - an;
    } else if (sl && n > 0 && s[0] == '/') {
        u->omit_host = true;
    }
    return url_unescape(&u->path, s, n, ENC_PATH, e);
}

/* url.Parse; on failure the message is Go's *url.Error text. */
static bool url_parse(url_parts *u, const char *s, size_t n, rn_buf *err)
{
    url_err e = {RN_BUF_INIT, false};
    const char *hash = memchr(s, '#', n);
    size_t un = hash ? (size_t)(hash - s) : n;
    bool ok = parse_rest(u, s, un, &e);
    size_t quoted = un;
    if (ok && hash && hash + 1 < s + n) {
        ok = url_unescape(&u->fragment, hash + 1, n - un - 1, ENC_FRAGMENT, &e);
        quoted = n;
    }
    if (!ok) {
        rn_arena *a = rn_arena_new();
        rn_value *args[2] = {rn_str(a, s, quoted),
                             rn_str(a, rn_buf_cstr(&e.msg), e.msg.len)};
        rn_gofmt_sprintf(err, "parse %q: %s", 12, 2, args);
        rn_arena_free(a);
    }
    rn_buf_free(&e.msg);
    return ok;
}

static void set_buf(rn_arena *a, rn_value *m, const char *key, rn_buf *b)
{
    rn_map_setz(a, m, key, rn_str(a, b->len ? rn_buf_cstr(b) : "", b->len));
}

/* Hostname(): the host without its port and brackets. */
static rn_value *hostname(rn_arena *a, const rn_buf *host)
{
    const char *h = host->len ? rn_buf_cstr(host) : "";
    size_t n = host->len;
    const char *colon = last_of(h, n, ':');
    if (colon && valid_port(colon, n - (size_t)(colon - h)))
        n = (size_t)(colon - h);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
        return rn_str(a, h + 1, n - 2);
    return rn_str(a, h, n);
}

static void userinfo_string(rn_buf *b, const url_parts *u)
{
    url_escape(b, rn_buf_cstr(&u->user), u->user.len, ENC_USER_PASSWORD);
    if (u->has_password) {
        rn_buf_putc(b, ':');
        url_escape(b, rn_buf_cstr(&u->password), u->password.len,
                   ENC_USER_PASSWORD);
    }
}

RN_FN(rn_fn_urlparse)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    url_parts u = {0};
    rn_buf err = RN_BUF_INIT;
    if (!url_parse(&u, s, n, &err)) {
        int rc = tmpl_fail(ctx, "unable to parse url: %s", rn_buf_cstr(&err));
        rn_buf_free(&err);
        parts_free(&u);
        return rc;
    }
    rn_value *m = rn_map_new(a, 9);
    set_buf(a, m, "scheme", &u.scheme);
    set_buf(a, m, "host", &u.host);
    rn_map_setz(a, m, "hostname", hostname(a, &u.host));
    set_buf(a, m, "path", &u.path);
    set_buf(a, m, "query", &u.query);
    set_buf(a, m, "opaque", &u.opaque);
    set_buf(a, m, "fragment", &u.fragment);
    rn_buf ui = RN_BUF_INIT;
    rn_buf_append(&ui, "", 0);
    if (u.has_user)
        userinfo_string(&ui, &u);
    set_buf(a, m, "userinfo", &ui);
    rn_buf_free(&ui);
    parts_free(&u);
    *out = m;
    return 0;
}

/* Sprig's dictGetOrEmpty: a string, "" when absent, else a panic. */
static int dict_str(tmpl_ctx *ctx, rn_value *d, const char *key, rn_buf *b)
{
    rn_value *v = d ? rn_map_getz(d, key) : NULL;
    if (!v)
        return 0;
    if (v->kind != RN_STRING)
        return tmpl_fail(ctx,
                         "unable to parse %s key, must be of type string, "
                         "but %s found",
                         key, rn_fn_kind_name(v));
    rn_buf_append(b, v->u.s.ptr, v->u.s.len);
    return 0;
}

/* URL.String(). */
static void url_string(rn_buf *b, const url_parts *u)
{
    const char *host = rn_buf_cstr(&u->host);
    if (u->scheme.len) {
        rn_buf_append(b, rn_buf_cstr(&u->scheme), u->scheme.len);
        rn_buf_putc(b, ':');
    }
    if (u->opaque.len) {
        rn_buf_append(b, rn_buf_cstr(&u->opaque), u->opaque.len);
    } else {
        if ((u->scheme.len || u->host.len || u->has_user) &&
            !(u->omit_host && !u->host.len && !u->has_user)) {
            if (u->host.len || u->path.len || u->has_user)
                rn_buf_puts(b, "//");
            if (u->has_user) {
                userinfo_string(b, u);
                rn_buf_putc(b, '@');
            }
            url_escape(b, host, u->host.len, ENC_HOST);
        }
        rn_buf path = RN_BUF_INIT;
        rn_buf_append(&path, "", 0);
        if (u->path.len == 1 && rn_buf_cstr(&u->path)[0] == '*')
            rn_buf_putc(&path, '*');
        else
            url_escape(&path, rn_buf_cstr(&u->path), u->path.len, ENC_PATH);
        const char *p = rn_buf_cstr(&path);
        if (path.len && p[0] != '/' && u->host.len)
            rn_buf_putc(b, '/');
        if (b->len == 0) { /* "./a:b", not the scheme "a" */
            const char *slash = memchr(p, '/', path.len);
            size_t seg = slash ? (size_t)(slash - p) : path.len;
            if (memchr(p, ':', seg))
                rn_buf_puts(b, "./");
        }
        rn_buf_append(b, p, path.len);
        rn_buf_free(&path);
    }
    if (u->force_query || u->query.len) {
        rn_buf_putc(b, '?');
        rn_buf_append(b, rn_buf_cstr(&u->query), u->query.len);
    }
    if (u->fragment.len) {
        rn_buf_putc(b, '#');
        url_escape(b, rn_buf_cstr(&u->fragment), u->fragment.len, ENC_FRAGMENT);
    }
}

RN_FN(rn_fn_urljoin)
{
    rn_value *d;
    if (rn_fn_arg_map(ctx, argv, 0, &d) != 0)
        return -1;
    url_parts u = {0};
    rn_buf ui = RN_BUF_INIT;
    int rc = 0;
    if (dict_str(ctx, d, "scheme", &u.scheme) ||
        dict_str(ctx, d, "host", &u.host) ||
        dict_str(ctx, d, "path", &u.path) ||
        dict_str(ctx, d, "query", &u.query) ||
        dict_str(ctx, d, "opaque", &u.opaque) ||
        dict_str(ctx, d, "fragment", &u.fragment) ||
        dict_str(ctx, d, "userinfo", &ui))
        rc = -1;
    if (rc == 0 && ui.len) {
        /* Sprig parses "proto://<userinfo>@host" to split the userinfo */
        url_parts t = {0};
        rn_buf raw = RN_BUF_INIT, err = RN_BUF_INIT;
        rn_buf_printf(&raw, "proto://%s@host", rn_buf_cstr(&ui));
        if (url_parse(&t, rn_buf_cstr(&raw), raw.len, &err)) {
            u.has_user = t.has_user;
            u.has_password = t.has_password;
            rn_buf_append(&u.user, t.user.len ? rn_buf_cstr(&t.user) : "",
                          t.user.len);
            rn_buf_append(&u.password,
                          t.password.len ? rn_buf_cstr(&t.password) : "",
                          t.password.len);
        } else {
            rc = tmpl_fail(ctx, "unable to parse userinfo in dict: %s",
                           rn_buf_cstr(&err));
        }
        rn_buf_free(&raw);
        rn_buf_free(&err);
        parts_free(&t);
    }
    if (rc == 0) {
        rn_buf b = RN_BUF_INIT;
        rn_buf_append(&b, "", 0);
        url_string(&b, &u);
        *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    }
    rn_buf_free(&ui);
    parts_free(&u);
    return rc;
}
