/*
 * chart.c — loading a chart (reading a directory, making a chart of its
 * files) and Helm's value handling: -f merging and coalescing user values
 * over values.yaml. The compiled-in chart lives in chart_embedded.c,
 * rendering in chart_render.c.
 */
#include "chart.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "funcs.h"
#include "funcs_int.h"
#include "gofmt.h"
#include "json.h"
#include "unicode_class.h"
#include "utf8.h"
#include "yaml.h"
#include "yaml_directive.h"

#define MAX_CHART_FILES 4096
#define MAX_CHART_BYTES (64u << 20)

typedef struct walk {
    rn_arena *a;
    const char *root;
    rn_chart_file *files;
    size_t n, cap;
    size_t bytes;
    char **ignore;
    size_t nignore;
    rn_error *err;
    /* Comparing (rn_chart_dir_holds): the files the directory should
     * hold; each file read is compared in `scratch` and not kept. */
    const rn_chart_file *want;
    size_t nwant;
    char *scratch;
    size_t scratch_cap;
} walk;

static const rn_chart_file *find(const rn_chart_file *files, size_t n,
                                 const char *path);

/* The whole file in the arena, NUL-terminated: one read of the size
 * fstat gives (and more while the file keeps giving bytes). */
static int read_file(rn_arena *a, const char *path, char **data, size_t *len,
                     rn_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rn_error_set(err, "%s: %s", path, strerror(errno));
    struct stat st;
    size_t cap = 4096;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (uintmax_t)st.st_size <= MAX_CHART_BYTES)
        cap = (size_t)st.st_size + 2; /* room to see the end at once */
    char *buf = rn_arena_alloc(a, cap);
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            buf = rn_arena_realloc(a, buf, cap, cap * 2);
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            close(fd);
            return rn_error_set(err, "%s: read error", path);
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > MAX_CHART_BYTES) {
            close(fd);
            return rn_error_set(err, "%s: file larger than %u bytes", path,
                                MAX_CHART_BYTES);
        }
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

/* .helmignore: one glob a line, '#' comments, a trailing '/' matches
 * directories only. Negations are rare in charts and not supported. */
static void load_ignore(walk *w)
{
    char *path = rn_arena_printf(w->a, "%s/.helmignore", w->root);
    char *data;
    size_t len;
    rn_error scratch;
    rn_error_clear(&scratch);
    if (read_file(w->a, path, &data, &len, &scratch) < 0)
        return;
    w->ignore = rn_arena_alloc(w->a, sizeof(char *) * (len / 2 + 2));
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == ' ' || line[l - 1] == '\r'))
            line[--l] = 0;
        if (l && line[0] != '#' && line[0] != '!')
            w->ignore[w->nignore++] = line;
    }
}

static bool ignored(walk *w, const char *rel, bool is_dir)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    for (size_t i = 0; i < w->nignore; i++) {
        char pat[512];
        snprintf(pat, sizeof pat, "%s", w->ignore[i]);
        size_t l = strlen(pat);
        bool dir_only = l > 1 && pat[l - 1] == '/';
        if (dir_only) {
            if (!is_dir)
                continue;
            pat[l - 1] = 0;
        }
        const char *subject = strchr(pat, '/') ? rel : base;
        if (fnmatch(pat, subject, 0) == 0)
            return true;
    }
    return false;
}

/* Comparing: the file at `full` is the wanted file `rel`, byte for
 * byte. */
static bool holds_wanted(walk *w, const char *rel, const char *full,
                         const struct stat *st)
{
    const rn_chart_file *f = find(w->want, w->nwant, rel);
    if (!f || (uintmax_t)st->st_size != f->len)
        return false;
    if (w->scratch_cap < f->len + 1) {
        free(w->scratch);
        w->scratch_cap = f->len + 1;
        w->scratch = malloc(w->scratch_cap);
        if (!w->scratch) {
            w->scratch_cap = 0;
            return false;
        }
    }
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t n = 0;
    ssize_t got;
    /* One byte more than wanted: a file that grew does not match. */
    while ((got = read(fd, w->scratch + n, f->len + 1 - n)) != 0) {
        if (got < 0 && errno != EINTR)
            break;
        if (got > 0)
            n += (size_t)got;
    }
    close(fd);
    return got == 0 && n == f->len && memcmp(w->scratch, f->data, n) == 0;
}

