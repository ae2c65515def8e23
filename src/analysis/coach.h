/*
 * The reply coach: how an agent's draft will land, before it is sent.
 *
 * coach_review() reads one draft, optionally with the thread it answers
 * (the customer's messages and their analysis, earlier agent replies, the
 * customer's name), and reports:
 *   - findings: what a careful team lead would point out, each with a byte
 *     span in the draft, a message and, where one fits, a suggested rewrite;
 *   - scores 0..100 per skill (listening, empathy, ownership, clarity,
 *     solution, professionalism) and overall;
 *   - politeness, 0..1, from a learnt model (politeness.h) when one is loaded;
 *   - the de-escalation playbook that fits the thread (playbook.h).
 *
 * Rules and phrase lists are data files under data/coach/ (each explains
 * why its rule exists); playbooks are under data/playbooks/.  A finding
 * about something missing (no apology, no next step) has an empty span
 * (start == end) at the place the missing words would go: the start of the
 * draft, or its end for a closing.
 *
 * Precision matters as much as recall: a reply a careful lead would approve
 * gets no warn or error finding; doubtful cases are at most "info".
 *
 * struct coach_data is loaded once and shared read-only by threads; struct
 * coach is one thread's scratch (an analyzer, tokens, match buffers).
 */
#ifndef TRUCE_COACH_H
#define TRUCE_COACH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "analysis/playbook.h"
#include "analysis/risk.h"
#include "util/err.h"

#define COACH_KINDS(X)                                                                             \
    X(COACH_NO_ACKNOWLEDGEMENT, "no_acknowledgement")                                              \
    X(COACH_NO_APOLOGY, "no_apology")                                                              \
    X(COACH_HOLLOW_APOLOGY, "hollow_apology")                                                      \
    X(COACH_NO_THANKS, "no_thanks")                                                                \
    X(COACH_NO_NAME, "no_name")                                                                    \
    X(COACH_BLAME, "blame")                                                                        \
    X(COACH_DEFENSIVE, "defensive")                                                                \
    X(COACH_CONDESCENDING, "condescending")                                                        \
    X(COACH_SHOUTING, "shouting")                                                                  \
    X(COACH_JARGON, "jargon")                                                                      \
    X(COACH_NEGATIVE_PHRASING, "negative_phrasing")                                                \
    X(COACH_NO_NEXT_STEP, "no_next_step")                                                          \
    X(COACH_NO_PARAPHRASE, "no_paraphrase")                                                        \
    X(COACH_NO_OPEN_QUESTION, "no_open_question")                                                  \
    X(COACH_WALL_OF_TEXT, "wall_of_text")                                                          \
    X(COACH_HARD_TO_READ, "hard_to_read")                                                          \
    X(COACH_NO_GREETING, "no_greeting")                                                            \
    X(COACH_NO_CLOSING, "no_closing")

#define X(e, s) e,
enum coach_kind { COACH_KINDS(X) N_COACH_KINDS };
#undef X
const char *coach_kind_name(enum coach_kind k);
bool coach_kind_parse(const char *s, enum coach_kind *out);

enum coach_severity { COACH_INFO, COACH_WARN, COACH_ERROR };
const char *coach_severity_name(enum coach_severity s);

#define COACH_SKILLS(X)                                                                            \
    X(SKILL_LISTENING, "listening")                                                                \
    X(SKILL_EMPATHY, "empathy")                                                                    \
    X(SKILL_OWNERSHIP, "ownership")                                                                \
    X(SKILL_CLARITY, "clarity")                                                                    \
    X(SKILL_SOLUTION, "solution")                                                                  \
    X(SKILL_PROFESSIONALISM, "professionalism")                                                    \
    X(SKILL_OVERALL, "overall")

#define X(e, s) e,
enum coach_skill { COACH_SKILLS(X) N_COACH_SKILLS };
#undef X
const char *coach_skill_name(enum coach_skill s);

#define COACH_MESSAGE_MAX    200
#define COACH_SUGGESTION_MAX 240

struct coach_finding {
    enum coach_kind kind;
    enum coach_severity severity;
    uint32_t start, end;                   /* byte offsets into the draft, [start, end) */
    char message[COACH_MESSAGE_MAX];       /* why it matters, one sentence */
    char suggestion[COACH_SUGGESTION_MAX]; /* a rewrite or what to add; "" when none */
};

/* One earlier message of the thread the draft answers, oldest first. */
struct coach_turn {
    enum thread_author author;
    const char *body;
    size_t len;
    /* Customer turns: their analysis, or NULL to have the coach analyse the
     * body.  Ignored for other authors. */
    const struct msg_analysis *analysis;
    int internal; /* an internal note: the customer never saw it */
};

struct coach_thread {
    const struct coach_turn *turns;
    size_t n;
    const char *customer_name; /* NULL or "" when unknown */
};

#define COACH_MAX_FINDINGS 32

struct coach_review {
    struct coach_finding findings[COACH_MAX_FINDINGS]; /* in order of start */
    size_t n_findings;
    int scores[N_COACH_SKILLS]; /* 0..100 */
    double politeness;          /* 0..1; < 0 when no politeness model is loaded */
    /* The thread as the coach read it. */
    enum conflict_level level; /* the customer's latest level (calm without a thread) */
    int first_reply;           /* no agent reply precedes the draft */
    int customer_upset;        /* the customer showed emotion in the thread */
    int company_fault; /* the customer reports something we got wrong, not yet apologised for */
    struct playbook_choice playbook;
    /* Readability of the draft. */
    size_t words, sentences;
    double reading_ease; /* Flesch reading ease; 100 for an empty draft */
};

struct coach_data;
struct coach;

/* Loads the coach's data from dir (the data directory: coach/, playbooks/)
 * and the politeness model from models_dir/politeness.model when it exists
 * (models_dir may be NULL).  The analysis data a is borrowed: it must
 * outlive the coach data.  NULL with a message naming the file and line. */
struct coach_data *coach_data_load(const char *dir, const char *models_dir,
                                   const struct analysis_data *a, char *err, size_t errlen);
void coach_data_free(struct coach_data *d);

/* A per-thread coach over d (borrowed). */
struct coach *coach_new(const struct coach_data *d);
void coach_free(struct coach *c);

/* How much of a thread the coach reads: the newest COACH_THREAD_TURNS turns
 * within COACH_THREAD_BYTES, each cut to COACH_TURN_BYTES (a review's cost
 * does not grow with the thread). */
#define COACH_THREAD_TURNS 40
#define COACH_THREAD_BYTES (32u * 1024u)
#define COACH_TURN_BYTES   (8u * 1024u)

/* Largest draft coach_review() accepts, in bytes. */
#define COACH_MAX_DRAFT (64u * 1024u)

/* Reviews draft[0..len) in reply to thread (NULL: no context).
 * TERR_INVALID for an empty or blank draft, TERR_BAD_UTF8, TERR_TOO_LARGE
 * past COACH_MAX_DRAFT; out is filled only on TERR_OK. */
enum terr coach_review(struct coach *c, const char *draft, size_t len,
                       const struct coach_thread *thread, struct coach_review *out);

/* {"findings":[{"kind","severity","start","end","text","message","suggestion"}],
 *  "scores":{...},"politeness":x|null,"level","first_reply","customer_upset",
 *  "company_fault","playbook":{...}|null,
 *  "readability":{"words","sentences","reading_ease"}}; caller owns it. */
json_t *coach_review_to_json(const struct coach_review *r, const char *draft, size_t len);

/* True when the review has a warn or error finding. */
bool coach_review_has_warnings(const struct coach_review *r);

#endif
