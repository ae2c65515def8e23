/*
 * truce rules list|load|export|rm|rearm: the escalation rules, for admins
 * scripting; and the default rules a new database starts with (init, demo).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/escalation.h"
#include "../service/rule_json.h"
#include "../util/buf.h"
#include "cli.h"

static const char usage[] =
    "usage: truce rules list [--db PATH]\n"
    "       truce rules load FILE [--db PATH]\n"
    "       truce rules export [--db PATH]\n"
    "       truce rules rm NAME [--db PATH]\n"
    "       truce rules rearm TICKET RULE [--db PATH]\n\n"
    "list prints the rules in evaluation order (position, name, conditions,\n"
    "actions, rearm), tab-separated.  load replaces every rule with those of\n"
    "FILE (the format of data/rules/default.txt) in one transaction: a bad file\n"
    "changes nothing and the error names FILE:LINE.  export prints the rules in\n"
    "that format, so 'export > f; load f' keeps them as they are.  rm deletes a\n"
    "rule; rearm lets rule RULE fire again on ticket TICKET.  Tickets keep\n"
    "their record of a rule by its name across load and rm.\n";

static const struct actor cli_actor = {.kind = ACTOR_SYSTEM};

/* Splits argv (argv[0] the subcommand) into want positional arguments, put
 * in pos[], and the options, left in argv for cli_parse; *argc shrinks.
 * Returns -1 to go on, else the exit code (usage printed or complained). */
static int take_args(int *argc, char **argv, const struct cli_opt *opts, const char **pos, int want,
                     const char *command)
{
    int n = 1, got = 0;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (a[0] == '-' && a[1]) {
            argv[n++] = argv[i];
            /* "--db PATH": the value goes with its option. */
            for (const struct cli_opt *o = opts; o->name; o++)
                if (o->str && a[1] == '-' && strcmp(a + 2, o->name) == 0 && i + 1 < *argc)
                    argv[n++] = argv[++i];
            continue;
        }
        if (got == want)
            return fail(EXIT_USAGE, "unexpected argument '%s'; see 'truce %s --help'", a, command);
        pos[got++] = a;
    }
    if (got < want)
        return fail(EXIT_USAGE, "'truce %s' needs %d argument%s; see 'truce %s --help'", command,
                    want, want == 1 ? "" : "s", command);
    *argc = n;
    return -1;
}

/* Reads and parses a rules file into out (initialised, empty): 0, or 1 after
 * saying why (the parser's "FILE:LINE: ..."). */
static int read_rules(const char *path, struct rule_set *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(1, "cannot open '%s': %s", path, strerror(errno));
    struct buf b;
    buf_init(&b, (size_t)RULES_TEXT_MAX + 1);
    char chunk[8192];
    size_t n;
    enum terr e = TERR_OK;
    while (!e && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        e = buf_add(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad || e) {
        buf_release(&b);
        return bad ? fail(1, "cannot read '%s'", path)
                   : fail(1, "'%s' is over %d bytes", path, RULES_TEXT_MAX);
    }
    struct terr_info ei = {0};
    e = rules_parse(b.data ? b.data : "", b.len, path, out, &ei);
    buf_release(&b);
    if (e)
        return fail(1, "%s", ei.message[0] ? ei.message : terr_message(e));
    return 0;
}

int cli_read_rules(const char *path, struct rule_set *out)
{
    return read_rules(path, out);
}

void cli_default_rules_path(const char *data_flag, char *out, size_t len)
{
    char dir[4096];
    cli_data_dir(data_flag, dir, sizeof(dir));
    snprintf(out, len, "%s/rules/default.txt", dir);
}

/* ---- list and export ---- */

struct list_job {
    struct rule_row *rows;
    size_t n;
    struct rule_set set;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    enum terr e = store_rule_list(tx, &j->rows, &j->n);
    if (!e)
        e = svc_rules_current(tx, &j->set);
    return e;
}

static int read_all(int argc, char **argv, const char *command, struct list_job *j)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, command);
    if (rc >= 0)
        return rc;
    rule_set_init(&j->set);
    enum terr e;
    if (cli_read(db, list_tx, j, &e))
        return 1;
    if (e)
        return fail(1, "cannot read the rules: %s", terr_message(e));
    return -1;
}

static int rules_list(int argc, char **argv)
{
    struct list_job j = {0};
    int rc = read_all(argc, argv, "rules list", &j);
    if (rc >= 0)
        return rc;
    for (size_t i = 0; i < j.n; i++) {
        const struct rule *r = rule_set_find(&j.set, j.rows[i].name);
        printf("%d\t%s\t", j.rows[i].position, j.rows[i].name);
        if (!r) {
            printf("(unreadable)\n");
            continue;
        }
        json_t *when = rule_when_json(r), *then = rule_then_json(r);
        char *w = json_dumps(when, JSON_COMPACT), *t = json_dumps(then, JSON_COMPACT);
        printf("%s\t%s\t%s\n", w, t, rule_rearm_name(r->rearm));
        free(w);
        free(t);
        json_decref(when);
        json_decref(then);
    }
    rule_rows_free(j.rows, j.n);
    rule_set_release(&j.set);
    return 0;
}

