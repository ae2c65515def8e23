/*
 * SLA clocks.  Every clock is the same computation on (start, stop, target):
 * business time is the calendar's open time minus the ticket's pauses, so the
 * pauses are first sorted and merged into disjoint spans (an open pause runs
 * to the end of time), and "reach" walks the gaps between them with
 * calendar_add/calendar_elapsed to find when an amount of business time is
 * used up.  Reminders and the due time are three reaches of one clock.
 */
#include "sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/textout.h"

const int sla_reminder_percent[SLA_N_REMINDERS] = {50, 75};

#define PAUSE_OPEN INT64_MAX

static const char *const metric_names[] = {
#define X(name, str) str,
    SLA_METRIC_MAP(X)
#undef X
};
static const char *const state_names[] = {
#define X(name, str) str,
    SLA_STATE_MAP(X)
#undef X
};
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

const char *sla_metric_name(enum sla_metric v)
{
    return (unsigned)v < SLA_METRIC_COUNT ? metric_names[v] : "?";
}

bool sla_metric_parse(const char *s, enum sla_metric *out)
{
    for (unsigned i = 0; i < SLA_METRIC_COUNT; i++)
        if (strcmp(s, metric_names[i]) == 0) {
            *out = (enum sla_metric)i;
            return true;
        }
    return false;
}

const char *sla_state_name(enum sla_state v)
{
    return (unsigned)v < N_STATES ? state_names[v] : "?";
}

bool sla_state_parse(const char *s, enum sla_state *out)
{
    for (unsigned i = 0; i < N_STATES; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum sla_state)i;
            return true;
        }
    return false;
}

/* ---- policy ---- */

void sla_policy_init_empty(struct sla_policy *p)
{
    for (int i = 0; i < SLA_N_PRIORITIES; i++)
        for (int m = 0; m < SLA_METRIC_COUNT; m++)
            p->by_priority[i].ms[m] = SLA_NO_TARGET;
    for (int i = 0; i < SLA_N_LEVELS; i++)
        for (int m = 0; m < SLA_METRIC_COUNT; m++)
            p->by_level[i].ms[m] = SLA_NO_TARGET;
}

void sla_policy_default(struct sla_policy *p)
{
    /* minutes: first response, next response, resolution; -1 = none */
    static const int prio[SLA_N_PRIORITIES][SLA_METRIC_COUNT] = {
        {16 * 60, 24 * 60, 80 * 60}, /* low */
        {8 * 60, 16 * 60, 40 * 60},  /* normal */
        {4 * 60, 8 * 60, 24 * 60},   /* high */
        {60, 2 * 60, 8 * 60},        /* urgent */
    };
    static const int level[SLA_N_LEVELS][SLA_METRIC_COUNT] = {
        {-1, -1, -1},          /* calm: the priority decides */
        {4 * 60, 8 * 60, -1},  /* tense */
        {60, 4 * 60, 24 * 60}, /* heated */
        {30, 60, 16 * 60},     /* hostile */
    };
    for (int i = 0; i < SLA_N_PRIORITIES; i++)
        for (int m = 0; m < SLA_METRIC_COUNT; m++)
            p->by_priority[i].ms[m] = prio[i][m] * CAL_MINUTE_MS;
    for (int i = 0; i < SLA_N_LEVELS; i++)
        for (int m = 0; m < SLA_METRIC_COUNT; m++)
            p->by_level[i].ms[m] = level[i][m] < 0 ? SLA_NO_TARGET : level[i][m] * CAL_MINUTE_MS;
}

