/*
 * funcs_words.c — word-level string functions: Sprig's wrap and wrapWith
 * (Masterminds/goutils WrapCustom) and the case conversions snakecase,
 * kebabcase and camelcase (huandu/xstrings v1.5: ToSnakeCase, ToKebabCase
 * and, for camelcase, ToPascalCase). The word splitting follows xstrings
 * rune for rune; Unicode classes come from funcs_strings.c, with
 * punctuation and number classes covering Latin-1, general punctuation and
 * the common number forms.
 */
#include <string.h>

#include "funcs_int.h"

/* --- wrap --- */

/* goutils.WrapCustom: break at the last space before the limit; a word
 * longer than the limit is cut (wrapLongWords) or left whole. Lengths are
 * bytes, as in Go. */
static void wrap_custom(rn_buf *b, const char *s, size_t n, int64_t width,
                        const char *nl, size_t nl_len, bool long_words)
{
    if (n == 0)
        return;
    if (nl_len == 0) {
        nl = "\n";
        nl_len = 1;
    }
    size_t w = width < 1 ? 1 : (uint64_t)width > n ? n + 1 : (size_t)width;
    size_t off = 0;
    while (n - off > w) {
        if (s[off] == ' ') {
            off++;
            continue;
        }
        /* last space in s[off .. off+w] (inclusive of the limit column) */
        size_t end = off + w + 1;
        size_t sp = end;
        for (size_t i = end; i > off; i--)
            if (s[i - 1] == ' ') {
                sp = i - 1;
                break;
            }
        if (sp != end) {
            rn_buf_append(b, s + off, sp - off);
            rn_buf_append(b, nl, nl_len);
            off = sp + 1;
        } else if (long_words) {
            rn_buf_append(b, s + off, w);
            rn_buf_append(b, nl, nl_len);
            off += w;
        } else {
            const char *next = memchr(s + off + w, ' ', n - off - w);
            if (!next) {
                rn_buf_append(b, s + off, n - off);
                off = n;
            } else {
                size_t at = (size_t)(next - s);
                rn_buf_append(b, s + off, at - off);
                rn_buf_append(b, nl, nl_len);
                off = at + 1;
            }
        }
    }
    rn_buf_append(b, s + off, n - off);
}

