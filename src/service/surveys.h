/*
 * Follow-up and satisfaction surveys (issue 5, section 7).
 *
 * When a ticket is resolved, the same transaction creates a survey, queues a
 * message with its link in the outbox (due at once) and a follow-up message
 * (due after the policy's delay), and audits "survey.create".  The customer
 * answers once through the link; an answer is audited "survey.answered", and
 * a low one (see survey_answer_low) reopens a resolved ticket and is audited
 * "survey.low_score".  Nothing here sends mail: outbox rows stay queued for
 * the channel that delivers them.  The follow-up is also the agent's task: a
 * FOLLOW_UP_JOB due with the follow-up message reminds the ticket's assignee
 * (the leads when nobody holds it) if the ticket is still resolved then.
 *
 * The key that signs the links is the 'survey_key' row of the settings table,
 * made on the first resolution and kept in the database, so it survives
 * restarts and is shared by every server on that database.
 */
#ifndef TRUCE_SVC_SURVEYS_H
#define TRUCE_SVC_SURVEYS_H

#include "../domain/survey.h"
#include "service.h"
#include "link_token.h"

#define SURVEY_TTL_MS          (14LL * 24 * 3600 * 1000) /* a link works for 14 days */
#define FOLLOW_UP_DAYS_DEFAULT 3
#define SURVEY_LINK_PREFIX     "/s/"

struct survey_policy {
    int64_t ttl_ms;       /* how long a link works; 0: SURVEY_TTL_MS */
    int64_t follow_up_ms; /* delay of the follow-up message; 0: FOLLOW_UP_DAYS_DEFAULT days */
};

/* The job that reminds the assignee of the follow-up when it is due. */
#define FOLLOW_UP_JOB "ticket.follow_up"

/* Registers the follow-up job's handler with the scheduler. */
void svc_survey_register_jobs(void);

/* Sets the policy for the whole process (NULL: the defaults).  Call before
 * serving; the values are read without a lock. */
void svc_survey_setup(const struct survey_policy *p);

/* The survey key into key: read from the settings, or (when create) made and
 * stored in this write transaction if there is none yet.  Without create,
 * TERR_NOT_FOUND when no key exists. */
enum terr svc_survey_key(struct store_tx *tx, bool create, unsigned char key[LINK_KEY_LEN]);

/* What a resolution queued. */
struct survey_sent {
    int64_t survey_id;
    int64_t message_id;   /* the outbox row with the link */
    int64_t follow_up_id; /* the follow-up outbox row */
    char token[LINK_TOKEN_MAX];
};

/* Creates the survey, its outbox message and the follow-up for ticket t
 * (just resolved), and audits; *out (may be NULL) says what was made. */
enum terr svc_survey_on_resolve(struct store_tx *tx, const struct actor *who,
                                const struct ticket *t, int64_t now, struct survey_sent *out,
                                struct terr_info *ei);

/* The survey a link token names: TERR_NOT_FOUND for a forged, altered or
 * unknown token (signature and stored hash both checked).  Expiry and
 * answers are left to the caller (survey_state_at).  Release *out. */
enum terr svc_survey_find(struct store_tx *tx, const char *token, struct survey *out,
                          struct terr_info *ei);

struct survey_result {
    struct survey survey; /* as answered; release with survey_release */
    bool low;             /* the answer was low */
    bool reopened;        /* ... and reopened the ticket */
};

/* Records the customer's answer through a link, once: TERR_NOT_FOUND (bad
 * link), TERR_GONE (expired), TERR_CONFLICT (answered already), or the
 * answer's own errors (survey_answer_check).  Nothing is written on error. */
enum terr svc_survey_answer(struct store_tx *tx, const char *token, const struct survey_answer *a,
                            int64_t now, struct survey_result *out, struct terr_info *ei);

/* The same for survey id, without its link: for truce's own loaders (the
 * demo's history), which made the survey and never saw the link.
 * TERR_NOT_FOUND for an unknown id; otherwise as above. */
enum terr svc_survey_answer_id(struct store_tx *tx, int64_t id, const struct survey_answer *a,
                               int64_t now, struct survey_result *out, struct terr_info *ei);

#endif
