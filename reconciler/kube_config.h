/*
 * kube_config.h — where the API server is and how to prove who we are.
 *
 * Two sources, tried in the order controller-runtime uses: an explicit
 * --kubeconfig, then $KUBECONFIG (a ':'-separated list, merged as kubectl
 * merges it: the first file that sets a name wins), then the in-cluster
 * service account (KUBERNETES_SERVICE_HOST/PORT and the token, ca.crt and
 * namespace files), then ~/.kube/config.
 *
 * From a kubeconfig: the current context's cluster (server, CA data or
 * file, insecure-skip-tls-verify only when it says so) and user (token,
 * tokenFile, client certificate and key as data or files,
 * username/password). Relative file names are resolved against the
 * directory of the kubeconfig that names them. exec and auth-provider
 * plugins are refused with a message; tls-server-name is not supported.
 *
 * A token read from a file (in-cluster, or a kubeconfig tokenFile) is read
 * again whenever the file changes, so a rotated service-account token is
 * picked up without a restart. kube_config_token is thread-safe; every
 * other field is read-only after loading.
 */
#ifndef RC_KUBE_CONFIG_H
#define RC_KUBE_CONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"

typedef struct kube_config {
    char *server; /* "https://host:port", no trailing slash */
    bool insecure; /* only when the kubeconfig asks for it */
    char *ca_pem;  /* CA bundle bytes; NULL: the system store */
    size_t ca_len;
    char *cert_pem; /* client certificate and key, or NULL */
    size_t cert_len;
    char *key_pem;
    size_t key_len;
    char *token;      /* static bearer token, or NULL */
    char *token_file; /* bearer token re-read on change, or NULL */
    char *username;   /* basic auth, or NULL */
    char *password;
    char *namespace; /* context namespace / in-cluster namespace, or NULL */
    char *source;    /* "in-cluster" or the kubeconfig path, for logs */

    /* Token file cache, guarded by mu. */
    pthread_mutex_t mu;
    char *file_token;
    time_t file_mtime;
    long file_mtime_ns;
    off_t file_size;
} kube_config;

/* Everything the loader looks at, so tests need not touch the process
 * environment. kube_config_env_from_process fills it from getenv. */
typedef struct kube_config_env {
    const char *kubeconfig_flag; /* --kubeconfig, or NULL */
    const char *kubeconfig_env;  /* $KUBECONFIG, or NULL */
    const char *home;            /* $HOME */
    const char *service_host;    /* $KUBERNETES_SERVICE_HOST */
    const char *service_port;    /* $KUBERNETES_SERVICE_PORT */
    const char *sa_dir; /* NULL: /var/run/secrets/kubernetes.io/serviceaccount */
    const char *context; /* override current-context, or NULL */
} kube_config_env;

void kube_config_env_from_process(kube_config_env *env,
                                  const char *kubeconfig_flag);

int kube_config_load(const kube_config_env *env, kube_config **out,
                     rn_error *err);
/* A kubeconfig made of the given files, merged in order. */
int kube_config_from_files(const char *const *files, size_t n,
                           const char *context, kube_config **out,
                           rn_error *err);
int kube_config_in_cluster(const char *sa_dir, const char *host,
                           const char *port, kube_config **out,
                           rn_error *err);
void kube_config_free(kube_config *c);

/* The bearer token to send now (malloc'd), or NULL when the config has
 * none. A token file is re-read when its mtime or size changed; if it
 * cannot be read the last good token is kept. */
char *kube_config_token(kube_config *c);

/* Base64 (standard alphabet, padding optional, whitespace ignored) to
 * bytes; malloc'd and NUL-terminated. -1 on bad input. */
int kube_base64_decode(const char *in, size_t len, char **out,
                       size_t *outlen);

#endif
