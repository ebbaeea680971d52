/*
 * kube_config.c — kubeconfig and in-cluster configuration, and the exec
 * credential plugins a kubeconfig may name (see kube_config.h).
 * kubeconfig files are YAML, read with libfyaml; a plugin's ExecCredential
 * is JSON, read with jansson.
 */
#define _GNU_SOURCE /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include "kube_config.h"
#include "arena.h"
#include "clock.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libfyaml.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Whole file into a NUL-terminated malloc'd buffer. */
static int read_file(const char *path, char **out, size_t *len, rn_error *err)
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

int kube_base64_decode(const char *in, size_t len, char **out, size_t *outlen)
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

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static void exec_free(kube_exec *x)
{
    if (!x)
        return;
    free(x->user);
    free(x->kubeconfig);
    free(x->command);
    strv_free(x->args);
    strv_free(x->env);
    free(x->api_version);
    free(x->install_hint);
    free(x);
}

static void wipe_free(char *p, size_t n)
{
    if (p) {
        explicit_bzero(p, n);
        free(p);
    }
}

void kube_credential_free(kube_credential *k)
{
    if (!k)
        return;
    wipe_free(k->token, k->token ? strlen(k->token) : 0);
    free(k->cert_pem);
    wipe_free(k->key_pem, k->key_len);
    memset(k, 0, sizeof *k);
}

