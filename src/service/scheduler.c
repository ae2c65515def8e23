/*
 * The job scheduler (scheduler.h).  The registry is a fixed table filled
 * before the thread starts and only read afterwards.  The thread's loop:
 * look (in a read) for the next due job; lease a batch (a write); run each
 * job's handler with no transaction open; record each outcome (a write under
 * the lease).  Between batches it sleeps poll_ms, or less when woken by an
 * enqueue in this process or when the next job falls due sooner.
 */
#include "scheduler.h"

#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/timeutil.h"

#define OWNER_MAX 64

static struct {
    char kind[64];
    job_handler_fn fn;
} registry[SCHED_KIND_MAX];
static size_t n_registered;

void svc_scheduler_register(const char *kind, job_handler_fn fn)
{
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registry[i].kind, kind) == 0) {
            registry[i].fn = fn;
            return;
        }
    if (n_registered == SCHED_KIND_MAX || strlen(kind) >= sizeof(registry[0].kind))
        BUG("cannot register job kind '%s'", kind);
    snprintf(registry[n_registered].kind, sizeof(registry[0].kind), "%s", kind);
    registry[n_registered++].fn = fn;
}

void svc_scheduler_unregister_all(void)
{
    n_registered = 0;
}

static job_handler_fn handler_of(const char *kind)
{
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registry[i].kind, kind) == 0)
            return registry[i].fn;
    return NULL;
}

/* ---- built-in kinds ---- */

static enum terr run_noop(struct job_run *run)
{
    (void)run;
    return TERR_OK;
}

