/*
 * test_funcs_crypto.c — Sprig's cryptographic functions (funcs_crypto.c)
 * rendered through the template engine, their output read back with
 * OpenSSL and libxcrypt: a genSignedCert certificate verifies against its
 * genCA, names, validity, extensions and key types are the ones asked for,
 * bcrypt and htpasswd hashes verify, encryptAES is AES-256-CBC that
 * decryptAES (and OpenSSL) reverses, derivePassword gives helm's passwords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <crypt.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "funcs.h"
#include "tmpl.h"

/* Render one template; the output (or error) is malloc'd into *out. */
static int render(const char *tpl, char **out)
{
    rn_arena *a = rn_arena_new();
    tmpl_set *s = tmpl_set_new(a);
    tmpl_set_add_funcs(s, rn_funcs_sprig);
    tmpl_set_add_funcs(s, rn_funcs_helm);
    rn_error err;
    rn_error_clear(&err);
    rn_buf b = RN_BUF_INIT;
    const char *name = "x/templates/t.yaml";
    int rc = tmpl_parse(s, name, tpl, strlen(tpl), &err);
    if (rc == 0) {
        rn_value *dot = rn_map_new(a, 1);
        rn_map_setz(a, dot, "Values", rn_map_new(a, 0));
        rc = tmpl_execute(s, name, dot, &b, &err);
    }
    *out = strdup(rc == 0 ? rn_buf_cstr(&b) : err.msg);
    rn_buf_free(&b);
    rn_arena_free(a);
    return rc;
}

/* Render a template that must succeed. */
static char *must_render(const char *tpl)
{
    char *out;
    int rc = render(tpl, &out);
    if (rc != 0)
        fail_msg("%s\n  error: %s", tpl, out);
    return out;
}

/* The parts of an output joined by "|" (PEM has none). */
static size_t split(char *s, char **parts, size_t max)
{
    size_t n = 0;
    for (char *p = s; n < max;) {
        parts[n++] = p;
        p = strchr(p, '|');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

static X509 *read_cert(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    assert_non_null(x);
    return x;
}

static EVP_PKEY *read_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    assert_non_null(k);
    return k;
}

static void assert_cn(const X509_NAME *name, const char *want)
{
    char cn[256] = "";
    int n = X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof cn);
    if (!*want)
        assert_int_equal(n, -1);
    else
        assert_string_equal(cn, want);
}

/* notAfter - notBefore, in days and seconds. */
static void assert_valid_days(X509 *x, int days)
{
    int d = 0, sec = 0;
    assert_true(ASN1_TIME_diff(&d, &sec, X509_get0_notBefore(x),
                               X509_get0_notAfter(x)));
    assert_int_equal(d, days);
    assert_int_equal(sec, 0);
    /* valid from now (the render took well under a minute) */
    time_t now = time(NULL);
    assert_true(X509_cmp_time(X509_get0_notBefore(x), &(time_t){now + 60}) < 0);
    assert_true(X509_cmp_time(X509_get0_notBefore(x), &(time_t){now - 60}) > 0);
}

static bool ext_critical(X509 *x, int nid)
{
    int i = X509_get_ext_by_NID(x, nid, -1);
    assert_true(i >= 0);
    return X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* Sprig's KeyUsage, ExtKeyUsage and BasicConstraints. */
static void assert_usages(X509 *x, bool ca)
{
    uint32_t ku = X509_get_key_usage(x);
    uint32_t want = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT |
                    (ca ? KU_KEY_CERT_SIGN : 0);
    assert_int_equal(ku, want);
    assert_int_equal(X509_get_extended_key_usage(x),
                     XKU_SSL_SERVER | XKU_SSL_CLIENT);
    assert_int_equal(X509_check_ca(x) != 0, ca);
    assert_true(ext_critical(x, NID_key_usage));
    assert_true(ext_critical(x, NID_basic_constraints));
    assert_false(ext_critical(x, NID_ext_key_usage));
    assert_int_equal(X509_get_version(x), 2);
}

/* The DNS and IP names of a certificate, as "DNS:a,IP:n bytes,...". */
static void alt_names(X509 *x, char *out, size_t size)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    out[0] = '\0';
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        size_t len = strlen(out);
        if (g->type == GEN_DNS)
            snprintf(out + len, size - len, "%sDNS:%s", len ? "," : "",
                     (const char *)ASN1_STRING_get0_data(g->d.dNSName));
        else if (g->type == GEN_IPADD)
            snprintf(out + len, size - len, "%sIP:%d", len ? "," : "",
                     ASN1_STRING_length(g->d.iPAddress));
    }
    GENERAL_NAMES_free(gens);
}

