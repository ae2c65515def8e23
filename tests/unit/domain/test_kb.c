/* src/domain/kb.c: slugs, safe Markdown rendering, the front matter parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/kb.h"

static char *render(const char *md)
{
    return kb_render_html(md, strlen(md));
}

static void markdown_is_rendered(void **state)
{
    (void)state;
    char *h = render("# Title\n\nSome *words* and [a link](https://example.org/x).\n");
    assert_non_null(strstr(h, "<h1>Title</h1>"));
    assert_non_null(strstr(h, "<em>words</em>"));
    assert_non_null(strstr(h, "<a href=\"https://example.org/x\">a link</a>"));
    free(h);
}

static void raw_html_never_comes_out(void **state)
{
    (void)state;
    const char *bad[] = {
        "<script>alert(1)</script>",       "hello <script>alert(1)</script> there",
        "<img src=x onerror=alert(1)>",    "<iframe src=\"https://evil.example\"></iframe>",
        "a <b onmouseover=alert(1)>b</b>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char *h = render(bad[i]);
        assert_null(strstr(h, "<script"));
        assert_null(strstr(h, "<img"));
        assert_null(strstr(h, "<iframe"));
        assert_null(strstr(h, "onerror"));
        assert_null(strstr(h, "onmouseover"));
        free(h);
    }
}

static void dangerous_urls_are_dropped(void **state)
{
    (void)state;
    const char *bad[] = {
        "[x](javascript:alert(1))",  "[x](JavaScript:alert(1))",
        "[x](vbscript:msgbox(1))",   "[x](data:text/html,<script>alert(1)</script>)",
        "![x](javascript:alert(1))", "<javascript:alert(1)>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char *h = render(bad[i]);
        for (char *p = h; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        /* The text may say "javascript:"; no URL may hold it. */
        assert_null(strstr(h, "href=\"javascript:"));
        assert_null(strstr(h, "src=\"javascript:"));
        assert_null(strstr(h, "href=\"vbscript:"));
        assert_null(strstr(h, "href=\"data:"));
        assert_null(strstr(h, "<script"));
        free(h);
    }
}

/* cmark keeps raster data: images (docs/api.md "Rendering") and blanks
 * every other data: URL, SVG included. */
static void data_images_raster_only(void **state)
{
    (void)state;
    const char *kept[] = {"png", "gif", "jpeg", "webp"};
    for (size_t i = 0; i < sizeof(kept) / sizeof(*kept); i++) {
        char md[128], src[128];
        snprintf(md, sizeof(md), "![x](data:image/%s;base64,AAAA)", kept[i]);
        snprintf(src, sizeof(src), "src=\"data:image/%s;base64,AAAA\"", kept[i]);
        char *h = render(md);
        assert_non_null(strstr(h, src));
        free(h);
    }
    const char *blanked[] = {"![x](data:image/svg+xml;base64,PHN2Zz4=)",
                             "![x](data:text/html;base64,PHN2Zz4=)"};
    for (size_t i = 0; i < sizeof(blanked) / sizeof(*blanked); i++) {
        char *h = render(blanked[i]);
        assert_non_null(strstr(h, "src=\"\""));
        assert_null(strstr(h, "data:"));
        free(h);
    }
}

static void text_is_escaped(void **state)
{
    (void)state;
    char *h = render("5 < 6 & \"quotes\" `<b>code</b>`");
    assert_non_null(strstr(h, "5 &lt; 6 &amp; &quot;quotes&quot;"));
    assert_non_null(strstr(h, "<code>&lt;b&gt;code&lt;/b&gt;</code>"));
    free(h);
}

static void slugs_are_made_from_titles(void **state)
{
    (void)state;
    char s[ARTICLE_SLUG_MAX + 1];
    kb_slug_from_title("Where is my parcel?", s, sizeof(s));
    assert_string_equal(s, "where-is-my-parcel");
    kb_slug_from_title("  --Refunds & Returns (2026)--  ", s, sizeof(s));
    assert_string_equal(s, "refunds-returns-2026");
    kb_slug_from_title("Ünïcode only ✓", s, sizeof(s));
    assert_string_equal(s, "unicode-only");
    kb_slug_from_title("✓✓✓", s, sizeof(s));
    assert_string_equal(s, "article");
    /* Digits alone would read as an id. */
    kb_slug_from_title("2024", s, sizeof(s));
    assert_string_equal(s, "article-2024");
    kb_slug_from_title("(2024) !", s, sizeof(s));
    assert_string_equal(s, "article-2024");
    kb_slug_from_title("2024/2025", s, sizeof(s));
    assert_string_equal(s, "2024-2025");
    char digits[400];
    memset(digits, '7', sizeof(digits) - 1);
    digits[sizeof(digits) - 1] = '\0';
    kb_slug_from_title(digits, s, sizeof(s));
    assert_int_equal(strlen(s), ARTICLE_SLUG_MAX);
    assert_true(kb_slug_valid(s));
    char long_title[400];
    memset(long_title, 'a', sizeof(long_title) - 1);
    long_title[sizeof(long_title) - 1] = '\0';
    kb_slug_from_title(long_title, s, sizeof(s));
    assert_int_equal(strlen(s), ARTICLE_SLUG_MAX);
    assert_true(kb_slug_valid(s));
}

