/*
 * krm_render.c — `krmfn render`: plain YAML streams of MLflow objects in,
 * a YAML stream of manifests out, for `kubectl apply -f -` and for the
 * Argo CD plugin. Other objects in the streams pass through. Output is
 * printed only when every object rendered; errors name the file, the
 * object and the field.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "krm.h"
#include "openapi.h"
#include "yaml.h"

#define MAX_FILES 4096
#define MAX_DEPTH 32

static const char usage[] =
    "NAME\n"
    "       krmfn render - render MLflow objects in YAML files to manifests\n"
    "\n"
    "SYNOPSIS\n"
    "       krmfn render [FILE|DIR|-]... [OPTIONS]\n"
    "\n"
    "DESCRIPTION\n"
    "       Renders the MLflow objects (mlflow.opendatahub.io/v1) in plain\n"
    "       YAML streams and prints the manifests as one YAML stream, for\n"
    "       `kubectl apply -f -`. Other objects are printed unchanged; an\n"
    "       MLflow of another apiVersion passes through with a warning.\n"
    "       A kind: List (what `kubectl get -o yaml` prints) or a\n"
    "       ResourceList stands for its items.\n"
    "\n"
    "       Without FILE, or with -, stdin is read. A DIR stands for its\n"
    "       *.yaml, *.yml and *.json files, recursively, in name order:\n"
    "       hidden entries, kustomization.yaml and Kptfile are skipped, and\n"
    "       so are objects annotated config.kubernetes.io/local-config:\n"
    "       \"true\" and function configs other than MLflow objects.\n"
    "       Symlinked directories are not entered; a file is read once\n"
    "       however many links lead to it; at most 4096 files.\n"
    "\n"
    "       Nothing is printed unless every object renders; each error\n"
    "       names the file, the object and the field. Warnings go to\n"
    "       stderr.\n"
    "\n"
    "OPTIONS\n"
    "       The settings are the functionConfig keys of the KRM function\n"
    "       (`krmfn --help`).\n"
    "\n"
    "       --mode M                opendatahub (default) or rhoai\n"
    "       --namespace NS          target namespace (default: the mode's)\n"
    "       --set-image IMG         image when an MLflow names none\n"
    "                               (default $MLFLOW_IMAGE, else\n"
    "                               " RN_MLFLOW_DEFAULT_IMAGE ")\n"
    "       --http-route[=BOOL]     render the HTTPRoute\n"
    "       --gateway-name NAME     its parent Gateway\n"
    "       --gateway-namespace NS  the Gateway's namespace\n"
    "       --console-link[=BOOL]   render the ConsoleLink (needs\n"
    "                               --mlflow-url)\n"
    "       --metrics[=BOOL]        serve Prometheus metrics at /metrics\n"
    "                               (the image needs\n"
    "                               prometheus-flask-exporter)\n"
    "       --service-monitor[=BOOL]\n"
    "                               render a ServiceMonitor (needs\n"
    "                               --metrics)\n"
    "       --mlflow-url URL        base URL of the gateway, https://host\n"
    "       --section-title TEXT    console application menu section\n"
    "       --keep-mlflow[=BOOL]    print the MLflow objects too\n"
    "       --chart DIR             chart directory instead of the built-in\n"
    "                               one\n"
    "       --argocd                take the settings an Argo CD plugin is\n"
    "                               given: PARAM_<KEY> or ARGOCD_ENV_<KEY>\n"
    "                               (KEY: a functionConfig key in upper\n"
    "                               case, e.g. PARAM_MODE,\n"
    "                               PARAM_MLFLOWIMAGE), namespace default\n"
    "                               $ARGOCD_APP_NAMESPACE; options win\n"
    "       --discover              print the files holding MLflow objects\n"
    "                               and render nothing (Argo CD discovery)\n"
    "       --values                print, per MLflow object, the Helm\n"
    "                               values it maps to, headed by the\n"
    "                               `helm template` command that renders\n"
    "                               the same objects from the chart\n"
    "       -h, --help              print this help and exit\n"
    "       --version               print the version and exit\n"
    "\n"
    "EXIT STATUS\n"
    "       0      every object rendered (warnings allowed)\n"
    "       1      an object failed, a file could not be read, or a bad\n"
    "              option; nothing is printed on stdout\n"
    "\n"
    "EXAMPLES\n"
    "       krmfn render mlflow.yaml | kubectl apply -f -\n"
    "       krmfn render --mode rhoai --namespace team-a manifests/\n"
    "       kubectl get mlflows -o yaml | krmfn render - > rendered.yaml\n";

typedef struct flag_def {
    const char *flag, *key;
    bool boolean;
} flag_def;

static const flag_def flags[] = {
    {"mode", "mode", false},
    {"namespace", "namespace", false},
    {"set-image", "mlflowImage", false},
    {"http-route", "httpRoute", true},
    {"gateway-name", "gatewayName", false},
    {"gateway-namespace", "gatewayNamespace", false},
    {"console-link", "consoleLink", true},
    {"metrics", "metrics", true},
    {"service-monitor", "serviceMonitor", true},
    {"mlflow-url", "mlflowUrl", false},
    {"section-title", "sectionTitle", false},
    {"keep-mlflow", "keepMLflow", true},
    {"chart", "chart", false},
};

#define NFLAGS (sizeof flags / sizeof flags[0])

typedef struct render_args {
    const char *files[MAX_FILES];
    int nfiles;
    const char *values[NFLAGS]; /* per flag, NULL when not given */
    bool argocd, discover, show_values;
} render_args;

