/*
 * The knowledge base (issue 7, section 1): the use cases around articles,
 * in the caller's transaction.
 *
 * Who may write: any agent may create and edit drafts; publishing (creating
 * an article as published, or setting status to published) and editing or
 * unpublishing an article that is published take a lead or an admin, since a
 * published public article speaks for the company.  Deleting is for leads and
 * admins (the route's role).  The system actor (the CLI's import) may do all.
 *
 * Every change writes a new version (store_kb.h) and an audit event
 * ("article.create", "article.update", "article.delete"; target "article").
 * An edit that changes nothing writes nothing and keeps the version.
 */
#ifndef TRUCE_SVC_KB_H
#define TRUCE_SVC_KB_H

#include <jansson.h>

#include "../domain/kb.h"
#include "../store/store_kb.h"
#include "service.h"

/* A new article's fields, or a patch's (has_*: given).  Borrowed strings. */
struct article_input {
    bool has_title, has_slug, has_body, has_tags, has_audience, has_status;
    const char *title;
    const char *slug; /* NULL on create: made from the title */
    const char *body;
    const char *const *tags;
    size_t n_tags;
    enum article_audience audience;
    enum article_status status;
    int64_t expect_version; /* a patch's "version": 0 when not given */
};

/* Checks in's values (title 1..ARTICLE_TITLE_MAX bytes, not blank; slug;
 * body <= ARTICLE_BODY_MAX; tags labels, unique, at most ARTICLE_TAGS_MAX;
 * UTF-8): TERR_OK or the first error with its field in ei.  create: title
 * and body are required, audience and status too. */
enum terr svc_article_check(const struct article_input *in, bool create, struct terr_info *ei);

/* Creates an article as who at now; the slug is in->slug or made from the
 * title (with "-2", "-3", ... when taken).  TERR_CONFLICT (field slug) when a
 * given slug is taken; TERR_FORBIDDEN when an agent publishes.  On success
 * *out (release with article_release) is the stored article. */
enum terr svc_article_create(struct store_tx *tx, const struct actor *who,
                             const struct article_input *in, int64_t now, struct article *out,
                             struct terr_info *ei);

/* Applies patch in to article id.  TERR_NOT_FOUND, TERR_FORBIDDEN (see
 * above), TERR_CONFLICT when in->expect_version is not the stored version or
 * the new slug is taken.  *changed (may be NULL) says whether a version was
 * written; *out (may be NULL) is the article after. */
enum terr svc_article_update(struct store_tx *tx, const struct actor *who, int64_t id,
                             const struct article_input *in, int64_t now, bool *changed,
                             struct article *out, struct terr_info *ei);

/* Deletes article id and its history; TERR_NOT_FOUND when none. */
enum terr svc_article_delete(struct store_tx *tx, const struct actor *who, int64_t id, int64_t now,
                             struct terr_info *ei);

/* Imports parsed documents (kb_front_matter_parse) by slug: a new slug is
 * created (fields the front matter leaves out get the create defaults), an
 * article whose fields equal the document's is skipped, any other becomes a
 * new version; a field the front matter leaves out (tags, audience, status)
 * keeps the article's value.  names[i] names docs[i] in errors
 * ("name: what").  The counts go to *n_created, *n_updated, *n_skipped. */
enum terr svc_kb_import(struct store_tx *tx, const struct actor *who, const struct kb_doc *docs,
                        const char *const *names, size_t n, int64_t now, size_t *n_created,
                        size_t *n_updated, size_t *n_skipped, struct terr_info *ei);

/* An article as the API shows it.  with_body adds body_markdown and
 * body_html (kb_render_html: safe); public_view leaves out what only agents
 * see (created_by, version, status and audience).  Returns a new reference. */
json_t *svc_article_json(const struct article *a, bool with_body, bool public_view);

/* true when a may be shown to the public: published and public. */
bool svc_article_public(const struct article *a);

#endif
