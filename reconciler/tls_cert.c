/*
 * tls_cert.c — the metrics endpoint's certificate (see tls_cert.h).
 */
#include "tls_cert.h"
#include "clock.h"
#include "xalloc.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tls_cert {
    char *cert_path, *key_path; /* NULL: self-signed */
    log_ctx *log;
    SSL_CTX *ctx;
    struct stat cert_st, key_st; /* of the loaded pair */
    long long checked_ms;
};

/* The last OpenSSL error, for a message. */
static const char *ssl_reason(char *buf, size_t n)
{
    unsigned long e = ERR_peek_last_error();
    if (!e)
        return "not a PEM certificate and key";
    ERR_error_string_n(e, buf, n);
    ERR_clear_error();
    return buf;
}

static SSL_CTX *new_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx) {
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
        /* One request per connection: nothing to resume. */
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    return ctx;
}

/* A context from the two files, or NULL with err set. */
static SSL_CTX *load_pair(const tls_cert *t, rn_error *err)
{
    char why[256];
    SSL_CTX *ctx = new_ctx();
    if (!ctx) {
        rn_error_set(err, "TLS: %s", ssl_reason(why, sizeof why));
        return NULL;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_path) != 1) {
        rn_error_set(err, "metrics certificate %s: %s", t->cert_path,
                     ssl_reason(why, sizeof why));
    } else if (SSL_CTX_use_PrivateKey_file(ctx, t->key_path,
                                           SSL_FILETYPE_PEM) != 1) {
        rn_error_set(err, "metrics key %s: %s", t->key_path,
                     ssl_reason(why, sizeof why));
    } else if (SSL_CTX_check_private_key(ctx) != 1) {
        rn_error_set(err, "metrics key %s does not match the certificate %s",
                     t->key_path, t->cert_path);
        ERR_clear_error();
    } else {
        return ctx;
    }
    SSL_CTX_free(ctx);
    return NULL;
}

/* A self-signed certificate for localhost in a new context. */
static SSL_CTX *self_signed(rn_error *err)
{
    char why[256];
    SSL_CTX *ctx = new_ctx();
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    X509_EXTENSION *san = NULL;
    bool ok = ctx && key && x && RAND_bytes(serial, sizeof serial) == 1;
    if (ok) {
        serial[0] &= 0x7f; /* a positive serial number */
        bn = BN_bin2bn(serial, sizeof serial, NULL);
        X509_NAME *name = X509_get_subject_name(x);
        X509V3_CTX v3;
        X509V3_set_ctx_nodb(&v3);
        X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
        ok = bn && X509_set_version(x, 2) == 1 &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
             X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
             X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) &&
             X509_NAME_add_entry_by_txt(
                 name, "CN", MBSTRING_ASC,
                 (const unsigned char *)"mlflow-operator-metrics", -1, -1,
                 0) == 1 &&
             X509_set_issuer_name(x, name) == 1 &&
             X509_set_pubkey(x, key) == 1 &&
             (san = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
                                        "DNS:localhost,IP:127.0.0.1")) &&
             X509_add_ext(x, san, -1) == 1 &&
             X509_sign(x, key, EVP_sha256()) > 0 &&
             SSL_CTX_use_certificate(ctx, x) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    }
    if (!ok)
        rn_error_set(err, "cannot make a self-signed metrics certificate: %s",
                     ssl_reason(why, sizeof why));
    X509_EXTENSION_free(san);
    BN_free(bn);
    X509_free(x);
    EVP_PKEY_free(key);
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = rc_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
           a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int tls_cert_new(const char *dir, const char *cert_name, const char *key_name,
                 log_ctx *log, tls_cert **out, rn_error *err)
{
    tls_cert *t = rc_xcalloc(1, sizeof *t);
    t->log = log;
    if (dir && *dir) {
        t->cert_path = join(dir, cert_name);
        t->key_path = join(dir, key_name);
        stat(t->cert_path, &t->cert_st);
        stat(t->key_path, &t->key_st);
        t->ctx = load_pair(t, err);
    } else {
        t->ctx = self_signed(err);
    }
    if (!t->ctx) {
        tls_cert_free(t);
        return -1;
    }
    t->checked_ms = rc_now_ms();
    *out = t;
    return 0;
}

void tls_cert_free(tls_cert *t)
{
    if (!t)
        return;
    SSL_CTX_free(t->ctx);
    free(t->cert_path);
    free(t->key_path);
    free(t);
}

SSL_CTX *tls_cert_ctx(tls_cert *t)
{
    long long now = rc_now_ms();
    if (!t->cert_path || now - t->checked_ms < 1000)
        return t->ctx;
    t->checked_ms = now;
    struct stat cs, ks;
    if (stat(t->cert_path, &cs) < 0 || stat(t->key_path, &ks) < 0 ||
        (same_file(&cs, &t->cert_st) && same_file(&ks, &t->key_st)))
        return t->ctx;
    rn_error err;
    rn_error_clear(&err);
    SSL_CTX *ctx = load_pair(t, &err);
    /* A pair that does not load (perhaps half written) is tried again
     * when the files change again. */
    t->cert_st = cs;
    t->key_st = ks;
    if (!ctx) {
        log_msg(t->log, LOG_WARN, NULL,
                "keeping the current metrics certificate: %s", err.msg);
        return t->ctx;
    }
    SSL_CTX_free(t->ctx);
    t->ctx = ctx;
    log_msg(t->log, LOG_INFO, NULL, "metrics certificate reloaded from %s",
            t->cert_path);
    return t->ctx;
}
