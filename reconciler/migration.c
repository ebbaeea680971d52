/*
 * migration.c — the schema migration's next step (see migration.h).
 */
#include "migration.h"

#include <stdio.h>
#include <string.h>

long long migration_backoff_ms(int retries)
{
    long long d = 30 * 1000LL;
    for (int i = 0; i < retries && d < 600 * 1000LL; i++)
        d *= 2;
    return d < 600 * 1000LL ? d : 600 * 1000LL;
}

void migration_decide(const migration_in *in, migration_out *out)
{
    memset(out, 0, sizeof *out);
    out->rec = in->rec;
    mjob_state job = in->job;
    /* A force whose annotation went is spent: the same value set again
     * later forces another run. */
    if (!in->force)
        out->rec.forced[0] = '\0';
    /* A new force value starts the next run once no Job of this key runs. */
    if (in->force && strcmp(in->force, out->rec.forced) != 0 &&
        job != MJOB_ACTIVE) {
        out->rec.run++;
        out->rec.retries = 0;
        snprintf(out->rec.forced, sizeof out->rec.forced, "%s", in->force);
        job = MJOB_ABSENT;
    }
    bool forced = in->force && out->rec.forced[0];
    if (in->migrated && !forced && job != MJOB_ACTIVE) {
        out->action = MIG_CURRENT;
        return;
    }
    if (job == MJOB_SUCCEEDED) {
        out->action = MIG_SUCCEEDED;
        out->clear_force = forced;
        return;
    }
    if (job == MJOB_ACTIVE) {
        out->action = MIG_RUNNING;
        return;
    }
    if (job == MJOB_FAILED) {
        if (!in->retryable || out->rec.retries >= MIGRATION_MAX_RETRIES) {
            out->action = MIG_FAILED;
            out->gave_up = in->retryable;
            return;
        }
        long long wait = migration_backoff_ms(out->rec.retries);
        if (in->failed_ago_ms < wait) {
            out->action = MIG_BACKOFF;
            out->delay_ms =
                wait - (in->failed_ago_ms > 0 ? in->failed_ago_ms : 0);
            return;
        }
        out->rec.run++;
        out->rec.retries++;
    }
    if (in->server_pods > 0)
        out->action = MIG_WAIT_PODS;
    else if (in->other_active)
        out->action = MIG_WAIT_OTHER;
    else
        out->action = MIG_START;
}

void migration_record_format(const char *key, const migration_record *r,
                             char *buf, size_t n)
{
    snprintf(buf, n, "%s %d %d %s", key, r->run, r->retries,
             r->forced[0] ? r->forced : "-");
}

void migration_record_parse(const char *text, const char *key,
                            migration_record *r)
{
    memset(r, 0, sizeof *r);
    r->run = 1;
    char k[64], forced[64];
    int run, retries;
    if (!text ||
        sscanf(text, "%63s %d %d %63s", k, &run, &retries, forced) != 4 ||
        strcmp(k, key) != 0 || run < 1 || retries < 0 || retries > run)
        return;
    r->run = run;
    r->retries = retries;
    if (strcmp(forced, "-") != 0 && strlen(forced) < sizeof r->forced)
        snprintf(r->forced, sizeof r->forced, "%.16s", forced);
}
