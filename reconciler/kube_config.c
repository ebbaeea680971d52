/*
 * kube_config.c — kubeconfig and in-cluster configuration (see
 * kube_config.h). kubeconfig files are YAML, read with libfyaml.
 */
#include "kube_config.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Whole file into a NUL-terminated malloc'd buffer. */
static int read_file(const char *path, char **out, size_t *len,
                     rn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rn_error_set(err, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = rc_xmalloc(cap);
    for (;;) {
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
        if (n + 1 == cap) {
            cap *= 2;
            buf = rc_xrealloc(buf, cap);
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return rn_error_set(err, "cannot read %s", path);
    }
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return 0;
}

int kube_base64_decode(const char *in, size_t len, char **out,
                       size_t *outlen)
{
    char *clean = rc_xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)in[i]))
            clean[n++] = in[i];
    if (n % 4 != 0) {
        free(clean);
        return -1;
    }
    size_t pad = 0;
    while (pad < 2 && n > pad && clean[n - 1 - pad] == '=')
        pad++;
    char *buf = rc_xmalloc(n / 4 * 3 + 1);
    int r = n ? EVP_DecodeBlock((unsigned char *)buf, (unsigned char *)clean,
                                (int)n)
              : 0;
    free(clean);
    if (r < 0) {
        free(buf);
        return -1;
    }
    size_t m = (size_t)r - pad;
    buf[m] = '\0';
    *out = buf;
    *outlen = m;
    return 0;
}