static int verify(X509 *leaf, X509 *ca, const char *host)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, NULL);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    /* A second from now: the certificate's notBefore is the precise clock's
     * second, and time(), which the check uses by default, may still be on
     * the second before (a coarse clock). */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now.tv_sec + 1);
    if (host)
        X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0);
    int ok = X509_verify_cert(ctx);
    int err = X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return ok == 1 ? X509_V_OK : err;
}

/* genCA and genSignedCert: the chain verifies, with the names asked
 * for; the CA's key id is the leaf's authority key id. */
static void test_signed_cert_chain(void **state)
{
    (void)state;
    char *out = must_render(
        "{{ $ca := genCA \"test-ca\" 30 }}"
        "{{ $c := genSignedCert \"leaf.example\" (list \"10.0.0.1\" \"::1\" "
        "\"::ffff:1.2.3.4\") (list \"leaf.example\" \"alt.example\") 7 $ca }}"
        "{{ $ca.Cert }}|{{ $ca.Key }}|{{ $c.Cert }}|{{ $c.Key }}");
    char *p[4] = {0};
    assert_int_equal(split(out, p, 4), 4);
    X509 *ca = read_cert(p[0]), *leaf = read_cert(p[2]);
    EVP_PKEY *cakey = read_key(p[1]), *leafkey = read_key(p[3]);

    assert_cn(X509_get_subject_name(ca), "test-ca");
    assert_int_equal(
        X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(ca)), 0);
    assert_usages(ca, true);
    assert_valid_days(ca, 30);
    assert_true(X509_check_private_key(ca, cakey));
    assert_int_equal(EVP_PKEY_get_base_id(cakey), EVP_PKEY_RSA);
    assert_int_equal(EVP_PKEY_get_bits(cakey), 2048);
    assert_int_equal(X509_get_signature_nid(ca), NID_sha256WithRSAEncryption);
    const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(ca);
    assert_non_null(skid);
    assert_int_equal(ASN1_STRING_length(skid), 20);
    assert_int_equal(X509_get_ext_by_NID(ca, NID_subject_alt_name, -1), -1);

    assert_cn(X509_get_subject_name(leaf), "leaf.example");
    assert_cn(X509_get_issuer_name(leaf), "test-ca");
    assert_usages(leaf, false);
    assert_valid_days(leaf, 7);
    assert_true(X509_check_private_key(leaf, leafkey));
    assert_int_equal(EVP_PKEY_get_bits(leafkey), 2048);
    assert_null(X509_get0_subject_key_id(leaf));
    const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(leaf);
    assert_non_null(akid);
    assert_int_equal(ASN1_OCTET_STRING_cmp(akid, skid), 0);
    char names[256];
    alt_names(leaf, names, sizeof names);
    /* DNS names first; IPv4 and IPv4-mapped addresses in 4 bytes */
    assert_string_equal(names,
                        "DNS:leaf.example,DNS:alt.example,IP:4,IP:16,IP:4");
    assert_false(ext_critical(leaf, NID_subject_alt_name));
    assert_int_equal(X509_check_ip_asc(leaf, "10.0.0.1", 0), 1);
    assert_int_equal(X509_check_ip_asc(leaf, "1.2.3.4", 0), 1);
    assert_int_equal(X509_check_ip_asc(leaf, "::1", 0), 1);
    assert_int_equal(verify(leaf, ca, "alt.example"), X509_V_OK);
    assert_int_equal(verify(leaf, ca, "other.example"),
                     X509_V_ERR_HOSTNAME_MISMATCH);

    /* Another CA of the same name does not verify it. */
    char *other = must_render("{{ (genCA \"test-ca\" 30).Cert }}");
    X509 *ca2 = read_cert(other);
    assert_int_not_equal(verify(leaf, ca2, NULL), X509_V_OK);
    assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca),
                                          X509_get0_serialNumber(ca2)),
                         0);
    X509_free(ca2);
    free(other);

    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(cakey);
    EVP_PKEY_free(leafkey);
    free(out);
}

