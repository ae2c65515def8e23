/*
 * The reply coach (coach.h): loading, reading the thread, running the rules
 * (coach_rules.c), scoring the skills, choosing the playbook, and JSON.
 *
 * Reading the thread.  The coach looks at the customer's messages since the
 * last agent reply (what the draft answers) and at the whole thread (first
 * reply or not, triggers so far).  Customer messages come with their stored
 * analysis or are analysed here.  Their content-word stems are kept so the
 * paraphrase rule can see whether the draft reflects the concern.
 *
 * Scores.  Each skill starts at 100 and loses points for the findings that
 * bear on it (a table below: kind -> skill, points by severity), and gains
 * nothing for padding: a short, correct reply scores high.  Overall is the
 * mean of the six skills, less a point per info finding.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/coach_int.h"
#include "text/stem.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define X(e, s) s,
static const char *const kind_names[] = {COACH_KINDS(X)};
static const char *const skill_names[] = {COACH_SKILLS(X)};
#undef X

const char *coach_kind_name(enum coach_kind k)
{
    return (unsigned)k < N_COACH_KINDS ? kind_names[k] : "";
}

bool coach_kind_parse(const char *s, enum coach_kind *out)
{
    for (size_t i = 0; i < N_COACH_KINDS; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum coach_kind)i;
            return true;
        }
    return false;
}

const char *coach_severity_name(enum coach_severity s)
{
    static const char *const names[] = {"info", "warn", "error"};
    return (unsigned)s < 3 ? names[s] : "info";
}

const char *coach_skill_name(enum coach_skill s)
{
    return (unsigned)s < N_COACH_SKILLS ? skill_names[s] : "";
}

struct coach_data *coach_data_load(const char *dir, const char *models_dir,
                                   const struct analysis_data *a, char *err, size_t errlen)
{
    struct coach_data *d = xcalloc(1, sizeof *d);
    d->analysis = a;
    struct stemmer *st = stemmer_new(a->stem_lang);
    if (!st)
        BUG("stemmer '%s' vanished after loading", a->stem_lang);
    char sub[4096];
    bool ok = (size_t)snprintf(sub, sizeof sub, "%s/coach", dir) < sizeof sub &&
              (d->rules = coach_rules_load(sub, st, err, errlen)) != NULL;
    stemmer_free(st);
    if (ok)
        ok = (size_t)snprintf(sub, sizeof sub, "%s/playbooks", dir) < sizeof sub &&
             (d->playbooks = playbooks_load(sub, err, errlen)) != NULL;
    if (ok && models_dir) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/politeness.model", models_dir) < sizeof path &&
            access(path, F_OK) == 0)
            ok = (d->politeness = politeness_load(path, err, errlen)) != NULL;
    }
    if (!ok) {
        coach_data_free(d);
        return NULL;
    }
    return d;
}

void coach_data_free(struct coach_data *d)
{
    if (!d)
        return;
    coach_rules_free(d->rules);
    playbooks_free(d->playbooks);
    politeness_free(d->politeness);
    free(d);
}

struct coach *coach_new(const struct coach_data *d)
{
    struct coach *c = xcalloc(1, sizeof *c);
    c->d = d;
    c->analyzer = analyzer_new(d->analysis);
    tokens_init(&c->draft);
    return c;
}

void coach_free(struct coach *c)
{
    if (!c)
        return;
    analyzer_free(c->analyzer);
    tokens_release(&c->draft);
    free(c->ctx.stems_text);
    free(c->ctx.stem_off);
    free(c->hits);
    free(c);
}

/* Remembers the content-word stems of the tokenized text t for the
 * paraphrase rule, hyphens left out ("check-in" and "checkin" meet).
 * coach_rules.c decides what is a content word. */
static void keep_stems(struct coach_context *x, const struct tokens *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        if ((k->kind != TOK_WORD && k->kind != TOK_ID && k->kind != TOK_NUMBER) ||
            k->stem_len < 3 || x->n_stems >= COACH_STEMS_MAX)
            continue;
        if (x->stems_len + k->stem_len + 1 > x->stems_cap) {
            x->stems_cap = (x->stems_len + k->stem_len + 1) * 2;
            x->stems_text = xrealloc(x->stems_text, x->stems_cap);
        }
        if (x->n_stems == x->stems_alloc) {
            x->stems_alloc = x->stems_alloc ? x->stems_alloc * 2 : 64;
            x->stem_off = xrealloc(x->stem_off, x->stems_alloc * sizeof *x->stem_off);
        }
        x->stem_off[x->n_stems++] = (uint32_t)x->stems_len;
        const char *st = tok_stem(t, i);
        for (size_t j = 0; j < k->stem_len; j++)
            if (st[j] != '-')
                x->stems_text[x->stems_len++] = st[j];
        x->stems_text[x->stems_len++] = '\0';
    }
}

