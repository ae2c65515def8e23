/*
 * truce kb import|list: the knowledge base from Markdown files, for scripts
 * and for `truce demo` (data/kb/).
 *
 * An import reads every *.md file of a directory (not its subdirectories),
 * in name order, parses them all first (front matter, domain/kb.h), then
 * writes them in one transaction: one bad file, or one refused write, and
 * nothing is imported.  A file is matched to an article by its slug (given,
 * or made from the title): unchanged, it is skipped; changed, it becomes a
 * new version.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/kb.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include "cli.h"

/* Most files one import reads: a knowledge base, not a document dump. */
#define KB_IMPORT_FILES_MAX 10000
/* A file's size cap: the body's and the front matter's. */
#define KB_FILE_MAX (ARTICLE_BODY_MAX + KB_FRONT_LINES_MAX * KB_LINE_MAX + 16)

static const char usage[] =
    "usage: truce kb import [--db PATH] DIR\n"
    "       truce kb list [--db PATH]\n\n"
    "import reads every DIR/*.md file: front matter between '---' lines (title,\n"
    "and optionally slug, tags, audience public|internal, status draft|published)\n"
    "then the Markdown body.  Files are matched to articles by slug: a new one is\n"
    "created, an unchanged one skipped, a changed one becomes a new version.  A\n"
    "field left out keeps an existing article's value (a new one gets no tags,\n"
    "internal, draft).  Any error (named file:line) imports nothing.  list prints\n"
    "id, slug, audience, status, version and title as tab-separated lines under a\n"
    "header.\n";

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file's text into *out (NUL-terminated), *len its size; 0 or 1 after printing why. */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(1, "cannot open '%s': %s", path, strerror(errno));
    char *text = xmalloc(KB_FILE_MAX + 1);
    size_t n = fread(text, 1, KB_FILE_MAX + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > KB_FILE_MAX) {
        free(text);
        return bad ? fail(1, "cannot read '%s'", path)
                   : fail(1, "%s:1: the file is over %d bytes", path, KB_FILE_MAX);
    }
    text[n] = '\0';
    *out = text;
    *len = n;
    return 0;
}

struct import_job {
    const struct kb_doc *docs;
    const char *const *names;
    size_t n;
    size_t created, updated, skipped;
    struct terr_info err;
};

static enum terr import_tx(struct store_tx *tx, void *arg)
{
    struct import_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    return svc_kb_import(tx, &system, j->docs, j->names, j->n, time_now_ms(), &j->created,
                         &j->updated, &j->skipped, &j->err);
}

int cli_kb_import(struct store *st, const char *dir, bool quiet)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail(1, "cannot open directory '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 4 || de->d_name[0] == '.' || strcmp(de->d_name + l - 3, ".md"))
            continue;
        if (n >= KB_IMPORT_FILES_MAX) {
            rc = fail(1, "'%s' has over %d .md files", dir, KB_IMPORT_FILES_MAX);
            break;
        }
        names = xrealloc(names, (n + 1) * sizeof(*names));
        size_t pl = strlen(dir) + l + 2;
        names[n] = xmalloc(pl);
        snprintf(names[n++], pl, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    struct kb_doc *docs = xcalloc(n ? n : 1, sizeof(*docs));
    for (size_t i = 0; !rc && i < n; i++) {
        char *text = NULL;
        size_t len = 0;
        if ((rc = read_file(names[i], &text, &len)))
            break;
        struct terr_info ei = {0};
        int line = 0;
        enum terr e = kb_front_matter_parse(text, len, &docs[i], &line, &ei);
        free(text);
        if (e) {
            /* ei.message is "line N: what"; say "file:N: what". */
            const char *what = strstr(ei.message, ": ");
            rc = fail(1, "%s:%d: %s", names[i], line, what ? what + 2 : ei.message);
        }
    }
    if (!rc) {
        struct import_job j = {.docs = docs, .names = (const char *const *)names, .n = n};
        enum terr e = store_write(st, import_tx, &j);
        if (e)
            rc =
                fail(1, "nothing imported: %s", j.err.message[0] ? j.err.message : terr_message(e));
        else if (!quiet)
            printf("imported %zu files: %zu created, %zu updated, %zu unchanged\n", n, j.created,
                   j.updated, j.skipped);
    }
    for (size_t i = 0; i < n; i++) {
        kb_doc_release(&docs[i]);
        free(names[i]);
    }
    free(docs);
    free(names);
    return rc;
}

static int kb_import(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *dir = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"dir", &dir, NULL},
        {NULL, NULL, NULL},
    };
    /* The directory may come first, as a bare argument: "kb import DIR --db x". */
    if (argc > 1 && argv[1][0] != '-') {
        dir = argv[1];
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    /* ... or last: "kb import --db x DIR". */
    if (!dir && argc > 1 && argv[argc - 1][0] != '-' &&
        (argc < 3 || strcmp(argv[argc - 2], "--db"))) {
        dir = argv[argc - 1];
        argc--;
    }
    int rc = cli_parse(argc, argv, opts, usage, "kb import");
    if (rc >= 0)
        return rc;
    if (!dir)
        return fail(EXIT_USAGE, "kb import needs a directory");
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    rc = cli_kb_import(st, dir, false);
    store_close(st);
    return rc;
}

struct list_job {
    struct article *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    struct article_query q = {0};
    return store_article_list(tx, &q, &j->v, &j->n);
}

static int kb_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "kb list");
    if (rc >= 0)
        return rc;
    struct list_job j = {0};
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot read the articles: %s", terr_message(e));
    puts("id\tslug\taudience\tstatus\tversion\ttitle");
    for (size_t i = 0; i < j.n; i++) {
        const struct article *a = &j.v[i];
        printf("%lld\t%s\t%s\t%s\t%lld\t", (long long)a->id, a->slug,
               article_audience_name(a->audience), article_status_name(a->status),
               (long long)a->version);
        for (const char *p = a->title; *p; p++)
            putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
        putchar('\n');
    }
    articles_free(j.v, j.n);
    return 0;
}

int cmd_kb(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"import", kb_import},
        {"list", kb_list},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "kb");
}
