/*
 * truce qa: QA scorecards of sent agent replies, from a ticket in the
 * database or from an export of conversations (service/qa.h), as one JSON
 * object on stdout.
 *
 *   --ticket ID [--db PATH]  the ticket's thread
 *   --csv FILE               conversation_id,author,agent,body[,customer_name]
 *   --jsonl FILE             one conversation per line:
 *                            {"id","customer_name"?,"messages":[{"author","agent"?,"body"}]}
 *
 * A bad input stops the run with one line on stderr naming the file and
 * line, and exit code 1; nothing is printed on stdout then.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/coach.h"
#include "../service/coach.h"
#include "../service/conflict.h"
#include "../service/qa.h"
#include "../util/buf.h"
#include "cli.h"

static const char usage[] =
    "usage: truce qa (--ticket ID [--db PATH] | --csv FILE | --jsonl FILE) [--data DIR]\n\n"
    "Scores every sent agent reply with the reply coach, against the thread\n"
    "before it, and prints one JSON object: \"replies\" (scores and findings of\n"
    "each), \"conversations\" and \"agents\" (mean scores, findings), \"skipped\"\n"
    "(replies under 5 words, too short to judge) and \"totals\".\n"
    "  --ticket ID   a ticket of the database (default truce.db)\n"
    "  --csv FILE    columns conversation_id,author,agent,body[,customer_name],\n"
    "                author customer or agent, a conversation's rows together,\n"
    "                oldest first; a first row of column names is skipped\n"
    "  --jsonl FILE  one conversation per line: {\"id\", \"customer_name\"?,\n"
    "                \"messages\": [{\"author\", \"agent\"?, \"body\"}]}\n"
    "At most 200000 agent replies and 5000 messages per conversation.\n"
    "--data as for truce serve.\n";

/* A JSONL line: a conversation of up to 5000 messages of 256 KiB would not
 * fit any sane export; 16 MiB is plenty and bounds memory. */
#define QA_LINE_MAX (16u << 20)

struct ticket_read {
    int64_t id;
    struct qa_input *in;
    struct terr_info *ei;
};

static enum terr ticket_tx(struct store_tx *tx, void *arg)
{
    struct ticket_read *r = arg;
    return svc_qa_add_ticket(tx, r->in, r->id, r->ei);
}

static int from_ticket(const char *db, const char *id_text, struct qa_input *in)
{
    char *end;
    long long id = strtoll(id_text, &end, 10);
    if (!*id_text || *end || id < 1)
        return fail(EXIT_USAGE, "--ticket must be a ticket id, not '%s'", id_text);
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    struct terr_info ei = {0};
    struct ticket_read r = {.id = id, .in = in, .ei = &ei};
    enum terr e = store_read(st, ticket_tx, &r);
    store_close(st);
    if (e)
        return fail(1, "%s", ei.message[0] ? ei.message : terr_message(e));
    return 0;
}

static int from_csv(const char *path, struct qa_input *in)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(1, "cannot open '%s': %m", path);
    struct terr_info ei = {0};
    enum terr e = svc_qa_add_csv(in, f, path, &ei);
    fclose(f);
    return e ? fail(1, "%s", ei.message) : 0;
}

static int from_jsonl(const char *path, struct qa_input *in)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(1, "cannot open '%s': %m", path);
    struct buf b;
    buf_init(&b, QA_LINE_MAX);
    int rc = 0;
    size_t line = 0;
    int c = 0;
    while (!rc && c != EOF) {
        buf_reset(&b);
        bool too_long = false;
        line++;
        while ((c = getc(f)) != EOF && c != '\n') {
            char ch = (char)c;
            if (!too_long && buf_add(&b, &ch, 1))
                too_long = true;
        }
        if (too_long) {
            rc = fail(1, "%s:%zu: the line is over %u bytes", path, line, QA_LINE_MAX);
            break;
        }
        if (!b.len || strspn(b.data, " \t\r") == b.len)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!o) {
            rc = fail(1, "%s:%zu: not JSON: %s", path, line, jerr.text);
            break;
        }
        struct terr_info ei = {0};
        if (svc_qa_add_json(in, o, "the conversation", &ei))
            rc = fail(1, "%s:%zu: %s", path, line, ei.message);
        json_decref(o);
    }
    if (!rc && ferror(f))
        rc = fail(1, "cannot read '%s'", path);
    buf_release(&b);
    fclose(f);
    return rc;
}

int cmd_qa(int argc, char **argv)
{
    const char *ticket = NULL, *db = DEFAULT_DB, *csv = NULL, *jsonl = NULL, *data = NULL;
    const struct cli_opt opts[] = {
        {"ticket", &ticket, NULL}, {"db", &db, NULL},     {"csv", &csv, NULL},
        {"jsonl", &jsonl, NULL},   {"data", &data, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "qa");
    if (rc >= 0)
        return rc;
    if ((ticket != NULL) + (csv != NULL) + (jsonl != NULL) != 1)
        return fail(EXIT_USAGE, "give one of --ticket, --csv and --jsonl; see 'truce qa --help'");
    struct qa_input in;
    qa_input_init(&in, QA_CLI_MAX_REPLIES);
    rc = ticket ? from_ticket(db, ticket, &in) : csv ? from_csv(csv, &in) : from_jsonl(jsonl, &in);
    struct analysis_data *ad = NULL;
    struct coach_data *cd = NULL;
    if (!rc)
        rc = cli_load_analysis(data, &ad);
    if (!rc)
        rc = cli_load_coach(data, ad, &cd);
    if (!rc) {
        svc_conflict_setup(ad);
        svc_coach_setup(cd);
        json_t *out;
        struct terr_info ei = {0};
        if (svc_qa_run(&in, &out, &ei)) {
            rc = fail(1, "%s", ei.message);
        } else {
            char *s = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(10));
            json_decref(out);
            if (!s)
                BUG("cannot encode the scorecard");
            puts(s);
            free(s);
        }
    }
    qa_input_release(&in);
    cli_unload_coach(cd);
    cli_unload_analysis(ad);
    return rc;
}
