/*
 * De-escalation playbooks: what to do with a conflict of a given level and
 * kind, as data the team edits (data/playbooks/).
 *
 * One file per conflict level (tense, heated, hostile) and per trigger kind
 * that needs its own handling (legal_threat, churn_threat, public_threat,
 * escalation_request, repeat_contact, abuse, safety).  Each holds steps,
 * what to avoid, example phrasings and who to involve.  playbook_choose()
 * picks the files that fit a situation (the level's, then one per trigger
 * present, most serious first) and a style: a distraught customer gets more
 * acknowledgement first; one who wants facts gets short, direct, concrete
 * steps.
 *
 * Loaded once, read-only afterwards, shared by threads.
 */
#ifndef TRUCE_PLAYBOOK_H
#define TRUCE_PLAYBOOK_H

#include <jansson.h>
#include <stddef.h>

#include "analysis/analysis.h"

struct playbook;  /* one file */
struct playbooks; /* all of them */

/* Chosen from the situation's emotions, questions and facts; the thresholds
 * are in playbook.c and data/playbooks/README.md. */
enum playbook_style {
    PLAYBOOK_STANDARD,
    PLAYBOOK_EMPATHETIC, /* distraught: more acknowledgement, slower pace */
    PLAYBOOK_DIRECT,     /* wants facts: short, concrete steps first */
};
const char *playbook_style_name(enum playbook_style s);

/* What the coach knows of the thread. */
struct playbook_situation {
    enum conflict_level level;   /* the thread's level */
    unsigned triggers;           /* bit (1u << kind) per trigger kind seen in the thread */
    double emotions[N_EMOTIONS]; /* the customer's latest message, 0..1 */
    int questions;               /* customer questions still unanswered */
    int facts;                   /* the customer gives or asks concrete facts (ids, dates, amounts) */
};

#define PLAYBOOK_MAX_PICKED 4

struct playbook_choice {
    const struct playbook *picked[PLAYBOOK_MAX_PICKED]; /* level's first, then triggers' */
    size_t n;                                           /* 0: calm, nothing to play */
    enum playbook_style style;
    enum conflict_level level; /* the situation's, for the JSON */
};

/* Loads every playbook of dir (data/playbooks).  NULL with a message naming
 * the file and line when one is missing or malformed. */
struct playbooks *playbooks_load(const char *dir, char *err, size_t errlen);
void playbooks_free(struct playbooks *p);

/* A playbook's file name ("hostile.txt") and its title line, borrowed from
 * the loaded set. */
const char *playbook_file(const struct playbook *pb);
const char *playbook_title(const struct playbook *pb);

/* Chooses for s.  Can't fail; a calm thread without triggers gets n == 0. */
void playbook_choose(const struct playbooks *p, const struct playbook_situation *s,
                     struct playbook_choice *out);

/* The choice, personalised for its style: {"style","level","triggers":[...],
 * "steps":[...],"avoid":[...],"phrasings":[...],"involve":[...],"sources":[...]};
 * JSON null when n == 0.  Caller owns it. */
json_t *playbook_choice_to_json(const struct playbook_choice *c);

#endif