void kube_config_free(kube_config *c)
{
    if (!c)
        return;
    free(c->server);
    free(c->tls_server_name);
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
    exec_free(c->exec);
    kube_credential_free(&c->exec_cred);
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

static char *static_token(kube_config *c)
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

/* ---- exec credential plugins --------------------------------------------- */

#define EXEC_TIMEOUT_MS 30000
#define EXEC_MAX_OUTPUT (1024 * 1024)
#define EXEC_STDERR_TAIL 4096
#define EXEC_STDERR_LINE 200

#define EXEC_V1 "client.authentication.k8s.io/v1"
#define EXEC_V1BETA1 "client.authentication.k8s.io/v1beta1"

/* Every plugin error names the kubeconfig user and the command. */
static int exec_fail(const kube_exec *x, rn_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int exec_fail(const kube_exec *x, rn_error *err, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rn_error_set(err, "%s: user \"%s\": exec credential plugin %s: %s",
                        x->kubeconfig, x->user, x->command, what);
}

/* The executable to run: a command with a slash as it is (relative ones
 * were resolved against the kubeconfig when it was loaded), a bare name
 * from an absolute directory of $PATH, as Go's exec.LookPath finds it. */
static int exec_lookup(const kube_exec *x, char *path, size_t n, rn_error *err)
{
    if (strchr(x->command, '/')) {
        snprintf(path, n, "%s", x->command);
        return 0;
    }
    const char *d = getenv("PATH");
    while (d && *d) {
        const char *e = strchrnul(d, ':');
        if (*d == '/') {
            snprintf(path, n, "%.*s/%s", (int)(e - d), d, x->command);
            struct stat st;
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                access(path, X_OK) == 0)
                return 0;
        }
        d = *e ? e + 1 : e;
    }
    return exec_fail(x, err, "not found in $PATH%s%s",
                     x->install_hint ? "; " : "",
                     x->install_hint ? x->install_hint : "");
}

/* KUBERNETES_EXEC_INFO: the ExecCredential the plugin is asked for. The
 * cluster fields are omitted when empty, as Go's omitempty does. */
static char *exec_info(const kube_config *c)
{
    json_t *spec = json_pack("{s:b}", "interactive", 0);
    if (c->exec->cluster_info) {
        json_t *cl = json_pack("{s:s}", "server", c->server);
        if (c->tls_server_name)
            json_object_set_new(cl, "tls-server-name",
                                json_string(c->tls_server_name));
        if (c->insecure)
            json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
        if (c->ca_pem && c->ca_len) {
            char *b64 = rc_xmalloc(4 * ((c->ca_len + 2) / 3) + 1);
            EVP_EncodeBlock((unsigned char *)b64,
                            (const unsigned char *)c->ca_pem, (int)c->ca_len);
            json_object_set_new(cl, "certificate-authority-data",
                                json_string(b64));
            free(b64);
        }
        json_object_set_new(spec, "cluster", cl);
    }
    json_t *o = json_pack("{s:s,s:s,s:o}", "apiVersion", c->exec->api_version,
                          "kind", "ExecCredential", "spec", spec);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort();
    return s;
}

static bool env_named(const char *entry, const char *name, size_t len)
{
    return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

/* Our environment, then the kubeconfig's env, then KUBERNETES_EXEC_INFO;
 * a later one replaces an earlier one of the same name. */
static char **exec_envp(const kube_exec *x, const char *info)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    for (char **e = x->env; *e; e++)
        n++;
    char **v = rc_xcalloc(n + 2, sizeof *v);
    size_t k = 0;
    for (char **e = environ; e && *e; e++) {
        size_t len = strcspn(*e, "=");
        bool replaced = env_named(*e, "KUBERNETES_EXEC_INFO", len);
        for (char **o = x->env; *o && !replaced; o++)
            replaced = env_named(*o, *e, len);
        if (!replaced)
            v[k++] = rc_xstrdup(*e);
    }
    for (char **e = x->env; *e; e++)
        v[k++] = rc_xstrdup(*e);
    size_t len = strlen(info) + sizeof "KUBERNETES_EXEC_INFO=";
    v[k] = rc_xmalloc(len);
    snprintf(v[k], len, "KUBERNETES_EXEC_INFO=%s", info);
    return v;
}

/* The plugin in its own process group, with stdin from /dev/null, stdout
 * and stderr into pipes, no other descriptor of ours, and the signals we
 * block or ignore back to their defaults. */
static int exec_spawn(const kube_exec *x, const char *path, char **argv,
                      char **envp, pid_t *pid, int fds[2], rn_error *err)
{
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) < 0)
        return exec_fail(x, err, "cannot make a pipe: %s", strerror(errno));
    if (pipe2(pe, O_CLOEXEC) < 0) {
        int e = errno;
        close(po[0]);
        close(po[1]);
        return exec_fail(x, err, "cannot make a pipe: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
#if defined(__GLIBC__) &&                                                      \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGINT);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    int rc = posix_spawn(pid, path, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(po[1]);
    close(pe[1]);
    if (rc != 0) {
        close(po[0]);
        close(pe[0]);
        return exec_fail(x, err, "cannot run %s: %s%s%s", path, strerror(rc),
                         x->install_hint ? "; " : "",
                         x->install_hint ? x->install_hint : "");
    }
    fds[0] = po[0];
    fds[1] = pe[0];
    return 0;
}

/* What a plugin run left: its stdout (wiped when freed), the end of its
 * stderr, and how it ended. */
typedef struct exec_run {
    char *out;
    size_t len, cap;
    char tail[EXEC_STDERR_TAIL];
    size_t tail_len;
    int status;
    bool waited, timed_out, too_big;
} exec_run;

static void run_out(exec_run *r, const char *p, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        /* Grown by hand so no copy of a credential is left in freed
         * memory. */
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *b = rc_xmalloc(cap);
        if (r->out) {
            memcpy(b, r->out, r->len);
            wipe_free(r->out, r->cap);
        }
        r->out = b;
        r->cap = cap;
    }
    memcpy(r->out + r->len, p, n);
    r->len += n;
    r->out[r->len] = '\0';
}

static void run_tail(exec_run *r, const char *p, size_t n)
{
    if (n >= EXEC_STDERR_TAIL) {
        memcpy(r->tail, p + n - EXEC_STDERR_TAIL, EXEC_STDERR_TAIL);
        r->tail_len = EXEC_STDERR_TAIL;
        return;
    }
    if (r->tail_len + n > EXEC_STDERR_TAIL) {
        size_t keep = EXEC_STDERR_TAIL - n;
        memmove(r->tail, r->tail + r->tail_len - keep, keep);
        r->tail_len = keep;
    }
    memcpy(r->tail + r->tail_len, p, n);
    r->tail_len += n;
}

