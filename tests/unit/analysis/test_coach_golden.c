/*
 * Golden coach drafts (tests/data/coach/cases.jsonl, format in its README.md):
 * agent replies to real complaints, each with the thread it answers, whether
 * a careful team lead would send it as it is, and the findings that must come
 * back.  The suite holds the coach to both halves of its promise:
 *   - precision: an approved draft gets no warn or error finding at all;
 *   - recall: every expected kind comes back at warn or error, and every
 *     listed span of draft text lies inside a finding of its kind.
 * Every failing case is printed with its id, its draft and what the coach
 * returned before the test fails, so one run shows them all.
 *
 * tests/data/coach/holdout.jsonl, in the same format, was written without
 * looking at the rules and is never tuned on: it is held to thresholds
 * (HOLDOUT_MIN_*), not perfection, and its misses are printed the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "analysis/analysis.h"
#include "analysis/coach.h"
#include "util/alloc.h"

#define CASES_FILE "tests/data/coach/cases.jsonl"
#define HOLDOUT_FILE "tests/data/coach/holdout.jsonl"
#define MAX_TURNS 8
#define MAX_SPANS 8

/* What the set must hold (the issue asks for 60 and 20; we keep more). */
#define MIN_CASES 70
#define MIN_APPROVED 25
#define MIN_BAD 45
#define MIN_CASES_PER_KIND 2

/* The held-out set: its size, and how well the coach must do on it. */
#define HOLDOUT_CASES 40
#define HOLDOUT_MIN_CLEAN_PCT 85.0 /* approved drafts with no warning */
#define HOLDOUT_MIN_RECALL_PCT 75.0 /* expected kinds that come back */

struct span {
    enum coach_kind kind;
    const char *text; /* borrowed from the case's JSON */
};

/* One case; the strings are borrowed from obj, which the case owns. */
struct coach_case {
    unsigned line;
    json_t *obj;
    const char *id, *draft, *customer_name;
    size_t draft_len;
    struct coach_turn turns[MAX_TURNS];
    size_t n_turns;
    bool approved;
    bool expect[N_COACH_KINDS];
    size_t n_expect;
    struct span spans[MAX_SPANS];
    size_t n_spans;
};

struct cases {
    const char *file; /* the case file, for messages */
    struct coach_case *v;
    size_t n, cap;
    unsigned errors; /* format errors, printed as found */
};

static void bad(struct cases *s, unsigned line, const char *id, const char *what)
{
    fprintf(stderr, "%s:%u: %s%s%s\n", s->file, line, id ? id : "", id ? ": " : "", what);
    s->errors++;
}

