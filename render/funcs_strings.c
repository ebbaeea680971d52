/*
 * funcs_strings.c — Sprig's string functions (strings.go and the Go
 * standard library functions Sprig maps names to: strings.ToUpper,
 * strings.Title, path.Base, ...), plus Go's UTF-8 decoding and the part of
 * the Unicode tables those functions need.
 *
 * Byte offsets follow Go: trunc, substr and abbrev count bytes, not runes.
 * The goutils functions behind nospace and initials walk bytes and treat
 * each byte as a rune; that is reproduced, mangling included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcs_int.h"
#include "gofmt.h"
#include "unicode_class.h"
#include "utf8.h"

/* --- UTF-8 --- */

int32_t rn_fn_utf8_decode(const char *s, size_t len, size_t *width)
{
    int w;
    int32_t r = rn_utf8_rune((const unsigned char *)s, len, &w);
    *width = (size_t)w;
    return r;
}

void rn_fn_utf8_put(rn_buf *b, int32_t r)
{
    rn_utf8_put(b, r);
}

/* --- Unicode. Letters come from Go's tables (unicode_class.c); case
 * mapping covers Latin, Greek, Cyrillic and full-width forms, other
 * scripts are left as they are. --- */

bool rn_fn_uni_is_space(int32_t r)
{
    switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    }
    return r >= 0x2000 && r <= 0x200A;
}

bool rn_fn_uni_is_digit(int32_t r)
{
    return (r >= '0' && r <= '9') || (r >= 0xFF10 && r <= 0xFF19);
}

bool rn_fn_uni_is_letter(int32_t r)
{
    return r >= 0 && rn_unicode_is_letter((uint32_t)r);
}

