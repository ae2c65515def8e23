/*
 * Surveys: the customer's link /s/{token} (public: the signed token is the
 * credential) and the agents' view of a ticket's surveys.
 *
 * GET /s/{token} only shows the questions (mail scanners open links: a GET
 * never records anything); POST records the answer once.  Both answer HTML
 * to a browser and JSON to a client that asks for it (Accept:
 * application/json, or a JSON body).  Every text on a page is escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/surveys.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"
#include "server_int.h"

#define HTML_TYPE "text/html; charset=utf-8"
#define FORM_TYPE "application/x-www-form-urlencoded"
#define PAGE_MAX  (64 * 1024)

/* ---- rendering ---- */

static json_t *score_or_null(int v)
{
    return v == SURVEY_NO_SCORE ? json_null() : json_integer(v);
}

static json_t *render_survey(const struct survey *s, int64_t now)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)s->id, "ticket_id",
        (json_int_t)s->ticket_id, "state", survey_state_name(survey_state_at(s, now)), "created_at",
        render_time(s->created_at), "expires_at", render_time(s->expires_at), "answered_at",
        render_time(s->answered_at), "csat", score_or_null(s->csat), "nps", score_or_null(s->nps),
        "ces", score_or_null(s->ces), "comment",
        s->comment ? json_string(s->comment) : json_null());
    if (!o)
        BUG("cannot render survey %lld", (long long)s->id);
    return o;
}

/* Appends s with &, <, >, " and ' escaped. */
static void html_add(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_adds(b, "&amp;");
            break;
        case '<':
            buf_adds(b, "&lt;");
            break;
        case '>':
            buf_adds(b, "&gt;");
            break;
        case '"':
            buf_adds(b, "&quot;");
            break;
        case '\'':
            buf_adds(b, "&#39;");
            break;
        default:
            buf_add(b, s, 1);
        }
    }
}

static void page_open(struct buf *b, const char *title)
{
    buf_adds(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex\"><title>");
    html_add(b, title);
    /* The look of web/assets/css/base.css (this page may load nothing). */
    buf_adds(b, "</title><style>body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
                "sans-serif;color:#1b1f24;max-width:40em;margin:2em auto;padding:0 1em;"
                "line-height:1.5}a{color:#0b5cad}fieldset{border:1px solid #d0d7de;"
                "border-radius:6px;padding:.5em 1em;margin:1.2em 0}legend{font-weight:600;"
                "padding:0 .3em}label{margin-right:.8em;white-space:nowrap;display:inline-block;"
                "padding:.2em 0}textarea{width:100%;font:inherit;border:1px solid #d0d7de;"
                "border-radius:6px;padding:.35em .5em}button{font:inherit;background:#0b5cad;"
                "color:#fff;border:1px solid #0b5cad;border-radius:6px;padding:.35em 1em;"
                "cursor:pointer}:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}"
                "</style></head><body>\n<h1>");
    html_add(b, title);
    buf_adds(b, "</h1>\n");
}

static void reply_page(struct request *req, int status, struct buf *b)
{
    buf_adds(b, "</body></html>\n");
    req->content_type = HTML_TYPE;
    reply_raw(req, status, buf_detach(b, NULL));
}

/* A one-paragraph page: the title and a message. */
static void reply_note(struct request *req, int status, const char *title, const char *text)
{
    struct buf b;
    buf_init(&b, PAGE_MAX);
    page_open(&b, title);
    buf_adds(&b, "<p>");
    html_add(&b, text);
    buf_adds(&b, "</p>\n");
    reply_page(req, status, &b);
}

static void scale(struct buf *b, const char *name, const char *question, int lo, int hi,
                  const char *low_label, const char *high_label)
{
    buf_addf(b, "<fieldset><legend>%s</legend><p>", question);
    html_add(b, low_label);
    buf_adds(b, " ");
    for (int v = lo; v <= hi; v++)
        buf_addf(b, "<label><input type=\"radio\" name=\"%s\" value=\"%d\"> %d</label>", name, v,
                 v);
    buf_adds(b, " ");
    html_add(b, high_label);
    buf_adds(b, "</p></fieldset>\n");
}