static const char *str_field(const json_t *o, const char *name)
{
    const json_t *v = json_object_get(o, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fills c from its JSON object; false (with a message) when the case is
 * malformed. */
static bool case_read(struct cases *s, struct coach_case *c)
{
    static const char *const known[] = {"id",     "source",   "customer_name", "thread",
                                        "draft",  "approved", "expect",        "spans",
                                        "note"};
    const char *key;
    json_t *val;
    json_object_foreach(c->obj, key, val) {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok) {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown field '%s'", key);
            bad(s, c->line, NULL, msg);
            return false;
        }
    }
    c->id = str_field(c->obj, "id");
    if (!c->id || !*c->id) {
        bad(s, c->line, NULL, "case has no \"id\" string");
        return false;
    }
    const char *source = str_field(c->obj, "source");
    if (!source || (strncmp(source, "airline:", 8) && strncmp(source, "twcs:", 5) &&
                    strcmp(source, "own"))) {
        bad(s, c->line, c->id, "\"source\" is \"airline:<id>\", \"twcs:<id>\" or \"own\"");
        return false;
    }
    json_t *name = json_object_get(c->obj, "customer_name");
    if (!name || !(json_is_null(name) || json_is_string(name))) {
        bad(s, c->line, c->id, "\"customer_name\" is a string or null");
        return false;
    }
    c->customer_name = json_is_string(name) ? json_string_value(name) : NULL;
    const json_t *draft = json_object_get(c->obj, "draft");
    if (!json_is_string(draft) || json_string_length(draft) == 0) {
        bad(s, c->line, c->id, "\"draft\" is a non-empty string");
        return false;
    }
    c->draft = json_string_value(draft);
    c->draft_len = json_string_length(draft);
    const json_t *approved = json_object_get(c->obj, "approved");
    if (!json_is_boolean(approved)) {
        bad(s, c->line, c->id, "\"approved\" is true or false");
        return false;
    }
    c->approved = json_is_true(approved);
    if (!str_field(c->obj, "note")) {
        bad(s, c->line, c->id, "\"note\" says why (a string)");
        return false;
    }

    const json_t *thread = json_object_get(c->obj, "thread");
    if (!json_is_array(thread) || json_array_size(thread) > MAX_TURNS) {
        bad(s, c->line, c->id, "\"thread\" is an array of at most 8 turns");
        return false;
    }
    size_t i;
    const json_t *turn;
    json_array_foreach(thread, i, turn) {
        const char *author = str_field(turn, "author");
        const json_t *body = json_object_get(turn, "body");
        if (!author || !json_is_string(body) || json_object_size(turn) != 2 ||
            (strcmp(author, "customer") && strcmp(author, "agent"))) {
            bad(s, c->line, c->id, "a turn is {\"author\":\"customer\"|\"agent\",\"body\"}");
            return false;
        }
        c->turns[i] = (struct coach_turn){
            .author = strcmp(author, "customer") == 0 ? THREAD_CUSTOMER : THREAD_AGENT,
            .body = json_string_value(body),
            .len = json_string_length(body),
        };
    }
    c->n_turns = json_array_size(thread);

    const json_t *expect = json_object_get(c->obj, "expect");
    if (!json_is_array(expect)) {
        bad(s, c->line, c->id, "\"expect\" is an array of finding kinds");
        return false;
    }
    const json_t *k;
    json_array_foreach(expect, i, k) {
        enum coach_kind kind;
        if (!json_is_string(k) || !coach_kind_parse(json_string_value(k), &kind)) {
            bad(s, c->line, c->id, "\"expect\" names an unknown finding kind");
            return false;
        }
        if (c->expect[kind]) {
            bad(s, c->line, c->id, "\"expect\" names a kind twice");
            return false;
        }
        c->expect[kind] = true;
        c->n_expect++;
    }

    const json_t *spans = json_object_get(c->obj, "spans");
    if (spans && (!json_is_array(spans) || json_array_size(spans) > MAX_SPANS)) {
        bad(s, c->line, c->id, "\"spans\" is an array of at most 8 {\"kind\",\"text\"}");
        return false;
    }
    const json_t *sp;
    json_array_foreach(spans, i, sp) {
        const char *kind_name = str_field(sp, "kind"), *text = str_field(sp, "text");
        enum coach_kind kind;
        if (!kind_name || !text || !*text || !coach_kind_parse(kind_name, &kind)) {
            bad(s, c->line, c->id, "a span is {\"kind\":<finding kind>,\"text\":<draft text>}");
            return false;
        }
        if (!strstr(c->draft, text)) {
            bad(s, c->line, c->id, "span text not in the draft");
            return false;
        }
        if (!c->expect[kind]) {
            bad(s, c->line, c->id, "span kind not in \"expect\"");
            return false;
        }
        c->spans[c->n_spans++] = (struct span){kind, text};
    }
    return true;
}

static void cases_load(struct cases *s, const char *file)
{
    memset(s, 0, sizeof *s);
    s->file = file;
    FILE *f = fopen(file, "r");
    if (!f)
        fail_msg("unable to open '%s' (run the tests from the repository root)", file);
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        json_error_t jerr;
        json_t *obj = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(obj)) {
            bad(s, lineno, NULL, obj ? "a case is a JSON object" : jerr.text);
            json_decref(obj);
            continue;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 128;
            s->v = xrealloc(s->v, s->cap * sizeof s->v[0]);
        }
        struct coach_case *c = &s->v[s->n];
        memset(c, 0, sizeof *c);
        c->line = lineno;
        c->obj = obj;
        if (case_read(s, c))
            s->n++;
        else
            json_decref(obj);
    }
    free(line);
    fclose(f);
}

