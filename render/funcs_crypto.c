/*
 * funcs_crypto.c — Sprig's cryptographic functions (Sprig v3.3.0's
 * crypto.go, as Helm v3.21 exposes it), on OpenSSL's libcrypto and
 * libxcrypt:
 *
 *   bcrypt, htpasswd     golang.org/x/crypto/bcrypt at DefaultCost 10, "$2a$"
 *                        hashes (libxcrypt's crypt_gensalt_rn/crypt_r)
 *   derivePassword       the Master Password algorithm (scrypt N=32768 r=8
 *                        p=2, HMAC-SHA256, Sprig's templates): deterministic
 *   genPrivateKey        rsa (4096), dsa (L2048N256), ecdsa (P-256), ed25519
 *   genCA, genSelfSignedCert, genSignedCert and their ...WithKey forms,
 *   buildCustomCert      Go's x509.CreateCertificate on Sprig's template:
 *                        the certificate object has the fields .Cert and .Key
 *   encryptAES, decryptAES  AES-256-CBC, the password copied into a 32-byte
 *                        key, random IV first, PKCS#7-style padding, base64
 *
 * Like the random functions these draw real randomness, and a certificate's
 * validity starts at the current time, as Sprig's: a chart that calls them
 * renders differently each time. Everything else follows Go byte for byte:
 * PEM type names and encodings (Go's pemBlockForKey re-encodes a parsed key:
 * a PKCS#8 RSA key comes back as "RSA PRIVATE KEY"), the certificate's
 * fields and extensions in Go's order (key usage, extended key usage, basic
 * constraints, a CA's truncated-SHA-256 subject key id, the issuer's key id,
 * DNS then IP names, critical when the subject is empty), and the errors,
 * including the Go panics text/template reports ("runtime error: slice
 * bounds out of range [:16] with capacity 3").
 *
 * One gap: bcrypt hashes a C string, so a password holding a NUL byte is
 * hashed only up to it (Go hashes every byte).
 */
#include <arpa/inet.h>
#include <crypt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gofmt.h"

#include "funcs_int.h"

#define NO_RANDOM "crypto/rand: no random bytes available"

/* Sprig's `certificate` struct: {Cert, Key string}. */
static const char cert_type[] = "sprig.certificate";

/* --- small helpers --- */

static int fail_msg(tmpl_ctx *ctx, const char *msg)
{
    ERR_clear_error();
    return tmpl_fail(ctx, "%s", msg);
}

/* fmt's %q of a string, for messages. */
static const char *go_q(rn_arena *a, const char *s, size_t n)
{
    rn_value *v = rn_str(a, s, n);
    rn_buf b = RN_BUF_INIT;
    rn_gofmt_sprintf(&b, "%q", 2, 1, &v);
    char *r = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return r;
}

static bool has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* --- PEM, as Go's encoding/pem --- */

/* pem.Encode: 64 base64 characters a line. */
static void pem_encode(rn_buf *out, const char *type, const unsigned char *der,
                       size_t n)
{
    rn_buf_printf(out, "-----BEGIN %s-----\n", type);
    unsigned char line[65];
    for (size_t i = 0; i < n; i += 48) {
        size_t k = n - i < 48 ? n - i : 48;
        int len = EVP_EncodeBlock(line, der + i, (int)k);
        rn_buf_append(out, (const char *)line, (size_t)len);
        rn_buf_putc(out, '\n');
    }
    rn_buf_printf(out, "-----END %s-----\n", type);
}

typedef struct pem_block {
    const char *type; /* arena string */
    size_t type_len;
    unsigned char *der; /* arena bytes */
    size_t len;
} pem_block;

typedef struct span {
    const char *p;
    long n;
} span;

/* pem's getLine: the line without "\r\n" and trailing blanks, the rest,
 * and how many bytes it used. */
static span get_line(span d, span *rest, long *consumed)
{
    const char *nl = memchr(d.p, '\n', (size_t)d.n);
    long i = nl ? nl - d.p : d.n, j = nl ? i + 1 : i;
    if (nl && i > 0 && d.p[i - 1] == '\r')
        i--;
    while (i > 0 && (d.p[i - 1] == ' ' || d.p[i - 1] == '\t'))
        i--;
    if (rest)
        *rest = (span){d.p + j, d.n - j};
    if (consumed)
        *consumed = j;
    return (span){d.p, i};
}

static long span_index(span s, const char *needle)
{
    size_t k = strlen(needle);
    for (long i = 0; i + (long)k <= s.n; i++)
        if (memcmp(s.p + i, needle, k) == 0)
            return i;
    return -1;
}

static long span_last_index(span s, const char *needle)
{
    size_t k = strlen(needle);
    for (long i = s.n - (long)k; i >= 0; i--)
        if (memcmp(s.p + i, needle, k) == 0)
            return i;
    return -1;
}

/* The base64 body of a block: spaces and tabs dropped, '\r' and '\n'
 * skipped by the decoder. */
static bool pem_body(rn_arena *a, span body, pem_block *out)
{
    rn_buf clean = RN_BUF_INIT, raw = RN_BUF_INIT;
    for (long i = 0; i < body.n; i++)
        if (body.p[i] != ' ' && body.p[i] != '\t')
            rn_buf_putc(&clean, body.p[i]);
    rn_buf_append(&raw, "", 0);
    long bad = rn_fn_b64_decode(
        &raw, (const unsigned char *)rn_buf_cstr(&clean), clean.len);
    rn_buf_free(&clean);
    if (bad >= 0) {
        rn_buf_free(&raw);
        return false;
    }
    out->der = rn_arena_alloc(a, raw.len + 1);
    memcpy(out->der, rn_buf_cstr(&raw), raw.len);
    out->len = raw.len;
    rn_buf_free(&raw);
    return true;
}

/* pem.Decode: the first well-formed block, skipping BEGIN lines without
 * an END, blocks whose END names another type and bad base64. */
