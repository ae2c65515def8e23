/*
 * libFuzzer target for the knowledge base's front matter parser
 * (kb_front_matter_parse, src/domain/kb.c), which reads Markdown files an
 * admin imports with `truce kb import`, and for the renderer those bodies go
 * through (kb_render_html).  Invariants: a refusal gives a message and a line
 * within the file and leaves the output untouched; what parses has a title of
 * 1..ARTICLE_TITLE_MAX bytes, a valid slug when one is given, valid tags and a
 * body within its limit; the rendered HTML never holds a script element or a
 * javascript: URL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/kb.h"
#include "domain/ticket_rules.h"
#include "fuzz.h"

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct kb_doc d;
    memset(&d, 0x5a, sizeof(d));
    struct terr_info ei = {0};
    int line = 0;
    if (kb_front_matter_parse(text, size, &d, &line, &ei) != TERR_OK) {
        FUZZ_ASSERT(ei.message[0] != '\0');
        FUZZ_ASSERT(line >= 1);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        FUZZ_ASSERT((size_t)line <= lines);
        FUZZ_ASSERT(((const unsigned char *)&d)[0] == 0x5a);
        return 0;
    }
    FUZZ_ASSERT(d.title && d.title[0] && strlen(d.title) <= ARTICLE_TITLE_MAX);
    FUZZ_ASSERT(!d.slug || kb_slug_valid(d.slug));
    FUZZ_ASSERT(d.n_tags <= ARTICLE_TAGS_MAX);
    for (size_t i = 0; i < d.n_tags; i++)
        FUZZ_ASSERT(label_valid(d.tags[i], ARTICLE_TAG_MAX));
    FUZZ_ASSERT(!d.audience || !strcmp(d.audience, "public") || !strcmp(d.audience, "internal"));
    FUZZ_ASSERT(!d.status || !strcmp(d.status, "draft") || !strcmp(d.status, "published"));
    FUZZ_ASSERT(d.body && strlen(d.body) <= ARTICLE_BODY_MAX);
    char *html = kb_render_html(d.body, strlen(d.body));
    lower(html);
    FUZZ_ASSERT(!strstr(html, "<script"));
    FUZZ_ASSERT(!strstr(html, "href=\"javascript:"));
    FUZZ_ASSERT(!strstr(html, "src=\"javascript:"));
    free(html);
    char slug[ARTICLE_SLUG_MAX + 1];
    kb_slug_from_title(d.title, slug, sizeof(slug));
    FUZZ_ASSERT(kb_slug_valid(slug));
    kb_doc_release(&d);
    return 0;
}
