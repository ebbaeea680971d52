/*
 * leader.h — leader election on a coordination.k8s.io/v1 Lease, with the
 * rules of client-go's leaderelection:
 *
 *  - a candidate takes the lease when it does not exist, has no holder, or
 *    its record has not changed for leaseDurationSeconds as seen by this
 *    process's own clock (no trust in other clocks);
 *  - every write is an update with the resourceVersion read, so two
 *    candidates never both win;
 *  - the leader renews every retry period and gives up (on_lost) when no
 *    renewal succeeded within the renew deadline;
 *  - leader_release on shutdown empties the holder so a standby takes over
 *    at once instead of waiting out the lease.
 */
#ifndef RC_LEADER_H
#define RC_LEADER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "kube_client.h"
#include "log.h"

typedef struct leader_opts {
    kube_config *cfg;
    kube_client_opts client;
    const char *namespace;
    const char *name;     /* the Lease */
    const char *identity; /* this process: hostname_random */
    int lease_s;          /* 0: 15 */
    int renew_s;          /* 0: 10 */
    int retry_s;          /* 0: 2 */
    log_ctx *log;
    const atomic_bool *stop;
} leader_opts;

typedef struct leader leader;

leader *leader_new(const leader_opts *o);
void leader_free(leader *l);

/* Block until this process holds the lease (true) or *stop (false). */
bool leader_acquire(leader *l);
/* Keep renewing in a thread; on_lost runs (in that thread) when the lease
 * is lost. */
void leader_start_renewing(leader *l, void (*on_lost)(void *ud), void *ud);
/* Stop renewing and, if still held, hand the lease back. */
void leader_release(leader *l);
bool leader_is_leader(leader *l);

/* One acquire-or-renew attempt: 1 holding, 0 someone else holds it, -1
 * error. Exposed for tests. */
int leader_try(leader *l);

/* RFC 3339 with microseconds in UTC, as metav1.MicroTime prints. */
void leader_microtime(char *buf, size_t n);

#endif
