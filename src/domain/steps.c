/*
 * The six resolution steps.  Each step is decided alone: the agent's latest
 * mark on it (if any), then the earliest evidence that counts.  "Counts" means
 * it qualifies for the step and, when the latest mark is an untick, is dated
 * after the untick.  Ties in time go to the lower id, so the result does not
 * depend on the order of the caller's arrays.  Texts are written into the
 * caller's fixed buffers: evaluation allocates nothing and cannot fail.
 */
#include "steps.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util/utf8.h"
#include "ticket_rules.h"

static const char *const step_names[] = {
#define X(name, str) str,
    STEP_MAP(X)
#undef X
};

const char *step_name(enum step s)
{
    return (unsigned)s < N_STEPS ? step_names[s] : "unknown";
}

bool step_parse(const char *s, enum step *out)
{
    for (size_t i = 0; s && i < N_STEPS; i++) {
        if (strcmp(s, step_names[i]) == 0) {
            *out = (enum step)i;
            return true;
        }
    }
    return false;
}

const char *step_source_name(enum step_source s)
{
    switch (s) {
    case STEP_SOURCE_EVIDENCE:
        return "evidence";
    case STEP_SOURCE_HAND:
        return "hand";
    case STEP_SOURCE_NONE:
        break;
    }
    return "none";
}

bool steps_apply(enum level peak_level, bool marked_conflict)
{
    return marked_conflict || peak_level >= LEVEL_TENSE;
}

/* snprintf cuts a long text at a byte, maybe inside a character: drop a
 * last character left incomplete, so the text stays valid UTF-8 (the parts
 * were: reasons are checked, categories come from checked tickets). */
static void trim_utf8(char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return;
    size_t j = n - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    unsigned char lead = (unsigned char)s[j];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (j + want > n)
        s[j] = '\0';
}

/* Writes a step's text into dst (STEP_TEXT_MAX bytes), cut to fit. */
static void say(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, STEP_TEXT_MAX, fmt, ap);
    va_end(ap);
    trim_utf8(dst);
}

/* The best evidence so far for one step. */
struct found {
    bool ok;
    int64_t at;
    int64_t id;
};

/* Evidence dated after an untick counts; evidence at or before it was what
 * the agent judged and set aside.  after == 0: no untick, everything counts. */
static bool counts(int64_t at, int64_t after)
{
    return after == 0 || at > after;
}

/* Takes (at, id) when it is earlier than what f holds. */
static void consider(struct found *f, int64_t at, int64_t id, int64_t after)
{
    if (!counts(at, after))
        return;
    if (!f->ok || at < f->at || (at == f->at && id < f->id)) {
        f->ok = true;
        f->at = at;
        f->id = id;
    }
}

static void consider_items(struct found *f, const struct step_item *v, size_t n, int64_t after)
{
    for (size_t i = 0; v && i < n; i++)
        consider(f, v[i].at, v[i].id, after);
}

static void identify_cause(const struct step_facts *f, int64_t after, struct step_status *s)
{
    bool have = f->category && f->category[0];
    struct found e = {0};
    if (have && f->category_by_agent)
        consider(&e, f->category_at, 0, after);
    if (e.ok) {
        s->done = true;
        s->at = e.at;
        say(s->evidence, "an agent set the category to '%s'", f->category);
    } else if (have && f->category_by_agent) {
        say(s->missing,
            "the category '%s' was set before the step was unticked: an agent should set "
            "the cause again",
            f->category);
    } else if (have) {
        say(s->missing,
            "the category '%s' is the analysis's guess: an agent should confirm or change it",
            f->category);
    } else {
        say(s->missing, "no cause yet: an agent should set the category");
    }
}

/* understand_pain (apology false) and take_ownership (apology true): the
 * earliest reply where the coach looked for the thing, because the customer
 * was upset or the company at fault, and did not find it missing. */
