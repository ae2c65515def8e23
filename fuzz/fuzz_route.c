/*
 * libFuzzer target for the route table (src/http/routes.c).
 *
 * The input is "METHOD\nPATH" (no newline: GET and the whole input as the
 * path); the method is cut to 15 bytes as server.c does.  The allow buffer
 * and the params array are heap blocks of exactly the size the server passes,
 * so a write past them is caught by ASan.  Invariants: TERR_OK gives the
 * route for that method with one positive id per "{id}" of its pattern (and a
 * base64url run where it has "{token}", a non-empty rest of the path where
 * it ends in "{rest}");
 * TERR_METHOD gives a non-empty Allow list of other methods; TERR_NOT_FOUND
 * an empty one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http/handlers.h"
#include "http/server_int.h"

/* routes.c only takes the handlers' addresses; these stand in for them. */
void h_root(struct request *req)
{
    (void)req;
}
void h_health(struct request *req)
{
    (void)req;
}
void h_session_create(struct request *req)
{
    (void)req;
}
void h_session_get(struct request *req)
{
    (void)req;
}
void h_session_delete(struct request *req)
{
    (void)req;
}
void h_tickets_create(struct request *req)
{
    (void)req;
}
void h_tickets_list(struct request *req)
{
    (void)req;
}
void h_ticket_get(struct request *req)
{
    (void)req;
}
void h_ticket_patch(struct request *req)
{
    (void)req;
}
void h_ticket_events(struct request *req)
{
    (void)req;
}
void h_messages_create(struct request *req)
{
    (void)req;
}
void h_messages_list(struct request *req)
{
    (void)req;
}
void h_customer_get(struct request *req)
{
    (void)req;
}
void h_agents_create(struct request *req)
{
    (void)req;
}
void h_agents_list(struct request *req)
{
    (void)req;
}
void h_analyze(struct request *req)
{
    (void)req;
}
void h_coach(struct request *req)
{
    (void)req;
}
void h_qa(struct request *req)
{
    (void)req;
}
void h_webhooks_create(struct request *req)
{
    (void)req;
}
void h_webhooks_list(struct request *req)
{
    (void)req;
}
void h_webhook_get(struct request *req)
{
    (void)req;
}
void h_webhook_delete(struct request *req)
{
    (void)req;
}
void h_webhook_deliveries(struct request *req)
{
    (void)req;
}
void h_ticket_surveys(struct request *req)
{
    (void)req;
}
void h_outbox_list(struct request *req)
{
    (void)req;
}
void h_survey_show(struct request *req)
{
    (void)req;
}
void h_survey_answer(struct request *req)
{
    (void)req;
}
void h_sla_get(struct request *req)
{
    (void)req;
}
void h_sla_put(struct request *req)
{
    (void)req;
}
void h_offers_create(struct request *req)
{
    (void)req;
}
void h_ticket_offers(struct request *req)
{
    (void)req;
}
void h_offers_list(struct request *req)
{
    (void)req;
}
void h_offer_get(struct request *req)
{
    (void)req;
}
void h_offer_approve(struct request *req)
{
    (void)req;
}
void h_offer_reject(struct request *req)
{
    (void)req;
}
void h_offer_withdraw(struct request *req)
{
    (void)req;
}
void h_case_link(struct request *req)
{
    (void)req;
}
void h_case_show(struct request *req)
{
    (void)req;
}
void h_ticket_steps_get(struct request *req)
{
    (void)req;
}
void h_ticket_steps_mark(struct request *req)
{
    (void)req;
}
void h_ticket_lessons_create(struct request *req)
{
    (void)req;
}
void h_ticket_lessons_list(struct request *req)
{
    (void)req;
}
void h_lessons_list(struct request *req)
{
    (void)req;
}
void h_articles_create(struct request *req)
{
    (void)req;
}
void h_articles_list(struct request *req)
{
    (void)req;
}
void h_article_get(struct request *req)
{
    (void)req;
}
void h_article_patch(struct request *req)
{
    (void)req;
}
void h_article_delete(struct request *req)
{
    (void)req;
}
void h_article_versions(struct request *req)
{
    (void)req;
}
void h_article_preview(struct request *req)
{
    (void)req;
}
void h_public_articles_list(struct request *req)
{
    (void)req;
}
void h_public_article_get(struct request *req)
{
    (void)req;
}
void h_problems_create(struct request *req)
{
    (void)req;
}
void h_problems_list(struct request *req)
{
    (void)req;
}
void h_problem_get(struct request *req)
{
    (void)req;
}
void h_problem_patch(struct request *req)
{
    (void)req;
}
void h_ticket_problem_link(struct request *req)
{
    (void)req;
}
void h_ticket_problem_unlink(struct request *req)
{
    (void)req;
}
void h_agent_get(struct request *req)
{
    (void)req;
}
void h_agent_patch(struct request *req)
{
    (void)req;
}
void h_report_trends(struct request *req)
{
    (void)req;
}
void h_search(struct request *req)
{
    (void)req;
}
void h_public_search(struct request *req)
{
    (void)req;
}
void h_public_suggest(struct request *req)
{
    (void)req;
}
void h_public_deflected(struct request *req)
{
    (void)req;
}
void h_ticket_suggestions(struct request *req)
{
    (void)req;
}
void h_report_deflection(struct request *req)
{
    (void)req;
}
void h_report_overview(struct request *req)
{
    (void)req;
}
void h_report_agents(struct request *req)
{
    (void)req;
}
void h_report_emerging(struct request *req)
{
    (void)req;
}
void h_rules_list(struct request *req)
{
    (void)req;
}
void h_rules_create(struct request *req)
{
    (void)req;
}
void h_rules_replace(struct request *req)
{
    (void)req;
}
void h_rule_get(struct request *req)
{
    (void)req;
}
void h_rule_update(struct request *req)
{
    (void)req;
}
void h_rule_delete(struct request *req)
{
    (void)req;
}
void h_ticket_rules(struct request *req)
{
    (void)req;
}
void h_ticket_rules_rearm(struct request *req)
{
    (void)req;
}
void h_notifications_list(struct request *req)
{
    (void)req;
}
void h_notification_read(struct request *req)
{
    (void)req;
}
void h_web_file(struct request *req)
{
    (void)req;
}
void h_public_contact(struct request *req)
{
    (void)req;
}
void h_case_reply(struct request *req)
{
    (void)req;
}

