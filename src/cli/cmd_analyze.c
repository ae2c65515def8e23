/*
 * truce analyze: the conflict analysis from the command line, one JSON object
 * per line of output.
 *
 *   --text T          one message
 *   --jsonl FILE      one message per line, in its "text" field
 *   --thread FILE     a JSON array of {"author","body","at"}: the thread's risk
 *   (none)            one message per line of stdin
 *
 * A bad input line does not stop the run: its error goes to stderr as
 * "truce: <source>:<line>: <reason>", and stdout gets {"error": {...}} in its
 * place so output line N still answers input line N (a blank JSONL line is
 * such an error).  The exit code is 1 if any line failed.  A UTF-8
 * byte-order mark before the first line and CR before each LF are dropped.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/conflict.h"
#include "../text/tokenize.h"
#include "../util/buf.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "cli.h"

static const char usage[] =
    "usage: truce analyze [--text TEXT | --jsonl FILE | --thread FILE.json] [--data DIR]\n\n"
    "Prints the conflict analysis of each message as one JSON object per line:\n"
    "sentiment, emotions, triggers, category, cause, score, level and reasons.\n"
    "Messages come from --text, from the \"text\" field of each line of a JSONL\n"
    "file, or from the lines of stdin.  --thread reads a JSON array of\n"
    "{\"author\", \"body\", \"at\"} and prints the thread's risk instead.  A bad line\n"
    "prints {\"error\": ...} in its place and the exit code is 1.  --data as for\n"
    "truce serve.\n";

/* A line longer than the analysis takes, with room for JSON around it. */
#define LINE_MAX_BYTES (TOKENIZE_MAX_BYTES + 64 * 1024)

static void print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s)
        BUG("cannot encode the analysis");
    puts(s);
    free(s);
}

/* Reports a failed line on stderr and in its place on stdout. */
static void line_error(const char *source, size_t line, enum terr code, const char *message)
{
    if (line)
        fprintf(stderr, "truce: %s:%zu: %s\n", source, line, message);
    else
        fprintf(stderr, "truce: %s: %s\n", source, message);
    char safe[300];
    utf8_sanitize(message, safe, sizeof(safe));
    json_t *err = json_pack("{s:s, s:s}", "code", terr_code(code), "message", safe);
    if (line)
        json_object_set_new(err, "line", json_integer((json_int_t)line));
    print_json(json_pack("{s:o}", "error", err));
}

/* Analyses one text and prints it; false (after reporting) when it cannot. */
static bool analyze_one(const char *source, size_t line, const char *text, size_t len,
                        const char *field)
{
    char msg[256];
    if (strlen(text) != len) {
        snprintf(msg, sizeof(msg), "%s holds a NUL byte", field);
        line_error(source, line, TERR_BAD_UTF8, msg);
        return false;
    }
    if (!utf8_valid(text, len)) {
        snprintf(msg, sizeof(msg), "%s is not valid UTF-8", field);
        line_error(source, line, TERR_BAD_UTF8, msg);
        return false;
    }
    if (text_blank(text)) {
        snprintf(msg, sizeof(msg), "%s is empty", field);
        line_error(source, line, TERR_INVALID, msg);
        return false;
    }
    if (len > TOKENIZE_MAX_BYTES) {
        snprintf(msg, sizeof(msg), "%s is too long to analyse (over %u bytes)", field,
                 TOKENIZE_MAX_BYTES);
        line_error(source, line, TERR_TOO_LARGE, msg);
        return false;
    }
    struct msg_analysis a;
    struct terr_info ei = {0};
    enum terr e = svc_conflict_analyze(text, field, &a, NULL, &ei);
    if (e) {
        line_error(source, line, e, ei.message[0] ? ei.message : terr_message(e));
        return false;
    }
    print_json(analysis_to_json(&a, text, len));
    return true;
}