static bool pem_decode(rn_arena *a, const char *data, size_t n, pem_block *out)
{
    span rest = {data, (long)n};
    long end_trailer = 0;
    for (;;) {
        if (end_trailer < 0 || end_trailer > rest.n)
            return false;
        rest = (span){rest.p + end_trailer, rest.n - end_trailer};
        long end = span_index(rest, "\n-----END ");
        if (end < 0)
            return false;
        end_trailer = end + 10;
        long begin = span_last_index((span){rest.p, end}, "-----BEGIN ");
        if (begin < 0 || (begin > 0 && rest.p[begin - 1] != '\n'))
            continue;
        long skip = begin + 11;
        rest = (span){rest.p + skip, rest.n - skip};
        end -= skip;
        end_trailer -= skip;
        long used;
        span type = get_line(rest, &rest, &used);
        end -= used;
        end_trailer -= used;
        if (!has_suffix(type.p, (size_t)type.n, "-----"))
            continue;
        type.n -= 5;
        int headers = 0;
        bool truncated = false;
        for (;;) {
            if (rest.n == 0) {
                truncated = true;
                break;
            }
            span next;
            span line = get_line(rest, &next, &used);
            if (!memchr(line.p, ':', (size_t)line.n))
                break;
            headers++;
            rest = next;
            end -= used;
            end_trailer -= used;
        }
        if (truncated)
            return false;
        if (headers > 0 && end < 0)
            continue;
        if (end_trailer < 0 || end_trailer > rest.n)
            continue;
        span trailer = {rest.p + end_trailer, rest.n - end_trailer};
        long tlen = type.n + 5;
        if (trailer.n < tlen)
            continue;
        span after = {trailer.p + tlen, trailer.n - tlen};
        if (memcmp(trailer.p, type.p, (size_t)type.n) != 0 ||
            memcmp(trailer.p + type.n, "-----", 5) != 0)
            continue;
        if (get_line(after, NULL, NULL).n != 0)
            continue;
        out->der = rn_arena_alloc(a, 1);
        out->len = 0;
        if (end > 0 && !pem_body(a, (span){rest.p, end}, out))
            continue;
        out->type = rn_arena_strndup(a, type.p, (size_t)type.n);
        out->type_len = (size_t)type.n;
        return true;
    }
}

/* --- private keys --- */

/* A DER private key in one OpenSSL structure ("type-specific": PKCS#1,
 * SEC1, DSA's; "PrivateKeyInfo": PKCS#8) of one key type, or NULL. */
static EVP_PKEY *decode_der(const char *structure, const char *keytype,
                            const unsigned char *der, size_t n, size_t *left)
{
    EVP_PKEY *pk = NULL;
    OSSL_DECODER_CTX *d = OSSL_DECODER_CTX_new_for_pkey(
        &pk, "DER", structure, keytype, EVP_PKEY_KEYPAIR, NULL, NULL);
    if (!d)
        return NULL;
    const unsigned char *p = der;
    size_t len = n;
    if (n == 0 || !OSSL_DECODER_from_data(d, &p, &len)) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    OSSL_DECODER_CTX_free(d);
    if (left)
        *left = len;
    ERR_clear_error();
    return pk;
}

static bool is_pkcs8(const unsigned char *der, size_t n)
{
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)n);
    PKCS8_PRIV_KEY_INFO_free(p8);
    ERR_clear_error();
    return p8 != NULL;
}

static bool is_sec1(const unsigned char *der, size_t n)
{
    EVP_PKEY *k = decode_der("type-specific", "EC", der, n, NULL);
    EVP_PKEY_free(k);
    return k != NULL;
}

static bool is_pkcs1(const unsigned char *der, size_t n)
{
    EVP_PKEY *k = decode_der("type-specific", "RSA", der, n, NULL);
    EVP_PKEY_free(k);
    return k != NULL;
}

/* encoding/asn1's complaint about bytes that are no DER of the structure
 * (Go names the field and tags; this names the structure). */
static const char *asn1_error(rn_arena *a, size_t n, const char *what)
{
    if (n == 0)
        return "asn1: syntax error: sequence truncated";
    return rn_arena_printf(a, "asn1: structure error: not a valid %s", what);
}

#define USE_EC                                                                 \
    "x509: failed to parse private key (use ParseECPrivateKey "                \
    "instead for this key format)"
#define USE_PKCS1                                                              \
    "x509: failed to parse private key (use "                                  \
    "ParsePKCS1PrivateKey instead for this key format)"
#define USE_PKCS8                                                              \
    "x509: failed to parse private key (use "                                  \
    "ParsePKCS8PrivateKey instead for this key format)"

/* The NIST curves Go's x509 knows. */
static bool go_curve(EVP_PKEY *k)
{
    char name[64];
    if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, name,
                                        sizeof name, NULL))
        return false;
    return strcmp(name, "prime256v1") == 0 || strcmp(name, "secp384r1") == 0 ||
           strcmp(name, "secp521r1") == 0 || strcmp(name, "secp224r1") == 0;
}

/* x509.ParsePKCS1PrivateKey. */
static const char *parse_pkcs1(rn_arena *a, const unsigned char *der, size_t n,
                               EVP_PKEY **out)
{
    size_t left = 0;
    /* OpenSSL's type-specific decoders take PKCS#8 too; Go's do not. */
    *out = is_pkcs8(der, n) ? NULL
                            : decode_der("type-specific", "RSA", der, n, &left);
    if (*out && left > 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return "asn1: syntax error: trailing data";
    }
    if (*out)
        return NULL;
    if (is_sec1(der, n))
        return USE_EC;
    if (is_pkcs8(der, n))
        return USE_PKCS8;
    return asn1_error(a, n, "PKCS#1 private key");
}

/* x509.ParseECPrivateKey. */
static const char *parse_sec1(rn_arena *a, const unsigned char *der, size_t n,
                              EVP_PKEY **out)
{
    *out = is_pkcs8(der, n) ? NULL
                            : decode_der("type-specific", "EC", der, n, NULL);
    if (*out && !go_curve(*out)) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return "x509: unknown elliptic curve";
    }
    if (*out)
        return NULL;
    if (is_pkcs8(der, n))
        return USE_PKCS8;
    if (is_pkcs1(der, n))
        return USE_PKCS1;
    return rn_arena_printf(a, "x509: failed to parse EC private key: %s",
                           asn1_error(a, n, "EC private key"));
}

/* x509.ParsePKCS8PrivateKey: RSA, ECDSA, Ed25519 and X25519 keys. */
static const char *parse_pkcs8(rn_arena *a, const unsigned char *der, size_t n,
                               EVP_PKEY **out)
{
    *out = NULL;
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)n);
    if (!p8) {
        ERR_clear_error();
        if (is_sec1(der, n))
            return USE_EC;
        if (is_pkcs1(der, n))
            return USE_PKCS1;
        return asn1_error(a, n, "PKCS#8 private key");
    }
    const ASN1_OBJECT *alg = NULL;
    PKCS8_pkey_get0(&alg, NULL, NULL, NULL, p8);
    int nid = OBJ_obj2nid(alg);
    const char *err = NULL;
    if (nid != NID_rsaEncryption && nid != NID_X9_62_id_ecPublicKey &&
        nid != NID_ED25519 && nid != NID_X25519) {
        char oid[128];
        OBJ_obj2txt(oid, sizeof oid, alg, 1);
        err = rn_arena_printf(a,
                              "x509: PKCS#8 wrapping contained private key "
                              "with unknown algorithm: %s",
                              oid);
    } else {
        *out = EVP_PKCS82PKEY(p8);
        if (*out && nid == NID_X9_62_id_ecPublicKey && !go_curve(*out)) {
            EVP_PKEY_free(*out);
            *out = NULL;
            err = "x509: failed to parse EC private key embedded in PKCS#8: "
                  "x509: unknown elliptic curve";
        } else if (!*out) {
            const char *kind = nid == NID_rsaEncryption ? "RSA private key"
                               : nid == NID_X9_62_id_ecPublicKey
                                   ? "EC private key"
                                   : NULL;
            err = kind                 ? rn_arena_printf(a,
                                                         "x509: failed to parse %s embedded "
                                                                         "in PKCS#8: %s",
                                                         kind, asn1_error(a, 1, kind))
                  : nid == NID_ED25519 ? "x509: invalid Ed25519 private key"
                                       : "x509: invalid X25519 private key";
        }
    }
    PKCS8_PRIV_KEY_INFO_free(p8);
    ERR_clear_error();
    return err;
}