RN_FN(rn_fn_wrap)
{
    int64_t width;
    const char *s;
    size_t n;
    if (rn_fn_arg_int(ctx, argv, 0, &width) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    wrap_custom(&b, s, n, width, "", 0, false);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_wrapwith)
{
    int64_t width;
    const char *sep, *s;
    size_t sn, n;
    if (rn_fn_arg_int(ctx, argv, 0, &width) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &sep, &sn) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    wrap_custom(&b, s, n, width, sep, sn, true);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- Unicode classes xstrings relies on --- */

/* unicode.IsPunct (category P). */
static bool is_punct(int32_t r)
{
    if (r < 0x80)
        return r > 0 && strchr("!\"#%&'()*,-./:;?@[\\]_{}", (int)r) != NULL;
    switch (r) {
    case 0xA1:
    case 0xA7:
    case 0xAB:
    case 0xB6:
    case 0xB7:
    case 0xBB:
    case 0xBF:
    case 0x37E:
    case 0x387:
        return true;
    }
    return (r >= 0x2010 && r <= 0x2027) || (r >= 0x2030 && r <= 0x2043) ||
           (r >= 0x2045 && r <= 0x2051) || (r >= 0x2053 && r <= 0x205E) ||
           (r >= 0x3001 && r <= 0x3003) || (r >= 0x3008 && r <= 0x3011) ||
           (r >= 0x3014 && r <= 0x301F) || (r >= 0xFF01 && r <= 0xFF03) ||
           (r >= 0xFF05 && r <= 0xFF0A) || (r >= 0xFF0C && r <= 0xFF0F) ||
           r == 0xFF1A || r == 0xFF1B || r == 0xFF1F || r == 0xFF20 ||
           (r >= 0xFF3B && r <= 0xFF3D) || r == 0xFF3F || r == 0xFF5B ||
           r == 0xFF5D || (r >= 0xFF5F && r <= 0xFF65);
}

/* unicode.IsNumber (categories Nd, Nl, No). */
static bool is_number(int32_t r)
{
    if (rn_fn_uni_is_digit(r))
        return true;
    return r == 0xB2 || r == 0xB3 || r == 0xB9 || (r >= 0xBC && r <= 0xBE) ||
           (r >= 0x660 && r <= 0x669) || (r >= 0x6F0 && r <= 0x6F9) ||
           (r >= 0x966 && r <= 0x96F) || r == 0x2070 ||
           (r >= 0x2074 && r <= 0x2079) || (r >= 0x2080 && r <= 0x2089) ||
           (r >= 0x2150 && r <= 0x2182) || (r >= 0x2185 && r <= 0x2189) ||
           (r >= 0x2460 && r <= 0x249B) || r == 0x3007 ||
           (r >= 0x3021 && r <= 0x3029);
}

static bool is_connector(int32_t r)
{
    return r == '-' || r == '_' || rn_fn_uni_is_space(r);
}

/* xstrings' isAlphabet: a letter that is not a CJK ideograph. */
static bool is_alphabet(int32_t r)
{
    if (!rn_fn_uni_is_letter(r))
        return false;
    return !((r >= 0x4E00 && r <= 0x9FCC) || (r >= 0x3400 && r <= 0x4D85) ||
             (r >= 0x20000 && r <= 0x2B81D));
}

/* --- camelcase (xstrings.ToPascalCase) --- */

typedef struct runes {
    const char *s;
    size_t n, i;
} runes;

/* Next rune and its width; *size 0 at the end. */
static int32_t next_rune(runes *rs, size_t *size)
{
    if (rs->i >= rs->n) {
        *size = 0;
        return 0;
    }
    int32_t r = rn_fn_utf8_decode(rs->s + rs->i, rs->n - rs->i, size);
    rs->i += *size;
    return r;
}

static void pascal_case(rn_buf *b, const char *s, size_t n)
{
    runes rs = {s, n, 0};
    int32_t r0 = 0, r1;
    size_t size = 0;
    bool first_upper = false;
    /* leading connectors are kept */
    while (rs.i < rs.n) {
        r0 = next_rune(&rs, &size);
        if (!is_connector(r0)) {
            first_upper = rn_fn_uni_is_upper(r0);
            r0 = rn_fn_uni_to_upper(r0);
            break;
        }
        rn_fn_utf8_put(b, r0);
    }
    if (rs.i >= rs.n) {
        if (size != 0) /* a lone connector is written twice, as in Go */
            rn_fn_utf8_put(b, r0);
        return;
    }
    while (rs.i < rs.n) {
        r1 = r0;
        r0 = next_rune(&rs, &size);
        if (is_connector(r0) && is_connector(r1)) {
            rn_fn_utf8_put(b, r1);
            continue;
        }
        if (is_connector(r1)) {
            first_upper = rn_fn_uni_is_upper(r0);
            r0 = rn_fn_uni_to_upper(r0);
        } else {
            if (first_upper) {
                if (rn_fn_uni_is_upper(r0))
                    r0 = rn_fn_uni_to_lower(r0);
                else
                    first_upper = false;
            }
            rn_fn_utf8_put(b, r1);
        }
    }
    rn_fn_utf8_put(b, r0);
}

RN_FN(rn_fn_camelcase)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    pascal_case(&b, s, n);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* --- snakecase / kebabcase (xstrings.camelCaseToLowerCase) --- */

typedef enum word_type {
    W_INVALID,
    W_NUMBER,
    W_UPPER,
    W_ALPHA,
    W_CONNECTOR,
    W_PUNCT,
    W_OTHER,
} word_type;

typedef struct word {
    word_type wt;
    const char *p;
    size_t len;
} word;

/* xstrings' nextValidRune: skip invalid UTF-8; at the end give `prev`. */
static int32_t valid_rune(const char *s, size_t n, int32_t prev, size_t *size)
{
    size_t total = 0;
    while (total < n) {
        size_t w;
        int32_t r = rn_fn_utf8_decode(s + total, n - total, &w);
        total += w;
        if (r != 0xFFFD) {
            *size = total;
            return r;
        }
    }
    *size = total;
    return prev;
}

/* The run of runes starting at s[off] that satisfy the class of `wt`. */
static size_t run_of(const char *s, size_t n, size_t off, int32_t r,
                     word_type wt)
{
    while (off < n) {
        size_t size;
        r = valid_rune(s + off, n - off, r, &size);
        bool in;
        switch (wt) {
        case W_CONNECTOR:
            in = is_connector(r);
            break;
        case W_PUNCT:
            in = is_punct(r);
            break;
        case W_ALPHA:
            in = is_alphabet(r) && !rn_fn_uni_is_upper(r);
            break;
        case W_NUMBER:
            in = is_number(r);
            break;
        default:
            in = size != 0 && !is_connector(r) && !is_alphabet(r) &&
                 !is_number(r) && !is_punct(r);
            break;
        }
        if (!in)
            break;
        off += size;
    }
    return off;
}

/* An upper-case word: "Http" or "HTTP" (an acronym before a capitalised
 * word gives its last capital back: "HTTPServer" is "HTTP" + "Server"). */
static size_t upper_word(const char *s, size_t n, size_t off, int32_t r)
{
    if (off >= n)
        return off;
    size_t size;
    r = valid_rune(s + off, n - off, r, &size);
    if (rn_fn_uni_is_upper(r)) {
        size_t prev = size;
        off += size;
        while (off < n) {
            r = valid_rune(s + off, n - off, r, &size);
            if (!rn_fn_uni_is_upper(r))
                break;
            prev = size;
            off += size;
        }
        if (off < n && is_alphabet(r))
            off -= prev;
        return off;
    }
    if (is_alphabet(r))
        return run_of(s, n, off + size, r, W_ALPHA);
    return off;
}

/* xstrings.nextWord over s[*pos..n). */
static word next_word(const char *s, size_t n, size_t *pos)
{
    word w = {W_INVALID, s + *pos, 0};
    if (*pos >= n)
        return w;
    size_t size;
    int32_t r = valid_rune(s + *pos, n - *pos, 0xFFFD, &size);
    size_t start = *pos, end;
    if (r == 0xFFFD) {
        end = start + size;
    } else if (is_connector(r)) {
        w.wt = W_CONNECTOR;
        end = run_of(s, n, start + size, r, W_CONNECTOR);
    } else if (is_punct(r)) {
        w.wt = W_PUNCT;
        end = run_of(s, n, start + size, r, W_PUNCT);
    } else if (rn_fn_uni_is_upper(r)) {
        w.wt = W_UPPER;
        end = upper_word(s, n, start + size, r);
    } else if (is_alphabet(r)) {
        w.wt = W_ALPHA;
        end = run_of(s, n, start + size, r, W_ALPHA);
    } else if (is_number(r)) {
        w.wt = W_NUMBER;
        end = run_of(s, n, start + size, r, W_NUMBER);
    } else {
        w.wt = W_OTHER;
        end = run_of(s, n, start + size, r, W_OTHER);
    }
    w.len = end - start;
    *pos = end;
    return w;
}

/* xstrings' toLower: upper-case words and connectors are rewritten. */
static void word_lower(rn_buf *b, word w, char conn)
{
    if (w.wt != W_UPPER && w.wt != W_CONNECTOR) {
        rn_buf_append(b, w.p, w.len);
        return;
    }
    size_t i = 0;
    while (i < w.len) {
        size_t size;
        int32_t r = rn_fn_utf8_decode(w.p + i, w.len - i, &size);
        i += size;
        if (is_connector(r))
            rn_buf_putc(b, conn);
        else if (rn_fn_uni_is_upper(r))
            rn_fn_utf8_put(b, rn_fn_uni_to_lower(r));
        else
            rn_buf_append(b, w.p + i - size, size);
    }
}

static bool separable(word_type wt)
{
    return wt != W_INVALID && wt != W_PUNCT && wt != W_CONNECTOR;
}

/* Numbers and letters glued to a number stay one word ("2xx"). */
static word lower_number_run(rn_buf *b, const char *s, size_t n, size_t *pos,
                             word w, char conn)
{
    while (w.wt == W_ALPHA || w.wt == W_NUMBER) {
        word_lower(b, w, conn);
        w = next_word(s, n, pos);
    }
    return w;
}

static void lower_case_words(rn_buf *b, const char *s, size_t n, char conn)
{
    size_t pos = 0;
    word w = next_word(s, n, &pos);
    while (pos < n) {
        if (w.wt != W_CONNECTOR)
            word_lower(b, w, conn);
        word prev = w;
        w = next_word(s, n, &pos);
        switch (prev.wt) {
        case W_NUMBER:
            w = lower_number_run(b, s, n, &pos, w, conn);
            if (w.wt != W_INVALID && w.wt != W_PUNCT && w.wt != W_CONNECTOR)
                rn_buf_putc(b, conn);
            break;
        case W_CONNECTOR:
            word_lower(b, prev, conn);
            break;
        case W_PUNCT:
            break;
        default:
            if (w.wt != W_NUMBER) {
                if (w.wt != W_CONNECTOR && w.wt != W_PUNCT)
                    rn_buf_putc(b, conn);
                break;
            }
            if (pos >= n)
                break;
            word last = w;
            w = next_word(s, n, &pos);
            /* "Bld4Floor": the number belongs to the word before it */
            if (w.wt != W_ALPHA) {
                last.wt = W_NUMBER;
                word_lower(b, last, conn);
                if (w.wt != W_CONNECTOR && w.wt != W_PUNCT)
                    rn_buf_putc(b, conn);
                break;
            }
            /* "HTTP2xx": letters after a number start a new word */
            rn_buf_putc(b, conn);
            last.wt = W_NUMBER;
            word_lower(b, last, conn);
            w = lower_number_run(b, s, n, &pos, w, conn);
            if (separable(w.wt))
                rn_buf_putc(b, conn);
        }
    }
    word_lower(b, w, conn);
}

static int lower_case_fn(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                         char conn)
{
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    lower_case_words(&b, s, n, conn);
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

RN_FN(rn_fn_snakecase)
{
    return lower_case_fn(ctx, argv, out, '_');
}

RN_FN(rn_fn_kebabcase)
{
    return lower_case_fn(ctx, argv, out, '-');
}