static int run_lines(FILE *f, const char *source, bool jsonl)
{
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    bool too_long, ok = true;
    size_t line = 0;
    char msg[256];
    while (cli_read_line(f, &b, LINE_MAX_BYTES, &too_long)) {
        line++;
        if (too_long) {
            snprintf(msg, sizeof(msg), "the line is over %u bytes", (unsigned)LINE_MAX_BYTES);
            line_error(source, line, TERR_TOO_LARGE, msg);
            ok = false;
            continue;
        }
        /* A byte-order mark before the first line and CRLF line ends, as
         * Windows editors write them, are not part of the text. */
        char *data = b.data;
        size_t len = b.len;
        if (line == 1 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
            data += 3, len -= 3;
        if (len && data[len - 1] == '\r')
            data[--len] = '\0';
        if (!jsonl) {
            ok &= analyze_one(source, line, data, len, "the text");
            continue;
        }
        if (strlen(data) == len && text_blank(data)) {
            line_error(source, line, TERR_BAD_JSON, "the line is empty, not a JSON object");
            ok = false;
            continue;
        }
        json_error_t jerr;
        json_t *o = json_loadb(data, len, JSON_DECODE_ANY, &jerr);
        const json_t *text = json_object_get(o, "text");
        if (!o) {
            snprintf(msg, sizeof(msg), "not JSON: %s", jerr.text);
            line_error(source, line, TERR_BAD_JSON, msg);
            ok = false;
        } else if (!json_is_object(o)) {
            snprintf(msg, sizeof(msg), "the line is a JSON %s, not an object",
                     json_is_array(o)    ? "array"
                     : json_is_string(o) ? "string"
                     : json_is_number(o) ? "number"
                                         : "literal");
            line_error(source, line, TERR_WRONG_TYPE, msg);
            ok = false;
        } else if (!json_is_string(text)) {
            line_error(source, line, text ? TERR_WRONG_TYPE : TERR_MISSING_FIELD,
                       text ? "'text' must be a string" : "'text' is required");
            ok = false;
        } else {
            ok &= analyze_one(source, line, json_string_value(text), json_string_length(text),
                              "'text'");
        }
        json_decref(o);
    }
    buf_release(&b);
    if (ferror(f)) {
        fprintf(stderr, "truce: cannot read '%s': %s\n", source, strerror(errno));
        return 1;
    }
    return ok ? 0 : 1;
}

static int run_thread(const char *path)
{
    json_t *doc;
    if (cli_read_json(path, &doc))
        return 1;
    struct thread_risk r;
    struct terr_info ei = {0};
    enum terr e = svc_thread_risk(doc, time_now_ms(), &r, &ei);
    json_decref(doc);
    if (e)
        return fail(1, "%s: %s", path, ei.message[0] ? ei.message : terr_message(e));
    print_json(risk_to_json(&r));
    return 0;
}

int cmd_analyze(int argc, char **argv)
{
    const char *text = NULL, *jsonl = NULL, *thread = NULL, *data = NULL;
    const struct cli_opt opts[] = {
        {"text", &text, NULL}, {"jsonl", &jsonl, NULL}, {"thread", &thread, NULL},
        {"data", &data, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "analyze");
    if (rc >= 0)
        return rc;
    if ((text != NULL) + (jsonl != NULL) + (thread != NULL) > 1)
        return fail(EXIT_USAGE, "give one of --text, --jsonl and --thread");
    FILE *f = NULL;
    if (jsonl && !(f = cli_open_input(jsonl)))
        return 1;
    struct analysis_data *ad;
    if (cli_load_analysis(data, &ad)) {
        if (f)
            fclose(f);
        return 1;
    }
    svc_conflict_setup(ad);
    if (text)
        rc = analyze_one("--text", 0, text, strlen(text), "the text") ? 0 : 1;
    else if (thread)
        rc = run_thread(thread);
    else if (f)
        rc = run_lines(f, jsonl, true);
    else
        rc = run_lines(stdin, "stdin", false);
    if (f)
        fclose(f);
    cli_unload_analysis(ad);
    return rc;
}