/* Upper-case partner of a lower-case rune, or 0. */
static int32_t upper_of(int32_t r)
{
    if (r >= 'a' && r <= 'z')
        return r - 32;
    if (r < 0x80)
        return 0;
    if (r == 0xB5)
        return 0x39C;
    if (r >= 0xE0 && r <= 0xFE && r != 0xF7)
        return r - 32;
    if (r == 0xFF)
        return 0x178;
    if (r == 0x131)
        return 'I';
    if (r == 0x17F)
        return 'S';
    if (r >= 0x1C4 && r <= 0x1CC) /* DŽ Dž dž, LJ Lj lj, NJ Nj nj */
        return (r - 0x1C4) % 3 ? r - (r - 0x1C4) % 3 : 0;
    if (r == 0x1F2 || r == 0x1F3)
        return 0x1F1;
    if (((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) && (r & 1))
        return r - 1;
    if (((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) && !(r & 1))
        return r - 1;
    if (r == 0x3C2)
        return 0x3A3;
    if (r >= 0x3B1 && r <= 0x3CB)
        return r - 32;
    if (r == 0x3AC)
        return 0x386;
    if (r >= 0x3AD && r <= 0x3AF)
        return r - 37;
    if (r == 0x3CC)
        return 0x38C;
    if (r == 0x3CD || r == 0x3CE)
        return r - 63;
    if (r >= 0x430 && r <= 0x44F)
        return r - 32;
    if (r >= 0x450 && r <= 0x45F)
        return r - 80;
    if (((r >= 0x460 && r <= 0x481) || (r >= 0x48A && r <= 0x4BF)) && (r & 1))
        return r - 1;
    if (r >= 0xFF41 && r <= 0xFF5A)
        return r - 32;
    return 0;
}

/* Lower-case partner of an upper-case rune, or 0. */
static int32_t lower_of(int32_t r)
{
    if (r >= 'A' && r <= 'Z')
        return r + 32;
    if (r < 0x80)
        return 0;
    if (r >= 0xC0 && r <= 0xDE && r != 0xD7)
        return r + 32;
    if (r == 0x178)
        return 0xFF;
    if (r == 0x130)
        return 'i';
    if (r >= 0x1C4 && r <= 0x1CC)
        return (r - 0x1C4) % 3 != 2 ? r + 2 - (r - 0x1C4) % 3 : 0;
    if (r == 0x1F1 || r == 0x1F2)
        return 0x1F3;
    if (((r >= 0x100 && r <= 0x137) || (r >= 0x14A && r <= 0x177)) && !(r & 1))
        return r + 1;
    if (((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E)) && (r & 1))
        return r + 1;
    if (r >= 0x391 && r <= 0x3AB && r != 0x3A2)
        return r + 32;
    if (r == 0x386)
        return 0x3AC;
    if (r >= 0x388 && r <= 0x38A)
        return r + 37;
    if (r == 0x38C)
        return 0x3CC;
    if (r == 0x38E || r == 0x38F)
        return r + 63;
    if (r >= 0x410 && r <= 0x42F)
        return r + 32;
    if (r >= 0x400 && r <= 0x40F)
        return r + 80;
    if (((r >= 0x460 && r <= 0x481) || (r >= 0x48A && r <= 0x4BF)) && !(r & 1))
        return r + 1;
    if (r >= 0xFF21 && r <= 0xFF3A)
        return r + 32;
    return 0;
}

bool rn_fn_uni_is_upper(int32_t r)
{
    return lower_of(r) != 0;
}
bool rn_fn_uni_is_lower(int32_t r)
{
    return upper_of(r) != 0;
}

int32_t rn_fn_uni_to_upper(int32_t r)
{
    int32_t u = upper_of(r);
    return u ? u : r;
}

/* unicode.ToTitle: the digraphs have a title case of their own. */
static int32_t to_title(int32_t r)
{
    if (r >= 0x1C4 && r <= 0x1CC)
        return r - (r - 0x1C4) % 3 + 1;
    if (r >= 0x1F1 && r <= 0x1F3)
        return 0x1F2;
    return rn_fn_uni_to_upper(r);
}

int32_t rn_fn_uni_to_lower(int32_t r)
{
    int32_t l = lower_of(r);
    return l ? l : r;
}

/* --- shared pieces --- */

static rn_value *str_value(tmpl_ctx *ctx, const char *s, size_t n)
{
    return rn_str(tmpl_arena(ctx), s, n);
}

/* Fetch string arguments argv[from..from+count). */
static int str_args(tmpl_ctx *ctx, rn_value **argv, int from, int count,
                    const char **s, size_t *n)
{
    for (int i = 0; i < count; i++)
        if (rn_fn_arg_str(ctx, argv, from + i, &s[i], &n[i]) != 0)
            return -1;
    return 0;
}

/* strings.Map with a rune mapping: invalid bytes come out as U+FFFD. */
static rn_value *map_runes(tmpl_ctx *ctx, const char *s, size_t n,
                           int32_t (*fn)(int32_t))
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0, w; i < n; i += w)
        rn_fn_utf8_put(&b, fn(rn_fn_utf8_decode(s + i, n - i, &w)));
    return rn_fn_buf_value(tmpl_arena(ctx), &b);
}

static const char *go_memmem(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0)
        return h;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
            return h + i;
    return NULL;
}

/* The panic text of an out-of-range string slice expression. */
static int slice_panic(tmpl_ctx *ctx, int64_t lo, int64_t hi, size_t len,
                       bool hi_given)
{
    if (hi_given && (hi < 0 || (size_t)hi > len)) {
        if (hi < 0)
            return tmpl_fail(ctx,
                             "runtime error: slice bounds out of range "
                             "[:%lld]",
                             (long long)hi);
        return tmpl_fail(ctx,
                         "runtime error: slice bounds out of range "
                         "[:%lld] with length %zu",
                         (long long)hi, len);
    }
    if (lo < 0)
        return tmpl_fail(ctx,
                         "runtime error: slice bounds out of range "
                         "[%lld:]",
                         (long long)lo);
    return tmpl_fail(ctx,
                     "runtime error: slice bounds out of range "
                     "[%lld:%lld]",
                     (long long)lo, (long long)hi);
}

/* Sprig's hello. */
RN_FN(rn_fn_hello)
{
    (void)argc, (void)argv;
    *out = rn_strz(tmpl_arena(ctx), "Hello!");
    return 0;
}

/* --- case --- */

RN_FN(rn_fn_upper)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    *out = map_runes(ctx, s, n, rn_fn_uni_to_upper);
    return 0;
}

RN_FN(rn_fn_lower)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    *out = map_runes(ctx, s, n, rn_fn_uni_to_lower);
    return 0;
}

