/*
 * The browser's side of the desk:
 *   GET  /app/, /app/<file>, /assets/<path>, /help, /help/<file>, /case/<file>
 *        files of the web directory, from memory (web_files.h)
 *   POST /api/v1/public/contact    the public contact form: a new ticket and its case link
 *   POST /c/{token}/messages       the customer's reply through their case link
 *
 * The two POSTs are public (no login, no cookie: nothing for a cross-site
 * request to ride on, and the JSON body needs a CORS preflight no other
 * origin gets) and take at most --public-per-minute requests a minute from
 * one address.  They are never replayed by Idempotency-Key: every customer
 * would share one principal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/case_link.h"
#include "../service/conflict.h"
#include "../service/tickets.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "render.h"
#include "server_int.h"
#include "web_files.h"

/* ---- files ---- */

void reply_web_file(struct request *req, const struct web_file *f)
{
    free(req->resp_body);
    req->resp_body = NULL;
    req->web_page = true;
    req->content_type = f->content_type;
    req->etag = f->etag;
    if (web_etag_matches(req_header(req, "If-None-Match"), f->etag)) {
        req->status = 304;
        req->static_body = "";
        req->static_len = 0;
    } else {
        req->status = 200;
        req->static_body = f->data;
        req->static_len = f->len;
    }
    req->state = REQ_DONE;
}

void h_web_file(struct request *req)
{
    const char *path = req->path;
    if (strcmp(path, "/app") == 0) {
        /* The console's relative URLs need the slash. */
        req->location = "/app/";
        req->content_type = "text/plain; charset=utf-8";
        reply_raw(req, 302, xstrdup("/app/\n"));
        return;
    }
    /* The name in the web directory: the path without its "/", a directory's index.html. */
    char name[WEB_FILES_NAME_MAX + 1];
    size_t n = strlen(path);
    int w = strcmp(path, "/help") == 0 ? snprintf(name, sizeof(name), "help/index.html")
            : path[n - 1] == '/'       ? snprintf(name, sizeof(name), "%sindex.html", path + 1)
                                       : snprintf(name, sizeof(name), "%s", path + 1);
    const struct web_file *f =
        w > 0 && (size_t)w < sizeof(name) ? web_files_find(req->srv->opt.web, name) : NULL;
    if (!f) {
        reply_not_found(req);
        return;
    }
    reply_web_file(req, f);
}

/* ---- the public budget ---- */

static bool public_rate_ok(struct request *req, const char *what)
{
    int retry;
    if (ratelimit_take(req->srv->public_limit, req->ip, time_now_ms(), &retry))
        return true;
    req->retry_after = retry;
    reply_error(req, TERR_RATE_LIMITED, NULL, "too many %s from this address; try again in %d s",
                what, retry);
    return false;
}

/* ---- POST /api/v1/public/contact ---- */

struct contact_job {
    struct ticket_open in; /* strings borrowed from req->json */
    struct msg_analysis analysis;
    char *analysis_json;
    int64_t ticket_id;
    char token[LINK_TOKEN_MAX];
};

static void contact_job_free(void *arg)
{
    struct contact_job *j = arg;
    if (!j)
        return;
    free(j->analysis_json);
    free(j);
}

static void render_contact(struct request *req)
{
    struct contact_job *j = req->warg;
    char url[sizeof(CASE_LINK_PREFIX) + LINK_TOKEN_MAX];
    snprintf(url, sizeof(url), "%s%s", CASE_LINK_PREFIX, j->token);
    reply_json(req, 201,
               json_pack("{s:I, s:s}", "ticket_id", (json_int_t)j->ticket_id, "case_url", url));
}

/* The service names the ticket API's fields; the form has its own names. */
static void form_field_names(struct terr_info *ei)
{
    if (strcmp(ei->field, "customer.email") == 0)
        snprintf(ei->field, sizeof(ei->field), "email");
    else if (strcmp(ei->field, "message.body") == 0)
        snprintf(ei->field, sizeof(ei->field), "message");
}

static enum terr contact_tx(struct store_tx *tx, struct request *req)
{
    struct contact_job *j = req->warg;
    /* The customer writes; who they are is known once their record is found. */
    struct actor customer = {.kind = ACTOR_CUSTOMER};
    struct ticket_opened out;
    enum terr e = svc_ticket_open(tx, &customer, &j->in, &out, &req->err);
    if (e) {
        form_field_names(&req->err);
        return e;
    }
    j->ticket_id = out.ticket.id;
    ticket_opened_release(&out);
    if ((e = svc_case_token(tx, j->ticket_id, true, j->token)))
        return e;
    reply_later(req, render_contact);
    return TERR_OK;
}

