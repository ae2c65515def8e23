/*
 * libFuzzer target for the reply coach (src/analysis/coach*.c): the input is
 * a customer message, a NUL byte, and the agent's draft (no NUL: the whole
 * input is the draft, without a thread).  Data from data/, loaded once.
 *
 * Invariants: coach_review() answers TERR_OK for a valid, non-blank draft
 * and TERR_INVALID, TERR_BAD_UTF8 or TERR_TOO_LARGE otherwise.  On TERR_OK
 * every finding has a known kind and severity, a span start <= end <= len
 * on UTF-8 character boundaries, NUL-terminated texts, and findings are in
 * order of start; scores are 0..100; the JSON builds and holds as many
 * findings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/coach.h"
#include "fuzz.h"
#include "util/utf8.h"

static struct analysis_data *adata;
static struct coach_data *cdata;
static struct coach *coach;

static void init(void)
{
    char err[512];
    adata = analysis_data_load("data", NULL, err, sizeof err);
    cdata = adata ? coach_data_load("data", NULL, adata, err, sizeof err) : NULL;
    if (!cdata) {
        fprintf(stderr, "fuzz_coach: %s (run from the repository root)\n", err);
        abort();
    }
    coach = coach_new(cdata);
}

static int char_boundary(const char *d, size_t len, size_t at)
{
    return at == len || ((unsigned char)d[at] & 0xC0) != 0x80;
}

static int blank(const char *d, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r' && d[i] != '\n')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!coach)
        init();
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    const char *draft = nul ? nul + 1 : in;
    size_t len = nul ? size - (size_t)(nul + 1 - in) : size;
    struct coach_turn turn = {THREAD_CUSTOMER, in, nul ? (size_t)(nul - in) : 0, NULL, 0};
    struct coach_thread th = {&turn, 1, "Dana"};
    struct coach_review r;
    enum terr e = coach_review(coach, draft, len, nul ? &th : NULL, &r);
    if (e != TERR_OK) {
        FUZZ_ASSERT(e == TERR_INVALID || e == TERR_BAD_UTF8 || e == TERR_TOO_LARGE);
        FUZZ_ASSERT(e != TERR_INVALID || len == 0 || blank(draft, len));
        FUZZ_ASSERT(e != TERR_BAD_UTF8 || !utf8_valid(draft, len));
        return 0;
    }
    FUZZ_ASSERT(utf8_valid(draft, len) && len > 0 && !blank(draft, len));
    FUZZ_ASSERT(r.n_findings <= COACH_MAX_FINDINGS);
    for (size_t i = 0; i < r.n_findings; i++) {
        const struct coach_finding *f = &r.findings[i];
        FUZZ_ASSERT((int)f->kind >= 0 && f->kind < N_COACH_KINDS);
        FUZZ_ASSERT(f->severity == COACH_INFO || f->severity == COACH_WARN ||
                    f->severity == COACH_ERROR);
        FUZZ_ASSERT(f->start <= f->end && f->end <= len);
        FUZZ_ASSERT(char_boundary(draft, len, f->start) && char_boundary(draft, len, f->end));
        FUZZ_ASSERT(memchr(f->message, '\0', sizeof f->message) != NULL);
        FUZZ_ASSERT(memchr(f->suggestion, '\0', sizeof f->suggestion) != NULL);
        if (i)
            FUZZ_ASSERT(r.findings[i - 1].start <= f->start);
    }
    for (int s = 0; s < N_COACH_SKILLS; s++)
        FUZZ_ASSERT(r.scores[s] >= 0 && r.scores[s] <= 100);
    json_t *j = coach_review_to_json(&r, draft, len);
    FUZZ_ASSERT(j && json_array_size(json_object_get(j, "findings")) == r.n_findings);
    json_decref(j);
    return 0;
}
