/*
 * /api/v1/rules: the escalation rules (leads read, admins change), and a
 * ticket's record of them with the explicit re-arm (leads).  The JSON shape
 * of a rule is service/rule_json.h's; a body may give a rule as JSON or as
 * "spec", its text in the data-file format.  Nothing is written on error.
 */
#include <stdlib.h>
#include <string.h>

#include "../service/escalation.h"
#include "../service/rule_json.h"
#include "../util/alloc.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

#define SPEC_ONE_MAX (64 * 1024) /* bytes of one rule's "spec" */

/* A stored rule: its row and, parsed from its spec, when/then/rearm. */
static json_t *render_rule(const struct rule_row *row)
{
    struct rule r;
    bool ok = rule_from_spec(row->spec, row->name, NULL, &r, NULL) == TERR_OK;
    json_t *o = json_pack(
        "{s:I, s:s, s:i, s:o, s:o, s:o, s:s, s:o, s:o}", "id", (json_int_t)row->id, "name",
        row->name, "position", row->position, "when", ok ? rule_when_json(&r) : json_null(), "then",
        ok ? rule_then_json(&r) : json_null(), "rearm",
        ok ? json_string(rule_rearm_name(r.rearm)) : json_null(), "spec", row->spec, "created_at",
        render_time(row->created_at), "updated_at", render_time(row->updated_at));
    if (!o)
        BUG("cannot render rule %lld", (long long)row->id);
    return o;
}

static json_t *render_rows(const struct rule_row *v, size_t n)
{
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, render_rule(&v[i]));
    return items;
}

/* The rule a create or update body describes, and its wanted position (0: none). */
static enum terr rule_of_body(json_t *body, struct rule *r, int *position, struct terr_info *ei)
{
    json_t *pos = json_object_get(body, "position");
    *position = 0;
    if (pos) {
        if (!json_is_integer(pos))
            return terr_set(ei, TERR_WRONG_TYPE, "position", "'position' must be an integer");
        json_int_t p = json_integer_value(pos);
        if (p < 1 || p > RULES_MAX)
            return terr_set(ei, TERR_INVALID, "position", "'position' is 1..%d", RULES_MAX);
        *position = (int)p;
    }
    json_t *spec = json_object_get(body, "spec");
    if (!spec) {
        json_t *copy = json_copy(body);
        json_object_del(copy, "position");
        enum terr e = rule_from_json(copy, r, ei);
        json_decref(copy);
        return e;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "spec") && strcmp(key, "position"))
            return terr_set(ei, TERR_UNKNOWN_FIELD, key,
                            "'%.40s' cannot be given with 'spec' (the rule's whole text)", key);
    }
    if (!json_is_string(spec))
        return terr_set(ei, TERR_WRONG_TYPE, "spec", "'spec' must be a string");
    if (strlen(json_string_value(spec)) > SPEC_ONE_MAX)
        return terr_set(ei, TERR_TOO_LONG, "spec", "'spec' is over %d bytes", SPEC_ONE_MAX);
    return rule_from_spec(json_string_value(spec), "spec", "spec", r, ei);
}

/* ---- list and read ---- */

struct rules_view {
    int64_t id; /* 0: all */
    json_t *out;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct rules_view *v = arg;
    if (v->id) {
        struct rule_row row;
        enum terr e = store_rule_get(tx, v->id, &row);
        if (e)
            return e;
        v->out = render_rule(&row);
        rule_row_release(&row);
        return TERR_OK;
    }
    struct rule_row *rows;
    size_t n;
    enum terr e = store_rule_list(tx, &rows, &n);
    if (e)
        return e;
    v->out = render_rows(rows, n);
    rule_rows_free(rows, n);
    return TERR_OK;
}

void h_rules_list(struct request *req)
{
    struct rules_view v = {0};
    enum terr e = store_read(req_store(req), list_tx, &v);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o}", "items", v.out));
}

void h_rule_get(struct request *req)
{
    struct rules_view v = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), list_tx, &v);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "rule %lld not found", (long long)v.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, v.out);
}

/* ---- create, update, delete ---- */

struct rule_write {
    struct rule rule;
    int position;
    struct rule_row out;
};

static void rule_write_free(void *arg)
{
    struct rule_write *w = arg;
    rule_row_release(&w->out);
    free(w);
}

static void render_written(struct request *req)
{
    struct rule_write *w = req->warg;
    reply_json(req, strcmp(req->method, "POST") == 0 ? 201 : 200, render_rule(&w->out));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct rule_write *w = req->warg;
    enum terr e = svc_rule_create(tx, &req->actor, &w->rule, w->position, &w->out, &req->err);
    if (!e)
        reply_later(req, render_written);
    return e;
}