/* Sprig's parsePrivateKeyPEM. */
static const char *parse_key_pem(rn_arena *a, const char *s, size_t n,
                                 EVP_PKEY **out)
{
    *out = NULL;
    pem_block b;
    if (!pem_decode(a, s, n, &b))
        return "no PEM data in input";
    const char *err;
    if (strcmp(b.type, "PRIVATE KEY") == 0) {
        err = parse_pkcs8(a, b.der, b.len, out);
        return err ? rn_arena_printf(a, "decoding PEM as PKCS#8: %s", err)
                   : NULL;
    }
    if (!has_suffix(b.type, b.type_len, " PRIVATE KEY"))
        return rn_arena_printf(a, "no private key data in PEM block of type %s",
                               b.type);
    size_t k = b.type_len - 12;
    if (k == 3 && memcmp(b.type, "RSA", 3) == 0) {
        err = parse_pkcs1(a, b.der, b.len, out);
        return err ? rn_arena_printf(a, "parsing RSA private key from PEM: %s",
                                     err)
                   : NULL;
    }
    if (k == 2 && memcmp(b.type, "EC", 2) == 0) {
        err = parse_sec1(a, b.der, b.len, out);
        return err ? rn_arena_printf(a, "parsing EC private key from PEM: %s",
                                     err)
                   : NULL;
    }
    if (k == 3 && memcmp(b.type, "DSA", 3) == 0) {
        *out = is_pkcs8(b.der, b.len)
                   ? NULL
                   : decode_der("type-specific", "DSA", b.der, b.len, NULL);
        return *out ? NULL
                    : rn_arena_printf(a, "parsing DSA private key from PEM: %s",
                                      asn1_error(a, b.len, "DSA private key"));
    }
    return rn_arena_printf(a, "invalid private key type %s", b.type);
}

/* Sprig's pemBlockForKey: PKCS#1, DSA's own, SEC1, else PKCS#8. */
static int key_pem(rn_buf *out, EVP_PKEY *k)
{
    int id = EVP_PKEY_get_base_id(k);
    const char *type = id == EVP_PKEY_RSA   ? "RSA PRIVATE KEY"
                       : id == EVP_PKEY_DSA ? "DSA PRIVATE KEY"
                       : id == EVP_PKEY_EC  ? "EC PRIVATE KEY"
                                            : "PRIVATE KEY";
    unsigned char *der = NULL;
    int n;
    if (type[0] != 'P') {
        n = i2d_PrivateKey(k, &der);
    } else {
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
        n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    if (n <= 0)
        return -1;
    pem_encode(out, type, der, (size_t)n);
    OPENSSL_free(der);
    return 0;
}

static EVP_PKEY *gen_dsa(void)
{
    EVP_PKEY *params = NULL, *key = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
    if (pc && EVP_PKEY_paramgen_init(pc) > 0 &&
        EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 2048) > 0 &&
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 256) > 0)
        EVP_PKEY_paramgen(pc, &params);
    EVP_PKEY_CTX_free(pc);
    if (!params)
        return NULL;
    EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
    if (kc && EVP_PKEY_keygen_init(kc) > 0)
        EVP_PKEY_keygen(kc, &key);
    EVP_PKEY_CTX_free(kc);
    EVP_PKEY_free(params);
    return key;
}

static EVP_PKEY *gen_rsa(unsigned bits)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

