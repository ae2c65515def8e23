/* The knowledge base's use cases (kb.h). */
#include "kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"

/* Most "-N" suffixes tried for a slug made from a title before giving up. */
#define SLUG_TRIES 100

enum terr svc_article_check(const struct article_input *in, bool create, struct terr_info *ei)
{
    if (create) {
        if (!in->has_title)
            return terr_set(ei, TERR_MISSING_FIELD, "title", "'title' is required");
        if (!in->has_body)
            return terr_set(ei, TERR_MISSING_FIELD, "body", "'body' is required");
    }
    enum terr e = TERR_OK;
    if (in->has_title &&
        (e = text_check(in->title, "title", ARTICLE_TITLE_MAX, TEXT_REQUIRED | TEXT_NOT_BLANK, ei)))
        return e;
    if (in->has_body && (e = text_check(in->body, "body", ARTICLE_BODY_MAX, TEXT_REQUIRED, ei)))
        return e;
    if (in->has_slug && in->slug && !kb_slug_valid(in->slug))
        return terr_set(ei, TERR_INVALID, "slug", "'slug' must be " KB_SLUG_RULE);
    if (in->has_tags) {
        if (in->n_tags > ARTICLE_TAGS_MAX)
            return terr_set(ei, TERR_INVALID, "tags", "'tags' has over %d items", ARTICLE_TAGS_MAX);
        for (size_t i = 0; i < in->n_tags; i++) {
            const char *t = in->tags[i];
            if (!utf8_valid(t, strlen(t)) || !label_valid(t, ARTICLE_TAG_MAX))
                return terr_set(ei, TERR_INVALID, "tags", "tag '%.64s' is not a valid label", t);
            for (size_t j = 0; j < i; j++)
                if (!strcmp(in->tags[j], t))
                    return terr_set(ei, TERR_INVALID, "tags", "tag '%s' is given twice", t);
        }
    }
    return TERR_OK;
}

static char *tags_json(const char *const *tags, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_text(tags[i]));
    return json_dump_record(a, "an article's tags");
}

static char *audit_json(const struct article *a)
{
    json_t *tags = json_loads(a->tags ? a->tags : "[]", 0, NULL);
    json_t *o = json_pack("{s:o, s:o, s:o, s:s, s:s, s:I, s:I}", "title", json_text(a->title),
                          "slug", json_text(a->slug), "tags", tags ? tags : json_array(),
                          "audience", article_audience_name(a->audience), "status",
                          article_status_name(a->status), "version", (json_int_t)a->version,
                          "body_bytes", (json_int_t)(a->body ? strlen(a->body) : 0));
    if (!o)
        BUG("cannot encode article %lld for the audit trail", (long long)a->id);
    return json_dump_record(o, "an article for the audit trail");
}

static bool may_publish(const struct actor *who)
{
    return who->kind == ACTOR_SYSTEM || (who->kind == ACTOR_AGENT && who->role >= ROLE_LEAD);
}

bool svc_article_public(const struct article *a)
{
    return a->status == ARTICLE_PUBLISHED && a->audience == ARTICLE_PUBLIC;
}

/* A free slug made from title into out (ARTICLE_SLUG_MAX + 1 bytes). */
static enum terr free_slug(struct store_tx *tx, const char *title, char *out, struct terr_info *ei)
{
    char base[ARTICLE_SLUG_MAX + 1];
    kb_slug_from_title(title, base, sizeof(base));
    for (int i = 1; i <= SLUG_TRIES; i++) {
        if (i == 1) {
            snprintf(out, ARTICLE_SLUG_MAX + 1, "%s", base);
        } else {
            char suffix[16];
            int sl = snprintf(suffix, sizeof(suffix), "-%d", i);
            int keep = (int)strlen(base);
            if (keep + sl > ARTICLE_SLUG_MAX)
                keep = ARTICLE_SLUG_MAX - sl;
            while (keep > 0 && base[keep - 1] == '-')
                keep--;
            snprintf(out, ARTICLE_SLUG_MAX + 1, "%.*s%s", keep, base, suffix);
        }
        struct article a;
        enum terr e = store_article_get_by_slug(tx, out, &a);
        if (e == TERR_NOT_FOUND)
            return TERR_OK;
        if (e)
            return terr_set(ei, e, NULL, NULL);
        article_release(&a);
    }
    return terr_set(ei, TERR_CONFLICT, "slug", "no free slug for '%.60s'; give one", title);
}

