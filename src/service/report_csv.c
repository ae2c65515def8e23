/* The reports as CSV or a terminal table (report_csv.h). */
#include "report_csv.h"

#include <stdio.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/csv.h"

/* The text is made from a report already in memory (its size bounded by
 * the reports' row limits), so its buffers are BUF_NO_LIMIT: a cap of their
 * own could only cut a report short while answering 200. */

/* A text cell. */
static void cell_text(struct buf *o, const char *s, char sep)
{
    if (sep != ',') {
        for (const char *p = s; *p; p++)
            buf_add(o, strchr("\t\r\n", *p) ? " " : p, 1);
        return;
    }
    csv_put_field(o, s);
}

/* A cell from a JSON value: a null is empty (a "-" in a table); an array is
 * its items joined by spaces. */
static void cell(struct buf *o, json_t *v, char sep)
{
    if (json_is_integer(v)) {
        buf_addf(o, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        buf_addf(o, "%.10g", json_real_value(v));
    } else if (json_is_string(v)) {
        cell_text(o, json_string_value(v), sep);
    } else if (json_is_boolean(v)) {
        buf_adds(o, json_is_true(v) ? "true" : "false");
    } else if (json_is_array(v)) {
        struct buf a;
        buf_init(&a, BUF_NO_LIMIT);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i)
                buf_adds(&a, " ");
            if (json_is_integer(x))
                buf_addf(&a, "%lld", (long long)json_integer_value(x));
            else if (json_is_string(x))
                buf_adds(&a, json_string_value(x));
        }
        cell_text(o, a.data ? a.data : "", sep);
        buf_release(&a);
    } else if (sep != ',') {
        buf_adds(o, "-");
    }
}

static void next_cell(struct buf *o, bool *first, char sep)
{
    if (!*first)
        buf_add(o, &sep, 1);
    *first = false;
}

/* The header of a flattened object: nested keys joined with '_'. */
static void flat_header(struct buf *o, json_t *obj, const char *prefix, bool *first, char sep)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "_" : "", k);
        if (json_is_object(v)) {
            flat_header(o, v, name, first, sep);
            continue;
        }
        next_cell(o, first, sep);
        cell_text(o, name, sep);
    }
}

/* The values in flat_header's order. */
static void flat_values(struct buf *o, json_t *obj, bool *first, char sep)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (json_is_object(v)) {
            flat_values(o, v, first, sep);
            continue;
        }
        next_cell(o, first, sep);
        cell(o, v, sep);
    }
}

char *report_csv_rows(json_t *rows, json_t *shape, char sep)
{
    const char *eol = sep == ',' ? "\r\n" : "\n";
    struct buf o;
    buf_init(&o, BUF_NO_LIMIT);
    buf_adds(&o, ""); /* no header and no row is "", not NULL */
    json_t *head = json_array_size(rows) ? json_array_get(rows, 0) : shape;
    bool first = true;
    if (head) {
        flat_header(&o, head, "", &first, sep);
        buf_adds(&o, eol);
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        first = true;
        flat_values(&o, r, &first, sep);
        buf_adds(&o, eol);
    }
    return buf_detach(&o, NULL);
}

/* The trends columns after start and end: a name and the path to its value. */
static const struct {
    const char *name, *obj, *key;
} trend_cols[] = {
    {"opened", NULL, "opened"},
    {"conflicts", NULL, "conflicts"},
    {"conflict_rate", NULL, "conflict_rate"},
    {"level_calm", "by_level", "calm"},
    {"level_tense", "by_level", "tense"},
    {"level_heated", "by_level", "heated"},
    {"level_hostile", "by_level", "hostile"},
    {"channel_api", "by_channel", "api"},
    {"channel_email", "by_channel", "email"},
    {"channel_web", "by_channel", "web"},
    {"channel_chat", "by_channel", "chat"},
    {"channel_phone", "by_channel", "phone"},
    {"sla_met", "sla", "met"},
    {"sla_breached", "sla", "breached"},
    {"sla_met_rate", "sla", "met_rate"},
    {"deesc_threads", "deescalation", "threads"},
    {"deesc_fell", "deescalation", "fell"},
    {"deesc_rate", "deescalation", "rate"},
};

static const char *const survey_kinds[] = {"csat", "nps", "ces"};