static void from_replies(const struct step_facts *f, bool apology, int64_t after,
                         struct step_status *s)
{
    struct found e = {0}, miss = {0};
    bool looked_any = false;
    for (size_t i = 0; f->replies && i < f->n_replies; i++) {
        const struct step_reply *r = &f->replies[i];
        if (!r->reviewed || !(apology ? r->company_at_fault : r->customer_upset))
            continue;
        looked_any = true;
        if (apology ? r->no_apology : r->no_acknowledgement) {
            /* Remember the latest reply that fell short, to name it. */
            if (!miss.ok || r->at > miss.at || (r->at == miss.at && r->message_id > miss.id))
                miss = (struct found){true, r->at, r->message_id};
            continue;
        }
        consider(&e, r->at, r->message_id, after);
    }
    const char *what = apology ? "an apology" : "acknowledgement";
    if (e.ok) {
        s->done = true;
        s->at = e.at;
        say(s->evidence, "coach saw %s in message %lld", what, (long long)e.id);
    } else if (miss.ok && counts(miss.at, after)) {
        say(s->missing,
            apology ? "message %lld did not apologise for what went wrong: the next reply "
                      "should own the mistake"
                    : "message %lld did not acknowledge how the customer feels: the next "
                      "reply should name it",
            (long long)miss.id);
    } else if (apology && !looked_any) {
        say(s->missing,
            "no reply has owned the mistake yet; if the company was not at fault, tick the "
            "step by hand and say why");
    } else if (apology) {
        say(s->missing, "no reply has apologised or owned the mistake since the step was unticked");
    } else if (!looked_any) {
        say(s->missing, "no reply has acknowledged how the customer feels yet");
    } else {
        say(s->missing,
            "no reply has acknowledged how the customer feels since the step was unticked");
    }
}

static void act_and_inform(const struct step_facts *f, int64_t after, struct step_status *s)
{
    struct found offer = {0}, update = {0};
    consider_items(&offer, f->offers, f->n_offers, after);
    consider_items(&update, f->updates, f->n_updates, after);
    /* The earlier of the two; an offer wins a tie (it is the act). */
    if (offer.ok && (!update.ok || offer.at <= update.at)) {
        s->done = true;
        s->at = offer.at;
        say(s->evidence, "offer %lld was made to the customer", (long long)offer.id);
    } else if (update.ok) {
        s->done = true;
        s->at = update.at;
        say(s->evidence, "a status update was sent in message %lld", (long long)update.id);
    } else {
        say(s->missing, "no offer made and no status update sent to the customer yet");
    }
}

static void review_and_learn(const struct step_facts *f, int64_t after, struct step_status *s)
{
    struct found e = {0};
    consider_items(&e, f->lessons, f->n_lessons, after);
    if (e.ok) {
        s->done = true;
        s->at = e.at;
        say(s->evidence, "lesson %lld was recorded", (long long)e.id);
    } else {
        say(s->missing,
            "no lesson recorded yet: the cause, what went wrong and what would prevent it");
    }
}

static void systemic_check(const struct step_facts *f, int64_t after, struct step_status *s)
{
    struct found e = {0};
    if (f->problem_id > 0)
        consider(&e, f->problem_at, f->problem_id, after);
    if (e.ok) {
        s->done = true;
        s->at = e.at;
        say(s->evidence,
            f->problem_opened_here ? "problem %lld was opened from this ticket"
                                   : "linked to known problem %lld",
            (long long)e.id);
    } else {
        say(s->missing, "not linked to a problem: link a known problem or open a new one");
    }
}

/* The agent's latest mark on step, or NULL. */
static const struct step_mark *latest_mark(const struct step_facts *f, enum step step)
{
    const struct step_mark *m = NULL;
    for (size_t i = 0; f->marks && i < f->n_marks; i++)
        if (f->marks[i].step == step && (!m || f->marks[i].at >= m->at))
            m = &f->marks[i];
    return m;
}

