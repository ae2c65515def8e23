/*
 * truce coach: how a reply draft will land, before it is sent.
 *
 *   --text T            the draft (otherwise all of stdin is one draft)
 *   --thread FILE.json  the thread it answers: an array of {"author","body",
 *                       "at"?} or {"customer_name","messages":[...]}
 *   --json              the review as JSON even on a terminal
 *
 * On a terminal the draft is printed with each finding's words underlined
 * in its severity's colour, then the findings, the scores, the politeness
 * and the playbook; otherwise (or with --json) one JSON object.  Bad input
 * (an empty draft, invalid UTF-8, a draft over COACH_MAX_DRAFT, a thread
 * file that is not JSON or has a bad item) is one line on stderr and exit 1.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/coach.h"
#include "../service/coach.h"
#include "../service/conflict.h"
#include "../util/buf.h"
#include "cli.h"

static const char usage[] =
    "usage: truce coach [--text DRAFT] [--thread FILE.json] [--json] [--data DIR]\n\n"
    "Reviews a reply draft (from --text, or all of stdin) the way a careful team\n"
    "lead would: findings with the words they are about, a rewrite where one\n"
    "fits, skill scores 0-100, politeness and the de-escalation playbook for\n"
    "the thread.  --thread reads the conversation so far: a JSON array of\n"
    "{\"author\": \"customer\"|\"agent\", \"body\", \"at\"?} or an object\n"
    "{\"customer_name\", \"messages\": [...]}.  On a terminal the draft is shown\n"
    "annotated; otherwise, or with --json, the review is printed as JSON.\n"
    "Drafts up to 64 KiB.  --data as for truce serve.\n";

/* Reads all of f into b (capped at b->max); false when it is longer. */
static bool read_all(FILE *f, struct buf *b)
{
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_add(b, chunk, n))
            return false;
    if (!b->data)
        buf_add(b, "", 0);
    return true;
}

/* ANSI colours by severity: red, yellow, cyan; underlined for spans. */
static const char *colour_of(enum coach_severity s, bool underline)
{
    if (underline)
        return s == COACH_ERROR ? "\033[4;31m" : s == COACH_WARN ? "\033[4;33m" : "\033[4;36m";
    return s == COACH_ERROR ? "\033[31m" : s == COACH_WARN ? "\033[33m" : "\033[36m";
}

/* The draft with each finding's span underlined in the colour of the most
 * serious finding covering it. */
static void print_annotated(const struct coach_review *r, const char *draft, size_t len)
{
    int current = -1;
    for (size_t i = 0; i < len; i++) {
        int sev = -1;
        for (size_t k = 0; k < r->n_findings; k++) {
            const struct coach_finding *f = &r->findings[k];
            if (f->start <= i && i < f->end && (int)f->severity > sev)
                sev = (int)f->severity;
        }
        if (sev != current) {
            fputs("\033[0m", stdout);
            if (sev >= 0)
                fputs(colour_of((enum coach_severity)sev, true), stdout);
            current = sev;
        }
        putchar(draft[i]);
    }
    fputs("\033[0m", stdout);
    if (len && draft[len - 1] != '\n')
        putchar('\n');
}

/* Prints the strings of a JSON array (or each item's "text") as a list. */
static void print_list(const char *title, const json_t *a)
{
    if (!json_is_array(a) || !json_array_size(a))
        return;
    printf("  %s:\n", title);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        const char *s = json_is_string(v) ? json_string_value(v)
                                          : json_string_value(json_object_get(v, "text"));
        if (s)
            printf("    - %s\n", s);
    }
}

