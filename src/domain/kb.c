/* The knowledge base's rules: slugs, safe rendering, front matter (kb.h). */
#include "kb.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/normalize.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/utf8.h"
#include "ticket_rules.h"

/* Bytes of a title's unaccented form kb_slug_from_title reads (compatibility
 * forms may expand; a slug needs only its first ARTICLE_SLUG_MAX). */
#define SLUG_SOURCE_MAX (16 * ARTICLE_TITLE_MAX)

static bool slug_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool kb_slug_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > ARTICLE_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!slug_char(s[i]))
            return false;
    /* All digits would read as an id in /public/articles/{slug-or-id}. */
    return strspn(s, "0123456789") < n;
}

void kb_slug_from_title(const char *title, char *out, size_t n)
{
    size_t len = 0, cap = n - 1 < ARTICLE_SLUG_MAX ? n - 1 : ARTICLE_SLUG_MAX;
    bool dash = false;
    title = title ? title : "";
    /* "Café" -> "cafe": Latin letters lose their accents; what is left that
     * is not ASCII (other scripts) becomes a dash below.  Not UTF-8, or too
     * long unaccented: the title's own bytes. */
    struct buf plain;
    buf_init(&plain, SLUG_SOURCE_MAX);
    if (text_unaccent(title, strlen(title), &plain) == TERR_OK && plain.data)
        title = plain.data;
    for (const char *p = title; *p && len < cap; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && len > 0 && len + 1 < cap)
                out[len++] = '-';
            dash = false;
            out[len++] = c;
        } else {
            dash = true;
        }
    }
    buf_release(&plain);
    while (len > 0 && out[len - 1] == '-')
        len--;
    out[len] = '\0';
    if (len == 0)
        snprintf(out, n, "article");
    else if (strspn(out, "0123456789") == len) {
        /* "2024" would read as an id (kb_slug_valid): "article-2024". */
        char digits[ARTICLE_SLUG_MAX + 1];
        snprintf(digits, sizeof(digits), "%s", out);
        snprintf(out, n, "article-%.*s", ARTICLE_SLUG_MAX - 8, digits);
    }
}

char *kb_render_html(const char *md, size_t len)
{
    /* CMARK_OPT_DEFAULT is safe (CMARK_OPT_UNSAFE is off): see kb.h. */
    char *html = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT);
    if (!html)
        BUG("cmark cannot render %zu bytes", len);
    return html;
}

void kb_doc_release(struct kb_doc *d)
{
    if (!d)
        return;
    free(d->title);
    free(d->slug);
    for (size_t i = 0; i < d->n_tags; i++)
        free(d->tags[i]);
    free(d->tags);
    free(d->audience);
    free(d->status);
    free(d->body);
    memset(d, 0, sizeof(*d));
}

