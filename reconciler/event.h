/*
 * event.h — Kubernetes Events about an MLflow object (core/v1 Event in
 * the "default" namespace, where events of cluster-scoped objects go, as
 * client-go's recorder does). The message is redacted first.
 */
#ifndef RC_EVENT_H
#define RC_EVENT_H

#include "kube_client.h"

struct json_t;

int event_emit(kube_client *kc, const struct json_t *mlflow,
               const char *type, const char *reason, const char *message,
               const char *instance, kube_err *err);

#endif