/* "--flag V", "--flag=V"; boolean flags also bare ("--http-route"). */
static int match_flag(int argc, char **argv, int *i, render_args *o)
{
    const char *a = argv[*i];
    for (size_t f = 0; f < NFLAGS; f++) {
        size_t n = strlen(flags[f].flag);
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, flags[f].flag, n) != 0)
            continue;
        const char *rest = a + 2 + n;
        if (*rest == '=')
            o->values[f] = rest + 1;
        else if (*rest != '\0')
            continue;
        else if (flags[f].boolean)
            o->values[f] = "true";
        else if (*i + 1 < argc)
            o->values[f] = argv[++*i];
        else {
            fprintf(stderr, "krmfn render: flag needs an argument: %s\n", a);
            return -1;
        }
        return 1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, render_args *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) {
            printf("krmfn %s\n", KRMFN_VERSION);
            exit(0);
        }
        if (strcmp(a, "--argocd") == 0) {
            o->argocd = true;
            continue;
        }
        if (strcmp(a, "--discover") == 0) {
            o->discover = true;
            continue;
        }
        if (strcmp(a, "--values") == 0) {
            o->show_values = true;
            continue;
        }
        int r = match_flag(argc, argv, &i, o);
        if (r < 0)
            return -1;
        if (r)
            continue;
        if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr,
                    "krmfn render: unknown flag %s (see krmfn render "
                    "--help)\n",
                    a);
            return -1;
        }
        if (o->nfiles == MAX_FILES) {
            fprintf(stderr, "krmfn render: too many files\n");
            return -1;
        }
        o->files[o->nfiles++] = a;
    }
    return 0;
}

/* ---- settings ------------------------------------------------------------ */

static int set_key(rn_arena *a, krm_settings *s, const char *key,
                   const char *val, const char *from)
{
    char why[1024];
    if (krm_settings_set(a, s, key, rn_strz(a, val), why, sizeof why) < 0) {
        fprintf(stderr, "krmfn render: %s: ", from);
        krm_print_line(stderr, why);
        return -1;
    }
    return 0;
}