static void reply_form(struct request *req, const struct survey *s, const char *subject)
{
    struct buf b;
    buf_init(&b, PAGE_MAX);
    page_open(&b, "How did we do?");
    buf_addf(&b, "<p>About your request #%lld: <q>", (long long)s->ticket_id);
    html_add(&b, subject ? subject : "");
    buf_adds(&b, "</q>. Every question is optional; answer at least one.</p>\n"
                 "<form method=\"post\">\n");
    scale(&b, "csat", "How satisfied are you with how we handled your request?", 1, 5,
          "very unsatisfied", "very satisfied");
    scale(&b, "nps", "How likely are you to recommend us to a friend or colleague?", 0, 10,
          "not at all likely", "extremely likely");
    scale(&b, "ces", "How easy was it to get your problem solved?", 1, 7, "very difficult",
          "very easy");
    buf_addf(&b,
             "<fieldset><legend>Anything else you would like to tell us?</legend>"
             "<textarea name=\"comment\" rows=\"5\" maxlength=\"%d\"></textarea></fieldset>\n"
             "<p><button type=\"submit\">Send</button></p></form>\n",
             SURVEY_COMMENT_MAX);
    reply_page(req, 200, &b);
}

/* JSON unless the client asks for HTML: an Accept naming application/json,
 * or a JSON body, gets JSON; a browser gets pages. */
static bool wants_json(struct request *req)
{
    const char *accept = req_header(req, "Accept");
    if (accept && strstr(accept, "application/json"))
        return true;
    if (accept && strstr(accept, "text/html"))
        return false;
    return req_content_type_is(req, "application/json");
}

static const char *page_title(enum terr code)
{
    switch (code) {
    case TERR_NOT_FOUND:
        return "Link not recognised";
    case TERR_GONE:
        return "This link has expired";
    case TERR_CONFLICT:
        return "Already answered";
    case TERR_RATE_LIMITED:
        return "Please wait a moment";
    default:
        return terr_http_status(code) < 500 ? "Please check your answer" : "Something went wrong";
    }
}

/* The error as the client wants it: the JSON envelope or a page. */
static void reply_error_as(struct request *req, enum terr code, bool json)
{
    if (json) {
        reply_err_info(req, code);
        return;
    }
    const char *msg =
        req->err.code == code && req->err.message[0] ? req->err.message : terr_message(code);
    reply_note(req, terr_http_status(code), page_title(code), msg);
}

/* On a worker thread only: reads the request's headers. */
static void reply_survey_error(struct request *req, enum terr code)
{
    reply_error_as(req, code, wants_json(req));
}

/* Takes one request from the address's survey budget; replies 429 when spent. */
static bool survey_rate_ok(struct request *req)
{
    int retry;
    if (ratelimit_take(req->srv->survey_limit, req->ip, time_now_ms(), &retry))
        return true;
    req->retry_after = retry;
    terr_set(&req->err, TERR_RATE_LIMITED, NULL,
             "too many survey requests from this address; try again in %d s", retry);
    reply_survey_error(req, TERR_RATE_LIMITED);
    return false;
}

static const char *path_token(struct request *req)
{
    return req->path + strlen(SURVEY_LINK_PREFIX);
}

/* ---- GET /s/{token} ---- */

struct show {
    const char *token;
    int64_t now;
    struct survey survey;
    char *subject;
};

static enum terr show_tx(struct store_tx *tx, void *arg)
{
    struct show *sh = arg;
    enum terr e = svc_survey_find(tx, sh->token, &sh->survey, NULL);
    if (e)
        return e;
    struct ticket t;
    if ((e = store_ticket_get(tx, sh->survey.ticket_id, &t))) {
        survey_release(&sh->survey);
        return e;
    }
    sh->subject = t.subject;
    t.subject = NULL;
    ticket_release(&t);
    return TERR_OK;
}

