/*
 * /api/v1/articles and /api/v1/public/articles: the knowledge base
 * (service/kb.h).  Agents see every article; the public routes show
 * published public articles only, and answer 404 for any other as for one
 * that does not exist, so the public cannot learn that an internal article
 * or a draft exists.
 */
#include <stdlib.h>
#include <string.h>

#include "../service/kb.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

#define ARTICLE_PAGE_DEFAULT 25
#define ARTICLE_PAGE_MAX     100

/* A create or patch body as service input; strings borrowed from req->json. */
struct article_job {
    struct article_input in;
    const char **tags;
    struct article out;
};

static void article_job_free(void *arg)
{
    struct article_job *j = arg;
    if (!j)
        return;
    free(j->tags);
    article_release(&j->out);
    free(j);
}

/* Reads a checked body into a new job, or replies 400 and returns NULL. */
static struct article_job *read_body(struct request *req)
{
    const json_t *b = req->json;
    struct article_job *j = xcalloc(1, sizeof(*j));
    struct article_input *in = &j->in;
    in->has_title = json_has(b, "title");
    in->title = json_str(b, "title", NULL);
    in->has_slug = json_has(b, "slug") && json_str(b, "slug", NULL);
    in->slug = json_str(b, "slug", NULL);
    in->has_body = json_has(b, "body");
    in->body = json_str(b, "body", NULL);
    in->expect_version = json_int(b, "version", 0);
    const json_t *tags = json_object_get(b, "tags");
    if ((in->has_tags = tags != NULL)) {
        size_t n = json_array_size(tags);
        j->tags = xcalloc(n ? n : 1, sizeof(*j->tags));
        for (size_t i = 0; i < n; i++)
            j->tags[i] = json_string_value(json_array_get(tags, i));
        in->tags = j->tags;
        in->n_tags = n;
    }
    const char *v = json_str(b, "audience", NULL);
    if ((in->has_audience = v != NULL) && !article_audience_parse(v, &in->audience)) {
        reply_error(req, TERR_INVALID, "audience", "'audience' must be public or internal");
        article_job_free(j);
        return NULL;
    }
    v = json_str(b, "status", NULL);
    if ((in->has_status = v != NULL) && !article_status_parse(v, &in->status)) {
        reply_error(req, TERR_INVALID, "status", "'status' must be draft or published");
        article_job_free(j);
        return NULL;
    }
    return j;
}

/* ---- create ---- */

static void render_created(struct request *req)
{
    reply_json(req, 201, svc_article_json(&((struct article_job *)req->warg)->out, true, false));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct article_job *j = req->warg;
    enum terr e = svc_article_create(tx, &req->actor, &j->in, time_now_ms(), &j->out, &req->err);
    if (!e)
        reply_later(req, render_created);
    return e;
}

void h_articles_create(struct request *req)
{
    enum terr e = json_check(req->json, body_article_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct article_job *j = read_body(req);
    if (!j)
        return;
    if ((e = svc_article_check(&j->in, true, &req->err))) {
        article_job_free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, create_tx, j, article_job_free);
}

/* ---- lists ---- */

struct articles_page {
    struct article_query q;
    bool public_view;
    json_t *items;
    json_t *next;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct articles_page *p = arg;
    size_t limit = p->q.limit;
    p->q.limit = limit + 1;
    struct article *v;
    size_t n;
    enum terr e = store_article_list(tx, &p->q, &v, &n);
    p->q.limit = limit;
    if (e)
        return e;
    size_t shown = n > limit ? limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, svc_article_json(&v[i], false, p->public_view));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    articles_free(v, n);
    return TERR_OK;
}

static void reply_page(struct request *req, struct articles_page *p)
{
    enum terr e = store_read(req_store(req), list_tx, p);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p->items, "next_cursor", p->next));
}

void h_articles_list(struct request *req)
{
    struct articles_page p = {0};
    if (!query_limit(req, ARTICLE_PAGE_DEFAULT, ARTICLE_PAGE_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.after_id))
        return;
    const char *v = req_query(req, "status");
    if (v && !(p.q.has_status = article_status_parse(v, &p.q.status))) {
        reply_error(req, TERR_INVALID, "status", "'status' must be draft or published");
        return;
    }
    v = req_query(req, "audience");
    if (v && !(p.q.has_audience = article_audience_parse(v, &p.q.audience))) {
        reply_error(req, TERR_INVALID, "audience", "'audience' must be public or internal");
        return;
    }
    p.q.tag = req_query(req, "tag");
    reply_page(req, &p);
}

void h_public_articles_list(struct request *req)
{
    struct articles_page p = {.public_view = true};
    if (!query_limit(req, ARTICLE_PAGE_DEFAULT, ARTICLE_PAGE_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.after_id))
        return;
    p.q.has_status = true;
    p.q.status = ARTICLE_PUBLISHED;
    p.q.has_audience = true;
    p.q.audience = ARTICLE_PUBLIC;
    p.q.tag = req_query(req, "tag");
    reply_page(req, &p);
}

/* ---- one article ---- */

struct one_article {
    int64_t id;       /* when not 0, tried first */
    const char *slug; /* borrowed; may be NULL */
    bool public_view;
    bool versions;
    json_t *body;
};

