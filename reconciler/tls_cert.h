/*
 * tls_cert.h — the serving certificate of the HTTPS metrics endpoint, as
 * an OpenSSL server context (TLS 1.2 or later).
 *
 * From a directory (--metrics-cert-path, with --metrics-cert-name and
 * --metrics-cert-key: a PEM certificate chain and its private key, such as
 * a kubernetes.io/tls Secret or the OpenShift service CA's Secret mounted
 * as a volume): the files are looked at again at most once a second and
 * re-read when they changed (a Secret volume swaps them in by a symlink),
 * so a rotated certificate is served without a restart. A new pair that
 * does not load (half written, key not matching) is logged and the
 * current one kept.
 *
 * Without a directory: a self-signed certificate (ECDSA P-256, for
 * localhost and 127.0.0.1, valid a year) made in memory at start, as
 * controller-runtime does; scrapers must then skip verification.
 */
#ifndef RC_TLS_CERT_H
#define RC_TLS_CERT_H

#include <openssl/ssl.h>

#include "error.h"
#include "log.h"

typedef struct tls_cert tls_cert;

/* `dir` NULL: self-signed. -1 with err naming the file when the pair in
 * `dir` does not load. */
int tls_cert_new(const char *dir, const char *cert_name, const char *key_name,
                 log_ctx *log, tls_cert **out, rn_error *err);
void tls_cert_free(tls_cert *t);

/* The context to accept a new connection with (reloaded first if the
 * files changed). Owned by t; an SSL made from it keeps it alive. Not
 * thread-safe: one serving thread. */
SSL_CTX *tls_cert_ctx(tls_cert *t);

#endif
