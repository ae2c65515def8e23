/*
 * The `truce` command: one file per subcommand (cmd_*.c), registered in the
 * commands[] table of main.c.  Exit codes: 0 ok, 1 runtime failure, 2 usage
 * error; failures print one line on stderr.
 */
#ifndef TRUCE_CLI_H
#define TRUCE_CLI_H

#include "../store/store.h"

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

/* Prints "truce: <message>" on stderr and returns code (for "return fail(...)"). */
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens (creating and migrating) the database, or prints why not. */
int cli_open_store(const char *path, struct store **out);
/* The usage error for the option getopt_long just refused, in one line
 * naming the command's --help; returns EXIT_USAGE. */
int bad_option(const char *command, char **argv);

#define DEFAULT_DB "truce.db"

#endif