static void cases_free(struct cases *s)
{
    for (size_t i = 0; i < s->n; i++)
        json_decref(s->v[i].obj);
    free(s->v);
}

/* Checks what every case set must hold: unique ids, approved drafts expect
 * nothing, bad ones one to three kinds.  Counts into approved, bad_drafts
 * and per_kind; problems are printed and counted in s->errors. */
static void set_check(struct cases *s, size_t *approved, size_t *bad_drafts,
                      size_t per_kind[N_COACH_KINDS])
{
    for (size_t i = 0; i < s->n; i++) {
        const struct coach_case *c = &s->v[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->id, s->v[j].id) == 0)
                bad(s, c->line, c->id, "id used twice");
        if (c->approved) {
            (*approved)++;
            if (c->n_expect)
                bad(s, c->line, c->id, "an approved draft expects no finding");
        } else {
            (*bad_drafts)++;
            if (c->n_expect < 1 || c->n_expect > 3)
                bad(s, c->line, c->id, "a bad draft expects one to three kinds");
        }
        for (int k = 0; k < N_COACH_KINDS; k++)
            per_kind[k] += c->expect[k];
    }
}

/* The set itself: well formed, unique ids, big enough, approved drafts
 * expect nothing, bad ones one to three kinds, every kind expected often
 * enough to be measured. */
static void golden_set_is_complete(void **state)
{
    (void)state;
    struct cases s;
    cases_load(&s, CASES_FILE);
    size_t approved = 0, bad_drafts = 0, per_kind[N_COACH_KINDS] = {0};
    set_check(&s, &approved, &bad_drafts, per_kind);
    for (int k = 0; k < N_COACH_KINDS; k++)
        if (per_kind[k] < MIN_CASES_PER_KIND) {
            fprintf(stderr, "%s: only %zu cases expect %s\n", CASES_FILE, per_kind[k],
                    coach_kind_name((enum coach_kind)k));
            s.errors++;
        }
    unsigned errors = s.errors;
    size_t n = s.n;
    cases_free(&s);
    print_message("golden coach set: %zu cases, %zu approved, %zu bad\n", n, approved,
                  bad_drafts);
    assert_int_equal(errors, 0);
    assert_true(n >= MIN_CASES);
    assert_true(approved >= MIN_APPROVED);
    assert_true(bad_drafts >= MIN_BAD);
}

static bool is_warning(const struct coach_finding *f)
{
    return f->severity == COACH_WARN || f->severity == COACH_ERROR;
}

/* True when a warn/error finding of kind covers draft text at [off, off+n). */
static bool covered(const struct coach_review *r, enum coach_kind kind, size_t off, size_t n)
{
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct coach_finding *f = &r->findings[i];
        if (f->kind == kind && is_warning(f) && f->start <= off && off + n <= f->end)
            return true;
    }
    return false;
}

/* Prints s[0..n) on one line, line breaks as "\\n", so each draft reads as
 * it stands in the case file. */
static void print_oneline(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            fputs("\\n", stderr);
        else
            fputc(s[i], stderr);
    }
}

static void print_failure(const char *file, const struct coach_case *c,
                          const struct coach_review *r, const char *why)
{
    fprintf(stderr, "%s:%u: %s: %s\n  draft: ", file, c->line, c->id, why);
    print_oneline(c->draft, c->draft_len);
    fputc('\n', stderr);
    if (!r->n_findings)
        fprintf(stderr, "  (no findings)\n");
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct coach_finding *f = &r->findings[i];
        fprintf(stderr, "  %s %s [%u,%u) \"", coach_severity_name(f->severity),
                coach_kind_name(f->kind), f->start, f->end);
        if (f->start <= f->end && f->end <= c->draft_len)
            print_oneline(c->draft + f->start, f->end - f->start);
        fputs("\"\n", stderr);
    }
}