/* strings.Title's word boundaries. */
static bool title_separator(int32_t r)
{
    if (r <= 0x7F) {
        if ((r >= '0' && r <= '9') ||
            ((r | 0x20) >= 'a' && (r | 0x20) <= 'z') || r == '_')
            return false;
        return true;
    }
    if (rn_fn_uni_is_letter(r) || rn_fn_uni_is_digit(r))
        return false;
    return rn_fn_uni_is_space(r);
}

RN_FN(rn_fn_title)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    int32_t prev = ' ';
    for (size_t i = 0, w; i < n; i += w) {
        int32_t r = rn_fn_utf8_decode(s + i, n - i, &w);
        rn_fn_utf8_put(&b, title_separator(prev) ? to_title(r) : r);
        prev = r;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_untitle)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    bool next = true;
    for (size_t i = 0, w; i < n; i += w) {
        int32_t r = rn_fn_utf8_decode(s + i, n - i, &w);
        if (rn_fn_uni_is_space(r)) {
            next = true;
        } else if (next) {
            r = rn_fn_uni_to_lower(r);
            next = false;
        }
        rn_fn_utf8_put(&b, r);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_swapcase)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0, w; i < n; i += w) {
        int32_t r = rn_fn_utf8_decode(s + i, n - i, &w);
        if (rn_fn_uni_is_upper(r))
            r = rn_fn_uni_to_lower(r);
        else if (rn_fn_uni_is_lower(r))
            r = rn_fn_uni_to_upper(r);
        rn_fn_utf8_put(&b, r);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- trimming --- */

RN_FN(rn_fn_trim)
{
    const char *s;
    size_t n, w;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    size_t lo = 0, hi = n;
    while (lo < hi &&
           rn_fn_uni_is_space(rn_fn_utf8_decode(s + lo, hi - lo, &w)))
        lo += w;
    while (hi > lo) {
        size_t start = hi - 1;
        while (start > lo && hi - start < 4 &&
               ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        int32_t r = rn_fn_utf8_decode(s + start, hi - start, &w);
        if (start + w != hi) {
            r = 0xFFFD; /* a lone continuation byte */
            start = hi - 1;
        }
        if (!rn_fn_uni_is_space(r))
            break;
        hi = start;
    }
    *out = str_value(ctx, s + lo, hi - lo);
    return 0;
}

static bool in_cutset(int32_t r, const char *cut, size_t cn)
{
    for (size_t i = 0, w; i < cn; i += w)
        if (rn_fn_utf8_decode(cut + i, cn - i, &w) == r)
            return true;
    return false;
}

/* strings.Trim(s, cutset), rune by rune. */
RN_FN(rn_fn_trimall)
{
    const char *a[2];
    size_t n[2], w;
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    const char *cut = a[0], *s = a[1];
    size_t lo = 0, hi = n[1];
    while (lo < hi &&
           in_cutset(rn_fn_utf8_decode(s + lo, hi - lo, &w), cut, n[0]))
        lo += w;
    while (hi > lo) {
        size_t start = hi - 1;
        while (start > lo && hi - start < 4 &&
               ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        int32_t r = rn_fn_utf8_decode(s + start, hi - start, &w);
        if (start + w != hi) {
            r = 0xFFFD;
            start = hi - 1;
        }
        if (!in_cutset(r, cut, n[0]))
            break;
        hi = start;
    }
    *out = str_value(ctx, s + lo, hi - lo);
    return 0;
}

RN_FN(rn_fn_trimsuffix)
{
    const char *a[2];
    size_t n[2];
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    size_t len = n[1];
    if (n[0] <= n[1] && memcmp(a[1] + n[1] - n[0], a[0], n[0]) == 0)
        len -= n[0];
    *out = str_value(ctx, a[1], len);
    return 0;
}

RN_FN(rn_fn_trimprefix)
{
    const char *a[2];
    size_t n[2];
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    if (n[0] <= n[1] && memcmp(a[1], a[0], n[0]) == 0)
        *out = str_value(ctx, a[1] + n[0], n[1] - n[0]);
    else
        *out = argv[1];
    return 0;
}

/* goutils walks bytes and widens each to a rune (Latin-1 style). */
static bool byte_is_space(unsigned char c)
{
    return rn_fn_uni_is_space(c);
}

RN_FN(rn_fn_nospace)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    size_t spaces = 0;
    for (size_t i = 0; i < n; i++)
        spaces += byte_is_space((unsigned char)s[i]);
    if (spaces == 0) {
        *out = argv[0];
        return 0;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++)
        if (!byte_is_space((unsigned char)s[i]))
            rn_fn_utf8_put(&b, (unsigned char)s[i]);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_initials)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    bool gap = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (byte_is_space(c)) {
            gap = true;
        } else if (gap) {
            rn_fn_utf8_put(&b, c);
            gap = false;
        }
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- slicing --- */

RN_FN(rn_fn_trunc)
{
    int64_t c;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &c) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &n) != 0)
        return -1;
    if (c < 0 && (int64_t)n + c > 0)
        *out = str_value(ctx, s + n + c, (size_t)-c);
    else if (c >= 0 && (int64_t)n > c)
        *out = str_value(ctx, s, (size_t)c);
    else
        *out = argv[1];
    return 0;
}