#define ALLOW_LEN 64 /* as dispatch() in server.c */

static int count_ids(const char *pattern)
{
    int n = 0;
    for (const char *p = strstr(pattern, "{id}"); p; p = strstr(p + 4, "{id}"))
        n++;
    return n;
}

/* Each ", "-separated entry of allow is a method of the table other than method. */
static void assert_allow_list(const char *allow, const char *method)
{
    static const char *const known[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    char copy[ALLOW_LEN];
    snprintf(copy, sizeof(copy), "%s", allow);
    for (char *item = copy, *next; item; item = next) {
        next = strstr(item, ", ");
        if (next) {
            *next = '\0';
            next += 2;
        }
        FUZZ_ASSERT(*item != '\0');
        FUZZ_ASSERT(strcmp(item, method) != 0);
        bool ok = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            ok = ok || strcmp(item, known[i]) == 0;
        FUZZ_ASSERT(ok);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    char method[16];
    size_t path_off = 0;
    if (nl) {
        snprintf(method, sizeof(method), "%.*s", (int)(nl - in), in);
        path_off = (size_t)(nl - in) + 1;
    } else {
        snprintf(method, sizeof(method), "GET");
    }
    char *path = malloc(size - path_off + 1);
    memcpy(path, in + path_off, size - path_off);
    path[size - path_off] = '\0';

    char *allow = malloc(ALLOW_LEN);
    int64_t *params = malloc(sizeof(int64_t) * HTTP_MAX_PARAMS);
    memset(allow, '#', ALLOW_LEN);
    for (int i = 0; i < HTTP_MAX_PARAMS; i++)
        params[i] = -1;
    const struct route *route = NULL;

    enum terr e = route_match(method, path, &route, params, allow, ALLOW_LEN);
    /* HEAD is served by the GET routes. */
    const char *served = strcmp(method, "HEAD") == 0 ? "GET" : method;
    FUZZ_ASSERT(memchr(allow, '\0', ALLOW_LEN) != NULL);
    switch (e) {
    case TERR_OK: {
        FUZZ_ASSERT(route != NULL && route->handler != NULL);
        FUZZ_ASSERT(strcmp(route->method, served) == 0);
        int ids = count_ids(route->pattern);
        FUZZ_ASSERT(ids <= HTTP_MAX_PARAMS);
        for (int i = 0; i < HTTP_MAX_PARAMS; i++)
            FUZZ_ASSERT(i < ids ? params[i] > 0 : params[i] == 0);
        /* A route without ids matches its pattern exactly, "{token}" aside:
         * there the path holds 1 to 128 base64url characters. */
        const char *tok = strstr(route->pattern, "{token}");
        const char *rest = strstr(route->pattern, "{rest}");
        if (rest) {
            size_t pre = (size_t)(rest - route->pattern);
            FUZZ_ASSERT(rest[6] == '\0' && ids == 0 && !tok);
            FUZZ_ASSERT(strncmp(route->pattern, path, pre) == 0 && path[pre] != '\0');
        }
        if (ids == 0 && !tok && !rest)
            FUZZ_ASSERT(strcmp(route->pattern, path) == 0);
        if (ids == 0 && tok) {
            size_t pre = (size_t)(tok - route->pattern), n = 0;
            FUZZ_ASSERT(strncmp(route->pattern, path, pre) == 0);
            const char *q = path + pre;
            while (q[n] &&
                   strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", q[n]))
                n++;
            FUZZ_ASSERT(n >= 1 && n <= 128 && strcmp(q + n, tok + 7) == 0);
        }
        break;
    }
    case TERR_METHOD:
        FUZZ_ASSERT(allow[0] != '\0');
        assert_allow_list(allow, served);
        for (int i = 0; i < HTTP_MAX_PARAMS; i++)
            FUZZ_ASSERT(params[i] == -1); /* untouched when no route is taken */
        break;
    case TERR_NOT_FOUND:
        FUZZ_ASSERT(allow[0] == '\0');
        for (int i = 0; i < HTTP_MAX_PARAMS; i++)
            FUZZ_ASSERT(params[i] == -1);
        break;
    default:
        FUZZ_ASSERT(!"route_match returned an unexpected code");
    }

    free(params);
    free(allow);
    free(path);
    return 0;
}
