/* src/http/routes.c: route_match over the route table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/handlers.h"
#include "http/server_int.h"

struct match {
    enum terr e;
    const struct route *route;
    int64_t params[HTTP_MAX_PARAMS];
    char allow[64]; /* the size of request.allow_buf */
};

static struct match run(const char *method, const char *path)
{
    struct match m;
    memset(&m, 0, sizeof(m));
    memset(m.allow, '#', sizeof(m.allow));
    m.e = route_match(method, path, &m.route, m.params, m.allow, sizeof(m.allow));
    return m;
}

static void known_routes_match_their_handlers(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        handler_fn handler;
    } cases[] = {
        {"GET", "/healthz", h_health},
        {"POST", "/api/v1/session", h_session_create},
        {"GET", "/api/v1/session", h_session_get},
        {"DELETE", "/api/v1/session", h_session_delete},
        {"POST", "/api/v1/tickets", h_tickets_create},
        {"GET", "/api/v1/tickets", h_tickets_list},
        {"POST", "/api/v1/agents", h_agents_create},
        {"GET", "/api/v1/agents", h_agents_list},
        {"POST", "/api/v1/analyze", h_analyze},
        {"GET", "/api/v1/reports/trends", h_report_trends},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct match m = run(cases[i].method, cases[i].path);
        if (m.e != TERR_OK)
            fail_msg("%s %s: %s", cases[i].method, cases[i].path, terr_code(m.e));
        assert_non_null(m.route);
        assert_true(m.route->handler == cases[i].handler);
        assert_string_equal(m.route->method, cases[i].method);
    }
}

static void id_routes_match_and_pass_the_id(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path;
        handler_fn handler;
        int64_t id;
    } cases[] = {
        {"GET", "/api/v1/tickets/42", h_ticket_get, 42},
        {"PATCH", "/api/v1/tickets/1", h_ticket_patch, 1},
        {"GET", "/api/v1/tickets/7/events", h_ticket_events, 7},
        {"POST", "/api/v1/tickets/9001/messages", h_messages_create, 9001},
        {"GET", "/api/v1/tickets/9001/messages", h_messages_list, 9001},
        {"GET", "/api/v1/customers/5", h_customer_get, 5},
        {"GET", "/api/v1/tickets/3/surveys", h_ticket_surveys, 3},
        {"GET", "/api/v1/agents/4", h_agent_get, 4},
        {"PATCH", "/api/v1/agents/4", h_agent_patch, 4},
        /* 18 digits is the longest id accepted. */
        {"GET", "/api/v1/tickets/999999999999999999", h_ticket_get, 999999999999999999LL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct match m = run(cases[i].method, cases[i].path);
        if (m.e != TERR_OK)
            fail_msg("%s %s: %s", cases[i].method, cases[i].path, terr_code(m.e));
        assert_true(m.route->handler == cases[i].handler);
        assert_int_equal(m.params[0], cases[i].id);
    }
}

static void bad_ids_do_not_match(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/api/v1/tickets/0",
        "/api/v1/tickets/00",
        "/api/v1/tickets/abc",
        "/api/v1/tickets/-1",
        "/api/v1/tickets/+1",
        "/api/v1/tickets/1a",
        "/api/v1/tickets/1.5",
        "/api/v1/tickets/%31",
        "/api/v1/tickets/1234567890123456789", /* 19 digits */
        "/api/v1/tickets/99999999999999999999",
        "/api/v1/tickets/0/messages",
        "/api/v1/tickets/x/messages",
        "/api/v1/tickets//messages",
        "/api/v1/customers/0",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct match m = run("GET", paths[i]);
        if (m.e != TERR_NOT_FOUND)
            fail_msg("GET %s: %s", paths[i], terr_code(m.e));
    }
}

static void wrong_method_lists_the_allowed_ones(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"DELETE", "/api/v1/tickets", "POST, GET"},
        {"PUT", "/api/v1/session", "POST, GET, DELETE"},
        {"POST", "/api/v1/tickets/5", "GET, PATCH"},
        {"DELETE", "/api/v1/tickets/5/messages", "POST, GET"},
        {"POST", "/api/v1/tickets/5/events", "GET"},
        {"POST", "/healthz", "GET"},
        {"get", "/healthz", "GET"}, /* methods are case-sensitive */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct match m = run(cases[i].method, cases[i].path);
        if (m.e != TERR_METHOD)
            fail_msg("%s %s: %s", cases[i].method, cases[i].path, terr_code(m.e));
        assert_string_equal(m.allow, cases[i].allow);
    }
}