RN_FN(rn_fn_substr)
{
    int64_t start, end;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &start) != 0 ||
        rn_fn_arg_int(ctx, argv, 1, &end) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &s, &n) != 0)
        return -1;
    if (start < 0) {
        if (end < 0 || (size_t)end > n)
            return slice_panic(ctx, 0, end, n, true);
        *out = str_value(ctx, s, (size_t)end);
    } else if (end < 0 || (size_t)end > n) {
        if ((size_t)start > n)
            return slice_panic(ctx, start, (int64_t)n, n, false);
        *out = str_value(ctx, s + start, n - (size_t)start);
    } else {
        if (start > end)
            return slice_panic(ctx, start, end, n, false);
        *out = str_value(ctx, s + start, (size_t)(end - start));
    }
    return 0;
}

/* goutils.AbbreviateFull; "" with an error becomes "". */
static void abbreviate(rn_buf *b, const char *s, size_t n, int64_t off,
                       int64_t width)
{
    int64_t len = (int64_t)n;
    if (n == 0 || width < 4)
        return;
    if (len <= width) {
        rn_buf_append(b, s, n);
        return;
    }
    if (off > len)
        off = len;
    if (len - off < width - 3)
        off = len - (width - 3);
    if (off <= 4) {
        rn_buf_append(b, s, (size_t)(width - 3));
        rn_buf_puts(b, "...");
        return;
    }
    if (width < 7)
        return;
    if (off + width - 3 < len) {
        rn_buf_puts(b, "...");
        abbreviate(b, s + off, (size_t)(len - off), 0, width - 3);
        return;
    }
    rn_buf_puts(b, "...");
    rn_buf_append(b, s + len - (width - 3), (size_t)(width - 3));
}

RN_FN(rn_fn_abbrev)
{
    int64_t width;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &width) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &n) != 0)
        return -1;
    if (width < 4) {
        *out = argv[1];
        return 0;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    abbreviate(&b, s, n, 0, width);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_abbrevboth)
{
    int64_t left, right;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &left) != 0 ||
        rn_fn_arg_int(ctx, argv, 1, &right) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &s, &n) != 0)
        return -1;
    if (right < 4 || (left > 0 && right < 7)) {
        *out = argv[2];
        return 0;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    abbreviate(&b, s, n, left, right);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- building --- */

/* strings.Repeat, with its panics. */
static int repeat_into(tmpl_ctx *ctx, rn_buf *b, const char *s, size_t n,
                       int64_t count)
{
    if (count < 0)
        return tmpl_fail(ctx, "strings: negative Repeat count");
    if (n > 0 && (uint64_t)count > (uint64_t)(1u << 30) / n)
        return tmpl_fail(ctx, "strings: Repeat output length overflow");
    for (int64_t i = 0; i < count; i++)
        rn_buf_append(b, s, n);
    return 0;
}

RN_FN(rn_fn_repeat)
{
    int64_t count;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &count) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (repeat_into(ctx, &b, s, n, count) != 0) {
        rn_buf_free(&b);
        return -1;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

static int do_indent(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                     bool newline)
{
    int64_t spaces;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &spaces) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &n) != 0)
        return -1;
    rn_buf pad = RN_BUF_INIT, b = RN_BUF_INIT;
    rn_buf_append(&pad, "", 0);
    if (repeat_into(ctx, &pad, " ", 1, spaces) != 0) {
        rn_buf_free(&pad);
        return -1;
    }
    if (newline)
        rn_buf_putc(&b, '\n');
    rn_buf_append(&b, pad.data, pad.len);
    for (size_t i = 0; i < n; i++) {
        rn_buf_putc(&b, s[i]);
        if (s[i] == '\n')
            rn_buf_append(&b, pad.data, pad.len);
    }
    rn_buf_free(&pad);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_indent)
{
    return do_indent(ctx, argv, out, false);
}
RN_FN(rn_fn_nindent)
{
    return do_indent(ctx, argv, out, true);
}