RN_FN(rn_fn_genprivatekey)
{
    (void)argc;
    const char *typ;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &typ, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    EVP_PKEY *k;
    if (n == 0 || strcmp(typ, "rsa") == 0)
        k = gen_rsa(4096);
    else if (strcmp(typ, "dsa") == 0)
        k = gen_dsa();
    else if (strcmp(typ, "ecdsa") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else if (strcmp(typ, "ed25519") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    else {
        *out = rn_strz(a, rn_arena_printf(a, "Unknown type %.*s", (int)n, typ));
        return 0;
    }
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (!k || key_pem(&b, k) != 0) {
        EVP_PKEY_free(k);
        rn_buf_free(&b);
        return fail_msg(ctx, NO_RANDOM);
    }
    EVP_PKEY_free(k);
    *out = rn_fn_buf_value(a, &b);
    return 0;
}

/* --- certificates --- */

/* What Sprig's getBaseCertTemplate fills in. */
typedef struct cert_tpl {
    const char *cn;
    size_t cn_len;
    unsigned char (*ips)[16];
    int *ip_lens;
    size_t n_ips;
    const char **dns;
    size_t *dns_lens;
    size_t n_dns;
    int64_t days;
    bool is_ca;
} cert_tpl;

/* The ips and alternateDNS parameters: Go's []interface{}. */
static int arg_list(tmpl_ctx *ctx, rn_value **argv, int i, rn_value **out)
{
    rn_value *v = argv[i];
    bool ok = v->kind == RN_LIST && !(v->flags & RN_F_STRLIST) && !v->tname;
    int rc = tmpl_arg_typed(ctx, argv, i, "[]interface {}", true, ok);
    *out = rc == 1 ? v : NULL;
    return rc < 0 ? -1 : 0;
}

/* The ca parameter: a sprig.certificate. */
static int arg_cert(tmpl_ctx *ctx, rn_value **argv, int i, const char **cert,
                    size_t *cert_len, const char **key, size_t *key_len)
{
    rn_value *v = argv[i];
    bool ok = v->kind == RN_MAP && v->tname && strcmp(v->tname, cert_type) == 0;
    if (tmpl_arg_typed(ctx, argv, i, cert_type, false, ok) < 0)
        return -1;
    const rn_value *c = rn_map_getz(v, "Cert"), *k = rn_map_getz(v, "Key");
    *cert = c->u.s.ptr;
    *cert_len = c->u.s.len;
    *key = k->u.s.ptr;
    *key_len = k->u.s.len;
    return 0;
}

/* Go's net.ParseIP: dotted IPv4 (no leading zeros) or IPv6; an IPv4 or an
 * IPv4-mapped IPv6 address goes into the certificate as 4 bytes. */
static int parse_ip(const char *s, size_t n, unsigned char ip[16])
{
    if (strlen(s) != n)
        return 0;
    if (inet_pton(AF_INET, s, ip) == 1)
        return 4;
    if (inet_pton(AF_INET6, s, ip) != 1)
        return 0;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(ip, mapped, 12) == 0) {
        memmove(ip, ip + 12, 4);
        return 4;
    }
    return 16;
}

/* getNetIPs and getAlternateDNSStrs. */
static const char *tpl_names(rn_arena *a, const rn_value *ips,
                             const rn_value *dns, cert_tpl *t)
{
    size_t ni = ips ? ips->u.list.len : 0, nd = dns ? dns->u.list.len : 0;
    t->ips = rn_arena_alloc(a, sizeof *t->ips * (ni + 1));
    t->ip_lens = rn_arena_alloc(a, sizeof *t->ip_lens * (ni + 1));
    for (size_t i = 0; i < ni; i++) {
        const rn_value *v = ips->u.list.items[i];
        if (v->kind != RN_STRING)
            return rn_arena_printf(a, "error parsing ip: %s is not a string",
                                   rn_fn_strval(a, v, NULL));
        t->ip_lens[i] = parse_ip(v->u.s.ptr, v->u.s.len, t->ips[i]);
        if (!t->ip_lens[i])
            return rn_arena_printf(a, "error parsing ip: %s", v->u.s.ptr);
    }
    t->n_ips = ni;
    t->dns = rn_arena_alloc(a, sizeof *t->dns * (nd + 1));
    t->dns_lens = rn_arena_alloc(a, sizeof *t->dns_lens * (nd + 1));
    for (size_t i = 0; i < nd; i++) {
        const rn_value *v = dns->u.list.items[i];
        if (v->kind != RN_STRING)
            return rn_arena_printf(a,
                                   "error processing alternate dns name: %s "
                                   "is not a string",
                                   rn_fn_strval(a, v, NULL));
        t->dns[i] = v->u.s.ptr;
        t->dns_lens[i] = v->u.s.len;
    }
    t->n_dns = nd;
    return NULL;
}

/* Which keys Go's CreateCertificate signs with, and the digest. */
static bool go_signer(EVP_PKEY *k, const EVP_MD **md)
{
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
        *md = EVP_sha256();
        return true;
    case EVP_PKEY_EC: {
        int bits = EVP_PKEY_get_bits(k);
        *md = bits > 384   ? EVP_sha512()
              : bits > 256 ? EVP_sha384()
                           : EVP_sha256();
        return true;
    }
    case EVP_PKEY_ED25519:
        *md = NULL;
        return true;
    default: /* *dsa.PrivateKey, *ecdh.PrivateKey */
        return false;
    }
}

/* A Go string as encoding/asn1 writes it untagged: PrintableString when
 * every byte is in its set ('*' and '&' not), else UTF8String. -1 for
 * invalid UTF-8. */
static int asn1_string_type(const char *s, size_t n)
{
    bool printable = true;
    for (size_t i = 0; i < n && printable; i++) {
        unsigned char c = (unsigned char)s[i];
        printable = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || (c >= '\'' && c <= ')') ||
                    (c >= '+' && c <= '/') || c == ' ' || c == ':' ||
                    c == '=' || c == '?';
    }
    if (printable)
        return V_ASN1_PRINTABLESTRING;
    for (size_t i = 0; i < n;) {
        size_t w;
        int32_t r = rn_fn_utf8_decode(s + i, n - i, &w);
        if (r == 0xFFFD && w == 1)
            return -1;
        i += w;
    }
    return V_ASN1_UTF8STRING;
}

/* The current time plus Go's time.Hour * 24 * time.Duration(days), which
 * wraps in int64 nanoseconds; whole seconds, as ASN.1 times hold them. */
static void validity(int64_t days, time_t *nb, time_t *na)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t d = (int64_t)((uint64_t)days * UINT64_C(86400000000000));
    int64_t sec = (int64_t)now.tv_sec + d / 1000000000;
    int64_t ns = (int64_t)now.tv_nsec + d % 1000000000;
    if (ns < 0)
        sec--;
    else if (ns >= 1000000000)
        sec++;
    *nb = now.tv_sec;
    *na = (time_t)sec;
}

static int add_ext(X509 *x, int nid, void *value, int crit)
{
    return X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_DEFAULT) == 1 ? 0
                                                                           : -1;
}

static int add_key_usage(X509 *x, bool is_ca)
{
    ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
    int ok = ku && ASN1_BIT_STRING_set_bit(ku, 0, 1) && /* digitalSignature */
             ASN1_BIT_STRING_set_bit(ku, 2, 1) &&       /* keyEncipherment */
             (!is_ca || ASN1_BIT_STRING_set_bit(ku, 5, 1)) && /* keyCertSign */
             add_ext(x, NID_key_usage, ku, 1) == 0;
    ASN1_BIT_STRING_free(ku);
    return ok ? 0 : -1;
}

static int add_ext_key_usage(X509 *x)
{
    EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
    int ok = eku && sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth)) &&
             sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth)) &&
             add_ext(x, NID_ext_key_usage, eku, 0) == 0;
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    return ok ? 0 : -1;
}

static int add_basic_constraints(X509 *x, bool is_ca)
{
    BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
    if (!bc)
        return -1;
    bc->ca = is_ca ? 0xFF : 0;
    int rc = add_ext(x, NID_basic_constraints, bc, 1);
    BASIC_CONSTRAINTS_free(bc);
    return rc;
}

/* RFC 7093 method 1, Go's default since 1.25: the leftmost 160 bits of
 * the SHA-256 of the public key's bits. */
static int add_subject_key_id(X509 *x)
{
    const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(x);
    if (!bits)
        return -1;
    unsigned char h[SHA256_DIGEST_LENGTH];
    SHA256(bits->data, (size_t)bits->length, h);
    ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
    int ok = id && ASN1_OCTET_STRING_set(id, h, 20) &&
             add_ext(x, NID_subject_key_identifier, id, 0) == 0;
    ASN1_OCTET_STRING_free(id);
    return ok ? 0 : -1;
}