/* Blanks around [b, e) trimmed: *b and *e moved in. */
static void trim(const char **b, const char **e)
{
    while (*b < *e && (**b == ' ' || **b == '\t' || **b == '\r'))
        (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

static bool is_fence(const char *b, const char *e)
{
    trim(&b, &e);
    return e - b == 3 && memcmp(b, "---", 3) == 0;
}

/* One tags value: "a, b" or "[a, b]"; items may be quoted. */
static enum terr parse_tags(struct kb_doc *d, const char *b, const char *e, int line,
                            struct terr_info *ei)
{
    if (b < e && *b == '[') {
        if (e[-1] != ']')
            return terr_set(ei, TERR_INVALID, "tags", "line %d: '[' without ']'", line);
        b++;
        e--;
    }
    while (b < e) {
        const char *c = memchr(b, ',', (size_t)(e - b));
        const char *ie = c ? c : e, *ib = b;
        trim(&ib, &ie);
        if (ie - ib >= 2 && (*ib == '"' || *ib == '\'') && ie[-1] == *ib) {
            ib++;
            ie--;
        }
        if (ie > ib) {
            char *tag = xstrndup(ib, (size_t)(ie - ib));
            if (!label_valid(tag, ARTICLE_TAG_MAX)) {
                free(tag);
                return terr_set(ei, TERR_INVALID, "tags", "line %d: '%.*s' is not a valid tag",
                                line, (int)(ie - ib), ib);
            }
            for (size_t i = 0; i < d->n_tags; i++)
                if (!strcmp(d->tags[i], tag)) {
                    free(tag);
                    tag = NULL;
                    break;
                }
            if (tag) {
                if (d->n_tags >= ARTICLE_TAGS_MAX) {
                    free(tag);
                    return terr_set(ei, TERR_INVALID, "tags", "line %d: over %d tags", line,
                                    ARTICLE_TAGS_MAX);
                }
                d->tags = xrealloc(d->tags, (d->n_tags + 1) * sizeof(*d->tags));
                d->tags[d->n_tags++] = tag;
            }
        }
        b = c ? c + 1 : e;
    }
    return TERR_OK;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A comment in [b, *e) cut off: as in YAML, it starts at a '#' after a blank,
 * so "C#" stays and "x # note" is "x". */
static void cut_comment(const char *b, const char **e)
{
    for (const char *p = b + 1; p < *e; p++)
        if (*p == '#' && blank(p[-1])) {
            *e = p;
            return;
        }
}

/* A scalar value [*b, *e) after its colon: trimmed and without a trailing
 * comment.  A value in matching quotes is taken without them, up to the
 * first closing quote followed by nothing or by a comment, so a title
 * holding " #" keeps it when quoted. */
static void scalar_value(const char **b, const char **e)
{
    trim(b, e);
    if (*e - *b >= 2 && (**b == '"' || **b == '\'')) {
        for (const char *q = *b + 1; q < *e; q++) {
            if (*q != **b)
                continue;
            const char *r = q + 1;
            while (r < *e && blank(*r))
                r++;
            if (r == *e || (*r == '#' && r > q + 1)) {
                (*b)++;
                *e = q;
                return;
            }
        }
    }
    cut_comment(*b - 1, e);
    trim(b, e);
}

/* One "name: value" line of the front matter into d. */
static enum terr parse_field(struct kb_doc *d, const char *b, const char *e, int line,
                             struct terr_info *ei)
{
    const char *colon = memchr(b, ':', (size_t)(e - b));
    if (!colon)
        return terr_set(ei, TERR_INVALID, NULL, "line %d: expected 'name: value'", line);
    const char *nb = b, *ne = colon, *vb = colon + 1, *ve = e;
    trim(&nb, &ne);
    /* Tags are unquoted one by one (parse_tags) and hold no blank or '#'. */
    bool is_tags = ne - nb == 4 && !memcmp(nb, "tags", 4);
    if (is_tags) {
        cut_comment(colon, &ve);
        trim(&vb, &ve);
        if (d->has_tags)
            return terr_set(ei, TERR_INVALID, "tags", "line %d: 'tags' given twice", line);
        d->has_tags = true;
        return parse_tags(d, vb, ve, line, ei);
    }
    scalar_value(&vb, &ve);
    size_t nl = (size_t)(ne - nb);
    char **slot = NULL;
    const char *field = NULL;
    if (nl == 5 && !memcmp(nb, "title", 5))
        slot = &d->title, field = "title";
    else if (nl == 4 && !memcmp(nb, "slug", 4))
        slot = &d->slug, field = "slug";
    else if (nl == 8 && !memcmp(nb, "audience", 8))
        slot = &d->audience, field = "audience";
    else if (nl == 6 && !memcmp(nb, "status", 6))
        slot = &d->status, field = "status";
    else
        return terr_set(ei, TERR_INVALID, NULL, "line %d: unknown field '%.*s'", line,
                        (int)(nl > 40 ? 40 : nl), nb);
    if (*slot)
        return terr_set(ei, TERR_INVALID, field, "line %d: '%s' given twice", line, field);
    char *v = xstrndup(vb, (size_t)(ve - vb));
    if (slot == &d->title && (!*v || strlen(v) > ARTICLE_TITLE_MAX)) {
        enum terr r = terr_set(ei, *v ? TERR_TOO_LONG : TERR_INVALID, "title",
                               "line %d: 'title' must be 1..%d bytes", line, ARTICLE_TITLE_MAX);
        free(v);
        return r;
    }
    if (slot == &d->slug && !kb_slug_valid(v)) {
        enum terr r = terr_set(ei, TERR_INVALID, field,
                               "line %d: '%s' is not a valid slug (" KB_SLUG_RULE ")", line,
                               strlen(v) > 60 ? "(long value)" : v);
        free(v);
        return r;
    }
    if ((slot == &d->audience && strcmp(v, "public") && strcmp(v, "internal")) ||
        (slot == &d->status && strcmp(v, "draft") && strcmp(v, "published"))) {
        enum terr r = terr_set(ei, TERR_INVALID, field, "line %d: '%s' is not a valid %s", line,
                               strlen(v) > 60 ? "(long value)" : v, field);
        free(v);
        return r;
    }
    *slot = v;
    return TERR_OK;
}

enum terr kb_front_matter_parse(const char *text, size_t len, struct kb_doc *out, int *line_out,
                                struct terr_info *ei)
{
    struct kb_doc d = {0};
    int line = 1;
    enum terr e = TERR_OK;
    const char *p = text, *end = text + len;
    if (!utf8_valid(text, len) || memchr(text, '\0', len)) {
        e = terr_set(ei, TERR_BAD_UTF8, NULL, "line 1: the file is not valid UTF-8 text");
        goto fail;
    }
    /* A UTF-8 byte order mark is skipped. */
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    bool open = false, closed = false;
    for (; p < end && !closed; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le - p > KB_LINE_MAX) {
            e = terr_set(ei, TERR_TOO_LONG, NULL, "line %d: over %d bytes", line, KB_LINE_MAX);
            goto fail;
        }
        if (!open) {
            if (!is_fence(p, le)) {
                e = terr_set(ei, TERR_INVALID, NULL,
                             "line %d: expected '---' opening the front matter", line);
                goto fail;
            }
            open = true;
        } else if (is_fence(p, le)) {
            closed = true;
        } else {
            const char *b = p, *te = le;
            trim(&b, &te);
            if (line > KB_FRONT_LINES_MAX + 1) {
                e = terr_set(ei, TERR_INVALID, NULL, "line %d: front matter over %d lines", line,
                             KB_FRONT_LINES_MAX);
                goto fail;
            }
            if (b < te && *b != '#' && (e = parse_field(&d, b, te, line, ei)))
                goto fail;
        }
        p = nl ? nl + 1 : end;
    }
    if (!closed) {
        e = terr_set(ei, TERR_INVALID, NULL, "line %d: the front matter has no closing '---'",
                     open ? line - 1 : 1);
        line = open ? line - 1 : 1;
        goto fail;
    }
    if (!d.title) {
        line = 1;
        e = terr_set(ei, TERR_MISSING_FIELD, "title", "line 1: the front matter has no 'title'");
        goto fail;
    }
    if ((size_t)(end - p) > ARTICLE_BODY_MAX) {
        e = terr_set(ei, TERR_TOO_LONG, "body", "line %d: the body is over %d bytes", line,
                     ARTICLE_BODY_MAX);
        goto fail;
    }
    d.body = xstrndup(p, (size_t)(end - p));
    *out = d;
    return TERR_OK;
fail:
    if (line_out)
        *line_out = line;
    kb_doc_release(&d);
    return e;
}
