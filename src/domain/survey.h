/*
 * Surveys and the outbox as pure data and rules: the records, their
 * vocabularies, and what makes an answer valid or "low".  No I/O.
 *
 * A survey is sent once per resolution and answered at most once.  Scores are
 * optional one by one (SURVEY_NO_SCORE), but an answer has at least one of
 * them.  Times are int64 ms since the epoch; 0 means "not yet".
 */
#ifndef TRUCE_SURVEY_H
#define TRUCE_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "model.h"

/* clang-format off */
#define OUTBOX_KIND_MAP(X) X(SURVEY, "survey") X(FOLLOW_UP, "follow_up") X(NOTICE, "notice")
#define OUTBOX_STATE_MAP(X) X(QUEUED, "queued") X(SENT, "sent") X(FAILED, "failed")
/* clang-format on */

enum outbox_kind {
#define X(name, str) OUTBOX_##name,
    OUTBOX_KIND_MAP(X)
#undef X
};
enum outbox_state {
#define X(name, str) OUTBOX_STATE_##name,
    OUTBOX_STATE_MAP(X)
#undef X
};
const char *outbox_kind_name(enum outbox_kind v);
bool outbox_kind_parse(const char *s, enum outbox_kind *out);
const char *outbox_state_name(enum outbox_state v);
bool outbox_state_parse(const char *s, enum outbox_state *out);

#define SURVEY_NO_SCORE    (-1)
#define SURVEY_COMMENT_MAX 2000 /* characters (code points), not bytes */
#define SURVEY_HASH_LEN    32
/* An answer is "low" (the customer is unhappy: the ticket reopens) when
 * csat <= SURVEY_LOW_CSAT or nps <= SURVEY_LOW_NPS.  CES measures effort,
 * not satisfaction, and never reopens a ticket on its own. */
#define SURVEY_LOW_CSAT 2
#define SURVEY_LOW_NPS  6

struct survey {
    int64_t id;
    int64_t ticket_id;
    unsigned char token_hash[SURVEY_HASH_LEN];
    int64_t created_at;
    int64_t expires_at;
    int64_t answered_at;
    int csat, nps, ces; /* SURVEY_NO_SCORE when not given */
    char *comment;      /* NULL when not given */
};

/* What a customer sent; the comment is borrowed. */
struct survey_answer {
    int csat, nps, ces; /* SURVEY_NO_SCORE when not given */
    const char *comment;
};

/* A message to a customer: sent by the channel the ticket came in on. */
struct outbox_msg {
    int64_t id;
    int64_t ticket_id; /* 0: none */
    int64_t customer_id;
    enum channel channel;
    enum outbox_kind kind;
    char *subject;
    char *body;
    enum outbox_state state;
    int64_t survey_id; /* 0: none */
    int64_t due_at;    /* not to be sent before this */
    int64_t created_at;
    int64_t sent_at; /* 0: not sent */
};

/* Each accepts NULL and leaves the record zeroed. */
void survey_release(struct survey *s);
void outbox_msg_release(struct outbox_msg *m);
/* Free an array of n records and the array itself.  Accept NULL. */
void surveys_free(struct survey *v, size_t n);
void outbox_msgs_free(struct outbox_msg *v, size_t n);

/* Checks an answer: scores in range (csat 1-5, nps 0-10, ces 1-7), at least
 * one score, a comment of at most SURVEY_COMMENT_MAX characters of valid
 * UTF-8.  TERR_INVALID / TERR_MISSING_FIELD / TERR_TOO_LONG / TERR_BAD_UTF8
 * with the field named. */
enum terr survey_answer_check(const struct survey_answer *a, struct terr_info *ei);

/* True when the answer says the customer is unhappy (see SURVEY_LOW_*). */
bool survey_answer_low(const struct survey_answer *a);

enum survey_state { SURVEY_PENDING, SURVEY_ANSWERED, SURVEY_EXPIRED };
/* Answered wins over expired: an answer given in time stays an answer. */
enum survey_state survey_state_at(const struct survey *s, int64_t now);
const char *survey_state_name(enum survey_state v);

#endif