int64_t sla_target(const struct sla_policy *p, enum priority pr, enum level lv, enum sla_metric m)
{
    int64_t a = (unsigned)pr < SLA_N_PRIORITIES ? p->by_priority[pr].ms[m] : SLA_NO_TARGET;
    int64_t b = (unsigned)lv < SLA_N_LEVELS ? p->by_level[lv].ms[m] : SLA_NO_TARGET;
    if (a < 0)
        return b < 0 ? SLA_NO_TARGET : b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

/* "1h30m", "45m", "90s", "250ms", "0", "none" (SLA_NO_TARGET).  Up to ten
 * years; false when malformed. */
static bool parse_duration(const char *s, size_t n, int64_t *out)
{
    if (n == 4 && memcmp(s, "none", 4) == 0) {
        *out = SLA_NO_TARGET;
        return true;
    }
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return true;
    }
    int64_t total = 0;
    size_t i = 0;
    int last_unit = 0; /* units must go h, m, s, ms */
    if (n == 0)
        return false;
    while (i < n) {
        int64_t v = 0;
        size_t nd = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 7) {
            v = v * 10 + (s[i] - '0');
            i++;
            nd++;
        }
        if (nd == 0 || i >= n)
            return false;
        int unit;
        int64_t scale;
        if (i + 1 < n && s[i] == 'm' && s[i + 1] == 's') {
            unit = 4, scale = 1;
            i += 2;
        } else if (s[i] == 'h') {
            unit = 1, scale = CAL_HOUR_MS;
            i++;
        } else if (s[i] == 'm') {
            unit = 2, scale = CAL_MINUTE_MS;
            i++;
        } else if (s[i] == 's') {
            unit = 3, scale = 1000;
            i++;
        } else {
            return false;
        }
        if (unit <= last_unit)
            return false;
        last_unit = unit;
        total += v * scale;
    }
    if (total > CAL_MAX_SPAN_MS)
        return false;
    *out = total;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next run of non-space characters in [*p, end), after spaces. */
static size_t token(const char **p, const char *end, const char **out)
{
    while (*p < end && is_space(**p))
        (*p)++;
    *out = *p;
    while (*p < end && !is_space(**p))
        (*p)++;
    return (size_t)(*p - *out);
}

#define CLAUSE_FMT "in sla clause '%.*s': "

enum terr sla_policy_parse(const char *spec, struct sla_policy *out, struct terr_info *ei)
{
    size_t len = strlen(spec);
    if (len > SLA_MAX_SPEC)
        return terr_set(ei, TERR_TOO_LONG, "policy", "the sla spec is over %d bytes", SLA_MAX_SPEC);
    struct sla_policy p;
    sla_policy_init_empty(&p);
    const char *end = spec + len;
    for (const char *s = spec; s <= end;) {
        const char *e = memchr(s, ';', (size_t)(end - s));
        if (!e)
            e = end;
        const char *c = s, *cend = e;
        s = e + 1;
        while (c < cend && is_space(*c))
            c++;
        while (cend > c && is_space(cend[-1]))
            cend--;
        if (c == cend)
            continue;
        const char *cs = c;
        int cn = (int)(cend - c > 60 ? 60 : cend - c);
        const char *w;
        size_t n = token(&c, cend, &w);
        char name[16];
        snprintf(name, sizeof(name), "%.*s", (int)(n < 15 ? n : 15), w);
        enum priority pr;
        enum level lv;
        struct sla_targets *t;
        if (n < 15 && priority_parse(name, &pr))
            t = &p.by_priority[pr];
        else if (n < 15 && level_parse(name, &lv))
            t = &p.by_level[lv];
        else
            return terr_set(ei, TERR_INVALID, "policy",
                            CLAUSE_FMT "'%.*s' is not a priority (low, normal, high, urgent) "
                                       "or a level (calm, tense, heated, hostile)",
                            cn, cs, (int)(n > 20 ? 20 : n), w);
        int n_pairs = 0;
        while ((n = token(&c, cend, &w)) > 0) {
            const char *eq = memchr(w, '=', n);
            enum sla_metric m;
            char key[24];
            size_t kn = eq ? (size_t)(eq - w) : n;
            snprintf(key, sizeof(key), "%.*s", (int)(kn < 23 ? kn : 23), w);
            if (!eq || kn >= 23 || !sla_metric_parse(key, &m))
                return terr_set(ei, TERR_INVALID, "policy",
                                CLAUSE_FMT "expected first_response=, next_response= or "
                                           "resolution=, not '%.*s'",
                                cn, cs, (int)(n > 30 ? 30 : n), w);
            int64_t ms;
            if (!parse_duration(eq + 1, n - kn - 1, &ms))
                return terr_set(ei, TERR_INVALID, "policy",
                                CLAUSE_FMT "'%.*s' is not a duration like 1h30m, 45m, 0 or none",
                                cn, cs, (int)(n - kn - 1 > 30 ? 30 : n - kn - 1), eq + 1);
            t->ms[m] = ms;
            n_pairs++;
        }
        if (!n_pairs)
            return terr_set(ei, TERR_INVALID, "policy", CLAUSE_FMT "no targets", cn, cs);
    }
    *out = p;
    return TERR_OK;
}