static const char *argocd_env(rn_arena *a, const char *key, const char **name)
{
    char up[64];
    size_t n = 0;
    for (const char *p = key; *p && n + 1 < sizeof up; p++)
        up[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    up[n] = '\0';
    static const char *const prefixes[] = {"PARAM_", "ARGOCD_ENV_"};
    for (size_t i = 0; i < 2; i++) {
        const char *var = rn_arena_printf(a, "%s%s", prefixes[i], up);
        const char *v = getenv(var);
        if (v && *v) {
            *name = var;
            return v;
        }
    }
    return NULL;
}

static int settings(rn_arena *a, const render_args *o, krm_settings *s)
{
    krm_settings_defaults(s);
    if (o->argocd) {
        const char *ns = getenv("ARGOCD_APP_NAMESPACE");
        if (ns && *ns && set_key(a, s, "namespace", ns, "ARGOCD_APP_NAMESPACE"))
            return -1;
        for (size_t f = 0; f < NFLAGS; f++) {
            const char *var = NULL;
            const char *v = argocd_env(a, flags[f].key, &var);
            if (v && set_key(a, s, flags[f].key, v, var) < 0)
                return -1;
        }
    }
    for (size_t f = 0; f < NFLAGS; f++) {
        if (!o->values[f])
            continue;
        const char *from = rn_arena_printf(a, "--%s", flags[f].flag);
        if (set_key(a, s, flags[f].key, o->values[f], from) < 0)
            return -1;
    }
    return 0;
}

/* ---- files --------------------------------------------------------------- */

typedef struct file_list {
    char **paths;
    size_t len, cap;
} file_list;

static void add_file(rn_arena *a, file_list *l, const char *p)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        l->paths = rn_arena_realloc(a, l->paths, l->cap * sizeof *l->paths,
                                    cap * sizeof *l->paths);
        l->cap = cap;
    }
    l->paths[l->len++] = rn_arena_strdup(a, p);
}

static bool manifest_name(const char *name)
{
    if (strcmp(name, "kustomization.yaml") == 0 ||
        strcmp(name, "kustomization.yml") == 0 ||
        strcmp(name, "Kustomization") == 0 || strcmp(name, "Kptfile") == 0)
        return false;
    size_t n = strlen(name);
    static const char *const ext[] = {".yaml", ".yml", ".json"};
    for (size_t i = 0; i < 3; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0)
            return true;
    }
    return false;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Files already taken, by device and inode: a symlink or a hard link to
 * a manifest is read once. */
typedef struct seen_files {
    dev_t *dev;
    ino_t *ino;
    size_t len, cap;
} seen_files;

static bool seen_before(rn_arena *a, seen_files *seen, const struct stat *st)
{
    for (size_t i = 0; i < seen->len; i++)
        if (seen->dev[i] == st->st_dev && seen->ino[i] == st->st_ino)
            return true;
    if (seen->len == seen->cap) {
        size_t cap = seen->cap ? seen->cap * 2 : 16;
        seen->dev = rn_arena_realloc(a, seen->dev, seen->cap * sizeof(dev_t),
                                     cap * sizeof(dev_t));
        seen->ino = rn_arena_realloc(a, seen->ino, seen->cap * sizeof(ino_t),
                                     cap * sizeof(ino_t));
        seen->cap = cap;
    }
    seen->dev[seen->len] = st->st_dev;
    seen->ino[seen->len++] = st->st_ino;
    return false;
}

/* A directory's manifests, recursively, sorted by path. Symlinked
 * directories are not entered (`x -> .` would never end, `up -> ..`
 * would read the tree again); a symlinked file is read like a file. */
