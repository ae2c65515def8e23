/* Route handlers, one file per resource (h_*.c). */
#ifndef TRUCE_HANDLERS_H
#define TRUCE_HANDLERS_H

#include "request.h"

void h_root(struct request *req);
void h_health(struct request *req);
void h_session_create(struct request *req);
void h_session_get(struct request *req);
void h_session_delete(struct request *req);
void h_tickets_create(struct request *req);
void h_tickets_list(struct request *req);
void h_ticket_get(struct request *req);
void h_ticket_patch(struct request *req);
void h_ticket_events(struct request *req);
void h_messages_create(struct request *req);
void h_messages_list(struct request *req);
void h_customer_get(struct request *req);
void h_agents_create(struct request *req);
void h_agents_list(struct request *req);
void h_analyze(struct request *req);
void h_coach(struct request *req);
void h_qa(struct request *req);
void h_webhooks_create(struct request *req);
void h_webhooks_list(struct request *req);
void h_webhook_get(struct request *req);
void h_webhook_delete(struct request *req);
void h_webhook_deliveries(struct request *req);
void h_ticket_surveys(struct request *req);
void h_outbox_list(struct request *req);
void h_survey_show(struct request *req);
void h_survey_answer(struct request *req);
void h_sla_get(struct request *req);
void h_sla_put(struct request *req);

/* Adds "sla" (the clocks of ticket_id now, h_sla.c) to the ticket's JSON. */
enum terr h_sla_attach(struct store_tx *tx, int64_t ticket_id, json_t *ticket);
void h_offers_create(struct request *req);
void h_ticket_offers(struct request *req);
void h_offers_list(struct request *req);
void h_offer_get(struct request *req);
void h_offer_approve(struct request *req);
void h_offer_reject(struct request *req);
void h_offer_withdraw(struct request *req);
void h_case_link(struct request *req);
void h_case_show(struct request *req);
void h_ticket_steps_get(struct request *req);
void h_ticket_steps_mark(struct request *req);
void h_ticket_lessons_create(struct request *req);
void h_ticket_lessons_list(struct request *req);
void h_lessons_list(struct request *req);
void h_problems_create(struct request *req);
void h_problems_list(struct request *req);
void h_problem_get(struct request *req);
void h_problem_patch(struct request *req);
void h_ticket_problem_link(struct request *req);
void h_ticket_problem_unlink(struct request *req);
/* The knowledge base (h_kb.c). */
void h_articles_create(struct request *req);
void h_articles_list(struct request *req);
void h_article_get(struct request *req);
void h_article_patch(struct request *req);
void h_article_delete(struct request *req);
void h_article_versions(struct request *req);
void h_article_preview(struct request *req);
void h_public_articles_list(struct request *req);
void h_public_article_get(struct request *req);

/* The six steps as the API shows them (h_steps.c). */
struct steps_report;
struct lesson;
json_t *render_steps(const struct steps_report *r);
json_t *render_lesson(const struct lesson *l);
/* Sets "steps" on the rendered ticket (ticket_id's), read in tx. */
enum terr render_ticket_steps(struct store_tx *tx, int64_t ticket_id, json_t *ticket);
void h_agent_get(struct request *req);
void h_agent_patch(struct request *req);
void h_report_trends(struct request *req);
void h_report_overview(struct request *req);
void h_report_agents(struct request *req);
void h_report_emerging(struct request *req);
void h_report_deflection(struct request *req);
void h_rules_list(struct request *req);
void h_rules_create(struct request *req);
void h_rules_replace(struct request *req);
void h_rule_get(struct request *req);
void h_rule_update(struct request *req);
void h_rule_delete(struct request *req);
void h_ticket_rules(struct request *req);
void h_ticket_rules_rearm(struct request *req);
void h_notifications_list(struct request *req);
void h_notification_read(struct request *req);

/* The web directory (h_web.c): a file of web/ by its URL, and the
 * public routes of the customer pages. */
struct web_file;
void h_web_file(struct request *req);
/* Replies with f (200, or 304 when the client's If-None-Match names its ETag). */
void reply_web_file(struct request *req, const struct web_file *f);
void h_public_contact(struct request *req);
/* Search and suggestions (h_search.c). */
void h_search(struct request *req);
void h_public_search(struct request *req);
void h_public_suggest(struct request *req);
void h_public_deflected(struct request *req);
void h_ticket_suggestions(struct request *req);
void h_case_reply(struct request *req);

#endif