/* Reads both pipes to their end, then reaps the plugin; kills its process
 * group at the deadline or when stdout grows past the cap. */
static void exec_collect(int timeout_ms, pid_t pid, int fds[2], exec_run *r)
{
    long long deadline =
        rc_now_ms() + (timeout_ms > 0 ? timeout_ms : EXEC_TIMEOUT_MS);
    char buf[4096];
    while ((fds[0] >= 0 || fds[1] >= 0) && !r->too_big) {
        long long left = deadline - rc_now_ms();
        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        struct pollfd pf[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        if (poll(pf, 2, (int)left) < 0) {
            if (errno == EINTR)
                continue;
            r->timed_out = true;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i] < 0 || !pf[i].revents)
                continue;
            ssize_t n = read(fds[i], buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                close(fds[i]);
                fds[i] = -1;
            } else if (i == 1) {
                run_tail(r, buf, (size_t)n);
            } else if (r->len + (size_t)n > EXEC_MAX_OUTPUT) {
                r->too_big = true;
            } else {
                run_out(r, buf, (size_t)n);
            }
        }
    }
    explicit_bzero(buf, sizeof buf);
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    while (!r->timed_out && !r->too_big) {
        pid_t w = waitpid(pid, &r->status, WNOHANG);
        if (w == pid) {
            r->waited = true;
            return;
        }
        if (w < 0 && errno != EINTR)
            return;
        if (rc_now_ms() >= deadline)
            r->timed_out = true;
        else
            rc_sleep_ms(10, NULL, NULL);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
        ;
}

/* ": <the last non-empty line of stderr>", trimmed, at most
 * EXEC_STDERR_LINE bytes of printable text; "" when there is none. */
static void exec_stderr_line(const exec_run *r, char *dst, size_t n)
{
    const char *t = r->tail;
    size_t end = r->tail_len;
    while (end && isspace((unsigned char)t[end - 1]))
        end--;
    size_t start = end;
    while (start && t[start - 1] != '\n' && t[start - 1] != '\r')
        start--;
    while (start < end && isspace((unsigned char)t[start]))
        start++;
    size_t len = end - start;
    if (len > EXEC_STDERR_LINE) {
        len = EXEC_STDERR_LINE;
        /* Not in the middle of a UTF-8 sequence. */
        while (len && ((unsigned char)t[start + len] & 0xC0) == 0x80)
            len--;
    }
    if (len == 0 || n < 3) {
        if (n)
            dst[0] = '\0';
        return;
    }
    if (len > n - 3)
        len = n - 3;
    dst[0] = ':';
    dst[1] = ' ';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[start + i];
        dst[2 + i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    dst[2 + len] = '\0';
}

/* How the plugin ended, as an error unless it exited 0. */
static int exec_judge(const kube_exec *x, const exec_run *r, rn_error *err)
{
    char line[EXEC_STDERR_LINE + 8];
    exec_stderr_line(r, line, sizeof line);
    int ms = x->timeout_ms > 0 ? x->timeout_ms : EXEC_TIMEOUT_MS;
    if (r->timed_out)
        return exec_fail(x, err,
                         "did not finish within %d.%03d s and was "
                         "killed%s",
                         ms / 1000, ms % 1000, line);
    if (r->too_big)
        return exec_fail(x, err, "printed more than %d bytes and was killed",
                         EXEC_MAX_OUTPUT);
    if (!r->waited)
        return exec_fail(x, err, "cannot wait for it to end");
    if (WIFSIGNALED(r->status))
        return exec_fail(x, err, "was killed by signal %d%s",
                         WTERMSIG(r->status), line);
    if (WEXITSTATUS(r->status) != 0)
        return exec_fail(x, err, "exited with status %d%s",
                         WEXITSTATUS(r->status), line);
    return 0;
}

static bool digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return false;
        *v = *v * 10 + (**p - '0');
    }
    return true;
}