static void unknown_paths_are_not_found(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "",
        "//",
        "/api",
        "/api/v1",
        "/api/v1/",
        "/api/v2/tickets",
        "/api/v1/ticket",
        "/api/v1/ticketsx",
        "/API/v1/tickets",
        "/api/v1/tickets/5/notes",
        "/api/v1/customers",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct match m = run("GET", paths[i]);
        if (m.e != TERR_NOT_FOUND)
            fail_msg("GET '%s': %s", paths[i], terr_code(m.e));
        assert_string_equal(m.allow, "");
    }
}

static void trailing_slash_is_not_matched(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/healthz/",        "/api/v1/tickets/", "/api/v1/tickets/5/", "/api/v1/tickets/5/messages/",
        "/api/v1/session/",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct match m = run("GET", paths[i]);
        if (m.e != TERR_NOT_FOUND)
            fail_msg("GET %s: %s", paths[i], terr_code(m.e));
    }
}

static void only_health_and_login_are_public(void **state)
{
    (void)state;
    struct match m = run("GET", "/healthz");
    assert_true(m.route->flags & ROUTE_PUBLIC);
    m = run("POST", "/api/v1/session");
    assert_true(m.route->flags & ROUTE_PUBLIC);
    static const struct {
        const char *method, *path;
    } closed[] = {
        {"GET", "/api/v1/session"},
        {"DELETE", "/api/v1/session"},
        {"POST", "/api/v1/tickets"},
        {"GET", "/api/v1/tickets"},
        {"GET", "/api/v1/tickets/1"},
        {"PATCH", "/api/v1/tickets/1"},
        {"GET", "/api/v1/tickets/1/events"},
        {"POST", "/api/v1/tickets/1/messages"},
        {"GET", "/api/v1/tickets/1/messages"},
        {"GET", "/api/v1/customers/1"},
        {"POST", "/api/v1/agents"},
        {"GET", "/api/v1/agents"},
        {"GET", "/api/v1/outbox"},
        {"GET", "/api/v1/tickets/1/surveys"},
        {"GET", "/api/v1/agents/1"},
        {"PATCH", "/api/v1/agents/1"},
    };
    for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
        m = run(closed[i].method, closed[i].path);
        assert_int_equal(m.e, TERR_OK);
        if (m.route->flags & ROUTE_PUBLIC)
            fail_msg("%s %s is public", closed[i].method, closed[i].path);
    }
}

static void survey_links_match_base64url_tokens(void **state)
{
    (void)state;
    char longest[3 + 128 + 1], too_long[3 + 129 + 1];
    memcpy(longest, "/s/", 3);
    memset(longest + 3, 'a', 128);
    longest[3 + 128] = '\0';
    memcpy(too_long, "/s/", 3);
    memset(too_long + 3, 'a', 129);
    too_long[3 + 129] = '\0';
    static const char *const good[] = {"/s/a", "/s/AZaz09-_"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct match m = run("GET", good[i]);
        assert_int_equal(m.e, TERR_OK);
        assert_true(m.route->handler == h_survey_show);
        assert_true(m.route->flags & ROUTE_PUBLIC);
        m = run("POST", good[i]);
        assert_int_equal(m.e, TERR_OK);
        assert_true(m.route->handler == h_survey_answer);
        assert_true(m.route->flags & ROUTE_PUBLIC);
    }
    struct match m = run("GET", longest);
    assert_int_equal(m.e, TERR_OK);
    static const char *const bad[] = {"/s/", "/s", "/s/a/b", "/s/a.b", "/s/a=", "/s/a+b", "/s/%61"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m = run("GET", bad[i]);
        if (m.e != TERR_NOT_FOUND)
            fail_msg("GET %s: %s", bad[i], terr_code(m.e));
    }
    m = run("GET", too_long);
    assert_int_equal(m.e, TERR_NOT_FOUND);
    m = run("DELETE", "/s/abc");
    assert_int_equal(m.e, TERR_METHOD);
    assert_string_equal(m.allow, "GET, POST");
}