static void print_terminal(const struct coach_review *r, const char *draft, size_t len)
{
    print_annotated(r, draft, len);
    putchar('\n');
    if (!r->n_findings)
        puts("No findings: the reply reads well.");
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct coach_finding *f = &r->findings[i];
        printf("%s%-5s\033[0m %-18s ", colour_of(f->severity, false),
               coach_severity_name(f->severity), coach_kind_name(f->kind));
        if (f->end > f->start && f->end <= len)
            printf("\"%.*s\" ", (int)(f->end - f->start), draft + f->start);
        printf("%s\n", f->message);
        if (f->suggestion[0])
            printf("      try: %s\n", f->suggestion);
    }
    printf("\nscores:");
    for (size_t s = 0; s < N_COACH_SKILLS; s++)
        printf(" %s %d", coach_skill_name((enum coach_skill)s), r->scores[s]);
    putchar('\n');
    if (r->politeness >= 0)
        printf("politeness: %.0f%% likely to read as polite\n", r->politeness * 100);
    printf("thread: %s%s; %zu words, %zu sentences, reading ease %.0f\n",
           conflict_level_name(r->level), r->first_reply ? ", first reply" : "", r->words,
           r->sentences, r->reading_ease);
    json_t *pb = playbook_choice_to_json(&r->playbook);
    if (json_is_object(pb)) {
        printf("\nplaybook (%s):\n", json_string_value(json_object_get(pb, "style"))
                                         ? json_string_value(json_object_get(pb, "style"))
                                         : "standard");
        print_list("steps", json_object_get(pb, "steps"));
        print_list("avoid", json_object_get(pb, "avoid"));
        print_list("say, for example", json_object_get(pb, "phrasings"));
        print_list("involve", json_object_get(pb, "involve"));
    }
    json_decref(pb);
}

/* Reads the thread file into th (doc keeps its bodies); 0 or 1 after saying why. */
static int load_thread(const char *path, json_t **doc, struct svc_coach_thread *th)
{
    if (cli_read_json(path, doc))
        return 1;
    struct terr_info ei = {0};
    if (svc_coach_thread_from_json(*doc, "thread", th, &ei)) {
        json_decref(*doc);
        *doc = NULL;
        return fail(1, "%s: %s", path, ei.message);
    }
    return 0;
}

static int review(const char *draft, size_t len, const struct coach_thread *thread, bool as_json)
{
    struct coach_review r;
    struct terr_info ei = {0};
    if (svc_coach_review(draft, len, "draft", thread, &r, &ei))
        return fail(1, "%s", ei.message);
    if (as_json) {
        json_t *o = coach_review_to_json(&r, draft, len);
        char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(o);
        if (!s)
            BUG("cannot encode the review");
        puts(s);
        free(s);
    } else {
        print_terminal(&r, draft, len);
    }
    return 0;
}

int cmd_coach(int argc, char **argv)
{
    const char *text = NULL, *thread = NULL, *data = NULL;
    bool json = false;
    const struct cli_opt opts[] = {
        {"text", &text, NULL}, {"thread", &thread, NULL}, {"data", &data, NULL},
        {"json", NULL, &json}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "coach");
    if (rc >= 0)
        return rc;
    /* One byte past the cap tells "too large" from "just fits". */
    struct buf b;
    buf_init(&b, COACH_MAX_DRAFT + 1);
    const char *draft = text;
    size_t len = text ? strlen(text) : 0;
    if (!text) {
        if (!read_all(stdin, &b)) {
            buf_release(&b);
            return fail(1, "the draft is over %u bytes, the most the coach reviews",
                        COACH_MAX_DRAFT);
        }
        if (ferror(stdin)) {
            buf_release(&b);
            return fail(1, "cannot read stdin");
        }
        draft = b.data;
        len = b.len;
    }
    if (strlen(draft) != len) {
        buf_release(&b);
        return fail(1, "the draft holds a NUL byte");
    }
    json_t *doc = NULL;
    struct svc_coach_thread th = {0};
    if (thread && load_thread(thread, &doc, &th)) {
        buf_release(&b);
        return 1;
    }
    struct analysis_data *ad = NULL;
    struct coach_data *cd = NULL;
    rc = cli_load_analysis(data, &ad);
    if (!rc && !(rc = cli_load_coach(data, ad, &cd))) {
        svc_conflict_setup(ad);
        svc_coach_setup(cd);
        rc = review(draft, len, thread ? &th.thread : NULL, json || !isatty(1));
    }
    svc_coach_thread_release(&th);
    json_decref(doc);
    buf_release(&b);
    cli_unload_coach(cd);
    cli_unload_analysis(ad);
    return rc;
}