static int add_authority_key_id(X509 *x, const ASN1_OCTET_STRING *skid)
{
    AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
    if (!akid)
        return -1;
    akid->keyid = ASN1_OCTET_STRING_dup(skid);
    int rc =
        akid->keyid ? add_ext(x, NID_authority_key_identifier, akid, 0) : -1;
    AUTHORITY_KEYID_free(akid);
    return rc;
}

static int push_name(GENERAL_NAMES *gens, int type, const void *data, size_t n)
{
    GENERAL_NAME *g = GENERAL_NAME_new();
    ASN1_STRING *s =
        type == GEN_DNS ? ASN1_IA5STRING_new() : ASN1_OCTET_STRING_new();
    if (!g || !s || !ASN1_STRING_set(s, data, (int)n)) {
        GENERAL_NAME_free(g);
        ASN1_STRING_free(s);
        return -1;
    }
    GENERAL_NAME_set0_value(g, type, s);
    if (!sk_GENERAL_NAME_push(gens, g)) {
        GENERAL_NAME_free(g);
        return -1;
    }
    return 0;
}

static int add_alt_names(X509 *x, const cert_tpl *t)
{
    if (t->n_dns + t->n_ips == 0)
        return 0;
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    int rc = gens ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < t->n_dns; i++)
        rc = push_name(gens, GEN_DNS, t->dns[i], t->dns_lens[i]);
    for (size_t i = 0; rc == 0 && i < t->n_ips; i++)
        rc = push_name(gens, GEN_IPADD, t->ips[i], (size_t)t->ip_lens[i]);
    /* RFC 5280: critical when the subject is an empty sequence. */
    if (rc == 0)
        rc = add_ext(x, NID_subject_alt_name, gens, t->cn_len == 0);
    GENERAL_NAMES_free(gens);
    return rc;
}

static bool names_equal(const X509_NAME *a, const X509_NAME *b)
{
    const unsigned char *da, *db;
    size_t na, nb;
    if (!X509_NAME_get0_der(a, &da, &na) || !X509_NAME_get0_der(b, &db, &nb))
        return false;
    return na == nb && memcmp(da, db, na) == 0;
}

/* The checks of Go's CreateCertificate that can fail, in its order. */
static const char *cert_checks(rn_arena *a, const cert_tpl *t, EVP_PKEY *signee,
                               X509 *parent, EVP_PKEY *signer,
                               const EVP_MD **md, int *cn_type)
{
    if (!go_signer(signer, md))
        return "x509: certificate private key does not implement "
               "crypto.Signer";
    int id = EVP_PKEY_get_base_id(signee);
    if (id == EVP_PKEY_DSA)
        return "x509: unsupported public key type: *dsa.PublicKey";
    if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC && id != EVP_PKEY_ED25519)
        return "x509: unsupported public key type: *ecdh.PublicKey";
    *cn_type = asn1_string_type(t->cn, t->cn_len);
    if (*cn_type < 0)
        return "asn1: string not valid UTF-8";
    EVP_PKEY *pub = parent ? X509_get0_pubkey(parent) : NULL;
    if (pub && EVP_PKEY_eq(signer, pub) != 1)
        return "x509: provided PrivateKey doesn't match parent's PublicKey";
    for (size_t i = 0; i < t->n_dns; i++)
        for (size_t j = 0; j < t->dns_lens[i]; j++)
            if ((unsigned char)t->dns[i][j] >= 0x80)
                return rn_arena_printf(a,
                                       "x509: %s cannot be encoded as an "
                                       "IA5String",
                                       go_q(a, t->dns[i], t->dns_lens[i]));
    return NULL;
}