/* strings.Replace(src, old, new, -1); an empty old matches at every rune
 * boundary. */
RN_FN(rn_fn_replace)
{
    const char *a[3];
    size_t n[3];
    if (str_args(ctx, argv, 0, 3, a, n) != 0)
        return -1;
    const char *old = a[0], *rep = a[1], *s = a[2];
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (n[0] == 0) {
        rn_buf_append(&b, rep, n[1]);
        for (size_t i = 0, w; i < n[2]; i += w) {
            rn_fn_utf8_decode(s + i, n[2] - i, &w);
            rn_buf_append(&b, s + i, w);
            rn_buf_append(&b, rep, n[1]);
        }
    } else {
        size_t i = 0;
        const char *hit;
        while ((hit = go_memmem(s + i, n[2] - i, old, n[0])) != NULL) {
            rn_buf_append(&b, s + i, (size_t)(hit - (s + i)));
            rn_buf_append(&b, rep, n[1]);
            i = (size_t)(hit - s) + n[0];
        }
        rn_buf_append(&b, s + i, n[2] - i);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_plural)
{
    const char *a[2];
    size_t n[2];
    int64_t count;
    if (str_args(ctx, argv, 0, 2, a, n) != 0 ||
        rn_fn_arg_int(ctx, argv, 2, &count) != 0)
        return -1;
    *out = count == 1 ? argv[0] : argv[1];
    return 0;
}

/* --- tests --- */

static int str_test(tmpl_ctx *ctx, rn_value **argv, rn_value **out, int how)
{
    const char *a[2];
    size_t n[2];
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    const char *sub = a[0], *s = a[1];
    bool r;
    if (how == 0)
        r = go_memmem(s, n[1], sub, n[0]) != NULL;
    else if (n[0] > n[1])
        r = false;
    else if (how == 1)
        r = memcmp(s, sub, n[0]) == 0;
    else
        r = memcmp(s + n[1] - n[0], sub, n[0]) == 0;
    *out = rn_bool(tmpl_arena(ctx), r);
    return 0;
}

RN_FN(rn_fn_contains)
{
    return str_test(ctx, argv, out, 0);
}
RN_FN(rn_fn_hasprefix)
{
    return str_test(ctx, argv, out, 1);
}
RN_FN(rn_fn_hassuffix)
{
    return str_test(ctx, argv, out, 2);
}

/* --- printing values --- */

RN_FN(rn_fn_quote)
{
    rn_arena *a = tmpl_arena(ctx);
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    bool first = true;
    for (int i = 0; i < argc; i++) {
        if (argv[i]->kind == RN_NULL)
            continue;
        size_t n;
        const char *s = rn_fn_strval(a, argv[i], &n);
        if (!first)
            rn_buf_putc(&b, ' ');
        rn_gofmt_quote(&b, s, n);
        first = false;
    }
    *out = rn_fn_buf_value(a, &b);
    return 0;
}

RN_FN(rn_fn_squote)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    bool first = true;
    for (int i = 0; i < argc; i++) {
        if (argv[i]->kind == RN_NULL)
            continue;
        rn_buf_puts(&b, first ? "'" : " '");
        rn_gofmt_value(&b, argv[i]);
        rn_buf_putc(&b, '\'');
        first = false;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_cat)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    bool first = true;
    for (int i = 0; i < argc; i++) {
        if (argv[i]->kind == RN_NULL)
            continue;
        if (!first)
            rn_buf_putc(&b, ' ');
        rn_gofmt_value(&b, argv[i]);
        first = false;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_tostring)
{
    rn_arena *a = tmpl_arena(ctx);
    if (argv[0]->kind == RN_STRING) {
        *out = argv[0];
        return 0;
    }
    size_t n;
    const char *s = rn_fn_strval(a, argv[0], &n);
    *out = rn_str_own(a, s, n);
    return 0;
}

/* --- splitting and joining --- */

/* strings.SplitN(s, sep, n) calling `emit` per part. */
static void split_parts(const char *s, size_t len, const char *sep,
                        size_t seplen, int64_t n,
                        void (*emit)(void *, const char *, size_t), void *u)
{
    if (n == 0)
        return;
    if (seplen == 0) { /* explode into runes */
        int64_t k = 0;
        size_t i = 0, w;
        while (i < len) {
            if (n > 0 && k == n - 1) {
                emit(u, s + i, len - i);
                return;
            }
            rn_fn_utf8_decode(s + i, len - i, &w);
            emit(u, s + i, w);
            i += w;
            k++;
        }
        return;
    }
    int64_t k = 0;
    size_t i = 0;
    const char *hit;
    while ((n < 0 || k < n - 1) &&
           (hit = go_memmem(s + i, len - i, sep, seplen)) != NULL) {
        emit(u, s + i, (size_t)(hit - (s + i)));
        i = (size_t)(hit - s) + seplen;
        k++;
    }
    emit(u, s + i, len - i);
}

typedef struct split_acc {
    rn_arena *a;
    rn_value *dst;
    size_t count;
} split_acc;

static void emit_list(void *u, const char *s, size_t n)
{
    split_acc *acc = u;
    rn_list_push(acc->a, acc->dst, rn_str(acc->a, s, n));
}

static void emit_map(void *u, const char *s, size_t n)
{
    split_acc *acc = u;
    char key[32];
    int kl = snprintf(key, sizeof key, "_%zu", acc->count++);
    rn_map_set(acc->a, acc->dst, key, (size_t)kl, rn_str(acc->a, s, n));
}

static int split_map(tmpl_ctx *ctx, rn_value **out, const char *sep,
                     size_t seplen, const char *s, size_t len, int64_t n)
{
    split_acc acc = {tmpl_arena(ctx), rn_map_new(tmpl_arena(ctx), 4), 0};
    acc.dst->flags |= RN_F_STRMAP;
    split_parts(s, len, sep, seplen, n, emit_map, &acc);
    *out = acc.dst;
    return 0;
}

RN_FN(rn_fn_split)
{
    const char *a[2];
    size_t n[2];
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    return split_map(ctx, out, a[0], n[0], a[1], n[1], -1);
}

RN_FN(rn_fn_splitn)
{
    const char *sep, *s;
    size_t seplen, len;
    int64_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &sep, &seplen) != 0 ||
        rn_fn_arg_int(ctx, argv, 1, &n) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &s, &len) != 0)
        return -1;
    return split_map(ctx, out, sep, seplen, s, len, n);
}

