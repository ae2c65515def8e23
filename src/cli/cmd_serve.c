/* truce serve: the desk's HTTP server, until SIGTERM or SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../channels/webhook.h"
#include "../http/server.h"
#include "../http/web_files.h"
#include "../service/coach.h"
#include "../service/conflict.h"
#include "../service/maintenance.h"
#include "../service/offers.h"
#include "../service/scheduler.h"
#include "../service/surveys.h"
#include "../service/workflow.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce serve [--db PATH] [--listen HOST:PORT] [--threads N] [--quiet]\n"
    "                   [--no-read-cache] [--secure-cookies] [--data DIR] [--no-jobs]\n"
    "                   [--follow-up-days N] [--survey-per-minute N] [--authority FILE]\n"
    "                   [--web DIR] [--public-per-minute N]\n\n"
    "Serves the API on HOST:PORT (default 127.0.0.1:8080; port 0 picks a free\n"
    "one, printed at start).  Logs one line per request on stderr unless\n"
    "--quiet.  Stops gracefully on SIGTERM or SIGINT: in-flight requests finish.\n"
    "Ticket reads are served from memory while nothing has been written since;\n"
    "--no-read-cache renders every read afresh.  Behind an HTTPS proxy,\n"
    "--secure-cookies marks the session cookie Secure.  Every customer message is\n"
    "analysed with the data in DIR (default: $TRUCE_DATA, else the repository's\n"
    "data/, else ./data) and the models beside the executable; every agent reply\n"
    "is reviewed by the reply coach with the same data and stored with its review.\n"
    "A background thread runs the jobs due in the database (webhook deliveries,\n"
    "and later reminders and follow-ups); several servers may share one database\n"
    "and never run a job twice at once.  --no-jobs leaves them to other servers.\n"
    "Resolving a ticket queues a survey link and a follow-up message due after\n"
    "--follow-up-days N days (default 3; 0 for at once) in the outbox.  Survey\n"
    "links (/s/...) take at most --survey-per-minute requests a minute from one\n"
    "address (default 30).  Offers above their proposer's authority wait for a\n"
    "lead's approval; the authority policy is the built-in one (the same as\n"
    "data/policy/authority.txt) unless --authority FILE names another; a file\n"
    "with an error stops the server from starting, naming the line.\n"
    "The agent console (/app/), the help center (/help) and the case page\n"
    "(/c/...) are the files of DIR given by --web (default: $TRUCE_WEB, else the\n"
    "web/ beside the data directory, else ./web), read into memory at start (at\n"
    "most 16 MiB; more stops the server from starting).  Without such a directory\n"
    "only the API is served.  The public contact form and case replies take at\n"
    "most --public-per-minute requests a minute from one address (default 20).\n";

/* Hidden knobs for tests: a short lease, a short retry backoff, and the
 * "test.append" job kind. */
static int64_t env_ms(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end || n < 1 ? 0 : (int64_t)n;
}

/* Test-only: survey links expire after this many milliseconds instead of 14
 * days, so a test can see a link expire.  Not for production use. */
#define TEST_SURVEY_TTL_ENV "TRUCE_TEST_SURVEY_TTL_MS"

#define HOUSEKEEPING_EVERY_S 600

static enum terr purge_tx(struct store_tx *tx, void *arg)
{
    return svc_purge_expired(tx, time_now_ms(), arg);
}

/* Forgets expired sessions and old idempotency records, and brings the risk
 * of waiting tickets up to date (waiting time grows without any write); logs
 * what changed. */
