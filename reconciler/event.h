/*
 * event.h — Kubernetes Events about an MLflow object, recorded the way
 * client-go's EventRecorder (and its EventCorrelator) does: core/v1
 * Events in the "default" namespace, where the events of cluster-scoped
 * objects go.
 *
 *  - Aggregation. An event that repeats one already recorded (same
 *    involved object uid, type, reason, message and source component) is
 *    not posted again: the existing Event's count goes up by one and its
 *    lastTimestamp becomes now, in one JSON merge patch that carries the
 *    resourceVersion it read (a stale count is refused with 409, read
 *    again and redone). The Event's name is
 *    <object name>.<16 hex digits of a SHA-256 of that key>, so a
 *    restarted operator or a new leader finds the same Event. An Event
 *    that is gone (the API server expires them, --event-ttl, 1 h by
 *    default) is created again with count 1 and firstTimestamp =
 *    lastTimestamp = now: 404 on the patch creates, 409 on the create
 *    reads the Event and patches it.
 *  - Spam filter. Per involved object, a token bucket of EVENT_BURST
 *    tokens that gets one back every EVENT_REFILL_MS; every event, new or
 *    repeated, takes one, and without one it is dropped with one debug
 *    log line. An object gets at most 10 Events at once, then one every
 *    30 s: 10 per 5 minutes sustained, 20 in the worst 5 minutes.
 *    (client-go allows a burst of 25, then one per 5 minutes; the
 *    operator only records transitions, so its bursts are small and a
 *    faster refill keeps a flapping object's history readable.)
 *  - The message is redacted (log_redact) and cut to the 1024 bytes the
 *    API server accepts, on a UTF-8 character boundary.
 *
 * Reading an Event is an empty merge patch (no write): the operator's
 * role (config/rbac) may create and patch Events, not get them.
 *
 * A recorder is shared by the workers: its state (the counts it has
 * recorded, the buckets) sits behind a mutex that is never held across a
 * request. Both maps are bounded by EVENT_CACHE_MAX: forgetting a count
 * costs a 409 and a read later, forgetting a bucket lets an object start
 * with a full one.
 */
#ifndef RC_EVENT_H
#define RC_EVENT_H

#include <stdbool.h>

#include "kube_client.h"
#include "log.h"

struct json_t;

#define EVENT_COMPONENT "mlflow-operator"
#define EVENT_BURST 10
#define EVENT_REFILL_MS 30000LL
#define EVENT_CACHE_MAX 4096
/* An Event's name: a DNS subdomain (253 bytes) and its NUL. */
#define EVENT_NAME_MAX 254

/* ---- pure helpers (unit-tested) ---- */

/* The name of the Event for this key: the object's name (cut so the
 * whole fits in 253 bytes), a dot, and the first 16 hex digits of the
 * SHA-256 of the other fields. Every argument may be NULL (as ""). */
void event_name(char out[EVENT_NAME_MAX], const char *object, const char *uid,
                const char *type, const char *reason, const char *message,
                const char *component);

/* The message as it goes into an Event: redacted, and cut to at most
 * `max` bytes without splitting a UTF-8 character. malloc'd. */
char *event_message(const char *message, size_t max);

/* A token bucket as a theoretical arrival time (GCRA): the moment, in
 * milliseconds, at which the bucket would be full again. A zeroed bucket
 * is full. */
typedef struct event_bucket {
    long long full_at_ms;
} event_bucket;

/* Take one token at now_ms from a bucket of `burst` tokens that gets one
 * back every refill_ms; false (the bucket unchanged) when none is left. */
bool event_bucket_take(event_bucket *b, long long now_ms, int burst,
                       long long refill_ms);

/* ---- the recorder ---- */

typedef struct event_recorder event_recorder;

/* `log` (borrowed) gets the debug line of a dropped event; `instance`
 * (copied) is the reportingInstance. */
event_recorder *event_recorder_new(log_ctx *log, const char *instance);
void event_recorder_free(event_recorder *r);

/* Record an event about `mlflow` (borrowed): create its Event or count a
 * repeat, unless the object's bucket is empty (then 0, nothing sent).
 * Returns -1 with err set when the API server refused. */
int event_emit(event_recorder *r, kube_client *kc, const struct json_t *mlflow,
               const char *type, const char *reason, const char *message,
               kube_err *err);

#endif
