/*
 * chart.c — loading a chart (directory or compiled-in copy) and Helm's
 * value handling: -f merging and coalescing user values over values.yaml.
 * Rendering lives in chart_render.c.
 */
#include "chart.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "yaml.h"

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
} walk;

static int read_file(rn_arena *a, const char *path, char **data, size_t *len,
                     rn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rn_error_set(err, "%s: %s", path, strerror(errno));
    rn_buf b = RN_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rn_buf_append(&b, chunk, n);
        if (b.len > MAX_CHART_BYTES) {
            fclose(f);
            rn_buf_free(&b);
            return rn_error_set(err, "%s: file larger than %u bytes", path,
                                MAX_CHART_BYTES);
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        rn_buf_free(&b);
        return rn_error_set(err, "%s: read error", path);
    }
    *data = rn_arena_strndup(a, rn_buf_cstr(&b), b.len);
    *len = b.len;
    rn_buf_free(&b);
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

int rn_chart_load_dir(rn_arena *a, const char *dir, rn_chart **out,
                      rn_error *err)
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
    return rn_chart_load_files(a, w.files, w.n, out, err);
}

static const rn_chart_file *find(const rn_chart_file *files, size_t n,
                                 const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    return NULL;
}

static int load_metadata(rn_arena *a, rn_chart *c, const rn_chart_file *f,
                         rn_error *err)
{
    if (!f)
        return rn_error_set(err, "Chart.yaml file is missing");
    if (rn_yaml_parse(a, f->data, f->len, "Chart.yaml", RN_YAML_HELM, NULL,
                      &c->metadata, err) < 0)
        return -1;
    if (c->metadata->kind != RN_MAP)
        return rn_error_set(err, "Chart.yaml: not a mapping");
    static const char *required[] = {"apiVersion", "name", "version"};
    for (size_t i = 0; i < 3; i++) {
        rn_value *v = rn_map_getz(c->metadata, required[i]);
        if (!v || v->kind != RN_STRING || v->u.s.len == 0)
            return rn_error_set(
                err, "validation: chart.metadata.%s is required", required[i]);
    }
    c->name = rn_map_getz(c->metadata, "name")->u.s.ptr;
    return 0;
}

int rn_chart_load_files(rn_arena *a, const rn_chart_file *files, size_t n,
                        rn_chart **out, rn_error *err)
{
    rn_chart *c = rn_arena_alloc(a, sizeof *c);
    c->files = rn_arena_alloc(a, sizeof *c->files * (n ? n : 1));
    memcpy(c->files, files, sizeof *files * n);
    c->nfiles = n;
    if (load_metadata(a, c, find(files, n, "Chart.yaml"), err) < 0)
        return -1;
    const rn_chart_file *vf = find(files, n, "values.yaml");
    c->values = rn_map_new(a, 8);
    if (vf) {
        rn_value *v;
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
    if (rn_chart_compile(a, c, err) < 0)
        return -1;
    *out = c;
    return 0;
}

int rn_chart_load_embedded(rn_arena *a, rn_chart **out, rn_error *err)
{
    return rn_chart_load_files(a, rn_embedded_chart, rn_embedded_chart_count,
                               out, err);
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