static void housekeeping(struct store *st)
{
    struct purge_counts counts = {0, 0, 0, 0};
    enum terr e = store_write(st, purge_tx, &counts);
    if (e)
        fprintf(stderr, "truce: housekeeping failed: %s\n", terr_message(e));
    else if (counts.sessions || counts.idempotency_keys || counts.jobs || counts.deliveries)
        fprintf(stderr,
                "truce: housekeeping removed %lld expired sessions, %lld old idempotency keys,"
                " %lld finished jobs, %lld webhook delivery records\n",
                (long long)counts.sessions, (long long)counts.idempotency_keys,
                (long long)counts.jobs, (long long)counts.deliveries);
    int64_t changed = 0;
    e = svc_conflict_refresh(st, time_now_ms(), &changed);
    if (e)
        fprintf(stderr, "truce: refreshing the risk of waiting tickets failed: %s\n",
                terr_message(e));
    else if (changed)
        fprintf(stderr, "truce: housekeeping updated the risk of %lld waiting tickets\n",
                (long long)changed);
}

/* Splits "host:port" or "[v6]:port"; false if malformed. */
static int parse_listen(const char *s, char *host, size_t hlen, int *port)
{
    const char *colon;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':')
            return 0;
        snprintf(host, hlen, "%.*s", (int)(end - s - 1), s + 1);
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return 0;
        snprintf(host, hlen, "%.*s", (int)(colon - s), s);
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535 || !host[0])
        return 0;
    *port = (int)p;
    return 1;
}