static void put_duration(struct textout *o, int64_t ms)
{
    if (ms == 0) {
        textout_put(o, "0");
        return;
    }
    static const struct {
        int64_t scale;
        const char *unit;
    } units[] = {{CAL_HOUR_MS, "h"}, {CAL_MINUTE_MS, "m"}, {1000, "s"}, {1, "ms"}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (ms >= units[i].scale) {
            textout_put(o, "%lld%s", (long long)(ms / units[i].scale), units[i].unit);
            ms %= units[i].scale;
        }
    }
}

static void put_targets(struct textout *o, const char *who, const struct sla_targets *t,
                        const char **sep)
{
    bool any = false;
    for (int m = 0; m < SLA_METRIC_COUNT; m++) {
        if (t->ms[m] < 0)
            continue;
        if (!any)
            textout_put(o, "%s%s", *sep, who);
        any = true;
        textout_put(o, " %s=", metric_names[m]);
        put_duration(o, t->ms[m]);
    }
    if (any)
        *sep = "; ";
}

enum terr sla_policy_format(const struct sla_policy *p, char *buf, size_t size)
{
    if (size == 0)
        return TERR_TOO_LONG;
    struct textout o = {buf, size, 0, false};
    buf[0] = '\0';
    const char *sep = "";
    for (int i = 0; i < SLA_N_PRIORITIES; i++)
        put_targets(&o, priority_name((enum priority)i), &p->by_priority[i], &sep);
    for (int i = 0; i < SLA_N_LEVELS; i++)
        put_targets(&o, level_name((enum level)i), &p->by_level[i], &sep);
    return o.full ? TERR_TOO_LONG : TERR_OK;
}

/* ---- timeline ---- */

enum terr sla_timeline_from_messages(const struct message *msgs, size_t n, struct sla_timeline *tl,
                                     struct terr_info *ei)
{
    int64_t first = 0, since = 0, replied = 0;
    for (size_t i = 0; i < n; i++) {
        const struct message *m = &msgs[i];
        if (i > 0 && m->created_at < msgs[i - 1].created_at)
            return terr_set(ei, TERR_INVALID, "messages",
                            "message %lld is older than the one before it", (long long)m->id);
        if (m->internal || m->author_kind == AUTHOR_SYSTEM)
            continue;
        if (m->author_kind == AUTHOR_AGENT) {
            if (!first)
                first = m->created_at;
            else if (since && !replied)
                replied = m->created_at;
        } else if (first && (!since || replied)) {
            since = m->created_at;
            replied = 0;
        }
    }
    tl->first_response_at = first;
    tl->next_wait_since = since;
    tl->next_replied_at = replied;
    return TERR_OK;
}

/* ---- clocks ---- */

struct span {
    int64_t from, to; /* to == PAUSE_OPEN: still going on */
};

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

/* The pauses as sorted disjoint spans; pauses beginning after now are left
 * out (they have not happened), and a pause ending after now still runs. */
static size_t merge_pauses(const struct sla_timeline *tl, int64_t now, struct span *v)
{
    size_t n = 0;
    for (size_t i = 0; i < tl->n_pauses; i++) {
        const struct sla_pause *p = &tl->pauses[i];
        if (p->from > now)
            continue;
        v[n].from = p->from;
        v[n].to = (p->to == 0 || p->to > now) ? PAUSE_OPEN : p->to;
        if (v[n].to > v[n].from)
            n++;
    }
    if (n > 1)
        qsort(v, n, sizeof(v[0]), cmp_span);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[i].from <= v[k - 1].to) {
            if (v[i].to > v[k - 1].to)
                v[k - 1].to = v[i].to;
        } else {
            v[k++] = v[i];
        }
    }
    return k;
}

/* The context one clock is computed in. */
struct clock_ctx {
    const struct calendar *cal;
    const struct span *pauses; /* NULL/0 for a clock that pauses do not stop */
    size_t n_pauses;
    struct terr_info *ei;
};

