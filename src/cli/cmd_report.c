/* truce report overview|agents|emerging: the insights reports of docs/api.md
 * "Reports" (service/insights.h) from the database, as a table on a terminal,
 * else JSON; --csv and --json choose. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../service/insights.h"
#include "../util/timeutil.h"
#include "cli.h"

#define DAY_MS 86400000LL

static const char usage[] =
    "usage: truce report overview|agents|emerging [--db PATH] [--from DATE] [--to DATE]\n"
    "                    [--csv|--json]\n\n"
    "Prints a report of tickets opened from --from to --to (dates YYYY-MM-DD, both\n"
    "included, or RFC 3339 instants, --to excluded; by default the last 30 days).\n"
    "On a terminal a table, otherwise JSON; --csv prints CSV, --json JSON.\n"
    "emerging compares the range with the 4 ranges of equal length before it.\n";

enum kind { OVERVIEW, AGENTS, EMERGING };

struct job {
    enum kind kind;
    int64_t from, to;
    json_t *out;
};

static enum terr report_tx(struct store_tx *tx, void *arg)
{
    struct job *j = arg;
    if (j->kind == OVERVIEW)
        return svc_report_overview(tx, j->from, j->to, &j->out);
    if (j->kind == AGENTS)
        return svc_report_agents(tx, j->from, j->to, &j->out);
    return svc_report_emerging(tx, j->from, j->to, &j->out);
}

static bool parse_when(const char *s, bool end, int64_t *out)
{
    if (strlen(s) == 10) {
        char full[32];
        snprintf(full, sizeof full, "%sT00:00:00Z", s);
        if (!time_parse_iso(full, out))
            return false;
        if (end)
            *out += DAY_MS;
        return true;
    }
    return time_parse_iso(s, out);
}

/* Leaves of obj, nested keys joined by '_': names when names, else values. */
static void flat(json_t *obj, const char *prefix, bool names, const char *sep, bool *first)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "_" : "", k);
        if (json_is_object(v)) {
            flat(v, name, names, sep, first);
            continue;
        }
        if (!*first)
            fputs(sep, stdout);
        *first = false;
        if (names) {
            fputs(name, stdout);
        } else if (json_is_string(v)) {
            const char *s = json_string_value(v);
            bool quote = strpbrk(s, ",\"\r\n\t") != NULL;
            if (quote)
                putchar('"');
            for (; *s; s++) {
                if (*s == '"')
                    putchar('"');
                putchar(*s);
            }
            if (quote)
                putchar('"');
        } else if (json_is_integer(v)) {
            printf("%lld", (long long)json_integer_value(v));
        } else if (json_is_real(v)) {
            printf("%.10g", json_real_value(v));
        } else if (json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x)
                printf("%s%lld", i ? " " : "", (long long)json_integer_value(x));
        } else if (!json_is_null(v)) {
            fputs(json_is_true(v) ? "true" : "false", stdout);
        } else if (strcmp(sep, "\t") == 0) {
            putchar('-');
        }
    }
}

/* Rows under a header of their flattened names, cells split by sep. */
static void rows(json_t *list, const char *sep)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        bool first = true;
        if (i == 0) {
            flat(r, "", true, sep, &first);
            putchar('\n');
            first = true;
        }
        flat(r, "", false, sep, &first);
        putchar('\n');
    }
}

static int report(int argc, char **argv, enum kind kind, const char *name)
{
    const char *db = DEFAULT_DB, *from = NULL, *to = NULL;
    bool csv = false, json = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},   {"from", &from, NULL}, {"to", &to, NULL},
        {"csv", NULL, &csv}, {"json", NULL, &json}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, name);
    if (rc >= 0)
        return rc;
    struct job j = {.kind = kind};
    if (to ? !parse_when(to, true, &j.to) : false)
        return fail(EXIT_USAGE, "'--to' must be a date (YYYY-MM-DD) or a time");
    if (!to) {
        int64_t now = time_now_ms();
        j.to = now - now % DAY_MS + DAY_MS;
    }
    if (from ? !parse_when(from, false, &j.from) : false)
        return fail(EXIT_USAGE, "'--from' must be a date (YYYY-MM-DD) or a time");
    if (!from)
        j.from = j.to - 30 * DAY_MS;
    if (j.from >= j.to)
        return fail(EXIT_USAGE, "'--from' must be before '--to'");
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    enum terr e = store_read(st, report_tx, &j);
    store_close(st);
    if (e)
        return fail(1, "cannot read the report: %s", terr_message(e));
    json_t *list = kind == AGENTS     ? json_incref(j.out)
                   : kind == EMERGING ? json_incref(json_object_get(j.out, "items"))
                                      : json_pack("[O]", j.out);
    if (json || (!csv && !isatty(STDOUT_FILENO))) {
        json_dumpf(j.out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else if (csv) {
        rows(list, ",");
    } else if (kind == OVERVIEW) {
        /* one column of names, one of values */
        bool first = true;
        json_t *o = j.out;
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            json_t *one = json_object();
            json_object_set(one, k, v);
            first = true;
            flat(one, "", true, "\n", &first);
            fputs("\t", stdout);
            first = true;
            flat(one, "", false, " ", &first);
            putchar('\n');
            json_decref(one);
        }
    } else {
        rows(list, "\t");
    }
    json_decref(list);
    json_decref(j.out);
    return 0;
}

static int report_overview(int argc, char **argv)
{
    return report(argc, argv, OVERVIEW, "report overview");
}

static int report_agents(int argc, char **argv)
{
    return report(argc, argv, AGENTS, "report agents");
}

static int report_emerging(int argc, char **argv)
{
    return report(argc, argv, EMERGING, "report emerging");
}

int cmd_report(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"overview", report_overview},
        {"agents", report_agents},
        {"emerging", report_emerging},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "report");
}