/* For cmp_stem: qsort has no context argument; one per thread, as reviews
 * run on every HTTP worker at once. */
static _Thread_local const char *stems_base;

static int cmp_stem(const void *a, const void *b)
{
    return strcmp(stems_base + *(const uint32_t *)a, stems_base + *(const uint32_t *)b);
}

/* Sorts the kept stems so the paraphrase rule can look words up. */
static void sort_stems(struct coach_context *x)
{
    stems_base = x->stems_text;
    if (x->n_stems > 1)
        qsort(x->stem_off, x->n_stems, sizeof *x->stem_off, cmp_stem);
}

bool coach_thread_has_stem(const struct coach_context *x, const char *stem)
{
    size_t lo = 0, hi = x->n_stems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(x->stems_text + x->stem_off[mid], stem);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The length of text[0..len) cut to at most max bytes on a character
 * boundary. */
static size_t cut_utf8(const char *text, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Reads thread into c->ctx.  A customer turn that fails analysis (invalid
 * UTF-8, too large) is skipped: the coach still reviews the draft. */
static void read_thread(struct coach *c, const struct coach_thread *thread)
{
    struct coach_context *x = &c->ctx;
    x->customer_name =
        thread && thread->customer_name && *thread->customer_name ? thread->customer_name : NULL;
    x->first_reply = 1;
    x->has_customer = 0;
    memset(&x->latest, 0, sizeof x->latest);
    memset(&x->strongest, 0, sizeof x->strongest);
    memset(x->emotion_peak, 0, sizeof x->emotion_peak);
    x->triggers = x->all_triggers = 0;
    x->thread_level = CONFLICT_CALM;
    x->thread_compound = 0;
    x->company_fault = x->customer_questions = x->need_unclear = x->facts = 0;
    x->fault_earlier = x->apologised_before = 0;
    x->concrete_words = x->need_clear = 0;
    x->n_stems = x->stems_len = 0;
    if (!thread)
        return;

    /* The turns the draft answers: the customer's messages after the agent
     * reply before the last of them (a draft that follows up an agent reply
     * still answers the messages before it). */
    size_t since = 0, last_customer = thread->n;
    for (size_t i = 0; i < thread->n; i++) {
        if (thread->turns[i].author == THREAD_AGENT && !thread->turns[i].internal)
            x->first_reply = 0;
        if (thread->turns[i].author == THREAD_CUSTOMER)
            last_customer = i;
    }
    for (size_t i = 0; i < thread->n && i < last_customer; i++)
        if (thread->turns[i].author == THREAD_AGENT && !thread->turns[i].internal)
            since = i + 1;

    /* Only the newest turns are read, each cut to COACH_TURN_BYTES, within
     * COACH_THREAD_BYTES in all: the coach runs as the agent types and on
     * every reply, so its cost must not grow with a long thread. */
    size_t first = thread->n, budget = COACH_THREAD_BYTES;
    while (first > 0 && thread->n - first < COACH_THREAD_TURNS) {
        const struct coach_turn *tu = &thread->turns[first - 1];
        size_t cost = tu->len < COACH_TURN_BYTES ? tu->len : COACH_TURN_BYTES;
        if (cost > budget)
            break;
        budget -= cost;
        first--;
    }
    if (first == thread->n && thread->n > 0)
        first = thread->n - 1; /* the newest turn, whatever its size (cut below) */
    for (size_t i = first; i < thread->n; i++) {
        const struct coach_turn *tu = &thread->turns[i];
        size_t len = cut_utf8(tu->body, tu->len, COACH_TURN_BYTES);
        if (tu->author == THREAD_AGENT && !tu->internal && i < since) {
            struct tokens *t = &c->analyzer->tokens;
            if (tokenize(tu->body, len, t) == TERR_OK) {
                tokens_stem(t, c->analyzer->stemmer);
                negation_mark(t);
                coach_rules_read_earlier(c, THREAD_AGENT, t);
            }
        }
        if (tu->author != THREAD_CUSTOMER)
            continue;
        struct msg_analysis own;
        const struct msg_analysis *a = tu->analysis;
        struct tokens *t = &c->analyzer->tokens;
        if (!a) {
            if (analyze_message(c->analyzer, tu->body, len, &own) != TERR_OK)
                continue;
            a = &own;
        } else {
            if (tokenize(tu->body, len, t) != TERR_OK)
                continue;
            tokens_stem(t, c->analyzer->stemmer);
            negation_mark(t);
        }
        for (size_t k = 0; k < a->n_triggers; k++)
            x->all_triggers |= 1u << a->triggers[k].kind;
        if (a->level > x->thread_level)
            x->thread_level = a->level;
        if (a->sentiment.compound < x->thread_compound)
            x->thread_compound = a->sentiment.compound;
        keep_stems(x, t);
        if (i < since) {
            coach_rules_read_earlier(c, THREAD_CUSTOMER, t);
            continue;
        }
        x->has_customer = 1;
        x->latest = *a;
        if (a->score >= x->strongest.score)
            x->strongest = *a;
        for (size_t e = 0; e < N_EMOTIONS; e++)
            if (a->emotions[e] > x->emotion_peak[e])
                x->emotion_peak[e] = a->emotions[e];
        for (size_t k = 0; k < a->n_triggers; k++)
            x->triggers |= 1u << a->triggers[k].kind;
        x->customer_questions += a->question;
        coach_rules_read_customer(c, t);
    }
    sort_stems(x);
}

/* Points a finding of each kind takes from each skill, at warn severity;
 * error takes 1.5 times as much, info a quarter. */
static const struct {
    enum coach_kind kind;
    enum coach_skill skill;
    int points;
} penalties[] = {
    {COACH_NO_ACKNOWLEDGEMENT, SKILL_EMPATHY, 35},
    {COACH_NO_ACKNOWLEDGEMENT, SKILL_LISTENING, 15},
    {COACH_NO_APOLOGY, SKILL_OWNERSHIP, 40},
    {COACH_NO_APOLOGY, SKILL_EMPATHY, 10},
    {COACH_HOLLOW_APOLOGY, SKILL_OWNERSHIP, 25},
    {COACH_HOLLOW_APOLOGY, SKILL_EMPATHY, 20},
    {COACH_NO_THANKS, SKILL_PROFESSIONALISM, 10},
    {COACH_NO_THANKS, SKILL_EMPATHY, 5},
    {COACH_NO_NAME, SKILL_EMPATHY, 5},
    {COACH_NO_NAME, SKILL_PROFESSIONALISM, 5},
    {COACH_BLAME, SKILL_OWNERSHIP, 35},
    {COACH_BLAME, SKILL_PROFESSIONALISM, 25},
    {COACH_DEFENSIVE, SKILL_OWNERSHIP, 25},
    {COACH_DEFENSIVE, SKILL_PROFESSIONALISM, 20},
    {COACH_CONDESCENDING, SKILL_PROFESSIONALISM, 35},
    {COACH_CONDESCENDING, SKILL_EMPATHY, 20},
    {COACH_SHOUTING, SKILL_PROFESSIONALISM, 35},
    {COACH_JARGON, SKILL_CLARITY, 20},
    {COACH_NEGATIVE_PHRASING, SKILL_SOLUTION, 15},
    {COACH_NEGATIVE_PHRASING, SKILL_CLARITY, 5},
    {COACH_NO_NEXT_STEP, SKILL_SOLUTION, 45},
    {COACH_NO_PARAPHRASE, SKILL_LISTENING, 35},
    {COACH_NO_OPEN_QUESTION, SKILL_LISTENING, 20},
    {COACH_NO_OPEN_QUESTION, SKILL_SOLUTION, 5},
    {COACH_WALL_OF_TEXT, SKILL_CLARITY, 30},
    {COACH_HARD_TO_READ, SKILL_CLARITY, 25},
    {COACH_NO_GREETING, SKILL_PROFESSIONALISM, 10},
    {COACH_NO_CLOSING, SKILL_PROFESSIONALISM, 10},
};

static void score_skills(struct coach_review *r)
{
    double lost[N_COACH_SKILLS] = {0};
    size_t infos = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct coach_finding *f = &r->findings[i];
        double scale = f->severity == COACH_ERROR ? 1.5 : f->severity == COACH_WARN ? 1.0 : 0.25;
        infos += f->severity == COACH_INFO;
        for (size_t p = 0; p < sizeof penalties / sizeof penalties[0]; p++)
            if (penalties[p].kind == f->kind)
                lost[penalties[p].skill] += scale * penalties[p].points;
    }
    double sum = 0;
    for (size_t s = 0; s < SKILL_OVERALL; s++) {
        double v = 100 - lost[s];
        r->scores[s] = v < 0 ? 0 : (int)lround(v);
        sum += r->scores[s];
    }
    double overall = sum / SKILL_OVERALL - (double)infos;
    r->scores[SKILL_OVERALL] = overall < 0 ? 0 : (int)lround(overall);
}

static void choose_playbook(const struct coach *c, struct coach_review *r)
{
    const struct coach_context *x = &c->ctx;
    struct playbook_situation s = {
        .level = x->strongest.level,
        .triggers = x->triggers | (x->all_triggers & ~(1u << TRIG_URGENCY)),
        .questions = x->customer_questions,
        .facts = x->facts,
    };
    memcpy(s.emotions, x->emotion_peak, sizeof s.emotions);
    playbook_choose(c->d->playbooks, &s, &r->playbook);
}

static int cmp_finding(const void *a, const void *b)
{
    const struct coach_finding *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

static bool blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

enum terr coach_review(struct coach *c, const char *draft, size_t len,
                       const struct coach_thread *thread, struct coach_review *out)
{
    if (len > COACH_MAX_DRAFT)
        return TERR_TOO_LARGE;
    if (!utf8_valid(draft, len))
        return TERR_BAD_UTF8;
    if (len == 0 || blank_text(draft, len))
        return TERR_INVALID;
    read_thread(c, thread);
    enum terr e = tokenize(draft, len, &c->draft);
    if (e != TERR_OK)
        return e;
    tokens_stem(&c->draft, c->analyzer->stemmer);
    negation_mark(&c->draft);

    memset(out, 0, sizeof *out);
    out->level = c->ctx.has_customer ? c->ctx.strongest.level : CONFLICT_CALM;
    out->first_reply = c->ctx.first_reply;
    coach_readability(&c->draft, &out->words, &out->sentences, &out->reading_ease);
    coach_rules_run(c, draft, len, out);
    qsort(out->findings, out->n_findings, sizeof out->findings[0], cmp_finding);
    score_skills(out);
    out->politeness = -1;
    if (c->d->politeness) {
        struct politeness_result pr;
        politeness_predict(c->d->politeness, &c->draft, draft, len, c->d->analysis->lexicon, &pr);
        out->politeness = pr.probability;
    }
    choose_playbook(c, out);
    return TERR_OK;
}

bool coach_review_has_warnings(const struct coach_review *r)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].severity != COACH_INFO)
            return true;
    return false;
}

