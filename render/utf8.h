/*
 * utf8.h — Go's unicode/utf8 on byte strings: the one decoder and encoder
 * the engine, Go fmt, the functions and the JSON reader share.
 */
#ifndef RN_UTF8_H
#define RN_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define RN_RUNE_ERROR 0xFFFD

/* utf8.DecodeRune for n > 0: the rune and its length; invalid, overlong,
 * surrogate or truncated input gives (RN_RUNE_ERROR, 1). */
int32_t rn_utf8_rune(const unsigned char *s, size_t n, int *width);

/* utf8.EncodeRune: writes 1 to 4 bytes to out and returns how many;
 * a rune that is negative, a surrogate or past U+10FFFF is U+FFFD. */
size_t rn_utf8_encode(char *out, int64_t r);

/* utf8.AppendRune onto a buffer. */
void rn_utf8_put(rn_buf *b, int64_t r);

/* How many characters n bytes of UTF-8 hold: the bytes that are not
 * continuation bytes (what JSON Schema's minLength and maxLength count). */
size_t rn_utf8_count(const char *s, size_t n);

#endif