static void agent_management_needs_admin(void **state)
{
    (void)state;
    struct match m = run("POST", "/api/v1/agents");
    assert_int_equal(m.route->min_role, ROLE_ADMIN);
    /* Leads reassign, so they see the team; the handlers let an agent read
     * their own record and set their own availability. */
    m = run("GET", "/api/v1/agents");
    assert_int_equal(m.route->min_role, ROLE_LEAD);
    m = run("GET", "/api/v1/agents/4");
    assert_int_equal(m.route->min_role, ROLE_AGENT);
    m = run("PATCH", "/api/v1/agents/4");
    assert_int_equal(m.route->min_role, ROLE_AGENT);
    m = run("PATCH", "/api/v1/tickets/3");
    assert_int_equal(m.route->min_role, ROLE_AGENT);
    /* Reports are for leads. */
    m = run("GET", "/api/v1/reports/trends");
    assert_int_equal(m.route->min_role, ROLE_LEAD);
}

static void body_routes_are_flagged(void **state)
{
    (void)state;
    /* Writes with a JSON body are flagged; reads are not. */
    assert_true(run("POST", "/api/v1/tickets").route->flags & ROUTE_BODY);
    assert_true(run("PATCH", "/api/v1/tickets/2").route->flags & ROUTE_BODY);
    assert_true(run("POST", "/api/v1/tickets/2/messages").route->flags & ROUTE_BODY);
    assert_true(run("PATCH", "/api/v1/agents/2").route->flags & ROUTE_BODY);
    assert_false(run("GET", "/api/v1/tickets").route->flags & ROUTE_BODY);
    assert_false(run("DELETE", "/api/v1/session").route->flags & ROUTE_BODY);
}

static void web_routes_serve_files_and_public_forms(void **state)
{
    (void)state;
    static const char *const files[] = {"/app",         "/app/",         "/app/app.js",
                                        "/app/x/y.css", "/assets/a.css", "/help",
                                        "/help/",       "/help/a.js",    "/case/case.js"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct match m = run("GET", files[i]);
        if (m.e != TERR_OK)
            fail_msg("GET %s: %s", files[i], terr_code(m.e));
        assert_true(m.route->handler == h_web_file);
        assert_true(m.route->flags & ROUTE_PUBLIC);
        assert_int_equal(run("HEAD", files[i]).e, TERR_OK);
        assert_int_equal(run("POST", files[i]).e, TERR_METHOD);
    }
    /* A prefix alone is not a file. */
    assert_int_equal(run("GET", "/assets/").e, TERR_NOT_FOUND);
    assert_int_equal(run("GET", "/case/").e, TERR_NOT_FOUND);
    assert_int_equal(run("GET", "/apps").e, TERR_NOT_FOUND);
    struct match m = run("POST", "/api/v1/public/contact");
    assert_int_equal(m.e, TERR_OK);
    assert_true(m.route->handler == h_public_contact);
    assert_int_equal(m.route->flags, ROUTE_PUBLIC | ROUTE_BODY);
    m = run("POST", "/c/AZaz09-_/messages");
    assert_int_equal(m.e, TERR_OK);
    assert_true(m.route->handler == h_case_reply);
    assert_int_equal(m.route->flags, ROUTE_PUBLIC | ROUTE_BODY);
    assert_int_equal(run("POST", "/c/a.b/messages").e, TERR_NOT_FOUND);
    assert_int_equal(run("GET", "/c/abc/messages").e, TERR_METHOD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_routes_match_their_handlers),
        cmocka_unit_test(id_routes_match_and_pass_the_id),
        cmocka_unit_test(bad_ids_do_not_match),
        cmocka_unit_test(wrong_method_lists_the_allowed_ones),
        cmocka_unit_test(unknown_paths_are_not_found),
        cmocka_unit_test(trailing_slash_is_not_matched),
        cmocka_unit_test(only_health_and_login_are_public),
        cmocka_unit_test(survey_links_match_base64url_tokens),
        cmocka_unit_test(agent_management_needs_admin),
        cmocka_unit_test(body_routes_are_flagged),
        cmocka_unit_test(web_routes_serve_files_and_public_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