static double round3(double v)
{
    return round(v * 1000) / 1000;
}

json_t *coach_review_to_json(const struct coach_review *r, const char *draft, size_t len)
{
    json_t *fs = json_array();
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct coach_finding *f = &r->findings[i];
        uint32_t end = f->end <= len ? f->end : (uint32_t)len;
        uint32_t start = f->start <= end ? f->start : end;
        json_t *o =
            json_pack("{s:s, s:s, s:I, s:I, s:s%, s:s, s:s}", "kind", coach_kind_name(f->kind),
                      "severity", coach_severity_name(f->severity), "start", (json_int_t)start,
                      "end", (json_int_t)end, "text", draft + start, (size_t)(end - start),
                      "message", f->message, "suggestion", f->suggestion);
        if (!o)
            BUG("cannot build a coach finding");
        json_array_append_new(fs, o);
    }
    json_t *scores = json_object();
    for (size_t s = 0; s < N_COACH_SKILLS; s++)
        json_object_set_new(scores, skill_names[s], json_integer(r->scores[s]));
    json_t *o = json_pack(
        "{s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:{s:I, s:I, s:f}}", "findings", fs, "scores",
        scores, "politeness", r->politeness < 0 ? json_null() : json_real(round3(r->politeness)),
        "level", conflict_level_name(r->level), "first_reply", r->first_reply, "customer_upset",
        r->customer_upset, "company_fault", r->company_fault, "playbook",
        playbook_choice_to_json(&r->playbook), "readability", "words", (json_int_t)r->words,
        "sentences", (json_int_t)r->sentences, "reading_ease", round3(r->reading_ease));
    if (!o)
        BUG("cannot build a coach review");
    return o;
}
