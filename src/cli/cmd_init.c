/* truce init: create a database, or bring an old one to the current schema. */
#include <stdio.h>

#include "cli.h"

static const char usage[] = "usage: truce init [--db PATH]\n\n"
                            "Creates the database at PATH (default " DEFAULT_DB ") or applies\n"
                            "the migrations it lacks.\n";

int cmd_init(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "init");
    if (rc >= 0)
        return rc;
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    printf("%s: schema version %d\n", db, store_schema_version(st));
    store_close(st);
    return 0;
}