/* An RFC 3339 time ("2006-01-02T15:04:05Z", fraction and offset allowed)
 * in seconds since the epoch. */
static int parse_rfc3339(const char *s, time_t *out)
{
    int Y, M, D, h, m, sec, oh = 0, om = 0, sign = 0;
    const char *p = s;
    if (!digits(&p, 4, &Y) || *p++ != '-' || !digits(&p, 2, &M) ||
        *p++ != '-' || !digits(&p, 2, &D) || (*p != 'T' && *p != 't'))
        return -1;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m) ||
        *p++ != ':' || !digits(&p, 2, &sec))
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om))
            return -1;
    } else {
        return -1;
    }
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 ||
        sec > 60 || oh > 23 || om > 59)
        return -1;
    struct tm tm = {.tm_year = Y - 1900,
                    .tm_mon = M - 1,
                    .tm_mday = D,
                    .tm_hour = h,
                    .tm_min = m,
                    .tm_sec = sec};
    *out = timegm(&tm) - sign * (oh * 3600 + om * 60);
    return 0;
}

/* A non-empty string member, with its length, or NULL. */
static const char *json_str(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if (!s || !*s)
        return NULL;
    if (len)
        *len = json_string_length(v);
    return s;
}

/* The plugin's stdout as an ExecCredential of the configured apiVersion.
 * Nothing of stdout goes into a message: it may hold the credential. */
static int exec_parse(const kube_exec *x, const exec_run *r,
                      kube_credential *cred, time_t *expiry, rn_error *err)
{
    if (r->len == 0)
        return exec_fail(x, err,
                         "printed nothing; it must print an "
                         "ExecCredential");
    json_error_t je;
    json_t *root = json_loadb(r->out, r->len, 0, &je);
    if (!root)
        return exec_fail(x, err,
                         "printed something that is not an "
                         "ExecCredential (invalid JSON at line %d, "
                         "column %d)",
                         je.line, je.column);
    int rc = 0;
    const char *kind = json_str(root, "kind", NULL);
    const char *api = json_str(root, "apiVersion", NULL);
    json_t *st = json_object_get(root, "status");
    const char *tok = json_str(st, "token", NULL);
    size_t clen = 0, klen = 0;
    const char *crt = json_str(st, "clientCertificateData", &clen);
    const char *key = json_str(st, "clientKeyData", &klen);
    json_t *exp = json_object_get(st, "expirationTimestamp");
    if (!json_is_object(root) || !kind || strcmp(kind, "ExecCredential"))
        rc = exec_fail(x, err,
                       "printed something that is not an "
                       "ExecCredential (kind %.64s)",
                       kind ? kind : "missing");
    else if (!api || strcmp(api, x->api_version))
        rc = exec_fail(x, err,
                       "printed apiVersion %.100s, but the "
                       "kubeconfig asks for %s",
                       api ? api : "(none)", x->api_version);
    else if (!json_is_object(st))
        rc = exec_fail(x, err, "printed an ExecCredential without status");
    else if (!crt != !key)
        rc = exec_fail(x, err, "printed status.%s without status.%s",
                       crt ? "clientCertificateData" : "clientKeyData",
                       crt ? "clientKeyData" : "clientCertificateData");
    else if (!tok && !crt)
        rc = exec_fail(x, err,
                       "printed an ExecCredential with neither "
                       "status.token nor status.clientCertificateData"
                       " and clientKeyData");
    else if (exp && !json_is_null(exp) &&
             (!json_is_string(exp) ||
              parse_rfc3339(json_string_value(exp), expiry) < 0))
        rc = exec_fail(x, err,
                       "printed status.expirationTimestamp %.40s, "
                       "which is not an RFC 3339 time",
                       json_is_string(exp) ? json_string_value(exp)
                                           : "(not a string)");
    if (rc == 0) {
        cred->token = tok ? rc_xstrdup(tok) : NULL;
        if (crt) {
            cred->cert_pem = rc_xstrndup(crt, clen);
            cred->cert_len = clen;
            cred->key_pem = rc_xstrndup(key, klen);
            cred->key_len = klen;
        }
    }
    json_decref(root);
    return rc;
}

