/* The route table: every endpoint, its handler, the least role it needs and
 * the query parameters it takes. */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "server_int.h"

const char *const route_query_any[] = {NULL};

/* A route's query parameters (struct route's query). */
#define Q(...) ((const char *const[]){__VA_ARGS__, NULL})
#define PAGE   "limit", "cursor"
#define RANGE  "from", "to", "format"

static const struct route routes[] = {
    {"GET", "/", h_root, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/healthz", h_health, ROLE_AGENT, ROUTE_PUBLIC, NULL},
    /* The web directory (web_files.h): the console, the help center, assets. */
    {"GET", "/app", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/app/", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/app/{rest}", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/assets/{rest}", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/help", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/help/", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/help/{rest}", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"GET", "/case/{rest}", h_web_file, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    /* The public contact form: no login; rate-limited per address. */
    {"POST", "/api/v1/public/contact", h_public_contact, ROLE_AGENT, ROUTE_PUBLIC | ROUTE_BODY,
     NULL},
    /* Public search and deflection (h_search.c): articles only, rate-limited. */
    {"GET", "/api/v1/public/search", h_public_search, ROLE_AGENT, ROUTE_PUBLIC, Q("q", PAGE)},
    {"GET", "/api/v1/public/suggest", h_public_suggest, ROLE_AGENT, ROUTE_PUBLIC, Q("q")},
    {"POST", "/api/v1/public/deflected", h_public_deflected, ROLE_AGENT, ROUTE_PUBLIC | ROUTE_BODY,
     NULL},
    {"GET", "/api/v1/search", h_search, ROLE_AGENT, 0, Q("q", "type", PAGE)},
    {"GET", "/api/v1/tickets/{id}/suggestions", h_ticket_suggestions, ROLE_AGENT, 0, NULL},
    {"GET", "/api/v1/reports/deflection", h_report_deflection, ROLE_LEAD, 0, Q(RANGE)},
    {"POST", "/api/v1/session", h_session_create, ROLE_AGENT, ROUTE_PUBLIC | ROUTE_BODY, NULL},
    {"GET", "/api/v1/session", h_session_get, ROLE_AGENT, 0, NULL},
    {"DELETE", "/api/v1/session", h_session_delete, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/tickets", h_tickets_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/tickets", h_tickets_list, ROLE_AGENT, 0,
     Q("status", "assignee", "customer", "level", "channel", "q", "sort", PAGE)},
    {"GET", "/api/v1/tickets/{id}", h_ticket_get, ROLE_AGENT, 0, NULL},
    {"PATCH", "/api/v1/tickets/{id}", h_ticket_patch, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/tickets/{id}/events", h_ticket_events, ROLE_AGENT, 0, Q(PAGE)},
    {"POST", "/api/v1/tickets/{id}/messages", h_messages_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/tickets/{id}/messages", h_messages_list, ROLE_AGENT, 0, Q(PAGE)},
    {"GET", "/api/v1/customers/{id}", h_customer_get, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/agents", h_agents_create, ROLE_ADMIN, ROUTE_BODY, NULL},
    {"GET", "/api/v1/agents", h_agents_list, ROLE_LEAD, 0, NULL},
    {"POST", "/api/v1/analyze", h_analyze, ROLE_AGENT, ROUTE_BODY, NULL},
    {"POST", "/api/v1/coach", h_coach, ROLE_AGENT, ROUTE_BODY, NULL},
    {"POST", "/api/v1/qa", h_qa, ROLE_AGENT, ROUTE_BODY, NULL},
    {"POST", "/api/v1/webhooks", h_webhooks_create, ROLE_ADMIN, ROUTE_BODY, NULL},
    {"GET", "/api/v1/webhooks", h_webhooks_list, ROLE_ADMIN, 0, NULL},
    {"GET", "/api/v1/webhooks/{id}", h_webhook_get, ROLE_ADMIN, 0, NULL},
    {"DELETE", "/api/v1/webhooks/{id}", h_webhook_delete, ROLE_ADMIN, 0, NULL},
    {"GET", "/api/v1/webhooks/{id}/deliveries", h_webhook_deliveries, ROLE_ADMIN, 0, Q(PAGE)},
    {"GET", "/api/v1/tickets/{id}/surveys", h_ticket_surveys, ROLE_AGENT, 0, NULL},
    {"GET", "/api/v1/outbox", h_outbox_list, ROLE_AGENT, 0, Q("ticket_id", "state", PAGE)},
    {"GET", "/api/v1/tickets/{id}/steps", h_ticket_steps_get, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/tickets/{id}/steps", h_ticket_steps_mark, ROLE_AGENT, ROUTE_BODY, NULL},
    {"POST", "/api/v1/tickets/{id}/lessons", h_ticket_lessons_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/tickets/{id}/lessons", h_ticket_lessons_list, ROLE_AGENT, 0, Q(PAGE)},
    {"GET", "/api/v1/lessons", h_lessons_list, ROLE_LEAD, 0, Q("ticket", PAGE)},
    {"POST", "/api/v1/problems", h_problems_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/problems", h_problems_list, ROLE_AGENT, 0, Q("status", PAGE)},
    {"GET", "/api/v1/problems/{id}", h_problem_get, ROLE_AGENT, 0, NULL},
    {"PATCH", "/api/v1/problems/{id}", h_problem_patch, ROLE_LEAD, ROUTE_BODY, NULL},
    {"POST", "/api/v1/tickets/{id}/problem", h_ticket_problem_link, ROLE_AGENT, ROUTE_BODY, NULL},
    {"DELETE", "/api/v1/tickets/{id}/problem", h_ticket_problem_unlink, ROLE_AGENT, 0, NULL},
    /* The knowledge base: agents draft, leads publish (service/kb.h). */
    {"POST", "/api/v1/articles", h_articles_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"POST", "/api/v1/articles/preview", h_article_preview, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/articles", h_articles_list, ROLE_AGENT, 0,
     Q("status", "audience", "tag", PAGE)},
    {"GET", "/api/v1/articles/{id}", h_article_get, ROLE_AGENT, 0, NULL},
    {"PATCH", "/api/v1/articles/{id}", h_article_patch, ROLE_AGENT, ROUTE_BODY, NULL},
    {"DELETE", "/api/v1/articles/{id}", h_article_delete, ROLE_LEAD, 0, NULL},
    {"GET", "/api/v1/articles/{id}/versions", h_article_versions, ROLE_AGENT, 0, NULL},
    /* The help center: published public articles, no login; {token} is an id or a slug. */
    {"GET", "/api/v1/public/articles", h_public_articles_list, ROLE_AGENT, ROUTE_PUBLIC,
     Q("tag", PAGE)},
    {"GET", "/api/v1/public/articles/{token}", h_public_article_get, ROLE_AGENT, ROUTE_PUBLIC,
     NULL},
    {"GET", "/api/v1/rules", h_rules_list, ROLE_LEAD, 0, NULL},
    {"POST", "/api/v1/rules", h_rules_create, ROLE_ADMIN, ROUTE_BODY, NULL},
    {"PUT", "/api/v1/rules", h_rules_replace, ROLE_ADMIN, ROUTE_BODY, NULL},
    {"GET", "/api/v1/rules/{id}", h_rule_get, ROLE_LEAD, 0, NULL},
    {"PUT", "/api/v1/rules/{id}", h_rule_update, ROLE_ADMIN, ROUTE_BODY, NULL},
    {"DELETE", "/api/v1/rules/{id}", h_rule_delete, ROLE_ADMIN, 0, NULL},
    {"GET", "/api/v1/tickets/{id}/rules", h_ticket_rules, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/tickets/{id}/rules/rearm", h_ticket_rules_rearm, ROLE_LEAD, ROUTE_BODY, NULL},
    {"GET", "/api/v1/notifications", h_notifications_list, ROLE_AGENT, 0, Q("unread", PAGE)},
    {"POST", "/api/v1/notifications/{id}/read", h_notification_read, ROLE_AGENT, 0, NULL},
    /* The customer's survey link: public, the token is the credential. */
    {"GET", "/s/{token}", h_survey_show, ROLE_AGENT, ROUTE_PUBLIC, QUERY_ANY},
    {"POST", "/s/{token}", h_survey_answer, ROLE_AGENT, ROUTE_PUBLIC,
     QUERY_ANY /* its form posts to the page's own address */},
    {"GET", "/api/v1/sla", h_sla_get, ROLE_AGENT, 0, NULL},
    {"PUT", "/api/v1/sla", h_sla_put, ROLE_ADMIN, ROUTE_BODY, NULL},
    /* Offers: who may decide is the service's to say (an agent hears why not). */
    {"POST", "/api/v1/tickets/{id}/offers", h_offers_create, ROLE_AGENT, ROUTE_BODY, NULL},
    {"GET", "/api/v1/tickets/{id}/offers", h_ticket_offers, ROLE_AGENT, 0, Q("state", PAGE)},
    {"GET", "/api/v1/offers", h_offers_list, ROLE_LEAD, 0, Q("state", PAGE)},
    {"GET", "/api/v1/offers/{id}", h_offer_get, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/offers/{id}/approve", h_offer_approve, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/offers/{id}/reject", h_offer_reject, ROLE_AGENT, 0, NULL},
    {"POST", "/api/v1/offers/{id}/withdraw", h_offer_withdraw, ROLE_AGENT, 0, NULL},
    {"GET", "/api/v1/tickets/{id}/case-link", h_case_link, ROLE_AGENT, 0, NULL},
    /* The customer's case link: public, the token is the credential. */
    {"GET", "/c/{token}", h_case_show, ROLE_AGENT, ROUTE_PUBLIC, NULL},
    {"POST", "/c/{token}/messages", h_case_reply, ROLE_AGENT, ROUTE_PUBLIC | ROUTE_BODY, NULL},
    /* An agent reads and sets their own availability; the handlers check. */
    {"GET", "/api/v1/agents/{id}", h_agent_get, ROLE_AGENT, 0, NULL},
    {"PATCH", "/api/v1/agents/{id}", h_agent_patch, ROLE_AGENT, ROUTE_BODY, NULL},
    /* Reports (issue 7 adds overview, agents, emerging). */
    {"GET", "/api/v1/reports/trends", h_report_trends, ROLE_LEAD, 0, Q(RANGE, "bucket")},
    {"GET", "/api/v1/reports/overview", h_report_overview, ROLE_LEAD, 0, Q(RANGE, "by", "bucket")},
    {"GET", "/api/v1/reports/agents", h_report_agents, ROLE_LEAD, 0, Q(RANGE)},
    {"GET", "/api/v1/reports/emerging", h_report_emerging, ROLE_LEAD, 0, Q(RANGE, "ticket")},
};

/* Matches one path against a pattern, collecting "{id}" segments as numbers. */
static bool match(const char *pattern, const char *path, int64_t params[HTTP_MAX_PARAMS])
{
    int n = 0;
    while (*pattern && *path) {
        if (strncmp(pattern, "{id}", 4) == 0) {
            int64_t v = 0;
            int digits = 0;
            while (*path >= '0' && *path <= '9') {
                if (++digits > 18)
                    return false;
                v = v * 10 + (*path++ - '0');
            }
            if (digits == 0 || v == 0 || n >= HTTP_MAX_PARAMS)
                return false;
            params[n++] = v;
            pattern += 4;
            continue;
        }
        if (strcmp(pattern, "{rest}") == 0)
            return true; /* the rest of the path, at least one byte (*path is not NUL) */
        if (strncmp(pattern, "{token}", 7) == 0) {
            int chars = 0;
            while ((*path >= 'A' && *path <= 'Z') || (*path >= 'a' && *path <= 'z') ||
                   (*path >= '0' && *path <= '9') || *path == '-' || *path == '_') {
                if (++chars > 128)
                    return false;
                path++;
            }
            if (chars == 0)
                return false;
            pattern += 7;
            continue;
        }
        if (*pattern++ != *path++)
            return false;
    }
    return *pattern == '\0' && *path == '\0';
}

enum terr route_match(const char *method, const char *path, const struct route **out,
                      int64_t params[HTTP_MAX_PARAMS], char *allow, size_t allow_len)
{
    bool path_known = false;
    size_t used = 0;
    allow[0] = '\0';
    /* HEAD is GET without the body, which libmicrohttpd leaves out itself. */
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        int64_t p[HTTP_MAX_PARAMS] = {0};
        if (!match(routes[i].pattern, path, p))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            memcpy(params, p, sizeof(p));
            *out = &routes[i];
            return TERR_OK;
        }
        path_known = true;
        int w =
            snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "", routes[i].method);
        if (w > 0 && (size_t)w < allow_len - used)
            used += (size_t)w;
    }
    return path_known ? TERR_METHOD : TERR_NOT_FOUND;
}
