/*
 * status.c — conditions and status fields of an MLflow (see status.h).
 */
#include "status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "log.h"

void status_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_int_t int_at(const json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(o, a), b);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

json_t *status_condition(const json_t *status, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(status, "conditions"), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && strcmp(t, type) == 0)
            return c;
    }
    return NULL;
}

dep_state status_deployment(const json_t *dep, char *msg, size_t n)
{
    if (!dep) {
        snprintf(msg, n, "the Deployment does not exist yet");
        return DEP_MISSING;
    }
    json_t *st = json_object_get(dep, "status");
    json_t *prog = status_condition(st, "Progressing");
    const char *pr = json_string_value(json_object_get(prog, "reason"));
    if (pr && strcmp(pr, "ProgressDeadlineExceeded") == 0) {
        const char *m = json_string_value(json_object_get(prog, "message"));
        snprintf(msg, n, "the Deployment's rollout failed: %s",
                 m ? m : "progress deadline exceeded");
        return DEP_FAILED;
    }
    json_t *spec_rep =
        json_object_get(json_object_get(dep, "spec"), "replicas");
    json_int_t want =
        json_is_integer(spec_rep) ? json_integer_value(spec_rep) : 1;
    json_int_t gen = int_at(dep, "metadata", "generation");
    json_int_t seen = int_at(dep, "status", "observedGeneration");
    json_int_t updated = int_at(dep, "status", "updatedReplicas");
    json_int_t total = int_at(dep, "status", "replicas");
    json_int_t avail = int_at(dep, "status", "availableReplicas");
    if (seen < gen) {
        snprintf(msg, n, "waiting for the Deployment's rollout to start");
        return DEP_PROGRESSING;
    }
    if (updated < want) {
        snprintf(msg, n, "%lld of %lld replicas updated", (long long)updated,
                 (long long)want);
        return DEP_PROGRESSING;
    }
    if (total > updated) {
        snprintf(msg, n, "%lld old replicas are pending termination",
                 (long long)(total - updated));
        return DEP_PROGRESSING;
    }
    if (avail < updated) {
        snprintf(msg, n, "%lld of %lld updated replicas available",
                 (long long)avail, (long long)updated);
        return DEP_PROGRESSING;
    }
    snprintf(msg, n, "%lld of %lld replicas available", (long long)avail,
             (long long)want);
    return DEP_READY;
}

/* A condition with status st ("True", "False", "Unknown"). */
static json_t *condition_st(const json_t *old_status, const char *type,
                            const char *st, const char *reason,
                            const char *message, json_int_t gen,
                            const char *now)
{
    json_t *old = status_condition(old_status, type);
    const char *old_st = json_string_value(json_object_get(old, "status"));
    const char *old_t =
        json_string_value(json_object_get(old, "lastTransitionTime"));
    const char *when = old_st && old_t && strcmp(old_st, st) == 0 ? old_t : now;
    char *red = log_redact(message ? message : "");
    json_t *c =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "type", type, "status", st,
                  "reason", reason, "message", red, "observedGeneration", gen,
                  "lastTransitionTime", when);
    free(red);
    return c;
}

static json_t *condition(const json_t *old_status, const char *type, bool ok,
                         const char *reason, const char *message,
                         json_int_t gen, const char *now)
{
    return condition_st(old_status, type, ok ? "True" : "False", reason,
                        message, gen, now);
}

static const char *failure_reason(status_failure f)
{
    return f == STATUS_RENDER_FAILED ? "RenderFailed" : "ApplyFailed";
}

/* Warnings and kept claims, for the Degraded=False message. */
static char *notes(const status_input *in)
{
    rn_buf b = RN_BUF_INIT;
    size_t i;
    json_t *w;
    json_array_foreach(in->warnings, i, w)
    {
        if (b.len)
            rn_buf_puts(&b, "; ");
        rn_buf_puts(&b, json_string_value(w) ? json_string_value(w) : "");
    }
    json_array_foreach(in->retained, i, w)
    {
        if (b.len)
            rn_buf_puts(&b, "; ");
        rn_buf_printf(&b,
                      "PersistentVolumeClaim %s is retained: the spec no "
                      "longer uses it, delete it when its data is no longer "
                      "needed",
                      json_string_value(w) ? json_string_value(w) : "");
    }
    char *s = strdup(rn_buf_cstr(&b));
    rn_buf_free(&b);
    return s;
}

