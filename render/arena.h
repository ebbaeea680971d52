/*
 * arena.h — region allocation and growable byte buffers for librender.
 *
 * A render is a pure function from inputs to bytes; everything it builds
 * (values, parse trees, intermediate strings) lives in one rn_arena and is
 * released at once with rn_arena_free(). Nothing allocated from an arena is
 * freed on its own. Allocation failure aborts: a renderer that cannot get a
 * few kilobytes has no way to report anything useful.
 *
 * rn_buf is a malloc-backed string builder for output that outlives the
 * arena (the rendered manifest). It is always NUL-terminated.
 */
#ifndef RN_ARENA_H
#define RN_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rn_arena rn_arena;

rn_arena *rn_arena_new(void);
void rn_arena_free(rn_arena *a);
/* Zeroed memory, aligned for any type. */
void *rn_arena_alloc(rn_arena *a, size_t n);
/* Grow a block obtained from this arena (copying); old contents kept. */
void *rn_arena_realloc(rn_arena *a, void *old, size_t oldn, size_t newn);
char *rn_arena_strndup(rn_arena *a, const char *s, size_t n);
char *rn_arena_strdup(rn_arena *a, const char *s);
char *rn_arena_printf(rn_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Total bytes handed out so far (for measurement). */
size_t rn_arena_used(const rn_arena *a);

typedef struct rn_buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} rn_buf;

#define RN_BUF_INIT                                                            \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

void rn_buf_append(rn_buf *b, const char *s, size_t n);
void rn_buf_puts(rn_buf *b, const char *s);
/* One byte, inline while it fits (the emitters and the template engine
 * write many single bytes); rn_buf_grow makes room. */
void rn_buf_grow(rn_buf *b, size_t extra);
static inline void rn_buf_putc(rn_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        rn_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void rn_buf_printf(rn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rn_buf_vprintf(rn_buf *b, const char *fmt, va_list ap);
void rn_buf_reset(rn_buf *b); /* len = 0, keeps the memory */
void rn_buf_free(rn_buf *b);
/* Hands the bytes to the caller (who frees them with free()); b is reset. */
char *rn_buf_take(rn_buf *b, size_t *len);
/* "" when empty, never NULL. */
const char *rn_buf_cstr(const rn_buf *b);

#endif
