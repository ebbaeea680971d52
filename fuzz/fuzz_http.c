/*
 * fuzz_http.c — libFuzzer target over the request heads the operator's
 * health and metrics endpoints parse (reconciler/http_request.c): any
 * bytes a client may send. A parse that succeeds must hand back what the
 * parser promises: a method of letters, an origin-form path without its
 * query, an Authorization value without control bytes; every string
 * ends within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_request.h"

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    /* A copy of exactly `size` bytes: ASan catches a read past it. */
    char *head = malloc(size ? size : 1);
    memcpy(head, data, size);
    http_request r;
    if (http_request_parse(head, size, &r) == 0) {
        size_t m = strnlen(r.method, sizeof r.method);
        size_t p = strnlen(r.path, sizeof r.path);
        size_t a = strnlen(r.authorization, sizeof r.authorization);
        check(m > 0 && m < sizeof r.method);
        check(p > 0 && p < sizeof r.path && r.path[0] == '/');
        check(a < sizeof r.authorization);
        check(r.has_authorization || a == 0);
        check(!strchr(r.path, '?') && !strchr(r.path, ' '));
        for (size_t i = 0; i < m; i++)
            check((r.method[i] | 0x20) >= 'a' && (r.method[i] | 0x20) <= 'z');
        for (size_t i = 0; i < a; i++)
            check((unsigned char)r.authorization[i] >= ' ' ||
                  r.authorization[i] == '\t');
    }
    free(head);
    return 0;
}
