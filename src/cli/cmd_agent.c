/* truce agent add: put a person on the team. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/agents.h"
#include "../util/alloc.h"
#include "../util/secret.h"
#include "../util/utf8.h"
#include "cli.h"

static const char usage[] =
    "usage: truce agent add [--db PATH] --email E --name N --role agent|lead|admin\n"
    "                       [--skills a,b,...] [--password-stdin]\n\n"
    "Adds an agent.  With --password-stdin the first line of standard input is\n"
    "their password (at least 10 characters), for logging in to the console;\n"
    "without it the agent works through API tokens only.\n";

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

int cmd_agent(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", agent_add},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "agent");
}