/* The article by id or by slug, as visible: one the public may not see is
 * TERR_NOT_FOUND. */
static enum terr get_one(struct store_tx *tx, const struct one_article *o, bool by_id,
                         struct article *a)
{
    enum terr e =
        by_id ? store_article_get(tx, o->id, a) : store_article_get_by_slug(tx, o->slug, a);
    if (!e && o->public_view && !svc_article_public(a)) {
        article_release(a);
        return TERR_NOT_FOUND;
    }
    return e;
}

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct one_article *o = arg;
    struct article a;
    enum terr e = get_one(tx, o, o->id != 0, &a);
    /* Slugs of digits alone are refused now (kb_slug_valid), but one stored
     * before still answers when no visible article has that id. */
    if (e == TERR_NOT_FOUND && o->id && o->slug)
        e = get_one(tx, o, false, &a);
    if (e)
        return e;
    if (o->versions) {
        struct article_version *v;
        size_t n;
        if ((e = store_article_versions(tx, a.id, &v, &n))) {
            article_release(&a);
            return e;
        }
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *tags = json_loads(v[i].tags ? v[i].tags : "[]", 0, NULL);
            struct agent who = {0}; /* the editor's name: agents may not list agents */
            bool named = v[i].edited_by && store_agent_get(tx, v[i].edited_by, &who) == TERR_OK;
            json_t *x = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "version",
                                  (json_int_t)v[i].version, "title", v[i].title, "body_markdown",
                                  v[i].body, "tags", tags ? tags : json_array(), "audience",
                                  article_audience_name(v[i].audience), "status",
                                  article_status_name(v[i].status), "edited_by",
                                  v[i].edited_by ? json_integer(v[i].edited_by) : json_null(),
                                  "edited_at", render_time(v[i].edited_at));
            if (!x)
                BUG("cannot render version %lld of article %lld", (long long)v[i].version,
                    (long long)a.id);
            json_object_set_new(x, "edited_by_name", named ? json_text(who.name) : json_null());
            agent_release(&who);
            json_array_append_new(items, x);
        }
        article_versions_free(v, n);
        o->body = json_pack("{s:I, s:o}", "article_id", (json_int_t)a.id, "items", items);
    } else {
        o->body = svc_article_json(&a, true, o->public_view);
    }
    article_release(&a);
    return TERR_OK;
}

static void reply_article(struct request *req, struct one_article *o)
{
    enum terr e = store_read(req_store(req), get_tx, o);
    if (e == TERR_NOT_FOUND && o->slug && !o->id)
        reply_error(req, e, NULL, "article '%s' not found", o->slug);
    else if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "article %lld not found", (long long)o->id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, o->body);
}

void h_article_get(struct request *req)
{
    struct one_article o = {.id = req->params[0]};
    reply_article(req, &o);
}

void h_article_versions(struct request *req)
{
    struct one_article o = {.id = req->params[0], .versions = true};
    reply_article(req, &o);
}

/* POST /api/v1/articles/preview: {"body"} as an article's body_html would
 * render it, nothing stored: the editor's preview as the author types. */
void h_article_preview(struct request *req)
{
    enum terr e = json_check(req->json, body_article_preview, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const char *md = json_str(req->json, "body", "");
    char *html = kb_render_html(md, strlen(md));
    reply_json(req, 200, json_pack("{s:o}", "body_html", json_text(html)));
    free(html);
}

#define PUBLIC_ARTICLES_PREFIX "/api/v1/public/articles/"

void h_public_article_get(struct request *req)
{
    /* {token}: an id when all digits (slugs never are), else a slug. */
    const char *key = req->path + strlen(PUBLIC_ARTICLES_PREFIX);
    struct one_article o = {.public_view = true, .slug = key};
    size_t n = strlen(key), digits = strspn(key, "0123456789");
    if (digits == n && n <= 18 && key[0] != '0')
        o.id = strtoll(key, NULL, 10);
    reply_article(req, &o);
}

/* ---- patch and delete ---- */

static void render_patched(struct request *req)
{
    reply_json(req, 200, svc_article_json(&((struct article_job *)req->warg)->out, true, false));
}

static enum terr patch_tx(struct store_tx *tx, struct request *req)
{
    struct article_job *j = req->warg;
    enum terr e = svc_article_update(tx, &req->actor, req->params[0], &j->in, time_now_ms(), NULL,
                                     &j->out, &req->err);
    if (!e)
        reply_later(req, render_patched);
    return e;
}

void h_article_patch(struct request *req)
{
    enum terr e = json_check(req->json, body_article_patch, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct article_job *j = read_body(req);
    if (!j)
        return;
    if ((e = svc_article_check(&j->in, false, &req->err))) {
        article_job_free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, patch_tx, j, article_job_free);
}

static enum terr delete_tx(struct store_tx *tx, struct request *req)
{
    int64_t id = req->params[0];
    enum terr e = svc_article_delete(tx, &req->actor, id, time_now_ms(), &req->err);
    if (!e)
        reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
    return e;
}

void h_article_delete(struct request *req)
{
    http_write(req, delete_tx, NULL, NULL);
}