void h_survey_show(struct request *req)
{
    if (!survey_rate_ok(req))
        return;
    struct show sh = {.token = path_token(req), .now = time_now_ms()};
    enum terr e = store_read(req_store(req), show_tx, &sh);
    if (e) {
        terr_set(&req->err, e, NULL, e == TERR_NOT_FOUND ? "no survey has this link" : NULL);
        reply_survey_error(req, e);
        return;
    }
    enum survey_state state = survey_state_at(&sh.survey, sh.now);
    if (wants_json(req)) {
        json_t *q = json_pack(
            "[{s:s, s:s, s:i, s:i}, {s:s, s:s, s:i, s:i}, {s:s, s:s, s:i, s:i}]", "name", "csat",
            "text", "How satisfied are you with how we handled your request?", "min", 1, "max", 5,
            "name", "nps", "text", "How likely are you to recommend us to a friend or colleague?",
            "min", 0, "max", 10, "name", "ces", "text",
            "How easy was it to get your problem solved?", "min", 1, "max", 7);
        json_t *o = json_pack(
            "{s:I, s:I, s:o, s:s, s:o, s:o, s:i}", "id", (json_int_t)sh.survey.id, "ticket_id",
            (json_int_t)sh.survey.ticket_id, "subject", json_string(sh.subject ? sh.subject : ""),
            "state", survey_state_name(state), "expires_at", render_time(sh.survey.expires_at),
            "questions", q, "comment_max", SURVEY_COMMENT_MAX);
        if (state == SURVEY_EXPIRED) {
            json_decref(o);
            reply_error(req, TERR_GONE, NULL, "this survey link has expired");
        } else {
            reply_json(req, 200, o);
        }
    } else if (state == SURVEY_EXPIRED) {
        reply_note(req, 410, "This link has expired",
                   "Thank you for following it. The survey it leads to has closed.");
    } else if (state == SURVEY_ANSWERED) {
        reply_note(req, 200, "Thank you", "You have answered this survey already. Thank you!");
    } else {
        reply_form(req, &sh.survey, sh.subject);
    }
    survey_release(&sh.survey);
    free(sh.subject);
}

/* ---- POST /s/{token} ---- */

struct answer_job {
    bool json; /* the client wants JSON (decided on the worker: see answer_error) */
    char *token;
    char *comment;
    struct survey_answer in; /* comment points at ->comment */
    struct survey_result out;
};

static void answer_job_free(void *arg)
{
    struct answer_job *j = arg;
    if (!j)
        return;
    free(j->token);
    free(j->comment);
    survey_release(&j->out.survey);
    free(j);
}

/* A failed answer's reply.  It runs on the writer thread, which must not
 * touch the suspended connection (its headers): the job says what to send. */
static void answer_error(struct request *req, enum terr code)
{
    reply_error_as(req, code, ((struct answer_job *)req->warg)->json);
}

static void render_answered(struct request *req)
{
    struct answer_job *j = req->warg;
    if (!j->json) {
        reply_note(req, 200, "Thank you", "Your answer is recorded. Thank you for telling us.");
        return;
    }
    reply_json(req, 200,
               json_pack("{s:b, s:o}", "answered", 1, "survey",
                         render_survey(&j->out.survey, j->out.survey.answered_at)));
}

static enum terr answer_tx(struct store_tx *tx, struct request *req)
{
    struct answer_job *j = req->warg;
    enum terr e = svc_survey_answer(tx, j->token, &j->in, time_now_ms(), &j->out, &req->err);
    if (!e)
        reply_later(req, render_answered);
    return e;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes one form value (+ is a space, %XX a byte) into a new string;
 * NULL for a bad escape or a NUL byte. */
static char *form_decode(const char *p, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hex_value(p[i + 1]) : -1;
            int lo = i + 2 < n ? hex_value(p[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

/* Reads a score from a form value: "" is absent; digits only. */
static bool form_score(const char *v, int *out)
{
    if (!*v)
        return true;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || v[0] < '0' || v[0] > '9' || n > 1000)
        return false;
    *out = (int)n;
    return true;
}

/* Parses an x-www-form-urlencoded body into j->in: only csat, nps, ces and
 * comment, each at most once.  Replies 400 and returns false when wrong. */
static bool parse_form(struct request *req, struct answer_job *j)
{
    const char *p = req->body.data ? req->body.data : "";
    const char *end = p + req->body.len;
    bool seen[4] = {false};
    static const char *const names[] = {"csat", "nps", "ces", "comment"};
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop == p) {
            p = stop + 1;
            continue;
        }
        char *key = form_decode(p, (size_t)((eq ? eq : stop) - p));
        char *val = eq ? form_decode(eq + 1, (size_t)(stop - eq - 1)) : xstrdup("");
        p = stop + 1;
        if (!key || !val || !utf8_valid(key, strlen(key)) || !utf8_valid(val, strlen(val))) {
            free(key);
            free(val);
            terr_set(&req->err, TERR_BAD_UTF8, NULL, "the form is not valid UTF-8 text");
            reply_survey_error(req, TERR_BAD_UTF8);
            return false;
        }
        int which = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(key, names[i]) == 0)
                which = i;
        if (which < 0 || seen[which]) {
            terr_set(&req->err, TERR_UNKNOWN_FIELD, which < 0 ? key : names[which],
                     which < 0 ? "the form has a field '%s' a survey does not know"
                               : "the form gives '%s' twice",
                     which < 0 ? key : names[which]);
            free(key);
            free(val);
            reply_survey_error(req, TERR_UNKNOWN_FIELD);
            return false;
        }
        seen[which] = true;
        bool ok = true;
        if (which == 0)
            ok = form_score(val, &j->in.csat);
        else if (which == 1)
            ok = form_score(val, &j->in.nps);
        else if (which == 2)
            ok = form_score(val, &j->in.ces);
        else if (*val) {
            j->comment = val;
            val = NULL;
        }
        if (!ok) {
            terr_set(&req->err, TERR_INVALID, names[which], "'%s' must be a whole number",
                     names[which]);
            free(key);
            free(val);
            reply_survey_error(req, TERR_INVALID);
            return false;
        }
        free(key);
        free(val);
    }
    return true;
}

