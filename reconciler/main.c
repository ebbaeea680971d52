/*
 * main.c — bin/reconciler: the MLflow operator.
 *
 * Reads its flags and environment, loads the Kubernetes configuration and
 * the chart, serves /healthz, /readyz and /metrics, optionally waits for
 * the leader lease, then runs the controller until SIGTERM/SIGINT (exit
 * 0, after the reconciles in flight finished and the lease was handed
 * back) or until the lease is lost (exit 1, so the pod restarts as a
 * standby).
 */
#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <malloc.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "controller.h"
#include "kube_config.h"
#include "leader.h"
#include "log.h"
#include "metrics.h"
#include "metrics_auth.h"
#include "serve.h"
#include "tls_cert.h"

#define VERSION "0.1.0"

typedef struct flags {
    const char *mode, *namespace, *kubeconfig, *health_addr, *metrics_addr;
    const char *lease_id, *lease_ns, *chart_dir, *log_level;
    const char *cert_dir, *cert_name, *cert_key;
    bool leader_elect, metrics_secure;
    bool metrics; /* MLFLOW_METRICS: the servers expose /metrics */
    int lease_s, renew_s, retry_s, resync_s, discovery_s, workers;
    int watch_timeout_s;
} flags;

static void usage(FILE *f)
{
    fputs(
        "usage: reconciler [flags]\n"
        "\n"
        "Runs the MLflow operator: watches mlflow.opendatahub.io/v1 MLflow\n"
        "objects and keeps their Deployment, Service, storage, RBAC and\n"
        "route in the cluster as the chart renders them.\n"
        "\n"
        "  --mode opendatahub|rhoai          target platform (default "
        "opendatahub)\n"
        "  --namespace NS                    namespace of the MLflow servers\n"
        "                                    (default: from the mode)\n"
        "  --kubeconfig FILE                 default: in-cluster, "
        "$KUBECONFIG,\n"
        "                                    ~/.kube/config\n"
        "  --leader-elect                    run as one of several replicas\n"
        "  --leader-election-id NAME         the Lease (default "
        "mlflow-operator-lock)\n"
        "  --leader-election-namespace NS    default: the pod's namespace\n"
        "  --lease-duration D --renew-deadline D --retry-period D\n"
        "                                    default 15s, 10s, 2s\n"
        "  --health-probe-bind-address ADDR  /healthz, /readyz (default :8081; "
        "0: off)\n"
        "  --metrics-bind-address ADDR       /metrics (default :8443; 0: off)\n"
        "  --metrics-secure[=false]          /metrics over HTTPS, for callers "
        "whose\n"
        "                                    bearer token may get /metrics\n"
        "                                    (TokenReview, "
        "SubjectAccessReview;\n"
        "                                    default true)\n"
        "  --metrics-cert-path DIR           its certificate (default: "
        "self-signed)\n"
        "  --metrics-cert-name NAME          in DIR (default tls.crt)\n"
        "  --metrics-cert-key NAME           in DIR (default tls.key)\n"
        "  --resync-period D                 reconcile everything every D "
        "(default 10m)\n"
        "  --discovery-interval D            look for HTTPRoute/ConsoleLink "
        "APIs (default 30s)\n"
        "  --workers N                       concurrent reconciles (default "
        "4)\n"
        "  --chart DIR                       render this chart instead of the "
        "built-in one\n"
        "  --log-level debug|info|warn|error default info\n"
        "  --version, --help\n"
        "\n"
        "Environment: MLFLOW_IMAGE, GATEWAY_NAME, GATEWAY_NAMESPACE, "
        "MLFLOW_URL,\n"
        "SECTION_TITLE, POD_NAMESPACE, POD_NAME; MLFLOW_METRICS=true starts "
        "the\nservers with Prometheus metrics (and a ServiceMonitor where "
        "that API is\nserved).\n",
        f);
}

/* Go's time.ParseDuration for the units that make sense here (h, m, s,
 * ms), or plain seconds. Returns seconds (at least 1), -1 when invalid. */
static int parse_duration(const char *s)
{
    if (!s || !*s)
        return -1;
    double total = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0)
            return -1;
        double mul;
        if (*end == '\0' && p == s)
            mul = 1; /* plain number: seconds */
        else if (strncmp(end, "ms", 2) == 0)
            mul = 0.001, end += 2;
        else if (*end == 'h')
            mul = 3600, end++;
        else if (*end == 'm')
            mul = 60, end++;
        else if (*end == 's')
            mul = 1, end++;
        else
            return -1;
        total += v * mul;
        p = end;
    }
    if (total > 365.0 * 24 * 3600)
        return -1;
    return total < 1 ? 1 : (int)(total + 0.5);
}

