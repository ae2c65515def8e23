/* The web directory in memory (web_files.h). */
#include "web_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/alloc.h"

struct web_files {
    struct web_file *files; /* sorted by name */
    size_t n, cap;
    size_t bytes, max_total;
};

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"json", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"woff2", "font/woff2"},
};

const char *web_content_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot + 1, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

bool web_etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    size_t elen = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - start == 1 && *start == '*')
            return true;
        /* A weak validator matches too: If-None-Match uses the weak comparison. */
        if (end - start > 2 && strncmp(start, "W/", 2) == 0)
            start += 2;
        if ((size_t)(end - start) == elen && memcmp(start, etag, elen) == 0)
            return true;
    }
    return false;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct web_file *)a)->name, ((const struct web_file *)b)->name);
}

void web_files_free(struct web_files *wf)
{
    if (!wf)
        return;
    for (size_t i = 0; i < wf->n; i++) {
        free(wf->files[i].name);
        free(wf->files[i].data);
    }
    free(wf->files);
    free(wf);
}

/* Reads one regular file (opened without following a link) into the set. */
static enum terr add_file(struct web_files *wf, int dirfd, const char *entry, const char *rel,
                          struct terr_info *ei)
{
    int fd = openat(dirfd, entry, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return terr_set(ei, TERR_IO, "web", "cannot open '%s': %s", rel, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return TERR_OK; /* not a regular file after all: skipped */
    }
    size_t len = (size_t)st.st_size;
    if (wf->n >= WEB_FILES_MAX_COUNT || len > wf->max_total - wf->bytes) {
        close(fd);
        return terr_set(ei, TERR_TOO_LARGE, "web",
                        "the web directory is over its limit of %zu bytes in %d files (at '%s')",
                        wf->max_total, WEB_FILES_MAX_COUNT, rel);
    }
    unsigned char *data = xmalloc(len + 1);
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(data);
            close(fd);
            return terr_set(ei, TERR_IO, "web", "cannot read '%s'", rel);
        }
        got += (size_t)r;
    }
    close(fd);
    data[len] = '\0';
    if (wf->n == wf->cap) {
        wf->cap = wf->cap ? wf->cap * 2 : 32;
        wf->files = xrealloc(wf->files, wf->cap * sizeof(*wf->files));
    }
    struct web_file *f = &wf->files[wf->n++];
    memset(f, 0, sizeof(*f));
    f->name = xstrdup(rel);
    f->data = data;
    f->len = len;
    f->content_type = web_content_type(rel);
    unsigned char h[16];
    crypto_generichash(h, sizeof(h), data, len, NULL, 0);
    f->etag[0] = '"';
    sodium_bin2hex(f->etag + 1, sizeof(f->etag) - 2, h, sizeof(h));
    f->etag[33] = '"';
    f->etag[34] = '\0';
    wf->bytes += len;
    return TERR_OK;
}

/* Walks dirfd (named prefix, "" at the root), adding its files. */
static enum terr walk(struct web_files *wf, int dirfd, const char *prefix, int depth,
                      struct terr_info *ei)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return terr_set(ei, TERR_IO, "web", "cannot read the directory '%s'", prefix);
    }
    enum terr e = TERR_OK;
    struct dirent *de;
    while (!e && (de = readdir(d))) {
        /* Hidden names, "." and "..": never served. */
        if (de->d_name[0] == '.')
            continue;
        char rel[WEB_FILES_NAME_MAX + 1];
        int w = snprintf(rel, sizeof(rel), "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
        if (w < 0 || (size_t)w >= sizeof(rel))
            continue; /* a name too long to ask for: skipped */
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode)) {
            e = add_file(wf, dirfd, de->d_name, rel, ei);
        } else if (S_ISDIR(st.st_mode) && depth < WEB_FILES_DEPTH_MAX) {
            int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                e = walk(wf, sub, rel, depth + 1, ei);
        }
        /* Symbolic links and anything else: skipped. */
    }
    closedir(d); /* closes dirfd */
    return e;
}

enum terr web_files_load(const char *dir, size_t max_total, struct web_files **out,
                         struct terr_info *ei)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return terr_set(ei, TERR_IO, "web", "cannot open the web directory '%s': %s", dir,
                        strerror(errno));
    struct web_files *wf = xcalloc(1, sizeof(*wf));
    wf->max_total = max_total ? max_total : WEB_FILES_MAX_TOTAL;
    enum terr e = walk(wf, fd, "", 0, ei);
    if (e) {
        web_files_free(wf);
        return e;
    }
    if (wf->n)
        qsort(wf->files, wf->n, sizeof(*wf->files), by_name);
    *out = wf;
    return TERR_OK;
}

const struct web_file *web_files_find(const struct web_files *wf, const char *name)
{
    if (!wf || !name || !wf->n)
        return NULL;
    struct web_file key = {.name = (char *)(uintptr_t)name};
    return bsearch(&key, wf->files, wf->n, sizeof(*wf->files), by_name);
}

size_t web_files_count(const struct web_files *wf)
{
    return wf ? wf->n : 0;
}

size_t web_files_bytes(const struct web_files *wf)
{
    return wf ? wf->bytes : 0;
}