/* Runs the plugin and caches what it printed. Called with mu held. */
static int exec_refresh(kube_config *c, rn_error *err)
{
    const kube_exec *x = c->exec;
    char path[4096];
    if (exec_lookup(x, path, sizeof path, err) < 0)
        return -1;
    char *info = exec_info(c);
    char **envp = exec_envp(x, info);
    free(info);
    size_t na = 0;
    while (x->args[na])
        na++;
    char **argv = rc_xcalloc(na + 2, sizeof *argv);
    argv[0] = x->command;
    memcpy(argv + 1, x->args, na * sizeof *argv);
    pid_t pid;
    int fds[2];
    int rc = exec_spawn(x, path, argv, envp, &pid, fds, err);
    free(argv);
    strv_free(envp);
    if (rc < 0)
        return -1;
    exec_run r = {0};
    exec_collect(x->timeout_ms, pid, fds, &r);
    kube_credential cred = {0};
    time_t expiry = 0;
    rc = exec_judge(x, &r, err);
    if (rc == 0)
        rc = exec_parse(x, &r, &cred, &expiry, err);
    wipe_free(r.out, r.cap);
    if (rc < 0)
        return -1;
    kube_credential_free(&c->exec_cred);
    cred.serial = ++c->exec_runs;
    c->exec_cred = cred;
    c->exec_cached = true;
    c->exec_expiry = expiry;
    return 0;
}

static void credential_copy(kube_credential *d, const kube_credential *s)
{
    d->token = rc_xstrdup(s->token);
    if (s->cert_pem) {
        d->cert_pem = rc_xstrndup(s->cert_pem, s->cert_len);
        d->cert_len = s->cert_len;
        d->key_pem = rc_xstrndup(s->key_pem, s->key_len);
        d->key_len = s->key_len;
    }
    d->serial = s->serial;
}

int kube_config_credential(kube_config *c, kube_credential *out, rn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!c->exec) {
        out->token = static_token(c);
        return 0;
    }
    pthread_mutex_lock(&c->mu);
    int rc = 0;
    if (!c->exec_cached || (c->exec_expiry && time(NULL) >= c->exec_expiry))
        rc = exec_refresh(c, err);
    if (rc == 0)
        credential_copy(out, &c->exec_cred);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

bool kube_config_reject(kube_config *c, unsigned long serial)
{
    if (!c->exec)
        return false;
    pthread_mutex_lock(&c->mu);
    if (c->exec_cached && c->exec_cred.serial == serial) {
        kube_credential_free(&c->exec_cred);
        c->exec_cached = false;
    }
    pthread_mutex_unlock(&c->mu);
    return true;
}

char *kube_config_token(kube_config *c)
{
    if (!c->exec)
        return static_token(c);
    kube_credential k;
    rn_error e;
    rn_error_clear(&e);
    if (kube_config_credential(c, &k, &e) < 0)
        return NULL;
    char *t = rc_xstrdup(k.token);
    kube_credential_free(&k);
    return t;
}

int kube_config_in_cluster(const char *sa_dir, const char *host,
                           const char *port, kube_config **out, rn_error *err)
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
static void kc_resolve(char *buf, size_t n, const char *kcpath, const char *p)
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
    c->tls_server_name = kc_dup(cl, "tls-server-name");
    if (c->tls_server_name && !*c->tls_server_name) {
        free(c->tls_server_name);
        c->tls_server_name = NULL;
    }
    return kc_data_or_file(cl, "certificate-authority", from, &c->ca_pem,
                           &c->ca_len, err);
}