/* "true" or "false" for NAME (a flag or an environment variable). */
static int parse_bool(const char *name, const char *v, bool *out)
{
    if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
        fprintf(stderr, "reconciler: %s: true or false, not \"%s\"\n", name, v);
        return -1;
    }
    *out = strcmp(v, "true") == 0;
    return 0;
}

static int parse_flags(int argc, char **argv, flags *f)
{
    *f = (flags){.mode = "opendatahub",
                 .health_addr = ":8081",
                 .metrics_addr = ":8443",
                 .metrics_secure = true,
                 .cert_name = "tls.crt",
                 .cert_key = "tls.key",
                 .lease_id = "mlflow-operator-lock",
                 .log_level = "info",
                 .lease_s = 15,
                 .renew_s = 10,
                 .retry_s = 2,
                 .resync_s = 600,
                 .discovery_s = 30,
                 .workers = 4};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        char name[64];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "reconciler: unexpected argument \"%s\"\n", a);
            return -1;
        }
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, a, n);
        name[n] = '\0';
        if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(name, "--version") == 0) {
            printf("reconciler %s\n", VERSION);
            exit(0);
        }
        bool *boolean = strcmp(name, "--leader-elect") == 0 ? &f->leader_elect
                        : strcmp(name, "--metrics-secure") == 0
                            ? &f->metrics_secure
                            : NULL;
        if (boolean) {
            if (parse_bool(name, eq ? eq + 1 : "true", boolean) < 0)
                return -1;
            continue;
        }
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else {
            fprintf(stderr, "reconciler: %s needs a value\n", name);
            return -1;
        }
        int d = 0;
        const struct {
            const char *flag;
            const char **str;
            int *dur;
        } table[] = {
            {"--mode", &f->mode, NULL},
            {"--namespace", &f->namespace, NULL},
            {"--kubeconfig", &f->kubeconfig, NULL},
            {"--health-probe-bind-address", &f->health_addr, NULL},
            {"--metrics-bind-address", &f->metrics_addr, NULL},
            {"--metrics-cert-path", &f->cert_dir, NULL},
            {"--metrics-cert-name", &f->cert_name, NULL},
            {"--metrics-cert-key", &f->cert_key, NULL},
            {"--leader-election-id", &f->lease_id, NULL},
            {"--leader-election-namespace", &f->lease_ns, NULL},
            {"--chart", &f->chart_dir, NULL},
            {"--log-level", &f->log_level, NULL},
            {"--lease-duration", NULL, &f->lease_s},
            {"--renew-deadline", NULL, &f->renew_s},
            {"--retry-period", NULL, &f->retry_s},
            {"--resync-period", NULL, &f->resync_s},
            {"--discovery-interval", NULL, &f->discovery_s},
            {"--watch-timeout", NULL, &f->watch_timeout_s},
        };
        bool known = false;
        for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
            if (strcmp(name, table[k].flag) != 0)
                continue;
            known = true;
            if (table[k].str) {
                *table[k].str = v;
            } else if ((d = parse_duration(v)) < 0) {
                fprintf(stderr,
                        "reconciler: %s: \"%s\" is not a duration "
                        "(e.g. 30s, 10m)\n",
                        name, v);
                return -1;
            } else {
                *table[k].dur = d;
            }
        }
        if (!known && strcmp(name, "--workers") == 0) {
            known = true;
            char *end;
            long w = strtol(v, &end, 10);
            if (*end || w < 1 || w > 64) {
                fprintf(stderr, "reconciler: --workers: 1 to 64\n");
                return -1;
            }
            f->workers = (int)w;
        }
        if (!known) {
            fprintf(stderr, "reconciler: unknown flag %s (see --help)\n", name);
            return -1;
        }
    }
    if (strcmp(f->mode, "opendatahub") != 0 && strcmp(f->mode, "rhoai") != 0) {
        fprintf(stderr,
                "reconciler: --mode is opendatahub or rhoai, not "
                "\"%s\"\n",
                f->mode);
        return -1;
    }
    if (log_level_parse(f->log_level) < 0) {
        fprintf(stderr, "reconciler: --log-level: debug, info, warn or "
                        "error\n");
        return -1;
    }
    if (f->renew_s >= f->lease_s || f->retry_s >= f->renew_s) {
        fprintf(stderr, "reconciler: want retry-period < renew-deadline < "
                        "lease-duration\n");
        return -1;
    }
    return 0;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* An environment switch: unset or "" is false, else "true" or "false". */
static int env_bool(const char *name, bool *out)
{
    return parse_bool(name, env_or(name, "false"), out);
}

