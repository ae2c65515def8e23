/*
 * Conflict analysis of customer messages: the library's public face.
 *
 * Two objects:
 *   - struct analysis_data: everything loaded from the data directory
 *     (valence lexicon, trigger phrase lists, category map, models).  Loaded
 *     once, read-only afterwards, shared by all threads.
 *   - struct analyzer: one thread's scratch (tokens, stemmer, feature
 *     buffers).  Cheap to keep, not to be shared.
 *
 * analyze_message() reads one message the way a seasoned team lead would:
 * sentiment, emotions, triggers with byte spans, root-cause category, and a
 * conflict score 0..100 with its level and the reasons for it.
 * Conversation risk over a whole thread is in risk.h.
 *
 * This library does no I/O beyond loading its data files and never reaches
 * the store, HTTP or service layers.
 */
#ifndef TRUCE_ANALYSIS_H
#define TRUCE_ANALYSIS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Conflict levels, in order.  Names: "calm", "tense", "heated", "hostile". */
enum conflict_level { CONFLICT_CALM, CONFLICT_TENSE, CONFLICT_HEATED, CONFLICT_HOSTILE };
const char *conflict_level_name(enum conflict_level l);
/* The level for a score 0..100 (calm < 25 <= tense < 50 <= heated < 75 <= hostile). */
enum conflict_level conflict_level_of(int score);

#define TRIGGER_KINDS(X)                                                                        \
    X(TRIG_CHURN, "churn_threat")                                                               \
    X(TRIG_LEGAL, "legal_threat")                                                               \
    X(TRIG_PUBLIC, "public_threat")                                                             \
    X(TRIG_ESCALATION, "escalation_request")                                                    \
    X(TRIG_REPEAT, "repeat_contact")                                                            \
    X(TRIG_SHOUTING, "shouting")                                                                \
    X(TRIG_PROFANITY, "profanity")                                                              \
    X(TRIG_ABUSE, "abuse")                                                                      \
    X(TRIG_URGENCY, "urgency")                                                                  \
    X(TRIG_SAFETY, "safety")

#define X(e, s) e,
enum trigger_kind { TRIGGER_KINDS(X) N_TRIGGER_KINDS };
#undef X
const char *trigger_kind_name(enum trigger_kind k);
/* The kind named s; false when s names none. */
bool trigger_kind_parse(const char *s, enum trigger_kind *out);

#define EMOTIONS(X)                                                                             \
    X(EMO_ANGER, "anger")                                                                       \
    X(EMO_ANNOYANCE, "annoyance")                                                               \
    X(EMO_SADNESS, "disappointment")                                                            \
    X(EMO_FEAR, "anxiety")                                                                      \
    X(EMO_JOY, "gratitude")

#define X(e, s) e,
enum emotion { EMOTIONS(X) N_EMOTIONS };
#undef X
const char *emotion_name(enum emotion e);

/* The seeds' three coarse causes of conflict. */
enum cause { CAUSE_NONE, CAUSE_COMMUNICATION, CAUSE_PRODUCT_SERVICE, CAUSE_HUMAN_FACTORS };
const char *cause_name(enum cause c); /* NULL for CAUSE_NONE */

struct sentiment {
    double compound;      /* -1..1 */
    double pos, neu, neg; /* shares, summing to 1 (all 0 for text without words) */
};

struct trigger {
    enum trigger_kind kind;
    unsigned start, end; /* byte offsets into the message: [start, end) */
    double confidence;   /* 0..1 */
};

struct reason {
    char text[120]; /* "legal threat: \"see you in court\"", "strong negative sentiment" */
    int weight;     /* its share of the score, points */
};

#define ANALYSIS_MAX_TRIGGERS 32
#define ANALYSIS_MAX_REASONS 8
#define ANALYSIS_CATEGORY_MAX 128 /* a model label (MODEL_MAX_LABEL_LEN) and its NUL */

struct msg_analysis {
    struct sentiment sentiment;
    double emotions[N_EMOTIONS]; /* 0..1 each */
    struct trigger triggers[ANALYSIS_MAX_TRIGGERS];
    size_t n_triggers;
    char category[ANALYSIS_CATEGORY_MAX]; /* "" when no category model is loaded */
    double category_confidence;
    enum cause cause;
    int question;  /* the customer asks something (a '?' or a question opener) */
    int score;     /* 0..100 */
    enum conflict_level level;
    struct reason reasons[ANALYSIS_MAX_REASONS];
    size_t n_reasons;
};

struct analysis_data;
struct analyzer;

/* Loads the data directory dir (lexicons/, triggers/, categories.txt) and,
 * when models_dir is not NULL, the models found there (category.model,
 * emotion.model; a missing model is not an error, a corrupt one is).
 * On error returns NULL with a one-line reason in err. Free with
 * analysis_data_free(). */
struct analysis_data *analysis_data_load(const char *dir, const char *models_dir, char *err,
                                         size_t errlen);
void analysis_data_free(struct analysis_data *d);

/* A per-thread analyzer over d (borrowed; d must outlive it). */
struct analyzer *analyzer_new(const struct analysis_data *d);
void analyzer_free(struct analyzer *a);

/* Analyses text[0..len).  TERR_BAD_UTF8 for invalid UTF-8 (NUL included),
 * TERR_TOO_LARGE past TOKENIZE_MAX_BYTES; out is filled only on TERR_OK.
 * Empty or blank text is fine: a calm analysis with no triggers. */
enum terr analyze_message(struct analyzer *a, const char *text, size_t len,
                          struct msg_analysis *out);

/* The analysis as a JSON object (the API's shape); the trigger spans' text is
 * cut from text.  Caller owns the reference. */
json_t *analysis_to_json(const struct msg_analysis *m, const char *text, size_t len);

/* The same JSON as compact text, written without building a tree (the form
 * the desk stores on each message).  Caller frees.  Can't fail. */
char *analysis_json_text(const struct msg_analysis *m, const char *text, size_t len);

/* Reads back a stored analysis_json_text() (json, NUL-terminated) into
 * out: sentiment, emotions, triggers (kinds, offsets, confidence), category,
 * cause, question, score, level and reasons.  Missing fields (rows written
 * by older versions) read as zero/none and unknown trigger kinds are
 * skipped; TERR_INVALID when json is not an object or a field has the wrong
 * type.  out is filled only on TERR_OK. */
enum terr analysis_from_json(const char *json, struct msg_analysis *out);

#endif