json_t *status_compute(const status_input *in)
{
    const json_t *old = json_object_get(in->mlflow, "status");
    json_int_t gen = int_at(in->mlflow, "metadata", "generation");
    char dmsg[512];
    dep_state ds = status_deployment(in->deployment, dmsg, sizeof dmsg);
    if (in->artifacts_server && ds == DEP_READY) {
        /* Both servers answer, or the instance is not available. */
        char amsg[480];
        dep_state as = status_deployment(in->artifacts, amsg, sizeof amsg);
        if (as != DEP_READY) {
            ds = as;
            snprintf(dmsg, sizeof dmsg, "the artifacts server: %s", amsg);
        }
    }
    bool failed = in->failure != STATUS_OK;
    const char *fr = failed ? failure_reason(in->failure) : NULL;
    const char *fmsg = in->failure_msg ? in->failure_msg : "";
    const char *mmsg = in->migration_msg ? in->migration_msg : "";
    /* A migration under way or failed holds the server at zero: that, not
     * the Deployment, is what Available and Progressing report. */
    if (!failed && in->migration == MIGRATION_FAILED) {
        failed = true;
        fr = "MigrationFailed";
        fmsg = mmsg;
    }
    bool migrating = !failed && (in->migration == MIGRATION_RUNNING ||
                                 in->migration == MIGRATION_RETRYING);

    json_t *conds = json_array();
    /* Available: does a ready server answer right now? */
    if (migrating)
        json_array_append_new(conds,
                              condition(old, "Available", false, "Migrating",
                                        mmsg, gen, in->now));
    else if (ds == DEP_READY && in->migration != MIGRATION_FAILED)
        json_array_append_new(conds,
                              condition(old, "Available", true,
                                        "DeploymentReady", dmsg, gen, in->now));
    else
        json_array_append_new(
            conds, condition(old, "Available", false,
                             failed             ? fr
                             : ds == DEP_FAILED ? "DeploymentFailed"
                                                : "DeploymentNotReady",
                             failed ? fmsg : dmsg, gen, in->now));
    /* Progressing: is a change on its way? */
    if (migrating)
        json_array_append_new(conds,
                              condition(old, "Progressing", true, "Migrating",
                                        mmsg, gen, in->now));
    else if (failed)
        json_array_append_new(conds, condition(old, "Progressing", false, fr,
                                               fmsg, gen, in->now));
    else if (ds == DEP_PROGRESSING || ds == DEP_MISSING)
        json_array_append_new(
            conds,
            condition(old, "Progressing", true,
                      ds == DEP_MISSING ? "Creating" : "DeploymentProgressing",
                      dmsg, gen, in->now));
    else
        json_array_append_new(
            conds,
            condition(old, "Progressing", false,
                      ds == DEP_READY ? "DeploymentReady" : "DeploymentFailed",
                      dmsg, gen, in->now));
    /* Degraded: does someone need to act? */
    if (failed)
        json_array_append_new(
            conds, condition(old, "Degraded", true, fr, fmsg, gen, in->now));
    else if (ds == DEP_FAILED)
        json_array_append_new(conds, condition(old, "Degraded", true,
                                               "DeploymentFailed", dmsg, gen,
                                               in->now));
    else {
        char *n = notes(in);
        json_array_append_new(conds, condition(old, "Degraded", false,
                                               "Reconciled", n, gen, in->now));
        free(n);
    }

    /* Migration: True once done, False when someone must act, Unknown
     * while it runs or waits to retry (as the Go operator reports it). */
    if (in->migration != MIGRATION_NONE)
        json_array_append_new(
            conds,
            condition_st(old, "Migration",
                         in->migration == MIGRATION_DONE     ? "True"
                         : in->migration == MIGRATION_FAILED ? "False"
                                                             : "Unknown",
                         in->migration == MIGRATION_DONE      ? "Migrated"
                         : in->migration == MIGRATION_RUNNING ? "Migrating"
                         : in->migration == MIGRATION_RETRYING
                             ? "MigrationRetrying"
                             : "MigrationFailed",
                         mmsg, gen, in->now));

    json_t *st = json_object();
    json_object_set_new(st, "observedGeneration", json_integer(gen));
    if (in->url)
        json_object_set_new(st, "url", json_string(in->url));
    if (in->address)
        json_object_set_new(st, "address",
                            json_pack("{s:s}", "url", in->address));
    if (in->artifacts_server && in->artifacts_url)
        json_object_set_new(st, "artifactsUrl", json_string(in->artifacts_url));
    if (in->version)
        json_object_set_new(st, "version", json_string(in->version));
    if (in->deployment) {
        json_t *r = json_object_get(json_object_get(in->deployment, "spec"),
                                    "replicas");
        json_object_set_new(
            st, "replicas",
            json_integer(json_is_integer(r) ? json_integer_value(r) : 1));
        json_object_set_new(
            st, "readyReplicas",
            json_integer(int_at(in->deployment, "status", "readyReplicas")));
    }
    if (json_array_size(in->retained))
        json_object_set_new(st, "retainedClaims", json_deep_copy(in->retained));
    json_object_set_new(st, "conditions", conds);
    return st;
}
