/*
 * http_request.c — the head of an HTTP/1.x request (see http_request.h).
 */
#include "http_request.h"

#include <string.h>
#include <strings.h>

/* The line starting at *p (before end), without its CRLF or LF; *p moves
 * past it. false when no line ends before `end`: a head cut short ends
 * at its last complete line. */
static bool next_line(const char **p, const char *end, const char **line,
                      size_t *len)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl)
        return false;
    *line = *p;
    *len = (size_t)(nl - *p);
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    *p = nl + 1;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* `METHOD SP TARGET SP HTTP/1.x`, one space between the parts. */
static int request_line(const char *s, size_t n, http_request *out)
{
    const char *sp1 = memchr(s, ' ', n);
    if (!sp1 || sp1 == s || (size_t)(sp1 - s) > HTTP_METHOD_MAX)
        return -1;
    for (const char *c = s; c < sp1; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
            return -1;
    memcpy(out->method, s, (size_t)(sp1 - s));
    out->method[sp1 - s] = '\0';
    const char *t = sp1 + 1, *end = s + n;
    const char *sp2 = memchr(t, ' ', (size_t)(end - t));
    if (!sp2 || sp2 == t || *t != '/')
        return -1;
    const char *version = sp2 + 1;
    if ((size_t)(end - version) != 8 || memcmp(version, "HTTP/1.", 7) != 0 ||
        version[7] < '0' || version[7] > '9')
        return -1;
    const char *q = memchr(t, '?', (size_t)(sp2 - t));
    size_t plen = (size_t)((q ? q : sp2) - t);
    if (plen > HTTP_PATH_MAX)
        return -1;
    for (const char *c = t; c < sp2; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return -1;
    memcpy(out->path, t, plen);
    out->path[plen] = '\0';
    return 0;
}

/* `Name: value`; an Authorization value goes into *out. */
static int header_line(const char *s, size_t n, http_request *out)
{
    const char *colon = memchr(s, ':', n);
    if (!colon || colon == s)
        return -1;
    for (const char *c = s; c < colon; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return -1; /* no blank before the colon (RFC 9112, 5.1) */
    if ((size_t)(colon - s) != 13 || strncasecmp(s, "Authorization", 13) != 0)
        return 0;
    if (out->has_authorization)
        return -1; /* two: which one counts would be a guess */
    const char *v = colon + 1, *end = s + n;
    while (v < end && is_blank(*v))
        v++;
    while (end > v && is_blank(end[-1]))
        end--;
    size_t vlen = (size_t)(end - v);
    if (vlen > HTTP_AUTHZ_MAX)
        return -1;
    for (const char *c = v; c < end; c++)
        if (((unsigned char)*c < ' ' && *c != '\t') || *c == 0x7f)
            return -1;
    memcpy(out->authorization, v, vlen);
    out->authorization[vlen] = '\0';
    out->has_authorization = true;
    return 0;
}

int http_request_parse(const char *head, size_t len, http_request *out)
{
    memset(out, 0, sizeof *out);
    const char *p = head, *end = head + len, *line;
    size_t n;
    if (!next_line(&p, end, &line, &n) || request_line(line, n, out) < 0)
        return -1;
    while (next_line(&p, end, &line, &n) && n > 0)
        if (header_line(line, n, out) < 0)
            return -1;
    return 0;
}
