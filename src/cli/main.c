/* truce: entry point and subcommand table (git's builtin table). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../util/secret.h"
#include "cli.h"

#ifndef TRUCE_VERSION
#define TRUCE_VERSION "0.1.0"
#endif

static const struct command commands[] = {
    {"init", cmd_init, "create or migrate a database"},
    {"agent", cmd_agent, "add, change and list agents (agent add|set|list)"},
    {"token", cmd_token, "create and revoke API tokens (token create|revoke)"},
    {"serve", cmd_serve, "run the desk's HTTP server"},
    {"demo", cmd_demo, "load a realistic demo team and tickets"},
    {"model", cmd_model, "train, run and evaluate a text classifier (model train|predict|eval)"},
    {"analyze", cmd_analyze, "analyse messages or a thread and print JSON"},
    {"politeness", cmd_politeness, "train, evaluate and run the politeness model"},
    {"coach", cmd_coach, "review a reply draft before it is sent"},
    {"qa", cmd_qa, "score the sent agent replies of a ticket or an export"},
    {"webhooks", cmd_webhooks, "subscribe URLs to the desk's events (webhooks add|list|remove)"},
    {"jobs", cmd_jobs, "list, add and cancel background jobs (jobs list|enqueue|cancel)"},
    {"surveys", cmd_surveys, "list a ticket's satisfaction surveys (surveys list)"},
    {"sla", cmd_sla, "the SLA policy and calendar, and a ticket's clocks (sla show|set|check)"},
    {"offers", cmd_offers, "list offers and decide pending ones (offers list|approve|reject)"},
    {"report", cmd_report, "the insights reports (report overview|agents|emerging)"},
    {"problems", cmd_problems, "list and show problems grouping tickets (problems list|show)"},
    {"lessons", cmd_lessons, "list the lessons of resolved conflicts (lessons list)"},
    {"rules", cmd_rules, "manage the escalation rules (rules list|load|export|rm|rearm)"},
    {"notifications", cmd_notifications, "list an agent's notifications (notifications list)"},
    {"kb", cmd_kb, "import Markdown articles and list the knowledge base (kb import|list)"},
};

int fail(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("truce: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_open_store(const char *path, struct store **out)
{
    struct terr_info ei = {0};
    if (store_open(path, NULL, out, &ei))
        return fail(1, "%s", ei.message[0] ? ei.message : terr_message(ei.code));
    return 0;
}

int cli_read(const char *path, enum terr (*fn)(struct store_tx *, void *), void *arg, enum terr *e)
{
    struct store *st;
    if (cli_open_store(path, &st))
        return 1;
    *e = store_read(st, fn, arg);
    store_close(st);
    return 0;
}

int cli_write(const char *path, enum terr (*fn)(struct store_tx *, void *), void *arg, enum terr *e)
{
    struct store *st;
    if (cli_open_store(path, &st))
        return 1;
    *e = store_write(st, fn, arg);
    store_close(st);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: truce <command> [options]\n\n"
               "truce is a self-hosted customer-service desk that turns conflicts into\n"
               "resolved, loyal customers.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'truce <command> --help' explains a command; 'truce --version' prints the "
               "version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("truce %s\n", TRUCE_VERSION);
        return 0;
    }
    if (secret_init())
        return fail(1, "libsodium failed to initialise");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return fail(EXIT_USAGE, "'%s' is not a truce command; see 'truce --help'", argv[1]);
}