static enum terr run_test_append(struct job_run *run)
{
    json_t *p = json_loads(run->job->payload, 0, NULL);
    const char *file = json_string_value(json_object_get(p, "file"));
    json_int_t sleep_ms = json_integer_value(json_object_get(p, "sleep_ms"));
    if (!file) {
        json_decref(p);
        snprintf(run->error, sizeof(run->error), "the payload has no \"file\"");
        run->permanent = true;
        return TERR_INVALID;
    }
    /* Sleep in slices, so a stopping server gives the job back promptly. */
    for (json_int_t slept = 0; slept < sleep_ms; slept += 10) {
        if (run->stopping && atomic_load(run->stopping)) {
            json_decref(p);
            run->abandoned = true;
            return TERR_IO;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    char line[160];
    int n = snprintf(line, sizeof(line), "job %lld owner %s attempt %d\n", (long long)run->job->id,
                     run->job->lease_owner, run->job->attempts);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    json_decref(p);
    /* One write(2) per line: lines from several processes never interleave. */
    bool ok = fd >= 0 && n > 0 && write(fd, line, (size_t)n) == (ssize_t)n;
    if (fd >= 0)
        close(fd);
    if (!ok) {
        snprintf(run->error, sizeof(run->error), "cannot append to the file");
        return TERR_IO;
    }
    return TERR_OK;
}

void svc_scheduler_register_builtin(bool test_kinds)
{
    svc_scheduler_register("noop", run_noop);
    if (test_kinds)
        svc_scheduler_register("test.append", run_test_append);
}

struct scheduler {
    struct store *st;
    struct scheduler_options opt;
    char owner[OWNER_MAX];
    char *kinds_json; /* the registered kinds, for the store's queries */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    bool woken;
    atomic_bool stopping;
};

/* The one running scheduler, for svc_scheduler_wake. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static struct scheduler *running;

int64_t svc_job_backoff_ms(int attempts, int64_t base_ms, int64_t max_ms, uint32_t random)
{
    int64_t d = base_ms;
    for (int i = 1; i < attempts && d < max_ms; i++)
        d *= 2;
    if (d > max_ms)
        d = max_ms;
    return d + (int64_t)((double)d / 4.0 * ((double)(random % 10001) / 10000.0));
}

enum terr svc_job_enqueue(struct store_tx *tx, const char *kind, int64_t ticket_id,
                          const char *payload, const char *dedupe_key, int64_t delay_ms,
                          int64_t *out_id)
{
    int64_t now = time_now_ms();
    struct job_new in = {
        .kind = kind,
        .ticket_id = ticket_id,
        .payload = payload,
        .dedupe_key = dedupe_key,
        .run_at = now + (delay_ms > 0 ? delay_ms : 0),
        .created_at = now,
    };
    enum terr e = store_job_enqueue(tx, &in, out_id, NULL);
    /* Inside the write: the scheduler's lease queues behind this transaction. */
    if (!e && delay_ms <= 0)
        svc_scheduler_wake();
    return e;
}

void svc_scheduler_wake(void)
{
    pthread_mutex_lock(&running_lock);
    struct scheduler *s = running;
    if (s) {
        pthread_mutex_lock(&s->lock);
        s->woken = true;
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&running_lock);
}

const char *svc_scheduler_owner(const struct scheduler *s)
{
    return s ? s->owner : "";
}

/* ---- the transactions ---- */

struct due {
    const struct scheduler *s;
    int64_t next_at;
};

static enum terr due_tx(struct store_tx *tx, void *arg)
{
    struct due *d = arg;
    return store_job_next_due(tx, d->s->kinds_json, &d->next_at);
}

struct lease {
    const struct scheduler *s;
    struct job *jobs;
    size_t n;
};

static enum terr lease_tx(struct store_tx *tx, void *arg)
{
    struct lease *l = arg;
    const struct scheduler *s = l->s;
    return store_job_lease(tx, s->owner, s->kinds_json, time_now_ms(), s->opt.lease_ms,
                           s->opt.batch, &l->jobs, &l->n);
}

enum outcome { OUT_DONE, OUT_RETRY, OUT_FAILED, OUT_RELEASE };

struct finish {
    const struct scheduler *s;
    struct job_run *run;
    enum outcome out;
    int64_t retry_at;
};

static enum terr finish_tx(struct store_tx *tx, void *arg)
{
    struct finish *f = arg;
    const struct job *j = f->run->job;
    const char *owner = f->s->owner;
    int64_t now = time_now_ms();
    enum terr e;
    switch (f->out) {
    case OUT_RELEASE:
        return store_job_release(tx, j->id, owner, j->attempts);
    case OUT_DONE:
        e = store_job_complete(tx, j->id, owner, j->attempts, now);
        break;
    case OUT_RETRY:
    case OUT_FAILED:
    default:
        e = store_job_fail(tx, j->id, owner, j->attempts, now, f->run->error,
                           f->out == OUT_RETRY ? f->retry_at : 0);
        break;
    }
    if (!e && f->run->record)
        e = f->run->record(tx, f->run, f->out == OUT_DONE);
    return e;
}

static void release_job(struct scheduler *s, const struct job *j)
{
    struct job_run run = {.st = s->st, .job = j};
    struct finish f = {.s = s, .run = &run, .out = OUT_RELEASE};
    enum terr e = store_write(s->st, finish_tx, &f);
    if (e && e != TERR_CONFLICT)
        log_error("scheduler: cannot give back job %lld: %s", (long long)j->id, terr_code(e));
}

static void run_job(struct scheduler *s, const struct job *j)
{
    struct job_run run = {.st = s->st, .job = j, .stopping = &s->stopping};
    job_handler_fn fn = handler_of(j->kind);
    enum terr e;
    if (!fn) { /* leased only by kind, so this cannot happen; do not lose the job */
        release_job(s, j);
        return;
    }
    e = fn(&run);
    struct finish f = {.s = s, .run = &run, .out = OUT_DONE};
    if (e && run.abandoned) {
        f.out = OUT_RELEASE;
    } else if (e) {
        if (!run.error[0])
            snprintf(run.error, sizeof(run.error), "%s", terr_message(e));
        if (run.permanent || j->attempts >= j->max_attempts) {
            f.out = OUT_FAILED;
        } else {
            f.out = OUT_RETRY;
            f.retry_at = run.retry_at
                             ? run.retry_at
                             : time_now_ms() +
                                   svc_job_backoff_ms(j->attempts, s->opt.backoff_base_ms,
                                                      s->opt.backoff_max_ms, randombytes_random());
        }
        log_error("scheduler: job %lld (%s) attempt %d/%d failed: %s%s", (long long)j->id, j->kind,
                  j->attempts, j->max_attempts, run.error,
                  f.out == OUT_RETRY ? "; will retry" : "; giving up");
    }
    enum terr we = store_write(s->st, finish_tx, &f);
    if (we == TERR_CONFLICT)
        log_error("scheduler: job %lld (%s): the lease was lost (expired and taken over, or "
                  "cancelled); this run's outcome is not recorded",
                  (long long)j->id, j->kind);
    else if (we)
        log_error("scheduler: cannot record job %lld: %s", (long long)j->id, terr_code(we));
    if (run.record_free)
        run.record_free(run.record_arg);
}

/* Leases and runs one batch; returns how many jobs it leased. */
static size_t run_batch(struct scheduler *s)
{
    struct lease l = {.s = s};
    enum terr e = store_write(s->st, lease_tx, &l);
    if (e) {
        log_error("scheduler: cannot lease jobs: %s", terr_code(e));
        jobs_free(l.jobs, l.n); /* read before the write failed: not leased */
        return 0;
    }
    for (size_t i = 0; i < l.n; i++) {
        /* Stopping, or a batch that ran long: give the rest back rather
         * than start a job its lease may not cover. */
        if (atomic_load(&s->stopping) ||
            l.jobs[i].lease_until - time_now_ms() < s->opt.lease_ms / 2)
            release_job(s, &l.jobs[i]);
        else
            run_job(s, &l.jobs[i]);
    }
    size_t n = l.n;
    jobs_free(l.jobs, l.n);
    return n;
}

/* Sleeps up to wait_ms; true when woken by an enqueue rather than the clock. */
static bool sleep_until(struct scheduler *s, int64_t wait_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    while (!s->woken && !atomic_load(&s->stopping))
        if (pthread_cond_timedwait(&s->cond, &s->lock, &until) != 0)
            break;
    bool woken = s->woken;
    s->woken = false;
    pthread_mutex_unlock(&s->lock);
    return woken;
}

static void *scheduler_main(void *arg)
{
    struct scheduler *s = arg;
    bool woken = false;
    while (!atomic_load(&s->stopping)) {
        /* An enqueue wakes us from inside its still-open write: a read now
         * might not see the job yet, but the lease, a write, queues behind
         * that transaction and does. */
        if (woken) {
            woken = false;
            if (run_batch(s) == s->opt.batch)
                continue;
        }
        struct due d = {.s = s};
        enum terr e = store_read(s->st, due_tx, &d);
        int64_t now = time_now_ms();
        int64_t wait_ms = s->opt.poll_ms;
        if (e)
            log_error("scheduler: cannot look for due jobs: %s", terr_code(e));
        else if (d.next_at && d.next_at <= now) {
            if (run_batch(s) == s->opt.batch)
                continue; /* more may be due */
        } else if (d.next_at && d.next_at - now < wait_ms)
            wait_ms = d.next_at - now;
        woken = sleep_until(s, wait_ms);
    }
    return NULL;
}

static char *kinds_json(void)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n_registered; i++)
        json_array_append_new(a, json_string(registry[i].kind));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!text)
        BUG("cannot encode the job kinds");
    char *copy = xstrdup(text);
    free(text);
    return copy;
}