static int walk_dir(walk *w, const char *rel)
{
    char *dirpath = *rel ? rn_arena_printf(w->a, "%s/%s", w->root, rel)
                         : rn_arena_strdup(w->a, w->root);
    DIR *d = opendir(dirpath);
    if (!d)
        return rn_error_set(w->err, "%s: %s", dirpath, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = *rel ? rn_arena_printf(w->a, "%s/%s", rel, e->d_name)
                           : rn_arena_strdup(w->a, e->d_name);
        char *full = rn_arena_printf(w->a, "%s/%s", w->root, child);
        struct stat st;
        if (stat(full, &st) < 0) {
            rc = rn_error_set(w->err, "%s: %s", full, strerror(errno));
            break;
        }
        bool is_dir = S_ISDIR(st.st_mode);
        if (ignored(w, child, is_dir))
            continue;
        if (is_dir) {
            rc = walk_dir(w, child);
            continue;
        }
        if (!S_ISREG(st.st_mode))
            continue;
        if (w->want) {
            if (!holds_wanted(w, child, full, &st)) {
                rc = 1; /* differs: no need to look further */
                break;
            }
            w->n++;
            continue;
        }
        if (w->n == MAX_CHART_FILES) {
            rc = rn_error_set(w->err, "%s: more than %d files in the chart",
                              w->root, MAX_CHART_FILES);
            break;
        }
        if (w->n == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 32;
            w->files =
                rn_arena_realloc(w->a, w->files, w->cap * sizeof *w->files,
                                 cap * sizeof *w->files);
            w->cap = cap;
        }
        rn_chart_file *f = &w->files[w->n];
        char *data;
        if ((rc = read_file(w->a, full, &data, &f->len, w->err)) < 0)
            break;
        f->path = child;
        f->data = data;
        w->bytes += f->len;
        w->n++;
        if (w->bytes > MAX_CHART_BYTES)
            rc = rn_error_set(w->err, "%s: chart larger than %u bytes", w->root,
                              MAX_CHART_BYTES);
    }
    closedir(d);
    return rc;
}

static int by_path(const void *x, const void *y)
{
    return strcmp(((const rn_chart_file *)x)->path,
                  ((const rn_chart_file *)y)->path);
}

int rn_chart_read_dir(rn_arena *a, const char *dir, rn_chart_file **files,
                      size_t *n, rn_error *err)
{
    struct stat st;
    if (stat(dir, &st) < 0)
        return rn_error_set(err, "chart directory \"%s\": %s", dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return rn_error_set(err,
                            "chart \"%s\" is not a directory (packaged "
                            "charts are not supported; unpack it first)",
                            dir);
    walk w = {.a = a, .root = dir, .err = err};
    load_ignore(&w);
    if (walk_dir(&w, "") < 0)
        return -1;
    if (w.n)
        qsort(w.files, w.n, sizeof *w.files, by_path);
    *files = w.files;
    *n = w.n;
    return 0;
}

bool rn_chart_dir_holds(rn_arena *a, const char *dir,
                        const rn_chart_file *files, size_t n)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    rn_error err;
    rn_error_clear(&err);
    walk w = {.a = a, .root = dir, .err = &err, .want = files, .nwant = n};
    load_ignore(&w);
    int rc = walk_dir(&w, "");
    free(w.scratch);
    return rc == 0 && w.n == n;
}

static const rn_chart_file *find(const rn_chart_file *files, size_t n,
                                 const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    return NULL;
}

