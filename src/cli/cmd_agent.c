/* truce agent add|set|list: put a person on the team, set how work is routed to them, see the team.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/agents.h"
#include "../service/assign.h"
#include "../util/alloc.h"
#include "../util/secret.h"
#include "../util/utf8.h"
#include "cli.h"

static const char usage[] =
    "usage: truce agent add [--db PATH] --email E --name N --role agent|lead|admin\n"
    "                       [--skills a,b,...] [--password-stdin]\n\n"
    "       truce agent set EMAIL [--db PATH] [--skills a,b] [--languages en,fr]\n"
    "                       [--channels email,chat] [--teams legal] [--away|--available]\n"
    "                       [--role agent|lead|admin] [--name N]\n"
    "       truce agent list [--db PATH]\n\n"
    "add adds an agent.  With --password-stdin the first line of standard input is\n"
    "their password (at least 10 characters), for logging in to the console;\n"
    "without it the agent works through API tokens only.\n\n"
    "set changes what routing knows of an agent: each list option replaces the\n"
    "list (an empty value, --skills '', clears it); --away stops new tickets,\n"
    "--available resumes them.  Audited as the system.\n\n"
    "list shows each agent: id, email, role, availability, skills, languages,\n"
    "channels, teams and load (open tickets weighted by level: calm 1, tense 2,\n"
    "heated 3, hostile 5).\n";

struct add_job {
    struct agent a;
    const char *hash;
    struct terr_info ei;
};

static enum terr add_tx(struct store_tx *tx, void *arg)
{
    struct add_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    return svc_agent_create(tx, &system, &j->a, j->hash, &j->ei);
}

static int read_password(char *out, size_t len)
{
    if (!fgets(out, (int)len, stdin))
        return fail(1, "no password on standard input");
    out[strcspn(out, "\r\n")] = '\0';
    if (strlen(out) < PASSWORD_MIN)
        return fail(EXIT_USAGE, "the password needs at least %d characters", PASSWORD_MIN);
    return 0;
}

static int agent_add(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *email = NULL, *name = NULL, *role = NULL, *skills = NULL;
    bool with_password = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},     {"email", &email, NULL},   {"name", &name, NULL},
        {"role", &role, NULL}, {"skills", &skills, NULL}, {"password-stdin", NULL, &with_password},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "agent add");
    if (rc >= 0)
        return rc;
    if (!email || !name || !role)
        return fail(EXIT_USAGE, "agent add needs --email, --name and --role");
    struct add_job j;
    memset(&j, 0, sizeof(j));
    if (!role_parse(role, &j.a.role))
        return fail(EXIT_USAGE, "--role must be agent, lead or admin, not '%s'", role);
    if (!utf8_valid(name, strlen(name)) || !utf8_valid(email, strlen(email)) ||
        (skills && !utf8_valid(skills, strlen(skills))))
        return fail(EXIT_USAGE, "--name, --email and --skills must be UTF-8 text");
    if (strlen(name) > LIMIT_NAME || text_blank(name))
        return fail(EXIT_USAGE, "--name must be 1 to %d bytes", LIMIT_NAME);
    unsigned cp;
    const char *kind;
    size_t at = utf8_line_fault(name, strlen(name), &cp, &kind);
    if (at)
        return fail(EXIT_USAGE,
                    "--name must be one line of text: it has %s (U+%04X) at character %zu", kind,
                    cp, at);
    if (strlen(email) > LIMIT_EMAIL || !email_plausible(email))
        return fail(EXIT_USAGE, "'%s' is not an email address", email);
    for (const char *p = skills; p && *p;) {
        size_t n = strcspn(p, ",");
        char *s = xstrndup(p, n);
        int ok = n == 0 || label_valid(s, LIMIT_SKILL);
        if (ok && n)
            strlist_push(&j.a.skills, s);
        free(s);
        if (!ok) {
            agent_release(&j.a);
            return fail(EXIT_USAGE, "skills must be letters, digits, '-', '_', ':' or '.'");
        }
        p += n + (p[n] == ',');
    }
    char password[LIMIT_PASSWORD + 2], hash[SECRET_PWHASH_MAX];
    if (with_password) {
        if ((rc = read_password(password, sizeof(password)))) {
            agent_release(&j.a);
            return rc;
        }
        if (secret_password_hash(password, hash)) {
            agent_release(&j.a);
            return fail(1, "cannot hash the password");
        }
        j.hash = hash;
    }
    j.a.email = xstrdup(email);
    j.a.name = xstrdup(name);
    struct store *st;
    if (cli_open_store(db, &st)) {
        agent_release(&j.a);
        return 1;
    }
    enum terr e = store_write(st, add_tx, &j);
    store_close(st);
    rc = 0;
    if (e)
        rc = fail(e == TERR_CONFLICT || e == TERR_INVALID ? EXIT_USAGE : 1, "%s",
                  j.ei.message[0] ? j.ei.message : terr_message(e));
    else
        printf("agent %lld: %s <%s>, %s\n", (long long)j.a.id, j.a.name, j.a.email,
               role_name(j.a.role));
    agent_release(&j.a);
    return rc;
}

/* Splits a comma list into l (empty items skipped). */
static void split_list(const char *csv, struct strlist *l)
{
    for (const char *p = csv; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n) {
            char *s = xstrndup(p, n);
            strlist_push(l, s);
            free(s);
        }
        p += n + (p[n] == ',');
    }
}

