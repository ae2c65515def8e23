/*
 * Where the analysis data comes from, decided in one place for every command:
 *   data:   --data DIR, else $TRUCE_DATA, else the repository's data/ next to
 *           the executable (build/<variant>/truce -> ../../data), else ./data;
 *   models: <dir of the executable>/models (made by `make`), optional.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../service/conflict.h"
#include "cli.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The executable's directory into out; false when /proc is not there. */
static bool exe_dir(char *out, size_t len)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash)
        return false;
    *slash = '\0';
    snprintf(out, len, "%s", path);
    return true;
}

void cli_data_dir(const char *data_flag, char *out, size_t len)
{
    char exe[PATH_MAX], guess[PATH_MAX + 16];
    const char *dir = data_flag;
    if (!dir || !*dir)
        dir = getenv("TRUCE_DATA");
    if (!dir || !*dir) {
        dir = "data";
        if (exe_dir(exe, sizeof(exe))) {
            snprintf(guess, sizeof(guess), "%s/../../data", exe);
            if (is_dir(guess))
                dir = guess;
        }
    }
    snprintf(out, len, "%s", dir);
}

int cli_load_analysis(const char *data_flag, struct analysis_data **out)
{
    char exe[PATH_MAX], dir[PATH_MAX + 16], models[PATH_MAX + 16];
    cli_data_dir(data_flag, dir, sizeof(dir));
    const char *models_dir = NULL;
    if (exe_dir(exe, sizeof(exe))) {
        snprintf(models, sizeof(models), "%s/models", exe);
        models_dir = is_dir(models) ? models : NULL;
    }
    char err[512] = "";
    struct analysis_data *d = analysis_data_load(dir, models_dir, err, sizeof(err));
    if (!d)
        return fail(1, "cannot load the analysis data: %s", err[0] ? err : dir);
    *out = d;
    return 0;
}

void cli_unload_analysis(struct analysis_data *d)
{
    svc_conflict_setup(NULL);
    svc_conflict_thread_done();
    analysis_data_free(d);
}
