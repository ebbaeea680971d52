/*
 * funcs_random.c — Sprig's random functions, with real randomness from
 * OpenSSL's generator (RAND_bytes, seeded by the operating system): the
 * Masterminds/goutils strings randAlpha, randAlphaNum, randNumeric and
 * randAscii; randBytes (count bytes, base64); randInt (Go's
 * rand.Intn(max-min) + min); uuidv4 (RFC 4122 version 4); shuffle (the
 * string's runes in a random order, as huandu/xstrings does);
 * getHostByName (one of the addresses, at random, as Sprig's
 * addrs[rand.Intn(len(addrs))] picks).
 *
 * Errors read as Go's: a count below zero gives "" for the goutils
 * strings (Sprig drops their error), randBytes and randInt fail as the
 * panics text/template reports ("makeslice: len out of range", "invalid
 * argument to Intn").
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <string.h>

#include "funcs_int.h"
#include "host.h"

/* A uniform value in [0, n) without modulo bias. n > 0. */
static int uniform(tmpl_ctx *ctx, uint64_t n, uint64_t *out)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;
    do {
        if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
            return tmpl_fail(ctx, "crypto/rand: no random bytes available");
    } while (v >= limit);
    *out = v % n;
    return 0;
}

/* count characters drawn from alphabet (all ASCII). */
static int random_string(tmpl_ctx *ctx, rn_value **argv, rn_value **out,
                         const char *alphabet)
{
    int64_t count;
    if (rn_fn_arg_int(ctx, argv, 0, &count) != 0)
        return -1;
    if (count <= 0) { /* goutils errors below zero; Sprig returns "" */
        *out = rn_strz(tmpl_arena(ctx), "");
        return 0;
    }
    if (count > 64 * 1024 * 1024)
        return tmpl_fail(ctx, "runtime error: makeslice: len out of range");
    size_t n = (size_t)count, k = strlen(alphabet);
    char *s = rn_arena_alloc(tmpl_arena(ctx), n + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t r = 0;
        if (uniform(ctx, k, &r) != 0)
            return -1;
        s[i] = alphabet[r];
    }
    s[n] = '\0';
    *out = rn_str_own(tmpl_arena(ctx), s, n);
    return 0;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

RN_FN(rn_fn_randalpha)
{
    (void)argc;
    return random_string(ctx, argv, out, LOWER UPPER);
}

RN_FN(rn_fn_randalphanum)
{
    (void)argc;
    return random_string(ctx, argv, out, LOWER UPPER DIGITS);
}

RN_FN(rn_fn_randnumeric)
{
    (void)argc;
    return random_string(ctx, argv, out, DIGITS);
}

/* goutils' CryptoRandomAscii: code points 32 to 126. */
RN_FN(rn_fn_randascii)
{
    (void)argc;
    static char printable[96];
    if (!printable[0])
        for (int c = 32; c < 127; c++)
            printable[c - 32] = (char)c;
    return random_string(ctx, argv, out, printable);
}

RN_FN(rn_fn_randbytes)
{
    (void)argc;
    int64_t count;
    if (rn_fn_arg_int(ctx, argv, 0, &count) != 0)
        return -1;
    if (count < 0 || count > 64 * 1024 * 1024)
        return tmpl_fail(ctx, "runtime error: makeslice: len out of range");
    size_t n = (size_t)count;
    unsigned char *raw = rn_arena_alloc(tmpl_arena(ctx), n + 1);
    if (n && RAND_bytes(raw, (int)n) != 1)
        return tmpl_fail(ctx, "crypto/rand: no random bytes available");
    size_t len = 4 * ((n + 2) / 3);
    char *b64 = rn_arena_alloc(tmpl_arena(ctx), len + 1);
    EVP_EncodeBlock((unsigned char *)b64, raw, (int)n);
    *out = rn_str_own(tmpl_arena(ctx), b64, len);
    return 0;
}

RN_FN(rn_fn_randint)
{
    (void)argc;
    int64_t lo, hi;
    if (rn_fn_arg_int(ctx, argv, 0, &lo) != 0 ||
        rn_fn_arg_int(ctx, argv, 1, &hi) != 0)
        return -1;
    /* Go computes max-min in int, wrapping; Intn panics unless it is > 0. */
    int64_t span = (int64_t)((uint64_t)hi - (uint64_t)lo);
    if (span <= 0)
        return tmpl_fail(ctx, "invalid argument to Intn");
    uint64_t r = 0;
    if (uniform(ctx, (uint64_t)span, &r) != 0)
        return -1;
    *out = rn_int(tmpl_arena(ctx), (int64_t)((uint64_t)lo + r));
    return 0;
}

RN_FN(rn_fn_uuidv4)
{
    (void)argc;
    (void)argv;
    unsigned char u[16];
    if (RAND_bytes(u, sizeof u) != 1)
        return tmpl_fail(ctx, "crypto/rand: no random bytes available");
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *s = rn_arena_alloc(tmpl_arena(ctx), 37);
    char *p = s;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        static const char hex[] = "0123456789abcdef";
        *p++ = hex[u[i] >> 4];
        *p++ = hex[u[i] & 15];
    }
    *p = '\0';
    *out = rn_str_own(tmpl_arena(ctx), s, 36);
    return 0;
}

/* The runes of the string in a random order (Fisher-Yates); invalid bytes
 * become U+FFFD, as Go's []rune(s) makes them. */
RN_FN(rn_fn_shuffle)
{
    (void)argc;
    const char *s;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &s, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    int32_t *runes = rn_arena_alloc(a, (n + 1) * sizeof *runes);
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        size_t w;
        runes[count++] = rn_fn_utf8_decode(s + i, n - i, &w);
        i += w;
    }
    for (size_t i = count; i > 1; i--) {
        uint64_t j = 0;
        if (uniform(ctx, i, &j) != 0)
            return -1;
        int32_t t = runes[i - 1];
        runes[i - 1] = runes[j];
        runes[j] = t;
    }
    rn_buf b = RN_BUF_INIT;
    for (size_t i = 0; i < count; i++)
        rn_fn_utf8_put(&b, runes[i]);
    *out = rn_fn_buf_value(a, &b);
    return 0;
}

/* Sprig's getHostByName. Helm's engine replaces it by one returning ""
 * unless DNS lookups are enabled (`--enable-dns`), which here means the
 * host lent a resolver (rn_host). A name that does not resolve leaves
 * Sprig indexing an empty list: rand.Intn(0) panics, and text/template
 * reports the panic. */
RN_FN(rn_fn_gethostbyname)
{
    const char *name;
    if (rn_fn_arg_str(ctx, argv, 0, &name, NULL) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    const rn_host *h = tmpl_ctx_host(ctx);
    if (!h || !h->resolve_host) {
        *out = rn_str(a, "", 0);
        return 0;
    }
    const char **addrs = NULL;
    size_t n = 0;
    h->resolve_host(h->resolve_arg, a, name, &addrs, &n);
    if (n == 0)
        return tmpl_fail(ctx, "invalid argument to Intn");
    uint64_t i = 0;
    if (uniform(ctx, n, &i) != 0)
        return -1;
    *out = rn_strz(a, addrs[i]);
    return 0;
}