void h_survey_answer(struct request *req)
{
    req->has_idem = false; /* one principal for all customers: never replayed */
    if (!survey_rate_ok(req))
        return;
    struct answer_job *j = xcalloc(1, sizeof(*j));
    j->in = (struct survey_answer){SURVEY_NO_SCORE, SURVEY_NO_SCORE, SURVEY_NO_SCORE, NULL};
    enum terr e;
    if (req_content_type_is(req, "application/json")) {
        if ((e = json_parse_body(req->body.data ? req->body.data : "", req->body.len, &req->json,
                                 &req->err)) ||
            (e = json_check(req->json, body_survey_answer, &req->err))) {
            answer_job_free(j);
            reply_survey_error(req, e);
            return;
        }
        j->in.csat = (int)json_int(req->json, "csat", SURVEY_NO_SCORE);
        j->in.nps = (int)json_int(req->json, "nps", SURVEY_NO_SCORE);
        j->in.ces = (int)json_int(req->json, "ces", SURVEY_NO_SCORE);
        const char *c = json_str(req->json, "comment", NULL);
        j->comment = c && *c ? xstrdup(c) : NULL;
    } else if (req_content_type_is(req, FORM_TYPE)) {
        if (!parse_form(req, j)) {
            answer_job_free(j);
            return;
        }
    } else {
        answer_job_free(j);
        terr_set(&req->err, TERR_MEDIA_TYPE, NULL,
                 "send the answer as " FORM_TYPE " or application/json");
        reply_survey_error(req, TERR_MEDIA_TYPE);
        return;
    }
    j->in.comment = j->comment;
    /* Checked here too, so a bad answer costs the writer nothing. */
    if ((e = survey_answer_check(&j->in, &req->err))) {
        answer_job_free(j);
        reply_survey_error(req, e);
        return;
    }
    j->token = xstrdup(path_token(req));
    j->json = wants_json(req);
    req->render_error = answer_error;
    http_write(req, answer_tx, j, answer_job_free);
}

/* ---- GET /api/v1/tickets/{id}/surveys ---- */

struct ticket_surveys {
    int64_t id;
    json_t *items;
};

static enum terr surveys_tx(struct store_tx *tx, void *arg)
{
    struct ticket_surveys *ts = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, ts->id, &t);
    if (e)
        return e;
    ticket_release(&t);
    struct survey *v;
    size_t n;
    if ((e = store_survey_list(tx, ts->id, &v, &n)))
        return e;
    int64_t now = time_now_ms();
    ts->items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ts->items, render_survey(&v[i], now));
    surveys_free(v, n);
    return TERR_OK;
}

void h_ticket_surveys(struct request *req)
{
    struct ticket_surveys ts = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), surveys_tx, &ts);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)ts.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o}", "items", ts.items));
}
