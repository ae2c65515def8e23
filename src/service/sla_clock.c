/* SLA clocks wired to the desk: configuration, pauses, alerts (sla_clock.h). */
#include "sla_clock.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_sla.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include "notify.h"
#include "webhooks.h"
#include "workflow.h"

static const struct actor system_actor = {.kind = ACTOR_SYSTEM};

/* ---- configuration ---- */

/* The setting `name` as a NUL-terminated text in buf (cap bytes, the NUL
 * included); *found false when the row is absent. */
static enum terr setting_text(struct store_tx *tx, const char *name, char *buf, size_t cap,
                              bool *found)
{
    size_t n = 0;
    enum terr e = store_setting_get(tx, name, (unsigned char *)buf, cap - 1, &n);
    *found = !e;
    if (e == TERR_NOT_FOUND)
        return TERR_OK;
    if (e == TERR_TOO_LARGE) {
        log_error("sla: setting '%s' is over %zu bytes; the default applies", name, cap - 1);
        *found = false;
        return TERR_OK;
    }
    if (!e)
        buf[n] = '\0';
    return e;
}

static void default_policy(struct sla_config *c)
{
    sla_policy_default(&c->policy);
    if (sla_policy_format(&c->policy, c->policy_spec, sizeof(c->policy_spec)))
        BUG("the default SLA policy does not format");
}

static void default_calendar(struct sla_config *c)
{
    calendar_init_24x7(&c->calendar);
    if (calendar_format(&c->calendar, c->calendar_spec, sizeof(c->calendar_spec)))
        BUG("the 24x7 calendar does not format");
}

/* "on"/"off" (also "true"/"false", "1"/"0") into *out; false when neither. */
static bool parse_onoff(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "1")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "0")) {
        *out = false;
        return true;
    }
    return false;
}

/* The settings rows' texts; NULL for an absent row. */
struct config_rows {
    char *policy, *calendar, *urgent;
};

static void rows_release(struct config_rows *r)
{
    free(r->policy);
    free(r->calendar);
    free(r->urgent);
}