int cmd_serve(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *listen = "127.0.0.1:8080", *threads = NULL, *data = NULL,
               *follow_up = NULL, *survey_rate = NULL, *authority = NULL, *web = NULL,
               *public_rate = NULL;
    struct http_options ho = {0};
    bool no_jobs = false;
    char host[256];
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"listen", &listen, NULL},
        {"threads", &threads, NULL},
        {"quiet", NULL, &ho.quiet},
        {"no-read-cache", NULL, &ho.no_read_cache},
        {"secure-cookies", NULL, &ho.secure_cookies},
        {"data", &data, NULL},
        {"no-jobs", NULL, &no_jobs},
        {"follow-up-days", &follow_up, NULL},
        {"survey-per-minute", &survey_rate, NULL},
        {"authority", &authority, NULL},
        {"web", &web, NULL},
        {"public-per-minute", &public_rate, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "serve");
    if (rc >= 0)
        return rc;
    if (threads) {
        char *end;
        long n = strtol(threads, &end, 10);
        if (!*threads || *end || n < 1 || n > 1024)
            return fail(EXIT_USAGE, "--threads must be a number from 1 to 1024");
        ho.threads = (int)n;
    }
    if (survey_rate) {
        char *end;
        long n = strtol(survey_rate, &end, 10);
        if (!*survey_rate || *end || n < 1 || n > 100000)
            return fail(EXIT_USAGE, "--survey-per-minute must be a number from 1 to 100000");
        ho.survey_per_minute = (int)n;
    }
    if (public_rate) {
        char *end;
        long n = strtol(public_rate, &end, 10);
        if (!*public_rate || *end || n < 1 || n > 100000)
            return fail(EXIT_USAGE, "--public-per-minute must be a number from 1 to 100000");
        ho.public_per_minute = (int)n;
    }
    struct survey_policy sp = {0, 0};
    if (follow_up) {
        char *end;
        long n = strtol(follow_up, &end, 10);
        if (!*follow_up || *end || n < 0 || n > 365)
            return fail(EXIT_USAGE, "--follow-up-days must be a number from 0 to 365");
        /* 0 days: due at once (1 ms, since 0 means "the default" to the policy). */
        sp.follow_up_ms = n ? n * 24LL * 3600 * 1000 : 1;
    }
    const char *ttl = getenv(TEST_SURVEY_TTL_ENV);
    if (ttl && *ttl) {
        char *end;
        long long n = strtoll(ttl, &end, 10);
        if (*end || n < 1)
            return fail(EXIT_USAGE, "%s must be a positive number of milliseconds",
                        TEST_SURVEY_TTL_ENV);
        sp.ttl_ms = n;
        fprintf(stderr, "truce: test mode: survey links expire after %lld ms\n", n);
    }
    svc_survey_setup(&sp);
    if (authority) {
        struct terr_info pe = {0};
        if (svc_offer_policy_load(authority, &pe))
            return fail(EXIT_USAGE, "%s", pe.message);
        fprintf(stderr, "truce: authority policy from %s\n", authority);
    }
    if (!parse_listen(listen, host, sizeof(host), &ho.port))
        return fail(EXIT_USAGE, "--listen must be HOST:PORT, not '%s'", listen);
    ho.host = host;

    /* Block the stop signals before any thread starts, so only sigwait sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct web_files *wf = NULL;
    if (cli_load_web(web, &wf))
        return 1;
    ho.web = wf;
    struct analysis_data *ad;
    if (cli_load_analysis(data, &ad)) {
        web_files_free(wf);
        return 1;
    }
    svc_conflict_setup(ad);
    struct coach_data *cd;
    if (cli_load_coach(data, ad, &cd)) {
        cli_unload_analysis(ad);
        web_files_free(wf);
        return 1;
    }
    svc_coach_setup(cd);
    struct store *st;
    if (cli_open_store(db, &st)) {
        cli_unload_coach(cd);
        cli_unload_analysis(ad);
        web_files_free(wf);
        return 1;
    }
    /* Job handlers and libcurl's global set-up, before any thread starts
     * (webhook.h, scheduler.h). */
    const char *test_jobs = getenv("TRUCE_TEST_JOBS");
    if (!no_jobs)
        svc_scheduler_register_builtin(test_jobs && strcmp(test_jobs, "1") == 0);
    if (!no_jobs) {
        svc_workflow_register_jobs();
        svc_survey_register_jobs();
    }
    if (!no_jobs && webhook_setup()) {
        store_close(st);
        cli_unload_coach(cd);
        cli_unload_analysis(ad);
        web_files_free(wf);
        return fail(1, "cannot set up webhook delivery (libcurl)");
    }
    struct http_server *srv;
    struct terr_info ei = {0};
    if (http_server_start(&ho, st, &srv, &ei)) {
        if (!no_jobs)
            webhook_cleanup();
        store_close(st);
        cli_unload_coach(cd);
        cli_unload_analysis(ad);
        web_files_free(wf);
        return fail(1, "%s", ei.message);
    }
    struct scheduler *sched = NULL;
    if (!no_jobs) {
        struct scheduler_options so = {
            .lease_ms = env_ms("TRUCE_JOB_LEASE_MS"),
            .backoff_base_ms = env_ms("TRUCE_JOB_BACKOFF_MS"),
        };
        if (svc_scheduler_start(st, &so, &sched, &ei)) {
            http_server_stop(srv);
            webhook_cleanup();
            store_close(st);
            cli_unload_coach(cd);
            cli_unload_analysis(ad);
            web_files_free(wf);
            return fail(1, "cannot start the job scheduler%s%s", ei.message[0] ? ": " : "",
                        ei.message);
        }
        fprintf(stderr, "truce: running jobs as %s\n", svc_scheduler_owner(sched));
    }
    fprintf(stderr, "truce: listening on http://%s%s%s:%d (database %s)\n",
            strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", http_server_port(srv),
            db);
    /* The main thread has nothing else to do: wait for a stop signal, and
     * keep house while waiting. */
    int sig;
    housekeeping(st);
    for (;;) {
        struct timespec every = {HOUSEKEEPING_EVERY_S, 0};
        sig = sigtimedwait(&stop, NULL, &every);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        housekeeping(st);
    }
    fprintf(stderr, "truce: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* The workers and the writer free their analyzers as they exit, so the
     * data goes last. */
    http_server_stop(srv);
    /* After the HTTP workers (who may wake it), before the store closes. */
    if (sched)
        svc_scheduler_stop(sched);
    if (!no_jobs)
        webhook_cleanup();
    store_close(st);
    cli_unload_coach(cd);
    cli_unload_analysis(ad);
    web_files_free(wf); /* after the server: it served from these */
    svc_offer_policy_reset();
    fprintf(stderr, "truce: stopped\n");
    return 0;
}