static kube_config *config_new(void)
{
    kube_config *c = rc_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void kube_config_free(kube_config *c)
{
    if (!c)
        return;
    free(c->server);
    free(c->ca_pem);
    free(c->cert_pem);
    free(c->key_pem);
    free(c->token);
    free(c->token_file);
    free(c->username);
    free(c->password);
    free(c->namespace);
    free(c->source);
    free(c->file_token);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Trailing whitespace (a newline at the end of a token file) is not part
 * of a token. */
static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

char *kube_config_token(kube_config *c)
{
    if (!c->token_file)
        return rc_xstrdup(c->token);
    pthread_mutex_lock(&c->mu);
    struct stat st;
    if (stat(c->token_file, &st) == 0 &&
        (!c->file_token || st.st_mtim.tv_sec != c->file_mtime ||
         st.st_mtim.tv_nsec != c->file_mtime_ns ||
         st.st_size != c->file_size)) {
        char *buf;
        rn_error e;
        rn_error_clear(&e);
        if (read_file(c->token_file, &buf, NULL, &e) == 0) {
            rstrip(buf);
            free(c->file_token);
            c->file_token = buf;
            c->file_mtime = st.st_mtim.tv_sec;
            c->file_mtime_ns = st.st_mtim.tv_nsec;
            c->file_size = st.st_size;
        }
    }
    char *t = rc_xstrdup(c->file_token ? c->file_token : c->token);
    pthread_mutex_unlock(&c->mu);
    return t;
}

int kube_config_in_cluster(const char *sa_dir, const char *host,
                           const char *port, kube_config **out,
                           rn_error *err)
{
    if (!host || !*host || !port || !*port)
        return rn_error_set(err, "not running in a cluster: "
                                 "KUBERNETES_SERVICE_HOST and "
                                 "KUBERNETES_SERVICE_PORT must be set");
    if (!sa_dir)
        sa_dir = SA_DIR;
    kube_config *c = config_new();
    char path[4096];
    bool v6 = strchr(host, ':') != NULL;
    char server[512];
    snprintf(server, sizeof server, "https://%s%s%s:%s", v6 ? "[" : "", host,
             v6 ? "]" : "", port);
    c->server = rc_xstrdup(server);
    c->source = rc_xstrdup("in-cluster");
    snprintf(path, sizeof path, "%s/token", sa_dir);
    c->token_file = rc_xstrdup(path);
    char *tok = kube_config_token(c);
    if (!tok) {
        kube_config_free(c);
        return rn_error_set(err, "cannot read the service-account token %s",
                            path);
    }
    free(tok);
    snprintf(path, sizeof path, "%s/ca.crt", sa_dir);
    if (read_file(path, &c->ca_pem, &c->ca_len, err) < 0) {
        kube_config_free(c);
        return -1;
    }
    snprintf(path, sizeof path, "%s/namespace", sa_dir);
    char *ns;
    rn_error ignore;
    rn_error_clear(&ignore);
    if (read_file(path, &ns, NULL, &ignore) == 0) {
        rstrip(ns);
        c->namespace = ns;
    }
    *out = c;
    return 0;
}

/* ---- kubeconfig ---------------------------------------------------------- */

typedef struct kc_file {
    const char *path;
    struct fy_document *doc;
} kc_file;

/* A string value of `key` in mapping `m`, or NULL. */
static const char *kc_str(struct fy_node *m, const char *key, size_t *len)
{
    if (!m || fy_node_get_type(m) != FYNT_MAPPING)
        return NULL;
    struct fy_node *v = fy_node_mapping_lookup_by_string(m, key, FY_NT);
    if (!v || fy_node_get_type(v) != FYNT_SCALAR)
        return NULL;
    /* The NUL-terminated copy: plain scalars point into the input. */
    const char *s = fy_node_get_scalar0(v);
    if (s && len)
        *len = strlen(s);
    return s;
}

static char *kc_dup(struct fy_node *m, const char *key)
{
    size_t n;
    const char *s = kc_str(m, key, &n);
    return s ? rc_xstrndup(s, n) : NULL;
}

/* The `inner` mapping of the first entry named `name` in list `list`
 * ("clusters", "users", "contexts") over all files, and the file it came
 * from. */
static struct fy_node *kc_find(kc_file *files, size_t n, const char *list,
                               const char *name, const char *inner,
                               const char **from)
{
    for (size_t i = 0; i < n; i++) {
        struct fy_node *root = fy_document_root(files[i].doc);
        if (!root || fy_node_get_type(root) != FYNT_MAPPING)
            continue;
        struct fy_node *seq =
            fy_node_mapping_lookup_by_string(root, list, FY_NT);
        if (!seq || fy_node_get_type(seq) != FYNT_SEQUENCE)
            continue;
        void *it = NULL;
        struct fy_node *e;
        while ((e = fy_node_sequence_iterate(seq, &it))) {
            size_t len;
            const char *nm = kc_str(e, "name", &len);
            if (nm && strlen(name) == len && memcmp(nm, name, len) == 0) {
                *from = files[i].path;
                return fy_node_mapping_lookup_by_string(e, inner, FY_NT);
            }
        }
    }
    return NULL;
}

/* A path from a kubeconfig, resolved against the file's directory. */
static void kc_resolve(char *buf, size_t n, const char *kcpath,
                       const char *p)
{
    if (p[0] == '/') {
        snprintf(buf, n, "%s", p);
        return;
    }
    const char *slash = strrchr(kcpath, '/');
    if (!slash)
        snprintf(buf, n, "%s", p);
    else
        snprintf(buf, n, "%.*s/%s", (int)(slash - kcpath), kcpath, p);
}

/* `<key>-data` (base64) or `<key>` (a file) into *out. */
static int kc_data_or_file(struct fy_node *m, const char *key,
                           const char *kcpath, char **out, size_t *len,
                           rn_error *err)
{
    char dkey[64];
    snprintf(dkey, sizeof dkey, "%s-data", key);
    size_t n;
    const char *s = kc_str(m, dkey, &n);
    if (s && n) {
        if (kube_base64_decode(s, n, out, len) < 0)
            return rn_error_set(err, "%s: %s is not valid base64", kcpath,
                                dkey);
        return 0;
    }
    s = kc_str(m, key, &n);
    if (s && n) {
        char path[4096], *name = rc_xstrndup(s, n);
        kc_resolve(path, sizeof path, kcpath, name);
        free(name);
        return read_file(path, out, len, err);
    }
    return 0;
}

static bool kc_true(struct fy_node *m, const char *key)
{
    const char *s = kc_str(m, key, NULL);
    return s && strcmp(s, "true") == 0;
}

static int kc_cluster(kube_config *c, struct fy_node *cl, const char *from,
                      rn_error *err)
{
    c->server = kc_dup(cl, "server");
    if (!c->server || !*c->server)
        return rn_error_set(err, "%s: the cluster has no server", from);
    size_t n = strlen(c->server);
    while (n && c->server[n - 1] == '/')
        c->server[--n] = '\0';
    c->insecure = kc_true(cl, "insecure-skip-tls-verify");
    return kc_data_or_file(cl, "certificate-authority", from, &c->ca_pem,
                           &c->ca_len, err);
}

static int kc_user(kube_config *c, struct fy_node *u, const char *from,
                   rn_error *err)
{
    if (!u)
        return 0;
    if (fy_node_mapping_lookup_by_string(u, "exec", FY_NT) ||
        fy_node_mapping_lookup_by_string(u, "auth-provider", FY_NT))
        return rn_error_set(err,
                            "%s: exec and auth-provider credential plugins "
                            "are not supported; use a token, tokenFile or "
                            "a client certificate",
                            from);
    c->token = kc_dup(u, "token");
    char *tf = kc_dup(u, "tokenFile");
    if (tf && *tf) {
        char path[4096];
        kc_resolve(path, sizeof path, from, tf);
        c->token_file = rc_xstrdup(path);
    }
    free(tf);
    c->username = kc_dup(u, "username");
    c->password = kc_dup(u, "password");
    if (kc_data_or_file(u, "client-certificate", from, &c->cert_pem,
                        &c->cert_len, err) < 0 ||
        kc_data_or_file(u, "client-key", from, &c->key_pem, &c->key_len,
                        err) < 0)
        return -1;
    if ((c->cert_pem == NULL) != (c->key_pem == NULL))
        return rn_error_set(err, "%s: a client certificate needs its key "
                                 "and the other way round",
                            from);
    return 0;
}

static const char *kc_current_context(kc_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = kc_str(fy_document_root(files[i].doc),
                               "current-context", NULL);
        if (s && *s)
            return s;
    }
    return NULL;
}

static int kc_build(kc_file *files, size_t n, const char *context,
                    kube_config **out, rn_error *err)
{
    const char *ctxname = context ? context : kc_current_context(files, n);
    if (!ctxname)
        return rn_error_set(err, "%s: no current-context; set one with "
                                 "kubectl config use-context",
                            files[0].path);
    const char *from = NULL;
    struct fy_node *ctx =
        kc_find(files, n, "contexts", ctxname, "context", &from);
    if (!ctx)
        return rn_error_set(err, "%s: context \"%s\" not found",
                            files[0].path, ctxname);
    char *clname = kc_dup(ctx, "cluster");
    char *uname = kc_dup(ctx, "user");
    kube_config *c = config_new();
    c->namespace = kc_dup(ctx, "namespace");
    c->source = rc_xstrdup(files[0].path);
    int rc = 0;
    struct fy_node *cl =
        clname ? kc_find(files, n, "clusters", clname, "cluster", &from)
               : NULL;
    if (!cl)
        rc = rn_error_set(err, "%s: cluster \"%s\" of context \"%s\" not "
                               "found",
                          files[0].path, clname ? clname : "", ctxname);
    else
        rc = kc_cluster(c, cl, from, err);
    if (rc == 0 && uname) {
        struct fy_node *u = kc_find(files, n, "users", uname, "user", &from);
        rc = kc_user(c, u, from, err);
    }
    free(clname);
    free(uname);
    if (rc < 0) {
        kube_config_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int kube_config_from_files(const char *const *paths, size_t n,
                           const char *context, kube_config **out,
                           rn_error *err)
{
    kc_file *files = rc_xcalloc(n ? n : 1, sizeof *files);
    size_t loaded = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
        struct fy_document *d = fy_document_build_from_file(&cfg, paths[i]);
        if (!d) {
            rc = rn_error_set(err, "cannot parse kubeconfig %s", paths[i]);
            break;
        }
        files[loaded].path = paths[i];
        files[loaded++].doc = d;
    }
    if (rc == 0 && loaded == 0)
        rc = rn_error_set(err, "no kubeconfig file given");
    if (rc == 0)
        rc = kc_build(files, loaded, context, out, err);
    for (size_t i = 0; i < loaded; i++)
        fy_document_destroy(files[i].doc);
    free(files);
    return rc;
}

/* The existing files of a ':'-separated $KUBECONFIG, in order. */
static int kc_from_list(const char *list, const char *context,
                        kube_config **out, rn_error *err)
{
    char *copy = rc_xstrdup(list), *save = NULL;
    const char *paths[64];
    size_t n = 0;
    for (char *p = strtok_r(copy, ":", &save); p && n < 64;
         p = strtok_r(NULL, ":", &save)) {
        struct stat st;
        if (*p && stat(p, &st) == 0)
            paths[n++] = p;
    }
    int rc = n ? kube_config_from_files(paths, n, context, out, err)
               : rn_error_set(err, "none of the files in KUBECONFIG=%s "
                                   "exists",
                              list);
    free(copy);
    return rc;
}

void kube_config_env_from_process(kube_config_env *env,
                                  const char *kubeconfig_flag)
{
    memset(env, 0, sizeof *env);
    env->kubeconfig_flag = kubeconfig_flag;
    env->kubeconfig_env = getenv("KUBECONFIG");
    env->home = getenv("HOME");
    env->service_host = getenv("KUBERNETES_SERVICE_HOST");
    env->service_port = getenv("KUBERNETES_SERVICE_PORT");
}

int kube_config_load(const kube_config_env *env, kube_config **out,
                     rn_error *err)
{
    if (env->kubeconfig_flag && *env->kubeconfig_flag)
        return kube_config_from_files(&env->kubeconfig_flag, 1, env->context,
                                      out, err);
    if (env->kubeconfig_env && *env->kubeconfig_env)
        return kc_from_list(env->kubeconfig_env, env->context, out, err);
    if (env->service_host && *env->service_host)
        return kube_config_in_cluster(env->sa_dir, env->service_host,
                                      env->service_port, out, err);
    if (env->home && *env->home) {
        char path[4096];
        snprintf(path, sizeof path, "%s/.kube/config", env->home);
        struct stat st;
        if (stat(path, &st) == 0) {
            const char *p = path;
            return kube_config_from_files(&p, 1, env->context, out, err);
        }
    }
    return rn_error_set(err, "no Kubernetes configuration: not in a cluster, "
                             "and neither --kubeconfig, $KUBECONFIG nor "
                             "~/.kube/config is there");
}
