/*
 * queue.h — the work queue between watch events and reconciles, with the
 * guarantees of client-go's workqueue:
 *
 *  - a key waits in the queue at most once (adding it again is a no-op);
 *  - a key is handed to one worker at a time: added while a worker holds
 *    it, it is queued again only when that worker calls queue_done;
 *  - queue_add_after delays a key (the earliest pending time wins);
 *  - queue_add_rate_limited delays by a per-key exponential backoff
 *    (base * 2^failures, capped), reset by queue_forget.
 *
 * Keys are strings (the MLflow name); the queue copies them. All functions
 * are thread-safe. queue_get blocks until a key is ready or the queue is
 * shut down.
 *
 * It also keeps what client-go's workqueue metrics report: the adds and
 * retries it counted, the work in progress (queue_get_stats), and, through
 * an optional observer, how long each key waited and how long a worker
 * held it.
 */
#ifndef RC_QUEUE_H
#define RC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct queue queue;

/* What an observer is told about. */
typedef enum queue_timing {
    QUEUE_WAITED, /* from being added (or due) to being handed out */
    QUEUE_WORKED, /* from being handed out to queue_done */
} queue_timing;

typedef struct queue_opts {
    long base_delay_ms; /* first retry delay; 0: 100 ms */
    long max_delay_ms;  /* backoff cap; 0: 5 minutes */
    /* Optional, for metrics: called by queue_get and queue_done, outside
     * the queue's lock, with the seconds a key spent in that phase. */
    void (*observe)(void *ud, queue_timing t, double seconds);
    void *ud;
} queue_opts;

/* Counts since queue_new, and the work in progress now. */
typedef struct queue_stats {
    /* Keys really added: a key already waiting to be handed out is not
     * counted again (client-go's workqueue_adds_total). A delayed key
     * counts when it becomes due. */
    unsigned long long adds;
    /* Calls to queue_add_after and queue_add_rate_limited
     * (workqueue_retries_total). */
    unsigned long long retries;
    double unfinished_s; /* seconds the keys held by workers were held */
    double longest_s;    /* the longest of those holds, or 0 */
} queue_stats;

queue *queue_new(const queue_opts *o);
void queue_free(queue *q);

void queue_add(queue *q, const char *key);
void queue_add_after(queue *q, const char *key, long delay_ms);
void queue_add_rate_limited(queue *q, const char *key);
/* The key succeeded: its next failure starts the backoff from the base. */
void queue_forget(queue *q, const char *key);
int queue_failures(queue *q, const char *key);

/* The next ready key (malloc'd, the caller frees it after queue_done), or
 * false once the queue is shut down. */
bool queue_get(queue *q, char **key);
void queue_done(queue *q, const char *key);
/* Wake every waiting queue_get; later calls return false. */
void queue_shutdown(queue *q);
bool queue_is_shutdown(queue *q);

/* Keys ready to be handed out now (the metric workqueue_depth). */
size_t queue_len(queue *q);
/* Keys waiting for their delay. */
size_t queue_waiting(queue *q);

void queue_get_stats(queue *q, queue_stats *out);

/* The backoff for a key that failed `failures` times before (0-based):
 * base * 2^failures, at most max. */
long queue_backoff_ms(long base_ms, long max_ms, int failures);

#endif