RN_FN(rn_fn_splitlist)
{
    const char *a[2];
    size_t n[2];
    if (str_args(ctx, argv, 0, 2, a, n) != 0)
        return -1;
    split_acc acc = {tmpl_arena(ctx), rn_fn_strlist_new(tmpl_arena(ctx), 4), 0};
    split_parts(a[1], n[1], a[0], n[0], -1, emit_list, &acc);
    *out = acc.dst;
    return 0;
}

RN_FN(rn_fn_tostrings)
{
    *out = rn_fn_strslice(tmpl_arena(ctx), argv[0]);
    return 0;
}

RN_FN(rn_fn_join)
{
    const char *sep;
    size_t seplen;
    if (rn_fn_arg_str(ctx, argv, 0, &sep, &seplen) != 0)
        return -1;
    rn_value *l = rn_fn_strslice(tmpl_arena(ctx), argv[1]);
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < l->u.list.len; i++) {
        if (i)
            rn_buf_append(&b, sep, seplen);
        rn_buf_append(&b, l->u.list.items[i]->u.s.ptr,
                      l->u.list.items[i]->u.s.len);
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

static int cmp_str_values(const void *x, const void *y)
{
    const rn_value *a = *(rn_value *const *)x, *b = *(rn_value *const *)y;
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int c = memcmp(a->u.s.ptr, b->u.s.ptr, n);
    if (c)
        return c;
    return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
}

RN_FN(rn_fn_sortalpha)
{
    rn_arena *a = tmpl_arena(ctx);
    if (argv[0]->kind != RN_LIST) {
        rn_value *l = rn_fn_strlist_new(a, 1);
        size_t n;
        const char *s = rn_fn_strval(a, argv[0], &n);
        rn_list_push(a, l, rn_str_own(a, s, n));
        *out = l;
        return 0;
    }
    rn_value *src = rn_fn_strslice(a, argv[0]);
    /* Go sorts in place: a []string argument itself ends up sorted. */
    rn_value *l = src;
    if (l->u.list.len > 1)
        qsort(l->u.list.items, l->u.list.len, sizeof(rn_value *),
              cmp_str_values);
    *out = l;
    return 0;
}

/* --- paths (Go's path package) --- */

/* path.Clean into b. */
static void path_clean(rn_buf *b, const char *p, size_t n)
{
    if (n == 0) {
        rn_buf_putc(b, '.');
        return;
    }
    bool rooted = p[0] == '/';
    size_t start = b->len;
    if (rooted)
        rn_buf_putc(b, '/');
    size_t dotdot = b->len; /* where `..` can no longer backtrack */
    size_t r = rooted ? 1 : 0;
    while (r < n) {
        if (p[r] == '/') {
            r++;
        } else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
            r++;
        } else if (p[r] == '.' && p[r + 1] == '.' &&
                   (r + 2 == n || p[r + 2] == '/')) {
            r += 2;
            if (b->len > dotdot) {
                size_t w = b->len - 1;
                while (w > dotdot && b->data[w] != '/')
                    w--;
                b->len = w;
                b->data[w] = '\0';
            } else if (!rooted) {
                if (b->len > start)
                    rn_buf_putc(b, '/');
                rn_buf_puts(b, "..");
                dotdot = b->len;
            }
        } else {
            if ((rooted && b->len != start + 1) || (!rooted && b->len != start))
                rn_buf_putc(b, '/');
            for (; r < n && p[r] != '/'; r++)
                rn_buf_putc(b, p[r]);
        }
    }
    if (b->len == start)
        rn_buf_putc(b, '.');
}