/* Helm's sanitizeString: white space becomes ' ', unprintable runes go. */
static rn_value *sanitize(rn_arena *a, rn_value *v)
{
    /* Printable ASCII (the space included) stays as it is. */
    size_t i = 0;
    while (i < v->u.s.len && v->u.s.ptr[i] >= ' ' && v->u.s.ptr[i] < 0x7f)
        i++;
    if (i == v->u.s.len)
        return v;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    const unsigned char *p = (const unsigned char *)v->u.s.ptr;
    size_t n = v->u.s.len;
    while (n) {
        int w;
        int32_t r = rn_utf8_rune(p, n, &w);
        if (rn_fn_uni_is_space(r))
            rn_buf_putc(&b, ' ');
        else if (rn_unicode_is_print((uint32_t)r))
            rn_utf8_put(&b, r);
        p += w;
        n -= (size_t)w;
    }
    rn_value *out = rn_str(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return out;
}

rn_value *rn_chart_string(rn_arena *a, const rn_value *v, bool sanitized)
{
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    switch (v ? v->kind : RN_NULL) {
    case RN_STRING:
        rn_buf_append(&b, v->u.s.ptr, v->u.s.len);
        break;
    case RN_BOOL:
        rn_buf_puts(&b, v->u.b ? "true" : "false");
        break;
    case RN_INT:
        rn_buf_printf(&b, "%lld", (long long)v->u.i);
        break;
    case RN_FLOAT:
        /* Helm's reading made every number a float64; the whole ones were
         * mostly ints in the file, which sigs.k8s.io/yaml writes in full
         * (a whole float literal such as 1000000.0 would be "1e+06"). */
        if (v->u.f > -9.2e18 && v->u.f < 9.2e18 &&
            v->u.f == (double)(int64_t)v->u.f)
            rn_buf_printf(&b, "%lld", (long long)v->u.f);
        else
            rn_gofmt_float32(&b, (float)v->u.f, 'g', -1);
        break;
    default:
        rn_buf_free(&b);
        return NULL;
    }
    rn_value *s = rn_str(a, rn_buf_cstr(&b), b.len);
    rn_buf_free(&b);
    return sanitized ? sanitize(a, s) : s;
}

static int string_field(rn_arena *a, rn_value *md, const char *key,
                        rn_error *err)
{
    rn_value *v = rn_map_getz(md, key);
    if (!v)
        return 0;
    if (v->kind == RN_NULL) {
        rn_map_del(md, key, strlen(key));
        return 0;
    }
    rn_value *s = rn_chart_string(a, v, true);
    if (!s)
        return rn_error_set(err, "Chart.yaml: %s must be a string, not a %s",
                            key, v->kind == RN_MAP ? "mapping" : "list");
    rn_map_setz(a, md, key, s);
    return 0;
}

static const char *metadata_string(const rn_value *md, const char *key)
{
    const rn_value *v = rn_map_getz(md, key);
    return v && v->kind == RN_STRING ? v->u.s.ptr : "";
}

/* What krmfn does not do of Helm's chart model: a library chart at the
 * top (helm refuses it too), requirements.yaml of v1 charts. */
static int check_supported(const rn_chart *c, const rn_chart_file *files,
                           size_t n, bool sub, rn_error *err)
{
    if (!sub && strcmp(metadata_string(c->metadata, "type"), "library") == 0)
        return rn_error_set(err, "Chart.yaml: library charts are not "
                                 "installable");
    if (strcmp(metadata_string(c->metadata, "apiVersion"), "v1") == 0 &&
        find(files, n, "requirements.yaml"))
        return rn_error_set(err, "requirements.yaml: dependencies are not "
                                 "supported by krmfn");
    return 0;
}

static int load_files(rn_arena *a, const rn_chart_file *files, size_t n,
                      bool sub, rn_chart **out, rn_error *err);

/* The loader's charts/ handling: each directory charts/<name>/ is a
 * chart of its own (files sorted by path, so a directory's files are
 * together); a .prov file stays with the parent, anything else is
 * refused as helm cannot load it either. */
static int load_subcharts(rn_arena *a, rn_chart *c, const rn_chart_file *files,
                          size_t n, rn_error *err)
{
    for (size_t i = 0; i < n;) {
        const char *p = files[i].path;
        size_t l = strlen(p);
        if (strncmp(p, "charts/", 7) != 0 ||
            (l > 5 && strcmp(p + l - 5, ".prov") == 0)) {
            i++;
            continue;
        }
        const char *name = p + 7;
        size_t nl = strcspn(name, "/");
        if (name[nl] != '/' && l > 4 && strcmp(p + l - 4, ".tgz") == 0)
            return rn_error_set(err,
                                "error unpacking subchart %s in %s: "
                                "packaged subcharts are not supported by "
                                "krmfn (unpack it into charts/)",
                                name, c->name);
        if (name[nl] != '/')
            return rn_error_set(err,
                                "error unpacking subchart %s in %s: "
                                "Chart.yaml file is missing",
                                name, c->name);
        size_t j = i;
        while (j < n && strncmp(files[j].path, p, 7 + nl + 1) == 0)
            j++;
        rn_chart_file *sub = rn_arena_alloc(a, sizeof *sub * (j - i));
        for (size_t k = i; k < j; k++) {
            sub[k - i] = files[k];
            sub[k - i].path = files[k].path + 7 + nl + 1;
        }
        rn_chart *sc;
        if (load_files(a, sub, j - i, true, &sc, err) < 0) {
            rn_error_prefix(err, "error unpacking subchart %.*s in %s", (int)nl,
                            name, c->name);
            return -1;
        }
        c->deps = rn_arena_realloc(a, c->deps, sizeof *c->deps * c->ndeps,
                                   sizeof *c->deps * (c->ndeps + 1));
        c->deps[c->ndeps++] = sc;
        i = j;
    }
    return 0;
}

/* The loader's and Metadata.Validate's checks, in Helm's order. */
static int load_metadata(rn_arena *a, rn_chart *c, const rn_chart_file *f,
                         rn_error *err)
{
    if (!f)
        return rn_error_set(err, "Chart.yaml file is missing");
    const char *bad = rn_yaml_v2_directive_error(f->data, f->len);
    if (bad)
        return rn_error_set(err, "Chart.yaml: yaml: %s", bad);
    if (rn_yaml_parse(a, f->data, f->len, "Chart.yaml", RN_YAML_HELM, NULL,
                      &c->metadata, err) < 0)
        return -1;
    if (c->metadata->kind == RN_NULL)
        c->metadata = rn_map_new(a, 4);
    if (c->metadata->kind != RN_MAP)
        return rn_error_set(err, "Chart.yaml: not a mapping");
    rn_value *md = c->metadata;
    static const char *const strings[] = {
        "name",      "home", "version",    "description", "icon", "apiVersion",
        "condition", "tags", "appVersion", "kubeVersion", "type", NULL};
    for (size_t i = 0; strings[i]; i++)
        if (string_field(a, md, strings[i], err) < 0)
            return -1;
    /* The loader takes a Chart.yaml without apiVersion for a v1 chart. */
    if (!*metadata_string(md, "apiVersion"))
        rn_map_setz(a, md, "apiVersion", rn_strz(a, "v1"));
    const char *name = metadata_string(md, "name");
    if (!*name)
        return rn_error_set(err, "validation: chart.metadata.name is required");
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return rn_error_set(
            err, "validation: chart.metadata.name \"%s\" is not allowed", name);
    if (strchr(name, '/'))
        return rn_error_set(
            err, "validation: chart.metadata.name \"%s\" is invalid", name);
    const char *version = metadata_string(md, "version");
    if (!*version)
        return rn_error_set(err,
                            "validation: chart.metadata.version is required");
    if (!rn_semver_valid(a, version))
        return rn_error_set(
            err, "validation: chart.metadata.version \"%s\" is invalid",
            version);
    const char *type = metadata_string(md, "type");
    if (*type && strcmp(type, "application") != 0 &&
        strcmp(type, "library") != 0)
        return rn_error_set(err, "validation: chart.metadata.type must be "
                                 "application or library");
    c->name = name;
    return 0;
}

int rn_chart_load_files(rn_arena *a, const rn_chart_file *files, size_t n,
                        rn_chart **out, rn_error *err)
{
    return load_files(a, files, n, false, out, err);
}

static int load_files(rn_arena *a, const rn_chart_file *files, size_t n,
                      bool sub, rn_chart **out, rn_error *err)
{
    rn_chart *c = rn_arena_alloc(a, sizeof *c);
    memset(c, 0, sizeof *c);
    c->files = rn_arena_alloc(a, sizeof *c->files * (n ? n : 1));
    memcpy(c->files, files, sizeof *files * n);
    c->nfiles = n;
    if (load_metadata(a, c, find(files, n, "Chart.yaml"), err) < 0 ||
        check_supported(c, files, n, sub, err) < 0 ||
        load_subcharts(a, c, files, n, err) < 0)
        return -1;
    const rn_chart_file *vf = find(files, n, "values.yaml");
    c->values = rn_map_new(a, 8);
    if (vf) {
        rn_value *v;
        const char *bad = rn_yaml_v2_directive_error(vf->data, vf->len);
        if (bad)
            return rn_error_set(err,
                                "cannot load values.yaml: error converting "
                                "YAML to JSON: yaml: %s",
                                bad);
        if (rn_yaml_parse(a, vf->data, vf->len, "values.yaml", RN_YAML_HELM,
                          NULL, &v, err) < 0)
            return -1;
        if (v->kind == RN_MAP)
            c->values = v;
        else if (v->kind != RN_NULL)
            return rn_error_set(err, "values.yaml: not a mapping");
    }
    const rn_chart_file *sf = find(files, n, "values.schema.json");
    if (sf && rn_json_parse(a, sf->data, sf->len, "values.schema.json", true,
                            &c->schema, err) < 0)
        return -1;
    /* With subcharts, the templates are parsed per render. */
    if (!sub && c->ndeps == 0 && rn_chart_compile(a, c, err) < 0)
        return -1;
    *out = c;
    return 0;
}

/* Helm's mergeMaps for -f files: maps merge, anything else replaces. */
void rn_chart_merge_values(rn_arena *a, rn_value *dst, const rn_value *src)
{
    for (size_t i = 0; i < src->u.map.len; i++) {
        const rn_pair *p = &src->u.map.pairs[i];
        rn_value *cur = rn_map_get(dst, p->key, p->keylen);
        if (p->val->kind == RN_MAP && cur && cur->kind == RN_MAP) {
            rn_value *merged = rn_map_new(a, cur->u.map.len);
            rn_chart_merge_values(a, merged, cur);
            rn_chart_merge_values(a, merged, p->val);
            rn_map_set(a, dst, p->key, p->keylen, merged);
        } else {
            rn_map_set(a, dst, p->key, p->keylen, p->val);
        }
    }
}
