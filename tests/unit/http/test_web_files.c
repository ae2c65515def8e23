/* src/http/web_files.c: the web directory in memory, looked up by name only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/web_files.h"

static char root[64];

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_tree(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/truce-web-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char p[256];
    const char *const dirs[] = {"app", "assets", "assets/js", ".git", "help"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
        mkdir(p, 0700);
    }
    put("app/index.html", "<h1>console</h1>");
    put("assets/js/api.js", "export const x = 1;");
    put("assets/site.css", "body{}");
    put("assets/.secret", "hidden");
    put(".git/config", "hidden");
    put("help/index.html", "<h1>help</h1>");
    put("robots.TXT", "User-agent: *");
    snprintf(p, sizeof(p), "%s/assets/passwd", root);
    if (symlink("/etc/passwd", p) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/linkdir", root);
    if (symlink("/etc", p) != 0)
        return -1;
    return 0;
}

static int remove_tree(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void loads_regular_files_by_relative_name(void **state)
{
    (void)state;
    struct web_files *wf = NULL;
    struct terr_info ei = {0};
    assert_int_equal(web_files_load(root, 0, &wf, &ei), TERR_OK);
    assert_int_equal(web_files_count(wf), 5);
    const struct web_file *f = web_files_find(wf, "app/index.html");
    assert_non_null(f);
    assert_int_equal(f->len, strlen("<h1>console</h1>"));
    assert_memory_equal(f->data, "<h1>console</h1>", f->len);
    assert_string_equal(f->content_type, "text/html; charset=utf-8");
    assert_string_equal(web_files_find(wf, "assets/js/api.js")->content_type,
                        "text/javascript; charset=utf-8");
    assert_string_equal(web_files_find(wf, "robots.TXT")->content_type,
                        "text/plain; charset=utf-8");
    assert_non_null(web_files_find(wf, "help/index.html"));
    web_files_free(wf);
}

static void hidden_files_links_and_odd_names_are_never_found(void **state)
{
    (void)state;
    struct web_files *wf = NULL;
    assert_int_equal(web_files_load(root, 0, &wf, NULL), TERR_OK);
    static const char *const absent[] = {
        "assets/.secret",
        ".git/config",
        "assets/passwd",
        "linkdir/passwd",
        "/app/index.html",
        "app/../app/index.html",
        "./app/index.html",
        "app//index.html",
        "app/index.html/",
        "APP/index.html",
        "app",
        "",
        "../etc/passwd",
        "assets/js/../js/api.js",
    };
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        if (web_files_find(wf, absent[i]))
            fail_msg("'%s' was found", absent[i]);
    assert_null(web_files_find(NULL, "app/index.html"));
    web_files_free(wf);
}

static void etags_follow_the_content(void **state)
{
    (void)state;
    struct web_files *wf = NULL;
    assert_int_equal(web_files_load(root, 0, &wf, NULL), TERR_OK);
    const struct web_file *a = web_files_find(wf, "app/index.html");
    const struct web_file *b = web_files_find(wf, "help/index.html");
    assert_int_equal(strlen(a->etag), 34);
    assert_int_equal(a->etag[0], '"');
    assert_int_equal(a->etag[33], '"');
    assert_string_not_equal(a->etag, b->etag);
    assert_true(web_etag_matches(a->etag, a->etag));
    char list[128];
    snprintf(list, sizeof(list), "\"x\", W/%s", a->etag);
    assert_true(web_etag_matches(list, a->etag));
    assert_true(web_etag_matches(" * ", a->etag));
    assert_false(web_etag_matches(b->etag, a->etag));
    assert_false(web_etag_matches(NULL, a->etag));
    assert_false(web_etag_matches("", a->etag));
    web_files_free(wf);
}

static void a_tree_over_the_cap_is_refused(void **state)
{
    (void)state;
    struct web_files *wf = (struct web_files *)(uintptr_t)1;
    struct terr_info ei = {0};
    /* The five files hold 16 + 19 + 6 + 13 + 13 = 67 bytes. */
    assert_int_equal(web_files_load(root, 60, &wf, &ei), TERR_TOO_LARGE);
    assert_true(wf == (struct web_files *)(uintptr_t)1); /* untouched */
    assert_non_null(strstr(ei.message, "over its limit"));
    assert_int_equal(web_files_load(root, 67, &wf, NULL), TERR_OK);
    web_files_free(wf);
    assert_int_equal(web_files_load("/nonexistent/truce-web", 0, &wf, &ei), TERR_IO);
    assert_non_null(strstr(ei.message, "/nonexistent/truce-web"));
    web_files_free(NULL);
}

static void content_types_by_extension(void **state)
{
    (void)state;
    assert_string_equal(web_content_type("a/b.css"), "text/css; charset=utf-8");
    assert_string_equal(web_content_type("i.svg"), "image/svg+xml");
    assert_string_equal(web_content_type("i.png"), "image/png");
    assert_string_equal(web_content_type("favicon.ico"), "image/x-icon");
    assert_string_equal(web_content_type("d.json"), "application/json; charset=utf-8");
    assert_string_equal(web_content_type("x.bin"), "application/octet-stream");
    assert_string_equal(web_content_type("a.dir/noext"), "application/octet-stream");
    assert_string_equal(web_content_type("Makefile"), "application/octet-stream");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_regular_files_by_relative_name),
        cmocka_unit_test(hidden_files_links_and_odd_names_are_never_found),
        cmocka_unit_test(etags_follow_the_content),
        cmocka_unit_test(a_tree_over_the_cap_is_refused),
        cmocka_unit_test(content_types_by_extension),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