/* Counts over the whole set, for the figures the run prints. */
struct tally {
    size_t approved, approved_clean;
    size_t expected, found;            /* expected kinds, and those that came back */
    size_t spans, spans_covered;
    size_t warn_kinds, warn_kinds_expected; /* distinct warn/error kinds per case */
    size_t kind_expected[N_COACH_KINDS], kind_found[N_COACH_KINDS];
    size_t kind_flagged[N_COACH_KINDS], kind_flagged_ok[N_COACH_KINDS];
};

/* Reviews one case; returns true when it passes, printing it otherwise. */
static bool check_case(struct coach *co, const char *file, const struct coach_case *c,
                       struct tally *t)
{
    struct coach_thread thread = {c->turns, c->n_turns, c->customer_name};
    struct coach_review r;
    enum terr e = coach_review(co, c->draft, c->draft_len, c->n_turns ? &thread : NULL, &r);
    if (e != TERR_OK) {
        fprintf(stderr, "%s:%u: %s: coach_review failed (%s)\n", file, c->line, c->id,
                terr_code(e));
        return false;
    }
    bool flagged[N_COACH_KINDS] = {false};
    for (size_t i = 0; i < r.n_findings; i++) {
        assert_true(r.findings[i].start <= r.findings[i].end);
        assert_true(r.findings[i].end <= c->draft_len);
        if (is_warning(&r.findings[i]))
            flagged[r.findings[i].kind] = true;
    }
    for (int k = 0; k < N_COACH_KINDS; k++)
        if (flagged[k]) {
            t->warn_kinds++;
            t->kind_flagged[k]++;
            if (c->expect[k]) {
                t->warn_kinds_expected++;
                t->kind_flagged_ok[k]++;
            }
        }

    char why[256] = "";
    size_t w = 0;
    if (c->approved) {
        t->approved++;
        if (coach_review_has_warnings(&r))
            w += (size_t)snprintf(why + w, sizeof why - w, "approved draft has warnings");
        else
            t->approved_clean++;
    }
    for (int k = 0; k < N_COACH_KINDS; k++) {
        if (!c->expect[k])
            continue;
        t->expected++;
        t->kind_expected[k]++;
        if (flagged[k]) {
            t->found++;
            t->kind_found[k]++;
        } else if (w < sizeof why) {
            w += (size_t)snprintf(why + w, sizeof why - w, "%smissing %s", w ? "; " : "",
                                  coach_kind_name((enum coach_kind)k));
        }
    }
    for (size_t i = 0; i < c->n_spans; i++) {
        const char *at = strstr(c->draft, c->spans[i].text);
        size_t n = strlen(c->spans[i].text);
        t->spans++;
        if (at && covered(&r, c->spans[i].kind, (size_t)(at - c->draft), n))
            t->spans_covered++;
        else if (w < sizeof why)
            w += (size_t)snprintf(why + w, sizeof why - w, "%sspan %s \"%s\" not covered",
                                  w ? "; " : "", coach_kind_name(c->spans[i].kind),
                                  c->spans[i].text);
    }
    if (w)
        print_failure(file, c, &r, why);
    return w == 0;
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 100.0;
}

static void print_tally(const struct tally *t)
{
    print_message("approved drafts clean: %zu of %zu (%.1f%%)\n", t->approved_clean,
                  t->approved, pct(t->approved_clean, t->approved));
    print_message("expected kinds found (recall): %zu of %zu (%.1f%%)\n", t->found, t->expected,
                  pct(t->found, t->expected));
    print_message("spans covered: %zu of %zu (%.1f%%)\n", t->spans_covered, t->spans,
                  pct(t->spans_covered, t->spans));
    /* A bad case lists its clear faults only, so a warning of another kind
     * there is not necessarily wrong: this precision is a lower bound. */
    print_message("warnings of an expected kind (precision, lower bound): %zu of %zu (%.1f%%)\n",
                  t->warn_kinds_expected, t->warn_kinds,
                  pct(t->warn_kinds_expected, t->warn_kinds));
    for (int k = 0; k < N_COACH_KINDS; k++)
        print_message("  %-18s recall %zu/%zu  precision %zu/%zu\n",
                      coach_kind_name((enum coach_kind)k), t->kind_found[k], t->kind_expected[k],
                      t->kind_flagged_ok[k], t->kind_flagged[k]);
}

