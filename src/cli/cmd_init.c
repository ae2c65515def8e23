/* truce init: create a database, or bring an old one to the current schema. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage[] = "usage: truce init [--db PATH]\n\n"
                            "Creates the database at PATH (default " DEFAULT_DB ") or applies\n"
                            "the migrations it lacks.\n";

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = DEFAULT_DB;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return bad_option("init", argv);
        }
    }
    if (optind < argc)
        return fail(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    printf("%s: schema version %d\n", db, store_schema_version(st));
    store_close(st);
    return 0;
}
