/* truce token create: an API token for an agent, shown once. */
#include <stdio.h>
#include <string.h>

#include "../service/agents.h"
#include "../util/utf8.h"
#include "cli.h"

static const char usage[] =
    "usage: truce token create [--db PATH] --agent EMAIL [--label TEXT]\n"
    "       truce token revoke [--db PATH] (--token-stdin | --agent EMAIL)\n\n"
    "create makes an API token for the agent and prints it alone on the last\n"
    "line.  Only its hash is stored: keep it, it cannot be shown again.\n"
    "revoke ends the token read from standard input, or every token of the\n"
    "agent; a running server stops accepting it within 10 seconds.\n";

struct token_job {
    const char *email;
    const char *label;
    char token[SECRET_TOKEN_MAX];
    struct terr_info ei;
};

/* The id of the agent with this email; the error names the email. */
static enum terr agent_id_of(struct store_tx *tx, const char *email, int64_t *out,
                             struct terr_info *ei)
{
    struct agent a;
    enum terr e = store_agent_find_email(tx, email, &a, NULL);
    if (e)
        return terr_set(ei, e, "agent",
                        e == TERR_NOT_FOUND ? "no agent has email '%s'" : "cannot read '%s'",
                        email);
    *out = a.id;
    agent_release(&a);
    return TERR_OK;
}

static enum terr token_tx(struct store_tx *tx, void *arg)
{
    struct token_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    int64_t agent_id;
    enum terr e = agent_id_of(tx, j->email, &agent_id, &j->ei);
    return e ? e : svc_token_create(tx, &system, agent_id, j->label, j->token, &j->ei);
}

static int token_create(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    struct token_job j = {.label = "cli"};
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"agent", &j.email, NULL},
        {"label", &j.label, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "token create");
    if (rc >= 0)
        return rc;
    if (!j.email)
        return fail(EXIT_USAGE, "token create needs --agent EMAIL");
    if (!utf8_valid(j.label, strlen(j.label)) || strlen(j.label) > 200)
        return fail(EXIT_USAGE, "--label must be UTF-8 text of at most 200 bytes");
    enum terr e;
    if (cli_write(db, token_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("token for %s (shown once):\n%s\n", j.email, j.token);
    return 0;
}

struct revoke_job {
    const char *email; /* NULL: revoke `token` */
    const char *token;
    int64_t revoked;
    struct terr_info ei;
};

static enum terr revoke_tx(struct store_tx *tx, void *arg)
{
    struct revoke_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    int64_t agent_id = 0;
    enum terr e = j->email ? agent_id_of(tx, j->email, &agent_id, &j->ei) : TERR_OK;
    if (e)
        return e;
    return svc_token_revoke(tx, &system, j->email ? NULL : j->token, agent_id, &j->revoked, &j->ei);
}

static int token_revoke(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    struct revoke_job j = {0};
    bool from_stdin = false;
    char token[SECRET_TOKEN_MAX + 2];
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"agent", &j.email, NULL},
        {"token-stdin", NULL, &from_stdin},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "token revoke");
    if (rc >= 0)
        return rc;
    if (!!j.email == from_stdin)
        return fail(EXIT_USAGE, "token revoke needs one of --token-stdin or --agent EMAIL");
    if (from_stdin) {
        if (!fgets(token, (int)sizeof(token), stdin))
            return fail(1, "no token on standard input");
        token[strcspn(token, "\r\n")] = '\0';
        j.token = token;
    }
    enum terr e;
    if (cli_write(db, revoke_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("revoked %lld token%s\n", (long long)j.revoked, j.revoked == 1 ? "" : "s");
    return 0;
}

int cmd_token(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"create", token_create},
        {"revoke", token_revoke},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "token");
}
