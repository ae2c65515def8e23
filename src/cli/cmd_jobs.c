/* truce jobs list|enqueue|cancel: the scheduler's queue, for admins scripting. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/scheduler.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "cli.h"

static const char usage[] =
    "usage: truce jobs list [--db PATH] [--state STATE] [--limit N]\n"
    "       truce jobs enqueue [--db PATH] --kind KIND [--payload JSON] [--dedupe KEY]\n"
    "                          [--delay-s N]\n"
    "       truce jobs cancel [--db PATH] --id ID\n\n"
    "list prints the jobs (oldest first; at most N, default 100), one a line: id,\n"
    "state, kind, attempts/max, run_at, last error; STATE is queued, running,\n"
    "done, failed or cancelled.  enqueue adds a job of KIND (a JSON object\n"
    "payload, default {}) for a running server to run after N seconds; a\n"
    "second enqueue with the same --dedupe KEY adds nothing.  cancel stops a\n"
    "queued or running job.\n";

static bool parse_count(const char *s, long long max, long long *out)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (!*s || *end || n < 0 || n > max)
        return false;
    *out = n;
    return true;
}

struct list_job {
    bool has_state;
    enum job_state state;
    size_t limit;
    struct job *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    return store_job_list(tx, j->has_state, j->state, 0, j->limit, &j->v, &j->n);
}

static int jobs_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *state = NULL, *limit = "100";
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"state", &state, NULL},
        {"limit", &limit, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "jobs list");
    if (rc >= 0)
        return rc;
    struct list_job j = {0};
    long long n;
    if (state && !job_state_parse(state, &j.state))
        return fail(EXIT_USAGE, "--state must be one of queued, running, done, failed, cancelled");
    j.has_state = state != NULL;
    if (!parse_count(limit, 100000, &n) || n < 1)
        return fail(EXIT_USAGE, "--limit must be a number from 1 to 100000");
    j.limit = (size_t)n;
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot list jobs: %s", terr_message(e));
    for (size_t i = 0; i < j.n; i++) {
        char at[TIME_ISO_LEN];
        printf("%lld\t%s\t%s\t%d/%d\t%s\t%s\n", (long long)j.v[i].id, job_state_name(j.v[i].state),
               j.v[i].kind, j.v[i].attempts, j.v[i].max_attempts,
               time_format_iso(j.v[i].run_at, at), j.v[i].last_error ? j.v[i].last_error : "");
    }
    jobs_free(j.v, j.n);
    return 0;
}

struct enqueue_job {
    const char *kind, *payload, *dedupe;
    int64_t delay_ms;
    int64_t id;
};

static enum terr enqueue_tx(struct store_tx *tx, void *arg)
{
    struct enqueue_job *j = arg;
    return svc_job_enqueue(tx, j->kind, 0, j->payload, j->dedupe, j->delay_ms, &j->id);
}

static int jobs_enqueue(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *delay = "0";
    struct enqueue_job j = {.payload = "{}"};
    const struct cli_opt opts[] = {
        {"db", &db, NULL},           {"kind", &j.kind, NULL},   {"payload", &j.payload, NULL},
        {"dedupe", &j.dedupe, NULL}, {"delay-s", &delay, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "jobs enqueue");
    if (rc >= 0)
        return rc;
    long long s;
    if (!j.kind || !*j.kind || strlen(j.kind) > 63)
        return fail(EXIT_USAGE, "jobs enqueue needs --kind KIND (at most 63 bytes)");
    if (!parse_count(delay, 10LL * 365 * 86400, &s))
        return fail(EXIT_USAGE, "--delay-s must be a number of seconds");
    j.delay_ms = s * 1000;
    json_t *p = json_loads(j.payload, JSON_REJECT_DUPLICATES, NULL);
    bool object = json_is_object(p);
    json_decref(p);
    if (!object)
        return fail(EXIT_USAGE, "--payload must be a JSON object");
    if (j.dedupe &&
        (!*j.dedupe || strlen(j.dedupe) > 200 || !utf8_valid(j.dedupe, strlen(j.dedupe))))
        return fail(EXIT_USAGE, "--dedupe must be UTF-8 text of 1 to 200 bytes");
    enum terr e;
    if (cli_write(db, enqueue_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot enqueue: %s", terr_message(e));
    printf("%lld\n", (long long)j.id);
    return 0;
}

struct cancel_job {
    int64_t id;
};

static enum terr cancel_tx(struct store_tx *tx, void *arg)
{
    return store_job_cancel(tx, ((struct cancel_job *)arg)->id, time_now_ms());
}

static int jobs_cancel(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *id = NULL;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {"id", &id, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "jobs cancel");
    if (rc >= 0)
        return rc;
    long long n;
    if (!id || !parse_count(id, INT64_MAX, &n) || n < 1)
        return fail(EXIT_USAGE, "jobs cancel needs --id ID (a positive number)");
    struct cancel_job j = {n};
    enum terr e;
    if (cli_write(db, cancel_tx, &j, &e))
        return 1;
    if (e == TERR_NOT_FOUND)
        return fail(1, "job %lld not found", n);
    if (e == TERR_CONFLICT)
        return fail(1, "job %lld has already ended", n);
    if (e)
        return fail(1, "cannot cancel job %lld: %s", n, terr_message(e));
    printf("cancelled job %lld\n", n);
    return 0;
}

int cmd_jobs(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", jobs_list},
        {"enqueue", jobs_enqueue},
        {"cancel", jobs_cancel},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "jobs");
}