static rn_value *path_value(tmpl_ctx *ctx, const char *p, size_t n)
{
    rn_buf b = RN_BUF_INIT;
    path_clean(&b, p, n);
    return rn_fn_buf_value(tmpl_arena(ctx), &b);
}

RN_FN(rn_fn_path_clean)
{
    const char *p;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &p, &n) != 0)
        return -1;
    *out = path_value(ctx, p, n);
    return 0;
}

RN_FN(rn_fn_path_base)
{
    const char *p;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &p, &n) != 0)
        return -1;
    if (n == 0) {
        *out = str_value(ctx, ".", 1);
        return 0;
    }
    while (n > 0 && p[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && p[i - 1] != '/')
        i--;
    if (n - i == 0)
        *out = str_value(ctx, "/", 1);
    else
        *out = str_value(ctx, p + i, n - i);
    return 0;
}

RN_FN(rn_fn_path_dir)
{
    const char *p;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &p, &n) != 0)
        return -1;
    size_t i = n;
    while (i > 0 && p[i - 1] != '/')
        i--;
    *out = path_value(ctx, p, i);
    return 0;
}

RN_FN(rn_fn_path_ext)
{
    const char *p;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &p, &n) != 0)
        return -1;
    for (size_t i = n; i > 0 && p[i - 1] != '/'; i--) {
        if (p[i - 1] == '.') {
            *out = str_value(ctx, p + i - 1, n - i + 1);
            return 0;
        }
    }
    *out = str_value(ctx, "", 0);
    return 0;
}

RN_FN(rn_fn_path_isabs)
{
    const char *p;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &p, &n) != 0)
        return -1;
    *out = rn_bool(tmpl_arena(ctx), n > 0 && p[0] == '/');
    return 0;
}
