/*
 * Conversation risk.  The model, in points out of 100 (each factor is one
 * reason, so the reasons add up to the risk before clamping):
 *
 *   base       0.6 x the latest customer message's score + 0.4 x the thread's
 *              highest score: where the customer is now, not forgetting how
 *              bad it got.  Split into two reasons when the peak is well above
 *              the latest message.
 *   trend      for the last agent reply that the customer has answered: the
 *              score of the customer's latest message after it minus their last
 *              one before it.  A change of 10 points or more counts: worse adds
 *              5 + delta/2, better subtracts as much (at most 20 either way);
 *              "better" is what "the last agent reply helped" means.
 *   waiting    since the customer's last message, when no agent has replied to
 *              it: 4 + 4 x log2(hours) from one hour up, at most 20.
 *   unanswered customer messages in a row without an agent reply: 5 per message
 *              past the first, at most 15.
 *   contacts   customer messages in the whole thread: 2 per message past the
 *              second, at most 10 (repeated contact wears patience).
 *   questions  questions in customer messages no agent has replied to yet:
 *              6 each, at most 12.
 *   triggers   each kind seen so far counts once, weighted by kind (legal 15,
 *              public and churn 12, safety 12, escalation and abuse 8, repeat
 *              6, profanity 5, urgency 4, shouting 3) times its best
 *              confidence; at most 30 in all.
 *
 * The sum is clamped to 0..100; then, when an agent (not an internal note) has
 * replied after the latest customer message, a fifth of it comes off: the
 * customer is being helped (after the clamp, so a reply lowers even a thread
 * whose factors add up past 100).  The level is conflict_level_of() of the
 * result.  System
 * messages and internal notes are not replies; a customer message without an
 * analysis counts as a contact with no score.  The function is pure: the
 * same thread at the same now_ms gives the same result.
 */
#include "analysis/risk.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TREND_MIN_DELTA 10
#define TREND_MAX_POINTS 20
#define WAIT_MAX_POINTS 20
#define RUN_MAX_POINTS 15
#define CONTACTS_MAX_POINTS 10
#define QUESTION_POINTS 6
#define QUESTIONS_MAX_POINTS 12
#define TRIGGERS_MAX_POINTS 30
#define MS_PER_HOUR 3600000.0
/* Waits are described up to ten years; the points stopped growing long before. */
#define MAX_WAIT_HOURS (24.0 * 3653)

/* Every factor may give a reason, and each trigger kind one more. */
#define MAX_CANDIDATES (16 + N_TRIGGER_KINDS)

struct reasons {
    struct reason v[MAX_CANDIDATES];
    size_t n;
};

