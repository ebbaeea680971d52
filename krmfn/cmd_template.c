/*
 * cmd_template.c — `krmfn template`: the same arguments and the same bytes
 * as `helm template`, rendered by librender.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "chart.h"
#include "cli.h"
#include "host.h"
#include "yaml.h"
#include "yaml_directive.h"

#define MAX_VALUES_BYTES (16u << 20)
#define MAX_LIST 256

static const char usage[] =
    "NAME\n"
    "       krmfn template - render chart templates locally, as `helm\n"
    "       template` does\n"
    "\n"
    "SYNOPSIS\n"
    "       krmfn template [NAME] [CHART] [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Renders the templates of a Helm chart and prints them: the same\n"
    "       arguments and the same bytes as `helm template`. With two\n"
    "       arguments they are NAME, the release name (default\n"
    "       \"release-name\"), and CHART, a chart directory; with one it is\n"
    "       CHART; without CHART the built-in MLflow chart is used.\n"
    "\n"
    "OPTIONS\n"
    "       -f, --values FILE        values file (repeatable, comma\n"
    "                                separated)\n"
    "       --set K=V                set values (repeatable)\n"
    "       --set-string K=V         set string values (repeatable)\n"
    "       --set-json K=JSON        set JSON values (repeatable)\n"
    "       -n, --namespace NS       release namespace (default \"default\")\n"
    "       --kube-version V         Kubernetes version for .Capabilities\n"
    "       -a, --api-versions GV    extra API versions for .Capabilities\n"
    "       --is-upgrade             set .Release.IsUpgrade\n"
    "       --include-crds           print the chart's crds/ files too\n"
    "       --enable-dns             let getHostByName resolve names (with\n"
    "                                the system's resolver); without it\n"
    "                                getHostByName gives \"\", as in helm\n"
    "       -s, --show-only PATH     only print manifests from these\n"
    "                                templates\n"
    "       --no-hooks               leave hooks out\n"
    "       -h, --help               print this help and exit\n"
    "       --version                print the version and exit\n"
    "\n"
    "EXIT STATUS\n"
    "       0      rendered\n"
    "       1      a bad argument, values file or template; the error is\n"
    "              printed as helm prints it and nothing on stdout\n"
    "\n"
    "EXAMPLES\n"
    "       krmfn template -n team-a --set replicaCount=2\n"
    "       krmfn template mlflow ./charts/mlflow -f values.yaml\n";

static const char short_usage[] =
    "Usage: krmfn template [NAME] [CHART] [OPTIONS] (see krmfn template "
    "--help)\n";

typedef struct opts {
    const char *pos[3];
    int npos;
    const char *values[MAX_LIST];
    int nvalues;
    const char *sets[MAX_LIST];
    int nsets;
    const char *set_strings[MAX_LIST];
    int nset_strings;
    const char *set_jsons[MAX_LIST];
    int nset_jsons;
    const char *show_only[MAX_LIST];
    int nshow;
    const char *api_versions[MAX_LIST];
    int napi;
    const char *ns;
    const char *kube_version;
    int is_upgrade, no_hooks, enable_dns, include_crds;
} opts;

static int push(const char **list, int *n, const char *v, const char *flag)
{
    if (*n >= MAX_LIST) {
        fprintf(stderr, "Error: too many %s flags\n", flag);
        return -1;
    }
    list[(*n)++] = v;
    return 0;
}

/* pflag's StringSlice: a comma separated list per occurrence. The value
 * points into argv, which is ours to split in place. */
static int push_csv(const char **list, int *n, const char *v, const char *flag)
{
    int rc = 0;
    for (char *save, *t = strtok_r((char *)v, ",", &save); t && rc == 0;
         t = strtok_r(NULL, ",", &save))
        rc = push(list, n, t, flag);
    return rc;
}

