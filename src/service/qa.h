/*
 * QA scorecards: the sent agent replies of conversations, each reviewed by
 * the reply coach against the thread before it, summed per conversation and
 * per agent (truce qa, POST /api/v1/qa).
 *
 * The input is a list of conversations, each a list of messages (customer
 * or agent, with the agent's name), read from a ticket, a CSV or JSONL
 * export, or an API body.  Every agent message that is not an internal note
 * is a sent reply; replies under QA_MIN_WORDS words are too short to judge
 * and are skipped (counted and listed, never scored).  Every list has a cap
 * given at qa_input_init(); past it the input is refused, not cut.
 */
#ifndef TRUCE_SVC_QA_H
#define TRUCE_SVC_QA_H

#include <jansson.h>
#include <stdio.h>

#include "../analysis/risk.h"
#include "service.h"

/* A reply shorter than this many words is skipped. */
#define QA_MIN_WORDS 5
/* Agent replies per request on the API; per run on the command line. */
#define QA_API_MAX_REPLIES 10000
#define QA_CLI_MAX_REPLIES 200000
/* Messages per conversation. */
#define QA_MAX_MESSAGES 5000

struct qa_message {
    enum thread_author author;
    bool internal;
    char *agent; /* agent replies: who sent it; NULL when unknown */
    char *body;
};

struct qa_conversation {
    char *id;
    char *customer_name; /* NULL when unknown */
    struct qa_message *v;
    size_t n, cap;
};

struct qa_input {
    struct qa_conversation *v;
    size_t n, cap;
    size_t n_replies, max_replies;   /* sent agent replies so far, and their cap */
    size_t n_messages, max_messages; /* all messages, capped at 10 x max_replies */
};

void qa_input_init(struct qa_input *in, size_t max_replies);
/* Accepts a released or zeroed input. */
void qa_input_release(struct qa_input *in);

/* Adds one conversation given as JSON: {"id": string|integer,
 * "customer_name"?, "messages": [{"author": "customer"|"agent", "agent"?,
 * "body", "internal"?}]}.  Errors name the field under `field`
 * ("conversations[3].messages[0].author").  On error `in` is unchanged. */
enum terr svc_qa_add_json(struct qa_input *in, const json_t *conv, const char *field,
                          struct terr_info *ei);

/* Adds the conversations of a CSV export read from f: the columns
 * conversation_id, author, agent, body[, customer_name] in this order (a
 * first row naming them is a header), a conversation's rows consecutive and
 * oldest first.  Errors name `source` and the line; the input then holds
 * part of the file (release it). */
enum terr svc_qa_add_csv(struct qa_input *in, FILE *f, const char *source, struct terr_info *ei);

/* Adds ticket_id's thread (internal notes marked), agents by email.
 * TERR_NOT_FOUND for an unknown ticket. */
enum terr svc_qa_add_ticket(struct store_tx *tx, struct qa_input *in, int64_t ticket_id,
                            struct terr_info *ei);

/* Reviews every sent reply with this thread's coach (service/coach.h) and
 * returns the scorecard (caller owns it):
 *   {"replies": [{"conversation","index","agent","scores","findings"}],
 *    "conversations": [{"id","replies","skipped","findings","warnings","scores"}],
 *    "agents": [{"agent","replies","findings","warnings","scores","kinds":{kind: n}}],
 *    "skipped": {"count","replies": [{"conversation","index","agent","reason","words"}]},
 *    "totals": {"conversations","replies","skipped","findings","warnings","scores"}}
 * "index" is the message's position in its conversation (from 0); "scores"
 * of a group are the means of its replies' (null without replies).
 * TERR_INTERNAL when the coach is off. */
enum terr svc_qa_run(const struct qa_input *in, json_t **out, struct terr_info *ei);

#endif