/* Business ms in [from, to) not covered by a pause. */
static enum terr busy_elapsed(const struct clock_ctx *cx, int64_t from, int64_t to, int64_t *out)
{
    int64_t total;
    enum terr e = calendar_elapsed(cx->cal, from, to, &total, cx->ei);
    for (size_t i = 0; !e && i < cx->n_pauses; i++) {
        int64_t a = cx->pauses[i].from > from ? cx->pauses[i].from : from;
        int64_t b = cx->pauses[i].to < to ? cx->pauses[i].to : to;
        int64_t ms;
        if (b <= a)
            continue;
        e = calendar_elapsed(cx->cal, a, b, &ms, cx->ei);
        total -= ms;
    }
    if (!e)
        *out = total;
    return e;
}

/* The first instant at which `amount` business ms, pauses left out, have
 * passed since start; 0 when a pause still going on comes first. */
static enum terr reach(const struct clock_ctx *cx, int64_t start, int64_t amount, int64_t *out)
{
    if (amount == 0) {
        *out = start;
        return TERR_OK;
    }
    int64_t cursor = start, rem = amount;
    for (size_t i = 0; i < cx->n_pauses; i++) {
        const struct span *p = &cx->pauses[i];
        if (p->to <= cursor)
            continue;
        if (p->from > cursor) {
            int64_t avail;
            enum terr e = calendar_elapsed(cx->cal, cursor, p->from, &avail, cx->ei);
            if (e)
                return e;
            if (avail >= rem)
                return calendar_add(cx->cal, cursor, rem, out, cx->ei);
            rem -= avail;
        }
        if (p->to == PAUSE_OPEN) {
            *out = 0;
            return TERR_OK;
        }
        cursor = p->to;
    }
    return calendar_add(cx->cal, cursor, rem, out, cx->ei);
}

static bool paused_at(const struct clock_ctx *cx, int64_t t)
{
    for (size_t i = 0; i < cx->n_pauses; i++)
        if (cx->pauses[i].from <= t && t < cx->pauses[i].to)
            return true;
    return false;
}

static enum terr run_clock(const struct clock_ctx *cx, int64_t start, int64_t stop, int64_t target,
                           int64_t now, struct sla_clock *c)
{
    memset(c, 0, sizeof(*c));
    c->target_ms = target;
    for (int r = 0; r < SLA_N_REMINDERS; r++)
        c->reminders[r].percent = sla_reminder_percent[r];
    if (target < 0 || start == 0) {
        c->state = SLA_STATE_NONE;
        return TERR_OK;
    }
    if (stop && stop < start)
        stop = start;
    int64_t end = stop ? stop : now;
    if (end < start)
        end = start;
    c->started_at = start;
    c->stopped_at = stop;
    enum terr e = busy_elapsed(cx, start, end, &c->elapsed_ms);
    if (!e)
        e = reach(cx, start, target, &c->due_at);
    for (int r = 0; !e && r < SLA_N_REMINDERS; r++) {
        struct sla_reminder *rm = &c->reminders[r];
        int64_t threshold = target * rm->percent / 100;
        rm->crossed = c->elapsed_ms >= threshold;
        if (rm->crossed || !stop)
            e = reach(cx, start, threshold, &rm->at);
    }
    if (e)
        return e;
    if (target == 0)
        c->percent = 100;
    else if (c->elapsed_ms / target >= 10)
        c->percent = 1000;
    else
        c->percent = (int)(c->elapsed_ms * 100 / target);
    if (c->elapsed_ms >= target) {
        c->state = SLA_STATE_BREACHED;
        c->breached_at = c->due_at;
    } else if (stop) {
        c->state = SLA_STATE_MET;
    } else if (paused_at(cx, now)) {
        c->state = SLA_STATE_PAUSED;
    } else {
        c->state = SLA_STATE_RUNNING;
        c->next_check_at = c->due_at;
        for (int r = 0; r < SLA_N_REMINDERS; r++) {
            int64_t at = c->reminders[r].at;
            if (!c->reminders[r].crossed && at > now && at < c->next_check_at)
                c->next_check_at = at;
        }
    }
    return TERR_OK;
}

static bool time_ok(int64_t t)
{
    return t >= 0 && t <= CAL_TIME_MAX;
}