/* Latin letters lose their accents; other scripts fall back to what ASCII
 * the title has, or "article". */
static void slugs_transliterate_latin_letters(void **state)
{
    (void)state;
    static const struct {
        const char *title, *slug;
    } cases[] = {
        {"Café opening hours", "cafe-opening-hours"},
        {"Cafe\xcc\x81 (decomposed)", "cafe-decomposed"},
        {"Crème brûlée à la carte", "creme-brulee-a-la-carte"},
        {"Søren's Łódź guide", "soren-s-lodz-guide"},
        {"Straße und Größe", "strasse-und-grosse"},
        {"\xef\xac\x81le sizes", "file-sizes"}, /* the "fi" ligature */
        {"Ça coûte €20", "ca-coute-20"},
        {"Доставка и возврат", "article"},
        {"Доставка 2024", "article-2024"},
        {"返品 returns", "returns"},
        {"not UTF-8 \xff here", "not-utf-8-here"},
    };
    char s[ARTICLE_SLUG_MAX + 1];
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        kb_slug_from_title(cases[i].title, s, sizeof(s));
        assert_string_equal(s, cases[i].slug);
        assert_true(kb_slug_valid(s));
    }
}

static void slug_validity(void **state)
{
    (void)state;
    assert_true(kb_slug_valid("refund-policy"));
    assert_true(kb_slug_valid("a1"));
    assert_false(kb_slug_valid(""));
    assert_false(kb_slug_valid("-a"));
    assert_false(kb_slug_valid("a-"));
    assert_false(kb_slug_valid("Upper"));
    assert_false(kb_slug_valid("a b"));
    assert_false(kb_slug_valid("a_b"));
    assert_false(kb_slug_valid(NULL));
    assert_false(kb_slug_valid("2024"));
    assert_true(kb_slug_valid("2024-2025"));
    assert_true(kb_slug_valid("article-2024"));
}

static enum terr parse(const char *text, struct kb_doc *d, int *line, struct terr_info *ei)
{
    memset(ei, 0, sizeof(*ei));
    *line = 0;
    return kb_front_matter_parse(text, strlen(text), d, line, ei);
}

static void front_matter_is_read(void **state)
{
    (void)state;
    struct kb_doc d;
    struct terr_info ei;
    int line;
    assert_int_equal(parse("---\n"
                           "# a comment\n"
                           "title: \"Refunds: how\"\n"
                           "slug: refunds\n"
                           "tags: [billing, 'faq', billing]\n"
                           "audience: public\n"
                           "status: published\n"
                           "---\n"
                           "Body *text*.\n",
                           &d, &line, &ei),
                     TERR_OK);
    assert_string_equal(d.title, "Refunds: how");
    assert_string_equal(d.slug, "refunds");
    assert_int_equal(d.n_tags, 2);
    assert_true(d.has_tags);
    assert_string_equal(d.tags[0], "billing");
    assert_string_equal(d.tags[1], "faq");
    assert_string_equal(d.audience, "public");
    assert_string_equal(d.status, "published");
    assert_string_equal(d.body, "Body *text*.\n");
    kb_doc_release(&d);

    assert_int_equal(parse("---\r\ntitle: Only a title\r\n---\r\n", &d, &line, &ei), TERR_OK);
    assert_string_equal(d.title, "Only a title");
    assert_null(d.slug);
    assert_null(d.audience);
    assert_false(d.has_tags);
    assert_int_equal(d.n_tags, 0);
    assert_string_equal(d.body, "");
    kb_doc_release(&d);
}

/* Comments as in YAML: a whole line, or from a '#' after a blank; a quoted
 * value keeps its '#'. */
