/* truce sla show|set|check: the desk's SLA configuration and a ticket's clocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/sla_clock.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce sla show [--db PATH]\n"
    "       truce sla set [--db PATH] [--policy SPEC] [--calendar SPEC] [--urgent-24x7 on|off]\n"
    "       truce sla check [--db PATH] TICKET_ID\n\n"
    "show prints the policy, the calendar and urgent_24x7, one per line.\n"
    "set changes the parts given (audited as the system); a spec that does not\n"
    "parse changes nothing.  A policy is clauses separated by ';', each a\n"
    "priority (low..urgent) or level (calm..hostile) and metric=duration pairs:\n"
    "  \"urgent first_response=1h resolution=8h; hostile first_response=30m\"\n"
    "A calendar is e.g. \"mon-fri 09:00-17:00; offset +01:00; holidays 2026-12-25\"\n"
    "or \"24x7\" (the default).  With urgent-24x7 on (the default), urgent and\n"
    "hostile tickets' clocks run round the clock whatever the calendar.\n"
    "check prints the ticket's clocks now, tab-separated under a header: metric,\n"
    "state, target, due_at, elapsed, percent; '-' when there is none.\n";

/* ---- show ---- */

static enum terr show_tx(struct store_tx *tx, void *arg)
{
    return svc_sla_config_get(tx, arg);
}

static int sla_show(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "sla show");
    if (rc >= 0)
        return rc;
    struct sla_config *c = xcalloc(1, sizeof(*c));
    enum terr e;
    if (cli_read(db, show_tx, c, &e)) {
        free(c);
        return 1;
    }
    if (!e)
        printf("policy\t%s\ncalendar\t%s\nurgent_24x7\t%s\n", c->policy_spec, c->calendar_spec,
               c->urgent_24x7 ? "on" : "off");
    free(c);
    return e ? fail(1, "cannot read the SLA configuration: %s", terr_message(e)) : 0;
}

/* ---- set ---- */

struct set_job {
    struct sla_config_update in;
    struct terr_info ei;
};

static enum terr set_tx(struct store_tx *tx, void *arg)
{
    struct set_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    return svc_sla_configure(tx, &system, &j->in, NULL, &j->ei);
}

static int sla_set(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *urgent = NULL;
    struct set_job j = {0};
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"policy", &j.in.policy, NULL},
        {"calendar", &j.in.calendar, NULL},
        {"urgent-24x7", &urgent, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "sla set");
    if (rc >= 0)
        return rc;
    if (urgent) {
        j.in.has_urgent_24x7 = true;
        if (strcmp(urgent, "on") == 0)
            j.in.urgent_24x7 = true;
        else if (strcmp(urgent, "off") != 0)
            return fail(EXIT_USAGE, "--urgent-24x7 must be on or off");
    }
    if (!j.in.policy && !j.in.calendar && !urgent)
        return fail(EXIT_USAGE, "sla set needs --policy, --calendar or --urgent-24x7");
    if (svc_sla_config_check(&j.in, &j.ei))
        return fail(EXIT_USAGE, "%s: %s", j.ei.field, j.ei.message);
    enum terr e;
    if (cli_write(db, set_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    return 0;
}

/* ---- check ---- */

struct check_job {
    int64_t ticket_id;
    int64_t now;
    struct ticket ticket;
    struct sla_status status;
    struct terr_info ei;
};

static enum terr check_tx(struct store_tx *tx, void *arg)
{
    struct check_job *j = arg;
    enum terr e = store_ticket_get(tx, j->ticket_id, &j->ticket);
    if (e)
        return e;
    return svc_sla_status(tx, &j->ticket, j->now, &j->status, &j->ei);
}

/* A duration as "1h30m", "4s", "250ms"; "0" for none. */
static void print_duration(int64_t ms)
{
    if (ms <= 0) {
        fputs("0", stdout);
        return;
    }
    int64_t h = ms / CAL_HOUR_MS, m = ms / CAL_MINUTE_MS % 60, s = ms / 1000 % 60, rest = ms % 1000;
    if (h)
        printf("%lldh", (long long)h);
    if (m)
        printf("%lldm", (long long)m);
    if (s)
        printf("%llds", (long long)s);
    if (rest)
        printf("%lldms", (long long)rest);
}

static void print_time(int64_t ms)
{
    char s[TIME_ISO_LEN];
    fputs(ms ? time_format_iso(ms, s) : "-", stdout);
}

static int sla_check(int argc, char **argv)
{
    /* The ticket id is the one argument that is not an option. */
    const char *id_text = NULL;
    char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !id_text && argv[i][0] != '-' && strcmp(argv[i - 1], "--db") != 0)
            id_text = argv[i];
        else
            rest[n++] = argv[i];
    }
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(n, rest, opts, usage, "sla check");
    free(rest);
    if (rc >= 0)
        return rc;
    char *end = NULL;
    long long id = id_text ? strtoll(id_text, &end, 10) : 0;
    if (!id_text || !*id_text || *end || id <= 0)
        return fail(EXIT_USAGE, "sla check needs TICKET_ID (a ticket number)");
    struct check_job j = {.ticket_id = id, .now = time_now_ms()};
    enum terr e;
    if (cli_read(db, check_tx, &j, &e))
        return 1;
    ticket_release(&j.ticket);
    if (e == TERR_NOT_FOUND)
        return fail(1, "ticket %lld not found", id);
    if (e)
        return fail(1, "cannot check ticket %lld: %s", id,
                    j.ei.message[0] ? j.ei.message : terr_message(e));
    puts("metric\tstate\ttarget\tdue_at\telapsed\tpercent");
    for (int m = 0; m < SLA_METRIC_COUNT; m++) {
        const struct sla_clock *c = &j.status.clock[m];
        printf("%s\t%s\t", sla_metric_name((enum sla_metric)m), sla_state_name(c->state));
        if (c->target_ms == SLA_NO_TARGET)
            fputs("-", stdout);
        else
            print_duration(c->target_ms);
        putchar('\t');
        print_time(c->due_at);
        putchar('\t');
        if (c->state == SLA_STATE_NONE)
            fputs("-\t-\n", stdout);
        else {
            print_duration(c->elapsed_ms);
            printf("\t%d\n", c->percent);
        }
    }
    return 0;
}

int cmd_sla(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"show", sla_show},
        {"set", sla_set},
        {"check", sla_check},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "sla");
}
