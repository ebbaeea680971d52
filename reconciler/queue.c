/*
 * queue.c — deduplicating work queue with delays and backoff (see
 * queue.h). One mutex guards everything; a key's state lives in one
 * `item` found through a hash map; ready keys form a FIFO ring, delayed
 * keys a binary min-heap on their due time. The metrics' timestamps live
 * in the items too, under the same mutex.
 */
#include "queue.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "strmap.h"
#include "xalloc.h"

typedef struct item {
    char *key;
    bool dirty;      /* wants processing (queued, or re-added while held) */
    bool processing; /* a worker holds it */
    int failures;
    long long due;        /* when delayed: monotonic ms */
    long heap_idx;        /* index in the delay heap, or -1 */
    long long added_ns;   /* when it last became dirty */
    long long started_ns; /* when a worker got it */
} item;

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    queue_opts o;
    bool shutdown;
    strmap *items;
    item **ring; /* ready FIFO */
    size_t head, count, cap;
    item **heap; /* delayed, min-heap on due */
    size_t nheap, heapcap;
    unsigned long long adds, retries;
};

/* Seconds since t0_ns on rc_now_ns's clock: finer than milliseconds,
 * as client-go's buckets start at 10 ns. */
static double seconds_since(long long t0_ns)
{
    return (double)(rc_now_ns() - t0_ns) / 1e9;
}

long queue_backoff_ms(long base_ms, long max_ms, int failures)
{
    long d = base_ms;
    for (int i = 0; i < failures && d < max_ms; i++)
        d *= 2;
    return d > max_ms ? max_ms : d;
}

queue *queue_new(const queue_opts *o)
{
    queue *q = rc_xcalloc(1, sizeof *q);
    if (o)
        q->o = *o;
    if (q->o.base_delay_ms <= 0)
        q->o.base_delay_ms = 100;
    if (q->o.max_delay_ms <= 0)
        q->o.max_delay_ms = 5 * 60 * 1000;
    pthread_mutex_init(&q->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cv, &ca);
    pthread_condattr_destroy(&ca);
    q->items = strmap_new();
    return q;
}

static void item_free(void *p)
{
    item *it = p;
    free(it->key);
    free(it);
}

