/*
 * Conversation risk: how likely a thread is to end badly, 0..100, from its
 * trajectory rather than from one message: whether the customer got worse or
 * better since the last agent reply, how long the customer has waited since
 * their last message, how many times they have written, questions left
 * unanswered, the triggers so far, and whether the last agent reply helped.
 */
#ifndef TRUCE_RISK_H
#define TRUCE_RISK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"

enum thread_author { THREAD_CUSTOMER, THREAD_AGENT, THREAD_SYSTEM };

struct thread_msg {
    enum thread_author author;
    int64_t at_ms;                      /* when it was written, ms since the epoch */
    const struct msg_analysis *analysis; /* customer messages; NULL for others */
    int internal;                        /* an internal note: the customer never saw it */
};

#define RISK_MAX_REASONS 8

struct thread_risk {
    int risk; /* 0..100 */
    enum conflict_level level;
    int trend; /* -1 better, 0 same, 1 worse since the last agent reply */
    struct reason reasons[RISK_MAX_REASONS];
    size_t n_reasons;
};

/* Assesses msgs[0..n) (oldest first) as of now_ms.  Can't fail; an empty
 * thread is calm. */
void risk_assess(const struct thread_msg *msgs, size_t n, int64_t now_ms, struct thread_risk *out);

/* {"risk","level","trend","reasons":[{"text","weight"}]}; caller owns it. */
json_t *risk_to_json(const struct thread_risk *r);

#endif