enum terr sla_evaluate(const struct sla_policy *p, const struct calendar *cal,
                       const struct sla_timeline *tl, int64_t now, struct sla_status *out,
                       struct terr_info *ei)
{
    if (tl->created_at <= 0 || !time_ok(tl->created_at))
        return terr_set(ei, TERR_INVALID, "created_at", "created_at %lld is not a valid time",
                        (long long)tl->created_at);
    if (now <= 0 || !time_ok(now))
        return terr_set(ei, TERR_INVALID, "now", "now %lld is not a valid time", (long long)now);
    const int64_t *stamps[] = {&tl->first_response_at, &tl->next_wait_since, &tl->next_replied_at,
                               &tl->resolved_at};
    static const char *const stamp_names[] = {"first_response_at", "next_wait_since",
                                              "next_replied_at", "resolved_at"};
    for (size_t i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++)
        if (!time_ok(*stamps[i]))
            return terr_set(ei, TERR_INVALID, stamp_names[i], "%s %lld is not a valid time",
                            stamp_names[i], (long long)*stamps[i]);
    if (tl->n_pauses > SLA_MAX_PAUSES)
        return terr_set(ei, TERR_TOO_LARGE, "pauses", "more than %d pauses", SLA_MAX_PAUSES);
    for (size_t i = 0; i < tl->n_pauses; i++) {
        const struct sla_pause *ps = &tl->pauses[i];
        if (ps->from <= 0 || !time_ok(ps->from) || !time_ok(ps->to) ||
            (ps->to != 0 && ps->to < ps->from))
            return terr_set(ei, TERR_INVALID, "pauses",
                            "pause %zu (%lld..%lld) is not a valid span of time", i + 1,
                            (long long)ps->from, (long long)ps->to);
    }

    struct span *spans = tl->n_pauses ? xmalloc(tl->n_pauses * sizeof(*spans)) : NULL;
    size_t n_spans = merge_pauses(tl, now, spans);
    struct clock_ctx paused = {cal, spans, n_spans, ei};
    struct clock_ctx unpaused = {cal, NULL, 0, ei};

    int64_t res = tl->resolved_at;
    struct {
        const struct clock_ctx *cx;
        int64_t start, stop;
    } def[SLA_METRIC_COUNT];
    def[SLA_FIRST_RESPONSE].cx = &unpaused;
    def[SLA_FIRST_RESPONSE].start = tl->created_at;
    def[SLA_FIRST_RESPONSE].stop = tl->first_response_at ? tl->first_response_at : res;
    def[SLA_NEXT_RESPONSE].cx = &paused;
    def[SLA_NEXT_RESPONSE].start = tl->next_wait_since;
    def[SLA_NEXT_RESPONSE].stop = tl->next_replied_at;
    if (!def[SLA_NEXT_RESPONSE].stop && res && res >= tl->next_wait_since)
        def[SLA_NEXT_RESPONSE].stop = res;
    def[SLA_RESOLUTION].cx = &paused;
    def[SLA_RESOLUTION].start = tl->created_at;
    def[SLA_RESOLUTION].stop = res;

    struct sla_status st;
    enum terr e = TERR_OK;
    for (int m = 0; !e && m < SLA_METRIC_COUNT; m++) {
        int64_t target = sla_target(p, tl->priority, tl->level, (enum sla_metric)m);
        e = run_clock(def[m].cx, def[m].start, def[m].stop, target, now, &st.clock[m]);
    }
    free(spans);
    if (!e)
        *out = st;
    return e;
}

static void keep_earliest(int64_t *best, int64_t t)
{
    if (t && (!*best || t < *best))
        *best = t;
}

int64_t sla_next_check(const struct sla_status *st)
{
    int64_t best = 0;
    for (int m = 0; m < SLA_METRIC_COUNT; m++)
        keep_earliest(&best, st->clock[m].next_check_at);
    return best;
}

void sla_ticket_times(const struct sla_status *st, int64_t *out_due_at, int64_t *out_breached_at)
{
    int64_t due = 0, breached = 0;
    for (int m = 0; m < SLA_METRIC_COUNT; m++) {
        const struct sla_clock *c = &st->clock[m];
        if (c->state == SLA_STATE_RUNNING)
            keep_earliest(&due, c->due_at);
        keep_earliest(&breached, c->breached_at);
    }
    *out_due_at = due;
    *out_breached_at = breached;
}
