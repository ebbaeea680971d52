/*
 * kube_watch.h — list+watch: the informer that keeps a store of one kind
 * up to date and says what changed.
 *
 * The wire format of a watch is a stream of JSON objects, one per line:
 * {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}.
 * kw_framer cuts the stream into lines (chunks split lines anywhere) and
 * kw_parse_event reads one.
 *
 * An informer runs in its own thread: LIST (paged) into the store, then
 * WATCH from the list's resourceVersion with bookmarks, following every
 * event's resourceVersion. A watch that ends normally (the server's
 * timeoutSeconds) is resumed from the last resourceVersion; one that fails
 * (the API server went away) is resumed after a backoff (0.5 s doubling to
 * 10 s); a 410 Gone / Expired (the version was compacted) starts over
 * with a LIST, and the differences between the old store and the new list
 * are reported as events, so nothing is missed. Objects are stored without
 * metadata.managedFields, to keep the cache small.
 */
#ifndef RC_KUBE_WATCH_H
#define RC_KUBE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "kube_client.h"
#include "log.h"
#include "store.h"

struct json_t;

/* ---- framing ------------------------------------------------------------- */

typedef struct kw_framer {
    rn_buf buf;      /* the incomplete last line */
    size_t max_line; /* longer lines are an error; 0: 64 MiB */
} kw_framer;

void kw_framer_init(kw_framer *f, size_t max_line);
void kw_framer_free(kw_framer *f);
/* Append bytes; call fn(ud, line, len) for every complete line (without
 * its '\n'; blank lines skipped). Returns 0, fn's nonzero return, or -1
 * when a line grows past max_line. */
int kw_framer_feed(kw_framer *f, const char *data, size_t len,
                   int (*fn)(void *ud, const char *line, size_t len), void *ud);

typedef enum kw_type {
    KW_ADDED,
    KW_MODIFIED,
    KW_DELETED,
    KW_BOOKMARK,
    KW_ERROR,
} kw_type;

typedef struct kw_event {
    kw_type type;
    struct json_t *object; /* new reference */
} kw_event;

/* One line of a watch stream. -1 with err set for anything else. */
int kw_parse_event(const char *line, size_t len, kw_event *ev, rn_error *err);
/* For an ERROR event's Status: its code (410 for an expired version). */
long kw_error_code(const struct json_t *status);

/* ---- informer ------------------------------------------------------------ */

/* obj: the new state (DELETED: the last known one); old: the previous
 * state for MODIFIED, else NULL. Both borrowed. */
typedef void (*informer_fn)(void *ud, kw_type type, struct json_t *obj,
                            struct json_t *old);

typedef struct informer_opts {
    const char *name;        /* for logs and metrics: "deployments" */
    const char *api_version; /* put on list items, which lack it */
    const char *kind;
    const char *path;           /* the collection: /apis/apps/v1/deployments */
    const char *label_selector; /* or NULL */
    const char *field_selector; /* or NULL */
    kube_config *cfg;
    kube_client_opts client; /* its .stop is replaced by the informer's */
    log_ctx *log;
    /* Called on each object before the cache keeps it (and before
     * on_event sees it): may drop or replace what the cache need not
     * hold, such as a Secret's data. NULL: kept as listed. */
    void (*transform)(struct json_t *obj);
    informer_fn on_event;
    void (*on_restart)(void *ud, const char *name, const char *reason);
    void *ud;
    int watch_timeout_s; /* 0: random 300..600 s, as client-go */
    int page_size;       /* 0: 500 */
} informer_opts;

typedef struct kube_informer kube_informer;

kube_informer *informer_start(const informer_opts *o);
/* Asks the informer to end its watch, without waiting. */
void informer_signal_stop(kube_informer *inf);
/* Ends the watch and the thread, then frees the informer (its store
 * too). */
void informer_stop(kube_informer *inf);
/* True once the first LIST is in the store. */
bool informer_synced(kube_informer *inf);
/* Wait up to timeout_ms for informer_synced. */
bool informer_wait_synced(kube_informer *inf, long timeout_ms);
store *informer_store(kube_informer *inf);
const char *informer_name(const kube_informer *inf);

#endif