enum terr svc_article_create(struct store_tx *tx, const struct actor *who,
                             const struct article_input *in, int64_t now, struct article *out,
                             struct terr_info *ei)
{
    enum terr e = svc_article_check(in, true, ei);
    if (e)
        return e;
    enum article_status status = in->has_status ? in->status : ARTICLE_DRAFT;
    if (status == ARTICLE_PUBLISHED && !may_publish(who))
        return terr_set(ei, TERR_FORBIDDEN, "status", "publishing an article takes a lead");
    char slug[ARTICLE_SLUG_MAX + 1];
    if (in->has_slug && in->slug)
        snprintf(slug, sizeof(slug), "%s", in->slug);
    else if ((e = free_slug(tx, in->title, slug, ei)))
        return e;
    struct article a = {
        .slug = xstrdup(slug),
        .title = xstrdup(in->title),
        .body = xstrdup(in->body),
        .tags = in->has_tags ? tags_json(in->tags, in->n_tags) : xstrdup("[]"),
        .audience = in->has_audience ? in->audience : ARTICLE_INTERNAL,
        .status = status,
        .created_by = who->kind == ACTOR_AGENT ? who->id : 0,
        .created_at = now,
        .updated_at = now,
    };
    e = store_article_insert(tx, &a);
    if (e == TERR_CONFLICT) {
        article_release(&a);
        return terr_set(ei, e, "slug", "slug '%s' is taken", slug);
    }
    if (!e) {
        char *after = audit_json(&a);
        e = svc_audit(tx, who, "article.create", "article", a.id, 0, NULL, after, now);
        free(after);
    }
    if (e) {
        article_release(&a);
        return terr_set(ei, e, NULL, NULL);
    }
    if (out)
        *out = a;
    else
        article_release(&a);
    return TERR_OK;
}

static bool same(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

enum terr svc_article_update(struct store_tx *tx, const struct actor *who, int64_t id,
                             const struct article_input *in, int64_t now, bool *changed,
                             struct article *out, struct terr_info *ei)
{
    enum terr e = svc_article_check(in, false, ei);
    if (e)
        return e;
    struct article a;
    if ((e = store_article_get(tx, id, &a)))
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "article %lld not found" : NULL,
                        (long long)id);
    if (in->expect_version && in->expect_version != a.version) {
        /* Formatted before the release, which zeroes a. */
        terr_set(ei, TERR_CONFLICT, "version", "article %lld is at version %lld, not %lld",
                 (long long)id, (long long)a.version, (long long)in->expect_version);
        article_release(&a);
        return TERR_CONFLICT;
    }
    char *before = audit_json(&a);
    bool was_published = a.status == ARTICLE_PUBLISHED;
    bool dirty = false;
    if (in->has_title && !same(a.title, in->title)) {
        free(a.title);
        a.title = xstrdup(in->title);
        dirty = true;
    }
    if (in->has_slug && in->slug && !same(a.slug, in->slug)) {
        free(a.slug);
        a.slug = xstrdup(in->slug);
        dirty = true;
    }
    if (in->has_body && !same(a.body, in->body)) {
        free(a.body);
        a.body = xstrdup(in->body);
        dirty = true;
    }
    if (in->has_tags) {
        char *t = tags_json(in->tags, in->n_tags);
        if (!same(a.tags, t)) {
            free(a.tags);
            a.tags = t;
            dirty = true;
        } else {
            free(t);
        }
    }
    if (in->has_audience && a.audience != in->audience) {
        a.audience = in->audience;
        dirty = true;
    }
    if (in->has_status && a.status != in->status) {
        a.status = in->status;
        dirty = true;
    }
    if (dirty && (was_published || a.status == ARTICLE_PUBLISHED) && !may_publish(who)) {
        free(before);
        article_release(&a);
        return terr_set(ei, TERR_FORBIDDEN, "status",
                        "publishing or editing a published article takes a lead");
    }
    if (dirty) {
        a.version++;
        a.updated_at = now;
        int64_t by = who->kind == ACTOR_AGENT ? who->id : 0;
        e = store_article_update(tx, &a, by);
        if (e == TERR_CONFLICT)
            terr_set(ei, e, "slug", "slug '%s' is taken, or the article changed meanwhile", a.slug);
        else if (e)
            terr_set(ei, e, NULL, NULL);
        if (!e) {
            char *after = audit_json(&a);
            e = svc_audit(tx, who, "article.update", "article", a.id, 0, before, after, now);
            free(after);
            if (e)
                terr_set(ei, e, NULL, NULL);
        }
    }
    free(before);
    if (e) {
        article_release(&a);
        return e;
    }
    if (changed)
        *changed = dirty;
    if (out)
        *out = a;
    else
        article_release(&a);
    return TERR_OK;
}