/* The certificate's fields and extensions, then the signature. */
static int cert_build(X509 *x, const cert_tpl *t, EVP_PKEY *signee,
                      X509 *parent, EVP_PKEY *signer, const EVP_MD *md,
                      int cn_type)
{
    BIGNUM *serial = BN_new(); /* uniform in [0, 2^128) */
    ASN1_INTEGER *ai = NULL;
    X509_NAME *name = X509_NAME_new();
    int ok = serial && name && X509_set_version(x, 2) &&
             BN_rand(serial, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
             (ai = BN_to_ASN1_INTEGER(serial, NULL)) &&
             X509_set_serialNumber(x, ai);
    if (ok && t->cn_len)
        ok = X509_NAME_add_entry_by_NID(name, NID_commonName, cn_type,
                                        (const unsigned char *)t->cn,
                                        (int)t->cn_len, -1, 0);
    time_t nb, na;
    validity(t->days, &nb, &na);
    const X509_NAME *issuer = parent ? X509_get_subject_name(parent) : name;
    ok = ok && X509_set_subject_name(x, name) &&
         X509_set_issuer_name(x, issuer) &&
         ASN1_TIME_set(X509_getm_notBefore(x), nb) &&
         ASN1_TIME_set(X509_getm_notAfter(x), na) &&
         X509_set_pubkey(x, signee) && add_key_usage(x, t->is_ca) == 0 &&
         add_ext_key_usage(x) == 0 && add_basic_constraints(x, t->is_ca) == 0 &&
         (!t->is_ca || add_subject_key_id(x) == 0);
    const ASN1_OCTET_STRING *skid =
        parent ? X509_get0_subject_key_id(parent) : NULL;
    if (ok && skid && skid->length > 0 && !names_equal(issuer, name))
        ok = add_authority_key_id(x, skid) == 0;
    ok = ok && add_alt_names(x, t) == 0 && X509_sign(x, signer, md) > 0;
    BN_free(serial);
    ASN1_INTEGER_free(ai);
    X509_NAME_free(name);
    return ok ? 0 : -1;
}

/* Sprig's certificate object: the struct's fields, printed by fmt as
 * {Cert Key}. */
static rn_value *cert_object(rn_arena *a, rn_buf *cert, rn_buf *key)
{
    rn_value *o = rn_map_new(a, 2);
    rn_map_setz(a, o, "Cert", rn_str(a, rn_buf_cstr(cert), cert->len));
    rn_map_setz(a, o, "Key", rn_str(a, rn_buf_cstr(key), key->len));
    rn_value *methods = rn_map_new(a, 1);
    rn_map_setz(a, methods, "String",
                rn_strz(a, rn_arena_printf(a, "{%s %s}", rn_buf_cstr(cert),
                                           rn_buf_cstr(key))));
    rn_value_set_type(o, cert_type, methods);
    o->flags |= RN_F_STRUCT;
    return o;
}

/* Sprig's getCertAndKey: Go's x509.CreateCertificate of the template for
 * the signee's public key, signed by `signer` under `parent` (NULL: self
 * signed), and both as PEM. */
static int cert_and_key(tmpl_ctx *ctx, const cert_tpl *t, EVP_PKEY *signee,
                        X509 *parent, EVP_PKEY *signer, rn_value **out)
{
    rn_arena *a = tmpl_arena(ctx);
    const EVP_MD *md = NULL;
    int cn_type = 0;
    const char *err = cert_checks(a, t, signee, parent, signer, &md, &cn_type);
    if (err)
        return tmpl_fail(ctx, "error creating certificate: %s", err);
    X509 *x = X509_new();
    unsigned char *der = NULL;
    int n = -1;
    if (x && cert_build(x, t, signee, parent, signer, md, cn_type) == 0)
        n = i2d_X509(x, &der);
    X509_free(x);
    if (n <= 0)
        return fail_msg(ctx, "error creating certificate: " NO_RANDOM);
    rn_buf cert = RN_BUF_INIT, key = RN_BUF_INIT;
    pem_encode(&cert, "CERTIFICATE", der, (size_t)n);
    OPENSSL_free(der);
    int rc = key_pem(&key, signee);
    if (rc == 0)
        *out = cert_object(a, &cert, &key);
    rn_buf_free(&cert);
    rn_buf_free(&key);
    ERR_clear_error();
    return rc == 0 ? 0 : fail_msg(ctx, "error pem-encoding key");
}

/* x509.ParseCertificate of the first PEM block of `pem`. */
static const char *parse_cert(rn_arena *a, const char *pem, size_t n,
                              const char *field, X509 **out)
{
    *out = NULL;
    pem_block b;
    if (!pem_decode(a, pem, n, &b))
        return "unable to decode certificate";
    const unsigned char *p = b.der;
    *out = b.len ? d2i_X509(NULL, &p, (long)b.len) : NULL;
    ERR_clear_error();
    const char *why = NULL;
    if (!*out)
        why = "x509: malformed certificate";
    else if (p != b.der + b.len)
        why = "x509: trailing data";
    if (!why)
        return NULL;
    X509_free(*out);
    *out = NULL;
    return rn_arena_printf(a, "error parsing certificate: %s: %s", field, why);
}

/* The arguments every certificate function starts with: cn, then (but
 * for genCA) ips and alternateDNS, then daysValid. */
static int tpl_args(tmpl_ctx *ctx, rn_value **argv, bool with_names,
                    cert_tpl *t, rn_value **ips, rn_value **dns)
{
    memset(t, 0, sizeof *t);
    *ips = *dns = NULL;
    if (rn_fn_arg_str(ctx, argv, 0, &t->cn, &t->cn_len) != 0)
        return -1;
    int di = 1;
    if (with_names) {
        if (arg_list(ctx, argv, 1, ips) != 0 ||
            arg_list(ctx, argv, 2, dns) != 0)
            return -1;
        di = 3;
    }
    return rn_fn_arg_int(ctx, argv, di, &t->days);
}

/* A key given as PEM (the ...WithKey forms), or a new RSA 2048 one. */
static int signee_key(tmpl_ctx *ctx, rn_value **argv, int key_arg,
                      EVP_PKEY **out)
{
    *out = NULL;
    if (key_arg < 0) {
        *out = gen_rsa(2048);
        return *out ? 0 : fail_msg(ctx, "error generating rsa key: " NO_RANDOM);
    }
    const char *pem;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, key_arg, &pem, &n) != 0)
        return -1;
    const char *err = parse_key_pem(tmpl_arena(ctx), pem, n, out);
    if (err)
        return tmpl_fail(ctx, "parsing private key: %s", err);
    return 0;
}

/* genCA / genCAWithKey: a self-signed CA without names. */
static int gen_ca(tmpl_ctx *ctx, rn_value **argv, int key_arg, rn_value **out)
{
    cert_tpl t;
    rn_value *ips, *dns;
    EVP_PKEY *key;
    if (tpl_args(ctx, argv, false, &t, &ips, &dns) != 0 ||
        signee_key(ctx, argv, key_arg, &key) != 0)
        return -1;
    t.is_ca = true;
    int rc = cert_and_key(ctx, &t, key, NULL, key, out);
    EVP_PKEY_free(key);
    return rc;
}

RN_FN(rn_fn_genca)
{
    (void)argc;
    return gen_ca(ctx, argv, -1, out);
}

RN_FN(rn_fn_gencawithkey)
{
    (void)argc;
    return gen_ca(ctx, argv, 2, out);
}

/* genSelfSignedCert / genSelfSignedCertWithKey. */
static int gen_self(tmpl_ctx *ctx, rn_value **argv, int key_arg, rn_value **out)
{
    cert_tpl t;
    rn_value *ips, *dns;
    EVP_PKEY *key;
    if (tpl_args(ctx, argv, true, &t, &ips, &dns) != 0 ||
        (key_arg >= 0 && signee_key(ctx, argv, key_arg, &key) != 0))
        return -1;
    const char *err = tpl_names(tmpl_arena(ctx), ips, dns, &t);
    if (key_arg < 0 && !err && signee_key(ctx, argv, -1, &key) != 0)
        return -1;
    if (err) {
        if (key_arg >= 0)
            EVP_PKEY_free(key);
        return tmpl_fail(ctx, "%s", err);
    }
    int rc = cert_and_key(ctx, &t, key, NULL, key, out);
    EVP_PKEY_free(key);
    return rc;
}

RN_FN(rn_fn_genselfsignedcert)
{
    (void)argc;
    return gen_self(ctx, argv, -1, out);
}

RN_FN(rn_fn_genselfsignedcertwithkey)
{
    (void)argc;
    return gen_self(ctx, argv, 4, out);
}

/* genSignedCert / genSignedCertWithKey: signed by the ca argument. Sprig
 * reads the CA, then the template's names, then creates. */