static int walk_dir(rn_arena *a, const char *dir, file_list *l,
                    seen_files *seen, int depth)
{
    if (depth > MAX_DEPTH) {
        fprintf(stderr, "krmfn render: %s: directories nested deeper than %d\n",
                dir, MAX_DEPTH);
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "krmfn render: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    file_list here = {0};
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            add_file(a, &here, e->d_name);
    closedir(d);
    qsort(here.paths, here.len, sizeof *here.paths, cmp_str);
    for (size_t i = 0; i < here.len; i++) {
        const char *p = strcmp(dir, ".") == 0
                            ? here.paths[i]
                            : rn_arena_printf(a, "%s/%s", dir, here.paths[i]);
        struct stat st;
        if (lstat(p, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (walk_dir(a, p, l, seen, depth + 1) < 0)
                return -1;
            continue;
        }
        if (!manifest_name(here.paths[i]) ||
            (S_ISLNK(st.st_mode) && stat(p, &st) < 0) || !S_ISREG(st.st_mode) ||
            seen_before(a, seen, &st))
            continue;
        if (l->len == MAX_FILES) {
            fprintf(stderr,
                    "krmfn render: %s: more than %d manifest files; name "
                    "fewer files or directories\n",
                    dir, MAX_FILES);
            return -1;
        }
        add_file(a, l, p);
    }
    return 0;
}

static int expand_files(rn_arena *a, const render_args *o, file_list *l)
{
    seen_files seen = {0};
    if (o->nfiles == 0)
        add_file(a, l, "-");
    for (int i = 0; i < o->nfiles; i++) {
        struct stat st;
        bool named =
            strcmp(o->files[i], "-") != 0 && stat(o->files[i], &st) == 0;
        if (named && S_ISDIR(st.st_mode)) {
            if (walk_dir(a, o->files[i], l, &seen, 0) < 0)
                return -1;
        } else if (!named || !seen_before(a, &seen, &st)) {
            /* A file named and also found in a directory named is read
             * once, as a file reached through several links is. */
            add_file(a, l, o->files[i]);
        }
    }
    return 0;
}

/* ---- rendering ----------------------------------------------------------- */

/* Objects that only tools read: local-config ones, and function configs
 * (a kustomization's transformer next to the MLflow objects). */
static bool local_config(const rn_value *obj)
{
    const rn_value *ann = rn_value_at(obj, "metadata.annotations");
    if (!ann || ann->kind != RN_MAP)
        return false;
    const rn_value *v = rn_map_getz(ann, "config.kubernetes.io/local-config");
    if (v && v->kind == RN_STRING && strcmp(v->u.s.ptr, "true") == 0)
        return true;
    return !krm_is_mlflow(obj) &&
           rn_map_getz(ann, "config.kubernetes.io/function") != NULL;
}

static int read_stream(rn_arena *a, const char *path, rn_value **docs)
{
    size_t len;
    char *buf = cli_read_file(path, KRM_MAX_INPUT_BYTES, &len);
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    if (!buf) {
        fprintf(stderr, "krmfn render: %s: %s\n", name,
                errno == EFBIG ? "larger than 32 MiB" : strerror(errno));
        return -1;
    }
    rn_error err;
    rn_error_clear(&err);
    rn_yaml_limits lim = krm_input_limits(len, true);
    int rc =
        rn_yaml_parse_stream(a, buf, len, name, RN_YAML_CORE, &lim, docs, &err);
    free(buf);
    if (rc < 0) {
        fputs("krmfn render: ", stderr);
        krm_print_line(stderr, err.msg);
    }
    return rc;
}

/* One document: rendered, passed or skipped. A List (`kubectl get -o
 * yaml`) or a ResourceList stands for its items. `where` names it in
 * messages ("document 2", "document 2 items[0]"). */
static void render_doc(krm_run *run, const krm_settings *s, const rn_value *d,
                       const char *where, int depth)
{
    if (d->kind == RN_NULL ||
        (d->kind == RN_MAP && !krm_is_mlflow(d) && local_config(d)))
        return;
    const rn_value *items = d->kind == RN_MAP ? krm_list_items(d) : NULL;
    if (d->kind != RN_MAP) {
        krm_result(run->res, KRM_ERROR, NULL, NULL,
                   "%s is not an object but %s", where,
                   rn_openapi_describe(run->a, d));
    } else if (krm_is_mlflow(d)) {
        krm_run_mlflow(run, s, d, false);
    } else if (items && depth < 2) {
        for (size_t i = 0; i < items->u.list.len; i++)
            render_doc(run, s, items->u.list.items[i],
                       rn_arena_printf(run->a, "%s items[%zu]", where, i),
                       depth + 1);
    } else if (!run->values_only) {
        krm_run_pass(run, d);
    }
}

/* One file: every document rendered or passed. Returns its error count. */
static size_t render_file(krm_run *run, const krm_settings *s, const char *path)
{
    rn_value *docs;
    if (read_stream(run->a, path, &docs) < 0)
        return 1;
    krm_results res;
    krm_results_init(&res, run->a);
    run->res = &res;
    for (size_t i = 0; i < docs->u.list.len; i++)
        render_doc(run, s, docs->u.list.items[i],
                   rn_arena_printf(run->a, "document %zu", i + 1), 0);
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    krm_results_print(&res, stderr,
                      rn_arena_printf(run->a, "krmfn render: %s", name), true);
    return res.errors;
}

/* An MLflow object, or a List of items with one. */
static bool holds_mlflow(const rn_value *doc)
{
    if (krm_is_mlflow(doc))
        return true;
    const rn_value *items = krm_list_items(doc);
    for (size_t i = 0; items && i < items->u.list.len; i++)
        if (krm_is_mlflow(items->u.list.items[i]))
            return true;
    return false;
}

static int discover(rn_arena *a, const file_list *files)
{
    for (size_t i = 0; i < files->len; i++) {
        rn_value *docs;
        rn_error err;
        rn_error_clear(&err);
        size_t len;
        char *buf = cli_read_file(files->paths[i], KRM_MAX_INPUT_BYTES, &len);
        if (!buf)
            continue;
        rn_yaml_limits lim = krm_input_limits(len, false);
        int rc = rn_yaml_parse_stream(a, buf, len, files->paths[i],
                                      RN_YAML_CORE, &lim, &docs, &err);
        free(buf);
        for (size_t d = 0; rc == 0 && d < docs->u.list.len; d++)
            if (holds_mlflow(docs->u.list.items[d])) {
                printf("%s\n", files->paths[i]);
                break;
            }
    }
    return 0;
}

int cmd_render(int argc, char **argv)
{
    render_args o = {0};
    if (parse_args(argc, argv, &o) < 0)
        return 1;
    rn_arena *a = rn_arena_new();
    krm_settings s;
    file_list files = {0};
    rn_chart *chart = NULL;
    rn_error err;
    rn_error_clear(&err);
    int rc =
        settings(a, &o, &s) == 0 && expand_files(a, &o, &files) == 0 ? 0 : 1;
    if (rc == 0 && o.discover) {
        rc = discover(a, &files);
        rn_arena_free(a);
        return rc;
    }
    if (rc == 0 && krm_load_chart(a, &s, &chart, &err) < 0) {
        fputs("krmfn render: ", stderr);
        krm_print_line(stderr, err.msg);
        rc = 1;
    }
    rn_buf out = RN_BUF_INIT;
    krm_run run;
    krm_run_init(&run, a, NULL, chart, &out, true);
    run.values_only = o.show_values;
    size_t errors = 0;
    for (size_t i = 0; rc == 0 && i < files.len; i++)
        errors += render_file(&run, &s, files.paths[i]);
    if (rc == 0 && errors == 0) {
        if (fwrite(rn_buf_cstr(&out), 1, out.len, stdout) != out.len ||
            fflush(stdout) != 0) {
            fprintf(stderr, "krmfn render: writing stdout: %s\n",
                    strerror(errno));
            rc = 1;
        }
    } else {
        rc = 1;
    }
    rn_buf_free(&out);
    rn_arena_free(a);
    return rc;
}