enum terr svc_article_delete(struct store_tx *tx, const struct actor *who, int64_t id, int64_t now,
                             struct terr_info *ei)
{
    struct article a;
    enum terr e = store_article_get(tx, id, &a);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "article %lld not found" : NULL,
                        (long long)id);
    char *before = audit_json(&a);
    e = store_article_delete(tx, id);
    if (!e)
        e = svc_audit(tx, who, "article.delete", "article", id, 0, before, NULL, now);
    free(before);
    article_release(&a);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

/* The input of a parsed document: the fields its front matter gives, so a
 * new article gets the create defaults for the others and an existing one
 * keeps them (a lead may have published an imported draft since). */
static void doc_input(const struct kb_doc *d, struct article_input *in)
{
    *in = (struct article_input){
        .has_title = true,
        .title = d->title,
        .has_slug = d->slug != NULL,
        .slug = d->slug,
        .has_body = true,
        .body = d->body,
        .has_tags = d->has_tags,
        .tags = (const char *const *)d->tags,
        .n_tags = d->n_tags,
    };
    in->has_audience = d->audience && article_audience_parse(d->audience, &in->audience);
    in->has_status = d->status && article_status_parse(d->status, &in->status);
}

enum terr svc_kb_import(struct store_tx *tx, const struct actor *who, const struct kb_doc *docs,
                        const char *const *names, size_t n, int64_t now, size_t *n_created,
                        size_t *n_updated, size_t *n_skipped, struct terr_info *ei)
{
    size_t c = 0, u = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        struct article_input in;
        doc_input(&docs[i], &in);
        char slug[ARTICLE_SLUG_MAX + 1];
        if (!in.slug) {
            /* The slug is the file's identity: made from the title, never suffixed. */
            kb_slug_from_title(in.title, slug, sizeof(slug));
            in.slug = slug;
            in.has_slug = true;
        }
        for (size_t j = 0; j < i; j++) {
            const char *other = docs[j].slug;
            char os[ARTICLE_SLUG_MAX + 1];
            if (!other) {
                kb_slug_from_title(docs[j].title, os, sizeof(os));
                other = os;
            }
            if (!strcmp(other, in.slug))
                return terr_set(ei, TERR_CONFLICT, "slug", "%s: slug '%s' is also %s's", names[i],
                                in.slug, names[j]);
        }
        struct article a;
        enum terr e = store_article_get_by_slug(tx, in.slug, &a);
        struct terr_info sub = {0};
        bool changed = false;
        if (e == TERR_NOT_FOUND) {
            e = svc_article_create(tx, who, &in, now, NULL, &sub);
            c += !e;
        } else if (!e) {
            int64_t id = a.id;
            article_release(&a);
            e = svc_article_update(tx, who, id, &in, now, &changed, NULL, &sub);
            u += !e && changed;
            s += !e && !changed;
        } else {
            terr_set(&sub, e, NULL, NULL);
        }
        if (e)
            return terr_set(ei, e, sub.field[0] ? sub.field : NULL, "%s: %s", names[i],
                            sub.message[0] ? sub.message : terr_message(e));
    }
    *n_created = c;
    *n_updated = u;
    *n_skipped = s;
    return TERR_OK;
}

json_t *svc_article_json(const struct article *a, bool with_body, bool public_view)
{
    json_t *tags = json_loads(a->tags ? a->tags : "[]", 0, NULL);
    char t1[TIME_ISO_LEN], t2[TIME_ISO_LEN];
    json_t *o = json_pack(
        "{s:I, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)a->id, "slug", json_text(a->slug),
        "title", json_text(a->title), "tags", tags ? tags : json_array(), "created_at",
        time_format_iso(a->created_at, t1), "updated_at", time_format_iso(a->updated_at, t2));
    if (!o)
        BUG("cannot render article %lld", (long long)a->id);
    if (!public_view) {
        json_object_set_new(o, "audience", json_string(article_audience_name(a->audience)));
        json_object_set_new(o, "status", json_string(article_status_name(a->status)));
        json_object_set_new(o, "version", json_integer(a->version));
        json_object_set_new(o, "created_by",
                            a->created_by ? json_integer(a->created_by) : json_null());
    }
    if (with_body && a->body) {
        char *html = kb_render_html(a->body, strlen(a->body));
        json_object_set_new(o, "body_markdown", json_text(a->body));
        json_object_set_new(o, "body_html", json_text(html));
        free(html);
    }
    return o;
}