static int gen_signed(tmpl_ctx *ctx, rn_value **argv, int key_arg,
                      rn_value **out)
{
    cert_tpl t;
    rn_value *ips, *dns;
    const char *ca_cert, *ca_key;
    size_t ca_cert_len, ca_key_len;
    if (tpl_args(ctx, argv, true, &t, &ips, &dns) != 0 ||
        arg_cert(ctx, argv, 4, &ca_cert, &ca_cert_len, &ca_key, &ca_key_len) !=
            0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    EVP_PKEY *key = NULL, *signer = NULL;
    X509 *parent = NULL;
    if (key_arg >= 0 && signee_key(ctx, argv, key_arg, &key) != 0)
        return -1;
    const char *err =
        parse_cert(a, ca_cert, ca_cert_len, "decodedSignerCert.Bytes", &parent);
    if (!err) {
        err = parse_key_pem(a, ca_key, ca_key_len, &signer);
        if (err)
            err = rn_arena_printf(a, "error parsing private key: %s", err);
    }
    if (!err)
        err = tpl_names(a, ips, dns, &t);
    int rc = -1;
    if (err)
        tmpl_fail(ctx, "%s", err);
    else if (key || signee_key(ctx, argv, -1, &key) == 0)
        rc = cert_and_key(ctx, &t, key, parent, signer, out);
    EVP_PKEY_free(key);
    EVP_PKEY_free(signer);
    X509_free(parent);
    return rc;
}

RN_FN(rn_fn_gensignedcert)
{
    (void)argc;
    return gen_signed(ctx, argv, -1, out);
}

RN_FN(rn_fn_gensignedcertwithkey)
{
    (void)argc;
    return gen_signed(ctx, argv, 5, out);
}

/* buildCustomCert: a certificate object from a base64 PEM certificate and
 * key, both checked and kept as given. */
RN_FN(rn_fn_buildcustomcert)
{
    (void)argc;
    const char *b64c, *b64k;
    size_t nc, nk;
    if (rn_fn_arg_str(ctx, argv, 0, &b64c, &nc) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &b64k, &nk) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    rn_buf cert = RN_BUF_INIT, key = RN_BUF_INIT;
    rn_buf_append(&cert, "", 0);
    rn_buf_append(&key, "", 0);
    const char *err = NULL;
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    if (rn_fn_b64_decode(&cert, (const unsigned char *)b64c, nc) >= 0)
        err = "unable to decode base64 certificate";
    else if (rn_fn_b64_decode(&key, (const unsigned char *)b64k, nk) >= 0)
        err = "unable to decode base64 private key";
    else
        err = parse_cert(a, rn_buf_cstr(&cert), cert.len, "decodedCert.Bytes",
                         &x);
    if (!err) {
        err = parse_key_pem(a, rn_buf_cstr(&key), key.len, &k);
        if (err)
            err = rn_arena_printf(a, "error parsing private key: %s", err);
    }
    if (!err)
        *out = cert_object(a, &cert, &key);
    X509_free(x);
    EVP_PKEY_free(k);
    rn_buf_free(&cert);
    rn_buf_free(&key);
    return err ? tmpl_fail(ctx, "%s", err) : 0;
}

/* --- AES --- */

/* AES-256-CBC without OpenSSL's padding (Sprig pads itself). */
static int aes_cbc(bool enc, const unsigned char key[32],
                   const unsigned char iv[16], const unsigned char *in,
                   size_t n, unsigned char *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    int ok = c && EVP_CipherInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv, enc) &&
             EVP_CIPHER_CTX_set_padding(c, 0) &&
             EVP_CipherUpdate(c, out, &len, in, (int)n) &&
             EVP_CipherFinal_ex(c, out + len, &fin);
    EVP_CIPHER_CTX_free(c);
    return ok ? 0 : -1;
}

/* Sprig's key: the password's first 32 bytes, zero-filled. */
static void aes_key(const char *password, size_t n, unsigned char key[32])
{
    memset(key, 0, 32);
    memcpy(key, password, n < 32 ? n : 32);
}

