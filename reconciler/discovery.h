/*
 * discovery.h — which group-versions and kinds the API server serves, and
 * the REST resource name of each kind ("Deployment" -> "deployments",
 * namespaced or not).
 *
 * Filled one group-version at a time from /api/v1 and /apis/GROUP/VERSION
 * (APIResourceList), and refreshed on demand: the operator asks again
 * every few seconds about the optional APIs (Gateway API, OpenShift
 * console) so installing a CRD later switches its objects on.
 * Thread-safe.
 */
#ifndef RC_DISCOVERY_H
#define RC_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "kube_client.h"

typedef struct discovery discovery;

discovery *discovery_new(void);
void discovery_free(discovery *d);

/* Ask the server about one group-version ("v1", "apps/v1"). Returns 1 when
 * it is served, 0 when it is not (404), -1 with err set on failure. */
int discovery_refresh(discovery *d, kube_client *c, const char *api_version,
                      kube_err *err);

/* Fill in an APIResourceList for `api_version` (NULL list: not served).
 * Exposed for tests. */
void discovery_set(discovery *d, const char *api_version,
                   const struct json_t *list);

/* Whether `kind` of `api_version` was served at the last refresh. */
bool discovery_served(discovery *d, const char *api_version, const char *kind);
/* The plural resource name and scope of a kind; false if unknown. */
bool discovery_lookup(discovery *d, const char *api_version, const char *kind,
                      char *resource, size_t n, bool *namespaced);

#endif