struct set_job {
    const char *email;
    struct agent_patch p;
    struct agent out;
    struct terr_info ei;
};

static enum terr set_tx(struct store_tx *tx, void *arg)
{
    struct set_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct agent a;
    enum terr e = store_agent_find_email(tx, j->email, &a, NULL);
    if (e == TERR_NOT_FOUND)
        return terr_set(&j->ei, e, "email", "no agent has email '%s'", j->email);
    if (e)
        return terr_set(&j->ei, e, NULL, NULL);
    int64_t id = a.id;
    agent_release(&a);
    return svc_agent_update(tx, &system, id, &j->p, &j->out, &j->ei);
}

static void print_list(const struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        printf("%s%s", i ? "," : "", l->v[i]);
    fputs(l->n ? "\t" : "-\t", stdout);
}

static int agent_set(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *email = NULL, *skills = NULL, *languages = NULL, *channels = NULL,
               *teams = NULL, *role = NULL, *name = NULL;
    bool away = false, available = false;
    /* The email comes first: "truce agent set ann@example.org --away". */
    if (argc > 1 && argv[1][0] != '-') {
        email = argv[1];
        argc--;
        argv++;
    }
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"email", &email, NULL},
        {"skills", &skills, NULL},
        {"languages", &languages, NULL},
        {"channels", &channels, NULL},
        {"teams", &teams, NULL},
        {"role", &role, NULL},
        {"name", &name, NULL},
        {"away", NULL, &away},
        {"available", NULL, &available},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "agent set");
    if (rc >= 0)
        return rc;
    if (!email)
        return fail(EXIT_USAGE, "agent set needs the agent's EMAIL");
    if (away && available)
        return fail(EXIT_USAGE, "--away and --available exclude each other");
    struct set_job j;
    memset(&j, 0, sizeof(j));
    j.email = email;
    if (role && !role_parse(role, &j.p.role))
        return fail(EXIT_USAGE, "--role must be agent, lead or admin, not '%s'", role);
    const char *texts[] = {email, skills, languages, channels, teams, name};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i] && !utf8_valid(texts[i], strlen(texts[i])))
            return fail(EXIT_USAGE, "the options must be UTF-8 text");
    j.p.has_role = role != NULL;
    j.p.has_name = name != NULL;
    j.p.name = name;
    j.p.has_available = away || available;
    j.p.available = available;
    j.p.has_skills = skills != NULL;
    j.p.has_languages = languages != NULL;
    j.p.has_channels = channels != NULL;
    j.p.has_teams = teams != NULL;
    split_list(skills, &j.p.skills);
    split_list(languages, &j.p.languages);
    split_list(channels, &j.p.channels);
    split_list(teams, &j.p.teams);
    struct store *st;
    rc = cli_open_store(db, &st);
    enum terr e = rc ? TERR_OK : store_write(st, set_tx, &j);
    if (!rc)
        store_close(st);
    strlist_release(&j.p.skills);
    strlist_release(&j.p.languages);
    strlist_release(&j.p.channels);
    strlist_release(&j.p.teams);
    if (rc)
        return 1;
    if (e)
        return fail(e == TERR_INVALID || e == TERR_NOT_FOUND ? EXIT_USAGE : 1, "%s%s%s",
                    j.ei.field[0] ? j.ei.field : "", j.ei.field[0] ? ": " : "",
                    j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("agent %lld: %s <%s>, %s, %s\n", (long long)j.out.id, j.out.name, j.out.email,
           role_name(j.out.role), j.out.away ? "away" : "available");
    agent_release(&j.out);
    return 0;
}

struct list_job {
    struct agent *v;
    size_t n;
    struct agent_load *loads;
    size_t n_loads;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    enum terr e = store_agent_list(tx, &j->v, &j->n);
    if (!e && (e = store_agent_loads(tx, &j->loads, &j->n_loads))) {
        agents_free(j->v, j->n);
        j->v = NULL;
    }
    return e;
}

static int agent_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "agent list");
    if (rc >= 0)
        return rc;
    struct list_job j = {0};
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot list agents: %s", terr_message(e));
    printf("id\temail\trole\tstatus\tskills\tlanguages\tchannels\tteams\tload\n");
    for (size_t i = 0; i < j.n; i++) {
        const struct agent *a = &j.v[i];
        struct agent bare = *a;
        bare.channels = (struct strlist){0}; /* the load needs no channels */
        struct routing_agent r;
        enum channel chan[1];
        svc_routing_agent(&bare, j.loads, j.n_loads, chan, &r);
        printf("%lld\t%s\t%s\t%s\t", (long long)a->id, a->email, role_name(a->role),
               a->away ? "away" : "available");
        print_list(&a->skills);
        print_list(&a->languages);
        print_list(&a->channels);
        print_list(&a->teams);
        printf("%llu\n", (unsigned long long)routing_load(&r));
    }
    agents_free(j.v, j.n);
    free(j.loads);
    return 0;
}

int cmd_agent(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", agent_add},
        {"set", agent_set},
        {"list", agent_list},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "agent");
}
