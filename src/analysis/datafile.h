/*
 * Reading the line-based data files under data/ (coach rules, playbooks):
 * one entry per line, "# " comments, blank lines skipped, each line capped
 * and checked, errors as "path:line: what".
 *
 * A '#' starts a comment at the line's start or after a blank, and only when
 * a blank or the end follows it, so "#boycott" stays a hashtag.
 */
#ifndef TRUCE_DATAFILE_H
#define TRUCE_DATAFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define DATAFILE_LINE_MAX  2048
#define DATAFILE_LINES_MAX 20000

struct datafile {
    FILE *f;
    char path[4096];
    unsigned line; /* number of the line last returned */
    char *buf;
    size_t cap;
    char *err;
    size_t errlen;
    bool failed;
};

/* Opens dir/name.  False with "unable to open 'path': why" in err. */
bool datafile_open(struct datafile *df, const char *dir, const char *name, char *err,
                   size_t errlen);

/* The next line with content, comment and surrounding blanks cut (valid
 * until the next call), or NULL at the end or on an error (df->failed set,
 * err says which line and why: too long, NUL byte, invalid UTF-8, too many
 * lines, unreadable). */
char *datafile_next(struct datafile *df);

/* Records "path:line: what" in err, sets failed and returns false. */
bool datafile_fail(struct datafile *df, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Cuts a "# " comment and surrounding blanks from line, in place; returns
 * the start of what is left. */
char *datafile_strip(char *line);

/* Closes the file and frees the buffer; safe to call twice. */
void datafile_close(struct datafile *df);

#endif
