/*
 * status.h — what the MLflow's status says, computed from what the
 * reconcile saw: the render or apply failure, the live Deployment, the
 * renderer's warnings and the claims kept back.
 *
 * Conditions (each with observedGeneration, and a lastTransitionTime that
 * moves only when the condition's status flips):
 *   Available    True  DeploymentReady      every wanted replica is updated
 *                                           and available
 *                False DeploymentNotReady | DeploymentFailed |
 *                      RenderFailed | ApplyFailed
 *   Progressing  True  DeploymentProgressing (or Creating: no Deployment yet)
 *                False DeploymentReady | DeploymentFailed | RenderFailed |
 *                      ApplyFailed
 *   Degraded     True  RenderFailed (the message names the field path) |
 *                      ApplyFailed | DeploymentFailed
 *                      (ProgressDeadlineExceeded)
 *                False Reconciled (the message carries warnings and kept
 *                      claims, if any)
 *   Migration    True  Migrated | False Migrating | MigrationFailed (only
 *                with spec.migration; while it runs or after it failed,
 *                Available is False with that reason, and a failure is
 *                Degraded)
 * plus observedGeneration, url, address.url, version, replicas,
 * readyReplicas, retainedClaims.
 * Every message passes through log_redact: no credentials in a status.
 */
#ifndef RC_STATUS_H
#define RC_STATUS_H

#include <stdbool.h>
#include <stddef.h>

struct json_t;

typedef enum status_failure {
    STATUS_OK,
    STATUS_RENDER_FAILED,
    STATUS_APPLY_FAILED,
} status_failure;

/* The schema migration of spec.migration (see controller.c). */
typedef enum status_migration {
    MIGRATION_NONE,     /* not asked for */
    MIGRATION_RUNNING,  /* the server at zero until the Job succeeds */
    MIGRATION_RETRYING, /* at zero: a Job failed, the next one after a wait */
    MIGRATION_DONE,     /* the schema is current for the rendered image */
    MIGRATION_FAILED,   /* the Job failed: someone must act */
} status_migration;

typedef struct status_input {
    const struct json_t *mlflow; /* the object reconciled */
    status_failure failure;
    const char *failure_msg;         /* raw: redacted here */
    const struct json_t *deployment; /* the live Deployment, or NULL */
    /* With spec.artifactsServer: the artifacts server's live Deployment
     * (NULL while it does not exist) and its artifact API's URL. */
    bool artifacts_server;
    const struct json_t *artifacts;
    const char *artifacts_url;
    const struct json_t *warnings; /* array of strings, or NULL */
    const struct json_t *retained; /* array of claim names, or NULL */
    const char *url;               /* or NULL */
    const char *address;           /* status.address.url, or NULL */
    const char *version;           /* status.version, or NULL */
    status_migration migration;
    const char *migration_msg; /* for the Migration condition */
    const char *now;           /* RFC 3339, for transitions */
} status_input;

/* The new status object (caller owns it). */
struct json_t *status_compute(const status_input *in);

typedef enum dep_state {
    DEP_MISSING,
    DEP_PROGRESSING,
    DEP_READY,
    DEP_FAILED,
} dep_state;

/* How far a Deployment's rollout is, as kubectl rollout status judges it,
 * with a sentence for the condition message. */
dep_state status_deployment(const struct json_t *dep, char *msg, size_t n);

/* The condition of `type` in a status, or NULL. */
struct json_t *status_condition(const struct json_t *status, const char *type);

/* RFC 3339 UTC, seconds precision (metav1.Time). */
void status_now(char *buf, size_t n);

#endif