/* The sequence at `key` and a NULL-terminated array for its items
 * (*out); NULL when `key` is absent or null, and *bad when it is not a
 * sequence. */
static struct fy_node *kc_seq(struct fy_node *m, const char *key, char ***out,
                              bool *bad)
{
    struct fy_node *seq = fy_node_mapping_lookup_by_string(m, key, FY_NT);
    enum fy_node_type t = seq ? fy_node_get_type(seq) : FYNT_SCALAR;
    size_t n =
        t == FYNT_SEQUENCE ? (size_t)fy_node_sequence_item_count(seq) : 0;
    *out = rc_xcalloc(n + 1, sizeof **out);
    const char *v = seq && t == FYNT_SCALAR ? fy_node_get_scalar0(seq) : NULL;
    *bad = seq && t != FYNT_SEQUENCE &&
           !(t == FYNT_SCALAR &&
             (!v || !*v || strcmp(v, "null") == 0 || strcmp(v, "~") == 0));
    return t == FYNT_SEQUENCE ? seq : NULL;
}

/* args: a list of strings. */
static int kc_args(struct fy_node *m, char ***out)
{
    bool bad;
    struct fy_node *seq = kc_seq(m, "args", out, &bad), *e;
    void *it = NULL;
    for (size_t i = 0; seq && (e = fy_node_sequence_iterate(seq, &it)); i++) {
        if (fy_node_get_type(e) != FYNT_SCALAR)
            return -1;
        (*out)[i] = rc_xstrdup(fy_node_get_scalar0(e));
    }
    return bad ? -1 : 0;
}

/* env: [{name, value}], as "NAME=value" strings. */
static int kc_env(struct fy_node *m, char ***out)
{
    bool bad;
    struct fy_node *seq = kc_seq(m, "env", out, &bad), *e;
    void *it = NULL;
    for (size_t i = 0; seq && (e = fy_node_sequence_iterate(seq, &it)); i++) {
        const char *name = kc_str(e, "name", NULL);
        const char *value = kc_str(e, "value", NULL);
        if (!name || !*name || strchr(name, '='))
            return -1;
        size_t len = strlen(name) + (value ? strlen(value) : 0) + 2;
        (*out)[i] = rc_xmalloc(len);
        snprintf((*out)[i], len, "%s=%s", name, value ? value : "");
    }
    return bad ? -1 : 0;
}