/* Runs every case of file through the coach, filling t; returns how many
 * fail (each printed), and the set's format errors in *errors. */
static size_t run_cases(const char *file, struct tally *t, size_t *n, unsigned *errors)
{
    const char *models = getenv("TRUCE_MODELS");
    if (models && !*models)
        models = NULL;
    char err[512];
    struct analysis_data *ad = analysis_data_load("data", models, err, sizeof err);
    if (!ad)
        fail_msg("analysis_data_load: %s", err);
    struct coach_data *cd = coach_data_load("data", models, ad, err, sizeof err);
    if (!cd) {
        analysis_data_free(ad);
        fail_msg("coach_data_load: %s", err);
    }
    struct coach *co = coach_new(cd);
    struct cases s;
    cases_load(&s, file);
    memset(t, 0, sizeof *t);
    size_t failing = 0;
    for (size_t i = 0; i < s.n; i++)
        failing += !check_case(co, file, &s.v[i], t);
    *n = s.n;
    *errors = s.errors;
    cases_free(&s);
    coach_free(co);
    coach_data_free(cd);
    analysis_data_free(ad);
    return failing;
}

static void coach_matches_golden_cases(void **state)
{
    (void)state;
    struct tally t;
    size_t n;
    unsigned errors;
    size_t failing = run_cases(CASES_FILE, &t, &n, &errors);
    print_tally(&t);
    assert_int_equal(errors, 0);
    if (failing)
        fail_msg("%zu of %zu golden coach cases fail (printed above)", failing, n);
}

/* The held-out set is well formed: its size, unique ids, and one to three
 * kinds on each bad draft. */
static void holdout_set_is_complete(void **state)
{
    (void)state;
    struct cases s;
    cases_load(&s, HOLDOUT_FILE);
    size_t approved = 0, bad_drafts = 0, per_kind[N_COACH_KINDS] = {0};
    set_check(&s, &approved, &bad_drafts, per_kind);
    unsigned errors = s.errors;
    size_t n = s.n;
    cases_free(&s);
    print_message("held-out coach set: %zu cases, %zu approved, %zu bad\n", n, approved,
                  bad_drafts);
    assert_int_equal(errors, 0);
    assert_int_equal(n, HOLDOUT_CASES);
    assert_int_equal(approved, HOLDOUT_CASES / 2);
}

/* On drafts it was never tuned on, the coach leaves most approved drafts
 * clean and finds most expected faults; the misses are printed to judge. */
static void coach_meets_holdout_thresholds(void **state)
{
    (void)state;
    struct tally t;
    size_t n;
    unsigned errors;
    size_t failing = run_cases(HOLDOUT_FILE, &t, &n, &errors);
    print_message("held-out set, %zu of %zu cases with a miss (printed above):\n", failing, n);
    print_tally(&t);
    assert_int_equal(errors, 0);
    double clean = pct(t.approved_clean, t.approved), recall = pct(t.found, t.expected);
    if (clean < HOLDOUT_MIN_CLEAN_PCT)
        fail_msg("held-out approved drafts clean: %.1f%%, below %.0f%%", clean,
                 HOLDOUT_MIN_CLEAN_PCT);
    if (recall < HOLDOUT_MIN_RECALL_PCT)
        fail_msg("held-out expected kinds found: %.1f%%, below %.0f%%", recall,
                 HOLDOUT_MIN_RECALL_PCT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_set_is_complete),
        cmocka_unit_test(coach_matches_golden_cases),
        cmocka_unit_test(holdout_set_is_complete),
        cmocka_unit_test(coach_meets_holdout_thresholds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
