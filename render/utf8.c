/*
 * utf8.c — Go's utf8.DecodeRune and EncodeRune.
 */
#include "utf8.h"

int32_t rn_utf8_rune(const unsigned char *s, size_t n, int *width)
{
    *width = 1;
    if (n == 0)
        return RN_RUNE_ERROR;
    unsigned c = s[0];
    if (c < 0x80)
        return (int32_t)c;
    int need;
    uint32_t r, min;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1, r = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2, r = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3, r = c & 0x07, min = 0x10000;
    else
        return RN_RUNE_ERROR;
    if (n < (size_t)need + 1)
        return RN_RUNE_ERROR;
    for (int i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return RN_RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return RN_RUNE_ERROR;
    *width = need + 1;
    return (int32_t)r;
}

size_t rn_utf8_encode(char *out, int64_t r)
{
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = RN_RUNE_ERROR;
    uint32_t u = (uint32_t)r;
    if (u < 0x80) {
        out[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (char)(0xC0 | (u >> 6));
        out[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        out[0] = (char)(0xE0 | (u >> 12));
        out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (u >> 18));
    out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
    out[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

void rn_utf8_put(rn_buf *b, int64_t r)
{
    char enc[4];
    rn_buf_append(b, enc, rn_utf8_encode(enc, r));
}

size_t rn_utf8_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}
