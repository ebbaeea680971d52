/*
 * migration.h — what to do next about an instance's schema migration,
 * decided from what the controller observed; no I/O here.
 *
 * A migration is keyed by what the schema depends on (the image and the
 * store variables). For one key there may be several runs: a run whose
 * Job failed for a reason worth retrying (the database unreachable for a
 * while) is followed, after a backoff, by the next run, up to
 * MIGRATION_MAX_RETRIES; a run may also be forced by the annotation
 * MIGRATION_FORCE_ANNOTATION on the MLflow object, which is cleared once
 * its run has succeeded. The Deployment records the run (see
 * migration_record_format), so a restarted operator carries on where the
 * last one stopped.
 */
#ifndef RC_MIGRATION_H
#define RC_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#define MIGRATION_FORCE_ANNOTATION "mlflow.opendatahub.io/force-migrate"
#define MIGRATION_RUN_ANNOTATION "mlflow.opendatahub.io/migration-run"
#define MIGRATION_MAX_RETRIES 5

typedef enum mjob_state {
    MJOB_ABSENT,
    MJOB_ACTIVE, /* created, not finished */
    MJOB_SUCCEEDED,
    MJOB_FAILED,
} mjob_state;

/* The run under way for one key. */
typedef struct migration_record {
    int run;         /* 1, 2, ... */
    int retries;     /* runs started after a retryable failure */
    char forced[17]; /* the force value's hash that started it, or "" */
} migration_record;

typedef struct migration_in {
    bool migrated;           /* the Deployment records this key as done */
    migration_record rec;    /* as recorded for this key (run 1 when none) */
    const char *force;       /* hash of the force annotation's value, or NULL */
    mjob_state job;          /* the Job of rec.run */
    bool retryable;          /* a failed Job's pod said the failure may pass */
    long long failed_ago_ms; /* since that Job failed */
    long long server_pods;   /* the server's pods not yet gone */
    bool other_active;       /* another migration Job of the instance runs */
} migration_in;

typedef enum migration_action {
    MIG_CURRENT,    /* the schema is current: no Job, the replicas asked for */
    MIG_SUCCEEDED,  /* this run succeeded: record the key, replicas back */
    MIG_WAIT_PODS,  /* at zero replicas; the Job once the pods are gone */
    MIG_WAIT_OTHER, /* at zero; another Job of the instance still runs */
    MIG_START,      /* at zero; apply the Job of out.rec.run */
    MIG_RUNNING,    /* at zero; the Job runs */
    MIG_BACKOFF,    /* at zero; the next run in out.delay_ms */
    MIG_FAILED,     /* at zero; someone must act */
} migration_action;

typedef struct migration_out {
    migration_action action;
    migration_record rec; /* what the Deployment records from now on */
    long long delay_ms;   /* MIG_BACKOFF: until the next run */
    bool clear_force;     /* the forced run succeeded: remove the annotation */
    bool gave_up;         /* MIG_FAILED after the last retry */
} migration_out;

void migration_decide(const migration_in *in, migration_out *out);

/* The wait before retry number n+1 (n retries so far): 30 s, doubling,
 * at most 10 minutes. */
long long migration_backoff_ms(int retries);

/* The record as the annotation holds it: "<key> <run> <retries> <forced>"
 * (forced "-" when none). */
void migration_record_format(const char *key, const migration_record *r,
                             char *buf, size_t n);
/* The record for `key` in `text` (the annotation's value, or NULL):
 * run 1, no retries, not forced when there is none for that key. */
void migration_record_parse(const char *text, const char *key,
                            migration_record *r);

#endif
