/*
 * The web directory (the console, the help center, the case page and their
 * assets), loaded into memory once at start-up and served from there.
 *
 * A request never touches the disk and no path from a request ever reaches
 * the file system: a URL is answered only when its name is one of the loaded
 * files, compared byte for byte.  Loading keeps regular files only, skips
 * every name that starts with "." (hidden files, "." and "..") and every
 * symbolic link, so nothing outside the tree can be served.  The set is
 * sorted by name and read-only after loading: threads share it freely.
 */
#ifndef TRUCE_WEB_FILES_H
#define TRUCE_WEB_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

#define WEB_FILES_MAX_TOTAL (16u * 1024 * 1024) /* bytes of all files together */
#define WEB_FILES_MAX_COUNT 2000                /* files */
#define WEB_FILES_NAME_MAX  255                 /* bytes of a name relative to the root */
#define WEB_FILES_DEPTH_MAX 8                   /* directory levels below the root */

struct web_file {
    char *name; /* relative to the root, "/"-separated: "app/index.html" */
    unsigned char *data;
    size_t len;
    const char *content_type; /* static */
    char etag[36];            /* "\"<32 hex digits>\"", a hash of the content */
};

struct web_files;

/* Loads the regular files under dir (at most max_total bytes in all; 0:
 * WEB_FILES_MAX_TOTAL).  On success *out is the set (free it with
 * web_files_free); on failure ei says why (a missing directory, a set past
 * its cap) and *out is untouched. */
enum terr web_files_load(const char *dir, size_t max_total, struct web_files **out,
                         struct terr_info *ei);
void web_files_free(struct web_files *wf); /* accepts NULL */

/* The file called name (relative, no leading "/"), or NULL.  name is only
 * compared, never opened.  wf may be NULL (no web directory). */
const struct web_file *web_files_find(const struct web_files *wf, const char *name);

/* How many files and bytes were loaded. */
size_t web_files_count(const struct web_files *wf);
size_t web_files_bytes(const struct web_files *wf);

/* The Content-Type for a file name, by its extension (a static string). */
const char *web_content_type(const char *name);

/* True when an If-None-Match header value names etag (or is "*"). */
bool web_etag_matches(const char *if_none_match, const char *etag);

#endif
