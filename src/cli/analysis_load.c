/*
 * Where the analysis data comes from, decided in one place for every command:
 *   data:   --data DIR, else $TRUCE_DATA, else the repository's data/ next to
 *           the executable (build/<variant>/truce -> ../../data), else ./data;
 *   models: <dir of the executable>/models (made by `make`), optional.
 * The coach's data (coach/, playbooks/, a politeness model) comes from the
 * same places and borrows the analysis data.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../analysis/coach.h"
#include "../service/coach.h"
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

/* The models directory beside the executable into out, or NULL. */
static const char *models_dir_of(char *out, size_t len)
{
    char exe[PATH_MAX];
    if (!exe_dir(exe, sizeof(exe)))
        return NULL;
    snprintf(out, len, "%s/models", exe);
    return is_dir(out) ? out : NULL;
}

int cli_load_analysis(const char *data_flag, struct analysis_data **out)
{
    char dir[PATH_MAX + 16], models[PATH_MAX + 16];
    cli_data_dir(data_flag, dir, sizeof(dir));
    const char *models_dir = models_dir_of(models, sizeof(models));
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

int cli_load_coach(const char *data_flag, const struct analysis_data *ad, struct coach_data **out)
{
    char dir[PATH_MAX + 16], models[PATH_MAX + 16];
    cli_data_dir(data_flag, dir, sizeof(dir));
    char err[512] = "";
    struct coach_data *d =
        coach_data_load(dir, models_dir_of(models, sizeof(models)), ad, err, sizeof(err));
    if (!d)
        return fail(1, "cannot load the coach's data: %s", err[0] ? err : dir);
    *out = d;
    return 0;
}

void cli_unload_coach(struct coach_data *d)
{
    svc_coach_setup(NULL);
    svc_coach_thread_done();
    coach_data_free(d);
}
