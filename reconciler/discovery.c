/*
 * discovery.c — served kinds per group-version (see discovery.h).
 */
#include "discovery.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

struct discovery {
    pthread_mutex_t mu;
    strmap *gvs; /* api_version -> json_t array of resources (or JSON null) */
};

discovery *discovery_new(void)
{
    discovery *d = rc_xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->mu, NULL);
    d->gvs = strmap_new();
    return d;
}

static void decref(void *p)
{
    json_decref(p);
}

void discovery_free(discovery *d)
{
    if (!d)
        return;
    strmap_free(d->gvs, decref);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

void discovery_set(discovery *d, const char *api_version, const json_t *list)
{
    json_t *res = json_array();
    size_t i;
    json_t *r;
    /* Keep kinds, drop subresources ("deployments/status"). */
    json_array_foreach(json_object_get(list, "resources"), i, r)
    {
        const char *name = json_string_value(json_object_get(r, "name"));
        if (name && !strchr(name, '/'))
            json_array_append_new(
                res, json_pack("{s:s,s:O,s:b}", "name", name, "kind",
                               json_object_get(r, "kind"), "namespaced",
                               json_is_true(json_object_get(r, "namespaced"))));
    }
    pthread_mutex_lock(&d->mu);
    json_decref(strmap_put(d->gvs, api_version, list ? res : json_null()));
    pthread_mutex_unlock(&d->mu);
    if (!list)
        json_decref(res);
}

int discovery_refresh(discovery *d, kube_client *c, const char *api_version,
                      kube_err *err)
{
    rn_arena *a = rn_arena_new();
    json_t *list = NULL;
    int rc = kube_get(c, kube_gv_path(a, api_version), &list, err);
    rn_arena_free(a);
    if (rc < 0) {
        if (err->code == 404 || err->code == 503) {
            /* 503: an aggregated API that is registered but down. */
            discovery_set(d, api_version, NULL);
            return 0;
        }
        return -1;
    }
    discovery_set(d, api_version, list);
    json_decref(list);
    return 1;
}

static json_t *find_kind(discovery *d, const char *api_version,
                         const char *kind)
{
    json_t *res = strmap_get(d->gvs, api_version);
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r)
    {
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (k && strcmp(k, kind) == 0)
            return r;
    }
    return NULL;
}

bool discovery_served(discovery *d, const char *api_version, const char *kind)
{
    pthread_mutex_lock(&d->mu);
    bool ok = find_kind(d, api_version, kind) != NULL;
    pthread_mutex_unlock(&d->mu);
    return ok;
}

bool discovery_lookup(discovery *d, const char *api_version, const char *kind,
                      char *resource, size_t n, bool *namespaced)
{
    pthread_mutex_lock(&d->mu);
    json_t *r = find_kind(d, api_version, kind);
    if (r) {
        snprintf(resource, n, "%s",
                 json_string_value(json_object_get(r, "name")));
        *namespaced = json_is_true(json_object_get(r, "namespaced"));
    }
    pthread_mutex_unlock(&d->mu);
    return r != NULL;
}