/* genSelfSignedCert: self-issued, not a CA; with no subject the names
 * extension is critical (RFC 5280). */
static void test_self_signed(void **state)
{
    (void)state;
    char *out = must_render(
        "{{ $c := genSelfSignedCert \"\" (list \"192.168.1.1\") nil 1 }}"
        "{{ $c.Cert }}|{{ $c.Key }}");
    char *p[2] = {0};
    assert_int_equal(split(out, p, 2), 2);
    X509 *x = read_cert(p[0]);
    EVP_PKEY *k = read_key(p[1]);
    assert_cn(X509_get_subject_name(x), "");
    assert_int_equal(X509_NAME_entry_count(X509_get_subject_name(x)), 0);
    assert_usages(x, false);
    assert_valid_days(x, 1);
    assert_int_equal(X509_verify(x, k), 1);
    assert_true(ext_critical(x, NID_subject_alt_name));
    char names[64];
    alt_names(x, names, sizeof names);
    assert_string_equal(names, "IP:4");
    X509_free(x);
    EVP_PKEY_free(k);
    free(out);
}

/* The WithKey forms sign with the key given: ECDSA P-256 with SHA-256,
 * Ed25519 pure; the signed certificate carries the signee's key. */
static void test_with_key(void **state)
{
    (void)state;
    char *out = must_render(
        "{{ $ek := genPrivateKey \"ecdsa\" }}{{ $dk := genPrivateKey "
        "\"ed25519\" }}"
        "{{ $ca := genCAWithKey \"ec-ca\" 2 $ek }}"
        "{{ $c := genSignedCertWithKey \"ed\" nil (list \"ed.example\") 3 $ca "
        "$dk }}"
        "{{ $ek }}|{{ $ca.Cert }}|{{ $ca.Key }}|{{ $dk }}|{{ $c.Cert }}|{{ "
        "$c.Key }}");
    char *p[6] = {0};
    assert_int_equal(split(out, p, 6), 6);
    assert_string_equal(p[0], p[2]); /* SEC1 in, SEC1 out */
    assert_string_equal(p[3], p[5]); /* PKCS#8 in, PKCS#8 out */
    EVP_PKEY *ek = read_key(p[0]), *dk = read_key(p[3]);
    assert_int_equal(EVP_PKEY_get_base_id(ek), EVP_PKEY_EC);
    char group[32];
    assert_true(EVP_PKEY_get_utf8_string_param(ek, OSSL_PKEY_PARAM_GROUP_NAME,
                                               group, sizeof group, NULL));
    assert_string_equal(group, "prime256v1");
    assert_int_equal(EVP_PKEY_get_base_id(dk), EVP_PKEY_ED25519);
    X509 *ca = read_cert(p[1]), *leaf = read_cert(p[4]);
    assert_true(X509_check_private_key(ca, ek));
    assert_true(X509_check_private_key(leaf, dk));
    assert_int_equal(X509_get_signature_nid(ca), NID_ecdsa_with_SHA256);
    assert_int_equal(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA256);
    assert_int_equal(verify(leaf, ca, "ed.example"), X509_V_OK);
    assert_valid_days(ca, 2);
    assert_valid_days(leaf, 3);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(ek);
    EVP_PKEY_free(dk);
    free(out);

    out = must_render("{{ $k := genPrivateKey \"ed25519\" }}"
                      "{{ (genSelfSignedCertWithKey \"e\" nil nil 1 $k).Cert "
                      "}}|{{ $k }}");
    assert_int_equal(split(out, p, 2), 2);
    X509 *x = read_cert(p[0]);
    EVP_PKEY *k = read_key(p[1]);
    assert_int_equal(X509_get_signature_nid(x), NID_ED25519);
    assert_int_equal(X509_verify(x, k), 1);
    X509_free(x);
    EVP_PKEY_free(k);
    free(out);
}