/* Matches "--name", "--name=value", "-x", "-xvalue", "-x=value". */
static int flag_value(int argc, char **argv, int *i, const char *lng, char shrt,
                      const char **val)
{
    const char *a = argv[*i];
    size_t ll = strlen(lng);
    const char *rest = NULL;
    if (a[0] == '-' && a[1] == '-' && strncmp(a + 2, lng, ll) == 0 &&
        (a[2 + ll] == '\0' || a[2 + ll] == '='))
        rest = a + 2 + ll;
    else if (shrt && a[0] == '-' && a[1] == shrt && a[1] != '-')
        rest = a + 2;
    if (!rest)
        return 0;
    if (*rest == '=')
        rest++;
    if (*rest) {
        *val = rest;
        return 1;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "Error: flag needs an argument: %s\n", a);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static int parse_args(int argc, char **argv, opts *o)
{
    const char *extra[MAX_LIST];
    int nextra = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
#define TRY(lng, shrt, action)                                                 \
    if ((r = flag_value(argc, argv, &i, lng, shrt, &v)) < 0)                   \
        return -1;                                                             \
    if (r) {                                                                   \
        if ((action) < 0)                                                      \
            return -1;                                                         \
        continue;                                                              \
    }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) {
            printf("krmfn %s\n", KRMFN_VERSION);
            exit(0);
        }
        if (strcmp(a, "--is-upgrade") == 0) {
            o->is_upgrade = 1;
            continue;
        }
        if (strcmp(a, "--enable-dns") == 0) {
            o->enable_dns = 1;
            continue;
        }
        if (strcmp(a, "--include-crds") == 0) {
            o->include_crds = 1;
            continue;
        }
        if (strcmp(a, "--no-hooks") == 0) {
            o->no_hooks = 1;
            continue;
        }
        TRY("values", 'f', push_csv(o->values, &o->nvalues, v, "--values"));
        TRY("set-string", 0,
            push(o->set_strings, &o->nset_strings, v, "--set-string"));
        TRY("set-json", 0, push(o->set_jsons, &o->nset_jsons, v, "--set-json"));
        TRY("set", 0, push(o->sets, &o->nsets, v, "--set"));
        TRY("namespace", 'n', (o->ns = v, 0));
        TRY("kube-version", 0, (o->kube_version = v, 0));
        TRY("api-versions", 'a',
            push_csv(o->api_versions, &o->napi, v, "--api-versions"));
        TRY("show-only", 's', push(o->show_only, &o->nshow, v, "--show-only"));
#undef TRY
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "Error: unknown flag: %s\n%s", a, short_usage);
            return -1;
        }
        if (o->npos < 2)
            o->pos[o->npos++] = a;
        else if (nextra < MAX_LIST)
            extra[nextra++] = a;
    }
    if (nextra == 0)
        return 0;
    /* cobra names every argument past the second, after all the flags. */
    fprintf(stderr, "Error: expected at most two arguments, unexpected "
                    "arguments: ");
    for (int i = 0; i < nextra; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", extra[i]);
    fputc('\n', stderr);
    return -1;
}

/* getHostByName's resolver for --enable-dns: every address of `name`,
 * as Go's net.LookupHost lists them (IPv4 and IPv6, each once). */
static void resolve_host(void *ud, rn_arena *a, const char *name,
                         const char ***addrs, size_t *n)
{
    (void)ud;
    *addrs = NULL;
    *n = 0;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(name, NULL, &hints, &res) != 0)
        return;
    size_t cap = 0;
    for (struct addrinfo *p = res; p; p = p->ai_next)
        cap++;
    const char **list = rn_arena_alloc(a, sizeof *list * (cap + 1));
    for (struct addrinfo *p = res; p; p = p->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        const void *src;
        if (p->ai_family == AF_INET)
            src = &((struct sockaddr_in *)p->ai_addr)->sin_addr;
        else if (p->ai_family == AF_INET6)
            src = &((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
        else
            continue;
        if (!inet_ntop(p->ai_family, src, buf, sizeof buf))
            continue;
        size_t k = 0;
        while (k < *n && strcmp(list[k], buf) != 0)
            k++;
        if (k == *n)
            list[(*n)++] = rn_arena_strndup(a, buf, strlen(buf));
    }
    freeaddrinfo(res);
    *addrs = list;
}

/* Helm's ValidateReleaseName: a DNS-1123 subdomain of at most 53 bytes,
 * ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$:
 * dot-separated labels of lower-case letters, digits and '-', each
 * starting and ending with a letter or digit. */
static int valid_release_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 53)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && name[j] != '.') {
            char c = name[j];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                return 0;
            j++;
        }
        if (j == i || name[i] == '-' || name[j - 1] == '-')
            return 0;
        if (j == n)
            return 1;
        i = j + 1;
        if (i == n)
            return 0; /* a trailing dot */
    }
    return 1;
}

static int load_user_values(rn_arena *a, const opts *o, rn_value **out,
                            rn_error *err)
{
    rn_value *base = rn_map_new(a, 8);
    for (int i = 0; i < o->nvalues; i++) {
        size_t len;
        char *data = cli_read_file(o->values[i], MAX_VALUES_BYTES, &len);
        if (!data)
            return rn_error_set(err, "open %s: %s", o->values[i],
                                strerror(errno));
        rn_value *v;
        const char *bad = rn_yaml_v2_directive_error(data, len);
        if (bad) {
            free(data);
            return rn_error_set(
                err,
                "failed to parse %s: error converting YAML to JSON: yaml: %s",
                o->values[i], bad);
        }
        int rc = rn_yaml_parse(a, data, len, o->values[i], RN_YAML_HELM, NULL,
                               &v, err);
        free(data);
        if (rc < 0) {
            rn_error_prefix(err, "failed to parse %s", o->values[i]);
            return -1;
        }
        if (v->kind == RN_NULL)
            continue;
        if (v->kind != RN_MAP)
            return rn_error_set(err,
                                "failed to parse %s: a values file must be a "
                                "mapping, got %s",
                                o->values[i], rn_value_kind_name(v));
        rn_chart_merge_values(a, base, v);
    }
    /* Helm's order: -f files, --set-json, --set, --set-string. */
    for (int i = 0; i < o->nset_jsons; i++)
        if (rn_chart_set_json(a, base, o->set_jsons[i], err) < 0)
            return -1;
    for (int i = 0; i < o->nsets; i++)
        if (rn_chart_set(a, base, o->sets[i], false, err) < 0)
            return -1;
    for (int i = 0; i < o->nset_strings; i++)
        if (rn_chart_set(a, base, o->set_strings[i], true, err) < 0)
            return -1;
    *out = base;
    return 0;
}

