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

#endif