/* buildCustomCert: a CA from PEM text signs like genCA's. */
static void test_custom_ca(void **state)
{
    (void)state;
    char *out = must_render(
        "{{ $ca := genCA \"outer\" 5 }}"
        "{{ $b := buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Key) }}"
        "{{ $ca.Cert }}|{{ (genSignedCert \"in\" nil (list \"in\") 1 $b).Cert "
        "}}|{{ eq $b.Cert $ca.Cert }}");
    char *p[3] = {0};
    assert_int_equal(split(out, p, 3), 3);
    X509 *ca = read_cert(p[0]), *leaf = read_cert(p[1]);
    assert_int_equal(verify(leaf, ca, "in"), X509_V_OK);
    assert_string_equal(p[2], "true");
    X509_free(ca);
    X509_free(leaf);
    free(out);
}

/* genPrivateKey: the key types and sizes Sprig makes. */
static void test_private_keys(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        int id, bits;
        const char *header;
    } t[] = {
        {"rsa", EVP_PKEY_RSA, 4096, "-----BEGIN RSA PRIVATE KEY-----\n"},
        {"ecdsa", EVP_PKEY_EC, 256, "-----BEGIN EC PRIVATE KEY-----\n"},
        {"ed25519", EVP_PKEY_ED25519, 256, "-----BEGIN PRIVATE KEY-----\n"},
        {"dsa", EVP_PKEY_DSA, 2048, "-----BEGIN DSA PRIVATE KEY-----\n"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char tpl[64];
        snprintf(tpl, sizeof tpl, "{{ genPrivateKey \"%s\" }}", t[i].type);
        char *out = must_render(tpl);
        assert_memory_equal(out, t[i].header, strlen(t[i].header));
        EVP_PKEY *k = read_key(out);
        assert_int_equal(EVP_PKEY_get_base_id(k), t[i].id);
        assert_int_equal(EVP_PKEY_get_bits(k), t[i].bits);
        if (t[i].id == EVP_PKEY_DSA) {
            BIGNUM *q = NULL;
            assert_true(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_FFC_Q, &q));
            assert_int_equal(BN_num_bits(q), 256);
            BN_free(q);
        }
        EVP_PKEY_free(k);
        free(out);
    }
    char *out = must_render("{{ genPrivateKey \"x448\" }}");
    assert_string_equal(out, "Unknown type x448");
    free(out);
}

static bool crypt_ok(const char *pw, const char *hash)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    assert_non_null(cd);
    const char *h = crypt_r(pw, hash, cd);
    bool ok = h && strcmp(h, hash) == 0;
    free(cd);
    return ok;
}

/* bcrypt and htpasswd: "$2a$10$" hashes that libxcrypt verifies. */
static void test_bcrypt(void **state)
{
    (void)state;
    char *out = must_render("{{ bcrypt \"s3cr\303\251t\" }}|{{ bcrypt "
                            "\"s3cr\303\251t\" }}|{{ htpasswd \"admin\" "
                            "\"hunter2\" }}");
    char *p[3] = {0};
    assert_int_equal(split(out, p, 3), 3);
    assert_int_equal(strlen(p[0]), 60);
    assert_memory_equal(p[0], "$2a$10$", 7);
    assert_true(crypt_ok("s3cr\303\251t", p[0]));
    assert_true(crypt_ok("s3cr\303\251t", p[1]));
    assert_false(crypt_ok("s3cret", p[0]));
    assert_string_not_equal(p[0], p[1]); /* a new salt each time */
    assert_memory_equal(p[2], "admin:$2a$10$", 13);
    assert_true(crypt_ok("hunter2", p[2] + 6));
    assert_false(crypt_ok("hunter3", p[2] + 6));
    free(out);

    out = must_render("{{ htpasswd \"a:b\" \"x\" }}");
    assert_string_equal(out, "invalid username: a:b");
    free(out);
}

/* AES-256-CBC with the IV first and PKCS#7 padding: OpenSSL's own
 * decryption (padding checked) reads encryptAES's output. */
static void openssl_decrypt(const char *b64, const char *password,
                            const char *want)
{
    size_t n = strlen(b64);
    unsigned char *raw = malloc(n), key[32] = {0};
    int len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
    while (n > 0 && b64[--n] == '=')
        len--;
    assert_true(len >= 32 && len % 16 == 0);
    memcpy(key, password, strlen(password) < 32 ? strlen(password) : 32);
    unsigned char *plain = malloc((size_t)len);
    int a = 0, b = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    assert_true(EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, key, raw));
    assert_true(EVP_DecryptUpdate(c, plain, &a, raw + 16, len - 16));
    assert_true(EVP_DecryptFinal_ex(c, plain + a, &b));
    EVP_CIPHER_CTX_free(c);
    assert_int_equal(a + b, strlen(want));
    assert_memory_equal(plain, want, strlen(want));
    free(raw);
    free(plain);
}