/* users[].user.exec, checked as client-go checks it. */
static int kc_exec(kube_config *c, struct fy_node *m, const char *user,
                   const char *from, rn_error *err)
{
    if (fy_node_get_type(m) != FYNT_MAPPING)
        return rn_error_set(err, "%s: user \"%s\": exec must be a mapping",
                            from, user);
    kube_exec *x = rc_xcalloc(1, sizeof *x);
    c->exec = x;
    x->user = rc_xstrdup(user);
    x->kubeconfig = rc_xstrdup(from);
    x->command = kc_dup(m, "command");
    x->api_version = kc_dup(m, "apiVersion");
    x->install_hint = kc_dup(m, "installHint");
    x->cluster_info = kc_true(m, "provideClusterInfo");
    const char *mode = kc_str(m, "interactiveMode", NULL);
    bool v1 = x->api_version && strcmp(x->api_version, EXEC_V1) == 0;
    if (kc_args(m, &x->args) < 0)
        return rn_error_set(err,
                            "%s: user \"%s\": exec args must be a list "
                            "of strings",
                            from, user);
    if (kc_env(m, &x->env) < 0)
        return rn_error_set(err,
                            "%s: user \"%s\": exec env must be a list "
                            "of {name, value}",
                            from, user);
    if (!x->command || !*x->command)
        return rn_error_set(err, "%s: user \"%s\": exec needs a command", from,
                            user);
    if (!v1 && (!x->api_version || strcmp(x->api_version, EXEC_V1BETA1)))
        return rn_error_set(err,
                            "%s: user \"%s\": exec apiVersion \"%s\" "
                            "is not supported; use " EXEC_V1 " (or v1beta1)",
                            from, user, x->api_version ? x->api_version : "");
    if (v1 && (!mode || !*mode))
        return rn_error_set(err,
                            "%s: user \"%s\": exec with " EXEC_V1
                            " needs interactiveMode (Never or "
                            "IfAvailable)",
                            from, user);
    if (mode && strcmp(mode, "Always") == 0)
        return rn_error_set(err,
                            "%s: user \"%s\": exec has interactiveMode "
                            "Always, but the operator has no terminal; "
                            "use Never or IfAvailable",
                            from, user);
    if (mode && *mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable"))
        return rn_error_set(err,
                            "%s: user \"%s\": exec interactiveMode "
                            "\"%s\" is not Never, IfAvailable or Always",
                            from, user, mode);
    if (x->command[0] != '/' && strchr(x->command, '/')) {
        char path[4096];
        kc_resolve(path, sizeof path, from, x->command);
        free(x->command);
        x->command = rc_xstrdup(path);
    }
    return 0;
}

static int kc_user(kube_config *c, struct fy_node *u, const char *user,
                   const char *from, rn_error *err)
{
    if (!u)
        return 0;
    struct fy_node *ap =
        fy_node_mapping_lookup_by_string(u, "auth-provider", FY_NT);
    if (ap) {
        const char *name = kc_str(ap, "name", NULL);
        return rn_error_set(err,
                            "%s: user \"%s\" uses the \"%s\" auth-provider, "
                            "which is not supported: kubectl and client-go "
                            "no longer have built-in auth providers; use an "
                            "exec credential plugin instead (for example "
                            "gke-gcloud-auth-plugin or kubelogin)",
                            from, user, name && *name ? name : "unnamed");
    }
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
        kc_data_or_file(u, "client-key", from, &c->key_pem, &c->key_len, err) <
            0)
        return -1;
    if ((c->cert_pem == NULL) != (c->key_pem == NULL))
        return rn_error_set(err,
                            "%s: a client certificate needs its key "
                            "and the other way round",
                            from);
    struct fy_node *x = fy_node_mapping_lookup_by_string(u, "exec", FY_NT);
    if (x && kc_exec(c, x, user, from, err) < 0)
        return -1;
    /* client-go: a token, basic auth or a certificate given with the
     * plugin is what gets used. */
    if (c->exec && ((c->token && *c->token) || c->token_file ||
                    (c->username && *c->username) || c->cert_pem)) {
        exec_free(c->exec);
        c->exec = NULL;
    }
    return 0;
}

static const char *kc_current_context(kc_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s =
            kc_str(fy_document_root(files[i].doc), "current-context", NULL);
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
        return rn_error_set(err,
                            "%s: no current-context; set one with "
                            "kubectl config use-context",
                            files[0].path);
    const char *from = NULL;
    struct fy_node *ctx =
        kc_find(files, n, "contexts", ctxname, "context", &from);
    if (!ctx)
        return rn_error_set(err, "%s: context \"%s\" not found", files[0].path,
                            ctxname);
    char *clname = kc_dup(ctx, "cluster");
    char *uname = kc_dup(ctx, "user");
    kube_config *c = config_new();
    c->namespace = kc_dup(ctx, "namespace");
    c->source = rc_xstrdup(files[0].path);
    int rc = 0;
    struct fy_node *cl =
        clname ? kc_find(files, n, "clusters", clname, "cluster", &from) : NULL;
    if (!cl)
        rc = rn_error_set(err,
                          "%s: cluster \"%s\" of context \"%s\" not "
                          "found",
                          files[0].path, clname ? clname : "", ctxname);
    else
        rc = kc_cluster(c, cl, from, err);
    if (rc == 0 && uname) {
        struct fy_node *u = kc_find(files, n, "users", uname, "user", &from);
        rc = kc_user(c, u, uname, from, err);
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
               : rn_error_set(err,
                              "none of the files in KUBECONFIG=%s "
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