static enum terr update_tx(struct store_tx *tx, struct request *req)
{
    struct rule_write *w = req->warg;
    enum terr e =
        svc_rule_update(tx, &req->actor, req->params[0], &w->rule, w->position, &w->out, &req->err);
    if (!e)
        reply_later(req, render_written);
    return e;
}

/* Reads the body into a new rule_write, or replies with the error. */
static struct rule_write *read_rule(struct request *req)
{
    struct rule_write *w = xcalloc(1, sizeof(*w));
    enum terr e = rule_of_body(req->json, &w->rule, &w->position, &req->err);
    if (e) {
        free(w);
        reply_err_info(req, e);
        return NULL;
    }
    return w;
}

void h_rules_create(struct request *req)
{
    struct rule_write *w = read_rule(req);
    if (w)
        http_write(req, create_tx, w, rule_write_free);
}

void h_rule_update(struct request *req)
{
    struct rule_write *w = read_rule(req);
    if (w)
        http_write(req, update_tx, w, rule_write_free);
}

static enum terr delete_tx(struct store_tx *tx, struct request *req)
{
    int64_t id = req->params[0];
    enum terr e = svc_rule_delete(tx, &req->actor, id, &req->err);
    if (!e)
        reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
    return e;
}

void h_rule_delete(struct request *req)
{
    http_write(req, delete_tx, NULL, NULL);
}

/* ---- the whole set ---- */

static enum terr replace_tx(struct store_tx *tx, struct request *req)
{
    struct rule_set *s = req->warg;
    enum terr e = svc_rules_replace(tx, &req->actor, s, &req->err);
    struct rule_row *rows;
    size_t n;
    if (!e && !(e = store_rule_list(tx, &rows, &n))) {
        reply_json(req, 200, json_pack("{s:o}", "items", render_rows(rows, n)));
        rule_rows_free(rows, n);
    }
    return e;
}

static void set_free(void *arg)
{
    rule_set_release(arg);
    free(arg);
}

void h_rules_replace(struct request *req)
{
    static const struct jfield body[] = {
        {"spec", JT_STRING, true, 0, RULES_TEXT_MAX, 0, NULL}, {0}, /* end */
    };
    enum terr e = json_check(req->json, body, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const char *spec = json_str(req->json, "spec", "");
    struct rule_set *s = xcalloc(1, sizeof(*s));
    rule_set_init(s);
    if ((e = rules_parse(spec, strlen(spec), "spec", s, &req->err))) {
        set_free(s);
        snprintf(req->err.field, sizeof(req->err.field), "spec");
        reply_err_info(req, e);
        return;
    }
    http_write(req, replace_tx, s, set_free);
}

/* ---- a ticket's records ---- */

static json_t *render_state(const struct rule_state *st)
{
    return json_pack("{s:s, s:o, s:i, s:b, s:o}", "rule", st->rule, "fired_at",
                     render_time(st->fired_at), "times", (int)st->times, "armed", st->armed,
                     "armed_at", render_time(st->armed_at));
}

struct ticket_rules {
    int64_t id;
    json_t *out;
};

static enum terr ticket_rules_tx(struct store_tx *tx, void *arg)
{
    struct ticket_rules *v = arg;
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, v->id, &t);
    ticket_release(&t);
    struct rule_state *states = NULL;
    size_t n = 0;
    if (!e)
        e = store_rule_states_get(tx, v->id, &states, &n);
    if (e)
        return e;
    v->out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(v->out, render_state(&states[i]));
    free(states);
    return TERR_OK;
}

void h_ticket_rules(struct request *req)
{
    struct ticket_rules v = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), ticket_rules_tx, &v);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)v.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o}", "items", v.out));
}

struct rearm {
    char rule[RULE_NAME_MAX + 1];
    struct rule_state out;
};

static void render_rearmed(struct request *req)
{
    struct rearm *r = req->warg;
    json_t *o = render_state(&r->out);
    json_object_set_new(o, "ticket_id", json_integer(req->params[0]));
    reply_json(req, 200, o);
}

static enum terr rearm_tx(struct store_tx *tx, struct request *req)
{
    struct rearm *r = req->warg;
    enum terr e = svc_rule_rearm(tx, &req->actor, req->params[0], r->rule, &r->out, &req->err);
    if (!e)
        reply_later(req, render_rearmed);
    return e;
}

void h_ticket_rules_rearm(struct request *req)
{
    static const struct jfield body[] = {
        {"rule", JT_LINE, true, 1, RULE_NAME_MAX, 0, NULL}, {0}, /* end */
    };
    enum terr e = json_check(req->json, body, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct rearm *r = xcalloc(1, sizeof(*r));
    snprintf(r->rule, sizeof(r->rule), "%s", json_str(req->json, "rule", ""));
    http_write(req, rearm_tx, r, free);
}