enum terr svc_scheduler_start(struct store *st, const struct scheduler_options *opt,
                              struct scheduler **out, struct terr_info *ei)
{
    struct scheduler *s = xcalloc(1, sizeof(*s));
    s->st = st;
    if (opt)
        s->opt = *opt;
    if (s->opt.poll_ms <= 0)
        s->opt.poll_ms = 200;
    if (s->opt.lease_ms <= 0)
        s->opt.lease_ms = 120000;
    if (s->opt.backoff_base_ms <= 0)
        s->opt.backoff_base_ms = 30000;
    if (s->opt.backoff_max_ms <= 0)
        s->opt.backoff_max_ms = 3600000;
    if (s->opt.batch == 0)
        s->opt.batch = 8;
    /* Unique per process: the pid helps a reader, the random part makes it
     * unique across machines and pid reuse. */
    unsigned char r[8];
    randombytes_buf(r, sizeof(r));
    char hex[2 * sizeof(r) + 1];
    sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
    snprintf(s->owner, sizeof(s->owner), "pid%ld-%s", (long)getpid(), hex);
    s->kinds_json = kinds_json();
    atomic_init(&s->stopping, false);
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);

    pthread_mutex_lock(&running_lock);
    if (running) {
        pthread_mutex_unlock(&running_lock);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        free(s->kinds_json);
        free(s);
        return terr_set(ei, TERR_CONFLICT, NULL, "a scheduler is already running");
    }
    running = s;
    pthread_mutex_unlock(&running_lock);
    if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0)
        BUG("cannot start the scheduler's thread");
    *out = s;
    return TERR_OK;
}

void svc_scheduler_stop(struct scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&running_lock);
    running = NULL;
    pthread_mutex_unlock(&running_lock);
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->stopping, true);
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s->kinds_json);
    free(s);
}
