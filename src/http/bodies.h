/* Field tables of the request bodies, one per route that takes a body. */
#ifndef TRUCE_BODIES_H
#define TRUCE_BODIES_H

#include "json_in.h"

extern const struct jfield body_ticket_create[];  /* POST /api/v1/tickets */
extern const struct jfield body_ticket_patch[];   /* PATCH /api/v1/tickets/{id} */
extern const struct jfield body_message_create[]; /* POST /api/v1/tickets/{id}/messages */
extern const struct jfield body_login[];          /* POST /api/v1/session */
extern const struct jfield body_agent_create[];   /* POST /api/v1/agents */
extern const struct jfield body_agent_patch[];    /* PATCH /api/v1/agents/{id} */
extern const struct jfield body_analyze[];        /* POST /api/v1/analyze */
extern const struct jfield body_coach[];          /* POST /api/v1/coach */
extern const struct jfield body_qa[];             /* POST /api/v1/qa */
extern const struct jfield body_webhook_create[]; /* POST /api/v1/webhooks */
extern const struct jfield body_survey_answer[];  /* POST /s/{token} (as JSON) */
extern const struct jfield body_offer_create[];   /* POST /api/v1/tickets/{id}/offers */
extern const struct jfield
    body_offer_decide[];                     /* POST /api/v1/offers/{id}/approve|reject|withdraw */
extern const struct jfield body_step_mark[]; /* POST /api/v1/tickets/{id}/steps */
extern const struct jfield body_lesson_create[];    /* POST /api/v1/tickets/{id}/lessons */
extern const struct jfield body_problem_create[];   /* POST /api/v1/problems */
extern const struct jfield body_problem_patch[];    /* PATCH /api/v1/problems/{id} */
extern const struct jfield body_problem_link[];     /* POST /api/v1/tickets/{id}/problem */
extern const struct jfield body_article_create[];   /* POST /api/v1/articles */
extern const struct jfield body_article_patch[];    /* PATCH /api/v1/articles/{id} */
extern const struct jfield body_article_preview[];  /* POST /api/v1/articles/preview */
extern const struct jfield body_public_contact[];   /* POST /api/v1/public/contact */
extern const struct jfield body_case_reply[];       /* POST /c/{token}/messages */
extern const struct jfield body_public_deflected[]; /* POST /api/v1/public/deflected */

#endif