char *report_csv_trends(json_t *rep, char sep)
{
    const char *eol = sep == ',' ? "\r\n" : "\n";
    json_t *buckets = json_object_get(rep, "buckets");
    json_t *cats = json_object(); /* the union of categories, as a set */
    size_t i;
    json_t *b;
    json_array_foreach(buckets, i, b)
    {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(b, "by_category"), k, v)
            json_object_set_new(cats, k, json_true());
    }
    struct buf o;
    buf_init(&o, BUF_NO_LIMIT);
    buf_adds(&o, "start");
    buf_add(&o, &sep, 1);
    buf_adds(&o, "end");
    for (size_t c = 0; c < sizeof(trend_cols) / sizeof(trend_cols[0]); c++)
        buf_addf(&o, "%c%s", sep, trend_cols[c].name);
    for (size_t c = 0; c < 3; c++)
        buf_addf(&o, "%c%s_avg%c%s_n", sep, survey_kinds[c], sep, survey_kinds[c]);
    buf_addf(&o, "%cnps_score", sep);
    const char *k;
    json_t *v;
    json_object_foreach(cats, k, v)
    {
        char name[300];
        snprintf(name, sizeof name, "category:%s", k);
        buf_add(&o, &sep, 1);
        cell_text(&o, name, sep);
    }
    buf_adds(&o, eol);
    json_array_foreach(buckets, i, b)
    {
        bool first = true;
        next_cell(&o, &first, sep);
        cell(&o, json_object_get(b, "start"), sep);
        next_cell(&o, &first, sep);
        cell(&o, json_object_get(b, "end"), sep);
        for (size_t c = 0; c < sizeof(trend_cols) / sizeof(trend_cols[0]); c++) {
            json_t *in = trend_cols[c].obj ? json_object_get(b, trend_cols[c].obj) : b;
            next_cell(&o, &first, sep);
            cell(&o, json_object_get(in, trend_cols[c].key), sep);
        }
        json_t *sv = json_object_get(b, "surveys");
        for (size_t c = 0; c < 3; c++) {
            json_t *one = json_object_get(sv, survey_kinds[c]);
            next_cell(&o, &first, sep);
            cell(&o, json_object_get(one, "avg"), sep);
            next_cell(&o, &first, sep);
            cell(&o, json_object_get(one, "n"), sep);
        }
        next_cell(&o, &first, sep);
        cell(&o, json_object_get(json_object_get(sv, "nps"), "score"), sep);
        json_t *bc = json_object_get(b, "by_category");
        json_object_foreach(cats, k, v)
        {
            json_t *n = json_object_get(bc, k);
            next_cell(&o, &first, sep);
            if (n)
                cell(&o, n, sep);
            else
                buf_adds(&o, "0");
        }
        buf_adds(&o, eol);
    }
    json_decref(cats);
    return buf_detach(&o, NULL);
}

/* The shape of a row of the grouped overview (insights.c's keyed groups):
 * the group's key, and what names it beside the key, then its fields. */
static json_t *group_shape(const char *by)
{
    json_t *shape = json_pack("{s:n}", "key");
    if (strcmp(by, "agent") == 0) {
        json_object_set_new(shape, "agent_id", json_null());
    } else if (strcmp(by, "day") == 0 || strcmp(by, "week") == 0) {
        json_object_set_new(shape, "start", json_null());
        json_object_set_new(shape, "end", json_null());
    }
    json_t *fields = report_group_fields();
    json_object_update(shape, fields);
    json_decref(fields);
    return shape;
}

/* A row's shape for a report that may have no rows: its header then. */
static json_t *row_shape(json_t *rep, enum report_kind kind)
{
    json_t *shape, *fields;
    const char *by = json_string_value(json_object_get(rep, "by"));
    if (!by)
        by = "none";
    switch (kind) {
    case REPORT_AGENTS:
        shape = json_pack("{s:n,s:n}", "agent_id", "name");
        fields = report_group_fields();
        json_object_update(shape, fields);
        json_decref(fields);
        return shape;
    case REPORT_EMERGING: /* docs/api.md's fields of an item */
        return json_pack("{s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n}", "kind", "key", "text", "count",
                         "baseline", "lift", "p", "q", "example_tickets");
    case REPORT_OVERVIEW:
        if (!json_object_get(rep, "buckets"))
            return group_shape(by);
        shape = json_pack("{s:n,s:n}", "start", "end");
        fields = strcmp(by, "none") != 0 ? group_shape(by) : report_group_fields();
        json_object_update(shape, fields);
        json_decref(fields);
        return shape;
    case REPORT_DEFLECTION:
        return json_pack("{s:n,s:n}", "day", "deflected");
    case REPORT_TRENDS:
        break;
    }
    return NULL;
}

char *report_csv(json_t *rep, enum report_kind kind, char sep)
{
    if (kind == REPORT_TRENDS)
        return report_csv_trends(rep, sep);
    const char *key = kind == REPORT_AGENTS       ? "agents"
                      : kind == REPORT_EMERGING   ? "items"
                      : kind == REPORT_DEFLECTION ? "days"
                                                  : "groups";
    json_t *rows = json_incref(json_object_get(rep, key));
    json_t *buckets = json_object_get(rep, "buckets");
    if (!rows && buckets) { /* the overview per bucket: a row per bucket and group */
        rows = json_array();
        size_t i, k;
        json_t *b, *g;
        json_array_foreach(buckets, i, b)
        {
            json_t *list = json_object_get(b, "groups");
            if (!list)
                list = json_pack("[O]", json_object_get(b, "total"));
            else
                json_incref(list);
            json_array_foreach(list, k, g)
            {
                json_t *r = json_pack("{s:O,s:O}", "start", json_object_get(b, "start"), "end",
                                      json_object_get(b, "end"));
                json_object_update(r, g);
                json_array_append_new(rows, r);
            }
            json_decref(list);
        }
    }
    if (!rows) /* the overview as one row */
        rows = json_pack("[O]", rep);
    json_t *shape = json_array_size(rows) ? NULL : row_shape(rep, kind);
    char *text = report_csv_rows(rows, shape, sep);
    json_decref(shape);
    json_decref(rows);
    return text;
}