void h_public_contact(struct request *req)
{
    req->has_idem = false; /* one principal for all customers: never replayed */
    if (!public_rate_ok(req, "contact requests"))
        return;
    enum terr e = json_check(req->json, body_public_contact, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct contact_job *j = xcalloc(1, sizeof(*j));
    struct ticket_open *in = &j->in;
    in->subject = json_str(req->json, "subject", "");
    in->customer_email = json_str(req->json, "email", "");
    in->customer_name = json_str(req->json, "name", NULL);
    in->body = json_str(req->json, "message", "");
    in->channel = CHANNEL_WEB;
    in->priority = PRIORITY_NORMAL;
    /* Checked here too, naming the form's fields, so bad input costs the writer nothing. */
    const char *bad = !email_plausible(in->customer_email) ? "email"
                      : text_blank(in->subject)            ? "subject"
                      : text_blank(in->body)               ? "message"
                                                           : NULL;
    if (bad) {
        contact_job_free(j);
        if (strcmp(bad, "email") == 0)
            reply_error(req, TERR_INVALID, bad, "'%s' is not an email address",
                        json_str(req->json, "email", ""));
        else
            reply_error(req, TERR_INVALID, bad, "'%s' is empty", bad);
        return;
    }
    if (in->customer_name && text_blank(in->customer_name))
        in->customer_name = NULL;
    if ((e = svc_conflict_analyze(in->body, "message", &j->analysis, &j->analysis_json,
                                  &req->err))) {
        contact_job_free(j);
        reply_err_info(req, e);
        return;
    }
    in->analysis = &j->analysis;
    in->analysis_json = j->analysis_json;
    http_write(req, contact_tx, j, contact_job_free);
}

/* ---- POST /c/{token}/messages ---- */

struct reply_job {
    char token[LINK_TOKEN_MAX];
    struct message_new in; /* the body borrowed from req->json */
    char *analysis_json;
    struct message out;
};

static void reply_job_free(void *arg)
{
    struct reply_job *j = arg;
    if (!j)
        return;
    message_release(&j->out);
    free(j->analysis_json);
    free(j);
}

/* The message as its customer sees it on the case page (as GET /c/{token}). */
static void render_reply(struct request *req)
{
    const struct message *m = &((struct reply_job *)req->warg)->out;
    reply_json(req, 201,
               json_pack("{s:s, s:o, s:o}", "author", author_name(m->author_kind), "body",
                         json_text(m->body), "created_at", render_time(m->created_at)));
}

static enum terr case_reply_tx(struct store_tx *tx, struct request *req)
{
    struct reply_job *j = req->warg;
    int64_t id;
    struct ticket t;
    enum terr e = svc_case_ticket(tx, j->token, &id);
    if (!e)
        e = store_ticket_get(tx, id, &t);
    if (e)
        return terr_set(&req->err, e, NULL, e == TERR_NOT_FOUND ? "no case has this link" : NULL);
    struct actor customer = {.kind = ACTOR_CUSTOMER, .id = t.customer_id};
    ticket_release(&t);
    if ((e = svc_message_add(tx, &customer, id, &j->in, &j->out, &req->err)))
        return e;
    reply_later(req, render_reply);
    return TERR_OK;
}

void h_case_reply(struct request *req)
{
    req->has_idem = false; /* one principal for all customers: never replayed */
    if (!public_rate_ok(req, "case replies"))
        return;
    enum terr e = json_check(req->json, body_case_reply, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const char *body = json_str(req->json, "body", "");
    if (text_blank(body)) {
        reply_error(req, TERR_INVALID, "body", "the message is empty");
        return;
    }
    struct reply_job *j = xcalloc(1, sizeof(*j));
    /* "/c/" TOKEN "/messages": the route matched the token's characters. */
    const char *tok = req->path + strlen(CASE_LINK_PREFIX);
    size_t tlen = strcspn(tok, "/");
    if (tlen >= sizeof(j->token)) {
        reply_job_free(j);
        reply_error(req, TERR_NOT_FOUND, NULL, "no case has this link");
        return;
    }
    memcpy(j->token, tok, tlen);
    j->token[tlen] = '\0';
    j->in = (struct message_new){.author = AUTHOR_CUSTOMER, .body = body};
    /* Analysed here so the single writer thread only writes. */
    struct msg_analysis a;
    if ((e = svc_conflict_analyze(body, "body", &a, &j->analysis_json, &req->err))) {
        reply_job_free(j);
        reply_err_info(req, e);
        return;
    }
    j->in.analysis_json = j->analysis_json;
    http_write(req, case_reply_tx, j, reply_job_free);
}
