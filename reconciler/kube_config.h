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
 * file, tls-server-name, insecure-skip-tls-verify only when it says so)
 * and user (token, tokenFile, client certificate and key as data or
 * files, username/password, or an exec credential plugin). Relative file
 * names are resolved against the directory of the kubeconfig that names
 * them. auth-provider plugins are refused with a message: kubectl no
 * longer has them built in either, and each has an exec replacement.
 *
 * exec plugins work as in client-go (client.authentication.k8s.io/v1 and
 * v1beta1): `command` (a relative path with a slash is relative to the
 * kubeconfig, a bare name is looked up in $PATH) runs without a shell
 * with `args`, our environment plus `env`, KUBERNETES_EXEC_INFO (with the
 * cluster when provideClusterInfo is true), stdin from /dev/null and
 * stderr discarded (only its last line goes into an error message). Its
 * stdout is an ExecCredential whose status gives a token and/or a client
 * certificate and key. The credential is cached until its
 * expirationTimestamp, or until the API server answers 401 with it
 * (kube_config_reject). A plugin is killed after 30 s or 1 MiB of output.
 * As in client-go, a static token, basic auth or client certificate in
 * the same user wins over exec.
 *
 * A token read from a file (in-cluster, or a kubeconfig tokenFile) is read
 * again whenever the file changes, so a rotated service-account token is
 * picked up without a restart. kube_config_token, kube_config_credential
 * and kube_config_reject are thread-safe; every other field is read-only
 * after loading. Credentials never appear in error messages.
 */
#ifndef RC_KUBE_CONFIG_H
#define RC_KUBE_CONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"

/* A users[].user.exec credential plugin, as loaded. */
typedef struct kube_exec {
    char *user;         /* the kubeconfig user's name, for messages */
    char *kubeconfig;   /* the file that defines the user, for messages */
    char *command;      /* absolute, or a bare name looked up in $PATH */
    char **args;        /* NULL-terminated */
    char **env;         /* "NAME=value", NULL-terminated */
    char *api_version;  /* client.authentication.k8s.io/v1 or v1beta1 */
    char *install_hint; /* shown when the command is missing, or NULL */
    bool cluster_info;  /* provideClusterInfo */
    int timeout_ms;     /* 0: 30 s; tests lower it */
} kube_exec;

/* What to authenticate one request with. Owned by the caller; free with
 * kube_credential_free, which wipes the secrets. */
typedef struct kube_credential {
    char *token;     /* bearer token, or NULL */
    char *cert_pem;  /* client certificate and key from an exec plugin, */
    size_t cert_len; /* or NULL: then kube_config's own, if any */
    char *key_pem;
    size_t key_len;
    unsigned long serial; /* which plugin run produced it (0: none) */
} kube_credential;

typedef struct kube_config {
    char *server;          /* "https://host:port", no trailing slash */
    char *tls_server_name; /* name to verify the server's certificate
                              against instead of the URL's host, or NULL */
    bool insecure;         /* only when the kubeconfig asks for it */
    char *ca_pem;          /* CA bundle bytes; NULL: the system store */
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
    kube_exec *exec; /* credential plugin, or NULL */

    /* Token file and exec credential caches, guarded by mu. */
    pthread_mutex_t mu;
    char *file_token;
    time_t file_mtime;
    long file_mtime_ns;
    off_t file_size;
    kube_credential exec_cred; /* valid when exec_cached */
    bool exec_cached;
    time_t exec_expiry;      /* 0: never expires */
    unsigned long exec_runs; /* plugin runs that gave a credential */
} kube_config;

/* Everything the loader looks at, so tests need not touch the process
 * environment. kube_config_env_from_process fills it from getenv. */
typedef struct kube_config_env {
    const char *kubeconfig_flag; /* --kubeconfig, or NULL */
    const char *kubeconfig_env;  /* $KUBECONFIG, or NULL */
    const char *home;            /* $HOME */
    const char *service_host;    /* $KUBERNETES_SERVICE_HOST */
    const char *service_port;    /* $KUBERNETES_SERVICE_PORT */
    const char
        *sa_dir; /* NULL: /var/run/secrets/kubernetes.io/serviceaccount */
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
                           const char *port, kube_config **out, rn_error *err);
void kube_config_free(kube_config *c);

/* The bearer token to send now (malloc'd), or NULL when the config has
 * none or its exec plugin failed. A token file is re-read when its mtime
 * or size changed; if it cannot be read the last good token is kept. */
char *kube_config_token(kube_config *c);

/* The credential to send a request with now: the token as
 * kube_config_token gives it, or what the exec plugin gives, running it
 * when nothing is cached or the cached credential expired (other threads
 * wait meanwhile). -1 with err naming the user, the command and what went
 * wrong when the plugin fails. */
int kube_config_credential(kube_config *c, kube_credential *out, rn_error *err);
void kube_credential_free(kube_credential *k);

/* The API server answered 401 to a request made with the credential
 * numbered `serial`: forget it unless a newer one is cached already. True
 * when the config has a plugin, so asking again may give a credential the
 * server accepts. */
bool kube_config_reject(kube_config *c, unsigned long serial);

/* Base64 (standard alphabet, padding optional, whitespace ignored) to
 * bytes; malloc'd and NUL-terminated. -1 on bad input. */
int kube_base64_decode(const char *in, size_t len, char **out, size_t *outlen);

#endif
