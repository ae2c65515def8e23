/*
 * The line reader of data files (datafile.h).
 */
#include "analysis/datafile.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>

#include "util/utf8.h"

bool datafile_open(struct datafile *df, const char *dir, const char *name, char *err, size_t errlen)
{
    memset(df, 0, sizeof *df);
    df->err = err;
    df->errlen = errlen;
    int n = snprintf(df->path, sizeof df->path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof df->path) {
        snprintf(err, errlen, "data path '%s/%s' is too long", dir, name);
        df->failed = true;
        return false;
    }
    df->f = fopen(df->path, "r");
    if (!df->f) {
        snprintf(err, errlen, "unable to open '%s': %s", df->path, strerror(errno));
        df->failed = true;
        return false;
    }
    return true;
}

bool datafile_fail(struct datafile *df, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(df->err, df->errlen, "%s:%u: %s", df->path, df->line, what);
    df->failed = true;
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *datafile_strip(char *line)
{
    for (char *p = line; *p; p++) {
        if (*p == '#' && (p == line || is_blank(p[-1])) && (p[1] == '\0' || is_blank(p[1]))) {
            *p = '\0';
            break;
        }
    }
    while (is_blank(*line))
        line++;
    size_t n = strlen(line);
    while (n && is_blank(line[n - 1]))
        line[--n] = '\0';
    return line;
}

char *datafile_next(struct datafile *df)
{
    if (!df->f || df->failed)
        return NULL;
    ssize_t len;
    while ((len = getline(&df->buf, &df->cap, df->f)) >= 0) {
        df->line++;
        if (len > DATAFILE_LINE_MAX)
            return datafile_fail(df, "line longer than %d bytes", DATAFILE_LINE_MAX), NULL;
        if (memchr(df->buf, '\0', (size_t)len))
            return datafile_fail(df, "%s", "NUL byte in the line"), NULL;
        if (!utf8_valid(df->buf, (size_t)len))
            return datafile_fail(df, "%s", "the line is not valid UTF-8"), NULL;
        if (df->line > DATAFILE_LINES_MAX)
            return datafile_fail(df, "more than %d lines", DATAFILE_LINES_MAX), NULL;
        char *s = datafile_strip(df->buf);
        if (*s)
            return s;
    }
    if (ferror(df->f)) {
        snprintf(df->err, df->errlen, "unable to read '%s': %s", df->path, strerror(errno));
        df->failed = true;
    }
    return NULL;
}

void datafile_close(struct datafile *df)
{
    if (df->f)
        fclose(df->f);
    df->f = NULL;
    free(df->buf);
    df->buf = NULL;
    df->cap = 0;
}
