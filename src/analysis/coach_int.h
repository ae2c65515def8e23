/*
 * The insides of the coach, shared by coach.c (orchestration, JSON),
 * coach_data.c (loading data/coach/) and coach_rules.c (the checks).
 */
#ifndef TRUCE_COACH_INT_H
#define TRUCE_COACH_INT_H

#include "analysis/analysis_int.h"
#include "analysis/coach.h"
#include "analysis/playbook.h"
#include "analysis/politeness.h"
#include "text/phrase.h"
#include "text/tokenize.h"

struct coach_rules; /* coach_rules.c */

/* The most content-word stems kept of a thread (its read part holds fewer). */
#define COACH_STEMS_MAX 8192

struct coach_data {
    const struct analysis_data *analysis;
    struct coach_rules *rules;
    struct playbooks *playbooks;
    struct politeness_model *politeness; /* NULL: none loaded */
};

/* What the coach knows of the thread, read once per review. */
struct coach_context {
    const char *customer_name; /* NULL when unknown */
    int first_reply;
    int has_customer;              /* a customer message precedes the draft */
    struct msg_analysis latest;    /* the latest customer message (zero without) */
    struct msg_analysis strongest; /* the most heated customer message since the last reply */
    double emotion_peak[N_EMOTIONS];
    unsigned triggers;                /* bit per trigger kind since the last agent reply */
    unsigned all_triggers;            /* bit per trigger kind in the whole thread */
    enum conflict_level thread_level; /* the most heated customer message of the thread */
    double thread_compound;           /* the most negative sentiment of the thread */
    int company_fault;                /* the customer reports something the company got wrong */
    int fault_earlier;                /* ... in a message an earlier agent reply answered */
    int apologised_before;            /* an earlier agent reply apologised */
    int customer_questions;           /* questions since the last agent reply */
    int need_unclear;                 /* the customer's need is not clear yet */
    int need_clear;                   /* a customer message of the thread said what they need */
    int facts;                        /* the customer gives ids, numbers, dates */
    int concrete_words;               /* content words that say what the problem is, not how bad */
    /* Content words (stems, hyphens left out) of the customer's messages,
     * for the paraphrase check: offsets into stems_text, sorted by stem. */
    char *stems_text;
    size_t stems_len, stems_cap;
    uint32_t *stem_off;
    size_t n_stems, stems_alloc;
};

struct coach {
    const struct coach_data *d;
    struct analyzer *analyzer;
    struct tokens draft; /* the draft's tokens, stemmed, negation marked */
    struct coach_context ctx;
    struct phrase_hit *hits;
    size_t hits_cap;
};

struct coach_rules *coach_rules_load(const char *dir, struct stemmer *s, char *err, size_t errlen);
void coach_rules_free(struct coach_rules *r);

/* Notes what a customer message since the last agent reply tells the rules
 * (the company's fault, an unclear need) in c->ctx; t holds its tokens. */
void coach_rules_read_customer(struct coach *c, const struct tokens *t);

/* Notes what an earlier turn of the thread tells the rules: a customer
 * message already answered (the fault it reports) or an agent reply (an
 * apology it made).  t holds its tokens. */
void coach_rules_read_earlier(struct coach *c, enum thread_author author, const struct tokens *t);

/* Runs every rule on the tokenized draft; fills out->findings. */
void coach_rules_run(struct coach *c, const char *draft, size_t len, struct coach_review *out);

/* True when the customer wrote a word with this stem (hyphens left out). */
bool coach_thread_has_stem(const struct coach_context *x, const char *stem);

/* Flesch reading ease and counts of the tokenized draft. */
void coach_readability(const struct tokens *t, size_t *words, size_t *sentences, double *ease);

#endif
