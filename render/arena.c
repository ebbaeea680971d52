/*
 * arena.c — bump allocation in chunks, plus the malloc-backed rn_buf.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)
#define ALIGN 16

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    _Alignas(ALIGN) unsigned char data[];
} chunk;

struct rn_arena {
    chunk *head;
    size_t total;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("librender: out of memory\n", stderr);
        abort();
    }
    return p;
}

rn_arena *rn_arena_new(void)
{
    rn_arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->total = 0;
    return a;
}

void rn_arena_free(rn_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *rn_arena_alloc(rn_arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN / 4 ? n : CHUNK_MIN;
        chunk *fresh = xmalloc(sizeof *fresh + size);
        fresh->size = size;
        fresh->used = 0;
        if (c && size == n) {
            /* A big block: put it behind the current chunk so the
             * current chunk's free space is not abandoned. */
            fresh->next = c->next;
            c->next = fresh;
        } else {
            fresh->next = c;
            a->head = fresh;
        }
        c = fresh;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

void *rn_arena_realloc(rn_arena *a, void *old, size_t oldn, size_t newn)
{
    if (newn <= oldn)
        return old;
    void *p = rn_arena_alloc(a, newn);
    if (old && oldn)
        memcpy(p, old, oldn);
    return p;
}

char *rn_arena_strndup(rn_arena *a, const char *s, size_t n)
{
    char *p = rn_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rn_arena_strdup(rn_arena *a, const char *s)
{
    return rn_arena_strndup(a, s, strlen(s));
}

char *rn_arena_printf(rn_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = rn_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

size_t rn_arena_used(const rn_arena *a)
{
    return a->total;
}

static void buf_reserve(rn_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        fputs("librender: out of memory\n", stderr);
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void rn_buf_append(rn_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rn_buf_puts(rn_buf *b, const char *s)
{
    rn_buf_append(b, s, strlen(s));
}

void rn_buf_grow(rn_buf *b, size_t extra)
{
    buf_reserve(b, extra);
}

void rn_buf_vprintf(rn_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void rn_buf_printf(rn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rn_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void rn_buf_reset(rn_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void rn_buf_free(rn_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *rn_buf_take(rn_buf *b, size_t *len)
{
    if (!b->data)
        buf_reserve(b, 0), b->data[0] = '\0';
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

const char *rn_buf_cstr(const rn_buf *b)
{
    return b->data ? b->data : "";
}