RN_FN(rn_fn_encryptaes)
{
    (void)argc;
    const char *pw, *text;
    size_t npw, n;
    if (rn_fn_arg_str(ctx, argv, 0, &pw, &npw) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &text, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    if (n == 0) {
        *out = rn_strz(a, "");
        return 0;
    }
    unsigned char key[32];
    aes_key(pw, npw, key);
    size_t pad = 16 - n % 16, total = 16 + n + pad;
    unsigned char *plain = malloc(n + pad), *crypt = malloc(total);
    if (!plain || !crypt)
        abort();
    memcpy(plain, text, n);
    memset(plain + n, (int)pad, pad);
    int rc = RAND_bytes(crypt, 16) == 1 ? 0 : -1;
    if (rc == 0)
        rc = aes_cbc(true, key, crypt, plain, n + pad, crypt + 16);
    if (rc == 0) {
        char *b64 = rn_arena_alloc(a, 4 * ((total + 2) / 3) + 1);
        int len = EVP_EncodeBlock((unsigned char *)b64, crypt, (int)total);
        *out = rn_str_own(a, b64, (size_t)len);
    }
    free(plain);
    free(crypt);
    OPENSSL_cleanse(key, sizeof key);
    return rc == 0 ? 0 : fail_msg(ctx, NO_RANDOM);
}

RN_FN(rn_fn_decryptaes)
{
    (void)argc;
    const char *pw, *b64;
    size_t npw, n;
    if (rn_fn_arg_str(ctx, argv, 0, &pw, &npw) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &b64, &n) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    if (n == 0) {
        *out = rn_strz(a, "");
        return 0;
    }
    rn_buf crypt = RN_BUF_INIT;
    rn_buf_append(&crypt, "", 0);
    long bad = rn_fn_b64_decode(&crypt, (const unsigned char *)b64, n);
    const char *err = NULL;
    size_t len = crypt.len;
    /* The panics of crypt[:aes.BlockSize], CryptBlocks and the unpadding;
     * the decoded slice's capacity is DecodedLen of the input. */
    if (bad >= 0)
        err = rn_arena_printf(a, "illegal base64 data at input byte %ld", bad);
    else if (len < 16)
        err = rn_arena_printf(a,
                              "runtime error: slice bounds out of range "
                              "[:16] with capacity %zu",
                              n / 4 * 3);
    else if ((len - 16) % 16 != 0)
        err = "crypto/cipher: input not full blocks";
    else if (len == 16)
        err = "runtime error: index out of range [-1]";
    if (err) {
        rn_buf_free(&crypt);
        return tmpl_fail(ctx, "%s", err);
    }
    unsigned char key[32];
    aes_key(pw, npw, key);
    const unsigned char *c = (const unsigned char *)rn_buf_cstr(&crypt);
    unsigned char *plain = rn_arena_alloc(a, len - 16 + 1);
    int rc = aes_cbc(false, key, c, c + 16, len - 16, plain);
    OPENSSL_cleanse(key, sizeof key);
    rn_buf_free(&crypt);
    if (rc != 0)
        return fail_msg(ctx, "crypto/cipher: input not full blocks");
    size_t m = len - 16, pad = plain[m - 1];
    if (pad > m)
        return tmpl_fail(ctx, "runtime error: slice bounds out of range [:%ld]",
                         (long)m - (long)pad);
    plain[m - pad] = '\0';
    *out = rn_str_own(a, (char *)plain, m - pad);
    return 0;
}

/* --- derivePassword --- */

typedef struct pw_templates {
    const char *type;
    const char *const *list;
} pw_templates;

static const char *const pw_maximum[] = {"anoxxxxxxxxxxxxxxxxx",
                                         "axxxxxxxxxxxxxxxxxno", NULL};
static const char *const pw_long[] = {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv",
                                      "CvcvCvcvCvcvno", "CvccnoCvcvCvcv",
                                      "CvccCvcvnoCvcv", "CvccCvcvCvcvno",
                                      "CvcvnoCvccCvcv", "CvcvCvccnoCvcv",
                                      "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
                                      "CvcvCvcvnoCvcc", "CvcvCvcvCvccno",
                                      "CvccnoCvccCvcv", "CvccCvccnoCvcv",
                                      "CvccCvccCvcvno", "CvcvnoCvccCvcc",
                                      "CvcvCvccnoCvcc", "CvcvCvccCvccno",
                                      "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
                                      "CvccCvcvCvccno", NULL};
static const char *const pw_medium[] = {"CvcnoCvc", "CvcCvcno", NULL};
static const char *const pw_short[] = {"Cvcn", NULL};
static const char *const pw_basic[] = {"aaanaaan", "aannaaan", "aaannaaa",
                                       NULL};
static const char *const pw_pin[] = {"nnnn", NULL};

static const pw_templates pw_types[] = {
    {"maximum", pw_maximum}, {"long", pw_long},   {"medium", pw_medium},
    {"short", pw_short},     {"basic", pw_basic}, {"pin", pw_pin},
};

static const char *pw_chars(char c)
{
    switch (c) {
    case 'V':
        return "AEIOU";
    case 'C':
        return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v':
        return "aeiou";
    case 'c':
        return "bcdfghjklmnpqrstvwxyz";
    case 'A':
        return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a':
        return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n':
        return "0123456789";
    case 'o':
        return "@&%?,=[]_:-+*$#!'^~;()/.";
    default: /* 'x' */
        return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789"
               "!@#$%^&*()";
    }
}

static void put_be32(rn_buf *b, uint32_t v)
{
    char s[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    rn_buf_append(b, s, 4);
}

#define MP_SEED "com.lyndir.masterpassword"

RN_FN(rn_fn_derivepassword)
{
    (void)argc;
    uint64_t counter;
    const char *type, *pw, *user, *site;
    size_t ntype, npw, nuser, nsite;
    if (tmpl_arg_uint(ctx, argv, 0, "uint32", 32, &counter) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &type, &ntype) != 0 ||
        rn_fn_arg_str(ctx, argv, 2, &pw, &npw) != 0 ||
        rn_fn_arg_str(ctx, argv, 3, &user, &nuser) != 0 ||
        rn_fn_arg_str(ctx, argv, 4, &site, &nsite) != 0)
        return -1;
    rn_arena *a = tmpl_arena(ctx);
    const char *const *templates = NULL;
    for (size_t i = 0; i < sizeof pw_types / sizeof *pw_types; i++)
        if (strlen(pw_types[i].type) == ntype &&
            memcmp(pw_types[i].type, type, ntype) == 0)
            templates = pw_types[i].list;
    if (!templates) {
        *out = rn_strz(
            a, rn_arena_printf(a, "cannot find password template %s", type));
        return 0;
    }
    rn_buf msg = RN_BUF_INIT;
    rn_buf_puts(&msg, MP_SEED);
    put_be32(&msg, (uint32_t)nuser);
    rn_buf_append(&msg, user, nuser);
    unsigned char key[64];
    int ok =
        EVP_PBE_scrypt(pw, npw, (const unsigned char *)rn_buf_cstr(&msg),
                       msg.len, 32768, 8, 2, 64 * 1024 * 1024, key, sizeof key);
    rn_buf_reset(&msg);
    rn_buf_puts(&msg, MP_SEED);
    put_be32(&msg, (uint32_t)nsite);
    rn_buf_append(&msg, site, nsite);
    put_be32(&msg, (uint32_t)counter);
    unsigned char seed[EVP_MAX_MD_SIZE];
    unsigned slen = 0;
    ok = ok && HMAC(EVP_sha256(), key, sizeof key,
                    (const unsigned char *)rn_buf_cstr(&msg), msg.len, seed,
                    &slen) != NULL;
    rn_buf_free(&msg);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok)
        return fail_msg(ctx, "failed to derive password: scrypt failed");
    size_t count = 0;
    while (templates[count])
        count++;
    const char *tpl = templates[seed[0] % count];
    size_t n = strlen(tpl);
    char *s = rn_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        const char *chars = pw_chars(tpl[i]);
        s[i] = chars[seed[i + 1] % strlen(chars)];
    }
    s[n] = '\0';
    *out = rn_str_own(a, s, n);
    return 0;
}

/* --- bcrypt and htpasswd --- */

/* bcrypt.GenerateFromPassword(password, 10); Sprig returns a failure as
 * the result text. */
static int bcrypt_hash(tmpl_ctx *ctx, const char *pw, size_t n, rn_buf *out)
{
    if (n > 72) {
        rn_buf_puts(out, "failed to encrypt string with bcrypt: bcrypt: "
                         "password length exceeds 72 bytes");
        return 0;
    }
    unsigned char rnd[16];
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return fail_msg(ctx, NO_RANDOM);
    if (!crypt_gensalt_rn("$2a$", 10, (const char *)rnd, sizeof rnd, salt,
                          sizeof salt))
        return tmpl_fail(ctx, "bcrypt: no salt");
    struct crypt_data *cd = calloc(1, sizeof *cd);
    if (!cd)
        abort();
    const char *h = crypt_r(pw, salt, cd);
    int rc = 0;
    if (!h || h[0] == '*')
        rc = tmpl_fail(ctx, "bcrypt: hashing failed");
    else
        rn_buf_puts(out, h);
    free(cd);
    return rc;
}

RN_FN(rn_fn_bcrypt)
{
    (void)argc;
    const char *pw;
    size_t n;
    if (rn_fn_arg_str(ctx, argv, 0, &pw, &n) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (bcrypt_hash(ctx, pw, n, &b) != 0) {
        rn_buf_free(&b);
        return -1;
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}

/* "user:hash", Apache's bcrypt form; a user name with ':' cannot be one. */
RN_FN(rn_fn_htpasswd)
{
    (void)argc;
    const char *user, *pw;
    size_t nu, np;
    if (rn_fn_arg_str(ctx, argv, 0, &user, &nu) != 0 ||
        rn_fn_arg_str(ctx, argv, 1, &pw, &np) != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    if (memchr(user, ':', nu)) {
        rn_buf_puts(&b, "invalid username: ");
        rn_buf_append(&b, user, nu);
    } else {
        rn_buf_append(&b, user, nu);
        rn_buf_putc(&b, ':');
        if (bcrypt_hash(ctx, pw, np, &b) != 0) {
            rn_buf_free(&b);
            return -1;
        }
    }
    *out = rn_fn_buf_value(tmpl_arena(ctx), &b);
    return 0;
}