static void add_reason(struct reasons *r, int weight, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_reason(struct reasons *r, int weight, const char *fmt, ...)
{
    if (r->n == MAX_CANDIDATES)
        return;
    struct reason *x = &r->v[r->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
    x->weight = weight;
}

/* Heaviest first; ties keep the order the factors were added in. */
static void sort_reasons(struct reasons *r)
{
    for (size_t i = 1; i < r->n; i++) {
        struct reason x = r->v[i];
        size_t j = i;
        while (j > 0 && r->v[j - 1].weight < x.weight) {
            r->v[j] = r->v[j - 1];
            j--;
        }
        r->v[j] = x;
    }
}

static int is_customer(const struct thread_msg *m)
{
    return m->author == THREAD_CUSTOMER;
}

/* A reply the customer saw: an agent's message that is not an internal note. */
static int is_reply(const struct thread_msg *m)
{
    return m->author == THREAD_AGENT && !m->internal;
}

static int scored(const struct thread_msg *m)
{
    return is_customer(m) && m->analysis;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int trigger_weight(enum trigger_kind k)
{
    switch (k) {
    case TRIG_LEGAL:
        return 15;
    case TRIG_PUBLIC:
    case TRIG_CHURN:
    case TRIG_SAFETY:
        return 12;
    case TRIG_ESCALATION:
    case TRIG_ABUSE:
        return 8;
    case TRIG_REPEAT:
        return 6;
    case TRIG_PROFANITY:
        return 5;
    case TRIG_URGENCY:
        return 4;
    case TRIG_SHOUTING:
        return 3;
    case N_TRIGGER_KINDS:
        break;
    }
    return 0;
}

/* "legal_threat" reads "legal threat" in a sentence. */
static void kind_words(enum trigger_kind k, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", trigger_kind_name(k));
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
}

static void describe_wait(double hours, char *out, size_t outlen)
{
    if (hours < 48)
        snprintf(out, outlen, "%d h", (int)hours);
    else
        snprintf(out, outlen, "%d days", (int)(hours / 24));
}

static int base_points(const struct thread_msg *msgs, size_t n, size_t last_c, struct reasons *r)
{
    int peak = 0;
    for (size_t i = 0; i < n; i++)
        if (scored(&msgs[i]) && msgs[i].analysis->score > peak)
            peak = msgs[i].analysis->score;
    if (!msgs[last_c].analysis)
        return 0;
    int latest = clamp(msgs[last_c].analysis->score, 0, 100);
    peak = clamp(peak, 0, 100);
    int from_latest = (int)lround(0.6 * latest);
    int from_peak = (int)lround(0.4 * peak);
    const char *lvl = conflict_level_name(conflict_level_of(latest));
    if (peak - latest >= 10) {
        add_reason(r, from_latest, "latest customer message reads %s (score %d)", lvl, latest);
        add_reason(r, from_peak, "the thread peaked at %d earlier", peak);
    } else if (from_latest + from_peak > 0) {
        add_reason(r, from_latest + from_peak, "latest customer message reads %s (score %d)", lvl,
                   latest);
    }
    return from_latest + from_peak;
}

/* Finds the last reply the customer has written after, and compares their
 * latest message after it with their last one before it. */
static int trend_points(const struct thread_msg *msgs, size_t last_c, int *trend,
                        struct reasons *r)
{
    *trend = 0;
    const struct thread_msg *after = msgs[last_c].analysis ? &msgs[last_c] : NULL;
    if (!after)
        return 0;
    size_t i = last_c;
    while (i > 0 && !is_reply(&msgs[i - 1]))
        i--;
    if (i == 0)
        return 0; /* no reply before the latest customer message */
    const struct thread_msg *before = NULL;
    for (size_t j = i - 1; j > 0 && !before; j--)
        if (scored(&msgs[j - 1]))
            before = &msgs[j - 1];
    if (!before)
        return 0;
    int delta = after->analysis->score - before->analysis->score;
    if (delta >= TREND_MIN_DELTA) {
        *trend = 1;
        int pts = 5 + delta / 2;
        pts = pts > TREND_MAX_POINTS ? TREND_MAX_POINTS : pts;
        add_reason(r, pts, "got worse after the last agent reply (score %d -> %d)",
                   before->analysis->score, after->analysis->score);
        return pts;
    }
    if (delta <= -TREND_MIN_DELTA) {
        *trend = -1;
        int pts = 5 + (-delta) / 2;
        pts = pts > TREND_MAX_POINTS ? TREND_MAX_POINTS : pts;
        add_reason(r, -pts, "calmer after the last agent reply (score %d -> %d)",
                   before->analysis->score, after->analysis->score);
        return -pts;
    }
    return 0;
}

static int wait_points(const struct thread_msg *m, int64_t now_ms, struct reasons *r)
{
    if (now_ms <= m->at_ms)
        return 0;
    /* In double: times come from callers (a thread posted to the API) and
     * their difference may not fit an int64_t. */
    double hours = ((double)now_ms - (double)m->at_ms) / MS_PER_HOUR;
    if (hours > MAX_WAIT_HOURS)
        hours = MAX_WAIT_HOURS;
    if (hours < 1)
        return 0;
    int pts = (int)lround(4 + 4 * log2(hours));
    pts = pts > WAIT_MAX_POINTS ? WAIT_MAX_POINTS : pts;
    char span[32];
    describe_wait(hours, span, sizeof span);
    add_reason(r, pts, "customer has waited %s since their last message", span);
    return pts;
}

static int trigger_points(const struct thread_msg *msgs, size_t n, size_t last_c,
                          struct reasons *r)
{
    double best[N_TRIGGER_KINDS] = {0};
    int in_latest[N_TRIGGER_KINDS] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!scored(&msgs[i]))
            continue;
        const struct msg_analysis *a = msgs[i].analysis;
        size_t nt = a->n_triggers < ANALYSIS_MAX_TRIGGERS ? a->n_triggers : ANALYSIS_MAX_TRIGGERS;
        for (size_t t = 0; t < nt; t++) {
            enum trigger_kind k = a->triggers[t].kind;
            if ((unsigned)k >= N_TRIGGER_KINDS)
                continue;
            double c = a->triggers[t].confidence;
            c = c < 0 ? 0 : c > 1 ? 1 : c;
            if (c > best[k])
                best[k] = c;
            if (i == last_c)
                in_latest[k] = 1;
        }
    }
    int total = 0;
    for (int k = 0; k < N_TRIGGER_KINDS; k++) {
        int pts = (int)lround(trigger_weight((enum trigger_kind)k) * best[k]);
        if (pts <= 0)
            continue;
        if (total + pts > TRIGGERS_MAX_POINTS)
            pts = TRIGGERS_MAX_POINTS - total;
        if (pts <= 0)
            break;
        char words[48];
        kind_words((enum trigger_kind)k, words, sizeof words);
        add_reason(r, pts, in_latest[k] ? "%s in the latest message" : "%s earlier in the thread",
                   words);
        total += pts;
    }
    return total;
}

void risk_assess(const struct thread_msg *msgs, size_t n, int64_t now_ms, struct thread_risk *out)
{
    struct reasons r = {.n = 0};
    memset(out, 0, sizeof *out);

    size_t last_c = n, n_contacts = 0;
    for (size_t i = 0; i < n; i++)
        if (is_customer(&msgs[i])) {
            last_c = i;
            n_contacts++;
        }
    if (last_c == n) {
        out->level = conflict_level_of(0);
        add_reason(&r, 0, "no customer message yet");
        out->reasons[0] = r.v[0];
        out->n_reasons = 1;
        return;
    }

    /* Customer messages since the last reply, and their questions. */
    int answered = 0;
    for (size_t i = last_c + 1; i < n; i++)
        if (is_reply(&msgs[i]))
            answered = 1;
    size_t run = 0, open_questions = 0;
    if (!answered)
        for (size_t i = n; i > 0 && !is_reply(&msgs[i - 1]); i--)
            if (is_customer(&msgs[i - 1])) {
                run++;
                if (msgs[i - 1].analysis && msgs[i - 1].analysis->question)
                    open_questions++;
            }

    int total = base_points(msgs, n, last_c, &r);
    total += trend_points(msgs, last_c, &out->trend, &r);
    if (!answered)
        total += wait_points(&msgs[last_c], now_ms, &r);
    if (run >= 2) {
        int pts = (int)(run - 1) * 5;
        pts = pts > RUN_MAX_POINTS ? RUN_MAX_POINTS : pts;
        add_reason(&r, pts, "%zu messages without an answer", run);
        total += pts;
    }
    if (n_contacts >= 3) {
        int pts = (int)(n_contacts - 2) * 2;
        pts = pts > CONTACTS_MAX_POINTS ? CONTACTS_MAX_POINTS : pts;
        add_reason(&r, pts, "customer has written %zu times", n_contacts);
        total += pts;
    }
    if (open_questions) {
        int pts = (int)open_questions * QUESTION_POINTS;
        pts = pts > QUESTIONS_MAX_POINTS ? QUESTIONS_MAX_POINTS : pts;
        add_reason(&r, pts,
                   open_questions == 1 ? "%zu question without an answer"
                                       : "%zu questions without an answer",
                   open_questions);
        total += pts;
    }
    total += trigger_points(msgs, n, last_c, &r);

    out->risk = clamp(total, 0, 100);
    if (answered && out->risk > 0) {
        int off = (int)lround(0.2 * out->risk);
        off = off < 1 ? 1 : off;
        add_reason(&r, -off, "an agent has replied to the latest message");
        out->risk -= off;
    }
    out->level = conflict_level_of(out->risk);
    if (r.n == 0)
        add_reason(&r, 0, "no sign of conflict");
    sort_reasons(&r);
    out->n_reasons = r.n < RISK_MAX_REASONS ? r.n : RISK_MAX_REASONS;
    memcpy(out->reasons, r.v, out->n_reasons * sizeof r.v[0]);
}

static const char *trend_name(int trend)
{
    return trend > 0 ? "worse" : trend < 0 ? "better" : "same";
}

json_t *risk_to_json(const struct thread_risk *r)
{
    json_t *reasons = json_array();
    for (size_t i = 0; i < r->n_reasons && i < RISK_MAX_REASONS; i++) {
        json_t *text = json_string(r->reasons[i].text);
        if (!text) /* a cut inside a character: the reasons are ours, so never */
            text = json_string("?");
        json_array_append_new(reasons, json_pack("{s:o, s:i}", "text", text, "weight",
                                                 r->reasons[i].weight));
    }
    return json_pack("{s:i, s:s, s:s, s:o}", "risk", r->risk, "level",
                     conflict_level_name(r->level), "trend", trend_name(r->trend), "reasons",
                     reasons);
}