void steps_evaluate(const struct step_facts *f, struct steps_report *out)
{
    memset(out, 0, sizeof(*out));
    out->applies = steps_apply(f->peak_level, f->marked_conflict);
    out->next = N_STEPS;
    for (size_t i = 0; i < N_STEPS; i++) {
        struct step_status *s = &out->steps[i];
        s->step = (enum step)i;
        const struct step_mark *m = latest_mark(f, s->step);
        if (m && m->done) {
            s->done = true;
            s->source = STEP_SOURCE_HAND;
            s->at = m->at;
            s->agent_id = m->agent_id;
            say(s->evidence, "ticked by agent %lld: %s", (long long)m->agent_id, m->reason);
        } else {
            /* After an untick only later evidence counts.  An untick at time 0
             * cannot be told from "no untick": treat it as the epoch's first ms. */
            int64_t after = m ? (m->at > 0 ? m->at : 1) : 0;
            switch (s->step) {
            case STEP_IDENTIFY_CAUSE:
                identify_cause(f, after, s);
                break;
            case STEP_UNDERSTAND_PAIN:
                from_replies(f, false, after, s);
                break;
            case STEP_TAKE_OWNERSHIP:
                from_replies(f, true, after, s);
                break;
            case STEP_ACT_AND_INFORM:
                act_and_inform(f, after, s);
                break;
            case STEP_REVIEW_AND_LEARN:
                review_and_learn(f, after, s);
                break;
            case STEP_SYSTEMIC_CHECK:
            case N_STEPS:
                systemic_check(f, after, s);
                break;
            }
            if (s->done) {
                s->source = STEP_SOURCE_EVIDENCE;
            } else if (m) {
                /* Say who unticked it and why, after what would tick it. */
                s->source = STEP_SOURCE_HAND;
                s->agent_id = m->agent_id;
                char what[STEP_TEXT_MAX];
                memcpy(what, s->missing, sizeof(what));
                say(s->missing, "%s (unticked by agent %lld: %s)", what, (long long)m->agent_id,
                    m->reason);
            }
        }
        if (s->done)
            out->n_done++;
        else if (out->next == N_STEPS)
            out->next = s->step;
    }
}

enum terr steps_mark(const char *name, bool done, const char *reason, int64_t agent_id, int64_t now,
                     const struct steps_report *before, struct step_mark *out_mark,
                     struct step_audit *out_audit, struct terr_info *ei)
{
    enum step step;
    if (!name || !step_parse(name, &step))
        return terr_set(ei, TERR_INVALID, "step", "unknown step '%s'", name ? name : "");
    if (agent_id <= 0)
        return terr_set(ei, TERR_INVALID, "agent_id", "a step is marked by an agent");
    if (!reason || text_blank(reason))
        return terr_set(ei, TERR_INVALID, "reason", "say why the step is %s",
                        done ? "ticked" : "unticked");
    size_t len = strlen(reason);
    if (len > STEP_REASON_MAX)
        return terr_set(ei, TERR_TOO_LONG, "reason", "the reason is over %d bytes",
                        STEP_REASON_MAX);
    if (!utf8_valid(reason, len))
        return terr_set(ei, TERR_BAD_UTF8, "reason", "the reason is not valid UTF-8");

    memset(out_mark, 0, sizeof(*out_mark));
    out_mark->step = step;
    out_mark->done = done;
    out_mark->agent_id = agent_id;
    out_mark->at = now;
    memcpy(out_mark->reason, reason, len + 1);

    memset(out_audit, 0, sizeof(*out_audit));
    out_audit->action = done ? "ticket.step_ticked" : "ticket.step_unticked";
    out_audit->step = step;
    if (before) {
        out_audit->before_done = before->steps[step].done;
        out_audit->before_source = before->steps[step].source;
    }
    out_audit->after_done = done;
    out_audit->agent_id = agent_id;
    out_audit->at = now;
    memcpy(out_audit->reason, reason, len + 1);
    return TERR_OK;
}