static void front_matter_comments_are_skipped(void **state)
{
    (void)state;
    struct kb_doc d;
    struct terr_info ei;
    int line;
    assert_int_equal(parse("---\n"
                           "  # indented comment\n"
                           "title: C# tips # not part of it\n"
                           "slug: c-tips\t# optional\n"
                           "tags: refunds, policy  # or [refunds, policy]\n"
                           "audience: public # default internal\n"
                           "status: 'published' # default draft\n"
                           "---\n"
                           "# A heading, not a comment\n",
                           &d, &line, &ei),
                     TERR_OK);
    assert_string_equal(d.title, "C# tips");
    assert_string_equal(d.slug, "c-tips");
    assert_int_equal(d.n_tags, 2);
    assert_string_equal(d.tags[1], "policy");
    assert_string_equal(d.audience, "public");
    assert_string_equal(d.status, "published");
    assert_string_equal(d.body, "# A heading, not a comment\n");
    kb_doc_release(&d);

    assert_int_equal(parse("---\ntitle: \"Order #42: refunds\"  # quoted\ntags: [a, b] # c\n---\n",
                           &d, &line, &ei),
                     TERR_OK);
    assert_string_equal(d.title, "Order #42: refunds");
    assert_int_equal(d.n_tags, 2);
    assert_string_equal(d.tags[1], "b");
    kb_doc_release(&d);

    /* "tags: []" is given (it clears), unlike no tags line at all. */
    assert_int_equal(parse("---\ntitle: x\ntags: []\n---\n", &d, &line, &ei), TERR_OK);
    assert_true(d.has_tags);
    assert_int_equal(d.n_tags, 0);
    kb_doc_release(&d);

    assert_int_equal(parse("---\ntitle: \"He said \"hi\"\"\n---\n", &d, &line, &ei), TERR_OK);
    assert_string_equal(d.title, "He said \"hi\"");
    kb_doc_release(&d);
}

/* Each bad file fails at the line named, with the field when there is one. */
static void front_matter_errors_name_their_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *field;
    } cases[] = {
        {"title: x\n", 1, ""},
        {"", 1, ""},
        {"---\ntitle: x\n", 2, ""},
        {"---\ntitle: x\nno colon here\n---\n", 3, ""},
        {"---\ntitle: x\ncolour: red\n---\n", 3, ""},
        {"---\ntitle: x\ntitle: y\n---\n", 3, "title"},
        {"---\ntitle:\n---\n", 2, "title"},
        {"---\ntitle: x\nslug: Not A Slug\n---\n", 3, "slug"},
        {"---\ntitle: x\nslug: 2024\n---\n", 3, "slug"},
        {"---\ntitle: x\naudience: everyone\n---\n", 3, "audience"},
        {"---\ntitle: x\nstatus: live\n---\n", 3, "status"},
        {"---\ntitle: x\ntags: [a, b c]\n---\n", 3, "tags"},
        {"---\ntitle: x\ntags: [a, b\n---\n", 3, "tags"},
        {"---\ntitle: x\ntags: []\ntags: a\n---\n", 4, "tags"},
        {"---\nslug: a\n---\nbody\n", 1, "title"},
        {"---\ntitle: \xff\n---\n", 1, ""},
        {"---\ntitle: # only a comment\n---\n", 2, "title"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kb_doc d;
        memset(&d, 0x5a, sizeof(d));
        struct terr_info ei;
        int line;
        assert_int_not_equal(parse(cases[i].text, &d, &line, &ei), TERR_OK);
        assert_int_equal(line, cases[i].line);
        assert_string_equal(ei.field, cases[i].field);
        assert_true(ei.message[0] != '\0');
        /* *out is left untouched. */
        assert_int_equal(((const unsigned char *)&d)[0], 0x5a);
    }
}

static void a_body_over_the_limit_is_refused(void **state)
{
    (void)state;
    size_t n = ARTICLE_BODY_MAX + 64;
    char *text = malloc(n + 1);
    strcpy(text, "---\ntitle: x\n---\n");
    size_t head = strlen(text);
    memset(text + head, 'a', n - head);
    text[n] = '\0';
    struct kb_doc d;
    struct terr_info ei;
    int line;
    assert_int_equal(kb_front_matter_parse(text, n, &d, &line, &ei), TERR_TOO_LONG);
    assert_string_equal(ei.field, "body");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markdown_is_rendered),
        cmocka_unit_test(raw_html_never_comes_out),
        cmocka_unit_test(dangerous_urls_are_dropped),
        cmocka_unit_test(data_images_raster_only),
        cmocka_unit_test(text_is_escaped),
        cmocka_unit_test(slugs_are_made_from_titles),
        cmocka_unit_test(slugs_transliterate_latin_letters),
        cmocka_unit_test(slug_validity),
        cmocka_unit_test(front_matter_is_read),
        cmocka_unit_test(front_matter_comments_are_skipped),
        cmocka_unit_test(front_matter_errors_name_their_line),
        cmocka_unit_test(a_body_over_the_limit_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
