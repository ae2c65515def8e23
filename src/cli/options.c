/* Option parsing shared by every subcommand: a table of long options. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS 24

int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *usage,
              const char *command)
{
    struct option longs[MAX_OPTS + 2];
    char shorts[2 * MAX_OPTS + 2] = "h";
    size_t n = 0, ns = 1;
    for (; opts[n].name; n++) {
        if (n == MAX_OPTS)
            BUG("too many options for '%s'", command);
        longs[n] = (struct option){opts[n].name, opts[n].str ? required_argument : no_argument,
                                   NULL, (int)n + 1};
        /* A one-letter name is also a short option: "-o FILE". */
        if (opts[n].name[0] && !opts[n].name[1]) {
            shorts[ns++] = opts[n].name[0];
            if (opts[n].str)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n] = (struct option){NULL, 0, NULL, 0};

    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        for (size_t i = 0; c > MAX_OPTS && c != '?' && c != ':' && i < n; i++)
            if (opts[i].name[0] == c && !opts[i].name[1])
                c = (int)i + 1;
        if (c < 1 || c > MAX_OPTS)
            return fail(EXIT_USAGE, "unknown or incomplete option '%s'; see 'truce %s --help'",
                        argv[optind - 1], command);
        const struct cli_opt *o = &opts[c - 1];
        if (o->str)
            *o->str = optarg;
        else
            *o->flag = true;
    }
    if (optind < argc)
        return fail(EXIT_USAGE, "unexpected argument '%s'; see 'truce %s --help'", argv[optind],
                    command);
    return -1;
}

int cli_parse_uint(const char *opt, const char *s, unsigned long min, unsigned long max,
                   unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        return fail(EXIT_USAGE, "--%s must be a whole number from %lu to %lu, not '%s'", opt, min,
                    max, s);
    *out = v;
    return 0;
}

int cli_parse_double(const char *opt, const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max))
        return fail(EXIT_USAGE, "--%s must be a number from %g to %g, not '%s'", opt, min, max, s);
    *out = v;
    return 0;
}

int cli_dispatch(int argc, char **argv, const struct cli_sub *subs, const char *usage,
                 const char *command)
{
    if (argc >= 2) {
        for (size_t i = 0; subs[i].name; i++)
            if (strcmp(argv[1], subs[i].name) == 0)
                return subs[i].run(argc - 1, argv + 1);
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
    }
    char names[256] = "";
    size_t len = 0, n = 0;
    while (subs[n].name)
        n++;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(names + len, sizeof names - len, "%s%s",
                         i == 0       ? ""
                         : i + 1 == n ? " or "
                                      : ", ",
                         subs[i].name);
        if (w < 0 || (size_t)w >= sizeof names - len)
            break;
        len += (size_t)w;
    }
    if (argc >= 2)
        return fail(EXIT_USAGE,
                    "unknown subcommand '%s %s': %s needs one of %s (see 'truce %s --help')",
                    command, argv[1], command, names, command);
    return fail(EXIT_USAGE, "%s needs a subcommand: %s (see 'truce %s --help')", command, names,
                command);
}