static int rules_export(int argc, char **argv)
{
    struct list_job j = {0};
    int rc = read_all(argc, argv, "rules export", &j);
    if (rc >= 0)
        return rc;
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    enum terr e = rules_format(&j.set, &b);
    if (!e && b.len)
        fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    rule_rows_free(j.rows, j.n);
    rule_set_release(&j.set);
    return e ? fail(1, "cannot format the rules: %s", terr_message(e)) : 0;
}

/* ---- load ---- */

struct load_job {
    struct rule_set set;
    struct terr_info ei;
};

static enum terr load_tx(struct store_tx *tx, void *arg)
{
    struct load_job *j = arg;
    return svc_rules_replace(tx, &cli_actor, &j->set, &j->ei);
}

static int rules_load(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *path;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = take_args(&argc, argv, opts, &path, 1, "rules load");
    if (rc < 0)
        rc = cli_parse(argc, argv, opts, usage, "rules load");
    if (rc >= 0)
        return rc;
    struct load_job j = {0};
    rule_set_init(&j.set);
    if (read_rules(path, &j.set))
        return 1;
    struct store *st;
    if (cli_open_store(db, &st)) {
        rule_set_release(&j.set);
        return 1;
    }
    enum terr e = store_write(st, load_tx, &j);
    store_close(st);
    size_t n = j.set.n;
    rule_set_release(&j.set);
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("loaded %zu rule%s from %s\n", n, n == 1 ? "" : "s", path);
    return 0;
}

/* ---- rm and rearm ---- */

struct name_job {
    const char *name;
    int64_t ticket_id;
    struct rule_state st;
    struct terr_info ei;
};

static enum terr rm_tx(struct store_tx *tx, void *arg)
{
    struct name_job *j = arg;
    return svc_rule_delete_named(tx, &cli_actor, j->name, &j->ei);
}

static enum terr rearm_tx(struct store_tx *tx, void *arg)
{
    struct name_job *j = arg;
    return svc_rule_rearm(tx, &cli_actor, j->ticket_id, j->name, &j->st, &j->ei);
}

static int write_named(const char *db, store_tx_fn fn, struct name_job *j)
{
    enum terr e;
    if (cli_write(db, fn, j, &e))
        return 1;
    if (e)
        return fail(1, "%s", j->ei.message[0] ? j->ei.message : terr_message(e));
    return 0;
}

static int rules_rm(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *name;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = take_args(&argc, argv, opts, &name, 1, "rules rm");
    if (rc < 0)
        rc = cli_parse(argc, argv, opts, usage, "rules rm");
    if (rc >= 0)
        return rc;
    struct name_job j = {.name = name};
    if ((rc = write_named(db, rm_tx, &j)))
        return rc;
    printf("removed rule %s\n", name);
    return 0;
}

static int rules_rearm_cmd(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *pos[2];
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = take_args(&argc, argv, opts, pos, 2, "rules rearm");
    if (rc < 0)
        rc = cli_parse(argc, argv, opts, usage, "rules rearm");
    if (rc >= 0)
        return rc;
    char *end;
    long long id = strtoll(pos[0], &end, 10);
    if (!*pos[0] || *end || id < 1)
        return fail(EXIT_USAGE, "TICKET must be a ticket id (a positive number), not '%s'", pos[0]);
    struct name_job j = {.name = pos[1], .ticket_id = id};
    if ((rc = write_named(db, rearm_tx, &j)))
        return rc;
    printf("rule %s re-armed on ticket %lld (fired %u time%s)\n", j.st.rule, id, j.st.times,
           j.st.times == 1 ? "" : "s");
    return 0;
}

/* ---- the defaults of a new database ---- */

struct seed_job {
    const struct rule_set *set;
    bool loaded;
    struct terr_info ei;
};

static enum terr seed_tx(struct store_tx *tx, void *arg)
{
    struct seed_job *j = arg;
    return svc_rules_seed(tx, j->set, &j->loaded, &j->ei);
}

int cli_seed_rules(struct store *st, const char *data_flag)
{
    char path[4200];
    cli_default_rules_path(data_flag, path, sizeof(path));
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr,
                "truce: no default rules ('%s' not found); add some with "
                "'truce rules load'\n",
                path);
        return 0;
    }
    fclose(f);
    struct rule_set set;
    rule_set_init(&set);
    if (read_rules(path, &set))
        return 1;
    struct seed_job j = {.set = &set};
    enum terr e = store_write(st, seed_tx, &j);
    size_t n = set.n;
    rule_set_release(&set);
    if (e)
        return fail(1, "cannot load the default rules: %s",
                    j.ei.message[0] ? j.ei.message : terr_message(e));
    if (j.loaded)
        printf("loaded %zu default escalation rule%s from %s\n", n, n == 1 ? "" : "s", path);
    return 0;
}

int cmd_rules(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", rules_list}, {"load", rules_load},       {"export", rules_export},
        {"rm", rules_rm},     {"rearm", rules_rearm_cmd}, {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "rules");
}
