/*
 * The `truce` command: one file per subcommand (cmd_*.c), registered in the
 * commands[] table of main.c.  Exit codes: 0 ok, 1 runtime failure, 2 usage
 * error; failures print one line on stderr.
 */
#ifndef TRUCE_CLI_H
#define TRUCE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../store/store.h"
#include "../util/alloc.h"

#define EXIT_USAGE 2

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

int cmd_init(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_politeness(int argc, char **argv);
int cmd_coach(int argc, char **argv);
int cmd_qa(int argc, char **argv);
int cmd_webhooks(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_surveys(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_offers(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_problems(int argc, char **argv);
int cmd_lessons(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_notifications(int argc, char **argv);
int cmd_kb(int argc, char **argv);
/* Imports every .md file of DIR into the knowledge base (cmd_kb.c), all or nothing;
 * prints the counts unless quiet.  Returns 0, or 1 after printing why. */
int cli_kb_import(struct store *st, const char *dir, bool quiet);

struct rule_set;
/* data/rules/default.txt of the data directory (cli_data_dir) into out. */
void cli_default_rules_path(const char *data_flag, char *out, size_t len);
/* Reads and parses a rules file into out (initialised, empty): 0, or 1
 * after printing why ("FILE:LINE: ..."). */
int cli_read_rules(const char *path, struct rule_set *out);
/* Loads the default rules into st when its rules were never written (a new
 * database); a missing file is only noted.  Returns 0, or 1 after printing why. */
int cli_seed_rules(struct store *st, const char *data_flag);

struct analysis_data;
/* The analysis data directory into out: --data DIR, else $TRUCE_DATA, else
 * the repository's data/ beside the executable, else ./data. */
void cli_data_dir(const char *data_flag, char *out, size_t len);
/* Loads the analysis data (analysis_load.c: --data DIR, else $TRUCE_DATA,
 * else the repository's data/, else ./data; models beside the executable).
 * Returns 0, or 1 after printing why.  Free with cli_unload_analysis(). */
int cli_load_analysis(const char *data_flag, struct analysis_data **out);
/* Turns analysis off, frees this thread's analyzer, then d.  Accepts NULL. */
void cli_unload_analysis(struct analysis_data *d);

struct web_files;
/* Loads the web directory (web_load.c): --web DIR, else $TRUCE_WEB, else the
 * repository's web/ beside the executable, else ./web.  A directory named by
 * --web or $TRUCE_WEB must load; a default one that is missing only leaves
 * *out NULL (the API alone is served).  Returns 0, or 1 after printing why. */
int cli_load_web(const char *web_flag, struct web_files **out);

struct coach_data;
/* Loads the coach's data from the same places, over ad (borrowed: unload
 * the coach first).  Returns 0, or 1 after printing why. */
int cli_load_coach(const char *data_flag, const struct analysis_data *ad, struct coach_data **out);
/* Turns the coach off, frees this thread's coach, then d.  Accepts NULL. */
void cli_unload_coach(struct coach_data *d);

/* Prints "truce: <message>" on stderr and returns code (for "return fail(...)"). */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the file at path for reading, or prints why not (a directory is
 * named as one) and returns NULL. */
FILE *cli_open_input(const char *path);
struct json_t;
/* Reads the JSON file at path (a UTF-8 byte-order mark skipped) into *out,
 * which the caller frees with json_decref(); 0, or 1 after printing why not
 * with the file's name and line. */
int cli_read_json(const char *path, struct json_t **out);
struct buf;
/* Reads one line of f, its '\n' dropped, into b (made with no limit of its
 * own): the first max bytes of it, NUL bytes included (b->len counts them);
 * the rest of a longer line is read past and *cut set.  False at the end of
 * f with nothing read. */
bool cli_read_line(FILE *f, struct buf *b, size_t max, bool *cut);
/* Makes the line in b one text: a CRLF's '\r' dropped, and each NUL byte (which
 * would end the text early) read as a space.  Returns its length. */
size_t cli_line_text(struct buf *b);
/* Opens (creating and migrating) the database, or prints why not. */
int cli_open_store(const char *path, struct store **out);
/* Opens the database at path, runs fn in one read (cli_read) or write
 * (cli_write) transaction, and closes it: 1 when the database cannot be
 * opened (said on stderr), else 0 with fn's result in *e. */
int cli_read(const char *path, enum terr (*fn)(struct store_tx *, void *), void *arg, enum terr *e);
int cli_write(const char *path, enum terr (*fn)(struct store_tx *, void *), void *arg,
              enum terr *e);
/* One long option: an option with an argument stores it in *str; one
 * without sets *flag.  Tables end with {NULL}; --help is always there. */
struct cli_opt {
    const char *name;
    const char **str;
    bool *flag;
};

/* Parses argv (argv[0] is the command) against opts.  Returns -1 to go on;
 * otherwise the exit code to return: 0 after printing usage for --help,
 * EXIT_USAGE after one line on stderr for an unknown option or argument. */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *usage,
              const char *command);

/* A subcommand of a command ("token create"): its name and what runs it,
 * given argv from the subcommand's name on.  A table ends with {NULL}. */
struct cli_sub {
    const char *name;
    int (*run)(int argc, char **argv);
};

/* Runs the subcommand argv[1] of `command` from subs; --help or -h prints
 * usage; a missing or unknown one says which there are and exits
 * EXIT_USAGE. */
int cli_dispatch(int argc, char **argv, const struct cli_sub *subs, const char *usage,
                 const char *command);

/* The value s of option --opt as a whole number in [min, max] (or a real
 * number, for cli_parse_double) into *out: 0, or EXIT_USAGE after saying on
 * stderr what --opt must be. */
int cli_parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
                   unsigned long *out);
int cli_parse_double(const char *opt, const char *s, double min, double max, double *out);

#define DEFAULT_DB "truce.db"

#endif
