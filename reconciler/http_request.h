/*
 * http_request.h — the head of an HTTP/1.x request (request line and
 * header lines) as the operator's endpoints read it (serve.c). Pure: no
 * I/O, no allocation, so it is unit-tested and fuzzed on its own; the
 * endpoints face whatever reaches their port.
 *
 * What it takes: `METHOD SP TARGET SP HTTP/1.x` and header lines
 * `Name: value`, each ending in CRLF or LF, up to an empty line (the end
 * of the head need not be there: what came is read). The method is at
 * most HTTP_METHOD_MAX bytes of letters, the target an origin-form path
 * ("/..."; its query is cut off) of at most HTTP_PATH_MAX bytes. Of the
 * headers only Authorization is kept; it may appear once. Anything else is
 * malformed: the caller answers 400.
 */
#ifndef RC_HTTP_REQUEST_H
#define RC_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_METHOD_MAX 7
#define HTTP_PATH_MAX 255
#define HTTP_AUTHZ_MAX 8191

typedef struct http_request {
    char method[HTTP_METHOD_MAX + 1];
    char path[HTTP_PATH_MAX + 1];
    /* The Authorization header's value, blanks around it trimmed; "" and
     * has_authorization false when the request has none. */
    char authorization[HTTP_AUTHZ_MAX + 1];
    bool has_authorization;
} http_request;

/* Parse the `len` bytes at `head` (no NUL needed) into *out. 0, or -1
 * when the request is malformed (*out then holds nothing to use). */
int http_request_parse(const char *head, size_t len, http_request *out);

#endif