void queue_free(queue *q)
{
    if (!q)
        return;
    strmap_free(q->items, item_free);
    free(q->ring);
    free(q->heap);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

static item *item_get(queue *q, const char *key)
{
    item *it = strmap_get(q->items, key);
    if (!it) {
        it = rc_xcalloc(1, sizeof *it);
        it->key = rc_xstrdup(key);
        it->heap_idx = -1;
        strmap_put(q->items, key, it);
    }
    return it;
}

/* Drop the state of a key nobody needs any more. */
static void item_gc(queue *q, item *it)
{
    if (!it->dirty && !it->processing && it->failures == 0 &&
        it->heap_idx < 0) {
        strmap_del(q->items, it->key);
        item_free(it);
    }
}

static void ring_push(queue *q, item *it)
{
    if (q->count == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 16;
        item **r = rc_xmalloc(ncap * sizeof *r);
        for (size_t i = 0; i < q->count; i++)
            r[i] = q->ring[(q->head + i) % q->cap];
        free(q->ring);
        q->ring = r;
        q->head = 0;
        q->cap = ncap;
    }
    q->ring[(q->head + q->count) % q->cap] = it;
    q->count++;
}

static item *ring_pop(queue *q)
{
    item *it = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return it;
}

/* ---- delay heap ---- */

static void heap_swap(queue *q, size_t a, size_t b)
{
    item *t = q->heap[a];
    q->heap[a] = q->heap[b];
    q->heap[b] = t;
    q->heap[a]->heap_idx = (long)a;
    q->heap[b]->heap_idx = (long)b;
}

static void heap_up(queue *q, size_t i)
{
    while (i > 0 && q->heap[(i - 1) / 2]->due > q->heap[i]->due) {
        heap_swap(q, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(queue *q, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->nheap && q->heap[l]->due < q->heap[m]->due)
            m = l;
        if (r < q->nheap && q->heap[r]->due < q->heap[m]->due)
            m = r;
        if (m == i)
            return;
        heap_swap(q, i, m);
        i = m;
    }
}

static void heap_push(queue *q, item *it)
{
    if (q->nheap == q->heapcap) {
        q->heapcap = q->heapcap ? q->heapcap * 2 : 16;
        q->heap = rc_xrealloc(q->heap, q->heapcap * sizeof *q->heap);
    }
    q->heap[q->nheap] = it;
    it->heap_idx = (long)q->nheap++;
    heap_up(q, q->nheap - 1);
}

static void heap_remove(queue *q, item *it)
{
    size_t i = (size_t)it->heap_idx;
    it->heap_idx = -1;
    q->nheap--;
    if (i == q->nheap)
        return;
    q->heap[i] = q->heap[q->nheap];
    q->heap[i]->heap_idx = (long)i;
    heap_up(q, i);
    heap_down(q, (size_t)q->heap[i]->heap_idx);
}

/* ---- adding ---- */

static void add_locked(queue *q, item *it)
{
    if (it->heap_idx >= 0)
        heap_remove(q, it); /* due now: the delay is moot */
    if (it->dirty)
        return;
    it->dirty = true;
    it->added_ns = rc_now_ns();
    q->adds++;
    if (!it->processing) {
        ring_push(q, it);
        pthread_cond_signal(&q->cv);
    }
}

void queue_add(queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    if (!q->shutdown)
        add_locked(q, item_get(q, key));
    pthread_mutex_unlock(&q->mu);
}

static void add_after_locked(queue *q, item *it, long delay_ms)
{
    if (delay_ms <= 0) {
        add_locked(q, it);
        return;
    }
    long long due = rc_now_ms() + delay_ms;
    if (it->heap_idx >= 0) {
        if (due < it->due) {
            it->due = due;
            heap_up(q, (size_t)it->heap_idx);
        }
    } else {
        it->due = due;
        heap_push(q, it);
    }
    /* A waiting worker may need to wake earlier. */
    pthread_cond_broadcast(&q->cv);
}

void queue_add_after(queue *q, const char *key, long delay_ms)
{
    pthread_mutex_lock(&q->mu);
    if (!q->shutdown) {
        q->retries++;
        add_after_locked(q, item_get(q, key), delay_ms);
    }
    pthread_mutex_unlock(&q->mu);
}

void queue_add_rate_limited(queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    if (!q->shutdown) {
        item *it = item_get(q, key);
        long d = queue_backoff_ms(q->o.base_delay_ms, q->o.max_delay_ms,
                                  it->failures);
        if (it->failures < 62)
            it->failures++;
        q->retries++;
        add_after_locked(q, it, d);
    }
    pthread_mutex_unlock(&q->mu);
}

void queue_forget(queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    item *it = strmap_get(q->items, key);
    if (it) {
        it->failures = 0;
        item_gc(q, it);
    }
    pthread_mutex_unlock(&q->mu);
}

int queue_failures(queue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    item *it = strmap_get(q->items, key);
    int n = it ? it->failures : 0;
    pthread_mutex_unlock(&q->mu);
    return n;
}

/* Move every delayed key that is due into the ready ring; returns the due
 * time of the next one still waiting, or -1. */
static long long promote_due(queue *q)
{
    long long now = rc_now_ms();
    while (q->nheap && q->heap[0]->due <= now) {
        item *it = q->heap[0];
        heap_remove(q, it);
        add_locked(q, it);
    }
    return q->nheap ? q->heap[0]->due : -1;
}

bool queue_get(queue *q, char **key)
{
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->shutdown) {
            pthread_mutex_unlock(&q->mu);
            return false;
        }
        long long next = promote_due(q);
        if (q->count)
            break;
        if (next < 0) {
            pthread_cond_wait(&q->cv, &q->mu);
        } else {
            struct timespec ts = {(time_t)(next / 1000),
                                  (long)(next % 1000) * 1000000L};
            pthread_cond_timedwait(&q->cv, &q->mu, &ts);
        }
    }
    item *it = ring_pop(q);
    it->dirty = false;
    it->processing = true;
    it->started_ns = rc_now_ns();
    double waited = (double)(it->started_ns - it->added_ns) / 1e9;
    *key = rc_xstrdup(it->key);
    pthread_mutex_unlock(&q->mu);
    if (q->o.observe)
        q->o.observe(q->o.ud, QUEUE_WAITED, waited);
    return true;
}

void queue_done(queue *q, const char *key)
{
    double worked = -1;
    pthread_mutex_lock(&q->mu);
    item *it = strmap_get(q->items, key);
    if (it && it->processing) {
        it->processing = false;
        worked = seconds_since(it->started_ns);
        if (it->dirty && !q->shutdown) {
            ring_push(q, it);
            pthread_cond_signal(&q->cv);
        } else {
            item_gc(q, it);
        }
    }
    pthread_mutex_unlock(&q->mu);
    if (worked >= 0 && q->o.observe)
        q->o.observe(q->o.ud, QUEUE_WORKED, worked);
}

void queue_shutdown(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->shutdown = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

bool queue_is_shutdown(queue *q)
{
    pthread_mutex_lock(&q->mu);
    bool s = q->shutdown;
    pthread_mutex_unlock(&q->mu);
    return s;
}

size_t queue_len(queue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->count;
    pthread_mutex_unlock(&q->mu);
    return n;
}

size_t queue_waiting(queue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->nheap;
    pthread_mutex_unlock(&q->mu);
    return n;
}

typedef struct held_ctx {
    long long now;
    double sum, longest;
} held_ctx;

static bool add_held(void *ud, const char *key, void *val)
{
    held_ctx *h = ud;
    const item *it = val;
    if (it->processing) {
        double s = (double)(h->now - it->started_ns) / 1e9;
        h->sum += s;
        if (s > h->longest)
            h->longest = s;
    }
    return true;
}

void queue_get_stats(queue *q, queue_stats *out)
{
    pthread_mutex_lock(&q->mu);
    held_ctx h = {.now = rc_now_ns()};
    /* Every known key, not only the held ones: a few hundred at most, and
     * only once per scrape. */
    strmap_each(q->items, add_held, &h);
    *out = (queue_stats){.adds = q->adds,
                         .retries = q->retries,
                         .unfinished_s = h.sum,
                         .longest_s = h.longest};
    pthread_mutex_unlock(&q->mu);
}