/* POD_NAME or the host name, plus randomness: two processes on one host
 * are still two candidates. */
static void make_identity(char *buf, size_t n)
{
    char host[128] = "reconciler";
    const char *pod = getenv("POD_NAME");
    if (pod && *pod)
        snprintf(host, sizeof host, "%s", pod);
    else
        gethostname(host, sizeof host - 1);
    unsigned char r[6] = {0};
    RAND_bytes(r, sizeof r);
    snprintf(buf, n, "%s_%02x%02x%02x%02x%02x%02x", host, r[0], r[1], r[2],
             r[3], r[4], r[5]);
}

typedef struct app {
    flags f;
    log_ctx *log;
    metrics *m;
    leader *lead;
    /* The running controller, or NULL. The endpoint threads use it only
     * under ctl_mu, so it is never freed under a probe or a scrape. */
    pthread_mutex_t ctl_mu;
    controller *ctl;
    atomic_bool stop;
    atomic_bool lost;
    sigset_t sigs;
} app;

static void *signal_main(void *arg)
{
    app *ap = arg;
    int sig = 0;
    if (sigwait(&ap->sigs, &sig) == 0) {
        log_msg(ap->log, LOG_INFO, NULL, "received %s: shutting down",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
        atomic_store(&ap->stop, true);
    }
    return NULL;
}

static void on_lost(void *ud)
{
    app *ap = ud;
    atomic_store(&ap->lost, true);
    atomic_store(&ap->stop, true);
}

static bool is_ready(void *ud)
{
    app *ap = ud;
    pthread_mutex_lock(&ap->ctl_mu);
    /* A standby waiting for the lease is healthy and ready to take over. */
    bool ready = ap->ctl ? controller_ready(ap->ctl)
                         : ap->f.leader_elect && !atomic_load(&ap->stop);
    pthread_mutex_unlock(&ap->ctl_mu);
    return ready;
}

static void collect(void *ud, metrics *m)
{
    app *ap = ud;
    pthread_mutex_lock(&ap->ctl_mu);
    controller_collect(ap->ctl, m);
    pthread_mutex_unlock(&ap->ctl_mu);
    bool leading =
        !ap->f.leader_elect || (ap->lead && leader_is_leader(ap->lead));
    metrics_gauge(m, "mlflow_operator_leader", leading ? 1 : 0);
    metrics_collect_process(m, "/proc");
}

static void on_response(void *ud, const char *verb, long code, double seconds)
{
    metrics_api_request(ud, verb, code, seconds);
}

static int authorize(void *ud, const char *authorization, const char *path)
{
    return metrics_auth_check(ud, authorization, path);
}

static int run(app *ap, kube_config *cfg, const rn_chart *chart)
{
    flags *f = &ap->f;
    const char *ns = f->namespace && *f->namespace   ? f->namespace
                     : strcmp(f->mode, "rhoai") == 0 ? "redhat-ods-applications"
                                                     : "opendatahub";
    char identity[256];
    make_identity(identity, sizeof identity);
    kube_client_opts co = {.on_response = on_response, .ud = ap->m};

    if (f->leader_elect) {
        const char *lns =
            f->lease_ns ? f->lease_ns
                        : env_or("POD_NAMESPACE",
                                 cfg->namespace &&
                                         strcmp(cfg->source, "in-cluster") == 0
                                     ? cfg->namespace
                                     : ns);
        leader_opts lo = {.cfg = cfg,
                          .client = co,
                          .namespace = lns,
                          .name = f->lease_id,
                          .identity = identity,
                          .lease_s = f->lease_s,
                          .renew_s = f->renew_s,
                          .retry_s = f->retry_s,
                          .log = ap->log,
                          .stop = &ap->stop};
        ap->lead = leader_new(&lo);
        if (!leader_acquire(ap->lead))
            return 0; /* stopped while waiting */
        leader_start_renewing(ap->lead, on_lost, ap);
    }

    controller_opts o = {
        .cfg = cfg,
        .client = co,
        .log = ap->log,
        .m = ap->m,
        .chart = chart,
        .render = {.mode = f->mode,
                   .namespace = ns,
                   .image = env_or("MLFLOW_IMAGE", NULL),
                   .gateway_name = env_or("GATEWAY_NAME", NULL),
                   .gateway_namespace = env_or("GATEWAY_NAMESPACE", NULL),
                   .mlflow_url = env_or("MLFLOW_URL", NULL),
                   .metrics = f->metrics,
                   .tls_rollout = true,
                   .section_title = env_or("SECTION_TITLE", NULL)},
        .namespace = ns,
        .identity = identity,
        .workers = f->workers,
        .resync_s = f->resync_s,
        .discovery_s = f->discovery_s,
        .watch_timeout_s = f->watch_timeout_s,
        .stop = &ap->stop,
    };
    rn_error err;
    rn_error_clear(&err);
    log_msg(ap->log, LOG_INFO, NULL,
            "starting: mode %s, namespace %s, API server %s (%s)", f->mode, ns,
            cfg->server, cfg->source);
    controller *c = controller_start(&o, &err);
    if (c) {
        pthread_mutex_lock(&ap->ctl_mu);
        ap->ctl = c;
        pthread_mutex_unlock(&ap->ctl_mu);
        while (!atomic_load(&ap->stop)) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
        pthread_mutex_lock(&ap->ctl_mu);
        ap->ctl = NULL;
        pthread_mutex_unlock(&ap->ctl_mu);
        controller_stop(c, 20000);
    }
    if (ap->lead)
        leader_release(ap->lead);
    return atomic_load(&ap->lost) ? 1 : 0;
}

int main(int argc, char **argv)
{
    app ap = {0};
    if (parse_flags(argc, argv, &ap.f) < 0 ||
        env_bool("MLFLOW_METRICS", &ap.f.metrics) < 0)
        return 2;
    /* Before any thread: the signals go to the signal thread only, and
     * jansson's hash seed is set once. */
    sigemptyset(&ap.sigs);
    sigaddset(&ap.sigs, SIGTERM);
    sigaddset(&ap.sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &ap.sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Memory: every thread would get its own malloc arena, and glibc's
     * sliding mmap threshold keeps freed render arenas resident. A few
     * shared arenas and a fixed threshold give memory back. */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 512 * 1024);
    json_object_seed(0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    atomic_init(&ap.stop, false);
    atomic_init(&ap.lost, false);
    pthread_mutex_init(&ap.ctl_mu, NULL);
    ap.log = log_new(stderr, (log_level)log_level_parse(ap.f.log_level));

    int rc = 1;
    kube_config *cfg = NULL;
    rn_arena *arena = rn_arena_new();
    rn_chart *chart = NULL;
    serve *srv = NULL;
    tls_cert *tls = NULL;
    metrics_auth *auth = NULL;
    rn_error err;
    rn_error_clear(&err);
    kube_config_env env;
    kube_config_env_from_process(&env, ap.f.kubeconfig);
    if (kube_config_load(&env, &cfg, &err) < 0 ||
        (ap.f.chart_dir ? rn_chart_load_dir(arena, ap.f.chart_dir, &chart, &err)
                        : rn_chart_load_embedded(arena, &chart, &err)) < 0) {
        log_msg(ap.log, LOG_ERROR, NULL, "%s", err.msg);
        goto out;
    }
    ap.m = metrics_new();
    metrics_set_collector(ap.m, collect, &ap);
    metrics_gauge(ap.m, "mlflow_operator_build_info{version=\"" VERSION "\"}",
                  1);
    if (!serve_addr_off(ap.f.metrics_addr) && ap.f.metrics_secure) {
        if (tls_cert_new(ap.f.cert_dir, ap.f.cert_name, ap.f.cert_key, ap.log,
                         &tls, &err) < 0) {
            log_msg(ap.log, LOG_ERROR, NULL, "%s", err.msg);
            goto out;
        }
        auth = metrics_auth_new(
            cfg, &(kube_client_opts){.on_response = on_response, .ud = ap.m},
            ap.log);
    }
    serve_opts so = {.health_addr = ap.f.health_addr,
                     .metrics_addr = ap.f.metrics_addr,
                     .metrics_tls = tls,
                     .authorize = auth ? authorize : NULL,
                     .aud = auth,
                     .ready = is_ready,
                     .ud = &ap,
                     .m = ap.m,
                     .log = ap.log};
    if (serve_start(&so, &srv, &err) < 0) {
        log_msg(ap.log, LOG_ERROR, NULL, "%s", err.msg);
        goto out;
    }
    pthread_t sig_thread;
    pthread_create(&sig_thread, NULL, signal_main, &ap);
    pthread_detach(sig_thread);

    rc = run(&ap, cfg, chart);
    log_msg(ap.log, rc ? LOG_ERROR : LOG_INFO, NULL, "stopped%s",
            rc ? ": leadership lost" : "");
out:
    serve_stop(srv);
    metrics_auth_free(auth);
    tls_cert_free(tls);
    leader_free(ap.lead);
    metrics_free(ap.m);
    kube_config_free(cfg);
    rn_arena_free(arena);
    curl_global_cleanup();
    log_free(ap.log);
    return rc;
}