/* The first document of a CRD file as helm's --show-only sees it: helm
 * splits its whole output on "---" lines, and only that document keeps
 * the "# Source:" line (the file's other documents are never shown). */
static void crd_head(rn_buf *out, const rn_manifest *m)
{
    const char *s = m->content, *cut = s + strlen(s);
    if (strncmp(s, "---", 3) == 0)
        cut = s;
    for (const char *p = s; *p && cut != s; p++)
        if (*p == '\n' && strncmp(p + 1, "---", 3) == 0) {
            cut = p;
            break;
        }
    while (cut > s && strchr(" \t\n\r\v\f", cut[-1]))
        cut--;
    rn_buf_printf(out, "---\n# Source: %s\n", m->source);
    rn_buf_append(out, s, (size_t)(cut - s));
    if (cut > s)
        rn_buf_putc(out, '\n');
}

static const char *rel_path(const char *src)
{
    const char *rel = strchr(src, '/');
    return rel ? rel + 1 : src;
}

static int print_show_only(rn_buf *out, const opts *o, const rn_rendered *r,
                           size_t shown)
{
    for (int s = 0; s < o->nshow; s++) {
        int found = 0;
        for (size_t i = 0; i < r->n_crds; i++) {
            if (fnmatch(o->show_only[s], rel_path(r->crds[i].source),
                        FNM_PATHNAME) != 0)
                continue;
            crd_head(out, &r->crds[i]);
            found = 1;
        }
        for (size_t i = 0; i < shown; i++) {
            const char *src = r->items[i].source;
            const char *rel = strchr(src, '/');
            rel = rel ? rel + 1 : src;
            if (fnmatch(o->show_only[s], rel, FNM_PATHNAME) != 0)
                continue;
            rn_buf_printf(out, "---\n# Source: %s\n%s\n", src,
                          r->items[i].content);
            found = 1;
        }
        if (!found) {
            fprintf(stderr, "Error: could not find template %s in chart\n",
                    o->show_only[s]);
            return -1;
        }
    }
    return 0;
}

int cmd_template(int argc, char **argv)
{
    opts o = {0};
    if (parse_args(argc, argv, &o) < 0)
        return 1;
    const char *name = o.npos == 2 ? o.pos[0] : "release-name";
    const char *chart_dir = o.npos == 2   ? o.pos[1]
                            : o.npos == 1 ? o.pos[0]
                                          : NULL;
    if (!valid_release_name(name)) {
        fprintf(stderr,
                "Error: release name \"%s\": invalid release name, must "
                "match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"
                "([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer "
                "than 53\n",
                name);
        return 1;
    }
    rn_arena *a = rn_arena_new();
    rn_error err;
    rn_error_clear(&err);
    rn_chart *chart = NULL;
    rn_value *user = NULL;
    rn_rendered r;
    rn_host host;
    cli_clock clock;
    cli_host(&host, &clock);
    if (o.enable_dns)
        host.resolve_host = resolve_host;
    rn_release rel = {.name = name,
                      .host = &host,
                      .namespace = o.ns ? o.ns : "default",
                      .is_upgrade = o.is_upgrade,
                      .include_crds = o.include_crds,
                      .kube_version = o.kube_version,
                      .api_versions = o.api_versions,
                      .n_api_versions = (size_t)o.napi};
    int rc = chart_dir ? rn_chart_load_dir(a, chart_dir, &chart, &err)
                       : rn_chart_load_embedded(a, &chart, &err);
    if (rc == 0)
        rc = load_user_values(a, &o, &user, &err);
    if (rc == 0)
        rc = rn_chart_render(a, chart, &rel, user, &r, &err);
    if (rc < 0) {
        fprintf(stderr, "Error: %s\n", err.msg);
        rn_arena_free(a);
        return 1;
    }
    if (o.no_hooks)
        r.len -= r.n_hooks, r.n_hooks = 0;
    rn_buf out = RN_BUF_INIT;
    if (o.nshow)
        rc = print_show_only(&out, &o, &r, r.len);
    else
        rn_chart_print(&out, &r);
    if (rc == 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
        rc = -1;
    rn_buf_free(&out);
    rn_arena_free(a);
    return rc == 0 ? 0 : 1;
}