static enum terr rows_read(struct store_tx *tx, struct config_rows *r)
{
    const struct {
        const char *name;
        size_t cap;
        char **out;
    } rows[] = {
        {SLA_SETTING_POLICY, SLA_MAX_SPEC + 1, &r->policy},
        {SLA_SETTING_CALENDAR, CAL_MAX_SPEC + 1, &r->calendar},
        {SLA_SETTING_URGENT_24X7, 16, &r->urgent},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *text = xmalloc(rows[i].cap);
        bool found;
        enum terr e = setting_text(tx, rows[i].name, text, rows[i].cap, &found);
        if (e || !found)
            free(text);
        else
            *rows[i].out = text;
        if (e)
            return e;
    }
    return TERR_OK;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Parses the rows into *out, defaults for absent or damaged rows. */
static void config_parse(const struct config_rows *r, struct sla_config *out)
{
    struct terr_info ei = {0};
    bool ok = r->policy && !sla_policy_parse(r->policy, &out->policy, &ei) &&
              !sla_policy_format(&out->policy, out->policy_spec, sizeof(out->policy_spec));
    if (r->policy && !ok)
        log_error("sla: the stored policy does not parse (%s); the default applies", ei.message);
    if (!ok)
        default_policy(out);
    ok = r->calendar && !calendar_parse(r->calendar, &out->calendar, &ei) &&
         !calendar_format(&out->calendar, out->calendar_spec, sizeof(out->calendar_spec));
    if (r->calendar && !ok)
        log_error("sla: the stored calendar does not parse (%s); 24x7 applies", ei.message);
    if (!ok)
        default_calendar(out);
    out->urgent_24x7 = true;
    if (r->urgent && !parse_onoff(r->urgent, &out->urgent_24x7))
        log_error("sla: setting '" SLA_SETTING_URGENT_24X7 "' is not on or off; on applies");
}

/* The last configuration parsed, keyed by the rows' texts.  The rows are
 * read on every call (another process may have changed them); parsing the
 * shipped policy and formatting it back costs ~7 us, a hit ~1 us. */
static struct {
    pthread_mutex_t lock;
    bool valid;
    struct config_rows rows;
    struct sla_config cfg;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

enum terr svc_sla_config_get(struct store_tx *tx, struct sla_config *out)
{
    struct config_rows r = {0};
    enum terr e = rows_read(tx, &r);
    if (e) {
        rows_release(&r);
        return e;
    }
    pthread_mutex_lock(&cache.lock);
    bool hit = cache.valid && same_text(r.policy, cache.rows.policy) &&
               same_text(r.calendar, cache.rows.calendar) && same_text(r.urgent, cache.rows.urgent);
    if (hit)
        *out = cache.cfg;
    pthread_mutex_unlock(&cache.lock);
    if (hit) {
        rows_release(&r);
        return TERR_OK;
    }
    config_parse(&r, out);
    pthread_mutex_lock(&cache.lock);
    rows_release(&cache.rows);
    cache.rows = r; /* the cache owns the texts now */
    cache.cfg = *out;
    cache.valid = true;
    pthread_mutex_unlock(&cache.lock);
    return TERR_OK;
}

/* Parses the update's parts into c (which holds the current configuration). */
static enum terr apply_update(const struct sla_config_update *in, struct sla_config *c,
                              struct terr_info *ei)
{
    enum terr e;
    struct terr_info pe = {0}; /* the parser's words, given back under the field's name */
    if (in->policy) {
        struct sla_policy p;
        if ((e = sla_policy_parse(in->policy, &p, &pe)))
            return terr_set(ei, e == TERR_TOO_LARGE ? TERR_INVALID : e, "policy", "%s", pe.message);
        c->policy = p;
        if (sla_policy_format(&p, c->policy_spec, sizeof(c->policy_spec)))
            BUG("a parsed SLA policy does not format");
    }
    if (in->calendar) {
        struct calendar *cal = xmalloc(sizeof(*cal));
        e = calendar_parse(in->calendar, cal, &pe);
        if (!e) {
            c->calendar = *cal;
            if (calendar_format(cal, c->calendar_spec, sizeof(c->calendar_spec)))
                BUG("a parsed calendar does not format");
        }
        free(cal);
        if (e)
            return terr_set(ei, e == TERR_TOO_LARGE ? TERR_INVALID : e, "calendar", "%s",
                            pe.message);
    }
    if (in->has_urgent_24x7)
        c->urgent_24x7 = in->urgent_24x7;
    return TERR_OK;
}

enum terr svc_sla_config_check(const struct sla_config_update *in, struct terr_info *ei)
{
    struct sla_config *c = xcalloc(1, sizeof(*c));
    enum terr e = apply_update(in, c, ei);
    free(c);
    return e;
}

/* The configuration's audited view; caller frees. */
static char *config_json(const struct sla_config *c)
{
    json_t *o = json_pack("{s:s, s:s, s:b}", "policy", c->policy_spec, "calendar", c->calendar_spec,
                          "urgent_24x7", c->urgent_24x7);
    return json_dump_record(o, "the SLA configuration");
}

static enum terr put_text(struct store_tx *tx, const char *name, const char *value, int64_t now)
{
    return store_setting_put(tx, name, (const unsigned char *)value, strlen(value), now);
}

enum terr svc_sla_configure(struct store_tx *tx, const struct actor *who,
                            const struct sla_config_update *in, struct sla_config *out,
                            struct terr_info *ei)
{
    int64_t now = time_now_ms();
    struct sla_config *c = xcalloc(1, sizeof(*c));
    enum terr e = svc_sla_config_get(tx, c);
    char *before = e ? NULL : config_json(c);
    if (!e)
        e = apply_update(in, c, ei);
    if (!e && in->policy)
        e = put_text(tx, SLA_SETTING_POLICY, c->policy_spec, now);
    if (!e && in->calendar)
        e = put_text(tx, SLA_SETTING_CALENDAR, c->calendar_spec, now);
    if (!e && in->has_urgent_24x7)
        e = put_text(tx, SLA_SETTING_URGENT_24X7, c->urgent_24x7 ? "on" : "off", now);
    if (!e) {
        char *after = config_json(c);
        e = svc_audit(tx, who, "sla.configure", "sla", 0, 0, before, after, now);
        free(after);
    }
    if (!e && out)
        *out = *c;
    free(before);
    free(c);
    return e && ei && !ei->code ? terr_set(ei, e, NULL, NULL) : e;
}

/* ---- evaluation ---- */

static bool waiting_status(enum ticket_status s)
{
    return s == STATUS_PENDING || s == STATUS_RESOLVED;
}

/* What the clocks of t read from the store; release with inputs_release. */
struct inputs {
    struct sla_config *cfg;
    struct message *msgs;
    size_t n_msgs;
    struct sla_pause *pauses;
    size_t n_pauses;
};

static void inputs_release(struct inputs *in)
{
    free(in->cfg);
    messages_free(in->msgs, in->n_msgs);
    free(in->pauses);
}

static enum terr inputs_read(struct store_tx *tx, int64_t ticket_id, struct inputs *in)
{
    in->cfg = xcalloc(1, sizeof(*in->cfg));
    enum terr e = svc_sla_config_get(tx, in->cfg);
    if (!e)
        e = store_sla_messages(tx, ticket_id, &in->msgs, &in->n_msgs);
    if (!e)
        e = store_pause_list(tx, ticket_id, &in->pauses, &in->n_pauses);
    return e;
}

/* Evaluates t's clocks from in at now. */
static enum terr evaluate(const struct inputs *in, const struct ticket *t, int64_t now,
                          struct sla_status *out, struct terr_info *ei)
{
    struct sla_timeline tl = {
        .created_at = t->created_at,
        .resolved_at =
            t->status == STATUS_RESOLVED || t->status == STATUS_CLOSED ? t->resolved_at : 0,
        .pauses = in->pauses,
        .n_pauses = in->n_pauses,
        .priority = t->priority,
        .level = t->level,
    };
    enum terr e = sla_timeline_from_messages(in->msgs, in->n_msgs, &tl, ei);
    if (e)
        return e;
    const struct calendar *cal = &in->cfg->calendar;
    struct calendar always;
    if (in->cfg->urgent_24x7 && (t->priority == PRIORITY_URGENT || t->level == LEVEL_HOSTILE)) {
        calendar_init_24x7(&always);
        cal = &always;
    }
    return sla_evaluate(&in->cfg->policy, cal, &tl, now, out, ei);
}

enum terr svc_sla_status(struct store_tx *tx, const struct ticket *t, int64_t now,
                         struct sla_status *out, struct terr_info *ei)
{
    struct inputs in = {0};
    enum terr e = inputs_read(tx, t->id, &in);
    if (e)
        terr_set(ei, e, NULL, NULL);
    else
        e = evaluate(&in, t, now, out, ei);
    inputs_release(&in);
    return e;
}

/* Opens or closes the pause so that it matches t's status at now, in the
 * store and in in->pauses. */
static enum terr sync_pause(struct store_tx *tx, const struct ticket *t, int64_t now,
                            struct inputs *in)
{
    if (t->status == STATUS_CLOSED)
        return TERR_OK;
    struct sla_pause *open = NULL;
    for (size_t i = 0; i < in->n_pauses; i++)
        if (in->pauses[i].to == 0)
            open = &in->pauses[i];
    bool waiting = waiting_status(t->status);
    if (waiting && !open) {
        enum terr e = store_pause_open(tx, t->id, now);
        if (e)
            return e;
        in->pauses = xrealloc(in->pauses, (in->n_pauses + 1) * sizeof(*in->pauses));
        in->pauses[in->n_pauses++] = (struct sla_pause){.from = now, .to = 0};
    } else if (!waiting && open) {
        enum terr e = store_pause_close(tx, t->id, now);
        if (e)
            return e;
        open->to = now > open->from ? now : open->from;
    }
    return TERR_OK;
}

/* Records, audits and emits one alert unless it was announced before. */
static enum terr announce(struct store_tx *tx, const struct ticket *t, enum sla_metric m,
                          const struct sla_clock *c, int percent, int64_t at, int64_t now)
{
    bool created = false;
    enum terr e = store_sla_alert_insert(tx, t->id, m, c->started_at, percent, at, &created);
    if (e || !created)
        return e;
    char due[TIME_ISO_LEN], when[TIME_ISO_LEN];
    json_t *data =
        json_pack("{s:I, s:s, s:i, s:o, s:I, s:s}", "ticket_id", (json_int_t)t->id, "metric",
                  sla_metric_name(m), "percent", percent, "due_at",
                  c->due_at ? json_string(time_format_iso(c->due_at, due)) : json_null(),
                  "target_ms", (json_int_t)c->target_ms, "at", time_format_iso(at, when));
    if (!data)
        BUG("cannot encode an SLA alert of ticket %lld", (long long)t->id);
    char *after = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
    if (!after)
        BUG("cannot encode an SLA alert of ticket %lld", (long long)t->id);
    bool breach = percent == 100;
    e = svc_audit(tx, &system_actor, breach ? "sla.breached" : "sla.reminder", "ticket", t->id,
                  t->id, NULL, after, now);
    free(after);
    if (!e)
        e = svc_webhook_emit(tx, breach ? "ticket.sla_breached" : "ticket.sla_reminder", data,
                             t->id, now);
    json_decref(data);
    /* People, not only integrations, hear of it: the assignee of every
     * alert, the leads of a breach (and of a reminder nobody holds). */
    char text[300];
    snprintf(text, sizeof(text), "ticket %lld: %s %s", (long long)t->id, sla_metric_name(m),
             breach          ? "target breached"
             : percent == 50 ? "half of the target used"
                             : "three quarters of the target used");
    if (!e && t->assignee_id)
        e = svc_notify(tx, t->assignee_id, ROLE_AGENT, t->id, "sla", text, now);
    if (!e && (breach || !t->assignee_id))
        e = svc_notify(tx, 0, ROLE_LEAD, t->id, "sla", text, now);
    return e;
}

/* Announces what the clocks crossed: reminders of a clock still counting
 * (a reminder after the reply or resolution helps no one) and breaches. */
static enum terr announce_all(struct store_tx *tx, const struct ticket *t,
                              const struct sla_status *st, int64_t now)
{
    enum terr e = TERR_OK;
    for (int m = 0; m < SLA_METRIC_COUNT && !e; m++) {
        const struct sla_clock *c = &st->clock[m];
        if (c->state == SLA_STATE_NONE || !c->started_at)
            continue;
        for (int r = 0; r < SLA_N_REMINDERS && !e && !c->stopped_at; r++)
            if (c->reminders[r].crossed && c->reminders[r].at)
                e = announce(tx, t, (enum sla_metric)m, c, c->reminders[r].percent,
                             c->reminders[r].at, now);
        if (!e && c->state == SLA_STATE_BREACHED)
            e = announce(tx, t, (enum sla_metric)m, c, 100, c->breached_at, now);
    }
    return e;
}

enum terr svc_sla_run(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                      struct terr_info *ei)
{
    struct inputs in = {0};
    enum terr e = inputs_read(tx, t->id, &in);
    if (!e)
        e = sync_pause(tx, t, now, &in);
    struct sla_status st;
    struct terr_info eval_ei = {0};
    if (!e && evaluate(&in, t, now, &st, &eval_ei)) {
        /* Bad data of one ticket must not stop its messages: say so, go on. */
        log_error("sla: cannot evaluate ticket %lld: %s", (long long)t->id, eval_ei.message);
        inputs_release(&in);
        return TERR_OK;
    }
    inputs_release(&in);
    if (e)
        return terr_set(ei, e, NULL, NULL);

    int64_t due_at, breached_at;
    sla_ticket_times(&st, &due_at, &breached_at);
    uint32_t bits = 0;
    for (int m = 0; m < SLA_METRIC_COUNT; m++)
        if (st.clock[m].state == SLA_STATE_BREACHED)
            bits |= 1u << m;
    if (t->due_at != due_at || t->breached_at != breached_at || t->sla_breached != bits) {
        t->due_at = due_at;
        t->breached_at = breached_at;
        t->sla_breached = bits;
        if (changed)
            *changed = true;
    }
    e = announce_all(tx, t, &st, now);
    if (!e && t->status != STATUS_RESOLVED && t->status != STATUS_CLOSED) {
        int64_t at = sla_next_check(&st);
        if (at)
            e = svc_workflow_check_at(tx, t->id, at, now);
    }
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}