static void test_aes(void **state)
{
    (void)state;
    static const char *texts[] = {"x", "0123456789abcdef", "h\303\251llo world",
                                  "a longer text that spans three blocks!"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char tpl[256];
        snprintf(tpl, sizeof tpl,
                 "{{ $e := encryptAES \"pass\" \"%s\" }}{{ $e }}|{{ "
                 "decryptAES \"pass\" $e }}",
                 texts[i]);
        char *out = must_render(tpl);
        char *p[2] = {0};
        assert_int_equal(split(out, p, 2), 2);
        assert_string_equal(p[1], texts[i]);
        openssl_decrypt(p[0], "pass", texts[i]);
        free(out);
    }
    char *out = must_render(
        "{{ decryptAES \"secretkey\" "
        "\"jp4kFXkhqXgMWM7qfw/zzWWu4ws0NZgcICxy0iapMzg8sn2U0dUKU/Am1/"
        "AXlxIo\" }}");
    assert_string_equal(out, "hello world, this is a test!"); /* helm's */
    free(out);
    assert_int_equal(render("{{ decryptAES \"k\" \"YWJj\" }}", &out), -1);
    assert_non_null(strstr(out, "error calling decryptAES: runtime error: "
                                "slice bounds out of range [:16] with "
                                "capacity 3"));
    free(out);
}

/* derivePassword: helm's results for the same inputs. */
static void test_derive_password(void **state)
{
    (void)state;
    char *out = must_render(
        "{{ derivePassword 1 \"long\" \"password\" \"user\" \"example.com\" "
        "}}|{{ derivePassword 0 \"medium\" \"\" \"\" \"\" }}|{{ "
        "derivePassword 4294967295 \"short\" \"p\" \"u\" \"s\" }}|{{ "
        "derivePassword 7 \"pin\" \"p\" \"u\" \"s\" }}");
    char *p[4] = {0};
    assert_int_equal(split(out, p, 4), 4);
    assert_string_equal(p[0], "ZedaFaxcZaso9*");
    assert_string_equal(p[1], "RozMog8!");
    assert_string_equal(p[2], "Tev7");
    assert_string_equal(p[3], "4802");
    free(out);
    assert_int_equal(
        render("{{ derivePassword -1 \"long\" \"p\" \"u\" \"s\" }}", &out), -1);
    assert_non_null(strstr(out, "expected unsigned integer; found -1"));
    free(out);
}

/* Argument types as Go checks them. */
static void test_argument_errors(void **state)
{
    (void)state;
    static const struct {
        const char *tpl, *err;
    } t[] = {
        {"{{ genSignedCert \"x\" nil nil 1 (dict) }}",
         "wrong type for value; expected sprig.certificate; got "
         "map[string]interface {}"},
        {"{{ genSelfSignedCert \"x\" \"ip\" nil 1 }}",
         "can't handle \"ip\" for arg of type []interface {}"},
        {"{{ genSelfSignedCert \"x\" (list \"1.2.3.4\" 5) nil 1 }}",
         "error calling genSelfSignedCert: error parsing ip: 5 is not a "
         "string"},
        {"{{ genCAWithKey \"x\" 1 \"\" }}",
         "error calling genCAWithKey: parsing private key: no PEM data in "
         "input"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char *out;
        assert_int_equal(render(t[i].tpl, &out), -1);
        if (!strstr(out, t[i].err))
            fail_msg("%s\n  error: %s\n  want: %s", t[i].tpl, out, t[i].err);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signed_cert_chain),
        cmocka_unit_test(test_self_signed),
        cmocka_unit_test(test_with_key),
        cmocka_unit_test(test_custom_ca),
        cmocka_unit_test(test_private_keys),
        cmocka_unit_test(test_bcrypt),
        cmocka_unit_test(test_aes),
        cmocka_unit_test(test_derive_password),
        cmocka_unit_test(test_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
