/*
 * Where the web directory comes from (the same search as the data
 * directory's, analysis_load.c): --web DIR, else $TRUCE_WEB, else the
 * repository's web/ next to the executable (build/<variant>/truce ->
 * ../../web), else ./web.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../http/web_files.h"
#include "cli.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_load_web(const char *web_flag, struct web_files **out)
{
    char exe[PATH_MAX], guess[PATH_MAX + 16];
    const char *dir = web_flag;
    bool named = dir && *dir;
    if (!named) {
        dir = getenv("TRUCE_WEB");
        named = dir && *dir;
    }
    if (!named) {
        dir = "web";
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
            exe[n] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0';
                snprintf(guess, sizeof(guess), "%s/../../web", exe);
                if (is_dir(guess))
                    dir = guess;
            }
        }
        if (!is_dir(dir)) {
            fprintf(stderr, "truce: no web directory (--web DIR): serving the API only\n");
            *out = NULL;
            return 0;
        }
    }
    struct terr_info ei = {0};
    struct web_files *wf;
    if (web_files_load(dir, 0, &wf, &ei))
        return fail(1, "%s", ei.message);
    fprintf(stderr, "truce: web pages from %s (%zu files, %zu bytes)\n", dir, web_files_count(wf),
            web_files_bytes(wf));
    *out = wf;
    return 0;
}
