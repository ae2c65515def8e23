/* truce init: create a database, or bring an old one to the current schema. */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
    "usage: truce init [--db PATH] [--data DIR]\n\n"
    "Creates the database at PATH (default " DEFAULT_DB ") or applies\n"
    "the migrations it lacks.  A new database gets the default escalation\n"
    "rules of DIR/rules/default.txt (DIR as for truce serve); a database whose\n"
    "rules were ever set keeps them.\n";

int cmd_init(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *data = NULL;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {"data", &data, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "init");
    if (rc >= 0)
        return rc;
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    printf("%s: schema version %d\n", db, store_schema_version(st));
    rc = cli_seed_rules(st, data);
    store_close(st);
    return rc;
}
