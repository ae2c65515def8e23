/*
 * For tests that judge the analysis as the server runs it: the shipped data
 * with the models make trained for this build (TRUCE_MODELS, set by make).
 * Without them the calling test is skipped, with a message.
 */
#ifndef TRUCE_TEST_MODELS_FIXTURE_H
#define TRUCE_TEST_MODELS_FIXTURE_H

#include <stdlib.h>

#include "analysis/analysis.h"

/* Never returns NULL: it skips or fails the test instead.  Free with
 * analysis_data_free(). */
static inline struct analysis_data *load_with_models(void)
{
    const char *models = getenv("TRUCE_MODELS");
    if (!models || !*models) {
        print_message("TRUCE_MODELS is not set (make test sets it): skipped\n");
        skip();
    }
    char err[256];
    struct analysis_data *d = analysis_data_load("data", models, err, sizeof err);
    if (!d)
        fail_msg("analysis_data_load: %s", err);
    return d;
}

#endif
