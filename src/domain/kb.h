/*
 * The knowledge base's rules (issue 7, section 1): what a valid article
 * is, its slug, its Markdown rendered to safe HTML, and the front matter of
 * an imported Markdown file.  Pure functions: no store, no I/O.
 *
 * Rendering uses cmark with its default (safe) options: raw HTML blocks and
 * inline HTML become "<!-- raw HTML omitted -->" and links or images whose
 * URL is javascript:, vbscript:, file: or data: get an empty URL (but for
 * data:image/png, gif, jpeg and webp; svg+xml, which can script, is blanked),
 * so no article body can put live markup or script on a page.
 */
#ifndef TRUCE_DOMAIN_KB_H
#define TRUCE_DOMAIN_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

#define ARTICLE_TITLE_MAX 200          /* bytes */
#define ARTICLE_BODY_MAX  (200 * 1024) /* bytes of Markdown */
#define ARTICLE_SLUG_MAX  100          /* bytes of [a-z0-9-] */
#define ARTICLE_TAG_MAX   64           /* bytes per tag (a label) */
#define ARTICLE_TAGS_MAX  32           /* tags per article */
/* An imported file's front matter: the lines between the opening and the
 * closing "---", at most this many, each at most KB_LINE_MAX bytes. */
#define KB_FRONT_LINES_MAX 64
#define KB_LINE_MAX        1024

/* true when s is 1..ARTICLE_SLUG_MAX bytes of [a-z0-9-], neither starting
 * nor ending with '-', and not all digits (those are article ids in the
 * routes that take a slug or an id). */
bool kb_slug_valid(const char *s);
/* What kb_slug_valid asks, for error messages. */
#define KB_STR_(x) #x
#define KB_STR(x)  KB_STR_(x)
#define KB_SLUG_RULE                                                                               \
    "1.." KB_STR(ARTICLE_SLUG_MAX) " bytes of a-z, 0-9 and '-', not starting or ending with "      \
                                   "'-', not all digits"
/* The slug of a title into out (n >= ARTICLE_SLUG_MAX + 1): accents
 * dropped (text_unaccent: "Café" -> "cafe"), ASCII letters and digits
 * lowered, every other run of bytes (other scripts too) one '-', trimmed, cut at
 * ARTICLE_SLUG_MAX; "article" when nothing is left, "article-" before
 * digits alone ("2024" -> "article-2024").  Never fails. */
void kb_slug_from_title(const char *title, char *out, size_t n);

/* The HTML of Markdown md (len bytes), safe as described above; caller
 * frees with free().  Aborts only on out-of-memory, like xmalloc. */
char *kb_render_html(const char *md, size_t len);

/* A Markdown file with front matter, parsed.  Every string is owned; release
 * with kb_doc_release.  Fields absent from the front matter are NULL, tags
 * has_tags false (title is required; at import a new article gets the
 * defaults: slug from the title, no tags, audience internal, status draft;
 * an existing one keeps what it has). */
struct kb_doc {
    char *title;
    char *slug;
    bool has_tags; /* a "tags:" line, maybe empty */
    char **tags;
    size_t n_tags;
    char *audience;
    char *status;
    char *body; /* everything after the closing "---" line */
};
void kb_doc_release(struct kb_doc *d);

/* Parses text (len bytes, need not be terminated): a first line "---", then
 * "name: value" lines (title, slug, tags, audience, status; tags either
 * "a, b" or "[a, b]"; blank lines and lines starting with '#' skipped; as in
 * YAML, a '#' after a blank starts a comment to the end of the line unless
 * it is inside a quoted value), a closing "---", then the body.  On error returns TERR_INVALID (or
 * TERR_TOO_LONG, TERR_BAD_UTF8) with "line N: what" in ei and *line_out (may
 * be NULL) set to N, and leaves *out untouched.  Values are checked too: slug
 * (kb_slug_valid), title 1..ARTICLE_TITLE_MAX, tags (labels), audience and
 * status names, body <= ARTICLE_BODY_MAX. */
enum terr kb_front_matter_parse(const char *text, size_t len, struct kb_doc *out, int *line_out,
                                struct terr_info *ei);

#endif
